"""Ctrl-C while the local Dask cluster starts, in a process that goes on after it (a notebook's:
`siting.sweep(..., scheduler="local")` interrupted in its first seconds). The cluster's start is
cancelled, but its nannies' starts went on in Dask's loop thread, starting their worker processes,
which then lived as long as the process (seen 30 s and more after the stop, and still there after
a second sweep), remade the cluster's scratch folder (`siting-dask.*`) after it was removed, and
every `distributed` logger was left at CRITICAL for the rest of the session. Now the half-started
workers and scheduler are ended before the stop goes up (siting/runs/pool.py `_end_half_started`),
and the loggers are as they were. The failures of the start's tasks in Dask's loop thread, which
asyncio logged as "Task exception was never retrieved ... Nanny failed to start." with a traceback
each under the stop (twice in 3 of 3 runs of a driver), are not logged, and asyncio logs such
failures again after (tests/test_dask_stop_while_starting_asyncio.py); the command line, whose
process ends, is unchanged (exit 130, quiet: tests/test_dask_local_ctrl_c.py)."""

from __future__ import annotations

import gc
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("dask.distributed")

import dask  # noqa: E402
from distributed.nanny import Nanny  # noqa: E402

from siting.runs import pool  # noqa: E402
from tests.conftest import alive, usr1_stops_the_main_thread  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def dask_levels() -> dict[str, tuple[int, bool]]:
    """Each `distributed` logger's own level and disabled flag."""
    return {key: (logger.level, logger.disabled) for key, logger in logging.Logger.manager.loggerDict.items()
            if (key == "distributed" or key.startswith("distributed.")) and isinstance(logger, logging.Logger)}


@pytest.fixture
def stop_as_workers_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """A stop (KeyboardInterrupt in the main thread, as Ctrl-C raises it) as soon as the first
    nanny has started its worker process; yields the pids of the worker processes started."""
    pids: list[int] = []
    main = threading.main_thread().ident
    assert main is not None
    instantiate = Nanny.instantiate

    async def instantiated(self: Nanny) -> Any:
        status = await instantiate(self)
        if self.process is not None and self.process.pid is not None:
            pids.append(self.process.pid)
        if len(pids) == 1:
            signal.pthread_kill(main, signal.SIGUSR1)
        return status

    monkeypatch.setattr(Nanny, "instantiate", instantiated)
    with usr1_stops_the_main_thread():
        yield pids


def test_a_stop_while_the_local_cluster_starts_leaves_nothing_running(
        tmp_path: Path, stop_as_workers_start: list[int]) -> None:
    before = dask_levels()
    with dask.config.set({"temporary-directory": str(tmp_path)}), pytest.raises(KeyboardInterrupt), \
            pool.dask_client("local", 2, lambda _line: None):
        pytest.fail("the cluster started")
    assert stop_as_workers_start, "no worker process was started before the stop"
    assert [pid for pid in stop_as_workers_start if alive(pid)] == []
    assert list(tmp_path.iterdir()) == []  # the cluster's scratch folder, not made again
    after = dask_levels()
    assert {key: after[key] for key in before} == before
    assert {after[key] for key in after.keys() - before.keys()} <= {(logging.NOTSET, False)}  # made meanwhile


def test_a_stop_while_the_local_cluster_starts_logs_no_failure_of_its_start(
        tmp_path: Path, stop_as_workers_start: list[int], caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging.getLogger("asyncio"), "filters", [])  # as in a fresh process
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        with dask.config.set({"temporary-directory": str(tmp_path)}), pytest.raises(KeyboardInterrupt) as stop, \
                pool.dask_client("local", 2, lambda _line: None):
            pytest.fail("the cluster started")
        del stop  # as a notebook lets go of sys.last_traceback, at its next error
        gc.collect()
    assert stop_as_workers_start, "no worker process was started before the stop"
    assert [record.getMessage() for record in caplog.records if record.name == "asyncio"] == []
    assert logging.getLogger("asyncio").filters == []  # a later failure inside Dask's code is logged
