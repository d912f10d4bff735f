"""Family `supply`: raw materials are bought at sources with limited supply or imported, and shipped."""

from __future__ import annotations

from collections import defaultdict

import pyomo.core as pyo

from models.families.proximity import allowed_arcs
from models.index import ModelIndex, is_on
from models.inputs import ModelInputs


def add_supply(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Raw-material supply (the "supply" switch; "proximity" limits the arcs and eligibility).

    For each site s, resource r needed there and year t (NEED):
        sum_{k : res[k] = r, (k,s) in ARCS} f[k,s,t] + imp_r[s,r,t] = sum_p rho[p,r] * y[s,p,t]   (t/yr)
    For each source k and year t (SOURCE_YEAR):    sum_s f[k,s,t] <= supply[k,t]              (t/yr)
    For each resource r and year t with an import cap (RAW_IMPORT_CAP):
        sum_s imp_r[s,r,t] <= capimp[r,t]                                                    (t/yr)
    imp_r[s,r,t] (`raw_imports`, >= 0) exists where primp[r,t] is given: raw material bought
    outside the province, delivered to the gateway and carried through hub(s) to s.
    Expressions (yuan, discounted):
        resources_purchase = sum W[t] prs[r] f[k,s,t]                    (paid at the source)
        imports_raw        = sum W[t] primp[r,t] imp_r[s,r,t]
        transport_raw      = sum W[t] c_tr (km[k,s] f[k,s,t] + (km_sh[s] + km_hg[c(s)]) imp_r[s,r,t])
    ARCS are every source of r to every site needing r; with "proximity" on only arcs within the
    resource's maximum distance remain, plus each site's nearest source of r so that existing
    plants are not cut off (`models.families.proximity`). The balance is an equality: nothing is
    shipped that is not used. Active when "supply" is on (otherwise raw material is free and
    unlimited). Infeasible when production is forced beyond what sources and imports can
    supply (production can stay at 0, so only strict targets or committed plants under a least
    utilisation can push it there).
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
        for k, s in allowed_arcs(inputs, is_on(inputs, "proximity"))
        if (s, inputs.resource_of_source[k]) in needs
    ]
    m.ARC = pyo.Set(initialize=[(k, s, t) for k, s in arcs for t in inputs.OPERATING_YEARS], dimen=3, ordered=True)
    m.flow = pyo.Var(m.ARC, domain=pyo.NonNegativeReals)
    m.RAW_IMPORT = pyo.Set(
        initialize=[(s, r, t) for s, r in needs for t in inputs.OPERATING_YEARS
                    if (r, t) in inputs.resource_import_price_yuan_per_t],
        dimen=3, ordered=True)
    m.raw_imports = pyo.Var(m.RAW_IMPORT, domain=pyo.NonNegativeReals)
    arcs_into: dict[tuple[str, str], list[str]] = defaultdict(list)
    arcs_from: dict[str, list[str]] = defaultdict(list)
    for k, s in arcs:
        arcs_into[(s, inputs.resource_of_source[k])].append(k)
        arcs_from[k].append(s)
    m.NEED = pyo.Set(initialize=[(s, r, t) for s, r in needs for t in inputs.OPERATING_YEARS], dimen=3, ordered=True)
    m.supply_balance = pyo.Constraint(
        m.NEED,
        rule=lambda _m, s, r, t: sum(m.flow[k, s, t] for k in arcs_into[(s, r)])
        + (m.raw_imports[s, r, t] if (s, r, t) in m.RAW_IMPORT else 0.0)
        == sum(rho * m.production[s, p, t] for p, rho in needs[(s, r)]),
    )
    m.SOURCE_YEAR = pyo.Set(
        initialize=[(k, t) for k in inputs.SOURCES if arcs_from[k] for t in inputs.OPERATING_YEARS],
        dimen=2,
        ordered=True,
    )
    m.source_limit = pyo.Constraint(
        m.SOURCE_YEAR,
        rule=lambda _m, k, t: sum(m.flow[k, s, t] for s in arcs_from[k]) <= inputs.supply_t_per_yr.get((k, t), 0.0),
    )
    importing: dict[tuple[str, int], list[str]] = defaultdict(list)
    for s, r, t in m.RAW_IMPORT:
        importing[(r, t)].append(s)
    m.RAW_IMPORT_CAP = pyo.Set(
        initialize=[key for key in importing if key in inputs.resource_import_cap_t_per_yr], dimen=2, ordered=True)
    m.raw_import_cap = pyo.Constraint(
        m.RAW_IMPORT_CAP,
        rule=lambda _m, r, t: sum(m.raw_imports[s, r, t] for s in importing[(r, t)])
        <= inputs.resource_import_cap_t_per_yr[(r, t)],
    )
    weight = inputs.year_weight
    price = inputs.resource_price_yuan_per_t
    m.resources_purchase = pyo.Expression(expr=sum(
        weight[t] * price[inputs.resource_of_source[k]] * m.flow[k, s, t] for k, s, t in m.ARC
        if price.get(inputs.resource_of_source[k], 0.0) != 0))
    m.imports_raw = pyo.Expression(expr=sum(
        weight[t] * inputs.resource_import_price_yuan_per_t[(r, t)] * m.raw_imports[s, r, t]
        for s, r, t in m.RAW_IMPORT))
    rate = inputs.transport_yuan_per_t_km
    cluster = inputs.cluster_of_site
    m.transport_raw = pyo.Expression(expr=sum(
        weight[t] * rate * inputs.arc_km[(k, s)] * m.flow[k, s, t] for k, s, t in m.ARC
        if rate * inputs.arc_km[(k, s)] != 0)
        + sum(weight[t] * rate * (inputs.site_hub_km.get(s, 0.0) + inputs.hub_gateway_km.get(cluster[s], 0.0))
              * m.raw_imports[s, r, t] for s, r, t in m.RAW_IMPORT
              if rate * (inputs.site_hub_km.get(s, 0.0) + inputs.hub_gateway_km.get(cluster[s], 0.0)) != 0))
