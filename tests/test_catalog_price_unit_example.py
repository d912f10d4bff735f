"""A catalog figure in yuan per unit of a product given as no number (a price, a variable cost)
is refused in yuan per the product's own unit, as a module capacity is in its unit
(tests/test_catalog_figure_unit_example.py): the small catalog's cells are counted in GWh, so
"in yuan/GWh", not the generic "in yuan/unit, e.g. 10000"; a price has the product's own first
price as its example, labelled ("e.g. 500000000 (its base price for 2023)"), a variable cost
none. A product's price under its old key output_value_yuan_per_unit is told the same unit,
with the figure given as the example in every year, not the 22000 of a product in t
(siting/config/load.py `catalog_product_prices`, `replaced_hint`); so is a price given in
another shape than by price path and year (`shape_problems`, `own_price_example`). The small scenario of
tests/data/small (`folder`, tests/conftest.py), run from its folder; messages matched whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import edit, refused_lines

CELLS_PRICES = ("price_yuan_per_unit: {base: {2023: 500000000, 2024: 400000000}, flat: {2023: 400000000, "
                "2024: 400000000}}")


def test_a_price_that_is_no_number_gets_the_product_unit_and_its_own_price(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    edit(folder / "catalog.yaml", "2024: 400000000}, flat", "2024: 0.4 yuan/Wh}, flat")
    edit(folder / "catalog.yaml", "other_variable_cost_yuan_per_unit: 50000000",
         "other_variable_cost_yuan_per_unit: 50 million")
    assert refused_lines(folder, capsys, ["check", "scenario.yaml"]) == [
        "error: 2 problems in the input:",
        "  - catalog.yaml:31: products.cells.price_yuan_per_unit.base.2024 | must be a number (got '0.4 yuan/Wh'); "
        "write the number alone, in yuan/GWh, e.g. 500000000 (its base price for 2023)",
        "  - catalog.yaml:38: products.cells.other_variable_cost_yuan_per_unit | must be a number (got '50 million'); "
        "write the number alone, in yuan/GWh"]


@pytest.mark.parametrize(("old", "example"), [
    ("400000000", "{base: {2022: 400000000, 2023: 400000000, 2024: 400000000}} (the 400000000 given, in every year)"),
    ("0.4 yuan per Wh", "{base: {2022: ..., 2023: ..., 2024: ...}}"),  # no figure to give: the shape alone
])
def test_a_price_under_its_old_key_gets_the_product_unit_and_its_own_figure(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, old: str, example: str):
    monkeypatch.chdir(folder)
    edit(folder / "catalog.yaml", CELLS_PRICES, f"output_value_yuan_per_unit: {old}")
    assert refused_lines(folder, capsys, ["check", "scenario.yaml"]) == [
        "error: 1 problem in the input:",
        "  - catalog.yaml:31: products.cells.output_value_yuan_per_unit | replaced by price_yuan_per_unit; give the "
        f"price by price path and year, in yuan/GWh, e.g. price_yuan_per_unit: {example}"]


@pytest.mark.parametrize(("written", "got", "example"), [
    ("400000000", "400000000",
     "{base: {2022: 400000000, 2023: 400000000, 2024: 400000000}} (the 400000000 given, in every year)"),
    ("{2023: 500000000, 2024: 400000000}", "years 2023, 2024 with no price path above them",
     "{base: {2023: 500000000, 2024: 400000000}} (the prices given, under base)"),
    ("'400 yuan per kWh'", "'400 yuan per kWh'", "{base: {2022: ..., 2023: ..., 2024: ...}}"),  # no figure: the shape
])
def test_a_price_in_another_shape_gets_the_product_unit_and_its_own_figure(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, written: str, got: str,
        example: str):
    """Before: "write it as e.g. price_yuan_per_unit: {base: {2022: 22000, 2023: 15000, 2024: 10000},
    flat: {...}}, in yuan per unit of the product", a price in t for cells counted in GWh."""
    monkeypatch.chdir(folder)
    edit(folder / "catalog.yaml", CELLS_PRICES, f"price_yuan_per_unit: {written}")
    assert refused_lines(folder, capsys, ["check", "scenario.yaml"]) == [
        "error: 1 problem in the input:",
        f"  - catalog.yaml:31: products.cells.price_yuan_per_unit | must give prices by price path, then year (got "
        f"{got}); write it as e.g. price_yuan_per_unit: {example}, in yuan/GWh, under each price path of price_paths"]
