"""A batch whose disk refuses a run's write for good stops at once (siting/runs/pool.py
`DISK_STOPS`, `BatchStopped`; siting/runs/batch.py `stopped_problem`).

Once the disk of the batch's folder has said it is full, over quota or read-only (ENOSPC, EDQUOT,
EROFS), every run after would be refused too: no further run is started (nor a cross-start), the
runs under way end (on Dask they are cancelled), and the batch exits 2, as a write the disk
refuses always does, with one message naming the batch folder, the file refused, what the disk
said and the runs not run. Nothing is written: no batch folder, no staging folder beside it, an
earlier batch folder as it was. Before, the batch went on solving every run (minutes each on real
scenarios), each refused in turn, and then wrote its tables (or failed on them).

The refused write is simulated as in tests/test_write_errors_provenance.py: the writer of
plan.gpkg raises the OSError the system would give, in the first run's write or a later one's.
The batches run with one worker, in this process, so that the solves can be counted; the
process pool and Dask are tested on stand-in tasks (`_run_tasks`, `_run_on_dask`). A run of the
small scenario (tests/data/small) takes about a second."""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from siting.cli import main
from siting.deliver.folders import write_folder_atomically
from siting.runs.pool import BatchStopped, CaseSummary, _Hooks, _run_tasks, _Task
from tests.conftest import SMALL

FULL = ("no space is left on the disk that holds the output folder", "free some space, or choose a folder on "
        "another disk")
QUOTA = ("your disk quota is used up on the disk that holds the output folder", "free some space within your "
         "quota, or choose a folder on another disk")


def stopped(folder: Path, file: str, not_run: str, said: tuple[str, str]) -> str:
    """The whole message of a batch into `folder` stopped by the disk at `file`, as printed."""
    what, fix = said
    return (f"error: 1 problem with the output folder:\n  - --out | {what}, so {file} could not be written (got "
            f"{folder}); the batch stopped{not_run} and nothing was written there: {fix}\n")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A copy of tests/data/small, with two more scenarios beside it (`b`, `c`: other cells
    targets): its scenario.yaml."""
    shutil.copytree(SMALL, tmp_path / "small")
    for name, cells in (("b", 20), ("c", 30)):
        (tmp_path / "small" / f"{name}.yaml").write_text(
            f"extends: scenario.yaml\nname: {name}\ntargets:\n  capacity:\n    cells: {{2024: {cells}}}\n")
    return tmp_path / "small" / "scenario.yaml"


@pytest.fixture
def solves(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The solves made (a run's, in this process), by scenario name, in order."""
    import siting.runs.job as job

    made: list[str] = []
    real = job.solve_prepared

    def counted(prepared: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(prepared.loaded.scenario.name)
        return real(prepared, *args, **kwargs)

    monkeypatch.setattr(job, "solve_prepared", counted)
    return made


def refused_at(monkeypatch: pytest.MonkeyPatch, code: int, call: int) -> None:
    """plan.gpkg's writer (siting/deliver/files.py) refused by the disk with errno `code` from
    its `call`-th call on (1: the first run's write); the calls before it write as usual."""
    import siting.deliver.files as files

    real = files.write_geopackage
    calls = [0]

    def write(path: Path, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] >= call:
            raise OSError(code, os.strerror(code), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files, "write_geopackage", write)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_sweep_whose_first_run_meets_a_full_disk_solves_no_other(small: Path, tmp_path: Path, solves: list[str],
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Three values, one worker: run01's plan.gpkg refused for want of space. Its solve is the
    only one (before: three, each refused in turn, and the sweep written with every run failed,
    exit 1); exit 2 naming run01's file and the two runs not run; nothing left."""
    refused_at(monkeypatch, errno.ENOSPC, 1)
    out = tmp_path / "sweep"
    assert main(["sweep", str(small), "--set", "targets.capacity.cells.2024=10,20,30", "--workers", "1",
                 "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == stopped(out, "run01/plan.gpkg",
                                   ": 'run02 cells.2024=20' and 'run03 cells.2024=30' were not run,", FULL)
    assert captured.out == ""
    assert solves == ["small"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


def test_a_comparison_stops_after_the_run_over_quota_and_leaves_the_earlier_folder(
        small: Path, tmp_path: Path, solves: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Three scenarios, one worker, into an earlier batch folder: the first run written, the
    second's plan.gpkg refused over quota. Two solves, not three (the cross-starts and the
    tables never come); exit 2 naming b's file and c, not run; the earlier folder exactly as it
    was, nothing beside it."""
    out = tmp_path / "compare"
    write_folder_atomically(out, {"comparison.csv": "run,objective_yuan\nold,1\n"})
    before = snapshot(out)
    refused_at(monkeypatch, errno.EDQUOT, 2)
    assert main(["compare", str(small), str(small.parent / "b.yaml"), str(small.parent / "c.yaml"), "--workers", "1",
                 "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == stopped(out, "b/plan.gpkg", ": 'c' was not run,", QUOTA)
    assert captured.out == ""
    assert solves == ["small", "b"]
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare", "small"]


def test_the_last_run_refused_names_no_run_not_run(small: Path, tmp_path: Path, solves: list[str],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Two values, the second run's write on a read-only disk: every run was started, so none is
    named as not run; the cross-starts and the tables never come; exit 2, nothing left."""
    refused_at(monkeypatch, errno.EROFS, 2)
    out = tmp_path / "sweep"
    assert main(["sweep", str(small), "--set", "targets.capacity.cells.2024=10,20", "--workers", "1",
                 "--out", str(out)]) == 2
    assert capsys.readouterr().err == stopped(out, "run02/plan.gpkg", ",", (
        "the disk that holds the output folder is read-only", "choose a folder on a disk you can write to"))
    assert solves == ["small", "small"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


# --- the process pool and Dask, on stand-in tasks ---------------------------------------------------


def stand_in(label: str, folder: str, seconds: float, refused: bool) -> CaseSummary:
    """A run `label` that leaves a file of its name in `folder` as it starts, takes `seconds`,
    and ends with its write refused by a full disk (`refused`) or "optimal"."""
    Path(folder, label).touch()
    time.sleep(seconds)
    if refused:
        return CaseSummary(label=label, ok=False, error="InputError: full", disk_refused=(errno.ENOSPC, "plan.gpkg"))
    return CaseSummary(label=label, ok=True, status="optimal")


def hooks(heard: list[str]) -> _Hooks:
    """Hooks that record each run begun and done, and stop on a refused one, as a batch's do."""
    return _Hooks(lambda label: heard.append(f"begin {label}"), lambda _i, s: heard.append(f"done {s.label}"),
                  lambda: None, lambda _i, why: why, lambda summary: summary if summary.disk_refused else None)


def tasks_of(folder: Path, plan: list[tuple[str, float, bool]]) -> list[_Task]:
    return [_Task(label, stand_in, (label, str(folder), seconds, refused)) for label, seconds, refused in plan]


def raised(run: Callable[[], Any]) -> BatchStopped:
    with pytest.raises(BatchStopped) as caught:
        run()
    return caught.value


def test_a_pool_starts_no_run_after_a_refused_one_and_lets_those_under_way_end(tmp_path: Path) -> None:
    """Two worker processes, four runs: r1 refused at once while r2 runs for 2 s. r3 and r4 are
    never started (no file of theirs, never shown begun); r2 ends and is heard; BatchStopped names
    r1 and the runs not run."""
    heard: list[str] = []
    plan = [("r1", 0.0, True), ("r2", 2.0, False), ("r3", 0.0, False), ("r4", 0.0, False)]
    stop = raised(lambda: _run_tasks(tasks_of(tmp_path, plan), 2, None, hooks(heard), "siting-run"))
    assert (stop.refused.label, stop.refused.disk_refused, stop.not_run) == ("r1", (errno.ENOSPC, "plan.gpkg"),
                                                                              ("r3", "r4"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r1", "r2"]
    assert sorted(heard) == ["begin r1", "begin r2", "done r1", "done r2"]


def test_dask_cancels_the_runs_not_ended_after_a_refused_one(tmp_path: Path) -> None:
    """One in-process Dask worker, three runs submitted at once: r1 refused at once, r2 takes
    2 s, r3 after it. The batch stops as r1 is heard (well before r2 would end), r2 and r3
    cancelled and not run; r3 never starts."""
    distributed = pytest.importorskip("dask.distributed")
    heard: list[str] = []
    plan = [("r1", 0.0, True), ("r2", 2.0, False), ("r3", 0.0, False)]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        began = time.perf_counter()
        stop = raised(lambda: _run_tasks(tasks_of(tmp_path, plan), 1, client, hooks(heard), "siting-run"))
        took = time.perf_counter() - began
        time.sleep(2.5)  # r2 ends on the worker, its result dropped; r3 would start then
    assert (stop.refused.label, stop.not_run) == ("r1", ("r2", "r3"))
    assert took < 1.5
    assert "done r2" not in heard and "done r3" not in heard
    assert not (tmp_path / "r3").exists()


def test_a_cross_start_refused_stops_the_rounds_naming_no_run_not_run(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run was solved; the cross-start of r1 (one worker) meets a full disk as it writes r2's
    plan taken as r1's: the rounds stop there, r2's cross-start is not started, and BatchStopped
    names r1 and no run as not run (every run was run). The plan taken is not searched again
    (`cross_check`): the disk would refuse that too."""
    import siting.runs.pool as pool
    from siting.runs.pool import Case, CrossCheck, cross_check, cross_starts

    checked: list[str] = []

    def check(case: Case, *_args: Any) -> CrossCheck:
        checked.append(case.label)
        return CrossCheck({1: 1.0}, 1, stand_in(case.label, str(tmp_path), 0.0, True), taken=True)

    monkeypatch.setattr(pool, "cross_check", check)
    monkeypatch.setattr(pool, "_takes_start", lambda _case: True)
    cases = [Case(label, tmp_path / "s.yaml", tmp_path / label) for label in ("r1", "r2")]
    summaries = [CaseSummary(label=c.label, ok=True, objective_yuan=2.0, plan_values={"build": {0: 1.0}})
                 for c in cases]
    stop = raised(lambda: cross_starts(cases, summaries, 1, None, None))
    assert (stop.refused.label, stop.not_run, checked) == ("r1", (), ["r1"])

    # the taking refused: no search again
    import siting.optimize.run as run
    import siting.optimize.solve as solve
    import siting.prepare.problem as problem

    calls: list[Any] = []
    monkeypatch.setattr(problem, "prepare", lambda *_args: SimpleNamespace(loaded=None, inputs=None))
    monkeypatch.setattr(run, "solver_settings", lambda _loaded: solve.SolverSettings(rel_gap=0.01))
    monkeypatch.setattr("models.build_model", lambda _inputs: None)
    monkeypatch.setattr(solve, "new_solver", lambda: None)
    monkeypatch.setattr(solve, "plan_cost", lambda *_args: SimpleNamespace(objective_yuan=1.0, has_solution=True))
    monkeypatch.setattr(solve, "plan_values", lambda _model: {"build": {0: 1.0}})
    monkeypatch.setattr(pool, "run_case", lambda *args, **kwargs: (calls.append(args), stand_in("r1", str(tmp_path),
                                                                                                0.0, True))[1])
    result = cross_check(cases[0], 2.0, {1: {"build": {0: 1.0}}}, tmp_path / ".r1.cross", 0.995)
    assert result.resolved is not None and result.resolved.disk_refused == (errno.ENOSPC, "plan.gpkg")
    assert len(calls) == 1
