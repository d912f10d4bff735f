"""A run whose worker dies takes the process pool down with it; the runs that had not yet been
handed over when it broke never ran, so their turn must not count as a death: they are run again
and keep their results, rather than being reported as "worker process died ... running this case"."""

from __future__ import annotations

import os
import signal
import time

from siting.runs import pool


def _dies() -> str:
    os.kill(os.getpid(), signal.SIGKILL)
    return "never"


def _slow(value: str) -> str:
    time.sleep(0.5)
    return value


def test_runs_never_started_are_not_lost_with_a_dying_run() -> None:
    tasks = [pool._Task("dies", _dies, ()), pool._Task("slow", _slow, ("slow",)),
             pool._Task("late", _slow, ("late",))]
    begun: list[str] = []
    hooks = pool._Hooks(begun.append, lambda _i, _result: None, lambda: None,
                        lambda i, why: f"lost: {tasks[i].label}: {why}")
    results = pool._run_in_pool(tasks, 2, hooks)
    assert results[0].startswith("lost: dies: worker process died")
    # "late" waited for a free worker each time the pool broke: it never ran, so it is run again
    assert results[2] == "late"
    assert begun.count("late") == 1
