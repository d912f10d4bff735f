"""The bound phase's line does not show a relaxed plan before a bound exists: the relaxation's
first plan, found before its first bound, is HiGHS's trivial one (the shipped run showed "bound
1.2 s: relaxed plan 3,094.17 bn yuan, bound none yet, gap n/a", the plans after it some -192 bn
yuan), which a terminal kept on screen until the next redraw. A plan found before (`plan_yuan`)
is still shown, as is a relaxed plan once a bound is proven."""

from __future__ import annotations

import io

import pytest

from siting.config import progress
from siting.config.progress import SolverState, searching


def test_a_relaxed_plan_without_a_bound_reads_none_yet() -> None:
    with searching("bound"):
        text = SolverState(3094.17e9, None, None, 1.2).text()
    assert text == "bound 1.2 s: relaxed plan none yet, bound none yet, gap n/a"


def test_a_relaxed_plan_with_a_bound_is_shown_as_before() -> None:
    with searching("bound"):
        assert SolverState(-192.05e9, -201.44e9, 0.049, 3.9).text() == (
            "bound 3.9 s: relaxed plan -192.05 bn yuan, bound -201.44 bn yuan, gap 4.90%")
    with searching("bound", -201.44e9, own_bound=False):  # a bound proven before the search
        assert SolverState(-192.05e9, None, None, 3.9).text() == (
            "bound 3.9 s: relaxed plan -192.05 bn yuan, bound -201.44 bn yuan, gap 4.89%")
    with searching("bound", plan_yuan=-195.0e9):  # a plan of the model found before: shown
        assert SolverState(-190.0e9, None, None, 2.0).text() == (
            "bound 2.0 s: best plan -195.00 bn yuan, bound none yet, gap n/a")
    with searching("solve"):  # a plan of the model is shown without a bound
        assert SolverState(342.53e9, None, None, 0.2).text() == (
            "solve 0.2 s: best plan 342.53 bn yuan, bound none yet, gap n/a")


def test_the_trivial_first_plan_writes_no_line_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Off a terminal, the first relaxed plan (a better plan, drawn at once) wrote its own line."""
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=False, duplicate=False)
    clock = iter([100.0, 101.1, 101.2, 103.9])
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    with progress.reporting(reporter), progress.searching("bound"):
        progress.solver_line(SolverState(None, None, None, 1.1))
        progress.solver_line(SolverState(3094.17e9, None, None, 1.2, improved=True))
        progress.solver_line(SolverState(-192.05e9, -201.44e9, 0.049, 3.9, improved=True))
    assert "3,094.17" not in stream.getvalue()
