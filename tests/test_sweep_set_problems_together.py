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


def test_a_fault_inside_a_swept_list_names_the_value_that_holds_it(folder: Path, capsys, monkeypatch):
    """`--set years[0] | ... (got 1900)` did not say which swept value holds the year, and two
    values holding it gave one problem: each names its value; a setting of one value, whose value
    the problem's key names, and a swept number are named as before."""
    monkeypatch.chdir(folder)
    year = ("must be a calendar year from 1950 to 2200 (got 1900), the years a catalog gives its figures for; give "
            "a year in that range")
    assert refused(folder, capsys, ["sweep", "scenario.yaml", "--set", "years=[1900, 2024],[1900, 2023],[2023, 2024]",
                                    "--set", "constraints.redline.buffer_m=-5,0", "--out", "sw"]) == [
        "error: 3 problems in the input:",
        f"  - scenario.yaml: --set years[0] (in the swept value [1900, 2024]) | {year}",
        "  - scenario.yaml: --set constraints.redline.buffer_m | must be greater than or equal to 0 (got -5); give a "
        "value in that range, in m",
        f"  - scenario.yaml: --set years[0] (in the swept value [1900, 2023]) | {year}"]
    assert refused(folder, capsys, ["sweep", "scenario.yaml", "--set", "targets.capacity.cells={2024: -5},{2024: 5}",
                                    "--out", "sw"]) == [
        "error: 1 problem in the input:",
        "  - scenario.yaml: --set targets.capacity.cells.2024 (in the swept value {2024: -5}) | must be greater than "
        "or equal to 0 (got -5); give a value in that range, in GWh/yr"]
    assert refused(folder, capsys, ["sweep", "scenario.yaml", "--set", "years=[1900, 2024]", "--out", "sw"]) == [
        "error: 1 problem in the input:", f"  - scenario.yaml: --set years[0] | {year}"]
