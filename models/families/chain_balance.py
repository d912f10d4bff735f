"""Family `chain_balance`: local upstream production covers a share of the province's use."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs


def add_chain_balance(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Chain balance: local upstream production covers a share of provincial use.

    For each upstream product u with share sigma[u] > 0 and year t (CHAIN):
        sum_s y[s,u,t] >= sigma[u] * sum_d a[d,u] * sum_s y[s,d,t]        (units of u per yr)
    where a[d,u] (`input_units_per_unit`) is the units of u consumed per unit of downstream d.
    Active when "chain_balance" is on; a row with no downstream production is left out.
    Infeasible with strict targets when u cannot be built anywhere (no eligible site) but d
    must be produced.
    """
    keys = []
    if is_on(inputs, "chain_balance"):
        keys = [(u, t) for u in inputs.PRODUCTS if inputs.chain_share_min.get(u, 0.0) > 0 for t in inputs.YEARS]
    by_product: dict[str, list[str]] = defaultdict(list)
    for s, p in index.producing_pairs:
        by_product[p].append(s)
    m.CHAIN = pyo.Set(initialize=keys, dimen=2, ordered=True)

    def rule(_m: pyo.ConcreteModel, u: str, t: int) -> pyo.Expression:
        local = sum(m.production[s, u, t] for s in by_product[u])
        consumed = sum(
            a * m.production[s, d, t]
            for (d, up), a in inputs.input_units_per_unit.items()
            if up == u
            for s in by_product[d]
        )
        if isinstance(consumed, (int, float)):
            return pyo.Constraint.Feasible
        return local >= inputs.chain_share_min[u] * consumed

    m.chain_balance = pyo.Constraint(m.CHAIN, rule=rule)
