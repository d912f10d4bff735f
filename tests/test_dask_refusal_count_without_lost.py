"""A batch on Dask refused for its workers says how many of the scheduler's workers are concerned
("1 of its 2 workers"): the count took in the workers lost during the check, which are said lost
on their own line and are no longer the scheduler's (siting/runs/pool.py `workers_problem`,
`_versions_problem`). It now counts the workers that answered the check."""

from __future__ import annotations

from typing import Any

import pytest

from siting.config.errors import InputError
from tests.conftest import connect_to_workers


def _closed() -> BaseException:
    from distributed.comm.core import CommClosedError

    return CommClosedError("in <TCP (closed) Scheduler Broadcast local=tcp://127.0.0.1:8786>: Stream is closed")


def test_a_refusal_for_the_package_counts_only_the_workers_that_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": _closed(),
                                         "tcp://127.0.0.1:40002": ModuleNotFoundError("No module named 'siting'"),
                                         "tcp://127.0.0.1:40003": lambda f, a: f(*a)})
    text = str(raised.value)
    assert "1 of its 2 workers at" in text and "of its 3" not in text


def test_a_refusal_for_versions_counts_only_the_workers_that_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")

    def lost_at_the_version_check(function: Any, args: tuple[Any, ...]) -> Any:
        if args and tuple(args[0]) == ("siting", "models"):
            return function(*args)
        return ConnectionResetError("Connection reset by peer")

    def other_pyomo(function: Any, args: tuple[Any, ...]) -> Any:
        found = function(*args)
        return {**found, "pyomo": "0.0.1"} if isinstance(found, dict) else found

    with pytest.raises(InputError) as raised:
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": lost_at_the_version_check,
                                         "tcp://127.0.0.1:40002": other_pyomo,
                                         "tcp://127.0.0.1:40003": lambda f, a: f(*a)})
    text = str(raised.value)
    assert "pyomo 0.0.1 there" in text
    assert "1 of its 2 workers at" in text and "of its 3" not in text
