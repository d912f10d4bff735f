"""The solve job's prefetch thread (siting/deliver/prefetch.py) starts as HiGHS's first search
begins, not before: the thread's imports (the delivery code, matplotlib) hold Python's lock as
much as the main thread's model build and hand-off to HiGHS do, so that, started before the
solve, they slowed the way to HiGHS's first run (measured on the shipped scenario, six runs
each on a loaded machine: 5.35 s against 4.26 s of wall time with the thread left out); HiGHS
releases the lock while it searches, and the imports then cost the run no wall time.

`at_next_run` (siting/optimize/solve.py) calls its action once, in its own thread, at that
thread's next HiGHS run within the block."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyomo.core as pyo

from siting.optimize.solve import SolverSettings, at_next_run, solve_model

ROOT = Path(__file__).resolve().parents[1]

#: Runs `siting solve` on the small scenario (output folder: argv[1]) and prints, for each hand-off
#: of a model to HiGHS through Pyomo and each HiGHS run in order, whether the prefetch thread had started.
WATCH = (
    "import sys, threading\n"
    "import highspy\n"
    "from pyomo.contrib.solver.solvers.highs import Highs\n"
    "from siting import cli\n"
    "from siting.deliver.prefetch import PREFETCH_THREAD\n"
    "seen = []\n"
    "started = lambda: (any(t.name == PREFETCH_THREAD for t in threading.enumerate())\n"
    "                   or 'siting.deliver.files' in sys.modules)\n"
    "hand_off, run = Highs.set_instance, highspy.Highs.run\n"
    "def watched_hand_off(self, model):\n"
    "    seen.append(('hand-off', started()))\n"
    "    return hand_off(self, model)\n"
    "def watched_run(self, *args, **kwargs):\n"
    "    seen.append(('run', started()))\n"
    "    return run(self, *args, **kwargs)\n"
    "Highs.set_instance, highspy.Highs.run = watched_hand_off, watched_run\n"
    "assert cli.main(['solve', 'tests/data/small/scenario.yaml', '--out', sys.argv[1], '--quiet']) == 0\n"
    "print(seen)\n")


def test_the_prefetch_thread_starts_with_the_first_search_not_before_the_hand_off(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", WATCH, str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    seen = eval(done.stdout.strip().splitlines()[-1])  # a list of (str, bool) pairs
    first = [what for what, _started in seen].index("hand-off")  # a pre-check LP may run on its own before it
    assert seen[first] == ("hand-off", False)  # the model built and handed over without the thread
    assert seen[first + 1] == ("run", True)  # started just before HiGHS searches it


def model() -> pyo.ConcreteModel:
    """max x + y with x + y <= 1.5, x, y whole numbers in [0, 1]: optimum 1."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.Binary)
    m.y = pyo.Var(domain=pyo.Binary)
    m.cap = pyo.Constraint(expr=m.x + m.y <= 1.5)
    m.obj = pyo.Objective(expr=m.x + m.y, sense=pyo.maximize)
    return m


def test_at_next_run_calls_its_action_once_at_the_next_run_and_not_after_the_block() -> None:
    calls: list[str] = []
    with at_next_run(lambda: calls.append("called")):
        assert calls == []  # nothing before a run
        solve_model(model(), SolverSettings())
        solve_model(model(), SolverSettings())
    assert calls == ["called"]
    solve_model(model(), SolverSettings())  # after the block: nothing waits
    assert calls == ["called"]
    with at_next_run(lambda: calls.append("unused")):
        pass
    solve_model(model(), SolverSettings())
    assert calls == ["called"]
