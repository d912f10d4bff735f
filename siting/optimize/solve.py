"""Solve a built model with HiGHS through Pyomo's highspy-based interface (no files written).

Every HiGHS option is checked by HiGHS itself before a solve (its type and range are asked of
highspy, never kept here), and read back from the solver after it, so that what the manifest
records is what HiGHS ran with.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import highspy
import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from siting.config import progress
from siting.config.highs import NAMED_SETTINGS, OptionRejected, OptionValue, _unwrap_status, highs_option_value


@dataclass(frozen=True)
class SolverSettings:
    """What a solve asks of HiGHS: the named settings and further options (HiGHS names)."""

    time_limit_s: float = 60.0
    rel_gap: float = 1e-4
    threads: int = 1
    random_seed: int = 0
    options: tuple[tuple[str, OptionValue], ...] = ()

    def highs_options(self) -> dict[str, OptionValue]:
        """Every HiGHS option a solve sets, by HiGHS name: the named settings, then `options`."""
        named: dict[str, OptionValue] = {NAMED_SETTINGS[k]: getattr(self, k) for k in NAMED_SETTINGS}
        return {**named, **dict(self.options)}


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
    highs_options: tuple[tuple[str, OptionValue], ...] = ()
    """The options HiGHS held after they were set (time limit, gap, threads, seed and `options`)."""

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


def checked_options(settings: SolverSettings) -> dict[str, OptionValue]:
    """Every HiGHS option of a solve as HiGHS will hold it; ValueError when HiGHS refuses one
    (a scenario's options are checked when it is loaded, so this means a programming error)."""
    held = {}
    for name, value in settings.highs_options().items():
        try:
            held[name] = highs_option_value(name, value)
        except OptionRejected as rejected:
            raise ValueError(f"HiGHS option {name}: {rejected}") from None
    return held


def read_back(solver: Any, wanted: Mapping[str, OptionValue]) -> tuple[tuple[str, OptionValue], ...]:
    """The options HiGHS holds after a solve, read from the solver; RuntimeError when one differs
    from what was set (the interface does not check the status of its set calls, so this does)."""
    highs = getattr(solver, "_solver_model", None)
    if highs is None:
        raise RuntimeError("the HiGHS interface exposes no solver instance to read the options back from")
    held = []
    for name in sorted(wanted):
        ok, value = _unwrap_status(highs.getOptionValue(name))
        if not ok or value != wanted[name]:
            raise RuntimeError(f"HiGHS option {name} holds {value!r} after being set to {wanted[name]!r}")
        held.append((name, value))
    return tuple(held)


def _finite(value: float, unit: float) -> float | None:
    return value * unit if math.isfinite(value) and abs(value) < 1e50 else None


def progress_callback(unit_yuan: float) -> Callable[[Any], None]:
    """A highspy callback that passes where the MIP search stands to `progress.solver_line`:
    the best plan and the bound in yuan (`unit_yuan` per objective unit), the gap and the
    seconds HiGHS has run. A better plan is always passed on; HiGHS's frequent interrupt checks at
    most every `progress.REDRAW_S` seconds."""
    improving = int(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)
    last = [-1e9]

    def on_event(event: Any) -> None:
        improved = int(event.callback_type) == improving
        now = time.perf_counter()
        if not improved and now - last[0] < progress.REDRAW_S:
            return  # HiGHS checks for interrupts very often: read its data only a few times a second
        last[0] = now
        out = event.data_out
        best = _finite(out.mip_primal_bound, unit_yuan)
        bound = _finite(out.mip_dual_bound, unit_yuan)
        if improved and best is None:
            best = _finite(out.objective_function_value, unit_yuan)
        gap = relative_gap(best, bound) if best is not None and bound is not None else None
        progress.solver_line(progress.SolverState(best, bound, gap, out.running_time, improved))

    return on_event


@contextlib.contextmanager
def live_progress(opt: Any, unit_yuan: float) -> Iterator[None]:
    """While the block solves with `opt`, report the search through highspy's callbacks (each
    better plan, and HiGHS's regular interrupt checks) when progress is on; otherwise nothing.
    The highspy object exists only once the interface has handed the model over, so the
    callbacks are subscribed just before HiGHS runs and removed after it."""
    if progress.active() is None or not hasattr(opt, "_solve"):
        yield
        return
    callback = progress_callback(unit_yuan)
    original = opt._solve

    def solve_with_callbacks() -> Any:
        highs = opt._solver_model
        highs.cbMipImprovingSolution.subscribe(callback)
        highs.cbMipInterrupt.subscribe(callback)
        try:
            return original()
        finally:
            highs.cbMipImprovingSolution.unsubscribe(callback)
            highs.cbMipInterrupt.unsubscribe(callback)

    opt._solve = solve_with_callbacks
    try:
        yield
    finally:
        del opt._solve


def solve_model(model: pyo.ConcreteModel, settings: SolverSettings, solver: Any = None) -> SolveReport:
    """Solve `model` in place; load variable values only when an incumbent exists.

    Every option is checked by HiGHS before the solve and read back after it (SolveReport's
    `highs_options`). Passing the `solver` of an earlier solve of the same model makes the
    hand-off incremental: only what changed (deactivated constraints, bounds) is sent to HiGHS again."""
    opt = solver if solver is not None else new_solver()
    wanted = checked_options(settings)
    named = set(NAMED_SETTINGS.values())
    unit = getattr(model, "objective_unit_yuan", 1.0)
    started = time.perf_counter()
    with live_progress(opt, unit):
        results = opt.solve(
            model,
            time_limit=wanted["time_limit"],
            rel_gap=wanted["mip_rel_gap"],
            threads=wanted["threads"],
            solver_options={k: v for k, v in wanted.items() if k not in named or k == "random_seed"},
            raise_exception_on_nonoptimal_result=False,
            load_solutions=False,
        )
    elapsed = time.perf_counter() - started
    held = read_back(opt, wanted)
    has_solution = results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
    if has_solution:
        results.solution_loader.load_vars()
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
        highs_options=held,
    )
