"""A batch on a Dask scheduler with no worker (none started yet, or all lost, by SIGKILL or
otherwise, before they held a run) waited without a word after the line said as it connected:
the scheduler counts such a loss against no run. It now says so after NO_WORKERS_BEATS quiet
beats, and again every NO_WORKERS_AGAIN_BEATS while none comes, says when workers are back, and
an interrupt still stops it with the tasks cancelled (siting/runs/pool.py `_WorkerWatch`). Time is
driven by beats, never by the clock."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from siting.runs import pool
from tests.conftest import WaitingClient

distributed = pytest.importorskip("distributed")

ADDRESS = "tcp://127.0.0.1:8786"


class NoWorkerClient(WaitingClient):
    """A client (`WaitingClient`) on which no task ever begins or ends, and the scheduler's workers at
    each question are the next of `counts` (the last repeated)."""

    def __init__(self, counts: list[int]) -> None:
        super().__init__()
        self.counts = counts
        self.asked = 0
        self.scheduler = SimpleNamespace(address=ADDRESS)

    def nthreads(self) -> dict[str, int]:
        count = self.counts[min(self.asked, len(self.counts) - 1)]
        self.asked += 1
        return {f"tcp://127.0.0.1:{40000 + n}": 1 for n in range(count)}


def _interrupted_after(beats: int) -> Any:
    """A beat that interrupts the batch (Ctrl-C) on its `beats`-th call."""
    count = [0]

    def beat() -> None:
        count[0] += 1
        if count[0] >= beats:
            raise KeyboardInterrupt

    return beat


def _wait(client: Any, beats: int) -> list[str]:
    """What `_run_on_dask` says (`hooks.notice`) over `beats` beats on `client`, then interrupted."""
    said: list[str] = []
    hooks = pool._Hooks(lambda _label: None, lambda _i, _result: None, _interrupted_after(beats),
                        lambda _i, why: why, notice=said.append)
    with pytest.raises(KeyboardInterrupt):
        pool._run_on_dask([pool._Task("a", print, ()), pool._Task("b", print, ())], client, hooks, "test",
                          beat_s=0.0)
    return said


def test_a_scheduler_without_workers_is_said_calmly_and_ctrl_c_stops_it() -> None:
    client = NoWorkerClient([0])
    beats = pool.NO_WORKERS_BEATS + 2 * pool.NO_WORKERS_AGAIN_BEATS + 1
    said = _wait(client, beats)
    expected = (f"waiting for workers: the Dask scheduler at {ADDRESS} has none (none started yet, or all lost); the "
                f"runs wait until one connects (dask worker {ADDRESS}, where this package is installed); Ctrl-C "
                "stops the batch, with nothing written")
    assert said == [expected] * 3  # at the first question, then once each NO_WORKERS_AGAIN_BEATS
    assert client.cancelled  # the interrupt cancels the tasks
    assert not client.handlers  # and drops the subscriptions


def test_nothing_is_said_before_the_first_question() -> None:
    assert _wait(NoWorkerClient([0]), pool.NO_WORKERS_BEATS) == []


def test_workers_back_are_said_once() -> None:
    client = NoWorkerClient([0, 2])
    said = _wait(client, 3 * pool.NO_WORKERS_BEATS + 1)
    assert said[1:] == [f"the Dask scheduler at {ADDRESS} has 2 workers now: the runs go on"]


def test_a_scheduler_with_workers_is_not_said() -> None:
    assert _wait(NoWorkerClient([1]), 3 * pool.NO_WORKERS_AGAIN_BEATS) == []


def test_the_command_line_progress_says_it() -> None:
    """`_case_hooks` hands the notice to the progress's own lines (`Progress.say`)."""
    heard: list[str] = []
    progress = pool.Progress.__new__(pool.Progress)
    progress.say = heard.append  # type: ignore[method-assign]
    case = SimpleNamespace(label="a")
    pool._case_hooks([case], progress).notice("waiting for workers")  # type: ignore[list-item]
    assert heard == ["waiting for workers"]


def test_a_real_scheduler_without_workers_is_said() -> None:
    """A real scheduler (a local cluster of no worker, its scheduler in this process): the notice comes by beats."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        said = _wait(client, pool.NO_WORKERS_BEATS + 1)
        assert said == [pool.no_workers_notice(client)]
        assert said[0].startswith("waiting for workers: the local Dask cluster has no workers")
        assert cluster.scheduler_address not in said[0]  # its loopback address is nothing to connect a worker to


def test_a_local_cluster_without_workers_is_said_as_local() -> None:
    """`--scheduler local` (a client of a cluster this process started): no loopback address, no `dask worker`."""
    client = NoWorkerClient([0, 0, 2])
    client.cluster = SimpleNamespace(scheduler_address=ADDRESS)  # type: ignore[attr-defined]
    said = _wait(client, 3 * pool.NO_WORKERS_BEATS + 1)
    assert said == [pool.no_workers_notice(client), "the local Dask cluster has 2 workers now: the runs go on"]
    assert said[0].startswith("waiting for workers: the local Dask cluster has no workers (all lost")
    assert ADDRESS not in said[0] and "dask worker" not in said[0]
