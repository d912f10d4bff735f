"""A print layout names a lake large enough to hold its name inside the lake, over a free part of
it, where a site's pie and name cover its centre and the positions beside it: map.png names such
a lake over a point inside it (Dianchi, Fuxian), where the layout sent the name farther out with
a leader to the shore, or left it out and listed it in its note.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import (
    SITE_HALO_MM,
    WATER_INSIDE_SHARE,
    _inside_points,
    _Named,
    label_box,
    layout_label_spots,
    plan_layout_extent,
    site_label_box,
)
from siting.deliver.styles import PIE_MM, WATER_LABEL_PT, sites_style

#: A 2 x 2 km view; a lake of 300 x 600 m round its centre, where a built site stands.
EXTENT = (499_000.0, 2_699_000.0, 501_000.0, 2_701_000.0)
LAKE = shapely.box(499_850, 2_699_700, 500_150, 2_700_300)
SITE = shapely.Point(500_000, 2_700_000)


def lake_layers() -> list:
    """A built site of the largest capex (its pie PIE_MM across) at the centre of a large lake,
    its name beside the pie over the lake, and the lake in the red line."""
    sites = make_layer("sites", "Sites", gpd.GeoDataFrame(
        {"id": ["s"], "name": ["Lakeshore industrial park"], "status": ["built"], "capex_yuan": [1e9],
         "added_lfp": [1.0]}, geometry=[SITE], crs="EPSG:32648").to_crs("EPSG:4326"),
        ["id", "name", "status", "capex_yuan", "added_lfp"])
    redline = make_layer("redline", "Red line", gpd.GeoDataFrame(
        {"id": ["big"], "name": ["Great lake"], "category": ["lake"], "used": [True], "buffer_m": [100.0],
         "max_distance_m": [100.0]}, geometry=[LAKE], crs="EPSG:32648").to_crs("EPSG:4326"),
        ["id", "name", "category", "used", "buffer_m", "max_distance_m"])
    return [sites, redline]


def test_a_large_lake_under_a_site_s_name_is_named_inside_itself():
    """The site's pie covers the lake's centre and its name the positions beside it: the lake's
    name stands over another point inside the lake, whole inside it, with no leader, its halo off
    the site's name and pie."""
    sites, redline = lake_layers()
    frame_mm, shown = plan_layout_extent(EXTENT)
    spots = layout_label_spots([sites, redline], sites_style(sites), "EPSG:32648", frame_mm, shown)
    assert spots.unnamed == ()
    spot = spots.lakes["big"]
    assert spot.quadrant == 4 and not spot.leader
    mx, my, mw, _mh = frame_mm
    scale = mw / (shown[2] - shown[0])

    def sheet(x: float, y: float) -> tuple[float, float]:
        return mx + (x - shown[0]) * scale, my + (shown[3] - y) * scale

    lake = shapely.Polygon([sheet(x, y) for x, y in LAKE.exterior.coords])
    cx, cy = sheet(LAKE.centroid.x, LAKE.centroid.y)
    width, height = label_box(["Great lake"], WATER_LABEL_PT)
    x, y = cx + spot.offset_mm[0], cy + spot.offset_mm[1]
    name = shapely.box(x - width / 2, y - height / 2, x + width / 2, y + height / 2)
    assert lake.contains(name)
    site_spot = spots.sites["s"]
    assert site_spot.quadrant == 5  # right of its pie, centred on its height
    sx, sy = sheet(SITE.x, SITE.y)
    site_width, site_height = site_label_box("Lakeshore industrial park")
    left = sx + site_spot.offset_mm[0]
    site_name = shapely.box(left, sy + site_spot.offset_mm[1] - site_height / 2,
                            left + site_width, sy + site_spot.offset_mm[1] + site_height / 2)
    assert not name.buffer(SITE_HALO_MM, join_style="mitre").intersects(
        site_name.buffer(SITE_HALO_MM, join_style="mitre"))
    assert name.distance(shapely.Point(sx, sy)) > PIE_MM / 2


def test_a_lake_too_small_for_its_name_is_not_tried_inside():
    """A lake whose area on the sheet is under WATER_INSIDE_SHARE of its name's box has no inside
    points to try (its name would stand mostly over land); a large one has map.png's point
    (its point on surface) first, then only points inside it."""
    small = _Named("water:a", 5.0, 5.0, 0.0, 20.0, 3.0, False, shapely.box(0, 0, 10, 10 * WATER_INSIDE_SHARE * 0.5))
    assert _inside_points(small) == []
    shape = shapely.box(0, 0, 30, 10)
    points = _inside_points(_Named("water:b", 15.0, 5.0, 0.0, 20.0, 3.0, False, shape))
    surface = shapely.point_on_surface(shape)
    assert points[0] == (surface.x, surface.y)
    assert points[1:] and all(shape.contains(shapely.Point(p)) for p in points[1:])
