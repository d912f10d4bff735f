"""A layer file that GDAL reads as another format than its name says (a GeoPackage saved as
sites.geojson) is read without GDAL's own warning reaching the user: GDAL warned "has GPKG
application_id, but non conformant file extension" at each opening (listing, read_info, the read),
three Python RuntimeWarnings that printed the installed package's path and source line. Solves
nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import pytest

from siting.cli import main


@pytest.mark.parametrize("layers", [("sites",), ("aclusters", "sites")])
def test_a_geopackage_named_geojson_is_read_without_gdals_warning(folder: Path, capsys, monkeypatch,
                                                                  layers: tuple[str, ...]):
    monkeypatch.chdir(folder)
    sites = gpd.read_file(folder / "sites.geojson")
    for name in layers:
        (sites if name == "sites" else gpd.read_file(folder / "clusters.geojson")).to_file(
            folder / "package.gpkg", layer=name, driver="GPKG")
    shutil.move(folder / "package.gpkg", folder / "other.geojson")
    args = ["check", "scenario.yaml", "--set", "layers.sites.path=other.geojson"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(args)
    assert code == (0 if len(layers) == 1 else 2)
    assert [str(w.message) for w in caught if "conformant" in str(w.message)] == []
    if len(layers) > 1:
        assert "the file holds 2 layers (aclusters, sites)" in capsys.readouterr().err
