"""A year key outside the scenario's years is named as its file writes it: `cells: {2.03e3: 5}`
(YAML 1.2 reads 2.03e3 as 2030) is not reported as "targets.capacity.cells.2030 | year 2030 is
outside the scenario's years", a key the file does not have; it reads "cells.2.03e3 | year 2.03e3
(2030)", and a year written plainly reads as before. (A year key in hexadecimal, 0x10, is refused
as typed: tests/test_year_key_other_base.py.)"""

from __future__ import annotations

from pathlib import Path

from test_input_leftovers3 import problems_of

from tests.conftest import edit


def test_a_year_key_outside_the_years_is_named_as_written(folder: Path) -> None:
    edit(folder / "scenario.yaml", "    cells: {2024: 10}", "    cells: {2.03e3: 5, 2031: 7, 2024: 10}")
    assert problems_of(folder) == [
        "scenario.yaml:19: targets.capacity.cells.2.03e3 | year 2.03e3 (2030) is outside the scenario's years "
        "[2023, 2024]; use one of them or extend 'years'",
        "scenario.yaml:19: targets.capacity.cells.2031 | year 2031 is outside the scenario's years "
        "[2023, 2024]; use one of them or extend 'years'"]
