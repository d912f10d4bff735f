"""Read a solved model back into plain tables: the plan, capacities, flows, costs, targets."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo

from models import ModelInputs
from models.formulation import COST_COMPONENTS, MONEY_UNIT_YUAN

#: Values below this are solver noise, reported as zero.
ZERO = 1e-6


def clean(value: float | None) -> float:
    """Round solver output: -0.0 and noise to 0, and 9 significant digits so that outputs are
    stable across platforms."""
    if value is None or abs(value) < ZERO:
        return 0.0
    return float(f"{value:.9g}")


@dataclass(frozen=True)
class Plan:
    """The solved plan as tables; every money figure in yuan, capacity in product units per year."""

    builds: pd.DataFrame  # site, cluster, product, year, module, modules, capacity_added, capex_yuan
    capacity: pd.DataFrame  # site, cluster, product, year, existing, added_cumulative, capacity, production
    flows: pd.DataFrame  # source, site, resource, year, tonnes, km
    costs: dict[str, float]  # component -> discounted yuan
    targets: pd.DataFrame  # kind, target, year, target_value, achieved, shortfall
    output_value: pd.DataFrame  # year, output_value_yuan
    opened_sites: tuple[str, ...]


def extract_plan(model: pyo.ConcreteModel, inputs: ModelInputs) -> Plan:
    cluster = inputs.cluster_of_site
    rows = []
    for s, p, mid, t in model.BUILD:
        count = round(model.build[s, p, mid, t].value or 0.0)
        if count > 0:
            spec = inputs.module(mid)
            rows.append((s, cluster[s], p, t, mid, count, clean(count * spec.capacity_units_per_yr),
                         clean(count * spec.capex_yuan)))
    builds = pd.DataFrame(rows, columns=["site", "cluster", "product", "year", "module", "modules",
                                         "capacity_added", "capex_yuan"])
    cap_rows = []
    for s, p, t in model.PRODUCE:
        existing = inputs.existing_capacity_units_per_yr.get((s, p), 0.0)
        total = clean(pyo.value(model.capacity[s, p, t]))
        if total > 0:
            cap_rows.append((s, cluster[s], p, t, clean(existing), clean(total - existing), total,
                             clean(model.production[s, p, t].value)))
    capacity = pd.DataFrame(cap_rows, columns=["site", "cluster", "product", "year", "existing", "added_cumulative",
                                               "capacity", "production"])
    flow_rows = []
    for k, s, t in model.ARC:
        tonnes = clean(model.flow[k, s, t].value)
        if tonnes > 0:
            flow_rows.append((k, s, inputs.resource_of_source[k], t, tonnes, clean(inputs.arc_km[(k, s)])))
    flows = pd.DataFrame(flow_rows, columns=["source", "site", "resource", "year", "tonnes", "km"])
    costs = {name: clean(pyo.value(getattr(model, f"cost_{name}"))) for name in COST_COMPONENTS}
    target_rows = []
    for g, t in model.CAP_TARGET:
        short = clean(model.capacity_shortfall[g, t].value)
        goal = inputs.capacity_target_units[(g, t)]
        in_group = (capacity["year"] == t) & capacity["product"].isin(inputs.TARGET_GROUPS[g])
        achieved = clean(float(capacity.loc[in_group, "capacity"].sum()))
        target_rows.append(("capacity", g, t, clean(goal), achieved, short))
    values = {t: clean(pyo.value(model.output_value[t])) for t in inputs.YEARS}
    for t in model.VALUE_TARGET:
        target_rows.append(("output_value_yuan", "output_value", t, clean(inputs.output_value_target_yuan[t]),
                            values[t], clean((model.value_shortfall[t].value or 0.0) * MONEY_UNIT_YUAN)))
    targets = pd.DataFrame(target_rows, columns=["kind", "target", "year", "target_value", "achieved", "shortfall"])
    output_value = pd.DataFrame(sorted(values.items()), columns=["year", "output_value_yuan"])
    position = {site: i for i, site in enumerate(inputs.SITES)}
    opened = tuple(sorted(set(builds["site"]), key=position.__getitem__))
    return Plan(builds, capacity, flows, costs, targets, output_value, opened)

