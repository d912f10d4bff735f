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
from tests.conftest import WaitingClient, WaitingFuture, dask_stop_hooks, memory_restart_event

distributed = pytest.importorskip("distributed")


class SharedClient(WaitingClient):
    """A client (`WaitingClient`) on a scheduler whose worker is restarted for memory `restarts` times
    as the tasks are submitted, each time holding `held` (the keys the scheduler says it held as it
    removed it), and no task of the batch ever begins or ends; the only worker is away
    (`processing` shows no task under way)."""

    def __init__(self, restarts: int, held: Any) -> None:
        super().__init__()
        self.restarts, self.held = restarts, held

    def submit(self, *_args: Any, key: str, **_kwargs: Any) -> WaitingFuture:
        for n in range(self.restarts):
            event = memory_restart_event(n)
            self.restart_for_memory(event)
            held = self.held(key) if callable(self.held) else self.held
            self.handlers.get("all", lambda _event: None)(
                (0.0, {"action": "remove-worker", "processing-tasks": set(held), "lost-computed-tasks": set(),
                       "lost-scattered-tasks": set(), "expected": False, "worker": event["worker"]}))
        return WaitingFuture()


def test_restarts_of_workers_holding_another_clients_tasks_do_not_stop_the_batch() -> None:
    client = SharedClient(restarts=3 * pool.MEMORY_RESTARTS, held=["leaky-0123456789abcdef"])
    with pytest.raises(AssertionError, match="still waits"):
        pool._run_on_dask([pool._Task("a", print, ())], client, dask_stop_hooks(5), "test", beat_s=0.01)


def test_restarts_of_workers_holding_only_this_batchs_tasks_still_stop_it() -> None:
    client = SharedClient(restarts=3 * pool.MEMORY_RESTARTS, held=lambda key: [key])
    with pytest.raises(InputError, match="restarted 10 times"):
        pool._run_on_dask([pool._Task("a", print, ())], client, dask_stop_hooks(200), "test", beat_s=0.01)
