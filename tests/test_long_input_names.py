"""Input paths the system cannot look at: a name (a file's or a folder's on the way) longer than
the file system allows, or a whole path longer than the system takes. Every look at such a path
fails (ENAMETOOLONG), so each input is checked for it first: the scenario file, its base
(`extends`), the catalog, the committed projects, the layers and the allowed zone, on the
command line (solve, show, compare, sweep) and through the Python front door.

For each: exit 2, the whole message naming the file as given, the setting that names it, the
name's size in bytes and the file system's limit; no traceback, and nothing written (every file
and folder of the test's folder unchanged, no output folder). The limit is the file system's
(`PC_NAME_MAX` of the test's folder: 255 on the usual ones)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import siting
from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"
ROOT = Path(__file__).parent.parent
#: A name longer than the file systems the tests run on allow (255 bytes on ext4, tmpfs, xfs, btrfs).
LONG = "a" * 300
ONE = "error: 1 problem in the input:\n  - "
SET_STARTS = "a relative path in --set starts at the current folder"
FILE_STARTS = "relative paths start at the folder of the file that names it"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """tmp_path/small: a copy of the small scenario, beside a sibling folder of the user's."""
    if os.pathconf(tmp_path, "PC_NAME_MAX") >= len(LONG):
        pytest.skip("the file system of the temporary folder allows names of 300 bytes")
    shutil.copytree(DATA, tmp_path / "small")
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "keep.txt").write_text("a sibling folder of the user's")
    return tmp_path


def limit(work: Path) -> int:
    """The longest name, in bytes, the file system of `work` allows."""
    return os.pathconf(work, "PC_NAME_MAX")


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under `root`: files by SHA-256 of their bytes, folders as 'dir'."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


def refused(work: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line in this process, expect exit 2 with nothing changed under `work`;
    return stderr."""
    before = snapshot(work)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert snapshot(work) == before
    return err


def scenario_too_long(path: Path, size: int, most: int) -> str:
    """The problem of a scenario path with a name of `size` bytes, `most` allowed."""
    return (f"{path}: the scenario file has a name of {size} bytes, longer than the {most} the file system allows, "
            "so there can be no such file; check its path")


def test_scenario_path_in_a_new_process(work: Path):
    """`python cli.py solve <a name of 305 bytes>.yaml`: the scenario file's name is told, in a
    process of its own as a user runs it (no traceback on either stream)."""
    scenario = work / f"{LONG}.yaml"
    before = snapshot(work)
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "solve", str(scenario), "--out", str(work / "out")],
                          capture_output=True, text=True, cwd=work, timeout=300)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr == f"{ONE}{scenario_too_long(scenario, 305, limit(work))}\n"
    assert snapshot(work) == before


def test_scenario_path_with_a_long_folder(work: Path, capsys):
    """The name too long is a folder's on the way: its size is told."""
    scenario = work / LONG / "scenario.yaml"
    err = refused(work, ["solve", str(scenario), "--out", str(work / "out")], capsys)
    assert err == f"{ONE}{scenario_too_long(scenario, 300, limit(work))}\n"


def test_scenario_path_longer_than_the_system_takes(work: Path, capsys):
    """Every name within the limit, the whole path longer than the system takes (PATH_MAX, 4096
    bytes with its closing NUL on Linux)."""
    most = os.pathconf("/", "PC_PATH_MAX") - 1
    scenario = work.joinpath(*["b" * 200] * (most // 201 + 1), "scenario.yaml")
    size = len(os.fsencode(scenario))
    assert size > most
    err = refused(work, ["solve", str(scenario), "--out", str(work / "out")], capsys)
    assert err == (f"{ONE}{scenario}: the scenario file has a path of {size} bytes, longer than the {most} the "
                   "system allows, so there can be no such file; check its path\n")


@pytest.mark.parametrize("command", [["show"], ["sweep", "--set", "constraints.redline.buffer_m=0,500",
                                                 "--workers", "1"]])
def test_scenario_path_show_and_sweep(work: Path, capsys, command: list[str]):
    scenario = work / f"{LONG}.yaml"
    argv = [command[0], str(scenario), *command[1:]]
    if command[0] == "sweep":
        argv += ["--out", str(work / "out")]
    err = refused(work, argv, capsys)
    assert err == f"{ONE}{scenario_too_long(scenario, 305, limit(work))}\n"


def test_compare_lists_it_with_the_output_folder(work: Path, capsys):
    """compare: the scenario's name too long and the output folder's too, listed together."""
    scenario = work / f"{LONG}.yaml"
    out = work / LONG / "out"
    err = refused(work, ["compare", str(scenario), str(work / "small" / "scenario.yaml"), "--workers", "1",
                         "--out", str(out)], capsys)
    assert err == ("error: 2 problems in the input and with the output folder:\n"
                   f"  - {scenario_too_long(scenario, 305, limit(work))}\n"
                   f"  - --out | the output folder has a name of 300 bytes, longer than the {limit(work)} the file "
                   f"system allows (got {out}); choose a shorter name\n")


def test_sites_layer_set_on_the_command_line(work: Path, capsys):
    """`--set layers.sites.path=<a name of 308 bytes>.geojson`, listed with another layer's problem."""
    sites = work / f"{LONG}.geojson"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--set", f"layers.sites.path={sites}",
                         "--set", f"layers.redline.path={work / 'nowhere.geojson'}", "--out", str(work / "out")],
                  capsys)
    assert err == ("error: 2 problems in the input:\n"
                   f"  - {sites}: the sites layer's file has a name of 308 bytes, longer than the {limit(work)} the "
                   f"file system allows, so there can be no such file; check --set layers.sites.path ({SET_STARTS})\n"
                   f"  - {work / 'nowhere.geojson'}: redline layer not found; check --set layers.redline.path "
                   f"({SET_STARTS})\n")


def test_sites_layer_in_a_new_process(work: Path):
    """The same layer path in a process of its own, from the small case's folder (a relative path)."""
    case = work / "small"
    before = snapshot(work)
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "solve", "scenario.yaml", "--set",
                           f"layers.sites.path={LONG}.geojson", "--out", str(work / "out")],
                          capture_output=True, text=True, cwd=case, timeout=300)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.endswith(
        f"{ONE}{LONG}.geojson: the sites layer's file has a name of 308 bytes, longer than the {limit(work)} the "
        f"file system allows, so there can be no such file; check --set layers.sites.path ({SET_STARTS})\n")
    assert snapshot(work) == before


def test_catalog_set_on_the_command_line(work: Path, capsys):
    catalog = work / f"{LONG}.yaml"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--set", f"catalog={catalog}",
                         "--out", str(work / "out")], capsys)
    assert err == (f"{ONE}{work / 'small' / 'scenario.yaml'}: --set catalog | the file it names has a name of 305 "
                   f"bytes, longer than the {limit(work)} the file system allows, so there can be no such file (got "
                   f"'{catalog}'); give the path of the catalog file ({SET_STARTS})\n")


def test_files_named_in_the_scenario_listed_together(work: Path, capsys):
    """The catalog, the committed projects and the allowed zone written in the scenario file, each
    with a name too long: all three told, at their lines."""
    scenario = work / "small" / "scenario.yaml"
    text = scenario.read_text()
    text = text.replace("catalog: catalog.yaml", f"catalog: {LONG}.yaml")
    text = text.replace("committed_projects: committed_projects.yaml", f"committed_projects: {LONG}/committed.yaml")
    zone = f"candidates: {{shape: square, cell_size_m: 5000, allowed_zone: {{path: {LONG}.gpkg}}}}\n"
    scenario.write_text(text + zone)
    err = refused(work, ["solve", str(scenario), "--out", str(work / "out")], capsys)
    most = limit(work)

    def told(line: int, key: str, given: str, size: int, what: str) -> str:
        return (f"  - {scenario}:{line}: {key} | the file it names has a name of {size} bytes, longer than the {most} "
                f"the file system allows, so there can be no such file (got '{given}', which is "
                f"{work / 'small' / given}); give the path of {what} ({FILE_STARTS})\n")

    assert err == ("error: 3 problems in the input:\n"
                   + told(4, "catalog", f"{LONG}.yaml", 305, "the catalog file")
                   + told(37, "committed_projects", f"{LONG}/committed.yaml", 300, "the committed-projects file")
                   + told(39, "candidates.allowed_zone.path", f"{LONG}.gpkg", 305, "the allowed-zone layer"))


def test_base_scenario(work: Path, capsys):
    """`extends:` naming a base with a name too long."""
    child = work / "small" / "child.yaml"
    child.write_text(f"extends: {LONG}.yaml\nname: child\n")
    err = refused(work, ["solve", str(child), "--out", str(work / "out")], capsys)
    assert err == (f"{ONE}{child}:1: extends | the file it names has a name of 305 bytes, longer than the "
                   f"{limit(work)} the file system allows, so there can be no such file (got '{LONG}.yaml', which is "
                   f"{work / 'small' / LONG}.yaml); give the path of a base scenario file ({FILE_STARTS})\n")


@pytest.mark.parametrize("call", ["load", "solve", "run"])
def test_front_door(work: Path, call: str):
    """`siting.load`, `siting.solve` and `siting.run` given the path: InputError with the same
    problem, nothing written."""
    scenario = work / f"{LONG}.yaml"
    before = snapshot(work)
    with pytest.raises(siting.InputError) as raised:
        if call == "run":
            siting.run(scenario, out=work / "out")
        else:
            getattr(siting, call)(str(scenario))
    assert raised.value.problems == [scenario_too_long(scenario, 305, limit(work))]
    assert snapshot(work) == before


def test_front_door_layer_override(work: Path):
    """A layer path given to `siting.load` as an override (the layers are read as it loads)."""
    sites = work / f"{LONG}.geojson"
    with pytest.raises(siting.InputError) as raised:
        siting.load(work / "small" / "scenario.yaml", overrides={"layers.sites.path": str(sites)})
    assert raised.value.problems == [
        f"{sites}: the sites layer's file has a name of 308 bytes, longer than the {limit(work)} the file system "
        "allows, so there can be no such file; check overrides layers.sites.path (a relative path in overrides "
        "starts at the current folder)"]


def test_a_schema_file_with_a_name_too_long(work: Path, capsys: pytest.CaptureFixture[str]):
    """`siting schema --out` with a name longer than the file system allows: refused, naming
    --out, before any look at the path (which raised ENAMETOOLONG)."""
    target = work / f"{LONG}.json"
    err = refused(work, ["schema", "--out", str(target)], capsys)
    assert err == (f"{ONE}--out | the file has a name of {len(LONG) + 5} bytes, longer than the {limit(work)} the "
                   f"file system allows (got {target}); choose a shorter name\n")
