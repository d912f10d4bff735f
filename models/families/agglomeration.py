"""Family `agglomeration`: few, substantial sites, each opened in a year of its own."""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from models.families import constant_row, holds_variable
from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN
from models.variables import added_by, decided


def pre_opened_sites(inputs: ModelInputs) -> tuple[str, ...]:
    """Sites open whatever the plan does, in SITES order:
    PRE = {s : E[s,p] > 0 for some p} | {s : C[s,p,t] > 0 for some p and t} (the committed years
    are those of OPERATING_YEARS: siting.prepare.inputs leaves later projects out),
    existing plants and committed projects, those first producing in the steady-state year
    (`ModelInputs.STEADY_YEAR`) included: a signed project holds its site (and its land) from
    the start, so a plan building there pays no opening. They are left out of OPEN (no opens[s,t],
    no cost, no link rows) and count toward their cluster's open-site limit."""
    standing = {s for (s, _p), units in inputs.existing_capacity_units_per_yr.items() if units > 0}
    standing |= {s for (s, _p, _t), units in inputs.committed_units_per_yr.items() if units > 0}
    return tuple(s for s in inputs.SITES if s in standing)


def members_counted(inputs: ModelInputs) -> bool:
    """Whether a merged site of the aggregated model (n[s] > 1) opens its members one by one
    (`add_agglomeration`): where a build rate per site is given (family `build_rate` on, with
    `max_modules_per_site_per_yr` or `max_capex_yuan_per_site_per_yr`), which a merged site
    opened once would otherwise multiply by n[s] from its first opening (a bound tens of per cent
    low, measured). Elsewhere it opens once, as before: counting members tightens the root bound
    but slows the merged relaxation's search (measured on scenarios/yunnan_2024_cells.yaml:
    3.2 % at the time limit against 0.8 % proven)."""
    return is_on(inputs, "build_rate") and (inputs.max_modules_per_site_per_yr is not None
                                            or inputs.max_capex_yuan_per_site_per_yr is not None)


def add_agglomeration(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Agglomeration: few, substantial sites, opened year by year.

    opens[s,t] binary over OPEN x YEARS, OPEN = the sites with a buildable pair that are not
    pre-opened (`pre_opened_sites`); opened[s] = sum_t opens[s,t] (binary: a site opens once).
    A[s,p,t] <= Amax[s,p] * sum_{t' <= t} opens[s,t']      over OPEN_LINK = (s,p) in BUILD_PAIRS
                                                          with s in OPEN, all t   (units/yr)
    (A[s,p,t]: capacity decided at s up to year t)
    sum_{p,m,t} capex[m] * x[s,p,m,t] >= I_min * opened[s]    over OPEN (yuan; row in million yuan)
    |pre-opened sites of c| + sum_{s in c, s in OPEN} opened[s] <= n_open[c]    over OPEN_LIMIT
    An open-link row whose A[s,p,t] is empty (no decision year up to t) holds for every plan
    and is left out, as is a limit row that cannot bind (the cluster's pre-opened sites and the
    most openings of its openable sites, n[s] at a merged site whose members are counted, 1
    elsewhere, are at most n_open[c]); a cluster whose pre-opened sites alone exceed n_open[c] gets
    a row that no plan meets (`constant_row`).
    The objective charges df[t] * F * opens[s,t] (`cost_site_fixed`): opening is paid in its
    year. Where `members_counted`, a merged site of the aggregated model (n[s] > 1 members,
    siting.optimize.screening) opens its members one by one: opens[s,t] and opened[s] are whole numbers in 0..n[s], each
    opened member paid for, counted in the limit and held to the minimum investment, and where
    its members' largest usable land is given (`member_land_ha`) its link is
    A[s,p,t] <= A1max[s,p] * sum_{t' <= t} opens[s,t'] (`ModelIndex.member_max_added`): what
    the opened members could add at most. Every plan of the full instance gives one of the
    aggregated model at no more cost (o[s] = its members opened), so the bound stays valid.
    Active when "agglomeration" is on; with its rows off nothing forces a site open, so
    the opening cost drops out with them. Infeasible when the pre-opened sites of a cluster
    already exceed n_open[c], or with strict targets when n_open[c] sites cannot hold them.
    """
    active = is_on(inputs, "agglomeration")
    pre = set(pre_opened_sites(inputs))
    m.OPEN = pyo.Set(initialize=[s for s in m.SITE_OPEN if s not in pre] if active else [], ordered=True)
    m.OPENING = pyo.Set(initialize=[(s, t) for s in m.OPEN for t in inputs.YEARS], dimen=2, ordered=True)
    m.opens = pyo.Var(m.OPENING, domain=pyo.Binary)
    m.opened = pyo.Var(m.OPEN, domain=pyo.Binary)
    counted = members_counted(inputs)
    for s in m.OPEN if counted else ():  # a merged site opens its members one by one
        members = inputs.site_multiplicity.get(s, 1)
        if members > 1:
            for var in (*(m.opens[s, t] for t in inputs.YEARS), m.opened[s]):
                var.domain = pyo.NonNegativeIntegers
                var.setub(members)
    m.opened_once = pyo.Constraint(
        m.OPEN, rule=lambda _m, s: m.opened[s] == sum(m.opens[s, t] for t in inputs.YEARS))
    open_set = set(m.OPEN)
    link_keys = [(s, p, t) for s, p in index.build_pairs if s in open_set for t in inputs.YEARS]
    m.OPEN_LINK = pyo.Set(initialize=link_keys, dimen=3, ordered=True)

    def link(_m: pyo.ConcreteModel, s: str, p: str, t: int) -> pyo.Expression:
        decided_by = added_by(m, index, inputs, s, p, t)
        if not holds_variable(decided_by):  # 0 <= Amax * sum opens: true of every plan
            return pyo.Constraint.Skip
        most = index.max_added_units[(s, p)]
        if counted and inputs.site_multiplicity.get(s, 1) > 1:
            most = index.member_max_added.get((s, p), most)  # per member opened
        return decided_by <= most * sum(m.opens[s, t2] for t2 in inputs.YEARS if t2 <= t)

    m.open_link = pyo.Constraint(m.OPEN_LINK, rule=link)
    products_at: dict[str, list[str]] = defaultdict(list)
    for s, p in index.build_pairs:
        products_at[s].append(p)
    m.site_capex = pyo.Expression(
        m.SITE_OPEN,
        rule=lambda _m, s: sum(
            inputs.module(mid).capex_yuan * m.build[s, p, mid, t] for p in products_at[s] for mid, t in decided(m, s, p)
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
        already = sum(1 for s in pre if inputs.cluster_of_site[s] == c)
        sites = [m.opened[s] for s in m.OPEN if inputs.cluster_of_site[s] == c]
        if already + sum(site.ub for site in sites) <= inputs.max_open_sites_per_cluster[c]:
            return pyo.Constraint.Skip  # every openable site (every member, where counted) fits
        if not sites:  # the pre-opened sites alone exceed the limit: a row no plan meets
            return constant_row(m, f"open_sites_excess_{c}", already, upper=inputs.max_open_sites_per_cluster[c])
        return already + sum(sites) <= inputs.max_open_sites_per_cluster[c]

    m.open_sites_limit = pyo.Constraint(m.OPEN_LIMIT, rule=limit_rule)
