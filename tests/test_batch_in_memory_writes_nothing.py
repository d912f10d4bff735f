"""`siting.sweep` and `siting.compare` without `out` keep their batch in memory: each run solves
and gives its summary, and no run exports, draws or writes anything (siting/runs/pool.py
`Case.files`, which travels with the case to a worker process or a Dask worker), where they
used to write every run's folder (map.png, report, GeoPackage, QGIS project) into a temporary
folder and throw it away. The Batch is the same as with `out`: the same table and summaries. A
run whose rules cannot be met together says that its diagnosis was not written, not that it
went to a folder.

The batches several tests read (`kept_comparison`, `sweep_in_memory`, `comparison_in_memory`)
are run once for this module, on a copy of the inputs no test changes; the two kept in memory run
under every watch their tests check (`watched`), so that one sweep and one comparison serve them
all."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import siting
from siting.runs import job
from tests.conftest import SMALL


def with_b(folder: Path) -> Path:
    """A copy of tests/data/small at `folder`, with b.yaml (20 GWh of cells instead of 10) beside
    it: the path of its scenario.yaml."""
    shutil.copytree(SMALL, folder)
    (folder / "b.yaml").write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
    return folder / "scenario.yaml"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """`with_b` in the test's temporary folder, for the test to change."""
    return with_b(tmp_path / "small")


#: The sweep of this module's tests: the cells' 2024 target at 10 and at 20 GWh/yr.
CELLS_10_20 = {"targets.capacity.cells.2024": [10, 20]}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`with_b` once for this module: read-only, the inputs of the batches the tests share."""
    return with_b(tmp_path_factory.mktemp("shared") / "small")


@pytest.fixture(scope="module")
def kept_comparison(shared: Path) -> siting.Batch:
    """`siting.compare([scenario.yaml, b.yaml], folder, workers=1)` on `shared`, written to a
    folder beside it: read-only."""
    return siting.compare([shared, shared.with_name("b.yaml")], shared.parent.parent / "compare", workers=1)


def counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often this process exports a run's files (the map drawn among them) and writes a run's
    folder, by the job's own calls, while `monkeypatch` holds: {"export": n, "write": n}, counted
    as the calls come (only the batches run in this process, `workers=1`, are seen)."""
    counts = {"export": 0, "write": 0}

    def counter(name: str, call: Any) -> Any:
        def counted_call(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return call(*args, **kwargs)
        return counted_call

    monkeypatch.setattr(job, "export_files", counter("export", job.export_files))
    monkeypatch.setattr(job, "write_folder_atomically", counter("write", job.write_folder_atomically))
    return counts


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """`counting` for the test."""
    return counting(monkeypatch)


def nowhere_in(room: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`room`/cwd made the current folder and `room`/temp the system temporary folder
    (`tempfile.tempdir`), both empty, in which a batch kept in memory must make nothing, and
    `tempfile`'s folders refused outright (AssertionError), while `monkeypatch` holds; returns
    `room`."""
    (room / "cwd").mkdir(parents=True)
    (room / "temp").mkdir()
    monkeypatch.chdir(room / "cwd")
    monkeypatch.setattr(tempfile, "tempdir", str(room / "temp"))

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a batch kept in memory made a temporary folder")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", refused)
    return room


@dataclass(frozen=True)
class Watched:
    """A batch kept in memory, run once in this process under every watch its tests check:
    `batch`; `counted`, the exports and writes of runs it made (`counting`); `made`, the paths
    (relative to the room, sorted) in the room after it (`nowhere_in`: ["cwd", "temp"] when it made
    nothing); `temp`, the system temporary folder it ran with, too deep for a run's plan.gpkg."""

    batch: siting.Batch
    counted: dict[str, int]
    made: list[str]
    temp: Path


#: Folders 60 letters long, 8 deep (488 bytes): below them a system temporary folder leaves no
#: room for a run's plan.gpkg (SQLite opens paths of at most 504 bytes).
DEEP = "/".join(["d" * 60] * 8)


def watched(folder: Path, run: Callable[[], siting.Batch]) -> Watched:
    """`run()` with the job's exports and writes counted (`counting`), in a room (`nowhere_in`)
    DEEP below `folder`, whose temporary folder is then too deep for a GeoPackage; the watches are
    undone before it returns."""
    room = folder / DEEP / "room"
    with pytest.MonkeyPatch.context() as monkeypatch:
        counts = counting(monkeypatch)
        nowhere_in(room, monkeypatch)
        batch = run()
    made = sorted(p.relative_to(room).as_posix() for p in room.rglob("*"))
    return Watched(batch, dict(counts), made, room / "temp")


@pytest.fixture(scope="module")
def sweep_in_memory(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Watched:
    """`siting.sweep(scenario.yaml, CELLS_10_20, workers=1)` on `shared`, kept in memory and
    `watched`: read-only."""
    return watched(tmp_path_factory.mktemp("sweep_room"), lambda: siting.sweep(shared, CELLS_10_20, workers=1))


@pytest.fixture(scope="module")
def comparison_in_memory(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Watched:
    """`siting.compare([scenario.yaml, b.yaml], workers=1)` on `shared`, kept in memory and
    `watched`: read-only."""
    return watched(tmp_path_factory.mktemp("compare_room"),
                   lambda: siting.compare([shared, shared.with_name("b.yaml")], workers=1))


def test_a_sweep_in_memory_exports_and_writes_no_run(sweep_in_memory: Watched) -> None:
    batch = sweep_in_memory.batch
    assert [run.ok for run in batch.runs] == [True, True]
    assert sweep_in_memory.counted == {"export": 0, "write": 0}
    assert [run.out_dir for run in batch.runs] == ["", ""]


def test_a_comparison_in_memory_exports_and_writes_no_run(comparison_in_memory: Watched) -> None:
    batch = comparison_in_memory.batch
    assert [run.ok for run in batch.runs] == [True, True]
    assert comparison_in_memory.counted == {"export": 0, "write": 0}


def test_a_sweep_in_memory_gives_the_table_written_with_a_folder(shared: Path, sweep_in_memory: Watched,
                                                                 tmp_path: Path) -> None:
    kept = siting.sweep(shared, CELLS_10_20, tmp_path / "sweep", workers=1)
    memory = sweep_in_memory.batch
    pd.testing.assert_frame_equal(memory.table, kept.table)
    assert [run.notices for run in memory.runs] == [run.notices for run in kept.runs]


def test_a_comparison_in_memory_gives_the_table_written_with_a_folder(kept_comparison: siting.Batch,
                                                                      comparison_in_memory: Watched) -> None:
    """In this process (`workers=1`), as the kept comparison ran; in worker processes:
    `test_a_comparison_in_memory_in_two_workers_gives_the_table_written_with_a_folder`."""
    kept = kept_comparison
    memory = comparison_in_memory.batch
    pd.testing.assert_frame_equal(memory.table, kept.table)
    assert memory.forced == kept.forced


def test_a_run_in_memory_whose_rules_cannot_be_met_says_its_diagnosis_was_not_written(
        scenario: Path, counted: dict[str, int]) -> None:
    """200 GWh of cells exceed the 70 GWh that eligible land holds (tests/test_cli.py)."""
    batch = siting.sweep(scenario, {"targets.capacity.cells.2024": [10, 200]}, workers=1)
    failed = batch.runs[1]
    assert not failed.ok and failed.out_dir == ""
    assert failed.error.endswith("\nthe diagnosis was not written (pass out= to keep it)")
    assert "temporary" not in failed.error
    assert counted == {"export": 0, "write": 0}


def test_a_run_in_memory_moves_to_a_cheaper_plan_without_a_folder(tmp_path: Path) -> None:
    """A cross-start that found a cheaper plan (siting/runs/pool.py `_kept`): a run that writes no
    files has no folder to move into its own; its summary is the new solve's, with no folder, and
    nothing is made or removed on disk."""
    from siting.runs.pool import Case, CaseSummary, CrossCheck, _kept

    case = Case("b", tmp_path / "b.yaml", tmp_path / "b", files=False)
    own = CaseSummary("b", True, objective_yuan=2.0e9)
    resolved = CaseSummary("b", True, objective_yuan=1.0e9)
    kept = _kept(case, own, CrossCheck({0: 1.0e9}, 0, resolved))
    assert kept is not None and kept.objective_yuan == 1.0e9 and kept.out_dir == ""
    dearer = CaseSummary("b", True, objective_yuan=3.0e9)
    assert _kept(case, own, CrossCheck({0: 1.0e9}, 0, dearer)) is None
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`nowhere_in` the test's temporary folder/room, for the test."""
    return nowhere_in(tmp_path / "room", monkeypatch)


def test_a_comparison_in_memory_makes_no_folder(comparison_in_memory: Watched) -> None:
    """In this process; in worker processes:
    `test_a_comparison_in_memory_in_two_workers_gives_the_table_written_with_a_folder`."""
    assert [run.ok for run in comparison_in_memory.batch.runs] == [True, True]
    assert comparison_in_memory.made == ["cwd", "temp"]


def test_a_sweep_in_memory_makes_no_folder(sweep_in_memory: Watched) -> None:
    assert [run.ok for run in sweep_in_memory.batch.runs] == [True, True]
    assert sweep_in_memory.made == ["cwd", "temp"]


def test_a_sweep_in_memory_runs_under_a_temporary_folder_too_deep_for_a_geopackage(
        sweep_in_memory: Watched) -> None:
    """A system temporary folder whose path leaves no room for a run's plan.gpkg (SQLite opens
    paths of at most 504 bytes): no run's folder is written there, so nothing is refused."""
    assert len(str(sweep_in_memory.temp / "run01" / "plan.gpkg").encode()) > 504
    assert [run.ok for run in sweep_in_memory.batch.runs] == [True, True]


def long_named(scenario: Path, length: int) -> Path:
    """A copy of the scenario whose `name` (line 1) is `length` letters a."""
    text = scenario.read_text(encoding="utf-8")
    assert text.startswith("name: small\n")
    path = scenario.with_name("long.yaml")
    path.write_text(text.replace("name: small\n", f"name: {'a' * length}\n", 1), encoding="utf-8")
    return path


def test_a_comparison_in_memory_takes_a_name_too_long_for_a_folder(scenario: Path, counted: dict[str, int]) -> None:
    """300 letters, beyond the 255 bytes of a folder's name on common file systems: no run's
    folder is named after it, so it is taken; with `out` it is refused (tests/test_runs_words.py)."""
    batch = siting.compare([long_named(scenario, 300), scenario], workers=1)
    assert [run.label for run in batch.runs] == ["a" * 300, "small"]
    assert [run.ok for run in batch.runs] == [True, True]
    assert counted == {"export": 0, "write": 0}


def test_a_sweep_in_memory_runs_on_a_local_dask_cluster(shared: Path, sweep_in_memory: Watched, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`scheduler` without `out`: the cluster's workers write nothing and send each run's summary
    back (it pickles: tests/test_solution_pickle.py), so the sweep needs no folder they share. The
    table is the process pool's, and nothing is made in the current folder."""
    pytest.importorskip("dask.distributed")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    pool = sweep_in_memory.batch
    on_dask = siting.sweep(shared, CELLS_10_20, workers=2, scheduler="local")
    columns = ["run", "targets.capacity.cells.2024", "status", "objective_yuan", "capacity_cells_GWh_per_yr"]
    pd.testing.assert_frame_equal(pool.table[columns], on_dask.table[columns])
    assert [run.ok for run in on_dask.runs] == [True, True]
    assert [run.out_dir for run in on_dask.runs] == ["", ""]
    assert list((tmp_path / "cwd").iterdir()) == []


def test_a_comparison_in_memory_in_two_workers_gives_the_table_written_with_a_folder(
        shared: Path, kept_comparison: siting.Batch, nowhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`workers` and `progress` without `out`, as `sweep` takes them: the runs solve in two worker
    processes, each sends its summary back, and the table is the one written with a folder
    (the runs' folders aside, none being written, nor any folder in the current or the system
    temporary folder: `nowhere`); the progress lines show both runs under way at once, and count
    them done."""
    kept = kept_comparison
    capsys.readouterr()
    memory = siting.compare([shared, shared.with_name("b.yaml")], workers=2, progress=True)
    pd.testing.assert_frame_equal(memory.table, kept.table)
    assert memory.forced == kept.forced
    assert [run.out_dir for run in memory.runs] == ["", ""]
    assert [run.notices for run in memory.runs] == [run.notices for run in kept.runs]
    said = capsys.readouterr().err
    assert re.search(r"^runs: 0/2 done, .*; running: small \d+ s, b \d+ s$", said, re.MULTILINE), said
    assert "runs: 2/2 done" in said
    assert sorted(p.relative_to(nowhere).as_posix() for p in nowhere.rglob("*")) == ["cwd", "temp"]


def test_a_comparison_in_memory_runs_on_a_local_dask_cluster(shared: Path, kept_comparison: siting.Batch,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`scheduler` without `out`: the cluster's workers write nothing and send each run's summary
    back, so the comparison needs no folder they share; the table is that of one run after
    another in this process (`kept_comparison`, whose table one kept in memory equals:
    `test_a_comparison_in_memory_gives_the_table_written_with_a_folder`), and nothing is made in
    the current folder."""
    pytest.importorskip("dask.distributed")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    here = kept_comparison
    on_dask = siting.compare([shared, shared.with_name("b.yaml")], workers=2, scheduler="local")
    pd.testing.assert_frame_equal(here.table, on_dask.table)
    assert [run.ok for run in on_dask.runs] == [True, True]
    assert [run.out_dir for run in on_dask.runs] == ["", ""]
    assert list((tmp_path / "cwd").iterdir()) == []


def test_a_comparison_in_memory_runs_by_default_as_a_sweep_does(scenario: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Without `workers`, `scheduler` and `progress`, `compare` runs its batch kept in memory as
    `sweep` runs its own: one worker process per core (siting/runs/pool.py `run_cases`), no
    cluster, no progress line."""
    from siting.runs import batch

    given: dict[str, tuple[Any, ...]] = {}

    class Seen(Exception):
        pass

    def seen(name: str) -> Any:
        def run_in_memory(cases: Any, workers: Any, scheduler: Any, progress: Any, *_args: Any,
                          **_kwargs: Any) -> Any:
            given[name] = (workers, scheduler, progress)
            raise Seen
        return run_in_memory

    for name, call in (("compare", lambda: siting.compare([scenario, scenario.with_name("b.yaml")])),
                       ("sweep", lambda: siting.sweep(scenario, {"targets.capacity.cells.2024": [10, 20]}))):
        monkeypatch.setattr(batch, "run_in_memory", seen(name))
        with pytest.raises(Seen):
            call()
    assert given == {"compare": (None, None, False), "sweep": (None, None, False)}
