"""Ctrl-C (or SIGTERM) while the local Dask cluster of `--scheduler local` starts: the scheduler,
made in this process before its workers start, already holds its scratch folder (Dask's WorkDir,
`dask-scratch-space/scheduler-...`) inside the cluster's, which `dask_client` removes at once;
left to itself the scheduler removed its folder only as the process exited, found it gone, and
Dask logged "Failed to remove '.../scheduler-...' ... No such file or directory" under the stop's
one line (seen with `siting sweep ... --scheduler local` stopped by SIGTERM as the cluster
started). The half-started cluster's scheduler lets go of its folder as the stop goes up."""

import logging
from pathlib import Path
from typing import ClassVar

import pytest

distributed = pytest.importorskip("distributed")

from distributed.deploy.spec import SpecCluster  # noqa: E402
from distributed.diskutils import WorkSpace  # noqa: E402

from siting.runs import pool  # noqa: E402


class HalfScheduler:
    """A scheduler as Dask's is made: its WorkDir in the cluster's scratch folder."""

    def __init__(self, scratch: str) -> None:
        self._workdir = WorkSpace(scratch).new_work_dir(prefix="scheduler-")


class HalfStarted:
    """A cluster that registers itself and makes its scheduler, as Dask's do as they start, then
    is stopped by Ctrl-C while its workers start."""

    made: ClassVar[list["HalfStarted"]] = []

    def __init__(self, local_directory: str, **_settings: object) -> None:
        HalfStarted.made.append(self)
        SpecCluster._instances.add(self)  # type: ignore[arg-type]
        self.scheduler = HalfScheduler(local_directory)
        raise KeyboardInterrupt


def test_a_cluster_stopped_while_starting_lets_go_of_its_schedulers_folder(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        pool._local_cluster(HalfStarted, 2, str(tmp_path))
    (half,) = HalfStarted.made
    workdir = half.scheduler._workdir
    assert not Path(workdir.dir_path).exists()
    assert not workdir._finalizer.alive  # nothing left for the exit to remove


def test_a_stop_while_the_cluster_starts_is_not_followed_by_dasks_unretrieved_start_failure(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The cluster's start goes on in Dask's event loop thread after the stop; its workers' start
    then fails as the process ends, and asyncio logged the task's exception ("Task exception was
    never retrieved ... RuntimeError: Nanny failed to start.", a traceback under the stop's line:
    `siting sweep ... --scheduler local` stopped by SIGTERM as its workers started). Once a cluster
    was stopped while starting, such a record of a failure inside Dask's code is dropped; asyncio's
    other records are not."""
    with pytest.raises(KeyboardInterrupt):
        pool._local_cluster(HalfStarted, 2, str(tmp_path))
    try:
        distributed.deploy.spec.ProcessInterface.__init__(None)  # raised inside Dask's code
    except AttributeError as exc:
        inside_dask = exc
    try:
        raise RuntimeError("the user's own")
    except RuntimeError as exc:
        own = exc
    asyncio_log = logging.getLogger("asyncio")
    with caplog.at_level("ERROR", logger="asyncio"):
        asyncio_log.error("Task exception was never retrieved", exc_info=inside_dask)
        asyncio_log.error("Task exception was never retrieved", exc_info=own)
    assert [r.exc_info[1] for r in caplog.records if r.name == "asyncio"] == [own]
