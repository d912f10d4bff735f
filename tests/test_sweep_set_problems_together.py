"""`siting sweep`: a `--set` that cannot be read (a YAML syntax error, a text without `=` or a
value) hides none of the problems of the other settings' combinations, nor of the layers they
name; the broken key stands at fault (its file value is not checked in its place) and is said
once. Solves nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting
from siting.cli import main
from siting.config.errors import InputError

GAP = ("--set solver.rel_gap | YAML syntax error: the '[' opened at column 1 is never closed (got '[abc'); "
       "close it with ']'")
THREADS = ("scenario.yaml: --set solver.threads | must be a whole number (got 'abc'); write it as digits, without "
           "units or decimals")
SITES = ("nope.geojson: sites layer not found; check --set layers.sites.path (a relative path in --set starts at the "
         "current folder)")


def refused(folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> list[str]:
    code = main(command)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert not (folder / "sw").exists()
    return [line.replace(str(folder) + "/", "") for line in err.splitlines()]


def test_a_value_yaml_cannot_read_hides_no_other_settings_problem(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert refused(folder, capsys, ["sweep", "scenario.yaml", "--set", "solver.rel_gap=[abc", "--set",
                                    "solver.threads=abc,2", "--out", "sw"]) == [
        "error: 2 problems in the input:", f"  - {GAP}", f"  - {THREADS}"]


def test_a_setting_without_a_value_hides_no_other_settings_problem(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    shape = "| expected KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500"
    assert refused(folder, capsys, ["sweep", "scenario.yaml", "--set", "noeq", "--set", "solver.rel_gap=",
                                    "--set", "solver.threads=abc,2", "--set", "layers.sites.path=nope.geojson",
                                    "--out", "sw"]) == [
        "error: 4 problems in the input:", f"  - --set noeq {shape}", f"  - --set solver.rel_gap= {shape}",
        f"  - {THREADS}", f"  - {SITES}"]


def test_python_sweep_names_them_as_settings(folder: Path, monkeypatch):
    monkeypatch.chdir(folder)
    with pytest.raises(InputError) as caught:
        siting.sweep("scenario.yaml", ["solver.rel_gap=[abc", "solver.threads=abc,2"])
    assert caught.value.problems == [GAP.replace("--set", "settings"), THREADS.replace("--set", "settings")]
