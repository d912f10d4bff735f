"""A Dask scheduler some of whose workers run another version of this package (their source
differs from this process's) is refused as the batch connects: such a worker runs its runs with
its own code, silently, and the batch's plans and tables would mix two versions' results."""

from __future__ import annotations

import pickle

import pytest

from siting.config.errors import InputError
from siting.runs import pool
from tests.conftest import connect_to_workers


def _same(function, args):
    return function(*args)  # a worker with this very source


def test_a_worker_with_another_version_of_the_package_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": _same, "tcp://127.0.0.1:40002": "0" * 64})
    text = str(raised.value)
    assert "--scheduler" in text and "tcp://127.0.0.1:40002" in text and "tcp://127.0.0.1:40001" not in text
    assert "another version" in text and "1 of its 2 workers" in text


def test_workers_with_the_same_source_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    said = connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": _same, "tcp://127.0.0.1:40002": _same})
    assert any("2 workers" in line for line in said)


def test_the_check_travels_without_the_package() -> None:
    # pickled by value (cloudpickle), not by reference to this package, which a worker may lack
    check = pool.source_check()
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(check)
    assert check(pool.FINGERPRINTED) == check(pool.FINGERPRINTED)
    assert check(("no_such_package_here",)) is None
