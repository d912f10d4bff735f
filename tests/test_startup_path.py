"""What a solve does before HiGHS first runs: the time from the command to the solver's first run
is spent only on what the solve needs (imports, reading the scenario and layers, building the
model). Each test runs `siting solve` on the small scenario in a fresh interpreter and stops it
where HiGHS first runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Runs `siting solve` on the small scenario (output folder: argv[1]); at HiGHS's first run it
#: prints the result of `REPORT` (an expression) and ends the interpreter. The prefetch thread
#: is not started: what it loads is not on the solve's path.
STOP_AT_FIRST_RUN = (
    "import os, sys\n"
    "import highspy\n"
    "from siting import cli\n"
    "from siting.runs import job\n"
    "job.prefetch_drawing = lambda *args, **kwargs: None\n"
    "def first_run(self, *args, **kwargs):\n"
    "    os.write(1, (repr(REPORT) + '\\n').encode())\n"
    "    os._exit(0)\n"
    "highspy.Highs.run = first_run\n"
    "cli.main(['solve', 'tests/data/small/scenario.yaml', '--out', sys.argv[1], '--quiet'])\n"
    "os._exit(3)\n")


def at_first_run(report: str, out: Path) -> str:
    """What `report` (a Python expression) gives where HiGHS first runs in a solve."""
    code = STOP_AT_FIRST_RUN.replace("REPORT", report)
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_solve_reaches_highs_without_loading_pyomo_environ(tmp_path: Path):
    """The model is built from `pyomo.core` and solved through Pyomo's highspy interface class
    itself: `pyomo.environ`, which loads every Pyomo plugin (other solvers, writers,
    transformations: some 340 modules, about 0.2 s), is never loaded before HiGHS runs."""
    assert at_first_run("sorted(m for m in sys.modules if m == 'pyomo.environ')", tmp_path / "out") == "[]"
