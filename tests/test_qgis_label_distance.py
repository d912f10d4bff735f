"""Where plan.qgs's print layout names the sites (siting/deliver/qgisproject.py
`site_label_spots`, siting/deliver/styles.py `with_label_spots`), and what its source line says of
the red line.

A name far from its site reads as another site's. QGIS's label engine set a built site's name at
one distance around it and, where no position there was free, drew it at its best one anyway: in
the shipped scenario's plan Qujing Cuifeng's name ran 80 mm west in one line from its site, its
start in the Kunming cluster, and an alternative's Zhanyi and Cuifeng likewise. The layout now
places the names itself, on the sheet: each wrapped into a block of short lines as QGIS wraps it
(`word_wrap`), at the first free position around its site, nearest first, tied to its pie by a
leader. QGIS 3.22 reads the shipped plan and an alternative and places every built site's name on
the sheet: beside its site, within NEAR_MM of its pie and no part of it more than REACH_MM from
the site, its leader from the name's box to the pie's edge, and over no other label.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_qgis_robustness_legend import alternatives_on

from siting.deliver.files import folder_project_layers
from siting.deliver.layer import make_layer
from siting.deliver.mapinfo import MapTitle
from siting.deliver.qgisproject import (
    SITE_LABEL_STEPS_MM,
    layout_extent,
    map_frame,
    plan_layer_id,
    project_text,
    site_label_box,
    site_label_spots,
    with_sites_capex_scale,
)
from siting.deliver.styles import (
    BUILT_MARKER_MM,
    LABEL_GAP_MM,
    OVER_POINT,
    PIE_MM,
    SITE_LABEL_WRAP,
    LabelSpot,
    capex_scale,
    clusters_style,
    sites_style,
    with_label_spots,
    word_wrap,
)
from tests.conftest import MadeRun, copied

#: The farthest a built site's name stands from its pie (mm on the sheet, its box's nearest point
#: beyond the pie's edge) in the shipped plans: a few steps out where the first are taken (21 mm:
#: alt01's Anning Qilin, its pies on the optimum's larger scale).
NEAR_MM = 21.0
#: The farthest any part of a built site's name reaches from its site (mm on the sheet): a block
#: of a few lines beside it (51 mm: alt01's Anning Qilin, 21 mm beyond its pie). In one line, Qujing
#: Cuifeng's reached 83 mm.
REACH_MM = 51.0


@pytest.fixture(scope="session")
def shipped_alternative_run(shipped_first_node_alternative_run: MadeRun) -> MadeRun:
    """The shipped scenario stopped after its first node (`first_node_inputs`), with one
    alternative, as `--alternatives 1` writes it (conftest's `shipped_first_node_alternative_run`,
    from the solve of `shipped_first_node_run`): its plan and alt01's, read-only."""
    return shipped_first_node_alternative_run


def test_word_wrap_breaks_as_qgis_does():
    """QgsStringUtils::wordWrap at 22 characters a line at most: at the last space at or before
    the 22nd character on; a word longer than that whole (broken at the first space after)."""
    assert SITE_LABEL_WRAP == 22
    assert word_wrap("Qujing Cuifeng subdistrict, Gaojiatun (Defang LMFP)", 22) == [
        "Qujing Cuifeng", "subdistrict, Gaojiatun", "(Defang LMFP)"]
    assert word_wrap("Zhanyi industrial park (green hydro-aluminium park)", 22) == [
        "Zhanyi industrial park", "(green hydro-aluminium", "park)"]
    assert word_wrap("Anning industrial park, Caopu area", 22) == ["Anning industrial", "park, Caopu area"]
    assert word_wrap("Yuxi high-tech zone", 22) == ["Yuxi high-tech zone"]
    assert word_wrap("Averyveryverylongwordindeed and more", 10) == ["Averyveryverylongwordindeed", "and more"]
    assert word_wrap("two\nlines", 22) == ["two", "lines"]


def built_sites(points: list[tuple[str, float, float, float]]) -> gpd.GeoDataFrame:
    """Built sites (id, x, y in EPSG:32648 metres, capex yuan) named "Site <id>"."""
    return gpd.GeoDataFrame({"id": [p[0] for p in points], "name": [f"Site {p[0]}" for p in points],
                             "status": ["built"] * len(points), "capex_yuan": [p[3] for p in points]},
                            geometry=[shapely.Point(p[1], p[2]) for p in points], crs="EPSG:32648").to_crs(4326)


def test_names_of_crowded_sites_move_out_and_keep_off_each_other():
    """Two built sites 1.08 km apart and a third far away, on a layout of 108 km across the map
    frame's 270 mm (1:400,000, a round scale: 2.5 mm a km). a (8e9 yuan, the top capex: a pie 14
    mm across) and b (2e9: 7 mm across) stand 2.7 mm apart, b inside a's pie: on the layout
    their pies are moved aside as map.png moves them (`pie_mm`, from each true site), a by 2.17
    mm left and b by 6.66 mm right, apart by their radii and the pies' gap. Each name stands
    beside its pie where it is drawn: a's, whose right is b's pie, above right, 7 + LABEL_GAP_MM
    = 10 mm out (7.07 right and up); b's right, 3.5 + 3 mm out. c's pie stays on its site, its
    name at its first ring, right. Built sites' names have their leaders from the style: none
    added."""
    frame = built_sites([("a", 500_000, 2_800_000, 8e9), ("b", 501_080, 2_800_000, 2e9),
                         ("c", 560_000, 2_760_000, 2e9)])
    layer = make_layer("sites", "Candidate sites by status", frame, ["id", "name", "status", "capex_yuan"])
    extent = (476_000, 2_740_000, 584_000, 2_820_000)
    frame_mm = map_frame(extent)
    shown = layout_extent(extent, frame_mm[2], frame_mm[3])
    assert (frame_mm[2], shown[0], shown[2]) == (270.0, 476_000, 584_000)
    spots = site_label_spots([layer], sites_style(layer), "EPSG:32648", frame_mm, shown)
    assert {site: (spot.offset_mm, spot.quadrant, spot.pie_mm) for site, spot in spots.items()} == {
        "a": ((7.07, -7.07), 2, (-2.17, 0.0)), "b": ((6.5, 0.0), 5, (6.66, 0.0)), "c": ((6.5, 0.0), 5, None)}
    assert SITE_LABEL_STEPS_MM[0] == LABEL_GAP_MM and round(10 / math.sqrt(2), 2) == 7.07
    assert round((2.7 + 6.66) - (-2.17), 2) >= 7 + 3.5  # the two pies clear of each other
    width, height = site_label_box("Site a")  # "Site b" as wide
    a = (-2.17 + 7.07, -7.07 - height, -2.17 + 7.07 + width, -7.07)  # above right of a's pie
    b = (2.7 + 6.66 + 6.5, -height / 2, 2.7 + 6.66 + 6.5 + width, height / 2)  # right of b's pie, centred
    assert a[3] < b[1] or a[2] < b[0]  # a's name above b's, or left of it


def test_the_layout_s_sites_style_places_each_name_by_its_id():
    """`with_label_spots`: QGIS's offset-from-point placement, each named site's offset (mm) and
    quadrant data-defined by its id; the rest of the labelling as the sites style has it."""
    frame = built_sites([("a", 500_000, 2_800_000, 8e9), ("b", 501_000, 2_800_000, 2e9)])
    layer = make_layer("sites", "Candidate sites by status", frame, ["id", "name", "status", "capex_yuan"])
    qml = with_label_spots(sites_style(layer), {"a": LabelSpot((7.0, 0.0), 5), "b": LabelSpot((-9.55, -9.55), 0)})
    settings = ET.fromstring(qml.split("\n", 1)[1]).find("labeling/settings")
    assert settings is not None
    placement = settings.find("placement")
    assert (placement.get("placement"), placement.get("offsetUnits")) == (str(OVER_POINT), "MM")
    assert settings.find("text-format").get("autoWrapLength") == "22"
    found = {}
    for prop in settings.findall("dd_properties/Option/Option[@name='properties']/Option"):
        found[prop.get("name")] = prop.find("Option[@name='expression']").get("value")
    assert found["OffsetXY"] == ("CASE WHEN \"id\" = 'a' THEN '7.00,0.00' WHEN \"id\" = 'b' THEN '-9.55,-9.55' "
                                 "ELSE '0,0' END")
    assert found["OffsetQuad"] == "CASE WHEN \"id\" = 'a' THEN 5 WHEN \"id\" = 'b' THEN 0 ELSE 4 END"
    assert found["AlwaysShow"] == "\"status\" = 'built'"
    assert found["Priority"] == 'scale_linear("capex_yuan", 0, 8e+09, 5, 10)'


#: The opening of a probe of a plan.qgs's layout "Plan" (argv: the project, the sites layer's id):
#: QGIS offscreen, the project read, its map frame (`frame`, `extent`), `mm` on the sheet a map
#: unit, and `transform` from the sites layer to the project. The probe imports what else it uses.
LAYOUT_HEAD = r'''
import json, math, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCoordinateTransform, QgsLayoutExporter, QgsLayoutItemMap, QgsProject)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
project.read(sys.argv[1])
sites = project.mapLayer(sys.argv[2])
layout = project.layoutManager().layoutByName("Plan")
frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
extent = frame.extent()
mm = frame.rect().width() / extent.width()
transform = QgsCoordinateTransform(sites.crs(), project.crs(), project)
'''

PROBE = LAYOUT_HEAD + r'''
top = sites.diagramRenderer().upperValue()
built = {}
for feature in sites.getFeatures():
    if feature["status"] == "built":
        centre = transform.transform(feature.geometry().centroid().asPoint())
        built[feature.id()] = {"name": feature["name"], "x": centre.x(), "y": centre.y(),
                               "radius": 7 * math.sqrt(feature["capex_yuan"] / top)}
exporter = QgsLayoutExporter(layout)
settings = QgsLayoutExporter.ImageExportSettings()
settings.dpi = 100
result = {"exported": exporter.exportToImage(sys.argv[3], settings) == QgsLayoutExporter.Success,
          "names": {}, "others": [], "leaders": {}}
for labels in exporter.labelingResults().values():  # a pie moved aside: measure from where it is drawn
    for label in labels.allLabels():
        if label.isDiagram and not label.isUnplaced and label.layerID == sys.argv[2] and label.featureId in built:
            site, centre = built[label.featureId], label.labelRect.center()
            site["moved"] = math.hypot(centre.x() - site["x"], centre.y() - site["y"]) * mm > 0.05
            site["x"], site["y"] = centre.x(), centre.y()
def sheet(x, y, site):  # mm on the sheet from the site, y up
    return [(x - site["x"]) * mm, (y - site["y"]) * mm]
for labels in exporter.labelingResults().values():
    for label in labels.allLabels():
        if label.isDiagram or label.isUnplaced:
            continue
        box = label.labelRect
        if label.layerID == sys.argv[2] and label.featureId in built:
            site = built[label.featureId]
            result["names"][site["name"]] = {"radius": site["radius"], "moved": site.get("moved", False),
                                             "text": label.labelText,
                "box": sheet(box.xMinimum(), box.yMinimum(), site) + sheet(box.xMaximum(), box.yMaximum(), site),
                "inside": extent.contains(box)}
        result["others"].append([label.layerID, label.featureId, label.labelText,
                                 [box.xMinimum() * mm, box.yMinimum() * mm, box.xMaximum() * mm, box.yMaximum() * mm]])
    for callout in labels.calloutsWithinRectangle(extent):
        if callout.layerID == sys.argv[2] and callout.featureId in built:
            site = built[callout.featureId]
            result["leaders"].setdefault(site["name"], []).append(
                sheet(callout.origin().x(), callout.origin().y(), site)
                + sheet(callout.destination().x(), callout.destination().y(), site))
del sites
print(json.dumps(result))
app.exitQgis()
'''


def layout_probe(script: str, qgs: Path, tmp_path: Path, *extra: str) -> dict:
    """Run `script` (a probe opening with LAYOUT_HEAD) on the project `qgs`, offscreen, its sheet
    exported to tmp_path/sheet.png, `extra` after those arguments; what it printed last, as JSON."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700, exist_ok=True)
    done = subprocess.run([QGIS_PYTHON, "-c", script, str(qgs), plan_layer_id("sites"), str(tmp_path / "sheet.png"),
                           *extra], capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def layout_labels(qgs: Path, tmp_path: Path) -> dict:
    return layout_probe(PROBE, qgs, tmp_path)


def nearest(box: list[float]) -> tuple[float, float]:
    """The point of a box (x0, y0, x1, y1 about the site) nearest the site."""
    return min(max(box[0], 0.0), box[2]), min(max(box[1], 0.0), box[3])


@pytest.mark.parametrize("plan", ["", "alt01"])
def test_qgis_places_every_built_site_s_name_beside_its_site(
        qgis: None, shipped_alternative_run: MadeRun, tmp_path: Path, plan: str):  # noqa: F811
    """The shipped plan and its alternative alt01 (stopped after the first node) on plan.qgs's
    layout in QGIS 3.22: every built site is named, its name's box inside the map, LABEL_GAP_MM
    to NEAR_MM beyond its pie's edge and no part of it more than REACH_MM from the pie's centre
    (where QGIS draws the pie: on the site, or moved aside); a leader
    runs from the box's point nearest the site to the pie's edge (to 0.05 mm); no name overlaps
    another label (of any layer); each box as QGIS draws it is no larger than `site_label_box`
    measures (what the placement keeps off others)."""
    out = copied(shipped_alternative_run.out / plan if plan else shipped_alternative_run.out, tmp_path / "plan")
    sites = json.loads((out / "sites.geojson").read_text(encoding="utf-8"))["features"]
    built = sorted(f["properties"]["name"] for f in sites if f["properties"]["status"] == "built")
    result = layout_labels(out / "plan.qgs", tmp_path)
    assert result["exported"] is True
    assert sorted(result["names"]) == built and len(built) >= 4
    for name, found in result["names"].items():
        box, radius = found["box"], found["radius"]
        assert found["inside"], name
        width, height = site_label_box(name)
        assert (box[2] - box[0] <= width, box[3] - box[1] <= height) == (True, True), name
        beyond = math.hypot(*nearest(box)) - radius
        assert LABEL_GAP_MM - 0.05 <= beyond <= NEAR_MM + 0.05, (name, beyond)  # offsets to 0.01 mm
        reach = max(math.hypot(x, y) for x in (box[0], box[2]) for y in (box[1], box[3]))
        assert reach <= REACH_MM, (name, reach)
        (leader,) = result["leaders"][name]
        assert math.dist(leader[:2], nearest(box)) < 0.05, name
        # A pie moved aside: to the edge of the disc drawn, the built marker under the pie where larger.
        share = radius / (PIE_MM / 2)
        edge = max(radius, (BUILT_MARKER_MM[0] + (BUILT_MARKER_MM[1] - BUILT_MARKER_MM[0]) * share) / 2) \
            if found["moved"] else radius
        assert abs(math.hypot(*leader[2:]) - edge) < 0.05, name
    # A label QGIS's labeling results list twice (same feature, text and box) is one drawn label.
    boxes = list({(layer, feature, text, tuple(box)): (layer, feature, text, box)
                  for layer, feature, text, box in result["others"]}.values())
    for i, (layer, _feature, text, box) in enumerate(boxes):
        for other_layer, _other_feature, other_text, other in boxes[i + 1:]:
            # A moved pie's leader and the dot on its site are blank labels drawn together, as they meet.
            if plan_layer_id("sites") in (layer, other_layer) and (text.strip() or other_text.strip()):
                apart = box[2] <= other[0] or other[2] <= box[0] or box[3] <= other[1] or other[3] <= box[1]
                assert apart, (text, other_text)


def test_the_source_line_says_how_much_of_the_clusters_the_red_line_covers(shipped_alternative_run: MadeRun):
    """plan.qgs's source line (the layout's foot) has, after what made the map, the statement
    map.png's margin and the report give of the red line's share of the clusters: a sheet
    printed without a red line says why. Its frame is as high as its lines."""
    out = shipped_alternative_run.out
    stated = next(line for line in (out / "report.md").read_text(encoding="utf-8").splitlines()
                  if line.startswith("The red-line layer covers "))
    for folder in (out, out / "alt01"):
        layout = ET.parse(folder / "plan.qgs").getroot().find("Layouts/Layout")
        (source,) = [i for i in layout.findall("LayoutItem") if i.get("id") == "source"]
        first, second, third = source.get("labelText", "").split("\n")
        assert first.startswith("Source: siting plan for scenario 'first_node' ")
        assert second == stated
        assert second.startswith("The red-line layer covers 2.8 % of the clusters' area (1,803 of 64,868 km2). ")
        # The shipped red line marks itself a proxy: the sheet says so (tests/test_gis_review_redline.py).
        assert third == ("The red-line layer is a proxy, not the official red line, as it says of itself (20 of its 23 "
                         "polygons marked as proxies in is_proxy, 20 notes beginning PROXY or ESTIMATE): every "
                         "exclusion by it and its share of the clusters rest on this proxy.")
        # Five lines of 8 pt as measured (`wrap_text`, with MARGIN: the statement in three, the
        # proxy's in one), 3.42 mm each, and 1 mm: 18.08, rounded up to 18.1 mm (the source line
        # alone keeps its 10 mm).
        assert source.get("size") == "400,18.1,mm"


def test_a_scenario_without_a_red_line_says_so_on_the_sheet():
    """Without a red-line layer the source line says the scenario gives none (map.png's words)."""
    frame = gpd.GeoDataFrame({"id": ["k"], "name": ["K"]}, geometry=[shapely.box(102.0, 24.0, 103.0, 25.0)],
                             crs="EPSG:4326")
    clusters = make_layer("clusters", "Clusters", frame, ["id", "name"])
    title = MapTitle("none", "optimal", 0.0, 1e9, [2024], redline_given=False)
    text = project_text([clusters], {"clusters": clusters_style(clusters)}, "none", "EPSG:32648",
                        (400_000, 2_650_000, 520_000, 2_770_000), map_title=title)
    layout = ET.fromstring(text.split("\n", 1)[1]).find("Layouts/Layout")
    (source,) = [i for i in layout.findall("LayoutItem") if i.get("id") == "source"]
    assert source.get("labelText", "").split("\n")[1] == (
        "The scenario gives no red-line layer (layers.redline): no part of the clusters is excluded as red line.")


def test_a_plan_on_a_batch_s_pie_scale_places_its_names_again(shipped_alternative_run: MadeRun):
    """A plan of a comparison or sweep draws its pies on the batch's scale (`with_sites_capex_scale`):
    on its own scale its plan.qgs is the one written, byte for byte; on twice it, each built site's
    name stands again one of SITE_LABEL_STEPS_MM beyond its pie, now 1/√2 as wide (to 0.01 mm, the
    offsets' rounding), by QGIS's offset from point: in the canvas, where every pie stands on its
    site, or, for a pie the layout moves aside whose name's position about its site the canvas
    finds taken, on the layout, the canvas then naming it where the layout does
    (tests/test_layout_canvas_spots.py)."""
    out = shipped_alternative_run.out
    layers, styles = folder_project_layers(out)
    qgs = (out / "plan.qgs").read_text(encoding="utf-8")
    top = capex_scale(styles["sites"])
    assert top is not None
    others = alternatives_on(out, top)  # the alternative its plan.qgs shows too, in its folder
    assert with_sites_capex_scale(qgs, layers, styles, top, others=others) == qgs
    root = ET.fromstring(with_sites_capex_scale(qgs, layers, styles, 2 * top, others=others).split("\n", 1)[1])
    (sites,) = [n for n in root.findall("projectlayers/maplayer") if n.findtext("id") == plan_layer_id("sites")]
    # The names' settings: the labelling's own, or its rule "names" where pies are moved aside on the layout.
    names = sites.find("labeling/settings")
    names = names if names is not None else sites.find(".//rule[@description='names']/settings")
    assert names.find("placement").get("placement") == str(OVER_POINT)
    offsets = names.find("dd_properties/Option/Option[@name='properties']/Option[@name='OffsetXY']"
                         "/Option[@name='expression']").get("value")
    # Each name's offset from its site in the canvas, where every pie stands on its site (the ELSE of
    # a layout's own offset, `@map_id`, for a pie the layout moves aside).
    found = {site: math.hypot(float(x), float(y)) for site, x, y in re.findall(
        r"\"id\" = '([^']+)' THEN (?:CASE WHEN @map_id = '[^']+' THEN '[-\d.]+,[-\d.]+' ELSE )?'([-\d.]+),([-\d.]+)'",
        offsets)}
    # A pie moved aside on the layout: its offset from its site (its built marker's), its name's on
    # the layout and in the canvas.
    marker = next(n.get("value") for layer in sites.iterfind("renderer-v2/symbols/symbol/layer")
                  for n in layer.iterfind(".//Option[@name='offset']/Option[@name='expression']"))
    pies = {site: (float(x), float(y)) for site, x, y in re.findall(
        r"\"id\" = '([^']+)' THEN '([-\d.]+),([-\d.]+)'", marker)}
    both = {site: ((float(x), float(y)), (float(cx), float(cy))) for site, x, y, cx, cy in re.findall(
        r"\"id\" = '([^']+)' THEN CASE WHEN @map_id = '[^']+' THEN '([-\d.]+),([-\d.]+)' ELSE '([-\d.]+),([-\d.]+)'",
        offsets)}
    assert pies and set(both) == set(pies)
    for site, (sheet, canvas) in both.items():
        if sheet == canvas:  # named in the canvas where the layout names it: beyond its pie there
            found[site] = math.hypot(sheet[0] - pies[site][0], sheet[1] - pies[site][1])
    frame = layers["sites"].frame
    built = frame.loc[frame["status"] == "built"]
    # Every built site's name, and a standing site's (committed plants, no new module), if any.
    assert sorted(found) == sorted(frame.loc[frame["status"].isin(["built", "standing"]), "id"])
    for site, capex in zip(built["id"], built["capex_yuan"], strict=True):
        radius = 7 * math.sqrt(capex / (2 * top))
        assert min(abs(found[site] - radius - step) for step in SITE_LABEL_STEPS_MM) < 0.01, site
