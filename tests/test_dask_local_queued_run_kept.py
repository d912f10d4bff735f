"""On the local Dask cluster, a run waiting for a worker is not lost with a run that kills the
worker: the scheduler hands each single-threaded worker one run at a time, so a run queued behind
a dying one is not counted among the tasks its worker died running."""

from __future__ import annotations

import os
import signal

import pytest

from siting.runs import pool


def _dies() -> str:
    os.kill(os.getpid(), signal.SIGKILL)
    return "never"


def _fine(value: str) -> str:
    return value


def test_a_run_queued_behind_a_dying_run_is_kept() -> None:
    pytest.importorskip("dask.distributed")
    tasks = [pool._Task("dies", _dies, ()), pool._Task("fine", _fine, ("fine",))]
    hooks = pool._Hooks(lambda _label: None, lambda _i, _result: None, lambda: None,
                        lambda i, why: f"lost: {tasks[i].label}: {why}")
    with pool.dask_client("local", 1, lambda _line: None) as client:
        results = pool._run_on_dask(tasks, client, hooks, "test")
    assert results[0].startswith("lost: dies: Dask worker died")
    assert results[1] == "fine"
