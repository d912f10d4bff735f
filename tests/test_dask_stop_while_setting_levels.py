"""A stop (Ctrl-C, SIGTERM) while Dask's log levels are changed (siting/runs/pool.py `quiet_logs`,
`_quieted`): Python 3.11's `Logger.setLevel` clears every logger's cache holding logging's lock
without a `try`, so a KeyboardInterrupt there left the lock held by the main thread; the local
cluster's loop thread then blocked at its next log call and the cluster's close, waiting for it,
hung (a sweep on tests/data/small stopped with Ctrl-C as its cross-starts ended, 1 in 7)."""

from __future__ import annotations

import logging
import threading

import pytest

from siting.runs import pool


class StoppingCache(dict):
    """A logger's cache whose clearing raises KeyboardInterrupt once: Ctrl-C arriving then."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    def clear(self) -> None:
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        super().clear()


def lock_free_for_another_thread() -> bool:
    got: list[bool] = []

    def take() -> None:
        lock = logging._lock  # type: ignore[attr-defined]
        acquired = lock.acquire(timeout=2)
        got.append(acquired)
        if acquired:
            lock.release()

    thread = threading.Thread(target=take)
    thread.start()
    thread.join()
    return got == [True]


def test_a_stop_while_dasks_levels_change_leaves_loggings_lock_free() -> None:
    stopping = logging.getLogger("distributed.test-stop-while-setting-levels")
    stopping._cache = StoppingCache()  # type: ignore[attr-defined]
    lock = logging._lock  # type: ignore[attr-defined]
    try:
        with pytest.raises(KeyboardInterrupt), pool.quiet_logs():
            pass
        assert lock_free_for_another_thread()
    finally:
        while lock._is_owned():  # a leaked hold, released so that the session goes on
            lock.release()
        stopping._cache = {}  # type: ignore[attr-defined]
        del logging.Logger.manager.loggerDict[stopping.name]
