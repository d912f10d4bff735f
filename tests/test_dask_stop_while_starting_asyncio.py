"""Ctrl-C while the local Dask cluster starts, in a process that goes on after it (a notebook's):
the cluster's start goes on in Dask's loop thread and its tasks fail, and asyncio logs each such
exception, never retrieved ("Task exception was never retrieved ... Nanny failed to start."), with
its traceback. A filter on asyncio's logger dropped those records, but it was added only once the
half-started cluster was ended, after asyncio had logged them (a notebook saw two tracebacks under
the stop), and it stayed for the rest of the process, dropping every later asyncio record of a
failure inside Dask's code. Now it is on while the half-started cluster is ended and its loop
stopped (siting/runs/pool.py `_end_stopped_start`) and taken off after, once the stop's traceback,
which a notebook keeps (sys.last_traceback), no longer holds Dask's frames and tasks; the command
line's process, which ends with the stop, keeps it to its end."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

distributed = pytest.importorskip("distributed")

from distributed.deploy.spec import ProcessInterface, SpecCluster  # noqa: E402
from distributed.utils import LoopRunner  # noqa: E402

from siting.config import progress  # noqa: E402
from siting.runs import pool  # noqa: E402

ASYNCIO = logging.getLogger("asyncio")


def raised_inside_dask() -> AttributeError:
    """An exception raised inside Dask's code (a frame of its traceback in distributed)."""
    try:
        ProcessInterface.__init__(None)  # type: ignore[arg-type]
    except AttributeError as exc:
        return exc
    raise AssertionError("Dask's ProcessInterface no longer fails without an instance")


async def dasks_start() -> None:
    """A task of a cluster's start that fails inside Dask's code."""
    raise raised_inside_dask()


class HalfStarted:
    """A cluster that registers itself as Dask's do as they start, holds a task of its start that
    failed and whose exception nobody retrieved, and is then stopped by Ctrl-C."""

    made: ClassVar[list[str]] = []

    def __init__(self, **_settings: object) -> None:
        loop = asyncio.new_event_loop()
        task = loop.create_task(dasks_start())
        loop.run_until_complete(asyncio.wait([task]))  # ended, its exception not retrieved
        loop.close()
        SpecCluster._instances.add(self)  # type: ignore[arg-type]
        HalfStarted.made.append(task.get_name())
        raise KeyboardInterrupt


@pytest.fixture
def logs_as_they_were() -> Iterator[None]:
    """asyncio's logger without filters, as in a fresh process, for the test; its filters, and
    Dask's loggers' levels (a stop leaving workers running quiets them for good), as they were
    after it."""
    filters = list(ASYNCIO.filters)
    ASYNCIO.filters[:] = []
    loggers = [logger for key, logger in logging.Logger.manager.loggerDict.items()
               if (key == "distributed" or key.startswith("distributed.")) and isinstance(logger, logging.Logger)]
    levels = [(logger, logger.level, logger.disabled) for logger in loggers]
    yield
    ASYNCIO.filters[:] = filters
    for logger, level, disabled in levels:
        logger.setLevel(level)
        logger.disabled = disabled


def dask_failures(caplog: pytest.LogCaptureFixture) -> list[BaseException]:
    """The exceptions raised inside Dask's code that asyncio's log recorded."""
    return [record.exc_info[1] for record in caplog.records if record.name == "asyncio" and record.exc_info
            and record.exc_info[1] is not None and pool._inside_dask(record.exc_info[1])]


def test_a_notebook_keeps_asyncio_s_log_after_a_stop_while_the_cluster_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        logs_as_they_were: None) -> None:
    monkeypatch.setattr(pool, "_end_half_started", lambda _cluster, _loop: True)  # its workers ended
    runner = LoopRunner()
    runner.start()
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        with pytest.raises(KeyboardInterrupt) as stop:
            pool._local_cluster(HalfStarted, 2, str(tmp_path), runner)
        assert HalfStarted.made
        assert pool._unretrieved_outside_dask not in ASYNCIO.filters
        del stop  # as a notebook lets go of sys.last_traceback, at its next error
        gc.collect()
        assert dask_failures(caplog) == []  # the start's failed task: dropped while the stop was raised
        later = raised_inside_dask()
        ASYNCIO.error("Task exception was never retrieved", exc_info=later)
    assert dask_failures(caplog) == [later]  # a later failure inside Dask's code is logged
    assert not runner.is_started()  # stopped: nothing runs on its loop any more


def test_the_command_line_drops_dasks_unretrieved_failures_to_its_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        logs_as_they_were: None) -> None:
    monkeypatch.setattr(pool, "_end_half_started", lambda _cluster, _loop: pytest.fail("waited to end them"))
    runner: Any = LoopRunner()
    runner.start()
    try:
        with pytest.raises(KeyboardInterrupt), progress.ending_on_stop():
            pool._local_cluster(HalfStarted, 2, str(tmp_path), runner)
        assert runner.is_started()  # left to the process's end
    finally:
        runner.stop()
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        ASYNCIO.error("Task exception was never retrieved", exc_info=raised_inside_dask())
    assert dask_failures(caplog) == []
