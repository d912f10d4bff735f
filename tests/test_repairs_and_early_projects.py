"""A repair that changes a polygon's area much, either way, is refused, its areas in one unit;
a committed project's online year before the plan counts from the plan's first year with a
notice, and one before 1950 is refused as a typo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.prepare.layers import area_text
from siting.prepare.problem import load_checked, prepare
from tests.conftest import edit, run_bad

X, Y = 102.1, 24.6  # a corner of site w_mine's square, 0.01 degree a side (1.11 x 1.01 km = 1.12 km2)


def site_ring(folder: Path, ring: list[list[float]]) -> None:
    """Draw site w_mine, the sites layer's 1st feature, as the polygon of `ring`."""
    data = json.loads((folder / "sites.geojson").read_text())
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    (folder / "sites.geojson").write_text(json.dumps(data))


def corner_loop(d: float) -> list[list[float]]:
    """The square, its last edge overshooting the first corner by `d` degree: a loop of about
    d^2/2 whose winding runs against the square's, so the repair adds twice the loop."""
    return [[X, Y], [X + 0.01, Y], [X + 0.01, Y + 0.01], [X, Y + 0.01], [X + d, Y - d], [X, Y]]


def test_a_bow_tie_site_is_refused_with_both_areas_in_ha(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A symmetric bow tie over the square: its lobes cancel (0 as drawn); the repair keeps both
    triangles, half the square, 56.1 ha. Before, this was accepted as '0 ha as drawn, 0.6 km2'."""
    site_ring(folder, [[X, Y], [X + 0.01, Y + 0.01], [X + 0.01, Y], [X, Y + 0.01], [X, Y]])
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: geometry | repairing the 1st feature (site_id 'w_mine') would give it an area that its "
        "outline as drawn does not enclose, from 0 ha as drawn to 56.1 ha (Self-intersection[102.105 24.605]: the "
        "loops of an outline that crosses itself cancel); redraw the polygon so that its outline does not cross "
        "itself\n")


def test_a_repair_that_adds_more_than_1_percent_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A loop of 0.002 degree at a corner: it crosses the first edge at 0.00167 degree, a loop of
    0.5 x 0.00167 x 0.002 = 1.67e-6 deg2; the square less the corner it cuts off is 9.17e-5, so
    9.0e-5 as drawn and 9.33e-5 repaired: 3.7 % more; 1e-4 deg2 is 1.12 km2, so 101 and 105 ha."""
    site_ring(folder, corner_loop(0.002))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: geometry | repairing the 1st feature (site_id 'w_mine') would add 3.7% to its area, "
        "from 101 ha as drawn to 105 ha (Self-intersection[102.101666666667 24.6]); redraw the polygon\n")


def test_a_repair_within_1_percent_is_noted_in_one_unit(folder: Path):
    """A loop of 0.0005 degree: it crosses at 0.000476 degree; 9.750e-5 deg2 as drawn, 9.774e-5
    repaired (0.25 % more), of the square's 1e-4 deg2 = 112.1 ha: 109 and 110 ha, with a note."""
    site_ring(folder, corner_loop(0.0005))
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    repaired, mixed = layers.notices  # the layer now holds a polygon among points: said too
    assert repaired == (
        "sites.geojson: repaired the invalid geometry of the 1st feature (site_id 'w_mine'): "
        "Self-intersection[102.100476190476 24.6]; 109 ha as drawn, 110 ha repaired (in 2 parts)")
    assert mixed.startswith("sites.geojson: the sites layer mixes 1 polygon site and 3 point sites")


def test_areas_of_one_message_share_its_unit():
    """The unit given is kept whatever the size: 0 and a small area in km2 next to a large one."""
    assert [area_text(0.0, "km2"), area_text(1_000.0, "km2"), area_text(14e6, "km2")] == [
        "0 km2", "0.001 km2", "14.0 km2"]
    assert [area_text(0.0), area_text(561_000.0), area_text(2.24e6), area_text(14e6, "ha")] == [
        "0 ha", "56.1 ha", "2.2 km2", "1,400 ha"]


def test_an_online_year_before_the_plan_counts_from_its_first_year_with_a_notice(folder: Path):
    """The small case's plan runs 2023-2024; east_lfp producing since 2020 is standing capacity."""
    edit(folder / "committed_projects.yaml", "online_year: 2024", "online_year: 2020")
    prepared = prepare(folder / "scenario.yaml", {})
    assert [n for n in prepared.notices if "committed" in n] == [
        "committed_projects.yaml: committed project east_lfp (10,000 t/yr LFP at East city) has online_year 2020, "
        "before the plan's first year 2023: counted as standing from 2023"]
    assert prepared.inputs.committed_units_per_yr == {}


def test_an_online_year_of_1900_is_refused_as_a_typo(folder: Path, capsys: pytest.CaptureFixture[str]):
    edit(folder / "committed_projects.yaml", "online_year: 2024", "online_year: 1900")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - committed_projects.yaml:7: [0] (east_lfp).online_year | first production year 1900 is before 1950: "
        "very likely a typo; give the year it first produced (a year before the plan's first counts from the "
        "plan's first year)\n")
