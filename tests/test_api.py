"""The Python front door (`siting.load`, `siting.solve`, ...) on the small scenario of tests/data/small.

Hand optimum (derived in tests/test_cli.py): cathode needs 100,000 t beyond the 20,000 t existing
= 2 LFP modules of 50 kt (10亿 each); cells need one 10 GWh module (25亿); the 40 ha fit only on
w_mine (100 ha), so one site opens (1亿, charged in the first year). The 45亿 are built in 2024 and
discounted once at 10 %: 45亿 / 1.1 + 1亿 = 4,190,909,090.9 yuan.
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
from siting.cli import main
from siting.config.errors import InputError

DATA = Path(__file__).parent / "data" / "small"
README = Path(__file__).parent.parent / "README.md"
OPTIMUM = 4.5e9 / 1.1 + 1.0e8
CELLS_MODULE = 2.5e9 / 1.1
PLAN_ROWS = [
    ["w_mine", "west", "cells", 2024, "cells_10gwh", 1, 10.0, 2.5e9],
    ["w_mine", "west", "lfp", 2024, "lfp_50kt", 2, 100000.0, 2.0e9],
]
SITE_STATUS = {"w_mine": "built", "w_lake": "excluded_redline", "e_city": "eligible_unused",
               "e_far": "eligible_unused"}
OUTPUT_FILES = [
    ".siting-run", "capacity.csv", "clusters.geojson", "clusters.qml", "flows.geojson", "flows.qml", "manifest.json",
    "map.png", "plan.csv", "plan.gpkg", "plan.qgs", "redline.geojson", "redline.qml", "redline_zones.geojson",
    "redline_zones.qml", "report.html", "report.md", "sites.geojson", "sites.qml", "sources.geojson", "sources.qml",
    "targets.csv"]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    shutil.copytree(DATA, folder)
    return folder / "scenario.yaml"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def readme_python_example() -> str:
    """The first ```python block of the README's "Python" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the README's Python section has no python code block"
    return match.group(1)


def assert_hand_plan(solution: siting.Solution) -> None:
    assert solution.status == "optimal"
    assert solution.objective_yuan == pytest.approx(OPTIMUM, rel=1e-9)
    assert solution.best_bound_yuan == pytest.approx(OPTIMUM, rel=1e-9)
    assert solution.gap == pytest.approx(0.0, abs=1e-9)
    assert solution.costs["capex"] == pytest.approx(4.5e9 / 1.1, rel=1e-9)
    assert solution.costs["site_fixed"] == 1.0e8
    assert sum(solution.costs.values()) == pytest.approx(solution.objective_yuan, rel=1e-9)
    assert list(solution.plan.columns) == ["site", "cluster", "product", "year", "module", "modules",
                                           "capacity_added", "capex_yuan"]
    assert solution.plan.values.tolist() == PLAN_ROWS
    targets = solution.targets.set_index(["target", "year"])
    assert targets.loc[("cathode", 2024), "achieved"] == 120000.0
    assert targets.loc[("cells", 2024), "achieved"] == 10.0
    assert list(targets["shortfall"]) == [0.0, 0.0]
    mine = solution.capacity.set_index(["site", "product", "year"]).loc[("w_mine", "lfp", 2024)]
    assert (mine["existing"], mine["added_cumulative"], mine["capacity"]) == (0.0, 100000.0, 100000.0)
    assert solution.opened_sites == ("w_mine",)
    assert {"load", "preprocess", "build", "solve"} <= set(solution.timings)


def test_readme_python_example_runs_and_gives_the_hand_plan(scenario: Path, tmp_path: Path, monkeypatch, capsys):
    """The README's example, with the shipped scenario replaced by the small one. Rule costs (see
    tests/test_comparison.py): relaxing agglomeration drops the 1亿 site cost; the red line and
    proximity cost nothing here (the lakeside site they exclude is no cheaper). The red-line buffer
    sweep leaves the plan as it is: 0, 1000 and 2000 m all give the hand optimum."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    code = readme_python_example()
    assert code.count('"scenarios/yunnan_2024.yaml"') == 2
    code = code.replace('"scenarios/yunnan_2024.yaml"', repr(str(scenario)))
    namespace: dict = {}
    exec(compile(code, "README.md (Python)", "exec"), namespace)
    assert capsys.readouterr().out == "optimal 4.19 bn yuan, gap 0.00%\n"
    assert_hand_plan(namespace["solution"])
    assert list(namespace["solution"].timings) == ["load", "preprocess", "build", "solve", "rule_costs", "export"]
    sites = namespace["sites"]
    assert isinstance(sites, gpd.GeoDataFrame)
    assert sites.crs == "EPSG:4326"
    assert dict(zip(sites["id"], sites["status"], strict=True)) == SITE_STATUS
    mine = sites.set_index("id").loc["w_mine"]
    assert (mine.geometry.x, mine.geometry.y) == (102.1, 24.6)
    assert (mine["added_lfp_2024"], mine["added_cells_2024"], mine["capex_yuan"]) == (100000.0, 10.0, 4.5e9)
    costs = namespace["costs"].set_index("rule")
    assert list(costs.index) == ["redline", "proximity", "agglomeration"]
    assert costs.loc["agglomeration", "rule_cost_yuan"] == pytest.approx(1.0e8, rel=1e-6)
    assert list(costs.loc[["redline", "proximity"], "rule_cost_yuan"]) == [0.0, 0.0]
    table = namespace["buffers"].table
    assert list(table["constraints.redline.buffer_m"]) == [0, 1000, 2000]
    assert list(table["status"]) == ["optimal"] * 3
    assert list(table["objective_yuan"]) == pytest.approx([OPTIMUM] * 3, rel=1e-9)
    written = tmp_path / "outputs" / "yunnan_2024_notebook"
    assert sorted(p.name for p in written.iterdir()) == OUTPUT_FILES
    assert (written / "plan.csv").read_text().splitlines()[1:] == [
        "w_mine,west,cells,GWh/yr,2024,cells_10gwh,1,10,2.5", "w_mine,west,lfp,t/yr,2024,lfp_50kt,2,100000,2"]


def test_load_solve_and_tables_write_nothing(scenario: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    problem = siting.load(scenario)
    solution = siting.solve(problem)
    assert_hand_plan(solution)
    assert list(solution.timings) == ["load", "preprocess", "build", "solve"]
    assert repr(problem) == "Problem('small': 4 sites in 2 clusters, 3 products, years [2023, 2024])"
    assert repr(solution) == "Solution('small': optimal, objective 4.19 bn yuan, gap 0.00%, sites opened: 1)"
    assert len(solution.layers["sites"]) == 4
    siting.rule_costs(solution)
    siting.sweep(scenario, {"targets.capacity.cells.2024": [10, 20]})
    assert tree(tmp_path) == before


def test_write_gives_the_files_of_the_command_line_byte_for_byte(scenario: Path, tmp_path: Path):
    """Byte-identical but for the wall-clock timings under `run` in manifest.json; the layers are
    the GeoDataFrames the GeoJSON files hold, in WGS84."""
    assert main(["solve", str(scenario), "--out", str(tmp_path / "cli")]) == 0
    solution = siting.solve(scenario)
    assert solution.write(tmp_path / "api") == (tmp_path / "api").resolve()
    cli, api = tree(tmp_path / "cli"), tree(tmp_path / "api")
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
    assert pd.read_csv(folder / "rule_costs.csv")["rule"].tolist() == ["redline", "proximity", "agglomeration"]


def test_write_refuses_a_folder_of_the_user(scenario: Path, tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "mine.txt").write_text("keep me")
    solution = siting.solve(scenario)
    with pytest.raises(InputError) as caught:
        solution.write(notes)
    assert caught.value.problems == [
        f"folder | the output folder is a folder with files that siting did not write (it has no .siting-run marker) "
        f"(got {notes}); choose another folder, or empty this one: a run replaces only an empty folder or one it "
        "wrote"]
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
        "problem | must be a siting.Problem or a scenario file path (got int); call siting.load(path) first"]


def test_compare_in_memory_against_the_first_run(scenario: Path, tmp_path: Path):
    """B asks 20 GWh of cells instead of 10: one more cells module at w_mine, 25亿/1.1 more."""
    b = scenario.parent / "b.yaml"
    b.write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    before = tree(tmp_path)
    batch = siting.compare([scenario, b])
    assert batch.ok and batch.folder is None
    assert [run.label for run in batch.runs] == ["small", "b"]
    table = batch.table.set_index("metric")
    assert list(batch.table.columns) == ["metric", "unit", "small", "b", "b vs small"]
    assert table.loc["objective", "small"] == pytest.approx(OPTIMUM, rel=1e-9)
    assert table.loc["objective", "b vs small"] == pytest.approx(CELLS_MODULE, rel=1e-6)
    assert table.loc["capacity west cells", "b vs small"] == 10.0
    assert tree(tmp_path) == before


def test_sweep_in_memory_reports_a_failed_run_in_its_row(scenario: Path):
    """200 GWh of cells exceed the 70 GWh that eligible land holds (tests/test_cli.py): that run
    fails, the others give the hand optimum plus one cells module per 10 GWh."""
    batch = siting.sweep(scenario, ["targets.capacity.cells.2024=10,200,20"])
    assert not batch.ok
    assert [run.ok for run in batch.runs] == [True, False, True]
    assert batch.runs[1].error.split(": ", 1)[1].startswith("the plan is infeasible before solving:\n")
    assert list(batch.table["objective_yuan"][[0, 2]]) == pytest.approx([OPTIMUM, OPTIMUM + CELLS_MODULE], rel=1e-9)


def test_sweep_with_a_folder_writes_what_the_command_line_writes(scenario: Path, tmp_path: Path):
    out = tmp_path / "sweep"
    batch = siting.sweep(scenario, {"targets.capacity.cells.2024": [10, 20]}, out, workers=1)
    assert batch.ok and batch.folder == out.resolve()
    assert list(batch.table["objective_yuan"]) == pytest.approx([OPTIMUM, OPTIMUM + CELLS_MODULE], rel=1e-9)
    assert sorted(p.name for p in out.iterdir()) == [".siting-run", "run01", "run02", "sweep.csv", "sweep.md",
                                                     "sweep.png"]
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
        "settings.name | each value must be a number, true/false, None or a text without commas (got 'a,b')"]


def test_import_siting_is_light_and_names_the_front_door():
    """`import siting` loads none of the heavy libraries; the front door comes on first use."""
    code = ("import sys, siting\n"
            "print(sorted(m for m in ('pandas', 'pyomo', 'geopandas', 'siting.api') if m in sys.modules))\n"
            "from siting import solve, compare\n"
            "import siting.api\n"
            "print(solve is siting.api.solve, compare is siting.api.compare, siting.load is siting.api.load)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\nTrue True True\n"
    assert siting.__all__ == ["Batch", "Problem", "Solution", "__version__", "compare", "load", "rule_costs", "run",
                              "scenario_json_schema", "solve", "sweep"]
    for name in siting.__all__:
        assert getattr(siting, name) is not None


# --- the scenario's JSON schema ---------------------------------------------------------------

SCENARIO_FILES = [*sorted((Path(__file__).parent.parent / "scenarios").glob("yunnan_*.yaml")), DATA / "scenario.yaml"]


def resolve(schema: dict, node: dict) -> dict:
    """`node` with a `$ref` followed and an optional (`anyOf` with null) narrowed to its value."""
    if "$ref" in node:
        node = {**schema["$defs"][node["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    if "anyOf" in node:
        (value,) = [option for option in node["anyOf"] if option.get("type") != "null"]
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
    assert schema["required"] == ["name", "years", "catalog", "price_level", "layers", "output"]
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
    assert json.loads(target.read_text(encoding="utf-8")) == siting.scenario_json_schema()
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
UNITS = ("m", "km", "ha", "yuan", "yuan/yr", "yuan per t and km", "units/yr", "share", "count", "s", "factor",
         "year", "km per km", "no unit", "%")


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
