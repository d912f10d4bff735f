"""GDAL parses a shapefile's .prj each time its layer's information is read (pyogrio's
`read_info`), and a .prj it cannot match to a known CRS took about a second each time; the checks
of one reading of the layers asked up to eleven times for the same file. Each file's information is
now read once per reading (siting/prepare/layers.py `kept_infos`, `layer_info`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from siting.prepare import layers
from tests.conftest import edit, run_bad

MADE_UP = ('PROJCS["made up",GEOGCS["GCS",DATUM["D",SPHEROID["s",6378137,298.257]],PRIMEM["Greenwich",0],'
           'UNIT["Degree",0.0174532925199433]],PROJECTION["Nonexistent_Projection"],UNIT["Meter",1]]')


def test_a_reading_of_the_layers_reads_each_files_information_once(folder: Path, capsys, monkeypatch):
    gpd.read_file(folder / "redline.geojson").to_file(folder / "redline.shp")
    (folder / "redline.prj").write_text(MADE_UP)
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.shp}")
    asked: Counter[tuple[str, object, object]] = Counter()
    real = pyogrio.read_info

    def counted(path, layer=None, encoding=None, **kwargs):
        asked[(str(path), layer, encoding)] += 1
        return real(path, layer=layer, encoding=encoding, **kwargs)

    monkeypatch.setattr(pyogrio, "read_info", counted)
    assert "redline.shp: redline layer | its CRS is not a geographic or projected CRS" in run_bad(folder, capsys)
    shapefile = [n for key, n in asked.items() if key[0].endswith("redline.shp")]
    assert shapefile and max(shapefile) == 1, asked


def test_outside_a_reading_each_question_reads_the_file(folder: Path, monkeypatch):
    calls: list[str] = []
    real = pyogrio.read_info
    monkeypatch.setattr(pyogrio, "read_info", lambda path, **kw: calls.append(str(path)) or real(path, **kw))
    path = folder / "redline.geojson"
    assert layers.layer_info(path)["fields"].tolist() == layers.layer_info(path)["fields"].tolist()
    assert len(calls) == 2
    with layers.kept_infos():
        first = layers.layer_info(path)
        assert layers.layer_info(path) is first and layers.layer_info(path, None, "UTF-8") is not first
    assert len(calls) == 4


@pytest.mark.parametrize("kept", [True, False])
def test_a_failing_read_is_raised_each_time(tmp_path: Path, kept: bool):
    missing = tmp_path / "none.geojson"
    with layers.kept_infos() if kept else pytest.MonkeyPatch.context():
        for _ in range(2):
            with pytest.raises(pyogrio.errors.DataSourceError):
                layers.layer_info(missing)
