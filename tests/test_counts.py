"""Module counts by cluster (models/counts.py) and the solve through them
(siting/optimize/counts.py) on tiny instances solved by hand.

Instances are those of tests/test_families.py (`make_inputs`: one year 2030, sites s1 (c1) and
s2 (c2), modules p10 = 10 units/yr of p for 100 yuan on 1 ha and q10 = 10 units/yr of q for
200 yuan on 1 ha, P targets 30 units, penalty 1000 yuan/unit, annuity = capex) with the fields
each test names. `shared_land` puts both sites in one cluster, where the count relaxation and
the MIP can differ.

A single product cannot show that difference: the module bound x[s,p,m,t] <= floor(L[s,p] /
land[m]) caps a continuous x as it caps an integer one, so on 1.5 ha with 1 ha modules the
relaxation builds at most 1 + 1 modules, as the MIP does. Two products sharing a site's land
do: the land row 2 x_p + 2 x_q <= 3 holds x_p + x_q = 1.5 when x is continuous, 1 when whole.
Optima are asserted with rel=1e-9; every search runs at rel_gap 0.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import pyomo.environ as pyo
import pytest
from test_families import (
    P10,
    Q10,
    SETTINGS,
    Y1,
    Y2,
    built,
    land,
    make_inputs,
    modules_of,
    open_sites_case,
    rich_inputs,
    solve_optimal,
    two_years,
    val,
    with_recycling,
)

from models import build_model
from models.counts import add_module_counts, count_values, fix_module_counts, free_module_counts, relax_site_counts
from models.inputs import ModelInputs, ModuleSpec, RecyclingDemo
from siting.optimize.counts import counted_start, solve_by_counts
from siting.optimize.solve import PlanValues, new_solver, plan_values, solve_model, solver_version

P2 = dataclasses.replace(P10, land_ha=2.0)
Q2 = dataclasses.replace(Q10, land_ha=2.0)


def shared_land(ha: float) -> ModelInputs:
    """One cluster c1 holding s1 and s2, `ha` ha each (with and without the red line); p10 and
    q10 take 2 ha each; P targets 10 units and Q 20 units (penalty 1000 yuan/unit each)."""
    return make_inputs(
        CLUSTERS=("c1",),
        cluster_of_site={"s1": "c1", "s2": "c1"},
        MODULES=(P2, Q2),
        capacity_target_units={("P", Y1): 10.0, ("Q", Y1): 20.0},
        **land({"s1": ha, "s2": ha}),
    )


def count_relaxation(inputs: ModelInputs) -> pyo.ConcreteModel:
    """The MIP of `inputs` with module counts, its site counts made continuous."""
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    relax_site_counts(model)
    return model


def assert_whole_builds(model: pyo.ConcreteModel) -> None:
    """Every x[s,p,m,t] of the plan `model` holds is a whole number of modules."""
    for key in model.BUILD:
        value = val(model.build[key])
        assert value == pytest.approx(round(value), abs=1e-9), (key, value)


# --------------------------------------------------------------------------------------------
# the count relaxation against the MIP


def test_count_relaxation_is_strictly_below_the_mip() -> None:
    """`shared_land(3)`: each site has 3 ha; a module takes 2 ha, so x <= floor(3/2) = 1 for
    p and for q at each site, and the land row is 2 x_p + 2 x_q <= 3.

    Count relaxation (x continuous, n whole): n_p = 1 and n_q = 2 meet both targets for
    100 + 2 * 200 = 500, no cheaper plan meets them and a unit short costs 1000. It is
    feasible: x_q = 1 at both sites (n_q = 2 needs both, x_q <= 1), leaving 1 ha for p at each:
    x_p = 0.5 + 0.5 = 1 (land 2 * 1.5 = 3 ha per site). This split is the only one.
    MIP: x_p + x_q <= 1.5 with whole x means one module per site, two in all. Two q modules:
    400 + 10 units of P short (10000) = 10400; one p and one q: 300 + 10 units of Q short
    (10000) = 10300; one module or none costs more.
    Optima: relaxation 500 (counts p10: 1, q10: 2); MIP 10300 (one p and one q module).
    """
    inputs = shared_land(3.0)
    relaxed = count_relaxation(inputs)
    report = solve_model(relaxed, SETTINGS)
    assert report.proven_optimal
    assert report.objective_yuan == pytest.approx(500.0, rel=1e-9)
    assert count_values(relaxed) == {("c1", "p10", Y1): 1, ("c1", "q10", Y1): 2}
    assert {key: val(relaxed.build[key]) for key in relaxed.BUILD} == pytest.approx({
        ("s1", "p", "p10", Y1): 0.5, ("s1", "q", "q10", Y1): 1.0,
        ("s2", "p", "p10", Y1): 0.5, ("s2", "q", "q10", Y1): 1.0,
    }, abs=1e-9)

    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(10300.0, rel=1e-9)
    assert modules_of(model, "p") == 1 and modules_of(model, "q") == 1
    assert report.objective_yuan <= objective


def test_counts_that_cannot_be_shared_out_lead_to_the_mip() -> None:
    """`shared_land(3)` through `solve_by_counts`: the relaxation (500, counts p10: 1, q10: 2,
    see `test_count_relaxation_is_strictly_below_the_mip`) asks for 3 whole modules where the
    sites hold one each, so the fixed-count search is proven infeasible; the MIP search runs and
    finds 10300 with a bound of 10300. The reported bound is max(500, 10300) = 10300.
    Result: objective 10300, proven, gap 0; lower bound 10300."""
    result = solve_by_counts(shared_land(3.0), SETTINGS)
    assert result.relaxation.objective_yuan == pytest.approx(500.0, rel=1e-9)
    assert result.fixed is not None
    assert not result.fixed.has_solution and result.fixed.infeasible
    assert result.full is not None
    assert result.report.objective_yuan == pytest.approx(10300.0, rel=1e-9)
    assert result.report.proven_optimal
    assert result.report.termination == "convergenceCriteriaSatisfied"
    assert result.report.gap == pytest.approx(0.0, abs=1e-9)
    assert result.lower_bound_yuan is not None
    assert result.lower_bound_yuan <= result.report.objective_yuan + 1e-9
    assert result.lower_bound_yuan == pytest.approx(10300.0, rel=1e-9)
    assert result.model is not None
    assert modules_of(result.model, "p") == 1 and modules_of(result.model, "q") == 1
    assert not any(var.fixed for var in result.model.module_count.values())


def test_counts_that_share_out_certify_without_the_mip() -> None:
    """`shared_land(4)`: each site holds two 2 ha modules. The relaxation gives 500 (counts
    p10: 1, q10: 2 as in `test_count_relaxation_is_strictly_below_the_mip`); fixed to them the MIP
    shares them out whole (e.g. s1: p + q, s2: q) for 100 + 400 = 500, which the relaxation's
    bound 500 certifies: (500 - 500) / 500 = 0, so the MIP itself is not searched.
    Result: objective 500, proven, gap 0, no MIP search."""
    result = solve_by_counts(shared_land(4.0), SETTINGS)
    assert result.full is None
    assert result.fixed is not None and result.fixed.has_solution
    assert result.report.objective_yuan == pytest.approx(500.0, rel=1e-9)
    assert result.report.proven_optimal
    assert result.report.gap == pytest.approx(0.0, abs=1e-9)
    assert result.lower_bound_yuan == pytest.approx(500.0, rel=1e-9)
    assert result.model is not None
    assert count_values(result.model) == {("c1", "p10", Y1): 1, ("c1", "q10", Y1): 2}
    assert modules_of(result.model, "p") == 1 and modules_of(result.model, "q") == 2
    assert all(n <= 2 for n in built(result.model).values())
    assert_whole_builds(result.model)


def dear_second_site() -> ModelInputs:
    """`shared_land` with 3 ha at s1 and 4 ha at s2, land at s2 priced 2500 yuan/ha (term 50
    years, no discount rate: 2500 * 2 ha / 50 = 100 yuan a year per module at s2; s1 free)."""
    return dataclasses.replace(
        shared_land(3.0), **land({"s1": 3, "s2": 4}), land_price_yuan_per_ha={"s2": 2500.0}
    )


def test_counts_shared_out_above_the_bound_lead_to_the_mip() -> None:
    """`dear_second_site`: the targets need n_p = 1 and n_q = 2 (500 yuan of capex; a unit
    short costs 1000). s1 holds x_p + x_q <= 1.5 modules, so s2 holds the other 1.5 at least.
    Count relaxation: 1.5 modules at s2, 500 + 1.5 * 100 = 650. Whole modules: s1 holds one,
    s2 two: 500 + 2 * 100 = 700, and the counts (1, 2) fixed share out so.
    The fixed counts' 700 against the bound 650: (700 - 650) / 700 = 1/14 > 0, so the MIP runs;
    its bound 700 proves the plan. Result: 700, proven, gap 0, lower bound 700.
    With `certify` false the MIP is not searched: 700, not proven, gap 1/14, bound 650."""
    result = solve_by_counts(dear_second_site(), SETTINGS)
    assert result.relaxation.objective_yuan == pytest.approx(650.0, rel=1e-9)
    assert result.fixed is not None and result.fixed.has_solution
    assert result.fixed.objective_yuan == pytest.approx(700.0, rel=1e-9)
    assert result.full is not None
    assert result.report.objective_yuan == pytest.approx(700.0, rel=1e-9)
    assert result.report.proven_optimal
    assert result.report.gap == pytest.approx(0.0, abs=1e-9)
    assert result.lower_bound_yuan == pytest.approx(700.0, rel=1e-9)
    assert result.model is not None
    assert built(result.model) in ({("s1", "p"): 1, ("s2", "q"): 2}, {("s1", "q"): 1, ("s2", "p"): 1, ("s2", "q"): 1})

    uncertified = solve_by_counts(dear_second_site(), SETTINGS, certify=False)
    assert uncertified.full is None
    assert uncertified.report.objective_yuan == pytest.approx(700.0, rel=1e-9)
    assert not uncertified.report.proven_optimal
    assert uncertified.report.best_bound_yuan == pytest.approx(650.0, rel=1e-9)
    assert uncertified.report.gap == pytest.approx(1 / 14, rel=1e-9)
    assert uncertified.lower_bound_yuan == pytest.approx(650.0, rel=1e-9)


def test_strict_targets_no_site_can_hold_are_infeasible() -> None:
    """2 ha at each site (two 1 ha modules each, 40 units at most); P targets 50 units, strict.
    The count relaxation has the same module bounds (x <= 2 per site), so it is proven
    infeasible, and so is the MIP: no model, no fixed-count or MIP search."""
    result = solve_by_counts(
        make_inputs(capacity_target_units={("P", Y1): 50.0}, targets_strict=True, **land({"s1": 2, "s2": 2})),
        SETTINGS,
    )
    assert result.model is None
    assert result.report.infeasible
    assert not result.report.has_solution
    assert result.report.objective_yuan is None
    assert result.fixed is None and result.full is None
    assert result.relaxation.infeasible


# --------------------------------------------------------------------------------------------
# the same optimum as the MIP


def one_cluster_agglomeration() -> ModelInputs:
    """s1 and s2 both in c1, 2 ha each; P targets 30 units; opening a site costs 50 yuan and an
    opened site invests at least 200 yuan."""
    return make_inputs(
        CLUSTERS=("c1",),
        cluster_of_site={"s1": "c1", "s2": "c1"},
        site_fixed_cost_yuan=50.0,
        min_investment_per_open_site_yuan=200.0,
        **land({"s1": 2, "s2": 2}),
    )


#: (instance, hand optimum or None where the MIP's own optimum is the reference), each with the
#: arithmetic (tests/test_families.py and tests/test_time_costs.py give it in full):
EQUIVALENT: dict[str, tuple[Callable[[], ModelInputs], float | None]] = {
    # 3 p modules: 300.
    "default": (make_inputs, 300.0),
    # Lead time 1: the 3 modules are decided in 2030 for the 2031 target, one year standing: 300.
    "two_years_lead_time": (lambda: two_years(lead_time_yr={"p": 1}), 300.0),
    # Opex 10/yr, targets 10 (2030) and 30 (2031): 1 module in 2030 (220) and 2 in 2031 (220): 440.
    "two_years_accumulation": (
        lambda: two_years(MODULES=(dataclasses.replace(P10, fixed_opex_yuan_per_yr=10.0), Q10),
                          capacity_target_units={("P", Y1): 10.0, ("P", Y2): 30.0}),
        440.0,
    ),
    # R targets 30, opening 1000, one demonstration of exactly 10 units: r modules 2 + 1 at two
    # sites: 900 + 2000 = 2900.
    "recycling_demo_max_size": (
        lambda: with_recycling(
            capacity_target_units={("R", Y1): 30.0}, site_fixed_cost_yuan=1000.0,
            recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=1,
                                         max_size_units_per_yr=10.0),
            **land({"s1": 3, "s2": 3}, ("p", "q", "r")),
        ),
        2900.0,
    ),
    # No target, at least one demonstration of 20 units: 2 r modules at one site: 600.
    "recycling_demo_min_sites": (
        lambda: with_recycling(recycling_demo=RecyclingDemo("r", min_size_units_per_yr=20.0, min_sites=1,
                                                            max_sites=2)),
        600.0,
    ),
    # s1 2 ha, s2 100 ha, opening 1000: all 3 modules at s2: 300 + 1000 = 1300.
    "site_fixed_cost": (lambda: make_inputs(site_fixed_cost_yuan=1000.0, **land({"s1": 2, "s2": 100})), 1300.0),
    # 2 ha per site, at least 200 per opened site: 2 + 2 modules: 400.
    "min_investment": (lambda: make_inputs(min_investment_per_open_site_yuan=200.0, **land({"s1": 2, "s2": 2})),
                       400.0),
    # One cluster, 2 ha per site, opening 50, at least 200 per opened site: 3 modules need both
    # sites, then 2 + 2 (the continuous split 2 + 1 breaks the minimum too): 400 + 2 * 50 = 500
    # (one site: 200 + 50 + 10 units short 10000).
    "one_cluster_agglomeration": (one_cluster_agglomeration, 500.0),
    # s1, s2 in c1, 2 ha each, P targets 40, one open site in c1: 2 modules + 20 short: 20200.
    "max_open_sites_one_cluster": (lambda: open_sites_case(1), 20200.0),
    # 2 ha per site, clusters differ in at least one product: 3 p + 1 q modules: 500.
    "portfolio_difference": (lambda: make_inputs(min_portfolio_difference=1, **land({"s1": 2, "s2": 2})), 500.0),
    # p in one cluster at most; s1 3 ha, s2 2 ha, P targets 50: 3 modules at s1 + 20 short: 20300.
    "max_clusters_per_product": (
        lambda: make_inputs(capacity_target_units={("P", Y1): 50.0}, max_clusters_per_product={"p": 1},
                            **land({"s1": 3, "s2": 2})),
        20300.0,
    ),
    # Every cluster adds at least 40 % of the value: 2 + 2 p modules: 400.
    "min_cluster_value_share": (lambda: make_inputs(min_cluster_value_share=0.4), 400.0),
    # Every family binding, s1 and s2 in one cluster (tests/test_families.py `rich_inputs`).
    "rich": (rich_inputs, None),
}


@pytest.mark.parametrize("name", list(EQUIVALENT))
def test_solve_by_counts_finds_the_mip_optimum(name: str) -> None:
    """At rel_gap 0 the solve through counts proves the MIP's own optimum (to 1e-6 relative;
    the hand optimum where one is given, to 1e-9), with whole site counts in its plan."""
    make, hand = EQUIVALENT[name]
    inputs = make()
    _model, objective = solve_optimal(inputs)
    result = solve_by_counts(inputs, SETTINGS)
    assert result.report.proven_optimal, result.report.termination
    assert result.report.objective_yuan == pytest.approx(objective, rel=1e-6, abs=1e-6)
    if hand is not None:
        assert objective == pytest.approx(hand, rel=1e-9)
        assert result.report.objective_yuan == pytest.approx(hand, rel=1e-9)
    assert result.relaxation.objective_yuan is not None
    assert result.relaxation.objective_yuan <= objective + 1e-6
    assert result.model is not None
    assert_whole_builds(result.model)


# --------------------------------------------------------------------------------------------
# counted_start


def test_counted_start_sums_the_site_counts_of_a_cluster() -> None:
    """`shared_land(4)` (s1 and s2 in c1): a plan with 2 p modules at s1 and 1 at s2 starts
    n[c1,p10,2030] at 2 + 1 = 3 and n[c1,q10,2030] at 0 (no member in the plan); the site
    counts are carried over as they are. Without a plan there is no start."""
    inputs = shared_land(4.0)
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    plan = {"build": {("s1", "p", "p10", Y1): 2.0, ("s2", "p", "p10", Y1): 1.0}}
    start = counted_start(model, inputs, plan)
    assert start is not None
    assert start[model.module_count["c1", "p10", Y1]] == 3.0
    assert start[model.module_count["c1", "q10", Y1]] == 0.0
    assert start[model.build["s1", "p", "p10", Y1]] == 2.0
    assert start[model.build["s2", "p", "p10", Y1]] == 1.0
    assert model.build["s1", "q", "q10", Y1] not in start
    assert counted_start(model, inputs, None) is None
    # a plan of a model with counts (as `plan_values` of a solved run gives it) holds its own
    # counts: they are summed afresh, not added to (a start of 6 would be infeasible)
    held = {**plan, "module_count": {("c1", "p10", Y1): 3.0, ("c1", "q10", Y1): 5.0}}
    again = counted_start(model, inputs, held)
    assert again is not None
    assert again[model.module_count["c1", "p10", Y1]] == 3.0
    assert again[model.module_count["c1", "q10", Y1]] == 0.0


# --------------------------------------------------------------------------------------------
# models/counts.py: the counts, their errors and the relaxation's domains


def test_module_counts_twice_is_refused() -> None:
    """A second `add_module_counts` on the same model is refused with its whole message."""
    inputs = make_inputs()
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    with pytest.raises(ValueError) as caught:
        add_module_counts(model, inputs, model.index_data)
    assert str(caught.value) == "the model already has module counts"


def test_relaxation_without_counts_is_refused() -> None:
    """`relax_site_counts` on a model without module counts is refused with its whole message."""
    with pytest.raises(ValueError) as caught:
        relax_site_counts(build_model(make_inputs()))
    assert str(caught.value) == "the count relaxation needs the module counts (add_module_counts) first"


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({("c9", "p10", Y1): 1}, "module counts for keys the model does not have: [('c9', 'p10', 2030)]"),
        ({("c1", "p10", Y1): -1}, "module count ('c1', 'p10', 2030) must be a whole number >= 0, got -1"),
        ({("c1", "p10", Y1): 1.5}, "module count ('c1', 'p10', 2030) must be a whole number >= 0, got 1.5"),
    ],
    ids=["unknown_key", "negative", "fractional"],
)
def test_fix_module_counts_refuses_bad_counts(counts: dict[tuple[str, str, int], float], message: str) -> None:
    """Counts for a key the model lacks, or not whole and >= 0, are refused (whole message)."""
    inputs = make_inputs()
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    with pytest.raises(ValueError) as caught:
        fix_module_counts(model, counts)
    assert str(caught.value) == message


def test_module_counts_link_fix_and_free() -> None:
    """Default instance (s1 in c1, s2 in c2, 100 ha each, P targets 30 units).
    COUNT = {c1, c2} x {p10, q10} x {2030} in cluster, module and year order; with counts the
    MIP's optimum is unchanged (300). Fixed to one p module per cluster (1.0 is whole; q counts
    0 as not given): 2 modules + 10 units short = 200 + 10000 = 10200, with n equal to the sum
    of its sites' x. Freed again: 300.
    Optima: 300, 10200 fixed, 300 freed."""
    inputs = make_inputs()
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    assert list(model.COUNT) == [("c1", "p10", Y1), ("c1", "q10", Y1), ("c2", "p10", Y1), ("c2", "q10", Y1)]
    assert all(var.is_integer() for var in model.module_count.values())
    report = solve_model(model, SETTINGS)
    assert report.objective_yuan == pytest.approx(300.0, rel=1e-9)
    assert sum(count_values(model).values()) == 3

    fix_module_counts(model, {("c1", "p10", Y1): 1, ("c2", "p10", Y1): 1.0})
    report = solve_model(model, SETTINGS)
    assert report.proven_optimal
    assert report.objective_yuan == pytest.approx(10200.0, rel=1e-9)
    assert count_values(model) == {("c1", "p10", Y1): 1, ("c1", "q10", Y1): 0, ("c2", "p10", Y1): 1,
                                   ("c2", "q10", Y1): 0}
    assert built(model) == {("s1", "p"): 1, ("s2", "p"): 1}

    free_module_counts(model)
    assert not any(var.fixed for var in model.module_count.values())
    report = solve_model(model, SETTINGS)
    assert report.objective_yuan == pytest.approx(300.0, rel=1e-9)


def test_relax_site_counts_keeps_bounds_and_other_domains() -> None:
    """`shared_land(3)` with a site opening cost (so that `opened` exists): after
    `relax_site_counts` every x[s,p,m,t] is continuous with lower bound 0 and upper bound the
    module bound floor(3 / 2) = 1 it had; the counts stay non-negative integers and every other
    variable (binaries included) keeps its domain."""
    inputs = dataclasses.replace(shared_land(3.0), site_fixed_cost_yuan=10.0)
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    assert all(var.is_integer() for var in model.build.values())
    builds = {id(var) for var in model.build.values()}
    others = {var.name: var.domain for var in model.component_data_objects(pyo.Var) if id(var) not in builds}
    assert any(var.is_binary() for var in model.component_data_objects(pyo.Var))

    relax_site_counts(model)
    bound = model.index_data.module_bound
    for (s, p, mid, t), var in model.build.items():
        assert var.domain is pyo.NonNegativeReals
        assert var.is_continuous()
        assert var.bounds == (0, bound[(s, p, mid)]) == (0, 1), (s, p, mid, t)
    for var in model.module_count.values():
        assert var.domain is pyo.NonNegativeIntegers
        assert var.is_integer()
    assert {var.name: var.domain for var in model.component_data_objects(pyo.Var)
            if id(var) not in builds} == others


# --------------------------------------------------------------------------------------------
# refusals and endings


def test_refused_counts_leave_the_model_unchanged() -> None:
    """Default instance: counts refused for ("c2", "p10", 2030) (negative) leave every count
    free, as they were, including those of c1, which come before it in COUNT order."""
    inputs = make_inputs()
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    with pytest.raises(ValueError):
        fix_module_counts(model, {("c2", "p10", Y1): -1})
    assert not any(var.fixed for var in model.module_count.values())


def test_uncertified_plan_is_not_reported_as_timed_out() -> None:
    """`dear_second_site` with `certify` false: the fixed counts' plan (700) stands above the
    bound (650) because the MIP was not asked for, not because time ran out (the whole solve
    takes well under a second of the 30 s limit): the termination is the fixed-count search's
    own, not "maxTimeLimit" (which the screening would count as stopped by the limit)."""
    result = solve_by_counts(dear_second_site(), SETTINGS, certify=False)
    assert result.report.solve_time_s < SETTINGS.time_limit_s / 2
    assert result.report.termination != "maxTimeLimit"


Q20 = ModuleSpec("q20", "q", capacity_units_per_yr=20.0, capex_yuan=455.0, fixed_opex_yuan_per_yr=0.0, land_ha=3.0)


def test_a_start_plan_cheaper_than_the_relaxations_counts_is_kept() -> None:
    """`dear_second_site` with a third module q20 (20 units of Q on 3 ha for 455 yuan).
    Plans: A = p10 + 2 q10 (capex 500): s1 holds one 2 ha module, s2 the other two (2 * 100
    yuan of land): 700. B = p10 + q20 (capex 555): q20 fills s1's 3 ha, p10 at s2 (100): 655,
    the MIP's optimum (p10 at s1 and q20 at s2 would pay 3 * 50 = 150 of land: 705).
    The count relaxation prefers A's counts: 1.5 modules at s2 give 500 + 150 = 650 < 655.
    With `certify` false the MIP is not searched, so without a start the plan is A's 700; from
    the start plan B (the MIP's optimum, as a re-solve with a rule relaxed starts from its base
    plan) its counts are fixed too and B is kept: 655, bound 650."""
    inputs = dataclasses.replace(dear_second_site(), MODULES=(P2, Q2, Q20))
    mip = build_model(inputs)
    assert solve_model(mip, SETTINGS).objective_yuan == pytest.approx(655.0, rel=1e-9)
    start = plan_values(mip)

    cold = solve_by_counts(inputs, SETTINGS, certify=False)
    assert cold.relaxation.objective_yuan == pytest.approx(650.0, rel=1e-9)
    assert cold.report.objective_yuan == pytest.approx(700.0, rel=1e-9)

    warm = solve_by_counts(inputs, SETTINGS, start=start, certify=False)
    assert warm.full is None
    assert warm.report.objective_yuan == pytest.approx(655.0, rel=1e-9)
    assert warm.report.best_bound_yuan == pytest.approx(650.0, rel=1e-9)
    assert warm.model is not None
    assert built(warm.model) == {("s1", "q"): 1, ("s2", "p"): 1}
    assert count_values(warm.model) == {("c1", "p10", Y1): 1, ("c1", "q10", Y1): 0, ("c1", "q20", Y1): 1}
    assert not any(var.fixed for var in warm.model.module_count.values())


def test_a_cutoff_prunes_plans_at_or_above_it_and_is_then_the_bound() -> None:
    """`shared_land(3)`: the MIP's optimum is 10300 (see `test_counts_that_cannot_be_shared_out_lead_to_the_mip`).
    With a cutoff of 10000, below it, no plan is found below the cutoff: termination
    "objectiveLimit", no plan, not infeasible, bound 10000 (every plan costs at least that).
    The same solver object then solves without the cutoff (it is not left set): 10300. With a
    cutoff of 20000 the optimum is found as without one."""
    model = build_model(shared_land(3.0))
    solver = new_solver()
    cut = solve_model(model, SETTINGS, solver, cutoff_yuan=10_000.0)
    assert (cut.termination, cut.has_solution, cut.infeasible) == ("objectiveLimit", False, False)
    assert cut.best_bound_yuan == pytest.approx(10_000.0, rel=1e-9)
    again = solve_model(model, SETTINGS, solver)
    assert again.objective_yuan == pytest.approx(10_300.0, rel=1e-9)
    above = solve_model(build_model(shared_land(3.0)), SETTINGS, cutoff_yuan=20_000.0)
    assert above.termination == "convergenceCriteriaSatisfied"
    assert above.objective_yuan == pytest.approx(10_300.0, rel=1e-9)
    assert above.best_bound_yuan == pytest.approx(10_300.0, rel=1e-9)


# --------------------------------------------------------------------------------------------
# the early plan (siting/optimize/counts.py `_early_plan`)


def hosted_once() -> ModelInputs:
    """p in one cluster at most (c1 holds s1, 3 ha; c2 holds s2, 2 ha); P targets 50 units.
    Hosted in c1: 3 modules (300) + 20 units short (20000) = 20300, the optimum; in c2: 2 modules
    + 30 short = 30200; nowhere: 50000. The count relaxation's module bound x <= floor(L / 1 ha)
    holds its continuous x as it holds the MIP's, so with c1 chosen its optimum is 20300 too."""
    return make_inputs(capacity_target_units={("P", Y1): 50.0}, max_clusters_per_product={"p": 1},
                       **land({"s1": 3, "s2": 2}))


def test_the_early_plan_is_taken_and_the_bound_is_the_relaxations(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` at a 20 % gap, the early plan tried on this small relaxation too. Its LPs
    choose c1 (20300 against 30200 and 50000); with c1 fixed the relaxation's plan costs 20300,
    its counts fixed in the MIP give 20300, the optimum. The restriction's report carries no
    bound (None: its bound holds only with c1 fixed). The bound reported is the unchanged
    relaxation's: its LP bound, 20300 here (the module bound x <= 3 h[c1,p] makes the LP pick c1
    whole), which the cutoff search of the certifying bound 20300 - 0.2 * 20300 = 16240 keeps
    (no relaxed plan below the cutoff: "objectiveLimit"). No host is left fixed."""
    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    settings = dataclasses.replace(SETTINGS, rel_gap=0.2)
    result = solve_by_counts(hosted_once(), settings)
    assert result.early is not None and result.scout is None
    assert result.early.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.early.best_bound_yuan is None
    assert result.early.solver_version == solver_version()  # "1.16.0", not "1...1.6...0"
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.report.proven_optimal
    assert result.relaxation.termination == "objectiveLimit"
    assert result.report.best_bound_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.lower_bound_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.record()["early_plan"]["bound_yuan"] is None
    assert result.bounding is not None
    assert not any(var.fixed for var in result.bounding.model.hosts.values())
    assert result.model is not None
    assert built(result.model) == {("s1", "p"): 3}


def test_the_early_search_runs_one_node_without_the_root_reduced_cost_heuristic(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The early plan's restricted search (the one highspy copy kept integer) is asked for one
    node and no root reduced-cost heuristic (`EARLY_SEARCH_OPTIONS`), beside the relaxation's own
    options (its gap share, seed and threads), on a model searched with HiGHS's heuristics (a
    small one runs without them: SMALL_MIP_INTEGERS set to 0 here); the LPs before it keep
    HiGHS's defaults. The plan is still `hosted_once`'s optimum, 20300."""
    from siting.optimize import counts as counts_module

    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    monkeypatch.setattr("siting.optimize.solve.SMALL_MIP_INTEGERS", 0)
    copy = counts_module._highs_copy
    asked: list[tuple[bool, dict[str, Any]]] = []

    def recorded(lp: Any, options: dict[str, Any], continuous: bool) -> Any:
        asked.append((continuous, dict(options)))
        return copy(lp, options, continuous)

    monkeypatch.setattr(counts_module, "_highs_copy", recorded)
    result = solve_by_counts(hosted_once(), dataclasses.replace(SETTINGS, rel_gap=0.2))
    assert result.early is not None
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    searches = [options for continuous, options in asked if not continuous]
    assert len(searches) == 1
    assert searches[0]["mip_max_nodes"] == 1
    assert searches[0]["mip_heuristic_run_root_reduced_cost"] is False
    assert searches[0]["threads"] == SETTINGS.threads
    assert all("mip_heuristic_run_root_reduced_cost" not in options for continuous, options in asked if continuous)


def test_without_single_host_products_the_scout_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` without the hosting limit: no product is single-host, so no early plan; the
    scout (the whole relaxation, in a few nodes) and the fixed counts give the optimum: both
    clusters build p, 3 + 2 modules and 0 short: 500."""
    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    result = solve_by_counts(dataclasses.replace(hosted_once(), max_clusters_per_product={}), SETTINGS)
    assert result.early is None
    assert "early_plan" not in result.record()
    assert result.report.proven_optimal
    assert result.report.objective_yuan == pytest.approx(500.0, rel=1e-9)


def test_the_mip_is_built_and_handed_over_while_the_restricted_search_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` as in `test_the_early_plan_is_taken_and_the_bound_is_the_relaxations`. The
    early plan's one-node search of the restriction (the highspy copy with integer columns) waits
    up to 5 s for the MIP with counts to be handed to HiGHS (Pyomo's `set_instance`): the hand-off
    happens while that search runs, not after it, and once only (the fixed-count search solves on
    the solver handed the MIP before); the plan is the same, 20300."""
    import highspy

    from siting.optimize import counts as counts_module
    from siting.optimize.solve import Highs

    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    events: list[str] = []
    handed = threading.Event()
    copy = counts_module._highs_copy
    set_instance = Highs.set_instance

    def followed_copy(lp: object, options: dict, continuous: bool) -> object:
        made = copy(lp, options, continuous)
        if not continuous:  # the restricted search
            def run() -> object:
                events.append("search began")
                handed.wait(5.0)
                events.append("search ended")
                return highspy._Highs.run(made)

            made.run = run
        return made

    def followed_set_instance(self: object, model: pyo.ConcreteModel) -> object:
        if hasattr(model, "module_count") and all(var.is_integer() for var in model.build.values()):
            events.append("mip handed")
            handed.set()
        return set_instance(self, model)

    monkeypatch.setattr(counts_module, "_highs_copy", followed_copy)
    monkeypatch.setattr(Highs, "set_instance", followed_set_instance)
    result = solve_by_counts(hosted_once(), dataclasses.replace(SETTINGS, rel_gap=0.2))
    assert events == ["search began", "mip handed", "search ended"]
    assert result.early is not None
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)


def hard_knapsack(items: int = 300, rows: int = 30) -> object:
    """A highspy object holding a multi-dimensional 0-1 knapsack (seeded weights and values
    10-100, each capacity half its row's weight), output off: at a gap of 0 HiGHS needs far
    longer than a minute on it (tests/test_interrupts.py `knapsacks`)."""
    import highspy
    import numpy as np

    rng = np.random.default_rng(1)
    weights = rng.integers(10, 101, size=(rows, items))
    values = rng.integers(10, 101, size=items)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("time_limit", 120.0)
    highs.setOptionValue("threads", 1)
    x = [highs.addBinary(obj=-float(v)) for v in values]
    for k in range(rows):
        highs.addConstr(sum(float(weights[k, i]) * x[i] for i in range(items)) <= float(weights[k].sum() // 2))
    return highs


def test_a_stop_while_the_model_is_built_beside_the_search_stops_the_search() -> None:
    """`_search_aside` on a search of over a minute: a KeyboardInterrupt (Ctrl-C) raised by the
    work done beside it half a second in asks HiGHS to stop; it is raised again once HiGHS has
    stopped (interrupted), within seconds."""
    import highspy

    from siting.optimize.counts import _search_aside

    highs = hard_knapsack()

    def work() -> None:
        time.sleep(0.5)
        raise KeyboardInterrupt

    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        _search_aside(highs, work)
    assert time.perf_counter() - started < 10
    assert highs.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def test_ctrl_c_while_waiting_for_the_search_beside_stops_it() -> None:
    """`_search_aside` on a search of over a minute, the work done at once: SIGINT half a second
    in, while this thread waits for the search, raises KeyboardInterrupt (Python's own handler)
    once HiGHS has stopped, within seconds; what the work returned is not returned."""
    import highspy

    from siting.optimize.counts import _search_aside

    highs = hard_knapsack()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.perf_counter()
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            _search_aside(highs, lambda: "built")
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert time.perf_counter() - started < 10
    assert highs.getModelStatus() == highspy.HighsModelStatus.kInterrupt


def test_ctrl_c_again_while_the_stopped_search_beside_ends_waits_for_it() -> None:
    """`_search_aside` on a search of over a minute whose interrupt checks take 0.3 s each: the
    work raises KeyboardInterrupt (a first Ctrl-C) half a second in, and the search's next check
    sends a second SIGINT while this thread waits for HiGHS to stop. The first KeyboardInterrupt
    is raised only once the search has ended (interrupted): cut short by the second, the wait
    left HiGHS searching in its thread as the command line ended, and Python's end then aborted
    it ("terminate called without an active exception", exit -6, or a segmentation fault)."""
    import highspy

    from siting.optimize.counts import _search_aside

    highs = hard_knapsack()
    stopped, again, ended = threading.Event(), threading.Event(), threading.Event()

    def slow_check(event: object) -> None:  # subscribed before `_search_aside`'s own: runs first
        time.sleep(0.3)
        if stopped.is_set() and not again.is_set():
            again.set()
            os.kill(os.getpid(), signal.SIGINT)  # handled in the main thread, which waits for the search
            time.sleep(0.3)
        if ended.is_set():
            event.interrupt()  # type: ignore[attr-defined]

    def work() -> None:
        time.sleep(0.5)
        stopped.set()
        raise KeyboardInterrupt

    highs.cbMipInterrupt.subscribe(slow_check)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            _search_aside(highs, work)
        status = highs.getModelStatus()  # as the KeyboardInterrupt comes up: the search's end, or none yet
    finally:
        ended.set()
        for thread in [t for t in threading.enumerate() if t.name == "siting-early-search"]:
            thread.join(30)
        signal.signal(signal.SIGINT, previous)
    assert again.is_set()
    assert status == highspy.HighsModelStatus.kInterrupt


def test_the_search_beside_gives_its_time_and_the_works_result() -> None:
    """`_search_aside` on max x, x whole in 0..10, 2 x <= 7: optimum x = 3 (objective -3, HiGHS
    minimising -x). The work's result and the search's own seconds come back, and the search ran
    to its end (optimal)."""
    import highspy

    from siting.optimize.counts import _search_aside

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    x = highs.addIntegral(lb=0, ub=10, obj=-1.0)
    highs.addConstr(2 * x <= 7)
    seconds, done = _search_aside(highs, lambda: "built")
    assert done == "built"
    assert 0 <= seconds < 5
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(-3.0, rel=1e-9)


def hosted_in(inputs: ModelInputs, cluster: str) -> PlanValues:
    """The optimum of `inputs` (`plan_values`) with its product p hosted in `cluster` only (the
    other host indicators fixed at 0): a start plan, as a re-solve's base plan is."""
    mip = build_model(inputs)
    for (c, _p), var in mip.hosts.items():
        if c != cluster:
            var.fix(0)
    assert solve_model(mip, SETTINGS).proven_optimal
    return plan_values(mip)


def recorded_searches(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """Each search of the count relaxation (`Bounding.search`) as it is asked: its cutoff (yuan),
    `improving` and `heuristics`, in order, in the list returned."""
    from siting.optimize.counts import HIGHS_NODES, Bounding

    asked: list[dict[str, object]] = []
    search = Bounding.search

    def recorded(self: Bounding, nodes: int, start: object = None, lower: float | None = None,
                 known: float | None = None, cutoff: float | None = None, improving: int = HIGHS_NODES,
                 heuristics: bool = True) -> object:
        asked.append({"cutoff": cutoff, "improving": improving, "heuristics": heuristics})
        return search(self, nodes, start, lower, known, cutoff, improving, heuristics)

    monkeypatch.setattr(Bounding, "search", recorded)
    return asked


def test_a_warm_solve_certifies_its_start_by_the_proofs_of_a_cold_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` at a 20 % gap, started from the plan that hosts p in c2: 2 modules + 30 units
    short = 30200. The relaxation's LP bound, 20300, does not certify it ((30200 - 20300) / 30200
    = 33 % > 20 %), so the relaxation is searched as after a cold solve's first plan (`_prove`):
    with the start's certifying bound 30200 - 0.2 * 30200 = 24160 as cutoff, HiGHS's sub-MIP
    heuristics off, stopping at the first relaxed plan below it (c1's, 20300), which made a plan of
    the MIP costs 20300; the bound that search proved, 20300, is above that plan's own cutoff,
    16240, and certifies it: 20300, proven, after one search. Before, the one search kept HiGHS's
    heuristics. (WARM_EARLY_GAP raised to 50 %: the start lies within it above the LP bound, so
    no early plan is sought.)"""
    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    monkeypatch.setattr("siting.optimize.counts.WARM_EARLY_GAP", 0.5)
    asked = recorded_searches(monkeypatch)
    settings = dataclasses.replace(SETTINGS, rel_gap=0.2)
    start = hosted_in(hosted_once(), "c2")
    assert built_in(start) == {("s2", "p"): 2}
    result = solve_by_counts(hosted_once(), settings, start=start)
    assert [(a["cutoff"], a["improving"], a["heuristics"]) for a in asked] == [
        (pytest.approx(24160.0, rel=1e-9), 1, False)]
    assert result.early is None and result.scout is None
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.report.best_bound_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.report.proven_optimal
    assert result.model is not None
    assert built(result.model) == {("s1", "p"): 3}
    assert result.bounding is not None
    assert not any(var.fixed for var in result.bounding.model.hosts.values())


def test_a_warm_solve_far_above_the_lp_bound_certifies_the_early_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` at a 20 % gap, started from the plan that hosts p in c2 (30200), which lies
    33 % above the relaxation's LP bound 20300, more than WARM_EARLY_GAP (10 %): the early plan
    is sought beside the start (c1 fixed: 20300, cheaper), and the one proof search certifies it,
    with its certifying bound 20300 - 0.2 * 20300 = 16240 as cutoff (not the start's, 24160): no
    relaxed plan lies below it. Before, the proofs began from the start, which on the shipped
    scenario's market rule cost (24 % above the bound) climbed 8 relaxed plans in 41 s where the
    early plan and one proof took 7 s."""
    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    asked = recorded_searches(monkeypatch)
    settings = dataclasses.replace(SETTINGS, rel_gap=0.2)
    result = solve_by_counts(hosted_once(), settings, start=hosted_in(hosted_once(), "c2"))
    assert [(a["cutoff"], a["improving"], a["heuristics"]) for a in asked] == [
        (pytest.approx(16240.0, rel=1e-9), 1, False)]
    assert result.early is not None and result.early.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.report.proven_optimal
    assert result.model is not None
    assert built(result.model) == {("s1", "p"): 3}


def test_a_warm_solve_whose_start_the_lp_bound_certifies_searches_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` at a 20 % gap, started from its optimum (c1 hosts p: 20300): the LP bound,
    20300, certifies it, so no proof search runs; the one search with the start's certifying
    bound 16240 as cutoff and stop (heuristics as the scenario has them) ends at once, and the
    start's plan stands, proven."""
    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    asked = recorded_searches(monkeypatch)
    settings = dataclasses.replace(SETTINGS, rel_gap=0.2)
    result = solve_by_counts(hosted_once(), settings, start=hosted_in(hosted_once(), "c1"))
    assert [(a["cutoff"], a["heuristics"]) for a in asked] == [(pytest.approx(16240.0, rel=1e-9), True)]
    assert result.early is None
    assert "early_plan" not in result.record()
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.report.proven_optimal


def built_in(plan: PlanValues) -> dict[tuple[str, str], int]:
    """Modules a plan (`plan_values`) builds per (site, product); zeros left out."""
    counts: dict[tuple[str, str], int] = {}
    for (s, p, _m, _t), n in plan["build"].items():
        if round(n):
            counts[(s, p)] = counts.get((s, p), 0) + round(n)
    return counts


@pytest.mark.parametrize("limit", [100.0, 1.2])
def test_the_early_search_gets_its_floor_when_the_share_is_spent(monkeypatch: pytest.MonkeyPatch,
                                                                 limit: float) -> None:
    """`hosted_once` at a 20 % gap with the relaxation's time share 0.3 s (`relaxation_time_s`),
    spent by the time the early plan's LPs end (0.35 s slept after them): the restricted search
    still runs, for EARLY_MIN_S (1.5 s) under a 100 s limit, for the whole limit's time left
    (under 1.2 - 0.35 s) under a 1.2 s limit, and its plan is the optimum, 20300, certified by
    the LP bound (20300) though no proof search has time left."""
    from siting.optimize import counts as counts_module

    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    monkeypatch.setattr(counts_module, "relaxation_time_s", lambda limit_s: 0.3)
    choose, copy = counts_module._host_choice, counts_module._highs_copy

    def slow_choice(*args: Any) -> Any:
        found = choose(*args)
        time.sleep(0.35)
        return found

    asked: list[dict[str, Any]] = []

    def recorded(lp: Any, options: dict[str, Any], continuous: bool) -> Any:
        if not continuous:
            asked.append(dict(options))
        return copy(lp, options, continuous)

    monkeypatch.setattr(counts_module, "_host_choice", slow_choice)
    monkeypatch.setattr(counts_module, "_highs_copy", recorded)
    result = solve_by_counts(hosted_once(), dataclasses.replace(SETTINGS, rel_gap=0.2, time_limit_s=limit))
    assert len(asked) == 1
    if limit > 2:
        assert asked[0]["time_limit"] == counts_module.EARLY_MIN_S
    else:
        assert 0.0 < asked[0]["time_limit"] < limit - 0.35
    assert result.early is not None and result.scout is None
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert result.report.proven_optimal


def test_the_early_plans_lps_run_in_two_lanes_and_choose_as_one_lane_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` as in `test_the_early_plan_is_taken_and_the_bound_is_the_relaxations`: the
    early plan's LPs (`_host_choice`: the plain LP, then p's three choices, then the one
    combination) run on two highspy copies (EARLY_LP_LANES), the first in the calling thread,
    the second in a thread of its own ("siting-early-lps"), which has ended when the choice is
    made. The choice (c1, whose LP bound is 20300) and the plain LP's bound (20300) are those of
    one lane, and the plan is the optimum, 20300."""
    from siting.optimize import counts as counts_module

    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    copy, choose = counts_module._highs_copy, counts_module._host_choice
    ran: list[str] = []
    chosen: list[Any] = []

    def recorded(lp: Any, options: dict[str, Any], continuous: bool) -> Any:
        highs = copy(lp, options, continuous)
        if continuous:
            run = highs.run

            def named() -> Any:
                ran.append(threading.current_thread().name)
                return run()

            highs.run = named
        return highs

    def kept(*args: Any) -> Any:
        chosen.append(choose(*args))
        return chosen[-1]

    monkeypatch.setattr(counts_module, "_highs_copy", recorded)
    monkeypatch.setattr(counts_module, "_host_choice", kept)
    result = solve_by_counts(hosted_once(), dataclasses.replace(SETTINGS, rel_gap=0.2))
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert ran[0] == threading.current_thread().name
    assert "siting-early-lps" in ran
    assert not any(thread.name == "siting-early-lps" for thread in threading.enumerate())
    (two,) = chosen
    monkeypatch.setattr(counts_module, "EARLY_LP_LANES", 1)
    ran.clear()
    solve_by_counts(hosted_once(), dataclasses.replace(SETTINGS, rel_gap=0.2))
    assert set(ran) == {threading.current_thread().name}
    one = chosen[-1]
    assert two is not None and one is not None
    assert two[0] == one[0] and len(two[0]) == 1
    assert two[1] == pytest.approx(one[1], rel=1e-9)
    assert two[1] * result.bounding.model.objective_unit_yuan == pytest.approx(20300.0, rel=1e-9)


def test_a_stop_in_the_first_lane_ends_the_other_after_its_lp_under_way() -> None:
    """`_in_lanes` with two lanes of 50 "LPs" each: the first lane's first raises
    KeyboardInterrupt (a Ctrl-C in this thread); the other lane, whose LPs take 0.05 s each,
    stops after the one under way (it has run at most a few, far from 50), its thread has ended
    when the stop is raised here, and the stop is raised once."""
    from siting.optimize.counts import _in_lanes

    calls: dict[str, int] = {"first": 0, "second": 0}

    def bound(lane: str, choice: dict[str, int | None]) -> float:
        calls[lane] += 1
        if lane == "first":
            time.sleep(0.1)
            raise KeyboardInterrupt
        time.sleep(0.05)
        return 1.0

    dealt: list[list[dict[str, int | None]]] = [[{"p": i} for i in range(50)] for _ in range(2)]
    with pytest.raises(KeyboardInterrupt):
        _in_lanes(["first", "second"], dealt, bound)
    assert calls["first"] == 1
    assert 1 <= calls["second"] < 10
    assert not any(thread.name == "siting-early-lps" for thread in threading.enumerate())


def test_the_early_plans_lps_get_their_floor_when_the_hand_off_spends_the_share(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` at a 20 % gap with the relaxation's time share 0.3 s (`relaxation_time_s`),
    which the relaxation's hand-off to HiGHS spends (0.35 s slept in it). The early plan's LPs
    (`_host_choice`) then get EARLY_MIN_S of the 30 s limit, as its search does: they were given
    the share's time left, below 0, which HiGHS refuses, keeping its own limit, none (0.6 s past a
    0.5 s limit on scenarios/yunnan_2024.yaml, its share spent by the hand-off). Every HiGHS copy
    is given a time limit above 0, and the early plan gives the optimum, 20300."""
    from siting.optimize import counts as counts_module

    monkeypatch.setattr("siting.optimize.counts.EARLY_MIN_INTEGERS", 0)
    monkeypatch.setattr(counts_module, "relaxation_time_s", lambda limit_s: 0.3)
    hand_over, copy = counts_module._hand_over, counts_module._highs_copy

    def slow_hand_over(*args: Any) -> None:
        hand_over(*args)
        time.sleep(0.35)

    limits: list[tuple[bool, float]] = []

    def recorded(lp: Any, options: dict[str, Any], continuous: bool) -> Any:
        limits.append((continuous, options["time_limit"]))
        return copy(lp, options, continuous)

    monkeypatch.setattr(counts_module, "_hand_over", slow_hand_over)
    monkeypatch.setattr(counts_module, "_highs_copy", recorded)
    result = solve_by_counts(hosted_once(), dataclasses.replace(SETTINGS, rel_gap=0.2, time_limit_s=30.0))
    assert [limit for continuous, limit in limits if continuous] == [counts_module.EARLY_MIN_S] * 2
    assert all(limit > 0 for _continuous, limit in limits), limits
    assert result.early is not None
    assert result.report.objective_yuan == pytest.approx(20300.0, rel=1e-9)


def test_a_stop_that_cuts_the_threads_start_short_still_stops_and_waits_for_it(monkeypatch: pytest.MonkeyPatch
                                                                               ) -> None:
    """`_beside` whose `Thread.start()` a Ctrl-C cuts short once the thread is made (its wait for
    the thread to begin interrupted): the task (which runs until told to stop, up to 5 s) is told
    to stop and waited for before the stop is raised here; it was left running, unstopped, as the
    command line ended (HiGHS searching in it then aborts Python's end)."""
    from siting.optimize import counts as counts_module

    class CutShort(threading.Thread):
        def start(self) -> None:
            super().start()
            raise KeyboardInterrupt

    monkeypatch.setattr(counts_module.threading, "Thread", CutShort)
    stop = threading.Event()
    ended: list[bool] = []

    def task() -> None:
        stop.wait(5.0)
        ended.append(stop.is_set())

    with pytest.raises(KeyboardInterrupt):
        counts_module._beside(task, lambda: None, stop, "siting-test-beside")
    assert ended == [True]


def test_a_stop_before_the_thread_is_made_is_raised_without_waiting_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_beside` whose `Thread.start()` a Ctrl-C cuts short before the thread is made: the thread
    never begins, so after STARTED_WITHIN_S (0.05 s here) nothing is waited for and the stop is
    raised (no wait for a thread that will never end its task)."""
    from siting.optimize import counts as counts_module

    class NeverMade(threading.Thread):
        def start(self) -> None:
            raise KeyboardInterrupt

    monkeypatch.setattr(counts_module.threading, "Thread", NeverMade)
    monkeypatch.setattr(counts_module, "STARTED_WITHIN_S", 0.05)
    ran: list[bool] = []
    with pytest.raises(KeyboardInterrupt):
        counts_module._beside(lambda: ran.append(True), lambda: None, threading.Event(), "siting-test-beside")
    assert ran == []
