"""A shapefile whose .prj is there but holds no CRS GDAL or PROJ can read: the message says that
the .prj cannot be read, names it, quotes how it starts and says to replace it, rather than ask
for a .prj the layer has (`has no CRS ... add the .prj`). The layer is tests/data/small's red
line, written as a shapefile by geopandas (pyogrio) with its .prj, which is then overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest

from siting.cli import main
from tests.conftest import edit, run_bad

FIX = ("replace it with a valid WKT .prj, such as the one QGIS writes when it saves the layer (Export > Save "
       "Features As, with the layer's CRS)")


def redline_shapefile(folder: Path, prj: bytes | None) -> Path:
    """The red line of `folder` as redline.shp, which the scenario then names; its .prj holding
    `prj` (removed for None). The path of the .prj."""
    frame = gpd.read_file(folder / "redline.geojson")
    frame.to_file(folder / "redline.shp", engine="pyogrio")
    target = folder / "redline.prj"
    assert target.read_text().startswith("GEOGCS[")  # the .prj GDAL wrote, read as WGS84 before it is overwritten
    if prj is None:
        target.unlink()
    else:
        target.write_bytes(prj)
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.shp}")
    return target


def one_problem(text: str) -> str:
    return f"error: 1 problem in the input:\n  - {text}\n"


@pytest.mark.parametrize(("prj", "said"), [
    (b"garbage", "it starts 'garbage'"),
    (b"garbage\n", "it starts 'garbage'"),
    (b"", "it is empty"),
    (b"   \r\n", "it is empty"),
    (b"not a CRS at all, but a note someone saved under the wrong name", "it starts 'not a CRS at all, but a "
     "note someone sav...'"),
    (b"\xff\xfe\x00\x01", "it starts '\\xff\\xfe\\x00\\x01'"),
])
def test_unreadable_prj_is_named(folder: Path, capsys: pytest.CaptureFixture[str], prj: bytes, said: str):
    redline_shapefile(folder, prj)
    assert run_bad(folder, capsys) == one_problem(
        f"redline.shp: redline layer | its .prj file (redline.prj) holds no CRS that can be read ({said}); {FIX}")


def test_prj_that_breaks_off(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A WKT cut short: GDAL reads it, PROJ does not. Not "cannot read the redline layer": the
    layer itself is fine."""
    redline_shapefile(folder, b'PROJCS["WGS 84 / UTM zone 48N",GEOGCS["WGS 84"')
    message = run_bad(folder, capsys)
    assert message.startswith(one_problem(
        "redline.shp: redline layer | its .prj file (redline.prj) holds no CRS that can be read (it starts "
        "'PROJCS[\"WGS 84 / UTM zone 48N\",GEOGCS[\"W...')")[:-1])
    assert message.endswith(f"; {FIX}\n")
    assert "cannot read the redline layer" not in message


def test_check_names_the_unreadable_prj_as_solve_does(folder: Path, capsys: pytest.CaptureFixture[str]):
    redline_shapefile(folder, b"garbage")
    assert main(["check", str(folder / "scenario.yaml"), "--out", str(folder / "out")]) == 2
    assert capsys.readouterr().err.replace(str(folder) + "/", "") == one_problem(
        f"redline.shp: redline layer | its .prj file (redline.prj) holds no CRS that can be read (it starts "
        f"'garbage'); {FIX}")


def test_missing_prj_still_asks_for_one(folder: Path, capsys: pytest.CaptureFixture[str]):
    redline_shapefile(folder, None)
    assert run_bad(folder, capsys) == one_problem(
        "redline.shp: redline layer | has no CRS; assign one (for GeoJSON, coordinates are WGS84 lon/lat by RFC 7946; "
        "for a shapefile add the .prj)")


def test_local_prj_keeps_its_message(folder: Path, capsys: pytest.CaptureFixture[str]):
    redline_shapefile(folder, b'LOCAL_CS["site grid",LOCAL_DATUM["none",0],UNIT["metre",1]]')
    assert run_bad(folder, capsys) == one_problem(
        "redline.shp: redline layer | its CRS is not a geographic or projected CRS that can be transformed (got "
        "'site grid'); give the layer a known CRS, such as EPSG:4326 or a UTM zone")


def test_geojson_crs_member_that_cannot_be_resolved(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A GeoJSON `crs` member GDAL cannot resolve does not take the path of a missing CRS: GDAL
    reads the layer as WGS84 in its place, and the member is named."""
    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["crs"] = {"type": "name", "properties": {"name": "garbage"}}
    path.write_text(json.dumps(data))
    message = run_bad(folder, capsys)
    assert message.startswith(one_problem(
        "redline.geojson: crs | the redline layer's crs member names a CRS that GDAL cannot resolve (got 'garbage')"
    )[:-1])
    assert "has no CRS" not in message and ".prj" not in message
