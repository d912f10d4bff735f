"""A year a variant, an extending file or a `--set` gives twice is refused whichever spelling it
writes first: with the base's spelling first (`{2024: 1, '2024': 2}` over a base writing 2024) the
second key was taken for a respelling of the base's year, renamed over the first and kept alone,
so the override's 1 was dropped without a word. Solves nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py), whose cells target is {2024: 10}."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

TWICE = "{2024: 1, '2024': 2}"


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["check", *args]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("override", [f"targets.capacity.cells={TWICE}",
                                      f"targets={{capacity: {{cells: {TWICE}}}}}"])
def test_a_set_giving_the_bases_year_twice_is_refused(folder: Path, capsys, monkeypatch, override: str):
    monkeypatch.chdir(folder)
    assert "gives the year 2024 twice" in _refused(capsys, "scenario.yaml", "--set", override)


def test_a_variant_giving_the_bases_year_twice_is_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + f"variants:\n  more:\n    targets: {{capacity: {{cells: {TWICE}}}}}\n")
    assert "gives the year 2024 twice" in _refused(capsys, "scenario.yaml", "--variant", "more")


def test_an_extending_file_giving_the_bases_year_twice_is_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    (folder / "more.yaml").write_text("extends: scenario.yaml\nname: more\n"
                                      f"targets: {{capacity: {{cells: {TWICE}}}}}\n")
    assert "gives the year 2024 twice" in _refused(capsys, "more.yaml")
