"""From Python, an infeasible plan's diagnosis is data on the error, from `siting.solve` and from
`siting.run` alike: the conflicting rules with their settings and the least change, the pre-solve
findings, and (from `run`) the folder that holds conflicts.md.

The instance is tests/data/small over the one year 2024 (tests/test_failed_notices.py): a cell
module decided in 2024 first produces in 2025, after the strict 2024 target of 10 GWh/yr of
cells, which no standing capacity meets."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.config.errors import PlanInfeasible


@pytest.fixture
def early(folder: Path) -> Path:
    path = folder / "early.yaml"
    path.write_text("extends: scenario.yaml\nname: early\nyears: [2024]\n")
    return path


def test_solve_and_run_carry_the_same_diagnosis(early: Path, tmp_path: Path) -> None:
    with pytest.raises(PlanInfeasible) as solved:
        siting.solve(early)
    out = tmp_path / "run"
    with pytest.raises(PlanInfeasible) as ran:
        siting.run(early, out)
    for caught in (solved.value, ran.value):
        diagnosis = caught.diagnosis
        assert diagnosis is not None
        assert diagnosis.headline() == solved.value.diagnosis.headline()
        assert [c.setting for c in diagnosis.conflicts] == [c.setting for c in solved.value.diagnosis.conflicts]
        assert any("targets.capacity.cells.2024" in c.setting for c in diagnosis.conflicts)
        assert caught.presolve == solved.value.presolve
    assert solved.value.folder is None
    assert ran.value.folder == out.resolve()
    text = (out / "conflicts.md").read_text()
    assert all(c.sentence in text for c in ran.value.diagnosis.conflicts)
