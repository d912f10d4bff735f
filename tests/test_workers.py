"""Worker processes (siting/optimize/workers.py): tasks handed over in order, no more than the
workers at once, and every task accounted for when a worker dies."""

from __future__ import annotations

import os

from siting.optimize.workers import run_handed_over


def _square(key: int) -> int:
    if key == 2:
        os._exit(1)  # a worker that dies (killed, out of memory) breaks the whole pool
    return key * key


def test_a_dead_worker_loses_its_task_and_those_not_yet_handed_over_but_nothing_silently():
    """One worker, keys 1..4, the worker dies on key 2: key 1 is done, and 2, 3 and 4 come back as
    lost (3 and 4 were never handed over), in key order, for the caller to run again."""
    events: list[tuple[str, int]] = []
    done: dict[int, int] = {}

    def finished(key: int, result: int) -> None:
        done[key] = result
        events.append(("done", key))

    lost = run_handed_over([1, 2, 3, 4], 1, lambda pool, key: pool.submit(_square, key),
                           lambda key: events.append(("begin", key)), finished, lambda: None, 0.05)
    assert done == {1: 1}
    assert lost == [2, 3, 4]
    # The next task is handed over before the one ended is counted (its line names the next).
    assert events == [("begin", 1), ("begin", 2), ("done", 1)]


def test_every_task_runs_handed_over_in_key_order():
    """Two workers, five keys: every task done, handed over in key order; a task begins only when
    fewer than two are under way (the one that just ended is counted right after it begins)."""
    begun: list[int] = []
    done: dict[int, int] = {}
    most = 0

    def begin(key: int) -> None:
        nonlocal most
        begun.append(key)
        most = max(most, len(begun) - len(done))

    keys = [1, 3, 4, 5, 6]
    assert run_handed_over(keys, 2, lambda pool, key: pool.submit(_square, key), begin,
                           done.__setitem__, lambda: None, 0.05) == []
    assert done == {k: k * k for k in keys} and begun == keys
    assert most <= 3  # two under way, and the one ended not yet counted
