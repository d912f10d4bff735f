"""Two things under the front door's solves: a plan costed with its decisions fixed
(siting/optimize/solve.py `solve_fixed`, which `plan_cost` and `whole_decisions` share), and the
time shares of a solve's searches, each counted from the start of the solve so that a search
that runs past its own limit (HiGHS may, by a second or two under load) shortens those after it
instead of pushing the end of the solve back.

Time is simulated as in tests/test_short_time_limit.py: every search runs for real with a 30 s
limit, then the clock moves on by the seconds the test gives it; outside the searches it stands
still unless the test moves it, so every time left is exact."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pyomo.environ as pyo
import pytest
from test_counts import dear_second_site
from test_families import SETTINGS, make_inputs
from test_screening import CELL_IDS, MERGE_ALL, cells
from test_short_time_limit import Clock, settings, timed_out

import siting.optimize.screening as screening
from models import build_model
from siting.optimize import counts, solve
from siting.optimize.counts import solve_by_counts
from siting.optimize.screening import solve_screened
from siting.optimize.solve import SolveReport, SolverSettings, solve_fixed, solve_model

# --- a plan costed with its decisions fixed ---------------------------------------------------


def test_a_plan_with_its_modules_fixed_costs_what_they_leave_short() -> None:
    """Default instance of tests/test_families.py (P targets 30 units, p10 = 10 units for 100
    yuan, 1,000 yuan per unit short): with 2 modules of p at s1 and none elsewhere fixed, the
    rest of the plan costs 2 x 100 + (30 - 20) x 1,000 = 10,200 yuan. The modules are free again
    afterwards, each holding the value it was fixed to."""
    model = build_model(make_inputs())
    fixes = [(model.build[key], 2.0 if key[:2] == ("s1", "p") else 0.0) for key in model.BUILD]
    assert sum(value for _var, value in fixes) == 2.0
    report = solve_fixed(model, fixes, SETTINGS)
    assert report.proven_optimal
    assert report.objective_yuan == pytest.approx(10_200.0, rel=1e-9)
    assert [(var.fixed, var.value) for var, _value in fixes] == [(False, value) for _var, value in fixes]


def test_the_variables_are_free_again_when_the_solve_is_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> SolveReport:
        raise KeyboardInterrupt

    model = build_model(make_inputs())
    monkeypatch.setattr(solve, "solve_model", interrupted)
    with pytest.raises(KeyboardInterrupt):
        solve_fixed(model, [(model.build[key], 1.0) for key in model.BUILD], SETTINGS)
    assert not any(model.build[key].fixed for key in model.BUILD)


def test_plan_cost_and_the_rounding_of_near_whole_decisions_fix_through_one_helper(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Both fix the whole-number decisions and solve the rest: the rounding (one value 2.99 of
    the 3 modules of the optimum) fixes every integer variable to its rounded value, the costing
    of that plan on a fresh model the same values; both cost 300 yuan."""
    import siting.optimize.run as run

    given: list[dict[str, float]] = []

    def recorded(model: pyo.ConcreteModel, fixes: Any, *args: Any) -> SolveReport:
        fixes = list(fixes)
        given.append({var.name: float(value) for var, value in fixes})
        return solve_fixed(model, fixes, *args)

    monkeypatch.setattr(run, "solve_fixed", recorded)
    monkeypatch.setattr(solve, "solve_fixed", recorded)
    model = build_model(make_inputs())
    report = solve_model(model, SETTINGS)
    held = next(key for key in model.BUILD if round(model.build[key].value) == 3)
    plan = solve.plan_values(model)
    model.build[held].set_value(2.99, skip_validation=True)
    assert run.whole_decisions(model, report, SETTINGS, []).objective_yuan == pytest.approx(300.0, rel=1e-9)
    costed = solve.plan_cost(build_model(make_inputs()), plan, SETTINGS)
    assert costed is not None and costed.objective_yuan == pytest.approx(300.0, rel=1e-9)
    assert len(given) == 2 and given[0] == given[1]
    assert given[0][model.build[held].name] == 3.0


# --- time shares counted from the start of the solve -------------------------------------------


def test_a_caller_that_started_earlier_has_the_relaxations_share_counted_from_its_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`dear_second_site`, 4 s, the solve begun 1.5 s before `solve_by_counts` is called: the
    relaxation stops 2.8 s into it, so it is given 1.3 s; it runs 2.0 s (0.7 s past its limit),
    and the fixed-count search gets the 4 - 3.5 = 0.5 s left, raised to its 1 s minimum."""
    clock = Clock(monkeypatch, [(2.0, timed_out), (0.2, None)])
    solve_by_counts(dear_second_site(), settings(4.0), started=clock.now - 1.5)
    assert clock.limits == [pytest.approx(1.3, rel=1e-9), 1.0]


class ScreeningClock:
    """The clock of siting/optimize/counts.py and screening.py and their searches, simulated: the
    aggregation takes `aggregating` seconds; search i runs for real, then takes `steps[i][0]`
    seconds and has its report changed by `steps[i][1]` (searches beyond the steps take none).
    `limits`: the time limit (s) each search was given, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, aggregating: float, steps: list[tuple[float, Any]]):
        self.now = 1000.0
        self.steps = list(steps)
        self.limits: list[float] = []
        clock = SimpleNamespace(perf_counter=lambda: self.now)
        monkeypatch.setattr(counts, "time", clock)
        monkeypatch.setattr(screening, "time", clock)
        monkeypatch.setattr(counts, "solve_model", self.search)
        monkeypatch.setattr(screening, "solve_model", self.search)
        merge = screening.aggregate

        def slow_merge(*args: Any, **kwargs: Any) -> Any:
            merged = merge(*args, **kwargs)
            self.now += aggregating
            return merged

        monkeypatch.setattr(screening, "aggregate", slow_merge)

    def search(self, model: pyo.ConcreteModel, settings: SolverSettings, *args: Any, **kwargs: Any) -> SolveReport:
        self.limits.append(settings.time_limit_s)
        report = solve_model(model, dataclasses.replace(settings, time_limit_s=30.0), *args, **kwargs)
        seconds, change = self.steps.pop(0) if self.steps else (0.0, None)
        self.now += seconds
        return change(report) if change is not None else report


def test_the_screenings_time_shares_count_from_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/test_screening.py's cells, 60 s: aggregating takes 5 s, so the merged model's count
    relaxation, which stops 0.85 x 60 = 51 s into the screening, is given 46 s; here its time
    limit stops it after 33 s. The merged model's fixed-count search then gets the 60 - 38 = 22 s
    left (not 60 - 33 = 27 s, counted from the start of the merged model's own solve), takes 1 s,
    and the first screened round's first search the 21 s left."""
    clock = ScreeningClock(monkeypatch, 5.0, [(33.0, timed_out), (1.0, None), (1.0, None)])
    result = solve_screened(cells(), CELL_IDS, dataclasses.replace(SETTINGS, time_limit_s=60.0), MERGE_ALL)
    assert clock.limits[:3] == [pytest.approx(46.0, rel=1e-9), pytest.approx(22.0, rel=1e-9),
                                pytest.approx(21.0, rel=1e-9)]
    assert result.summary.rounds >= 1
    assert result.summary.time_stopped[0] == "merged model"
