"""Three front-door defects, each found as a user meets it:

1. a feature of a layer in longitude/latitude moved out of range (a site at latitude 105 among
   sites in degrees) was refused as a layer that "looks like projected metres", naming no
   feature: the message names the features, their coordinates and what is wrong with them
   (siting/prepare/layers.py `lonlat_problem`);
2. a polygon site whose usable area is left empty takes its drawn polygon's area: the notice
   that says so gives each such site's area in ha, as the plan measures it, on the terminal, in
   the report and in the manifest (siting/prepare/layers.py `_drawn_area_notices`);
3. an output folder from the home folder of a user the system does not know (`~nosuchuser/x`,
   which a shell leaves as it is) or whose home folder does not exist (`~nobody/x`, in
   `/nonexistent`) is refused, as is one whose missing parent folders cannot be made, before
   anything is solved and with nothing written (siting/config/load.py `home_problem`,
   siting/deliver/folders.py `destination_problem`); missing parents that can be made are
   still made, as they always were (`outputs/<run>` in a new project).

The scenario is tests/data/small (points at lon 102.1-103.45, lat 24.6-24.95: sites `w_mine`,
`w_lake`, `e_city`, `e_far`; sources `rock_w`, `li_clay`, ...). Messages are matched whole."""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pyproj
import pytest
import shapely
from shapely.geometry import Point, box

import siting
from siting.cli import main
from siting.config.errors import InputError, OutputFolderError
from siting.deliver.folders import write_folder_atomically
from siting.prepare.layers import _drawn_area_notices, lonlat_problem, to_working_crs
from siting.prepare.problem import prepare
from tests.conftest import run_bad

UTM = "EPSG:32648"
#: The fix and the range that end a problem of features out of range among features in range.
IN_RANGE_FIX = ("correct {its} coordinates (x = longitude from -180 to 180, y = latitude from -90 to 90)")


def move(path: Path, changes: dict[int, list[float]]) -> None:
    """Move the point features of the layer at `path` by place (0-based) to new coordinates."""
    data = json.loads(path.read_text())
    for row, coordinates in changes.items():
        data["features"][row]["geometry"]["coordinates"] = coordinates
    path.write_text(json.dumps(data))


# --- 1. a feature out of range among features in degrees ---------------------------------------


def test_a_site_at_latitude_105_is_named_with_its_coordinates(folder: Path, capsys):
    """Before: "they look like projected metres: give the layer its true CRS, ..." and the bounds
    of the whole layer, naming no site."""
    move(folder / "sites.geojson", {1: [103.0, 105.0]})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: geometry | 1 feature lies out of range for longitude/latitude in EPSG:4326: the 2nd "
        "feature (site_id 'w_lake'), latitude 105 outside -90 to 90 (at x 103, y 105); the layer's other 3 features "
        "lie in range, so the layer is not in projected metres; " + IN_RANGE_FIX.format(its="its") + "\n")


def test_a_source_out_of_range_is_named_with_each_thing_wrong(folder: Path, capsys):
    """The small scenario's second source, `li_clay`, at longitude 200 and latitude 95: both
    named; its first, `rock_w`, stays in range."""
    assert [f["properties"]["source_id"] for f in json.loads((folder / "sources.geojson").read_text())["features"]] == [
        "rock_w", "li_clay"]
    move(folder / "sources.geojson", {1: [200.0, 95.0]})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: geometry | 1 feature lies out of range for longitude/latitude in EPSG:4326: the 2nd "
        "feature (source_id 'li_clay'), longitude 200 outside -180 to 180 and latitude 95 outside -90 to 90 (at x "
        "200, y 95); the layer's other feature lies in range, so the layer is not in projected metres; "
        + IN_RANGE_FIX.format(its="its") + "\n")


def test_a_polygon_is_named_by_its_first_vertex_out_of_range_and_many_are_counted():
    """Seven features, six out of range: all six named, as "and 1 more" would be no shorter than
    the sixth (siting/config/units.py `cut_at`); a polygon by its first vertex out of range,
    (1, 91), not by its first vertex, (1, 89)."""
    geometries = [box(0, 89, 1, 91)] + [Point(10 + i, 100) for i in range(5)] + [Point(1, 1)]
    frame = gpd.GeoDataFrame({"id": [f"f{i}" for i in range(7)]}, geometry=geometries, crs="EPSG:4326")
    assert lonlat_problem(frame, Path("zones.geojson"), "redline", "zone_id") == (
        "zones.geojson: geometry | 6 features lie out of range for longitude/latitude in EPSG:4326: the 1st feature "
        "(zone_id 'f0'), latitude 91 outside -90 to 90 (at x 1, y 91); the 2nd feature (zone_id 'f1'), latitude 100 "
        "outside -90 to 90 (at x 10, y 100); the 3rd feature (zone_id 'f2'), latitude 100 outside -90 to 90 (at x "
        "11, y 100); the 4th feature (zone_id 'f3'), latitude 100 outside -90 to 90 (at x 12, y 100); the 5th feature "
        "(zone_id 'f4'), latitude 100 outside -90 to 90 (at x 13, y 100); the 6th feature (zone_id 'f5'), latitude "
        "100 outside -90 to 90 (at x 14, y 100); the layer's other feature lies "
        "in range, so the layer is not in projected metres; " + IN_RANGE_FIX.format(its="their"))
    assert shapely.get_coordinates(geometries[0])[:2].tolist() == [[1.0, 89.0], [1.0, 91.0]]  # the first in range


def test_a_layer_wholly_out_of_range_but_near_degrees_is_not_called_projected():
    """One site at (103, 105): every feature is out of range, but no coordinate is beyond 1,000,
    as metres of a projected CRS would be: named as out of range, with the true CRS as the other
    fix. A layer in UTM metres is still said to look projected (tests/test_layer_input.py)."""
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(103, 105)], crs="EPSG:4326")
    assert lonlat_problem(frame, Path("sites.geojson"), "sites", "site_id") == (
        "sites.geojson: geometry | 1 feature lies out of range for longitude/latitude in EPSG:4326: the 1st feature "
        "(site_id 'a'), latitude 105 outside -90 to 90 (at x 103, y 105); " + IN_RANGE_FIX.format(its="its")
        + ", or give the layer its true CRS")
    metres = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(500000, 2700000)], crs="EPSG:4326")
    assert "they look like projected metres" in lonlat_problem(metres, Path("sites.geojson"), "sites", "site_id")


# --- 2. the drawn area of a polygon site whose usable area is empty ------------------------------


def square(feature: dict, d: float = 0.005) -> None:
    """Redraw a point site as the square of half-side `d` degrees around it."""
    x, y = feature["geometry"]["coordinates"]
    feature["geometry"] = {"type": "Polygon", "coordinates": [[[x - d, y - d], [x + d, y - d], [x + d, y + d],
                                                              [x - d, y + d], [x - d, y - d]]]}


def empty_areas(folder: Path, rows: list[int]) -> None:
    """The sites at `rows` (0-based) as 0.01 degree squares with an empty usable area."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    for row in rows:
        square(data["features"][row])
        data["features"][row]["properties"]["usable_area_ha"] = None
    path.write_text(json.dumps(data))


def test_the_notice_gives_the_drawn_area_each_site_takes(folder: Path):
    """w_mine and e_far as 0.01 degree squares without a usable area. Each is about 1.012 km (0.01
    degree of longitude at latitude 24.6-24.95: 111.32 km x cos(lat)) by 1.107 km: 112 ha on the
    WGS84 ellipsoid, the site's land (`gross_land_ha`); the notice gives that area in ha, to three
    digits. Before: the sites were named without their areas."""
    empty_areas(folder, [0, 3])
    prepared = prepare(folder / "scenario.yaml", {})
    land = dict(zip(prepared.spatial.sites["id"], prepared.spatial.sites["gross_land_ha"], strict=True))
    drawn = gpd.read_file(folder / "sites.geojson")
    assert drawn.crs == "EPSG:4326"
    geod = pyproj.Geod(ellps="WGS84")
    assert land["w_mine"] == pytest.approx(abs(geod.geometry_area_perimeter(drawn.geometry[0])[0]) / 1e4, rel=1e-6)
    assert land["e_far"] == pytest.approx(abs(geod.geometry_area_perimeter(drawn.geometry[3])[0]) / 1e4, rel=1e-6)
    assert (round(land["w_mine"]), round(land["e_far"])) == (112, 112)
    assert land["w_lake"] == 100.0  # given: not drawn
    assert [n for n in prepared.notices if "usable_area_ha" in n] == [
        "sites.geojson: field 'usable_area_ha' is empty for 2 polygon sites, so their drawn polygons' areas (on the "
        "ellipsoid of EPSG:32648) are used as usable land: the 1st feature (site_id 'w_mine'), 112 ha; the 4th feature "
        "(site_id 'e_far'), 112 ha; give the usable area in ha there where a site can use less than the polygon it is "
        "drawn as"]


def test_the_notice_reaches_the_terminal_the_report_and_the_manifest(folder: Path, capsys, monkeypatch):
    """One site, e_far, drawn as a 0.002 degree square: 0.2019 km (0.002 x 111.32 km x cos 24.95)
    by 0.2216 km, 4.47 ha, times UTM 48N's scale there squared (0.9998 at 1.55 degrees from its
    central meridian)."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    square(data["features"][3], 0.001)
    data["features"][3]["properties"]["usable_area_ha"] = None
    path.write_text(json.dumps(data))
    monkeypatch.chdir(folder)
    assert main(["solve", "scenario.yaml", "--out", "out", "--quiet"]) == 0
    notice = ("sites.geojson: field 'usable_area_ha' is empty for 1 polygon site, so its drawn polygon's area (on the "
              "ellipsoid of EPSG:32648) is used as usable land: the 4th feature (site_id 'e_far'), 4.47 ha; give the "
              "usable area in ha there where a site can use less than the polygon it is drawn as")
    printed = " ".join(capsys.readouterr().out.split())
    assert f"note: {notice}" in printed
    assert notice in json.loads((folder / "out" / "manifest.json").read_text())["notices"]
    assert f"- {notice}\n" in (folder / "out" / "report.md").read_text()


def test_six_sites_are_all_named():
    """Seven polygon sites of 100 m x 100 m (1 ha) in UTM 48N, six without a usable area, one with:
    the sixth named, not "and 1 more" (siting/config/units.py `cut_at`)."""
    squares = [box(500000 + 1000 * i, 2700000, 500100 + 1000 * i, 2700100) for i in range(7)]
    sites = gpd.GeoDataFrame({"id": [f"s{i}" for i in range(7)], "usable_area_ha": [None] * 6 + [5.0]},
                             geometry=squares, crs=UTM)
    sites["usable_area_ha"] = sites["usable_area_ha"].astype(float)
    layer = SimpleNamespace(usable_area_field="area", id_field="site_id")
    assert to_working_crs(sites, sites.crs).geometry.area.tolist() == [10000.0] * 7
    assert _drawn_area_notices(sites, "s.gpkg", layer, sites.crs) == [
        "s.gpkg: field 'area' is empty for 6 polygon sites, so their drawn polygons' areas (on the ellipsoid of "
        "EPSG:32648) are used as usable land: the 1st feature (site_id 's0'), 1 ha; the 2nd feature (site_id 's1'), 1 "
        "ha; the 3rd feature (site_id 's2'), 1 ha; the 4th feature (site_id 's3'), 1 ha; the 5th feature (site_id "
        "'s4'), 1 ha; the 6th feature (site_id 's5'), 1 ha; give the usable area in ha there where a site can use "
        "less than the polygon it is drawn as"]


# --- 3. output folders from home folders that are not there, and parents that cannot be made -----


def refused_out(folder: Path, out: str, capsys) -> str:
    """`siting solve` of the small scenario into `out`, run from `folder`'s parent: exit 2 without
    a traceback; the message."""
    code = main(["solve", "small/scenario.yaml", "--out", out, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def here(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder that holds the small scenario's copy (`small/`), as the current folder."""
    monkeypatch.chdir(folder.parent)
    return folder.parent


def test_out_from_an_unknown_user_s_home_is_refused(here: Path, capsys):
    """Before: `~nosuchuser_3x/x` was made in the current folder, a folder named
    `~nosuchuser_3x`, and the run said `outputs written to` it."""
    assert os.path.expanduser("~nosuchuser_3x/x") == "~nosuchuser_3x/x"
    assert refused_out(here, "~nosuchuser_3x/x", capsys) == (
        "error: 1 problem with the output folder:\n"
        "  - --out | the output folder starts at the home folder of the user 'nosuchuser_3x' (~nosuchuser_3x), but "
        "the system has no such user (got ~nosuchuser_3x/x); check the user's name, or give a path that does not "
        "start with ~\n")
    assert sorted(p.name for p in here.iterdir()) == ["small"]
    with pytest.raises(InputError) as caught:
        siting.run("small/scenario.yaml", "~nosuchuser_3x/x")
    assert caught.value.problems == [
        "out | the output folder starts at the home folder of the user 'nosuchuser_3x' (~nosuchuser_3x), but the "
        "system has no such user (got ~nosuchuser_3x/x); check the user's name, or give a path that does not start "
        "with ~"]
    assert sorted(p.name for p in here.iterdir()) == ["small"]


def test_out_in_a_home_folder_that_does_not_exist_is_refused(here: Path, capsys, monkeypatch):
    """A user whose home folder is missing (as `nobody`'s `/nonexistent`): before, the run made
    the home folder and the output folder in it. `~/x` with HOME naming a missing folder too."""
    gone = here / "gone"
    real = pwd.getpwnam
    monkeypatch.setattr(pwd, "getpwnam", lambda name: SimpleNamespace(pw_dir=str(gone)) if name == "ghost_3x"
                        else real(name))
    assert os.path.expanduser("~ghost_3x/x") == str(gone / "x")
    assert refused_out(here, "~ghost_3x/x", capsys) == (
        "error: 1 problem with the output folder:\n"
        f"  - --out | the output folder starts at the home folder of the user 'ghost_3x' (~ghost_3x), {gone}, which "
        "does not exist (got ~ghost_3x/x); give a folder in a home folder that exists, or a path that does not start "
        "with ~\n")
    monkeypatch.setenv("HOME", str(gone))
    assert refused_out(here, "~/x", capsys) == (
        "error: 1 problem with the output folder:\n"
        f"  - --out | the output folder starts at your home folder (~), {gone}, which does not exist (got ~/x); give "
        "a folder in a home folder that exists, or a path that does not start with ~\n")
    assert not gone.exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where no folder can be made")
def test_out_whose_missing_parents_cannot_be_made_is_refused_before_the_run(here: Path, capsys, monkeypatch):
    """`/proc/zz/yy`: /proc allows no new folder. Before: the check looked only at the write
    permission of /proc (which root has), the run solved, and making `/proc/zz` ended it in a
    traceback (exit 1). Now refused before anything is loaded, as `/proc/zz` always was
    (tests/test_front_door_paths.py)."""
    monkeypatch.setattr("siting.runs.job.prepare", lambda *_args, **_kwargs: pytest.fail("loaded"))
    assert refused_out(here, "/proc/zz/yy", capsys) == (
        "error: 1 problem with the output folder:\n"
        "  - --out | the output folder cannot be created: /proc does not allow new folders, the system says \"No "
        "such file or directory\" (got /proc/zz/yy); choose a folder you can write to\n")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where no folder can be made")
def test_a_parent_that_cannot_be_made_when_the_outputs_are_written_is_an_output_folder_error():
    """Checked before the run, the folder may still change by the end of it: writing then meets
    the folder that cannot be made. Before: FileNotFoundError, a traceback."""
    with pytest.raises(OutputFolderError) as caught:
        write_folder_atomically(Path("/proc/zz/yy"), {"a.txt": "a"}, where="--out")
    assert caught.value.problems == [
        "--out | the output folder cannot be created: /proc/zz could not be made, the system says \"No such file or "
        "directory\" (got /proc/zz/yy); nothing was written there: choose a folder you can write to"]


def test_missing_parents_that_can_be_made_are_made(here: Path, capsys):
    """As before: `runs/2024/plan` in a folder with no `runs`, the way `outputs/<scenario>` is
    made in a new project."""
    assert main(["solve", "small/scenario.yaml", "--out", "runs/2024/plan", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("/runs/2024/plan")
    assert (here / "runs" / "2024" / "plan" / "plan.csv").is_file()
    assert sorted(p.name for p in (here / "runs" / "2024").iterdir()) == ["plan"]
