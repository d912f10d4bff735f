"""Two batches on Dask on one client at once (siting.compare and siting.sweep from two threads of a
notebook with the same scheduler, or a batch started while another runs): Dask's client keeps one
handler per topic (`Client.subscribe_topic` replaces the one it has, and `unsubscribe_topic` stops
the scheduler sending the topic to the client), so the second batch's handlers for the nannies'
restarts for memory and the scheduler's removals of workers replaced the first's, and the first to
end unsubscribed the other's: the batch left running never heard its workers restarted for memory,
and waited for ever where it should stop (siting/runs/pool.py `_restarted`). The batches now share
one handler per client and topic (`_subscribe`), which passes each event to every batch on it and
is unsubscribed with the last."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from siting.config.errors import InputError
from siting.runs import pool
from tests.conftest import WaitingFuture, dask_stop_hooks, memory_restart_event

distributed = pytest.importorskip("distributed")


class _Done:
    """A future already ended with `value`."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def add_done_callback(self, callback: Any) -> None:
        callback(self)

    def result(self) -> Any:
        return self.value


class OneHandlerClient:
    """The little of a Dask client `_run_on_dask` uses, keeping its topics' handlers as
    distributed's Client does: one per topic, a subscription replacing the one there, an
    unsubscription stopping every event of the topic (`_event_handlers`, as Dask names it). The
    first task submitted starts `inner` (another batch on this client, run to its end) and then its
    worker is restarted for memory `restarts` times; that task never ends, unless `first_ends`. Every
    other task ends at once with its call's result."""

    def __init__(self, restarts: int, inner: Any = None, first_ends: bool = False) -> None:
        self.restarts, self.inner, self.first_ends = restarts, inner, first_ends
        self._event_handlers: dict[str, Any] = {}
        self.subscribed: set[str] = set()  # the topics the scheduler sends this client
        self.submitted = 0

    def subscribe_topic(self, topic: str, handler: Any) -> None:
        self._event_handlers[topic] = handler
        self.subscribed.add(topic)

    def unsubscribe_topic(self, topic: str) -> None:
        if topic not in self._event_handlers:
            raise ValueError(f"No event handler known for topic {topic}.")
        self.subscribed.discard(topic)  # (Dask keeps the handler, but the scheduler sends no more)

    def publish(self, topic: str, event: Any) -> None:
        if topic in self.subscribed:
            self._event_handlers[topic]((0.0, event))

    def submit(self, _announced: Any, topic: str, number: int, packed_call: Any, *_args: Any, key: str,
               **_kwargs: Any) -> Any:
        self.submitted += 1
        if self.submitted == 1:
            if self.inner is not None:
                self.inner(self)
            for n in range(self.restarts):
                self.publish(pool.MEMORY_TOPIC, memory_restart_event(n))
            if not self.first_ends:
                return WaitingFuture()
        self.publish(topic, number)
        return _Done(packed_call())

    def processing(self) -> dict[str, list[str]]:
        return {}  # no task under way: the workers die before they hold one

    def cancel(self, _futures: Any) -> None:
        pass



def _other_batch(client: Any) -> None:
    results = pool._run_on_dask([pool._Task("b", lambda: "ran", ())], client, dask_stop_hooks(200), "other",
                                beat_s=0.01)
    assert results == ["ran"]


def test_a_batch_still_hears_restarts_after_another_on_its_client_ended() -> None:
    client = OneHandlerClient(restarts=pool.MEMORY_RESTARTS, inner=_other_batch)
    with pytest.raises(InputError, match="restarted 10 times"):
        pool._run_on_dask([pool._Task("a", print, ())], client, dask_stop_hooks(200), "test", beat_s=0.01)


def test_the_topics_are_unsubscribed_once_the_last_batch_ends() -> None:
    client = OneHandlerClient(restarts=0, inner=_other_batch, first_ends=True)
    assert pool._run_on_dask([pool._Task("a", lambda: "ran", ())], client, dask_stop_hooks(200), "test") == ["ran"]
    assert client.subscribed == set()


_RELEASE = threading.Event()


def _held() -> str:
    """A run that waits until the test lets it end (bounded, so that no test hangs)."""
    _RELEASE.wait(60)
    return "held"


def test_on_a_real_client_a_batch_hears_restarts_after_another_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch "a" runs in a thread on a local cluster's client; batch "b" runs and ends on the same
    client meanwhile; then the scheduler logs a nanny's restart for memory: "a" must hear it."""
    from distributed import Client, LocalCluster

    heard: list[Any] = []
    monkeypatch.setattr(pool, "_restarted", lambda _restarts, event, _client: heard.append(event))
    began = threading.Event()
    outcome: list[Any] = []
    _RELEASE.clear()
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        hooks = pool._Hooks(lambda _label: began.set(), lambda _i, _result: None, lambda: None, lambda _i, why: why)

        def first() -> None:
            outcome.extend(pool._run_on_dask([pool._Task("a", _held, ())], client, hooks, "a", beat_s=0.05))

        thread = threading.Thread(target=first)
        thread.start()
        try:
            assert began.wait(60), "batch a never began"
            other = pool._run_on_dask([pool._Task("b", _fine, ())], client, dask_stop_hooks(10_000), "b", beat_s=0.05)
            assert other == ["fine"]
            client.log_event(pool.MEMORY_TOPIC, {"worker": "tcp://127.0.0.1:40000", "pid": 100, "rss": 1})
            for _ in range(200):  # (a bound, so that the test fails rather than waits)
                if heard:
                    break
                time.sleep(0.05)
        finally:
            _RELEASE.set()
            thread.join(60)
    assert heard == [{"worker": "tcp://127.0.0.1:40000", "pid": 100, "rss": 1}]
    assert outcome == ["held"]


def _fine() -> str:
    return "fine"
