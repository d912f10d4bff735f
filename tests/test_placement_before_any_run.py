"""A scenario whose only problem is the placement of its sites (a point site with more usable land
than its cluster's area, or a site outside every cluster under `sites_outside_clusters: error`) is
refused by the checks made before any run, as its other problems are: a refused output folder
lists it with the folder's problem, and `compare` and `sweep` refuse it before they solve any run
(siting/prepare/problem.py `load_checked`).

Before, `load_checked` placed the sites only when another problem had been found, so
`siting solve scenario.yaml --out FILE` named the folder alone, and `siting compare` solved the
other runs and listed this one as failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_point_usable_above_cluster import REFUSED
from test_price_unit_slips import set_property

from siting.cli import main
from siting.config.errors import InputError
from siting.prepare.problem import load_checked

# `folder` (a copy of the small scenario) is in tests/conftest.py.


def test_load_checked_refuses_a_point_site_with_more_land_than_its_cluster(folder: Path,
                                                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 300000})
    with pytest.raises(InputError) as caught:
        load_checked(folder / "scenario.yaml")
    assert list(caught.value.problems) == [REFUSED]


def test_a_refused_output_folder_lists_it_too(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 300000})
    (folder / "taken").write_text("a file of the user's\n")
    code = main(["check", "scenario.yaml", "--out", "taken"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert f"  - {REFUSED}" in err
    assert "the output folder is an existing file" in err
    assert (folder / "taken").read_text() == "a file of the user's\n"


def test_compare_refuses_it_before_any_run(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 300000})
    other = folder / "other.yaml"
    other.write_text("extends: scenario.yaml\nname: other\n")
    code = main(["compare", "scenario.yaml", "other.yaml", "--out", "cmp", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert REFUSED in err
    assert not (folder / "cmp").exists()
