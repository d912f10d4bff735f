"""A run on Dask lost without any worker having said it began (submitted again twice, each time
lost with a worker another run killed) is not reported as a worker dying while running it."""

from __future__ import annotations

import pytest

from siting.runs import pool


def test_a_run_that_never_began_is_said_lost_before_it_began() -> None:
    distributed = pytest.importorskip("distributed")
    error = distributed.KilledWorker("task", None, allowed_failures=1)
    words = pool.dask_loss_words(error, began=False)
    assert words.startswith(f"lost with Dask workers before it began, {pool.NEVER_BEGAN_AGAIN + 1} times")
    assert "died" not in words.split("(")[0]


def test_a_run_that_began_keeps_the_deaths_words() -> None:
    distributed = pytest.importorskip("distributed")
    worker = type("W", (), {"address": "tcp://127.0.0.1:40000"})()
    error = distributed.KilledWorker("task", worker, allowed_failures=3)
    assert pool.dask_loss_words(error).startswith("Dask worker died 4 times running this case")
