"""Every file siting writes is guarded against being overwritten once changed, whatever kind of
folder holds it: the marker `.siting-run` lists each file after its SHA-256 (siting/deliver/folders.py).

The folders are those of `compare` (the tables and compare.qgs at its top, each run in a
subfolder with its own marker), of an infeasible run (the diagnosis, which has no manifest), and
hand-made ones for the details (an alternative's unmarked `altNN/`, manifest.json's timings, a
link, a marker of an earlier version). Every refusal is checked for its exit code, its whole
message and for leaving every file as it was.

The comparison is of the small scenario of tests/data/small with itself (runs `small/` and
`small-2/`); the infeasible run asks 200 GWh/yr of cells in 2024, where the eligible land takes
at most 70 (tests/test_cli.py derives it), so it stops before solving."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

import siting.runs.batch
from siting.cli import main
from siting.config.errors import InputError
from siting.deliver.explore import subfolder_writer
from siting.deliver.folders import (
    EARLIER_MARKER_TEXT,
    MARKER,
    MARKER_TEXT,
    marker_lines,
    write_folder_atomically,
)
from siting.deliver.geojson import json_text
from tests.conftest import MadeRun

DATA = Path(__file__).parent / "data" / "small"
PROBLEM = "error: 1 problem with the output folder:\n  - "
#: The heading of a refusal at the swap: the folder changed while the run was solving.
NOT_REPLACED = "error: the output folder was not replaced:\n  - "
CHANGED_FIX = "a run never overwrites a file changed since siting wrote it"
#: The files `compare` writes at the top of its folder, and its runs' subfolders.
COMPARE_FILES = ["compare.qgs", "comparison.csv", "comparison.md", "diff.geojson", "diff.qml"]
COMPARE_RUNS = ["small-2/", "small/"]
DIAGNOSIS_FILES = ["conflict_sites.geojson", "conflict_sites.qml", "conflicts.geojson", "conflicts.md",
                   "conflicts.png", "conflicts.qml"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under `root`, hidden ones too: files by SHA-256, folders as 'dir'."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else sha256(p) for p in sorted(root.rglob("*"))}


def refused(root: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line, expect exit 2 with nothing changed under `root`; return stderr."""
    before = snapshot(root)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert snapshot(root) == before
    return err


def changed_one(folder: Path, name: str) -> str:
    return (f"{PROBLEM}--out | the output folder holds {name}, which was changed after siting wrote it (got "
            f"{folder}); move {name} elsewhere, or choose another folder: {CHANGED_FIX}\n")


def kept_one(folder: Path, name: str, kept: Path) -> str:
    """The refusal at the swap of a run into `folder`, whose `name` was changed during the run,
    its outputs kept in `kept`."""
    return (f"{NOT_REPLACED}--out | the output folder changed during the run: it holds {name}, which was changed "
            f"after siting wrote it (got {folder}); {CHANGED_FIX}, so the complete outputs of this run were kept in "
            f"{kept} instead: use them there, or move {name} elsewhere, then run again\n")


def changed_many(folder: Path, names: str) -> str:
    return (f"{PROBLEM}--out | the output folder holds {names}, which were changed after siting wrote them "
            f"(got {folder}); move those files elsewhere, or choose another folder: {CHANGED_FIX}\n")


def no_temporaries(parent: Path) -> bool:
    return not [p for p in parent.iterdir() if ".siting-" in p.name]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small scenario, with `inf.yaml` asking 200 GWh/yr of cells in 2024."""
    folder = tmp_path_factory.mktemp("inputs") / "small"
    shutil.copytree(DATA, folder)
    text = (folder / "scenario.yaml").read_text()
    assert text.count("cells: {2024: 10}") == 1
    (folder / "inf.yaml").write_text(text.replace("cells: {2024: 10}", "cells: {2024: 200}"))
    return folder


def compare_args(inputs: Path, out: Path) -> list[str]:
    scenario = str(inputs / "scenario.yaml")
    return ["compare", scenario, scenario, "--out", str(out), "--workers", "1"]


def infeasible_args(inputs: Path, out: Path) -> list[str]:
    return ["solve", str(inputs / "inf.yaml"), "--out", str(out)]


@pytest.fixture(scope="module")
def compared(small_twice_compare_run: MadeRun) -> Path:
    """The comparison folder as `compare` wrote it (`compare_args` on another copy of the same
    inputs: conftest's `small_twice_compare_run`; tests copy it, never change it)."""
    return small_twice_compare_run.out


@pytest.fixture(scope="module")
def diagnosed(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The diagnosis folder of the infeasible run (tests copy it, never change it)."""
    out = tmp_path_factory.mktemp("diagnosed") / "inf"
    assert main(infeasible_args(inputs, out)) == 1
    return out


def copied(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target, symlinks=True)
    return target


# ---------------------------------------------------------------------------------------------
# what the markers record


def test_compare_markers_list_every_file_with_its_sha256(compared: Path):
    """The top marker: each table and compare.qgs after the SHA-256 of its bytes, each run's
    folder by name (it answers through its own marker). A run's marker: each file after the
    SHA-256 of its bytes, but manifest.json after that of its bytes without its `run` member
    (the wall-clock timings; the member is the last, so the text from its line to the closing
    brace before the manifest's own is left out)."""
    assert (compared / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{sha256(compared / name)}  {name}\n" for name in COMPARE_FILES) + "".join(f"{r}\n" for r in COMPARE_RUNS)
    run = compared / "small"
    names = sorted(p.name for p in run.iterdir() if p.name != MARKER)
    manifest = (run / "manifest.json").read_text()
    without_run, cut = re.subn(r'\n  "run": \{\n.*?\n  \}(?=\n\}\n\Z)', "", manifest, flags=re.DOTALL)
    assert cut == 1 and "timings_s" in manifest and "timings_s" not in without_run
    expected = {name: sha256(run / name) for name in names}
    expected["manifest.json"] = hashlib.sha256(without_run.encode()).hexdigest()
    assert (run / MARKER).read_text() == MARKER_TEXT + "".join(f"{expected[n]}  {n}\n" for n in names)
    assert marker_lines(run) == expected
    assert len(names) == 30 and expected["manifest.json"] != sha256(run / "manifest.json")


def test_diagnosis_marker_lists_every_file_with_its_sha256(diagnosed: Path):
    assert sorted(p.name for p in diagnosed.iterdir()) == sorted([MARKER, *DIAGNOSIS_FILES])
    assert (diagnosed / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{sha256(diagnosed / name)}  {name}\n" for name in DIAGNOSIS_FILES)


# ---------------------------------------------------------------------------------------------
# compare: an edited table is kept, and the run refused


def test_edited_compare_table_is_kept_and_the_run_refused(inputs: Path, compared: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]):
    """comparison.md annotated: exit 2 naming it, every file as it was (the scenario's folder too);
    then a run's sites.qml restyled as well: both named, the table first."""
    out = copied(compared, tmp_path)
    edited = (out / "comparison.md").read_text() + "\nMy notes on the comparison.\n"
    (out / "comparison.md").write_text(edited)
    inputs_before = snapshot(inputs)
    err = refused(tmp_path, compare_args(inputs, out), capsys)
    assert err == changed_one(out, "comparison.md")
    assert (out / "comparison.md").read_text() == edited
    style = out / "small-2" / "sites.qml"
    style.write_text(style.read_text().replace("<qgis", '<qgis restyled="1"', 1))
    err = refused(tmp_path, compare_args(inputs, out), capsys)
    assert err == changed_many(out, "comparison.md, small-2/sites.qml")
    assert snapshot(inputs) == inputs_before


def test_unedited_compare_folder_is_replaced_with_the_same_markers(inputs: Path, compared: Path, tmp_path: Path):
    """Nothing changed, one table moved out (no change): the folder is replaced, the moved file
    comes back, the moved copy is kept. Each run's marker has the same bytes as the first
    comparison's although the runs' manifest.json differ (their timings), and so is the top
    marker: the tables hold no timings."""
    out = copied(compared, tmp_path)
    (tmp_path / "kept").mkdir()
    (out / "diff.qml").rename(tmp_path / "kept" / "diff.qml")
    assert main(compare_args(inputs, out)) == 0
    assert sha256(out / "diff.qml") == sha256(tmp_path / "kept" / "diff.qml") == sha256(compared / "diff.qml")
    for run in ("small", "small-2"):
        assert (out / run / MARKER).read_bytes() == (compared / run / MARKER).read_bytes(), run
        assert (out / run / "manifest.json").read_bytes() != (compared / run / "manifest.json").read_bytes(), run
    assert (out / MARKER).read_bytes() == (compared / MARKER).read_bytes()
    assert (out / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{sha256(out / name)}  {name}\n" for name in COMPARE_FILES) + "".join(f"{r}\n" for r in COMPARE_RUNS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp", "kept"]


def test_table_edited_while_compare_runs_is_not_overwritten(inputs: Path, compared: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]):
    """The folder is checked again just before the swap: comparison.md annotated while the runs
    were solving (here, as the tables are written) stops the run with exit 2, the folder left as
    the user has it; the complete comparison is kept in cmp.new, a comparison folder like any
    other (its marker lists its tables and its runs' folders), and no staging folder is left."""
    out = copied(compared, tmp_path)
    real = siting.runs.batch.write_files

    def edit_then_write(folder: Path, files: dict[str, object]) -> None:
        with (out / "comparison.md").open("a") as table:
            table.write("\nMy notes, written while the next run solved.\n")
        real(folder, files)

    monkeypatch.setattr(siting.runs.batch, "write_files", edit_then_write)
    before = snapshot(compared)
    assert main(compare_args(inputs, out)) == 2
    kept = tmp_path / "cmp.new"
    assert capsys.readouterr().err == kept_one(out, "comparison.md", kept)
    after = snapshot(out)
    assert after.pop("comparison.md") != before.pop("comparison.md")
    assert after == before
    assert no_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp", "cmp.new"]
    assert (kept / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{sha256(kept / name)}  {name}\n" for name in COMPARE_FILES) + "".join(f"{r}\n" for r in COMPARE_RUNS)
    for run in ("small", "small-2"):
        assert (kept / run / MARKER).read_bytes() == (compared / run / MARKER).read_bytes(), run


# ---------------------------------------------------------------------------------------------
# an infeasible run's diagnosis: no manifest, guarded alike


def test_edited_diagnosis_is_kept_and_the_run_refused(inputs: Path, diagnosed: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]):
    """conflicts.md annotated: exit 2 naming it, every file as it was; conflict_sites.geojson
    restyled as well: both named. Once they are moved elsewhere, the run writes its diagnosis
    again (exit 1) and the moved files are kept."""
    out = copied(diagnosed, tmp_path)
    with (out / "conflicts.md").open("a") as notes:
        notes.write("\nChecked with the county on site.\n")
    err = refused(tmp_path, infeasible_args(inputs, out), capsys)
    assert err == changed_one(out, "conflicts.md")
    layer = json.loads((out / "conflict_sites.geojson").read_text())
    layer["features"][0]["properties"]["my_colour"] = "#ff0000"
    (out / "conflict_sites.geojson").write_text(json.dumps(layer))
    err = refused(tmp_path, infeasible_args(inputs, out), capsys)
    assert err == changed_many(out, "conflict_sites.geojson, conflicts.md")
    (tmp_path / "kept").mkdir()
    for name in ("conflicts.md", "conflict_sites.geojson"):
        (out / name).rename(tmp_path / "kept" / name)
    kept = snapshot(tmp_path / "kept")
    assert main(infeasible_args(inputs, out)) == 1
    assert snapshot(tmp_path / "kept") == kept
    assert snapshot(out) == snapshot(diagnosed)
    assert no_temporaries(tmp_path)


def test_marker_of_an_earlier_version_checks_nothing(inputs: Path, diagnosed: Path, tmp_path: Path):
    """A marker listing the files by name alone, under the earlier header, is read as before:
    the folder holds nothing else, so it is replaced, an edited file with it."""
    out = copied(diagnosed, tmp_path)
    (out / MARKER).write_text(EARLIER_MARKER_TEXT + "".join(f"{name}\n" for name in DIAGNOSIS_FILES))
    assert marker_lines(out) == dict.fromkeys(DIAGNOSIS_FILES)
    (out / "conflicts.md").write_text("an edit the earlier marker cannot tell")
    assert main(infeasible_args(inputs, out)) == 1
    assert snapshot(out) == snapshot(diagnosed)


# ---------------------------------------------------------------------------------------------
# the details, on hand-made folders

#: A manifest.json with the member `run` last, as siting writes it (no `files`: nothing is added to it).
MANIFEST_TEXT = json_text({"scenario": "s", "sites_opened": ["w_mine"], "run": {"timings_s": {"load": 0.123}}})


def test_an_alternatives_folder_is_listed_file_by_file(tmp_path: Path):
    """A subfolder without a marker of its own (an alternative's `altNN/`) is listed in its run's
    marker file by file, and a changed file of it named by its path in the folder."""
    out = tmp_path / "out"
    files = {"notes.md": "mine?\n", "alt01": subfolder_writer({"plan.csv": "a,b\n1,2\n", "sites.qml": "<qgis/>\n"})}
    write_folder_atomically(out, files)
    assert (out / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{sha256(out / name)}  {name}\n" for name in ("alt01/plan.csv", "alt01/sites.qml", "notes.md"))
    (out / "alt01" / "sites.qml").write_text("<qgis restyled/>\n")
    before = snapshot(out)
    with pytest.raises(InputError) as error:
        write_folder_atomically(out, files)
    kept = tmp_path / "out.new"
    assert str(error.value) == kept_one(out, "alt01/sites.qml", kept).removeprefix("error: ").rstrip("\n")
    assert snapshot(out) == before
    assert (kept / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{sha256(kept / name)}  {name}\n" for name in ("alt01/plan.csv", "alt01/sites.qml", "notes.md"))


def test_manifest_timings_do_not_count_and_the_rest_does(tmp_path: Path):
    """Two writes whose manifests differ in their timings alone give the same marker; a timing
    edited since does not stop a run; any other edit of the manifest does."""
    out, other = tmp_path / "out", tmp_path / "other"
    write_folder_atomically(out, {"notes.md": "n\n", "manifest.json": MANIFEST_TEXT})
    write_folder_atomically(other, {"notes.md": "n\n", "manifest.json": MANIFEST_TEXT.replace("0.123", "9.5")})
    assert (out / MARKER).read_bytes() == (other / MARKER).read_bytes()
    assert (out / "manifest.json").read_bytes() != (other / "manifest.json").read_bytes()
    (out / "manifest.json").write_text(MANIFEST_TEXT.replace("0.123", "7.25"))
    write_folder_atomically(out, {"notes.md": "n\n", "manifest.json": MANIFEST_TEXT})
    assert (out / "manifest.json").read_text() == MANIFEST_TEXT
    (out / "manifest.json").write_text(MANIFEST_TEXT.replace('"s"', '"my scenario"'))
    with pytest.raises(InputError) as error:
        write_folder_atomically(out, {"notes.md": "n\n", "manifest.json": MANIFEST_TEXT})
    assert str(error.value) == kept_one(out, "manifest.json", tmp_path / "out.new").removeprefix("error: ").rstrip("\n")
    assert (out / "manifest.json").read_text() == MANIFEST_TEXT.replace('"s"', '"my scenario"')
    assert (tmp_path / "out.new" / "manifest.json").read_text() == MANIFEST_TEXT


def test_a_link_in_place_of_a_written_file_counts_as_changed(tmp_path: Path):
    """notes.md replaced by a link to a file of the same bytes: the link is the user's, so the
    folder is kept (replacing it would delete the link)."""
    out = tmp_path / "out"
    write_folder_atomically(out, {"notes.md": "n\n"})
    (tmp_path / "elsewhere.md").write_text("n\n")
    (out / "notes.md").unlink()
    (out / "notes.md").symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(InputError) as error:
        write_folder_atomically(out, {"notes.md": "n\n"})
    assert str(error.value) == kept_one(out, "notes.md", tmp_path / "out.new").removeprefix("error: ").rstrip("\n")
    assert (out / "notes.md").is_symlink()
