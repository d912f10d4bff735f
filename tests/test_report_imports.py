"""The report says why the plan imports a product the province makes, or could make, for less
than its import price ("Imports the province could make for less"): the rule that keeps one more
module out, with its figure, or what a whole module would cost against the imports it would
replace, from the plan's own figures, on instances solved by hand; one instance per cause.

Default instance (tests/test_families.py): one year 2030, discount factor 1; sites s1 (c1) and
s2 (c2), 100 ha each; module p10 = 10 units/yr of p, q10 = 10 units/yr of q, each on 1 ha;
lifetime 1 year and discount rate 0, so a module's annuity is its capex; utilisation 1; no lead
time; no transport cost; every family on.

`import_case`: q is made from p (1 unit of p a unit of q) and sells at 0.5 bn yuan a unit, at
most 20 units a year; p and q modules cost 1 bn yuan each; p is imported at 0.2 bn yuan a unit,
while a p module at full use makes it for 0.1 bn a unit; no capacity target. With nothing in
the way the plan is 2 q and 2 p modules selling 20 units of q: 2 + 2 - 10 = -6 bn yuan; each
instance below keeps the second p module out, and 10 units of p are imported for 2 bn.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any, cast

from test_binding_rules_families import plan_of
from test_drivers_followups import BN, priced_modules
from test_families import R10, Y1, Y2, land, make_inputs

from models.inputs import ModelInputs
from siting.deliver.report import Block, explanation_blocks, markdown
from siting.optimize.results import Plan

UNITS = {"p": "t", "q": "t", "r": "t"}
HEADING = "Imports the province could make for less"
INTRO = ("Products bought outside the province in a year when the province makes them, or a site could make "
         "them, for less than their import price (capacity, production and inputs), and why the plan makes no "
         "more of them: what keeps one more module out, the rest of the plan as it is.")
#: The paragraph heading P's reasons when 10 units of p are made for 0.1 bn and 10 imported at 0.2 bn.
MADE_TEN = ("P: in 2030, 10 t/yr imported at 200,000,000 yuan/t and 10 t/yr made at 100,000,000 yuan/t "
            "(capacity, production and inputs). Why no more is made:")
#: ... and when the 10 units made come from a plant that costs nothing to run.
FREE_TEN = ("P: in 2030, 10 t/yr imported at 200,000,000 yuan/t and 10 t/yr made at 0 yuan/t (capacity, "
            "production and inputs). Why no more is made:")
FULL = "its plants make all their usable capacity allows in 2030 (10 t/yr made)"


def loaded_stub() -> Any:
    """What `explanation_blocks` reads of the loaded scenario: the catalog's units and the
    shortfall penalty factor."""
    products = {p: SimpleNamespace(unit=unit) for p, unit in UNITS.items()}
    return cast(Any, SimpleNamespace(catalog=SimpleNamespace(products=products),
                                     scenario=SimpleNamespace(objective=SimpleNamespace(shortfall_penalty_factor=3.0))))


def section(blocks: list[Block]) -> str:
    """The Markdown of the blocks under the h2 HEADING, up to the next h2 ("" when absent)."""
    start = next((i for i, b in enumerate(blocks) if b.kind == "h2" and b.content == HEADING), None)
    if start is None:
        return ""
    end = next((i for i, b in enumerate(blocks) if i > start and b.kind == "h2"), len(blocks))
    return markdown(blocks[start:end])


def explained(inputs: ModelInputs, objective: float) -> str:
    """The section of the report on the optimal plan of `inputs` (optimum `objective`)."""
    return section(explanation_blocks(loaded_stub(), inputs, plan_of(inputs, objective)))


def expected(head: str, *reasons: str) -> str:
    """The section with one product's paragraph `head` and its `reasons`."""
    return f"## {HEADING}\n\n{INTRO}\n\n{head}\n\n" + "".join(f"- {r}\n" for r in reasons)


def import_case(**overrides: Any) -> ModelInputs:
    """See the module docstring."""
    base: dict[str, Any] = {
        "MODULES": priced_modules(1 * BN, 1 * BN), "capacity_target_units": {},
        "input_units_per_unit": {("q", "p"): 1.0}, "import_price_yuan_per_unit": {("p", Y1): 0.2 * BN},
        "price_yuan_per_unit": {("q", Y1): 0.5 * BN}, "sales_cap_units": {("q", Y1): 20.0}}
    base.update(overrides)
    return make_inputs(**base)


def only(*pairs: tuple[str, str]) -> dict[str, Any]:
    """Overrides making `pairs` the only (site, product) candidates."""
    return {"CANDIDATES": pairs}


def three_sites(**overrides: Any) -> ModelInputs:
    """`import_case` with a third site s3, in cluster `overrides["cluster_of_s3"]` (c3 by default,
    a cluster of its own), 100 ha at each site."""
    cluster = overrides.pop("cluster_of_s3", "c3")
    clusters = ("c1", "c2", "c3") if cluster == "c3" else ("c1", "c2")
    return import_case(SITES=("s1", "s2", "s3"), CLUSTERS=clusters,
                       cluster_of_site={"s1": "c1", "s2": "c2", "s3": cluster},
                       **land({"s1": 100, "s2": 100, "s3": 100}), **overrides)


def test_nothing_in_the_way_no_section() -> None:
    """`import_case` as it is: 2 q and 2 p modules, nothing imported: -6 bn, no section."""
    assert explained(import_case(), -6 * BN) == ""


def test_land_keeps_the_module_out() -> None:
    """s1 has 1 ha for p and q, s2 none for p and 100 ha for q: q goes to s2 (2 modules), p's one
    module to s1, and the other 10 units of p are imported: 2 + 1 + 2 - 10 = -5 bn. The module's
    10 units cost 1 bn, 0.1 bn a unit."""
    inputs = import_case(site_land_ha={"s1": 1.0, "s2": 100.0},
                         land_after_redline_ha={("s1", "p"): 1.0, ("s1", "q"): 1.0, ("s2", "p"): 0.0,
                                                ("s2", "q"): 100.0})
    assert explained(inputs, -5 * BN) == expected(
        MADE_TEN, FULL, "land: one more 10 t/yr module needs 1 ha, and s1 has 0 ha of its usable land left")


COMMITTED_P_AT_S1 = {"committed_units_per_yr": {("s1", "p", Y1): 10.0}}


def test_the_hosting_limit_keeps_the_module_out() -> None:
    """p in at most 1 cluster; a committed p plant of 10 units at s1 (c1), which has no land: c1
    hosts p, s2 (c2) may not add it. The plant makes 10 units for nothing, 10 are imported, the 2
    q modules stand at s2: 2 + 2 - 10 = -6 bn."""
    inputs = import_case(max_clusters_per_product={"p": 1}, **COMMITTED_P_AT_S1, **land({"s1": 0, "s2": 100}))
    assert explained(inputs, -6 * BN) == expected(
        FREE_TEN, FULL, "the hosting limit: P may be added in at most 1 cluster, and c1 hosts it: no site of another "
                        "cluster may add it")


def test_the_capacity_ceiling_keeps_the_module_out() -> None:
    """P targets 5 units and the ceiling factor is 1: at most max(1 x 5, 5 + 10) = 15 units of p
    online, one module. 2 q modules, 1 p module, 10 units imported: 2 + 1 + 2 - 10 = -5 bn."""
    inputs = import_case(capacity_target_units={("P", Y1): 5.0}, capacity_ceiling_factor=1.0)
    assert explained(inputs, -5 * BN) == expected(
        MADE_TEN, FULL, "the capacity ceiling P: at most 15 t/yr may be online in 2030 and the plan has 10 t/yr, too "
                        "much for one more 10 t/yr module")


def test_the_lead_share_keeps_the_module_out() -> None:
    """Only s1 (c1) may build; q is c1's lead product, at least 60 % of the value it adds, and q
    and p are worth 3 bn a unit (30 bn a module at nameplate); q modules cost 1.5 bn. 2 q and 1 p
    module: 60 of 90 bn (67 %), 10 units of p imported: 3 + 1 + 2 - 10 = -4 bn. A second p
    module: 60 of 120 (50 %); with a third q module as well (60 %): 4.5 + 2 - 10 = -3.5."""
    inputs = import_case(MODULES=priced_modules(1 * BN, 1.5 * BN), **only(("s1", "p"), ("s1", "q")),
                         lead_products={"c1": ("q",)}, lead_share_min=0.6,
                         output_value_yuan_per_unit={"p": 3 * BN, "q": 3 * BN})
    assert explained(inputs, -4 * BN) == expected(
        MADE_TEN, FULL,
        "the lead share of c1: P is not one of its lead products, and one more 10 t/yr module there (30.00 bn yuan/yr "
        "of output value at nameplate) would bring its lead products to 50.0% of the output value it adds (60.00 of "
        "120.00 bn yuan/yr), under the least 60%")


def test_the_cluster_value_share_keeps_the_module_out() -> None:
    """Three clusters of one site each; p may be built at s1 only, q at s2 and s3 only; each
    cluster adds at least 30 % of the value (p and q at 1 bn a unit, 10 bn a module). One q
    module at each of s2 and s3 and one p module: 10 of 30 bn each; 10 units of p imported:
    2 + 1 + 2 - 10 = -5 bn. A second p module leaves c2 and c3 10 of 40 bn (25 %); without p
    module c1 adds nothing (20 units imported: -4, and the row fails)."""
    inputs = three_sites(**only(("s1", "p"), ("s2", "q"), ("s3", "q")), min_cluster_value_share=0.3,
                         output_value_yuan_per_unit={"p": 1 * BN, "q": 1 * BN})
    assert explained(inputs, -5 * BN) == expected(
        MADE_TEN, FULL,
        "the cluster value share: one more 10 t/yr module in c1 (10.00 bn yuan/yr of output value at nameplate) "
        "would leave c2 25.0% of the output value the plan adds (10.00 of 40.00 bn yuan/yr), under the least 30%")


def test_the_portfolio_difference_keeps_the_module_out() -> None:
    """Only s1 (c1) may build; a committed p plant of 10 units at s2 (c2); the portfolios of c1
    and c2 differ in at least 2 products. c1 adds q, c2 has p: they differ in 2; were c1 to add p
    they would differ in 1. 2 q modules at s1, the plant's 10 units, 10 imported: -6 bn."""
    inputs = import_case(**only(("s1", "p"), ("s1", "q")), committed_units_per_yr={("s2", "p", Y1): 10.0},
                         min_portfolio_difference=2)
    assert explained(inputs, -6 * BN) == expected(
        FREE_TEN, FULL, "the portfolio difference: P added in c1 would leave c1 and c2 differing in 1 product, under "
                        "the least 2")


def test_the_open_site_limit_keeps_the_module_out() -> None:
    """s3 lies in c1, where one site may be open, and is the only site that may build p; s1 (c1)
    has a committed p plant of 10 units, so is open; q is built at s2 (c2). 2 q modules, the
    plant's 10 units, 10 imported: -6 bn."""
    inputs = three_sites(cluster_of_s3="c1", **only(("s3", "p"), ("s2", "q")), **COMMITTED_P_AT_S1,
                         max_open_sites_per_cluster={"c1": 1})
    assert explained(inputs, -6 * BN) == expected(
        FREE_TEN, FULL, "the open-site limit: c1 has as many open sites as it may (1), so its sites not yet open may "
                        "not add P")


def test_the_least_investment_keeps_the_module_out() -> None:
    """As the open-site case without the limit, p imported at 0.15 bn a unit and a least
    investment of 1.5 bn at a newly opened site: one p module at s3 (1 bn) is too little, two (2
    bn) cost more than the 10 units imported (1.5 bn). 2 + 1.5 - 10 = -6.5 bn."""
    inputs = three_sites(cluster_of_s3="c1", **only(("s3", "p"), ("s2", "q")), **COMMITTED_P_AT_S1,
                         min_investment_per_open_site_yuan=1.5 * BN,
                         import_price_yuan_per_unit={("p", Y1): 0.15 * BN})
    head = FREE_TEN.replace("200,000,000", "150,000,000")
    assert explained(inputs, -6.5 * BN) == expected(
        head, FULL, "the least investment per open site: one 10 t/yr module (1.00 bn yuan of capex) is less than the "
                    "1.50 bn yuan a newly opened site must invest")


def test_the_budget_keeps_the_module_out() -> None:
    """3 bn of capex in 2030: 2 q modules and 1 p module (1 q and 2 p: 10 units of q sold, -2).
    2 + 1 + 2 - 10 = -5 bn."""
    inputs = import_case(budget_yuan_per_yr={Y1: 3 * BN})
    assert explained(inputs, -5 * BN) == expected(
        MADE_TEN, FULL, "the budget: it leaves 0.00 bn yuan of capex in 2030, less than one more 10 t/yr module costs "
                        "(1.00 bn yuan)")


def test_the_build_rate_keeps_the_module_out() -> None:
    """Only s1 may build, at most 3 modules a year: 2 q and 1 p module: -5 bn."""
    inputs = import_case(**only(("s1", "p"), ("s1", "q")), max_modules_per_site_per_yr=3)
    assert explained(inputs, -5 * BN) == expected(
        MADE_TEN, FULL, "the build rate: s1 may decide no more than it does in 2030, and one more 10 t/yr module (1.00 "
                        "bn yuan) would exceed it")


def test_the_chain_balance_keeps_the_module_out() -> None:
    """Three products: r is made from q and q from p, a unit each; r sells at 0.5 bn a unit, at
    most 20; q and r modules cost 1 bn (p has none); q is imported at 0.2 bn, p at 0.01 bn, but
    all the p the province uses must be made there, by an existing plant of 10 units at s1 (free
    to run). So 10 units of q are made (one q module) and 10 imported; 2 r modules sell 20 units:
    2 + 1 + 2 - 10 = -5 bn. q made costs 1 bn for 10 units, 0.1 bn a unit."""
    q10 = priced_modules(1 * BN, 1 * BN)[1]
    inputs = make_inputs(
        PRODUCTS=("p", "q", "r"), MODULES=(q10, dataclasses.replace(R10, capex_yuan=1 * BN)), capacity_target_units={},
        CANDIDATES=tuple((s, p) for s in ("s1", "s2") for p in ("q", "r")),
        **land({"s1": 100, "s2": 100}, ("p", "q", "r")),
        existing_capacity_units_per_yr={("s1", "p"): 10.0}, input_units_per_unit={("r", "q"): 1.0, ("q", "p"): 1.0},
        chain_share_min={"p": 1.0}, import_price_yuan_per_unit={("q", Y1): 0.2 * BN, ("p", Y1): 0.01 * BN},
        price_yuan_per_unit={("r", Y1): 0.5 * BN}, sales_cap_units={("r", Y1): 20.0})
    head = MADE_TEN.replace("P:", "Q:")
    assert explained(inputs, -5 * BN) == expected(
        head, FULL, "the chain-balance rule binds in 2030: 100% of the P that Q production uses must be made in the "
                    "province, and its plants make all they can")


def ore(**overrides: Any) -> ModelInputs:
    """`import_case` where p needs 1 t of ore a unit, 10 t a year from source k1 at s1 (0 km, free;
    s2 has no source within the 50 km ore may travel, so may not build p), and ore is not imported."""
    return import_case(RESOURCES=("ore",), SOURCES=("k1",), resource_of_source={"k1": "ore"},
                       max_distance_km={"ore": 50.0},
                       supply_t_per_yr={("k1", Y1): 10.0}, ARCS=(("k1", "s1"),), arc_km={("k1", "s1"): 0.0},
                       resource_t_per_unit={("p", "ore"): 1.0}, **overrides)


def test_want_of_raw_material_keeps_the_module_out() -> None:
    """`ore`: one p module makes the 10 units the ore allows, 10 are imported: -5 bn."""
    assert explained(ore(), -5 * BN) == expected(
        MADE_TEN, FULL, "feedstock: s1 could get no ore in 2030: every source within its reach ships its whole supply "
                        "and no more can be imported")


def test_capacity_idle_for_want_of_feedstock_is_named() -> None:
    """`ore` with no p module but an existing p plant of 20 units at s1: it makes the 10 units the
    ore allows (for nothing), 10 stand idle, 10 are imported: 2 + 2 - 10 = -6 bn."""
    inputs = ore(MODULES=priced_modules(1 * BN, 1 * BN)[1:], existing_capacity_units_per_yr={("s1", "p"): 20.0})
    assert explained(inputs, -6 * BN) == expected(
        FREE_TEN, "10 t/yr of its usable capacity stands idle in 2030, for want of feedstock (stranded.csv)")


def test_the_lead_time_keeps_the_module_out() -> None:
    """2030 and 2031 (discount factors 1), q on sale both years; p modules take a year to
    produce. In 2030 the 20 units q needs are imported (4 bn); 2 p modules decided in 2030 make
    them in 2031. q modules stand 2 years (4 bn), p modules 1 (2 bn); sales 20 bn: -10 bn."""
    inputs = import_case(YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0}, lead_time_yr={"p": 1},
                         import_price_yuan_per_unit={("p", Y1): 0.2 * BN, ("p", Y2): 0.2 * BN},
                         price_yuan_per_unit={("q", Y1): 0.5 * BN, ("q", Y2): 0.5 * BN},
                         sales_cap_units={("q", Y1): 20.0, ("q", Y2): 20.0})
    assert explained(inputs, -10 * BN) == expected(
        "P: in 2030, 20 t/yr imported at 200,000,000 yuan/t, none made (a module would make it for 100,000,000 yuan/t "
        "at full use). Why no more is made:",
        "the lead time: modules of P decided from 2030 on first produce in 2031, 1 year later; 2030 comes before")


def test_a_whole_module_costing_more_than_the_imports_it_replaces_is_named() -> None:
    """q sells at most 15 units; p imported at 0.15 bn a unit. 2 q modules and 1 p module, 5 units
    of p imported (0.75 bn): 2 + 1 + 0.75 - 7.5 = -3.75 bn; a second p module (1 bn) would replace
    those 5 units only: -3.5."""
    inputs = import_case(sales_cap_units={("q", Y1): 15.0}, import_price_yuan_per_unit={("p", Y1): 0.15 * BN})
    assert explained(inputs, -3.75 * BN) == expected(
        "P: in 2030, 5 t/yr imported at 150,000,000 yuan/t and 10 t/yr made at 100,000,000 yuan/t (capacity, "
        "production and inputs). Why no more is made:",
        FULL, "whole modules: a whole module of 10 t/yr at s1, decided in 2030, would cost 1.00 bn yuan/yr against "
              "0.75 bn yuan/yr of the imports it would replace (5 t/yr)")


def opening_case() -> ModelInputs:
    """An existing q plant of 20 units at s1 (so s1 is open); s1 has 1 ha, s2 100 ha; opening a
    site costs 2 bn."""
    return import_case(existing_capacity_units_per_yr={("s1", "q"): 20.0}, site_fixed_cost_yuan=2 * BN,
                       **land({"s1": 1, "s2": 100}))


def test_the_cost_of_opening_a_site_keeps_the_module_out() -> None:
    """`opening_case`: one p module on s1's hectare, 10 units imported (2 bn), the plant's 20
    units of q sold: 1 + 2 - 10 = -7 bn. A p module at s2 would save 2 - 1 = 1 bn against the
    imports, and opening s2 costs 2 bn (-6)."""
    assert explained(opening_case(), -7 * BN) == expected(
        MADE_TEN, FULL, "land: one more 10 t/yr module needs 1 ha, and s1 has 0 ha of its usable land left",
        "opening a site: s2 is not open, and opening it would cost 2.00 bn yuan (discounted), more than one more "
        "10 t/yr module there, decided in 2030, would save against imports (1.00 bn yuan, discounted)")


def test_a_module_no_rule_keeps_out_names_the_gap() -> None:
    """The plan of `opening_case` (-7 bn) read against the same instance with no opening cost: a
    p module at s2 would save 1 bn, and nothing keeps it out; the plan is optimal only within its
    gap, here given as 1.5 bn."""
    plan: Plan = plan_of(opening_case(), -7 * BN)
    inputs = dataclasses.replace(opening_case(), site_fixed_cost_yuan=0.0)
    blocks = explanation_blocks(loaded_stub(), inputs, plan, gap_yuan=1.5 * BN)
    assert section(blocks) == expected(
        MADE_TEN, FULL, "land: one more 10 t/yr module needs 1 ha, and s1 has 0 ha of its usable land left",
        "no rule keeps it out: one more 10 t/yr module at s2, decided in 2030, would save 1.00 bn yuan (discounted) "
        "against imports; the plan is optimal only within the solve's gap of 1.50 bn yuan")


def test_a_near_optimal_alternative_says_so_where_no_rule_keeps_a_module_out() -> None:
    """The same plan and instance, read as a near-optimal alternative: it may cost more than the
    optimum, which is why a module saving 1 bn may be missing (no gap is named)."""
    plan = plan_of(opening_case(), -7 * BN)
    inputs = dataclasses.replace(opening_case(), site_fixed_cost_yuan=0.0)
    blocks = explanation_blocks(loaded_stub(), inputs, plan, near_optimal=True)
    assert section(blocks).endswith(
        "- no rule keeps it out: one more 10 t/yr module at s2, decided in 2030, would save 1.00 bn yuan (discounted) "
        "against imports; this plan is a near-optimal alternative, which may cost more than the optimum\n")


def ramp_case(**overrides: Any) -> ModelInputs:
    """2030 and 2031 (discount factors 1); q sells at most 15 units a year; p imported at 0.15 bn
    a unit; a p module makes half its capacity in its first year. q: 2 modules decided in 2030
    (4 bn over the two years), 15 units sold a year (15 bn). p, 15 units a year: one module
    decided in 2030 makes 5 and 10 units (2 bn), 10 and 5 imported (2.25 bn): 4.25 bn; two
    modules, 4 bn and 5 imported in 2030 (0.75): 4.75; one more decided in 2031 instead, 1 bn
    and 10 imported in 2030 (1.5): 4.5; none in 2030 and two in 2031, 2 bn and 20 imported (3):
    5. So 4 + 4.25 - 15 = -6.75 bn."""
    return import_case(YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0}, ramp_up_share={"p": 0.5},
                       import_price_yuan_per_unit={("p", Y1): 0.15 * BN, ("p", Y2): 0.15 * BN},
                       price_yuan_per_unit={("q", Y1): 0.5 * BN, ("q", Y2): 0.5 * BN},
                       sales_cap_units={("q", Y1): 15.0, ("q", Y2): 15.0}, **overrides)


RAMP_HEAD = ("P: in 2030, 10 t/yr imported at 150,000,000 yuan/t and 5 t/yr made at 200,000,000 yuan/t; in 2031, "
             "5 t/yr imported at 150,000,000 yuan/t and 10 t/yr made at 100,000,000 yuan/t (capacity, production and "
             "inputs). Why no more is made:")
RAMP_FULL = "its plants make all their usable capacity allows in 2030 and 2031 (5 t/yr and 10 t/yr made)"


def test_a_whole_module_in_its_ramp_up_year_is_named() -> None:
    """`ramp_case`: one more p module decided in 2031 would make 5 units there, replacing 5 units
    of imports (0.75 bn) for 1 bn; decided in 2030, 1 bn a year against 0.75 in each year (-0.5)."""
    assert explained(ramp_case(), -6.75 * BN) == expected(
        RAMP_HEAD, RAMP_FULL,
        "whole modules: a whole module of 10 t/yr at s1, decided in 2031, would cost 1.00 bn yuan/yr against 0.75 bn "
        "yuan/yr of the imports it would replace (5 t/yr); 2031 is its first year, at the 50% ramp-up share")


def test_a_whole_module_over_several_years_is_named_year_by_year() -> None:
    """`ramp_case` with no capex allowed in 2031 (the plan decides all in 2030: the same plan):
    one more p module decided in 2030 would make 5 and 10 units, replacing 5 units of imports a
    year (0.75 bn) for 1 bn a year: 0.5 bn more in all."""
    assert explained(ramp_case(budget_yuan_per_yr={Y2: 0.0}), -6.75 * BN) == expected(
        RAMP_HEAD, RAMP_FULL,
        "whole modules: a whole module of 10 t/yr at s1, decided in 2030, would cost 1.00 bn yuan/yr in 2030 and "
        "1.00 bn yuan/yr in 2031 against 0.75 and 0.75 bn yuan/yr of the imports it would replace (5 t/yr and 5 t/yr), "
        "0.50 bn yuan more in all, discounted; 2030 is its first year, at the 50% ramp-up share")
