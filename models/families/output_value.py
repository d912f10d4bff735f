"""Family `output_value`: the industry's output value per year reaches its target."""

from __future__ import annotations

import pyomo.core as pyo

from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN
from models.variables import total_production


def value_per_unit(inputs: ModelInputs, product: str, year: int) -> float:
    """v[p,t] (yuan/unit): the price of `product` in `year` where given, else its output value v[p]."""
    price = inputs.price_yuan_per_unit.get((product, year))
    return inputs.output_value_yuan_per_unit.get(product, 0.0) if price is None else price


def add_output_value_targets(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Output-value target per year t, stated on the production totals Y[p,t] = sum_s y[s,p,t].

    sum_p v[p,t] * Y[p,t] + short_v[t] >= V[t]        (yuan/yr; v in yuan per unit)
    with v[p,t] = price[p,t] where the scenario's price path gives it, else v[p] (`value_per_unit`).
    One term per product, whatever the number of sites (the same row as sum_{s,p} v y, since
    Y is tied to the sites' production by `production_total_link`).
    over VALUE_TARGET = the years with a target, when "output_value" is on. The row is stated in
    million yuan and short_v[t] (`value_shortfall`) is in million yuan (see MONEY_UNIT_YUAN).
    Output value counts production of existing and added capacity. short_v[t] >= 0 costs pen_v
    per yuan in the objective; it is fixed to 0 with `targets_strict` (then infeasible when full
    use of all buildable capacity cannot reach V[t]).
    """
    keys = list(inputs.output_value_target_yuan) if is_on(inputs, "output_value") else []
    m.VALUE_TARGET = pyo.Set(initialize=keys, ordered=True)
    m.value_shortfall = pyo.Var(m.VALUE_TARGET, domain=pyo.NonNegativeReals)
    if inputs.targets_strict:
        for key in keys:
            m.value_shortfall[key].fix(0.0)
    m.output_value = pyo.Expression(
        inputs.YEARS,
        rule=lambda _m, t: sum(
            value_per_unit(inputs, p, t) * total_production(m, p, t)
            for p in inputs.PRODUCTS
            if value_per_unit(inputs, p, t) != 0
        ),
    )
    m.output_value_target = pyo.Constraint(
        m.VALUE_TARGET,
        rule=lambda _m, t: m.output_value[t] / MONEY_UNIT_YUAN + m.value_shortfall[t]
        >= inputs.output_value_target_yuan[t] / MONEY_UNIT_YUAN,
    )


def add_output_value_cover(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Cover row (part of "output_value"): the value target restated on modules alone.

    sum_{s,p} v[p,t] util[p] Kav[s,p,t] + short_v[t] >= V[t]        (million yuan/yr)
    over VALUE_TARGET, so exactly when "output_value" is on. A valid inequality implied by the
    target row and y <= util Kav: it changes no feasible plan, but it is a pure-integer knapsack
    row from which HiGHS derives cover cuts that the production variables hide (measured on the
    Yunnan scenario: the gap after 60 s halves; with the target row on production totals, the
    2.5 % gap in 18.6 s with the cover row against 29.2 s without, one run each). It has a term
    per producing pair (one such dense row per target year), and HiGHS's presolve handles it in
    about 2 s at 400 synthetic sites. Infeasible exactly when the target row is.
    """
    keys = list(m.VALUE_TARGET)
    m.value_cover = pyo.Constraint(
        keys,
        rule=lambda _m, t: sum(
            value_per_unit(inputs, p, t) * inputs.utilisation.get(p, 1.0) / MONEY_UNIT_YUAN
            * m.available[s, p, t]
            for s, p in index.producing_pairs
            if value_per_unit(inputs, p, t) != 0
        )
        + m.value_shortfall[t]
        >= inputs.output_value_target_yuan[t] / MONEY_UNIT_YUAN,
    )
