"""A Dask scheduler whose workers cannot import this package is refused as the batch connects:
such a worker ends as it is handed a run (it cannot read the task), and the runs then wait for
ever on a scheduler with no worker left, saying nothing."""

from __future__ import annotations

import pytest

from siting.config.errors import InputError
from tests.conftest import connect_to_workers


def test_a_worker_that_cannot_import_the_package_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": object(),
                                         "tcp://127.0.0.1:40002": ModuleNotFoundError("No module named 'siting'")})
    text = str(raised.value)
    assert "--scheduler" in text and "tcp://127.0.0.1:40002" in text and "tcp://127.0.0.1:40001" not in text
    assert "cannot import" in text and "No module named 'siting'" in text


def test_a_worker_where_the_package_is_not_found_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError, match=r"tcp://127\.0\.0\.1:40003"):
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40003": None})


def test_workers_with_the_package_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    said = connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": object()})
    assert any("1 worker" in line for line in said)


def test_a_scheduler_without_workers_says_the_runs_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    said = connect_to_workers(monkeypatch, {})
    assert any("no worker" in line and "wait" in line for line in said)
