"""On a Dask scheduler of the user's own (default worker-saturation 1.1, which hands a
single-threaded worker a second task to hold), a run held by a worker that another run kills is
counted by the scheduler among the tasks that worker died running, although it never began; once
that is more than allowed-failures, its future raises KilledWorker. It never ran: it is submitted
again, and keeps its result, where it was reported "Dask worker died 2 times running this case"."""

from __future__ import annotations

import os
import signal
import time

import pytest

from siting.runs import pool


def _dies() -> str:
    time.sleep(0.5)  # the second run is handed to this worker to hold meanwhile
    os.kill(os.getpid(), signal.SIGKILL)
    return "never"


def _fine(value: str) -> str:
    return value


def test_a_run_that_never_began_is_submitted_again() -> None:
    pytest.importorskip("dask.distributed")
    import dask
    from distributed import Client, LocalCluster

    tasks = [pool._Task("dies", _dies, ()), pool._Task("fine", _fine, ("fine",))]
    begun: list[str] = []
    hooks = pool._Hooks(begun.append, lambda _i, _result: None, lambda: None,
                        lambda i, why: f"lost: {tasks[i].label}: {why}")
    with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                          "distributed.scheduler.worker-saturation": 1.1}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = pool._run_on_dask(tasks, client, hooks, "test")
    assert results[0].startswith("lost: dies: Dask worker died")
    assert results[1] == "fine"
