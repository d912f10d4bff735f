"""Family `build_rate`: how much one site may decide to build in one year.

A maximum build rate, as capacity-expansion models state it (a growth or build limit per period):
the modules, or the capex, decided at one site in one year are limited, whatever the products.
Only the plan's decisions x count; existing and committed plants are not decided by the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyomo.core as pyo

from models.families.agglomeration import members_counted
from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN

#: A site and a decision year.
SiteYear = tuple[str, int]
#: A key (s, p, m, t) of x: site, product, module id, decision year.
BuildKey = tuple[str, str, str, int]


def decided_at(m: pyo.ConcreteModel, inputs: ModelInputs) -> dict[SiteYear, list[BuildKey]]:
    """The keys (s, p, m, t) of x in BUILD by (site, decision year), sites in SITES order and
    years in YEARS order; a (site, year) in which nothing can be decided has no entry."""
    keys: dict[SiteYear, list[BuildKey]] = defaultdict(list)
    for key in m.BUILD:
        keys[(key[0], key[3])].append(key)
    site_order = {s: i for i, s in enumerate(inputs.SITES)}
    return dict(sorted(keys.items(), key=lambda item: (site_order.get(item[0][0], len(site_order)), item[0][1])))


def site_year_limit(inputs: ModelInputs, site: str, per_site: float) -> float:
    """The limit of `site` from the per-site limit `per_site`: n[s] * per_site, with n[s] the
    number of candidate sites the site stands for (`site_multiplicity`, 1 where not given), so
    that a merged site of the aggregated model may decide what its members together may."""
    return inputs.site_multiplicity.get(site, 1) * per_site


def members_open(m: pyo.ConcreteModel, inputs: ModelInputs, site: str, year: int) -> pyo.Expression | None:
    """For a merged site of the aggregated model (n[s] > 1) whose members open one by one
    (agglomeration on: models/families/agglomeration.py), the members open by `year`,
    sum_{t' <= year} opens[s,t']: each may decide at most the per-site limit in a year, and a
    member decides only once open, so the merged site's limit is that many times the per-site
    one (at most n[s] times). None for any other site (its limit is n[s] times the per-site one)."""
    if (inputs.site_multiplicity.get(site, 1) <= 1 or site not in getattr(m, "OPEN", ())
            or not members_counted(inputs)):
        return None
    return sum(m.opens[site, t] for t in inputs.YEARS if t <= year)


def rows_that_can_bind(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex, per_site: float | None,
                       weight: Callable[[str], float]) -> dict[SiteYear, tuple[list[BuildKey], float]]:
    """The rows sum_{p,m} weight[m] x[s,p,m,t] <= n[s] * per_site of the (s,t) of `decided_at`
    whose module bounds allow more than that limit (sum_{p,m} weight[m] bound[s,p,m] above it;
    above per_site at a merged site whose members are counted, `members_open`, whose limit is
    per_site times its members open by t):
    (s,t) -> (its keys of BUILD, its limit n[s] * per_site), in `decided_at` order. Empty when
    "build_rate" is off or `per_site` is None (no such limit)."""
    if per_site is None or not is_on(inputs, "build_rate"):
        return {}
    rows = {}
    for (s, t), keys in decided_at(m, inputs).items():
        most = site_year_limit(inputs, s, per_site)
        # Where members are counted the limit is per_site times the members open by t, which may
        # be one: the row binds wherever the bounds allow more than one member may decide.
        least = most if members_open(m, inputs, s, t) is None else per_site
        if sum(weight(key[2]) * index.module_bound[(key[0], key[1], key[2])] for key in keys) > least:
            rows[(s, t)] = (keys, most)
    return rows


def add_build_rate_modules(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Most modules decided at one site in one year, of any product and size.

    sum_{p,m} x[s,p,m,t] <= n[s] * Rn          (modules)
    over BUILD_RATE_MODULES = the (s,t) with a key of BUILD (s a site, t a decision year) whose
    module bounds allow more than n[s] * Rn modules there in t, when "build_rate" is on and Rn
    (`max_modules_per_site_per_yr`) is given; n[s] the site's multiplicity (1 unless a merged
    site; a merged site whose members open one by one has Rn times its members open by t instead,
    `members_open`). A row that cannot bind (sum_{p,m} bound[s,p,m] <= n[s] * Rn; <= Rn where members
    are counted, since one member may be all that is open) is left out. Existing and
    committed capacity are not decided by the plan and do not count. Infeasible only with Rn < 0;
    with strict targets, infeasible when the sites cannot decide enough modules in the years
    that count toward a target.
    """
    rows = rows_that_can_bind(m, inputs, index, inputs.max_modules_per_site_per_yr, lambda _module: 1.0)
    m.BUILD_RATE_MODULES = pyo.Set(initialize=list(rows), dimen=2, ordered=True)

    def rule(_m: pyo.ConcreteModel, s: str, t: int) -> pyo.Expression:
        keys, most = rows[(s, t)]
        opened = members_open(m, inputs, s, t)
        limit = most if opened is None else inputs.max_modules_per_site_per_yr * opened
        return sum(m.build[key] for key in keys) <= limit

    m.build_rate_modules = pyo.Constraint(m.BUILD_RATE_MODULES, rule=rule)


def add_build_rate_capex(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Most capex decided at one site in one year (undiscounted yuan).

    sum_{p,m} capex[m] * x[s,p,m,t] <= n[s] * Rc          (yuan/yr; the row in million yuan)
    over BUILD_RATE_CAPEX = the (s,t) with a key of BUILD whose module bounds allow more than
    n[s] * Rc of capex there in t, when "build_rate" is on and Rc
    (`max_capex_yuan_per_site_per_yr`) is given; n[s] as in `add_build_rate_modules`. A row that
    cannot bind (sum_{p,m} capex[m] bound[s,p,m] <= n[s] * Rc; <= Rc where members are counted) is
    left out. Capex is counted in
    the year the module is decided (as the budget counts it), not spread over its construction.
    Existing and committed capacity are not decided by the plan and do not count. Infeasible only
    with Rc < 0; with strict targets, infeasible when a module needed costs more than Rc, or the
    sites cannot decide enough capex in the years that count toward a target.
    """

    def capex(module_id: str) -> float:
        return inputs.module(module_id).capex_yuan

    rows = rows_that_can_bind(m, inputs, index, inputs.max_capex_yuan_per_site_per_yr, capex)
    m.BUILD_RATE_CAPEX = pyo.Set(initialize=list(rows), dimen=2, ordered=True)

    def rule(_m: pyo.ConcreteModel, s: str, t: int) -> pyo.Expression:
        keys, most = rows[(s, t)]
        opened = members_open(m, inputs, s, t)
        limit = most if opened is None else inputs.max_capex_yuan_per_site_per_yr * opened
        return sum(capex(key[2]) * m.build[key] for key in keys) / MONEY_UNIT_YUAN <= limit / MONEY_UNIT_YUAN

    m.build_rate_capex = pyo.Constraint(m.BUILD_RATE_CAPEX, rule=rule)
