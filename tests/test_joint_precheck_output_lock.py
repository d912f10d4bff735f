"""The joint pre-check's linear program (siting/optimize/explain.py `_JointProgram`) makes its
HiGHS instance as every other HiGHS instance of the process is made: the banner HiGHS prints as
a process makes its first one captured under `HIGHS_OUTPUT_LOCK` (siting/config/highs.py
`quiet_highs`), and runs it under that lock, as every solve runs. A capture of the process's
standard streams outside the lock, beside another thread's solve, would leave the streams to
neither."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from test_explain import UNITS
from test_precheck_joint_land import small, targets

import siting.config.highs as highs
from siting.optimize.explain import presolve_findings


def test_the_joint_program_captures_the_banner_only_under_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    captures: list[bool] = []

    @contextlib.contextmanager
    def watched(*_args: Any, **_kwargs: Any) -> Iterator[None]:
        captures.append(highs.HIGHS_OUTPUT_LOCK._is_owned())  # type: ignore[attr-defined]
        yield

    monkeypatch.setattr(highs._Probe, "banner_printed", False)
    monkeypatch.setattr(highs, "capture_output", watched)
    import siting.optimize.explain as explain

    if hasattr(explain, "capture_output"):
        monkeypatch.setattr(explain, "capture_output", watched)
    found = presolve_findings(small(**targets(30.0, 20.0)), UNITS)
    assert found and found[0].startswith("strict targets 2030 together")
    assert captures and all(captures)


def test_a_later_instance_is_made_without_a_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the banner is printed, no capture at all: the streams are left alone."""
    captures: list[bool] = []

    @contextlib.contextmanager
    def watched(*_args: Any, **_kwargs: Any) -> Iterator[None]:
        captures.append(True)
        yield

    monkeypatch.setattr(highs._Probe, "banner_printed", True)
    monkeypatch.setattr(highs, "capture_output", watched)
    import siting.optimize.explain as explain

    if hasattr(explain, "capture_output"):
        monkeypatch.setattr(explain, "capture_output", watched)
    assert presolve_findings(small(**targets(30.0, 20.0)), UNITS)
    assert captures == []


def test_the_joint_program_runs_under_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its runs hold the lock too: a thread whose solve HiGHS refused for its threads makes the
    process's scheduler anew under the lock (siting/optimize/solve.py `solve_model`), which must not
    tear it down under a run of this program in another thread."""
    import highspy

    held: list[bool] = []
    real = highspy.Highs.run

    def run(self: Any) -> Any:
        held.append(highs.HIGHS_OUTPUT_LOCK._is_owned())  # type: ignore[attr-defined]
        return real(self)

    monkeypatch.setattr(highspy.Highs, "run", run)
    assert presolve_findings(small(**targets(30.0, 20.0)), UNITS)
    assert held and all(held)


SCHEDULER_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
import pyomo.environ as pyo
from test_explain import UNITS
from test_precheck_joint_land import small, targets
import siting.optimize.solve as solve
from siting.optimize.explain import presolve_findings
real = solve.scheduler_refused
seen = []
solve.scheduler_refused = lambda opt: seen.append(real(opt)) or seen[-1]
assert presolve_findings(small(**targets(30.0, 20.0)), UNITS)
m = pyo.ConcreteModel()
m.x = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 5))
m.o = pyo.Objective(expr=-m.x)
report = solve.solve_model(m, solve.SolverSettings(time_limit_s=30, threads=1))
print(seen, report.objective_yuan)
"""


def test_the_joint_program_leaves_a_one_thread_solve_its_scheduler() -> None:
    """HiGHS makes its one thread scheduler per process at its first run, for that run's threads: the
    program runs on one thread, as a solve does by default (`solver.threads`: 1), so that the solve
    after it is not refused ('Not Set') and run again on a scheduler made anew. In a process of its
    own, since the scheduler is the process's."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": str(here.parent)}
    done = subprocess.run([sys.executable, "-c", SCHEDULER_SCRIPT, str(here)], capture_output=True, text=True,
                          timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[-2] == "[False] -5.0"
