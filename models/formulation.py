"""The siting MIP as a script of constraint families.

`build_model` derives the sparse index sets in plain Python first, creates the variables, then
calls one `add_<family>` function per constraint family. Each family states its rule, algebra,
index, units, when it is active and what makes it infeasible. Notation used in the docstrings:

    s site, c cluster, p product, m module size of p, t year, k raw-material source, r resource
    x[s,p,m,t]  integer modules of size m of product p built at s in year t
    K[s,p,t]    capacity of p at s in year t (units/yr) = E[s,p] + sum_{m, t'<=t} size[m] x[s,p,m,t']
    A[s,p]      capacity added at s by the final year = sum_{m,t} size[m] x[s,p,m,t]
    y[s,p,t]    production (units/yr);   f[k,s,t] raw material shipped (t/yr)
    h[c,p]      binary: cluster c hosts additions of p;   o[s] binary: site s is opened
    u[g,t]      capacity-target shortfall;  w[t] output-value shortfall (yuan)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyomo.environ as pyo

from models.inputs import ModelInputs, ModuleSpec, SiteProduct

RULE_FAMILIES: tuple[str, ...] = (
    "targets",
    "output_value",
    "land",
    "redline",
    "proximity",
    "supply",
    "chain_balance",
    "differentiation",
    "agglomeration",
    "budget",
    "recycling_demo",
)

#: Money enters constraint rows and the objective in million yuan: yuan figures reach 1e11
#: (output-value targets), which HiGHS's tolerances cannot handle well. Cost expressions and
#: reported figures stay in yuan.
MONEY_UNIT_YUAN = 1e6

#: Upper bound on modules of one size per site, product and year when land does not bound them.
MAX_MODULES_WITHOUT_LAND = 20


@dataclass(frozen=True)
class ModelIndex:
    """Sparse index sets derived from the inputs before the model is built."""

    build_pairs: tuple[SiteProduct, ...]
    build_keys: tuple[tuple[str, str, str, int], ...]
    module_bound: dict[tuple[str, str, str], int]
    producing_pairs: tuple[SiteProduct, ...]
    land_ha: dict[SiteProduct, float]
    max_added_units: dict[SiteProduct, float]
    modules_of_product: dict[str, tuple[ModuleSpec, ...]]


def is_on(inputs: ModelInputs, family: str) -> bool:
    return family in inputs.enabled_families


def derive_index(inputs: ModelInputs) -> ModelIndex:
    """Red-line and proximity eligibility (families 5 and 6, eligibility part) as sparse sets.

    BUILD = CANDIDATES - REDLINE_EXCLUDED (if "redline" is on) - PROXIMITY_EXCLUDED (if
    "proximity" is on) - pairs where not even one module fits on the usable land.
    No variable x[s,p,m,t] exists outside BUILD, so "no module of p at a site inside p's
    buffered red line" holds by construction rather than by a constraint row.
    Module bounds: x[s,p,m,t] <= floor(land[s,p] / land_ha[m]) when "land" is on, and
    <= ceil(Cmax[p] / size[m]) where the capacity ceiling gives p a cap Cmax[p] (units/yr).
    Amax[s,p], the linking constant of the binaries, is the least of these bounds: the tighter
    it is, the stronger the LP relaxation.
    """
    product_cap = ceiling_per_product(inputs)
    modules_of_product: dict[str, list[ModuleSpec]] = defaultdict(list)
    for spec in inputs.MODULES:
        modules_of_product[spec.product].append(spec)
    excluded: set[SiteProduct] = set()
    if is_on(inputs, "redline"):
        excluded |= inputs.REDLINE_EXCLUDED
    if is_on(inputs, "proximity"):
        excluded |= inputs.PROXIMITY_EXCLUDED
    land_ha: dict[SiteProduct, float] = {}
    module_bound: dict[tuple[str, str, str], int] = {}
    build_pairs: list[SiteProduct] = []
    max_added: dict[SiteProduct, float] = {}
    for pair in inputs.CANDIDATES:
        if pair in excluded:
            continue
        site, product = pair
        land = (
            inputs.land_after_redline_ha.get(pair, 0.0)
            if is_on(inputs, "redline")
            else inputs.site_land_ha[site]
        )
        bounds = {}
        for spec in modules_of_product.get(product, ()):
            count = math.floor(land / spec.land_ha + 1e-9) if is_on(inputs, "land") else MAX_MODULES_WITHOUT_LAND
            if product in product_cap:
                count = min(count, math.ceil(product_cap[product] / spec.capacity_units_per_yr - 1e-9))
            if count > 0:
                bounds[spec.module_id] = count
        if not bounds:
            continue
        build_pairs.append(pair)
        land_ha[pair] = land
        for module_id, count in bounds.items():
            module_bound[(site, product, module_id)] = count
        max_added[pair] = min(
            max_added_units(inputs, land, bounds, is_on(inputs, "land")), product_cap.get(product, math.inf)
        )
    build_keys = tuple(
        (site, product, spec.module_id, year)
        for site, product in build_pairs
        for spec in modules_of_product[product]
        if (site, product, spec.module_id) in module_bound
        for year in inputs.YEARS
    )
    producing = list(build_pairs)
    seen = set(build_pairs)
    for pair, units in inputs.existing_capacity_units_per_yr.items():
        if units > 0 and pair not in seen:
            producing.append(pair)
            seen.add(pair)
    return ModelIndex(
        build_pairs=tuple(build_pairs),
        build_keys=build_keys,
        module_bound=module_bound,
        producing_pairs=tuple(producing),
        land_ha=land_ha,
        max_added_units=max_added,
        modules_of_product={p: tuple(v) for p, v in modules_of_product.items()},
    )


def group_ceilings(inputs: ModelInputs) -> dict[str, float]:
    """Ceiling U[g] = max(phi * T[g], T[g] + the group's largest module), T[g] = max_t T[g,t], for
    groups with a positive target, when the capacity ceiling (family 2b) is active. The second
    term keeps a target reachable in whole modules even when phi * T[g] is below one module."""
    phi = inputs.capacity_ceiling_factor if is_on(inputs, "targets") else 0.0
    if phi <= 0:
        return {}
    goals: dict[str, float] = defaultdict(float)
    for (group, _t), target in inputs.capacity_target_units.items():
        goals[group] = max(goals[group], target)
    ceilings = {}
    for group, goal in goals.items():
        members = set(inputs.TARGET_GROUPS[group])
        largest = max((spec.capacity_units_per_yr for spec in inputs.MODULES if spec.product in members), default=0.0)
        if goal > 0:
            ceilings[group] = max(phi * goal, goal + largest)
    return ceilings


def ceiling_per_product(inputs: ModelInputs) -> dict[str, float]:
    """Cmax[p] = min U[g] over the groups g holding p: added capacity of p never exceeds it."""
    caps: dict[str, float] = {}
    for group, ceiling in group_ceilings(inputs).items():
        for product in inputs.TARGET_GROUPS[group]:
            caps[product] = min(caps.get(product, math.inf), ceiling)
    return caps


def max_added_units(inputs: ModelInputs, land_ha: float, bounds: dict[str, int], land_binds: bool) -> float:
    """The most capacity (units/yr) that can be added at one site for one product: Amax, used
    to link binaries and to explain unreachable targets.

    With land binding it is the integer knapsack max sum_m size[m] n[m] subject to
    sum_m land[m] n[m] <= L and n[m] <= bound[m] (solved by enumeration: a product has few
    module sizes); without it, every year may add each module up to its bound."""
    specs = [(inputs.module(mid), count) for mid, count in bounds.items()]
    if not land_binds:
        return sum(spec.capacity_units_per_yr * count * len(inputs.YEARS) for spec, count in specs)

    def best(i: int, land_left: float) -> float:
        spec, count = specs[i]
        fit = min(count, math.floor(land_left / spec.land_ha + 1e-9))
        if i == len(specs) - 1:
            return fit * spec.capacity_units_per_yr
        return max(n * spec.capacity_units_per_yr + best(i + 1, land_left - n * spec.land_ha) for n in range(fit + 1))

    return best(0, land_ha)


def build_model(inputs: ModelInputs) -> pyo.ConcreteModel:
    """Build the siting MIP from plain inputs; the model is not solved here."""
    unknown = set(inputs.enabled_families) - set(RULE_FAMILIES)
    if unknown:
        raise ValueError(f"unknown rule families {sorted(unknown)}; known: {list(RULE_FAMILIES)}")
    index = derive_index(inputs)
    m = pyo.ConcreteModel(name="siting")
    m.index_data = index
    add_variables(m, inputs, index)
    add_capacity_accumulation(m, inputs, index)
    add_capacity_targets(m, inputs, index)
    add_capacity_ceiling(m, inputs, index)
    add_output_value_targets(m, inputs, index)
    add_output_value_cover(m, inputs, index)
    add_land(m, inputs, index)
    add_supply(m, inputs, index)
    add_chain_balance(m, inputs, index)
    add_host_indicator(m, inputs, index)
    add_product_hosting_limit(m, inputs, index)
    add_lead_share(m, inputs, index)
    add_portfolio_difference(m, inputs, index)
    add_cluster_value_share(m, inputs, index)
    add_agglomeration(m, inputs, index)
    add_budget(m, inputs, index)
    add_recycling_demo(m, inputs, index)
    add_objective(m, inputs, index)
    return m


# --------------------------------------------------------------------------------------------
# variables and shared expressions


def add_variables(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Decision variables over the sparse index sets."""
    m.BUILD = pyo.Set(initialize=index.build_keys, dimen=4, ordered=True)
    m.build = pyo.Var(
        m.BUILD,
        domain=pyo.NonNegativeIntegers,
        bounds=lambda _m, s, p, mod, _t: (0, index.module_bound[(s, p, mod)]),
    )
    m.PRODUCE = pyo.Set(
        initialize=[(s, p, t) for s, p in index.producing_pairs for t in inputs.YEARS],
        dimen=3,
        ordered=True,
    )
    m.production = pyo.Var(m.PRODUCE, domain=pyo.NonNegativeReals)
    # Sites with a buildable pair, in input order (build_pairs follow CANDIDATES, site-major).
    m.SITE_OPEN = pyo.Set(initialize=list(dict.fromkeys(s for s, _p in index.build_pairs)))
    m.HOST = pyo.Set(
        initialize=sorted(
            {(inputs.cluster_of_site[s], p) for s, p in index.build_pairs},
            key=lambda cp: (inputs.CLUSTERS.index(cp[0]), inputs.PRODUCTS.index(cp[1])),
        ),
        dimen=2,
        ordered=True,
    )
    m.hosts = pyo.Var(m.HOST, domain=pyo.Binary)


def added_by(m: pyo.ConcreteModel, index: ModelIndex, inputs: ModelInputs, site: str, product: str,
             year: int | None = None) -> pyo.Expression:
    """Capacity of `product` added at `site` up to `year` (the final year if None), units/yr."""
    last = inputs.YEARS[-1] if year is None else year
    return sum(
        spec.capacity_units_per_yr * m.build[site, product, spec.module_id, t]
        for spec in index.modules_of_product.get(product, ())
        if (site, product, spec.module_id) in index.module_bound
        for t in inputs.YEARS
        if t <= last
    )


def added_keys(index: ModelIndex, site: str, product: str) -> Iterable[tuple[str, str, str]]:
    return (
        (site, product, spec.module_id)
        for spec in index.modules_of_product.get(product, ())
        if (site, product, spec.module_id) in index.module_bound
    )


def add_capacity_accumulation(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 1, capacity accumulation and production (always active).

    K[s,p,t] = E[s,p] + sum_{m, t' <= t} size[m] * x[s,p,m,t']            (units/yr)
    y[s,p,t] <= util[p] * K[s,p,t]            for (s,p) in BUILD or with E[s,p] > 0, all t
    Built capacity is never retired within the horizon. Cannot be infeasible on its own.
    """
    build_set = set(index.build_pairs)
    m.capacity = pyo.Expression(
        m.PRODUCE,
        rule=lambda _m, s, p, t: inputs.existing_capacity_units_per_yr.get((s, p), 0.0)
        + (added_by(m, index, inputs, s, p, t) if (s, p) in build_set else 0.0),
    )
    m.production_limit = pyo.Constraint(
        m.PRODUCE,
        rule=lambda _m, s, p, t: m.production[s, p, t] <= inputs.utilisation.get(p, 1.0) * m.capacity[s, p, t],
    )


def group_capacity(m: pyo.ConcreteModel, index: ModelIndex, products: Iterable[str], year: int) -> pyo.Expression:
    wanted = set(products)
    return sum(m.capacity[s, p, year] for s, p in index.producing_pairs if p in wanted)


def add_capacity_targets(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 2, capacity targets per target group g (a set of products) and year t.

    sum_{s, p in g} K[s,p,t] + u[g,t] >= T[g,t]            (units/yr of the group's products)
    u[g,t] >= 0 is penalised in the objective; with `targets_strict`, u is fixed to 0 and the
    family is infeasible when the group cannot reach T[g,t] on eligible land by year t.
    """
    keys = [k for k in inputs.capacity_target_units if is_on(inputs, "targets")]
    m.CAP_TARGET = pyo.Set(initialize=keys, dimen=2, ordered=True)
    m.capacity_shortfall = pyo.Var(m.CAP_TARGET, domain=pyo.NonNegativeReals)
    if inputs.targets_strict:
        for key in keys:
            m.capacity_shortfall[key].fix(0.0)
    m.capacity_target = pyo.Constraint(
        m.CAP_TARGET,
        rule=lambda _m, g, t: group_capacity(m, index, inputs.TARGET_GROUPS[g], t) + m.capacity_shortfall[g, t]
        >= inputs.capacity_target_units[(g, t)],
    )


def add_capacity_ceiling(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 2b (part of "targets"): the plan does not overshoot a target by more than a factor.

    sum_{s, p in g} K[s,p,t_last] <= U[g] = max(phi * T[g], T[g] + largest module of g)
    for groups with a positive target, when phi > 0 (see group_ceilings). Without it, the
    cheapest way to raise output value is to overbuild whichever product has the lowest capex
    per yuan of output, far beyond any market. Infeasible only when existing capacity alone
    exceeds the ceiling.
    """
    ceilings = group_ceilings(inputs)
    m.CEILING = pyo.Set(initialize=list(ceilings), ordered=True)
    last = inputs.YEARS[-1]
    m.capacity_ceiling = pyo.Constraint(
        m.CEILING, rule=lambda _m, g: group_capacity(m, index, inputs.TARGET_GROUPS[g], last) <= ceilings[g]
    )


def add_output_value_targets(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 3, industry output value per year.

    sum_{s,p} v[p] * y[s,p,t] + w[t] >= V[t]            (yuan/yr; v in yuan per unit)
    The row is stated in million yuan and w[t] is in million yuan (see MONEY_UNIT_YUAN).
    Output value counts production of existing and added capacity. w[t] >= 0 is penalised;
    fixed to 0 with `targets_strict` (then infeasible when full use of all buildable capacity
    cannot reach V[t]).
    """
    keys = list(inputs.output_value_target_yuan) if is_on(inputs, "output_value") else []
    m.VALUE_TARGET = pyo.Set(initialize=keys, ordered=True)
    m.value_shortfall = pyo.Var(m.VALUE_TARGET, domain=pyo.NonNegativeReals)
    if inputs.targets_strict:
        for key in keys:
            m.value_shortfall[key].fix(0.0)
    m.output_value = pyo.Expression(
        inputs.YEARS,
        rule=lambda _m, t: sum(
            inputs.output_value_yuan_per_unit.get(p, 0.0) * m.production[s, p, t]
            for s, p in index.producing_pairs
        ),
    )
    m.output_value_target = pyo.Constraint(
        m.VALUE_TARGET,
        rule=lambda _m, t: m.output_value[t] / MONEY_UNIT_YUAN + m.value_shortfall[t]
        >= inputs.output_value_target_yuan[t] / MONEY_UNIT_YUAN,
    )


def add_output_value_cover(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 3b (part of "output_value"): the value target restated on modules alone.

    sum_{s,p} v[p] util[p] (E[s,p] + sum_{m, t'<=t} size[m] x[s,p,m,t']) + w[t] >= V[t]
    A valid inequality implied by family 3 and y <= util K: it changes no feasible plan, but it is
    a pure-integer knapsack row from which HiGHS derives cover cuts that the production variables
    hide (measured on the Yunnan scenario: the gap after 60 s halves). In million yuan.
    """
    keys = list(m.VALUE_TARGET)
    m.value_cover = pyo.Constraint(
        keys,
        rule=lambda _m, t: sum(
            inputs.output_value_yuan_per_unit.get(p, 0.0) * inputs.utilisation.get(p, 1.0) / MONEY_UNIT_YUAN
            * m.capacity[s, p, t]
            for s, p in index.producing_pairs
        )
        + m.value_shortfall[t]
        >= inputs.output_value_target_yuan[t] / MONEY_UNIT_YUAN,
    )


def add_land(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 4, land: modules at a site fit on its usable land after red-line exclusion.

    With per-product setbacks each product p has its own usable land L[s,p] (ha) at site s.
    Where these areas are nested (a larger setback leaves a subset of the land), land demands
    fit if and only if, for every level l in {L[s,p]}:
        sum_{q : L[s,q] <= l} sum_{m,t} land[m] * x[s,q,m,t] <= l        (ha)
    (Hall's condition for nested regions). Existing plants are outside the usable land.
    Active when "land" is on; with it off, module counts are capped at MAX_MODULES_WITHOUT_LAND.
    Cannot be infeasible by itself (x = 0 fits); it binds capacity targets.
    """
    rows: list[tuple[str, float]] = []
    pairs_at: dict[str, list[tuple[str, float]]] = defaultdict(list)
    if is_on(inputs, "land"):
        for (site, product), land in index.land_ha.items():
            pairs_at[site].append((product, land))
        rows = [(site, level) for site in inputs.SITES for level in sorted({land for _p, land in pairs_at[site]})]
    m.LAND_LEVEL = pyo.Set(initialize=list(range(len(rows))), ordered=True)

    def land_rule(_m: pyo.ConcreteModel, i: int) -> pyo.Expression:
        site, level = rows[i]
        return (
            sum(
                inputs.module(mid).land_ha * m.build[site, q, mid, t]
                for q, land in pairs_at[site]
                if land <= level
                for _s, _q, mid in added_keys(index, site, q)
                for t in inputs.YEARS
            )
            <= level
        )

    m.land_limit = pyo.Constraint(m.LAND_LEVEL, rule=land_rule)


def add_supply(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 6, raw-material supply (the "supply" switch; "proximity" limits arcs/eligibility).

    For each site s, resource r needed there and year t:
        sum_{k : res[k] = r, (k,s) in ARCS} f[k,s,t] >= sum_p a[p,r] * y[s,p,t]     (t/yr)
    For each source k and year t:    sum_s f[k,s,t] <= S[k,t]                        (t/yr)
    Transport cost  sum_t df[t] * c * km[k,s] * f[k,s,t] enters the objective (c yuan per t-km).
    ARCS are every source of r to every site needing r; with "proximity" on only arcs within
    the resource's maximum distance remain, plus each site's nearest source of r so that
    existing plants are not cut off. Infeasible when capacity targets force production beyond
    what the sources can supply (production can stay at 0, so only output-value or
    chain-balance rules can push it there).
    """
    active = is_on(inputs, "supply")
    needs: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    if active:
        for s, p in index.producing_pairs:
            for r in inputs.RESOURCES:
                intensity = inputs.resource_t_per_unit.get((p, r), 0.0)
                if intensity > 0:
                    needs[(s, r)].append((p, intensity))
    arcs = [
        (k, s)
        for k, s in inputs.ARCS
        if (s, inputs.resource_of_source[k]) in needs
        and (not is_on(inputs, "proximity") or (k, s) in inputs.ARCS_WITHIN_LIMIT)
    ]
    m.ARC = pyo.Set(initialize=[(k, s, t) for k, s in arcs for t in inputs.YEARS], dimen=3, ordered=True)
    m.flow = pyo.Var(m.ARC, domain=pyo.NonNegativeReals)
    arcs_into: dict[tuple[str, str], list[str]] = defaultdict(list)
    arcs_from: dict[str, list[str]] = defaultdict(list)
    for k, s in arcs:
        arcs_into[(s, inputs.resource_of_source[k])].append(k)
        arcs_from[k].append(s)
    m.NEED = pyo.Set(initialize=[(s, r, t) for s, r in needs for t in inputs.YEARS], dimen=3, ordered=True)
    m.supply_balance = pyo.Constraint(
        m.NEED,
        rule=lambda _m, s, r, t: sum(m.flow[k, s, t] for k in arcs_into[(s, r)])
        >= sum(a * m.production[s, p, t] for p, a in needs[(s, r)]),
    )
    m.SOURCE_YEAR = pyo.Set(
        initialize=[(k, t) for k in inputs.SOURCES if arcs_from[k] for t in inputs.YEARS],
        dimen=2,
        ordered=True,
    )
    m.source_limit = pyo.Constraint(
        m.SOURCE_YEAR,
        rule=lambda _m, k, t: sum(m.flow[k, s, t] for s in arcs_from[k]) <= inputs.supply_t_per_yr.get((k, t), 0.0),
    )


def add_chain_balance(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 7, chain balance: local upstream production covers a share of provincial use.

    For each upstream product u with share sigma[u] and year t:
        sum_s y[s,u,t] >= sigma[u] * sum_{d} a[d,u] * sum_s y[s,d,t]        (units of u per yr)
    where a[d,u] is the units of u consumed per unit of downstream d. Infeasible with strict
    targets when u cannot be built anywhere (no eligible site) but d must be produced.
    """
    keys = []
    if is_on(inputs, "chain_balance"):
        keys = [(u, t) for u in inputs.PRODUCTS if inputs.chain_share_min.get(u, 0.0) > 0 for t in inputs.YEARS]
    by_product: dict[str, list[str]] = defaultdict(list)
    for s, p in index.producing_pairs:
        by_product[p].append(s)
    m.CHAIN = pyo.Set(initialize=keys, dimen=2, ordered=True)

    def rule(_m: pyo.ConcreteModel, u: str, t: int) -> pyo.Expression:
        local = sum(m.production[s, u, t] for s in by_product[u])
        consumed = sum(
            a * m.production[s, d, t]
            for (d, up), a in inputs.input_units_per_unit.items()
            if up == u
            for s in by_product[d]
        )
        if isinstance(consumed, (int, float)):
            return pyo.Constraint.Feasible
        return local >= inputs.chain_share_min[u] * consumed

    m.chain_balance = pyo.Constraint(m.CHAIN, rule=rule)


def add_host_indicator(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Host indicator h[c,p] = 1 exactly when cluster c adds capacity of p (always active).

    A[s,p] <= Amax[s,p] * h[c(s),p]           for (s,p) in BUILD   (Amax from module bounds)
    h[c,p] <= sum_{s in c, m, t} x[s,p,m,t]    (hosting means at least one module)
    Cannot be infeasible on its own; it gives families 8 their meaning.
    """
    m.host_link = pyo.Constraint(
        pyo.Set(initialize=list(index.build_pairs), dimen=2, ordered=True),
        rule=lambda _m, s, p: added_by(m, index, inputs, s, p)
        <= index.max_added_units[(s, p)] * m.hosts[inputs.cluster_of_site[s], p],
    )
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, p in index.build_pairs:
        members[(inputs.cluster_of_site[s], p)].append(s)
    m.host_needs_build = pyo.Constraint(
        m.HOST,
        rule=lambda _m, c, p: m.hosts[c, p]
        <= sum(m.build[s, p, mid, t] for s in members[(c, p)] for _s, _p, mid in added_keys(index, s, p)
               for t in inputs.YEARS),
    )


def add_product_hosting_limit(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 8a, differentiation: product p is added in at most k[p] clusters.

    sum_c h[c,p] <= k[p]          for p with a limit, when "differentiation" is on.
    Infeasible with strict targets when k[p] clusters lack the land for p's target.
    """
    keys = []
    if is_on(inputs, "differentiation"):
        keys = [p for p in inputs.PRODUCTS if p in inputs.max_clusters_per_product]
    m.HOST_LIMIT = pyo.Set(initialize=keys, ordered=True)

    def rule(_m: pyo.ConcreteModel, p: str) -> pyo.Expression:
        hosts = [m.hosts[c, p] for c in inputs.CLUSTERS if (c, p) in m.HOST]
        if len(hosts) <= inputs.max_clusters_per_product[p]:
            return pyo.Constraint.Feasible
        return sum(hosts) <= inputs.max_clusters_per_product[p]

    m.product_hosting_limit = pyo.Constraint(m.HOST_LIMIT, rule=rule)


def add_lead_share(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 8b, differentiation: each cluster's additions lean on its lead products.

    sum_{s in c, p in lead[c]} v[p] * A[s,p] >= share * sum_{s in c, p} v[p] * A[s,p]   (yuan/yr)
    valued at nameplate capacity, for clusters with lead products, when "differentiation" is
    on. Satisfied by a cluster that adds nothing; infeasible only together with targets that
    force a cluster to add non-lead products it cannot balance.
    """
    keys = []
    if is_on(inputs, "differentiation") and inputs.lead_share_min > 0:
        keys = [c for c in inputs.CLUSTERS if inputs.lead_products.get(c)]
    m.LEAD_CLUSTER = pyo.Set(initialize=keys, ordered=True)

    def value_added(c: str, products: set[str] | None) -> pyo.Expression:
        return sum(
            inputs.output_value_yuan_per_unit.get(p, 0.0) / MONEY_UNIT_YUAN * added_by(m, index, inputs, s, p)
            for s, p in index.build_pairs
            if inputs.cluster_of_site[s] == c and (products is None or p in products)
        )

    def rule(_m: pyo.ConcreteModel, c: str) -> pyo.Expression:
        total = value_added(c, None)
        if isinstance(total, (int, float)):
            return pyo.Constraint.Feasible
        return value_added(c, set(inputs.lead_products[c])) >= inputs.lead_share_min * total

    m.lead_share = pyo.Constraint(m.LEAD_CLUSTER, rule=rule)


def add_portfolio_difference(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 8c, differentiation: any two clusters' portfolios differ in at least d products.

    z[c,c',p] <= h[c,p] + h[c',p];  z[c,c',p] <= 2 - h[c,p] - h[c',p];
    sum_p z[c,c',p] >= d            for every pair c < c', when d > 0 and "differentiation" is on.
    z = 1 only where exactly one of the two clusters hosts p. Infeasible when fewer than d
    products can be told apart (for example when both clusters may host only the same ones).
    """
    d = inputs.min_portfolio_difference if is_on(inputs, "differentiation") else 0
    pairs = [(a, b) for i, a in enumerate(inputs.CLUSTERS) for b in inputs.CLUSTERS[i + 1 :]] if d > 0 else []
    m.CLUSTER_PAIR = pyo.Set(initialize=pairs, dimen=2, ordered=True)
    m.DIFF = pyo.Set(initialize=[(a, b, p) for a, b in pairs for p in inputs.PRODUCTS], dimen=3, ordered=True)
    m.differs = pyo.Var(m.DIFF, domain=pyo.Binary)

    def host(c: str, p: str) -> pyo.Expression | float:
        return m.hosts[c, p] if (c, p) in m.HOST else 0.0

    m.differs_if_one = pyo.Constraint(
        m.DIFF, rule=lambda _m, a, b, p: m.differs[a, b, p] <= host(a, p) + host(b, p)
    )
    m.differs_if_not_both = pyo.Constraint(
        m.DIFF, rule=lambda _m, a, b, p: m.differs[a, b, p] <= 2 - host(a, p) - host(b, p)
    )
    m.portfolio_difference = pyo.Constraint(
        m.CLUSTER_PAIR, rule=lambda _m, a, b: sum(m.differs[a, b, p] for p in inputs.PRODUCTS) >= d
    )


def add_cluster_value_share(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 8d, differentiation: every cluster takes part in the growth.

    sum_{s in c, p} v[p] * A[s,p] >= share * sum_{s, p} v[p] * A[s,p]        (yuan/yr at nameplate)
    for every cluster, when share > 0 and "differentiation" is on. Infeasible when a cluster
    has no eligible land while the targets force additions elsewhere.
    """
    share = inputs.min_cluster_value_share if is_on(inputs, "differentiation") else 0.0
    m.SHARE_CLUSTER = pyo.Set(initialize=list(inputs.CLUSTERS) if share > 0 else [], ordered=True)
    if share <= 0:
        m.cluster_value_share = pyo.Constraint(m.SHARE_CLUSTER)
        return
    value = {
        (s, p): inputs.output_value_yuan_per_unit.get(p, 0.0) / MONEY_UNIT_YUAN * added_by(m, index, inputs, s, p)
        for s, p in index.build_pairs
    }
    total = sum(value.values())
    m.cluster_value_share = pyo.Constraint(
        m.SHARE_CLUSTER,
        rule=lambda _m, c: sum(v for (s, _p), v in value.items() if inputs.cluster_of_site[s] == c) >= share * total,
    )


def add_agglomeration(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 9, agglomeration: few, substantial sites.

    A[s,p] <= Amax[s,p] * o[s]                                   for (s,p) in BUILD
    sum_{p,m,t} capex[m] * x[s,p,m,t] >= I_min * o[s]            (yuan)
    sum_{s in c} o[s] <= n_max[c]                                for clusters with a limit
    and F * o[s] (yuan, charged in the first year) in the objective. Active when
    "agglomeration" is on. Infeasible with strict targets when n_max sites cannot hold them.
    """
    active = is_on(inputs, "agglomeration")
    m.OPEN = pyo.Set(initialize=list(m.SITE_OPEN) if active else [], ordered=True)
    m.opened = pyo.Var(m.OPEN, domain=pyo.Binary)
    pairs = list(index.build_pairs) if active else []
    m.open_link = pyo.Constraint(
        pyo.Set(initialize=pairs, dimen=2, ordered=True),
        rule=lambda _m, s, p: added_by(m, index, inputs, s, p) <= index.max_added_units[(s, p)] * m.opened[s],
    )
    products_at: dict[str, list[str]] = defaultdict(list)
    for s, p in index.build_pairs:
        products_at[s].append(p)
    m.site_capex = pyo.Expression(
        m.SITE_OPEN,
        rule=lambda _m, s: sum(
            inputs.module(mid).capex_yuan * m.build[s, p, mid, t]
            for p in products_at[s]
            for _s, _p, mid in added_keys(index, s, p)
            for t in inputs.YEARS
        ),
    )
    min_invest = inputs.min_investment_per_open_site_yuan
    m.min_investment = pyo.Constraint(
        m.OPEN if min_invest > 0 else pyo.Set(initialize=[]),
        rule=lambda _m, s: m.site_capex[s] / MONEY_UNIT_YUAN >= min_invest / MONEY_UNIT_YUAN * m.opened[s],
    )
    limited = [c for c in inputs.CLUSTERS if c in inputs.max_open_sites_per_cluster] if active else []
    m.OPEN_LIMIT = pyo.Set(initialize=limited, ordered=True)

    def limit_rule(_m: pyo.ConcreteModel, c: str) -> pyo.Expression:
        sites = [m.opened[s] for s in m.OPEN if inputs.cluster_of_site[s] == c]
        if len(sites) <= inputs.max_open_sites_per_cluster[c]:
            return pyo.Constraint.Feasible
        return sum(sites) <= inputs.max_open_sites_per_cluster[c]

    m.open_sites_limit = pyo.Constraint(m.OPEN_LIMIT, rule=limit_rule)


def capex_in_year(m: pyo.ConcreteModel, inputs: ModelInputs, year: int) -> pyo.Expression:
    return sum(inputs.module(mid).capex_yuan * m.build[s, p, mid, t] for s, p, mid, t in m.BUILD if t == year)


def add_budget(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 10, budget per year (undiscounted yuan).

    sum_{s,p,m} capex[m] * x[s,p,m,t] <= B[t]          for years with a budget, "budget" on.
    Infeasible with strict targets when the targets need more investment by year t.
    """
    keys = [t for t in inputs.YEARS if t in inputs.budget_yuan_per_yr] if is_on(inputs, "budget") else []
    m.BUDGET_YEAR = pyo.Set(initialize=keys, ordered=True)

    def rule(_m: pyo.ConcreteModel, t: int) -> pyo.Expression:
        spent = capex_in_year(m, inputs, t)
        if isinstance(spent, (int, float)):  # nothing can be built: the budget cannot bind
            return pyo.Constraint.Feasible
        return spent / MONEY_UNIT_YUAN <= inputs.budget_yuan_per_yr[t] / MONEY_UNIT_YUAN

    m.budget = pyo.Constraint(m.BUDGET_YEAR, rule=rule)


def add_recycling_demo(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Family 11, recycling demonstrations: recycling goes only to demonstration sites.

    A[s,rec] <= Amax[s,rec] * q[s];   A[s,rec] >= D * q[s];   n_min <= sum_s q[s] <= n_max
    with q[s] binary, D the demonstration size (units/yr). Active when "recycling_demo" is on
    and a demonstration rule is given. Infeasible when fewer than n_min sites can hold D.
    """
    demo = inputs.recycling_demo if is_on(inputs, "recycling_demo") else None
    sites = [s for s, p in index.build_pairs if demo is not None and p == demo.product]
    m.DEMO_SITE = pyo.Set(initialize=sites, ordered=True)
    m.demo = pyo.Var(m.DEMO_SITE, domain=pyo.Binary)
    if demo is None:
        return
    rec = demo.product
    m.demo_only = pyo.Constraint(
        m.DEMO_SITE,
        rule=lambda _m, s: added_by(m, index, inputs, s, rec) <= index.max_added_units[(s, rec)] * m.demo[s],
    )
    m.demo_size = pyo.Constraint(
        m.DEMO_SITE,
        rule=lambda _m, s: added_by(m, index, inputs, s, rec) >= demo.min_size_units_per_yr * m.demo[s],
    )
    if sites:
        m.demo_count = pyo.Constraint(
            expr=pyo.inequality(demo.min_sites, sum(m.demo[s] for s in sites), demo.max_sites)
        )
    elif demo.min_sites > 0:
        # No site may host the product: the minimum number of demonstrations cannot be met.
        m.demo_impossible = pyo.Var(bounds=(0, 0))
        m.demo_count = pyo.Constraint(expr=m.demo_impossible >= demo.min_sites)


def add_objective(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Objective: minimise discounted cost (yuan).

    sum_t df[t] * ( sum capex[m] x[s,p,m,t]                        capex
                  + sum opex[m] * sum_{t'<=t} x[s,p,m,t']          fixed opex of standing modules
                  + sum_{k,s} c * km[k,s] * f[k,s,t]               transport
                  + sum_g pen[g] * u[g,t] + pen_v * w[t] )         shortfall penalties
      + df[t0] * F * sum_s o[s]                                    site fixed cost
    with df[t] = (1 + rate) ** -(t - t0). Capex of a module built in the final year is counted
    whole (no salvage value). The objective row is in million yuan (MONEY_UNIT_YUAN); the cost
    expressions cost_* stay in yuan.
    """
    df = inputs.discount_factor
    years = inputs.YEARS
    m.cost_capex = pyo.Expression(expr=sum(df[t] * capex_in_year(m, inputs, t) for t in years))
    m.cost_fixed_opex = pyo.Expression(
        expr=sum(
            inputs.module(mid).fixed_opex_yuan_per_yr * m.build[s, p, mid, t] * sum(df[t2] for t2 in years if t2 >= t)
            for s, p, mid, t in m.BUILD
        )
    )
    m.cost_site_fixed = pyo.Expression(
        expr=df[years[0]] * inputs.site_fixed_cost_yuan * sum(m.opened[s] for s in m.OPEN)
    )
    m.cost_transport = pyo.Expression(
        expr=sum(df[t] * inputs.transport_yuan_per_t_km * inputs.arc_km[(k, s)] * m.flow[k, s, t] for k, s, t in m.ARC)
    )
    m.cost_shortfall = pyo.Expression(
        expr=sum(
            df[t] * inputs.capacity_shortfall_penalty_yuan_per_unit.get(g, 0.0) * m.capacity_shortfall[g, t]
            for g, t in m.CAP_TARGET
        )
        + sum(
            df[t] * inputs.value_shortfall_penalty_yuan_per_yuan * MONEY_UNIT_YUAN * m.value_shortfall[t]
            for t in m.VALUE_TARGET
        )
    )
    m.total_cost = pyo.Objective(
        expr=(m.cost_capex + m.cost_fixed_opex + m.cost_site_fixed + m.cost_transport + m.cost_shortfall)
        / MONEY_UNIT_YUAN,
        sense=pyo.minimize,
    )
    m.objective_unit_yuan = MONEY_UNIT_YUAN


COST_COMPONENTS: tuple[str, ...] = ("capex", "fixed_opex", "site_fixed", "transport", "shortfall")

#: Constraint components of the families that can be switched off on a built model. The red
#: line and proximity act through sparse index sets instead: relaxing them needs a new build.
FAMILY_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "targets": ("capacity_target", "capacity_ceiling"),
    "output_value": ("output_value_target", "value_cover"),
    "land": ("land_limit",),
    "supply": ("supply_balance", "source_limit"),
    "chain_balance": ("chain_balance",),
    "differentiation": ("product_hosting_limit", "lead_share", "differs_if_one", "differs_if_not_both",
                        "portfolio_difference", "cluster_value_share"),
    "agglomeration": ("open_link", "min_investment", "open_sites_limit"),
    "budget": ("budget",),
    "recycling_demo": ("demo_only", "demo_size", "demo_count"),
}


def set_family_active(model: pyo.ConcreteModel, family: str, active: bool) -> None:
    """Switch a rule family's constraints on or off in a built model (for re-solves).

    With "agglomeration" off, nothing forces o[s] up, so the site fixed cost drops out with it.
    Raises KeyError for the red line and proximity, which need a rebuild (see derive_index)."""
    for name in FAMILY_CONSTRAINTS[family]:
        component = getattr(model, name, None)
        if component is None:
            continue
        if active:
            component.activate()
        else:
            component.deactivate()
