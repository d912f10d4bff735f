"""HiGHS's process-wide thread scheduler is made anew (`highspy.Highs.resetGlobalScheduler`)
when a run was refused for another caller's threads (siting/optimize/solve.py `solve_model`).
That reset must not happen while another thread's HiGHS runs on the scheduler: it is made, the
refused run repeated, within one hold of `HIGHS_OUTPUT_LOCK`, which every run holds; a thread
waiting for the lock between the refused run and the reset would otherwise start its search on
the scheduler the reset then tears down."""

from __future__ import annotations

from typing import Any

import highspy
import pyomo.environ as pyo
import pytest

import siting.optimize.solve as solve
from siting.config.highs import HIGHS_OUTPUT_LOCK
from siting.optimize.solve import SolverSettings, solve_model


def test_the_scheduler_is_reset_and_the_run_repeated_under_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    refused = iter([True])
    monkeypatch.setattr(solve, "scheduler_refused", lambda _opt: next(refused, False))
    resets: list[bool] = []
    runs: list[bool] = []
    real_run = solve._run

    def run(*args: Any, **kwargs: Any) -> Any:
        runs.append(HIGHS_OUTPUT_LOCK._is_owned())  # type: ignore[attr-defined]
        return real_run(*args, **kwargs)

    real_reset = highspy.Highs.resetGlobalScheduler

    def reset(blocking: bool) -> None:
        resets.append(HIGHS_OUTPUT_LOCK._is_owned())  # type: ignore[attr-defined]
        real_reset(blocking)  # the real one: a scheduler made for other threads (an earlier run's) is made anew

    monkeypatch.setattr(solve, "_run", run)
    monkeypatch.setattr(highspy.Highs, "resetGlobalScheduler", staticmethod(reset))
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 5))
    m.o = pyo.Objective(expr=-m.x)
    report = solve_model(m, SolverSettings(time_limit_s=30))
    assert report.objective_yuan is not None and round(report.objective_yuan) == -5
    assert resets == [True]
    assert runs == [True, True]  # the refused run and the repeated one, in one hold of the lock
