"""A Dask worker that dies while the batch checks its workers as it connects (the scheduler's
connection to it closed: CommClosedError, "Stream is closed") is told from one that cannot import
this package (siting/runs/pool.py `workers_problem`, `_versions_problem`): it is said lost, and the
batch is not refused for it."""

from __future__ import annotations

from typing import Any

import pytest

from siting.config.errors import InputError
from tests.conftest import connect_to_workers


def _closed() -> BaseException:
    from distributed.comm.core import CommClosedError

    return CommClosedError("in <TCP (closed) Scheduler Broadcast local=tcp://127.0.0.1:8786>: Stream is closed")


def test_a_worker_that_dies_during_the_check_is_said_lost_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    said = connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": _closed()})
    lost = [line for line in said if "lost" in line]
    assert len(lost) == 1 and "tcp://127.0.0.1:40001" in lost[0] and "CommClosedError" in lost[0]
    assert "wait until one connects" in lost[0] and "cannot import" not in lost[0]


def test_a_worker_lost_at_the_version_check_is_said_lost_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")

    def dies_after_the_source_check(function: Any, args: tuple[Any, ...]) -> Any:
        if args and tuple(args[0]) == ("siting", "models"):
            return function(*args)
        return ConnectionResetError("Connection reset by peer")

    said = connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40002": lambda f, a: f(*a),
                                            "tcp://127.0.0.1:40001": dies_after_the_source_check})
    lost = [line for line in said if "lost" in line]
    assert len(lost) == 1 and "tcp://127.0.0.1:40001" in lost[0] and "40002" not in lost[0]
    assert "the runs go to the others" in lost[0]


def test_a_lost_worker_beside_one_that_cannot_import_names_only_that_one(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": _closed(),
                                         "tcp://127.0.0.1:40002": ModuleNotFoundError("No module named 'siting'")})
    text = str(raised.value)
    assert "1 of its 1 worker at" in text and "tcp://127.0.0.1:40002" in text and "tcp://127.0.0.1:40001" not in text


def test_an_error_the_check_raises_on_the_worker_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError, match="cannot import"):
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40003": PermissionError(13, "Permission denied")})
