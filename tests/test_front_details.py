"""Details of the front doors and their tables:

- a relative path given as an override (`--set`, Python's `overrides`, a sweep's values) starts at
  the current folder, as the scenario's own path and `--out` do; one written in a scenario file
  still starts at that file's folder; messages give it as typed and say where it starts; the
  cases sent to workers name such paths absolutely (siting/config/load.py `from_current_folder`,
  siting/runs/batch.py);
- the advice of a run without a plan names the time limit as the front door in use writes it,
  also far past the limit and on a Dask worker (siting/optimize/results.py, siting/runs/pool.py
  `_named`);
- "did you mean" never offers `zone_b` for `zone_a`, nor `fepo4` for `LiFePO4`
  (siting/config/words.py);
- `Solution.plan` has plan.csv's `unit` column; the report counts a standing site excluded for
  every product; one `proven_low` serves rule costs and comparisons.

The layout every test copies: `base/small/` (tests/data/small) and `base/other/` beside it,
holding a second copy of the sites layer, with the current folder at `base`.
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from siting.config.load import absolute_paths, from_current_folder, load_scenario, overrides_named, shown_path
from siting.config.words import close_match, marked_alike, prefixed
from siting.deliver.report import markdown, site_blocks
from siting.optimize.results import no_plan_message, time_limit_named
from siting.optimize.solve import SolveReport, SolverSettings
from siting.optimize.tolerance import proven_low
from siting.prepare.problem import load_checked
from siting.runs.batch import comparison_cases, sweep_cases
from siting.runs.pool import Case, CaseSummary, run_cases
from tests.conftest import SMALL, edit


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`small/` and `other/sites2.geojson` (the small sites layer) in a folder that is the current
    one."""
    shutil.copytree(SMALL, tmp_path / "small")
    (tmp_path / "other").mkdir()
    shutil.copy(SMALL / "sites.geojson", tmp_path / "other" / "sites2.geojson")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(InputError) as raised:
        call(*args, **kwargs)
    return raised.value.problems


# --- 1. a path given as an override starts at the current folder ----------------------------------


def test_show_gives_a_set_path_relative_to_the_scenario_s_folder(base: Path, capsys):
    """`other/sites2.geojson`, typed at `base`, is `../other/sites2.geojson` from `small/`. Before:
    it was taken as `small/other/sites2.geojson` and printed as typed."""
    assert main(["show", "small/scenario.yaml", "--set", "layers.sites.path=other/sites2.geojson"]) == 0
    assert "  sites:\n    path: ../other/sites2.geojson\n" in capsys.readouterr().out


def test_a_layer_given_in_overrides_is_read_from_the_current_folder(base: Path):
    """The sites layer is moved out of `small/`: the run reads the one the override names from
    `base`, a typed absolute path too."""
    (base / "small" / "sites.geojson").unlink()
    problem = siting.load("small/scenario.yaml", overrides={"layers.sites.path": "other/sites2.geojson"})
    assert problem.prepared.layers.paths["sites"] == (base / "other" / "sites2.geojson").resolve()
    assert len(problem.prepared.layers.sites) == 4
    absolute = str(base / "other" / "sites2.geojson")
    problem = siting.load("small/scenario.yaml", overrides=[f"layers.sites.path={absolute}"])
    assert problem.prepared.layers.paths["sites"] == Path(absolute)


def test_a_catalog_set_from_the_current_folder(base: Path):
    """`small/catalog.yaml` names the catalog from `base`; `catalog.yaml`, which named it from the
    scenario's folder before, now names a file that is not there."""
    loaded = load_scenario("small/scenario.yaml", overrides=(("catalog", "small/catalog.yaml"),))
    assert loaded.catalog_path == (base / "small" / "catalog.yaml").resolve()
    assert problems(load_scenario, "small/scenario.yaml", overrides=(("catalog", "catalog.yaml"),)) == [
        "small/scenario.yaml: --set catalog | no such file (got 'catalog.yaml'); give the "
        "path of the catalog file (a relative path in --set starts at the current folder)"]


def test_a_missing_path_is_named_as_typed_on_the_command_line(base: Path, capsys):
    code = main(["solve", "small/scenario.yaml", "--set", "committed_projects=other/projects.yaml", "--out", "out"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n"
        "  - small/scenario.yaml: --set committed_projects | no such file (got 'other/projects.yaml'); give"
        " the path of the committed-projects file (a relative path in --set starts at "
        "the current folder)\n")
    assert not (base / "out").exists()


def test_a_missing_path_is_named_as_given_in_python(base: Path):
    """Typed out of the current folder, it is named as typed alone (before: and by its absolute path)."""
    assert problems(siting.run, "small/scenario.yaml", "out", overrides={"catalog": "../nocat.yaml"}) == [
        "small/scenario.yaml: overrides catalog | no such file (got '../nocat.yaml'); give the path of the catalog "
        "file (a relative path in overrides starts at the current folder)"]


def test_an_empty_path_given_as_an_override_stands_for_the_current_folder(base: Path):
    assert problems(load_scenario, "small/scenario.yaml", overrides=(("output.folder", ""),)) == [
        "small/scenario.yaml: --set output.folder | must not be empty (got ''): an empty path stands for the current "
        "folder; give the path (a relative path in --set starts at the current folder)"]


def test_a_path_written_in_the_scenario_file_still_starts_at_its_folder(base: Path):
    """A variant of the file names `../other/sites2.geojson`: from `small/`, whatever the current
    folder is."""
    with (base / "small" / "scenario.yaml").open("a") as stream:
        stream.write("variants:\n  moved: {layers: {sites: {path: ../other/sites2.geojson}}}\n")
    loaded = load_scenario("small/scenario.yaml", "moved")
    assert loaded.resolve(loaded.scenario.layers.sites.path) == (base / "other" / "sites2.geojson").resolve()


def test_paths_inside_a_mapping_given_for_a_group_are_rebased_and_only_they(base: Path):
    folder = (base / "small").resolve()
    given = {"sites": {"path": "other/sites2.geojson", "id_field": "site/id"}, "redline": {"path": "/abs/r.geojson"},
             "clusters": {"path": ""}}
    assert from_current_folder("layers", given, folder) == {
        "sites": {"path": "../other/sites2.geojson", "id_field": "site/id"}, "redline": {"path": "/abs/r.geojson"},
        "clusters": {"path": ""}}
    assert given["sites"]["path"] == "other/sites2.geojson"  # the value given is left as it was
    assert from_current_folder("name", "a/b", folder) == "a/b"
    assert from_current_folder("output.folder", "runs/x", folder) == "../runs/x"
    assert absolute_paths((("layers.sites.path", "other/s.geojson"), ("constraints.redline.buffer_m", 500))) == (
        ("layers.sites.path", str(base / "other" / "s.geojson")), ("constraints.redline.buffer_m", 500))


def test_a_sweep_s_paths_start_at_the_current_folder_and_reach_its_workers_absolute(base: Path, monkeypatch):
    """Each case is checked where the paths were typed; its scenario and swept path are absolute,
    so that a worker in another folder loads the same files. The swept values stay as typed."""
    shutil.copy(SMALL / "sites.geojson", base / "other" / "sites3.geojson")
    cases, values, keys, _inputs = sweep_cases(Path("small/scenario.yaml"),
                                               ["layers.sites.path=other/sites2.geojson,other/sites3.geojson"], None)
    assert keys == ["layers.sites.path"]
    assert values == [{"layers.sites.path": "other/sites2.geojson"}, {"layers.sites.path": "other/sites3.geojson"}]
    assert [c.label for c in cases] == ["run01 path=other/sites2.geojson", "run02 path=other/sites3.geojson"]
    assert [c.scenario for c in cases] == [base / "small" / "scenario.yaml"] * 2
    assert [c.overrides for c in cases] == [(("layers.sites.path", str(base / "other" / "sites2.geojson")),),
                                            (("layers.sites.path", str(base / "other" / "sites3.geojson")),)]
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    loaded = load_checked(cases[1].scenario, None, cases[1].overrides)[0]
    assert loaded.resolve(loaded.scenario.layers.sites.path) == (base / "other" / "sites3.geojson").resolve()


def test_a_comparison_s_overrides_reach_its_workers_absolute(base: Path):
    cases, _inputs = comparison_cases([Path("small/scenario.yaml"), Path("small/scenario.yaml")], None,
                                      overrides=(("layers.sites.path", "other/sites2.geojson"),))
    assert [(c.scenario, c.overrides) for c in cases] == [
        (base / "small" / "scenario.yaml", (("layers.sites.path", str(base / "other" / "sites2.geojson")),))] * 2


# --- 2 and 3. the time limit named as the front door in use writes it ------------------------------


def no_plan_report(seconds: float) -> SolveReport:
    return SolveReport(termination="maxTimeLimit", has_solution=False, proven_optimal=False, infeasible=False,
                       objective_yuan=None, best_bound_yuan=None, gap=None, solve_time_s=seconds,
                       solver_version="1.16.0")


@pytest.mark.parametrize(("name", "said"), [(None, "--time-limit"), ("time_limit_s=", "time_limit_s=")])
def test_presolve_far_past_the_limit_names_the_time_limit_of_the_front_door(name: str | None, said: str):
    """529 s against a limit of 60 s (more than 2 x 60 + 5). Before: "or raise solver.time_limit_s"
    without the argument."""
    with contextlib.nullcontext() if name is None else time_limit_named(name):
        message = no_plan_message(no_plan_report(529.0), SolverSettings(time_limit_s=60.0))
    assert message == ("the solver stopped without a plan after 529.0 s, far past the time limit of 60 s: HiGHS's "
                       'presolve does not check the limit on large instances. Set solver.options: {presolve: "off"} '
                       f"to keep the limit, or raise solver.time_limit_s (or {said})")


def test_runs_on_dask_workers_name_the_arguments_as_their_python_caller_does(tmp_path: Path):
    """A local Dask cluster of one worker process, which does not share the caller's names as a
    forked process does. Run `slow` has a time limit of 1 microsecond, too short for any plan;
    run `typo` sets an unknown key, which only the worker finds (a batch's front door would have
    refused it first). Their summaries, made on the worker by `run_case`, name the Python
    arguments: `time_limit_s=` and `overrides`. Before: `--time-limit` and `--set`."""
    pytest.importorskip("dask.distributed")
    cases = [Case("slow", SMALL / "scenario.yaml", tmp_path / "slow", time_limit_s=1e-6),
             Case("typo", SMALL / "scenario.yaml", tmp_path / "typo", overrides=(("constraints.redline.bufer_m", 1),))]
    with time_limit_named("time_limit_s="), overrides_named("overrides"):
        slow, typo = run_cases(cases, workers=1, scheduler="local")
    assert slow.error.startswith("NoSolution: the solver found no plan within the time limit of 1e-06 s (status "
                                 "maxTimeLimit); raise solver.time_limit_s (or time_limit_s=).")
    assert "--time-limit" not in slow.error
    assert typo.error == (f"InputError: 1 problem in the input:\n  - {shown_path(SMALL / 'scenario.yaml')}: overrides "
                          "constraints.redline.bufer_m | unknown setting 'constraints.redline.bufer_m'; did you mean "
                          "'buffer_m'?")


# --- 4. did you mean ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "known", "found"), [
    ("zone_a", ["zone_b", "zone_c"], None),              # zones of their own: difflib took zone_b (0.83)
    ("zone_a", ["zone_1"], None),
    ("block b", ["block a"], None),
    ("zone_a", ["zone_ab"], "zone_ab"),                  # a letter added: a slip
    ("LiFePO4", ["fepo4", "lfp", "cells"], "lfp"),       # fepo4 (0.83) is a part of it; lfp is 0.6 alike
    ("fepo4", ["lifepo4"], None),
    ("ithium", ["lithium"], "lithium"),                  # one letter dropped before it: a slip
    ("cell_size", ["cell_size_m"], "cell_size_m"),       # a unit joined after it
    ("rel_gap", ["mip_rel_gap"], "mip_rel_gap"),         # a word of its own before it
])
def test_close_match_offers_only_a_reasonably_close_name(value: str, known: list[str], found: str | None):
    assert close_match(value, known) == found


@pytest.mark.parametrize(("a", "b", "marked"), [
    ("zone_a", "zone_b", True), ("zone_a", "zone_2", True), ("lot-12", "lot-c", True), ("block a", "block c", True),
    ("zone_a", "zone_a", False), ("zone_a", "zone_ab", False), ("zonea", "zoneb", False), ("zone_a", "area_b", False),
])
def test_marked_alike(a: str, b: str, marked: bool):
    assert marked_alike(a, b) is marked
    assert marked_alike(b, a) is marked


@pytest.mark.parametrize(("a", "b", "joined"), [
    ("lifepo4", "fepo4", True), ("lithium", "ithium", False), ("mip_rel_gap", "rel_gap", False),
    ("cell_size_m", "cell_size", False), ("lfp", "lfp", False),
])
def test_prefixed(a: str, b: str, joined: bool):
    assert prefixed(a, b) is joined
    assert prefixed(b, a) is joined


def test_a_committed_project_of_lifepo4_is_told_lfp(base: Path):
    edit(base / "small" / "committed_projects.yaml", "  product: lfp", "  product: LiFePO4")
    assert [p.replace(f"{base}/", "") for p in problems(load_checked, base / "small" / "scenario.yaml")] == [
        "small/committed_projects.yaml:5: [0] (east_lfp).product | unknown product (got 'LiFePO4'); did you mean "
        "'lfp'?"]


def test_a_red_line_category_lettered_like_the_layer_s_is_not_offered(base: Path):
    data = json.loads((base / "small" / "redline.geojson").read_text())
    data["features"][0]["properties"]["category"] = "zone_a"
    (base / "small" / "redline.geojson").write_text(json.dumps(data))
    edit(base / "small" / "scenario.yaml", "  redline: {buffer_m: 1000}",
         "  redline: {buffer_m: 1000, categories: [zone_b]}")
    assert problems(load_checked, Path("small/scenario.yaml")) == [
        "small/scenario.yaml:21: constraints.redline.categories | unknown red-line category (got 'zone_b'); choose "
        "one of: zone_a"]


# --- 5 and 6. the plan's units, the standing site excluded for every product -----------------------


@pytest.fixture(scope="module")
def standing(tmp_path_factory: pytest.TempPathFactory) -> tuple[siting.Solution, Path]:
    """The small scenario with East city's usable land at 5 ha (tests/test_standing_sites.py): no
    module fits there (LFP takes 10 ha, cells 20 ha) and no phosphate source lies within reach for
    FePO4, so no product may be added, while its existing and committed LFP plants make it
    `standing`; West lake is excluded by the red line. Solved, and written."""
    folder = tmp_path_factory.mktemp("standing")
    shutil.copytree(SMALL, folder / "small")
    sites = json.loads((folder / "small" / "sites.geojson").read_text(encoding="utf-8"))
    (city,) = [f for f in sites["features"] if f["properties"]["site_id"] == "e_city"]
    city["properties"]["usable_area_ha"] = 5.0
    (folder / "small" / "sites.geojson").write_text(json.dumps(sites), encoding="utf-8")
    solution = siting.solve(siting.load(folder / "small" / "scenario.yaml"))
    return solution, solution.write(folder / "out")


def test_the_plan_has_plan_csv_s_unit_column(standing: tuple[siting.Solution, Path]):
    solution, out = standing
    plan = solution.plan
    assert list(plan.columns) == ["site", "cluster", "product", "unit", "year", "module", "modules", "capacity_added",
                                  "capex_yuan"]
    assert dict(zip(plan["product"], plan["unit"], strict=True)) == {"fepo4": "t/yr", "lfp": "t/yr", "cells": "GWh/yr"}
    written = pd.read_csv(out / "plan.csv")
    assert list(written.columns) == [*plan.columns[:-1], "capex_bn_yuan"]
    assert written["unit"].tolist() == plan["unit"].tolist()


def test_the_capacity_table_has_capacity_csv_s_unit_column(standing: tuple[siting.Solution, Path]):
    solution, out = standing
    capacity = solution.capacity
    written = pd.read_csv(out / "capacity.csv")
    assert list(capacity.columns) == list(written.columns)
    assert list(capacity.columns)[:5] == ["site", "cluster", "product", "unit", "year"]
    assert set(zip(capacity["product"], capacity["unit"], strict=True)) == {
        ("fepo4", "t/yr"), ("lfp", "t/yr"), ("cells", "GWh/yr")}
    assert capacity["unit"].tolist() == written["unit"].tolist()


def test_the_report_counts_the_standing_site_excluded_for_every_product(standing: tuple[siting.Solution, Path]):
    """West lake (red line) and East city (standing): 2. Before: 1, the standing site left out."""
    solution, out = standing
    assert solution.layers["sites"].set_index("id").loc[["w_lake", "e_city"], "status"].tolist() == [
        "excluded_redline", "standing"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "\n2 sites are excluded for every product.\n" in report


def test_a_standing_site_closed_to_every_product_says_so_where_no_rule_is_named():
    """Too little land is no rule the table names: the site's row says "every product"."""
    frame = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "status": ["standing", "standing"],
                          "cluster": ["c", "c"], "excluded_redline": ["", ""], "excluded_proximity": ["", ""]})
    text = markdown(site_blocks(SimpleNamespace(frame=frame), {"a": "A", "b": "B"}, closed={"a"}))
    assert "\n1 site is excluded for every product.\n" in text
    assert text.splitlines()[-2:] == [
        "| A | a | c | Existing or committed plants only: no new capacity in this plan | every product |",
        "| B | b | c | Existing or committed plants only: no new capacity in this plan |  |"]


# --- 7. one proven low -------------------------------------------------------------------------------


def test_one_proven_low_serves_rule_costs_and_comparisons():
    """Objective 100: bound 90 -> 90; a bound above the objective is taken at it; without a bound,
    gap 10 % -> 90; without either, -inf."""
    import siting.runs.tables as tables

    assert tables.proven_low is proven_low
    assert proven_low(100.0, 90.0, 0.1) == 90.0
    assert proven_low(100.0, 120.0, 0.0) == 100.0
    assert proven_low(100.0, None, 0.1) == 90.0
    assert proven_low(100.0, None, None) == -math.inf
    base = CaseSummary(label="a", ok=True, objective_yuan=100.0, gap=0.1, best_bound_yuan=95.0)
    other = CaseSummary(label="b", ok=True, objective_yuan=110.0, gap=0.1)
    assert tables.objective_range(base, other) == (110.0 - 11.0 - 100.0, 110.0 - 95.0)


def test_an_output_folder_set_with_set_is_named_by_its_option(folder: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, capsys):
    """A refused output folder given with --set names `--set output.folder`, not the scenario's key
    (it read "scenario.yaml: output.folder", as if the file had set it), and the folder as typed."""
    (tmp_path / "userdir").mkdir()
    (tmp_path / "userdir" / "notes.txt").write_text("mine\n")
    monkeypatch.chdir(tmp_path)
    assert main(["solve", str(folder / "scenario.yaml"), "--set", "output.folder=userdir"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (": --set output.folder | the output folder is a folder without a .siting-run marker, holding files "
            "siting did not write: notes.txt (got userdir)") in err
    assert (tmp_path / "userdir" / "notes.txt").read_text() == "mine\n"
