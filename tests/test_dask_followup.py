"""The local Dask cluster of `scheduler="local"` (siting/runs/pool.py `dask_client`) leaves nothing
behind: its scheduler and workers keep their scratch files in a temporary folder of its own,
removed when the cluster closes or fails to start, and nothing else in the temporary folder is
touched. A script that calls it at its top level, without `if __name__ == "__main__":`, ends on
a short error: the worker processes, which import the script again as they start, do not start a
cluster of their own, and Dask's start-up logs stay quiet (only while the cluster starts)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from siting.config.errors import InputError
from siting.runs import pool
from tests.conftest import ScriptRun

distributed = pytest.importorskip("dask.distributed")

@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The system's temporary folder, here and in the processes started, is a folder of the test."""
    import dask

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.delenv("DASK_TEMPORARY_DIRECTORY", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", None)
    with dask.config.set({"temporary-directory": None}):
        yield temp


def test_the_local_cluster_leaves_nothing_in_the_temporary_folder(temp_dir: Path) -> None:
    foreign = temp_dir / "dask-scratch-space" / "someone-elses.txt"
    foreign.parent.mkdir()
    foreign.write_text("kept", encoding="utf-8")
    with pool.dask_client("local", 1, lambda _line: None) as client:
        assert client.submit(sum, [1, 2]).result() == 3
        folders = client.run(lambda dask_worker: dask_worker.local_directory)
        scheduler_folder = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.local_directory)
        during = sorted(p.name for p in temp_dir.iterdir())
    assert len(during) == 2, during  # Dask's folder of someone else, and the cluster's own
    own = temp_dir / next(name for name in during if name != "dask-scratch-space")
    assert all(Path(folder).is_relative_to(own) for folder in [*folders.values(), scheduler_folder])
    assert sorted(p.name for p in temp_dir.iterdir()) == ["dask-scratch-space"]
    assert sorted(p.name for p in foreign.parent.iterdir()) == ["someone-elses.txt"]
    assert foreign.read_text(encoding="utf-8") == "kept"


def test_a_cluster_that_fails_to_start_removes_its_folder_and_keeps_its_logs_quiet(
        temp_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, Any]] = []
    heard: list[logging.LogRecord] = []

    class Heard(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record)

    def failing(**kwargs: Any) -> Any:
        asked.append(kwargs)
        assert Path(kwargs["local_directory"]).is_dir()
        logging.getLogger("distributed.nanny").error("Failed to start process")
        raise RuntimeError("Nanny failed to start.")

    monkeypatch.setattr(distributed, "LocalCluster", failing)
    handler = Heard()
    root = logging.getLogger("distributed")
    level = root.level
    root.addHandler(handler)
    try:
        with pytest.raises(InputError, match=r"(?s)Nanny failed to start\..*if __name__ == \"__main__\":"), \
                pool.dask_client("local", 2, lambda _line: None):
            pass
        logging.getLogger("distributed.nanny").error("after the start")
    finally:
        root.removeHandler(handler)
    assert len(asked) == 1
    assert Path(asked[0]["local_directory"]).parent == temp_dir
    assert asked[0]["scheduler_kwargs"]["local_directory"] == asked[0]["local_directory"]
    assert list(temp_dir.iterdir()) == []
    assert [record.getMessage() for record in heard] == ["after the start"]
    assert root.level == level


def test_no_cluster_is_started_by_a_process_that_imports_its_parents_main_module(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    started: list[Any] = []
    monkeypatch.setattr(distributed, "LocalCluster", lambda **kwargs: started.append(kwargs))
    monkeypatch.setattr(multiprocessing.current_process(), "_inheriting", True, raising=False)
    with pytest.raises(SystemExit) as ended, pool.dask_client("local", 1, lambda _line: None):
        pass
    assert ended.value.code == 1
    assert started == []


def test_a_top_level_call_on_the_local_cluster_fails_short(dask_unguarded_run: ScriptRun) -> None:
    """conftest's `DASK_SCRIPT` without the guard (`dask_unguarded_run`, two workers)."""
    done = dask_unguarded_run
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("  - scheduler | the local Dask cluster could not start its workers (Dask: ")
    assert 'put the call under `if __name__ == "__main__":`' in lines[-1]
    assert sum(line.startswith("Traceback") for line in lines) == 1, done.stderr  # the script's own
    assert not any("distributed." in line or "bootstrapping phase" in line for line in lines), done.stderr
    assert len(lines) < 30, done.stderr
    assert done.stdout == ""
    assert list(done.temp.iterdir()) == []
    assert not done.out.exists()


def test_the_guarded_script_runs_and_leaves_nothing_in_the_temporary_folder(dask_guarded_run: ScriptRun) -> None:
    """conftest's `DASK_SCRIPT` with the guard (`dask_guarded_run`, two workers)."""
    done = dask_guarded_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "compared"
    assert (done.out / "comparison.csv").is_file()
    assert list(done.temp.iterdir()) == []


def test_a_temporary_directory_that_cannot_take_the_clusters_folder_is_an_input_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dask

    started: list[Any] = []
    monkeypatch.setattr(distributed, "LocalCluster", lambda **kwargs: started.append(kwargs))
    missing = tmp_path / "missing"
    with dask.config.set({"temporary-directory": str(missing)}), \
            pytest.raises(InputError, match=r"(?s)scratch folder could not be made in .*missing \(No such file"), \
            pool.dask_client("local", 1, lambda _line: None):
        pass
    assert started == []
    assert not missing.exists()
