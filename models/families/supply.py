"""Family `supply`: raw materials are shipped from sources with limited supply, at a cost."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from models.families.proximity import allowed_arcs
from models.index import ModelIndex, is_on
from models.inputs import ModelInputs


def add_supply(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Raw-material supply (the "supply" switch; "proximity" limits the arcs and eligibility).

    For each site s, resource r needed there and year t (NEED):
        sum_{k : res[k] = r, (k,s) in ARCS} f[k,s,t] >= sum_p rho[p,r] * y[s,p,t]     (t/yr)
    For each source k and year t (SOURCE_YEAR):    sum_s f[k,s,t] <= supply[k,t]       (t/yr)
    Transport cost  sum_t df[t] * c_tr * km[k,s] * f[k,s,t] enters the objective (c_tr in
    yuan per t-km). ARCS are every source of r to every site needing r; with "proximity" on only
    arcs within the resource's maximum distance remain, plus each site's nearest source of r so
    that existing plants are not cut off (`models.families.proximity`). Active when "supply" is
    on. Infeasible when production is forced beyond what the sources can supply (production can
    stay at 0, so only strict output-value or chain-balance rules can push it there).
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
        >= sum(rho * m.production[s, p, t] for p, rho in needs[(s, r)]),
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
