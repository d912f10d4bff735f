"""The closing line of a terminal table too narrow for all its columns ("(3 more columns: ...; see
calibration.csv)") is wrapped to the table's width, not cut: every column left out and the file
that holds the whole table are named whole, the file never broken, its continuations two spaces in.
A line that fits is as before."""

from __future__ import annotations

import pandas as pd

from siting.deliver.tables import HEADERS, display_width, text_table

#: The calibration table of the shipped scenario that chooses its sites, in 60 columns: product,
#: unit, planned_added and observed fit (product ncm_precursor); within_km, share and reference_plants do not.
FRAME = pd.DataFrame({"product": ["ncm_precursor"], "unit": ["million m2/yr"], "planned_added": [1700000.0],
                      "observed": [100000.0], "within_km": [30.0], "share": [0.25],
                      "reference_plants": ["Yuxi Enjie separator base phase 1"]})


def test_the_closing_line_names_every_column_and_the_file_whole() -> None:
    lines = text_table(FRAME, 60, "calibration.csv").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("(3 more columns"))
    closing = lines[start:]
    assert len(closing) > 1 and all(display_width(line) <= 60 for line in lines)
    assert all(line.startswith("  ") for line in closing[1:])
    assert " ".join(line.strip() for line in closing) == (
        "(3 more columns: within_km, share, reference_plants; see calibration.csv)")
    assert closing[-1].endswith("calibration.csv)") and not any("..." in line for line in closing)


def test_a_file_with_spaces_in_its_name_is_never_broken() -> None:
    more = "yunnan 2024 runs/calibration table.csv"
    closing = text_table(FRAME, 60, more).splitlines()[-2:]
    assert any(f"{more})" in line for line in closing), closing


def test_a_closing_line_that_fits_is_one_line() -> None:
    assert text_table(FRAME.iloc[:, :6], 60, "calibration.csv").splitlines()[-1] == (
        "(2 more columns: within_km, share; see calibration.csv)")


def test_headers_in_words_are_shown_and_the_closing_line_names_the_columns_as_the_file_does() -> None:
    """A frame giving its headers in words (`attrs[HEADERS]`, by the files' names: money in bn
    yuan) is headed in them, as markdown_table heads it; a column left out is named as the file
    names it, since the closing line sends the reader there. Columns: "item" 4 wide, "cost (bn
    yuan)" 14, "range" 12, "gap (%)" 7; with two spaces between, 4 + 14 + 12 + 6 = 36 fits in 40
    columns, 36 + 2 + 7 = 45 does not."""
    frame = pd.DataFrame({"item": ["a"], "cost_yuan": [1.5e9], "range": ["1.00 to 2.00"], "gap": [0.01]})
    frame.attrs[HEADERS] = {"cost_bn_yuan": "cost (bn yuan)", "gap_percent": "gap (%)"}
    assert text_table(frame, 40, "costs.csv", labels=1).splitlines() == [
        "item  cost (bn yuan)         range", "a               1.50  1.00 to 2.00", "(1 more column: gap_percent; see",
        "  costs.csv)"]
