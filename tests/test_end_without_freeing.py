"""The command's own process ends without freeing every object one by one (siting/cli.py
`end_without_freeing`): the exit functions registered with `atexit` still run and the standard
streams are flushed, with the command's exit code; where another thread still runs, Python's own
end follows, as before. Through both entry points: `python cli.py` and the installed `siting`
(siting `_command_line`).

An object held by a module, whose `__del__` writes "freed", tells the two ends apart: Python's own
end frees it as it clears the modules; the quick end does not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

#: A process that holds an object freed only by Python's own end (`Freed`, in a module of its
#: own), registers an exit function, optionally starts a thread that lives until the main thread
#: ends, then runs the command as `python cli.py` or as the installed `siting` runs it.
SCRIPT = """
import atexit, os, runpy, sys, threading, types

atexit.register(print, "exit function ran")


class Freed:
    def __del__(self, write=os.write):
        write(1, b"freed\\n")


holder = sys.modules["holder"] = types.ModuleType("holder")
holder.kept = Freed()
del holder, Freed
entry, thread, *command = sys.argv[1:]
if thread == "thread":  # alive until the main thread ends: Python's own end waits for it
    threading.Thread(target=threading.main_thread().join).start()
if entry == "cli.py":
    sys.argv = ["cli.py", *command]
    runpy.run_path("cli.py", run_name="__main__")
else:
    import siting

    sys.argv = ["siting", *command]
    sys.exit(siting._command_line())
"""


def ended(entry: str, thread: str, scenario: Path) -> subprocess.CompletedProcess[str]:
    """`siting check scenario` run through `entry` ("cli.py" or "siting"), with another thread
    alive to the end or not (`thread`: "thread" or "none"), from the checkout's root."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", SCRIPT, entry, thread, "check", str(scenario), "--quiet"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("entry", ["cli.py", "siting"])
def test_the_command_ends_without_freeing_after_its_exit_functions(entry: str, folder: Path) -> None:
    """No other thread: the exit function ran after the command's last line, nothing was freed,
    exit code 0."""
    done = ended(entry, "none", folder / "scenario.yaml")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "exit function ran"
    assert lines[-2].startswith("ready to solve: checked in ")
    assert "freed" not in lines


@pytest.mark.parametrize("entry", ["cli.py", "siting"])
def test_the_exit_code_of_bad_input_is_kept(entry: str, folder: Path) -> None:
    """A refused input ends quickly too, with its exit code 2 and its message."""
    (folder / "scenario.yaml").write_text("years: [2024\n", encoding="utf-8")
    done = ended(entry, "none", folder / "scenario.yaml")
    assert done.returncode == 2
    assert "scenario.yaml" in done.stderr
    assert done.stdout.splitlines() == ["exit function ran"]


def test_another_thread_still_running_gets_python_s_own_end(folder: Path) -> None:
    """A thread that lives until the main thread ends: Python's own end waits for it and frees
    the objects, as before."""
    done = ended("cli.py", "thread", folder / "scenario.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["exit function ran", "freed"]


@pytest.mark.parametrize("entry", ["cli.py", "siting"])
@pytest.mark.parametrize("closed", [1, 2])
def test_a_stream_closed_as_the_process_started_keeps_the_exit_code(entry: str, closed: int, folder: Path) -> None:
    """Standard output or error closed as the command starts (`>&-`, `2>&-`; Python sets the
    stream to None): refused input still ends with its exit code 2, not 1 and an AttributeError
    from the flush of a stream that is None; its message on standard error where that is open,
    nowhere where it was closed (siting/cli.py `open_closed_streams`)."""
    (folder / "scenario.yaml").write_text("years: [2024\n", encoding="utf-8")
    quoted = ["bash", "-c", f'"$@" {closed}>&-', "bash", sys.executable, "-c", SCRIPT, entry, "none", "check",
              str(folder / "scenario.yaml"), "--quiet"]
    done = subprocess.run(quoted, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    if closed == 1:
        assert "scenario.yaml" in done.stderr
    else:
        assert done.stdout.splitlines() == ["exit function ran"]
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("entry", ["cli.py", "siting"])
@pytest.mark.parametrize("closed", ["1", "2", "1 2"])
def test_a_command_reading_a_scenario_runs_with_a_stream_closed(entry: str, closed: str, folder: Path) -> None:
    """`check` of the small scenario with standard output, error or both closed as it starts:
    it ends with exit code 0, what it says on an open stream as usual, no traceback (every command
    reading a scenario ended with exit 1 and an AttributeError: Pyomo's capture of HiGHS's output
    flushed the stream that was None)."""
    closing = " ".join(f"{descriptor}>&-" for descriptor in closed.split())
    command = ["bash", "-c", f'"$@" {closing}', "bash", sys.executable, "-c", SCRIPT, entry, "none", "check",
               str(folder / "scenario.yaml")]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    if closed == "2":
        assert done.stdout.splitlines()[-2].startswith("ready to solve: checked in ")
    if closed == "1":
        assert "load: done in " in done.stderr
