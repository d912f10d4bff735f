"""Family `chain_balance`: local upstream production covers a share of the province's use."""

from __future__ import annotations

import pyomo.core as pyo

from models.families import constant_row, holds_variable
from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.variables import total_production


def chain_applies(inputs: ModelInputs, upstream: str, year: int) -> bool:
    """Whether the chain-balance rule of `upstream` holds in `year` (a calendar year): from the
    first year in which a module of it decided within the plan can produce, t >= t0 + L[u]
    (t0 the plan's first year, L[u] its `lead_time_yr`). Before then no decision can raise the
    province's production of `upstream`: the rule could only idle the standing downstream plants,
    which is not what a local-share policy asks. The one statement of the years, for the rows
    and for the report's reading of them (siting/deliver/drivers.py)."""
    return year >= inputs.YEARS[0] + inputs.lead_time_yr.get(upstream, 0)


def add_chain_balance(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Chain balance: local upstream production covers a share of provincial use.

    For each upstream product u with share sigma[u] > 0 and year t >= t0 + L[u] (CHAIN; the
    years in which a module of u decided within the plan can produce, `chain_applies`), on the production
    totals Y[p,t] = sum_s y[s,p,t] (`production_total`, one term per product whatever the
    number of sites):
        Y[u,t] >= sigma[u] * sum_d a[d,u] * Y[d,t]        (units of u per yr)
    where a[d,u] (`input_units_per_unit`) is the units of u consumed per unit of downstream d,
    and Y[p,t] is 0 for a product no site produces. Active when "chain_balance" is on; a row with
    no downstream production (Y[u,t] >= 0, true of every plan, or 0 >= 0 without variables) is
    left out.
    Infeasible with strict targets when u cannot be built anywhere (no eligible site) but d
    must be produced.
    """
    keys = []
    if is_on(inputs, "chain_balance"):
        keys = [(u, t) for u in inputs.PRODUCTS if inputs.chain_share_min.get(u, 0.0) > 0
                for t in inputs.OPERATING_YEARS if chain_applies(inputs, u, t)]
    m.CHAIN = pyo.Set(initialize=keys, dimen=2, ordered=True)

    def rule(_m: pyo.ConcreteModel, u: str, t: int) -> pyo.Expression:
        local = total_production(m, u, t)
        consumed = sum(a * total_production(m, d, t) for (d, up), a in inputs.input_units_per_unit.items() if up == u)
        if not holds_variable(consumed):  # nothing downstream: Y[u,t] >= 0 holds by its domain
            return pyo.Constraint.Skip if holds_variable(local) else constant_row(
                m, f"chain_balance_excess_{u}_{t}", local - inputs.chain_share_min[u] * consumed, lower=0.0)
        return local >= inputs.chain_share_min[u] * consumed

    m.chain_balance = pyo.Constraint(m.CHAIN, rule=rule)
