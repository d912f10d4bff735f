"""A run on Dask whose workers died more often than it was heard to begin on one was lost, in
part, with workers it never ran on: two workers killed at once (a node going down, the OOM killer
taking both) makes the scheduler hand the run of the first to the second as it dies, and counts
both deaths against it, so on the local cluster (allowed-failures 1) a run under way once was
reported "Dask worker died 2 times running this case". It is submitted again; a run heard to begin
on as many workers as died is reported lost, as before."""

from __future__ import annotations

import pytest

from siting.runs import pool
from tests.conftest import LostTaskClient


def _run(begins: int) -> tuple[list[object], LostTaskClient]:
    client = LostTaskClient(begins)
    tasks = [pool._Task("run", lambda: "plan", ())]
    hooks = pool._Hooks(lambda _label: None, lambda _i, _result: None, lambda: None,
                        lambda _i, why: f"lost: {why}")
    return pool._run_on_dask(tasks, client, hooks, "test", beat_s=0.05), client


def test_a_run_begun_once_but_lost_with_two_workers_is_submitted_again() -> None:
    pytest.importorskip("dask.distributed")
    results, client = _run(begins=1)
    assert results == ["plan"]
    assert len(client.keys) == 2


def test_a_run_begun_on_every_worker_that_died_is_reported_lost() -> None:
    pytest.importorskip("dask.distributed")
    results, client = _run(begins=2)
    assert isinstance(results[0], str) and results[0].startswith("lost: Dask worker died 2 times")
    assert len(client.keys) == 1
