"""sweep.png's objective panel draws a run whose objective the proven gaps do not tell apart
from the first run's (vs_first within solver tolerance, or the same plan) with a hollow marker,
so that a rising line between two such points is not read as a proven rise in cost."""

from __future__ import annotations

import pandas as pd

from siting.optimize.tolerance import WITHIN
from siting.runs.tables import GAP_FOOTNOTE, PROVEN, SAME_PLAN, sweep_figure


def test_runs_not_told_apart_from_the_first_have_hollow_markers() -> None:
    """Four runs: the first, one within tolerance (10.11), one proven dearer (11.0), one with the
    same plan (10.06): hollow markers at x = 1.5 and 2.0 only, white inside, edged in the line's
    colour, above the line's own markers."""
    table = pd.DataFrame({"run": ["run01", "run02", "run03", "run04"], "spatial.detour_factor": [1.3, 1.5, 1.7, 2.0],
                          "status": ["optimal"] * 4, "objective_yuan": [10.06e9, 10.11e9, 11.0e9, 10.06e9],
                          "gap": [0.02, 0.02, 0.001, 0.02], "vs_first": ["", WITHIN, PROVEN, SAME_PLAN]})
    axes = sweep_figure(table, ["spatial.detour_factor"], "sweep").axes[0]
    line, *hollow = [ln for ln in axes.get_lines() if ln.get_marker() == "o"]
    assert len(hollow) == 1
    assert list(hollow[0].get_xdata()) == [1.5, 2.0]
    assert [round(y, 2) for y in hollow[0].get_ydata()] == [10.11, 10.06]
    assert hollow[0].get_markerfacecolor() == "white"
    assert hollow[0].get_markeredgecolor() == line.get_color()
    assert hollow[0].get_linestyle() == "None"
    assert hollow[0].get_zorder() > line.get_zorder()
    assert "a hollow marker is a run the gaps do not tell apart from the first run" in GAP_FOOTNOTE


def test_a_sweep_of_proven_differences_draws_no_hollow_marker() -> None:
    table = pd.DataFrame({"run": ["run01", "run02"], "k": [1, 2], "status": ["optimal"] * 2,
                          "objective_yuan": [10e9, 12e9], "gap": [0.01, 0.01], "vs_first": ["", PROVEN]})
    axes = sweep_figure(table, ["k"], "sweep").axes[0]
    assert len([ln for ln in axes.get_lines() if ln.get_marker() == "o"]) == 1
