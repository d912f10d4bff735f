"""Local worker processes for independent solves (rule costs here, comparison runs and sweeps in
siting/runs/pool.py): how many to start, and how to stop them at once on an interrupt."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor


def default_workers(threads_per_solve: int = 1) -> int:
    """Worker processes that keep every core busy without oversubscribing it: the machine's
    cores (`os.cpu_count`) over the HiGHS threads each solve uses; at least 1."""
    return max(1, (os.cpu_count() or 1) // max(1, threads_per_solve))


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes at once (on an interrupt), so that none goes on solving
    or writes into an output folder after the caller removes it."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
    pool.shutdown(wait=True, cancel_futures=True)
