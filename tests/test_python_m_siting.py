"""`python -m siting` runs the `siting` command, as `python cli.py` does: a user who knows Python's
`-m` convention (the scripts folder not on the PATH, another environment's Python) gets the same
command, its exit codes included. Before: "No module named siting.__main__", exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *argv], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=300)


def test_python_m_siting_is_the_command() -> None:
    by_module, by_file = _run("-m", "siting", "--version"), _run("cli.py", "--version")
    assert by_module.returncode == 0, by_module.stderr
    assert by_module.stdout == by_file.stdout != ""


def test_python_m_siting_refuses_bad_input_with_exit_2() -> None:
    done = _run("-m", "siting", "check", "nosuch.yaml")
    assert done.returncode == 2
    assert "nosuch.yaml" in done.stderr and "Traceback" not in done.stderr
