"""Solve the siting MIP through its module counts by cluster (models/counts.py).

HiGHS alone proves a gap on the siting MIP slowly: its plan is good within seconds, but its
bound rises only as it branches on the module counts of every site. Three searches instead:

1. the count relaxation (site counts continuous, counts by cluster whole), with the sales
   rounding and ceiling rounding rows (models/sales_rounding.py, models/ceiling_rounding.py,
   valid for every plan): its proven bound is a lower
   bound LB of the MIP's optimum; its plan gives whole counts by cluster;
2. the fixed-count restriction: the MIP with the counts by cluster fixed to that plan's. It only
   shares whole modules out among the sites of each cluster and usually solves in a fraction of
   a second; its plan is a plan of the MIP, of cost UB;
3. only when UB is not proven within the asked gap by LB (siting/optimize/tolerance.py
   `within_gap`: (UB - LB) / |UB| at most `solver.rel_gap`, or UB - LB at most
   `solver.abs_gap_bn_yuan`), or the counts cannot be shared out (site land, module bounds),
   the MIP itself, started from the best plan so far, in the time left; its proven bound raises
   LB when higher.

Step 1 begins with a scout: at most SCOUT_NODES nodes of the relaxation. When they do not
prove its gap, its plan goes through step 2 at once, and the relaxation is searched again with
that plan's cost less the gap, UB1 - max(gap |UB1|, absolute gap) (`certifying_bound`), as
HiGHS's cutoff: nodes whose bound reaches it
are pruned, and the search ends as soon as its bound does, which certifies the plan; a search
that finds nothing below the cutoff has proven that bound. A cutoff so close prunes far more
than the plan's own cost would (measured on the shipped scenario: a bound 2.5 % below the plan
in 11-13 nodes against 2,991-3,858); it wants a bound, and runs without HiGHS's sub-MIP heuristics
(siting/optimize/solve.py `BOUND_SEARCH_HEURISTICS`). A relaxed plan found below the cutoff ends that search; made
a plan of the MIP, it is certified in turn (at most MAX_PROOFS searches). With `upper_of` (the
screening's merged model) the plan certified is the one that function gives for the scout's,
the screened instance's.

Before the scout, an early plan (`_early_plan`) may take its place: the relaxation's LPs with
the hosts of its single-host products (one cluster at most may host them) fixed choice by
choice pick the hosts of lowest LP bound; the relaxation with those hosts fixed, searched one
node on a copy of its own, gives a relaxed plan, made a plan of the MIP as the scout's is. That
plan's certifying bound is then the cutoff of `_prove`'s searches of the unchanged relaxation:
the restricted search's bound, which holds only for those hosts, is never reported. Measured on
scenarios/yunnan_2024.yaml (1 %, seeds 0-2): HiGHS 2.8-3.3 s in the solve against 5.2-14 s with
the scout, process start to files written 7.1-7.6 s against 10.6-20.1 s (same hour, shared
machine). Without single-host products, or when a step finds nothing, the scout runs as before.

With a start plan (a re-solve: rule costs, sweeps), a search before step 1 fixes the start's
counts and searches from the start itself: its cost UB0 less the gap is then HiGHS's cutoff in
step 1, which stops as soon as its bound reaches it (docs/FORMULATION.md, "Module counts by
cluster"); the plan returned never costs more than such a start. When the relaxation's LP bound
does not certify the start's plan (a relaxation of more than EARLY_MIN_INTEGERS free whole
numbers), the start's plan is certified by the proofs that follow the early plan or the scout
without a start, in place of that one search (`_warm_first`).

The time limit T is the whole solve's, counted from its start: the relaxation stops at
`relaxation_time_s(T)` = min(RELAXATION_TIME_SHARE T, T - min(PLAN_RESERVE_S, T / 2)) into it
(84 s of 120, 2.8 s of 4, 1 s of 2), so that the plan phase keeps time of its own (the early
plan's LPs and restricted search may run past it, for EARLY_MIN_S each at least within T); the fixed-count
search then gets the time left but at least FIXED_MIN_S, so that a relaxed plan always gets its
chance to become a plan of the MIP (a solve may so end up to FIXED_MIN_S past T, plus handing the
model to HiGHS and HiGHS's own overrun of its limit); the MIP runs only with MIP_MIN_S left.

The reported gap is (UB - max(LB, the MIP's bound)) / |UB|: a proven gap of the MIP; the plan is
"optimal" when `within_gap` holds for it. Every search asks a share of both gaps, relative and
absolute (`SolverSettings.gap_share`). Measured on
scenarios/yunnan_2024.yaml (benchmarks/bench_scale.py, one thread): HiGHS on the MIP reaches
2.8 % in 60 s; the count relaxation bounds it within 2 % in about 4 s and 0.9 % in about 18 s,
and the fixed counts solve in 0.2-0.5 s.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from time import monotonic  # not through `time`, which tests may stand in for
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.collections import ComponentMap

from models import ModelInputs, build_model
from models.ceiling_rounding import add_ceiling_rounding, row_tolerance
from models.counts import (
    CountKey,
    add_module_counts,
    count_values,
    fix_module_counts,
    free_module_counts,
    relax_site_counts,
)
from models.sales_rounding import add_sales_rounding
from siting.config import progress
from siting.config.highs import HIGHS_OUTPUT_LOCK
from siting.optimize.solve import (
    SMALL_MIP_INTEGERS,
    PlanValues,
    SolveReport,
    SolverSettings,
    checked_options,
    collector_frozen,
    new_solver,
    relative_gap,
    small_mip,
    solve_model,
    solve_options,
    solver_version,
    start_on,
    stop_on_signals,
)
from siting.optimize.tolerance import certifying_bound, within_gap

#: The count relaxation is solved to this share of the asked gaps (relative and absolute), so that
#: the fixed-count plan (which costs about what the relaxation's plan costs) is certified within
#: the asked gap.
RELAXATION_GAP_SHARE = 0.8
#: The count relaxation may take at most this share of the time limit; the rest is kept for the
#: fixed-count search and, when needed, the MIP.
RELAXATION_TIME_SHARE = 0.7
#: Seconds of the time limit the count relaxation leaves to the plan phase at least (at most half
#: the limit): under 1 / (1 - RELAXATION_TIME_SHARE) of it (3.3 s), its share shrinks to keep them.
PLAN_RESERVE_S = 1.0
#: The fixed-count search gets at least this many seconds, also when less of the time limit is
#: left: it is small and fast (0.2-0.5 s on the shipped scenario), and without its plan a relaxed
#: plan gives none. A solve may so end up to this much past its time limit (plus the hand-off of
#: the model to HiGHS, 0.2-0.3 s on the shipped scenario, and HiGHS's own overrun of a limit).
FIXED_MIN_S = 1.0
#: The MIP search starts only with at least this many seconds of the time limit left: a shorter
#: one moves neither plan nor bound.
MIP_MIN_S = 0.5
#: The fixed-count restriction is solved to this share of the asked gaps.
FIXED_GAP_SHARE = 0.1
#: Branch-and-bound nodes of the count relaxation's first search, its scout (`solve_by_counts`),
#: for a plan before the bound is proven: then the fixed counts make it a plan of the MIP, and
#: the relaxation is searched again with that plan's cost less the gap as its cutoff. Measured on
#: scenarios/yunnan_2024.yaml (one thread, seeds 0-1): the relaxation's plan costs 10.058 bn
#: yuan at node 46, 10.026 at node 545; proving a bound 2.5 % below 10.058 takes 11-13 nodes
#: with that cutoff against 2,991-3,858 without, 1 % below 10.026 686 against 7,005.
SCOUT_NODES = 100
#: Single-host products (`_single_host`) whose host choices the early plan (`_early_plan`) tries
#: together, every combination of them, the products whose best host alone raises the count
#: relaxation's LP bound most; the others are fixed at their best host alone. Measured on
#: scenarios/yunnan_2024.yaml (5 single-host products, 3-4 free clusters each): 2 products, 20-25
#: LPs, 0.55-1.0 CPU-s in all.
EARLY_TOP_PRODUCTS = 2
#: The early plan's LPs (`_host_choice`) run in this many lanes, each a highspy object and a thread
#: of its own (`_in_lanes`), dealt in a fixed way whatever the machine. Measured on
#: scenarios/yunnan_2024.yaml (36 LPs; the second core is idle meanwhile): 0.38-0.41 s against
#: 0.61-0.62 s in one lane; the shipped run's solve 1.92-2.19 s against 2.30-2.87 s (seeds 0-2,
#: benchmarks/bench_scale.py), the same plans.
EARLY_LP_LANES = 2
#: The early plan is tried only on a count relaxation with more than this many free whole-number
#: variables (`small_mip`): a smaller one its scout searches to the end in a few nodes.
EARLY_MIN_INTEGERS = SMALL_MIP_INTEGERS
#: HiGHS options of the early plan's one-node restricted search (`_early_plan`) beside the
#: relaxation's own: one node, and no root reduced-cost heuristic, which spent up to half of that
#: search. Measured on scenarios/yunnan_2024.yaml at 1 % (the search's MPS, HiGHS 1.16, seeds
#: 0-5, a loaded machine): 0.75-0.91 s against 0.97-1.84 s; the same relaxed plan on seeds 0 and
#: 1 (-195,909.8 and -195,890.9 million yuan), plans within 0.2 % of it on the others (one
#: cheaper), every run then proven to 1 % (benchmarks/bench_scale.py); the shipped run at its own
#: 0.1 % gives the same plan as before.
EARLY_SEARCH_OPTIONS: dict[str, Any] = {"mip_max_nodes": 1, "mip_heuristic_run_root_reduced_cost": False}
#: The early plan's LPs and its restricted search (`_early_plan`) each get at least this many
#: seconds (or the time left of the whole limit when that is less), also past the relaxation's
#: share: without its plan the share is spent, and the MIP alone in the time left finds a poor plan
#: or none (the LPs take 0.3-0.6 s on the shipped scenario, but a slow hand-off of the relaxation to
#: HiGHS, on a loaded machine, has left them none). Measured on
#: scenarios/yunnan_2024.yaml at 1 % (2 cores, beside the MIP's hand-off): the search takes
#: 0.67-0.97 s; with a 3 s limit it began with 0.64-0.76 s of the share left in 8 of 17 runs,
#: which found no relaxed plan and ended at a 151-185 % gap, and with a 2 s limit with 0.07 s
#: (181 %); with this floor 20 of 20 runs at 3 s ended at 3.06-3.39 %, at 2 s at 3.28 %.
EARLY_MIN_S = 1.5
#: A warm re-solve (`_warm_first`) whose start plan costs more than the count relaxation's LP
#: bound by over this share of the start's cost seeks the early plan (`_early_plan`) as well, and
#: certifies the cheaper of the two. Measured on scenarios/yunnan_2024.yaml at 1 % (--rule-costs,
#: the base plan as start): the starts of redline, proximity, differentiation, agglomeration and
#: chain_balance lie 3.0-4.4 % above that bound, the market's 24 %; from its start, the market's
#: proofs climbed 8 relaxed plans in 41 s to -345.39 bn yuan, with the early plan one proof search
#: gave -345.78 in 7.0 s (cold 5.4 s, the same plan); the whole --rule-costs 61 s -> 22 s.
WARM_EARLY_GAP = 0.10
#: Seconds a thread of `_beside` is given to begin, after a stop cut short `Thread.start()`'s own
#: wait for it: a thread begins in well under a millisecond, so one that has not begun by then was
#: never made (the stop came before), and nothing is left to wait for.
STARTED_WITHIN_S = 1.0
#: HiGHS's own default of `mip_max_nodes` and `mip_max_improving_sols`: no limit.
HIGHS_NODES = 2147483647
#: Most searches of the relaxation after its scout, each for a bound certifying a better plan (each
#: plan it passes on costs less than the one before by about the gap at least). Measured on
#: scenarios/yunnan_2024.yaml at 0.1 % (seeds 0-1): 9-10 searches; with at most 4, a run at 0.25 %
#: ended its share with a plan it had not searched to certify and the MIP stood at 0.79 % at the
#: time limit.
MAX_PROOFS = 16


@dataclass
class CountSolve:
    """The outcome of `solve_by_counts`.

    report: the MIP's certified report: objective = the best plan's cost (UB), best bound = the
        best proven lower bound, gap between them, "optimal" when within the asked gap;
    model: the MIP holding that plan (None without a plan), with module counts (free again);
    solver: the solver object of `model` (for incremental re-solves); without a plan, that of
        the last search (its HiGHS status explains the ending);
    relaxation: the count relaxation's report; fixed: the fixed-count search's (None when it did
        not run); full: the MIP search's (None when the fixed counts were certified);
    lower_bound_yuan: the best proven lower bound of the MIP's optimum (the relaxation's bound,
        or the MIP's when higher), not capped at the plan's cost; None without one.
    """

    report: SolveReport
    model: pyo.ConcreteModel | None
    solver: Any
    relaxation: SolveReport
    fixed: SolveReport | None = None
    full: SolveReport | None = None
    lower_bound_yuan: float | None = None
    #: The relaxation's first search (`SCOUT_NODES`), when it ended at its node budget and the
    #: relaxation was searched again with a cutoff (`relaxation` is then that second search, its
    #: bound the higher of the two); None otherwise.
    scout: SolveReport | None = None
    #: The early plan's search of the count relaxation with the hosts of its single-host products
    #: fixed (`_early_plan`), when its plan was taken in place of the scout's; its bound, that of
    #: the restriction and no bound of the MIP, is left out (None). None otherwise.
    early: SolveReport | None = None
    #: Wall seconds of the bound phase (building the relaxation and solving it) and of the plan
    #: phase (the fixed-count searches and the MIP), as the progress lines show them.
    bound_time_s: float = 0.0
    plan_time_s: float = 0.0
    #: Seconds of the time limit left (negative: past it) when the MIP search was needed (no plan,
    #: or one not certified) but not started, having fewer than MIP_MIN_S; None otherwise.
    mip_left_s: float | None = None
    #: Why no plan was found, when time ended the searches: which search found none and in how
    #: much time, as a sentence of the no-plan message; None otherwise.
    no_plan_reason: str | None = None
    #: The count relaxation with its solver, for a later search of it (the screening's proof
    #: search, siting/optimize/screening.py `proof_search`); None when no relaxation was built.
    #: Holds a Pyomo model and a HiGHS object: not for a result kept or pickled.
    bounding: Bounding | None = None

    def record(self) -> dict[str, Any]:
        """The three searches' figures for the manifest (yuan; no wall-clock time: the run's
        timings hold it)."""
        def entry(report: SolveReport | None) -> dict[str, Any] | None:
            if report is None:
                return None
            return {"termination": report.termination, "objective_yuan": report.objective_yuan,
                    "bound_yuan": report.best_bound_yuan, "gap": report.gap}

        searches = {"count_relaxation": entry(self.relaxation), "fixed_counts": entry(self.fixed),
                    "mip": entry(self.full)}
        if self.early is not None:
            searches = {"early_plan": entry(self.early), **searches}
        return {"scout": entry(self.scout), **searches} if self.scout is not None else searches


def counted_start(model: pyo.ConcreteModel, inputs: ModelInputs, plan: PlanValues | None) -> ComponentMap | None:
    """A MIP start for `model` (built from `inputs`, with module counts) from `plan` (`plan_values`
    of a related model, carried over by component name and index: `start_on`), with each count
    n[c,m,t] the sum of the plan's site counts x[s,p,m,t] of its members (members the plan lacks
    count as 0). None without a plan."""
    if plan is None:
        return None
    start = start_on(model, plan)
    built = plan.get("build", {})
    for count in model.module_count.values():  # summed afresh: a plan of a model with counts holds its own
        start[count] = 0.0
    for key in model.BUILD:
        s, _p, mid, t = key
        count = model.module_count[(inputs.cluster_of_site[s], mid, t)]
        start[count] = start.get(count, 0.0) + float(round(built.get(key, 0.0)))
    return start


def _time_left(settings: SolverSettings, started: float) -> float:
    return settings.time_limit_s - (time.perf_counter() - started)


def relaxation_time_s(time_limit_s: float) -> float:
    """Seconds into a solve of time limit `time_limit_s` (s) at which the count relaxation stops:
    RELAXATION_TIME_SHARE of the limit, less when that would leave the plan phase under
    min(PLAN_RESERVE_S, half the limit). E.g. 84 of 120, 2.8 of 4, 2 of 3, 1 of 2, 0.5 of 1."""
    return min(RELAXATION_TIME_SHARE * time_limit_s, time_limit_s - min(PLAN_RESERVE_S, time_limit_s / 2))


def _share_text(seconds: float) -> str:
    """The relaxation's time share (s) as its progress line and no-plan reason say it: one decimal
    from a second up ("2.8", "84.0"), two significant digits below it, so that a short limit's
    share does not read 0 ("0.5", "0.005" of a 0.01 s limit)."""
    return f"{seconds:.1f}" if seconds >= 1 else f"{seconds:.2g}"


def _no_mip_words(left: float, limit: float) -> str:
    """Why the MIP search did not start with `left` seconds of the time limit `limit` (s) left:
    "0.4 s of the 4 s limit left, too few for a MIP search (it needs 0.5 s)", or under 0.05 s
    "the 4 s limit reached, no time left for a MIP search"."""
    if left < 0.05:
        return f"the {limit:g} s limit reached, no time left for a MIP search"
    return f"{left:.1f} s of the {limit:g} s limit left, too few for a MIP search (it needs {MIP_MIN_S:g} s)"


def _mip_wanted(best: SolveReport | None, lower: float | None, settings: SolverSettings, certify: bool) -> bool:
    """Whether the MIP itself is to be searched: no plan yet (`best` None), or, with `certify`, a
    plan not certified within the asked gap by the bound `lower` (`within_gap`)."""
    return best is None or (certify and not within_gap(best.objective_yuan, lower, settings.rel_gap,
                                                       settings.abs_gap_yuan))


def certified_gap(upper: float | None, lower: float | None) -> float:
    """(upper - min(lower, upper)) / max(|upper|, 1e-9); infinite without both figures."""
    if upper is None or lower is None:
        return math.inf
    gap = relative_gap(upper, min(lower, upper))
    return math.inf if gap is None else gap


def solve_by_counts(inputs: ModelInputs, settings: SolverSettings, start: PlanValues | None = None,
                    make: Callable[[], pyo.ConcreteModel] | None = None, model: pyo.ConcreteModel | None = None,
                    relaxation_settings: SolverSettings | None = None, certify: bool = True,
                    started: float | None = None, scout_nodes: int = SCOUT_NODES,
                    upper_of: Callable[[pyo.ConcreteModel], float | None] | None = None,
                    ceiling_rounding: bool = True) -> CountSolve:
    """Solve the MIP of `inputs` through its module counts (see the module docstring), within
    `settings` (time limit and gap for the whole; the same threads, seed and options for each
    search).

    `make`: builds the MIP, a new model on each call (default `build_model(inputs)`; a caller
    may switch rows off in it); `model`: such a model already built, used for the plan (the
    relaxation is always a new one). `start`: a plan of the MIP (`plan_values`) handed to the
    relaxation and, when it runs, to the MIP. `relaxation_settings` replaces the relaxation's
    own (gap RELAXATION_GAP_SHARE of the asked, time until `relaxation_time_s` of the limit
    into the solve), e.g. to bound its work by nodes; its time limit is read as the seconds into
    the solve at which the relaxation stops, as the own share is. With `certify` false the MIP is
    searched only when the fixed counts give no plan (a caller that wants the bound and some
    plan, not a certified one). `ceiling_rounding` false: the relaxation without the ceiling
    rounding rows (models/ceiling_rounding.py; valid either way, the rows only change how fast
    its bound rises).

    `started`: when the solve began (`time.perf_counter()` seconds; None: now). Every search's
    time is what is left of its share, or of the limit, counted from it, so that a search that
    runs past its limit (HiGHS may, by a second or two under load) shortens those after it
    instead of pushing the end of the solve back; a caller that spent part of the limit before
    (aggregating, building) passes its own start.

    Without a plan of the relaxation: when it is proven infeasible, so is the MIP (it is a
    relaxation) and that report is returned with no model; otherwise the MIP is searched in the
    time left. An interrupted search (Ctrl-C) raises from `solve_model` as usual.

    Progress: the bound phase ends on "stopped at its time share (x s of the T s limit)" when
    time stopped the relaxation; the solve phase on "stopped at the time limit" (with why, when
    the MIP search had too little time to start), or, when no search had time to run, "solve:
    skipped: ..." in its place. A run without a plan for want of time says why in
    `no_plan_reason`. The collector looks only at the objects the solve makes
    (siting/optimize/solve.py `collector_frozen`)."""
    started = time.perf_counter() if started is None else started
    with collector_frozen():
        return _solve_by_counts(inputs, settings, start, make, model, relaxation_settings, certify, started,
                                scout_nodes, upper_of, ceiling_rounding)


def _solve_by_counts(inputs: ModelInputs, settings: SolverSettings, start: PlanValues | None,
                     make: Callable[[], pyo.ConcreteModel] | None, model: pyo.ConcreteModel | None,
                     relaxation_settings: SolverSettings | None, certify: bool, started: float, scout_nodes: int,
                     upper_of: Callable[[pyo.ConcreteModel], float | None] | None,
                     ceiling_rounding: bool = True) -> CountSolve:
    asked = tuple(sorted(checked_options(settings).items()))
    limit = settings.time_limit_s
    share = relaxation_settings.time_limit_s if relaxation_settings is not None else relaxation_time_s(limit)
    build = make or (lambda: build_model(inputs))
    mip: pyo.ConcreteModel | None = None
    prior: _Prior | None = None
    if start is not None:
        with progress.phase("start"):
            mip = _with_counts(model if model is not None else build(), inputs)
            prior = _start_search(mip, inputs, start, settings, started)
    tried = time.perf_counter()
    own = relaxation_settings or settings.gap_share(RELAXATION_GAP_SHARE)
    proof = relaxation_settings if relaxation_settings is not None else settings
    stop = None
    if prior is not None and prior.report.has_solution:
        # a bound this high certifies the start's plan; no relaxed plan above it is of interest
        stop = certifying_bound(prior.report.objective_yuan, settings.rel_gap, settings.abs_gap_yuan)
    scout: SolveReport | None = None
    with progress.phase("bound"):
        relaxed = build()
        add_module_counts(relaxed, inputs, relaxed.index_data)
        relax_site_counts(relaxed)
        add_sales_rounding(relaxed, inputs, relaxed.index_data)
        if ceiling_rounding:
            add_ceiling_rounding(relaxed, row_tolerance(settings.highs_options()))
        relaxed_start = counted_start(relaxed, inputs, start)
        relaxed_solver = new_solver()
        bounding = Bounding(relaxed, relaxed_solver, own, share, started, tried)
        relaxation: SolveReport | None = None
        proven: float | None = None  # the relaxation's bound proven so far (yuan)
        early: _Early | None = None
        if prior is None and scout_nodes:
            def counted_mip() -> pyo.ConcreteModel:
                nonlocal mip
                if mip is None:
                    mip = _with_counts(model if model is not None else build(), inputs)
                return mip

            prior, relaxation, proven, scout, early = _plan_first(bounding, inputs, counted_mip, settings, proof,
                                                                  upper_of, scout_nodes, relaxed_start)
        elif prior is not None and mip is not None and scout_nodes:
            prior, relaxation, proven, early = _warm_first(bounding, inputs, mip, prior, upper_of, settings, proof)
        if relaxation is None:
            known = prior.report.objective_yuan if prior is not None and prior.report.has_solution else None
            # after proofs (`proven` set) none of which certified: to its own gap, as without a start
            stop = stop if proven is None else None
            relaxation = bounding.search(HIGHS_NODES, relaxed_start if stop is None else None,  # it would cost more
                                         proven, known, stop)
        if relaxation.termination == "maxTimeLimit":
            past = "; the early plan went on past it" if "ran" in bounding.early else ""
            progress.phase_ended(f"stopped at its time share ({_share_text(share)} s of the {limit:g} s limit{past})")
    bounded = time.perf_counter()
    if not relaxation.has_solution and relaxation.infeasible:
        return CountSolve(dataclasses.replace(relaxation, solve_time_s=bounded - started, highs_options=asked),
                          None, relaxed_solver, relaxation, lower_bound_yuan=relaxation.best_bound_yuan,
                          bound_time_s=bounded - tried, plan_time_s=tried - started, bounding=bounding)
    counts = count_values(relaxed) if relaxation.has_solution else None
    fixed_due = counts is not None and (prior is None or counts != prior.counts)
    prior_plan = prior.report if prior is not None and prior.values is not None else None
    left = _time_left(settings, started)
    wanted = _mip_wanted(prior_plan, relaxation.best_bound_yuan, settings, certify)
    if not fixed_due and (left < MIP_MIN_S or not wanted):
        # no search has time to run, or none is needed (the plan found first is certified): none
        # is announced (nor the MIP built when no plan needs it)
        first = "start plan's" if start is not None else "first plan's"
        what = (f"no relaxed plan beyond the {first}" if counts is None and prior_plan is not None
                else "no relaxed plan" if counts is None else f"the relaxed plan's counts are the {first}")
        if wanted:
            progress.phase_skipped("solve", f"{what}, and {_no_mip_words(left, limit)}")
        counted = _solve_plan(settings, mip, counts, relaxation, started, asked, certify, prior, share,
                              bounding.early.get("empty"))
    else:
        with progress.phase("solve"):
            if mip is None:
                mip = _with_counts(model if model is not None else build(), inputs)
            counted = _solve_plan(settings, mip, counts, relaxation, started, asked, certify, prior, share,
                                  bounding.early.get("empty"))
            if counted.report.termination == "maxTimeLimit":
                progress.phase_ended("stopped at the time limit", "" if counted.mip_left_s is None
                                     else _no_mip_words(counted.mip_left_s, limit))
    return dataclasses.replace(counted, bound_time_s=bounded - tried, scout=scout, bounding=bounding,
                               early=early.report if early is not None else None,
                               plan_time_s=(tried - started) + (time.perf_counter() - bounded))


@dataclass(frozen=True)
class _Early:
    """A plan of the MIP found by `_early_plan`: `prior` (held by the MIP, as `_scouted` gives it),
    `lower` the count relaxation's LP bound (yuan; a proven bound of the MIP, the LP being a
    relaxation of it) and `report` the restricted search's (its bound left out: None)."""

    prior: _Prior
    lower: float
    report: SolveReport


def _single_host(relaxed: pyo.ConcreteModel, inputs: ModelInputs) -> dict[str, list[Any]]:
    """The single-host products of `relaxed` (the count relaxation of `inputs`): those at most one
    cluster may host (`max_clusters_per_product` 1, with its hosting-limit row in the model:
    models/families/differentiation.py `add_product_hosting_limit`) and more than one free host
    indicator h[c,p]; product -> those indicators, in product and HOST order."""
    limit = getattr(relaxed, "product_hosting_limit", None)
    if limit is None:
        return {}
    found: dict[str, list[Any]] = {}
    for (_c, product), var in relaxed.hosts.items():
        if inputs.max_clusters_per_product.get(product) == 1 and product in limit and not var.fixed:
            found.setdefault(product, []).append(var)
    return {p: found[p] for p in inputs.PRODUCTS if len(found.get(p, ())) > 1}


def _highs_copy(lp: Any, options: dict[str, Any], continuous: bool) -> Any:
    """A highspy object of its own holding `lp` (highspy's HighsLp of the relaxation), with
    `options` (HiGHS names) and output off; `continuous`: every column continuous (its LP)."""
    copy = highspy.Highs()
    copy.setOptionValue("output_flag", False)
    for name, value in options.items():
        copy.setOptionValue(name, value)
    copy.passModel(lp)
    if continuous and lp.num_col_:
        copy.changeColsIntegrality(lp.num_col_, np.arange(lp.num_col_, dtype=np.int32),
                                   np.zeros(lp.num_col_, dtype=np.uint8))
    return copy


def _fix_hosts(highs: Any, hosts: dict[str, list[int]], choice: dict[str, int | None]) -> None:
    """Fix the host columns of each product of `choice` in `highs`: 1 for the column chosen, 0 for
    the product's others (a choice of None: no cluster hosts the product)."""
    for product, host in choice.items():
        for column in hosts[product]:
            value = 1.0 if column == host else 0.0
            highs.changeColBounds(column, value, value)


def _host_choice(lp: Any, hosts: dict[str, list[int]], options: dict[str, Any]
                 ) -> tuple[dict[str, int | None], float] | None:
    """The host choice of the single-host products `hosts` (product -> its host columns in `lp`)
    whose LP bound is lowest, and the plain LP's bound (objective units), from LPs of the count
    relaxation (`options`: threads, seed, time limit), each warm-started from the last basis of
    its lane, the changed bounds put back after each:

    A. each product alone, every choice (no host, or one of its columns), the others free: its
       impact is how far its best choice raises the plain LP bound;
    B. every combination of the choices of the EARLY_TOP_PRODUCTS products of most impact (ties
       in product order), the others fixed at their best choice alone.

    After the plain LP, A and B run in EARLY_LP_LANES lanes, each a highspy object of its own
    started from the plain LP's basis (`_in_lanes`): A's products and B's combinations dealt to
    the lanes in a fixed way, so that the same inputs give the same LPs whatever the machine.
    Ties go to the first choice (no host, then column order): the same inputs give the same
    choice. None when the plain LP is not solved to optimality or no choice has a finite bound."""
    lanes = [_highs_copy(lp, options, continuous=True) for _ in range(EARLY_LP_LANES)]
    lower, upper = list(lp.col_lower_), list(lp.col_upper_)

    def bound(highs: Any, choice: dict[str, int | None]) -> float:
        _fix_hosts(highs, hosts, choice)
        highs.run()
        optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        value = highs.getInfo().objective_function_value if optimal else math.inf
        for product in choice:
            for column in hosts[product]:
                highs.changeColBounds(column, lower[column], upper[column])
        return value

    plain = bound(lanes[0], {})
    if not math.isfinite(plain):
        return None
    basis = lanes[0].getBasis()
    for highs in lanes[1:]:
        highs.setBasis(basis)
    order = list(hosts)
    # A: product k in lane (k + 1) mod lanes: the first lane has the plain LP behind it
    keys: list[list[tuple[str, int | None]]] = [[] for _ in lanes]
    for k, product in enumerate(order):
        keys[(k + 1) % len(lanes)] += [(product, host) for host in [None, *hosts[product]]]
    dealt = [[{product: host} for product, host in lane] for lane in keys]
    alone_bounds = {key: value for lane, values in zip(keys, _in_lanes(lanes, dealt, bound), strict=True)
                    for key, value in zip(lane, values, strict=True)}
    alone: dict[str, int | None] = {}
    impact: dict[str, float] = {}
    for product, columns in hosts.items():
        best, _i, alone[product] = min((alone_bounds[product, host], i, host)
                                       for i, host in enumerate([None, *columns]))
        impact[product] = best - plain
    top = sorted(order, key=lambda p: (-impact[p], order.index(p)))[:EARLY_TOP_PRODUCTS]
    rest = {p: alone[p] for p in order if p not in top}
    choices = [{**dict(zip(top, picks, strict=True)), **rest}
               for picks in itertools.product(*[[None, *hosts[p]] for p in top])]
    # B: the combinations in order, in consecutive runs, one run a lane
    size = -(-len(choices) // len(lanes))
    runs = [choices[j * size:(j + 1) * size] for j in range(len(lanes))]
    values = [v for lane in _in_lanes(lanes, runs, bound) for v in lane]
    value, _i, choice = min(((v, i, c) for i, (v, c) in enumerate(zip(values, choices, strict=True))),
                            key=lambda t: t[:2])
    return (choice, plain) if math.isfinite(value) else None


def _in_lanes(lanes: list[Any], dealt: list[list[dict[str, int | None]]],
              bound: Callable[[Any, dict[str, int | None]], float],
              stop: threading.Event | None = None) -> list[list[float]]:
    """`bound(lanes[j], choice)` for each choice of `dealt[j]` in turn, lane j's LPs on highspy
    object `lanes[j]`: the first lane in this thread, each other in a thread of its own
    (`_beside`; HiGHS lets go of Python's lock while it solves), so that the LPs of the early
    plan (`_host_choice`) use a second core. Returns each lane's values in its order. A stop
    (KeyboardInterrupt) here ends the other lanes after their LP under way (each takes a few
    hundredths of a second on the shipped scenario) and is raised again; `stop`: the event the
    lanes heed (a new one when None)."""
    stop = threading.Event() if stop is None else stop

    def lane(j: int) -> list[float]:
        values = []
        for choice in dealt[j]:
            if stop.is_set():
                break
            values.append(bound(lanes[j], choice))
        return values

    if len(lanes) == 1:
        return [lane(0)]
    others, mine, _seconds = _beside(lambda: _in_lanes(lanes[1:], dealt[1:], bound, stop), lambda: lane(0), stop,
                                     "siting-early-lps")
    return [mine, *others]


def _early_plan(bounding: Bounding, inputs: ModelInputs, counted_mip: Callable[[], pyo.ConcreteModel],
                settings: SolverSettings) -> _Early | None:
    """A good plan of the MIP before any search of the count relaxation (`bounding`), for the
    cutoff of its first proof (`_prove`), in place of the scout's (module docstring):

    1. the host choice of the single-host products (`_single_host`) whose LP bound is lowest
       (`_host_choice`); those products' hosts decide most of the relaxation's gap (on
       scenarios/yunnan_2024.yaml the LP bound is 3.4 % below the optimum, within 1.3 % with the
       hosts of ncm and ncm_precursor whole);
    2. the relaxation with those hosts fixed, searched one node for a relaxed plan; its counts by
       cluster fixed in the MIP (`counted_mip()`, built on the first call), as `_scouted` does,
       give a plan of the MIP. The MIP is built and handed to HiGHS while that search runs, in a
       thread of its own (`_search_aside`): measured on the shipped scenario (1 %, seeds 0-2),
       the fixed-count search then starts 0.06 s after it instead of 0.22 s.

    Every search runs on a highspy copy of the relaxation as handed to HiGHS (the hand-off is the
    relaxation's own, done here), so the relaxation and its solver are left as they were: the
    restricted search's bound, which holds only for those hosts, is never taken for a bound of
    the MIP. The time is the relaxation's share's, but its LPs and its restricted search each get
    at least EARLY_MIN_S of the whole limit's time left, also past that share. Measured on
    scenarios/yunnan_2024.yaml (1 %, HiGHS seeds 0-5, CPU s): plans of -195.61..-195.89 bn yuan
    (the scout's -194.94..-195.74), proven by the cutoff search in 1-9 nodes; 3.0 s in all
    against 7.3 s for the scout's path.

    None (the caller scouts as before) without single-host products, when the whole limit is
    spent before the LPs or the search, when an LP or the restricted search finds nothing, or
    when the fixed counts give no plan."""
    relaxed, solver = bounding.model, bounding.solver
    products = _single_host(relaxed, inputs)
    if not products:
        return None

    def left() -> float:
        """Seconds a step may take: the share's time left, but at least EARLY_MIN_S of the whole
        limit's time left (HiGHS refuses a time limit below 0 and keeps its own, none)."""
        share_left = bounding.share - (time.perf_counter() - bounding.started)
        return max(share_left, min(EARLY_MIN_S, _time_left(settings, bounding.started)))

    if left() <= 0:
        return None
    if getattr(solver, "_model", None) is not relaxed:
        _hand_over(solver, relaxed)
    highs = getattr(solver, "_solver_model", None)
    columns = getattr(solver, "_pyomo_var_to_solver_var_map", None)
    if highs is None or columns is None or any(id(v) not in columns for vs in products.values() for v in vs):
        return None
    hosts = {p: [columns[id(v)] for v in vs] for p, vs in products.items()}
    if left() <= 0:  # the hand-off spent the whole limit
        return None
    lp = highs.getLp()
    unit = float(getattr(relaxed, "objective_unit_yuan", 1.0))
    base = dict(threads=settings.threads, random_seed=settings.random_seed, time_limit=left())
    found = _host_choice(lp, hosts, base)
    if found is None:
        return None
    choice, plain = found
    searching = left()
    if searching <= 0:
        return None
    options = {**solve_options(relaxed, bounding.settings), **EARLY_SEARCH_OPTIONS, "time_limit": searching}
    restricted = _highs_copy(lp, options, continuous=False)
    _fix_hosts(restricted, hosts, choice)
    # the MIP's build and hand-off, which hold Python's lock, while HiGHS searches (it does not)
    searched, handed = _search_aside(restricted, lambda: _handed_over(counted_mip()))
    ended = time.perf_counter() - bounding.started
    if ended > bounding.share:
        bounding.early["ran"] = ended
    info = restricted.getInfo()
    if info.primal_solution_status != 2:  # no feasible relaxed plan
        bounding.early["empty"] = searched
        return None
    values = restricted.getSolution().col_value
    counts = {key: round(values[columns[id(relaxed.module_count[key])]]) if id(relaxed.module_count[key]) in columns
              else round(relaxed.module_count[key].value or 0.0) for key in relaxed.COUNT}
    relaxed_yuan = info.objective_function_value * unit
    status = restricted.getModelStatus()
    report = SolveReport(termination="convergenceCriteriaSatisfied" if status == highspy.HighsModelStatus.kOptimal
                         else "maxTimeLimit" if status == highspy.HighsModelStatus.kTimeLimit else "iterationLimit",
                         has_solution=True, proven_optimal=False, infeasible=False, objective_yuan=relaxed_yuan,
                         best_bound_yuan=None, gap=None, solve_time_s=searched, solver_version=solver_version())
    lower = plain * unit
    first = _scouted(counted_mip(), counts, settings, lower, bounding, relaxed_yuan=relaxed_yuan, solver=handed)
    if not first.report.has_solution:
        return None
    return _Early(first, lower, report)


def _hand_over(solver: Any, model: pyo.ConcreteModel) -> None:
    """Hand `model` to HiGHS through `solver` (Pyomo's `set_instance`): one hand-off at a time in
    the process (`HIGHS_OUTPUT_LOCK`: the interface captures the process's standard streams while
    it hands over), a SIGINT or SIGTERM meanwhile noted and raised once it is done, as during a
    solve (`stop_on_signals`; raised inside the capture, a Ctrl-C left the capture's reader thread
    a closed file and its traceback on standard error)."""
    with HIGHS_OUTPUT_LOCK, stop_on_signals(solver):
        solver.set_instance(model)


def _handed_over(model: pyo.ConcreteModel) -> Any:
    """A new solver (`new_solver`) holding `model`, handed to HiGHS already (`_hand_over`), so
    that its first solve sends HiGHS only what changed since, e.g. the module counts fixed by
    `_fixed_search`: the same model as a hand-off at that solve would give."""
    solver = new_solver()
    _hand_over(solver, model)
    return solver


def _search_aside(highs: Any, work: Callable[[], Any]) -> tuple[float, Any]:
    """Run `highs` (a highspy object of its own, which no Pyomo object refers to and whose output
    is off) in a thread of its own while this thread calls `work()` (`_beside`); once both are
    done, the search's own wall seconds and what `work()` returned. HiGHS lets go of Python's
    lock while it searches, so `work` (Pyomo's build and hand-off of a model: Pyomo objects are
    touched in this thread only) runs beside it instead of after it.

    A stop (KeyboardInterrupt: Ctrl-C, or SIGTERM as the command line raises it) or an error in
    this thread, while `work` runs or while it waits for the search, asks HiGHS to stop at its
    next MIP interrupt check (a callback subscribed for this run: some 30 checks in the shipped
    scenario's one-node search, so it costs nothing measurable), waits for it (through a
    further stop: `_wait_through_stops`) and is raised again; an error of the search itself is
    raised here."""
    stop = threading.Event()

    def on_check(event: Any) -> None:
        if stop.is_set():
            event.interrupt()

    highs.cbMipInterrupt.subscribe(on_check)
    try:
        _ran, done, seconds = _beside(highs.run, work, stop, "siting-early-search")
    finally:
        highs.cbMipInterrupt.unsubscribe(on_check)
    return seconds, done


def _beside(task: Callable[[], Any], work: Callable[[], Any], stop: threading.Event, name: str
            ) -> tuple[Any, Any, float]:
    """Call `task()` (HiGHS runs on highspy objects of its own) in a thread named `name` while
    this thread calls `work()`; once both are done, what each returned and the task's own wall
    seconds. A stop (KeyboardInterrupt) or an error in this thread sets `stop` (which the task
    heeds), waits for the task (through a further stop: `_wait_through_stops`) and is raised
    again; an error of the task is raised here. The thread's HiGHS scheduler (each thread has
    its own) is shut down as the thread ends, as highspy's own `startSolve` does."""
    begun, finished = threading.Event(), threading.Event()
    failed: list[BaseException] = []
    ran: list[Any] = [None]
    seconds = [0.0]

    def run() -> None:
        begun.set()
        began = time.perf_counter()
        try:
            ran[0] = task()
        except BaseException as exc:  # raised again in the calling thread
            failed.append(exc)
        finally:
            seconds[0] = time.perf_counter() - began
            highspy.Highs.resetThreadScheduler(False)
            finished.set()

    thread = threading.Thread(target=run, name=name, daemon=True)
    try:
        thread.start()
        done = work()
        # a signal's handler still runs while it waits (POSIX); not `thread.join()`, which a
        # KeyboardInterrupt cut short leaves marking the thread ended while it runs (Python 3.11)
        finished.wait()
    except BaseException:
        stop.set()
        # a stop may cut short `start()`'s own wait for the thread, which then runs all the same
        if _wait_through_stops(begun, STARTED_WITHIN_S):
            _wait_through_stops(finished)
        raise
    if failed:
        raise failed[0]
    return ran[0], done, seconds[0]


def _wait_through_stops(finished: threading.Event, within_s: float | None = None) -> bool:
    """Wait for `finished` (the search beside, asked to stop: `_search_aside`), a further stop
    meanwhile (KeyboardInterrupt: a second Ctrl-C, or SIGTERM as the command line raises it)
    waiting on: the stop under way is the one raised. Cut short by it, the wait left HiGHS
    searching in its thread as the command line ended, and Python's end then aborted the process
    ("terminate called without an active exception", or a segmentation fault) instead of exit
    130 or 143. `within_s`: wait at most this many seconds (None: until it is set). Returns
    whether `finished` is set."""
    deadline = None if within_s is None else monotonic() + within_s
    while not finished.is_set():
        try:
            finished.wait(None if deadline is None else max(deadline - monotonic(), 0.0))
        except KeyboardInterrupt:
            continue
        if deadline is not None and monotonic() >= deadline:
            break
    return finished.is_set()


def _plan_first(bounding: Bounding, inputs: ModelInputs, counted_mip: Callable[[], pyo.ConcreteModel],
                settings: SolverSettings, proof: SolverSettings,
                upper_of: Callable[[pyo.ConcreteModel], float | None] | None, scout_nodes: int, start: Any
                ) -> tuple[_Prior | None, SolveReport | None, float | None, SolveReport | None, _Early | None]:
    """Step 1 without a start plan: a plan of the MIP first, then the relaxation's bound that
    certifies it (`_prove`). The plan is the early plan's (`_early_plan`, on a relaxation of more
    than EARLY_MIN_INTEGERS free whole numbers), else the scout's (`scout_nodes` nodes from `start`,
    its counts fixed in the MIP: `_scouted`); a scout that ends before its node budget was the
    whole relaxation. `counted_mip()` gives the MIP with counts (built on its first call). Returns
    the best plan (None without one), the relaxation's report (None: to be searched to its own
    gap), its bound proven so far (yuan), the scout's report when it was followed by proofs, and
    the early plan when it was taken."""
    early = None if small_mip(bounding.model, EARLY_MIN_INTEGERS) else _early_plan(bounding, inputs, counted_mip,
                                                                                   settings)
    if early is not None:
        prior, relaxation, proven = _prove(bounding, counted_mip(), early.prior, upper_of, settings, proof, None,
                                           early.lower)
        return prior, relaxation, proven, None, early
    scout = bounding.search(scout_nodes, start)
    if scout.termination != "iterationLimit":  # the first search was the whole relaxation
        return None, scout, scout.best_bound_yuan, None, None
    if not scout.has_solution:
        return None, None, scout.best_bound_yuan, scout, None
    first = _scouted(counted_mip(), count_values(bounding.model), settings, scout.best_bound_yuan, bounding,
                     relaxed_yuan=scout.objective_yuan)
    prior, relaxation, proven = _prove(bounding, counted_mip(), first, upper_of, settings, proof, scout)
    return prior, relaxation, proven, scout, None


def _lp_bound(bounding: Bounding) -> float | None:
    """The count relaxation's LP bound (yuan): its LP, every column continuous, on a highspy copy
    of the relaxation as handed to HiGHS (the hand-off is the relaxation's own, as `_early_plan`
    does it), in the time left of its share once handed over. None when the share is spent (the
    hand-off's time counted), the solver is not HiGHS's, or the LP is not solved to optimality."""
    relaxed, solver = bounding.model, bounding.solver
    left = bounding.share - (time.perf_counter() - bounding.started)
    if left <= 0:
        return None
    if getattr(solver, "_model", None) is not relaxed:
        _hand_over(solver, relaxed)
        left = bounding.share - (time.perf_counter() - bounding.started)  # the hand-off's time spent
    highs = getattr(solver, "_solver_model", None)
    if highs is None or left <= 0:  # not HiGHS's, or the hand-off spent the share
        return None
    own = bounding.settings
    lp = _highs_copy(highs.getLp(), dict(threads=own.threads, random_seed=own.random_seed, time_limit=left),
                     continuous=True)
    lp.run()
    if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return lp.getInfo().objective_function_value * float(getattr(relaxed, "objective_unit_yuan", 1.0))


def _warm_first(bounding: Bounding, inputs: ModelInputs, mip: pyo.ConcreteModel, prior: _Prior,
                upper_of: Callable[[pyo.ConcreteModel], float | None] | None, settings: SolverSettings,
                proof: SolverSettings) -> tuple[_Prior, SolveReport | None, float | None, _Early | None]:
    """Step 1 with a start plan (`prior`, the start's search on `mip`, the MIP with counts), on a
    relaxation of more than EARLY_MIN_INTEGERS free whole numbers whose LP bound (`_lp_bound`)
    does not certify the start's plan within the asked gaps (`within_gap`): the start's plan
    certified by the relaxation's proofs as `_plan_first` runs them without a start (`_prove`:
    its certifying bound as cutoff, HiGHS's sub-MIP heuristics off, from the LP bound; a relaxed
    plan below the cutoff made a plan of the MIP, certified in turn when it costs less), in place
    of one search of the relaxation with HiGHS's heuristics on that stops at that bound. The plan
    returned thus never costs more than the start's. Measured with benchmarks/bench_warm.py
    (scenarios/yunnan_2024.yaml, 0.1 %, idle, the same commit otherwise): warm re-solves of
    budget, chain_balance and redline relaxed in 9.5, 8.1 and 24.5 s against 11.7, 10.6 and 27.1 s
    with one such search (cold 26.4, 13.6 and 26.4 s). Seeking the early plan too (`_early_plan`)
    cost about 2.5 s more on each and was never cheaper than the start there, so it is sought only
    for a start above the LP bound by more than WARM_EARLY_GAP of its cost (the market's: the proofs
    from such a start climb relaxed plan by relaxed plan), and its plan certified in place of the
    start's when it costs less (`inputs`: the MIP's, for it).

    Returns the best plan, the relaxation's report (None: to be searched to its own gap), its
    bound proven so far (yuan) and the early plan when it was taken; (`prior`, None, None, None)
    when no proof ran (the start gave no plan, a small relaxation, the LP bound certifies the start
    or is not found): the relaxation is then searched with the start's cutoff as before."""
    if not prior.report.has_solution or prior.values is None or small_mip(bounding.model, EARLY_MIN_INTEGERS):
        return prior, None, None, None
    lower = _lp_bound(bounding)
    if lower is None or within_gap(prior.report.objective_yuan, lower, settings.rel_gap, settings.abs_gap_yuan):
        return prior, None, None, None
    if not within_gap(prior.report.objective_yuan, lower, WARM_EARLY_GAP, 0.0):
        early = _early_plan(bounding, inputs, lambda: mip, settings)
        if early is not None and early.prior.report.objective_yuan < prior.report.objective_yuan:
            return (*_prove(bounding, mip, early.prior, upper_of, settings, proof, None, max(lower, early.lower)),
                    early)
        _restore(prior.values)  # the MIP holds the start's plan again
    return (*_prove(bounding, mip, prior, upper_of, settings, proof, None, lower), None)


def _proof_cutoff(prior: _Prior, mip: pyo.ConcreteModel, upper_of: Callable[[pyo.ConcreteModel], float | None] | None,
                  asked: SolverSettings, own: SolverSettings) -> float | None:
    """The cutoff and bound target (yuan) of the relaxation's search after its scout: the bound
    that certifies (`certifying_bound`) the cost of the scout's plan of the MIP (`prior`, held by
    `mip`) within the gaps of `own` (the relaxation's proof); with `upper_of`, the cost it gives
    for that plan (the plan of an instance this MIP bounds, e.g. the screened instance of a merged
    model) within those of `asked`. None without such a plan."""
    if not prior.report.has_solution:
        return None
    if upper_of is None:
        return certifying_bound(prior.report.objective_yuan, own.rel_gap, own.abs_gap_yuan)
    upper = upper_of(mip)
    return certifying_bound(upper, asked.rel_gap, asked.abs_gap_yuan) if upper is not None else None


@dataclass(frozen=True)
class Bounding:
    """The count relaxation of `solve_by_counts`'s bound phase: its model, solver and own
    settings, the time share it may take (s into the solve begun at `started`) and when the
    phase began (`tried`, perf_counter s). `early`: what the early plan (`_early_plan`) did,
    for the progress line and the no-plan reason: "ran", seconds into the solve at which its
    search ended when that was past the share; "empty", that search's seconds when it found no
    relaxed plan."""

    model: pyo.ConcreteModel
    solver: Any
    settings: SolverSettings
    share: float
    started: float
    tried: float
    early: dict[str, float] = field(default_factory=dict)

    def search(self, nodes: int, start: Any = None, lower: float | None = None, known: float | None = None,
               cutoff: float | None = None, improving: int = HIGHS_NODES, heuristics: bool = True) -> SolveReport:
        """One search of the relaxation: at most `nodes` nodes (fewer if its settings say so) and
        `improving` better plans (HiGHS `mip_max_improving_sols`), from `start`, in the time left of
        its share; with `cutoff` (yuan) as HiGHS's cutoff and the bound that ends it
        (`solve_model`). `lower`: a bound proven before (yuan), which the report's bound is never
        below; `known`: the cost of a plan of the MIP found before, for the progress line.
        `heuristics` false: HiGHS's sub-MIP and root heuristics off for this search
        (siting/optimize/solve.py `BOUND_SEARCH_HEURISTICS`), for a search that wants a bound.
        Every limit is set on each search, as HiGHS keeps what an earlier search set."""
        options = dict(self.settings.options)
        options["mip_max_nodes"] = min(int(options.get("mip_max_nodes", nodes)), nodes)
        options["mip_max_improving_sols"] = min(int(options.get("mip_max_improving_sols", improving)), improving)
        limits = dataclasses.replace(self.settings, options=tuple(options.items()),
                                     time_limit_s=max(self.share - (time.perf_counter() - self.started), 0.0))
        with progress.searching("bound", lower, since=self.tried, plan_yuan=known):
            report = solve_model(self.model, limits, self.solver, start=start, stop_at_bound_yuan=cutoff,
                                 cutoff_yuan=cutoff, **({} if heuristics else {"heuristics": False}))
        if lower is not None and (report.best_bound_yuan is None or report.best_bound_yuan < lower):
            report = dataclasses.replace(report, best_bound_yuan=lower)
        return report


def _scouted(model: pyo.ConcreteModel, counts: dict[CountKey, int], settings: SolverSettings, lower: float | None,
             bounding: Bounding, known: float | None = None, relaxed_yuan: float | None = None,
             solver: Any = None) -> _Prior:
    """A relaxed plan made a plan of the MIP: `model` (with counts) with n = `counts`, the relaxed
    plan's counts, searched as step 2 is, in the time left but at least FIXED_MIN_S. `known`: the
    cost of the best plan found before (yuan), which the solver line shows while this search
    has none cheaper (`_fixed_search`); `relaxed_yuan`: the relaxed plan's cost (yuan), for the
    solver line too. `solver`: a new solver `model` was handed to already (`_handed_over`); None:
    a new one."""
    solver = new_solver() if solver is None else solver
    fixed_settings = dataclasses.replace(settings.gap_share(FIXED_GAP_SHARE),
                                         time_limit_s=max(_time_left(settings, bounding.started), FIXED_MIN_S))
    report = _fixed_search(model, counts, fixed_settings, solver, lower, None, bounding.tried, known, relaxed_yuan)
    return _Prior(report, solver, counts, None, _snapshot(model) if report.has_solution else None)


def _prove(bounding: Bounding, mip: pyo.ConcreteModel, prior: _Prior,
           upper_of: Callable[[pyo.ConcreteModel], float | None] | None, settings: SolverSettings,
           own: SolverSettings, scout: SolveReport | None, lower: float | None = None
           ) -> tuple[_Prior, SolveReport | None, float | None]:
    """After the `scout`: search the relaxation for a bound that certifies the best plan so far
    (`prior`, held by `mip`), with the certifying bound as HiGHS's cutoff (`_proof_cutoff`), up to
    MAX_PROOFS times; none when the bound proven already certifies it (the scout's report is
    then returned). A search that finds a relaxed plan below the cutoff stops at it; that plan,
    made a plan of the MIP (`_scouted`), is the next to certify when it costs less (by about the
    gap at least: it lies below the cutoff). When it does not (its counts cannot be shared out
    among the sites as cheaply as the relaxation shares them), no cutoff search can certify the
    best plan: the report is None, and the caller searches the relaxation to its own gap, whose
    plan's counts are then fixed as usual (measured on scenarios/yunnan_2024.yaml with its
    steady-state year: returning that stopped search instead left the MIP 286 s at 0.50 %; the
    relaxation to its own gap proved 0.07 % in 74 s). Returns the best plan, the last search's
    report (None for the report also when there is no cutoff to search with) and the bound
    proven so far (yuan; the scout's at least). Without a `scout` (after `_early_plan`), `lower`
    is the bound proven before (yuan: the relaxation's LP bound), and the first search runs even
    when it certifies the plan already (it ends at once then), as its report stands for the
    relaxation's."""
    report: SolveReport | None = None
    lower = scout.best_bound_yuan if scout is not None else lower
    for _ in range(MAX_PROOFS):
        cutoff = _proof_cutoff(prior, mip, upper_of, settings, own)
        if cutoff is None:
            return prior, report, lower
        if lower is not None and lower >= cutoff and (report or scout) is not None:  # certified before
            return prior, report or scout, lower
        # a search for a bound: HiGHS's sub-MIP heuristics off (`BOUND_SEARCH_HEURISTICS`); a relaxed
        # plan below the cutoff, which ends it, its branching finds as well
        report = bounding.search(HIGHS_NODES, None, lower, prior.report.objective_yuan, cutoff, improving=1,
                                 heuristics=False)
        lower = report.best_bound_yuan
        if not report.has_solution:  # certified (its bound reached the cutoff), or stopped
            return prior, report, lower
        better = _scouted(mip, count_values(bounding.model), settings, lower, bounding, prior.report.objective_yuan,
                          report.objective_yuan)
        if not better.report.has_solution or better.report.objective_yuan >= prior.report.objective_yuan:
            if prior.values is not None:
                _restore(prior.values)
            return prior, None, lower
        prior = better
    return prior, report, lower


@dataclass
class _Prior:
    """The start plan tried on the MIP before the relaxation (`_start_search`)."""

    report: SolveReport
    solver: Any
    counts: dict[CountKey, int]
    start: ComponentMap | None
    values: ComponentMap | None


def _with_counts(model: pyo.ConcreteModel, inputs: ModelInputs) -> pyo.ConcreteModel:
    add_module_counts(model, inputs, model.index_data)
    return model


def _start_search(model: pyo.ConcreteModel, inputs: ModelInputs, start: PlanValues, settings: SolverSettings,
                  started: float) -> _Prior:
    """The start plan on `model` (the MIP with counts): its counts by cluster fixed, searched
    from the start itself. Its plan (the start's, or better within those counts) gives an upper
    bound before the relaxation runs, which may then stop as soon as its bound certifies it."""
    phase_started = time.perf_counter()
    start_map = counted_start(model, inputs, start) or ComponentMap()  # a plan always gives a start
    counts = {key: round(start_map.get(model.module_count[key], 0.0)) for key in model.COUNT}
    solver = new_solver()
    fixed_settings = dataclasses.replace(settings.gap_share(FIXED_GAP_SHARE),
                                         time_limit_s=max(_time_left(settings, started), FIXED_MIN_S))
    report = _fixed_search(model, counts, fixed_settings, solver, None, start_map, phase_started)
    return _Prior(report, solver, counts, start_map, _snapshot(model) if report.has_solution else None)


def _snapshot(model: pyo.ConcreteModel) -> ComponentMap:
    """The values every variable of `model` holds now (to restore after a worse search)."""
    return ComponentMap((v, v.value) for v in model.component_data_objects(pyo.Var))


def _restore(values: ComponentMap) -> None:
    for var, value in values.items():
        var.set_value(value, skip_validation=True)


def _fixed_search(model: pyo.ConcreteModel, counts: dict[CountKey, int], settings: SolverSettings, solver: Any,
                  lower: float | None, start: ComponentMap | None, since: float,
                  known: float | None = None, relaxed_yuan: float | None = None) -> SolveReport:
    """The fixed-count restriction of `model` with n = `counts`, from `start`; counts free again
    after. `known`: the cost of a plan of the model found before (yuan), shown on the solver line
    as the best plan while the restriction has none cheaper (its first plans may cost far more:
    a line "best plan 487.10 bn yuan" after a plan of -26.22 was found read as a step back).
    `relaxed_yuan`: the cost of the relaxed plan whose counts these are (yuan), for the solver line
    too: a plan far above it is not shown as it is found (siting/config/progress.py `held`)."""
    fix_module_counts(model, counts)
    try:
        with progress.searching("solve", lower, own_bound=False, since=since, plan_yuan=known,
                                relaxed_yuan=relaxed_yuan):
            return solve_model(model, settings, solver, start=start)
    finally:
        free_module_counts(model)


def _solve_plan(settings: SolverSettings, model: pyo.ConcreteModel | None, counts: dict[CountKey, int] | None,
                relaxation: SolveReport, started: float, asked: tuple, certify: bool,
                prior: _Prior | None, share: float, early_empty_s: float | None = None) -> CountSolve:
    """Steps 2 and 3 of `solve_by_counts` on `model` (with counts): the fixed-count search, then
    the MIP if needed. `counts`: the relaxed plan's counts by cluster (None without a relaxed
    plan); `share`: the relaxation's time share (s into the solve), as the no-plan reason says it,
    with `early_empty_s`, the early plan's search's seconds when it found no relaxed plan.
    `model` may be None only when no search has the time to run and no start plan was searched.

    Step 2 fixes the relaxation's counts, unless they are those of the start plan, whose search
    (`prior`) ran already: the plan returned never costs more than a start that is a plan of
    this MIP (a re-solve with a rule relaxed keeps the base plan feasible). It gets the time left,
    but at least FIXED_MIN_S. The MIP runs only with MIP_MIN_S left. The model keeps the
    cheapest plan found (the start's on ties)."""
    lower = relaxation.best_bound_yuan
    limit = settings.time_limit_s
    phase_started = time.perf_counter()
    solver = prior.solver if prior is not None else new_solver()
    searches: list[SolveReport] = []
    best: SolveReport | None = None
    kept: ComponentMap | None = None
    fixed_run: SolveReport | None = None
    fixed_limit = 0.0
    if prior is not None:
        searches.append(prior.report)
        if prior.values is not None:
            best, kept = prior.report, prior.values
            _restore(kept)
    if counts is not None and (prior is None or counts != prior.counts):
        assert model is not None
        fixed_limit = max(_time_left(settings, started), FIXED_MIN_S)  # a relaxed plan always gets its chance
        fixed_settings = dataclasses.replace(settings.gap_share(FIXED_GAP_SHARE), time_limit_s=fixed_limit)
        fixed_run = _fixed_search(model, counts, fixed_settings, solver, lower, None, phase_started,
                                  best.objective_yuan if best is not None and best.has_solution else None,
                                  relaxation.objective_yuan if relaxation.has_solution else None)
        searches.append(fixed_run)
        if fixed_run.has_solution and (best is None or fixed_run.objective_yuan < best.objective_yuan):
            best, kept = fixed_run, _snapshot(model)
        elif kept is not None:
            _restore(kept)
    fixed_report = min((r for r in searches if r.has_solution), key=lambda r: r.objective_yuan, default=None) \
        or (searches[0] if searches else None)
    full_report: SolveReport | None = None
    full_limit = 0.0
    mip_left: float | None = None
    if _mip_wanted(best, lower, settings, certify):
        left = _time_left(settings, started)
        if left >= MIP_MIN_S:
            assert model is not None
            full_limit = left
            full_start = "current" if best is not None else (prior.start if prior is not None else None)
            with progress.searching("solve", lower, since=phase_started):
                full_report = solve_model(model, dataclasses.replace(settings, time_limit_s=left), solver,
                                          start=full_start)
            if full_report.has_solution and (best is None or full_report.objective_yuan <= best.objective_yuan):
                best = full_report
            elif kept is not None:
                _restore(kept)
            if full_report.best_bound_yuan is not None:
                lower = full_report.best_bound_yuan if lower is None else max(lower, full_report.best_bound_yuan)
        else:
            mip_left = left
    elapsed = time.perf_counter() - started
    if best is None:
        last = full_report or fixed_report or relaxation
        # The MIP needed and given no time, or no search after a relaxed plan: the time limit ended it.
        ended = "maxTimeLimit" if mip_left is not None or (last is relaxation and relaxation.has_solution) \
            else last.termination
        report = dataclasses.replace(last, termination=ended, has_solution=False, proven_optimal=False,
                                     objective_yuan=None, best_bound_yuan=lower, gap=None, solve_time_s=elapsed,
                                     highs_options=asked, infeasible=last.infeasible and last is full_report)
        ran_solver = solver if full_report is not None or fixed_report is not None else None
        reason = None
        if ended == "maxTimeLimit":
            reason = _no_plan_reason(relaxation, share, fixed_run, fixed_limit, full_report, full_limit, mip_left,
                                     limit, early_empty_s)
        return CountSolve(report, None, ran_solver, relaxation, fixed_report, full_report, lower,
                          mip_left_s=mip_left, no_plan_reason=reason)
    upper = best.objective_yuan
    bound = min(lower, upper) if lower is not None and upper is not None else None
    gap = relative_gap(upper, bound)
    proven = within_gap(upper, bound, settings.rel_gap, settings.abs_gap_yuan)
    if proven:
        termination = "convergenceCriteriaSatisfied"
    elif not certify and full_report is None:  # the MIP was not asked for: the plan's own search's ending
        termination = best.termination
    else:  # the last search's own ending, or the time limit that left the MIP no time
        last = next(r for r in (full_report, fixed_report, relaxation) if r is not None)
        termination = last.termination if last.termination != "convergenceCriteriaSatisfied" else "maxTimeLimit"
    report = dataclasses.replace(best, termination=termination, proven_optimal=proven, best_bound_yuan=bound,
                                 gap=gap, solve_time_s=elapsed, highs_options=asked,
                                 start_dropped=any(r is not None and r.start_dropped
                                                   for r in (relaxation, full_report)))
    return CountSolve(report, model, solver, relaxation, fixed_report, full_report, lower, mip_left_s=mip_left)


def _no_plan_reason(relaxation: SolveReport, share: float, fixed: SolveReport | None, fixed_limit: float,
                    full: SolveReport | None, full_limit: float, mip_left: float | None, limit: float,
                    early_empty_s: float | None = None) -> str:
    """Why a solve of time limit `limit` (s) that time ended has no plan, in one sentence: what the
    relaxation (given `share` s into the solve), the fixed-count search (`fixed`, given
    `fixed_limit` s; None: it did not run) and the MIP (`full`, given `full_limit` s; None: it did
    not start, with `mip_left` s left) found, e.g. "The count relaxation found no relaxed plan in
    its share of the time limit (0.5 s of 1 s); 0.2 s of the 1 s limit left, too few for a MIP
    search (it needs 0.5 s)." `early_empty_s`: the seconds of the early plan's one-node search
    (`_early_plan`) when it found no relaxed plan, named first ("The early plan's one-node search
    found no relaxed plan in its 1.5 s, and the count relaxation ..."). """
    if not relaxation.has_solution:
        first = (f"the count relaxation found no relaxed plan in its share of the time limit "
                 f"({_share_text(share)} s of {limit:g} s)" if relaxation.termination == "maxTimeLimit"
                 else f"the count relaxation ended without a relaxed plan ({relaxation.termination})")
        if early_empty_s is not None:
            first = (f"the early plan's one-node search found no relaxed plan in its {early_empty_s:.1f} s, and "
                     f"{first}")
    elif fixed is None:
        first = "the relaxed plan's counts of modules by cluster are the start plan's, which gave no plan"
    elif fixed.infeasible:
        first = ("the relaxed plan's counts of modules by cluster cannot be shared out among the sites (site land, "
                 "module bounds)")
    elif fixed.termination == "maxTimeLimit":
        first = (f"the search with the relaxed plan's counts of modules by cluster fixed found no plan in its "
                 f"{fixed_limit:.1f} s")
    else:
        first = (f"the search with the relaxed plan's counts of modules by cluster fixed ended without a plan "
                 f"({fixed.termination})")
    if full is not None:
        second = (f"the MIP search found none in the {full_limit:.1f} s left" if full.termination == "maxTimeLimit"
                  else f"the MIP search ended without one ({full.termination})")
    else:
        second = _no_mip_words(mip_left if mip_left is not None else 0.0, limit)
    return f"{first[0].upper()}{first[1:]}; {second}."
