"""Two runs whose objectives weigh the years otherwise (another discount rate, other years after
the horizon, other plan years) have objectives and cost terms in different money: their
comparison gives no difference of them. comparison.csv leaves the run's cells of differences of
the objective, of each cost term, of the absolute gap and of the proven range empty (no number a
script could take for a difference), comparison.md and the terminal say "not comparable" there;
each run's own figures stay, and so do the differences of runs weighted alike and those of
figures in no such money (capacity, output value, sites).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from siting.config.units import cost_label
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    ABSOLUTE_GAP_ROW,
    NOT_COMPARABLE,
    RANGE_HIGH_ROW,
    RANGE_LOW_ROW,
    RANGE_ROW,
    comparison_csv,
    comparison_display,
    comparison_table,
)
from tests.conftest import MadeRun

#: The rows whose figures are in the money of the objective, and so not compared between runs
#: weighted otherwise.
CAPEX, SALES = f"cost: {cost_label('capex')}", f"cost: {cost_label('sales')}"
MONEY_ROWS = ["objective", CAPEX, SALES, ABSOLUTE_GAP_ROW, RANGE_LOW_ROW, RANGE_HIGH_ROW]


def summary(label: str, objective_bn: float, after: int = 0) -> CaseSummary:
    weighting: dict[str, Any] = {"discount_rate": 0.06, "years_after_horizon": after, "years": [2023, 2024]}
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_bn * 1e9, gap=0.01,
                       best_bound_yuan=objective_bn * 1e9 * 1.01, weighting=weighting, final_year=2024,
                       costs={"capex": 3e9 * (1 + after), "sales": -(objective_bn + 3) * 1e9},
                       capacity={"east": {"cells": 10.0 + after}}, output_value={2024: 5e9 + after * 1e9})


def test_the_differences_in_the_objectives_money_are_empty_for_runs_weighted_otherwise() -> None:
    base, other = summary("a", -10.0), summary("b", -40.0, after=14)
    table = comparison_table([base, other]).set_index("metric")
    for row in MONEY_ROWS:
        assert pd.isna(table.loc[row, "b vs a"]), row
    # each run's own figures stay
    assert table.loc["objective", "a"] == pytest.approx(-10e9)
    assert table.loc["objective", "b"] == pytest.approx(-40e9)
    assert table.loc[CAPEX, "b"] == pytest.approx(45e9)
    # figures in no such money are still compared
    assert table.loc["capacity east cells", "b vs a"] == pytest.approx(14.0)
    assert table.loc["output value 2024", "b vs a"] == pytest.approx(14e9)
    assert table.loc["objective difference", "b vs a"].startswith(NOT_COMPARABLE)


def test_runs_weighted_alike_keep_their_differences() -> None:
    table = comparison_table([summary("a", -10.0), summary("b", -12.0)]).set_index("metric")
    assert table.loc["objective", "b vs a"] == pytest.approx(-2e9)
    assert table.loc[SALES, "b vs a"] == pytest.approx(2e9)
    assert not pd.isna(table.loc[RANGE_LOW_ROW, "b vs a"])


def test_comparison_csv_leaves_the_cells_empty_and_markdown_says_not_comparable() -> None:
    summaries = [summary("a", -10.0), summary("b", -40.0, after=14), summary("c", -12.0)]
    table = comparison_table(summaries)
    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(comparison_csv(table)))}
    for row in MONEY_ROWS:
        assert rows[row]["b vs a"] == "", row
    assert rows["objective"]["b"] == "-40" and rows["objective"]["a"] == "-10"
    assert rows["objective"]["c vs a"] == "-2"
    assert rows["capacity east cells"]["b vs a"] == "14"
    shown = comparison_display(table, summaries).set_index("metric")
    for row in ["objective", CAPEX, SALES, ABSOLUTE_GAP_ROW, RANGE_ROW]:
        assert shown.loc[row, "b vs a"] == NOT_COMPARABLE, row
    assert shown.loc["objective", "c vs a"] == pytest.approx(-2e9)


@pytest.fixture(scope="module")
def compared(not_comparable_compare_run: MadeRun) -> Path:
    """The output folder of a comparison of two runs whose objectives weigh the years differently
    (`not_comparable_compare_run`): read-only."""
    return not_comparable_compare_run.out


def test_compare_writes_no_difference_of_objectives_in_other_money(compared: Path) -> None:
    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO((compared / "comparison.csv").read_text()))}
    money = [m for m in rows if m == "objective" or m.startswith("cost: ") or m in (ABSOLUTE_GAP_ROW, RANGE_LOW_ROW,
                                                                                       RANGE_HIGH_ROW)]
    assert len(money) > 5
    assert {m: rows[m]["later vs small"] for m in money} == dict.fromkeys(money, "")
    assert rows["objective"]["small"] and rows["objective"]["later"]  # each run's own objective stays
    markdown = (compared / "comparison.md").read_text(encoding="utf-8")
    (line,) = [line for line in markdown.splitlines() if line.startswith("| objective |")]
    assert line.rstrip(" |").endswith(NOT_COMPARABLE)
    assert ("Its column gives no difference of the objective, the cost terms, the absolute gap or the proven range "
            "(\"not comparable\"; comparison.csv leaves those cells empty).") in markdown
