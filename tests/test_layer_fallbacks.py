"""Layer inputs that GDAL or the tool once took in silently, each now refused or said in a notice:
a sites layer of points and polygons, whose outputs draw every site as a point; a hub with one
coordinate empty, which moved to a point inside its cluster; a GeoJSON `crs` member GDAL cannot
resolve, read as WGS84 in its place. Messages are matched whole."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, box

from siting.cli import main
from siting.config.load import load_scenario
from siting.prepare.layers import LayerSet, load_layers
from siting.prepare.spatial import RedlineSettings, preprocess
from tests.conftest import on_ellipsoid, run_bad

UTM = "EPSG:32648"
# A point well inside Yunnan in UTM 48N (about 102.9 E, 25.0 N).
X0, Y0 = 800_000.0, 2_770_000.0



def change_features(path: Path, change) -> None:
    """Apply `change(feature)` to every feature of a GeoJSON file."""
    data = json.loads(path.read_text())
    for feature in data["features"]:
        change(feature)
    path.write_text(json.dumps(data))


def solve(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """Solve `folder`/scenario.yaml, expecting success: the output folder and what was printed."""
    out = folder / "out"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return out, captured.out + captured.err


# --- a sites layer of points and polygons --------------------------------------------------------


MIXED_NOTICE = (
    "sites.geojson: the sites layer mixes 1 polygon site and 3 point sites: sites.geojson and the sites layer of "
    "plan.gpkg draw every site as a point (a polygon site at the point inside it from which the plan measures its "
    "distances), and the polygon is drawn in site_areas.geojson and the site_areas layer of plan.gpkg; the plan "
    "takes each polygon site as drawn (its usable land and footprint_ha are kept); give every site as a polygon to "
    "see every outline in the sites layer")


def test_a_sites_layer_of_points_and_polygons_says_how_the_outputs_draw_it(folder: Path, capsys):
    """w_mine drawn as a 0.02 degree square around its point: the plan's sites layers give it as a
    point, its outline goes to site_areas, and a notice says so in the run's notices."""
    def square(feature: dict) -> None:
        if feature["properties"]["site_id"] == "w_mine":
            feature["geometry"] = shapely.geometry.mapping(box(102.09, 24.59, 102.11, 24.61))

    change_features(folder / "sites.geojson", square)
    out, printed = solve(folder, capsys)
    assert MIXED_NOTICE in json.loads((out / "manifest.json").read_text())["notices"]
    assert " ".join(printed.split()).count("the sites layer mixes 1 polygon site and 3 point sites") == 1
    sites = {f["properties"]["id"]: f for f in json.loads((out / "sites.geojson").read_text())["features"]}
    assert {f["geometry"]["type"] for f in sites.values()} == {"Point"}
    assert sites["w_mine"]["properties"]["footprint_ha"] > 0
    areas = json.loads((out / "site_areas.geojson").read_text())["features"]
    assert [(f["properties"]["id"], f["geometry"]["type"]) for f in areas] == [("w_mine", "Polygon")]


def test_a_sites_layer_of_one_kind_has_no_such_notice(folder: Path):
    notices = load_layers(load_scenario(folder / "scenario.yaml")).notices
    assert not [n for n in notices if "mixes" in str(n)]


def test_polygon_sites_among_point_sites_keep_their_drawn_land_and_partial_exclusion():
    """The plan takes each site of a mixed layer as drawn. A lake strip (x <= X0+2000) buffered by
    500 m reaches x = X0+2500. Polygon `s`, 1000 m x 1000 m (100 ha) from x = X0+2000 to X0+3000,
    with no usable area given: its drawn 100 ha (in UTM; on the ellipsoid, divided by the areal scale
    at its centre), of which the half outside the zone stays, 50 ha.
    Polygon `d`, the same square 10 km north, gives 80 ha: half of it, 40 ha. Point `in` at
    X0+2400 lies in the zone (0 ha); point `out` at X0+2600 keeps its 30 ha."""
    strip = box(X0 - 5_000, Y0 - 20_000, X0 + 2_000, Y0 + 20_000)
    sites = [("s", box(X0 + 2_000, Y0, X0 + 3_000, Y0 + 1_000), None),
             ("d", box(X0 + 2_000, Y0 + 10_000, X0 + 3_000, Y0 + 11_000), 80.0),
             ("in", Point(X0 + 2_400, Y0 + 5_000), 30.0), ("out", Point(X0 + 2_600, Y0 + 5_000), 30.0)]
    layers = LayerSet(
        clusters=gpd.GeoDataFrame({"id": ["c"]}, geometry=[box(X0 - 50_000, Y0 - 50_000, X0 + 50_000, Y0 + 50_000)],
                                  crs=UTM),
        sites=gpd.GeoDataFrame({"id": [s[0] for s in sites], "usable_area_ha": [s[2] for s in sites]},
                               geometry=[s[1] for s in sites], crs=UTM),
        redline=gpd.GeoDataFrame({"id": ["lake"], "category": ["lake"]}, geometry=[strip], crs=UTM),
        sources=gpd.GeoDataFrame({"id": [], "resource": [], "supply_t_per_yr": [], "status": []}, geometry=[],
                                 crs=UTM),
        existing_columns={},
    )
    rule = RedlineSettings(enabled=True, buffer_m=500.0, categories=None, setbacks_m={})
    result = preprocess(layers, ["p"], rule, UTM, "error", 1.0)
    land = dict(zip(result.land["site"], result.land["land_after_redline_ha"], strict=True))
    assert land == pytest.approx({"d": 40.0, "in": 0.0, "out": 30.0, "s": land["s"]}, rel=1e-12, abs=1e-12)
    assert land["s"] == pytest.approx(on_ellipsoid(50.0, sites[0][1]), rel=1e-7)
    gross = dict(zip(result.sites["id"], result.sites["gross_land_ha"], strict=True))
    assert gross == pytest.approx({"d": 80.0, "in": 30.0, "out": 30.0, "s": gross["s"]}, rel=1e-12)
    assert gross["s"] == pytest.approx(on_ellipsoid(100.0, sites[0][1]), rel=1e-7)
    assert land["s"] == pytest.approx(gross["s"] / 2, rel=1e-12)


# --- a hub with one coordinate empty -------------------------------------------------------------


def set_hub(folder: Path, cluster: str, **values: object) -> None:
    def change(feature: dict) -> None:
        if feature["properties"]["cluster_id"] == cluster:
            feature["properties"].update(values)

    change_features(folder / "clusters.geojson", change)


@pytest.mark.parametrize(("values", "message"), [
    ({"hub_lat": None}, "field 'hub_lat' | empty (null or NaN) for the 1st feature (cluster_id 'west'), whose "
                        "'hub_lon' is given: a hub needs both coordinates; give the hub's latitude (WGS84 degrees), "
                        "or leave both empty to place the hub at a point inside its cluster"),
    ({"hub_lon": None}, "field 'hub_lon' | empty (null or NaN) for the 1st feature (cluster_id 'west'), whose "
                        "'hub_lat' is given: a hub needs both coordinates; give the hub's longitude (WGS84 degrees), "
                        "or leave both empty to place the hub at a point inside its cluster"),
])
def test_a_hub_with_one_coordinate_empty_is_refused(folder: Path, capsys, values: dict, message: str):
    """Before, the west hub moved silently from (102.25, 24.75) to a point inside its cluster."""
    set_hub(folder, "west", **values)
    assert run_bad(folder, capsys) == f"error: 1 problem in the input:\n  - clusters.geojson: {message}\n"


def test_a_hub_with_both_coordinates_empty_is_placed_inside_its_cluster_with_a_notice(folder: Path):
    set_hub(folder, "east", hub_lon=None, hub_lat=None)
    notices = [str(n) for n in load_layers(load_scenario(folder / "scenario.yaml")).notices]
    assert ("clusters.geojson: fields 'hub_lon' and 'hub_lat' are empty (null or NaN) for the 2nd feature "
            "(cluster_id 'east'): the hub is placed at the representative point of the cluster's polygon (a point "
            "inside it); give both coordinates (WGS84 degrees) to place it") in notices


# --- a GeoJSON crs member GDAL cannot resolve ----------------------------------------------------


def name_crs(path: Path, member: object) -> None:
    data = json.loads(path.read_text())
    data["crs"] = member
    path.write_text(json.dumps(data))


FIX = ("so its coordinates would be read as WGS84 longitude/latitude in its place; give a known EPSG code (such as "
       "\"EPSG:32648\" for UTM 48N), or remove the crs member if the coordinates are WGS84 longitude/latitude "
       "(GeoJSON's own CRS, RFC 7946)")


@pytest.mark.parametrize(("member", "got"), [
    ({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},
     "(got 'urn:ogc:def:crs:EPSG::999999')"),
    ({"type": "name", "properties": {"name": "EPSG::999999"}}, "(got 'EPSG::999999')"),
    ({"type": "EPSG", "properties": {"code": 999999}}, "(got 'EPSG:999999')"),
    ("EPSG:32648", "(got '\"EPSG:32648\"')"),
    ({"type": "name", "properties": {"name": "EPSG::32648"}},
     "(got 'EPSG::32648') (pyproj reads it as EPSG:32648, WGS 84 / UTM zone 48N: write \"EPSG:32648\" there if that is "
     "meant)"),
])
def test_a_crs_member_gdal_cannot_resolve_is_refused(folder: Path, capsys, member: object, got: str):
    """GDAL reads each of these as WGS84 without a word (exit 0 before)."""
    name_crs(folder / "sources.geojson", member)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n  - sources.geojson: crs | the sources layer's crs member names a CRS that "
        f"GDAL cannot resolve {got}, {FIX}\n")


@pytest.mark.parametrize("member", [
    None,
    {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    {"type": "name", "properties": {"name": "CRS84"}},
    {"type": "name", "properties": {"name": "EPSG:4326"}},
    {"type": "EPSG", "properties": {"code": 4326}},
])
def test_a_crs_member_naming_wgs84_is_taken(folder: Path, member: object):
    name_crs(folder / "sources.geojson", member)
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert layers.sources.crs.to_string() == "EPSG:4326"


def test_a_crs_member_gdal_resolves_is_taken(folder: Path):
    """The sources given in UTM 48N metres, as their crs member says: read in that CRS."""
    path = folder / "sources.geojson"
    frame = gpd.read_file(path).to_crs(UTM)
    frame.to_file(path, driver="GeoJSON")
    name_crs(path, {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}})
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert layers.sources.crs.to_string() == UTM
