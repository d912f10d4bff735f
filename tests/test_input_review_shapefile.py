"""A shapefile given without a companion file GDAL needs (its .dbf, the attribute table; its .shx,
the index): one problem naming the missing file, not each field "missing from the layer"."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pytest

from siting.cli import main


def shapefile(folder: Path, *missing: str) -> Path:
    """The clusters layer of `folder` as clus.shp, without the companion files of the suffixes
    `missing`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpd.read_file(folder / "clusters.geojson").to_file(folder / "clus.shp", driver="ESRI Shapefile")
    for suffix in missing:
        (folder / f"clus{suffix}").unlink()
    return folder / "clus.shp"


def problems(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["check", "scenario.yaml", "--set", "layers.clusters.path=clus.shp"])
    err = capsys.readouterr().err
    assert code == 2, err
    return err


@pytest.mark.parametrize(("missing", "message"), [
    ((".dbf",), "clus.shp: the shapefile's attribute table clus.dbf is missing: copy it next to the .shp (a "
                "shapefile is its .shp, .shx and .dbf files side by side)"),
    ((".shx",), "clus.shp: the shapefile's index clus.shx is missing: copy it next to the .shp (a shapefile is "
                "its .shp, .shx and .dbf files side by side)"),
    ((".dbf", ".shx"), "clus.shp: the shapefile's index clus.shx and attribute table clus.dbf are missing: copy "
                       "them next to the .shp (a shapefile is its .shp, .shx and .dbf files side by side)"),
])
def test_a_missing_companion_file_is_named(folder: Path, capsys, monkeypatch, missing, message):
    monkeypatch.chdir(folder)
    shapefile(folder, *missing)
    assert problems(folder, capsys) == f"error: 1 problem in the input:\n  - {message}\n"


def test_companions_in_capitals_are_found(folder: Path, capsys, monkeypatch):
    """GDAL reads a .DBF and a .SHX as well: no problem of the companions then."""
    monkeypatch.chdir(folder)
    shp = shapefile(folder)
    for suffix in (".dbf", ".shx"):
        shp.with_suffix(suffix).rename(shp.with_suffix(suffix.upper()))
    main(["check", "scenario.yaml", "--set", "layers.clusters.path=clus.shp"])
    assert "is missing" not in capsys.readouterr().err
