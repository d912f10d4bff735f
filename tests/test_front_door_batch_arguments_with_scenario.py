"""`siting.compare` and `siting.sweep` given a refused argument list the problems of their runs'
scenarios beside it, as `siting compare` and `siting sweep` list them beside a refused option:
the arguments' problems first, in the order of the signature, then the scenarios' and, with
`out`, the output folder's. They had listed the refused arguments alone. Solves and writes
nothing; an argument the runs cannot be known without (`paths`, `variants`, `overrides`,
`settings` refused) is listed alone, as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError, OutputFolderError
from tests.conftest import edit

TIME_LIMIT = ("time_limit_s | must be a finite number of seconds above 0 (got -1); give e.g. 60, or None for the "
              "scenario's solver.time_limit_s")
WORKERS = "workers | must be a whole number of at least 1 (got 0); give e.g. workers=2, or None for one per core"
TYPO = "{}/scenario.yaml:21: constraints.redline.bufer_m | unknown key; did you mean 'buffer_m'?"
BUFFER = "constraints.redline.buffer_m"


@pytest.fixture
def typos(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two copies of the small scenario, `a` and `b` (named small_b), each with a misspelt key,
    run from the folder that holds them."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {bufer_m: 1000}")
    shutil.copytree(folder, folder.parent / "a")
    shutil.copytree(folder, folder.parent / "b")
    edit(folder.parent / "b" / "scenario.yaml", "name: small", "name: small_b")
    monkeypatch.chdir(folder.parent)
    return folder.parent


def problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


def test_compare_lists_the_scenarios_problems_after_the_arguments(typos: Path, capsys: pytest.CaptureFixture[str]):
    paths = ["a/scenario.yaml", "b/scenario.yaml"]
    assert problems(siting.compare, paths, workers=0, time_limit_s=-1) == [
        WORKERS, TIME_LIMIT, TYPO.format("a"), TYPO.format("b")]
    assert problems(siting.compare, paths, "cmp", time_limit_s=-1) == [TIME_LIMIT, TYPO.format("a"), TYPO.format("b")]
    assert not (typos / "cmp").exists()
    assert main(["compare", *paths, "--time-limit", "-1", "--out", "cmp"]) == 2
    lines = [line.removeprefix("  - ") for line in capsys.readouterr().err.splitlines()[1:]]
    assert lines[1:] == [TYPO.format("a"), TYPO.format("b")]


def test_sweep_lists_the_scenarios_problems_after_the_arguments(typos: Path):
    assert problems(siting.sweep, "a/scenario.yaml", {BUFFER: [0, 500]}, workers=0, time_limit_s=-1) == [
        WORKERS, TIME_LIMIT, TYPO.format("a")]
    assert problems(siting.sweep, "a/scenario.yaml", {BUFFER: [0, 500]}, "sw", time_limit_s=-1) == [
        TIME_LIMIT, TYPO.format("a")]
    assert not (typos / "sw").exists()


def test_a_refused_output_folder_is_listed_with_them(typos: Path):
    (typos / "cmp").mkdir()
    (typos / "cmp" / "notes.txt").write_text("mine")
    with pytest.raises(OutputFolderError) as caught:
        siting.compare(["a/scenario.yaml", "b/scenario.yaml"], "cmp", time_limit_s=-1)
    assert caught.value.problems[:3] == [TIME_LIMIT, TYPO.format("a"), TYPO.format("b")]
    assert caught.value.problems[3].startswith("out | ")
    assert sorted(path.name for path in (typos / "cmp").iterdir()) == ["notes.txt"]


def test_what_the_runs_cannot_be_known_without_is_listed_alone(typos: Path):
    assert [problem.split(" |")[0] for problem in problems(
        siting.compare, ["a/scenario.yaml", "b/scenario.yaml"], workers=0, overrides="x")] == ["workers", "overrides"]
    assert [problem.split(" |")[0] for problem in problems(
        siting.sweep, "a/scenario.yaml", "x", workers=0)] == ["settings", "workers"]
