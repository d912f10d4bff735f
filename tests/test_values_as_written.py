"""Messages show a value as the file writes it: a whole number with a leading zero as written
(0128, not 128, which YAML 1.2 reads it as), in a list's item too (the committed projects), and a
date as YAML writes it (2023-06-30, not Python's datetime.date(2023, 6, 30))."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"


@pytest.mark.parametrize(("old", "new", "said"), [
    ("  site: e_city", "  site: 0128", "[0] (east_lfp).site | must be text (got 0128); write it as text, in quotes "
                                       "if it looks like a number"),
    ("  online_year: 2024", "  online_year: 2023-06-30", "[0] (east_lfp).online_year | must be a whole number (got "
                                                           "2023-06-30)"),
])
def test_a_value_is_shown_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str,
                                     said: str) -> None:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    committed = folder / "committed_projects.yaml"
    text = committed.read_text(encoding="utf-8")
    assert old in text
    committed.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["check", str(folder / "scenario.yaml")]) == 2
    assert said in capsys.readouterr().err
