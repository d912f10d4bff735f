"""HiGHS's sub-MIP heuristics off in a search that wants a bound (siting/optimize/solve.py
`solve_model` with `heuristics` false, `BOUND_SEARCH_HEURISTICS`), as the count relaxation's
search for the bound that certifies its scout's plan runs (siting/optimize/counts.py `_prove`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pyomo.environ as pyo
import pytest

import siting.optimize.counts as counts
from siting.optimize.run import solver_settings
from siting.optimize.solve import BOUND_SEARCH_HEURISTICS, SolverSettings, new_solver, solve_model
from siting.prepare.problem import prepare
from tests.conftest import knapsack

SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"


@pytest.fixture(autouse=True)
def no_model_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """The knapsack searched as a model too large to go without the heuristics
    (siting/optimize/solve.py `small_mip`; tests/test_small_mip_heuristics.py has the small ones)."""
    monkeypatch.setattr("siting.optimize.solve.SMALL_MIP_INTEGERS", -1)


def watched(opt: Any) -> list[dict[str, Any]]:
    """The values of BOUND_SEARCH_HEURISTICS HiGHS holds as each run of `opt` starts."""
    seen: list[dict[str, Any]] = []
    original = opt._solve

    def run() -> Any:
        highs = opt._solver_model
        seen.append({name: highs.getOptionValue(name)[1] for name in BOUND_SEARCH_HEURISTICS})
        return original()

    opt._solve = run
    return seen


def test_a_bound_search_runs_without_the_heuristics_and_puts_them_back() -> None:
    model, opt = knapsack(), new_solver()
    seen = watched(opt)
    report = solve_model(model, SolverSettings(rel_gap=0.0), opt, heuristics=False)
    assert report.proven_optimal and report.objective_yuan == pytest.approx(-8.0)
    assert (pyo.value(model.a), pyo.value(model.b), pyo.value(model.c)) == pytest.approx((1.0, 0.0, 1.0))
    assert seen == [dict.fromkeys(BOUND_SEARCH_HEURISTICS, False)]
    highs = opt._solver_model
    assert {name: highs.getOptionValue(name)[1] for name in BOUND_SEARCH_HEURISTICS} == \
        dict.fromkeys(BOUND_SEARCH_HEURISTICS, True)
    solve_model(model, SolverSettings(rel_gap=0.0), opt)  # the next search has them again
    assert seen[-1] == dict.fromkeys(BOUND_SEARCH_HEURISTICS, True)


def test_the_solves_baseline_is_put_back() -> None:
    """What the solver object held before the solve (here set on it by hand) does not count: each
    solve starts from the options it asks (siting/optimize/solve.py `options_from_baseline`), and
    the search's own are put back to those."""
    model, opt = knapsack(), new_solver()
    solve_model(model, SolverSettings(rel_gap=0.0), opt)
    opt._solver_model.setOptionValue("mip_heuristic_run_rins", False)
    seen = watched(opt)
    report = solve_model(model, SolverSettings(rel_gap=0.0), opt, heuristics=False, cutoff_yuan=-7.5)
    assert report.objective_yuan == pytest.approx(-8.0)
    assert seen == [dict.fromkeys(BOUND_SEARCH_HEURISTICS, False)]
    held = {name: opt._solver_model.getOptionValue(name)[1] for name in BOUND_SEARCH_HEURISTICS}
    assert held == dict.fromkeys(BOUND_SEARCH_HEURISTICS, True)


def test_only_the_search_for_the_scouted_plans_bound_runs_without_them(monkeypatch) -> None:
    """On the shipped scenario at 2.5 % with a one-node scout (as tests/test_scout_proof.py): the
    scout runs with HiGHS's heuristics (it wants a plan), the search with the scouted plan's
    certifying bound as cutoff without them, and finds the same bound."""
    shipped = prepare(SHIPPED, {})
    calls: list[tuple[float | None, bool]] = []
    original = counts.solve_model

    def recorded(*args: Any, cutoff_yuan: float | None = None, heuristics: bool = True, **kwargs: Any) -> Any:
        calls.append((cutoff_yuan, heuristics))
        return original(*args, cutoff_yuan=cutoff_yuan, heuristics=heuristics, **kwargs)

    monkeypatch.setattr(counts, "solve_model", recorded)
    settings = dataclasses.replace(solver_settings(shipped.loaded), rel_gap=0.025, time_limit_s=300.0)
    result = counts.solve_by_counts(shipped.inputs, settings, scout_nodes=1)
    upper = result.report.objective_yuan
    assert result.report.proven_optimal
    assert result.lower_bound_yuan == pytest.approx(upper - 0.025 * abs(upper), rel=1e-12)
    assert calls[0] == (None, True)  # the scout
    proofs = [heuristics for cutoff, heuristics in calls if cutoff is not None]
    assert proofs == [False]
