"""compare.qgs's sheet of a compared run names the sites its changes name (diff.qml's rules
"forced" and "unbuilt": a site the run's rules force a change on, a site the run builds nothing
on) where the layout's placement puts them, with the run's other names (`layout_label_spots`,
`with_rule_label_spots`). They were drawn by QGIS's "always show" at the best place its engine
found, the other names placed by the layout only kept off their sites' marks: on the shipped
strict red line's sheet "Jiangchuan district" covered the Yuxi hub's name and "Kunming economic
and technological development zone" ran into "Kunming (hub and gateway)".
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import geopandas as gpd
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import (
    MARK_CLEARANCE_MM,
    SITE_HALO_MM,
    hub_label_box,
    label_box,
    layout_extent,
    layout_label_spots,
    layout_names,
    map_frame,
    site_label_box,
)
from siting.deliver.styles import (
    CHANGE_MARKER_MM,
    CHANGE_NAME_PT,
    FORCED_RING_MM,
    OFF_LAYOUT_NAMES,
    LabelSpot,
    diff_style,
    hubs_style,
    naming_rule,
    sites_style,
)

#: 100 km across the map frame's 270 mm: 2.7 mm a km.
EXTENT = (480_000, 2_740_000, 580_000, 2_820_000)
CRS = "EPSG:32648"
HUB = (501_000, 2_800_000)
#: A removed site 1 km east of the hub (2.7 mm on the sheet): its name's first place, right of
#: its marker, is the hub's name's first place too; a forced change 1 km south of the hub.
REMOVED = (502_000, 2_800_000)
FORCED = (501_000, 2_799_000)
NAMES = {"r@run": "Removed industrial park", "f@run": "Forced park", "n@run": "Added park"}


def layers():
    sites = make_layer("sites", "Candidate sites by status", gpd.GeoDataFrame(
        {"id": ["a", "r", "f", "n"], "name": ["Site a", *NAMES.values()],
         "status": ["built", "eligible_unused", "excluded", "built"], "capex_yuan": [8e9, None, None, 1e9]},
        geometry=[shapely.Point(520_000, 2_780_000), shapely.Point(*REMOVED), shapely.Point(*FORCED),
                  shapely.Point(540_000, 2_760_000)], crs=CRS).to_crs(4326),
        ["id", "name", "status", "capex_yuan"])
    hubs = make_layer("hubs", "Hubs", gpd.GeoDataFrame(
        {"id": ["hub_a"], "kind": ["hub"], "name": ["Aville"]},
        geometry=[shapely.Point(*HUB)], crs=CRS).to_crs(4326), ["id", "kind", "name"])
    diff = make_layer("diff", "Changes", gpd.GeoDataFrame(
        {"id": list(NAMES), "site": ["r", "f", "n"], "name": list(NAMES.values()), "scenario": ["run"] * 3,
         "change": ["removed", "removed", "added"], "forced": [False, True, False], "new_lfp": [0.0, 0.0, 5.0]},
        geometry=[shapely.Point(*REMOVED), shapely.Point(*FORCED), shapely.Point(540_000, 2_760_000)],
        crs=CRS).to_crs(4326), ["id", "site", "name", "scenario", "change", "forced", "new_lfp"])
    return sites, hubs, diff


def sheet_point(xy: tuple[float, float], frame_mm, shown) -> tuple[float, float]:
    mx, my, mw, _mh = frame_mm
    scale = mw / (shown[2] - shown[0])
    return mx + (xy[0] - shown[0]) * scale, my + (shown[3] - xy[1]) * scale


def spot_box(point: tuple[float, float], spot: LabelSpot, size: tuple[float, float]) -> shapely.Polygon:
    """The name's box on the sheet (mm, y down), as QGIS's "offset from point" sets it."""
    dx, dy = spot.quadrant % 3 - 1, spot.quadrant // 3 - 1
    px, py = point[0] + spot.offset_mm[0], point[1] + spot.offset_mm[1]
    width, height = size
    x0 = px if dx > 0 else px - width if dx < 0 else px - width / 2
    y0 = py if dy > 0 else py - height if dy < 0 else py - height / 2
    return shapely.box(x0, y0, x0 + width, y0 + height)


def test_naming_rule_is_the_test_of_diff_qml_s_naming_rules():
    """Forced whatever the change; removed, or options changed where the run adds nothing,
    unbuilt; an added site, or options changed where the run adds something, none."""
    assert naming_rule({"change": "added", "forced": True}) == "forced"
    assert naming_rule({"change": "removed", "forced": False}) == "unbuilt"
    assert naming_rule({"change": "removed", "forced": None}) == "unbuilt"
    assert naming_rule({"change": "options changed", "new_lfp": None, "new_ncm": 0.0}) == "unbuilt"
    assert naming_rule({"change": "options changed", "new_lfp": 2.0}) == ""
    assert naming_rule({"change": "added", "forced": False}) == ""


def test_the_changes_names_are_placed_off_the_hub_s_name_and_each_other():
    """The hub (ranked before them) takes its first place, right of its square; the removed
    site's name, whose first place that covers, and the forced change's (bold, beyond its
    ring) stand elsewhere: the three names' boxes, each grown by its halo, share no area, and
    each change's name stays clear of the hub's square. The added site is not named by the
    changes (its pie is the run's, named by its sites layer)."""
    sites, hubs, diff = layers()
    frame_mm = map_frame(EXTENT)
    shown = layout_extent(EXTENT, frame_mm[2], frame_mm[3])
    spots = layout_label_spots([sites, hubs, diff], sites_style(sites), CRS, frame_mm, shown)
    assert set(spots.changes) == {"r@run", "f@run"}
    hub_at = sheet_point(HUB, frame_mm, shown)
    boxes = {
        "hub": spot_box(hub_at, spots.hubs["hub_a"], hub_label_box("Aville")),
        "r@run": spot_box(sheet_point(REMOVED, frame_mm, shown), spots.changes["r@run"],
                          label_box([NAMES["r@run"]], CHANGE_NAME_PT)),
        "f@run": spot_box(sheet_point(FORCED, frame_mm, shown), spots.changes["f@run"],
                          label_box([NAMES["f@run"]], CHANGE_NAME_PT, bold=True)),
        "a": spot_box(sheet_point((520_000, 2_780_000), frame_mm, shown), spots.sites["a"], site_label_box("Site a")),
    }
    for (one, a), (other, b) in itertools.combinations(boxes.items(), 2):
        assert a.buffer(SITE_HALO_MM, join_style="mitre").intersection(
            b.buffer(SITE_HALO_MM, join_style="mitre")).area == 0, (one, other)
    for change in ("r@run", "f@run"):
        assert boxes[change].distance(shapely.Point(hub_at)) >= MARK_CLEARANCE_MM
    # The removed site's name beyond its marker, the forced change's beyond its ring.
    assert boxes["r@run"].distance(shapely.Point(sheet_point(REMOVED, frame_mm, shown))) >= CHANGE_MARKER_MM / 2
    assert boxes["f@run"].distance(shapely.Point(sheet_point(FORCED, frame_mm, shown))) >= FORCED_RING_MM / 2


def test_diff_qml_s_naming_rules_get_the_spots_on_the_layout_and_stay_as_written_elsewhere():
    """`layout_names` with the run's diff style writes each naming rule's spots (offset from
    point, by feature id) for the print layout's map, and keeps a copy of the rule as written
    for the canvas zoomed in (OFF_LAYOUT_NAMES); the marks rule unchanged."""
    sites, hubs, diff = layers()
    frame_mm = map_frame(EXTENT)
    shown = layout_extent(EXTENT, frame_mm[2], frame_mm[3])
    written = diff_style("Point", aliases={"new_lfp": "new LFP"})
    styles = {"sites": sites_style(sites), "hubs": hubs_style(hubs), "diff": written}
    placed, spots = layout_names(styles, [sites, hubs, diff], CRS, frame_mm, shown)
    root = ET.fromstring(placed["diff"].split("\n", 1)[1])
    rules = {rule.get("description"): rule for rule in root.findall("labeling/rules/rule")}
    assert list(rules) == ["marks", "forced", f"forced {OFF_LAYOUT_NAMES}", "unbuilt", f"unbuilt {OFF_LAYOUT_NAMES}"]
    for name in ("forced", "unbuilt"):
        assert rules[name].get("filter", "").count("@map_id") == 1
        text = ET.tostring(rules[name], encoding="unicode")
        for feature, spot in spots.changes.items():
            assert f"WHEN &quot;id&quot; = '{feature}' THEN '{spot.offset_mm[0]:.2f},{spot.offset_mm[1]:.2f}'" in text
        own = ET.tostring(rules[f"{name} {OFF_LAYOUT_NAMES}"].find("settings"), encoding="unicode")
        assert "OffsetXY" not in own
    original = ET.fromstring(written.split("\n", 1)[1]).find("labeling/rules/rule")
    assert ET.tostring(rules["marks"]) == ET.tostring(original)
