"""A layer of longitude/latitude labelled with a projected CRS is refused, naming the file, the
CRS and its coordinates. Read as metres, such a red line lay on the equator (for UTM 48N) and
excluded nothing, sources lay out of every reach, and the run ended with exit 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.cli import main

UTM48N = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32648"}}


def label(path: Path, crs: dict) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["crs"] = crs
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("layer, role", [("redline.geojson", "redline"), ("sources.geojson", "sources"),
                                         ("sites.geojson", "sites")])
def test_degrees_labelled_utm_are_refused(folder: Path, tmp_path: Path, capsys, layer: str, role: str):
    label(folder / layer, UTM48N)
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(tmp_path / "out"), "--quiet"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "Traceback" not in err
    assert (f"{layer}: geometry | the {role} layer is in EPSG:32648 (WGS 84 / UTM zone 48N), a projected CRS in "
            "metres, but its coordinates (x ") in err
    assert ("look like longitude/latitude in degrees: give the layer its true CRS (EPSG:4326 for "
            "longitude/latitude on WGS84)") in err
    assert not (tmp_path / "out").exists()


def test_the_red_line_s_own_coordinates_are_named(folder: Path, tmp_path: Path, capsys):
    label(folder / "redline.geojson", UTM48N)
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "(x 102.38 to 102.42, y 24.88 to 24.92)" in capsys.readouterr().err


def test_metres_in_a_projected_crs_are_read(folder: Path, tmp_path: Path):
    """The same red line reprojected to UTM 48N metres, so labelled: read, and the run solves."""
    import geopandas as gpd

    frame = gpd.read_file(folder / "redline.geojson").to_crs(32648)
    (folder / "redline.geojson").unlink()
    frame.to_file(folder / "redline.geojson", driver="GeoJSON")
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(tmp_path / "out"), "--quiet"]) == 0
