"""`--set targets.capacity.cells.2_024=5` (or +2024, 2024e0) gives the year 2024 as the scenario's
`{2024: 10}` does, written otherwise: it replaces that figure, as `--set
"targets.capacity.cells={2_024: 5}"` and a variant do, where it was refused as the year "given twice"
though the user gave it once; another year is added beside it. Two overrides of one year, however
each writes it, are refused as given twice, naming both. Solves nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py), whose cells target is {2024: 10}."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.load import load_scenario, parse_override


def _cells(path: Path, *overrides: str) -> dict[int, float]:
    pairs = tuple((key, values[0]) for key, values in map(parse_override, overrides))
    return dict(load_scenario(path, overrides=pairs).scenario.targets.capacity["cells"])


@pytest.mark.parametrize("year", ["2024", "02024", "2_024", "+2024", "2024e0"])
def test_a_dotted_year_written_otherwise_replaces_the_files(folder: Path, year: str):
    assert _cells(folder / "scenario.yaml", f"targets.capacity.cells.{year}=5") == {2024: 5}


@pytest.mark.parametrize("year", ["2023", "2_023"])
def test_another_dotted_year_is_added(folder: Path, year: str):
    assert _cells(folder / "scenario.yaml", f"targets.capacity.cells.{year}=5") == {2024: 10, 2023: 5}


def test_a_python_override_by_dotted_year_replaces_the_files(folder: Path):
    problem = siting.load(folder / "scenario.yaml", overrides={"targets.capacity.cells.2_024": 5})
    assert dict(problem.prepared.loaded.scenario.targets.capacity["cells"]) == {2024: 5}


def test_one_year_set_twice_however_written_is_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert main(["check", "scenario.yaml", "--set", "targets.capacity.cells.2024=3",
                 "--set", "targets.capacity.cells.2_024=5"]) == 2
    err = capsys.readouterr().err
    assert ("--set targets.capacity.cells.2_024 | given twice (got 3 for targets.capacity.cells.2024, then 5); "
            "give it once, with the value meant") in err
    assert "Traceback" not in err
