"""The process pool's workers ignore Ctrl-C and end on SIGTERM without Python's handling, whatever
handlers the parent had when it forked them: a terminal's Ctrl-C reaches the whole process group,
and only the parent is to act on it (it stops its workers and says so once), so that no worker
prints a KeyboardInterrupt traceback of its own."""

from __future__ import annotations

import signal
from concurrent.futures import Future, ProcessPoolExecutor

from siting.optimize.workers import run_handed_over


def handlers(_key: int) -> tuple[bool, bool]:
    """In a worker: whether SIGINT is ignored and SIGTERM has its default action."""
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN, signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def parents_handler(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def test_workers_leave_stop_signals_to_the_parent() -> None:
    seen: dict[int, tuple[bool, bool]] = {}
    previous = signal.signal(signal.SIGINT, parents_handler), signal.signal(signal.SIGTERM, parents_handler)
    try:
        def submit(pool: ProcessPoolExecutor, key: int) -> Future[tuple[bool, bool]]:
            return pool.submit(handlers, key)

        lost = run_handed_over([1, 2], 2, submit, lambda _k: None, seen.__setitem__, lambda: None, 60.0)
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
    assert lost == []
    assert seen == {1: (True, True), 2: (True, True)}
