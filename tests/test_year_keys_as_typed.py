"""A year given as a mapping's key that is true/false, null or a number written otherwise than
as digits is named as the file writes it, and true/false and null are refused as no whole number:
YAML reads `true:` as True, which Python counts as the year 1 (it was refused as year "1", or, in a
scenario's targets, said to be outside the plan's years), and `null:` as None (shown as "None");
a catalog year typed 1e9 was named as Python prints it ("1000000000.0 (as a key)"). Solves
nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

WHOLE = "must be a whole number, a calendar year (got {got}); write the year as digits, e.g. 2024"


def problems(folder: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, list[str]]:
    """`siting check` of the small scenario (from its folder, `folder`): its exit code and the lines of its errors."""
    code = main(["check", "scenario.yaml", *options])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if line.startswith("  - ")]


def with_catalog_year(folder: Path, year: str) -> None:
    """The small catalog with phosphate rock's import price on path base given for `year` too."""
    catalog = folder / "catalog.yaml"
    lines = catalog.read_text().splitlines()
    lines[3] = lines[3].replace("2024: 300}, flat", f"2024: 300, {year}: 300}}, flat")
    catalog.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("year", ["true", "false", "null", "~"])
def test_a_catalog_year_of_true_or_null_is_named_as_typed(folder: Path, capsys, monkeypatch, year):
    monkeypatch.chdir(folder)
    with_catalog_year(folder, year)
    assert problems(folder, capsys) == (2, [
        f"  - catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base.{year} (as a key) | "
        f"{WHOLE.format(got=year)}"])


@pytest.mark.parametrize(("year", "read"), [("1e9", "1000000000"), ("2.3e3", "2300")])
def test_a_catalog_year_written_otherwise_than_in_digits_is_named_as_typed(folder: Path, capsys, monkeypatch,
                                                                         year, read):
    monkeypatch.chdir(folder)
    with_catalog_year(folder, year)
    code, lines = problems(folder, capsys)
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith(f"  - catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base.{year} "
                               f"(as a key) | must be a calendar year from 1950 to 2200 (got {year}): ")
    assert read not in lines[0]


@pytest.mark.parametrize("year", ["true", "null"])
def test_a_target_year_of_true_or_null_is_refused_as_typed(folder: Path, capsys, monkeypatch, year):
    monkeypatch.chdir(folder)
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("cells: {2024: 10}", f"cells: {{2024: 10, {year}: 5}}"))
    assert problems(folder, capsys) == (2, [
        f"  - scenario.yaml:19: targets.capacity.cells.{year} (as a key) | {WHOLE.format(got=year)}"])


def test_a_year_of_true_given_on_the_command_line_is_refused_as_typed(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(folder, capsys, "--set", "targets.capacity.cells={true: 5}") == (2, [
        f"  - scenario.yaml: --set targets.capacity.cells.true (as a key) | {WHOLE.format(got='true')}"])


@pytest.mark.parametrize(("part", "got"), [("true", "true"), ("False", "false"), ("null", "null")])
def test_a_year_of_true_or_null_as_the_last_part_of_a_dotted_key_is_refused_as_in_a_mapping(
        folder: Path, capsys, monkeypatch, part, got):
    """`--set targets.capacity.cells.true=5` reads its last part as a key of `{true: 5}` is read
    (docs/USAGE.md: a dotted key's last part is read as a file reads a key): the year message, not the
    generic whole-number one the text 'true' got."""
    monkeypatch.chdir(folder)
    assert problems(folder, capsys, "--set", f"targets.capacity.cells.{part}=5") == (2, [
        f"  - scenario.yaml: --set targets.capacity.cells.{got} (as a key) | {WHOLE.format(got=got)}"])
