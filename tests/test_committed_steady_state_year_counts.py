"""A project committed to first produce in the steady-state year T + 1 (`ModelInputs.STEADY_YEAR`)
is as real as one online within the plan's years: its site is open (the plan builds there without
paying the opening again, and the site counts toward its cluster's open sites) and its cluster
hosts its product (toward the hosting limit and the portfolios). Instances solved by hand.

Instance: the default of tests/test_families.py (one plan year 2030, discount rate 0, module p10 =
10 units/yr of p for 100 yuan on 1 ha with a one-year life, so 100 yuan a year it stands; P
targets 30 units in 2030, penalty 1000 yuan a unit) with N = 2 years after the horizon: the
steady-state year 2031 weighs 2, so a module costs 100 x (1 + 2) = 300 and a unit short in 2030
weighs 1000 x (1 + 2) = 3000. Optima are asserted with rel=1e-9.
"""

from __future__ import annotations

import pytest
from test_families import Y2, built, hosts, land, make_inputs, solve_optimal, val

from models.families.agglomeration import pre_opened_sites


def test_a_site_with_a_project_committed_for_the_steady_state_year_is_open_already() -> None:
    """Opening a site costs 1000 yuan; 10 units/yr of q are committed at s1 first producing in
    2031. s1 is open already: three p modules there cost 3 x 300 = 900 and no opening. (Were s1
    not open, the plan would pay 1000 to open it or s2, 1900: paying for the opening of a site
    that the committed project opens anyway.) Optimum: 900, three p modules at s1, no site
    opening paid."""
    inputs = make_inputs(years_after_horizon=2, site_fixed_cost_yuan=1000.0,
                         committed_units_per_yr={("s1", "q", Y2): 10.0})
    assert pre_opened_sites(inputs) == ("s1",)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(900.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3}
    assert val(model.cost_site_fixed) == pytest.approx(0.0, abs=1e-9)


def test_a_site_with_a_project_committed_for_the_steady_state_year_counts_toward_the_open_sites() -> None:
    """s1 and s2 both in cluster c1, at most 1 open site there, 2 ha each; P targets 30 units;
    10 units/yr of q committed at s1 for 2031. s1 is the cluster's one open site, so s2 cannot
    be opened: two p modules at s1 (600) and 10 units short (30000). Optimum: 30600. (Were s1
    not counted, three modules at s2 (900) would leave c1 with two open sites in 2031 against a
    limit of one.)"""
    inputs = make_inputs(years_after_horizon=2, cluster_of_site={"s1": "c1", "s2": "c1"},
                         max_open_sites_per_cluster={"c1": 1},
                         committed_units_per_yr={("s1", "q", Y2): 10.0}, **land({"s1": 2, "s2": 3}))
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(30600.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2}


def test_a_project_committed_for_the_steady_state_year_hosts_its_product_in_its_cluster() -> None:
    """p may be hosted in 1 cluster; 10 units/yr of p are committed at s2 (cluster c2) first
    producing in 2031, so c2 hosts p and c1 may not add it. s2 has 2 ha: two p modules there
    (600) and 10 units short in 2030 (30000). Optimum: 30600; hosts c1 = 0, c2 = 1. (Were the
    project not counted, three modules at s1 (900) would leave p in c1 and c2 in 2031, two
    clusters against a limit of one.)"""
    inputs = make_inputs(years_after_horizon=2, max_clusters_per_product={"p": 1},
                         committed_units_per_yr={("s2", "p", Y2): 10.0}, **land({"s1": 100, "s2": 2}))
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(30600.0, rel=1e-9)
    assert built(model) == {("s2", "p"): 2}
    assert hosts(model, "p") == {"c1": 0, "c2": 1}
