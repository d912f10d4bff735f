"""What the safe write of an output folder leaves behind, and the folders it cannot write.

- The folder an output folder held before a run replaced it is renamed `.<name>.siting-old.*`
  and removed. Where the user may not remove its files (owned by another user, or read-only
  inside), it stayed behind with no word (about 5 MB for the shipped scenario), and a later run
  into the same place failed to remove it again, as silently. Once its marker was removed with
  the files that could be, it no longer passed for the tool's at all. Now it is removed file by
  file, its marker last, and each run that leaves it, or meets it and cannot remove it, says which
  folder, why and to remove it by hand (siting/deliver/folders.py `left_behind`); the run itself
  ends well, its outputs in place.
- An output folder in a folder whose path is too long for the GeoPackage a run writes: the run
  assembles its outputs beside the folder (`.<name>.siting-staging.<pid>.<random>`), where
  SQLite writes plan.gpkg, and SQLite opens a file only at a path of at most 504 bytes. A `--out`
  of 493 bytes, far within the system's limits (255 bytes a name, 4095 a path), solved every run
  and then ended with a traceback ("sqlite3.OperationalError: unable to open database file"),
  having made the missing folders on its way. It is refused up front, nothing written.

The tests run as root, whom permissions do not stop, so a folder whose files may not be removed
is stood in for at the system's removals (`os.unlink`, `os.rmdir`, which shutil.rmtree calls
too): removing an entry of the folder fails with EACCES, as the kernel answers a user who may not
write in it; the folder is known by its inode, so it stays locked when it is renamed."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from siting.cli import main
from siting.deliver import folders
from siting.deliver.folders import MARKER, MARKER_TEXT, destination_problems, is_ours, write_folder_atomically
from tests.conftest import MadeRun, copied

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "small"
HAND = "remove that folder by hand (as its owner or an administrator if need be)"


def refusing_removals(locked: Iterable[tuple[int, int]]) -> dict[str, Callable[..., Any]]:
    """Stand-ins for `os.unlink` and `os.rmdir` that refuse (EACCES) to remove an entry of a
    folder among `locked` (device, inode), as for a user who may not write in it; other removals
    go through. A path relative to a folder descriptor (`dir_fd`, as shutil.rmtree gives) is
    looked up through /proc."""
    keys = set(locked)
    replaced = {}
    for name in ("unlink", "rmdir"):
        real = getattr(os, name)

        def remove(path: Any, *, dir_fd: int | None = None, _real: Callable[..., Any] = real) -> Any:
            where = os.readlink(f"/proc/self/fd/{dir_fd}") if dir_fd is not None else os.getcwd()
            try:
                parent = os.stat(os.path.dirname(os.path.join(where, os.fsdecode(path))))
            except OSError:
                parent = None
            if parent is not None and (parent.st_dev, parent.st_ino) in keys:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))
            return _real(path, dir_fd=dir_fd)

        replaced[name] = remove
    return replaced


def lock(monkeypatch: pytest.MonkeyPatch, *locked: Path) -> None:
    """No entry of the `locked` folders may be removed while the test runs (`refusing_removals`)."""
    keys = [(s.st_dev, s.st_ino) for s in map(os.stat, locked)]
    for name, remove in refusing_removals(keys).items():
        monkeypatch.setattr(os, name, remove)


def tree(folder: Path) -> dict[str, str | None]:
    """Every file and folder under `folder` (relative name -> text, None for a folder)."""
    return {p.relative_to(folder).as_posix(): (p.read_text() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def outputs(text: str) -> dict[str, str | Callable[[Path], None]]:
    """The files of a small output folder: a.csv, and sub/x.csv in a subfolder, both `text`."""
    def sub(path: Path) -> None:
        path.mkdir()
        (path / "x.csv").write_text(text)
    return {"a.csv": text, "sub": sub}


def temporaries(parent: Path) -> list[Path]:
    """The staging and replaced folders in `parent`."""
    return sorted(p for p in parent.iterdir() if folders.ANY_TEMPORARY.fullmatch(p.name))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path as the current folder, so that messages name its files relative to it; the record
    of folders left behind started again."""
    monkeypatch.chdir(tmp_path)
    folders.forget_completed()
    return tmp_path


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


# ---------------------------------------------------------------------------------------------
# a replaced folder that cannot be removed


@pytest.mark.parametrize("locked", [("out", "out/sub"), ("out/sub",)])
def test_a_replaced_folder_that_cannot_be_removed_is_left_marked_and_named(here: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          locked: tuple[str, ...]):
    """out/ written, then its files made irremovable (all of them: out/ and out/sub locked, as
    for a folder of another user's; or those of its subfolder alone, while a.csv and the marker
    beside it could go). Replacing it puts
    the new outputs in place and leaves the old folder, under its hidden name, with its marker
    (so it is still the tool's) and every file that could not be removed; the notice names it,
    the first file refused, and the fix."""
    out = here / "out"
    write_folder_atomically(out, outputs("first\n"))
    lock(monkeypatch, *(here / name for name in locked))
    write_folder_atomically(out, outputs("second\n"))
    assert {k: v for k, v in tree(out).items() if k != MARKER} == {"a.csv": "second\n", "sub": None,
                                                                    "sub/x.csv": "second\n"}
    [old] = temporaries(here)
    assert old.name.startswith(f".out.siting-old.{os.getpid()}.")
    left = tree(old)
    assert left.pop(MARKER).startswith(MARKER_TEXT)
    if "out" in locked:
        assert left == {"a.csv": "first\n", "sub": None, "sub/x.csv": "first\n"}
        refused = f"{old.name}/a.csv"
    else:
        assert left == {"sub": None, "sub/x.csv": "first\n"}
        refused = f"{old.name}/sub/x.csv"
    assert is_ours(old)
    assert sorted(p.name for p in here.iterdir()) == sorted([old.name, "out"])
    assert folders.left_behind() == [
        f"out now holds this run's outputs, but the folder they replaced could not be removed: it is left as "
        f"{old.name} (Permission denied: {refused}); {HAND}: until then each run into out tries again and says so"]


def test_a_folder_an_earlier_run_left_is_named_by_each_run_until_it_can_be_removed(here: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch):
    """A replaced folder left by a process that has ended, its files irremovable: the next run
    into out/ goes on (its outputs in place), leaves the folder as it is, and names it; a file
    of the user's that only looks like one (no marker) is neither removed nor named. Once the
    folder can be removed, the next run removes it and says nothing."""
    pid = dead_pid()
    out = here / "out"
    left = here / f".out.siting-old.{pid}.def456"
    left.mkdir()
    (left / MARKER).write_text(MARKER_TEXT + "plan.csv\n")  # its marker lists what siting wrote there
    (left / "plan.csv").write_text("the earlier run's")
    lookalike = here / f".out.siting-old.{pid}.ghi789"
    lookalike.mkdir()
    (lookalike / "mine.txt").write_text("the user's")
    with monkeypatch.context() as patched:
        lock(patched, left)
        write_folder_atomically(out, outputs("first\n"))
        write_folder_atomically(out, outputs("second\n"))  # the same process: named once
    assert tree(out)["a.csv"] == "second\n"
    assert tree(left) == {MARKER: MARKER_TEXT + "plan.csv\n", "plan.csv": "the earlier run's"}
    assert tree(lookalike) == {"mine.txt": "the user's"}
    assert folders.left_behind() == [
        f"{left.name}, left beside out by an earlier run, could not be removed (Permission denied: "
        f"{left.name}/plan.csv): it holds that run's outputs, or outputs it replaced; {HAND}"]
    folders.forget_completed()
    write_folder_atomically(out, outputs("third\n"))
    assert not left.exists()
    assert tree(lookalike) == {"mine.txt": "the user's"}
    assert folders.left_behind() == []
    assert sorted(p.name for p in here.iterdir()) == sorted([lookalike.name, "out"])


LOCKED_SOLVE = """
import os, sys
from tests.test_folder_leftovers import refusing_removals
from siting.cli import main

for name, remove in refusing_removals([(int(sys.argv[1]), int(sys.argv[2]))]).items():
    setattr(os, name, remove)
sys.exit(main(["solve", sys.argv[3], "--out", "out", "--quiet"]))
"""


def test_solve_says_which_folder_it_left_and_the_next_solve_says_it_again(small_run: MadeRun, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]):
    """`siting solve` into out/, which another user's run wrote (its files may not be removed):
    the solve ends well (exit 0), out/ holds its outputs, and its last lines on standard error
    name the folder left, as does the next solve, which leaves no folder of its own: one folder is
    left, however many runs follow. The first solve runs in a process of its own, as from a
    terminal, which has ended when the next begins (in the test's process, where the folder is
    still locked), so that the folder it left is one of a process that is gone. The other user's
    run is a copy of conftest's `small_run` (`siting solve` of the same inputs)."""
    shutil.copytree(DATA, tmp_path / "small")
    scenario = str(tmp_path / "small" / "scenario.yaml")
    out = copied(small_run.out, tmp_path / "out")
    first = (out / "plan.csv").read_bytes()
    locked = os.stat(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", LOCKED_SOLVE, str(locked.st_dev), str(locked.st_ino), scenario],
                          cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    errs = [done.stderr]
    monkeypatch.chdir(tmp_path)
    for name, remove in refusing_removals([(locked.st_dev, locked.st_ino)]).items():
        monkeypatch.setattr(os, name, remove)
    capsys.readouterr()
    assert main(["solve", scenario, "--out", "out", "--quiet"]) == 0
    errs.append(capsys.readouterr().err)
    [old] = temporaries(tmp_path)
    assert os.stat(old).st_ino == locked.st_ino
    assert (old / "plan.csv").read_bytes() == first
    assert is_ours(old) and (out / "plan.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([old.name, "out", "small"])
    assert [e.replace("\n  ", " ") for e in errs] == [
        f"note: out now holds this run's outputs, but the folder they replaced could not be removed: it is left as "
        f"{old.name} (Permission denied: {old.name}/capacity.csv); {HAND}: until then each run into out tries "
        "again and says so\n",
        f"note: {old.name}, left beside out by an earlier run, could not be removed (Permission denied: "
        f"{old.name}/capacity.csv): it holds that run's outputs, or outputs it replaced; {HAND}\n"]


# ---------------------------------------------------------------------------------------------
# an output folder too long for the GeoPackage

#: `.out.siting-staging.<pid>.<random>`, counted with a process id of 7 digits and 8 random
#: characters: 1 + 3 + 16 + 7 + 1 + 8 bytes.
STAGED_OUT = 36
#: `/alt01/plan.gpkg`, an alternative's GeoPackage below the staging folder.
DEEPEST = 16


def folder_of(base: Path, size: int) -> Path:
    """A path of `size` bytes below `base`, in parts of at most 200 bytes (none made)."""
    path = base
    while (remaining := size - len(os.fsencode(path))) > 0:
        path = path / ("p" * (remaining - 1 if remaining <= 201 else 150))
    assert len(os.fsencode(path)) == size
    return path


@pytest.mark.parametrize(("longest", "refused"), [(504, False), (505, True)])
def test_the_staging_folder_must_leave_sqlite_room_for_plan_gpkg(here: Path, longest: int, refused: bool):
    """out/ in a folder of P bytes: its GeoPackage is written at P + 1 + 36 (the staging folder)
    + 16 (/alt01/plan.gpkg) bytes; 504 is allowed, 505 refused, naming the limit, the folder's
    path and the longest it may have (P - 1)."""
    parent = folder_of(here, longest - 1 - STAGED_OUT - DEEPEST)
    out = parent / "out"
    size = len(os.fsencode(parent))
    problems = destination_problems(out, [], "--out")
    assert problems == ([
        "--out | the output folder lies in a folder whose path is too long for the GeoPackage a run writes: the run "
        "assembles its outputs beside the output folder, in .<name>.siting-staging.<process>.<random>, where "
        f"alt01/plan.gpkg takes up to 505 bytes, and SQLite, which writes it, opens a file only at a path of at most "
        f"504 bytes (got {out.relative_to(here)}); choose an output folder in a folder whose absolute path has at "
        f"most {size - 1} bytes (that of {parent.relative_to(here)} has {size})"] if refused else [])
    assert not parent.exists()


def test_a_long_name_counts_with_its_first_40_characters_and_a_link_with_its_target(here: Path):
    """A name of 255 bytes is staged under its first 40 characters, so it is allowed where its
    folder leaves room for those; a short path through a link to a folder too long is refused, the
    staging folder being made in the folder the link leads to."""
    roomy = folder_of(here, 504 - (1 + 40 + 32) - DEEPEST - 1)
    assert destination_problems(roomy / ("n" * 255), [], "--out") == []
    deep = folder_of(here, 505 - STAGED_OUT - DEEPEST - 1)
    deep.mkdir(parents=True)
    (here / "link").symlink_to(deep)
    [problem] = destination_problems(here / "link" / "out", [], "--out")
    assert problem.endswith(f"(got link/out); choose an output folder in a folder whose absolute path has at most "
                            f"{len(os.fsencode(deep)) - 1} bytes (that of {deep.relative_to(here)} has "
                            f"{len(os.fsencode(deep))})")


@pytest.mark.parametrize(("size", "opens"), [(504, True), (505, False)])
def test_sqlite_opens_a_database_only_at_a_path_of_at_most_504_bytes(tmp_path: Path, size: int, opens: bool):
    """The limit the check counts with (SQLITE_PATH_MAX), as SQLite has it here."""
    folder = folder_of(tmp_path, size - len("/plan.gpkg"))
    folder.mkdir(parents=True)
    path = folder / "plan.gpkg"
    assert len(os.fsencode(path)) == folders.SQLITE_PATH_MAX + (0 if opens else 1)
    try:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE t (a)")
        done = True
    except sqlite3.OperationalError as exc:
        assert str(exc) == "unable to open database file"
        done = False
    assert done is opens


def test_solve_into_a_folder_too_long_for_the_geopackage_is_refused_before_solving(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """The case that ended in a traceback after the solve: exit 2, the whole message, no solve,
    and no folder made."""
    shutil.copytree(DATA, tmp_path / "small")
    monkeypatch.chdir(tmp_path / "small")
    monkeypatch.setattr("siting.runs.job.prepare", lambda *_a, **_k: pytest.fail("a refused solve was prepared"))
    parent = folder_of(tmp_path, 505 - STAGED_OUT - DEEPEST - 1)
    out = parent / "out"
    size = len(os.fsencode(parent))
    before = sorted(tmp_path.rglob("*"))
    assert main(["solve", "scenario.yaml", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: 1 problem with the output folder:\n  - --out | the output folder lies in a folder whose path is too "
        "long for the GeoPackage a run writes: the run assembles its outputs beside the output folder, in "
        ".<name>.siting-staging.<process>.<random>, where alt01/plan.gpkg takes up to 505 bytes, and SQLite, which "
        f"writes it, opens a file only at a path of at most 504 bytes (got {out}); choose an output folder in a "
        f"folder whose absolute path has at most {size - 1} bytes (that of {parent} has {size})\n")
    assert sorted(tmp_path.rglob("*")) == before
