"""Hub balance rows (models/network.py): one per hub with a flow, none constant.

A hub row without a variable is a constant, and the project states one as the rule families do
(models/families `constant_row`, tests/test_families_empty_rows.py): left out when it holds,
stated over a variable bounded to [0, 0] when it fails. `balance_row` is the hub rule's result;
the instance below shows which hubs get a row at all.

Instance: tests/test_families.py's default (one year 2030; s1 in c1, s2 in c2; p10 = 10 units/yr
of p for 100 yuan on 1 ha, q10 likewise for 200 yuan; target P = 30 units at 1000 yuan per unit
short), with p buildable only at s1 and q only at s2, and q made from 0.5 units of p per unit.
Hubs: c1 makes p (up[s1,p]); c2 makes q (up[s2,q]) and takes p down to s2 (down[s2,p]); p moves
between the hubs (link[c1,c2,p], link[c2,c1,p]); q is used nowhere, so no link carries it and
c1 has nothing of q: three hub rows, (c1,p), (c2,p) and (c2,q), none for (c1,q). Nothing values
q, so the optimum builds three p modules at s1 for the target: 3 x 100 = 300 yuan.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from pyomo.core.expr.visitor import identify_variables
from test_families import SETTINGS, Y1, make_inputs, solve_optimal

from models.network import balance_row
from siting.optimize.solve import solve_model


def variables(row: pyo.Constraint) -> list[str]:
    return sorted(str(v) for v in identify_variables(row.body, include_fixed=True))


def test_a_hub_row_for_each_hub_with_a_flow_and_each_row_holds_its_flows() -> None:
    """See the module docstring. Optimum: 300."""
    inputs = make_inputs(CANDIDATES=(("s1", "p"), ("s2", "q")), input_units_per_unit={("q", "p"): 0.5})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert list(model.hub_balance.keys()) == [("c1", "p", Y1), ("c2", "p", Y1), ("c2", "q", Y1)]
    assert variables(model.hub_balance["c1", "p", Y1]) == [
        "link[c1,c2,p,2030]", "link[c2,c1,p,2030]", "sales[c1,p,2030]", "up[s1,p,2030]"]
    assert variables(model.hub_balance["c2", "p", Y1]) == [
        "down[s2,p,2030]", "link[c1,c2,p,2030]", "link[c2,c1,p,2030]"]
    assert variables(model.hub_balance["c2", "q", Y1]) == ["sales[c2,q,2030]", "up[s2,q,2030]"]
    assert not [name for name in model.component_map(pyo.Var) if name.startswith("hub_balance_excess")]


def test_a_balance_without_flows_that_holds_is_left_out() -> None:
    """A hub with no flows: 0 == 0 is no row (Constraint.Skip) and adds no variable."""
    m = pyo.ConcreteModel()
    assert balance_row(m, "hub_balance_excess_c1_p_2030", 0.0, 0) is pyo.Constraint.Skip
    assert list(m.component_map(pyo.Var)) == []


def test_a_balance_without_flows_that_fails_is_stated_over_a_variable_fixed_at_zero() -> None:
    """A constant 5 == 0 (no flow can carry it) becomes 0 <= z + 5 <= 0 with z in [0, 0]:
    the solve is proven infeasible, and the row names the hub it belongs to."""
    m = pyo.ConcreteModel()
    m.row = pyo.Constraint(expr=balance_row(m, "hub_balance_excess_c1_p_2030", 5.0, 0.0))
    m.cost = pyo.Objective(expr=0.0)
    assert variables(m.row) == ["hub_balance_excess_c1_p_2030"]
    assert m.hub_balance_excess_c1_p_2030.bounds == (0.0, 0.0)
    report = solve_model(m, SETTINGS)
    assert report.infeasible and not report.has_solution


def test_a_balance_with_a_flow_is_the_row_itself() -> None:
    """up == 2: the row holds its variable and no other is added."""
    m = pyo.ConcreteModel()
    m.up = pyo.Var(domain=pyo.NonNegativeReals)
    m.row = pyo.Constraint(expr=balance_row(m, "hub_balance_excess_c1_p_2030", m.up, 2.0))
    assert variables(m.row) == ["up"]
    assert (pyo.value(m.row.lower), pyo.value(m.row.upper)) == (2.0, 2.0)
    assert list(m.component_map(pyo.Var)) == ["up"]
