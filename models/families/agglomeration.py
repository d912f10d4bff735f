"""Family `agglomeration`: few, substantial sites."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN
from models.variables import added_by, added_keys


def add_agglomeration(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Agglomeration: few, substantial sites.

    A[s,p] <= Amax[s,p] * o[s]                                   for (s,p) in BUILD_PAIRS
    sum_{p,m,t} capex[m] * x[s,p,m,t] >= I_min * o[s]            (yuan; the row in million yuan)
    sum_{s in c} o[s] <= n_open[c]                               over OPEN_LIMIT, clusters with a limit
    with o[s] (`opened`, binary) over OPEN = the sites with a buildable pair, and F * o[s]
    (yuan, charged in the first year) in the objective. Active when "agglomeration" is on; with
    its rows off nothing forces o[s] up, so the site fixed cost drops out with them. Infeasible
    with strict targets when n_open[c] sites cannot hold them.
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
