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
from tests.conftest import beats_then_stop

distributed = pytest.importorskip("distributed")


class _Waiting:
    """A future that never ends."""

    def add_done_callback(self, _callback: Any) -> None:
        pass


class RestartingClient:
    """The little of a Dask client `_run_on_dask` uses: each worker is restarted for memory `restarts`
    times as the tasks are submitted, and no task ever begins or ends."""

    def __init__(self, restarts: int) -> None:
        self.restarts = restarts
        self.handlers: dict[str, Any] = {}
        self.cancelled: list[Any] = []

    def subscribe_topic(self, topic: str, handler: Any) -> None:
        self.handlers[topic] = handler

    def unsubscribe_topic(self, topic: str) -> None:
        self.handlers.pop(topic, None)

    def submit(self, *_args: Any, key: str, **_kwargs: Any) -> _Waiting:
        for n in range(self.restarts):
            for topic, handler in list(self.handlers.items()):
                if topic == "worker-restart-memory":
                    handler((0.0, {"worker": "tcp://127.0.0.1:40000", "pid": 100 + n, "rss": 31_457_280}))
        return _Waiting()

    def processing(self) -> dict[str, list[str]]:
        return {}

    def cancel(self, futures: Any) -> None:
        self.cancelled.append(futures)



def test_workers_restarted_for_memory_before_any_run_end_the_batch() -> None:
    client = RestartingClient(restarts=50)
    hooks = pool._Hooks(lambda _label: None, lambda _i, _result: None, beats_then_stop(200),
                        lambda _i, why: why)
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
    hooks = pool._Hooks(lambda _label: None, lambda _i, _result: None, beats_then_stop(5), lambda _i, why: why)
    with pytest.raises(AssertionError, match="still waits"):
        pool._run_on_dask([pool._Task("a", print, ())], client, hooks, "test", beat_s=0.01)


def test_a_local_cluster_whose_workers_exceed_their_memory_at_start_ends_the_batch() -> None:
    """A real local cluster of one worker process with a memory limit of 10 MB, below what a worker
    takes as it starts: its nanny restarts it about three times a second. The nanny looks at the
    worker's memory every 10 ms here (100 ms by default), so that the worker is restarted before
    it can register and run the task on a loaded machine, as it is on an idle one."""
    import dask
    from distributed import Client, LocalCluster

    hooks = pool._Hooks(lambda _label: None, lambda _i, _result: None, beats_then_stop(600), lambda _i, why: why)
    with dask.config.set({"distributed.worker.memory.monitor-interval": "10ms"}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                         memory_limit="10MB") as cluster, Client(cluster) as client, \
            pytest.raises(InputError) as raised:
        pool._run_on_dask([pool._Task("a", print, ())], client, hooks, "test", beat_s=0.1)
    assert "restarted" in str(raised.value) and "memory limit" in str(raised.value)
