"""Areas as a GIS measures them (`siting.prepare.layers.area_m2`): on the ellipsoid, with geodesic
edges, for a geographic CRS; the shoelace area in the CRS's unit, converted to m2, for a projected
one. Holes are subtracted whatever their orientation, parts are added, and what is not a polygon
has no area. The areas of many geometries are measured at once, with the same floats as a
ring-by-ring loop over them gives.

WGS84: a = 6,378,137 m, f = 1 / 298.257223563, e2 = f (2 - f), b = a (1 - f)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, box

from siting.prepare.layers import area_m2
from siting.prepare.spatial import ellipsoidal_area_m2

WGS84 = pyproj.CRS("EPSG:4326")
#: WGS84 as PROJ gives it for EPSG:4326 (its f from b: 1 / 298.257223563 within 1e-14), which `area_m2` uses.
GEOD = WGS84.get_geod()
UTM = "EPSG:32648"


def ring_m2(ring: shapely.LinearRing) -> float:
    """One ring's geodesic area on WGS84 (m2), by pyproj directly."""
    x, y = shapely.get_coordinates(ring).T
    return abs(GEOD.polygon_area_perimeter(x, y)[0])


def looped_m2(geometry: shapely.Geometry | None) -> float:
    """A geometry's area (m2) ring by ring: exterior less holes, summed over its polygons."""
    return sum(ring_m2(part.exterior) - sum(ring_m2(hole) for hole in part.interiors)
               for part in shapely.get_parts(geometry) if part.geom_type == "Polygon")


def quadrangle_m2(south_deg: float, north_deg: float, width_deg: float) -> float:
    """The area (m2) between two parallels and two meridians on WGS84, from the authalic
    function q(phi) = sin(phi) / (1 - e2 sin2(phi)) + ln((1 + e sin(phi)) / (1 - e sin(phi))) / (2 e):
    width (rad) x b2 / 2 x (q(north) - q(south))."""
    a, f = 6_378_137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e, b = math.sqrt(e2), a * (1 - f)

    def q(phi_deg: float) -> float:
        s = math.sin(math.radians(phi_deg))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return math.radians(width_deg) * b * b / 2 * (q(north_deg) - q(south_deg))


def test_a_one_degree_cell_at_the_equator():
    """0-1 E, 0-1 N. Between the equator and 1 N and 1 degree wide, WGS84 holds 12,308,463,894 m2
    (`quadrangle_m2`). Drawn with its four corners, the cell's north edge is a geodesic, which
    bows north of the parallel by about L2 tan(phi) / (8 R) = 4.2 m over its L = 111.3 km (R =
    6,371 km) and adds about L3 tan(phi) / (12 R) = 314,810 m2: the geodesic cell is
    12,308,778,361 m2, 314,467 m2 more. Densified to 0.001 degree, the north edge is 1,000
    geodesics, whose bows add 1,000 x (L / 1,000)3 tan(phi) / (12 R), a millionth of that: the
    area is the quadrangle's within 1 m2 (0.31 m2)."""
    quadrangle = quadrangle_m2(0.0, 1.0, 1.0)
    assert round(quadrangle) == 12_308_463_894
    corners, dense = area_m2(np.array([box(0, 0, 1, 1), shapely.segmentize(box(0, 0, 1, 1), 0.001)]), WGS84)
    assert round(corners) == 12_308_778_361
    north_edge_m = GEOD.inv(0.0, 1.0, 1.0, 1.0)[2]
    bow = north_edge_m ** 3 * math.tan(math.radians(1.0)) / (12 * 6_371_008.8)
    assert round(north_edge_m) == 111_303
    assert corners - quadrangle == pytest.approx(bow, rel=2e-3)
    assert 0.0 < dense - quadrangle < 1.0


def test_holes_are_subtracted_whatever_their_orientation():
    """A 1 degree square at 100-101 E, 20-21 N (11,548.6 km2) with two holes, one of 0.2 degree
    drawn counter-clockwise as the exterior is (462.5 km2) and one of 0.1 degree drawn clockwise
    (115.4 km2): its area is the exterior's less both holes', 10,970.6 km2, each hole's as large
    as the hole drawn as a polygon of its own."""
    outer = box(100.0, 20.0, 101.0, 21.0)
    hole_ccw = box(100.2, 20.2, 100.4, 20.4).exterior
    hole_cw = LineString(box(100.5, 20.5, 100.6, 20.6).exterior.coords[::-1])
    assert hole_ccw.is_ccw and not shapely.LinearRing(hole_cw).is_ccw
    holed = Polygon(outer.exterior.coords, [hole_ccw.coords, hole_cw.coords])
    measured, one, two = area_m2(np.array([holed, Polygon(hole_ccw), Polygon(hole_cw.coords)]), WGS84)
    assert measured == ring_m2(outer.exterior) - (ring_m2(hole_ccw) + ring_m2(shapely.LinearRing(hole_cw)))
    assert measured == pytest.approx(area_m2(np.array([outer]), WGS84)[0] - one - two, rel=1e-15)
    assert (round(measured / 1e6, 1), round(one / 1e6, 1), round(two / 1e6, 1)) == (10_970.6, 462.5, 115.4)


def test_parts_are_added_and_what_is_not_a_polygon_has_no_area():
    """A multipolygon is the sum of its two squares; a collection of a square, a point and a line
    is the square's area; a point, a line, None, an empty polygon and an empty multipolygon have
    none; no geometry gives no area."""
    first, second = box(100.0, 20.0, 100.5, 20.5), box(102.0, 25.0, 102.2, 25.1)
    geometries = np.array([MultiPolygon([first, second]), first, second,
                           GeometryCollection([second, Point(101.0, 21.0), LineString([(0, 0), (1, 1)])]),
                           Point(100.0, 20.0), LineString([(100.0, 20.0), (101.0, 21.0)]), None, Polygon(),
                           MultiPolygon()], dtype=object)
    both, one, two, collection, *nothing = area_m2(geometries, WGS84)
    assert both == one + two
    assert collection == two
    assert nothing == [0.0] * 5
    assert area_m2(np.array([], dtype=object), WGS84).shape == (0,)


def test_many_cells_measure_as_a_loop_over_them():
    """A grid of 40 x 40 cells of 170 m in UTM 48N (x from 300 km, y from 2,800 km), taken to
    lon/lat: every 7th with a 40 m hole, every 11th joined to a 30 m square 10 m off its corner (a
    multipolygon), every 13th a point. Each area is the same float as `looped_m2` gives, and a
    whole cell is 2.89 ha on the ellipsoid: 170 m x 170 m over UTM's areal scale there (0.9997
    at 200 km from the central meridian, 1.0003 the other way round)."""
    x, y = np.meshgrid(300_000.0 + 170.0 * np.arange(40), 2_800_000.0 + 170.0 * np.arange(40))
    x, y = x.ravel(), y.ravel()
    cells = shapely.box(x, y, x + 170.0, y + 170.0)
    cells[::7] = shapely.difference(cells[::7], shapely.box(x[::7] + 60, y[::7] + 60, x[::7] + 100, y[::7] + 100))
    cells[::11] = shapely.union(cells[::11], shapely.box(x[::11] + 180, y[::11] + 180, x[::11] + 210, y[::11] + 210))
    cells[::13] = shapely.points(x[::13], y[::13])
    lonlat = gpd.GeoSeries(cells, crs=UTM).to_crs(WGS84).to_numpy()
    measured = area_m2(lonlat, WGS84)
    assert set(shapely.get_type_id(lonlat)) == {0, 3, 6}
    assert measured.tolist() == [looped_m2(g) for g in lonlat]
    whole = [i for i in range(len(cells)) if i % 7 and i % 11 and i % 13]
    assert {round(v / 1e4, 2) for v in measured[whole]} == {2.89}


def test_a_projected_crs_measures_in_its_unit_converted_to_m2():
    """A 1,000 ft square: 1,000,000 ft2, 92,903.41161 m2 in US survey feet (0.3048006096 m,
    California zone 5, EPSG:2229) and 92,903.04 m2 in international feet (0.3048 m, South
    Carolina, EPSG:3361); a 1 km square in UTM 48N is 1,000,000 m2."""
    square = np.array([box(6_000_000.0, 1_800_000.0, 6_001_000.0, 1_801_000.0)])
    assert round(float(area_m2(square, pyproj.CRS("EPSG:2229"))[0]), 5) == 92_903.41161
    assert round(float(area_m2(square, pyproj.CRS("EPSG:3361"))[0]), 5) == 92_903.04
    assert area_m2(np.array([box(500_000.0, 2_700_000.0, 501_000.0, 2_701_000.0)]), pyproj.CRS(UTM))[0] == 1e6


def test_no_area_without_a_projected_or_geographic_crs():
    """None without a CRS, and for a geocentric one (EPSG:4978, x, y, z in metres)."""
    assert area_m2(np.array([box(0, 0, 1, 1)]), None) is None
    assert area_m2(np.array([box(0, 0, 1, 1)]), pyproj.CRS("EPSG:4978")) is None


def test_ellipsoidal_areas_are_the_lonlat_areas_of_the_working_crs_geometries():
    """In UTM 48N: a 1 km square at its central meridian (scale 0.9996, areas 0.9992) is 1,000,000
    / 0.9992 = 1,000,800.5 m2 on the ellipsoid, the geodesic area of its corners in lon/lat; a
    point, a line, None and an empty polygon have none (NaN)."""
    square = box(500_000.0, 2_700_000.0, 501_000.0, 2_701_000.0)
    areas = ellipsoidal_area_m2(np.array([square, Point(500_000.0, 2_700_000.0),
                                          LineString([(500_000.0, 2_700_000.0), (501_000.0, 2_700_000.0)]),
                                          None, Polygon()], dtype=object), UTM)
    lonlat = gpd.GeoSeries([square], crs=UTM).to_crs(WGS84).iloc[0]
    assert areas[0] == looped_m2(lonlat)
    assert round(float(areas[0]), 1) == round(1e6 / 0.9996 ** 2, 1) == 1_000_800.5
    assert np.isnan(areas[1:]).all()
