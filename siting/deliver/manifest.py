"""The run manifest (manifest.json): inputs with their hashes, the variant and the settings given
for the run on top of its scenario file (`variant`, `overrides`), versions (of the Python packages
and of the GDAL, PROJ and GEOS libraries under them), the working CRS in which distances and areas
were measured, solver settings as HiGHS held them, the result, and the files written with their
hashes; everything but its `run` member is a function of the inputs, the settings given and the
installed software alone.

The `file_sha256` member (name -> SHA-256 of each file `files` lists, manifest.json and
subfolders aside) is added once every file is written (siting/deliver/folders.py
`record_file_hashes`, called by `write_files`), as a record; a later run into the folder checks
the files against the folder's marker `.siting-run`, which lists them with their SHA-256 too."""

from __future__ import annotations

import contextlib
import datetime
import functools
import math
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pyogrio
import pyproj
import shapely
from pydantic_core import PydanticCustomError

import siting
from models.inputs import year_weights
from siting.config.highs import ABS_GAP_OPTION, NAMED_SETTINGS
from siting.config.load import (
    LoadedScenario,
    MadeAbsolute,
    Override,
    WrittenInt,
    extends_chain,
    file_sha256,
    option_number,
    override_parts,
    schema_at,
    written_value,
)
from siting.config.schema import Scenario, crs_label, number_text, whole_number_text
from siting.config.units import plain_status
from siting.deliver.tables import absolute_gap_yuan
from siting.optimize.alternatives import ALTERNATIVE_TERMINATION
from siting.optimize.results import Plan, clean, outward
from siting.optimize.solve import SolveReport
from siting.prepare.inputs import discount_factors, steady_year

#: What the paths under `inputs` are relative to (written into the manifest, so that it says so).
INPUTS_RELATIVE_TO = "the scenario file's folder"

PACKAGES = ("siting", "pyomo", "highspy", "geopandas", "shapely", "pyogrio", "pyproj", "pydantic", "numpy", "pandas")

#: What the working CRS was used for (written into the manifest beside it, so that it says so):
#: distances between places and drawn areas are measured on its ellipsoid (siting/prepare/spatial.py).
WORKING_CRS_USE = ("red-line buffers and setbacks, the share of a site's land they leave, positional margins "
                   "(distances between places and drawn areas: on its ellipsoid)")


def library_versions() -> dict[str, str]:
    """The geospatial libraries under the Python packages, as those packages report them: GDAL
    (which reads and writes the layers, through pyogrio), PROJ (which reprojects, through pyproj)
    and GEOS (which buffers, intersects and measures, through shapely); e.g. {"gdal": "3.12.4",
    "proj": "9.5.1", "geos": "3.14.1"}."""
    return {"gdal": str(pyogrio.__gdal_version_string__), "proj": str(pyproj.proj_version_str),
            "geos": str(shapely.geos_version_string)}


def working_crs_record(name: str) -> dict[str, Any]:
    """The working CRS the scenario names (`spatial.working_crs`, as the preprocessing reads it),
    in which every distance and area was measured: as given, its EPSG code (None when pyproj finds
    none) and its name (siting/config/schema.py `crs_label`: pyproj's, or for a PROJ string its
    projection's), e.g. {"as_given": "EPSG:32648", "epsg": 32648, "name": "WGS 84 / UTM zone
    48N", "used_for": WORKING_CRS_USE}. The name was checked when the scenario was loaded, so
    pyproj knows it."""
    crs = pyproj.CRS.from_user_input(name)
    return {"as_given": name, "epsg": crs.to_epsg(), "name": crs_label(crs), "used_for": WORKING_CRS_USE}


def override_value(value: Any, at: tuple[str, ...] | None = None) -> Any:
    """An override's value as the run used it, as JSON holds it: a path made absolute for a worker
    process (`MadeAbsolute`) as it was given (relative, or from a home folder), so that the record
    names no machine's folders the user did not type; mappings (keys as text) and lists item by
    item; a number typed otherwise than as its digits as the number it is (0x7E8: 2024), as is a
    text spelling a number (1e3, which the command line keeps as typed, or '1e3' in quotes) where
    the scenario's setting at `at` (the dotted key's parts) is a number (1e3: 1000.0; 2e0 for a
    whole number: 2), as the scenario reads it (`_as_number`), a text elsewhere (a name 1e3); a
    date as ISO 8601 text, a number that is not finite and any other value as text; text,
    numbers, yes/no and null as they are. How such a value was typed, `override_records` adds."""
    if isinstance(value, MadeAbsolute):
        return value.given if value.given is not None else str(value)
    if isinstance(value, str) and (number := _as_number(value, at)) is not None:
        return number
    if isinstance(value, WrittenInt):
        return int(value)
    if isinstance(value, dict):
        return {str(k): override_value(v, None if at is None else (*at, str(k))) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [override_value(v, None if at is None else (*at, str(i))) for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    return str(value)


def _as_number(text: str, at: tuple[str, ...] | None) -> float | int | None:
    """The number the scenario reads the text `text` as at the setting whose dotted key's parts are
    `at`, where that setting is a number (float: `number_text`; a whole number:
    `whole_number_text`), or a numeric HiGHS option's (`solver.options.<name>`: `option_number`, as
    the run reads it, 1e-3: 0.001); None where it is not (a name, a path, a text option),
    for a path, or where the text is no such number or spells none a float holds (1e400, read as
    infinity: kept as typed, as `override_value` keeps a value that is not finite; the run's own
    checks name it)."""
    if at is None or isinstance(text, MadeAbsolute):
        return None
    if len(at) == 3 and at[:2] == ("solver", "options"):  # a HiGHS option: read as the run reads it
        number = option_number(at[2], text)
        usable = isinstance(number, (int, float)) and not isinstance(number, bool) and math.isfinite(number)
        return number if usable else None
    kind = schema_at(Scenario, at)
    with contextlib.suppress(ValueError, TypeError, ArithmeticError, PydanticCustomError):
        number = number_text(text) if kind is float else whole_number_text(text) if kind is int else None
        usable = isinstance(number, (int, float)) and not isinstance(number, bool) and math.isfinite(number)
        return number if usable else None
    return None


def _typed_otherwise(value: Any, at: tuple[str, ...]) -> bool:
    """Whether `value`, an override's at the setting of the key parts `at`, holds a number typed
    otherwise than the record writes it (`WrittenInt`: 0x7E8; a text the setting reads as a number,
    1e3 or '1000': `_as_number`), in its lists and mappings too."""
    if isinstance(value, WrittenInt) or (isinstance(value, str) and _as_number(value, at) is not None):
        return True
    if isinstance(value, dict):
        return any(_typed_otherwise(v, (*at, str(k))) for k, v in value.items())
    return isinstance(value, (list, tuple)) and any(_typed_otherwise(v, (*at, str(i))) for i, v in enumerate(value))


def override_records(overrides: Sequence[Override]) -> list[dict[str, Any]]:
    """The manifest's `overrides`: each setting given on top of the scenario file (the command
    line's `--set`, a Python call's `overrides`, a sweep's values), in the order given, as
    {"setting": dotted key, "value": `override_value`, the value used}, with "typed", the value as
    typed (`written_value`: "0x7E8", "1e3", "'1000'", "[2023, 0x7E8]"), where it holds a number
    typed otherwise than the value writes it."""
    records = []
    for key, value in overrides:
        record = {"setting": str(key), "value": override_value(value, override_parts(key))}
        if _typed_otherwise(value, override_parts(key)):
            record["typed"] = written_value(value)
        records.append(record)
    return records


def input_record(loaded: LoadedScenario, layer_paths: Mapping[str, Path],
                 read: Mapping[Path, str] | None = None,
                 bases: Sequence[Path] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The manifest's `inputs` and `input_sha256`: every input file by role (the scenario, the
    catalog, the bases it extends: "base", "base_2", ...; the committed projects; the real plants
    of the calibration, "calibration_plants" and "calibration_reference", as the scenario names
    them; each layer of `layer_paths`, role -> path), as a POSIX path relative to the scenario
    file's folder, and its SHA-256 (hex): the one taken as the run read it, from `read` (resolved
    path -> SHA-256: siting/prepare/problem.py `input_sha256`), else the file's now. `bases`: the
    bases the scenario extended when the run read it, nearest first (`Prepared.input_bases`); None:
    those it extends now (`extends_chain`)."""
    base = loaded.scenario_path.parent

    def sha256(path: Path) -> str:
        return read_sha256_of(read, path)

    inputs = {"scenario": loaded.scenario_path.name, "catalog": _relative(loaded.catalog_path, base)}
    hashes = {"scenario": sha256(loaded.scenario_path), "catalog": sha256(loaded.catalog_path)}
    chain = extends_chain(loaded.scenario_path) if bases is None else bases
    for k, extended in enumerate(chain, 1):  # the bases the scenario extends
        role = "base" if k == 1 else f"base_{k}"
        inputs[role], hashes[role] = _relative(extended, base), sha256(extended)
    if loaded.committed.path is not None:
        inputs["committed_projects"] = _relative(loaded.committed.path, base)
        hashes["committed_projects"] = sha256(loaded.committed.path)
    for key, path in loaded.calibration_paths().items():
        inputs[f"calibration_{key}"], hashes[f"calibration_{key}"] = _relative(path, base), sha256(path)
    for role, path in sorted(layer_paths.items()):
        inputs[role], hashes[role] = _relative(path, base), sha256(path)
    return inputs, hashes


def read_sha256_of(read: Mapping[Path, str] | None, path: Path) -> str:
    """The SHA-256 (hex) of the input file `path` as the run read it, from `read` (resolved path ->
    SHA-256: siting/prepare/problem.py `input_sha256`), else that of the file now."""
    return (read or {}).get(Path(path).resolve()) or file_sha256(path)


def changed_inputs(read: Mapping[Path, str]) -> list[str]:
    """A notice for each input file whose bytes differ now from those the run read (`read`: resolved
    path -> SHA-256 taken then), or that is gone: the outputs follow what was read, which the
    manifest's `input_sha256` records. Empty when none changed."""
    notices = []
    for path, digest in read.items():
        try:
            now: str | None = file_sha256(path)
        except OSError:
            now = None
        if now != digest:
            what = "is gone" if now is None else f"now has SHA-256 {now[:12]}"
            notices.append(f"{path.name} changed after the run read it ({what}): the outputs and the manifest's "
                           f"input_sha256 ({digest[:12]}) are those of the file as read; run again to plan with "
                           "the file as it is now")
    return notices


def software_versions(highs: str) -> dict[str, str]:
    """The manifest's `versions`: Python's, each package's of PACKAGES ("not installed" for one
    that is not), HiGHS's (`highs`, as the solver reports it) and the geospatial libraries'
    (`library_versions`)."""
    return {"python": sys.version.split()[0], **{p: _version(p) for p in PACKAGES}, "highs": highs,
            **library_versions()}


#: The `of` entry of a near-optimal alternative's `screening` member (`manifest`): the figures
#: are those of the optimum's search, among whose screened sites the alternative was searched.
SCREENING_OF_OPTIMUM = ("the optimum: its search's figures; this alternative was searched among the sites it "
                        "screened (screened_sites)")


def manifest(loaded: LoadedScenario, layer_paths: dict[str, Path], report: SolveReport, plan: Plan,
             model_size: dict[str, Any], timings: dict[str, float], notices: list[str],
             dropped: tuple[str, ...], files: Sequence[str] = (), variant: str | None = None,
             overrides: Sequence[Override] = (), near_optimal: Mapping[str, Any] | None = None,
             read: Mapping[Path, str] | None = None, bases: Sequence[Path] | None = None) -> dict[str, Any]:
    """Run manifest. Everything but the `run` member is a function of the inputs and the settings
    given alone. Its `inputs` and `input_sha256` name every input file by role: the scenario, the
    bases it extends ("base", "base_2", ...), the catalog, the committed projects, the plants
    files of the calibration and each layer (`input_record`), each file's SHA-256 the one taken as
    the run read it where `read` gives it (resolved path -> SHA-256), the bases those it extended
    then (`bases`, nearest first);
    after them, `variant` names the scenario file's variant run (null for its base scenario) and
    `overrides` lists the settings given on top of the file (`override_records`; empty for none),
    so that the folder says what was run beyond its input files. `files`
    names the plan's output files (listed sorted under `files`; their SHA-256 are added as
    `file_sha256` once they are written, see the module's note). With candidate cells,
    `model_size` is the screened model's and its "screening" entry (siting/optimize/screening.py
    `ScreeningSummary.record`: counts, the merged model's bound and the screened plan's cost,
    each search's limits) becomes the manifest's own `screening` member; `solver.settings` are
    then the run's (the time limit and gap asked for), not those of one of its searches. A
    near-optimal alternative's manifest carries its optimum's `screening` (the alternatives are
    searched among the sites that screening kept), with `of` (SCREENING_OF_OPTIMUM) saying that
    its bounds and costs are the optimum's search's, not this plan's.
    `versions` gives Python's, each package's of PACKAGES, HiGHS's and the geospatial libraries'
    (`library_versions`); `working_crs`, the CRS distances and areas were measured in
    (`working_crs_record`). `solver.status` is the solve report's word for scripts ("optimal": proven
    within the gap asked for, as `proven_within_gap` says), `solver.status_text` the outcome in the
    words of the terminal's status line and the report ("optimal within the gap",
    `plain_status`). `solver.gap` is the relative gap (a share of |objective|) and
    `solver.gap_yuan` the same gap in yuan, objective less best bound (`absolute_gap_yuan`), beside
    it, rounded up at the digit the objective and the bound are written to (`_gap_yuan`), so that
    the three figures agree: a net objective near zero makes the share large while the yuan stay small.
    `sites_built_on` lists the ids of the sites where the plan adds capacity, in the plan's order,
    those with existing or committed plants (open already) among them. `near_optimal`, for a plan of
    a near-optimal set (the optimum of `--alternatives N` or one of its alternatives), becomes the
    `near_optimal` member: the set's costs against the optimum's and its proven bound
    (siting/optimize/alternatives.py `near_optimal_record`), which the report quotes."""
    size = {k: v for k, v in model_size.items() if k != "screening"}
    screening = model_size.get("screening")
    if isinstance(screening, dict) and report.termination == ALTERNATIVE_TERMINATION:
        screening = {"of": SCREENING_OF_OPTIMUM, **screening}
    inputs, hashes = input_record(loaded, layer_paths, read, bases)
    return {
        "scenario": loaded.scenario.name,
        "description": loaded.scenario.description,
        "inputs_relative_to": INPUTS_RELATIVE_TO,
        "inputs": inputs,
        "input_sha256": hashes,
        "variant": variant,
        "overrides": override_records(overrides),
        "versions": software_versions(report.solver_version),
        "working_crs": working_crs_record(loaded.scenario.spatial.working_crs),
        "solver": {
            "status": report.status,
            "status_text": plain_status(report.termination, report.has_solution),
            "termination": report.termination,
            "proven_within_gap": report.proven_optimal,
            "objective_yuan": _maybe(report.objective_yuan),
            "best_bound_yuan": _maybe(report.best_bound_yuan, up=False),
            "gap": _maybe(report.gap, up=True),
            "gap_yuan": _gap_yuan(report.objective_yuan, report.best_bound_yuan, report.gap),
            "settings": _held_settings(report, loaded.scenario.solver.abs_gap_bn_yuan),
        },
        "model_size": size,
        **({"screening": _clean_record(screening)} if isinstance(screening, dict) else {}),
        "objective_breakdown_yuan": plan.costs,
        "objective_weighting": objective_weighting(loaded),
        "sites_built_on": list(plan.opened_sites),
        "sites_dropped_outside_clusters": list(dropped),
        **({"near_optimal": dict(near_optimal)} if near_optimal else {}),
        "notices": notices,
        "files": sorted(files),
        "run": {"timings_s": {k: round(v, 3) for k, v in timings.items()},
                "solver_wall_time_s": round(report.solve_time_s, 3)},
    }


def objective_weighting(loaded: LoadedScenario) -> dict[str, Any]:
    """How the objective weighs each year's yearly costs and revenue (the manifest's
    `objective_weighting`): the discount rate (a share), `years_after_horizon` (N, the years after
    the last plan year T that the steady state stands for), `steady_state_year` (T + 1, the year
    standing for them, models/inputs.py `ModelInputs.STEADY_YEAR`; null without N) and each year's
    weight W[t], the steady-state year's among them (factor: models/inputs.py `year_weights`,
    rounded to 9 significant digits, in year order), e.g. {"2022": 1.0, "2023": 0.943396226,
    "2024": 0.88999644, "2025": 8.27250261} for the shipped scenario; the site openings count
    once, at the discount factor alone, and a target shortfall in T at W[T] + W[T + 1]."""
    objective = loaded.scenario.objective
    years = list(loaded.scenario.years)
    after = objective.years_after_horizon
    weights = year_weights(discount_factors(years, objective.discount_rate), years, objective.discount_rate, after)
    return {"discount_rate": objective.discount_rate, "years_after_horizon": after,
            "steady_state_year": next(iter(steady_year(loaded, tuple(years))), None),
            "year_weight": {str(t): float(f"{weights[t]:.9g}") for t in sorted(weights)}}


def _held_settings(report: SolveReport, abs_gap_bn_yuan: float | None) -> dict[str, Any]:
    """The solver settings as HiGHS held them after they were set (read back from the solver):
    the time limit actually used (a command-line override included), gap, threads, seed, and
    every further option; with them the absolute gap as the run was given it (`abs_gap_bn_yuan`,
    solver.abs_gap_bn_yuan with the overrides, bn yuan: 0.0 when 0 was given, which HiGHS is not
    given at all; None only when it was not set)."""
    held = dict(report.highs_options)
    settings: dict[str, Any] = {setting: held.get(option) for setting, option in NAMED_SETTINGS.items()}
    settings["abs_gap_bn_yuan"] = None if abs_gap_bn_yuan is None else clean(abs_gap_bn_yuan)
    settings["options"] = {k: v for k, v in held.items() if k not in NAMED_SETTINGS.values() and k != ABS_GAP_OPTION}
    return settings


def _clean_record(record: dict[str, Any]) -> dict[str, Any]:
    """`record` with every float `clean`ed (nested members too), but a proven lower bound (a member
    named `..._bound_yuan` other than `upper_bound_yuan`) rounded down (`outward`), never above
    what was proven."""
    def tidy(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: tidy(v, str(k)) for k, v in value.items()}
        if not isinstance(value, float):
            return value
        return _maybe(value, up=False) if key.endswith("bound_yuan") and key != "upper_bound_yuan" else clean(value)

    return tidy(record)


def _maybe(value: float | None, up: bool | None = None) -> float | None:
    """`value` to 9 significant digits (`clean`), or, with `up` given, rounded outward to them: up
    for a figure proven at most (a gap), down for one proven at least (a lower bound), so that
    the figure written claims no more than was proven; None as it is."""
    if value is None:
        return None
    return clean(value) if up is None or not math.isfinite(value) else outward(value, up)


def written_gap_yuan(objective_yuan: float | None, bound_yuan: float | None, gap: float | None) -> float | None:
    """The proven gap in yuan as manifest.json's `solver.gap_yuan` writes it (`_gap_yuan`), for
    the other files that give a run's gap in yuan (sweep.csv, comparison.csv: siting/runs/tables.py),
    so that they give the same figure."""
    return _gap_yuan(objective_yuan, bound_yuan, gap)


def _gap_yuan(objective_yuan: float | None, bound_yuan: float | None, gap: float | None) -> float | None:
    """The proven gap in yuan (`absolute_gap_yuan`) as the manifest writes it beside the objective
    and the best bound: rounded up at the last of the 9 significant digits of the larger of the two
    (whose digit they are written to, `clean`, `outward`), so that the objective less the bound
    written is the gap written (an objective of -196,071,xxx,000 yuan and a bound 196,068,380 yuan
    below it give 196,069,000, not 196,068,380), at the objective's alone without a bound; None
    without a gap. Never below the objective less the bound as both are written (`_maybe`: the
    objective to its nearest 9th digit, the bound down), which may be a unit more than the proven
    gap rounded up: an objective of -22,703,928,740 yuan, written -22,703,928,700, and a bound of
    -22,720,545,510, written -22,720,545,600, give 16,616,900, not 16,616,800. The one case left
    apart: an objective written a unit below itself (rounded to nearest, downward) makes the gap
    written a unit more than the objective less the bound written, since the bound cannot be
    written above itself nor the gap below what was proven."""
    raw = absolute_gap_yuan(objective_yuan, gap)
    if raw is None or raw == 0 or not math.isfinite(raw):
        return raw
    ends = [abs(v) for v in (objective_yuan, bound_yuan) if v is not None and math.isfinite(v) and v != 0]
    if not ends:
        return outward(raw, up=True)
    unit = 10.0 ** (math.floor(math.log10(max(ends))) - 8)
    written = 0.0
    if objective_yuan is not None and bound_yuan is not None and math.isfinite(bound_yuan):
        written = clean(_maybe(objective_yuan) - _maybe(bound_yuan, up=False))  # as the file gives them
    # at the unit alone, float noise (a thousandth of it) aside as `outward` takes it: rounded up at
    # its own digits as well, 1,000,000,000.1 would be written 1,000,000,010 beside figures
    # written to the thousand
    return max(clean(math.ceil(round(raw / unit, 3)) * unit), written)


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        import os

        return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()


@functools.cache
def _version(package: str) -> str:
    """`package`'s installed version as its distribution's metadata gives it ("not installed"
    for none), read once per process and package: each lookup scans the import path's
    distributions (some 6 ms for PACKAGES, at every manifest), and the code a process runs is the
    version it imported, whatever is installed later."""
    if package == "siting":
        return siting.__version__
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
