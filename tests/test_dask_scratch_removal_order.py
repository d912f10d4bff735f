"""The local Dask cluster's scratch folder (siting/runs/pool.py `dask_client`) is removed after
the cluster's own clean-up, also when the cluster's close fails before it reaches the scheduler
(Dask's SpecCluster closes its workers first: a nanny restarting a worker a run has just killed
raises "can only join a started process", `_close_cluster`). Its scheduler runs in this process
and holds a scratch folder of its own inside ours (Dask's WorkDir, `dask-scratch-space/
scheduler-...`); left open, it removed that folder only at exit, after `dask_client` had removed
the whole scratch folder, and Dask logged "Failed to remove '.../scheduler-...' ... No such file
or directory"."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from siting.runs import pool

distributed = pytest.importorskip("dask.distributed")


def test_a_failed_close_leaves_no_scheduler_folder_for_dask_to_miss_at_exit(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def failing_close(_cluster: Any, timeout: float | None = None) -> None:
        raise AssertionError("can only join a started process")  # before the scheduler is closed (Dask's own)

    said: list[str] = []
    monkeypatch.setattr(distributed.LocalCluster, "close", failing_close)
    with pool.dask_client("local", 1, said.append) as client:
        scheduler = client.cluster.scheduler
        scratch = Path(scheduler.local_directory).parent.parent
        assert scratch.name.startswith("siting-dask.")
    assert said[-1] == ("the local Dask cluster did not close cleanly (AssertionError: can only join a started "
                        "process); its worker processes end with this one")
    assert not scratch.exists()
    with caplog.at_level(logging.ERROR, logger="distributed.diskutils"):
        scheduler._workdir.release()  # what exit does with a scheduler folder still held
    assert [r.getMessage() for r in caplog.records if r.name == "distributed.diskutils"] == []
