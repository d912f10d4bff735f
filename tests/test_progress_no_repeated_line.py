"""Off a terminal (a pipe, a file, a CI log), the solver's line is written for each better plan
HiGHS reports; a better plan that the line reads the same as the one before (a cost equal to two
decimals, or a plan above the one found before, which the line shows in its place) wrote the
same line twice in a row in the shipped run ("solve 22.9 s: best plan -195.31 bn yuan, bound
-197.39 bn yuan, gap 1.06%" twice). Such a plan now waits for the line drawn every
PLAIN_EVERY_S, as any state that says nothing new does."""

from __future__ import annotations

import io
import itertools

import pytest

from siting.config import progress
from siting.config.progress import SolverState


def test_a_better_plan_that_reads_as_the_last_line_is_not_written_again(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    reporter = progress.Reporter(stream, live=False, duplicate=False)
    clock = iter([100.0, 100.2, 100.3, 101.0, 101.5, 111.0, 111.1])
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    with progress.reporting(reporter), progress.searching("solve"):  # 100.0
        progress.solver_line(SolverState(-194.99e9, -197.39e9, 0.01229, 22.7, improved=True))  # 100.2
        progress.solver_line(SolverState(-195.31e9, -197.39e9, 0.0106, 22.9, improved=True))  # 100.3
        progress.solver_line(SolverState(-195.3102e9, -197.39e9, 0.0106, 22.9, improved=True))  # 101.0: the same line
        progress.solver_line(SolverState(-195.3104e9, -197.39e9, 0.0106, 23.3, improved=True))  # 101.5: same figures
        progress.solver_line(SolverState(-195.3104e9, -197.39e9, 0.0106, 32.8))  # 111.0: the line every 10 s
        progress.solver_line(SolverState(-195.81e9, -197.39e9, 0.0080, 32.9, improved=True))  # 111.1: a better one
    lines = stream.getvalue().splitlines()
    assert lines == [
        "solve 22.7 s: best plan -194.99 bn yuan, bound -197.39 bn yuan, gap 1.23%",
        "solve 22.9 s: best plan -195.31 bn yuan, bound -197.39 bn yuan, gap 1.06%",
        "solve 32.8 s: best plan -195.31 bn yuan, bound -197.39 bn yuan, gap 1.06%",
        "solve 32.9 s: best plan -195.81 bn yuan, bound -197.39 bn yuan, gap 0.80%",
    ]
    assert all(a != b for a, b in itertools.pairwise(lines))
