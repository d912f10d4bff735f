"""Paths too long for SQLite in a batch, and SQLite's own refusal to open plan.gpkg.

- `compare` and `sweep` assemble their folder in a staging folder beside the output folder, each
  run's outputs in a folder of its own there, written through a staging folder of the run's own
  beside it (`.<run>.siting-staging.<process>.<random>`, and `..<run>.cross.siting-...` for its
  cross-start), and a run's map is drawn again in `<staging>/<run>/` (plan.gpkg's style rewritten
  with SQLite). The check of the output folder counted only `alt01/plan.gpkg` below the staging
  folder, so a folder that passed it could still hold no run's plan.gpkg: every run was refused
  in its worker and the batch wrote a comparison of failed runs (exit 1), or, for a long scenario
  name, the maps drawn again ended in a sqlite3 traceback. Both are refused before any run: a
  name too long at the scenario's `name`, a folder too deep as the output folder's problem.
- SQLite's "unable to open database file" where the folder takes a probe file (a path SQLite
  does not take, a folder removed and made again) ended in a raw sqlite3 traceback: it is now an
  OSError naming plan.gpkg, which the run reports as the output folder's problem (exit 2),
  nothing written and the staging folder removed.

The small scenario (tests/data/small) is the current folder."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from siting.cli import main
from siting.deliver import geopackage

DATA = Path(__file__).parent / "data" / "small"
#: The staging folder of an output folder named `cmp`, as the checks count it:
#: `.cmp.siting-staging.<7 digits>.<8 characters>`.
STAGED = 1 + 3 + 16 + 7 + 1 + 8


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the small scenario's folder as the current folder."""
    folder = shutil.copytree(DATA, tmp_path / "small")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Running a batch's cases fails the test: the refusal comes first."""
    monkeypatch.setattr("siting.runs.batch.run_cases", lambda *_a, **_k: pytest.fail("a refused batch ran a case"))


def folder_of(base: Path, size: int) -> Path:
    """A path of `size` bytes below `base`, in parts of at most 200 bytes (none made)."""
    path = base
    while (remaining := size - len(os.fsencode(path))) > 0:
        path = path / ("p" * (remaining - 1 if remaining <= 201 else 150))
    assert len(os.fsencode(path)) == size
    return path


def contents(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def long_named(folder: Path, length: int) -> None:
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "long.yaml").write_text(text.replace("name: small\n", f"name: {'a' * length}\n", 1), encoding="utf-8")


def test_compare_refuses_a_name_too_long_for_its_runs_plan_gpkg_before_solving(
        small: Path, no_solve: None, capsys: pytest.CaptureFixture[str]):
    """A 100-letter name, the comparison folder `cmp` in a folder of P bytes: the run's map is
    drawn again at P + 1 + 36 (the staging folder) + 1 + 100 + 10 (/plan.gpkg) = P + 148 bytes,
    505 here; the output folder's own check (P + 53) passes, and a name of 99 letters fits."""
    long_named(small, 100)
    parent = folder_of(small, 505 - 1 - STAGED - 1 - 100 - len("/plan.gpkg"))
    before = contents(small)
    out = str((parent / "cmp").relative_to(small))
    assert main(["compare", "long.yaml", "scenario.yaml", "--out", out, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "error: 1 problem in the input:\n  - long.yaml:1: name | is too long for the path of its run's plan.gpkg: "
        "compare names each run's folder after its scenario (100 bytes here), and the comparison is assembled beside "
        f"{(parent / 'cmp').relative_to(small)}, where that run's plan.gpkg takes up to 505 bytes, and SQLite, which "
        "writes it, opens a file only at a path of at most 504 bytes (got aaaaaaaaaaaaaaaaaaaa...aaaaaaaaaa, 100 "
        "characters); give the scenario a name of at most 99 characters\n")
    assert contents(small) == before


def test_a_name_that_fits_by_one_byte_is_not_refused(small: Path):
    """99 letters in the same folder: 504 bytes, no problem (the cases are checked, none run)."""
    from siting.runs.batch import compared_cases

    long_named(small, 99)
    parent = folder_of(small, 505 - 1 - STAGED - 1 - 100 - len("/plan.gpkg"))
    cases, _inputs, problems = compared_cases([Path("long.yaml"), Path("scenario.yaml")], None,
                                              destination=parent / "cmp")
    assert (problems, [case.label for case in cases]) == ([], ["a" * 99, "small"])


@pytest.mark.parametrize(("command", "longest"), [("compare", 507), ("sweep", 505)])
def test_a_batch_folder_too_deep_for_its_runs_plan_gpkg_is_refused_before_solving(
        small: Path, no_solve: None, capsys: pytest.CaptureFixture[str], command: str, longest: int):
    """`cmp` in a folder of P bytes: a sweep's run02 writes its cross-start through
    `..run02.cross.siting-staging.<7 digits>.<8>` (45 bytes), whose own check counts
    /alt01/plan.gpkg below it: P + 1 + 36 + 1 + 45 + 16 = P + 99 = 505 here; compare's second run,
    `small-2`, 47 bytes: 507. Not the names' fault (a run named with 40 letters would not fit
    either): the folder is refused. `solve` into that folder is allowed (P + 53); the fix leaves
    room for every run."""
    parent = folder_of(small, 505 - 1 - STAGED - 1 - 45 - len("/alt01/plan.gpkg"))
    args = (["compare", "scenario.yaml", "scenario.yaml"] if command == "compare"
            else ["sweep", "scenario.yaml", "--set", "constraints.redline.buffer_m=0,500"])
    before = contents(small)
    assert main([*args, "--out", str((parent / "cmp").relative_to(small)), "--quiet"]) == 2
    size = len(os.fsencode(parent))
    kind = "comparison" if command == "compare" else "sweep"
    assert capsys.readouterr().err == (
        "error: 1 problem with the output folder:\n  - --out | the output folder lies in a folder whose path is too "
        f"long for the GeoPackages of the {kind}'s runs: the {kind} is assembled beside the output folder, in "
        ".<name>.siting-staging.<process>.<random>, each run's plan.gpkg in a folder of its own there, at up to "
        f"{longest} bytes, and SQLite, which writes it, opens a file only at a path of at most 504 bytes (got "
        f"{(parent / 'cmp').relative_to(small)}); choose an output folder in a folder whose absolute path has at most "
        f"{size - (longest - 504)} bytes (that of {parent.relative_to(small)} has {size})\n")
    assert contents(small) == before


def cantopen() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("unable to open database file")
    error.sqlite_errorcode = 14  # SQLITE_CANTOPEN
    return error


def test_sqlite_unable_to_open_is_raised_naming_plan_gpkg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The folder takes the probe, SQLite still cannot open the file: an OSError naming it, in
    SQLite's words, with SQLite's error as its cause."""
    error = cantopen()

    def refuse(*_args: object) -> None:
        raise error

    monkeypatch.setattr(geopackage, "write_layers", lambda *_args: None)
    monkeypatch.setattr(geopackage, "add_styles", refuse)
    path = tmp_path / "plan.gpkg"
    with pytest.raises(OSError) as raised:
        geopackage.write_geopackage(path, [], {})
    assert (raised.value.errno, raised.value.strerror, raised.value.filename, raised.value.__cause__) == (
        None, "SQLite: unable to open database file", str(path), error)
    assert list(tmp_path.iterdir()) == []


def test_solve_names_plan_gpkg_sqlite_could_not_open(small: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]):
    """The run solves, SQLite cannot open plan.gpkg (as when a folder on its way was removed and
    made again): exit 2, the output folder's message naming plan.gpkg and the folder, no
    traceback, no output folder and no staging folder left."""
    def refuse(*_args: object) -> None:
        raise cantopen()

    monkeypatch.setattr(geopackage, "add_styles", refuse)
    before = contents(small)
    assert main(["solve", "scenario.yaml", "--out", "out", "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.endswith(
        "error: 1 problem with the output folder:\n  - --out | the system refused a write in the output folder "
        "(SQLite: unable to open database file), so plan.gpkg could not be written (got out); nothing was written "
        "there: remove the cause, or choose another folder, and run again\n")
    assert contents(small) == before
