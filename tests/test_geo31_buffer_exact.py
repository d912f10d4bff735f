"""The red-line buffer: a point site is inside a zone's buffer when its distance to the red-line
polygon (working CRS metres) is at most the buffer, exactly, not when a polygon drawn about the
zone holds it; polygon land is cut by a buffer drawn finely enough that its outline lies within
1 m of the true one at 10 km."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely

from siting.prepare.spatial import BUFFER_QUAD_SEGS, RedlineSettings, buffered_zone, land_after_redline

UTM = "EPSG:32648"
ZONE = shapely.box(600_000.0, 2_700_000.0, 602_000.0, 2_702_000.0)
REDLINE = gpd.GeoDataFrame({"id": ["pond"], "category": ["lake"]}, geometry=[ZONE], crs=UTM)


def rule(buffer_m: float) -> RedlineSettings:
    return RedlineSettings(enabled=True, buffer_m=buffer_m, categories=None, setbacks_m={})


def corner_site(distance_m: float, degrees: float) -> shapely.Point:
    """A point `distance_m` from the zone's NE corner, at `degrees` from east (counter-clockwise)."""
    angle = math.radians(degrees)
    return shapely.Point(602_000.0 + distance_m * math.cos(angle), 2_702_000.0 + distance_m * math.sin(angle))


def test_a_point_site_inside_the_buffer_by_6_m_off_a_corner_is_excluded():
    """16 segments a quarter put the arc's chords 12 m inside the circle at 10 km; a site 9,994 m
    from the corner, between two arc vertices, was kept."""
    angles = np.linspace(0.0, 90.0, 181)
    inside = [corner_site(9_994.0, a) for a in angles]
    outside = [corner_site(10_000.5, a) for a in angles]
    ids = [f"in{i}" for i in range(len(inside))] + [f"out{i}" for i in range(len(outside))]
    sites = gpd.GeoDataFrame({"id": ids, "gross_land_ha": 10.0}, geometry=inside + outside, crs=UTM)
    land, _zones = land_after_redline(sites, REDLINE, ["lfp"], rule(10_000.0))
    excluded = dict(zip(land["site"], land["inside_redline"], strict=True))
    assert [s for s in ids[:len(inside)] if not excluded[s]] == []
    assert [s for s in ids[len(inside):] if excluded[s]] == []
    usable = dict(zip(land["site"], land["land_after_redline_ha"], strict=True))
    assert {usable[s] for s in ids[:len(inside)]} == {0.0}
    assert {usable[s] for s in ids[len(inside):]} == {10.0}


def test_a_point_site_at_the_buffer_distance_is_excluded_boundary_included():
    sites = gpd.GeoDataFrame({"id": ["edge"], "gross_land_ha": 10.0},
                             geometry=[shapely.Point(602_000.0 + 1_000.0, 2_701_000.0)], crs=UTM)
    land, _zones = land_after_redline(sites, REDLINE, ["lfp"], rule(1_000.0))
    assert land["inside_redline"].tolist() == [True]


def test_the_buffer_polygon_lies_within_1_m_of_the_true_buffer_at_10_km():
    zone = buffered_zone(REDLINE, {"lake": 10_000.0})
    exact_area = ZONE.area + 4 * 2_000.0 * 10_000.0 + math.pi * 10_000.0 ** 2
    # each arc's chords lie at most r (1 - cos(pi / 4n)) inside the circle
    assert 10_000.0 * (1 - math.cos(math.pi / (4 * BUFFER_QUAD_SEGS))) < 1.0
    assert exact_area - zone.area < 1.0 * 2 * math.pi * 10_000.0
    ring = shapely.get_coordinates(zone.exterior)
    distances = shapely.distance(ZONE, shapely.points(ring))
    assert np.all(np.abs(distances - 10_000.0) < 1e-6)  # vertices on the circle
    mids = shapely.points((ring[:-1] + ring[1:]) / 2.0)
    assert float(np.min(shapely.distance(ZONE, mids))) > 10_000.0 - 1.0


def test_a_polygon_site_off_a_corner_loses_the_land_inside_the_true_buffer():
    """A 20 m square site whose centre lies 9,994 m off the corner, between two vertices of the
    coarse arc: its land inside the true 10 km buffer (most of it) is not usable."""
    centre = corner_site(9_994.0, 45.0 + 90.0 / 32.0)  # midway between two vertices of 16 a quarter
    square = shapely.box(centre.x - 10.0, centre.y - 10.0, centre.x + 10.0, centre.y + 10.0)
    sites = gpd.GeoDataFrame({"id": ["sq"], "gross_land_ha": [0.04]}, geometry=[square], crs=UTM)
    land, _zones = land_after_redline(sites, REDLINE, ["lfp"], rule(10_000.0))
    true_outside = square.difference(shapely.buffer(ZONE, 10_000.0, quad_segs=4096)).area / square.area
    assert abs(float(land["land_after_redline_ha"].iloc[0]) / 0.04 - true_outside) < 0.06
