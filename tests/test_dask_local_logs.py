"""The local Dask cluster's own log lines that only contradict or repeat what the batch says
(siting/runs/pool.py `local_cluster_logs`, `dask_setup`): while the runs run, its scheduler's
("Task ... marked as failed because 2 workers died", for a run then submitted again) and its
nannies' ("Restarting worker") are quiet in the process that started it, and its workers' ("Async
instruction ... ended with CancelledError" as the runs are cancelled) in each worker process; the
lines that say a worker used too much memory stay, and the levels are restored after. A cluster
in this process (threads) stands in for the local cluster's processes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("dask.distributed")

import siting.runs.pool as pool  # noqa: E402
from siting.runs.pool import Case, CaseSummary, run_cases  # noqa: E402

NAMES = ("distributed.scheduler", "distributed.nanny", "distributed.nanny.memory", "distributed.worker",
         "distributed.worker.state_machine", "distributed.worker.memory")


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def heard() -> Iterator[Kept]:
    """The records that reach the handlers of Dask's "distributed" logger; every level restored."""
    levels = {name: logging.getLogger(name).level for name in ("distributed", *NAMES)}
    handler = Kept()
    logging.getLogger("distributed").addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger("distributed").removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def logging_run(case: Case, _start: Any, _keep: Any) -> CaseSummary:
    logging.getLogger("distributed.scheduler").error("Task x marked as failed because 2 workers died")
    logging.getLogger("distributed.nanny").warning("Restarting worker (status=Status.running)")
    logging.getLogger("distributed.nanny.memory").warning("Worker exceeded 95% memory budget. Restarting...")
    return CaseSummary(label=case.label, ok=True, status="optimal")


def test_the_local_clusters_scheduler_and_nannies_are_quiet_while_the_runs_run(
        monkeypatch: pytest.MonkeyPatch, heard: Kept) -> None:
    local_cluster = distributed.LocalCluster
    levels = {name: logging.getLogger(name).level for name in NAMES}

    def in_process(**kwargs: Any) -> Any:
        return local_cluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                             local_directory=kwargs["local_directory"])

    monkeypatch.setattr(distributed, "LocalCluster", in_process)
    monkeypatch.setattr(pool, "run_case", logging_run)
    summaries = run_cases([Case("a", Path("scenario.yaml"), Path("a"))], workers=2, scheduler="local")
    assert [s.ok for s in summaries] == [True]
    said = [record.getMessage() for record in heard.records if record.levelno >= logging.WARNING]
    assert said == ["Worker exceeded 95% memory budget. Restarting..."]
    assert {name: logging.getLogger(name).level for name in NAMES} == levels


def test_a_local_clusters_worker_process_quiets_its_workers_lines_but_memorys(heard: Kept) -> None:
    memory = logging.getLogger("distributed.worker.memory").getEffectiveLevel()
    pool.dask_setup(None)
    logging.getLogger("distributed.worker.state_machine").warning("Async instruction for x ended with CancelledError")
    logging.getLogger("distributed.worker").warning("Compute Failed")
    logging.getLogger("distributed.worker.memory").warning("Unmanaged memory use is high")
    assert [record.getMessage() for record in heard.records] == ["Unmanaged memory use is high"]
    assert logging.getLogger("distributed.worker.memory").getEffectiveLevel() == memory
