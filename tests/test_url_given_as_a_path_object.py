"""A URL given as a `pathlib.Path` (`out=Path("s3://bucket/run")`, an override's
`Path("/vsicurl/https://...")`) is refused as a URL, as the same text is: a Path keeps one of the
URL's two slashes (`s3:/bucket/run`), and was taken for a local path, the outputs written to a
folder `s3:` of the current folder, or a layer handed to GDAL's network file system."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.config.urls import is_url


@pytest.mark.parametrize("text, url", [
    (Path("https://example.com/x.geojson"), True), (Path("s3://bucket/run"), True),
    (Path("/vsicurl/https://example.com/x.geojson"), True), (Path("/vsizip/https://e.com/x.zip/a.shp"), True),
    (Path("file:///data/x.yaml"), True), (Path("geodata/yunnan/sites.geojson"), False),
    (Path("C:/data/x.geojson"), False), (Path("my:file.geojson"), False), (Path("/vsizip/local.zip/x.shp"), False)])
def test_a_path_object_made_of_a_url_is_a_url(text: Path, url: bool) -> None:
    assert is_url(text) is url


def test_out_given_as_a_path_of_a_url_writes_nothing(folder: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(siting.InputError) as refused:
        siting.run(folder / "scenario.yaml", out=Path("s3://bucket/run"))
    assert refused.value.problems == ["out | is a URL (got 's3://bucket/run'): the outputs are written to a local "
                                      "folder only; give a local folder's path"]
    assert not (tmp_path / "s3:").exists()


def test_a_scenario_path_object_of_a_file_url_is_told_its_local_path(folder: Path) -> None:
    with pytest.raises(siting.InputError) as refused:
        siting.load(Path(f"file://{folder / 'scenario.yaml'}"))
    assert refused.value.problems == [f"path | is a file URL (got 'file://{folder / 'scenario.yaml'}'): a path is "
                                      f"not read as a URL; give the local path it names, "
                                      f"'{folder / 'scenario.yaml'}'"]


def test_a_layer_override_given_as_a_path_of_a_url_is_refused(folder: Path) -> None:
    with pytest.raises(siting.InputError) as refused:
        siting.load(folder / "scenario.yaml",
                    overrides={"layers.sites.path": Path("/vsicurl/https://example.com/s.geojson")})
    assert len(refused.value.problems) == 1, refused.value.problems
    assert refused.value.problems[0].endswith(
        "overrides layers.sites.path | is a URL (got '/vsicurl/https://example.com/s.geojson'): URLs are not read; "
        "download the file and give its local path"), refused.value.problems
