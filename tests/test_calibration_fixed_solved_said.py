"""Calibration mode fixed: once the solve finds a plan, the terminal and `RunResult.calibration`
give the solved verdict (do the rules admit the real plants, and which the model holds mostly
idle), after what the checks before the solve found, as calibration.md does; not only the checks
before the solve, which leave the rules across clusters to the solve."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_calibration import EAST_LFP, variant

import siting
from siting.cli import main

BEFORE = ("calibration: no site-level rule or hosting limit is broken by a real plant; rules across clusters are "
          "checked by the solve")


def test_the_solved_verdict_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = variant(tmp_path, EAST_LFP, "calibration: {mode: fixed, plants: plants.yaml}\n")
    result = siting.run(path, tmp_path / "api")
    assert capsys.readouterr().out == ""
    assert result.calibration is not None
    lines = result.calibration.split("\n")
    assert lines[0] == BEFORE
    verdict = (tmp_path / "api" / "calibration.md").read_text(encoding="utf-8").split("\n")[0]
    assert verdict.startswith("Verdict: the rules admit every real plant")
    solved = verdict.removeprefix("Verdict: ").split(". ")[0]
    assert lines[1] == f"calibration: {solved}"
    assert main(["solve", str(path), "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    printed = capsys.readouterr().out
    # as printed, each verdict is wrapped to the terminal's width (120 columns off a terminal), its
    # continuations two spaces in: tests/test_calibration_verdict_terminal_width.py
    joined = printed.replace("\n  ", " ")
    assert BEFORE in joined
    assert f"calibration: {solved}" in joined
