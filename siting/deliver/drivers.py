"""What explains a solved plan, from the plan and the model inputs alone (no re-solve).

A mixed-integer program has no duals, so the binding rules are found by slack checks on the
plan's own figures: a target met exactly, a budget year spent to its cap, a site whose land is
used up, a cluster at its open-site limit, a source shipping its whole supply. For each target
the plan overshoots, `overshoot_reasons` names what forces the extra (the output-value target,
the chain-balance rule, a later target, the existing capacity, or whole module sizes); for
capacity that is built but not used, `stranded_capacity` gives the idle share per site and
product.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from models import ModelInputs
from siting.deliver.units import bn_yuan, per_year, product_label
from siting.optimize.results import Plan

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
    cap = plan.capacity
    return float(cap.loc[cap["product"].isin(products) & (cap["year"] == year), column].sum())


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
            reasons = _value_reasons(inputs, plan, int(row.year))
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
    if "chain_balance" in inputs.enabled_families:
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
                reasons.append(f"the chain-balance rule binds: {share:.0%} of the {product_label(product)} that "
                               f"{', '.join(users)} production uses ({_qty(share * consumed, units[product])}) "
                               f"must be made in the province")
    later = [(t, g) for (name, t), g in inputs.capacity_target_units.items() if name == group and t > year and g > goal]
    if later and planned <= max(g for _t, g in later) * (1 + TIGHT):
        t2, g2 = min(later)
        budget = " (the budget caps what can be spent later)" if "budget" in inputs.enabled_families \
            and inputs.budget_yuan_per_yr else ""
        reasons.append(f"a later target: capacity for the {t2} goal of "
                       f"{_qty(g2, unit)} is built by {year}{budget}")
    ceiling = _ceiling(inputs, group)
    added = planned - existing
    if ceiling is not None and _tight(added, ceiling):
        reasons.append(f"the capacity ceiling is reached: at most {_qty(ceiling, unit)} may be added for this "
                       f"target; what forces the excess up to it is one of the reasons above")
    sizes = sorted({spec.capacity_units_per_yr for spec in inputs.MODULES if spec.product in products})
    if sizes and planned - goal < max(sizes) and existing + committed <= goal:
        reasons.append(f"whole modules: modules come in {', '.join(_qty(s, unit) for s in sizes)}, so the "
                       f"capacity cannot land exactly on the goal; the cheapest whole-module mix that reaches "
                       f"{_qty(goal, unit)} gives {_qty(planned, unit)}")
    trade = plan.trade
    sold = trade[(trade["year"] == year) & trade["product"].isin(products)] if len(trade) else trade
    if len(sold) and float(sold["sales"].sum()) > 0:
        reasons.append(f"sales pay for it: {_qty(float(sold['sales'].sum()), unit)} are sold outside the province "
                       f"in {year} for {bn_yuan(float(sold['revenue_yuan'].sum()))}, more than the capacity "
                       "and production cost")
    if not reasons:
        reasons.append("no rule forces it: building more costs less here (a larger module is cheaper per unit, "
                       "or capacity built for one product serves the others' needs)")
    return reasons


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


def _ceiling(inputs: ModelInputs, group: str) -> float | None:
    phi = inputs.capacity_ceiling_factor if "targets" in inputs.enabled_families else 0.0
    goals = [g for (name, _t), g in inputs.capacity_target_units.items() if name == group]
    if phi <= 0 or not goals or max(goals) <= 0:
        return None
    members = set(inputs.TARGET_GROUPS.get(group, (group,)))
    largest = max((s.capacity_units_per_yr for s in inputs.MODULES if s.product in members), default=0.0)
    return max(phi * max(goals), max(goals) + largest)


def _value_reasons(inputs: ModelInputs, plan: Plan, year: int) -> list[str]:
    reasons = []
    if any(t == year for (_g, t) in inputs.capacity_target_units):
        reasons.append("the capacity targets: the capacity they force produces more value than the output-value "
                       "target asks for")
    if "chain_balance" in inputs.enabled_families and inputs.chain_share_min:
        reasons.append("the chain-balance rule: upstream products must be made in the province for the "
                       "downstream production")
    if not reasons:
        reasons.append("no rule forces it: the production costs nothing more in the model")
    return reasons


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


def binding_rules(inputs: ModelInputs, plan: Plan, units: Mapping[str, str]) -> list[str]:
    """The rules the plan meets with no slack, found from its figures, as sentences."""
    found = []
    for row in plan.targets.itertuples(index=False):
        goal, planned = float(row.target_value), float(row.achieved)
        if float(row.shortfall) > 0:
            continue
        if goal > 0 and abs(planned - goal) <= TIGHT * max(1.0, goal):
            if row.kind == "capacity":
                unit = _group_unit(tuple(inputs.TARGET_GROUPS.get(row.target, (row.target,))), units)
                found.append(f"the capacity target {row.target} {row.year} is met exactly ({_qty(goal, unit)})")
            else:
                found.append(f"the output-value target {row.year} is met exactly ({bn_yuan(goal)})")
    return found + _limits_used_up(inputs, plan)


def _limits_used_up(inputs: ModelInputs, plan: Plan) -> list[str]:
    """Budget years spent to the cap, sites out of land, clusters at their open-site limit and
    sources shipping their whole supply."""
    found = []
    if "budget" in inputs.enabled_families:
        spent = plan.builds.groupby("year")["capex_yuan"].sum().to_dict() if not plan.builds.empty else {}
        for year, cap in sorted(inputs.budget_yuan_per_yr.items()):
            if year in inputs.YEARS and _tight(float(spent.get(year, 0.0)), cap):
                found.append(f"the budget {year} is spent to its cap ({bn_yuan(cap)} of capex)")
    land: dict[str, float] = defaultdict(float)
    for row in plan.builds.itertuples(index=False):
        land[row.site] += row.modules * inputs.module(row.module).land_ha
    for site, used in sorted(land.items()):
        available = inputs.site_land_ha.get(site)
        if available is not None and available > 0 and _tight(used, available):
            found.append(f"site {site} uses all its land ({available:,.4g} ha)")
    opened: dict[str, int] = defaultdict(int)
    for site in plan.opened_sites:
        opened[inputs.cluster_of_site.get(site, "")] += 1
    if "agglomeration" in inputs.enabled_families:
        for cluster, limit in sorted(inputs.max_open_sites_per_cluster.items()):
            if opened.get(cluster, 0) >= limit > 0:
                found.append(f"cluster {cluster} opens as many sites as it may ({limit})")
    if not plan.flows.empty:
        shipped = plan.flows.groupby(["source", "year"])["tonnes"].sum().to_dict()
        for (source, year), tonnes in sorted(shipped.items()):
            supply = inputs.supply_t_per_yr.get((source, int(year)))
            if supply is not None and supply > 0 and _tight(float(tonnes), supply):
                found.append(f"source {source} ships its whole supply in {year} ({supply:,.0f} t)")
    return found


def cost_drivers(plan: Plan) -> list[tuple[str, float, float]]:
    """Cost components above zero, largest first: (name, yuan, share of their sum; sales revenue,
    a negative cost, is left out of both)."""
    total = sum(v for v in plan.costs.values() if v > 0)
    items = sorted(((n, float(v)) for n, v in plan.costs.items() if v > 0), key=lambda item: (-item[1], item[0]))
    return [(name, value, value / total if total else 0.0) for name, value in items]


def units_of(catalog: Any, inputs: ModelInputs) -> dict[str, str]:
    """Each product's catalog unit."""
    return {p: catalog.products[p].unit for p in inputs.PRODUCTS}
