"""The output folder: which folder a run may write into, checked before anything is
preprocessed or solved, and writing every file into it all or nothing.

The rule: a run writes into a new folder, an empty folder, or a folder that an earlier run
wrote. Every output folder holds the marker file `.siting-run`: a header line, then the files
the run wrote there, sorted by relative path, one per line as `<SHA-256>  <relative path>` (a
subfolder holding its own marker, a run of `compare` or `sweep`, is listed as `<name>/` and
answers for its own content). The marker is the last file written, once every other file is
final, so it serves every kind of folder alike: a run's, an infeasible run's diagnosis, an
alternative's `altNN/` (listed file by file in its run's marker), a comparison's or a sweep's.
A marked folder is replaced only while it holds nothing beyond what its marker lists,
recursively; a file put into it since is never deleted: the run is refused, naming it. Nor is a
file the tool wrote but someone changed since: a listed file whose SHA-256 no longer matches
the marker's is named and the run refused (a missing file is not a change). A marker of an
earlier version lists names without SHA-256; then the `file_sha256` its manifests recorded are
checked instead, where they have it (older manifests recorded none: nothing to check). manifest.json holds the
wall-clock timings of its run under `run`, which differ from run to run: the marker records the
SHA-256 of its bytes without the text of that member, so that the marker, like every other
file, is byte-identical for the same inputs. (Each manifest also records the SHA-256 of the
files it lists, under `file_sha256`, as provenance; the check reads the marker, and these only
for a marker without SHA-256.)
Anything else is refused too: an existing file, an unmarked folder holding anything (files, or
folders, empty ones too), and any folder that is, contains or lies inside an input of the run
(the scenario, the bases it extends, the catalog, the layers), one from the home folder of a
user the system does not know (`~nosuchuser/x`) or whose home folder does not exist, one whose
path holds a tab, a line break or a carriage return (GDAL's GeoPackage driver cannot open
plan.gpkg there), the folder of a run of a comparison or a sweep (listed `<name>/` in its batch
folder's marker: replacing it alone would leave the batch's tables describing another plan; the
batch folder as a whole may be replaced), a subfolder a run wrote (an alternative's `altNN/`,
whose files its run's marker lists: replacing it alone would leave that run's tables and marker
describing another plan; refused as that run's, there or not, naming the run), any other folder
that lies inside a folder holding the marker, at any depth (its outputs would be files that
folder's marker does not list, and a later run into it would be refused for them; the outermost
such folder is named; a staging folder, where a batch writes its runs, does not count), and one
whose missing folders above it cannot be made (those that can are made by the run). A folder is made
with the usual permissions (0777 less the umask). A run whose folder is its scenario's
`output.folder`, not one named for it (`--out`, `out=`, an override of `output.folder`, a
variant's own), does not replace a marked folder whose manifest.json records another scenario
file or another variant: a variant, or a file that extends a scenario, takes the base's folder
unless it sets one, and would replace the base's plan without a word, as would a file of the same
name in another folder (`ScenarioFolder`, `another_run_problem`); a re-run of the same scenario
file and variant, overrides or a changed name or not, replaces its own. The file is the one
manifest.json records by its path from the folder, under `run` (`scenario_from_folder`), where a
file is there now; else the one of the same name (a manifest of an earlier version). A refusal
for files siting did not write says what those that other programs leave there are
(`programs_words`): SQLite's `-wal` and `-shm` beside a GeoPackage QGIS has open, QGIS's backup
`plan.qgs~` of a project saved there, macOS Finder's `.DS_Store`; they are the user's all the same.

Outputs are assembled in a staging folder beside the destination, named
`.<name>.siting-staging.<pid>.<random>` and holding the marker from the start, which lists each
file by name before it is written (an alternative's as `altNN/<file>`; the marker written at the
end replaces that list); the folder being replaced is first renamed
`.<name>.siting-old.<pid>.<random>`. A process that is killed can leave either behind; the next
run into the same place removes those whose process is no longer alive, and from them only what
siting wrote there: the files their marker lists, the files its writers make beside a listed one
while writing it (SQLite's `plan.gpkg-journal`) and the probe of the disk, and in a staging folder
the runs a batch wrote into it and the staging folder of one under way, each as far as its own
marker says. A file put into such a folder since (or, in a replaced folder, one changed since
siting wrote it) is kept, with the folders on the way to it and their markers, and the folder is
left: the run says so in a notice (`left_behind`: which folder, which files, to move them out and
remove the folder), as does each later run into the same place while they are there. Nothing else
is ever removed. Such a folder is removed file by file, its marker last:
one the user may not remove whole (owned by another user, or read-only inside) keeps its marker,
so it is still known as the tool's and never taken for a folder of the user's. It is left, and
the run says so in a notice (`left_behind`: which folder, why, and to remove it by hand); so does
each later run into the same place, which tries again. The run itself is not failed by it: its
outputs are in place.

A run assembles its outputs beside the destination, where plan.gpkg (an alternative's too,
`altNN/plan.gpkg`) is written with SQLite, which opens a file only at a path of at most
SQLITE_PATH_MAX bytes: a destination whose folder is too long for that is refused before the run
(`database_path_words`), as is one whose path or name the system cannot take.

The destination is checked before the run and again once every output is written, just before
the swap: it may have changed while the run was solving. If it now may not be replaced, it is
left as it is, and the complete outputs are kept instead of being thrown away: the staging
folder, marked and with the usual permissions, is renamed to a new folder beside the
destination, `<name>.new`, or `<name>.new-2`, `<name>.new-3`, ... when that name is taken by
anything at all (it never replaces a file, folder or link). It is an output folder like any
other: a later run may replace it, and it is not a temporary (nothing removes it). The run
still fails (`OutputFolderError`, exit 2), naming the files that stopped it and the folder that
holds the outputs. An interrupted or failed run keeps nothing; one whose disk refuses a write
(full, over quota, read-only) fails so too, with OutputFolderError saying why (`write_failure`).
A folder put in place (or kept beside) is complete; the folders this process completed are noted
(`completed_folders`), so that a command stopped after its write can say which it kept.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from siting.config.errors import OutputFolderError
from siting.config.load import (
    LoadedScenario,
    broken_link,
    broken_link_above,
    broken_link_words,
    extends_chain,  # noqa: F401 (read from here too)
    file_sha256,
    home_named,
    home_problem,
    name_max,
    name_too_long,
    real_path,
    scenario_files,
    shown_path,
    too_long_words,
    unsearchable_words,
)
from siting.config.units import cut_list, joined
from siting.deliver.geojson import json_text

#: The file every output folder holds; its presence makes the folder ours to replace.
MARKER = ".siting-run"

#: The marker's header line; the files the run wrote follow, one per line after their SHA-256.
MARKER_TEXT = ("siting wrote this folder; a run replaces it only while it holds nothing but the files listed "
               "below, each as it was written (its SHA-256 comes before its name; delete this file to keep the "
               "folder from being replaced):\n")
#: The header of the markers of earlier versions, which list the files by name alone.
EARLIER_MARKER_TEXT = ("siting wrote this folder; a run replaces it only while it holds nothing but the files listed "
                       "below (delete this file to keep the folder from being replaced):\n")
#: A line of the marker naming a file with its SHA-256 (hex), as `sha256sum` writes it.
HASHED_LINE = re.compile(r"([0-9a-f]{64})  (.+)")
#: How many foreign files a refusal names.
SHOWN_FOREIGN = 5

#: The run manifest's file name, its member holding the SHA-256 of the files it lists, and the
#: start of the line of its member holding the wall-clock timings (json_text writes it so).
MANIFEST = "manifest.json"
FILE_HASHES = "file_sha256"
RUN_MEMBER = '\n  "run": '

#: Characters of the destination's name kept in staging names, so that they stay within NAME_MAX.
NAME_PART = 40

STAGING, OLD = "staging", "old"
#: The name of any staging or replaced folder, whichever folder it is beside.
ANY_TEMPORARY = re.compile(rf"\..*\.siting-(?:{STAGING}|{OLD})\.\d+\.\w+")

#: The errors of renaming or removing an output folder that keep the run's outputs beside it
#: (`swap_into_place`): a mount point or a folder another program holds (EBUSY), one the user
#: may not rename or remove (EPERM, EACCES: another user's in a sticky folder, an immutable one).
REFUSED_RENAME = (errno.EBUSY, errno.EPERM, errno.EACCES)

#: The suffix of the folder that keeps a run's complete outputs beside an output folder that
#: changed during the run (`<name>.new`, then `<name>.new-2`, ...), and how many are tried.
KEPT_SUFFIX = ".new"
KEPT_TRIES = 1000
#: Why a run does not replace a folder (or file) without the marker that holds anything.
UNMARKED_RULE = "a run replaces only an empty folder or one it wrote"
#: Why a run does not replace a folder whose marker does not list what siting wrote, and the fix.
MARKER_RULE = "a run replaces a marked folder only while its marker lists the files siting wrote"
MARKER_FIX = "move out any file of yours and delete the folder"


#: The output folders put in place (or kept beside their destination) by this process since
#: `forget_completed`, in order: complete, and left as they are whatever happens next.
_completed: list[Path] = []


#: The notices of the folders of the tool's that this process could not remove (`left_behind`).
_left: dict[Path, str] = {}


#: The notes of the folders of another kind that this process replaced (`replaced_notes`).
_replaced: list[str] = []


def forget_completed() -> None:
    """Start the record of `completed_folders`, of `left_behind` and of `replaced_notes` again (a
    command does so when it starts)."""
    _completed.clear()
    _left.clear()
    _replaced.clear()


def replaced_notes() -> list[str]:
    """The notes, in order, of the output folders this process replaced since `forget_completed`
    that held outputs of another kind than the run's (`held_kind`: a comparison replaced by a
    plan, a plan with alternatives by a sweep), each naming the folder and what it held. A folder
    named for a run is replaced whole, whatever siting wrote there; the note says what went."""
    return list(_replaced)


def held_kind(folder: Path) -> tuple[str, str] | None:
    """What the output folder `folder` holds, by its marker's list, as (kind, words): a
    comparison or a sweep (with how many runs), a plan (with its alternatives and rule costs) or
    a diagnosis; None for a folder without a marker, or of none of these."""
    if not is_ours(folder):
        return None
    entries = marker_entries(folder)
    runs = sum(1 for entry in entries if entry.endswith("/") and "/" not in entry[:-1])
    held = f" of {runs} runs" if runs > 1 else " of 1 run" if runs else ""
    if "comparison.csv" in entries:
        return "comparison", f"a comparison{held}"
    if "sweep.csv" in entries:
        return "sweep", f"a sweep{held}"
    if "manifest.json" in entries:
        alternatives = len({entry.split("/", 1)[0] for entry in entries if re.match(r"alt\d+/", entry)})
        parts = [f"{alternatives} alternative{'s' if alternatives != 1 else ''}"] if alternatives else []
        parts += ["rule costs"] if "rule_costs.csv" in entries else []
        return "plan", "a plan" + (f" with {' and '.join(parts)}" if parts else "")
    if "conflicts.md" in entries:
        return "diagnosis", "a diagnosis of a scenario without a plan"
    return None


def left_behind() -> list[str]:
    """The notices, in order, of the folders of the tool's that this process could not remove
    since `forget_completed`: the folder a run replaced (`swap_into_place`), or one left beside an
    output folder by an earlier run (`remove_stale_temporaries`). Each names the folder, why it
    could not be removed and to remove it by hand; a folder is named once. The folder keeps its
    marker, so a later run into the same place tries again."""
    return list(_left.values())


def _removal_reason(exc: OSError) -> str:
    """Why a folder could not be removed, from the first error met: `<what the system said>:
    <the file or folder it said it of>`."""
    said = exc.strerror or type(exc).__name__
    return f"{said}: {shown_path(os.fsdecode(exc.filename))}" if exc.filename is not None else said


def _remove_tree(path: Path, errors: list[OSError]) -> None:
    """Remove the file, link or folder at `path` (a folder with all it holds, never following a
    link), noting in `errors` each error met, in the order met, and going on past it. A folder's
    marker goes last, and only once all else in the folder is gone (as `remove_written` does for
    the folder it is given): a run's folder inside a batch's, stopped or refused halfway, so stays
    known as the tool's."""
    try:
        kind = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        errors.append(exc)
        return
    if stat.S_ISDIR(kind):
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            errors.append(exc)
            return
        before = len(errors)
        for entry in entries:
            if entry.name != MARKER:
                _remove_tree(Path(entry.path), errors)
        if len(errors) > before:
            return
        _remove_tree(path / MARKER, errors)
        remove: Callable[[Path], None] = os.rmdir
    else:
        remove = os.unlink
    try:
        remove(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        errors.append(exc)


def remove_written(folder: Path) -> OSError | None:
    """Remove `folder`, a folder of the tool's (one a run replaced, or a staging folder), its
    marker last: where anything in it cannot be removed, the marker stays, so that the folder is
    still known as the tool's (a later run tries again) and is never taken for the user's. Returns
    the first error met, naming the file or folder it was met at, or None once the folder is gone."""
    errors: list[OSError] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc
    for entry in entries:
        if entry.name != MARKER:
            _remove_tree(Path(entry.path), errors)
    if not errors:
        _remove_tree(folder / MARKER, errors)
        _remove_tree(folder, errors)
    return errors[0] if errors else None


def _note_left(folder: Path, notice: str) -> None:
    """Note that the tool's `folder` could not be removed, with the notice that says so."""
    _left.setdefault(folder, notice)


def completed_folders() -> list[Path]:
    """The output folders this process completed since `forget_completed`: put in place by
    `swap_into_place` or kept beside their destination by `keep_beside`, each once, in order.
    A folder written inside a staging folder (a run of a batch) is not one: it is complete only
    once its batch's folder is, and is removed with the staging folder when the batch is not."""
    return list(_completed)


def _note_completed(folder: Path) -> None:
    """Note `folder` (resolved) as complete, unless it lies in a staging folder of a run."""
    if folder not in _completed and not any(ANY_TEMPORARY.fullmatch(part.name) for part in folder.parents):
        _completed.append(folder)


def temporary_prefix(destination: Path, kind: str) -> str:
    """The start of a staging (`kind` "staging") or replaced-folder ("old") name beside `destination`."""
    return f".{destination.name[:NAME_PART]}.siting-{kind}.{os.getpid()}."


def _temporary_pattern(destination: Path) -> re.Pattern[str]:
    """The names of the staging and replaced folders beside `destination`: the kind (STAGING, OLD)
    is group 1, the process id group 2."""
    return re.compile(rf"\.{re.escape(destination.name[:NAME_PART])}\.siting-({STAGING}|{OLD})\.(\d+)\.\w+")


def written_entries(folder: Path) -> list[str]:
    """The relative paths (POSIX, sorted) of the files under `folder` other than its marker; a
    subfolder holding its own marker is one entry `<name>/`, not descended into."""
    entries: list[str] = []

    def walk(current: Path, prefix: str) -> None:
        for entry in sorted(current.iterdir(), key=lambda e: e.name):
            relative = prefix + entry.name
            if entry.is_dir() and not entry.is_symlink():
                if is_ours(entry):
                    entries.append(relative + "/")
                else:
                    walk(entry, relative + "/")
            elif relative != MARKER:
                entries.append(relative)

    walk(folder, "")
    return sorted(entries)


def marked_sha256(path: Path) -> str:
    """The SHA-256 (hex) the marker records for the file at `path`: that of its bytes, read in
    blocks; for a manifest.json, that of its bytes without the text of its `run` member (the
    wall-clock timings, which differ from run to run), so that the marker is the same for the
    same inputs. A manifest.json that is not a JSON object with a `run` member counts whole.
    Raises OSError when the file cannot be read."""
    if path.name != MANIFEST:
        return file_sha256(path)
    raw = path.read_bytes()  # a manifest is a few kB
    try:
        run = json.loads(raw)["run"]
        member = RUN_MEMBER + json.dumps(run, ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n  ")
    except (ValueError, TypeError, KeyError, RecursionError):
        return hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(raw.replace(member.encode("utf-8"), b"", 1)).hexdigest()


def write_marker(folder: Path, entries: Iterable[str] = ()) -> None:
    """Mark `folder` as written by this tool, listing `entries` (relative POSIX paths, `<name>/`
    for a subfolder holding its own marker) as its files, sorted, each file after its SHA-256
    (`marked_sha256`). Call it once every listed file is final."""
    lines = []
    for entry in sorted(entries):
        path = folder / entry
        if entry.endswith("/") or path.is_symlink() or not path.is_file():
            lines.append(f"{entry}\n")
        else:
            lines.append(f"{marked_sha256(path)}  {entry}\n")
    (folder / MARKER).write_text(MARKER_TEXT + "".join(lines), encoding="utf-8", newline="\n")


def marker_lines(folder: Path) -> dict[str, str | None]:
    """The entries `folder`'s marker lists, each with the SHA-256 recorded for it: None for a
    subfolder `<name>/` and for a file listed by name alone (by a marker of an earlier version).
    Empty for a marker of header only, or unreadable."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    listed: dict[str, str | None] = {}
    for line in lines[1:]:
        hashed = HASHED_LINE.fullmatch(line)
        if hashed is not None:
            listed[hashed.group(2)] = hashed.group(1)
        elif line.strip():
            listed[line] = None
    return listed


def marker_entries(folder: Path) -> set[str]:
    """The entries `folder`'s marker lists (none for a marker of header only, or unreadable)."""
    return set(marker_lines(folder))


def foreign_files(folder: Path) -> list[str]:
    """The files and folders under a marked `folder` that its marker does not list (relative
    POSIX paths, with `/` after a folder, in the order of a walk of sorted names), looking into
    listed subfolders through their own markers. Empty for a folder holding only what the tool
    wrote."""
    return _unlisted(folder, False)


def _unlisted(folder: Path, staging: bool) -> list[str]:
    """What `foreign_files` and `not_written` find (their rules; `staging` for a staging folder's
    looser one), in the order of a walk of sorted names."""
    listed = marker_entries(folder)
    parents = set()  # the folders on the way to a listed entry
    for entry in listed:
        parts = entry.rstrip("/").split("/")
        parents.update("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
    found: list[str] = []

    def walk(current: Path, prefix: str) -> None:
        for entry in sorted(current.iterdir(), key=lambda e: e.name):
            relative = prefix + entry.name
            if entry.is_dir() and not entry.is_symlink():
                if (staging or relative + "/" in listed) and is_ours(entry):
                    found.extend(f"{relative}/{name}" for name in _unlisted(entry, staging))
                elif relative + "/" in parents or (staging and relative in listed):
                    walk(entry, relative + "/")
                else:
                    found.append(relative + "/")
            elif relative != MARKER and relative not in listed and not (staging and _writing_file(relative, listed)):
                found.append(relative)

    walk(folder, "")
    return found


def _marker_unreadable(folder: Path) -> bool:
    """True when a marked `folder`'s marker does not say which files siting wrote (its header is
    neither this version's nor the earlier one's: edited, or older still)."""
    try:
        header = (folder / MARKER).read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        header = ""
    return header not in (MARKER_TEXT.rstrip("\n"), EARLIER_MARKER_TEXT.rstrip("\n"))


def _shown_names(names: list[str]) -> str:
    """Up to SHOWN_FOREIGN of `names`, comma-separated, with a count of the rest; one past them is
    named, not counted ("f1.txt, ..., f6.txt", no longer than "f1.txt, ..., f5.txt and 1 more"), as
    siting/config/units.py `cut_at` rules for every list."""
    return cut_list(names, SHOWN_FOREIGN, ", ")


def held_by(folder: Path) -> str:
    """What an unmarked `folder` holds, which siting did not write, in words naming it truly:
    "files siting did not write: a.txt, b.txt", "folders ...: an empty old/", "files and
    folders ...: a.txt, old/", up to SHOWN_FOREIGN names (a folder's with `/`, an empty one's
    said empty) and a count of the rest; no bracket, as messages put the path given in one after
    it (`destination_problems`)."""
    entries = sorted(folder.iterdir(), key=lambda e: e.name)
    folders = [e.is_dir() and not e.is_symlink() for e in entries]
    kinds = "files and folders" if any(folders) and not all(folders) else "folders" if all(folders) else "files"
    names = [("an empty " if _surely_empty(e) else "") + e.name + "/" if is_folder else e.name
             for e, is_folder in zip(entries, folders, strict=True)]
    return f"{kinds} siting did not write: {_shown_names(names)}"


def _surely_empty(folder: Path) -> bool:
    """Whether `folder` is a folder known to be empty (one that cannot be read is not said so)."""
    try:
        return is_empty_folder(folder)
    except OSError:
        return False


def record_file_hashes(manifest_path: Path) -> None:
    """Add `file_sha256` to the run manifest at `manifest_path`: name -> SHA-256 (hex) of each
    file of its `files` list found in its folder, sorted by name; manifest.json itself and
    subfolders (an alternative's `altNN/`, with a manifest of its own) are left out. The member
    follows `files`. Call it once every other file of the folder is written. A file that is not
    a manifest with a `files` list is left as it is."""
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return
    folder = manifest_path.parent
    hashes = {name: file_sha256(folder / name) for name in sorted(set(data["files"]))
              if isinstance(name, str) and name != MANIFEST and (folder / name).is_file()}
    sealed: dict[str, object] = {}
    for key, value in data.items():
        if key != FILE_HASHES:
            sealed[key] = value
        if key == "files":
            sealed[FILE_HASHES] = hashes
    manifest_path.write_text(json_text(sealed), encoding="utf-8", newline="\n")


def _written_manifests(folder: Path, names: Iterable[str]) -> list[Path]:
    """The manifests among the `names` just written into `folder`: `folder`'s own, and those of
    the subfolders written (not those of subfolders holding their own marker, sealed when they
    were written)."""
    found = []
    for name in sorted(names):
        path = folder / name
        if name == MANIFEST and path.is_file():
            found.append(path)
        elif path.is_dir() and not path.is_symlink() and not is_ours(path):
            found.extend(sorted(p for p in path.rglob(MANIFEST) if p.is_file()))
    return found


def _changed_by_manifest(folder: Path, manifest_name: str) -> list[str]:
    """For a folder whose marker records no SHA-256 (written by an earlier version, which kept
    them in each manifest.json's `file_sha256` instead): the files (relative to `folder`) whose
    SHA-256 no longer matches the one the manifest `folder / manifest_name` records; the manifest
    itself when it cannot be read as one siting wrote. Empty for a manifest without
    `file_sha256` (older still: nothing was recorded, so nothing is checked)."""
    try:
        data = json.loads((folder / manifest_name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return [manifest_name]
    if not isinstance(data, dict) or FILE_HASHES not in data:
        return [] if isinstance(data, dict) else [manifest_name]
    hashes = data[FILE_HASHES]
    if not isinstance(hashes, dict) or not all(isinstance(v, str) for v in hashes.values()):
        return [manifest_name]
    base = (folder / manifest_name).parent
    prefix = manifest_name[:-len(MANIFEST)]
    changed = []
    for name, digest in sorted(hashes.items()):
        path = base / name
        if not (path.exists() or path.is_symlink()):
            continue  # moved out: nothing of the user's would be lost
        try:
            same = path.is_file() and file_sha256(path) == digest
        except OSError:
            same = False
        if not same:
            changed.append(prefix + name)
    return changed


def changed_files(folder: Path) -> list[str]:
    """The files under a marked `folder` that siting wrote and that were changed since (relative
    POSIX paths, sorted): those whose SHA-256 (`marked_sha256`) differs from the one its marker
    records, looking into listed subfolders through their own markers; a link in place of a
    listed file counts as changed, a missing file does not (nothing of the user's would be lost).
    Each file is read once. A marker of an earlier version records no SHA-256: then the
    `file_sha256` of the manifests it lists are checked (`_changed_by_manifest`), if they have it."""
    changed: list[str] = []
    for entry, digest in sorted(marker_lines(folder).items()):
        path = folder / entry
        if entry.endswith("/"):
            if is_ours(path):
                changed.extend(entry + name for name in changed_files(path))
            continue
        if digest is None:  # a marker of an earlier version: its manifests may record hashes
            if (entry == MANIFEST or entry.endswith("/" + MANIFEST)) and path.is_file():
                changed.extend(_changed_by_manifest(folder, entry))
            continue
        if not (path.exists() or path.is_symlink()):
            continue
        try:
            same = not path.is_symlink() and path.is_file() and marked_sha256(path) == digest
        except OSError:
            same = False
        if not same:
            changed.append(entry)
    return sorted(changed)


def _replace_refusal(folder: Path) -> tuple[str, str, str] | None:
    """Why a marked `folder` may not be replaced, as (what is wrong, what to move, the rule that
    forbids it): a marker that does not list what siting wrote; else files put into it since and
    files siting wrote that were changed since, both named in one message so that one move clears
    them; None when it may."""
    if _marker_unreadable(folder):
        return (f"has a {MARKER} marker, written by an earlier version or edited since, that does not list the files "
                "siting wrote", MARKER_FIX, MARKER_RULE)
    foreign, changed = foreign_files(folder), changed_files(folder)
    said = []
    if foreign:
        said.append(f"{_shown_names(foreign)}, which siting did not write")
    if len(changed) == 1:
        said.append(f"{changed[0]}, which was changed after siting wrote it")
    elif changed:
        said.append(f"{_shown_names(changed)}, which were changed after siting wrote them")
    if not said:
        return None
    what = ("was written by siting but now also holds " + said[0] + (f", and {said[1]}" if len(said) > 1 else "")
            if foreign else "holds " + said[0])
    if foreign:
        never = "a run never deletes a file it did not write" + (
            ", nor overwrites a file changed since siting wrote it" if changed else "")
        return what, "move those files out of the folder", never
    files = changed[0] if len(changed) == 1 else "those files"
    return what, f"move {files} elsewhere", "a run never overwrites a file changed since siting wrote it"


def _replace_problem(folder: Path) -> tuple[str, str] | None:
    """Why a marked `folder` may not be replaced, as (what is wrong, how to fix); None when it
    may (`_replace_refusal`). The fix ends with what the files of other programs among those put
    into it are (`left_by_programs`)."""
    refusal = _replace_refusal(folder)
    if refusal is None:
        return None
    what, move, rule = refusal
    if move == MARKER_FIX:
        return what, f"{move}, or choose another folder"
    return what, f"{move}, or choose another folder: {rule}{left_by_programs(folder)}"


#: The files SQLite keeps beside a database while a program has it open (write-ahead log, its
#: shared memory, a rollback journal): `plan.gpkg-wal` while QGIS shows plan.gpkg.
OPEN_DATABASE = ("-wal", "-shm", "-journal")
#: The backups QGIS saves beside a project it saves (`plan.qgs~`).
PROJECT_BACKUP = (".qgs~", ".qgz~")
#: The file macOS Finder saves in a folder it shows.
FINDER_FILE = ".DS_Store"


def programs_words(names: Iterable[str]) -> str:
    """What the files among `names` (relative POSIX paths that siting did not write) are that
    other programs leave in an output folder as they are used on it, each as "; <what it is: what
    to do>", in one text: SQLite's files beside a GeoPackage that QGIS or another program has
    open (OPEN_DATABASE), QGIS's backup of a project saved there (PROJECT_BACKUP), macOS Finder's
    file (FINDER_FILE). Empty when there are none. The files stay the user's: a run is refused all
    the same; the words say why they are there."""
    databases: dict[str, list[str]] = {}
    backups: list[str] = []
    finder: list[str] = []
    for name in sorted(names):
        base = name.rsplit("/", 1)[-1]
        suffix = next((s for s in OPEN_DATABASE if base.endswith(".gpkg" + s)), None)
        if suffix is not None:
            databases.setdefault(name[:-len(suffix)], []).append(name)
        elif base.endswith(PROJECT_BACKUP):
            backups.append(name)
        elif base == FINDER_FILE:
            finder.append(name)
    said = [f"{joined(files)} {'means' if len(files) == 1 else 'mean'} that QGIS (or another program) has "
            f"{database} open: close the project in QGIS (or that program), then run again"
            for database, files in databases.items()]
    said += [f"{name} is QGIS's backup of the project, made when you saved it in QGIS" for name in backups]
    if finder:
        said.append(f"{joined(finder)} {'is' if len(finder) == 1 else 'are'} macOS Finder's "
                    f"{'file' if len(finder) == 1 else 'files'} (how the folder is shown), safe to delete")
    return "".join(f"; {words}" for words in said)


def left_by_programs(folder: Path) -> str:
    """`programs_words` for the files in `folder` that siting did not write: those its marker does
    not list (`foreign_files`), or, for a folder without the marker, all it holds (its own
    entries). Empty when there are none, or `folder` cannot be read."""
    try:
        if is_ours(folder):
            return programs_words(foreign_files(folder))
        return programs_words(entry.name for entry in folder.iterdir())
    except OSError:
        return ""


def normal_mode() -> int:
    """The mode a new folder gets from mkdir: 0o777 less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def is_ours(folder: Path) -> bool:
    """True for a folder holding the marker file (not a link to one)."""
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def is_empty_folder(folder: Path) -> bool:
    return folder.is_dir() and next(folder.iterdir(), None) is None


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: The end of the name of a file the writers of a run's files make beside one of them while
#: writing it, and remove once it is written: SQLite's rollback journal (or write-ahead log and
#: its shared memory) beside a GeoPackage (`plan.gpkg-journal`).
WRITING_SUFFIXES = OPEN_DATABASE
#: The start of the name of the file written into a folder to learn whether the disk takes it
#: (siting/deliver/geopackage.py `write_probe`), removed at once.
PROBE_PREFIX = ".siting-probe."


def _writing_file(relative: str, listed: set[str]) -> bool:
    """Whether `relative` names a file that a writer of siting's makes while writing a listed
    file (WRITING_SUFFIXES after a listed name) or a folder's files (PROBE_PREFIX)."""
    return (relative.rsplit("/", 1)[-1].startswith(PROBE_PREFIX)
            or any(relative.endswith(suffix) and relative[:-len(suffix)] in listed for suffix in WRITING_SUFFIXES))


def not_written(folder: Path, staging: bool) -> list[str]:
    """The files and folders under `folder`, a marked staging (`staging`) or replaced folder left
    by a run that was stopped, that siting did not write there (relative POSIX paths, sorted, `/`
    after a folder): those its marker does not list (`foreign_files`), looking into listed
    subfolders through their own markers. In a staging folder, whose marker lists the files by
    name as they are about to be written (`record_pending`), siting's are also the files its
    writers make beside them while writing (`_writing_file`), a listed name that is a folder (an
    alternative's `altNN/`) as far as what it holds is listed, and any subfolder holding a marker
    of its own, listed or not, as far as that marker's own rule goes, recursively (the runs a
    batch writes into its staging folder, and the staging folder of one under way). Raises
    OSError where a folder cannot be read."""
    return sorted(_unlisted(folder, staging))


def _remove_all_but(folder: Path, kept: set[str], errors: list[OSError], prefix: str = "") -> None:
    """Remove what `folder` holds but the entries of `kept` (paths relative to the folder first
    given, `/` after a folder), the folders on the way to them and the markers of those folders,
    noting in `errors` each error met (`_remove_tree`)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        errors.append(exc)
        return
    for entry in entries:
        relative = prefix + entry.name
        if entry.name == MARKER or relative in kept or relative + "/" in kept:
            continue
        if any(name.startswith(relative + "/") for name in kept):
            _remove_all_but(Path(entry.path), kept, errors, relative + "/")
        else:
            _remove_tree(Path(entry.path), errors)


def remove_stale_temporaries(destination: Path) -> list[Path]:
    """Remove staging and replaced folders beside `destination` left by processes no longer
    alive: only folders whose name follows our pattern and that hold the marker (or are
    empty), each by `remove_written`, and only what siting wrote there (`not_written`). One that
    holds anything else (a file the user put there since; in a replaced folder, whose marker
    records the SHA-256 of its files, a file changed since siting wrote it: `changed_files`) keeps
    that, with the folders on the way to it and their markers, loses the rest and is left, noted
    (`left_behind`) with what it holds; so is one that cannot be removed, keeping its marker.
    Returns what was removed."""
    parent = destination.parent
    if not parent.is_dir():
        return []
    pattern = _temporary_pattern(destination)
    removed = []
    for entry in sorted(parent.iterdir()):
        match = pattern.fullmatch(entry.name)
        if (match is None or entry.is_symlink() or not entry.is_dir() or _process_alive(int(match.group(2)))
                or not (is_ours(entry) or is_empty_folder(entry))):
            continue
        staging = match.group(1) == STAGING
        try:
            foreign = not_written(entry, staging) if is_ours(entry) else []
            changed = [] if staging or not is_ours(entry) else changed_files(entry)
        except OSError as exc:
            failed: OSError | None = exc
        else:
            if foreign or changed:
                errors: list[OSError] = []
                _remove_all_but(entry, {*foreign, *changed}, errors)
                said = [f"files siting did not write ({_shown_names(foreign)})"] if foreign else []
                said += [f"files changed after siting wrote them ({_shown_names(changed)})"] if changed else []
                also = (f" (some of its own could not be removed either: {_removal_reason(errors[0])})"
                        if errors else "")
                _note_left(entry, f"{shown_path(entry)}, left beside {shown_path(destination)} by an earlier run that "
                                  f"was stopped, holds {' and '.join(said)}: siting removed only its own files from "
                                  f"it and left the folder{also}; move those files out and remove the folder")
                continue
            failed = remove_written(entry)
        if failed is None:
            removed.append(entry)
            continue
        _note_left(entry, f"{shown_path(entry)}, left beside {shown_path(destination)} by an earlier run, could not "
                          f"be removed ({_removal_reason(failed)}): it holds that run's outputs, or outputs it "
                          "replaced; remove that folder by hand (as its owner or an administrator if need be)")
    return removed


def input_files(loaded: LoadedScenario) -> list[Path]:
    """Every input file of a loaded scenario that is there (`present_inputs`): the scenario, its
    bases, the catalog, the committed projects, the plants files of its calibration
    (`LoadedScenario.calibration_paths`) and the layers (absolute, resolved)."""
    paths = scenario_files(loaded)
    layers = loaded.scenario.layers
    for role in type(layers).model_fields:
        ref = getattr(layers, role)
        if ref is not None:
            paths.append(loaded.resolve(ref.path))
    return present_inputs(paths)


def present_inputs(paths: Iterable[Path]) -> list[Path]:
    """`paths` resolved, without those that name nothing on disk (nor can be looked at: a name too
    long, say): an input that is not there is reported as missing by the checks of the input, and
    an output folder is not refused for holding it (`destination_problem`); nor those behind a link
    the system will not follow (`real_path`: /proc/1/cwd), which the checks of the input tell."""
    resolved = (Path(real_path(os.path.abspath(p))) for p in paths)
    return [path for path in resolved if os.path.exists(path)]


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _unreachable(destination: Path) -> tuple[str, str] | None:
    """Why the system cannot look at `destination`, or the writers open the files in it, as (what
    is wrong, how to fix), or None when they can: a tab or line break in its path
    (`unopenable_character`), a name too long (`too_long_words`), or a folder on its way that does
    not let the user in (`unsearchable_words`)."""
    character = unopenable_character(destination)
    if character is not None:
        return (f"has {character} in its path, which GDAL's GeoPackage driver (plan.gpkg) and many tools cannot open",
                "choose a name without tabs or line breaks")
    too_long = too_long_words(destination)
    if too_long is not None:
        return too_long, "choose a shorter name" if name_too_long(destination) is not None else "choose a shorter path"
    unsearchable = unsearchable_words(destination)
    if unsearchable is not None:
        return unsearchable, "check that folder's permissions, or choose a folder you can write to"
    return database_path_words(destination)


#: The longest path, in bytes, at which SQLite opens a database file: its unix file layer takes 512
#: bytes (MAX_PATHNAME), less the 8 it keeps for the suffix of the journal (`-journal`). SQLite
#: writes plan.gpkg's styles (siting/deliver/geopackage.py `add_styles`) and reads them again.
SQLITE_PATH_MAX = 504
#: The deepest GeoPackage a run writes below the folder it assembles its outputs in: an alternative's.
DEEPEST_DATABASE = "alt01/plan.gpkg"
#: The most digits of a process id (Linux allows at most 2**22, 4194304), and the characters of
#: the random end of a staging folder's name (`tempfile.mkdtemp`).
PID_DIGITS = 7
RANDOM_CHARACTERS = 8


def database_path_words(destination: Path, below: str = DEEPEST_DATABASE) -> tuple[str, str] | None:
    """Why a run cannot write its GeoPackage for the output folder `destination`, as (what is
    wrong, how to fix), or None when it can: the path of `below` (relative, POSIX) in the staging
    folder the run assembles its outputs in would be longer than SQLITE_PATH_MAX bytes. That folder
    lies beside `destination`, in its parent with links resolved (`staging_folder`); its name is
    counted with the longest process id. Looks at nothing on disk but the links on the way."""
    try:
        target = Path(os.path.realpath(destination))
    except OSError:  # a relative path, and the current folder is gone: the look at it says so
        return None
    staging = f".{target.name[:NAME_PART]}.siting-{STAGING}.{'0' * PID_DIGITS}.{'x' * RANDOM_CHARACTERS}"
    longest = len(os.fsencode(target.parent / staging / below))
    if longest <= SQLITE_PATH_MAX:
        return None
    parent = len(os.fsencode(target.parent))
    return (f"lies in a folder whose path is too long for the GeoPackage a run writes: the run assembles its "
            f"outputs beside the output folder, in .<name>.siting-{STAGING}.<process>.<random>, where {below} takes "
            f"up to {longest} bytes, and SQLite, which writes it, opens a file only at a path of at most "
            f"{SQLITE_PATH_MAX} bytes",
            f"choose an output folder in a folder whose absolute path has at most "
            f"{parent - (longest - SQLITE_PATH_MAX)} bytes (that of {shown_path(target.parent)} has {parent})")


#: The characters a folder's path may not hold, in words: GDAL's GeoPackage driver cannot open a
#: file whose path holds one (plan.gpkg: "sqlite3_open(...) failed"), nor can many tools that
#: read a path from a line of text. The other control characters (U+0001-U+001F, U+007F) pass
#: through every writer of a run; a NUL names no file and is refused where the path is given.
UNOPENABLE_CHARACTERS = {"\t": ("a tab", "\\t"), "\n": ("a line break", "\\n"), "\r": ("a carriage return", "\\r")}


def escaped(text: str) -> str:
    """`text` with each of UNOPENABLE_CHARACTERS written as its escape (a line break as `\\n`), so
    that a message naming a path that holds one stays on one line and shows where it is."""
    return text.translate({ord(c): escape for c, (_words, escape) in UNOPENABLE_CHARACTERS.items()})


def unopenable_character(destination: Path) -> str | None:
    """The first of UNOPENABLE_CHARACTERS in the absolute path of `destination` (the folder's own
    name or a folder above it, the current folder's included for a relative path), in words
    ("a line break (\\n)"), or None when it holds none. Looks at nothing on disk."""
    try:
        absolute = os.path.abspath(destination)
    except OSError:  # a relative path, and the current folder is gone: the path as given
        absolute = os.fspath(destination)
    found = next((c for c in absolute if c in UNOPENABLE_CHARACTERS), None)
    if found is None:
        return None
    words, escape = UNOPENABLE_CHARACTERS[found]
    return f"{words} ({escape})"


#: The tables a batch folder (`compare`, `sweep`: siting/runs/batch.py) writes beside its runs'
#: folders, which describe the runs' plans, by the kind of batch, with its name in words.
BATCH_TABLES = {"comparison.csv": ("comparison", "comparison.csv, comparison.md, diff.geojson and compare.qgs"),
                "sweep.csv": ("sweep", "sweep.csv, sweep.md, sweep.png, diff.geojson and compare.qgs")}


def batch_run_problem(destination: Path) -> tuple[str, str] | None:
    """Why `destination` (resolved) may not be written because it is the folder of a run of a
    batch (`compare`, `sweep`), as (what is wrong, how to fix), or None when it is not one: its
    parent is a folder siting wrote (`is_ours`) whose marker lists it as a subfolder with a marker
    of its own (`<name>/`). Replacing it alone would leave the batch's tables (BATCH_TABLES) and
    maps describing a plan no longer there; the batch folder as a whole may be replaced."""
    parent = destination.parent
    if parent == destination or not is_ours(parent):
        return None
    listed = marker_entries(parent)
    if destination.name + "/" not in listed:
        return None
    kind, tables = next(((kind, tables) for name, (kind, tables) in BATCH_TABLES.items() if name in listed),
                        ("batch", "the batch's tables"))
    return (f"is run {destination.name} of the {kind} in {shown_path(parent)}; replacing it would leave {tables} "
            "describing another plan",
            f"choose another folder, or run the {kind} again")


#: The name of a near-optimal alternative's folder in its run's folder (`solve --alternatives`).
ALTERNATIVE_FOLDER = re.compile(r"alt\d{2}")


def run_subfolder_problem(destination: Path) -> tuple[str, str] | None:
    """Why `destination` (resolved) may not be written because it is a subfolder a run wrote, as
    (what is wrong, how to fix), or None when it is not one: its parent is a folder siting wrote
    (`is_ours`) whose marker lists files under it (`<name>/<file>`), as a solve lists those of an
    alternative's `altNN/`, which holds no marker of its own. Replacing it alone would leave the
    run's tables and its marker describing another plan; whether it is there or not, it is the
    run's, and the run's folder as a whole may be replaced."""
    parent = destination.parent
    if parent == destination or not is_ours(parent):
        return None
    prefix = destination.name + "/"
    if not any(entry.startswith(prefix) and entry != prefix for entry in marker_entries(parent)):
        return None
    if ALTERNATIVE_FOLDER.fullmatch(destination.name):
        return (f"is alternative {destination.name} of the run in {shown_path(parent)}; replacing it alone would "
                f"leave that run's alternatives.csv, robustness.csv and report, and its {MARKER} marker, describing "
                "another plan",
                f"solve the scenario of {shown_path(parent)} again with --alternatives (into that folder), or choose "
                "another folder")
    return (f"is the folder {destination.name} of the run in {shown_path(parent)}, whose {MARKER} marker lists its "
            "files; replacing it alone would leave that run describing another plan",
            f"solve the scenario of {shown_path(parent)} again (into that folder), or choose another folder")


#: The name of a staging folder, where a run assembles its outputs and a batch (`compare`, `sweep`)
#: writes its runs: marked from the start, it is no earlier run's folder.
STAGING_NAME = re.compile(rf"\..*\.siting-{STAGING}\.\d+\.\w+")


#: A staging folder's name, with the start of the name of the folder it is assembled for.
STAGING_PARTS = re.compile(rf"\.(.*)\.siting-{STAGING}\.\d+\.\w+")


def staging_problem(destination: Path) -> tuple[str, str] | None:
    """Why `destination`, an output folder as its user gave it, may not be written because it is a
    staging folder (STAGING_NAME: the hidden folder beside an output folder where a run assembles
    its outputs, and a comparison or a sweep writes its runs, until they are moved into place) or
    lies inside one, as (what is wrong, how to fix), or None when it does not: what a run writes
    there would be moved into that output folder with the rest, or removed with the staging
    folder. Not a part of `destination_problem`, as a batch's own runs are written into its
    staging folder (siting/runs/batch.py `in_staging`). Looks at the names of the folders on the
    path (links resolved where they can be), nothing more."""
    try:
        target = destination.resolve()
    except (OSError, RuntimeError):  # a loop of links, a folder that cannot be looked into
        target = Path(os.path.abspath(destination))
    staging = next((folder for folder in (target, *target.parents) if STAGING_NAME.fullmatch(folder.name)), None)
    if staging is None:
        return None
    parts = STAGING_PARTS.fullmatch(staging.name)
    name = parts.group(1) if parts else ""
    into = (shown_path(staging.parent / name) if name and len(name) < NAME_PART
            else f"their folder in {shown_path(staging.parent)}")  # a long name is cut in the staging folder's
    shown = shown_path(staging)
    return (f"{'is' if staging == target else 'lies inside'} {shown}, the hidden folder where a run, comparison or "
            f"sweep assembles its outputs before moving them to {into}",
            f"choose a folder outside {shown}")


def staging_problems(destination: Path, where: str) -> list[str]:
    """The problem of `staging_problem` as a message's line, `<where> | the output folder <what>
    (got <path>); <fix>`, as `destination_problems` gives it, in a list; empty when there is
    none. `where` names the setting the folder came from, e.g. `--out`."""
    problem = staging_problem(destination)
    if problem is None:
        return []
    what, fix = problem
    return [f"{where} | the output folder {what} (got {escaped(shown_path(destination))}); {fix}"]


def _marked(folder: Path) -> bool:
    """`is_ours`, False where the system does not let the marker be looked at."""
    try:
        return is_ours(folder)
    except OSError:
        return False


def enclosing_run(target: Path) -> Path | None:
    """The outermost folder above `target` (resolved) that holds the marker (`is_ours`), up to the
    file system's root, or None when there is none; a staging folder (STAGING_NAME) does not count.
    Looks at one marker's status in each folder above, nothing more."""
    marked = [folder for folder in target.parents if not STAGING_NAME.fullmatch(folder.name) and _marked(folder)]
    return marked[-1] if marked else None


def nested_problem(target: Path) -> tuple[str, str] | None:
    """Why `target` (resolved) may not be written because it lies inside a folder siting wrote
    (`enclosing_run`, the outermost), as (what is wrong, how to fix), or None when it does not: the
    outputs would be files that folder's marker does not list, and a later run into it would be
    refused for them. A folder beside a marked folder is not inside it."""
    run = enclosing_run(target)
    if run is None:
        return None
    shown = shown_path(run)
    return (f"lies inside {shown}, a folder siting wrote (it holds a {MARKER} marker); a later run into {shown} "
            "would find files there that it did not write, and be refused",
            f"choose a folder outside {shown}")


@dataclass(frozen=True)
class ScenarioFolder:
    """A run whose output folder is its scenario's `output.folder` (written in the scenario file,
    a base it extends), not one named for the run (`--out`, `out=`, an override of
    `output.folder`, a variant's own `output.folder`): a variant, or a file that extends a
    scenario, takes the base's folder unless it sets one, so that folder may hold the outputs of
    another scenario file or variant, which such a run does not replace (`another_run_problem`).
    `name` and `variant` are this run's, as its manifest records them (the scenario's name after
    the variant and the overrides, the variant as given, None for the base scenario);
    `own_folder` where this run would set a folder of its own, in words ("output.folder under
    variants.wide_buffer in scenario.yaml"); `out_name` what names a folder for the run (`--out`,
    `out`, `folder`); `file_name` the scenario file's name, as manifest.json records it
    (`inputs.scenario`); `scenario` the scenario file's path, which tells two files of the same
    name apart (`scenario_from_folder`), None where not known."""

    name: str
    variant: str | None
    own_folder: str
    out_name: str
    file_name: str = ""
    scenario: Path | None = None


def scenario_folder(loaded: LoadedScenario, variant: str | None, out_name: str) -> ScenarioFolder | None:
    """The `ScenarioFolder` of a run of `loaded` (with `variant`, None for the base scenario) whose
    output folder is its `output.folder`, for `check_destination`; None when an override wrote
    `output.folder` (`--set output.folder=...`), or the variant run did: that folder is named for
    this run, as `--out` names one. `out_name` is what names a folder for the run instead (`--out`, `out`)."""
    locator = loaded.locator
    if locator is not None:
        origin = locator.origin(("output", "folder"))
        if origin.command_line or (variant is not None and origin.prefix[-2:] == ("variants", variant)):
            return None  # named for this run: by an override, or by the variant itself
    own = f"output.folder in {shown_path(loaded.scenario_path)}"
    if variant is not None:
        defined = [origin for origin, _data in (locator.layers if locator is not None else [])
                   if origin.prefix[-2:] == ("variants", variant)]
        place = defined[-1].path if defined else loaded.scenario_path
        own = f"output.folder under {'.'.join(('variants', variant))} in {shown_path(place)}"
    return ScenarioFolder(loaded.scenario.name, variant, own, out_name, loaded.scenario_path.name,
                          loaded.scenario_path)


#: The member of a manifest's `run` that records the scenario file's path from the output folder.
SCENARIO_FROM_FOLDER = "scenario_from_folder"


def scenario_from_folder(scenario: Path, folder: Path) -> str | None:
    """The path of the scenario file `scenario` from the output folder `folder` (both resolved
    first), POSIX, as a plan's manifest.json records it under `run` (`scenario_from_folder`,
    e.g. "../scA/scenario.yaml"): it tells apart two scenario files of the same name whose
    `output.folder` is the same folder (`another_run_problem`). None where there is no such path
    (another drive) or it cannot be written as UTF-8 text."""
    try:
        relative = Path(os.path.relpath(Path(scenario).resolve(), Path(folder).resolve())).as_posix()
        relative.encode("utf-8")
    except (OSError, ValueError):  # UnicodeEncodeError among them
        return None
    return relative


@dataclass(frozen=True)
class RecordedRun:
    """Whose outputs a folder holds, as its manifest.json records them: the scenario's `name`, the
    `variant` (None for the base scenario), the scenario file's `file_name` (`inputs.scenario`)
    and its path from the folder (`run.scenario_from_folder`), each None where it does not say."""

    name: str
    variant: str | None
    file_name: str | None
    from_folder: str | None


def recorded_run(folder: Path) -> RecordedRun | None:
    """Whose outputs `folder` holds, as its manifest.json records them (`RecordedRun`); None when
    it has no manifest that says (none, as a diagnosis or a comparison's folder, unreadable, or of
    another shape)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("scenario"), str):
        return None
    variant = data.get("variant")
    inputs = data.get("inputs")
    file_name = inputs.get("scenario") if isinstance(inputs, dict) else None
    run = data.get("run")
    from_folder = run.get(SCENARIO_FROM_FOLDER) if isinstance(run, dict) else None
    return RecordedRun(data["scenario"], variant if isinstance(variant, str) else None,
                       file_name if isinstance(file_name, str) else None,
                       from_folder if isinstance(from_folder, str) and from_folder else None)


def recorded_file(target: Path, recorded: RecordedRun) -> Path | None:
    """The scenario file whose outputs the folder `target` holds, where its manifest records its
    path (`scenario_from_folder`) and a file is there now; None otherwise (an earlier version's
    manifest, or the file moved or removed since)."""
    if recorded.from_folder is None:
        return None
    path = target / recorded.from_folder
    try:
        return path if path.is_file() else None
    except (OSError, ValueError):
        return None


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def _run_words(name: str, variant: str | None) -> str:
    return f'scenario "{name}"' + (f', variant "{variant}"' if variant is not None else " without a variant")


def _named_for(out_name: str, value: str | None = None) -> str:
    """`out_name` as its user writes it, with `value`: `--out out`, `out='out'`; without a value,
    `--out`, `out=`."""
    if out_name.startswith("-"):  # as a shell reads it: a folder with a space quoted
        return out_name if value is None else f"{out_name} {shlex.quote(value)}"
    return f"{out_name}=" if value is None else f"{out_name}={value!r}"


def another_run_problem(destination: Path, target: Path, run: ScenarioFolder) -> tuple[str, str] | None:
    """Why the run `run`, whose folder is its scenario's output.folder, may not replace the marked
    folder `target` (`destination` resolved), as (what is wrong, how to fix): it holds the outputs
    of another scenario file or variant (`recorded_run`), which a run replaces only where they are
    named for it (`--out`). None when it holds this run's own (the same scenario file and variant,
    whatever the scenario's `name` and the overrides: a re-run replaces them), or says nothing of
    whose they are. The same file is the one the manifest records by its path from the folder
    (`scenario_from_folder`) where that file is there now, so that two files of the same name in
    different folders are told apart; else the one of the same name (`inputs.scenario`: a
    manifest of an earlier version, or a file moved since); by the scenario's `name` where the
    manifest gives no file. The message names the files by their name where the names differ, by
    their path where only the paths do."""
    recorded = recorded_run(target)
    if recorded is None:
        return None
    name, variant, file_name = recorded.name, recorded.variant, recorded.file_name
    earlier = recorded_file(target, recorded) if run.scenario is not None else None
    if earlier is not None and run.scenario is not None:
        same = _same_file(earlier, run.scenario)
    elif file_name is not None and run.file_name:
        same = file_name == run.file_name
    else:
        same = name == run.name
    if same and variant == run.variant:
        return None
    ours = theirs = ""
    if file_name is not None and run.file_name and file_name != run.file_name:
        theirs, ours = f" of {file_name}", f" of {run.file_name}"
    elif not same and earlier is not None and run.scenario is not None:
        theirs, ours = f" of {shown_path(earlier.resolve())}", f" of {shown_path(run.scenario)}"
    shown = escaped(shown_path(destination))
    return (f"holds the outputs of another run, {_run_words(name, variant)}{escaped(theirs)}, "
            f"while this run is {_run_words(run.name, run.variant)}{escaped(ours)}",
            f"a run replaces the outputs of another scenario or variant only where {_named_for(run.out_name)} names "
            f"their folder: give this run a folder of its own, with {_named_for(run.out_name)} or with "
            f"{run.own_folder}, or give {_named_for(run.out_name, shown)} to replace them")


def destination_problem(destination: Path, inputs: Iterable[Path], run: ScenarioFolder | None = None
                        ) -> tuple[str, str] | None:
    """What is wrong with writing a run's outputs to `destination`, as (what is wrong, how to
    fix), or None when the folder may be written. A folder from a home folder (`~user/x`, as
    typed: `home_named`) whose user the system does not know, or whose home folder does not
    exist, is refused (`home_problem`): the run would make a folder named "~user" in the current
    folder, or someone's home folder. Missing folders above `destination` are made by the run
    (`staging_folder`); where they cannot be (the nearest existing folder above allows no new
    folder), the destination is refused. With `run`, the folder is the run's scenario's
    output.folder, not one named for it: a folder siting wrote that holds the outputs of another
    scenario or variant is refused (`another_run_problem`), before what else it holds is looked at."""
    home = home_problem(home_named(destination))
    if home is not None:
        return home
    unreachable = _unreachable(destination)  # before any other look at the path, which it would make fail
    if unreachable is not None:
        return unreachable
    if broken_link(destination) is not None:
        return broken_link_words(destination), "give the path of a folder, or point the link to one"
    link = broken_link_above(destination)
    if link is not None:  # the run would make the folder the link points to, and the folders on its way
        return (f"cannot be created: {shown_path(link)} {broken_link_words(link)}",
                "point the link to a folder, or choose another folder")
    target = destination.resolve()
    kind = _kind_problem(destination, target)
    if kind is not None:
        return kind
    for source in sorted(set(inputs)):
        if _within(source.parent, target):
            return (f"holds {_held_name(destination, target, source)}, an input of this run",
                    "choose a folder outside the folders that hold the scenario, its bases, the catalog and the layers")
        if source.is_dir() and _within(target, source):
            return (f"lies inside {shown_path(source)}, an input of this run",
                    "choose a folder outside the inputs of the run")
    if target.is_dir():
        if not (is_empty_folder(target) or is_ours(target)):
            return (f"is a folder without a {MARKER} marker, holding {held_by(target)}",
                    f"choose another folder, or empty this one: {UNMARKED_RULE}{left_by_programs(target)}")
        if is_ours(target):
            refused = (another_run_problem(destination, target, run) if run is not None else None
                       ) or _replace_problem(target)
            if refused is not None:
                return refused
        return _write_problem(target, target.parent)
    existing = target.parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return f"cannot be created: {shown_path(existing)} is a file", "choose another folder"
    return _write_problem(target, existing)


def _held_name(destination: Path, target: Path, source: Path) -> str:
    """`source`, a file inside the output folder `destination` (`target` resolved), as a refusal
    of that folder names it: the folder as the message names it (`shown_path`, its "got") joined
    with the file's path inside it, so that the name reads from the folder named beside it and is
    a path from the current folder too: "../small/catalog.yaml" for `--out ..` from small/,
    "/tmp/w/small/catalog.yaml" for `--out /tmp` from /tmp/w, not "small/catalog.yaml" (relative
    to the current folder only), which reads as /tmp/small/catalog.yaml beside "(got /tmp)"."""
    for inside in (source, source.resolve()):
        try:
            relative = inside.relative_to(target)
        except ValueError:  # not under the folder as written: through a symbolic link, perhaps
            continue
        return os.path.normpath(os.path.join(shown_path(destination), relative))
    return shown_path(source)


def _kind_problem(destination: Path, target: Path) -> tuple[str, str] | None:
    """What makes `destination` (`target` resolved) no place for a run's outputs whatever it
    holds, as (what is wrong, how to fix), or None: the folder of a run of a batch
    (`batch_run_problem`), a subfolder of a run (`run_subfolder_problem`: an alternative's
    `altNN/`), any other folder inside a folder siting wrote (`nested_problem`), an existing
    file, or a mount point."""
    batch_run = batch_run_problem(target)
    if batch_run is not None:
        return batch_run
    subfolder = run_subfolder_problem(target)
    if subfolder is not None:
        return subfolder
    nested = nested_problem(target)
    if nested is not None:
        return nested
    if target.exists() and not target.is_dir():
        return ("is an existing file, not a folder",
                "give the path of a new folder, an empty one, or an earlier output folder")
    if target.is_dir() and is_mount_point(target):
        return ("is a mount point (a mounted volume or share), which a run cannot replace as a whole: it writes "
                "its outputs beside the folder and renames them into place",
                f"give a folder inside it, e.g. {shown_path(destination / 'plan')}")
    return None


#: Linux's table of this process's mounts, one per line, the mount point the fifth field
#: (proc(5), /proc/[pid]/mountinfo): it names a bind mount of a folder onto one on the same disk
#: too, which `os.path.ismount` (a device or inode differing from the parent's) cannot tell.
MOUNTINFO = Path("/proc/self/mountinfo")


def mount_points(text: str) -> set[str]:
    """The mount points of `text`, a mountinfo table (MOUNTINFO's format), as absolute paths with
    the table's octal escapes decoded (`\\040` a space, `\\011` a tab, `\\012` a line break,
    `\\134` a backslash); lines of fewer than five fields are skipped."""
    found = set()
    for line in text.splitlines():
        fields = line.split(" ")
        if len(fields) >= 5:
            raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), os.fsencode(fields[4]))
            found.add(os.fsdecode(raw))
    return found


def is_mount_point(folder: Path) -> bool:
    """Whether `folder` (an existing folder, resolved) is a mount point: `os.path.ismount`, or
    named as one in MOUNTINFO where the system has it (a folder bind-mounted on the same disk,
    a container's volume). A mount point cannot be renamed or removed, so a run cannot replace
    it as a whole."""
    if os.path.ismount(folder):
        return True
    try:
        text = MOUNTINFO.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return False
    return str(folder) in mount_points(text)


@contextlib.contextmanager
def times_kept(folder: Path) -> Iterator[None]:
    """Give `folder` back its access and modification times once the block has run, so that a
    folder made and removed in it (`_write_problem`'s test) leaves no trace that `ls -l`, a
    backup or a build tool would read as a change. Best effort: where the times cannot be read
    or set (a folder of another user's), they are left as the block left them; the status change
    time (ctime) cannot be set back by anyone."""
    try:
        before = os.stat(folder)
    except OSError:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))


def _write_problem(target: Path, existing: Path) -> tuple[str, str] | None:
    """Whether folders can be made in `existing`, the nearest existing folder above `target`, by
    making (and removing) a staging folder there, its times kept (`times_kept`): beside the
    destination, where the staging folder goes, or, where folders above it are missing, in the
    folder the run makes the first of them in. A folder on a read-only file system is said to be
    so (`read_only`), as the system says it, rather than wanting permission."""
    verb = "replaced" if target.exists() else "created"
    if not os.access(existing, os.W_OK | os.X_OK):
        if read_only(existing):
            return _read_only_problem(verb, existing)
        return (f"cannot be written: no write permission in {shown_path(existing)}",
                "choose a folder you can write to")
    if target.exists() and not sticky_allows(target):
        return (f"cannot be replaced: it belongs to another user, and {shown_path(existing)} lets only the owner "
                "of a folder rename or remove it (its sticky bit is set, as on /tmp), while a run puts its outputs "
                "in place by renaming", "choose a folder of your own")
    try:
        with times_kept(existing):
            os.rmdir(tempfile.mkdtemp(prefix=temporary_prefix(target, STAGING), dir=existing))
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return (f"cannot be {verb}: no space is left in {shown_path(existing)}",
                    "free some space, or choose a folder on another disk")
        if exc.errno == errno.EROFS:
            return _read_only_problem(verb, existing)
        return (f'cannot be {verb}: {shown_path(existing)} does not allow new folders, the system says '
                f'"{exc.strerror or exc}"', "choose a folder you can write to")
    return None


def sticky_allows(target: Path) -> bool:
    """Whether this process may rename or remove `target` as far as its parent's sticky bit goes:
    in a folder with the bit set (/tmp), only the owner of an entry or of the folder (or root)
    may. True where the bit is not set, or the system does not say."""
    try:
        parent = os.stat(target.parent)
        owner = os.lstat(target).st_uid
    except OSError:
        return True
    uid = os.geteuid()
    return not parent.st_mode & stat.S_ISVTX or uid in (0, owner, parent.st_uid)


def read_only(folder: Path) -> bool:
    """Whether `folder` lies on a file system mounted read-only (statvfs's ST_RDONLY flag); False
    where the system does not say."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _read_only_problem(verb: str, existing: Path) -> tuple[str, str]:
    """(what is wrong, how to fix) for a destination whose nearest existing folder `existing` is
    on a read-only file system (EROFS)."""
    return f"cannot be {verb}: {shown_path(existing)} is on a read-only file system", DISK_ERRORS[errno.EROFS][1]


def destination_problems(destination: Path, inputs: Iterable[Path], where: str,
                         run: ScenarioFolder | None = None) -> list[str]:
    """The problem of writing a run's outputs to `destination` (`destination_problem`) as a
    message's line, `<where> | the output folder <what> (got <path>); <fix>`, in a list; an empty
    list when the folder may be written. `where` names the setting the folder came from, e.g.
    `--out`; `run`, given when that is the run's scenario's output.folder (`scenario_folder`),
    refuses a folder holding another scenario's or variant's outputs. Changes nothing on disk."""
    problem = destination_problem(destination, inputs, run)
    if problem is None:
        return []
    what, fix = problem
    return [f"{where} | the output folder {what} (got {escaped(shown_path(destination))}); {fix}"]


def check_destination(destination: Path, inputs: Iterable[Path], where: str,
                      run: ScenarioFolder | None = None) -> Path:
    """Raise OutputFolderError when a run may not write to `destination` (see the module's rule);
    otherwise remove temporaries left there by killed runs and return the resolved path.
    `where` names the setting the folder came from, e.g. `--out`; `run`, given when that is the
    run's scenario's output.folder, not a folder named for the run (`scenario_folder`), refuses a
    folder holding another scenario's or variant's outputs (`another_run_problem`)."""
    problems = destination_problems(destination, inputs, where, run)
    if problems:
        raise OutputFolderError(problems)
    target = destination.resolve()
    remove_stale_temporaries(target)
    return target


def what_a_run_does(target: Path) -> str:
    """What a run does with its output folder `target` (resolved), one `check_destination` let
    through, in words that follow the folder's name, as `siting check` says it: "does not exist:
    solve will create it" (and the folders above it that are missing), "is empty: solve will write
    its outputs into it", or "holds the outputs of an earlier run (its .siting-run marker): solve
    will replace them with its own", naming what the earlier run wrote where its marker says
    (`held_kind`: "holds a comparison of 3 runs (its .siting-run marker): solve will replace it
    whole with its own outputs") (the module's rule: only a new folder, an empty one or one a run
    wrote gets past the check)."""
    if is_ours(target):
        held = held_kind(target)
        if held is not None:
            return f"holds {held[1]} (its {MARKER} marker): solve will replace it whole with its own outputs"
        return f"holds the outputs of an earlier run (its {MARKER} marker): solve will replace them with its own"
    if target.is_dir():
        return "is empty: solve will write its outputs into it"
    missing = 0
    above = target.parent
    while not above.exists():
        missing, above = missing + 1, above.parent
    more = "" if not missing else (", and the missing folder above it" if missing == 1
                                   else f", and the {missing} missing folders above it")
    return f"does not exist: solve will create it{more}"


def staging_folder(destination: Path, create_parent: bool = True) -> Path:
    """A new folder beside `destination`, on the same file system (so a rename works), holding
    only the marker. With `create_parent` false the parent folder must exist already."""
    destination = destination.resolve()
    if create_parent:
        destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=temporary_prefix(destination, STAGING), dir=destination.parent))
    try:
        write_marker(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _blocked_signals() -> set[signal.Signals]:
    return {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Interrupt signals (Ctrl-C, SIGTERM) wait until the block is done, so that renames that
    belong together are done together. They are blocked in this thread, and in the main thread
    their handlers are replaced for the block by one that notes them, each sent again once the
    block is done and the handlers are back: the system hands a signal to any thread that does
    not block it (a solver's or a library's thread), and Python then runs the handler in the main
    thread wherever it is, so blocking alone holds nothing in a process with other threads. A
    handler set outside Python is left in place."""
    mask = getattr(signal, "pthread_sigmask", None)
    previous = mask(signal.SIG_BLOCK, _blocked_signals()) if mask else None
    noted: list[int] = []

    def note(signum: int, _frame: object) -> None:
        noted.append(signum)

    handlers: dict[signal.Signals, Any] = {}
    try:
        if threading.current_thread() is threading.main_thread():
            for signum in _blocked_signals():
                if signal.getsignal(signum) is not None:
                    handlers[signum] = signal.signal(signum, note)
        yield
    finally:
        if mask is not None and previous is not None:
            mask(signal.SIG_SETMASK, previous)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)


def kept_name(name: str, number: int, limit: int = 255) -> str:
    """The name of the `number`th folder (from 1) tried for keeping a run's outputs beside the
    output folder `name`: `<name>.new`, then `<name>.new-2`, `<name>.new-3`, ...; `name` is cut
    short (by whole characters) so that the whole stays within `limit` bytes."""
    suffix = KEPT_SUFFIX + ("" if number == 1 else f"-{number}")
    room = limit - len(suffix.encode("ascii"))
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return name + suffix


def keep_beside(staging: Path, destination: Path) -> Path:
    """Move the complete `staging` folder (its marker written, its permissions the usual ones)
    to a new folder beside `destination`: the first of `kept_name`'s names that nothing has (no
    file, folder or link, and not a name that temporaries of a run take). It replaces nothing:
    the name is claimed by making an empty folder, which the rename then takes the place of.
    Returns the folder. Raises OSError when none could be made (FileExistsError after KEPT_TRIES
    names taken)."""
    limit = name_max(destination.parent)
    for number in range(1, KEPT_TRIES + 1):
        kept = destination.parent / kept_name(destination.name, number, limit)
        if ANY_TEMPORARY.fullmatch(kept.name):
            continue  # remove_stale_temporaries might take it for a temporary of a run into another folder
        with _signals_held():
            try:
                kept.mkdir()
            except FileExistsError:
                continue
            try:
                staging.rename(kept)
            except OSError as exc:  # something was put into the folder just made: leave it, try the next name
                with contextlib.suppress(OSError):
                    kept.rmdir()
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                continue
            _note_completed(kept)  # before a signal held meanwhile is raised
        return kept
    raise FileExistsError(errno.EEXIST, f"{KEPT_TRIES} names beside it are taken",
                          str(destination.parent / kept_name(destination.name, KEPT_TRIES, limit)))


def changed_during_run(destination: Path) -> tuple[str, str, str] | None:
    """Why an existing `destination` (resolved), checked before the run, may not be replaced
    now, as (what it is now, what to move, the rule), or None when it may: absent, an empty
    folder, or a folder this tool wrote holding nothing else, unchanged (`_replace_refusal`)."""
    if not destination.exists() or is_empty_folder(destination):
        return None
    if not destination.is_dir():
        return "is a file, not a folder", "move the file elsewhere", UNMARKED_RULE
    if not is_ours(destination):
        return (f"has no {MARKER} marker and holds {held_by(destination)}",
                "empty the folder", UNMARKED_RULE)
    return _replace_refusal(destination)


def swap_into_place(staging: Path, destination: Path, where: str = "--out") -> None:
    """Replace `destination` by the complete `staging` folder, if `destination` is absent, an
    empty folder, or a folder this tool wrote holding nothing else, unchanged (checked again here:
    it may have changed while the run was solving). The staging folder's marker is written listing
    its files with their SHA-256, and the folder given the usual permissions. Interrupt signals
    wait until both renames are done.

    When `destination` changed during the run so that it may not be replaced, it is left as it
    is and the complete outputs are kept: the staging folder, marked and with the usual
    permissions, becomes a new folder beside it (`keep_beside`: `<name>.new`, or `<name>.new-2`,
    ... when taken), an output folder like any other. Then OutputFolderError (`during_run`)
    says why and where they are (`kept`); if they could not be kept, it says so, `kept` is None
    and the staging folder is still there, the caller's to remove. `where` names the setting the
    folder came from, e.g. `--out`. Raises OSError when the marker cannot be written or the
    renames fail (a full disk); `destination` is then as it was. A `destination` the system will
    not rename or remove (REFUSED_RENAME; EBUSY: a mount point the check before the run could not
    tell, or a folder another program holds; EPERM, EACCES: a folder marked immutable, or another
    user's in a sticky folder, which the check refuses before the run) is left as it is, and the
    outputs kept beside it as above.

    A folder put in place is noted in `completed_folders` before the signals held are raised;
    the folder it replaced is removed even when one is. Where it cannot be (the user may not
    remove its files), it is left, keeping its marker, and noted (`left_behind`): the run's
    outputs are in place all the same."""
    destination = destination.resolve()
    refusal = changed_during_run(destination)
    write_marker(staging, written_entries(staging))
    os.chmod(staging, normal_mode())
    if refusal is not None:
        what, move, rule = refusal
        _keep_instead(staging, destination, f"{where} | the output folder changed during the run: it {what} (got "
                                            f"{shown_path(destination)}); {rule}", f"{move},",
                      left_by_programs(destination))
    old = None
    emptied = swapped = False
    busy: OSError | None = None
    late = False  # the empty folder checked last got a file just before it was to be removed
    held, made = held_kind(destination), held_kind(staging)
    try:
        with _signals_held():
            if destination.exists():
                try:
                    old, emptied = _moved_aside(destination)
                except OSError as exc:
                    if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                        late = True
                    elif exc.errno not in REFUSED_RENAME:
                        raise
                    else:
                        busy = exc
            if busy is None and not late:
                try:
                    staging.rename(destination)
                except OSError:  # what was there is put back
                    with contextlib.suppress(OSError):
                        if old is not None:
                            old.rename(destination)
                        elif emptied:
                            destination.mkdir()
                    raise
                swapped = True
                _note_completed(destination)
                if held is not None and made is not None and held[0] != made[0]:
                    _replaced.append(f"{shown_path(destination)}: held {held[1]} written before, which this run's "
                                     f"{made[0]} replaced whole (a run replaces a folder siting wrote, whatever it "
                                     "held); give another folder to keep both")
    finally:  # a signal held during the renames is raised as they end: the old folder still goes
        if swapped and old is not None:
            _remove_replaced(old, destination)
    if late:
        refusal = changed_during_run(destination)
        what, move, rule = refusal if refusal is not None else (
            "now holds files siting did not write", "move those files out of the folder",
            "a run never deletes a file it did not write")
        _keep_instead(staging, destination, f"{where} | the output folder changed during the run: it {what} (got "
                                            f"{shown_path(destination)}); {rule}", f"{move},",
                      left_by_programs(destination))
    if busy is not None:
        shown = shown_path(destination)
        why = ("a mount point (a mounted volume or share) or a folder another program holds cannot be renamed or "
               "removed" if busy.errno == errno.EBUSY else
               "the system does not let this user rename or remove it (a folder of another user's in a folder whose "
               "sticky bit is set, or one marked immutable)")
        _keep_instead(staging, destination, f'{where} | the output folder cannot be replaced: the system says '
                                            f'"{busy.strerror or busy}" (got {shown}); {why}, and a run puts its '
                                            "outputs in place by renaming",
                      f"give a folder inside it, e.g. {shown_path(destination / 'plan')},"
                      if busy.errno == errno.EBUSY else "give a folder of your own,")


def _moved_aside(destination: Path) -> tuple[Path | None, bool]:
    """Make way for a run's outputs at `destination` (an existing folder, checked): a folder this
    tool wrote is renamed to a temporary `.<name>.siting-old.<pid>.<random>` beside it, returned
    with False; an empty one is removed, (None, True). Raises OSError when that fails (EBUSY for
    a mount point), leaving `destination` and its parent as they were."""
    if not is_ours(destination):
        destination.rmdir()
        return None, True
    old = Path(tempfile.mkdtemp(prefix=temporary_prefix(destination, OLD), dir=destination.parent))
    try:
        destination.rename(old)  # replaces the empty folder just made
    except OSError:
        with contextlib.suppress(OSError):
            old.rmdir()
        raise
    return old, False


def _keep_instead(staging: Path, destination: Path, problem: str, move: str, programs: str = "") -> NoReturn:
    """Raise OutputFolderError (`during_run`) for a `destination` the run may not replace at its
    end, `problem` saying why (`<where> | ...`): the complete `staging` folder is first kept
    beside it (`keep_beside`), and the error names where (`kept`), or says it could not be.
    `move` is what the user may do instead, as a clause ending in a comma ("move them away,");
    `programs`, what the files other programs left there are (`left_by_programs`), ends the
    message."""
    try:
        kept = keep_beside(staging, destination)
    except OSError as exc:
        reason = f"{exc.strerror or exc}: {shown_path(destination.parent)}"
        raise OutputFolderError([f"{problem}, and the outputs of this run could not be kept beside it either "
                                 f"({reason}); {move} then run again, or choose another folder{programs}"],
                                during_run=True) from None
    raise OutputFolderError([f"{problem}, so the complete outputs of this run were kept in {shown_path(kept)} "
                             f"instead: use them there, or {move} then run again{programs}"], during_run=True,
                            kept=kept)


def _remove_replaced(old: Path, destination: Path) -> None:
    """Remove `old`, the folder `destination` held before a run put its outputs in place
    (`remove_written`); where it cannot be removed, note it (`left_behind`). A file put into the
    folder, or changed there, after the last check and before the rename (`not_written`,
    `changed_files`) is kept with the folders on the way to it and their markers, as a stopped
    run's leftovers are (`remove_stale_temporaries`): only siting's own files go, and the folder
    left is noted with what it holds."""
    try:
        foreign = not_written(old, False)
        changed = changed_files(old)
    except OSError as exc:
        failed: OSError | None = exc
    else:
        if foreign or changed:
            errors: list[OSError] = []
            _remove_all_but(old, {*foreign, *changed}, errors)
            said = [f"files siting did not write ({_shown_names(foreign)})"] if foreign else []
            said += [f"files changed after siting wrote them ({_shown_names(changed)})"] if changed else []
            also = (f" (some of its own could not be removed either: {_removal_reason(errors[0])})"
                    if errors else "")
            _note_left(old, f"{shown_path(destination)} now holds this run's outputs, but the folder they replaced, "
                            f"left as {shown_path(old)}, holds {' and '.join(said)}, put there as the run replaced "
                            f"it: siting removed only its own files from it and left the folder{also}; move those "
                            "files out and remove the folder")
            return
        failed = remove_written(old)
    if failed is not None:
        _note_left(old, f"{shown_path(destination)} now holds this run's outputs, but the folder they replaced could "
                        f"not be removed: it is left as {shown_path(old)} ({_removal_reason(failed)}); remove that "
                        "folder by hand (as its owner or an administrator if need be): until then each run into "
                        f"{shown_path(destination)} tries again and says so")


def record_pending(folder: Path, names: Iterable[str]) -> None:
    """List `names` (files about to be written into `folder`, relative POSIX paths) in the marker
    of the staging folder `folder` is or lies in, each by its path from that folder alone, on a
    line of its own after those already there, before they are written: a run stopped midway
    leaves a record of what it wrote there (`remove_stale_temporaries`), which the marker written
    at the end (`write_marker`) replaces. The staging folder is the nearest marked folder at or
    above `folder` (an alternative's `altNN/` lies in its run's); nothing is recorded where that
    is none, or not a staging folder (STAGING_NAME)."""
    prefix = ""
    for current in (folder, *folder.parents):
        if _marked(current):
            break
        prefix = f"{current.name}/{prefix}"
    else:
        return
    if not STAGING_NAME.fullmatch(current.name):
        return
    with open(current / MARKER, "a", encoding="utf-8", newline="\n") as marker:
        marker.write("".join(f"{prefix}{name}\n" for name in names))


def write_contents(folder: Path, files: Mapping[str, str | Callable[[Path], None]]) -> None:
    """Write each named file into the existing `folder`: text as UTF-8 with "\\n" line ends, or
    by calling the function with its path (which may make a subfolder). In a staging folder, the
    names are first listed in its marker (`record_pending`). An OSError that names no file (a
    write the disk refused once the file was open) is raised naming the file written."""
    record_pending(folder, files)
    for name, content in files.items():
        target = folder / name
        try:
            if callable(content):
                content(target)
            else:
                target.write_text(content, encoding="utf-8", newline="\n")
        except OSError as exc:
            if exc.filename is None:
                exc.filename = str(target)
            raise


def write_files(folder: Path, files: Mapping[str, str | Callable[[Path], None]]) -> None:
    """Write each named file into `folder`: text as UTF-8, or by calling the function with its
    path. Then every manifest.json written (the folder's, and those of the subfolders written)
    gets the SHA-256 of the files it lists (`record_file_hashes`), so it is the last file written
    but the marker, which `swap_into_place` writes."""
    write_contents(folder, files)
    for manifest_path in _written_manifests(folder, files):
        record_file_hashes(manifest_path)


def write_folder_atomically(destination: Path, files: Mapping[str, str | Callable[[Path], None]],
                            create_parent: bool = True, where: str = "--out") -> None:
    """Write every file into a staging folder, then swap it in for `destination`.

    A value is text, or a function that writes the file at the path it is given. If anything
    fails, or the run is interrupted, the staging folder is removed and `destination` is left
    as it was. When `destination` changed during the run so that it may not be replaced, it is
    left as it is too, and the complete outputs are kept in a new folder beside it
    (`swap_into_place`; OutputFolderError names it). When the disk refuses a write (full, over
    quota, read-only: `write_failure`), OutputFolderError says so, naming `destination` as
    `where` gives it (the setting it came from, e.g. `--out`). Staging folders of killed runs
    into the same place are removed first."""
    remove_stale_temporaries(destination.resolve())
    try:
        with write_errors_named(destination, where):
            staging = staging_folder(destination, create_parent)
    except OSError as exc:  # a folder above it could not be made: changed since the check before the run
        said = f'the system says "{exc.strerror or exc}"'
        made = f"{shown_path(Path(os.fsdecode(exc.filename)))} could not be made, {said}" if exc.filename else said
        raise OutputFolderError([f"{where} | the output folder cannot be created: {made} (got "
                                 f"{shown_path(destination)}); nothing was written there: choose a folder you can "
                                 "write to"]) from exc
    try:
        with write_errors_named(destination, where, staging):
            write_files(staging, files)
            swap_into_place(staging, destination, where)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# --- a disk that refuses a write ------------------------------------------------------------

#: The errors of the system that say the disk holding the output folder takes no more, whichever
#: file met them: errno -> (what is wrong, how to fix), for `write_failure`.
DISK_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space is left on the disk that holds the output folder",
                   "free some space, or choose a folder on another disk"),
    errno.EDQUOT: ("your disk quota is used up on the disk that holds the output folder",
                   "free some space within your quota, or choose a folder on another disk"),
    errno.EROFS: ("the disk that holds the output folder is read-only",
                  "choose a folder on a disk you can write to"),
    errno.EFBIG: ("a file is larger than the file system of the output folder allows",
                  "choose a folder on another disk"),
    errno.EIO: ("the disk that holds the output folder reported an input/output error",
                "check the disk, or choose a folder on another disk"),
}
#: Permission refused on a file in the output folder (someone changed its permissions during the run).
REFUSED_ERRORS = (errno.EACCES, errno.EPERM)


def write_failure(exc: OSError, folders: Iterable[Path]) -> tuple[str, str, str | None] | None:
    """Why writing a run's outputs into `folders` (the destination and its staging folder)
    failed, for an error of the system that says so: as (what is wrong, how to fix, the file
    it was writing relative to the folder that holds it, POSIX, or None when it names none in
    them). One of DISK_ERRORS, whichever file met it; any other naming a file in `folders`,
    in the system's words. None for any other error (not the output folder's: a lost worker's
    connection, an input that cannot be read), which the caller raises as it is."""
    names: list[str] = []
    for raw in (exc.filename, exc.filename2):
        if raw is None:
            continue
        path = Path(os.path.abspath(os.fsdecode(raw)))
        for folder in folders:
            base = Path(os.path.abspath(folder))
            if path != base and base in path.parents:
                names.append(path.relative_to(base).as_posix())
                break
    name = names[0] if names else None
    if exc.errno in DISK_ERRORS:
        return (*DISK_ERRORS[exc.errno], name)
    if name is None:
        return None
    if exc.errno in REFUSED_ERRORS:
        return "permission was refused in the output folder", "choose a folder you can write to", name
    words = exc.strerror or type(exc).__name__
    return (f"the system refused a write in the output folder ({words})",
            "remove the cause, or choose another folder, and run again", name)


@contextlib.contextmanager
def write_errors_named(destination: Path, where: str, *folders: Path) -> Iterator[None]:
    """While the block writes a run's outputs for `destination` (into `folders`: its staging
    folder), raise OutputFolderError in place of an error of the system that `write_failure`
    explains: `<where> | <what is wrong>, so <file> could not be written (got <destination>);
    nothing was written there: <how to fix>`, with the error as its cause. The caller removes
    what it staged; any other error is raised as it is."""
    try:
        yield
    except OSError as exc:
        failure = write_failure(exc, (*folders, destination))
        if failure is None:
            raise
        what, fix, name = failure
        said = f"{what}, so {name} could not be written" if name else what
        raise OutputFolderError([f"{where} | {said} (got {shown_path(destination)}); nothing was written there: "
                                 f"{fix}"]) from exc
