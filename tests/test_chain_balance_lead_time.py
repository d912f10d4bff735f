"""The chain-balance rule holds from the first year in which a module of the upstream product
decided within the plan can produce (t0 + its lead time): before then no decision can raise
local upstream production, and the rule could only idle the standing downstream plants."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from test_families import Y1, Y2, modules_of, solve_optimal, two_years, without

from models.families.chain_balance import chain_applies


def standing_q_case(**overrides):
    """Two years (discount factors 1). q is made from p (2 units of p per unit of q); p can be
    bought outside at no cost in both years; local p must cover 50 % of its use; p has a lead
    time of one year (a module decided in 2030 first produces in 2031), q none. An existing q
    plant of 10 units/yr stands at s1. Output-value target 100 yuan in each year, q worth 10
    yuan/unit (penalty 100 yuan per yuan short); no capacity target."""
    base = {
        "import_price_yuan_per_unit": {("p", Y1): 0.0, ("p", Y2): 0.0},
        "capacity_target_units": {},
        "output_value_target_yuan": {Y1: 100.0, Y2: 100.0},
        "output_value_yuan_per_unit": {"p": 0.0, "q": 10.0},
        "input_units_per_unit": {("q", "p"): 2.0},
        "chain_share_min": {"p": 0.5},
        "existing_capacity_units_per_yr": {("s1", "q"): 10.0},
        "lead_time_yr": {"p": 1},
    }
    base.update(overrides)
    return two_years(**base)


def test_the_rule_holds_from_the_first_year_a_new_upstream_module_can_produce() -> None:
    inputs = standing_q_case()
    assert [chain_applies(inputs, "p", t) for t in (Y1, Y2)] == [False, True]
    assert chain_applies(standing_q_case(lead_time_yr={}), "p", Y1)


def test_the_standing_plant_runs_in_the_first_year_on_imported_feedstock() -> None:
    """2030: no p module can produce, so the rule has no row; the existing q plant makes 10 units
    (value 100, target met) on 20 units of imported p at no cost. 2031: the row asks local
    p >= 0.5 * 2 * 10 = 10 units: one p module decided in 2030 (100 yuan). Optimum: 100.
    (With a row in 2030 the q plant would stand idle there: 100 yuan short, 10,000 yuan of penalty.)
    With the rule off: 0, no p module."""
    model, objective = solve_optimal(standing_q_case())
    assert objective == pytest.approx(100.0, rel=1e-9)
    assert modules_of(model, "p") == 1
    assert list(model.CHAIN) == [("p", Y2)]
    made_q = {t: sum(pyo.value(model.production[s, p, tt]) for s, p, tt in model.PRODUCE if p == "q" and tt == t)
              for t in (Y1, Y2)}
    assert made_q == {Y1: pytest.approx(10.0), Y2: pytest.approx(10.0)}

    model, objective = solve_optimal(without(standing_q_case(), "chain_balance"))
    assert objective == pytest.approx(0.0, abs=1e-9)
    assert modules_of(model, "p") == 0


def test_without_lead_time_the_rule_holds_in_every_year() -> None:
    """`standing_q_case` with no lead time: a p module decided in 2030 produces in 2030, and the
    rows of both years ask 10 units of local p: one module, charged 100 yuan for each year it
    stands (as the 2031 module above is charged for 2031 alone). Optimum: 200."""
    model, objective = solve_optimal(standing_q_case(lead_time_yr={}))
    assert objective == pytest.approx(200.0, rel=1e-9)
    assert modules_of(model, "p") == 1
    assert list(model.CHAIN) == [("p", Y1), ("p", Y2)]
