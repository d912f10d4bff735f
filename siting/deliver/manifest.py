"""The run manifest (manifest.json): inputs with their hashes, versions, solver settings as HiGHS
held them, the result, and the files written with their hashes; everything but its `run` member
is a function of the inputs alone.

The `file_sha256` member (name -> SHA-256 of each file `files` lists, manifest.json and
subfolders aside) is added once every file is written (siting/deliver/folders.py
`record_file_hashes`, called by `write_files`); a later run into the folder checks it, and is
refused while a file siting wrote was changed since."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import siting
from siting.config.highs import NAMED_SETTINGS
from siting.config.load import LoadedScenario, file_sha256
from siting.deliver.folders import extends_chain
from siting.optimize.results import Plan, clean
from siting.optimize.solve import SolveReport

#: What the paths under `inputs` are relative to (written into the manifest, so that it says so).
INPUTS_RELATIVE_TO = "the scenario file's folder"

PACKAGES = ("siting", "pyomo", "highspy", "geopandas", "shapely", "pyogrio", "pyproj", "pydantic", "numpy", "pandas")


def manifest(loaded: LoadedScenario, layer_paths: dict[str, Path], report: SolveReport, plan: Plan,
             model_size: dict[str, Any], timings: dict[str, float], notices: list[str],
             dropped: tuple[str, ...], files: Sequence[str] = ()) -> dict[str, Any]:
    """Run manifest. Everything but the `run` member is a function of the inputs alone. Its
    `inputs` and `input_sha256` name every input file by role: the scenario, the bases it extends
    ("base", "base_2", ...), the catalog, the committed projects and each layer. `files`
    names the plan's output files (listed sorted under `files`; their SHA-256 are added as
    `file_sha256` once they are written, see the module's note). With candidate cells,
    `model_size` is the screened model's and its "screening" entry (siting/optimize/screening.py
    `ScreeningSummary.record`: counts, the merged model's bound and the screened plan's cost,
    each search's limits) becomes the manifest's own `screening` member; `solver.settings` are
    then the run's (the time limit and gap asked for), not those of one of its searches."""
    size = {k: v for k, v in model_size.items() if k != "screening"}
    screening = model_size.get("screening")
    base = loaded.scenario_path.parent
    inputs = {"scenario": loaded.scenario_path.name, "catalog": _relative(loaded.catalog_path, base)}
    hashes = {
        "scenario": file_sha256(loaded.scenario_path),
        "catalog": file_sha256(loaded.catalog_path),
    }
    for k, extended in enumerate(extends_chain(loaded.scenario_path), 1):  # the bases the scenario extends
        role = "base" if k == 1 else f"base_{k}"
        inputs[role] = _relative(extended, base)
        hashes[role] = file_sha256(extended)
    if loaded.committed.path is not None:
        inputs["committed_projects"] = _relative(loaded.committed.path, base)
        hashes["committed_projects"] = file_sha256(loaded.committed.path)
    for role, path in sorted(layer_paths.items()):
        inputs[role] = _relative(path, base)
        hashes[role] = file_sha256(path)
    return {
        "scenario": loaded.scenario.name,
        "description": loaded.scenario.description,
        "inputs_relative_to": INPUTS_RELATIVE_TO,
        "inputs": inputs,
        "input_sha256": hashes,
        "versions": {"python": sys.version.split()[0], **{p: _version(p) for p in PACKAGES},
                     "highs": report.solver_version},
        "solver": {
            "status": report.status,
            "termination": report.termination,
            "proven_within_gap": report.proven_optimal,
            "objective_yuan": _maybe(report.objective_yuan),
            "best_bound_yuan": _maybe(report.best_bound_yuan),
            "gap": _maybe(report.gap),
            "settings": _held_settings(report),
        },
        "model_size": size,
        **({"screening": _clean_record(screening)} if isinstance(screening, dict) else {}),
        "objective_breakdown_yuan": plan.costs,
        "sites_opened": list(plan.opened_sites),
        "sites_dropped_outside_clusters": list(dropped),
        "notices": notices,
        "files": sorted(files),
        "run": {"timings_s": {k: round(v, 3) for k, v in timings.items()},
                "solver_wall_time_s": round(report.solve_time_s, 3)},
    }


def _held_settings(report: SolveReport) -> dict[str, Any]:
    """The solver settings as HiGHS held them after they were set (read back from the solver):
    the time limit actually used (a command-line override included), gap, threads, seed, and
    every further option."""
    held = dict(report.highs_options)
    settings: dict[str, Any] = {setting: held.get(option) for setting, option in NAMED_SETTINGS.items()}
    settings["options"] = {k: v for k, v in held.items() if k not in NAMED_SETTINGS.values()}
    return settings


def _clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """`record` with every float `clean`ed (nested members too)."""
    def tidy(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items()}
        return clean(value) if isinstance(value, float) else value

    return tidy(record)


def _maybe(value: float | None) -> float | None:
    return None if value is None else clean(value)


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        import os

        return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()


def _version(package: str) -> str:
    if package == "siting":
        return siting.__version__
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
