"""Read a solved model back into plain tables: the plan, capacities, flows, trade, costs, targets.

Whole-number decisions (module counts, site openings, hosting, demonstrations) are read once and
rounded to whole numbers (`whole_values`); every figure of the plan that depends on them
(capacity, production, output value, targets, stranded capacity) is computed from those whole
values, never from the solver's raw values, so that plan.csv, capacity.csv, targets.csv and the
layers always agree. The cost components are the model's own cost expressions (`cost_<name>`)
evaluated with the whole values in place of the raw ones: the objective equals the sum of the
reported components up to the solver's integrality tolerance."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from itertools import pairwise
from typing import Any

import pandas as pd
import pyomo.core as pyo
from pyomo.common.collections import ComponentMap

from models import COST_COMPONENTS, ModelInputs
from models.families.agglomeration import pre_opened_sites
from models.families.output_value import value_per_unit
from models.index import is_on
from siting.config.errors import NoSolution
from siting.config.highs import LOOSEST_TOLERANCE
from siting.config.units import Names, cut_at, per_year, product_label
from siting.optimize.solve import SolveReport, SolverSettings
from siting.prepare.layers import GATEWAY_NODE

#: Values below this are solver noise, reported as zero.
ZERO = 1e-6

#: Largest distance from a whole number that a module count or a yes/no decision may have: the
#: loosest feasibility tolerance a scenario may give HiGHS (siting/config/highs.py), one figure.
INTEGRALITY_TOLERANCE = LOOSEST_TOLERANCE

#: Relative slack below which a limit counts as reached (a source's supply, an import or sales cap,
#: a product's usable capacity) when the reason for idle capacity is found.
BINDING_SHARE = 1e-6

#: A solve without a plan that ends before this share of the time limit did not stop for time.
EARLY_STOP_SHARE = 0.9

#: The node name of the gateway in `product_flows` (imports arrive and sales leave there); a
#: cluster id of that name is refused where the layers are read (`clashing_id_problems`).
GATEWAY = GATEWAY_NODE

#: How the plan picks its demonstrations when more sites qualify than the rule allows.
DEMO_ORDER = "the least capex per unit of capacity added, then the sites' order"

#: The kinds of product flow, in the order the tables list them.
FLOW_KINDS = ("site_to_hub", "hub_to_site", "hub_to_hub", "gateway_to_hub", "hub_to_gateway")

#: Why capacity stands idle: the product's sales cap binds and nothing of it is imported; an
#: input or raw material of it is at its limit; or running it costs more than it brings.
STRANDED_REASONS = ("market", "feedstock", "cost")

BUILD_COLUMNS = ["site", "cluster", "product", "year", "module", "modules", "capacity_added", "capex_yuan"]
CAPACITY_COLUMNS = ["site", "cluster", "product", "year", "existing", "committed", "added_cumulative", "capacity",
                    "online", "available", "production"]
FLOW_COLUMNS = ["source", "site", "resource", "year", "tonnes", "km"]
TRADE_COLUMNS = ["hub", "product", "year", "imports", "import_cost_yuan", "sales", "revenue_yuan"]
PRODUCT_FLOW_COLUMNS = ["kind", "from", "to", "product", "year", "units", "km"]
RAW_IMPORT_COLUMNS = ["site", "cluster", "resource", "year", "tonnes", "import_cost_yuan"]
STRANDED_COLUMNS = ["site", "cluster", "product", "year", "usable", "production", "idle", "idle_share", "reason"]


def clean(value: float | None) -> float:
    """Round solver output: -0.0 and noise to 0, and 9 significant digits so that outputs are
    stable across platforms."""
    if value is None or abs(value) < ZERO:
        return 0.0
    return float(f"{value:.9g}")


def outward(yuan: float, up: bool) -> float:
    """`yuan` to 9 significant digits, as every solver figure of the outputs (`clean`), but rounded
    away from the inside of the range it ends: up for a high end, down for a low end, so that the
    range written still holds the proven one (10,000,000,010 + 27,997,123,500 = 37,997,123,510
    -> 37,997,123,600 as a high end, 37,997,123,500 as a low end). Float noise far below the 9th
    digit (a thousandth of it) does not move a figure that has 9 digits already."""
    if yuan == 0 or not math.isfinite(yuan):
        return yuan
    unit = 10.0 ** (math.floor(math.log10(abs(yuan))) - 8)
    steps = round(yuan / unit, 3)
    return clean((math.ceil(steps) if up else math.floor(steps)) * unit)


def _empty(columns: list[str]) -> Callable[[], pd.DataFrame]:
    return lambda: pd.DataFrame(columns=columns)


@dataclass(frozen=True)
class Plan:
    """The solved plan as tables; money in yuan, capacity and flows in product units per year.

    capacity: per site, product and year, `existing` E, `committed` (committed projects online by
    the year), `added_cumulative` (plan modules decided up to the year, whether producing yet or
    not), `capacity` = their sum, `online` (nameplate producing in the year: what the targets
    count), `available` (online less the ramp-up of capacity in its first year) and `production`.
    costs: every cost component (models.COST_COMPONENTS), discounted yuan; `sales` is the sales
    revenue as a negative cost. trade: imports and sales per hub (cluster), product and year, with
    their yuan in that year (not discounted). product_flows: units moved per year between sites,
    hubs and the gateway, with the km of each leg. raw_imports: raw material bought outside the
    province per site. stranded: usable capacity (utilisation x available) left idle, with why.
    demo_sites: the sites hosting a recycling demonstration (models/families/recycling_demo.py),
    in the sites' order, each with its number of demonstrations (1; up to n[s] at a merged site of
    the aggregated model), as the rule gives them from the builds, not as the solver labelled them
    (`demonstrations`); empty when the rule is off or names no site. demo_qualifying: every site
    whose addition is of demonstration size, with the demonstrations it could be (`demo_room`),
    in the sites' order: `demo_sites` and those left out past the rule's most number.
    """

    builds: pd.DataFrame  # site, cluster, product, year, module, modules, capacity_added, capex_yuan
    capacity: pd.DataFrame  # CAPACITY_COLUMNS
    flows: pd.DataFrame  # source, site, resource, year, tonnes, km
    costs: dict[str, float]  # component -> discounted yuan
    targets: pd.DataFrame  # kind, target, year, target_value, achieved, shortfall
    output_value: pd.DataFrame  # year, output_value_yuan
    opened_sites: tuple[str, ...]
    trade: pd.DataFrame = field(default_factory=_empty(TRADE_COLUMNS))
    product_flows: pd.DataFrame = field(default_factory=_empty(PRODUCT_FLOW_COLUMNS))
    raw_imports: pd.DataFrame = field(default_factory=_empty(RAW_IMPORT_COLUMNS))
    stranded: pd.DataFrame = field(default_factory=_empty(STRANDED_COLUMNS))
    demo_sites: dict[str, int] = field(default_factory=dict)  # site -> demonstrations there
    demo_qualifying: dict[str, int] = field(default_factory=dict)  # site -> demonstrations it could be
    #: The steady-state year's operation (`ModelInputs.STEADY_YEAR`), kept out of the tables above,
    #: which hold the plan's years only; None without one.
    steady_state: SteadyState | None = None

    def __repr__(self) -> str:
        """One line: each table's row count and the other figures' sizes (a notebook prints the
        tables themselves by name: `plan.builds`)."""
        return f"Plan({_sizes(self)})"


@dataclass(frozen=True)
class SteadyState:
    """How the plan runs in the steady-state year T + 1 that stands for the `years_after_horizon`
    years after the last plan year (`ModelInputs.STEADY_YEAR`): every module decided in the plan at
    full rate, with the committed capacity online by then. The tables are those of `Plan` (same
    columns), holding year T + 1 only; their yuan are of one such year, not discounted."""

    year: int
    years_after_horizon: int
    capacity: pd.DataFrame  # CAPACITY_COLUMNS
    trade: pd.DataFrame  # TRADE_COLUMNS
    stranded: pd.DataFrame  # STRANDED_COLUMNS
    raw_imports: pd.DataFrame  # RAW_IMPORT_COLUMNS
    flows: pd.DataFrame  # source, site, resource, year, tonnes, km
    product_flows: pd.DataFrame  # PRODUCT_FLOW_COLUMNS

    def __repr__(self) -> str:
        """One line: the year, the years it stands for and each table's row count."""
        tables = _sizes(self, skip=("year", "years_after_horizon"))
        return f"SteadyState(year {self.year}, standing for {self.years_after_horizon} years, {tables})"


def _sizes(record: Any, skip: tuple[str, ...] = ()) -> str:
    """The fields of the dataclass `record` by size, for its repr: a table's rows ("builds: 4
    rows"), costs' components, a collection's length, a nested record by its own repr; "none"
    for None."""
    parts = []
    for item in fields(record):
        if item.name in skip:
            continue
        value = getattr(record, item.name)
        if isinstance(value, pd.DataFrame):
            parts.append(f"{item.name}: {len(value)} row{'' if len(value) == 1 else 's'}")
        elif item.name == "costs":
            parts.append(f"costs: {len(value)} components")
        elif isinstance(value, dict | tuple | list):
            parts.append(f"{item.name}: {len(value)}")
        elif value is None:
            parts.append(f"{item.name}: none")
        else:
            parts.append(f"{item.name}: {type(value).__name__}")
    return ", ".join(parts)


def sites_built_text(plan: Plan, inputs: ModelInputs, name: Callable[[str], str]) -> str:
    """The sites the plan builds on (`Plan.opened_sites`: the sites where it adds modules), each by
    its `name`, in the plan's order, "; " between them (names hold commas), and which of them it
    newly opens: a site with existing or committed capacity is open already (models/families/
    agglomeration.py `pre_opened_sites`) and costs nothing to open. "A; B (none newly opened: each
    has existing or committed plants)", "A; B; C (2 newly opened: A; C)", "none" when it builds on
    no site."""
    if not plan.opened_sites:
        return "none"
    pre = set(pre_opened_sites(inputs))
    new = [s for s in plan.opened_sites if s not in pre]
    built = "; ".join(name(s) for s in plan.opened_sites)
    if not new:
        return f"{built} (none newly opened: each has existing or committed plants)"
    return f"{built} ({len(new)} newly opened: {'; '.join(name(s) for s in new)})"


def _whole(values: list[tuple[Any, float]], describe: Callable[[Any], str]) -> list[int]:
    """Round every value to the nearest whole number; raise NoSolution naming the values
    farther than INTEGRALITY_TOLERANCE from it."""
    whole = []
    off = []
    for key, value in values:
        count = round(value)
        if abs(value - count) > INTEGRALITY_TOLERANCE:
            off.append(f"{describe(key)}: {value:.9g}")
        whole.append(int(count))
    if off:
        shown, rest = cut_at(off, 10)
        shown += [f"... and {rest:,} more"] if rest else []
        raise NoSolution(
            f"the solver returned {len(off)} whole-number decision(s) farther than {INTEGRALITY_TOLERANCE:g} "
            "from a whole number, so no plan can be written:\n" + "\n".join(f"  - {line}" for line in shown)
            + "\nLower solver.options.mip_feasibility_tolerance (HiGHS's default is 1e-6) or remove it, "
            "and solve again")
    return whole


#: How a whole-number decision is named in messages, by variable name.
_DECISION_WORDS: dict[str, Callable[..., str]] = {
    "build": lambda s, p, mid, t: f"modules of {mid} ({p}) at site {s} in {t}",
    "opened": lambda s: f"site {s} opened (0 or 1)",
    "opens": lambda s, t: f"site {s} opens in {t} (0 or 1)",
    "hosts": lambda c, p: f"cluster {c} hosts {p} (0 or 1)",
    "demo": lambda s: f"site {s} is a recycling demonstration (0 or 1)",
    "module_count": lambda c, mid, t: f"modules of {mid} in cluster {c} in {t}",
    "differs": lambda a, b, p: f"clusters {a} and {b} differ in {p} (0 or 1)",
}


#: How a whole-number decision is named in messages with the run's `Names`: sites, clusters and
#: products by their names, modules by their size, with the ids a user finds the rows by in brackets.
_NAMED_WORDS: dict[str, Callable[..., str]] = {
    "build": lambda n, size, s, p, mid, t: (f"modules of {size(mid, p)}{n.product(p)} ({mid}) at site "
                                            f"{n.site_and_id(s)} in {t}"),
    "opened": lambda n, size, s: f"site {n.site_and_id(s)} opened (0 or 1)",
    "opens": lambda n, size, s, t: f"site {n.site_and_id(s)} opens in {t} (0 or 1)",
    "hosts": lambda n, size, c, p: f"cluster {n.cluster(c)} hosts {n.product(p)} (0 or 1)",
    "demo": lambda n, size, s: f"site {n.site_and_id(s)} is a recycling demonstration (0 or 1)",
    "module_count": lambda n, size, c, mid, t: (f"modules of {size(mid, None, named=True)}({mid}) in cluster "
                                                f"{n.cluster(c)} in {t}"),
    "differs": lambda n, size, a, b, p: f"clusters {n.cluster(a)} and {n.cluster(b)} differ in {n.product(p)} (0 or 1)",
}


def _describe(var: Any, names: Names | None = None, inputs: ModelInputs | None = None) -> str:
    """A whole-number decision in words: by ids ("modules of lfp_50kt (lfp) at site w_mine in
    2024"), or with the run's `names` and the module sizes of `inputs` ("modules of 50,000 t/yr
    LFP (lfp_50kt) at site West mine park (w_mine) in 2024"; by cluster, "modules of 50,000 t/yr
    LFP (lfp_50kt) in cluster West in 2024")."""
    index = var.index()
    args = index if isinstance(index, tuple) else (index,)
    named = _NAMED_WORDS.get(var.parent_component().name)
    if names is not None and named is not None:
        modules = inputs.module_by_id if inputs is not None else {}

        def size(module_id: str, product: str | None, named: bool = False) -> str:
            """ "50,000 t/yr ", with `named` "50,000 t/yr LFP " (the module's product in words), or ""
            for an unknown module."""
            spec = modules.get(module_id)
            if spec is None:
                return ""
            made = product or spec.product
            return f"{names.quantity(spec.capacity_units_per_yr, made)} " + (f"{names.product(made)} " if named else "")

        return named(names, size, *args)
    words = _DECISION_WORDS.get(var.parent_component().name)
    if words is not None:
        return words(*args)
    return f"{var.name} (0 or 1)" if var.is_binary() else var.name


def whole_values(model: pyo.ConcreteModel, names: Names | None = None, inputs: ModelInputs | None = None
                 ) -> ComponentMap:
    """Every integer and binary variable of the model (module counts first, then site openings,
    then the others in model order) with its value rounded to a whole number.

    A MIP solver returns integer variables within its integrality tolerance (1.9999999 for 2);
    each is rounded here, once. A value farther than INTEGRALITY_TOLERANCE from a whole number
    (a loosened `mip_feasibility_tolerance` allows 0.07 or more) raises NoSolution naming it.
    A variable the solver left without a value counts as 0. With the run's `names` (and `inputs`,
    for the module sizes) the message names the decisions in words (`_describe`)."""
    decisions = [v for v in model.component_data_objects(pyo.Var, descend_into=True) if v.is_integer()]
    first = {"build": 0, "opened": 1}
    decisions.sort(key=lambda v: first.get(v.parent_component().name, 2))  # stable: model order within
    counts = _whole([(v, v.value or 0.0) for v in decisions], lambda var: _describe(var, names, inputs))
    return ComponentMap(zip(decisions, counts, strict=True))


def whole_counts(model: pyo.ConcreteModel) -> tuple[dict[tuple[str, str, str, int], int], dict[str, int]]:
    """The module counts x[s,p,m,t] and the opened-site decisions o[s] as whole numbers (see
    `whole_values`, which raises NoSolution for a value too far from a whole number)."""
    whole = whole_values(model)
    return ({key: whole[model.build[key]] for key in model.BUILD},
            {s: whole[model.opened[s]] for s in model.OPEN})


@contextmanager
def _whole_in_place(whole: ComponentMap) -> Iterator[None]:
    """The model's whole-number variables set to their whole values, restored afterwards."""
    saved = [(v, v.value) for v in whole]
    try:
        for v, n in whole.items():
            v.set_value(n, skip_validation=True)
        yield
    finally:
        for v, value in saved:
            v.set_value(value, skip_validation=True)


def _value(component: Any) -> float:
    """A variable's or expression's value, 0 where the solver gave none, never below 0 for a variable."""
    value = pyo.value(component, exception=False)
    return float(value) if value is not None else 0.0


def _committed_by(inputs: ModelInputs, site: str, product: str, year: int) -> float:
    return sum(units for (s, p, t), units in inputs.committed_units_per_yr.items()
               if s == site and p == product and t <= year)


def _capacity_table(model: pyo.ConcreteModel, inputs: ModelInputs, counts: Mapping[tuple[str, str, str, int], int],
                    raw_usable: Mapping[tuple[str, str, int], float]) -> tuple[pd.DataFrame, dict[int, float]]:
    """Capacity and production per site, product and year (with the whole values in place), and
    the output value per year computed from that production.

    Production is the solver's, kept within utilisation x the whole available capacity; where the
    solver produced at its (raw) bound, production is that bound on the whole capacity."""
    cluster = inputs.cluster_of_site
    decided: dict[tuple[str, str, int], float] = defaultdict(float)
    for (s, p, mid, t), n in counts.items():
        if n:
            decided[(s, p, t)] += n * inputs.module(mid).capacity_units_per_yr
    rows = []
    value: dict[int, float] = dict.fromkeys(inputs.OPERATING_YEARS, 0.0)
    for s, p, t in model.PRODUCE:
        existing = inputs.existing_capacity_units_per_yr.get((s, p), 0.0)
        committed = _committed_by(inputs, s, p, t)
        added = sum(units for (s2, p2, t2), units in decided.items() if s2 == s and p2 == p and t2 <= t)
        online = _value(model.capacity[s, p, t])
        available = _value(model.available[s, p, t])
        usable = inputs.utilisation.get(p, 1.0) * available
        raw = raw_usable[(s, p, t)]
        produced = max(_value(model.production[s, p, t]), 0.0)
        if produced >= raw - ZERO * max(1.0, abs(raw)):
            produced = usable
        produced = clean(max(min(produced, usable), 0.0))
        value[t] += value_per_unit(inputs, p, t) * produced
        total = existing + committed + added
        if clean(total) > 0:
            rows.append((s, cluster[s], p, t, clean(existing), clean(committed), clean(added), clean(total),
                         clean(online), clean(available), produced))
    return pd.DataFrame(rows, columns=CAPACITY_COLUMNS), {t: clean(v) for t, v in value.items()}


def _raw_import_table(model: pyo.ConcreteModel, inputs: ModelInputs) -> pd.DataFrame:
    """Raw material bought outside the province per site, resource and year, with its cost in
    that year (yuan, not discounted)."""
    rows = []
    for s, r, t in model.RAW_IMPORT:
        tonnes = clean(max(_value(model.raw_imports[s, r, t]), 0.0))
        if tonnes > 0:
            price = inputs.resource_import_price_yuan_per_t[(r, t)]
            rows.append((s, inputs.cluster_of_site[s], r, t, tonnes, clean(price * tonnes)))
    return pd.DataFrame(rows, columns=RAW_IMPORT_COLUMNS)


def _flow_table(model: pyo.ConcreteModel, inputs: ModelInputs, capacity: pd.DataFrame,
                raw_imports: pd.DataFrame) -> pd.DataFrame:
    """Raw material shipped per source, site and year: the solver's flows, trimmed to what the
    site's reported production needs beyond its imports.

    Shipments beyond that need (solver noise, or a solver's shipment on an arc that costs
    nothing) are removed, from the longest arc first, so that the tonnes shown are the tonnes used."""
    need: dict[tuple[str, str, int], float] = defaultdict(float)
    for row in capacity.itertuples(index=False):
        for r in inputs.RESOURCES:
            need[(row.site, r, row.year)] += inputs.resource_t_per_unit.get((row.product, r), 0.0) * row.production
    for row in raw_imports.itertuples(index=False):
        need[(row.site, row.resource, row.year)] -= row.tonnes
    arcs: dict[tuple[str, str, int], list[tuple[str, float]]] = defaultdict(list)
    for k, s, t in model.ARC:
        tonnes = max(_value(model.flow[k, s, t]), 0.0)
        if tonnes > 0:
            arcs[(s, inputs.resource_of_source[k], t)].append((k, tonnes))
    position = {k: i for i, k in enumerate(inputs.SOURCES)}
    shipped: dict[tuple[str, str, int], float] = {}
    for (s, r, t), flows in arcs.items():
        wanted = max(need.get((s, r, t), 0.0), 0.0)
        excess = sum(tonnes for _k, tonnes in flows) - wanted
        for k, tonnes in sorted(flows, key=lambda kf: (-inputs.arc_km[(kf[0], s)], -position[kf[0]])):
            cut = min(tonnes, excess) if excess > ZERO * max(1.0, wanted) else 0.0
            excess -= cut
            shipped[(k, s, t)] = tonnes - cut
    rows = []
    for k, s, t in model.ARC:
        tonnes = clean(shipped.get((k, s, t), 0.0))
        if tonnes > 0:
            rows.append((k, s, inputs.resource_of_source[k], t, tonnes, clean(inputs.arc_km[(k, s)])))
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)


def _trade_table(model: pyo.ConcreteModel, inputs: ModelInputs) -> pd.DataFrame:
    """Imports and sales out of the province per hub (cluster), product and year, with the
    import cost and the sales revenue in that year (yuan, not discounted)."""
    keys = set(model.IMPORT) | set(model.SALE)
    order = _orders(inputs)
    rows = []
    for c, p, t in sorted(keys, key=lambda k: (order["product"][k[1]], k[2], order["cluster"][k[0]])):
        bought = clean(max(_value(model.imports[c, p, t]), 0.0)) if (c, p, t) in model.IMPORT else 0.0
        sold = clean(max(_value(model.sales[c, p, t]), 0.0)) if (c, p, t) in model.SALE else 0.0
        if bought > 0 or sold > 0:
            cost = inputs.import_price_yuan_per_unit.get((p, t), 0.0) * bought
            revenue = inputs.price_yuan_per_unit.get((p, t), 0.0) * sold
            rows.append((c, p, t, bought, clean(cost), sold, clean(revenue)))
    return pd.DataFrame(rows, columns=TRADE_COLUMNS)


def _orders(inputs: ModelInputs) -> dict[str, dict[str, int]]:
    return {"product": {p: i for i, p in enumerate(inputs.PRODUCTS)},
            "cluster": {c: i for i, c in enumerate(inputs.CLUSTERS)},
            "site": {s: i for i, s in enumerate(inputs.SITES)}}


def _find_cycle(edges: Mapping[tuple[str, str], float], nodes: list[str]) -> list[tuple[str, str]] | None:
    """A directed cycle of `edges` (as its edges), found by depth-first search in `nodes` order;
    None when there is none."""
    out: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(edges, key=lambda e: (nodes.index(e[0]), nodes.index(e[1]))):
        out[a].append(b)
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[tuple[str, str]] | None:
        state[node] = 1
        path.append(node)
        for nxt in out[node]:
            if state.get(nxt) == 1:
                loop = [*path[path.index(nxt):], nxt]
                return list(pairwise(loop))
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in nodes:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def without_cycles(edges: Mapping[tuple[str, str], float], nodes: list[str]) -> dict[tuple[str, str], float]:
    """Flows between hubs with every directed cycle taken out (the least flow of the cycle
    subtracted along it, until none is left): what moves in a cycle arrives where it started, so
    every hub balance holds unchanged. A solver may return such cycles where moving costs
    nothing (a product without transported mass, or hubs at the same point)."""
    left = {e: v for e, v in edges.items() if v > ZERO}
    while (cycle := _find_cycle(left, nodes)) is not None:
        least = min(left[e] for e in cycle)
        for e in cycle:
            left[e] -= least
            if left[e] <= ZERO:
                del left[e]
    return left


def _product_flow_table(model: pyo.ConcreteModel, inputs: ModelInputs) -> pd.DataFrame:
    """Units of each product moved per year: site -> its hub, hub -> site, hub -> hub, gateway ->
    hub (imports) and hub -> gateway (sales), with the km of each leg.

    A site that both ships a product to its hub and receives it from there in the same year is
    shown with the net movement only, and cycles between hubs are taken out (`without_cycles`):
    both move nothing a balance needs and occur only where moving costs nothing."""
    cluster = inputs.cluster_of_site
    flows: list[tuple[str, str, str, str, int, float, float]] = []
    for s, p, t in sorted(set(model.UP) | set(model.DOWN)):
        up = max(_value(model.up[s, p, t]), 0.0) if (s, p, t) in model.UP else 0.0
        down = max(_value(model.down[s, p, t]), 0.0) if (s, p, t) in model.DOWN else 0.0
        both = min(up, down)
        km = inputs.site_hub_km.get(s, 0.0)
        flows.append(("site_to_hub", s, cluster[s], p, t, up - both, km))
        flows.append(("hub_to_site", cluster[s], s, p, t, down - both, km))
    moved: dict[tuple[str, int], dict[tuple[str, str], float]] = defaultdict(dict)
    for a, b, p, t in model.LINK:
        moved[(p, t)][(a, b)] = max(_value(model.link[a, b, p, t]), 0.0)
    for (p, t), edges in moved.items():
        for (a, b), units in without_cycles(edges, list(inputs.CLUSTERS)).items():
            flows.append(("hub_to_hub", a, b, p, t, units, inputs.hub_hub_km.get((a, b), 0.0)))
    for c, p, t in model.IMPORT:
        flows.append(("gateway_to_hub", GATEWAY, c, p, t, max(_value(model.imports[c, p, t]), 0.0),
                      inputs.hub_gateway_km.get(c, 0.0)))
    for c, p, t in model.SALE:
        flows.append(("hub_to_gateway", c, GATEWAY, p, t, max(_value(model.sales[c, p, t]), 0.0),
                      inputs.hub_gateway_km.get(c, 0.0)))
    order = _orders(inputs)
    kind = {k: i for i, k in enumerate(FLOW_KINDS)}
    rows = sorted(((k, a, b, p, t, clean(units), clean(km)) for k, a, b, p, t, units, km in flows if clean(units) > 0),
                  key=lambda r: (order["product"][r[3]], r[4], kind[r[0]], r[1], r[2]))
    return pd.DataFrame(rows, columns=PRODUCT_FLOW_COLUMNS)


def _reached(amount: float, limit: float) -> bool:
    """Whether `amount` is at `limit` (within BINDING_SHARE of it)."""
    return amount >= limit - BINDING_SHARE * max(1.0, abs(limit))


class _Limits:
    """Which markets and feedstocks are at their limits in the solved model (raw solver values)."""

    def __init__(self, model: pyo.ConcreteModel, inputs: ModelInputs, capacity: pd.DataFrame) -> None:
        self.model, self.inputs = model, inputs
        self.sold: dict[tuple[str, int], float] = defaultdict(float)
        for c, p, t in model.SALE:
            self.sold[(p, t)] += _value(model.sales[c, p, t])
        self.bought: dict[tuple[str, int], float] = defaultdict(float)
        for c, p, t in model.IMPORT:
            self.bought[(p, t)] += _value(model.imports[c, p, t])
        self.shipped: dict[tuple[str, int], float] = defaultdict(float)
        self.arcs_into: dict[tuple[str, str, int], list[str]] = defaultdict(list)
        for k, s, t in model.ARC:
            self.shipped[(k, t)] += _value(model.flow[k, s, t])
            self.arcs_into[(s, inputs.resource_of_source[k], t)].append(k)
        self.raw_bought: dict[tuple[str, int], float] = defaultdict(float)
        for s, r, t in model.RAW_IMPORT:
            self.raw_bought[(r, t)] += _value(model.raw_imports[s, r, t])
        self.sales_caps = set(model.SALES_CAP)
        self.raw_caps = set(model.RAW_IMPORT_CAP)
        self.needs = set(model.NEED)
        self.imports = set(model.IMPORT)
        self.spare: dict[tuple[str, int], float] = defaultdict(float)
        for row in capacity.itertuples(index=False):
            usable = inputs.utilisation.get(row.product, 1.0) * row.available
            self.spare[(row.product, row.year)] += max(usable - row.production, 0.0)
        self.usable: dict[tuple[str, int], float] = defaultdict(float)
        for row in capacity.itertuples(index=False):
            self.usable[(row.product, row.year)] += inputs.utilisation.get(row.product, 1.0) * row.available

    def market_bound(self, product: str, year: int) -> bool:
        """The product's sales cap binds in the year and none of it is imported."""
        key = (product, year)
        return (key in self.sales_caps and _reached(self.sold[key], self.inputs.sales_cap_units[key])
                and self.bought[key] <= ZERO)

    def resource_bound(self, site: str, resource: str, year: int) -> bool:
        """Every source that may ship the resource to the site gives all it can, and it cannot be
        imported there (no import price, or the import cap reached)."""
        if (site, resource, year) not in self.needs:
            return False  # the supply rule is off: raw material is unlimited
        inputs = self.inputs
        sources_full = all(_reached(self.shipped[(k, year)], inputs.supply_t_per_yr.get((k, year), 0.0))
                           for k in self.arcs_into[(site, resource, year)])
        if (site, resource, year) not in self.model.RAW_IMPORT:
            return sources_full
        capped = (resource, year) in self.raw_caps and _reached(
            self.raw_bought[(resource, year)], inputs.resource_import_cap_t_per_yr[(resource, year)])
        return sources_full and capped

    def input_bound(self, site: str, product: str, year: int) -> bool:
        """An input product cannot be imported to the site's hub in the year and the province
        makes all it can of it."""
        hub = self.inputs.cluster_of_site[site]
        return (hub, product, year) not in self.imports and self.spare[(product, year)] <= BINDING_SHARE * max(
            1.0, self.usable[(product, year)])

    def chain_bound(self, product: str, year: int) -> bool:
        """The chain-balance row of an input product binds in the year: local output of it is at
        its minimum share of what the province uses, so more use would need more local output
        (models/families/chain_balance.py), and imports alone cannot feed more."""
        chain = getattr(self.model, "chain_balance", None)
        if chain is None or (product, year) not in chain:
            return False
        row = chain[product, year]
        if not row.active:
            return False
        local = sum(_value(self.model.production[s, p, t]) for s, p, t in self.model.PRODUCE
                    if p == product and t == year)
        return row.slack() <= BINDING_SHARE * max(1.0, local)  # one-sided: the other side's slack is infinite

    def reason(self, site: str, product: str, year: int) -> str:
        """Why usable capacity of `product` at `site` stands idle in `year` (STRANDED_REASONS)."""
        inputs = self.inputs
        resources = [r for r in inputs.RESOURCES if inputs.resource_t_per_unit.get((product, r), 0.0) > 0]
        feeds = [u for u in inputs.PRODUCTS if inputs.input_units_per_unit.get((product, u), 0.0) > 0]
        # Feedstock first: capacity that cannot be fed stays idle whatever the market would take.
        if any(self.resource_bound(site, r, year) for r in resources) or any(
                self.input_bound(site, u, year) or self.chain_bound(u, year) for u in feeds):
            return "feedstock"
        if self.market_bound(product, year):
            return "market"
        return "cost"


def _stranded_table(model: pyo.ConcreteModel, inputs: ModelInputs, capacity: pd.DataFrame) -> pd.DataFrame:
    """Usable capacity (utilisation x available capacity) left idle per site, product and year,
    with its share and the reason (STRANDED_REASONS), checked in this order: "feedstock" when a
    raw material (every source at its supply and no import, or the import cap reached) or an
    input product (not importable, and the province makes all it can of it; or held by its
    binding chain-balance row, which caps its imports at a share of its use) is at its limit;
    "market" when the product's sales cap binds that year and none of it is imported; otherwise
    "cost": running the capacity costs more than its output brings."""
    limits = _Limits(model, inputs, capacity)
    rows = []
    for row in capacity.itertuples(index=False):
        usable = clean(inputs.utilisation.get(row.product, 1.0) * row.available)
        idle = clean(usable - row.production)
        if usable <= 0 or idle <= BINDING_SHARE * max(1.0, usable):
            continue
        rows.append((row.site, row.cluster, row.product, row.year, usable, row.production, idle,
                     clean(idle / usable), limits.reason(row.site, row.product, row.year)))
    return pd.DataFrame(rows, columns=STRANDED_COLUMNS)


def _target_table(model: pyo.ConcreteModel, inputs: ModelInputs, capacity: pd.DataFrame,
                  values: dict[int, float]) -> pd.DataFrame:
    """Each target with the planned figure and the shortfall max(0, target - achieved); capacity
    targets count the capacity online in their year."""
    rows = []
    for g, t in model.CAP_TARGET:
        goal = clean(inputs.capacity_target_units[(g, t)])
        in_group = (capacity["year"] == t) & capacity["product"].isin(inputs.TARGET_GROUPS[g])
        achieved = clean(float(capacity.loc[in_group, "online"].sum()))
        rows.append(("capacity", g, t, goal, achieved, clean(max(0.0, goal - achieved))))
    for t in model.VALUE_TARGET:
        goal = clean(inputs.output_value_target_yuan[t])
        rows.append(("output_value_yuan", "output_value", t, goal, values[t], clean(max(0.0, goal - values[t]))))
    return pd.DataFrame(rows, columns=["kind", "target", "year", "target_value", "achieved", "shortfall"])


def extract_plan(model: pyo.ConcreteModel, inputs: ModelInputs, names: Names | None = None) -> Plan:
    """The plan of a solved model, every figure computed from the same whole-number decisions.

    The cost components are the model's `cost_<name>` expressions evaluated with the whole values
    in place (the model's variables are left as the solver returned them). Raises NoSolution when
    a whole-number decision is farther than INTEGRALITY_TOLERANCE from a whole number (see
    `whole_values`), naming them by the run's `names` (by ids without them)."""
    raw_usable = {key: inputs.utilisation.get(key[1], 1.0) * _value(model.available[key]) for key in model.PRODUCE}
    whole = whole_values(model, names, inputs)
    counts = {key: whole[model.build[key]] for key in model.BUILD}
    with _whole_in_place(whole):
        costs = {name: clean(_value(getattr(model, f"cost_{name}"))) for name in COST_COMPONENTS}
        capacity, values = _capacity_table(model, inputs, counts, raw_usable)
    cluster = inputs.cluster_of_site
    rows = []
    for (s, p, mid, t), n in counts.items():
        if n > 0:
            spec = inputs.module(mid)
            rows.append((s, cluster[s], p, t, mid, n, clean(n * spec.capacity_units_per_yr),
                         clean(n * spec.capex_yuan)))
    builds = pd.DataFrame(rows, columns=BUILD_COLUMNS)
    raw_imports = _raw_import_table(model, inputs)
    flows = _flow_table(model, inputs, capacity, raw_imports)
    targets = _target_table(model, inputs, capacity, values)
    steady = inputs.STEADY_YEAR
    output_value = pd.DataFrame(sorted((t, v) for t, v in values.items() if t != steady),
                                columns=["year", "output_value_yuan"])
    trade, product_flows = _trade_table(model, inputs), _product_flow_table(model, inputs)
    stranded = _stranded_table(model, inputs, capacity)
    steady_state = None
    if steady is not None:
        def later(table: pd.DataFrame) -> pd.DataFrame:
            return table.loc[table["year"] == steady].reset_index(drop=True)

        steady_state = SteadyState(steady, inputs.years_after_horizon, later(capacity), later(trade),
                                   later(stranded), later(raw_imports), later(flows), later(product_flows))

        def within(table: pd.DataFrame) -> pd.DataFrame:
            return table.loc[table["year"] != steady].reset_index(drop=True)

        capacity, trade, product_flows, stranded, raw_imports, flows = (
            within(capacity), within(trade), within(product_flows), within(stranded), within(raw_imports),
            within(flows))
    position = {site: i for i, site in enumerate(inputs.SITES)}
    opened_sites = tuple(sorted(set(builds["site"]), key=position.__getitem__))
    demo = getattr(model, "demo", None)
    labelled = {s: whole[demo[s]] for s in sorted(demo, key=position.__getitem__)
                if whole[demo[s]] > 0} if demo is not None else {}
    years = [capacity] + ([steady_state.capacity] if steady_state is not None else [])
    demo_sites, qualifying = demonstrations(inputs, builds, labelled,
                                            lambda site: runs_as_demonstration(inputs, years, site))
    if demo_sites != labelled and not _demo_rows_hold(model, whole, demo_sites):
        demo_sites = labelled  # not expected: the rule's labelling holds every row the solver's holds
    return Plan(builds, capacity, flows, costs, targets, output_value, opened_sites,
                trade=trade, product_flows=product_flows, raw_imports=raw_imports, stranded=stranded,
                demo_sites=demo_sites, demo_qualifying=qualifying, steady_state=steady_state)


def demo_room(inputs: ModelInputs, site: str, added: float) -> int:
    """How many recycling demonstrations `added` units/yr of the rule's product at `site` can be
    (models/families/recycling_demo.py): at a site of one candidate 1 when D <= added <= Dmax
    (no upper size without Dmax), else 0; at a merged site of n[s] > 1 candidates (the aggregated
    model, whose rows there are demo[s] <= n[s] and D demo[s] <= added) min(n[s], floor(added /
    D)). Each bound within BINDING_SHARE of it; a site adding none of the product is none."""
    rule = inputs.recycling_demo
    if rule is None or added <= ZERO:
        return 0
    least, most = rule.min_size_units_per_yr, rule.max_size_units_per_yr
    n = inputs.site_multiplicity.get(site, 1)
    if n > 1:
        return n if least <= 0 else min(n, math.floor((added + BINDING_SHARE * max(1.0, least)) / least))
    if added < least - BINDING_SHARE * max(1.0, least):
        return 0
    return int(most is None or added <= most + BINDING_SHARE * max(1.0, most))


def demo_additions(plan_builds: pd.DataFrame, product: str) -> dict[str, tuple[float, float, int]]:
    """Per site adding `product` in `plan_builds` (Plan.builds): (units/yr added, capex in yuan,
    modules), all years."""
    rows = plan_builds.loc[plan_builds["product"] == product] if not plan_builds.empty else plan_builds
    found: dict[str, tuple[float, float, int]] = {}
    for row in rows.itertuples(index=False):
        added, capex, modules = found.get(str(row.site), (0.0, 0.0, 0))
        found[str(row.site)] = (added + float(row.capacity_added), capex + float(row.capex_yuan),
                                modules + int(row.modules))
    return found


def _same(a: float, b: float) -> bool:
    """Whether two figures are equal within BINDING_SHARE of the larger."""
    return abs(a - b) <= BINDING_SHARE * max(1.0, abs(a), abs(b))


def _capex_order(additions: Mapping[str, tuple[float, float, int]], position: Mapping[str, int]
                 ) -> Callable[[str], tuple[float, int]]:
    """The sort key of DEMO_ORDER: capex per unit added (rounded to BINDING_SHARE of it, so that
    equal plants tie exactly), then the site's position."""
    def key(site: str) -> tuple[float, int]:
        added, capex, _modules = additions.get(site, (0.0, 0.0, 0))
        per_unit = capex / added if added > 0 else math.inf
        return (float(f"{per_unit:.6g}") if math.isfinite(per_unit) else per_unit, position[site])
    return key


def runs_as_demonstration(inputs: ModelInputs, capacity: Sequence[pd.DataFrame], site: str) -> bool:
    """Whether `site` makes, in every year of the `capacity` tables (Plan.capacity's columns: the
    plan's years and the steady state's), at least the recycling demonstration rule's
    `min_run_share` of its usable capacity of the rule's product (available x utilisation), within
    BINDING_SHARE (models/families/recycling_demo.py, `demo_runs`); True without that share."""
    rule = inputs.recycling_demo
    share = 0.0 if rule is None else rule.min_run_share * inputs.utilisation.get(rule.product, 1.0)
    if share <= 0:
        return True
    for table in capacity:
        rows = table.loc[(table["site"] == site) & (table["product"] == rule.product)]
        for row in rows.itertuples(index=False):
            least = share * float(row.available)
            if float(row.production) < least - BINDING_SHARE * max(1.0, least):
                return False
    return True


def demonstrations(inputs: ModelInputs, builds: pd.DataFrame, labelled: Mapping[str, int],
                   runs: Callable[[str], bool] | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """The plan's recycling demonstrations from its `builds` (Plan.builds), and the sites that
    qualify, each {site: demonstrations} in the sites' order.

    The label costs nothing, so which sites the solver marked (`labelled`, demo[s]) is a tie it
    broke: the rule gives it instead. Every site whose addition of the product over the plan's
    years (its modules; existing and committed plants are no addition) is of demonstration size
    qualifies (`demo_room`; a site the solver marked always does, its rows holding at the
    solver's tolerance). When they are no more than the rule's most number (`max_sites`) all are
    demonstrations; past it they are taken in DEMO_ORDER up to it. So the result holds the
    family's rows as the solver's labelling does: each site within its room (demo_size,
    demo_only), and min(qualifying, max_sites) demonstrations, never fewer than the solver's (at
    least `min_sites`). With the rule's `min_run_share`, a site qualifies only where it also runs
    as a demonstration must (`runs`, e.g. `runs_as_demonstration`; a site the solver marked
    always does). ({}, {}) when the rule is off."""
    rule = inputs.recycling_demo
    if rule is None or not is_on(inputs, "recycling_demo"):
        return {}, {}
    additions = demo_additions(builds, rule.product)
    position = {site: i for i, site in enumerate(inputs.SITES)}
    room = {s: max(demo_room(inputs, s, additions.get(s, (0.0, 0.0, 0))[0]) if runs is None or runs(s) else 0,
                   labelled.get(s, 0))
            for s in sorted(set(additions) | set(labelled), key=position.__getitem__)}
    qualifying = {s: k for s, k in room.items() if k > 0}
    left = rule.max_sites
    chosen: dict[str, int] = {}
    for site in sorted(qualifying, key=_capex_order(additions, position)):
        take = min(qualifying[site], left)
        if take > 0:
            chosen[site] = take
            left -= take
    return {s: chosen[s] for s in qualifying if s in chosen}, qualifying


def _amount(value: float, unit: str) -> str:
    """A capacity as the report writes it: "50,000 t/yr", "2.5 GWh/yr"."""
    return f"{value:,.0f} {per_year(unit)}" if abs(value) >= 100 or float(value).is_integer() \
        else f"{value:,.4g} {per_year(unit)}"


def _listed(items: list[str]) -> str:
    """Site names as a sentence lists them: "A", "A and B", "A; B; C" (names hold commas)."""
    return " and ".join(items) if len(items) <= 2 else "; ".join(items)


def demonstrations_text(plan: Plan, inputs: ModelInputs, name: Callable[[str], str], units: Mapping[str, str]
                        ) -> str:
    """Which sites are the recycling demonstrations and why, in words: the sites whose addition
    is of demonstration size (`Plan.demo_qualifying`), that all of them are demonstrations or,
    past the rule's most number, which DEMO_ORDER picks and which others qualify (equally, or at
    a higher capex per unit), then the sites adding the product outside the demonstration size.
    Sites by `name`, amounts in the product's unit per year (`units`, product -> unit); "" when
    the rule is off. E.g. "A and B each add one 50,000 t/yr Recycling plant, of demonstration
    size (50,000 t/yr): both are demonstrations (1-2 allowed)." """
    rule = inputs.recycling_demo
    if rule is None or not is_on(inputs, "recycling_demo"):
        return ""
    label, unit = product_label(rule.product), units.get(rule.product, "")
    additions = demo_additions(plan.builds, rule.product)
    least, most = rule.min_size_units_per_yr, rule.max_size_units_per_yr
    size = (f"at least {_amount(least, unit)}" if most is None else _amount(least, unit) if _same(least, most)
            else f"{_amount(least, unit)} to {_amount(most, unit)}")
    allowed = (f"{rule.min_sites}-{rule.max_sites} allowed" if rule.min_sites != rule.max_sites
               else f"exactly {rule.min_sites} required")
    qualifying, chosen = plan.demo_qualifying, plan.demo_sites

    def adds(site: str) -> str:
        added, _capex, modules = additions.get(site, (0.0, 0.0, 0))
        return (f"one {_amount(added, unit)} {label} plant" if modules == 1
                else f"{_amount(added, unit)} of {label} ({modules} modules)")

    def shown(site: str, count: int) -> str:
        return name(site) + (f" ({count} demonstrations)" if count > 1 else "")

    sites = list(qualifying)
    what = [adds(s) for s in sites]
    # Sites of demonstration size that do not run at the rule's share (`runs_as_demonstration`).
    idle = [s for s in sorted(additions, key=inputs.SITES.index)
            if s not in qualifying and demo_room(inputs, s, additions[s][0]) > 0]
    share = f"{rule.min_run_share * 100:g}% of its usable capacity every year"
    if not sites:
        runs = f" and runs it at {share}" if idle else ""
        text = f"No site adds {label} of demonstration size ({size}){runs}: no demonstration ({allowed})."
    else:
        if len(set(what)) == 1:
            head = f"{_listed([name(s) for s in sites])} {'adds' if len(sites) == 1 else 'each add'} {what[0]}"
        else:
            head = _listed([f"{name(s)} adds {w}" for s, w in zip(sites, what, strict=True)])
        total, count = sum(qualifying.values()), sum(chosen.values())
        if count == total:
            verdict = ("it is the demonstration" if total == 1 else f"it holds {total} demonstrations"
                       if len(sites) == 1 else "both are demonstrations" if total == 2
                       else f"all {total} are demonstrations")
            text = f"{head}, of demonstration size ({size}): {verdict} ({allowed})."
        else:
            key = _capex_order(additions, {s: i for i, s in enumerate(inputs.SITES)})
            last = max((key(s)[0] for s in chosen), default=math.inf)
            others = [s for s in sites if qualifying[s] > chosen.get(s, 0)]
            equal = [shown(s, qualifying[s] - chosen.get(s, 0)) for s in others if _same(key(s)[0], last)]
            dearer = [shown(s, qualifying[s] - chosen.get(s, 0)) for s in others if not _same(key(s)[0], last)]
            picked = _listed([shown(s, n) for s, n in chosen.items()])
            rest = ([f"{_listed(equal)} {'qualifies' if len(equal) == 1 else 'qualify'} equally"] if equal else []) \
                + ([f"{_listed(dearer)} {'qualifies' if len(dearer) == 1 else 'qualify'} too, at a higher capex "
                    "per unit"] if dearer else [])
            text = (f"{head}, of demonstration size ({size}), but at most {rule.max_sites} "
                    f"{'is' if rule.max_sites == 1 else 'are'} allowed: {picked} "
                    f"{'is the demonstration' if count == 1 else 'are the demonstrations'}, by {DEMO_ORDER}; "
                    f"{'; '.join(rest)}.")
    if idle:
        text += (f" Ordinary {label} capacity, of demonstration size but not run at {share} (the rule's least "
                 f"running share): {_listed([f'{name(s)} ({_amount(additions[s][0], unit)})' for s in idle])}.")
    ordinary = [s for s in sorted(additions, key=inputs.SITES.index) if s not in qualifying and s not in idle]
    if ordinary:
        def why(site: str) -> str:
            added = additions[site][0]
            side = "above the most" if most is not None and added > most else "below the least"
            return f"{name(site)} ({_amount(added, unit)}, {side} demonstration size)"
        text += f" Ordinary {label} capacity, not of demonstration size: {_listed([why(s) for s in ordinary])}."
    return text


def _demo_rows_hold(model: pyo.ConcreteModel, whole: ComponentMap, demo_sites: Mapping[str, int]) -> bool:
    """Whether the rows of family `recycling_demo` (demo_count, demo_size, demo_only, demo_runs) hold, within
    BINDING_SHARE of their bounds, with the whole values in place and demo[s] = `demo_sites[s]`
    (0 elsewhere)."""
    values = ComponentMap(whole.items())
    for s in model.DEMO_SITE:
        values[model.demo[s]] = demo_sites.get(s, 0)
    with _whole_in_place(values):
        for name in ("demo_count", "demo_size", "demo_only", "demo_runs"):
            rows = getattr(model, name, None)
            for row in rows.values() if rows is not None else ():
                if not row.active:
                    continue
                body = _value(row.body)
                lower, upper = pyo.value(row.lower, exception=False), pyo.value(row.upper, exception=False)
                if lower is not None and body < lower - BINDING_SHARE * max(1.0, abs(lower)):
                    return False
                if upper is not None and body > upper + BINDING_SHARE * max(1.0, abs(upper)):
                    return False
    return True


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


#: How the advice of a run without a plan names the time-limit argument of the front door in use,
#: as its user writes it: the command line's option by default, the Python argument
#: ("time_limit_s=") while `siting.api`'s calls run (`time_limit_named`).
TIME_LIMIT_NAME: ContextVar[str] = ContextVar("TIME_LIMIT_NAME", default="--time-limit")


@contextmanager
def time_limit_named(name: str) -> Iterator[None]:
    """Name the time-limit argument `name` (e.g. "time_limit_s=") in the advice given while the
    block runs, in this thread: "raise solver.time_limit_s (or time_limit_s=)" where the command
    line says "(or --time-limit)"."""
    token = TIME_LIMIT_NAME.set(name)
    try:
        yield
    finally:
        TIME_LIMIT_NAME.reset(token)


def raise_time_limit() -> str:
    """The advice to give a solve more time: "raise solver.time_limit_s (or --time-limit)", with
    the argument of the front door in use (`TIME_LIMIT_NAME`)."""
    return f"raise solver.time_limit_s (or {TIME_LIMIT_NAME.get()})"


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
                    f'solver.options: {{presolve: "off"}} to keep the limit, or {raise_time_limit()}')
        return f"the solver found no plan within the time limit of {limit:g} s ({said}); {raise_time_limit()}"
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
