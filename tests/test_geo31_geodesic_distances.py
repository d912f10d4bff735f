"""Road km between sites, sources, hubs and the gateway are measured on the ellipsoid (geodesic,
WGS84), times the detour factor, like every other distance the tool shows (hubs' distance from
their cluster, cells' names): not straight metres in the working CRS, whose scale error (UTM 48N:
+0.05 % at 102.1 E) moves a site across a proximity limit."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely

from models.families.proximity import too_far_pairs
from siting.prepare.problem import prepare
from siting.prepare.spatial import hub_distances, road_distance_km, road_km, to_working_crs

GEOD = pyproj.Geod(ellps="WGS84")
UTM48N = pyproj.CRS.from_user_input("EPSG:32648")
#: The small scenario's phosphate source rock_w (WGS84 lon, lat).
ROCK_W = (102.12, 24.62)


def projected(geometries: list[shapely.Geometry], ids: list[str], **columns) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame({"id": ids, **columns}, geometry=geometries, crs="EPSG:4326")
    return to_working_crs(frame, UTM48N)


def test_site_source_km_is_the_geodesic_distance_times_the_detour():
    lon, lat, _ = GEOD.fwd(*ROCK_W, 45.0, 49_980.0)
    sites = projected([shapely.Point(lon, lat)], ["s"])
    sources = projected([shapely.Point(*ROCK_W)], ["rock_w"])
    planar_m = shapely.distance(sites.geometry.iloc[0], sources.geometry.iloc[0])
    assert planar_m > 50_000.0  # UTM 48N stretches it over the limit
    km = road_distance_km(sites, sources, 1.3)
    assert float(km.at["s", "rock_w"]) == pytest.approx(49.980 * 1.3, abs=1e-6)


def test_hub_network_km_are_geodesic():
    hub_a, hub_b, gate, site = ROCK_W, (102.75, 24.75), (103.3, 25.2), (102.3, 24.7)
    hubs = projected([shapely.Point(*hub_a), shapely.Point(*hub_b)], ["A", "B"])
    sites = projected([shapely.Point(*site)], ["s1"], cluster=["A"])
    gateway = projected([shapely.Point(*gate)], ["g"]).geometry.iloc[0]
    site_km, pair_km, gate_km = hub_distances(sites, hubs, gateway, 1.5)

    def geodesic_km(a, b):
        return GEOD.inv(*a, *b)[2] / 1000.0

    assert site_km["s1"] == pytest.approx(1.5 * geodesic_km(site, hub_a), abs=1e-6)
    assert pair_km[("A", "B")] == pytest.approx(1.5 * geodesic_km(hub_a, hub_b), abs=1e-6)
    assert pair_km[("B", "A")] == pair_km[("A", "B")]
    assert gate_km == pytest.approx({"A": 1.5 * geodesic_km(hub_a, gate), "B": 1.5 * geodesic_km(hub_b, gate)},
                                    abs=1e-6)
    a, b = hubs.geometry.iloc[0], hubs.geometry.iloc[1]
    assert road_km(a, b, 1.5, UTM48N) == pytest.approx(1.5 * geodesic_km(hub_a, hub_b), abs=1e-6)


def test_a_site_49_98_km_from_its_only_source_is_within_a_50_km_limit(folder: Path):
    """The small scenario's phosphate limit is 50 km (detour 1.0); a site 49,980 m from rock_w on
    the ellipsoid (50,006 m in UTM 48N) may build the products needing phosphate."""
    path = folder / "sites.geojson"
    layer = json.loads(path.read_text())
    lon, lat, _ = GEOD.fwd(*ROCK_W, 45.0, 49_980.0)
    feature = json.loads(json.dumps(layer["features"][0]))
    feature["properties"].update({"site_id": "prox", "name": "49.98 km NE of rock_w"})
    feature["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    layer["features"].append(feature)
    path.write_text(json.dumps(layer))
    prepared = prepare(folder / "scenario.yaml", {})
    km = prepared.spatial.distance_km.at["prox", "rock_w"]
    assert km == pytest.approx(49.980, abs=1e-6)
    assert not {p for s, p in too_far_pairs(prepared.inputs) if s == "prox"}
