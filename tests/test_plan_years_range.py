"""A scenario's own `years` lie from 1950 to 2200, the years a catalog may give its figures by
year for (siting/config/schema.py `CATALOG_YEARS`): a plan year outside them is refused, naming
the file, line and the year's place in the list, where before it had no range check: a plan of
[2023, 1e9] tried to list every year between (a MemoryError, with a traceback), and [20224] was
told only that the catalog has no prices for it. Solves nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


def problems(folder: Path, years: str, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, list[str]]:
    """`siting check` of the small scenario (from its folder) with `years: <years>`: its exit
    code and the lines of its errors."""
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("years: [2023, 2024]", f"years: {years}"))
    code = main(["check", "scenario.yaml", *options])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if line.startswith("  - ")]


#: What a plan year outside the range is told after its "(got <year>)": the range by both ends is
#: said before it, whichever end the year is beyond, as a catalog's year is told it.
WHY = "the years a catalog gives its figures for; give a year in that range"


@pytest.mark.parametrize(("years", "place", "got"), [
    ("[2023, 1e9]", 1, "1e9"), ("[20224]", 0, "20224"), ("[0, 1]", 0, "0"), ("[1949, 2023]", 0, "1949")])
def test_a_plan_year_outside_the_catalog_years_is_refused(folder: Path, capsys, monkeypatch, years, place, got):
    monkeypatch.chdir(folder)
    code, lines = problems(folder, years, capsys)
    assert code == 2
    assert lines[0] == (f"  - scenario.yaml:3: years[{place}] | must be a calendar year from 1950 to 2200 (got {got}), "
                        f"{WHY}")


def test_a_plan_year_outside_them_given_on_the_command_line_is_refused(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    code, lines = problems(folder, "[2023, 2024]", capsys, "--set", "years=[2023, 3000]")
    assert code == 2
    assert lines == [f"  - scenario.yaml: --set years[1] | must be a calendar year from 1950 to 2200 (got 3000), {WHY}"]


def test_a_plan_year_outside_them_in_python_is_told_the_range():
    """The schema's own message, as a Python user who builds a Scenario sees it, names both ends."""
    from pydantic import TypeAdapter, ValidationError

    from siting.config.schema import Scenario

    with pytest.raises(ValidationError) as raised:
        TypeAdapter(Scenario.model_fields["years"].annotation).validate_python([1900])
    assert f"must be a calendar year from 1950 to 2200 (got 1900), {WHY}" in str(raised.value)


@pytest.mark.parametrize("years", ["[1950]", "[2200]"])
def test_the_first_and_last_catalog_years_are_plan_years(folder: Path, capsys, monkeypatch, years):
    """A plan in 1950 or 2200 passes the range: what it is told is that the catalog has no prices
    for it, not that its year is refused."""
    monkeypatch.chdir(folder)
    code, lines = problems(folder, years, capsys)
    assert code == 2
    assert not any("years[" in line for line in lines)
    assert any("no price" in line for line in lines)
