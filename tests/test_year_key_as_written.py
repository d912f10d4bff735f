"""A year key outside the scenario's years is named as its file writes it: `cells: {0x10: 5}`
(YAML 1.2 reads 0x10 as 16) was reported as "targets.capacity.cells.16 | year 16 is outside the
scenario's years", a key the file does not have; it reads "cells.0x10 | year 0x10 (16)", and a
year written plainly reads as before."""

from __future__ import annotations

from pathlib import Path

from test_input_leftovers3 import problems_of

from tests.conftest import edit


def test_a_year_key_outside_the_years_is_named_as_written(folder: Path) -> None:
    edit(folder / "scenario.yaml", "    cells: {2024: 10}", "    cells: {0x10: 5, 2030: 7, 2024: 10}")
    assert problems_of(folder) == [
        "scenario.yaml:19: targets.capacity.cells.0x10 | year 0x10 (16) is outside the scenario's years "
        "[2023, 2024]; use one of them or extend 'years'",
        "scenario.yaml:19: targets.capacity.cells.2030 | year 2030 is outside the scenario's years "
        "[2023, 2024]; use one of them or extend 'years'"]
