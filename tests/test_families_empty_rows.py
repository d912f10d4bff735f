"""Rows that lose every variable when their index sets are empty: none reaches the model.

When nothing can be built (every pair excluded) or a product has no decision year within the
horizon (t + L[p] > t_last for every t), the sums a row runs over are empty and the row is a
constant: Pyomo refuses the plain True a rule then returns, and a constant row kept as such
reaches the solver without a variable. Each family that can meet this leaves the row out when
it holds, and states it over a variable bounded to [0, 0] when it fails, so that the solve
ends infeasible and the diagnosis names the rule (models/families/__init__.py `constant_row`).

One test per family changed; instances are tests/test_families.py's default (sites s1 in c1
and s2 in c2, 100 ha each, module p10 = 10 units/yr of p for 100 yuan on 1 ha, q10 likewise for
200 yuan, target P = 30 units in 2030 at a penalty of 1000 per unit short, all families on),
with the changes each test names; each optimum is derived in its docstring.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
import pytest
from pyomo.core.expr.visitor import identify_variables
from test_families import PRODUCTS, SITES, Y1, make_inputs, solve, solve_optimal, two_years, val

from siting.cli import main

SMALL = Path(__file__).parent / "data" / "small"


def constant_rows(model: pyo.ConcreteModel) -> list[str]:
    """The names of the model's active rows that hold no variable, fixed or not."""
    return [row.name for row in model.component_data_objects(pyo.Constraint, active=True)
            if next(identify_variables(row.body, include_fixed=True), None) is None]


def rows(model: pyo.ConcreteModel, name: str) -> list[object]:
    """The indices of the rows of constraint component `name`."""
    return list(getattr(model, name).keys())


def test_differentiation_without_buildable_pairs_builds_no_constant_rows() -> None:
    """No candidate pair; each cluster must take at least 20 % of the value added, lead products
    p in c1 and q in c2 at least 60 % of it, p and q in one cluster each. Nothing can be added
    anywhere, so every share row reads 0 >= 0 and every hosting limit has nothing to count: no
    row. All 30 units of P are short: 30 * 1000 = 30000.
    Optimum: 30000."""
    inputs = make_inputs(CANDIDATES=(), min_cluster_value_share=0.2, lead_products={"c1": ("p",), "c2": ("q",)},
                         lead_share_min=0.6, max_clusters_per_product={"p": 1, "q": 1})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(30000.0, rel=1e-9)
    assert rows(model, "cluster_value_share") == []
    assert rows(model, "lead_share") == []
    assert rows(model, "product_hosting_limit") == []
    assert constant_rows(model) == []


def test_land_rows_leave_out_pairs_without_a_decision_year() -> None:
    """2030 and 2031, lead time 1 year for p and 2 for q: p may be decided in 2030 (online 2031),
    q in no year. The red line leaves q 50 of each site's 100 ha: q's level would be a row over
    an empty sum (0 <= 50 ha), so each site has one land row, p's 100 ha, counting p alone.
    P targets 30 units in 2031: three p modules decided in 2030, each paid as an annuity of
    100 yuan from its first production year, 2031 (discount factor 1.0): 3 * 100 = 300.
    Optimum: 300; three p modules."""
    inputs = two_years(lead_time_yr={"p": 1, "q": 2},
                       land_after_redline_ha={(s, p): 100.0 if p == "p" else 50.0 for s in SITES for p in PRODUCTS})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert sum(round(val(model.build[k])) for k in model.BUILD) == 3
    assert [str(v) for v in identify_variables(model.land_limit[0].body)] == [
        "build[s1,p,p10,2030]"]
    assert rows(model, "land_limit") == [0, 1]
    assert constant_rows(model) == []


def test_land_rows_when_no_product_has_a_decision_year() -> None:
    """One year, 2030, lead time 1 year for p and q: nothing can be decided within the horizon,
    though every pair is buildable. No land row, no constant row; all 30 units short: 30000.
    Optimum: 30000."""
    model, objective = solve_optimal(make_inputs(lead_time_yr={"p": 1, "q": 1}, min_cluster_value_share=0.2))
    assert objective == pytest.approx(30000.0, rel=1e-9)
    assert rows(model, "land_limit") == []
    assert rows(model, "cluster_value_share") == []
    assert constant_rows(model) == []


def test_budget_rows_without_buildable_pairs() -> None:
    """No candidate pair, a budget of 100 yuan in 2030: 0 <= 100 holds, no row; all 30 units
    short: 30000. A budget of -1 yuan cannot hold even with nothing spent: the row is stated
    over budget_excess_2030 in [0, 0] and the MIP is proven infeasible.
    Optimum: 30000 with the budget of 100; none with -1."""
    model, objective = solve_optimal(make_inputs(CANDIDATES=(), budget_yuan_per_yr={Y1: 100.0}))
    assert objective == pytest.approx(30000.0, rel=1e-9)
    assert rows(model, "budget") == []
    assert constant_rows(model) == []
    model, report = solve(make_inputs(CANDIDATES=(), budget_yuan_per_yr={Y1: -1.0}))
    assert report.infeasible and not report.has_solution
    assert [str(v) for v in identify_variables(model.budget[Y1].body)] == ["budget_excess_2030"]


def test_chain_balance_row_without_downstream_production() -> None:
    """q is made from p (2 units of p per unit of q) and local p must cover 50 % of that use,
    but q is a candidate nowhere and stands nowhere: nothing uses p, so the row (Y[p] >= 0) is
    left out. The P target takes three p modules: 300.
    Optimum: 300."""
    inputs = make_inputs(CANDIDATES=(("s1", "p"), ("s2", "p")), input_units_per_unit={("q", "p"): 2.0},
                         chain_share_min={"p": 0.5})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert rows(model, "chain_balance") == []
    assert constant_rows(model) == []


def test_agglomeration_rows_without_a_decision_year() -> None:
    """One year, lead time 1 year for p and q (nothing can be decided); at most 5 open sites in
    c1 and c2. The open links read 0 <= Amax * opens and the limits cannot bind: no row. All 30
    units short: 30000. With 10 units of p standing at s1 (pre-opened) and at most 0 open sites
    in c1, the limit 1 <= 0 cannot hold: a row over open_sites_excess_c1 in [0, 0], and the MIP
    is proven infeasible.
    Optimum: 30000; none with the limit of 0."""
    inputs = make_inputs(lead_time_yr={"p": 1, "q": 1}, max_open_sites_per_cluster={"c1": 5, "c2": 5})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(30000.0, rel=1e-9)
    assert rows(model, "open_link") == []
    assert rows(model, "open_sites_limit") == []
    assert constant_rows(model) == []
    over = make_inputs(lead_time_yr={"p": 1, "q": 1}, max_open_sites_per_cluster={"c1": 0},
                       existing_capacity_units_per_yr={("s1", "p"): 10.0})
    model, report = solve(over)
    assert report.infeasible and not report.has_solution
    assert [str(v) for v in identify_variables(model.open_sites_limit["c1"].body)] == ["open_sites_excess_c1"]


def test_capacity_ceiling_row_of_a_group_no_site_can_add_to() -> None:
    """No candidate pair; ceiling factor 1 on P (target 30): U = max(30, 30 + 10) = 40 units.
    40 units of p standing at s1 are within it: no row, nothing short, cost 0. With 50 standing
    the ceiling cannot hold whatever the plan: a row over capacity_ceiling_excess_P in [0, 0],
    and the MIP is proven infeasible.
    Optimum: 0 with 40 standing; none with 50."""
    inputs = make_inputs(CANDIDATES=(), capacity_ceiling_factor=1.0, existing_capacity_units_per_yr={("s1", "p"): 40.0})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(0.0, abs=1e-9)
    assert rows(model, "capacity_ceiling") == []
    assert constant_rows(model) == []
    model, report = solve(make_inputs(CANDIDATES=(), capacity_ceiling_factor=1.0,
                                      existing_capacity_units_per_yr={("s1", "p"): 50.0}))
    assert report.infeasible and not report.has_solution
    assert [str(v) for v in identify_variables(model.capacity_ceiling["P"].body)] == ["capacity_ceiling_excess_P"]


def test_nothing_buildable_with_elastic_targets_and_a_value_share_is_a_plan(tmp_path: Path) -> None:
    """The small scenario with a 200 km lake buffer (nothing can be built anywhere), targets not
    strict and differentiation on with each cluster taking at least 20 % of the value added:
    the plan builds nothing and the targets fall short, as with differentiation off (cathode:
    120,000 less 20,000 standing and the 10,000 committed online in 2024, 90,000 short; cells
    10 GWh short)."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    scenario = folder / "scenario.yaml"
    text = scenario.read_text()
    share = "  differentiation:\n    min_cluster_value_share: 0.2\n"
    for old, new in (("buffer_m: 1000", "buffer_m: 200000"), ("strict: true", "strict: false"),
                     ("  differentiation:\n    enabled: false\n", share)):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    scenario.write_text(text)
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 0
    assert pd.read_csv(out / "targets.csv")["shortfall"].tolist() == [90000, 10]
