"""MIP starts (`solve_model(..., start=...)`, HiGHS `setSolution`) and warm re-solves.

Instance: the default instance of tests/test_families.py (one year, sites s1 and s2, module p10
= 10 units/yr of p for 100 yuan, q10 = 10 units/yr of q for 200 yuan, a capacity target of 30
units of p with a shortfall penalty of 1000 yuan/unit). Its optimum is 3 modules of p: 300 yuan.

The start is a known worse plan: 3 modules of p at s1 and one module of q at s2, which meets
the target and costs 3 x 100 + 200 = 500 yuan (q has no output value and no target: the module
is pure cost). HiGHS reports each better plan through its improving-solution callback
(`watch_incumbents`, objective in million yuan). HiGHS checks a complete start before its
presolve ("MIP start solution is feasible: objective value is 0.0005" in its log) and then maps
it into the presolved model, where the q module, pure cost, is already removed: so its first
incumbent is the start's cost or better (here 300 yuan). Without a start, HiGHS's first
incumbent is far worse (its trivial plans pay the 30-unit shortfall: 30,000 yuan or more).
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from pyomo.common.collections import ComponentMap
from test_families import SETTINGS, budget_case, chain_case, make_inputs

from models import MONEY_UNIT_YUAN, build_model, set_family_active
from siting.optimize.relax import relaxed_solves
from siting.optimize.solve import new_solver, plan_values, solve_model, start_on, watch_incumbents

START_PLAN = {("s1", "p", "p10", 2030): 3, ("s2", "q", "q10", 2030): 1}
START_COST_YUAN = 500.0
OPTIMUM_YUAN = 300.0


def solved_start_plan() -> pyo.ConcreteModel:
    """The default model solved with its modules fixed to START_PLAN (the others to 0), then
    unfixed: every variable holds the 500-yuan plan, a complete feasible start."""
    model = build_model(make_inputs())
    for key in model.BUILD:
        model.build[key].fix(START_PLAN.get(key, 0))
    report = solve_model(model, SETTINGS)
    assert report.objective_yuan == pytest.approx(START_COST_YUAN, rel=1e-9)
    for key in model.BUILD:
        model.build[key].unfix()
    return model


def solve_watched(model: pyo.ConcreteModel, start: object) -> tuple[float, list[float]]:
    """Solve `model` from `start` with a new solver: the optimum and every incumbent (yuan)."""
    opt = new_solver()
    with watch_incumbents(opt) as found:
        report = solve_model(model, SETTINGS, opt, start=start)  # type: ignore[arg-type]
    assert report.proven_optimal
    return report.objective_yuan, [objective * MONEY_UNIT_YUAN for _seconds, objective in found]


def at_most(cost: float, limit: float) -> bool:
    return cost <= limit * (1 + 1e-9)


def test_without_a_start_the_first_incumbent_pays_the_shortfall():
    """The contrast that makes the tests below able to fail: cold, the first plan HiGHS finds
    costs more than the start (it leaves at least part of the target short)."""
    _optimum, incumbents = solve_watched(build_model(make_inputs()), None)
    assert incumbents[0] >= 30_000.0


def test_the_current_values_are_the_first_incumbent():
    """start="current" hands HiGHS the plan the variables hold: HiGHS's first incumbent costs
    the start's 500 yuan or less, and the search still ends at the optimum, 300 yuan."""
    optimum, incumbents = solve_watched(solved_start_plan(), "current")
    assert at_most(incumbents[0], START_COST_YUAN)
    assert optimum == pytest.approx(OPTIMUM_YUAN, rel=1e-9)


def test_a_mapping_of_every_variable_is_the_first_incumbent():
    """The same plan given as values of a fresh model's variables (a ComponentMap)."""
    plan = solved_start_plan()
    model = build_model(make_inputs())
    start = ComponentMap()
    for component in plan.component_objects(pyo.Var):
        for key, var in component.items():
            start[getattr(model, component.local_name)[key]] = var.value
    optimum, incumbents = solve_watched(model, start)
    assert at_most(incumbents[0], START_COST_YUAN)
    assert optimum == pytest.approx(OPTIMUM_YUAN, rel=1e-9)


def test_a_partial_start_is_completed_by_highs():
    """Only the module counts given: HiGHS completes the rest (production, host indicators) by
    a sub-MIP with the modules fixed, so its first incumbent is exactly the 500-yuan plan."""
    model = build_model(make_inputs())
    start = ComponentMap((model.build[key], float(count)) for key, count in START_PLAN.items())
    optimum, incumbents = solve_watched(model, start)
    assert incumbents[0] == pytest.approx(START_COST_YUAN, rel=1e-9)
    assert optimum == pytest.approx(OPTIMUM_YUAN, rel=1e-9)


def test_an_infeasible_start_does_not_break_the_solve():
    """Production of 30 units of p at s1 with no capacity breaks the production limit: HiGHS
    drops the start, and the solve proves the optimum as it would without one."""
    model = build_model(make_inputs())
    start = ComponentMap((var, 0.0) for var in model.component_data_objects(pyo.Var))
    start[model.production["s1", "p", 2030]] = 30.0
    optimum, incumbents = solve_watched(model, start)
    assert optimum == pytest.approx(OPTIMUM_YUAN, rel=1e-9)
    assert incumbents[-1] == pytest.approx(OPTIMUM_YUAN, rel=1e-9)


def test_a_start_outside_the_bounds_is_clipped_and_rounded():
    """Module counts given as 3.4, 7.0, -2.0 and 0.0 (partial: no other variable): rounded to
    3 and clipped to the bounds [0, 100] of x, the start is 3 modules of p at s1 and 7 at s2,
    100 units of p (no q), which HiGHS completes at 10 x 100 = 1,000 yuan."""
    model = build_model(make_inputs())
    start = ComponentMap([(model.build["s1", "p", "p10", 2030], 3.4), (model.build["s2", "p", "p10", 2030], 7.0),
                          (model.build["s1", "q", "q10", 2030], -2.0), (model.build["s2", "q", "q10", 2030], 0.0)])
    optimum, incumbents = solve_watched(model, start)
    assert incumbents[0] == pytest.approx(1000.0, rel=1e-9)
    assert optimum == pytest.approx(OPTIMUM_YUAN, rel=1e-9)


def test_a_start_highs_keeps_at_a_cost_it_does_not_have_is_dropped():
    """tests/test_families.py `budget_case(100)`: with the budget the optimum is 350 (two p
    modules in 2030, one in 2031); without it, 150 (all three in 2031, a third of the annuity
    each). Started from the budget's plan, HiGHS's presolve fixes the 2030 modules at 0 (they
    are dominated once the budget is gone) and maps the start to its reduced model without
    their cost: it reports 50 yuan for a plan that costs 350 and keeps it. The solve notices
    that the plan loaded does not cost what HiGHS says, and solves again without the start."""
    inputs = budget_case(100.0)
    base = build_model(inputs)
    assert solve_model(base, SETTINGS).objective_yuan == pytest.approx(350.0, rel=1e-9)
    model = build_model(inputs)
    set_family_active(model, "budget", False)
    opt = new_solver()
    with watch_incumbents(opt) as found:
        report = solve_model(model, SETTINGS, opt, start=start_on(model, plan_values(base)))
    assert found[0][1] * MONEY_UNIT_YUAN == pytest.approx(50.0, rel=1e-9)  # what HiGHS claims for the start
    assert report.start_dropped
    assert report.objective_yuan == pytest.approx(150.0, rel=1e-9)
    assert pyo.value(model.total_cost) * MONEY_UNIT_YUAN == pytest.approx(150.0, rel=1e-9)


@pytest.mark.parametrize(("inputs", "name", "base_yuan", "relaxed_yuan"), [
    (budget_case(100.0), "budget", 350.0, 150.0),  # tests/test_families.py test_budget_binds_on_undiscounted_capex
    (chain_case(), "chain_balance", 300.0, 200.0),  # test_chain_balance_binds
    (make_inputs(), "proximity", 300.0, 300.0),  # rebuilt (index sets); the base plan is the optimum
])
def test_rule_cost_re_solves_start_from_the_base_plan(inputs, name, base_yuan, relaxed_yuan, monkeypatch):
    """Each re-solve of `relaxed_solves` runs through the module counts: the base plan is searched
    first with its counts fixed (a start of every variable of it, none new here), and the count
    relaxation then gets that plan's cost less the asked gap as its cutoff and its bound target,
    and no start (a plan at the base cost lies above the cutoff); it ends at the relaxed optimum
    of the hand-solved instances."""
    model = build_model(inputs)
    opt = new_solver()
    assert solve_model(model, SETTINGS, opt).objective_yuan == pytest.approx(base_yuan, rel=1e-9)
    starts, relaxations = [], []

    def recording(model, settings, solver=None, start=None, **kwargs):
        # read while its model is alive: the relaxation's site counts are continuous
        given = None if start is None or isinstance(start, str) else {
            (var.parent_component().name, var.index()): value for var, value in start.items()}
        (relaxations if not next(iter(model.build.values())).is_integer() else starts).append((given, kwargs))
        return solve_model(model, settings, solver, start, **kwargs)

    base = plan_values(model)
    monkeypatch.setattr("siting.optimize.counts.solve_model", recording)
    (cost,) = relaxed_solves(inputs, SETTINGS, [name], model, opt)
    assert cost.report.objective_yuan == pytest.approx(relaxed_yuan, rel=1e-9)
    given, _ = starts[0]  # the start search's: the base plan with its counts summed
    counts = {key: value for key, value in given.items() if key[0] == "module_count"}
    assert {key: value for key, value in given.items() if key[0] != "module_count"} == {
        (component, index): value for component, values in base.items() for index, value in values.items()}
    assert counts and sum(counts.values()) == sum(round(v) for v in base["build"].values())
    (relaxed_start, limits), = relaxations
    certifying = base_yuan - SETTINGS.rel_gap * abs(base_yuan)
    assert relaxed_start is None
    assert limits == {"stop_at_bound_yuan": pytest.approx(certifying, rel=1e-12),
                      "cutoff_yuan": pytest.approx(certifying, rel=1e-12)}


def test_an_unknown_start_word_is_refused():
    model = build_model(make_inputs())
    with pytest.raises(ValueError) as error:
        solve_model(model, SETTINGS, start="previous")  # type: ignore[arg-type]
    assert str(error.value) == "a MIP start is a mapping of variables to values or \"current\" (got 'previous')"


def test_warm_started_is_still_importable_from_alternatives():
    from siting.optimize import alternatives, solve

    assert alternatives.warm_started is solve.warm_started


def test_a_sweep_starts_every_run_from_the_first_runs_plan(folder, monkeypatch):
    """The small scenario (tests/data/small) swept over three cell targets, in this process:
    the first run starts cold, the other two from the first run's plan, the same for both. The
    sweep is kept in memory (`siting.sweep` without `out`): the runs start as a written sweep's do
    (siting/runs/pool.py `run_cases`), without the seconds of writing and drawing each run."""
    from siting.runs import job
    from siting.runs.batch import sweep

    starts = []
    solve_prepared = job.solve_prepared

    def recording(prepared, settings, timings, start=None):
        starts.append(start)
        return solve_prepared(prepared, settings, timings, start=start)

    monkeypatch.setattr(job, "solve_prepared", recording)
    result = sweep(folder / "scenario.yaml", ["targets.capacity.cells.2024=10,20,30"], None, workers=1)
    assert all(summary.ok for summary in result.summaries)
    assert all(not summary.plan_values for summary in result.summaries)  # the plan is not carried out
    first, second, third = starts
    assert first is None
    assert second and second == third
    assert sum(second["build"].values()) > 0


def test_warm_started_solvers_are_checked_too():
    """`warm_started` (the start is the values the variables hold when HiGHS runs) on the case
    of `test_a_start_highs_keeps_at_a_cost_it_does_not_have_is_dropped`: the same repair."""
    from siting.optimize.solve import warm_started

    inputs = budget_case(100.0)
    model = build_model(inputs)
    solve_model(model, SETTINGS)
    set_family_active(model, "budget", False)
    report = solve_model(model, SETTINGS, warm_started(new_solver()))
    assert report.start_dropped
    assert report.objective_yuan == pytest.approx(150.0, rel=1e-9)


def test_a_search_stops_once_its_bound_reaches_the_cost_asked() -> None:
    """tests/data/small (optimum -22.72 bn yuan, proven by its own search at rel_gap 0): asked to
    stop at a bound of -1,000 bn yuan, which the root's bound already passes, the search ends at
    HiGHS's first check with termination "objectiveLimit" (not an interrupt, no warning) and a
    bound of at least that; asked for a bound above the optimum, which no search reaches, it
    ends on its own gap at the optimum."""
    from pathlib import Path

    from siting.prepare.problem import prepare

    inputs = prepare(Path(__file__).parent / "data" / "small" / "scenario.yaml", {}).inputs
    settings = SETTINGS
    stopped = solve_model(build_model(inputs), settings, stop_at_bound_yuan=-1e12)
    assert stopped.termination == "objectiveLimit"
    assert stopped.best_bound_yuan is not None and stopped.best_bound_yuan >= -1e12
    free = solve_model(build_model(inputs), settings, stop_at_bound_yuan=1e12)
    assert free.termination == "convergenceCriteriaSatisfied"
    assert free.objective_yuan == pytest.approx(-22.7157e9, rel=1e-4)
