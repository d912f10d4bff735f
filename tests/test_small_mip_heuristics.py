"""A model of at most SMALL_MIP_INTEGERS free whole-number variables is searched without HiGHS's
sub-MIP heuristics (siting/optimize/solve.py `small_mip`, `solve_model`), a larger one with them;
the optimum is the same either way."""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo
import pytest
from test_bound_search_option_status import at_run as heuristics_at_run

from siting.optimize.solve import BOUND_SEARCH_HEURISTICS, SMALL_MIP_INTEGERS, SolverSettings, small_mip, solve_model
from tests.conftest import knapsack

OFF = dict.fromkeys(BOUND_SEARCH_HEURISTICS, False)
ON = dict.fromkeys(BOUND_SEARCH_HEURISTICS, True)


@pytest.fixture
def at_run(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The values of BOUND_SEARCH_HEURISTICS HiGHS holds as each of its runs starts."""
    return heuristics_at_run(monkeypatch, BOUND_SEARCH_HEURISTICS)


def picks(n: int) -> pyo.ConcreteModel:
    """min -sum(i x_i, i = 1..n) with sum(x_i) <= 10, x binary. By hand: the ten largest i are
    taken, of cost -(10 n - 45) (n = 65: -605)."""
    m = pyo.ConcreteModel()
    m.i = pyo.RangeSet(1, n)
    m.x = pyo.Var(m.i, domain=pyo.Binary)
    m.ten = pyo.Constraint(expr=sum(m.x[i] for i in m.i) <= 10)
    m.cost = pyo.Objective(expr=-sum(i * m.x[i] for i in m.i))
    return m


def test_a_small_model_is_searched_without_the_sub_mip_heuristics(at_run: list[dict[str, Any]]) -> None:
    model = knapsack()
    report = solve_model(model, SolverSettings(rel_gap=0.0))
    assert at_run == [OFF]
    assert {name: value for name, value in report.highs_options if name in OFF} == OFF
    assert report.proven_optimal and report.objective_yuan == pytest.approx(-8.0)
    assert (pyo.value(model.a), pyo.value(model.b), pyo.value(model.c)) == pytest.approx((1.0, 0.0, 1.0))


def test_one_whole_number_more_than_the_limit_keeps_them(at_run: list[dict[str, Any]]) -> None:
    model = picks(SMALL_MIP_INTEGERS + 1)
    assert not small_mip(model)
    report = solve_model(model, SolverSettings(rel_gap=0.0))
    assert at_run == [ON]
    assert not set(OFF) & {name for name, _value in report.highs_options}
    assert report.proven_optimal and report.objective_yuan == pytest.approx(-(10 * 65 - 45))
    assert sorted(i for i in model.i if pyo.value(model.x[i]) > 0.5) == list(range(56, 66))


def test_fixed_and_continuous_variables_do_not_count(at_run: list[dict[str, Any]]) -> None:
    model = picks(SMALL_MIP_INTEGERS + 1)
    model.x[1].fix(0)
    model.y = pyo.Var(range(100), bounds=(0, 1))  # continuous: never counted
    model.spare = pyo.Constraint(expr=sum(model.y[k] for k in range(100)) <= 1)
    assert small_mip(model)
    report = solve_model(model, SolverSettings(rel_gap=0.0))
    assert at_run == [OFF]
    assert report.objective_yuan == pytest.approx(-605.0)


def test_the_limit_counts_whole_numbers_not_columns() -> None:
    assert small_mip(picks(SMALL_MIP_INTEGERS))
    assert not small_mip(picks(SMALL_MIP_INTEGERS + 1))
    assert small_mip(knapsack(), most=3) and not small_mip(knapsack(), most=2)
