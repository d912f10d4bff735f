"""Batches on Dask (siting/runs/pool.py `dask_client`, `_run_on_dask`): the runs under way on the
progress as the process pool gives them, one local cluster per batch announced as it starts and
when it is ready, and tasks of two batches on one scheduler kept apart. An in-process cluster
(threads, no worker processes) stands in for the local cluster's processes, which take seconds
to start; tests/test_comparison.py runs a sweep on a real local cluster.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("dask.distributed")

import siting.runs.pool as pool  # noqa: E402
from siting.runs.pool import Case, CaseSummary, Progress, _case_hooks, _Hooks, _run_on_dask, _Task, run_cases  # noqa: E402


@pytest.fixture
def client() -> Iterator[Any]:
    """A client of an in-process cluster of one single-threaded worker."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as dask:
        yield dask


def solved(label: str, seconds: float = 0.0) -> CaseSummary:
    """A run that takes `seconds` and ends "optimal"."""
    time.sleep(seconds)
    return CaseSummary(label=label, ok=True, status="optimal")


def cases(*labels: str) -> list[Case]:
    return [Case(label, Path("scenario.yaml"), Path(label)) for label in labels]


def test_the_runs_under_way_are_shown_as_a_worker_begins_them(client: Any):
    """One worker: "slow" (1.5 s) runs first, "quick" after it. Beating every 0.3 s, the first
    plain line comes while slow runs and names it under way; each run is heard begun before it is
    done, and the summaries come back in task order."""
    stream = io.StringIO()
    progress = Progress(2, stream=stream)
    heard: list[str] = []
    hooks = _case_hooks(cases("slow", "quick"), progress)
    recording = _Hooks(lambda label: (heard.append(f"begin {label}"), hooks.begin(label))[1],
                       lambda i, summary: (heard.append(f"done {summary.label}"), hooks.done(i, summary))[1],
                       hooks.beat, hooks.lost)
    tasks = [_Task("slow", solved, ("slow", 1.5)), _Task("quick", solved, ("quick",))]
    summaries = _run_on_dask(tasks, client, recording, "siting-run", beat_s=0.3)
    assert [s.label for s in summaries] == ["slow", "quick"]
    assert heard.index("begin slow") < heard.index("done slow")
    assert heard.index("begin quick") < heard.index("done quick")
    lines = stream.getvalue().splitlines()
    assert re.fullmatch(r"runs: 0/2 done, \d+ s elapsed; running: slow \d+ s", lines[0]), lines
    assert re.fullmatch(r"runs: 1/2 done \(slow: optimal within the gap\), \d+ s elapsed, about \d+ s left"
                        r"(; running: quick \d+ s)?", lines[1]), lines
    assert re.fullmatch(r"runs: 2/2 done \(quick: optimal within the gap\), \d+ s elapsed, about 0 s left",
                        lines[2]), lines
    assert len(lines) == 3


def test_two_batches_on_one_scheduler_keep_their_own_runs(client: Any):
    """Two batches submit a run of the same label at once (as two sweeps of one scenario on a
    shared scheduler would): each gets its own run's result, not the other's."""
    got: dict[str, Any] = {}

    def batch(name: str) -> None:
        quiet = _Hooks(lambda _label: None, lambda _i, _r: None, lambda: None, lambda _i, why: why)
        got[name] = _run_on_dask([_Task("run01", solved, (name, 0.2))], client, quiet, "siting-run")[0].label

    threads = [threading.Thread(target=batch, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert got == {"first": "first", "second": "second"}


def test_a_local_cluster_starts_once_per_batch_and_says_so(monkeypatch: pytest.MonkeyPatch):
    """A warm batch (the first run alone, then the others) on `scheduler="local"` with 2 workers:
    one cluster for both steps, asked for 2 single-threaded worker processes on loopback; a line
    as it starts and one when it is ready, before the runs' lines; closed at the end."""
    made: list[dict[str, Any]] = []
    clusters: list[Any] = []
    local_cluster = distributed.LocalCluster

    def in_process(**kwargs: Any) -> Any:
        made.append(kwargs)
        clusters.append(local_cluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                      local_directory=kwargs["local_directory"]))
        return clusters[-1]

    monkeypatch.setattr(distributed, "LocalCluster", in_process)
    monkeypatch.setattr(pool, "run_case", lambda case, _start, _keep: solved(case.label))
    stream = io.StringIO()
    summaries = run_cases(cases("a", "b", "c"), workers=2, scheduler="local", progress=Progress(3, stream=stream),
                          warm=True)
    assert [s.label for s in summaries] == ["a", "b", "c"]
    scratch = made[0]["local_directory"]
    loop = made[0].pop("loop")  # a loop of its own, whose thread keeps Ctrl-C from the workers
    assert loop.asyncio_loop.is_closed()  # stopped once the cluster was closed
    assert made == [{"n_workers": 2, "threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
                     "dashboard_address": None, "local_directory": scratch, "preload": ["siting.runs.pool"],
                     "scheduler_kwargs": {"local_directory": scratch, "dashboard_address": "127.0.0.1:0"}}]
    assert not Path(scratch).exists()
    assert clusters[0].status.name == "closed"
    lines = stream.getvalue().splitlines()
    assert lines[0] == "starting a local Dask cluster (2 workers) ..."
    assert re.fullmatch(r"local Dask cluster ready \(2 workers\) in \d+\.\d s", lines[1]), lines
    assert sum("Dask" in line for line in lines) == 2
    assert re.fullmatch(r"runs: 1/3 done \(a: optimal within the gap\), .*", lines[2]), lines
