"""sweep.png's capacity panels show the group's final-year target, so that a reader sees at a
glance whether each run meets it: one dashed line when every run has the same target, a marker
at each run's own target when they differ (a swept target), nothing for a group without one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from siting.api import sweep
from siting.runs.pool import CaseSummary
from siting.runs.tables import CAPACITY_TARGETS, sweep_figure, sweep_table

DATA = Path(__file__).parent / "data" / "small"

CATHODE = "capacity_cathode_t_per_yr"
CELLS = "capacity_cells_GWh_per_yr"


def solved(label: str, cathode_t: float, targets: dict[str, float]) -> CaseSummary:
    """A solved run with 1,200,000 t/yr of cathode (or `cathode_t`) and 40 GWh/yr of cells in its final year."""
    return CaseSummary(label, True, status="optimal", objective_yuan=-20e9, gap=0.0, final_year=2024,
                       group_capacity={"cathode": cathode_t, "cells": 40.0}, group_targets=targets,
                       units={"cathode": "t", "cells": "GWh"})


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def target_lines(ax) -> list:
    return [line for line in ax.get_lines() if str(line.get_label()).startswith(("target", "each run"))]


def test_one_target_for_every_run_is_a_line_and_a_group_without_one_has_none() -> None:
    """Three runs over buffer_m, each with a cathode target of 1,000,000 t/yr in 2024 and no
    target for cells: the cathode panel has one horizontal line at y = 1,000,000 labelled
    "target 1,000,000 t/yr" in its legend; the cells panel has no target line and no legend."""
    summaries = [solved(f"run0{i}", cathode, {"cathode": 1_000_000.0})
                 for i, cathode in ((1, 1_200_000.0), (2, 990_000.0), (3, 1_000_000.0))]
    table = sweep_table(summaries, [{"buffer_m": 0}, {"buffer_m": 500}, {"buffer_m": 1000}])
    assert table.attrs[CAPACITY_TARGETS] == {CATHODE: [1_000_000.0] * 3}
    figure = sweep_figure(table, ["buffer_m"], "sweep")
    figure.canvas.draw()
    objective, cathode, cells = figure.axes[:3]
    assert (cathode.get_title(), cells.get_title()) == ("Cathode capacity (t/yr)", "Cells capacity (GWh/yr)")
    [line] = target_lines(cathode)
    assert list(line.get_ydata()) == [1_000_000.0, 1_000_000.0]
    assert list(line.get_xdata()) == [0, 1]  # axes coordinates: the panel's whole width
    assert line.get_linestyle() == "--"
    assert legend_texts(cathode) == ["target 1,000,000 t/yr"]
    low, high = cathode.get_ylim()
    assert low < 990_000.0 and high > 1_200_000.0
    assert target_lines(cells) == [] and cells.get_legend() is None
    assert target_lines(objective) == [] and objective.get_legend() is None


def test_a_swept_target_is_a_marker_at_each_runs_own_target() -> None:
    """Sweeping targets.capacity.cathode.2024 over 800,000 and 1,500,000 t/yr: no single line;
    a marker at each run's target, at the run's x (800,000 and 1,500,000, in millions: 0.8 and
    1.5), the legend saying the targets are each run's own."""
    key = "targets.capacity.cathode.2024"
    summaries = [solved("run01", 900_000.0, {"cathode": 800_000.0}),
                 solved("run02", 1_400_000.0, {"cathode": 1_500_000.0})]
    table = sweep_table(summaries, [{key: 800_000}, {key: 1_500_000}])
    figure = sweep_figure(table, [key], "sweep")
    cathode = figure.axes[1]
    [marks] = target_lines(cathode)
    assert (list(marks.get_xdata()), list(marks.get_ydata())) == ([0.8, 1.5], [800_000.0, 1_500_000.0])
    assert marks.get_linestyle() == "None" and marks.get_marker() == "_"
    assert legend_texts(cathode) == ["each run's own target (t/yr)"]


def test_a_target_some_runs_lack_is_marked_only_where_set_and_a_failed_run_has_none() -> None:
    """Run01 has the 1,000,000 t/yr target, run02 none (targets off), run03 failed: a marker at
    run01's target alone, since one line would claim a target for run02."""
    summaries = [solved("run01", 1_000_000.0, {"cathode": 1_000_000.0}), solved("run02", 600_000.0, {}),
                 CaseSummary("run03", False, error="NoSolution: no plan within 10 s")]
    table = sweep_table(summaries, [{"buffer_m": 0}, {"buffer_m": 500}, {"buffer_m": 1000}])
    assert table.attrs[CAPACITY_TARGETS] == {CATHODE: [1_000_000.0, None, None]}
    [marks] = target_lines(sweep_figure(table, ["buffer_m"], "sweep").axes[1])
    assert (list(marks.get_xdata()), list(marks.get_ydata())) == ([0.0], [1_000_000.0])


def test_a_second_key_keeps_one_line_when_the_target_is_the_same() -> None:
    """Two keys, four runs, all with 1,000,000 t/yr: one target line beside the two series."""
    summaries = [solved(f"run0{i}", 1_100_000.0, {"cathode": 1_000_000.0}) for i in range(1, 5)]
    settings = [{"buffer_m": b, "price_path": p} for b in (0, 500) for p in ("base", "flat")]
    table = sweep_table(summaries, settings)
    cathode = sweep_figure(table, ["buffer_m", "price_path"], "sweep").axes[1]
    assert legend_texts(cathode) == ["price_path=base", "price_path=flat", "target 1,000,000 t/yr"]


def test_a_table_without_targets_draws_none() -> None:
    """A table built by hand without the targets (no attrs) plots as before: no line, no legend."""
    table = pd.DataFrame({"run": ["run01", "run02"], "buffer_m": [0, 500], "status": ["optimal"] * 2,
                          "objective_yuan": [-20e9, -19e9], "gap": [0.0, 0.0], CELLS: [40.0, 30.0]})
    cells = sweep_figure(table, ["buffer_m"], "sweep").axes[1]
    assert target_lines(cells) == [] and cells.get_legend() is None


def test_a_sweep_carries_each_runs_final_year_targets_to_the_figure(tmp_path: Path) -> None:
    """The small scenario targets 120,000 t cathode and 10 GWh cells in 2024 (its final year);
    swept over the cathode target 120,000 and 150,000 t/yr, each run's summary carries its own
    targets, the cathode panel marks them per run and the cells panel draws one line at 10."""
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    key = "targets.capacity.cathode.2024"
    batch = sweep(folder / "scenario.yaml", {key: [120000, 150000]}, workers=1)
    assert [run.group_targets for run in batch.runs] == [{"cathode": 120_000.0, "cells": 10.0},
                                                        {"cathode": 150_000.0, "cells": 10.0}]
    figure = sweep_figure(batch.table, [key], "small: sweep")
    panels = {ax.get_title(): ax for ax in figure.axes}
    [marks] = target_lines(panels["Cathode capacity (t/yr)"])
    assert list(marks.get_ydata()) == [120_000.0, 150_000.0]
    [line] = target_lines(panels["Cells capacity (GWh/yr)"])
    assert list(line.get_ydata()) == [10.0, 10.0] and line.get_label() == "target 10 GWh/yr"
