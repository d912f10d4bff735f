"""`solver.options.primal_feasibility_tolerance` is refused as bad input: every HiGHS run of a
solve is a MIP run (the model's whole-number decisions stay whole-number columns of HiGHS's model
also when they are fixed, as when a plan is costed or its decisions rounded), and HiGHS (1.16)
runs a MIP with its primal feasibility tolerance at `mip_feasibility_tolerance`, whatever it was
given. Admitted, the option had no effect and the manifest recorded it as if HiGHS had used it."""

from __future__ import annotations

from pathlib import Path

import pyomo.environ as pyo
import pytest
from test_solver_options import problems, with_solver

from siting.cli import main
from siting.config.highs import highs_default
from siting.optimize.solve import SolverSettings, new_solver, solve_fixed, solve_model
from tests.conftest import knapsack

REFUSAL = ("solver.options.primal_feasibility_tolerance | has no effect on the MIP: HiGHS solves it with its "
           "primal feasibility tolerance at mip_feasibility_tolerance (got {got}); set "
           "mip_feasibility_tolerance instead (at most 1e-06)")


@pytest.mark.parametrize(("value", "got"), [("1e-9", "1e-09"), ("1.0e-6", "1e-06"), ("0.1", "0.1")])
def test_a_primal_tolerance_is_refused_at_load_naming_the_option_that_acts(folder: Path, value: str, got: str) -> None:
    assert problems(with_solver(folder, f"  options: {{primal_feasibility_tolerance: {value}}}\n")) == [
        f"scenario.yaml:35: {REFUSAL.format(got=got)}"]


def test_a_primal_tolerance_given_with_set_is_refused_before_solving(folder: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = folder / "out"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--set",
                 "solver.options.primal_feasibility_tolerance=1e-9"])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.replace(f"{folder}/", "")
    assert err == f"error: 1 problem in the input:\n  - scenario.yaml: --set {REFUSAL.format(got=repr('1e-9'))}\n"


def test_every_run_holds_the_primal_tolerance_at_the_mip_tolerance() -> None:
    """The fact behind the refusal: a MIP run, and a run with every whole-number decision fixed
    (`solve_fixed`, the LP of a costed or rounded plan), both end holding HiGHS's primal feasibility
    tolerance at the MIP's, here 1e-8, not at the default 1e-7 each run starts from."""
    model, opt = knapsack(), new_solver()
    settings = SolverSettings(rel_gap=0.0, options=(("mip_feasibility_tolerance", 1e-8),))
    solve_model(model, settings, opt)
    highs = opt._solver_model
    assert highs_default("primal_feasibility_tolerance") == 1e-7
    assert highs.getOptionValue("primal_feasibility_tolerance")[1] == 1e-8
    whole = [var for var in model.component_data_objects(pyo.Var) if var.is_integer() or var.is_binary()]
    assert whole
    solve_fixed(model, [(var, round(var.value)) for var in whole], settings, opt)
    assert highs.getInfo().mip_node_count >= 0  # a MIP run, not an LP's (-1)
    assert highs.getOptionValue("primal_feasibility_tolerance")[1] == 1e-8
