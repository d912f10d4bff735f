"""Inputs behind a folder that does not let the user in (no search permission, x, for them), such
as a scenario or a layer in a colleague's home folder: every look at such a path fails with
EACCES, and Python's checks that a file exists (`Path.exists`, `is_file`, `is_dir`) raise it
rather than answer, which gave a traceback. Each input is checked for it first, after a name too
long (siting/config/load.py `unsearchable_words`): the scenario file, the catalog, the committed
projects, the allowed zone and the layers, on the command line and through the Python front door.
A layer file the user may not read (no r permission) is told so, not as a file GDAL does not know.

For each: exit 2, the whole message naming the file as given, the setting that names it and the
folder that does not let the user in; no traceback, and nothing written (every file and folder of
the test's folder unchanged, no output folder).

The tests run as root, whom permissions do not stop, so the folder is locked by standing in for
the system's looks at a file (`os.stat`, `os.lstat`; `os.open` for the unreadable layer), which
Python's own checks call: each fails with EACCES at a path under the locked folder, as the kernel
does for a user who may not search it. The last test locks a folder for real, where the tests
run as another user."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import siting
from siting.cli import main

DATA = Path(__file__).parent / "data" / "small"
ONE = "error: 1 problem in the input:\n  - "
SET_STARTS = "a relative path in --set starts at the current folder"
FIX = "check that folder's permissions, or copy the file to a folder you can read"
DENIED = "cannot be looked at (Permission denied)"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """tmp_path/small: a copy of the small scenario; tmp_path/locked: a folder of a colleague's
    holding another copy of the scenario, its catalog and its sites layer."""
    shutil.copytree(DATA, tmp_path / "small")
    (tmp_path / "locked").mkdir()
    for name in ("scenario.yaml", "catalog.yaml", "sites.geojson"):
        shutil.copy(DATA / name, tmp_path / "locked" / name)
    return tmp_path


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under `root`: files by SHA-256 of their bytes, folders as 'dir'."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))}


def _denied(path: Any) -> PermissionError:
    """The error a look at `path` gets where the system does not let this process in (EACCES)."""
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)


def _named(path: Any, kwargs: dict[str, Any]) -> str | None:
    """The absolute path an os.stat/lstat/readlink call of `path` (with its `kwargs`) looks at; None
    for a file descriptor or a path relative to one (`dir_fd`), left to the real call."""
    if isinstance(path, int) or kwargs.get("dir_fd") is not None:
        return None
    return os.path.abspath(os.fsdecode(os.fspath(path)))


def _under(path: str, folder: str) -> bool:
    return path.startswith(folder + os.sep)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """While the block runs, `folder` does not let this process in: a look at any path under it
    (`os.stat` through the symbolic links on its way, `os.lstat` at the path as given) fails with
    EACCES; the folder itself may be looked at, as the kernel allows."""
    inside = os.path.realpath(folder)
    real_stat, real_lstat = os.stat, os.lstat

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        absolute = _named(path, kwargs)
        if absolute is not None:
            followed = os.path.realpath(absolute) if kwargs.get("follow_symlinks", True) else absolute
            if _under(followed, inside) or _under(absolute, inside):
                raise _denied(path)
        return real_stat(path, *args, **kwargs)

    def lstat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        absolute = _named(path, kwargs)
        if absolute is not None and _under(absolute, inside):
            raise _denied(path)
        return real_lstat(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "stat", stat)
        patch.setattr(os, "lstat", lstat)
        yield


def refused(work: Path, argv: list[str], capsys: pytest.CaptureFixture[str],
            lock: Callable[[], Any] | None = None) -> str:
    """Run the command line in this process with work/locked locked (or under `lock()`), expect
    exit 2 with nothing changed under `work`; return stderr."""
    before = snapshot(work)
    with (lock or (lambda: locked(work / "locked")))():
        code = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 2, err
    assert snapshot(work) == before
    return err


def test_scenario_file(work: Path, capsys):
    """`siting solve <colleague's folder>/scenario.yaml`: the folder that does not let the user in
    is named (it raised PermissionError from Path.exists in read_yaml)."""
    scenario = work / "locked" / "scenario.yaml"
    err = refused(work, ["solve", str(scenario), "--out", str(work / "out")], capsys)
    assert err == (f"{ONE}{scenario}: the scenario file {DENIED}: the folder {work / 'locked'} on its path does not "
                   f"let you in; {FIX}\n")


def test_scenario_file_relative_with_show(work: Path, capsys, monkeypatch):
    """`siting show ../locked/scenario.yaml` from the small case's folder: the file and the folder
    named as typed, from the current folder."""
    monkeypatch.chdir(work / "small")
    err = refused(work, ["show", "../locked/scenario.yaml"], capsys)
    assert err == (f"{ONE}../locked/scenario.yaml: the scenario file {DENIED}: the folder ../locked on its path "
                   f"does not let you in; {FIX}\n")


def test_scenario_file_through_a_symbolic_link(work: Path, capsys):
    """A scenario named by a symbolic link of the user's that leads into the locked folder: each
    part of the path as given can be looked at, the file it leads to cannot."""
    link = work / "small" / "link.yaml"
    link.symlink_to(work / "locked" / "scenario.yaml")
    err = refused(work, ["solve", str(link), "--out", str(work / "out")], capsys)
    assert err == (f"{ONE}{link}: the scenario file {DENIED}: a folder on the path it leads to does not let you in; "
                   f"{FIX}\n")


def test_sites_layer_set_on_the_command_line(work: Path, capsys):
    """`--set layers.sites.path=<colleague's folder>/sites.geojson`, listed with another layer's
    problem (it raised PermissionError from Path.exists in read_layer)."""
    sites = work / "locked" / "sites.geojson"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--set", f"layers.sites.path={sites}",
                         "--set", f"layers.redline.path={work / 'nowhere.geojson'}", "--out", str(work / "out")],
                  capsys)
    assert err == ("error: 2 problems in the input:\n"
                   f"  - {sites}: the sites layer's file {DENIED}: the folder {work / 'locked'} on its path does not "
                   f"let you in; {FIX} and give that path in --set layers.sites.path ({SET_STARTS})\n"
                   f"  - {work / 'nowhere.geojson'}: redline layer not found; check --set layers.redline.path "
                   f"({SET_STARTS})\n")


def test_catalog_set_on_the_command_line(work: Path, capsys):
    """`--set catalog=<colleague's folder>/catalog.yaml` (it raised PermissionError from
    Path.exists in referenced_file)."""
    catalog = work / "locked" / "catalog.yaml"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--set", f"catalog={catalog}",
                         "--out", str(work / "out")], capsys)
    assert err == (f"{ONE}{work / 'small' / 'scenario.yaml'}: --set catalog | the file it names {DENIED}: the "
                   f"folder {work / 'locked'} on its path does not let you in (got '{catalog}'); {FIX}\n")


def test_files_named_in_the_scenario_listed_together(work: Path, capsys):
    """The catalog, the committed projects and the allowed zone written in the scenario file, each
    in the locked folder: all three told, at their lines."""
    scenario = work / "small" / "scenario.yaml"
    text = scenario.read_text()
    text = text.replace("catalog: catalog.yaml", "catalog: ../locked/catalog.yaml")
    text = text.replace("committed_projects: committed_projects.yaml",
                        "committed_projects: ../locked/committed_projects.yaml")
    zone = "candidates: {shape: square, cell_size_m: 5000, allowed_zone: {path: ../locked/zone.gpkg}}\n"
    scenario.write_text(text + zone)
    err = refused(work, ["solve", str(scenario), "--out", str(work / "out")], capsys)

    def told(line: int, key: str, given: str) -> str:
        return (f"  - {scenario}:{line}: {key} | the file it names {DENIED}: the folder {work / 'locked'} on its path "
                f"does not let you in (got '../locked/{given}', which is {work / 'locked' / given}); {FIX}\n")

    assert err == ("error: 3 problems in the input:\n"
                   + told(4, "catalog", "catalog.yaml")
                   + told(37, "committed_projects", "committed_projects.yaml")
                   + told(39, "candidates.allowed_zone.path", "zone.gpkg"))


def test_front_door(work: Path):
    """`siting.load` given the scenario path, or a layer as an override: InputError with the same
    problem, nothing written."""
    scenario = work / "locked" / "scenario.yaml"
    sites = work / "locked" / "sites.geojson"
    before = snapshot(work)
    with locked(work / "locked"):
        with pytest.raises(siting.InputError) as raised:
            siting.load(scenario)
        with pytest.raises(siting.InputError) as layer:
            siting.load(work / "small" / "scenario.yaml", overrides={"layers.sites.path": str(sites)})
    assert raised.value.problems == [
        f"{scenario}: the scenario file {DENIED}: the folder {work / 'locked'} on its path does not let you in; {FIX}"]
    assert layer.value.problems == [
        f"{sites}: the sites layer's file {DENIED}: the folder {work / 'locked'} on its path does not let you in; "
        f"{FIX} and give that path in overrides layers.sites.path (a relative path in overrides starts at the "
        "current folder)"]
    assert snapshot(work) == before


def test_sites_layer_the_user_may_not_read(work: Path, capsys):
    """A layer file in a folder the user may enter, but that the user may not read: told so, not
    as GDAL's "is it a GeoJSON, GeoPackage or shapefile?"."""
    sites = work / "locked" / "sites.geojson"
    real_open = os.open

    @contextmanager
    def unreadable() -> Iterator[None]:
        def open_(path: Any, *args: Any, **kwargs: Any) -> int:
            if not isinstance(path, int) and os.path.abspath(os.fspath(path)) == str(sites):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
            return real_open(path, *args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "open", open_)
            yield

    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--set", f"layers.sites.path={sites}",
                         "--out", str(work / "out")], capsys, unreadable)
    assert err == (f"{ONE}{sites}: the sites layer's file cannot be read (Permission denied); check that the file is "
                   f"readable; its path is set by --set layers.sites.path ({SET_STARTS})\n")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="permissions do not stop root; the tests above stand in for them")
def test_a_folder_locked_for_real(work: Path, capsys):
    """The folder's search permission taken away for real: the scenario file in it, and a layer."""
    folder = work / "locked"
    scenario = folder / "scenario.yaml"

    @contextmanager
    def chmod() -> Iterator[None]:
        folder.chmod(0o600)
        try:
            yield
        finally:
            folder.chmod(0o755)

    err = refused(work, ["solve", str(scenario), "--out", str(work / "out")], capsys, chmod)
    assert err == (f"{ONE}{scenario}: the scenario file {DENIED}: the folder {folder} on its path does not let you "
                   f"in; {FIX}\n")
    sites = folder / "sites.geojson"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--set", f"layers.sites.path={sites}",
                         "--out", str(work / "out")], capsys, chmod)
    assert err == (f"{ONE}{sites}: the sites layer's file {DENIED}: the folder {folder} on its path does not let you "
                   f"in; {FIX} and give that path in --set layers.sites.path ({SET_STARTS})\n")


def test_an_output_folder_inside_a_locked_folder(work: Path, capsys):
    """`--out <colleague's folder>/out`: refused naming --out and the folder that does not let the
    user in (it raised PermissionError from Path.exists in folders.destination_problem)."""
    out = work / "locked" / "out"
    err = refused(work, ["solve", str(work / "small" / "scenario.yaml"), "--out", str(out)], capsys)
    assert err == ("error: 1 problem with the output folder:\n  - --out | the output folder "
                   f"{DENIED}: the folder {work / 'locked'} on its path does not let you in (got {out}); check that "
                   "folder's permissions, or choose a folder you can write to\n")


def test_a_schema_file_inside_a_locked_folder(work: Path, capsys):
    """`siting schema --out <colleague's folder>/s.json`: refused naming --out (it raised
    PermissionError from Path.is_dir in api.write_scenario_schema)."""
    target = work / "locked" / "s.json"
    err = refused(work, ["schema", "--out", str(target)], capsys)
    assert err.startswith(f"{ONE}--out | the file {DENIED}: the folder {work / 'locked'} on its path"), err


@contextmanager
def unfollowable(link: Path) -> Iterator[None]:
    """While the block runs, the symbolic link `link` is one the system does not let this process
    follow, as /proc/1/cwd (a process of another user's) is: reading the link (`os.readlink`, which
    `os.path.realpath` and `Path.resolve` call) and a look through it (`os.stat` of the link, any
    look at a path under it) fail with EACCES; the link itself may be looked at (`os.lstat`)."""
    real_stat, real_lstat, real_readlink = os.stat, os.lstat, os.readlink
    text = str(link)

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        absolute = _named(path, kwargs)
        through = absolute == text and kwargs.get("follow_symlinks", True)
        if absolute is not None and (_under(absolute, text) or through):
            raise _denied(path)
        return real_stat(path, *args, **kwargs)

    def lstat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        absolute = _named(path, kwargs)
        if absolute is not None and _under(absolute, text):
            raise _denied(path)
        return real_lstat(path, *args, **kwargs)

    def readlink(path: Any, *args: Any, **kwargs: Any) -> str:
        if _named(path, kwargs) == text:
            raise _denied(path)
        return real_readlink(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "stat", stat)
        patch.setattr(os, "lstat", lstat)
        patch.setattr(os, "readlink", readlink)
        yield


def _not_followed(given: str) -> str:
    return (f"cannot be looked at (Permission denied): the folder {given} on its path is a symbolic link the "
            "system does not let you follow")


OUT_FIX = "check that folder's permissions, or choose a folder you can write to"


@pytest.mark.parametrize("command", ["solve", "check", "compare", "sweep"])
def test_an_output_folder_behind_a_link_not_to_be_followed(work: Path, capsys, command: str):
    """`--out /proc/1/cwd/x` (a link the system does not let the user follow): refused naming --out
    and the link, exit 2, nothing written (it raised PermissionError from os.path.realpath in
    siting/config/load.py `given_path`, then in `home_named`)."""
    link = work / "theirs"
    link.symlink_to(work / "locked")
    out = link / "x"
    scenario = str(work / "small" / "scenario.yaml")
    argv = {"solve": ["solve", scenario], "check": ["check", scenario], "compare": ["compare", scenario, scenario],
            "sweep": ["sweep", scenario, "--set", "objective.discount_rate=0.05,0.06"]}[command]
    err = refused(work, [*argv, "--out", str(out)], capsys, lambda: unfollowable(link))
    assert err == (f"error: 1 problem with the output folder:\n  - --out | the output folder "
                   f"{_not_followed(str(link))} (got {out}); {OUT_FIX}\n")


def test_an_output_folder_set_behind_a_link_not_to_be_followed(work: Path, capsys):
    """`--set output.folder=/proc/1/cwd/x`: refused naming the setting and the link."""
    link = work / "theirs"
    link.symlink_to(work / "locked")
    out = link / "x"
    scenario = work / "small" / "scenario.yaml"
    err = refused(work, ["check", str(scenario), "--set", f"output.folder={out}"], capsys, lambda: unfollowable(link))
    assert err == (f"error: 1 problem with the output folder:\n  - {scenario}: --set output.folder | the output "
                   f"folder {_not_followed(str(link))} (got {out}); {OUT_FIX}\n")


@pytest.mark.parametrize("command", ["show", "check", "solve"])
def test_a_scenario_behind_a_link_not_to_be_followed(work: Path, capsys, command: str):
    """`siting show /proc/1/cwd/s.yaml`: the scenario file refused naming the link (it raised
    PermissionError from os.path.realpath in `given_path`)."""
    link = work / "theirs"
    link.symlink_to(work / "locked")
    scenario = link / "scenario.yaml"
    err = refused(work, [command, str(scenario)], capsys, lambda: unfollowable(link))
    assert err == f"{ONE}{scenario}: the scenario file {_not_followed(str(link))}; {FIX}\n"


def test_inputs_set_behind_a_link_not_to_be_followed(work: Path, capsys):
    """`--set catalog=/proc/1/cwd/c.yaml` (it raised PermissionError from Path.resolve in
    siting/config/load.py `followed`) and `--set layers.sites.path=/proc/1/cwd/sites.geojson` (from
    Path.resolve in siting/deliver/folders.py `present_inputs`), each refused naming the setting and
    the link."""
    link = work / "theirs"
    link.symlink_to(work / "locked")
    scenario = work / "small" / "scenario.yaml"
    catalog, sites = link / "catalog.yaml", link / "sites.geojson"
    err = refused(work, ["check", str(scenario), "--set", f"catalog={catalog}"], capsys, lambda: unfollowable(link))
    assert err == (f"{ONE}{scenario}: --set catalog | the file it names {_not_followed(str(link))} (got '{catalog}'); "
                   f"{FIX}\n")
    err = refused(work, ["solve", str(scenario), "--set", f"layers.sites.path={sites}", "--out", str(work / "out")],
                  capsys, lambda: unfollowable(link))
    assert err == (f"{ONE}{sites}: the sites layer's file {_not_followed(str(link))}; {FIX} and give that path in "
                   f"--set layers.sites.path ({SET_STARTS})\n")


def _proc_link_denied() -> bool:
    """Whether /proc/1/cwd is a link this process may not follow (a process of another user's, or
    root's in a container without the right to look at it)."""
    try:
        os.readlink("/proc/1/cwd")
    except PermissionError:
        return True
    except OSError:
        return False
    return False


@pytest.mark.skipif(not _proc_link_denied(), reason="/proc/1/cwd can be followed here; the tests above stand in")
def test_proc_1_cwd_for_real(work: Path, capsys, tmp_path_factory: pytest.TempPathFactory):
    """The reviewer's case as typed: `siting check <scenario> --out /proc/1/cwd/x`; and a scenario
    through a link of the user's to /proc/1/cwd, which can be read, to a place that cannot."""
    err = refused(work, ["check", str(work / "small" / "scenario.yaml"), "--out", "/proc/1/cwd/x"], capsys,
                  contextlib.nullcontext)
    assert err == (f"error: 1 problem with the output folder:\n  - --out | the output folder "
                   f"{_not_followed('/proc/1/cwd')} (got /proc/1/cwd/x); {OUT_FIX}\n")
    mine = tmp_path_factory.mktemp("links") / "mine"  # not under work, whose files the test compares
    mine.symlink_to("/proc/1/cwd")
    err = refused(work, ["show", str(mine / "s.yaml")], capsys, contextlib.nullcontext)
    assert err == (f"{ONE}{mine / 's.yaml'}: the scenario file cannot be looked at (Permission denied): the folder "
                   f"{mine} on its path is a symbolic link to a folder that does not let you in; {FIX}\n")
