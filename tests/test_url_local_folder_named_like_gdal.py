"""A local path with a folder named like one of GDAL's network file systems (`data/vsicurl/x`,
`/srv/vsis3/x.gpkg`) is a local file: GDAL reads `/vsicurl/` as a network file system only at
the start of a path or inside another of its file systems (`/vsizip//vsicurl/...`,
`/vsizip/{/vsicurl/...}/x`), so only there is it refused as a URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.urls import is_url
from tests.conftest import SMALL


@pytest.mark.parametrize("text, url", [
    ("/data/vsicurl/x.geojson", False), ("geodata/vsis3/x.gpkg", False), ("../vsicurl/x", False),
    ("/srv/vsigs_streaming/b/x.gpkg", False), ("C:/maps/vsiaz/x.shp", False),
    ("/vsicurl/https://e.com/x.geojson", True), (" /vsis3/bucket/x.gpkg", True),
    ("/vsizip//vsicurl/https://e.com/x.zip/a.shp", True), ("/vsitar//vsizip//vsis3/b/x.zip/a.shp", True),
    ("/vsizip/{/vsicurl/https://e.com/a.zip}/x.shp", True), ("/VSIS3/bucket/x.gpkg", True)])
def test_a_folder_named_like_a_network_file_system_is_local(text: str, url: bool) -> None:
    assert is_url(text) is url


def test_a_relative_layer_path_through_such_a_folder_is_not_refused_as_a_url(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`--set layers.sites.path=vsicurl/sites.geojson`, a file in the folder `vsicurl` of the current
    folder, is read as that file (it was refused as a URL, quoted rebased: '../vsicurl/...')."""
    import shutil

    from siting.cli import main

    folder = shutil.copytree(SMALL, tmp_path / "small")
    (tmp_path / "vsicurl").mkdir()
    shutil.copy(folder / "sites.geojson", tmp_path / "vsicurl" / "sites.geojson")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "small/scenario.yaml", "--set", "layers.sites.path=vsicurl/sites.geojson"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "is a URL" not in err
