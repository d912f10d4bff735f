"""The front door's arguments (`siting.load`, `run`, `compare`, `sweep`, ...): every call takes
the same forms of overrides, checks its arguments as the command line checks its options, and
names the Python argument in its problems (`overrides ...`, `time_limit_s`, `out`), while the
command line, which makes the same calls, still names its options (`--set`, `--out`). Nothing is
solved where an argument is refused; the solves here are of the small scenario of tests/data/small
(tests/test_api.py derives its plan by hand)."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import siting
from siting import api
from siting.cli import main
from siting.config.errors import InputError
from siting.runs.job import RunResult
from siting.runs.pool import CaseSummary

BUFFER = "constraints.redline.buffer_m"
OVERRIDE_FORMS = ("overrides | must map each dotted key to its value, or list (key, value) pairs or 'KEY=VALUE' "
                  "texts (got {got}); give e.g. {{'constraints.redline.buffer_m': 2000}} or "
                  "['constraints.redline.buffer_m=2000']")
UNKNOWN = "unknown setting 'constraints.redline.bufer_m'; did you mean 'buffer_m'?"


def problems(call, *args, **kwargs) -> list[str]:
    """The problems of the InputError `call(*args, **kwargs)` raises."""
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


@pytest.fixture(scope="module")
def solution() -> siting.Solution:
    return siting.solve(Path(__file__).parent / "data" / "small" / "scenario.yaml")


# --- 1. overrides: one set of forms everywhere ------------------------------------------------


@pytest.mark.parametrize("overrides", [
    {BUFFER: 2000}, [(BUFFER, 2000)], [[BUFFER, 2000]], [f"{BUFFER}=2000"],
    (("constraints.redline.enabled", True), f"{BUFFER}=2000")])
def test_load_takes_every_form_of_overrides(folder: Path, overrides):
    """Every form sets the key, a pair and a text together too (a key given twice is refused:
    tests/test_inputs_review18.py)."""
    problem = siting.load(folder / "scenario.yaml", overrides=overrides)
    assert problem.scenario.constraints.redline.buffer_m == 2000.0
    assert problem.redline.buffer_m == 2000.0


def test_overrides_none_and_a_text_value_read_as_yaml(folder: Path):
    assert siting.load(folder / "scenario.yaml", overrides=None).scenario.constraints.redline.buffer_m == 1000.0
    problem = siting.load(folder / "scenario.yaml", overrides=["targets.strict=false", ("name", "b")])
    assert (problem.scenario.targets.strict, problem.name) == (False, "b")


@pytest.mark.parametrize(("overrides", "got"), [
    (f"{BUFFER}=2000", f"'{BUFFER}=2000'"), (5, "5"), (b"x=1", "b'x=1'")])
@pytest.mark.parametrize("call", ["load", "run", "compare"])
def test_overrides_of_another_form_are_refused_naming_the_forms(folder: Path, call, overrides, got):
    scenario = folder / "scenario.yaml"
    calls = {"load": lambda: siting.load(scenario, overrides=overrides),
             "run": lambda: siting.run(scenario, folder / "out", overrides=overrides),
             "compare": lambda: siting.compare([scenario, scenario], overrides=overrides)}
    assert problems(calls[call]) == [OVERRIDE_FORMS.format(got=got)]
    assert not (folder / "out").exists()


@pytest.mark.parametrize(("overrides", "said"), [
    ([(BUFFER,)], "overrides[0] | must be a (key, value) pair or a 'KEY=VALUE' text (got "
                  "('constraints.redline.buffer_m',)); give e.g. ('constraints.redline.buffer_m', 2000)"),
    ([f"{BUFFER}=2000", 7], "overrides[1] | must be a (key, value) pair or a 'KEY=VALUE' text (got 7); give e.g. "
                            "('constraints.redline.buffer_m', 2000)"),
    ({5: 1}, "overrides | each key must be a dotted setting such as 'constraints.redline.buffer_m' (got 5)"),
    ([f"{BUFFER}=0,500"], "overrides constraints.redline.buffer_m=0,500 | takes one value (got 2); to run several "
                          "values, use siting.sweep(path, ['constraints.redline.buffer_m=0,500'])"),
    (["buffer"], "overrides buffer | expected a 'KEY=VALUE' text, e.g. 'constraints.redline.buffer_m=2000', or a "
                 "mapping {key: value}, e.g. {'constraints.redline.buffer_m': 2000}"),
])
def test_a_bad_override_is_refused_naming_it(folder: Path, overrides, said):
    assert problems(siting.load, folder / "scenario.yaml", overrides=overrides) == [said]


# --- 5. problems name the Python argument, the command line its option -------------------------


def test_an_unknown_override_is_named_as_the_argument_in_every_call(folder: Path):
    scenario = folder / "scenario.yaml"
    typo = {"constraints.redline.bufer_m": 2000}
    expected = [f"{scenario}: overrides constraints.redline.bufer_m | {UNKNOWN}"]
    assert problems(siting.load, scenario, overrides=typo) == expected
    assert problems(siting.run, scenario, folder / "out", overrides=typo) == expected
    assert problems(siting.compare, [scenario, scenario], overrides=typo) == expected
    assert problems(siting.compare, [scenario, scenario], folder / "cmp", overrides=typo) == expected
    assert problems(siting.sweep, scenario, {"constraints.redline.bufer_m": [0, 500]}) == [
        f"{scenario}: settings constraints.redline.bufer_m | {UNKNOWN}"]
    assert problems(siting.sweep, scenario, ["constraints.redline.bufer_m=0,500"], folder / "sw") == [
        f"{scenario}: settings constraints.redline.bufer_m | {UNKNOWN}"]
    assert problems(siting.sweep, scenario, ["bufer"]) == [
        "settings bufer | expected a mapping {key: [values]}, e.g. {'constraints.redline.buffer_m': [0, 500]}, or a "
        "'KEY=V1,V2' text such as 'constraints.redline.buffer_m=0,500'"]
    assert sorted(p.name for p in folder.iterdir()) == ["catalog.yaml", "clusters.geojson", "committed_projects.yaml",
                                                        "redline.geojson", "scenario.yaml", "sites.geojson",
                                                        "sources.geojson"]


def test_an_override_out_of_range_is_named_as_the_argument(folder: Path):
    said = problems(siting.load, folder / "scenario.yaml", overrides={BUFFER: -5})
    assert said == [f"{folder / 'scenario.yaml'}: overrides constraints.redline.buffer_m | must be greater than or "
                    "equal to 0 (got -5); give a value in that range, in m"]


def test_run_compare_and_sweep_name_their_output_folder_out(folder: Path):
    notes = folder / "notes"
    notes.mkdir()
    (notes / "mine.txt").write_text("keep me")
    said = [f"out | the output folder is a folder without a .siting-run marker, holding files siting did not "
            f"write: mine.txt (got {notes}); choose another folder, or empty this one: a run replaces only an empty "
            "folder or one it wrote"]
    scenario = folder / "scenario.yaml"
    assert problems(siting.run, scenario, notes) == said
    assert problems(siting.compare, [scenario, scenario], notes) == said
    assert problems(siting.sweep, scenario, {BUFFER: [0, 500]}, notes) == said
    assert problems(siting.compare, [scenario, scenario], variants=["strict"]) == [
        "variants strict | no scenario file of the comparison defines a variant named 'strict' (defined: none); "
        "none of them has variants: drop variants, or add 'strict' to a file's variants"]
    assert problems(siting.run, folder / "scenario.yaml", "") == [
        "out | must name a folder, or be None (got ''); give e.g. out='outputs/run1'"]


def test_under_command_line_names_the_same_calls_name_the_options(folder: Path):
    scenario = folder / "scenario.yaml"
    with api.command_line_names():
        assert problems(siting.run, scenario, folder / "out", overrides=[("constraints.redline.bufer_m", 1)]) == [
            f"{scenario}: --set constraints.redline.bufer_m | {UNKNOWN}"]
        assert problems(siting.sweep, scenario, ["constraints.redline.bufer_m=0,500"], folder / "sw") == [
            f"{scenario}: --set constraints.redline.bufer_m | {UNKNOWN}"]
    assert problems(siting.load, scenario, overrides=[("constraints.redline.bufer_m", 1)]) == [
        f"{scenario}: overrides constraints.redline.bufer_m | {UNKNOWN}"]


@pytest.mark.parametrize(("argv", "said"), [
    (["solve", "{s}", "--out", "{f}/out", "--set", "constraints.redline.bufer_m=1"],
     "error: 1 problem in the input:\n  - {s}: --set constraints.redline.bufer_m | " + UNKNOWN + "\n"),
    (["compare", "{s}", "{s}", "--out", "{f}/cmp", "--set", "constraints.redline.bufer_m=1"],
     "error: 1 problem in the input:\n  - {s}: --set constraints.redline.bufer_m | " + UNKNOWN + "\n"),
    (["sweep", "{s}", "--out", "{f}/sw", "--set", "constraints.redline.bufer_m=1,2"],
     "error: 1 problem in the input:\n  - {s}: --set constraints.redline.bufer_m | " + UNKNOWN + "\n"),
    (["solve", "{s}", "--out", "{f}", "--quiet"],
     "error: 1 problem with the output folder:\n  - --out | the output folder holds {f}/catalog.yaml, an input "
     "of this run (got {f}); choose a folder outside the folders that hold the scenario, its bases, the "
     "catalog and the layers\n"),
])
def test_the_command_line_still_names_its_options(folder: Path, capsys, argv, said):
    values = {"s": str(folder / "scenario.yaml"), "f": str(folder)}
    assert main([a.format(**values) for a in argv]) == 2
    assert capsys.readouterr().err == said.replace("{f}", values["f"]).replace("{s}", values["s"])


# --- 2. run checks its arguments as solve does ------------------------------------------------


@pytest.mark.parametrize("limit", ["60", 0, -5, float("nan"), True])
def test_run_refuses_a_time_limit_as_solve_does(folder: Path, limit):
    said = problems(siting.run, folder / "scenario.yaml", folder / "out", time_limit_s=limit)
    assert said == problems(siting.solve, folder / "scenario.yaml", time_limit_s=limit) == [
        f"time_limit_s | must be a finite number of seconds above 0 (got {limit!r}); give e.g. 60, or None for the "
        "scenario's solver.time_limit_s"]
    assert not (folder / "out").exists()


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"alternatives": -1}, "alternatives | must be a whole number from 0 to 99 (got -1); give e.g. alternatives=5, "
                           "or 0 for none"),
    ({"alternatives": 1.5}, "alternatives | must be a whole number from 0 to 99 (got 1.5); give e.g. "
                            "alternatives=5, or 0 for none"),
    ({"alternatives": 100}, "alternatives | must be a whole number from 0 to 99 (got 100); give e.g. "
                            "alternatives=5, or 0 for none"),
    ({"alternatives": 2, "slack": -0.1}, "slack | must be a share of the optimum's cost from 0 to 1 (got -0.1); "
                                         "give e.g. slack=0.05 for 5 %"),
    ({"alternatives": 2, "slack": 2}, "slack | must be a share of the optimum's cost from 0 to 1, not a percent "
                                      "(got 2, which is 200%); give slack=0.02 for 2 %"),
    ({"variant": 3}, "variant | must be the name of one of the file's variants, or None for the base scenario "
                     "(got 3)"),
    ({"out": 5}, "out | must name a folder, or be None (got 5); give e.g. out='outputs/run1'"),
])
def test_run_refuses_bad_arguments_naming_them(folder: Path, kwargs, said):
    kwargs = {"out": folder / "out", **kwargs}
    assert problems(siting.run, folder / "scenario.yaml", **kwargs) == [said]
    assert not (folder / "out").exists()


@pytest.mark.parametrize(("n", "slack", "said"), [
    (0, 0.05, "n | must be a whole number from 1 to 99 (got 0); give e.g. n=5"),
    (True, 0.05, "n | must be a whole number from 1 to 99 (got True); give e.g. n=5"),
    (100, 0.05, "n | must be a whole number from 1 to 99 (got 100); give e.g. n=5"),
    (2, 1.5, "slack | must be a share of the optimum's cost from 0 to 1, not a percent (got 1.5, which is 150%); "
             "give slack=0.015 for 1.5 %"),
    (2, 500, "slack | must be a share of the optimum's cost from 0 to 1, not a percent (got 500, which is 50000%); "
             "give e.g. slack=0.05 for 5 %"),
])
def test_alternatives_refuses_what_the_command_line_refuses(solution: siting.Solution, n, slack, said):
    assert problems(siting.alternatives, solution, n=n, slack=slack) == [said]


def test_run_result_gives_the_objective_and_documents_its_fields(folder: Path):
    result = siting.run(folder / "scenario.yaml", folder / "out", time_limit_s=30)
    assert isinstance(result, RunResult)
    assert result.out_dir == (folder / "out").resolve()
    assert result.objective_yuan == result.report.objective_yuan
    assert -2.28e10 < result.objective_yuan < -2.27e10  # the hand plan of tests/test_api.py: -22.72 bn yuan
    doc = inspect.getdoc(RunResult)
    for name in [f.name for f in RunResult.__dataclass_fields__.values()]:
        assert f"    {name}: " in doc, name
    for name in ["prepared", "report", "plan", "out_dir", "timings", "model_size", "rule_costs", "objective_yuan"]:
        assert f"`{name}`" in inspect.getdoc(siting.run), name


# --- 3. a path alone where a list is expected -------------------------------------------------


def test_compare_refuses_a_path_alone(folder: Path):
    scenario = folder / "scenario.yaml"
    expected = [f"paths | must be a list of scenario files, the first the baseline (got '{scenario}'); give e.g. "
                "['a.yaml', 'b.yaml'], or ['a.yaml'] for the variants of that one file"]
    assert problems(siting.compare, str(scenario)) == expected
    assert problems(siting.compare, scenario) == expected
    assert problems(siting.compare, [scenario, 5]) == [
        "paths[1] | must be the path of a scenario file (got 5); give e.g. 'scenarios/yunnan_2024.yaml'"]
    assert problems(siting.compare, [scenario, scenario], variants="strict") == [
        "variants | must be a list of variant names, or None for every variant (got 'strict'); give e.g. ['strict']"]
    assert problems(siting.compare, [scenario], variants=[None]) == [
        "variants[0] | must be the name of a variant (got None)"]


@pytest.mark.parametrize(("settings", "said"), [
    (f"{BUFFER}=0,500", "settings | must map each dotted key to its values, or list (key, values) pairs or "
                        "'KEY=V1,V2' texts (got 'constraints.redline.buffer_m=0,500'); give e.g. "
                        "{'constraints.redline.buffer_m': [0, 500]} or ['constraints.redline.buffer_m=0,500']"),
    ({}, "settings | give at least one dotted key and its values (got {}); give e.g. "
         "{'constraints.redline.buffer_m': [0, 500]} or ['constraints.redline.buffer_m=0,500']"),
    ([(BUFFER,)], "settings[0] | must be a (key, values) pair or a 'KEY=V1,V2' text (got "
                  "('constraints.redline.buffer_m',)); give e.g. ('constraints.redline.buffer_m', [0, 500])"),
    ({BUFFER: [0, float("inf")]}, "settings constraints.redline.buffer_m | each value must be a finite number, "
                                  "true/false, None or a text without commas (got inf)"),
    ({BUFFER: []}, "settings constraints.redline.buffer_m | give at least one value (got []); give e.g. [0, 500]"),
    ({"a=b": [1]}, "settings | each key must be a dotted setting such as 'constraints.redline.buffer_m' "
                   "(got 'a=b')"),
])
def test_sweep_refuses_settings_of_another_form(folder: Path, settings, said):
    assert problems(siting.sweep, folder / "scenario.yaml", settings) == [said]


def test_sweep_settings_take_pairs_as_a_mapping():
    import numpy as np

    assert api.sweep_settings([(BUFFER, [0, np.int64(500)]), ("targets.strict", True)]) == api.sweep_settings(
        {BUFFER: [0, 500], "targets.strict": [True]}) == [f"{BUFFER}=0,500", "targets.strict=true"]


# --- 4. arguments that do not apply are refused, not ignored -----------------------------------


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"workers": 0}, "workers | must be a whole number of at least 1 (got 0); give e.g. workers=2, or None for one "
                     "per core"),
    ({"scheduler": 8786, "out": "cmp"}, "scheduler | must be 'local' or the address of a Dask scheduler such as "
                                        "'tcp://host:8786', or None (got 8786)"),
])
def test_compare_refuses_arguments_it_would_ignore(folder: Path, kwargs, said):
    scenario = folder / "scenario.yaml"
    assert problems(siting.compare, [scenario, scenario], **kwargs) == [said]


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"workers": 0}, "workers | must be a whole number of at least 1 (got 0); give e.g. workers=2, or None for one "
                     "per core"),
    ({"workers": 1.5}, "workers | must be a whole number of at least 1 (got 1.5); give e.g. workers=2, or None for "
                       "one per core"),
])
def test_sweep_refuses_arguments_it_would_ignore(folder: Path, kwargs, said):
    assert problems(siting.sweep, folder / "scenario.yaml", {BUFFER: [0, 500]}, **kwargs) == [said]


def test_a_scheduler_without_dask_is_refused_before_any_run(folder: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if the dask extra were not installed
    scenario = folder / "scenario.yaml"
    said = "scheduler | Dask is not installed; install the extra: pip install -e '.[dask]'"
    assert problems(siting.compare, [scenario, scenario], tmp_path / "cmp", scheduler="local") == [said]
    assert problems(siting.sweep, scenario, {BUFFER: [0, 500]}, tmp_path / "sw", scheduler="local") == [said]
    code = main(["sweep", str(scenario), "--set", f"{BUFFER}=0,500", "--out", str(tmp_path / "sw"),
                 "--scheduler", "local"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - --scheduler | Dask is not installed; install the extra: "
        "pip install -e '.[dask]'\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


# --- 6. docstrings, dir(siting), Batch ---------------------------------------------------------


def documented(method, columns) -> list[str]:
    """The columns the docstring of `method` does not name."""
    doc = inspect.getdoc(method)
    return [c for c in columns if not re.search(rf"\b{re.escape(c)}\b", doc)]


def test_every_column_and_layer_is_in_its_docstring(solution: siting.Solution):
    for name in ["plan", "capacity", "targets", "flows", "output_value"]:
        columns = list(getattr(solution, name).columns)
        assert documented(getattr(siting.Solution, name).fget, columns) == [], name
    assert list(solution.capacity.columns)[-3:] == ["online", "available", "production"]
    layers_doc = siting.Solution.layers.fget
    assert documented(layers_doc, solution.layers) == []
    assert documented(layers_doc, ["site_areas", "hubs", "product_flows", "candidate_cells", "context"]) == []
    costs = siting.rule_costs(solution)
    assert documented(siting.rule_costs, costs.columns) == []
    assert "gap (the relaxed solve's relative gap |objective - bound| / |objective|, a share" in " ".join(
        inspect.getdoc(siting.rule_costs).split())


def test_the_objective_is_the_sum_of_the_costs_to_their_rounding(solution: siting.Solution):
    """Each component is rounded to 9 significant digits: half a unit of the 9th digit each."""
    costs = solution.costs
    assert all(value == float(f"{value:.9g}") for value in costs.values())
    bound = sum(0.5 * 10.0 ** (int(f"{abs(v):e}".split("e")[1]) - 8) for v in costs.values() if v)
    assert abs(solution.objective_yuan - sum(costs.values())) <= bound
    assert "9 significant digits" in inspect.getdoc(siting.Solution.objective_yuan.fget)


def test_sweep_docstring_names_its_columns(folder: Path):
    """A sweep of one value: its table has the columns of any sweep over that setting (what is
    checked here does not depend on how many runs it holds)."""
    table = siting.sweep(folder / "scenario.yaml", {"targets.capacity.cells.2024": [10]}, workers=1).table
    assert list(table.columns) == ["run", "targets.capacity.cells.2024", "status", "objective_yuan", "gap", "gap_yuan",
                                   "vs_first", "vs_first_low_yuan", "vs_first_high_yuan", "started_from",
                                   "sites_built_on", "pairs_kept_out_redline",
                                   "pairs_kept_out_proximity", "land_free_ha", "capacity_cathode_t_per_yr",
                                   "capacity_cells_GWh_per_yr"]
    assert documented(siting.sweep, [c for c in table.columns if c != "targets.capacity.cells.2024"]) == []


def test_dir_names_the_front_door_without_importing_it():
    code = ("import sys, siting\n"
            "names = dir(siting)\n"
            "print(all(n in names for n in siting.__all__), sorted(m for m in ('pandas', 'pyomo', 'siting.api') "
            "if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "True []\n"


def test_batch_has_a_short_repr_and_compares_by_identity(tmp_path: Path):
    table = pd.DataFrame({"run": [f"run{i:02d}" for i in range(1, 41)], "objective_yuan": [1.0e9] * 40})
    runs = tuple(CaseSummary(label=f"run{i:02d}", ok=i != 3) for i in range(1, 41))
    batch = api.Batch(table, runs, None)
    assert repr(batch) == "Batch(40 runs: 39 with a plan, 1 without; in memory)"
    assert repr(api.Batch(table.head(1), runs[:1], tmp_path)) == f"Batch(1 run: 1 with a plan; folder '{tmp_path}')"
    assert batch != api.Batch(table, runs, None) and batch == batch
