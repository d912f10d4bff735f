"""A MIP start HiGHS refuses (siting/optimize/solve.py `hand_start`, HiGHS's `setSolution` with
status kError) is an error naming it, not a search that silently runs without its start."""

from __future__ import annotations

from typing import Any

import highspy
import pyomo.environ as pyo
import pytest

from siting.optimize.solve import SolverSettings, hand_start, new_solver, solve_model
from tests.conftest import knapsack


class Refusing:
    """The real HiGHS object, but its `setSolution` answers `status`."""

    def __init__(self, highs: Any, status: Any) -> None:
        self._highs, self._status = highs, status

    def setSolution(self, *args: Any) -> Any:
        self._highs.setSolution(*args)
        return self._status

    def __getattr__(self, name: str) -> Any:
        return getattr(self._highs, name)


def solved() -> tuple[pyo.ConcreteModel, Any]:
    model, opt = knapsack(), new_solver()
    assert solve_model(model, SolverSettings(rel_gap=0.0), opt).objective_yuan == pytest.approx(-8.0)
    return model, opt


@pytest.mark.parametrize("whole", [True, False])
def test_a_start_highs_refuses_is_an_error(whole) -> None:
    model, opt = solved()
    variables = (model.a, model.b, model.c) if whole else (model.a,)
    values = {id(v): (v, 1.0) for v in variables}
    with pytest.raises(RuntimeError, match="setSolution"):
        hand_start(Refusing(opt._solver_model, highspy.HighsStatus.kError), opt, values)


def test_a_start_highs_takes_with_a_warning_is_given() -> None:
    model, opt = solved()
    values = {id(model.a): (model.a, 1.0)}
    assert hand_start(Refusing(opt._solver_model, highspy.HighsStatus.kWarning), opt, values) == 1
