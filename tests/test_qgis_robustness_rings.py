"""The robustness layer keys each site some near-optimal plan builds where the optimum's pie stands:
QGIS draws the sites' pies (diagrams) with the labels, over every layer's symbols, so the robustness
markers under a pie are hidden; the layer rings the pie instead, in its role's colour, with the
labels too, under every pie (`pie_ring_labels`: a ring never lies over a neighbouring site's pie),
sized by the optimum's capex at the site (the
layer's `capex_yuan`, the sites layer's) on the sites style's scale, a margin outside the pie and
the built marker under it. The raw-material and product flows keep other layers' labels off their
lines (`blocking_labels`), and the hubs' label expression has no branch it can never reach."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import shapely
from test_qgis import PROBE_HEAD, probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.layer import make_layer
from siting.deliver.styles import (
    BUILT_MARKER_MM,
    PIE_MM,
    PIE_RING_GAP_MM,
    PIE_RING_Z,
    capex_scale,
    hub_label_expression,
    labeling,
    pie_ring_labels,
)
from tests.conftest import MadeRun, copied

NEEDED = (165, 0, 38)
SOME = (244, 165, 130)


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1]) if text.startswith("<!DOCTYPE") else ET.fromstring(text)


def expressions(settings: ET.Element) -> dict[str, str]:
    return {o.get("name", ""): o.find("Option[@name='expression']").get("value", "")
            for o in settings.findall("dd_properties/Option/Option[@name='properties']/Option")}


def robustness_like() -> object:
    frame = gpd.GeoDataFrame({"id": ["a", "b", "c"], "role": ["needed", "some", "none"],
                              "capex_yuan": [4e9, 1e9, 0.0]},
                             geometry=[shapely.Point(102.0, 25.0), shapely.Point(103.0, 25.0),
                                       shapely.Point(104.0, 25.0)], crs="EPSG:4326")
    return make_layer("robustness", "Robustness", frame, ["id", "role", "capex_yuan"], {"capex_yuan": "real"})


def test_the_rings_are_labels_under_every_pie_sized_off_the_pie():
    names = labeling('"id"', 8, 1)
    found = pie_ring_labels(robustness_like(), names, "role", {"needed": NEEDED, "some": SOME})
    assert found is not None and found.get("type") == "rule-based"
    rules = found.findall("rules/rule")
    assert [r.get("description") for r in rules] == ["names", "ring edge", "ring"]
    assert ET.tostring(rules[0].find("settings")) == ET.tostring(names.find("settings"))
    ringed = "coalesce(\"capex_yuan\", 0) > 0 AND \"role\" IN ('needed', 'some')"
    size = "scale_exp(\"capex_yuan\", 0, 4e+09, 2, 14, 0.5) + 5.2"
    for rule, width, z_index in ((rules[1], "1.6", "0.9"), (rules[2], "1", "0.9001")):
        settings = rule.find("settings")
        assert rule.get("filter") == ringed
        assert settings.find("rendering").get("zIndex") == z_index
        assert settings.find("rendering").get("displayAll") == "1"
        assert settings.find("rendering").get("obstacle") == "0"
        background = settings.find("text-style/background")
        assert (background.get("shapeType"), background.get("shapeBorderWidth")) == ("3", width)
        assert background.get("shapeFillColor").endswith(",0")  # open: the pie shows through
        found_expressions = expressions(settings)
        assert found_expressions["ShapeSizeX"] == found_expressions["ShapeSizeY"] == size
    assert expressions(rules[2].find("settings"))["ShapeBorderColor"] == (
        "CASE WHEN \"role\" = 'needed' THEN '165,0,38,255' WHEN \"role\" = 'some' THEN '244,165,130,255' END")
    # Under the smallest pie's z-index (1, the largest capex); at full size 19.2 mm across, 2.6 mm
    # clear of the 14 mm pie and of the built marker under it.
    assert 0 < PIE_RING_Z < 1
    assert (PIE_MM, BUILT_MARKER_MM[1], PIE_RING_GAP_MM) == (14, 14.0, 2.6)
    assert pie_ring_labels(robustness_like(), None, "role", {"needed": NEEDED})[0][0].get("description") == "ring edge"


def test_the_hubs_label_expression_has_no_dead_branch():
    frame = gpd.GeoDataFrame({"id": ["hub_kunming", "hub_yuxi", "gateway"], "kind": ["hub", "hub", "gateway"],
                              "name": ["Kunming", "Yuxi", "Kunming"]},
                             geometry=[shapely.Point(102.71, 25.04), shapely.Point(102.54, 24.35),
                                       shapely.Point(102.71, 25.04)], crs="EPSG:4326")
    layer = make_layer("hubs", "Hubs and the gateway", frame, ["id", "kind", "name"])
    assert hub_label_expression(layer) == (
        "CASE WHEN \"id\" = 'hub_kunming' THEN 'Kunming' || '\\n' || '(hub and gateway)' "
        "WHEN \"kind\" = 'gateway' THEN '' ELSE \"name\" END")


def test_the_flows_keep_labels_off_their_lines(small_run: MadeRun):
    out = small_run.out
    for name in ("flows", "product_flows"):
        labels = parse((out / f"{name}.qml").read_text(encoding="utf-8")).find("labeling")
        assert labels is not None and labels.get("type") == "simple", name
        rendering = labels.find("settings/rendering")
        assert (rendering.get("drawLabels"), rendering.get("obstacle"), rendering.get("obstacleFactor")) == (
            "0", "1", "2"), name
    layers = {n.findtext("id"): n for n in parse((out / "plan.qgs").read_text(encoding="utf-8"))
              .findall("projectlayers/maplayer")}
    assert layers["flows_layer"].get("labelsEnabled") == layers["product_flows_layer"].get("labelsEnabled") == "1"


def test_the_robustness_layer_has_the_optimum_s_capex(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    capex = {f["properties"]["id"]: f["properties"]["capex_yuan"]
             for f in json.loads((out / "sites.geojson").read_text(encoding="utf-8"))["features"]}
    features = json.loads((out / "robustness.geojson").read_text(encoding="utf-8"))["features"]
    assert features and all(f["properties"]["capex_yuan"] == capex[f["properties"]["id"]] for f in features)
    assert any(f["properties"]["capex_yuan"] > 0 and f["properties"]["role"] != "none" for f in features)
    top = capex_scale((out / "sites.qml").read_text(encoding="utf-8"))
    labels = parse((out / "robustness.qml").read_text(encoding="utf-8")).find("labeling")
    assert labels is not None and labels.get("type") == "rule-based"
    sizes = {expressions(r.find("settings")).get("ShapeSizeX") for r in labels.findall("rules/rule")}
    assert f"scale_exp(\"capex_yuan\", 0, {top:.6g}, 2, 14, 0.5) + 5.2" in sizes


PROBE = PROBE_HEAD + r'''
from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsPointXY, QgsProject,
                       QgsRectangle)
from qgis.PyQt.QtCore import QSize
(layer,) = [l for l in project.mapLayers().values() if l.source().endswith("layername=robustness")]
sites = project.mapLayer("sites_layer")  # the optimum's (its alternatives' are in their groups)
project.layerTreeRoot().findLayer(layer.id()).setItemVisibilityChecked(True)
found = {"read": read, "labels": layer.labelsEnabled(), "type": layer.labeling().type(), "spots": []}
features = [f for f in layer.getFeatures() if (f["capex_yuan"] or 0) > 0 and f["role"] != "none"]
dpi, px = 254.0, 600  # 10 px per mm
for feature in features:
    point = feature.geometry().asPoint()
    settings = QgsMapSettings()
    settings.setLayers([layer, sites])
    settings.setDestinationCrs(layer.crs())
    settings.setOutputDpi(dpi)
    settings.setOutputSize(QSize(px, px))
    half = 0.3  # degrees: the scale does not matter, the ring is in mm on the sheet
    settings.setExtent(QgsRectangle(point.x() - half, point.y() - half, point.x() + half, point.y() + half))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    centre = settings.mapToPixel().transform(QgsPointXY(point))
    found["spots"].append({"id": feature["id"], "role": feature["role"], "capex": feature["capex_yuan"],
                           "centre": [centre.x(), centre.y()],
                           "row": [list(image.pixelColor(x, int(round(centre.y()))).getRgb()[:3]) for x in range(px)]})
print(json.dumps(found), flush=True)
project.clear()
app.exitQgis()
'''


def test_qgis_draws_each_ring_around_its_pie(qgis: None, small_alternatives_run: MadeRun,  # noqa: F811
                                             tmp_path: Path):
    """Rendered by QGIS with the sites' pies, each site some plan builds where the optimum has a
    pie shows its role's colour on the ring's line, PIE_RING_GAP_MM outside the built marker on
    at least one side of the site (its name may cover the other), beyond the pie (radius PIE_MM / 2 at most)."""
    out = copied(small_alternatives_run.out, tmp_path / "out")
    seen = probe_folder(PROBE, out, tmp_path)
    assert seen["read"] and seen["labels"] and seen["type"] == "rule-based" and seen["spots"]
    top = capex_scale((out / "sites.qml").read_text(encoding="utf-8"))
    assert top
    for spot in seen["spots"]:
        marker = BUILT_MARKER_MM[0] + (BUILT_MARKER_MM[1] - BUILT_MARKER_MM[0]) * (spot["capex"] / top) ** 0.5
        radius_px = (marker / 2 + PIE_RING_GAP_MM) * 10
        pie_px = PIE_MM / 2 * (spot["capex"] / top) ** 0.5 * 10
        assert radius_px > pie_px + 20
        colour = NEEDED if spot["role"] == "needed" else SOME
        x = spot["centre"][0]
        sides = []
        for side in (-1, 1):
            band = [spot["row"][round(x + side * (radius_px + d))] for d in range(-5, 6)]
            sides.append(any(sum(abs(a - b) for a, b in zip(p, colour, strict=True)) < 30 for p in band))
        # The ring lies under the pies and the site's own name (with its halo) may cover one side of it.
        assert any(sides), spot["id"]
