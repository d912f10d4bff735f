"""How busy the rest of the machine has been while this run solved, for the choice to draw
map.png in a child process (siting/deliver/files.py `draws_apart`).

The system's load over the last minute (/proc/loadavg) counts the work of this process too, and
of the runs just before it: run after run, a run's own two-core phases (the early plan's lanes,
the map drawn beside the export) raised it above the choice's limit on an idle two-core machine,
and every other run then drew its map in the process, 0.6-0.7 s slower (benchmarks/bench_scale.py
on the shipped scenario: exports of 1.07-1.28 s against 1.75-1.85 s). Here the machine's busy
processor time (/proc/stat) since the solve began, less this process's own, is what the rest of
the machine did meanwhile. Linux only; elsewhere nothing is read and the choice is made as
before. Kept apart from siting/deliver/files.py, which imports the whole delivery code."""

from __future__ import annotations

import os
import time
from pathlib import Path

#: The shortest and the longest time (s) since `note_start` over which `others_load` judges: a
#: shorter one holds too few of the system's clock ticks (a hundredth of a second each), a longer
#: one says little of now (a notebook's run long past).
WINDOW_S = (0.5, 600.0)

_started: tuple[float, float, float] | None = None


def use_now() -> tuple[float, float, float]:
    """(time.monotonic() s; the machine's busy processor seconds since it started, all cores: the
    user, nice, system, irq, softirq and steal fields of /proc/stat's first line over the clock
    tick; this process's processor seconds: os.times() user and system, its threads' included,
    and its children's that it waited for). Raises OSError, ValueError or IndexError where
    /proc/stat cannot be read as Linux writes it."""
    fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()
    if fields[0] != "cpu":
        raise ValueError(f"/proc/stat starts with {fields[0]!r}, not 'cpu'")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[1:9])
    tick = os.sysconf("SC_CLK_TCK")
    own = os.times()
    busy = (user + nice + system + irq + softirq + steal) / tick
    return time.monotonic(), busy, own.user + own.system + own.children_user + own.children_system


def note_start() -> None:
    """Note the machine's and this process's use now, as a solve begins (siting/runs/job.py
    `run_solve`); nothing where it cannot be read."""
    global _started
    try:
        _started = use_now()
    except (OSError, ValueError, IndexError):
        _started = None


def others_load() -> float | None:
    """The processor cores the rest of the machine kept busy on average since `note_start`
    (busy seconds of the machine less this process's, over the wall seconds between), at least
    0; None where nothing was noted, /proc/stat cannot be read, or the time since lies outside
    WINDOW_S."""
    if _started is None:
        return None
    try:
        now = use_now()
    except (OSError, ValueError, IndexError):
        return None
    seconds = now[0] - _started[0]
    if not WINDOW_S[0] <= seconds <= WINDOW_S[1]:
        return None
    return max((now[1] - _started[1]) - (now[2] - _started[2]), 0.0) / seconds
