"""A capacity target given as no number is refused with an example in its product's own unit,
as the catalog gives it (siting/config/load.py `product_units`): the small scenario's cells are
counted in GWh, its module is 10 GWh/yr, so "in GWh/yr, e.g. 10", not the generic "in units/yr,
e.g. 50000" (50,000 GWh/yr being a thousand times the shipped case's whole target). A target
group takes its first product's unit (cathode: [lfp], t, a module of 50,000 t/yr). Without a
catalog to read, the generic example stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MISSING_CATALOG, NO_CATALOG, refused_lines


def test_a_product_target_that_is_no_number_gets_an_example_in_the_product_unit(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    lines = refused_lines(folder, capsys, ["check", "scenario.yaml", "--set", "targets.capacity.cells.2024=abc",
                                           "--set", "targets.capacity.cathode.2024=1e5 t"])
    assert lines == [
        "error: 2 problems in the input:",
        "  - scenario.yaml: --set targets.capacity.cathode.2024 | must be a number (got '1e5 t'); write the number "
        "alone, in t/yr, e.g. 50000",
        "  - scenario.yaml: --set targets.capacity.cells.2024 | must be a number (got 'abc'); write the number alone, "
        "in GWh/yr, e.g. 10"]


def test_without_a_catalog_the_example_is_generic(folder: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    lines = refused_lines(folder, capsys, ["check", "scenario.yaml", *NO_CATALOG,
                                           "--set", "targets.capacity.cells.2024=abc"])
    assert lines == [
        "error: 2 problems in the input:",
        "  - scenario.yaml: --set targets.capacity.cells.2024 | must be a number (got 'abc'); write the number alone, "
        "in units/yr, e.g. 50000",
        MISSING_CATALOG]
