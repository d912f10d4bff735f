"""One module per rule family of the siting MIP; `models.registry` lists them.

A family module holds the `add_<family>` functions that state the family's rows in a built
model, or, for the red line and proximity, which act through the sparse index sets, the
eligibility arithmetic that `models.index.derive_index` applies.

A row can lose all its variables when the index sets it sums over are empty (nothing can be
built, no decision year within the horizon): Pyomo then refuses the rule's plain True or False.
`holds_variable` tells such rows apart and `constant_row` states what becomes of them.
"""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.expr.visitor import identify_variables


def holds_variable(expr: Any) -> bool:
    """Whether `expr` (a number or a Pyomo expression) holds a variable, fixed or not."""
    if type(expr) in native_numeric_types:
        return False
    return next(identify_variables(expr, include_fixed=True), None) is not None


def constant_row(m: pyo.ConcreteModel, name: str, body: Any, lower: float | None = None,
                 upper: float | None = None) -> Any:
    """The rule's result for a row lower <= body <= upper whose body holds no variable (see
    `holds_variable`; `body` a number or a constant expression, in the row's unit).

    Holds (lower <= value(body) <= upper): Constraint.Skip, no row (a constant row reaches no
    solver). Fails: the row restated over a new variable z named `name`, bounded to [0, 0],
        lower <= z + value(body) <= upper
    which no plan meets, so that the solve ends infeasible and the diagnosis
    (siting/optimize/explain.py) finds the rule by its row, as for any other row.
    """
    value = float(pyo.value(body))
    if (lower is None or value >= lower) and (upper is None or value <= upper):
        return pyo.Constraint.Skip
    m.add_component(name, pyo.Var(bounds=(0.0, 0.0)))
    return pyo.inequality(lower, m.component(name) + value, upper)
