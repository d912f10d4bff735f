"""Standard output that refuses the command's results (its disk full: /dev/full) ends the command
with one line on standard error and exit code 2, not an OSError traceback and exit 1; the output
folder a solve wrote before is complete (siting/cli.py `print_results`, `StdoutRefused`)."""

from __future__ import annotations

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
