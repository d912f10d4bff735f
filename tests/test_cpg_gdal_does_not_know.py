"""A shapefile whose .cpg names an encoding GDAL does not know (an empty file, a misspelt name
such as 'GKB'): GDAL then reads the table as Latin-1, without a word, and ignores the table's
language driver byte. Such a table is treated as one whose encoding no file names: its UTF-8
text is read as UTF-8, and text that is not UTF-8 is refused, naming the .cpg and what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_input_limits import NAMES, sources_shapefile

from siting.config.load import load_scenario
from siting.prepare.layers import load_layers
from tests.conftest import run_bad


@pytest.mark.parametrize(("cpg", "says"), [
    ("GKB", "names 'GKB', an encoding GDAL does not know"),
    ("", "is empty"),
    ("ANSI 1252", "names 'ANSI 1252', an encoding GDAL does not know")])
def test_a_gbk_table_whose_cpg_gdal_does_not_know_is_refused(folder: Path, capsys, cpg: str, says: str):
    sources_shapefile(folder, "GBK")
    (folder / "sources.cpg").write_text(cpg)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.shp: field 'name' | the sources layer's table (sources.dbf) holds text that is not UTF-8 (byte "
        "0xb5 in the 1st feature (source_id 'rock_w')), and no file says which encoding it is in: "
        f"sources.cpg {says}, so it would be read as Latin-1, garbled; write the table's encoding into "
        "sources.cpg (such as GBK), or save the layer with the UTF-8 encoding\n")


def test_a_gbk_table_naming_gbk_in_its_language_byte_but_a_cpg_gdal_does_not_know_is_refused(folder: Path, capsys):
    """GDAL reads the .cpg, not the language byte 0x4d (code page 936), when there is a .cpg."""
    sources_shapefile(folder, "GBK", ldid=0x4D)
    (folder / "sources.cpg").write_text("GKB")
    assert "sources.cpg names 'GKB', an encoding GDAL does not know" in run_bad(folder, capsys)


def test_a_utf8_table_whose_cpg_gdal_does_not_know_is_read_as_utf8(folder: Path):
    sources_shapefile(folder, "UTF-8")
    (folder / "sources.cpg").write_text("GKB")
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.sources["name"]) == NAMES


@pytest.mark.parametrize("cpg", ["GBK", "936", "CP936", "GB2312"])
def test_a_gbk_table_whose_cpg_gdal_knows_is_read_as_gbk(folder: Path, cpg: str):
    sources_shapefile(folder, "GBK")
    (folder / "sources.cpg").write_text(cpg)
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert list(layers.sources["name"]) == NAMES
