"""Decision variables, the capacity rows every family builds on, and shared expressions.

Symbols as in docs/FORMULATION.md:
    x[s,p,m,t]  `build`: integer modules of size m of product p built at site s in year t
    y[s,p,t]    `production` (units/yr)
    h[c,p]      `hosts`: binary, cluster c adds capacity of p
    K[s,p,t]    `capacity` (units/yr) = E[s,p] + sum_{m, t' <= t} size[m] x[s,p,m,t']
    A[s,p]      capacity added by the final year = sum_{m,t} size[m] x[s,p,m,t]  (`added_by`)
"""

from __future__ import annotations

from collections.abc import Iterable

import pyomo.environ as pyo

from models.index import ModelIndex
from models.inputs import ModelInputs


def add_variables(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Decision variables over the sparse index sets: x over BUILD (bounded by the module bounds),
    y over the producing pairs and years, h over the (cluster, product) pairs with a buildable site."""
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
    """The (site, product, module) keys of the modules of `product` that may be built at `site`."""
    return (
        (site, product, spec.module_id)
        for spec in index.modules_of_product.get(product, ())
        if (site, product, spec.module_id) in index.module_bound
    )


def group_capacity(m: pyo.ConcreteModel, index: ModelIndex, products: Iterable[str], year: int) -> pyo.Expression:
    """sum_{s, p in products} K[s,p,year] (units/yr)."""
    wanted = set(products)
    return sum(m.capacity[s, p, year] for s, p in index.producing_pairs if p in wanted)


def capex_in_year(m: pyo.ConcreteModel, inputs: ModelInputs, year: int) -> pyo.Expression:
    """sum_{s,p,m} capex[m] x[s,p,m,year] (yuan, undiscounted)."""
    return sum(inputs.module(mid).capex_yuan * m.build[s, p, mid, t] for s, p, mid, t in m.BUILD if t == year)


def add_capacity_accumulation(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Capacity accumulation and production (always active; not a switchable rule family).

    K[s,p,t] = E[s,p] + sum_{m, t' <= t} size[m] * x[s,p,m,t']            (units/yr)
    y[s,p,t] <= util[p] * K[s,p,t]            for (s,p) in BUILD_PAIRS or with E[s,p] > 0, all t
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
