"""A folder a stopped run left beside its output folder, holding a file of the user's.

A run assembles its outputs in `.<name>.siting-staging.<pid>.<random>` beside the output folder,
and renames the folder it replaces `.<name>.siting-old.<pid>.<random>`; a run killed midway
leaves either behind, and the next run into the same place removes those of processes no longer
alive. It removed them whole: a file the user had put into one since (notes kept with the
outputs being written) was deleted with no word, while the tool never deletes what it did not
write. The staging folder's marker listed nothing until the end, so nothing told the tool's
files from the user's. Now the marker lists each file before it is written, and a stale folder
loses only what siting wrote there: a folder holding anything else is left with its marker and
named in a notice (siting/deliver/folders.py `left_behind`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from siting.deliver import folders
from siting.deliver.folders import (
    MARKER,
    MARKER_TEXT,
    is_ours,
    remove_stale_temporaries,
    staging_folder,
    write_files,
    write_folder_atomically,
    write_marker,
)


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def tree(folder: Path) -> dict[str, str | None]:
    """Every file and folder under `folder` (relative name -> text, None for a folder)."""
    return {p.relative_to(folder).as_posix(): (p.read_text() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the current folder, so that notices name its folders relative to it."""
    monkeypatch.chdir(tmp_path)
    folders.forget_completed()
    return tmp_path


def stopped_staging(here: Path, pid: int) -> Path:
    """A staging folder for out/ as a run killed while writing leaves it: its marker as the run
    writes it then (listing the files about to be written, plan.gpkg and an alternative's among
    them), plan.csv written, plan.gpkg half written with SQLite's journal beside it, alt01/ made,
    and a run of a batch complete in its own folder, with its own marker."""
    staging = here / f".out.siting-staging.{pid}.abc123"
    staging.mkdir()
    write_marker(staging)
    with (staging / MARKER).open("a", encoding="utf-8") as marker:
        marker.write("".join(f"{name}\n" for name in ("plan.csv", "plan.gpkg", "alt01", "alt01/plan.csv")))
    (staging / "plan.csv").write_text("site,built\n")
    (staging / "plan.gpkg").write_text("half written")
    (staging / "plan.gpkg-journal").write_text("journal")
    (staging / "alt01").mkdir()
    (staging / "alt01" / "plan.csv").write_text("site,built\n")
    run = staging / "small"
    run.mkdir()
    (run / "report.md").write_text("# small\n")
    write_marker(run, ["report.md"])
    return staging


def test_a_stale_staging_folder_keeps_the_users_file_and_loses_the_tools(here: Path):
    """A file of the user's in the stale staging folder, and one in its batch run's folder: both
    stay, with the folders that hold them and their markers; every file siting wrote there goes,
    and the notice names the folder and the user's files."""
    staging = stopped_staging(here, dead_pid())
    (staging / "my_notes.txt").write_text("precious")
    (staging / "small" / "mine.txt").write_text("also precious")
    assert remove_stale_temporaries(here / "out") == []
    assert {k: v for k, v in tree(staging).items() if not k.endswith(MARKER)} == {
        "my_notes.txt": "precious", "small": None, "small/mine.txt": "also precious"}
    assert is_ours(staging) and is_ours(staging / "small")
    assert folders.left_behind() == [
        f"{staging.name}, left beside out by an earlier run that was stopped, holds files siting did not write "
        "(my_notes.txt, small/mine.txt): siting removed only its own files from it and left the folder; move "
        "those files out and remove the folder"]


def test_a_stale_staging_folder_of_the_tools_files_alone_is_removed_whole(here: Path):
    """Only what siting wrote (files listed, SQLite's journal beside a listed GeoPackage, the disk's
    probe, a batch's run with its own marker): removed whole, with no word."""
    staging = stopped_staging(here, dead_pid())
    (staging / "alt01" / ".siting-probe.k2j3h4g5").write_text("")
    assert remove_stale_temporaries(here / "out") == [staging]
    assert not staging.exists()
    assert folders.left_behind() == []


def test_a_stale_replaced_folder_with_a_file_added_keeps_it(here: Path):
    """The folder a stopped run was replacing, complete, its marker listing its files, and a
    file put into it since: only that file stays, and is named; without it the folder goes."""
    pid = dead_pid()
    old = here / f".out.siting-old.{pid}.def456"
    old.mkdir()
    (old / "plan.csv").write_text("site,built\n")
    write_marker(old, ["plan.csv"])
    (old / "plan.gpkg-journal").write_text("not beside a file of the tool's here")
    (old / "my_notes.txt").write_text("precious")
    write_folder_atomically(here / "out", {"a.csv": "new\n"})
    assert {k: v for k, v in tree(old).items() if k != MARKER} == {
        "my_notes.txt": "precious", "plan.gpkg-journal": "not beside a file of the tool's here"}
    assert is_ours(old)
    assert folders.left_behind() == [
        f"{old.name}, left beside out by an earlier run that was stopped, holds files siting did not write "
        "(my_notes.txt, plan.gpkg-journal): siting removed only its own files from it and left the folder; move "
        "those files out and remove the folder"]
    assert (here / "out" / "a.csv").read_text() == "new\n"
    (old / "my_notes.txt").unlink()
    (old / "plan.gpkg-journal").unlink()
    folders.forget_completed()
    write_folder_atomically(here / "out", {"a.csv": "newer\n"})
    assert not old.exists()
    assert folders.left_behind() == []


def test_the_staging_marker_lists_each_file_before_it_is_written(here: Path):
    """While a run writes its files, its staging folder's marker lists them, an alternative's in
    its subfolder too, so that a run stopped midway leaves a record of what it wrote there; the
    marker written at the end lists them with their SHA-256 alone."""
    staging = staging_folder(here / "out")
    seen: list[set[str]] = []

    def alternative(path: Path) -> None:
        path.mkdir()
        folders.write_contents(path, {"plan.csv": "site\n"})
        seen.append(folders.marker_entries(staging))

    def late(path: Path) -> None:
        seen.append(folders.marker_entries(staging))
        path.write_text("late\n")

    write_files(staging, {"a.csv": "a\n", "alt01": alternative, "z.csv": late})
    assert seen == [{"a.csv", "alt01", "z.csv", "alt01/plan.csv"}] * 2
    write_marker(staging, folders.written_entries(staging))
    assert folders.marker_lines(staging).keys() == {"a.csv", "alt01/plan.csv", "z.csv"}
    assert all(digest is not None for digest in folders.marker_lines(staging).values())
    assert (staging / MARKER).read_text().startswith(MARKER_TEXT)


def test_a_stale_replaced_folder_keeps_a_file_changed_since_siting_wrote_it(here: Path):
    """A listed file of the replaced folder, changed since siting wrote it: it stays, named as
    changed; the unchanged one goes."""
    old = here / f".out.siting-old.{dead_pid()}.def456"
    old.mkdir()
    (old / "plan.csv").write_text("site,built\n")
    (old / "costs.csv").write_text("cost\n")
    write_marker(old, ["plan.csv", "costs.csv"])
    (old / "plan.csv").write_text("site,built\nmy own row\n")
    assert remove_stale_temporaries(here / "out") == []
    assert {k: v for k, v in tree(old).items() if k != MARKER} == {"plan.csv": "site,built\nmy own row\n"}
    assert folders.left_behind() == [
        f"{old.name}, left beside out by an earlier run that was stopped, holds files changed after siting wrote "
        "them (plan.csv): siting removed only its own files from it and left the folder; move those files out and "
        "remove the folder"]
