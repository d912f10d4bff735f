"""The report's "Rules the plan meets with no slack" (`binding_rules`) names the capacity ceiling,
the chain-balance rows, the differentiation rows (hosting limit, lead share, portfolio difference,
cluster value share), the sales caps, the least utilisation, the least investment per open site,
the open-site limit and the raw-material import caps the plan meets with no slack, on the
instances of tests/test_families.py and tests/test_network.py solved by hand (their optimum is
derived there; the figures used here are repeated in each docstring), and leaves them out where
they have slack or are off. The overshoot explanation (`overshoot_reasons`) names the capacity
ceiling as its row counts it: online capacity, existing and committed plants included.

Default instance (tests/test_families.py): one year 2030; sites s1 (c1) and s2 (c2), 100 ha each;
module p10 = 10 units/yr of p for 100 yuan on 1 ha, q10 = 10 units/yr of q for 200 yuan on 1 ha;
utilisation 1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pytest
from test_families import (
    P10,
    Q10,
    Y1,
    Y2,
    ceiling_case,
    chain_case,
    land,
    lead_case,
    make_inputs,
    open_sites_case,
    sales_case,
    solve_optimal,
    without,
)
from test_network import ore_case

from models.inputs import ModelInputs
from siting.deliver.drivers import binding_rules, overshoot_reasons
from siting.optimize.results import Plan, extract_plan

UNITS = {"p": "t", "q": "t"}


def plan_of(inputs: ModelInputs, objective: float) -> Plan:
    """The optimal plan of `inputs`, whose optimum must be `objective`."""
    model, found = solve_optimal(inputs)
    assert found == pytest.approx(objective, rel=1e-9)
    return extract_plan(model, inputs)


def rules_of(inputs: ModelInputs, objective: float, clusters: Mapping[str, str] | None = None) -> list[str]:
    """`binding_rules` of the optimal plan of `inputs`, whose optimum must be `objective`."""
    return binding_rules(inputs, plan_of(inputs, objective), UNITS, clusters=clusters)


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
        "the chain balance P 2030 is met exactly: 10 t/yr of P is made in the province, 50% of the 20 t/yr that Q "
        "production uses"]


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


# --------------------------------------------------------------------------------------------
# the capacity ceiling in the overshoot explanation


def ceiling_reasons(inputs: ModelInputs, objective: float) -> list[str]:
    """The capacity-ceiling reasons `overshoot_reasons` gives for the P target."""
    plan = plan_of(inputs, objective)
    return [r for over in overshoot_reasons(inputs, plan, UNITS) if over.target == "P"
            for r in over.reasons if r.startswith("the capacity ceiling")]


def producing_ceiling_case(factor: float, **overrides: object) -> ModelInputs:
    """`ceiling_case(factor)` with an existing p plant of 20 units at s1 and production costing
    1 yuan per unit of p and of q (so that nothing is made beyond what the value target needs)."""
    fields: dict[str, object] = {"existing_capacity_units_per_yr": {("s1", "p"): 20.0},
                                 "other_variable_cost_yuan_per_unit": {"p": 1.0, "q": 1.0}, **overrides}
    return dataclasses.replace(ceiling_case(factor), **fields)


def test_existing_capacity_at_the_ceiling_is_named_as_the_ceiling() -> None:
    """`producing_ceiling_case(2)`: the ceiling is max(2 x 10, 10 + 10) = 20 units of P online in
    2030, which the existing plant (20) fills: no p module may be added. The value target (150)
    takes the plant's output and one q module (200): q's value costs 1/8 yuan a yuan to make, p's
    1/5, so 10 q (80, 10 yuan) and 14 p (70, 14 yuan): 224 (one p module more is refused; without
    q, 100 of value, 50 short: 5000). P's target of 10 is overshot by the 20 units standing; the
    ceiling row has no slack though nothing is added (the check was 20 - 20 = 0 added against
    20)."""
    assert ceiling_reasons(producing_ceiling_case(2.0), 224.0) == [
        "the capacity ceiling is reached: at most 20 t/yr may be online in 2030, the existing and committed plants "
        "included; the other reasons say what forces the excess up to it"]


def test_capacity_below_the_ceiling_is_not_named_as_the_ceiling() -> None:
    """`producing_ceiling_case(4)`: ceiling 40 units. One p module (100) makes the plant and it
    30 units of p, 150 of value for 30 yuan: 130 (one q module instead: 224). P online: 30 < 40."""
    assert ceiling_reasons(producing_ceiling_case(4.0), 130.0) == []


def test_a_year_before_the_last_at_the_ceiling_says_so() -> None:
    """`producing_ceiling_case(2)` over 2030 and 2031 (discount factors 1) without the existing
    plant: the ceiling (20 units) counts 2031; the 2030 value target needs 2 p modules and 1 q
    module decided in 2030 (annuities 400 a year for 2 years, and 24 of production in 2030): 824.
    P's 2030 capacity (20, the P target of 10 is in 2030) is already the ceiling of 2031."""
    inputs = producing_ceiling_case(2.0, YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0},
                                    existing_capacity_units_per_yr={})
    assert ceiling_reasons(inputs, 824.0) == [
        "the capacity ceiling is reached: at most 20 t/yr may be online in 2031, the existing and committed plants "
        "included, and 2030 has that much already; the other reasons say what forces the excess up to it"]


# --------------------------------------------------------------------------------------------
# differentiation


def hosting_case(limits: dict[str, int]) -> ModelInputs:
    """s1 (c1) has 3 ha, s2 (c2) 2 ha; P targets 50 units (penalty 1000); hosting limits `limits`."""
    return make_inputs(capacity_target_units={("P", Y1): 50.0}, max_clusters_per_product=limits,
                       **land({"s1": 3, "s2": 2}))


def test_a_hosting_limit_reached_is_named() -> None:
    """`hosting_case({"p": 1})`: p in one cluster only; c1 holds 3 modules, 20 units short:
    300 + 20000 = 20300. c1 (by its name) hosts p, the one cluster p may be in."""
    assert rules_of(hosting_case({"p": 1}), 20300.0, {"c1": "Cluster one"}) == [
        "the hosting limit P is reached (1 cluster: Cluster one)", "site s1 uses all its land (3 ha)"]


def test_a_hosting_limit_with_slack_that_cannot_bind_or_off_is_not_named() -> None:
    """A limit of 2 on p: both sites fill up (3 + 2 modules, 500), both clusters host p, but with
    two clusters the row cannot bind and does not exist. A limit of 1 on q, which the plan adds
    nowhere (0 < 1): the default plan of 3 p modules (300). Off: 20300's limit is no rule, 500."""
    assert rules_of(hosting_case({"p": 2}), 500.0) == [
        "the capacity target P 2030 is met exactly (50 t/yr)", "site s1 uses all its land (3 ha)",
        "site s2 uses all its land (2 ha)"]
    assert rules_of(make_inputs(max_clusters_per_product={"q": 1}), 300.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)"]
    assert rules_of(without(hosting_case({"p": 1}), "differentiation"), 500.0) == [
        "the capacity target P 2030 is met exactly (50 t/yr)", "site s1 uses all its land (3 ha)",
        "site s2 uses all its land (2 ha)"]


def test_a_lead_share_met_exactly_is_named() -> None:
    """`lead_case(("p",))` with p worth 5e7 yuan/unit and q 1e8: the q module the target needs adds
    1e9 of value, so c1's lead p must add A_p with 5e7 A_p >= 0.5 (5e7 A_p + 1e9), A_p >= 20: two
    p modules, 1.00 of 2.00 bn yuan, exactly 50 %. 200 + 200 = 400."""
    inputs = dataclasses.replace(lead_case(("p",)), output_value_yuan_per_unit={"p": 5e7, "q": 1e8})
    assert rules_of(inputs, 400.0) == [
        "the capacity target Q 2030 is met exactly (10 t/yr)",
        "the lead share c1 is met exactly: its lead products make 50% of the output value of the capacity it adds "
        "(1.00 of 2.00 bn yuan/yr, at nameplate)"]


def test_a_lead_share_with_slack_is_not_named() -> None:
    """`lead_case(("p",))` with q worth 8e7: two p modules are still needed (one gives 0.5 of 1.3
    bn yuan), and make 1.0 of 1.8 bn yuan, 56 % > 50 %: 400. With q a lead product itself:
    one q module, 200."""
    values = {"output_value_yuan_per_unit": {"p": 5e7, "q": 8e7}}
    for inputs, objective in ((dataclasses.replace(lead_case(("p",)), **values), 400.0),
                              (dataclasses.replace(lead_case(("q",)), **values), 200.0)):
        assert rules_of(inputs, objective) == ["the capacity target Q 2030 is met exactly (10 t/yr)"]


def test_a_portfolio_difference_met_exactly_is_named() -> None:
    """2 ha a site, P 30 units, portfolios differ in at least 1 product: 3 p modules need both
    clusters, so one also adds a q module (200) on its free hectare: 500. The clusters differ in
    q alone. With 100 ha a site the default plan (3 p modules at one site, 300) differs in p alone:
    also no slack, though the optimum does not move."""
    assert rules_of(make_inputs(min_portfolio_difference=1, **land({"s1": 2, "s2": 2})), 500.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)",
        "the portfolio difference c1/c2 is met exactly: the two clusters' portfolios (the products each adds or has "
        "committed plants of) differ in 1 product (Q)",
        "site s1 uses all its land (2 ha)", "site s2 uses all its land (2 ha)"]
    assert rules_of(make_inputs(min_portfolio_difference=1), 300.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)",
        "the portfolio difference c1/c2 is met exactly: the two clusters' portfolios (the products each adds or has "
        "committed plants of) differ in 1 product (P)"]


def test_a_portfolio_difference_with_slack_or_off_is_not_named() -> None:
    """P 30 and Q 10 units, only s1 has land: 3 p and 1 q module at s1 (500); c1 hosts p and q,
    c2 nothing: they differ in 2 products, one more than the least. Off: the default plan, 300."""
    inputs = make_inputs(capacity_target_units={("P", Y1): 30.0, ("Q", Y1): 10.0}, min_portfolio_difference=1,
                         **land({"s1": 100, "s2": 0}))
    assert rules_of(inputs, 500.0) == ["the capacity target P 2030 is met exactly (30 t/yr)",
                                       "the capacity target Q 2030 is met exactly (10 t/yr)"]
    assert rules_of(without(make_inputs(min_portfolio_difference=1), "differentiation"), 300.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)"]


def test_a_cluster_value_share_met_exactly_is_named() -> None:
    """Default instance, p worth 5e7 yuan/unit, every cluster adding at least 50 % of the value:
    a split 2 + 1 of the 3 modules fails (1 < 1.5), 2 + 2 passes exactly: 400 (2 + 0 and 10 short:
    10200). Each cluster adds 1.00 of the 2.00 bn yuan; the P target is overshot (40 > 30)."""
    inputs = make_inputs(min_cluster_value_share=0.5, output_value_yuan_per_unit={"p": 5e7, "q": 0.0})
    assert rules_of(inputs, 400.0) == [
        f"the cluster value share {c} is met exactly: the cluster adds 50% of the output value of the capacity the "
        "plan adds (1.00 of 2.00 bn yuan/yr, at nameplate)" for c in ("c1", "c2")]


def test_a_cluster_value_share_with_slack_or_off_is_not_named() -> None:
    """A least share of 40 %: 3 modules split 2 + 1 fail (1 < 1.2), 2 + 2 (50 % each) pass: 400,
    both clusters above 40 %. Off: the default plan, 300."""
    inputs = make_inputs(min_cluster_value_share=0.4, output_value_yuan_per_unit={"p": 5e7, "q": 0.0})
    assert rules_of(inputs, 400.0) == []
    assert rules_of(without(inputs, "differentiation"), 300.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)"]


# --------------------------------------------------------------------------------------------
# least utilisation


def utilisation_case(**overrides: object) -> ModelInputs:
    """The default instance with only s1 having land, p costing 1 yuan/unit to make and a least
    utilisation of 50 % for p."""
    return make_inputs(other_variable_cost_yuan_per_unit={"p": 1.0}, min_utilisation={"p": 0.5},
                       **land({"s1": 100, "s2": 0}), **overrides)


def test_a_least_utilisation_met_exactly_is_named() -> None:
    """`utilisation_case()`: the 3 p modules at s1 (300) must make 15 of their 30 units and nothing
    needs more: 315."""
    assert rules_of(utilisation_case(), 315.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)",
        "site s1 makes P at its least utilisation in 2030 (15 t/yr: 50% of its usable 30 t/yr)"]


def test_a_least_utilisation_with_slack_or_off_is_not_named() -> None:
    """With an output-value target of 150 yuan (30 units of p at 5): all 30 units are made,
    above the least 15: 330. Off: nothing is made, 300."""
    assert rules_of(utilisation_case(output_value_target_yuan={Y1: 150.0}), 330.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)",
        "the output-value target 2030 is met exactly (0.00 bn yuan)"]
    assert rules_of(without(utilisation_case(), "utilisation"), 300.0) == [
        "the capacity target P 2030 is met exactly (30 t/yr)"]


# --------------------------------------------------------------------------------------------
# agglomeration: least investment per open site, open-site limit


def investment_case(least_yuan: float, s2_ha: float) -> ModelInputs:
    """Modules at 1e9 (p) and 2e9 yuan (q), the shortfall penalty 1e10 yuan/unit; s1 has 2 ha, s2
    `s2_ha`; P targets 30 units; each newly opened site invests at least `least_yuan`."""
    return make_inputs(MODULES=(dataclasses.replace(P10, capex_yuan=1e9), dataclasses.replace(Q10, capex_yuan=2e9)),
                       capacity_shortfall_penalty_yuan_per_unit={"P": 1e10, "Q": 1e10, "R": 1e10},
                       min_investment_per_open_site_yuan=least_yuan, **land({"s1": 2, "s2": s2_ha}))


def invested(rules: list[str]) -> list[str]:
    return [r for r in rules if "invests" in r]


def test_a_least_investment_met_exactly_is_named() -> None:
    """`investment_case(2e9, 2)`: 3 modules split 2 + 1 leave a site at 1e9 < 2e9, so both take
    2: 4e9 (2 modules and 10 short: 1.02e11). `investment_case(1e9, 1)`: s2 holds one module, s1
    two: 3e9; s2 invests exactly 1e9, s1 2e9."""
    assert invested(rules_of(investment_case(2e9, 2), 4e9)) == [
        f"site {s} invests as little as a newly opened site may (2.00 bn yuan of capex, the least investment per "
        "open site)" for s in ("s1", "s2")]
    assert invested(rules_of(investment_case(1e9, 1), 3e9)) == [
        "site s2 invests as little as a newly opened site may (1.00 bn yuan of capex, the least investment per open "
        "site)"]


def test_a_least_investment_with_slack_off_or_at_a_pre_opened_site_is_not_named() -> None:
    """`investment_case(5e8, 2)`: 3 modules, 2 + 1, each site above 5e8: 3e9. Off: the same plan.
    `investment_case(1e9, 1)` with an existing q plant at s2: s2 is open already and has no row,
    though it invests 1e9 again (3e9)."""
    for inputs in (investment_case(5e8, 2), without(investment_case(1e9, 1), "agglomeration"),
                   dataclasses.replace(investment_case(1e9, 1), existing_capacity_units_per_yr={("s2", "q"): 10.0})):
        assert invested(rules_of(inputs, 3e9)) == []


def clustered(rules: list[str]) -> list[str]:
    return [r for r in rules if r.startswith("cluster")]


def test_an_open_site_limit_reached_is_named() -> None:
    """`open_sites_case(1)`: one site of c1 (by its name), 2 modules, 20 short: 20200. With an
    existing p plant of 10 units at s2, which has no land (open already, building nothing), s1
    may not open: 10 units stand, 30 short: 30000."""
    assert clustered(rules_of(open_sites_case(1), 20200.0, {"c1": "Cluster one"})) == [
        "cluster Cluster one opens as many sites as it may (1)"]
    pre_opened = dataclasses.replace(open_sites_case(1), existing_capacity_units_per_yr={("s2", "p"): 10.0},
                                     **land({"s1": 2, "s2": 0}))
    assert clustered(rules_of(pre_opened, 30000.0)) == ["cluster c1 opens as many sites as it may (1)"]


def test_an_open_site_limit_with_slack_that_cannot_bind_or_off_is_not_named() -> None:
    """`open_sites_case(2)`: both sites, 2 + 2 modules, 400; the cluster has no third site, so
    the row cannot bind and does not exist. Off: `open_sites_case(1)` builds both, 400."""
    assert clustered(rules_of(open_sites_case(2), 400.0)) == []
    assert clustered(rules_of(without(open_sites_case(1), "agglomeration"), 400.0)) == []


# --------------------------------------------------------------------------------------------
# supply: raw-material import caps


CHEAP_ORE = {"resource_import_price_yuan_per_t": {("ore", Y1): 5.0}, "site_hub_km": {"s1": 2.0},
             "hub_gateway_km": {"c1": 0.0}}


def test_a_raw_import_cap_reached_is_named() -> None:
    """tests/test_network.py `ore_case` with ore imported at 5 + 2 = 7 yuan/t against 13 from k1,
    capped at 30 t: 30 t imported, 10 t from k1: 200 + 210 + 130 = 540."""
    assert rules_of(ore_case(**CHEAP_ORE, resource_import_cap_t_per_yr={("ore", Y1): 30.0}), 540.0) == [
        "the output-value target 2030 is met exactly (0.00 bn yuan)",
        "the import cap ore 2030 is reached (30 t/yr bought outside the province)"]


def test_a_raw_import_cap_with_slack_or_off_is_not_named() -> None:
    """A cap of 50 t: all 40 t imported, 480. With the supply family off, ore is free: 200."""
    expected = ["the output-value target 2030 is met exactly (0.00 bn yuan)"]
    assert rules_of(ore_case(**CHEAP_ORE, resource_import_cap_t_per_yr={("ore", Y1): 50.0}), 480.0) == expected
    assert rules_of(without(ore_case(**CHEAP_ORE, resource_import_cap_t_per_yr={("ore", Y1): 30.0}), "supply"),
                    200.0) == expected
