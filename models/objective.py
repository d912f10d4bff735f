"""The objective: discounted net cost, with its parts kept as named expressions for reporting."""

from __future__ import annotations

import pyomo.core as pyo

from models.costs import capex_annuity_yuan_per_yr, land_annuity_yuan_per_yr
from models.index import ModelIndex
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN

#: The cost expressions of the objective, each `cost_<name>` on the model (yuan, discounted to the
#: first year). `sales` is minus the sales revenue.
COST_COMPONENTS: tuple[str, ...] = (
    "capex", "land", "fixed_opex", "site_fixed", "variable", "resources", "imports", "transport", "shortfall",
    "sales",
)


def standing_discount(inputs: ModelInputs, product: str, decided_in: int) -> float:
    """sum_{t >= t' + L[p]} W[t] over OPERATING_YEARS: the weighted years in which a module of
    `product` decided in year t' stands (from its first production year on; W =
    `ModelInputs.year_weight`, the steady-state year counting for the years after the horizon)."""
    first = decided_in + inputs.lead_time_yr.get(product, 0)
    return sum(inputs.year_weight[t] for t in inputs.OPERATING_YEARS if t >= first)


def add_objective(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Objective: minimise the discounted net cost (yuan).

    capex       sum_{s,p,m,t'} CRF(r, life[m]) capex[m] x[s,p,m,t'] S[p,t']
    land        sum_{s,p,m,t'} CRF(r, n_land) pland[s] land[m] x[s,p,m,t'] S[p,t']
    fixed_opex  sum_{s,p,m,t'} opex[m] x[s,p,m,t'] S[p,t']
                with S[p,t'] = sum_{t >= t'+L[p]} W[t]: a module is paid for, as a yearly annuity,
                in every year it stands within the horizon (models.costs), and for the N years after
                it through W[T+1]; nothing favours late builds
    site_fixed  sum_{s,t} df[t] F opens[s,t]           opening, once, in its year (df: not repeated after T)
    variable    sum_{s,p,t} W[t] (e[p] tariff[s] + vc[p]) y[s,p,t]
    resources   raw material bought at in-province sources   (`resources_purchase`, supply family)
    imports     products and raw material bought outside     (`imports_products` + `imports_raw`)
    transport   raw material and products moved               (`transport_raw` + `transport_products`)
    shortfall   sum_{g,t} Ws[t] pen[g] short[g,t] + sum_t Ws[t] pen_v short_v[t]
                Ws[t] = W[t], and W[T] + W[T+1] for the last plan year (`ModelInputs.shortfall_weight`)
    sales       - sum_{c,p,t} W[t] price[p,t] sales[c,p,t]              (`sales_revenue`)
    with t over OPERATING_YEARS, W[t] = df[t] = (1 + r) ** -(t - t0) for the plan's years t <= T and
    W[T+1] = df[T] sum_{k=1..N} (1 + r) ** -k for the steady-state year (`ModelInputs.year_weight`,
    `ModelInputs.STEADY_YEAR`, N = years_after_horizon): its production and flows, with every
    module in full and the committed capacity online by then, count for the N years after T, so
    capacity idle then stays idle, and paid for, in each of them (N = 0: nothing after T counts).
    A shortfall of the last plan year counts for the steady state too (Ws). Committed and existing
    capacity are sunk: no capex. The objective row is in million yuan (MONEY_UNIT_YUAN); the cost
    expressions cost_* (COST_COMPONENTS) stay in yuan.
    """
    weight = inputs.year_weight
    short_weight = inputs.shortfall_weight
    m.cost_capex = pyo.Expression(expr=sum(
        capex_annuity_yuan_per_yr(inputs, inputs.module(mid)) * standing_discount(inputs, p, t) * m.build[s, p, mid, t]
        for s, p, mid, t in m.BUILD
    ))
    m.cost_land = pyo.Expression(expr=sum(
        land_annuity_yuan_per_yr(inputs, s, inputs.module(mid)) * standing_discount(inputs, p, t)
        * m.build[s, p, mid, t]
        for s, p, mid, t in m.BUILD
        if inputs.land_price_yuan_per_ha.get(s, 0.0) > 0
    ))
    m.cost_fixed_opex = pyo.Expression(expr=sum(
        inputs.module(mid).fixed_opex_yuan_per_yr * standing_discount(inputs, p, t) * m.build[s, p, mid, t]
        for s, p, mid, t in m.BUILD
    ))
    m.cost_site_fixed = pyo.Expression(
        expr=sum(inputs.discount_factor[t] * inputs.site_fixed_cost_yuan * m.opens[s, t] for s, t in m.OPENING)
    )

    def unit_cost(s: str, p: str) -> float:
        return (inputs.energy_kwh_per_unit.get(p, 0.0) * inputs.power_tariff_yuan_per_kwh.get(s, 0.0)
                + inputs.other_variable_cost_yuan_per_unit.get(p, 0.0))

    m.cost_variable = pyo.Expression(expr=sum(
        weight[t] * unit_cost(s, p) * m.production[s, p, t] for s, p, t in m.PRODUCE if unit_cost(s, p) != 0
    ))
    m.cost_resources = pyo.Expression(expr=m.resources_purchase)
    m.cost_imports = pyo.Expression(expr=m.imports_products + m.imports_raw)
    m.cost_transport = pyo.Expression(expr=m.transport_raw + m.transport_products)
    m.cost_shortfall = pyo.Expression(
        expr=sum(
            short_weight[t] * inputs.capacity_shortfall_penalty_yuan_per_unit.get(g, 0.0) * m.capacity_shortfall[g, t]
            for g, t in m.CAP_TARGET
        )
        + sum(
            short_weight[t] * inputs.value_shortfall_penalty_yuan_per_yuan * MONEY_UNIT_YUAN * m.value_shortfall[t]
            for t in m.VALUE_TARGET
        )
    )
    m.cost_sales = pyo.Expression(expr=-m.sales_revenue)
    m.total_cost = pyo.Objective(
        expr=sum(getattr(m, f"cost_{name}") for name in COST_COMPONENTS) / MONEY_UNIT_YUAN,
        sense=pyo.minimize,
    )
    m.objective_unit_yuan = MONEY_UNIT_YUAN
