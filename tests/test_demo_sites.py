"""Which sites are the recycling demonstrations (models/families/recycling_demo.py, demo[s] = 1):
the plan keeps them (`Plan.demo_sites`), the sites layer gives each site's `demonstration`
(a declared yes/no field), and the report's rules met with no slack (`binding_rules`) name the
demonstration rows the plan meets exactly: the number of demonstrations at its least or most,
and a demonstration at its least or most size.

Instances of tests/test_families.py (`with_recycling`: one year 2030, sites s1 (c1) and s2 (c2),
module r10 = 10 units/yr of r for 300 yuan on 1 ha, a candidate at both sites, no target unless
given; R is the target group {r}, shortfall penalty 1000 yuan/unit), each optimum derived in its
docstring.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

import pytest
from test_families import SETTINGS, Y1, land, with_recycling, without

from models import build_model
from models.inputs import ModelInputs, RecyclingDemo
from siting.config.highs import LOOSEST_TOLERANCE
from siting.deliver.drivers import binding_rules
from siting.optimize import results
from siting.optimize.results import Plan, extract_plan
from siting.optimize.solve import solve_model
from tests.conftest import MadeRun

UNITS = {"p": "t", "q": "t", "r": "t"}


def plan_of(inputs: ModelInputs, objective: float, demos: Mapping[str, int] | None = None) -> Plan:
    """The optimal plan of `inputs`, with demo[s] fixed to `demos[s]` where given, whose optimum
    must be `objective`."""
    model = build_model(inputs)
    for site, n in (demos or {}).items():
        model.demo[site].fix(n)
    report = solve_model(model, SETTINGS)
    assert report.proven_optimal, report.termination
    assert report.objective_yuan == pytest.approx(objective, rel=1e-9)
    return extract_plan(model, inputs)


def most_size_case() -> ModelInputs:
    """R targets 30 units; opening a site costs 1000; s1 has 3 ha, s2 1 ha; exactly one
    demonstration, of 15 to 20 units."""
    return with_recycling(
        capacity_target_units={("R", Y1): 30.0}, site_fixed_cost_yuan=1000.0,
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=15.0, min_sites=1, max_sites=1,
                                     max_size_units_per_yr=20.0),
        **land({"s1": 3, "s2": 1}, ("p", "q", "r")))


def test_a_demonstration_at_its_most_size_is_kept_and_named() -> None:
    """`most_size_case`: the demonstration adds 15 to 20 units, so 2 modules (20); s2 holds one
    module (1 ha), too little, so the demonstration is s1's 2 modules and s2 adds the third
    ordinary module: 900 + 2 x 1000 = 2900 (s1 alone: 20 units, 10 short, 600 + 1000 + 10,000;
    3 modules at s1 cannot be a demonstration). The count row is at its least and its most
    (exactly 1 of the 2 sites that may build r), s1 adds 20 = Dmax (above D = 15), the R target
    is met exactly and s2 uses its 1 ha."""
    plan = plan_of(most_size_case(), 2900.0)
    assert plan.demo_sites == {"s1": 1}
    assert binding_rules(most_size_case(), plan, UNITS) == [
        "the capacity target R 2030 is met exactly (30 t/yr)",
        "site s2 uses all its land (1 ha)",
        "the demonstration count R is met exactly (1 site: s1, the least and the most allowed)",
        "site s1 adds R at the most demonstration size (20 t/yr)"]


def test_a_demonstration_at_its_least_size_and_the_least_count_are_named_by_name() -> None:
    """No target; at least 1 and at most 2 demonstrations of at least 20 units (no most size);
    s2 has 1 ha, too little for the 2 modules a demonstration needs: s1 builds 2 r modules, 600.
    The count (1) is at its least, not its most (2); s1 adds 20 = D."""
    inputs = with_recycling(recycling_demo=RecyclingDemo("r", min_size_units_per_yr=20.0, min_sites=1, max_sites=2),
                            **land({"s1": 100, "s2": 1}, ("p", "q", "r")))
    plan = plan_of(inputs, 600.0)
    assert plan.demo_sites == {"s1": 1}
    assert binding_rules(inputs, plan, UNITS, names={"s1": "West park"}) == [
        "the least demonstration count R is met exactly (1 site: West park)",
        "site West park adds R at the least demonstration size (20 t/yr)"]


def test_the_demonstration_limit_reached_is_named() -> None:
    """R targets 30 units; opening a site costs 1000; s1 has 4 ha, s2 1 ha; 0 or 1
    demonstrations of at least 10 units: all 3 modules at s1, 900 + 1000 = 1900. With demo[s1]
    fixed to 1 (the plan counts s1 as the demonstration, which costs nothing: 30 >= 10) the count
    is at its most, 1 of the 2 sites that may build r, and above its least (0); s1's 30 units are
    above the least size."""
    inputs = with_recycling(
        capacity_target_units={("R", Y1): 30.0}, site_fixed_cost_yuan=1000.0,
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=0, max_sites=1),
        **land({"s1": 4, "s2": 1}, ("p", "q", "r")))
    plan = plan_of(inputs, 1900.0, {"s1": 1})
    assert plan.demo_sites == {"s1": 1}
    assert binding_rules(inputs, plan, UNITS) == [
        "the capacity target R 2030 is met exactly (30 t/yr)",
        "the demonstration limit R is reached (1 site: s1)"]


def test_demonstration_rows_with_slack_are_not_named() -> None:
    """R targets 40 units; s1 and s2 have 2 ha each: 2 r modules at each, 1200. Demonstrations:
    1 to 3 of 10 to 30 units, with demo fixed to 1 at both: 2 demonstrations (above the least, 1;
    the most, 3, cannot bind with 2 sites), each of 20 units (between 10 and 30): no slack-free
    demonstration row; the target and both sites' land are."""
    inputs = with_recycling(
        capacity_target_units={("R", Y1): 40.0},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=3,
                                     max_size_units_per_yr=30.0),
        **land({"s1": 2, "s2": 2}, ("p", "q", "r")))
    plan = plan_of(inputs, 1200.0, {"s1": 1, "s2": 1})
    assert plan.demo_sites == {"s1": 1, "s2": 1}
    assert binding_rules(inputs, plan, UNITS) == [
        "the capacity target R 2030 is met exactly (40 t/yr)",
        "site s1 uses all its land (2 ha)",
        "site s2 uses all its land (2 ha)"]


def test_with_the_rule_off_there_is_no_demonstration() -> None:
    """`most_size_case` with the rule off: all three modules at s1, 900 + 1000 = 1900; no
    demonstration, no demonstration row."""
    inputs = without(most_size_case(), "recycling_demo")
    plan = plan_of(inputs, 1900.0)
    assert plan.demo_sites == {}
    assert binding_rules(inputs, plan, UNITS) == ["the capacity target R 2030 is met exactly (30 t/yr)",
                                                  "site s1 uses all its land (3 ha)"]


def test_the_sites_layer_says_which_site_is_the_demonstration(small_demo_run: MadeRun) -> None:
    """The small scenario with exactly one cells demonstration of 10 GWh/yr (`small_demo_run`,
    tests/conftest.py `ONE_CELLS_DEMONSTRATION`): the cells target (10 GWh/yr in 2024) is met by
    one 10 GWh module, which is the demonstration. sites.geojson gives `demonstration` true there
    and false at every other site; plan.gpkg declares the field a yes/no (BOOLEAN) field."""
    out = small_demo_run.out
    features = json.loads((out / "sites.geojson").read_text())["features"]
    demos = {f["id"]: f["properties"]["demonstration"] for f in features}
    cells = {line.split(",")[0] for line in (out / "plan.csv").read_text().splitlines() if ",cells," in line}
    assert len(cells) == 1
    assert demos == {site: site in cells for site in ("w_mine", "w_lake", "e_city", "e_far")}
    with sqlite3.connect(out / "plan.gpkg") as gpkg:
        declared = {row[1]: row[2] for row in gpkg.execute("pragma table_info(sites)")}
    assert declared["demonstration"] == "BOOLEAN"


def test_the_integrality_tolerance_is_the_loosest_tolerance_allowed() -> None:
    """The plan is read back to the loosest feasibility tolerance a scenario may give HiGHS: one
    figure, kept in siting/config/highs.py."""
    assert results.INTEGRALITY_TOLERANCE is LOOSEST_TOLERANCE
