"""Two explanations of a solved plan in the report, on instances solved by hand:

- the overshoot reason "sales pay for it" holds only when the products' sales earn more than the
  cost of making what is sold (`unit_costs`: capacity, running costs and the input products),
  not whenever something is sold: output sold at no price, or below its cost, gets the reasons
  that force its making and no sales reason;
- a hosting limit reached by clusters with committed plants of the product says so, and
  whether the plan adds to them ("by committed plants alone") or not: the plan did not choose
  those clusters.

Default instance (tests/test_families.py): one year 2030; sites s1 (c1) and s2 (c2); module p10 =
10 units/yr of p for 100 yuan on 1 ha, q10 = 10 units/yr of q for 200 yuan on 1 ha; lifetime 1
year and discount rate 0, so a module's annuity is its capex; utilisation 1; no lead time; the
gateway 0 km from every hub.
"""

from __future__ import annotations

import dataclasses

import pytest
from test_binding_rules_families import UNITS, hosting_case, plan_of, producing_ceiling_case, rules_of
from test_families import P10, Q10, Y1, land, make_inputs

from models.inputs import ModelInputs, ModuleSpec
from siting.deliver.drivers import output_costs, overshoot_reasons, unit_costs

BN = 1e9


def reasons_of(inputs: ModelInputs, objective: float, target: str) -> tuple[str, ...]:
    """The overshoot reasons of `target` in the optimal plan of `inputs` (optimum `objective`)."""
    plan = plan_of(inputs, objective)
    return next(o.reasons for o in overshoot_reasons(inputs, plan, UNITS) if o.target == target)


# --------------------------------------------------------------------------------------------
# "sales pay for it" only when the revenue covers the cost of making what is sold


def priced_modules(p_yuan: float, q_yuan: float) -> tuple[ModuleSpec, ModuleSpec]:
    """p10 and q10 at `p_yuan` and `q_yuan` of capex."""
    return dataclasses.replace(P10, capex_yuan=p_yuan), dataclasses.replace(Q10, capex_yuan=q_yuan)


def priced_case(price_yuan: float) -> ModelInputs:
    """p modules at 1 bn yuan (annuity 1 bn yuan/yr), q at 2 bn yuan; p costs 0.01 bn yuan a unit to
    make and sells at `price_yuan` a unit; s1 and s2 have 2 ha each (2 modules each); P targets 25
    units, shortfall penalty 10 bn yuan a unit."""
    return make_inputs(MODULES=priced_modules(1 * BN, 2 * BN),
                       capacity_target_units={("P", Y1): 25.0},
                       capacity_shortfall_penalty_yuan_per_unit={"P": 10 * BN, "Q": 10 * BN, "R": 10 * BN},
                       other_variable_cost_yuan_per_unit={"p": 0.01 * BN}, price_yuan_per_unit={("p", Y1): price_yuan},
                       **land({"s1": 2, "s2": 2}))


def test_sales_below_the_cost_of_making_them_do_not_pay_for_an_overshoot() -> None:
    """`priced_case(0.05 bn)`: 25 units need 3 modules (3 bn; 2 modules and 5 short: 52 bn); each
    unit made earns 0.05 - 0.01 = 0.04 bn, so all 30 are made and sold: 3 + 0.3 - 1.5 = 1.8 bn (a
    fourth module earns 0.4 for 1). The 1.5 bn of sales do not cover the 3.3 bn the 30 units cost
    (3 of annuities, 0.3 of production): whole modules explain the 5 units more, not sales (the
    reason was given because something was sold)."""
    assert reasons_of(priced_case(0.05 * BN), 1.8 * BN, "P") == (
        "whole modules: modules come in 10 t/yr, so the capacity cannot land exactly on the goal; the cheapest "
        "whole-module mix that reaches 25 t/yr gives 30 t/yr",)


def test_sales_above_the_cost_of_making_them_pay_for_an_overshoot() -> None:
    """`priced_case(0.25 bn)`: each module earns 10 x (0.25 - 0.01) = 2.4 bn for 1 bn, so all 4 the
    land holds are built and their 40 units sold: 4 + 0.4 - 10 = -5.6 bn. The 10 bn of sales cover
    the 4.4 bn the 40 units cost: sales pay for the 15 units more."""
    assert reasons_of(priced_case(0.25 * BN), -5.6 * BN, "P") == (
        "sales pay for it: 40 t/yr are sold outside the province in 2030 for 10.00 bn yuan (250,000,000 yuan/t), "
        "more than the 4.40 bn yuan they cost to make (110,000,000 yuan/t: capacity, production and inputs)",)


def test_output_sent_out_at_no_price_does_not_pay_for_an_overshoot() -> None:
    """tests/test_binding_rules_families.py `producing_ceiling_case(2)`: the existing p plant
    (20 units, the ceiling) makes 14 units for the value target (1 yuan each) and one q module
    (200) 10 more: 224. p has no price: the 14 units leave the province for nothing (the reasons
    said "sales pay for it: 14 t/yr are sold outside the province in 2030 for 0.00 bn yuan"); the
    existing plant, the value target and the ceiling explain the P overshoot."""
    assert reasons_of(producing_ceiling_case(2.0), 224.0, "P") == (
        "existing capacity: the plants already there hold 20 t/yr, more than the goal before anything is built",
        "the output-value target binds: 0.00 bn yuan in 2030 (planned 0.00 bn yuan) needs more production, hence "
        "more capacity, than the capacity target asks for: 14 t/yr are produced",
        "the capacity ceiling is reached: at most 20 t/yr may be online in 2030, the existing and committed plants "
        "included; the other reasons say what forces the excess up to it")


def chained_case() -> ModelInputs:
    """q is made from p (1 unit of p a unit of q); p is imported at 0.2 bn yuan a unit, or made in
    5 bn yuan modules (0.5 bn a unit: never); q modules cost 1 bn yuan and q sells at 0.25 bn a
    unit; Q targets 5 units (penalty 10 bn a unit), no P target."""
    return make_inputs(MODULES=priced_modules(5 * BN, 1 * BN),
                       capacity_target_units={("Q", Y1): 5.0},
                       capacity_shortfall_penalty_yuan_per_unit={"P": 10 * BN, "Q": 10 * BN, "R": 10 * BN},
                       input_units_per_unit={("q", "p"): 1.0}, import_price_yuan_per_unit={("p", Y1): 0.2 * BN},
                       price_yuan_per_unit={("q", Y1): 0.25 * BN})


def test_the_inputs_a_product_uses_count_in_the_cost_of_making_it() -> None:
    """`chained_case`: one q module (1 bn; 5 short: 50 bn); each unit of q earns 0.25 for 0.2 of
    imported p, so all 10 are made and sold: 1 + 2 - 2.5 = 0.5 bn. The 2.5 bn of q sales cover the
    module (1 bn) but not with the 2 bn of p it uses (3 bn): whole modules explain the overshoot.
    p costs 0.2 bn a unit (10 imported for 2 bn), q 3 bn for 10 units, 0.3 bn a unit."""
    inputs = chained_case()
    plan = plan_of(inputs, 0.5 * BN)
    assert output_costs(inputs, plan, Y1) == pytest.approx({"p": 0.0, "q": 3 * BN}, rel=1e-9)
    assert unit_costs(inputs, plan, Y1) == pytest.approx({"p": 0.2 * BN, "q": 0.3 * BN}, rel=1e-9)
    assert next(o.reasons for o in overshoot_reasons(inputs, plan, {"p": "t", "q": "t"}) if o.target == "Q") == (
        "whole modules: modules come in 10 t/yr, so the capacity cannot land exactly on the goal; the cheapest "
        "whole-module mix that reaches 5 t/yr gives 10 t/yr",)


# --------------------------------------------------------------------------------------------
# hosting limits reached by committed plants alone


COMMITTED_P = {"committed_units_per_yr": {("s1", "p", Y1): 10.0}}


def test_a_hosting_limit_reached_by_committed_plants_alone_says_so() -> None:
    """`hosting_case({"p": 1})` (P 50 units, penalty 1000) with a committed p plant of 10 units at
    s1 (c1) and no land at s1: c1 hosts p by the plant, so c2 may not (limit 1), and s1 cannot
    add: 40 units short, 40000. The plan did not choose c1."""
    inputs = dataclasses.replace(hosting_case({"p": 1}), **COMMITTED_P, **land({"s1": 0, "s2": 2}))
    assert rules_of(inputs, 40000.0, {"c1": "Cluster one"}) == [
        "the hosting limit P is reached (1 cluster: Cluster one, by committed plants alone)"]


def test_a_hosting_limit_reached_by_committed_plants_the_plan_adds_to_says_so() -> None:
    """The same committed plant with s1's 3 ha: c1 hosts p by the plant (c2 may not) and the plan
    adds its 3 modules there (40 units, 10 short): 300 + 10000 = 10300. The plan chose what to add
    at c1, not that c1 hosts p."""
    inputs = dataclasses.replace(hosting_case({"p": 1}), **COMMITTED_P)
    assert rules_of(inputs, 10300.0, {"c1": "Cluster one"}) == [
        "the hosting limit P is reached (1 cluster: Cluster one, by committed plants the plan adds to)",
        "site s1 uses all its land (3 ha)"]


def test_a_hosting_limit_the_plan_fills_is_not_marked() -> None:
    """`hosting_case({"p": 1})` without committed plants: the plan adds p at c1 (3 modules, 20
    short: 20300) and chose c1 to host it."""
    assert rules_of(hosting_case({"p": 1}), 20300.0, {"c1": "Cluster one"}) == [
        "the hosting limit P is reached (1 cluster: Cluster one)", "site s1 uses all its land (3 ha)"]


def test_a_hosting_limit_reached_partly_by_committed_plants_names_those_clusters() -> None:
    """Three sites s1 (c1), s2 (c2), s3 (c3) with 0, 2 and 1 ha; P 50 units; p in at most 2
    clusters; a committed p plant of 10 units at s1. c1 hosts p by the plant; the plan adds at s2
    (2 modules, 200) rather than at s3 (1 module): 30 units, 20 short: 200 + 20000 = 20200."""
    sites = ("s1", "s2", "s3")
    inputs = dataclasses.replace(
        hosting_case({"p": 2}), SITES=sites, CLUSTERS=("c1", "c2", "c3"),
        CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q")),
        cluster_of_site={"s1": "c1", "s2": "c2", "s3": "c3"}, **COMMITTED_P, **land({"s1": 0, "s2": 2, "s3": 1}))
    assert rules_of(inputs, 20200.0) == [
        "the hosting limit P is reached (2 clusters: c1 and c2; c1 by committed plants alone)",
        "site s2 uses all its land (2 ha)"]
