"""Solve a built model with HiGHS through Pyomo's highspy-based interface (no files written)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

# HiGHS options a scenario may set beyond the named settings; anything else is rejected so that
# a typo never passes silently.
ALLOWED_HIGHS_OPTIONS = frozenset(
    {"mip_rel_gap", "mip_abs_gap", "mip_max_nodes", "mip_heuristic_effort", "presolve", "random_seed",
     "mip_feasibility_tolerance", "primal_feasibility_tolerance", "dual_feasibility_tolerance"}
)


@dataclass(frozen=True)
class SolverSettings:
    time_limit_s: float = 60.0
    rel_gap: float = 1e-4
    threads: int = 1
    random_seed: int = 0
    options: tuple[tuple[str, float | int | str], ...] = ()


@dataclass(frozen=True)
class SolveReport:
    """What the solver said, in plain terms."""

    termination: str
    has_solution: bool
    proven_optimal: bool
    infeasible: bool
    objective_yuan: float | None
    best_bound_yuan: float | None
    gap: float | None
    solve_time_s: float
    solver_version: str

    @property
    def status(self) -> str:
        """"optimal" means proven within the relative gap asked for (HiGHS's own criterion)."""
        if self.proven_optimal:
            return "optimal"
        if self.has_solution:
            return "feasible (not proven optimal)"
        if self.infeasible:
            return "infeasible"
        return "no solution"


def solver_version() -> str:
    return ".".join(str(v) for v in SolverFactory("highs").version())


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|objective - bound| / max(|objective|, 1e-9): HiGHS's own definition of the MIP gap."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


def new_solver() -> Any:
    """A HiGHS solver object; reuse it to re-solve the same model incrementally."""
    return SolverFactory("highs")


def solve_model(model: pyo.ConcreteModel, settings: SolverSettings, solver: Any = None) -> SolveReport:
    """Solve `model` in place; load variable values only when an incumbent exists.

    Passing the `solver` of an earlier solve of the same model makes the hand-off incremental:
    only what changed (deactivated constraints, bounds) is sent to HiGHS again."""
    opt = solver if solver is not None else new_solver()
    options: dict[str, float | int | str] = {"random_seed": settings.random_seed}
    options.update(dict(settings.options))
    started = time.perf_counter()
    results = opt.solve(
        model,
        time_limit=settings.time_limit_s,
        rel_gap=settings.rel_gap,
        threads=settings.threads,
        solver_options=options,
        raise_exception_on_nonoptimal_result=False,
        load_solutions=False,
    )
    elapsed = time.perf_counter() - started
    has_solution = results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
    if has_solution:
        results.solution_loader.load_vars()
    unit = getattr(model, "objective_unit_yuan", 1.0)
    objective = results.incumbent_objective * unit if has_solution else None
    bound = results.objective_bound
    bound = bound * unit if bound is not None and math.isfinite(bound) else None
    termination = results.termination_condition
    proven = has_solution and termination == TerminationCondition.convergenceCriteriaSatisfied
    infeasible = termination in (
        TerminationCondition.provenInfeasible,
        TerminationCondition.locallyInfeasible,
        TerminationCondition.infeasibleOrUnbounded,
    )
    return SolveReport(
        termination=termination.name,
        has_solution=has_solution,
        proven_optimal=proven,
        infeasible=infeasible and not has_solution,
        objective_yuan=objective,
        best_bound_yuan=bound if has_solution or bound is not None else None,
        gap=relative_gap(objective, bound),
        solve_time_s=elapsed,
        solver_version=solver_version(),
    )
