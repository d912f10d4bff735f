"""A row label of one phrase (no ": ") is narrowed as any other column, widest first: the floor of
a label's longest phrase (tests/test_compare_labels_by_phrase.py) is for labels of more than one.

Taken as its own phrase, such a label kept its whole width while the runs' columns were narrowed
to their longest word: at 80 columns a comparison's header broke the run's name
("yunnan_2024_no_" over "differentiation"), which `terminal_tables` keeps whole where the table
leaves room, so that the label "objective difference proven range in all" stayed on one line."""

from __future__ import annotations

import pandas as pd

from siting.runs.tables import terminal_tables

RUN = "yunnan_2024_no_differentiation"


def test_a_run_s_name_is_not_broken_to_keep_a_label_of_one_phrase_whole() -> None:
    frame = pd.DataFrame({
        "metric": ["objective difference proven range in all", "sites built on that the other drops",
                   "land free for new modules"],
        "unit": ["bn yuan", "", "ha"],
        RUN: ["-7.45 to -7.13", "Yimen county; Huaning county; Qujing", "0"],
    })
    (table,), _cut = terminal_tables(frame, 2, 80)
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert RUN in lines[0], table  # the run's name whole, on the header's line
