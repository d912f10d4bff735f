"""Family `budget`: investment per year stays within the budget."""

from __future__ import annotations

import pyomo.core as pyo

from models.families import constant_row, holds_variable
from models.index import ModelIndex, is_on
from models.inputs import ModelInputs
from models.units import MONEY_UNIT_YUAN
from models.variables import capex_in_year


def add_budget(m: pyo.ConcreteModel, inputs: ModelInputs, index: ModelIndex) -> None:
    """Budget per year (undiscounted yuan).

    sum_{s,p,m} capex[m] * x[s,p,m,t] <= B[t]          (yuan; the row in million yuan)
    over BUDGET_YEAR = the years with a budget, when "budget" is on. A year in which nothing can
    be decided (no buildable pair, or none with t as a decision year) has a row 0 <= B[t]
    without variables: left out, or infeasible when B[t] < 0 (`constant_row`). Infeasible with
    strict targets when the targets need more investment by year t.
    """
    keys = [t for t in inputs.YEARS if t in inputs.budget_yuan_per_yr] if is_on(inputs, "budget") else []
    m.BUDGET_YEAR = pyo.Set(initialize=keys, ordered=True)

    def rule(_m: pyo.ConcreteModel, t: int) -> pyo.Expression:
        spent = capex_in_year(m, inputs, t)
        limit = inputs.budget_yuan_per_yr[t] / MONEY_UNIT_YUAN
        if not holds_variable(spent):  # nothing can be decided in t
            return constant_row(m, f"budget_excess_{t}", spent / MONEY_UNIT_YUAN, upper=limit)
        return spent / MONEY_UNIT_YUAN <= limit

    m.budget = pyo.Constraint(m.BUDGET_YEAR, rule=rule)
