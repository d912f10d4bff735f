"""Family `differentiation`: clusters specialise. The host indicator it rests on, the hosting
limit, the lead share, the portfolio difference and the cluster value share."""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from models.families import constant_row, holds_variable
from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN
from models.variables import added_by, committed_hosts, decided


def add_host_indicator(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Host indicator h[c,p] = 1 exactly when cluster c adds capacity of p or has committed
    capacity of it (always active, with the family on or off: it is not among the family's
    switchable rows).

    A[s,p] <= Amax[s,p] * h[c(s),p]            for (s,p) in BUILD_PAIRS   (units/yr)
    h[c,p] <= sum_{s in c, m, t} x[s,p,m,t]     for (c,p) in HOST without committed capacity
    h[c,p] = 1                                  over COMMITTED_HOST = {(c(s),p) : C[s,p,t] > 0
                                                for some t}, projects first producing in the
                                                steady-state year `ModelInputs.STEADY_YEAR` included
    (real projects count toward the hosting limit and the portfolios: a project of T + 1 is
    signed, and a plan that added p in n_host[p] other clusters would leave p in n_host[p] + 1
    clusters in the steady state)
    Cannot be infeasible on its own; it gives the differentiation rows their meaning.
    """
    m.host_link = pyo.Constraint(
        pyo.Set(initialize=list(index.build_pairs), dimen=2, ordered=True),
        rule=lambda _m, s, p: added_by(m, index, inputs, s, p)
        <= index.max_added_units[(s, p)] * m.hosts[inputs.cluster_of_site[s], p],
    )
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, p in index.build_pairs:
        members[(inputs.cluster_of_site[s], p)].append(s)
    committed = committed_hosts(inputs)
    for key in committed:
        m.hosts[key].fix(1.0)

    def needs_build(_m: pyo.ConcreteModel, c: str, p: str) -> pyo.Expression:
        if (c, p) in committed:
            return pyo.Constraint.Skip
        return m.hosts[c, p] <= sum(m.build[s, p, mid, t] for s in members[(c, p)] for mid, t in decided(m, s, p))

    m.host_needs_build = pyo.Constraint(m.HOST, rule=needs_build)


def add_product_hosting_limit(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Hosting limit: product p is added in at most n_host[p] clusters.

    sum_c h[c,p] <= n_host[p]          over HOST_LIMIT = the products with a limit
    (`max_clusters_per_product`), when "differentiation" is on, the sum over the (c,p) in HOST; a
    row that cannot bind (no more than n_host[p] clusters may host p, none at all when p can be
    built nowhere and is committed nowhere) is left out. Infeasible with strict targets when
    n_host[p] clusters lack the land for p's target.
    """
    keys = []
    if is_on(inputs, "differentiation"):
        keys = [p for p in inputs.PRODUCTS if p in inputs.max_clusters_per_product]
    m.HOST_LIMIT = pyo.Set(initialize=keys, ordered=True)

    def rule(_m: pyo.ConcreteModel, p: str) -> pyo.Expression:
        hosts = [m.hosts[c, p] for c in inputs.CLUSTERS if (c, p) in m.HOST]
        if len(hosts) <= inputs.max_clusters_per_product[p]:
            return pyo.Constraint.Skip
        return sum(hosts) <= inputs.max_clusters_per_product[p]

    m.product_hosting_limit = pyo.Constraint(m.HOST_LIMIT, rule=rule)


def add_lead_share(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Lead share: each cluster's additions lean on its lead products.

    sum_{s in c, p in lead[c]} v[p] * A[s,p] >= share_lead * sum_{s in c, p} v[p] * A[s,p]
    (yuan/yr valued at nameplate capacity; the row in million yuan) over LEAD_CLUSTER = the
    clusters with lead products, when share_lead (`lead_share_min`) > 0 and "differentiation"
    is on. A cluster where nothing can be added (no buildable pair, or none with a decision
    year) has a row 0 >= 0 without variables, which is left out (`constant_row`). Satisfied by
    a cluster that adds nothing; infeasible only together with targets that force a cluster to
    add non-lead products it cannot balance.
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
        lead = value_added(c, set(inputs.lead_products[c]))
        if not holds_variable(total):  # the lead part sums a subset of the same terms
            return constant_row(m, f"lead_share_excess_{c}", lead - inputs.lead_share_min * total, lower=0.0)
        return lead >= inputs.lead_share_min * total

    m.lead_share = pyo.Constraint(m.LEAD_CLUSTER, rule=rule)


def add_portfolio_difference(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Portfolio difference: any two clusters' portfolios differ in at least n_diff products.

    z[c,c',p] <= h[c,p] + h[c',p];  z[c,c',p] <= 2 - h[c,p] - h[c',p]     over DIFF
    sum_p z[c,c',p] >= n_diff            over CLUSTER_PAIR = every pair c < c'
    when n_diff (`min_portfolio_difference`) > 0 and "differentiation" is on. z (`differs`,
    binary) = 1 only where exactly one of the two clusters hosts p; two clusters that add nothing
    differ in nothing, so n_diff > 0 forces additions. Infeasible when fewer than n_diff products
    can be told apart (for example when both clusters may host only the same ones).
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
    """Cluster value share: every cluster takes part in the growth.

    sum_{s in c, p} v[p] * A[s,p] >= share_cluster * sum_{s, p} v[p] * A[s,p]
    (yuan/yr at nameplate; the row in million yuan) over SHARE_CLUSTER = every cluster, when
    share_cluster (`min_cluster_value_share`) > 0 and "differentiation" is on. When nothing can
    be added anywhere (no buildable pair, or none with a decision year), every row reads
    0 >= share_cluster * 0 without variables and is left out (`constant_row`). Infeasible when
    a cluster has no eligible land while the targets force additions elsewhere.
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

    def rule(_m: pyo.ConcreteModel, c: str) -> pyo.Expression:
        own = sum(v for (s, _p), v in value.items() if inputs.cluster_of_site[s] == c)
        if not holds_variable(total):  # the cluster's part sums a subset of the same terms
            return constant_row(m, f"cluster_value_share_excess_{c}", own - share * total, lower=0.0)
        return own >= share * total

    m.cluster_value_share = pyo.Constraint(m.SHARE_CLUSTER, rule=rule)
