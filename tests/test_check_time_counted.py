"""`siting check`'s "ready to solve: checked in N s" is the whole command's time, counted from
the process's start: Python's start-up and the tool's imports, most of a check's wall time (the
shipped scenario: "checked in 0.77 s" of a command that took 3.3 s), are the bracket's first
item, "start-up". Run in a program that calls `main` (a test), it counts from the check's
start."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from siting import cli

ROOT = Path(__file__).parent.parent
SMALL = ROOT / "tests" / "data" / "small" / "scenario.yaml"


@pytest.mark.parametrize("entry", ["cli.py", "siting"])
def test_checked_in_counts_the_whole_command_with_its_start_up(entry: str, tmp_path: Path) -> None:
    """The figure lies within the command's wall time as this test measures it around the
    process (which adds the process's creation and end, a few hundredths of a second), and at
    least its start-up and phases; the start-up is the imports' part, well above nothing."""
    command = [sys.executable, "cli.py"] if entry == "cli.py" else [
        sys.executable, "-c", "import sys, siting; sys.exit(siting._command_line())"]
    began = time.perf_counter()
    done = subprocess.run([*command, "check", str(SMALL), "--out", str(tmp_path / "out"), "--quiet"], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - began
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    found = re.fullmatch(r"ready to solve: checked in (\d+\.\d\d) s \(start-up (\d+\.\d\d) s, load (\d+\.\d\d) s, "
                         r"preprocess (\d+\.\d\d) s\)", last)
    assert found, last
    took, start_up, load, preprocess = map(float, found.groups())
    assert took <= wall + 0.01, (took, wall)
    assert took >= start_up + load + preprocess - 0.02, last
    assert start_up >= 0.1, last  # the imports of Python's and the tool's packages


def test_the_process_age_is_at_least_the_time_since_the_tool_was_imported() -> None:
    """On Linux the system says when the process started; it started before siting/cli.py was
    imported (to the 0.01 s of the system's clock ticks)."""
    age = cli.process_age_s()
    if not Path("/proc/self/stat").exists():
        assert age is None
        return
    assert age is not None and age >= time.perf_counter() - cli.IMPORTED - 0.02
    assert cli.command_started(True) <= cli.IMPORTED
    before = time.perf_counter()
    assert before <= cli.command_started(False) <= time.perf_counter()


def test_a_process_that_ran_something_else_before_python_counts_from_the_import(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrapper that slept 8 s and then exec'd `python cli.py check` showed a start-up of 12 s: the
    system dates the process from its fork. A process older at the import than Python's own
    start-up can take (PRE_IMPORT_MAX_S) is counted from the import; one a little older, from its
    start."""
    def aged(extra: float) -> None:
        monkeypatch.setattr(cli, "process_age_s", lambda: time.perf_counter() - cli.IMPORTED + extra)

    aged(cli.PRE_IMPORT_MAX_S + 7.0)
    assert cli.command_started(True) == cli.IMPORTED
    aged(0.05)
    started = cli.command_started(True)
    assert cli.IMPORTED - 0.06 < started < cli.IMPORTED - 0.04
