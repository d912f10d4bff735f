"""A point site's usable land lies in its cluster: more of it than the cluster's whole area is
refused as bad input, naming the file, the field, the site and both areas in ha.

A usable area typed in m2 (300,000 for 30 ha) reads as 300,000 ha; tests/data/small's clusters
are 0.5 x 0.5 degree boxes about 24.75 N, 280,116 ha each on the WGS84 ellipsoid (the measure a
polygon site's `footprint_ha` takes). A point site has no footprint of its own, so before this
check the figure passed silently and the plan built on land the cluster does not have.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_price_unit_slips import set_property

from siting.cli import main
from siting.config.errors import InputError
from siting.prepare.problem import prepare

# `folder` (a copy of the small scenario) is in tests/conftest.py.

REFUSED = (
    "sites.geojson: field 'usable_area_ha' | more usable land than the whole area of the site's cluster for the "
    "3rd feature (site_id 'e_city'): 300,000 ha usable in cluster 'east' of 280,116 ha; a point site's usable land "
    "lies in its cluster: give it in ha (a figure in m2 is 10,000 times too large: 300,000 m2 is 30 ha), or draw "
    "the site's outline as a polygon")


def test_a_point_site_with_more_land_than_its_cluster_is_refused(folder: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 300000})
    with pytest.raises(InputError) as caught:
        prepare(folder / "scenario.yaml", {})
    assert list(caught.value.problems) == [REFUSED]


def test_the_command_exits_2_naming_it(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 300000})
    monkeypatch.chdir(folder)
    code = main(["check", "scenario.yaml", "--out", str(folder / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert f"  - {REFUSED}" in err
    assert not (folder / "out").exists()


def test_it_comes_with_the_layers_other_problems(folder: Path, monkeypatch: pytest.MonkeyPatch):
    """With another problem of the input, the placement checks run with it, and this one is named
    beside it in the one message."""
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 300000})
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("years: [2023, 2024]", "years: [2023, 2024]\nbogus: 1"))
    with pytest.raises(InputError) as caught:
        prepare(scenario, {})
    assert REFUSED in caught.value.problems
    assert len(caught.value.problems) == 2


def test_a_point_site_with_less_land_than_its_cluster_passes(folder: Path):
    """Up to the cluster's whole area (280,116 ha) a point site's usable land is taken as given (the
    model's land is what its existing plant leaves: 2 ha of it, as with its own 30 ha, 28 left)."""
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 280000})
    assert prepare(folder / "scenario.yaml", {}).inputs.site_land_ha["e_city"] == 279998
