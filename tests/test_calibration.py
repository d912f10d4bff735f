"""Calibration against the real plants (issue 10, part 9; siting/runs/calibrate.py).

On tests/data/small: site w_lake lies inside the buffered red line for every product; the sites
are w_mine, w_lake (cluster west), e_city, e_far (cluster east); e_city has 30 ha of usable land;
lfp takes 10 ha per 50,000 t (0.0002 ha/t). Variant scenarios are written next to a copy of it.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError, OutputFolderError
from siting.config.load import load_scenario, shown_path
from siting.deliver.files import map_context
from siting.deliver.folders import input_files
from siting.deliver.manifest import input_record
from siting.prepare import inputs as inputs_module
from siting.prepare.inputs import Committed
from siting.prepare.problem import prepare
from siting.runs.calibrate import RealPlant, fixed_findings, score_choice
from siting.runs.job import run_solve
from tests.conftest import MadeRun, run_once

SMALL = Path(__file__).parent / "data" / "small"


def plant_entry(pid: str, name: str, site: str, product: str, capacity: float) -> str:
    return (f"- {{id: {pid}, name: {name}, site: {site}, product: {product}, capacity: {capacity}, "
            "online_year: 2024, status: producing, source: 'assumption: invented for tests'}\n")


def variant(tmp_path: Path, plants: str, extra: str) -> Path:
    """A copy of the small case with plants.yaml and a scenario extending the small one."""
    case = tmp_path / "case"
    shutil.copytree(SMALL, case)
    (case / "plants.yaml").write_text(plants)
    path = case / "calibration.yaml"
    path.write_text(f"extends: scenario.yaml\nname: calibration\n{extra}")
    return path


def e_city_choose_inputs(folder: Path) -> list[Path]:
    """[`variant` in `folder`]: one real plant, l1, 1,000 t/yr of lfp at e_city, in mode choose
    within 1 km."""
    return [variant(folder, plant_entry("l1", "L1", "e_city", "lfp", 1000),
                    "calibration: {mode: choose, reference: plants.yaml, distance_km: 1}\n")]


@pytest.fixture(scope="session")
def e_city_choose_run(tmp_path_factory: pytest.TempPathFactory) -> MadeRun:
    """`e_city_choose_inputs` solved as `siting solve calibration.yaml --out out` does, once for the
    session (conftest's `run_once`; tests/test_calibration_solve_gap.py reads it too): read-only."""
    return run_once(tmp_path_factory, "calibration_e_city_choose", e_city_choose_inputs)


def findings_of(path: Path) -> pd.DataFrame:
    frame = fixed_findings(prepare(path, {}))
    assert frame is not None
    return frame


def test_plant_inside_the_red_line_gives_the_finding(tmp_path: Path) -> None:
    path = variant(tmp_path, plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\n")
    assert findings_of(path).values.tolist() == [
        ["lake_lfp", "redline", "plant lake_lfp (Lake LFP, 10,000 t/yr at w_lake) lies inside the buffered red line "
                                "for lfp"]]


def test_red_line_switched_off_admits_the_plant(tmp_path: Path) -> None:
    path = variant(tmp_path, plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n  redline: {enabled: false}\n")
    assert len(findings_of(path)) == 0


def test_hosting_limit_breach_names_both_clusters(tmp_path: Path) -> None:
    plants = (plant_entry("west_lfp", "West LFP", "w_mine", "lfp", 20000)
              + plant_entry("east_lfp2", "East LFP", "e_far", "lfp", 30000))
    path = variant(tmp_path, plants, "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                                     "  differentiation: {enabled: true, max_clusters_per_product: {lfp: 1}}\n")
    assert findings_of(path).values.tolist() == [
        ["west_lfp east_lfp2", "product_hosting_limit",
         "lfp plants stand in 2 clusters (east: plant east_lfp2 (East LFP, 30,000 t/yr at e_far); west: plant "
         "west_lfp (West LFP, 20,000 t/yr at w_mine)), more than the hosting limit of 1 for lfp"]]


def test_hosting_limit_met_in_one_cluster(tmp_path: Path) -> None:
    plants = (plant_entry("city_lfp", "City LFP", "e_city", "lfp", 20000)
              + plant_entry("far_lfp", "Far LFP", "e_far", "lfp", 30000))
    path = variant(tmp_path, plants, "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                                     "  differentiation: {enabled: true, max_clusters_per_product: {lfp: 1}}\n")
    assert len(findings_of(path)) == 0


def test_land_and_open_sites(tmp_path: Path) -> None:
    """200,000 t of lfp take 200,000 x 0.0002 = 40 ha, more than e_city's 30 ha; plants at two
    sites of cluster east break a limit of one open site there."""
    plants = (plant_entry("big_lfp", "Big LFP", "e_city", "lfp", 200000)
              + plant_entry("far_lfp", "Far LFP", "e_far", "lfp", 1000))
    path = variant(tmp_path, plants, "calibration: {mode: fixed, plants: plants.yaml}\nconstraints:\n"
                                     "  agglomeration: {max_open_sites_per_cluster: {east: 1}}\n")
    assert findings_of(path).values.tolist() == [
        ["big_lfp", "land", "plant big_lfp (Big LFP, 200,000 t/yr at e_city) takes 40.0 ha, more than the usable "
                            "land of site e_city (30.0 ha)"],
        ["big_lfp far_lfp", "open_sites_limit", "cluster east has plants at 2 sites (e_city, e_far), more than its "
                                                "limit of 1 open site"]]


def committed_rows(out: Path) -> list[list[object]]:
    """capacity.csv's rows with committed capacity: site, product, year, committed (units/yr)."""
    capacity = pd.read_csv(out / "capacity.csv")
    held = capacity.loc[capacity["committed"] > 0, ["site", "product", "year", "committed"]]
    return held.values.tolist()


def test_fixed_run_prints_and_writes_the_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The run goes on after the findings and writes them as calibration.csv, in the row of the
    plant they name. The plants of `calibration.plants` are the plan: the model holds lake_lfp
    (10,000 t/yr at w_lake, inside the red line, online 2024) at its site as committed capacity,
    in place of the scenario's committed project east_lfp (10,000 t/yr at e_city), which is
    not a real plant of plants.yaml: capacity.csv's committed capacity is 10,000 t/yr of lfp at
    w_lake in 2024 and nothing else, and a notice says so."""
    path = variant(tmp_path, plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\n")
    result = run_solve(path, tmp_path / "out")
    assert capsys.readouterr().out == ("calibration: 1 rule broken by the real plants\n  redline: plant lake_lfp "
                                       "(Lake LFP, 10,000 t/yr at w_lake) lies inside the buffered red line for lfp\n")
    assert (result.out_dir / "calibration.csv").read_text() == (
        "plant,name,site,product,unit,observed,model,production,used_share,verdict,finding\n"
        "lake_lfp,Lake LFP,w_lake,lfp,t/yr,10000,10000,10000,1,not admitted: redline,\"plant lake_lfp (Lake LFP, "
        "10,000 t/yr at w_lake) lies inside the buffered red line for lfp\"\n")
    assert committed_rows(result.out_dir) == [["w_lake", "lfp", 2024, 10000.0]]
    assert HELD_NOTICE in json.loads((result.out_dir / "manifest.json").read_text())["notices"]


#: The notice of a run in mode fixed whose `calibration.plants` is not the scenario's committed projects.
HELD_NOTICE = ("calibration mode fixed: the model holds the real plants of plants.yaml (calibration.plants) at "
               "their sites as committed capacity, in place of the scenario's committed projects "
               "(committed_projects.yaml)")


EAST_LFP = ("- {id: east_lfp, name: East LFP expansion, site: e_city, product: lfp, capacity: 10000, online_year: "
            "2024, status: construction, source: 'assumption: invented for tests'}\n")


@pytest.fixture(scope="module")
def fixed_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Mode fixed with two real plants in plants.yaml: east_lfp, also the scenario's committed
    project (10,000 t/yr at e_city, East city, online 2024), which the rules admit; and lake_lfp
    (10,000 t/yr at w_lake, West lakeside, inside the red line), in no committed-projects file of
    the scenario. The model holds both at their sites. Returns the scenario file."""
    tmp_path = tmp_path_factory.mktemp("fixed")
    return variant(tmp_path, EAST_LFP + plant_entry("lake_lfp", "Lake LFP", "w_lake", "lfp", 10000),
                   "calibration: {mode: fixed, plants: plants.yaml}\n")


@pytest.fixture(scope="module")
def fixed_mapped(fixed_scenario: Path) -> tuple[Path, list[list[tuple[str, str, int]]]]:
    """`fixed_scenario`'s run on the command line's path (`run_solve`), made once for the module:
    its output folder (read-only), and the committed capacity (site, product, year) of each call
    of siting/prepare/inputs.py `committed_projects` the run made, in order."""
    mapped: list[list[tuple[str, str, int]]] = []
    original = inputs_module.committed_projects

    def counted(*args: Any, **kwargs: Any) -> Committed:
        committed = original(*args, **kwargs)
        mapped.append(sorted(committed.units_per_yr))
        return committed

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inputs_module, "committed_projects", counted)
        out = run_solve(fixed_scenario, fixed_scenario.parent.parent / "out").out_dir
    return out, mapped


@pytest.fixture(scope="module")
def fixed_run(fixed_mapped: tuple[Path, list[list[tuple[str, str, int]]]]) -> Path:
    """The output folder of `fixed_scenario`'s run on the command line's path (`fixed_mapped`)."""
    return fixed_mapped[0]


def test_fixed_csv_has_a_row_per_plant_with_observed_model_and_verdict(fixed_run: Path) -> None:
    assert (fixed_run / "calibration.csv").read_text() == (
        "plant,name,site,product,unit,observed,model,production,used_share,verdict,finding\n"
        "east_lfp,East LFP expansion,e_city,lfp,t/yr,10000,10000,10000,1,admitted,\n"
        "lake_lfp,Lake LFP,w_lake,lfp,t/yr,10000,10000,10000,1,not admitted: redline,\"plant lake_lfp (Lake LFP, "
        "10,000 t/yr at w_lake) lies inside the buffered red line for lfp\"\n")
    assert committed_rows(fixed_run) == [["e_city", "lfp", 2024, 10000.0], ["w_lake", "lfp", 2024, 10000.0]]


def test_fixed_markdown_starts_with_the_verdict(fixed_run: Path) -> None:
    lines = (fixed_run / "calibration.md").read_text().splitlines()
    assert lines[0] == ("Verdict: 1 rule broken by the real plants. The model holds all 2 real plants of "
                        "`plants.yaml` producing by 2024 at their sites.")
    assert lines[2].startswith("Solve: ")  # the solve's status and what its gap means, then the table
    assert lines[6] == ("| east_lfp | East LFP expansion | e_city | lfp | t/yr | 10,000 | 10,000 | 10,000 | 1 | "
                        "admitted |  |")
    assert lines[-1] == csv_note("plants.yaml")


def test_fixed_report_states_the_verdict_and_the_fixed_sites(fixed_run: Path) -> None:
    """The first line names East city and West lakeside, where the model holds east_lfp and
    lake_lfp; the calibration section gives the verdict, what each site holds, each plant's row
    and the finding."""
    report = (fixed_run / "report.md").read_text()
    assert ("Years 2023-2024; clusters West, East; sites with fixed capacity (the real plants): East city; "
            "West lakeside; sites built on: ") in report
    section = report.split("## Calibration: the real plants fixed at their sites\n\n")[1].split("\n## ")[0]
    solve = next(line for line in (fixed_run / "calibration.md").read_text().splitlines() if line.startswith("Solve: "))
    assert section == (
        "Verdict: 1 rule broken by the real plants. In calibration mode fixed, the model holds all 2 real "
        "plants of `plants.yaml` producing by 2024 at their sites.\n\n"
        f"{solve}\n\n"
        "Sites with fixed capacity (the real plants, in 2024):\n\n"
        "- East city: LFP 10,000 t/yr\n"
        "- West lakeside: LFP 10,000 t/yr\n\n"
        "| plant | site | product | unit | observed | model | production 2024 | used | verdict |\n"
        "|---|---|---|---|---:|---:|---:|---:|---|\n"
        "| east_lfp | East city | LFP | t/yr | 10,000 | 10,000 | 10,000 | 100% | admitted |\n"
        "| lake_lfp | West lakeside | LFP | t/yr | 10,000 | 10,000 | 10,000 | 100% | not admitted: redline |\n\n"
        f"{REPORT_NOTE}\n\n"
        "The rules the real plants break:\n\n"
        "- plant lake_lfp (Lake LFP, 10,000 t/yr at w_lake) lies inside the buffered red line for lfp\n")


def test_fixed_file_list_says_what_the_fixed_files_hold(fixed_run: Path) -> None:
    report = (fixed_run / "report.md").read_text()
    assert ("- `calibration.csv`: the real plants fixed at their sites: each plant's capacity, which the model holds "
            "as given, what the model makes of it in the last year and the share of what it can make, with its "
            "verdict (admitted, or the rules it breaks) and the findings (calibration.md: the same as a table, after "
            "the verdict of the rules and of the plants the model holds mostly idle)\n") in report
    assert "the plan's choice" not in report


def test_fixed_run_the_rules_admit(tmp_path: Path) -> None:
    """The plants are the scenario's committed projects (east_lfp alone), which the rules admit:
    calibration.csv holds its row, not a header alone, and the report says the verdict. The
    model holds the committed projects as ever, with no notice of plants in their place."""
    path = variant(tmp_path, "", "calibration: {mode: fixed, plants: committed_projects.yaml}\n")
    out = run_solve(path, tmp_path / "out").out_dir
    assert committed_rows(out) == [["e_city", "lfp", 2024, 10000.0]]
    assert not [n for n in json.loads((out / "manifest.json").read_text())["notices"] if "calibration" in n]
    assert (out / "calibration.csv").read_text() == (
        "plant,name,site,product,unit,observed,model,production,used_share,verdict,finding\n"
        "east_lfp,East LFP expansion,e_city,lfp,t/yr,10000,10000,10000,1,admitted,\n")
    assert (out / "calibration.md").read_text().splitlines()[0] == (
        "Verdict: the rules admit every real plant. The model holds the 1 real plant of `committed_projects.yaml` "
        "producing by 2024 at its site.")
    assert ("Verdict: the rules admit every real plant. In calibration mode fixed, the model holds the 1 real plant "
            "of `committed_projects.yaml` producing by 2024 at its site.\n") in (out / "report.md").read_text()


def test_score_by_hand() -> None:
    """lfp: 100,000 t at a (a real plant there), 50,000 t at b, 30 km away: 100/150 within 10 km;
    cells: nothing planned, one real plant: share empty; ncm: 5,000 t planned at a, no real plant:
    within 0, share 0 (none of it lies where a real plant of it is); fepo4: nothing planned, none
    real: no row."""
    builds = pd.DataFrame({"site": ["a", "b", "a"], "product": ["lfp", "lfp", "ncm"],
                           "capacity_added": [100000.0, 50000.0, 5000.0]})
    plants = [RealPlant("p1", "P1", "a", "lfp", 1.0, "t/yr", 0.0), RealPlant("p2", "P2", "b", "cells", 1.0, "GWh/yr",
                                                                             0.0)]
    points = {"a": (0.0, 0.0), "b": (30.0, 0.0)}
    score = score_choice(builds, plants, points, 10.0, ["fepo4", "lfp", "ncm", "cells"],
                         {"fepo4": "t/yr", "lfp": "t/yr", "ncm": "t/yr", "cells": "GWh/yr"})
    assert score["product"].tolist() == ["lfp", "ncm", "cells"]
    assert score[["planned_added", "within_km"]].values.tolist() == [[150000.0, 100000.0], [5000.0, 0.0], [0.0, 0.0]]
    assert score["share"].iloc[0] == pytest.approx(2 / 3, abs=1e-12)
    assert score["share"].iloc[1] == 0.0
    assert math.isnan(score["share"].iloc[2])
    assert score["reference_plants"].tolist() == ["p1", "", "p2"]


def test_choose_run_scores_all_and_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Real lfp plants at every site where lfp can be built (all but w_lake, red-lined), 1 km: all
    of the plan's lfp lies at a plant's site, share 1.0. A real fepo4 plant at w_lake, where no
    fepo4 can be built and no other site lies within 1 km (w_mine is about 45 km away): share 0.0."""
    plants = (plant_entry("l1", "L1", "w_mine", "lfp", 1000) + plant_entry("l2", "L2", "e_city", "lfp", 1000)
              + plant_entry("l3", "L3", "e_far", "lfp", 1000) + plant_entry("f1", "F1", "w_lake", "fepo4", 1000))
    path = variant(tmp_path, plants, "calibration: {mode: choose, reference: plants.yaml, distance_km: 1}\n")
    result = run_solve(path, tmp_path / "out")
    out = capsys.readouterr().out
    score = pd.read_csv(result.out_dir / "calibration.csv")
    by_product = score.set_index("product")
    assert list(score.columns) == ["product", "unit", "planned_added", "observed", "within_km", "share",
                                    "reference_plants"]
    lfp = result.plan.builds.loc[result.plan.builds["product"] == "lfp", "capacity_added"].sum()
    fepo4 = result.plan.builds.loc[result.plan.builds["product"] == "fepo4", "capacity_added"].sum()
    assert lfp > 0 and fepo4 > 0
    assert by_product.loc["lfp", ["planned_added", "within_km", "share"]].tolist() == [lfp, lfp, 1.0]
    assert by_product.loc["fepo4", ["planned_added", "within_km", "share"]].tolist() == [fepo4, 0.0, 0.0]
    assert by_product.loc["lfp", "reference_plants"] == "l1 l2 l3 existing:e_city"  # and the sites layer's
    assert out.startswith("calibration: the plan's choice against the real plants\n")
    assert "within 1 km of a real plant" in (result.out_dir / "calibration.md").read_text()
    assert ("- `calibration.csv`: the plan's choice against the real plants (calibration.md: the same as a table)\n"
            in (result.out_dir / "report.md").read_text())


def calibration_section(report: str) -> str:
    """report.md's calibration section (from its heading to the next), with the report's first
    lines, which name the sites with fixed capacity."""
    head = report.split("\n## ")[0]
    section = next(part for part in report.split("\n## ") if part.startswith("Calibration"))
    return f"{head}\n## {section}"


def test_python_front_door_writes_the_fixed_calibration_of_the_command_line(fixed_scenario: Path, fixed_run: Path,
                                                                            tmp_path: Path) -> None:
    """`siting.solve(siting.load(path)).write(folder)` writes calibration.csv and calibration.md
    as `siting solve` does (run_solve), holds the real plants of plants.yaml as it does (the
    same committed capacity and notice), and its report states the same verdict and sites with
    fixed capacity."""
    problem = siting.load(fixed_scenario)
    assert HELD_NOTICE in problem.notices
    out = siting.solve(problem).write(tmp_path / "api")
    for name in ("calibration.csv", "calibration.md"):
        assert (out / name).read_text() == (fixed_run / name).read_text()
    assert committed_rows(out) == committed_rows(fixed_run)
    assert calibration_section((out / "report.md").read_text()) == calibration_section(
        (fixed_run / "report.md").read_text())
    files = [json.loads((folder / "manifest.json").read_text())["files"] for folder in (out, fixed_run)]
    assert "calibration.csv" in files[0] and files[0] == files[1]


def test_python_front_door_writes_the_choice_score_of_the_command_line(e_city_choose_run: MadeRun,
                                                                       tmp_path: Path) -> None:
    """Mode choose: the API's folder holds calibration.csv and calibration.md as `siting solve`'s
    does (`e_city_choose_run`: lfp within 1 km of l1 at e_city on both), and its report's file list
    says what they hold."""
    cli = e_city_choose_run.out
    out = siting.solve(siting.load(e_city_choose_run.scenario)).write(tmp_path / "api")
    for name in ("calibration.csv", "calibration.md"):
        assert (out / name).read_text() == (cli / name).read_text()
    assert ("- `calibration.csv`: the plan's choice against the real plants (calibration.md: the same as a table)\n"
            in (out / "report.md").read_text())


def test_prepare_holds_the_real_plants_for_every_caller(fixed_scenario: Path) -> None:
    """Every caller of `prepare` (the command line's run, the Python front door, a batch's
    cross-costing and redraws) gets the model of mode fixed from it: its inputs hold east_lfp
    (10,000 t/yr at e_city) and lake_lfp (10,000 t/yr at w_lake) of plants.yaml as committed
    capacity in 2024, with the notice once; the scenario as loaded still names its committed
    projects (committed_projects.yaml), which the manifest records."""
    prepared = prepare(fixed_scenario, {})
    assert prepared.inputs.committed_units_per_yr == {("e_city", "lfp", 2024): 10000.0,
                                                      ("w_lake", "lfp", 2024): 10000.0}
    assert prepared.notices.count(HELD_NOTICE) == 1
    assert prepared.loaded.committed.path == fixed_scenario.parent / "committed_projects.yaml"


def test_a_run_maps_the_plants_onto_the_model_once(fixed_mapped: tuple[Path, list[list[tuple[str, str, int]]]]
                                                   ) -> None:
    """The model's inputs are built once for a run in mode fixed (`fixed_mapped`, the run the
    other tests of mode fixed read): the plants of plants.yaml are mapped onto the sites and years
    once, not the committed projects first and the plants after."""
    assert fixed_mapped[1] == [[("e_city", "lfp", 2024), ("w_lake", "lfp", 2024)]]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fixed_manifest_records_the_plants_file_with_its_hash(fixed_scenario: Path, fixed_run: Path) -> None:
    """manifest.json's inputs name plants.yaml (calibration.plants) beside the committed projects
    the scenario names, each with its SHA-256, and the report's provenance table lists it."""
    manifest = json.loads((fixed_run / "manifest.json").read_text())
    assert manifest["inputs"] == {"scenario": "calibration.yaml", "catalog": "catalog.yaml", "base": "scenario.yaml",
                                  "committed_projects": "committed_projects.yaml",
                                  "calibration_plants": "plants.yaml", "clusters": "clusters.geojson",
                                  "redline": "redline.geojson", "sites": "sites.geojson",
                                  "sources": "sources.geojson"}
    case = fixed_scenario.parent
    assert manifest["input_sha256"]["calibration_plants"] == sha256_of(case / "plants.yaml")
    assert manifest["input_sha256"]["committed_projects"] == sha256_of(case / "committed_projects.yaml")
    assert (f"| calibration_plants | `plants.yaml` | `{sha256_of(case / 'plants.yaml')}` |\n"
            in (fixed_run / "report.md").read_text())


def test_choose_manifest_records_the_reference_file_with_its_hash(tmp_path: Path) -> None:
    """Mode choose: the manifest's inputs name the reference file (calibration.reference),
    here in a folder of its own, relative to the scenario file, with its SHA-256."""
    path = variant(tmp_path, "", "calibration: {mode: choose, reference: real/plants.yaml, distance_km: 1}\n")
    (path.parent / "real").mkdir()
    (path.parent / "real" / "plants.yaml").write_text(plant_entry("l1", "L1", "e_city", "lfp", 1000))
    inputs, hashes = input_record(load_scenario(path), {})
    assert inputs == {"scenario": "calibration.yaml", "catalog": "catalog.yaml", "base": "scenario.yaml",
                      "committed_projects": "committed_projects.yaml", "calibration_reference": "real/plants.yaml"}
    assert hashes["calibration_reference"] == sha256_of(path.parent / "real" / "plants.yaml")


@pytest.mark.parametrize("setting", ["{mode: fixed, plants: real/plants.yaml}",
                                     "{mode: choose, reference: real/plants.yaml, distance_km: 1}"])
def test_output_folder_holding_the_real_plants_is_refused(tmp_path: Path, setting: str) -> None:
    """An output folder that holds the plants file of `calibration` is refused as holding an
    input of the run, as one holding the committed projects is, before anything is solved."""
    path = variant(tmp_path, "", f"calibration: {setting}\n")
    real = path.parent / "real"
    real.mkdir()
    (real / "plants.yaml").write_text(plant_entry("l1", "L1", "e_city", "lfp", 1000))
    with pytest.raises(OutputFolderError) as refused:
        run_solve(path, real)
    assert refused.value.problems == [
        f"--out | the output folder holds {shown_path(real.resolve() / 'plants.yaml')}, an input of this run "
        f"(got {shown_path(real)}); choose a folder outside the folders that hold the scenario, its bases, the "
        "catalog and the layers"]
    assert sorted(p.name for p in real.iterdir()) == ["plants.yaml"]
    assert real.resolve() / "plants.yaml" in input_files(load_scenario(path))


def test_map_sources_name_the_plants_the_model_holds(fixed_scenario: Path) -> None:
    """map.png's sources name the file of the plants the model holds in mode fixed (plants.yaml,
    calibration.plants), not the committed projects it holds in their place."""
    case = fixed_scenario.parent
    sources = map_context(prepare(fixed_scenario, {})).sources
    assert [s for s in sources if "projects" in s or "plants" in s] == [
        f"real plants (calibration.plants): plants.yaml (SHA-256 {sha256_of(case / 'plants.yaml')[:12]})"]


def test_notices_name_the_real_plants_left_out(tmp_path: Path) -> None:
    """Mode fixed: the notices of the plants of plants.yaml left out of the model (online after
    the plan's last year 2024) or counted as standing (online before 2023) name each as a real
    plant of calibration.plants, not as a committed project. (A plant at a site the sites layer
    does not define is refused: test_a_misspelt_site_of_a_real_plant_is_refused_...)"""
    plants = ("- {id: late_lfp, name: Late LFP, site: e_far, product: lfp, capacity: 5000, online_year: 2030, "
                "status: construction, source: 'assumption: invented for tests'}\n"
              + "- {id: old_lfp, name: Old LFP, site: e_far, product: lfp, capacity: 5000, online_year: 2020, "
                "status: producing, source: 'assumption: invented for tests'}\n")
    path = variant(tmp_path, plants, "calibration: {mode: fixed, plants: plants.yaml}\n")
    notices = prepare(path, {}).notices
    assert [n for n in notices if "_lfp" in n] == [
        "real plant late_lfp (calibration.plants) (5,000 t/yr LFP at East far) comes online in 2030, after the "
        "plan's last year 2024: its capacity is left out; the land it takes, 1.0 ha, is kept from new modules",
        "plants.yaml: real plant old_lfp (calibration.plants) (5,000 t/yr LFP at East far) has online_year 2020, "
        "before the plan's first year 2023: counted as standing from 2023"]


def test_plants_file_problems_are_listed_with_the_scenario_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plants of mode fixed are read with the scenario, so a problem in plants.yaml (a product
    the catalog does not have) is listed with the scenario's own, not found after the others."""
    path = variant(tmp_path, plant_entry("l1", "L1", "e_city", "lfq", 1000),
                   "price_path: nope\ncalibration: {mode: fixed, plants: plants.yaml}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as refused:
        load_scenario(path)
    assert refused.value.problems == [
        "case/calibration.yaml:3: price_path | unknown price path (got 'nope'); choose one of: base, flat",
        "case/plants.yaml:1: [0] (l1).product | unknown product (got 'lfq'); choose one of: fepo4, lfp, cells"]


def test_a_misspelt_site_of_a_real_plant_is_refused_as_a_committed_project_s_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A real plant at a site the sites layer does not define (e_cty, a slip of e_city) is refused
    before anything is solved, in the words a committed project at that site gets: it would
    otherwise read as a real plant in no cluster, a rule it breaks. The same file given by `--set`
    as calibration.plants and as committed_projects: the same message, exit 2."""
    path = variant(tmp_path, "", "calibration: {mode: fixed}\n")
    (path.parent / "real.yaml").write_text(plant_entry("city_lfp", "City LFP", "e_cty", "lfp", 1000))
    monkeypatch.chdir(tmp_path)
    errors = []
    for key in ("calibration.plants", "committed_projects"):
        code = main(["solve", "case/calibration.yaml", "--set", f"{key}=case/real.yaml", "--out", "out"])
        errors.append(capsys.readouterr().err)
        assert code == 2
    assert errors == ["error: 1 problem in the input:\n  - case/real.yaml:1: [0] (city_lfp).site | unknown site "
                      "(got 'e_cty'); did you mean 'e_city'?\n"] * 2
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("setting", "named"), [
    ("calibration: {mode: fixed, plants: plants.yaml}", "'plants.yaml', which is case/plants.yaml"),
    ("calibration: {mode: fixed, plants: committed_projects.yaml}\ncommitted_projects: committed_projects.yaml",
     "'committed_projects.yaml', which is case/committed_projects.yaml")])
def test_a_plants_file_listing_no_plant_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str,
                                                  named: str) -> None:
    """An empty plants file (`[]`) gives nothing to calibrate against: refused when the scenario
    is loaded, at the key that names it, also when it is the committed-projects file."""
    path = variant(tmp_path, "[]\n", f"{setting}\n")
    if "plants: committed" in setting:
        (path.parent / "committed_projects.yaml").write_text("[]\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as refused:
        load_scenario(path)
    assert refused.value.exit_code == 2
    assert refused.value.problems == [
        f"case/calibration.yaml:3: calibration.plants | the file it names lists no plants (got {named}); "
        "calibration mode fixed checks the real plants of that file against the rules: list them there, one "
        "'- id: ...' entry per plant"]


#: Mode fixed with nothing added (a budget of 0) and no target: a FePO4 plant of 6,000 t/yr at
#: w_mine feeds two LFP plants of 10,000 t/yr at e_city, which also has 20,000 t/yr of existing
#: LFP (the sites layer). LFP takes 1 t of FePO4 a tonne, which cannot be imported, and sells
#: with a margin: the province makes 6,000 t of FePO4 (all its plant can make) and 6,000 t of LFP,
#: all at e_city: 6,000 / 40,000 = 15 % of what e_city can make (utilisation 1), shared in
#: proportion to available capacity: 1,500 t/yr for each real LFP plant.
IDLE_PLANTS = (plant_entry("mine_fepo4", "Mine FePO4", "w_mine", "fepo4", 6000)
               + plant_entry("city_lfp", "City LFP", "e_city", "lfp", 10000)
               + plant_entry("city_lfp2", "City LFP 2", "e_city", "lfp", 10000)).replace("2024", "2023")
IDLE_SETTING = ("calibration: {mode: fixed, plants: plants.yaml}\n"
                "targets: {capacity: {cathode: {2024: 0}, cells: {2024: 0}}}\n"
                "constraints:\n  budget: {enabled: true, capex_yuan_per_yr: {2023: 0, 2024: 0}}\n")

def csv_note(plants_file: str) -> str:
    """calibration.md's last line in mode fixed: what its columns mean, for a plan ending in 2024."""
    return (f"observed: the plant's capacity in {plants_file} (units/yr, producing by 2024); model: the capacity of "
            "it the model holds at its site (units/yr): the observed capacity, as the real plants are the plan, 0 "
            "for a plant at a site left out of the plan, no estimate of the model's own; production: what the model "
            "makes of it in 2024 (units/yr; its site's production, shared in proportion to available capacity); "
            "used_share: production / what it can make in 2024 (available capacity x the product's utilisation, as "
            "stranded.csv counts it), below 50% named in the verdict; verdict: admitted, or the rules it breaks "
            "(finding: how)")


#: The verdict when the rules admit the plants of IDLE_PLANTS and the model holds the LFP ones idle.
IDLE_VERDICT = ("the rules admit every real plant, but the model holds 2 of them below 50% of what they can make "
                "in 2024, for want of feedstock: city_lfp 15%, city_lfp2 15%")


def test_the_verdict_says_which_real_plants_the_model_holds_mostly_idle(tmp_path: Path) -> None:
    """calibration.csv gives each plant's production in the plan's last year and the share of
    what it can make, and the verdict says which plants the model holds below half of it, and
    why (stranded.csv's reason); the report's section the same, with what model means."""
    out = run_solve(variant(tmp_path, IDLE_PLANTS, IDLE_SETTING), tmp_path / "out").out_dir
    assert (out / "calibration.csv").read_text() == (
        "plant,name,site,product,unit,observed,model,production,used_share,verdict,finding\n"
        "mine_fepo4,Mine FePO4,w_mine,fepo4,t/yr,6000,6000,6000,1,admitted,\n"
        "city_lfp,City LFP,e_city,lfp,t/yr,10000,10000,1500,0.15,admitted,\n"
        "city_lfp2,City LFP 2,e_city,lfp,t/yr,10000,10000,1500,0.15,admitted,\n")
    lines = (out / "calibration.md").read_text().splitlines()
    assert lines[0] == (f"Verdict: {IDLE_VERDICT}. The model holds all 3 real plants of `plants.yaml` producing by "
                        "2024 at their sites.")
    assert lines[-1] == csv_note("plants.yaml")
    section = (out / "report.md").read_text().split("## Calibration: the real plants fixed at their sites\n\n")[1]
    solve = next(line for line in lines if line.startswith("Solve: "))
    assert section.split("\n## ")[0] == (
        f"Verdict: {IDLE_VERDICT}. In calibration mode fixed, the model holds all 3 real plants of `plants.yaml` "
        "producing by 2024 at their sites.\n\n"
        f"{solve}\n\n"
        "Sites with fixed capacity (the real plants, in 2024):\n\n"
        "- West mine park: FePO4 6,000 t/yr\n"
        "- East city: LFP 20,000 t/yr\n\n"
        "| plant | site | product | unit | observed | model | production 2024 | used | verdict |\n"
        "|---|---|---|---|---:|---:|---:|---:|---|\n"
        "| mine_fepo4 | West mine park | FePO4 | t/yr | 6,000 | 6,000 | 6,000 | 100% | admitted |\n"
        "| city_lfp | East city | LFP | t/yr | 10,000 | 10,000 | 1,500 | 15% | admitted |\n"
        "| city_lfp2 | East city | LFP | t/yr | 10,000 | 10,000 | 1,500 | 15% | admitted |\n\n"
        f"{REPORT_NOTE}\n")


#: What the columns of the report's calibration table mean, for the plants of `plants.yaml` in 2024.
REPORT_NOTE = ("observed: the plant's capacity in `plants.yaml`; model: the capacity of it the model holds at its "
               "site, the observed capacity as given (the real plants are the plan; 0 for a plant at a site left "
               "out of it), no estimate of the model's own; production: what the model makes of it in 2024 (units/yr); "
               "used: production as a share of what it can make (available capacity x the product's utilisation); "
               "verdict: what the rules say of the plant where it stands (admitted, or the rules it breaks), also for "
               "a plant the model holds idle; the verdict above the table names the plants the model holds mostly "
               "idle.")
