"""Each solve starts from the options it asks (siting/optimize/solve.py `options_from_baseline`):
an option one solve set through `solver.options` does not stay in HiGHS for a later solve of the
same solver object that does not name it, nor one set on the solver object between solves."""

from __future__ import annotations

import pytest
from test_bound_search_option_status import at_run

from siting.config.highs import highs_default
from siting.optimize.solve import SolverSettings, new_solver, solve_model
from tests.conftest import knapsack

NAMES = ("presolve", "mip_max_nodes", "mip_heuristic_effort")


def test_an_option_of_one_solve_does_not_stay_for_the_next_on_the_same_solver(monkeypatch) -> None:
    model, opt = knapsack(), new_solver()
    seen = at_run(monkeypatch, NAMES)
    asked = (("presolve", "off"), ("mip_max_nodes", 1000), ("mip_heuristic_effort", 0.3))
    solve_model(model, SolverSettings(rel_gap=0.0, options=asked), opt)
    report = solve_model(model, SolverSettings(rel_gap=0.0), opt)
    assert report.objective_yuan == pytest.approx(-8.0)
    assert seen == [dict(asked), {name: highs_default(name) for name in NAMES}]
    assert not {name for name, _ in report.highs_options} & set(NAMES)


def test_an_option_set_on_the_solver_between_solves_is_back_to_the_default_at_the_next_run(monkeypatch) -> None:
    model, opt = knapsack(), new_solver()
    solve_model(model, SolverSettings(rel_gap=0.0), opt)
    opt._solver_model.setOptionValue("presolve", "off")
    seen = at_run(monkeypatch, NAMES)
    solve_model(model, SolverSettings(rel_gap=0.0), opt, heuristics=False)
    assert seen == [{name: highs_default(name) for name in NAMES}]
