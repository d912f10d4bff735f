"""The infeasibility diagnosis within its time limit, the progress it shows, and the proximity
rule said in full when prospective sources are left out (siting/optimize/explain.py).

The instance of the time-limit tests is tests/test_explain.py's "too little land" (sites s1 in c1
and s2 in c2, 1 ha each, a module of p = 10 t/yr on 1 ha, a strict P target of 30 t/yr in 2030)
with two rules that take no part in the conflict: a capacity ceiling of 2 x 30 = 60 t/yr and a
budget of 1,000,000 yuan in 2030 (three modules cost 300 yuan). Its rules in registry order are
the target, the ceiling, c1's land, c2's land and the budget; the conflict is the target and both
lands (20 t/yr of room against 30), and the least change lowers the target by 10 t/yr.

The diagnosis's clock is made to move only when it solves, 1 s a solve, so that where the time
limit stops it does not depend on the machine. With a limit of 3.5 s: the solve of all rules
together ends at 1 s; dropping the target (2 s: a plan, so it stays), then the ceiling (3 s: still
infeasible, so it goes), then c1's land (4 s: a plan, it stays); with -0.5 s left, c2's land and
the budget are not tried and stay in the set: 4 rules, not irreducible.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_families import SETTINGS, land, make_inputs
from test_prospective_sources import with_east_phosphate

from models.inputs import ModelInputs
from siting.cli import main
from siting.config import progress
from siting.optimize import explain
from siting.optimize.explain import Describer, RuleInstance, explain_infeasibility
from siting.prepare.problem import prepare

UNITS = {"p": "t", "q": "t"}
DATA = Path(__file__).parent / "data" / "small"
SECONDS = r"\d+\.\d s"

RULES = [
    "  - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added (the eligible "
    "land of all clusters could take 20 t/yr) [targets.capacity.P.2030]",
    "  - c1's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p [layers.sites.usable_area_field]",
    "  - c2's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p [layers.sites.usable_area_field]",
]
LEAST = "the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, to 20 t/yr"


def five_rules() -> ModelInputs:
    return make_inputs(targets_strict=True, capacity_ceiling_factor=2.0, budget_yuan_per_yr={2030: 1.0e6},
                       **land({"s1": 1.0, "s2": 1.0}))


@pytest.fixture
def solve_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The diagnosis's clock moves 1 s at the end of each of its solves, and only then."""

    class Clock:
        now = 0.0

        def perf_counter(self) -> float:
            return self.now

    clock = Clock()
    solve = explain.ElasticModel.solve

    def timed(model: explain.ElasticModel, *args: Any) -> Any:
        out = solve(model, *args)
        clock.now += 1.0
        return out

    monkeypatch.setattr(explain, "time", clock)
    monkeypatch.setattr(explain.ElasticModel, "solve", timed)


def test_within_its_time_limit_the_diagnosis_is_irreducible() -> None:
    """Without a limit that binds, the conflict is the target and both lands, irreducible."""
    diagnosis = explain_infeasibility(five_rules(), SETTINGS, UNITS)
    assert diagnosis.irreducible and not diagnosis.stopped
    assert diagnosis.lines() == ["3 rules cannot be met together; dropping any one of them makes a plan possible:",
                                 *RULES, LEAST]


def test_the_run_time_limit_stops_the_diagnosis_and_it_says_so(solve_clock: None) -> None:
    """A run limit of 3.5 s (below DIAGNOSIS_TOTAL_LIMIT_S): three rules tried (the ceiling
    dropped), c2's land and the budget kept untried; the message says where it stopped and that
    a larger --time-limit gives a finer diagnosis."""
    diagnosis = explain_infeasibility(five_rules(), dataclasses.replace(SETTINGS, time_limit_s=3.5), UNITS)
    assert not diagnosis.irreducible
    assert [c.instance for c in diagnosis.conflicts] == [
        RuleInstance("capacity_target", ("P", 2030)), RuleInstance("land", ("c1",)), RuleInstance("land", ("c2",)),
        RuleInstance("budget", (2030,))]
    assert diagnosis.lines() == [
        "4 rules cannot be met together (the diagnosis stopped at its time limit: the set may hold more rules than "
        "needed):",
        *RULES,
        "  - investment in 2030 may not exceed 1,000,000 yuan [constraints.budget.capex_yuan_per_yr.2030]",
        LEAST,
        "the diagnosis stopped at the run's time limit of 3.5 s (solver.time_limit_s or --time-limit); a larger "
        "--time-limit gives a finer diagnosis. It had tried dropping 3 of the 5 rules; the 2 not tried stay in the "
        "set, so it may hold more rules than needed",
    ]


def test_its_own_limit_stops_the_diagnosis_below_the_run_limit(solve_clock: None) -> None:
    """A total limit of 1.5 s under a run limit of 30 s: the target alone is tried; all five rules
    stay, and the message names the diagnosis's own limit (a larger --time-limit would not help)."""
    diagnosis = explain_infeasibility(five_rules(), SETTINGS, UNITS, total_limit_s=1.5)
    assert not diagnosis.irreducible
    assert len(diagnosis.conflicts) == 5
    assert diagnosis.stopped == ("the diagnosis stopped at its own limit of 1.5 s, whatever the run's time limit. It "
                                 "had tried dropping 1 of the 5 rules; the 4 not tried stay in the set, so it may "
                                 "hold more rules than needed")


def test_the_diagnosis_shows_its_step_the_rules_tried_and_kept_and_how_it_ended(
        solve_clock: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside its phase (shown alone, as a solve shows it), the diagnosis's status line says each
    step, the rules tried out of how many and kept so far, and the seconds; with a line every
    time it is asked (PLAIN_EVERY_S 0), each step of the 3.5 s run of the module docstring. The
    phase ends saying it stopped at the time limit."""
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    stream = io.StringIO()
    with progress.reporting(progress.Reporter(stream, live=False, duplicate=False)), \
            progress.phase_alone("diagnose"):
        explain_infeasibility(five_rules(), dataclasses.replace(SETTINGS, time_limit_s=3.5), UNITS)
    said = [re.sub(SECONDS, "T", line) for line in stream.getvalue().splitlines()]
    assert said == [
        "diagnose: finding the rules that cannot be met together ...",
        "diagnose T: step 1 of 3, all 5 rules at once",
        "diagnose T: step 2 of 3, dropping each rule in turn: 0 of 5 tried, 0 kept",
        "diagnose T: step 2 of 3, dropping each rule in turn: 1 of 5 tried, 1 kept",
        "diagnose T: step 2 of 3, dropping each rule in turn: 2 of 5 tried, 1 kept",
        "diagnose T: step 2 of 3, dropping each rule in turn: 3 of 5 tried, 2 kept",
        "diagnose T: step 3 of 3, the least change over the 4 rules kept",
        "diagnose: stopped at the time limit after T: 3 of 5 rules tried, 2 left in the set untried",
    ]


def test_the_status_line_waits_plain_every_s_before_its_first_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a terminal, a diagnosis shorter than PLAIN_EVERY_S stays one phase line."""
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 3600.0)
    stream = io.StringIO()
    with progress.reporting(progress.Reporter(stream, live=False, duplicate=False)), \
            progress.phase_alone("diagnose"):
        explain_infeasibility(five_rules(), SETTINGS, UNITS)
    said = [re.sub(SECONDS, "T", line) for line in stream.getvalue().splitlines()]
    assert said == ["diagnose: finding the rules that cannot be met together ...", "diagnose: done in T"]


@pytest.mark.parametrize("quiet", [False, True])
def test_the_command_line_shows_the_diagnosis_progress_unless_quiet(
        quiet: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The small scenario with no budget in 2023 and 1.3 bn yuan in 2024, below the 2.5 bn yuan
    cells module (tests/test_progress.py): no plan, diagnosed. Its status lines show, each step
    at least once with a line every time (PLAIN_EVERY_S 0); --quiet silences them with the rest."""
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace(
        "  differentiation:\n", "  budget:\n    enabled: true\n    capex_yuan_per_yr: {2023: 0, 2024: 1.3e9}\n"
        "  differentiation:\n"))
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", True)
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    assert main(["solve", str(scenario), "--out", str(tmp_path / "out"), *(["--quiet"] if quiet else [])]) == 1
    err = capsys.readouterr().err.splitlines()
    status = [line for line in err if line.startswith("diagnose ")]
    if quiet:
        assert status == []
        assert not any(line.startswith("diagnose") for line in err)
    else:
        for step in ("step 1 of 3, all ", "step 2 of 3, dropping each rule in turn: ", "step 3 of 3, the least "):
            assert any(re.match(rf"diagnose {SECONDS}: {step}", line) for line in status), (step, err)


# --- the proximity rule in full ----------------------------------------------------------------


def ore_without_source(**overrides: Any) -> ModelInputs:
    """p needs 1 t of ore a unit, within 10 km; the plan has no source of ore."""
    return make_inputs(targets_strict=True, RESOURCES=("ore",), resource_t_per_unit={("p", "ore"): 1.0},
                       max_distance_km={"ore": 10.0}, **overrides)


def test_no_source_of_the_resource_is_said_in_full() -> None:
    """No source at all: the sentence says that no site is within the limit of one, and why."""
    conflict = Describer(ore_without_source(), UNITS).conflict(RuleInstance("proximity", ("c1", "ore")), 0.0)
    assert conflict.sentence == ("p needs ore within 10 km of a source: no c1 site is within 10 km of one, as no "
                                 "source of ore is open to the plan")
    assert conflict.setting == "constraints.proximity.max_distance_km.ore"


def test_a_prospective_source_left_out_within_the_limit_is_named_with_its_setting() -> None:
    """A prospective source k of ore, left out, lies 5 km from s1 (c1) and 40 km from s2 (c2):
    c1's rule names it, with spatial.include_prospective_sources among its settings and k among
    its sources (for the map); c2's, beyond the 10 km, only says producing sources."""
    inputs = ore_without_source(left_out_source_resource={"k": "ore"},
                                left_out_arc_km={("k", "s1"): 5.0, ("k", "s2"): 40.0})
    describe = Describer(inputs, UNITS)
    near = describe.conflict(RuleInstance("proximity", ("c1", "ore")), 0.0)
    assert near.sentence == ("p needs ore within 10 km of a producing source: no c1 site is within 10 km of one, as "
                             "no producing source of ore is open to the plan; k, prospective and left out, lies 5.0 "
                             "km from s1")
    assert near.setting == "constraints.proximity.max_distance_km.ore; spatial.include_prospective_sources"
    assert near.sources == ("k",)
    far = describe.conflict(RuleInstance("proximity", ("c2", "ore")), 0.0)
    assert far.sentence == ("p needs ore within 10 km of a producing source: no c2 site is within 10 km of one, as "
                            "no producing source of ore is open to the plan")
    assert far.setting == "constraints.proximity.max_distance_km.ore"
    assert far.sources == ()


def test_the_small_scenario_names_east_phosphate_left_out(tmp_path: Path) -> None:
    """tests/test_prospective_sources.py's East phosphate (prospective, 11.08 km from East city and
    30.24 km from East far; West phosphate, producing, 109.7 and 139.4 km): East's proximity rule
    for phosphate rock says the nearest producing source (110 km) and East phosphate, left out,
    within 50 km of both East sites, by its name in the sources layer, citing the scenario's
    include_prospective_sources=false."""
    shutil.copytree(DATA, tmp_path / "east")
    prepared = prepare(with_east_phosphate(tmp_path / "east"), {}, None, ())
    assert dict(prepared.inputs.left_out_source_resource) == {"rock_e": "phosphate_rock"}
    describe = Describer(prepared.inputs, {}, names=prepared.names, scenario=prepared.loaded.scenario)
    conflict = describe.conflict(RuleInstance("proximity", ("east", "phosphate_rock")), 0.0)
    assert conflict.sentence == (
        "FePO4 needs phosphate rock within 50 km of a producing source: no East site is within 50 km of one (the "
        "nearest lies 110 km away); East phosphate, prospective and left out, lies 11.1 km from East city (within "
        "50 km of 2 East sites)")
    assert conflict.setting == ("constraints.proximity.max_distance_km.phosphate_rock=50; "
                                "spatial.include_prospective_sources=false")
