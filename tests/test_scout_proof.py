"""The count relaxation's scout and the search for the bound that certifies its plan
(siting/optimize/counts.py `solve_by_counts`, docs/FORMULATION.md "Module counts by cluster"),
on the shipped scenario, whose relaxation needs branching (a hand instance is solved at the root)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from siting.config import progress
from siting.optimize import counts
from siting.optimize.counts import solve_by_counts
from siting.optimize.run import solver_settings
from siting.prepare.problem import prepare

SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"


@pytest.fixture(scope="module")
def shipped():
    return prepare(SHIPPED, {})


def test_a_scouted_plan_is_certified_by_a_bound_searched_with_its_cost_as_cutoff(
        shipped, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scout stops after one node with a relaxed plan; its counts fixed give a plan of the MIP
    (cost UB, negative: sales earn more than the plan costs); asked a 2.5 % gap, the relaxation
    searched again with the cutoff UB - 2.5 % |UB| finds no relaxed plan below it, so every plan
    costs at least that: the bound is exactly UB - 0.025 |UB|, the gap exactly the asked 2.5 %, and
    the plan the scout's (no further search runs). The gap asked is one the scout's bound does not
    prove and its plan meets: at 4 % the scout's bound alone certifies the plan (about 3.1 % below
    it, with objective.years_after_horizon 14) and no search with a cutoff runs; at 1 % the search
    finds a relaxed plan below the cutoff, whose plan of the MIP costs less and is certified by a
    second search. The early plan, which the shipped scenario's single-host products would take in
    place of the scout (tests/test_counts.py), is held off here: the scout's path is under test."""
    monkeypatch.setattr(counts, "EARLY_MIN_INTEGERS", 10**9)
    settings = dataclasses.replace(solver_settings(shipped.loaded), rel_gap=0.025, time_limit_s=300.0)
    result = solve_by_counts(shipped.inputs, settings, scout_nodes=1)
    assert result.scout is not None and result.scout.termination == "iterationLimit"
    assert result.scout.has_solution
    assert (result.relaxation.termination, result.relaxation.has_solution) == ("objectiveLimit", False)
    upper = result.report.objective_yuan
    assert result.fixed is not None and result.fixed.objective_yuan == upper
    assert result.full is None
    assert result.report.proven_optimal
    assert upper < 0
    assert result.lower_bound_yuan == pytest.approx(upper - 0.025 * abs(upper), rel=1e-12)
    assert result.report.gap == pytest.approx(0.025, rel=1e-9)
    assert result.lower_bound_yuan > result.scout.best_bound_yuan
    assert set(result.record()) == {"scout", "count_relaxation", "fixed_counts", "mip"}


def test_the_second_search_shows_the_scouted_plan_as_the_best_plan() -> None:
    """While the relaxation searches for the bound of a plan found before (`plan_yuan`), the
    solver line shows that plan as the best plan, and the gap from it; a relaxed plan at or above
    it is not shown, nor a bound above it."""
    with progress.searching("bound", 9.0e9, since=None, plan_yuan=10.0e9):
        shown = progress.SolverState(None, 9.5e9, None, 2.0).text()
        above = progress.SolverState(10.5e9, 11.0e9, None, 3.0).text()
        below = progress.SolverState(9.9e9, 9.6e9, None, 4.0).text()
    assert shown == "bound 2.0 s: best plan 10.00 bn yuan, bound 9.50 bn yuan, gap 5.00%"
    assert above == "bound 3.0 s: best plan 10.00 bn yuan, bound 10.00 bn yuan, gap 0.00%"
    assert below == "bound 4.0 s: relaxed plan 9.90 bn yuan, bound 9.60 bn yuan, gap 3.04%"  # 3.0303 %, rounded up
