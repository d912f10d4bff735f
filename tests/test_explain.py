"""Infeasibility explained in a planner's words, and pre-solve checks, on hand-made instances.

Every instance is the default two-site instance of tests/test_families.py (sites s1 in c1 and
s2 in c2, module p10 = 10 t/yr of p for 100 yuan on 1 ha, target P = 30 t/yr in 2030) with
strict targets and one change that makes it infeasible. Each docstring derives the
irreducible conflict by hand: the rules that cannot hold together, such that dropping any one
of them makes a plan possible; and the least change under the elastic weights (a row's slack
over max(1, |rhs|)). The whole explanation is asserted. Last, the other side of the rules: the
rounding of the table of what each costs (siting/optimize/relax.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
from test_families import SETTINGS, land, make_inputs

from models.inputs import ModelInputs
from siting.cli import main
from siting.deliver.tables import table_files
from siting.optimize.explain import RuleInstance, explain_infeasibility, presolve_findings
from siting.optimize.relax import RuleCost, rule_cost_table
from siting.optimize.results import Plan
from siting.optimize.solve import SolveReport

UNITS = {"p": "t", "q": "t"}
HEAD3 = "3 rules cannot be met together; dropping any one of them makes a plan possible:"
TARGET = ("  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added "
          "(the eligible land of all clusters could take {room} t/yr) [targets.capacity.P.2030]")


def strict(**overrides: Any) -> ModelInputs:
    return make_inputs(**{"targets_strict": True, **overrides})


def explained(inputs: ModelInputs) -> list[str]:
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    assert diagnosis.irreducible
    return diagnosis.lines()


def test_too_little_land_in_both_clusters() -> None:
    """Each site has 1 ha: one module of p each, 20 t/yr in all, against 30. Conflict: the
    target and both sites' land (more land at either site, or a lower target, makes a plan).
    Least change: lower the target by 10 (weight 10/30) rather than 1 ha more land (1/1)."""
    assert explained(strict(**land({"s1": 1.0, "s2": 1.0}))) == [
        HEAD3,
        TARGET.format(room=20),
        "  - c1's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p "
        "[layers.sites.usable_area_field]",
        "  - c2's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p "
        "[layers.sites.usable_area_field]",
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr",
    ]


def test_open_site_limit_with_small_sites() -> None:
    """Both sites in c1, 2 ha each (two modules each); c1 may open one site. 30 t/yr needs
    three modules, so both sites. Conflict: target, c1's land, c1's open-site limit. Least
    change: target -10 (10/30) beats 1 ha (1/2) and one more site (1/1)."""
    inputs = strict(cluster_of_site={"s1": "c1", "s2": "c1"}, max_open_sites_per_cluster={"c1": 1},
                    **land({"s1": 2.0, "s2": 2.0}))
    assert explained(inputs) == [
        HEAD3,
        TARGET.format(room=40),
        "  - c1's 2 candidate sites have 4 ha of usable land, room for at most 40 t/yr of p "
        "[layers.sites.usable_area_field]",
        "  - c1 may open at most 1 of its 2 candidate sites (all of them together have room for 40 t/yr of p; "
        "the 1 it may open, at most 20 t/yr of p) "
        "[constraints.agglomeration.max_open_sites_per_cluster.c1]",
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr",
    ]


def test_red_line_excludes_one_site_and_cuts_the_other() -> None:
    """The red line covers s1 for p and leaves 1 ha of s2's 100 ha: 10 t/yr against 30.
    Conflict: the target and the red line in c1 and in c2 (land alone is ample: 100 ha each).
    Least change: target -20 (20/30) beats 2 modules inside the zone (2 x 1) or 2 ha (2 x 1)."""
    inputs = strict(REDLINE_EXCLUDED=frozenset({("s1", "p")}),
                    land_after_redline_ha={("s1", "p"): 0.0, ("s1", "q"): 100.0, ("s2", "p"): 1.0, ("s2", "q"): 100.0})
    assert explained(inputs) == [
        HEAD3,
        TARGET.format(room=10),
        "  - the red line keeps p out of 1 of c1's 1 site: no c1 site lies outside it, with room for 0 t/yr of p "
        "(without the red line 1,000 t/yr) "
        "[constraints.redline.buffer_m; constraints.redline.setbacks_m]",
        "  - the red line cuts the land for p at 1 of c2's 1 site: only 1 c2 site lies outside it, with room for "
        "10 t/yr of p (without the red line 1,000 t/yr) "
        "[constraints.redline.buffer_m; constraints.redline.setbacks_m]",
        "the least change that makes a plan possible: lower the P target for 2030 by 20 t/yr, to 10 t/yr",
    ]


def test_hosting_limit_with_two_small_clusters() -> None:
    """p may go to one cluster; each cluster holds 20 t/yr (2 ha). Conflict: all four rules:
    without the hosting limit 20 + 20 = 40 suffice; more land in either cluster suffices."""
    inputs = strict(max_clusters_per_product={"p": 1}, **land({"s1": 2.0, "s2": 2.0}))
    assert explained(inputs) == [
        "4 rules cannot be met together; dropping any one of them makes a plan possible:",
        TARGET.format(room=40),
        "  - c1's 1 candidate site has 2 ha of usable land, room for at most 20 t/yr of p "
        "[layers.sites.usable_area_field]",
        "  - c2's 1 candidate site has 2 ha of usable land, room for at most 20 t/yr of p "
        "[layers.sites.usable_area_field]",
        "  - p may be hosted in at most 1 cluster, adding capacity or with committed plants; "
        "the most each cluster can take: c1 20 t/yr, c2 20 t/yr "
        "[constraints.differentiation.max_clusters_per_product.p]",
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr",
    ]


def test_every_rule_gives_a_cluster_the_same_room_when_the_red_line_cuts_it() -> None:
    """c1 holds s1 (2 ha, 1 ha of it outside p's red-line zone) and s3 (1 ha); c2 holds s2
    (1 ha); p may go to one cluster. Room for p outside the red line: c1 10 + 10 = 20, c2 10;
    on all of c1's land 20 + 10 = 30. One cluster gives at most 20 against 30. Conflict: the
    target, c1's and c2's land (more land at s3, or at s2, makes 30), c1's red line (without it
    c1 takes 30) and the hosting limit (c1 and c2 together take 30). Every rule gives c1 the same
    room, 20, and the land rule says what its whole land would hold; the target's 30 is their sum.
    Least change: target -10 (10/30)."""
    sites = ("s1", "s3", "s2")
    inputs = strict(SITES=sites, CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q")),
                    cluster_of_site={"s1": "c1", "s3": "c1", "s2": "c2"},
                    site_land_ha={"s1": 2.0, "s3": 1.0, "s2": 1.0},
                    land_after_redline_ha={("s1", "p"): 1.0, ("s1", "q"): 2.0, ("s3", "p"): 1.0, ("s3", "q"): 1.0,
                                           ("s2", "p"): 1.0, ("s2", "q"): 1.0},
                    max_clusters_per_product={"p": 1})
    assert explained(inputs) == [
        "5 rules cannot be met together; dropping any one of them makes a plan possible:",
        TARGET.format(room=30),
        "  - c1's 2 candidate sites have 3 ha of usable land, room for at most 20 t/yr of p outside the red line "
        "(30 t/yr of p on all of that land) [layers.sites.usable_area_field]",
        "  - c2's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p "
        "[layers.sites.usable_area_field]",
        "  - the red line cuts the land for p at 1 of c1's 2 sites: only 2 c1 sites lie outside it, with room for "
        "20 t/yr of p (without the red line 30 t/yr) [constraints.redline.buffer_m; constraints.redline.setbacks_m]",
        "  - p may be hosted in at most 1 cluster, adding capacity or with committed plants; "
        "the most each cluster can take: c1 20 t/yr, c2 10 t/yr "
        "[constraints.differentiation.max_clusters_per_product.p]",
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr",
    ]


def test_the_target_names_the_capacity_ceiling_apart_from_the_land() -> None:
    """3 ha at each site: the land takes 30 + 30 = 60 t/yr of p. capacity_ceiling_factor 1:
    U = max(1 x 30, 30 + the module's 10) = 40 t/yr, so at most 40 may be added; the target
    says both figures rather than calling the ceiling's 40 the land's. Three modules cost 300
    yuan against a budget of 250: conflict target and budget, as in the test above."""
    inputs = strict(capacity_ceiling_factor=1.0, budget_yuan_per_yr={2030: 250.0}, **land({"s1": 3.0, "s2": 3.0}))
    assert explained(inputs)[1] == (
        "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added "
        "(the eligible land of all clusters could take 60 t/yr; the capacity ceiling of 40 t/yr in 2030 leaves "
        "room to add 40 t/yr) [targets.capacity.P.2030]")


def test_one_rule_against_the_committed_plants() -> None:
    """Committed plants of p (10 t/yr each) stand in c1 and c2, so p is hosted in both; a
    hosting limit of one cluster cannot hold even alone (the diagnosis never relaxes what is
    committed). Least change: one more cluster."""
    inputs = strict(max_clusters_per_product={"p": 1},
                    committed_units_per_yr={("s1", "p", 2030): 10.0, ("s2", "p", 2030): 10.0})
    assert explained(inputs) == [
        "1 rule cannot be met even alone, given the capacity standing or committed and the rows linking production, "
        "capacity and raw material; dropping it makes a plan possible:",
        "  - p may be hosted in at most 1 cluster, adding capacity or with committed plants; "
        "the most each cluster can take: c1 1,000 t/yr, c2 1,000 t/yr; "
        "committed projects of p already stand in c1, c2 [constraints.differentiation.max_clusters_per_product.p]",
        "the least change that makes a plan possible: let p into 1 more cluster",
    ]


def test_budget_below_the_cost_of_the_target() -> None:
    """Three modules cost 300 yuan in 2030; the budget is 250. Conflict: target and budget.
    Least change: 50 yuan more budget (the row in million yuan: weight 1 x 5e-5) beats
    10 t/yr less target (10/30)."""
    assert explained(strict(budget_yuan_per_yr={2030: 250.0})) == [
        "2 rules cannot be met together; dropping any one of them makes a plan possible:",
        TARGET.format(room="2,000"),
        "  - investment in 2030 may not exceed 250 yuan [constraints.budget.capex_yuan_per_yr.2030]",
        "the least change that makes a plan possible: raise the 2030 budget by 50 yuan",
    ]


def ore_inputs() -> ModelInputs:
    """p needs 1 t of ore per t; the one ore source k gives 10 t/yr, so p produces at most 10 t
    worth 50 yuan, against a strict output-value target of 100 yuan (no capacity target)."""
    return strict(capacity_target_units={}, output_value_target_yuan={2030: 100.0}, RESOURCES=("ore",),
                  SOURCES=("k",), resource_of_source={"k": "ore"}, supply_t_per_yr={("k", 2030): 10.0},
                  resource_t_per_unit={("p", "ore"): 1.0}, ARCS=(("k", "s1"), ("k", "s2")),
                  arc_km={("k", "s1"): 5.0, ("k", "s2"): 7.0})


def test_source_supply_below_the_output_value_target() -> None:
    """Conflict: the value target and the ore supply. Least change: 50 yuan less value target
    (weight 1 per million yuan) beats 10 t more ore (10 / 10)."""
    diagnosis = explain_infeasibility(ore_inputs(), SETTINGS, UNITS)
    assert [c.instance for c in diagnosis.conflicts] == [RuleInstance("output_value_target", (2030,)),
                                                        RuleInstance("source_limit", ("ore",))]
    assert diagnosis.conflicts[1].sources == ("k",)
    assert diagnosis.lines() == [
        "2 rules cannot be met together; dropping any one of them makes a plan possible:",
        "  - output value must reach 100 yuan in 2030 [targets.output_value_yuan.2030]",
        "  - the only source of ore supplies at most 10 t/yr in 2030 [layers.sources.supply_field]",
        "the least change that makes a plan possible: lower the output value target for 2030 by 50 yuan, to 50 yuan",
    ]


def test_map_parts_of_the_red_line_conflict() -> None:
    """What the map shows: the sites and clusters each rule involves, and the zones' products."""
    inputs = strict(REDLINE_EXCLUDED=frozenset({("s1", "p")}),
                    land_after_redline_ha={("s1", "p"): 0.0, ("s1", "q"): 100.0, ("s2", "p"): 1.0, ("s2", "q"): 100.0})
    conflicts = explain_infeasibility(inputs, SETTINGS, UNITS).conflicts
    assert [(c.instance.kind, c.sites, c.clusters, c.redline_products) for c in conflicts] == [
        ("capacity_target", (), (), ()), ("redline", ("s1",), ("c1",), ("p",)), ("redline", ("s2",), ("c2",), ("p",))]


def test_a_feasible_plan_needs_no_explanation() -> None:
    diagnosis = explain_infeasibility(strict(), SETTINGS, UNITS)
    assert diagnosis.feasible and diagnosis.conflicts == ()
    assert diagnosis.lines() == ["every rule can be met: the elastic model needs no slack"]


# -- pre-solve checks ---------------------------------------------------------------------------


def test_presolve_land_too_small_for_the_target() -> None:
    """1 ha at each site: 10 + 10 = 20 t/yr against 30."""
    assert presolve_findings(strict(**land({"s1": 1.0, "s2": 1.0})), UNITS) == [
        "capacity target P 2030: needs 30 t/yr, existing capacity gives 0 t/yr, and the eligible land can add at "
        "most 20 t/yr, short by 10 t/yr. Room per cluster: c1 10 t/yr (1 site); c2 10 t/yr (1 site). Relax the "
        "rules named, add sites or land, or set targets.strict: false"]


def test_presolve_red_line_leaves_too_little_room() -> None:
    """The red line takes all of s1 (1,000 t/yr of room on 100 ha) and 99 of s2's 100 ha."""
    inputs = strict(REDLINE_EXCLUDED=frozenset({("s1", "p")}),
                    land_after_redline_ha={("s1", "p"): 0.0, ("s1", "q"): 100.0, ("s2", "p"): 1.0, ("s2", "q"): 100.0})
    assert presolve_findings(inputs, UNITS) == [
        "capacity target P 2030: needs 30 t/yr, existing capacity gives 0 t/yr, and the eligible land can add at "
        "most 10 t/yr, short by 20 t/yr. Room per cluster: c1 0 t/yr (1 site); c2 10 t/yr (1 site). The red line "
        "takes room for 1,000 t/yr in c1, 990 t/yr in c2. Relax the rules named, add sites or land, or set "
        "targets.strict: false"]


def test_presolve_proximity_leaves_too_little_room() -> None:
    """p needs ore within 10 km; s1's nearest ore is 50 km away, s2 (1 ha) is at 5 km."""
    inputs = strict(RESOURCES=("ore",), SOURCES=("k",), resource_of_source={"k": "ore"},
                    supply_t_per_yr={("k", 2030): 1e6}, resource_t_per_unit={("p", "ore"): 1.0},
                    ARCS=(("k", "s1"), ("k", "s2")), arc_km={("k", "s1"): 50.0, ("k", "s2"): 5.0},
                    max_distance_km={"ore": 10.0}, **land({"s1": 100.0, "s2": 1.0}))
    assert presolve_findings(inputs, UNITS) == [
        "capacity target P 2030: needs 30 t/yr, existing capacity gives 0 t/yr, and the eligible land can add at "
        "most 10 t/yr, short by 20 t/yr. Room per cluster: c1 0 t/yr (1 site); c2 10 t/yr (1 site). Proximity "
        "takes room for 1,000 t/yr in c1. Relax the rules named, add sites or land, or set targets.strict: false"]
    conflicts = explain_infeasibility(inputs, SETTINGS, UNITS).conflicts
    assert [c.instance for c in conflicts] == [RuleInstance("capacity_target", ("P", 2030)),
                                              RuleInstance("land", ("c2",)), RuleInstance("proximity", ("c1", "ore"))]
    assert conflicts[2].sentence == ("p needs ore within 10 km of a source: no c1 site is within 10 km of one (the "
                                     "nearest lies 50 km away)")


def test_presolve_hosting_limit() -> None:
    """p may go to one cluster, each of which holds 20 t/yr: 20 against 30."""
    inputs = strict(max_clusters_per_product={"p": 1}, **land({"s1": 2.0, "s2": 2.0}))
    assert presolve_findings(inputs, UNITS) == [
        "capacity target P 2030: needs 30 t/yr, existing capacity gives 0 t/yr, and the eligible land can add at "
        "most 20 t/yr (p may be hosted in at most 1 cluster, adding capacity or with committed plants), "
        "short by 10 t/yr. Room per cluster: c1 20 t/yr "
        "(1 site); c2 20 t/yr (1 site). Relax the rules named, add sites or land, or set targets.strict: false"]


def test_presolve_source_supply() -> None:
    assert presolve_findings(ore_inputs(), UNITS) == [
        "output value target 2030: needs 100 yuan, but full use of existing capacity and of all the eligible land "
        "can give at most 50 yuan (the ore sources supply 10 t/yr, enough for p worth at most 50 yuan, though "
        "their capacity could give 10,000 yuan). Relax the rules that limit the land or the sources, add "
        "sources, or set targets.strict: false"]


@pytest.mark.parametrize("overrides", [{}, {"targets_strict": False, **land({"s1": 1.0, "s2": 1.0})}])
def test_presolve_silent_when_the_targets_can_be_met_or_are_elastic(overrides: dict[str, Any]) -> None:
    assert presolve_findings(strict(**overrides), UNITS) == []


# -- the diagnosis folder of an infeasible run (tests/data/small, see tests/test_cli.py) ---------

DATA = Path(__file__).parent / "data" / "small"


def test_an_infeasible_run_writes_the_diagnosis_folder_and_its_map(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """West may open no site; cells need 30 GWh (three 20 ha modules); the east sites have 30 ha
    each (58 ha together: a committed plant at e_city takes 2 ha), one module each: 20 GWh.
    Conflict: the cells target, east's land, west's open-site
    limit (w_mine alone could take five modules). Least change, with every other rule hard: the
    strict Cathode target (90,000 t/yr to add, West closed) needs East's land too, so 10 GWh less
    (weight 10/30) leaves East 2 ha short: 10 GWh less and 2 ha more in East (20 GWh of Cells
    take 40 of East's 58 ha). The sentences
    name the clusters (West, East) and the product (Cells) as the clusters layer and the report
    do; the settings keep their ids and carry the scenario's values."""
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    scenario = folder / "scenario.yaml"
    limit = "    site_fixed_cost_yuan: 1.0e8\n    max_open_sites_per_cluster: {west: 0}\n"
    scenario.write_text(scenario.read_text().replace("cells: {2024: 10}", "cells: {2024: 30}").replace(
        "    site_fixed_cost_yuan: 1.0e8\n", limit))
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        "no plan: the plan is infeasible: the rules cannot be met together.\n"
        "  3 rules cannot be met together; dropping any one of them makes a plan possible:\n"
        "    - the Cells target needs 30 GWh/yr by 2024; existing capacity gives 0 GWh/yr, so 30 GWh/yr must be "
        "added (the eligible land of all clusters could take 70 GWh/yr) [targets.capacity.cells.2024=30]\n"
        "    - East's 2 candidate sites have 58 ha of usable land, room for at most 20 GWh/yr of Cells "
        "[layers.sites.usable_area_field=usable_area_ha]\n"
        "    - West may open at most 0 of its 2 candidate sites (all of them together have room for 50 GWh/yr of "
        "Cells) [constraints.agglomeration.max_open_sites_per_cluster.west=0]\n"
        "  the least change that makes a plan possible: lower the Cells target for 2024 by 10 GWh/yr, to 20 GWh/yr; "
        "find 2 ha more usable land in East\n"
        f"the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is in {out}\n")
    assert sorted(p.name for p in out.iterdir()) == [
        ".siting-run", "conflict_sites.geojson", "conflict_sites.qml", "conflicts.geojson", "conflicts.md",
        "conflicts.png", "conflicts.qml"]
    areas = json.loads((out / "conflicts.geojson").read_text())
    assert [(f["id"], f["properties"]["rule"], f["properties"]["role"]) for f in areas["features"]] == [
        ("2:east", 2, "cluster"), ("3:west", 3, "cluster")]
    given = {f["properties"]["cluster_id"]: shapely.geometry.shape(f["geometry"])
             for f in json.loads((folder / "clusters.geojson").read_text())["features"]}
    for feature in areas["features"]:
        drawn = shapely.geometry.shape(feature["geometry"])
        assert drawn.hausdorff_distance(given[feature["properties"]["place"]]) < 1e-6
    points = json.loads((out / "conflict_sites.geojson").read_text())
    assert [(f["id"], f["properties"]["role"]) for f in points["features"]] == [
        ("2:e_city", "site"), ("2:e_far", "site"), ("3:w_mine", "site"), ("3:w_lake", "site")]
    assert points["features"][2]["geometry"] == {"type": "Point", "coordinates": [102.1, 24.6]}
    report = (out / "conflicts.md").read_text()
    assert "| 3 | West may open at most 0 of its 2 candidate sites" in report
    assert "![Rules in conflict](conflicts.png)" in report
    assert '<renderer-v2 attr="role"' in (out / "conflicts.qml").read_text()


# --- the other side of the rules: what each costs (siting/optimize/relax.py) ---------------------


def test_rule_cost_table_rounds_its_money_alike_and_the_csv_is_in_bn_yuan() -> None:
    """Base 10,061,234,567.891 yuan, as the manifest gives it to 9 significant digits
    10,061,234,600. Differentiation relaxed: 9,581,234,512.345, to 9 digits 9,581,234,510; its
    cost is the difference of the two as shown, 480,000,090 (the raw difference,
    480,000,055.546..., would not be base minus relaxed as the outputs show them). Proximity
    relaxed: 10,061,234,560.0, the same 9 digits as the base: it costs 0. The budget's solve found
    no plan: no objective, no cost. The CSV gives the same figures in bn yuan."""

    def report(objective: float | None) -> SolveReport:
        return SolveReport(termination="convergenceCriteriaSatisfied", has_solution=objective is not None,
                           proven_optimal=objective is not None, infeasible=False, objective_yuan=objective,
                           best_bound_yuan=objective, gap=0.0 if objective is not None else None, solve_time_s=0.0,
                           solver_version="")

    plan = Plan(pd.DataFrame(columns=["site", "cluster", "product", "year", "module", "modules", "capacity_added",
                                      "capex_yuan"]), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(),
                pd.DataFrame(), ())
    costs = [RuleCost("differentiation", report(9_581_234_512.345), plan),
             RuleCost("proximity", report(10_061_234_560.0), plan), RuleCost("budget", report(None), None)]
    table = rule_cost_table(report(10_061_234_567.891), plan, costs)
    assert table["objective_relaxed_yuan"].tolist()[:2] == [9_581_234_510.0, 10_061_234_600.0]
    assert table["rule_cost_yuan"].tolist()[:2] == [480_000_090.0, 0.0]
    assert table[["objective_relaxed_yuan", "rule_cost_yuan"]].iloc[2].isna().all()
    rows = table_files(table, "rule_costs")["rule_costs.csv"].splitlines()
    assert rows[0].split(",")[:4] == ["rule", "status", "objective_relaxed_bn_yuan", "rule_cost_bn_yuan"]
    assert [row.split(",")[2:4] for row in rows[1:]] == [["9.58123451", "0.48000009"], ["10.0612346", "0"], ["", ""]]


def test_the_hosting_limit_names_the_cluster_of_its_committed_plants_even_when_full() -> None:
    """p may go to one cluster; a committed plant of p (10 t/yr) stands at s1 in c1, whose land
    is taken (0 ha: c1 can take no more p), and c2 holds 20 t/yr: the 30 t/yr target needs both
    clusters. The hosting-limit rule is about c1 as much as c2 (its committed plant hosts p there,
    as the rule's sentence says), so it names both clusters, and conflicts.geojson and
    conflicts.png shade c1 as a cluster of the rule. Before, the rule named only the clusters that
    could take more (c2): with a 30 km red-line buffer, strict targets and no chain balance, the
    shipped scenario's rule "FePO4 may be hosted in at most 1 cluster ...; committed projects of
    FePO4 already stand in Kunming" left Kunming unshaded, as no other rule of the conflict names it."""
    from types import SimpleNamespace

    import geopandas as gpd

    from siting.deliver.explore import conflict_layers
    from siting.prepare.spatial import RedlineSettings

    inputs = strict(max_clusters_per_product={"p": 1}, committed_units_per_yr={("s1", "p", 2030): 10.0},
                    **land({"s1": 0.0, "s2": 2.0}))
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    (hosting,) = [c for c in diagnosis.conflicts if c.instance.kind == "product_hosting_limit"]
    assert "committed projects of p already stand in c1" in hosting.sentence
    assert hosting.clusters == ("c1", "c2")
    crs = "EPSG:32648"
    clusters = gpd.GeoDataFrame({"id": ["c1", "c2"], "name": ["C one", "C two"]},
                                geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)], crs=crs)
    sites = gpd.GeoDataFrame({"id": ["s1", "s2"], "name": ["S one", "S two"], "cluster": ["c1", "c2"]},
                             geometry=[shapely.Point(500, 500), shapely.Point(1500, 500)], crs=crs)
    sources = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs=crs)
    spatial = SimpleNamespace(clusters=clusters, sites=sites, sources=sources, redline=None)
    areas, _points = conflict_layers(diagnosis, spatial, RedlineSettings(True, 0.0, (), {}))  # type: ignore[arg-type]
    rule = next(number for number, c in diagnosis.numbered() if c is hosting)
    shaded = areas.frame.loc[(areas.frame["rule"] == rule) & (areas.frame["role"] == "cluster"), "place"]
    assert list(shaded) == ["c1", "c2"]


def five_sites(**overrides: Any) -> ModelInputs:
    """c1 holds s1 (2 ha), s2 (2 ha) and s3 (1 ha), c2 holds s4 (1 ha), c3 holds s5 (10 ha);
    committed plants of p (10 t/yr each, 2030) stand at s1 in c1 and s4 in c2; p may be hosted in
    2 clusters; c1 may open 2 sites, s1 (open already) among them; the P target is 90 t/yr."""
    sites = ("s1", "s2", "s3", "s4", "s5")
    hectares = {"s1": 2.0, "s2": 2.0, "s3": 1.0, "s4": 1.0, "s5": 10.0}
    return strict(SITES=sites, CLUSTERS=("c1", "c2", "c3"),
                  CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q")),
                  cluster_of_site={"s1": "c1", "s2": "c1", "s3": "c1", "s4": "c2", "s5": "c3"},
                  max_clusters_per_product={"p": 2}, max_open_sites_per_cluster={"c1": 2},
                  committed_units_per_yr={("s1", "p", 2030): 10.0, ("s4", "p", 2030): 10.0},
                  capacity_target_units={("P", 2030): 90.0}, **{**land(hectares), **overrides})


def test_the_hosting_limit_gives_the_room_at_the_sites_a_cluster_may_open() -> None:
    """The committed plants host p in c1 and c2, the 2 clusters it may go to: c3's 100 t/yr is
    out of reach. 90 - 20 committed = 70 must be added; c1's land takes 20 + 20 + 10 = 50 and
    c2's 10, 60 in all: the conflict is the target, c1's land, c2's land and the hosting limit
    (c1's open-site limit is not in it: without it 60 is still short). The least change keeps
    c1's open-site limit: s1 and one more site, 20 + 20 = 40, and c2's 10: 50, so the target is
    lowered by 70 - 50 = 20 (20/90 beats more land: a module is 1 ha against 1 or 2). The hosting
    rule gives c1's room at the sites it may open, and what the two clusters take together, so
    the figures shown add up to the change: before, it gave c1 50 and c2 10 (10 short, not 20)."""
    lines = explained(five_sites())
    assert lines[-1] == ("the least change that makes a plan possible: lower the P target for 2030 by 20 t/yr, "
                         "to 70 t/yr")
    assert ("  - p may be hosted in at most 2 clusters, adding capacity or with committed plants; "
            "the most each cluster can take: c1 40 t/yr at the 2 sites it may open (50 t/yr at all 3), c2 10 t/yr, "
            "c3 100 t/yr; committed projects of p already stand in c1, c2, the 2 clusters it may be hosted in: "
            "together they can take 50 t/yr [constraints.differentiation.max_clusters_per_product.p]") in lines


def test_the_open_site_limit_gives_the_room_of_the_sites_it_lets_open() -> None:
    """As above with c1's open-site limit in the conflict: c2's land 2 ha (20 t/yr), so without
    c1's limit 50 + 20 = 70 suffices; with it, s1 and one more site take 20 + 20 = 40, and 40 + 20
    falls 10 short."""
    hectares = {"s1": 2.0, "s2": 2.0, "s3": 1.0, "s4": 2.0, "s5": 10.0}
    lines = explained(five_sites(**land(hectares)))
    assert ("  - c1 may open at most 2 of its 3 candidate sites (all of them together have room for 50 t/yr of p; "
            "the 2 it may open, at most 40 t/yr of p); s1 is open already with existing or committed plants and "
            "counts toward it [constraints.agglomeration.max_open_sites_per_cluster.c1]") in lines


def test_the_land_figure_is_not_cut_by_the_capacity_ceiling() -> None:
    """s1 has 10 ha (100 t/yr of p), s2 3 ha (30 t/yr): the land takes 130 t/yr. The ceiling U =
    max(1 x 30, 30 + 10) = 40 t/yr caps the added capacity of the whole group, said apart; the
    land's figure is not the sum of the sites each cut at the ceiling (40 + 30 = 70, before).
    Three modules cost 300 yuan against a budget of 250: conflict target and budget."""
    inputs = strict(capacity_ceiling_factor=1.0, budget_yuan_per_yr={2030: 250.0}, **land({"s1": 10.0, "s2": 3.0}))
    assert explained(inputs)[1] == (
        "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added "
        "(the eligible land of all clusters could take 130 t/yr; the capacity ceiling of 40 t/yr in 2030 leaves "
        "room to add 40 t/yr) [targets.capacity.P.2030]")
