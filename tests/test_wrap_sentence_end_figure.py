"""At 60 columns the choose score's note under the terminal's table wrapped raggedly:

    the capacity of the real plants producing by
      2024. 10 products named in calibration.md and the report

The year ending a sentence ("2024.") was taken for a figure with its unit and glued to the next
word ("10"), itself glued to "products", so "2024. 10 products" moved whole to the next line. A
figure ends with a digit: one a full stop or comma follows ends its sentence or item. And the
summary's second sentence starts with words, not with a count after the year."""

from __future__ import annotations

import re

import pandas as pd

from siting.deliver.report import ChoiceCalibration
from siting.deliver.tables import wrap_text
from siting.runs.calibrate import quantity_summary

NOTE = ("The share weighs where the plan puts the capacity it adds, not how much it adds: compare planned_added "
        "with observed, the capacity of the real plants producing by 2024. 10 products named in calibration.md.")


def test_a_figure_ending_a_sentence_is_not_glued_to_the_next_word() -> None:
    assert wrap_text(NOTE, 60) == [
        "The share weighs where the plan puts the capacity it adds,",
        "  not how much it adds: compare planned_added with observed,",
        "  the capacity of the real plants producing by 2024.",
        "  10 products named in calibration.md.",
    ]
    assert wrap_text("a list of 100, 200 and 300 t/yr", 14) == ["a list of 100,", "  200 and", "  300 t/yr"]


def test_a_figure_and_its_unit_stay_together() -> None:
    for width in range(20, 61):
        for line in wrap_text("the plan adds 400,000 t/yr of lfp and 1.5 GWh/yr of cells", width):
            assert not re.search(r"\d$", line.rstrip()), (width, line)


def test_the_terminal_summary_at_60_columns() -> None:
    named = ("fepo4", "lfp", "ncm_precursor", "ncm", "anode", "separator", "electrolyte", "copper_foil", "cells",
             "recycling")
    first = ("The share weighs where the plan puts the capacity it adds, not how much it adds: compare planned_added "
             "with observed, the capacity of the real plants producing by 2024.")
    calibration = ChoiceCalibration("committed_projects.yaml", 25.0, 2024, pd.DataFrame(), {},
                                    (first, "x" * 300), named)
    summary = quantity_summary(calibration)
    assert summary.startswith(f"{first} calibration.md and the report name 10 products (added more than 10 % apart")
    lines = wrap_text(summary, 60)
    assert lines[2] == "  the capacity of the real plants producing by 2024."
    assert lines[3].startswith("  calibration.md and the report name 10 products")
