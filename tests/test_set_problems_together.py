"""A `--set` that cannot be read (a YAML syntax error, no `=`, several values where one goes)
does not hide the problems of the other options: `solve`, `check`, `show` and `compare` list
them all in one message, the broken key standing at fault (its file value is not checked in its
place) and no problem repeated for it. Solves nothing: every run here is refused before it.
The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main

BROKEN = ["--set", "solver.rel_gap=[abc", "--set", "solver.threads=abc", "--set", "noequals",
          "--set", "constraints.redline.buffer_m=1,2"]
GAP = ("--set solver.rel_gap | YAML syntax error: the '[' opened at column 1 is never closed (got '[abc'); "
       "close it with ']'")
NO_EQUALS = "--set noequals | expected KEY=VALUE, e.g. constraints.redline.buffer_m=2000"
TWO = ("--set constraints.redline.buffer_m=1,2 | takes one value (got 2); to run several values, use siting sweep "
       "--set constraints.redline.buffer_m=1,2")
THREADS = ("scenario.yaml: --set solver.threads | must be a whole number (got 'abc'); write it as digits, without "
           "units or decimals")
SITES = ("nope.geojson: sites layer not found; check --set layers.sites.path (a relative path in --set starts at the "
         "current folder)")


def refused(folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> list[str]:
    """The problems of `command` run in `folder`, which must be refused (exit 2, no traceback)."""
    code = main(command)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return [line.replace(str(folder) + "/", "") for line in err.splitlines()]


@pytest.mark.parametrize("command", ["solve", "check"])
def test_a_broken_set_does_not_hide_the_other_options_or_the_layers(folder: Path, capsys, monkeypatch, command):
    monkeypatch.chdir(folder)
    out = ["--out", str(folder / "run")] if command == "solve" else []
    sites = ["--set", "layers.sites.path=nope.geojson"]
    lines = refused(folder, capsys, [command, "scenario.yaml", *out, *BROKEN, *sites])
    assert lines == ["error: 5 problems in the input:", f"  - {GAP}", f"  - {NO_EQUALS}", f"  - {TWO}",
                     f"  - {THREADS}", f"  - {SITES}"]
    assert not (folder / "run").exists()


def test_show_lists_the_other_options_problems_too(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    lines = refused(folder, capsys, ["show", "scenario.yaml", *BROKEN])
    assert lines == ["error: 4 problems in the input:", f"  - {GAP}", f"  - {NO_EQUALS}", f"  - {TWO}",
                     f"  - {THREADS}"]


def test_a_broken_key_is_at_fault_not_replaced_by_the_files_value(folder: Path, capsys, monkeypatch):
    """The catalog given by a broken --set is not looked for, nor the file's catalog read in its
    place: only the syntax error is said of it."""
    monkeypatch.chdir(folder)
    (folder / "catalog.yaml").write_text("not: a catalog\n")
    lines = refused(folder, capsys, ["check", "scenario.yaml", "--set", "catalog=[abc"])
    assert lines == ["error: 1 problem in the input:", "  - --set catalog | YAML syntax error: the '[' opened at "
                     "column 1 is never closed (got '[abc'); close it with ']'"]


def test_compare_lists_each_scenarios_problems_with_the_broken_set(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    (folder / "other.yaml").write_text((folder / "scenario.yaml").read_text().replace("name: small", "name: other"))
    lines = refused(folder, capsys, ["compare", "scenario.yaml", "other.yaml", "--set", "solver.rel_gap=[abc",
                                     "--set", "solver.threads=abc"])
    assert lines == ["error: 3 problems in the input:", f"  - {GAP}", f"  - {THREADS}",
                     f"  - {THREADS.replace('scenario.yaml', 'other.yaml')}"]
