"""The solver's line during a restriction's search (fixed module counts: `searching(...,
own_bound=False)`) never shows the restriction's own bound as the plan's: with no bound proven
before, it showed "bound 342.53 bn yuan, gap 0.00%" for a plan the summary then called not
proven (best bound n/a)."""

from __future__ import annotations

from siting.config.progress import SolverState, searching


def test_a_restriction_without_a_proven_bound_shows_none():
    with searching("solve", None, own_bound=False):
        text = SolverState(342.53e9, 342.53e9, 0.0, 0.2).text()
    assert text == "solve 0.2 s: best plan 342.53 bn yuan, bound none yet, gap n/a"


def test_a_restriction_shows_the_bound_proven_before():
    with searching("solve", 300.0e9, own_bound=False):
        text = SolverState(342.53e9, 342.53e9, 0.0, 0.2).text()
    assert text == "solve 0.2 s: best plan 342.53 bn yuan, bound 300.00 bn yuan, gap 12.42%"


def test_a_model_s_own_bound_is_shown_as_before():
    with searching("solve", None):
        text = SolverState(342.53e9, 340.0e9, 0.0074, 0.2).text()
    assert text == "solve 0.2 s: best plan 342.53 bn yuan, bound 340.00 bn yuan, gap 0.74%"
    with searching("solve", 341.0e9):
        text = SolverState(342.53e9, 340.0e9, 0.0074, 0.2).text()
    assert text == "solve 0.2 s: best plan 342.53 bn yuan, bound 341.00 bn yuan, gap 0.45%"
