"""A layer path that names a folder, or a file GDAL cannot read, is refused naming the path as
the messages name files (relative to the current folder, not GDAL's absolute path), saying a
folder is one, and where the path was set."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


def test_a_folder_given_as_a_layer_is_named_a_folder_with_the_key_that_set_it(folder: Path, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch, capsys):
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    code = main(["solve", str(folder / "scenario.yaml"), "--set", "layers.sites.path=data", "--out", "out"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert ("- data: the sites layer's path is a folder that GDAL reads no layer from ('data' not recognized as being "
            "in a supported file format); give the path of the layer's file (a GeoJSON, GeoPackage or shapefile). "
            "Its path is set by --set layers.sites.path (a relative path in --set starts at the current "
            "folder).") in err
    assert str(tmp_path) not in err  # GDAL's absolute path is not shown
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_no_layer_names_the_key_where_the_scenario_set_it(folder: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch, capsys):
    (folder / "sites.geojson").write_text("not a layer\n")
    monkeypatch.chdir(folder)
    code = main(["solve", "scenario.yaml", "--out", str(tmp_path / "out")])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert ("- sites.geojson: cannot read the sites layer ('sites.geojson' not recognized as being in a supported file "
            "format); is it a GeoJSON, GeoPackage or shapefile? Its path is set by layers.sites.path at "
            "scenario.yaml:8") in err
