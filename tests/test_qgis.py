"""The outputs in real QGIS: every layer of plan.gpkg and every GeoJSON (with its .qml) loads
valid, with the expected features, field types and style, and plan.qgs opens in order.

QGIS's Python bindings belong to the system Python (Debian's `python3-qgis`), not to our
virtual environment, so a small probe script runs under that interpreter in a subprocess and
prints what QGIS sees as JSON. The test is skipped, saying why, where the bindings are absent.
Set SITING_QGIS_PYTHON to use another interpreter that has them.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from siting.config.units import product_label
from siting.deliver.layers import STATUSES
from siting.deliver.styles import (
    DEMO_KEY,
    DEMO_LABEL,
    KEY_ONLY_CATEGORY,
    PROXY_KEY_LABEL,
    RENDERERS,
    resource_legend_label,
)
from tests.conftest import MadeRun, copied

QGIS_PYTHON = os.environ.get("SITING_QGIS_PYTHON", "/usr/bin/python3")
#: plan.qgs's layers top to bottom: the sources over the flows and sites, as map.png draws them
#: (siting/deliver/qgisproject.py PROJECT_ORDER).
LAYER_ORDER = ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]

#: Each case's layers in plan.qgs's order: the shipped scenario adds its counties (`layers.context`) last.
CASE_LAYERS = {"small": LAYER_ORDER, "shipped": [*LAYER_ORDER, "context"]}
#: QGIS field type names for our field kinds (GeoJSON integers are Integer, GeoPackage's Integer64).
QGIS_TYPES = {"string": {"String"}, "real": {"Real"}, "integer": {"Integer", "Integer64"}, "boolean": {"Boolean"}}

PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (Qgis, QgsApplication, QgsExpression, QgsExpressionContext, QgsExpressionContextUtils,
                       QgsLayoutExporter, QgsLayoutItem, QgsLayoutItemLegend, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsProject, QgsSymbolLayer, QgsVectorLayer, QgsWkbTypes)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

def facts(layer):
    renderer = layer.renderer()
    out = {"valid": layer.isValid(), "features": layer.featureCount(), "crs": layer.crs().authid(),
           "geometry": QgsWkbTypes.displayString(layer.wkbType()),
           "fields": {f.name(): f.typeName() for f in layer.fields() if f.name() != "fid"},
           "renderer": renderer.type() if renderer else None, "labels": layer.labelsEnabled(),
           "aliases": {f.name(): layer.attributeAlias(i) for i, f in enumerate(layer.fields())
                       if layer.attributeAlias(i)}}
    if renderer is not None and renderer.type() == "categorizedSymbol":
        out["attribute"] = renderer.classAttribute()
        out["categories"] = [[c.value(), c.label(), c.symbol().color().name()] for c in renderer.categories()]
    if renderer is not None and renderer.type() == "RuleRenderer":
        def width(symbol):
            if symbol is None:
                return None
            prop = symbol.symbolLayer(0).dataDefinedProperties().property(QgsSymbolLayer.PropertyStrokeWidth)
            return prop.expressionString()
        out["rules"] = [[[r.label(), r.filterExpression(), r.active(), width(r.symbol())]
                         for r in [top, *top.children()]] for top in renderer.rootRule().children()]
    if renderer is not None and renderer.orderByEnabled():
        out["order_by"] = [[c.expression().expression(), c.ascending()] for c in renderer.orderBy().list()]
    if layer.featureCount() <= 100:
        out["nulls"] = {f.name(): sum(1 for feature in layer.getFeatures() if feature[f.name()] is None
                                      or (hasattr(feature[f.name()], "isNull") and feature[f.name()].isNull()))
                        for f in layer.fields() if f.name() != "fid"}
    if layer.labelsEnabled() and layer.featureCount() <= 100:
        context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
        expression = QgsExpression(layer.labeling().settings().fieldName)
        out["label_texts"] = {}
        for feature in layer.getFeatures():
            context.setFeature(feature)
            out["label_texts"][feature["id"]] = expression.evaluate(context)
    return out

def layout_facts(project, name, pdf):
    """The print layout's items by id and class, the legend's lines, and the PDF export."""
    layout = project.layoutManager().layoutByName(name)
    if layout is None:
        return None
    found = {i.id(): type(i).__name__ for i in layout.items() if isinstance(i, QgsLayoutItem) and i.id()}
    legend = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLegend))
    model = legend.model()
    lines = []
    def walk(index, depth):
        for row in range(model.rowCount(index)):
            child = model.index(row, 0, index)
            lines.append([depth, model.data(child, 0)])  # 0: Qt.DisplayRole
            walk(child, depth + 1)
    walk(model.index(-1, -1), 0)
    page = layout.pageCollection().page(0).pageSize()
    links = {i.id(): i.linkedMap().id() for i in layout.items()
             if isinstance(i, QgsLayoutItem) and hasattr(i, "linkedMap") and i.linkedMap() is not None}
    outcome = QgsLayoutExporter(layout).exportToPdf(pdf, QgsLayoutExporter.PdfExportSettings())
    legend.adjustBoxSize()  # the size QGIS drew it at (it resizes to its contents)
    frames = {}
    for item in layout.items():
        if isinstance(item, QgsLayoutItem) and item.id():
            at, size = item.positionWithUnits(), item.sizeWithUnits()
            frames[item.id()] = [at.x(), at.y(), size.width(), size.height()]
    return {"items": found, "legend": lines, "page_mm": [page.width(), page.height()], "links": links,
            "export": outcome == QgsLayoutExporter.Success, "frames": frames, "columns": legend.columnCount()}


app = QgsApplication([], False)
app.initQgis()
folder, layers = sys.argv[1], sys.argv[2].split(",")
result = {"qgis": Qgis.QGIS_VERSION, "gpkg": {}, "geojson": {}}
for name in layers:
    result["gpkg"][name] = facts(QgsVectorLayer(f"{folder}/plan.gpkg|layername={name}", name, "ogr"))
    result["geojson"][name] = facts(QgsVectorLayer(f"{folder}/{name}.geojson", name, "ogr"))
project = QgsProject.instance()
result["project_read"] = project.read(f"{folder}/plan.qgs")
result["project_crs"] = project.crs().authid()
ordered = [node.layer() for node in project.layerTreeRoot().findLayers()]
result["project_layers"] = [[lyr.source().split("layername=")[-1], lyr.isValid(), lyr.renderer().type()]
                            for lyr in ordered]
settings = QgsMapSettings()
settings.setLayers(ordered)
settings.setDestinationCrs(project.crs())
settings.setExtent(project.viewSettings().defaultViewExtent())
settings.setOutputSize(QSize(400, 300))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
white = QColor(255, 255, 255).rgb()
result["painted_share"] = sum(image.pixel(x, y) != white for x in range(0, 400, 4) for y in range(0, 300, 4)) / 7500
# Labels as QGIS's label engine placed them on a 1600 x 1200 view: layer, text, box (map units).
settings.setOutputSize(QSize(1600, 1200))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
result["labels"] = [[label.layerID, label.labelText, [label.labelRect.xMinimum(), label.labelRect.yMinimum(),
                                                      label.labelRect.xMaximum(), label.labelRect.yMaximum()]]
                    for label in job.takeLabelingResults().allLabels() if label.labelText and not label.isUnplaced]
result["layout"] = layout_facts(project, "Plan", f"{folder}/../{os.path.basename(folder)}.pdf")
print(json.dumps(result))
app.exitQgis()
'''

#: Opens compare.qgs: each layer's name, validity and feature count, and the export of b's layout.
COMPARE_PROBE = PROBE.split("app = QgsApplication")[0] + r'''
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
result = {"project_read": project.read(sys.argv[1])}
result["layers"] = [[node.layer().name(), node.layer().isValid(), node.layer().featureCount()]
                    for node in project.layerTreeRoot().findLayers()]
result["layout"] = layout_facts(project, "b", sys.argv[2])
print(json.dumps(result))
app.exitQgis()
'''


@functools.cache
def qgis_available() -> str | None:
    """None if QGIS_PYTHON can import qgis.core, else the reason it cannot. Asked once in a
    process (some 0.4 s each time, starting QGIS_PYTHON): the `qgis` fixture of every module
    that draws with QGIS (some thirty) takes the first answer."""
    if shutil.which(QGIS_PYTHON) is None and not Path(QGIS_PYTHON).exists():
        return f"{QGIS_PYTHON} not found"
    check = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True, timeout=120,
                           check=False)
    if check.returncode != 0:
        last = (check.stderr.strip().splitlines() or ["no message"])[-1]
        return f"{QGIS_PYTHON} cannot import qgis.core ({last}); on Debian or Ubuntu: apt-get install python3-qgis"
    return None


#: The opening of a probe script (`probe_folder`): QGIS started offscreen, the output folder's
#: plan.qgs read into `project` (`read`: whether it was). The probe imports what else it uses.
PROBE_HEAD = r"""
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False)
app.initQgis()
folder = sys.argv[1]
project = QgsProject.instance()
read = project.read(os.path.join(folder, "plan.qgs"))
"""


def probe_folder(probe: str, folder: Path, scratch: Path) -> dict:
    """Run `probe` (a script for QGIS_PYTHON taking an output folder) on `folder`, offscreen, with
    a runtime folder of its own in `scratch`; what it printed last, read as JSON."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(scratch / "xdg")}
    (scratch / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", probe, str(folder)], capture_output=True, text=True, timeout=300,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def qgis() -> None:
    reason = qgis_available()
    if reason is not None:
        pytest.skip(f"QGIS Python bindings unavailable: {reason}")


def probe(folder: Path, layers: list[str]) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(folder.parent / "xdg")}
    (folder.parent / "xdg").mkdir(mode=0o700, exist_ok=True)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(folder), ",".join(layers)], capture_output=True, text=True,
                          timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def seen(qgis: None, small_run: MadeRun, shipped_first_node_run: MadeRun, tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, tuple[Path, dict]]:
    """What QGIS sees of the small scenario's and the shipped scenario's (first node) outputs
    (copies of conftest's `small_run` and `shipped_first_node_run`, solved once for the session)."""
    base = tmp_path_factory.mktemp("qgis")
    copied(small_run.out, base / "small_out")
    copied(shipped_first_node_run.out, base / "shipped_out")
    return {name: (base / f"{name}_out", probe(base / f"{name}_out", CASE_LAYERS[name]))
            for name in ("small", "shipped")}


#: Fields null at every feature of a layer in some case (the small scenario's sites give no
#: `position_uncertainty_km` and are points, without a `footprint_ha`), with their declared kind,
#: which plan.gpkg keeps: a GeoJSON null has no type, so QGIS reads such a field of the GeoJSON as
#: a string.
DECLARED = {"position_uncertainty_km": "real", "position_sensitive": "string", "footprint_ha": "real"}


def expected_kinds(folder: Path, name: str, source: str) -> dict[str, str]:
    """Field kinds as the GeoJSON values say, each from its first non-null value (flows of the
    small scenario are empty: declared); a field null everywhere is a string in the GeoJSON
    (`source` "geojson") and of its kind in `DECLARED` in plan.gpkg."""
    features = json.loads((folder / f"{name}.geojson").read_text())["features"]
    if not features:
        return {"id": "string", "source": "string", "site": "string", "resource": "string", "km": "real",
                "tonnes_2023": "real", "tonnes_2024": "real"}
    kinds = {str: "string", float: "real", int: "integer", bool: "boolean"}
    found = {}
    for key in features[0]["properties"]:
        value = next((f["properties"][key] for f in features if f["properties"][key] is not None), None)
        found[key] = kinds[type(value)] if value is not None else "string" if source == "geojson" else DECLARED[key]
    return found


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_loads_every_layer_valid_typed_and_styled(seen: dict[str, tuple[Path, dict]], case: str):
    folder, result = seen[case]
    assert result["qgis"].startswith("3.")
    assert sorted(p.stem for p in folder.glob("*.geojson")) == sorted(CASE_LAYERS[case])
    for name in CASE_LAYERS[case]:
        features = json.loads((folder / f"{name}.geojson").read_text())["features"]
        qml = ET.fromstring((folder / f"{name}.qml").read_text(encoding="utf-8"))
        labels = [c.get("label") for c in qml.findall("renderer-v2/categories/category")]
        renderer_type, attribute = RENDERERS[name]
        for source in ("gpkg", "geojson"):
            facts = result[source][name]
            where = f"{case} {source} {name}"
            assert facts["valid"], where
            assert facts["features"] == len(features), where
            if source == "geojson" and not features:
                # An empty FeatureCollection carries no geometry type or fields (RFC 7946 has no
                # place for them): QGIS opens it as an empty table. plan.gpkg keeps them.
                assert facts["geometry"] == "NoGeometry", where
                continue
            assert facts["crs"] == "EPSG:4326", where
            kinds = expected_kinds(folder, name, source)
            assert list(facts["fields"]) == list(kinds), where
            for field, type_name in facts["fields"].items():
                assert type_name in QGIS_TYPES[kinds[field]], (where, field, type_name)
            if features:
                assert facts["geometry"] == features[0]["geometry"]["type"], where
            # The style was applied (not QGIS's random single symbol): renderer, field, our labels.
            assert facts["renderer"] == renderer_type, where
            if attribute is not None:
                assert facts["attribute"] == attribute, where
                assert [c[1] for c in facts["categories"]] == labels, where
        if features:
            assert result["gpkg"][name].get("categories") == result["geojson"][name].get("categories")
    assert result["gpkg"]["clusters"]["labels"] and result["gpkg"]["sites"]["labels"]
    assert result["gpkg"]["redline"]["labels"] and result["gpkg"]["hubs"]["labels"]
    # Fields named without their unit show it in QGIS (the style's aliases), in both sources.
    for source in ("gpkg", "geojson"):
        assert result[source]["sites"]["aliases"]["added_lfp_2024"] == "LFP added, decided 2024 (t/yr)"
        assert result[source]["sites"]["aliases"]["capex_yuan"] == "capex (yuan)"
        assert result[source]["clusters"]["aliases"]["capacity_cells_2024"] == "Cells capacity 2024 (GWh/yr)"
        assert result[source]["flows"]["aliases"]["km"] == "road distance (km)"
        assert result[source]["product_flows"]["aliases"]["units"] == "amount per year (see unit)"


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_reads_an_uncertainty_not_given_as_null(seen: dict[str, tuple[Path, dict]], case: str):
    """The small scenario's sites layer has no `position_uncertainty_km`: QGIS reads both position
    fields as NULL at each of its 4 sites, in plan.gpkg (a Real field there) and in the GeoJSON,
    not as 0. Every shipped site gives one: no NULL."""
    folder, result = seen[case]
    sites = len(json.loads((folder / "sites.geojson").read_text())["features"])
    expected = sites if case == "small" else 0
    assert (case, sites) in (("small", 4), ("shipped", 18))
    for source in ("gpkg", "geojson"):
        nulls = result[source]["sites"]["nulls"]
        assert (nulls["position_uncertainty_km"], nulls["position_sensitive"]) == (expected, expected), source
    assert result["gpkg"]["sites"]["fields"]["position_uncertainty_km"] == "Real"


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_project_opens_in_order_and_draws_the_plan(seen: dict[str, tuple[Path, dict]], case: str):
    _folder, result = seen[case]
    assert result["project_read"] is True
    assert result["project_crs"] == "EPSG:32648"
    assert [layer[0] for layer in result["project_layers"]] == CASE_LAYERS[case]
    assert all(layer[1] for layer in result["project_layers"])
    assert result["painted_share"] > 0.05


#: The print layout's items: id -> QGIS class.
LAYOUT_ITEMS = {"map": "QgsLayoutItemMap", "legend": "QgsLayoutItemLegend", "scale bar": "QgsLayoutItemScaleBar",
                "north arrow": "QgsLayoutItemPicture", "title": "QgsLayoutItemLabel", "source": "QgsLayoutItemLabel"}


def assert_layout_exported(layout: dict | None, pdf: Path, note: bool = False) -> None:
    """The layout has its six items on an A3 landscape page (and, with `note`, its note of the
    names left out for want of room), legend, scale bar and north arrow
    follow the map, the legend as QGIS drew it lies on the page beside the map (right of it, within
    its height and the page's margin), says nothing twice within a layer, and the PDF was written."""
    assert layout is not None
    assert layout["items"] == {**LAYOUT_ITEMS, **({"note": "QgsLayoutItemLabel"} if note else {})}
    assert layout["page_mm"] == [420.0, 297.0]  # A3 landscape
    assert layout["links"] == {"legend": "map", "scale bar": "map", "north arrow": "map"}
    map_x, map_y, map_w, map_h = layout["frames"]["map"]
    x, y, w, h = layout["frames"]["legend"]
    assert x == pytest.approx(map_x + map_w + 5) and y == pytest.approx(map_y), layout["frames"]
    assert x + w <= 420 - map_x and y + h <= map_y + map_h, layout["frames"]
    groups: dict[str, list[str]] = {}
    current = ""
    for depth, text in layout["legend"]:
        if depth == 0:
            current = text
            assert current not in groups, current
            groups[current] = []
        else:
            groups[current].append(text)
    for name, lines in groups.items():
        assert len(lines) == len(set(lines)), (name, lines)
    assert layout["export"] is True
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_plan_layout_exports_to_pdf(seen: dict[str, tuple[Path, dict]], case: str):
    """The legend lists the project's layers, each once, in order, down to the red line (zones and
    polygons, each category of its data) and the shipped plan's counties; the product flows only
    in the final year's rules, one line per product that flows in it. The small plan's layout
    names every source and lake and has no note; the shipped plan's lists in its note the sources
    crowded out (four sources, every lake named: tests/test_qgis_leftovers.py)."""
    folder, result = seen[case]
    assert_layout_exported(result["layout"], folder.parent / f"{folder.name}.pdf", note=case == "shipped")
    legend = result["layout"]["legend"]
    tops = [text.split("\n")[0] for depth, text in legend if depth == 0]
    assert tops[0] == "Raw-material sources (t/yr)"
    context = ["Counties (context)"] if case == "shipped" else []
    # The shipped red line marks itself a proxy (tests/test_gis_review_redline.py).
    redline_name = "Red-line proxy polygons as used" if case == "shipped" else "Red-line polygons as used"
    assert tops[-2 - len(context):] == ["Red-line exclusion zones", redline_name, *context]
    assert len(tops) == len(CASE_LAYERS[case])

    def lines_of(title: str) -> list[str]:
        start = next(i for i, (depth, text) in enumerate(legend) if depth == 0 and text.startswith(title))
        return [text.replace("\n", " ") for depth, text in itertools.takewhile(lambda n: n[0] > 0, legend[start + 1:])]

    # Sites and raw-material flows: only the statuses and resources the features have; the
    # shipped plan's recycling demonstration (the rule's 1-2, constraints.recycling_demo: one, at
    # Qujing Cuifeng, 50,000 t/yr in 2022) keyed by one ring after the statuses.
    sites = ET.fromstring((folder / "sites.qml").read_text(encoding="utf-8"))
    site_features = json.loads((folder / "sites.geojson").read_text())["features"]
    statuses = {f["properties"]["status"] for f in site_features}
    demos = [f["properties"]["id"] for f in site_features if f["properties"].get("demonstration")]
    assert demos == (["qujing_cuifeng_gaojiatun"] if case == "shipped" else [])
    ring = [DEMO_LABEL] if demos else []
    assert [c.get("value") for c in sites.iter("category")] == [s for s in STATUSES if s in statuses] + (
        [DEMO_KEY] if demos else [])
    shown_sites = lines_of("Candidate sites by status")
    slices = [a.get("label") for a in sites.iter("attribute")]
    assert len(shown_sites) == len(statuses) + len(ring) + len(slices)
    assert shown_sites[len(statuses):] == ring + slices
    raw = json.loads((folder / "flows.geojson").read_text())["features"]
    if raw:
        keyed = [c.get("label") for c in ET.fromstring((folder / "flows.qml").read_text(encoding="utf-8")).iter(
            "category") if str(c.get("value")).startswith(KEY_ONLY_CATEGORY)]  # draws on site: no line
        assert lines_of("Raw-material flows") == [resource_legend_label(r) for r in sorted(
            {f["properties"]["resource"] for f in raw})] + keyed
    redline = json.loads((folder / "redline.geojson").read_text())["features"]
    labels = {c.get("value"): c.get("label") for c in ET.fromstring(
        (folder / "redline.qml").read_text(encoding="utf-8")).iter("category")}
    assert lines_of(redline_name) == [labels[c] for c in sorted({f["properties"]["category"] for f in redline})] + (
        [PROXY_KEY_LABEL] if case == "shipped" else [])
    flows = json.loads((folder / "product_flows.geojson").read_text())["features"]
    last = max(f["properties"]["year"] for f in flows)
    final_rules = ET.fromstring((folder / "product_flows.qml").read_text(encoding="utf-8")).findall(
        "renderer-v2/rules/rule")[-1]
    assert final_rules.get("filter") == f'"year" = {last}'
    shown = lines_of("Product flows")
    assert shown == [r.get("label") for r in final_rules.findall("rule")]
    assert sorted(line.split(" (widest")[0] for line in shown) == sorted(
        product_label(p) for p in {f["properties"]["product"] for f in flows if f["properties"]["year"] == last})


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_product_flows_show_the_final_year_each_line_as_wide_as_its_field(
        seen: dict[str, tuple[Path, dict]], case: str):
    """QGIS reads one rule per year, only the last active, and under each a rule per product
    whose width is the layer's `width_mm` (one scale per unit: siting/deliver/styles.py
    `flow_lanes`; cells in GWh and separator in million m2 each at 3 mm at its widest, every
    product in t on one scale)."""
    folder, result = seen[case]
    flows = json.loads((folder / "product_flows.geojson").read_text())["features"]
    years = sorted({f["properties"]["year"] for f in flows})
    widest: dict[str, float] = {}
    for feature in flows:
        unit, units = feature["properties"]["unit"], feature["properties"]["units"]
        widest[unit] = max(widest.get(unit, 0.0), units)
    for feature in flows:
        properties = feature["properties"]
        assert properties["width_mm"] == pytest.approx(0.3 + 2.7 * properties["units"] / widest[properties["unit"]],
                                                       abs=0.0005)
    for source in ("gpkg", "geojson"):
        rules = result[source]["product_flows"]["rules"]
        assert [(year[0][1], year[0][2]) for year in rules] == [(f'"year" = {y}', y == years[-1]) for y in years]
        for (_label, year_filter, _active, _width), *products in rules:
            year = int(year_filter.rsplit(" ", 1)[1])
            assert {p[1] for p in products} == {f"\"product\" = '{f['properties']['product']}'" for f in flows
                                                if f["properties"]["year"] == year}
            for _plabel, product_filter, active, width in products:
                product = product_filter.split("'")[1]
                assert active is True
                assert width == '"width_mm"', product


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_labels_the_gateway_apart_from_its_hub(seen: dict[str, tuple[Path, dict]], case: str):
    """The shipped gateway lies at the Kunming hub, and both are named Kunming: one label of two
    lines on the hub, none on the gateway; the small plan's gateway, between its hubs, is "Gate
    (gateway)". The gateway's star is drawn before (under) the hubs' squares."""
    _folder, result = seen[case]
    expected = ({"hub_kunming": "Kunming\n(hub and gateway)", "hub_yuxi": "Yuxi", "hub_qujing": "Qujing",
                 "gateway": ""} if case == "shipped" else {"hub_west": "West", "hub_east": "East",
                                                           "gateway": "Gate (gateway)"})
    for source in ("gpkg", "geojson"):
        assert result[source]["hubs"]["label_texts"] == expected
        assert result[source]["hubs"]["order_by"] == [["\"kind\" = 'hub'", True]]


def test_qgis_opens_the_comparison_project(qgis: None, small_compare_run: MadeRun, tmp_path: Path):
    """compare.qgs of the small scenario against a variant asking 20 GWh of cells (a copy of
    conftest's `small_compare_run`): the changes (one feature per site for the one compared run),
    both runs' layers as their plan.qgs shows them (sites, hubs, product flows, raw-material flows
    and sources, clusters, zones and red line), all valid; b's layout exports to PDF
    (each run's layout: tests/test_compare_layouts.py)."""
    out = copied(small_compare_run.out, tmp_path / "cmp")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    pdf = tmp_path / "compare.pdf"
    done = subprocess.run([QGIS_PYTHON, "-c", COMPARE_PROBE, str(out / "compare.qgs"), str(pdf)], capture_output=True,
                          text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["project_read"] is True
    sites = len(json.loads((out / "small" / "sites.geojson").read_text())["features"])
    counts = {(run, name): len(json.loads((out / run / f"{name}.geojson").read_text())["features"])
              for run in ("small", "b") for name in ("hubs", "product_flows", "flows", "sources")}

    def run_layers(run: str) -> list:
        return [[f"{run}: raw-material sources (t/yr)", True, counts[run, "sources"]], [f"{run}: sites", True, sites],
                *([f"{run}: {title}", True, counts[run, name]] for title, name in (
                    ("hubs and the gateway", "hubs"), ("product flows (per year)", "product_flows"),
                    ("raw-material flows (t/yr)", "flows"))),
                [f"{run}: clusters", True, 2], [f"{run}: red-line zones (buffer 1 km)", True, 1],
                [f"{run}: red line", True, 1]]

    assert result["layers"] == [*run_layers("small"), ["b: changes against small", True, sites], *run_layers("b")]
    assert_layout_exported(result["layout"], pdf)


@pytest.mark.parametrize("case", ["small", "shipped"])
def test_qgis_places_every_built_site_label_and_no_two_labels_overlap(seen: dict[str, tuple[Path, dict]], case: str):
    """QGIS names every built site (AlwaysShow: the shipped plan's seven, Qujing Cuifeng's with
    its recycling demonstration among them) and, where it finds room, a standing one (the sites
    style names those too, `labelled_statuses`; neither plan has one: an earlier shipped plan's
    Qujing Cuifeng stood, its name placed on this view), no other site; no two of its labels
    overlap."""
    folder, result = seen[case]
    features = json.loads((folder / "sites.geojson").read_text())["features"]
    built = sorted(f["properties"]["name"] for f in features if f["properties"]["status"] == "built")
    standing = sorted(f["properties"]["name"] for f in features if f["properties"]["status"] == "standing")
    assert built
    if case == "shipped":
        assert built == ["Anning industrial park, Caopu area", "Anning industrial park, Qilin area",
                         "Qujing Cuifeng subdistrict, Gaojiatun (Defang LMFP)",
                         "Qujing ETDZ, Xicheng and Nanhaizi industrial areas", "Tonghai county", "Yimen county",
                         "Yuxi high-tech zone, Longquan area"]
    assert standing == []
    # QGIS's labeling results now and then list one label twice, with the same text and box to the
    # last digit (about one run in six under load), or, for a site's name as its .qml places it
    # around its point (the canvas's), at a second position beside the first (about one run in five
    # under load; sites.qml alone on plan.gpkg does the same): one drawn label, counted once.
    placed = list({(layer, text): (layer, text, box) for layer, text, box in result["labels"]}.values())
    assert sorted(text for layer, text, _box in placed if layer == "sites_layer") == sorted([*built, *standing])
    for (_l1, text1, a), (_l2, text2, b) in itertools.combinations(placed, 2):
        overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
        assert overlap[0] <= 0 or overlap[1] <= 0, (text1, text2)


def test_qgis_is_asked_for_once_in_a_process(monkeypatch: pytest.MonkeyPatch):
    """`qgis_available` starts QGIS_PYTHON once: the next module's `qgis` fixture takes its answer."""
    asked = []

    def run(args: list[str], **_kwargs: object) -> subprocess.CompletedProcess[str]:
        asked.append(args)
        return subprocess.CompletedProcess(args, 0, "", "")

    qgis_available.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda _name: QGIS_PYTHON)
    monkeypatch.setattr(subprocess, "run", run)
    try:
        assert [qgis_available(), qgis_available()] == [None, None]
        assert asked == [[QGIS_PYTHON, "-c", "import qgis.core"]]
    finally:
        qgis_available.cache_clear()  # the next to ask starts the real QGIS_PYTHON
