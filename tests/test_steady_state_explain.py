"""The import explanation ("Imports the province could make for less") counts the steady-state
year after the horizon (`ModelInputs.STEADY_YEAR`, objective.years_after_horizon) as the objective
does: one more module's net saving includes that year, at full rate and at its weight, and the
year reads as "the steady state after 2030".

Instance: tests/test_report_imports.py's whole-module case (one year 2030, discount factor 1,
discount rate 0, so a module's yearly annuity is its capex): q is made from p (1 unit of p a
unit of q), sells at 0.5 bn a unit, at most 15 units a year; p and q modules (10 units/yr) cost
1 bn each; p is imported at 0.15 bn a unit. With N = 2 years after the horizon, the steady-state
year 2031 weighs W = df[2030] x (1 + 1) = 2 (rate 0), and prices and caps hold in it.
"""

from __future__ import annotations

import pytest
from test_binding_rules_families import plan_of
from test_drivers_followups import BN
from test_families import Y1
from test_report_imports import expected, explained, import_case

from models.inputs import ModelInputs
from siting.deliver.drivers import year_costs


def steady_case() -> ModelInputs:
    """See the module docstring."""
    return import_case(sales_cap_units={("q", Y1): 15.0}, import_price_yuan_per_unit={("p", Y1): 0.15 * BN},
                       years_after_horizon=2)


def test_one_more_module_counts_the_steady_state_year() -> None:
    """The plan: 2 q and 1 p module, 15 units of q sold, 5 units of p imported (0.75 bn), in 2030
    and in the steady state: (2 + 1 + 0.75 - 7.5) x (1 + 2) = -3.75 x 3 = -11.25 bn. One more p
    module decided in 2030 (1 bn a year) would replace the 5 units imported in each year (0.75 bn
    a year): (0.75 - 1) x 1 in 2030 + (0.75 - 1) x 2 in the steady state = -0.75 bn, 0.75 bn more
    in all, with the steady state after 2030 counted for the 2 years after it (not 0.25, 2030
    alone)."""
    assert explained(steady_case(), -11.25 * BN) == expected(
        "P: in 2030, 5 t/yr imported at 150,000,000 yuan/t and 10 t/yr made at 100,000,000 yuan/t (capacity, "
        "production and inputs). Why no more is made:",
        "its plants make all their usable capacity allows in 2030 (10 t/yr made)",
        "whole modules: a whole module of 10 t/yr at s1, decided in 2030, would cost 1.00 bn yuan/yr in 2030 and "
        "1.00 bn yuan/yr in the steady state after 2030 against 0.75 and 0.75 bn yuan/yr of the imports it would "
        "replace (5 t/yr and 5 t/yr), 0.75 bn yuan more in all, discounted, with the steady state after 2030 "
        "counted for the 2 years after it")


def test_the_years_costs_weighted_add_up_to_the_objectives_with_the_steady_state() -> None:
    """`year_costs` holds the steady-state year 2031 too: 3 modules (3 bn of annuities) and 5
    units of p imported (0.75 bn) a year, so that weighted (W[2030] = 1, W[2031] = 2) they give
    plan.costs: capex 3 x 1 + 3 x 2 = 9 bn, imports 0.75 x 3 = 2.25 bn (not 3 and 0.75, 2030
    alone)."""
    inputs = steady_case()
    plan = plan_of(inputs, -11.25 * BN)
    costs = year_costs(inputs, plan)
    assert sorted(costs) == [Y1, Y1 + 1]
    for part in ("capex", "imports"):
        assert sum(inputs.year_weight[t] * costs[t][part] for t in costs) == pytest.approx(plan.costs[part], rel=1e-9)
    assert plan.costs["capex"] == pytest.approx(9 * BN, rel=1e-9)
    assert plan.costs["imports"] == pytest.approx(2.25 * BN, rel=1e-9)
