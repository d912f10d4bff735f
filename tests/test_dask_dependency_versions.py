"""Dask workers with other versions of the packages a run's result depends on (pyomo, highspy,
shapely, geopandas, pyproj, pydantic, numpy: siting/runs/pool.py DEPENDENCIES) than this process
would solve the same source to other plans: refused as the batch connects (`workers_problem`), and
by each task on the worker that runs it (`checked_call`), naming the package and both versions."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

import siting
from siting.config.errors import InputError
from siting.runs import pool


class _Client:
    """A connected client whose workers run what they are handed here, but for `change` made to a
    mapping of package versions they give back."""

    def __init__(self, addresses: list[str], change: dict[str, str | None]) -> None:
        self.addresses, self.change = addresses, change

    def run(self, function, *args, on_error="raise", **_kwargs):
        assert on_error == "return"
        answers = {}
        for address in self.addresses:
            answer = function(*args)
            if isinstance(answer, dict) and "pyomo" in answer and address.endswith("2"):
                answer = {**answer, **self.change}
            answers[address] = answer
        return answers

    def nthreads(self) -> dict[str, int]:
        return dict.fromkeys(self.addresses, 1)

    def close(self) -> None:
        pass


def test_a_worker_with_another_pyomo_is_refused_as_the_batch_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    client = _Client(["tcp://127.0.0.1:40001", "tcp://127.0.0.1:40002"], {"pyomo": "0.0.1", "highspy": None})
    monkeypatch.setattr(pool, "_connected", lambda _type, _scheduler: client)
    with pytest.raises(InputError) as raised, pool.dask_client("tcp://127.0.0.1:8786", 2, lambda _line: None):
        pass
    text = str(raised.value)
    assert "tcp://127.0.0.1:40002" in text and "tcp://127.0.0.1:40001" not in text, text
    assert f"pyomo 0.0.1 there ({importlib.metadata.version('pyomo')} here)" in text, text
    assert f"highspy not installed there ({importlib.metadata.version('highspy')} here)" in text, text
    assert "1 of its 2 workers" in text, text


def test_a_worker_with_another_pyomo_that_joins_later_stops_the_batch(tmp_path: Path) -> None:
    """A `dask worker` started after the client connected, with this source but a pyomo of
    another version found first on its path (its metadata only)."""
    pytest.importorskip("dask.distributed")
    from distributed import Client, LocalCluster

    other = tmp_path / "other" / "pyomo-0.0.1.dist-info"
    other.mkdir(parents=True)
    (other / "METADATA").write_text("Metadata-Version: 2.1\nName: pyomo\nVersion: 0.0.1\n", encoding="utf-8")
    source = Path(siting.__file__).parent.parent
    heard: list[str] = []
    hooks = pool._Hooks(heard.append, lambda _i, _result: None, lambda: None, lambda _i, why: why)
    tasks = [pool._Task("a", pool.ran_again, ("a", "solved here"))]
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(other.parent), str(source)])}
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
                                   "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                                  env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with pytest.raises(InputError) as raised:
                pool._run_on_dask(tasks, client, hooks, "test")
        finally:
            worker.terminate()
            worker.wait(30)
    text = str(raised.value)
    assert f"pyomo 0.0.1 there ({importlib.metadata.version('pyomo')} here)" in text, text
    assert "tcp://127.0.0.1:" in text and heard == [], text
