"""End to end through the command line on the small scenario in tests/data/small.

The small scenario: clusters west and east; sites w_mine (next to the phosphate source),
w_lake (inside the lake's 1 km buffer), e_city (20,000 t existing LFP, 130+ km from phosphate),
e_far (30 ha each; w_mine 100 ha). Strict targets for 2024: 120,000 t cathode and 10 GWh
cells. Capex: LFP 50 kt module 10亿 on 10 ha, cells 10 GWh module 25亿 on 20 ha, no opex,
1亿 per opened site (charged in the first year), 10 % discount rate.
Hand optimum: cathode needs 100,000 t beyond the 20,000 existing = 2 LFP modules (20亿);
cells need 1 module (25亿); these 40 ha fit only on w_mine, so one site opens (1亿);
45亿 built in 2024 (the latest year, discounted once): 45亿 / 1.1 + 1亿 = 4,190,909,090.9 yuan.
Output value is not targeted, so nothing must be produced and no raw material moves."""
from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"
OPTIMUM = 4.5e9 / 1.1 + 1.0e8


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    return folder / "scenario.yaml"


def solve(scenario: Path, out: Path, *extra: str) -> int:
    return main(["solve", str(scenario), "--out", str(out), *extra])


def test_solve_writes_every_output_with_hand_checked_plan(scenario: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    assert solve(scenario, out) == 0
    printed = capsys.readouterr().out
    assert "status    optimal" in printed
    assert "objective 4.19 bn yuan" in printed
    assert sorted(p.name for p in out.iterdir()) == [
        ".siting-run", "capacity.csv", "clusters.geojson", "clusters.qml", "flows.geojson", "flows.qml",
        "manifest.json", "map.png",
        "plan.csv", "plan.gpkg", "plan.qgs", "redline.geojson", "redline.qml", "redline_zones.geojson",
        "redline_zones.qml", "report.html", "report.md", "sites.geojson", "sites.qml", "sources.geojson",
        "sources.qml", "targets.csv"]
    sites = json.loads((out / "sites.geojson").read_text())
    assert "crs" not in sites
    by_id = {f["id"]: f for f in sites["features"]}
    assert set(by_id) == {"w_mine", "w_lake", "e_city", "e_far"}
    assert {k: f["properties"]["status"] for k, f in by_id.items()} == {
        "w_mine": "built", "w_lake": "excluded_redline", "e_city": "eligible_unused", "e_far": "eligible_unused"}
    mine = by_id["w_mine"]["properties"]
    assert mine["cluster"] == "west"
    assert mine["added_lfp_2024"] == 100000.0 and mine["added_lfp_2023"] == 0.0
    assert mine["added_cells_2024"] == 10.0
    assert mine["capex_yuan"] == 4.5e9
    assert mine["main_product"] == "lfp"
    assert by_id["w_mine"]["geometry"] == {"type": "Point", "coordinates": [102.1, 24.6]}
    assert by_id["w_lake"]["properties"]["excluded_redline"] == "fepo4,lfp,cells"
    assert by_id["e_city"]["properties"]["excluded_proximity"] == "fepo4"
    # Every property keeps one JSON type across features (QGIS reads mixed types as NULL).
    for key in mine:
        assert len({type(f["properties"][key]) for f in sites["features"]}) == 1, key
    plan = (out / "plan.csv").read_text().splitlines()
    assert plan == [
        "site,cluster,product,unit,year,module,modules,capacity_added,capex_bn_yuan",
        "w_mine,west,cells,GWh/yr,2024,cells_10gwh,1,10,2.5",
        "w_mine,west,lfp,t/yr,2024,lfp_50kt,2,100000,2",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["solver"]["objective_yuan"] == pytest.approx(OPTIMUM, rel=1e-9)
    assert manifest["objective_breakdown_yuan"]["capex"] == pytest.approx(4.5e9 / 1.1, rel=1e-9)
    assert manifest["objective_breakdown_yuan"]["site_fixed"] == 1.0e8
    assert set(manifest["run"]["timings_s"]) == {"load", "preprocess", "build", "solve", "export"}
    assert set(manifest["input_sha256"]) == {"scenario", "catalog", "clusters", "sites", "redline", "sources"}
    clusters = json.loads((out / "clusters.geojson").read_text())
    west = next(f for f in clusters["features"] if f["id"] == "west")
    assert west["properties"]["sites_opened"] == 1
    assert west["properties"]["capacity_lfp_2024"] == 100000.0
    ring = west["geometry"]["coordinates"][0]
    signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
    assert signed > 0  # counter-clockwise exterior ring (RFC 7946)


def test_outputs_are_byte_identical_across_runs(scenario: Path, tmp_path: Path):
    assert solve(scenario, tmp_path / "a") == 0
    assert solve(scenario, tmp_path / "b") == 0
    for path in sorted((tmp_path / "a").iterdir()):
        other = tmp_path / "b" / path.name
        if path.name == "manifest.json":
            first, second = json.loads(path.read_text()), json.loads(other.read_text())
            first.pop("run")
            second.pop("run")
            assert first == second
        else:
            assert path.read_bytes() == other.read_bytes(), path.name


def test_rerun_replaces_the_output_folder_whole(scenario: Path, tmp_path: Path):
    """A folder an earlier run wrote, holding only the files its marker lists, is replaced as a
    whole (a file added since is kept and the run refused: tests/test_trust_fixes.py)."""
    out = tmp_path / "out"
    assert solve(scenario, out) == 0
    (out / "plan.csv").write_text("changed after the first run")
    assert solve(scenario, out) == 0
    assert (out / "plan.csv").read_text() != "changed after the first run"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_a_folder_of_other_files_is_refused_before_loading(scenario: Path, tmp_path: Path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("the user's")
    assert solve(scenario, out) == 2
    assert capsys.readouterr().err == (
        f"error: 1 problem in the input:\n  - --out | the output folder is a folder with files that siting did not "
        f"write (it has no .siting-run marker) (got {out}); choose another folder, or empty this one: a run replaces "
        "only an empty folder or one it wrote\n")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_output_value_target_met_by_producing_on_built_capacity(scenario: Path, tmp_path: Path):
    """Add an output-value target of 8.0e9 yuan in 2024. Hand check: the builds the capacity
    targets force (100,000 t new LFP + 20,000 t existing at 40,000 yuan/t = 4.8e9; 10 GWh cells
    at 4e8 yuan/GWh = 4.0e9; 8.8e9 in all at full use) already reach it, and producing LFP or
    cells needs no raw resource, so the objective stays at the hand optimum with no shortfall."""
    text = scenario.read_text().replace("    cells: {2024: 10}\n",
                                        "    cells: {2024: 10}\n  output_value_yuan: {2024: 8.0e9}\n")
    scenario.write_text(text)
    out = tmp_path / "out"
    assert solve(scenario, out) == 0
    rows = [line.split(",") for line in (out / "targets.csv").read_text().splitlines()]
    value_row = next(r for r in rows if r[0] == "output_value")
    assert value_row[1:5] == ["output_value", "2024", "bn yuan/yr", "8"]
    assert float(value_row[5]) >= 8.0 - 1e-9 and float(value_row[6]) == 0.0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["solver"]["objective_yuan"] == pytest.approx(OPTIMUM, rel=1e-9)


def test_infeasible_plan_exits_1_names_the_rules_and_writes_only_the_diagnosis(scenario: Path, tmp_path: Path,
                                                                               capsys):
    """A budget of 0 in 2023 and 1.3 bn yuan in 2024 cannot pay for 4.5 bn of strict targets:
    the one cells module alone (2.5 bn) exceeds it, so the cells target and both years' budgets
    conflict, and the least change is 1.2 bn more budget in 2024."""
    text = scenario.read_text().replace(
        "  differentiation:\n", "  budget:\n    enabled: true\n    capex_yuan_per_yr: {2023: 0, 2024: 1.3e9}\n"
        "  differentiation:\n")
    scenario.write_text(text)
    out = tmp_path / "out"
    assert solve(scenario, out) == 1
    err = capsys.readouterr().err
    assert err == (
        "no plan: the plan is infeasible: the rules cannot be met together.\n"
        "  3 rules cannot be met together; dropping any one of them makes a plan possible:\n"
        "    - the cells target needs 10 GWh/yr by 2024; existing capacity gives 0 GWh/yr, so 10 GWh/yr must be "
        "added (the eligible land of all clusters could take 70 GWh/yr) [targets.capacity.cells]\n"
        "    - investment in 2023 may not exceed 0 yuan [constraints.budget.capex_yuan_per_yr.2023]\n"
        "    - investment in 2024 may not exceed 1.30 bn yuan [constraints.budget.capex_yuan_per_yr.2024]\n"
        "  the least change that makes a plan possible: raise the 2024 budget by 1.20 bn yuan\n"
        f"the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is in {out}\n")
    assert sorted(p.name for p in out.iterdir()) == [
        ".siting-run", "conflict_sites.geojson", "conflict_sites.qml", "conflicts.geojson", "conflicts.md",
        "conflicts.png", "conflicts.qml"]


def test_strict_target_beyond_all_eligible_land_is_explained_before_solving(scenario: Path, tmp_path: Path,
                                                                            capsys):
    """Cells: 10 GWh per 20 ha module; eligible land: w_mine 100 ha, e_city 30 ha, e_far 30 ha
    (w_lake is in the red line) -> at most 5+1+1 = 7 modules = 70 GWh. A 200 GWh target fails."""
    scenario.write_text(scenario.read_text().replace("cells: {2024: 10}", "cells: {2024: 200}"))
    assert solve(scenario, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert err == (
        "no plan: the plan is infeasible before solving:\n"
        "  - capacity target cells 2024: needs 200 GWh/yr, existing capacity gives 0 GWh/yr, and the eligible land "
        "can add at most 70 GWh/yr, short by 130 GWh/yr. Room per cluster: west 50 GWh/yr (2 sites); east 20 GWh/yr "
        "(2 sites). The red line takes room for 50 GWh/yr in west. Relax the rules named, add sites or land, or set "
        "targets.strict: false\n"
        "the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is in "
        f"{tmp_path / 'out'}\n"
    )
