"""What explains a solved plan, from the plan and the model inputs alone (no re-solve).

A mixed-integer program has no duals, so the binding rules are found by slack checks on the
plan's own figures: a target met exactly, a target group at its capacity ceiling, a
chain-balance row met exactly, a product hosted in as many clusters as it may, a cluster at its
least lead share or value share, two clusters differing in no more products than they must, a
product sold up to its sales cap, a site at its least utilisation, a budget year spent to its
cap, a site at its build rate, a site whose land is used up, a newly opened site at the least
investment, a cluster at its open-site limit, a source shipping its whole supply, a raw material
imported up to its cap, the recycling demonstrations at their least or most number and a
demonstration at its least or most size (which sites are demonstrations: `Plan.demo_sites`, which
the rule gives from the builds, siting/optimize/results.py `demonstrations`).
For each target the plan overshoots, `overshoot_reasons` names what forces the extra (for a capacity target: the
output-value target, the chain-balance rule, a later target, the existing capacity, whole module
sizes, sales earning more than what is sold costs to make, `unit_costs`, or the steady state after the
horizon, in which capacity built by the target's year earns too; for an output-value
target: the capacity added ahead of later targets and the
existing and committed plants, each with the output value its production makes, a binding
chain-balance rule, and sales revenue against the year's costs, `year_costs`). For each
product without a capacity target to which the plan adds capacity, `untargeted_builds` says why
(its use in each year: used in full, or capacity idle with stranded.csv's reason; sales earning
more than what is sold costs to make, a binding chain-balance rule or output-value target, making
it for less than its import price, whole module sizes). For each product the plan imports in a
year although the province makes it, or a site could make it, for less than its import price,
`replaceable_imports` says why no more is made: the lead time, the chain-balance rule's first
year when it does not hold in an import year (and whether it binds in the years it holds), the
plants' capacity idle (with its reason), or what keeps one more module out, the rest of the plan
as it is (a rule it would break, with its figure: the capacity ceiling,
the hosting limit, the portfolio difference, a lead or cluster value share, the open-site limit,
the least investment, the land, the budget, the build rate, a binding chain-balance row of an
input or want of raw material or inputs; else what a whole module would cost against the imports
it would replace, what opening its site costs, or the solve's gap). For the
products the proximity rule excludes at a site, `proximity_reasons` says why: no source within
reach, or only prospective sources, which the scenario leaves out.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models import ModelInputs, ModuleSpec
from models.costs import capex_annuity_yuan_per_yr, land_annuity_yuan_per_yr
from models.families.agglomeration import pre_opened_sites
from models.families.build_rate import site_year_limit
from models.families.chain_balance import chain_applies
from models.families.output_value import value_per_unit
from models.families.proximity import allowed_arcs, too_far
from models.index import build_years, group_ceilings
from siting.config.units import (
    bn_number,
    bn_yuan,
    bound_bn,
    cost_label,
    cut_list,
    joined,
    per_year,
    product_label,
    steady_span,
    yuan_per_unit,
)
from siting.deliver.styles import resource_label
from siting.optimize.results import Plan
from siting.prepare.inputs import km_figure
from siting.prepare.positions import km_text

#: Relative tolerance for "met exactly" and "used up".
TIGHT = 1e-6


def _tight(value: float, limit: float) -> bool:
    return value >= limit - TIGHT * max(1.0, abs(limit))


def _qty(value: float, unit: str) -> str:
    return f"{value:,.0f} {per_year(unit)}" if abs(value) >= 100 or float(value).is_integer() \
        else f"{value:,.4g} {per_year(unit)}"


def operating_plan(plan: Plan) -> Plan:
    """`plan` with the steady-state year's rows (`Plan.steady_state`) added to its capacity,
    trade, stranded, raw-import, flow and product-flow tables, so that they hold every operating
    year (`ModelInputs.OPERATING_YEARS`); `plan` itself without a steady-state year."""
    steady = plan.steady_state
    if steady is None:
        return plan

    def both(own: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
        if later.empty:
            return own
        return later.reset_index(drop=True) if own.empty else pd.concat([own, later], ignore_index=True)

    return dataclasses.replace(plan, capacity=both(plan.capacity, steady.capacity),
                               trade=both(plan.trade, steady.trade), stranded=both(plan.stranded, steady.stranded),
                               raw_imports=both(plan.raw_imports, steady.raw_imports),
                               flows=both(plan.flows, steady.flows),
                               product_flows=both(plan.product_flows, steady.product_flows))


def year_words(inputs: ModelInputs, year: int) -> str:
    """A year as the texts name it: "2024", and the steady-state year (`ModelInputs.STEADY_YEAR`)
    "the steady state after 2024" (T, the last plan year)."""
    return f"the steady state after {inputs.YEARS[-1]}" if year == inputs.STEADY_YEAR else str(year)


@dataclass(frozen=True)
class Overshoot:
    """A target the plan exceeds, by how much, and why."""

    target: str
    year: int
    unit: str
    goal: float
    planned: float
    reasons: tuple[str, ...]

    @property
    def excess(self) -> float:
        """Planned minus goal."""
        return self.planned - self.goal


def _group_unit(products: Sequence[str], units: Mapping[str, str]) -> str:
    return "/".join(sorted({units[p] for p in products if p in units}))


def _capacity_in(plan: Plan, products: Sequence[str], year: int, column: str) -> float:
    """The sum of capacity.csv's `column` over `products` in `year` (numpy's sum of the rows'
    values in order, as pandas sums a selection). Selected on the columns' numpy arrays: it is
    called for each product and year a reason names, where pandas' `isin` would cost twice the rest."""
    cap = plan.capacity
    product = cap["product"].to_numpy()
    chosen = product == products[0] if len(products) == 1 else np.isin(product, list(products))
    chosen = np.asarray(chosen, dtype=bool) & (cap["year"].to_numpy() == year)
    return float(cap[column].to_numpy(dtype=float)[chosen].sum())


def overshoot_reasons(inputs: ModelInputs, plan: Plan, units: Mapping[str, str]) -> list[Overshoot]:
    """Every target the plan exceeds (capacity and output value), each with the rules or costs
    that force the excess, most specific first."""
    found = []
    values = {int(r.year): float(r.output_value_yuan) for r in plan.output_value.itertuples(index=False)}
    for row in plan.targets.itertuples(index=False):
        goal, planned = float(row.target_value), float(row.achieved)
        if planned <= goal + TIGHT * max(1.0, abs(goal)):
            continue
        if row.kind == "capacity":
            products = tuple(inputs.TARGET_GROUPS.get(row.target, (row.target,)))
            unit = _group_unit(products, units)
            reasons = _capacity_reasons(inputs, plan, units, str(row.target), products, int(row.year), goal,
                                        planned, values)
        else:
            unit = "bn yuan"
            reasons = _value_reasons(inputs, plan, units, int(row.year), goal, planned)
        found.append(Overshoot(str(row.target), int(row.year), unit, goal, planned, tuple(reasons)))
    return found


def _capacity_reasons(inputs: ModelInputs, plan: Plan, units: Mapping[str, str], group: str,
                      products: Sequence[str], year: int, goal: float, planned: float,
                      values: Mapping[int, float]) -> list[str]:
    unit = _group_unit(products, units)
    reasons = []
    existing = _capacity_in(plan, products, year, "existing")
    committed = _capacity_in(plan, products, year, "committed")
    reasons += _given_capacity_reasons(existing, committed, goal, year, unit)
    value_goal = inputs.output_value_target_yuan.get(year)
    if value_goal is not None and value_goal > 0 and values.get(year, 0.0) <= value_goal * (1 + 1e-3) \
            and _makes_more_than_goal(inputs, plan, products, year, goal):
        reasons.append(f"the output-value target binds: {bn_yuan(value_goal)} in {year} (planned "
                       f"{bn_yuan(values.get(year, 0.0))}) needs more production, hence more capacity, than the "
                       f"capacity target asks for: {_qty(_capacity_in(plan, products, year, 'production'), unit)} "
                       f"are produced")
    for chain in binding_chains(inputs, plan, products, year):
        used = units[chain.product]
        reasons.append(f"the chain-balance rule binds: {chain.share:.0%} of the {_qty(chain.consumed, used)} of "
                       f"{product_label(chain.product)} that {', '.join(chain.users)} production uses, "
                       f"{_qty(chain.share * chain.consumed, used)}, must be made in the province")
    later = [(t, g) for (name, t), g in inputs.capacity_target_units.items() if name == group and t > year and g > goal]
    if later and planned <= max(g for _t, g in later) * (1 + TIGHT):
        t2, g2 = min(later)
        budget = " (the budget caps what can be spent later)" if "budget" in inputs.enabled_families \
            and inputs.budget_yuan_per_yr else ""
        reasons.append(f"a later target: capacity for the {t2} goal of "
                       f"{_qty(g2, unit)} is built by {year}{budget}")
    reasons += _ceiling_reason(inputs, group, year, planned, unit)
    sizes = sorted({spec.capacity_units_per_yr for spec in inputs.MODULES if spec.product in products})
    if sizes and planned - goal < min(sizes) and existing + committed <= goal:
        reasons.append(f"whole modules: modules come in {', '.join(_qty(s, unit) for s in sizes)}, so the "
                       f"capacity cannot land exactly on the goal; the cheapest whole-module mix that reaches "
                       f"{_qty(goal, unit)} gives {_qty(planned, unit)}")
    reasons += _sales_pay_reason(inputs, plan, products, year, unit)
    reasons += _steady_state_reason(plan, products, year, unit)
    if not reasons:
        reasons.append("no rule forces it: building more costs less here (a larger module is cheaper per unit, "
                       "or capacity built for one product serves the others' needs)")
    return reasons


def _sales_pay_reason(inputs: ModelInputs, plan: Plan, products: Sequence[str], year: int, unit: str) -> list[str]:
    """"sales pay for it" when the products' sales outside the province in `year` earn more than
    the cost of making what is sold: each product's units sold at its cost per unit that year
    (`unit_costs`: capacity, running costs and inputs), the revenue and that cost given in all
    and per unit sold; nothing when nothing is sold or the revenue does not cover that cost
    (output sold at no price, or below its cost, goes out because something else forces its
    making, and the other reasons say what)."""
    trade = plan.trade
    sold = trade[(trade["year"] == year) & trade["product"].isin(products) & (trade["sales"] > 0)] \
        if len(trade) else trade
    if not len(sold):
        return []
    revenue = float(sold["revenue_yuan"].sum())
    per_unit = unit_costs(inputs, plan, year)
    cost = sum(float(r.sales) * per_unit.get(r.product, 0.0) for r in sold.itertuples(index=False))
    if revenue <= cost * (1 + TIGHT):
        return []
    sold_units = float(sold["sales"].sum())
    return [f"sales pay for it: {_qty(sold_units, unit)} are sold outside the province in {year} for "
            f"{bn_yuan(revenue)} ({yuan_per_unit(revenue / sold_units, unit)}), more than the {bn_yuan(cost)} they "
            f"cost to make ({yuan_per_unit(cost / sold_units, unit)}: capacity, production and inputs)"]


def _steady_state_reason(plan: Plan, products: Sequence[str], year: int, unit: str) -> list[str]:
    """"the steady state after the horizon" when the plan has a steady-state year (`Plan.steady_state`:
    objective.years_after_horizon N > 0) in which the products are made: capacity built by `year`
    stands on after the last plan year T and earns in the steady state too, which the objective
    counts for the N years after T (`steady_span`), discounted; with what is made there and what of
    it is sold outside the province, and for how much a year (the steady state's capacity and trade
    rows: one year of it, not discounted). Nothing without a steady state, or where it makes none
    of the products."""
    steady = plan.steady_state
    if steady is None or steady.years_after_horizon <= 0 or steady.capacity.empty:
        return []
    capacity = steady.capacity
    made = float(capacity.loc[capacity["product"].isin(products), "production"].sum())
    if made <= TIGHT:
        return []
    trade = steady.trade
    sold = trade[trade["product"].isin(products) & (trade["sales"] > 0)] if len(trade) else trade
    units_sold = float(sold["sales"].sum()) if len(sold) else 0.0
    revenue = float(sold["revenue_yuan"].sum()) if len(sold) else 0.0
    last, after = steady.year - 1, steady.years_after_horizon
    use = (f"{_qty(units_sold, unit)} of them sold outside the province for {bn_yuan(revenue)} a year"
           if units_sold > 0 else "none of it sold outside the province")
    return [f"the steady state after the horizon: capacity built by {year} also earns in the steady state after "
            f"{last} ({steady_span(last, after)}, counting for {after} year{'s' if after > 1 else ''}, discounted: "
            f"objective.years_after_horizon), where {_qty(made, unit)} are made, {use}"]


@dataclass(frozen=True)
class UntargetedBuild:
    """A product without a capacity target to which the plan adds capacity: `added` units/yr
    (`unit`) decided in `decided_in`, and why (`untargeted_builds`)."""

    product: str
    unit: str
    added: float
    decided_in: tuple[int, ...]
    reasons: tuple[str, ...]


def targeted_products(inputs: ModelInputs) -> frozenset[str]:
    """The products a capacity target counts (a target group's members, or the product a target
    names)."""
    return frozenset(p for group, _t in inputs.capacity_target_units for p in inputs.TARGET_GROUPS.get(group, (group,)))


def untargeted_builds(inputs: ModelInputs, plan: Plan, units: Mapping[str, str]) -> list[UntargetedBuild]:
    """Every product without a capacity target to which the plan adds capacity, in catalog order,
    with why, for each year the added capacity is online (`_untargeted_reasons`)."""
    if plan.builds.empty:
        return []
    targeted = targeted_products(inputs)
    found = []
    for product in inputs.PRODUCTS:
        rows = plan.builds.loc[plan.builds["product"] == product]
        added = float(rows["capacity_added"].sum())
        if product in targeted or added <= 0:
            continue
        decided = tuple(sorted({int(t) for t in rows["year"]}))
        first = decided[0] + inputs.lead_time_yr.get(product, 0)
        years = [t for t in inputs.YEARS if t >= first]
        found.append(UntargetedBuild(product, units[product], added, decided,
                                     tuple(_untargeted_reasons(inputs, plan, units, product, years))))
    return found


def _untargeted_reasons(inputs: ModelInputs, plan: Plan, units: Mapping[str, str], product: str,
                        years: Sequence[int]) -> list[str]:
    """Why the plan adds capacity of `product` (no capacity target), in the `years` the added
    capacity is online: its use in each of them (the years it is used in full, and the capacity
    idle in the others with stranded.csv's reason, `_idle_why`); sales earning more than the cost
    of what is sold (`_sales_pay_reason`); a chain-balance row that binds (`binding_chains`); the
    output-value target binding, with the output value the product makes; making it costing
    less than importing it (`output_costs` against the import price), for what the province uses
    of it; whole modules, when the least idle capacity of those years is under a module."""
    unit = units[product]
    label = product_label(product)
    reasons = []
    idle = {t: _idle_usable(inputs, plan, product, t) for t in years}
    full = [t for t in years if idle[t] <= 0]
    use = []
    if full:
        made = joined(_qty(_capacity_in(plan, (product,), t, "production"), unit) for t in full)
        ramp = inputs.ramp_up_share.get(product, 1.0)
        first = f"; {years[0]} is the first year of the added modules, at the {ramp:.0%} ramp-up share" \
            if full[0] == years[0] and ramp < 1 else ""
        use.append(f"its capacity is used in full in {_years_text(full)} ({made} made): all its usable "
                   f"capacity allows{first}")
    for t in years:
        if idle[t] > 0:
            why = _idle_why(plan, product, t)
            use.append(f"{_qty(idle[t], unit)} of its usable capacity stands idle in {t} "
                       f"({_qty(_capacity_in(plan, (product,), t, 'production'), unit)} made)"
                       + (f", {why} (stranded.csv)" if why else ""))
    if use:
        reasons.append("; ".join(use))
    for t in years:
        reasons += _sales_pay_reason(inputs, plan, (product,), t, unit)
    for t in years:
        for chain in binding_chains(inputs, plan, (product,), t):
            reasons.append(f"the chain-balance rule binds in {t}: {chain.share:.0%} of the "
                           f"{_qty(chain.consumed, unit)} of {label} that {', '.join(chain.users)} production uses, "
                           f"{_qty(chain.share * chain.consumed, unit)}, must be made in the province")
    values = {int(r.year): float(r.output_value_yuan) for r in plan.output_value.itertuples(index=False)}
    for t in years:
        goal = inputs.output_value_target_yuan.get(t)
        made = _capacity_in(plan, (product,), t, "production")
        if goal is not None and goal > 0 and values.get(t, 0.0) <= goal * (1 + 1e-3) and made > 0:
            reasons.append(f"the output-value target binds: {bn_yuan(goal)} in {t} (planned "
                           f"{bn_yuan(values.get(t, 0.0))}) needs its production: {_qty(made, unit)} are made, "
                           f"{bn_yuan(value_per_unit(inputs, product, t) * made)}/yr of output value")
    for t in years:
        reasons += _cheaper_than_imports(inputs, plan, product, t, unit)
    sizes = sorted({spec.capacity_units_per_yr for spec in inputs.MODULES if spec.product == product})
    least = min(idle.values(), default=0.0)
    if sizes and 0 < least < min(sizes) * inputs.utilisation.get(product, 1.0):
        t = min(years, key=lambda y: idle[y])
        reasons.append(f"whole modules: modules come in {', '.join(_qty(s, unit) for s in sizes)}, so the capacity "
                       f"cannot land exactly on what is made; in {t}, its fullest year, "
                       f"{_qty(least, unit)} of usable capacity stand idle, less than one module")
    if not reasons:
        reasons.append("no rule forces it: building it costs less here than the alternatives in the model")
    return reasons


def _idle_usable(inputs: ModelInputs, plan: Plan, product: str, year: int) -> float:
    """The usable capacity of `product` in `year` (available x utilisation) its production leaves
    idle, 0 within the tolerance."""
    usable = _capacity_in(plan, (product,), year, "available") * inputs.utilisation.get(product, 1.0)
    idle = usable - _capacity_in(plan, (product,), year, "production")
    return idle if idle > TIGHT * max(1.0, usable) else 0.0


def _cheaper_than_imports(inputs: ModelInputs, plan: Plan, product: str, year: int, unit: str) -> list[str]:
    """"making it costs less than importing it" when the province's production of `product` in
    `year` goes into other products and a unit made costs less (`output_costs` over the units
    made) than the import price that year, with the downstream products using it; nothing when it
    is not importable or not used."""
    price = inputs.import_price_yuan_per_unit.get((product, year))
    made = _capacity_in(plan, (product,), year, "production")
    uses = {d: a * _capacity_in(plan, (d,), year, "production") for (d, u), a in inputs.input_units_per_unit.items()
            if u == product and a > 0}
    used = sum(uses.values())
    if price is None or made <= 0 or used <= 0:
        return []
    per_unit = output_costs(inputs, plan, year).get(product, 0.0) / made
    if per_unit >= price * (1 - TIGHT):
        return []
    return [f"making it costs less than importing it in {year}: the {_qty(made, unit)} made cost "
            f"{yuan_per_unit(per_unit, unit)} (capacity, production and inputs), imports {yuan_per_unit(price, unit)}; "
            f"{_qty(used, unit)} go into {joined(product_label(d) for d in inputs.PRODUCTS if uses.get(d, 0) > 0)} "
            "production"]


def output_costs(inputs: ModelInputs, plan: Plan, year: int) -> dict[str, float]:
    """Product -> the cost of its production in `year` (yuan, not discounted), as `year_costs`
    counts the year's costs but by product: the annuities (capex, land) and fixed opex of its
    modules standing that year; the variable cost of its production; the raw material its
    production uses at each site (bought at sources, imported, and carried), that site's cost
    of the resource shared by use (rho[p,r] x production); the transport of the product between
    sites, hubs and the gateway; and the input products it uses (a[p,u] x production), each at its
    cost per unit (`unit_costs`). Site opening, a cost of the site, not of one product, is left
    out, as are the existing and committed plants' capacity (the model charges none)."""
    costs, _per_unit = _product_costs(inputs, plan, year)
    return costs


def unit_costs(inputs: ModelInputs, plan: Plan, year: int) -> dict[str, float]:
    """Product -> what a unit of it costs the province in `year` (yuan): its imports (at their
    price) and its production (at `output_costs`) over the units imported and made; 0 where there
    are neither."""
    _costs, per_unit = _product_costs(inputs, plan, year)
    return per_unit


#: The figures computed while `figures_computed_once` is in force, by what they are of (the
#: function's name, the ids of the inputs and the plan, the year), each with the inputs and the
#: plan it was computed from (held, so that no other object takes their ids meanwhile); None
#: outside it, where each call computes its figures.
_ONCE: ContextVar[dict[tuple[str, int, int, int | None], tuple[ModelInputs, Plan, Any]] | None] = \
    ContextVar("_ONCE", default=None)


@contextmanager
def figures_computed_once() -> Iterator[None]:
    """Within it, the explanation's figures of a plan (`_product_costs` by year, `year_costs`)
    are computed once for each inputs, plan and year and then reused: the plan and its inputs
    must not change meanwhile (siting/deliver/report.py `explanation_blocks`, which only reads
    them). What was computed is dropped when it ends."""
    token = _ONCE.set({})
    try:
        yield
    finally:
        _ONCE.reset(token)


def _once(name: str, inputs: ModelInputs, plan: Plan, year: int | None, compute: Any) -> Any:
    """`compute()`, or what it gave for the same `name`, `inputs`, `plan` and `year` within
    `figures_computed_once`."""
    memo = _ONCE.get()
    if memo is None:
        return compute()
    key = (name, id(inputs), id(plan), year)
    found = memo.get(key)
    if found is None or found[0] is not inputs or found[1] is not plan:
        found = memo[key] = (inputs, plan, compute())
    return found[2]


def _in_year(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of a plan table in `year` (the table itself when empty: it may lack the columns)."""
    return table if table.empty else table.loc[table["year"] == year]


def year_rows(table: pd.DataFrame, year: int | None, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows of a plan table in `year` (every row where None), in the table's order, each as a
    tuple of its values in `columns`, as Python scalars (what `itertuples` gives, without a named
    tuple per row or a filtered copy of the table); none where the table is empty (it may lack
    the columns). Raises KeyError where a non-empty table lacks one of `columns` or "year"."""
    if table.empty:
        return []
    values = [table[c].tolist() for c in columns]
    if year is None:
        return list(zip(*values, strict=True))
    chosen = np.flatnonzero(table["year"].to_numpy() == year).tolist()
    return [tuple(column[i] for column in values) for i in chosen]


def _product_costs(inputs: ModelInputs, plan: Plan, year: int) -> tuple[dict[str, float], dict[str, float]]:
    """`output_costs` and `unit_costs` of `year`. The input products are valued downstream from
    the raw materials (the product chain has no cycle; one would value the input that closes it at
    nothing)."""
    return _once("product_costs", inputs, plan, year, lambda: _computed_product_costs(inputs, plan, year))


def _computed_product_costs(inputs: ModelInputs, plan: Plan, year: int) -> tuple[dict[str, float], dict[str, float]]:
    """`_product_costs` computed."""
    own: dict[str, float] = defaultdict(float)
    for b_year, b_product, b_module, b_site, b_modules in year_rows(plan.builds, None,
                                                                     ("year", "product", "module", "site", "modules")):
        if year >= int(b_year) + inputs.lead_time_yr.get(b_product, 0):
            spec = inputs.module(b_module)
            own[b_product] += b_modules * (capex_annuity_yuan_per_yr(inputs, spec)
                                           + land_annuity_yuan_per_yr(inputs, b_site, spec)
                                           + spec.fixed_opex_yuan_per_yr)
    made: dict[str, float] = defaultdict(float)
    use: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for product, site, production in year_rows(plan.capacity, year, ("product", "site", "production")):
        produced = float(production)
        made[product] += produced
        energy = inputs.energy_kwh_per_unit.get(product, 0.0) * inputs.power_tariff_yuan_per_kwh.get(site, 0.0)
        own[product] += (energy + inputs.other_variable_cost_yuan_per_unit.get(product, 0.0)) * produced
        for resource in inputs.RESOURCES:
            rho = inputs.resource_t_per_unit.get((product, resource), 0.0)
            if rho > 0 and produced > 0:
                use[(site, resource)][product] += rho * produced
    rate = inputs.transport_yuan_per_t_km
    raw: dict[tuple[str, str], float] = defaultdict(float)
    for site, resource, km, tonnes in year_rows(plan.flows, year, ("site", "resource", "km", "tonnes")):
        raw[(site, resource)] += (inputs.resource_price_yuan_per_t.get(resource, 0.0) + rate * km) * tonnes
    for site, resource, import_cost, tonnes in year_rows(plan.raw_imports, year,
                                                         ("site", "resource", "import_cost_yuan", "tonnes")):
        km = inputs.site_hub_km.get(site, 0.0) + inputs.hub_gateway_km.get(inputs.cluster_of_site[site], 0.0)
        raw[(site, resource)] += float(import_cost) + rate * km * tonnes
    for key, cost in raw.items():
        total = sum(use[key].values())
        for product, used in use[key].items():
            own[product] += cost * used / total
    for product, km, units in year_rows(plan.product_flows, year, ("product", "km", "units")):
        own[product] += rate * inputs.transport_t_per_unit.get(product, 0.0) * km * units
    bought: dict[str, tuple[float, float]] = {}
    for product, rows in _in_year(plan.trade, year).groupby("product", sort=False):
        bought[str(product)] = (float(rows["imports"].sum()), float(rows["import_cost_yuan"].sum()))
    costs: dict[str, float] = {}
    per_unit: dict[str, float] = {}

    def value(product: str, open_: frozenset[str]) -> float:
        if product not in per_unit:
            inputs_cost = sum(a * made[product] * value(u, open_ | {product})
                              for (d, u), a in inputs.input_units_per_unit.items()
                              if d == product and a > 0 and made[product] > 0 and u not in open_ | {product})
            costs[product] = own[product] + inputs_cost
            units, paid = bought.get(product, (0.0, 0.0))
            per_unit[product] = (costs[product] + paid) / (made[product] + units) if made[product] + units > 0 \
                else 0.0
        return per_unit[product]

    for product in inputs.PRODUCTS:
        value(product, frozenset())
    return costs, per_unit


def _given_capacity_reasons(existing: float, committed: float, goal: float, year: int, unit: str) -> list[str]:
    """The capacity there before the plan chooses anything, when it alone exceeds the goal: the
    existing plants, or they with the committed projects online by `year`."""
    if existing > goal:
        return [f"existing capacity: the plants already there hold {_qty(existing, unit)}, more than the goal "
                f"before anything is built"]
    if committed > 0 and existing + committed > goal:
        return [f"existing and committed capacity: the plants already there ({_qty(existing, unit)}) and the "
                f"committed projects online by {year} ({_qty(committed, unit)}) hold "
                f"{_qty(existing + committed, unit)}, more than the goal before anything is chosen"]
    return []


def _ceiling_reason(inputs: ModelInputs, group: str, year: int, planned: float, unit: str) -> list[str]:
    """The capacity ceiling, when the group's online capacity in `year` (`planned`: existing,
    committed and added, as the target counts it) is at it. The ceiling row caps that capacity in
    the last year (`group_ceilings`; capacity is never retired, so a year before it at the
    ceiling means the row has no slack)."""
    ceiling = group_ceilings(inputs).get(group)
    if ceiling is None or not _tight(planned, ceiling):
        return []
    last = inputs.YEARS[-1]
    already = f", and {year} has that much already" if year != last else ""
    return [f"the capacity ceiling is reached: at most {_qty(ceiling, unit)} may be online in {last}, the existing and "
            f"committed plants included{already}; the other reasons say what forces the excess up to it"]


@dataclass(frozen=True)
class BindingChain:
    """A product whose chain-balance row binds in a year: at least `share` of what the downstream
    products (`users`, in words) consume of it, `consumed` units/yr, is made in the province."""

    product: str
    share: float
    consumed: float
    users: tuple[str, ...]


def binding_chains(inputs: ModelInputs, plan: Plan, products: Sequence[str], year: int) -> list[BindingChain]:
    """The `products` whose chain-balance row binds in `year`: the province makes no more of it
    than the least share of its use by the planned downstream production."""
    if "chain_balance" not in inputs.enabled_families:
        return []
    found = []
    for product in products:
        share = inputs.chain_share_min.get(product, 0.0)
        if share <= 0 or not chain_applies(inputs, product, year):
            continue
        consumed = 0.0
        users = []
        for (downstream, upstream), a in inputs.input_units_per_unit.items():
            if upstream != product:
                continue
            made = _capacity_in(plan, (downstream,), year, "production")
            if made > 0:
                consumed += a * made
                users.append(product_label(downstream))
        local = _capacity_in(plan, (product,), year, "production")
        if consumed > 0 and _tight(share * consumed * (1 + TIGHT), local):
            found.append(BindingChain(product, share, consumed, tuple(users)))
    return found


@dataclass(frozen=True)
class ValueSplit:
    """The output value of a year's planned production (yuan/yr), split by the capacity that
    makes it: `added`, the modules the plan decides (`decided_in`: the years they were decided);
    `given`, the existing plants and the committed projects online. `shared` says whether some
    site ran below its usable capacity with both kinds available, so that its production was
    shared between them in proportion to their available capacity (otherwise the split is exact:
    every unit of capacity makes all its utilisation allows)."""

    added: float
    given: float
    decided_in: tuple[int, ...]
    shared: bool


def _given_available(inputs: ModelInputs, row: Any) -> float:
    """Available capacity (units/yr) of the existing plants and committed projects at a row of
    `plan.capacity`: existing + committed online, the committed projects in their first year at
    the product's ramp-up share, in full in the steady-state year (`ModelInputs.ramp_share`, as
    `models.variables` counts them)."""
    ramp = min(inputs.ramp_share(row.product, int(row.year)), 1.0)
    first = inputs.committed_units_per_yr.get((row.site, row.product, int(row.year)), 0.0)
    return float(row.existing) + float(row.committed) - (1.0 - ramp) * first


def value_split(inputs: ModelInputs, plan: Plan, year: int) -> ValueSplit:
    """The output value of `year`'s production, sum_p v[p,t] Y[p,t] (v: `value_per_unit`),
    split between the capacity the plan adds and the existing and committed capacity: at each
    site and product, the production is shared in proportion to the available capacity of each
    kind (exact where the site runs at full use: each kind then makes util x its available)."""
    added = given = 0.0
    shared = False
    cap = plan.capacity
    for row in cap.loc[cap["year"] == year].itertuples(index=False):
        produced, available = float(row.production), float(row.available)
        if produced <= 0 or available <= 0:
            continue
        value = value_per_unit(inputs, row.product, year) * produced
        own = min(max(_given_available(inputs, row), 0.0), available)
        given += value * own / available
        added += value * (available - own) / available
        full = produced >= inputs.utilisation.get(row.product, 1.0) * available * (1 - TIGHT)
        shared = shared or (not full and 0 < own < available * (1 - TIGHT))
    decided = sorted({int(b.year) for b in plan.builds.itertuples(index=False)
                      if int(b.year) + inputs.lead_time_yr.get(b.product, 0) <= year})
    return ValueSplit(added, given, tuple(decided), shared)


#: The parts of a year's costs (`year_costs`), named as the cost components of `plan.costs`.
YEAR_COST_PARTS = ("capex", "land", "fixed_opex", "site_fixed", "variable", "resources", "imports", "transport")


def year_costs(inputs: ModelInputs, plan: Plan) -> dict[int, dict[str, float]]:
    """Each year's costs in that year's yuan (not discounted), by the cost components of
    `plan.costs` (YEAR_COST_PARTS; the shortfall penalty, no payment, is left out), from the
    plan's tables and the model inputs: the annuities (capex, land) and fixed opex of every module
    standing that year (from its first production year on); site opening in the year of a site's
    first module (sites with existing or committed capacity are open already); variable cost of
    the production; raw material at the sources; imports of products and raw material; transport
    of raw material, raw imports and products. The years are the operating years
    (`ModelInputs.OPERATING_YEARS`): the steady-state year, from `plan.steady_state`, has every
    module decided in the plan standing and no site opening. Weighted with
    `ModelInputs.year_weight` (site opening with the discount factor of its year) and summed over
    those years, each part gives its component of `plan.costs`."""
    return _once("year_costs", inputs, plan, None, lambda: _computed_year_costs(inputs, plan))


def _computed_year_costs(inputs: ModelInputs, plan: Plan) -> dict[int, dict[str, float]]:
    """`year_costs` computed."""
    years = list(inputs.OPERATING_YEARS)
    plan = operating_plan(plan)
    out = {t: dict.fromkeys(YEAR_COST_PARTS, 0.0) for t in years}
    first_build: dict[str, int] = {}
    for b in plan.builds.itertuples(index=False):
        spec = inputs.module(b.module)
        first_build[b.site] = min(first_build.get(b.site, int(b.year)), int(b.year))
        for t in years:
            if t >= int(b.year) + inputs.lead_time_yr.get(b.product, 0):
                out[t]["capex"] += b.modules * capex_annuity_yuan_per_yr(inputs, spec)
                out[t]["land"] += b.modules * land_annuity_yuan_per_yr(inputs, b.site, spec)
                out[t]["fixed_opex"] += b.modules * spec.fixed_opex_yuan_per_yr
    if "agglomeration" in inputs.enabled_families:
        pre = set(pre_opened_sites(inputs))
        for site, t in first_build.items():
            if site not in pre:
                out[t]["site_fixed"] += inputs.site_fixed_cost_yuan
    for row in plan.capacity.itertuples(index=False):
        energy = inputs.energy_kwh_per_unit.get(row.product, 0.0) * inputs.power_tariff_yuan_per_kwh.get(row.site, 0.0)
        unit_cost = energy + inputs.other_variable_cost_yuan_per_unit.get(row.product, 0.0)
        out[int(row.year)]["variable"] += unit_cost * float(row.production)
    rate = inputs.transport_yuan_per_t_km
    for row in plan.flows.itertuples(index=False):
        out[int(row.year)]["resources"] += inputs.resource_price_yuan_per_t.get(row.resource, 0.0) * row.tonnes
        out[int(row.year)]["transport"] += rate * row.km * row.tonnes
    for row in plan.raw_imports.itertuples(index=False):
        km = inputs.site_hub_km.get(row.site, 0.0) + inputs.hub_gateway_km.get(inputs.cluster_of_site[row.site], 0.0)
        out[int(row.year)]["imports"] += float(row.import_cost_yuan)
        out[int(row.year)]["transport"] += rate * km * row.tonnes
    for row in plan.trade.itertuples(index=False):
        out[int(row.year)]["imports"] += float(row.import_cost_yuan)
    for row in plan.product_flows.itertuples(index=False):
        out[int(row.year)]["transport"] += rate * inputs.transport_t_per_unit.get(row.product, 0.0) * row.km * row.units
    return out


def _years_text(years: Sequence[int]) -> str:
    """2024 -> "2024"; (2022, 2023) -> "2022 and 2023"; (2022, 2023, 2024) -> "2022, 2023 and 2024"."""
    return joined([str(t) for t in years])


def _value_reasons(inputs: ModelInputs, plan: Plan, units: Mapping[str, str], year: int, goal: float,
                   planned: float) -> list[str]:
    """Why the output value of `year` exceeds its goal, from the plan's figures: the capacity the
    plan adds (ahead of later capacity targets where there are any) and the existing and committed
    plants, each with the output value its production makes (`value_split`); a chain-balance row
    that binds, with the output value of the production it asks for; and sales revenue against
    the year's costs (`year_costs`)."""
    reasons = []
    split = value_split(inputs, plan, year)
    of = f" of the {bn_yuan(planned)}/yr"
    shared = (" (a site running below full use shares its production in proportion to the available "
              "capacity)") if split.shared else ""
    if split.added > 0:
        later = [(g, t) for (g, t) in inputs.capacity_target_units if t > year]
        decided = f"the modules decided in {_years_text(split.decided_in)}"
        if later:
            years = _years_text(sorted({t for _g, t in later}))
            head = (f"capacity built ahead of the {years} capacity target{'s' if len(later) > 1 else ''}: {decided} "
                    f"are online in {year}")
        else:
            head = f"capacity the plan adds: {decided} are online in {year}"
        beyond = ", more than the goal by themselves" if split.added > goal else ""
        reasons.append(f"{head} and make {bn_yuan(split.added)}/yr{of}{beyond}{shared}")
    if split.given > 0:
        committed = _capacity_in(plan, tuple(inputs.PRODUCTS), year, "committed") > 0
        head = (f"existing and committed capacity: the plants already there and the committed projects online by "
                f"{year}" if committed else "existing capacity: the plants already there")
        beyond = ", more than the goal by themselves" if split.given > goal else ""
        reasons.append(f"{head} make {bn_yuan(split.given)}/yr{of}{beyond}{shared if not split.added else ''}")
    for chain in binding_chains(inputs, plan, inputs.PRODUCTS, year):
        made = _capacity_in(plan, (chain.product,), year, "production")
        reasons.append(f"the chain-balance rule binds: {chain.share:.0%} of the {product_label(chain.product)} "
                       f"that {', '.join(chain.users)} production uses "
                       f"({_qty(chain.share * chain.consumed, units[chain.product])}) must be made in the "
                       f"province, {bn_yuan(value_per_unit(inputs, chain.product, year) * made)}/yr of output value")
    reasons += _sales_reasons(inputs, plan, units, year)
    if not reasons:
        reasons.append("no rule forces it: the production costs nothing more in the model")
    return reasons


#: The parts of a year's costs that come with production (`_sales_reasons`): the rest (annuities,
#: fixed opex, site opening) come with the capacity.
RUNNING_PARTS = ("variable", "resources", "imports", "transport")

#: Most products named in a sentence on sales; the others are counted.
NAMED_SALES = 3


def _sales_reasons(inputs: ModelInputs, plan: Plan, units: Mapping[str, str], year: int) -> list[str]:
    """Sales revenue of `year` against the year's costs (not discounted): "sales pay for it" when
    the revenue exceeds all of them, "sales pay for the running costs" when it exceeds those of
    production (variable, raw material, imports, transport) only; nothing when there are no
    sales or they do not cover the running costs."""
    trade = plan.trade
    sold = trade.loc[(trade["year"] == year) & (trade["sales"] > 0)] if len(trade) else trade
    revenue = float(sold["revenue_yuan"].sum()) if len(sold) else 0.0
    if revenue <= 0:
        return []
    by_product = sold.groupby("product", sort=False)[["sales", "revenue_yuan"]].sum()
    order = sorted(by_product.itertuples(), key=lambda r: (-r.revenue_yuan, inputs.PRODUCTS.index(r.Index)))
    named = [f"{product_label(r.Index)} {_qty(float(r.sales), units[r.Index])} for {bn_yuan(float(r.revenue_yuan))}"
             for r in order]
    items = cut_list(named, NAMED_SALES, ", ", "products")
    costs = year_costs(inputs, plan)[year]
    total = sum(costs.values())
    running = sum(costs[k] for k in RUNNING_PARTS)
    if revenue > total:
        parts, head, what = YEAR_COST_PARTS, "sales pay for it", "the year's costs"
    elif revenue > running:
        parts, head, what = RUNNING_PARTS, "sales pay for the running costs", "the year's running costs"
    else:
        return []
    listed = sorted(((k, costs[k]) for k in parts if round(costs[k] / 1e9, 2) > 0), key=lambda kv: (-kv[1], kv[0]))
    detail = ", ".join(f"{cost_label(k)} {bn_number(v)}" for k, v in listed)
    return [f"{head}: the products sold outside the province in {year} earn {bn_yuan(revenue)} ({items}), more "
            f"than {what}, {bn_yuan(sum(costs[k] for k in parts))} not discounted: {detail} bn yuan"]


def _makes_more_than_goal(inputs: ModelInputs, plan: Plan, products: Sequence[str], year: int, goal: float) -> bool:
    """Whether the products' planned production in `year` exceeds what capacity equal to the goal
    could make (goal x the highest utilisation among them): that production needs more capacity."""
    produced = _capacity_in(plan, products, year, "production")
    most = max((inputs.utilisation.get(p, 1.0) for p in products), default=1.0)
    return produced > goal * most * (1 + TIGHT)


def binding_rules(inputs: ModelInputs, plan: Plan, units: Mapping[str, str],
                  names: Mapping[str, str] | None = None, clusters: Mapping[str, str] | None = None) -> list[str]:
    """The rules the plan meets with no slack, found from its figures, as sentences: targets met
    exactly, capacity ceilings reached, chain-balance rows met exactly, the differentiation rows
    met exactly (`_differentiation_met`), sales caps reached, sites at their least utilisation,
    the limits used up (`_limits_used_up`), then the recycling demonstration rows met exactly
    (`_demonstrations_met`); sites and sources by their `names` (id -> display name; the id where
    it has none), clusters by theirs (`clusters`, likewise)."""
    found = []
    for row in plan.targets.itertuples(index=False):
        goal, planned = float(row.target_value), float(row.achieved)
        if float(row.shortfall) > 0:
            continue
        if goal > 0 and abs(planned - goal) <= TIGHT * max(1.0, goal):
            if row.kind == "capacity":
                unit = _group_unit(tuple(inputs.TARGET_GROUPS.get(row.target, (row.target,))), units)
                found.append(f"the capacity target {product_label(str(row.target))} {row.year} is met exactly "
                             f"({_qty(goal, unit)})")
            else:
                found.append(f"the output-value target {row.year} is met exactly ({bn_yuan(goal)})")
    names, clusters = names or {}, clusters or {}
    return found + _ceilings_reached(inputs, plan, units) + _chains_met(inputs, plan, units) \
        + _differentiation_met(inputs, plan, clusters) + _sales_caps_reached(inputs, plan, units) \
        + _least_utilisation_met(inputs, plan, units, names) + _limits_used_up(inputs, plan, names, clusters) \
        + _demonstrations_met(inputs, plan, units, names)


def _ceilings_reached(inputs: ModelInputs, plan: Plan, units: Mapping[str, str]) -> list[str]:
    """The target groups at their capacity ceiling (part of family `targets`): the group's online
    capacity in the last year, what the ceiling row counts, up to the ceiling (`group_ceilings`)."""
    last = inputs.YEARS[-1]
    found = []
    for group, ceiling in group_ceilings(inputs).items():
        products = tuple(inputs.TARGET_GROUPS.get(group, (group,)))
        if ceiling > 0 and _tight(_capacity_in(plan, products, last, "online"), ceiling):
            found.append(f"the capacity ceiling {product_label(group)} {last} is reached "
                         f"({_qty(ceiling, _group_unit(products, units))})")
    return found


def _chains_met(inputs: ModelInputs, plan: Plan, units: Mapping[str, str]) -> list[str]:
    """The chain-balance rows met exactly (`binding_chains`; the rows are the province's, per
    product and year), products in catalog order, then years."""
    found = []
    for product in inputs.PRODUCTS:
        for year in inputs.YEARS:
            for chain in binding_chains(inputs, plan, (product,), year):
                found.append(f"the chain balance {product_label(product)} {year} is met exactly: "
                             f"{_qty(chain.share * chain.consumed, units[product])} of {product_label(product)} "
                             f"is made in the province, {chain.share:.0%} of the "
                             f"{_qty(chain.consumed, units[product])} that {', '.join(chain.users)} production uses")
    return found


def _hosting(inputs: ModelInputs, plan: Plan) -> dict[str, set[str]]:
    """Product -> the clusters hosting it in the plan (h[c,p] = 1, models/families/
    differentiation.py): those where it adds capacity of the product and those with committed
    capacity of it."""
    hosting: dict[str, set[str]] = defaultdict(set)
    for row in plan.builds.itertuples(index=False):
        if row.modules > 0:
            hosting[row.product].add(inputs.cluster_of_site[row.site])
    for (site, product, _t), committed in inputs.committed_units_per_yr.items():
        if committed > 0:
            hosting[product].add(inputs.cluster_of_site[site])
    return hosting


def _value_added(inputs: ModelInputs, plan: Plan) -> dict[str, dict[str, float]]:
    """Cluster -> product -> the output value of the capacity the plan adds there, valued at
    nameplate (v[p] x A[s,p] summed over the cluster's sites; yuan/yr), as the lead-share and
    cluster-value-share rows count it."""
    value: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in plan.builds.itertuples(index=False):
        value[inputs.cluster_of_site[row.site]][row.product] += \
            inputs.output_value_yuan_per_unit.get(row.product, 0.0) * float(row.capacity_added)
    return value


def _differentiation_met(inputs: ModelInputs, plan: Plan, clusters: Mapping[str, str]) -> list[str]:
    """The rows of family `differentiation` the plan meets with no slack: products hosted in as
    many clusters as they may (products in catalog order), clusters at their least lead share,
    cluster pairs differing in no more products than they must, and clusters at their least
    share of the value added (clusters in input order), clusters by their `clusters` names."""
    if "differentiation" not in inputs.enabled_families:
        return []
    hosting = _hosting(inputs, plan)
    value = _value_added(inputs, plan)
    return _hosting_limits_reached(inputs, plan, hosting, clusters) + _lead_shares_met(inputs, value, clusters) \
        + _portfolio_differences_met(inputs, hosting, clusters) + _cluster_shares_met(inputs, value, clusters)


def _hosting_limits_reached(inputs: ModelInputs, plan: Plan, hosting: Mapping[str, set[str]],
                            clusters: Mapping[str, str]) -> list[str]:
    """The products hosted in as many clusters as they may (`max_clusters_per_product`), where
    the row exists: more clusters could host the product (a buildable site or committed
    capacity there) than the limit allows. A cluster with committed plants of the product hosts
    it whatever the plan does (h = 1 is fixed): the plan did not choose it, and the entry says so,
    "by committed plants alone" where the plan adds none of the product there, "by committed
    plants the plan adds to" where it adds some; after the list where every host is so ("(1
    cluster: Yuxi, by committed plants alone)"), by name otherwise ("(2 clusters: Yuxi and
    Qujing; Yuxi by committed plants alone)": the plan chose Qujing)."""
    adds = {(inputs.cluster_of_site[b.site], b.product) for b in plan.builds.itertuples(index=False)
            if b.modules > 0}
    has_committed = {(inputs.cluster_of_site[s], p) for (s, p, _t), units in inputs.committed_units_per_yr.items()
                     if units > 0}
    may: dict[str, set[str]] = defaultdict(set)
    for site, product in inputs.index.build_pairs:
        may[product].add(inputs.cluster_of_site[site])
    for (site, product, _t), committed in inputs.committed_units_per_yr.items():
        if committed > 0:
            may[product].add(inputs.cluster_of_site[site])
    found = []
    for product in inputs.PRODUCTS:
        limit = inputs.max_clusters_per_product.get(product)
        if limit is None or len(may[product]) <= limit or len(hosting.get(product, ())) < limit:
            continue
        hosting_it = [c for c in inputs.CLUSTERS if c in hosting.get(product, ())]
        listed = f": {joined(clusters.get(c, c) for c in hosting_it)}" if hosting_it else ""
        given = {c: "by committed plants the plan adds to" if (c, product) in adds else "by committed plants alone"
                 for c in hosting_it if (c, product) in has_committed}
        if given and len(given) == len(hosting_it) and len(set(given.values())) == 1:
            listed += f", {next(iter(given.values()))}"
        elif given:
            listed += f"; {joined(f'{clusters.get(c, c)} {why}' for c, why in given.items())}"
        found.append(f"the hosting limit {product_label(product)} is reached ({limit} cluster"
                     f"{'s' if limit != 1 else ''}{listed})")
    return found


def _lead_shares_met(inputs: ModelInputs, value: Mapping[str, Mapping[str, float]],
                     clusters: Mapping[str, str]) -> list[str]:
    """The clusters whose lead products make no more than the least lead share
    (`lead_share_min`) of the value the cluster adds, where it adds some."""
    share = inputs.lead_share_min
    found = []
    for cluster in inputs.CLUSTERS if share > 0 else ():
        leads = set(inputs.lead_products.get(cluster, ()))
        total = sum(value.get(cluster, {}).values())
        lead = sum(v for p, v in value.get(cluster, {}).items() if p in leads)
        if leads and total > 0 and _tight(share * total, lead):
            found.append(f"the lead share {clusters.get(cluster, cluster)} is met exactly: its lead products make "
                         f"{share:.0%} of the output value of the capacity it adds ({bn_number(lead)} of "
                         f"{bn_number(total)} bn yuan/yr, at nameplate)")
    return found


def _portfolio_differences_met(inputs: ModelInputs, hosting: Mapping[str, set[str]],
                               clusters: Mapping[str, str]) -> list[str]:
    """The cluster pairs whose portfolios (the products each hosts) differ in exactly the least
    number of products (`min_portfolio_difference`), pairs in input order."""
    least = inputs.min_portfolio_difference
    found = []
    for i, a in enumerate(inputs.CLUSTERS if least > 0 else ()):
        for b in inputs.CLUSTERS[i + 1:]:
            differ = [p for p in inputs.PRODUCTS if (a in hosting.get(p, ())) != (b in hosting.get(p, ()))]
            if len(differ) == least:
                found.append(f"the portfolio difference {clusters.get(a, a)}/{clusters.get(b, b)} is met exactly: "
                             f"the two clusters' portfolios (the products each adds or has committed plants of) "
                             f"differ in {least} product{'s' if least != 1 else ''} "
                             f"({joined(product_label(p) for p in differ)})")
    return found


def _cluster_shares_met(inputs: ModelInputs, value: Mapping[str, Mapping[str, float]],
                        clusters: Mapping[str, str]) -> list[str]:
    """The clusters adding no more than the least share (`min_cluster_value_share`) of the value
    the plan adds, where it adds some."""
    share = inputs.min_cluster_value_share
    total = sum(v for by_product in value.values() for v in by_product.values())
    found = []
    for cluster in inputs.CLUSTERS if share > 0 and total > 0 else ():
        own = sum(value.get(cluster, {}).values())
        if _tight(share * total, own):
            found.append(f"the cluster value share {clusters.get(cluster, cluster)} is met exactly: the cluster adds "
                         f"{share:.0%} of the output value of the capacity the plan adds ({bn_number(own)} of "
                         f"{bn_number(total)} bn yuan/yr, at nameplate)")
    return found


def _sales_caps_reached(inputs: ModelInputs, plan: Plan, units: Mapping[str, str]) -> list[str]:
    """The products and years sold out of the province up to their sales cap (family `market`:
    the hubs' sales together), products in catalog order, then years."""
    if "market" not in inputs.enabled_families or plan.trade.empty:
        return []
    sold = plan.trade.groupby(["product", "year"])["sales"].sum().to_dict()
    return [f"the sales cap {product_label(product)} {year} is reached ({_qty(cap, units[product])} sold outside "
            "the province)" for product, year, cap in _caps_at_limit(sold, inputs.sales_cap_units, inputs.PRODUCTS,
                                                                     inputs.YEARS)]


def _least_utilisation_met(inputs: ModelInputs, plan: Plan, units: Mapping[str, str],
                           names: Mapping[str, str]) -> list[str]:
    """The sites, products and years producing no more than the least utilisation asks (family
    `utilisation`: y >= umin[p] x util[p] x available capacity), where capacity is available;
    sites in the plan's order, then products in catalog order, then years."""
    if "utilisation" not in inputs.enabled_families or plan.capacity.empty:
        return []
    site_at = {s: i for i, s in enumerate(inputs.SITES)}
    product_at = {p: i for i, p in enumerate(inputs.PRODUCTS)}
    rows = sorted(plan.capacity.itertuples(index=False), key=lambda r: (
        site_at.get(r.site, len(site_at)), product_at.get(r.product, len(product_at)), int(r.year)))
    found = []
    for row in rows:
        least = inputs.min_utilisation.get(row.product, 0.0)
        usable = inputs.utilisation.get(row.product, 1.0) * float(row.available)
        produced = float(row.production)
        if least > 0 and usable > 0 and _tight(least * usable, produced):
            unit = units[row.product]
            found.append(f"site {names.get(row.site, row.site)} makes {product_label(row.product)} at its least "
                         f"utilisation in {row.year} ({_qty(produced, unit)}: {least:.0%} of its usable "
                         f"{_qty(usable, unit)})")
    return found


def _limits_used_up(inputs: ModelInputs, plan: Plan, names: Mapping[str, str],
                    clusters: Mapping[str, str]) -> list[str]:
    """Budget years spent to the cap, sites and years at the build-rate limit, sites out of land,
    newly opened sites at the least investment, clusters at their open-site limit, sources
    shipping their whole supply and raw materials imported up to their cap (sites and sources by
    their `names`, clusters by theirs, `clusters`)."""
    found = []
    if "budget" in inputs.enabled_families:
        spent = plan.builds.groupby("year")["capex_yuan"].sum().to_dict() if not plan.builds.empty else {}
        for year, cap in sorted(inputs.budget_yuan_per_yr.items()):
            if year in inputs.YEARS and _tight(float(spent.get(year, 0.0)), cap):
                found.append(f"the budget {year} is spent to its cap ({bn_yuan(cap)} of capex)")
    found += _build_rates_used_up(inputs, plan, names)
    land: dict[str, float] = defaultdict(float)
    for row in plan.builds.itertuples(index=False):
        land[row.site] += row.modules * inputs.module(row.module).land_ha
    for site, used in sorted(land.items()):
        available = inputs.site_land_ha.get(site)
        if available is not None and available > 0 and _tight(used, available):
            found.append(f"site {names.get(site, site)} uses all its land ({available:,.4g} ha)")
    found += _least_investments_met(inputs, plan, names) + _open_site_limits_reached(inputs, plan, clusters)
    if not plan.flows.empty:
        shipped = plan.flows.groupby(["source", "year"])["tonnes"].sum().to_dict()
        for (source, year), tonnes in sorted(shipped.items()):
            supply = inputs.supply_t_per_yr.get((source, int(year)))
            if supply is not None and supply > 0 and _tight(float(tonnes), supply):
                found.append(f"source {names.get(source, source)} ships its whole supply in {year} "
                             f"({supply:,.0f} t/yr)")
    return found + _import_caps_reached(inputs, plan)


def _demonstrations_met(inputs: ModelInputs, plan: Plan, units: Mapping[str, str],
                        names: Mapping[str, str]) -> list[str]:
    """The rows of family `recycling_demo` the plan meets with no slack, from the demonstrations
    it decides (`Plan.demo_sites`): the number of demonstrations at its most (`max_sites`, where
    the row can bind: more demonstrations could be placed than it allows) or at its least
    (`min_sites`, above 0), one entry when the two are the same, naming the sites whose addition
    is of demonstration size too but past the most (`Plan.demo_qualifying`); then each
    demonstration site, in the plan's order, adding no more of the product than the least
    demonstration size (n x D at a site of n demonstrations) or as much as the most (Dmax, a site
    of one candidate), one entry when both; then the demonstrations at their least running share
    (`_demonstrations_at_least_run`). Sites by their `names`, "; " between them (names
    hold commas)."""
    rule = inputs.recycling_demo
    if "recycling_demo" not in inputs.enabled_families or rule is None:
        return []
    product, unit = rule.product, units.get(rule.product, "")
    label = product_label(product)
    eligible = [s for s, p in inputs.index.build_pairs if p == product]
    room = sum(inputs.site_multiplicity.get(s, 1) for s in eligible)
    count = sum(plan.demo_sites.values())
    found = []
    most = bool(eligible) and room > rule.max_sites and count == rule.max_sites
    least = bool(eligible) and rule.min_sites > 0 and count == rule.min_sites
    others = [s for s, k in plan.demo_qualifying.items() if k > plan.demo_sites.get(s, 0)]
    listed = f"{count} site{'s' if count != 1 else ''}" + (
        f": {'; '.join(names.get(s, s) for s in plan.demo_sites)}" if plan.demo_sites else "") + (
        f"; of demonstration size too: {'; '.join(names.get(s, s) for s in others)}" if others else "")
    if most and least:
        found.append(f"the demonstration count {label} is met exactly ({listed}, the least and the most allowed)")
    elif most:
        found.append(f"the demonstration limit {label} is reached ({listed})")
    elif least:
        found.append(f"the least demonstration count {label} is met exactly ({listed})")
    builds = plan.builds
    added = builds.loc[builds["product"] == product].groupby("site")["capacity_added"].sum().to_dict() \
        if not builds.empty else {}
    for site, n in plan.demo_sites.items():
        amount = float(added.get(site, 0.0))
        at_least = _tight(rule.min_size_units_per_yr * n, amount)
        at_most = (rule.max_size_units_per_yr is not None and inputs.site_multiplicity.get(site, 1) <= 1
                   and _tight(amount, rule.max_size_units_per_yr))
        shown = f"site {names.get(site, site)} adds {label}"
        of = f"{_qty(amount, unit)}" + (f": {n} demonstrations" if n > 1 else "")
        if at_least and at_most:
            found.append(f"{shown} at the demonstration size ({of}, the least and the most a demonstration adds)")
        elif at_least:
            found.append(f"{shown} at the least demonstration size ({of})")
        elif at_most:
            found.append(f"{shown} at the most demonstration size ({of})")
    return found + _demonstrations_at_least_run(inputs, plan, units, names)


def _demonstrations_at_least_run(inputs: ModelInputs, plan: Plan, units: Mapping[str, str],
                                 names: Mapping[str, str]) -> list[str]:
    """The demonstration sites (`Plan.demo_sites`, of one candidate: the row is left out at a
    merged site) and plan years in which a demonstration makes no more than the rule's least
    running share asks (`min_run_share`, row `demo_runs` of family `recycling_demo`:
    y >= u x util x available capacity), where capacity is available; sites in the plan's order,
    then years."""
    rule = inputs.recycling_demo
    share = rule.min_run_share if rule is not None else 0.0
    if share <= 0 or plan.capacity.empty:
        return []
    product, unit = rule.product, units.get(rule.product, "")
    util = inputs.utilisation.get(product, 1.0)
    found = []
    for site in plan.demo_sites:
        if inputs.site_multiplicity.get(site, 1) > 1:
            continue
        rows = plan.capacity.loc[(plan.capacity["site"] == site) & (plan.capacity["product"] == product)]
        for row in sorted(rows.itertuples(index=False), key=lambda r: int(r.year)):
            usable = util * float(row.available)
            produced = float(row.production)
            if usable > 0 and _tight(share * usable, produced):
                found.append(f"site {names.get(site, site)} makes {product_label(product)} at a demonstration's "
                             f"least running share in {row.year} ({_qty(produced, unit)}: {share:.0%} of its "
                             f"usable {_qty(usable, unit)})")
    return found


def _least_investments_met(inputs: ModelInputs, plan: Plan, names: Mapping[str, str]) -> list[str]:
    """The sites the plan newly opens whose capex (undiscounted, all years) is no more than the
    least investment per open site (family `agglomeration`; a site with existing or committed
    plants is open already and has no such row), sites in the plan's order."""
    least = inputs.min_investment_per_open_site_yuan
    if "agglomeration" not in inputs.enabled_families or least <= 0 or plan.builds.empty:
        return []
    spent = plan.builds.groupby("site")["capex_yuan"].sum()
    pre = set(pre_opened_sites(inputs))
    return [f"site {names.get(site, site)} invests as little as a newly opened site may ({bn_yuan(least)} of capex, "
            "the least investment per open site)"
            for site in plan.opened_sites if site not in pre and _tight(least, float(spent[site]))]


def _open_site_limits_reached(inputs: ModelInputs, plan: Plan, clusters: Mapping[str, str]) -> list[str]:
    """The clusters with as many open sites as they may (family `agglomeration`): the sites open
    before the plan (existing or committed plants, `pre_opened_sites`) and those it newly opens,
    where the row exists (more sites could be open than the limit allows), clusters sorted by id."""
    if "agglomeration" not in inputs.enabled_families:
        return []
    pre = set(pre_opened_sites(inputs))
    could: dict[str, set[str]] = defaultdict(set)
    for site in pre | {s for s, _p in inputs.index.build_pairs}:
        could[inputs.cluster_of_site.get(site, "")].add(site)
    opened: dict[str, set[str]] = defaultdict(set)
    for site in pre | set(plan.opened_sites):
        opened[inputs.cluster_of_site.get(site, "")].add(site)
    return [f"cluster {clusters.get(cluster, cluster)} opens as many sites as it may ({limit})"
            for cluster, limit in sorted(inputs.max_open_sites_per_cluster.items())
            if limit > 0 and len(could[cluster]) > limit and len(opened[cluster]) >= limit]


def _import_caps_reached(inputs: ModelInputs, plan: Plan) -> list[str]:
    """The raw materials and years imported up to their cap (family `supply`: the sites' imports
    together), resources in input order, then years."""
    if "supply" not in inputs.enabled_families or plan.raw_imports.empty:
        return []
    bought = plan.raw_imports.groupby(["resource", "year"])["tonnes"].sum().to_dict()
    return [f"the import cap {resource_label(resource)} {year} is reached ({_qty(cap, 't')} bought outside the "
            "province)" for resource, year, cap in _caps_at_limit(bought, inputs.resource_import_cap_t_per_yr,
                                                                  inputs.RESOURCES, inputs.YEARS)]


def _caps_at_limit(totals: Mapping[tuple[str, int], float], caps: Mapping[tuple[str, int], float],
                   order: Sequence[str], years: Sequence[int]) -> list[tuple[str, int, float]]:
    """The (name, year, cap) of the positive `caps` (name, year -> cap) of the plan's `years`
    that `totals` (name, year -> the plan's figure, 0 where absent) reach (`_tight`), names in
    `order` (others after them), then years."""
    position = {name: i for i, name in enumerate(order)}
    return [(name, year, cap) for (name, year), cap in
            sorted(caps.items(), key=lambda item: (position.get(item[0][0], len(position)), item[0][1]))
            if year in years and cap > 0 and _tight(float(totals.get((name, year), 0.0)), cap)]


def _build_rates_used_up(inputs: ModelInputs, plan: Plan, names: Mapping[str, str]) -> list[str]:
    """The sites and decision years at the build-rate limit (family `build_rate`): the modules,
    or the capex (undiscounted yuan), the plan decides at a site in a year up to the site's limit
    (`site_year_limit`: n[s] times the per-site limit), as sentences, sites in the plan's order."""
    if "build_rate" not in inputs.enabled_families or plan.builds.empty:
        return []
    found = []
    decided = plan.builds.groupby(["site", "year"])[["modules", "capex_yuan"]].sum()
    position = {s: i for i, s in enumerate(inputs.SITES)}
    for (site, year), row in sorted(decided.iterrows(), key=lambda item: (position.get(item[0][0], len(position)),
                                                                          item[0][1])):
        shown = names.get(str(site), str(site))
        if inputs.max_modules_per_site_per_yr is not None:
            most = site_year_limit(inputs, str(site), inputs.max_modules_per_site_per_yr)
            if _tight(float(row["modules"]), most):
                found.append(f"site {shown} decides in {year} as many modules as it may ({most:,.0f}, the "
                             "build rate)")
        if inputs.max_capex_yuan_per_site_per_yr is not None:
            most = site_year_limit(inputs, str(site), inputs.max_capex_yuan_per_site_per_yr)
            if _tight(float(row["capex_yuan"]), most):
                found.append(f"site {shown} decides in {year} as much capex as it may ({bn_yuan(most)}, the "
                             "build rate)")
    return found


def cost_drivers(plan: Plan) -> list[tuple[str, float, float]]:
    """Cost components above zero, largest first: (name, yuan, share of the gross cost, their sum;
    sales revenue, a negative cost, is left out of both)."""
    total = sum(v for v in plan.costs.values() if v > 0)
    items = sorted(((n, float(v)) for n, v in plan.costs.items() if v > 0), key=lambda item: (-item[1], item[0]))
    return [(name, value, value / total if total else 0.0) for name, value in items]


def units_of(catalog: Any, inputs: ModelInputs) -> dict[str, str]:
    """Each product's catalog unit."""
    return {p: catalog.products[p].unit for p in inputs.PRODUCTS}


#: Why the prospective sources within reach do not count (the scenario's setting).
PROSPECTIVE_LEFT_OUT = "left out: spatial.include_prospective_sources is false"


@dataclass(frozen=True)
class ProximityReason:
    """Why the proximity rule excludes `products` (codes, in catalog order) at a site.

    resource None: no source within reach: for a resource they need, the nearest source the plan
    may use lies beyond the resource's limit, or there is none. Otherwise the sources of
    `resource` within its limit `limit_km` are all prospective and left out by the scenario:
    `left_out` gives each as (name, road km), nearest first."""

    products: tuple[str, ...]
    resource: str | None = None
    limit_km: float = 0.0
    left_out: tuple[tuple[str, float], ...] = ()

    def label(self) -> str:
        """What is missing: "no source within reach for", or "no producing lithium clay source
        within 100 km for"."""
        if self.resource is None:
            return "no source within reach for"
        return f"no producing {resource_label(self.resource)} source within {km_figure(self.limit_km)} km for"

    def value(self) -> str:
        """The products in words, with the prospective sources left out: "Li2CO3 (Xiaoshiqiao
        clay lithium, prospective, 14.2 road km; left out: spatial.include_prospective_sources is
        false)"."""
        products = ", ".join(product_label(p) for p in self.products)
        if self.resource is None:
            return products
        sources = "; ".join(f"{name}, prospective, {km_text(km)} road km" for name, km in self.left_out)
        return f"{products} ({sources}; {PROSPECTIVE_LEFT_OUT})"

    def text(self) -> str:
        """The reason as one phrase: `label` then `value`."""
        return f"{self.label()} {self.value()}"


def proximity_reasons(inputs: ModelInputs, excluded: Mapping[str, Sequence[str]],
                      left_out: Mapping[str, tuple[str, str]], left_out_km: Mapping[tuple[str, str], float]
                      ) -> dict[str, tuple[ProximityReason, ...]]:
    """Site id -> why the proximity rule excludes the products `excluded` names there (site id ->
    product codes, the sites layer's `excluded_proximity`), for every site with such products.

    The resources too far from a site are the rule's (`models.families.proximity.too_far`: the
    nearest source the plan may use lies beyond the limit, or there is none). `left_out`: source
    id -> (name, resource) of the prospective sources the scenario leaves out, in the sources
    layer's order; `left_out_km`: (site id, source id) -> their road km, as the rule measures
    them (`siting.deliver.layers.prospective_left_out_km`). A resource whose left-out sources lie
    within its limit (km <= limit) gets a reason of its own naming them, nearest first (equal km:
    in layer order), for the excluded products needing it; the excluded products for which some
    resource has no source within reach at all, a plain reason first. Deterministic: products in
    the order given, resources in `inputs.RESOURCES` order."""
    far: dict[str, dict[str, tuple[str, ...]]] = {}
    for resource, site, needing in too_far(inputs):
        far.setdefault(site, {})[resource] = needing
    order = {k: i for i, k in enumerate(left_out)}
    by_site: dict[str, list[tuple[str, float]]] = {}
    for (site, source), km in left_out_km.items():
        if source in left_out:
            by_site.setdefault(site, []).append((source, km))
    found: dict[str, tuple[ProximityReason, ...]] = {}
    for site, products in excluded.items():
        if not products:
            continue
        resources = far.get(site, {})
        within: dict[str, tuple[tuple[str, float], ...]] = {}
        for resource in resources:
            limit = inputs.max_distance_km[resource]
            near = sorted((km, order[k], k) for k, km in by_site.get(site, ()) if left_out[k][1] == resource
                          and km <= limit)
            if near:
                within[resource] = tuple((left_out[k][0], km) for km, _i, k in near)
        plain = tuple(p for p in products if not any(p in needing for needing in resources.values())
                      or any(p in needing and r not in within for r, needing in resources.items()))
        reasons = [ProximityReason(plain)] if plain else []
        for resource in inputs.RESOURCES:
            if resource in within:
                needing = tuple(p for p in products if p in resources[resource])
                if needing:
                    reasons.append(ProximityReason(needing, resource, inputs.max_distance_km[resource],
                                                   within[resource]))
        found[site] = tuple(reasons)
    return found


# --------------------------------------------------------------------------------------------
# products imported although the province makes them, or could make them, for less


#: Most sites or clusters named in one reason; the others are counted.
NAMED_PLACES = 3

#: The order in which the rules that keep one more module out are named.
BLOCK_ORDER = ("ceiling", "hosting", "portfolio", "lead_share", "value_share", "open_sites", "investment", "land",
               "budget", "build_rate", "chain", "feedstock")


@dataclass(frozen=True)
class ImportedYear:
    """A year in which the plan imports a product it makes, or could make, for less: `imported`
    units/yr at `price` yuan/unit (at the gateway); `made` units/yr made in the province at
    `made_cost` yuan/unit (capacity, production and inputs: `output_costs`; None when nothing is
    made); `module_cost`, yuan/unit, what the cheapest module a site may take would make it for
    at full use (capacity, production and inputs), None where no site may take one."""

    year: int
    imported: float
    price: float
    made: float
    made_cost: float | None
    module_cost: float | None


@dataclass(frozen=True)
class ReplaceableImport:
    """A product the plan imports in `years` although the province makes it, or could make it,
    for less than its import price, and why the plan makes no more of it (`replaceable_imports`)."""

    product: str
    unit: str
    years: tuple[ImportedYear, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Block:
    """A rule that keeps one more module out: its `kind` (BLOCK_ORDER), a `key` (one sentence
    per key: the rule and where it binds), and the sentence."""

    kind: str
    key: tuple[Any, ...]
    text: str


@dataclass(frozen=True)
class _Year:
    """One year of one more module: the units it would make for the imports it replaces
    (`replaced`) and for sale (`sold`), what it would cost that year (capacity, production and
    carriage, yuan) and what that is worth (the imports replaced at their delivered cost, and the
    sales)."""

    year: int
    replaced: float
    sold: float
    cost: float
    worth: float


@dataclass(frozen=True)
class _Option:
    """One more module `spec` at `site`: the rules that keep it out (`blocks`); where none does,
    its best decision year `decided`, the years it stands in (the plan's and the steady-state
    year), its opening cost (discounted yuan, 0 at an open site) and its net saving against
    imports (yuan weighted as the objective weights the years, opening included)."""

    site: str
    spec: ModuleSpec
    blocks: tuple[_Block, ...]
    decided: int | None = None
    years: tuple[_Year, ...] = ()
    opening: float = 0.0
    net: float = 0.0


@dataclass(frozen=True)
class _Words:
    """How the import reasons name things: sites (`names`) and clusters (`clusters`) by id ->
    name, the product's `unit` and label."""

    names: Mapping[str, str]
    clusters: Mapping[str, str]
    unit: str
    label: str

    def site(self, site: str) -> str:
        return self.names.get(site, site)

    def cluster(self, cluster: str) -> str:
        return self.clusters.get(cluster, cluster)


class _PlanFigures:
    """The plan's totals the import reasons read, computed once, per operating year: the plan's
    years and the steady-state year (`operating_plan`; `self.plan` holds its rows too)."""

    def __init__(self, inputs: ModelInputs, plan: Plan) -> None:
        plan = operating_plan(plan)
        self.inputs, self.plan = inputs, plan
        self.imports: dict[tuple[str, int], float] = defaultdict(float)
        self.sold: dict[tuple[str, int], float] = defaultdict(float)
        by_hub: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
        for row in plan.trade.itertuples(index=False):
            key = (str(row.product), int(row.year))
            self.imports[key] += float(row.imports)
            self.sold[key] += float(row.sales)
            if row.imports > 0:
                by_hub[key][str(row.hub)] = float(row.imports)
        #: (product, year) -> the hub importing most of it.
        self.hub = {key: max(sorted(hubs), key=lambda h: hubs[h]) for key, hubs in by_hub.items()}
        self.made: dict[tuple[str, int], float] = defaultdict(float)
        self.usable: dict[tuple[str, int], float] = defaultdict(float)
        self.online: dict[tuple[str, int], float] = defaultdict(float)
        for row in plan.capacity.itertuples(index=False):
            key = (str(row.product), int(row.year))
            self.made[key] += float(row.production)
            self.usable[key] += float(row.available) * inputs.utilisation.get(row.product, 1.0)
            self.online[key] += float(row.online)
        self.hosting = _hosting(inputs, plan)
        self.value = _value_added(inputs, plan)
        self.land: dict[tuple[str, str], float] = defaultdict(float)
        self.spent: dict[int, float] = defaultdict(float)
        self.decided: dict[tuple[str, int], tuple[float, float]] = {}
        for b in plan.builds.itertuples(index=False):
            self.land[(b.site, b.product)] += b.modules * inputs.module(b.module).land_ha
            self.spent[int(b.year)] += float(b.capex_yuan)
            modules, capex = self.decided.get((b.site, int(b.year)), (0.0, 0.0))
            self.decided[(b.site, int(b.year))] = (modules + b.modules, capex + float(b.capex_yuan))
        self.open = set(pre_opened_sites(inputs)) | set(plan.opened_sites)
        self.shipped: dict[tuple[str, int], float] = defaultdict(float)
        for row in plan.flows.itertuples(index=False):
            self.shipped[(str(row.source), int(row.year))] += float(row.tonnes)
        self.bought: dict[tuple[str, int], float] = defaultdict(float)
        for row in plan.raw_imports.itertuples(index=False):
            self.bought[(str(row.resource), int(row.year))] += float(row.tonnes)
        self.arcs = set(allowed_arcs(inputs, "proximity" in inputs.enabled_families))
        #: resource -> its sources, in SOURCES order.
        self.sources: dict[str, list[str]] = defaultdict(list)
        for source in inputs.SOURCES:
            self.sources[inputs.resource_of_source.get(source, "")].append(source)
        #: site -> product -> L[s,p], the usable land of each buildable pair.
        self.levels: dict[str, dict[str, float]] = defaultdict(dict)
        for (site, product), land in inputs.index.land_ha.items():
            self.levels[site][product] = land
        self._unit_costs: dict[int, dict[str, float]] = {}
        self._output_costs: dict[int, dict[str, float]] = {}
        self._held: dict[tuple[str, int], bool] = {}

    def held(self, product: str, year: int) -> bool:
        """Whether the chain-balance row of `product` binds in `year` (`binding_chains`)."""
        if (product, year) not in self._held:
            self._held[(product, year)] = bool(binding_chains(self.inputs, self.plan, (product,), year))
        return self._held[(product, year)]

    def idle(self, product: str, year: int) -> float:
        """Usable capacity of `product` left idle in `year` (0 within the tolerance)."""
        usable = self.usable[(product, year)]
        idle = usable - self.made[(product, year)]
        return idle if idle > TIGHT * max(1.0, usable) else 0.0

    def unit_cost(self, year: int) -> dict[str, float]:
        """`unit_costs` of `year`."""
        if year not in self._unit_costs:
            self._unit_costs[year] = unit_costs(self.inputs, self.plan, year)
        return self._unit_costs[year]

    def output_cost(self, year: int) -> dict[str, float]:
        """`output_costs` of `year`."""
        if year not in self._output_costs:
            self._output_costs[year] = output_costs(self.inputs, self.plan, year)
        return self._output_costs[year]


def replaceable_imports(inputs: ModelInputs, plan: Plan, units: Mapping[str, str],
                        names: Mapping[str, str] | None = None, clusters: Mapping[str, str] | None = None,
                        gap_yuan: float | None = None, near_optimal: bool = False) -> list[ReplaceableImport]:
    """Every product the plan imports in a year when the province makes it for less than its
    import price (`output_costs` over the units made), or when a site may take a module that
    would make it for less at full use (`_full_use_cost`), in catalog order, with why the plan
    makes no more of it (`_import_reasons`); sites by their `names`, clusters by theirs. Where no
    rule keeps out a module that would save money, the reason is the solve's gap (`gap_yuan`,
    yuan, named when given), or, for a `near_optimal` plan (an alternative within a slack of the
    optimum), that it may cost more than the optimum."""
    if near_optimal:
        within = "this plan is a near-optimal alternative, which may cost more than the optimum"
    else:
        within = "the plan is optimal only within the solve's gap" + (
            f" of {bound_bn(gap_yuan, up=True)}" if gap_yuan is not None else "")
    figures = _PlanFigures(inputs, plan)
    found = []
    for product in inputs.PRODUCTS:
        years = [y for y in (_imported_year(inputs, figures, product, t) for t in inputs.YEARS) if y is not None]
        if years:
            words = _Words(names or {}, clusters or {}, units[product], product_label(product))
            reasons = _import_reasons(inputs, figures, product, years, words, within,
                                      None if near_optimal else gap_yuan)
            found.append(ReplaceableImport(product, units[product], tuple(years), tuple(reasons)))
    return found


def _imported_year(inputs: ModelInputs, figures: _PlanFigures, product: str, year: int) -> ImportedYear | None:
    """The import of `product` in `year` when the province makes it, or could make it, for less
    than its import price; None otherwise (nothing imported, or making it costs more)."""
    imported = figures.imports[(product, year)]
    price = inputs.import_price_yuan_per_unit.get((product, year))
    if imported <= 0 or price is None:
        return None
    made = figures.made[(product, year)]
    made_cost = figures.output_cost(year).get(product, 0.0) / made if made > 0 else None
    costs = [_full_use_cost(inputs, figures, site, spec, product, year) for site, spec in _candidates(inputs, product)]
    module_cost = min(costs) if costs else None
    cheaper = [c for c in (made_cost, module_cost) if c is not None and c < price * (1 - TIGHT)]
    return ImportedYear(year, imported, price, made, made_cost, module_cost) if cheaper else None


def _candidates(inputs: ModelInputs, product: str) -> list[tuple[str, ModuleSpec]]:
    """The (site, module) pairs where a module of `product` may be built (`BUILD_PAIRS` and the
    module sizes with a bound there), sites in their order, modules by capacity then land."""
    index = inputs.index
    specs = sorted(index.modules_of_product.get(product, ()), key=lambda s: (s.capacity_units_per_yr, s.land_ha))
    return [(site, spec) for site, p in index.build_pairs if p == product for spec in specs
            if (site, p, spec.module_id) in index.module_bound]


def _fixed_yuan_per_yr(inputs: ModelInputs, site: str, spec: ModuleSpec) -> float:
    """What one module costs each year it stands: its capex and land annuities and fixed opex."""
    return (capex_annuity_yuan_per_yr(inputs, spec) + land_annuity_yuan_per_yr(inputs, site, spec)
            + spec.fixed_opex_yuan_per_yr)


def _carriage(inputs: ModelInputs, figures: _PlanFigures, site: str, product: str, year: int) -> tuple[float, float]:
    """Per unit of `product` (yuan): carrying it from `site` (through its hub) to the hub that
    imports it in `year`, and carrying an import there from the gateway."""
    rate = inputs.transport_yuan_per_t_km * inputs.transport_t_per_unit.get(product, 0.0)
    own = inputs.cluster_of_site[site]
    hub = figures.hub.get((product, year), own)
    local = inputs.site_hub_km.get(site, 0.0) + (inputs.hub_hub_km.get((own, hub), 0.0) if hub != own else 0.0)
    return rate * local, rate * inputs.hub_gateway_km.get(hub, 0.0)


def _full_use_cost(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec, product: str,
                   year: int) -> float:
    """Yuan per unit of `product` one module `spec` at `site` would make it for in `year` at full
    use (utilisation x size), its raw materials and inputs at their prices whatever their limits:
    its yearly capacity cost over what it makes, production, and carriage to the importing hub."""
    made = inputs.utilisation.get(product, 1.0) * spec.capacity_units_per_yr
    running = _running_cost(inputs, figures, site, product, year, made, limited=False)
    return _fixed_yuan_per_yr(inputs, site, spec) / made + running + _carriage(inputs, figures, site, product, year)[0]


def _raw_offers(inputs: ModelInputs, figures: _PlanFigures, site: str, resource: str, year: int,
                limited: bool) -> list[tuple[float, float]]:
    """(yuan/t delivered to `site`, tonnes) of `resource` in `year`, cheapest first: each source
    the site may ship from (family `proximity`), with what it has to spare, and the import, up to
    its cap; without `limited`, each with no limit."""
    rate = inputs.transport_yuan_per_t_km
    offers = []
    for source in figures.sources[resource]:
        if (source, site) not in figures.arcs:
            continue
        spare = inputs.supply_t_per_yr.get((source, year), 0.0) - figures.shipped[(source, year)]
        price = inputs.resource_price_yuan_per_t.get(resource, 0.0) + rate * inputs.arc_km[(source, site)]
        offers.append((price, max(spare, 0.0) if limited else math.inf))
    imported = inputs.resource_import_price_yuan_per_t.get((resource, year))
    if imported is not None:
        km = inputs.site_hub_km.get(site, 0.0) + inputs.hub_gateway_km.get(inputs.cluster_of_site[site], 0.0)
        cap = inputs.resource_import_cap_t_per_yr.get((resource, year))
        spare = math.inf if cap is None or not limited else max(cap - figures.bought[(resource, year)], 0.0)
        offers.append((imported + rate * km, spare))
    return sorted(offers, key=lambda offer: offer[0])


def _input_price(inputs: ModelInputs, figures: _PlanFigures, product: str, year: int) -> float:
    """Yuan per unit of an input product in `year`: its import price where importable, else its
    cost per unit in the plan (`unit_costs`)."""
    price = inputs.import_price_yuan_per_unit.get((product, year))
    return price if price is not None else figures.unit_cost(year).get(product, 0.0)


def _running_cost(inputs: ModelInputs, figures: _PlanFigures, site: str, product: str, year: int, amount: float,
                  limited: bool = True) -> float:
    """Yuan per unit of making `amount` more units of `product` at `site` in `year`: energy and
    other variable cost, each raw material from the cheapest offers (`_raw_offers`, filled in
    turn; family `supply`) and each input product at `_input_price`."""
    energy = inputs.energy_kwh_per_unit.get(product, 0.0) * inputs.power_tariff_yuan_per_kwh.get(site, 0.0)
    per_unit = energy + inputs.other_variable_cost_yuan_per_unit.get(product, 0.0)
    for (down, up), a in inputs.input_units_per_unit.items():
        if down == product and a > 0:
            per_unit += a * _input_price(inputs, figures, up, year)
    if "supply" not in inputs.enabled_families:
        return per_unit
    for resource in inputs.RESOURCES:
        rho = inputs.resource_t_per_unit.get((product, resource), 0.0)
        offers = _raw_offers(inputs, figures, site, resource, year, limited) if rho > 0 else []
        if not offers:
            continue
        need, paid = rho * max(amount, 1.0), 0.0
        for price, spare in offers:
            take = min(spare, need)
            paid, need = paid + price * take, need - take
        per_unit += paid / max(amount, 1.0)
    return per_unit


def _most_made(inputs: ModelInputs, figures: _PlanFigures, site: str, product: str, year: int,
               words: _Words) -> tuple[float, list[_Block]]:
    """The most units of `product` one more module at `site` could make in `year` for want of
    raw material and inputs (infinite where nothing limits it), and the rules that leave it none:
    a raw material with no source within reach to spare and no import left (family `supply`); an
    input product not importable whose plants make all they can; an importable input held by its
    binding chain-balance row (more of it would have to be made in the province, whose plants
    make all they can). The steady-state year is named "the steady state after 2024" (`year_words`)."""
    most = math.inf
    blocks = []
    when = year_words(inputs, year)
    if "supply" in inputs.enabled_families:
        for resource in inputs.RESOURCES:
            rho = inputs.resource_t_per_unit.get((product, resource), 0.0)
            if rho <= 0:
                continue
            available = sum(spare for _price, spare in _raw_offers(inputs, figures, site, resource, year, True))
            most = min(most, available / rho)
            if available <= 0:
                blocks.append(_Block("feedstock", (resource, site), (
                    f"feedstock: {words.site(site)} could get no {resource_label(resource)} in {when}: every source "
                    "within its reach ships its whole supply and no more can be imported")))
    chain = "chain_balance" in inputs.enabled_families
    for (down, up), a in inputs.input_units_per_unit.items():
        if down != product or a <= 0:
            continue
        idle = figures.idle(up, year)
        share = inputs.chain_share_min.get(up, 0.0) if chain and chain_applies(inputs, up, year) else 0.0
        if inputs.import_price_yuan_per_unit.get((up, year)) is None:
            most = min(most, idle / a)
            if idle <= 0:
                blocks.append(_Block("feedstock", (up, year), (
                    f"feedstock: {product_label(up)}, which {words.label} production uses, is not imported in "
                    f"{when} and its plants make all they can")))
        elif share > 0 and figures.held(up, year):
            most = min(most, idle / (share * a))
            if idle <= 0:
                blocks.append(_Block("chain", (up, year), (
                    f"the chain-balance rule binds in {when}: {share:.0%} of the {product_label(up)} that "
                    f"{words.label} production uses must be made in the province, and its plants make all they "
                    "can")))
    return max(most, 0.0), blocks


def _rule_blocks(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec, product: str,
                 words: _Words) -> list[_Block]:
    """The rules one more module `spec` of `product` at `site` would break, the rest of the plan
    as it is (decision years aside: `_decision_blocks`): the capacity ceiling, the
    differentiation rows, the open-site limit and least investment of a site not yet open, and
    the land."""
    return (_ceiling_blocks(inputs, figures, spec, product, words)
            + _differentiation_blocks(inputs, figures, site, spec, product, words)
            + _opening_blocks(inputs, figures, site, spec, words)
            + _land_blocks(inputs, figures, site, spec, product, words))


def _ceiling_blocks(inputs: ModelInputs, figures: _PlanFigures, spec: ModuleSpec, product: str,
                    words: _Words) -> list[_Block]:
    """The capacity ceilings of the groups holding `product` that one more module would exceed
    (the row counts the online capacity of the last year, existing and committed included)."""
    last = inputs.YEARS[-1]
    size = spec.capacity_units_per_yr
    found = []
    for group, ceiling in group_ceilings(inputs).items():
        members = inputs.TARGET_GROUPS.get(group, (group,))
        online = sum(figures.online[(p, last)] for p in members)
        if product in members and online + size > ceiling * (1 + TIGHT):
            found.append(_Block("ceiling", (group,), (
                f"the capacity ceiling {product_label(group)}: at most {_qty(ceiling, words.unit)} may be online in "
                f"{last} and the plan has {_qty(online, words.unit)}, too much for one more "
                f"{_qty(size, words.unit)} module")))
    return found


def _differentiation_blocks(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec, product: str,
                            words: _Words) -> list[_Block]:
    """The differentiation rows one more module at `site` would break: the hosting limit, where
    its cluster does not host the product and as many clusters as may host it; the portfolio
    difference, where its cluster newly hosting the product leaves a pair of clusters differing in
    fewer products than they must; the cluster's lead share, where the product is not one of its
    lead products; and the value share of a cluster that would fall under the least share of the
    value added (all at nameplate: v[p] x the capacity added)."""
    if "differentiation" not in inputs.enabled_families:
        return []
    cluster = inputs.cluster_of_site[site]
    hosts = figures.hosting.get(product, set())
    limit = inputs.max_clusters_per_product.get(product)
    found = []
    if cluster not in hosts and limit is not None and len(hosts) >= limit:
        named = joined(words.cluster(c) for c in inputs.CLUSTERS if c in hosts)
        found.append(_Block("hosting", (), (
            f"the hosting limit: {words.label} may be added in at most {limit} cluster{'s' if limit != 1 else ''}, "
            f"and {named} host{'s' if len(hosts) == 1 else ''} it: no site of another cluster may add it")))
    if cluster not in hosts:
        found += _portfolio_blocks(inputs, figures, cluster, product, words)
    added = inputs.output_value_yuan_per_unit.get(product, 0.0) * spec.capacity_units_per_yr
    if added <= 0:
        return found
    size = _qty(spec.capacity_units_per_yr, words.unit)
    leads = inputs.lead_products.get(cluster, ())
    share = inputs.lead_share_min
    own = figures.value.get(cluster, {})
    if share > 0 and leads and product not in leads:
        total = sum(own.values()) + added
        lead = sum(v for p, v in own.items() if p in leads)
        if lead < share * total * (1 - TIGHT):
            found.append(_Block("lead_share", (cluster,), (
                f"the lead share of {words.cluster(cluster)}: {words.label} is not one of its lead products, and one "
                f"more {size} module there ({bn_yuan(added)}/yr of output value at nameplate) would bring its lead "
                f"products to {lead / total:.1%} of the output value it adds ({bn_number(lead)} of "
                f"{bn_number(total)} bn yuan/yr), under the least {share:.0%}")))
    found += _value_share_blocks(inputs, figures, cluster, added, size, words)
    return found


def _portfolio_blocks(inputs: ModelInputs, figures: _PlanFigures, cluster: str, product: str,
                      words: _Words) -> list[_Block]:
    """The cluster pairs whose portfolios would differ in fewer products than they must, were
    `cluster` to host `product` as well (pairs whose other cluster hosts it)."""
    least = inputs.min_portfolio_difference
    found = []
    for other in inputs.CLUSTERS if least > 0 else ():
        if other == cluster or other not in figures.hosting.get(product, set()):
            continue
        differ = sum(1 for p in inputs.PRODUCTS
                     if (cluster in figures.hosting.get(p, ())) != (other in figures.hosting.get(p, ())))
        if differ - 1 < least:
            found.append(_Block("portfolio", (cluster, other), (
                f"the portfolio difference: {words.label} added in {words.cluster(cluster)} would leave "
                f"{words.cluster(cluster)} and {words.cluster(other)} differing in {differ - 1} "
                f"product{'s' if differ - 1 != 1 else ''}, under the least {least}")))
    return found


def _value_share_blocks(inputs: ModelInputs, figures: _PlanFigures, cluster: str, added: float, size: str,
                        words: _Words) -> list[_Block]:
    """The first cluster whose share of the value added would fall under the least share, were
    `added` yuan/yr of value (at nameplate) added in `cluster`."""
    share = inputs.min_cluster_value_share
    if share <= 0:
        return []
    total = sum(v for by_product in figures.value.values() for v in by_product.values()) + added
    for other in inputs.CLUSTERS:
        own = sum(figures.value.get(other, {}).values()) + (added if other == cluster else 0.0)
        if own < share * total * (1 - TIGHT):
            return [_Block("value_share", (cluster, other), (
                f"the cluster value share: one more {size} module in {words.cluster(cluster)} "
                f"({bn_yuan(added)}/yr of output value at nameplate) would leave {words.cluster(other)} "
                f"{own / total:.1%} of the output value the plan adds ({bn_number(own)} of {bn_number(total)} bn "
                f"yuan/yr), under the least {share:.0%}"))]
    return []


def _opening_blocks(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec,
                    words: _Words) -> list[_Block]:
    """For a site not yet open (family `agglomeration`): its cluster at the open-site limit, and a
    module whose capex is under the least investment of a newly opened site."""
    if "agglomeration" not in inputs.enabled_families or site in figures.open:
        return []
    cluster = inputs.cluster_of_site[site]
    limit = inputs.max_open_sites_per_cluster.get(cluster)
    opened = sum(1 for s in figures.open if inputs.cluster_of_site.get(s) == cluster)
    found = []
    if limit is not None and opened >= limit:
        found.append(_Block("open_sites", (cluster,), (
            f"the open-site limit: {words.cluster(cluster)} has as many open sites as it may ({limit}), so its "
            f"sites not yet open may not add {words.label}")))
    least = inputs.min_investment_per_open_site_yuan
    if least > 0 and spec.capex_yuan < least * (1 - TIGHT):
        found.append(_Block("investment", (spec.module_id,), (
            f"the least investment per open site: one {_qty(spec.capacity_units_per_yr, words.unit)} module "
            f"({bn_yuan(spec.capex_yuan)} of capex) is less than the {bn_yuan(least)} a newly opened site must "
            "invest")))
    return found


def _land_left(figures: _PlanFigures, site: str, product: str) -> float:
    """The usable land (ha) left for `product` at `site` by the plan: the least, over the land
    rows of the levels at or above L[s,p], of the level less the land of the products it holds."""
    levels = figures.levels[site]
    own = levels[product]
    return min(level - sum(figures.land[(site, q)] for q, land in levels.items() if land <= level)
               for level in set(levels.values()) if level >= own)


def _land_blocks(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec, product: str,
                 words: _Words) -> list[_Block]:
    """The land, where one more module would not fit on what the plan leaves of it (family
    `land`)."""
    if "land" not in inputs.enabled_families:
        return []
    left = _land_left(figures, site, product)
    if spec.land_ha <= left + TIGHT * max(1.0, spec.land_ha):
        return []
    return [_Block("land", (site,), (
        f"land: one more {_qty(spec.capacity_units_per_yr, words.unit)} module needs {spec.land_ha:,.4g} ha, and "
        f"{words.site(site)} has {max(left, 0.0):,.4g} ha of its usable land left"))]


def _decision_blocks(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec,
                     years: Sequence[int], words: _Words) -> tuple[list[int], list[_Block]]:
    """The decision `years` in which one more module may be decided at `site`, and, when it may
    be in none, why: the budget (family `budget`) and the build rate (family `build_rate`) of
    each year."""
    allowed, budget, rate = [], [], []
    budgets = inputs.budget_yuan_per_yr if "budget" in inputs.enabled_families else {}
    rated = "build_rate" in inputs.enabled_families
    for year in years:
        cap = budgets.get(year)
        over_budget = cap is not None and figures.spent[year] + spec.capex_yuan > cap * (1 + TIGHT)
        modules, capex = figures.decided.get((site, year), (0.0, 0.0))
        most_modules = inputs.max_modules_per_site_per_yr if rated else None
        most_capex = inputs.max_capex_yuan_per_site_per_yr if rated else None
        over_rate = ((most_modules is not None and modules + 1 > site_year_limit(inputs, site, most_modules))
                     or (most_capex is not None and capex + spec.capex_yuan
                         > site_year_limit(inputs, site, most_capex) * (1 + TIGHT)))
        if over_budget:
            budget.append(year)
        if over_rate:
            rate.append(year)
        if not over_budget and not over_rate:
            allowed.append(year)
    if allowed:
        return allowed, []
    size = _qty(spec.capacity_units_per_yr, words.unit)
    blocks = []
    if budget:
        left = joined(f"{bn_yuan(max(budgets[t] - figures.spent[t], 0.0))} of capex in {t}" for t in budget)
        blocks.append(_Block("budget", (spec.module_id,), (
            f"the budget: it leaves {left}, less than one more {size} module costs ({bn_yuan(spec.capex_yuan)})")))
    if rate:
        blocks.append(_Block("build_rate", (site,), (
            f"the build rate: {words.site(site)} may decide no more than it does in {_years_text(rate)}, and one "
            f"more {size} module ({bn_yuan(spec.capex_yuan)}) would exceed it")))
    return [], blocks


def _option(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec, product: str,
            fill: Sequence[int], words: _Words) -> _Option:
    """One more module `spec` at `site`, for the imports of the years `fill` (plan years, and the
    steady-state year where it replaces imports then): the rules that keep it out, or its best
    decision year (the greatest net saving, the earliest of equals), among those it may be decided
    in and produce by the last of `fill`, with its figures (`_module_years`; the net saving
    weighted as the objective weights the years, `ModelInputs.year_weight`, the steady-state year
    included); kept out for want of feedstock when it could make nothing in any of `fill`."""
    blocks = _rule_blocks(inputs, figures, site, spec, product, words)
    lead = inputs.lead_time_yr.get(product, 0)
    decisions = [d for d in build_years(inputs, product) if d + lead <= max(fill)]
    allowed, more = _decision_blocks(inputs, figures, site, spec, decisions, words)
    if blocks or more:
        return _Option(site, spec, tuple(blocks + more))
    starved: list[_Block] = []
    for year in fill:
        most, why = _most_made(inputs, figures, site, product, year, words)
        if most > 0:
            break
        starved += why
    else:
        return _Option(site, spec, tuple(starved))
    best = None
    for decided in allowed:
        years, opening = _module_years(inputs, figures, site, spec, product, decided, fill, words)
        net = sum(inputs.year_weight.get(y.year, 1.0) * (y.worth - y.cost) for y in years) - opening
        if best is None or net > best.net + TIGHT * max(1.0, abs(best.net)):
            best = _Option(site, spec, (), decided, tuple(years), opening, net)
    assert best is not None
    return best


def _module_years(inputs: ModelInputs, figures: _PlanFigures, site: str, spec: ModuleSpec, product: str,
                  decided: int, fill: Sequence[int], words: _Words) -> tuple[list[_Year], float]:
    """Each operating year one more module `spec` at `site` decided in `decided` would stand in
    (the plan's years and the steady-state year, `ModelInputs.OPERATING_YEARS`, as the objective
    counts them), and its opening cost (discounted yuan; 0 at an open site or with family
    `agglomeration` off). Each year it makes, within its usable capacity (its first year at the
    ramp-up share, the steady-state year in full: `ModelInputs.ramp_share`) and what raw material
    and inputs allow (`_most_made`; the steady-state year's plan figures from
    `Plan.steady_state`), the imports of that
    year where it makes them for less than their delivered cost (only in `fill`: not where the
    plan's own capacity stands idle), then sales, up to the sales cap, where they earn more than
    they cost to make; it costs its yearly capacity cost and the production and carriage of what
    it makes."""
    lead = inputs.lead_time_yr.get(product, 0)
    fixed = _fixed_yuan_per_yr(inputs, site, spec)
    rate = inputs.transport_yuan_per_t_km * inputs.transport_t_per_unit.get(product, 0.0)
    cluster = inputs.cluster_of_site[site]
    rows = []
    for year in inputs.OPERATING_YEARS:
        if year < decided + lead:
            continue
        usable = inputs.utilisation.get(product, 1.0) * spec.capacity_units_per_yr * (
            min(inputs.ramp_share(product, year), 1.0) if year == decided + lead else 1.0)
        most, _why = _most_made(inputs, figures, site, product, year, words)
        made = min(usable, most)
        running = _running_cost(inputs, figures, site, product, year, made)
        local, imported = _carriage(inputs, figures, site, product, year)
        price = inputs.import_price_yuan_per_unit.get((product, year))
        replaced = 0.0
        if year in fill and price is not None and running + local < price + imported:
            replaced = min(made, figures.imports[(product, year)])
        sold = 0.0
        sale = inputs.price_yuan_per_unit.get((product, year), 0.0)
        carry = rate * (inputs.site_hub_km.get(site, 0.0) + inputs.hub_gateway_km.get(cluster, 0.0))
        if sale - carry > running and made > replaced:
            cap = inputs.sales_cap_units.get((product, year)) if "market" in inputs.enabled_families else None
            room = math.inf if cap is None else max(cap - figures.sold[(product, year)], 0.0)
            sold = min(made - replaced, room)
        cost = fixed + (running + local) * replaced + (running + carry) * sold
        rows.append(_Year(year, replaced, sold, cost, ((price or 0.0) + imported) * replaced + sale * sold))
    opening = 0.0
    if "agglomeration" in inputs.enabled_families and site not in figures.open:
        opening = inputs.discount_factor.get(decided, 1.0) * inputs.site_fixed_cost_yuan
    return rows, opening


#: Why capacity stands idle (stranded.csv's `reason`), as a phrase after the idle amount.
IDLE_PHRASES = {
    "feedstock": "for want of feedstock",
    "market": "held back by its sales cap",
    "cost": "as running it would cost more than its output brings",
}


def _import_reasons(inputs: ModelInputs, figures: _PlanFigures, product: str, years: Sequence[ImportedYear],
                    words: _Words, within: str, gap_yuan: float | None = None) -> list[str]:
    """Why the plan makes no more of `product` in the import `years`: the lead time, for the
    years before anything the plan adds produces; the chain-balance rule of `product` when it does
    not hold in some of them (`_chain_rule_years`); the plants' use (all they can, or capacity
    idle, with stranded.csv's reason); then what keeps one more module out, the rest of the plan
    as it is: no site that may add it, the rules each candidate site would break (`_Option`,
    named once per rule and place, `_blocking_reasons`), and for the best module no rule keeps
    out, its economics (`_economic_reason`; `within`, why a plan may miss a saving; `gap_yuan`, the
    plan's proven absolute gap, under which a dearer module is not proven dearer). A module
    replaces imports in the import years its plants do not leave capacity idle, and in the
    steady-state year (`ModelInputs.STEADY_YEAR`) under the same terms, where the plan imports
    `product` then."""
    reasons = []
    first_year = inputs.YEARS[0]
    lead = inputs.lead_time_yr.get(product, 0)
    first = first_year + lead
    early = [y.year for y in years if y.year < first]
    if early and inputs.index.modules_of_product.get(product):
        comes = "comes" if len(early) == 1 else "come"
        reasons.append(f"the lead time: modules of {words.label} decided from {first_year} on first produce in "
                       f"{first}, {_years(lead)} later; {_years_text(early)} {comes} before")
    reasons += _chain_rule_years(inputs, figures, product, [y.year for y in years], words.label)
    idle = [y.year for y in years if figures.idle(product, y.year) > 0]
    full = [y for y in years if y.made > 0 and y.year not in idle]
    if full:
        reasons.append(f"its plants make all their usable capacity allows in {_years_text([y.year for y in full])} "
                       f"({joined(_qty(y.made, words.unit) for y in full)} made)")
    for year in idle:
        why = _idle_why(figures.plan, product, year)
        reasons.append(f"{_qty(figures.idle(product, year), words.unit)} of its usable capacity stands idle in {year}"
                       + (f", {why} (stranded.csv)" if why else ""))
    fill = [y.year for y in years if y.year >= first and y.year not in idle]
    if not fill:
        return reasons
    steady = inputs.STEADY_YEAR
    if steady is not None and figures.imports[(product, steady)] > 0 and figures.idle(product, steady) <= 0:
        fill.append(steady)  # the steady state's imports too, as the objective counts them
    candidates = _candidates(inputs, product)
    if not candidates:
        return [*reasons, f"no site may add {words.label}: the red line, the proximity rule and the land leave it no "
                          "candidate site"]
    options = [_option(inputs, figures, site, spec, product, fill, words) for site, spec in candidates]
    reasons += _blocking_reasons(options)
    free = [o for o in options if not o.blocks]
    if free:
        best = max(free, key=lambda o: o.net)
        reasons.append(_economic_reason(inputs, best, product, words, within, gap_yuan))
    return reasons


def _idle_why(plan: Plan, product: str, year: int) -> str:
    """Why capacity of `product` stands idle in `year`, from stranded.csv's reasons (`IDLE_PHRASES`);
    "" when stranded.csv has no row of it."""
    stranded = plan.stranded
    if stranded.empty:
        return ""
    rows = stranded.loc[(stranded["product"] == product) & (stranded["year"] == year)]
    return joined(IDLE_PHRASES.get(str(r), str(r)) for r in dict.fromkeys(rows["reason"]))


def _chain_rule_years(inputs: ModelInputs, figures: _PlanFigures, product: str, years: Sequence[int],
                      label: str) -> list[str]:
    """When the chain-balance rule of `product` does not hold in some of the import `years`
    (`chain_applies`), the year it holds from, with its share, and whether it binds in each year it
    holds (`_PlanFigures.held`); nothing when it holds in all of them, or `product` has no rule."""
    share = inputs.chain_share_min.get(product, 0.0)
    users = [d for d in inputs.PRODUCTS if inputs.input_units_per_unit.get((d, product), 0.0) > 0]
    before = [t for t in years if not chain_applies(inputs, product, t)]
    if "chain_balance" not in inputs.enabled_families or share <= 0 or not users or not before:
        return []
    rule = (f"the chain-balance rule of {label} (at least {share:.0%} of the {label} that "
            f"{joined(product_label(d) for d in users)} production uses made in the province)")
    holds = [t for t in inputs.YEARS if chain_applies(inputs, product, t)]
    if not holds:
        return [f"{rule} holds in no plan year: no module of {label} decided within the plan can produce by "
                f"{inputs.YEARS[-1]}"]
    binds = [t for t in holds if figures.held(product, t)]
    loose = [t for t in holds if t not in binds]
    if binds and loose:
        verdict = f"it binds in {_years_text(binds)}, not in {_years_text(loose)}"
    else:
        verdict = f"it binds in {_years_text(binds)}" if binds else (
            f"it does not bind in {loose[0]}" if len(loose) == 1 else
            f"it binds in neither {loose[0]} nor {loose[1]}" if len(loose) == 2 else
            f"it binds in none of {_years_text(loose)}")
    return [f"{rule} holds from {holds[0]}, the first year a module of {label} decided within the plan can "
            f"produce, so it does not apply to {_years_text(before)}; {verdict}"]


def _years(count: int) -> str:
    return f"{count} year" if count == 1 else f"{count} years"


def _blocking_reasons(options: Sequence[_Option]) -> list[str]:
    """The rules that keep one more module out, each once per rule and place, in BLOCK_ORDER:
    for each site where every module size is kept out, the rules its smallest module breaks (only
    the hosting limit, where that binds: a cluster that may not host the product)."""
    sites: dict[str, list[_Option]] = defaultdict(list)
    for option in options:
        sites[option.site].append(option)
    found: dict[tuple[str, tuple[Any, ...]], str] = {}
    for site_options in sites.values():
        if any(not o.blocks for o in site_options):
            continue
        blocks = site_options[0].blocks
        hosting = [b for b in blocks if b.kind == "hosting"]
        for block in hosting or blocks:
            found.setdefault((block.kind, block.key), block.text)
    order = {kind: i for i, kind in enumerate(BLOCK_ORDER)}
    return [text for (_kind, _key), text in sorted(found.items(), key=lambda item: order[item[0][0]])]


def weighted_words(inputs: ModelInputs) -> str:
    """How a sum over the years is weighted, as the objective weights it: "discounted", or with a
    steady-state year standing for the years after the horizon (objective.years_after_horizon N,
    `ModelInputs.STEADY_YEAR`, `ModelInputs.year_weight`) "discounted, with the steady state after
    2024 counted for the 14 years after it" (N = 1: "... for the year after it"; 2024 the last
    plan year)."""
    after = inputs.years_after_horizon
    if not after or not inputs.YEARS:
        return "discounted"
    years = "the year" if after == 1 else f"the {after} years"
    return f"discounted, with the steady state after {inputs.YEARS[-1]} counted for {years} after it"


def _economic_reason(inputs: ModelInputs, option: _Option, product: str, words: _Words, within: str,
                     gap_yuan: float | None = None) -> str:
    """Why the best module no rule keeps out is not built: it would cost more than the imports it
    replaces (and the sales it makes) are worth, year by year ("a whole module of N would cost X
    against Y of imports", the steady-state year named "the steady state after 2024"); or it would
    save less than opening its site costs; or, saving more,
    `within`: the plan is optimal only within the solve's gap, or is a near-optimal alternative.
    Where the module (or opening its site) costs more than it saves by no more than `gap_yuan`, the
    plan's proven absolute gap (yuan), the reason says so: that difference is not proven."""
    size = _qty(option.spec.capacity_units_per_yr, words.unit)
    where = f"at {words.site(option.site)}, decided in {option.decided}"
    saving = option.net + option.opening
    weighted = weighted_words(inputs)
    if option.net > 0:
        return (f"no rule keeps it out: one more {size} module {where}, would save {bn_yuan(option.net)} ({weighted}) "
                f"against imports; {within}")
    if saving > 0:
        return (f"opening a site: {words.site(option.site)} is not open, and opening it would cost "
                f"{bn_yuan(option.opening)} (discounted), more than one more {size} module there, decided in "
                f"{option.decided}, would save against imports ({bn_yuan(saving)}, {weighted})"
                + _unproven_extra(option.opening - saving, gap_yuan))
    rows = option.years
    single = len(rows) == 1
    costs = joined(f"{bn_yuan(r.cost)}/yr" + ("" if single else f" in {year_words(inputs, r.year)}") for r in rows)
    worths = joined(f"{bn_number(r.worth)}" for r in rows) + " bn yuan/yr"
    replaced = joined(_qty(r.replaced, words.unit) for r in rows)
    sold = f" and sales ({joined(_qty(r.sold, words.unit) for r in rows)})" if any(r.sold > 0 for r in rows) else ""
    ramp = min(inputs.ramp_up_share.get(product, 1.0), 1.0)
    first = option.decided + inputs.lead_time_yr.get(product, 0) if option.decided is not None else None
    ramped = (f"; {first} is its first year, at the {ramp:.0%} ramp-up share" if ramp < 1 and rows
              and rows[0].year == first else "")
    more = "" if single else f", {bn_yuan(-saving)} more in all, {weighted}"
    return (f"whole modules: a whole module of {size} {where}, would cost {costs} against {worths} of the imports "
            f"it would replace ({replaced}){sold}{more}{ramped}" + _unproven_extra(-saving, gap_yuan))


def _unproven_extra(extra_yuan: float, gap_yuan: float | None) -> str:
    """The clause saying that a module dearer by `extra_yuan` (discounted, weighted) is dearer by
    no more than the plan's proven absolute gap `gap_yuan`, so not proven; "" otherwise."""
    if gap_yuan is None or not 0 < extra_yuan <= gap_yuan:
        return ""
    return (f"; that is within the plan's proven gap of {bound_bn(gap_yuan, up=True)}, so not proven: another plan "
            "within the gap may build it")
