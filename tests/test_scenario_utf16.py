"""A scenario saved as UTF-16 or UTF-32 (Windows editors' "Unicode") is named so, not as a stray byte."""
from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"),
                                                ("utf-32", "UTF-32")])
def test_a_utf16_scenario_is_named_utf16(folder: Path, capsys, encoding: str, name: str):
    scenario = folder / "scenario.yaml"
    text = scenario.read_text()
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    scenario.write_bytes(data)
    code = main(["solve", str(scenario), "--out", str(folder / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"error: 1 problem in the input:\n  - {folder}/scenario.yaml:1: the file is {name} text (its first "
                   f"bytes are the {name} byte-order mark), not UTF-8; save it with the UTF-8 encoding\n")
    assert not (folder / "out").exists()
