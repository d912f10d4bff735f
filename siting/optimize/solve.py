"""Solve a built model with HiGHS through Pyomo's highspy-based interface (no files written).

Every HiGHS option is checked by HiGHS itself before a solve (its type and range are asked of
highspy, never kept here), and read back from the solver after it, so that what the manifest
records is what HiGHS ran with.

A solve may start from a plan (a MIP start): `solve_model(..., start=...)` hands HiGHS the
values with its `setSolution` just before it runs. Pyomo's HiGHS interface has no MIP start of
its own, so this reaches the interface's HiGHS object and column map once the model has been
handed over, as the live progress does. HiGHS checks the start itself: a feasible start is its
first incumbent (at its cost, or lower once HiGHS's presolve has removed what the start spends
for nothing); a partial one (values for some variables only) is completed by a small sub-MIP
(at most `mip_max_start_nodes` nodes) with the given integer values fixed; an infeasible one is
dropped and the search runs as without it.

HiGHS 1.16 can map a start into its presolved model at less than its cost (a reduction that
holds for optimal plans, such as a dominated column fixed at a bound, drops part of what the
start spends) and keep it as its best plan at that cost: it then reports an optimum its plan
does not have. `solve_model` checks, after every solve from a start, that the plan loaded
costs what HiGHS reports; when it does not, the solve is repeated without the start.

Ctrl-C (SIGINT) and SIGTERM during a solve stop HiGHS at its next interrupt check, and the
signal is then raised again under the handler that was in place, once HiGHS has returned
(`stop_on_signals`). A handler that raises (as Python's for SIGINT does) must not run inside
one of HiGHS's callbacks: HiGHS would catch the exception, drop it and report a solve error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.collections import ComponentMap
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from models.network import canonical_flows
from models.units import MONEY_UNIT_YUAN
from siting.config import progress
from siting.config.highs import (
    ABS_GAP_OPTION,
    ALLOWED_HIGHS_OPTIONS,
    HIGHS_OUTPUT_LOCK,
    NAMED_SETTINGS,
    PRIMAL_TOLERANCE_OPTION,
    OptionRejected,
    OptionValue,
    _unwrap_status,
    highs_default,
    highs_option_value,
)

#: A MIP start: values of (some of) the model's variables, or "current" for the values the
#: model's variables hold (those without a value are left for HiGHS to complete).
Start = Mapping[Any, float] | Literal["current"]

#: A plan kept apart from its model: variable values by component name and index (`plan_values`).
PlanValues = dict[str, dict[Any, float]]


@dataclass(frozen=True)
class SolverSettings:
    """What a solve asks of HiGHS: the named settings and further options (HiGHS names).

    A plan is proven within the gap when its relative gap is at most `rel_gap` (a share) or its
    absolute gap at most `abs_gap_yuan` (yuan; 0: no absolute gap): siting/optimize/tolerance.py
    `within_gap`, which every search and every proof of the project use alike."""

    time_limit_s: float = 60.0
    rel_gap: float = 1e-4
    threads: int = 1
    random_seed: int = 0
    options: tuple[tuple[str, OptionValue], ...] = ()
    abs_gap_yuan: float = 0.0

    def highs_options(self, unit_yuan: float | None = MONEY_UNIT_YUAN) -> dict[str, OptionValue]:
        """Every HiGHS option a solve sets, by HiGHS name: the named settings, the absolute gap
        as HiGHS's `mip_abs_gap` in objective units of `unit_yuan` yuan each (only when
        `abs_gap_yuan` is above 0 and `unit_yuan` is given: None for a model whose objective is
        not its cost), then `options`."""
        named: dict[str, OptionValue] = {NAMED_SETTINGS[k]: getattr(self, k) for k in NAMED_SETTINGS}
        if self.abs_gap_yuan > 0 and unit_yuan is not None:
            named[ABS_GAP_OPTION] = self.abs_gap_yuan / unit_yuan
        return {**named, **dict(self.options)}

    def gap_share(self, share: float) -> SolverSettings:
        """These settings asking `share` of both gaps, relative and absolute (e.g. 0.8 for the
        count relaxation, whose plan the fixed counts then make a plan of the MIP within the
        whole gap)."""
        return dataclasses.replace(self, rel_gap=self.rel_gap * share, abs_gap_yuan=self.abs_gap_yuan * share)


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
    start_dropped: bool = False
    """True when HiGHS kept a MIP start at a cost its plan does not have, so that the solve was
    repeated without the start (see `solve_model`)."""

    @property
    def status(self) -> str:
        """"optimal" means proven within the gap asked for: the relative gap, or the absolute gap
        when one is asked (`SolverSettings`)."""
        if self.proven_optimal:
            return "optimal"
        if self.has_solution:
            return "feasible (not proven optimal)"
        if self.infeasible:
            return "infeasible"
        return "no solution"


def solver_version() -> str:
    """HiGHS's version, e.g. "1.16.0"."""
    return ".".join(str(v) for v in Highs().version())


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|objective - bound| / max(|objective|, 1e-9): HiGHS's own definition of the MIP gap."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


def new_solver() -> Any:
    """A HiGHS solver object; reuse it to re-solve the same model incrementally. Pyomo's
    highspy interface itself (what `SolverFactory("highs")` gives once `pyomo.environ` has
    registered its plugins): the tool imports `pyomo.core`, not `pyomo.environ`, whose plugins
    (other solvers, writers, transformations, some 340 modules) a run never uses and whose
    import takes about 0.2 s before every solve."""
    return Highs()


#: Whether this process's objects were set aside for the rest of the process (`set_aside_for_process`).
_SET_ASIDE_FOR_PROCESS = False


def set_aside_for_process() -> None:
    """Set aside every object alive now (`gc.freeze`) for the rest of the process, so that no
    collection of the cyclic garbage collector scans them again; once per process: a later call
    does nothing (each call would set aside, for ever, whatever was alive then, garbage
    included). For a process whose objects alive now live as long as it does: the command line,
    after its imports (siting/cli.py `front_door`). `collector_frozen` then does nothing."""
    global _SET_ASIDE_FOR_PROCESS
    if not _SET_ASIDE_FOR_PROCESS:
        gc.freeze()
        _SET_ASIDE_FOR_PROCESS = True


@contextlib.contextmanager
def collector_frozen() -> Iterator[None]:
    """While the block runs, Python's cyclic garbage collector looks only at objects made in it:
    those alive when it begins (the modules, the scenario, its layers) are set aside
    (`gc.freeze`) and given back to the collector when it ends (`gc.unfreeze`).

    Building a model and handing it to HiGHS makes hundreds of thousands of objects, which start
    collections of the oldest generation; each of those scanned again every object of the
    process (about 250,000 once Pyomo, pandas and GeoPandas are loaded). Measured on the
    shipped scenario: the collections during the solve took 0.13-0.19 s of CPU instead of
    0.35-0.44 s. Garbage made in the block is still collected as usual. Nothing is done when
    objects are set aside already, by the command line after its imports (`set_aside_for_process`)
    or by a caller of its own, so that their freeze is left as it is. (Python counts the objects
    set aside by walking them, about 25 ms for the command line's 250,000, so the command line's
    own freeze is known without counting.)"""
    if _SET_ASIDE_FOR_PROCESS or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def checked_options(settings: SolverSettings, unit_yuan: float | None = MONEY_UNIT_YUAN) -> dict[str, OptionValue]:
    """Every HiGHS option of a solve as HiGHS will hold it (`SolverSettings.highs_options`, the
    absolute gap in objective units of `unit_yuan` yuan); ValueError when HiGHS refuses one (a
    scenario's options are checked when it is loaded, so this means a programming error)."""
    held = {}
    for name, value in settings.highs_options(unit_yuan).items():
        try:
            held[name] = highs_option_value(name, value)
        except OptionRejected as rejected:
            raise ValueError(f"HiGHS option {name}: {rejected}") from None
    return held


def read_back(solver: Any, wanted: Mapping[str, OptionValue]) -> tuple[tuple[str, OptionValue], ...]:
    """The options HiGHS holds after a solve, read from the solver; RuntimeError when one differs
    from what was set (the interface does not check the status of its set calls, so this does).
    None of them is one HiGHS changes in a MIP run (its primal_feasibility_tolerance, set to
    mip_feasibility_tolerance, is no option a solve asks: siting/config/highs.py
    PRIMAL_TOLERANCE_OPTION), so each holds what the run used."""
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


def progress_callback(unit_yuan: float, cutoff: float | None = None) -> Callable[[Any], None]:
    """A highspy callback that passes where the MIP search stands to `progress.solver_line`:
    the best plan and the bound in yuan (`unit_yuan` per objective unit), the gap and the
    seconds HiGHS has run. A better plan is always passed on; HiGHS's frequent interrupt checks at
    most every `progress.REDRAW_S` seconds. With a `cutoff` (objective units), a plan at or above
    it is none (HiGHS gives the cutoff as its plan's cost until it has one below) and the bound
    shown is at most the cutoff, as `solve_model` reports them."""
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
        if cutoff is not None:
            if best is not None and best >= cutoff * unit_yuan:
                best = None
            if bound is not None:
                bound = min(bound, cutoff * unit_yuan)
        gap = relative_gap(best, bound) if best is not None and bound is not None else None
        progress.solver_line(progress.SolverState(best, bound, gap, out.running_time, improved))

    return on_event


#: Per thread, what `at_next_run` waits to call at that thread's next HiGHS run.
_NEXT_RUN = threading.local()


@contextlib.contextmanager
def at_next_run(action: Callable[[], object] | None) -> Iterator[None]:
    """Within the block, call `action` once, in this thread, just before the next HiGHS run this
    thread starts through `solve_model` (the model handed over, the search about to begin); never
    if the block runs none, and not after it; None: nothing. For work that should overlap HiGHS's
    search rather than the model's build and hand-off, which hold Python's lock (the solve job
    starts its prefetch thread so: siting/runs/job.py). An exception from `action` propagates
    and no run starts."""
    previous = getattr(_NEXT_RUN, "action", None)
    _NEXT_RUN.action = action
    try:
        yield
    finally:
        _NEXT_RUN.action = previous


def _run_waiting_action(_highs: Any) -> None:
    """Call the action `at_next_run` left for this thread's next run, once."""
    action = getattr(_NEXT_RUN, "action", None)
    if action is not None:
        _NEXT_RUN.action = None
        action()


@contextlib.contextmanager
def around_run(opt: Any, before: Callable[[Any], None], after: Callable[[Any], None] | None = None
                ) -> Iterator[None]:
    """While the block solves with `opt`, call `before(highs)` just before HiGHS runs (the
    highspy object exists only once the interface has handed the model over) and `after(highs)`
    once it has run. The interface's own run is put back afterwards, as it was."""
    original = opt._solve
    own = "_solve" in vars(opt)

    def run() -> Any:
        highs = opt._solver_model
        before(highs)
        try:
            return original()
        finally:
            if after is not None:
                after(highs)

    opt._solve = run
    try:
        yield
    finally:
        if own:
            opt._solve = original
        else:
            del opt._solve


@contextlib.contextmanager
def live_progress(opt: Any, unit_yuan: float, cutoff: float | None = None) -> Iterator[None]:
    """While the block solves with `opt`, report the search through highspy's callbacks (each
    better plan, and HiGHS's regular interrupt checks) when progress is on; otherwise nothing.
    The callbacks are subscribed just before HiGHS runs and removed after it. `cutoff`: the
    search's cutoff (objective units; `progress_callback`)."""
    if progress.active() is None or not hasattr(opt, "_solve"):
        yield
        return
    callback = progress_callback(unit_yuan, cutoff)

    def subscribe(highs: Any) -> None:
        highs.cbMipImprovingSolution.subscribe(callback)
        highs.cbMipInterrupt.subscribe(callback)

    def unsubscribe(highs: Any) -> None:
        highs.cbMipImprovingSolution.unsubscribe(callback)
        highs.cbMipInterrupt.unsubscribe(callback)

    with around_run(opt, subscribe, unsubscribe):
        yield


@contextlib.contextmanager
def watch_incumbents(opt: Any) -> Iterator[list[tuple[float, float]]]:
    """While the block solves with `opt`, record each better plan HiGHS finds as (seconds HiGHS
    had run, objective in the model's objective unit), in order; the list is yielded at once and
    filled as the solve runs (a start HiGHS accepts is the first entry)."""
    found: list[tuple[float, float]] = []
    improving = int(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)

    def on_event(event: Any) -> None:
        if int(event.callback_type) == improving:
            out = event.data_out
            objective = out.mip_primal_bound if math.isfinite(out.mip_primal_bound) else out.objective_function_value
            found.append((float(out.running_time), float(objective)))

    with around_run(opt, lambda highs: highs.cbMipImprovingSolution.subscribe(on_event),
                     lambda highs: highs.cbMipImprovingSolution.unsubscribe(on_event)):
        yield found


#: The signals that stop a solve (Ctrl-C and `kill`'s default).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_on_signals(opt: Any) -> Iterator[None]:
    """While the block solves with `opt`, SIGINT and SIGTERM stop HiGHS instead of raising inside it.

    Python runs a signal's handler in the main thread at the next Python code, and during a solve
    that code is HiGHS's callbacks (the interface's own interrupt checks, the live progress): an
    exception raised there is caught by HiGHS, which then reports a solve error, and the signal
    is lost. So, for each signal whose handler is a Python function, the handler is replaced
    while HiGHS runs by one that only notes the signal; HiGHS's interrupt checks (MIP, simplex,
    interior point) then ask it to stop (its user interrupt), and once it has returned and the
    handlers are back, each noted signal is raised again, so that its own handler runs
    (KeyboardInterrupt for Ctrl-C) as it would have outside the solve; the interface's warning
    about the interrupted status is left out then. Nothing changes outside the main thread
    (handlers can only be set there) or for a signal left to the system."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(opt, "_solve"):
        yield
        return
    noted: list[int] = []

    def note(signum: int, _frame: object) -> None:
        if signum not in noted:
            noted.append(signum)

    def on_check(event: Any) -> None:
        if noted:
            event.interrupt()

    def checks(highs: Any) -> list[Any]:
        return [c for c in (getattr(highs, name, None) for name in ("cbMipInterrupt", "cbSimplexInterrupt",
                                                                     "cbIpmInterrupt")) if c is not None]

    def subscribe(highs: Any) -> None:
        for check in checks(highs):
            check.subscribe(on_check)

    def unsubscribe(highs: Any) -> None:
        for check in checks(highs):
            check.unsubscribe(on_check)

    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    previous = {signum: handler for signum, handler in previous.items() if callable(handler)}
    try:
        for signum in previous:
            signal.signal(signum, note)
        with _interrupt_unreported(opt, lambda: bool(noted)), around_run(opt, subscribe, unsubscribe):
            yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in noted:
            signal.raise_signal(signum)


@contextlib.contextmanager
def _interrupt_unreported(opt: Any, ours: Callable[[], bool]) -> Iterator[None]:
    """While the block runs, leave out the interface's warning about HiGHS's interrupted status
    when `ours()` says the interrupt was asked for here (a signal, a bound reached)."""
    def kept(record: logging.LogRecord) -> bool:
        return not (ours() and "kInterrupt" in record.getMessage())

    interface_log = logging.getLogger(type(opt).__module__)
    interface_log.addFilter(kept)
    try:
        yield
    finally:
        interface_log.removeFilter(kept)


def start_values(model: pyo.ConcreteModel, start: Start) -> dict[int, tuple[Any, float]]:
    """The values of a MIP start by variable (id -> (variable, value)): `start`'s own values
    (variables of other models are ignored), or with "current" every variable of `model` that
    holds a value. ValueError for any other string."""
    if isinstance(start, str):
        if start != "current":
            raise ValueError(f'a MIP start is a mapping of variables to values or "current" (got {start!r})')
        return {id(v): (v, float(v.value)) for v in model.component_data_objects(pyo.Var, descend_into=True)
                if v.value is not None}
    return {id(v): (v, float(value)) for v, value in start.items() if value is not None and math.isfinite(value)}


def _start_value(var: Any, value: float) -> float:
    """`value` made a candidate value of `var`: its fixed value when fixed, else clipped to its
    bounds and rounded when the variable is integer."""
    if var.fixed:
        return float(var.value)
    if var.is_integer():
        value = float(round(value))
    low, high = var.bounds
    value = max(value, low) if low is not None else value
    return min(value, high) if high is not None else value


def hand_start(highs: Any, solver: Any, values: Mapping[int, tuple[Any, float]]) -> int:
    """Give HiGHS (`highs`, the interface `solver`'s object after the hand-off) the start
    `values` (see `start_values`) with `setSolution`: a complete solution when every column has
    a value, else the columns that have one (HiGHS completes the rest). Returns the number of
    columns given (0: no start; also when the interface lacks its column map). RuntimeError when
    HiGHS refuses the start (status kError: a column or a count it does not have), rather than a
    search that runs without it unsaid."""
    columns = getattr(solver, "_pyomo_var_to_solver_var_map", None)
    if columns is None:
        return 0
    given = sorted((column, _start_value(values[var_id][0], values[var_id][1]))
                   for var_id, column in columns.items() if var_id in values)
    if not given:
        return 0
    count = highs.getNumCol()
    if len(given) == count:
        solution = highspy.HighsSolution()
        solution.col_value = [value for _column, value in given]
        solution.value_valid = True
        status = highs.setSolution(solution)
    else:
        status = highs.setSolution(len(given), np.array([c for c, _v in given], dtype=np.int32),
                                   np.array([v for _c, v in given], dtype=np.float64))
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS refuses the MIP start of {len(given)} of its {count} columns (setSolution)")
    return len(given)


@contextlib.contextmanager
def mip_start(opt: Any, model: pyo.ConcreteModel, start: Start | None) -> Iterator[None]:
    """While the block solves `model` with `opt`, hand HiGHS the MIP start `start` (see
    `start_values`, `hand_start`) just before it runs; nothing when `start` is None."""
    if start is None or not hasattr(opt, "_solve"):
        yield
        return
    values = start_values(model, start)  # read now: the hand-off does not change the values
    with around_run(opt, lambda highs: hand_start(highs, opt, values)):
        yield


def plan_values(model: pyo.ConcreteModel) -> PlanValues:
    """The values the variables of `model` hold, by component name and index (variables with
    no value left out): a plan kept apart from its model, to start another solve from
    (`start_on`)."""
    values: dict[str, dict[Any, float]] = {}
    for component in model.component_objects(pyo.Var, descend_into=True):
        held = {key: float(var.value) for key, var in component.items() if var.value is not None}
        if held:
            values[component.name] = held
    return values


def start_on(model: pyo.ConcreteModel, values: Mapping[str, Mapping[Any, float]]) -> ComponentMap:
    """A MIP start for `model` from `plan_values` of a model of related inputs (the same model,
    or one built with a rule relaxed): each variable of `model` with the same component name
    and index takes its value; the others are left for HiGHS to complete."""
    start = ComponentMap()
    for component in model.component_objects(pyo.Var, descend_into=True):
        held = values.get(component.name)
        if not held:
            continue
        for key, var in component.items():
            if key in held:
                start[var] = held[key]
    return start


def plan_cost(model: pyo.ConcreteModel, values: Mapping[str, Mapping[Any, float]], settings: SolverSettings,
              solver: Any = None) -> SolveReport | None:
    """The plan `values` (`plan_values` of a model of related inputs, e.g. another run of a
    sweep) costed as a plan of `model`: every whole-number variable of `model` is fixed to the
    plan's value of the same component name and index (rounded), or to 0 where the plan has
    none (it builds nothing there), and the rest of `model` is solved with `settings` (an LP
    once the whole numbers are fixed: a fraction of a second where the MIP takes minutes).

    Returns None, without solving, when the plan cannot be one of `model`: a whole-number value
    outside its variable's bounds, or other than the value of a variable `model` holds fixed,
    or other than 0 at an index of a component of `model` that `model` lacks (a site its
    red line leaves out); components `model` lacks altogether are not looked at. Otherwise the
    report of the solve: `has_solution` false when the continuous decisions cannot complete the
    plan (infeasible), else its cost in `objective_yuan`, and `model` holds the completed plan.
    The variables fixed here are free again afterwards. `solver`: that of an earlier call on the
    same model, to hand HiGHS only the bounds that changed."""
    chosen: list[tuple[Any, float]] = []
    for component in model.component_objects(pyo.Var, descend_into=True):
        given = values.get(component.name, {})
        whole = [var for var in component.values() if var.is_integer() or var.is_binary()]
        if not whole:
            continue
        if any(round(value) != 0 and key not in component for key, value in given.items()):
            return None
        for var in whole:
            value = float(round(given.get(var.index(), 0.0)))
            if var.fixed:
                if var.index() in given and value != round(var.value):
                    return None
                continue
            low, high = var.bounds
            if (low is not None and value < low) or (high is not None and value > high):
                return None
            chosen.append((var, value))
    return solve_fixed(model, chosen, settings, solver)


def solve_fixed(model: pyo.ConcreteModel, fixes: Iterable[tuple[Any, float]], settings: SolverSettings,
                solver: Any = None) -> SolveReport:
    """Solve `model` (`solve_model`, with `settings`) with each variable of `fixes` fixed to its
    value and the rest free: with every whole-number variable fixed, an LP, a fraction of a second
    where the MIP takes minutes. The variables fixed here are free again afterwards, also when the
    solve raises, each holding the value it was fixed to (so a variable `model` holds fixed
    already is not one to give: it would be free after). `solver`: that of an earlier solve of
    the same model, to hand HiGHS only the bounds that changed."""
    fixed: list[Any] = []
    try:
        for var, value in fixes:
            var.fix(value)
            fixed.append(var)
        return solve_model(model, settings, solver)
    finally:
        for var in fixed:
            var.unfix()


def warm_started(solver: Any) -> Any:
    """`solver` (Pyomo's HiGHS interface) made to start each of its solves from the values the
    model's variables hold when HiGHS runs (as `start="current"` does for one solve); values
    outside a variable's bounds are clipped to them. When the interface lacks what this needs,
    the solver is returned unchanged (no start)."""
    solve = getattr(solver, "_solve", None)
    if solve is None:
        return solver

    def solve_with_start() -> Any:
        variables = getattr(solver, "_vars", None)
        highs = getattr(solver, "_solver_model", None)
        if variables is not None and highs is not None:
            hand_start(highs, solver, {var_id: (entry[0], float(entry[0].value)) for var_id, entry in variables.items()
                                       if entry[0].value is not None})
        return solve()

    solver._solve = solve_with_start
    solver._siting_warm_started = True
    return solver


def _run(opt: Any, model: pyo.ConcreteModel, wanted: Mapping[str, OptionValue], start: Start | None,
         unit_yuan: float, stop: BoundStop | None = None) -> Any:
    """One HiGHS run of `model` with the options `wanted`, from `start`, with live progress; the
    interface's results, values not loaded. A SIGINT or SIGTERM stops HiGHS and is raised again
    once it has returned (`stop_on_signals`); `stop` ends the search at a proven bound. Every
    option a solve may set (`SOLVE_OPTIONS`, the absolute gap among them) is set first, to the
    value `wanted` gives it or else to HiGHS's default (`options_from_baseline`), since HiGHS keeps
    what an earlier run of the same solver object set; then `stop` sets its own (`stop_at_bound`),
    and the interface sets the named settings again, to the same values, and no other option, so
    that the stop's options hold in the run. One run at a time in a process
    (`HIGHS_OUTPUT_LOCK`: the interface captures the process's standard streams while HiGHS
    runs), so that a thread's call waits for another thread's."""
    cutoff = stop.cutoff if stop is not None else None
    # the last context entered wraps the others: its options are set before the stop's
    with (HIGHS_OUTPUT_LOCK, around_run(opt, _run_waiting_action), stop_on_signals(opt), mip_start(opt, model, start),
          live_progress(opt, unit_yuan, cutoff), stop_at_bound(opt, stop), options_from_baseline(opt, wanted)):
        return opt.solve(
            model,
            time_limit=wanted["time_limit"],
            rel_gap=wanted["mip_rel_gap"],
            abs_gap=wanted.get(ABS_GAP_OPTION, highs_default(ABS_GAP_OPTION)),
            threads=wanted["threads"],
            raise_exception_on_nonoptimal_result=False,
            load_solutions=False,
        )


def _objective_holds(model: pyo.ConcreteModel, reported: float) -> bool:
    """Whether the active objective of `model`, at the values loaded, is the objective HiGHS
    reported (to 1e-6 of its size: HiGHS evaluates the same values)."""
    objective = next(model.component_data_objects(pyo.Objective, active=True), None)
    if objective is None:
        return True
    actual = pyo.value(objective.expr, exception=False)
    return actual is None or abs(actual - reported) <= 1e-6 * max(1.0, abs(actual), abs(reported))


#: HiGHS's heuristics that a search for a bound runs without (`solve_model` with `heuristics`
#: false): RENS and RINS sub-MIPs and the root reduced-cost sub-MIP, which look for plans. With
#: HiGHS's cutoff such a search wants the bound; its branching still finds a plan below the
#: cutoff. Measured on the count relaxation of scenarios/yunnan_2024.yaml with the cutoff 1 % below
#: its scout's plan (siting/optimize/counts.py `_prove`; highspy, one thread, seeds 0-2): the same
#: 21/31/37 nodes in 6,000-6,600 simplex iterations and 1.0-1.2 s, against 13,800-19,700
#: iterations (7,200-13,700 of them in these sub-MIPs) and 2.0-2.7 s.
BOUND_SEARCH_HEURISTICS = ("mip_heuristic_run_rens", "mip_heuristic_run_rins", "mip_heuristic_run_root_reduced_cost")

#: The most free whole-number columns a model may have for HiGHS to search it without
#: BOUND_SEARCH_HEURISTICS (`solve_model`, `small_mip`): their sub-MIPs cost a model of a few dozen
#: such columns several times the search itself, which branch and bound ends in a few nodes.
#: Measured on the count relaxation and the MIP of tests/data/small (104 columns, 19 and 30 of them
#: whole numbers; highspy 1.16, one thread, best of five): 0.094 -> 0.017 s and 0.136 -> 0.019 s of
#: CPU, 1 -> 5 and 3 -> 7 nodes, the same plan. The shipped scenario's models (3,588 columns,
#: 202 and 582 whole numbers) keep them.
SMALL_MIP_INTEGERS = 64


def small_mip(model: pyo.ConcreteModel, most: int | None = None) -> bool:
    """Whether `model` has at most `most` (None: SMALL_MIP_INTEGERS) whole-number (integer or
    binary) variables that are not fixed, among its active components."""
    most = SMALL_MIP_INTEGERS if most is None else most
    count = 0
    for var in model.component_data_objects(pyo.Var, active=True, descend_into=True):
        if not var.fixed and not var.is_continuous():
            count += 1
            if count > most:
                return False
    return count <= most


#: Every HiGHS option a solve may set: the named settings, the absolute gap, those a scenario may
#: set (`solver.options`) and those of a search for a bound (`BoundStop.run_options`), and the
#: primal feasibility tolerance a MIP run sets itself (PRIMAL_TOLERANCE_OPTION). Each run starts
#: with each of them at the solve's baseline (`baseline_options`), so that nothing an earlier solve
#: of the same solver object, or HiGHS in its run, set stays for a later one that does not ask it.
SOLVE_OPTIONS = frozenset(
    set(NAMED_SETTINGS.values()) | {ABS_GAP_OPTION} | ALLOWED_HIGHS_OPTIONS | {"objective_bound"}
    | set(BOUND_SEARCH_HEURISTICS) | {PRIMAL_TOLERANCE_OPTION})


def baseline_options(wanted: Mapping[str, OptionValue]) -> dict[str, OptionValue]:
    """Each option of SOLVE_OPTIONS (and of `wanted`) by name, in name order: the value `wanted`
    gives it, else HiGHS's own default (`highs_default`)."""
    names = sorted(SOLVE_OPTIONS | set(wanted))
    return {name: wanted[name] if name in wanted else highs_default(name) for name in names}


@contextlib.contextmanager
def options_from_baseline(opt: Any, wanted: Mapping[str, OptionValue]) -> Iterator[None]:
    """While the block solves with `opt`, set each option of `baseline_options(wanted)` just before
    HiGHS runs (nothing when the interface lacks what this needs); RuntimeError naming those
    HiGHS refuses or does not hold as set. (`read_back` checks after the run only the options
    `wanted` names: HiGHS changes others itself, e.g. a MIP run sets primal_feasibility_tolerance
    to mip_feasibility_tolerance, which no solve asks.)"""
    if not hasattr(opt, "_solve"):
        yield
        return
    baseline = baseline_options(wanted)

    def before(highs: Any) -> None:
        refused = [name for name, value in baseline.items() if not _unwrap_status(highs.setOptionValue(name, value))[0]
                   or _unwrap_status(highs.getOptionValue(name)) != (True, value)]
        if refused:
            raise RuntimeError(f"HiGHS refuses or does not hold its option {', '.join(refused)} as the solve asks")

    with around_run(opt, before):
        yield


@dataclass
class BoundStop:
    """A proven bound (objective units) at which `stop_at_bound` ends the MIP search (None: no
    such stop); `reached` says whether it did. `cutoff`: a cost (objective units) no plan of
    interest reaches, HiGHS's `objective_bound`: nodes whose bound is at least it are pruned.
    `heuristics` false: BOUND_SEARCH_HEURISTICS off for the run (put back after it)."""

    target: float | None
    reached: bool = False
    cutoff: float | None = None
    heuristics: bool = True

    def run_options(self) -> dict[str, OptionValue]:
        """The HiGHS options this stop sets for its run (`stop_at_bound`), by name."""
        held: dict[str, OptionValue] = {}
        if self.cutoff is not None:
            held["objective_bound"] = float(self.cutoff)
        if not self.heuristics:
            held.update(dict.fromkeys(BOUND_SEARCH_HEURISTICS, False))
        return held


@contextlib.contextmanager
def stop_at_bound(opt: Any, stop: BoundStop | None) -> Iterator[None]:
    """While the block solves with `opt` (minimising), end the MIP search at HiGHS's next
    interrupt check once its proven bound is at least `stop.target`, and note it in `stop`
    (nothing without a stop, or when the interface lacks what this needs). The options of
    `stop.run_options()` are set for the run and put back after it to what HiGHS held before (in
    `solve_model`, the solve's baseline: `options_from_baseline`). RuntimeError naming the
    option when HiGHS refuses to read or set one (a HiGHS that renamed it, say): never a run
    without the cutoff or with the heuristics it was to run without, nor a solver object left
    with them for its next solve."""
    if stop is None or not hasattr(opt, "_solve"):
        yield
        return

    def on_check(event: Any) -> None:
        bound = event.data_out.mip_dual_bound
        if stop.target is not None and math.isfinite(bound) and bound >= stop.target:
            stop.reached = True
            event.interrupt()

    held: dict[str, Any] = {}

    def before(highs: Any) -> None:
        held.clear()
        for name, value in stop.run_options().items():
            ok, before_value = _unwrap_status(highs.getOptionValue(name))
            ok = ok and _unwrap_status(highs.setOptionValue(name, value))[0]
            if not ok:
                _put_back(highs, held)  # those set already
                raise RuntimeError(f"HiGHS refuses its option {name} (to be {value!r} for a search to a bound)")
            held[name] = before_value
        highs.cbMipInterrupt.subscribe(on_check)

    def after(highs: Any) -> None:
        highs.cbMipInterrupt.unsubscribe(on_check)
        _put_back(highs, held)  # the solver object may solve again

    with _interrupt_unreported(opt, lambda: stop.reached), around_run(opt, before, after):
        yield


def _put_back(highs: Any, held: Mapping[str, Any]) -> None:
    """Each option of `held` (name -> the value HiGHS held before a run) set again; RuntimeError
    naming those HiGHS refuses."""
    refused = [name for name, value in held.items() if not _unwrap_status(highs.setOptionValue(name, value))[0]]
    if refused:
        raise RuntimeError(f"HiGHS refuses to take back its option {', '.join(refused)} after a search to a bound")


def scheduler_refused(opt: Any) -> bool:
    """Whether HiGHS, in the last run of `opt`, did not run at all (model status 'Not Set' with
    no valid information), as when its process-wide thread scheduler was made for another number
    of threads than the run asks for."""
    highs = getattr(opt, "_solver_model", None)
    try:
        return (highs is not None and highs.getModelStatus() == highspy.HighsModelStatus.kNotset
                and not highs.getInfo().valid)
    except (AttributeError, RuntimeError):
        return False


def model_empty(opt: Any) -> bool:
    """Whether HiGHS, after a run of `opt`, found the model it was given empty (no variable left to
    decide: every site excluded and nothing to buy or sell), which it reports as a status of its
    own ('Empty') and no solution, though the one plan (to decide nothing) is optimal."""
    highs = getattr(opt, "_solver_model", None)
    try:
        return highs is not None and highs.getModelStatus() == highspy.HighsModelStatus.kModelEmpty
    except (AttributeError, RuntimeError):
        return False


def _empty_model_report(model: pyo.ConcreteModel, unit: float, elapsed: float,
                        held: dict[str, OptionValue]) -> SolveReport:
    """The report of a model HiGHS found empty (`model_empty`): the plan that decides nothing,
    optimal, its cost the objective's constant (yuan; 0 without one), proven (gap 0)."""
    objective = next(model.component_data_objects(pyo.Objective, active=True), None)
    constant = float(pyo.value(objective.expr, exception=False) or 0.0) if objective is not None else 0.0
    cost = constant * unit
    progress.search_ended(progress.SolverState(cost, cost, 0.0, elapsed))
    return SolveReport(termination=TerminationCondition.convergenceCriteriaSatisfied.name, has_solution=True,
                       proven_optimal=True, infeasible=False, objective_yuan=cost, best_bound_yuan=cost, gap=0.0,
                       solve_time_s=elapsed, solver_version=solver_version(), highs_options=held,
                       start_dropped=False)


def cost_unit_yuan(model: pyo.ConcreteModel) -> float | None:
    """Yuan per unit of `model`'s objective when the objective minimised is the model's cost
    (`total_cost` of models/objective.py, active; `objective_unit_yuan` yuan per unit, 1 when the
    model does not say); None when another objective takes its place (the diagnosis's weighted
    slack, the alternatives' difference count), whose units are not money."""
    objective = getattr(model, "total_cost", None)
    if not isinstance(objective, pyo.Objective) or not objective.active:
        return None
    return float(getattr(model, "objective_unit_yuan", 1.0))


def solve_options(model: pyo.ConcreteModel, settings: SolverSettings, heuristics: bool = True
                  ) -> dict[str, OptionValue]:
    """The options a search of `model` asks HiGHS for, by HiGHS name: `checked_options`, and for a
    model `small_mip` calls small, BOUND_SEARCH_HEURISTICS off (with `heuristics` true: a search
    without them sets them itself, `BoundStop`), each unless `settings` give it its own value."""
    wanted = checked_options(settings, cost_unit_yuan(model))
    if heuristics and small_mip(model):
        return {**dict.fromkeys(BOUND_SEARCH_HEURISTICS, False), **wanted}
    return wanted


def solve_model(model: pyo.ConcreteModel, settings: SolverSettings, solver: Any = None,
                start: Start | None = None, stop_at_bound_yuan: float | None = None,
                cutoff_yuan: float | None = None, heuristics: bool = True) -> SolveReport:
    """Solve `model` in place; load variable values only when an incumbent exists.

    Every option is checked by HiGHS before the solve and read back after it (SolveReport's
    `highs_options`). Passing the `solver` of an earlier solve of the same model makes the
    hand-off incremental: only what changed (deactivated constraints, bounds) is sent to HiGHS again.
    `start` is a MIP start (see the module docstring): a mapping of the model's variables to
    values, or "current" for the values the variables hold now (after a solve, its plan). When
    HiGHS keeps a start at a cost its plan does not have (see the comment below), the solve is
    repeated without it and the report says so (`start_dropped`). With `stop_at_bound_yuan`, the
    search ends as soon as its proven bound reaches that cost (a caller holding a plan of that
    cost plus its gap needs no more), with termination "objectiveLimit". With `cutoff_yuan` (a
    cost only plans below which are wanted, e.g. that of a plan known elsewhere less the gap
    asked), HiGHS prunes every node whose bound reaches it: the bound reported is then
    min(HiGHS's bound, cutoff), a plan HiGHS holds at or above the cutoff is not reported, and a
    search that finds no plan below the cutoff ends with termination "objectiveLimit" and bound =
    cutoff (not "infeasible"). The absolute gap of `settings` reaches HiGHS (as `mip_abs_gap`,
    in objective units) only when the model minimises its cost (`cost_unit_yuan`). With
    `heuristics` false, HiGHS runs without BOUND_SEARCH_HEURISTICS (a search that wants a bound;
    the options are put back after the run). A model of at most SMALL_MIP_INTEGERS free
    whole-number variables (`small_mip`) runs without BOUND_SEARCH_HEURISTICS (unless `settings`
    give one its own value), which its report's `highs_options` then list."""
    opt = solver if solver is not None else new_solver()
    unit = getattr(model, "objective_unit_yuan", 1.0)
    wanted = solve_options(model, settings, heuristics)
    stop = None
    if stop_at_bound_yuan is not None or cutoff_yuan is not None or not heuristics:
        stop = BoundStop(stop_at_bound_yuan / unit if stop_at_bound_yuan is not None else None,
                         cutoff=cutoff_yuan / unit if cutoff_yuan is not None else None, heuristics=heuristics)
    started = time.perf_counter()
    with HIGHS_OUTPUT_LOCK:  # no other thread's run between a refused run, the reset and the run again
        results = _run(opt, model, wanted, start, unit, stop)
        if scheduler_refused(opt):
            # HiGHS keeps one thread scheduler per process, made by its first run: another caller's
            # run with other threads (Pyomo's appsi_highs, say, before siting in one notebook) makes it
            # refuse ours ("the scheduler has already been initialized"): made anew, the run goes on.
            # Reset while another thread's HiGHS runs on it, it would be torn down under that run.
            highspy.Highs.resetGlobalScheduler(True)
            results = _run(opt, model, wanted, start, unit, stop)
    held = read_back(opt, wanted)
    has_solution = results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
    if not has_solution and model_empty(opt):
        return _empty_model_report(model, unit, time.perf_counter() - started, held)
    if has_solution and stop is not None and stop.cutoff is not None and results.incumbent_objective is not None \
            and results.incumbent_objective >= stop.cutoff:
        # HiGHS may hold a plan its heuristics found above the cutoff, which no node search kept
        has_solution = False
    if has_solution:
        results.solution_loader.load_vars()
        canonical_flows(model)  # the flows of tied routes on one route (models/network.py)
    incumbent = results.incumbent_objective if has_solution else None
    bound = results.objective_bound
    termination = results.termination_condition
    warm = start is not None or getattr(opt, "_siting_warm_started", False)
    dropped = warm and incumbent is not None and not _objective_holds(model, incumbent)
    if dropped:
        # HiGHS (1.16) maps a start into its presolved model, where reductions that hold for its
        # optimal plans (a dominated column fixed at a bound) can drop part of the start's cost;
        # it may then keep the start as its best plan at that lower cost and prune the search
        # with it. The plan loaded is then the start, not a plan of the cost HiGHS reports: the
        # solve is repeated without the start (nor `warm_started`'s), from a cleared solver, in
        # the time left; with less than a second left, the start's plan stands at its own cost,
        # unproven.
        left = wanted["time_limit"] - (time.perf_counter() - started)
        if left >= 1.0:
            opt._solver_model.clearSolver()
            own = vars(opt).pop("_solve", None) if getattr(opt, "_siting_warm_started", False) else None
            try:
                if stop is not None:
                    stop.reached = False
                results = _run(opt, model, {**wanted, "time_limit": left}, None, unit, stop)
            finally:
                if own is not None:
                    opt._solve = own
            has_solution = results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
            if has_solution:
                results.solution_loader.load_vars()
                canonical_flows(model)  # the flows of tied routes on one route (models/network.py)
            incumbent = results.incumbent_objective if has_solution else None
            bound = results.objective_bound
            termination = results.termination_condition
        else:
            incumbent = pyo.value(next(model.component_data_objects(pyo.Objective, active=True)).expr)
            bound, termination = None, TerminationCondition.maxTimeLimit
    elapsed = time.perf_counter() - started
    if stop is not None and stop.reached and termination in (TerminationCondition.interrupted,
                                                             TerminationCondition.unknown):
        termination = TerminationCondition.objectiveLimit  # the bound asked for, not a user's interrupt
    if stop is not None and stop.cutoff is not None:
        # no plan below the cutoff: HiGHS proved none exists, or ended "optimal" on a plan above it
        # (dropped above) with its bound past the cutoff
        ended_above = (termination == TerminationCondition.convergenceCriteriaSatisfied and bound is not None
                       and math.isfinite(bound) and bound >= stop.cutoff)
        if not has_solution and not stop.reached and (ended_above or termination in (
                TerminationCondition.provenInfeasible, TerminationCondition.infeasibleOrUnbounded,
                TerminationCondition.objectiveLimit)):
            termination, bound = TerminationCondition.objectiveLimit, stop.cutoff
        elif bound is not None and math.isfinite(bound):
            bound = min(bound, stop.cutoff)
    objective = incumbent * unit if incumbent is not None else None
    bound = bound * unit if bound is not None and math.isfinite(bound) else None
    proven = has_solution and termination == TerminationCondition.convergenceCriteriaSatisfied
    infeasible = termination in (
        TerminationCondition.provenInfeasible,
        TerminationCondition.locallyInfeasible,
        TerminationCondition.infeasibleOrUnbounded,
    )
    progress.search_ended(progress.SolverState(objective, bound, relative_gap(objective, bound), elapsed))
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
        start_dropped=dropped,
    )
