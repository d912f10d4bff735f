"""A batch's folder replaced by a re-run is removed file by file, its marker last; so must be each
run's folder inside it (`run03/`, marked by its own marker). The run folders' markers sorted first
(`.siting-run` before `report.md`) and went first: a run stopped (Ctrl-C, SIGTERM) while removing
the replaced folder left `run03/` holding outputs and no marker, and every later run into the same
place took `run03/` for files siting did not write and left the folder beside the outputs, asking
the user to move "their" files out (reproduced with `siting sweep ... --out out` twice, the second
stopped by SIGTERM just after its outputs were swapped in)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from siting.deliver import folders
from siting.deliver.folders import MARKER, is_ours, write_folder_atomically, write_marker


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the current folder, so that notices name its folders relative to it."""
    monkeypatch.chdir(tmp_path)
    folders.forget_completed()
    return tmp_path


def replaced_batch(here: Path, pid: int) -> Path:
    """The folder a re-run of a batch renamed aside: its marker lists run03/, a run's folder with
    its own marker listing its two files."""
    old = here / f".out.siting-old.{pid}.def456"
    run = old / "run03"
    run.mkdir(parents=True)
    (run / "report.md").write_text("# run03\n")
    (run / "sites.csv").write_text("site\n")
    write_marker(run, ["report.md", "sites.csv"])
    (old / "sweep.csv").write_text("run\n")
    write_marker(old, ["run03/", "sweep.csv"])
    return old


def test_a_stop_while_a_replaced_batch_is_removed_leaves_its_runs_marked(here: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    """The stop comes at the second file removed inside run03/: what is left of run03/ keeps its
    marker, and the next run into the same place removes the whole leftover, naming nothing."""
    old = replaced_batch(here, dead_pid())
    real = os.unlink
    inside: list[str] = []

    def unlink(path: Any, *args: Any, **kwargs: Any) -> None:
        if Path(path).parent.name == "run03":
            inside.append(Path(path).name)
            if len(inside) == 2:
                raise KeyboardInterrupt
        real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    with pytest.raises(KeyboardInterrupt):
        folders.remove_written(old)
    monkeypatch.setattr(os, "unlink", real)
    assert is_ours(old / "run03"), "run03/ lost its marker before its files"
    assert inside[-1] != MARKER
    write_folder_atomically(here / "out", {"a.csv": "new\n"})
    assert folders.left_behind() == []
    assert not old.exists()
