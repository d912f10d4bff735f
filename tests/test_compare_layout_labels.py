"""Names on the print layouts QGIS exports: each run's layout in compare.qgs names its built
sites as plan.qgs's does (siting/deliver/qgisproject.py `run_layout_names`,
`layout_label_spots`), and plan.qgs's names its hubs, and its sources where it finds them room
(`layout_names`).

compare.qgs's layouts left the sites' names to QGIS's label engine, which set each at one
distance around its site and drew a built site's name at its best position where none was free:
in the shipped scenario's comparison (each run stopped after its first node) Qujing ETDZ's and
Qujing Cuifeng's names, their sites 2 mm apart on the sheet, were drawn over each other on both
runs' sheets. On plan.qgs's layout QGIS left out the Kunming and Yuxi hubs' names: every
position it tries around them lies on a site's pie (which QGIS's label engine counts as a label)
or on a site's name; and which sources it named changed with the export's resolution. The
layouts now place those names themselves, on the sheet.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_qgis_label_distance import NEAR_MM, REACH_MM, nearest

from siting.deliver.files import read_layer
from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import (
    SITE_LABEL_STEPS_MM,
    SOURCE_FAR_STEPS_MM,
    SOURCE_LABEL_STEPS_MM,
    SOURCE_NARROW_WRAP,
    STANDING_GAP_MM,
    hub_label_box,
    layout_extent,
    layout_label_spots,
    map_frame,
    plan_layer_id,
    site_label_box,
)
from siting.deliver.styles import (
    BUILT_MARKER_MM,
    HUB_MM,
    LABEL_GAP_MM,
    NO_LEADER_MM,
    PIE_MM,
    SITE_LABEL_WRAP,
    LabelSpot,
    hub_label_texts,
    sites_style,
    sources_style,
    with_label_spots,
)
from tests.conftest import SHIPPED, MadeRun, copied, plan_layout_spots, run_once

STRICT = SHIPPED.parent / "yunnan_2024_strict_redline.yaml"


def first_node_compare_inputs(folder: Path) -> list[Path]:
    """[first_node.yaml, first_node_strict.yaml]: the shipped scenario and its stricter red line,
    each stopped after one branch-and-bound node (HiGHS's `mip_max_nodes: 1`, deterministic), to a
    gap of 10 %: the plans of that node (some 4 % from their bounds) are then within it, so no
    search runs on to prove them. Both runs build the same six sites, at the same capex, with
    Qujing Cuifeng standing (the shipped scenario solved to its own gap builds five of them and
    Jiangchuan district, not Huaning county), and compare.qgs places every site's and hub's name
    alike on both sheets but where a mark of the stricter run's changes (the badges of
    Chenggong's, Kunming ETDZ's, Jiangchuan's and Tonghai's options changed) keeps a name off:
    only those names, the flows of the plans' last LP and the titles differ."""
    found = []
    for name, scenario in (("first_node", SHIPPED), ("first_node_strict", STRICT)):
        path = folder / f"{name}.yaml"
        path.write_text(f"extends: {scenario}\nname: {name}\nsolver:\n  rel_gap: 0.1\n"
                        "  options: {mip_max_nodes: 1}\n")
        found.append(path)
    return found


@pytest.fixture(scope="session")
def shipped_first_node_compare_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`siting compare first_node.yaml first_node_strict.yaml --workers 1`: read-only."""
    return run_once(tmp_path_factory, "shipped_first_node_compare", first_node_compare_inputs, "compare",
                    ("--workers", "1"))


def built(points: list[tuple[str, float, float, float]]) -> gpd.GeoDataFrame:
    """Built sites (id, x, y in EPSG:32648 metres, capex yuan) named "Site <id>"."""
    return gpd.GeoDataFrame({"id": [p[0] for p in points], "name": [f"Site {p[0]}" for p in points],
                             "status": ["built"] * len(points), "capex_yuan": [p[3] for p in points]},
                            geometry=[shapely.Point(p[1], p[2]) for p in points], crs="EPSG:32648").to_crs(4326)


def test_a_hub_under_a_pie_is_named_beyond_the_pie_and_the_site_s_name():
    """A built site (8e9 yuan, the top capex: a pie 14 mm across) and a hub 1 km east of it, on a
    layout of 100 km across the map frame's 270 mm (2.7 mm a km): the hub's square lies inside
    the pie. The site is named first, right of its pie (7 + LABEL_GAP_MM = 10 mm out, centred).
    The hub's name keeps LABEL_GAP_MM clear of the pie, so it does not stand at its first ring
    (STANDING_GAP_MM beyond its square: 1.5 + 1 mm out) nor anywhere at 1.5 + 6 = 7.5 mm but
    right (taken by the site's name); at 1.5 + 10 = 11.5 mm, right of the hub is the site's name
    again, and above right (8.13 mm right and up, 11.5 / √2) is free: 10.83 mm right of the
    site, 8.13 mm above it, clear of its pie and its name, with a leader (beyond its first ring)."""
    sites = make_layer("sites", "Candidate sites by status", built([("a", 500_000, 2_800_000, 8e9)]),
                       ["id", "name", "status", "capex_yuan"])
    hubs = make_layer("hubs", "Hubs", gpd.GeoDataFrame(
        {"id": ["hub_a"], "kind": ["hub"], "name": ["Aville"]},
        geometry=[shapely.Point(501_000, 2_800_000)], crs="EPSG:32648").to_crs(4326), ["id", "kind", "name"])
    extent = (480_000, 2_740_000, 580_000, 2_820_000)
    frame_mm = map_frame(extent)
    shown = layout_extent(extent, frame_mm[2], frame_mm[3])
    spots = layout_label_spots([sites, hubs], sites_style(sites), "EPSG:32648", frame_mm, shown)
    assert hub_label_texts(hubs) == {"hub_a": "Aville"}
    assert spots.sites == {"a": LabelSpot((10.0, 0.0), 5)}
    assert spots.hubs == {"hub_a": LabelSpot((8.13, -8.13), 2, True)}
    assert (STANDING_GAP_MM, SITE_LABEL_STEPS_MM[1:3]) == (1.0, (6.0, 10.0))
    assert round((HUB_MM / 2 + 10.0) / math.sqrt(2), 2) == 8.13
    # The hub's name, its box's lower left corner at (2.7 + 8.13, -8.13) from the site (y down):
    width, height = hub_label_box("Aville")
    box = (2.7 + 8.13, -8.13 - height, 2.7 + 8.13 + width, -8.13)
    _width, site_h = site_label_box("Site a")
    assert math.hypot(*nearest((box[0], -box[3], box[2], -box[1]))) >= PIE_MM / 2 + LABEL_GAP_MM
    assert box[3] < -site_h / 2  # above the site's name (right of the pie, centred on the site)


def test_the_layout_s_sources_style_names_only_the_sources_placed():
    """`with_label_spots` as the layout gives the sources style: each placed source's offset and
    quadrant by its id, named whatever QGIS finds there (AlwaysShow), no other source named
    (Show), the names wrapped at 22 characters as the sites' are, and a leader (a callout the
    sources style has none of) for a source moved beyond its first ring, ending at its own
    triangle's edge (`anchor_mm`), none for the others (shorter than NO_LEADER_MM)."""
    frame = gpd.GeoDataFrame({"id": ["s1", "s2", "s3"], "name": ["One", "Two", "Three"],
                              "resource": ["copper"] * 3, "supply_t_per_yr": [1.0, 2.0, 3.0]},
                             geometry=[shapely.Point(102.0 + i / 10, 25.0) for i in range(3)], crs="EPSG:4326")
    layer = make_layer("sources", "Sources", frame, ["id", "name", "resource", "supply_t_per_yr"])
    qml = with_label_spots(sources_style(layer, ["copper"]), {"s1": LabelSpot((1.5, 0.0), 5),
                                                              "s2": LabelSpot((-6.5, -6.5), 0, True, 2.25)},
                           always_show=True, only_spots=True, wrap_chars=SITE_LABEL_WRAP)
    settings = ET.fromstring(qml.split("\n", 1)[1]).find("labeling/settings")
    assert settings is not None
    assert (settings.find("text-format").get("autoWrapLength"),
            settings.find("text-format").get("useMaxLineLengthForAutoWrap")) == ("22", "1")
    found = {prop.get("name"): prop.find("Option[@name='expression']").get("value")
             for prop in settings.findall("dd_properties/Option/Option[@name='properties']/Option")}
    assert found["Show"] == found["AlwaysShow"] == "\"id\" IN ('s1', 's2')"
    assert found["OffsetQuad"] == "CASE WHEN \"id\" = 's1' THEN 5 WHEN \"id\" = 's2' THEN 0 ELSE 4 END"
    callout = settings.find("callout/Option")
    leaders = {prop.get("name"): prop.find("Option[@name='expression']").get("value")
               for prop in callout.findall("Option[@name='ddProperties']/Option[@name='properties']/Option")}
    assert leaders == {"OffsetFromAnchor": "if(\"id\" IN ('s2'), CASE WHEN \"id\" = 's2' THEN 2.25 ELSE 1.7 END, 0)",
                       "MinimumCalloutLength": f"if(\"id\" IN ('s2'), 0, {NO_LEADER_MM})"}
    nothing = with_label_spots(sources_style(layer, ["copper"]), {}, always_show=True, only_spots=True)
    shown = ET.fromstring(nothing.split("\n", 1)[1]).find(
        "labeling/settings/dd_properties/Option/Option[@name='properties']/Option[@name='Show']/Option[@name='expression']")
    assert shown is not None and shown.get("value") == "FALSE"


PROBE = r'''
import json, math, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCoordinateTransform, QgsLayoutExporter, QgsLayoutItemMap, QgsProject)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
project.read(sys.argv[1])
result = {}
for layout in project.layoutManager().printLayouts():
    frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
    extent = frame.extent()
    mm = frame.rect().width() / extent.width()
    points = {}  # (layer id, feature id) -> the feature's name, x, y (map units) and pie radius (mm)
    for layer in frame.layersToRender():
        kind = layer.id().split("_")[0]
        if kind not in ("sites", "hubs"):
            continue
        transform = QgsCoordinateTransform(layer.crs(), project.crs(), project)
        top = layer.diagramRenderer().upperValue() if kind == "sites" else 0
        for feature in layer.getFeatures():
            if kind == "sites" and feature["status"] != "built":
                continue
            centre = transform.transform(feature.geometry().centroid().asPoint())
            radius = 7 * math.sqrt(feature["capex_yuan"] / top) if kind == "sites" else 0.0
            points[(layer.id(), feature.id())] = [kind, feature["id"], feature["name"], centre.x(), centre.y(), radius]
    exporter = QgsLayoutExporter(layout)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 60
    exported = exporter.exportToImage(os.path.join(sys.argv[2], layout.name() + ".png"), settings)
    found = {"exported": exported == QgsLayoutExporter.Success, "named": [], "labels": [], "leaders": [],
             "moved": []}
    def sheet(x, y, point):  # mm on the sheet from the point, y up
        return [(x - point[3]) * mm, (y - point[4]) * mm]
    for labels in exporter.labelingResults().values():  # a pie moved aside: measure from where it is drawn
        for label in labels.allLabels():
            point = points.get((label.layerID, label.featureId))
            if label.isDiagram and not label.isUnplaced and point is not None:
                centre = label.labelRect.center()
                if math.hypot(centre.x() - point[3], centre.y() - point[4]) * mm > 0.05:
                    found["moved"].append(point[1])
                point[3], point[4] = centre.x(), centre.y()
    for labels in exporter.labelingResults().values():
        for label in labels.allLabels():
            if label.isDiagram:
                continue
            box = label.labelRect
            point = points.get((label.layerID, label.featureId))
            if point is not None and label.labelText.strip():  # not a moved pie's leader or site dot
                found["named"].append(point[:3] + [point[5], label.labelText, label.isUnplaced, extent.contains(box),
                    sheet(box.xMinimum(), box.yMinimum(), point) + sheet(box.xMaximum(), box.yMaximum(), point)])
            if not label.isUnplaced:
                found["labels"].append([label.layerID, label.featureId, label.labelText,
                    [box.xMinimum() * mm, box.yMinimum() * mm, box.xMaximum() * mm, box.yMaximum() * mm]])
        for callout in labels.calloutsWithinRectangle(extent):
            point = points.get((callout.layerID, callout.featureId))
            if point is not None:
                found["leaders"].append(point[:2] + [sheet(callout.origin().x(), callout.origin().y(), point)
                    + sheet(callout.destination().x(), callout.destination().y(), point)])
    result[layout.name()] = found
print(json.dumps(result))
app.exitQgis()
'''


def layout_labels(qgs: Path, tmp_path: Path) -> dict:
    """Each print layout of the project `qgs` as QGIS 3.22 exports it: its built sites' and its
    hubs' labels (kind, id, name, pie radius in mm, label text, unplaced, inside the map, box in
    mm on the sheet about the feature, y up), every placed label (layer, feature, text, box in
    mm) and the leaders of the sites and hubs (kind, id, from and to in mm about the feature)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700, exist_ok=True)
    (tmp_path / "png").mkdir(exist_ok=True)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(qgs), str(tmp_path / "png")],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def drawn_once(labels: list) -> list:
    """The labels as drawn: one of those QGIS's labeling results list twice (same layer, feature,
    text and box)."""
    return list({(layer, feature, text, tuple(box)): (layer, feature, text, box)
                 for layer, feature, text, box in labels}.values())


def overlapping(labels: list, layer_prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """The pairs of labels (texts) whose boxes overlap, of which one is of a layer whose id starts
    with one of `layer_prefixes`."""
    boxes = drawn_once(labels)
    found = []
    for i, (layer, _feature, text, box) in enumerate(boxes):
        for other_layer, _other_feature, other_text, other in boxes[i + 1:]:
            if not (text.strip() or other_text.strip()):
                continue  # a moved pie's leader and the dot on its site, drawn together as they meet
            if layer.startswith(layer_prefixes) or other_layer.startswith(layer_prefixes):
                apart = box[2] <= other[0] or other[2] <= box[0] or box[3] <= other[1] or other[3] <= box[1]
                if not apart:
                    found.append((text, other_text))
    return found


def test_qgis_places_each_run_s_built_site_names_beside_their_sites(
        qgis: None, shipped_first_node_compare_run: MadeRun, tmp_path: Path):  # noqa: F811
    """compare.qgs of the shipped scenario against its stricter red line (each stopped after its
    first node) in QGIS 3.22: each run's layout names every built site of that run (the same seven
    each: Anning Caopu's and Anning Qilin's, a few millimetres apart on the sheet, Yuxi high-tech
    zone's, Yimen county's, Huaning county's, Qujing ETDZ's and Qujing Cuifeng's, its recycling
    demonstration's), each name inside the map, LABEL_GAP_MM to
    NEAR_MM beyond its pie's edge and no part of it more than REACH_MM from its pie's centre (on
    the site, or moved aside), a leader from the box's point nearest the pie to the pie's edge,
    and over no other label."""
    out = copied(shipped_first_node_compare_run.out, tmp_path / "cmp")
    result = layout_labels(out / "compare.qgs", tmp_path)
    runs = {"first_node (baseline)": "first_node", "first_node_strict": "first_node_strict"}
    assert list(result) == list(runs)
    for layout, sub in runs.items():
        found = result[layout]
        assert found["exported"] is True
        sites = json.loads((out / sub / "sites.geojson").read_text(encoding="utf-8"))["features"]
        names = sorted(f["properties"]["name"] for f in sites if f["properties"]["status"] == "built")
        assert names == ["Anning industrial park, Caopu area", "Anning industrial park, Qilin area",
                         "Huaning county", "Qujing Cuifeng subdistrict, Gaojiatun (Defang LMFP)",
                         "Qujing ETDZ, Xicheng and Nanhaizi industrial areas", "Yimen county",
                         "Yuxi high-tech zone, Longquan area"], names
        named = {name: (radius, unplaced, inside, box)
                 for kind, _id, name, radius, _text, unplaced, inside, box in found["named"] if kind == "sites"}
        assert sorted(named) == names, layout
        leaders = {}
        for _kind, site_id, leader in found["leaders"]:
            leaders.setdefault(site_id, []).append(leader)
        by_id = {f["properties"]["name"]: f["properties"]["id"] for f in sites}
        for name, (radius, unplaced, inside, box) in named.items():
            assert (unplaced, inside) == (False, True), (layout, name)
            beyond = math.hypot(*nearest(box)) - radius
            assert LABEL_GAP_MM - 0.05 <= beyond <= NEAR_MM + 0.05, (layout, name, beyond)
            reach = max(math.hypot(x, y) for x in (box[0], box[2]) for y in (box[1], box[3]))
            assert reach <= REACH_MM, (layout, name, reach)
            (leader,) = leaders[by_id[name]]
            assert math.dist(leader[:2], nearest(box)) < 0.05, (layout, name)
            # A pie moved aside: to the edge of the disc drawn, the built marker under the pie where larger.
            share = radius / (PIE_MM / 2)
            edge = max(radius, (BUILT_MARKER_MM[0] + (BUILT_MARKER_MM[1] - BUILT_MARKER_MM[0]) * share) / 2) \
                if by_id[name] in found["moved"] else radius
            assert abs(math.hypot(*leader[2:]) - edge) < 0.05, (layout, name)
        assert overlapping(found["labels"], ("sites_",)) == [], layout


def test_qgis_names_every_hub_on_the_plan_s_layout(
        qgis: None, shipped_first_node_run: MadeRun, tmp_path: Path):  # noqa: F811
    """plan.qgs of the shipped scenario (stopped after its first node) in QGIS 3.22: each hub is
    named (Kunming's with the gateway it lies at, in two lines: "Kunming", "(hub and gateway)";
    Yuxi's, whose square lies under Yuxi high-tech zone's pie; Qujing's), its name inside the map,
    STANDING_GAP_MM to NEAR_MM beyond its mark (the gateway's star at Kunming, a square
    elsewhere), with a leader to its square's edge where it stands beyond its first ring, and over
    no other label."""
    out = copied(shipped_first_node_run.out, tmp_path / "plan")
    texts = hub_label_texts(read_layer(out / "hubs.geojson"))
    assert texts == {"hub_kunming": "Kunming\n(hub and gateway)", "hub_yuxi": "Yuxi", "hub_qujing": "Qujing",
                     "gateway": ""}
    (found,) = layout_labels(out / "plan.qgs", tmp_path).values()
    assert found["exported"] is True
    hubs = {hub_id: (text, unplaced, inside, box)
            for kind, hub_id, _name, _radius, text, unplaced, inside, box in found["named"] if kind == "hubs"}
    assert sorted(hubs) == ["hub_kunming", "hub_qujing", "hub_yuxi"]
    leaders = {}
    for kind, hub_id, leader in found["leaders"]:
        if kind == "hubs":
            leaders.setdefault(hub_id, []).append(leader)
    for hub_id, (text, unplaced, inside, box) in hubs.items():
        assert (text, unplaced, inside) == (texts[hub_id], False, True), hub_id
        mark = 6.5 / 2 if hub_id == "hub_kunming" else HUB_MM / 2
        beyond = math.hypot(*nearest(box)) - mark
        assert STANDING_GAP_MM - 0.05 <= beyond <= NEAR_MM + 0.05, (hub_id, beyond)
        if beyond > STANDING_GAP_MM + 0.05:
            (leader,) = leaders[hub_id]
            assert math.dist(leader[:2], nearest(box)) < 0.05, hub_id
            assert abs(math.hypot(*leader[2:]) - HUB_MM / 2) < 0.05, hub_id
        else:
            assert hub_id not in leaders
    assert overlapping(found["labels"], (plan_layer_id("hubs"), plan_layer_id("sites"))) == []
    assert plan_layer_id("hubs") == "hubs_plan_layer"


def test_qgis_names_the_plan_s_sources_where_the_layout_finds_room(
        qgis: None, shipped_first_node_run: MadeRun, tmp_path: Path):  # noqa: F811
    """plan.qgs of the shipped scenario (stopped after its first node) in QGIS 3.22: the layout
    names a source only where it finds it a free position (`layout_label_spots`,
    SOURCE_LABEL_STEPS_MM: up to a site name's farthest), and QGIS draws exactly those names,
    there, over no other label. In the Anning cluster, where Qilin's pie is moved aside south of
    Caopu's, the copper smelter's, the Haikou phosphate mines' and the Xiaoshiqiao lithium's
    names find no free position (the lakes' and sites' names placed before them, which keep off
    the eligible sites' dots), even in the narrower block (SOURCE_NARROW_WRAP,
    SOURCE_FAR_STEPS_MM), nor does the Yimen copper deposit's, under Yimen county's pie: the four
    are left to the layout's note; every other source is named, in its plain block
    (tests/test_qgis_leftovers.py).
    (QGIS's own placement left out other sources, which ones changing with the export's
    resolution.)"""
    out = copied(shipped_first_node_run.out, tmp_path / "plan")
    layers, placed = plan_layout_spots(out)
    spots = placed.sources
    every = sorted(layers["sources"].frame["id"])
    assert sorted(set(every) - set(spots)) == ["copper_southwest_smelter", "copper_yimen", "lithium_xiaoshiqiao",
                                               "phosphate_haikou"]
    assert SOURCE_LABEL_STEPS_MM == (STANDING_GAP_MM, *SITE_LABEL_STEPS_MM[1:]) == (
        STANDING_GAP_MM, 6.0, 10.0, 15.0, 21.0, 28.0)
    assert (SOURCE_NARROW_WRAP, SOURCE_FAR_STEPS_MM) == (16, (35.0,))
    assert [i for i, spot in spots.items() if spot.wrap_chars] == []
    (found,) = layout_labels(out / "plan.qgs", tmp_path).values()
    labels = drawn_once(found["labels"])
    names = dict(zip(layers["sources"].frame["id"], layers["sources"].frame["name"], strict=True))
    drawn = sorted(text.replace("\n", " ") for layer, _feature, text, _box in labels
                   if layer == plan_layer_id("sources"))
    assert drawn == sorted(names[i] for i in spots)
    assert overlapping(found["labels"], (plan_layer_id("sources"),)) == []
