"""Screening and the aggregated bound (siting/optimize/screening.py) on small instances solved exactly.

Instance (`cells()` and its variants): years 2030-2031 (discount factors 1.0, 0.9), clusters c1
and c2, each with a hub; products p (modules p10 = 10 units/yr on 1 ha for 100 yuan and p25 = 25
units/yr on 2 ha for 220 yuan), q (q10 = 10 units/yr on 1 ha for 150 yuan) and r (r10, recycling,
10 units/yr on 1 ha for 120 yuan); a park `park` in c1 and candidate cells a1..a5 (c1) and b1..b3
(c2). Per-product setbacks leave each cell less land for q than for p (nested), or the same (tied):
usable land p/q/r per cell below. Land price, tariff (p takes 2 kWh per unit, q 1) and hub
distance (products weigh 1 t per unit at 1 yuan per t-km) differ from cell to cell; targets
P = 90 units in 2031, Q = 20 in 2031 (penalties 50 and 40 yuan per unit short). Every money
figure is multiplied by K = 1e5 in the instance. Optimum values
come from the solver at a zero gap: the tests assert relations that hold for every instance
(LB <= full optimum <= UB) and exactness where merging loses nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pyomo.environ as pyo
import pytest

from models import RULE_FAMILIES, build_model
from models.index import MAX_MODULES_WITHOUT_LAND, compute_index, fractional_knapsack
from models.inputs import ModelInputs, ModuleSpec, RecyclingDemo
from siting.optimize.screening import (
    CERTIFY_TOLERANCE,
    ScreeningSettings,
    aggregate,
    member_costs,
    restrict,
    solve_screened,
)
from siting.optimize.solve import SolverSettings, relative_gap, solve_model

SETTINGS = SolverSettings(rel_gap=0.0, time_limit_s=60)
#: Bins wide enough that every cell of a cluster with the same products and land order merges.
MERGE_ALL = ScreeningSettings(hub_km_bin=1e9, source_km_bin=1e9, price_ratio_bin=1e12)
Y1, Y2 = 2030, 2031
#: Yuan per money figure of the docstring: the objective row is in million yuan, so figures of a few
#: hundred yuan would sit below HiGHS's tolerances.
K = 1e5

P10 = ModuleSpec("p10", "p",
                 capacity_units_per_yr=10.0, capex_yuan=100.0 * K, fixed_opex_yuan_per_yr=5.0 * K, land_ha=1.0)
P25 = ModuleSpec("p25", "p",
                 capacity_units_per_yr=25.0, capex_yuan=220.0 * K, fixed_opex_yuan_per_yr=8.0 * K, land_ha=2.0)
Q10 = ModuleSpec("q10", "q",
                 capacity_units_per_yr=10.0, capex_yuan=150.0 * K, fixed_opex_yuan_per_yr=4.0 * K, land_ha=1.0)
R10 = ModuleSpec("r10", "r",
                 capacity_units_per_yr=10.0, capex_yuan=120.0 * K, fixed_opex_yuan_per_yr=2.0 * K, land_ha=1.0)

#: cell -> (cluster, land for p, land for q, land for r, land price yuan/ha, tariff yuan/kWh, hub km)
CELLS: dict[str, tuple[str, float, float, float, float, float, float]] = {
    "a1": ("c1", 3.0, 2.0, 3.0, 10.0, 0.50, 4.0),
    "a2": ("c1", 2.5, 1.5, 2.5, 12.0, 0.45, 6.0),
    "a3": ("c1", 4.0, 4.0, 4.0, 8.0, 0.55, 3.0),
    "a4": ("c1", 2.0, 2.0, 2.0, 9.0, 0.50, 5.0),
    "a5": ("c1", 5.0, 1.0, 5.0, 15.0, 0.40, 8.0),
    "b1": ("c2", 3.0, 2.0, 3.0, 6.0, 0.60, 2.0),
    "b2": ("c2", 2.0, 1.0, 2.0, 7.0, 0.65, 4.0),
    "b3": ("c2", 6.0, 3.0, 6.0, 5.0, 0.70, 9.0),
}
CELL_IDS = tuple(CELLS)


def cells(**overrides: Any) -> ModelInputs:
    """The instance of the module docstring (park 'park': 2 ha, price 20, tariff 0.5, 1 km)."""
    sites = ("park", *CELL_IDS)
    land = {"park": (2.0, 2.0, 2.0)} | {s: v[1:4] for s, v in CELLS.items()}
    products = ("p", "q", "r")
    base: dict[str, Any] = {
        "YEARS": (Y1, Y2),
        "SITES": sites,
        "CLUSTERS": ("c1", "c2"),
        "PRODUCTS": products,
        "MODULES": (P10, P25, Q10, R10),
        "CANDIDATES": tuple((s, p) for s in sites for p in products),
        "cluster_of_site": {"park": "c1"} | {s: v[0] for s, v in CELLS.items()},
        "site_land_ha": {s: max(v) for s, v in land.items()},
        "land_after_redline_ha": {(s, p): land[s][i] for s in sites for i, p in enumerate(products)},
        "utilisation": {"p": 1.0, "q": 1.0, "r": 1.0},
        "output_value_yuan_per_unit": {"p": 5.0 * K, "q": 4.0 * K, "r": 1.0 * K},
        "TARGET_GROUPS": {"P": ("p",), "Q": ("q",), "R": ("r",)},
        "capacity_target_units": {("P", Y2): 90.0, ("Q", Y2): 20.0},
        "capacity_shortfall_penalty_yuan_per_unit": {"P": 50.0 * K, "Q": 40.0 * K, "R": 40.0 * K},
        "discount_factor": {Y1: 1.0, Y2: 0.9},
        "land_price_yuan_per_ha": {"park": 20.0 * K} | {s: v[4] * K for s, v in CELLS.items()},
        "power_tariff_yuan_per_kwh": {"park": 0.5 * K} | {s: v[5] * K for s, v in CELLS.items()},
        "energy_kwh_per_unit": {"p": 2.0, "q": 1.0},
        "site_hub_km": {"park": 1.0} | {s: v[6] for s, v in CELLS.items()},
        "hub_hub_km": {("c1", "c2"): 30.0, ("c2", "c1"): 30.0},
        "hub_gateway_km": {"c1": 10.0, "c2": 20.0},
        "transport_yuan_per_t_km": 1.0 * K,
        "transport_t_per_unit": {"p": 1.0, "q": 1.0, "r": 1.0},
        "price_yuan_per_unit": {(p, t): v * K for p, v in (("p", 3.0), ("q", 2.0)) for t in (Y1, Y2)},
        "enabled_families": frozenset(RULE_FAMILIES) - {"budget"},
    }
    base.update(overrides)
    return ModelInputs(**base)


def optimum(inputs: ModelInputs) -> float:
    """The proven optimal objective (yuan) of `inputs` at a zero gap."""
    report = solve_model(build_model(inputs), SETTINGS)
    assert report.proven_optimal, report.termination
    assert report.objective_yuan is not None
    return report.objective_yuan


def aggregate_optimum(inputs: ModelInputs, settings: ScreeningSettings = MERGE_ALL) -> tuple[float, int]:
    """The aggregate's proven optimum and how many merged sites it has."""
    agg = aggregate(inputs, CELL_IDS, settings)
    return optimum(agg.inputs), len(agg.members)


VARIANTS: dict[str, dict[str, Any]] = {
    "nested and tied setbacks": {},
    "existing plant at the park": {"existing_capacity_units_per_yr": {("park", "p"): 20.0}},
    "open limits and opening costs": {
        "site_fixed_cost_yuan": 60.0 * K,
        "min_investment_per_open_site_yuan": 250.0 * K,
        "max_open_sites_per_cluster": {"c1": 2, "c2": 1},
    },
    "recycling demonstrations": {
        "recycling_demo": RecyclingDemo("r", min_size_units_per_yr=20.0, min_sites=2, max_sites=3,
                                        max_size_units_per_yr=30.0),
        "capacity_target_units": {("P", Y2): 90.0, ("Q", Y2): 20.0, ("R", Y2): 50.0},
    },
    "land off": {"capacity_target_units": {("P", Y2): 900.0, ("Q", Y2): 300.0}},
    "hosting limit and strict targets": {"max_clusters_per_product": {"q": 1}, "targets_strict": True},
    "sources within a distance": {
        "RESOURCES": ("ore",),
        "SOURCES": ("k1", "k2"),
        "resource_of_source": {"k1": "ore", "k2": "ore"},
        "supply_t_per_yr": {(k, t): 60.0 for k in ("k1", "k2") for t in (Y1, Y2)},
        "resource_t_per_unit": {("p", "ore"): 1.0},
        "resource_price_yuan_per_t": {"ore": 0.5 * K},
        "ARCS": tuple((k, s) for k in ("k1", "k2") for s in ("park", *CELL_IDS)),
        "arc_km": {(k, s): km for k, kms in (("k1", (5, 10, 20, 8, 45, 12, 50, 40, 15)),
                                             ("k2", (40, 35, 25, 30, 20, 50, 10, 12, 60)))
                   for s, km in zip(("park", *CELL_IDS), kms, strict=True)},
        "max_distance_km": {"ore": 30.0},
        "price_yuan_per_unit": {("p", t): 40.0 * K for t in (Y1, Y2)},
    },
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_aggregate_optimum_never_exceeds_the_full_optimum(name: str) -> None:
    """(a) The aggregate is a relaxation: on every variant its optimum is at most the full one,
    with cells really merged (a1/a4... share no land order with a3, so c1 keeps several groups)."""
    inputs = cells(**VARIANTS[name])
    if name == "land off":
        inputs = dataclasses.replace(inputs, enabled_families=inputs.enabled_families - {"land"})
    full = optimum(inputs)
    agg, merged = aggregate_optimum(inputs)
    assert merged >= 2
    assert agg <= full + 1e-6 * max(1.0, abs(full))


def test_merge_groups_follow_cluster_products_and_land_order() -> None:
    """Groups: c1 cells with q below p and r tied with p (a1, a2, a5: order ((q), (p, r))), c1 cells
    with all three tied (a3, a4), the c2 cells (all order ((q), (p, r))). Merged land is the sum:
    a1 + a2 + a5 = 10.5 ha for p, 4.5 ha for q; prices, tariffs and hub km are the least."""
    agg = aggregate(cells(), CELL_IDS, MERGE_ALL)
    assert agg.members == {"a1~3": ("a1", "a2", "a5"), "a3~2": ("a3", "a4"), "b1~3": ("b1", "b2", "b3")}
    m = agg.inputs
    assert m.SITES == ("park", "a1~3", "a3~2", "b1~3")
    assert m.land_after_redline_ha[("a1~3", "p")] == pytest.approx(10.5)
    assert m.land_after_redline_ha[("a1~3", "q")] == pytest.approx(4.5)
    assert m.land_price_yuan_per_ha["a1~3"] == 10.0 * K
    assert m.power_tariff_yuan_per_kwh["a1~3"] == 0.40 * K
    assert m.site_hub_km["a1~3"] == 4.0
    assert m.site_multiplicity == {"a1~3": 3, "a3~2": 2, "b1~3": 3}
    # Module bounds: floor(10.5 / 2) = 5 modules of p25 >= 1 + 1 + 2 (members' floors).
    assert m.index.module_bound[("a1~3", "p", "p25")] == 5


def test_narrow_bins_split_groups_by_cost() -> None:
    """With hub bins of 2 km, a1 (4 km) and a2 (6 km) and a5 (8 km) fall into different bins:
    no c1 group of order ((q), (p, r)) is left with two members."""
    agg = aggregate(cells(), CELL_IDS, ScreeningSettings(hub_km_bin=2.0, price_ratio_bin=1e12))
    assert all(not set(group) & {"a1", "a2", "a5"} for group in agg.members.values())
    # With 2 km bins every cell is alone in its group: each stays a site of its own, and the
    # aggregation says so.
    assert agg.members == {}
    assert agg.unmerged == CELL_IDS
    assert aggregate(cells(), CELL_IDS, MERGE_ALL).unmerged == ()


def test_merged_bounds_and_amax_cover_the_members() -> None:
    """Without land, a merged site of 3 holds 3 x MAX_MODULES_WITHOUT_LAND modules per key; with
    land, Amax of a merged site (LP knapsack) is at least the sum of its members' Amax."""
    inputs = cells()
    agg = aggregate(inputs, CELL_IDS, MERGE_ALL)
    full_index = inputs.index
    for name, group in agg.members.items():
        for p in ("p", "q"):
            assert agg.inputs.index.max_added_units[(name, p)] >= sum(
                full_index.max_added_units[(s, p)] for s in group) - 1e-9
    off = dataclasses.replace(agg.inputs, enabled_families=agg.inputs.enabled_families - {"land"})
    assert compute_index(off).module_bound[("a1~3", "p", "p10")] == 3 * MAX_MODULES_WITHOUT_LAND
    # LP knapsack on 5 ha with p25 (12.5 units/ha) before p10 (10 units/ha), bounds 2 and 5:
    # 2 x p25 (4 ha, 50 units) + 1 ha of p10 (10 units) = 60.
    assert fractional_knapsack([(P10, 5), (P25, 2)], 5.0) == pytest.approx(60.0)


def test_identical_cells_merge_exactly() -> None:
    """(b) Three identical cells of c1 (3 ha each, same price, tariff and hub km), no park, no
    opening cost, only product p with its 1-ha module: every plan of the merged site (9 ha) splits
    onto the cells in whole hectares, so the aggregate optimum equals the full optimum, and the
    screened solve certifies a zero gap."""
    same = ("c1", 3.0, 3.0, 3.0, 10.0, 0.5, 4.0)
    sites = ("a1", "a2", "a3")
    inputs = cells(
        SITES=sites, CLUSTERS=("c1",), PRODUCTS=("p",), MODULES=(P10,),
        CANDIDATES=tuple((s, "p") for s in sites), cluster_of_site=dict.fromkeys(sites, "c1"),
        site_land_ha=dict.fromkeys(sites, 3.0), land_after_redline_ha={(s, "p"): 3.0 for s in sites},
        land_price_yuan_per_ha=dict.fromkeys(sites, same[4] * K),
        power_tariff_yuan_per_kwh=dict.fromkeys(sites, same[5] * K),
        site_hub_km=dict.fromkeys(sites, same[6]), hub_hub_km={}, hub_gateway_km={"c1": 10.0},
        capacity_target_units={("P", Y2): 80.0}, TARGET_GROUPS={"P": ("p",)},
        capacity_shortfall_penalty_yuan_per_unit={"P": 50.0 * K},
    )
    full = optimum(inputs)
    agg = aggregate(inputs, sites, MERGE_ALL)
    assert agg.members == {"a1~3": sites}
    assert optimum(agg.inputs) == pytest.approx(full, rel=1e-9)
    solved = solve_screened(inputs, sites, SETTINGS, MERGE_ALL)
    assert solved.report.objective_yuan == pytest.approx(full, rel=1e-9)
    assert solved.report.best_bound_yuan == pytest.approx(full, rel=1e-9)
    assert solved.report.proven_optimal


def full_values(full: pyo.ConcreteModel, screened: pyo.ConcreteModel) -> None:
    """Set every variable of `full` to its value in `screened` (same name and index), 0 where the
    screened model has no such variable (the candidates it left out build nothing)."""
    for var in full.component_data_objects(pyo.Var):
        if var.fixed:
            continue
        other = screened.find_component(var.name)
        var.set_value(round(other.value) if other is not None and var.is_integer() else
                      (other.value if other is not None and other.value is not None else 0.0), skip_validation=True)


def violated_rows(model: pyo.ConcreteModel, tol: float = 1e-6) -> list[str]:
    """The active rows of `model` its current values violate by more than `tol` (relative)."""
    bad = []
    for row in model.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(row.body)
        scale = max(1.0, abs(body))
        if row.has_lb() and body < pyo.value(row.lower) - tol * scale:
            bad.append(row.name)
        if row.has_ub() and body > pyo.value(row.upper) + tol * scale:
            bad.append(row.name)
    for var in model.component_data_objects(pyo.Var):
        lb, ub = var.bounds
        value = var.value if var.value is not None else 0.0
        if (lb is not None and value < lb - tol) or (ub is not None and value > ub + tol):
            bad.append(var.name)
    return bad


@pytest.mark.parametrize("name", ["nested and tied setbacks", "open limits and opening costs",
                                  "recycling demonstrations"])
def test_screened_plan_is_a_plan_of_the_full_instance(name: str) -> None:
    """(c) The screened plan, with every left-out cell building nothing, satisfies every row of the
    full model, where it costs UB; and LB <= full optimum <= UB. (d) The reported gap is
    (UB - LB) / |UB|."""
    inputs = cells(**VARIANTS[name])
    solved = solve_screened(inputs, CELL_IDS, SETTINGS, ScreeningSettings(
        hub_km_bin=1e9, source_km_bin=1e9, price_ratio_bin=1e12, per_group=1, land_cover=1.0))
    report = solved.report
    assert solved.summary.screened_sites < len(inputs.SITES)
    full_model = build_model(inputs)
    full_values(full_model, solved.model)
    assert violated_rows(full_model) == []
    upper, lower = report.objective_yuan, report.best_bound_yuan
    assert pyo.value(full_model.total_cost) * full_model.objective_unit_yuan == pytest.approx(upper, rel=1e-9)
    best = optimum(inputs)
    assert lower <= best + 1e-6 * abs(best) <= upper + 2e-6 * abs(best)
    assert report.gap == pytest.approx((upper - lower) / max(abs(upper), 1e-9), abs=1e-12)
    assert report.gap == relative_gap(upper, lower)
    assert report.proven_optimal == (report.gap <= SETTINGS.rel_gap + CERTIFY_TOLERANCE)


def test_restrict_keeps_standing_sites() -> None:
    """A restricted instance may not leave out a site with existing capacity (its plants would
    vanish from the plan): the whole message names the sites."""
    inputs = cells(existing_capacity_units_per_yr={("park", "p"): 20.0})
    with pytest.raises(ValueError, match=r"^sites with existing or committed capacity cannot be left out: "
                                         r"\['park'\]$"):
        restrict(inputs, CELL_IDS)
    assert restrict(inputs, ("park", "a1")).SITES == ("park", "a1")


def test_member_costs_rank_by_the_merged_cost_figures() -> None:
    """Score = sum over land price, tariff and hub km of (value - least) / (most - least) in the
    group: a1 (10, 0.50, 4) in (a1, a2, a5): 0 + 1 + 0 = 1; a2 (12, 0.45, 6): 0.4 + 0.5 + 0.5
    = 1.4; a5 (15, 0.40, 8): 1 + 0 + 1 = 2."""
    score = member_costs(cells(), ("a1", "a2", "a5"))
    assert {s: rank for s, (_yuan, rank) in score.items()} == pytest.approx({"a1": 1.0, "a2": 1.4, "a5": 2.0})
    assert {yuan for yuan, _rank in score.values()} == {0.0}  # no use of the merged site given


def test_screened_solve_is_deterministic() -> None:
    """Same inputs, same screened sites, plan and bound."""
    first = solve_screened(cells(), CELL_IDS, SETTINGS, MERGE_ALL)
    second = solve_screened(cells(), CELL_IDS, SETTINGS, MERGE_ALL)
    assert first.inputs.SITES == second.inputs.SITES
    assert first.report.objective_yuan == second.report.objective_yuan
    assert first.report.best_bound_yuan == second.report.best_bound_yuan


def test_solve_path_with_cells_reports_the_screening() -> None:
    """The solve path with candidate cells (`screened_solve`, called by `solve_prepared` when
    the scenario has cells): the plan is the screened model's, on its sites only; the model
    size says how many candidates, groups and sites there were, and holds the merged model's
    searches through module counts; build, bound (the merged count relaxation) and solve are
    timed."""
    from siting.optimize.run import screened_solve

    timings: dict[str, float] = {}
    solved = screened_solve(cells(), CELL_IDS, SETTINGS, timings)
    assert solved is not None and solved.screening is not None and solved.inputs is not None
    assert solved.size["candidate_cells"] == 8
    assert solved.size["screening_groups"] == solved.screening.groups
    assert solved.size["screened_sites"] == len(solved.inputs.SITES)
    assert set(solved.plan.builds["site"]) <= set(solved.inputs.SITES)
    assert solved.plan.costs and sum(solved.plan.costs.values()) == pytest.approx(solved.report.objective_yuan)
    assert set(timings) == {"build", "bound", "solve"}
    assert solved.size["searches"]["count_relaxation"]["bound_yuan"] == pytest.approx(
        solved.screening.lower_bound_yuan)


def test_disaggregated_start_hands_the_aggregate_modules_to_members_within_their_land() -> None:
    """The aggregate of the c1 cells a1, a2, a5 (p land 3, 2.5, 5 ha; q land 2, 1.5, 1 ha) with
    6 q10 modules and 3 p25 modules fixed at the merged site: q goes first (the least land), to
    a1 (score 1.0: 2 modules on its 2 ha of q land), a2 (1.4: 1 module on 1.5 ha) and a5 (2.0: 1 ha,
    1 module): 4 of 6 fit. Then p25 (2 ha each): a1 has 3 - 2 = 1 ha left, none; a2 2.5 - 1 = 1.5,
    none; a5 5 - 1 = 4 ha, 2 modules: 2 of 3 fit. Every member stays within each land level."""
    from siting.optimize.screening import disaggregated_start

    inputs = cells()
    agg = aggregate(inputs, CELL_IDS, MERGE_ALL)
    agg_model = build_model(agg.inputs)
    for var in agg_model.build.values():
        var.set_value(0)
    agg_model.build["a1~3", "q", "q10", Y1].set_value(6)
    agg_model.build["a1~3", "p", "p25", Y1].set_value(3)
    sub = restrict(inputs, ("park", "a1", "a2", "a5"))
    model = build_model(sub)
    start = disaggregated_start(sub, agg, agg_model, model)
    given = {key: start[model.build[key]] for key in model.BUILD if start[model.build[key]] > 0}
    assert given == {("a1", "q", "q10", Y1): 2.0, ("a2", "q", "q10", Y1): 1.0, ("a5", "q", "q10", Y1): 1.0,
                     ("a5", "p", "p25", Y1): 2.0}


def test_open_site_limit_caps_the_merged_land_at_the_largest_members() -> None:
    """With at most 2 open sites in c1 (no pre-opened site: the park has no plant) and 1 in c2,
    at most 2 of a1, a2, a5 build: the merged land for p is 5 + 3 = 8 ha (not 10.5), for q
    2 + 1.5 = 3.5 ha; the c2 group holds its largest member's land, 6 ha for p, and is a site of
    multiplicity 1 (demonstration binary, integer knapsack)."""
    agg = aggregate(cells(**VARIANTS["open limits and opening costs"]), CELL_IDS, MERGE_ALL).inputs
    assert agg.land_after_redline_ha[("a1~3", "p")] == 8.0
    assert agg.land_after_redline_ha[("a1~3", "q")] == 3.5
    assert agg.land_after_redline_ha[("b1~3", "p")] == 6.0
    assert agg.site_multiplicity == {"a1~3": 2, "a3~2": 2, "b1~3": 1}


def test_a_gap_above_the_tolerance_is_not_reported_as_optimal() -> None:
    """The merged sites pool their members' land at the least price, tariff and hub km of the
    group, so here LB < UB (by 0.01 %): with a zero tolerance the certified gap is above it, the
    report is not proven optimal and its termination no longer says the search converged (its
    last round ended before the time limit): it says the screening rounds ended above the asked gap."""
    from siting.config.units import plain_status

    report = solve_screened(cells(), CELL_IDS, SETTINGS, MERGE_ALL).report
    assert report.gap is not None and report.gap > CERTIFY_TOLERANCE
    assert not report.proven_optimal
    assert report.termination == "screeningEnded"
    assert plain_status(report.termination, True) == "the screening rounds ended above the asked gap"


def test_the_certified_report_carries_the_asked_limits_and_each_search_its_own() -> None:
    """The certified report's HiGHS options are the run's (time limit 60 s, gap 0), not the last
    search's; the summary records the merged model's node budget (8,000, for its count
    relaxation), one thread, 0.85 of the time limit as its safety net and 0.6 of the gap, and the
    rounds' budget (1,000 nodes); both with the screening's heuristic effort (0.3), which the
    run's options do not hold."""
    screened = solve_screened(cells(), CELL_IDS, SETTINGS, MERGE_ALL)
    options = dict(screened.report.highs_options)
    assert (options["time_limit"], options["mip_rel_gap"], options["threads"]) == (60.0, 0.0, 1)
    assert "mip_max_nodes" not in options and "mip_heuristic_effort" not in options
    record = screened.summary.record()
    assert record["merged_model"] == {"termination": "convergenceCriteriaSatisfied", "mip_max_nodes": 8000,
                                      "time_limit_s": 51.0, "rel_gap": 0.0, "abs_gap_yuan": None,
                                      "mip_heuristic_effort": 0.3, "scout_nodes": 0, "proof_search": None}
    assert record["screened_rounds"] == {"mip_max_nodes": 1000, "time_limit_s": 60, "rel_gap": 0.0,
                                         "abs_gap_yuan": None, "mip_heuristic_effort": 0.3}
    assert record["stopped_by_time_limit"] == []
    assert (record["candidate_cells"], record["groups"], record["merged_model_sites"]) == (8, 3, 4)


def test_searches_are_bounded_by_nodes_on_one_thread() -> None:
    """`bounded`: one thread, the node budget unless the scenario sets mip_max_nodes itself, the
    seed kept, the time as given."""
    from siting.optimize.screening import bounded

    mine = SolverSettings(time_limit_s=100, rel_gap=0.02, threads=4, random_seed=7)
    assert bounded(mine, 500, 50.0, 0.005) == SolverSettings(
        time_limit_s=50.0, rel_gap=0.005, threads=1, random_seed=7, options=(("mip_max_nodes", 500),))
    own = SolverSettings(options=(("mip_max_nodes", 40),))
    assert dict(bounded(own, 500, 10.0).options) == {"mip_max_nodes": 40}


class FakePrepared:
    """What `solve_prepared` reads of a prepared scenario with candidate cells: the inputs, the
    notices, the catalog's products and the cell ids."""

    def __init__(self, inputs: ModelInputs) -> None:
        from types import SimpleNamespace

        self.inputs = inputs
        self.notices: list[str] = []
        self.loaded = SimpleNamespace(catalog=SimpleNamespace(products={}))
        self.candidate_cells = CELL_IDS


def no_plan(report_of: str, termination: str = "maxTimeLimit") -> Any:
    """A stand-in for solve_model that returns no plan, with `termination`, for the searches of
    `report_of` ("merged": the aggregated model's, 4 sites; "screened": the others) and solves
    the others."""
    from siting.optimize.solve import SolveReport

    def fake(model: pyo.ConcreteModel, settings: SolverSettings, *args: Any, **kwargs: Any) -> SolveReport:
        merged = any("~" in s for s in model.SITE_OPEN)
        if merged == (report_of == "merged"):
            return SolveReport(termination, False, False, False, None, None, None, 1.0, "1.0")
        return solve_model(model, settings, *args, **kwargs)

    return fake


def guard_full_model(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make any build of the full model (all 9 sites) fail; return the site counts of the models built."""
    import siting.optimize.run as run
    import siting.optimize.screening as screening

    built: list[int] = []

    def build(inputs: ModelInputs) -> pyo.ConcreteModel:
        built.append(len(inputs.SITES))
        assert len(inputs.SITES) < 1 + len(CELL_IDS), "the full model was built"
        return build_model(inputs)

    monkeypatch.setattr(screening, "build_model", build)
    monkeypatch.setattr(run, "build_model", build)
    return built


@pytest.mark.parametrize(("termination", "how"), [
    ("maxTimeLimit", "within the time limit of 60 s; raise solver.time_limit_s (or --time-limit)"),
    ("iterationLimit", "within its node budget of 8,000 nodes; set solver.options.mip_max_nodes to a larger number "
                       "(it replaces the screening's node budgets) and raise solver.time_limit_s (or --time-limit) "
                       "to match"),
])
def test_a_merged_model_without_a_plan_never_falls_back_to_the_full_model(
        monkeypatch: pytest.MonkeyPatch, termination: str, how: str) -> None:
    """When the merged model ends without a plan (not proven infeasible), the run stops with
    NoSolution saying so and what to do; the full model is never built."""
    import siting.optimize.screening as screening
    from siting.config.errors import NoSolution
    from siting.optimize.run import solve_prepared

    built = guard_full_model(monkeypatch)
    monkeypatch.setattr(screening, "solve_model", no_plan("merged", termination))
    monkeypatch.setattr("siting.optimize.counts.solve_model", no_plan("merged", termination))
    with pytest.raises(NoSolution) as raised:
        solve_prepared(FakePrepared(cells()), SETTINGS, {})  # type: ignore[arg-type]
    assert str(raised.value) == ("the merged model (the 8 candidate cells merged into 3 groups, 4 sites in all) "
                                 f"found no plan {how}")
    assert built == [4]


def test_a_screened_instance_without_a_plan_never_falls_back_to_the_full_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The merged model solves, but neither screened round finds a plan (both keep the park, the
    cells kept of the merged sites the merged plan uses: 4 sites; every cell is merged, since
    the default settings group by cluster, products and land order only):
    NoSolution, no full model."""
    import siting.optimize.screening as screening
    from siting.config.errors import NoSolution
    from siting.optimize.run import solve_prepared

    built = guard_full_model(monkeypatch)
    monkeypatch.setattr(screening, "solve_model", no_plan("screened"))
    monkeypatch.setattr("siting.optimize.counts.solve_model", no_plan("screened"))
    with pytest.raises(NoSolution) as raised:
        solve_prepared(FakePrepared(cells()), SETTINGS, {})  # type: ignore[arg-type]
    assert str(raised.value) == ("the screened instance (4 sites: the parks and the cells the merged plan uses) found "
                                 "no plan in 2 rounds within the time limit of 60 s; raise solver.time_limit_s "
                                 "(or --time-limit)")
    assert built == [4, 4, 4]


def test_an_infeasible_merged_model_is_explained_on_the_merged_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    """A strict Q target of 1,000 units/yr cannot be met on 18.5 ha of q land (at most 180
    units/yr): the merged model is proven infeasible, so the full instance is too (the merged
    model is a relaxation). The explanation is on the merged inputs, and the message says that
    a merged site stands for a group of cells; the full model is never built."""
    from siting.optimize.explain import InfeasiblePlan
    from siting.optimize.run import screened_solve

    built = guard_full_model(monkeypatch)
    bad = cells(capacity_target_units={("P", Y2): 90.0, ("Q", Y2): 1000.0}, targets_strict=True)
    with pytest.raises(InfeasiblePlan) as raised:
        screened_solve(bad, CELL_IDS, SETTINGS, {})
    head, *diagnosis = str(raised.value).split("\n")
    assert head == ("the plan is infeasible: the rules cannot be met together, even with the candidate cells merged "
                    '(a merged site stands for a group of cells, e.g. "a1~3" (3 cells merged), with their land '
                    "together at their least costs, so no plan of the cells themselves exists either).")
    assert any("[targets.capacity.Q.2031]" in line for line in diagnosis)
    assert raised.value.diagnosis.conflicts
    assert built == [4]


def test_an_interrupt_in_the_merged_model_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (KeyboardInterrupt) while the merged model solves ends the run: no round, no
    full model, no NoSolution."""
    import siting.optimize.screening as screening
    from siting.optimize.run import solve_prepared

    built = guard_full_model(monkeypatch)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(screening, "solve_model", interrupted)
    monkeypatch.setattr("siting.optimize.counts.solve_model", interrupted)
    with pytest.raises(KeyboardInterrupt):
        solve_prepared(FakePrepared(cells()), SETTINGS, {})  # type: ignore[arg-type]
    assert built == [4]


def test_a_round_the_time_limit_leaves_no_time_for_is_named_as_not_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the merged model uses the whole time limit, the screened round is not started and the
    summary says so, rather than naming it as a search the time limit stopped. One clock, that of
    the screening and of the merged model's searches (its time shares count from the start of
    the screening), is simulated: it stands still but for the merged model's two searches (count
    relaxation, fixed counts), each of which runs for real and then takes 30 s of the 60 s limit,
    ending as it did, so the merged plan exists and no search was stopped by time."""
    import types

    import siting.optimize.counts as counts
    import siting.optimize.screening as screening

    now = [0.0]
    clock = types.SimpleNamespace(perf_counter=lambda: now[0])

    def search(*args: Any, **kwargs: Any) -> Any:
        report = solve_model(*args, **kwargs)
        now[0] += 30.0
        return report

    monkeypatch.setattr(screening, "time", clock)
    monkeypatch.setattr(counts, "time", clock)
    monkeypatch.setattr(counts, "solve_model", search)
    result = solve_screened(cells(), CELL_IDS, dataclasses.replace(SETTINGS, time_limit_s=60))
    assert result.model is None
    assert result.summary.rounds == 0
    assert result.summary.time_stopped == ("screened round 1 (not started: no time left)",)
