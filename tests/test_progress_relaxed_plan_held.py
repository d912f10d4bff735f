"""The solver's line of a search that makes a relaxed plan a plan of the model (the module counts
of the relaxed plan fixed) does not show, as it is found, HiGHS's trivial first plan far above the
relaxed plan: "solve 0.0 s: best plan 3,033.56 bn yuan, bound -197.53 bn yuan, gap over 100%" right
after a relaxed plan of -194.68 read as a step back. It is shown only by the line drawn every
PLAIN_EVERY_S when no better plan comes, and the search's own plans near the relaxed plan as
they are found."""

from __future__ import annotations

import io

import pytest

from siting.config import progress
from siting.config.progress import SolverState


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(progress.time, "perf_counter", lambda: now[0])
    return now


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_the_trivial_first_plan_is_held_and_the_plan_near_the_relaxed_one_shown(clock: list[float]) -> None:
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=False, duplicate=False, width=120)
    with progress.reporting(reporter), progress.searching("solve", -197.53e9, own_bound=False,
                                                          relaxed_yuan=-194.68e9):
        progress.solver_line(SolverState(3033.56e9, None, None, 0.0, improved=True))
        assert lines(stream) == []
        progress.solver_line(SolverState(-194.66e9, None, None, 0.1, improved=True))
    assert lines(stream) == ["solve 0.1 s: best plan -194.66 bn yuan, bound -197.53 bn yuan, gap 1.48%"]


def test_a_held_plan_is_shown_when_no_better_one_comes(clock: list[float]) -> None:
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=False, duplicate=False, width=120)
    with progress.reporting(reporter), progress.searching("solve", -197.53e9, own_bound=False,
                                                          relaxed_yuan=-194.68e9):
        clock[0] += 1.0
        progress.solver_line(SolverState(3033.56e9, None, None, 1.0, improved=True))
        clock[0] += progress.PLAIN_EVERY_S
        progress.solver_line(SolverState(3033.56e9, None, None, 11.0))
        progress.search_ended(SolverState(3033.56e9, None, None, 12.0))
    assert lines(stream) == ["solve 11.0 s: best plan 3,033.56 bn yuan, bound -197.53 bn yuan, gap over 100%"]


def test_without_a_relaxed_plan_every_better_plan_is_shown(clock: list[float]) -> None:
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=False, duplicate=False, width=120)
    with progress.reporting(reporter), progress.searching("solve", -197.53e9, own_bound=False):
        progress.solver_line(SolverState(3033.56e9, None, None, 0.0, improved=True))
    assert lines(stream) == ["solve 0.0 s: best plan 3,033.56 bn yuan, bound -197.53 bn yuan, gap over 100%"]
