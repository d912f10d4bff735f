"""Loading the code a run needs only once it has solved, in a thread, while HiGHS searches.

Kept apart from siting/deliver/files.py, which imports the whole delivery code: the solve job
starts this thread before its solve and loads that code only through it, or where it is used."""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Sequence

#: The name of the thread `prefetch_drawing` starts.
PREFETCH_THREAD = "siting-prefetch-drawing"

#: map.png's drawing code (siting/deliver/mapplot.py and matplotlib, about a second of imports).
DRAWING = "siting.deliver.mapplot"

#: Modules loaded in the calling thread before the thread starts, never by the thread: the
#: first import of multiprocessing makes Pyomo replace the lock its output capture holds while
#: HiGHS runs (pyomo.common.dependencies `capture_output_lock`), so that, imported by the thread
#: during a run (siting/optimize/workers.py imports it), the run releases a lock it never took
#: and fails ("semaphore or lock released too many times").
FIRST_HERE = ("multiprocessing",)


def _finish_before_fork() -> None:
    """Wait for every running prefetch thread (`PREFETCH_THREAD`) before this process forks: a
    child forked mid-import would hold the modules the thread was loading half made, their
    import locks held by a thread it does not have, and wait forever for one it imports. A
    `--rule-costs` worker pool (siting/optimize/relax.py) forks as soon as the solve is over, while the
    thread may still be loading map.png's drawing code."""
    for thread in threading.enumerate():
        if thread.name == PREFETCH_THREAD and thread is not threading.current_thread():
            thread.join()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_finish_before_fork)


def load_first_here() -> None:
    """Import `FIRST_HERE` in this thread: before a HiGHS run, where `prefetch_drawing` is to be
    called during one (Pyomo's output capture holds its lock then)."""
    for name in FIRST_HERE:
        importlib.import_module(name)


def prefetch_drawing(modules: Sequence[str] = ()) -> threading.Thread:
    """Start loading `modules` (names of modules, in the order a run needs them once solved),
    then map.png's drawing code (`DRAWING`), in a thread of its own, and return the thread.
    Called as the solve starts: HiGHS releases Python's lock while it searches, so on a machine
    with a core to spare the imports cost the run no wall time. The code that uses a module
    imports it as usual and, if this thread is still loading it, waits for it (Python's
    per-module import locks); siting/deliver/files.py `MapDrawing.start` waits for the thread.
    A failed import is left to fail again, with its message, where the module is used. The
    thread is not a daemon: a run that ends first waits for the imports rather than leaving
    the interpreter mid-import, and a fork waits for it (`_finish_before_fork`). `FIRST_HERE`
    is loaded first, in this thread (`load_first_here`)."""
    load_first_here()

    def load() -> None:
        for name in (*modules, DRAWING):
            with contextlib.suppress(Exception):  # raised again where the module is used
                importlib.import_module(name)

    thread = threading.Thread(target=load, name=PREFETCH_THREAD)
    thread.start()
    return thread
