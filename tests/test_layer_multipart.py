"""The geometry of polygon sites: a site of parts far apart is named in a notice with its number
of parts and their greatest distance apart, edge to edge, in the working CRS (it is still planned
as one site); a site's footprint is measured on the ellipsoid, as a GIS measures it, and the
land the model uses is that footprint, not the working CRS's area. Geometry built in UTM 48N, so
that every distance is exact."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

from siting.prepare.layers import FAR_PARTS_KM, LayerSet
from siting.prepare.problem import load_checked
from siting.prepare.spatial import RedlineSettings, ellipsoidal_area_m2, preprocess
from tests.conftest import edit

# `folder` (a copy of the small scenario) and `edit` are in tests/conftest.py.

UTM = "EPSG:32648"
GEOD = pyproj.Geod(ellps="WGS84")


def square(x: float, y: float, side: float = 1_000.0) -> shapely.Polygon:
    """A square of `side` m whose south-west corner is (x, y), in UTM 48N."""
    return box(x, y, x + side, y + side)


def with_polygon_site(folder: Path, geometry: shapely.Geometry) -> None:
    """The small scenario's sites (in UTM 48N) plus site `parts` of `geometry`, as sites.gpkg."""
    sites = gpd.read_file(folder / "sites.geojson").to_crs(UTM)
    site = gpd.GeoDataFrame({"site_id": ["parts"], "name": ["Split park"], "usable_area_ha": [50.0],
                             "existing_lfp": [0.0], "land_price_yuan_per_ha": [1e6]}, geometry=[geometry], crs=UTM)
    pd.concat([sites, site], ignore_index=True).to_file(folder / "sites.gpkg")
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: sites.gpkg}")


def west_mine(folder: Path) -> tuple[float, float]:
    """A place 5 km east of the West mine park, inside the West cluster (UTM 48N)."""
    point = gpd.read_file(folder / "sites.geojson").to_crs(UTM).geometry.iloc[0]
    return point.x + 5_000.0, point.y


def far_notices(folder: Path) -> list[str]:
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    return [n for n in layers.notices if "MultiPolygon" in n]


def test_a_site_of_three_parts_5_km_apart_is_named_with_its_parts_and_their_distance(folder: Path):
    """Squares of 1 km at x = 0, 1.5 and 6 km: 0.5 km from the first to the second, 3.5 km from the
    second to the third, 5 km from the first to the third, the greatest. Before, no notice."""
    x, y = west_mine(folder)
    with_polygon_site(folder, MultiPolygon([square(x, y), square(x + 1_500, y), square(x + 6_000, y)]))
    assert far_notices(folder) == [
        "sites.gpkg: the 5th feature (site_id 'parts', name 'Split park') is a MultiPolygon of 3 parts, up to 5.0 km "
        "apart (edge to edge, in EPSG:32648): it is planned as one site, its land the parts' together, placed at one "
        "point in one of its parts for its cluster and its distances to sources, hubs and the gateway; if the parts "
        "are separate places, give each a site of its own"]


def test_parts_within_1_km_are_one_place_and_said_nothing_of(folder: Path):
    """Two plots 999 m apart (a road or a river between them): no notice; 1,001 m: named."""
    assert FAR_PARTS_KM == 1.0
    x, y = west_mine(folder)
    with_polygon_site(folder, MultiPolygon([square(x, y), square(x + 1_999, y)]))
    assert far_notices(folder) == []
    sites = gpd.read_file(folder / "sites.gpkg")
    sites.loc[sites["site_id"] == "parts", "geometry"] = MultiPolygon([square(x, y), square(x + 2_001, y)])
    sites.to_file(folder / "sites.gpkg")
    assert far_notices(folder) == [
        "sites.gpkg: the 5th feature (site_id 'parts', name 'Split park') is a MultiPolygon of 2 parts, up to 1.0 km "
        "apart (edge to edge, in EPSG:32648): it is planned as one site, its land the parts' together, placed at one "
        "point in one of its parts for its cluster and its distances to sources, hubs and the gateway; if the parts "
        "are separate places, give each a site of its own"]


def lonlat_site(polygon: shapely.Polygon) -> LayerSet:
    """One polygon site (usable area not given) in a cluster about it, in WGS84 lon/lat."""
    study = box(101.0, 23.5, 102.0, 24.5)
    return LayerSet(
        clusters=gpd.GeoDataFrame({"id": ["c"]}, geometry=[study], crs="EPSG:4326"),
        sites=gpd.GeoDataFrame({"id": ["s"], "usable_area_ha": [float("nan")]}, geometry=[polygon], crs="EPSG:4326"),
        redline=gpd.GeoDataFrame({"id": [], "category": []}, geometry=[], crs="EPSG:4326"),
        sources=gpd.GeoDataFrame({"id": [], "resource": [], "supply_t_per_yr": [], "status": []}, geometry=[],
                                 crs="EPSG:4326"),
        existing_columns={}, paths={"sites": Path("sites.geojson")})


def test_a_footprint_is_its_ellipsoidal_area_and_the_model_takes_it_as_its_land():
    """A 0.05 degree box at 101.40-101.45 E, 24.00-24.05 N, 3.6 degrees west of UTM 48N's central
    meridian: UTM stretches its area by its areal scale there, 1.00247 (0.25 %). The footprint is
    the geodesic area of the box as drawn (edges straight in lon/lat, densified to 0.01 degree),
    2,816.926 ha, and the model's land is that footprint, not the UTM area, 2,823.884 ha."""
    drawn = box(101.40, 24.00, 101.45, 24.05)
    result = preprocess(lonlat_site(drawn), ["p"], RedlineSettings(False, 0.0, None, {}), UTM, "error", 1.0)
    site = result.sites.set_index("id").loc["s"]
    geodesic_ha = abs(GEOD.geometry_area_perimeter(shapely.segmentize(drawn, 0.01))[0]) / 1e4
    assert round(geodesic_ha, 3) == 2816.926
    assert site["footprint_ha"] == pytest.approx(geodesic_ha, rel=1e-12)
    assert site["gross_land_ha"] == site["footprint_ha"]
    assert site["gross_land_ha"] == site["drawn_area_ha"]
    assert round(float(site["gross_land_ha"]), 3) == 2816.926
    working_ha = site.geometry.area / 1e4
    assert round(working_ha, 3) == 2823.884
    scale = pyproj.Proj(UTM).get_factors(101.425, 24.025).areal_scale
    assert working_ha / site["gross_land_ha"] == pytest.approx(scale, rel=1e-6)


def test_ellipsoidal_areas_of_points_and_holes():
    """A point has no area (NaN); a 2 km square with a 1 km hole, drawn in UTM near its central
    meridian (scale 0.9996, areas 0.9992), is 300 ha in UTM and 300 / 0.9992 = 300.24 ha on the
    ellipsoid, its hole subtracted whatever the rings' orientation."""
    outer, hole = square(500_000.0, 2_700_000.0, 2_000.0), square(500_500.0, 2_700_500.0, 1_000.0)
    holed = shapely.Polygon(outer.exterior.coords[::-1], [hole.exterior.coords])
    areas = ellipsoidal_area_m2([shapely.Point(500_000.0, 2_700_000.0), holed], UTM)
    assert shapely.area(holed) == 3_000_000.0
    assert pd.isna(areas[0])
    assert round(areas[1] / 1e4, 2) == 300.24
