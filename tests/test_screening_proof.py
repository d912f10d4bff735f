"""The merged model's proof search (siting/optimize/screening.py `proof_search`): when the count
relaxation of the merged model ends on its node budget, or at its own gap, with a bound too low
to certify the screened plan, it is searched again with the certifying bound as HiGHS's cutoff.

Instances: tests/test_screening.py's `cells()` (its docstring gives the figures). The merged
model's optimum A is found at a zero gap; the node budget's ending is stood in for by a wrapper
of `solve_by_counts` that reports the relaxation as stopped on its budget with a weak bound, as
HiGHS does on real grids (benchmarks/README.md, "Scale").
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from test_screening import CELL_IDS, MERGE_ALL, cells, optimum

from models import build_model
from siting.deliver.report import screening_rows
from siting.optimize import screening as screening_module
from siting.optimize.counts import CountSolve, solve_by_counts
from siting.optimize.screening import ScreeningSettings, aggregate, proof_search, solve_screened
from siting.optimize.solve import SolverSettings
from siting.optimize.tolerance import certifying_bound

#: 2 % asked: every search below stops at that gap.
ASKED = SolverSettings(rel_gap=0.02, time_limit_s=60)


def merged_counted() -> tuple[CountSolve, float]:
    """The merged model's count relaxation solved to a zero gap, reported as if it had stopped
    on its node budget, and the merged model's optimum A (yuan)."""
    agg = aggregate(cells(), CELL_IDS, MERGE_ALL)
    exact = SolverSettings(rel_gap=0.0, time_limit_s=60)
    counted = solve_by_counts(agg.inputs, exact, model=build_model(agg.inputs), relaxation_settings=exact,
                              certify=False, scout_nodes=0)
    assert counted.bounding is not None
    stopped = dataclasses.replace(counted.relaxation, termination="iterationLimit")
    return dataclasses.replace(counted, relaxation=stopped), optimum(agg.inputs)


def test_proof_search_proves_the_certifying_bound_when_no_relaxed_plan_lies_below_it() -> None:
    """A plan of cost U = 1.01 A with 2 % asked: C = 0.98 U = 0.9898 A < A, so no relaxed plan lies
    below C: the search ends with the bound C ("objectiveLimit"), no plan, certifying U."""
    counted, best = merged_counted()
    upper = 1.01 * best
    cutoff = certifying_bound(upper, 0.02)
    report = proof_search(counted, upper, 0.5 * best, ASKED, ScreeningSettings(), time.perf_counter())
    assert report is not None
    assert (report.termination, report.has_solution) == ("objectiveLimit", False)
    assert report.best_bound_yuan == pytest.approx(cutoff, rel=1e-12)


def test_proof_search_ends_on_a_relaxed_plan_below_the_cutoff() -> None:
    """U = 1.10 A with 2 % asked: C = 1.078 A > A, so the relaxation holds plans below C: the search
    stops at the first one (its cost below C, at least A), its bound at least the one given."""
    counted, best = merged_counted()
    upper = 1.10 * best
    report = proof_search(counted, upper, 0.5 * best, ASKED, ScreeningSettings(), time.perf_counter())
    assert report is not None and report.has_solution
    assert report.objective_yuan is not None and report.best_bound_yuan is not None
    assert best - 1e-6 * best <= report.objective_yuan < certifying_bound(upper, 0.02)
    assert 0.5 * best <= report.best_bound_yuan <= best + 1e-6 * best


def test_proof_search_runs_only_after_a_search_stopped_on_its_node_budget_or_its_own_gap() -> None:
    """Run after the first search met its own gap too (with a bound below C it proves C, as after
    the node budget), unless its own relaxed plan lies below C; not run (None) when the first
    search ended otherwise (the time limit), when the bound proven before already certifies the
    plan, or without the relaxation kept."""
    counted, best = merged_counted()
    upper = 1.01 * best
    settings = ScreeningSettings()
    converged = dataclasses.replace(counted, relaxation=dataclasses.replace(
        counted.relaxation, termination="convergenceCriteriaSatisfied"))
    report = proof_search(converged, upper, 0.5 * best, ASKED, settings, time.perf_counter())
    assert report is not None and (report.termination, report.has_solution) == ("objectiveLimit", False)
    assert report.best_bound_yuan == pytest.approx(certifying_bound(upper, 0.02), rel=1e-12)
    # met its gap with its own relaxed plan A below C = 0.98 x 1.10 A: C is refuted already
    assert proof_search(converged, 1.10 * best, 0.5 * best, ASKED, settings, time.perf_counter()) is None
    timed_out = dataclasses.replace(counted, relaxation=dataclasses.replace(
        counted.relaxation, termination="maxTimeLimit"))
    assert proof_search(timed_out, upper, 0.5 * best, ASKED, settings, time.perf_counter()) is None
    assert proof_search(counted, upper, 0.995 * upper, ASKED, settings, time.perf_counter()) is None
    assert proof_search(dataclasses.replace(counted, bounding=None), upper, 0.5 * best, ASKED, settings,
                        time.perf_counter()) is None


def test_a_merged_bound_stopped_short_is_raised_by_the_proof_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole screening, with the merged model's first search reported stopped on its node
    budget at half its bound: the proof search raises LB to the bound certifying the screened plan,
    so the plan is proven within the 2 % asked, and the manifest and report say how."""
    real = screening_module.solve_by_counts

    def stopped_short(*args: Any, **kwargs: Any) -> CountSolve:
        counted = real(*args, **kwargs)
        relaxation = counted.relaxation
        weak = 0.5 * relaxation.best_bound_yuan
        return dataclasses.replace(counted, lower_bound_yuan=weak, relaxation=dataclasses.replace(
            relaxation, termination="iterationLimit", best_bound_yuan=weak))

    monkeypatch.setattr(screening_module, "solve_by_counts", stopped_short)
    solved = solve_screened(cells(), CELL_IDS, ASKED, MERGE_ALL)
    assert solved.report.objective_yuan is not None
    upper = solved.report.objective_yuan
    cutoff = certifying_bound(upper, 0.02)
    assert solved.report.proven_optimal
    assert solved.summary.lower_bound_yuan == pytest.approx(cutoff, rel=1e-12)
    assert solved.merged is not None and solved.merged.bounding is None  # the model is not kept
    record = solved.summary.record()
    proof = record["merged_model"]["proof_search"]  # type: ignore[index]
    assert proof == {"termination": "objectiveLimit", "cutoff_yuan": pytest.approx(cutoff, rel=1e-12),
                     "bound_yuan": pytest.approx(cutoff, rel=1e-12), "relaxed_plan_yuan": None}
    row = dict((label, text) for label, text in screening_rows(record))["lower bound LB (merged model)"]
    assert "searched again for the bound that certifies the screened plan" in row
    assert row.endswith("reached it: the plan is certified")


def half_bound_ending(termination: str) -> Any:
    """`solve_by_counts` with the merged model's first search reported ended by `termination` (a
    HiGHS termination name) at half its bound, the run's lower bound with it."""
    real = screening_module.solve_by_counts

    def reported(*args: Any, **kwargs: Any) -> CountSolve:
        counted = real(*args, **kwargs)
        bound = 0.5 * counted.relaxation.best_bound_yuan
        return dataclasses.replace(counted, lower_bound_yuan=bound, relaxation=dataclasses.replace(
            counted.relaxation, best_bound_yuan=bound, termination=termination))

    return reported


def test_without_the_proof_search_the_weak_bound_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same screening with the merged model's search reported stopped by the time limit at
    half its bound: no proof search runs (its record is null), and the plan is not proven."""
    monkeypatch.setattr(screening_module, "solve_by_counts", half_bound_ending("maxTimeLimit"))
    solved = solve_screened(cells(), CELL_IDS, ASKED, MERGE_ALL)
    assert not solved.report.proven_optimal
    assert solved.summary.record()["merged_model"]["proof_search"] is None  # type: ignore[index]


def test_a_merged_bound_met_at_its_own_gap_is_raised_by_the_proof_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screening with the merged model's first search reported at its own gap (converged) with
    half its bound, below the bound that certifies the screened plan: the proof search runs and
    raises LB to that bound, so the plan is proven within the 2 % asked."""
    monkeypatch.setattr(screening_module, "solve_by_counts", half_bound_ending("convergenceCriteriaSatisfied"))
    solved = solve_screened(cells(), CELL_IDS, ASKED, MERGE_ALL)
    assert solved.report.objective_yuan is not None and solved.report.proven_optimal
    cutoff = certifying_bound(solved.report.objective_yuan, 0.02)
    assert solved.summary.lower_bound_yuan == pytest.approx(cutoff, rel=1e-12)
    proof = solved.summary.record()["merged_model"]["proof_search"]  # type: ignore[index]
    assert proof["termination"] == "objectiveLimit"  # type: ignore[index]
