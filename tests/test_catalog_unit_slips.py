"""Catalog prices and capex given in a larger unit than the catalog's yuan.

Chinese sources give prices in 万 yuan per t and investments in 万 or 亿 yuan: an LFP price of
4 (万 yuan/t) typed for 40,000 yuan/t, or a module's capex of 100,000 (10 亿 yuan in 万 yuan)
for 1,000,000,000 yuan, passed `siting check` without a word and changed the plan. A notice
names the file and line, the key, the figures with their units and the likely slip, on two
rules no working plant breaks: a price below a tenth of what one unit costs to make at the
catalog's own prices, and a capex per unit of yearly capacity below 1 % of a year's sales of
that capacity. The plan uses the figures as given. Notices are matched whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.load import catalog_unit_notices, read_catalog
from siting.prepare.problem import prepare

# `folder` (a copy of the small scenario) is in tests/conftest.py.

ROOT = Path(__file__).resolve().parent.parent


def slip_notices(folder: Path) -> list[str]:
    return [str(n) for n in prepare(folder / "scenario.yaml", {}).notices if "catalog.yaml:" in str(n)]


def edit_catalog(folder: Path, old: str, new: str) -> None:
    catalog = folder / "catalog.yaml"
    text = catalog.read_text()
    assert old in text
    catalog.write_text(text.replace(old, new))


def test_a_price_in_wan_yuan_per_t_is_named(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    edit_catalog(folder, "{base: {2023: 50000, 2024: 40000}, flat: {2023: 40000, 2024: 40000}}",
                 "{base: {2023: 5, 2024: 4}, flat: {2023: 4, 2024: 4}}")
    assert slip_notices(folder) == [
        "catalog.yaml:18: products.lfp.price_yuan_per_unit | below 10 % of what one t costs to make at the catalog's "
        "own prices (its inputs, raw resources and other variable costs): base 2023: 5 yuan/t against 17,000; base "
        "2024: 4 yuan/t against 15,000; flat 2023: 4 yuan/t against 15,000; flat 2024: 4 yuan/t against 15,000: "
        "given in 万 yuan/t, or per a smaller unit than t? Prices are in yuan/t (4 万 yuan/t is written 40000); "
        "the plan uses the figures as given"]


def test_a_capex_in_wan_yuan_is_named(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    edit_catalog(folder, "capacity: 50000, capex_yuan: 1000000000", "capacity: 50000, capex_yuan: 100000")
    assert slip_notices(folder) == [
        "catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capex_yuan | 100,000 yuan for 50,000 t/yr is 2 yuan per "
        "t/yr of capacity, below 1 % of a year's sales of it at the product's lowest price (40,000 yuan/t, base "
        "2024): given in 万 yuan? capex_yuan is the whole module's capex in yuan (10 亿 yuan is written 1000000000); "
        "the plan uses the figure as given"]


def test_a_zero_price_and_a_zero_capex_are_not_named(folder: Path):
    """0 is no slip of unit (a free module, a product not sold): nothing is said."""
    edit_catalog(folder, "capacity: 50000, capex_yuan: 1000000000", "capacity: 50000, capex_yuan: 0")
    edit_catalog(folder, "{base: {2023: 50000, 2024: 40000}, flat: {2023: 40000, 2024: 40000}}",
                 "{base: {2023: 0, 2024: 0}, flat: {2023: 0, 2024: 0}}")
    assert slip_notices(folder) == []


CATALOGS = [ROOT / "scenarios" / "catalog.yaml", *sorted((ROOT / "tests" / "data").glob("*/catalog.yaml"))]


@pytest.mark.parametrize("catalog", CATALOGS, ids=[c.parent.name for c in CATALOGS])
def test_the_shipped_and_test_catalogs_give_no_notice(catalog: Path):
    read, node, _keys, _faults, problems, _data = read_catalog(catalog)
    assert read is not None and not problems
    assert catalog_unit_notices(catalog, node, read) == []
