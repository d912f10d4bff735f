"""Local worker processes for independent solves (rule costs here, comparison runs and sweeps in
siting/runs/pool.py): how many to start, how to hand tasks to them with a heartbeat while
waiting (`run_handed_over`), and how to stop them at once on an interrupt."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

Key = TypeVar("Key", bound=Hashable)


#: The exit code of a worker process that ended as it started, because it was still importing its
#: parent's main module when that module called for worker processes of its own
#: (`run_handed_over`, `importing_parents_main`): a script's top-level call, under the "spawn" or
#: "forkserver" start method, without `if __name__ == "__main__":`. The parent reads it to say so
#: (siting/runs/pool.py `unguarded_main_problem`). An uncommon code, unlike Python's own (1 for an
#: uncaught exception, -N as multiprocessing gives a process killed by signal N).
IMPORTING_MAIN_EXIT = 86


def importing_parents_main() -> bool:
    """Whether this process is a child process still importing its parent's main module, as each
    worker process started by multiprocessing's "spawn" or "forkserver" does as it starts (the flag
    `_inheriting`, which multiprocessing itself reads to refuse to start a process then, before the
    child knows its parent). No worker process can start then."""
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (`os.sched_getaffinity`, which
    `taskset` and a container's cpuset narrow) where the system has it, else the machine's
    (`os.cpu_count`); 1 when neither can be read."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_workers(threads_per_solve: int = 1) -> int:
    """Worker processes that keep every usable core busy without oversubscribing it: the cores
    this process may run on (`usable_cores`) over the HiGHS threads each solve uses; at least 1."""
    return max(1, usable_cores() // max(1, threads_per_solve))


def worker_signals() -> None:
    """Each worker process's first act (the pool's initializer): ignore Ctrl-C and end on SIGTERM
    without Python's handling. A terminal's Ctrl-C, or `kill -TERM -- -<group>`, reaches every
    process of the group: the parent stops its workers itself (`stop_workers`) and says so once,
    where a worker running the parent's handlers (inherited as the pool forks it) would print a
    KeyboardInterrupt traceback of its own. A worker sent SIGTERM alone ends as killed by SIGTERM,
    which the parent reports as it does any worker's death."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes at once (on an interrupt), so that none goes on solving
    or writes into an output folder after the caller removes it."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
    pool.shutdown(wait=True, cancel_futures=True)


def run_handed_over(keys: Sequence[Key], workers: int, submit: Callable[[ProcessPoolExecutor, Key], Future[Any]],
                    begin: Callable[[Key], None], done: Callable[[Key, Any], None], beat: Callable[[], None],
                    beat_s: float) -> list[Key]:
    """Run one task per key in a pool of `workers` processes and return the keys whose worker
    died (in `keys` order), for the caller to run again.

    The tasks are handed over in `keys` order, no more than `workers` at once, so that those
    handed over (`begin`) are those under way; as one ends the next is handed over before the
    one ended is passed to `done` (key, result), so that a progress line written then names the
    runs under way. While waiting, `beat` is called about every `beat_s` seconds, and `done` is
    called in `keys` order for tasks that end in the same wait. An interrupt or any other
    exception stops every worker at once (`stop_workers`) and is raised.
    In a child process still importing its parent's main module (`importing_parents_main`: a
    worker of a pool started by a script's top level, which imports the script again), the process
    ends at once with IMPORTING_MAIN_EXIT, starting no pool of its own (multiprocessing would refuse
    with a RuntimeError's traceback): the parent's pool breaks, and the parent can say why. It ends
    by `os._exit` (a "forkserver" child ends with exit code 1 on any SystemExit), its output flushed
    and multiprocessing's finalizers run first, so that the semaphores it made (Pyomo's, as it is
    imported) are freed, not reported leaked by the parent's resource tracker."""
    if importing_parents_main():
        with contextlib.suppress(Exception):
            multiprocessing.util._run_finalizers()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(IMPORTING_MAIN_EXIT)
    order = {key: i for i, key in enumerate(keys)}
    waiting = list(keys)
    lost: list[Key] = []
    under_way: dict[Future[Any], Key] = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=worker_signals) as pool:

        def hand_over() -> None:
            while waiting and len(under_way) < workers:
                try:
                    future = submit(pool, waiting[0])
                except BrokenProcessPool:
                    lost.extend(waiting)
                    waiting.clear()
                    return
                under_way[future] = key = waiting.pop(0)
                begin(key)

        try:
            hand_over()
            beat()
            while under_way:
                ended, _ = wait(under_way, timeout=beat_s, return_when=FIRST_COMPLETED)
                for future in sorted(ended, key=lambda f: order[under_way[f]]):
                    key = under_way.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        lost.append(key)
                        continue
                    hand_over()
                    done(key, result)
                beat()
        except BaseException:
            stop_workers(pool)
            raise
    lost.extend(waiting)  # not handed over once the pool broke
    return sorted(lost, key=order.__getitem__)
