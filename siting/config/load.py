"""Scenario and technology-catalog files: loading and validation (the schema is `siting.config.schema`).

Both files are YAML validated with pydantic (unknown keys rejected, numbers finite). Every
problem is reported at once as `<file>:<line>: <key path> | <what is wrong> (got <value>); <how to fix>`,
where the file and line are those of the file that wrote the key: the scenario, a base it
extends, one of its variants, or the command line's `--set` (named as the Python call that gave
the overrides names them, while `overrides_named` is in force). Paths written in a scenario
file resolve relative to that file; a path given as an override (`--set`, or Python's
`overrides`) resolves from the current folder, as the scenario's own path and `--out` do, and is
rebased onto the scenario's folder as it is applied (`from_current_folder`). A path starting with
`~` or `~user`, wherever it is given, names a file in that home folder, expanded as a shell would
(`home_expanded`, `located`), and is kept as given; so is a bare `~` given for a path with
`--set` (`parse_override`), which YAML alone would read as null. Messages name every file as
`shown_path` does: such a path, and one the user gives absolute or leading out of the current
folder (`../other/s.yaml`) on the front door or as an override, as given (`typed_as_is`), also
in the workers of a sweep or a comparison (`MessagePaths`); a symbolic link whose target is
missing by its own path, said to be broken (`broken_link`).
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import datetime
import errno
import hashlib
import math
import os
import re
import stat
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from siting.config.errors import InputError, Notice, OutputFolderError, listed, salvaged_error
from siting.config.highs import (
    ALLOWED_HIGHS_OPTIONS,
    NAMED_SETTINGS,
    OptionRejected,
    OptionValue,
    highs_option_value,
    option_json_schema,
    option_problem,
)
from siting.config.schema import (
    EARLIEST_ONLINE_YEAR,
    MAX_QUANTITY,
    MAX_YUAN,
    NAME_PATTERN,
    NUMBER,
    NUMBER_TEXT,
    ByPathAndYear,
    Catalog,
    CommittedProject,
    Resource,
    Scenario,
    number_text,
    too_large_message,
    whole_number_text,
    year_key,
    year_of_key,
)
from siting.config.units import amount_text, cut_list, joined, per_year, slack_percent
from siting.config.urls import is_url, url_words
from siting.config.words import close_key, close_match, unit_change

#: The paths named as they were given (`typed_as_is`: from a home folder, absolute, or leading out
#: of the current folder with `..`) in an override or on the front door, and those given from a
#: home folder anywhere, by the absolute path each names (as given, and through any symbolic
#: links) -> the path as given, which messages name them by (`shown_path`). Each
#: `load_scenario` starts it afresh, in its thread; `given_path` adds to it.
_GIVEN_PATHS: ContextVar[dict[str, str] | None] = ContextVar("_GIVEN_PATHS", default=None)

#: Paths a caller typed outside the scenario (its own path, an output folder) that messages name
#: as typed (`typed_as_is`), each with the absolute path it names, so named by every load while
#: `paths_typed` is in force: `load_scenario` gives each to `given_path` again after it starts
#: `_GIVEN_PATHS` afresh. A worker process (or a Dask worker) is handed them (`MessagePaths`).
_TYPED_PATHS: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("_TYPED_PATHS", default=())

#: The folder the messages name files from (`shown_path`) when it is not the current folder: the
#: caller's current folder, in a worker that runs a run of a sweep or a comparison (`MessagePaths`),
#: whose own current folder may be another. None: the current folder.
_HERE: ContextVar[str | None] = ContextVar("_HERE", default=None)


def home_expanded(text: str) -> str | None:
    """The path `text` with its leading `~` or `~user` expanded as a shell would
    (`os.path.expanduser`): "~/x.gpkg" -> "/home/me/x.gpkg"; None when it does not start with
    one, or names a user the system does not know (a shell then leaves it as it is: a relative
    path whose first folder is named "~user")."""
    if not text.startswith("~"):
        return None
    expanded = os.path.expanduser(text)
    return expanded if expanded != text else None


def home_start(text: str) -> str | None:
    """The `~` or `~user` the path `text` starts with ("~nobody" for "~nobody/x"), or None."""
    first = text.replace(os.sep, "/").split("/", 1)[0]
    return first if first.startswith("~") else None


def home_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with the home folder the path `text` starts at (`home_start`), for a folder
    a run is to make there, and how to fix it; None when nothing is (also for a path that starts
    at none). Wrong are a `~user` the system does not know, which `os.path.expanduser` leaves as
    it is (a shell too, so that a folder named "~user" would be made in the current folder), and
    a home folder that does not exist (a system account's, such as `/nonexistent`), which the run
    would otherwise make."""
    start = home_start(text)
    if start is None:
        return None
    home = home_expanded(start)
    if home is None and start == "~":
        return ("starts at your home folder (~), but none is known: HOME is not set, nor a home in the user list",
                "set HOME, or give a path that does not start with ~")
    if home is None:
        return (f"starts at the home folder of the user {start[1:]!r} ({start}), but the system has no such user",
                "check the user's name, or give a path that does not start with ~")
    if not os.path.isdir(home):
        whose = "your home folder" if start == "~" else f"the home folder of the user {start[1:]!r}"
        return (f"starts at {whose} ({start}), {home}, which does not exist",
                "give a folder in a home folder that exists, or a path that does not start with ~")
    return None


def home_path(path: Path | str) -> Path:
    """`path` as a Path, a leading `~` or `~user` expanded as a shell would (`home_expanded`)."""
    text = os.fspath(path)
    return Path(home_expanded(text) or text)


def is_relative_path(text: str) -> bool:
    """Whether the path `text` starts at a folder, not at the root nor at a home folder (`~`); a
    URL (`is_url`) is none, so that it is never rebased, and its refusal quotes it as given."""
    return not Path(text).is_absolute() and home_expanded(text) is None and not is_url(text)


def _ups(text: str) -> int:
    """How many folders up the relative path `text` leads before it goes down again: 2 for
    `../../x/y.yaml`, 0 for `a/../b.yaml`, which stays in the folder it starts at."""
    parts = Path(os.path.normpath(text)).parts
    return next((i for i, part in enumerate(parts) if part != ".."), len(parts))


def typed_as_is(text: str) -> bool:
    """Whether messages name the path `text`, as a user gave it, as given rather than relative to
    the current folder: one from a home folder (`~/x.gpkg`), an absolute one, or one that leads out
    of the current folder (`../other/s.yaml`), each the way its user chose to reach the file."""
    return (home_expanded(text) is not None or Path(text).is_absolute()
            or (text.strip() != "" and _ups(text) > 0))


def here() -> str:
    """The folder the messages name files from: the caller's current folder (`_HERE`, in a
    worker), or the current folder."""
    return _HERE.get() or os.getcwd()


def _absolute(text: str) -> str:
    """The absolute path the path `text`, typed in the folder `here()`, names (a leading `~`
    expanded as a shell would), without resolving symbolic links."""
    return os.path.normpath(os.path.join(here(), home_expanded(text) or text))


def real_path(path: str) -> str:
    """The absolute path `path` with its symbolic links resolved (`os.path.realpath`), for naming
    it in messages only; `path` itself where the system does not let them be followed (a link it
    will not read, as /proc/1/cwd for another user: PermissionError): the check of the file or
    folder that reads it (`unsearchable_words`) tells that."""
    try:
        return os.path.realpath(path)
    except OSError:
        return path


def given_path(text: str, absolute: str | None = None) -> None:
    """Name the file (or folder) the path `text` names as `text` in the messages from now on
    (`shown_path`), when messages name it as given (`typed_as_is`); `absolute` is the path it was
    made into (for a worker process, whose current folder and home may be others), by default
    the one it names from here. Any other `text` is named as every file is."""
    if not typed_as_is(text):
        return
    try:
        target = os.path.abspath(absolute) if absolute is not None else _absolute(text)
    except OSError:  # the current folder is gone
        return
    known = _GIVEN_PATHS.get()
    if known is None:
        known = {}
        _GIVEN_PATHS.set(known)
    for form in (target, real_path(target)):
        known.setdefault(form, text)


@contextlib.contextmanager
def paths_typed(values: Iterable[Any]) -> Iterator[None]:
    """Name each of `values` that is a path messages name as typed (`typed_as_is`: `~/runs/one`,
    `/data/s.yaml`, `../other/s.yaml`; others, and what is no path, are left alone) as typed in the
    messages while the block runs, in this thread, across every load it makes (`given_path`), and
    in the workers the block hands runs to (`MessagePaths`): the front door's scenario paths and
    output folders."""
    texts = [os.fspath(v) for v in values if isinstance(v, (str, os.PathLike))]
    pairs: list[tuple[str, str]] = []
    for text in texts:
        if isinstance(text, str) and typed_as_is(text):
            with contextlib.suppress(OSError):  # the current folder is gone: named as every file is
                pairs.append((text, _absolute(text)))
    for text, absolute in pairs:
        given_path(text, absolute)
    token = _TYPED_PATHS.set((*_TYPED_PATHS.get(), *pairs))
    try:
        yield
    finally:
        _TYPED_PATHS.reset(token)


@dataclass(frozen=True)
class MessagePaths:
    """How the messages of this thread name files, as plain data for a worker process or a Dask
    worker that runs a run of a sweep or a comparison: the folder they are named from (the
    caller's current folder) and the paths the caller typed (`paths_typed`), so that a run's error
    names its files as the caller's own messages do, wherever it ran (`named_from`)."""

    folder: str | None
    typed: tuple[tuple[str, str], ...]

    @classmethod
    def current(cls) -> MessagePaths:
        """This thread's: its folder (None when the current folder is gone) and typed paths."""
        try:
            folder: str | None = here()
        except OSError:
            folder = None
        return cls(folder, _TYPED_PATHS.get())

    @contextlib.contextmanager
    def named_from(self) -> Iterator[None]:
        """Name files as this says while the block runs, in this thread (a worker's run)."""
        tokens = (_HERE.set(self.folder), _TYPED_PATHS.set(self.typed))
        try:
            yield
        finally:
            _TYPED_PATHS.reset(tokens[1])
            _HERE.reset(tokens[0])


def scenario_file(path: Path | str) -> Path:
    """The file the scenario path `path` names: one from a home folder (`~/proj/s.yaml`) expanded
    as a shell would, any other as it is; one from a home folder, or leading out of the current
    folder (`../proj/s.yaml`), is named as typed in the messages (`given_path`), and the files beside
    it from the folder it starts at (`shown_path`: `../proj/catalog.yaml`)."""
    text = os.fspath(path)
    if not Path(text).is_absolute():  # an absolute one is named so when the front door was given it
        given_path(text)
    return home_path(text)


def _typed_folders() -> Iterator[tuple[str, str]]:
    """(the start of a path given in this load, the folder it names) for each such path that starts
    at a home folder (`~`, `~user`) or above the current folder (`..`, `../..`), in the order given;
    the root folder is left out (every file lies under it)."""
    for text in dict.fromkeys((_GIVEN_PATHS.get() or {}).values()):
        if text.startswith("~"):
            prefix = text.split("/", 1)[0]
            folder = home_expanded(prefix)
        elif not Path(text).is_absolute() and _ups(text) > 0:
            prefix = "/".join([".."] * _ups(text))
            folder = os.path.normpath(os.path.join(here(), prefix))
        else:
            continue
        if folder is not None and os.path.dirname(folder) != folder:
            yield prefix, os.path.abspath(folder)


def _typed_form(absolute: str) -> str | None:
    """The absolute path `absolute` from the home folder, or the folder above the current one, that
    a path given in this load starts at (`~/afile` for the folder above a given `~/afile/x`,
    `../other/catalog.yaml` beside a given `../other/s.yaml`), when it lies there, from the nearest
    such folder; None otherwise."""
    for prefix, folder in sorted(_typed_folders(), key=lambda start: len(start[1]), reverse=True):
        if absolute == folder:
            return prefix
        if absolute.startswith(folder.rstrip(os.sep) + os.sep):
            return f"{prefix}/{Path(os.path.relpath(absolute, folder)).as_posix()}"
    return None


def home_named(path: Path | str) -> str:
    """`path` as typed when it is, or lies under, a path given from a home folder (`~/outA`);
    otherwise as it is: how the command line names the folders it wrote."""
    absolute = os.path.abspath(path)
    for candidate in (absolute, real_path(absolute)):
        given = _as_given(candidate)
        if given is not None and home_expanded(given) is not None:
            return given
    return str(path)


def _under(path: str, folder: str) -> bool:
    """Whether the absolute path `path` lies inside the absolute path `folder`."""
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _as_given(absolute: str) -> str | None:
    """The absolute path `absolute` as it was given (`given_path`), or as a path under one given
    (`~/runs/plan` under `~/runs`), unless that one holds the current folder and the file lies
    under it too (it is named from the current folder: `catalog.yaml`, not `../small/catalog.yaml`
    under a given `--out ..`); None when neither."""
    known = _GIVEN_PATHS.get() or {}
    try:
        folder: str | None = here()
    except OSError:  # the current folder is gone
        folder = None
    for target in sorted(known, key=len, reverse=True):
        if absolute == target:
            return known[target]
        holds_here = folder is not None and (folder == target or _under(folder, target))
        if _under(absolute, target) and not (holds_here and _under(absolute, folder or "")):
            rest = Path(os.path.relpath(absolute, target)).as_posix()
            return f"{known[target].rstrip('/')}/{rest}"
    return None


def _relative_to(absolute: str, folder: str) -> str | None:
    """The absolute path `absolute` relative to the absolute folder `folder` (in / form), or None
    when it does not lie under it."""
    try:
        return Path(absolute).relative_to(folder).as_posix()
    except ValueError:
        return None


def shown_path(path: Path | str) -> str:
    """A file as messages name it: as it was given when given so (`given_path`: from a home folder,
    `~/x.gpkg`; absolute, in an override or on the front door; or leading out of the current folder,
    `../other/s.yaml`); else relative to the current folder when it lies under it, as one would type
    it there (`scenarios/yunnan_2024.yaml`, `layers/sites.geojson`), otherwise from the home folder
    or the folder above the current one when a path given in this load starts there (`~/afile`
    above a given `~/afile/x`, `../other/catalog.yaml` beside a given `../other/s.yaml`), or by its
    absolute path. Every message that names a file names it so, whichever way the file was reached
    (typed on the command line, or named in a scenario relative to the scenario), and wherever the
    message is made (in a worker of a sweep, "the current folder" is the caller's: `MessagePaths`)."""
    try:
        folder = here()
        absolute = os.path.normpath(os.path.join(folder, os.fspath(path)))
    except OSError:  # the current folder is gone
        return str(path)
    given = _as_given(absolute)
    if given is not None:
        return given
    # as typed, then through any symbolic links: those are resolved (a system call for each
    # folder of the path) only where the answer needs them, some 80 files being named a solve;
    # `_as_given` finds nothing when no path was given
    real = real_path(absolute) if _GIVEN_PATHS.get() else None
    given = _as_given(real) if real is not None else None
    if given is not None:
        return given
    relative = _relative_to(absolute, folder)
    if relative is None:
        relative = _relative_to(real if real is not None else real_path(absolute), folder)
    if relative is not None:
        return relative
    return _typed_form(absolute) or absolute


@dataclass(frozen=True)
class CommittedProjects:
    """The committed projects of a scenario, with the file and the line of each entry's site (for
    messages about the site, checked against the sites layer later)."""

    path: Path | None = None
    projects: tuple[CommittedProject, ...] = ()
    lines: tuple[int | None, ...] = ()
    #: The position in the file of each project (its entry, `[3]`); without them, its place in
    #: `projects`.
    positions: tuple[int, ...] = ()
    #: The entries that failed the schema but give a valid site, whose site is still checked
    #: against the sites layer (`site_entries`), so that it is reported with their other problems.
    unread: tuple[SiteEntry, ...] = ()

    def where(self, i: int) -> str:
        """`<file>:<line>` of the i-th project's `site` key."""
        name = shown_path(self.path) if self.path is not None else "(no file)"
        return f"{name}:{self.lines[i]}" if self.lines[i] else name

    def key(self, i: int, field: str) -> str:
        """The key path of the i-th project's `field` as its file's problems name it: its position
        and its id, `[0] (shanshan_anode).site` (`project_key`)."""
        return project_key(self.positions[i] if self.positions else i, self.projects[i].id, field)

    def site_entries(self) -> list[SiteEntry]:
        """The site of each entry of the file that gives a valid one, in file order: the projects
        and the entries that failed the schema otherwise (`unread`)."""
        name = shown_path(self.path) if self.path is not None else "(no file)"
        passed = [SiteEntry(self.positions[i] if self.positions else i, project.id, project.site,
                            f"{name}:{self.lines[i]}" if self.lines[i] else name)
                  for i, project in enumerate(self.projects)]
        return sorted(passed + list(self.unread), key=lambda entry: entry.position)


@dataclass(frozen=True)
class SiteEntry:
    """An entry of a committed-projects file with a valid site: its position in the file, its id
    as given (any value: `project_key` names it), its site and `<file>:<line>` of its site key."""

    position: int
    id: Any
    site: str
    where: str


def project_key(i: int, project_id: Any, field: str = "") -> str:
    """The key path of `field` of the i-th entry of a committed-projects file, naming the project
    by its position and its id, `[0] (shanshan_anode).capacity` (`[0].capacity` when the id is
    not a text); the entry itself without `field`."""
    return Origin(Path(), None, (i,), entry=project_name(project_id)).key((field,) if field else ())


def project_name(project_id: Any) -> str:
    """A committed project's or a catalog module's id as the key paths name it (`project_key`,
    `module_entries`): the id, quoted when it holds a space, a dot or a bracket, which would read
    as part of the path; "" when it is not a text or is empty, so that the entry is named by its
    position alone."""
    if not isinstance(project_id, str) or not project_id.strip():
        return ""
    return repr(project_id) if any(c in project_id for c in " .()[]") else project_id


class LoadedScenario(typing.NamedTuple):
    scenario: Scenario
    catalog: Catalog
    scenario_path: Path
    catalog_path: Path
    committed: CommittedProjects = CommittedProjects()
    #: Which file and line wrote each key (None: the file itself, lines unknown).
    locator: Locator | None = None
    #: In calibration mode fixed, the real plants of `calibration.plants`, which the model holds
    #: as committed capacity in place of `committed` (`model_projects`); None in mode choose,
    #: without `calibration.plants`, and when it names the committed-projects file.
    plants: CommittedProjects | None = None
    #: In calibration mode choose, the real plants of `calibration.reference`, which the plan is
    #: scored against, read with the scenario (their sites are checked against the sites layer
    #: as the committed projects' are); None in mode fixed, without `calibration.reference`, and
    #: when it names the committed-projects file (its plants are `committed`).
    reference: CommittedProjects | None = None
    #: The settings given on top of the scenario file (the command line's `--set`, a Python call's
    #: `overrides`), in their order, as `load_scenario` applied them: map.png's title names them.
    overrides: tuple[Override, ...] = ()

    def model_projects(self) -> CommittedProjects:
        """The projects the model holds as committed capacity, each at its site from its online
        year: the real plants of `calibration.plants` in calibration mode fixed (`plants`: the
        real plants are the plan), the scenario's committed projects otherwise. `committed`
        stays what the scenario names, which the manifest records and the sites layer checks."""
        return self.plants if self.plants is not None else self.committed

    def calibration_paths(self) -> dict[str, Path]:
        """The files of the real plants `calibration` names, by key ("plants", "reference"; those
        it gives), as `resolve` finds them: inputs of the run, which the manifest records and an
        output folder may not hold, beside the committed projects."""
        calibration = self.scenario.calibration
        if calibration is None:
            return {}
        given = {"plants": calibration.plants, "reference": calibration.reference}
        return {key: self.resolve(Path(path)) for key, path in given.items() if path is not None}

    def resolve(self, path: Path) -> Path:
        """The file a path of the scenario names: one from a home folder (`~/x.gpkg`) expanded as a
        shell would (and named so in the messages: `given_path`), a relative one from the scenario
        file's folder (`located`), an absolute one as it is."""
        return path if path.is_absolute() else located(self.scenario_path.parent, path)

    def at(self, *loc: str) -> tuple[str, str]:
        """(where, key) of a scenario key for a message: "file:line" of the file that wrote it (a
        base, a variant, or the command line: key "--set ..."), and its dotted key."""
        if self.locator is None:
            return shown_path(self.scenario_path), ".".join(loc)
        return self.locator.where(loc), self.locator.key(loc)

    def output_folder(self) -> tuple[Path, str]:
        """The folder `output.folder` names (`resolve`), and where it was set, as the messages
        about it name it: "<file>:<line>: output.folder", or "<file>: --set output.folder".

        Raises OutputFolderError, before anything is made, when the path as written (in its
        file, or as typed in an override: `Locator.written`) starts at a home folder that cannot
        be (`home_problem`): a `~user` the system does not know, which a shell leaves as it is
        and which would otherwise make a folder named "~user" beside the scenario or in the
        current folder; a home folder that does not exist; no known home folder for `~`. So
        is `--out` refused (siting/deliver/folders.py `destination_problem`)."""
        where = ": ".join(self.at("output", "folder"))
        written = self.locator.written(("output", "folder")) if self.locator is not None else None
        text = os.fspath(written) if isinstance(written, (str, os.PathLike)) else str(self.scenario.output.folder)
        problem = home_problem(text)
        if problem is not None:
            what, fix = problem
            raise OutputFolderError([f"{where} | the output folder {what} (got {text}); {fix}"])
        return self.resolve(self.scenario.output.folder), where


@dataclass(frozen=True)
class Salvage:
    """What can be made of a scenario with problems, for the checks that can still run beside them
    (its layers): `loaded` holds the parts of the scenario that passed the schema (stand-ins in
    place of required keys that did not, which are among `faults`), its catalog, which passed the
    schema whole, and its committed projects (none when their file has problems); `faults` are
    where the scenario's schema problems lie."""

    loaded: LoadedScenario
    faults: Faults


def read_sha256(paths: Iterable[Path]) -> dict[Path, str]:
    """The SHA-256 (hex) of each file of `paths` that can be read, by resolved path: taken as the
    run reads its inputs, so that the manifest records what the run read, not what a file holds
    when the outputs are written (siting/deliver/manifest.py `input_record`, which names a file
    changed in between)."""
    digests: dict[Path, str] = {}
    for path in paths:
        resolved = Path(path).resolve()
        if resolved not in digests:
            try:
                digests[resolved] = file_sha256(resolved)
            except OSError:
                continue  # a file that is not there is the checks' to report
    return digests


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes (hex), read in blocks rather than whole."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def not_utf8_problem(name: str, raw: bytes, exc: UnicodeDecodeError) -> str:
    """The problem of a text file `raw` (shown as `name`) that is not UTF-8: at the line and byte
    offset of the first byte `exc` found undecodable; a file that starts with a UTF-16 or UTF-32
    byte-order mark (as Windows editors write "Unicode" text) is named so."""
    for mark, encoding in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                           (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(mark):
            return (f"{name}:1: the file is {encoding} text (its first bytes are the {encoding} byte-order mark), "
                    "not UTF-8; save it with the UTF-8 encoding")
    line = raw.count(b"\n", 0, exc.start) + 1
    return (f"{name}:{line}: the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}: "
            f"{exc.reason}); save it with the UTF-8 encoding")


class _TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader on libyaml where PyYAML has it (seven times faster on the catalog);
    a class of our own so that nothing here changes PyYAML's. It reads a value given on the
    command line (`--set`): a number YAML 1.1 does not read as one (1e8) stays the text typed,
    which the schema reads as the number it spells (NUMBER_TEXT), so that a sweep or comparison
    shows each value as it was typed. Whole numbers and yes/no read as in YAML 1.2
    (`_yaml_12_core`)."""


class _TextPythonLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader: a text that does not parse is read again with it, for its
    messages (libyaml words the same faults differently)."""


class _Loader(_TextLoader):
    """The loader of the files: an unquoted number is read as YAML 1.2 reads it
    (`_yaml_12_core`), as an editor and the scenario's JSON schema read it."""


class _PythonLoader(_TextPythonLoader):
    """`_TextPythonLoader` for a file that does not parse; numbers read as `_Loader` reads them."""


#: YAML 1.2's core schema: true/false (only these are yes/no: yes, no, on, off are text), whole
#: numbers in decimal (a leading zero is not octal: 01000 is 1000), octal after 0o and
#: hexadecimal after 0x; digits may be grouped by `_` (1_000), as YAML 1.1 allows.
_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_12 = re.compile(r"^(?:[-+]?[0-9]+(?:_[0-9]+)*|0o[0-7]+|0x[0-9a-fA-F]+)$")
#: YAML 1.1's floats without its base-60 ones (1:30 is text, not 90), for a value given on the
#: command line; .inf and .nan as both versions write them.
_FLOAT_11_NOT_BASE_60 = re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
                                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_NOT_FINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


def _construct_int_12(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """A whole number as YAML 1.2 reads it: decimal whatever its leading zeros (01000 is 1000),
    octal after 0o, hexadecimal after 0x (PyYAML, on YAML 1.1, reads 01000 as octal 512)."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    digits = text.lstrip("+-")
    try:
        return int(text, 0) if digits[:2].lower() in ("0o", "0x", "0b") else int(text, 10)
    except ValueError:
        raise yaml.constructor.ConstructorError(None, None, f"not a whole number: {text!r}",
                                                node.start_mark) from None


def _yaml_12_core(loader: type[Any], floats: re.Pattern[str]) -> None:
    """Make `loader` read unquoted yes/no and numbers as YAML 1.2's core schema does, as an
    editor on YAML 1.2 and the scenario's JSON schema do, in place of PyYAML's YAML 1.1: only
    true/false are yes/no; a whole number with a leading zero is decimal (01000: 1000, not 512),
    0o17 and 0x1F are octal and hexadecimal; 1:30 is text (YAML 1.1: 90, in base 60); floats are
    those of `floats`: for the files YAML 1.2's (1e3, 1.5e1, 2E+2, .5e1: the pattern NUMBER, which
    YAML 1.1 takes for text, as it needs a dot and a signed exponent), for a value on the command
    line YAML 1.1's, base 60 left out. Its other readings stay (null, dates, merge keys)."""
    replaced = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    loader.yaml_implicit_resolvers = {first: [(tag, regexp) for tag, regexp in resolvers if tag not in replaced]
                                      for first, resolvers in loader.yaml_implicit_resolvers.items()}
    loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL_12, list("tTfF"))
    loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT_12, list("+-0123456789"))
    loader.add_implicit_resolver("tag:yaml.org,2002:float", floats, list("+-.0123456789"))
    loader.add_implicit_resolver("tag:yaml.org,2002:float", _NOT_FINITE, list("+-."))
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int_12)


for _loader_class in (_Loader, _PythonLoader):
    _yaml_12_core(_loader_class, re.compile(f"^{NUMBER}$"))
for _loader_class in (_TextLoader, _TextPythonLoader):
    _yaml_12_core(_loader_class, _FLOAT_11_NOT_BASE_60)


def _dumper_for(loader: type[Any]) -> type[yaml.SafeDumper]:
    """PyYAML's safe dumper, deciding what an unquoted scalar means as `loader` does (its implicit
    resolvers, not PyYAML's YAML 1.1 ones): a text is written unquoted only where `loader` reads it
    back as that same text, and in quotes otherwise ('1e3', '0o17', '01000', '.5', '2024-01-01',
    'null'), while yes, no, on, off, text to YAML 1.2, need none."""
    return type(f"_DumperFor{loader.__name__}", (yaml.SafeDumper,),
                {"yaml_implicit_resolvers": loader.yaml_implicit_resolvers})


_DUMPERS = {loader: _dumper_for(loader) for loader in (_Loader, _TextLoader)}


def dump_yaml(data: Any, command_line: bool = False, **options: Any) -> str:
    """`data` as YAML text that reads back as `data`: with the loader of the files
    (`parse_yaml_text` of a path), or with `command_line` that of a value given on the command line
    (`--set`); `options` are yaml.dump's (sort_keys, allow_unicode, default_flow_style, width)."""
    return yaml.dump(data, Dumper=_DUMPERS[_TextLoader if command_line else _Loader], **options)


#: A mapping's key YAML 1.2 reads as a whole number written in another base than 10 (0x7E8,
#: 0o3750): `_based_keys_as_text` keeps it as the text typed.
_BASED_INT_KEY = re.compile(r"^[-+]?0[ox][0-9a-fA-F]+$")


def _based_keys_as_text(node: yaml.Node, visited: set[int] | None = None) -> None:
    """Tag every unquoted mapping key of `node`'s tree that YAML 1.2 reads as a whole number in
    hexadecimal or octal (`_BASED_INT_KEY`) as text, in place: such a key is a year (the schema's
    mappings with whole-number keys are all by year; any other's keys are text), which is written
    as digits, and the schema refuses the text as typed (`year_key`), where the number (0x7E8:
    2024) would pass as a year. A file's and a `--set` value's keys alike."""
    visited = set() if visited is None else visited
    if id(node) in visited:  # an alias seen before
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if (isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:int"
                    and not key_node.style and _BASED_INT_KEY.fullmatch(key_node.value)):
                key_node.tag = "tag:yaml.org,2002:str"
            _based_keys_as_text(key_node, visited)
            _based_keys_as_text(value_node, visited)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _based_keys_as_text(item, visited)


def _set_node(node: yaml.Node) -> yaml.MappingNode | None:
    """The first node of `node`'s tree tagged as a set (`!!set {lake, forest_park}`), or None: YAML
    reads one as a Python set, whose order of iteration changes from one run of Python to the next,
    so that the tool would read and record its items in an order nobody wrote."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.tag == "tag:yaml.org,2002:set" and isinstance(current, yaml.MappingNode):
            return current
        if isinstance(current, yaml.MappingNode):
            stack.extend(child for pair in reversed(current.value) for child in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return None


def _set_problem(found: yaml.MappingNode, text: str, name: str, command_line: bool) -> str:
    """The problem of the set `found` (`_set_node`) in `text`, the file `name` or, with
    `command_line`, the value of the setting `name`: a list is asked for, as the items were typed."""
    example = "[" + ", ".join(str(key.value) for key, _value in found.value if isinstance(key, yaml.ScalarNode)) + "]"
    what = ("a set (!!set), whose order changes from one run of Python to the next, so that its items would be "
            "read in an order nobody wrote")
    if command_line:
        return f"{name} | must hold a list, not {what} (got {text!r}); write a list, e.g. {example}"
    mark = found.start_mark
    return f"{name}:{mark.line + 1}:{mark.column + 1}: {what}; write a list, e.g. {example}"


def _duplicate_keys(loader: yaml.SafeLoader, node: yaml.Node, name: str, loc: tuple[str, ...] = (),
                    visited: set[int] | None = None, value: str | None = None) -> list[str]:
    """A problem for every key given twice in one mapping (YAML itself would keep the last one
    silently), naming the key and both lines of the file `name` (as `shown_path` names it). Merge
    keys (`<<`) are not duplicates. With `value`, the text is that value of the setting `name`
    (`--set solver.options`), whose key given twice is named after it, with the value."""
    visited = set() if visited is None else visited
    if id(node) in visited:  # an alias seen before
        return []
    visited.add(id(node))
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            try:
                key = loader.construct_object(key_node, deep=True)
                hash(key)
            except (yaml.YAMLError, TypeError):  # not a usable key: the schema reports it
                key = (key_node.start_mark.line, key_node.start_mark.column)
            key_name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else str(key)
            if key in first and value is not None:
                problems.append(
                    f"{name}.{dotted((*loc, key_name))} | duplicate key (YAML would silently keep only the last) "
                    f"(got {value!r}); remove one of them or merge the two")
            elif key in first:
                problems.append(
                    f"{name}:{key_node.start_mark.line + 1}: {dotted((*loc, key_name))} | duplicate key, first "
                    f"given at line {first[key].start_mark.line + 1} (YAML would silently keep only this one); "
                    "remove one of them or merge the two")
            else:
                first[key] = key_node
            problems += _duplicate_keys(loader, value_node, name, (*loc, key_name), visited, value)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            problems += _duplicate_keys(loader, item, name, (*loc, i), visited, value)  # type: ignore[arg-type]
    return problems


def parse_yaml_text(text: str, path: Path | str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text read from the file `path` (or given on the command line: a `str` such as
    "--set key", named as it is): the data and its node tree (for line numbers), with duplicate
    keys and syntax errors reported as InputError naming the file and line (`syntax_problem`)."""
    command_line = not isinstance(path, Path)
    name = shown_path(path) if isinstance(path, Path) else path
    separator = unicode_break_problem(text, name, command_line)
    if separator is not None:
        raise InputError([separator])
    fast, python = (_TextLoader, _TextPythonLoader) if command_line else (_Loader, _PythonLoader)
    try:
        return _deep_refused(_parse(text, name, fast, command_line), name, command_line)
    except RecursionError:
        raise InputError([_too_deep(name, command_line)]) from None
    except yaml.YAMLError:  # read again for PyYAML's own words
        pass
    try:
        return _deep_refused(_parse(text, name, python, command_line), name, command_line)
    except RecursionError:
        raise InputError([_too_deep(name, command_line)]) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError([syntax_problem(text, name, exc, command_line)]) from None
    except yaml.reader.ReaderError as exc:
        raise InputError([unallowed_character_problem(text, name, exc, command_line)]) from None
    except yaml.YAMLError as exc:
        if command_line:
            raise InputError([f"{name} | YAML error: {exc} (got {text!r}); fix the value"]) from None
        raise InputError([f"{name}: YAML error: {exc}; fix the YAML"]) from None


#: A line break as YAML counts it (PyYAML's reader, and so a syntax error's line): CR LF, LF, a lone
#: CR, NEL and the Unicode line and paragraph separators.
YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


#: The characters PyYAML (a YAML 1.1 reader) takes for the end of a line where YAML 1.2 and editors
#: do not: the next-line character and the Unicode line and paragraph separators.
UNICODE_BREAK = re.compile("[\x85\u2028\u2029]")
_UNICODE_BREAK_NAMES = {"\x85": "next line", "\u2028": "line separator", "\u2029": "paragraph separator"}


def unicode_break_problem(text: str, name: str, command_line: bool = False) -> str | None:
    """The problem of the first U+0085, U+2028 or U+2029 in `text`, or None without one. PyYAML
    reads each as a line break where YAML 1.2 and editors read one character: text after it in a
    comment would be read as settings nobody sees, and elsewhere the syntax error would point to
    a line the editor does not show. Its line and column are the editor's: no such character
    stands before it, so YAML counts the same lines."""
    found = UNICODE_BREAK.search(text)
    if found is None:
        return None
    character = found.group()
    what = (f"the character U+{ord(character):04X} ({_UNICODE_BREAK_NAMES[character]}), which this reader "
            "would take for the end of a line where editors and YAML 1.2 do not (text after it, even in a "
            "comment, would be read as settings)")
    if command_line:
        return f"{name} | {what}, at character {found.start() + 1} (got {text!r}); remove it"
    breaks = list(YAML_LINE_BREAK.finditer(text, 0, found.start()))
    line = len(breaks) + 1
    column = found.start() - (breaks[-1].end() if breaks else 0) + 1
    return (f"{name}:{line}:{column}: {what}; remove it (text pasted from a web page or a word processor has "
            f"such characters; in a double-quoted value, write it as \\u{ord(character):04x})")


def unallowed_character_problem(text: str, name: str, exc: yaml.reader.ReaderError, command_line: bool = False) -> str:
    """The problem of a character YAML does not allow in `text` (a control character such as NUL
    or ESC: binary data, or text pasted from a terminal), named by its code point, at its line and
    column in the file (or in the `--set` value)."""
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    kind = "a control character" if unicodedata.category(character) == "Cc" else "a character"
    what = f"the character U+{ord(character):04X}, {kind} that YAML does not allow"
    if command_line:
        return f"{name} | {what}, at character {exc.position + 1} (got {text!r}); remove it"
    breaks = list(YAML_LINE_BREAK.finditer(text, 0, exc.position))
    line = len(breaks) + 1
    column = exc.position - (breaks[-1].end() if breaks else 0) + 1
    return (f"{name}:{line}:{column}: {what}; remove it (a file that is not a text file, or text pasted with "
            "terminal codes, has such characters)")


#: The deepest nesting of lists and mappings a YAML text of settings may have: a scenario nests
#: a few levels (variants, constraints, options); far deeper text is a mistake, and Python's
#: recursion would fail on it in the reading or in the checks after it.
MAX_YAML_DEPTH = 64


def _too_deep(name: str, command_line: bool, line: int | None = None) -> str:
    """The problem of a YAML text nested deeper than MAX_YAML_DEPTH."""
    what = f"lists and mappings nested more than {MAX_YAML_DEPTH} levels deep"
    if command_line:
        return f"{name} | {what}; give a flat value"
    at = f":{line}" if line is not None else ""  # `file:line: ...`, as every other problem of a file
    return f"{name}{at}: {what}; a file of settings nests a few levels: check that it is the file meant"


def _deep_refused(parsed: tuple[Any, yaml.Node | None], name: str, command_line: bool
                  ) -> tuple[Any, yaml.Node | None]:
    """`parsed` (data and node tree) as it is, or InputError naming the line where the node tree
    first nests deeper than MAX_YAML_DEPTH (walked without recursion)."""
    _data, node = parsed
    stack = [(node, 1)] if node is not None else []
    deepest: dict[int, int] = {}  # a node an alias repeats is walked again only where it lies deeper
    while stack:
        current, depth = stack.pop()
        if deepest.get(id(current), 0) >= depth:
            continue
        deepest[id(current)] = depth
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [part for pair in current.value for part in pair]
        else:
            continue
        if depth > MAX_YAML_DEPTH:
            raise InputError([_too_deep(name, command_line, current.start_mark.line + 1)])
        stack.extend((child, depth + 1) for child in children)
    return parsed


#: PyYAML's names of the tokens it did not expect, in words ("but got '<scalar>'": a value).
_TOKEN_WORDS = {"'<scalar>'": "a value", "'<stream end>'": "the end of the text", "'<alias>'": "an alias",
                "'<anchor>'": "an anchor", "'<tag>'": "a tag", "'<document start>'": "'---'",
                "'<document end>'": "'...'", "'<block end>'": "the end of a block",
                "'<block mapping start>'": "a key", "'<block sequence start>'": "a '-' item"}
_CLOSERS = {"[": "]", "{": "}"}


def syntax_problem(text: str, name: str, exc: yaml.MarkedYAMLError, command_line: bool = False) -> str:
    """The problem of a YAML syntax error in `text` (the file `name`), at the line where its cause
    most likely lies: where PyYAML marks the fault, unless the fault comes from a bracket or a
    quote opened earlier and not closed in time (`_opened_before`), which is then named at its own
    line and column, with the place where PyYAML stopped:

        scenario.yaml:10:8: YAML syntax error: the '[' opened here is not closed before ':' at 11:5; ...

    With `command_line`, `text` is a value given for the setting `name` (`--set solver.rel_gap`),
    and the problem reads as every other problem of a setting does, the place in the value said
    by its column (its line and column when it has several lines):

        --set solver.rel_gap | YAML syntax error: the '[' opened at column 1 is never closed (got '[0.1'); ...
    """
    one_line = "\n" not in text.rstrip("\n")

    def place(mark: yaml.Mark) -> str:
        if not command_line:
            return f"{mark.line + 1}:{mark.column + 1}"
        return f"column {mark.column + 1}" if one_line else f"line {mark.line + 1}, column {mark.column + 1}"

    def said(at: yaml.Mark | None, what: str, fix: str, here: str = "here") -> str:
        """The problem: `what` is wrong (with `here` for the place `at`), and the `fix`."""
        if command_line:
            what = what.replace("{here}", f"at {place(at)}" if at is not None else "in it")
            return f"{name} | YAML syntax error: {what} (got {text!r}); {fix}"
        where = f"{name}:{place(at)}" if at is not None else name
        return f"{where}: YAML syntax error: {what.replace('{here}', here)}; {fix}"

    mark = exc.problem_mark
    stopped = place(mark) if mark else "the end"
    opened = _opened_before(text, exc)
    problem = str(exc.problem)
    found = re.search(r"but (?:got|found) ('.*')$", problem)
    got = _TOKEN_WORDS.get(found.group(1), found.group(1)) if found else None
    if opened is None:
        tab = _tab_indent(text, mark)
        if tab is not None:
            return said(tab, "a tab {here}: YAML indents with spaces, not tabs", "replace the tab with spaces")
        if exc.context == "while scanning a simple key" and exc.context_mark is not None:
            return said(exc.context_mark, f"the key that starts {{here}} has no ':' after it (none found before "
                        f"{stopped})", "write it as 'key: value'")
        if command_line:
            return said(mark, f"{problem}, {{here}}" if mark else problem, "fix the value")
        return said(mark, problem, "fix the YAML at that line")
    start, char, end = opened
    if char in _CLOSERS:
        items = "items" if char == "[" else "entries"
        if got is None or got == "the end of the text":
            return said(start, f"the {char!r} opened {{here}} is never closed", f"close it with {_CLOSERS[char]!r}")
        return said(start, f"the {char!r} opened {{here}} is not closed before {got} at {stopped}",
                    f"close it with {_CLOSERS[char]!r}, or put ',' between its {items}")
    if end is not None:  # closed only by the opening quote of a later value
        closing = (f"{end.line + 1}:{end.column}" if not command_line else f"column {end.column}" if one_line
                   else f"line {end.line + 1}, column {end.column}")
        return said(start, f"the quote {char!r} opened {{here}} runs on to the quote at {closing} (YAML stops just "
                    f"after it, at {stopped})", "close it where its text ends")
    if "document separator" in problem:
        return said(start, f"the quote {char!r} opened {{here}} is not closed before the '---' at {stopped}",
                    "close it")
    return said(start, f"the quote {char!r} opened {{here}} is never closed", "close it where its text ends")


def _tab_indent(text: str, mark: yaml.Mark | None) -> yaml.Mark | None:
    """Where a tab stands in the blanks that start the line of `mark` (where PyYAML found a
    fault), or at `mark` itself: YAML indents with spaces only, and a tab there is the likely
    cause; None when there is none."""
    if mark is None:
        return None
    lines = text.split("\n")
    if mark.line >= len(lines):
        return None
    line = lines[mark.line]
    blanks = line[:len(line) - len(line.lstrip(" \t"))]
    column = blanks.find("\t") if "\t" in blanks else mark.column if line[mark.column:mark.column + 1] == "\t" else -1
    if column < 0:
        return None
    return yaml.Mark(mark.name, mark.index - mark.column + column, mark.line, column, None, None)


def _opened_before(text: str, exc: yaml.MarkedYAMLError) -> tuple[yaml.Mark, str, yaml.Mark | None] | None:
    """The bracket or quote a syntax error in `text` comes from, when it was opened before the place
    PyYAML marks: (where it opens, the bracket or quote, where a quote is closed after all, or
    None). That is, in order:

    - a quote never closed: PyYAML marks it (`context_mark`) and stops at the end of the text;
    - a quoted value running over lines up to the very place PyYAML stopped: its closing quote
      was the opening quote of a later value (`name: "abc` ... `c: "x"`), the quote to close is
      its first;
    - a `[` or `{` that is still open where PyYAML stopped: PyYAML marks it when it was parsing
      the brackets' contents, otherwise it is the innermost one open at that place.

    None otherwise: the fault lies where PyYAML marks it."""
    context, mark = exc.context or "", exc.problem_mark
    opening = exc.context_mark
    if context == "while scanning a quoted scalar" and opening is not None and exc.problem in (
            "found unexpected end of stream", "found unexpected document separator"):
        char = text[opening.index:opening.index + 1]
        return (opening, char, None) if char in ("'", '"') else None
    if mark is None or not context.startswith("while parsing a "):
        return None
    tokens = _tokens_before(text, mark.index)
    last = tokens[-1] if tokens else None
    if (isinstance(last, yaml.ScalarToken) and last.style in ("'", '"') and last.end_mark.index == mark.index
            and last.start_mark.line < last.end_mark.line):
        return last.start_mark, str(last.style), last.end_mark
    if not context.startswith("while parsing a flow "):
        return None
    if opening is not None and text[opening.index:opening.index + 1] in _CLOSERS:
        return opening, text[opening.index], None
    open_brackets: list[yaml.Token] = []
    for token in tokens:
        if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            open_brackets.append(token)
        elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and open_brackets:
            open_brackets.pop()
    if not open_brackets:
        return None
    start = open_brackets[-1].start_mark
    return start, text[start.index], None


def _tokens_before(text: str, index: int) -> list[yaml.Token]:
    """PyYAML's tokens of `text` that start before the character at `index` (as far as it can
    read them)."""
    tokens: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=_PythonLoader):
            if token.start_mark.index >= index:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _parse(text: str, name: str, loader_class: type[Any], command_line: bool = False
           ) -> tuple[Any, yaml.Node | None]:
    """`parse_yaml_text` with one loader; YAML errors are raised as they come. With
    `command_line`, `text` is the value of the setting `name` (`--set solver.options`), and a key
    given twice in it is named as a setting is (`--set solver.options.presolve | ...`)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _based_keys_as_text(node)
        found = _set_node(node)
        if found is not None:
            raise InputError([_set_problem(found, text, name, command_line)])
        problems = _duplicate_keys(loader, node, name, value=text if command_line else None)
        if problems:
            raise InputError(problems)
        return loader.construct_document(node), node
    finally:
        loader.dispose()


#: What a missing file is told, by what it is: a scenario is named on the command line (or in a
#: Python call), so its relative path starts at the current folder; any other file a scenario
#: names is checked where the scenario names it (`referenced_file`), before it is read.
MISSING_FILE = {
    "scenario": "no such scenario file; check its path (a relative path starts at the current folder)",
    "file": "no such file; check its path",
}


#: How to mend a broken symbolic link given where a file is asked for, by what the file is (as
#: MISSING_FILE): give the file itself, or make the link point to it.
BROKEN_LINK_FIX = {
    "scenario": "give the path of the scenario file itself, or point the link to it",
    "file": "give the path of the file itself, or point the link to it",
}


#: The most bytes a YAML file of settings (a scenario, a base it extends, a catalog, committed
#: projects) may hold: it is read whole into memory, and such a file holds some KB (the shipped
#: catalog, the largest, about 36 KB); one a thousand times larger is not the file meant.
MAX_YAML_BYTES = 16_000_000


def not_a_file_words(path: Path | str) -> str | None:
    """What `path` names when it is neither a regular file nor a folder, in words ("a character
    device", "a named pipe (FIFO)"), or None (a file, a folder, nothing, or a path that cannot be
    looked at, which the checks around this one tell). Asked before any input is opened: reading
    a device such as /dev/zero never ends (until memory runs out), and opening a named pipe
    waits for a writer that may never come."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kinds = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))
    return next((words for test, words in kinds if test(mode)), "not a regular file")


def megabytes(size: int) -> str:
    """A file's size in MB (10^6 bytes) for a message: "17.0 MB"."""
    return f"{size / 1e6:,.1f} MB"


def read_limited(path: Path, limit: int) -> bytes | None:
    """The bytes of the file `path`, or None when it holds more than `limit` (read no further:
    a file that grows while it is read, or whose size the system does not give, as /proc's)."""
    with path.open("rb") as stream:
        raw = stream.read(limit + 1)
    return raw if len(raw) <= limit else None


def read_yaml(path: Path, what: str = "file") -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file, returning the data and its node tree (for line numbers in messages).

    The file must exist (a missing one is told as `MISSING_FILE[what]` says, a broken symbolic
    link, named itself, as one: `broken_link_words`; a path the system cannot look at, with a name
    too long, as one: `too_long_words`, or behind a folder that does not let the user in:
    `unsearchable_words`), be a regular file (not a folder, nor a device or a named pipe:
    `not_a_file_words`) of at most MAX_YAML_BYTES, and be UTF-8 text; a key given twice in one
    mapping is an error. Each problem is an InputError naming the file (and line)."""
    name = shown_path(path)
    kind = "scenario file" if what == "scenario" else "file"
    too_long = too_long_words(path)
    if too_long is not None:
        raise InputError([f"{name}: the {kind} {too_long}, so there can be no such file; check its path"])
    unsearchable = unsearchable_words(path)
    if unsearchable is not None:
        raise InputError([f"{name}: the {kind} {unsearchable}; {UNSEARCHABLE_FIX}"])
    if broken_link(path) is not None:
        raise InputError([f"{name}: {broken_link_words(path)}; {BROKEN_LINK_FIX[what]}"])
    if not path.exists():
        missing = MISSING_FILE[what]
        if home_expanded(name) is not None:  # named from a home folder: no relative path to explain
            missing = missing.split(" (a relative path")[0]
        raise InputError([f"{name}: {missing}"])
    if path.is_dir():
        raise InputError([f"{name}: is a folder, not a file; give the path of a YAML file"])
    kind = not_a_file_words(path)
    if kind is not None:
        raise InputError([f"{name}: is {kind}, not a file; give the path of a YAML file"])
    try:
        size = path.stat().st_size
        raw = read_limited(path, MAX_YAML_BYTES) if size <= MAX_YAML_BYTES else None
    except OSError as exc:
        raise InputError([f"{name}: cannot be read ({exc.strerror}); check that the file is readable"]) from None
    if raw is None:  # its size, or, where the system gives none that holds, what was read
        raise InputError([f"{name}: the file is {megabytes(size) + ', ' if size > MAX_YAML_BYTES else ''}more than "
                          f"the {MAX_YAML_BYTES / 1e6:g} MB a YAML file of settings may be; check that it is the file "
                          "meant"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([not_utf8_problem(name, raw, exc)]) from None
    return parse_yaml_text(text, path)


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest node along `loc` that exists in the YAML tree."""
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for k, v in node.value:
                if str(k.value) == str(key):
                    found = (k, v)
                    break
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


@dataclass(frozen=True)
class Origin:
    """Where a set of scenario keys was written: a file, a part of one (a variant), or `--set`."""

    path: Path
    node: yaml.Node | None = None
    prefix: tuple[str, ...] = ()
    command_line: bool = False
    #: The id of the list entry `prefix` reaches, named after its position in the key path
    #: (`[0] (shanshan_anode).capacity`: a committed project); "" for none.
    entry: str = ""
    #: The ids of list entries inside, each with the key path that reaches it from the file's top,
    #: named after its position likewise (`products.lfp.modules[0] (lfp_50kt).capacity`: a catalog
    #: module, `module_entries`).
    entries: tuple[tuple[tuple[Any, ...], str], ...] = ()

    def where(self, loc: tuple[Any, ...]) -> str:
        """`<file>:<line>` of the key at `loc` (the line of its deepest written part)."""
        line = None if self.command_line else line_of(self.node, (*self.prefix, *loc))
        name = shown_path(self.path)
        return f"{name}:{line}" if line else name

    def key(self, loc: tuple[Any, ...]) -> str:
        """The key path as written there: `variants.<name>.` before a variant's keys, `--set `
        (or the name `overrides_named` gives) before a command-line override; the `entry` the
        prefix reaches, and each of `entries` the path passes through, in brackets after its
        position (`[0] (shanshan_anode).capacity`, `products.lfp.modules[0] (lfp_50kt).capacity`)."""
        full = (*self.prefix, *loc)
        path = dotted(full)
        named = [(self.prefix, self.entry)] if self.entry and self.prefix else []
        named += [(at, name) for at, name in self.entries if full[:len(at)] == at]
        for at, name in sorted(named, key=lambda pair: -len(pair[0])):  # the deepest first: heads stay whole
            head = dotted(at)
            path = f"{head} ({name}){path.removeprefix(head)}"
        return (f"{OVERRIDES_NAME.get()} " if self.command_line else "") + path


def _writes(data: Any, loc: tuple[Any, ...], empty_replaces: bool = False) -> bool | None:
    """True when `data` (one layer of settings) sets the value at `loc` or a value replacing it;
    None when it reaches part of the way; False when it does not reach `loc` at all. With
    `empty_replaces` (a layer of the command line's or a call's overrides, whose empty mapping
    clears the one there: `merged_mapping`), an empty mapping at a prefix replaces everything under
    it, so that a key it cleared is named where it was cleared."""
    node = data
    for depth, key in enumerate(loc):
        if not isinstance(node, dict):
            return True  # a value at a prefix replaces everything under it
        match = [k for k in node if str(k) == str(key)]
        if not match:
            return True if empty_replaces and depth and not node else (None if depth else False)
        node = node[match[0]]
    return True


class Locator:
    """Which layer wrote each key of a merged scenario, from the deepest base to the command line:
    the last layer that sets a key (or a value replacing it) wrote it."""

    def __init__(self, layers: list[tuple[Origin, Any]], main: Origin):
        self.layers = layers
        self.main = main

    @classmethod
    def single(cls, path: Path, node: yaml.Node | None, data: Any = None) -> Locator:
        """A locator for one file read as it is (a catalog, a scenario without bases)."""
        origin = Origin(path, node)
        return cls([(origin, data)], origin)

    def origin(self, loc: tuple[Any, ...]) -> Origin:
        for origin, data in reversed(self.layers):
            if _writes(data, loc, origin.command_line):
                return origin
        return self.main

    def where(self, loc: tuple[Any, ...]) -> str:
        return self.origin(loc).where(loc)

    def key(self, loc: tuple[Any, ...]) -> str:
        return self.origin(loc).key(loc)

    def add(self, origin: Origin, data: Any) -> None:
        self.layers.append((origin, data))

    def typed(self, loc: tuple[Any, ...]) -> Any:
        """The value at `loc` as an override gave it (a path as typed, before `from_current_folder`
        rebased it), when an override wrote it; None when a file wrote it, or an override wrote a
        value replacing it."""
        for origin, data in reversed(self.layers):
            if not _writes(data, loc):
                continue
            node = data if origin.command_line else None
            for key in loc:
                if isinstance(node, list):  # a list's item by its index (`--set years=[2023, 0x10]`)
                    node = node[key] if isinstance(key, int) and 0 <= key < len(node) else None
                    continue
                match = [k for k in node if str(k) == str(key)] if isinstance(node, dict) else []
                node = node[match[0]] if match else None
            return node.given if isinstance(node, MadeAbsolute) and node.given is not None else node
        return None

    def written(self, loc: tuple[Any, ...]) -> Any:
        """The value at `loc` as the layer that wrote it gives it: as an override typed it
        (`typed`), or, for a file, the text of its YAML scalar as written there (a path before
        any rebasing onto another folder); None when neither is known (a value replacing it, a
        layer without its node tree)."""
        origin = self.origin(loc)
        if origin.command_line:
            return self.typed(loc)
        node = self._scalar(origin, loc)
        return node.value if node is not None else None

    def quoted_number(self, loc: tuple[Any, ...]) -> str | None:
        """The text of the value at `loc` when its layer types a number in quotes ('2023',
        "2.023e3"), which the schema reads as the number: a file's quoted scalar, or an override's
        text spelling a number that its reader did not take unquoted (not a `NumberText`); None
        otherwise, or where no layer's text is known."""
        origin = self.origin(loc)
        if origin.command_line:
            text = self.typed(loc)
            quoted = isinstance(text, str) and not isinstance(text, (NumberText, MadeAbsolute))
        else:
            node = self._scalar(origin, loc)
            text = node.value if node is not None else None
            quoted = node is not None and node.style in ("'", '"')
        return str(text) if quoted and re.fullmatch(NUMBER_TEXT, str(text)) else None

    @staticmethod
    def _scalar(origin: Origin, loc: tuple[Any, ...]) -> yaml.ScalarNode | None:
        """The YAML scalar node of the file `origin` holding the value at `loc`; None when there is
        none (no node tree, a key it does not write, a list or mapping there)."""
        node = origin.node
        for key in (*origin.prefix, *loc):
            if isinstance(node, yaml.SequenceNode):  # a list's item by its index (committed projects)
                match = [node.value[key]] if isinstance(key, int) and 0 <= key < len(node.value) else []
            else:
                match = ([v for k, v in node.value if str(k.value) == str(key)]
                         if isinstance(node, yaml.MappingNode) else [])
            if not match:
                return None
            node = match[0]
        return node if isinstance(node, yaml.ScalarNode) else None

    def key_written(self, loc: tuple[Any, ...], key: Any,
                    same: Callable[[Any, Any], bool] | None = None) -> tuple[Origin, str] | None:
        """The layer that gives the mapping at `loc` the key `key` (as YAML read it: True, None,
        1e9) and that key as the layer writes it ('true', 'null', '1e9'): a file's as its text
        gives it, an override's as YAML writes it (`key_text`); None when no layer gives it.
        `same`: whether a key as YAML read it is `key` (default `same_key`: equal and of one type;
        a year check passes one that reads 1e9 as the year 1000000000)."""
        same = same or same_key
        for origin, data in reversed(self.layers):
            if origin.command_line:
                held = data
                for part in loc:
                    match = [k for k in held if str(k) == str(part)] if isinstance(held, dict) else []
                    held = held[match[0]] if match else None
                found = [k for k in held if same(k, key)] if isinstance(held, dict) else []
                if found:
                    return origin, key_text(found[0])
                continue
            node = origin.node
            for part in (*origin.prefix, *loc):
                match = ([v for k, v in node.value if str(k.value) == str(part)]
                         if isinstance(node, yaml.MappingNode) else [])
                node = match[0] if match else None
            if not isinstance(node, yaml.MappingNode):
                continue
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and same(key_read(key_node), key):
                    return origin, str(key_node.value)
        return None


def key_read(node: yaml.ScalarNode) -> Any:
    """A mapping's key `node` as the files' loader reads it (a plain `true` as True, `1e9` as
    1e9); its text when it does not read."""
    loader = _Loader("")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value
    finally:
        loader.dispose()


def same_key(a: Any, b: Any) -> bool:
    """Whether `a` and `b` are one key as YAML read it: equal and of one type (true is not 1, nor
    2024.0 2024), NaN being NaN."""
    if type(a) is not type(b):
        return False
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


def key_text(key: Any) -> str:
    """A mapping's key as a message names it when its text is not known: null and true/false as
    YAML writes them, a whole float without its `.0`, else as Python prints it."""
    if key is None or isinstance(key, bool):
        return _shown(key)
    if isinstance(key, float) and key.is_integer():
        return f"{key:g}" if abs(key) >= 1e16 else str(int(key))
    return str(key)


def paths_start(override: bool) -> str:
    """Where a relative path starts, in a message's words: for an `override` (an `Origin` of
    `command_line`: typed on the command line, or given to a Python call, named as
    `OVERRIDES_NAME` says) at the current folder, for a path written in a file at the folder of
    that file."""
    if override:
        return f"a relative path in {OVERRIDES_NAME.get()} starts at the current folder"
    return "relative paths start at the folder of the file that names it"


def near_path(path: Path, written: str | None) -> str:
    """The hint, "; did you mean ...?", for a file `path` (a layer, the catalog, a base scenario),
    written as `written`, that is not there, when the file likely meant is: the path with forward
    slashes for backslashes (a path copied from Windows), or a file in its folder whose name
    differs from it only in letter case (`Sites.GeoJSON` for `sites.geojson`), or both; each as it
    would be written there. "" when there is none, or `written` is not known."""
    if written is None:
        return ""
    forward = written.replace("\\", "/")
    slashes = " (forward slashes)" if forward != written else ""
    meant = Path(str(path).replace("\\", "/")) if slashes else path
    if slashes and os.path.lexists(meant):
        return f"; did you mean {forward!r}{slashes}?"
    try:
        names = sorted(n for n in os.listdir(meant.parent) if n != meant.name and n.casefold() == meant.name.casefold())
    except OSError:  # no such folder, or one that cannot be listed
        return ""
    if not names or not forward.endswith(meant.name):
        return ""
    head = forward[:len(forward) - len(meant.name)]
    return f"; did you mean {joined([repr(head + n) for n in names], last='or')}{slashes}?"


def path_start_words(text: str, override: bool) -> str:
    """Where the path `text` starts, for the message of a file not found there: what is wrong with
    the home folder it starts at (`home_problem`: a `~user` the system does not know, which is
    left as it is, as a shell leaves it), with the fix; else where a relative path starts
    (`paths_start`, for an `override` or a path written in a file)."""
    home = home_problem(text)
    if home is not None:
        return f"the path {home[0]}; {home[1]}"
    return paths_start(override)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated wrappers from a type annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def schema_at(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The (unwrapped) type annotation at `loc` inside `model`, or None when loc leaves it."""
    current: Any = model
    for key in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(key))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return None
    return _unwrap(current)


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model that sits at `loc` (empty when it is not a model)."""
    current = schema_at(model, loc)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def dotted(loc: tuple[Any, ...]) -> str:
    parts = []
    for key in loc:
        if key == "[key]":
            parts[-1] = parts[-1] + " (as a key)"
        elif isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(str(key))
    return ".".join(parts).replace(".[", "[") or "(top level)"


def mapping_keys_as_text(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """`loc` with the keys of mappings (years, for one) as text, so that only list positions
    show as `[i]`: targets.capacity.cells.2024, not targets.capacity.cells[2024]."""
    return tuple(str(k) if isinstance(k, int) and typing.get_origin(schema_at(model, loc[:i])) is dict else k
                 for i, k in enumerate(loc))


#: Keys of earlier versions -> what replaced them (the message of an unknown key says so).
REPLACED_KEYS = {
    "price_level": "price_path; name one of the catalog's price_paths, e.g. price_path: observed",
    "price_levels": "price_paths; give each price path with what it means, e.g. price_paths: {observed: yearly "
                    "average prices of 2022-2024, flat_2024: 2024 prices in every year}",
    "output_value_yuan_per_unit": "price_yuan_per_unit; give the price by price path and year, e.g. "
                                  "price_yuan_per_unit: {observed: {2022: 22000, 2023: 15000, 2024: 10000}}",
}


#: How to add a required key that is missing, where the schema's description of the key (the hint
#: of any other, `missing_problem`) is not enough: a figure of the catalog with the value it
#: typically takes, its unit and the source the shipped catalog gives.
MISSING_HINTS: dict[str, str] = {
    "lifetime_yr": "add the years over which the module's capex is recovered: typically 15 yr for a chemical or "
                   "materials plant, 10 yr for a cell line, e.g. lifetime_yr: 15, with its source under the module's "
                   "sources, e.g. lifetime_yr: 'assumption: 15 years for chemical and materials plants (typical "
                   "depreciation 10-20 years)'",
    "network": "add it: network: {gateway: {name: ..., lon: ..., lat: ..., source: ...}}, the point where imports "
               "arrive and sales leave the region",
}

#: How to fill a setting given empty where it must not be (a list, a mapping, a text or a path),
#: by its key; a setting not named here is told to give at least one entry, or its text or path.
EMPTY_HINTS: dict[str, str] = {
    "years": "list the plan's calendar years, e.g. [2022, 2023, 2024]",
    "folder": "give the output folder, relative to the scenario file, e.g. ../outputs/<scenario name>",
    "price_paths": "give each price path with what it means, e.g. observed: yearly average prices",
    "products": "give at least one product",
    "modules": "give at least one module, with its capacity, capex, land and lifetime",
    "values": "list the values of `field` that are allowed, or leave field and values out for every polygon",
    "source": "say where it comes from",
    "name": "write its name",
    "id": "give it an id of its own",
    "site": "give the id of its site in the sites layer",
    "product": "give the catalog product it makes",
}

#: Pydantic error types of a setting given empty where it must not be.
EMPTY_ERRORS = frozenset({"too_short", "string_too_short", "path_empty"})

#: Pydantic error types of a number outside its allowed range.
BOUND_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


#: What a figure given by price path and year (`siting.config.schema.ByPathAndYear`) holds, by
#: its key, in what unit, and its values in the example of the message of one given in another
#: shape (`shape_problems`): the first price path's, by year, then a flat one's (the shipped
#: catalog's FePO4 price and phosphate rock's import price, yuan per unit).
BY_PATH_AND_YEAR: dict[str, tuple[str, str, tuple[int, ...], int]] = {
    "price_yuan_per_unit": ("prices", "yuan per unit of the product", (22000, 15000, 10000), 10000),
    "import_price_yuan_per_t": ("import prices", "yuan/t", (1200, 1200, 1150), 1150),
}

#: The years of those examples: the shipped plan's.
EXAMPLE_YEARS = (2022, 2023, 2024)


def _by_path_and_year_field(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The part of `loc` (a pydantic error's location) that leads to a figure given by price path
    and year, when it lies in one; None otherwise."""
    bare = _bare(loc)
    for end in range(len(bare), 0, -1):
        if schema_at(model, bare[:end]) == ByPathAndYear:
            return tuple(loc[:end])
    return None


def _is_shape_error(err: Any, depth: int) -> bool:
    """Whether the pydantic error `err`, `depth` keys below a figure by price path and year, is
    about its shape (not a mapping, a price path that is no text: a year, a path whose value is
    not a mapping of years) rather than about one year or price in it."""
    loc = tuple(err["loc"])
    if depth == 0:
        return err["type"] != "missing"
    if depth == 2 and loc[-1] == "[key]":  # a price path given as a number: a year
        return True
    return depth == 1 and err["type"] in ("dict_type", "model_type")


def shape_problems(locator: Locator, model: type[BaseModel], errors: list[Any],
                   price_paths: list[str] | None = None,
                   prices: Mapping[str, tuple[str, str]] | None = None,
                   data: Mapping[str, Any] | None = None) -> tuple[list[str], list[Any]]:
    """One problem per figure given by price path and year (price_yuan_per_unit,
    import_price_yuan_per_t) whose shape is wrong, however many errors pydantic found in it, with
    a one-line example of the right shape under the catalog's own `price_paths` (when known); and
    the other `errors`, left to `format_validation_errors`:

        products.lfp.price_yuan_per_unit | must give prices by price path, then year (got years 2022 and
        2024 with no price path above them); write it as e.g. price_yuan_per_unit: {observed: {2022: ...}}, ...

    A product's price, with the unit of its prices known (`prices`: `catalog_product_prices`) and
    the file as read (`data`), is told in that unit with what it gave as the example, under the
    first price path (`own_price_example`): "write it as e.g. price_yuan_per_unit: {base: {2022:
    400000000, 2023: 400000000, 2024: 400000000}} (the 400000000 given, in every year), in yuan/GWh",
    not the generic 22000 "in yuan per unit of the product"."""
    fields: dict[tuple[Any, ...], list[Any]] = {}
    rest = []
    for err in errors:
        field = _by_path_and_year_field(model, tuple(err["loc"]))
        if field is not None and _is_shape_error(err, len(err["loc"]) - len(field)):
            fields.setdefault(field, []).append(err)
        else:
            rest.append(err)
    problems = []
    for field, found in fields.items():
        name = str(field[-1])
        what, unit, first, flat = BY_PATH_AND_YEAR.get(name, ("figures", "the figure's unit", (3, 2, 1), 1))
        keys = [e["input"] for e in found if e["loc"][-1] == "[key]"]
        years = [k for k in keys if isinstance(k, int) and not isinstance(k, bool)]
        got = [_shown(e["input"]) for e in found if len(e["loc"]) == len(field)]
        if years:
            got.append(f"year{'s' if len(years) > 1 else ''} {years_text(years)} with no price path above "
                       f"{'them' if len(years) > 1 else 'it'}")
        got += [f"{k!r} as a price path" for k in keys if k not in years]
        got += [f"{e['loc'][-1]!r}: {_shown(e['input'])}" for e in found
                if len(e["loc"]) == len(field) + 1 and not isinstance(e["loc"][-1], int)]
        paths = (price_paths or ["observed", "flat_2024"])[:2]
        values = [first, (flat,) * len(EXAMPLE_YEARS)]
        example = "{" + ", ".join(
            f"{p}: {{{', '.join(f'{y}: {v}' for y, v in zip(EXAMPLE_YEARS, values[i], strict=True))}}}"
            for i, p in enumerate(paths)) + "}"
        own = next((prices[str(k)] for k in field[:-1] if prices and str(k) in prices), None)
        if name == "price_yuan_per_unit" and own is not None and isinstance(data, Mapping):
            example, unit = own_price_example(_read_at(data, _bare(field)), paths[0]), own[0]
        bare = _bare(tuple(found[0]["loc"]))
        origin = locator.origin(bare)
        problems.append(f"{origin.where(bare)}: {origin.key(mapping_keys_as_text(model, field))} | must give {what} "
                        f"by price path, then year (got {'; '.join(got)}); write it as e.g. {name}: {example}, "
                        f"in {unit}, under each price path of price_paths")
    return problems, rest


def _shown(value: Any) -> str:
    """A value as a message shows what was given: a text or number as written, null and
    true/false as YAML writes them (not Python's None, True, False), a list or a mapping by its
    kind."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()  # YAML reads 2023-06-30 as a date: shown as written, not as Python's repr
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else repr(value)


def _written_number(locator: Locator, loc: tuple[Any, ...], got: Any) -> str | None:
    """A number `got` at `loc` as its file writes it (-1e3, not -1000.0; 0128 or 0x10, not 128 or
    16), when it is written there as an unquoted number; None otherwise."""
    written = locator.written(loc)
    if isinstance(written, NumberText) and str(written) == got:  # an override's, typed unquoted: -1e3
        return str(written)
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return None
    if isinstance(written, WrittenInt) and written == got:  # an override's, typed so: 0x10
        return written.written
    if not isinstance(written, str):
        return None
    if isinstance(got, int):
        return written if _INT_12.fullmatch(written) and written != str(got) else None
    if not re.fullmatch(NUMBER, written) or float(written.replace("_", "")) != got:
        return None
    return written


def written_list(locator: Locator, loc: tuple[Any, ...], values: Sequence[Any]) -> str:
    """The list `values` (as the schema read the list at `loc`) as its layer writes it, in YAML's
    flow style: each number as written there (`_written_number`: [2023, 2024, 0x7E8], not [2023,
    2024, 2024]; 2023.0 or 2.023e3 where the schema read 2023), by the file's text or as an override
    typed it; any other item as `_shown` writes it (a text quoted, as a message names a text), as is
    a number typed in quotes (['2023'], as the text typed: `Locator.quoted_number`)."""
    def one(i: int, value: Any) -> str:
        quoted = locator.quoted_number((*loc, i))
        if quoted is not None:
            return _shown(quoted)
        found = _written_number(locator, (*loc, i), value)
        if found is not None:
            return found
        written = locator.written((*loc, i))  # a whole number the schema took from 2023.0 or 2.023e3
        if isinstance(value, int) and not isinstance(value, bool) and not isinstance(written, bool):
            if isinstance(written, float) and written == value:  # an override's, as YAML read it
                return repr(written)
            if isinstance(written, str) and re.fullmatch(NUMBER, written) and float(written.replace("_", "")) == value:
                return str(written)
        return _shown(value)

    return "[" + ", ".join(one(i, value) for i, value in enumerate(values)) + "]"


def _rule_message(msg: str, written: str | None, got: Any, shown: str,
                  key_read: tuple[Any, str] | None = None) -> str:
    """A rule's own message `msg`, which may say itself what was given, as a number it formats
    itself ("(got 16)"): that number as the file writes it (`written`: 0x10), else what was given
    (`shown`) after the message. For a key's fault, `key_read` is what the rule said it got
    (1000000000) and the key as written (1e9), which the message says in its place; for a plan
    year out of range ("plan_year"), that year as read and as given."""
    message = plain_message(msg)
    if written is not None and isinstance(got, (int, float)):
        message = message.replace(f"(got {got:g})", f"(got {written})")
    if key_read is not None:
        message = message.replace(f"(got {key_read[0]})", f"(got {key_read[1]})")
    return message + ("" if "(got " in message else f" (got {shown})")


def _key_as_written(locator: Locator, loc: tuple[Any, ...], key: Any
                    ) -> tuple[tuple[Any, ...], tuple[Origin, str] | None]:
    """`loc`, a pydantic error's location, with the key it faults (`key`, before "[key]") as the
    layer that gives it writes it (true, null, 1e9: pydantic's location has 1, 'None',
    '1000000000.0'), and that layer and text (`Locator.key_written`); `loc` as it is and None when
    it faults no key, or no layer gives it."""
    if not loc or loc[-1] != "[key]":
        return loc, None
    found = locator.key_written(tuple(loc[:-2]), key)
    return ((*loc[:-2], found[1], "[key]"), found) if found is not None else (loc, None)


def format_validation_errors(locator: Locator, model: type[BaseModel], error: ValidationError,
                             price_paths: list[str] | None = None,
                             units: Mapping[str, tuple[str, str]] | None = None,
                             prices: Mapping[str, tuple[str, str]] | None = None,
                             data: Mapping[str, Any] | None = None) -> list[str]:
    """One problem per pydantic error, at the file and line that wrote the key; one per figure by
    price path and year given in another shape, with an example under `price_paths`
    (`shape_problems`). `units`: product or target group -> (its catalog unit per year, an
    example figure in it), for the fix of a figure in units/yr given as no number
    (`product_units`, `number_fix`); None where the catalog is not known. `prices`: product ->
    (the unit of its figures in yuan/unit, an example price), with `data`, the file as read, for
    the fix of a price given as no number or under its old key (`catalog_product_prices`,
    `replaced_hint`)."""
    problems, errors = shape_problems(locator, model, error.errors(), price_paths, prices, data)
    problems, errors = invalid_key_problems(locator, errors, problems)
    # A key given under its old name is reported once, as replaced, not also as missing.
    replaced = {(tuple(e["loc"][:-1]), REPLACED_KEYS[str(e["loc"][-1])].split(";")[0].strip())
                for e in errors if e["type"] == "extra_forbidden" and str(e["loc"][-1]) in REPLACED_KEYS}
    # A required key missing where an unknown key is a slip of it is said once, with the slip.
    meant = misspelt_required(model, errors)
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and (loc[:-1], str(loc[-1])) in replaced | set(meant.values()):
            continue
        loc, found = _key_as_written(locator, loc, err.get("input"))
        bare = tuple(k for k in loc if k != "[key]")
        origin = found[0] if found is not None else locator.origin(bare)
        where = origin.where(bare)
        key = origin.key(mapping_keys_as_text(model, loc))
        got = err.get("input")
        # a key's fault: the text written at `bare` is the value the key holds, not the key
        written = None if loc and loc[-1] == "[key]" else _written_number(locator, bare, got)
        shown = written or _shown(got)
        if err["type"] == "extra_forbidden" and str(loc[-1]) in REPLACED_KEYS:
            problems.append(f"{where}: {key} | replaced by {replaced_hint(str(loc[-1]), bare, data, prices)}")
        elif err["type"] == "extra_forbidden":
            options = allowed_keys(model, loc[:-1])
            close = close_key(str(loc[-1]), options)
            required = " (required, missing)" if tuple(err["loc"]) in meant else ""
            hint = (f"did you mean '{close}'{required}?{unit_change(str(loc[-1]), close)}" if close else
                    f"allowed keys: {', '.join(options)}")
            problems.append(f"{where}: {key} | unknown key; {hint}")
        elif err["type"] == "missing":
            problems.append(f"{where}: {key} | {missing_problem(loc, origin.command_line, model)}")
        elif err["type"] in EMPTY_ERRORS and not (got.strip() if isinstance(got, str) else got):
            empty = empty_problem(err["type"], got, str(loc[-1]), origin.command_line)
            problems.append(f"{where}: {key} | {empty}")
        elif err["type"] == "finite_number":  # with the unit and an example, as for a value that is no number
            fix = number_fix(model, bare, units, prices).replace("write the number alone", "give a finite number", 1)
            problems.append(f"{where}: {key} | must be a finite number (got {shown}); {fix}")
        elif err["type"] == "bool_not_number":
            said = "true" if got is True else "false" if got is False else shown  # as YAML writes it
            fix = number_fix(model, bare, units, prices).replace("write the number alone", "give a number", 1)
            problems.append(f"{where}: {key} | must be a number, not true/false (got {said}); {fix}")
        elif err["type"] == "less_than_equal" and err.get("ctx", {}).get("le") in (MAX_YUAN, MAX_QUANTITY):
            problems.append(f"{where}: {key} | {too_large_message(err['ctx']['le'])} (got {shown}); give a "
                            "smaller value, or the figure in larger units")
        elif err["type"] in BOUND_ERRORS:
            fix = swapped_gateway_fix(locator, bare, got) or range_fix(model, bare, units, prices)
            problems.append(f"{where}: {key} | {plain_message(err['msg'])} (got {shown}); {fix}")
        elif err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == NAME_PATTERN:
            example = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(got)).strip("_") or "yunnan_2024"
            problems.append(f"{where}: {key} | may hold only the letters A-Z and a-z, digits and _ . - (got {shown}); "
                            f"write it as e.g. {example!r}")
        elif err["type"] == "path_type":
            problems.append(f"{where}: {key} | {path_type_problem(got, _written_number(locator, bare, got))}")
        elif err["type"] in TYPE_HINTS:
            problems.append(f"{where}: {key} | {type_problem(err['type'], shown, model, bare, units, prices)}")
        elif err["type"] in ("literal_error", "enum"):
            problems.append(f"{where}: {key} | {plain_message(err['msg'])} (got {shown}); give one of those")
        else:  # a rule's message may say itself what was given
            read_as = (err.get("ctx", {}).get("got"), found[1]) if found is not None else None
            read_as = (err["ctx"]["got"], shown) if err["type"] == "plan_year" else read_as  # 1e9, not 1000000000
            message = _rule_message(err["msg"], written, got, shown, read_as)
            problems.append(f"{where}: {key} | {message}")
    return hinted_once(in_file_order(problems))


def misspelt_required(model: type[BaseModel], errors: list[Any]) -> dict[tuple[Any, ...], tuple[tuple[Any, ...], str]]:
    """The unknown keys among pydantic's `errors` that are a slip (`close_key`) of a required key
    missing beside them: the unknown key's location -> (the mapping's location, the missing key),
    so that `yeers` given for `years` is one problem ("did you mean 'years' (required, missing)?"),
    not also "years | required key is missing"."""
    missing = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors if e["type"] == "missing" and e["loc"]}
    meant = {}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] != "extra_forbidden" or not loc or str(loc[-1]) in REPLACED_KEYS:
            continue
        close = close_key(str(loc[-1]), allowed_keys(model, loc[:-1]))
        if close is not None and (loc[:-1], close) in missing:
            meant[loc] = (loc[:-1], close)
    return meant


def invalid_key_problems(locator: Locator, errors: list[Any], problems: list[str]) -> tuple[list[str], list[Any]]:
    """`problems` with one for each of `errors` (pydantic's) that is a key that is no name
    (`invalid_key_problem`), named at the mapping that holds it; the other errors."""
    rest = []
    for err in errors:
        if err["type"] != "invalid_key":
            rest.append(err)
            continue
        bare = tuple(k for k in err["loc"] if k != "[key]")
        origin = locator.origin(bare)
        said = invalid_key_problem(err.get("input"))
        problems = [*problems, f"{origin.where(bare)}: {origin.key(bare[:-1])} | {said}"]
    return problems, rest


def invalid_key_problem(key: Any) -> str:
    """What is wrong with a key that is no name (`key`, as YAML read it): a number, most likely
    the digits after a thousands separator in braces (`{buffer_m: 1,000}` reads as buffer_m 1 and
    a key 000), or true/false/null, to be quoted."""
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        return (f"has a number where a key's name is expected (got {_shown(key)}); likely a number written with a "
                "thousands separator in braces, which the comma splits ({buffer_m: 1,000} reads as buffer_m: 1 and "
                "a key 000): write 1000, without the separator")
    return f"has a key that is not a name (got {_shown(key)}); write the key's name, in quotes if it reads otherwise"


def swapped_gateway_fix(locator: Locator, loc: tuple[Any, ...], got: Any) -> str | None:
    """How to mend a gateway given latitude first, when `got`, out of range at `loc`, is its
    latitude (`network.gateway.lat`) beyond 90 but within 180, a longitude, and its `lon` (as
    written) lies within 90, a latitude; None otherwise."""
    if tuple(str(k) for k in loc)[-3:] != ("network", "gateway", "lat") or isinstance(got, bool):
        return None
    try:
        lat, lon = float(got), float(locator.written((*loc[:-1], "lon")))
    except (TypeError, ValueError):
        return None
    if not (90.0 < abs(lat) <= 180.0 and abs(lon) <= 90.0):
        return None
    return f"it is a longitude, and lon ({lon:g}) a latitude: put the longitude in lon and the latitude in lat"


def missing_problem(loc: tuple[Any, ...], command_line: bool, model: type[BaseModel] | None = None) -> str:
    """What to say of the required key at `loc` that is missing: from a file, with its hint
    (MISSING_HINTS), else what the schema `model` says the key holds (`add it: price paid at an
    in-province source; ... (yuan/t)`), so that the reader learns what to write without opening
    the schema; where the command line's or a call's overrides wrote it (`command_line`), that the
    empty mapping given there for its group cleared it (`_writes`)."""
    if command_line:
        return (f"required key is missing: the empty mapping given for {dotted(loc[:-1])} cleared it; give the key "
                "in that mapping, or leave the setting out to keep the file's")
    hint = MISSING_HINTS.get(str(loc[-1]))
    if hint is None:
        hint = "add it"
        name, described = field_description(model, loc) if model is not None else ("", "")
        if name == str(loc[-1]) and described.strip():
            described = described.strip()
            hint += f": {described if described[1:2].isupper() else described[0].lower() + described[1:]}"
    return f"required key is missing; {hint}"


def hinted_once(problems: list[str]) -> list[str]:
    """`problems` with each hint of MISSING_HINTS given in full by the first problem that has it,
    and the others pointing to that one by its key ("add it: see products.lfp.modules[0]
    (lfp_50kt).lifetime_yr above for its typical value"), so that a catalog missing `lifetime_yr`
    in every module reads it once."""
    first: dict[str, str] = {}
    kept = []
    for problem in problems:
        for hint in MISSING_HINTS.values():
            end = f"| required key is missing; {hint}"
            if not problem.endswith(end):
                continue
            head = problem[:-len(end)].rstrip()
            key = head.split(": ", 1)[1] if ": " in head else head
            if hint in first:
                problem = f"{head} | required key is missing; add it: see {first[hint]} above for its typical value"
            else:
                first[hint] = key
        kept.append(problem)
    return kept


def path_type_problem(got: Any, written: str | None = None) -> str:
    """What is wrong with a path given as a value YAML reads as something else (`got`; `written`:
    a number as the file writes it, 1e3): a number or true/false is to be quoted to be read as the
    path it spells ("must be a path (got 2024, read as a number); quote it: '2024'"); null, a list
    or a mapping is no path at all."""
    if isinstance(got, bool):
        text = "true" if got else "false"
        return f"must be a path (got {text}, read as true/false); quote it: '{text}'"
    if isinstance(got, (int, float)):
        text = written or repr(got)
        return f"must be a path (got {text}, read as a number); quote it: '{text}'"
    if got is None:
        return "must be a path (got null, read as no value); give the path, in quotes if it reads as null"
    what = "a list" if isinstance(got, (list, tuple)) else "a mapping" if isinstance(got, dict) else repr(got)
    return f"must be a path (got {what}); give one path, in quotes if it holds [ ] {{ }} or ': '"


def empty_problem(kind: str, got: Any, name: str, command_line: bool = False) -> str:
    """What is wrong with the setting `name` given empty (`got`: "", [] or {}; `kind`, pydantic's
    error type) and how to fill it (`EMPTY_HINTS`): "must not be empty (got []); list ..."; an
    empty path is said to stand for the folder of the file that names it, or for the current
    folder when it is an override (`command_line`), whose relative paths start there."""
    if kind == "path_empty" and command_line:
        return (f"must not be empty (got {got!r}): an empty path stands for the current folder; give the path "
                f"({paths_start(True)})")
    if kind == "path_empty":
        return (f"must not be empty (got {got!r}): an empty path stands for the folder of the file that names it; "
                + EMPTY_HINTS.get(name, "give the path, relative to the file that names it"))
    fix = EMPTY_HINTS.get(name, "write it" if isinstance(got, str) else "give at least one entry")
    return f"must not be empty (got {got!r}); {fix}"


#: What a layer's problem says of ids that repeat ("<file>: field 'site_id' | duplicate id 'w_mine'
#: ..."): `in_file_order` lists such problems first.
DUPLICATE_ID = "| duplicate id"


def in_file_order(problems: list[str]) -> list[str]:
    """`problems` ("<file>[:line]: ...") grouped by file in the order the files first appear,
    each file's in line order (those without a line first); otherwise as given. A layer's ids
    that repeat (`DUPLICATE_ID`) come before all: a feature that repeats another's id has lost
    its own, so a reference to that one is reported unknown because of it."""
    files: dict[str, int] = {}

    def key(problem: str) -> tuple[bool, int, int]:
        found = re.match(r"^(.*?)(?::(\d+))?: ", problem)
        name, line = (found.group(1), found.group(2)) if found else ("", None)
        return DUPLICATE_ID not in problem, files.setdefault(name, len(files)), int(line) if line else 0

    return sorted(problems, key=key)


#: Plain words and a fix for pydantic's type errors (error type -> (what is wrong, how to fix it)).
TYPE_HINTS: dict[str, tuple[str, str]] = {
    "int_parsing": ("must be a whole number", "write it as digits, without units or decimals"),
    "int_type": ("must be a whole number", "write it as digits, without units or decimals"),
    "int_from_float": ("must be a whole number", "drop the decimals"),
    "float_parsing": ("must be a number", "write the number alone"),  # with its unit: `type_problem`
    "float_type": ("must be a number", "write the number alone"),
    # digits no float holds (siting/config/schema.py `number_text`): a number, but none the tool can read
    "number_too_large": ("too large in size for any number, beyond -1.8e308 to 1.8e308",
                         "give a smaller value, or the figure in larger units"),
    "bool_parsing": ("must be true or false", "write true or false"),
    "bool_type": ("must be true or false", "write true or false"),
    "string_type": ("must be text", "write it as text, in quotes if it looks like a number"),
    "list_type": ("must be a list", "write it as [a, b] or as one '- item' line per entry"),
    "tuple_type": ("must be a list", "write it as [a, b] or as one '- item' line per entry"),
    "set_type": ("must be a list", "write it as [a, b] or as one '- item' line per entry"),
    "dict_type": ("must be a mapping of keys to values", "write one 'key: value' line per entry under it"),
    "model_type": ("must be a mapping of keys to values", "write one 'key: value' line per entry under it"),
    "model_attributes_type": ("must be a mapping of keys to values", "write one 'key: value' line per entry "
                              "under it"),
}


#: How a figure in each unit a schema description ends with (`(bn yuan)`) is written, and an
#: example of one: the fix of a value that is no number (`number_fix`). A number in quotes is
#: read as the number ('1000' is 1000, as in a layer's column of numbers written as text), so
#: the fix is to leave out the units and words, not the quotes.
NUMBER_EXAMPLES: dict[str, tuple[str, str]] = {
    "bn yuan": ("in bn yuan", "0.5"), "yuan": ("in yuan", "1.5e9"), "yuan/yr": ("in yuan/yr", "1.5e9"),
    "yuan/t": ("in yuan/t", "1200"), "yuan/unit": ("in yuan/unit", "10000"),
    "yuan per t and km": ("in yuan per t and km", "0.5"), "m": ("in m", "500"), "km": ("in km", "50"),
    "ha": ("in ha", "20"), "units/yr": ("in units/yr", "50000"), "t/yr": ("in t/yr", "100000"),
    "t/unit": ("in t/unit", "1.5"), "units per unit": ("in units per unit", "1.0"), "kWh/unit": ("in kWh/unit", "2000"),
    "yr": ("in yr", "15"), "s": ("in s", "60"), "%": ("in %", "30"), "km per km": ("in km per km", "1.3"),
    "degrees": ("in degrees", "102.71"), "share": ("as a share", "0.05 for 5 %"), "factor": ("as a factor", "3"),
}

#: Examples of figures whose unit's example does not fit them (`NUMBER_EXAMPLES`), by key.
FIELD_EXAMPLES: dict[str, str] = {"lat": "25.04", "land_price_yuan_per_ha": "1500000", "lead_time_yr": "1"}


def field_description(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, str]:
    """The name and description of the field of `model` that holds the value at `loc` (a
    pydantic error's location): the last field on the way, so that a year's figure of a mapping
    (`targets.capacity.cells.2024`) has the mapping's; ("", "") when `loc` names none."""
    current: Any = model
    found = ("", "")
    for key in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(key))
            if field is None:
                break
            found = (str(key), field.description or "")
            current = field.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            break
    return found


def number_fix(model: type[BaseModel], loc: tuple[Any, ...],
               units: Mapping[str, tuple[str, str]] | None = None,
               prices: Mapping[str, tuple[str, str]] | None = None) -> str:
    """How to write the figure at `loc` of `model` that was given as no number: the number alone,
    in the unit its description ends with, with an example in that unit ("write the number alone,
    in bn yuan, e.g. 0.5"); without a unit known, the number alone. A figure in units/yr of a
    product or target group that `units` gives (product or group -> (unit per year, example),
    `product_units`), named on the way to it (`targets.capacity.cells.2024`), is in that
    product's unit ("in GWh/yr, e.g. 10"); one in yuan/unit of a product that `prices` gives
    (`catalog_product_prices`) is in yuan per that product's unit, and a price has the
    product's own price as its example ("in yuan/GWh, e.g. 500000000 (its base price for 2023)"),
    the other figures none."""
    how, example = number_unit(model, loc, units, prices)
    return "write the number alone" + (f", {how}" if how else "") + (f", e.g. {example}" if example else "")


def number_unit(model: type[BaseModel], loc: tuple[Any, ...],
                units: Mapping[str, tuple[str, str]] | None = None,
                prices: Mapping[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    """The unit of the figure at `loc` of `model` in words and an example in it, as `number_fix`
    and `range_fix` say them: ("in m", "500"), ("in GWh/yr", "10") for a product's figure in
    units/yr that `units` gives, ("in yuan/GWh", "500000000 (its base price for 2023)") for a
    price that `prices` gives; ("", "") where the field's description ends with no known unit. A
    figure in ENTRY_PRODUCT_UNIT (a committed project's `capacity`, in the unit of the product
    its entry names) takes its unit from `units` by its own key (`entry_product_units`)."""
    name, description = field_description(model, loc)
    unit = re.search(r"\(([^()]*)\)$", description)
    how, example = NUMBER_EXAMPLES.get(unit.group(1), ("", "")) if unit else ("", "")
    example = FIELD_EXAMPLES.get(name, example)
    if unit and unit.group(1) in ("units/yr", ENTRY_PRODUCT_UNIT) and units:
        own = next((units[str(k)] for k in loc if str(k) in units), None)
        if own is not None:
            how, example = f"in {own[0]}", own[1]
    if unit and unit.group(1) == "yuan/unit" and prices:
        priced = next((prices[str(k)] for k in loc if str(k) in prices), None)
        if priced is not None:
            how, example = f"in {priced[0]}", priced[1] if name == "price_yuan_per_unit" else ""
    return how, example


#: The unit a field's description ends with where the figure is in the unit per year of the
#: product its entry names (a committed project's `capacity`, siting/config/schema.py
#: `CommittedProject`), not one a key on the way to it names (`number_unit`).
ENTRY_PRODUCT_UNIT = "the product's units/yr"


def entry_product_units(model: type[BaseModel], entry: Mapping[str, Any],
                        units: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Each field of `model` in ENTRY_PRODUCT_UNIT -> the unit per year of the product `entry`
    (an entry as read) names, with an example (`units`: product -> (unit per year, example),
    `product_units`), for `number_unit` to say a value of it out of range or no number in that
    unit: {"capacity": ("t/yr", "50000")} for a committed project of LFP; {} for an entry whose
    product `units` does not give."""
    own = units.get(str(entry.get("product")))
    if own is None:
        return {}
    return {name: own for name, field in model.model_fields.items()
            if (field.description or "").endswith(f"({ENTRY_PRODUCT_UNIT})")}


def range_fix(model: type[BaseModel], loc: tuple[Any, ...],
              units: Mapping[str, tuple[str, str]] | None = None,
              prices: Mapping[str, tuple[str, str]] | None = None) -> str:
    """How to fix the figure at `loc` of `model` given out of its range: "give a value in that
    range", in its unit where one is known (`number_unit`: "give a value in that range, in m"),
    with no example, which might lie outside the range."""
    how, _example = number_unit(model, loc, units, prices)
    return "give a value in that range" + (f", {how}" if how else "")


def type_problem(kind: str, shown: str, model: type[BaseModel], loc: tuple[Any, ...],
                 units: Mapping[str, tuple[str, str]] | None = None,
                 prices: Mapping[str, tuple[str, str]] | None = None) -> str:
    """What is wrong with the value `shown` (as `_shown` shows it) given at `loc` of `model`, of
    the pydantic error type `kind` (one of TYPE_HINTS), and how to fix it: "must be a number (got
    '0.5 bn'); write the number alone, in bn yuan, e.g. 0.5" (`number_fix`, with `units` and
    `prices`)."""
    what, fix = TYPE_HINTS[kind]
    if kind in ("float_parsing", "float_type"):
        fix = number_fix(model, loc, units, prices)
    return f"{what} (got {shown}); {fix}"


def product_units(catalog: Catalog | None, data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Product or target group -> (its catalog unit per year, an example figure in it: the
    capacity of the product's largest module, as the catalog gives it), for the fix of a figure
    in units/yr given as no number (`number_fix`): "cells" -> ("GWh/yr", "10"). A target group
    (`targets.groups` of the scenario as read, `data`) takes its first product's unit and module;
    a group or product the catalog does not define, or of no module, is left out."""
    if catalog is None:
        return {}
    units = {product: (per_year(spec.unit), amount_text(max(m.capacity for m in spec.modules)).replace(",", ""))
             for product, spec in catalog.products.items() if spec.modules}
    targets = data.get("targets")
    groups = targets.get("groups") if isinstance(targets, Mapping) else None
    for group, members in (groups.items() if isinstance(groups, Mapping) else ()):
        first = next((str(m) for m in members if str(m) in units), None) if isinstance(members, list) else None
        if first is not None and str(group) not in units:
            units[str(group)] = units[first]
    return units


def catalog_product_units(data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Product -> (its unit per year, an example figure in it: the capacity of its largest module)
    of a catalog as read (`data`), which failed its schema, for the fix of a figure in units/yr
    of the catalog given as no number (`number_fix`), as `product_units` gives for the scenario's:
    "cells" -> ("GWh/yr", "10"). Only what passes is used: a product without a unit written as
    text is left out, and one whose modules give no capacity that is a positive number has its
    unit with no example ("in GWh/yr")."""
    units: dict[str, tuple[str, str]] = {}
    for product, spec, unit in _products_with_units(data):
        modules = spec.get("modules")
        capacities = [float(m["capacity"]) for m in (modules if isinstance(modules, list) else ())
                      if isinstance(m, Mapping) and _positive_number(m.get("capacity"))]
        units[product] = (per_year(unit), amount_text(max(capacities)).replace(",", "") if capacities else "")
    return units


def _products_with_units(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], str]]:
    """(name, spec, unit) of each product of a catalog as read (`data`, which may have failed its
    schema) whose unit is written as text, in the order written."""
    products = data.get("products")
    for product, spec in (products.items() if isinstance(products, Mapping) else ()):
        unit = spec.get("unit") if isinstance(spec, Mapping) else None
        if isinstance(unit, str) and unit.strip():
            yield str(product), spec, unit


def catalog_product_prices(data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Product -> (the unit of its figures per unit, an example price in it, labelled) of a
    catalog as read (`data`), which failed its schema, for the fix of a figure in yuan/unit given
    as no number (`number_fix`) and of a price under its old key (`replaced_hint`): "cells" ->
    ("yuan/GWh", "500000000 (its base price for 2023)"), the product's first price that is a
    positive number (price paths and years in the order written), else no example. A product
    without a unit written as text is left out."""
    prices: dict[str, tuple[str, str]] = {}
    for product, spec, unit in _products_with_units(data):
        by_path = spec.get("price_yuan_per_unit")
        found = [(f"{number:.15g}", f"its {path} price for {year}")
                 for path, years in (by_path.items() if isinstance(by_path, Mapping) else ())
                 for year, number in (years.items() if isinstance(years, Mapping) else ())
                 if _positive_number(number)]
        prices[product] = (f"yuan/{unit.strip()}", f"{found[0][0]} ({found[0][1]})" if found else "")
    return prices


def _positive_number(value: Any) -> bool:
    """Whether `value` as read is a number (not true/false) above 0 and finite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < math.inf


def replaced_hint(old: str, loc: tuple[Any, ...], data: Mapping[str, Any] | None,
                  prices: Mapping[str, tuple[str, str]] | None) -> str:
    """What replaced the key `old` given at `loc` and how to write it (`REPLACED_KEYS`). A
    product's old output_value_yuan_per_unit in the catalog as read (`data`) is told the unit of
    the product's prices (`prices`: `catalog_product_prices`), and its example is written under
    the catalog's first price path with the first figure the old key gave that is a positive
    number, in every year of the example: "in yuan/GWh, e.g. price_yuan_per_unit: {base: {2022:
    400000000, ...}} (the 400000000 given, in every year)", not the 22000 of a product in t; the
    shape alone where it gave none."""
    own = next((prices[str(k)] for k in loc[:-1] if prices and str(k) in prices), None)
    if old != "output_value_yuan_per_unit" or own is None or not isinstance(data, Mapping):
        return REPLACED_KEYS[old]
    paths = data.get("price_paths")
    path = str(next(iter(paths))) if isinstance(paths, Mapping) and paths else "observed"
    return (f"price_yuan_per_unit; give the price by price path and year, in {own[0]}, e.g. price_yuan_per_unit: "
            f"{own_price_example(_read_at(data, (*loc[:-1], old)), path)}")


def _read_at(data: Any, loc: tuple[Any, ...]) -> Any:
    """The value at the key path `loc` of a file as read (`data`); None where a key on the way is
    not there or lies under no mapping."""
    for key in loc:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


def own_price_example(value: Any, path: str) -> str:
    """A product's prices by price path and year written as the example of a fix, under the price
    path `path`, from what a file gave in another shape or under an old key (`value`, as read):
    prices by year, each a number above 0, as given ("{base: {2023: 500000000, 2024: 400000000}}
    (the prices given, under base)"); else the first number above 0 in it in every year of the
    example ("{base: {2022: 400000000, 2023: 400000000, 2024: 400000000}} (the 400000000 given, in
    every year)"); the shape alone ("{base: {2022: ..., 2023: ..., 2024: ...}}") where it gave none."""
    if (isinstance(value, Mapping) and value and all(_positive_number(v) for v in value.values())
            and all(isinstance(k, int) and not isinstance(k, bool) for k in value)):
        years = ", ".join(f"{year}: {figure:.15g}" for year, figure in value.items())
        return f"{{{path}: {{{years}}}}} (the prices given, under {path})"
    figure = _first_positive(value)
    years = ", ".join(f"{year}: {'...' if figure is None else f'{figure:.15g}'}" for year in EXAMPLE_YEARS)
    given = "" if figure is None else f" (the {figure:.15g} given, in every year)"
    return f"{{{path}: {{{years}}}}}{given}"


def _first_positive(value: Any) -> float | None:
    """The first number above 0 in `value` as read: itself, or within its mappings and lists
    (in the order written); None where there is none."""
    if _positive_number(value):
        return float(value)
    inner = value.values() if isinstance(value, Mapping) else value if isinstance(value, list) else ()
    return next((found for item in inner if (found := _first_positive(item)) is not None), None)


def percent_values(model: BaseModel, loc: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], float]]:
    """(key path, value) of every figure in per cent (a key ending `_pct`) that `model` and the
    settings groups within it give (not null)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from percent_values(value, (*loc, name))
        elif name.endswith("_pct") and isinstance(value, (int, float)) and not isinstance(value, bool):
            yield (*loc, name), float(value)


def percent_notices(loaded: LoadedScenario) -> list[Notice]:
    """A notice for each figure in per cent (`percent_values`: 1 is 1 %) given between 0 and 1,
    which looks like a share (0.309 for 30.9 %), the mirror of the refusal of a share given as a
    percent (siting/config/schema.py `at_most_one`). A notice, not a refusal: a figure below 1 %
    can be real (`constraints.redline.official_share_pct` of a city district with little
    protected land), so the value is kept as given. Each names the file and line that wrote the
    key, as the errors do (`Notice.shown`), and for the run's files, relative to the scenario's
    folder (as `Notice` does)."""
    notices = []
    for loc, value in percent_values(loaded.scenario):
        if not 0 < value < 1:
            continue
        key = loaded.at(*loc)[1]
        shown, hundred = figure_beside(value, 1, grouped=False), figure_beside(value * 100, 100, grouped=False)
        notices.append(key_notice(loaded, loc, (
            f"{key} | looks like a share, not a percent (got {shown}, read as {shown} %); give "
            f"{hundred} for {hundred} %, or leave it if {shown} % is meant")))
    return notices


#: A relative gap (solver.rel_gap, a share) of at least this is taken for a percent written where
#: a share is asked (0.1 for 0.1 %, which is 0.001): a plan proven only within 5 % of the best
#: possible cannot tell apart plans billions of yuan apart (the shipped plan's 5 % is some 10 bn
#: yuan). An estimate of what is plausible, not a bound of the schema (below 1).
GAP_SLIP_SHARE = 0.05

#: A red-line buffer or setback (m) above 0 and below this is taken for one written in km where m
#: are asked (2 for 2 km): a few metres of exclusion round a protected area is less than the
#: drawing error of its polygon. An estimate of what is plausible, not a bound of the schema.
BUFFER_SLIP_M = 10.0


def gap_slip_notices(loaded: LoadedScenario) -> list[Notice]:
    """A notice for a relative gap (solver.rel_gap, a share: 0.01 is 1 %) above `GAP_SLIP_SHARE`
    (5 %, asked for quick runs, passes), which looks like a percent written as the share (0.1 for 0.1 %), the mirror of
    `percent_notices`. A notice, not a refusal: the solve stops within the gap as given. It names
    the file and line that wrote the key (`key_notice`)."""
    gap = loaded.scenario.solver.rel_gap
    if gap <= GAP_SLIP_SHARE:
        return []
    loc = ("solver", "rel_gap")
    key = loaded.at(*loc)[1]
    shown, meant = figure_beside(gap, GAP_SLIP_SHARE, grouped=False), notice_figure(gap / 100)
    percent = slack_percent(gap)
    return [key_notice(loaded, loc, (
        f"{key} | {percent} is a wide gap: a plan up to {percent} dearer than the best may be taken as optimal "
        f"(got {shown}, read as {percent}); give {meant} for {shown} %, or leave it if {percent} is meant"))]


def buffer_slip_notices(loaded: LoadedScenario) -> list[Notice]:
    """A notice for each red-line distance in m (constraints.redline.buffer_m and its setbacks_m)
    above 0 and below `BUFFER_SLIP_M`, which looks like one written in km (2 for 2 km). A notice,
    not a refusal: the red line keeps out what the distance as given keeps out. Each names the
    file and line that wrote the key (`key_notice`)."""
    rule = loaded.scenario.constraints.redline
    given = [(("constraints", "redline", "buffer_m"), rule.buffer_m)]
    given += [(("constraints", "redline", "setbacks_m", str(product), str(category)), metres)
              for product, by_category in rule.setbacks_m.items() for category, metres in by_category.items()]
    notices = []
    for loc, metres in given:
        if not 0 < metres < BUFFER_SLIP_M:
            continue
        key = loaded.at(*loc)[1]
        shown = figure_beside(metres, BUFFER_SLIP_M)
        notices.append(key_notice(loaded, loc, (
            f"{key} | above 0 and below {BUFFER_SLIP_M:g} m (got {shown}, in m): given in km? {shown} km is written "
            f"{notice_figure(metres * 1000).replace(',', '')}; or leave it if {shown} m is meant")))
    return notices


def key_notice(loaded: LoadedScenario, loc: tuple[str, ...], text: str) -> Notice:
    """The notice `text` on the scenario key at `loc` (`text` starts with the key: "key | ..."),
    headed by the file and line that wrote it, as the errors are (`Notice.shown`), and, for the
    run's files, relative to the scenario's folder (an override: the scenario file, no line)."""
    where = loaded.at(*loc)[0]
    origin = loaded.locator.origin(loc) if loaded.locator is not None else Origin(loaded.scenario_path)
    relative = Path(os.path.relpath(origin.path, loaded.scenario_path.parent)).as_posix()
    return Notice(f"{where.replace(shown_path(origin.path), relative, 1)}: {text}", f"{where}: {text}")


#: Below this many yuan a yearly output-value target or capex budget is taken for a figure written
#: in a larger unit where yuan are asked (`yuan_scale_notices`): a target of 20 yuan means nothing
#: in a plan of plants costing hundreds of millions.
SMALL_YUAN = 1e6

#: The most yuan a yearly output-value target or capex budget is taken to mean when a figure is
#: read in a larger unit (`yuan_readings`): 1e12 yuan (1,000 bn yuan), ten times the output value
#: the provincial action plan sets the whole industry for 2024 (1000 亿 yuan = 100 bn yuan/yr). An
#: estimate of what is plausible, not a bound of the model: a reading above it is not suggested.
MOST_YUAN = 1e12

#: The least yearly output value a target is taken to mean when the catalog gives no module's
#: output value in its year simply (no price on the scenario's price path then): 1 亿 yuan (1e8),
#: about the yearly output of the smallest plants of the province's battery-materials chain. An
#: estimate of what is plausible, not a bound of the model.
LEAST_OUTPUT_VALUE_YUAN = 1e8

#: The figures in yuan per year that `yuan_scale_notices` looks at, by key path.
YEARLY_YUAN_KEYS = (("targets", "output_value_yuan"), ("constraints", "budget", "capex_yuan_per_yr"))


def _exponent_form(value: float) -> str:
    """A figure as 2.0e10: one decimal, the exponent without sign or padding when positive."""
    mantissa, _, exponent = f"{value:.1e}".partition("e")
    return f"{mantissa}e{int(exponent)}"


def notice_figure(value: float, digits: int = 6) -> str:
    """A figure as written in a notice: a whole number with thousands separators (2,000,000),
    another to `digits` significant digits, as short as it reads (0.5, 1.5e-05)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{digits}g}"


def figure_beside(value: float, limit: float, digits: int = 6, grouped: bool = True) -> str:
    """`value` as `notice_figure` writes it (without thousands separators unless `grouped`), with
    as many more significant digits as it takes to read on its own side of `limit`, the threshold
    a notice compares it with: 5.0000001 above 5 is "5.0000001", not "5"; 9,999.9999 below
    10,000 is "9,999.9999", not "10,000" (up to 17 digits, which tell any two floats apart)."""
    if not (math.isfinite(value) and math.isfinite(limit)) or value == limit:
        return notice_figure(value, digits) if grouped else notice_figure(value, digits).replace(",", "")
    for places in range(digits, 18):
        shown = notice_figure(value, places)
        read = float(shown.replace(",", ""))
        if (read > limit) == (value > limit) and read != limit:
            break
    return shown if grouped else shown.replace(",", "")


#: The yearly capex budget's key path, which `yuan_scale_notices` also holds to the cheapest module.
BUDGET_KEY = ("constraints", "budget", "capex_yuan_per_yr")
#: Yuan in one 万 yuan, the unit Chinese plans and statistics give money in.
WAN_YUAN = 1e4
#: The larger units a figure in yuan may have been written in, with the yuan in one: 万 yuan and
#: 亿 yuan, in which Chinese plans give money (the action plan's targets are 200, 500 and 1000 亿
#: yuan), and bn yuan, in which the scenario's other money figures and the outputs are given.
YUAN_UNITS = (("万 yuan", WAN_YUAN), ("亿 yuan", 1e8), ("bn yuan", 1e9))


def cheapest_module(catalog: Catalog) -> tuple[str, float] | None:
    """The id and capex (yuan) of the catalog's cheapest module of a positive capex; None for none."""
    costs = [(module.capex_yuan, module.id) for product in catalog.products.values() for module in product.modules
             if module.capex_yuan > 0]
    return (min(costs)[1], min(costs)[0]) if costs else None


def smallest_output_value(catalog: Catalog, price_path: str, year: int) -> float | None:
    """The least yearly output value (yuan/yr) of one module of the catalog in `year`: its capacity
    times its product's utilisation and price on `price_path` in that year, over the modules of
    the products priced so; None when no product is (the catalog gives no module's output value
    simply then)."""
    values = [module.capacity * product.utilisation * product.price_yuan_per_unit[price_path][year]
              for product in catalog.products.values()
              if year in product.price_yuan_per_unit.get(price_path, {}) for module in product.modules]
    values = [value for value in values if value > 0]
    return min(values) if values else None


def yuan_readings(value: float, least: float) -> list[tuple[str, float]]:
    """The readings of `value`, a figure in yuan, in each of `YUAN_UNITS` that are plausible: at
    least `least` yuan and at most `MOST_YUAN`, as (unit, yuan)."""
    return [(unit, value * size) for unit, size in YUAN_UNITS if least <= value * size <= MOST_YUAN]


def yuan_scale_text(key: str, value: float, head: str, readings: list[tuple[str, float]], none: str) -> str:
    """The notice of a figure in yuan, `value`, at `key` that looks written in a larger unit: what
    is wrong with it (`head`), then each plausible reading (`yuan_readings`) as "did you mean 200
    亿 yuan = 2.0e10, or 200 bn yuan = 2.0e11?", or, with none, what to do (`none`)."""
    shown = notice_figure(value)
    if not readings:
        return f"{key} | {head} (got {shown}, in yuan); {none}"
    meant = ", or ".join(f"{shown} {unit} = {_exponent_form(yuan)}" for unit, yuan in readings)
    return (f"{key} | {head} (got {shown}, in yuan): did you mean {meant}? Write the figure in yuan, e.g. "
            f"{_exponent_form(readings[0][1])}, or leave it if {shown} yuan is meant")


def yuan_scale_notice_text(key: str, year: Any, value: float, budget: bool, least: float,
                           cheapest: tuple[str, float] | None) -> str | None:
    """The notice of a yearly figure in yuan, `value` of `year` at `key` (a capex budget when
    `budget`, else an output-value target), that looks written in a larger unit; None for none.
    A figure above 0 and below `SMALL_YUAN` looks so, and so does a budget below the capex of the
    catalog's cheapest module (`cheapest`: its id and capex), which buys no module in its year (the
    budget bounds the capex of the modules decided in it, whole modules). The readings suggested
    are those of at least `least` yuan (a budget: the cheapest module's capex; a target: the least
    output value of one module) and at most `MOST_YUAN`."""
    short = budget and cheapest is not None and 0 < value < cheapest[1]
    # beside the threshold it is compared with, so that it reads below it
    shown = figure_beside(value, SMALL_YUAN if value < SMALL_YUAN or cheapest is None else cheapest[1])
    if not (0 < value < SMALL_YUAN or short):
        return None
    head = f"{shown} yuan is less than {SMALL_YUAN:,.0f} yuan"
    none = f"give the figure in yuan, or leave it if {shown} yuan is meant"
    if short:
        assert cheapest is not None
        module, capex = cheapest
        if value >= SMALL_YUAN:
            head = (f"{shown} yuan buys no module: the cheapest module of the catalog ({module}) costs {capex:,.0f} "
                    f"yuan, so no module can be decided in {year} within the budget")
        none = f"raise it to at least {capex:,.0f} to build in {year}, or leave it if nothing is to be built then"
    return yuan_scale_text(key, value, head, yuan_readings(value, least), none)


def yuan_scale_notices(loaded: LoadedScenario) -> list[Notice]:
    """A notice for each yearly output-value target (targets.output_value_yuan) and capex budget
    (constraints.budget.capex_yuan_per_yr) that looks like a figure written in 万, 亿 or bn yuan
    where yuan are asked (`yuan_scale_notice_text`): one above 0 and below `SMALL_YUAN` yuan (200
    for 200 亿 yuan), the same slip as a capacity target in the wrong unit (siting/prepare/checks.py
    `target_scale_notices`), or a budget below the capex of the catalog's cheapest module. It
    names each plausible reading of the figure, and none that is not: a budget must buy one
    module, a target be at least one module's yearly output value (its capacity, utilisation and
    price on the scenario's price path in its year; `LEAST_OUTPUT_VALUE_YUAN` when the catalog
    does not give that), and neither exceed `MOST_YUAN`. An output-value target of a million yuan
    or more gets none: a small goal, or one the standing plants already meet, is no slip. A
    notice, not a refusal, as `percent_notices` gives: the plan is solved as given. Each names the
    file and line that wrote the figure, and its field."""
    notices = []
    cheapest = cheapest_module(loaded.catalog)
    for path in YEARLY_YUAN_KEYS:
        node: Any = loaded.scenario
        for name in path:
            node = getattr(node, name)
        budget = path == BUDGET_KEY
        for year, value in sorted(node.items()):
            loc = (*path, str(year))
            key = loaded.at(*loc)[1]
            if budget:
                least = cheapest[1] if cheapest is not None else SMALL_YUAN
            else:
                smallest = smallest_output_value(loaded.catalog, loaded.scenario.price_path, year)
                least = smallest if smallest is not None else LEAST_OUTPUT_VALUE_YUAN
            text = yuan_scale_notice_text(key, year, value, budget, least, cheapest)
            if text is None:
                continue
            notices.append(key_notice(loaded, loc, text))
    return notices


def plain_message(message: str) -> str:
    """A pydantic message in the project's words: "Input should be ..." reads "must be ..."
    ("String should have ..." reads "must have ..."), Python's None reads null, as YAML writes
    it ("must be None" reads "must be null"), and a validator's "Value error, " prefix is
    dropped; no final full stop."""
    message = message.rstrip(".")
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    message = re.sub(r"\bNone\b", "null", message)
    return re.sub(r"^(Input|String|List|Tuple|Set|Dictionary|Value) should ", "must ", message)


#: Scenario keys holding paths: a base scenario's relative paths are rebased onto the folder
#: of the file that extends it, so every path still means what it meant in its own file; an
#: override's, given from the current folder, onto the scenario's folder (`from_current_folder`).
PATH_KEYS: tuple[tuple[str, ...], ...] = (("catalog",), ("committed_projects",), ("output", "folder"),
                                          ("layers", "*", "path"), ("calibration", "plants"),
                                          ("calibration", "reference"), ("candidates", "allowed_zone", "path"))


def _map_paths(data: dict[Any, Any], change: Callable[[str], str],
               which: Callable[[str], bool] = is_relative_path) -> None:
    """Replace, in place, each path of `data` (scenario keys, nested) at one of PATH_KEYS for
    which `which(path)` holds (by default a relative one: not absolute, nor from a home folder,
    `~/x.gpkg`, which names the same file from every folder) by `change(path)`; an empty text
    (the schema's problem) and a value that is not a text are left as they are."""
    def walk(node: Any, keys: tuple[str, ...]) -> None:
        if not isinstance(node, dict) or not keys:
            return
        head, rest = keys[0], keys[1:]
        for key in list(node) if head == "*" else [head]:
            if key not in node:
                continue
            if rest:
                walk(node[key], rest)
            elif isinstance(node[key], str) and node[key].strip() and which(node[key]):
                node[key] = change(node[key])

    for keys in PATH_KEYS:
        walk(data, keys)


def _relative_path(target: str, folder: Path) -> str:
    """The absolute path `target` relative to `folder` (POSIX), or `target` itself where no
    relative path joins them (another drive)."""
    try:
        return Path(os.path.relpath(target, folder)).as_posix()
    except ValueError:
        return Path(target).as_posix()


def rebase_paths(data: dict[str, Any], source_dir: Path, target_dir: Path) -> None:
    """Rebase the relative paths of a base scenario's `data` (PATH_KEYS), written relative to
    `source_dir`, onto `target_dir`, in place."""
    _map_paths(data, lambda path: _relative_path(str(followed(source_dir / path)), target_dir))


def _paths_changed(key: str, value: Any, change: Callable[[str], str],
                   which: Callable[[str], bool] = is_relative_path) -> Any:
    """An override's `value` for the dotted `key` (a copy) with `change(path)` for each path in it
    for which `which(path)` holds, by default each relative one (PATH_KEYS: `layers.sites.path=...`,
    or a path inside a mapping given for `layers.sites`: `_map_paths`); other values as they are."""
    layer = override_layer(key, copy.deepcopy(value))
    _map_paths(layer, change, which)
    for _ in key.split("."):
        layer = next(iter(layer.values()))  # the one key each level of `override_layer` has
    return layer


def from_current_folder(key: str, value: Any, folder: Path) -> Any:
    """An override's `value` for the dotted `key` with each relative path in it rebased from the
    current folder, where one typed it, onto the scenario's `folder` (its real path), so that it
    names the file it named where it was typed: `geodata/x.geojson` given in the project's folder
    for a scenario in `scenarios/` becomes `../geodata/x.geojson`."""
    return _paths_changed(key, value, lambda path: _relative_path(os.path.abspath(path), folder))


class MadeAbsolute(str):
    """A path of an override made absolute for a worker process (`absolute_paths`), with the path
    as it was `given` (relative, or from a home folder, `~/x.gpkg`): a path the messages name as
    typed (`typed_as_is`) is named by it (`given_path`), and a message that quotes the value given
    quotes it (`Locator.typed`); None when it was not given relative."""

    given: str | None

    def __new__(cls, path: str, given: str | None = None) -> MadeAbsolute:
        made = super().__new__(cls, path)
        made.given = given
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        # Both parts, so that the path arrives whole in a worker process.
        return MadeAbsolute, (str(self), self.given)


def _made_absolute(path: str) -> MadeAbsolute:
    """The path `path` of an override made absolute, with `path` as given: from a home folder
    (`~/x.gpkg`) expanded as a shell would, a relative one from the current folder."""
    return MadeAbsolute(_absolute(path), path)


def absolute_paths(overrides: tuple[Override, ...]) -> tuple[Override, ...]:
    """`overrides` with each relative path in them made absolute from the current folder, and each
    one from a home folder (`~/x.gpkg`) expanded (`MadeAbsolute`): what a worker process loads a
    run with, so that they name the same files whatever the worker's current folder and home."""
    return tuple((key, _paths_changed(key, value, _made_absolute,
                                      lambda path: not Path(path).is_absolute() and not is_url(path)))
                 for key, value in overrides)


def _given_paths(key: str, value: Any) -> None:
    """Name each path an override (`key`, `value`) gives as it was given in the messages from now
    on, when messages name it so (`given_path`: one from a home folder, an absolute one, or one
    leading out of the current folder; a `MadeAbsolute` one as it was given before it was made
    absolute)."""
    def remember(path: str) -> str:
        if isinstance(path, MadeAbsolute):
            if path.given is not None:
                given_path(path.given, str(path))
        else:
            given_path(path)
        return path

    _paths_changed(key, value, remember, lambda _path: True)


def deep_merge(base: dict[str, Any], override: dict[str, Any], model: type[BaseModel], origin: Origin,
               loc: tuple[str, ...], problems: list[str]) -> dict[str, Any]:
    """Mappings merge key by key; lists and scalars replace. A key that is neither in the base
    nor a setting of the schema at that place is an error naming it where `origin` wrote it;
    keys of free mappings (targets by product, setbacks by product, ...) may be added."""
    merged = dict(base)
    at = schema_at(model, loc)
    free = typing.get_origin(at) is dict
    by_year = free and _year_keyed(typing.get_args(at)[0])
    for key, value in override.items():
        if by_year:
            merged = year_retyped(merged, key, base, override)
        if key not in base and not free and str(key) not in allowed_keys(model, loc):
            options = allowed_keys(model, loc) or [str(k) for k in base]
            close = close_key(str(key), options)
            hint = (f"did you mean '{close}'?{unit_change(str(key), close)}" if close else
                    f"the base has: {', '.join(map(str, base)) or '(none)'}")
            here = (*loc, str(key))
            problems.append(f"{origin.where(here)}: {origin.key(here)} | overrides a key the base scenario does not "
                            f"have; {hint}")
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = deep_merge(base[key], value, model, origin, (*loc, str(key)), problems)
        else:
            merged[key] = value
    return merged


def _year_keyed(annotation: Any) -> bool:
    """Whether `annotation`, a mapping's key type, is a year (schema `YearKey`)."""
    return typing.get_origin(annotation) is Annotated and any(
        getattr(meta, "func", None) is year_key for meta in typing.get_args(annotation)[1:])


def year_retyped(merged: dict[Any, Any], key: Any, base: dict[Any, Any],
                 override: dict[Any, Any]) -> dict[Any, Any]:
    """`merged`, a mapping by year that a variant, an extending file or an override `override`
    sets `key` in over `base`, with the first key of `base` still in it that names the year `key`
    names but is written otherwise ('2024' for 2024, which YAML reads as another key) renamed
    `key`, in its place: the override then replaces the base's figure for that year, as it does
    when both write the year alike, rather than giving it twice. A year `override` gives twice
    stays twice, whichever of its keys comes first ({2024: 1, '2024': 2} over a base writing 2024
    too), for the schema to refuse."""
    year = year_of_key(key)
    if year is None or key in merged:
        return merged
    if any(k is not key and year_of_key(k) == year for k in override):
        return merged
    same = next((k for k in merged if k in base and year_of_key(k) == year), None)
    return merged if same is None else {key if k is same else k: v for k, v in merged.items()}


def located(folder: Path, path: Path | str) -> Path:
    """The path `path` as written in a file of the folder `folder`: from a home folder (`~/x.gpkg`,
    `~user/x.gpkg`) expanded as a shell would, and named so in the messages (`given_path`); a
    relative one from `folder`; any symbolic links resolved (`followed`)."""
    text = str(path)
    home = home_expanded(text)
    if home is not None:
        given_path(text)
    return followed(folder / (home or text))



def extends_chain(scenario_path: Path) -> list[Path]:
    """The files a scenario extends, nearest base first (read only; stops at a cycle, a reference
    that is not a path, or a file that cannot be read, which loading the scenario reports: a
    scenario gone since it was read, say, extends nothing here)."""
    chain: list[Path] = []
    path = scenario_path.resolve()
    seen = {path}
    while True:
        try:
            data, _node = read_yaml(path)
        except InputError:
            return chain
        reference = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(reference, str):
            return chain
        path = located(path.parent, reference)
        if path in seen or not path.is_file():
            return chain
        seen.add(path)
        chain.append(path)


def scenario_files(loaded: LoadedScenario, bases: Sequence[Path] | None = None) -> list[Path]:
    """The input files of a loaded scenario but its layers: the scenario, the bases it extends
    (`bases`, nearest first; None: `extends_chain`'s now), the catalog, the committed projects and
    the plants files of its calibration (`LoadedScenario.calibration_paths`)."""
    chain = extends_chain(loaded.scenario_path) if bases is None else bases
    paths = [loaded.scenario_path, *chain, loaded.catalog_path]
    if loaded.committed.path is not None:
        paths.append(loaded.committed.path)
    return [*paths, *loaded.calibration_paths().values()]


def followed(path: Path) -> Path:
    """`path` absolute with its symbolic links resolved, except a broken one that it ends at or
    that stands on its way where the path's folders are not there yet (a link whose target is
    missing: `broken_link`, `broken_link_above`): the path then stays as written, so that the
    messages name the link as it was written, not the file it would lead to, and an output folder
    below it is refused rather than made where the link points; so too where the system does not
    let a link on the way be followed (PermissionError), which the file's or folder's own check
    (`unsearchable_words`) then tells."""
    if broken_link(path) is not None or broken_link_above(path) is not None:
        return Path(os.path.abspath(path))
    try:
        return path.resolve()
    except OSError:  # a link the system will not read (/proc/1/cwd): the check of the file tells it
        return Path(os.path.abspath(path))


def broken_link_above(path: Path) -> Path | None:
    """The nearest of the folders above `path` (as given, not resolved) that is there, when it is
    a symbolic link that leads to nothing (`broken_link`); None otherwise. A folder made at `path`
    would be made where the link points, outside the path given (`gone/out`, `gone` a link to
    `nowhere/x`: `nowhere/x/out`)."""
    folder = path.parent
    try:
        while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
            folder = folder.parent
    except OSError:  # a name too long, a folder not to be read: the caller's own check names it
        return None
    return folder if broken_link(folder) is not None else None


def broken_link(path: Path) -> str | None:
    """What the symbolic link `path` points to (its target as the link holds it), when `path` is
    a link that leads to no file or folder (its target, or a link after it, is missing); None for
    anything else (a file, a folder, a working link, nothing at all)."""
    try:
        return os.readlink(path) if os.path.islink(path) and not os.path.exists(path) else None
    except OSError:
        return None


#: The longest name, in bytes, of a file or folder where the file system does not say (`name_max`).
NAME_MAX = 255
#: The longest path, in bytes with its closing NUL, that the system takes where it does not say.
PATH_MAX = 4096


def name_max(folder: Path | str) -> int:
    """The longest name, in bytes, that the file system of `folder` (an existing folder) allows
    for a file or folder in it (`PC_NAME_MAX`), or NAME_MAX where the system does not say."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or the folder cannot be asked
        return NAME_MAX


def name_too_long(path: Path | str) -> tuple[int, int] | None:
    """(bytes, limit) of the first part of `path` (a folder on the way, or its own name) longer
    than the file system that would hold it allows (`name_max`, asked of the nearest existing
    folder above the part), or None when no part is. Looks at no file by the part itself, so it
    can be asked before any other look at the path, which such a name makes fail."""
    try:
        absolute = Path(os.path.abspath(path))
    except OSError:  # a relative path, and the current folder is gone: no part is looked at here
        return None
    known = Path(absolute.anchor)
    limit = name_max(known)
    for part in absolute.parts[1:]:
        size = len(os.fsencode(part))
        if size > limit:
            return size, limit
        if os.path.isdir(known / part):  # a mount point below may hold another file system
            known = known / part
            limit = name_max(known)
    return None


def too_long_words(path: Path | str) -> str | None:
    """Why the system cannot look at the file or folder `path` names, in words, or None when it
    can: a part of it longer than its file system allows (`name_too_long`), "has a name of 300
    bytes, longer than the 255 the file system allows", or the whole path, absolute, longer than
    the system takes (`PC_PATH_MAX`, with its closing NUL), "has a path of 5000 bytes, longer than
    the 4095 the system allows". Either makes every look at the path fail (an OSError,
    ENAMETOOLONG), so this is asked first: for an input file, before the checks that it exists
    (`read_yaml`, `referenced_file`, `allowed_zone_problems`, the layers' `read_layer`); for an
    output folder, before the checks of the folder."""
    try:
        absolute = os.path.abspath(path)
    except OSError:  # a relative path, and the current folder is gone: the look at it says so
        return None
    try:
        longest = os.pathconf(Path(absolute).anchor or os.sep, "PC_PATH_MAX") - 1
    except (OSError, ValueError, AttributeError):
        longest = PATH_MAX - 1
    size = len(os.fsencode(absolute))
    if size > longest:
        return f"has a path of {size} bytes, longer than the {longest} the system allows"
    too_long = name_too_long(absolute)
    if too_long is not None:
        return f"has a name of {too_long[0]} bytes, longer than the {too_long[1]} the file system allows"
    return None


#: How to reach an input behind a folder that does not let the user in (`unsearchable_words`).
UNSEARCHABLE_FIX = "check that folder's permissions, or copy the file to a folder you can read"


def _barrier(folder: Path) -> str:
    """Why the folder `folder`, on the way to a path the system does not let the user look at,
    stops them, in words: "does not let you in"; for a symbolic link, "is a symbolic link the system
    does not let you follow" when the link itself cannot be read (/proc/1/cwd, of another user's
    process), else "is a symbolic link to a folder that does not let you in"."""
    if not os.path.islink(folder):
        return "does not let you in"
    try:
        os.readlink(folder)
    except OSError:
        return "is a symbolic link the system does not let you follow"
    return "is a symbolic link to a folder that does not let you in"


def unsearchable_words(path: Path | str) -> str | None:
    """Why the system does not let the user look at the file or folder `path` names, in words, or
    None when it does (or fails for another reason, which the checks after it tell): a folder on
    its way that does not let the user in (no search permission, x, for them), "cannot be looked
    at (Permission denied): the folder /home/ann/data on its path does not let you in". The
    folder is the one above the first part of the path (absolute, as given) that cannot be looked
    at, said to be a symbolic link when it is one (one the system does not let the user follow, as
    /proc/1/cwd for a process of another's: its links cannot be resolved either, `real_path`); where
    each part can and a symbolic link leads beyond, "a folder on the path it leads to".
    Such a folder makes every look at the path fail (a PermissionError, EACCES), which the checks
    that a file exists (`Path.exists`, `is_file`, `is_dir`) raise rather than answer, so this is
    asked before them, after `too_long_words`: `read_yaml`, `referenced_file`,
    `allowed_zone_problems`, the layers' `read_layer`."""
    try:
        os.stat(path)
    except PermissionError as exc:
        reason = exc.strerror or "Permission denied"
    except (OSError, ValueError):  # missing, say: told by the checks after this one
        return None
    else:
        return None
    try:
        absolute = Path(os.path.abspath(path))
    except OSError:  # a relative path, and the current folder is gone
        absolute = None
    if absolute is not None:
        above = Path(absolute.anchor)
        for part in absolute.parts[1:]:
            try:
                os.lstat(above / part)
            except PermissionError:
                return f"cannot be looked at ({reason}): the folder {shown_path(above)} on its path {_barrier(above)}"
            except OSError:
                break
            above = above / part
    return f"cannot be looked at ({reason}): a folder on the path it leads to does not let you in"


def broken_link_words(path: Path, got: str = "") -> str:
    """The problem of a broken symbolic link at `path` (`broken_link`), in words, with what was
    given (`got`, when given) where a message says it: "is a broken symbolic link (got
    'cat.yaml'): it points to 'gone.yaml', which does not exist"."""
    given = f" (got {got})" if got else ""
    target = broken_link(path)
    return f"is a broken symbolic link{given}: it points to {target!r}, {_link_end(path, target)}"


def _link_end(path: Path, target: str | None) -> str:
    """Where the broken link `path`, pointing to `target`, ends, for `broken_link_words`: "which
    does not exist"; "itself a symbolic link that leads to nothing" when `target` is a broken link
    there (`ls` shows it); "and the links from it lead round in a loop" when they do (`self ->
    self`, `a -> b -> a`), where the system gives up."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "and the links from it lead round in a loop"
    else:
        return "which does not exist"
    if target is not None and os.path.islink(os.path.join(os.path.dirname(path), target)):
        return "itself a symbolic link that leads to nothing"
    return "which does not exist"


def which_is(shown: str, target: Path) -> str:
    """A path as given (`shown`, quoted) of a file that is missing or no file, and the file it
    names (`shown_path`) when that reads otherwise: "'other.yaml', which is small/other.yaml", or
    "'nope.yaml'" alone."""
    named = shown_path(target)
    same = shown == named or Path(shown).as_posix() == named
    return repr(shown) if same else f"{shown!r}, which is {named}"


def referenced_file(origin: Origin, key: str | tuple[str, ...], reference: Any, folder: Path, what: str,
                    given: Any = None) -> Path:
    """The existing file that the path `reference` at scenario key `key` (a top-level key, or the
    path of a nested one) names; InputError, naming the key where `origin` wrote it, when it is not
    a path, cannot be looked at (a name too long: `too_long_words`; a folder on its way that does
    not let the user in: `unsearchable_words`), is missing (or a broken symbolic link, named
    itself: `broken_link_words`) or is a folder. The message gives the path as `given` (an
    override's as typed, `Locator.typed`; by default `reference`) and says where relative paths
    start there (`paths_start`)."""
    loc = (key,) if isinstance(key, str) else key
    where = f"{origin.where(loc)}: {origin.key(loc)}"
    shown = reference if given is None else str(given)
    if not isinstance(reference, str) or not reference.strip():
        raise InputError([f"{where} | must be the path of {what} (got {reference!r})"])
    if is_url(reference) or is_url(shown):
        raise InputError([f"{where} | {url_words(shown)}"])
    target = located(folder, reference)
    problem = _reference_problem(where, shown, target, what, origin)
    if problem is not None:
        raise InputError([problem])
    return target


def _reference_problem(where: str, shown: str, target: Path, what: str, origin: Origin) -> str | None:
    """Why the file `target` (given as `shown` at `where`) cannot serve as `what`, or None when it
    is a file that exists: a path the system cannot look at (`too_long_words`,
    `unsearchable_words`), a broken symbolic link, nothing there, a folder, or what is not a
    regular file (a device, a named pipe: `not_a_file_words`) (`referenced_file`,
    `allowed_zone_problems`). Each gives the path as written and the file it names (`which_is`),
    as the layers' problems name theirs: a scenario file in another folder than the current one
    names its catalog as 'catalog.yaml', which is that folder's."""
    got = which_is(shown, target)
    too_long = too_long_words(target)
    if too_long is not None:
        return (f"{where} | the file it names {too_long}, so there can be no such file (got {got}); give the path "
                f"of {what} ({paths_start(origin.command_line)})")
    unsearchable = unsearchable_words(target)
    if unsearchable is not None:
        return f"{where} | the file it names {unsearchable} (got {got}); {UNSEARCHABLE_FIX}"
    if broken_link(target) is not None:
        return f"{where} | {broken_link_words(target, got)}; give the path of {what} itself, or point the link to it"
    if not target.exists():
        return (f"{where} | no such file (got {got}); give the path of {what} "
                f"({path_start_words(shown, origin.command_line)}){near_path(target, shown)}")
    if target.is_dir():
        return f"{where} | is a folder, not a file (got {got}); give the path of {what}"
    kind = not_a_file_words(target)
    if kind is not None:
        return f"{where} | is {kind}, not a file (got {got}); give the path of {what}"
    return None


#: What a YAML file of settings read as `what` (`read_yaml`) is called, and an example of one, for
#: the message of a map layer given in its place.
SETTINGS_FILES = {"scenario": ("a scenario file", "the scenario YAML that names it, e.g. scenarios/yunnan_2024.yaml"),
                  "file": ("a YAML file of settings", "the YAML file meant here, e.g. scenarios/catalog.yaml for the "
                           "catalog")}


def is_geojson(data: Any) -> bool:
    """Whether `data`, a file as YAML read it, is a GeoJSON layer: a mapping whose `type` is a
    GeoJSON object's (FeatureCollection, Feature, a geometry) or that holds `features`."""
    kinds = {"FeatureCollection", "Feature", "GeometryCollection", "Point", "MultiPoint", "LineString",
             "MultiLineString", "Polygon", "MultiPolygon"}
    return isinstance(data, dict) and ("features" in data or data.get("type") in kinds)


#: The kinds of settings file (`settings_kind`): what each is called in a message, briefly and when
#: found in the place of another, and what to give where a file of another kind is given in its place.
SETTINGS_KINDS = {
    "scenario": ("a scenario file", "a scenario file",
                 "the scenario YAML that names it under {key}, e.g. scenarios/yunnan_2024.yaml"),
    "catalog": ("a catalog file", "a catalog file (products, prices and resources)",
                "the catalog file the scenario names under catalog, e.g. scenarios/catalog.yaml"),
    "committed": ("a committed-projects file",
                  "a committed-projects file (a list of projects with site, product and online_year)",
                  "the committed-projects file the scenario names under committed_projects, e.g. "
                  "scenarios/committed_projects.yaml"),
}

#: The key under which a scenario names a file of each kind (for `SETTINGS_KINDS`' advice).
SETTINGS_KEYS = {"catalog": "catalog", "committed": "committed_projects"}


def settings_kind(data: Any) -> str | None:
    """Which kind of settings file `data` (a file as YAML read it) is plainly: "scenario" (a
    mapping with `years` and `layers`, no `products`), "catalog" (a mapping with `products` and
    `price_paths` or `resources`, no `years` or `layers`), "committed" (a list of mappings, each
    with `site`, `product` and `online_year`), or None when it is none of them plainly (a file
    short of keys is then checked key by key as the kind it was given for)."""
    if isinstance(data, dict):
        keys = set(data)
        if "products" in keys and keys & {"price_paths", "resources"} and not keys & {"years", "layers"}:
            return "catalog"
        if {"years", "layers"} <= keys and "products" not in keys:
            return "scenario"
    if isinstance(data, list) and data and all(
            isinstance(item, dict) and {"site", "product", "online_year"} <= set(item) for item in data):
        return "committed"
    return None


def refuse_other_kind(path: Path, data: Any, expected: str) -> None:
    """InputError when `data`, read from `path` for a settings file of kind `expected`
    (`SETTINGS_KINDS`), is plainly a file of another kind (`settings_kind`)."""
    found = settings_kind(data)
    if found is None or found == expected:
        return
    fix = SETTINGS_KINDS[expected][2].format(key=SETTINGS_KEYS.get(found, "extends"))
    raise InputError([f"{shown_path(path)}: is {SETTINGS_KINDS[found][1]}, not {SETTINGS_KINDS[expected][0]}; "
                      f"give {fix}"])


def read_mapping(path: Path, what: str = "file", kind: str | None = None) -> tuple[dict[str, Any], yaml.Node | None]:
    """A YAML file that must hold a mapping of keys at its top level (`what`: as `read_yaml`); a
    GeoJSON layer given in its place is told so, and so is a settings file of another kind than
    `kind` ("scenario" or "catalog", `refuse_other_kind`; None: not checked)."""
    data, node = read_yaml(path, what)
    if data is None:
        raise InputError([f"{shown_path(path)}: (top level) | the file is empty; write its keys, one 'key: value' "
                          "line each (see scenarios/yunnan_2024.yaml and scenarios/catalog.yaml)"])
    if is_geojson(data):
        kind_words, fix = SETTINGS_FILES.get(what, SETTINGS_FILES["file"])
        raise InputError([f"{shown_path(path)}: is a GeoJSON layer, not {kind_words}; give {fix}"])
    if kind is not None:
        refuse_other_kind(path, data, kind)
    if not isinstance(data, dict):
        raise InputError([f"{shown_path(path)}: (top level) | must be a mapping of keys to values (got "
                          f"{_shown(data)}); write one 'key: value' line per key"])
    return data, node


def resolve_extends(path: Path, data: dict[str, Any], node: yaml.Node | None = None,
                    seen: tuple[Path, ...] = (), problems: list[str] | None = None
                    ) -> tuple[dict[str, Any], list[tuple[Origin, Any]]]:
    """The scenario with its `extends:` chain applied (base first, this file's keys on top), and
    the layers of keys each file wrote, deepest base first (for messages at their own lines).

    A key a file overrides that its base lacks (a misspelt key) is left out of the merge: with
    `problems`, its problem is added there, for the caller to list with the scenario's others;
    without, InputError."""
    own = Origin(path, node)
    reference = data.get("extends")
    if reference is None:
        return data, [(own, data)]
    base_path = referenced_file(own, "extends", reference, path.parent, "a base scenario file")
    if base_path in (*seen, path.resolve()):
        raise InputError([f"{own.where(('extends',))}: extends | scenarios extend each other in a cycle through "
                          f"{base_path.name}"])
    base, base_node = read_mapping(base_path, kind="scenario")
    found: list[str] = []
    base, layers = resolve_extends(base_path, base, base_node, (*seen, path.resolve()), found)
    base = dict(base)
    base.pop("extends", None)
    rebase_paths(base, base_path.parent, path.parent)
    override = {k: v for k, v in data.items() if k != "extends"}
    merged = deep_merge(base, override, Scenario, own, (), found)
    if found and problems is None:
        raise InputError(found)
    if problems is not None:
        problems += found
    return merged, [*layers, (own, override)]


def _bare(loc: tuple[Any, ...]) -> tuple[str, ...]:
    """A pydantic error location with its keys as text, ending at a mapping key that is itself at
    fault ("[key]"): the entry under that key is what is at fault."""
    parts: list[str] = []
    for key in loc:
        if key == "[key]":
            break
        parts.append(str(key))
    return tuple(parts)


@dataclass(frozen=True)
class Faults:
    """Where a file's schema problems lie (the locations of its validation errors, keys as text),
    so that the checks run after them leave those parts alone: a reference is checked only when
    it, and what it is compared with, passed the schema."""

    locs: frozenset[tuple[str, ...]] = frozenset()
    #: Mappings with a key of the wrong kind: their set of keys is not known.
    bad_keys: frozenset[tuple[str, ...]] = frozenset()

    @classmethod
    def of(cls, error: ValidationError) -> Faults:
        errors = [tuple(e["loc"]) for e in error.errors()]
        return cls(frozenset(_bare(loc) for loc in errors),
                   frozenset(_bare(loc)[:-1] for loc in errors if loc and loc[-1] == "[key]"))

    def __or__(self, other: Faults) -> Faults:
        return Faults(self.locs | other.locs, self.bad_keys | other.bad_keys)

    def ok(self, *loc: Any) -> bool:
        """True when nothing at `loc`, inside it or around it has a schema problem."""
        here = tuple(str(k) for k in loc)
        return not any(e[:len(here)] == here or here[:len(e)] == e for e in self.locs)

    def whole(self, *loc: Any) -> bool:
        """True when the mapping at `loc` passed the schema with its keys, and what holds it did:
        the keys written are its keys, whatever schema problems lie inside it (a value at fault)."""
        here = tuple(str(k) for k in loc)
        return here not in self.bad_keys and not any(here[:len(e)] == e for e in self.locs)

    def keys(self, data: Any, *loc: Any) -> list[str] | None:
        """The keys of the mapping at `loc` in the raw `data` (none when it is left out), or None
        when that mapping, or what holds it, is at fault: then nobody knows which keys it has."""
        here = tuple(str(k) for k in loc)
        if any(here[:len(e)] == e for e in self.locs) or here in self.bad_keys:
            return None
        node = data
        for key in here:
            if not isinstance(node, dict):
                return None
            match = [k for k in node if str(k) == key]
            if not match:
                return []
            node = node[match[0]]
        return [str(k) for k in node] if isinstance(node, dict) else None


_LEFT_OUT = object()


def _salvage(model: type[BaseModel], value: Any, faults: Faults, loc: tuple[str, ...]) -> Any:
    """`value` (raw, at `loc` of `model`) without its parts at fault, each left out at the deepest
    place the schema lets it be (a setting with a default, an entry of a mapping); _LEFT_OUT when
    the value as a whole cannot stand."""
    under = [e for e in faults.locs if e[:len(loc)] == loc]
    if not under:
        return value
    if any(len(e) == len(loc) for e in under) or not isinstance(value, dict):
        return _LEFT_OUT
    annotation = schema_at(model, loc)
    kept = {}
    for key, item in value.items():
        part = _salvage(model, item, faults, (*loc, str(key)))
        if part is not _LEFT_OUT:
            kept[key] = part
    if not loc:  # the file itself: what it lacks is put in by the caller, or it fails to validate
        return kept
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        required = [name for name, field in annotation.model_fields.items() if field.is_required()]
        return _LEFT_OUT if any(name not in kept for name in required) else kept
    return kept if typing.get_origin(annotation) is dict else _LEFT_OUT


#: Valid values put in place of a scenario's required keys that are at fault, so that the rest
#: can be checked; the checks leave these keys alone (they are among the faults).
STAND_INS: dict[str, Any] = {
    "name": "x", "years": [2000], "catalog": "x", "price_path": "x", "output": {"folder": "x"},
    "layers": {"clusters": {"path": "x"}, "sites": {"path": "x"}},
    "network": {"gateway": {"name": "x", "lon": 0, "lat": 0, "source": "x"}},
}


def salvaged(model: type[BaseModel], data: dict[str, Any], faults: Faults,
             stand_ins: dict[str, Any] | None = None) -> tuple[Any, Faults]:
    """The parts of `data` that pass the schema, validated as `model` (None when they cannot
    make one), and the faults, with any that leaving parts out brought to light (a rule whose
    setting was left out, say)."""
    for _ in range(5):
        kept = _salvage(model, data, faults, ())
        if kept is _LEFT_OUT:
            kept = {}
        kept = {**{k: v for k, v in (stand_ins or {}).items() if k not in kept}, **kept}
        try:
            return model.model_validate(kept), faults
        except ValidationError as exc:
            more = Faults.of(exc)
            if more.locs <= faults.locs:
                break
            faults = faults | more
    return None, faults


Override = tuple[str, Any]

#: What the problems call the overrides: the command line's option `--set`, unless a caller names
#: them after its own argument while it runs (`overrides_named`; `siting.api` says `overrides`).
OVERRIDES_NAME: ContextVar[str] = ContextVar("OVERRIDES_NAME", default="--set")


@contextlib.contextmanager
def overrides_named(name: str) -> Iterator[None]:
    """Name the overrides `name` (e.g. "overrides") in the problems found while the block runs,
    in this thread: "overrides constraints.redline.bufer_m | unknown setting ..." where the
    command line says "--set constraints.redline.bufer_m | ..."."""
    token = OVERRIDES_NAME.set(name)
    try:
        yield
    finally:
        OVERRIDES_NAME.reset(token)


class Unreadable:
    """Stands in for the value of an override that could not be read (a YAML syntax error, a list
    of values where one goes, a text with a key and `=` but no value where one must be given), so
    that its key is at fault in the load that checks the other overrides (`Faults`): the
    scenario file's own value does not silently stand in for it. The schema refuses it; that
    problem, and any other of its key, would repeat the one already given and is left out
    (`without_unreadable`)."""

    def __repr__(self) -> str:
        return UNREADABLE


#: How the schema's problem shows an `Unreadable` value: the problems that quote it are left out.
UNREADABLE = "<unreadable value>"


def unreadable_stand_in(text: str) -> list[Override]:
    """The key of an override `text` that could not be read, with an `Unreadable` value, when it
    has a key and `=` (none for a text without them: no key is known)."""
    key, sep, _values = text.partition("=")
    return [(key.strip(), Unreadable())] if sep and key.strip() else []


def without_unreadable(problems: Sequence[str], overrides: Sequence[Override]) -> list[str]:
    """`problems` (of a load with `overrides`) without those of an `Unreadable` value or its key,
    named as `OVERRIDES_NAME` says: the override's own problem says what is wrong with it."""
    name = OVERRIDES_NAME.get()
    keys = [key for key, value in overrides if isinstance(value, Unreadable)]
    return [problem for problem in problems if UNREADABLE not in problem
            and not any(f"{name} {key} |" in problem or f"{name} {key}." in problem for key in keys)]


def parse_override(text: str) -> tuple[str, list[Any]]:
    """`key.path=v1,v2` -> ("key.path", [v1, v2]); values are read as YAML (a list or mapping in
    flow style, `[lake, forest_park]`, is one value: only commas outside brackets and quotes
    separate values), except that a bare `~` given for a path (PATH_KEYS: `output.folder=~`, or
    `output={folder: ~}`) is the home folder, as a shell would read it, not YAML's null
    (`_home_tildes`); `key.path=`, with nothing after `=`, is the key with an empty text ("",),
    which the schema then reports as empty where a value must not be. InputError, named as
    `OVERRIDES_NAME` says, for a text without a key or `=`, and for a list of values one of which
    is empty (`empty_value_problem`: `buffer_m=500,`), which YAML would read as null."""
    name = OVERRIDES_NAME.get()
    key, sep, values = text.partition("=")
    if not sep or not key.strip():
        raise InputError([f"{name} {text} | expected KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500"])
    if not values.strip():
        return key.strip(), [""]
    parts = top_level_parts(values)
    empty = empty_value_problem(parts)
    if empty is not None:
        raise InputError([f"{name} {text} | {empty}"])
    parsed = [parse_yaml_text(v.strip(), f"{name} {key.strip()}") for v in parts]
    return key.strip(), [_as_typed(_home_tildes(tuple(key.strip().split(".")), data, node), node)
                         for data, node in parsed]


class WrittenInt(int):
    """A whole number an override typed otherwise than as its decimal digits (0x10, 0o17, 01000,
    1_000, +5), which YAML reads as the number: the number, with the text `written` as typed, by
    which a message names it, as a file's is named (`_written_number`: "(got 0x10)", not 16). The
    schema reads it as the plain int it is."""

    written: str

    def __new__(cls, value: int, written: str) -> WrittenInt:
        made = super().__new__(cls, value)
        made.written = written
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        # Both parts, so that the text arrives in a worker process too.
        return WrittenInt, (int(self), self.written)


class NumberText(str):
    """A text an override typed unquoted that spells a number the command line's reader keeps as
    the text typed (1e3, -1.0e3: `_TextLoader`), which the schema reads as that number: a message
    names it unquoted, as typed (`_written_number`: "(got -1e3)"), where a number typed in quotes
    ('-1e3') is named in quotes, as in a file."""

    def __reduce__(self) -> tuple[Any, ...]:
        return NumberText, (str(self),)


for _dumper in _DUMPERS.values():  # an override's value as typed (`parse_override`) is written as its number or text
    _dumper.add_representer(WrittenInt, yaml.SafeDumper.represent_int)
    _dumper.add_representer(NumberText, yaml.SafeDumper.represent_str)


class _TypedDumper(_DUMPERS[_TextLoader]):  # type: ignore[misc,valid-type]
    """The command line's dumper, writing an override's whole number as typed (0x10, not 16) for
    the messages (`written_value`); the command line's reader reads that text back as the number."""


_TypedDumper.add_representer(WrittenInt, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:int",
                                                                                      value.written))


def _as_typed(value: Any, node: yaml.Node | None) -> Any:
    """An override's `value`, as YAML read it into `node`, with each value (not key) that is a whole
    number typed otherwise than as its digits a `WrittenInt`, and each unquoted text that spells a
    number a `NumberText`, so that the messages name them as typed; everything else as it is."""
    if isinstance(node, yaml.ScalarNode) and not node.style:  # plain, unquoted (libyaml says "", PyYAML None)
        if isinstance(value, int) and not isinstance(value, bool) and node.value != str(value):
            return WrittenInt(value, node.value)
        if isinstance(value, str) and re.fullmatch(NUMBER, node.value):
            return NumberText(value)
        return value
    if isinstance(value, list) and isinstance(node, yaml.SequenceNode) and len(value) == len(node.value):
        return [_as_typed(v, n) for v, n in zip(value, node.value, strict=True)]
    if isinstance(value, dict) and isinstance(node, yaml.MappingNode):
        nodes = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        return {k: _as_typed(v, nodes.get(str(k))) for k, v in value.items()}
    return value


#: How an override says "no value", told where a value left empty would have been read as null.
NULL_SAID = " (write null for no value)"


def ordinal(n: int) -> str:
    """`n` as an ordinal number: 1st, 2nd, 3rd, 4th, 11th, 12th, 21st, 112th."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def empty_value_problem(parts: Sequence[str]) -> str | None:
    """What is wrong with the values `parts` of an override split at its commas
    (`top_level_parts`) when there are several and some are empty or spaces only (a comma too
    many: `500,`, `,500`, `0,,500`), which YAML would read as null and the schema then refuse as
    "(got null)", far from the comma: which values are empty (by position), and how to fix it.
    None when none is, or there is one value alone (`KEY=`, an empty text)."""
    empty = [i for i, part in enumerate(parts, start=1) if not part.strip()]
    if len(parts) < 2 or not empty:
        return None
    places = joined([ordinal(i) for i in empty])
    if len(empty) == 1:
        i = empty[0]
        where = ("after the last comma" if i == len(parts) else "before the first comma" if i == 1
                 else "between two commas")
        return f"the {places} value is empty (nothing {where}); give a value there or drop the comma{NULL_SAID}"
    return f"the {places} values are empty; give a value in each or drop the commas too many{NULL_SAID}"



def is_path_key(loc: tuple[str, ...]) -> bool:
    """Whether the scenario key at `loc` (its parts, as text) holds a path (PATH_KEYS)."""
    return any(len(keys) == len(loc) and all(k in ("*", part) for k, part in zip(keys, loc, strict=True))
               for keys in PATH_KEYS)


def _home_tildes(loc: tuple[str, ...], value: Any, node: yaml.Node | None) -> Any:
    """An override's `value` for the key at `loc`, as YAML read it into `node`, with each path
    (`is_path_key`) written as a bare `~`, which YAML reads as null, made the text "~": the home
    folder, as a shell reads it (`home_expanded`). Every other null stays null."""
    if value is None and isinstance(node, yaml.ScalarNode) and node.value == "~" and is_path_key(loc):
        return "~"
    if isinstance(value, dict) and isinstance(node, yaml.MappingNode):
        nodes = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        return {k: _home_tildes((*loc, str(k)), v, nodes.get(str(k))) for k, v in value.items()}
    return value


def top_level_parts(text: str) -> list[str]:
    """`text` split at the commas outside brackets, braces and quotes: "0,[a, b],'x,y'" ->
    ["0", "[a, b]", "'x,y'"]. An unclosed bracket or quote keeps the rest in one part (which
    YAML then reports)."""
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def override_layer(key: str, value: Any) -> dict[Any, Any]:
    """The keys one `--set key.path=value` writes, as nested mappings, each part as
    `apply_override` reads it (`dotted_key_part`)."""
    parts = key.split(".")
    names = [dotted_key_part(tuple(parts[:i]), part) for i, part in enumerate(parts)]
    layer: Any = value
    for name in reversed(names):
        layer = {name: layer}
    return layer


#: How YAML 1.2's core schema writes null as a key (`~:`, `null:`), which the files' loader reads as None.
_NULL_12 = re.compile(r"^(?:~|null|Null|NULL)$")


def dotted_key_part(loc: tuple[str, ...], part: str) -> Any:
    """A part `part` of a dotted override key, below the parts `loc`, as the key it names: digits
    as the whole number; in a mapping by year (`_year_keyed`), true/false and null as YAML reads
    them as a key (True, False, None), so that `--set targets.capacity.cells.true=5` is refused as
    the year `true` is in a file or in `--set "targets.capacity.cells={true: 5}"`
    (`schema.year_key`); else the text itself."""
    if part.isdigit():
        return int(part)
    at = schema_at(Scenario, loc)
    if typing.get_origin(at) is dict and _year_keyed(typing.get_args(at)[0]):
        if _BOOL_12.fullmatch(part):
            return part.lower() == "true"
        if _NULL_12.fullmatch(part):
            return None
    return part


def structure_problem(key: str) -> str | None:
    """What is wrong with an override of the dotted `key` when it sets `extends` or `variants`,
    which shape the scenario file rather than set the run (they are applied before any override,
    which would otherwise be ignored), with how to choose a variant where the call takes one
    (`VARIANT_CHOSEN`) or how to sweep one where it does not; None for any other key."""
    name = OVERRIDES_NAME.get()
    head = key.split(".")[0]
    if head == "extends":
        return (f"{name} {key} | extends is part of a scenario file's structure, not a setting; write extends: "
                "<base scenario file> at the top of a scenario file, and give that file")
    if head == "variants" and not VARIANT_CHOSEN.get():
        return (f"{name} {key} | variants are part of a scenario file's structure, not settings, and a sweep runs "
                "the scenario file's base scenario, not a variant; to sweep a variant, write it as a scenario file "
                "of its own (extends: <the scenario file>, then the variant's settings) and sweep that file")
    if head == "variants":
        choose = "--variant NAME" if name.startswith("--") else "variant='NAME'"
        return (f"{name} {key} | variants are part of a scenario file's structure, not settings; write the variant "
                f"under variants: in a scenario file, and choose it with {choose}")
    return None


#: Whether the call under way may run a variant of the scenario file (`--variant NAME`,
#: `variant='NAME'`), which the problem of an override of `variants` advises (`structure_problem`);
#: a sweep may not (`no_variant_chosen`).
VARIANT_CHOSEN: ContextVar[bool] = ContextVar("VARIANT_CHOSEN", default=True)


@contextlib.contextmanager
def no_variant_chosen() -> Iterator[None]:
    """While the block runs, in this thread, the call under way runs a scenario file's base
    scenario and may choose no variant (a sweep): the problem of an override of `variants` says
    how to sweep one instead of advising an argument the call does not take."""
    token = VARIANT_CHOSEN.set(False)
    try:
        yield
    finally:
        VARIANT_CHOSEN.reset(token)


def merged_mapping(base: Any, value: Any, loc: tuple[str, ...] | None = None) -> Any:
    """`value` set over `base` (at `loc` in the scenario, when known), as `deep_merge` merges a
    variant or an extending file: mappings merge key by key (`--set "constraints.redline={buffer_m:
    2000}"` keeps the setbacks and categories the scenario gives; a year written otherwise than the
    base writes it replaces the base's, `year_retyped`); a list or a scalar replaces, and so does an
    empty mapping (`--set constraints.redline.setbacks_m={}` clears the setbacks). Unknown keys are
    left for the schema to name, where the command line wrote them."""
    if not isinstance(value, dict) or not isinstance(base, dict) or not value:
        return value
    merged = dict(base)
    at = schema_at(Scenario, loc) if loc is not None else None
    by_year = typing.get_origin(at) is dict and _year_keyed(typing.get_args(at)[0])
    for key, item in value.items():
        if by_year:
            merged = year_retyped(merged, key, base, value)
        merged[key] = merged_mapping(merged.get(key), item, None if loc is None else (*loc, str(key)))
    return merged


def apply_override(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key in scenario data, a mapping merged key by key into the one there
    (`merged_mapping`), as a variant is, a year as the key replacing the figure of that year however
    the scenario writes it (`year_retyped`: 2_024 or +2024 for 2024); a key the schema does not know
    is an error naming it, as is `extends` or `variants` (`structure_problem`)."""
    structure = structure_problem(key)
    if structure is not None:
        raise InputError([structure])
    parts = key.split(".")
    node = data
    loc: tuple[str, ...] = ()
    for i, part in enumerate(parts):
        name: Any = dotted_key_part(loc, part)
        last = i == len(parts) - 1
        at = schema_at(Scenario, loc)
        if name not in node and typing.get_origin(at) is dict and _year_keyed(typing.get_args(at)[0]):
            retyped = year_retyped(dict(node), name, node, {name: value})  # 2_024 or +2024 sets the year 2024
            node.clear()
            node.update(retyped)
        if name not in node:
            free = typing.get_origin(schema_at(Scenario, loc)) is dict
            options = allowed_keys(Scenario, loc)
            if not free and part not in options:
                close = close_key(part, options)
                hint = (f"did you mean '{close}'?{unit_change(part, close)}" if close else
                        f"allowed keys: {', '.join(options) or '(none)'}")
                raise InputError([f"{OVERRIDES_NAME.get()} {key} | unknown setting '{dotted((*loc, part))}'; {hint}"])
            if not last:
                node[name] = {}
        if last:
            node[name] = merged_mapping(node.get(name), value, (*loc, part))
        elif not isinstance(node[name], dict):
            raise InputError([f"{OVERRIDES_NAME.get()} {key} | '{dotted((*loc, part))}' is a value, not a group of "
                              "settings"])
        else:
            node = node[name]
        loc = (*loc, part)


def override_parts(key: Any) -> tuple[str, ...]:
    """The parts of a dotted override key, each without the spaces around it: the key
    `targets.capacity.cells.2024` as ("targets", "capacity", "cells", "2024")."""
    return tuple(part.strip() for part in str(key).split("."))


def setting_parts(key: Any) -> tuple[str, ...]:
    """`override_parts` of `key`, a part that names a year (a whole number: 2_024, +2024, 02024,
    2024e0) as the year's digits, as `apply_override` sets it: the parts by which two keys are
    known to set the same setting (`repeated_keys`)."""
    return tuple(part if (year := year_of_key(part)) is None else str(year) for part in override_parts(key))


def written_value(value: Any) -> str:
    """An override's value as a message shows it, as typed: a scalar as `_shown` does (null, true,
    0.5, 'text'), a whole number typed otherwise than as digits and an unquoted text that spells a
    number as typed (0x10, 1e3: `WrittenInt`, `NumberText`), a list or a mapping in YAML's flow
    style ([lake, forest], {buffer_m: 5}, [2023, 0x10])."""
    if isinstance(value, (list, dict)):
        return yaml.dump(value, Dumper=_TypedDumper, default_flow_style=True, width=1_000_000).strip()
    if isinstance(value, (WrittenInt, NumberText)):
        return value.written if isinstance(value, WrittenInt) else str(value)
    return _shown(value)


def setting_text(value: Any) -> str:
    """A setting's value as tables and run labels show it, in the YAML it is written in: a text as
    it is (unquoted), a number as Python writes it (16 for an override's 0x10: the value read),
    null and true/false as YAML does, a date as written (2023-06-30), a list or a mapping in YAML's
    flow style ([lake, forest], {lfp: {lake: 8000}}) rather than as Python's repr."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        return dump_yaml(value, command_line=True, default_flow_style=True, width=1_000_000).strip()
    return _shown(value)


def repeated_keys(keys: Sequence[Any]) -> list[tuple[int, int]]:
    """The pairs (i, j), i < j, of `keys` (dotted override keys) that set the same setting: the
    same key (spaces around its parts aside, a year however written: `setting_parts`), or one a
    group of settings holding the other (`constraints.redline` and `constraints.redline.buffer_m`),
    where the later would replace or change what the earlier set."""
    parts = [setting_parts(key) for key in keys]
    return [(i, j) for i in range(len(parts)) for j in range(i + 1, len(parts))
            if parts[i][:len(parts[j])] == parts[j] or parts[j][:len(parts[i])] == parts[i]]


def repeated_override_problems(overrides: Sequence[Override]) -> list[str]:
    """One problem for each key of `overrides` given twice (`repeated_keys`), named as
    `OVERRIDES_NAME` says, with both values: the later would silently win, or change part of
    the earlier, which the user cannot have meant."""
    name = OVERRIDES_NAME.get()
    problems = []
    for i, j in repeated_keys([key for key, _value in overrides]):
        (first, was), (second, now) = overrides[i], overrides[j]
        if setting_parts(first) == setting_parts(second):
            earlier = "" if override_parts(first) == override_parts(second) else f" for {str(first).strip()}"
            problems.append(f"{name} {str(second).strip()} | given twice (got {written_value(was)}{earlier}, then "
                            f"{written_value(now)}); give it once, with the value meant")
        else:
            outer, inner = sorted((dotted(override_parts(first)), dotted(override_parts(second))), key=len)
            problems.append(f"{name} {str(second).strip()} | {outer} holds {inner}, given too (got "
                            f"{written_value(was)} for {str(first).strip()}, then {written_value(now)}); give "
                            "each setting once")
    return problems


def apply_overrides(path: Path, data: dict[str, Any], locator: Locator, overrides: tuple[Override, ...]) -> list[str]:
    """Apply each `--set` override to `data` (its relative paths, given from the current folder,
    rebased onto the folder of the scenario `path`: `from_current_folder`), recorded in `locator`
    as the command line's, as given; the problems of those that cannot be applied (an unknown
    key), whose values are left out, so that they are reported with the rest, and of a key given
    twice, or within another key given (`repeated_override_problems`). Each problem names the
    scenario file first, as the problems of the overrides' values do (`Origin.where`):
    `scenario.yaml: --set constraints.redline.bufer_m | unknown setting ...`."""
    where = shown_path(path)
    problems: list[str] = [f"{where}: {problem}" for problem in repeated_override_problems(overrides)]
    folder = path.resolve().parent
    for key, value in overrides:
        _given_paths(key, value)
        try:
            apply_override(data, key, from_current_folder(key, value, folder))
        except InputError as exc:
            problems += [f"{where}: {problem}" for problem in exc.problems]
            continue
        locator.add(Origin(path, command_line=True), override_layer(key, value))  # as given, for the messages
    return problems


def defined_variants(path: Path, node: yaml.Node | None, data: dict[str, Any],
                     locator: Locator | None = None) -> dict[str, Any]:
    """The `variants:` mapping of a scenario (after its extends chain): name -> overrides, each a
    mapping (or empty); InputError at the file and line that wrote it when it is not."""
    locator = locator or Locator.single(path, node, data)
    variants = data.get("variants")
    if variants is None:
        return {}
    if not isinstance(variants, dict):
        raise InputError([f"{locator.where(('variants',))}: {locator.key(('variants',))} | must be a mapping of "
                          f"variant names to overrides (got {_shown(variants)}); write each variant as "
                          "'<name>: {<key>: <value>, ...}'"])
    problems = []
    for name, overrides in variants.items():
        if not isinstance(name, str):
            found = locator.key_written(("variants",), name)
            origin, text = found if found is not None else (locator.origin(("variants",)), key_text(name))
            loc = ("variants", text)
            problems.append(f"{origin.where(loc)}: {origin.key(loc)} (as a key) | {variant_name_problem(name, text)}")
        elif overrides is not None and not isinstance(overrides, dict):
            loc = ("variants", name)
            problems.append(f"{locator.where(loc)}: {locator.key(loc)} | a variant is a name with a mapping of "
                            f"overrides (got {_shown(overrides)}); write it as '<name>: {{<key>: <value>, ...}}'")
    if problems:
        raise InputError(problems)
    return variants


def variant_name_problem(name: Any, text: str) -> str:
    """What is wrong with a variant named `name`, which YAML read as no text (a number, true/false
    or null), written `text`: a variant's name is text, chosen with `--variant NAME` and naming a
    run's folder and column, so such a key is to be quoted to be read as the name it spells."""
    read = ("true/false" if isinstance(name, bool) else "no value" if name is None
            else "a number" if isinstance(name, (int, float)) else "no text")
    return (f"a variant's name must be text (got {text}, read as {read}); quote it, '{text}': "
            "{<key>: <value>, ...}, or name the variant with a word")


def scenario_variants(path: Path | str) -> list[str]:
    """Names of the variants a scenario file defines (after its extends chain); a path from a home
    folder is expanded as a shell would (`scenario_file`). A key a file of the chain overrides that
    its base lacks (a misspelt key) does not hide them: the load of the file reports it, with the
    variants' own problems (`load_scenario`). Raises InputError where the chain cannot be read (a
    file missing or not YAML, a cycle)."""
    path = scenario_file(path)
    data, node = read_mapping(path, "scenario", "scenario")
    merged, layers = resolve_extends(path, data, node, problems=[])
    return list(defined_variants(path, node, merged, Locator(layers, Origin(path, node))))


def load_scenario(path: Path | str, variant: str | None = None, overrides: tuple[Override, ...] = ()
                  ) -> LoadedScenario:
    """Read and validate a scenario (a variant of it, with overrides) and its catalog, then
    check cross-references and the solver options (against HiGHS itself).

    Every variant the file defines is checked too, each resolved as it would be when selected,
    so a fault in a variant is found whichever variant (or none) is run.

    Raises InputError listing, in one message, every problem found in the scenario, in the
    catalog and between them (ids referenced but not defined, years outside the periods), then in
    the other variants. Schema problems do not hide the others: the parts that pass the schema
    are checked as well (`salvaged`, `Faults`), each reference only when what it is compared
    with passed too, and then the problems come by file and line (`in_file_order`). Each problem
    names the file and line that wrote the key: the scenario, a base, a variant, or `--set`.
    The error carries what could still be made of the scenario (`InputError.salvage`), for the
    checks of its layers. A `path` from a home folder (`~/proj/s.yaml`) is expanded as a shell
    would; it is named as typed (`scenario_file`) when from a home folder or leading out of the
    current folder (`../proj/s.yaml`), as are the paths typed while `paths_typed` is in force (the
    front door's scenario paths, absolute too, and output folders)."""
    _GIVEN_PATHS.set(None)  # the paths as given of this load alone
    for text, absolute in _TYPED_PATHS.get():
        given_path(text, absolute)
    path = scenario_file(path)
    problems: list[str] = []
    loaded: LoadedScenario | None = None
    salvage: Salvage | None = None
    without_catalog: Salvage | None = None
    try:
        loaded = _load_one(path, variant, overrides)
    except InputError as exc:
        problems.extend(exc.problems)
        salvage, without_catalog = exc.salvage, exc.salvage_without_catalog
    try:
        names = scenario_variants(path)
    except InputError:
        names = []  # the file itself is at fault, which the load above reported
    for name in names:
        if name == variant:
            continue
        try:
            _load_one(path, name, ())
        except InputError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    if problems or loaded is None:
        raise salvaged_error(problems, Salvage(loaded, Faults()) if loaded is not None else salvage,
                             without_catalog)
    return loaded


def scenario_schema_problems(locator: Locator, error: ValidationError | None, catalog: Catalog | None,
                             data: Mapping[str, Any]) -> list[str]:
    """The problems of the scenario's schema `error` (none without one), said once its catalog is
    read (None: not readable), so that a figure in units/yr given as no number is given an
    example in its product's unit (`product_units`)."""
    if error is None:
        return []
    return format_validation_errors(locator, Scenario, error, units=product_units(catalog, data))


def _load_one(path: Path, variant: str | None, overrides: tuple[Override, ...]) -> LoadedScenario:
    """load_scenario for one variant (or none), without checking the other variants."""
    data, node = read_mapping(path, "scenario", "scenario")
    main = Origin(path, node)
    problems: list[str] = []
    data, layers = resolve_extends(path, data, node, problems=problems)
    locator = Locator(layers, main)
    variants = defined_variants(path, node, data, locator)
    if variant is not None and variant not in variants:
        # the base scenario, a run of the file too, is checked with the overrides, so that a
        # misspelt variant hides none of their problems nor its layers'
        problems.append(unknown_variant_problem(path, variant, variants))
        variant = None
    if variant is not None:
        written = locator.origin(("variants", variant))  # this file, or the base that defines the variant
        origin = Origin(written.path, written.node, (*written.prefix, "variants", variant))
        data = apply_variant(path, origin, data, variants, variant, problems)
        locator.add(origin, variants[variant] or {})
    problems += apply_overrides(path, data, locator, overrides)
    faults = Faults()
    schema_error: ValidationError | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:  # the rest is still checked, as far as it passes the schema
        schema_error = exc  # said here once the catalog is read, for the units of its products
        scenario, faults = salvaged(Scenario, data, Faults.of(exc), STAND_INS)
    schema_at = len(problems)
    if scenario is None:
        raise InputError(problems + scenario_schema_problems(locator, schema_error, None, data))
    catalog_path: Path | None = None
    catalog: Catalog | None = None
    keys = CatalogKeys()
    catalog_faults = Faults()
    if faults.ok("catalog"):
        try:
            catalog_path = referenced_file(locator.origin(("catalog",)), "catalog", str(scenario.catalog),
                                           path.parent, "the catalog file", locator.typed(("catalog",)))
        except InputError as exc:
            problems += exc.problems
    if catalog_path is not None:
        catalog, catalog_node, keys, catalog_faults, found, catalog_data = read_catalog(catalog_path)
        problems += found
        if catalog is not None:
            problems += check_catalog(catalog_path, catalog_node, catalog, keys, catalog_faults)
            runs_path = faults.ok("price_path") and scenario.price_path in catalog.price_paths
            if faults.ok("years") and years_in_order(scenario.years) and runs_path:
                problems += check_catalog_years(catalog_path, catalog_node, catalog_data, scenario.years,
                                                scenario.price_path, catalog_faults,
                                                (locator.where(("years",)), locator.key(("years",))))
    problems[schema_at:schema_at] = scenario_schema_problems(locator, schema_error, catalog, data)
    checks = ReferenceCheck(locator, scenario, catalog, faults, data, keys)
    problems += checks.run()
    committed = passed = CommittedProjects()  # passed: its projects that passed the schema, with problems
    if scenario.committed_projects is not None and faults.ok("committed_projects"):
        try:
            committed_path = referenced_file(locator.origin(("committed_projects",)), "committed_projects",
                                             str(scenario.committed_projects), path.parent,
                                             "the committed-projects file", locator.typed(("committed_projects",)))
            passed, found = committed_projects_found(committed_path, catalog, keys.products)
            problems += found
            committed = CommittedProjects() if found else passed
        except InputError as exc:
            problems += exc.problems
    problems += allowed_zone_problems(locator, scenario, path.parent)
    found, plants, reference = calibration_checked(locator, scenario, path.parent, faults, catalog, keys.products,
                                                   committed)
    problems += found
    if faults.locs or catalog_faults.locs:  # problems of what were two rounds, merged by file and line
        problems = in_file_order(problems)
    if problems or catalog is None or catalog_path is None:
        salvage = None
        if catalog is not None and catalog_path is not None and not catalog_faults.locs:  # its ids are known
            salvage = Salvage(LoadedScenario(scenario, catalog, path.resolve(), catalog_path, passed, locator,
                                             plants, reference), faults)
        raise salvaged_error(problems, salvage,
                             salvage_without_catalog(salvage, scenario, faults, path, catalog_path,
                                                     LoadedScenario(scenario, typing.cast(Catalog, None), path, path,
                                                                    passed, locator, plants, reference)))
    options = dict(checks.held_options)  # as HiGHS holds them; a named setting's option takes its place
    named = {setting: options.pop(option) for setting, option in NAMED_SETTINGS.items() if option in options}
    solver = scenario.solver.model_copy(update={**named, "options": options})
    scenario = scenario.model_copy(update={"solver": solver})
    return LoadedScenario(scenario, catalog, path.resolve(), catalog_path, committed, locator, plants, reference,
                          tuple(overrides))


def salvage_without_catalog(salvage: Salvage | None, scenario: Scenario, faults: Faults, path: Path,
                            catalog_path: Path | None, held: LoadedScenario) -> Salvage | None:
    """Without a `salvage` (the catalog failed, or was not found: the layers' values cannot be
    checked against it), the scenario of `path` with its catalog None and where its schema
    problems lie (`faults`), with the committed projects and real plants that passed the schema
    (`held`), for the checks of its layers and of the references to them that need no catalog
    (`InputError.salvage_without_catalog`), where its `layers` passed the schema; None otherwise."""
    if salvage is not None or not faults.ok("layers"):
        return None
    return Salvage(LoadedScenario(scenario, typing.cast(Catalog, None), path.resolve(),
                                  catalog_path or path.resolve(), held.committed, held.locator, held.plants,
                                  held.reference), faults)


@dataclass(frozen=True)
class CatalogKeys:
    """The ids a catalog defines, each None when its mapping failed the schema: then nothing is
    checked against it (every reference would look unknown)."""

    products: list[str] | None = None
    price_paths: list[str] | None = None
    resources: list[str] | None = None

    @classmethod
    def of(cls, catalog: Catalog) -> CatalogKeys:
        return cls(list(catalog.products), list(catalog.price_paths), list(catalog.resources))


def module_entries(products: Any) -> tuple[tuple[tuple[Any, ...], str], ...]:
    """The modules of a catalog's `products` (as read from the file, a mapping of product ids to
    mappings with a `modules` list; anything else is passed over) that have an id, each with its
    key path, for the problems to name them by it (`Origin.entries`):
    `products.lfp.modules[0] (lfp_50kt).capacity`."""
    if not isinstance(products, dict):
        return ()
    entries = []
    for pid, product in products.items():
        modules = product.get("modules") if isinstance(product, dict) else None
        for i, module in enumerate(modules if isinstance(modules, list) else ()):
            name = project_name(module.get("id")) if isinstance(module, dict) else ""
            if name:
                entries.append((("products", str(pid), "modules", i), name))
    return tuple(entries)


def catalog_origin(path: Path, node: yaml.Node | None, products: Any) -> Origin:
    """Where a catalog's keys were written, naming its modules by their ids (`module_entries`)."""
    return Origin(path, node, entries=module_entries(products))


def read_catalog(path: Path) -> tuple[Catalog | None, yaml.Node | None, CatalogKeys, Faults, list[str], dict[str, Any]]:
    """The catalog file as far as it passes the schema: the catalog (its valid part when some of it
    fails, None when that cannot make one), its node tree, the ids it defines (as far as they are
    known), where its schema problems lie, those problems, and the file as read ({} when unread)."""
    try:
        data, node = read_mapping(path, kind="catalog")
    except InputError as exc:
        return None, None, CatalogKeys(), Faults(), exc.problems, {}
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        paths = data.get("price_paths")
        origin = catalog_origin(path, node, data.get("products"))
        problems = format_validation_errors(Locator([(origin, data)], origin), Catalog, exc,
                                            [str(p) for p in paths] if isinstance(paths, dict) else None,
                                            catalog_product_units(data), catalog_product_prices(data), data)
        found = Faults.of(exc)
        part, faults = salvaged(Catalog, data, found)
        keys = CatalogKeys(faults.keys(data, "products"), faults.keys(data, "price_paths"),
                           faults.keys(data, "resources"))
        problems += unchecked_drawn_resource_problems(path, node, data, part.products if part is not None else (),
                                                      keys, found)
        return part, node, keys, faults, problems, data
    return catalog, node, CatalogKeys.of(catalog), Faults(), [], data


def allowed_zone_problems(locator: Locator, scenario: Scenario, folder: Path) -> list[str]:
    """The allowed-zone layer of `candidates:` must be a file that exists, at a path the system can
    look at (`too_long_words`, `unsearchable_words`; relative paths start at the scenario file's
    folder, `folder`, as the scenario holds them); a problem naming the key where it was written,
    and the path as given there, otherwise."""
    zone = scenario.candidates.allowed_zone if scenario.candidates is not None else None
    if zone is None:
        return []
    loc = ("candidates", "allowed_zone", "path")
    origin = locator.origin(loc)
    where = f"{origin.where(loc)}: {origin.key(loc)}"
    target = located(folder, zone.path)
    given = locator.typed(loc)
    shown = str(given) if given is not None else zone.path.as_posix()
    problem = _reference_problem(where, shown, target, "the allowed-zone layer", origin)
    return [problem] if problem is not None else []


def calibration_problems(locator: Locator, scenario: Scenario, folder: Path, faults: Faults) -> list[str]:
    """The committed-projects files `calibration.plants` and `calibration.reference` name must
    exist (relative paths start at the scenario file's folder, `folder`): a problem naming the key
    where it was written otherwise, found with the rest rather than when the calibration is run."""
    calibration = scenario.calibration
    if calibration is None:
        return []
    problems: list[str] = []
    for key in ("plants", "reference"):
        reference = getattr(calibration, key)
        loc = ("calibration", key)
        if reference is None or not faults.ok(*loc):
            continue
        try:
            referenced_file(locator.origin(loc), loc, str(reference), folder, "a committed-projects file",
                            locator.typed(loc))
        except InputError as exc:
            problems += exc.problems
    return problems


def calibration_checked(locator: Locator, scenario: Scenario, folder: Path, faults: Faults, catalog: Catalog | None,
                        products: list[str] | None, committed: CommittedProjects = CommittedProjects()
                        ) -> tuple[list[str], CommittedProjects | None, CommittedProjects | None]:
    """The problems of the files `calibration` names (`calibration_problems`; in mode choose, those
    of the file of `calibration.reference`: `reference_plants`) and, when they are there, the real
    plants of mode fixed the model holds (`fixed_plants`) and those of mode choose the plan is
    scored against (`reference_plants`), each None for none; when a file has problems, which are
    listed then, its plants that passed the schema, as `committed_projects_found` gives them, so
    that their sites are checked in the same run. In
    mode fixed a plants file that lists no plant is refused (`no_plants_problem`), also when it is
    the committed-projects file (`committed`, the scenario's committed projects as loaded); so is
    mode fixed without calibration.plants where the scenario has no committed project
    (`nothing_held_problem`), and mode fixed whose plants all come online after the plan's last
    year (`all_late_problem`): there is then no real plant to check."""
    problems = calibration_problems(locator, scenario, folder, faults)
    if problems or not faults.ok("calibration") or not faults.ok("committed_projects"):
        return problems, None, None
    try:
        plants, found = fixed_plants(locator, scenario, folder, catalog, products)
        reference, also = reference_plants(locator, scenario, folder, catalog, products)
    except InputError as exc:
        return exc.problems, None, None
    found += also
    if found:  # with the plants that passed the schema, whose sites are still checked (`Salvage`)
        return found, plants, reference
    held = plants if plants is not None else committed
    calibration = scenario.calibration
    if calibration is None or calibration.mode != "fixed":
        return [], plants, reference
    if calibration.plants is not None and held.path is not None and not held.projects:
        return [no_plants_problem(locator, str(calibration.plants), held.path)], plants, reference
    if calibration.plants is None and not held.projects:
        if scenario.committed_projects is not None and held.path is None:  # its file failed: its problems say so
            return [], plants, reference
        return [nothing_held_problem(locator, scenario, held)], plants, reference
    years = scenario.years if faults.ok("years") and years_in_order(scenario.years) else []
    if years and held.projects and all(project.online_year > years[-1] for project in held.projects):
        return [all_late_problem(locator, scenario, held, years[-1])], plants, reference
    return [], plants, reference


#: How mode fixed's problems end where it has no real plant to check.
NAME_THE_PLANTS = "name the file of the real plants in calibration.plants, one '- id: ...' entry per plant"


def nothing_held_problem(locator: Locator, scenario: Scenario, committed: CommittedProjects) -> str:
    """Calibration mode fixed without `calibration.plants`, and the scenario has no committed
    project (`committed`: none named, or a file of none), which mode fixed then holds as the real
    plants: there is nothing to check, and a run would not say so."""
    loc = ("calibration", "mode")
    if committed.path is None:
        which = "the scenario has no committed projects"
    else:
        shown = str(locator.written(("committed_projects",)) or scenario.committed_projects)
        which = f"the scenario's committed_projects ({which_is(shown, committed.path)}) lists no project"
    return (f"{locator.where(loc)}: {locator.key(loc)} | mode fixed checks the real plants against the rules, and "
            f"there are none: calibration.plants names no file of them and {which} (got 'fixed'); {NAME_THE_PLANTS}")


def all_late_problem(locator: Locator, scenario: Scenario, held: CommittedProjects, last: int) -> str:
    """Calibration mode fixed whose real plants (`held`: those of `calibration.plants`, or without
    it the scenario's committed projects) all come online after the plan's `last` year: the plan
    holds none of them (siting/prepare/inputs.py `committed_projects` leaves them out), so there is
    nothing to check."""
    calibration = scenario.calibration
    assert calibration is not None and held.path is not None, "mode fixed holds the plants of a file"
    online = years_text({project.online_year for project in held.projects})
    first = min(project.online_year for project in held.projects)
    if calibration.plants is not None:
        loc: tuple[str, ...] = ("calibration", "plants")
        shown = str(locator.written(loc) or calibration.plants)
        which, got = "every plant of the file it names", f"{which_is(shown, held.path)}: online_year {online}"
    else:
        loc = ("calibration", "mode")
        shown = str(locator.written(("committed_projects",)) or scenario.committed_projects)
        which = "every committed project, which mode fixed holds as the real plants without calibration.plants,"
        got = f"'fixed'; committed_projects {which_is(shown, held.path)}: online_year {online}"
    return (f"{locator.where(loc)}: {locator.key(loc)} | {which} comes online after the plan's last year {last}, so "
            f"the plan holds none of them (got {got}); calibration mode fixed checks the plants online by {last} "
            f"against the rules: list them there, or let years run to {first}")


def no_plants_problem(locator: Locator, reference: str, path: Path) -> str:
    """`calibration.plants` (`reference`) names a file (`path`) that lists no plant: there is
    nothing to calibrate against, and a run would not say so (it would solve with no real plant
    held and diagnose what that leaves)."""
    loc = ("calibration", "plants")
    origin = locator.origin(loc)
    shown = str(locator.written(loc) or reference)
    return (f"{origin.where(loc)}: {origin.key(loc)} | the file it names lists no plants (got "
            f"{which_is(shown, path)}); calibration mode fixed checks the real plants of that file against the "
            "rules: list them there, one '- id: ...' entry per plant")


def fixed_plants(locator: Locator, scenario: Scenario, folder: Path, catalog: Catalog | None,
                 products: list[str] | None) -> tuple[CommittedProjects | None, list[str]]:
    """In calibration mode fixed, the real plants of `calibration.plants`, which the model holds
    in place of the scenario's committed projects (`LoadedScenario.plants`), and the file's
    problems (`calibration_plants_file`). None in mode choose and without `calibration.plants`."""
    return calibration_plants_file(locator, scenario, folder, catalog, products, "fixed", "plants")


def reference_plants(locator: Locator, scenario: Scenario, folder: Path, catalog: Catalog | None,
                     products: list[str] | None) -> tuple[CommittedProjects | None, list[str]]:
    """In calibration mode choose, the plants the plan is scored against (`calibration.reference`;
    `LoadedScenario.reference`) and the file's problems (`calibration_plants_file`), read when the
    scenario is loaded rather than once the plan is solved (siting/runs/calibrate.py
    `real_plants`), so that their sites are checked against the sites layer in the same run
    (siting/prepare/checks.py `committed_site_problems`). None in mode fixed and without
    `calibration.reference`."""
    return calibration_plants_file(locator, scenario, folder, catalog, products, "choose", "reference")


def calibration_plants_file(locator: Locator, scenario: Scenario, folder: Path, catalog: Catalog | None,
                            products: list[str] | None, mode: str, key: str
                            ) -> tuple[CommittedProjects | None, list[str]]:
    """In calibration mode `mode`, the plants of the file `calibration.<key>` names (a
    committed-projects file, relative to the scenario file's folder, `folder`) and its problems,
    checked as the committed projects' are (`committed_projects_found`, against the catalog's
    `products`: the plants those that passed the schema, all its problems listed), so that they
    are listed with the scenario's own. (None, []) in another mode, without the key, and when it
    names the scenario's committed-projects file (loaded and checked already). Called once
    `calibration_problems` found the files there. InputError for a file that is no list of
    projects."""
    calibration = scenario.calibration
    if calibration is None or calibration.mode != mode or getattr(calibration, key) is None:
        return None, []
    loc = ("calibration", key)
    path = referenced_file(locator.origin(loc), loc, str(getattr(calibration, key)), folder,
                           "a committed-projects file", locator.typed(loc))
    if scenario.committed_projects is not None and located(folder, scenario.committed_projects).resolve() == \
            path.resolve():
        return None, []
    return committed_projects_found(path, catalog, products)


def unknown_variant_problem(path: Path, variant: str, variants: dict[str, Any]) -> str:
    """The problem of a variant `variant` that the scenario `path` does not define (`variants`,
    its variants): the one it is like, else those it defines; for a file that defines none, the
    scenario files beside it that extend it (`extending_hint`), which stand for its variants."""
    close = close_match(variant, list(variants))
    hint = f"did you mean '{close}'?" if close else f"defined: {', '.join(variants) or '(none)'}"
    extending = extending_hint(path, variant) if not variants else None
    if extending:
        hint += f"; {extending}"
    return f"{shown_path(path)}: variants | no variant named '{variant}'; {hint}"


def extending_hint(path: Path, variant: str, this: str = "this file", verb: str = "run",
                   passed: Sequence[Path] = ()) -> str | None:
    """The scenario files beside the scenario `path` that extend it (`extending_files`), which
    stand for the variants of a file that defines none, offered for the variant `variant` it was
    asked for: the one whose name holds `variant` ("scenarios/yunnan_2024_strict_redline.yaml
    extends this file: run it instead"), else all of them (one alone in the same words). `this`
    names `path` in the words, `verb` is what to do with them ('run' for solve and check,
    'compare' for compare); the files among `passed` (those already given: a comparison's) are
    not offered, nor the others when one named like `variant` is among them. None when there is
    none to offer."""
    extending = extending_files(path)
    named = [p for p in extending if variant.casefold() in p.stem.casefold()]
    given = {p.resolve() for p in passed}
    offered = [p for p in named or extending if p.resolve() not in given]
    if len(offered) == 1:
        return f"{shown_path(offered[0])} extends {this}: {verb} it instead"
    if offered:
        return (f"the scenario files that extend {this} stand for its variants: "
                f"{', '.join(shown_path(p) for p in offered)}; {verb} one of them instead")
    return None


def extending_files(path: Path) -> list[Path]:
    """The scenario files in the folder of the scenario `path` (`*.yaml`, `*.yml`) whose
    `extends:` names it, by name. Each is read as a scenario file is (`read_yaml`), so that one
    the loader would refuse (not UTF-8 YAML, larger than MAX_YAML_BYTES, nested deeper than
    MAX_YAML_DEPTH, a named pipe that would block the read, a symbolic link in a loop, an
    `extends:` no path can be) is passed over: it is no run of this one, and the message this
    list is for must still be given."""
    found = []
    for other in sorted([*path.parent.glob("*.yaml"), *path.parent.glob("*.yml")]):
        try:
            if other.resolve() == path.resolve():
                continue
            data, _node = read_yaml(other)
            base = data.get("extends") if isinstance(data, dict) else None
            if isinstance(base, str) and (other.parent / base).resolve() == path.resolve():
                found.append(other)
        except (InputError, OSError, RuntimeError, ValueError):  # RuntimeError: a symbolic link loop
            continue
    return found


def apply_variant(path: Path, origin: Origin, data: dict[str, Any], variants: dict[str, Any],
                  variant: str, problems: list[str] | None = None) -> dict[str, Any]:
    """The base scenario with one named variant's overrides merged in; the variant is named
    `<base name>-<variant>` unless it sets its own name. Problems are reported where `origin`
    (the variant in its file) wrote them: added to `problems` when given (a key the base lacks
    is then left out of the merge, for the rest to be checked), else raised as InputError."""
    if variant not in variants:
        raise InputError([unknown_variant_problem(path, variant, variants)])
    base = {k: v for k, v in data.items() if k != "variants"}
    overrides = variants[variant] or {}
    found: list[str] = []
    if "extends" in overrides:
        found.append(f"{origin.where(('extends',))}: {origin.key(('extends',))} | a variant may not set extends "
                        f"(got {overrides['extends']!r}); set extends at the top of the scenario file, or make the "
                        "variant a scenario file of its own")
    merged = deep_merge(base, {k: v for k, v in overrides.items() if k != "extends"}, Scenario, origin, (), found)
    if found and problems is None:
        raise InputError(found)
    if problems is not None:
        problems += found
    if "name" not in overrides:
        merged["name"] = f"{base.get('name')}-{variant}"
    return merged


def unknown_value(where: str, key: str, value: str, known: list[str], kind: str,
                  words: dict[str, str] | None = None) -> str:
    """`<where>: <key> | unknown <kind> (got <value>); did you mean ...?`: the known name `value`
    is like (`close_match`), else the one whose words (`words`: words -> name, such as a
    product's name in the catalog) it is like, said with those words; else the known names."""
    words = words or {}
    close = close_match(value, known)
    said = close_match(value, words) if close is None else None
    if close is not None:
        hint = f"did you mean '{close}'?"
    elif said is not None:
        hint = f"did you mean '{words[said]}' ({said})?"
    else:
        hint = f"choose one of: {cut_list(known, KNOWN_SHOWN, ', ') or '(none defined)'}"
    return f"{where}: {key} | unknown {kind} (got {value!r}); {hint}"


#: How many known names a message about an unknown one lists before "and N more".
KNOWN_SHOWN = 12


def unknown_site_problems(committed: CommittedProjects, site_ids: Sequence[str], id_field: str,
                          id_key: str) -> list[str]:
    """The committed projects at a site the sites layer does not define (`site_ids`, the layer's
    ids, from its field `id_field`, which the scenario's key `id_key` names, e.g.
    `layers.sites.id_field` or `--set layers.sites.id_field`), and so the entries that failed the
    schema but give a valid site (`CommittedProjects.site_entries`), each named by its position in
    its file and its id; each unknown id named once, at the
    line of the first project that names it. A slip of a known id is a problem of its own, with
    "did you mean" and the other projects that name it; so is a lone project at an unknown site
    (`unknown_value`). The other unknown ids of several projects are one problem: the layer names
    its sites otherwise than the projects do (most often, its id field is another than the one
    the projects' ids come from); it names each id with how many projects name it and the first
    of them, and the layer's ids once."""
    entries = committed.site_entries()
    by_site: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if entry.site not in site_ids:
            by_site.setdefault(entry.site, []).append(i)

    def key(i: int, field: str = "") -> str:
        return project_key(entries[i].position, entries[i].id, field)

    problems: list[tuple[int, str]] = []
    unmatched: dict[str, list[int]] = {}
    for site, rows in by_site.items():
        close = close_match(site, site_ids)
        if close is None:
            unmatched[site] = rows
            continue
        also = f", also the site of {joined([key(i) for i in rows[1:]], 5)}" if len(rows) > 1 else ""
        problems.append((rows[0], f"{entries[rows[0]].where}: {key(rows[0], 'site')} | unknown site "
                                  f"(got {site!r}{also}); did you mean {close!r}?"))
    first = min((rows[0] for rows in unmatched.values()), default=None)
    if first is not None and sum(len(rows) for rows in unmatched.values()) == 1:
        problems.append((first, unknown_value(entries[first].where, key(first, "site"), entries[first].site,
                                              list(site_ids), "site")))
    elif first is not None:
        def named(site: str, rows: list[int]) -> str:
            project = key(rows[0])
            return f"{site!r} in {project}" if len(rows) == 1 else f"{site!r} in {len(rows)}, from {project}"

        got = [named(site, rows) for site, rows in unmatched.items()]
        shown = cut_list(got, KNOWN_SHOWN)
        count = sum(len(rows) for rows in unmatched.values())
        problems.append((first, f"{entries[first].where}: {key(first, 'site')} | unknown sites in "
                                f"{count} committed projects (got {shown}); the sites layer's ids come from its "
                                f"field {id_field!r} ({id_key}): {listed(site_ids, 5)}; give each project the id of "
                                f"its site there, or set {id_key.split(' ')[-1]} to the field that holds the "
                                "projects' ids"))
    return [problem for _i, problem in sorted(problems, key=lambda pair: pair[0])]


def product_words(catalog: Catalog | None) -> dict[str, str]:
    """A product's name in the catalog, without a closing remark in brackets -> its id, for "did
    you mean" when a product is named in words: "Lithium carbonate" -> "li2co3", "Iron phosphate"
    (of "Iron phosphate (incl. purified phosphoric acid)") -> "fepo4"."""
    if catalog is None:
        return {}
    words: dict[str, str] = {}
    for pid, product in catalog.products.items():
        name = re.sub(r"\s*\([^()]*\)\s*$", "", product.name).strip()
        if name:
            words.setdefault(name, pid)
    return words


def check_catalog(path: Path, node: yaml.Node | None, catalog: Catalog, keys: CatalogKeys | None = None,
                  faults: Faults | None = None) -> list[str]:
    """Problems inside a catalog: repeated module ids, price levels, unknown or circular inputs,
    resources without an entry or on the map only (`price_yuan_per_t: null`) drawn on by a product,
    and resources on the map only without their reason or with import terms.

    `catalog` may be the part of a catalog that passed the schema (`read_catalog`): then `keys` are
    the ids the whole file defines (None: unknown, not checked against) and `faults` where its
    schema problems lie, whose figures are left alone."""
    problems = []
    keys = keys or CatalogKeys.of(catalog)
    faults = faults or Faults()
    products = keys.products
    paths = list(catalog.price_paths)
    module_ids: dict[str, str] = {}
    origin = catalog_origin(path, node, {pid: {"modules": [{"id": m.id} for m in product.modules]}
                                         for pid, product in catalog.products.items()})
    for pid, product in catalog.products.items():
        for i, module in enumerate(product.modules):
            loc = ("products", pid, "modules", i, "id")
            if module.id in module_ids:
                problems.append(
                    f"{origin.where(loc)}: {origin.key(loc)} | module id {module.id!r} "
                    f"is already used by product {module_ids[module.id]!r}; module ids must be unique"
                )
            module_ids[module.id] = pid
        if faults.ok("products", pid, "price_yuan_per_unit"):
            problems += path_problems(path, node, ("products", pid, "price_yuan_per_unit"),
                                      product.price_yuan_per_unit, paths)
        if product.sales_cap_units is not None and product.market is not None:
            loc = ("products", pid, "market")
            problems.append(f"{Origin(path, node).where(loc)}: products.{pid}.market | given with sales_cap_units; "
                            "give one of them")
        problems += drawn_resource_problems(path, node, pid, list(product.resources_t_per_unit), keys,
                                            {rid: r.price_yuan_per_t for rid, r in catalog.resources.items()})
        for upstream in product.inputs:
            if products is None:
                continue
            if upstream not in products:
                loc = ("products", pid, "inputs", upstream)
                problems.append(unknown_value(f"{Origin(path, node).where(loc)}", f"products.{pid}.inputs", upstream,
                                         products, "product"))
            elif upstream == pid:
                loc = ("products", pid, "inputs", upstream)
                problems.append(f"{Origin(path, node).where(loc)}: products.{pid}.inputs | a product cannot be its own "
                                "input")
    for rid, resource in catalog.resources.items():
        if resource.price_yuan_per_t is None:
            problems += mapped_only_problems(path, node, rid, resource)
        elif resource.import_price_yuan_per_t is not None and faults.ok("resources", rid, "import_price_yuan_per_t"):
            problems += path_problems(path, node, ("resources", rid, "import_price_yuan_per_t"),
                                      resource.import_price_yuan_per_t, paths)
    for cycle in input_cycles(catalog):
        loc = ("products", cycle[0], "inputs", cycle[1])
        problems.append(f"{Origin(path, node).where(loc)}: products.{cycle[0]}.inputs | products are inputs of one "
                        f"another in a cycle: {' -> '.join(cycle)} (each takes the next as an input); remove one "
                        "of these inputs")
    return problems


#: A product's price below this share of what one unit of it costs to make at the catalog's own
#: prices (its inputs, raw resources and other variable costs) is taken for a price given in a
#: larger unit (`catalog_unit_notices`): the shipped catalog's prices lie at 1.08 times that cost
#: or more in every year, and a price in 万 yuan is 10,000 times too small.
PRICE_COST_SHARE = 0.1

#: A module's capex per unit of yearly capacity below this share of a year's sales of that
#: capacity, at its product's lowest price, is taken for a capex given in a larger unit
#: (`catalog_unit_notices`): the shipped modules' capex is 0.08 to 2.3 times such a year's sales.
CAPEX_SALES_SHARE = 0.01

#: How many of a product's prices below its cost a notice names (`catalog_unit_notices`).
PRICE_SLIPS_SHOWN = 3


def unit_cost(catalog: Catalog, pid: str, path: str, year: int) -> float:
    """What one unit of product `pid` costs to make in `year` on price path `path` at the catalog's
    own prices: its inputs at their prices of that path and year (an input priced only on other
    paths or years counts nothing), its raw resources at their in-province price and its other
    variable cost (yuan/unit; energy left out, its tariff being the layers')."""
    product = catalog.products[pid]
    cost = product.other_variable_cost_yuan_per_unit
    for upstream, amount in product.inputs.items():
        if upstream in catalog.products and upstream != pid:
            cost += amount * catalog.products[upstream].price_yuan_per_unit.get(path, {}).get(year, 0.0)
    for resource, tonnes in product.resources_t_per_unit.items():
        price = catalog.resources[resource].price_yuan_per_t if resource in catalog.resources else None
        cost += tonnes * (price or 0.0)
    return cost


def catalog_unit_notices(path: Path, node: yaml.Node | None, catalog: Catalog) -> list[str]:
    """Notices of catalog figures likely given in a larger unit than the catalog's yuan: a
    product's price above 0 and below PRICE_COST_SHARE of what one unit costs to make at the
    catalog's own prices (`unit_cost`) in a year of a price path (a price in 万 yuan/t, or per kg
    where the unit is t), and a module's capex above 0 and below CAPEX_SALES_SHARE of a year's
    sales of its capacity at its product's lowest price above 0 (a capex in 万 yuan). Neither can
    hold of a working plant, so neither fires on sane figures; a notice, not a refusal: the plan
    uses the figures as given. Each names the file and line, the key, the figures with their units
    and the likely slip."""
    origin = catalog_origin(path, node, {pid: {"modules": [{"id": m.id} for m in product.modules]}
                                         for pid, product in catalog.products.items()})
    notices = []
    for pid, product in catalog.products.items():
        unit = product.unit
        low = [(path_id, year, price, unit_cost(catalog, pid, path_id, year))
               for path_id, by_year in product.price_yuan_per_unit.items() for year, price in sorted(by_year.items())]
        low = [entry for entry in low if 0 < entry[2] < PRICE_COST_SHARE * entry[3]]
        if low:
            loc = ("products", pid, "price_yuan_per_unit")
            figures = cut_list((f"{path_id} {year}: {figure_beside(price, PRICE_COST_SHARE * cost)} yuan/{unit} "
                                f"against {cost:,.0f}" for path_id, year, price, cost in low), PRICE_SLIPS_SHOWN)
            notices.append(
                f"{origin.where(loc)}: {origin.key(loc)} | below {PRICE_COST_SHARE * 100:g} % of what one {unit} "
                f"costs to make at the catalog's own prices (its inputs, raw resources and other variable costs): "
                f"{figures}: given in 万 yuan/{unit}, or per a smaller unit than {unit}? Prices are in "
                f"yuan/{unit} (4 万 yuan/{unit} is written 40000); the plan uses the figures as given")
        prices = [(price, path_id, year) for path_id, by_year in product.price_yuan_per_unit.items()
                  for year, price in sorted(by_year.items()) if price > 0]
        if not prices:
            continue
        least, path_id, year = min(prices)
        for i, module in enumerate(product.modules):
            per_unit = module.capex_yuan / module.capacity
            if not 0 < per_unit < CAPEX_SALES_SHARE * least:
                continue
            loc = ("products", pid, "modules", i, "capex_yuan")
            notices.append(
                f"{origin.where(loc)}: {origin.key(loc)} | {notice_figure(module.capex_yuan)} yuan for "
                f"{notice_figure(module.capacity)} {unit}/yr is {figure_beside(per_unit, CAPEX_SALES_SHARE * least)} "
                f"yuan per {unit}/yr of "
                f"capacity, below {CAPEX_SALES_SHARE * 100:g} % of a year's sales of it at the product's lowest price "
                f"({notice_figure(least)} yuan/{unit}, {path_id} {year}): given in 万 yuan? capex_yuan is the whole "
                "module's capex in yuan (10 亿 yuan is written 1000000000); the plan uses the figure as given")
    return notices


def catalog_notices(loaded: LoadedScenario) -> list[str]:
    """`catalog_unit_notices` of the scenario's catalog, read for the lines of its keys, each a
    `Notice`: for the run's files the catalog named relative to the scenario's folder, as
    `key_notice` names the scenario's own files, and on the terminal as typed (`Notice.shown`)."""
    try:
        _data, node = read_mapping(loaded.catalog_path, kind="catalog")
    except InputError:  # read once already: its problems were reported then
        node = None
    shown = shown_path(loaded.catalog_path)
    relative = Path(os.path.relpath(loaded.catalog_path, loaded.scenario_path.parent)).as_posix()
    texts = catalog_unit_notices(loaded.catalog_path, node, loaded.catalog) + steady_year_notices(loaded, node)
    return [Notice(relative + text[len(shown):], text) if text.startswith(f"{shown}:") else text for text in texts]


def steady_year_notices(loaded: LoadedScenario, node: yaml.Node | None) -> list[str]:
    """A notice for each catalog figure by year that a run with a steady state after the plan
    (objective.years_after_horizon > 0) reads for the steady-state year T + 1, on the scenario's
    price path (a price, an import price) or on none (a sales or import cap, national demand),
    that gives a later year but not T + 1: the steady state holds year T's figure
    (models/inputs.py `STEADY_STATE_DATA`; a cap T does not give: none), and no run of the plan
    reads the later one, which may have been meant for it (2052 for 2025). Each names the catalog
    (its `node`, for the line), the key, the years and the figure the steady state holds."""
    years = sorted(loaded.scenario.years)
    after = loaded.scenario.objective.years_after_horizon
    if not years or after <= 0:
        return []
    last, steady, path = years[-1], years[-1] + 1, loaded.scenario.price_path
    catalog = loaded.catalog
    figures: list[tuple[tuple[str, ...], dict[int, float], str, str]] = []
    for pid, product in catalog.products.items():
        if path in product.price_yuan_per_unit:
            figures.append((("products", pid, "price_yuan_per_unit", path), product.price_yuan_per_unit[path],
                            "price", f"yuan/{product.unit}"))
        if product.sales_cap_units is not None:
            figures.append((("products", pid, "sales_cap_units"), product.sales_cap_units, "sales cap",
                            f"{product.unit}/yr"))
        elif product.market is not None:
            figures.append((("products", pid, "market", "national_demand_units"), product.market.national_demand_units,
                            "national demand", f"{product.unit}/yr"))
    for rid, resource in catalog.resources.items():
        if resource.import_price_yuan_per_t is not None and path in resource.import_price_yuan_per_t:
            figures.append((("resources", rid, "import_price_yuan_per_t", path),
                            resource.import_price_yuan_per_t[path], "import price", "yuan/t"))
        if resource.import_cap_t_per_yr is not None:
            figures.append((("resources", rid, "import_cap_t_per_yr"), resource.import_cap_t_per_yr, "import cap",
                            "t/yr"))
    origin = Origin(loaded.catalog_path, node)
    notices = []
    for loc, by_year, what, unit in figures:
        later = sorted(year for year in by_year if year > steady)
        if steady in by_year or not later:
            continue
        held = (f"holds {last}'s {what}, {notice_figure(by_year[last])} {unit}" if last in by_year else
                f"has no {what}, as {last} has none")
        notices.append(
            f"{origin.where(loc)}: {origin.key(loc)} | gives {years_text(later)} but not {steady}, the steady-state "
            f"year after the plan's last year {last}, which stands for {steady}-{last + after} "
            f"(objective.years_after_horizon: {after}): it {held}, and no run of this plan reads "
            f"{years_text(later)}; give the {what} for {steady} if {'those years are' if len(later) > 1 else 'it is'} "
            "meant for the years after the plan")
    return notices


def drawn_resource_problems(path: Path, node: yaml.Node | None, pid: str, drawn: Iterable[str], keys: CatalogKeys,
                            prices: dict[str, float | None]) -> list[str]:
    """Every resource product `pid` draws on (`drawn`, the keys of its `resources_t_per_unit`) has
    an entry in the catalog's resources (`keys.resources`; None: not checked) with a price
    (`prices`: resource -> `price_yuan_per_t`, for those whose price passed the schema): a resource
    on the map only (`price_yuan_per_t: null`) has none, so no product may draw on it."""
    problems = []
    priced = [r for r, price in prices.items() if price is not None]
    for resource in drawn:
        loc = ("products", pid, "resources_t_per_unit", resource)
        where = f"{Origin(path, node).where(loc)}: products.{pid}.resources_t_per_unit.{resource}"
        if keys.resources is not None and resource not in keys.resources:
            close = close_match(resource, keys.resources)
            fix = (f"did you mean '{close}'? (a resource of its own needs an entry there, with its price and "
                   "import terms)" if close else "add its price and import terms there")
            problems.append(f"{where} | no entry for resource {resource!r} in resources; {fix}")
        elif resource in prices and resource not in priced:
            problems.append(f"{where} | resource {resource!r} is on the map only (resources.{resource}."
                            "price_yuan_per_t is null): no product may draw on it; give it a price there, or draw "
                            f"on a priced resource: {', '.join(priced) or '(none defined)'}")
    return problems


def unchecked_drawn_resource_problems(path: Path, node: yaml.Node | None, data: dict[str, Any],
                                     checked: Iterable[str], keys: CatalogKeys, faults: Faults) -> list[str]:
    """`drawn_resource_problems` of the products of a catalog's raw `data` left out of the part
    that passed the schema (all but `checked`) for schema problems elsewhere in them (`faults`,
    as the schema found them): each resource their `resources_t_per_unit` names, when that passed
    the schema, has an entry with a price, so that these problems come with the schema's rather
    than once those are mended. A resource's price counts when it passed the schema."""
    products, resources = data.get("products"), data.get("resources")
    if keys.resources is None or not isinstance(products, dict):
        return []
    prices = {str(rid): entry["price_yuan_per_t"] for rid, entry in (resources or {}).items()
              if isinstance(entry, dict) and "price_yuan_per_t" in entry
              and faults.ok("resources", rid, "price_yuan_per_t")} if isinstance(resources, dict) else {}
    problems = []
    done = set(checked)
    for pid, product in products.items():
        if str(pid) in done or not isinstance(product, dict) or not faults.ok("products", pid, "resources_t_per_unit"):
            continue
        drawn = product.get("resources_t_per_unit") or {}
        problems += drawn_resource_problems(path, node, str(pid), map(str, drawn), keys, prices)
    return problems


def mapped_only_problems(path: Path, node: yaml.Node | None, rid: str, resource: Resource) -> list[str]:
    """A resource on the map only (`price_yuan_per_t: null`) says why in `sources.price_yuan_per_t`
    and has no import terms, since no product may draw on it."""
    problems = []
    loc = ("resources", rid, "price_yuan_per_t")
    if not resource.sources.get("price_yuan_per_t", "").strip():
        problems.append(f"{Origin(path, node).where(loc)}: resources.{rid}.price_yuan_per_t | null (a resource on the "
                        "map only, which no product may draw on) with no sources.price_yuan_per_t saying why; say "
                        "there what the resource is and why no product draws on it, or give the price paid at an "
                        "in-province source (yuan/t)")
    for key in ("import_price_yuan_per_t", "import_cap_t_per_yr"):
        if getattr(resource, key) is not None:
            loc = ("resources", rid, key)
            problems.append(f"{Origin(path, node).where(loc)}: resources.{rid}.{key} | given for a resource on the "
                            "map only (price_yuan_per_t: null), which no product may draw on; set it to null, or "
                            "give the resource a price_yuan_per_t")
    return problems


def path_problems(path: Path, node: yaml.Node | None, loc: tuple[str, ...], by_path: dict[str, Any],
                  paths: list[str]) -> list[str]:
    """A figure by price path must give every path of `price_paths`, and no other."""
    problems = []
    key = ".".join(loc)
    for missing in [p for p in paths if p not in by_path]:
        problems.append(f"{Origin(path, node).where(loc)}: {key} | no values for price path {missing!r}; give them for "
                        "every path in price_paths")
    for name in [p for p in by_path if p not in paths]:
        problems.append(unknown_value(f"{Origin(path, node).where((*loc, name))}", key, name, paths, "price path"))
    return problems


def plan_years(years: Iterable[int]) -> list[int]:
    """Every calendar year from the first to the last of `years` (the model's YEARS)."""
    listed = sorted(years)
    return list(range(listed[0], listed[-1] + 1)) if listed else []


def years_in_order(years: list[int]) -> bool:
    """Whether the plan's `years` are strictly increasing, without repeats, as the schema asks;
    years that are not are reported (`ReferenceCheck.run`) and nothing else is checked against
    them, since what they were meant to be is not known."""
    return sorted(set(years)) == years


def years_text(years: Iterable[int]) -> str:
    """Years for a message, in order, a run of three or more written as a span: [2025] -> "2025",
    [2022, 2025] -> "2022 and 2025", [2025, 2026, 2027, 2030] -> "2025-2027 and 2030"."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [f"{run[0]}-{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs]
    return " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0] if parts else "none"


#: A year as a catalog's mapping keys give it (2024, or "2024" in quotes), read as the schema reads it.
_YEAR = TypeAdapter(int)


def years_given(data: dict[str, Any], section: str, field: str, price_path: str,
                faults: Faults) -> dict[str, list[int]]:
    """Name -> the years given on `price_path` by the figure `field` (by price path and year) of each
    entry of `section` (products, resources) of a catalog as read (`data`), for the entries that
    give one whose years passed the schema (`faults`), the entries that failed the schema for
    another key too. A year whose value failed the schema counts as given: its value is the
    problem. A resource on the map only (price_yuan_per_t: null) is left out: it may have no
    import terms at all (`mapped_only_problems`)."""
    entries = data.get(section)
    given: dict[str, list[int]] = {}
    for name, entry in entries.items() if isinstance(entries, dict) else ():
        if not isinstance(entry, dict) or (section == "resources" and entry.get("price_yuan_per_t", 0) is None):
            continue
        figure = entry.get(field)
        by_path = {str(k): v for k, v in figure.items()} if isinstance(figure, dict) else {}
        by_year = by_path.get(price_path)
        if isinstance(by_year, dict) and faults.whole(section, name, field, price_path):
            given[str(name)] = [_YEAR.validate_python(year) for year in by_year]
    return given


def check_catalog_years(path: Path, node: yaml.Node | None, data: dict[str, Any], years: Iterable[int],
                        price_path: str, faults: Faults | None = None,
                        years_at: tuple[str, str] | None = None) -> list[str]:
    """Every product has a price, and every importable resource an import price, on the price
    path the scenario runs (`price_path`) for every plan year (every calendar year from the first
    to the last listed year), in the catalog as read (`data`), whatever else fails the schema
    (`faults`) or the catalog's own checks, so that these problems come with those (`years_given`).
    The other price paths are left alone: the run does not use them (each run of another path, a
    variant's or a sweep's, is checked on its own). A figure without the path at all
    (`path_problems`), or whose years failed the schema, is left alone too.

    The figures of one kind (products, resources) that lack the same years are one problem,
    naming each with its line, so that a plan extended by a year reads as two problems, not one
    per figure. When every year they lack comes after the last year they give, the problem says
    that ending the plan then is the other fix; before the first, starting it then. When the
    scenario's `years` skip a year (`[2022, 2024]`), the problem ends naming them as and where
    they are written (`years_at`: ("scenario.yaml:3", "years"), or ("scenario.yaml", "--set
    years")), with the years they skip: the plan runs those too, which is why their prices are
    asked for."""
    problems = []
    faults = faults or Faults()
    needed = plan_years(years)
    span = f"{needed[0]}-{needed[-1]}" if needed else "(none)"
    skipped = [t for t in needed if t not in set(years)]
    where, key = years_at or (shown_path(path), "years")
    gap = (f"; {key} {sorted(years)} ({where}) skips {years_text(skipped)}, but the plan runs every calendar year "
           "from its first to its last" if skipped else "")
    kinds = [("products", "product", "price_yuan_per_unit"), ("resources", "resource", "import_price_yuan_per_t")]
    for section, kind, field in kinds:
        given = years_given(data, section, field, price_path, faults)
        lacking: dict[tuple[int, ...], list[str]] = {}
        for name, listed_years in given.items():
            missing = tuple(t for t in needed if t not in listed_years)
            if missing:
                lacking.setdefault(missing, []).append(name)
        for missing, names in lacking.items():
            last = min(max(given[n], default=needed[0] - 1) for n in names)
            first = max(min(given[n], default=needed[-1] + 1) for n in names)
            fix = f"give one for every year of the plan ({span})"
            if min(missing) > last >= needed[0]:
                fix += f", or end the plan in {last}"
            elif max(missing) < first <= needed[-1]:
                fix += f", or start the plan in {first}"
            fix += gap
            first = (section, names[0], field, price_path)
            if len(names) == 1:
                problems.append(f"{Origin(path, node).where(first)}: {dotted(first)} | no price for {kind} "
                                f"{names[0]!r} on price path {price_path!r} in {years_text(missing)}; {fix}")
                continue
            each = ", ".join(f"{n} (line {line_of(node, (section, n, field, price_path))})" if node is not None
                             else n for n in names)
            problems.append(f"{Origin(path, node).where(first)}: {section}.<{kind}>.{field}.{price_path} | no price "
                            f"on price path {price_path!r} in {years_text(missing)} for {len(names)} {kind}s: {each}; "
                            f"{fix.replace('give one', 'give each one')}")
    return problems


def load_committed_projects(path: Path, catalog: Catalog | None, products: list[str] | None = None
                            ) -> CommittedProjects:
    """The committed-projects file: a YAML list of projects, each validated (unknown keys refused),
    with unique ids and catalog products (`products`, else the catalog's; neither: not checked, as
    when the catalog failed the schema). InputError naming the file, line and key of each problem.
    Sites are checked against the sites layer later (`siting.prepare.checks`)."""
    committed, problems = committed_projects_found(path, catalog, products)
    if problems:
        raise InputError(problems)
    return committed


def committed_projects_found(path: Path, catalog: Catalog | None, products: list[str] | None = None
                             ) -> tuple[CommittedProjects, list[str]]:
    """The committed-projects file as `load_committed_projects` reads it, and its problems: the
    projects are those that passed the schema, also with problems of their own (an unknown
    product, a repeated id), so that their sites can still be checked against the sites layer in
    the same run as those problems are reported. An entry that failed the schema has its id,
    product and site checked still where each is valid itself (its repeated id and unknown
    product among its problems, its site kept in `CommittedProjects.unread` for the sites layer),
    so that all the file's problems come in one run. InputError only for a file that is no list
    of projects (or no YAML)."""
    if products is None and catalog is not None:
        products = list(catalog.products)
    data, node = read_yaml(path)
    if data is None:
        data = []
    refuse_other_kind(path, data, "committed")
    if not isinstance(data, list):
        raise InputError([f"{shown_path(path)}: (top level) | expected a list of projects, got "
                          f"{_shown(data)}; write one '- id: ...' entry per project"])
    problems: list[str] = []
    projects: list[CommittedProject] = []
    lines: list[int | None] = []
    positions: list[int] = []
    unread: list[SiteEntry] = []
    seen: dict[str, int] = {}
    units = product_units(catalog, {})  # a capacity's unit in its messages, its product's
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(f"{Origin(path, node, (i,)).where(())}: [{i}] | expected a mapping of keys (got "
                            f"{_shown(item)})")
            continue
        origin = Origin(path, node, (i,), entry=project_name(item.get("id")))  # named by its id too
        year = item.get("online_year")
        if isinstance(year, float) and year.is_integer() and abs(year) < 1e6:  # 1.9e3: a year too
            year = int(year)
        if isinstance(year, int) and not isinstance(year, bool) and year < EARLIEST_ONLINE_YEAR:
            problems.append(f"{origin.where(('online_year',))}: {origin.key(('online_year',))} | first production year"
                            f" {year} is before {EARLIEST_ONLINE_YEAR}: very likely a typo; give the year it "
                            "first produced (a year before the plan's first counts from the plan's first year)")
            item = {**item, "online_year": EARLIEST_ONLINE_YEAR}  # its other keys still checked
        try:
            project = CommittedProject.model_validate(item)
        except ValidationError as exc:
            problems += format_validation_errors(Locator([(origin, item)], origin), CommittedProject, exc,
                                                 units=entry_product_units(CommittedProject, item, units))
            # its id, product and site are still checked where they are valid themselves, so that
            # their problems come with the others
            faulty = {error["loc"][0] for error in exc.errors() if error["loc"]}
            valid = {name: item[name] for name in ("id", "product", "site")
                     if name not in faulty and isinstance(item.get(name), str)}
            if "product" in valid:
                problems += product_problem(origin, valid["product"], products, catalog)
            if "id" in valid:
                problems += repeated_id_problem(origin, valid["id"], seen, i)
            if "site" in valid:
                unread.append(SiteEntry(i, item.get("id"), valid["site"], Origin(path, node, (i,)).where(("site",))))
            continue
        problems += product_problem(origin, project.product, products, catalog)
        problems += repeated_id_problem(origin, project.id, seen, i)
        projects.append(project)
        lines.append(line_of(node, (i, "site")))
        positions.append(i)
    return CommittedProjects(path, tuple(projects), tuple(lines), tuple(positions), tuple(unread)), problems


def product_problem(origin: Origin, product: str, products: list[str] | None, catalog: Catalog | None) -> list[str]:
    """The problem of a committed project's product that is none of `products` (the catalog's),
    at its entry (`origin`); none when it is one, or without `products`."""
    if products is None or product in products:
        return []
    return [unknown_value(origin.where(("product",)), origin.key(("product",)), product, products, "product",
                          product_words(catalog))]


def repeated_id_problem(origin: Origin, project_id: str, seen: dict[str, int], i: int) -> list[str]:
    """The problem of the i-th entry's id when an entry before it (`seen`: id -> the first entry
    giving it) gave it; it is noted in `seen` otherwise."""
    if project_id in seen:
        return [f"{origin.where(('id',))}: {origin.key(('id',))} | id {project_id!r} is already used by entry "
                f"[{seen[project_id]}]; ids must be unique"]
    seen[project_id] = i
    return []


def input_cycles(catalog: Catalog) -> list[list[str]]:
    """Cycles in the products' inputs (a product that takes, through other products, itself as an
    input), each once, as the products along it from the one listed first in the catalog back to
    it: ["lfp", "fepo4", "lfp"]. A product that is its own input is reported elsewhere."""
    products = catalog.products
    order = {pid: i for i, pid in enumerate(products)}
    found: list[list[str]] = []
    state: dict[str, str] = {}  # "open" while on the path, "done" after
    path: list[str] = []

    def visit(pid: str) -> None:
        state[pid] = "open"
        path.append(pid)
        for upstream in products[pid].inputs:
            if upstream not in products or upstream == pid:
                continue
            if state.get(upstream) == "open":
                ring = path[path.index(upstream):]
                start = min(range(len(ring)), key=lambda i: order[ring[i]])
                cycle = ring[start:] + ring[:start]
                if cycle + cycle[:1] not in found:
                    found.append(cycle + cycle[:1])
            elif upstream not in state:
                visit(upstream)
        path.pop()
        state[pid] = "done"

    for pid in products:
        if pid not in state:
            visit(pid)
    return found


def option_number(name: str, value: Any) -> Any:
    """`value`, given in `solver.options` for HiGHS option `name`, with a number written as text
    read as the number it spells, by the rule of the scenario's other numbers (`number_text`;
    `whole_number_text` for a whole-number option), which the JSON schema states; any other value
    as given, for HiGHS to check (`option_problem`: text is no number to it)."""
    if not isinstance(value, str) or name not in ALLOWED_HIGHS_OPTIONS:
        return value
    kind = option_json_schema(name)["type"]
    read = number_text if kind == "number" else whole_number_text if kind == "integer" else None
    try:
        number = read(value) if read is not None else value
    except PydanticCustomError:  # no number
        return value
    return float(number) if read is not None and isinstance(number, str) else number  # inf, nan: not finite


class ReferenceCheck:
    """Cross-references inside a scenario and against its catalog, and the solver settings checked
    by HiGHS itself, collected as messages at the file and line that wrote each key.

    After schema problems, `scenario` and `catalog` are the parts that passed the schema
    (`salvaged`), `faults` where the scenario's problems lie, `data` the scenario as written and
    `keys` the ids the catalog defines as far as they are known: a reference is checked only when
    it, and what it is compared with, passed the schema, so that no problem is a mere echo of one
    already reported."""

    def __init__(self, locator: Locator, scenario: Scenario, catalog: Catalog | None, faults: Faults | None = None,
                 data: dict[str, Any] | None = None, keys: CatalogKeys | None = None):
        self.locator, self.s, self.catalog = locator, scenario, catalog
        self.faults = faults or Faults()
        self.data = data if data is not None else scenario.model_dump(exclude_unset=True)
        self.keys = keys or (CatalogKeys.of(catalog) if catalog is not None else CatalogKeys())
        self.products = self.keys.products
        self.problems: list[str] = []
        self.held_options: dict[str, OptionValue] = {}

    def ok(self, *loc: Any) -> bool:
        """True when the key at `loc` passed the schema (and nothing around it failed)."""
        return self.faults.ok(*loc)

    def at(self, *loc: Any) -> str:
        """`<file>:<line>` of the key at `loc`."""
        return self.locator.where(loc)

    def key(self, *loc: Any, shown: int | None = None) -> str:
        """The key path of `loc` (its first `shown` parts) as written in its file."""
        return self.locator.origin(loc).key(loc if shown is None else loc[:shown])

    def product(self, value: str, *loc: Any) -> None:
        """A problem when `value`, where a product is asked, is none of the catalog's: a target
        group's name is said to be one, with its products (a group stands for no one product)."""
        if self.products is None or value in self.products:
            return
        groups = self.s.targets.groups if self.ok("targets", "groups") else {}
        if value in groups and loc[:2] != ("targets", "groups"):
            self.problems.append(f"{self.at(*loc)}: {self.key(*loc)} | unknown product (got {value!r}); "
                                 f"'{value}' is a target group ({', '.join(groups[value]) or 'no products'}); "
                                 "name its products")
            return
        self.problems.append(unknown_value(self.at(*loc), self.key(*loc), value, self.products, "product",
                                           product_words(self.catalog)))

    def years(self, years: Iterable[int], *loc: Any) -> None:
        """A problem for each year of `years` (the keys of the mapping at `loc`) that is not one of
        the plan's; none when the plan's years failed the schema or are out of order, which is
        the one problem then (a year "outside" them would restate it)."""
        if not self.ok("years") or not years_in_order(self.s.years):
            return
        for year in years:
            if year not in self.s.years:
                # as the layer that gives it writes it (0x10, 1e9, not 16), at that layer's line
                written = self.locator.key_written(loc, year, lambda read, year: year_of_key(read) == year)
                text = written[1] if written is not None else str(year)
                where = (*loc, text)
                origin = written[0] if written is not None else self.locator.origin(where)
                said = text if text == str(year) else f"{text} ({year})"
                self.problems.append(f"{origin.where(where)}: {origin.key(where)} | year {said} is outside the "
                                     f"scenario's years {self.s.years}; use one of them or extend 'years'")

    def run(self) -> list[str]:
        s, c = self.s, self.s.constraints
        if self.ok("years") and not years_in_order(s.years):
            self.problems.append(f"{self.at('years')}: {self.key('years')} | must be strictly increasing without "
                                 f"repeats (got {written_list(self.locator, ('years',), s.years)})")
        paths = self.keys.price_paths
        if self.ok("price_path") and paths is not None and s.price_path not in paths:
            self.problems.append(unknown_value(self.at("price_path"), self.key("price_path"), s.price_path,
                                               paths, "price path"))
        self.targets()
        keyed_by_product = {
            ("constraints", "redline", "setbacks_m"): c.redline.setbacks_m,
            ("constraints", "chain_balance", "min_local_share"): c.chain_balance.min_local_share,
            ("constraints", "differentiation", "max_clusters_per_product"):
                c.differentiation.max_clusters_per_product,
        }
        for loc, mapping in keyed_by_product.items():
            for product in mapping:
                self.product(product, *loc, product)
        if c.utilisation.enabled and self.ok("constraints", "utilisation", "enabled"):
            for product in c.utilisation.min_share:
                self.product(product, "constraints", "utilisation", "min_share", product)
        for cluster, members in c.differentiation.lead_products.items():
            for i, product in enumerate(members):
                self.product(product, "constraints", "differentiation", "lead_products", cluster, i)
        self.years(c.budget.capex_yuan_per_yr, "constraints", "budget", "capex_yuan_per_yr")
        demo = c.recycling_demo
        if demo.enabled and self.ok("constraints", "recycling_demo", "enabled"):
            if self.ok("constraints", "recycling_demo", "product"):
                self.product(demo.product, "constraints", "recycling_demo", "product")
            if (self.ok("constraints", "recycling_demo", "min_sites")
                    and self.ok("constraints", "recycling_demo", "max_sites") and demo.min_sites > demo.max_sites):
                loc = ("constraints", "recycling_demo", "min_sites")
                self.problems.append(f"{self.at(*loc)}: {self.key(*loc, shown=2)} | min_sites ({demo.min_sites}) "
                                     f"exceeds max_sites ({demo.max_sites})")
            if (demo.max_size is not None and demo.max_size < demo.min_size
                    and self.ok("constraints", "recycling_demo", "min_size")):
                loc = ("constraints", "recycling_demo", "max_size")
                self.problems.append(f"{self.at(*loc)}: {self.key(*loc)} | below min_size ({demo.min_size:g}) (got "
                                     f"{demo.max_size:g}); give a max_size of at least min_size, or null")
        self.solver()
        return self.problems

    def solver(self) -> None:
        """Every HiGHS setting as HiGHS itself checks it (type, range, allowed values), on a fresh
        HiGHS instance; the values HiGHS holds are kept in `held_options`."""
        solver = self.s.solver
        for setting, option in NAMED_SETTINGS.items():
            if not self.ok("solver", setting):
                continue
            try:
                highs_option_value(option, getattr(solver, setting))
            except OptionRejected as rejected:
                loc = ("solver", setting)
                self.problems.append(f"{self.at(*loc)}: {self.key(*loc)} | {rejected.what}; {rejected.fix}")
        for name, value in solver.options.items():
            loc = ("solver", "options", name)
            held, rejected = option_problem(name, option_number(name, value))
            if rejected is not None:
                self.problems.append(f"{self.at(*loc)}: {self.key(*loc)} | {rejected.what}; {rejected.fix}")
                continue
            self.held_options[name] = held  # type: ignore[assignment]
            setting = {option: setting for setting, option in NAMED_SETTINGS.items()}.get(name)
            if setting in solver.model_fields_set and self.ok("solver", setting) and held != getattr(solver, setting):
                self.problems.append(f"{self.at(*loc)}: {self.key(*loc)} | contradicts solver.{setting} "
                                     f"({getattr(solver, setting)!r}) (got {value!r}); set only one of them")

    def targets(self) -> None:
        t = self.s.targets
        for group, members in t.groups.items():
            if not members:  # a group of no products has no capacity to count, nor a penalty to price
                loc = ("targets", "groups", group)
                self.problems.append(f"{self.at(*loc)}: {self.key(*loc)} | a group lists at least one product "
                                     f"(got []); list the products whose capacity it sums, e.g. [lfp], or leave "
                                     "the group out")
            for i, product in enumerate(members):
                self.product(product, "targets", "groups", group, i)
            valid = self.catalog.products if self.catalog is not None else {}
            units = {valid[p].unit for p in members if p in valid}
            if len(units) > 1:
                loc = ("targets", "groups", group)
                self.problems.append(f"{self.at(*loc)}: {self.key(*loc)} | products of one group must share a unit "
                                     f"(got {sorted(units)}); split the group")
        groups = self.faults.keys(self.data, "targets", "groups")  # as written: a group at fault still exists
        for group, by_year in t.capacity.items():
            if groups is not None and self.products is not None and group not in groups + self.products:
                loc = ("targets", "capacity", group)
                self.problems.append(unknown_value(self.at(*loc), self.key(*loc, shown=2), group,
                                                   groups + self.products, "target group or product"))
            self.years(by_year, "targets", "capacity", group)
        self.years(t.output_value_yuan, "targets", "output_value_yuan")
