"""Marks the maps owe a reader:
1. report.html's web map rings a recycling demonstration's marker (as map.png and the QGIS style
   ring its pie), with an entry in the layer control only when some site is one;
2. redline.qml, and plan.gpkg's style of the red line, name every lake where QGIS places the
   names itself (outside plan.qgs's layout, which places them): a water name is drawn even where
   every position QGIS tries is taken (data-defined AlwaysShow), so that the sites', hubs' and
   sources' names do not push it out (QGIS 3.22 named one of the shipped plan's five lakes);
3. plan.qgs's layout names a source that finds no free position in a narrower block farther
   out (siting/deliver/qgisproject.py SOURCE_NARROW_WRAP, SOURCE_FAR_STEPS_MM), as the shipped
   plan's Yimen copper deposit was named while the Anning sources' names took its positions (on
   the current plan the Kunyang phosphate mine's name, crowded out of its plain block by the
   names about Anning, Yuxi and Yimen and the lakes' names, stands in the narrower one, 35 mm
   out).

Layers of 1 built by hand, as tests/test_demo_marks.py `sites_layer`: sites s0 (built, 4 bn
yuan), s1 (built, 1 bn yuan) and s2 (eligible, unused).
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.qgisproject import SOURCE_LABEL_STEPS_MM
from siting.deliver.styles import LabelSpot, redline_style, sources_style, with_label_spots
from siting.deliver.webmap import DEMO_OVERLAY_LABEL, map_html, with_marker_scale
from tests.conftest import MadeRun, copied, plan_layout_spots


def sites_layer(demonstrations: list[bool]) -> OutputLayer:
    """Built sites s0 (4 bn yuan) and s1 (1 bn yuan), an eligible unused s2, with `demonstrations`."""
    frame = gpd.GeoDataFrame({
        "id": ["s0", "s1", "s2"], "name": ["Site 0", "Site 1", "Site 2"], "kind": ["park"] * 3,
        "status": ["built", "built", "eligible_unused"], "capex_yuan": [4e9, 1e9, 0.0],
        "added_lfp_2030": [5.0, 5.0, 0.0], "demonstration": demonstrations},
        geometry=[shapely.Point(102.5 + 0.01 * i, 25.0) for i in range(3)], crs="EPSG:4326")
    return make_layer("sites", "sites", frame, list(frame.columns.drop("geometry")), None, "Point")


def page(demonstrations: list[bool], top: float | None = None) -> str:
    return map_html([sites_layer(demonstrations)], ["lfp"], [2030], {"lfp": "t"}, marker_top_yuan=top)


def overlays(text: str) -> dict[str, dict[str, Any]]:
    found = re.search(r'<script type="application/json" id="plan-map-data">(.*?)</script>', text, re.S)
    assert found is not None
    return {o["key"]: o for o in json.loads(found.group(1))["overlays"]}


def test_web_map_rings_a_demonstration_marker():
    """s1 is a demonstration: one green ring (no fill, no click) round its 11 px marker, 2 px
    clear and 2.5 px wide (radius 14.25 px to the stroke's middle), in the sites' pane, in an
    overlay after the sites' own whose label names it."""
    text = page([False, True, False])
    found = overlays(text)
    assert list(found)[:3] == ["sites-built", "sites-eligible_unused", "demonstrations"]
    ring_overlay = found["demonstrations"]
    assert ring_overlay["shown"] is True
    assert re.sub(r"<[^>]+>", "", ring_overlay["label"]) == DEMO_OVERLAY_LABEL
    assert 'class="swatch ring" style="border-color:#00783c"' in ring_overlay["label"]
    (ring,) = ring_overlay["data"]["features"]
    (_s0, s1) = found["sites-built"]["data"]["features"]
    assert ring["geometry"] == s1["geometry"]
    assert s1["properties"]["style"]["radius"] == 11.0
    assert ring["properties"]["style"] == {
        "radius": 14.25, "color": "#00783c", "weight": 2.5, "opacity": 1.0, "fill": False, "interactive": False,
        "className": "site-demo-ring", "pane": "sites"}
    assert "popup" not in ring["properties"] or not ring["properties"]["popup"]
    # The built sites' label still counts the sites, not the ring.
    assert "(2; size by capex" in found["sites-built"]["label"]
    assert "site-demo-ring" in text


def test_web_map_without_demonstrations_has_no_ring():
    text = page([False, False, False])
    assert "demonstrations" not in overlays(text)
    assert "site-demo-ring" not in text
    assert DEMO_OVERLAY_LABEL not in text


def test_a_rescaled_page_resizes_the_ring_with_its_marker():
    """On 16 bn yuan s1's marker is 6 + 10 x sqrt(1 / 16) = 8.5 px, its ring 8.5 + 3.25 = 11.75 px:
    the page put on that scale is the page written on it."""
    own, wide = page([False, True, False]), page([False, True, False], 16e9)
    assert overlays(wide)["demonstrations"]["data"]["features"][0]["properties"]["style"]["radius"] == 11.75
    assert with_marker_scale(own, 16e9) == wide
    assert with_marker_scale(wide, 4e9) == own


# --- 2. lake names in the standalone red-line style ------------------------------------------

def redline_layer() -> OutputLayer:
    """A lake "Big lake", its unnamed buffer zone and a nature reserve "Green hills"."""
    frame = gpd.GeoDataFrame({
        "id": ["big", "big_buffer", "hills"], "name": ["Big lake", None, "Green hills"],
        "category": ["lake", "lake_buffer_zone", "nature_reserve"], "used": [True, True, True],
        "buffer_m": [1000.0, 1000.0, 1000.0], "max_distance_m": [5000.0, 1000.0, 1000.0],
        "min_distance_m": [1000.0, 1000.0, 1000.0], "area_km2": [10.0, 5.0, 20.0]},
        geometry=[shapely.Point(102.6 + 0.1 * i, 24.9).buffer(0.03) for i in range(3)], crs="EPSG:4326")
    return make_layer("redline", "Red line", frame, list(frame.columns.drop("geometry")), None, "Polygon")


def test_the_red_line_style_always_shows_the_water_names_only():
    """The water names (category lake, named) are drawn even where every position is taken
    (AlwaysShow, active, on them only); they keep their low priority (1), push no other name
    away (no obstacle), and the layer does not show every colliding label (displayAll 0: only
    the water names are forced)."""
    root = ET.fromstring(redline_style(redline_layer()).split("\n", 1)[1])
    settings = root.find("labeling/settings")
    assert settings is not None
    assert settings.find("text-style").get("fieldName") == 'if("category" IN (\'lake\'), "name", \'\')'
    assert settings.find("placement").get("priority") == "1"
    rendering = settings.find("rendering")
    assert (rendering.get("obstacle"), rendering.get("displayAll")) == ("0", "0")
    properties = settings.find("dd_properties/Option/Option[@name='properties']")
    assert properties is not None
    (always,) = [o for o in properties if o.get("name") == "AlwaysShow"]
    values = {o.get("name"): o.get("value") for o in always}
    assert values == {"active": "true", "expression": '"category" IN (\'lake\') AND "name" IS NOT NULL',
                      "type": "3"}


#: Renders a run folder's layers, each from its GeoJSON in its standalone style (.qml) or from
#: plan.gpkg in the style stored with it, at plan.qgs's layout map (its extent, 220 x 248 mm at
#: 150 dpi), as QGIS places the names itself; prints the red line's names it drew.
RENDER = r"""
import json, os, re, sys
from pathlib import Path
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsLabelingEngineSettings,
                       QgsMapRendererSequentialJob, QgsMapSettings, QgsRectangle, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
folder, mode = Path(sys.argv[1]), sys.argv[2]
app = QgsApplication([], False)
app.initQgis()
layers = []
for name in ["sites", "hubs", "product_flows", "flows", "sources", "clusters", "redline_zones", "redline", "context"]:
    if mode == "qml":
        layer = QgsVectorLayer(str(folder / f"{name}.geojson"), name, "ogr")
        assert layer.loadNamedStyle(str(folder / f"{name}.qml"))[1], name
    else:
        layer = QgsVectorLayer(f"{folder / 'plan.gpkg'}|layername={name}", name, "ogr")
    assert layer.isValid(), name
    layers.append(layer)
qgs = (folder / "plan.qgs").read_text()
xmax, xmin, ymax, ymin = (float(v) for v in re.search(
    r'<Extent xmax="([-\d.]+)" xmin="([-\d.]+)" ymax="([-\d.]+)" ymin="([-\d.]+)"', qgs).groups())
settings = QgsMapSettings()
settings.setLayers(layers)
settings.setDestinationCrs(QgsCoordinateReferenceSystem(
    re.search(r"<projectCrs>.*?<authid>([^<]+)</authid>", qgs, re.S).group(1)))
settings.setOutputDpi(150)
settings.setOutputSize(QSize(round(220 / 25.4 * 150), round(248 / 25.4 * 150)))
settings.setExtent(QgsRectangle(xmin, ymin, xmax, ymax))
engine = QgsLabelingEngineSettings()
engine.setFlag(QgsLabelingEngineSettings.CollectUnplacedLabels, True)
settings.setLabelingEngineSettings(engine)
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
redline = next(layer.id() for layer in layers if layer.name() == "redline")
labels = [label for label in job.takeLabelingResults().allLabels() if label.layerID == redline]
print(json.dumps({"drawn": sorted({label.labelText for label in labels if not label.isUnplaced}),
                  "dropped": sorted({label.labelText for label in labels if label.isUnplaced})}), flush=True)
os._exit(0)  # QGIS 3.22 may crash tearing down layers it holds outside a project
"""


def drawn_names(folder: Path, mode: str) -> dict[str, list[str]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(folder.parent / "xdg")}
    (folder.parent / "xdg").mkdir(mode=0o700, exist_ok=True)
    done = subprocess.run([QGIS_PYTHON, "-c", RENDER, str(folder), mode], capture_output=True, text=True,
                          timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_qgis_names_every_lake_from_the_standalone_and_geopackage_styles(
        qgis: None, shipped_first_node_run: MadeRun, tmp_path: Path):  # noqa: F811
    """The shipped plan's five plateau lakes, named by QGIS from redline.qml and from plan.gpkg's
    stored style (the same text) over the sites', hubs' and sources' names of the plan's map,
    at its layout's extent: none dropped."""
    folder = tmp_path / "out"
    copied(shipped_first_node_run.out, folder)
    with closing(sqlite3.connect(folder / "plan.gpkg")) as db:
        (stored,) = db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'redline'").fetchone()
    assert stored == (folder / "redline.qml").read_text(encoding="utf-8")
    lakes = ["Dianchi lake", "Fuxian lake", "Qilu lake", "Xingyun lake", "Yangzonghai lake"]
    for mode in ("qml", "gpkg"):
        assert drawn_names(folder, mode) == {"drawn": lakes, "dropped": []}, mode


# --- 3. a crowded source named in a narrower block -----------------------------------------------

def test_a_spot_with_its_own_wrap_sets_that_name_s_line_length():
    """A spot's `wrap_chars` wraps that feature's name so (data-defined AutoWrapLength by id),
    the others at the style's length; without such a spot, no AutoWrapLength."""
    sources = make_layer("sources", "Sources", gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["A long source name here", "B"], "resource": ["copper", "copper"],
         "status": ["producing", "producing"], "in_model": [True, True], "supply_t_per_yr": [1.0, 2.0]},
        geometry=[shapely.Point(102.0, 25.0), shapely.Point(102.1, 25.0)], crs="EPSG:4326"),
        ["id", "name", "resource", "status", "in_model", "supply_t_per_yr"])
    qml = sources_style(sources, ["copper"])
    spots = {"a": LabelSpot((-30.0, 0.0), 3, True, None, 16), "b": LabelSpot((2.0, 0.0), 5)}

    def properties(text: str) -> dict[str, str]:
        root = ET.fromstring(text.split("\n", 1)[1])
        found = root.find("labeling/settings/dd_properties/Option/Option[@name='properties']")
        assert found is not None
        return {o.get("name", ""): next(v.get("value", "") for v in o if v.get("name") == "expression")
                for o in found}

    wrapped = properties(with_label_spots(qml, spots, always_show=True, only_spots=True, wrap_chars=22))
    assert wrapped["AutoWrapLength"] == "CASE WHEN \"id\" = 'a' THEN 16 ELSE 22 END"
    plain = properties(with_label_spots(qml, {"b": spots["b"]}, always_show=True, only_spots=True, wrap_chars=22))
    assert "AutoWrapLength" not in plain


def test_the_shipped_layout_names_every_source_but_four_crowded_out(shipped_first_node_run: MadeRun):
    """The shipped plan's layout names every source but four: the copper smelter, the Haikou
    phosphate mines and the Xiaoshiqiao lithium, crowded out about Anning, among Caopu's pie and
    Qilin's (moved aside, its name left of it: names keep off the eligible sites' dots too) and the
    names about them, and the Yimen copper deposit, whose one free-looking spot, above left of
    its triangle, lies 0.56 mm inside the clearance of Yimen county's pie (4.5 mm across its
    radius, the plan building 7.75 bn yuan there). The four are listed in the layout's note
    instead, in the order placed (every lake is named, before the sources:
    tests/test_qgis_leftovers.py). Every other source's name stands in its
    plain block with a leader: the Kunyang phosphate mine's at a site name's sixth ring, the
    Anning phosphate deposits' at its fourth and the Zhanyi aluminium park's at its third; none
    needs the narrower block (SOURCE_NARROW_WRAP)."""
    out = shipped_first_node_run.out
    layers, spots = plan_layout_spots(out)
    root = ET.parse(out / "plan.qgs").getroot()
    crowded = ["copper_southwest_smelter", "copper_yimen", "lithium_xiaoshiqiao", "phosphate_haikou"]
    assert spots.unnamed == (
        "Xiaoshiqiao clay-type lithium (Hongta, Yuxi) (source)",
        "Haikou phosphate mining area (Dianchi basin) (source)",
        "Yunnan Copper Southwest Copper smelter, relocated to Anning (cathode copper) (source)",
        "Yimen Tongchang copper deposit (source)")
    assert sorted(spots.sources) == sorted(set(layers["sources"].frame["id"]) - set(crowded))
    assert [i for i, spot in spots.sources.items() if spot.wrap_chars] == []
    for source, ring in (("phosphate_kunyang", 5), ("phosphate_anning", 3), ("aluminium_zhanyi", 2)):
        spot = spots.sources[source]
        assert (spot.leader, spot.wrap_chars) == (True, 0), source
        assert math.hypot(*spot.offset_mm) == pytest.approx(spot.anchor_mm + SOURCE_LABEL_STEPS_MM[ring],
                                                            abs=0.02), source
    assert sum(item.get("id") == "note" for item in root.iter("LayoutItem")) == 1
