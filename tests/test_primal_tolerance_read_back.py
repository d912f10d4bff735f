"""`solver.options.primal_feasibility_tolerance` is an option a scenario may set
(siting/config/highs.py ALLOWED_HIGHS_OPTIONS), but HiGHS's MIP run sets it to
`mip_feasibility_tolerance` itself: read back after the run, it then differs from what was set,
which is no option refused. The solve reports the value it set and checked before the run
(`options_from_baseline`) rather than raising."""

from __future__ import annotations

import pytest

from siting.optimize.solve import SolverSettings, new_solver, solve_model
from tests.conftest import knapsack


@pytest.mark.parametrize("asked", [
    (("primal_feasibility_tolerance", 1e-7),),
    (("primal_feasibility_tolerance", 1e-7), ("mip_feasibility_tolerance", 1e-8)),
])
def test_a_primal_tolerance_the_mip_run_changes_is_no_error(asked) -> None:
    model, opt = knapsack(), new_solver()
    report = solve_model(model, SolverSettings(rel_gap=0.0, options=asked), opt)
    assert report.objective_yuan == pytest.approx(-8.0)
    assert dict(report.highs_options)["primal_feasibility_tolerance"] == 1e-7
    again = solve_model(model, SolverSettings(rel_gap=0.0, options=asked), opt)  # set again before the run
    assert dict(again.highs_options) == dict(report.highs_options)
