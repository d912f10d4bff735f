"""A flag value its check refuses (`--time-limit 0`, `--workers 0`, `--alternatives 0`, `--slack
2`, `--out ''`) is bad input as docs/USAGE.md's exit codes lay it out: exit 2, "error: N
problems in the input:" and one line per problem, `--flag | what is wrong (got ...); fix`, not
argparse's usage and "siting solve: error: argument ...". Every refused value is reported, with
the problems of the scenario's options and layers, which a bad flag does not hide. Solves
nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

TIME = "--time-limit | must be a finite number of seconds greater than 0 (got '0'); give e.g. --time-limit 60"
WORKERS = "--workers | must be a whole number of at least 1 (got '0'); give e.g. --workers 2"
THREADS = ("scenario.yaml: --set solver.threads | must be a whole number (got 'abc'); write it as digits, without "
           "units or decimals")


def problems(folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> str:
    """Standard error of `command`, which must return 2 (no SystemExit, no traceback)."""
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "usage:" not in err
    return err.replace(str(folder) + "/", "")


def test_time_limit_0_is_bad_input_in_its_layout(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert problems(folder, capsys, ["solve", "scenario.yaml", "--time-limit", "0", "--out", "run"]) == (
        f"error: 1 problem in the input:\n  - {TIME}\n")
    assert not (folder / "run").exists()


def test_workers_0_is_bad_input_in_its_layout(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    (folder / "other.yaml").write_text((folder / "scenario.yaml").read_text().replace("name: small", "name: other"))
    assert problems(folder, capsys, ["compare", "scenario.yaml", "other.yaml", "--workers", "0", "--out", "c"]) == (
        f"error: 1 problem in the input:\n  - {WORKERS}\n")
    assert not (folder / "c").exists()


def test_every_bad_flag_comes_with_the_scenarios_problems(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    err = problems(folder, capsys, ["check", "scenario.yaml", "--time-limit", "0", "--alternatives", "0",
                                    "--set", "solver.threads=abc", "--set", "layers.sites.path=nope.geojson"])
    assert err == (
        "error: 4 problems in the input:\n"
        "  - --alternatives | must be a whole number from 1 to 99 (got '0'); give e.g. --alternatives 5\n"
        f"  - {TIME}\n  - {THREADS}\n"
        "  - nope.geojson: sites layer not found; check --set layers.sites.path (a relative path in --set starts at "
        "the current folder)\n")
