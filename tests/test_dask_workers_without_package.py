"""A Dask scheduler whose workers cannot import this package is refused as the batch connects:
such a worker ends as it is handed a run (it cannot read the task), and the runs then wait for
ever on a scheduler with no worker left, saying nothing."""

from __future__ import annotations

import pytest

from siting.config.errors import InputError
from siting.runs import pool


class _Client:
    """A connected client whose workers answer `run` as given."""

    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers

    def run(self, _function, *_args, on_error="raise", **_kwargs):
        assert on_error == "return"
        return self.answers

    def nthreads(self) -> dict[str, int]:
        return {address: 1 for address in self.answers}

    def close(self) -> None:
        pass


def _connect(monkeypatch: pytest.MonkeyPatch, answers: dict[str, object]) -> list[str]:
    monkeypatch.setattr(pool, "_connected", lambda _type, _scheduler: _Client(answers))
    said: list[str] = []
    with pool.dask_client("tcp://127.0.0.1:8786", 2, said.append):
        pass
    return said


def test_a_worker_that_cannot_import_the_package_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        _connect(monkeypatch, {"tcp://127.0.0.1:40001": object(),
                               "tcp://127.0.0.1:40002": ModuleNotFoundError("No module named 'siting'")})
    text = str(raised.value)
    assert "--scheduler" in text and "tcp://127.0.0.1:40002" in text and "tcp://127.0.0.1:40001" not in text
    assert "cannot import" in text and "No module named 'siting'" in text


def test_a_worker_where_the_package_is_not_found_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError, match=r"tcp://127\.0\.0\.1:40003"):
        _connect(monkeypatch, {"tcp://127.0.0.1:40003": None})


def test_workers_with_the_package_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    said = _connect(monkeypatch, {"tcp://127.0.0.1:40001": object()})
    assert any("1 worker" in line for line in said)


def test_a_scheduler_without_workers_says_the_runs_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    said = _connect(monkeypatch, {})
    assert any("no worker" in line and "wait" in line for line in said)
