"""A GeoJSON layer file is opened by GDAL, which parses the whole file on each opening, no more
often than its reading needs: its one layer is named by the file's `layer_info`, which the
checks ask for next, rather than by pyogrio's `list_layers`, a further opening before the solve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyogrio
import pytest

import siting.prepare.layers as layers
from siting.prepare.problem import prepare

SMALL = Path(__file__).resolve().parent / "data" / "small" / "scenario.yaml"


def test_a_geojson_layer_is_not_listed_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    listed: list[str] = []
    real = pyogrio.list_layers

    def counted(path: Any, *args: Any, **kwargs: Any) -> Any:
        listed.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pyogrio, "list_layers", counted)
    prepared = prepare(SMALL, {})
    assert prepared.inputs.SITES
    assert [name for name in listed if name.endswith(".geojson")] == []


@pytest.mark.parametrize("text", [
    '{"type": "FeatureCollection", "features": []}',
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": 1}, "geometry": null}]}',
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
    '"geometry": {"type": "Point", "coordinates": [102.7, 25.0]}}]}',
])
def test_the_one_layer_is_what_list_layers_gives(tmp_path: Path, text: str) -> None:
    path = tmp_path / "layer.geojson"
    path.write_text(text, encoding="utf-8")
    with layers.kept_infos():
        assert layers.listed_layers(path) == [(str(name), kind) for name, kind in pyogrio.list_layers(path)]


def test_a_geopackage_named_geojson_has_its_layers_listed(folder: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A GeoPackage of two layers saved as sites.geojson: GDAL reads it by its content, and the
    checks ask which layer to read, as they did before the listing took the file's first layer
    (read_info without a layer) and read the clusters as the sites without a word."""
    import warnings

    import geopandas as gpd

    from siting.cli import main

    monkeypatch.chdir(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clusters, sites = gpd.read_file("clusters.geojson"), gpd.read_file("sites.geojson")
        clusters.to_file(folder / "both.gpkg", layer="aclusters", driver="GPKG")
        sites.to_file(folder / "both.gpkg", layer="sites", driver="GPKG")
    (folder / "both.gpkg").replace(folder / "sites.geojson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's own warning on the GeoPackage's file extension
        assert main(["check", "scenario.yaml"]) == 2
    err = capsys.readouterr().err
    assert "the file holds 2 layers (aclusters, sites); say which one to read with layers.sites.layer" in err
