"""Build and solve the model of a prepared problem: the solver settings of a scenario, the model
size, and the solved plan with the model and solver kept for re-solves."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from models import ModelInputs, build_model
from siting.config import progress
from siting.config.errors import NoSolution
from siting.config.load import LoadedScenario
from siting.config.schema import Scenario
from siting.config.units import BN, Names, gap_text
from siting.optimize.counts import solve_by_counts
from siting.optimize.explain import InfeasiblePlan, explain_findings, explain_infeasibility, presolve_checks
from siting.optimize.results import (
    INTEGRALITY_TOLERANCE,
    Plan,
    extract_plan,
    highs_model_status,
    no_plan_message,
    raise_time_limit,
)
from siting.optimize.screening import Aggregation, ScreenedSolve, ScreeningSummary, solve_screened
from siting.optimize.solve import (
    PlanValues,
    SolveReport,
    SolverSettings,
    collector_frozen,
    new_solver,
    plan_cost,
    plan_values,
    relative_gap,
    solve_fixed,
    start_on,
)
from siting.optimize.tolerance import within_gap
from siting.prepare.checks import nothing_buildable
from siting.prepare.problem import Prepared


def solver_settings(loaded: LoadedScenario) -> SolverSettings:
    """The solver settings of a loaded scenario. A named setting given as a HiGHS option
    (`solver.options.mip_rel_gap`, `random_seed`) takes the named setting's place, so that each
    HiGHS option is set once. `solver.abs_gap_bn_yuan` (bn yuan; None: none) becomes
    `abs_gap_yuan` (yuan; 0: none)."""
    s = loaded.scenario.solver
    options = dict(s.options)
    return SolverSettings(time_limit_s=s.time_limit_s, rel_gap=options.pop("mip_rel_gap", s.rel_gap),
                          threads=s.threads, random_seed=options.pop("random_seed", s.random_seed),
                          options=tuple(sorted(options.items())), abs_gap_yuan=(s.abs_gap_bn_yuan or 0.0) * BN)


#: Counts of the solved model (variables, integer variables, constraints; with candidate cells
#: also candidate_cells, screening_groups, aggregate_sites, screened_sites), and for a screened
#: run the screening's figures under "screening" (`ScreeningSummary.record`).
ModelSize = dict[str, Any]


def model_size(model: pyo.ConcreteModel) -> ModelSize:
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
    built from (the prepared inputs otherwise) and `screening` says how it was screened. A copy
    kept apart from its model (`apart`, for pickling) has no model nor solver, and `values`
    instead: the values the model's variables held (`plan_values`)."""

    report: SolveReport
    plan: Plan
    size: ModelSize
    model: pyo.ConcreteModel | None
    solver: Any
    inputs: ModelInputs | None = None
    screening: ScreeningSummary | None = None
    values: PlanValues | None = None

    def apart(self) -> Solved:
        """This solve without its model and solver (neither pickles: HiGHS's object, Pyomo's
        rules), with the model's values kept in `values`."""
        if self.model is None:
            return dataclasses.replace(self, solver=None)
        return dataclasses.replace(self, model=None, solver=None, values=plan_values(self.model))

    def base_values(self) -> PlanValues | None:
        """The solved plan's values by variable name and index: the model's, or those kept."""
        return plan_values(self.model) if self.model is not None else self.values

    def solved_model(self, inputs: ModelInputs) -> pyo.ConcreteModel | None:
        """The solved model; for a copy kept apart (`apart`), the model of `inputs` (the inputs it
        was built from) built again, each variable holding the value kept (`start_on`); None when
        neither is held."""
        if self.model is not None or self.values is None:
            return self.model
        model = build_model(inputs)
        for var, value in start_on(model, self.values).items():
            var.set_value(value, skip_validation=True)
        return model


def solve_prepared(prepared: Prepared, settings: SolverSettings, timings: dict[str, float],
                   start: PlanValues | FixedStart | None = None) -> Solved:
    """Build and solve the model of a prepared scenario; raise NoSolution, or InfeasiblePlan
    (a PlanInfeasible carrying the explanation of siting/optimize/explain.py) when there is no
    plan to write. The checks before the MIP are `presolve_findings`; a target they find out of
    reach is explained from it (`explain_findings`), without the search among every rule.

    When no site can build anything, that is said first in any infeasibility message and kept
    as a notice of the run otherwise. `start`: a plan to start HiGHS from (`plan_values` of a
    related run: siting/optimize/solve.py `start_on`), or a `FixedStart`, a plan taken as it is
    and certified by a bound already proven, without a search (`solve_fixed_start`; ValueError
    with candidate cells, whose full model is never built). When time ended the searches without
    a plan, the NoSolution message says which search found none and in how much time
    (siting/optimize/counts.py `CountSolve.no_plan_reason`). The collector looks only at the
    objects the solve makes (siting/optimize/solve.py `collector_frozen`)."""
    with collector_frozen():
        return _solve_prepared(prepared, settings, timings, start)


def _solve_prepared(prepared: Prepared, settings: SolverSettings, timings: dict[str, float],
                    start: PlanValues | FixedStart | None) -> Solved:
    inputs = prepared.inputs
    names = getattr(prepared, "names", None)  # how messages name sites, clusters and products
    scenario = getattr(prepared.loaded, "scenario", None)  # the settings a diagnosis cites, with their values
    nothing = nothing_buildable(inputs, names)
    lead = [nothing] if nothing else []
    if nothing and nothing not in prepared.notices:
        prepared.notices.append(nothing)
    units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
    checked = presolve_checks(inputs, units, names)
    unreachable = list(dict.fromkeys(finding for _target, finding in checked))  # a joint finding names several
    if checked:
        with progress.phase_alone("diagnose"):
            # A target the checks find out of reach is the cause: the diagnosis seeks the conflict
            # among it and the rules the checks bound it with, in a few solves, rather than among
            # every rule of the model (one solve each); only when those alone are not proven
            # infeasible does it seek among every rule.
            explained = explain_findings(inputs, settings, [target for target, _finding in checked], units,
                                         names=names, scenario=scenario)
            if explained is None:
                explained = explain_infeasibility(inputs, settings, units, names=names, scenario=scenario)
        # The checks are a shortcut and the MIP the truth: when the elastic model needs no slack,
        # a plan exists, and the solve below finds it.
        if not explained.feasible:
            raise InfeasiblePlan("the plan is infeasible before solving:\n"
                                 + "\n".join(f"  - {m}" for m in lead + unreachable), explained, unreachable)
    cells = tuple(getattr(prepared, "candidate_cells", ()))
    if cells and isinstance(start, FixedStart):
        raise ValueError("a fixed start needs the full model, which a scenario with candidate cells never builds")
    if cells:
        return screened_solve(inputs, cells, settings, timings, units, lead, prepared.notices, names, scenario)
    if isinstance(start, FixedStart):
        return solve_fixed_start(inputs, settings, timings, start, prepared.notices, names)
    started = time.perf_counter()
    with progress.phase("build"):
        model = build_model(inputs)
    timings["build"] = time.perf_counter() - started
    size = model_size(model)
    counted = solve_by_counts(inputs, settings, start, model=model)
    report, solver = counted.report, counted.solver
    timings["bound"] = counted.bound_time_s
    timings["solve"] = counted.plan_time_s
    size["searches"] = counted.record()
    if not report.has_solution:
        if report.infeasible:
            with progress.phase_alone("diagnose"):
                diagnosis = explain_infeasibility(inputs, settings, units, names=names, scenario=scenario)
            raise InfeasiblePlan("the plan is infeasible: the rules cannot be met together.\n"
                                 + "".join(f"  - {f}\n" for f in lead)
                                 + "\n".join(f"  {line}" for line in diagnosis.lines()), diagnosis)
        message = no_plan_message(report, settings, highs_model_status(solver))
        error = NoSolution(f"{message}. {counted.no_plan_reason}" if counted.no_plan_reason else message)
        if report.termination == "maxTimeLimit":
            error.time_limit_s = settings.time_limit_s
        raise error
    model = counted.model
    report = whole_decisions(model, report, settings, prepared.notices)
    try:
        plan = extract_plan(model, inputs, names)
    except NoSolution as exc:  # decisions off whole that rounding could not mend
        ended = (f" The search had stopped at its time limit ({settings.time_limit_s:g} s) with a gap of "
                 f"{gap_text(report.gap)}." if report.termination == "maxTimeLimit" and report.gap is not None else "")
        error = NoSolution(f"{exc}\nRounding them to whole numbers and solving the rest again gave no plan.{ended}")
        if report.termination == "maxTimeLimit":
            error.time_limit_s = settings.time_limit_s
        raise error from None
    return Solved(report, plan, size, model, solver)


@dataclass(frozen=True)
class OwnSearch:
    """What a run's own search measured and ran with, kept so that a run that later takes
    another run's plan as it is (`FixedStart`, `solve_fixed_start`) records the search that
    proved its bound, not only the step that costed the plan.

    bound_s: the seconds of its bound phase (the manifest's `run.timings_s.bound`);
    solve_s: the seconds of its solve phase (`run.timings_s.solve`);
    wall_s: its solver wall-clock seconds (the report's `solve_time_s`, the manifest's
        `run.solver_wall_time_s`);
    highs_options: the HiGHS options it held, by name (the report's `highs_options`, the
        manifest's `solver.settings`).
    """

    bound_s: float
    solve_s: float
    wall_s: float
    highs_options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, report: SolveReport, timings: dict[str, float]) -> OwnSearch:
        """The search that gave `report`, its phases timed in `timings` (seconds by phase)."""
        return cls(timings.get("bound", 0.0), timings.get("solve", 0.0), report.solve_time_s,
                   tuple(report.highs_options))


#: The phase under which `solve_fixed_start` times its costing of the plan it takes (an LP), in
#: the run's timings and the manifest's `run.timings_s`, beside the bound and solve phases of the
#: run's own search.
PLAN_COSTING = "plan_costing"


@dataclass(frozen=True)
class FixedStart:
    """A complete plan to take as a run's own, with a proven lower bound of the run's optimum
    that certifies it, so that no search is needed (`solve_fixed_start`).

    plan: a plan of the run's model (`plan_values`, e.g. another run's plan as
        siting/optimize/solve.py `plan_cost` completed it under this run's rules);
    bound_yuan: a proven lower bound of the optimum of this run's model (yuan), e.g. the best
        bound of the run's own earlier solve (the same model);
    plan_from: whence the plan comes, as the notice names it (a run's label);
    own_yuan: the cost of the plan the earlier solve found (yuan; None: it found none);
    searches: the searches of the solve that proved the bound (`CountSolve.record`), kept in
        the model size as a solve's own are;
    own_search: the timings and HiGHS options of that solve (`OwnSearch`), which the run's
        report and manifest give as its own; None: not known (the run's record then holds the
        costing step alone, a bound phase of 0 s).
    """

    plan: PlanValues
    bound_yuan: float
    plan_from: str
    own_yuan: float | None = None
    searches: dict[str, Any] = dataclasses.field(default_factory=dict)
    own_search: OwnSearch | None = None


#: The termination of a `FixedStart` whose plan lies above the asked gap from its bound: no
#: search ran, and the plan is not proven within the gap.
KNOWN_BOUND_ABOVE_GAP = "knownBoundAboveGap"


#: How the notice of a run that took another run's plan as it is begins (`solve_fixed_start`), the
#: label of that run in the braces (siting/runs/pool.py `cross_start_notice` knows it by this).
FIXED_START_OPENING = ("the plan is that of {}, its whole-number decisions kept and the rest solved again under this "
                       "run's rules:")


def solve_fixed_start(inputs: ModelInputs, settings: SolverSettings, timings: dict[str, float], fixed: FixedStart,
                      notices: list[str], names: Names | None = None) -> Solved:
    """The plan `fixed.plan` as the solved plan of the model of `inputs`, without a MIP search:
    its whole-number decisions fixed and the rest solved as an LP (siting/optimize/solve.py
    `plan_cost`, with `settings`), certified by `fixed.bound_yuan`.

    The report is that of a solve: objective c = the LP's cost, best bound LB = min(bound, c),
    gap (c - LB) / |c|, a proven gap of the model since LB is a proven bound of its optimum and
    the plan is one of its plans; "optimal" (termination "convergenceCriteriaSatisfied") when the
    plan is within the asked gap of LB (siting/optimize/tolerance.py `within_gap`: `settings.rel_gap`,
    or `settings.abs_gap_yuan`), else KNOWN_BOUND_ABOVE_GAP, not
    proven. A notice says whence the plan and the bound come. The model size holds
    `fixed.searches` with, under "plan_from", the run the plan comes from and its cost here.

    The record is the run's, not the costing step's: with `fixed.own_search` the report's
    `highs_options` are those the run's own search held (the scenario's; the LP here runs with
    HiGHS's MIP heuristics off, which no one asked for, and whose options are not recorded), its
    `solve_time_s` that search's wall seconds plus the LP's, and the timings "build" (this model),
    "bound" and "solve" (the run's own search, as it measured them) and PLAN_COSTING (the LP
    here). Without it: "bound" 0 (the bound was proven before), "solve" the LP, and the LP's
    options and seconds.

    Raises NoSolution when the plan is not one of the model (a whole-number decision outside
    the model's variables or bounds, or continuous decisions that cannot complete it)."""
    started = time.perf_counter()
    with progress.phase("build"):
        model = build_model(inputs)
    timings["build"] = time.perf_counter() - started
    size = model_size(model)
    started = time.perf_counter()
    solver = new_solver()
    with progress.phase("solve"):
        costed = plan_cost(model, fixed.plan, settings, solver)
    costing_s = time.perf_counter() - started
    own = fixed.own_search
    if own is None:
        timings["bound"] = 0.0
        timings["solve"] = costing_s
    else:
        timings["bound"] = own.bound_s
        timings["solve"] = own.solve_s
        timings[PLAN_COSTING] = costing_s
    if costed is None or not costed.has_solution or costed.objective_yuan is None:
        why = "its whole-number decisions break this run's rules" if costed is None else \
            f"the rest of the plan cannot be completed under this run's rules (HiGHS: {costed.termination})"
        raise NoSolution(f"the plan of {fixed.plan_from} is not a plan of this run: {why}")
    cost = costed.objective_yuan
    bound = min(fixed.bound_yuan, cost)
    gap = relative_gap(cost, bound)
    proven = within_gap(cost, bound, settings.rel_gap, settings.abs_gap_yuan)
    termination = "convergenceCriteriaSatisfied" if proven else KNOWN_BOUND_ABOVE_GAP
    report = dataclasses.replace(costed, termination=termination, proven_optimal=proven, best_bound_yuan=bound,
                                 gap=gap)
    if own is not None:  # the run's own search, with the costing step's seconds
        report = dataclasses.replace(report, highs_options=own.highs_options, solve_time_s=own.wall_s + costing_s)
    own_cost = f", less than the {fixed.own_yuan / 1e9:.4f} bn yuan of this run's own plan" \
        if fixed.own_yuan is not None else ""
    notices.append(f"{FIXED_START_OPENING.format(fixed.plan_from)} it costs {cost / 1e9:.4f} bn yuan here{own_cost}; "
                   f"the best bound, {bound / 1e9:.4f} bn yuan, was proven by this run's own earlier solve of the same "
                   "model, so the gap is that plan's against it and no new search ran")
    size["searches"] = {**{k: v for k, v in fixed.searches.items() if k != "plan_from"},
                        "plan_from": {"run": fixed.plan_from, "objective_yuan": cost}}
    report = whole_decisions(model, report, settings, notices)
    return Solved(report, extract_plan(model, inputs, names), size, model, solver)


def whole_decisions(model: pyo.ConcreteModel, report: SolveReport, settings: SolverSettings,
                    notices: list[str]) -> SolveReport:
    """The plan `model` holds with every whole-number decision whole. HiGHS returns integers
    within its `mip_feasibility_tolerance` (1e-6 by default; a scenario may loosen it): when one
    is farther than INTEGRALITY_TOLERANCE from a whole number, every integer variable is fixed to
    its rounded value and the rest of the plan solved again (an LP), so that every output uses
    the same whole counts; the report then carries that plan's cost, its gap against the same
    proven bound, and a notice says what was rounded. When the rounded decisions admit no plan,
    the values are left as they were (`extract_plan` then refuses them, saying how to fix it)."""
    integers = [var for var in model.component_data_objects(pyo.Var, active=True)
                if var.is_integer() and not var.fixed and var.value is not None]
    off = [var for var in integers if abs(var.value - round(var.value)) > INTEGRALITY_TOLERANCE]
    if not off:
        return report
    worst = max(abs(var.value - round(var.value)) for var in off)
    kept = [(var, var.value) for var in integers]
    with progress.phase("round"):
        rounded = solve_fixed(model, [(var, round(var.value)) for var in integers], settings)
    if not rounded.has_solution:
        for var, value in kept:
            var.set_value(value, skip_validation=True)
        return report
    cost = rounded.objective_yuan
    bound = report.best_bound_yuan
    bound = min(bound, cost) if bound is not None and cost is not None else bound
    gap = relative_gap(cost, bound)
    notices.append(f"the solver returned {len(off)} whole-number decision(s) up to {worst:.3g} from a whole number "
                   "(solver.options.mip_feasibility_tolerance lets it): they were rounded and the rest of the plan "
                   f"solved again, which moved its cost from {report.objective_yuan / 1e9:.4f} to {cost / 1e9:.4f} bn "
                   "yuan; the gap is that plan's against the same proven bound")
    proven = within_gap(cost, bound, settings.rel_gap, settings.abs_gap_yuan)
    if proven:
        termination = "convergenceCriteriaSatisfied"
    else:  # the search's own ending, or: proven before the rounding, not after it
        termination = report.termination if report.termination != "convergenceCriteriaSatisfied" else ROUNDED_ABOVE_GAP
    return dataclasses.replace(report, objective_yuan=cost, best_bound_yuan=bound, gap=gap, proven_optimal=proven,
                               termination=termination)


#: The termination of a solve whose plan was within the gap until its near-whole decisions were
#: rounded (`whole_decisions`), and above it after.
ROUNDED_ABOVE_GAP = "roundedAboveGap"


def screened_solve(inputs: ModelInputs, cells: tuple[str, ...], settings: SolverSettings,
                   timings: dict[str, float], units: dict[str, str] | None = None,
                   lead: list[str] | None = None, notices: list[str] | None = None, names: Names | None = None,
                   scenario: Scenario | None = None) -> Solved:
    """Solve with the candidate cells screened (siting/optimize/screening.py): the plan of the
    screened model, certified against the aggregated bound. The full model, with every cell, is
    never built. Without a plan: InfeasiblePlan, explained on the aggregated inputs, when the
    aggregate is proven infeasible (it is a relaxation, so the full instance is infeasible
    too); NoSolution otherwise (`screening_no_plan_message`). The model size is the screened
    model's, with how many candidates, groups and sites the screening had, and the screening's
    figures under "screening" (`ScreeningSummary.record`). `lead`: lines said first in an
    infeasibility message; `notices`: the run's notices, to which a rounding of near-whole
    decisions is added (`whole_decisions`); `names`: how the messages name sites, clusters and
    products (siting/config/units.py `Names`; by id without them); `scenario`: the scenario whose
    settings the explanation cites, with their values (the keys alone without it)."""
    screened = solve_screened(inputs, cells, settings)
    summary = screened.summary
    timings["build"] = summary.build_time_s
    bound_time = screened.merged.bound_time_s if screened.merged is not None else 0.0
    timings["bound"] = bound_time
    timings["solve"] = summary.aggregate_time_s + summary.screened_time_s - summary.build_time_s - bound_time
    if screened.model is None:
        agg = screened.aggregation
        if screened.aggregate_infeasible and agg is not None:
            with progress.phase_alone("diagnose"):
                diagnosis = explain_infeasibility(agg.inputs, settings, units, names=names, scenario=scenario)
            raise InfeasiblePlan(merged_infeasible_message(agg, lead or [])
                                 + "\n".join(f"  {line}" for line in diagnosis.lines()), diagnosis)
        raise NoSolution(screening_no_plan_message(screened, settings))
    size = model_size(screened.model)
    size.update(candidate_cells=summary.candidates, screening_groups=summary.groups,
                aggregate_sites=summary.aggregate_sites, screened_sites=summary.screened_sites)
    size["screening"] = summary.record()  # a member of its own in the manifest
    if screened.merged is not None:
        size["searches"] = screened.merged.record()
    report = whole_decisions(screened.model, screened.report, settings, notices if notices is not None else [])
    return Solved(report, extract_plan(screened.model, screened.inputs, names), size, screened.model,
                  screened.solver, screened.inputs, summary)


def merged_infeasible_message(agg: Aggregation, lead: list[str]) -> str:
    """The head of the infeasibility message of a scenario with candidate cells whose merged
    model is infeasible: the explanation that follows is on the merged sites, each standing
    for a group of cells (the first one of `agg.members`, as an example)."""
    example = ""
    if agg.members:
        name, group = next(iter(agg.members.items()))
        example = f", e.g. \"{name}\" ({len(group)} cells merged)"
    return ("the plan is infeasible: the rules cannot be met together, even with the candidate cells merged "
            f"(a merged site stands for a group of cells{example}, with their land together at their least "
            "costs, so no plan of the cells themselves exists either).\n"
            + "".join(f"  - {f}\n" for f in lead))


def screening_no_plan_message(screened: ScreenedSolve, settings: SolverSettings) -> str:
    """Why a screened solve ended without a plan (not proven infeasible), and what to do: the
    merged model, or the screened instance of the parks and a few cells, found no plan within
    its limits (the time limit, or a node budget)."""
    report, summary = screened.report, screened.summary
    limit = settings.time_limit_s
    if report.termination == "interrupted":
        return f"the solve was interrupted after {report.solve_time_s:.1f} s, before a plan was found"
    merged = (f"the merged model (the {summary.candidates:,} candidate cells merged into {summary.groups:,} groups, "
              f"{summary.aggregate_sites:,} sites in all)")
    if summary.rounds == 0 and report.has_solution:
        return (f"{merged} took the time limit of {limit:g} s, leaving no time for the screened instance of the "
                f"parks and a few cells; {raise_time_limit()}")
    if summary.rounds == 0:
        what = f"{merged} found no plan"
    else:
        what = (f"the screened instance ({summary.screened_sites:,} sites: the parks and the cells the merged "
                f"plan uses) found no plan in {summary.rounds} round{'s' if summary.rounds > 1 else ''}")
    if report.termination == "iterationLimit":
        nodes = dict(summary.round_limits if summary.rounds else summary.aggregate_limits).get("mip_max_nodes")
        return (f"{what} within its node budget of {nodes:,.0f} nodes; set solver.options.mip_max_nodes to a "
                f"larger number (it replaces the screening's node budgets) and {raise_time_limit()} to match")
    if report.termination == "maxTimeLimit":
        return f"{what} within the time limit of {limit:g} s; {raise_time_limit()}"
    if summary.rounds and report.infeasible:
        return (f"{what}: the parks and the cells kept cannot meet the rules together, although the merged model "
                "can (a merged site pools the land of its cells, which may be more than the kept cells hold); "
                "check the targets against the land the cells offer")
    return f"{what}: HiGHS ended with {report.termination}"
