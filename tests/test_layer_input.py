"""Layer input and geometry: every layer kind the tool must load, refuse or measure right.

Geometric facts are exact or bounded by hand: a lon/lat edge projected without densifying
is off its true line by about 23 m at the middle of a 0.4 degree edge in Yunnan (UTM 48N), and
by 144 m for a 1 degree edge; densified to 0.01 degree it is off by under 2 cm. Error messages
are matched whole."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.deliver.layer import make_layer
from siting.prepare.layers import LayerSet, load_layers, text_values
from siting.prepare.spatial import RedlineSettings, preprocess, redline_projection_problems
from tests.conftest import MadeRun, run_bad, run_once

DATA = Path(__file__).parent / "data" / "small"
WGS84 = "EPSG:4326"
UTM = "EPSG:32648"
GEOD = pyproj.Geod(ellps="WGS84")


# --- fixtures and shared functions -----------------------------------------------------------


# `folder` (a copy of the small scenario) and `run_bad` are in tests/conftest.py.


def solve_ok(folder: Path, capsys) -> Path:
    out = folder / "out"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def edit_features(path: Path, change) -> None:
    """Apply `change(feature)` to every feature of a GeoJSON file."""
    data = json.loads(path.read_text())
    for feature in data["features"]:
        change(feature)
    path.write_text(json.dumps(data))


def strict_json(path: Path) -> dict:
    def reject(token: str) -> None:
        raise ValueError(f"{path.name}: non-standard JSON token {token}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=reject)


def features(path: Path) -> dict[str, dict]:
    return {f["id"]: f for f in strict_json(path)["features"]}


def lonlat_layers(sites: list[tuple[str, shapely.Geometry]], clusters: list[tuple[str, shapely.Geometry]],
                  redline: list[tuple[str, str, shapely.Geometry]] = (), crs: str = WGS84) -> LayerSet:
    return LayerSet(
        clusters=gpd.GeoDataFrame({"id": [c[0] for c in clusters]}, geometry=[c[1] for c in clusters], crs=crs),
        sites=gpd.GeoDataFrame({"id": [s[0] for s in sites], "usable_area_ha": [10.0] * len(sites)},
                               geometry=[s[1] for s in sites], crs=crs),
        redline=gpd.GeoDataFrame({"id": [r[0] for r in redline], "category": [r[1] for r in redline]},
                                 geometry=[r[2] for r in redline], crs=crs),
        sources=gpd.GeoDataFrame({"id": [], "resource": [], "supply_t_per_yr": [], "status": []},
                                 geometry=[], crs=crs),
        existing_columns={},
        paths={"sites": Path("sites.geojson"), "clusters": Path("clusters.geojson")},
    )


def buffer_rule(buffer_m: float) -> RedlineSettings:
    return RedlineSettings(enabled=True, buffer_m=buffer_m, categories=None, setbacks_m={})


def offset(lon: float, lat: float, azimuth: float, metres: float) -> Point:
    """The point `metres` (geodesic) from (lon, lat) towards `azimuth` degrees."""
    x, y, _back = GEOD.fwd(lon, lat, azimuth, metres)
    return Point(x, y)


# --- 4. lon/lat edges are straight in lon/lat -------------------------------------------------

RESERVE = box(102.05, 24.60, 102.45, 24.75)  # a red-line box drawn in lon/lat, 0.4 degree wide
STUDY = box(101.5, 24.0, 103.0, 25.5)


def test_redline_box_drawn_in_lonlat_buffers_from_its_true_edges():
    """1000 m buffer: a site 990 m south of the south edge's middle is excluded, one 1010 m north
    of the north edge's middle is not (vertex-by-vertex projection had it the other way round,
    the edges 23 m off). The projected south edge passes within 2 cm of its true middle."""
    layers = lonlat_layers([("south_990m", offset(102.25, 24.60, 180, 990)),
                            ("north_1010m", offset(102.25, 24.75, 0, 1010))],
                           [("c", STUDY)], [("res", "nature_reserve", RESERVE)])
    result = preprocess(layers, ["p"], buffer_rule(1000), UTM, "error", 1.0)
    inside = dict(zip(result.land["site"], result.land["inside_redline"], strict=True))
    assert inside == {"south_990m": True, "north_1010m": False}
    middle = gpd.GeoSeries([Point(102.25, 24.60)], crs=WGS84).to_crs(UTM).iloc[0]
    assert result.redline.geometry.iloc[0].boundary.distance(middle) < 0.02


def test_site_11_m_inside_a_lonlat_cluster_edge_belongs_to_it():
    """A cluster box 1 degree wide drawn in lon/lat: sites 11 m inside the middle of its south and
    west edges, one on the south edge and one 0.5 m outside it join it; 5 m outside is outside."""
    cluster = box(102.0, 24.5, 103.0, 25.5)
    sites = [("south_11m", offset(102.5, 24.5, 0, 11)), ("west_11m", offset(102.0, 25.0, 90, 11)),
             ("on_edge", Point(102.5, 24.5)), ("out_half_m", offset(102.5, 24.5, 180, 0.5)),
             ("out_5m", offset(102.5, 24.5, 180, 5))]
    result = preprocess(lonlat_layers(sites, [("c", cluster)]), ["p"], buffer_rule(0), UTM, "drop", 1.0)
    assert dict(zip(result.sites["id"], result.sites["cluster"], strict=True)) == {
        "south_11m": "c", "west_11m": "c", "on_edge": "c", "out_half_m": "c"}
    assert result.dropped_sites == ("out_5m",)


def test_site_inside_two_overlapping_clusters_is_an_error_naming_both():
    west, east = box(102.0, 24.5, 102.6, 25.0), box(102.4, 24.5, 103.0, 25.0)
    layers = lonlat_layers([("shared", Point(102.5, 24.7)), ("alone", Point(102.8, 24.7))],
                           [("west", west), ("east", east)])
    with pytest.raises(InputError) as err:
        preprocess(layers, ["p"], buffer_rule(0), UTM, "error", 1.0)
    assert err.value.problems == [
        "clusters.geojson: clusters 'west' and 'east' | overlap: site shared of sites.geojson lies inside both; "
        "clusters must not overlap: correct the cluster polygons so that each site lies in one"]


def test_clusters_overlapping_under_several_sites_are_one_problem_of_the_clusters_file():
    """The fault is in the clusters layer: before, each site inside the overlap was a problem of
    its own, naming sites.geojson (six such lines for one overlap of the shipped clusters)."""
    west, east = box(102.0, 24.5, 102.6, 25.0), box(102.4, 24.5, 103.0, 25.0)
    layers = lonlat_layers([("a", Point(102.5, 24.7)), ("alone", Point(102.8, 24.7)), ("b", Point(102.45, 24.8))],
                           [("west", west), ("east", east)])
    with pytest.raises(InputError) as err:
        preprocess(layers, ["p"], buffer_rule(0), UTM, "error", 1.0)
    assert err.value.problems == [
        "clusters.geojson: clusters 'west' and 'east' | overlap: sites a, b of sites.geojson lie inside both; "
        "clusters must not overlap: correct the cluster polygons so that each site lies in one"]


def test_lonlat_polygon_site_area_is_measured_along_its_true_edges():
    """A lon/lat box site 0.5 x 0.2 degree: its area in UTM 48N after densifying equals the
    geodesic area within the UTM scale error (0.06 % here, squared for areas: 0.12 %)."""
    site = box(102.2, 24.7, 102.7, 24.9)
    result = preprocess(lonlat_layers([("s", site)], [("c", STUDY)]), ["p"], buffer_rule(0), UTM, "error", 1.0)
    geodesic_ha = abs(GEOD.geometry_area_perimeter(site)[0]) / 1e4
    drawn_ha = float(result.sites["drawn_area_ha"].iloc[0])
    assert drawn_ha == pytest.approx(geodesic_ha, rel=2e-3)
    assert len(shapely.get_coordinates(result.sites.geometry.iloc[0])) > 100  # densified edges


# --- 4. the working CRS must measure truly ----------------------------------------------------


def test_web_mercator_working_crs_is_refused():
    """EPSG:3857 stretches lengths by 1/cos(lat): 10.8 % at 25.5 N, the study area's north edge."""
    layers = lonlat_layers([("s", Point(102.5, 24.7))], [("c", STUDY)])
    with pytest.raises(InputError) as err:
        preprocess(layers, ["p"], buffer_rule(0), "EPSG:3857", "error", 1.0)
    assert err.value.problems == [
        "spatial.working_crs | EPSG:3857 does not measure lengths truly over the study area (101.50 to 103.00 E, "
        "24.00 to 25.50 N): its scale error there reaches 10.8%, more than 0.5%, and every buffer, area and "
        "distance would be off by as much; use a CRS made for the area, such as EPSG:32648 (UTM zone 48N)"]


def test_a_working_crs_stretched_by_one_misplaced_site_names_the_site():
    """A site typed at 70 W, 30 S (a sign and a digit off) stretches the study area's box to span
    the globe, where UTM 48N cannot measure: the message names that site as the likely cause,
    since without it the CRS would measure truly over the others (the cluster and the other site,
    101.5 to 103.0 E, 24.0 to 25.5 N)."""
    layers = lonlat_layers([("s", Point(102.5, 24.7)), ("far", Point(-70.0, -30.0))], [("c", STUDY)])
    with pytest.raises(InputError) as err:
        preprocess(layers, ["p"], buffer_rule(0), UTM, "drop", 1.0)
    assert err.value.problems == [
        "spatial.working_crs | EPSG:32648 does not measure lengths truly over the study area (-70.00 to 103.00 E, "
        "-30.00 to 25.50 N): its scale error there reaches unbounded, more than 0.5%, and every buffer, area and "
        "distance would be off by as much; use a CRS made for the area, such as EPSG:32733 (UTM zone 33S); "
        "the study area reaches that far for sites.geojson: the 2nd feature (id 'far') at -70.00 E, -30.00 N, "
        "without which EPSG:32648 would measure truly over the other features: if it is misplaced, correct its "
        "coordinates"]


def test_a_redline_polygon_the_working_crs_folds_is_refused():
    """A red-line box drawn round the whole globe (179 W to 179 E, 89 S to 89 N) holds the site,
    but UTM 48N cannot project the points 90 degrees from its central meridian, 105 E, and folds
    those beyond: the box's image no longer holds the site, which was planned as if no red line
    stood there. A box from 100 W to 180 E, 60 S to 80 N, which UTM 48N stretches up to 3.28
    times where it samples it, is refused too. China's box (73 to 135 E, 18 to 54 N), stretched
    by at most 1.2, still excludes the site."""
    site = [("s", Point(102.5, 24.7))]
    for drawn, why in (
            ((-179.0, -89.0, 179.0, 89.0), "over its extent (-179.00 to 179.00 E, -89.00 to 89.00 N) EPSG:32648 "
                                           "cannot project every point"),
            ((-100.0, -60.0, 180.0, 80.0), "over its extent (-100.00 to 180.00 E, -60.00 to 80.00 N) EPSG:32648 "
                                           "stretches lengths up to 3.28 times")):
        with pytest.raises(InputError) as err:
            preprocess(lonlat_layers(site, [("c", STUDY)], [("globe", "lake", box(*drawn))]), ["p"], buffer_rule(0),
                       UTM, "error", 1.0)
        assert err.value.problems == [
            f"redline: geometry | the 1st feature (id 'globe') cannot be projected truly into the working CRS "
            f"EPSG:32648: {why}, so the sites it holds may not be found in it; clip the red-line layer to the study "
            "area and its surroundings (in QGIS, Vector > Geoprocessing Tools > Clip), or split the polygon"]
    china = [("china", "lake", box(73.0, 18.0, 135.0, 54.0))]
    result = preprocess(lonlat_layers(site, [("c", STUDY)], china), ["p"], buffer_rule(0), UTM, "error", 1.0)
    assert list(result.land["inside_redline"]) == [True]


def test_a_geographic_or_feet_working_crs_is_refused_at_its_line(folder: Path, capsys):
    """Whether the working CRS is projected and in metres is known from its name alone, so it is
    checked with the scenario, at its line, with the others of the file."""
    edit(folder / "scenario.yaml", "  detour_factor: 1.0", "  detour_factor: 1.0\n  working_crs: EPSG:4326")
    line = (folder / "scenario.yaml").read_text().splitlines().index("  working_crs: EPSG:4326") + 1
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - scenario.yaml:{line}: spatial.working_crs | must be a projected CRS in metres, such as EPSG:32648 "
        "(UTM zone 48N) for Yunnan, not a geographic one (got 'EPSG:4326')\n")
    edit(folder / "scenario.yaml", "EPSG:4326", "EPSG:2227")
    refused = run_bad(folder, capsys)
    assert "spatial.working_crs | must have its axes in metres (this one is in US survey foot)" in refused


def test_web_mercator_in_the_scenario_is_refused_naming_the_scenario(folder: Path, capsys):
    """The small scenario's clusters, sites and sources span 102.0 to 103.5 E, 24.5 to 25.0 N;
    EPSG:3857's scale there is 1/cos(lat) - 1 = 10.3 % at 25 N."""
    edit(folder / "scenario.yaml", "  detour_factor: 1.0", "  detour_factor: 1.0\n  working_crs: EPSG:3857")
    line = (folder / "scenario.yaml").read_text().splitlines().index("  working_crs: EPSG:3857") + 1
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - scenario.yaml:{line}: spatial.working_crs | EPSG:3857 does not measure lengths truly over the study area "
        "(102.00 to 103.50 E, 24.50 to 25.00 N): its scale error there reaches 10.3%, more than 0.5%, and every "
        "buffer, area and distance would be off by as much; use a CRS made for the area, such as EPSG:32648 (UTM "
        "zone 48N)\n")
    # Given on the command line, the message says so (the file still holds a good one).
    edit(folder / "scenario.yaml", "\n  working_crs: EPSG:3857", "")
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out"), "--set",
                 "spatial.working_crs=EPSG:3857"]) == 2
    assert "scenario.yaml: --set spatial.working_crs | EPSG:3857 does not measure" in capsys.readouterr().err


def test_utm_zone_of_the_wrong_side_is_refused_and_the_right_one_accepted():
    """UTM 47N (central meridian 99 E) at 103 E is 4 degrees off: scale 1.0027 (0.27 %) passes;
    UTM 46N (93 E), 10 degrees off, reaches 1.0123 (1.2 %) and is refused."""
    layers = lonlat_layers([("s", Point(102.5, 24.7))], [("c", box(102.0, 24.5, 103.0, 25.0))])
    preprocess(layers, ["p"], buffer_rule(0), "EPSG:32647", "error", 1.0)
    with pytest.raises(InputError) as err:
        preprocess(layers, ["p"], buffer_rule(0), "EPSG:32646", "error", 1.0)
    assert "its scale error there reaches 1.2%, more than 0.5%" in err.value.problems[0]


def test_lonlat_layer_with_swapped_axes_inside_the_working_crs_area_is_named():
    """Germany in UTM 32N (6 to 12 E): a cluster given as (lat, lon) = (50, 9) lies outside the
    zone's area of use but would lie inside it swapped."""
    layers = lonlat_layers([("s", Point(9.0, 50.0))], [("c", box(49.5, 8.5, 50.5, 9.5))])
    with pytest.raises(InputError) as err:
        preprocess(layers, ["p"], buffer_rule(0), "EPSG:32632", "error", 1.0)
    assert err.value.problems == [
        "clusters.geojson: geometry | the clusters layer's coordinates lie outside the area of EPSG:32632 (got "
        "x 49.5 to 50.5, y 8.5 to 9.5), but would lie inside it swapped; put longitude first (x = longitude, "
        "y = latitude)"]


def test_projected_metres_in_a_lonlat_layer_are_refused(folder: Path, capsys):
    """Sites written in UTM metres into a GeoJSON (which RFC 7946 makes lon/lat)."""
    sites = gpd.read_file(folder / "sites.geojson").to_crs(UTM)
    data = json.loads(sites.to_json(drop_id=True))
    del data["crs"]  # the metres are left without their CRS, as a careless export does
    (folder / "sites.geojson").write_text(json.dumps(data))
    xmin, ymin, xmax, ymax = sites.total_bounds
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - sites.geojson: geometry | the sites layer is in EPSG:4326 but its coordinates cannot be "
        f"longitude/latitude (got x {xmin:.6g} to {xmax:.6g}, y {ymin:.6g} to {ymax:.6g}); they look like "
        "projected metres: give the layer its true CRS, or reproject it to WGS84 longitude/latitude\n")


def test_latitude_first_in_a_lonlat_layer_is_refused(folder: Path, capsys):
    def swap(feature):
        lon, lat = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [lat, lon]

    edit_features(folder / "sites.geojson", swap)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: geometry | the sites layer is in EPSG:4326 but its coordinates cannot be "
        "longitude/latitude (got x 24.6 to 24.95, y 102.1 to 103.45); the latitude stands first: put longitude "
        "first (x = longitude, y = latitude)\n")


def test_layer_in_an_engineering_crs_is_refused(folder: Path, capsys):
    """A shapefile whose .prj names a local (engineering) CRS cannot be placed on the earth."""
    frame = gpd.read_file(folder / "redline.geojson")
    frame.to_file(folder / "redline.shp")
    (folder / "redline.prj").write_text('LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]')
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.shp}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.shp: redline layer | its CRS is not a geographic or projected CRS that can be transformed "
        "(got 'site grid'); give the layer a known CRS, such as EPSG:4326 or a UTM zone\n")


def test_layer_in_a_projection_pyproj_cannot_run_is_refused(folder: Path, capsys):
    """A .prj naming a projection method that does not exist: the CRS parses but cannot be
    transformed, so nothing of the layer could be placed."""
    gpd.read_file(folder / "redline.geojson").to_file(folder / "redline.shp")
    (folder / "redline.prj").write_text(
        'PROJCS["made up",GEOGCS["GCS",DATUM["D",SPHEROID["s",6378137,298.257]],PRIMEM["Greenwich",0],'
        'UNIT["Degree",0.0174532925199433]],PROJECTION["Nonexistent_Projection"],UNIT["Meter",1]]')
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.shp}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.shp: redline layer | its CRS is not a geographic or projected CRS that can be transformed "
        "(got 'made up'); give the layer a known CRS, such as EPSG:4326 or a UTM zone\n")


# --- 4. repairs, categories and statuses ------------------------------------------------------


def set_redline_ring(folder: Path, ring: list[list[float]]) -> None:
    def change(feature):
        feature["geometry"]["coordinates"] = [ring]

    edit_features(folder / "redline.geojson", change)


def test_repair_that_empties_a_redline_polygon_is_an_error(folder: Path, capsys):
    """A ring whose points all lie on one parallel has no area: make_valid turns it into lines."""
    set_redline_ring(folder, [[102.375, 24.875], [102.4375, 24.875], [102.5, 24.875], [102.375, 24.875]])
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: geometry | repairing the 1st feature (zone_id 'lake') leaves nothing of it "
        "(Self-intersection[102.4375 24.875]); redraw the polygon\n")


def test_repair_that_halves_a_redline_polygon_is_an_error(folder: Path, capsys):
    """A ring traced twice round the same square: its shoelace area is twice the square's, so the
    repaired square keeps half of it. The square is 0.04 degree a side at 24.9 N: 4.43 km
    (0.04 x 110.8 km, a degree of latitude there) by 4.04 km (0.04 x 101.0 km, a degree of
    longitude there), 17.9 km2 on the ellipsoid, 35.8 km2 traced twice."""
    square = [[102.38, 24.88], [102.42, 24.88], [102.42, 24.92], [102.38, 24.92]]
    set_redline_ring(folder, square + square + [square[0]])
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n  - redline.geojson: geometry | repairing the 1st feature (zone_id 'lake') "
        "would remove 50.0% of its area, from 35.8 km2 as drawn to 17.9 km2 (Self-intersection[102.42 24.92]); "
        "redraw the polygon\n")


def test_null_redline_category_is_an_error(folder: Path, capsys):
    edit_features(folder / "redline.geojson", lambda f: f["properties"].update(category=None))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: field 'category' | empty category in the 1st feature (zone_id 'lake'); give every "
        "feature its category\n")


def test_a_redline_category_given_as_a_list_is_refused_as_written(folder: Path, capsys):
    """A category written as a JSON list (`["lake"]`, which GDAL reads as a list of texts) is no
    one category: refused naming the feature and the list as the file writes it, not taken for
    the text "['lake']" (which no `categories` or setback the scenario names would match); the
    resource of a source, a site's id and its name likewise. The other sources'
    resources, which GDAL reads as one-item lists once one feature writes a list, are the texts
    the file writes, not refused."""
    def listed(feature):
        feature["properties"]["category"] = ["lake"]

    def resources(feature):
        if feature["properties"]["source_id"] == "rock_w":
            feature["properties"]["resource"] = ["phosphate_rock", "lithium_clay"]

    def ids(feature):
        properties = feature["properties"]
        if properties["site_id"] in ("w_lake", "e_far"):
            properties["site_id"] = [properties["site_id"]]
        if properties["site_id"] == "e_city":
            properties["name"] = ["East city", "Dongcheng"]

    edit_features(folder / "redline.geojson", listed)
    edit_features(folder / "sources.geojson", resources)
    edit_features(folder / "sites.geojson", ids)
    assert run_bad(folder, capsys) == (
        "error: 4 problems in the input:\n"
        "  - sites.geojson: field 'site_id' | a list, not one id, in the 2nd feature (got [\"w_lake\"]) and the 4th "
        "(got [\"e_far\"]); write one id as text, one feature per id\n"
        "  - sites.geojson: field 'name' | a list, not one name, in the 3rd feature (site_id 'e_city') "
        "(got [\"East city\", \"Dongcheng\"]); write one name as text, one feature per name\n"
        "  - sources.geojson: field 'resource' | a list, not one resource, in the 1st feature (source_id 'rock_w') "
        "(got [\"phosphate_rock\", \"lithium_clay\"]); write one resource as text, one feature per resource\n"
        "  - redline.geojson: field 'category' | a list, not one category, in the 1st feature (zone_id 'lake') "
        "(got [\"lake\"]); write one category as text, one feature per category\n")


def test_source_status_outside_the_allowed_values_is_an_error(folder: Path, capsys):
    def capital(feature):
        if feature["properties"]["source_id"] == "rock_w":
            feature["properties"]["status"] = "Producing"

    edit_features(folder / "sources.geojson", capital)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'status' | unknown status in the 1st feature (source_id 'rock_w') (got "
        "'Producing'); use one of: producing, prospective\n")


def test_each_source_status_outside_the_allowed_values_is_shown_as_written(folder: Path, capsys):
    """Two sources with two different unknown statuses: each feature is named with its own value,
    not both with the first one's."""
    wrong = {"rock_w": "Producing", "li_clay": "planned"}

    def misstate(feature):
        feature["properties"]["status"] = wrong[feature["properties"]["source_id"]]

    edit_features(folder / "sources.geojson", misstate)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'status' | unknown status in the 1st feature (source_id 'rock_w') (got "
        "'Producing') and the 2nd (source_id 'li_clay') (got 'planned'); use one of: producing, prospective\n")


# --- 2. non-finite attributes, tables and multi-layer files -----------------------------------


def test_infinite_supply_is_an_error_naming_the_feature(folder: Path, capsys):
    def unlimited(feature):
        if feature["properties"]["source_id"] == "rock_w":
            feature["properties"]["supply_t_per_yr"] = "inf"

    edit_features(folder / "sources.geojson", unlimited)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'supply_t_per_yr' | must be a finite number for the 1st feature (source_id "
        "'rock_w') (got 'inf'); a source's supply cannot be unlimited (nor left empty): give the most it can supply "
        "in t/yr, at most 1e12, or switch the rule off (constraints.supply.enabled: false) to make every raw "
        "material free and unlimited\n")


def test_non_finite_site_attributes_are_errors(folder: Path, capsys):
    def change(feature):
        if feature["properties"]["site_id"] == "e_city":
            feature["properties"]["existing_lfp"] = "Infinity"
        if feature["properties"]["site_id"] == "w_lake":
            feature["properties"]["usable_area_ha"] = "-inf"

    edit_features(folder / "sites.geojson", change)
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | must be a finite number for the 2nd feature (site_id 'w_lake') "
        "(got '-inf'); use a number\n"
        "  - sites.geojson: field 'existing_lfp' | must be a finite number for the 3rd feature (site_id 'e_city') "
        "(got 'Infinity'); use a number\n")


def test_csv_given_as_a_layer_is_refused(folder: Path, capsys):
    (folder / "sites.csv").write_text("site_id,name,usable_area_ha,lon,lat\nw_mine,West mine park,100,102.1,24.6\n")
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: sites.csv}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.csv: layers.sites.path | the file has no geometry (a table such as a CSV is not a map layer); give "
        "a GeoJSON, GeoPackage or shapefile\n")


def geopackage_of_two_layers(folder: Path) -> None:
    gpd.read_file(folder / "sites.geojson").to_file(folder / "layers.gpkg", layer="candidate_sites")
    gpd.read_file(folder / "clusters.geojson").to_file(folder / "layers.gpkg", layer="clusters")


def test_geopackage_of_several_layers_needs_the_layer_named(folder: Path, capsys):
    geopackage_of_two_layers(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: layers.gpkg}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - layers.gpkg: layers.sites.layer | the file holds 2 layers (candidate_sites, clusters); say which one "
        "to read with layers.sites.layer\n")


def test_geopackage_of_several_layers_gives_no_warning_of_its_own(folder: Path, capsys):
    """pyogrio warns of a file of several layers read without one named, with the path and line of
    the code that asked: the message above says it all, so nothing else reaches standard error."""
    gpd.read_file(folder / "redline.geojson").to_file(folder / "layers.gpkg", layer="lakes")
    gpd.read_file(folder / "clusters.geojson").to_file(folder / "layers.gpkg", layer="clusters")
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: layers.gpkg}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        message = run_bad(folder, capsys)
    assert [str(w.message) for w in caught] == []
    assert message == (
        "error: 1 problem in the input:\n"
        "  - layers.gpkg: layers.redline.layer | the file holds 2 layers (lakes, clusters); say which one "
        "to read with layers.redline.layer\n")


def test_geopackage_layer_of_an_unknown_name_is_refused(folder: Path, capsys):
    geopackage_of_two_layers(folder)
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: layers.gpkg, layer: sites}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - layers.gpkg: layers.sites.layer | no layer of that name in the file (got 'sites'); use one of: "
        "candidate_sites, clusters\n")


def test_geopackage_layer_named_is_read(folder: Path):
    geopackage_of_two_layers(folder)
    scenario = folder / "scenario.yaml"
    edit(scenario, "sites: {path: sites.geojson}", "sites: {path: layers.gpkg, layer: candidate_sites}")
    edit(scenario, "clusters: {path: clusters.geojson}", "clusters: {path: layers.gpkg, layer: clusters}")
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.sites["id"]) == ["w_mine", "w_lake", "e_city", "e_far"]
    assert list(layers.clusters["id"]) == ["west", "east"]


# --- 4. ids and columns named like the tool's own ---------------------------------------------


def test_feature_id_members_and_columns_named_like_internal_ones_load(small_run: MadeRun, folder: Path, capsys):
    """String feature ids (geopandas' to_json writes them) and columns called category,
    resource, usable_area_ha or cluster in layers whose own fields for these have other names:
    the scenario's fields are used, the others ignored, and the plan is the same as the small
    scenario's own (conftest's `small_run`)."""
    baseline = features(small_run.out / "sites.geojson")
    edit_features(folder / "redline.geojson", lambda f: f["properties"].update(kind=f["properties"].pop("category")))
    edit_features(folder / "sources.geojson",
                  lambda f: f["properties"].update(mineral=f["properties"].pop("resource")))
    for name in ("sites", "clusters", "redline", "sources"):
        def add(feature, name=name):
            key = {"sites": "site_id", "clusters": "cluster_id", "redline": "zone_id", "sources": "source_id"}[name]
            feature["id"] = "member-" + feature["properties"][key]
            feature["properties"].update(category="other", resource="other", cluster="other")
            if name != "sites":
                feature["properties"]["usable_area_ha"] = -1

        edit_features(folder / f"{name}.geojson", add)
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}",
         "redline: {path: redline.geojson, category_field: kind}")
    edit(folder / "scenario.yaml", "sources: {path: sources.geojson}",
         "sources: {path: sources.geojson, resource_field: mineral}")
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.sites.columns) == ["id", "name", "usable_area_ha", "land_price_yuan_per_ha",
                                          "site_tariff_yuan_per_kwh", "existing_lfp", "geometry"]
    assert list(layers.sites["id"]) == ["w_mine", "w_lake", "e_city", "e_far"]
    assert list(layers.redline[["id", "category"]].itertuples(index=False, name=None)) == [("lake", "lake")]
    assert list(layers.sources["resource"]) == ["phosphate_rock", "lithium_clay"]
    assert list(layers.clusters.columns) == ["id", "name", "power_tariff_yuan_per_kwh", "hub_lon", "hub_lat",
                                             "geometry"]
    after = features(solve_ok(folder, capsys) / "sites.geojson")
    for site, feature in after.items():  # the input's text columns are carried, renamed where they clash
        props = feature["properties"]
        assert {k: props.pop(k) for k in ("input_id", "category", "resource", "input_cluster")} == {
            "input_id": f"member-{site}", "category": "other", "resource": "other", "input_cluster": "other"}
    assert after == baseline


#: The small scenario's sites' ids read as reals (100.0, ...), as `renamed_inputs` gives them.
NUMBERED = {"w_mine": 100.0, "w_lake": 101.0, "e_city": 102.0, "e_far": 103.0}


def redline_id_field_called_id(folder: Path) -> None:
    """The red line's own id field is `id` while every feature also has a string `id` member."""
    def rename(feature):
        feature["properties"]["id"] = feature["properties"].pop("zone_id")
        feature["id"] = "lake"

    edit_features(folder / "redline.geojson", rename)
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.geojson, id_field: id}")


def clusters_named_by_label(folder: Path) -> None:
    """The clusters named by a `label` field ("West zone", "East zone"), set as their name_field."""
    edit_features(folder / "clusters.geojson",
                  lambda f: f["properties"].update(label=f["properties"]["name"] + " zone"))
    edit(folder / "scenario.yaml", "clusters: {path: clusters.geojson}",
         "clusters: {path: clusters.geojson, name_field: label}")


def renamed_inputs(folder: Path) -> list[Path]:
    """A copy of the small scenario in `folder`/small whose features are known by other fields, each
    change in a layer of its own, so that one run serves the tests of each: the red line's id field
    called `id` (`redline_id_field_called_id`); the sites' ids whole numbers read as reals
    (`NUMBERED`, the committed project's site given as '102') and e_far without a name; the clusters
    named by `label` (`clusters_named_by_label`). [its scenario.yaml]"""
    small = folder / "small"
    shutil.copytree(DATA, small)
    redline_id_field_called_id(small)

    def numbered(feature):
        props = feature["properties"]
        props["site_id"] = NUMBERED[props["site_id"]]
        if props["site_id"] == 103.0:
            props["name"] = None

    edit_features(small / "sites.geojson", numbered)
    edit(small / "committed_projects.yaml", "site: e_city", "site: '102'")
    clusters_named_by_label(small)
    return [small / "scenario.yaml"]


@pytest.fixture(scope="module")
def renamed_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`renamed_inputs` solved once for the session (conftest's `run_once`): read-only."""
    return run_once(tmp_path_factory, "layer_input_renamed", renamed_inputs)


def test_id_field_called_id_next_to_a_string_feature_id_member(renamed_run: MadeRun):
    """The red line's own id field is `id` while every feature also has a string `id` member
    (`renamed_run`)."""
    assert list(features(renamed_run.out / "redline.geojson")) == ["lake"]


def test_whole_number_ids_stay_whole_and_null_names_are_null(renamed_run: MadeRun):
    """Ids read as reals (100.0) are written "100"; a site without a name is written null
    (`renamed_run`)."""
    assert text_values(pd.Series([100.0, 7, "a", None, np.nan, 2.5])) == ["100", "7", "a", None, None, "2.5"]
    out = renamed_run.out
    sites = features(out / "sites.geojson")
    assert list(sites) == ["100", "101", "102", "103"]
    assert sites["103"]["properties"]["name"] is None
    assert sites["102"]["properties"]["name"] == "East city"
    assert "nan" not in (out / "sites.geojson").read_text()


def test_name_field_setting_names_the_features_or_is_an_error(renamed_run: MadeRun, folder: Path, capsys):
    """The clusters named by `label` (`renamed_run`); a name_field the layer does not hold is an error."""
    names = {k: f["properties"]["name"] for k, f in features(renamed_run.out / "clusters.geojson").items()}
    assert names == {"west": "West zone", "east": "East zone"}
    clusters_named_by_label(folder)
    edit(folder / "scenario.yaml", "name_field: label", "name_field: title")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - clusters.geojson: field 'title' | missing from the clusters layer (has: cluster_id, name, "
        "power_tariff_yuan_per_kwh, hub_lon, hub_lat, label); add it or set layers.clusters.name_field to the right "
        "field name\n")


def test_polygon_site_without_usable_area_uses_its_drawn_area_beside_point_sites(folder: Path):
    """A layer of point sites plus one 1000 m x 500 m polygon (drawn in UTM 48N) with no usable
    area: the polygon gets its drawn 50 ha, measured on the ellipsoid (50 ha divided by UTM 48N's
    areal scale at its centre); a point site without a usable area is an error."""
    sites = gpd.read_file(folder / "sites.geojson").to_crs(UTM)
    x, y = sites.geometry.iloc[0].x, sites.geometry.iloc[0].y
    drawn = box(x + 2_000, y, x + 3_000, y + 500)
    polygon = gpd.GeoDataFrame({"site_id": ["w_area"], "name": ["West area"], "usable_area_ha": [None],
                                "existing_lfp": [0.0], "land_price_yuan_per_ha": [1e6]},
                               geometry=[drawn], crs=UTM)
    pd.concat([sites, polygon], ignore_index=True).to_file(folder / "sites.gpkg")
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: sites.gpkg}")
    loaded = load_scenario(folder / "scenario.yaml")
    layers = load_layers(loaded)
    result = preprocess(layers, ["lfp"], buffer_rule(0), UTM, "error", 1.0)
    land = dict(zip(result.sites["id"], result.sites["gross_land_ha"], strict=True))
    centre = pyproj.Transformer.from_crs(UTM, WGS84, always_xy=True).transform(*drawn.centroid.coords[0])
    assert land["w_area"] == pytest.approx(50.0 / pyproj.Proj(UTM).get_factors(*centre).areal_scale, rel=1e-7)
    assert land["w_mine"] == 100.0
    frame = gpd.read_file(folder / "sites.gpkg")
    frame.loc[frame["site_id"] == "e_far", "usable_area_ha"] = None
    frame.to_file(folder / "sites.gpkg")
    with pytest.raises(InputError) as err:
        load_layers(loaded)
    assert err.value.problems == [f"{folder / 'sites.gpkg'}: field 'usable_area_ha' | not a number for the 4th "
                                  "feature (site_id 'e_far') (got null); use a number"]


# --- 4. every output geometry is valid --------------------------------------------------------


def test_site_at_its_source_has_no_zero_length_flow_line(folder: Path, capsys):
    """The west mine park moved onto the phosphate source: its supply is shown on the site
    (on_site_sources, on_site_t_<year>), and flows.geojson holds only lines of some length.
    An output-value target makes it produce fepo4 (2 t of rock per t), all from the rock at its
    feet; what the source ships equals the on-site tonnes plus the lines' tonnes."""
    def move(feature):
        if feature["properties"]["site_id"] == "w_mine":
            feature["geometry"]["coordinates"] = [102.12, 24.62]

    edit_features(folder / "sites.geojson", move)
    edit(folder / "scenario.yaml", "  chain_balance:\n    enabled: false",
         "  chain_balance:\n    enabled: true\n    min_local_share: {fepo4: 1.0}")
    edit(folder / "scenario.yaml", "    cells: {2024: 10}", "    cells: {2024: 10}\n  output_value_yuan: {2024: 8.0e9}")
    out = solve_ok(folder, capsys)
    site = features(out / "sites.geojson")["w_mine"]["properties"]
    assert site["on_site_sources"] == "rock_w"
    capacity = pd.read_csv(out / "capacity.csv")
    fepo4 = capacity.loc[(capacity["site"] == "w_mine") & (capacity["product"] == "fepo4") & (capacity["year"] == 2024)]
    assert float(fepo4["production"].iloc[0]) > 0
    assert site["on_site_t_2024"] == pytest.approx(2.0 * float(fepo4["production"].iloc[0]), rel=1e-9)  # 2 t rock/t
    flows = features(out / "flows.geojson")
    for flow in flows.values():
        line = shapely.geometry.shape(flow["geometry"])
        assert line.is_valid and line.length > 0
        assert flow["properties"]["site"] != "w_mine"
    shipped = features(out / "sources.geojson")["rock_w"]["properties"]["shipped_t_2024"]
    by_line = sum(f["properties"]["tonnes_2024"] for f in flows.values() if f["properties"]["source"] == "rock_w")
    assert shipped == pytest.approx(site["on_site_t_2024"] + by_line, rel=1e-9)
    # The report names what the map cannot draw as a line.
    report = (out / "report.md").read_text()
    assert "Raw material drawn at the site's own source" in report
    assert (f"| West mine park | West phosphate | {site['on_site_t_2023']:,.0f} | {site['on_site_t_2024']:,.0f} |"
            in report)  # the site and the source by their names


def test_polygon_collapsed_by_rounding_is_left_out_with_a_notice():
    """A triangle 1e-8 degree high rounds to three points on a line; a square stays."""
    frame = gpd.GeoDataFrame({"id": ["sliver", "square"]},
                             geometry=[Polygon([(102.0, 24.0), (102.1, 24.0), (102.05, 24.00000001)]),
                                       box(102.0, 24.0, 102.1, 24.1)], crs=WGS84)
    layer = make_layer("zones", "Zones", frame, ["id"], {"id": "string"}, "Polygon")
    assert list(layer.frame["id"]) == ["square"]
    assert layer.notices == ("zones: left out sliver, whose geometry collapses when coordinates are rounded to 6 "
                             "decimals (about 0.1 m)",)
    assert layer.frame.geometry.is_valid.all()


def test_polygon_made_invalid_by_rounding_is_repaired_on_the_grid():
    """A spike 2e-7 degree wide at its base is valid as drawn; rounded, its two base points
    coincide and the ring touches itself. The repair keeps the square less its cut-off corner,
    with every coordinate on the rounded grid."""
    ring = [(102.0, 24.0), (102.1, 24.0), (102.1, 24.1), (102.0000004, 24.05), (102.0, 24.1),
            (102.0000002, 24.05)]
    frame = gpd.GeoDataFrame({"id": ["z"]}, geometry=[Polygon(ring)], crs=WGS84)
    assert frame.geometry.iloc[0].is_valid
    layer = make_layer("zones", "Zones", frame, ["id"], {"id": "string"}, "Polygon")
    written = layer.frame.geometry.iloc[0]
    assert written.is_valid
    expected = Polygon([(102.0, 24.0), (102.1, 24.0), (102.1, 24.1), (102.0, 24.05)]).area
    assert written.area == pytest.approx(expected, rel=1e-6)
    assert np.array_equal(np.round(shapely.get_coordinates(written), 6), shapely.get_coordinates(written))


def test_lines_of_no_length_are_left_out():
    frame = gpd.GeoDataFrame({"id": ["zero", "real"]},
                             geometry=[LineString([(102.1, 24.6), (102.1, 24.6)]),
                                       LineString([(102.1, 24.6), (102.2, 24.6)])], crs=WGS84)
    layer = make_layer("flows", "Flows", frame, ["id"], {"id": "string"}, "LineString")
    assert list(layer.frame["id"]) == ["real"]
    assert layer.notices == ("flows: left out zero, whose geometry collapses when coordinates are rounded to 6 "
                             "decimals (about 0.1 m)",)


def test_every_output_geojson_is_strict_json_with_valid_geometries_of_one_type(folder: Path, capsys):
    """The small scenario with its lake drawn as a coarse lon/lat polygon and one polygon site:
    every GeoJSON written parses without NaN or Infinity, and each file holds valid geometries
    of a single type."""
    def polygon_site(feature):
        if feature["properties"]["site_id"] == "w_lake":
            feature["geometry"] = {"type": "Polygon", "coordinates": [[[102.39, 24.93], [102.43, 24.93],
                                                                       [102.43, 24.96], [102.39, 24.96],
                                                                       [102.39, 24.93]]]}
            feature["properties"]["usable_area_ha"] = None

    edit_features(folder / "sites.geojson", polygon_site)
    out = solve_ok(folder, capsys)
    written = sorted(out.glob("*.geojson"))
    assert [p.name for p in written] == ["clusters.geojson", "flows.geojson", "hubs.geojson",
                                         "product_flows.geojson", "redline.geojson", "redline_zones.geojson",
                                         "site_areas.geojson", "sites.geojson", "sources.geojson"]
    for path in written:
        collection = strict_json(path)
        geometries = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
        assert all(g.is_valid and not g.is_empty for g in geometries), path.name
        assert len({g.geom_type for g in geometries}) <= 1, path.name
    for path in sorted(out.glob("*.json")):
        strict_json(path)


def test_an_unreadable_layer_is_named_without_gdals_driver_prefix_advice(tmp_path: Path) -> None:
    """A file that is no map layer is refused with GDAL's reason, but not with its advice to
    prefix the path with a driver name, which a scenario path cannot take."""
    from siting.prepare.layers import read_layer

    path = tmp_path / "sites.geojson"
    path.write_bytes(b"\x00\x01 not a layer")
    with pytest.raises(InputError) as raised:
        read_layer(path, "sites")
    assert str(raised.value) == (
        f"1 problem in the input:\n  - {path}: cannot read the sites layer ('{path}' not recognized as being in a "
        "supported file format); is it a GeoJSON, GeoPackage or shapefile?")


def test_values_are_listed_for_reading_not_as_python_lists():
    """A problem names its values in words: 'and' before the last (features are named by place
    and id: `named_features`, tested above)."""
    from siting.config.errors import listed

    assert listed([2, 5, 9]) == "2, 5 and 9"


def test_one_feature_without_geometry_and_one_duplicate_id_read_in_the_singular(folder: Path, capsys):
    """One feature without geometry and one id given twice: both problems at once, each in the
    singular ("remove it", "duplicate id")."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    first, second = data["features"][0], data["features"][1]
    second["geometry"] = None
    data["features"].append({**first, "properties": dict(first["properties"])})
    path.write_text(json.dumps(data))
    refused = run_bad(folder, capsys)
    assert (first["properties"]["site_id"], second["properties"]["site_id"], len(data["features"])) == (
        "w_mine", "w_lake", 5)
    assert refused == (
        "error: 2 problems in the input:\n"
        "  - sites.geojson: field 'site_id' | duplicate id 'w_mine' (the 1st and 5th features); ids must be unique\n"
        "  - sites.geojson: geometry | no geometry in the 2nd feature (site_id 'w_lake'); remove it or draw it\n")


def test_a_polygon_site_with_an_empty_usable_area_is_named_in_a_notice(folder: Path):
    """Usable areas given for some sites and left empty for a polygon site: that site's drawn
    area is used (as documented), and a notice names it, since a value may have been lost."""
    from siting.prepare.problem import prepare

    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    far = next(f for f in data["features"] if f["properties"]["site_id"] == "e_far")
    x, y = far["geometry"]["coordinates"]
    d = 0.005
    far["geometry"] = {"type": "Polygon", "coordinates": [[[x - d, y - d], [x + d, y - d], [x + d, y + d],
                                                          [x - d, y + d], [x - d, y - d]]]}
    far["properties"]["usable_area_ha"] = None
    path.write_text(json.dumps(data))
    prepared = prepare(folder / "scenario.yaml", {})
    assert ("sites.geojson: field 'usable_area_ha' is empty for 1 polygon site, so its drawn polygon's area (on the "
            "ellipsoid of EPSG:32648) is used as usable land: the 4th feature (site_id 'e_far'), 112 ha; give the "
            "usable area in ha there where a site can use less than the polygon it is drawn as") in prepared.notices


# --- 5. features named by their place in the file and their id -----------------------------------


def test_features_are_named_by_their_place_in_the_file_counted_from_1():
    from siting.prepare.layers import named_features, ordinal

    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th", "112th"]
    ids = ["a", None, "", "d", "e", "f", "g", "h"]
    assert named_features([0], ids, "site_id") == "the 1st feature (site_id 'a')"
    assert named_features([0, 1, 2], ids, "site_id") == (
        "the 1st feature (site_id 'a'), the 2nd (site_id empty) and the 3rd (site_id empty)")
    assert named_features(range(8), ids, "site_id") == (
        "the 1st feature (site_id 'a'), the 2nd (site_id empty), the 3rd (site_id empty), the 4th (site_id 'd'), "
        "the 5th (site_id 'e') and 3 more")
    assert named_features([6], None, None) == "the 7th feature"
    assert named_features([1, 4, 6], None, None) == "the 2nd, 5th and 7th features"


def test_a_feature_without_an_id_is_found_by_its_place(folder: Path, capsys):
    """The 3rd site has no id and, like the 1st, an area that is not a number: the id problem
    names it by its place, the area problem by its place and its empty id."""
    data = json.loads((folder / "sites.geojson").read_text())
    for i in (0, 2):
        data["features"][i]["properties"]["usable_area_ha"] = "lots"
    data["features"][2]["properties"]["site_id"] = None
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - sites.geojson: field 'site_id' | empty id in the 3rd feature; every feature needs an id\n"
        "  - sites.geojson: field 'usable_area_ha' | not a number for the 1st feature (site_id 'w_mine') and the 3rd "
        "(site_id empty) (got 'lots'); use a number\n")


def test_duplicate_ids_name_the_places_of_each(folder: Path, capsys):
    data = json.loads((folder / "sites.geojson").read_text())
    copies = [json.loads(json.dumps(data["features"][i])) for i in (1, 0, 1)]
    data["features"] += copies  # 5th w_lake, 6th w_mine, 7th w_lake
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'site_id' | duplicate ids 'w_lake' (the 2nd, 5th and 7th features) and 'w_mine' "
        "(the 1st and 6th features); ids must be unique\n")


def eight_sites(folder: Path) -> dict:
    """The small scenario's sites layer (as JSON) with a copy of each of its four sites added, the
    copies' ids ending in `_2` (w_mine_2, ...): eight features."""
    data = json.loads((folder / "sites.geojson").read_text())
    for i in range(4):
        extra = json.loads(json.dumps(data["features"][i]))
        extra["properties"]["site_id"] += "_2"
        data["features"].append(extra)
    return data


def test_many_features_with_one_problem_are_named_five_and_counted(folder: Path, capsys):
    data = eight_sites(folder)
    for feature in data["features"]:
        feature["properties"]["usable_area_ha"] = -1
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | negative for the 1st feature (site_id 'w_mine'), the 2nd "
        "(site_id 'w_lake'), the 3rd (site_id 'e_city'), the 4th (site_id 'e_far'), the 5th (site_id 'w_mine_2') "
        "and 3 more (got -1); use a value >= 0\n")


def test_each_bad_value_of_a_field_is_shown_beside_its_feature(folder: Path, capsys):
    """Two sites with negative areas (-5, -7.5) and two with texts ('lots', 'n/a') in the usable
    area: each message names every feature with its own value as the file writes it."""
    data = json.loads((folder / "sites.geojson").read_text())
    for feature, value in zip(data["features"], ["lots", -5, "n/a", -7.5], strict=True):
        feature["properties"]["usable_area_ha"] = value
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | not a number for the 1st feature (site_id 'w_mine') (got 'lots') "
        "and the 3rd (site_id 'e_city') (got 'n/a'); use a number\n"
        "  - sites.geojson: field 'usable_area_ha' | negative for the 2nd feature (site_id 'w_lake') (got -5) and the "
        "4th (site_id 'e_far') (got -7.5); use a value >= 0\n")


def test_many_features_with_different_bad_values_show_five_and_count_the_rest(folder: Path, capsys):
    """Eight sites with the negative areas -1 to -8: the first five are named, each with its
    value, and the other three counted."""
    data = eight_sites(folder)
    for i, feature in enumerate(data["features"]):
        feature["properties"]["usable_area_ha"] = -(i + 1)
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | negative for the 1st feature (site_id 'w_mine') (got -1), the 2nd "
        "(site_id 'w_lake') (got -2), the 3rd (site_id 'e_city') (got -3), the 4th (site_id 'e_far') (got -4), the 5th "
        "(site_id 'w_mine_2') (got -5) and 3 more; use a value >= 0\n")


def test_feature_places_are_counted_in_file_order_whatever_the_feature_ids(folder: Path, capsys):
    """GeoJSON `id` members 100, 101, ... are what OGR (and QGIS) take as feature ids; the place
    in the file is counted from 1 all the same."""
    data = json.loads((folder / "sites.geojson").read_text())
    for i, feature in enumerate(data["features"]):
        feature["id"] = 100 + i
    data["features"][1]["properties"]["usable_area_ha"] = "lots"
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | not a number for the 2nd feature (site_id 'w_lake') (got 'lots'); "
        "use a number\n")


def test_an_unbuildable_geometry_without_an_id_is_found_by_its_place(folder: Path, capsys):
    """The lake's ring loses its closing vertex (GEOS cannot build it) and its id: the layer is
    read all the same, and its empty id is told beside the ring."""
    data = json.loads((folder / "redline.geojson").read_text())
    data["features"][0]["geometry"]["coordinates"][0].pop()
    data["features"][0]["properties"]["zone_id"] = None
    (folder / "redline.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - redline.geojson: geometry | the 1st feature (zone_id empty) has an unclosed ring; end every ring at its "
        "first point\n"
        "  - redline.geojson: field 'zone_id' | empty id in the 1st feature; every feature needs an id\n")


# --- 6. values the scenario and the catalog refer to: resources and red-line categories ------------


def test_a_misspelt_resource_of_a_source_is_refused_with_the_catalog_resource_it_is_like(folder: Path, capsys):
    """phosphate_rok is not the catalog's phosphate_rock: read as it stands, the plan would do
    without the west source (proximity then excludes every FePO4 site), so it is refused."""
    def misspell(feature):
        if feature["properties"]["source_id"] == "rock_w":
            feature["properties"]["resource"] = "phosphate_rok"

    edit_features(folder / "sources.geojson", misspell)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'resource' | unknown resource in the 1st feature (source_id 'rock_w') (got "
        "'phosphate_rok'); did you mean 'phosphate_rock'? (a resource of its own needs an entry in the resources of "
        "catalog.yaml)\n")


def test_a_resource_like_no_catalog_resource_is_named_in_a_notice(folder: Path):
    """A source of a resource the catalog does not know and no name of it resembles (aluminium):
    the plan does without it, and a notice says so; a resource only written in other letter case
    (Phosphate_Rock) is refused as a misspelling."""
    from siting.prepare.problem import load_checked

    def resource(feature):
        if feature["properties"]["source_id"] == "li_clay":
            feature["properties"]["resource"] = "aluminium"

    edit_features(folder / "sources.geojson", resource)
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert layers.notices == [
        "sources.geojson: field 'resource' names no resource of the catalog for the 2nd feature (source_id 'li_clay') "
        "(got 'aluminium'): no product draws on it (a resource kept on the map only has an entry with "
        "price_yuan_per_t: null in the resources of catalog.yaml)"]
    edit(folder / "sources.geojson", '"phosphate_rock"', '"Phosphate_Rock"')
    with pytest.raises(InputError) as raised:
        load_checked(folder / "scenario.yaml")
    assert raised.value.problems == [
        f"{folder / 'sources.geojson'}: field 'resource' | unknown resource in the 1st feature (source_id 'rock_w') "
        "(got 'Phosphate_Rock'); did you mean 'phosphate_rock'? (a resource of its own needs an entry in the "
        f"resources of {folder / 'catalog.yaml'})"]


def second_redline_polygon(folder: Path, zone_id: str, category: str, name: str | None = None) -> None:
    """Add to the red-line layer a 0.02 degree square of `category` far from every site, named
    `name` (by default its id)."""
    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    ring = [[103.5, 25.5], [103.52, 25.5], [103.52, 25.52], [103.5, 25.52], [103.5, 25.5]]
    data["features"].append({"type": "Feature", "properties": {"zone_id": zone_id, "name": name or zone_id,
                                                               "category": category},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps(data))


def test_a_red_line_category_like_one_the_setbacks_name_is_refused(folder: Path, capsys):
    """The scenario keeps FePO4 5 km from lakes; a second lake written `lak` would quietly get
    only the 1 km buffer."""
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}",
         "  redline: {buffer_m: 1000, setbacks_m: {fepo4: {lake: 5000}}}")
    second_redline_polygon(folder, "pond", "lak")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: field 'category' | a category constraints.redline does not name, in the 2nd feature "
        "(zone_id 'pond') (got 'lak'); did you mean 'lake'?\n")


def test_red_line_categories_the_rule_does_not_name_are_named_in_notices(folder: Path):
    """A category unlike the named ones (`reserve`): with setbacks, it has only the general
    buffer; with a list of categories that leaves it out, the rule leaves out its polygons, named
    by id and name. A scenario that names no category treats every one alike, with no notice,
    whatever its spelling."""
    from siting.prepare.problem import load_checked

    second_redline_polygon(folder, "park", "reserve", "Xishan forest park")
    scenario = folder / "scenario.yaml"
    edit(scenario, "  redline: {buffer_m: 1000}", "  redline: {buffer_m: 1000, setbacks_m: {fepo4: {lake: 5000}}}")
    assert load_checked(scenario)[1].notices == [
        "redline.geojson: red-line category 'reserve' has no setback in constraints.redline.setbacks_m: only buffer_m "
        "(1000 m) keeps products from their polygons"]
    edit(scenario, "setbacks_m: {fepo4: {lake: 5000}}", "categories: [lake]")
    assert load_checked(scenario)[1].notices == [
        "redline.geojson: red-line category 'reserve' is not in constraints.redline.categories: the rule leaves out "
        "its polygons, the 2nd feature (zone_id 'park', name 'Xishan forest park'); name it there for the rule to "
        "count them"]
    edit(scenario, "  redline: {buffer_m: 1000, categories: [lake]}", "  redline: {buffer_m: 1000}")
    edit(folder / "redline.geojson", '"category": "lake"', '"category": "lak"')
    assert load_checked(scenario)[1].notices == []


def test_the_shipped_scenario_s_other_resources_and_categories_load_without_notices():
    """The shipped sources layer holds copper concentrate and aluminium, which no product draws:
    the catalog keeps them on the map only (tests/test_mapped_only_resources.py). Its red line holds
    lake_buffer_zone beside the lakeside_zone the setbacks name (0.69 alike, under
    CATEGORY_LIKENESS), and the scenario names all six categories: it loads, with no notice."""
    from siting.prepare.problem import load_checked

    loaded, layers, _notices = load_checked(Path(__file__).parents[1] / "scenarios" / "yunnan_2024.yaml")
    assert layers.notices == []
    assert loaded.scenario.constraints.redline.categories == [
        "lake", "lakeside_zone", "lake_buffer_zone", "nature_reserve", "forest_park", "scenic_area"]


# --- 7. shapefiles, which cut field names to 10 characters, and files that cannot be read ---------


def as_shapefile(folder: Path, role: str, change=None) -> None:
    """Write the `role` layer of the small scenario as a shapefile (GDAL cuts its long field
    names), after `change(frame)`, and point the scenario at it."""
    frame = gpd.read_file(folder / f"{role}.geojson")
    if change is not None:
        change(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes on the names it cuts
        frame.to_file(folder / f"{role}.shp", engine="pyogrio")
    edit(folder / "scenario.yaml", f"{role}: {{path: {role}.geojson}}", f"{role}: {{path: {role}.shp}}")


def test_a_shapefile_s_cut_field_names_are_read_as_the_names_they_are_cut_from(folder: Path):
    """usable_area_ha, existing_lfp, land_price_yuan_per_ha and power_tariff_yuan_per_kwh become
    usable_are, existing_l, land_price and power_tari in sites.shp; supply_t_per_yr becomes
    supply_t_p in sources.shp. Each is the cut of one expected name: the layers read are those
    of the GeoJSON files, and a notice says how each field was read."""
    from siting.prepare.problem import load_checked

    as_read = load_layers(load_scenario(folder / "scenario.yaml"))
    as_shapefile(folder, "sites")
    as_shapefile(folder, "sources")
    assert [str(c) for c in gpd.read_file(folder / "sites.shp").columns] == [
        "site_id", "name", "usable_are", "existing_l", "land_price", "power_tari", "geometry"]
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    columns = ["id", "usable_area_ha", "existing_lfp", "land_price_yuan_per_ha", "site_tariff_yuan_per_kwh"]
    pd.testing.assert_frame_equal(pd.DataFrame(layers.sites[columns]), pd.DataFrame(as_read.sites[columns]))
    assert layers.existing_columns == {"lfp": "existing_lfp"}
    assert list(layers.sources["supply_t_per_yr"]) == [1_000_000.0, 50_000.0]
    assert layers.notices == [
        "sites.shp: a shapefile keeps 10 characters of a field name; read 'usable_are' as 'usable_area_ha', "
        "'existing_l' as 'existing_lfp', 'land_price' as 'land_price_yuan_per_ha' and 'power_tari' as "
        "'power_tariff_yuan_per_kwh'",
        "sources.shp: a shapefile keeps 10 characters of a field name; read 'supply_t_p' as 'supply_t_per_yr'"]


def test_a_shapefile_field_that_two_products_cut_to_is_refused(folder: Path, capsys):
    """With a second product li2co3, existing_lfp and existing_li2co3 both cut to existing_l, and
    GDAL names the second existing_1: neither can be told apart in a shapefile."""
    import yaml

    catalog = yaml.safe_load((folder / "catalog.yaml").read_text())
    li2co3 = json.loads(json.dumps(catalog["products"]["fepo4"]))
    li2co3["modules"][0]["id"] = "li2co3_100kt"
    catalog["products"]["li2co3"] = li2co3
    (folder / "catalog.yaml").write_text(yaml.safe_dump(catalog, sort_keys=False))
    as_shapefile(folder, "sites", lambda frame: frame.insert(4, "existing_li2co3", 0.0))
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - sites.shp: field 'existing_l' | a shapefile keeps 10 characters of a field name, and 'existing_l' may be "
        "the cut of 'existing_lfp' or 'existing_li2co3'; save the layer as a GeoPackage, which keeps whole names\n"
        "  - sites.shp: field 'existing_1' | names no catalog product ('1'); a shapefile keeps 10 characters of a "
        "field name, too few to tell the products apart: save the layer as a GeoPackage, which keeps whole names\n")


def test_a_geojson_that_is_not_utf8_is_named_at_its_line(folder: Path, capsys):
    """A name written in Latin-1 (é is byte 0xe9), as a GeoJSON saved in a legacy encoding."""
    path = folder / "sites.geojson"
    text = path.read_text()
    path.write_bytes(text.replace('"West mine park"', '"Café West"').encode("latin-1"))
    offset = text.index('"West mine park"') + 4
    line = text[:offset].count("\n") + 1
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - sites.geojson:{line}: the file is not UTF-8 text (byte 0xe9 at offset {offset}: invalid continuation "
        "byte); save it with the UTF-8 encoding\n")


def test_a_shapefile_whose_cpg_names_the_wrong_encoding_is_refused(folder: Path, capsys):
    """A table written in GBK, its .cpg saying UTF-8."""
    frame = gpd.read_file(folder / "redline.geojson")
    frame["name"] = "滇池"
    frame.to_file(folder / "redline.shp", engine="pyogrio", encoding="GBK")
    (folder / "redline.cpg").write_text("UTF-8")
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.shp}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.shp: the redline layer's table (redline.dbf) holds text that is not UTF-8, the encoding "
        "redline.cpg names (byte 0xb5: invalid start byte); write the table's encoding into redline.cpg (such as "
        "GBK), or save the layer with the UTF-8 encoding\n")


def test_an_empty_layer_file_is_named_empty(folder: Path, capsys):
    (folder / "clusters.geojson").write_bytes(b"")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - clusters.geojson: the file is empty; give the clusters layer as a GeoJSON, GeoPackage or shapefile\n")


def test_an_allowed_zone_shapefile_s_field_is_found_by_its_cut_name(folder: Path):
    """`candidates.allowed_zone.field: industrial_class` in a shapefile, which holds it as
    `industrial`: zone a (20 x 10 km in UTM 48N) is selected and holds two 10 km cells."""
    from siting.prepare.problem import prepare

    zones = gpd.GeoDataFrame({"industrial_class": ["a", "b"]}, crs=UTM,
                             geometry=[box(210_000, 2_730_000, 230_000, 2_740_000),
                                       box(230_000, 2_750_000, 240_000, 2_760_000)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's note on the name it cuts
        zones.to_file(folder / "allowed.shp", engine="pyogrio")
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + "candidates: {cell_size_m: 10000, allowed_zone: {path: allowed.shp, "
                                               "field: industrial_class, values: [a]}}\n")
    prepared = prepare(scenario, {})
    assert prepared.candidate_cells == ("cell-west-21-273", "cell-west-22-273")
    assert prepared.layers.notices == [
        "allowed.shp: a shapefile keeps 10 characters of a field name; read 'industrial' as 'industrial_class'"]


def test_only_the_red_line_polygon_reaching_too_far_is_refused_and_none_drawn_in_the_working_crs():
    """`redline_projection_problems` samples the whole layer's box first and each polygon only when
    that box reaches too far: of a layer of 200 small boxes over Yunnan and one box at 60 to 62 E
    (45 degrees from UTM 48N's meridian, 105 E: lengths stretched up to 1.34 times, areas up to
    about 1.8, within the limit of 2), none is refused; with one more box at 10 to 12 E (95 degrees
    from it: lengths stretched up to 2.84 times), that box alone is named. A polygon drawn in the
    working CRS itself is never refused: nothing is projected, however large it is (a 10,000 km
    square in EPSG:32648)."""
    near = [box(100.0 + i % 20 * 0.2, 22.0 + i // 20 * 0.3, 100.1 + i % 20 * 0.2, 22.1 + i // 20 * 0.3)
            for i in range(200)]
    crs = pyproj.CRS("EPSG:32648")

    def problems(polygons: list[Polygon], drawn_crs: str = "EPSG:4326") -> list[str]:
        drawn = gpd.GeoDataFrame({"id": [f"z{i}" for i in range(len(polygons))]}, geometry=polygons, crs=drawn_crs)
        return redline_projection_problems(drawn, drawn.to_crs(crs), crs, "EPSG:32648", "redline.geojson",
                                           "zone_id")

    assert problems([*near, box(60.0, 20.0, 62.0, 22.0)]) == []
    assert problems([*near, box(60.0, 20.0, 62.0, 22.0), box(10.0, 20.0, 12.0, 22.0)]) == [
        "redline.geojson: geometry | the 202nd feature (zone_id 'z201') cannot be projected truly into the working "
        "CRS EPSG:32648: over its extent (10.00 to 12.00 E, 20.00 to 22.00 N) EPSG:32648 stretches lengths up to "
        "2.84 times, so the sites it holds may not be found in it; clip the red-line layer to the study area and its "
        "surroundings (in QGIS, Vector > Geoprocessing Tools > Clip), or split the polygon"]
    assert problems([box(-5e6, -5e6, 5e6, 5e6)], "EPSG:32648") == []
