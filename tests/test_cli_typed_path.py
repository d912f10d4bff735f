"""A path typed as `./~name/...` is a folder named "~name" in the current folder, as a shell
reads it, never a home folder.

`Path("./~name/x")` is written "~name/x": before, `--out ./~nosuchuser_7q/x` was refused as the
home folder of an unknown user, and a scenario at `./~nosuchuser_7q/scenario.yaml` could not be
named, while `--set output.folder=./~nosuchuser_7q/x` (read as written) was accepted. A path that
starts with `~` stays a home folder's path (tests/test_output_folder_home.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from siting.cli import main, typed_path

USER = "~nosuchuser_7q"


def test_a_dot_slash_tilde_path_is_made_absolute_and_others_are_kept(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert typed_path(f"./{USER}/x") == tmp_path / USER / "x"
    assert typed_path(f"./{USER}/x").is_absolute()
    assert typed_path(f"{USER}/x") == Path(f"{USER}/x")
    assert typed_path("~/x") == Path("~/x")
    assert typed_path("outputs/run1") == Path("outputs/run1")
    assert typed_path("./outputs/run1") == Path("outputs/run1")


def test_out_and_scenario_in_a_folder_named_tilde_user(folder: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """The small scenario moved into `./~nosuchuser_7q/`, solved into `./~nosuchuser_7q/plan`:
    the run writes there (before: exit 2, "the system has no such user")."""
    monkeypatch.chdir(tmp_path)
    shutil.move(folder, tmp_path / USER)
    code = main(["solve", f"./{USER}/scenario.yaml", "--out", f"./{USER}/plan", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert (tmp_path / USER / "plan" / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [USER]
