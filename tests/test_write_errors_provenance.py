"""Writes the disk refuses, the settings given for a run, and the units of the alternatives' and
raw imports' tables.

A write the disk refuses (full, over quota, read-only; or GDAL's and SQLite's "Failed to commit
transaction" and "database or disk is full" behind them) is simulated here: the GeoPackage writer,
or the writer of another file, raises the OSError the system would give. Every command then exits
2 with one message naming the output folder and what the disk said, and leaves nothing behind: no
folder, no staging folder, an earlier run's folder as it was. A run of a batch whose own write is
refused is a failed run saying so; the batch's own write refused is the batch's exit 2.

The settings given on top of a scenario file (`--set`, a sweep's values, a variant) are recorded
in each run's manifest.json (`variant`, `overrides`, after `input_sha256`) and report, alternatives
included, in the order given and as given (a path as typed, not made absolute); a run without
any says so.

The CSV files give every figure's unit as the plan's tables do: a `unit` column right after the
column that decides it (robustness.csv after `product`, raw_imports.csv after `resource`), or, in
the one-row-per-plan alternatives.csv, the unit in the column's name as sweep.csv names its own
(`added_<cluster>_<product>_<unit>_per_yr`)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyogrio
import pytest

from siting.cli import main
from siting.deliver import geopackage
from siting.deliver.folders import write_failure
from siting.deliver.tables import plan_tables
from siting.optimize.results import BUILD_COLUMNS, CAPACITY_COLUMNS, Plan
from tests.conftest import SMALL, MadeRun, copied

FULL = "no space is left on the disk that holds the output folder"
FULL_FIX = "free some space, or choose a folder on another disk"


def refused(where: str, what: str, name: str | None, folder: Path, fix: str) -> str:
    """The whole message of a write the disk refused, as the command line prints it."""
    said = f"{what}, so {name} could not be written" if name else what
    return (f"error: 1 problem with the output folder:\n  - {where} | {said} (got {folder}); nothing was written "
            f"there: {fix}\n")


def disk_refuses(code: int, name: str = ""):
    """A writer called with a path (a file's, or with `name` a folder's) that fails as a disk
    refusing the write with errno `code` at that file (the file `name` in that folder)."""
    def write(path: Path, *_args: object) -> None:
        raise OSError(code, os.strerror(code), str(path / name if name else path))

    return write


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A copy of tests/data/small: its scenario.yaml."""
    shutil.copytree(SMALL, tmp_path / "small")
    return tmp_path / "small" / "scenario.yaml"


# --- writes the disk refuses ------------------------------------------------------------------

def test_solve_on_a_full_disk_exits_2_naming_the_folder_and_leaves_nothing(small: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """plan.gpkg's write refused for want of space (what pyogrio's "Failed to commit transaction"
    comes to, `test_the_geopackage_writer_names_the_disk_behind_gdal_and_sqlite`): exit 2, the
    message names the folder, the disk and the file, no traceback; no folder, nothing beside it."""
    monkeypatch.setattr("siting.deliver.files.write_geopackage", disk_refuses(errno.ENOSPC))
    out = tmp_path / "plan"
    assert main(["solve", str(small), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == refused("--out", FULL, "plan.gpkg", out, FULL_FIX)
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


def test_a_disk_quota_used_up_leaves_an_earlier_run_folder_as_it_was(small_run: MadeRun, small: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Over quota while replacing an earlier run's folder (a copy of conftest's `small_run`): exit
    2 saying so, and the folder exactly as it was, nothing beside it."""
    out = copied(small_run.out, tmp_path / "plan")
    before = snapshot(out)
    monkeypatch.setattr("siting.deliver.files.write_geopackage", disk_refuses(errno.EDQUOT))
    assert main(["solve", str(small), "--out", str(out)]) == 2
    assert capsys.readouterr().err == refused(
        "--out", "your disk quota is used up on the disk that holds the output folder", "plan.gpkg", out,
        "free some space within your quota, or choose a folder on another disk")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan", "small"]


def test_an_alternative_folder_refused_names_its_file(small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`--alternatives 1` whose alt01/ is refused on a read-only disk: the file is named by its
    path in the output folder; nothing is left."""
    monkeypatch.setattr("siting.deliver.explore.write_contents", disk_refuses(errno.EROFS, "sites.geojson"))
    out = tmp_path / "plan"
    assert main(["solve", str(small), "--out", str(out), "--alternatives", "1"]) == 2
    assert capsys.readouterr().err == refused("--out", "the disk that holds the output folder is read-only",
                                              "alt01/sites.geojson", out, "choose a folder on a disk you can write to")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


def test_a_file_whose_write_fails_once_open_is_named(small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A write that fails once the file is open raises an OSError naming no file (Python's file
    objects do not): the folder writer names the file it was writing, here map.png."""
    def bytes_writer(_data: bytes):
        def write(_path: Path) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        return write

    monkeypatch.setattr("siting.deliver.files._bytes_writer", bytes_writer)
    out = tmp_path / "plan"
    assert main(["solve", str(small), "--out", str(out)]) == 2
    assert capsys.readouterr().err == refused("--out", FULL, "map.png", out, FULL_FIX)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_a_batch_whose_own_files_are_refused_exits_2(command: str, small: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The runs solved and written, the batch's own table refused for want of space: exit 2 naming
    the batch folder and the table; no folder and nothing beside it (the runs' folders were in its
    staging folder)."""
    table = "comparison.csv" if command == "compare" else "sweep.csv"
    monkeypatch.setattr("siting.runs.batch.write_files", disk_refuses(errno.ENOSPC, table))
    out = tmp_path / "batch"
    if command == "compare":
        other = small.parent / "b.yaml"
        other.write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n")
        argv = ["compare", str(small), str(other)]
    else:
        argv = ["sweep", str(small), "--set", "targets.capacity.cells.2024=10,20"]
    assert main([*argv, "--workers", "1", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == refused("--out", FULL, table, out, FULL_FIX)
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small"]


def test_a_run_of_a_batch_whose_write_is_refused_fails_saying_so(small: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Every run's plan.gpkg refused as larger than the file system allows (a refusal of that
    file, not of the disk as a whole: a full disk stops the batch, tests/test_batch_disk_full.py),
    the batch's own small tables written: each run failed (exit 1), its message naming its folder
    in the batch folder and the disk; the table says so."""
    monkeypatch.setattr("siting.deliver.files.write_geopackage", disk_refuses(errno.EFBIG))
    out = tmp_path / "sweep"
    assert main(["sweep", str(small), "--set", "targets.capacity.cells.2024=10,20", "--workers", "1",
                 "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    for run in ("run01", "run02"):
        assert (f"run failed: {run} cells.2024={run[-1]}0: 1 problem with the output folder:\n"
                f"  - --out | a file is larger than the file system of the output folder allows, so plan.gpkg could "
                f"not be written (got {out / run}); nothing was written there: choose a folder on another disk\n"
                ) in printed
        assert not (out / run).exists()
    assert f"sweep written to {out}" in printed


def test_the_geopackage_writer_names_the_disk_behind_gdal_and_sqlite(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """GDAL (through pyogrio) and SQLite do not say why a write failed: the folder is tried with a
    file of its own (`write_probe`), and what the system says of it is raised, naming plan.gpkg,
    with GDAL's or SQLite's error as its cause. SQLite's "database or disk is full" is no space
    left even where the probe passes; an error the probe does not explain is raised as it is."""
    path = tmp_path / "plan.gpkg"
    gdal = pyogrio.errors.DataSourceError("Failed to commit transaction")

    def failing(error: Exception):
        def write(*_args: object) -> None:
            raise error

        return write

    probes: list[Path] = []

    def probe(result: OSError | None):
        def write_probe(folder: Path) -> OSError | None:
            probes.append(folder)
            return result

        return write_probe

    monkeypatch.setattr(geopackage, "write_layers", failing(gdal))
    monkeypatch.setattr(geopackage, "write_probe", probe(OSError(errno.ENOSPC, "No space left on device", "x")))
    with pytest.raises(OSError) as error:
        geopackage.write_geopackage(path, [], {})
    assert (error.value.errno, error.value.filename, error.value.__cause__) == (errno.ENOSPC, str(path), gdal)
    monkeypatch.setattr(geopackage, "write_probe", probe(None))
    with pytest.raises(pyogrio.errors.DataSourceError) as unexplained:
        geopackage.write_geopackage(path, [], {})
    assert unexplained.value is gdal
    monkeypatch.setattr(geopackage, "write_layers", lambda *_args: None)
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # SQLITE_FULL
    monkeypatch.setattr(geopackage, "add_styles", failing(full))
    with pytest.raises(OSError) as error:
        geopackage.write_geopackage(path, [], {})
    assert (error.value.errno, error.value.filename, error.value.__cause__) == (errno.ENOSPC, str(path), full)
    assert probes == [tmp_path, tmp_path, tmp_path]
    bug = sqlite3.OperationalError("no such table: layer_styles")
    bug.sqlite_errorcode = 1  # SQLITE_ERROR: not the disk's, and no probe
    monkeypatch.setattr(geopackage, "add_styles", failing(bug))
    with pytest.raises(sqlite3.OperationalError) as unexplained_sql:
        geopackage.write_geopackage(path, [], {})
    assert unexplained_sql.value is bug
    assert probes == [tmp_path, tmp_path, tmp_path]


def test_the_probe_leaves_nothing_and_reports_what_the_system_says(tmp_path: Path) -> None:
    """`write_probe` writes its file, flushed to the disk, and removes it: None where the folder
    takes it; the system's error where it does not (here a folder that is not there)."""
    assert geopackage.write_probe(tmp_path) is None
    assert list(tmp_path.iterdir()) == []
    missing = geopackage.write_probe(tmp_path / "gone")
    assert isinstance(missing, FileNotFoundError) and missing.errno == errno.ENOENT


def test_only_the_output_folders_errors_are_write_failures(tmp_path: Path) -> None:
    """A disk's error (DISK_ERRORS) is a write failure whichever file met it, named by its path in
    the folder that holds it; any other only when it names a file in the output folders; an error
    of something else (a worker's lost connection, an input that cannot be read) is none."""
    staging, out = tmp_path / ".out.siting-staging.1.x", tmp_path / "out"
    assert write_failure(OSError(errno.EROFS, "Read-only file system", str(staging / "alt01" / "map.png")),
                         [staging, out]) == ("the disk that holds the output folder is read-only",
                                             "choose a folder on a disk you can write to", "alt01/map.png")
    assert write_failure(OSError(errno.EIO, "Input/output error"), [staging]) == (
        "the disk that holds the output folder reported an input/output error",
        "check the disk, or choose a folder on another disk", None)
    assert write_failure(OSError(errno.EFBIG, "File too large", str(staging / "plan.gpkg")), [staging]) == (
        "a file is larger than the file system of the output folder allows", "choose a folder on another disk",
        "plan.gpkg")
    assert write_failure(PermissionError(errno.EACCES, "Permission denied", str(staging / "map.png")),
                         [staging]) == ("permission was refused in the output folder",
                                        "choose a folder you can write to", "map.png")
    assert write_failure(OSError(errno.EMFILE, "Too many open files", str(staging / "map.png")), [staging]) == (
        "the system refused a write in the output folder (Too many open files)",
        "remove the cause, or choose another folder, and run again", "map.png")
    assert write_failure(ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), [staging]) is None
    assert write_failure(FileNotFoundError(errno.ENOENT, "No such file", str(tmp_path / "sites.geojson")),
                         [staging, out]) is None


def test_schema_out_on_a_full_disk_exits_2_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`siting schema --out` writes a temporary file beside the target and renames it: refused
    there for want of space, exit 2 with the system's words, no file and no temporary left."""
    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "scenario.schema.json"
    monkeypatch.setattr("siting.api.os.replace", full)
    assert main(["schema", "--out", str(target)]) == 2
    assert capsys.readouterr().err == (f"error: 1 problem in the input:\n  - --out | cannot write the file: No space "
                                       f"left on device (got {target}); choose a folder you can write to\n")
    assert list(tmp_path.iterdir()) == []


# --- the settings given for a run -------------------------------------------------------------

#: Two settings given on top of the small scenario, in the order given.
GIVEN = [{"setting": "constraints.redline.buffer_m", "value": 500}, {"setting": "targets.capacity.cells.2024",
                                                                     "value": 12}]
#: The report's lines of GIVEN.
GIVEN_LINES = ["Settings given for this run on top of the scenario file, applied in this order:", "",
               "| setting | value |", "|---|---|", "| `constraints.redline.buffer_m` | `500` |",
               "| `targets.capacity.cells.2024` | `12` |", ""]


@pytest.fixture(scope="module")
def given_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario solved with GIVEN as `--set` and `--alternatives 1`: its folder."""
    folder = tmp_path_factory.mktemp("given")
    shutil.copytree(SMALL, folder / "small")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
        code = main(["solve", str(folder / "small" / "scenario.yaml"), "--out", str(folder / "out"),
                     *(arg for item in GIVEN for arg in ("--set", f"{item['setting']}={item['value']}")),
                     "--alternatives", "1"])
    assert code == 0
    return folder / "out"


def lines_after(text: str, first: str, count: int) -> list[str]:
    """The `count` lines of `text` from the line `first`."""
    lines = text.splitlines()
    start = lines.index(first)
    return lines[start:start + count]


def test_solve_records_the_settings_given_in_the_manifest_and_report(given_run: Path) -> None:
    """`--set` twice: the manifest's `variant` (none) and `overrides` (both, in the order given)
    follow `input_sha256`, and the report's provenance gives them; alt01's own manifest and report
    record them too."""
    for folder in (given_run, given_run / "alt01"):
        manifest = json.loads((folder / "manifest.json").read_text())
        members = list(manifest)
        assert members[members.index("input_sha256") + 1:members.index("input_sha256") + 3] == ["variant",
                                                                                                 "overrides"]
        assert (manifest["variant"], manifest["overrides"]) == (None, GIVEN)
        report = (folder / "report.md").read_text()
        assert lines_after(report, GIVEN_LINES[0], len(GIVEN_LINES)) == GIVEN_LINES
        assert report.index("| input | file | SHA-256 |") < report.index(GIVEN_LINES[0]) < report.index(
            "Software versions:")
        assert "<p>Settings given for this run on top of the scenario file, applied in this order:</p>" in (
            folder / "report.html").read_text()


def test_a_run_without_settings_given_says_so(small_run: MadeRun) -> None:
    """conftest's `small_run` (no `--set`): `overrides` empty, and the report says the plan is that
    of the input files as they are."""
    manifest = json.loads((small_run.out / "manifest.json").read_text())
    assert (manifest["variant"], manifest["overrides"]) == (None, [])
    assert ("No setting was given on top of the scenario file: the plan is that of the input files above, as they "
            "are.\n") in (small_run.out / "report.md").read_text()


def test_each_sweep_run_records_its_own_values_as_given(small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """A sweep over a number and a path given from the current folder: each run's manifest gives
    its own values in the order of the keys, the path as typed (not made absolute for the worker:
    no machine's folder in the manifest), and its report the same."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "sweep"
    assert main(["sweep", str(small), "--set", "constraints.redline.buffer_m=0,1000", "--set",
                 "layers.sites.path=small/sites.geojson", "--workers", "1", "--out", str(out)]) == 0
    for run, buffer_m in (("run01", 0), ("run02", 1000)):
        text = (out / run / "manifest.json").read_text()
        assert json.loads(text)["overrides"] == [{"setting": "constraints.redline.buffer_m", "value": buffer_m},
                                                 {"setting": "layers.sites.path", "value": "small/sites.geojson"}]
        assert str(tmp_path) not in text
        assert lines_after((out / run / "report.md").read_text(), GIVEN_LINES[0], 6)[4:] == [
            f"| `constraints.redline.buffer_m` | `{buffer_m}` |", "| `layers.sites.path` | `small/sites.geojson` |"]


def test_each_compared_run_records_its_variant_and_the_settings_given(small: Path, tmp_path: Path) -> None:
    """`compare` of a file with a variant, with `--set`: the base run and the variant's run each
    record the `--set`, and the variant's run its variant, in the manifest and the report."""
    with small.open("a") as stream:
        stream.write("variants:\n  more_cells:\n    targets: {capacity: {cells: {2024: 20}}}\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(small), "--set", "constraints.redline.buffer_m=500", "--workers", "1",
                 "--out", str(out)]) == 0
    for run, variant in (("small", None), ("small-more_cells", "more_cells")):
        manifest = json.loads((out / run / "manifest.json").read_text())
        assert (manifest["variant"], manifest["overrides"]) == (variant, GIVEN[:1])
        base = "the scenario file" if variant is None else f"the scenario file's variant `{variant}`"
        assert lines_after((out / run / "report.md").read_text(),
                           f"Settings given for this run on top of {base}, applied in this order:", 5)[4] == (
            "| `constraints.redline.buffer_m` | `500` |")


# --- units -------------------------------------------------------------------------------------

def test_alternatives_and_robustness_csv_give_every_unit(given_run: Path) -> None:
    """alternatives.csv names each capacity column by cluster, product and unit per year, as
    sweep.csv does, and the excess over the optimum as a share; robustness.csv gives each row's
    unit right after `product`, the unit of `mean_capacity_added`."""
    assert (given_run / "alternatives.csv").read_text().splitlines()[0] == (
        "plan,cost_bn_yuan,over_optimum_share,within_gap,sites_built_on,site_products,new_site_products,stopped_by,"
        "scope,same_as,"
        "added_west_fepo4_t_per_yr,added_west_lfp_t_per_yr,added_west_cells_GWh_per_yr,added_east_lfp_t_per_yr,"
        "added_east_cells_GWh_per_yr")
    robustness = pd.read_csv(given_run / "robustness.csv")
    assert robustness.columns.tolist() == ["site", "cluster", "product", "unit", "plans_building", "share",
                                           "mean_capacity_added"]
    assert dict(zip(robustness["product"], robustness["unit"], strict=True)) == {
        "fepo4": "t/yr", "lfp": "t/yr", "cells": "GWh/yr"}


def test_raw_imports_csv_gives_its_unit_after_the_resource() -> None:
    """raw_imports.csv: the resource's catalog unit per year right after `resource`, and the
    amount as `imports`, as trade.csv names it; rows by site, resource and year."""
    raw = pd.DataFrame([("s2", "c2", "rock", 2031, 3.0, 6.0e9), ("s1", "c1", "coke", 2030, 4.0, 8.0e9)],
                       columns=["site", "cluster", "resource", "year", "tonnes", "import_cost_yuan"])
    plan = Plan(pd.DataFrame(columns=BUILD_COLUMNS), pd.DataFrame(columns=CAPACITY_COLUMNS),
                pd.DataFrame(columns=["source", "site", "resource", "year", "tonnes", "km"]), {},
                pd.DataFrame(columns=["kind", "target", "year", "target_value", "achieved", "shortfall"]),
                pd.DataFrame(columns=["year", "output_value_yuan"]), (), raw_imports=raw)
    catalog = SimpleNamespace(products={}, resources={r: SimpleNamespace(unit="t") for r in ("rock", "coke")})
    assert plan_tables(plan, catalog)["raw_imports.csv"].splitlines() == [
        "site,cluster,resource,unit,year,imports,import_cost_bn_yuan",
        "s1,c1,coke,t/yr,2030,4,8", "s2,c2,rock,t/yr,2031,3,6"]
