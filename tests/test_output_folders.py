"""Output folders: a run writes only into a new folder, an empty folder, or a folder it wrote
itself (marked by `.siting-run`); it never writes into, over or around its own inputs; and a
stopped run leaves nothing half written. Also the command-line flags' ranges.

Every refusal is checked for its exit code and whole message, and for leaving the working
folder exactly as it was: the same files with the same SHA-256, and no new folder."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import InputError
from siting.deliver.folders import (
    EARLIER_MARKER_TEXT,
    MARKER,
    MARKER_TEXT,
    marker_lines,
    staging_folder,
    swap_into_place,
    write_files,
)
from siting.deliver.geojson import json_text
from tests.conftest import MadeRun, copied, interruptible

DATA = Path(__file__).parent / "data" / "small"
ROOT = Path(__file__).parent.parent
PROBLEM = "error: 1 problem with the output folder:\n  - "
HOLDS = "choose a folder outside the folders that hold the scenario, its bases, the catalog and the layers"


def costs_total_yuan(folder: Path) -> float:
    """The sum of a run folder's costs.csv components (without its `total` row), in yuan."""
    rows = [line.split(",") for line in (folder / "costs.csv").read_text().splitlines()[1:]]
    assert rows[-1][0] == "total"
    return sum(float(row[-1]) for row in rows[:-1]) * 1.0e9


def cells_modules(folder: Path) -> int:
    """The number of cells modules a run folder's plan.csv builds."""
    rows = [line.split(",") for line in (folder / "plan.csv").read_text().splitlines()[1:]]
    return sum(int(row[6]) for row in rows if row[2] == "cells")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """tmp_path/small: a copy of the small scenario, beside a sibling folder of the user's."""
    shutil.copytree(DATA, tmp_path / "small")
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "keep.txt").write_text("a sibling folder of the user's")
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under `root`: files by SHA-256 of their bytes, folders as 'dir'."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        found[key] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def refused(work: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line, expect exit 2 with nothing changed under `work`; return stderr."""
    before = snapshot(work)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert snapshot(work) == before
    return err


def refused_by_argparse(work: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """A flag value its check refuses exits 2 as other bad input does, "error: 1 problem in the
    input:" and the problem's line; return that last line of stderr."""
    before = snapshot(work)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 1 problem in the input:\n")
    assert "Traceback" not in err
    assert snapshot(work) == before
    return err.splitlines()[-1]


# ---------------------------------------------------------------------------------------------
# solve: refused before anything is loaded


def test_out_parent_of_the_scenario_folder_is_refused(work: Path, capsys, monkeypatch):
    """`--out ..` from the scenario's folder would replace the folder holding the scenario and
    the user's sibling folders. The folder is named as typed, `..`, and the input it holds from
    there: `../small/catalog.yaml`, not `catalog.yaml`, which would read as ../catalog.yaml."""
    monkeypatch.chdir(work / "small")
    err = refused(work, ["solve", "scenario.yaml", "--out", ".."], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds ../small/catalog.yaml, an input of this run (got ..); "
                   f"{HOLDS}\n")


def test_out_an_absolute_folder_above_the_current_one_names_the_input_from_it(work: Path, capsys, monkeypatch):
    """`--out /tmp` from /tmp/w: the input it holds is named from the folder named beside it,
    /tmp/w/small/catalog.yaml, not small/catalog.yaml (from the current folder), which would read
    as /tmp/small/catalog.yaml beside "(got /tmp)"."""
    monkeypatch.chdir(work)
    err = refused(work, ["solve", "small/scenario.yaml", "--out", str(work.parent)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds {work / 'small' / 'catalog.yaml'}, an input of this run "
                   f"(got {work.parent}); {HOLDS}\n")


def test_out_dot_is_refused(work: Path, capsys, monkeypatch):
    monkeypatch.chdir(work / "small")
    err = refused(work, ["solve", "scenario.yaml", "--out", "."], capsys)
    assert err == f"{PROBLEM}--out | the output folder holds catalog.yaml, an input of this run (got .); {HOLDS}\n"


def test_out_empty_string_is_refused(work: Path, capsys, monkeypatch):
    monkeypatch.chdir(work / "small")
    last = refused_by_argparse(work, ["solve", "scenario.yaml", "--out", ""], capsys)
    assert last == "  - --out | must name a folder (got ''); give e.g. --out outputs/run1"


def test_scenario_output_folder_of_its_own_folder_is_refused(work: Path, capsys):
    """`output.folder: .`, the scenario's own folder."""
    scenario = work / "small" / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("  folder: out\n", "  folder: .\n"))
    err = refused(work, ["solve", str(scenario)], capsys)
    assert err == (f"{PROBLEM}{scenario}:36: output.folder | the output folder holds "
                   f"{work / 'small' / 'catalog.yaml'}, an input of this run (got {work / 'small'}); {HOLDS}\n")


def test_an_empty_scenario_output_folder_is_refused_as_input(work: Path, capsys):
    """`output.folder: ''` would stand for the scenario's folder: refused at the key, before any
    folder is looked at, and nothing is written."""
    scenario = work / "small" / "scenario.yaml"
    text = scenario.read_text()
    scenario.write_text(text.replace("  folder: out\n", "  folder: ''\n"))
    line = text[:text.index("  folder: out\n")].count("\n") + 1
    before = sorted(p.name for p in (work / "small").iterdir())
    assert main(["solve", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert err == ("error: 1 problem in the input:\n"
                   f"  - {scenario}:{line}: output.folder | must not be empty (got ''): an empty path stands for the "
                   "folder of the file that names it; give the output folder, relative to the scenario file, e.g. "
                   "../outputs/<scenario name>\n")
    assert sorted(p.name for p in (work / "small").iterdir()) == before


def test_out_the_layers_folder_is_refused(work: Path, capsys):
    """Layers in small/layers/: writing there would overwrite sites.geojson and the others."""
    small = work / "small"
    (small / "layers").mkdir()
    for name in ("clusters", "sites", "redline", "sources"):
        (small / f"{name}.geojson").rename(small / "layers" / f"{name}.geojson")
    scenario = small / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("{path: ", "{path: layers/"))
    err = refused(work, ["solve", str(scenario), "--out", str(small / "layers")], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds {small / 'layers' / 'clusters.geojson'}, an input of "
                   f"this run (got {small / 'layers'}); {HOLDS}\n")


def test_out_the_folder_of_a_base_scenario_is_refused(work: Path, capsys):
    """The base a scenario extends is an input too, even in a folder of its own."""
    (work / "bases").mkdir()
    base = (DATA / "scenario.yaml").read_text().replace("catalog: catalog.yaml", "catalog: ../small/catalog.yaml")
    base = base.replace("committed_projects: committed_projects.yaml",
                        "committed_projects: ../small/committed_projects.yaml")
    (work / "bases" / "base.yaml").write_text(base.replace("{path: ", "{path: ../small/"))
    child = work / "small" / "child.yaml"
    child.write_text("extends: ../bases/base.yaml\nname: child\n")
    err = refused(work, ["solve", str(child), "--out", str(work / "bases")], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds {work / 'bases' / 'base.yaml'}, an input of this run"
                   f" (got {work / 'bases'}); {HOLDS}\n")


def test_out_a_folder_of_the_users_own_files_is_refused(work: Path, capsys):
    docs = work / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("my notes")
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--out", str(docs)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder is a folder without a .siting-run marker, holding files siting "
                   f"did not write: notes.md (got {docs}); choose another folder, or empty this one: a run replaces "
                   "only an empty folder or one it wrote\n")


def test_out_the_scenario_file_is_refused(work: Path, capsys):
    scenario = work / "small" / "scenario.yaml"
    err = refused(work, ["solve", str(scenario), "--out", str(scenario)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder is an existing file, not a folder (got {scenario}); give the "
                   "path of a new folder, an empty one, or an earlier output folder\n")


def test_out_below_a_file_is_refused(work: Path, capsys):
    (work / "afile").write_text("a file, not a folder")
    out = work / "afile" / "out"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder cannot be created: {work / 'afile'} is a file (got {out}); "
                   "choose another folder\n")


def test_out_name_too_long_is_refused(work: Path, capsys):
    out = work / ("x" * 300) / "out"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder has a name of 300 bytes, longer than the 255 the file "
                   f"system allows (got {out}); choose a shorter name\n")


def test_out_in_a_folder_without_write_permission_is_refused(work: Path, capsys, monkeypatch):
    """Tests run as root, for whom chmod does not take writing away: the permission check
    itself is made to answer no for the parent folder."""
    parent = work / "locked"
    parent.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != parent and real_access(path, mode))
    out = parent / "out"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder cannot be written: no write permission in {parent} "
                   f"(got {out}); choose a folder you can write to\n")


# ---------------------------------------------------------------------------------------------
# compare and sweep: the same rule, and a rejected job creates no folder


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_batch_out_dot_is_refused(work: Path, capsys, monkeypatch, command: str):
    monkeypatch.chdir(work / "small")
    (work / "small" / "b.yaml").write_text("extends: scenario.yaml\nname: b\n")
    argv = (["compare", "scenario.yaml", "b.yaml"] if command == "compare"
            else ["sweep", "scenario.yaml", "--set", "targets.capacity.cells.2024=10,20"])
    err = refused(work, [*argv, "--out", "."], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds b.yaml, an input of this run (got .); {HOLDS}\n"
                   if command == "compare" else
                   f"{PROBLEM}--out | the output folder holds catalog.yaml, an input of this run (got .); {HOLDS}\n")


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_batch_out_a_users_folder_is_refused(work: Path, capsys, command: str):
    scenario = work / "small" / "scenario.yaml"
    argv = (["compare", str(scenario), str(scenario)] if command == "compare"
            else ["sweep", str(scenario), "--set", "targets.capacity.cells.2024=10,20"])
    err = refused(work, [*argv, "--out", str(work / "sibling")], capsys)
    assert err == (f"{PROBLEM}--out | the output folder is a folder without a .siting-run marker, holding files siting "
                   f"did not write: keep.txt (got {work / 'sibling'}); choose another folder, or empty this one: a run "
                   "replaces only an empty folder or one it wrote\n")


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_batch_out_empty_string_is_refused(work: Path, capsys, monkeypatch, command: str):
    monkeypatch.chdir(work / "small")
    argv = (["compare", "scenario.yaml", "scenario.yaml"] if command == "compare"
            else ["sweep", "scenario.yaml", "--set", "targets.capacity.cells.2024=10,20"])
    last = refused_by_argparse(work, [*argv, "--out", ""], capsys)
    assert last == "  - --out | must name a folder (got ''); give e.g. --out outputs/run1"


def test_batch_layer_swapped_by_a_sweep_counts_as_an_input(work: Path, capsys):
    """A sweep over `layers.sites.path` reads the other sites file too: its folder is refused."""
    (work / "other").mkdir()
    shutil.copy(work / "small" / "sites.geojson", work / "other" / "sites.geojson")
    err = refused(work, ["sweep", str(work / "small" / "scenario.yaml"), "--set",
                         f"layers.sites.path={work / 'small' / 'sites.geojson'},{work / 'other' / 'sites.geojson'}",
                         "--out", str(work / "other")], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds {work / 'other' / 'sites.geojson'}, an input of "
                   f"this run (got {work / 'other'}); {HOLDS}\n")


def test_compare_same_names_get_distinct_folders_named_as_in_the_table(work: Path, capsys):
    """Two files both named `small`, the second asking 20 GWh of cells in 2024: folders small/ and
    small-2/, the table's columns say the same, and each folder holds its own run's plan: small/
    builds one 10 GWh cells module, small-2/ two (the 2024 target with its one-year lead time needs
    ceil(20 / 10) modules decided in 2023), each manifest's objective is the sum of its own
    costs.csv, and the stricter target costs more (its plans are a subset of the first's; both are
    solved to rel_gap 0). The absolute optimum is derived in tests/test_api.py."""
    small = work / "small"
    second = small / "second.yaml"
    second.write_text((small / "scenario.yaml").read_text().replace("cells: {2024: 10}", "cells: {2024: 20}"))
    out = work / "cmp"
    assert main(["compare", str(small / "scenario.yaml"), str(second), "--out", str(out), "--workers", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "compare.qgs", "comparison.csv", "comparison.md",
                                                     "diff.geojson", "diff.qml", "small", "small-2"]
    header = (out / "comparison.csv").read_text().splitlines()[0]
    assert header == "metric,unit,small,small-2,small-2 vs small"
    first = json.loads((out / "small" / "manifest.json").read_text())["solver"]["objective_yuan"]
    other = json.loads((out / "small-2" / "manifest.json").read_text())["solver"]["objective_yuan"]
    assert first == pytest.approx(costs_total_yuan(out / "small"), rel=1e-8)
    assert other == pytest.approx(costs_total_yuan(out / "small-2"), rel=1e-8)
    assert other > first + 1.0e6
    assert cells_modules(out / "small") == 1
    assert cells_modules(out / "small-2") == 2
    assert min(marker_lines(out / "small")) == "capacity.csv"
    assert marker_lines(out / "small-2").keys() == marker_lines(out / "small").keys()
    tables = ["compare.qgs", "comparison.csv", "comparison.md", "diff.geojson", "diff.qml"]
    assert (out / MARKER).read_text() == MARKER_TEXT + "".join(
        f"{hashlib.sha256((out / name).read_bytes()).hexdigest()}  {name}\n" for name in tables) + "small-2/\nsmall/\n"
    assert not [p.name for p in work.iterdir() if ".siting-" in p.name]


# ---------------------------------------------------------------------------------------------
# what a run may replace, and what it cleans


def test_rerun_replaces_its_own_folder_and_an_empty_one(work: Path):
    """An empty folder is written into; a folder with the marker is replaced while it holds only
    the files its marker lists, unchanged (the rule docs/USAGE.md states; tests/test_trust_fixes.py
    checks that a file added since is kept and the run refused; below, a file changed since)."""
    scenario = str(work / "small" / "scenario.yaml")
    out = work / "out"
    out.mkdir()
    assert main(["solve", scenario, "--out", str(out)]) == 0
    capacity = hashlib.sha256((out / "capacity.csv").read_bytes()).hexdigest()
    assert (out / MARKER).read_text().startswith(f"{MARKER_TEXT}{capacity}  capacity.csv\n")
    first = snapshot(out)
    (out / "plan.csv").unlink()  # a file moved out is no change: the run goes on
    assert main(["solve", scenario, "--out", str(out)]) == 0
    again = snapshot(out)
    assert sorted(again) == sorted(first)
    assert {k: v for k, v in again.items() if k != "manifest.json"} == {
        k: v for k, v in first.items() if k != "manifest.json"}
    assert sorted(p.name for p in work.iterdir()) == ["out", "sibling", "small"]


# ---------------------------------------------------------------------------------------------
# files siting wrote and someone changed since: recorded in the marker, never overwritten

CHANGED_FIX = "a run never overwrites a file changed since siting wrote it"


def test_manifest_records_the_sha256_of_every_file_it_lists(small_run: MadeRun):
    """`file_sha256`: every name of `files` but manifest.json, sorted, with the SHA-256 of the
    bytes on disk (so manifest.json was written after them), right after `files`. The run is
    conftest's `small_run`."""
    out = small_run.out
    manifest = json.loads((out / "manifest.json").read_text())
    hashes = manifest["file_sha256"]
    assert list(hashes) == [name for name in manifest["files"] if name != "manifest.json"]
    assert list(hashes) == sorted(hashes)
    assert hashes == {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in hashes}
    assert sorted(hashes) == sorted(p.name for p in out.iterdir() if p.name not in (MARKER, "manifest.json"))
    members = list(manifest)
    assert members[members.index("files") + 1:] == ["file_sha256", "run"]


def test_rerun_refuses_while_a_file_siting_wrote_was_changed(small_run: MadeRun, work: Path, capsys):
    """report.md annotated, then sites.qml restyled: refused with exit 2, naming them, and the
    folder left exactly as it was; once they are moved elsewhere, the run replaces the folder
    and the moved files are kept. The first run's folder is a copy of conftest's `small_run`."""
    scenario = str(work / "small" / "scenario.yaml")
    out = copied(small_run.out, work / "out")
    with (out / "report.md").open("a") as report:
        report.write("\nMy notes on the plan.\n")
    err = refused(work, ["solve", scenario, "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds report.md, which was changed after siting wrote it "
                   f"(got {out}); move report.md elsewhere, or choose another folder: {CHANGED_FIX}\n")
    (out / "sites.qml").write_text((out / "sites.qml").read_text().replace("<qgis", "<qgis restyled=\"1\"", 1))
    err = refused(work, ["solve", scenario, "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds report.md, sites.qml, which were changed after siting "
                   f"wrote them (got {out}); move those files elsewhere, or choose another folder: "
                   f"{CHANGED_FIX}\n")
    (work / "kept").mkdir()
    for name in ("report.md", "sites.qml"):
        (out / name).rename(work / "kept" / name)
    kept = snapshot(work / "kept")
    assert main(["solve", scenario, "--out", str(out)]) == 0
    assert snapshot(work / "kept") == kept
    assert (out / "report.md").read_text() != (work / "kept" / "report.md").read_text()


def test_marker_without_file_hashes_falls_back_on_the_manifests_hashes(small_run: MadeRun, work: Path, capsys):
    """A marker of the earlier version (its header, the files by name alone) with a manifest that
    records `file_sha256` (as that version wrote them): the manifest's hashes guard the folder,
    so a changed file stops the run and stays as the user left it. The run's folder is a copy of
    conftest's `small_run`."""
    scenario = str(work / "small" / "scenario.yaml")
    out = copied(small_run.out, work / "out")
    (out / MARKER).write_text(EARLIER_MARKER_TEXT + "".join(f"{name}\n" for name in marker_lines(out)))
    (out / "plan.csv").write_text("an output file changed since")
    err = refused(work, ["solve", scenario, "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds plan.csv, which was changed after siting wrote "
                   f"it (got {out}); move plan.csv elsewhere, or choose another folder: {CHANGED_FIX}\n")
    assert (out / "plan.csv").read_text() == "an output file changed since"


def test_marker_and_manifest_without_file_hashes_keep_the_earliest_rule(small_run: MadeRun, work: Path):
    """A marker without SHA-256 and a manifest without `file_sha256` (the earliest versions)
    check nothing: the folder is replaced, a changed file with it, as before. The first run's
    folder is a copy of conftest's `small_run`."""
    scenario = str(work / "small" / "scenario.yaml")
    out = copied(small_run.out, work / "out")
    manifest = json.loads((out / "manifest.json").read_text())
    written = manifest.pop("file_sha256")
    (out / "manifest.json").write_text(json_text(manifest))
    (out / MARKER).write_text(EARLIER_MARKER_TEXT + "".join(f"{name}\n" for name in marker_lines(out)))
    (out / "plan.csv").write_text("an output file changed since")
    assert main(["solve", scenario, "--out", str(out)]) == 0
    assert hashlib.sha256((out / "plan.csv").read_bytes()).hexdigest() == written["plan.csv"]


def test_a_file_put_in_and_a_file_changed_are_named_in_one_refusal(small_run: MadeRun, work: Path, capsys):
    """A folder holding both a file of the user's and an edited output names both at once, so that
    one move clears the way (not the second only after the first is dealt with). The run's folder
    is a copy of conftest's `small_run`."""
    scenario = str(work / "small" / "scenario.yaml")
    out = copied(small_run.out, work / "out")
    (out / "notes.txt").write_text("the user's notes")
    (out / "report.md").write_text("an annotated report")
    err = refused(work, ["solve", scenario, "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder was written by siting but now also holds notes.txt, which "
                   f"siting did not write, and report.md, which was changed after siting wrote it (got {out}); move "
                   "those files out of the folder, or choose another folder: a run never deletes a file it did not "
                   f"write, nor overwrites a file changed since siting wrote it\n")


def test_a_manifest_that_is_no_longer_json_counts_as_changed(small_run: MadeRun, work: Path, capsys):
    """The run's folder is a copy of conftest's `small_run`."""
    scenario = str(work / "small" / "scenario.yaml")
    out = copied(small_run.out, work / "out")
    (out / "manifest.json").write_text("{ my edits")
    err = refused(work, ["solve", scenario, "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds manifest.json, which was changed after siting wrote "
                   f"it (got {out}); move manifest.json elsewhere, or choose another folder: {CHANGED_FIX}\n")


def test_a_file_changed_while_the_run_solves_is_not_overwritten(small_run: MadeRun, work: Path):
    """The check is made again just before the swap: a file changed after the run began stops it
    there, the folder stays as it was, and the staging folder becomes out.new, marked (more in
    tests/test_swap_refused_keeps_outputs.py). The first run's folder is a copy of conftest's
    `small_run`."""
    out = copied(small_run.out, work / "out")
    (out / "plan.csv").write_text("changed while the next run solved")
    before = snapshot(out)
    staging = staging_folder(out)
    write_files(staging, {"plan.csv": "new\n"})
    with pytest.raises(InputError) as error:
        swap_into_place(staging, out)
    assert error.value.problems == [
        f"--out | the output folder changed during the run: it holds plan.csv, which was changed after siting "
        f"wrote it (got {out}); {CHANGED_FIX}, so the complete outputs of this run were kept in {work / 'out.new'} "
        "instead: use them there, or move plan.csv elsewhere, then run again"]
    assert snapshot(out) == before
    assert not staging.exists()
    assert marker_lines(work / "out.new") == {"plan.csv": hashlib.sha256(b"new\n").hexdigest()}


def test_alternatives_and_comparison_runs_answer_for_their_files(small_alternatives_run: MadeRun,
                                                                 small_twice_compare_run: MadeRun,
                                                                 small_twice_compare_rerun: MadeRun, work: Path,
                                                                 capsys):
    """An alternative's altNN/ holds a manifest with its own `file_sha256`; a comparison checks each
    run's folder through its manifests: a changed file is named by its path in the folder. The
    alternatives' folder is a copy of conftest's `small_alternatives_run` (`--alternatives 2`: what
    is checked of alt01/ does not depend on how many alternatives follow it). The comparison's
    folder, unchanged, is replaced by the same command on the same inputs: conftest's
    `small_twice_compare_rerun` (`small_twice_compare_run` made again over a copy of its folder);
    the folder edited is a copy of the replaced one."""
    scenario = work / "small" / "scenario.yaml"
    out = copied(small_alternatives_run.out, work / "out")
    manifest = json.loads((out / "manifest.json").read_text())
    assert "alt01" in manifest["files"] and "alt01" not in manifest["file_sha256"]
    own = json.loads((out / "alt01" / "manifest.json").read_text())
    assert own["file_sha256"] == {name: hashlib.sha256((out / "alt01" / name).read_bytes()).hexdigest()
                                  for name in own["files"] if name != "manifest.json"}
    (out / "alt01" / "sites.qml").write_text("restyled")
    capsys.readouterr()
    err = refused(work, ["solve", str(scenario), "--out", str(out)], capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds alt01/sites.qml, which was changed after siting wrote "
                   f"it (got {out}); move alt01/sites.qml elsewhere, or choose another folder: {CHANGED_FIX}\n")
    replaced = small_twice_compare_rerun.out  # unchanged: replaced (exit 0), its runs written again
    for run in ("small", "small-2"):
        assert (replaced / run / "manifest.json").read_bytes() != (
            small_twice_compare_run.out / run / "manifest.json").read_bytes(), run
    cmp = copied(replaced, work / "cmp")  # as `args` writes it
    args = ["compare", str(scenario), str(scenario), "--out", str(cmp), "--workers", "1"]
    with (cmp / "small-2" / "report.md").open("a") as report:
        report.write("mine")
    capsys.readouterr()
    err = refused(work, args, capsys)
    assert err == (f"{PROBLEM}--out | the output folder holds small-2/report.md, which was changed after siting "
                   f"wrote it (got {cmp}); move small-2/report.md elsewhere, or choose another folder: "
                   f"{CHANGED_FIX}\n")


def test_stale_staging_of_a_dead_process_is_removed_and_nothing_else(work: Path):
    """Left beside out/: a staging folder and a replaced folder of a process that is gone (both
    removed), one of a live process (pid 1), and two that only look like ours (no marker, or a
    file instead of a folder): those three stay."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    pid = int(dead.stdout)
    stale = work / f".out.siting-staging.{pid}.abc123"
    old = work / f".out.siting-old.{pid}.def456"
    live = work / ".out.siting-staging.1.ghi789"
    lookalike = work / f".out.siting-staging.{pid}.jkl012"
    lookalike_file = work / f".out.siting-old.{pid}.mno345"
    for folder in (stale, old, live):
        folder.mkdir()
        (folder / MARKER).write_text(MARKER_TEXT + "plan.csv\n")  # listing what siting wrote there
        (folder / "plan.csv").write_text("half written")
    lookalike.mkdir()
    (lookalike / "mine.txt").write_text("the user's")
    lookalike_file.write_text("the user's")
    assert main(["solve", str(work / "small" / "scenario.yaml"), "--out", str(work / "out")]) == 0
    assert not stale.exists() and not old.exists()
    assert (live / "plan.csv").read_text() == "half written"
    assert (lookalike / "mine.txt").read_text() == "the user's"
    assert lookalike_file.read_text() == "the user's"


#: How a held write says it is held: the whole line in one write to the standard output the
#: processes of a run share. `print` writes "staged" and its line end apart where Python runs
#: unbuffered (PYTHONUNBUFFERED=1, as many CI images set), so the two worker processes of
#: `compare`, held at about the same time, wrote "stagedstaged" and "" as lines: the test never saw
#: its line and waited out the 600 s of the hold.
SAY_STAGED = 'os.write(1, b"staged\\n")'

STOPPED_RUN = textwrap.dedent(f"""
    import os, sys, time
    import siting.deliver.folders, siting.runs.batch
    from siting.cli import main

    command, out, scenario = sys.argv[1:4]
    real = siting.deliver.folders.write_files

    def slow(folder, files):
        real(folder, files)
        {SAY_STAGED}
        time.sleep(600)

    siting.deliver.folders.write_files = slow
    siting.runs.batch.write_files = slow
    if command == "solve":
        sys.exit(main(["solve", scenario, "--out", out]))
    sys.exit(main(["compare", scenario, scenario, "--out", out, "--workers", "2"]))
""")


def test_held_writes_of_two_processes_at_once_say_so_in_whole_lines():
    """Two processes saying they are held (`SAY_STAGED`) into one pipe at the same time, Python
    unbuffered: every line read is "staged", none run together, so `compare`'s two workers held
    at once are seen as soon as they are held."""
    script = f"import os\nfor _ in range(20000):\n    {SAY_STAGED}\n"
    read, write = os.pipe()
    try:
        processes = [subprocess.Popen([sys.executable, "-c", script], stdout=write,
                                      env={**os.environ, "PYTHONUNBUFFERED": "1"}) for _ in range(2)]
    finally:
        os.close(write)
    with os.fdopen(read) as said:
        lines = said.read().splitlines(keepends=True)
    assert [process.wait(timeout=60) for process in processes] == [0, 0]
    assert len(lines) == 40000
    assert [line for line in lines if line != "staged\n"] == []


@pytest.mark.parametrize(("command", "signum"), [("solve", signal.SIGTERM), ("solve", signal.SIGINT),
                                                 ("compare", signal.SIGTERM)])
def test_a_stopped_run_leaves_no_staging_folder(small_run: MadeRun, work: Path, command: str, signum: int):
    """The run is held once its staging folder is complete (the write is slowed down, in the
    worker processes of `compare` too), then stopped: the staging folder goes, the workers are
    stopped with it, and the first run's folder (for `solve`, a copy of conftest's complete
    `small_run` of the same inputs) stays as it was."""
    out = work / "out"
    scenario = str(work / "small" / "scenario.yaml")
    if command == "solve":
        copied(small_run.out, out)
    process = subprocess.Popen([sys.executable, "-c", STOPPED_RUN, command, str(out), scenario], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    assert process.stdout is not None
    for line in process.stdout:
        if line == "staged\n":
            break
    before = snapshot(out) if command == "solve" else {}
    staging = [p for p in work.iterdir() if p.name.startswith(".out.siting-staging.")]
    assert len(staging) == 1 and (staging[0] / MARKER).is_file()
    process.send_signal(signum)
    _out, err = process.communicate(timeout=180)  # writes held 600 s: the stop must end them
    assert process.returncode == 128 + signum
    name = signal.Signals(signum).name
    assert err.splitlines()[-1] == f"stopped by {name}: outputs not yet complete were discarded"
    assert "Traceback" not in err
    assert not [p for p in work.iterdir() if ".siting-" in p.name]
    if command == "solve":
        assert snapshot(out) == before and (out / MARKER).is_file()
    else:
        assert not out.exists()


# ---------------------------------------------------------------------------------------------
# flags and strict JSON


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--time-limit", "nan", "must be a finite number of seconds greater than 0 (got 'nan'); give e.g. --time-limit 60"),
    ("--time-limit", "inf", "must be a finite number of seconds greater than 0 (got 'inf'); give e.g. --time-limit 60"),
    ("--time-limit", "-1", "must be a finite number of seconds greater than 0 (got '-1'); give e.g. --time-limit 60"),
    ("--time-limit", "0", "must be a finite number of seconds greater than 0 (got '0'); give e.g. --time-limit 60"),
    ("--time-limit", "soon", "must be a finite number of seconds greater than 0 (got 'soon'); "
     "give e.g. --time-limit 60"),
    ("--workers", "-1", "must be a whole number of at least 1 (got '-1'); give e.g. --workers 2"),
    ("--workers", "0", "must be a whole number of at least 1 (got '0'); give e.g. --workers 2"),
    ("--workers", "1.5", "must be a whole number of at least 1 (got '1.5'); give e.g. --workers 2"),
])
def test_bad_flag_values_exit_2_naming_the_flag(work: Path, capsys, flag: str, value: str, message: str):
    scenario = str(work / "small" / "scenario.yaml")
    command = "solve" if flag == "--time-limit" else "sweep"
    argv = [command, scenario, f"{flag}={value}"]
    if command == "sweep":
        argv += ["--set", "targets.capacity.cells.2024=10,20", "--out", str(work / "sweep")]
    last = refused_by_argparse(work, argv, capsys)
    assert last == f"  - {flag} | {message}"


def test_bad_flag_through_the_entry_point_shows_no_traceback(work: Path):
    result = subprocess.run([sys.executable, "cli.py", "solve", str(work / "small" / "scenario.yaml"),
                             "--time-limit", "nan"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == ("error: 1 problem in the input:\n  - --time-limit | must be a finite number of "
                             "seconds greater than 0 (got 'nan'); give e.g. --time-limit 60\n")
    assert "Traceback" not in result.stderr


def test_json_text_refuses_non_finite_numbers():
    assert json_text({"a": 1.5}) == '{\n  "a": 1.5\n}\n'
    for bad in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError, match=r"^Out of range float values are not JSON compliant"):
            json_text({"a": bad})


def test_run_folder_names_are_safe_and_distinct():
    """Scenario names may hold dots: `.` and `..` must not name a folder above the run's, a
    hidden name must not shadow the marker, and names equal but for case (or equal to the
    batch's own files) get a suffix."""
    from siting.runs.batch import BATCH_FILES, folder_name, unique_name

    assert [folder_name(n) for n in ("..", ".", ".siting-run", "_x_", "a b", "small")] == [
        "run", "run", "siting-run", "x", "a_b", "small"]
    taken = {n.casefold() for n in BATCH_FILES}
    assert [unique_name(n, taken) for n in ("small", "Small", "small-2", "comparison.csv", "small")] == [
        "small", "Small-2", "small-2-2", "comparison.csv-2", "small-3"]


def test_files_under_the_current_folder_are_named_relative_to_it(work: Path, monkeypatch):
    """Run from the folder above the scenario's: the scenario, the input the output folder holds
    and the output folder itself are named as one would type them there."""
    from siting.api import output_folder
    from siting.config.load import load_scenario

    monkeypatch.chdir(work)
    scenario = work / "small" / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("  folder: out\n", "  folder: .\n"))
    with pytest.raises(InputError) as raised:
        output_folder(load_scenario("small/scenario.yaml"), None)
    assert raised.value.problems == [
        f"small/scenario.yaml:36: output.folder | the output folder holds small/catalog.yaml, an input of this run "
        f"(got small); {HOLDS}"]
