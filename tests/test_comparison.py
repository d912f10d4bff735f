"""Comparison runs: named variants, `show`, `compare`, rule costs and sweeps (process pool and a
local Dask cluster), on the small scenario of tests/data/small.

Hand arithmetic shared by the tests (see tests/test_cli.py): the base plan builds 2 LFP modules
(10亿 each) and 1 cells module (25亿) at w_mine in 2024 and opens one site (1亿, charged in
the first year, undiscounted); discount rate 10 %, so the base optimum is
45亿 / 1.1 + 1亿 = 4,190,909,090.9 yuan. Each further 10 GWh cells module (25亿, 20 ha) adds
25亿 / 1.1 = 2,272,727,272.7 yuan while it fits on w_mine's 100 ha.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest

from siting.cli import main
from siting.runs.batch import compare, sweep
from siting.runs.pool import Case, run_cases

DATA = Path(__file__).parent / "data" / "small"
BASE = 4.5e9 / 1.1 + 1.0e8
CELLS_MODULE = 2.5e9 / 1.1


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "small"
    shutil.copytree(DATA, target)
    return target


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_named_variants_resolve_and_show(folder: Path, capsys):
    """A file with variants: `show --variant` prints the merged scenario under its variant name."""
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + "variants:\n  bigger:\n    targets: {capacity: {cells: {2024: 20}}}\n")
    assert main(["show", str(scenario), "--variant", "bigger"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("name: small-bigger\n")
    assert "  capacity:\n    cathode:\n      '2024': 120000.0\n    cells:\n      '2024': 20.0\n" in shown
    assert shown.endswith("# variants defined in this file: bigger\n")
    assert main(["show", str(scenario), "--variant", "biger"]) == 2
    assert capsys.readouterr().err == (f"error: 1 problem in the input:\n  - {scenario}: variants | no variant named "
                                       "'biger'; did you mean 'bigger'?\n")


def test_compare_two_scenarios_table_and_diff(folder: Path, tmp_path: Path):
    """B asks 20 GWh of cells instead of 10: one more cells module at w_mine (it fits: 2 LFP x 10 ha +
    2 cells x 20 ha = 60 ha of 100), so the objective rises by exactly 25亿/1.1 and w_mine is
    'resized' in diff.geojson; every other site is 'unchanged'."""
    b = write(folder / "b.yaml", "extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    out = tmp_path / "cmp"
    result = compare([folder / "scenario.yaml", b], out, workers=2)
    table = result.table.set_index("metric")
    assert table.loc["objective", "small"] == pytest.approx(BASE, rel=1e-9)
    assert table.loc["objective", "b"] == pytest.approx(BASE + CELLS_MODULE, rel=1e-9)
    assert table.loc["objective", "b vs small"] == pytest.approx(CELLS_MODULE, rel=1e-6)
    assert table.loc["capacity west cells", "b vs small"] == 10.0
    assert table.loc["capacity west lfp", "b vs small"] == 0.0
    assert table.loc["sites opened", "b vs small"] == 0
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "b", "compare.qgs", "comparison.csv",
                                                       "comparison.md", "diff.geojson", "diff.qml", "small"]
    for run in ("small", "b"):  # each run carries the full deliverables of `solve`
        assert {"sites.geojson", "sites.qml", "plan.gpkg", "plan.qgs", "map.png", "report.html", "plan.csv"} <= {
            p.name for p in (out / run).iterdir()}
    renderer = ElementTree.parse(out / "diff.qml").getroot().find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "change"
    diff = json.loads((out / "diff.geojson").read_text())
    changes = {f["properties"]["site"]: f["properties"]["change"] for f in diff["features"]}
    assert changes == {"w_mine": "resized", "w_lake": "unchanged", "e_city": "unchanged", "e_far": "unchanged"}
    mine = next(f["properties"] for f in diff["features"] if f["properties"]["site"] == "w_mine")
    assert (mine["base_cells"], mine["new_cells"], mine["base_lfp"], mine["new_lfp"]) == (10.0, 20.0, 100000.0,
                                                                                          100000.0)
    csv = pd.read_csv(out / "comparison.csv")
    assert list(csv.columns) == ["metric", "unit", "small", "b", "b vs small"]
    assert "| objective | bn yuan | 4.19 | 6.46 | 2.27 |" in (out / "comparison.md").read_text()


def test_rule_costs_budget_and_agglomeration_by_hand(folder: Path, tmp_path: Path, capsys):
    """Budget: 2024 capex at most 35亿 (2023: 100亿). The 45亿 of modules cannot all wait for 2024:
    one LFP module (10亿) moves to 2023 and is not discounted: objective 10亿 + 35亿/1.1 + 1亿 =
    4,281,818,181.8. Relaxing the budget gives back the base plan: the rule costs
    10亿 - 10亿/1.1 = 90,909,090.9. Relaxing agglomeration drops the 1亿 site cost and nothing
    else. Relaxing the red line changes nothing: the lakeside site it frees is no cheaper."""
    scenario = write(folder / "budget.yaml", "extends: scenario.yaml\nname: budget\nconstraints:\n  budget:\n"
                     "    enabled: true\n    capex_yuan_per_yr: {2023: 1.0e10, 2024: 3.5e9}\n")
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out), "--rule-costs"]) == 0
    assert "cost of each rule" in capsys.readouterr().out
    costs = pd.read_csv(out / "rule_costs.csv").set_index("rule")
    assert list(costs.index) == ["redline", "proximity", "agglomeration", "budget"]
    assert costs.loc["budget", "rule_cost_bn_yuan"] == pytest.approx(1.0 - 1.0 / 1.1, rel=1e-6)
    assert costs.loc["budget", "objective_relaxed_bn_yuan"] == pytest.approx(BASE / 1e9, rel=1e-8)
    assert costs.loc["agglomeration", "rule_cost_bn_yuan"] == pytest.approx(0.1, rel=1e-6)
    assert costs.loc["redline", "rule_cost_bn_yuan"] == 0.0
    assert costs.loc["proximity", "rule_cost_bn_yuan"] == 0.0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["solver"]["objective_yuan"] == pytest.approx(1.0e9 + 3.5e9 / 1.1 + 1.0e8, rel=1e-9)


def sweep_expectation() -> list[float]:
    return [BASE, BASE + CELLS_MODULE, BASE + 2 * CELLS_MODULE]


def test_sweep_over_three_values(folder: Path, tmp_path: Path):
    """10, 20, 30 GWh of cells: one more module each step (30 GWh: 2 x 10 + 3 x 20 = 80 ha fit)."""
    out = tmp_path / "sweep"
    result = sweep(folder / "scenario.yaml", ["targets.capacity.cells.2024=10,20,30"], out, workers=2)
    table = result.table
    assert list(table["targets.capacity.cells.2024"]) == [10, 20, 30]
    assert list(table["objective_yuan"]) == pytest.approx(sweep_expectation(), rel=1e-9)
    assert list(table["capacity_cells_GWh_per_yr"]) == [10.0, 20.0, 30.0]
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "run01", "run02", "run03", "sweep.csv",
                                                     "sweep.md", "sweep.png"]
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_failed_run_is_reported_in_its_row_and_the_others_finish(folder: Path, tmp_path: Path, capsys):
    """200 GWh of cells cannot fit on the eligible land (at most 70 GWh): that run fails, the
    other two solve, and the sweep exits 1 naming the failure."""
    out = tmp_path / "sweep"
    code = main(["sweep", str(folder / "scenario.yaml"), "--set", "targets.capacity.cells.2024=10,200,20",
                 "--out", str(out), "--workers", "2"])
    assert code == 1
    printed = capsys.readouterr().out
    assert "run failed: run02 cells.2024=200: PlanInfeasible: the plan is infeasible before solving" in printed
    table = pd.read_csv(out / "sweep.csv")
    assert table["status"].tolist()[0] == "optimal" and table["status"].tolist()[2] == "optimal"
    assert table["status"].tolist()[1].startswith("failed: PlanInfeasible")


def test_sweep_rejects_an_unknown_setting_before_solving(folder: Path, tmp_path: Path, capsys):
    code = main(["sweep", str(folder / "scenario.yaml"), "--set", "constraints.redline.bufer_m=0,500",
                 "--out", str(tmp_path / "sweep")])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - --set constraints.redline.bufer_m | unknown setting "
        "'constraints.redline.bufer_m'; did you mean 'buffer_m'?\n")
    assert not (tmp_path / "sweep").exists()


def test_sweep_on_a_local_dask_cluster_gives_the_process_pool_table(folder: Path, tmp_path: Path):
    pytest.importorskip("dask.distributed")
    settings = ["targets.capacity.cells.2024=10,20,30"]
    pool = sweep(folder / "scenario.yaml", settings, tmp_path / "pool", workers=2)
    on_dask = sweep(folder / "scenario.yaml", settings, tmp_path / "dask", workers=2, scheduler="local")
    columns = ["run", "targets.capacity.cells.2024", "status", "objective_yuan", "capacity_cathode_t_per_yr",
               "capacity_cells_GWh_per_yr"]
    pd.testing.assert_frame_equal(pool.table[columns], on_dask.table[columns])
    assert (tmp_path / "pool" / "sweep.csv").read_text() == (tmp_path / "dask" / "sweep.csv").read_text()


def test_cases_come_back_in_order_whatever_finishes_first(folder: Path, tmp_path: Path):
    cases = [Case(f"c{i}", folder / "scenario.yaml", tmp_path / f"c{i}",
                  overrides=(("targets.capacity.cells.2024", v),)) for i, v in enumerate([30, 10, 20])]
    summaries = run_cases(cases, workers=2)
    assert [s.label for s in summaries] == ["c0", "c1", "c2"]
    assert [s.objective_yuan for s in summaries] == pytest.approx(
        [BASE + 2 * CELLS_MODULE, BASE, BASE + CELLS_MODULE], rel=1e-9)


def test_compare_one_file_runs_its_base_and_every_variant(folder: Path, tmp_path: Path):
    """A file with one variant (20 GWh of cells): the base is the baseline, the variant is
    compared against it, one cells module dearer (25亿/1.1)."""
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + "variants:\n  bigger:\n    targets: {capacity: {cells: {2024: 20}}}\n")
    result = compare([scenario], tmp_path / "cmp", workers=1)
    assert [s.label for s in result.summaries] == ["small", "small-bigger"]
    table = result.table.set_index("metric")
    assert table.loc["objective", "small-bigger vs small"] == pytest.approx(CELLS_MODULE, rel=1e-6)
