"""Dask workers of another Python, or of another dask or distributed (which hand a run and its
result between the batch and the worker), were not compared with this process: only the packages
a run's result depends on were (siting/runs/pool.py DEPENDENCIES). They are now, as the batch
connects (`workers_problem`) and by each task on its worker (`checked_call`)."""

from __future__ import annotations

import importlib.metadata
import sys

import pytest

from siting.config.errors import InputError
from siting.runs import pool
from tests.conftest import connect_to_workers

PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _changed(change: dict[str, str]) -> object:
    def answer(function: object, args: tuple[object, ...]) -> object:
        found = function(*args)  # type: ignore[operator]
        return {**found, **change} if isinstance(found, dict) else found

    return answer


def test_each_task_checks_python_dask_and_distributed() -> None:
    pytest.importorskip("dask.distributed")
    versions = pool.checked_announced().args[2]
    assert versions["python"] == PYTHON
    assert versions["dask"] == importlib.metadata.version("dask")
    assert versions["distributed"] == importlib.metadata.version("distributed")


def test_a_worker_of_another_python_is_refused_as_the_batch_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40001": _changed({}),
                                         "tcp://127.0.0.1:40002": _changed({"python": "3.0.1"})})
    text = str(raised.value)
    assert f"python 3.0.1 there ({PYTHON} here)" in text, text
    assert f"(Python {PYTHON})" in text and "pip install python" not in text, text


def test_a_worker_of_another_distributed_is_refused_as_the_batch_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(InputError) as raised:
        connect_to_workers(monkeypatch, {"tcp://127.0.0.1:40002": _changed({"distributed": "0.0.1"})})
    text = str(raised.value)
    here = importlib.metadata.version("distributed")
    assert f"distributed 0.0.1 there ({here} here)" in text and f"pip install distributed=={here}" in text, text
