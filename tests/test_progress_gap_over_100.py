"""A progress line whose gap is over 100 % says so in words, not as a figure: the bound lies
further below the plan than the plan's own size (a relaxation's trivial first plan, a negative
cost with a bound far below it, a cost near zero), where a percentage such as 2325.00% or
106.53% tells a planner nothing the plan and the bound do not; gaps up to 100 % read as before,
rounded up."""

from __future__ import annotations

from siting.config.progress import SolverState


def test_a_negative_plan_with_the_bound_far_below_reads_over_100_percent() -> None:
    """-8.00 bn yuan against a bound of -194.00: 2325 % before."""
    state = SolverState(-8.0e9, -194.0e9, 23.25, 2.5)
    assert state.text() == "solve 2.5 s: best plan -8.00 bn yuan, bound -194.00 bn yuan, gap over 100%"


def test_the_trivial_first_relaxed_plan_reads_over_100_percent_in_every_width() -> None:
    """The bound phase's first relaxed plan of the shipped run, 3,094.17 bn yuan, against the
    first bound, -202.05: 106.53 % before; the narrow forms keep the words."""
    state = SolverState(3094.17e9, -202.05e9, 1.0653, 1.8)
    assert state.text().endswith("bound -202.05 bn yuan, gap over 100%")
    for width in (60, 40):
        assert state.text(width).endswith("gap over 100%")


def test_a_gap_up_to_100_percent_is_a_figure_rounded_up() -> None:
    assert SolverState(-194.68e9, -201.44e9, 0.03471, 7.5).text().endswith("gap 3.48%")
    assert SolverState(-1.0e9, -2.0e9, 1.0, 7.5).text().endswith("gap 100.00%")
