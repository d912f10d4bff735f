"""Ctrl-C while the local Dask cluster starts: its half-started worker processes do not hear
Ctrl-C (siting/runs/pool.py `_loop_without_ctrl_c`) and end as the command's process does, and
their nannies then log it ("Restarting worker", "exit status was already read") under the stop's
one line. Dask's logs stay quiet for the rest of the process after such a stop."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

distributed = pytest.importorskip("dask.distributed")

import siting.runs.pool as pool  # noqa: E402

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


def test_dasks_logs_stay_quiet_after_a_stop_while_the_local_cluster_starts(
        monkeypatch: pytest.MonkeyPatch, dask_levels: None) -> None:
    def stopped(**_settings: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C as the cluster starts

    monkeypatch.setattr(distributed, "LocalCluster", stopped)
    assert all(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)
    with pytest.raises(KeyboardInterrupt), pool.dask_client("local", 1, lambda _line: None):
        pass
    assert not any(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)
