"""A local Dask cluster whose teardown fails (a nanny restarting a worker a run has just killed:
Dask's "can only join a started process") does not turn a finished batch into a traceback: the
error is said, the block's result stands."""

from __future__ import annotations

from typing import Any

import pytest

from siting.runs import pool


class _Cluster:
    closed = False

    def close(self) -> None:
        _Cluster.closed = True
        raise AssertionError("can only join a started process")


class _Client:
    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster

    def close(self) -> None:
        pass


def test_a_cluster_teardown_error_is_said_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    distributed = pytest.importorskip("dask.distributed")
    monkeypatch.setattr(pool, "_local_cluster", lambda *_args: _Cluster())
    monkeypatch.setattr(distributed, "Client", _Client)
    heard: list[str] = []
    with pool.dask_client("local", 1, heard.append) as client:
        assert isinstance(client, _Client)
    assert _Cluster.closed
    assert heard[-1] == ("the local Dask cluster did not close cleanly (AssertionError: can only join a started "
                         "process); its worker processes end with this one")
