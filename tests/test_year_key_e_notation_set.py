"""A year written as a mapping's key in e-notation (2.024e3, 1e9) reads alike in a scenario file
and in a `--set` value: a file's loader (YAML 1.2) reads it as a number, the command line's (YAML
1.1's floats) as text, and the schema refused the text ("must be a whole number (got '1e9')")
while it took the file's key, and while the check of a year given twice (`one_key_a_year`) already
read the text as its year. A quoted one ('2024', '2.024e3') is read as the number, as a quoted
number is everywhere else. Solves nothing. The small scenario of tests/data/small (`folder`,
tests/conftest.py), its plan 2023-2024, its cells target {2024: 10}."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.load import load_scenario, parse_override


def _cells(path: Path, *overrides: str) -> dict[int, float]:
    pairs = tuple((key, values[0]) for key, values in map(parse_override, overrides))
    return dict(load_scenario(path, overrides=pairs).scenario.targets.capacity["cells"])


@pytest.mark.parametrize("override", ["targets.capacity.cells={2.024e3: 5}", "targets.capacity.cells={2024e0: 5}",
                                      "targets.capacity.cells={'2.024e3': 5}"])
def test_a_set_year_in_e_notation_is_the_year(folder: Path, override: str):
    assert _cells(folder / "scenario.yaml", override) == {2024: 5}


def test_a_quoted_year_in_e_notation_in_a_file_is_the_year(folder: Path):
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("cells: {2024: 10}", "cells: {'2.024e3': 10}"))
    assert _cells(scenario) == {2024: 10}


def test_a_set_year_in_e_notation_outside_the_plan_is_named_as_typed(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert main(["check", "scenario.yaml", "--set", "targets.output_value_yuan={1e9: 3}"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "must be a whole number" not in err
    assert "year 1e9 (1000000000) is outside the scenario's years [2023, 2024]" in err
