"""`siting.compare`'s table leaves a cell empty one way per kind of row: NaN in a row of numbers
(the objective, costs, gaps, the proven range, capacities), so that `pd.to_numeric` reads the row
as it is, and None in a row of text (status, scenario file, "objective difference"), where it
mixed None, NaN and "" before. comparison.csv and the terminal's table read the same of it.

Compares the small scenario of tests/data/small (solver.rel_gap 0) with a copy asking 100,000
GWh/yr of cells in 2024, which the checks before the solve find infeasible (no plan: its column
of figures is empty)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd

import siting
from siting.api import uniform_blanks
from siting.runs.tables import comparison_csv, comparison_text

SMALL = Path(__file__).parent / "data" / "small"


def blanks(table: pd.DataFrame, column: str) -> set[str]:
    return {repr(v) for v in table[column] if v is None or (isinstance(v, float) and math.isnan(v)) or v == ""}


def test_empty_cells_are_nan_in_rows_of_numbers_and_none_in_rows_of_text(tmp_path: Path) -> None:
    shutil.copytree(SMALL, tmp_path / "small")
    scenario = tmp_path / "small" / "scenario.yaml"
    short = tmp_path / "small" / "c.yaml"
    short.write_text("extends: scenario.yaml\nname: c\ntargets:\n  capacity:\n    cells: {2024: 100000}\n")
    batch = siting.compare([scenario, short])
    table = batch.table.set_index("metric")
    assert [run.ok for run in batch.runs] == [True, False]
    assert blanks(table, "c") == blanks(table, "c vs small") == {"None", "nan"}
    assert blanks(table, "small") == {"None", "nan"}  # the range rows: figures of the differences only
    assert table.loc["objective difference", "small"] is None
    assert table.loc["scenario file", "c vs small"] is None
    numbers = pd.to_numeric(table.loc[["objective", "gap", "capacity cells 2024"], "c vs small"])
    assert numbers.isna().all()
    assert pd.to_numeric(table.loc[["objective", "gap"], "small"]).notna().all()


def test_comparison_csv_reads_the_same_of_it() -> None:
    raw = pd.DataFrame({"metric": ["status", "objective", "objective difference", "gap", "targets short"],
                        "unit": ["", "yuan", "", "share", ""],
                        "a": ["optimal", -2.0e9, "", 0.0, "none"],
                        "b": ["failed: x", math.nan, "", None, ""],
                        "b vs a": ["changed", None, "", math.nan, None]})
    uniform = uniform_blanks(raw)
    assert uniform["b"].tolist()[1:] == [uniform["b"][1], None, uniform["b"][3], None]
    assert math.isnan(uniform["b"][1]) and math.isnan(uniform["b vs a"][1]) and math.isnan(uniform["b"][3])
    assert uniform["a"][2] is None and uniform["b vs a"][4] is None
    assert list(uniform["unit"]) == list(raw["unit"])
    assert comparison_csv(uniform) == comparison_csv(raw)
    assert raw["b"][2] == ""  # the table given is left as it is


def test_the_terminal_table_of_a_comparison_is_unchanged(tmp_path: Path) -> None:
    shutil.copytree(SMALL, tmp_path / "small")
    scenario = tmp_path / "small" / "scenario.yaml"
    b = tmp_path / "small" / "b.yaml"
    b.write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    batch = siting.compare([scenario, b], overrides={"solver.rel_gap": 0.02})
    raw = batch.table.copy()
    for column in ("small", "b", "b vs small"):
        raw[column] = [("" if v is None else v) for v in raw[column]]
    assert comparison_text(batch.table, batch.runs, "comparison.csv") == comparison_text(raw, batch.runs,
                                                                                         "comparison.csv")
