"""A run without a plan prints the calibration verdict of mode fixed inside its message ("no plan:
...", "calibration: the rules do not admit ...") wrapped to the terminal's width, as a run with a
plan prints its verdict.

Hand instance of tests/test_calibration_verdict.py: two real lfp plants that the differentiation
rule forbids together, so the solve finds no plan and the verdict names the conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_calibration import variant
from test_calibration_verdict import AFTER, PLANTS, SCENARIO

from siting.cli import main


@pytest.mark.parametrize("columns", [60, 80])
def test_the_verdict_of_a_run_without_a_plan_fits_the_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str],
                                                                columns: int) -> None:
    path = variant(tmp_path, PLANTS, SCENARIO)
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 1
    lines = capsys.readouterr().err.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("calibration: the rules do not admit"))
    verdict = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        verdict.append(line)
    # every word of the verdict, in order; each line within the width unless it is one word alone
    assert " ".join(line.strip() for line in verdict) == f"calibration: {AFTER}"
    assert all(len(line) <= columns or " " not in line.strip() for line in verdict), verdict
