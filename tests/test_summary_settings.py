"""`solve`'s terminal summary names the `--set` given under the scenario's line, as typed and in
their order, so that a plan made with them is not read as the scenario file's own (a planner
comparing two runs' summaries saw no difference but the figures); none without `--set`."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


def test_the_summary_names_the_settings_given(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["solve", str(folder / "scenario.yaml"), "--quiet", "--out", str(folder / "run"),
                 "--set", "solver.rel_gap=0.05", "--set", "constraints.redline.buffer_m=1500"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[:2] == ["scenario  small",
                         "settings  --set solver.rel_gap=0.05 --set constraints.redline.buffer_m=1500"]
    assert lines[2].startswith("status    ")


def test_no_settings_line_without_set(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(folder / "scenario.yaml"), "--quiet", "--out", str(folder / "run")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "scenario  small"
    assert lines[1].startswith("status    ")
