"""Ctrl-C (or SIGTERM) while the local Dask cluster of `--scheduler local` starts ends the batch
with the stop's one line: the cluster cut short is not left to Dask's close at exit, whose close of
a cluster still starting fails on its state and prints a traceback ("Exception ignored in atexit
callback ... AssertionError: Status.init")."""

from pathlib import Path
from typing import ClassVar

import pytest

pytest.importorskip("distributed")

from distributed.deploy.spec import SpecCluster

from siting.runs import pool


class HalfStarted:
    """A cluster that registers itself as Dask's do as they start, then is stopped by Ctrl-C."""

    made: ClassVar[list["HalfStarted"]] = []

    def __init__(self, **_settings: object) -> None:
        HalfStarted.made.append(self)
        SpecCluster._instances.add(self)  # type: ignore[arg-type]
        raise KeyboardInterrupt


def test_a_cluster_stopped_while_starting_is_not_closed_again_at_exit(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        pool._local_cluster(HalfStarted, 2, str(tmp_path))
    (half,) = HalfStarted.made
    assert half not in set(SpecCluster._instances)
