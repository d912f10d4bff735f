"""A site that stands on a raw-material source is 0 km from it: exactly 0 in the distances, the
plan's flows and the outputs, and the flow is carried by the site (`on_site_sources`), not drawn
as a line.

The case that gave a few centimetres instead: a polygon site drawn about the source's point (the
shipped Caopu area about the Anning refinery's petroleum coke). The distance is measured from the
site's point on surface in the working CRS, and the outline, densified in lon/lat and projected,
puts that point about 15 cm off the projected source: 0.15 m x detour 1.3 = 2e-4 km, where the
shipped run showed 2.4e-05 km for Caopu."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely

from siting.deliver.layers import plan_layers
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import prepare, redline_settings
from siting.prepare.spatial import road_distance_km, road_km, to_working_crs

UTM48N = pyproj.CRS.from_user_input("EPSG:32648")
#: The small scenario's phosphate source rock_w (WGS84 lon, lat).
ROCK_W = (102.12, 24.62)


def square_about(lon: float, lat: float, half_deg: float = 0.02) -> shapely.Polygon:
    """A lon/lat square of 2 x `half_deg` degrees centred on (lon, lat) (about 4 km a side)."""
    return shapely.box(lon - half_deg, lat - half_deg, lon + half_deg, lat + half_deg)


def projected(geometries: list[shapely.Geometry], ids: list[str]) -> gpd.GeoDataFrame:
    return to_working_crs(gpd.GeoDataFrame({"id": ids}, geometry=geometries, crs="EPSG:4326"), UTM48N)


def test_a_polygon_site_drawn_about_its_source_is_0_km_from_it():
    """The square's point on surface lies between 0.1 and 1 m from the projected source (not on
    it), yet the distance is exactly 0; a source 0.0001 degree (about 11 m) east is 11 m x 1.3
    away, as measured on the ellipsoid."""
    sites = projected([square_about(*ROCK_W)], ["s"])
    sources = projected([shapely.Point(*ROCK_W), shapely.Point(ROCK_W[0] + 1e-4, ROCK_W[1])], ["at", "east"])
    off_m = shapely.distance(shapely.point_on_surface(sites.geometry.iloc[0]), sources.geometry.iloc[0])
    assert 0.1 < off_m < 1.0
    km = road_distance_km(sites, sources, 1.3)
    assert float(km.at["s", "at"]) == 0.0
    east_m = shapely.distance(shapely.point_on_surface(sites.geometry.iloc[0]), sources.geometry.iloc[1])
    assert 10.0 < east_m < 12.0
    to_lonlat = pyproj.Transformer.from_crs(UTM48N, "EPSG:4326", always_xy=True)
    site = to_lonlat.transform(*shapely.get_coordinates(shapely.point_on_surface(sites.geometry.iloc[0]))[0])
    east = to_lonlat.transform(*shapely.get_coordinates(sources.geometry.iloc[1])[0])
    geodesic_m = pyproj.Geod(ellps="WGS84").inv(*site, *east)[2]
    assert float(km.at["s", "east"]) == pytest.approx(geodesic_m / 1000.0 * 1.3, abs=1e-12)


def test_two_points_under_a_metre_apart_are_0_km_apart():
    """Road km (hub network): 0.5 m apart is the same place, 2 m apart is 2 m x 1.5 (on the
    ellipsoid: UTM's scale on its central meridian is 0.9996)."""
    origin = shapely.Point(500_000.0, 2_700_000.0)
    assert road_km(origin, shapely.Point(500_000.5, 2_700_000.0), 1.5, UTM48N) == 0.0
    assert road_km(origin, shapely.Point(500_002.0, 2_700_000.0), 1.5, UTM48N) == pytest.approx(
        0.002 / 0.9996 * 1.5, rel=1e-6)


def test_the_plan_and_its_layers_put_a_site_on_its_source_at_0_km(folder: Path):
    """The small scenario with w_mine drawn as the square about rock_w (its phosphate source):
    the plan's flow from rock_w to w_mine is 0 km, flows.geojson has no line for it, and the
    sites layer carries it (`on_site_sources`, `on_site_t_<year>` = the flow's tonnes)."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        if feature["properties"]["site_id"] == "w_mine":
            feature["geometry"] = shapely.geometry.mapping(square_about(*ROCK_W))
    path.write_text(json.dumps(data))
    prepared = prepare(folder / "scenario.yaml", {})
    assert float(prepared.spatial.distance_km.at["w_mine", "rock_w"]) == 0.0
    plan = solve_prepared(prepared, solver_settings(prepared.loaded), {}).plan
    mine = plan.flows.loc[(plan.flows["source"] == "rock_w") & (plan.flows["site"] == "w_mine")]
    assert len(mine) and (mine["tonnes"] > 0).any()
    assert mine["km"].tolist() == [0.0] * len(mine)
    layers = {layer.name: layer for layer in plan_layers(prepared.layers, prepared.spatial, prepared.inputs, plan,
                                                         redline_settings(prepared.loaded))}
    assert "rock_w->w_mine" not in set(layers["flows"].frame["id"])
    site = layers["sites"].frame.set_index("id").loc["w_mine"]
    assert site["on_site_sources"] == "rock_w"
    for year, tonnes in mine.groupby("year")["tonnes"].sum().items():
        assert site[f"on_site_t_{year}"] == tonnes
