"""A Dask worker that joins the scheduler after the batch connected was never checked as the batch
connected (siting/runs/pool.py `workers_problem`): each task checks, on the worker that runs it,
that the worker's source is this process's (`checked_call`), and a worker of another checkout
stops the batch, named, before it solves anything with its own code. A real scheduler with no
worker at first, and a `dask worker` process started later from a copy of the source with one
line added, stand in for it."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.runs import pool


def _other_checkout(folder: Path) -> Path:
    """A copy of the packages a run runs, `siting/runs/pool.py` with one comment more."""
    for package in pool.FINGERPRINTED:
        source = Path(importlib.import_module(package).__file__).parent
        shutil.copytree(source, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    changed = folder / "siting" / "runs" / "pool.py"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# another checkout\n", encoding="utf-8")
    return folder


def test_a_worker_of_another_checkout_that_joins_later_stops_the_batch(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    from distributed import Client, LocalCluster

    checkout = _other_checkout(tmp_path / "checkout")
    heard: list[str] = []
    hooks = pool._Hooks(heard.append, lambda _i, _result: None, lambda: None, lambda _i, why: why)
    tasks = [pool._Task("a", pool.ran_again, ("a", "solved here"))]
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert client.nthreads() == {}  # nothing to check as the batch connects
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
                                   "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                                  env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with pytest.raises(InputError) as raised:
                pool._run_on_dask(tasks, client, hooks, "test")
            address = next(iter(client.nthreads()), None)
        finally:
            worker.terminate()
            worker.wait(30)
    text = str(raised.value)
    assert text.count("--scheduler |") == 1 and "another version of the siting package" in text, text
    assert address is not None and address in text, text
    assert heard == []  # refused before it began: the worker solved nothing
