"""Build and solve the model of a prepared problem: the solver settings of a scenario, the model
size, and the solved plan with the model and solver kept for re-solves."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from models import build_model
from siting.config import progress
from siting.config.errors import NoSolution
from siting.config.load import LoadedScenario
from siting.optimize.explain import InfeasiblePlan, explain_infeasibility, presolve_findings
from siting.optimize.results import Plan, extract_plan, highs_model_status, no_plan_message
from siting.optimize.solve import SolveReport, SolverSettings, new_solver, solve_model
from siting.prepare.checks import nothing_buildable
from siting.prepare.problem import Prepared


def solver_settings(loaded: LoadedScenario) -> SolverSettings:
    """The solver settings of a loaded scenario. A named setting given as a HiGHS option
    (`solver.options.mip_rel_gap`, `random_seed`) takes the named setting's place, so that each
    HiGHS option is set once."""
    s = loaded.scenario.solver
    options = dict(s.options)
    return SolverSettings(time_limit_s=s.time_limit_s, rel_gap=options.pop("mip_rel_gap", s.rel_gap),
                          threads=s.threads, random_seed=options.pop("random_seed", s.random_seed),
                          options=tuple(sorted(options.items())))


def model_size(model: pyo.ConcreteModel) -> dict[str, int]:
    variables = list(model.component_data_objects(pyo.Var, active=True))
    return {
        "variables": len(variables),
        "integer_variables": sum(1 for v in variables if v.is_integer() or v.is_binary()),
        "constraints": sum(1 for _ in model.component_data_objects(pyo.Constraint, active=True)),
    }


@dataclass
class Solved:
    """A solved plan with the model and solver object kept for re-solves."""

    report: SolveReport
    plan: Plan
    size: dict[str, int]
    model: pyo.ConcreteModel
    solver: Any


def solve_prepared(prepared: Prepared, settings: SolverSettings, timings: dict[str, float]) -> Solved:
    """Build and solve the model of a prepared scenario; raise NoSolution, or InfeasiblePlan
    (a PlanInfeasible carrying the explanation of siting/optimize/explain.py) when there is no
    plan to write. The checks before the MIP are `presolve_findings`.

    When no site can build anything, that is said first in any infeasibility message and kept
    as a notice of the run otherwise."""
    inputs = prepared.inputs
    nothing = nothing_buildable(inputs)
    lead = [nothing] if nothing else []
    if nothing and nothing not in prepared.notices:
        prepared.notices.append(nothing)
    units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
    unreachable = presolve_findings(inputs, units)
    if unreachable:
        with progress.phase_alone("diagnose"):
            explained = explain_infeasibility(inputs, settings, units)
        raise InfeasiblePlan("the plan is infeasible before solving:\n"
                             + "\n".join(f"  - {m}" for m in lead + unreachable), explained, unreachable)
    started = time.perf_counter()
    with progress.phase("build"):
        model = build_model(inputs)
    timings["build"] = time.perf_counter() - started
    size = model_size(model)
    solver = new_solver()
    with progress.phase("solve"):
        report = solve_model(model, settings, solver)
    timings["solve"] = report.solve_time_s
    if not report.has_solution:
        if report.infeasible:
            with progress.phase_alone("diagnose"):
                diagnosis = explain_infeasibility(inputs, settings, units)
            raise InfeasiblePlan("the plan is infeasible: the rules cannot be met together.\n"
                                 + "".join(f"  - {f}\n" for f in lead)
                                 + "\n".join(f"  {line}" for line in diagnosis.lines()), diagnosis)
        raise NoSolution(no_plan_message(report, settings, highs_model_status(solver)))
    return Solved(report, extract_plan(model, inputs), size, model, solver)
