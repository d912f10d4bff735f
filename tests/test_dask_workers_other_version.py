"""A Dask scheduler some of whose workers run another version of this package (their source
differs from this process's) is refused as the batch connects: such a worker runs its runs with
its own code, silently, and the batch's plans and tables would mix two versions' results."""

from __future__ import annotations

import pickle

import pytest

from siting.config.errors import InputError
from siting.runs import pool


class _Client:
    """A connected client whose workers answer `run` by calling the function they are handed with
    `answer(address, function, args)`."""

    def __init__(self, answers: dict[str, object]) -> None:
        self.answers = answers

    def run(self, function, *args, on_error="raise", **_kwargs):
        assert on_error == "return"
        return {address: answer(function, args) if callable(answer) else answer
                for address, answer in self.answers.items()}

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


def _same(function, args):
    return function(*args)  # a worker with this very source


def test_a_worker_with_another_version_of_the_package_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        _connect(monkeypatch, {"tcp://127.0.0.1:40001": _same, "tcp://127.0.0.1:40002": "0" * 64})
    text = str(raised.value)
    assert "--scheduler" in text and "tcp://127.0.0.1:40002" in text and "tcp://127.0.0.1:40001" not in text
    assert "another version" in text and "1 of its 2 workers" in text


def test_workers_with_the_same_source_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    said = _connect(monkeypatch, {"tcp://127.0.0.1:40001": _same, "tcp://127.0.0.1:40002": _same})
    assert any("2 workers" in line for line in said)


def test_the_check_travels_without_the_package() -> None:
    # pickled by value (cloudpickle), not by reference to this package, which a worker may lack
    check = pool.source_check()
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(check)
    assert check(pool.FINGERPRINTED) == check(pool.FINGERPRINTED)
    assert check(("no_such_package_here",)) is None
