"""The front door's words for what only one front door can say: a slack given without
alternatives is refused, not ignored, naming the Python arguments (`slack`, `alternatives=N`) or,
for the command line, its options (`--slack`, `--alternatives N`); and the advice of a run
without a plan names the time-limit argument of the front door in use (`time_limit_s=` in
Python, `--time-limit` on the command line).

Solves are of the small scenario of tests/data/small with the clock and the searches of
siting/optimize/counts.py simulated (tests/test_short_time_limit.py `Clock`): the count
relaxation, given 1.0 s of a 2 s limit, finds no plan and takes 1.8 s, so 0.2 s are left, under
the 0.5 s a MIP search needs: no plan, for want of time."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_short_time_limit import Clock, no_plan

import siting
from siting import api
from siting.config.errors import InputError, NoSolution
from siting.optimize.results import TIME_LIMIT_NAME, time_limit_named
from siting.optimize.run import screening_no_plan_message
from siting.optimize.solve import SolveReport, SolverSettings

SMALL = Path(__file__).parent / "data" / "small"

#: The no-plan message of the simulated solve, with `{name}` for the time-limit argument.
NO_TIME = ("the solver found no plan within the time limit of 2 s (status maxTimeLimit); raise "
           "solver.time_limit_s (or {name}). The count relaxation found no relaxed plan in its share of the time "
           "limit (1.0 s of 2 s); 0.2 s of the 2 s limit left, too few for a MIP search (it needs 0.5 s).")


def problems(call: Any, *args: Any, **kwargs: Any) -> list[str]:
    """The problems of the InputError `call(*args, **kwargs)` raises."""
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


# --- 1. a slack without alternatives ----------------------------------------------------------


@pytest.mark.parametrize("given", [{}, {"alternatives": 0}])
def test_run_refuses_a_slack_without_alternatives_naming_the_python_arguments(folder: Path, given: dict) -> None:
    """`slack` shapes the alternatives only: given alone it would change nothing, in silence."""
    said = problems(siting.run, folder / "scenario.yaml", folder / "out", slack=0.02, **given)
    assert said == ["slack | applies to the alternatives only (got 0.02 without alternatives); add alternatives=N, "
                    "or drop slack"]
    assert not (folder / "out").exists()


def test_the_command_line_names_its_options_for_the_same_refusal(folder: Path) -> None:
    """The command line makes the same call under `command_line_names`: the same check, in its
    options' words (tests/test_display.py runs it through `siting solve --slack 0.02`)."""
    with api.command_line_names():
        said = problems(siting.run, folder / "scenario.yaml", folder / "out", slack=0.02)
    assert said == ["--slack | applies to the alternatives only (got 0.02 without --alternatives); add "
                    "--alternatives N, or drop --slack"]
    assert not (folder / "out").exists()


def test_a_bad_slack_is_named_for_its_value_before_the_missing_alternatives(folder: Path) -> None:
    """As on the command line, where `--slack 2` is refused by its own check first."""
    assert problems(siting.run, folder / "scenario.yaml", folder / "out", slack=2) == [
        "slack | must be a share of the optimum's cost from 0 to 1, not a percent (got 2, which is 200%); give "
        "slack=0.02 for 2 %"]


@pytest.mark.parametrize(("given", "passed"), [({}, 0.05), ({"slack": 0.02}, 0.02), ({"slack": 0}, 0.0)])
def test_run_hands_the_alternatives_the_slack_given_or_the_default(monkeypatch: pytest.MonkeyPatch, folder: Path,
                                                                  given: dict, passed: float) -> None:
    """With alternatives, no slack means DEFAULT_SLACK (5 %); a slack of 0 is a slack given."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(api, "run_solve", lambda *args, **kwargs: calls.append(kwargs))
    siting.run(folder / "scenario.yaml", folder / "out", alternatives=2, **given)
    assert api.DEFAULT_SLACK == 0.05
    assert [(c["alternatives"], c["slack"]) for c in calls] == [(2, passed)]


def test_run_without_alternatives_or_slack_hands_on_the_default(monkeypatch: pytest.MonkeyPatch,
                                                                folder: Path) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(api, "run_solve", lambda *args, **kwargs: calls.append(kwargs))
    siting.run(folder / "scenario.yaml", folder / "out")
    assert [(c["alternatives"], c["slack"]) for c in calls] == [(0, 0.05)]


def test_alternatives_takes_no_slack_as_the_default_as_run_does() -> None:
    """`slack=None` is no slack given in `alternatives` as in `run`: DEFAULT_SLACK, not refused."""
    assert siting.alternatives(SMALL / "scenario.yaml", n=1, slack=None).slack == api.DEFAULT_SLACK


def test_alternatives_refuses_a_bad_count_alone_when_no_slack_is_given() -> None:
    assert problems(siting.alternatives, SMALL / "scenario.yaml", n=0, slack=None) == [
        "n | must be a whole number from 1 to 99 (got 0); give e.g. n=5"]


@pytest.mark.parametrize(("name", "value", "text"), [
    ("alternatives", "N", "alternatives=N"), ("--alternatives", "N", "--alternatives N"),
    ("time_limit_s", "", "time_limit_s="), ("--time-limit", "", "--time-limit")])
def test_an_argument_is_written_as_its_front_door_takes_it(name: str, value: str, text: str) -> None:
    assert api.written(name, value) == text


# --- 2. the time limit in the advice of a run without a plan ---------------------------------


def test_solve_names_the_python_time_limit_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    Clock(monkeypatch, [(1.8, no_plan)])
    with pytest.raises(NoSolution) as caught:
        siting.solve(SMALL / "scenario.yaml", time_limit_s=2)
    assert str(caught.value) == NO_TIME.format(name="time_limit_s=")
    assert TIME_LIMIT_NAME.get() == "--time-limit"  # as it was once the call returned


def test_run_names_the_python_time_limit_argument(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    Clock(monkeypatch, [(1.8, no_plan)])
    with pytest.raises(NoSolution) as caught:
        siting.run(folder / "scenario.yaml", folder / "out", time_limit_s=2)
    assert str(caught.value) == NO_TIME.format(name="time_limit_s=")
    assert not (folder / "out").exists()


def test_the_same_call_under_the_command_lines_names_says_its_option(monkeypatch: pytest.MonkeyPatch,
                                                                     folder: Path) -> None:
    """tests/test_short_time_limit.py runs `siting solve --time-limit 2` itself."""
    Clock(monkeypatch, [(1.8, no_plan)])
    with api.command_line_names(), pytest.raises(NoSolution) as caught:
        siting.run(folder / "scenario.yaml", folder / "out", time_limit_s=2)
    assert str(caught.value) == NO_TIME.format(name="--time-limit")


def screened(termination: str, rounds: int) -> Any:
    """A screened solve without a plan, as `screening_no_plan_message` reads it: 8 cells merged
    into 3 groups (4 sites); `rounds` screened rounds of 4 sites; node budgets 8,000 and 1,000."""
    report = SolveReport(termination, rounds == 0, False, False, None, None, None, 1.0, "1.16.0")
    summary = SimpleNamespace(candidates=8, groups=3, aggregate_sites=4, screened_sites=4, rounds=rounds,
                              aggregate_limits=(("mip_max_nodes", 8000),), round_limits=(("mip_max_nodes", 1000),))
    return SimpleNamespace(report=report, summary=summary)


@pytest.mark.parametrize(("termination", "rounds", "said"), [
    ("maxTimeLimit", 0, "the merged model (the 8 candidate cells merged into 3 groups, 4 sites in all) took the time "
                        "limit of 60 s, leaving no time for the screened instance of the parks and a few cells; raise "
                        "solver.time_limit_s (or time_limit_s=)"),
    ("maxTimeLimit", 2, "the screened instance (4 sites: the parks and the cells the merged plan uses) found no plan "
                        "in 2 rounds within the time limit of 60 s; raise solver.time_limit_s (or time_limit_s=)"),
    ("iterationLimit", 1, "the screened instance (4 sites: the parks and the cells the merged plan uses) found no "
                          "plan in 1 round within its node budget of 1,000 nodes; set solver.options.mip_max_nodes "
                          "to a larger number (it replaces the screening's node budgets) and raise "
                          "solver.time_limit_s (or time_limit_s=) to match"),
])
def test_the_screenings_advice_names_the_argument_in_use(termination: str, rounds: int, said: str) -> None:
    """`siting.solve` runs the screened solve of a scenario with candidate cells under the Python
    name, as it runs the others (`time_limit_named`)."""
    with time_limit_named("time_limit_s="):
        assert screening_no_plan_message(screened(termination, rounds), SolverSettings(time_limit_s=60.0)) == said
