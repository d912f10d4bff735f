"""Why here (siting/deliver/whyhere.py): per built site, the site-dependent yearly costs of what the
plan adds there, at that site and at the cheapest other site of its cluster that can build all of
it, split as siting/optimize/screening.py `member_cost_parts` splits `member_yuan`.

Instance: cluster c with sites s1, s2, s3 and cluster d with t1 alone; products p and q, modules
of 10 units/yr on 1 ha (0.1 ha a unit), land annuity CRF(0, 50) = 0.02, utilisation 1; p takes
1,000 kWh and 3 t of rock a unit, p weighs 1 t a unit and q 2 t, hauled at 2 yuan/t/km; one rock
source k with road km to each site. s3 has no land for p (it cannot build p).

    site  land yuan/ha  tariff yuan/kWh  hub km  rock km
    s1    1,000,000     0.5              10      5
    s2      500,000     0.6              30      10
    s3      100,000     0.4              20      40
    t1    1,000,000     0.5               5      (none)

The plan adds 100 units/yr of p at s1 (60 in 2030, 40 in 2031), 10 of q at s2 and 10 of q at t1.
Every site has 100 ha left for new modules of either product but s3 for p (none).
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from models import RULE_FAMILIES
from models.families.proximity import nearest_sources
from models.inputs import ModelInputs, ModuleSpec
from siting.deliver.report import markdown, why_here_blocks
from siting.deliver.whyhere import gap_weight, why_here_rows
from siting.optimize.screening import member_cost_parts, member_yuan

Y1, Y2 = 2030, 2031
SITES = ("s1", "s2", "s3", "t1")
P10 = ModuleSpec("p10", "p", capacity_units_per_yr=10.0, capex_yuan=100.0, fixed_opex_yuan_per_yr=0.0, land_ha=1.0)
Q10 = ModuleSpec("q10", "q", capacity_units_per_yr=10.0, capex_yuan=100.0, fixed_opex_yuan_per_yr=0.0, land_ha=1.0)


def inputs(**land_ha: float) -> ModelInputs:
    """The instance of the module docstring; `land_ha`: "site_product" -> the land left there for
    new modules of the product (ha), instead of the docstring's."""
    land = {(s, p): 100.0 for s in SITES for p in ("p", "q")} | {("s3", "p"): 0.0}
    land |= {tuple(key.split("_")): ha for key, ha in land_ha.items()}
    return ModelInputs(
        YEARS=(Y1, Y2),
        SITES=SITES,
        CLUSTERS=("c", "d"),
        PRODUCTS=("p", "q"),
        MODULES=(P10, Q10),
        CANDIDATES=tuple((s, p) for s in SITES for p in ("p", "q")),
        cluster_of_site={"s1": "c", "s2": "c", "s3": "c", "t1": "d"},
        site_land_ha=dict.fromkeys(SITES, 100.0),
        land_after_redline_ha=land,
        utilisation={"p": 1.0, "q": 1.0},
        discount_factor={Y1: 1.0, Y2: 1.0},
        enabled_families=frozenset(RULE_FAMILIES),
        land_price_yuan_per_ha={"s1": 1e6, "s2": 5e5, "s3": 1e5, "t1": 1e6},
        power_tariff_yuan_per_kwh={"s1": 0.5, "s2": 0.6, "s3": 0.4, "t1": 0.5},
        energy_kwh_per_unit={"p": 1000.0},
        site_hub_km={"s1": 10.0, "s2": 30.0, "s3": 20.0, "t1": 5.0},
        transport_yuan_per_t_km=2.0,
        transport_t_per_unit={"p": 1.0, "q": 2.0},
        RESOURCES=("rock",),
        SOURCES=("k",),
        resource_of_source={"k": "rock"},
        resource_t_per_unit={("p", "rock"): 3.0},
        ARCS=(("k", "s1"), ("k", "s2"), ("k", "s3")),
        arc_km={("k", "s1"): 5.0, ("k", "s2"): 10.0, ("k", "s3"): 40.0},
    )


def plan(demo_sites: dict[str, int] | None = None) -> Any:
    """A plan as far as why-here reads it: its builds and its recycling demonstrations."""
    builds = pd.DataFrame(
        [("s1", "c", "p", Y1, "p10", 6, 60.0, 600.0), ("s1", "c", "p", Y2, "p10", 4, 40.0, 400.0),
         ("s2", "c", "q", Y1, "q10", 1, 10.0, 100.0), ("t1", "d", "q", Y2, "q10", 1, 10.0, 100.0)],
        columns=["site", "cluster", "product", "year", "module", "modules", "capacity_added", "capex_yuan"])
    return SimpleNamespace(builds=builds, demo_sites=demo_sites or {})


def parts(land: float, energy: float, hub: float, sources: float) -> dict[str, Any]:
    return pytest.approx({"land": land, "energy": energy, "hub": hub, "sources": sources}, rel=1e-12)


def test_built_sites_against_the_cheapest_other_site_by_hand() -> None:
    """s1, 100 units/yr of p: land 100 x 0.1 x 0.02 x 1,000,000 = 200,000, energy 100 x 1,000 x 0.5
    = 50,000, hub 100 x 1 t x 10 km x 2 = 2,000, rock 100 x 3 t x 5 km x 2 = 3,000: 255,000. s3
    cannot build p (it would cost 88,000); s2: 100,000 + 60,000 + 6,000 + 6,000 = 172,000, 83,000 less.
    s2, 10 of q: land 10,000, hub 10 x 2 t x 30 km x 2 = 1,200: 11,200; s1 20,000 + 400, s3 2,000 +
    800 = 2,800, the cheapest, 8,400 less. t1 is alone in its cluster: 20,000 + 200."""
    rows = why_here_rows(inputs(), plan())
    assert [(r.site, r.cluster, r.use, r.other) for r in rows] == [
        ("s1", "c", (("p", 100.0),), "s2"), ("s2", "c", (("q", 10.0),), "s3"), ("t1", "d", (("q", 10.0),), None)]
    s1, s2, t1 = rows
    assert s1.parts == parts(200_000, 50_000, 2_000, 3_000)
    assert s1.other_parts == parts(100_000, 60_000, 6_000, 6_000)
    assert (s1.total, s1.other_total, s1.difference) == pytest.approx((255_000, 172_000, -83_000), rel=1e-12)
    assert s2.parts == parts(10_000, 0, 1_200, 0)
    assert s2.other_parts == parts(2_000, 0, 800, 0)
    assert s2.difference == pytest.approx(-8_400, rel=1e-12)
    assert t1.parts == parts(20_000, 0, 200, 0)
    assert (t1.other, t1.other_parts, t1.other_total, t1.difference) == (None, {}, None, None)


def test_member_yuan_is_the_sum_of_its_parts() -> None:
    given = inputs()
    nearest = nearest_sources(given)
    use = {"p": 100.0, "q": 10.0}
    split = member_cost_parts(given, ("s1", "s2"), use, nearest)
    whole = member_yuan(given, ("s1", "s2"), use, nearest)
    assert whole == pytest.approx({s: sum(split[s].values()) for s in ("s1", "s2")}, rel=1e-12)
    assert whole["s1"] == pytest.approx(255_000 + 20_400, rel=1e-12)


def test_the_section_names_sites_and_says_when_no_other_site_can_build() -> None:
    names = {"s1": "East park", "s2": "West park", "s3": "North park", "t1": "Lone park"}
    text = markdown(why_here_blocks(why_here_rows(inputs(), plan()), names, {"c": "Centre", "d": "Dale"},
                                    {"p": "t", "q": "GWh"}))
    lines = text.splitlines()
    assert lines[0] == "## Why here"
    assert "| East park | Centre | P 100 t/yr | built here | 0.2 | 0.1 | 0.0 | 0.0 | 0.3 |  |  |" in lines
    assert "|  |  |  | cheapest other: West park | 0.1 | 0.1 | 0.0 | 0.0 | 0.2 | -0.1 |  |" in lines
    assert any(line.startswith("| Lone park | Dale | Q 10 GWh/yr |") for line in lines)
    assert "|  |  |  | no other site of the cluster can build all of these |  |  |  |  |  |  |  |" in lines
    assert "not a re-solve" in text


def test_a_cheaper_site_without_the_land_is_named_but_not_chosen() -> None:
    """s3 gets 5 ha for p (5 modules of 1 ha: it can build p) where s1's 100 units/yr need 100 x 0.1
    = 10 ha: it would cost 88,000 (167,000 less than s1) but has not the land, so the cheapest other
    site is s2 (172,000), and the row says so. s2 with 10.5 ha for p and 100 for q is short too once
    the plan's own module of q there (1 ha) counts at the level of p (10 + 1 > 10.5); with 11 ha
    it fits."""
    rows = why_here_rows(inputs(s3_p=5.0), plan())
    s1 = rows[0]
    assert (s1.site, s1.other) == ("s1", "s2")
    assert s1.short is not None
    assert (s1.short.site, s1.short.left_ha, s1.short.need_ha) == ("s3", 5.0, pytest.approx(10.0, rel=1e-12))
    assert s1.short.total == pytest.approx(88_000, rel=1e-12)
    text = markdown(why_here_blocks(rows, {"s3": "North park"}))
    assert "North park would cost 0.2 million yuan/yr less but has 5 ha left where this needs 10 ha" in text
    tight = why_here_rows(inputs(s3_p=5.0, s2_p=10.5, s2_q=10.5), plan())[0]
    assert tight.other is None
    assert (tight.short.site, tight.short.left_ha, tight.short.need_ha) == ("s3", 5.0, pytest.approx(10.0))
    assert why_here_rows(inputs(s3_p=5.0, s2_p=11.0, s2_q=11.0), plan())[0].other == "s2"
    # Without a cheaper site short of land, nothing is said of land.
    assert why_here_rows(inputs(), plan())[0].short is None
    assert "ha left where" not in markdown(why_here_blocks(why_here_rows(inputs(), plan())))


def test_the_weight_of_a_yearly_difference_is_every_plan_year_and_the_steady_state() -> None:
    """W, the most a yearly figure weighs: df[Y1] + df[Y2] (2 with both at 1); with two years after
    the horizon at 10 % and df = 1, 0.5: 1 + 0.5 + 0.5 x (1/1.1 + 1/1.21)."""
    assert gap_weight(inputs()) == pytest.approx(2.0, rel=1e-12)
    steady = replace(inputs(), years_after_horizon=2, discount_rate=0.1, discount_factor={Y1: 1.0, Y2: 0.5})
    assert gap_weight(steady) == pytest.approx(1.5 + 0.5 * (1 / 1.1 + 1 / 1.21), rel=1e-12)


def test_a_cheaper_site_within_the_gap_is_not_proven_worse_and_one_beyond_it_is_outweighed() -> None:
    """With W = 1 and a proven gap of 10,000 yuan: s3 is 8,400 yuan/yr cheaper than s2, within the
    gap, so the row says the solve does not prove the built site the better choice; s2 is 83,000
    cheaper than s1, beyond it, and the row says what the comparison leaves out outweighs it. A
    built site cheaper than the other gets no such note. W = 2 takes the 8,400 out of the gap; a
    plan without a proven gap (a near-optimal alternative's) claims none."""
    rows = why_here_rows(inputs(), plan())
    lines = markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=1.0)).splitlines()
    s1_other = next(line for line in lines if line.startswith("|  |  |  | cheapest other: s2 |"))
    s2_other = next(line for line in lines if line.startswith("|  |  |  | cheapest other: s3 |"))
    assert s2_other.endswith("| cheaper by these costs, by less than the plan's proven gap: the solve does not prove "
                             "the built site the better choice (another plan within the gap may build there) |")
    assert s1_other.endswith("| cheaper by these costs, by more than the plan's proven gap: what this comparison "
                             "leaves out (opening costs, committed plants and flows, the plan's other rules) "
                             "outweighs it in the plan |")
    text = "\n".join(lines)
    assert "W = 1 " in text and "G = 0.01 million yuan" in text and "G / W = 0.01 million yuan a year" in text
    dearer = replace(rows[0], parts=rows[0].other_parts, other_parts=rows[0].parts)  # the built site the cheaper
    assert dearer.difference == pytest.approx(83_000, rel=1e-12)
    row = markdown(why_here_blocks([dearer], gap_yuan=10_000.0, weight=1.0)).splitlines()[-1]
    assert row.endswith("| 0.1 |  |")
    wide = markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=2.0)).splitlines()
    assert not any("by less than the plan's proven gap" in line for line in wide if line.startswith("|"))
    none = markdown(why_here_blocks(rows, gap_yuan=None, weight=1.0)).splitlines()
    assert not any("proven gap" in line for line in none if line.startswith("|"))
    assert any("no proven gap" in line for line in none)


def test_the_paragraph_names_the_years_w_stands_for_and_a_gap_of_zero() -> None:
    """Without a steady state W is the plan years' weights alone and the paragraph does not speak of
    a steady state; with one it says so. A plan proven with no gap: the paragraph says so instead
    of "a difference under 0 million yuan"."""
    rows = why_here_rows(inputs(), plan())
    plain = markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=1.0, steady=False))
    assert "W = 1 (the discount weights of the plan's years); the plan is proven optimal within" in plain
    assert "steady state" not in plain
    steady = markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=2.5, steady=True))
    assert "the years after them that the steady state stands for" in steady
    exact = markdown(why_here_blocks(rows, gap_yuan=0.0, weight=1.0))
    assert "the plan is proven optimal with no gap." in exact
    assert "G / W" not in exact


def test_the_land_moved_is_the_land_the_built_modules_take() -> None:
    """With a second, denser module of p (20 units on 1 ha) besides p10 (10 units on 1 ha), s1's
    100 units/yr built as 5 x p20 take 5 ha, as the report's land table says, not the 10 ha the
    largest land per unit would give: the need and the land part are those 5 ha (x the annuity at
    a discount rate of 0, 1/50 over the 50-year land term, x each site's price)."""
    p20 = ModuleSpec("p20", "p", capacity_units_per_yr=20.0, capex_yuan=150.0, fixed_opex_yuan_per_yr=0.0,
                     land_ha=1.0)
    given = replace(inputs(s3_p=6.0), MODULES=(P10, p20, Q10))
    builds = pd.DataFrame([("s1", "c", "p", Y1, "p20", 5, 100.0, 750.0)],
                          columns=["site", "cluster", "product", "year", "module", "modules", "capacity_added",
                                   "capex_yuan"])
    (row,) = why_here_rows(given, SimpleNamespace(builds=builds, demo_sites={}))
    assert row.parts["land"] == pytest.approx(5.0 * 1e6 / 50, rel=1e-12)
    assert row.other == "s3"  # 6 ha left there hold the 5 ha; the largest land per unit would need 10
    assert row.other_parts["land"] == pytest.approx(5.0 * 1e5 / 50, rel=1e-12)


def test_a_cheaper_site_not_open_whose_opening_outweighs_the_saving_is_not_said_to_be_within_the_gap() -> None:
    """s3 is 8,400 yuan/yr cheaper than s2 for s2's q, within a gap of 10,000 with W = 1; but s3 is
    not open (no existing or committed plant, nothing built there) and opening a site costs 20,000
    yuan, while s2 has an existing plant (open whatever the plan does): moving the addition to s3
    adds at least 20,000 - 8,400 yuan, so the row must not say that another plan within the gap may
    build there. Where s2 is newly opened by the plan too, the move saves its opening as well, and
    the row keeps the within-the-gap note; without an opening cost nothing changes."""
    opening = replace(inputs(), site_fixed_cost_yuan=20_000.0, existing_capacity_units_per_yr={("s2", "q"): 5.0})
    rows = why_here_rows(opening, plan())
    assert rows[1].site == "s2" and rows[1].other == "s3"
    assert rows[1].opening_yuan == pytest.approx(20_000.0, rel=1e-12)
    line = next(line for line in markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=1.0)).splitlines()
                if line.startswith("|  |  |  | cheapest other: s3 |"))
    assert "another plan within the gap may build there" not in line
    assert "cheaper by these costs, but not open in this plan: opening it adds at least" in line
    both_new = why_here_rows(replace(opening, existing_capacity_units_per_yr={}), plan())[1]
    assert both_new.opening_yuan == pytest.approx(0.0, abs=1e-9)
    plain = why_here_rows(inputs(), plan())[1]
    assert plain.opening_yuan == 0.0


def test_a_demonstration_site_says_the_move_is_not_checked_against_the_rules() -> None:
    """s2's q stands for a recycling demonstration of the plan: moving it to s3 is priced by the
    cost parts only, which cannot tell whether the demonstration rule holds after the move (moved
    beside another recycling plant it is no longer of demonstration size: Anning Qilin's to Anning
    Caopu in the shipped scenario with seed 1), so its row says so; s1, no demonstration, does not."""
    rows = why_here_rows(inputs(), plan({"s2": 1}))
    assert [r.demonstration for r in rows] == [False, True, False]
    lines = markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=1.0)).splitlines()
    said = ("a recycling demonstration of the plan: the move is compared by these costs only; the demonstration "
            "rule and the plan's other rules are not checked for it")
    s3 = next(line for line in lines if line.startswith("|  |  |  | cheapest other: s3 |"))
    s2 = next(line for line in lines if line.startswith("|  |  |  | cheapest other: s2 |"))
    assert said in s3 and said not in s2
    assert "the plan's other rules (its recycling demonstrations among them) are not checked for the move" in (
        "\n".join(lines))
