"""A .cpg holding only spaces names no encoding, as an empty one: GDAL takes it for UTF-8 and
reads a GBK table garbled (with only a warning of its own), so it is refused as an empty .cpg is."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_input_limits import sources_shapefile

from tests.conftest import run_bad


@pytest.mark.parametrize("cpg", ["   ", " \t ", "  \n"])
def test_a_gbk_table_beside_a_blank_cpg_is_refused(folder: Path, capsys, cpg: str):
    sources_shapefile(folder, "GBK")
    (folder / "sources.cpg").write_text(cpg)
    assert "sources.cpg is empty, so it would be read as Latin-1, garbled" in run_bad(folder, capsys)
