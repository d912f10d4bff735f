"""Calibration mode fixed: one name per rule, what a budget conflict involves, the diagnosis folder
of a calibration, and the timings the Python front door records for the alternatives
(siting/runs/calibrate.py, siting/optimize/explain.py, siting/api.py).

Scenarios on tests/data/small, built as tests/test_calibration.py builds them (`variant`,
`plant_entry`): a hosting breach (lfp plants at w_mine, cluster west, and e_far, cluster east, with
at most 1 cluster hosting lfp), which the checks before the solve find and the diagnosis finds
again; and the unsolved scenario of tests/test_calibration_verdict.py (a portfolio difference the
plants cannot meet, with budgets of 0).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from test_calibration import SMALL, findings_of, plant_entry, variant
from test_calibration_verdict import PLANTS as VERDICT_PLANTS
from test_calibration_verdict import SCENARIO as VERDICT_SCENARIO

import siting
from siting.config.errors import PlanInfeasible
from siting.runs.job import run_solve
from tests.conftest import MadeRun

HOSTING_PLANTS = (plant_entry("west_lfp", "West LFP", "w_mine", "lfp", 20000)
                  + plant_entry("east_lfp2", "East LFP", "e_far", "lfp", 30000))
HOSTING_SCENARIO = ("calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                    "  differentiation: {enabled: true, max_clusters_per_product: {lfp: 1}}\n")

#: The finding of the hosting breach, before the solve.
HOSTING_FINDING = ("lfp plants stand in 2 clusters (east: plant east_lfp2 (East LFP, 30,000 t/yr at e_far); west: "
                   "plant west_lfp (West LFP, 20,000 t/yr at w_mine)), more than the hosting limit of 1 for lfp")


def unsolved_run(tmp_path: Path, plants: str, scenario: str) -> Path:
    """The diagnosis folder of a run in mode fixed that finds no plan (printing nothing here)."""
    out = tmp_path / "out"
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(PlanInfeasible):
        run_solve(variant(tmp_path, plants, scenario), out)
    return out


@pytest.fixture(scope="module")
def hosting_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unsolved_run(tmp_path_factory.mktemp("hosting"), HOSTING_PLANTS, HOSTING_SCENARIO)


@pytest.fixture(scope="module")
def verdict_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unsolved_run(tmp_path_factory.mktemp("verdict"), VERDICT_PLANTS, VERDICT_SCENARIO)


def test_checks_before_the_solve_name_the_rules_as_the_diagnosis_does(tmp_path: Path) -> None:
    """The hosting and open-site limits are named as the diagnosis and docs/FORMULATION.md name
    their rows: product_hosting_limit and open_sites_limit."""
    path = variant(tmp_path, HOSTING_PLANTS, HOSTING_SCENARIO)
    assert findings_of(path)["rule"].tolist() == ["product_hosting_limit"]
    plants = (plant_entry("big_lfp", "Big LFP", "e_city", "lfp", 200000)
              + plant_entry("far_lfp", "Far LFP", "e_far", "lfp", 1000))
    other = variant(tmp_path / "open", plants, "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                                               "  agglomeration: {max_open_sites_per_cluster: {east: 1}}\n")
    assert findings_of(other)["rule"].tolist() == ["land", "open_sites_limit"]


def test_a_limit_found_before_the_solve_and_by_the_diagnosis_is_listed_once(hosting_run: Path) -> None:
    """The hosting limit broken by the plants is found before the solve and is the conflict of the
    diagnosis: each plant's row names it once, under one name, with the finding once, and the
    verdict, which counts the finding, says the conflict is the limit found before the solve."""
    assert (hosting_run / "calibration.csv").read_text() == (
        "plant,name,site,product,unit,observed,model,production,used_share,verdict,finding\n"
        f"west_lfp,West LFP,w_mine,lfp,t/yr,20000,20000,,,not admitted: product_hosting_limit,\"{HOSTING_FINDING}\"\n"
        f"east_lfp2,East LFP,e_far,lfp,t/yr,30000,30000,,,not admitted: product_hosting_limit,\"{HOSTING_FINDING}\"\n")
    verdict = (hosting_run / "calibration.md").read_text().splitlines()[0]
    assert verdict.startswith("Verdict: 1 rule broken by the real plants; the rules do not admit the real plants "
                              "together: LFP may be hosted in at most 1 cluster")
    assert verdict.count("[constraints.differentiation.max_clusters_per_product.lfp=1] (plants: west_lfp, east_lfp2; "
                         "as found before the solve)") == 1


def test_a_budget_conflict_says_what_it_involves(verdict_run: Path) -> None:
    """The real plants are committed capacity, sunk, with no capex: a budget conflict involves
    none of them but the investment the plan adds in its year, which the verdict says."""
    verdict = (verdict_run / "calibration.md").read_text().splitlines()[0]
    assert "no real plant)" not in verdict
    assert ("investment in 2023 may not exceed 0 yuan [constraints.budget.capex_yuan_per_yr.2023=0] (no real plant: "
            "it bounds the investment the plan adds in 2023; the real plants are held as committed capacity, with no "
            "capex); investment in 2024 may not exceed 0 yuan [constraints.budget.capex_yuan_per_yr.2024=0] (no real "
            "plant: it bounds the investment the plan adds in 2024; the real plants are held as committed capacity, "
            "with no capex)") in verdict


@pytest.mark.parametrize("run", ["hosting_run", "verdict_run"])
def test_conflicts_md_of_a_calibration_says_the_real_plants_are_the_plan(run: str,
                                                                         request: pytest.FixtureRequest) -> None:
    """conflicts.md of a run in mode fixed says the real plants are held as the plan and points to
    calibration.md, before the findings, notices and map."""
    text = (request.getfixturevalue(run) / "conflicts.md").read_text()
    section = ("## Calibration\n\nThis run is a calibration in mode fixed: the real plants are held as the plan "
               "(the model holds all 2 real plants of `plants.yaml` producing by 2024 at their sites), so these are "
               "conflicts of the rules with the real plants; calibration.md gives the verdict for each plant "
               "(calibration.csv the same as a table).\n")
    assert section in text
    assert text.index(section) < text.index("## Map")


def test_python_front_door_records_the_alternatives_timing_as_the_command_line(
        small_one_alternative_run: MadeRun, tmp_path: Path) -> None:
    """`siting.alternatives(...).write` records the seconds spent on the alternatives in the
    manifest's timings, as `siting solve --alternatives N` does (conftest's
    `small_one_alternative_run`, `--alternatives 1 --quiet`), in the same order of phases."""
    out = siting.alternatives(siting.solve(SMALL / "scenario.yaml"), n=1).write(tmp_path / "api")
    phases = [list(json.loads((folder / "manifest.json").read_text())["run"]["timings_s"])
              for folder in (small_one_alternative_run.out, out)]
    assert "alternatives" in phases[0]
    assert phases[1] == phases[0]
