"""Paths in messages as the user typed them, and the front door's words (siting/config/load.py
`typed_as_is`, `given_path`, `paths_typed`, `MessagePaths`, `shown_path`, `broken_link`,
`parse_override`; siting/runs/pool.py `front_names`; siting/api.py `as_problem`, `sweep`):

- a run of a sweep or a comparison that fails in a worker (a process of the pool, a Dask worker,
  a worker in another folder) names its scenario as the caller typed it;
- a scenario path typed absolute is named absolute, also when it lies under the current folder;
- a path typed with `..` out of the current folder is named as typed, and the files beside it
  (its catalog) from the folder it starts at; a file under the current folder is still named
  from it;
- `--set output.folder=~` is the home folder, as a shell reads it, not YAML's null; a null or
  true given where it does not belong is told in YAML's words;
- a broken symbolic link is named by its own path and said to be broken;
- a Python argument of the wrong kind is told what was given, not its Python type;
- a sweep's refusal of `variants` says how to sweep a variant, not an argument sweep lacks.

The layout: the current folder `base/proj`, holding `small/` (tests/data/small) and `bad/` (the
same with a module lacking `lifetime_yr`); `base/outside/small/` and `base/outside/bad/` beside
it, reached as `../outside/...`; the home folder `base/home/` (HOME), which holds a file.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from test_front_details import problems

import siting
from siting.cli import main
from siting.config.load import load_scenario, parse_override, paths_typed
from siting.runs.pool import Case, _case_hooks, _named, _run_tasks, _Task, front_names, run_case
from tests.conftest import SMALL, edit

#: The problem of `catalog.yaml` of `bad/`, after the file's name.
NO_LIFETIME = (":12: products.fepo4.modules[0] (fepo4_100kt).lifetime_yr "
               "| required key is missing; add the years over which the "
               "module's capex is recovered: typically 15 yr for a chemical or materials plant, 10 yr for a cell line, "
               "e.g. lifetime_yr: 15, with its source under the module's sources, e.g. lifetime_yr: 'assumption: 15 "
               "years for chemical and materials plants (typical depreciation 10-20 years)'")

#: The problem of `candidates.cell_size_m=1` on the small scenario, named as the --set that gave
#: it, found as its run prepares the cells (in the worker), after the scenario's name.
TOO_MANY_CELLS = (": --set candidates.cell_size_m | would give about 5,605,390,017 cells over the 5,605 km2 of the "
                  "clusters, more than the 200,000 a scenario may have (got 1); use a cell_size_m of at least 170 m "
                  "(or an allowed_zone that keeps less land)")


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The layout of the module's docstring, with `base/proj` the current folder."""
    for folder in ("proj", "outside"):
        shutil.copytree(SMALL, tmp_path / folder / "small")
        shutil.copytree(SMALL, tmp_path / folder / "bad")
        edit(tmp_path / folder / "bad" / "catalog.yaml", "lifetime_yr: 20, land_ha: 20}", "land_ha: 20}")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "notes.txt").write_text("the user's own")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path


def failed_runs(printed: str) -> list[str]:
    """The lines of a batch's report from the first `run failed:` on, without the folder line."""
    lines = printed.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("run failed:"))
    return [line for line in lines[start:] if " written to " not in line]


# --- 1. a run's error in a worker names the scenario as typed ----------------------------------------


@pytest.mark.parametrize("typed", ["../outside/small/scenario.yaml", "{base}/proj/small/scenario.yaml"])
def test_a_sweep_s_run_that_fails_in_a_worker_names_the_scenario_as_typed(base: Path, capsys, typed: str):
    """Too many candidate cells is found as each run prepares its cells, in a worker process of
    the pool. Before: the scenario by its absolute path (`..`), or from the current folder
    (`small/scenario.yaml`, typed absolute)."""
    typed = typed.format(base=base)
    code = main(["sweep", typed, "--set", "candidates.cell_size_m=1,2", "--out", "sw", "--workers", "2", "--quiet"])
    assert code == 1
    second = TOO_MANY_CELLS.replace("5,605,390,017", "1,401,347,504").replace("(got 1)", "(got 2)")
    assert failed_runs(capsys.readouterr().out) == [
        "run failed: run01 cell_size_m=1: 1 problem in the input:", f"  - {typed}{TOO_MANY_CELLS}",
        "run failed: run02 cell_size_m=2: 1 problem in the input:", f"  - {typed}{second}"]


def test_a_comparison_s_runs_name_each_scenario_as_typed(base: Path, capsys):
    """Two files out of the current folder, each run failing in a worker. Before: both absolute."""
    other = base / "outside" / "small" / "b.yaml"
    other.write_text("extends: scenario.yaml\nname: b\n")
    code = main(["compare", "../outside/small/scenario.yaml", "../outside/small/b.yaml", "--set",
                 "candidates.cell_size_m=1", "--out", "cmp", "--workers", "2", "--quiet"])
    assert code == 1
    assert failed_runs(capsys.readouterr().out) == [
        "run failed: small: 1 problem in the input:", f"  - ../outside/small/scenario.yaml{TOO_MANY_CELLS}",
        "run failed: b: 1 problem in the input:", f"  - ../outside/small/b.yaml{TOO_MANY_CELLS}"]


def small_case(base: Path) -> Case:
    """The sweep's case of `candidates.cell_size_m=1` on `proj/small`, as a worker receives it."""
    return Case("run01", base / "proj" / "small" / "scenario.yaml", base / "run01", None,
                (("candidates.cell_size_m", 1),))


def test_a_worker_in_another_folder_names_the_scenario_as_the_caller_typed_it(base: Path, monkeypatch):
    """A worker whose current folder is another, and whose thread holds none of the caller's
    names (a Dask worker elsewhere): the caller's names (`front_names`) reach it with the task.
    Before: the scenario by its absolute path, the worker's folder being another."""
    with paths_typed(["small/scenario.yaml"]):
        names = front_names()
    monkeypatch.chdir(base / "home")
    found: list[Any] = []
    worker = threading.Thread(target=lambda: found.append(_named(names, run_case, small_case(base))))
    worker.start()
    worker.join()
    assert found[0].error == f"InputError: 1 problem in the input:\n  - small/scenario.yaml{TOO_MANY_CELLS}"
    with paths_typed(["../proj/small/scenario.yaml"]):  # typed out of the current folder
        names = front_names()
    monkeypatch.chdir(base / "proj")
    assert _named(names, run_case, small_case(base)).error.endswith(f"  - ../proj/small/scenario.yaml{TOO_MANY_CELLS}")


def test_a_run_on_dask_names_the_scenario_as_typed(base: Path):
    """An in-process Dask cluster, whose worker threads start without the caller's names.
    Before: the scenario by its absolute path."""
    distributed = pytest.importorskip("dask.distributed")
    case = small_case(base)
    with (distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
          as cluster, distributed.Client(cluster) as client, paths_typed(["../proj/small/scenario.yaml"])):
        (summary,) = _run_tasks([_Task(case.label, run_case, (case,))], None, client, _case_hooks([case], None),
                                "siting-run")
    assert summary.error == f"InputError: 1 problem in the input:\n  - ../proj/small/scenario.yaml{TOO_MANY_CELLS}"


# --- 2. a scenario typed absolute is named absolute -------------------------------------------------


def test_a_scenario_typed_absolute_is_named_absolute(base: Path, capsys):
    """`show` and `solve` of `<base>/proj/bad/scenario.yaml` with a name it may not take: the
    scenario as typed (before: `bad/scenario.yaml`); its catalog, which was not typed and lies
    under the current folder, from it, as every such file is."""
    typed = str(base / "proj" / "bad" / "scenario.yaml")
    expected = (f"error: 2 problems in the input:\n  - {typed}: --set name | may hold only the letters A-Z and a-z, "
                f"digits and _ . - (got 'a/b'); write it as e.g. 'a_b'\n  - bad/catalog.yaml{NO_LIFETIME}\n")
    assert main(["show", typed, "--set", "name=a/b"]) == 2
    assert capsys.readouterr().err == expected
    assert main(["solve", typed, "--set", "name=a/b", "--out", "out", "--quiet"]) == 2
    assert capsys.readouterr().err == expected
    assert problems(siting.load, typed, overrides={"name": "a/b"})[0] == (
        f"{typed}: overrides name | may hold only the letters A-Z and a-z, digits and _ . - (got 'a/b'); write it "
        "as e.g. 'a_b'")


# --- 3. a path typed out of the current folder is named as typed ------------------------------------


def test_a_scenario_typed_out_of_the_current_folder_is_named_as_typed(base: Path, capsys):
    """`../outside/bad/scenario.yaml`: it, and its catalog beside it, from the current folder as
    typed. Before: both by their absolute paths."""
    assert main(["show", "../outside/bad/scenario.yaml", "--set", "name=a/b"]) == 2
    assert capsys.readouterr().err == (
        "error: 2 problems in the input:\n  - ../outside/bad/scenario.yaml: --set name | may hold only the letters "
        "A-Z and a-z, digits and _ . - (got 'a/b'); write it as e.g. 'a_b'\n"
        f"  - ../outside/bad/catalog.yaml{NO_LIFETIME}\n")
    assert problems(siting.solve, "../outside/bad/scenario.yaml") == [f"../outside/bad/catalog.yaml{NO_LIFETIME}"]
    assert problems(load_scenario, "../outside/bad/scenario.yaml") == [f"../outside/bad/catalog.yaml{NO_LIFETIME}"]


def test_a_layer_and_an_output_folder_typed_with_dots_are_named_as_typed(base: Path, capsys, monkeypatch):
    """A missing layer given as `../outside/nosites.geojson`, and `--out ..`, the folder holding the
    run's inputs, whose catalog, under the current folder, is still named from it. Before: both
    by their absolute paths."""
    assert main(["solve", "small/scenario.yaml", "--set", "layers.sites.path=../outside/nosites.geojson", "--out",
                 "out", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - ../outside/nosites.geojson: sites layer not found; check --set "
        "layers.sites.path (a relative path in --set starts at the current folder)\n")
    (base / "proj" / "small" / "in").mkdir()
    monkeypatch.chdir(base / "proj" / "small" / "in")
    assert main(["solve", "../scenario.yaml", "--out", "..", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n  - --out | the output folder holds ../catalog.yaml, an input "
        "of this run (got ..); choose a folder outside the folders that hold the scenario, its bases, the "
        "catalog and the layers\n")


# --- 4. `~` given with --set is the home folder ------------------------------------------------------


def test_a_bare_tilde_given_for_a_path_is_the_home_folder(base: Path, capsys):
    """`--set output.folder=~`: the home folder, which holds the user's own file, so the run may not
    replace it. Before: "must be a path (got null, read as no value)"."""
    assert main(["solve", "small/scenario.yaml", "--set", "output.folder=~", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n  - small/scenario.yaml: --set output.folder | the output folder "
        "is a folder without a .siting-run marker, holding files siting did not write: notes.txt (got ~); choose "
        "another folder, or empty this one: a run replaces only an empty folder or one it wrote\n")
    assert (base / "home" / "notes.txt").read_text() == "the user's own"
    assert problems(siting.run, "small/scenario.yaml", overrides=["output.folder=~"]) == [
        "small/scenario.yaml: overrides output.folder | the output folder is a folder without a .siting-run marker, "
        "holding files siting did not write: notes.txt (got ~); choose another folder, or empty this one: a run "
        "replaces only an empty folder or one it wrote"]


def test_only_paths_read_a_bare_tilde_as_the_home_folder():
    """A path (also inside a mapping, and among a sweep's values) reads `~` as the home folder; any
    other setting reads it as YAML does, null, and `null` stays null everywhere."""
    assert parse_override("output.folder=~") == ("output.folder", ["~"])
    assert parse_override("layers.sites.path=~,~/s.geojson,'~'") == ("layers.sites.path", ["~", "~/s.geojson", "~"])
    assert parse_override("layers.sites={path: ~, id_field: ~}") == ("layers.sites", [{"path": "~", "id_field": None}])
    assert parse_override("output={folder: ~}") == ("output", [{"folder": "~"}])
    assert parse_override("output.folder=null") == ("output.folder", [None])
    assert parse_override("description=~") == ("description", [None])
    assert parse_override("solver.random_seed=~") == ("solver.random_seed", [None])


def test_null_and_true_given_where_they_do_not_belong_are_told_in_yaml_s_words(base: Path):
    """Before: `(got None)` and `(got True)`, Python's words for what the user wrote as `~` and `yes`."""
    assert problems(load_scenario, "small/scenario.yaml", overrides=(("solver.random_seed", None),
                                                                     ("name", True))) == [
        "small/scenario.yaml: --set name | must be text (got true); write it as text, in quotes if it looks like a "
        "number",
        "small/scenario.yaml: --set solver.random_seed | must be a whole number (got null); write it as digits, "
        "without units or decimals"]


# --- 5. a broken symbolic link is named itself and said broken ---------------------------------------


def test_a_broken_link_given_as_the_scenario_is_named_and_said_broken(base: Path, capsys):
    """Before: "no such scenario file; check its path (a relative path starts at the current
    folder)"."""
    (base / "proj" / "link.yaml").symlink_to("gone.yaml")
    message = ("link.yaml: is a broken symbolic link: it points to 'gone.yaml', which does not exist; give the path of "
               "the scenario file itself, or point the link to it")
    assert main(["show", "link.yaml"]) == 2
    assert capsys.readouterr().err == f"error: 1 problem in the input:\n  - {message}\n"
    assert main(["solve", "link.yaml", "--out", "out", "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: 1 problem in the input:\n  - {message}\n"
    assert problems(siting.load, "link.yaml") == [message]


def test_a_broken_link_a_scenario_names_is_named_by_the_link(base: Path):
    """The catalog (written in the file, and given with --set), a base scenario and the allowed
    zone. Before: `(got 'cat.yaml', which is small/gone.yaml)`: the link's target."""
    small = base / "proj" / "small"
    (small / "cat.yaml").symlink_to("gone.yaml")
    edit(small / "scenario.yaml", "catalog: catalog.yaml", "catalog: cat.yaml")
    assert problems(load_scenario, "small/scenario.yaml") == [
        "small/scenario.yaml:4: catalog | is a broken symbolic link (got 'cat.yaml', which is small/cat.yaml): it "
        "points to 'gone.yaml', which does not exist; give the path of the catalog file itself, or point the link "
        "to it"]
    edit(small / "scenario.yaml", "catalog: cat.yaml", "catalog: catalog.yaml")
    assert problems(load_scenario, "small/scenario.yaml", overrides=(("catalog", "small/cat.yaml"),)) == [
        "small/scenario.yaml: --set catalog | is a broken symbolic link (got 'small/cat.yaml'): it points to "
        "'gone.yaml', which does not exist; give the path of the catalog file itself, or point the link to it"]
    (small / "base.yaml").symlink_to("nobase.yaml")
    (small / "child.yaml").write_text("extends: base.yaml\nname: child\n")
    assert problems(load_scenario, "small/child.yaml") == [
        "small/child.yaml:1: extends | is a broken symbolic link (got 'base.yaml', which is small/base.yaml): it "
        "points to 'nobase.yaml', which does not exist; give the path of a base scenario file itself, or point the "
        "link to it"]
    (small / "zone.geojson").symlink_to("nozone.geojson")
    zone = (("candidates.cell_size_m", 5000), ("candidates.allowed_zone.path", "small/zone.geojson"))
    assert problems(load_scenario, "small/scenario.yaml", overrides=zone) == [
        "small/scenario.yaml: --set candidates.allowed_zone.path | is a broken symbolic link (got "
        "'small/zone.geojson'): it points to 'nozone.geojson', which does not exist; give the path of the "
        "allowed-zone layer itself, or point the link to it"]


def test_a_broken_link_given_as_a_layer_or_the_output_folder_is_named_by_the_link(base: Path, capsys):
    """The sites layer named by the link as the scenario writes it (before: `small/gone.geojson`),
    and an output folder that is a broken link said to be one, with its target."""
    small = base / "proj" / "small"
    (small / "sites_link.geojson").symlink_to("gone.geojson")
    edit(small / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: sites_link.geojson}")
    assert main(["solve", "small/scenario.yaml", "--out", "out", "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("error: 1 problem in the input:\n  - small/sites_link.geojson: ")
    edit(small / "scenario.yaml", "sites: {path: sites_link.geojson}", "sites: {path: sites.geojson}")
    (base / "proj" / "out").symlink_to("nowhere")
    assert main(["solve", "small/scenario.yaml", "--out", "out", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n  - --out | the output folder is a broken symbolic link: it points "
        "to 'nowhere', which does not exist (got out); give the path of a folder, or point the link to one\n")


# --- 6. Python's words ------------------------------------------------------------------------------


def test_a_problem_of_the_wrong_kind_is_told_what_was_given(base: Path):
    """Before: `problem | must be a siting.Problem or a scenario file path (got int)`."""
    assert problems(siting.solve, 42) == [
        "problem_or_path | must be a problem from siting.load or the path of a scenario file (got 42); give the path "
        "of a scenario file, or a problem from siting.load(path)"]
    assert problems(siting.rule_costs, [1, 2]) == [
        "problem_or_solution | must be a solution from siting.solve, a problem from siting.load or the path of a "
        "scenario file (got [1, 2]); give the path of a scenario file, or a problem from siting.load(path)"]
    assert problems(siting.alternatives, None) == [
        "problem_or_solution | must be a solution from siting.solve, a problem from siting.load or the path of a "
        "scenario file (got None); give the path of a scenario file, or a problem from siting.load(path)"]
    solution = siting.solve("small/scenario.yaml")
    assert problems(siting.solve, solution) == [
        f"problem_or_path | must be a problem from siting.load or the path of a scenario file (got {solution!r}); "
        "give its problem, solution.problem, to solve it again"]


#: What a sweep tells of an override of `variants`, after the argument's name.
SWEEP_VARIANTS = (" variants.x.name | variants are part of a scenario file's structure, not settings, and a sweep runs "
                  "the scenario file's base scenario, not a variant; to sweep a variant, write it as a scenario file "
                  "of its own (extends: <the scenario file>, then the variant's settings) and sweep that file")


def test_a_sweep_refusing_variants_says_how_to_sweep_one(base: Path, capsys):
    """Before: "choose it with variant='NAME'" (and `--variant NAME`), which sweep does not take;
    the calls that take a variant still advise it."""
    assert problems(siting.sweep, "small/scenario.yaml", {"variants.x.name": ["y"]}) == [
        f"small/scenario.yaml: settings{SWEEP_VARIANTS}"]
    assert main(["sweep", "small/scenario.yaml", "--set", "variants.x.name=y", "--out", "sw"]) == 2
    assert capsys.readouterr().err == (f"error: 1 problem in the input:\n  - small/scenario.yaml: "
                                       f"--set{SWEEP_VARIANTS}\n")
    assert problems(siting.load, "small/scenario.yaml", overrides={"variants.x.name": "y"})[0].endswith(
        "choose it with variant='NAME'")
