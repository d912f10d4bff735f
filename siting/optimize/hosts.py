"""Search the cluster-hosts-product decisions explicitly, with a proven bound.

The binaries h[c,p] (`hosts`, models/variables.py) are the hard core of the siting MIP: with only
them integer its relaxation is close to the optimum, and with them fixed the rest solves fast.
`search_hosts` decomposes the MIP along them:

- master: a copy of the model with every integer variable but `hosts` relaxed (within its
  bounds). Its proven bound is a lower bound of every plan whose hosts pattern it still allows;
  its plan proposes the next pattern h*.
- sub-problem: the model itself with the free `hosts` fixed to h*, solved as a MIP (a restriction:
  its plan is a plan of the full model, its cost an upper bound UB_k, its proven bound B_k a lower
  bound of every plan with that pattern). It is cut off at the best plan so far (HiGHS's
  `objective_bound`): a pattern that cannot beat it proves so without a plan, B_k = that cost.
- a no-good cut excludes h* from the master: sum_{h*=1} (1 - h) + sum_{h*=0} h >= 1.

At any moment the proven bound of the full model is
    LB = min(master bound with the cuts, min_k B_k over the patterns explored)
(every pattern is either still allowed by the master or explored); the search stops when the
best plan is within the asked relative gap of LB, when the master has no pattern left, at the
time limit or at the pattern limit. Deterministic for the same model and settings (threads and
seed as set; a wall-clock time limit is not reproducible).

The search is as strong as the master's bound. On the shipped scenario that bound (the model with
only `hosts` integer) stays about 6.6 % below the best plan, and the bound with every binary
integer but the modules `build` about 4.7 %: the integrality of the modules, not the hosts,
makes most of the gap. HiGHS on the whole model proves a smaller gap in the same time, so
`siting solve` does not use this search.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Any

import pyomo.environ as pyo

from siting.optimize.solve import (
    PlanValues,
    SolveReport,
    SolverSettings,
    checked_options,
    new_solver,
    plan_values,
    relative_gap,
    solve_model,
    solver_version,
    start_on,
)

#: A gap within the asked one by at most this much counts as within it (rounding of objectives
#: that come from different solves).
GAP_TOLERANCE = 1e-9
#: Share of the asked relative gap the master is solved to (its bound, not its plan, matters).
MASTER_GAP_SHARE = 0.25
#: Share of the asked relative gap each sub-problem is solved to.
SUB_GAP_SHARE = 0.5
#: Share of the time limit one sub-problem may take at most.
SUB_TIME_SHARE = 0.1
#: Least seconds given to one solve of the search.
MIN_SOLVE_S = 1.0

Pattern = tuple[int, ...]


@dataclass
class HostSearch:
    """The outcome of `search_hosts`.

    report: the best plan's cost and the proven bound of the full model (as `solve_model`'s);
    patterns: the hosts patterns explored, in order (values of `free_hosts`), with each one's
    plan cost (None: no plan better than the cut-off, or none found) and proven bound in yuan;
    trace: (seconds, best plan, proven bound) in yuan after each step;
    master_exhausted: True when the master has no pattern left (every pattern explored or cut).
    """

    report: SolveReport
    free_hosts: tuple[tuple[str, str], ...]
    patterns: list[tuple[Pattern, float | None, float | None]] = field(default_factory=list)
    trace: list[tuple[float, float | None, float | None]] = field(default_factory=list)
    master_exhausted: bool = False


def relaxed_master(model: pyo.ConcreteModel) -> pyo.ConcreteModel:
    """A copy of `model` with every integer variable but `hosts` made continuous within its
    bounds (fixed variables stay fixed), and an empty list `hosts_cuts` for the no-good cuts."""
    master = model.clone()
    keep = {id(v) for v in master.hosts.values()}
    for var in master.component_data_objects(pyo.Var, descend_into=True):
        if id(var) in keep or var.fixed or not var.is_integer():
            continue
        low, high = var.bounds
        var.domain = pyo.Reals
        var.setlb(low)
        var.setub(high)
    master.hosts_cuts = pyo.ConstraintList()
    return master


def no_good_cut(hosts: list[Any], pattern: Pattern) -> Any:
    """The row that excludes `pattern` (0/1 values of the binaries `hosts`, in order) and no
    other 0/1 point: sum_{pattern=1} (1 - h) + sum_{pattern=0} h >= 1."""
    return sum((1 - h) if on else h for h, on in zip(hosts, pattern, strict=True)) >= 1


def _pattern(hosts: list[Any]) -> Pattern:
    return tuple(round(pyo.value(h) or 0.0) for h in hosts)


def _with(settings: SolverSettings, seconds: float, gap: float) -> SolverSettings:
    return dataclasses.replace(settings, time_limit_s=max(seconds, MIN_SOLVE_S), rel_gap=gap)


@dataclass
class _State:
    """Where a search stands: the best plan, the bounds and the time."""

    settings: SolverSettings
    started: float
    best: tuple[float, PlanValues, SolveReport] | None = None
    explored_bound: float = math.inf  # min_k B_k (yuan)
    master_bound: float | None = None
    master_exhausted: bool = False

    def left(self) -> float:
        return self.settings.time_limit_s - (time.perf_counter() - self.started)

    def bound(self) -> float | None:
        """The proven bound of the full model now (yuan); None before the master's first bound."""
        if self.master_bound is None:
            return None
        value = min(self.master_bound, self.explored_bound)
        return value if math.isfinite(value) else None

    def done(self) -> bool:
        if self.best is None:
            return False
        bound = self.bound()
        if bound is None and self.master_exhausted:
            return True
        gap = relative_gap(self.best[0], bound)
        return gap is not None and gap <= self.settings.rel_gap + GAP_TOLERANCE

    def step(self) -> tuple[float, float | None, float | None]:
        return (time.perf_counter() - self.started, self.best[0] if self.best else None, self.bound())

    def take_master(self, report: SolveReport) -> None:
        """Update the master's bound from its latest solve."""
        if report.infeasible:
            self.master_exhausted = True
            self.master_bound = math.inf
        elif report.best_bound_yuan is not None:
            # The cuts only shrink the master: each of its bounds holds for every later one.
            earlier = self.master_bound if self.master_bound is not None else -math.inf
            self.master_bound = max(report.best_bound_yuan, earlier)
        elif self.master_bound is None:
            self.master_bound = -math.inf

    def take_sub(self, model: pyo.ConcreteModel, report: SolveReport) -> float:
        """Update the best plan and the explored bound from a sub-problem; its bound B_k."""
        if report.infeasible:  # the pattern has no plan
            plan_bound = math.inf
        else:
            plan_bound = report.best_bound_yuan if report.best_bound_yuan is not None else -math.inf
        if report.has_solution and report.objective_yuan is not None and (
                self.best is None or report.objective_yuan < self.best[0]):
            self.best = (report.objective_yuan, plan_values(model), report)
        self.explored_bound = min(self.explored_bound, plan_bound)
        return plan_bound


def search_hosts(model: pyo.ConcreteModel, settings: SolverSettings, max_patterns: int | None = None) -> HostSearch:
    """Search the hosts patterns of `model` (built by models.build_model) within
    `settings.time_limit_s` (see the module docstring); at most `max_patterns` sub-problems
    (None: no limit). The best plan found is loaded into `model` (which keeps its free `hosts`
    unfixed); the report's bound is the proven bound of the full model, its status "optimal"
    when the best plan is within `settings.rel_gap` of it."""
    state = _State(settings, time.perf_counter())
    free = [key for key in model.HOST if not model.hosts[key].fixed]
    search = HostSearch(report=_empty_report(0.0), free_hosts=tuple(free))
    master = relaxed_master(model)
    master_hosts = [master.hosts[key] for key in free]
    model_hosts = [model.hosts[key] for key in free]
    master_solver, sub_solver = new_solver(), new_solver()
    while True:
        last = solve_model(master, _with(settings, state.left(), settings.rel_gap * MASTER_GAP_SHARE), master_solver)
        state.take_master(last)
        search.trace.append(state.step())
        if (state.master_exhausted or state.done() or not last.has_solution or state.left() < MIN_SOLVE_S
                or (max_patterns is not None and len(search.patterns) >= max_patterns)):
            break
        pattern = _pattern(master_hosts)
        for var, on in zip(model_hosts, pattern, strict=True):
            var.fix(on)
        seconds = min(state.left(), max(MIN_SOLVE_S, settings.time_limit_s * SUB_TIME_SHARE))
        sub = solve_model(model, _with(settings, seconds, settings.rel_gap * SUB_GAP_SHARE), sub_solver)
        plan_bound = state.take_sub(model, sub)
        search.patterns.append((pattern, sub.objective_yuan if sub.has_solution else None,
                                plan_bound if math.isfinite(plan_bound) else None))
        master.hosts_cuts.add(no_good_cut(master_hosts, pattern))
        search.trace.append(state.step())
        if state.done() or state.left() < MIN_SOLVE_S:
            break
    for var in model_hosts:
        var.unfix()
    search.master_exhausted = state.master_exhausted
    search.report = _final_report(model, state)
    return search


def _final_report(model: pyo.ConcreteModel, state: _State) -> SolveReport:
    """The report of a finished search, with its best plan loaded into `model`."""
    elapsed = time.perf_counter() - state.started
    if state.best is None:
        report = dataclasses.replace(_empty_report(elapsed), best_bound_yuan=state.bound())
        if state.master_exhausted:
            report = dataclasses.replace(report, termination="provenInfeasible", infeasible=True)
        return report
    objective, values, sub = state.best
    _load(model, values)
    bound = state.bound()
    if state.master_exhausted and bound is None:
        bound = objective  # every pattern explored and none beats the best plan
    bound = min(bound, objective) if bound is not None else None
    gap = relative_gap(objective, bound)
    proven = gap is not None and gap <= state.settings.rel_gap + GAP_TOLERANCE
    termination = "convergenceCriteriaSatisfied" if proven else (
        "maxTimeLimit" if state.left() < MIN_SOLVE_S else "iterationLimit")
    return dataclasses.replace(sub, termination=termination, has_solution=True, proven_optimal=proven,
                               infeasible=False, objective_yuan=objective, best_bound_yuan=bound,
                               gap=gap, solve_time_s=elapsed, start_dropped=False,
                               highs_options=tuple(sorted(checked_options(state.settings).items())))


def solve_hosts(model: pyo.ConcreteModel, settings: SolverSettings) -> SolveReport:
    """`search_hosts`'s report: the best plan loaded into `model`, with the proven bound."""
    return search_hosts(model, settings).report


def _load(model: pyo.ConcreteModel, values: PlanValues) -> None:
    for var, value in start_on(model, values).items():
        var.set_value(value, skip_validation=True)


def _empty_report(elapsed: float) -> SolveReport:
    return SolveReport(termination="maxTimeLimit", has_solution=False, proven_optimal=False, infeasible=False,
                       objective_yuan=None, best_bound_yuan=None, gap=None, solve_time_s=elapsed,
                       solver_version=solver_version())
