"""The Python front door lists every refused argument at once, as the command line lists every
refused option: `run`, `solve`, `compare`, `sweep`, `alternatives` and `rule_costs` raise one
InputError naming each argument refused, in the order of the signature, each in its own words,
before anything is solved or written (a good scenario's path is loaded to list its problems after
them: tests/test_front_door_arguments_with_scenario.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.config.errors import InputError, OutputFolderError
from siting.deliver.folders import staging_folder

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"
BUFFER = "constraints.redline.buffer_m"


def refused(call, *args, **kwargs) -> list[str]:
    """The argument each problem of the InputError `call(*args, **kwargs)` raises names."""
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return [problem.split(" |")[0] for problem in caught.value.problems]


def test_run_lists_every_refused_argument(tmp_path: Path):
    assert refused(siting.run, SMALL, tmp_path / "out", variant=3, overrides="x", time_limit_s="60",
                   rule_costs="yes", alternatives=-1, slack=-1) == [
        "variant", "overrides", "time_limit_s", "rule_costs", "alternatives", "slack"]
    assert not (tmp_path / "out").exists()


def test_run_lists_a_refused_url_path_and_slack_without_alternatives(tmp_path: Path):
    """The scenario's path, the folder, and `slack` without `alternatives` beside the others."""
    assert refused(siting.run, "https://x/s.yaml", "https://x/o", time_limit_s=0, slack=0.1) == [
        "path", "out", "time_limit_s", "slack"]


def test_solve_lists_every_refused_argument():
    assert refused(siting.solve, SMALL, -1, variant=3, overrides="x") == ["time_limit_s", "variant", "overrides"]
    assert refused(siting.solve, 42, "60") == ["problem_or_path", "time_limit_s"]
    problem = siting.load(SMALL)
    assert refused(siting.solve, problem, 0, variant="strict") == ["time_limit_s", "variant, overrides"]


def test_compare_lists_every_refused_argument():
    assert refused(siting.compare, [SMALL, SMALL], out="https://x/o", workers=0, time_limit_s=-1, progress="yes",
                   scheduler="locall", variants=[1], overrides="x") == [
        "out", "workers", "scheduler", "time_limit_s", "progress", "variants[0]", "overrides"]
    assert refused(siting.compare, str(SMALL), workers=0) == ["paths", "workers"]


def test_compare_refused_staging_folder_with_others_is_an_output_folder_error(tmp_path: Path):
    """A folder inside a batch's hidden staging folder stays an OutputFolderError, listed with
    the other arguments' problems in the order of the signature."""
    out = staging_folder(tmp_path / "CMP") / "o"
    with pytest.raises(OutputFolderError) as alone:
        siting.compare([SMALL, SMALL], out=out)
    with pytest.raises(OutputFolderError) as caught:
        siting.compare([SMALL, SMALL], out=out, workers=0, progress=1)
    assert caught.value.problems[0] == alone.value.problems[0]
    assert [problem.split(" |")[0] for problem in caught.value.problems] == ["out", "workers", "progress"]
    assert not out.exists()


def test_sweep_lists_every_refused_argument(tmp_path: Path):
    assert refused(siting.sweep, SMALL, {BUFFER: [0, 500]}, "https://x/o", workers=0, scheduler="locall",
                   time_limit_s=-1, progress="yes") == ["out", "workers", "scheduler", "time_limit_s", "progress"]
    assert refused(siting.sweep, 42, "x", workers=0) == ["path", "settings", "workers"]


def test_alternatives_and_rule_costs_list_every_refused_argument():
    assert refused(siting.alternatives, 42, n=0, slack=-1, time_limit_s=-1) == [
        "problem_or_solution", "n", "slack", "time_limit_s"]
    assert refused(siting.alternatives, SMALL, n=0, time_limit_s="60") == ["n", "time_limit_s"]
    assert refused(siting.rule_costs, 42, 0) == ["problem_or_solution", "time_limit_s"]


def test_one_refused_argument_is_raised_as_before():
    """One problem alone, in its own words."""
    with pytest.raises(InputError) as caught:
        siting.run(SMALL, time_limit_s=-1)
    assert caught.value.problems == ["time_limit_s | must be a finite number of seconds above 0 (got -1); give e.g. "
                                     "60, or None for the scenario's solver.time_limit_s"]
