"""The compare and sweep jobs: build the cases, run them, write the comparison folder.

Every scenario and the destination folder are checked first (siting/deliver/folders.py), their
problems listed together in one message (`checked_folder`), so that a rejected job creates no
folder and neither problem hides the other. The folder is then assembled in a staging folder
beside the destination (each run's own outputs in a subfolder, then the tables) and swapped
into place when complete, as `solve` does. Once every run is solved (the cross-start rounds included), the
runs' maps share one capex scale, the largest built site of all the runs (`one_pie_scale`): the
pies of map.png and plan.qgs and the built sites' markers of report.html's interactive map, so
that maps set side by side give the same capex the same size. compare.qgs shows the runs one at a
time (siting/deliver/qgisproject.py `compare_project_text`)."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from siting.config.errors import InputError, Notice, OutputFolderError, listed
from siting.config.load import (
    OVERRIDES_NAME,
    LoadedScenario,
    Override,
    absolute_paths,
    extending_files,
    extending_hint,
    home_path,
    load_scenario,
    name_max,
    ordinal,
    parse_override,
    scenario_variants,
    setting_text,
    shown_path,
    unreadable_stand_in,
    without_unreadable,
    written_value,
)
from siting.config.progress import BEAT_S
from siting.deliver.files import SolveOutcome, largest_built_capex, redraw_map
from siting.deliver.folders import (
    DEEPEST_DATABASE,
    DISK_ERRORS,
    MANIFEST,
    MARKER,
    NAME_PART,
    PID_DIGITS,
    RANDOM_CHARACTERS,
    SQLITE_PATH_MAX,
    STAGING,
    check_destination,
    destination_problems,
    input_files,
    record_file_hashes,
    remove_stale_temporaries,
    staging_folder,
    swap_into_place,
    write_errors_named,
    write_files,
    write_marker,
    written_entries,
)
from siting.deliver.geojson import json_text
from siting.deliver.geopackage import geopackage_errors_named
from siting.deliver.qgisproject import compare_project_text
from siting.deliver.report import Block, html_page, markdown
from siting.deliver.styles import diff_changes, diff_forced, diff_runs, diff_style
from siting.deliver.tables import csv_text, table_files
from siting.optimize.workers import default_workers, run_handed_over
from siting.prepare.problem import load_checked, prepare
from siting.runs.job import refused_together, run_which, salvaged_inputs
from siting.runs.pool import (
    BatchStopped,
    Case,
    CaseSummary,
    Progress,
    aside_name,
    cross_failed_notice,
    ended_proven_after_time_limit,
    own_time_limit_notice,
    run_cases,
)
from siting.runs.tables import (
    COMPARE_CROSS_NOTE,
    CROSS_START_NOTE,
    FIXED_SETTINGS,
    SETTINGS,
    bound_note,
    carried_bound,
    comparison_csv,
    comparison_display,
    comparison_table,
    cross_failed_note,
    diff_aliases,
    diff_geojson,
    diff_written,
    difference_note,
    failed_notices_note,
    kept_out_note,
    left_out_note,
    moved_note,
    near_zero_runs_note,
    no_differences_note,
    placement_note,
    plan_notices_note,
    rows_that_differ,
    scenario_file_text,
    scenario_files_line,
    settings_note,
    sweep_capacity_note,
    sweep_display,
    sweep_plot,
    sweep_range_note,
    sweep_table,
    table_decimals,
    time_limited_runs_note,
    tolerance_note,
    unproven_runs_note,
    varying_keys,
    warm_note,
)


@dataclass(frozen=True)
class BatchResult:
    summaries: list[CaseSummary]
    table: pd.DataFrame
    out_dir: Path | None
    """The batch folder written; None for a batch kept in memory (`run_in_memory`)."""


#: Names the batch folder uses for its own files; a run's subfolder never takes one of them.
BATCH_FILES = ("comparison.csv", "comparison.md", "compare.qgs", "diff.geojson", "diff.qml", "sweep.csv", "sweep.md",
               "sweep.png", MARKER)


def folder_name(label: str) -> str:
    """A safe folder name for a run label: letters, digits and `_ . = -`, never hidden or `..`."""
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", label).strip("_").lstrip(".") or "run"


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`, ... whichever is first not in `taken` (compared without case,
    as some file systems do)."""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate.casefold())
    return candidate


def run_labels(names: Sequence[str]) -> list[str]:
    """The labels of a comparison's runs (each run's folder and column), from their scenarios'
    names in order: each name as a folder name (`folder_name`), kept by the first run that bears
    it; a run whose name an earlier run bears already, or that names a file of the batch
    (BATCH_FILES), is given `name-2`, `name-3`, ..., the first not the name of any run of the
    comparison nor a label given before (compared without case, as some file systems do), so
    that a scenario named `small-2` keeps its name beside two scenarios named `small`:
    ["small", "small", "small-2"] -> ["small", "small-3", "small-2"]."""
    batch = {name.casefold() for name in BATCH_FILES}
    plain = [folder_name(name) for name in names]
    claimed = batch | {name.casefold() for name in plain}
    given: set[str] = set()
    labels = []
    for name in plain:
        label = unique_name(name, claimed) if name.casefold() in batch | given else name
        given.add(label.casefold())
        labels.append(label)
    return labels


def run_name_limit(destination: Path) -> tuple[int, Path]:
    """The longest name (bytes) the file system allows for a run's folder of a batch folder at
    `destination`, with the folder it was asked of: the nearest existing folder above the
    destination (the batch is assembled beside it, its runs' folders inside; `name_max`)."""
    try:
        existing = Path(os.path.abspath(destination)).parent
    except OSError:  # a relative path, and the current folder is gone: the folder's check says so
        existing = Path(destination).parent
    while not os.path.isdir(existing) and existing != existing.parent:  # a name too long is no folder
        existing = existing.parent
    return name_max(existing), existing


def run_name_problem(loaded: LoadedScenario, label: str, limit: tuple[int, Path]) -> str | None:
    """The problem of a run whose folder name `label` (made from `loaded`'s scenario name:
    `folder_name`, `unique_name`) is too long for the file system of the batch folder, `limit`
    (`run_name_limit`): counting the folder aside where its cross-start solve is written
    (siting/runs/pool.py `aside_name`, `.<label>.cross`), the longest name derived from it; None
    when it fits. Named at the scenario's `name` (where it was written: its file, a base, a
    variant or `--set`), so that it is found before any run is solved. It names the folder the
    limit was asked of. (A batch kept in memory, `siting.compare` without `out`, writes no run's
    folder: its names are not checked.)"""
    most, folder = limit
    longest = len(os.fsencode(aside_name(label)))
    if longest <= most:
        return None
    name = loaded.scenario.name
    where, key = loaded.at("name")
    shown = name if len(name) <= 40 else f"{name[:20]}...{name[-10:]}"
    room = len(os.fsencode(name)) - (longest - most)
    there = f"the comparison folder ({'the current folder' if shown_path(folder) == '.' else shown_path(folder)})"
    return (f"{where}: {key} | is too long for the name of a run's folder: compare names each run's folder after "
            f"its scenario ({len(os.fsencode(label))} bytes here, and {longest} for .<name>.cross, the folder of its "
            f"cross-start solve), and the file system of {there} allows at most {most} "
            f"bytes (got {shown}, {len(name)} characters); give the scenario a name of at most {max(room, 1)} "
            "characters")


def counted_staging(destination: Path) -> Path | None:
    """The staging folder a batch folder at `destination` is assembled in, as the checks of paths
    count it (siting/deliver/folders.py `database_path_words`): beside `destination`, in its parent
    with links resolved, named `longest_staging_name`. None where the path cannot be resolved (a
    relative path, and the current folder is gone: the folder's own check says so)."""
    try:
        target = Path(os.path.realpath(destination))
    except OSError:
        return None
    return target.parent / longest_staging_name(target.name)


def longest_staging_name(name: str) -> str:
    """The name of the staging folder of a folder named `name` (siting/deliver/folders.py
    `staging_folder`: `.<name>.siting-staging.<process>.<random>`, the name cut at NAME_PART
    characters), with the longest process id, as `database_path_words` counts it."""
    return f".{name[:NAME_PART]}.siting-{STAGING}.{'0' * PID_DIGITS}.{'x' * RANDOM_CHARACTERS}"


def run_database_bytes(staging: Path, run: str) -> int:
    """The longest path, in bytes, at which SQLite opens a plan.gpkg of the run whose folder is
    `run` in the batch assembled in `staging` (`counted_staging`): the run's folder there, where
    its map is drawn again on the batch's pie scale and plan.gpkg's style rewritten
    (`one_pie_scale`), and the staging folders the run's own write makes beside it, for its folder
    and for the folder of its cross-start solve (siting/runs/pool.py `aside_name`), each counted as
    the run's own check of its folder counts them (siting/deliver/folders.py `database_path_words`,
    an alternative's plan.gpkg, DEEPEST_DATABASE, the deepest)."""
    paths = [staging / run / "plan.gpkg",
             *(staging / longest_staging_name(name) / DEEPEST_DATABASE for name in (run, aside_name(run)))]
    return max(len(os.fsencode(path)) for path in paths)


def run_database_problem(loaded: LoadedScenario, label: str, destination: Path) -> str | None:
    """The problem of a run whose folder name `label` (made from `loaded`'s scenario name) makes
    the path of one of its plan.gpkg longer than SQLite takes, SQLITE_PATH_MAX bytes, in the batch
    folder `destination` (`run_database_bytes`), where a name of NAME_PART characters would fit;
    None when it fits, or when such a name would not (the folder's path is then at fault, not a
    name of common length: `batch_database_problem`). Named at
    the scenario's `name`, as `run_name_problem` names it, so that it is found before any run is
    solved."""
    staging = counted_staging(destination)
    if staging is None:
        return None
    longest = run_database_bytes(staging, label)
    if longest <= SQLITE_PATH_MAX:
        return None
    if run_database_bytes(staging, "x" * NAME_PART) > SQLITE_PATH_MAX:
        return None
    room = next(n for n in range(len(label) - 1, NAME_PART - 1, -1)
                if run_database_bytes(staging, "x" * n) <= SQLITE_PATH_MAX)
    name = loaded.scenario.name
    where, key = loaded.at("name")
    shown = name if len(name) <= 40 else f"{name[:20]}...{name[-10:]}"
    there = shown_path(destination)
    return (f"{where}: {key} | is too long for the path of its run's plan.gpkg: compare names each run's folder "
            f"after its scenario ({len(os.fsencode(label))} bytes here), and the comparison is assembled beside "
            f"{there}, where that run's plan.gpkg takes up to {longest} bytes, and SQLite, which writes it, opens "
            f"a file only at a path of at most {SQLITE_PATH_MAX} bytes (got {shown}, {len(name)} characters); give "
            f"the scenario a name of at most {room} characters")


def batch_database_problem(destination: Path, runs: Sequence[str], where: str, kind: str,
                           named: bool = False) -> str | None:
    """The problem of a batch folder `destination` whose runs' folders `runs` (their names) make
    the path of a plan.gpkg longer than SQLite takes, SQLITE_PATH_MAX bytes (`run_database_bytes`),
    as a message's line naming the folder as `where` gives it, `kind` the batch in words
    (`comparison`, `sweep`); None when every run's fits. With `named` (the runs' folders are named
    after their scenarios), only where a run named with NAME_PART characters would not fit either: a
    longer name at fault is named at the scenario (`run_database_problem`). The fix it gives lets
    every run fit."""
    staging = counted_staging(destination)
    if staging is None or not runs:
        return None
    longest = max(run_database_bytes(staging, run) for run in runs)
    if longest <= SQLITE_PATH_MAX or (named and run_database_bytes(staging, "x" * NAME_PART) <= SQLITE_PATH_MAX):
        return None
    parent = len(os.fsencode(staging.parent))
    return (f"{where} | the output folder lies in a folder whose path is too long for the GeoPackages of the {kind}'s "
            f"runs: the {kind} is assembled beside the output folder, in .<name>.siting-{STAGING}.<process>.<random>, "
            f"each run's plan.gpkg in a folder of its own there, at up to {longest} bytes, and SQLite, which writes "
            f"it, opens a file only at a path of at most {SQLITE_PATH_MAX} bytes (got {shown_path(destination)}); "
            f"choose an output folder in a folder whose absolute path has at most "
            f"{parent - (longest - SQLITE_PATH_MAX)} bytes (that of {shown_path(staging.parent)} has {parent})")


def geometry_type_of(feature_collection: str) -> str:
    """The geometry type of a GeoJSON text's first feature (Point where there is none)."""
    features = json.loads(feature_collection)["features"]
    return features[0]["geometry"]["type"] if features else "Point"


def comparison_cases(paths: Sequence[Path], time_limit_s: float | None, variants: Sequence[str] | None = None,
                     overrides: tuple[Override, ...] = (), variants_name: str = "--variant",
                     paths_name: str = "compare") -> tuple[list[Case], list[Path]]:
    """One case per scenario file, and per variant of a file that defines variants (its base
    first), with the input files of them all. `variants` (the `--variant` names) keeps only
    those variants of each file; every name must be defined by at least one file. `overrides`
    (the `--set` pairs) apply to every case. Every scenario is validated here, with its layers
    (`siting.prepare.problem.load_checked`), so bad input stops the job before any solve. A
    case is labelled with its scenario's name, made unique (`name-2`, ...: `run_labels`); its `out_dir` is
    that label, relative to the comparison folder. `variants_name` is what the problems call the
    `variants` (the command line's `--variant`; `siting.compare` says `variants`), `paths_name`
    what they call the scenario files when fewer than two runs result (`compare`; `siting.compare`
    says `paths`). A case names its scenario, and the paths among its overrides (which start at
    the current folder), by absolute paths (`absolute_paths`), so that a worker whose current
    folder is another loads the same files. InputError with every problem found
    (`compared_cases`)."""
    cases, inputs, problems = compared_cases(paths, time_limit_s, variants, overrides, variants_name, paths_name)
    if problems:
        raise InputError(problems)
    return cases, inputs


def compared_cases(paths: Sequence[Path], time_limit_s: float | None, variants: Sequence[str] | None = None,
                   overrides: tuple[Override, ...] = (), variants_name: str = "--variant",
                   paths_name: str = "compare", destination: Path | None = None
                   ) -> tuple[list[Case], list[Path], list[str]]:
    """The cases of `comparison_cases` (same arguments), the input files and every problem found,
    returned rather than raised: a file's problems once however many of its variants find them,
    in the order found, each naming the files whose loading found it (`named_problems`); a
    variant named that no file defines among them, saying which files could not be read (their
    variants are not known, and a mended file may define it).
    With problems the input files are those known for sure of every case,
    its cases with problems among them (`known_inputs`), for the output folder's check beside
    the problems (`checked_folder`). With `destination`, the comparison folder, a run whose folder
    name, made from its scenario's name, is too long for its file system is a problem too
    (`run_name_problem`), and so is one whose name makes the path of its plan.gpkg too long for
    SQLite where a shorter name would fit (`run_database_problem`); without it (a batch kept in
    memory, whose runs write no folder) a name of any length is taken."""
    cases: list[Case] = []
    inputs: list[Path] = []
    problems: list[str] = []
    raised: dict[str, list[str]] = {}  # each problem found in loading -> the files that found it
    defined: list[str] = []
    unlisted: list[str] = []  # the files whose variants are not known: a variant named may be one of them
    bare: list[Path] = []  # the files read that define no variants: files beside them may stand for those
    loadable: list[tuple[Path, str | None, LoadedScenario]] = []  # labelled once all are known (`run_labels`)
    limit = run_name_limit(destination) if destination is not None else None
    for path in paths:
        try:
            own = scenario_variants(path)
        except InputError as exc:
            problems.extend(raised_by(raised, path, exc.problems))
            inputs.extend(salvaged_inputs(None, path))
            unlisted.append(shown_path(path))
            continue
        defined.extend(v for v in own if v not in defined)
        if not own:
            bare.append(home_path(path))
        for variant in [None, *(v for v in own if variants is None or v in variants)]:
            try:
                loaded = load_checked(path, variant, overrides)[0]
            except InputError as exc:
                problems.extend(raised_by(raised, path, exc.problems))
                inputs.extend(known_inputs(path, variant, overrides))
                continue
            inputs.extend(input_files(loaded))
            loadable.append((path, variant, loaded))
    for (path, variant, loaded), label in zip(loadable, run_labels([lo.scenario.name for _, _, lo in loadable]),
                                              strict=True):
        too_long = run_name_problem(loaded, label, limit) if limit is not None else None
        if too_long is None and destination is not None:
            too_long = run_database_problem(loaded, label, destination)
        if too_long is not None:
            problems.append(too_long)
        cases.append(Case(label, Path(path).absolute(), Path(label), variant, absolute_paths(tuple(overrides)),
                          time_limit_s))
    unread = list(dict.fromkeys(unlisted))
    unknown = (f"; {', '.join(unread)} could not be read, so {'its' if len(unread) == 1 else 'their'} variants "
               "are not known" if unread else "")
    for name in dict.fromkeys(variants or ()):
        if name not in defined:
            readable = " that could be read" if unlisted else ""
            ending = unknown_variant_ending(name, defined, bare, [home_path(p) for p in paths], unread, variants_name)
            problems.append(f"{variants_name} {name} | no scenario file of the comparison{readable} defines a variant "
                            f"named '{name}' (defined: {', '.join(defined) or 'none'}{unknown}); {ending}")
    if not problems and len(cases) < 2:
        problems.append(f"{paths_name} | needs at least two scenarios (or one file with variants) to compare")
    # a variant's fault is found by every load of its file, a base file's by each file extending it
    return cases, inputs, named_problems(problems, raised, paths)


def unknown_variant_ending(name: str, defined: Sequence[str], bare: Sequence[Path], given: Sequence[Path],
                           unread: Sequence[str], variants_name: str) -> str:
    """What to do about the variant `name` that no scenario file of a comparison defines, the
    end of its problem (`compared_cases`). `defined` are the variants the files define, `bare`
    the files read that define none, `given` the comparison's files, `unread` those that could
    not be read (as the messages name them), `variants_name` what the problems call the variants
    (`--variant`, `variants`). With variants defined: "name one of those", then the files beside
    a bare file that extend it (`extending_hint`: they stand for its variants). With none, there
    is nothing to name: a file named like `name` that extends a bare file and is compared already
    is said to be ("drop --variant"), the other extending files are offered, and without any of
    those the files are said to have no variants, with what to do instead."""
    hints = [hint for hint in (extending_hint(p, name, shown_path(p), "compare", given)
                               for p in dict.fromkeys(bare)) if hint]
    if defined:
        return "; ".join(["name one of those", *hints])
    compared = {p.resolve() for p in given}
    already = [f"{shown_path(other)}, which extends {shown_path(p)}, is in the comparison already: drop "
               f"{variants_name}" for p in dict.fromkeys(bare) for other in extending_files(p)
               if name.casefold() in other.stem.casefold() and other.resolve() in compared]
    if already or hints:
        return "; ".join([*already, *hints])
    if unread:
        return (f"none of those read has variants: drop {variants_name}, or mend {', '.join(unread)} if "
                f"'{name}' is one of {'its' if len(unread) == 1 else 'their'} variants")
    return f"none of them has variants: drop {variants_name}, or add '{name}' to a file's variants"


def raised_by(raised: dict[str, list[str]], path: Path, problems: Sequence[str]) -> list[str]:
    """`problems`, found in loading the scenario file `path` of a comparison, recorded in
    `raised` (each problem -> the files whose loading found it, as the messages name them:
    `shown_path`), for `named_problems`."""
    shown = shown_path(path)
    for problem in problems:
        files = raised.setdefault(problem, [])
        if shown not in files:
            files.append(shown)
    return list(problems)


def named_problems(problems: Sequence[str], raised: dict[str, list[str]], paths: Sequence[Path]) -> list[str]:
    """`problems`, each once in their order, each found in loading scenario files (`raised_by`)
    naming those files first: "h.yaml: catalog.yaml:10: ..." for a plan year without prices in a
    catalog the files share, whose file to mend is otherwise unknown; a problem that begins in a
    scenario file of the batch (`paths`) is left as it is ("h.yaml:3: years | ...", or the line of
    a base file another one extends, said once for both)."""
    placed = tuple(f"{shown_path(path)}:" for path in paths)
    named = []
    for problem in dict.fromkeys(problems):
        files = raised.get(problem)
        named.append(f"{', '.join(files)}: {problem}" if files and not problem.startswith(placed) else problem)
    return named


def repeated_files(paths: Sequence[Path]) -> list[tuple[int, int]]:
    """The pairs (first, again) of positions in `paths` naming the same scenario file (the same
    path, or another way to it), `again` after `first`, the first position it has."""
    seen: dict[Path, int] = {}
    pairs = []
    for i, path in enumerate(paths):
        first = seen.setdefault(Path(path).resolve(), i)
        if first != i:
            pairs.append((first, i))
    return pairs


def repeated_file_notices(paths: Sequence[Path], paths_name: str = "compare") -> list[str]:
    """A notice for each scenario file of a comparison given again (`repeated_files`): it runs
    each of its runs again (its base and the same variants, with the same overrides), as a sweep
    given a value twice would, which `siting sweep` refuses. A notice, not a refusal: a second run
    of the same is sometimes meant (whether the solve gives the same plan). Named as `paths_name`
    says, by the files' positions, and by both paths when they are written differently."""
    notices = []
    for first, again in repeated_files(paths):
        shown, other = shown_path(paths[first]), shown_path(paths[again])
        given = (f"given {ordinal(first + 1)} and {ordinal(again + 1)}" if shown == other else
                 f"given {ordinal(first + 1)}, and {ordinal(again + 1)} as {other}")
        try:
            runs = "runs" if scenario_variants(paths[first]) else "run"
        except InputError:  # the file itself is at fault, which its load reports
            runs = "run"
        notices.append(f"{paths_name} | repeats the scenario file {shown} ({given}), which runs the same {runs} "
                       "twice; give each scenario file once, unless a second run of the same is meant")
    return notices


def repeated_runs_note(cases: Sequence[Case]) -> str:
    """The note under a comparison's table naming each run that repeats another, the same
    scenario file (given twice: `repeated_file_notices`) and variant with the same overrides:
    "small-2 repeats small (the scenario file scenario.yaml, given twice)."; "" for none."""
    first: dict[tuple[Path, str | None], Case] = {}
    said = []
    for case in cases:
        earlier = first.setdefault((Path(case.scenario).resolve(), case.variant), case)
        if earlier is not case:
            said.append(f"{case.label} repeats {earlier.label} (the scenario file {Path(case.scenario).name}, given "
                        "more than once)")
    return f"{'; '.join(said)}." if said else ""


def known_inputs(path: Path, variant: str | None, overrides: tuple[Override, ...]) -> list[Path]:
    """The input files known for sure of a case whose scenario or layers have problems
    (`load_checked` refused it): every input file (siting/deliver/folders.py `input_files`) where
    the scenario itself loads and only its layers have problems, otherwise what can be made of it
    (`salvaged_inputs`). Loads the scenario again; reads no layer."""
    try:
        loaded = load_scenario(path, variant, overrides)
    except InputError as error:
        return salvaged_inputs(error.salvage, path)
    return input_files(loaded)


def checked_folder(destination: Path, inputs: Sequence[Path], where: str, problems: Sequence[str],
                   runs: Sequence[str] = (), kind: str = "batch", named: bool = False) -> Path:
    """The output folder `destination` checked as siting/deliver/folders.py `check_destination`
    does (`inputs` the run's input files, `where` the setting that named it), and for the
    GeoPackages of its runs, whose folders are `runs` (`batch_database_problem`, with `kind` and
    `named`), beside `problems`,
    those of the input: without any, the resolved folder, or OutputFolderError with the folder's
    problem ("1 problem with the output folder:"); with some, InputError with them alone where the
    folder may be written, else one OutputFolderError listing them and then the folder's problem
    under the heading "N problems in the input and with the output folder:" (siting/runs/job.py
    `refused_together`, as `siting solve` reports them). Creates nothing."""
    if not problems:
        target = check_destination(destination, inputs, where)
        database = batch_database_problem(destination, runs, where, kind, named)
        if database is not None:
            raise OutputFolderError([database])
        return target
    refused = destination_problems(destination, inputs, where)
    database = None if refused else batch_database_problem(destination, runs, where, kind, named)
    refused = refused or ([database] if database is not None else [])
    raise refused_together(problems, refused) if refused else InputError(problems)


def in_staging(cases: list[Case], staging: Path) -> list[Case]:
    """The cases with their output folders moved under the staging folder."""
    return [replace(case, out_dir=staging / case.out_dir) for case in cases]


def run_batch(cases: list[Case], destination: Path, workers: int | None, scheduler: str | None,
              progress: bool, tables: Callable[[list[CaseSummary], Path], tuple[pd.DataFrame, dict[str, Any]]],
              warm: bool = False, cross: bool = False, where: str = "--out") -> BatchResult:
    """Run the cases (their `out_dir` relative to the batch folder) in a staging folder beside
    `destination`, write the tables (`tables(summaries, staging folder)` gives the table and the
    files), and swap the folder into place; on any failure or interrupt the staging folder is
    removed. A write the disk refuses (full, over quota, read-only: the batch's own files, or a
    run's map drawn again) raises OutputFolderError naming `destination` as `where` gives it (the
    setting it came from), with nothing written there (siting/deliver/folders.py
    `write_errors_named`). So does a run's own write refused for good (full, over quota,
    read-only: siting/runs/pool.py DISK_STOPS), as soon as the runs under way end: no run is
    started after it (`stopped_problem` names the file and the runs not run); a run whose own
    write was refused otherwise is a failed run, its message saying why. With `warm` the cases
    start from the first one's plan, with `cross` the cross-start rounds follow
    (siting/runs/pool.py); a run whose cross-start failed says so in its own folder
    (`record_cross_failures`). The summaries returned name the runs' folders in `destination`.
    A batch kept in memory runs with `run_in_memory` instead."""
    remove_stale_temporaries(destination)
    with write_errors_named(destination, where):
        staging = staging_folder(destination)
    folders = {case.label: case.out_dir for case in cases}
    try:
        with write_errors_named(destination, where, staging):
            cases = in_staging(cases, staging)
            counter = Progress(len(cases)) if progress else None
            try:
                summaries = run_cases(cases, workers, scheduler, counter, warm, cross)
            except BatchStopped as stopped:
                raise OutputFolderError([stopped_problem(stopped, folders, destination, where)]) from None
            summaries = record_cross_failures(summaries, staging, destination)
            one_pie_scale(cases, summaries, workers, counter)
            table, files = tables(summaries, staging)
            write_files(staging, files)
            swap_into_place(staging, destination, where)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BatchResult([_moved(s, staging, destination) for s in summaries], table, destination)


def run_in_memory(cases: list[Case], workers: int | None, scheduler: str | None, progress: bool,
                  tables: Callable[[list[CaseSummary]], pd.DataFrame], warm: bool = False,
                  cross: bool = False) -> BatchResult:
    """Run the cases of a batch kept in memory (`siting.compare` and `siting.sweep` without
    `out`) as `run_batch` runs them (`workers`, `scheduler`, `progress`, `warm`, `cross`), each
    without `files` (siting/runs/pool.py `Case.files`: its `out_dir`, its label, is never written
    nor read), and give their summaries and the table `tables(summaries)` makes of them. Nothing
    is made on disk: no batch folder, staging or temporary folder, no run's folder or file (on a
    Dask cluster the workers' own scratch folders aside, siting/runs/pool.py `dask_client`). A
    run whose cross-start failed says so in its summary's notices (`record_cross_failures`)."""
    cases = [replace(case, files=False) for case in cases]
    counter = Progress(len(cases)) if progress else None
    summaries = record_cross_failures(run_cases(cases, workers, scheduler, counter, warm, cross))
    return BatchResult(summaries, tables(summaries), None)


def stopped_problem(stopped: BatchStopped, folders: dict[str, Path], destination: Path, where: str) -> str:
    """The problem of a batch the disk stopped (siting/runs/pool.py `BatchStopped`), as a write
    the disk refused names the folder (siting/deliver/folders.py `write_errors_named`): `<where> |
    <what the disk said>, so <run folder>/<file> could not be written (got <destination>); the
    batch stopped: <runs> were not run, and nothing was written there: <how to fix>`. `folders`
    gives each run's folder by its label, relative to the batch folder."""
    refusal = stopped.refused.disk_refused
    assert refusal is not None, "a batch stops only on a run whose write the disk refused"
    code, name = refusal
    what, fix = DISK_ERRORS[code]
    folder = folders[stopped.refused.label].as_posix()
    file = f"{folder}/{name}" if name else folder
    count = len(stopped.not_run)
    not_run = f": {listed(stopped.not_run)} {'was' if count == 1 else 'were'} not run," if count else ","
    return (f"{where} | {what}, so {file} could not be written (got {shown_path(destination)}); the batch stopped"
            f"{not_run} and nothing was written there: {fix}")


def one_pie_scale(cases: Sequence[Case], summaries: Sequence[CaseSummary], workers: int | None = 1,
                  counter: Progress | None = None) -> tuple[float, list[str]]:
    """Give every run's map.png the batch's one pie scale: the largest capex (yuan) of a site
    built by any run with a plan (its sites.geojson), at the largest pie's area (LARGEST_MARKER
    points^2, siting/deliver/mapplot.py `pie_scale`), so that the same capex has the same pie on
    every map and the legends give the same reference sizes; the run's report.html (its
    interactive map's markers) and plan.qgs (its pies and print legend) follow
    (siting/deliver/files.py `redraw_map`). A run drew its map on its own
    largest site as it was solved, before the others ended; each run whose own largest differs
    (a run that builds nothing included: its legend then gives the reference sizes too) is
    drawn again from its folder (`redraw_run`), which takes about as long as the map took in its
    run (2 to 3 s for the Yunnan scenario), no solve. The runs are `cases` (their folders
    complete, in the staging folder) and their `summaries`, in case order; runs without a plan
    keep what they wrote. The maps are drawn in up to `workers` processes (None: one per core,
    `default_workers`), each run's map the same bytes whichever draws it; `counter` shows them as
    "maps on one pie scale". Returns the scale (0 where no run builds anything) and the labels
    of the runs whose map changed."""
    folders = {i: Path(s.out_dir) for i, s in enumerate(summaries) if s.ok and s.out_dir}
    own = {i: largest_built_capex(folder) for i, folder in folders.items()}
    top = max(own.values(), default=0.0)
    todo = [i for i in folders if top > 0 and own[i] != top]
    tasks = {i: (cases[i], str(folders[i]), outcome_of(folders[i], summaries[i]), top) for i in todo}
    steps = counter.then(len(todo), "maps on one pie scale") if counter is not None and todo else None
    changed: dict[int, bool] = {}

    def begin(i: int) -> None:
        if steps is not None:
            steps.begin(cases[i].label)

    def done(i: int, result: tuple[bool, float]) -> None:
        changed[i] = result[0]
        if steps is not None:
            steps.advance(cases[i].label, f"drawn again in {result[1]:.1f} s")

    try:
        processes = min(workers or default_workers(), len(todo))
        left = todo if processes <= 1 else run_handed_over(
            todo, processes, lambda pool, i: pool.submit(redraw_run, *tasks[i]), begin, done,
            steps.beat if steps is not None else lambda: None, BEAT_S)
        for i in left:  # here: one map or one worker, or a map whose worker died
            begin(i)
            done(i, redraw_run(*tasks[i]))
    finally:
        if steps is not None:
            steps.counter.close()
    return top, [cases[i].label for i in todo if changed[i]]


def outcome_of(folder: Path, summary: CaseSummary) -> SolveOutcome:
    """What the title of the map of the run `summary` in `folder` says of its solve: the
    termination and whether the plan is proven within its gap as its manifest records them, the
    objective and gap as its report had them (the summary's, not the manifest's rounded figures;
    the gap of its own solve where a bound was carried from another run: `CaseSummary.own_gap`)."""
    solver = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["solver"]
    return SolveOutcome(str(solver["termination"]), summary.objective_yuan is not None,
                        bool(solver["proven_within_gap"]), summary.objective_yuan,
                        summary.own_gap if summary.bound_from else summary.gap,
                        None if summary.bound_from else summary.best_bound_yuan)


def redraw_run(case: Case, folder: str, outcome: SolveOutcome, top: float) -> tuple[bool, float]:
    """Draw the map of `case`'s run in `folder` again with its pies on the scale `top` (yuan of
    capex at the largest pie's area), with its report.html's interactive map and its plan.qgs:
    its scenario prepared again (no solve), `outcome` and the run's label for the title
    (siting/runs/job.py `run_which`, as the run's export gave it; siting/deliver/files.py
    `redraw_map`). Returns whether the folder was written (its maps changed) and the seconds it
    took. A SQLite error of its plan.gpkg (its folder removed or made read-only during the batch)
    is raised as an OSError naming the file (siting/deliver/geopackage.py
    `geopackage_errors_named`), which the batch reports as the output folder's error
    (`run_batch`), as it does for its other files."""
    started = time.perf_counter()
    with geopackage_errors_named(Path(folder) / "plan.gpkg"):
        prepared = prepare(case.scenario, {}, case.variant, case.overrides)
        changed = redraw_map(Path(folder), prepared, outcome, top, run_which(prepared.loaded.scenario.name, case.label))
    return changed, time.perf_counter() - started


def _moved(summary: CaseSummary, staging: Path, destination: Path) -> CaseSummary:
    """The summary of a run of the batch swapped from `staging` into `destination`: its folder,
    and any naming of it in its error, its notices, what failed in its cross-starts and why
    taking another run's plan failed (where an infeasible run's diagnosis is; the folder a write
    was refused in, as the messages name folders: `shown_path`), in the batch folder; a notice
    keeps both its forms (`Notice`: the run's files' and the terminal's)."""

    def moved(text: str) -> str:
        return in_destination(text, staging, destination)

    def moved_notice(notice: str) -> str:  # a Notice keeps its terminal form (`Notice.shown`)
        return Notice(moved(str(notice)), moved(notice.shown)) if isinstance(notice, Notice) else moved(notice)

    summary = replace(summary, error=moved(summary.error), notices=tuple(map(moved_notice, summary.notices)),
                      cross_failures=tuple(moved(text) for text in summary.cross_failures),
                      not_taken=moved(summary.not_taken))
    if not summary.out_dir:
        return summary
    relative = Path(summary.out_dir).resolve().relative_to(staging.resolve())
    return replace(summary, out_dir=str(destination / relative))


def in_destination(text: str, staging: Path, destination: Path) -> str:
    """`text` (a message of a run of the batch assembled in `staging`) naming the batch folder
    `destination` where it names the staging folder, as the messages name folders (in full, and
    as `shown_path` gives it)."""
    return text.replace(str(staging), str(destination)).replace(shown_path(staging), shown_path(destination))


#: What begins the notices of a run's report, and the heading of the report's section after them
#: (siting/deliver/report.py `provenance_blocks`, `report_blocks`).
NOTICES_HEAD = "Notices:"
FILES_HEADING = "Files in this folder"


def record_cross_failures(summaries: Sequence[CaseSummary], staging: Path | None = None,
                          destination: Path | None = None) -> list[CaseSummary]:
    """The summaries of the runs of the batch assembled in `staging`, once the cross-start rounds
    are over, with what failed in each run's cross-starts (`CaseSummary.cross_failures`) naming
    the batch folder `destination` rather than `staging` (`in_destination`), as the tables then
    give it; and for each such run with a plan, its own folder saying so, so that a reader of that
    folder alone knows that what the rounds claim of it (it ends no dearer than another run's plan
    under its rules) was not checked: a notice (siting/runs/pool.py `cross_failed_notice`) added
    to its manifest's `notices` and to its report's notices, as a notice given to its solve would
    be (`add_notice`), and to its summary's `notices`, which are those of its report. A run
    without a plan has no report: the tables alone name it. Without `staging` (a batch kept in
    memory, whose runs wrote no folder: `run_in_memory`) the notice goes to the summary of each
    such run with a plan alone, as its report would have had it. A run that ends proven within its
    gap only after its own solve stopped at its time limit (siting/runs/pool.py
    `ended_proven_after_time_limit`) gets its notice (`own_time_limit_notice`) the same way, so
    that its folder says so too."""
    recorded = []
    for summary in summaries:
        if ended_proven_after_time_limit(summary):
            written = staging is not None and summary.out_dir and (Path(summary.out_dir) / MANIFEST).is_file()
            if written or staging is None:
                notice = own_time_limit_notice(summary)
                if written:
                    add_notice(Path(summary.out_dir), notice)
                summary = replace(summary, notices=(*summary.notices, notice))
        if summary.cross_failures:
            failures = summary.cross_failures
            if staging is not None and destination is not None:
                failures = tuple(in_destination(text, staging, destination) for text in failures)
            summary = replace(summary, cross_failures=failures)
            written = staging is not None and summary.out_dir and (Path(summary.out_dir) / MANIFEST).is_file()
            if summary.ok and (written or staging is None):
                notice = cross_failed_notice(summary.label, failures)
                if written:
                    add_notice(Path(summary.out_dir), notice)
                summary = replace(summary, notices=(*summary.notices, notice))
        recorded.append(summary)
    return recorded


def _html_body(blocks: Sequence[Block]) -> str:
    """The HTML of `blocks` as report.html's body gives them (siting/deliver/report.py `html_page`)."""
    return html_page(blocks, "", {}).split("<body>\n", 1)[1].rsplit("\n</body>", 1)[0]


#: For each report of a run's folder: how it renders its notices (a list of texts, siting/deliver/
#: report.py `provenance_blocks`), what stands between them and the block before, and the heading
#: that follows them, with what stands before it.
REPORT_NOTICES: dict[str, tuple[Callable[[list[str]], str], str, str]] = {
    "report.md": (lambda notices: markdown([Block("p", NOTICES_HEAD), Block("list", notices)]).rstrip("\n"), "\n\n",
                  "\n\n" + markdown([Block("h2", FILES_HEADING)])),
    "report.html": (lambda notices: _html_body([Block("p", NOTICES_HEAD), Block("list", notices)]), "\n",
                    "\n" + _html_body([Block("h2", FILES_HEADING)]) + "\n"),
}


def add_notice(folder: Path, notice: str) -> None:
    """Add `notice` to the notices of the run folder `folder` (complete, as a run writes it): the
    last of its manifest.json's `notices`, and of the notices of its report.md and report.html,
    each as the report gives a notice given to its solve (REPORT_NOTICES: the list "Notices:"
    before the section "Files in this folder", begun where the run had none); then manifest.json's
    `file_sha256` and the folder's marker (siting/deliver/folders.py), which quote those files'
    bytes. Raises ValueError when a report does not give the manifest's notices so, once (not a
    folder as a run writes it), before anything is written."""
    path = folder / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    before = [str(text) for text in data.get("notices") or []]
    after = [*before, notice]
    pages: dict[str, str] = {}
    for name, (render, gap, heading) in REPORT_NOTICES.items():
        if not (folder / name).is_file():
            continue
        page = (folder / name).read_text(encoding="utf-8")
        old = gap + render(before) + heading if before else heading
        if page.count(old) != 1:
            raise ValueError(f"{folder / name} must give the notices of its manifest before '{FILES_HEADING}' once, "
                             f"got {page.count(old)} times")
        pages[name] = page.replace(old, gap + render(after) + heading)
    for name, page in pages.items():
        (folder / name).write_text(page, encoding="utf-8", newline="\n")
    path.write_text(json_text({**data, "notices": after}), encoding="utf-8", newline="\n")
    record_file_hashes(path)
    write_marker(folder, written_entries(folder))


def compare(paths: Sequence[Path], destination: Path | None, workers: int | None = None,
            scheduler: str | None = None, time_limit_s: float | None = None, progress: bool = False,
            variants: Sequence[str] | None = None, overrides: tuple[Override, ...] = (), out_name: str = "--out",
            variants_name: str = "--variant", paths_name: str = "compare") -> BatchResult:
    """Solve every scenario (and variant, or only the `variants` named) with `overrides` applied
    and write the comparison folder: the tables, diff.geojson and diff.qml (only where the
    baseline and some other run have a plan: siting/runs/tables.py `diff_written`), compare.qgs
    and each run's outputs in a subfolder named by its label. Every scenario and the folder are
    checked before anything is solved or created, their problems reported together
    (`checked_folder`). Each run starts from nothing; once all are solved, a run moves to another
    run's plan when that plan meets its rules and costs less than its own (the cross-start rounds
    of siting/runs/pool.py: the table's row `started from` names that run), and a run whose rules
    admit every plan of another's lends it its bound (`carry_bounds`: the row `bound from`).
    `out_name`, `variants_name` and `paths_name` are what the problems call the folder, the
    variants and the scenario files (the command line's `--out`, `--variant` and its command,
    `compare`; `siting.compare` says `paths`). With `destination` None (`siting.compare` without
    `out`) the comparison is kept in memory (`run_in_memory`): no folder is checked or made, a
    scenario name of any length is taken (no run's folder is named after it), the runs write
    nothing, and the table alone is made."""
    cases, inputs, problems = compared_cases(paths, time_limit_s, variants, overrides, variants_name, paths_name,
                                             None if destination is None else Path(destination))
    if destination is None and problems:
        raise InputError(problems)
    if destination is not None:
        destination = checked_folder(Path(destination), inputs, out_name, problems,
                                     [case.out_dir.as_posix() for case in cases], "comparison", named=True)

    folders = {case.label: case.out_dir.as_posix() for case in cases}  # each run's, relative to the batch folder
    files = [scenario_file_text(name, case.variant)
             for case, name in zip(cases, scenario_file_names([case.scenario for case in cases]), strict=True)]

    def tables(summaries: list[CaseSummary], folder: Path | None) -> tuple[pd.DataFrame, dict[str, Any]]:
        table = comparison_table(summaries, files)  # with the row of each run's scenario file
        moved = any(s.started_from for s in summaries)
        # comparison.md gives the rows that differ, as the terminal does; comparison.csv every row
        differing, left_out = rows_that_differ(comparison_display(table, summaries), summaries)
        note = "\n\n".join(n for n in (left_out_note(left_out, "comparison.csv"), kept_out_note(summaries),
                                       no_differences_note(summaries),
                                       failed_notices_note(summaries),
                                       unproven_runs_note(summaries), time_limited_runs_note(summaries),
                                       tolerance_note(table),
                                       difference_note(table, summaries),
                                       bound_note(summaries), COMPARE_CROSS_NOTE if moved else "",
                                       moved_note(summaries), cross_failed_note(summaries),
                                       near_zero_runs_note(summaries), placement_note(summaries),
                                       repeated_runs_note(cases), plan_notices_note(summaries, folders)) if n)
        # comparison.csv by id, comparison.md in words (capacity rows by product and cluster name)
        shown = table_files(differing, "comparison", note)
        head = settings_note(overrides, time_limit_s)  # what every run was solved with, beside its own scenario
        table.attrs[SETTINGS] = head  # the terminal prints it before the table (`comparison_text`)
        if destination is None:  # no files: the table alone
            return table, {}
        heads = "".join(f"{line}\n\n" for line in (head, scenario_files_line(table, summaries)) if line)
        written = {"comparison.csv": comparison_csv(table), "comparison.md": heads + shown["comparison.md"]}
        assert folder is not None, "a batch that writes files writes them in a folder"
        written.update(map_files(cases, summaries, folder))
        return table, written

    if destination is None:
        return run_in_memory(cases, workers, scheduler, progress, lambda summaries: tables(summaries, None)[0],
                             cross=True)
    return run_batch(cases, destination, workers, scheduler, progress, tables, cross=True, where=out_name)


def scenario_file_names(scenarios: Sequence[Path]) -> list[str]:
    """Each run's scenario file as comparison.csv's row `scenario file` and comparison.md's line
    name it (siting/runs/tables.py SCENARIO_FILE_ROW): relative to the deepest folder all the files
    lie in, so that files side by side read by their names (`a.yaml`, `b.yaml`) and two files of one
    name differ by their folders (`base/scenario.yaml`, `strict/scenario.yaml`), the same bytes
    wherever the files and the comparison lie; as the messages name them (`shown_path`) where they
    share no folder but the file system's root, or none (other drives): a path from the root
    without its "/" would read as one from the current folder."""
    absolute = [os.path.abspath(scenario) for scenario in scenarios]
    try:
        common = os.path.commonpath([os.path.dirname(path) for path in absolute])
    except ValueError:  # on other drives
        return [shown_path(scenario) for scenario in scenarios]
    if Path(common).parent == Path(common):  # the root alone
        return [shown_path(Path(path)) for path in absolute]
    return [Path(os.path.relpath(path, common)).as_posix() for path in absolute]


def map_files(cases: Sequence[Case], summaries: list[CaseSummary], folder: Path, sweep: bool = False
              ) -> dict[str, str]:
    """The map files of a comparison or sweep folder `folder` whose runs are `cases`, the first the
    baseline (a sweep's first run): diff.geojson and diff.qml, each run's changes against the
    baseline (siting/runs/tables.py `diff_geojson`), only where the baseline and some other run have
    a plan (`diff_written`: without two plans to compare, an empty layer would say "nothing
    changed"); and compare.qgs, every run's sites and its changes against the baseline in one QGIS
    project (siting/deliver/qgisproject.py `compare_project_text`), where it gives one, whose
    sheet of a run whose gap is measured against another run's bound gives that gap as the
    batch's table does, comparison.md's or (`sweep`) sweep.md's (siting/runs/tables.py
    `carried_bound`), not the gap of the run's own solve that its plan.qgs gives."""
    diff = diff_geojson(summaries)
    changes = diff_changes(diff)
    diff_qml = diff_style(geometry_type_of(diff), {c for run in changes.values() for c in run},
                          diff_aliases(summaries), diff_forced(diff))
    files = {"diff.geojson": diff, "diff.qml": diff_qml} if diff_written(summaries) else {}
    project = compare_project_text(folder, [(case.label, case.out_dir.as_posix()) for case in cases],
                                   geometry_type_of(diff), diff_qml, changes, diff_runs(diff),
                                   diff if "diff.geojson" in files else None,
                                   {s.label: c for s in summaries
                                    if (c := carried_bound(s, sweep, table_decimals(summaries))) is not None})
    if project is not None:
        files["compare.qgs"] = project
    return files


def short_key(key: str) -> str:
    """The last part of a dotted key, or the last two when the last is a year."""
    parts = key.split(".")
    return ".".join(parts[-2:]) if parts[-1].isdigit() and len(parts) > 1 else parts[-1]


def sweep_cases(path: Path, settings: Sequence[str], time_limit_s: float | None
                ) -> tuple[list[Case], list[dict[str, Any]], list[str], list[Path]]:
    """The cartesian product of every --set KEY=V1,V2,... as cases, each validated with its
    layers (`load_checked`), with the swept values per case (as given), the keys, and the input
    files of every case. A case's `out_dir` is `runNN`, relative to the sweep folder; it names its
    scenario and its swept paths (which start at the current folder) by absolute paths, as
    `comparison_cases` does. InputError with every problem found (`swept_cases`)."""
    cases, values_per_case, keys, inputs, problems = swept_cases(path, settings, time_limit_s)
    if problems:
        raise InputError(problems)
    return cases, values_per_case, keys, inputs


def swept_cases(path: Path, settings: Sequence[str], time_limit_s: float | None
                ) -> tuple[list[Case], list[dict[str, Any]], list[str], list[Path], list[str]]:
    """What `sweep_cases` returns (same arguments), and every problem found, returned rather than
    raised (each once, in the order found): those of every malformed setting (`parsed_settings`),
    or those of the cases. With problems the input files are those known for sure of every case,
    its cases with problems among them (`known_inputs`; the scenario file alone for a malformed
    setting), for the output folder's check beside the problems (`checked_folder`)."""
    parsed, malformed = parsed_settings(settings)
    if malformed:
        return [], [], [], salvaged_inputs(None, path), [*malformed, *unread_sweep_problems(path, settings, parsed)]
    if not parsed:
        return [], [], [], salvaged_inputs(None, path), ["sweep | give at least one --set KEY=VALUE[,VALUE...]"]
    keys = [key for key, _values in parsed]
    # a run is labelled by the settings that vary; those of one value, which every run has, head
    # the tables (all of them label the one run of a sweep without a varying setting)
    varying = {key for key, values in parsed if len(values) > 1} or set(keys)
    several = {key for key, values in parsed if len(values) > 1}
    cases, values_per_case, problems, inputs = [], [], [], []
    for i, combo in enumerate(itertools.product(*(values for _key, values in parsed)), start=1):
        overrides = tuple(zip(keys, combo, strict=True))
        label = f"run{i:02d} " + ",".join(f"{short_key(k)}={setting_text(v)}" for k, v in overrides if k in varying)
        try:
            loaded = load_checked(path, None, overrides)[0]
        except InputError as exc:
            # one scenario file: its problems as `siting solve` gives them, each within a swept value naming it
            problems.extend(swept_value_named(problem, overrides, several) for problem in exc.problems)
            inputs.extend(known_inputs(path, None, overrides))
            continue
        inputs.extend(input_files(loaded))
        cases.append(Case(label, Path(path).absolute(), Path(f"run{i:02d}"), None, absolute_paths(overrides),
                          time_limit_s))
        values_per_case.append(dict(overrides))
    return cases, values_per_case, keys, inputs, list(dict.fromkeys(problems))


def swept_value_named(problem: str, overrides: Sequence[Override], several: set[str]) -> str:
    """A problem of one run of a sweep (`overrides`, its settings' values) with the key of a part
    of a swept list or mapping (`--set years[0]`, `--set targets.capacity.cells.2024`, of a setting
    of `several`, those given several values) followed by that run's whole value, `--set years[0]
    (in the swept value [1900, 2024])`: the item alone does not say which of the values holds
    it. Other problems as they are."""
    name = OVERRIDES_NAME.get()
    for key, value in overrides:
        if key not in several or not isinstance(value, (list, dict)):
            continue
        head = f": {name} {key}"
        at = problem.find(head)
        end = problem.find(" |", at)
        if at < 0 or end < 0 or problem[at + len(head):at + len(head) + 1] not in ("[", "."):
            continue
        return f"{problem[:end]} (in the swept value {written_value(value)}){problem[end:]}"
    return problem


def unread_sweep_problems(path: Path, settings: Sequence[str], parsed: list[tuple[str, list[Any]]]) -> list[str]:
    """The problems of the combinations of the settings that could be read (`parsed`), each that
    could not (of `settings`) standing at fault in them (siting/config/load.py `Unreadable`), so
    that a malformed setting hides none of the others' problems; none of them about a setting
    that could not be read, whose own problem is given (`without_unreadable`)."""
    read = {key for key, _values in parsed}
    stand_ins = [pair for text in settings for pair in unreadable_stand_in(text) if pair[0] not in read]
    keys = [key for key, _values in parsed] + [key for key, _value in stand_ins]
    problems: list[str] = []
    for combo in itertools.product(*(values for _key, values in parsed)):
        overrides = tuple(zip(keys, (*combo, *(value for _key, value in stand_ins)), strict=True))
        try:
            load_checked(path, None, overrides)
        except InputError as exc:
            problems.extend(without_unreadable(exc.problems, overrides))
    return list(dict.fromkeys(problems))


def parsed_settings(settings: Sequence[str]) -> tuple[list[tuple[str, list[Any]]], list[str]]:
    """Each `KEY=V1,V2,...` text of `settings` as (key, [values]) (siting/config/load.py
    `parse_override`), and the problems of every text that is malformed (no key or `=`, a value
    YAML cannot read), each once, in the order of the texts, so that one message names them all."""
    parsed: list[tuple[str, list[Any]]] = []
    problems: list[str] = []
    for text in settings:
        try:
            parsed.append(parse_override(text))
        except InputError as exc:
            problems.extend(exc.problems)
    return parsed, list(dict.fromkeys(problems))


def sweep(path: Path, settings: Sequence[str], destination: Path | None, workers: int | None = None,
          scheduler: str | None = None, time_limit_s: float | None = None,
          progress: bool = False, out_name: str = "--out") -> BatchResult:
    """Solve the scenario over the cartesian product of the --set values and write the sweep
    folder: the tables, sweep.png, diff.geojson and diff.qml (each run's changes against the first
    run, where both have a plan) and compare.qgs (`map_files`, as a comparison writes them, the
    first run its baseline), and each run's outputs in `runNN/`. Every case and the
    folder are checked before anything is solved or created, their problems reported together
    (`checked_folder`). The first run's plan is the MIP start of the others; once all are solved,
    a run moves to another run's plan when that plan meets its rules and costs less than its own:
    taken with the run's own bound when that proves it within the run's gap, else solved again
    from it (the cross-start rounds of siting/runs/pool.py; the table's `started_from` names that
    run). `out_name` is what the
    problems call the folder (the command line's `--out`). With `destination` None (`siting.sweep`
    without `out`) the sweep is kept in memory (`run_in_memory`): no folder is checked or made,
    the runs write nothing, and the table alone is made."""
    cases, values, keys, inputs, problems = swept_cases(path, settings, time_limit_s)
    if destination is None and problems:
        raise InputError(problems)
    if destination is not None:
        destination = checked_folder(Path(destination), inputs, out_name, problems,
                                     [case.out_dir.as_posix() for case in cases], "sweep")

    folders = {case.label: case.out_dir.as_posix() for case in cases}  # each run's, relative to the batch folder

    def tables(summaries: list[CaseSummary], folder: Path | None) -> tuple[pd.DataFrame, dict[str, Any]]:
        table = sweep_table(summaries, values)
        name = load_scenario(path).scenario.name
        title = f"{name}: sweep over {', '.join(varying_keys(table, keys))}"
        moved = any(s.started_from for s in summaries)
        # the notices of the runs with a plan, then those of the runs without one, lists that may be long, last
        # what each rule keeps out against the first run: a plan that stays the same hides it
        note = "\n\n".join(n for n in (kept_out_note(summaries, sweep=True), no_differences_note(summaries, sweep=True),
                                       unproven_runs_note(summaries), time_limited_runs_note(summaries),
                                       tolerance_note(table),
                                       sweep_range_note(summaries), sweep_capacity_note(table), warm_note(summaries),
                                       bound_note(summaries), CROSS_START_NOTE if moved else "",
                                       moved_note(summaries), cross_failed_note(summaries),
                                       near_zero_runs_note(summaries), plan_notices_note(summaries, folders),
                                       failed_notices_note(summaries)) if n)
        # the settings of one value and the time limit, which every run has: in the line above the
        # table, and in no column of sweep.md nor the terminal's (sweep.csv keeps each key's column)
        single = [(key, values[0][key]) for key in keys if len(values) > 1
                  and len({json.dumps(v.get(key), default=str) for v in values}) == 1]
        table.attrs[FIXED_SETTINGS] = tuple(key for key, _value in single)
        # sweep.csv by column name, sweep.md with the capacity columns in words
        shown = table_files(sweep_display(table, summaries), "sweep", note)
        head = settings_note(single, time_limit_s)
        table.attrs[SETTINGS] = head  # the terminal prints it before the table (`sweep_text`)
        if destination is None:  # no files: the table alone
            return table, {}
        files: dict[str, Any] = {"sweep.csv": csv_text(table),
                                 "sweep.md": f"{head}\n\n{shown['sweep.md']}" if head else shown["sweep.md"],
                                 "sweep.png": lambda target: sweep_plot(table, keys, target, title)}
        assert folder is not None, "a batch that writes files writes them in a folder"
        files.update(map_files(cases, summaries, folder, sweep=True))  # each run's changes against the first
        return table, files

    if destination is None:
        return run_in_memory(cases, workers, scheduler, progress, lambda summaries: tables(summaries, None)[0],
                             warm=True, cross=True)
    return run_batch(cases, destination, workers, scheduler, progress, tables, warm=True, cross=True,
                     where=out_name)
