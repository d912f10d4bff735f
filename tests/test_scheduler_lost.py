"""A batch on Dask whose client loses the scheduler while the runs are under way ends with one
clear problem (exit 2, nothing written), not with every run reported as failed and a comparison
that blames the scenarios: Dask cancels every future then, reason "scheduler-connection-lost"."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

import siting.runs.pool as pool
from siting.config.errors import InputError

distributed = pytest.importorskip("distributed")
from distributed.client import FutureCancelledError  # noqa: E402


class LostFuture:
    """A future Dask cancelled as its client lost the scheduler (or, `why`, for another reason)."""

    def __init__(self, key: str, why: str):
        self.key, self.why = key, why

    def add_done_callback(self, callback: Any) -> None:
        callback(self)

    def result(self) -> Any:
        raise FutureCancelledError(self.key, self.why)


class LostClient:
    """The little of a Dask client `_run_on_dask` uses; every future it makes is cancelled."""

    scheduler = SimpleNamespace(address="tcp://10.0.0.5:8786")

    def __init__(self, why: str = pool.SCHEDULER_LOST):
        self.why = why
        self.cancelled: list[Any] = []

    def subscribe_topic(self, _topic: str, _handler: Any) -> None:
        pass

    def unsubscribe_topic(self, _topic: str) -> None:
        pass

    def submit(self, *_args: Any, key: str, **_kwargs: Any) -> LostFuture:
        return LostFuture(key, self.why)

    def cancel(self, futures: Any) -> None:
        self.cancelled.append(futures)


def hooks(lost: list[str]) -> pool._Hooks:
    return pool._Hooks(lambda _label: None, lambda _i, _result: None, lambda: None,
                       lambda _i, why: lost.append(why) or why)


def tasks() -> list[pool._Task]:
    return [pool._Task("a", print, ()), pool._Task("b", print, ())]


def test_a_lost_scheduler_ends_the_batch_with_one_problem() -> None:
    lost: list[str] = []
    client = LostClient()
    with pytest.raises(InputError) as caught:
        pool._run_on_dask(tasks(), client, hooks(lost), "siting-run")
    assert caught.value.problems == [
        "--scheduler | lost the connection to the Dask scheduler at tcp://10.0.0.5:8786 while the runs were under "
        "way (scheduler-connection-lost): no run failed on its own and nothing was written; start the scheduler "
        "again and repeat the command, or drop --scheduler"]
    assert lost == [] and client.cancelled == []


def test_a_task_cancelled_otherwise_is_that_run_lost() -> None:
    """Any other cancellation stays the run's own failure, said as Dask says it."""
    lost: list[str] = []
    results = pool._run_on_dask(tasks(), LostClient("unknown"), hooks(lost), "siting-run")
    assert len(lost) == 2 and results == lost
    assert lost[0].startswith("Dask worker failed: distributed.client.FutureCancelledError: ")


def test_only_that_reason_is_a_lost_scheduler() -> None:
    assert pool.scheduler_lost(FutureCancelledError("k", "scheduler-connection-lost"))
    assert not pool.scheduler_lost(FutureCancelledError("k", "unknown"))
    assert not pool.scheduler_lost(ValueError("scheduler-connection-lost"))
