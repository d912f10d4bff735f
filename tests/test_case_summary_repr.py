"""A run of a batch shows on one line in a notebook (label, outcome, objective, gap), not every
notice and site name its fields hold."""

from __future__ import annotations

from siting.runs.pool import CaseSummary


def test_a_run_with_a_plan() -> None:
    run = CaseSummary("run01", True, status="optimal", objective_yuan=10.0591e9, gap=0.0201,
                      notices=tuple(f"notice {n}" for n in range(50)), sites_opened=("a", "b", "c"))
    assert repr(run) == "CaseSummary('run01': optimal, objective 10.06 bn yuan, gap 2.01%, sites built on: 3)"


def test_a_run_without_a_plan() -> None:
    run = CaseSummary("run02", False, error="PlanInfeasible: the plan is infeasible: the rules cannot be met "
                      "together.\nmore lines")
    assert repr(run) == ("CaseSummary('run02': PlanInfeasible: the plan is infeasible: the rules cannot be met "
                         "together.)")
