"""Inputs at the limits of what the tool can read right: a shapefile table whose encoding no file
names, paths that are no regular file (a device, a named pipe) or a file too large to hold,
hubs and a gateway placed where no hub or gateway can be, and a site on the border of two
clusters. Messages are matched whole; distances are derived in the tests from pyproj's
geodesics along each cluster's edges (sampled every 0.001 degree), independently of the tool's
own measure."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Point, box

from siting.config.errors import InputError
from siting.config.load import load_scenario
from siting.prepare.layers import LayerSet, load_layers
from siting.prepare.spatial import RedlineSettings, preprocess
from tests.conftest import edit, run_bad

ROOT = Path(__file__).parent.parent
WGS84 = "EPSG:4326"
UTM = "EPSG:32648"
GEOD = pyproj.Geod(ellps="WGS84")
#: The small scenario's clusters (tests/data/small/clusters.geojson).
WEST, EAST = box(102.0, 24.5, 102.5, 25.0), box(103.0, 24.5, 103.5, 25.0)


def nearest_km(lon: float, lat: float, polygon: shapely.Polygon) -> float:
    """The geodesic distance (km) from (lon, lat) to the edge of a lon/lat `polygon`, its edges
    sampled every 0.001 degree (straight in lon/lat, as GeoJSON draws them)."""
    edge = shapely.segmentize(polygon.exterior, 0.001)
    xy = shapely.get_coordinates(edge)
    _az, _back, metres = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return float(np.min(metres)) / 1000.0


def set_properties(path: Path, feature_id: str, **values: object) -> None:
    """Set properties of the feature `feature_id` (its first property) of a GeoJSON file."""
    data = json.loads(path.read_text())
    for feature in data["features"]:
        if next(iter(feature["properties"].values())) == feature_id:
            feature["properties"].update(values)
    path.write_text(json.dumps(data, ensure_ascii=False))


# --- 1. a shapefile's table whose encoding no file names -------------------------------------


NAMES = ["滇池磷矿", "锂黏土"]  # the sources' names, in Chinese


def sources_shapefile(folder: Path, encoding: str, cpg: bool = False, ldid: int | None = None) -> Path:
    """The small scenario's sources layer as a shapefile with Chinese names, its table written in
    `encoding`, with or without its .cpg file, and with the language driver byte `ldid` (byte 29
    of the .dbf) when given; the scenario pointed at it."""
    frame = gpd.read_file(folder / "sources.geojson")
    frame["name"] = NAMES
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's note on the name it cuts (supply_t_per_yr)
        frame.to_file(folder / "sources.shp", engine="pyogrio", encoding=encoding)
    if not cpg:
        (folder / "sources.cpg").unlink()
    if ldid is not None:
        table = bytearray((folder / "sources.dbf").read_bytes())
        table[29] = ldid
        (folder / "sources.dbf").write_bytes(bytes(table))
    edit(folder / "scenario.yaml", "sources: {path: sources.geojson}", "sources: {path: sources.shp}")
    return folder / "sources.shp"


@pytest.mark.parametrize(("ldid", "says"), [
    (None, "names no code page"),
    (0x57, "says only 'ANSI' (the code page of the system that wrote it)")])
def test_a_gbk_table_without_a_cpg_is_refused_naming_the_field(folder: Path, capsys, ldid: int | None, says: str):
    """GBK bytes with no .cpg and a language byte of 0 (as GDAL writes it) or 0x57 (Windows
    'ANSI'): GDAL would read them as Latin-1, '滇池磷矿' as 'µá³ØÁ×¿ó', without a word. 滇 is
    0xb5 0xe1 in GBK."""
    sources_shapefile(folder, "GBK", ldid=ldid)
    assert (folder / "sources.dbf").read_bytes()[29] == (ldid or 0)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.shp: field 'name' | the sources layer's table (sources.dbf) holds text that is not UTF-8 (byte "
        "0xb5 in the 1st feature (source_id 'rock_w')), and no file says which encoding it is in: there is no "
        f"sources.cpg and the table's language driver byte {says}, so it would be read as Latin-1, garbled; write "
        "the table's encoding into sources.cpg (such as GBK), or save the layer with the UTF-8 encoding\n")


def test_a_utf8_table_without_a_cpg_is_read_as_utf8(folder: Path):
    """UTF-8 bytes with no .cpg: read as UTF-8 (GDAL alone reads them as ISO-8859-1)."""
    sources_shapefile(folder, "UTF-8")
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.sources["name"]) == NAMES


def test_a_gbk_table_whose_language_byte_names_gbk_is_read_as_gbk(folder: Path):
    """Language driver 0x4d is code page 936 (GBK): the table says its encoding, GDAL reads it."""
    sources_shapefile(folder, "GBK", ldid=0x4D)
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.sources["name"]) == NAMES


def test_a_gbk_table_with_a_cpg_naming_gbk_is_read_as_gbk(folder: Path):
    sources_shapefile(folder, "GBK", cpg=True)
    assert (folder / "sources.cpg").read_text() == "GBK"
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.sources["name"]) == NAMES


def test_a_gbk_field_name_without_a_cpg_is_refused(folder: Path, capsys):
    """A field named '备注' (notes) in GBK (0xb1 0xb8 0xd7 0xa2), the values plain ASCII."""
    frame = gpd.read_file(folder / "sources.geojson")
    frame["备注"] = "x"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(folder / "sources.shp", engine="pyogrio", encoding="GBK")
    (folder / "sources.cpg").unlink()
    edit(folder / "scenario.yaml", "sources: {path: sources.geojson}", "sources: {path: sources.shp}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.shp: field 6 | the sources layer's table (sources.dbf) holds a field name that is not UTF-8 "
        "(byte 0xb1), and no file says which encoding it is in: there is no sources.cpg and the table's language "
        "driver byte names no code page, so it would be read as Latin-1, garbled; write the table's encoding into "
        "sources.cpg (such as GBK), or save the layer with the UTF-8 encoding\n")


# --- 2. paths that are no regular file, and files too large -----------------------------------


@contextlib.contextmanager
def guarded(folder: Path, timeout: float) -> Iterator[list[str]]:
    """A block whose read of a named pipe in `folder` cannot wait for ever, nor a read without end
    take all memory: after `timeout` s (and each second after) a watchdog thread opens each named
    pipe of `folder` for writing and closes it, so that an `open` or read waiting there (in Python
    or in GDAL) gets the end of the file and the block ends, and the list the block is handed
    names them (a test asserts it empty: the tool must refuse the path before it opens it); the
    process's private memory is capped at 4 GB more than it holds while the block runs (a read
    that never ends fails fast, with MemoryError). The cap is put back after it."""
    stopped: list[str] = []
    done = threading.Event()

    def watch() -> None:
        wait = timeout
        while not done.wait(wait):
            for pipe in sorted(folder.iterdir()):
                if pipe.is_fifo():
                    with contextlib.suppress(OSError):  # ENXIO: nobody reads it now
                        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
                        stopped.append(pipe.name)
            wait = 1.0

    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    held = int(next(line.split()[1] for line in Path("/proc/self/status").read_text().splitlines()
                    if line.startswith("VmData:"))) * 1024
    cap = held + (4 << 30) if hard == resource.RLIM_INFINITY else min(held + (4 << 30), hard)
    watchdog = threading.Thread(target=watch, daemon=True)
    watchdog.start()
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield stopped
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
        done.set()
        watchdog.join()


def solve_guarded(folder: Path, scenario: str, capsys: pytest.CaptureFixture[str],
                  monkeypatch: pytest.MonkeyPatch, timeout: float = 60.0) -> tuple[int, str]:
    """`siting solve <scenario> --out out --quiet` run in this process from `folder`, `guarded`
    (a named pipe it waits at is closed after `timeout` s, its memory is capped): its exit code
    and what it wrote to stderr. The tool refuses a path that is no regular file before it opens
    it; a test of that ran a child process, stopped after the timeout, to the same end."""
    from siting.cli import main

    capsys.readouterr()
    with monkeypatch.context() as patch, guarded(folder, timeout) as stopped:
        patch.chdir(folder)
        code = main(["solve", scenario, "--out", "out", "--quiet"])
    assert stopped == [], f"the run waited {timeout} s at a named pipe"
    return code, capsys.readouterr().err


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                                reason="named pipes and /dev/zero are POSIX")


@needs_fifo
def test_a_named_pipe_as_the_scenario_is_refused(tmp_path: Path, capsys, monkeypatch):
    os.mkfifo(tmp_path / "pipe.yaml")
    assert solve_guarded(tmp_path, "pipe.yaml", capsys, monkeypatch) == (2, (
        "error: 1 problem in the input:\n"
        "  - pipe.yaml: is a named pipe (FIFO), not a file; give the path of a YAML file\n"))


@needs_fifo
def test_dev_zero_as_the_scenario_is_refused(tmp_path: Path, capsys, monkeypatch):
    assert solve_guarded(tmp_path, "/dev/zero", capsys, monkeypatch) == (2, (
        "error: 1 problem in the input:\n"
        "  - /dev/zero: is a character device, not a file; give the path of a YAML file\n"))


@needs_fifo
def test_a_named_pipe_as_a_layer_is_refused(folder: Path, capsys, monkeypatch):
    os.mkfifo(folder / "pipe.geojson")
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: pipe.geojson}")
    assert solve_guarded(folder, "scenario.yaml", capsys, monkeypatch) == (2, (
        "error: 1 problem in the input:\n"
        "  - pipe.geojson: the sites layer's path is a named pipe (FIFO), not a file; give the path of the layer's "
        "file (a GeoJSON, GeoPackage or shapefile); its path is set by layers.sites.path at scenario.yaml:8 "
        "(relative paths start at the folder of the file that names it)\n"))


@needs_fifo
def test_dev_zero_as_a_layer_is_refused(folder: Path, capsys):
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: /dev/zero}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - /dev/zero: the redline layer's path is a character device, not a file; give the path of the layer's "
        "file (a GeoJSON, GeoPackage or shapefile); its path is set by layers.redline.path at scenario.yaml:9 "
        "(relative paths start at the folder of the file that names it)\n")


@needs_fifo
def test_a_named_pipe_as_a_base_scenario_or_the_catalog_is_refused(folder: Path, capsys, monkeypatch):
    os.mkfifo(folder / "pipe.yaml")
    edit(folder / "scenario.yaml", "catalog: catalog.yaml", "catalog: pipe.yaml\nextends: pipe.yaml")
    assert solve_guarded(folder, "scenario.yaml", capsys, monkeypatch) == (2, (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:5: extends | is a named pipe (FIFO), not a file (got 'pipe.yaml'); give the path of a "
        "base scenario file\n"))
    edit(folder / "scenario.yaml", "\nextends: pipe.yaml", "")
    assert solve_guarded(folder, "scenario.yaml", capsys, monkeypatch) == (2, (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:4: catalog | is a named pipe (FIFO), not a file (got 'pipe.yaml'); give the path of the "
        "catalog file\n"))


def test_a_scenario_file_over_16_mb_is_refused_unread(tmp_path: Path, capsys):
    """A file of 17,000,000 bytes (sparse: nothing is written, nothing read)."""
    from siting.cli import main

    with (tmp_path / "big.yaml").open("wb") as stream:
        stream.truncate(17_000_000)
    assert main(["solve", str(tmp_path / "big.yaml"), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.replace(str(tmp_path) + "/", "") == (
        "error: 1 problem in the input:\n"
        "  - big.yaml: the file is 17.0 MB, more than the 16 MB a YAML file of settings may be; check that it is "
        "the file meant\n")


def test_a_geojson_layer_over_256_mb_is_refused_unread(folder: Path, capsys):
    """GDAL and the checks read a GeoJSON whole: a file of 300,000,000 bytes (sparse) is refused."""
    with (folder / "redline.geojson").open("r+b") as stream:
        stream.truncate(300_000_000)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: the file is 300.0 MB, more than the 256 MB a GeoJSON layer may be (it is read whole); "
        "save the redline layer as a GeoPackage (.gpkg)\n")


# --- 3. hubs and the gateway where none can be -------------------------------------------------


def test_a_hub_given_latitude_first_is_refused_as_swapped(folder: Path, capsys):
    set_properties(folder / "clusters.geojson", "west", hub_lon=24.75, hub_lat=102.25)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - clusters.geojson: fields 'hub_lon' and 'hub_lat' | latitude first for the 1st feature (cluster_id "
        "'west') (got hub_lon 24.75, hub_lat 102.25): no latitude is above 90; put the longitude in 'hub_lon' and "
        "the latitude in 'hub_lat'\n")


def test_a_hub_far_outside_its_cluster_is_refused(folder: Path, capsys):
    """112.25 E for 102.25 E: the west hub ~985 km east of its cluster, whose east edge is 102.5 E."""
    set_properties(folder / "clusters.geojson", "west", hub_lon=112.25)
    km = nearest_km(112.25, 24.75, WEST)
    assert 980 < km < 990
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - clusters.geojson: fields 'hub_lon' and 'hub_lat' | the hub of the 1st feature (cluster_id 'west') lies "
        f"{km:,.0f} km outside its cluster, more than the 50 km a hub may (got hub_lon 112.25, hub_lat 24.75); give "
        "the hub's longitude and latitude (WGS84 degrees) in or near its cluster, or leave both empty to place it "
        "inside the cluster\n")


def test_a_hub_that_swapped_would_lie_in_its_cluster_is_named_swapped(tmp_path: Path, capsys):
    """A cluster at 40-41 E, 60-61 N, its hub given as (60.5, 40.5): in range either way, 2,000
    km off as given; swapped, (40.5, 60.5), inside the cluster."""
    folder = tmp_path / "north"
    shutil.copytree(ROOT / "tests" / "data" / "small", folder)
    clusters = gpd.GeoDataFrame({"cluster_id": ["n"], "hub_lon": [60.5], "hub_lat": [40.5]},
                                geometry=[box(40.0, 60.0, 41.0, 61.0)], crs=WGS84)
    clusters.to_file(folder / "clusters.geojson", engine="pyogrio")
    km = nearest_km(60.5, 40.5, box(40.0, 60.0, 41.0, 61.0))
    with pytest.raises(InputError) as err:
        load_layers(load_scenario(folder / "scenario.yaml"))
    assert [p.replace(str(folder) + "/", "") for p in err.value.problems] == [
        f"clusters.geojson: fields 'hub_lon' and 'hub_lat' | the hub of the 1st feature (cluster_id 'n') lies "
        f"{km:,.0f} km outside its cluster, more than the 50 km a hub may (got hub_lon 60.5, hub_lat 40.5); swapped, "
        "it lies inside the cluster: put the longitude in 'hub_lon' and the latitude in 'hub_lat'"]


def test_each_hub_coordinate_out_of_range_is_shown_beside_its_cluster_as_typed(folder: Path, capsys):
    """A text ('far') for the west hub's longitude and 2.0E2 (200, beyond 180) for the east one's:
    one message names both clusters, each with its value as the file types it."""
    set_properties(folder / "clusters.geojson", "west", hub_lon="far")
    edit(folder / "clusters.geojson", '"hub_lon": 103.25', '"hub_lon": 2.0E2')
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - clusters.geojson: field 'hub_lon' | not a coordinate in degrees for the 1st feature (cluster_id 'west') "
        "(got 'far') and the 2nd (cluster_id 'east') (got 2.0E2); use a number from -180 to 180\n")


def test_a_hub_near_its_cluster_is_taken(folder: Path):
    """102.8 E, 24.75 N: 30 km east of the west cluster (and 20 km west of the east one)."""
    set_properties(folder / "clusters.geojson", "west", hub_lon=102.8)
    assert 29 < nearest_km(102.8, 24.75, WEST) < 31
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.clusters["hub_lon"]) == [102.8, 103.25]


def test_a_gateway_far_from_every_cluster_is_refused(folder: Path, capsys):
    """-102.75 for 102.75 (the sign lost): the gateway in Mexico, ~13,000 km from the clusters."""
    edit(folder / "scenario.yaml", "lon: 102.75", "lon: -102.75")
    km = min(nearest_km(-102.75, 24.75, WEST), nearest_km(-102.75, 24.75, EAST))
    assert 12_000 < km < 14_000
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - scenario.yaml:38: network.gateway | lies {km:,.0f} km from the nearest cluster, more than the 5,000 km "
        "a gateway may (got lon -102.75, lat 24.75); give the longitude and latitude (WGS84 degrees) of the point "
        "where imports arrive and sales leave the region\n")


def test_a_gateway_given_latitude_first_is_named_swapped(folder: Path, capsys):
    edit(folder / "scenario.yaml", "lon: 102.75, lat: 24.75", "lon: 24.75, lat: 102.75")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:38: network.gateway.lat | must be less than or equal to 90 (got 102.75); it is a "
        "longitude, and lon (24.75) a latitude: put the longitude in lon and the latitude in lat\n")


@pytest.mark.parametrize("lon_lat", ["108.35, lat: 21.6", "121.47, lat: 31.23", "127.5, lat: 50.25"])
def test_a_gateway_at_a_port_or_crossing_of_china_is_taken(folder: Path, lon_lat: str):
    """Kunming's rail hub would do; so do a port or border crossing that serves the region:
    Fangchenggang (108.35 E, 21.6 N, some 700 km away), Shanghai (1,960 km), Heihe on the Amur
    (3,500 km)."""
    from siting.prepare.checks import check_against_layers

    edit(folder / "scenario.yaml", "lon: 102.75, lat: 24.75", f"lon: {lon_lat}")
    loaded = load_scenario(folder / "scenario.yaml")
    problems, _notices = check_against_layers(loaded, load_layers(loaded))
    assert problems == []


# --- 4. a site on the border of two clusters --------------------------------------------------


def layers_of(sites: list[tuple[str, shapely.Geometry]], clusters: list[tuple[str, shapely.Geometry]]) -> LayerSet:
    return LayerSet(
        clusters=gpd.GeoDataFrame({"id": [c[0] for c in clusters]}, geometry=[c[1] for c in clusters], crs=UTM),
        sites=gpd.GeoDataFrame({"id": [s[0] for s in sites], "usable_area_ha": [10.0] * len(sites)},
                               geometry=[s[1] for s in sites], crs=UTM),
        redline=gpd.GeoDataFrame({"id": [], "category": []}, geometry=[], crs=UTM),
        sources=gpd.GeoDataFrame({"id": [], "resource": [], "supply_t_per_yr": [], "status": []}, geometry=[],
                                 crs=UTM),
        existing_columns={},
        paths={"sites": Path("sites.geojson"), "clusters": Path("clusters.geojson")},
    )


NO_REDLINE = RedlineSettings(enabled=False, buffer_m=0.0, categories=None, setbacks_m={})
X0, Y0 = 500_000.0, 2_750_000.0


def test_a_site_on_the_edge_two_clusters_share_joins_the_first_and_says_so():
    """Clusters a (x 0 to 1,000 m) and b (x 1,000 to 2,000 m) share the edge x = 1,000 m. A site
    on it (within 1 m of each, inside neither by more) joins a, the first in the clusters layer;
    one 0.5 m east of it too; one 2 m east of it is inside b and joins b, unsaid; one on a's
    outer edge (x = 0) joins a, unsaid: it can belong to no other."""
    a, b = box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)
    sites = [("edge", Point(X0 + 1000, Y0 + 500)), ("half_m", Point(X0 + 1000.5, Y0 + 500)),
             ("two_m", Point(X0 + 1002, Y0 + 500)), ("outer", Point(X0, Y0 + 500))]
    result = preprocess(layers_of(sites, [("a", a), ("b", b)]), ["p"], NO_REDLINE, UTM, "error", 1.0)
    assert dict(zip(result.sites["id"], result.sites["cluster"], strict=True)) == {
        "edge": "a", "half_m": "a", "two_m": "b", "outer": "a"}
    assert result.notices == tuple(
        f"sites.geojson: site '{site}' lies on the border of clusters 'a' and 'b' (within 1 m of each): it joins "
        "'a', the first of them in the clusters layer; if it belongs to another, move it inside that cluster"
        for site in ("edge", "half_m"))


def test_a_site_inside_one_cluster_and_on_the_edge_of_another_joins_the_one_it_is_inside():
    """Cluster b reaches 0.5 m into a (x 999.5 to 2,000 m). A site at x = 998.6 m lies 1.4 m
    inside a and 0.9 m outside b, within 1 m of b's edge: it joins a, the cluster it lies inside
    (by more than 1 m), though b stands first in the clusters layer."""
    a, b = box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 999.5, Y0, X0 + 2000, Y0 + 1000)
    sites = [("sliver", Point(X0 + 998.6, Y0 + 500))]
    result = preprocess(layers_of(sites, [("b", b), ("a", a)]), ["p"], NO_REDLINE, UTM, "error", 1.0)
    assert list(result.sites["cluster"]) == ["a"]
    assert result.notices == (
        "sites.geojson: site 'sliver' lies inside cluster 'a' and on the border of cluster 'b' (within 1 m of its "
        "edge): it joins 'a', the cluster it lies inside; if it belongs to 'b', move it inside that cluster",)


def test_the_border_notice_reaches_the_run_s_notices(folder: Path):
    """The east cluster widened west to 102.4 E: the site w_lake (102.4 E, 24.9 N) lies on its
    edge, 10 km inside the west cluster (to 102.5 E), and joins west. The notice names the sites
    file relative to the scenario in the run's files."""
    from siting.prepare.problem import prepare

    path = folder / "clusters.geojson"
    text = path.read_text()
    widened = text.replace("103.0,\n       24.5", "102.4,\n       24.5").replace(
        "103.0,\n       25.0", "102.4,\n       25.0")
    assert widened.count("102.4,") == 3
    path.write_text(widened)
    prepared = prepare(folder / "scenario.yaml", {})
    assert prepared.spatial.sites.set_index("id")["cluster"].to_dict() == {
        "w_mine": "west", "w_lake": "west", "e_city": "east", "e_far": "east"}
    assert [n for n in prepared.notices if "border" in n] == [
        "sites.geojson: site 'w_lake' (West lakeside) lies inside cluster 'west' and on the border of cluster "
        "'east' (within 1 m of its edge): it joins 'west', the cluster it lies inside; if it belongs to 'east', "
        "move it inside that cluster"]
