"""What the rest of the machine did while a run solved (siting/deliver/machine.py), which decides
whether map.png is drawn in a child process (siting/deliver/files.py `draws_apart`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from siting.deliver import files, machine


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with nothing noted."""
    monkeypatch.setattr(machine, "_started", None)


def uses(monkeypatch: pytest.MonkeyPatch, *readings: tuple[float, float, float]) -> None:
    """`machine.use_now` gives these readings in turn."""
    left = list(readings)
    monkeypatch.setattr(machine, "use_now", lambda: left.pop(0))


def test_others_load_is_the_machines_busy_time_less_this_processs_over_the_time_between(monkeypatch):
    """Noted at 10 s (machine busy 100 s, this process 5 s), read at 14 s (106 s, 9 s): the
    machine was busy 6 s, 4 of them this process's: the rest kept (6 - 4) / 4 = 0.5 cores busy.
    Read again at 14 s (104 s: fewer ticks counted than this process's seconds, whose clocks
    differ): 0, never below."""
    uses(monkeypatch, (10.0, 100.0, 5.0), (14.0, 106.0, 9.0), (14.0, 104.0, 9.5))
    machine.note_start()
    assert machine.others_load() == pytest.approx(0.5, rel=1e-12)
    assert machine.others_load() == 0.0


@pytest.mark.parametrize("later", [0.2, 700.0])
def test_others_load_judges_only_between_half_a_second_and_ten_minutes(monkeypatch, later: float):
    """Read 0.2 s after the note (too few clock ticks) or 700 s after (a notebook's run long
    past): None, the load over the last minute decides instead."""
    uses(monkeypatch, (10.0, 100.0, 5.0), (10.0 + later, 100.5, 5.1))
    machine.note_start()
    assert machine.others_load() is None


def test_others_load_is_none_without_a_note_or_where_proc_stat_cannot_be_read(monkeypatch):
    """Nothing noted: None. /proc/stat unreadable at the note, or later: None."""
    assert machine.others_load() is None

    def unreadable() -> tuple[float, float, float]:
        raise OSError("no /proc/stat")

    monkeypatch.setattr(machine, "use_now", unreadable)
    machine.note_start()
    assert machine.others_load() is None
    uses(monkeypatch, (10.0, 100.0, 5.0))
    machine.note_start()
    monkeypatch.setattr(machine, "use_now", unreadable)
    assert machine.others_load() is None


def test_use_now_reads_proc_stat_and_this_processs_times():
    """On Linux: the machine's busy seconds are at least this process's (it runs on it), and a
    second reading is no earlier and no less busy."""
    if not Path("/proc/stat").is_file():
        pytest.skip("no /proc/stat")
    first = machine.use_now()
    sum(i * i for i in range(200_000))  # some work of this process
    second = machine.use_now()
    assert second[0] >= first[0] and second[1] >= first[1] and second[2] >= first[2]
    own = os.times()
    assert second[2] >= own.user + own.system - 0.02
    assert first[1] > 0


def test_draws_apart_takes_the_rest_of_the_machines_load_plus_this_process(monkeypatch):
    """The rest of the machine kept 0.25 cores busy since the solve began: the load given to
    `apart_decision` is 1.25 (this process counted as one core), not the last minute's 1.9 from
    /proc/loadavg, which counts this run's own work and the runs' just before (bench_scale's runs
    one after another drew every other map in the process); without that figure, 1.9."""
    given: list[dict] = []

    def decision(**facts) -> bool:
        given.append(facts)
        return True

    monkeypatch.setattr(files, "apart_decision", decision)
    monkeypatch.setattr(files, "system_load", lambda: (1.9, 1))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(machine, "others_load", lambda: 0.25)
    files.draws_apart()
    assert (given[-1]["load"], given[-1]["running"]) == (1.25, 1)
    monkeypatch.setattr(machine, "others_load", lambda: None)
    files.draws_apart()
    assert (given[-1]["load"], given[-1]["running"]) == (1.9, 1)


def test_a_run_notes_the_machine_as_its_solve_begins(folder: Path, monkeypatch):
    """`run_solve` (here through the command line on tests/data/small) notes the machine's use
    once, before its solve, so that the export judges from then on."""
    from siting import cli

    noted: list[bool] = []
    monkeypatch.setattr(machine, "note_start", lambda: noted.append(True))
    assert cli.main(["solve", str(folder / "scenario.yaml"), "--out", str(folder.parent / "out"), "--quiet"]) == 0
    assert noted == [True]
