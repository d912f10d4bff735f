"""Standard output that refuses the command's results (its disk full: /dev/full) ends the command
with one line on standard error and exit code 2, not an OSError traceback and exit 1; the output
folder a solve wrote before is complete (siting/cli.py `print_results`, `StdoutRefused`)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FULL = Path("/dev/full")

pytestmark = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")

REFUSED = "error: standard output refused the command's results (No space left on device)"


def to_full_disk(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`python cli.py ARGUMENTS` with standard output on /dev/full (every write: ENOSPC)."""
    with FULL.open("w") as full:
        return subprocess.run([sys.executable, "cli.py", *arguments], cwd=ROOT, stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("command", [["check"], ["show"], ["schema"]])
def test_a_full_disk_under_standard_output_is_one_line_and_exit_2(command: list[str], folder: Path) -> None:
    """check, show and schema print their results only: the line, exit 2, no traceback."""
    arguments = {"check": ["check", str(folder / "scenario.yaml"), "--quiet"],
                 "show": ["show", str(folder / "scenario.yaml")], "schema": ["schema"]}[command[0]]
    done = to_full_disk(*arguments)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(REFUSED)
    assert "Traceback" not in done.stderr


def test_a_solve_whose_summary_is_refused_leaves_its_folder_complete(folder: Path) -> None:
    """The summary comes after the folder is written: the folder is there, complete (its
    manifest and map among its files), and the command says standard output refused it."""
    out = folder / "out"
    done = to_full_disk("solve", str(folder / "scenario.yaml"), "--quiet", "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1].startswith(REFUSED)
    assert "Traceback" not in done.stderr
    assert {"manifest.json", "map.png", "plan.gpkg", "report.md"} <= {path.name for path in out.iterdir()}


def test_a_writer_without_a_descriptor_refusing_the_results_is_one_line_and_exit_2(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A program calling `main` with a writer of its own as sys.stdout (no file descriptor, as in
    a notebook) whose writes fail: the one line and exit 2, not an io.UnsupportedOperation
    traceback from pointing a descriptor it has not at the null device."""
    import errno
    import io

    from siting.cli import main

    class Refusing(io.TextIOBase):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", Refusing())
    assert main(["check", str(folder / "scenario.yaml"), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith(REFUSED)


def test_no_descriptor_is_left_open_in_a_calling_program(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` called in another program's process with sys.stdout on /dev/full: each call leaves no
    descriptor of its own open, and the program's stdout as it was (still /dev/full, not pointed at
    the null device: only the command's own process is; what it could not write fails again as the
    program closes it)."""
    from siting.cli import main

    def refused_call() -> int:
        full = FULL.open("w")
        monkeypatch.setattr(sys, "stdout", full)
        try:
            return main(["check", str(folder / "scenario.yaml"), "--quiet"])
        finally:
            monkeypatch.setattr(sys, "stdout", sys.__stdout__)
            assert os.readlink(f"/proc/self/fd/{full.fileno()}") == str(FULL)
            with contextlib.suppress(OSError):  # the text it refused, refused again
                full.close()

    refused_call()  # the first imports what it needs
    before = len(os.listdir("/proc/self/fd"))
    assert [refused_call() for _ in range(3)] == [2, 2, 2]
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize("arguments", [["--help"], ["--version"], ["solve", "--help"]])
def test_help_and_version_refused_are_one_line_and_exit_2(arguments: list[str]) -> None:
    """--help and --version are results as any command's: standard output refusing them is the
    same one line and exit 2, also unbuffered (PYTHONUNBUFFERED=1, where argparse dropped the error
    and exited 0 without a word; siting/cli.py `Parser`)."""
    with FULL.open("w") as full:
        done = subprocess.run([sys.executable, "cli.py", *arguments], cwd=ROOT, stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(REFUSED)
    assert len(done.stderr.splitlines()) == 1


def test_help_whose_reader_is_gone_is_exit_0() -> None:
    """`--help | head -1`: the reader gone after one line is no error, as for any command: exit 0,
    nothing on standard error."""
    done = subprocess.run(f"{sys.executable} cli.py --help | head -1; exit ${{PIPESTATUS[0]}}", shell=True,
                          executable="/bin/bash", cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: siting")
