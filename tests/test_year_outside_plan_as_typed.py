"""A target's or budget's year outside the plan's years is named as the file writes it (1e9, not
1000000000) and at the line of the layer that writes it (a variant's, not the base's `targets:`),
as the schema's own refusals of a year key name it. Solves nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py), its plan 2023-2024."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

OUTSIDE_1E9 = "year 1e9 (1000000000) is outside the scenario's years [2023, 2024]; use one of them or extend 'years'"


def problems(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["check", *args]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("  - ")]


def test_a_year_outside_the_plan_is_named_as_the_file_writes_it(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("targets:\n", "targets:\n  output_value_yuan: {1e9: 3}\n", 1))
    assert problems(capsys, "scenario.yaml") == [f"  - scenario.yaml:14: targets.output_value_yuan.1e9 | {OUTSIDE_1E9}"]


def test_a_variants_year_outside_the_plan_is_named_at_the_variants_line(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    scenario = folder / "scenario.yaml"
    text = scenario.read_text()
    scenario.write_text(text + "variants:\n  less:\n    targets: {output_value_yuan: {1e9: 3}}\n")
    line = len(text.splitlines()) + 3
    assert problems(capsys, "scenario.yaml", "--variant", "less") == [
        f"  - scenario.yaml:{line}: variants.less.targets.output_value_yuan.1e9 | {OUTSIDE_1E9}"]
