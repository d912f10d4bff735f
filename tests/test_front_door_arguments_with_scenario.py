"""`siting.run`, `siting.rule_costs` and `siting.alternatives` given a scenario path and a
refused argument list the scenario's problems beside it, as `siting solve` lists them beside a
refused option: the arguments' problems first, in the order of the signature, then the
scenario's (an unknown `variant` among them, named after the file) and, for `run`, the output
folder's. They had listed the refused arguments alone, without loading the scenario. Solves and
writes nothing; an argument the scenario cannot be loaded without (`variant` or `overrides` of
the wrong kind), or a refused `out` naming a hidden staging folder, is listed alone, as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_front_details import problems

import siting
from siting.cli import main
from siting.config.errors import OutputFolderError
from siting.deliver.folders import staging_folder
from tests.conftest import edit

TIME_LIMIT = ("time_limit_s | must be a finite number of seconds above 0 (got -1); give e.g. 60, or None for the "
              "scenario's solver.time_limit_s")
VARIANT = "scenario.yaml: variants | no variant named 'missing'; defined: (none)"
TYPO = "scenario.yaml:21: constraints.redline.bufer_m | unknown key; did you mean 'buffer_m'?"
INPUTS = ["catalog.yaml", "clusters.geojson", "committed_projects.yaml", "redline.geojson", "scenario.yaml",
          "sites.geojson", "sources.geojson"]


@pytest.fixture
def typo(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario with one problem, a misspelt key, run from its folder."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {bufer_m: 1000}")
    monkeypatch.chdir(folder)
    return folder


def test_run_lists_the_scenarios_problems_after_the_time_limit(typo: Path):
    assert problems(siting.run, "scenario.yaml", time_limit_s=-1) == [TIME_LIMIT, TYPO]
    assert problems(siting.run, "scenario.yaml", "out", time_limit_s=-1, variant="missing") == [
        TIME_LIMIT, VARIANT, TYPO]
    assert sorted(path.name for path in typo.iterdir()) == INPUTS


def test_run_lists_them_in_the_order_the_command_line_gives(typo: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["solve", "scenario.yaml", "--variant", "missing", "--time-limit", "-1", "--alternatives", "-1"]) == 2
    lines = [line.removeprefix("  - ") for line in capsys.readouterr().err.splitlines()[1:]]
    said = problems(siting.run, "scenario.yaml", variant="missing", time_limit_s=-1, alternatives=-1)
    assert [problem.split(" |")[0] for problem in said] == ["time_limit_s", "alternatives", "scenario.yaml: variants",
                                                            "scenario.yaml:21: constraints.redline.bufer_m"]
    assert [line.split(" |")[0] for line in lines] == ["--alternatives", "--time-limit", *[
        problem.split(" |")[0] for problem in said[2:]]]
    assert said[2:] == lines[2:]


def test_run_lists_the_output_folders_refusal_with_them(typo: Path):
    """A refused output folder is listed too, under the heading of both, as `siting solve` lists it."""
    (typo / "out").mkdir()
    (typo / "out" / "notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError) as caught:
        siting.run("scenario.yaml", "out", time_limit_s=-1)
    assert caught.value.problems[:2] == [TIME_LIMIT, TYPO]
    assert caught.value.problems[2].startswith("out | ")
    assert (typo / "out" / "notes.txt").read_text() == "mine"
    assert sorted(path.name for path in (typo / "out").iterdir()) == ["notes.txt"]


def test_run_with_a_refused_out_lists_the_scenarios_problems(typo: Path):
    assert problems(siting.run, "scenario.yaml", "", time_limit_s=-1) == [
        "out | must name a folder, or be None (got ''); give e.g. out='outputs/run1'", TIME_LIMIT, TYPO]


def test_what_the_scenario_cannot_be_loaded_without_is_listed_alone(typo: Path):
    assert [problem.split(" |")[0] for problem in problems(siting.run, "scenario.yaml", variant=3,
                                                           time_limit_s=-1)] == ["variant", "time_limit_s"]
    assert [problem.split(" |")[0] for problem in problems(siting.run, "scenario.yaml", overrides="x",
                                                           time_limit_s=-1)] == ["overrides", "time_limit_s"]
    with pytest.raises(OutputFolderError) as caught:
        siting.run("scenario.yaml", staging_folder(typo / "o") / "x", time_limit_s=-1)
    assert [problem.split(" |")[0] for problem in caught.value.problems] == ["out", "time_limit_s"]


def test_rule_costs_and_alternatives_list_the_scenarios_problems(typo: Path):
    assert problems(siting.rule_costs, "scenario.yaml", -1) == [TIME_LIMIT, TYPO]
    assert problems(siting.alternatives, "scenario.yaml", n=0, time_limit_s=-1) == [
        "n | must be a whole number from 1 to 99 (got 0); give e.g. n=5", TIME_LIMIT, TYPO]
    assert sorted(path.name for path in typo.iterdir()) == INPUTS
