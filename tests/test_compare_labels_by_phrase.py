"""A comparison's row label narrowed to fit the terminal breaks between its phrases (after ": "),
never inside one: at COLUMNS=80 the differences table of docs/COMPARING.md's compare example (the shipped
scenario, the strict red line and no differentiation) broke "site-product pairs kept out: red
line" into "site-product pairs kept out: red" over "  line", as the column of the sites the
run without differentiation drops ("Yimen county; Huaning county") left the labels 36 columns."""

from __future__ import annotations

import re

import pandas as pd

from siting.runs.tables import LABEL_INDENT, cell_lines, terminal_tables

LABELS = ["status", "objective difference: proven range", "sites built on: dropped",
          "site-product pairs kept out: red line", "site-product pairs kept out: proximity",
          "land free for new modules", "capacity Kunming: NCM precursor"]


def differences() -> pd.DataFrame:
    """The rows of docs/COMPARING.md's differences table that decide its labels' width, at 80 columns."""
    return pd.DataFrame({
        "metric": LABELS,
        "unit": ["", "bn yuan", "", "count", "count", "ha", "million m2/yr"],
        "yunnan_2024_no_differentiation": ["same", "-7.45 to -7.13", "Yimen county; Huaning county", 0, 0, 0,
                                           400_000],
    })


def test_a_label_wrapped_at_80_columns_breaks_between_its_phrases() -> None:
    (table,), _cut = terminal_tables(differences(), 2, 80)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80
    labels = [re.split(r"(?<=\S) {2,}", line.rstrip())[0] for line in lines[2:]]  # under the header's two lines
    assert labels == [
        "status", "objective difference: proven range", "sites built on: dropped",
        "site-product pairs kept out:", f"{LABEL_INDENT}red line",
        "site-product pairs kept out:", f"{LABEL_INDENT}proximity",
        "land free for new modules", "capacity Kunming: NCM precursor"], lines


def test_a_label_breaks_inside_a_phrase_only_where_the_phrase_does_not_fit() -> None:
    label = "site-product pairs kept out: red line"
    assert cell_lines(label, 33, LABEL_INDENT, phrases=True) == ["site-product pairs kept out:", "  red line"]
    assert cell_lines(label, 33, LABEL_INDENT) == ["site-product pairs kept out: red", "  line"]  # a cell's words
    assert cell_lines(label, 20, LABEL_INDENT, phrases=True) == ["site-product pairs", "  kept out: red line"]
