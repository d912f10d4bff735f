"""A layer setting that names a field the layer lacks, misspelt (`usable_are_ha` for the sites
layer's `usable_area_ha`), is offered the field it likely meant, as a misspelt scenario key is
(siting/config/words.py `close_key`): "did you mean 'usable_area_ha'?" with the setting that
reads it. A name close to no field keeps the plain fix. The small scenario of tests/data/small,
whose sites layer has the columns of `COLUMNS`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import edit, run_bad

SITES = "sites: {path: sites.geojson}"
COLUMNS = "site_id, name, usable_area_ha, existing_lfp, land_price_yuan_per_ha, power_tariff_yuan_per_kwh"


@pytest.mark.parametrize(("setting", "written", "meant"), [
    ("usable_area_field", "usable_are_ha", "usable_area_ha"),
    ("id_field", "siteid", "site_id"),
    ("name_field", "nmae", "name"),
])
def test_a_misspelt_field_name_is_offered_the_field_meant(folder: Path, capsys: pytest.CaptureFixture[str],
                                                          setting: str, written: str, meant: str):
    edit(folder / "scenario.yaml", SITES, f"sites: {{path: sites.geojson, {setting}: {written}}}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - sites.geojson: field '{written}' | missing from the sites layer (has: {COLUMNS}); did you mean "
        f"'{meant}'? set layers.sites.{setting}: {meant}, or add the field '{written}'\n")


def test_a_field_name_close_to_none_keeps_the_plain_fix(folder: Path, capsys: pytest.CaptureFixture[str]):
    edit(folder / "scenario.yaml", SITES, "sites: {path: sites.geojson, name_field: label}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - sites.geojson: field 'label' | missing from the sites layer (has: {COLUMNS}); add it or set "
        "layers.sites.name_field to the right field name\n")
