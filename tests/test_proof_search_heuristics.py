"""The merged model's proof search (siting/optimize/screening.py `proof_search`) is a search for
a bound: it runs without HiGHS's sub-MIP heuristics (siting/optimize/solve.py
`BOUND_SEARCH_HEURISTICS`), as the parks' proof searches do."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

import siting.optimize.counts as counts
from siting.optimize.counts import Bounding
from siting.optimize.screening import ScreeningSettings, proof_search
from siting.optimize.solve import SolverSettings, new_solver
from tests.conftest import knapsack


def test_the_proof_search_runs_without_the_heuristics(monkeypatch) -> None:
    calls: list[tuple[float | None, bool]] = []
    original = counts.solve_model

    def recorded(*args: Any, cutoff_yuan: float | None = None, heuristics: bool = True, **kwargs: Any) -> Any:
        calls.append((cutoff_yuan, heuristics))
        return original(*args, cutoff_yuan=cutoff_yuan, heuristics=heuristics, **kwargs)

    monkeypatch.setattr(counts, "solve_model", recorded)
    started = time.perf_counter()
    settings = SolverSettings(rel_gap=0.01, time_limit_s=60.0)
    bounding = Bounding(knapsack(), new_solver(), settings, 60.0, started, started)
    relaxation = SimpleNamespace(termination="iterationLimit", has_solution=False, objective_yuan=None)
    counted = SimpleNamespace(bounding=bounding, relaxation=relaxation)
    # a plan of cost -7.9 (yuan), certified by a bound of -7.9 less 1 %: the optimum -8 lies below it
    report = proof_search(counted, -7.9, -9.0, settings, ScreeningSettings(), started)
    assert report is not None and report.objective_yuan == pytest.approx(-8.0)
    assert [heuristics for cutoff, heuristics in calls if cutoff is not None] == [False]
