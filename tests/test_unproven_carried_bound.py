"""A run of a batch whose own search stopped before proving its asked gap (status "feasible (not
proven optimal)") but whose gap is measured against the bound another run proved (`bound_from`,
siting/runs/pool.py `carry_bounds`) is not called "not proven within its asked gap (gap 0.00%)"
by the note under the batch's table: the note says the gap holds against that other run's bound,
and what its own search proved. Reproduced by `siting sweep tests/data/small/scenario.yaml --set
solver.time_limit_s=0.15,60 --set solver.rel_gap=0 --workers 1`, whose first run ended so."""

from __future__ import annotations

from siting.runs.pool import CaseSummary
from siting.runs.tables import unproven_runs_note


def test_a_run_with_a_carried_bound_is_not_called_unproven_at_gap_zero() -> None:
    carried = CaseSummary("run01", True, status="feasible", objective_yuan=-22.7e9, gap=0.0,
                          best_bound_yuan=-22.7e9, bound_from="run02", own_gap=0.0003)
    proven = CaseSummary("run02", True, status="optimal", objective_yuan=-22.7e9, gap=0.0, best_bound_yuan=-22.7e9)
    note = unproven_runs_note([carried, proven])
    assert "not proven within its asked gap" not in note
    assert "run01 (gap 0.00% against the bound of run02; its own search proved 0.03%)" in note
    assert "which the other run's search proved, not its own" in note


def test_runs_of_both_kinds_are_named_apart() -> None:
    own = CaseSummary("a", True, status="feasible", objective_yuan=-1e10, gap=0.02)
    carried = CaseSummary("b", True, status="feasible", objective_yuan=-1e10, gap=0.0, bound_from="c")
    note = unproven_runs_note([own, carried])
    assert note.startswith("A run not proven within its asked gap: a (gap 2.00%).")
    assert "b (gap 0.00% against the bound of c; its own search proved no bound)" in note
    assert unproven_runs_note([CaseSummary("c", True, status="optimal", gap=0.0)]) == ""
