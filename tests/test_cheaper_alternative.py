"""An alternative that costs less than the plan reported as the optimum.

The optimum is proven only within its solve's gap, so with a small slack (or none) an
alternative can cost a little less than it. alternatives.md then says so, with the gap in
percent and in bn yuan, rather than print a bare negative excess; alternatives.csv keeps the
computed share. The plans are those of tests/test_alternatives.py's tiny instance with costs
set by hand (the small scenario's optimum is its exact optimum, so no cheaper plan appears there).
"""

from __future__ import annotations

import dataclasses
import io

import pandas as pd
import pytest
from test_alternatives import one_product
from test_families import SETTINGS

from siting.config.units import Names
from siting.deliver.explore import alternatives_markdown, comparison_csv
from siting.deliver.tables import csv_text
from siting.optimize.alternatives import PlanSet, comparison, near_optimal_plans


def costing(plans: PlanSet, costs: list[float]) -> PlanSet:
    """The plans with their costs set by hand: each plan's whole cost put in its `sales` line."""
    changed = [dataclasses.replace(a, plan=dataclasses.replace(a.plan, costs={"sales": cost}))
               for a, cost in zip(plans, costs, strict=True)]
    return PlanSet(changed, asked=plans.asked, ended=plans.ended)


@pytest.fixture(scope="module")
def tiny() -> PlanSet:
    return near_optimal_plans(one_product(), SETTINGS, 1, 0.05)


@pytest.mark.parametrize("optimum", [22.7e9, -22.7e9])
def test_a_cheaper_alternative_is_said_to_be_as_good_within_the_gap(tiny: PlanSet, optimum: float) -> None:
    """alt01 costs 1.3e-05 of |optimum| less; the optimum was proven within 2.01 % (0.46 bn
    yuan of |optimum|, positive whatever the sign of the cost: the sales can outweigh it)."""
    plans = costing(tiny, [optimum, optimum - 1.3e-5 * abs(optimum)])
    inputs = one_product()
    table = comparison(plans, inputs)
    assert table["over_optimum"].tolist() == [0.0, pytest.approx(-1.3e-5, rel=1e-6)]
    text = alternatives_markdown(plans, inputs, 0.0, table, 0.0201, Names())
    assert "The optimum was proven within a gap of 2.01% (0.46 bn yuan)" in text
    assert ("alt01 costs less than the plan reported as the optimum (by 0.0013% of its cost): that plan is proven "
            "optimal only within its gap of 2.01% (0.46 bn yuan), so the difference is within solver tolerance "
            "and alt01 is as good a plan.") in text
    assert "negative: it costs less than the plan reported as the optimum" in text
    csv = pd.read_csv(io.StringIO(csv_text(comparison_csv(table, inputs, Names()))))
    assert csv["over_optimum_share"].tolist() == [0.0, pytest.approx(-1.3e-5, rel=1e-6)]


def test_without_a_known_gap_the_note_names_the_solver_tolerances(tiny: PlanSet) -> None:
    plans = costing(tiny, [22.7e9, 22.7e9 - 3e5])
    inputs = one_product()
    text = alternatives_markdown(plans, inputs, 0.0, comparison(plans, inputs), None, Names())
    assert ("alt01 costs less than the plan reported as the optimum (by 0.0013% of its cost): that plan is proven "
            "optimal only within the solver's tolerances, so the difference is within solver tolerance and alt01 "
            "is as good a plan.") in text


def test_two_cheaper_alternatives_are_named_together(tiny: PlanSet) -> None:
    plans = costing(tiny, [22.7e9, 22.7e9 - 3e5])
    plans = PlanSet([*plans, dataclasses.replace(plans[1], label="alt02")], asked=2, ended="")
    plans[2] = dataclasses.replace(plans[2], plan=dataclasses.replace(plans[2].plan, costs={"sales": 22.7e9 - 6e5}))
    inputs = one_product()
    text = alternatives_markdown(plans, inputs, 0.0, comparison(plans, inputs), 0.0201, Names())
    assert ("alt01, alt02 cost less than the plan reported as the optimum (alt01 by 0.0013%; alt02 by 0.0026% of its "
            "cost): that plan is proven optimal only within its gap of 2.01% (0.46 bn yuan), so the differences are "
            "within solver tolerance and alt01, alt02 are as good plans.") in text


def test_alternatives_that_cost_more_get_no_such_note(tiny: PlanSet) -> None:
    plans = costing(tiny, [22.7e9, 22.8e9])
    inputs = one_product()
    text = alternatives_markdown(plans, inputs, 0.05, comparison(plans, inputs), 0.0201, Names())
    assert "alt01 costs less" not in text and "as good a plan" not in text
