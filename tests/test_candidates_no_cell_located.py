"""A block that leaves no cell names the setting that removed them where it was written, as every
other problem of the block does: its file and line, or the --set that gave it. The small scenario
of tests/test_candidate_scenario.py, whose `candidates:` block is its line 39."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_candidate_scenario import with_cells

from tests.conftest import run_bad

MINIMUM = ("candidates.min_usable_ha | is above the usable land of every cell, so no cell is left: the largest cell "
           "has 900.1 ha usable (got 1,000,000); use a min_usable_ha of at most 900.1, or larger cells\n")


def test_a_minimum_given_with_set_is_named_as_the_set(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from siting.cli import main

    with_cells(folder, "{cell_size_m: 3000, min_usable_ha: 50}")
    out = folder / "out"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--set", "candidates.min_usable_ha=1e6"])
    captured = capsys.readouterr()
    assert code == 2 and "Traceback" not in captured.err and not out.exists()
    assert captured.err.replace(str(folder) + "/", "") == (
        f"error: 1 problem in the input:\n  - scenario.yaml: --set {MINIMUM}")


def test_a_minimum_in_the_file_is_named_with_its_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_cells(folder, "{cell_size_m: 3000, min_usable_ha: 1000000}")
    assert run_bad(folder, capsys) == f"error: 1 problem in the input:\n  - scenario.yaml:39: {MINIMUM}"
