"""The front door's findings of a review:

1. `Solution.write` (and `files`) checks `rule_costs` as every other argument is checked: None or
   the table `siting.rule_costs` returns; anything else is an InputError naming the argument, what
   was given and what it must be, and nothing is written.
2. The errors a caller may catch are at the top level: `siting.InputError`, `siting.PlanInfeasible`,
   `siting.NoSolution`, `siting.OutputFolderError` (the classes of `siting.config.errors`).
3. A problem in a committed-projects file names the project by its position and its id
   (`[1] (b).capacity`), at the file and line that wrote it.
4. The tables for people (comparison.md, sweep.md, the terminal's) say "optimal within the gap",
   the words of the solve's status line, where comparison.csv and sweep.csv keep the solver's
   "optimal"; manifest.json keeps it as `solver.status` and gives the words as `solver.status_text`.

Solves are of the small scenario of tests/data/small (tests/test_api.py derives its plan by hand);
the tables of item 4 are made of hand-made run summaries whose figures are stated where built.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import siting
from siting.config import errors
from siting.config.load import load_scenario
from siting.deliver.tables import csv_text, markdown_table
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    comparison_csv,
    comparison_display,
    comparison_table,
    comparison_text,
    sweep_display,
    sweep_table,
    sweep_text,
)

DATA = Path(__file__).parent / "data" / "small"

#: What `rule_costs` must be, and the fix, as every problem about it says.
MUST = "rule_costs | must be the table siting.rule_costs returns, or None"
FIX = "give e.g. rule_costs=siting.rule_costs(solution), or None for none"


def problems(call, *args, **kwargs) -> list[str]:
    """The problems of the InputError `call(*args, **kwargs)` raises."""
    with pytest.raises(errors.InputError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


@pytest.fixture(scope="module")
def solution() -> siting.Solution:
    return siting.solve(DATA / "scenario.yaml")


@pytest.fixture(scope="module")
def costs(solution: siting.Solution) -> pd.DataFrame:
    """`siting.rule_costs(solution)`, priced once for the module (a solve per rule family):
    read-only, each test changes a copy."""
    return siting.rule_costs(solution)


# --- 1. Solution.write(rule_costs=...) --------------------------------------------------------


@pytest.mark.parametrize(("given", "shown"), [({"a": 1}, "{'a': 1}"), ("yes", "'yes'"), (True, "True"),
                                              ([1, 2], "[1, 2]")])
def test_write_refuses_rule_costs_that_is_not_a_table(solution: siting.Solution, tmp_path: Path, given, shown):
    """A mapping or a text used to end in an AttributeError ('dict' object has no attribute 'attrs')."""
    assert problems(solution.write, tmp_path / "out", rule_costs=given) == [f"{MUST} (got {shown}); {FIX}"]
    assert problems(solution.files, rule_costs=given) == [f"{MUST} (got {shown}); {FIX}"]
    assert not (tmp_path / "out").exists()


def test_write_refuses_another_table_as_rule_costs(solution: siting.Solution, tmp_path: Path):
    """The plan used to be written as rule_costs.csv and .md, its years as "2,022"."""
    assert problems(solution.write, tmp_path / "out", rule_costs=solution.plan) == [
        f"{MUST} (got a table lacking the columns 'rule', 'status', 'objective_relaxed_yuan', 'rule_cost_yuan', "
        "'rule_cost_low_yuan' and 7 more, with the columns 'site', 'cluster', 'product', 'unit', 'year' and 4 more "
        f"instead); {FIX}"]
    assert not (tmp_path / "out").exists()


def test_write_refuses_rule_costs_missing_or_adding_columns(solution: siting.Solution, costs: pd.DataFrame,
                                                           tmp_path: Path):
    assert problems(solution.write, tmp_path / "out", rule_costs=costs.drop(columns=["note"])) == [
        f"{MUST} (got a table lacking the columns 'note'); {FIX}"]
    assert problems(solution.write, tmp_path / "out", rule_costs=costs.assign(mine=1)) == [
        f"{MUST} (got a table with the columns 'mine' besides those of the rule costs); {FIX}"]
    as_read_back = costs.rename(columns={"rule_cost_yuan": "rule_cost_bn_yuan"})  # as rule_costs.csv names it
    assert problems(solution.write, tmp_path / "out", rule_costs=as_read_back) == [
        f"{MUST} (got a table lacking the columns 'rule_cost_yuan', with the columns 'rule_cost_bn_yuan' "
        f"instead); {FIX}"]
    assert not (tmp_path / "out").exists()


def test_write_takes_the_rule_costs_or_some_of_their_rows(solution: siting.Solution, costs: pd.DataFrame,
                                                         tmp_path: Path):
    """The small scenario enables redline, proximity, agglomeration and market (tests/test_api.py)."""
    costs = costs.copy()
    assert list(costs["rule"]) == ["redline", "proximity", "agglomeration", "market"]
    folder = solution.write(tmp_path / "out", rule_costs=costs.iloc[1:3])
    assert pd.read_csv(folder / "rule_costs.csv")["rule"].tolist() == ["proximity", "agglomeration"]
    reordered = costs[list(reversed(costs.columns))]
    assert solution.files(rule_costs=reordered)["rule_costs.csv"].startswith("note,sites_dropped,")


# --- 2. the errors at the top level -----------------------------------------------------------


def test_the_errors_a_caller_catches_are_at_the_top_level():
    for name in ("InputError", "NoSolution", "OutputFolderError", "PlanInfeasible"):
        assert name in siting.__all__
        assert getattr(siting, name) is getattr(errors, name)
    with pytest.raises(siting.InputError):
        siting.load(DATA / "no_such_scenario.yaml")


def test_importing_an_error_from_siting_stays_light():
    """The errors come on first use, as the front door does: no pandas, Pyomo or front door loaded."""
    code = ("import sys\nfrom siting import InputError, OutputFolderError\n"
            "print(issubclass(OutputFolderError, InputError), "
            "sorted(m for m in ('pandas', 'pyomo', 'geopandas', 'siting.api') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "True []\n"


# --- 3. committed projects named by their id --------------------------------------------------

PROJECT = ("- id: {id}\n  name: A\n  site: e_city\n  product: {product}\n  capacity: {capacity}\n"
           "  online_year: {year}\n  status: construction\n  source: s\n")


def committed_problems(folder: Path, *projects: dict) -> list[str]:
    """The problems of loading the small scenario with `projects` as its committed projects."""
    text = "".join(PROJECT.format(**{"product": "lfp", "capacity": 100, "year": 2024, **p}) for p in projects)
    (folder / "committed_projects.yaml").write_text(text)
    with pytest.raises(errors.InputError) as caught:
        load_scenario(folder / "scenario.yaml")
    return [p.replace(f"{folder}/", "") for p in caught.value.problems]


def test_committed_project_problems_name_the_project_by_its_id(folder: Path):
    """Each entry is 8 lines: entry [1]'s capacity is on line 13, its product on 12; entry [2]'s id on 17."""
    assert committed_problems(folder, {"id": "a"}, {"id": "b", "capacity": -5, "product": "lpf"}, {"id": "a"},
                              {"id": "old", "year": 1900}) == [
        "committed_projects.yaml:13: [1] (b).capacity | must be greater than 0 (got -5); give a value in that range",
        "committed_projects.yaml:12: [1] (b).product | unknown product (got 'lpf'); did you mean 'lfp'?",
        "committed_projects.yaml:17: [2] (a).id | id 'a' is already used by entry [0]; ids must be unique",
        "committed_projects.yaml:30: [3] (old).online_year | first production year 1900 is before 1950: very likely "
        "a typo; give the year it first produced (a year before the plan's first counts from the plan's first year)"]


def test_a_committed_project_without_a_usable_id_is_named_by_its_position(folder: Path):
    """An id that would read as part of the key path is quoted; one that is empty is left out."""
    assert committed_problems(folder, {"id": "''", "capacity": -5}, {"id": "'lfp plant.2'", "capacity": -5}) == [
        "committed_projects.yaml:1: [0].id | must not be empty (got ''); give it an id of its own",
        "committed_projects.yaml:5: [0].capacity | must be greater than 0 (got -5); give a value in that range, "
        "in t/yr",
        "committed_projects.yaml:13: [1] ('lfp plant.2').capacity | must be greater than 0 (got -5); give a value "
        "in that range, in t/yr"]


def test_committed_projects_give_each_project_key_for_later_checks(folder: Path):
    """The checks against the sites layer name a project's site by the same key (CommittedProjects.key)."""
    committed = load_scenario(folder / "scenario.yaml").committed
    assert committed.key(0, "site") == "[0] (east_lfp).site"


# --- 4. "optimal within the gap" in the tables for people -------------------------------------


def runs() -> list[CaseSummary]:
    """Two runs proven within the gap asked for (status "optimal"): objective 10 bn yuan, bound
    9.8 bn yuan (gap 2 %); and 10.5 bn yuan, bound 10.29 bn yuan (gap 2 %)."""
    return [CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective, gap=0.02,
                        best_bound_yuan=objective * 0.98, final_year=2024)
            for label, objective in (("a", 10.0e9), ("b", 10.5e9))]


def test_comparison_says_optimal_within_the_gap_for_people_and_optimal_in_its_csv():
    summaries = runs()
    table = comparison_table(summaries)
    status = table.loc[table["metric"] == "status"]
    assert (status["a"].iloc[0], status["b"].iloc[0], status["b vs a"].iloc[0]) == ("optimal", "optimal", "same")
    shown = comparison_display(table, summaries)
    row = shown.loc[shown["metric"] == "status"].iloc[0]
    assert (row["a"], row["b"]) == ("optimal within the gap", "optimal within the gap")
    assert "| status |  | optimal within the gap | optimal within the gap | same |" in markdown_table(shown)
    assert "\nstatus,,optimal,optimal,same\n" in comparison_csv(table)
    terminal = comparison_text(table, summaries, "comparison.csv")
    assert [line.split() for line in terminal.splitlines() if line.startswith("status")] == [
        ["status", "optimal", "within", "the", "gap", "optimal", "within", "the", "gap", "same"]]


def test_sweep_says_optimal_within_the_gap_for_people_and_optimal_in_its_csv():
    summaries = [*runs(), CaseSummary(label="c", ok=True, status="feasible (not proven optimal)",
                                      objective_yuan=11.0e9, gap=0.1, final_year=2024)]
    table = sweep_table(summaries, [{"k": 0}, {"k": 1}, {"k": 2}])
    assert list(table["status"]) == ["optimal", "optimal", "feasible (not proven optimal)"]
    assert list(sweep_display(table)["status"]) == ["optimal within the gap", "optimal within the gap",
                                                    "feasible (not proven optimal)"]
    assert list(table["status"]) == ["optimal", "optimal", "feasible (not proven optimal)"]  # not changed
    assert [line.split(" | ")[2] for line in markdown_table(sweep_display(table)).splitlines()[2:]] == [
        "optimal within the gap", "optimal within the gap", "feasible (not proven optimal)"]
    assert [line.split(",")[2] for line in csv_text(table).splitlines()[1:]] == [
        "optimal", "optimal", "feasible (not proven optimal)"]
    terminal = sweep_text(table, "sweep.csv", summaries)
    first = terminal.split("\n\n")[0].splitlines()  # run, k, status, ...; then a table of the other columns
    start = first[0].index("status")
    assert [line[start:].split("  ")[0] for line in first[2:]] == [
        "optimal within the gap", "optimal within the gap", "feasible (not proven optimal)"]


def test_manifest_gives_the_status_in_words_beside_the_solvers_word(solution: siting.Solution, tmp_path: Path):
    """The small scenario is solved to a gap of 0 (proven): `status` stays "optimal" for scripts,
    `status_text` says it as the terminal's status line does."""
    solver = json.loads((solution.write(tmp_path / "out") / "manifest.json").read_text(encoding="utf-8"))["solver"]
    assert (solver["status"], solver["status_text"], solver["termination"], solver["proven_within_gap"]) == (
        "optimal", "optimal within the gap", "convergenceCriteriaSatisfied", True)
