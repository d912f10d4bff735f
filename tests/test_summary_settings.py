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


def test_a_narrow_terminal_breaks_the_settings_between_them(folder: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """At 60 columns the settings line breaks between settings, never between "--set" and its
    KEY=VALUE nor after a figure; a setting holding a space is quoted as a shell reads it, so that
    the line tells where each one ends."""
    monkeypatch.setenv("COLUMNS", "60")
    code = main(["solve", str(folder / "scenario.yaml"), "--quiet", "--out", str(folder / "run"),
                 "--set", "description=a plan with a wider buffer", "--set", "constraints.redline.buffer_m=1500",
                 "--set", "solver.rel_gap=0.05"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[1:4] == ["settings  --set 'description=a plan with a wider buffer'",
                          "  --set constraints.redline.buffer_m=1500",
                          "  --set solver.rel_gap=0.05"]
    assert lines[4].startswith("status    ")
