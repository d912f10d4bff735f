"""A .cpg that holds bytes naming no encoding (binary junk) beside a GBK table: GDAL tries to convert
from those bytes and gives the text unconverted. The message says what the .cpg holds instead of
calling it UTF-8, and GDAL's own warning, whose words pyogrio cannot even decode, is not printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_input_limits import sources_shapefile

from tests.conftest import run_bad


@pytest.mark.parametrize("cpg", [b"\xff\xfe\x00\x81\x9c junk", b"\xff\xfe"])
def test_a_gbk_table_beside_a_junk_cpg_names_what_the_cpg_holds(folder: Path, capsys, cpg: bytes):
    sources_shapefile(folder, "GBK")
    (folder / "sources.cpg").write_bytes(cpg)
    err = run_bad(folder, capsys)
    assert "holds text that is not UTF-8, the encoding sources.cpg names" not in err
    assert "sources.cpg names '\\xff\\xfe" in err and "an encoding GDAL does not know" in err
    assert "write the table's encoding into sources.cpg (such as GBK)" in err
    assert "RuntimeWarning" not in err and "Could not decode" not in err
