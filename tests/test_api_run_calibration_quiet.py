"""`siting.run` from Python prints nothing of the calibration: it keeps what the command line
prints in `RunResult.calibration`; `siting solve` still prints it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_calibration import EAST_LFP, plant_entry, variant

import siting
from siting.cli import main

FIXED = ("calibration: 1 rule broken by the real plants\n  redline: plant lake_lfp (Lake LFP, 10,000 t/yr at w_lake) "
         "lies inside the buffered red line for lfp")


def test_run_keeps_the_fixed_verdict_and_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = variant(tmp_path, EAST_LFP + plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\n")
    result = siting.run(path, tmp_path / "api")
    assert capsys.readouterr().out == ""
    assert result.calibration == FIXED
    assert main(["solve", str(path), "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    assert FIXED in capsys.readouterr().out


def test_run_keeps_the_choice_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = variant(tmp_path, plant_entry("l1", "L1", "e_city", "lfp", 1000),
                   "calibration: {mode: choose, reference: plants.yaml, distance_km: 1}\n")
    result = siting.run(path, tmp_path / "api")
    assert capsys.readouterr().out == ""
    assert result.calibration is not None
    assert result.calibration.startswith("calibration: the plan's choice against the real plants\n")


def test_run_without_calibration_has_none(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert siting.run(folder / "scenario.yaml", folder / "out").calibration is None
