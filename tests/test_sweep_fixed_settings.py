"""A sweep's setting of a single value (`--set KEY=V`) is fixed: every run has it, so it heads
sweep.md and the printed table, and the runs are labelled by the settings that vary only; the plot
draws against the first setting that varies. Before, `--set solver.rel_gap=0.01 --set
constraints.redline.enabled=true,false` labelled the runs "run01 rel_gap=0.01,enabled=true" and
drew sweep.png against rel_gap, one point above another at 0.01.

Beside a swept setting, the setting of one value has no column in sweep.md nor the printed table
(siting/runs/tables.py FIXED_SETTINGS): the line "Settings applied to every run" names it. Before,
it was a column repeating 0.01 in every row. sweep.csv and the Python table keep a column per key
given, as `siting.sweep` promises scripts ("the swept values (one column per key, as given)"): the
CSV has no line above its table to name it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import siting
from siting.runs.batch import swept_cases
from siting.runs.pool import CaseSummary
from siting.runs.tables import SETTINGS, sweep_figure, sweep_table, sweep_text

SMALL = Path(__file__).parent / "data" / "small"


def test_runs_are_labelled_by_the_settings_that_vary() -> None:
    """rel_gap fixed at 0.01 before the red line on and off: run01 enabled=true, run02
    enabled=false; both runs keep the fixed value in their overrides and swept values."""
    cases, values, keys, _inputs, problems = swept_cases(
        SMALL / "scenario.yaml", ["solver.rel_gap=0.01", "constraints.redline.enabled=true,false"], None)
    assert problems == []
    assert [c.label for c in cases] == ["run01 enabled=true", "run02 enabled=false"]
    assert keys == ["solver.rel_gap", "constraints.redline.enabled"]
    assert values == [{"solver.rel_gap": 0.01, "constraints.redline.enabled": True},
                      {"solver.rel_gap": 0.01, "constraints.redline.enabled": False}]
    assert all(("solver.rel_gap", 0.01) in c.overrides for c in cases)


def test_a_sweep_of_single_values_only_keeps_them_in_its_label() -> None:
    """Every setting of one value: one run, labelled by all of them, as before."""
    cases, _values, _keys, _inputs, problems = swept_cases(
        SMALL / "scenario.yaml", ["solver.rel_gap=0.01", "constraints.redline.enabled=false"], None)
    assert problems == []
    assert [c.label for c in cases] == ["run01 rel_gap=0.01,enabled=false"]


def solved(label: str, objective: float) -> CaseSummary:
    return CaseSummary(label, True, status="optimal", objective_yuan=objective, gap=0.0, final_year=2024,
                       sites_opened=("a",), site_added={"a": {"lfp": 1000.0}},
                       group_capacity={"cathode": 1000.0}, units={"cathode": "t"})


@pytest.mark.parametrize("order", [0, 1])
def test_the_plot_is_drawn_against_the_setting_that_varies(order: int) -> None:
    """With rel_gap fixed given first or second, the x axis is the red line's buffer (0, 500 m)
    and no panel has a legend of one fixed value."""
    values = [{"solver.rel_gap": 0.01, "constraints.redline.buffer_m": b} for b in (0, 500)]
    keys = ["solver.rel_gap", "constraints.redline.buffer_m"][::1 if order == 0 else -1]
    table = sweep_table([solved("run01", -20e9), solved("run02", -19e9)], values)
    figure = sweep_figure(table, keys, "small: sweep")
    axes = [ax for ax in figure.axes if ax.has_data()]
    assert axes and all(ax.get_xlabel().startswith("constraints.redline.buffer_m") for ax in axes)
    assert all(ax.get_legend() is None or "rel_gap" not in " ".join(t.get_text() for t in ax.get_legend().get_texts())
               for ax in axes)


FIXED, SWEPT = "solver.rel_gap", "constraints.redline.buffer_m"


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, siting.Batch]:
    """Two runs of the small scenario, buffers of 0 and 1,000 m, each to a gap of 1 %: the folder
    and the batch."""
    folder = tmp_path_factory.mktemp("fixed_setting") / "sweep"
    return folder, siting.sweep(SMALL / "scenario.yaml", {FIXED: 0.01, SWEPT: [0, 1000]}, out=folder, workers=1)


def test_sweep_md_names_the_setting_of_one_value_above_the_table_only(swept: tuple[Path, siting.Batch]) -> None:
    folder, _batch = swept
    lines = (folder / "sweep.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"Settings applied to every run: `{FIXED}=0.01`."
    header = next(line for line in lines if line.startswith("| run |"))
    assert header.startswith(f"| run | {SWEPT} | status |")
    assert FIXED not in "\n".join(lines[1:])


def test_the_terminal_names_the_setting_of_one_value_above_the_table_only(swept: tuple[Path, siting.Batch]) -> None:
    _folder, batch = swept
    lines = sweep_text(batch.table, "sweep.csv", list(batch.runs)).splitlines()
    assert lines[0] == batch.table.attrs[SETTINGS] == f"Settings applied to every run: `{FIXED}=0.01`."
    assert lines[2].startswith("run ") and "constraints." in lines[2]
    assert FIXED not in "\n".join(lines[1:]) and "rel_gap" not in "\n".join(lines[1:])


def test_sweep_csv_and_the_python_table_keep_a_column_per_key(swept: tuple[Path, siting.Batch]) -> None:
    folder, batch = swept
    with (folder / "sweep.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:3] == ["run", FIXED, SWEPT]
    assert [(row[FIXED], row[SWEPT]) for row in rows] == [("0.01", "0"), ("0.01", "1000")]
    assert list(batch.table.columns)[:3] == ["run", FIXED, SWEPT]
