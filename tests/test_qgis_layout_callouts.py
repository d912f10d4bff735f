"""The sites in plan.qgs and compare.qgs (siting/deliver/styles.py `sites_style`): a built site's
name stands LABEL_GAP_MM clear of its pie and is tied to it by a leader (a QGIS simple line
callout ending at the pie's edge), so that a reader can tell which pie a name belongs to; of two
overlapping built sites the smaller is drawn over the larger (the renderer's feature order and
the pies' z-index), its pie outlined in ink, so that it reads as a pie of its own. The layer
panel's order stays the drawing order: no custom layer order is written.

Checked in the styles as written, in plan.qgs and compare.qgs as written, and in QGIS 3.22,
which reads them back and places the labels of the shipped scenario's plan on its print layout.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import SITE_LABEL_STEPS_MM, plan_layer_id
from siting.deliver.styles import INK, LABEL_GAP_MM, LEADER_MM, PIE_MM, PIE_OUTLINE_MM, rgba, sites_style
from tests.conftest import MadeRun, copied


def parse_text(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def dd_expressions(node: ET.Element | None) -> dict[str, str]:
    """A `<Option type="Map">` of data-defined properties: each active property's expression."""
    assert node is not None
    found = {}
    for prop in node.findall("Option[@name='properties']/Option"):
        options = {o.get("name"): o.get("value") for o in prop.findall("Option")}
        if options.get("active") == "true":
            found[prop.get("name", "")] = options.get("expression", "")
    return found


def callout_options(settings: ET.Element) -> tuple[dict[str, str], dict[str, str]]:
    """The labelling's simple line callout: its options and its data-defined expressions."""
    (callout,) = settings.findall("callout")
    assert callout.get("type") == "simple"
    options = callout.find("Option")
    assert options is not None
    values = {o.get("name", ""): o.get("value", "") for o in options.findall("Option") if o.get("value") is not None}
    return values, dd_expressions(options.find("Option[@name='ddProperties']"))


def two_built_sites() -> str:
    """The sites style of two built parks: a of 8e9 yuan of capex (the largest: a pie PIE_MM =
    14 mm across) and b of 2e9 (14 * √(2/8) = 7 mm across)."""
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"], "status": ["built", "built"],
                              "capex_yuan": [8e9, 2e9]},
                             geometry=[shapely.box(100.0, 25.0, 100.02, 25.02),
                                       shapely.box(100.05, 25.0, 100.06, 25.01)], crs="EPSG:4326")
    return sites_style(make_layer("sites", "Candidate sites by status", frame, ["id", "name", "status", "capex_yuan"]))


def test_a_built_site_s_name_is_tied_to_its_pie_by_a_leader():
    """b's pie is 7 mm across: its name stands 3.5 + LABEL_GAP_MM = 6.5 mm from its centroid,
    and its leader runs from the name's box towards the centroid, stopping 3.5 mm short of it,
    at the pie's edge: 3 mm of ink line across the gap. A site without a pie (no capex) gets no
    leader: the shortest leader drawn for it is longer than any."""
    root = parse_text(two_built_sites())
    settings = root.find("labeling/settings")
    assert settings is not None
    values, expressions = callout_options(settings)
    assert (values["enabled"], values["anchorPoint"], values["labelAnchorPoint"]) == (
        "1", "centroid", "point_on_exterior")
    assert expressions == {"OffsetFromAnchor": "if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / 8e+09), 0)",
                           "MinimumCalloutLength": "if(\"status\" = 'built', 0, 1000)"}
    labelling = dd_expressions(settings.find("dd_properties/Option"))
    assert labelling["LabelDistance"] == "if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / 8e+09) + 3, 1)"
    assert labelling["AlwaysShow"] == "\"status\" = 'built'"  # named even where no position is free
    assert (PIE_MM / 2 * math.sqrt(2e9 / 8e9), LABEL_GAP_MM) == (3.5, 3.0)
    line = ET.fromstring(values["lineSymbol"])
    assert (line.get("type"), [layer.get("class") for layer in line.findall("layer")]) == ("line", ["SimpleLine"])
    symbol = {o.get("name"): o.get("value") for o in line.findall("layer/Option/Option")}
    assert (symbol["line_color"], symbol["line_width"], symbol["line_width_unit"]) == (
        rgba(INK), f"{LEADER_MM:g}", "MM")


def test_the_smaller_of_two_overlapping_sites_is_drawn_over_the_larger():
    """Markers: sites without capacity first, then the built ones by capex, largest first, so b's
    circle lies on a's. Pies (drawn with the labels, by z-index): 1.5 - 0.5 * √(capex / 8e9), a
    at 1.0 and b at 1.25, both under the site names (2); each outlined in ink."""
    root = parse_text(two_built_sites())
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("enableorderby") == "1"
    assert [(c.text, c.get("asc"), c.get("nullsFirst")) for c in renderer.findall("orderby/orderByClause")] == [
        ("\"status\" = 'built'", "1", "0"), ("\"capex_yuan\"", "0", "0")]
    settings = root.find("DiagramLayerSettings")
    assert settings is not None
    z_index = dd_expressions(settings.find("properties/Option"))
    assert z_index == {"zIndex": "1.5 - 0.5 * sqrt(\"capex_yuan\" / 8e+09)"}
    assert (1.5 - 0.5 * math.sqrt(8e9 / 8e9), 1.5 - 0.5 * math.sqrt(2e9 / 8e9)) == (1.0, 1.25)
    (effect,) = root.findall("LinearlyInterpolatedDiagramRenderer/DiagramCategory/effect")
    assert (effect.get("type"), effect.get("enabled")) == ("effectStack", "1")
    assert [e.get("type") for e in effect.findall("effect")] == ["outerGlow", "drawSource"]
    glow = {o.get("name"): o.get("value") for o in effect.findall("effect[@type='outerGlow']/Option/Option")}
    assert (glow["single_color"], glow["spread"], glow["spread_unit"], glow["blur_level"]) == (
        rgba(INK), f"{PIE_OUTLINE_MM:g}", "MM", "0")


def canonical(node: ET.Element | None) -> str:
    assert node is not None
    return ET.canonicalize(ET.tostring(node, encoding="unicode"), strip_text=True)


def sites_layer(qgs: ET.Element, layer_id: str) -> ET.Element:
    (found,) = [n for n in qgs.findall("projectlayers/maplayer") if n.findtext("id") == layer_id]
    return found


def test_plan_and_compare_projects_write_the_leaders_and_the_drawing_order(small_run: MadeRun,
                                                                           small_compare_run: MadeRun):
    """plan.qgs's sites as sites.qml gives them; in compare.qgs each run's sites on the batch's
    capex scale, leaders included (their pies' edges move with the scale). No custom layer order
    (the layer panel's order is the drawing order)."""
    plan = ET.parse(small_run.out / "plan.qgs").getroot()
    node = sites_layer(plan, plan_layer_id("sites"))
    qml = ET.parse(small_run.out / "sites.qml").getroot()
    names = node.find("labeling/rules/rule[@description='names']/settings")  # on the layout's map
    assert canonical(names.find("callout")) == canonical(qml.find("labeling/settings/callout"))
    values, expressions = callout_options(names)
    assert values["enabled"] == "1"
    top = qml.find("LinearlyInterpolatedDiagramRenderer").get("upperValue")
    assert expressions["OffsetFromAnchor"] == f"if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / {top}), 0)"
    renderer = node.find("renderer-v2")
    assert renderer.get("enableorderby") == "1"
    assert [c.text for c in renderer.findall("orderby/orderByClause")] == ["\"status\" = 'built'", "\"capex_yuan\""]
    assert plan.find("layer-tree-group/custom-order") is None
    compared = ET.parse(small_compare_run.out / "compare.qgs").getroot()
    for run in ("small", "b"):
        node = sites_layer(compared, f"sites_{run}_layer")
        scale = node.find("LinearlyInterpolatedDiagramRenderer").get("upperValue")
        _values, expressions = callout_options(node.find("labeling/rules/rule[@description='names']/settings"))
        assert expressions["OffsetFromAnchor"] == f"if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / {scale}), 0)"
        z_index = dd_expressions(node.find("DiagramLayerSettings/properties/Option"))["zIndex"]
        assert z_index == f"1.5 - 0.5 * sqrt(\"capex_yuan\" / {scale})"
        assert node.find("renderer-v2").get("enableorderby") == "1"


PROBE = r'''
import json, math, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCallout, QgsCoordinateTransform, QgsDiagramLayerSettings,
                       QgsExpressionContext, QgsExpressionContextUtils, QgsLayoutExporter, QgsLayoutItemMap,
                       QgsPalLayerSettings, QgsProject)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
result = {"read": project.read(sys.argv[1])}
sites = project.mapLayer(sys.argv[2])
labeling = sites.labeling()  # its rule "names" where the layout moves pies aside (and marks their sites)
names_rule = None if labeling.type() == "simple" else next(
    rule for rule in labeling.rootRule().children() if rule.description() == "names")
settings = labeling.settings() if names_rule is None else names_rule.settings()
callout = settings.callout()
properties = callout.dataDefinedProperties()
always = settings.dataDefinedProperties().property(QgsPalLayerSettings.AlwaysShow)
result["always_show"] = [always.isActive(), always.expressionString()]
result["callout"] = [callout.type(), callout.enabled(), callout.anchorPoint() == QgsCallout.Centroid,
                     properties.property(QgsCallout.OffsetFromAnchor).expressionString()]
renderer = sites.renderer()
result["order"] = [renderer.orderByEnabled(),
                   [[c.expression().expression(), c.ascending()] for c in renderer.orderBy().list()]]
diagrams = sites.diagramLayerSettings()
z_index = diagrams.dataDefinedProperties().property(QgsDiagramLayerSettings.ZIndex)
pies = sites.diagramRenderer().diagramSettings()[0]  # kept: its paint effect lives as long as it does
result["outline"] = [e.type() for e in pies.paintEffect().effectList()]
context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(sites))
layout = project.layoutManager().layoutByName("Plan")
frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
mm_per_unit = frame.rect().width() / frame.extent().width()
transform = QgsCoordinateTransform(sites.crs(), project.crs(), project)
top = sites.diagramRenderer().upperValue()
built, named = {}, {}
for feature in sites.getFeatures():
    if feature["status"] == "built":
        context.setFeature(feature)
        centre = transform.transform(feature.geometry().centroid().asPoint())
        named[feature.id()] = feature["name"]
        built[feature["name"]] = {"capex": feature["capex_yuan"], "z": z_index.valueAsDouble(context, 0)[0],
                                  "radius_mm": 7 * math.sqrt(feature["capex_yuan"] / top), "centre": centre}
exporter = QgsLayoutExporter(layout)
settings = QgsLayoutExporter.ImageExportSettings()
settings.dpi = 100
result["exported"] = exporter.exportToImage(sys.argv[3], settings) == QgsLayoutExporter.Success
result["labels"] = {}
for labels in exporter.labelingResults().values():  # a pie moved aside: its name stands by where it is drawn
    for label in labels.allLabels():
        if label.isDiagram and label.layerID == sys.argv[2] and label.featureId in named and not label.isUnplaced:
            built[named[label.featureId]]["centre"] = label.labelRect.center()
for labels in exporter.labelingResults().values():
    for label in labels.allLabels():
        if label.layerID == sys.argv[2] and label.labelText in built and not label.isUnplaced:
            box, centre = label.labelRect, built[label.labelText]["centre"]
            dx = max(box.xMinimum() - centre.x(), 0, centre.x() - box.xMaximum())
            dy = max(box.yMinimum() - centre.y(), 0, centre.y() - box.yMaximum())
            result["labels"][label.labelText] = math.hypot(dx, dy) * mm_per_unit
result["built"] = {name: [site["capex"], site["z"], site["radius_mm"]] for name, site in built.items()}
print(json.dumps(result))
app.exitQgis()
'''


def test_qgis_reads_the_leaders_and_places_each_name_clear_of_its_pie(
        qgis: None, shipped_first_node_run: MadeRun, tmp_path: Path):  # noqa: F811
    """The shipped scenario's plan (stopped after its first node) in QGIS 3.22: the sites'
    labelling has an enabled simple line callout from the centroid, stopping at the pie's edge;
    the features are drawn sites without capacity first, then by capex, largest first; each pie's
    z-index is higher the smaller its capex, and it is outlined (outer glow under the pie). A
    built site's name is always shown (drawn at its best position where none is free: Qilin's pie
    lies inside Caopu's in the canvas, and the label engine may otherwise leave Qilin unnamed). On
    the print layout, every built site's name is placed, its box LABEL_GAP_MM clear of its pie's
    edge (its pie's radius + 3 mm from the pie's centre, where QGIS draws it, moved aside from the
    site or not, to 0.05 mm: the room its leader spans) or,
    where that ring is taken, one of the farther distances the layout tries (SITE_LABEL_STEPS_MM:
    Qujing Cuifeng's, by Qujing ETDZ's pie and name, 6 mm; tests/test_qgis_label_distance.py)."""
    out = copied(shipped_first_node_run.out, tmp_path / "plan")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(out / "plan.qgs"), plan_layer_id("sites"),
                           str(tmp_path / "plan.png")], capture_output=True, text=True, timeout=300, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["read"] is True and result["exported"] is True
    kind, enabled, from_centroid, offset = result["callout"]
    assert (kind, enabled, from_centroid) == ("simple", True, True)
    # In the canvas (the ELSE of the layout's own offsets where pies are moved aside) from the pie's edge.
    assert offset.startswith("if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / ") or (
        offset.startswith("CASE WHEN @map_id = 'map' THEN ")
        and offset.split(" ELSE ")[-1].startswith("if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / "))
    assert result["order"] == [True, [["\"status\" = 'built'", True], ["\"capex_yuan\"", False]]]
    assert result["outline"] == ["outerGlow", "drawSource"]
    assert result["always_show"] == [True, "\"status\" = 'built'"]
    built = result["built"]
    assert len(built) >= 2
    by_capex = sorted(built.values(), key=lambda site: -site[0])
    assert [site[1] for site in by_capex] == sorted(site[1] for site in by_capex)
    assert len({site[0] for site in by_capex}) == len({site[1] for site in by_capex})  # distinct capex, distinct z
    assert all(1.0 <= site[1] <= 1.5 for site in by_capex)
    assert sorted(result["labels"]) == sorted(built)
    for name, distance in result["labels"].items():
        assert min(abs(distance - (built[name][2] + step)) for step in SITE_LABEL_STEPS_MM) < 0.05, name
    first = [name for name, distance in result["labels"].items()
             if abs(distance - (built[name][2] + LABEL_GAP_MM)) < 0.05]
    assert len(first) >= len(built) - 2  # the crowded ones aside, at the first
    assert SITE_LABEL_STEPS_MM[0] == LABEL_GAP_MM
