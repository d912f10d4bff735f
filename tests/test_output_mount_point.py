"""An output folder that is a mount point (a Docker volume, a network share) is refused before
the solve, naming the folder and giving one inside it: a run writes its outputs beside the
folder and renames them into place, which a mount point does not allow (its removal fails with
"Device or resource busy", after the whole solve, as a traceback)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from siting.cli import main


def test_a_mount_point_as_the_output_folder_is_refused_before_the_solve(folder: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch, capsys):
    mounted = tmp_path / "volume"
    mounted.mkdir()
    (mounted / "notes.txt").write_text("a user's file\n")
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == mounted.resolve() or real(path))
    monkeypatch.chdir(tmp_path)
    code = main(["solve", str(folder / "scenario.yaml"), "--out", "volume"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "solving" not in err and "bound" not in err  # refused before any search
    assert ("--out | the output folder is a mount point (a mounted volume or share), which a run cannot replace as "
            "a whole: it writes its outputs beside the folder and renames them into place (got volume); give a "
            "folder inside it, e.g. volume/plan") in " ".join(err.split())
    assert sorted(p.name for p in mounted.iterdir()) == ["notes.txt"]


def test_an_empty_folder_that_is_no_mount_point_is_written(folder: Path, tmp_path: Path, capsys):
    """The same empty folder, not mounted: written as before (the check names only mount points)."""
    target = tmp_path / "volume"
    target.mkdir()
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(target), "--quiet"]) == 0
    assert (target / "plan.csv").is_file()
