"""A catalog's price (a product's, or a resource's import price) given for a year no plan can
run is refused, naming the file, line, key and year: a run reads the prices of its plan's years
and of the steady-state year after them (siting/prepare/inputs.py `product_prices`,
`resource_terms`), so a price for year 1e9, 0 or -5 is a slip no run reads, where before it was
taken without a word (siting/config/schema.py `CATALOG_YEARS`, `catalog_year`). A year in that
range outside the plan (a catalog shared by plans of other years) passes, and a year with
decimals is refused as no whole number. Solves nothing. The small scenario of tests/data/small
(`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

WHY = ("must be a calendar year from 1950 to 2200 (got {got}): a run reads a catalog's figures by year (prices, sales "
       "and import caps, national demand) for its plan's years and the steady-state year after them, so no run reads "
       "one for this year; write the year it is meant for, e.g. 2024")


def checked(folder: Path, year: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`siting check` of the small scenario with FePO4's price and phosphate rock's import price on
    path base given for `year` too (as written in YAML): its exit code and the lines of its errors."""
    catalog = folder / "catalog.yaml"
    lines = catalog.read_text().splitlines()
    lines[3] = lines[3].replace("2024: 300}, flat", f"2024: 300, {year}: 300}}, flat")
    lines[9] = lines[9].replace("2024: 10000}, flat", f"2024: 10000, {year}: 9000}}, flat")
    catalog.write_text("\n".join(lines) + "\n")
    code = main(["check", str(folder / "scenario.yaml")])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if line.startswith("  - ")]


@pytest.mark.parametrize(("year", "key", "got"), [("1e9", "1e9", "1e9"), ("-5", "-5", "-5"),
                                                  ("0", "0", "0"), ("20224", "20224", "20224")])
def test_a_price_for_a_year_no_plan_runs_is_refused(folder: Path, capsys, monkeypatch, year, key, got):
    monkeypatch.chdir(folder)
    code, lines = checked(folder, year, capsys)
    assert code == 2
    assert lines == [
        f"  - catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base.{key} (as a key) | "
        f"{WHY.format(got=got)}",
        f"  - catalog.yaml:10: products.fepo4.price_yuan_per_unit.base.{key} (as a key) | {WHY.format(got=got)}"]


def test_a_year_with_decimals_is_no_whole_number(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    code, lines = checked(folder, "2023.5", capsys)
    assert code == 2
    assert lines[1] == ("  - catalog.yaml:10: products.fepo4.price_yuan_per_unit.base.2023.5 (as a key) | must be a "
                        "whole number (got 2023.5); drop the decimals")


def test_a_sales_cap_for_a_year_no_plan_runs_is_refused(folder: Path, capsys, monkeypatch):
    """The same holds for the other figures by year: a sales cap given for year 20224."""
    monkeypatch.chdir(folder)
    catalog = folder / "catalog.yaml"
    lines = catalog.read_text().splitlines()
    lines.insert(9, "    sales_cap_units: {20224: 5000}")
    catalog.write_text("\n".join(lines) + "\n")
    assert main(["check", str(folder / "scenario.yaml")]) == 2
    err = capsys.readouterr().err
    assert f"  - catalog.yaml:10: products.fepo4.sales_cap_units.20224 (as a key) | {WHY.format(got=20224)}" in err


@pytest.mark.parametrize("year", ["2021", "2100", "1950", "2200"])
def test_a_calendar_year_outside_the_plan_passes(folder: Path, capsys, monkeypatch, year):
    monkeypatch.chdir(folder)
    assert checked(folder, year, capsys) == (0, [])
