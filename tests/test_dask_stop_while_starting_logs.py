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
    """Every level of Dask's loggers restored after the test."""
    loggers = [logging.getLogger("distributed")] + [
        logger for key, logger in logging.Logger.manager.loggerDict.items()
        if key.startswith("distributed.") and isinstance(logger, logging.Logger)]
    levels = [logger.level for logger in loggers]
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def test_dasks_logs_stay_quiet_after_a_stop_while_the_local_cluster_starts(
        monkeypatch: pytest.MonkeyPatch, dask_levels: None) -> None:
    def stopped(**_settings: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C as the cluster starts

    monkeypatch.setattr(distributed, "LocalCluster", stopped)
    assert all(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)
    with pytest.raises(KeyboardInterrupt), pool.dask_client("local", 1, lambda _line: None):
        pass
    assert not any(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in LATER)
