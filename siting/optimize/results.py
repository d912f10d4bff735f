"""Read a solved model back into plain tables: the plan, capacities, flows, costs, targets.

Module counts are read once and rounded to whole numbers (`whole_counts`); every figure of the
plan that depends on them (capacity, production, output value, targets, capex and fixed opex)
is computed from those whole counts, never from the solver's raw values, so that plan.csv,
capacity.csv, targets.csv and the layers always agree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyomo.environ as pyo

from models import COST_COMPONENTS, ModelInputs
from siting.config.errors import NoSolution
from siting.optimize.solve import SolveReport, SolverSettings

#: Values below this are solver noise, reported as zero.
ZERO = 1e-6

#: Largest distance from a whole number that a module count or a yes/no decision may have.
INTEGRALITY_TOLERANCE = 1e-6

#: A solve without a plan that ends before this share of the time limit did not stop for time.
EARLY_STOP_SHARE = 0.9


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


def _whole(values: dict[Any, float], describe: Any) -> dict[Any, int]:
    """Round every value to the nearest whole number; raise NoSolution naming the values
    farther than INTEGRALITY_TOLERANCE from it."""
    whole = {}
    off = []
    for key, value in values.items():
        count = round(value)
        if abs(value - count) > INTEGRALITY_TOLERANCE:
            off.append(f"{describe(key)}: {value:.9g}")
        whole[key] = int(count)
    if off:
        shown = off[:10] + ([f"... and {len(off) - 10} more"] if len(off) > 10 else [])
        raise NoSolution(
            f"the solver returned {len(off)} whole-number decision(s) farther than {INTEGRALITY_TOLERANCE:g} "
            "from a whole number, so no plan can be written:\n" + "\n".join(f"  - {line}" for line in shown)
            + "\nLower solver.options.mip_feasibility_tolerance (HiGHS's default is 1e-6) or remove it, "
            "and solve again")
    return whole


def whole_counts(model: pyo.ConcreteModel) -> tuple[dict[tuple[str, str, str, int], int], dict[str, int]]:
    """The module counts x[s,p,m,t] and the opened-site decisions o[s] as whole numbers.

    A MIP solver returns integer variables within its integrality tolerance (1.9999999 for 2);
    each is rounded here, once. A value farther than INTEGRALITY_TOLERANCE from a whole number
    (a loosened `mip_feasibility_tolerance` allows 0.07 or more) raises NoSolution naming it."""
    builds = _whole({key: model.build[key].value or 0.0 for key in model.BUILD},
                    lambda k: f"modules of {k[2]} ({k[1]}) at site {k[0]} in {k[3]}")
    opened = _whole({s: model.opened[s].value or 0.0 for s in model.OPEN},
                    lambda s: f"site {s} opened (0 or 1)")
    return builds, opened


def _capacity_table(model: pyo.ConcreteModel, inputs: ModelInputs, counts: dict[tuple[str, str, str, int], int]
                    ) -> tuple[pd.DataFrame, dict[int, float]]:
    """Capacity (existing + whole modules built up to each year) and production per site,
    product and year, with the output value per year computed from that production.

    Production is the solver's, kept within utilisation x the whole capacity; where the solver
    produced at its (raw) capacity bound, production is that bound on the whole capacity."""
    cluster = inputs.cluster_of_site
    added: dict[tuple[str, str, int], float] = defaultdict(float)
    for (s, p, mid, t), n in counts.items():
        if n:
            added[(s, p, t)] += n * inputs.module(mid).capacity_units_per_yr
    rows = []
    value: dict[int, float] = dict.fromkeys(inputs.YEARS, 0.0)
    for s, p, t in model.PRODUCE:
        existing = inputs.existing_capacity_units_per_yr.get((s, p), 0.0)
        built = sum(units for (s2, p2, t2), units in added.items() if s2 == s and p2 == p and t2 <= t)
        total = existing + built
        util = inputs.utilisation.get(p, 1.0)
        raw_bound = util * (pyo.value(model.capacity[s, p, t]) or 0.0)
        produced = max(model.production[s, p, t].value or 0.0, 0.0)
        if produced >= raw_bound - ZERO * max(1.0, abs(raw_bound)):
            produced = util * total
        produced = clean(min(produced, util * total))
        value[t] += inputs.output_value_yuan_per_unit.get(p, 0.0) * produced
        if clean(total) > 0:
            rows.append((s, cluster[s], p, t, clean(existing), clean(built), clean(total), produced))
    capacity = pd.DataFrame(rows, columns=["site", "cluster", "product", "year", "existing", "added_cumulative",
                                           "capacity", "production"])
    return capacity, {t: clean(v) for t, v in value.items()}


def _flow_table(model: pyo.ConcreteModel, inputs: ModelInputs, capacity: pd.DataFrame) -> pd.DataFrame:
    """Raw material shipped per source, site and year: the solver's flows, trimmed to what the
    site's reported production needs.

    The supply rule only asks that shipments cover the need (f >= a y); where transport costs
    nothing (a site at its source, or a zero tariff) the solver may ship any amount up to the
    source's supply. Shipments beyond the need are removed, from the longest arc first, so
    that the tonnes shown are the tonnes used."""
    need: dict[tuple[str, str, int], float] = defaultdict(float)
    for row in capacity.itertuples(index=False):
        for r in inputs.RESOURCES:
            need[(row.site, r, row.year)] += inputs.resource_t_per_unit.get((row.product, r), 0.0) * row.production
    arcs: dict[tuple[str, str, int], list[tuple[str, float]]] = defaultdict(list)
    for k, s, t in model.ARC:
        tonnes = max(model.flow[k, s, t].value or 0.0, 0.0)
        if tonnes > 0:
            arcs[(s, inputs.resource_of_source[k], t)].append((k, tonnes))
    position = {k: i for i, k in enumerate(inputs.SOURCES)}
    shipped: dict[tuple[str, str, int], float] = {}
    for (s, r, t), flows in arcs.items():
        excess = sum(tonnes for _k, tonnes in flows) - need.get((s, r, t), 0.0)
        for k, tonnes in sorted(flows, key=lambda kf: (-inputs.arc_km[(kf[0], s)], -position[kf[0]])):
            cut = min(tonnes, excess) if excess > ZERO * max(1.0, need.get((s, r, t), 0.0)) else 0.0
            excess -= cut
            shipped[(k, s, t)] = tonnes - cut
    rows = []
    for k, s, t in model.ARC:
        tonnes = clean(shipped.get((k, s, t), 0.0))
        if tonnes > 0:
            rows.append((k, s, inputs.resource_of_source[k], t, tonnes, clean(inputs.arc_km[(k, s)])))
    return pd.DataFrame(rows, columns=["source", "site", "resource", "year", "tonnes", "km"])


def _target_table(model: pyo.ConcreteModel, inputs: ModelInputs, capacity: pd.DataFrame,
                  values: dict[int, float]) -> pd.DataFrame:
    """Each target with the planned figure and the shortfall max(0, target - achieved)."""
    rows = []
    for g, t in model.CAP_TARGET:
        goal = clean(inputs.capacity_target_units[(g, t)])
        in_group = (capacity["year"] == t) & capacity["product"].isin(inputs.TARGET_GROUPS[g])
        achieved = clean(float(capacity.loc[in_group, "capacity"].sum()))
        rows.append(("capacity", g, t, goal, achieved, clean(max(0.0, goal - achieved))))
    for t in model.VALUE_TARGET:
        goal = clean(inputs.output_value_target_yuan[t])
        rows.append(("output_value_yuan", "output_value", t, goal, values[t], clean(max(0.0, goal - values[t]))))
    return pd.DataFrame(rows, columns=["kind", "target", "year", "target_value", "achieved", "shortfall"])


def _costs(inputs: ModelInputs, counts: dict[tuple[str, str, str, int], int], opened: dict[str, int],
           flows: pd.DataFrame, targets: pd.DataFrame) -> dict[str, float]:
    """The discounted cost components (yuan), from the whole counts and the reported flows and
    shortfalls."""
    df = inputs.discount_factor
    years = inputs.YEARS
    capex = fixed_opex = 0.0
    for (_s, _p, mid, t), n in counts.items():
        spec = inputs.module(mid)
        capex += df[t] * spec.capex_yuan * n
        fixed_opex += spec.fixed_opex_yuan_per_yr * n * sum(df[t2] for t2 in years if t2 >= t)
    site_fixed = df[years[0]] * inputs.site_fixed_cost_yuan * sum(opened.values())
    transport = sum(df[row.year] * inputs.transport_yuan_per_t_km * inputs.arc_km[(row.source, row.site)] * row.tonnes
                    for row in flows.itertuples(index=False))
    shortfall = 0.0
    for row in targets.itertuples(index=False):
        if row.kind == "capacity":
            penalty = inputs.capacity_shortfall_penalty_yuan_per_unit.get(row.target, 0.0)
            shortfall += df[row.year] * penalty * row.shortfall
        else:
            shortfall += df[row.year] * inputs.value_shortfall_penalty_yuan_per_yuan * row.shortfall
    figures = {"capex": capex, "fixed_opex": fixed_opex, "site_fixed": site_fixed,
               "transport": transport, "shortfall": shortfall}
    return {name: clean(figures[name]) for name in COST_COMPONENTS}


def extract_plan(model: pyo.ConcreteModel, inputs: ModelInputs) -> Plan:
    """The plan of a solved model, every figure computed from the same whole module counts.

    Raises NoSolution when a module count is farther than INTEGRALITY_TOLERANCE from a whole
    number (see `whole_counts`)."""
    counts, opened = whole_counts(model)
    cluster = inputs.cluster_of_site
    rows = []
    for (s, p, mid, t), n in counts.items():
        if n > 0:
            spec = inputs.module(mid)
            rows.append((s, cluster[s], p, t, mid, n, clean(n * spec.capacity_units_per_yr),
                         clean(n * spec.capex_yuan)))
    builds = pd.DataFrame(rows, columns=["site", "cluster", "product", "year", "module", "modules",
                                         "capacity_added", "capex_yuan"])
    capacity, values = _capacity_table(model, inputs, counts)
    flows = _flow_table(model, inputs, capacity)
    targets = _target_table(model, inputs, capacity, values)
    costs = _costs(inputs, counts, opened, flows, targets)
    output_value = pd.DataFrame(sorted(values.items()), columns=["year", "output_value_yuan"])
    position = {site: i for i, site in enumerate(inputs.SITES)}
    opened_sites = tuple(sorted(set(builds["site"]), key=position.__getitem__))
    return Plan(builds, capacity, flows, costs, targets, output_value, opened_sites)


def highs_model_status(solver: Any) -> str | None:
    """HiGHS's own model status after a solve ("Presolve error", "Time limit reached", ...), or
    None when the solver object does not expose it."""
    highs = getattr(solver, "_solver_model", None)
    if highs is None:
        return None
    try:
        return str(highs.modelStatusToString(highs.getModelStatus()))
    except (AttributeError, RuntimeError, TypeError):
        return None


def no_plan_message(report: SolveReport, settings: SolverSettings, highs_status: str | None = None) -> str:
    """Why the solver stopped without a plan (not infeasible), and what to do about it.

    Only a stop at the time limit suggests raising it: a solve that ended well before the
    limit stopped for another reason (a solver error, a node or iteration limit, an
    interruption), and that reason is named instead."""
    limit = settings.time_limit_s
    took = report.solve_time_s
    said = f"HiGHS reported '{highs_status}'" if highs_status else f"status {report.termination}"
    if report.termination == "maxTimeLimit":
        if took > 2 * limit + 5:
            return (f"the solver stopped without a plan after {took:.1f} s, far past the time limit of {limit:g} s: "
                    "HiGHS's presolve does not check the limit on large instances. Set "
                    'solver.options: {presolve: "off"} to keep the limit, or raise solver.time_limit_s')
        return (f"the solver found no plan within the time limit of {limit:g} s ({said}); raise "
                "solver.time_limit_s (or --time-limit)")
    if report.termination == "iterationLimit":
        return (f"the solver stopped at an iteration, node or solution limit after {took:.1f} s, without a plan "
                f"({said}); raise or remove that limit in solver.options (for example mip_max_nodes)")
    if report.termination == "interrupted":
        return f"the solve was interrupted after {took:.1f} s, before a plan was found ({said})"
    early = took < EARLY_STOP_SHARE * limit
    when = (f"after {took:.1f} s, well before the time limit of {limit:g} s" if early
            else f"after {took:.1f} s (time limit {limit:g} s)")
    return (f"the solver stopped without a plan {when}: {said}, a solver error (for example numerical trouble "
            "in presolve or in the linear relaxation), so a longer time limit will not help. Check the "
            "scenario and catalog for extreme figures (capacities, costs or targets many orders of magnitude "
            'apart), or try solver.options: {presolve: "off"}')
