"""Spatial preprocessing on literal geometries with exact, hand-checkable facts.

Geometries are drawn directly in UTM zone 48N (EPSG:32648, metres) unless a test is about CRS
handling, so buffers, areas and distances can be stated exactly."""

from __future__ import annotations

import geopandas as gpd
import pyproj
import pytest
import shapely
from shapely.geometry import Point, box

from siting.config.errors import InputError
from siting.prepare.layers import LayerSet
from siting.prepare.spatial import RedlineSettings, land_after_redline, preprocess, working_crs_of
from tests.conftest import on_ellipsoid

UTM = "EPSG:32648"
# A point well inside Yunnan in UTM 48N (about 102.9 E, 25.0 N).
X0, Y0 = 800_000.0, 2_770_000.0



def layer_set(sites: list[tuple[str, shapely.Geometry, float | None]],
              redline: list[tuple[str, str, shapely.Geometry]] = (),
              sources: list[tuple[str, str, shapely.Geometry]] = (),
              clusters: list[tuple[str, shapely.Geometry]] | None = None,
              crs: str = UTM) -> LayerSet:
    if clusters is None:
        clusters = [("c", box(X0 - 50_000, Y0 - 50_000, X0 + 50_000, Y0 + 50_000))]
    return LayerSet(
        clusters=gpd.GeoDataFrame({"id": [c[0] for c in clusters]}, geometry=[c[1] for c in clusters], crs=crs),
        sites=gpd.GeoDataFrame({"id": [s[0] for s in sites], "usable_area_ha": [s[2] for s in sites]},
                               geometry=[s[1] for s in sites], crs=crs),
        redline=gpd.GeoDataFrame({"id": [r[0] for r in redline], "category": [r[1] for r in redline]},
                                 geometry=[r[2] for r in redline], crs=crs),
        sources=gpd.GeoDataFrame({"id": [k[0] for k in sources], "resource": [k[1] for k in sources],
                                  "supply_t_per_yr": [1.0] * len(sources), "status": ["producing"] * len(sources)},
                                 geometry=[k[2] for k in sources], crs=crs),
        existing_columns={},
    )


def rule(buffer_m: float = 0.0, setbacks: dict | None = None, enabled: bool = True) -> RedlineSettings:
    return RedlineSettings(enabled=enabled, buffer_m=buffer_m, categories=None, setbacks_m=setbacks or {})


def run(layers: LayerSet, redline: RedlineSettings, products=("p",), policy="error", detour=1.0):
    return preprocess(layers, list(products), redline, UTM, policy, detour)


def land_of(result, site: str, product: str = "p") -> float:
    row = result.land.loc[(result.land["site"] == site) & (result.land["product"] == product)]
    return float(row["land_after_redline_ha"].iloc[0])


def inside(result, site: str, product: str = "p") -> bool:
    row = result.land.loc[(result.land["site"] == site) & (result.land["product"] == product)]
    return bool(row["inside_redline"].iloc[0])


LAKE = box(X0, Y0, X0 + 2_000, Y0 + 2_000)  # 2 km x 2 km lake; its east edge is x = X0 + 2000


def test_point_site_excluded_only_when_buffer_reaches_it():
    """A point 500 m east of the lake's east edge: kept with a 400 m buffer, excluded with 600 m."""
    layers = layer_set([("near", Point(X0 + 2_500, Y0 + 1_000), 30.0)], redline=[("lake", "lake", LAKE)])
    kept = run(layers, rule(400))
    assert not inside(kept, "near")
    assert land_of(kept, "near") == 30.0
    excluded = run(layers, rule(600))
    assert inside(excluded, "near")
    assert land_of(excluded, "near") == 0.0


def test_point_on_buffer_edge_counts_as_inside():
    """Exactly 500 m from the edge with a 500 m buffer: the zone includes its boundary."""
    layers = layer_set([("edge", Point(X0 + 2_500, Y0 + 1_000), 30.0)], redline=[("lake", "lake", LAKE)])
    assert inside(run(layers, rule(500)), "edge")


def test_polygon_site_keeps_only_land_outside_buffered_zone():
    """Site 1000 m x 1000 m (100 ha in UTM) from x = X0+2000 to X0+3000; the lake (tall strip
    x <= X0+2000) buffered by 500 m reaches x = X0+2500, so half of the site stays: 50 ha of drawn
    area, on the ellipsoid 50 ha divided by the areal scale at the site's centre (49.927 ha).
    Declared usable area 80 ha scales by the same fraction: 40 ha."""
    strip = box(X0 - 5_000, Y0 - 20_000, X0 + 2_000, Y0 + 20_000)
    site = box(X0 + 2_000, Y0, X0 + 3_000, Y0 + 1_000)
    drawn = run(layer_set([("s", site, None)], redline=[("lake", "lake", strip)]), rule(500))
    assert land_of(drawn, "s") == pytest.approx(on_ellipsoid(50.0, site), rel=1e-7)
    assert not inside(drawn, "s")
    declared = run(layer_set([("s", site, 80.0)], redline=[("lake", "lake", strip)]), rule(500))
    assert land_of(declared, "s") == pytest.approx(40.0, rel=1e-12)


def test_polygon_site_fully_inside_zone_is_excluded():
    site = box(X0 + 500, Y0 + 500, X0 + 1_500, Y0 + 1_500)
    result = run(layer_set([("s", site, None)], redline=[("lake", "lake", LAKE)]), rule(0))
    assert inside(result, "s")
    assert land_of(result, "s") == 0.0


def test_redline_polygon_outside_every_cluster_still_reaches_in():
    """The cluster ends at x = X0; a reserve just outside it (x from X0+100) buffered by 1 km covers
    a site 300 m inside the cluster."""
    cluster = box(X0 - 10_000, Y0 - 10_000, X0, Y0 + 10_000)
    reserve = box(X0 + 100, Y0 - 1_000, X0 + 5_000, Y0 + 1_000)
    layers = layer_set([("s", Point(X0 - 300, Y0), 10.0)], redline=[("r", "nature_reserve", reserve)],
                       clusters=[("c", cluster)])
    assert inside(run(layers, rule(1_000)), "s")
    assert not inside(run(layers, rule(300)), "s")


def test_per_product_setbacks_by_category():
    """A chemical product gets a 5 km lake setback, an assembly product only the 1 km buffer: a site
    3 km from the lake is excluded for the first only; a reserve's setback stays at the buffer."""
    layers = layer_set([("s", Point(X0 + 5_000, Y0 + 1_000), 20.0)],
                       redline=[("lake", "lake", LAKE), ("res", "reserve", box(X0 + 40_000, Y0, X0 + 41_000,
                                                                              Y0 + 1_000))])
    result = run(layers, rule(1_000, {"chem": {"lake": 5_000}}), products=("chem", "cells"))
    assert inside(result, "s", "chem")
    assert not inside(result, "s", "cells")
    assert land_of(result, "s", "cells") == 20.0


def test_buffer_is_round_not_diamond():
    """A site diagonally off the lake's corner at distance 700 m (495 m in x and y) is outside a
    650 m buffer; a diamond-shaped buffer would include it only by its corners' error, a square
    one would include it wrongly."""
    offset = 700 / 2**0.5
    site = Point(X0 + 2_000 + offset, Y0 + 2_000 + offset)
    layers = layer_set([("s", site, 10.0)], redline=[("lake", "lake", LAKE)])
    assert not inside(run(layers, rule(650)), "s")
    assert inside(run(layers, rule(710)), "s")


def test_redline_rule_disabled_keeps_all_land():
    layers = layer_set([("s", Point(X0 + 1_000, Y0 + 1_000), 10.0)], redline=[("lake", "lake", LAKE)])
    result = run(layers, rule(500, enabled=False))
    assert not inside(result, "s")
    assert land_of(result, "s") == 10.0


def geodesic_km(a: Point, b: Point) -> float:
    """The km between two points of UTM 48N on the WGS84 ellipsoid."""
    lon, lat = pyproj.Transformer.from_crs(UTM, "EPSG:4326", always_xy=True).transform([a.x, b.x], [a.y, b.y])
    return pyproj.Geod(ellps="WGS84").inv(lon[0], lat[0], lon[1], lat[1])[2] / 1000.0


def test_road_distance_is_the_geodesic_times_detour():
    """Source 3 km east and 4 km north of the site in UTM 48N: 5 km there, 4.9964 km on the
    ellipsoid (UTM's scale is 1.0007 there), 6.4953 km with a 1.3 detour."""
    layers = layer_set([("s", Point(X0, Y0), 10.0)], sources=[("k", "phosphate_rock", Point(X0 + 3_000, Y0 + 4_000))])
    result = run(layers, rule(0), detour=1.3)
    expected = 1.3 * geodesic_km(Point(X0, Y0), Point(X0 + 3_000, Y0 + 4_000))
    assert expected == pytest.approx(6.5 / 1.00072, abs=1e-4)
    assert result.distance_km.loc["s", "k"] == pytest.approx(expected, abs=1e-9)


def test_layers_in_lon_lat_are_projected_before_measuring():
    """The same two points given in WGS84 lon/lat: the distance equals the one between the UTM
    points (both on the ellipsoid), and the polygon area is measured in m2 on the ellipsoid, not
    degrees."""
    utm_site, utm_source = Point(X0, Y0), Point(X0 + 3_000, Y0 + 4_000)
    to_lonlat = gpd.GeoSeries([utm_site, utm_source, LAKE.buffer(0)], crs=UTM).to_crs("EPSG:4326")
    cluster = gpd.GeoSeries([box(X0 - 50_000, Y0 - 50_000, X0 + 50_000, Y0 + 50_000)], crs=UTM).to_crs("EPSG:4326")
    layers = layer_set([("s", to_lonlat[0], 10.0), ("poly", to_lonlat[2], None)],
                       sources=[("k", "phosphate_rock", to_lonlat[1])], clusters=[("c", cluster[0])],
                       crs="EPSG:4326")
    result = run(layers, rule(0))
    assert result.distance_km.loc["s", "k"] == pytest.approx(geodesic_km(utm_site, utm_source), abs=1e-6)
    drawn = float(result.sites.set_index("id").at["poly", "gross_land_ha"])
    assert drawn == pytest.approx(on_ellipsoid(400.0, LAKE), rel=1e-6)  # 2 km x 2 km = 400 ha in UTM


def test_geographic_working_crs_is_rejected():
    with pytest.raises(InputError) as err:
        working_crs_of("EPSG:4326")
    assert str(err.value) == (
        "1 problem in the input:\n  - spatial.working_crs | must be a projected CRS in metres, such as EPSG:32648 "
        "(UTM zone 48N) for Yunnan, not a geographic one (got 'EPSG:4326')"
    )


def test_site_outside_every_cluster_is_named_or_dropped():
    layers = layer_set([("in", Point(X0, Y0), 10.0), ("out", Point(X0 + 90_000, Y0), 10.0)])
    with pytest.raises(InputError) as err:
        run(layers, rule(0))
    assert err.value.problems == [
        "sites: site 'out' | lies in no cluster polygon of clusters; move the site inside a cluster, extend a "
        "cluster polygon to cover it, remove it, or set spatial.sites_outside_clusters: drop to plan without it"
    ]
    dropped = run(layers, rule(0), policy="drop")
    assert dropped.dropped_sites == ("out",)
    assert list(dropped.sites["id"]) == ["in"]


def test_site_takes_first_cluster_covering_it():
    """Two clusters share the edge x = X0; a point on it joins the first cluster in layer order."""
    west = box(X0 - 10_000, Y0 - 10_000, X0, Y0 + 10_000)
    east = box(X0, Y0 - 10_000, X0 + 10_000, Y0 + 10_000)
    layers = layer_set([("edge", Point(X0, Y0), 10.0), ("e", Point(X0 + 5_000, Y0), 10.0)],
                       clusters=[("west", west), ("east", east)])
    result = run(layers, rule(0))
    assert dict(zip(result.sites["id"], result.sites["cluster"], strict=True)) == {"edge": "west", "e": "east"}


def test_zone_cache_shares_geometry_between_products_with_equal_setbacks():
    """Products with identical setbacks share one zone; the area of a 2 km square buffered by
    100 m is 2000^2 + 4*2000*100 + pi*100^2 (to the buffer's polygon approximation)."""
    sites = gpd.GeoDataFrame({"id": ["s"], "gross_land_ha": [1.0]}, geometry=[Point(X0 + 9_000, Y0)], crs=UTM)
    redline = gpd.GeoDataFrame({"id": ["lake"], "category": ["lake"]}, geometry=[LAKE], crs=UTM)
    _land, zones = land_after_redline(sites, redline, ["a", "b"], rule(100))
    assert len(zones) == 1
    expected = 2000**2 + 4 * 2000 * 100 + 3.141592653589793 * 100**2
    assert zones.geometry.iloc[0].area == pytest.approx(expected, rel=2e-3)
