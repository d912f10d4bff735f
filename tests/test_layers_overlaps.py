"""`zone_overlaps` measures all the built sites at once (each red-line polygon buffered once per
distance, each union of zones made once), with the figures of measuring them one by one.

The case, in UTM 48N metres from (X0, Y0): a lake from x = 0 to 1,000 m and a nature reserve
from x = 3,000 to 4,000 m, both from y = 0 to 1,000 m. Product p keeps the 100 m buffer from
both; product s has setbacks of 300 m from the lake and 500 m from the reserve. Sites span
y = 0 to 1,000 m too, so every zone edge they meet is straight (x = 1,100 and 2,900 m for p's
zone, x = 1,300 and 2,500 m for s's):

    site  x (m)         builds  p's zone    s's zone                        land after the red line, p and s
    a     1,050-1,450   p, s    50 m: 5 ha  250 m: 25 ha                    35 and 15 of 40 ha
    b     2,450-2,650   s       -           150 m from the reserve: 15 ha   20 and 5 of 20 ha
    c     1,200-2,600   p, s    -           100 m from each side: 20 ha     140 and 120 of 140 ha
    d     1,200-1,400   p       -           (reaches it; d builds no s)
    e     a point at x = 1,050 m, building s: not a polygon, never reported

The land given outside is the least over the products whose zone reaches in: a 15, b 5, c 120 ha.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from models import ModelInputs
from siting.deliver.layers import (
    ZoneOverlap,
    ZoneReach,
    box_pairs,
    near_pairs,
    redline_zones,
    zone_overlaps,
)
from siting.optimize.results import BUILD_COLUMNS, Plan
from siting.prepare.spatial import BUFFER_QUAD_SEGS, RedlineSettings, SpatialResult, land_after_redline

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_750_000.0
RULE = RedlineSettings(enabled=True, buffer_m=100.0, categories=None,
                       setbacks_m={"s": {"lake": 300.0, "nature_reserve": 500.0}})


def strip(x0: float, x1: float) -> shapely.Geometry:
    return shapely.box(X0 + x0, Y0, X0 + x1, Y0 + 1000)


SITES = {"a": strip(1050, 1450), "b": strip(2450, 2650), "c": strip(1200, 2600), "d": strip(1200, 1400),
         "e": shapely.Point(X0 + 1050, Y0 + 500)}


def case() -> tuple[SpatialResult, ModelInputs]:
    redline = gpd.GeoDataFrame({"id": ["lake", "reserve"], "category": ["lake", "nature_reserve"]},
                               geometry=[strip(0, 1000), strip(3000, 4000)], crs=UTM)
    gross = [shapely.area(g) / 1e4 if g.geom_type == "Polygon" else 1.0 for g in SITES.values()]
    sites = gpd.GeoDataFrame({"id": list(SITES), "cluster": ["k"] * len(SITES), "kind": ["park"] * len(SITES),
                              "gross_land_ha": gross}, geometry=list(SITES.values()), crs=UTM)
    land, zones = land_after_redline(sites, redline, ("p", "s"), RULE)
    empty = gpd.GeoDataFrame({"id": []}, geometry=[], crs=UTM)
    spatial = SpatialResult(sites=sites, clusters=empty, sources=empty, redline=redline, land=land,
                            distance_km=pd.DataFrame(), zones=zones, dropped_sites=(), working_crs=UTM,
                            existing_columns={})
    inputs = ModelInputs(YEARS=(2030,), SITES=tuple(SITES), CLUSTERS=("k",), PRODUCTS=("p", "s"), MODULES=(),
                         CANDIDATES=(), cluster_of_site=dict.fromkeys(SITES, "k"), site_land_ha={},
                         land_after_redline_ha={}, enabled_families=frozenset({"redline"}))
    return spatial, inputs


def plan_of(builds: list[tuple[str, str]]) -> Plan:
    rows = [(s, "k", p, 2030, f"{p}1", 1, 10.0, 1.0) for s, p in builds]
    return Plan(pd.DataFrame(rows, columns=BUILD_COLUMNS), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(),
                pd.DataFrame(), tuple(dict.fromkeys(s for s, _p in builds)))


def test_each_built_site_reports_the_zones_of_what_it_builds():
    """The table of the module docstring: a is in both zones (its products in catalog order, the
    categories zone by zone in the order hit, the area inside their union: s's 25 ha, which holds
    p's 5), b and c in s's only (c reached from both sides); d and e are not reported."""
    spatial, inputs = case()
    zones = redline_zones(spatial, inputs.PRODUCTS, RULE)
    assert [(z.id, z.products) for z in zones] == [("buffer", ("p",)), ("setback_1", ("s",))]
    plan = plan_of([("c", "s"), ("a", "s"), ("b", "s"), ("a", "p"), ("c", "p"), ("d", "p"), ("e", "s")])
    assert zone_overlaps(spatial, inputs, plan, zones) == {
        "a": ZoneOverlap("p, s", "lake 100 m, lake 300 m", 25.0, 15.0),
        "b": ZoneOverlap("s", "nature_reserve 500 m", 15.0, 5.0),
        "c": ZoneOverlap("s", "lake 300 m, nature_reserve 500 m", 20.0, 120.0),
    }


def test_no_built_site_no_overlap():
    """A site adding no capacity is not reported, nor anything without zones."""
    spatial, inputs = case()
    zones = redline_zones(spatial, inputs.PRODUCTS, RULE)
    plan = plan_of([("a", "s")])
    plan.builds["capacity_added"] = 0.0
    assert zone_overlaps(spatial, inputs, plan, zones) == {}
    assert zone_overlaps(spatial, inputs, plan_of([("a", "s")]), []) == {}


def test_pairs_within_a_distance_include_the_boundary():
    """Points at 3, 4 and 7 m (and 10.8 and 90 m): within 5 m the first two; within 7 m also the
    third, exactly at the distance, whose grown box only touches the other's."""
    first = np.array([shapely.Point(0, 0), shapely.Point(10, 0)], dtype=object)
    second = np.array([shapely.Point(3, 0), shapely.Point(0, 4), shapely.Point(100, 0)], dtype=object)
    assert [a.tolist() for a in near_pairs(first, second, 5.0)] == [[0, 0], [0, 1]]
    assert [a.tolist() for a in near_pairs(first, second, 7.0)] == [[0, 0, 1], [0, 1, 0]]
    assert [a.tolist() for a in box_pairs(first, second, 7.0)] == [[0, 0, 1], [0, 1, 0]]
    assert [a.tolist() for a in near_pairs(first, second[:0], 7.0)] == [[], []]


def test_zone_reach_is_the_union_of_the_near_polygons_buffered_site_by_site():
    """On a grid of 1 x 1 km squares over both red-line polygons, at 100, 300, 500 and 2,500 m:
    the same answer as buffering and unioning, for each site, the polygons of the category
    within the distance of it."""
    spatial, _inputs = case()
    grid = np.array([shapely.box(X0 + x, Y0 + y, X0 + x + 900, Y0 + y + 900)
                     for x in range(-2000, 6000, 700) for y in range(-2000, 3000, 700)], dtype=object)
    reach = ZoneReach(spatial.redline)
    redline = spatial.redline
    for category in ("lake", "nature_reserve", "wetland"):
        geoms = redline.loc[redline["category"] == category].geometry.to_numpy()
        for distance in (100.0, 300.0, 500.0, 2500.0):
            expected = []
            for site in grid:
                near = geoms[shapely.dwithin(geoms, site, distance)] if len(geoms) else geoms
                buffered = shapely.union_all(shapely.buffer(near, distance, quad_segs=BUFFER_QUAD_SEGS))
                expected.append(bool(len(near)) and shapely.area(shapely.intersection(buffered, site)) >= 1.0)
            found = reach.reaches(grid, category, distance)
            assert found.tolist() == expected, (category, distance)
            assert found.sum() > 0 or category == "wetland"
