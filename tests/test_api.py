"""The Python front door (`siting.load`, `siting.solve`, ...) on the small scenario of tests/data/small.

The small plan (issue 10 economics; the solver's optimum at rel_gap 0, every cost re-derived here by
hand from tests/data/small: discount 0.1, df 2023 = 1, df 2024 = 1/1.1, price path "base"):
- built in 2023: w_mine 4 FePO4 modules (400 kt, 80 ha) and 2 LFP modules (100 kt, 20 ha); e_city 2 LFP
  modules (100 kt, 20 ha; 20 kt existing, the committed 10 kt online in 2024); e_far 1 LFP module
  (50 kt, 10 ha) and 1 cells module (10 GWh, 20 ha, lead time 1 year: online 2024, ramp 0.8 -> 8 GWh).
  w_lake lies in the red-line buffer. Production = available capacity everywhere: FePO4 400 kt both
  years, LFP 270 kt (2023) and 280 kt (2024), cells 8 GWh (2024).
- capex: 70亿 of 20-year modules online both years, CRF(0.1, 20) * 70亿 * (1 + 1/1.1), plus the
  25亿 10-year cells module online 2024 only, CRF(0.1, 10) * 25亿 / 1.1  = 1.9396 bn yuan.
- land (CRF(0.1, 50), the land term): w_mine 100 ha at 1 M yuan, e_city 20 ha at 3 M, e_far 10 ha at
  1.5 M for both years, e_far's 20 cells ha at 1.5 M from 2024  = 0.0364 bn yuan.
- site opening: w_mine and e_far open in 2023 at 1亿 each (e_city has existing capacity: already
  open, no cost)  = 0.2 bn yuan.
- variable (tariff: w_mine the west cluster's 0.4, e_city its own 0.45, e_far the east cluster's 0.5
  yuan/kWh; LFP 2000 kWh + 5000 yuan per t, cells 4e7 kWh + 5e7 yuan per GWh):
  2023: 100 kt * 5800 + 120 kt * 5900 + 50 kt * 6000 = 15.88亿;
  2024: 100 kt * 5800 + 130 kt * 5900 + 50 kt * 6000 + 8 GWh * 7e7 = 22.07亿, / 1.1  -> 3.5944 bn yuan.
- raw material: 2 t phosphate rock per t FePO4 at 100 yuan/t: 8000万 * (1 + 1/1.1) = 0.1527 bn yuan.
- sales at the base prices: 2023 FePO4 130 kt * 12000 + LFP 270 kt * 50000 = 150.6亿; 2024 FePO4
  120 kt * 10000 + LFP 264 kt (280 kt less 16 kt into 8 GWh of cells) * 40000 + 8 GWh * 4亿 = 149.6亿,
  / 1.1  -> -28.66 bn yuan.
- transport (hub network distances, not derived here): read from the solution and checked to be
  positive and below 0.05 bn yuan; the objective is the sum of every component.
Objective = -22.7157 bn yuan.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import siting
from siting.config.errors import InputError
from tests.conftest import MadeRun

DATA = Path(__file__).parent / "data" / "small"
PYTHON_MD = Path(__file__).parent.parent / "docs" / "PYTHON.md"


def crf(years: int) -> float:
    """Capital recovery factor at the small scenario's 10 %."""
    return 0.1 / (1 - 1.1 ** -years)


BOTH_YEARS = 1 + 1 / 1.1  # df 2023 + df 2024
HAND_COSTS = {  # yuan, derived in the module docstring
    "capex": 7.0e9 * crf(20) * BOTH_YEARS + 2.5e9 * crf(10) / 1.1,
    "land": crf(50) * ((1.0e8 + 6.0e7 + 1.5e7) * BOTH_YEARS + 3.0e7 / 1.1),
    "fixed_opex": 0.0,
    "site_fixed": 2.0e8,
    "variable": 1.588e9 + 2.207e9 / 1.1,
    "resources": 8.0e7 * BOTH_YEARS,
    "imports": 0.0,
    "shortfall": 0.0,
    "sales": -(15.06e9 + 14.96e9 / 1.1),
}
PLAN_ROWS = [
    ["e_city", "east", "lfp", "t/yr", 2023, "lfp_50kt", 2, 100000.0, 2.0e9],
    ["e_far", "east", "cells", "GWh/yr", 2023, "cells_10gwh", 1, 10.0, 2.5e9],
    ["e_far", "east", "lfp", "t/yr", 2023, "lfp_50kt", 1, 50000.0, 1.0e9],
    ["w_mine", "west", "fepo4", "t/yr", 2023, "fepo4_100kt", 4, 400000.0, 2.0e9],
    ["w_mine", "west", "lfp", "t/yr", 2023, "lfp_50kt", 2, 100000.0, 2.0e9],
]
SITE_STATUS = {"w_mine": "built", "w_lake": "excluded_redline", "e_city": "built", "e_far": "built"}
OUTPUT_FILES = [
    ".siting-run", "capacity.csv", "clusters.geojson", "clusters.qml", "costs.csv", "flows.geojson", "flows.qml",
    "hubs.geojson", "hubs.qml", "manifest.json", "map.png", "plan.csv", "plan.gpkg", "plan.qgs",
    "product_flows.csv", "product_flows.geojson", "product_flows.qml", "raw_imports.csv", "redline.geojson",
    "redline.qml", "redline_zones.geojson", "redline_zones.qml", "report.html", "report.md", "sites.geojson",
    "sites.qml", "sources.geojson", "sources.qml", "stranded.csv", "targets.csv", "trade.csv"]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    return folder / "scenario.yaml"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def readme_python_example() -> str:
    """The first ```python block of docs/PYTHON.md (the README's "Python" section once)."""
    text = PYTHON_MD.read_text(encoding="utf-8")
    match = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert match is not None, "docs/PYTHON.md has no python code block"
    return match.group(1)


HAND_BEFORE_TRANSPORT = sum(HAND_COSTS.values())


def assert_hand_objective(objective_yuan: float) -> None:
    """The objective is the hand-derived costs plus a transport cost between 0 and 0.05 bn yuan."""
    assert 0.0 < objective_yuan - HAND_BEFORE_TRANSPORT < 5.0e7


def assert_hand_plan(solution: siting.Solution) -> None:
    assert solution.proven_optimal and solution.report.status == "optimal"
    assert solution.gap == pytest.approx(0.0, abs=1e-9)
    for name, value in HAND_COSTS.items():
        assert solution.costs[name] == pytest.approx(value, rel=1e-8, abs=1e-6), name
    assert 0.0 < solution.costs["transport"] < 5.0e7
    assert sum(solution.costs.values()) == pytest.approx(solution.objective_yuan, rel=1e-8)
    assert_hand_objective(solution.objective_yuan)
    assert solution.best_bound_yuan == pytest.approx(solution.objective_yuan, rel=1e-9)
    assert list(solution.plan.columns) == ["site", "cluster", "product", "unit", "year", "module", "modules",
                                           "capacity_added", "capex_yuan"]
    assert solution.plan.values.tolist() == PLAN_ROWS
    targets = solution.targets.set_index(["target", "year"])
    assert targets.loc[("cathode", 2024), "achieved"] == 280000.0  # 20 kt existing + 10 kt committed + 250 kt
    assert targets.loc[("cells", 2024), "achieved"] == 10.0
    assert list(targets["shortfall"]) == [0.0, 0.0]
    mine = solution.capacity.set_index(["site", "product", "year"]).loc[("w_mine", "lfp", 2024)]
    assert (mine["existing"], mine["added_cumulative"], mine["capacity"]) == (0.0, 100000.0, 100000.0)
    city = solution.capacity.set_index(["site", "product", "year"]).loc[("e_city", "lfp", 2024)]
    assert (city["existing"], city["committed"], city["capacity"]) == (20000.0, 10000.0, 130000.0)
    cells = solution.capacity.set_index(["site", "product", "year"]).sort_index().loc[("e_far", "cells")]
    assert list(cells["online"]) == [0.0, 10.0] and list(cells["available"]) == [0.0, 8.0]
    assert solution.opened_sites == ("w_mine", "e_city", "e_far")
    assert {"load", "preprocess", "build", "solve"} <= set(solution.timings)


def test_readme_python_example_runs_and_gives_the_hand_plan(scenario: Path, tmp_path: Path, monkeypatch, capsys):
    """docs/PYTHON.md's example, with the shipped scenario replaced by the small one. Rule costs (see
    tests/test_comparison.py): relaxing agglomeration keeps the plan and drops the 2 x 1亿 of opening
    w_mine and e_far; the red line, proximity and the market cap cost nothing or more (relaxing a
    rule never raises the objective; the red line keeps w_lake's 100 ha from profitable
    production). The red-line buffer sweep: all three runs are optimal and a wider buffer never
    gives a lower objective than a narrower one (it only removes options)."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    code = readme_python_example()
    assert code.count('"scenarios/yunnan_2024.yaml"') == 2
    code = code.replace('"scenarios/yunnan_2024.yaml"', repr(str(scenario)))
    namespace: dict = {}
    exec(compile(code, "docs/PYTHON.md", "exec"), namespace)
    assert capsys.readouterr().out == "optimal within the gap, gap 0.00% (tolerance 0.00%); objective -22.72 bn yuan\n"
    assert_hand_plan(namespace["solution"])
    timings = list(namespace["solution"].timings)
    assert timings == ["load", "preprocess", "build", "bound", "solve", "rule_costs", "export", "write"]
    sites = namespace["sites"]
    assert isinstance(sites, gpd.GeoDataFrame)
    assert sites.crs == "EPSG:4326"
    assert dict(zip(sites["id"], sites["status"], strict=True)) == SITE_STATUS
    mine = sites.set_index("id").loc["w_mine"]
    assert (mine.geometry.x, mine.geometry.y) == (102.1, 24.6)
    assert (mine["added_lfp_2023"], mine["added_fepo4_2023"], mine["capex_yuan"]) == (100000.0, 400000.0, 4.0e9)
    costs = namespace["costs"].set_index("rule")
    assert list(costs.index) == ["redline", "proximity", "agglomeration", "market"]
    assert costs.loc["agglomeration", "rule_cost_yuan"] == pytest.approx(2.0e8, rel=1e-6)
    assert all(cost >= 0.0 for cost in costs.loc[["redline", "proximity", "market"], "rule_cost_yuan"])
    table = namespace["buffers"].table
    assert list(table["constraints.redline.buffer_m"]) == [0, 1000, 2000]
    assert list(table["status"]) == ["optimal"] * 3
    objectives = list(table["objective_yuan"])
    assert_hand_objective(objectives[1])
    assert objectives[0] <= objectives[1] + 1e-6 * abs(objectives[1])
    assert objectives[2] >= objectives[1] - 1e-6 * abs(objectives[1])
    written = tmp_path / "outputs" / "yunnan_2024_notebook"
    assert sorted(p.name for p in written.iterdir()) == OUTPUT_FILES
    assert (written / "plan.csv").read_text().splitlines()[1:] == [
        "e_city,east,lfp,t/yr,2023,lfp_50kt,2,100000,2", "e_far,east,cells,GWh/yr,2023,cells_10gwh,1,10,2.5",
        "e_far,east,lfp,t/yr,2023,lfp_50kt,1,50000,1", "w_mine,west,fepo4,t/yr,2023,fepo4_100kt,4,400000,2",
        "w_mine,west,lfp,t/yr,2023,lfp_50kt,2,100000,2"]


def test_load_solve_and_tables_write_nothing(scenario: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    problem = siting.load(scenario)
    solution = siting.solve(problem)
    assert_hand_plan(solution)
    assert list(solution.timings) == ["load", "preprocess", "build", "bound", "solve"]
    assert repr(problem) == "Problem('small': 4 sites in 2 clusters, 3 products, years [2023, 2024])"
    assert repr(solution) == ("Solution('small': optimal within the gap, gap 0.00% (tolerance 0.00%), "
                              "objective -22.72 bn yuan, sites built on: 3)")
    assert len(solution.layers["sites"]) == 4
    siting.rule_costs(solution)
    assert tree(tmp_path) == before  # a sweep without a folder writes nothing either: test_sweep_in_memory_...


def test_write_gives_the_files_of_the_command_line_byte_for_byte(small_run: MadeRun, scenario: Path, tmp_path: Path):
    """Byte-identical but for the wall-clock timings under `run` in manifest.json; the layers are
    the GeoDataFrames the GeoJSON files hold, in WGS84. The command line's folder is conftest's
    `small_run` (`siting solve scenario.yaml --out out`, another copy of the same inputs)."""
    solution = siting.solve(scenario)
    assert solution.write(tmp_path / "api") == (tmp_path / "api").resolve()
    cli, api = tree(small_run.out), tree(tmp_path / "api")
    assert sorted(api) == OUTPUT_FILES
    assert sorted(cli) == sorted(api)
    for name in api:
        if name == "manifest.json":
            first, second = json.loads(cli[name]), json.loads(api[name])
            assert set(first.pop("run")["timings_s"]) == set(second.pop("run")["timings_s"])
            assert first == second
        else:
            assert cli[name] == api[name], name
    assert set(solution.layers) == {name.removesuffix(".geojson") for name in api if name.endswith(".geojson")}
    for name, frame in solution.layers.items():
        assert isinstance(frame, gpd.GeoDataFrame), name
        assert frame.crs == "EPSG:4326", name
        written = json.loads(api[f"{name}.geojson"])
        assert [f["id"] for f in written["features"]] == list(frame["id"]), name
        if written["features"]:
            assert list(written["features"][0]["properties"]) == [c for c in frame.columns if c != "geometry"], name


def test_write_with_rule_costs_and_to_the_scenario_folder(scenario: Path):
    """No folder given: the scenario's output.folder (`out`, beside the scenario file)."""
    solution = siting.solve(siting.load(scenario))
    costs = siting.rule_costs(solution)
    folder = solution.write(rule_costs=costs)
    assert folder == (scenario.parent / "out").resolve()
    assert sorted(p.name for p in folder.iterdir()) == sorted([*OUTPUT_FILES, "rule_costs.csv", "rule_costs.md"])
    assert pd.read_csv(folder / "rule_costs.csv")["rule"].tolist() == ["redline", "proximity", "agglomeration",
                                                                       "market"]


def test_write_refuses_a_folder_of_the_user(scenario: Path, tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "mine.txt").write_text("keep me")
    solution = siting.solve(scenario)
    with pytest.raises(InputError) as caught:
        solution.write(notes)
    assert caught.value.problems == [
        f"folder | the output folder is a folder without a .siting-run marker, holding files siting did not write: "
        f"mine.txt (got {notes}); choose another folder, or empty this one: a run replaces only an empty folder or "
        "one it wrote"]
    assert tree(notes) == {"mine.txt": b"keep me"}


def test_a_problem_solves_again_with_another_time_limit(scenario: Path):
    problem = siting.load(scenario)
    first = siting.solve(problem)
    second = siting.solve(problem, time_limit_s=30)
    assert second.problem is problem
    assert second.settings.time_limit_s == 30.0 and first.settings.time_limit_s == 60.0
    assert second.objective_yuan == first.objective_yuan
    assert second.timings["load"] == first.timings["load"] == problem.timings["load"]


@pytest.mark.parametrize("limit", [float("nan"), float("inf"), 0, -5, "60"])
def test_a_time_limit_that_is_not_positive_seconds_is_refused(scenario: Path, limit):
    problem = siting.load(scenario)
    with pytest.raises(InputError) as caught:
        siting.solve(problem, time_limit_s=limit)
    assert caught.value.problems == [
        f"time_limit_s | must be a finite number of seconds above 0 (got {limit!r}); give e.g. 60, or None for the "
        "scenario's solver.time_limit_s"]


def test_solve_refuses_what_is_neither_a_problem_nor_a_path():
    with pytest.raises(InputError) as caught:
        siting.solve(42)  # type: ignore[arg-type]
    assert caught.value.problems == [
        "problem_or_path | must be a problem from siting.load or the path of a scenario file (got 42); give the path "
        "of a scenario file, or a problem from siting.load(path)"]


def test_compare_in_memory_against_the_first_run(scenario: Path, tmp_path: Path):
    """B asks 20 GWh of cells instead of 10 (cells are strict, so B's plans are a subset of the small
    scenario's): B costs more, and its table difference is B less small."""
    b = scenario.parent / "b.yaml"
    b.write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    before = tree(tmp_path)
    batch = siting.compare([scenario, b])
    assert batch.ok and batch.folder is None
    assert [run.label for run in batch.runs] == ["small", "b"]
    table = batch.table.set_index("metric")
    assert list(batch.table.columns) == ["metric", "unit", "small", "b", "b vs small"]
    assert_hand_objective(table.loc["objective", "small"])
    assert table.loc["objective", "b vs small"] > 0.0
    assert table.loc["objective", "b vs small"] == pytest.approx(
        table.loc["objective", "b"] - table.loc["objective", "small"], rel=1e-9)
    assert table.loc["capacity east cells", "small"] == 10.0  # e_far's module, the target exactly
    assert table.loc["capacity east cells", "b"] + table.loc["capacity west cells", "b"] >= 20.0
    assert tree(tmp_path) == before


def test_sweep_in_memory_reports_a_failed_run_in_its_row(scenario: Path, tmp_path: Path, monkeypatch):
    """200 GWh of cells exceed the 70 GWh that eligible land holds (tests/test_cli.py): that run
    fails, the others are optimal; 20 GWh (strict) costs more than 10 GWh. Without a folder the
    sweep writes nothing, not even the failed run's diagnosis (as `load`, `solve` and `rule_costs`
    write nothing: test_load_solve_and_tables_write_nothing)."""
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    batch = siting.sweep(scenario, ["targets.capacity.cells.2024=10,200,20"])
    assert tree(tmp_path) == before
    assert not batch.ok
    assert [run.ok for run in batch.runs] == [True, False, True]
    assert batch.runs[1].error.split(": ", 1)[1].startswith("the plan is infeasible before solving:\n")
    first, third = batch.table["objective_yuan"][[0, 2]]
    assert_hand_objective(first)
    assert third > first


def test_sweep_with_a_folder_writes_what_the_command_line_writes(scenario: Path, tmp_path: Path):
    out = tmp_path / "sweep"
    batch = siting.sweep(scenario, {"targets.capacity.cells.2024": [10, 20]}, out, workers=1)
    assert batch.ok and batch.folder == out.resolve()
    first, second = batch.table["objective_yuan"]
    assert_hand_objective(first)
    assert second > first
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "compare.qgs", "diff.geojson", "diff.qml",
                                                     "run01", "run02", "sweep.csv", "sweep.md", "sweep.png"]
    written = pd.read_csv(out / "sweep.csv")["objective_bn_yuan"].tolist()  # bn yuan, 9 significant digits
    assert written == pytest.approx([v / 1e9 for v in batch.table["objective_yuan"]], rel=1e-8)


def test_sweep_settings_read_back_as_the_values_given():
    from siting.api import sweep_settings
    from siting.config.load import parse_override

    texts = sweep_settings({"constraints.redline.categories": [None, "lake"], "targets.strict": [True, False],
                            "constraints.redline.buffer_m": 500.5})
    assert [parse_override(text) for text in texts] == [("constraints.redline.categories", [None, "lake"]),
                                                        ("targets.strict", [True, False]),
                                                        ("constraints.redline.buffer_m", [500.5])]
    with pytest.raises(InputError) as caught:
        sweep_settings({"name": ["a,b"]})
    assert caught.value.problems == [
        "settings name | each value must be a finite number, true/false, None or a text without commas (got 'a,b')"]


def test_alternatives_in_memory_then_written_as_the_command_line_writes(small_alternatives_run: MadeRun,
                                                                       scenario: Path, tmp_path: Path):
    """`siting.alternatives` on a Solution: the optimum then two alternatives, none repeating a
    pattern of (site, product) decisions, each within 5 % of |optimum|; `write` gives the files
    `solve --alternatives 2` writes (conftest's `small_alternatives_run`, another copy of the same
    inputs), byte for byte but for the manifests' `run` timings."""
    solution = siting.solve(scenario)
    found = siting.alternatives(solution, n=2, slack=0.05)
    assert repr(found) == ("Alternatives('small': 2 of 2 within 5% of the optimum; 1 of scope sites; "
                           "1 of scope clusters)")
    assert [a.label for a in found.plans] == ["optimum", "alt01", "alt02"]
    assert (found.asked, found.ended) == (2, "")
    patterns = [frozenset(zip(a.plan.builds["site"], a.plan.builds["product"], strict=True)) for a in found.plans]
    assert len(set(patterns)) == 3
    optimum = found.plans[0].cost_yuan
    assert all(optimum <= a.cost_yuan <= optimum + 0.05 * abs(optimum) * (1 + 1e-9) for a in found.plans)
    assert found.table["plan"].tolist() == ["optimum", "alt01", "alt02"]
    assert found.table["stopped_by"].tolist() == ["gap reached"] * 3
    assert found.robustness["plans_building"].max() <= 3
    assert not (tmp_path / "api").exists()
    assert found.write(tmp_path / "api") == (tmp_path / "api").resolve()
    written = pd.read_csv(tmp_path / "api" / "robustness.csv")  # the table gives the file's columns, unit too
    assert list(found.robustness.columns) == list(written.columns)
    assert found.robustness["unit"].tolist() == written["unit"].tolist()
    cli, api = tree(small_alternatives_run.out), tree(tmp_path / "api")
    assert sorted(cli) == sorted(api)
    for name in api:
        if name.endswith("manifest.json"):
            first, second = json.loads(cli[name]), json.loads(api[name])
            first.pop("run")
            second.pop("run")
            assert first == second, name
        else:
            assert cli[name] == api[name], name


@pytest.mark.parametrize(("n", "slack", "said"), [
    (0, 0.05, "n | must be a whole number from 1 to 99 (got 0); give e.g. n=5"),
    (2.5, 0.05, "n | must be a whole number from 1 to 99 (got 2.5); give e.g. n=5"),
    (2, -0.1, "slack | must be a share of the optimum's cost from 0 to 1 (got -0.1); give e.g. slack=0.05 for 5 %"),
    (2, float("nan"), "slack | must be a share of the optimum's cost from 0 to 1 (got nan); give e.g. slack=0.05 "
                      "for 5 %"),
])
def test_alternatives_refuses_a_bad_count_or_slack(n, slack, said):
    with pytest.raises(InputError) as error:
        siting.alternatives(DATA / "scenario.yaml", n=n, slack=slack)
    assert error.value.problems == [said]


def test_import_siting_is_light_and_names_the_front_door():
    """`import siting` loads none of the heavy libraries; the front door comes on first use."""
    code = ("import sys, siting\n"
            "print(sorted(m for m in ('pandas', 'pyomo', 'geopandas', 'siting.api') if m in sys.modules))\n"
            "from siting import solve, compare\n"
            "import siting.api\n"
            "print(solve is siting.api.solve, compare is siting.api.compare, siting.load is siting.api.load)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\nTrue True True\n"
    assert siting.__all__ == ["Alternatives", "Batch", "InputError", "NoSolution", "OutputFolderError",
                              "PlanInfeasible", "Problem", "Solution", "__version__", "alternatives", "compare",
                              "load", "rule_costs", "run", "scenario_json_schema", "solve", "sweep"]
    for name in siting.__all__:
        assert getattr(siting, name) is not None


# --- the scenario's JSON schema ---------------------------------------------------------------

SCENARIO_FILES = [*sorted((Path(__file__).parent.parent / "scenarios").glob("yunnan_*.yaml")), DATA / "scenario.yaml"]


#: The branches of an `anyOf` beside a value's own: null (an optional value), a number written as
#: text (`QuotedNumber`, `QuotedWholeNumber`) and the 0 that switches a factor off (`const: 0`).
BESIDE_VALUE = ({"type": "null"}, {"$ref": "#/$defs/QuotedNumber"}, {"$ref": "#/$defs/QuotedWholeNumber"},
                {"const": 0})


def resolve(schema: dict, node: dict) -> dict:
    """`node` with a `$ref` followed and an `anyOf` narrowed to its value (BESIDE_VALUE aside)."""
    if "$ref" in node:
        node = {**schema["$defs"][node["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    if "anyOf" in node:
        (value,) = [option for option in node["anyOf"] if option not in BESIDE_VALUE]
        node = resolve(schema, value)
    return node


def unknown_keys(schema: dict, node: dict, data: object, where: str) -> list[str]:
    """Keys of `data` that the schema at `node` does not allow, as dotted paths."""
    node = resolve(schema, node)
    if not isinstance(data, dict):
        return []
    found = []
    for key, value in data.items():
        if "properties" in node:
            if key not in node["properties"]:
                found.append(f"{where}{key}")
                continue
            found += unknown_keys(schema, node["properties"][key], value, f"{where}{key}.")
        elif isinstance(node.get("additionalProperties"), dict):
            found += unknown_keys(schema, node["additionalProperties"], value, f"{where}{key}.")
    return found


def keys_of(node: object) -> set[str]:
    """Every mapping key anywhere in a JSON document."""
    if isinstance(node, dict):
        return set(node).union(*(keys_of(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(keys_of(v) for v in node))
    return set()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_key_of_the_shipped_scenarios_is_in_the_schema(path: Path):
    import yaml

    schema = siting.scenario_json_schema()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert unknown_keys(schema, schema, data, "") == []
    required = [] if "extends" in data else schema["required"]
    assert [key for key in required if key not in data] == []


def test_the_schema_refuses_unknown_keys_and_the_partial_one_requires_nothing():
    schema = siting.scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Scenario"
    assert schema["required"] == ["name", "years", "catalog", "price_path", "layers", "network", "output"]
    assert schema["additionalProperties"] is False
    assert unknown_keys(schema, schema, {"constraints": {"redline": {"bufer_m": 5}}}, "") == [
        "constraints.redline.bufer_m"]
    partial = siting.scenario_json_schema(partial=True)
    assert "required" in keys_of(schema) and "required" not in keys_of(partial)
    assert partial["$defs"].keys() == schema["$defs"].keys()


def test_schema_file_is_written_whole_and_replaces_only_its_own_kind(tmp_path: Path):
    from siting.api import scenario_schema_text, write_scenario_schema

    target = tmp_path / "schemas" / "scenario.schema.json"
    assert write_scenario_schema(target) == target.resolve()
    assert target.read_text(encoding="utf-8") == scenario_schema_text()
    written = json.loads(target.read_text(encoding="utf-8"))
    comment, digest = written["$comment"].split("; SHA-256 of this file with these 64 digits as zeros: ")
    assert {**written, "$comment": comment} == siting.scenario_json_schema() and len(digest) == 64
    write_scenario_schema(target, partial=True)  # an earlier schema file is replaced
    assert target.read_text(encoding="utf-8") == scenario_schema_text(partial=True)
    assert [p.name for p in target.parent.iterdir()] == ["scenario.schema.json"]
    mine = tmp_path / "notes.json"
    mine.write_text('{"mine": true}\n')
    with pytest.raises(InputError) as caught:
        write_scenario_schema(mine)
    assert caught.value.problems == [
        f"--out | the file exists and was not written by `siting schema` (got {mine}); choose another file name, "
        "or move that file away first"]
    assert mine.read_text() == '{"mine": true}\n'
    with pytest.raises(InputError) as caught:
        write_scenario_schema(tmp_path)
    assert caught.value.problems == [
        f"--out | must be the path of a file (got {tmp_path}); give e.g. --out scenario.schema.json"]


#: Units a number in the scenario may carry; a description ends with one in parentheses.
UNITS = ("m", "km", "ha", "yuan", "bn yuan", "yuan/ha", "yuan/yr", "yuan per t and km", "units/yr", "share", "count",
         "s", "factor", "year", "km per km", "no unit", "%", "degrees")


def described_fields(schema: dict) -> list[tuple[str, dict]]:
    """(class.field, its schema) for every field of every model in the scenario schema."""
    fields = [(f"Scenario.{name}", node) for name, node in schema["properties"].items()]
    for model, definition in schema["$defs"].items():
        fields += [(f"{model}.{name}", node) for name, node in definition.get("properties", {}).items()]
    return fields


def holds_numbers(schema: dict, node: dict) -> bool:
    """Whether a field's values (or the values of its mappings and lists) are numbers."""
    node = resolve(schema, node)
    if node.get("type") in ("number", "integer"):
        return True
    inner = node.get("additionalProperties") if isinstance(node.get("additionalProperties"), dict) else None
    inner = inner or node.get("items")
    return isinstance(inner, dict) and holds_numbers(schema, inner)


def test_every_field_of_the_schema_has_a_description_and_every_number_its_unit():
    schema = siting.scenario_json_schema()
    fields = described_fields(schema)
    assert len(fields) > 80
    assert [name for name, node in fields if not node.get("description", "").strip()] == []
    unit = re.compile(r"\((" + "|".join(re.escape(u) for u in UNITS) + r")\)$")
    assert [name for name, node in fields if holds_numbers(schema, node) and not unit.search(node["description"])
            ] == []
