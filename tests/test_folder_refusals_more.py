"""Refusals of an output folder read as one clause, and a folder inside a staging folder is refused.

A refusal reads `<where> | the output folder <what> (got <path>); <fix>`: what it says of the folder
ends in words, never in a bracket of its own before the bracket of the path given ("holds an
input of this run (catalog.yaml) (got .)" read as two asides). And `--out` naming the hidden
folder a run, comparison or sweep assembles its outputs in (`.<name>.siting-staging.<process>.
<random>`, beside its output folder), or a folder inside it, is refused before anything is read or
written: what a run wrote there would be moved into the batch's folder with its outputs, or
removed with them.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from siting.cli import main
from siting.config.errors import OutputFolderError
from siting.deliver import folders
from siting.deliver.folders import (
    MARKER,
    destination_problems,
    staging_folder,
    write_folder_atomically,
    write_marker,
    written_entries,
)

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def one_clause(problems: list[str]) -> str:
    """The one problem of `problems`, checked to have no bracket just before its "(got"."""
    (problem,) = problems
    assert ") (got" not in problem, problem
    return problem


def test_a_folder_holding_an_input_names_it_in_the_clause(tmp_path: Path) -> None:
    source = tmp_path / "catalog.yaml"
    source.write_text("x\n")
    assert one_clause(destination_problems(tmp_path, [source], "--out")) == (
        f"--out | the output folder holds {source}, an input of this run (got {tmp_path}); choose a folder outside "
        "the folders that hold the scenario, its bases, the catalog and the layers"
    )


def test_a_folder_inside_an_input_folder_names_it_in_the_clause(tmp_path: Path) -> None:
    layer = tmp_path / "layers" / "sites.gdb"
    layer.mkdir(parents=True)
    out = layer / "out"
    assert one_clause(destination_problems(out, [layer], "--out")) == (
        f"--out | the output folder lies inside {layer}, an input of this run (got {out}); choose a folder outside "
        "the inputs of the run"
    )


def test_an_unmarked_folder_ending_on_an_empty_folder_says_so_without_a_bracket(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "old").mkdir(parents=True)
    assert one_clause(destination_problems(out, [], "--out")) == (
        f"--out | the output folder is a folder without a {MARKER} marker, holding folders siting did not write: an "
        f"empty old/ (got {out}); choose another folder, or empty this one: a run replaces only an empty folder or "
        "one it wrote"
    )


def marked(folder: Path) -> Path:
    """`folder` made as a run writes it: a plan.csv and report.md, listed in its marker."""
    folder.mkdir(parents=True)
    for name in ("plan.csv", "report.md"):
        (folder / name).write_text(f"{name}\n")
    write_marker(folder, written_entries(folder))
    return folder


def test_a_marker_that_lists_nothing_is_said_in_one_clause(tmp_path: Path) -> None:
    out = marked(tmp_path / "out")
    (out / MARKER).write_text("edited by hand\n")
    problem = one_clause(destination_problems(out, [], "--out"))
    assert problem.startswith(
        f"--out | the output folder has a {MARKER} marker, written by an earlier version or "
        f"edited since, that does not list the files siting wrote (got {out}); "
    )


def test_files_put_into_a_run_folder_are_named_in_one_clause(tmp_path: Path) -> None:
    out = marked(tmp_path / "out")
    (out / "notes.txt").write_text("mine\n")
    (out / "plan.csv").write_text("changed\n")
    problem = one_clause(destination_problems(out, [], "--out"))
    assert problem.startswith(
        "--out | the output folder was written by siting but now also holds notes.txt, which "
        f"siting did not write, and plan.csv, which was changed after siting wrote it (got {out}); "
    )


def test_files_changed_in_a_run_folder_are_named_in_one_clause(tmp_path: Path) -> None:
    out = marked(tmp_path / "out")
    (out / "plan.csv").write_text("changed\n")
    (out / "report.md").write_text("changed\n")
    problem = one_clause(destination_problems(out, [], "--out"))
    assert problem.startswith(
        "--out | the output folder holds plan.csv, report.md, which were changed after siting "
        f"wrote them (got {out}); move those files elsewhere"
    )


def test_a_folder_the_system_refuses_says_its_words_in_the_clause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_flag=0))
    out = tmp_path / "out"
    problem = one_clause(destination_problems(out, [], "--out"))
    assert problem.startswith(
        f"--out | the output folder cannot be created: {tmp_path} does not allow new folders, "
        f'the system says "{os.strerror(errno.EACCES)}" (got {out}); '
    )


def test_a_read_only_file_system_is_said_in_one_clause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    out = tmp_path / "out"
    assert one_clause(destination_problems(out, [], "--out")) == (
        f"--out | the output folder cannot be created: {tmp_path} is on a read-only file system (got {out}); choose "
        "a folder on a disk you can write to"
    )


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where no folder can be made")
def test_a_parent_that_cannot_be_made_at_the_write_is_said_in_one_clause() -> None:
    with pytest.raises(OutputFolderError) as caught:
        write_folder_atomically(Path("/proc/zz/yy"), {"a.txt": "a"}, where="--out")
    assert one_clause(caught.value.problems) == (
        f"--out | the output folder cannot be created: /proc/zz could not be made, the system says "
        f'"{os.strerror(errno.ENOENT)}" (got /proc/zz/yy); nothing was written there: choose a folder you can write to'
    )


# --- a staging folder --------------------------------------------------------------------------


def inside_staging(staging: Path, out: Path, verb: str = "lies inside") -> str:
    return (
        f"error: 1 problem with the output folder:\n  - --out | the output folder {verb} {staging}, the hidden "
        f"folder where a run, comparison or sweep assembles its outputs before moving them to "
        f"{staging.parent / 'CMP'} (got {out}); choose a folder outside {staging}\n"
    )


@pytest.mark.parametrize("command", ["solve", "check", "compare", "sweep"])
@pytest.mark.parametrize("below", ["mine", "yunnan_2024/x", ""])
def test_out_inside_a_staging_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str, below: str
) -> None:
    monkeypatch.setattr("siting.runs.job.prepare", lambda *_args, **_kwargs: pytest.fail("loaded"))
    staging = staging_folder(tmp_path / "CMP")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    out = staging / below if below else staging
    scenario = [str(SMALL), str(SMALL)] if command == "compare" else [str(SMALL)]
    extra = ["--set", "solver.mip_gap=0.01,0.02"] if command == "sweep" else []
    assert main([command, *scenario, *extra, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == inside_staging(staging, out, "is" if not below else "lies inside")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_folder_beside_a_staging_folder_is_not_refused_for_it(tmp_path: Path) -> None:
    staging_folder(tmp_path / "CMP")
    assert folders.staging_problem(tmp_path / "CMP") is None
    assert folders.staging_problem(tmp_path / "other" / "x") is None


def test_a_staging_folder_of_a_long_name_says_where_its_outputs_go(tmp_path: Path) -> None:
    name = "c" * 60
    staging = staging_folder(tmp_path / name)
    what, fix = folders.staging_problem(staging / "x")
    assert what == (
        f"lies inside {staging}, the hidden folder where a run, comparison or sweep assembles its outputs "
        f"before moving them to their folder in {tmp_path}"
    )
    assert fix == f"choose a folder outside {staging}"
