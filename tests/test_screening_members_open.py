"""A merged site of the aggregated model opens its members one by one (models/families/
agglomeration.py, build_rate.py): each member built on is paid for, counted in the open-site limit
and held to the per-site build rate, so the bound stays valid and no longer lets one opening stand
for several members. Instances: tests/test_screening.py's (`cells`), solved exactly."""

from __future__ import annotations

import pytest
from test_screening import CELL_IDS, MERGE_ALL, P10, SETTINGS, Y2, K, cells, optimum

from siting.optimize.screening import aggregate, solve_screened

SITES = ("a1", "a2", "a3")


def identical(**overrides: object):
    """Three identical cells of c1 (3 ha each), product p only (p10: 10 units/yr on 1 ha), target
    P = 80 units/yr in 2031: the plan needs 8 modules, on three cells' land (3 + 3 + 2 ha)."""
    base = dict(
        SITES=SITES, CLUSTERS=("c1",), PRODUCTS=("p",), MODULES=(P10,),
        CANDIDATES=tuple((s, "p") for s in SITES), cluster_of_site=dict.fromkeys(SITES, "c1"),
        site_land_ha=dict.fromkeys(SITES, 3.0), land_after_redline_ha={(s, "p"): 3.0 for s in SITES},
        land_price_yuan_per_ha=dict.fromkeys(SITES, 10.0 * K),
        power_tariff_yuan_per_kwh=dict.fromkeys(SITES, 0.5 * K),
        site_hub_km=dict.fromkeys(SITES, 4.0), hub_hub_km={}, hub_gateway_km={"c1": 10.0},
        capacity_target_units={("P", Y2): 80.0}, TARGET_GROUPS={"P": ("p",)},
        capacity_shortfall_penalty_yuan_per_unit={"P": 50.0 * K},
    )
    base.update(overrides)
    return cells(**base)


def test_each_member_built_on_pays_its_opening() -> None:
    """With an opening cost of 60 K yuan a site and a build rate given (10 modules a site a year,
    which does not bind), the full optimum opens the three cells in 2031; the merged site (9 ha)
    opens its members one by one, each adding at most one cell's 3 ha of modules, so it pays three
    openings too and its optimum equals the full one. Without a build rate it opens once (the
    faster search, `members_counted`): two openings fewer, 2 x 60 K x 0.9 yuan below."""
    inputs = identical(site_fixed_cost_yuan=60.0 * K, max_modules_per_site_per_yr=10)
    full = optimum(inputs)
    agg = aggregate(inputs, SITES, MERGE_ALL)
    assert agg.members == {"a1~3": SITES}
    assert agg.inputs.member_land_ha == {("a1~3", "p"): 3.0}
    assert agg.inputs.index.member_max_added[("a1~3", "p")] == pytest.approx(30.0)
    assert optimum(agg.inputs) == pytest.approx(full, rel=1e-9)
    solved = solve_screened(inputs, SITES, SETTINGS, MERGE_ALL)
    assert solved.report.best_bound_yuan == pytest.approx(full, rel=1e-9)
    once = identical(site_fixed_cost_yuan=60.0 * K)
    assert optimum(once) == pytest.approx(full, rel=1e-9)
    assert optimum(aggregate(once, SITES, MERGE_ALL).inputs) == pytest.approx(full - 2 * 60.0 * K * 0.9, rel=1e-9)


def test_each_member_open_may_decide_the_per_site_build_rate() -> None:
    """At most 2 modules a site a year, and opening costs. The full plan needs 8 modules on three
    cells of 3 modules' land: 3 + 3 + 2, at most 2 a year each, so two cells decide 1 in 2030 and
    open then, the third opens in 2031 (decided modules: 2030: 2, 2031: 6). The merged site may
    decide 2 a year per member open (not 6 whatever it opens): it decides 2 in 2030 with one
    member open and 6 in 2031 with three; one opening moves from 2030 to 2031 (its land per
    member is not followed year by year), which saves (1 - 0.9) x 60 K yuan. Without the members'
    count its build rate would be 6 a year from the first opening, and one opening would do."""
    inputs = identical(site_fixed_cost_yuan=60.0 * K, max_modules_per_site_per_yr=2)
    full = optimum(inputs)
    agg = aggregate(inputs, SITES, MERGE_ALL)
    assert optimum(agg.inputs) == pytest.approx(full - 0.1 * 60.0 * K, rel=1e-9)


@pytest.mark.parametrize("rate", [{"max_modules_per_site_per_yr": 1}, {"max_capex_yuan_per_site_per_yr": 150.0 * K}])
def test_the_bound_stays_valid_with_build_rates_and_opening_costs(rate: dict) -> None:
    """The instance of tests/test_screening.py with opening costs, an open-site limit, a minimum
    investment and a build rate: the aggregate optimum is at most the full optimum."""
    inputs = cells(site_fixed_cost_yuan=60.0 * K, min_investment_per_open_site_yuan=100.0 * K,
                   max_open_sites_per_cluster={"c1": 3, "c2": 2}, **rate)
    full = optimum(inputs)
    agg = aggregate(inputs, CELL_IDS, MERGE_ALL)
    assert len(agg.members) >= 2
    assert optimum(agg.inputs) <= full + 1e-6 * abs(full)
