"""Build and solve the model of a prepared problem: the solver settings of a scenario, the model
size, and the solved plan with the model and solver kept for re-solves."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from models import ModelInputs, build_model
from siting.config import progress
from siting.config.errors import NoSolution
from siting.config.load import LoadedScenario
from siting.optimize.explain import InfeasiblePlan, explain_infeasibility, presolve_findings
from siting.optimize.results import Plan, extract_plan, highs_model_status, no_plan_message
from siting.optimize.screening import ScreeningSummary, solve_screened
from siting.optimize.solve import PlanValues, SolveReport, SolverSettings, new_solver, solve_model, start_on
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
    """A solved plan with the model and solver object kept for re-solves. With candidate cells
    the model is the screened one (siting/optimize/screening.py): `inputs` are the inputs it was
    built from (the prepared inputs otherwise) and `screening` says how it was screened."""

    report: SolveReport
    plan: Plan
    size: dict[str, int]
    model: pyo.ConcreteModel
    solver: Any
    inputs: ModelInputs | None = None
    screening: ScreeningSummary | None = None


def solve_prepared(prepared: Prepared, settings: SolverSettings, timings: dict[str, float],
                   start: PlanValues | None = None) -> Solved:
    """Build and solve the model of a prepared scenario; raise NoSolution, or InfeasiblePlan
    (a PlanInfeasible carrying the explanation of siting/optimize/explain.py) when there is no
    plan to write. The checks before the MIP are `presolve_findings`.

    When no site can build anything, that is said first in any infeasibility message and kept
    as a notice of the run otherwise. `start`: a plan to start HiGHS from (`plan_values` of a
    related run: siting/optimize/solve.py `start_on`)."""
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
    cells = tuple(getattr(prepared, "candidate_cells", ()))
    if cells:
        started = time.perf_counter()
        screened = screened_solve(inputs, cells, settings, timings)
        if screened is not None:
            return screened
        left = settings.time_limit_s - (time.perf_counter() - started)
        settings = dataclasses.replace(settings, time_limit_s=max(1.0, left))
    started = time.perf_counter()
    with progress.phase("build"):
        model = build_model(inputs)
    timings["build"] = time.perf_counter() - started
    size = model_size(model)
    solver = new_solver()
    with progress.phase("solve"):
        report = solve_model(model, settings, solver, start=start_on(model, start) if start else None)
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


def screened_solve(inputs: ModelInputs, cells: tuple[str, ...], settings: SolverSettings,
                   timings: dict[str, float]) -> Solved | None:
    """Solve with the candidate cells screened (siting/optimize/screening.py): the plan of the
    screened model, certified against the aggregated bound. None when the aggregate is
    infeasible or the screened instance has no plan: then the full model is solved (and, when it
    is infeasible, explained) with the time left. The model size adds how many candidates,
    groups and sites the screening had."""
    screened = solve_screened(inputs, cells, settings)
    summary = screened.summary
    timings["build"] = summary.build_time_s
    timings["solve"] = screened.report.solve_time_s - summary.build_time_s
    if screened.model is None:
        return None
    size = model_size(screened.model)
    size.update(candidate_cells=summary.candidates, screening_groups=summary.groups,
                aggregate_sites=summary.aggregate_sites, screened_sites=summary.screened_sites)
    return Solved(screened.report, extract_plan(screened.model, screened.inputs), size, screened.model,
                  screened.solver, screened.inputs, summary)
