"""A stop (Ctrl-C, SIGTERM) while the local Dask cluster closes (siting/runs/pool.py
`_close_cluster`): the KeyboardInterrupt cuts the close short before it reaches the scheduler,
which runs in this process and holds a scratch folder of its own inside the cluster's (Dask's
WorkDir, `dask-scratch-space/scheduler-...`). Left held, it was removed only at exit, after
`dask_client` had removed the whole scratch folder, and Dask logged "Failed to remove
'.../scheduler-...' ... No such file or directory" under the stop's one line (a sweep stopped with
Ctrl-C as its runs ended, on tests/data/small). In a process that goes on (a notebook's), the
close's cancelled coroutine had let go of the worker processes, which lived 1-3 s after the stop
went up, and the loggers of their nannies were disabled for the rest of the session: the workers
and the scheduler are now ended on the cluster's loop before the stop goes up
(`_end_cut_close`), and the loggers stay as they were; the command line's process, which ends
with the stop (siting/config/progress.py `ending_on_stop`), leaves them to its end, at once."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from siting.config import progress
from siting.runs import pool
from tests.conftest import alive, usr1_stops_the_main_thread

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(autouse=True)
def loggers_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loggers a stopped close disables (pool.STOPPED_CLOSE_SILENT) enabled for each test and
    as they were after it: a later test in this process hears them."""
    for name in pool.STOPPED_CLOSE_SILENT:
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


def test_a_stop_while_the_cluster_closes_leaves_no_scheduler_folder_for_dask_to_miss_at_exit(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def stopped_close(_cluster: Any, timeout: float | None = None) -> None:
        raise KeyboardInterrupt  # Ctrl-C as it closes, before the scheduler is closed

    monkeypatch.setattr(distributed.LocalCluster, "close", stopped_close)
    with pytest.raises(KeyboardInterrupt), pool.dask_client("local", 1, lambda _line: None) as client:
        scheduler = client.cluster.scheduler
        scratch = Path(scheduler.local_directory).parent.parent
        assert scratch.name.startswith("siting-dask.")
    assert not scratch.exists()
    with caplog.at_level(logging.ERROR, logger="distributed.diskutils"):
        scheduler._workdir.release()  # what exit does with a scheduler folder still held
    assert [r.getMessage() for r in caplog.records if r.name == "distributed.diskutils"] == []


def test_a_stop_while_the_cluster_closes_leaves_dask_s_exit_hook_nothing_to_wait_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask's exit hook (`close_clusters`) closes every cluster still in `SpecCluster._instances`
    with a 10 s timeout: a cluster whose close a stop cut short was closed again there, the command
    sitting up to 10 s after its stop line (14 of 14 stops 0.02-0.5 s after a sweep's cross-starts
    ended) and a nanny's "Restarting worker" printed under it. It is no longer left to the hook,
    and Dask's logs stay quiet."""
    from distributed.deploy.spec import SpecCluster

    def stopped_close(_cluster: Any, timeout: float | None = None) -> None:
        raise KeyboardInterrupt

    def not_waited(_cluster: Any, _processes: Any) -> bool:
        pytest.fail("the command line waited for the workers to end")

    monkeypatch.setattr(distributed.LocalCluster, "close", stopped_close)
    monkeypatch.setattr(pool, "_end_cut_close", not_waited)
    with pytest.raises(KeyboardInterrupt), progress.ending_on_stop(), \
            pool.dask_client("local", 1, lambda _line: None) as client:
        cluster = client.cluster
        assert cluster in SpecCluster._instances
    assert cluster not in SpecCluster._instances
    assert [logging.getLogger(name).disabled for name in ("distributed.nanny", "distributed.process")] == [True, True]


@pytest.fixture
def stop_as_workers_are_asked_to_stop(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """A stop (KeyboardInterrupt in the main thread, as Ctrl-C raises it) just after the cluster's
    close asked its first worker process to stop, which takes it a second or more; yields the pids
    of the worker processes asked."""
    from distributed.nanny import WorkerProcess

    pids: list[int] = []
    main = threading.main_thread().ident
    assert main is not None
    kill = WorkerProcess.kill

    async def asked(self: WorkerProcess, *args: Any, **kwargs: Any) -> None:
        if self.process is not None:
            pids.append(self.process.pid)
        if len(pids) == 1:
            asyncio.get_running_loop().call_later(0.05, signal.pthread_kill, main, signal.SIGUSR1)
        await kill(self, *args, **kwargs)

    monkeypatch.setattr(WorkerProcess, "kill", asked)
    with usr1_stops_the_main_thread():
        yield pids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_stop_while_the_cluster_closes_in_a_process_that_goes_on_leaves_nothing_running(
        tmp_path: Path, stop_as_workers_are_asked_to_stop: list[int]) -> None:
    import dask
    from distributed.deploy.spec import SpecCluster

    with dask.config.set({"temporary-directory": str(tmp_path)}), pytest.raises(KeyboardInterrupt), \
            pool.dask_client("local", 2, lambda _line: None) as client:
        cluster = client.cluster
    assert stop_as_workers_are_asked_to_stop, "the close asked no worker process to stop"
    assert [pid for pid in stop_as_workers_are_asked_to_stop if alive(pid)] == []
    assert cluster not in SpecCluster._instances
    assert list(tmp_path.iterdir()) == []
    assert [logging.getLogger(name).disabled for name in pool.STOPPED_CLOSE_SILENT] == [False, False]
