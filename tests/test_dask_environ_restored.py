"""A batch on a local Dask cluster leaves the caller's environment as it was: Dask's nannies set
the variables of distributed.nanny.pre-spawn-environ (OMP_NUM_THREADS=1, MKL_NUM_THREADS=1,
OPENBLAS_NUM_THREADS=1, MALLOC_TRIM_THRESHOLD_), PYTHONHASHSEED and __DASK_PARENT_PID in this
process's own environment as they start their workers, and left them there after the batch: a
notebook's later subprocesses (a process pool's workers among them) ran on one thread each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import siting
from siting.runs import pool

pytest.importorskip("dask.distributed")

DATA = Path(__file__).parent / "data" / "small"


def test_the_local_cluster_leaves_the_environment_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONHASHSEED", "__DASK_PARENT_PID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")  # one the caller set: kept at its value
    before = dict(os.environ)
    with pool.dask_client("local", 1, lambda _line: None):
        assert os.environ.get("OMP_NUM_THREADS") == "1"  # Dask's, while its workers start
    assert dict(os.environ) == before


def test_a_sweep_on_a_local_cluster_leaves_the_environment_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MALLOC_TRIM_THRESHOLD_",
                 "PYTHONHASHSEED", "__DASK_PARENT_PID"):
        monkeypatch.delenv(name, raising=False)
    siting.load(DATA / "scenario.yaml")  # the GIS libraries, which set variables of their own on import
    before = dict(os.environ)
    batch = siting.sweep(DATA / "scenario.yaml", {"constraints.redline.buffer_m": [0, 1000]}, workers=1,
                         scheduler="local")
    assert batch.ok
    assert dict(os.environ) == before
