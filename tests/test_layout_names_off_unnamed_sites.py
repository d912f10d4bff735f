"""A print layout's names (a lake's, a source's) leave the marks of the sites it does not name
visible: an eligible site's amber dot, an excluded site's grey marker. map.png's names keep off
every site's mark; the layout's kept off the built and standing sites' marks only, so that the
shipped plan's sheet set "Dongchuan copper mining area" over the amber dot of the eligible
Dongchuan site, and a small lake's name stood over the red-line cross of the site inside it.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import (
    MARK_CLEARANCE_MM,
    label_box,
    layout_label_spots,
    plan_layout_extent,
    source_label_box,
)
from siting.deliver.styles import (
    UNNAMED_SITE_MM,
    WATER_LABEL_PT,
    LabelSpot,
    sites_style,
    unnamed_site_radius_mm,
)

#: A 20 x 20 km view; a lake of 300 x 300 m at its centre (a few mm on the sheet, under its name).
EXTENT = (490_000.0, 2_690_000.0, 510_000.0, 2_710_000.0)
CENTRE = shapely.Point(500_000, 2_700_000)
LAKE = shapely.box(499_850, 2_699_850, 500_150, 2_700_150)
#: A built site far from the lake, so that the layer has a pie and a name of its own.
BUILT = shapely.Point(493_000, 2_693_000)


def spot_box(point: tuple[float, float], spot: LabelSpot, size: tuple[float, float]
             ) -> tuple[float, float, float, float]:
    """The name's box on the sheet (mm, y down) of `spot` about `point`, as QGIS's "offset from
    point" placement sets it: its quadrant's corner or side `offset_mm` from the point."""
    dx, dy = spot.quadrant % 3 - 1, spot.quadrant // 3 - 1
    px, py = point[0] + spot.offset_mm[0], point[1] + spot.offset_mm[1]
    width, height = size
    x0 = px if dx > 0 else px - width if dx < 0 else px - width / 2
    y0 = py if dy > 0 else py - height if dy < 0 else py - height / 2
    return x0, y0, x0 + width, y0 + height


def sites_layer(status: str):
    return make_layer("sites", "Sites", gpd.GeoDataFrame(
        {"id": ["b", "s"], "name": ["Far park", "Lakeside park"], "status": ["built", status],
         "capex_yuan": [1e9, None], "added_lfp": [1.0, None]},
        geometry=[BUILT, CENTRE], crs="EPSG:32648").to_crs("EPSG:4326"),
        ["id", "name", "status", "capex_yuan", "added_lfp"])


def sheet_of(frame_mm, shown):
    mx, my, mw, _mh = frame_mm
    scale = mw / (shown[2] - shown[0])
    return lambda x, y: (mx + (x - shown[0]) * scale, my + (shown[3] - y) * scale)


@pytest.mark.parametrize("status", sorted(UNNAMED_SITE_MM))
def test_a_lake_s_name_keeps_off_the_mark_of_a_site_it_does_not_name(status: str):
    """The site's mark at the lake's centre: the lake's name, which would stand over that centre,
    stands clear of the mark (its reach and the clearance a name keeps from another's mark)."""
    sites = sites_layer(status)
    redline = make_layer("redline", "Red line", gpd.GeoDataFrame(
        {"id": ["lake"], "name": ["Test lake"], "category": ["lake"], "used": [True], "buffer_m": [100.0],
         "max_distance_m": [100.0]}, geometry=[LAKE], crs="EPSG:32648").to_crs("EPSG:4326"),
        ["id", "name", "category", "used", "buffer_m", "max_distance_m"])
    frame_mm, shown = plan_layout_extent(EXTENT)
    spots = layout_label_spots([sites, redline], sites_style(sites), "EPSG:32648", frame_mm, shown)
    assert "lake" in spots.lakes, spots.unnamed
    sheet = sheet_of(frame_mm, shown)
    centre = sheet(LAKE.centroid.x, LAKE.centroid.y)
    name = shapely.box(*spot_box(centre, spots.lakes["lake"], label_box(["Test lake"], WATER_LABEL_PT)))
    mark = shapely.Point(*sheet(CENTRE.x, CENTRE.y))
    assert name.distance(mark) >= unnamed_site_radius_mm(status) + MARK_CLEARANCE_MM - 1e-6


def test_a_source_s_name_keeps_off_an_eligible_site_s_dot():
    """An eligible site's amber dot 3 mm right of a source: the source's name, whose first place
    is right of its triangle, goes elsewhere and leaves the dot clear."""
    frame_mm, shown = plan_layout_extent(EXTENT)
    scale = (shown[2] - shown[0]) / frame_mm[2]  # metres a millimetre of the sheet
    source_at = shapely.Point(CENTRE.x - 3 * scale, CENTRE.y)
    sites = sites_layer("eligible_unused")
    sources = make_layer("sources", "Sources", gpd.GeoDataFrame(
        {"id": ["src"], "name": ["Copper mining area"], "resource": ["copper"], "status": ["producing"],
         "supply_t_per_yr": [1000.0], "in_model": [True]},
        geometry=[source_at], crs="EPSG:32648").to_crs("EPSG:4326"),
        ["id", "name", "resource", "status", "supply_t_per_yr", "in_model"])
    spots = layout_label_spots([sites, sources], sites_style(sites), "EPSG:32648", frame_mm, shown)
    assert "src" in spots.sources, spots.unnamed
    spot = spots.sources["src"]
    assert not spot.wrap_chars  # (one line: the box measured below)
    sheet = sheet_of(frame_mm, shown)
    name = shapely.box(*spot_box(sheet(source_at.x, source_at.y), spot, source_label_box("Copper mining area")))
    mark = shapely.Point(*sheet(CENTRE.x, CENTRE.y))
    assert name.distance(mark) >= unnamed_site_radius_mm("eligible_unused") + MARK_CLEARANCE_MM - 1e-6
