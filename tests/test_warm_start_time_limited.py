"""A sweep starts every run after the first from the first run's plan (siting/runs/pool.py
`run_cases` with `warm`). When the first run's own solve stopped at its time limit, that plan is
where its search got by then, which depends on the machine's speed, and so do the plans of the runs
started from it: the warm-start note under the sweep's table (siting/runs/tables.py `warm_note`)
says so then, and only then. Reproduced by `siting sweep tests/data/small/scenario.yaml --set
solver.time_limit_s=0.15,60 --set solver.rel_gap=0 --workers 1`, whose first run stopped at 0.15 s."""

from __future__ import annotations

from siting.runs.pool import CaseSummary
from siting.runs.tables import warm_note


def runs(limit: float | None) -> list[CaseSummary]:
    first = CaseSummary("run01", True, status="feasible", objective_yuan=-5.5e9, gap=0.3, own_time_limit_s=limit)
    second = CaseSummary("run02", True, status="optimal", objective_yuan=-22.7e9, gap=0.0, warm_from="run01")
    return [first, second]


def test_a_start_from_a_time_limited_run_is_said_to_depend_on_the_machine() -> None:
    note = warm_note(runs(0.15))
    assert "The own solve of run01 stopped at its time limit of 0.15 s" in note
    assert "depends on the machine's speed" in note and "may not repeat byte for byte" in note


def test_a_start_from_a_proven_run_says_nothing_of_the_machine() -> None:
    note = warm_note(runs(None))
    assert note.startswith("Runs whose search was warm-started") and "machine" not in note
