"""plan.qgs's canvas at about the print layout's scale names the sites where the layout's spots
put them (`layout_names`), but with every pie on its site: a pie the layout moves aside has its
name `offset_mm` from its site there, as far from its pie as on the sheet. Where that position
covers another name (the others standing where the sheet has them), the canvas names the site
elsewhere (`LabelSpot.canvas_mm`, `canvas_quadrant`: where the sheet has it, or the first free
position about its site): on the shipped plan Anning Qilin's pie, moved 7 mm south of Caopu's
on the sheet, had its name drawn over Yimen county's in the canvas."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import (
    SITE_HALO_MM,
    SITE_LABEL_STEPS_MM,
    layout_extent,
    layout_names,
    map_frame,
    site_label_box,
)
from siting.deliver.styles import PIE_MM, sites_style


def canvas_offsets(qml: str, ids: list[str]) -> dict[str, tuple[float, float, int]]:
    """Each of `ids`'s name's offset (mm, x right, y down) and quadrant in the canvas (@map_id
    'canvas') as the sites style `qml` data-defines them (`OffsetXY`, `OffsetQuad`): a value of
    its own, or the ELSE of a print layout's map's."""
    root = ET.fromstring(qml.split("\n", 1)[1])

    def expressions(key: str) -> list[str]:
        return [n.get("value", "") for o in root.iter("Option") if o.get("name") == key
                for n in o.iterfind("Option[@name='expression']")]

    xy = [v for v in expressions("OffsetXY") if all(f"'{i}'" in v for i in ids)]
    quad = [v for v in expressions("OffsetQuad") if all(f"'{i}'" in v for i in ids)]
    assert xy and quad
    found = {}
    for i in ids:
        branch = rf"\"id\" = '{i}' THEN (?:CASE WHEN @map_id = 'map' THEN '?[-\d.,]+'? ELSE )?'?([-\d.,]+)'?"
        offsets = {re.search(branch, v).group(1) for v in xy}
        quadrants = {re.search(branch, v).group(1) for v in quad}
        assert len(offsets) == len(quadrants) == 1, (i, offsets, quadrants)
        (x, y), (q,) = [float(v) for v in offsets.pop().split(",")], quadrants
        found[i] = (x, y, int(q))
    return found


def test_the_canvas_names_a_moved_pie_s_site_off_the_other_names():
    """Built sites a (8e9 yuan, the top capex: a pie 14 mm across) and b (2e9: 7 mm across) 1.08 km
    apart north-south, on a layout of 108 km across the map frame's 270 mm (1:400,000, a round
    scale: 2.5 mm a km, so 2.7 mm apart on the sheet): b's
    site lies inside a's pie, so the layout moves a's pie 2.17 mm up and b's 6.66 mm down, each
    name right of its pie. In the canvas, where both pies stand on their sites, b's name
    `offset_mm` from its site, 2.7 mm below a's, would cover a's name: it stands below right of
    its pie instead, at the first free position about its site (the sheet's own position coming
    too close to a's pie there). In the canvas the two names stand apart by their halos, each one
    of SITE_LABEL_STEPS_MM beyond its pie; on the layout the names stand as before."""
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["Site a", "Site b"], "status": ["built", "built"],
                              "capex_yuan": [8e9, 2e9]},
                             geometry=[shapely.Point(500_000, 2_800_000), shapely.Point(500_000, 2_798_920)],
                             crs="EPSG:32648").to_crs(4326)
    layer = make_layer("sites", "Candidate sites by status", frame, ["id", "name", "status", "capex_yuan"])
    extent = (476_000, 2_740_000, 584_000, 2_820_000)
    frame_mm = map_frame(extent)
    shown = layout_extent(extent, frame_mm[2], frame_mm[3])
    assert (frame_mm[2], shown[0], shown[2]) == (270.0, 476_000, 584_000)
    placed, spots = layout_names({"sites": sites_style(layer)}, [layer], "EPSG:32648", frame_mm, shown)
    assert {i: (s.offset_mm, s.quadrant, s.pie_mm) for i, s in spots.sites.items()} == {
        "a": ((10.0, 0.0), 5, (0.0, -2.17)), "b": ((6.5, 0.0), 5, (0.0, 6.66))}
    canvas = canvas_offsets(placed["sites"], ["a", "b"])
    sites = {"a": (0.0, 0.0, 7.0), "b": (0.0, 2.7, 3.5)}  # mm on the sheet about a's site, y down; pie radius
    assert sites["a"][2] == PIE_MM / 2
    boxes = {}
    for i, (x, y, quadrant) in canvas.items():
        sx, sy, radius = sites[i]
        assert min(abs(math.hypot(x, y) - radius - step) for step in SITE_LABEL_STEPS_MM) < 0.01, i
        width, height = site_label_box(f"Site {i}")
        dx, dy = quadrant % 3 - 1, quadrant // 3 - 1
        x0 = sx + x if dx > 0 else sx + x - width if dx < 0 else sx + x - width / 2
        y0 = sy + y if dy > 0 else sy + y - height if dy < 0 else sy + y - height / 2
        boxes[i] = (x0, y0, x0 + width, y0 + height)
    for (i, a), (j, b) in itertools.combinations(sorted(boxes.items()), 2):
        apart = max(b[0] - a[2], a[0] - b[2], b[1] - a[3], a[1] - b[3])
        assert apart >= 2 * SITE_HALO_MM - 0.01, (i, j, apart)
    assert canvas["a"] == (10.0, 0.0, 5)  # as on the sheet, about its site
    assert canvas["b"][2] == 8  # below right of its pie
