"""The report's "Rules the plan meets with no slack" (`binding_rules`) names the capacity ceiling,
the chain-balance rows and the sales caps the plan meets with no slack, on the instances of
tests/test_families.py solved by hand (their optimum is derived there; the figures used here are
repeated in each docstring), and leaves them out where they have slack or are off.

Default instance (tests/test_families.py): one year 2030; sites s1 (c1) and s2 (c2), 100 ha each;
module p10 = 10 units/yr of p for 100 yuan on 1 ha, q10 = 10 units/yr of q for 200 yuan on 1 ha;
utilisation 1.
"""

from __future__ import annotations

import pytest
from test_families import Y1, ceiling_case, chain_case, sales_case, solve_optimal, without

from models.inputs import ModelInputs
from siting.deliver.drivers import binding_rules
from siting.optimize.results import extract_plan

UNITS = {"p": "t", "q": "t"}


def rules_of(inputs: ModelInputs, objective: float) -> list[str]:
    """`binding_rules` of the optimal plan of `inputs`, whose optimum must be `objective`."""
    model, found = solve_optimal(inputs)
    assert found == pytest.approx(objective, rel=1e-9)
    return binding_rules(inputs, extract_plan(model, inputs), UNITS)


def starting(rules: list[str], head: str) -> list[str]:
    return [r for r in rules if r.startswith(head)]


# --------------------------------------------------------------------------------------------
# the capacity ceiling


def test_a_group_at_its_ceiling_is_named() -> None:
    """`ceiling_case(2)`: P targets 10 units, the ceiling is max(2 x 10, 10 + 10) = 20 units; the
    value target of 150 yuan (p 5/unit, q 8/unit) is met by 2 p modules (100) and 1 q module (80),
    400, so P's capacity in 2030 is 20 units, at its ceiling. The P target is overshot (20 > 10)
    and the value target too (180 > 150): the ceiling is the one rule with no slack."""
    assert rules_of(ceiling_case(2.0), 400.0) == ["the capacity ceiling P 2030 is reached (20 t/yr)"]


def test_a_ceiling_reached_where_the_optimum_would_not_move_is_still_named() -> None:
    """`ceiling_case(3)`: the ceiling of 30 units admits the 3 p modules (300) that meet the value
    target (150) exactly: the capacity is at the ceiling (no slack), though without the ceiling
    the plan would be the same."""
    assert rules_of(ceiling_case(3.0), 300.0) == [
        "the output-value target 2030 is met exactly (0.00 bn yuan)",
        "the capacity ceiling P 2030 is reached (30 t/yr)"]


@pytest.mark.parametrize(("inputs", "objective"), [
    (ceiling_case(4.0), 300.0),  # ceiling 40 units, 30 built
    (without(ceiling_case(2.0), "targets"), 300.0),  # no ceiling: 3 p modules
    (ceiling_case(0.0), 300.0),  # factor 0: no ceiling
], ids=["slack", "targets off", "factor 0"])
def test_a_ceiling_with_slack_or_none_is_not_named(inputs: ModelInputs, objective: float) -> None:
    """Ceiling 40 units: the 3 p modules (30 units, 300) meet the value target; with the targets
    family off or a factor of 0 there is no ceiling and the plan is the same."""
    assert rules_of(inputs, objective) == ["the output-value target 2030 is met exactly (0.00 bn yuan)"]


# --------------------------------------------------------------------------------------------
# chain balance


def test_a_chain_balance_row_met_exactly_is_named() -> None:
    """`chain_case`: q is made from p (2 units of p per unit of q), p imports cost nothing, local
    p must cover 50 % of the use. 10 units of q (one q module, 200) meet the 100-yuan value
    target exactly; the chain row asks 0.5 x 2 x 10 = 10 units of local p: one p module (100),
    producing exactly 10, the other 10 imported. Optimum 300."""
    assert rules_of(chain_case(), 300.0) == [
        "the output-value target 2030 is met exactly (0.00 bn yuan)",
        "the chain balance P 2030 is met exactly: 50% of the P that Q production uses (10 t/yr) is made in the "
        "province"]


def test_a_chain_balance_row_with_slack_or_off_is_not_named() -> None:
    """`chain_case` with an existing p plant of 20 units at s1 and p imports at 1 yuan/unit: the
    plant (free to run) makes all 20 units q uses, more than the 10 the row asks; one q module,
    200. With the family off, `chain_case` builds the q module alone (200) and imports all p."""
    slack = chain_case(existing_capacity_units_per_yr={("s1", "p"): 20.0}, import_price_yuan_per_unit={("p", Y1): 1.0})
    assert rules_of(slack, 200.0) == ["the output-value target 2030 is met exactly (0.00 bn yuan)"]
    assert rules_of(without(chain_case(), "chain_balance"), 200.0) == [
        "the output-value target 2030 is met exactly (0.00 bn yuan)"]


# --------------------------------------------------------------------------------------------
# market (sales caps)


def test_a_sales_cap_reached_is_named() -> None:
    """`sales_case` (p sells at 25 yuan/unit; 2 ha, 2 p modules, at each site) with at most 25
    units sold: a module costs 100 and its 10 units earn 250, so 3 modules (300) sell 25 units
    (625): -325 (2 modules: 500 - 200 = -300; a fourth earns nothing). The two hubs' sales make
    25 together, the cap. At a cap of 15: 2 modules (200) sell 15 (375), -175."""
    assert starting(rules_of(sales_case(sales_cap_units={("p", Y1): 25.0}), -325.0), "the sales cap") == [
        "the sales cap P 2030 is reached (25 t/yr sold outside the province)"]
    assert starting(rules_of(sales_case(sales_cap_units={("p", Y1): 15.0}), -175.0), "the sales cap") == [
        "the sales cap P 2030 is reached (15 t/yr sold outside the province)"]


def test_a_sales_cap_with_slack_or_off_is_not_named() -> None:
    """A cap of 100 units: the land's 4 modules sell 40 units (1000 for 400), -600; with the
    market family off a cap of 15 is no rule: the same -600. Only the land is used up."""
    for inputs in (sales_case(sales_cap_units={("p", Y1): 100.0}),
                   without(sales_case(sales_cap_units={("p", Y1): 15.0}), "market")):
        assert rules_of(inputs, -600.0) == ["site s1 uses all its land (2 ha)", "site s2 uses all its land (2 ha)"]
