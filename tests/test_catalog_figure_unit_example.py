"""A catalog figure in units/yr given as no number (a module's capacity, a product's sales cap)
is refused with an example in its product's own unit, as a target's is
(tests/test_target_figure_unit_example.py): the small catalog's cells are counted in GWh and
its other module is 10 GWh/yr, so "in GWh/yr, e.g. 10", not the generic "in units/yr, e.g.
50000" (siting/config/load.py `catalog_product_units`). A product whose every module capacity
is wrong keeps its unit, without an example. The small scenario of tests/data/small (`folder`,
tests/conftest.py), run from its folder; messages matched whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import edit, refused_lines

CELLS = "      - {id: cells_10gwh, capacity: 10,"


def test_a_module_capacity_that_is_no_number_gets_an_example_in_the_product_unit(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    edit(folder / "catalog.yaml", CELLS, "      - {id: cells_5gwh, capacity: 5 GWh, capex_yuan: 1500000000, "
         "fixed_opex_yuan_per_yr: 0, lifetime_yr: 10, land_ha: 12}\n" + CELLS)
    edit(folder / "catalog.yaml", "sales_cap_units: {2024: 50}", "sales_cap_units: {2024: 50 GWh}")
    assert refused_lines(folder, capsys, ["check", "scenario.yaml"]) == [
        "error: 2 problems in the input:",
        "  - catalog.yaml:33: products.cells.modules[0] (cells_5gwh).capacity | must be a number (got '5 GWh'); "
        "write the number alone, in GWh/yr, e.g. 10",
        "  - catalog.yaml:41: products.cells.sales_cap_units.2024 | must be a number (got '50 GWh'); write the number "
        "alone, in GWh/yr, e.g. 10"]


def test_a_product_without_a_good_module_capacity_gets_its_unit_alone(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    edit(folder / "catalog.yaml", "{id: lfp_50kt, capacity: 50000,", "{id: lfp_50kt, capacity: 50 kt,")
    assert refused_lines(folder, capsys, ["check", "scenario.yaml"]) == [
        "error: 1 problem in the input:",
        "  - catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capacity | must be a number (got '50 kt'); write "
        "the number alone, in t/yr"]
