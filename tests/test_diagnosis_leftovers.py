"""The infeasibility diagnosis when its first solve is undecided, the names it gives sources, the
prospective sources it offers as a way out, and its status line during a long solve
(siting/optimize/explain.py).

The instances are tests/test_explain.py's: sites s1 in c1 and s2 in c2, module p10 = 10 t/yr of
p on 1 ha, a strict P target of 30 t/yr in 2030. "Too little land" gives each site 1 ha: 10 + 10 =
20 t/yr against 30, so the target and both lands conflict (dropping any one makes a plan
possible), and the least change lowers the target by 10 t/yr (weight 10/30, against 1 ha more
land at weight 1/1). With 100 ha a site (the default), the target is met: no conflict.

An undecided solve is one stopped by its time limit with neither a plan nor a proof that none
exists (`UNDECIDED`); the tests make a solve of the diagnosis end so by replacing its report.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_diagnosis_progress import ore_without_source
from test_families import SETTINGS, land, make_inputs
from test_prospective_sources import with_east_phosphate

from models.inputs import ModelInputs
from siting.cli import main
from siting.config import progress
from siting.config.units import Names, layer_names
from siting.optimize import explain
from siting.optimize.explain import Describer, RuleInstance, explain_infeasibility
from siting.optimize.solve import SolveReport
from siting.prepare.problem import prepare

UNITS = {"p": "t", "q": "t"}
DATA = Path(__file__).parent / "data" / "small"

#: What a solve stopped by its time limit without a plan or a proof reports.
UNDECIDED = SolveReport(termination="maxTimeLimit", has_solution=False, proven_optimal=False, infeasible=False,
                        objective_yuan=None, best_bound_yuan=None, gap=None, solve_time_s=20.0, solver_version="")

RULES = [
    "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added (the eligible "
    "land of all clusters could take 20 t/yr) [targets.capacity.P.2030]",
    "  - c1's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p [layers.sites.usable_area_field]",
    "  - c2's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p [layers.sites.usable_area_field]",
]
UNDECIDED_HEAD = ("whether the 3 rules below can be met together was not decided within the time limit: no solve of "
                  "the diagnosis found a plan with all of them or proved that none exists:")


def too_little_land() -> ModelInputs:
    return make_inputs(targets_strict=True, **land({"s1": 1.0, "s2": 1.0}))


def solves_ending(monkeypatch: pytest.MonkeyPatch, ending: Callable[[int, SolveReport, dict], tuple]) -> None:
    """Each solve of the diagnosis (numbered from 1: 1 is all rules at once, the last the least
    change) runs as it does, then reports `ending(number, report, slack)` instead."""
    solve = explain.ElasticModel.solve
    count = [0]

    def ended(model: explain.ElasticModel, *args: Any) -> Any:
        count[0] += 1
        report, slack = solve(model, *args)
        return ending(count[0], report, slack)

    monkeypatch.setattr(explain.ElasticModel, "solve", ended)


def first_undecided(number: int, report: SolveReport, slack: dict) -> tuple[SolveReport, dict]:
    return (UNDECIDED, {}) if number == 1 else (report, slack)


# --- 1. an undecided first solve ---------------------------------------------------------------


def test_when_no_solve_decides_the_diagnosis_never_says_the_rules_cannot_be_met(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every solve undecided: the three rules are those in play, not a proven conflict; no change
    is offered (the least change found no plan either)."""
    solves_ending(monkeypatch, lambda _n, _r, _s: (UNDECIDED, {}))
    diagnosis = explain_infeasibility(too_little_land(), SETTINGS, UNITS)
    assert diagnosis.lines() == [UNDECIDED_HEAD, *RULES]
    assert not any("cannot be met" in line for line in diagnosis.lines())
    assert not diagnosis.conflict_proven and not diagnosis.irreducible and not diagnosis.feasible


def test_an_undecided_first_solve_of_rules_that_hold_ends_in_their_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """100 ha a site: the rules hold. The first solve is undecided; every trial finds a plan, and
    the least change over all three rules needs no slack: a plan, said as such (not "3 rules
    cannot be met together")."""
    solves_ending(monkeypatch, first_undecided)
    diagnosis = explain_infeasibility(make_inputs(targets_strict=True), SETTINGS, UNITS)
    assert diagnosis.lines() == ["every rule can be met: the elastic model needs no slack"]
    assert diagnosis.feasible and diagnosis.conflicts == ()


def test_the_least_change_proves_the_conflict_that_the_first_solve_left_undecided(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Too little land, the first solve undecided: dropping any rule gives a plan (each stays),
    and the least change is proven optimal at 10/30 > 0, which proves that no plan meets all
    three: the irreducible conflict, as when the first solve decides."""
    solves_ending(monkeypatch, first_undecided)
    diagnosis = explain_infeasibility(too_little_land(), SETTINGS, UNITS)
    assert diagnosis.lines() == [
        "3 rules cannot be met together; dropping any one of them makes a plan possible:", *RULES,
        "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr"]
    assert diagnosis.conflict_proven and diagnosis.irreducible


def test_a_change_found_without_a_proven_conflict_is_not_called_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    """As above, but the least change's search stops at its time limit with its plan (10 t/yr off
    the target) and a bound of 0: nothing proves the conflict, so the change is one under which
    a plan exists, which may not be needed."""

    def ending(number: int, report: SolveReport, slack: dict) -> tuple[SolveReport, dict]:
        if number == 1:
            return UNDECIDED, {}
        if number == 5:  # 1 + 3 trials + the least change
            return dataclasses.replace(report, termination="maxTimeLimit", proven_optimal=False, best_bound_yuan=0.0,
                                       gap=1.0), slack
        return report, slack

    solves_ending(monkeypatch, ending)
    diagnosis = explain_infeasibility(too_little_land(), SETTINGS, UNITS)
    assert diagnosis.solves == 5
    assert diagnosis.lines() == [
        UNDECIDED_HEAD, *RULES,
        "a change under which a plan exists (the diagnosis proved no conflict, so it may not be needed): lower the P "
        "target for 2030 by 10 t/yr, to 20 t/yr"]


def test_the_diagnosis_folder_says_an_undecided_diagnosis_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """tests/test_explain.py's infeasible small scenario (West may open no site, cells need 30
    GWh/yr, East holds 20) with every solve of the diagnosis undecided: the MIP proved the run
    infeasible, but the diagnosis did not decide which rules conflict: its 10 rules are those in
    play, and conflicts.md and the terminal say so instead of "3 rules cannot be met together"."""
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    scenario = folder / "scenario.yaml"
    limit = "    site_fixed_cost_yuan: 1.0e8\n    max_open_sites_per_cluster: {west: 0}\n"
    scenario.write_text(scenario.read_text().replace("cells: {2024: 10}", "cells: {2024: 30}").replace(
        "    site_fixed_cost_yuan: 1.0e8\n", limit))
    solves_ending(monkeypatch, lambda _n, _r, _s: (UNDECIDED, {}))
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    report = (out / "conflicts.md").read_text()
    head = UNDECIDED_HEAD.replace("the 3 rules", "the 10 rules")
    for text in (err, report):
        assert "rules cannot be met together;" not in text
    assert "\n\n" + head[:-1] + ".\n\n" in report
    assert "\n  " + head + "\n" in err


# --- 2. sources by their names -------------------------------------------------------------------


def test_layer_names_give_the_sources_their_layer_names() -> None:
    """Sources are named as the sources layer names them (stripped), by id where the name is
    missing or blank; an id the layer lacks is named by itself; none without the layer."""
    sites = pd.DataFrame({"id": ["s1"], "name": ["Site one"]})
    clusters = pd.DataFrame({"id": ["c1"], "name": ["Cluster one"]})
    sources = pd.DataFrame({"id": ["rock_e", "rock_w", "clay"], "name": [" East phosphate ", None, " "]})
    names = layer_names(sites, clusters, {}, sources=sources)
    assert [names.source(k) for k in ("rock_e", "rock_w", "clay", "other")] == [
        "East phosphate", "rock_w", "clay", "other"]
    assert layer_names(sites, clusters, {}).source("rock_e") == "rock_e"


def test_the_proximity_rule_names_a_left_out_source_by_its_name() -> None:
    """tests/test_diagnosis_progress.py's prospective source k (5 km from s1, beyond the 10 km
    limit from s2), named "Ore pit" by the run's names: the sentence and the way out say its name;
    the map keeps its id."""
    inputs = ore_without_source(left_out_source_resource={"k": "ore"},
                                left_out_arc_km={("k", "s1"): 5.0, ("k", "s2"): 40.0})
    conflict = Describer(inputs, UNITS, names=Names(sources={"k": "Ore pit"})).conflict(
        RuleInstance("proximity", ("c1", "ore")), 0.0)
    assert conflict.sentence == ("P needs ore within 10 km of a producing source: no c1 site is within 10 km of one, "
                                 "as no producing source of ore is open to the plan; Ore pit, prospective and left "
                                 "out, lies 5.0 km from s1")
    assert conflict.sources == ("k",)


def test_a_run_names_the_left_out_source_as_its_layer_does(tmp_path: Path) -> None:
    """The small scenario with East phosphate (tests/test_prospective_sources.py; its id rock_e):
    the run's names carry the sources layer's names, prospective sources left out included, and
    the diagnosis says "East phosphate" where the report does."""
    shutil.copytree(DATA, tmp_path / "east")
    prepared = prepare(with_east_phosphate(tmp_path / "east"), {}, None, ())
    assert [prepared.names.source(k) for k in ("rock_w", "rock_e")] == ["West phosphate", "East phosphate"]
    describe = Describer(prepared.inputs, {}, names=prepared.names, scenario=prepared.loaded.scenario)
    conflict = describe.conflict(RuleInstance("proximity", ("east", "phosphate_rock")), 0.0)
    assert conflict.sentence.endswith("; East phosphate, prospective and left out, lies 11.1 km from East city "
                                      "(within 50 km of 2 East sites)")


# --- 3. the prospective sources as a way out -----------------------------------------------------


def test_the_least_change_offers_the_prospective_source_within_reach() -> None:
    """p needs ore within 10 km and the plan has no source of ore: no site can take p, so the
    target and both clusters' proximity rules conflict; the least change lowers the target by
    its 30 t/yr (weight 30/30 = 1, against 3 modules beyond the limit at weight 1 each, the
    first of equals in the order of the rules). k, prospective and left out, lies 5 km from s1:
    including the prospective sources is offered too, naming k; c2's rule, with k 40 km away,
    offers nothing."""
    inputs = ore_without_source(left_out_source_resource={"k": "ore"},
                                left_out_arc_km={("k", "s1"): 5.0, ("k", "s2"): 40.0})
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS, names=Names(sources={"k": "Ore pit"}))
    assert [(c.instance, c.prospective) for c in diagnosis.conflicts] == [
        (RuleInstance("capacity_target", ("P", 2030)), ""),
        (RuleInstance("proximity", ("c1", "ore")), "Ore pit lies within 10 km of s1"),
        (RuleInstance("proximity", ("c2", "ore")), "")]
    assert diagnosis.lines()[-2:] == [
        "the least change that makes a plan possible: lower the P target for 2030 by 30 t/yr, to 0 t/yr",
        "another change that may make a plan possible: include the prospective sources "
        "(spatial.include_prospective_sources=true): Ore pit lies within 10 km of s1"]


def test_no_prospective_way_out_without_a_source_within_reach() -> None:
    """k lies 40 and 50 km from the sites, beyond the 10 km limit: nothing is offered."""
    inputs = ore_without_source(left_out_source_resource={"k": "ore"},
                                left_out_arc_km={("k", "s1"): 40.0, ("k", "s2"): 50.0})
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    assert not any("include_prospective_sources" in line for line in diagnosis.lines())


def test_an_infeasible_run_offers_east_phosphate(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The small scenario with East phosphate (prospective, left out; 11.1 and 30.2 km from the
    two East sites, within the 50 km limit), a strict FePO4 target of 1,000 t/yr and no site
    open in West, the only cluster within 50 km of a producing phosphate source: the terminal
    offers including the prospective sources, naming East phosphate."""
    folder = tmp_path / "east"
    shutil.copytree(DATA, folder)
    scenario = with_east_phosphate(folder)
    fixed = "    site_fixed_cost_yuan: 1.0e8\n"
    scenario.write_text(scenario.read_text().replace(
        "    cells: {2024: 10}\n", "    cells: {2024: 10}\n    fepo4: {2024: 1000}\n").replace(
        fixed, fixed + "    max_open_sites_per_cluster: {west: 0}\n"))
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    assert main(["solve", str(scenario), "--out", str(tmp_path / "out")]) == 1
    assert ("  another change that may make a plan possible: include the prospective sources "
            "(spatial.include_prospective_sources=true): East phosphate lies within 50 km of 2 East sites\n"
            ) in capsys.readouterr().err


# --- 4. the status line during a long solve ------------------------------------------------------


def test_the_status_line_is_redrawn_while_a_step_solves(monkeypatch: pytest.MonkeyPatch) -> None:
    """With STATUS_REFRESH_S 0 and a line every time it is asked (PLAIN_EVERY_S 0), HiGHS's
    interrupt checks during a solve redraw the step's line: step 3, a single solve (the only one
    of this instance that HiGHS's presolve does not decide alone, so that its MIP search runs its
    interrupt checks), shows more than once; it showed once, between solves, before."""
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    monkeypatch.setattr(explain, "STATUS_REFRESH_S", 0.0, raising=False)
    stream = io.StringIO()
    with progress.reporting(progress.Reporter(stream, live=False, duplicate=False)), \
            progress.phase_alone("diagnose"):
        explain_infeasibility(too_little_land(), SETTINGS, UNITS)
    said = stream.getvalue().splitlines()
    assert sum(line.endswith(": step 3 of 3, the least change over the 3 rules kept") for line in said) > 1


def test_a_short_step_shows_its_line_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """With STATUS_REFRESH_S at its 1 s, these solves of milliseconds show each step once."""
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    stream = io.StringIO()
    with progress.reporting(progress.Reporter(stream, live=False, duplicate=False)), \
            progress.phase_alone("diagnose"):
        explain_infeasibility(too_little_land(), SETTINGS, UNITS)
    said = stream.getvalue().splitlines()
    assert sum(line.endswith(": step 3 of 3, the least change over the 3 rules kept") for line in said) == 1
