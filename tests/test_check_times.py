"""`siting check` tests that the output folder can be made by making an empty folder beside it
and removing it at once, as `solve` does; it gives the folder it made that in its access and
modification times back (siting/deliver/folders.py `times_kept`), so that `ls -l`, a backup or
a build tool sees no change where check wrote nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from siting.cli import main
from siting.deliver.folders import times_kept

DATA = Path(__file__).parent / "data" / "small"
OLD_NS = 1_000_000_000 * 10**9  # 2001-09-09, far from now


def aged(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(folder, ns=(OLD_NS, OLD_NS))
    return folder


@pytest.mark.parametrize("out", ["runs/new", "runs/empty"])
def test_check_leaves_the_folder_above_the_output_folder_as_it_was(tmp_path: Path, out: str, capsys):
    shutil.copytree(DATA, tmp_path / "small")
    runs = aged(tmp_path / "runs")
    if out.endswith("empty"):
        (tmp_path / out).mkdir()
        os.utime(runs, ns=(OLD_NS, OLD_NS))
    code = main(["check", str(tmp_path / "small" / "scenario.yaml"), "--out", str(tmp_path / out)])
    assert code == 0, capsys.readouterr().err
    assert runs.stat().st_mtime_ns == OLD_NS
    assert runs.stat().st_atime_ns == OLD_NS
    assert sorted(p.name for p in runs.iterdir()) == (["empty"] if out.endswith("empty") else [])


def test_times_are_given_back_after_a_failing_block_too(tmp_path: Path):
    folder = aged(tmp_path / "f")
    with pytest.raises(OSError), times_kept(folder):
        (folder / "x").mkdir()
        (folder / "x").rmdir()
        raise OSError("no space")
    assert folder.stat().st_mtime_ns == OLD_NS


def test_a_folder_that_cannot_be_read_runs_the_block_as_it_is(tmp_path: Path):
    ran = []
    with times_kept(tmp_path / "missing"):
        ran.append(True)
    assert ran == [True]
