"""The objective: discounted cost, with its parts kept as named expressions for reporting."""

from __future__ import annotations

import pyomo.environ as pyo

from models.index import ModelIndex
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN
from models.variables import capex_in_year

#: The cost expressions of the objective, each `cost_<name>` on the model (yuan).
COST_COMPONENTS: tuple[str, ...] = ("capex", "fixed_opex", "site_fixed", "transport", "shortfall")


def add_objective(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Objective: minimise discounted cost (yuan).

    sum_t df[t] * ( sum capex[m] x[s,p,m,t]                        capex
                  + sum opex[m] * sum_{t'<=t} x[s,p,m,t']          fixed opex of standing modules
                  + sum_{k,s} c_tr * km[k,s] * f[k,s,t]            transport
                  + sum_g pen[g] * short[g,t] + pen_v * short_v[t] )   shortfall penalties
      + df[t0] * F * sum_s o[s]                                    site fixed cost
    with df[t] = (1 + rate) ** -(t - t0). Capex of a module built in the final year is counted
    whole (no salvage value). The objective row is in million yuan (MONEY_UNIT_YUAN); the cost
    expressions cost_* (COST_COMPONENTS) stay in yuan.
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
