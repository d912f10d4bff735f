"""Decision variables, the capacity rows every family builds on, and shared expressions.

Symbols as in docs/FORMULATION.md:
    x[s,p,m,t]  `build`: integer modules of size m of product p decided at site s in year t
    y[s,p,t]    `production` (units/yr)
    Y[p,t]      `production_total` (units/yr) = sum_s y[s,p,t], over the products produced somewhere
    h[c,p]      `hosts`: binary, cluster c adds capacity of p (or has committed capacity of p, whatever
                year it first produces in, the steady-state year T + 1 included: `committed_hosts`)
    K[s,p,t]    `capacity`, online capacity (units/yr)
                = E[s,p] + sum_{t' <= t} C[s,p,t'] + sum_{m, t'+L[p] <= t} size[m] x[s,p,m,t']
    N[s,p,t]    capacity in its first production year
                = C[s,p,t] + sum_{m, t'+L[p] = t} size[m] x[s,p,m,t']
    Kav[s,p,t]  `available` = K[s,p,t] - (1 - ramp[p,t]) N[s,p,t]   (units/yr; ramp[p,t] = ramp[p],
                and 1 in the steady-state year: `ModelInputs.ramp_share`)
    A[s,p]      capacity decided by the final year = sum_{m,t} size[m] x[s,p,m,t]  (`added_by`)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyomo.core as pyo

from models.index import ModelIndex
from models.inputs import ModelInputs


def add_variables(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Decision variables over the sparse index sets: x over BUILD (bounded by the module bounds),
    y over the producing pairs and years, Y (`production_total`) over PRODUCT_YEAR (the products
    of a producing pair, in catalog order, and every year), h over the (cluster, product) pairs
    with a buildable site or committed capacity."""
    m.BUILD = pyo.Set(initialize=index.build_keys, dimen=4, ordered=True)
    m.build_keys_at = defaultdict(list)  # (s, p) -> [(m, t)] of BUILD, in BUILD order
    for s, p, mid, t in index.build_keys:
        m.build_keys_at[(s, p)].append((mid, t))
    m.build = pyo.Var(
        m.BUILD,
        domain=pyo.NonNegativeIntegers,
        bounds=lambda _m, s, p, mod, _t: (0, index.module_bound[(s, p, mod)]),
    )
    m.PRODUCE = pyo.Set(
        initialize=[(s, p, t) for s, p in index.producing_pairs for t in inputs.OPERATING_YEARS],
        dimen=3,
        ordered=True,
    )
    m.production = pyo.Var(m.PRODUCE, domain=pyo.NonNegativeReals)
    produced = {p for _s, p in index.producing_pairs}
    m.PRODUCT_YEAR = pyo.Set(
        initialize=[(p, t) for p in inputs.PRODUCTS if p in produced for t in inputs.OPERATING_YEARS], dimen=2,
        ordered=True
    )
    m.production_total = pyo.Var(m.PRODUCT_YEAR, domain=pyo.NonNegativeReals)
    # Sites with a buildable pair, in input order (build_pairs follow CANDIDATES, site-major).
    m.SITE_OPEN = pyo.Set(initialize=list(dict.fromkeys(s for s, _p in index.build_pairs)))
    m.HOST = pyo.Set(
        initialize=sorted(
            {(inputs.cluster_of_site[s], p) for s, p in index.build_pairs} | committed_hosts(inputs),
            key=lambda cp: (inputs.CLUSTERS.index(cp[0]), inputs.PRODUCTS.index(cp[1])),
        ),
        dimen=2,
        ordered=True,
    )
    m.hosts = pyo.Var(m.HOST, domain=pyo.Binary)


def committed_hosts(inputs: ModelInputs) -> set[tuple[str, str]]:
    """The (cluster, product) pairs with a committed project: {(c(s),p) : C[s,p,t] > 0 for some t},
    those first producing in the steady-state year (`ModelInputs.STEADY_YEAR`) included. Their
    host indicator h[c,p] is fixed to 1 (models/families/differentiation.py `add_host_indicator`)."""
    return {(inputs.cluster_of_site[s], p) for (s, p, _t), units in inputs.committed_units_per_yr.items()
            if units > 0}


def total_production(m: pyo.ConcreteModel, product: str, year: int) -> pyo.Expression | float:
    """Y[product, year] (units/yr), the province's production of `product`; 0 when no site
    produces it."""
    return m.production_total[product, year] if (product, year) in m.PRODUCT_YEAR else 0.0


def added_by(m: pyo.ConcreteModel, index: ModelIndex, inputs: ModelInputs, site: str, product: str,
             year: int | None = None) -> pyo.Expression:
    """Capacity of `product` decided at `site` up to `year` (the final year if None), units/yr
    (whether or not it produces by then: see `online_added`)."""
    last = inputs.YEARS[-1] if year is None else year
    return sum(
        spec.capacity_units_per_yr * m.build[site, product, spec.module_id, t]
        for spec in index.modules_of_product.get(product, ())
        if (site, product, spec.module_id) in index.module_bound
        for t in inputs.YEARS
        if t <= last and (site, product, spec.module_id, t) in m.BUILD
    )


def decided(m: pyo.ConcreteModel, site: str, product: str) -> list[tuple[str, int]]:
    """The (module, decision year) keys of x[site, product, ., .] in BUILD (empty when none)."""
    return m.build_keys_at.get((site, product), [])


def group_capacity(m: pyo.ConcreteModel, index: ModelIndex, products: Iterable[str], year: int) -> pyo.Expression:
    """sum_{s, p in products} K[s,p,year] (units/yr)."""
    wanted = set(products)
    return sum(m.capacity[s, p, year] for s, p in index.producing_pairs if p in wanted)


def capex_in_year(m: pyo.ConcreteModel, inputs: ModelInputs, year: int) -> pyo.Expression:
    """sum_{s,p,m} capex[m] x[s,p,m,year] (yuan, undiscounted)."""
    return sum(inputs.module(mid).capex_yuan * m.build[s, p, mid, t] for s, p, mid, t in m.BUILD if t == year)


def online_added(m: pyo.ConcreteModel, index: ModelIndex, inputs: ModelInputs, site: str, product: str,
                 year: int, first_year_only: bool = False) -> pyo.Expression | float:
    """Added capacity of `product` at `site` producing in `year` (units/yr): the modules decided
    in t' with t' + L[p] <= year; with `first_year_only`, those with t' + L[p] == year."""
    lead = inputs.lead_time_yr.get(product, 0)
    return sum(
        spec.capacity_units_per_yr * m.build[site, product, spec.module_id, t]
        for spec in index.modules_of_product.get(product, ())
        if (site, product, spec.module_id) in index.module_bound
        for t in inputs.YEARS
        if (t + lead == year if first_year_only else t + lead <= year) and (site, product, spec.module_id, t) in m.BUILD
    )


def committed_by(inputs: ModelInputs, site: str, product: str, year: int, first_year_only: bool = False) -> float:
    """sum_{t' <= year} C[s,p,t'] (units/yr); with `first_year_only`, C[s,p,year]."""
    return sum(
        units for (s, p, t), units in inputs.committed_units_per_yr.items()
        if s == site and p == product and (t == year if first_year_only else t <= year)
    )


def add_capacity_accumulation(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Capacity accumulation, lead time, ramp-up and production (always active; not a
    switchable rule family).

    K[s,p,t]   = E[s,p] + sum_{t' <= t} C[s,p,t'] + sum_{m, t'+L[p] <= t} size[m] x[s,p,m,t']   (units/yr)
    N[s,p,t]   = C[s,p,t] + sum_{m, t'+L[p] = t} size[m] x[s,p,m,t']
    Kav[s,p,t] = K[s,p,t] - (1 - ramp[p,t]) * N[s,p,t]
    y[s,p,t] <= util[p] * Kav[s,p,t]          over PRODUCE (build pairs, pairs with E or C), t in
                                              OPERATING_YEARS (the plan's years and the steady-state year)
    Y[p,t] = sum_s y[s,p,t]                   over PRODUCT_YEAR (`production_total_link`)
    A module decided in year t first produces in t + L[p], at ramp[p] of its nameplate that year
    and in full afterwards; committed capacity C likewise from its online year. In the
    steady-state year (`ModelInputs.STEADY_YEAR`) everything standing runs in full (ramp[p,T+1] = 1),
    with the committed capacity online in it (C[s,p,T+1]). Nothing is
    retired within the horizon. The totals Y carry the rows that count the province's production
    of a product (output value, chain balance): each such row then has one term per product
    instead of one per site, which keeps those rows sparse however many sites there are (on a
    row with a term per site, presolve reductions that combine rows take time growing with the
    sites).
    Cannot be infeasible on its own.
    """
    build_set = set(index.build_pairs)

    def online(_m: pyo.ConcreteModel, s: str, p: str, t: int) -> pyo.Expression:
        added = online_added(m, index, inputs, s, p, t) if (s, p) in build_set else 0.0
        return inputs.existing_capacity_units_per_yr.get((s, p), 0.0) + committed_by(inputs, s, p, t) + added

    def available(_m: pyo.ConcreteModel, s: str, p: str, t: int) -> pyo.Expression:
        ramp = inputs.ramp_share(p, t)
        if ramp >= 1.0:
            return m.capacity[s, p, t]
        first = committed_by(inputs, s, p, t, first_year_only=True)
        if (s, p) in build_set:
            first = first + online_added(m, index, inputs, s, p, t, first_year_only=True)
        return m.capacity[s, p, t] - (1.0 - ramp) * first

    m.capacity = pyo.Expression(m.PRODUCE, rule=online)
    m.available = pyo.Expression(m.PRODUCE, rule=available)
    m.production_limit = pyo.Constraint(
        m.PRODUCE,
        rule=lambda _m, s, p, t: m.production[s, p, t] <= inputs.utilisation.get(p, 1.0) * m.available[s, p, t],
    )
    sites_of: dict[str, list[str]] = defaultdict(list)
    for s, p in index.producing_pairs:
        sites_of[p].append(s)
    m.production_total_link = pyo.Constraint(
        m.PRODUCT_YEAR,
        rule=lambda _m, p, t: m.production_total[p, t] == sum(m.production[s, p, t] for s in sites_of[p]),
    )
