"""The diagnosis when a lead time, not the land, keeps a target out of reach; the notice of it
at preprocess.

The instances are the default two-site instance of tests/test_families.py (sites s1 in c1 and
s2 in c2, module p10 = 10 t/yr of p for 100 yuan on 1 ha, target P = 30 t/yr in 2030, one year
2030) with strict targets and a lead time for p; and the small scenario of tests/data/small
(cells take 1 year to build, target 10 GWh/yr of cells in 2024).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_explain import UNITS, explained, strict
from test_families import SETTINGS, two_years

from siting.api import load
from siting.cli import main
from siting.deliver.explore import map_layers_text
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance, explain_infeasibility, presolve_findings
from tests.conftest import SMALL

LEAD_1 = ("no module of p added within the plan can count toward the 2030 target (p: lead time 1 yr; a module "
          "decided in 2030, the plan's first year, first produces in 2031 at the earliest)")


def test_a_lead_time_past_the_target_year_is_named_as_the_cause() -> None:
    """p takes 1 year to build and the plan has the one year 2030: a module decided in 2030
    first produces in 2031 (models/index.py build_years leaves no year to decide one in), so
    nothing added counts toward the 2030 target of 30 t/yr, whatever the land (2 sites with
    room for modules). The target alone conflicts; the least change lowers it by all of it,
    30 t/yr, or starts the plan in 2030 - 1 = 2029, or cuts the lead time to 2030 - 2030 = 0."""
    assert explained(strict(lead_time_yr={"p": 1})) == [
        "1 rule cannot be met even alone, given the capacity standing or committed and the rows linking "
        "production, capacity and raw material; dropping it makes a plan possible:",
        "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added, but "
        f"{LEAD_1} [targets.capacity.P.2030; years]",
        "the least change that makes a plan possible: lower the P target for 2030 by 30 t/yr, to 0 t/yr, or start "
        "the plan in 2029 or earlier (years), or shorten the lead time of p (the catalog's lead_time_yr) to 0 yr",
    ]


def test_the_check_before_solving_counts_no_room_a_lead_time_keeps_out() -> None:
    """The same instance: the room of the land (models.index max_added_units) counts no module
    of p toward 2030, so the pre-solve check proves the target out of reach: 0 + 0 < 30."""
    assert presolve_findings(strict(lead_time_yr={"p": 1}), UNITS) == [
        "capacity target P 2030: needs 30 t/yr, existing capacity gives 0 t/yr, and the eligible land can add at "
        "most 0 t/yr, short by 30 t/yr. Room per cluster: c1 0 t/yr (1 site); c2 0 t/yr (1 site). "
        f"{LEAD_1[:1].upper() + LEAD_1[1:]}: to let one count, start the plan in 2029 or earlier (years), or "
        "shorten the lead time of p (the catalog's lead_time_yr) to 0 yr. Relax the rules named, add sites or "
        "land, or set targets.strict: false"]


def test_a_lead_time_within_the_plan_is_no_finding() -> None:
    """Over 2030 and 2031 with the target in 2031, a module of p decided in 2030 produces in
    2031: no finding, and the elastic model needs no slack (a plan exists)."""
    inputs = two_years(targets_strict=True, lead_time_yr={"p": 1})
    assert presolve_findings(inputs, UNITS) == []
    assert explain_infeasibility(inputs, SETTINGS, UNITS).feasible


def test_preprocess_gives_a_notice_for_a_target_no_module_can_reach() -> None:
    """tests/data/small over the one year 2024: cells (lead time 1 yr) decided in 2024 first
    produce in 2025, after the 2024 target of 10 GWh/yr. A notice, not an error: load passes."""
    problem = load(SMALL / "scenario.yaml", overrides=["years=[2024]"])
    assert [n for n in problem.notices if "lead time" in n] == [
        "scenario.yaml:19: targets.capacity.cells.2024 | no module of Cells added within the plan can count toward "
        "the 2024 target (Cells: lead time 1 yr; a module decided in 2024, the plan's first year, first produces in "
        "2025 at the earliest): only existing and committed capacity can meet it; start the plan in 2023 or earlier "
        "(years), or shorten lead_time_yr in the catalog to 0 yr"]


def test_preprocess_gives_no_lead_time_notice_when_a_module_can_count() -> None:
    """tests/data/small as shipped, over 2023 and 2024: a cell module decided in 2023 produces
    in 2024, so no notice."""
    problem = load(SMALL / "scenario.yaml")
    assert [n for n in problem.notices if "lead time" in n] == []


def overlapping() -> Diagnosis:
    """Two conflicts sharing the P target: {target, land of c1} and {target, land of c2}."""
    target = RuleInstance("capacity_target", ("P", 2030))
    rules = [(1, target, "the P target", "targets.capacity.P.2030"),
             (1, RuleInstance("land", ("c1",)), "c1's land", "layers.sites.usable_area_field"),
             (2, target, "the P target", "targets.capacity.P.2030"),
             (2, RuleInstance("land", ("c2",)), "c2's land", "layers.sites.usable_area_field")]
    return Diagnosis(conflicts=tuple(Conflict(instance=i, sentence=s, setting=k, group=g) for g, i, s, k in rules),
                     irreducible=True)


def test_a_rule_that_two_conflicts_share_is_said_to_be_shared() -> None:
    """The P target belongs to both conflicts: listed in each, marked as shared with the other;
    3 distinct rules, so the conflicts are not called separate."""
    assert overlapping().lines() == [
        "2 conflicts, 3 rules in all; dropping any one rule of a conflict resolves that conflict; a plan needs every "
        "conflict resolved:",
        "  conflict 1: 2 rules cannot be met together:",
        "    - the P target [targets.capacity.P.2030] (shared with conflict 2)",
        "    - c1's land [layers.sites.usable_area_field]",
        "  conflict 2: 2 rules cannot be met together:",
        "    - the P target [targets.capacity.P.2030] (shared with conflict 1)",
        "    - c2's land [layers.sites.usable_area_field]",
    ]


def test_a_diagnosis_layer_without_features_is_not_written(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/data/small over 2024 alone: the one rule in conflict, the cells target, names no
    cluster, site or source, so both layers would be empty, and an empty GeoJSON carries no
    geometry type (QGIS opens it as a table, without its style): neither is written, the
    message lists only what is, and conflicts.md says why."""
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    out = tmp_path / "out"
    assert main(["solve", str(SMALL / "scenario.yaml"), "--set", "years=[2024]", "--out", str(out)]) == 1
    assert capsys.readouterr().err.endswith(f"the diagnosis (conflicts.md, conflicts.png) is in {out}\n")
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "conflicts.md", "conflicts.png"]
    assert ("These rules name no place, so neither `conflicts.geojson` nor `conflict_sites.geojson` is written (a "
            "layer without features would open in QGIS as a table without geometry).") in (out / "conflicts.md"
                                                                                               ).read_text()


def test_the_map_section_names_the_layer_left_out() -> None:
    """docs/EXPLAINING.md's cells-in-one-cluster diagnosis names clusters but no site or source: only
    conflicts.geojson is written, and the map section says why conflict_sites.geojson is not."""
    assert map_layers_text(["conflicts"]) == (
        "`conflicts.geojson` holds the clusters and red-line zones of these rules, numbered as above; drag it onto "
        "QGIS to see it styled. These rules name no site or source, so `conflict_sites.geojson` is not written (a "
        "layer without features would open in QGIS as a table without geometry).")
