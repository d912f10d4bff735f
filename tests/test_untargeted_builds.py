"""The report says why the plan adds capacity to a product without a capacity target
("Capacity added without a target"), from the plan's own figures, on instances solved by hand.

Default instance (tests/test_families.py): one year 2030; sites s1 (c1) and s2 (c2), 100 ha
each; module p10 = 10 units/yr of p, q10 = 10 units/yr of q, each on 1 ha; lifetime 1 year and
discount rate 0, so a module's annuity is its capex; utilisation 1; no lead time; the gateway
0 km from every hub; the capacity target of group P = {p}: 30 units in 2030; q has no target.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from test_binding_rules_families import plan_of
from test_drivers_followups import BN, priced_modules
from test_families import Y1, make_inputs

from models.inputs import ModelInputs
from siting.deliver.drivers import untargeted_builds
from siting.deliver.report import Block, explanation_blocks, markdown

UNITS = {"p": "t", "q": "t"}


def loaded_stub() -> Any:
    """What `explanation_blocks` reads of the loaded scenario: the catalog's units and the
    shortfall penalty factor."""
    products = {p: SimpleNamespace(unit=unit) for p, unit in UNITS.items()}
    return cast(Any, SimpleNamespace(catalog=SimpleNamespace(products=products),
                                     scenario=SimpleNamespace(objective=SimpleNamespace(shortfall_penalty_factor=3.0))))


def explained(inputs: ModelInputs, objective: float) -> list[Block]:
    """The report's explanation of the optimal plan of `inputs` (optimum `objective`)."""
    return explanation_blocks(loaded_stub(), inputs, plan_of(inputs, objective))


def section(blocks: list[Block], heading: str) -> list[Block]:
    """The blocks under the h2 `heading`, up to the next h2 (none when the heading is absent)."""
    start = next((i for i, b in enumerate(blocks) if b.kind == "h2" and b.content == heading), None)
    if start is None:
        return []
    end = next((i for i, b in enumerate(blocks) if i > start and b.kind == "h2"), len(blocks))
    return blocks[start:end]


def selling_case(q_price_yuan: float) -> ModelInputs:
    """p modules at 1 bn yuan (annuity 1 bn yuan/yr), q modules at 2 bn yuan; P targets 30 units
    (penalty 10 bn yuan a unit); q, without a target, sells at `q_price_yuan` a unit, at most 20
    units a year out of the province."""
    return make_inputs(MODULES=priced_modules(1 * BN, 2 * BN),
                       capacity_shortfall_penalty_yuan_per_unit={"P": 10 * BN, "Q": 10 * BN, "R": 10 * BN},
                       price_yuan_per_unit={("q", Y1): q_price_yuan}, sales_cap_units={("q", Y1): 20.0})


def test_an_untargeted_product_that_sells_above_its_cost_is_explained() -> None:
    """`selling_case(0.5 bn)`: P needs 3 p modules (3 bn; a unit short costs 10 bn). Each q module
    (2 bn) makes 10 units that sell for 5 bn, so q is built up to its sales cap: 2 modules, 20
    units sold for 10 bn: 3 + 4 - 10 = -3 bn. The 20 units cost 4 bn to make (the annuities),
    less than the 10 bn they earn; the two q modules run in full."""
    blocks = section(explained(selling_case(0.5 * BN), -3 * BN), "Capacity added without a target")
    assert markdown(blocks) == (
        "## Capacity added without a target\n\n"
        "Q: 20 t/yr added (decided in 2030), no capacity target. Why:\n\n"
        "- its capacity is used in full in 2030 (20 t/yr made): all its usable capacity allows\n"
        "- sales pay for it: 20 t/yr are sold outside the province in 2030 for 10.00 bn yuan (500,000,000 yuan/t), "
        "more than the 4.00 bn yuan they cost to make (200,000,000 yuan/t: capacity, production and inputs)\n")


def test_no_section_when_only_targeted_products_are_built() -> None:
    """`selling_case(0.1 bn)`: a q module (2 bn) would make 10 units selling for 1 bn: q is not
    built; the plan is the 3 p modules P asks for, 3 bn. p has a target: no section."""
    inputs = selling_case(0.1 * BN)
    plan = plan_of(inputs, 3 * BN)
    assert untargeted_builds(inputs, plan, UNITS) == []
    blocks = explanation_blocks(loaded_stub(), inputs, plan)
    assert section(blocks, "Capacity added without a target") == []
    assert "without a target" not in markdown(blocks)


def test_an_untargeted_input_made_for_less_than_its_import_price_is_explained() -> None:
    """q is made from p (1 unit of p a unit of q); Q targets 5 units (penalty 10 bn a unit), p has
    no target; p and q modules cost 1 bn yuan each; p is imported at 0.2 bn a unit; q sells at
    0.25 bn a unit, at most 10 units. One q module meets Q; its 10 units need 10 of p: imported,
    2 bn (1 + 2 - 2.5 = 0.5 bn), or made in one p module, 1 bn (1 + 1 - 2.5 = -0.5 bn, the
    optimum). p is made at 0.1 bn a unit, half its import price, and goes into q."""
    inputs = make_inputs(MODULES=priced_modules(1 * BN, 1 * BN), capacity_target_units={("Q", Y1): 5.0},
                         capacity_shortfall_penalty_yuan_per_unit={"P": 10 * BN, "Q": 10 * BN, "R": 10 * BN},
                         input_units_per_unit={("q", "p"): 1.0}, import_price_yuan_per_unit={("p", Y1): 0.2 * BN},
                         price_yuan_per_unit={("q", Y1): 0.25 * BN}, sales_cap_units={("q", Y1): 10.0})
    [build] = untargeted_builds(inputs, plan_of(inputs, -0.5 * BN), UNITS)
    assert (build.product, build.added, build.decided_in) == ("p", 10.0, (Y1,))
    assert build.reasons == (
        "its capacity is used in full in 2030 (10 t/yr made): all its usable capacity allows",
        "making it costs less than importing it in 2030: the 10 t/yr made cost 100,000,000 yuan/t (capacity, "
        "production and inputs), imports 200,000,000 yuan/t; 10 t/yr go into Q production")
