"""A run whose worker dies takes the whole process pool down, and with it the run under way beside
it in the other worker. Which of the two broke the pool is not known at that moment: both are run
again one at a time, so the run that dies again is reported lost and the one beside it keeps its
result, instead of both being reported "worker process died 2 times running this case"."""

from __future__ import annotations

import os
import signal
import time

from siting.runs import pool


def _dies() -> str:
    time.sleep(0.3)  # the run beside it is under way when it dies
    os.kill(os.getpid(), signal.SIGKILL)
    return "never"


def _slow(value: str) -> str:
    time.sleep(1.0)
    return value


def test_the_run_under_way_beside_a_dying_run_keeps_its_result() -> None:
    tasks = [pool._Task("dies", _dies, ()), pool._Task("beside", _slow, ("beside",)),
             pool._Task("late", _slow, ("late",))]
    begun: list[str] = []
    hooks = pool._Hooks(begun.append, lambda _i, _result: None, lambda: None,
                        lambda i, why: f"lost: {tasks[i].label}: {why}")
    results = pool._run_in_pool(tasks, 2, hooks)
    assert results[0].startswith("lost: dies: worker process died 2 times running this case")
    assert results[1:] == ["beside", "late"]
    # the dying run ran twice (once beside "beside", once alone): it was retried once, as RETRIES says
    assert begun.count("dies") == 2 and begun.count("beside") == 2 and begun.count("late") == 1
