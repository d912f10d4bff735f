"""The scenario's `output.folder` from a home folder that cannot be, refused as `--out` is.

A path that starts at the home folder of a user the system does not know (`~nosuchuser_3x/x`)
is left as it is by a shell, a relative path: as `output.folder`, written in the scenario file or
given with `--set`, a run made a folder named `~nosuchuser_3x` (beside the scenario, or in the
current folder) and wrote its outputs there, while `--out ~nosuchuser_3x/x` was refused
(tests/test_front_door_findings.py). Now the setting is refused the same way, naming the file and
the line that wrote it, or the `--set` that gave it: exit 2 before anything is loaded or solved,
nothing made (siting/config/load.py `LoadedScenario.output_folder`, `home_problem`). The setting
is read only when it is used: with `--out` the run goes there. A home path that can be stays one
(`~/x` is the home folder's `x`, tests/test_front_door_paths.py).

The scenario is a copy of tests/data/small, whose `output.folder` is on line 36. Messages are
matched whole."""

from __future__ import annotations

import os
import pwd
from pathlib import Path
from types import SimpleNamespace

import pytest

import siting
from siting.cli import main
from siting.config.errors import OutputFolderError
from tests.conftest import edit

UNKNOWN = ("the output folder starts at the home folder of the user 'nosuchuser_3x' (~nosuchuser_3x), but the "
           "system has no such user (got ~nosuchuser_3x/x); check the user's name, or give a path that does not "
           "start with ~")


@pytest.fixture
def here(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder that holds the small scenario's copy (`small/`), as the current folder; the
    scenario's own layers and settings are never loaded (the refusal comes first)."""
    monkeypatch.chdir(folder.parent)
    monkeypatch.setattr("siting.runs.job.prepare", lambda *_args, **_kwargs: pytest.fail("loaded"))
    assert os.path.expanduser("~nosuchuser_3x/x") == "~nosuchuser_3x/x"
    return folder.parent


def everything(folder: Path) -> list[str]:
    """Every file and folder under `folder`, by its relative path (POSIX), sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """`siting` with `argv`: exit 2 without a traceback, nothing on standard output; the error."""
    code = main([*argv, "--quiet"])
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err
    return captured.err


def test_an_unknown_user_s_home_in_the_scenario_file_is_refused(here: Path, capsys) -> None:
    """Before: `small/~nosuchuser_3x/x` was made beside the scenario and the run wrote there."""
    edit(here / "small" / "scenario.yaml", "folder: out", "folder: ~nosuchuser_3x/x")
    before = everything(here)
    assert refused(["solve", "small/scenario.yaml"], capsys) == (
        "error: 1 problem with the output folder:\n"
        f"  - small/scenario.yaml:36: output.folder | {UNKNOWN}\n")
    assert everything(here) == before
    with pytest.raises(OutputFolderError) as caught:
        siting.run("small/scenario.yaml")
    assert caught.value.problems == [f"small/scenario.yaml:36: output.folder | {UNKNOWN}"]
    assert everything(here) == before


def test_an_unknown_user_s_home_given_with_set_is_refused(here: Path, capsys) -> None:
    """Before: `./~nosuchuser_3x/x` was made in the current folder (the override's relative path
    starts there) and the run wrote there."""
    before = everything(here)
    assert refused(["solve", "small/scenario.yaml", "--set", "output.folder=~nosuchuser_3x/x"], capsys) == (
        "error: 1 problem with the output folder:\n"
        f"  - small/scenario.yaml: --set output.folder | {UNKNOWN}\n")
    assert everything(here) == before
    with pytest.raises(OutputFolderError) as caught:
        siting.run("small/scenario.yaml", overrides={"output.folder": "~nosuchuser_3x/x"})
    assert caught.value.problems == [f"small/scenario.yaml: overrides output.folder | {UNKNOWN}"]
    assert everything(here) == before


def test_a_home_folder_that_does_not_exist_is_refused_in_a_variant_too(here: Path, capsys,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A user whose home folder is missing (as `nobody`'s `/nonexistent`), written in a variant:
    refused at the variant's line, the missing home folder not made."""
    gone = here / "gone"
    real = pwd.getpwnam
    monkeypatch.setattr(pwd, "getpwnam", lambda name: SimpleNamespace(pw_dir=str(gone)) if name == "ghost_3x"
                        else real(name))
    with (here / "small" / "scenario.yaml").open("a") as stream:
        stream.write("variants:\n  away:\n    output: {folder: ~ghost_3x/x}\n")
    lines = (here / "small" / "scenario.yaml").read_text().splitlines()
    before = everything(here)
    assert refused(["solve", "small/scenario.yaml", "--variant", "away"], capsys) == (
        "error: 1 problem with the output folder:\n"
        f"  - small/scenario.yaml:{len(lines)}: variants.away.output.folder | the output folder starts at the home "
        f"folder of the user 'ghost_3x' (~ghost_3x), {gone}, which does not exist (got ~ghost_3x/x); give a folder "
        "in a home folder that exists, or a path that does not start with ~\n")
    assert everything(here) == before
    assert not gone.exists()


def test_with_out_the_setting_is_not_read(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys) -> None:
    """The scenario's `output.folder` names an unknown user's home, but `--out` says where the
    run goes: it solves and writes there, nothing else made."""
    monkeypatch.chdir(tmp_path)
    edit(folder / "scenario.yaml", "folder: out", "folder: ~nosuchuser_3x/x")
    assert main(["solve", "small/scenario.yaml", "--out", "plan", "--quiet"]) == 0
    assert "outputs written to" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan", "small"]
    assert not any(p.name.startswith("~") for p in tmp_path.rglob("*"))
