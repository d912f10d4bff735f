"""Comparison runs: named variants, `show`, `compare`, rule costs and sweeps (process pool and a
local Dask cluster), on the small scenario of tests/data/small.

Hand arithmetic shared by the tests (derived in tests/test_api.py's docstring, formulas repeated in
HAND_COSTS below): the base plan decides in 2023 FePO4 400 kt and LFP 100 kt at w_mine, LFP 100 kt at
e_city, LFP 50 kt and cells 10 GWh at e_far; every cost but transport is derived by hand, transport
(hub distances) lies between 0 and 0.05 bn yuan; objective -22.72 bn yuan. A strict cells target of
20 or 30 GWh only removes plans from the 10 GWh scenario's choice, so its optimum can only be higher:
those runs are checked for that order and for consistency between the tables, not for hand figures.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest

from siting.cli import main
from siting.runs.batch import BatchResult, compare, sweep
from siting.runs.pool import Case, run_cases

DATA = Path(__file__).parent / "data" / "small"


def crf(years: int) -> float:
    """Capital recovery factor at the small scenario's 10 %."""
    return 0.1 / (1 - 1.1 ** -years)


BOTH_YEARS = 1 + 1 / 1.1  # df 2023 + df 2024
HAND_BEFORE_TRANSPORT = sum([  # yuan: capex, land, site openings, variable, raw material, sales
    7.0e9 * crf(20) * BOTH_YEARS + 2.5e9 * crf(10) / 1.1,
    crf(50) * ((1.0e8 + 6.0e7 + 1.5e7) * BOTH_YEARS + 3.0e7 / 1.1),
    2.0e8,
    1.588e9 + 2.207e9 / 1.1,
    8.0e7 * BOTH_YEARS,
    -(15.06e9 + 14.96e9 / 1.1)])


def assert_base(objective_yuan: float) -> None:
    """The base objective: the hand costs plus a transport cost between 0 and 0.05 bn yuan."""
    assert 0.0 < objective_yuan - HAND_BEFORE_TRANSPORT < 5.0e7


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
    assert "  capacity:\n    cathode:\n      '2024': 120000\n    cells:\n      '2024': 20\n" in shown
    assert shown.endswith("# variants defined in this file: bigger\n")
    assert main(["show", str(scenario), "--variant", "biger"]) == 2
    assert capsys.readouterr().err == (f"error: 1 problem in the input:\n  - {scenario}: variants | no variant named "
                                       "'biger'; did you mean 'bigger'?\n")


def test_compare_two_scenarios_table_and_diff(folder: Path, tmp_path: Path):
    """B asks 20 GWh of cells instead of 10: B costs more than the base (its plans are a subset),
    the table's differences are B less base, and diff.geojson calls a site 'unchanged' exactly
    when its added capacities are equal in both runs (w_lake, in the red line, is never built)."""
    b = write(folder / "b.yaml", "extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    out = tmp_path / "cmp"
    result = compare([folder / "scenario.yaml", b], out, workers=2)
    table = result.table.set_index("metric")
    assert_base(table.loc["objective", "small"])
    assert table.loc["objective", "b"] > table.loc["objective", "small"]
    assert table.loc["objective", "b vs small"] == pytest.approx(
        table.loc["objective", "b"] - table.loc["objective", "small"], rel=1e-9)
    assert table.loc["capacity east cells", "small"] + table.loc["capacity west cells", "small"] == 10.0
    assert table.loc["capacity east cells", "b"] + table.loc["capacity west cells", "b"] >= 20.0
    assert table.loc["capacity west lfp", "small"] == 100000.0
    assert table.loc["sites built on", "small"] == 3
    assert [s.cluster_names for s in result.summaries] == [{"west": "West", "east": "East"}] * 2  # the layer's
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "b", "compare.qgs", "comparison.csv",
                                                       "comparison.md", "diff.geojson", "diff.qml", "small"]
    for run in ("small", "b"):  # each run carries the full deliverables of `solve`
        assert {"sites.geojson", "sites.qml", "plan.gpkg", "plan.qgs", "map.png", "report.html", "plan.csv"} <= {
            p.name for p in (out / run).iterdir()}
    renderer = ElementTree.parse(out / "diff.qml").getroot().find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "change"
    diff = json.loads((out / "diff.geojson").read_text())
    products = ("fepo4", "lfp", "cells")
    for feature in diff["features"]:
        site = feature["properties"]
        same = all(site[f"base_{p}"] == site[f"new_{p}"] for p in products)
        assert site["change"] == ("unchanged" if same else "resized"), site["site"]
    by_site = {f["properties"]["site"]: f["properties"] for f in diff["features"]}
    assert by_site["w_lake"]["change"] == "unchanged" and by_site["w_lake"]["new_lfp"] == 0.0
    assert (by_site["w_mine"]["base_fepo4"], by_site["w_mine"]["base_lfp"]) == (400000.0, 100000.0)
    assert sum(s["new_cells"] for s in by_site.values()) == (
        table.loc["capacity east cells", "b"] + table.loc["capacity west cells", "b"])
    csv = pd.read_csv(out / "comparison.csv")
    assert list(csv.columns) == ["metric", "unit", "small", "b", "b vs small"]
    row = table.loc["objective"]
    # at the 4 decimals at which b's report gives its objective, bound and gap (-22.2432, 0.0000)
    assert (f"| objective | bn yuan | {row['small'] / 1e9:.4f} | {row['b'] / 1e9:.4f} | "
            f"{row['b vs small'] / 1e9:.4f} |") in (out / "comparison.md").read_text()


def test_rule_costs_budget_and_agglomeration_by_hand(folder: Path, tmp_path: Path, capsys):
    """Budget: 2023 capex at most 100亿, 2024 at most 35亿. The base plan decides all of its 95亿
    (4 x 5亿 + 5 x 10亿 + 25亿) in 2023 and nothing in 2024, so the budget does not bind: same
    objective as the base, budget rule cost 0. The market caps do not bind either (LFP sales of
    270 kt and 264 kt a year against 50 % of 1,000,000 t; 8 GWh of cells against 50 GWh): cost 0.
    Relaxing agglomeration keeps the plan and drops the 2 x 1亿 of opening w_mine and e_far: 0.2 bn.
    Red line and proximity: relaxing a rule never raises the objective (cost >= 0); freeing w_lake's
    100 ha lets more profitable production in, so the red line costs something."""
    scenario = write(folder / "budget.yaml", "extends: scenario.yaml\nname: budget\nconstraints:\n  budget:\n"
                     "    enabled: true\n    capex_yuan_per_yr: {2023: 1.0e10, 2024: 3.5e9}\n")
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out), "--rule-costs"]) == 0
    assert "cost of each rule" in capsys.readouterr().out
    costs = pd.read_csv(out / "rule_costs.csv").set_index("rule")
    assert list(costs.index) == ["redline", "proximity", "agglomeration", "budget", "market"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"rule_costs.csv", "rule_costs.md"} <= set(manifest["files"])  # the manifest lists every file written
    assert manifest["run"]["timings_s"]["rule_costs"] > 0
    objective = manifest["solver"]["objective_yuan"]
    assert_base(objective)
    assert costs.loc["budget", "rule_cost_bn_yuan"] == 0.0
    assert costs.loc["market", "rule_cost_bn_yuan"] == 0.0
    assert costs.loc["budget", "objective_relaxed_bn_yuan"] == pytest.approx(objective / 1e9, rel=1e-8)
    assert costs.loc["agglomeration", "rule_cost_bn_yuan"] == pytest.approx(0.2, rel=1e-6)
    assert costs.loc["redline", "rule_cost_bn_yuan"] > 0.0
    assert costs.loc["proximity", "rule_cost_bn_yuan"] >= 0.0
    for rule in costs.index:
        assert costs.loc[rule, "rule_cost_bn_yuan"] == pytest.approx(
            objective / 1e9 - costs.loc[rule, "objective_relaxed_bn_yuan"], abs=1e-6), rule


@pytest.fixture(scope="module")
def three_values(tmp_path_factory: pytest.TempPathFactory) -> tuple[BatchResult, Path]:
    """The sweep over 10, 20 and 30 GWh of cells in two worker processes, and its folder; read
    by the tests, never changed."""
    base = tmp_path_factory.mktemp("three_values")
    shutil.copytree(DATA, base / "small")
    out = base / "sweep"
    return sweep(base / "small" / "scenario.yaml", ["targets.capacity.cells.2024=10,20,30"], out, workers=2), out


def test_sweep_over_three_values(three_values: tuple[BatchResult, Path]):
    """10, 20, 30 GWh of cells (strict): each step only removes plans, so the objective never
    falls; the first run is the base; each run meets its cells target. sweep.csv names the
    capacity columns by group id, sweep.md in words."""
    result, out = three_values
    table = result.table
    assert list(table["targets.capacity.cells.2024"]) == [10, 20, 30]
    objectives = list(table["objective_yuan"])
    assert_base(objectives[0])
    assert objectives[0] < objectives[1] < objectives[2]
    assert [cells >= goal for cells, goal in zip(table["capacity_cells_GWh_per_yr"], [10, 20, 30], strict=True)
            ] == [True] * 3
    assert table["capacity_cells_GWh_per_yr"][0] == 10.0
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "compare.qgs", "diff.geojson", "diff.qml",
                                                     "run01", "run02", "run03", "sweep.csv", "sweep.md", "sweep.png"]
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # sweep.csv names a group's capacity column by id and unit, sweep.md in words, as sweep.png titles it
    assert (out / "sweep.csv").read_text().splitlines()[0].endswith(
        ",capacity_cathode_t_per_yr,capacity_cells_GWh_per_yr")
    assert (out / "sweep.md").read_text().splitlines()[0].endswith(
        " | Cathode capacity (t/yr) | Cells capacity (GWh/yr) |")


def test_failed_run_is_reported_in_its_row_and_the_others_finish(folder: Path, tmp_path: Path, capsys):
    """200 GWh of cells cannot fit on the eligible land (at most 70 GWh): that run fails, the
    other two solve, and the sweep exits 1 naming the failure."""
    out = tmp_path / "sweep"
    code = main(["sweep", str(folder / "scenario.yaml"), "--set", "targets.capacity.cells.2024=10,200,20",
                 "--out", str(out), "--workers", "2"])
    assert code == 1
    printed = capsys.readouterr().out
    # The whole message on the terminal, naming the diagnosis where it is once the sweep is written.
    assert ("run infeasible: run02 cells.2024=200: the plan is infeasible before solving:\n"
            "  - capacity target Cells 2024: needs 200 GWh/yr") in printed
    assert ("the diagnosis (conflicts.md, conflicts.geojson, conflict_sites.geojson, conflicts.png) is in "
            f"{(out / 'run02').resolve()} sweep written to") in " ".join(printed.split())  # wrapped or not
    assert (out / "run02" / "conflicts.md").is_file()
    # On the terminal, the status in a word (the header wraps over the lines before the first run's);
    # in the files' tables, one line naming the diagnosis relative to the sweep folder.
    assert [line.split()[:4] for line in printed.splitlines() if line.startswith("run0")][:3] == [
        ["run01", "cells.2024=10", "10", "optimal"], ["run02", "cells.2024=200", "200", "infeasible"],
        ["run03", "cells.2024=20", "20", "optimal"]]
    table = pd.read_csv(out / "sweep.csv")
    assert table["status"].tolist() == ["optimal", "infeasible: see run02/conflicts.md", "optimal"]
    rows = [line for line in (out / "sweep.md").read_text().splitlines() if line.startswith("| run02")]
    assert rows == ["| run02 cells.2024=200 | 200 | infeasible: see run02/conflicts.md |  |  |  |  |  |  |  |  |  |  |"
                    "  |  |"]


def test_sweep_rejects_an_unknown_setting_before_solving(folder: Path, tmp_path: Path, capsys):
    code = main(["sweep", str(folder / "scenario.yaml"), "--set", "constraints.redline.bufer_m=0,500",
                 "--out", str(tmp_path / "sweep")])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: 1 problem in the input:\n  - {folder / 'scenario.yaml'}: --set constraints.redline.bufer_m | "
        "unknown setting 'constraints.redline.bufer_m'; did you mean 'buffer_m'?\n")
    assert not (tmp_path / "sweep").exists()


def test_sweep_and_compare_reject_a_broken_layer_before_solving(folder: Path, tmp_path: Path, capsys):
    """A red-line category the layer does not hold is found with the layers, before any run, not
    as a failed row of the table."""
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("  redline: {buffer_m: 1000}",
                                                     "  redline: {buffer_m: 1000, categories: [lakes]}"))
    expected = ("error: 1 problem in the input:\n  - scenario.yaml:21: constraints.redline.categories | unknown "
                "red-line category (got 'lakes'); did you mean 'lake'? (if 'lake' is the misspelling, correct it in "
                "redline.geojson)\n")
    code = main(["sweep", str(scenario), "--set", "constraints.redline.buffer_m=0,500", "--out", str(tmp_path / "s")])
    assert code == 2 and capsys.readouterr().err.replace(str(folder) + "/", "") == expected
    b = folder / "b.yaml"
    b.write_text("extends: scenario.yaml\nname: b\n")
    code = main(["compare", str(scenario), str(b), "--out", str(tmp_path / "c")])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2 and err == expected  # the base's line, once for both scenarios
    assert not (tmp_path / "s").exists() and not (tmp_path / "c").exists()


def test_sweep_on_a_local_dask_cluster_gives_the_process_pool_table(three_values: tuple[BatchResult, Path],
                                                                    folder: Path, tmp_path: Path, capsys):
    """The same table and sweep.csv as the process pool (`three_values`, the same sweep in two
    worker processes). The progress says once that the local cluster starts (one cluster for the
    first run, the others and the cross-starts) and when it is ready, and the count of runs names
    runs under way."""
    pytest.importorskip("dask.distributed")
    settings = ["targets.capacity.cells.2024=10,20,30"]
    pool, pool_out = three_values
    capsys.readouterr()
    on_dask = sweep(folder / "scenario.yaml", settings, tmp_path / "dask", workers=2, scheduler="local",
                    progress=True)
    columns = ["run", "targets.capacity.cells.2024", "status", "objective_yuan", "capacity_cathode_t_per_yr",
               "capacity_cells_GWh_per_yr"]
    pd.testing.assert_frame_equal(pool.table[columns], on_dask.table[columns])
    assert (pool_out / "sweep.csv").read_text() == (tmp_path / "dask" / "sweep.csv").read_text()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "starting a local Dask cluster (2 workers) ..."
    assert re.fullmatch(r"local Dask cluster ready \(2 workers\) in \d+\.\d s", lines[1])
    assert sum("Dask cluster" in line for line in lines) == 2
    assert any(re.search(r"^runs: .*; running: run0[123] cells\.2024=[123]0 \d+ s", line) for line in lines)


def test_cases_come_back_in_order_whatever_finishes_first(folder: Path, tmp_path: Path):
    """Each case solves and gives its summary without writing its folder (`Case.files` false):
    the order is the pool's, whatever a run writes."""
    cases = [Case(f"c{i}", folder / "scenario.yaml", tmp_path / f"c{i}",
                  overrides=(("targets.capacity.cells.2024", v),), files=False) for i, v in enumerate([30, 10, 20])]
    summaries = run_cases(cases, workers=2)
    assert [s.label for s in summaries] == ["c0", "c1", "c2"]
    thirty, ten, twenty = (s.objective_yuan for s in summaries)
    assert_base(ten)
    assert ten < twenty < thirty


def test_compare_one_file_runs_its_base_and_every_variant(folder: Path, tmp_path: Path):
    """A file with one variant (20 GWh of cells): the base is the baseline, the variant is
    compared against it and costs more (its plans are a subset of the base's). Kept in memory (no
    folder: the runs solve and write nothing), as `siting.compare` without `out` runs it; the
    variant's run written to its folder: tests/test_write_errors_provenance.py."""
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + "variants:\n  bigger:\n    targets: {capacity: {cells: {2024: 20}}}\n")
    result = compare([scenario], None, workers=1)
    assert [s.label for s in result.summaries] == ["small", "small-bigger"]
    table = result.table.set_index("metric")
    assert_base(table.loc["objective", "small"])
    assert table.loc["objective", "small-bigger vs small"] > 0.0
    assert table.loc["objective", "small-bigger vs small"] == pytest.approx(
        table.loc["objective", "small-bigger"] - table.loc["objective", "small"], rel=1e-9)


def test_rule_costs_in_worker_processes_equal_those_one_after_the_other(folder: Path):
    """The re-solves are independent: in two worker processes they give the very table of one
    after the other in this process (same order, same figures, same plans)."""
    import siting
    from siting.optimize.relax import rule_cost_table, rule_costs

    solution = siting.solve(folder / "scenario.yaml")
    solved = solution._solved
    tables = [rule_cost_table(solution.report, solution.result,
                              rule_costs(solution.problem.prepared.inputs, solution.settings, solved.model,
                                         solved.solver, workers=workers))
              for workers in (1, 2)]
    assert list(tables[0]["rule"]) == ["redline", "proximity", "agglomeration", "market"]
    pd.testing.assert_frame_equal(tables[0], tables[1])
