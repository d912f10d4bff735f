"""A variant, an extending file or a `--set` that gives a year of a mapping by year written
otherwise than the base writes it ('2024' where the base has 2024, which YAML reads as two keys)
replaces the base's figure for that year, as it did before a year given twice was refused; it
was refused as the year "given twice" though the user gave it once. A year the override itself
gives twice is still refused. Solves nothing. The small scenario of tests/data/small (`folder`,
tests/conftest.py), whose cells target is {2024: 10}."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.load import load_scenario, parse_override


def _cells(path: Path, *, variant: str | None = None, overrides: tuple[str, ...] = ()) -> dict[int, float]:
    pairs = tuple((key, values[0]) for key, values in map(parse_override, overrides))
    loaded = load_scenario(path, variant=variant, overrides=pairs)
    return dict(loaded.scenario.targets.capacity["cells"])


@pytest.mark.parametrize("override", ["targets.capacity.cells={'2024': 5}",
                                      "targets={capacity: {cells: {'2024': 5}}}"])
def test_a_set_year_written_otherwise_replaces_the_files(folder: Path, override: str):
    assert _cells(folder / "scenario.yaml", overrides=(override,)) == {2024: 5}


def test_a_variants_year_written_otherwise_replaces_the_bases(folder: Path):
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + "variants:\n  more:\n    targets: {capacity: {cells: {'2024': 20}}}\n")
    assert _cells(scenario, variant="more") == {2024: 20}


def test_an_extending_files_year_written_otherwise_replaces_the_bases(folder: Path):
    (folder / "more.yaml").write_text("extends: scenario.yaml\nname: more\n"
                                      "targets: {capacity: {cells: {'2024': 30}}}\n")
    assert _cells(folder / "more.yaml") == {2024: 30}


def test_a_year_the_override_gives_twice_is_still_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert main(["check", "scenario.yaml", "--set", "targets.capacity.cells={'2024': 5, 2024: 3}"]) == 2
    err = capsys.readouterr().err
    assert "gives the year 2024 twice" in err and "Traceback" not in err
