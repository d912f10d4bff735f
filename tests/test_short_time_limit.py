"""A time limit too short for the three searches of siting/optimize/counts.py: the relaxation's
share, the fixed-count search's minimum, the MIP left out, and what the progress lines and the
no-plan message say.

Time is simulated, so that no test depends on the machine's speed: `Clock` replaces the clock of
siting/optimize/counts.py and its `solve_model`; each search runs for real on a tiny instance
(with a 30 s limit, far more than it needs), then the clock moves on by the seconds the test
gives it, and its report may be made that of a search the time limit stopped. The clock stands
still outside the searches, so every time left is exact.

Instances (tests/test_counts.py): `dear_second_site`: relaxation 650 (its bound), fixed counts 700,
MIP optimum 700, so the fixed plan is not certified and the MIP is wanted; `shared_land(3)`: the
relaxation's counts cannot be shared out (the fixed-count search is infeasible), MIP 10300.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyomo.environ as pyo
import pytest
from test_counts import P2, Q2, Q20, dear_second_site, hosted_once, shared_land

from models import ModelInputs, build_model
from models.counts import add_module_counts, relax_site_counts
from siting.cli import main
from siting.config import progress
from siting.optimize import counts
from siting.optimize.counts import relaxation_time_s, solve_by_counts
from siting.optimize.solve import SolveReport, SolverSettings, new_solver, plan_values, solve_model

SMALL = Path(__file__).parent / "data" / "small"

Change = Callable[[SolveReport], SolveReport] | None


def timed_out(report: SolveReport) -> SolveReport:
    """`report` as the time limit would have ended it: its plan and bound kept, not proven."""
    return dataclasses.replace(report, termination="maxTimeLimit", proven_optimal=False)


def no_plan(report: SolveReport) -> SolveReport:
    """`report` as a search the time limit stopped before any plan."""
    return dataclasses.replace(report, termination="maxTimeLimit", has_solution=False, proven_optimal=False,
                               objective_yuan=None, best_bound_yuan=None, gap=None)


class Clock:
    """The clock and the searches of siting/optimize/counts.py, simulated: search i runs for real,
    then takes `steps[i][0]` seconds of the clock and has its report changed by `steps[i][1]`.
    `limits`: the time limit (s) each search was given, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, steps: list[tuple[float, Change]]):
        self.now = 1000.0
        self.steps = list(steps)
        self.limits: list[float] = []
        monkeypatch.setattr(counts, "time", SimpleNamespace(perf_counter=lambda: self.now))
        monkeypatch.setattr(counts, "solve_model", self.search)

    def search(self, model: pyo.ConcreteModel, settings: SolverSettings, *args: Any, **kwargs: Any) -> SolveReport:
        self.limits.append(settings.time_limit_s)
        report = solve_model(model, dataclasses.replace(settings, time_limit_s=30.0), *args, **kwargs)
        seconds, change = self.steps.pop(0)
        self.now += seconds
        return change(report) if change is not None else report


def settings(limit: float) -> SolverSettings:
    return SolverSettings(rel_gap=0.0, time_limit_s=limit)


def phase_lines(stream: io.StringIO) -> list[str]:
    """The phase lines written (not the solver's lines), with their seconds as N."""
    return [re.sub(r"after \d+\.\d s", "after N s", line) for line in stream.getvalue().splitlines()
            if not re.match(r"(bound|solve) \d", line)]


def reporter() -> tuple[io.StringIO, progress.Reporter]:
    stream = io.StringIO()
    return stream, progress.Reporter(stream, live=False, duplicate=False)


@pytest.mark.parametrize(("limit", "share"), [(120.0, 84.0), (6.0, 4.2), (4.0, 2.8), (3.0, 2.0), (2.0, 1.0),
                                              (1.0, 0.5)])
def test_the_relaxation_leaves_the_plan_phase_a_second_or_half_the_limit(limit: float, share: float) -> None:
    """min(0.7 T, T - min(1, T / 2)): 0.7 T from 3.3 s up (84 of 120, 4.2 of 6, 2.8 of 4); T - 1
    below (2 of 3, 1 of 2); half of T from 2 s down (0.5 of 1)."""
    assert relaxation_time_s(limit) == pytest.approx(share, rel=1e-12)


def test_a_relaxed_plan_stopped_by_its_share_still_gives_a_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short limit, on `dear_second_site` with a 4 s limit: the relaxation is given 2.8 s
    and runs to 3.7 s (HiGHS past its limit), stopped with its plan (650, bound 650). 0.3 s are
    left: the fixed-count search still gets its 1 s, and finds 700 in 0.4 s. The limit is then
    passed (-0.1 s left): no MIP search. The plan (700) stands against the relaxation's proven
    bound 650: gap (700 - 650) / 700 = 1/14, termination "maxTimeLimit", not proven.
    Progress: the bound phase stopped at its share, the solve phase at the time limit, saying why
    the MIP did not run."""
    clock = Clock(monkeypatch, [(3.7, timed_out), (0.4, None)])
    stream, lines = reporter()
    with progress.reporting(lines):
        result = solve_by_counts(dear_second_site(), settings(4.0))
    assert clock.limits == [pytest.approx(2.8, rel=1e-12), 1.0]
    assert result.full is None
    assert result.mip_left_s == pytest.approx(-0.1, abs=1e-9)
    report = result.report
    assert report.has_solution and not report.proven_optimal
    assert report.termination == "maxTimeLimit"
    assert report.objective_yuan == pytest.approx(700.0, rel=1e-9)
    assert report.best_bound_yuan == pytest.approx(650.0, rel=1e-9)
    assert report.gap == pytest.approx(1 / 14, rel=1e-9)
    assert result.no_plan_reason is None
    assert phase_lines(stream) == [
        "bound: bounding the cost: whole modules counted by cluster, shared out freely among its sites ...",
        "bound: stopped at its time share (2.8 s of the 4 s limit) after N s",
        "solve: HiGHS is searching for the best plan ...",
        "solve: stopped at the time limit after N s: the 4 s limit reached, no time left for a MIP search",
    ]


def test_the_mip_gets_the_time_left_from_half_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dear_second_site`, 4 s: the relaxation takes 3.2 s, the fixed-count search (given its
    1 s, 0.8 s being left) 0.2 s; the MIP then gets the 0.6 s left and proves 700: gap 0."""
    clock = Clock(monkeypatch, [(3.2, timed_out), (0.2, None), (0.1, None)])
    result = solve_by_counts(dear_second_site(), settings(4.0))
    assert clock.limits == [pytest.approx(2.8, rel=1e-12), 1.0, pytest.approx(0.6, rel=1e-9)]
    assert result.full is not None and result.mip_left_s is None
    assert result.report.proven_optimal and result.report.termination == "convergenceCriteriaSatisfied"
    assert result.report.objective_yuan == pytest.approx(700.0, rel=1e-9)
    assert result.report.gap == pytest.approx(0.0, abs=1e-9)


def test_less_than_half_a_second_left_starts_no_mip_and_says_how_much_was_left(monkeypatch: pytest.MonkeyPatch
                                                                              ) -> None:
    """`dear_second_site`, 6 s: the relaxation (given 4.2 s) runs 4.5 s; the fixed-count search
    gets the 1.5 s left and takes 1.1 s: 0.4 s are left, under the 0.5 s a MIP search needs, so
    it is left out and the solve phase's line says how much was left."""
    clock = Clock(monkeypatch, [(4.5, timed_out), (1.1, None)])
    stream, lines = reporter()
    with progress.reporting(lines):
        result = solve_by_counts(dear_second_site(), settings(6.0))
    assert clock.limits == [pytest.approx(4.2, rel=1e-12), pytest.approx(1.5, rel=1e-12)]
    assert result.mip_left_s == pytest.approx(0.4, rel=1e-9)
    assert result.report.termination == "maxTimeLimit"
    assert phase_lines(stream)[-1] == ("solve: stopped at the time limit after N s: 0.4 s of the 6 s limit left, "
                                       "too few for a MIP search (it needs 0.5 s)")


def test_the_relaxations_share_counts_from_the_start_of_the_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a start plan (tests/test_counts.py `test_a_start_plan_cheaper_than_the_relaxations_counts_is_kept`:
    plan B, 655) the start search runs first, given the whole 4 s, and takes 1.5 s: the
    relaxation then has 2.8 - 1.5 = 1.3 s of its share left."""
    inputs = dataclasses.replace(dear_second_site(), MODULES=(P2, Q2, Q20))
    mip = build_model(inputs)
    solve_model(mip, settings(30.0))
    start = plan_values(mip)
    clock = Clock(monkeypatch, [(1.5, None), (0.2, None), (0.1, None), (0.1, None)])
    result = solve_by_counts(inputs, settings(4.0), start=start, certify=False)
    assert clock.limits[:2] == [4.0, pytest.approx(1.3, rel=1e-9)]
    assert result.report.objective_yuan == pytest.approx(655.0, rel=1e-9)


def test_no_relaxed_plan_and_no_time_skips_the_solve_phase(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dear_second_site`, 2 s: the relaxation (given 1 s) finds no plan and takes 1.8 s. 0.2 s
    are left, under the 0.5 s a MIP search needs: no search runs and the MIP is not even built
    (one search in all). The solve phase is not announced as searching: its one line says it was
    skipped and why. The report: no plan, "maxTimeLimit", with the reason."""
    clock = Clock(monkeypatch, [(1.8, no_plan)])
    stream, lines = reporter()
    with progress.reporting(lines):
        result = solve_by_counts(dear_second_site(), settings(2.0))
    assert clock.limits == [1.0]
    assert result.model is None and result.fixed is None and result.full is None
    assert not result.report.has_solution and result.report.termination == "maxTimeLimit"
    assert result.no_plan_reason == ("The count relaxation found no relaxed plan in its share of the time limit "
                                     "(1.0 s of 2 s); 0.2 s of the 2 s limit left, too few for a MIP search (it "
                                     "needs 0.5 s).")
    assert phase_lines(stream) == [
        "bound: bounding the cost: whole modules counted by cluster, shared out freely among its sites ...",
        "bound: stopped at its time share (1.0 s of the 2 s limit) after N s",
        "solve: skipped: no relaxed plan, and 0.2 s of the 2 s limit left, too few for a MIP search (it needs 0.5 s)",
    ]


@pytest.mark.parametrize(("inputs", "fixed", "reason"), [
    (shared_land(3.0), None,
     "The relaxed plan's counts of modules by cluster cannot be shared out among the sites (site land, module "
     "bounds); the 4 s limit reached, no time left for a MIP search."),
    (dear_second_site(), no_plan,
     "The search with the relaxed plan's counts of modules by cluster fixed found no plan in its 1.0 s; the 4 s "
     "limit reached, no time left for a MIP search."),
], ids=["counts-not-shared-out", "fixed-counts-out-of-time"])
def test_fixed_counts_without_a_plan_and_no_time_say_why(monkeypatch: pytest.MonkeyPatch, inputs: ModelInputs,
                                                         fixed: Change, reason: str) -> None:
    """The relaxation runs to 3.5 s of 4 with a plan; the fixed-count search, given its 1 s, gives
    no plan (its counts cannot be shared out, or its second ran out) and takes 0.6 s: the limit
    is passed, no MIP. No plan, "maxTimeLimit" (the MIP was needed and had no time: not
    "infeasible", which would claim the rules cannot be met), and why."""
    clock = Clock(monkeypatch, [(3.5, timed_out), (0.6, fixed)])
    result = solve_by_counts(inputs, settings(4.0))
    assert clock.limits == [pytest.approx(2.8, rel=1e-12), 1.0]
    assert result.fixed is not None and not result.fixed.has_solution
    assert not result.report.has_solution and not result.report.infeasible
    assert result.report.termination == "maxTimeLimit"
    assert result.no_plan_reason == reason


def test_the_command_line_says_why_there_is_no_plan(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The small scenario with --time-limit 2, its relaxation without a plan after 1.8 s: exit 1,
    no output folder, and the message says which search found nothing in how much time."""
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    Clock(monkeypatch, [(1.8, no_plan)])
    out = tmp_path / "out"
    assert main(["solve", str(SMALL / "scenario.yaml"), "--out", str(out), "--time-limit", "2"]) == 1
    assert capsys.readouterr().err == (
        "no plan: the solver found no plan within the time limit of 2 s (status maxTimeLimit); raise "
        "solver.time_limit_s (or --time-limit). The count relaxation found no relaxed plan in its share of the time "
        "limit (1.0 s of 2 s); 0.2 s of the 2 s limit left, too few for a MIP search (it needs 0.5 s).\n")
    assert not out.exists()


def test_an_early_search_past_the_share_without_a_relaxed_plan_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` (its early plan tried), 2 s: the relaxation's share is 1.0 s. The early
    plan's LPs take no clock time; its one-node search (not run here) takes 1.5 s of the clock,
    past the share, and finds no relaxed plan. The scout then has no time left (0.1 s, no plan),
    and 0.4 s are left, under the 0.5 s a MIP search needs. The bound phase's line says the early
    plan went on past the share; the no-plan reason names the early search first."""
    clock = Clock(monkeypatch, [(0.1, no_plan)])

    def empty_search(highs: Any, work: Callable[[], Any]) -> tuple[float, Any]:
        done = work()
        clock.now += 1.5
        return 1.5, done

    monkeypatch.setattr(counts, "EARLY_MIN_INTEGERS", 0)
    monkeypatch.setattr(counts, "_search_aside", empty_search)
    stream, lines = reporter()
    with progress.reporting(lines):
        result = solve_by_counts(hosted_once(), settings(2.0))
    assert clock.limits == [0.0]
    assert not result.report.has_solution and result.report.termination == "maxTimeLimit"
    assert result.no_plan_reason == (
        "The early plan's one-node search found no relaxed plan in its 1.5 s, and the count relaxation found no "
        "relaxed plan in its share of the time limit (1.0 s of 2 s); 0.4 s of the 2 s limit left, too few for a "
        "MIP search (it needs 0.5 s).")
    assert phase_lines(stream) == [
        "bound: bounding the cost: whole modules counted by cluster, shared out freely among its sites ...",
        "bound: stopped at its time share (1.0 s of the 2 s limit; the early plan went on past it) after N s",
        "solve: skipped: no relaxed plan, and 0.4 s of the 2 s limit left, too few for a MIP search (it needs 0.5 s)",
    ]


def test_a_first_plan_and_no_relaxed_plan_after_it_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hosted_once` (its early plan tried), 2 s: its one-node search runs (1.5 s of the clock,
    past the 1.0 s share) and gives the relaxed plan; its counts fixed give the first plan (0.1 s;
    taken here as 30000, above the LP bound 20300 by more than the gap, 0); its proof has no time
    left (0.1 s, no plan); 0.3 s are left, too few for a MIP search. The solve phase's line says
    no relaxed plan came after the first plan's (not "no relaxed plan"): the run has that plan."""
    clock = Clock(monkeypatch, [(0.1, lambda report: dataclasses.replace(report, objective_yuan=30000.0)),
                                (0.1, no_plan)])
    aside = counts._search_aside

    def slow_search(highs: Any, work: Callable[[], Any]) -> tuple[float, Any]:
        seconds, done = aside(highs, work)
        clock.now += 1.5
        return seconds, done

    monkeypatch.setattr(counts, "EARLY_MIN_INTEGERS", 0)
    monkeypatch.setattr(counts, "_search_aside", slow_search)
    stream, lines = reporter()
    with progress.reporting(lines):
        result = solve_by_counts(hosted_once(), settings(2.0))
    assert result.report.has_solution and result.report.objective_yuan == pytest.approx(30000.0, rel=1e-9)
    assert phase_lines(stream)[-3:] == [  # wrapped at 120 columns
        "bound: stopped at its time share (1.0 s of the 2 s limit; the early plan went on past it) after N s",
        "solve: skipped: no relaxed plan beyond the first plan's, and 0.3 s of the 2 s limit left,",
        "  too few for a MIP search (it needs 0.5 s)",
    ]


def lp_bound_after_a_hand_off(monkeypatch: pytest.MonkeyPatch, handing_s: float) -> tuple[float | None, list[float]]:
    """`_lp_bound` of `hosted_once`'s count relaxation with a share of 1.0 s, from the share's
    start, its hand-off to HiGHS taking `handing_s` seconds of the clock: the bound (yuan) and the
    time limit of each LP it ran."""
    clock = Clock(monkeypatch, [])
    limits: list[float] = []
    hand_over, highs_copy = counts._hand_over, counts._highs_copy

    def slow_hand_over(solver: Any, model: pyo.ConcreteModel) -> None:
        hand_over(solver, model)
        clock.now += handing_s

    def copy(lp: Any, options: dict[str, Any], continuous: bool) -> Any:
        limits.append(options["time_limit"])
        return highs_copy(lp, options, continuous)

    monkeypatch.setattr(counts, "_hand_over", slow_hand_over)
    monkeypatch.setattr(counts, "_highs_copy", copy)
    relaxed = build_model(hosted_once())
    add_module_counts(relaxed, hosted_once(), relaxed.index_data)
    relax_site_counts(relaxed)
    bounding = counts.Bounding(relaxed, new_solver(), settings(2.0), 1.0, clock.now, clock.now)
    return counts._lp_bound(bounding), limits


def test_the_lp_bound_gets_the_share_left_after_the_hand_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-off of 0.6 s leaves the LP 0.4 s of the 1.0 s share (it had the whole 1.0 s, counted
    before the hand-off, and could end 0.6 s past the share); `hosted_once`'s LP bound is 20300."""
    bound, limits = lp_bound_after_a_hand_off(monkeypatch, 0.6)
    assert limits == [pytest.approx(0.4, abs=1e-9)]
    assert bound == pytest.approx(20300.0, rel=1e-9)


def test_a_hand_off_that_spends_the_share_leaves_no_lp_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hand-off of 1.5 s spends the 1.0 s share: no LP runs, no bound (it ran with 1.0 s)."""
    assert lp_bound_after_a_hand_off(monkeypatch, 1.5) == (None, [])
