"""The fake Dask client of the tests (tests/conftest.py `LostTaskClient`) keeps its subscriptions by
topic: it kept only the last handler, so a task's beginnings went to whatever `_run_on_dask`
subscribed last (today the nannies' restarts for memory come first and the tasks' topic last), and
tests depended on that order."""

from __future__ import annotations

from typing import Any

import pytest

from siting.runs import pool
from tests.conftest import LostTaskClient

pytest.importorskip("distributed")


@pytest.mark.parametrize("began_first", [True, False])
def test_beginnings_go_to_their_topic_whatever_the_order(began_first: bool) -> None:
    client = LostTaskClient(begins=2)
    heard: dict[str, list[Any]] = {"began": [], pool.MEMORY_TOPIC: []}
    topics = ["began", pool.MEMORY_TOPIC] if began_first else [pool.MEMORY_TOPIC, "began"]
    for topic in topics:
        client.subscribe_topic(topic, heard[topic].append)
    client.submit(pool._announced, "began", 3, print, key="test-3-a")
    assert heard == {"began": [(0.0, 3), (0.0, 3)], pool.MEMORY_TOPIC: []}
    client.unsubscribe_topic("began")
    client.submit(pool._announced, "began", 4, print, key="test-4-a-again1")
    assert heard["began"] == [(0.0, 3), (0.0, 3)]  # no longer subscribed


def test_a_batch_subscribing_in_another_order_hears_its_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_run_on_dask` with its two subscriptions made in the other order, on the fake client."""
    client = LostTaskClient(begins=1)
    subscribe = client.subscribe_topic
    made: list[tuple[str, Any]] = []

    def later_memory(topic: str, handler: Any) -> None:
        made.append((topic, handler))
        if topic != pool.MEMORY_TOPIC:
            for each in reversed(made):
                subscribe(*each)

    monkeypatch.setattr(client, "subscribe_topic", later_memory)
    begun: list[str] = []
    hooks = pool._Hooks(begun.append, lambda _i, _result: None, lambda: None, lambda _i, why: why)
    results = pool._run_on_dask([pool._Task("a", lambda: "ran", ())], client, hooks, "test", beat_s=0.01)
    assert results == ["ran"]
    assert begun == ["a", "a"]  # the lost submission and the one again
