"""What explains a solved plan, from the plan and the model inputs alone (no re-solve).

A mixed-integer program has no duals, so the binding rules are found by slack checks on the
plan's own figures: a target met exactly, a target group at its capacity ceiling, a
chain-balance row met exactly, a product hosted in as many clusters as it may, a cluster at its
least lead share or value share, two clusters differing in no more products than they must, a
product sold up to its sales cap, a site at its least utilisation, a budget year spent to its
cap, a site at its build rate, a site whose land is used up, a newly opened site at the least
investment, a cluster at its open-site limit, a source shipping its whole supply, a raw material
imported up to its cap, the recycling demonstrations at their least or most number and a
demonstration at its least or most size (which sites are demonstrations: `Plan.demo_sites`).
For each target the plan overshoots, `overshoot_reasons` names what forces the extra (for a capacity target: the
output-value target, the chain-balance rule, a later target, the existing capacity, whole module
sizes, or sales earning more than what is sold costs to make, `unit_costs`; for an output-value
target: the capacity added ahead of later targets and the
existing and committed plants, each with the output value its production makes, a binding
chain-balance rule, and sales revenue against the year's costs, `year_costs`); for capacity that
is built but not used, `stranded_capacity` gives the idle share per site and product. For each
product without a capacity target to which the plan adds capacity, `untargeted_builds` says why
(its capacity used in full, sales earning more than what is sold costs to make, a binding
chain-balance rule or output-value target, making it for less than its import price, whole
module sizes). For the
products the proximity rule excludes at a site, `proximity_reasons` says why: no source within
reach, or only prospective sources, which the scenario leaves out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models import ModelInputs
from models.costs import capex_annuity_yuan_per_yr, land_annuity_yuan_per_yr
from models.families.agglomeration import pre_opened_sites
from models.families.build_rate import site_year_limit
from models.families.output_value import value_per_unit
from models.families.proximity import too_far
from models.index import group_ceilings
from siting.config.units import bn_number, bn_yuan, cost_label, joined, per_year, product_label
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
    values in order, as pandas sums a selection)."""
    cap = plan.capacity
    chosen = cap["product"].isin(products).to_numpy(dtype=bool) & (cap["year"].to_numpy() == year)
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
    if sizes and planned - goal < max(sizes) and existing + committed <= goal:
        reasons.append(f"whole modules: modules come in {', '.join(_qty(s, unit) for s in sizes)}, so the "
                       f"capacity cannot land exactly on the goal; the cheapest whole-module mix that reaches "
                       f"{_qty(goal, unit)} gives {_qty(planned, unit)}")
    reasons += _sales_pay_reason(inputs, plan, products, year, unit)
    if not reasons:
        reasons.append("no rule forces it: building more costs less here (a larger module is cheaper per unit, "
                       "or capacity built for one product serves the others' needs)")
    return reasons


def _sales_pay_reason(inputs: ModelInputs, plan: Plan, products: Sequence[str], year: int, unit: str) -> list[str]:
    """"sales pay for it" when the products' sales outside the province in `year` earn more than
    the cost of making what is sold: each product's units sold at its cost per unit that year
    (`unit_costs`: capacity, running costs and inputs); nothing when nothing is sold or the
    revenue does not cover that cost (output sold at no price, or below its cost, goes out because
    something else forces its making, and the other reasons say what)."""
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
    return [f"sales pay for it: {_qty(float(sold['sales'].sum()), unit)} are sold outside the province in {year} "
            f"for {bn_yuan(revenue)}, more than the capacity and production cost"]


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
    capacity is online: the years its capacity is used in full; sales earning more than the cost
    of what is sold (`_sales_pay_reason`); a chain-balance row that binds (`binding_chains`); the
    output-value target binding, with the output value the product makes; making it costing
    less than importing it (`output_costs` against the import price), for what the province uses
    of it; whole modules, when the least idle capacity of those years is under a module."""
    unit = units[product]
    label = product_label(product)
    reasons = []
    idle = {t: _idle_usable(inputs, plan, product, t) for t in years}
    full = [t for t in years if idle[t] <= 0]
    if full:
        made = joined(_qty(_capacity_in(plan, (product,), t, "production"), unit) for t in full)
        ramp = inputs.ramp_up_share.get(product, 1.0)
        first = f"; {years[0]} is the first year of the added modules, at the {ramp:.0%} ramp-up share" \
            if full[0] == years[0] and ramp < 1 else ""
        reasons.append(f"its capacity is used in full in {_years_text(full)} ({made} made): all its usable "
                       f"capacity allows{first}")
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
            f"{per_unit:,.0f} yuan/{unit} (capacity, production and inputs), imports {price:,.0f} yuan/{unit}; "
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


def _in_year(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of a plan table in `year` (the table itself when empty: it may lack the columns)."""
    return table if table.empty else table.loc[table["year"] == year]


def _product_costs(inputs: ModelInputs, plan: Plan, year: int) -> tuple[dict[str, float], dict[str, float]]:
    """`output_costs` and `unit_costs` of `year`. The input products are valued downstream from
    the raw materials (the product chain has no cycle; one would value the input that closes it at
    nothing)."""
    own: dict[str, float] = defaultdict(float)
    for b in plan.builds.itertuples(index=False):
        if year >= int(b.year) + inputs.lead_time_yr.get(b.product, 0):
            spec = inputs.module(b.module)
            own[b.product] += b.modules * (capex_annuity_yuan_per_yr(inputs, spec)
                                           + land_annuity_yuan_per_yr(inputs, b.site, spec)
                                           + spec.fixed_opex_yuan_per_yr)
    made: dict[str, float] = defaultdict(float)
    use: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in plan.capacity.loc[plan.capacity["year"] == year].itertuples(index=False):
        produced = float(row.production)
        made[row.product] += produced
        energy = inputs.energy_kwh_per_unit.get(row.product, 0.0) * inputs.power_tariff_yuan_per_kwh.get(row.site, 0.0)
        own[row.product] += (energy + inputs.other_variable_cost_yuan_per_unit.get(row.product, 0.0)) * produced
        for resource in inputs.RESOURCES:
            rho = inputs.resource_t_per_unit.get((row.product, resource), 0.0)
            if rho > 0 and produced > 0:
                use[(row.site, resource)][row.product] += rho * produced
    rate = inputs.transport_yuan_per_t_km
    raw: dict[tuple[str, str], float] = defaultdict(float)
    for row in _in_year(plan.flows, year).itertuples(index=False):
        raw[(row.site, row.resource)] += (inputs.resource_price_yuan_per_t.get(row.resource, 0.0)
                                          + rate * row.km) * row.tonnes
    for row in _in_year(plan.raw_imports, year).itertuples(index=False):
        km = inputs.site_hub_km.get(row.site, 0.0) + inputs.hub_gateway_km.get(inputs.cluster_of_site[row.site], 0.0)
        raw[(row.site, row.resource)] += float(row.import_cost_yuan) + rate * km * row.tonnes
    for key, cost in raw.items():
        total = sum(use[key].values())
        for product, used in use[key].items():
            own[product] += cost * used / total
    for row in _in_year(plan.product_flows, year).itertuples(index=False):
        own[row.product] += rate * inputs.transport_t_per_unit.get(row.product, 0.0) * row.km * row.units
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
        if share <= 0:
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
    the product's ramp-up share (as `models.variables` counts them)."""
    ramp = min(inputs.ramp_up_share.get(row.product, 1.0), 1.0)
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
    of raw material, raw imports and products. Discounted with the discount factors and summed
    over the years, each part gives its component of `plan.costs`."""
    years = list(inputs.YEARS)
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
             for r in order[:NAMED_SALES]]
    more = len(order) - NAMED_SALES
    items = ", ".join(named) + (f" and {more} more product{'s' if more > 1 else ''}" if more > 0 else "")
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


def stranded_capacity(plan: Plan, inputs: ModelInputs, units: Mapping[str, str], year: int) -> pd.DataFrame:
    """Per site and product in `year`: capacity, usable capacity (capacity x the product's
    utilisation), planned production, and the idle usable capacity and its share, for every site
    and product producing less than it could."""
    cap = plan.capacity.loc[plan.capacity["year"] == year]
    rows = []
    for row in cap.itertuples(index=False):
        capacity, produced = float(row.capacity), float(row.production)
        usable = capacity * inputs.utilisation.get(row.product, 1.0)
        if usable <= 0 or produced >= usable * (1 - TIGHT):
            continue
        rows.append((row.site, row.product, per_year(units[row.product]), capacity, usable, produced,
                     usable - produced, (usable - produced) / usable))
    return pd.DataFrame(rows, columns=["site", "product", "unit", "capacity", "usable", "production", "idle",
                                       "idle_share"])


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
    (`min_sites`, above 0), one entry when the two are the same; then each demonstration site, in
    the plan's order, adding no more of the product than the least demonstration size (n x D at a
    site of n demonstrations) or as much as the most (Dmax, a site of one candidate), one entry
    when both. Sites by their `names`, "; " between them (names hold commas)."""
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
    listed = f"{count} site{'s' if count != 1 else ''}" + (
        f": {'; '.join(names.get(s, s) for s in plan.demo_sites)}" if plan.demo_sites else "")
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
