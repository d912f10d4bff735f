"""A Dask worker without this package that joins the scheduler after the batch connected stops the
batch, named, as one of another version does (siting/runs/pool.py `checked_call`): the task it is
handed must reach the check before anything of the package is needed there. Were the run's own
call (`_announced`, the task's function and arguments) handed to Dask as they are, Dask would
import them as it unpickles the task, before the check, and the run would fail on
"No module named 'siting'" instead. A real scheduler with no worker at first, and a `dask worker`
process started later from a Python that cannot import the package, stand in for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.runs import pool

#: `dask worker ADDRESS` in a Python that cannot import the tool's packages: an installed copy's
#: import hook (an editable install) taken out, and no PYTHONPATH.
WORKER_WITHOUT_PACKAGE = """
import sys

sys.meta_path = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
sys.path = [entry for entry in sys.path if entry not in ("", ".")]
for name in ("siting", "models"):
    try:
        __import__(name)
    except ImportError:
        pass
    else:
        raise SystemExit(f"{name} is importable here")
from distributed.cli.dask_worker import main

sys.argv = ["dask-worker", sys.argv[1], "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"]
main()
"""


def test_a_worker_without_the_package_that_joins_later_stops_the_batch(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    from distributed import Client, LocalCluster

    heard: list[str] = []
    hooks = pool._Hooks(heard.append, lambda _i, _result: None, lambda: None, lambda _i, why: why)
    tasks = [pool._Task("a", pool.ran_again, ("a", "solved here"))]
    script = tmp_path / "worker.py"
    script.write_text(WORKER_WITHOUT_PACKAGE, encoding="utf-8")
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
        worker = subprocess.Popen([sys.executable, str(script), cluster.scheduler_address], env=env, cwd=tmp_path,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with pytest.raises(InputError) as raised:
                pool._run_on_dask(tasks, client, hooks, "test")
            address = next(iter(client.nthreads()), None)
        finally:
            worker.terminate()
            worker.wait(30)
    text = str(raised.value)
    assert text.count("--scheduler |") == 1, text
    assert "cannot find the source files of the siting package there" in text, text
    assert address is not None and address in text, text
    assert heard == []  # refused before it began: the worker ran nothing
