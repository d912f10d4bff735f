"""Ctrl-C while the local Dask cluster starts: its half-started worker processes do not hear
Ctrl-C (siting/runs/pool.py `_loop_without_ctrl_c`). They are ended before the stop goes up
(`_end_half_started`), and Dask's loggers are then as they were (a notebook's process goes on:
tests/test_dask_stop_while_starting_notebook.py). Workers that could not be ended so end as the
command's process does, and their nannies then log it ("Restarting worker", "exit status was
already read") under the stop's one line: Dask's logs then stay quiet for the rest of the process.
The command line's own process, which ends with the stop, leaves them so at once: ending them
first made its stop take 2.8-3.0 s in place of 0.15-0.23 s (siting/config/progress.py
`ending_on_stop`, which cli.py `run` and the installed `siting` say through siting/cli.py `main`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

distributed = pytest.importorskip("dask.distributed")

import siting  # noqa: E402
import siting.cli  # noqa: E402
import siting.runs.pool as pool  # noqa: E402
from siting.config import progress  # noqa: E402

LATER = ("distributed.nanny", "distributed.process", "distributed.scheduler")


@pytest.fixture
def dask_levels() -> Iterator[None]:
    """Dask's loggers at the levels of a fresh process (distributed's own INFO, the others
    unset) for the test, every level restored after it."""
    loggers = [logging.getLogger("distributed")] + [
        logger for key, logger in logging.Logger.manager.loggerDict.items()
        if key.startswith("distributed.") and isinstance(logger, logging.Logger)]
    levels = [logger.level for logger in loggers]
    disabled = [logger.disabled for logger in loggers]
    for logger in loggers:  # as a fresh process has them: an earlier test in this worker may have quieted them
        logger.setLevel(logging.NOTSET)
        logger.disabled = False
    logging.getLogger("distributed").setLevel(logging.INFO)
    try:
        yield
    finally:
        for logger, level, off in zip(loggers, levels, disabled, strict=True):
            logger.setLevel(level)
            logger.disabled = off


def test_dasks_logs_are_as_they_were_after_a_stop_before_the_cluster_was_made(
        monkeypatch: pytest.MonkeyPatch, dask_levels: None) -> None:
    def stopped(**_settings: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C as the cluster starts

    monkeypatch.setattr(distributed, "LocalCluster", stopped)
    assert all(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)
    with pytest.raises(KeyboardInterrupt), pool.dask_client("local", 1, lambda _line: None):
        pass
    assert all(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)


def test_dasks_logs_stay_quiet_after_a_stop_leaving_workers_not_ended(
        monkeypatch: pytest.MonkeyPatch, dask_levels: None) -> None:
    from distributed.deploy.spec import SpecCluster

    def stopped(**_settings: Any) -> Any:
        SpecCluster._instances.add(half := Half())  # registered as Dask's do as they start
        made.append(half)
        raise KeyboardInterrupt

    class Half:
        """A cluster stopped while starting."""

    made: list[Half] = []
    monkeypatch.setattr(distributed, "LocalCluster", stopped)
    monkeypatch.setattr(pool, "_end_half_started", lambda _cluster, _loop: False)  # its workers not ended
    with pytest.raises(KeyboardInterrupt), pool.dask_client("local", 1, lambda _line: None):
        pass
    assert made and made[0] not in set(SpecCluster._instances)
    assert not any(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)


class Half:
    """A cluster stopped while starting (registered as Dask's are as they start)."""


def test_the_command_line_leaves_a_cluster_stopped_while_starting_to_its_process_s_end(
        monkeypatch: pytest.MonkeyPatch, dask_levels: None) -> None:
    from distributed.deploy.spec import SpecCluster

    def stopped(**_settings: Any) -> Any:
        SpecCluster._instances.add(half := Half())
        made.append(half)
        raise KeyboardInterrupt

    def not_waited(_cluster: Any, _loop: Any) -> bool:
        pytest.fail("the command line waited for the half-started workers' starts to end them")

    made: list[Half] = []
    runners: list[Any] = []
    start = pool._loop_without_ctrl_c
    monkeypatch.setattr(distributed, "LocalCluster", stopped)
    monkeypatch.setattr(pool, "_end_half_started", not_waited)
    monkeypatch.setattr(pool, "_loop_without_ctrl_c", lambda: runners.append(start()) or runners[-1])
    try:
        with pytest.raises(KeyboardInterrupt), progress.ending_on_stop(), \
                pool.dask_client("local", 1, lambda _line: None):
            pass
    finally:
        for runner in runners:  # the command line leaves its loop's thread to its process's end
            runner.stop()
    assert made and made[0] not in set(SpecCluster._instances)
    assert not any(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)


@pytest.mark.parametrize("own_process", [True, False])
def test_only_the_command_s_own_process_says_it_ends_with_a_stop(
        monkeypatch: pytest.MonkeyPatch, own_process: bool) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(siting.cli, "option_problems", lambda _args: None)
    monkeypatch.setattr(siting.cli, "run_command", lambda _args: seen.append(progress.ends_on_stop()) or 0)
    assert siting.cli.main(["check", "scenario.yaml"], own_process=own_process) == 0
    assert seen == [own_process]
    assert not progress.ends_on_stop()


def test_the_command_s_entry_points_say_it_is_their_own_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import cli

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(siting.cli, "main", lambda **kwargs: calls.append(kwargs) or 0)
    assert cli.run() == 0
    assert siting._command_line() == 0
    assert calls == [{"own_process": True}, {"own_process": True}]
