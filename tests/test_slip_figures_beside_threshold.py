"""A unit-slip notice prints its figure so that it reads on its own side of the threshold it is
compared with: a tariff of 5.0000001 yuan/kWh is "above 5 yuan/kWh (got 5.0000001)", not "(got
5)"; a land price of 9,999.9999 yuan/ha below 10,000 is not "10,000"; 10,000.4 ha of usable land
at a point site, above 10,000 ha, is not "10,000 ha"; a percent of 0.9999999, below 1, is not "1"
(siting/config/load.py `figure_beside`). Figures far from the threshold read as before
(tests/test_price_unit_slips.py and the others). Solves nothing. The small scenario of
tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from conftest import edit
from test_candidate_scenario import with_cells
from test_price_unit_slips import set_property, slip_notices

from siting.config.load import load_scenario, percent_notices
from siting.prepare.problem import load_checked, prepare


def test_figure_beside_adds_the_digits_that_tell_it_from_the_threshold():
    from siting.config.load import figure_beside

    assert figure_beside(5.0000001, 5) == "5.0000001"
    assert figure_beside(9999.9999, 10_000) == "9,999.9999"
    assert figure_beside(999_999.9999, 1e6) == "999,999.9999"
    assert figure_beside(9999.9999, 10_000, grouped=False) == "9999.9999"
    assert figure_beside(45, 5) == "45"
    assert figure_beside(0.309, 1) == "0.309"


def test_a_tariff_just_above_the_threshold_reads_above_it(folder: Path):
    set_property(folder / "sites.geojson", "power_tariff_yuan_per_kwh", {"e_city": 5.0000001})
    notices = slip_notices(folder)
    assert len(notices) == 1
    assert "above 5 yuan/kWh for the 3rd feature (site_id 'e_city') (got 5.0000001): given in" in notices[0]


def test_a_land_price_just_below_the_threshold_reads_below_it(folder: Path):
    set_property(folder / "sites.geojson", "land_price_yuan_per_ha", {"w_mine": 9999.9999})
    notices = slip_notices(folder)
    assert len(notices) == 1
    assert "below 10,000 yuan/ha for the 1st feature (site_id 'w_mine') (got 9999.9999): given in" in notices[0]


def test_a_cell_land_price_just_below_the_threshold_reads_below_it(folder: Path):
    scenario = with_cells(folder, "{cell_size_m: 10000, land_price_yuan_per_ha: 9999.9999}")
    notices = [str(n) for n in load_checked(scenario)[2] if "land_price_yuan_per_ha" in str(n)]
    assert len(notices) == 1
    assert "below 10,000 yuan/ha (got 9,999.9999): given in" in notices[0]


def test_usable_land_just_above_the_threshold_reads_above_it(folder: Path, monkeypatch):
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 10000.4})
    notices = [str(n) for n in prepare(folder / "scenario.yaml", {}).notices if "usable at a point site" in str(n)]
    assert len(notices) == 1
    assert "more than 10,000 ha usable at a point site for the 3rd feature (site_id 'e_city') (got 10,000.4 ha)" in (
        notices[0])


def test_a_percent_just_below_one_reads_below_it(folder: Path):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}",
         "redline: {buffer_m: 1000, official_share_pct: 0.9999999}")
    notices = [n.shown for n in percent_notices(load_scenario(folder / "scenario.yaml"))]
    assert len(notices) == 1
    assert ("looks like a share, not a percent (got 0.9999999, read as 0.9999999 %); give 99.99999 for 99.99999 %, "
            "or leave it if 0.9999999 % is meant") in notices[0]
