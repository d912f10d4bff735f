"""The compare and sweep jobs: build the cases, run them, write the comparison folder.

The folder is assembled in a staging folder beside the destination (each run's own outputs in
a subfolder, then the tables) and swapped into place when complete, as `solve` does."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from siting.compare import comparison_table, diff_geojson, sweep_plot, sweep_table, table_files
from siting.errors import InputError
from siting.export import staging_folder, swap_into_place, write_files
from siting.runs import Case, CaseSummary, Progress, run_cases
from siting.scenario import load_scenario, parse_override, scenario_variants
from siting.styles import diff_style


@dataclass(frozen=True)
class BatchResult:
    summaries: list[CaseSummary]
    table: pd.DataFrame
    out_dir: Path


def folder_name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", label).strip("_") or "run"


def geometry_type_of(feature_collection: str) -> str:
    """The geometry type of a GeoJSON text's first feature (Point where there is none)."""
    features = json.loads(feature_collection)["features"]
    return features[0]["geometry"]["type"] if features else "Point"


def comparison_cases(paths: Sequence[Path], staging: Path, time_limit_s: float | None) -> list[Case]:
    """One case per scenario file, and per variant of a file that defines variants (its base
    first). Every scenario is validated here, so bad input stops the job before any solve."""
    cases: list[Case] = []
    problems: list[str] = []
    for path in paths:
        for variant in [None, *scenario_variants(path)]:
            try:
                name = load_scenario(path, variant).scenario.name
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            label = name
            while label in {c.label for c in cases}:
                label += "+"
            cases.append(Case(label, Path(path), staging / folder_name(label), variant, (), time_limit_s))
    if problems:
        raise InputError(problems)
    if len(cases) < 2:
        raise InputError(["compare | needs at least two scenarios (or one file with variants) to compare"])
    return cases


def run_batch(cases: list[Case], staging: Path, destination: Path, workers: int | None, scheduler: str | None,
              progress: bool, tables: Callable[[list[CaseSummary]], tuple[pd.DataFrame, dict[str, Any]]]
              ) -> BatchResult:
    try:
        summaries = run_cases(cases, workers, scheduler, Progress(len(cases)).update if progress else None)
        table, files = tables(summaries)
        write_files(staging, files)
        swap_into_place(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    moved = [s if not s.ok else _moved(s, staging, destination) for s in summaries]
    return BatchResult(moved, table, destination)


def _moved(summary: CaseSummary, staging: Path, destination: Path) -> CaseSummary:
    from dataclasses import replace

    return replace(summary, out_dir=str(destination / Path(summary.out_dir).relative_to(staging)))


def compare(paths: Sequence[Path], destination: Path, workers: int | None = None, scheduler: str | None = None,
            time_limit_s: float | None = None, progress: bool = False) -> BatchResult:
    staging = staging_folder(destination)
    try:
        cases = comparison_cases(paths, staging, time_limit_s)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    def tables(summaries: list[CaseSummary]) -> tuple[pd.DataFrame, dict[str, Any]]:
        table = comparison_table(summaries)
        diff = diff_geojson(summaries)
        return table, {**table_files(table, "comparison"), "diff.geojson": diff, "diff.qml": diff_style(
            geometry_type_of(diff))}

    return run_batch(cases, staging, destination, workers, scheduler, progress, tables)


def short_key(key: str) -> str:
    """The last part of a dotted key, or the last two when the last is a year."""
    parts = key.split(".")
    return ".".join(parts[-2:]) if parts[-1].isdigit() and len(parts) > 1 else parts[-1]


def sweep_cases(path: Path, settings: Sequence[str], staging: Path, time_limit_s: float | None
                ) -> tuple[list[Case], list[dict[str, Any]], list[str]]:
    """The cartesian product of every --set KEY=V1,V2,... as cases, each validated."""
    parsed = [parse_override(text) for text in settings]
    if not parsed:
        raise InputError(["sweep | give at least one --set KEY=VALUE[,VALUE...]"])
    keys = [key for key, _values in parsed]
    cases, values_per_case, problems = [], [], []
    for i, combo in enumerate(itertools.product(*(values for _key, values in parsed)), start=1):
        overrides = tuple(zip(keys, combo, strict=True))
        label = f"run{i:02d} " + ",".join(f"{short_key(k)}={v}" for k, v in overrides)
        try:
            load_scenario(path, None, overrides)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        cases.append(Case(label, Path(path), staging / f"run{i:02d}", None, overrides, time_limit_s))
        values_per_case.append(dict(overrides))
    if problems:
        raise InputError(sorted(set(problems), key=problems.index))
    return cases, values_per_case, keys


def sweep(path: Path, settings: Sequence[str], destination: Path, workers: int | None = None,
          scheduler: str | None = None, time_limit_s: float | None = None,
          progress: bool = False) -> BatchResult:
    staging = staging_folder(destination)
    try:
        cases, values, keys = sweep_cases(path, settings, staging, time_limit_s)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    def tables(summaries: list[CaseSummary]) -> tuple[pd.DataFrame, dict[str, Any]]:
        table = sweep_table(summaries, values)
        name = load_scenario(path).scenario.name
        title = f"{name}: sweep over {', '.join(keys)}"
        return table, {**table_files(table, "sweep"),
                       "sweep.png": lambda target: sweep_plot(table, keys, target, title)}

    return run_batch(cases, staging, destination, workers, scheduler, progress, tables)
