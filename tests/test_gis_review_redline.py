"""The red line in plan.qgs, compare.qgs, redline.qml, map.png and the web map:
1. a red-line layer that marks itself a proxy (its `is_proxy` column, its notes: siting/deliver/
   mapinfo.py `LayerBasis.is_proxy`, the decision report.md and map.png's legend make) is called
   one where a sheet or the layer panel names it: plan.qgs's layer "Red-line proxy polygons as
   used" (its print legend too), its layout's source line, compare.qgs's "a: red-line proxy" on
   each run's sheet, and the web map's "Red-line proxy (protected land and water)"; a layer that marks
   nothing a proxy keeps "Red-line polygons as used", "a: red line", "Red line (protected land and water)";
2. in redline.qml (and plan.qgs's red line), a polygon marked a proxy is outlined dotted, a traced
   one solid, keyed by an entry of its own where some polygon is a proxy;
3. every red-line category has a colour of its own: the lake buffer zone apart from the lakeside
   zone, the forest park apart from the scenic area (they shared one fill, and map.png one legend
   row), all of them apart for readers with any colour vision deficiency;
4. an unused candidate site drawn at its true footprint has a marker of fixed size at its centre,
   visible at the scale of the print layout.

The small scenario (tests/data/small) with its lake marked a proxy (tests/test_rep31_data_honesty.py
`_proxy_inputs`) and a traced nature reserve added, far from every site.
"""

from __future__ import annotations

import itertools
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_qgis import probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_rep31_data_honesty import _proxy_inputs
from test_report_shortfall import SIMULATION, lab

from siting.cli import main
from siting.deliver.layer import make_layer
from siting.deliver.mapplot import draw_redline
from siting.deliver.styles import (
    KEY_ONLY_CATEGORY,
    LAKE_BUFFER,
    LAKESIDE,
    PARK,
    REDLINE_FILL_ALPHA,
    RESERVE,
    SCENIC,
    WATER,
    redline_colour,
    redline_colours,
    redline_style,
    rgba,
    sites_style,
)
from tests.conftest import SMALL, MadeRun

#: The traced polygon added to the small red line: a nature reserve south-west of every site.
RESERVE_FEATURE = {"type": "Feature",
                   "properties": {"zone_id": "reserve", "name": "Test reserve", "category": "nature_reserve",
                                  "is_proxy": False, "note": "TRACED from the reserve's published map."},
                   "geometry": {"type": "Polygon", "coordinates": [[[102.9, 24.3], [102.95, 24.3], [102.95, 24.35],
                                                                    [102.9, 24.35], [102.9, 24.3]]]}}
#: What the layout's source line adds for the proxy: its marks, counted.
PROXY_LINE = ("The red-line layer is a proxy, not the official red line, as it says of itself (1 of its 2 polygons "
              "marked as a proxy in is_proxy, 1 note beginning PROXY or ESTIMATE): every exclusion by it and its "
              "share of the clusters rest on this proxy.")


def _proxy_folder(folder: Path) -> Path:
    """The small scenario with its lake a proxy and a traced reserve: the scenario's folder."""
    _proxy_inputs(folder)
    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["properties"]["is_proxy"] = True
    data["features"].append(RESERVE_FEATURE)
    path.write_text(json.dumps(data, ensure_ascii=False))
    return folder


@pytest.fixture(scope="module")
def proxy_compare(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`siting compare scenario.yaml b.yaml` on the proxy scenario (b asks 20 GWh/yr of cells):
    the comparison's folder."""
    folder = tmp_path_factory.mktemp("proxy") / "small"
    shutil.copytree(SMALL, folder)
    _proxy_folder(folder)
    (folder / "b.yaml").write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    out = folder / "cmp"
    assert main(["compare", str(folder / "scenario.yaml"), str(folder / "b.yaml"), "--out", str(out),
                 "--workers", "1"]) == 0
    return out


def parse(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8").split("\n", 1)[1])


def redline_layer(root: ET.Element, kind: str = "redline") -> list[ET.Element]:
    return [layer for layer in root.findall("projectlayers/maplayer")
            if layer.findtext("datasource", "").endswith(f"layername={kind}")]


def legend_names(layout: ET.Element) -> list[str | None]:
    (legend,) = [i for i in layout.findall("LayoutItem") if i.get("id") == "legend"]
    return [n.get("name") for n in legend.iter("layer-tree-layer")]


def layout_text(layout: ET.Element, item_id: str) -> str:
    (item,) = [i for i in layout.findall("LayoutItem") if i.get("id") == item_id]
    return item.get("labelText", "")


# --- 1. a proxy is called one ---------------------------------------------------------------------

def test_plan_qgs_calls_a_proxy_red_line_one_in_its_panel_legend_and_source_line(proxy_compare: Path):
    root = parse(proxy_compare / "small" / "plan.qgs")
    (layer,) = redline_layer(root)
    assert layer.findtext("layername") == "Red-line proxy polygons as used"
    assert layer.findtext("abstract").startswith("Red-line proxy polygons as used; by category")
    (layout,) = root.findall("Layouts/Layout")
    assert "Red-line proxy polygons as used" in legend_names(layout)
    assert "Red-line polygons as used" not in legend_names(layout)
    source = layout_text(layout, "source")
    assert source.endswith(
        "\nThe red-line layer covers 0.3 % of the clusters' area (18 of 5,602 km2). No official share is given "
        "(constraints.redline.official_share_pct), so the layer cannot be checked against the official red line."
        f"\n{PROXY_LINE}")


def test_a_red_line_marking_nothing_a_proxy_is_the_red_line(small_run: MadeRun, small_compare_run: MadeRun):
    """The small scenario's lake marks nothing: its names are as before, and no sheet says proxy."""
    root = parse(small_run.out / "plan.qgs")
    (layer,) = redline_layer(root)
    assert layer.findtext("layername") == "Red-line polygons as used"
    assert "proxy" not in layout_text(root.find("Layouts/Layout"), "source")
    compare = parse(small_compare_run.out / "compare.qgs")
    assert [layer.findtext("layername") for layer in redline_layer(compare)] == ["small: red line", "b: red line"]
    for layout in compare.findall("Layouts/Layout"):
        assert "proxy" not in layout_text(layout, "source")
    page = (small_run.out / "report.html").read_text(encoding="utf-8")
    assert "Red line (protected land and water)" in page and "Red-line proxy" not in page


def test_compare_qgs_calls_each_run_s_proxy_red_line_one_on_its_sheet(proxy_compare: Path):
    root = parse(proxy_compare / "compare.qgs")
    layers = redline_layer(root)
    assert [layer.findtext("layername") for layer in layers] == ["small: red-line proxy", "b: red-line proxy"]
    for layer, run in zip(layers, ("small", "b"), strict=True):
        assert layer.findtext("abstract", "").startswith(
            f"{run}'s red-line proxy polygons by category (its plan.gpkg), each with how far {run}'s red-line rule "
            "excludes sites around it. The red-line layer is a proxy, not the official red line, as it says of "
            "itself: its description reads ")
    sheets = {layout.get("name"): layout for layout in root.findall("Layouts/Layout")}
    assert list(sheets) == ["small (baseline)", "b"]
    for name, run in (("small (baseline)", "small"), ("b", "b")):
        assert legend_names(sheets[name])[-2:] == [f"{run}: red-line zones (buffer 1 km)", f"{run}: red-line proxy"]
        assert layout_text(sheets[name], "source").endswith(f"Printed [% format_date(now(), 'yyyy-MM-dd') %].\n"
                                                            f"{PROXY_LINE}")


def test_the_web_map_calls_a_proxy_red_line_one(proxy_compare: Path):
    page = (proxy_compare / "small" / "report.html").read_text(encoding="utf-8")
    assert "Red-line proxy (protected land and water)" in page
    assert "Red line (protected land and water)" not in page


# --- 2. proxies outlined dotted ------------------------------------------------------------------

def _redline(rows: list[tuple[str, bool, bool | None]]) -> object:
    """A red-line layer of one square per (category, used, is_proxy; None: no is_proxy column)."""
    columns = {"id": [f"z{n}" for n in range(len(rows))], "name": [f"zone {n}" for n in range(len(rows))],
               "category": [r[0] for r in rows], "used": [r[1] for r in rows], "buffer_m": [1000.0] * len(rows),
               "max_distance_m": [1000.0] * len(rows), "area_km2": [1.0] * len(rows)}
    if any(r[2] is not None for r in rows):
        columns["is_proxy"] = [bool(r[2]) for r in rows]
    frame = gpd.GeoDataFrame(columns, geometry=[shapely.box(102.0 + n, 25.0, 102.5 + n, 25.5)
                                                for n in range(len(rows))], crs="EPSG:4326")
    return make_layer("redline", "Red line", frame, list(frame.columns.drop("geometry")), None, "Polygon")


def _categories(qml: str) -> dict[str, tuple[str | None, ET.Element]]:
    root = ET.fromstring(qml.split("\n", 1)[1])
    symbols = {s.get("name"): s for s in root.findall("renderer-v2/symbols/symbol")}
    return {c.get("value"): (c.get("label"), symbols[c.get("symbol")])
            for c in root.findall("renderer-v2/categories/category")}


def _option(node: ET.Element, name: str) -> str | None:
    found = [o.get("value") for o in node.findall("Option/Option") if o.get("name") == name]
    return found[0] if found else None


def _outline_expression(sym: ET.Element) -> str | None:
    layer = sym.find("layer")
    for prop in layer.findall("data_defined_properties/Option/Option/Option"):
        if prop.get("name") == "outlineStyle":
            return next(o.get("value") for o in prop.findall("Option") if o.get("name") == "expression")
    return None


def test_a_polygon_marked_a_proxy_is_outlined_dotted_and_keyed_so():
    layer = _redline([("lake", True, True), ("lake", True, False), ("nature_reserve", True, False),
                      ("forest_park", False, True)])
    cats = _categories(redline_style(layer))  # type: ignore[arg-type]
    for used in ("lake", "nature_reserve"):
        assert _outline_expression(cats[used][1]) == ("if(lower(trim(to_string(\"is_proxy\"))) IN ('true', 'yes', 'y', "
                                                      "'1', 't'), 'dot', 'solid')")
    # A category the rule leaves out stays grey and dashed.
    assert _outline_expression(cats["forest_park"][1]) is None
    assert _option(cats["forest_park"][1].find("layer"), "outline_style") == "dash"
    key = KEY_ONLY_CATEGORY + "proxy"
    assert list(cats)[-1] == key
    label, sym = cats[key]
    assert label == "dotted outline: a polygon marked as a proxy (is_proxy), not traced"
    assert (_option(sym.find("layer"), "style"), _option(sym.find("layer"), "outline_style")) == ("no", "dot")


def test_a_red_line_without_proxy_marks_has_no_dotted_outline_or_key():
    for rows in ([("lake", True, None)], [("lake", True, False)]):
        cats = _categories(redline_style(_redline(rows)))  # type: ignore[arg-type]
        assert list(cats) == ["lake"]
        assert _outline_expression(cats["lake"][1]) is None


OUTLINE_PROBE = r"""
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsExpressionContext, QgsExpressionContextUtils, QgsLayoutItemLegend,
                       QgsProject, QgsRenderContext, QgsSymbolLayer, QgsVectorLayer)
app = QgsApplication([], False)
app.initQgis()
folder = sys.argv[1]
project = QgsProject.instance()
out = {"read": project.read(os.path.join(folder, "plan.qgs"))}

def outlines(layer):
    context = QgsRenderContext()
    context.setExpressionContext(QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer)))
    renderer = layer.renderer().clone()
    renderer.startRender(context, layer.fields())
    found = {}
    for feature in layer.getFeatures():
        context.expressionContext().setFeature(feature)
        (symbol,) = renderer.symbolsForFeature(feature, context)
        props = symbol.symbolLayer(0).dataDefinedProperties()
        style, _ok = props.valueAsString(QgsSymbolLayer.PropertyStrokeStyle, context.expressionContext(),
                                         symbol.symbolLayer(0).properties()["outline_style"])
        found[feature["name"]] = [feature["category"], style]
    renderer.stopRender(context)
    return found

(layer,) = [l for l in project.mapLayers().values() if l.source().endswith("layername=redline")]
out["name"] = layer.name()
out["plan"] = outlines(layer)
geojson = QgsVectorLayer(os.path.join(folder, "redline.geojson"), "redline", "ogr")
geojson.loadDefaultStyle()
out["geojson"] = outlines(geojson)
legend = next(i for i in project.layoutManager().printLayouts()[0].items() if isinstance(i, QgsLayoutItemLegend))
model = legend.model()
lines = []
def walk(index):
    for row in range(model.rowCount(index)):
        child = model.index(row, 0, index)
        lines.append(model.data(child, 0))
        walk(child)
walk(model.index(-1, -1))
out["legend"] = lines[lines.index(layer.name()):]
print(json.dumps(out), flush=True)
os._exit(0)  # QGIS 3.22 may crash while exiting with a layer outside the project (geojson)
"""


def test_qgis_draws_the_proxy_dotted_and_the_traced_reserve_solid(qgis: None, proxy_compare: Path,  # noqa: F811
                                                                  tmp_path: Path):
    """In QGIS 3.22, from plan.gpkg in plan.qgs and from redline.geojson with redline.qml: the lake
    (marked a proxy) dotted, the traced reserve solid; the print legend keys the dotted outline
    after the red line's categories."""
    result = probe_folder(OUTLINE_PROBE, proxy_compare / "small", tmp_path)
    assert result["read"] is True
    assert result["name"] == "Red-line proxy polygons as used"
    expected = {"Test lake": ["lake", "dot"], "Test reserve": ["nature_reserve", "solid"]}
    assert result["plan"] == result["geojson"] == expected
    assert result["legend"] == ["Red-line proxy polygons as used", "lake (excluded within 1,000 m)",
                                "nature reserve (excluded within 1,000 m)",
                                "dotted outline: a polygon marked as a proxy (is_proxy), not traced"]


# --- 3. a colour per category ------------------------------------------------------------------

SHIPPED = ("lake", "lakeside_zone", "lake_buffer_zone", "nature_reserve", "forest_park", "scenic_area")
#: What the map is drawn on inside the clusters (siting/deliver/mapplot.py LAND).
LAND = (250, 250, 245)


def test_every_shipped_red_line_category_has_a_colour_of_its_own():
    assert redline_colours(SHIPPED) == {
        "lake": WATER, "lakeside_zone": LAKESIDE, "lake_buffer_zone": LAKE_BUFFER, "nature_reserve": RESERVE,
        "forest_park": PARK, "scenic_area": SCENIC}
    assert (WATER, LAKESIDE, LAKE_BUFFER, RESERVE, PARK, SCENIC) == (
        (67, 147, 195), (50, 190, 170), (150, 230, 230), (77, 160, 80), (168, 216, 160), (232, 216, 112))
    assert [redline_colour(c) for c in SHIPPED] == [WATER, LAKESIDE, LAKE_BUFFER, RESERVE, PARK, SCENIC]


def test_every_reader_tells_the_red_line_categories_apart_as_drawn():
    """Each fill as drawn (REDLINE_FILL_ALPHA over the land) at least 10 apart in CIELAB from
    every other for normal vision, protanopia, deuteranopia and tritanopia; the lake and the
    nature reserve, whose colours are as before, 9.6 for tritanopia."""
    alpha = REDLINE_FILL_ALPHA / 255

    def drawn(rgb: tuple[int, int, int]) -> tuple[float, ...]:
        return tuple(alpha * c + (1 - alpha) * land for c, land in zip(rgb, LAND, strict=True))

    colours = redline_colours(SHIPPED)
    for vision in SIMULATION:
        for a, b in itertools.combinations(SHIPPED, 2):
            apart = float(np.linalg.norm(lab(drawn(colours[a]), vision) - lab(drawn(colours[b]), vision)))
            assert apart >= (9.6 if {a, b} == {"lake", "nature_reserve"} else 10.0), (vision, a, b, round(apart, 1))


def test_a_category_the_project_does_not_know_takes_a_colour_no_other_has():
    """An unknown water zone and park fall back to their family's colour where it is free, and to
    one no present category has where it is taken."""
    colours = redline_colours(["lake", "river", "wetland_zone", "lakeside_zone", "geopark", "forest_park"])
    assert colours["lake"] == WATER and colours["lakeside_zone"] == LAKESIDE and colours["forest_park"] == PARK
    assert len(set(colours.values())) == 6


def test_redline_qml_and_map_png_give_each_category_its_own_fill_and_legend_row():
    layer = _redline([(c, True, None) for c in SHIPPED])
    cats = _categories(redline_style(layer))  # type: ignore[arg-type]
    fills = {value: _option(sym.find("layer"), "color") for value, (_label, sym) in cats.items()}
    assert fills == {c: rgba(redline_colours(SHIPPED)[c], REDLINE_FILL_ALPHA) for c in SHIPPED}
    assert fills["lake_buffer_zone"] == "150,230,230,150" and fills["lakeside_zone"] == "50,190,170,150"
    assert fills["forest_park"] == "168,216,160,150" and fills["scenic_area"] == "232,216,112,150"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    rows = draw_redline(ax, layer.frame)  # type: ignore[attr-defined]
    plt.close(figure)
    assert sorted(label for label, _fill, _edge in rows) == sorted(c.replace("_", " ") for c in SHIPPED)
    assert len({fill for _label, fill, _edge in rows}) == 6


# --- 4. unused candidate sites visible at print scale ------------------------------------------

def test_an_unused_candidate_site_s_footprint_has_a_fixed_size_marker_at_its_centre():
    frame = gpd.GeoDataFrame({"id": ["s1"], "name": ["Park"], "status": ["eligible_unused"], "capex_yuan": [0.0]},
                             geometry=[shapely.box(102.0, 25.0, 102.001, 25.001)], crs="EPSG:4326")
    layer = make_layer("sites", "Sites", frame, list(frame.columns.drop("geometry")), None, "Polygon")
    cats = _categories(sites_style(layer))
    _label, sym = cats["eligible_unused"]
    parts = sym.findall("layer")
    assert [p.get("class") for p in parts] == ["SimpleFill", "CentroidFill"]
    marker = parts[1].find("symbol/layer")
    assert (marker.get("class"), _option(marker, "name"), _option(marker, "size"), _option(marker, "size_unit")) == (
        "SimpleMarker", "circle", "2.6", "MM")
