"""An output folder that changed while the run was solving: the check just before the swap
refuses to replace it, and the complete outputs are kept in a new folder beside it.

The change is made during the write itself (a file writer that also edits the destination, or
`write_files` wrapped), so that the folder passed the check before the run and fails the one at
the swap. Each test checks the destination byte for byte, the kept folder (every output, a
marker listing them with their SHA-256, the usual permissions), the whole message, and that no
staging folder is left."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import siting.deliver.folders
from siting.cli import main
from siting.config.errors import InputError, OutputFolderError
from siting.deliver.folders import (
    MARKER,
    MARKER_TEXT,
    changed_files,
    check_destination,
    foreign_files,
    kept_name,
    marker_lines,
    normal_mode,
    remove_stale_temporaries,
    write_folder_atomically,
)
from tests.conftest import MadeRun, copied

NOT_REPLACED = "the output folder was not replaced:\n  - "
CHANGED_RULE = "a run never overwrites a file changed since siting wrote it"
KEPT_FILES = ["plan.csv", "report.md"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under `root`, hidden ones too: files by SHA-256, folders as 'dir'."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else sha256(p) for p in sorted(root.rglob("*"))}


def temporaries(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".siting-" in p.name)


def outputs(version: str) -> dict[str, str | Callable[[Path], None]]:
    """The files of a hand-made run, their text marked with `version`."""
    return {"plan.csv": f"site,modules\nw_mine,{version}\n", "report.md": f"# Report {version}\n"}


def changing(version: str, change: Callable[[], None]) -> dict[str, str | Callable[[Path], None]]:
    """`outputs(version)`, whose report.md is written after `change` (the user's, made while the
    run writes)."""
    files = outputs(version)

    def write_report(target: Path) -> None:
        change()
        target.write_text(f"# Report {version}\n")

    files["report.md"] = write_report
    return files


def assert_kept(kept: Path, version: str) -> None:
    """`kept` holds the run `version`'s outputs and a marker listing them, like any output folder."""
    assert sorted(p.name for p in kept.iterdir()) == sorted([MARKER, *KEPT_FILES])
    assert (kept / "plan.csv").read_text() == f"site,modules\nw_mine,{version}\n"
    assert (kept / "report.md").read_text() == f"# Report {version}\n"
    assert (kept / MARKER).read_text() == MARKER_TEXT + "".join(f"{sha256(kept / n)}  {n}\n" for n in KEPT_FILES)
    assert foreign_files(kept) == [] and changed_files(kept) == []
    assert kept.stat().st_mode & 0o777 == normal_mode()


def refused_at_swap(destination: Path, files: dict[str, str | Callable[[Path], None]]) -> OutputFolderError:
    with pytest.raises(OutputFolderError) as caught:
        write_folder_atomically(destination, files)
    error = caught.value
    assert isinstance(error, InputError) and error.exit_code == 2 and error.during_run
    return error


def changed_message(out: Path, kept: Path) -> str:
    return (f"{NOT_REPLACED}--out | the output folder changed during the run: it holds report.md, which was changed "
            f"after siting wrote it (got {out}); {CHANGED_RULE}, so the complete outputs of this run were kept in "
            f"{kept} instead: use them there, or move report.md elsewhere, then run again")


# ---------------------------------------------------------------------------------------------
# hand-made folders


def test_a_file_edited_during_the_run_is_left_and_the_outputs_kept_beside(tmp_path: Path):
    """report.md annotated while run 2 writes: out/ stays exactly as the user left it, run 2's
    outputs are in out.new; run 3, refused alike, goes to out.new-2 and leaves out.new as it was.
    out.new is an output folder like any other: not a temporary, and replaced by a later run."""
    out = tmp_path / "out"
    write_folder_atomically(out, outputs("1"))
    left: dict[str, str] = {}

    def annotate() -> None:
        with (out / "report.md").open("a") as report:
            report.write("My notes.\n")
        left.update(snapshot(out))

    error = refused_at_swap(out, changing("2", annotate))
    kept = tmp_path / "out.new"
    assert str(error) == changed_message(out, kept)
    assert error.kept == kept
    assert snapshot(out) == left and (out / "report.md").read_text() == "# Report 1\nMy notes.\n"
    assert_kept(kept, "2")
    assert temporaries(tmp_path) == []
    first_kept = snapshot(kept)

    error = refused_at_swap(out, changing("3", annotate))
    assert str(error) == changed_message(out, tmp_path / "out.new-2")
    assert snapshot(out) == left
    assert snapshot(kept) == first_kept
    assert_kept(tmp_path / "out.new-2", "3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "out.new", "out.new-2"]

    assert remove_stale_temporaries(out) == [] and remove_stale_temporaries(kept) == []
    assert check_destination(kept, [], "--out") == kept
    write_folder_atomically(kept, outputs("4"))
    assert_kept(kept, "4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "out.new", "out.new-2"]


def test_a_file_put_in_during_the_run_is_named(tmp_path: Path):
    out = tmp_path / "out"
    write_folder_atomically(out, outputs("1"))
    before = snapshot(out)
    error = refused_at_swap(out, changing("2", lambda: (out / "notes.txt").write_text("mine\n")))
    assert str(error) == (
        f"{NOT_REPLACED}--out | the output folder changed during the run: it was written by siting but now also "
        f"holds notes.txt, which siting did not write (got {out}); a run never deletes a file it did not write, so the "
        f"complete outputs of this run were kept in {tmp_path / 'out.new'} instead: use them there, or move those "
        "files out of the folder, then run again")
    assert snapshot(out) == {**before, "notes.txt": sha256(out / "notes.txt")}
    assert_kept(tmp_path / "out.new", "2")
    assert temporaries(tmp_path) == []


def test_a_marker_rewritten_during_the_run_is_left(tmp_path: Path):
    out = tmp_path / "out"
    write_folder_atomically(out, outputs("1"))
    error = refused_at_swap(out, changing("2", lambda: (out / MARKER).write_text("my own marker\n")))
    assert str(error) == (
        f"{NOT_REPLACED}--out | the output folder changed during the run: it has a {MARKER} marker, written by an "
        f"earlier version or edited since, that does not list the files siting wrote (got {out}); a run replaces a "
        "marked folder only while its marker lists the files siting wrote, so the complete outputs of this run were "
        f"kept in {tmp_path / 'out.new'} instead: use them there, or move out any file of yours and delete the "
        "folder, then run again")
    assert (out / MARKER).read_text() == "my own marker\n"
    assert_kept(tmp_path / "out.new", "2")


def test_a_folder_or_file_made_during_the_run_is_left(tmp_path: Path):
    """out/ did not exist when the run began: a folder of the user's made there meanwhile (no
    marker) is named file by file; a file made there is named as such."""
    out = tmp_path / "out"

    def make_folder() -> None:
        (out / "mine").mkdir(parents=True)
        (out / "notes.txt").write_text("mine\n")

    error = refused_at_swap(out, changing("1", make_folder))
    assert str(error) == (
        f"{NOT_REPLACED}--out | the output folder changed during the run: it has no {MARKER} marker and holds files "
        f"and folders siting did not write: an empty mine/, notes.txt (got {out}); a run replaces only an "
        f"empty folder or one it wrote, so the complete outputs of this run were kept in {tmp_path / 'out.new'} "
        "instead: use them there, or empty the folder, then run again")
    assert snapshot(out) == {"mine": "dir", "notes.txt": sha256(out / "notes.txt")}
    assert_kept(tmp_path / "out.new", "1")

    single = tmp_path / "single"
    error = refused_at_swap(single, changing("2", lambda: single.write_text("a file of mine\n")))
    assert str(error) == (
        f"{NOT_REPLACED}--out | the output folder changed during the run: it is a file, not a folder (got {single}); "
        f"a run replaces only an empty folder or one it wrote, so the complete outputs of this run were kept in "
        f"{tmp_path / 'single.new'} instead: use them there, or move the file elsewhere, then run again")
    assert single.read_text() == "a file of mine\n"
    assert_kept(tmp_path / "single.new", "2")
    assert temporaries(tmp_path) == []


def test_names_taken_by_anything_are_skipped(tmp_path: Path):
    """out.new a file, out.new-2 a broken link, out.new-3 an empty folder: all stay as they are,
    the outputs go to out.new-4."""
    out = tmp_path / "out"
    write_folder_atomically(out, outputs("1"))
    (tmp_path / "out.new").write_text("mine\n")
    (tmp_path / "out.new-2").symlink_to(tmp_path / "nowhere")
    (tmp_path / "out.new-3").mkdir()
    error = refused_at_swap(out, changing("2", lambda: (out / "report.md").write_text("edited\n")))
    assert error.kept == tmp_path / "out.new-4"
    assert (tmp_path / "out.new").read_text() == "mine\n"
    assert os.readlink(tmp_path / "out.new-2") == str(tmp_path / "nowhere")
    assert list((tmp_path / "out.new-3").iterdir()) == []
    assert_kept(tmp_path / "out.new-4", "2")


def test_outputs_that_cannot_be_kept_are_removed_and_the_message_says_so(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(siting.deliver.folders, "KEPT_TRIES", 2)
    out = tmp_path / "out"
    write_folder_atomically(out, outputs("1"))
    (tmp_path / "out.new").mkdir()
    (tmp_path / "out.new-2").mkdir()
    error = refused_at_swap(out, changing("2", lambda: (out / "report.md").write_text("edited\n")))
    assert str(error) == (
        f"{NOT_REPLACED}--out | the output folder changed during the run: it holds report.md, which was changed "
        f"after siting wrote it (got {out}); {CHANGED_RULE}, and the outputs of this run could not be kept beside it "
        f"either (2 names beside it are taken: {tmp_path}); move report.md elsewhere, then run again, or choose "
        "another folder")
    assert error.kept is None
    assert (out / "report.md").read_text() == "edited\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "out.new", "out.new-2"]
    assert list((tmp_path / "out.new").iterdir()) == [] and list((tmp_path / "out.new-2").iterdir()) == []


def test_an_interrupted_run_keeps_nothing(tmp_path: Path):
    """The folder changed, then the run stopped (Ctrl-C) before the swap: the staging folder is
    removed as for any interrupted run, and no out.new appears."""
    out = tmp_path / "out"
    write_folder_atomically(out, outputs("1"))

    def edit_then_stop() -> None:
        (out / "report.md").write_text("edited\n")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_folder_atomically(out, changing("2", edit_then_stop))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "report.md").read_text() == "edited\n"


def test_kept_names_fit_the_file_system():
    assert [kept_name("out", n) for n in (1, 2, 10)] == ["out.new", "out.new-2", "out.new-10"]
    assert kept_name("r" * 255, 1) == "r" * 251 + ".new"
    assert kept_name("é" * 127, 2) == "é" * 124 + ".new-2"  # 248 bytes of 2-byte characters and 6 of suffix


def test_a_long_name_is_kept_cut_short(tmp_path: Path):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    out = tmp_path / ("r" * limit)
    write_folder_atomically(out, outputs("1"))
    error = refused_at_swap(out, changing("2", lambda: (out / "notes.txt").write_text("mine\n")))
    assert error.kept == tmp_path / ("r" * (limit - 4) + ".new")
    assert_kept(error.kept, "2")


def test_a_name_a_temporary_would_take_is_skipped(tmp_path: Path):
    """`<name>.new` for a destination named like a replaced folder of a dead process would look
    like one to the cleanup of runs into `x`: it is skipped, and out.new-2 is not removed."""
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)
    out = tmp_path / f".x.siting-old.{dead}"
    write_folder_atomically(out, outputs("1"))
    error = refused_at_swap(out, changing("2", lambda: (out / "notes.txt").write_text("mine\n")))
    assert error.kept == tmp_path / f".x.siting-old.{dead}.new-2"
    remove_stale_temporaries(tmp_path / "x")
    assert_kept(error.kept, "2")


# ---------------------------------------------------------------------------------------------
# through the command line


def plan_part(summary: str) -> str:
    """A solve summary from its targets table to its sites built on (no wall-clock figures)."""
    start = summary.find("\ntargets")
    end = summary.find("\n", summary.find("sites built on:"))
    return summary[start:end] if start >= 0 and end > start else ""


def test_solve_keeps_its_outputs_when_the_folder_changed_during_the_run(small_run: MadeRun, folder: Path, capsys,
                                                                        monkeypatch: pytest.MonkeyPatch):
    """report.md annotated while the second solve writes: exit 2 with the whole message, out/
    exactly as the user left it, the complete outputs in out.new with the marker a run into out/
    would have written (same inputs, same bytes); the notes taken out again, a third solve
    annotated alike goes to out.new-2; then a solve into out.new replaces it like any output
    folder, and no staging folder is left. The first solve's folder is a copy of conftest's
    `small_run`, and its summary that run's."""
    scenario = str(folder / "scenario.yaml")
    out = copied(small_run.out, folder.parent / "out")
    first = snapshot(out)
    marker = (out / MARKER).read_bytes()
    report = (out / "report.md").read_bytes()
    real = siting.deliver.folders.write_files

    def annotate_then_write(staging: Path, files: dict) -> None:
        with (out / "report.md").open("a") as notes:
            notes.write("\nMy notes on the plan.\n")
        real(staging, files)

    monkeypatch.setattr(siting.deliver.folders, "write_files", annotate_then_write)
    printed = small_run.stdout  # the first run's summary
    for kept in (folder.parent / "out.new", folder.parent / "out.new-2"):
        (out / "report.md").write_bytes(report)
        assert main(["solve", scenario, "--out", str(out)]) == 2
        seen = capsys.readouterr()
        assert seen.err == f"error: {changed_message(out, kept)}\n"
        # The plan is still shown, as any solve shows it, naming the folder that holds it.
        assert plan_part(seen.out) == plan_part(printed) != ""
        assert seen.out.rstrip().endswith(f"outputs written to {kept}")
        after = snapshot(out)
        assert after.pop("report.md") != first["report.md"]
        assert after == {name: digest for name, digest in first.items() if name != "report.md"}
        assert (kept / MARKER).read_bytes() == marker
        assert marker_lines(kept) == marker_lines(out)
        assert foreign_files(kept) == [] and changed_files(kept) == []
        assert temporaries(folder.parent) == []
    assert (out / "report.md").read_bytes() == report + b"\nMy notes on the plan.\n"
    monkeypatch.setattr(siting.deliver.folders, "write_files", real)
    assert main(["solve", scenario, "--out", str(folder.parent / "out.new")]) == 0
    assert (folder.parent / "out.new" / MARKER).read_bytes() == marker
    assert sorted(p.name for p in folder.parent.iterdir()) == ["out", "out.new", "out.new-2", "small"]


def test_the_errors_cross_process_boundaries_whole():
    """A sweep's run may raise in a worker process: the error unpickles with its problems, its
    heading and the kept folder, not as one problem per character."""
    import pickle

    from siting.config.errors import InputError, OutputFolderError

    error = OutputFolderError(["--out | changed (got out)"], during_run=True, kept=Path("out.new"))
    error.result = object()  # a run's result stays in its process
    copy = pickle.loads(pickle.dumps(error))
    assert copy.result is None
    assert (type(copy), copy.problems, copy.during_run, copy.kept) == (OutputFolderError,
                                                                        ["--out | changed (got out)"], True,
                                                                        Path("out.new"))
    assert str(copy) == "the output folder was not replaced:\n  - --out | changed (got out)"
    plain = pickle.loads(pickle.dumps(InputError(["a.yaml: years | bad", "b"])))
    assert str(plain) == "2 problems in the input:\n  - a.yaml: years | bad\n  - b"
