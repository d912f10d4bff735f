"""A stop (Ctrl-C, SIGTERM) while the local Dask cluster closes (siting/runs/pool.py
`_close_cluster`): the KeyboardInterrupt cuts the close short before it reaches the scheduler,
which runs in this process and holds a scratch folder of its own inside the cluster's (Dask's
WorkDir, `dask-scratch-space/scheduler-...`). Left held, it was removed only at exit, after
`dask_client` had removed the whole scratch folder, and Dask logged "Failed to remove
'.../scheduler-...' ... No such file or directory" under the stop's one line (a sweep stopped with
Ctrl-C as its runs ended, on tests/data/small)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from siting.runs import pool

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

    monkeypatch.setattr(distributed.LocalCluster, "close", stopped_close)
    with pytest.raises(KeyboardInterrupt), pool.dask_client("local", 1, lambda _line: None) as client:
        cluster = client.cluster
        assert cluster in SpecCluster._instances
    assert cluster not in SpecCluster._instances
    assert [logging.getLogger(name).disabled for name in ("distributed.nanny", "distributed.process")] == [True, True]
