"""The progress lines write a near-zero cost as the status line does: "0.00 bn yuan", not
"-0.00 bn yuan" (a plan of -0.0004 bn yuan read -0.00 on the progress lines and 0.00 on the
status line of the same run), in their full and their narrow forms."""

from __future__ import annotations

from siting.config.progress import SolverState, bn


def test_a_cost_that_rounds_to_zero_has_no_minus_sign() -> None:
    assert bn(-0.4e6) == "0.00 bn yuan"
    assert bn(-0.006e9) == "-0.01 bn yuan"


def test_the_progress_line_in_every_width() -> None:
    state = SolverState(-0.4e6, -1.31e9, 3248.567, 16.1)
    assert state.text() == "solve 16.1 s: best plan 0.00 bn yuan, bound -1.31 bn yuan, gap over 100%"
    for width in (60, 40, 20):
        assert "-0.00" not in state.text(width)
