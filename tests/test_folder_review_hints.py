"""Files that normal use of QGIS or of a file browser leaves in an earlier output folder still
keep a run from replacing it (they are the user's), but the refusal says what they are: SQLite's
`-wal` / `-shm` files while QGIS (or another program) has a GeoPackage open, QGIS's backup
`plan.qgs~` of a project saved there, macOS Finder's `.DS_Store`."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.errors import OutputFolderError
from siting.deliver.folders import destination_problems, write_folder_atomically

RULE = "move those files out of the folder, or choose another folder: a run never deletes a file it did not write"
OPEN = ("mean that QGIS (or another program) has {db} open: close the project in QGIS (or that program), then run "
        "again")
BACKUP = "{name} is QGIS's backup of the project, made when you saved it in QGIS"
FINDER = ".DS_Store is macOS Finder's file (how the folder is shown), safe to delete"


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder siting wrote (plan.gpkg, plan.qgs, alt01/plan.gpkg), in the current folder."""
    monkeypatch.chdir(tmp_path)
    folder = Path("out")
    write_folder_atomically(folder, {"plan.gpkg": "db\n", "plan.qgs": "<qgis/>\n", "alt01": lambda p: (
        p.mkdir(), (p / "plan.gpkg").write_text("db1\n"))})
    return folder


def problem(folder: Path) -> str:
    (line,) = destination_problems(folder, [], "--out")
    return line


def test_a_geopackage_open_in_qgis_is_named(out: Path):
    (out / "plan.gpkg-wal").write_text("w")
    (out / "plan.gpkg-shm").write_text("s")
    (out / "plan.gpkg").write_text("changed by SQLite\n")
    assert problem(out) == (
        "--out | the output folder was written by siting but now also holds plan.gpkg-shm, plan.gpkg-wal, which "
        "siting did not write, and plan.gpkg, which was changed after siting wrote it (got out); move those files "
        "out of the folder, or choose another folder: a run never deletes a file it did not write, nor overwrites a "
        "file changed since siting wrote it; plan.gpkg-shm and plan.gpkg-wal " + OPEN.format(db="plan.gpkg"))


def test_an_alternatives_geopackage_open_in_qgis_is_named(out: Path):
    (out / "alt01" / "plan.gpkg-wal").write_text("w")
    assert problem(out) == (
        "--out | the output folder was written by siting but now also holds alt01/plan.gpkg-wal, which siting did "
        f"not write (got out); {RULE}; alt01/plan.gpkg-wal "
        + OPEN.format(db="alt01/plan.gpkg").replace("mean that", "means that"))


def test_qgis_backup_of_a_saved_project_is_named(out: Path):
    (out / "plan.qgs~").write_text("<qgis/>\n")
    assert problem(out) == (
        "--out | the output folder was written by siting but now also holds plan.qgs~, which siting did not write "
        f"(got out); {RULE}; " + BACKUP.format(name="plan.qgs~"))


def test_finders_file_is_named(out: Path):
    (out / ".DS_Store").write_text("x")
    (out / "notes.txt").write_text("mine")
    assert problem(out) == (
        "--out | the output folder was written by siting but now also holds .DS_Store, notes.txt, which siting did "
        f"not write (got out); {RULE}; {FINDER}")


def test_finders_file_in_a_folder_without_marker_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / ".DS_Store").write_text("x")
    assert problem(Path("new")) == (
        "--out | the output folder is a folder without a .siting-run marker, holding files siting did not write: "
        f".DS_Store (got new); choose another folder, or empty this one: a run replaces only an empty folder or one "
        f"it wrote; {FINDER}")


def test_other_files_get_no_hint(out: Path):
    (out / "plan.gpkg.bak").write_text("x")
    assert problem(out) == (
        "--out | the output folder was written by siting but now also holds plan.gpkg.bak, which siting did not "
        f"write (got out); {RULE}")


def test_a_geopackage_opened_during_the_run_is_named(out: Path):
    def opened(path: Path) -> None:
        path.write_text("db2\n")
        (out / "plan.gpkg-wal").write_text("w")

    with pytest.raises(OutputFolderError) as error:
        write_folder_atomically(out, {"plan.gpkg": opened, "plan.qgs": "<qgis/>\n"})
    assert error.value.problems == [
        "--out | the output folder changed during the run: it was written by siting but now also holds "
        "plan.gpkg-wal, which siting did not write (got out); a run never deletes a file it did not write, so the "
        "complete outputs of this run were kept in out.new instead: use them there, or "
        "move those files out of the folder, then run again; plan.gpkg-wal "
        + OPEN.format(db="plan.gpkg").replace("mean that", "means that")]
