"""A value out of its range is refused with its unit where the schema knows one, as a value that
is no finite number is (siting/config/load.py `number_unit`): "give a value in that range, in m",
not "give a value in that range" alone; a figure of a product in units/yr is in that product's
unit (cells: GWh/yr); a field without a unit (solver.threads) keeps the bare fix. Solves nothing.
The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


def problems(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize(("setting", "problem"), [
    ("constraints.redline.buffer_m=-5",
     "must be greater than or equal to 0 (got -5); give a value in that range, in m"),
    ("targets.capacity.cells.2024=-3",
     "must be greater than or equal to 0 (got -3); give a value in that range, in GWh/yr"),
    ("spatial.detour_factor=0.5",
     "must be greater than or equal to 1 (got 0.5); give a value in that range, in km per km"),
    ("objective.discount_rate=-0.1",
     "must be greater than or equal to 0 (got -0.1); give a value in that range, as a share"),
    ("solver.time_limit_s=-1", "must be greater than 0 (got -1); give a value in that range, in s"),
    ("solver.threads=-1", "must be greater than or equal to 1 (got -1); give a value in that range"),
])
def test_a_value_out_of_range_is_refused_with_its_unit(folder: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch, setting: str,
                                                       problem: str) -> None:
    monkeypatch.chdir(folder)
    key = setting.split("=")[0]
    assert problems(capsys, "check", "scenario.yaml", "--set", setting) == [
        f"  - scenario.yaml: --set {key} | {problem}"]
