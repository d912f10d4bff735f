"""A run whose worker ended while it ran, and that is then run again (the process pool's retry; on
Dask the scheduler's re-run within allowed-failures, or the batch's new submission of a run lost
with workers it never ran on) was silent unless it was finally lost: a planner heard nothing of a
worker that died under a run that then succeeded. Each such event is now said once, on a line of
the progress's own ("run <label>: ...; it runs again"), the same in both pools; the final outcome
lines are unchanged."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest

from siting.runs import pool
from tests.conftest import LostTaskClient


def _hooks(said: list[str], lost: list[str] | None = None) -> pool._Hooks:
    return pool._Hooks(lambda _label: None, lambda _i, _result: None, lambda: None,
                       lambda _i, why: (lost.append(why) if lost is not None else None) or f"lost: {why}",
                       again=lambda label, why: said.append(pool.ran_again(label, why)))


def _dies_once(marker: str) -> str:
    """Kill this worker process the first time (no `marker` file yet); give a plan the second."""
    if not os.path.exists(marker):
        Path(marker).write_text("ran")
        os.kill(os.getpid(), signal.SIGKILL)
    return "plan"


def _dies(_marker: str) -> str:
    os.kill(os.getpid(), signal.SIGKILL)
    return "never"


def test_pool_a_run_whose_worker_died_and_that_then_succeeded_is_said(tmp_path: Path) -> None:
    said: list[str] = []
    results = pool._run_in_pool([pool._Task("a", _dies_once, (str(tmp_path / "m"),))], 2, _hooks(said))
    assert results == ["plan"]
    assert said == ["run a: the worker process running it ended (killed by SIGKILL, which an out-of-memory kill "
                    "gives); it runs again"]


def test_pool_a_run_finally_lost_is_said_once_then_reported_as_before(tmp_path: Path) -> None:
    said: list[str] = []
    lost: list[str] = []
    results = pool._run_in_pool([pool._Task("a", _dies, (str(tmp_path / "m"),))], 2, _hooks(said, lost))
    assert lost == ["worker process died 2 times running this case (killed by SIGKILL, which an out-of-memory "
                    "kill gives)"]
    assert results == [f"lost: {lost[0]}"]
    assert said == ["run a: the worker process running it ended (killed by SIGKILL, which an out-of-memory kill "
                    "gives); it runs again"]


def _on_dask(begins: int) -> tuple[list[object], list[str]]:
    said: list[str] = []
    tasks = [pool._Task("run", lambda: "plan", ())]
    return pool._run_on_dask(tasks, LostTaskClient(begins), _hooks(said), "test", beat_s=0.05), said


def test_dask_a_run_submitted_again_after_its_workers_were_lost_is_said() -> None:
    pytest.importorskip("dask.distributed")
    results, said = _on_dask(begins=1)
    assert results == ["plan"]
    assert said == ["run run: the Dask workers holding it were lost (KilledWorker: 2 died holding it, the last "
                    "tcp://127.0.0.1:40000; Dask does not say how a worker ended); it runs again"]


def test_dask_a_run_the_scheduler_runs_again_is_said_once_then_reported_as_before() -> None:
    pytest.importorskip("dask.distributed")
    results, said = _on_dask(begins=2)
    assert isinstance(results[0], str) and results[0].startswith("lost: Dask worker died 2 times")
    assert said == ["run run: the Dask worker running it was lost (Dask does not say how it ended); it runs again"]


def test_the_lines_go_to_the_progress_of_runs_and_of_cross_starts() -> None:
    stream = io.StringIO()
    counter = pool.Progress(2, stream=stream)
    case = pool.Case("a", Path("s.yaml"), Path("out"))
    pool._case_hooks([case], counter).again("a", "the worker process running it ended (exit code 3)")
    pool._cross_hooks([case], [(0, {})], counter.then(1, "cross-starts")).again("a", "the Dask worker running it "
                                                                                     "was lost")
    assert "run a: the worker process running it ended (exit code 3); it runs again" in stream.getvalue()
    assert "cross-start of a: the Dask worker running it was lost; it runs again" in stream.getvalue()
