"""A point site's usable land typed in m2 for ha is refused only above its cluster's whole area
(tests/test_point_usable_above_cluster.py); a cluster the size of a prefecture (Kunming: 2.1
million ha) takes most such slips in silence (90 ha typed as 900,000 m2). Usable land above
10,000 ha (100 km2) at one point site, more than any one industrial park offers (the shipped
parks: 36 to 1,278 ha), is named in a notice; the plan uses the figure as given."""

from __future__ import annotations

from pathlib import Path

from test_price_unit_slips import set_property

from siting.prepare.problem import prepare

# `folder` (a copy of the small scenario) is in tests/conftest.py.

NOTICE = (
    "sites.geojson: field 'usable_area_ha' | more than 10,000 ha usable at a point site for the 3rd feature "
    "(site_id 'e_city') (got 100,000 ha): given in m2? It is in ha (300,000 m2 is 30 ha); the plan uses the "
    "figures as given")


def usable_notices(folder: Path) -> list[str]:
    return [str(n) for n in prepare(folder / "scenario.yaml", {}).notices if "usable at a point site" in str(n)]


def test_a_point_site_with_a_park_sized_area_in_m2_is_named(folder: Path, monkeypatch):
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 100000})
    assert usable_notices(folder) == [NOTICE]


def test_no_notice_at_10000_ha_or_below(folder: Path, monkeypatch):
    monkeypatch.chdir(folder)
    set_property(folder / "sites.geojson", "usable_area_ha", {"e_city": 10000})
    assert usable_notices(folder) == []
