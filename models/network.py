"""The product network: site and hub balances, imports and sales (always active, not a rule family).

Every product made or used in the province moves through hubs, one per cluster, so that the
model grows linearly with the number of candidate sites: a site ships to and receives from its
own cluster's hub; hubs ship to each other; products bought outside the province arrive at the
gateway and are carried to a hub, and products sold outside leave from a hub through the
gateway. A site uses its own production without transport (an integrated plant).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyomo.core as pyo

from models.families import constant_row, holds_variable
from models.index import ModelIndex
from models.inputs import ModelInputs


def uses_at(inputs: ModelInputs, index: ModelIndex) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """(s, u) -> [(d, a[d,u])] for every product d produced at site s that consumes u, in
    PRODUCTS order: what site s consumes of u per unit of each of its products."""
    uses: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for s, d in index.producing_pairs:
        for u in inputs.PRODUCTS:
            a = inputs.input_units_per_unit.get((d, u), 0.0)
            if a > 0:
                uses[(s, u)].append((d, a))
    return dict(uses)


def add_network(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Site and hub balances of every product, imports and sales.

    Variables (>= 0, units of p per year), with hub(s) = c(s) and G the gateway:
      up[s,p,t]        site s -> hub(s)          over UP = PRODUCE (s makes p)
      down[s,p,t]      hub(s) -> site s          over DOWN = (s,u,t) with s making some d, a[d,u] > 0
      link[c,c',p,t]   hub c -> hub c', c != c'  over LINK, the products someone in the province uses
      imports[c,p,t]   G -> hub c, bought at pimp[p,t]      over IMPORT = (c,p,t) with pimp[p,t]
                       given and a site of c using p
      sales[c,p,t]     hub c -> G, sold at price[p,t]       over SALE = (c,p,t) with a site of c
                       making p (no price: sold for nothing, i.e. left unused)
    (`m.gateway_ties`, from `gateway_ties`, names the gateway legs that cost exactly as much as a
    route through another hub's leg and a link; `canonical_flows` moves a solution's flow off
    them after the solve, so that the flows of a plan do not depend on the solver's path).
    site_balance[s,p,t]:  y[s,p,t] + down[s,p,t] = up[s,p,t] + sum_d a[d,p] y[s,d,t]
    hub_balance[c,p,t]:   sum_{s in c} up[s,p,t] + sum_{c'} link[c',c,p,t] + imports[c,p,t]
                        = sum_{s in c} down[s,p,t] + sum_{c'} link[c,c',p,t] + sales[c,p,t]
    (a term is left out where its variable does not exist; HUB_BALANCE holds only the hubs with
    an up, down or incoming link variable in every year, so no hub row is a constant, and
    `balance_row` would leave one out). Expressions (yuan, discounted):
      imports_products   = sum W[t] pimp[p,t] imports[c,p,t]
      sales_revenue      = sum W[t] price[p,t] sales[c,p,t]
      transport_products = sum W[t] c_tr w[p] ( km_sh[s] (up + down) + km_hh[c,c'] link
                                                 + km_hg[c] (imports + sales) )
    with c_tr in yuan per t-km (`transport_yuan_per_t_km`) and w[p] t per unit. Infeasible only
    together with rules that force production of a product whose inputs can be neither made in
    the province nor imported (then a downstream product cannot be made at all).
    """
    uses = uses_at(inputs, index)
    years = inputs.OPERATING_YEARS
    cluster = inputs.cluster_of_site
    makes = list(index.producing_pairs)
    made = {p for _s, p in makes}
    used = {u for _s, u in uses}
    m.UP = pyo.Set(initialize=[(s, p, t) for s, p in makes for t in years], dimen=3, ordered=True)
    m.DOWN = pyo.Set(initialize=[(s, u, t) for s, u in uses for t in years], dimen=3, ordered=True)
    moving = [p for p in inputs.PRODUCTS if p in used]
    pairs = [(a, b) for a in inputs.CLUSTERS for b in inputs.CLUSTERS if a != b]
    m.LINK = pyo.Set(initialize=[(a, b, p, t) for p in moving if p in made or _importable(inputs, p)
                                 for a, b in pairs for t in years], dimen=4, ordered=True)
    using_hubs = {(cluster[s], u) for s, u in uses}
    making_hubs = {(cluster[s], p) for s, p in makes}
    linked = {p for _a, _b, p, _t in m.LINK}
    m.gateway_ties = gateway_ties(inputs, using_hubs, making_hubs, linked)
    m.IMPORT = pyo.Set(
        initialize=[(c, p, t) for c in inputs.CLUSTERS for p in inputs.PRODUCTS for t in years
                    if (c, p) in using_hubs and (p, t) in inputs.import_price_yuan_per_unit],
        dimen=3, ordered=True)
    m.SALE = pyo.Set(
        initialize=[(c, p, t) for c in inputs.CLUSTERS for p in inputs.PRODUCTS if (c, p) in making_hubs
                    for t in years],
        dimen=3, ordered=True)
    m.up = pyo.Var(m.UP, domain=pyo.NonNegativeReals)
    m.down = pyo.Var(m.DOWN, domain=pyo.NonNegativeReals)
    m.link = pyo.Var(m.LINK, domain=pyo.NonNegativeReals)
    m.imports = pyo.Var(m.IMPORT, domain=pyo.NonNegativeReals)
    m.sales = pyo.Var(m.SALE, domain=pyo.NonNegativeReals)

    site_keys = sorted({(s, p) for s, p in makes} | set(uses),
                       key=lambda sp: (inputs.SITES.index(sp[0]), inputs.PRODUCTS.index(sp[1])))
    m.SITE_BALANCE = pyo.Set(initialize=[(s, p, t) for s, p in site_keys for t in years], dimen=3, ordered=True)

    def site_rule(_m: pyo.ConcreteModel, s: str, p: str, t: int) -> pyo.Expression:
        produced = m.production[s, p, t] if (s, p, t) in m.PRODUCE else 0.0
        received = m.down[s, p, t] if (s, p, t) in m.DOWN else 0.0
        shipped = m.up[s, p, t] if (s, p, t) in m.UP else 0.0
        consumed = sum(a * m.production[s, d, t] for d, a in uses.get((s, p), ()))
        return produced + received == shipped + consumed

    m.site_balance = pyo.Constraint(m.SITE_BALANCE, rule=site_rule)

    up_at: dict[tuple[str, str], list[str]] = defaultdict(list)
    down_at: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s, p in makes:
        up_at[(cluster[s], p)].append(s)
    for s, u in uses:
        down_at[(cluster[s], u)].append(s)
    links = {(a, b, p) for a, b, p, _t in m.LINK}
    hub_keys = sorted(making_hubs | using_hubs | {(b, p) for _a, b, p in links},
                      key=lambda cp: (inputs.CLUSTERS.index(cp[0]), inputs.PRODUCTS.index(cp[1])))
    m.HUB_BALANCE = pyo.Set(initialize=[(c, p, t) for c, p in hub_keys for t in years], dimen=3, ordered=True)

    def hub_rule(_m: pyo.ConcreteModel, c: str, p: str, t: int) -> pyo.Expression:
        inflow = (sum(m.up[s, p, t] for s in up_at[(c, p)])
                  + sum(m.link[a, c, p, t] for a in inputs.CLUSTERS if (a, c, p) in links)
                  + (m.imports[c, p, t] if (c, p, t) in m.IMPORT else 0.0))
        outflow = (sum(m.down[s, p, t] for s in down_at[(c, p)])
                   + sum(m.link[c, b, p, t] for b in inputs.CLUSTERS if (c, b, p) in links)
                   + (m.sales[c, p, t] if (c, p, t) in m.SALE else 0.0))
        return balance_row(m, f"hub_balance_excess_{c}_{p}_{t}", inflow, outflow)

    m.hub_balance = pyo.Constraint(m.HUB_BALANCE, rule=hub_rule)

    weight = inputs.year_weight
    m.imports_products = pyo.Expression(expr=sum(
        weight[t] * inputs.import_price_yuan_per_unit[(p, t)] * m.imports[c, p, t] for c, p, t in m.IMPORT))
    m.sales_revenue = pyo.Expression(expr=sum(
        weight[t] * inputs.price_yuan_per_unit[(p, t)] * m.sales[c, p, t] for c, p, t in m.SALE
        if inputs.price_yuan_per_unit.get((p, t), 0.0) != 0))
    rate = inputs.transport_yuan_per_t_km

    def per_unit_km(p: str) -> float:
        return rate * inputs.transport_t_per_unit.get(p, 0.0)

    coefficient_terms = [(weight[t] * per_unit_km(p) * inputs.site_hub_km.get(s, 0.0), m.up[s, p, t])
                         for s, p, t in m.UP]
    coefficient_terms += [(weight[t] * per_unit_km(p) * inputs.site_hub_km.get(s, 0.0), m.down[s, p, t])
                          for s, p, t in m.DOWN]
    coefficient_terms += [(weight[t] * per_unit_km(p) * inputs.hub_hub_km.get((a, b), 0.0), m.link[a, b, p, t])
                          for a, b, p, t in m.LINK]
    coefficient_terms += [(weight[t] * per_unit_km(p) * inputs.hub_gateway_km.get(c, 0.0), m.imports[c, p, t])
                          for c, p, t in m.IMPORT]
    coefficient_terms += [(weight[t] * per_unit_km(p) * inputs.hub_gateway_km.get(c, 0.0), m.sales[c, p, t])
                          for c, p, t in m.SALE]
    m.transport_products = pyo.Expression(expr=sum(k * v for k, v in coefficient_terms if k != 0))


def gateway_ties(inputs: ModelInputs, using_hubs: set[tuple[str, str]], making_hubs: set[tuple[str, str]],
                 linked: set[str]) -> dict[tuple[str, str, str], str]:
    """The gateway legs tied with a route through another hub: (kind, b, p) -> a, kind "import"
    or "sale", for the legs whose flow `canonical_flows` moves to hub a's leg and a link.

    With G the gateway, km_hg and km_hh as in `add_network`, rank(c) = (km_hg[c], position of c
    in CLUSTERS) and p in `linked` (p has a link between every ordered pair of distinct hubs):
      ("import", b, p) -> a   when (a,p) in `using_hubs`, rank(a) < rank(b) and
                              km_hg[a] + km_hh[a,b] == km_hg[b]          (G -> a -> b as long as G -> b);
      ("sale", b, p) -> a     when (a,p) in `making_hubs`, rank(a) < rank(b) and
                              km_hh[b,a] + km_hg[a] == km_hg[b]          (b -> a -> G as long as b -> G);
    a the least-ranked such hub. Where the gateway stands at a hub (km_hg = 0 there, as at Kunming
    in the shipped scenario), every other hub's leg is exactly as long as its link to that hub:
    the solver may take either route, as its search path (seed, row and column order) goes. The
    strict rank makes the relation acyclic: following it from any leg ends at a hub whose leg is
    tied with none of lower rank.
    """
    km_hg = inputs.hub_gateway_km
    km_hh = inputs.hub_hub_km
    position = {c: i for i, c in enumerate(inputs.CLUSTERS)}

    def rank(c: str) -> tuple[float, int]:
        return (km_hg.get(c, 0.0), position[c])

    def into(a: str, b: str) -> float:
        return km_hg.get(a, 0.0) + km_hh.get((a, b), 0.0)  # G -> a -> b

    def out_of(a: str, b: str) -> float:
        return km_hh.get((b, a), 0.0) + km_hg.get(a, 0.0)  # b -> a -> G

    ties: dict[tuple[str, str, str], str] = {}
    for kind, hubs, via in (("import", using_hubs, into), ("sale", making_hubs, out_of)):
        for b, p in sorted(hubs, key=lambda cp: (position[cp[0]], cp[1])):
            if p not in linked:
                continue
            tied = [a for a in inputs.CLUSTERS
                    if a != b and (a, p) in hubs and rank(a) < rank(b) and via(a, b) == km_hg.get(b, 0.0)]
            if tied:
                ties[(kind, b, p)] = min(tied, key=rank)
    return ties


def canonical_flows(m: pyo.ConcreteModel) -> None:
    """Move the flow of every tied gateway leg (`m.gateway_ties`) to its canonical route, in place
    on the values loaded after a solve: the plan and every other variable stay, and the cost
    does not change.

    For ("import", b, p) -> a and each year t with imports[b,p,t] = v > 0: imports[b,p,t] = 0,
    imports[a,p,t] += v, link[a,b,p,t] += v; for ("sale", b, p) -> a: sales[b,p,t] = 0,
    link[b,a,p,t] += v, sales[a,p,t] += v. The hub balances of a and b still hold (a: +v in and
    +v out; b: the v arrives or leaves by link instead), every other row holds imports and sales
    only summed over the hubs (the market cap, the sales rounding) and link nowhere else, the
    prices pimp[p,t] and price[p,t] are the same at every hub, and the transport changes by
    W[t] c_tr w[p] v (km_hg[a] + km_hh[a,b] - km_hg[b]) = 0 (imports; sales alike). So the
    solution stays feasible at the same objective, and its flows no longer depend on which of
    the tied routes the solver took. Legs are moved from the longest chain of ties down, so a flow moved
    onto a leg that is itself tied is moved on in turn (ranks fall strictly along the ties),
    and every tied leg ends at 0 (`_depth`: a leg before the legs it ties to). Values not loaded
    (None) are left as they are.
    """
    ties: dict[tuple[str, str, str], str] = getattr(m, "gateway_ties", {})
    if not ties:
        return
    years = sorted({t for _c, _p, t in m.IMPORT} | {t for _c, _p, t in m.SALE})
    order = sorted(ties, key=lambda key: -_depth(ties, key))
    for kind, b, p in order:
        a = ties[(kind, b, p)]
        leg, keys = (m.imports, m.IMPORT) if kind == "import" else (m.sales, m.SALE)
        for t in years:
            if (b, p, t) not in keys or leg[b, p, t].value is None:
                continue
            v = leg[b, p, t].value
            if v <= 0:
                continue
            link = m.link[a, b, p, t] if kind == "import" else m.link[b, a, p, t]
            leg[b, p, t].set_value(0.0)
            leg[a, p, t].set_value((leg[a, p, t].value or 0.0) + v)
            link.set_value((link.value or 0.0) + v)


def _depth(ties: dict[tuple[str, str, str], str], key: tuple[str, str, str]) -> int:
    """How many tied legs follow from `key` (0: its hub a keeps its leg)."""
    kind, _b, p = key
    depth = 0
    while (kind, ties[key], p) in ties:
        key = (kind, ties[key], p)
        depth += 1
    return depth + 1


def balance_row(m: pyo.ConcreteModel, name: str, inflow: Any, outflow: Any) -> Any:
    """The rule's result for the balance inflow == outflow (units/yr; each side a number or a
    Pyomo expression): the row itself while either side holds a variable; else a constant row,
    as the families state one (models/families `constant_row`): left out (Constraint.Skip) when
    the two sides are equal, as a hub with no flows has 0 == 0; stated over a variable `name`
    bounded to [0, 0] when they differ, so that the solve ends infeasible."""
    if holds_variable(inflow) or holds_variable(outflow):
        return inflow == outflow
    return constant_row(m, name, inflow - outflow, lower=0.0, upper=0.0)


def _importable(inputs: ModelInputs, product: str) -> bool:
    """Whether `product` has an import price in some year."""
    return any(p == product for p, _t in inputs.import_price_yuan_per_unit)
