"""sweep.png is drawn in matplotlib's default style whatever the caller's settings (a notebook's
rcParams, a matplotlibrc), as the maps are: the same sweep gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd

from siting.runs.tables import sweep_plot


def test_the_callers_settings_change_nothing_in_sweep_png(tmp_path: Path) -> None:
    table = pd.DataFrame({"run": ["run01", "run02"], "k": [1, 2], "status": ["optimal"] * 2,
                          "objective_yuan": [10e9, 12e9], "gap": [0.01, 0.01], "vs_first": ["", ""]})
    sweep_plot(table, ["k"], tmp_path / "plain.png", "sweep")
    with matplotlib.rc_context({"lines.linewidth": 7.0, "axes.facecolor": "black", "font.size": 20}):
        sweep_plot(table, ["k"], tmp_path / "styled.png", "sweep")
        assert matplotlib.rcParams["lines.linewidth"] == 7.0
    assert (tmp_path / "styled.png").read_bytes() == (tmp_path / "plain.png").read_bytes()
