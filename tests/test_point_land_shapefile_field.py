"""The refusal of a point site with more usable land than its cluster names the usable-area field
as the file names it: a shapefile keeps 10 characters of a field name, so `usable_area_ha` is
`usable_are` in its attribute table, as the layer's other messages and notices name it (the
notice "read 'usable_are' as 'usable_area_ha'", the land price and tariff notices). Before, it
named `usable_area_ha`, a field the user's shapefile does not have."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pytest
from test_price_unit_slips import set_property

from siting.config.errors import InputError
from siting.prepare.problem import prepare

# `folder` (a copy of the small scenario) is in tests/conftest.py.


def as_shapefile(folder: Path) -> Path:
    """The small scenario with its sites layer saved as sites.shp, e_city's usable area typed in m2."""
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 300000})
    with warnings.catch_warnings():  # geopandas and GDAL say they cut the long field names
        warnings.simplefilter("ignore")
        gpd.read_file(folder / "sites.geojson").to_file(folder / "sites.shp")
    (folder / "sites.geojson").unlink()
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("sites: {path: sites.geojson}", "sites: {path: sites.shp}"))
    return scenario


@pytest.mark.parametrize("other_problem", [False, True])
def test_the_refusal_names_the_shapefile_field(folder: Path, monkeypatch: pytest.MonkeyPatch, other_problem: bool):
    """Alone (found as the sites are placed) and beside another problem of the scenario (found with
    it, siting/prepare/problem.py `placement_problems`)."""
    monkeypatch.chdir(folder)
    scenario = as_shapefile(folder)
    if other_problem:
        scenario.write_text(scenario.read_text() + "bogus: 1\n")
    with pytest.raises(InputError) as caught:
        prepare(scenario, {})
    refused = [p for p in caught.value.problems if "more usable land" in p]
    assert len(refused) == 1
    assert refused[0].startswith("sites.shp: field 'usable_are' | more usable land than the whole area")
    assert len(caught.value.problems) == 1 + other_problem
