"""`siting sweep` given a refused `--out` (a URL, an empty name) lists the problems of its runs'
scenario and settings after the refused options, as `siting solve` and `siting compare` list a
scenario's beside a refused `--out`, and as `siting.sweep` lists them after a refused `out`: it
had listed the refused options alone. Solves and writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError
from tests.conftest import edit

URL_OUT = ("--out | is a URL (got 'https://x/o'): the outputs are written to a local folder only; give a local "
           "folder's path")
EMPTY_OUT = "--out | must name a folder (got ''); give e.g. --out outputs/run1"
TIME_LIMIT = "--time-limit | must be a finite number of seconds greater than 0 (got '-1'); give e.g. --time-limit 60"
TYPO = "small/scenario.yaml:21: constraints.redline.bufer_m | unknown key; did you mean 'buffer_m'?"
NEGATIVE = ("small/scenario.yaml: --set constraints.redline.buffer_m | must be greater than or equal to 0 (got -3); "
            "give a value in that range, in m")


@pytest.fixture
def typo(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small scenario with a misspelt key, run from the folder that holds it."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {bufer_m: 1000}")
    monkeypatch.chdir(folder.parent)
    return folder


def listed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The problems `siting` lists for `argv`, which it refuses (exit 2)."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: "), err
    return [line.removeprefix("  - ") for line in err.splitlines()[1:]]


def test_a_url_out_is_listed_with_the_scenarios_problems(typo: Path, capsys: pytest.CaptureFixture[str]):
    before = sorted(os.listdir(typo.parent))
    swept = ["small/scenario.yaml", "--set", "constraints.redline.buffer_m=0,500", "--time-limit", "-1"]
    assert listed(["sweep", *swept, "--out", "https://x/o"], capsys) == [URL_OUT, TIME_LIMIT, TYPO]
    # as compare and solve list them beside the same refused options
    assert listed(["compare", "small/scenario.yaml", "small/scenario.yaml", "--time-limit", "-1", "--out",
                   "https://x/o"], capsys) == [URL_OUT, TIME_LIMIT, TYPO]
    assert listed(["solve", "small/scenario.yaml", "--time-limit", "-1", "--out", "https://x/o"], capsys) == [
        URL_OUT, TIME_LIMIT, TYPO]
    assert sorted(os.listdir(typo.parent)) == before


def test_an_empty_out_is_listed_with_the_runs_problems(typo: Path, capsys: pytest.CaptureFixture[str]):
    """A value to sweep that makes a run invalid is listed too, as with a good `--out`."""
    before = sorted(os.listdir(typo.parent))
    swept = ["small/scenario.yaml", "--set", "constraints.redline.buffer_m=-3,500", "--time-limit", "-1"]
    assert listed(["sweep", *swept, "--out", ""], capsys) == [EMPTY_OUT, TIME_LIMIT, NEGATIVE, TYPO]
    assert listed(["sweep", *swept, "--out", "sw"], capsys) == [TIME_LIMIT, NEGATIVE, TYPO]
    assert listed(["sweep", "small/scenario.yaml", "--set", "x", "--out", ""], capsys) == [
        EMPTY_OUT, "--set x | expected KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500", TYPO]
    assert sorted(os.listdir(typo.parent)) == before


def test_the_command_line_lists_what_siting_sweep_lists(typo: Path, capsys: pytest.CaptureFixture[str]):
    """The scenario's problems, after the refused arguments, in the words `siting.sweep` gives them."""
    with pytest.raises(InputError) as caught:
        siting.sweep("small/scenario.yaml", {"constraints.redline.buffer_m": [0, 500]}, "https://x/o",
                     time_limit_s=-1)
    said = caught.value.problems
    assert [problem.split(" |")[0] for problem in said] == ["out", "time_limit_s", TYPO.split(" |")[0]]
    lines = listed(["sweep", "small/scenario.yaml", "--set", "constraints.redline.buffer_m=0,500", "--time-limit",
                    "-1", "--out", "https://x/o"], capsys)
    assert lines[2:] == said[2:]
