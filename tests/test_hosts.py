"""The explicit search of the cluster-hosts-product decisions (siting/optimize/hosts.py) on the
hand-solved differentiation instances of tests/test_families.py: it returns their optimum with a
bound equal to it, its bound never exceeds the optimum when it stops early, and its no-good cuts
exclude exactly the patterns explored."""

from __future__ import annotations

import itertools

import pyomo.environ as pyo
import pytest

from models import build_model
from models.inputs import ModelInputs
from siting.optimize.hosts import no_good_cut, relaxed_master, search_hosts
from siting.optimize.solve import SolverSettings, solve_model
from tests.test_families import Y1, built, hosts, land, make_inputs, modules_of

SETTINGS = SolverSettings(rel_gap=0.0, time_limit_s=30)


def one_cluster_case() -> ModelInputs:
    """`test_max_clusters_per_product_binds`: s1 (c1) 3 ha, s2 (c2) 2 ha, P targets 50 units
    (penalty 1000), p added in at most one cluster. Optimum 20300: three p modules at s1."""
    return make_inputs(capacity_target_units={("P", Y1): 50.0}, max_clusters_per_product={"p": 1},
                       **land({"s1": 3, "s2": 2}))


def portfolio_case() -> ModelInputs:
    """`test_min_portfolio_difference_binds`: 2 ha per site, P targets 30 units, the clusters
    differ in at least one product. Optimum 500: 3 p modules (both clusters host p) and one q
    module (one cluster hosts q)."""
    return make_inputs(min_portfolio_difference=1, **land({"s1": 2, "s2": 2}))


def opening_case() -> ModelInputs:
    """P targets 30 units (3 modules of p10, 100 yuan each) in at most one cluster; opening a site
    costs 150; s2 (c2) is open already (it has 10 units of q standing) but its land costs 1000
    yuan/ha (an annuity of 1000 / 50 = 20 yuan per module at a zero rate over 50 years).
    c1: 300 + 150 = 450; c2: 300 + 3 x 20 = 360. Optimum 360: three p modules at s2.
    With its site-opening binaries relaxed, the master charges c1 only 150 x 30 / 1000 = 4.5
    (the opening row's big-M is s1's 100 modules of 10 units): it proposes c1 first."""
    return make_inputs(max_clusters_per_product={"p": 1}, site_fixed_cost_yuan=150.0,
                       existing_capacity_units_per_yr={("s2", "q"): 10.0},
                       land_price_yuan_per_ha={"s2": 1000.0})


def test_search_returns_the_hand_optimum_with_an_equal_bound() -> None:
    model = build_model(one_cluster_case())
    search = search_hosts(model, SETTINGS)
    report = search.report
    assert report.proven_optimal, report.termination
    assert report.objective_yuan == pytest.approx(20300.0, rel=1e-9)
    assert report.best_bound_yuan == pytest.approx(20300.0, rel=1e-9)
    assert report.gap == pytest.approx(0.0, abs=1e-9)
    # the options recorded are the ones asked of the search, not those of its inner solves
    assert dict(report.highs_options)["mip_rel_gap"] == 0.0
    assert dict(report.highs_options)["time_limit"] == 30.0
    # the best plan is loaded into the model, whose free hosts are left unfixed
    assert built(model) == {("s1", "p"): 3}
    assert hosts(model, "p") == {"c1": 1, "c2": 0}
    assert not any(model.hosts[key].fixed for key in search.free_hosts)
    objective = next(model.component_data_objects(pyo.Objective, active=True))
    assert pyo.value(objective) * model.objective_unit_yuan == pytest.approx(20300.0, rel=1e-9)


def test_search_on_the_portfolio_rule() -> None:
    model = build_model(portfolio_case())
    report = search_hosts(model, SETTINGS).report
    assert report.proven_optimal, report.termination
    assert report.objective_yuan == pytest.approx(500.0, rel=1e-9)
    assert report.best_bound_yuan == pytest.approx(500.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert modules_of(model, "q") == 1
    assert hosts(model, "p") == {"c1": 1, "c2": 1}
    assert sum(hosts(model, "q").values()) == 1


@pytest.mark.parametrize(("case", "optimum"),
                         [(one_cluster_case, 20300.0), (portfolio_case, 500.0), (opening_case, 360.0)])
def test_bound_never_above_the_optimum_when_stopped_early(case: object, optimum: float) -> None:
    """Stopped after 0, 1, 2, ... patterns, the bound is at most the optimum and the plan (once
    there is one) at least the optimum; the patterns explored are distinct."""
    full = search_hosts(build_model(case()), SETTINGS)  # type: ignore[operator]
    assert full.report.objective_yuan == pytest.approx(optimum, rel=1e-9)
    for limit in range(len(full.patterns) + 1):
        search = search_hosts(build_model(case()), SETTINGS, max_patterns=limit)  # type: ignore[operator]
        assert len(search.patterns) == limit
        assert len({pattern for pattern, _ub, _lb in search.patterns}) == limit
        report = search.report
        assert report.best_bound_yuan is not None
        assert report.best_bound_yuan <= optimum * (1 + 1e-9)
        if limit == 0:
            assert not report.has_solution
        else:
            assert report.objective_yuan is not None
            assert report.objective_yuan >= optimum * (1 - 1e-9)
            assert report.best_bound_yuan <= report.objective_yuan
        for _pattern, plan, bound in search.patterns:
            assert bound is None or plan is None or bound <= plan * (1 + 1e-9)


def test_relaxed_master_first_proposes_a_pattern_that_is_not_the_best() -> None:
    """`opening_case`: the master's first pattern is c1 (its relaxed opening costs 4.5), whose
    plan costs 450; stopped there, the plan is 450 and the bound is the master's with that
    pattern cut, 360 (c2), not above the optimum. The full search explores c1, then c2, and
    proves 360 (every other pattern costs at least 200 more for a q module, or 30000 short)."""
    stopped = search_hosts(build_model(opening_case()), SETTINGS, max_patterns=1)
    assert [pattern for pattern, _plan, _bound in stopped.patterns] == [(1, 0, 0, 0)]
    assert not stopped.report.proven_optimal
    assert stopped.report.termination == "iterationLimit"
    assert stopped.report.objective_yuan == pytest.approx(450.0, rel=1e-9)
    assert stopped.report.best_bound_yuan == pytest.approx(360.0, rel=1e-9)
    model = build_model(opening_case())
    full = search_hosts(model, SETTINGS)
    assert [pattern for pattern, _plan, _bound in full.patterns] == [(1, 0, 0, 0), (0, 0, 1, 0)]
    assert [plan for _pattern, plan, _bound in full.patterns] == [pytest.approx(450.0), pytest.approx(360.0)]
    assert full.report.proven_optimal
    assert full.report.objective_yuan == pytest.approx(360.0, rel=1e-9)
    assert full.report.best_bound_yuan == pytest.approx(360.0, rel=1e-9)
    assert built(model) == {("s2", "p"): 3}


def test_opening_case_optimum_agrees_with_the_plain_solve() -> None:
    model = build_model(opening_case())
    report = solve_model(model, SETTINGS)
    assert report.objective_yuan == pytest.approx(360.0, rel=1e-9)
    assert built(model) == {("s2", "p"): 3}


def test_no_good_cut_excludes_exactly_its_pattern() -> None:
    master = relaxed_master(build_model(portfolio_case()))
    free = [master.hosts[key] for key in master.HOST if not master.hosts[key].fixed]
    assert len(free) == 4
    for pattern in itertools.product((0, 1), repeat=len(free)):
        row = no_good_cut(free, pattern)
        for point in itertools.product((0, 1), repeat=len(free)):
            for var, on in zip(free, point, strict=True):
                var.set_value(on)
            satisfied = bool(pyo.value(row))
            assert satisfied == (point != pattern)


def test_master_relaxes_every_integer_but_hosts() -> None:
    model = build_model(portfolio_case())
    master = relaxed_master(model)
    assert all(v.is_binary() for v in master.hosts.values())
    relaxed = [v for v in master.component_data_objects(pyo.Var) if v.parent_component().name != "hosts"]
    assert relaxed and not any(v.is_integer() for v in relaxed if not v.fixed)
    for var in model.component_data_objects(pyo.Var):
        twin = master.find_component(var)
        assert twin.bounds == var.bounds
    # the model itself keeps its integers
    assert all(v.is_integer() for v in model.build.values())


def test_explored_patterns_are_cut_from_the_master() -> None:
    """After a search, the master of the same model with the search's cuts admits none of the
    patterns explored: fixing the hosts to one of them makes the master infeasible."""
    model = build_model(opening_case())
    search = search_hosts(model, SETTINGS, max_patterns=2)
    assert len(search.patterns) == 2
    free = list(search.free_hosts)
    master = relaxed_master(model)
    for pattern, _plan, _bound in search.patterns:
        master.hosts_cuts.add(no_good_cut([master.hosts[key] for key in free], pattern))
    for pattern, _plan, _bound in search.patterns:
        for key, on in zip(free, pattern, strict=True):
            master.hosts[key].fix(on)
        assert solve_model(master, SETTINGS).infeasible
        for key in free:
            master.hosts[key].unfix()


def test_infeasible_model_is_reported_infeasible() -> None:
    """`test_targets_strict_impossible_is_infeasible`: 4 ha give at most 40 of the 50 units
    the strict target asks, with modules whole or not: the master has no pattern at all."""
    model = build_model(make_inputs(capacity_target_units={("P", Y1): 50.0}, targets_strict=True,
                                    **land({"s1": 2, "s2": 2})))
    search = search_hosts(model, SETTINGS)
    assert search.master_exhausted
    assert search.patterns == []
    assert search.report.infeasible
    assert search.report.termination == "provenInfeasible"
    assert not search.report.has_solution
    assert search.report.objective_yuan is None
