"""HiGHS keeps one thread scheduler per process: a Pyomo appsi_highs solve (its default threads)
before siting.solve in one notebook made every siting search end 'Not Set' (HiGHS refusing the
threads siting asks for) and siting.solve raise NoSolution. The scheduler is made anew and the
run goes on. In a process of its own, since the scheduler is the process's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data" / "small"

SCRIPT = r'''
import sys
import pyomo.environ as pyo
m = pyo.ConcreteModel()
m.x = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 5))
m.o = pyo.Objective(expr=-m.x)
pyo.SolverFactory("appsi_highs").solve(m, options={"threads": 2})
import siting
solution = siting.solve(sys.argv[1])
print(solution.report.status, solution.objective_yuan)
'''


def test_a_solve_after_another_highs_caller_with_other_threads() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(DATA / "scenario.yaml")], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    status, objective = done.stdout.split()
    assert status == "optimal"
    assert float(objective) < 0  # the small scenario's plan earns more than it costs (tests/test_api.py)
