"""Dask workers restarted for memory while they hold another client's tasks (a shared scheduler)
are no sign that this batch's workers die before they can hold a run: the batch stopped all the
same once ten such restarts came with none of its runs begun, as the scheduler showed no task under
way for the moment the only worker was away. Restarts now count towards the stop
(siting/runs/pool.py `_restarted`) only while the scheduler's removals of workers
("remove-worker" on its topic "all") show no other client's task held or kept on them."""

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


class SharedClient:
    """The little of a Dask client `_run_on_dask` uses, on a scheduler whose worker is restarted for
    memory `restarts` times as the tasks are submitted, each time holding `held` (the keys the
    scheduler says it held as it removed it), and no task of the batch ever begins or ends."""

    def __init__(self, restarts: int, held: Any) -> None:
        self.restarts, self.held = restarts, held
        self.handlers: dict[str, Any] = {}
        self.cancelled: list[Any] = []

    def subscribe_topic(self, topic: str, handler: Any) -> None:
        self.handlers[topic] = handler

    def unsubscribe_topic(self, topic: str) -> None:
        self.handlers.pop(topic, None)

    def submit(self, *_args: Any, key: str, **_kwargs: Any) -> _Waiting:
        for n in range(self.restarts):
            worker = f"tcp://127.0.0.1:{40000 + n}"
            self.handlers.get(pool.MEMORY_TOPIC, lambda _event: None)(
                (0.0, {"worker": worker, "pid": 100 + n, "rss": 31_457_280}))
            held = self.held(key) if callable(self.held) else self.held
            self.handlers.get("all", lambda _event: None)(
                (0.0, {"action": "remove-worker", "processing-tasks": set(held), "lost-computed-tasks": set(),
                       "lost-scattered-tasks": set(), "expected": False, "worker": worker}))
        return _Waiting()

    def processing(self) -> dict[str, list[str]]:
        return {}  # the only worker is away

    def cancel(self, futures: Any) -> None:
        self.cancelled.append(futures)



def _hooks(beats: int) -> pool._Hooks:
    return pool._Hooks(lambda _label: None, lambda _i, _result: None, beats_then_stop(beats), lambda _i, why: why)


def test_restarts_of_workers_holding_another_clients_tasks_do_not_stop_the_batch() -> None:
    client = SharedClient(restarts=3 * pool.MEMORY_RESTARTS, held=["leaky-0123456789abcdef"])
    with pytest.raises(AssertionError, match="still waits"):
        pool._run_on_dask([pool._Task("a", print, ())], client, _hooks(5), "test", beat_s=0.01)


def test_restarts_of_workers_holding_only_this_batchs_tasks_still_stop_it() -> None:
    client = SharedClient(restarts=3 * pool.MEMORY_RESTARTS, held=lambda key: [key])
    with pytest.raises(InputError, match="restarted 10 times"):
        pool._run_on_dask([pool._Task("a", print, ())], client, _hooks(200), "test", beat_s=0.01)
