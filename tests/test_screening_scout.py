"""The screening's scout (siting/optimize/screening.py `ScreeningSettings.scout_nodes`), on the
small instances of tests/test_screening.py.

With a scout, the merged model's count relaxation first runs `scout_nodes` branch-and-bound nodes;
when they do not prove its gap, the merged plan found is screened at once (`upper_of`: a screened
round with its counts fixed, `_solve_round(free=False)`), and the relaxation is searched again with
that screened plan's cost less the asked gap as HiGHS's cutoff (siting/optimize/counts.py). One
node is not enough on these instances: their relaxation branches when the gap asked is 0 or 0.1 %.

What must hold whatever the solver's path: the bound LB is a bound of the full instance and the
plan a plan of it, LB <= full optimum <= UB (the optimum solved directly at a zero gap); the
screened model holds the plan reported (its objective recomputed from the values it holds), and
that plan costed on the full instance (its whole-number decisions fixed, the rest solved) costs
UB; the certified gap is (UB - min(LB, UB)) / |UB|.
"""

from __future__ import annotations

import dataclasses

import pyomo.environ as pyo
import pytest
from test_screening import CELL_IDS, MERGE_ALL, SETTINGS, VARIANTS, cells, optimum

from models import MONEY_UNIT_YUAN, build_model
from models.inputs import ModelInputs
from siting.optimize.screening import CERTIFY_TOLERANCE, ScreenedSolve, solve_screened
from siting.optimize.solve import plan_cost, plan_values, relative_gap

SCOUT = dataclasses.replace(MERGE_ALL, scout_nodes=1)


@pytest.fixture(autouse=True)
def no_model_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """These few cells stand in for a grid whose merged model is too large to be searched without
    HiGHS's sub-MIP heuristics (siting/optimize/solve.py `small_mip`): the scout's one node is
    searched as such a model's is."""
    monkeypatch.setattr("siting.optimize.solve.SMALL_MIP_INTEGERS", -1)


def screened(inputs: ModelInputs, rel_gap: float) -> ScreenedSolve:
    return solve_screened(inputs, CELL_IDS, dataclasses.replace(SETTINGS, rel_gap=rel_gap), SCOUT)


def assert_proven_and_held(result: ScreenedSolve, inputs: ModelInputs) -> None:
    """LB <= optimum <= UB; the held plan is the reported one and costs UB on the full instance;
    the certified gap is UB's against min(LB, UB)."""
    lower, upper = result.summary.lower_bound_yuan, result.report.objective_yuan
    assert lower is not None and upper is not None
    best = optimum(inputs)
    slack = 1e-9 * abs(best)  # the solvers' tolerance; the costs may be negative
    assert lower <= best + slack and best <= upper + slack
    assert result.model is not None
    assert pyo.value(result.model.total_cost) * MONEY_UNIT_YUAN == pytest.approx(upper, rel=1e-9)
    costed = plan_cost(build_model(inputs), plan_values(result.model), SETTINGS)
    assert costed is not None and costed.has_solution
    assert costed.objective_yuan == pytest.approx(upper, rel=1e-9)
    assert result.report.best_bound_yuan == min(lower, upper)
    assert result.report.gap == pytest.approx(relative_gap(upper, min(lower, upper)), rel=1e-12)


def assert_scout_ran(result: ScreenedSolve) -> None:
    """The scout stopped on its node budget with a merged plan, and the records say so."""
    merged = result.merged
    assert merged is not None and merged.scout is not None
    assert (merged.scout.termination, merged.scout.has_solution) == ("iterationLimit", True)
    assert merged.record()["scout"]["termination"] == "iterationLimit"
    assert result.summary.record()["merged_model"]["scout_nodes"] == 1


def test_the_scouted_plan_screened_at_once_is_certified_by_the_bound_its_cost_cuts_off() -> None:
    """Nested and tied setbacks, 0.1 % asked. The scout stops after one node with a merged plan;
    that plan screened with its counts fixed (the only round: `rounds` 1) costs UB; the relaxation
    searched with the cutoff UB - 0.1 % UB finds no relaxed plan below it ("objectiveLimit"), so
    every plan of the merged model, and so of the full instance, costs at least that: LB is
    exactly UB (1 - 0.001), above the scout's own bound, and the gap exactly the asked 0.1 %."""
    inputs = cells()
    result = screened(inputs, 0.001)
    assert_scout_ran(result)
    assert result.merged is not None and result.merged.scout is not None
    assert (result.merged.relaxation.termination, result.merged.relaxation.has_solution) == ("objectiveLimit", False)
    assert result.summary.rounds == 1
    upper = result.report.objective_yuan
    assert upper is not None
    assert result.summary.lower_bound_yuan == pytest.approx(upper * (1 - 0.001), rel=1e-12)
    assert result.summary.lower_bound_yuan > result.merged.scout.best_bound_yuan
    assert result.report.termination == "convergenceCriteriaSatisfied" and result.report.proven_optimal
    assert result.report.gap == pytest.approx(0.001, rel=1e-9)
    assert_proven_and_held(result, inputs)


@pytest.mark.parametrize("variant", ["nested and tied setbacks", "recycling demonstrations",
                                     "sources within a distance"])
@pytest.mark.parametrize("rel_gap", [0.0, 0.001])
def test_a_scouted_screening_certifies_a_proven_gap(variant: str, rel_gap: float) -> None:
    """Each variant whose merged relaxation one node does not prove, at a zero gap and at 0.1 %:
    the scout stops on its node budget, and the certified gap is a proven gap of the full
    instance, within the asked gap when the report says so."""
    inputs = cells(**VARIANTS[variant])
    result = screened(inputs, rel_gap)
    assert_scout_ran(result)
    assert_proven_and_held(result, inputs)
    gap = result.report.gap
    assert gap is not None
    assert result.report.proven_optimal == (gap <= rel_gap + CERTIFY_TOLERANCE)


@pytest.mark.parametrize("first_round_plan", [True, False])
def test_the_rounds_screened_inside_the_merged_search_are_counted(monkeypatch: pytest.MonkeyPatch,
                                                                  first_round_plan: bool) -> None:
    """The scouted screening of the first test, on a simulated clock that stands still but for
    each model the screening builds (1 s each: the merged model and each round's) and each
    screened round's search (10 s each, after the real one). The round run inside the merged
    model's search (`upper_of`) is a round of the summary, with its seconds and its build's,
    also when it finds no plan (`first_round_plan` false: its report is replaced by one without
    a plan; then the rounds after it run). So with R rounds: rounds R, build 1 + R s, screened
    11 R s, the merged model 1 s (its build: its searches take no time here), the merged model's
    bound phase 0 s; and the run's timings (siting/optimize/run.py `screened_solve`) are build
    1 + R s, bound 0 s, solve 10 R s, the 1 + 11 R s that passed, each counted once. Before, the
    inner round's 11 s were the merged model's (12 s) and its bound phase's, its build was not
    counted (build R s, screened 11 (R - 1) s), nor was the round itself when it found no plan
    (rounds R - 1)."""
    import types

    import siting.optimize.counts as counts
    import siting.optimize.screening as screening
    from siting.optimize.run import screened_solve
    from siting.optimize.solve import SolveReport

    now = [0.0]
    clock = types.SimpleNamespace(perf_counter=lambda: now[0])
    searched: list[bool] = []  # per round: whether it is the one inside the merged model's (free=False)
    real_build, real_round = screening.build_model, screening._solve_round

    def build(inputs: ModelInputs) -> pyo.ConcreteModel:
        model = real_build(inputs)
        now[0] += 1.0
        return model

    def round_(*args: object, free: bool = True) -> SolveReport:
        report = real_round(*args, free=free)  # type: ignore[arg-type]
        now[0] += 10.0
        searched.append(not free)
        if not free and not first_round_plan:
            return SolveReport("iterationLimit", False, False, False, None, None, None, 1.0, "1.0")
        return report

    monkeypatch.setattr(screening, "time", clock)
    monkeypatch.setattr(counts, "time", clock)
    monkeypatch.setattr(screening, "build_model", build)
    monkeypatch.setattr(screening, "_solve_round", round_)
    inputs = cells()
    timings: dict[str, float] = {}
    settings = dataclasses.replace(SETTINGS, rel_gap=0.001)
    monkeypatch.setattr("siting.optimize.run.solve_screened",
                        lambda *args: solve_screened(*args[:3], SCOUT))
    solved = screened_solve(inputs, CELL_IDS, settings, timings)
    summary = solved.screening
    count = len(searched)
    assert searched[0] and not any(searched[1:])
    assert count == 1 if first_round_plan else count >= 2
    assert (summary.rounds, summary.build_time_s, summary.screened_time_s, summary.aggregate_time_s) == (
        count, 1.0 + count, 11.0 * count, 1.0)
    assert timings == {"build": 1.0 + count, "bound": 0.0, "solve": 10.0 * count}
    assert sum(timings.values()) == now[0]
