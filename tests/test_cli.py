"""End to end through the command line on the small scenario in tests/data/small.

The small scenario: clusters west and east (tariffs 0.4 and 0.5 yuan/kWh, e_city its own 0.45);
sites w_mine (next to the phosphate source, 100 ha), w_lake (inside the lake's 1 km buffer),
e_city (30 ha, 20,000 t existing LFP and the committed 10,000 t online in 2024, 130+ km from
phosphate), e_far (30 ha). Strict targets for 2024: 120,000 t cathode and 10 GWh cells. Modules:
FePO4 100 kt 5亿 20 ha, LFP 50 kt 10亿 10 ha (20 years), cells 10 GWh 25亿 20 ha (10 years, lead
time 1 year, ramp 0.8); 1亿 per opened site; 10 % discount rate; sales at the "base" prices.
The plan and every cost but transport are derived by hand in tests/test_api.py's docstring
(HAND_COSTS below repeats those formulas): FePO4 400 kt and LFP 100 kt at w_mine, LFP 100 kt at
e_city, LFP 50 kt and cells 10 GWh at e_far, all decided in 2023; objective -22.72 bn yuan.
"""
from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from siting.cli import main
from tests.conftest import MadeRun, copied

DATA = Path(__file__).parent / "data" / "small"


def crf(years: int) -> float:
    """Capital recovery factor at the small scenario's 10 %."""
    return 0.1 / (1 - 1.1 ** -years)


BOTH_YEARS = 1 + 1 / 1.1  # df 2023 + df 2024
HAND_COSTS = {  # yuan, derived in tests/test_api.py's docstring
    "capex": 7.0e9 * crf(20) * BOTH_YEARS + 2.5e9 * crf(10) / 1.1,
    "land": crf(50) * ((1.0e8 + 6.0e7 + 1.5e7) * BOTH_YEARS + 3.0e7 / 1.1),
    "site_fixed": 2.0e8,
    "variable": 1.588e9 + 2.207e9 / 1.1,
    "resources": 8.0e7 * BOTH_YEARS,
    "sales": -(15.06e9 + 14.96e9 / 1.1),
}


def assert_hand_costs(manifest: dict) -> None:
    """The manifest's costs are the hand figures, transport is small and positive, and the
    objective is the sum of its components."""
    breakdown = manifest["objective_breakdown_yuan"]
    for name, value in HAND_COSTS.items():
        assert breakdown[name] == pytest.approx(value, rel=1e-8), name
    assert breakdown["fixed_opex"] == breakdown["imports"] == breakdown["shortfall"] == 0.0
    assert 0.0 < breakdown["transport"] < 5.0e7
    assert manifest["solver"]["objective_yuan"] == pytest.approx(sum(breakdown.values()), rel=1e-8)


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    return folder / "scenario.yaml"


def solve(scenario: Path, out: Path, *extra: str) -> int:
    return main(["solve", str(scenario), "--out", str(out), *extra])


def test_solve_writes_every_output_with_hand_checked_plan(small_run: MadeRun):
    """`siting solve scenario.yaml --out out` on the small scenario (conftest's `small_run`)."""
    out = small_run.out
    printed = small_run.stdout
    assert "status    optimal" in printed
    assert "objective -22.72 bn yuan" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        ".siting-run", "capacity.csv", "clusters.geojson", "clusters.qml", "costs.csv", "flows.geojson", "flows.qml",
        "hubs.geojson", "hubs.qml", "manifest.json", "map.png", "plan.csv", "plan.gpkg", "plan.qgs",
        "product_flows.csv", "product_flows.geojson", "product_flows.qml", "raw_imports.csv", "redline.geojson",
        "redline.qml", "redline_zones.geojson", "redline_zones.qml", "report.html", "report.md", "sites.geojson",
        "sites.qml", "sources.geojson", "sources.qml", "stranded.csv", "targets.csv", "trade.csv"]
    sites = json.loads((out / "sites.geojson").read_text())
    assert "crs" not in sites
    by_id = {f["id"]: f for f in sites["features"]}
    assert set(by_id) == {"w_mine", "w_lake", "e_city", "e_far"}
    assert {k: f["properties"]["status"] for k, f in by_id.items()} == {
        "w_mine": "built", "w_lake": "excluded_redline", "e_city": "built", "e_far": "built"}
    mine = by_id["w_mine"]["properties"]
    assert mine["cluster"] == "west"
    assert mine["added_lfp_2023"] == 100000.0 and mine["added_lfp_2024"] == 0.0
    assert mine["added_fepo4_2023"] == 400000.0 and mine["added_cells_2023"] == 0.0
    assert mine["capex_yuan"] == 4.0e9  # 4 x 5亿 + 2 x 10亿
    assert by_id["e_far"]["properties"]["added_cells_2023"] == 10.0
    assert by_id["w_mine"]["geometry"] == {"type": "Point", "coordinates": [102.1, 24.6]}
    assert by_id["w_lake"]["properties"]["excluded_redline"] == "fepo4, lfp, cells"
    assert by_id["e_city"]["properties"]["excluded_proximity"] == "fepo4"
    # Every property keeps one JSON type across features (QGIS reads mixed types as NULL); null,
    # a field without a value (an unbuilt site's main_product), is of every type.
    for key in mine:
        assert len({type(f["properties"][key]) for f in sites["features"]} - {type(None)}) <= 1, key
    assert by_id["w_lake"]["properties"]["main_product"] is None
    plan = (out / "plan.csv").read_text().splitlines()
    assert plan == [
        "site,cluster,product,unit,year,module,modules,capacity_added,capex_bn_yuan",
        "e_city,east,lfp,t/yr,2023,lfp_50kt,2,100000,2",
        "e_far,east,cells,GWh/yr,2023,cells_10gwh,1,10,2.5",
        "e_far,east,lfp,t/yr,2023,lfp_50kt,1,50000,1",
        "w_mine,west,fepo4,t/yr,2023,fepo4_100kt,4,400000,2",
        "w_mine,west,lfp,t/yr,2023,lfp_50kt,2,100000,2",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert_hand_costs(manifest)
    assert list(manifest["run"]["timings_s"]) == ["load", "preprocess", "build", "bound", "solve", "export", "write"]
    # The time line and the manifest give the same phases and times: the export includes making the
    # report, the write every file but the manifest.
    shown_lines = printed.splitlines()
    first = next(i for i, line in enumerate(shown_lines) if line.startswith("time: "))
    wrapped = [shown_lines[first], *itertools.takewhile(lambda line: line.startswith("      "),
                                                         shown_lines[first + 1:])]
    assert all(len(line) <= 120 for line in wrapped)
    time_line = " ".join(line.strip() for line in wrapped)
    # the solver's phases together, their sum first: the status line's "solved in"
    shown = re.findall(r"([a-z]+)(?: phase)? ([0-9.]+) s", time_line)
    assert [phase for phase, _seconds in shown] == ["load", "preprocess", "build", "solver", "bound", "solve",
                                                    "export", "write"]
    timings = manifest["run"]["timings_s"]
    for phase, seconds in shown:
        expected = timings["bound"] + timings["solve"] if phase == "solver" else timings[phase]
        assert abs(float(seconds) - expected) <= 0.0051 * (2 if phase == "solver" else 1), phase  # 2 decimals of 3
    solved_in = float(re.search(r"solved in ([0-9.]+) s", printed).group(1))
    assert abs(solved_in - float(dict(shown)["solver"])) <= 0.051
    assert set(manifest["input_sha256"]) == {"scenario", "catalog", "committed_projects", "clusters", "sites",
                                             "redline", "sources"}
    assert manifest["inputs_relative_to"] == "the scenario file's folder"
    assert manifest["inputs"]["scenario"] == "scenario.yaml"
    clusters = json.loads((out / "clusters.geojson").read_text())
    west = next(f for f in clusters["features"] if f["id"] == "west")
    assert west["properties"]["sites_built_on"] == 1
    assert (west["properties"]["capex_yuan"], west["properties"]["capacity_fepo4_2024"]) == (4.0e9, 400000.0)
    assert west["properties"]["capacity_lfp_2024"] == 100000.0
    ring = west["geometry"]["coordinates"][0]
    signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
    assert signed > 0  # counter-clockwise exterior ring (RFC 7946)


def test_outputs_are_byte_identical_across_runs(small_run: MadeRun, small_rerun: MadeRun):
    """Conftest's `small_run` and `small_rerun`: two solves, each of its own copy of the inputs."""
    for path in sorted(small_run.out.iterdir()):
        other = small_rerun.out / path.name
        if path.name == "manifest.json":
            first, second = json.loads(path.read_text()), json.loads(other.read_text())
            first.pop("run")
            second.pop("run")
            assert first == second
        else:
            assert path.read_bytes() == other.read_bytes(), path.name


def test_rerun_replaces_the_output_folder_whole(small_run: MadeRun, scenario: Path, tmp_path: Path):
    """A folder an earlier run wrote, holding only the files its marker lists, is replaced as a
    whole: a file of it the user removed comes back (a file added since is kept and the run
    refused: tests/test_trust_fixes.py; one edited since, too: tests/test_output_folders.py). The
    earlier run's folder is a copy of conftest's `small_run`."""
    out = copied(small_run.out, tmp_path / "out")
    (out / "plan.csv").unlink()
    assert solve(scenario, out) == 0
    assert (out / "plan.csv").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_a_folder_of_other_files_is_refused_before_loading(scenario: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("the user's")
    assert solve(scenario, out) == 2
    assert capsys.readouterr().err == (
        f"error: 1 problem with the output folder:\n  - --out | the output folder is a folder without a .siting-run "
        f"marker, holding files siting did not write: notes.txt (got {out}); choose another folder, or empty this "
        "one: a run replaces only an empty folder or one it wrote\n")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_output_value_target_met_by_producing_on_built_capacity(scenario: Path, tmp_path: Path):
    """Add an output-value target of 8.0e9 yuan in 2024. Hand check: the small plan's 2024 output
    at the 2024 base prices is FePO4 400 kt * 10,000 + LFP 280 kt * 40,000 + cells 8 GWh * 4亿
    = 18.4e9 yuan, above the target, so the target does not bind: same plan, same hand costs, no
    shortfall."""
    text = scenario.read_text().replace("    cells: {2024: 10}\n",
                                        "    cells: {2024: 10}\n  output_value_yuan: {2024: 8.0e9}\n")
    scenario.write_text(text)
    out = tmp_path / "out"
    assert solve(scenario, out) == 0
    rows = [line.split(",") for line in (out / "targets.csv").read_text().splitlines()]
    value_row = next(r for r in rows if r[0] == "output_value")
    assert value_row[1:5] == ["output_value", "bn yuan/yr", "2024", "8"]
    assert float(value_row[5]) == pytest.approx(18.4, rel=1e-9) and float(value_row[6]) == 0.0
    assert_hand_costs(json.loads((out / "manifest.json").read_text()))


def test_infeasible_plan_exits_1_names_the_rules_and_writes_only_the_diagnosis(scenario: Path, tmp_path: Path,
                                                                               capsys, monkeypatch):
    """A budget of 0 in 2023 and 1.3 bn yuan in 2024. Cells take a year to build (lead_time_yr 1),
    so the 10 GWh cells module the strict 2024 target needs must be decided in 2023, whose budget
    is 0: the cells target and the 2023 budget conflict on their own (the 2024 budget plays no
    part). Dropping the cells target alone leaves no plan: the strict Cathode target (90,000 t/yr
    to add) needs 2023 or 2024 investment beyond the budgets too, a second conflict sharing the
    2023 budget. Least change over both, every other rule hard: 10 GWh/yr less cells and 40,000
    t/yr less cathode."""
    text = scenario.read_text().replace(
        "  differentiation:\n", "  budget:\n    enabled: true\n    capex_yuan_per_yr: {2023: 0, 2024: 1.3e9}\n"
        "  differentiation:\n")
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    scenario.write_text(text)
    out = tmp_path / "out"
    assert solve(scenario, out) == 1
    err = capsys.readouterr().err
    assert err == (
        "no plan: the plan is infeasible: the rules cannot be met together.\n"
        "  2 conflicts, 4 rules in all; dropping any one rule of a conflict resolves that conflict; a plan needs "
        "every conflict resolved:\n"
        "    conflict 1: 2 rules cannot be met together:\n"
        "      - the Cells target needs 10 GWh/yr by 2024; existing capacity gives 0 GWh/yr, so 10 GWh/yr must be "
        "added (the eligible land of all clusters could take 70 GWh/yr) [targets.capacity.cells.2024=10]\n"
        "      - investment in 2023 may not exceed 0 yuan [constraints.budget.capex_yuan_per_yr.2023=0] (shared with "
        "conflict 2)\n"
        "    conflict 2: 3 rules cannot be met together:\n"
        "      - the Cathode target needs 120,000 t/yr by 2024; existing capacity gives 20,000 t/yr and committed "
        "projects online by 2024 give 10,000 t/yr, so 90,000 t/yr must be added (the eligible land of all clusters "
        "could take 750,000 t/yr) [targets.capacity.cathode.2024=120000]\n"
        "      - investment in 2023 may not exceed 0 yuan [constraints.budget.capex_yuan_per_yr.2023=0] (shared with "
        "conflict 1)\n"
        "      - investment in 2024 may not exceed 1.30 bn yuan "
        "[constraints.budget.capex_yuan_per_yr.2024=1300000000]\n"
        "  the least change that makes a plan possible: lower the Cells target for 2024 by 10 GWh/yr, to 0 GWh/yr; "
        "lower the Cathode target for 2024 by 40,000 t/yr, to 80,000 t/yr\n"
        f"the diagnosis (conflicts.md, conflicts.png) is in {out}\n")
    # targets and budgets name no place: no layer without features (and so without a geometry type) is written
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "conflicts.md", "conflicts.png"]
    report = (out / "conflicts.md").read_text()
    assert ("| 2 | 1 (shared with conflict 2) | investment in 2023 may not exceed 0 yuan | "
            "`constraints.budget.capex_yuan_per_yr.2023=0` |") in report
    assert ("| 2 | 2 (shared with conflict 1) | investment in 2023 may not exceed 0 yuan | "
            "`constraints.budget.capex_yuan_per_yr.2023=0` |") in report


def test_strict_target_beyond_all_eligible_land_is_explained_before_solving(scenario: Path, tmp_path: Path,
                                                                            capsys, monkeypatch):
    """Cells: 10 GWh per 20 ha module; eligible land: w_mine 100 ha, e_city 30 ha, e_far 30 ha
    (w_lake is in the red line) -> at most 5+1+1 = 7 modules = 70 GWh. A 200 GWh target fails."""
    scenario.write_text(scenario.read_text().replace("cells: {2024: 10}", "cells: {2024: 200}"))
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    assert solve(scenario, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert err == (
        "no plan: the plan is infeasible before solving:\n"
        "  - capacity target Cells 2024: needs 200 GWh/yr, existing capacity gives 0 GWh/yr, and the eligible land "
        "can add at most 70 GWh/yr, short by 130 GWh/yr. Room per cluster: West 50 GWh/yr (2 sites); East 20 GWh/yr "
        "(2 sites). The red line takes room for 50 GWh/yr in West. Relax the rules named, add sites or land, or set "
        "targets.strict: false\n"
        "the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is in "
        f"{tmp_path / 'out'}\n"
    )


def test_the_terminal_capacity_table_tells_decided_from_online_capacity(small_run: MadeRun) -> None:
    """Cells: 10 GWh decided in 2023 at e_far with a one-year lead time stand in the decided
    column from 2023 but are online only in 2024; LFP's committed 10,000 t at e_city show in
    their own column from 2024, so online = existing + committed + decided modules producing.
    The terminal of conftest's `small_run`."""
    out = small_run.stdout
    assert ("capacity decided by cluster (cumulative, by decision year); existing, committed and online "
            "(producing) capacity") in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("Cells ", "LFP "))]
    assert ["Cells", "GWh/yr", "2023", "0", "10", "0", "0", "0"] in rows
    assert ["Cells", "GWh/yr", "2024", "0", "10", "0", "0", "10"] in rows
    assert ["LFP", "t/yr", "2024", "100,000", "150,000", "20,000", "10,000", "280,000"] in rows


def test_the_export_time_includes_making_the_report(scenario: Path, tmp_path: Path, monkeypatch, capsys):
    """Making the report is part of the export: the manifest's export time is at least the time
    of the GIS files and of the report together (each measured around its call; the report made
    to take 0.3 s at least, so that leaving it out cannot hide in rounding)."""
    import time

    import siting.deliver.files as files

    spent: dict[str, float] = {}

    def timed(name: str, call, pause: float = 0.0):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            time.sleep(pause)
            try:
                return call(*args, **kwargs)
            finally:
                spent[name] = time.perf_counter() - began
        return wrapper

    monkeypatch.setattr(files, "gis_files", timed("gis", files.gis_files))
    monkeypatch.setattr(files, "report_files", timed("report", files.report_files, 0.3))
    assert solve(scenario, tmp_path / "out", "--quiet") == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["run"]["timings_s"]["export"] >= round(spent["gis"] + spent["report"], 3) - 0.001


def test_the_manifest_names_and_hashes_the_base_and_the_committed_projects(tmp_path: Path):
    """Every file that shapes the plan is in the manifest: a scenario's base (which it extends)
    and its committed-projects file too, each with its SHA-256."""
    import hashlib

    case = tmp_path / "case"
    shutil.copytree(DATA, case)
    (case / "child.yaml").write_text("extends: scenario.yaml\nname: child\n", encoding="utf-8")
    assert main(["solve", str(case / "child.yaml"), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert (manifest["inputs"]["scenario"], manifest["inputs"]["base"]) == ("child.yaml", "scenario.yaml")
    assert manifest["inputs"]["committed_projects"] == "committed_projects.yaml"
    for role in ("base", "committed_projects"):
        digest = hashlib.sha256((case / manifest["inputs"][role]).read_bytes()).hexdigest()
        assert manifest["input_sha256"][role] == digest
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| committed_projects | `committed_projects.yaml` |" in report


def test_an_overlapping_conflict_not_found_in_its_time_leaves_the_first_proven(scenario: Path, tmp_path: Path,
                                                                                capsys, monkeypatch):
    """The budget case above, with no time for the search of the conflict that shares the 2023
    budget (siting/optimize/explain.py `_overlapping`, given 0 s): the first conflict stays
    proven (no 'ran out of time'), the message says that another remains, and the least change,
    sought over the first conflict's rules with every other rule kept, makes a plan possible: 10
    GWh/yr less cells and 1 bn yuan more in 2023, which its solve proved enough."""
    from siting.optimize import explain

    monkeypatch.setattr(explain, "OVERLAP_MIN_S", 0.0)
    monkeypatch.setattr(explain, "OVERLAP_SHARE", 0.0)
    text = scenario.read_text().replace(
        "  differentiation:\n", "  budget:\n    enabled: true\n    capex_yuan_per_yr: {2023: 0, 2024: 1.3e9}\n"
        "  differentiation:\n")
    monkeypatch.setenv("COLUMNS", "1000")  # the message's lines whole: its words are tested here, not its wrapping
    scenario.write_text(text)
    assert solve(scenario, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert ("  2 rules cannot be met together; dropping any one of them resolves this conflict; another conflict "
            "remains:\n") in err
    assert "ran out of time" not in err
    assert ("  the least change that makes a plan possible: lower the Cells target for 2024 by 10 GWh/yr, to 0 "
            "GWh/yr; raise the 2023 budget by 1.00 bn yuan\n") in err
