"""Dask workers restarted for using more than their memory limit before they hold a task (a limit
below what a worker process takes as it starts) never run a run, and the scheduler counts no death
against any: the batch waited without bound. It now ends with one problem, exit 2, naming what
happened and the settings to change, once the nannies' restarts (their "worker-restart-memory"
events) pass MEMORY_RESTARTS with no run begun or ended in between and no task under way
(siting/runs/pool.py `_run_on_dask`)."""

from __future__ import annotations

from typing import Any

import pytest

from siting.config.errors import InputError
from siting.runs import pool
from tests.conftest import WaitingClient, WaitingFuture, dask_stop_hooks, memory_restart_event

distributed = pytest.importorskip("distributed")


class RestartingClient(WaitingClient):
    """A client (`WaitingClient`) whose worker is restarted for memory `restarts` times as the tasks are
    submitted, always at tcp://127.0.0.1:40000, and no task ever begins or ends."""

    def __init__(self, restarts: int) -> None:
        super().__init__()
        self.restarts = restarts

    def submit(self, *_args: Any, key: str, **_kwargs: Any) -> WaitingFuture:
        for n in range(self.restarts):
            self.restart_for_memory(memory_restart_event(n, "tcp://127.0.0.1:40000"))
        return WaitingFuture()


def test_workers_restarted_for_memory_before_any_run_end_the_batch() -> None:
    client = RestartingClient(restarts=50)
    hooks = dask_stop_hooks(200)
    with pytest.raises(InputError) as raised:
        pool._run_on_dask([pool._Task("a", print, ())], client, hooks, "test", beat_s=0.01)
    assert raised.value.heading() == "1 problem with the Dask workers:"
    [text] = raised.value.problems
    assert text.startswith("--scheduler | the Dask workers were restarted 10 times for using more than their memory "
                           "limit"), text
    assert "tcp://127.0.0.1:40000" in text and "30 MB" in text and "--workers" in text and "--memory-limit" in text
    assert "distributed.worker.memory.terminate" in text
    assert client.cancelled  # the tasks are cancelled


def test_fewer_restarts_keep_the_batch_waiting() -> None:
    client = RestartingClient(restarts=pool.MEMORY_RESTARTS - 1)
    hooks = dask_stop_hooks(5)
    with pytest.raises(AssertionError, match="still waits"):
        pool._run_on_dask([pool._Task("a", print, ())], client, hooks, "test", beat_s=0.01)


def test_a_local_cluster_whose_workers_exceed_their_memory_at_start_ends_the_batch() -> None:
    """A real local cluster of one worker process with a memory limit of 10 MB, below what a worker
    takes as it starts: its nanny restarts it about three times a second. The nanny looks at the
    worker's memory every 10 ms here (100 ms by default), so that the worker is restarted before
    it can register and run the task on a loaded machine, as it is on an idle one."""
    import dask
    from distributed import Client, LocalCluster

    hooks = dask_stop_hooks(600)
    with dask.config.set({"distributed.worker.memory.monitor-interval": "10ms"}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                         memory_limit="10MB") as cluster, Client(cluster) as client, \
            pytest.raises(InputError) as raised:
        pool._run_on_dask([pool._Task("a", print, ())], client, hooks, "test", beat_s=0.1)
    assert "restarted" in str(raised.value) and "memory limit" in str(raised.value)
