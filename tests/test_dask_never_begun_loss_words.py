"""A run on Dask lost with workers it was never heard to begin on (held behind a run that killed
its worker, its own batch's or another client's on a shared scheduler: `never_began`) is submitted
again (NEVER_BEGAN_AGAIN times); lost so every time, it was reported "Dask worker died 2 times
running this case", though no worker was heard to run it. It is now reported in words that say
so (siting/runs/pool.py `dask_loss_words`); a run heard to begin on every worker that died is
reported as before."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from siting.runs import pool

distributed = pytest.importorskip("distributed")


class _Lost:
    """A Dask future already ended with KilledWorker: two workers died holding it (allowed-failures 1)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def add_done_callback(self, callback: Any) -> None:
        callback(self)

    def result(self) -> Any:
        raise distributed.KilledWorker(self.key, SimpleNamespace(address="tcp://127.0.0.1:40000"), 1)


class AlwaysLostClient:
    """A client whose every submission is heard to begin `begins` times and then lost with two workers."""

    def __init__(self, begins: int) -> None:
        self.begins = begins
        self.keys: list[str] = []
        self.handlers: dict[str, Any] = {}

    def subscribe_topic(self, topic: str, handler: Any) -> None:
        self.handlers[topic] = handler

    def unsubscribe_topic(self, topic: str) -> None:
        self.handlers.pop(topic, None)

    def cancel(self, _futures: Any) -> None:
        pass

    def submit(self, _announced: Any, topic: str, number: int, *_args: Any, key: str, **_kwargs: Any) -> _Lost:
        self.keys.append(key)
        for _ in range(self.begins):
            self.handlers.get(topic, lambda _event: None)((0.0, number))
        return _Lost(key)


def _run(begins: int) -> tuple[list[Any], AlwaysLostClient]:
    client = AlwaysLostClient(begins)
    hooks = pool._Hooks(lambda _label: None, lambda _i, _result: None, lambda: None, lambda _i, why: why)
    return pool._run_on_dask([pool._Task("run", lambda: "plan", ())], client, hooks, "test", beat_s=0.05), client


def test_a_run_never_heard_to_begin_is_not_said_to_have_killed_its_workers() -> None:
    results, client = _run(begins=0)
    assert len(client.keys) == 1 + pool.NEVER_BEGAN_AGAIN
    assert results == [
        "Dask workers died 2 times holding this case, none of them heard to begin it, on the last of its 3 "
        "submissions, each lost with more workers than it was heard to begin on (KilledWorker: the last was "
        "tcp://127.0.0.1:40000, and Dask's distributed.scheduler.allowed-failures is 1; a worker holds cases queued "
        "behind the one it runs, and its death is counted against each: another case, of this batch or of another "
        "client of the scheduler, may have killed it; Dask does not say how a worker ended: its log does, e.g. a "
        "restart for using more than its memory limit)"]


def test_a_run_heard_to_begin_on_one_of_the_workers_says_so() -> None:
    results, client = _run(begins=1)
    assert len(client.keys) == 1 + pool.NEVER_BEGAN_AGAIN
    assert results[0].startswith("Dask workers died 2 times holding this case, 1 of them heard to begin it, on the "
                                 "last of its 3 submissions, each lost with more workers than it was heard to begin "
                                 "on (KilledWorker: ")


def test_a_run_heard_to_begin_on_every_worker_that_died_is_said_to_have_died_running_it() -> None:
    results, client = _run(begins=2)
    assert len(client.keys) == 1
    assert results[0].startswith("Dask worker died 2 times running this case (KilledWorker: ")
