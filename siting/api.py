"""The front door for Python users: the same calls the command line makes.

    import siting
    problem = siting.load("scenarios/yunnan_2024.yaml")        # read, check, preprocess (once)
    solution = siting.solve(problem)                            # solve; writes nothing
    solution.plan, solution.layers["sites"], solution.costs     # tables and GeoDataFrames
    solution.write("outputs/yunnan_2024")                       # the files `siting solve` writes

Money is in yuan (objective and costs discounted to the first year), capacity in the product's
unit per year (t/yr, GWh/yr, m2/yr as the catalog says), distances in km, times in seconds.

Errors (`siting.InputError` and the others, each importable from the top level, `siting`):
`InputError` for bad input (exit code 2 on the command line; `problems` lists every problem, each
naming the file, the key or field and the fix), `OutputFolderError` (an InputError) for an output
folder that may not be written; `PlanInfeasible` when the rules cannot be met together and
`NoSolution` when the solver stops without a plan (exit code 1), each carrying the run's notices
(`notices`: a target no module can reach in time, sites dropped outside clusters, ...), which
often say why; a run of `compare` or `sweep` without a plan keeps them in its summary (the
`notices` of its entry in `Batch.runs`). An argument of the wrong kind
or out of range is an InputError too, named as the Python argument (`time_limit_s | ...`,
`overrides constraints.redline.bufer_m | unknown setting ...`), one InputError listing every
argument refused, in the order of the signature, as the command line lists every refused option
at once; the command line makes the same
calls, with its messages naming its options (`--time-limit`, `--set`) instead.

Overrides (`load`, `run`, `compare`) are a mapping of dotted key -> value
(`{"constraints.redline.buffer_m": 2000}`), or a list of (dotted key, value) pairs or of the
command line's `KEY=VALUE` texts (`["constraints.redline.buffer_m=2000"]`, each value read as
YAML reads it). A text alone, where a list is expected (overrides, `compare`'s paths and
variants, `sweep`'s settings), is refused rather than read one character at a time. A relative
path among the overrides, or among `sweep`'s values (a layer, the catalog, `output.folder`),
starts at the current folder, as the scenario's own path and `out` do; one written in a
scenario file starts at that file's folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import math
import numbers
import os
import re
import tempfile
import time
import typing
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, MappingView, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic_core import PydanticCustomError

from siting.config.errors import InputError, OutputFolderError, listed
from siting.config.load import (
    LoadedScenario,
    Override,
    dotted,
    home_path,
    home_problem,
    name_too_long,
    no_variant_chosen,
    override_parts,
    overrides_named,
    parse_override,
    paths_typed,
    repeated_keys,
    schema_at,
    setting_parts,
    shown_path,
    too_long_words,
    unsearchable_words,
    written_value,
)
from siting.config.schema import (
    MOST_ALTERNATIVES,
    SCHEMA_FILES,
    Scenario,
    file_json_schema,
    is_schema_comment,
    number_text,
)
from siting.config.units import cut_list, per_year
from siting.config.urls import is_url, url_words
from siting.deliver.folders import check_destination, input_files, scenario_folder, staging_problems
from siting.optimize.results import Plan, SteadyState, time_limit_named
from siting.optimize.run import ModelSize, Solved, solve_prepared
from siting.optimize.run import solver_settings as scenario_solver_settings
from siting.optimize.solve import SolveReport, SolverSettings
from siting.optimize.tolerance import absolute_gap_yuan
from siting.prepare.problem import Prepared, load_checked, prepare, redline_settings
from siting.prepare.spatial import RedlineSettings
from siting.runs.job import (
    RunResult,
    checked_before_solving,
    notices_carried,
    plans_files,
    refused_together,
    run_solve,
    write_outputs,
)

if TYPE_CHECKING:
    from siting.deliver.layer import OutputLayer
    from siting.deliver.qgisproject import Overlay, ShownPlans
    from siting.optimize.alternatives import Alternative
    from siting.runs.batch import BatchResult
    from siting.runs.pool import CaseSummary


__all__ = ["Alternatives", "Batch", "Problem", "Solution", "alternatives", "compare", "load", "rule_costs", "run",
           "scenario_json_schema", "solve", "sweep"]

#: Timings that are not phases of the solve: making and writing the files (timed anew for each
#: write, as the manifest's last phases) and the rule costs (not in the manifest, as on the command line).
AFTER_SOLVE = ("export", "write", "rule_costs", "alternatives")


def compare_to_folder(*args: Any, **kwargs: Any) -> BatchResult:
    """siting/runs/batch.py `compare`, imported on first call: a solve loads no batch code."""
    from siting.runs.batch import compare

    return compare(*args, **kwargs)


#: How much more than the optimum near-optimal alternatives may cost when no slack is given, as a
#: share of |optimum| (0.05 = 5 %): `alternatives`, and `run` (the command line's `--slack`).
DEFAULT_SLACK = 0.05


# --------------------------------------------------------------------------------------------
# arguments: what each call accepts, and how its problems name them


@dataclass(frozen=True)
class ArgumentNames:
    """What the problems and the advice call the arguments that the command line passes through
    to these calls unchecked (it checks the others' values, such as the time limit's, itself) or
    that the advice names (the time limit, in what to do about a run without a plan): the Python
    arguments (`PYTHON_NAMES`), or the command line's options (`COMMAND_LINE_NAMES`). `written`
    gives a name as its user writes it with a value."""

    overrides: str
    settings: str
    out: str
    scheduler: str
    variants: str
    time_limit: str
    alternatives: str
    slack: str
    paths: str
    scenario: str
    scenarios: str


PYTHON_NAMES = ArgumentNames(overrides="overrides", settings="settings", out="out", scheduler="scheduler",
                             variants="variants", time_limit="time_limit_s", alternatives="alternatives",
                             slack="slack", paths="paths", scenario="path", scenarios="paths[{}]")
COMMAND_LINE_NAMES = ArgumentNames(overrides="--set", settings="--set", out="--out", scheduler="--scheduler",
                                   variants="--variant", time_limit="--time-limit", alternatives="--alternatives",
                                   slack="--slack", paths="compare", scenario="scenario", scenarios="scenario")

_ARGUMENT_NAMES: ContextVar[ArgumentNames] = ContextVar("_ARGUMENT_NAMES", default=PYTHON_NAMES)


@contextlib.contextmanager
def command_line_names() -> Iterator[None]:
    """Name the arguments as the command line's options in the problems of the calls made while
    the block runs (this thread): the command line makes its calls in it."""
    token = _ARGUMENT_NAMES.set(COMMAND_LINE_NAMES)
    try:
        yield
    finally:
        _ARGUMENT_NAMES.reset(token)


def written(name: str, value: str = "") -> str:
    """An argument's `name` (of `ArgumentNames`) as its user writes it with `value`: an option
    `--alternatives N` (`--time-limit` without a value), a Python argument `alternatives=N`
    (`time_limit_s=`)."""
    return f"{name} {value}".rstrip() if name.startswith("--") else f"{name}={value}"


@contextlib.contextmanager
def _time_limit_named() -> Iterator[None]:
    """Name the time limit as the front door in use writes it (`time_limit_s=`, or `--time-limit`
    under `command_line_names`) in the advice of a run without a plan while the block runs
    (siting/optimize/results.py `raise_time_limit`)."""
    with time_limit_named(written(_ARGUMENT_NAMES.get().time_limit)):
        yield


def _shown(value: Any) -> str:
    """`value` as a problem's `(got ...)` shows it: its repr (a path's as its text), that of
    anything but a text or a path cut at 120 characters; a repr of several lines (a pandas
    DataFrame's or Series', a numpy array's) as its kind and shape ("a pandas DataFrame of shape
    (2, 3)"), so that the problem stays one line."""
    if isinstance(value, (str, os.PathLike)):
        return repr(os.fspath(value))
    text = repr(value)
    if "\n" in text:
        shape = getattr(value, "shape", None)
        kind = f"a {type(value).__module__.split('.')[0]} {type(value).__name__}"
        return f"{kind} of shape {shape}" if isinstance(shape, tuple) else kind
    return text if len(text) <= 120 else f"{text[:117]}..."


def slack_with_alternatives(slack: Any, alternatives: Any) -> None:
    """InputError for a `slack` given (not None) without `alternatives` (0 or None), named as the
    front door in use names them (`command_line_names`: --slack, --alternatives)."""
    if slack is not None and not alternatives:
        names = _ARGUMENT_NAMES.get()
        raise InputError([f"{names.slack} | applies to the alternatives only (got {_shown(slack)} without "
                          f"{names.alternatives}); add {written(names.alternatives, 'N')}, or drop {names.slack}"])


class _ArgumentChecks:
    """The checks of a front door's arguments, each run whatever the others found, the problems of
    every refused argument kept under its name, so that one InputError lists them all
    (`raise_refused`), as the command line lists every refused option at once, rather than the
    first alone."""

    def __init__(self) -> None:
        self.refused: dict[str, list[InputError]] = {}

    def __call__(self, name: str, check: Callable[..., Any], *args: Any) -> Any:
        """`check(*args)`, the check of the argument `name`; None when it raises InputError, kept."""
        try:
            return check(*args)
        except InputError as exc:
            self.refused.setdefault(name, []).append(exc)
            return None

    def raise_refused(self, order: Sequence[str] = ()) -> None:
        """Raise the problems of every refused argument, in `order` (the signature's; by default
        the order of the checks): the error itself when one alone was refused (an OutputFolderError
        stays one), else one InputError listing them all, an OutputFolderError under the heading of
        both (siting/runs/job.py `refused_together`) when an output folder is among them."""
        errors = [exc for name in [*order, *self.refused] if name in self.refused for exc in self.refused.pop(name)]
        if len(errors) == 1:
            raise errors[0]
        problems = [problem for exc in errors for problem in exc.problems]
        if any(isinstance(exc, OutputFolderError) for exc in errors):
            raise refused_together(problems, [])
        if errors:
            raise InputError(problems)


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def checked_path(value: Any, name: str | None = None) -> Path:
    """`value` (a str or path-like) as a Path, a leading `~` or `~user` expanded as a shell would
    (`home_expanded`); InputError naming `name` (by default the scenario's path as the front door
    in use names it: `path`, or the command line's `scenario`) otherwise, when empty, holding a NUL
    character or given as a URL (`is_url`)."""
    if name is None:
        name = _ARGUMENT_NAMES.get().scenario
    if not _is_path(value) or str(value) == "":
        raise InputError([f"{name} | must be the path of a scenario file (got {_shown(value)}); give e.g. "
                          "'scenarios/yunnan_2024.yaml'"])
    if looks_like_yaml_text(value):
        text = str(value)
        start = text if len(text) <= 60 else f"{text[:57]}..."
        raise InputError([f"{name} | takes the path of a scenario file, not the scenario's text (got {start!r}, "
                          f"{len(text)} characters); write the text to a file, e.g. scenario.yaml, and give its path"])
    if "\0" in str(value):
        raise InputError([f"{name} | must not hold a NUL character (\\0): no file name can (got {_shown(value)})"])
    if is_url(value):
        raise InputError([f"{name} | {url_words(value)}"])
    return home_path(value)


def checked_paths(typed: Sequence[Any], variants: list[str] | None, pairs: tuple[Override, ...]) -> list[Path]:
    """The scenario files `typed` of a comparison (`checked_path`, each named as the front door in
    use names it: `paths[0]`, or the command line's `scenario`); InputError with the problem of
    every path refused and, when one is given as a URL and so cannot be read, the problems of the
    others that can (siting/runs/batch.py `compared_cases`), as a comparison lists every file's."""
    from siting.runs.batch import compared_cases

    names = _ARGUMENT_NAMES.get()
    problems: list[str] = []
    files: list[Path] = []
    urls = False
    for i, value in enumerate(typed):
        try:
            files.append(checked_path(value, names.scenarios.format(i)))
        except InputError as exc:
            problems.extend(exc.problems)
            urls = urls or is_url(value)
    if not problems:
        return files
    if urls and files:
        few = f"{names.paths} | needs at least two"  # the runs are not all known: their count is no problem
        with overrides_named(names.overrides), paths_typed(typed):
            found = compared_cases(files, None, variants, pairs, names.variants, names.paths)[2]
        problems.extend(problem for problem in found if not problem.startswith(few))
    raise InputError(problems)


def looks_like_yaml_text(value: Any) -> bool:
    """Whether `value`, given as a scenario's path, is rather a scenario's YAML text: a text holding a
    line break, or that starts as a mapping does (`{`, or `key: ` with a space), naming no file."""
    if not isinstance(value, str) or os.path.lexists(value):
        return False
    return "\n" in value or re.match(r"\s*(?:\{|[A-Za-z_][\w.-]*:\s)", value) is not None


def checked_out(value: Any) -> Path | None:
    """An output folder argument as a Path (a leading `~` or `~user` expanded as a shell would), or
    None; InputError for anything else, an empty text (which would name the current folder) or a
    text holding a NUL character; OutputFolderError for the hidden folder a run, comparison or
    sweep assembles its outputs in, or a folder inside one (`staging_problems`), before anything
    is read or written, as the command line's `--out` is refused."""
    if value is None:
        return None
    if not _is_path(value) or str(value).strip() == "":
        raise InputError([f"out | must name a folder, or be None (got {_shown(value)}); give e.g. "
                          "out='outputs/run1'"])
    if "\0" in str(value):
        raise InputError([f"out | must not hold a NUL character (\\0): no folder name can (got {_shown(value)})"])
    if is_url(value):
        raise InputError([f"out | {url_words(value, folder=True)}"])
    folder = home_path(value)
    staging_refused(folder, "out")
    return folder


def checked_variant(value: Any) -> str | None:
    """A `variant` argument: a name, or None for the base scenario."""
    if value is not None and not isinstance(value, str):
        raise InputError([f"variant | must be the name of one of the file's variants, or None for the base "
                          f"scenario (got {_shown(value)})"])
    return value


def checked_time_limit(value: float) -> float:
    """`value` as seconds; InputError unless it is a finite number above zero."""
    seconds = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise InputError([f"time_limit_s | must be a finite number of seconds above 0 (got {value!r}); "
                          "give e.g. 60, or None for the scenario's solver.time_limit_s"])
    return seconds


def _time_limit(value: float | None) -> float | None:
    return checked_time_limit(value) if value is not None else None


def checked_slack(value: Any) -> float:
    """A share of the optimum's cost from 0 to 1 (0.05 = 5 %), as the command line's `--slack`: a
    value above 1 is refused, not read as a percent (2 would allow 200 % more than the optimum)."""
    number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
    if not (math.isfinite(number) and number >= 0):
        raise InputError([f"slack | must be a share of the optimum's cost from 0 to 1 (got {_shown(value)}); "
                          "give e.g. slack=0.05 for 5 %"])
    if number > 1:
        example = f"slack={number / 100:g} for {number:g} %" if number <= 100 else "e.g. slack=0.05 for 5 %"
        raise InputError([f"slack | must be a share of the optimum's cost from 0 to 1, not a percent (got "
                          f"{value!r}, which is {number * 100:.10g}%); give {example}"])
    return number


def _slack(value: Any) -> float:
    """`checked_slack` of a slack given; `DEFAULT_SLACK` for None (no slack given)."""
    return checked_slack(value) if value is not None else DEFAULT_SLACK


def checked_flag(value: Any, name: str, example: str) -> bool:
    """A yes-or-no argument `name`: True or False (NumPy's too); InputError for anything else, such
    as the text 'yes' or the number 1, which would otherwise be taken as True in silence."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError([f"{name} | must be True or False (got {_shown(value)}); give e.g. {example}"])
    return bool(value)


def _is_count(value: Any, least: int) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= least


def checked_workers(value: Any) -> int | None:
    """Worker processes: a whole number of at least 1, or None for one per core."""
    if value is not None and not _is_count(value, 1):
        raise InputError([f"workers | must be a whole number of at least 1 (got {_shown(value)}); give e.g. "
                          "workers=2, or None for one per core"])
    return None if value is None else int(value)


def dask_installed() -> bool:
    """True when Dask's distributed scheduler can be imported (the `dask` extra)."""
    try:
        return importlib.util.find_spec("dask.distributed") is not None
    except ImportError:
        return False


def checked_scheduler(value: Any) -> str | None:
    """A Dask scheduler: 'local' or a well-formed address, `[scheme://]host:port` (the scheme `tcp`
    when none is given, an IPv6 host in brackets, the port a whole number from 1 to 65535); a
    malformed address is an InputError naming the argument, the address as given and what is
    wrong with it, at once, before any run and without connecting to anything; with an output
    folder or without one (a batch kept in memory: the workers then send each run's summary back
    and write nothing). Dask must be installed."""
    from siting.runs.pool import checked_address

    if value is None:
        return None
    name = _ARGUMENT_NAMES.get().scheduler
    if not isinstance(value, str) or not value.strip():
        raise InputError([f"{name} | must be 'local' or the address of a Dask scheduler such as "
                          f"'tcp://host:8786', or None (got {_shown(value)})"])
    checked_address(value, name)  # a malformed address is refused here, before any run, Dask or not
    if not dask_installed():
        raise InputError([f"{name} | Dask is not installed; install the extra: pip install -e '.[dask]'"])
    return value


def _unordered(value: Any, name: str, order: str) -> None:
    """InputError naming `name` for a set or frozenset: its order of iteration changes from one
    process to the next (texts hash with a random seed), where `order` (e.g. "the first the
    baseline") matters."""
    if isinstance(value, (set, frozenset)):
        raise InputError([f"{name} | must be a list, {order} (got a {type(value).__name__}, whose order changes "
                          f"from one run of Python to the next: {_shown(value)}); give a list, e.g. "
                          f"{_shown(sorted(value, key=repr))}"])


def _listed(value: Any, name: str, what: str, example: str) -> list[Any]:
    """`value` as a list, where a list of `what` is expected: a text or a path alone, or what is
    not a collection at all, is an InputError naming `name` (not read one character at a time);
    so is a set (`_unordered`)."""
    _unordered(value, name, "the first the baseline" if name == "paths" else "in the order to run")
    if _is_path(value) or isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise InputError([f"{name} | must be a list of {what} (got {_shown(value)}); give e.g. {example}"])
    return list(value)


def _set_within(value: Any) -> set[Any] | frozenset[Any] | None:
    """The first set or frozenset in `value` (itself, or among the items of its lists, tuples and
    mappings), or None: an override's value is applied and recorded in its order, which a set's
    iteration does not keep from one run of Python to the next."""
    if isinstance(value, (set, frozenset)):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    return next((found for v in items if (found := _set_within(v)) is not None), None)


#: The forms overrides take, and an example of each, for the problems.
OVERRIDE_FORMS = ("must map each dotted key to its value, or list (key, value) pairs or 'KEY=VALUE' texts",
                  "{'constraints.redline.buffer_m': 2000} or ['constraints.redline.buffer_m=2000']")


def _entries(value: Any, name: str, forms: tuple[str, str]) -> list[Any]:
    """The entries of `value`, the argument `name`: a mapping's (key, value) pairs, or an
    iterable's items. InputError naming `name`, with `forms` (what it must be, an example), for a
    path, a text, bytes or anything not iterable."""
    if isinstance(value, Mapping):
        return list(value.items())
    _unordered(value, name, "in the order to apply" if name == "overrides" else "in the order to run")
    if _is_path(value) or isinstance(value, bytes) or not isinstance(value, Iterable):
        raise InputError([f"{name} | {forms[0]} (got {_shown(value)}); give e.g. {forms[1]}"])
    return list(value)


#: What a malformed override text is expected to be, in each front door's form: one value each.
OVERRIDE_EXPECTED = {"python": "a 'KEY=VALUE' text, e.g. 'constraints.redline.buffer_m=2000', or a mapping "
                               "{key: value}, e.g. {'constraints.redline.buffer_m': 2000}",
                     "command line": "KEY=VALUE, e.g. constraints.redline.buffer_m=2000"}

#: What a malformed sweep setting text is expected to be, in each front door's form: values to sweep.
SETTING_EXPECTED = {"python": "a mapping {key: [values]}, e.g. {'constraints.redline.buffer_m': [0, 500]}, or a "
                              "'KEY=V1,V2' text such as 'constraints.redline.buffer_m=0,500'",
                    "command line": "KEY=VALUE[,VALUE...], e.g. constraints.redline.buffer_m=0,500"}


def _front_door() -> str:
    """The front door in use: "command line" under `command_line_names`, "python" otherwise."""
    return "command line" if _ARGUMENT_NAMES.get() is COMMAND_LINE_NAMES else "python"


def checked_setting_text(text: str, name: str, expected: Mapping[str, str], empty_ok: bool = False) -> str:
    """`text`, a `KEY=VALUE` text given as `name` (an override, one value, or a sweep's setting,
    values to sweep), when it has a key, `=` and a value (with `empty_ok`, an override's, the
    value may be empty: `KEY=` sets the key to "", which the scenario's checks then name);
    InputError naming `name` and the text, saying what was expected (`expected`,
    OVERRIDE_EXPECTED or SETTING_EXPECTED) in the form of the front door in use
    (`command_line_names` or not), otherwise."""
    key, sep, values = text.partition("=")
    if not sep or not key.strip() or not (values.strip() or empty_ok):
        raise InputError([f"{name} {text} | expected {expected[_front_door()]}"])
    return text


def plain_value(value: Any, setting: str | None = None) -> Any:
    """`value` with numpy's scalars (np.int64(2000), np.float64(0.5), np.bool_(True)) as Python's,
    a pandas Period of one year (pd.Period('2024', 'Y'), of any fiscal year end) as its year (2024),
    and a numpy array, a pandas Series or Index and a range (np.arange(2022, 2025), a table's
    column, pd.period_range('2023', periods=2, freq='Y')), a dict's keys, values or items and a
    generator or other iterator (read once, in their order) as the list of their items (a 0-d
    array, np.array(2000), as the number it holds), in lists, tuples and mappings too; anything
    else as it is. A pandas Series given for the dotted `setting` (an override's key, when known)
    where the scenario takes a mapping (a figure by year, setbacks by product) is the mapping of
    its index to its values (`_series_mapping`); a key within a mapping is one part of the
    setting's path, dots and all (setbacks for the product `lfp.v2`).

    Raises:
        InputError: naming the setting, for a pandas DataFrame (a table, not a value: give one of
            its columns) and for a Period other than a year (pd.Period('2024-01', 'M')).
    """
    return _plain(value, None if setting is None else override_parts(setting))


def _plain(value: Any, parts: tuple[str | int, ...] | None) -> Any:
    """`plain_value` of `value`, found at the path `parts` of the scenario (the dotted key's parts,
    then each mapping's key as text and each list's position as an int), or None when unknown."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Period):
        return _period_year(value, parts)
    if isinstance(value, pd.DataFrame):
        raise InputError([_table_problem(value, _setting_named(parts), "a setting's value", "a dict")])
    if isinstance(value, pd.Series) and parts is not None and _takes_mapping(parts):
        return _series_mapping(value, parts)
    if isinstance(value, (np.ndarray, pd.Series, pd.Index)):
        items = value.tolist()  # a 0-d array's is its one number (np.array(2000): 2000)
        return [_plain(v, _below(parts, i)) for i, v in enumerate(items)] if isinstance(items, list) else items
    if isinstance(value, (range, MappingView, Iterator)):  # a dict's keys or values, a generator: in their order
        return [_plain(v, _below(parts, i)) for i, v in enumerate(value)]
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v, _below(parts, i)) for i, v in enumerate(value))
    if isinstance(value, dict):
        return {k: _plain(v, _below(parts, str(k))) for k, v in value.items()}
    return value


def _below(parts: tuple[str | int, ...] | None, step: str | int) -> tuple[str | int, ...] | None:
    """The path `parts` one step down: to a list's position `step`, an int (years[0]), or to a
    mapping's key `step`, as text (one part however many dots it holds: setbacks for the product
    lfp.v2); None when `parts` is."""
    return None if parts is None else (*parts, step)


def _setting_named(parts: tuple[str | int, ...] | None) -> str:
    """`overrides <setting>` as a problem names the setting at the path `parts`
    (constraints.redline.setbacks_m.lfp, years[0]); `overrides` alone when it is unknown."""
    return "overrides" if parts is None else f"overrides {dotted(parts)}"


def _table_problem(table: pd.DataFrame, named: str, wanted: str, instead: str) -> str:
    """The problem of a pandas DataFrame given where `named` (`overrides <setting>`, `settings
    <setting>`) takes `wanted` (a setting's value, the values to run), not a table: named with its
    kind, its shape (rows x columns) and its first columns, with one of its columns (a Series) or
    `instead` (a dict, a list) as the fix."""
    kind = f"{type(table).__module__.split('.')[0]} {type(table).__name__}"  # pandas DataFrame, geopandas GeoDataFrame
    names = cut_list([str(c) for c in table.columns], 5, ", ")  # past 5, "and N more"
    rows, columns = table.shape
    shape = (f"{rows} row{'s' * (rows != 1)} x {columns} column{'s' * (columns != 1)}"
             + (f": {names}" if names else ""))
    column = f"df[{table.columns[0]!r}]" if columns else "df['<column>']"
    return (f"{named} | must be {wanted}, not a table (got a {kind} of {shape}); give one of its columns ({column}, "
            f"a Series) or {instead}")


def _period_year(period: pd.Period, parts: tuple[str | int, ...] | None) -> int:
    """The year of `period`, a pandas Period of one year (freq 'Y', of any month's year end: the
    fiscal year ending June 2024, 'Y-JUN', is 2024); InputError naming the setting at `parts` and
    the frequency, for a Period of another length (a month, a quarter, two years)."""
    if isinstance(period.freq, pd.offsets.YearEnd) and period.freq.n == 1:
        return int(period.year)
    raise InputError([f"{_setting_named(parts)} | a pandas Period stands for a year only with frequency 'Y' (got "
                      f"{_shown(period)}, of frequency {period.freqstr!r}); give years, e.g. {period.year}, or "
                      "periods of freq='Y'"])


def _takes_mapping(parts: tuple[str | int, ...]) -> bool:
    """Whether the scenario's setting at the path `parts` (`targets.capacity.cells`; setbacks by
    product) is a mapping (a figure by year; setbacks by product), not a list or a single value."""
    return typing.get_origin(schema_at(Scenario, parts)) is dict


def _series_mapping(series: pd.Series, parts: tuple[str | int, ...]) -> dict[Any, Any]:
    """A pandas Series given for the setting at the path `parts`, a mapping, as the mapping of its
    index to its values, in its order, numpy's scalars and annual Periods as Python's numbers:
    pd.Series({2024: 50}) for a figure by year is {2024: 50}, as the dict typed out is (applied and
    recorded in manifest.json alike), and a Series of Series for a mapping of mappings the nested
    mapping, as a dict of Series is. InputError naming the setting for an index that names a key
    twice, of which a mapping would keep only the last."""
    # a key's problem names it as targets.capacity.cells.2023 (as a key)
    index = [_plain(k, (*parts, str(k), "[key]")) for k in series.index]
    repeated = [k for i, k in enumerate(index) if k in index[:i]]
    if repeated:
        raise InputError([f"{_setting_named(parts)} | a Series given for a mapping must name each key once in its "
                          f"index (got {_shown(repeated[0])} twice), since only the last would be kept; give each "
                          "key once, or pass a dict"])
    # each value for the setting below its key: a Series in it is a mapping too where one goes
    return {k: _plain(v, (*parts, str(k))) for k, v in zip(index, series.tolist(), strict=True)}


def override_pairs(overrides: Mapping[str, Any] | Iterable[Override | str] | None) -> tuple[Override, ...]:
    """Overrides as (dotted key, value) pairs, from any of the forms they take (the module's
    docstring): a mapping, (key, value) pairs, `KEY=VALUE` texts (one value each, read as YAML),
    or None for none; numpy's numbers and yes/no as Python's (`plain_value`), so that a value is
    recorded alike however it was given. InputError naming `overrides` for anything else."""
    if overrides is None:
        return ()
    items = _entries(overrides, "overrides", OVERRIDE_FORMS)
    pairs: list[Override] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            with overrides_named("overrides"):
                key, values = parse_override(checked_setting_text(item, "overrides", OVERRIDE_EXPECTED, empty_ok=True))
            if len(values) != 1:
                raise InputError([f"overrides {item} | takes one value (got {len(values)}); to run several "
                                  f"values, use siting.sweep(path, [{item!r}])"])
            pairs.append((key, values[0]))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            pairs.append((item[0], plain_value(item[1], item[0] if isinstance(item[0], str) else None)))
            if (found := _set_within(pairs[-1][1])) is not None:
                raise InputError([f"overrides {item[0]} | must hold a list, not a set (got a {type(found).__name__}, "
                                  f"whose order changes from one run of Python to the next: {_shown(found)}); "
                                  f"give a list, e.g. {_shown(sorted(found, key=repr))}"])
        else:
            raise InputError([f"overrides[{i}] | must be a (key, value) pair or a 'KEY=VALUE' text (got "
                              f"{_shown(item)}); give e.g. ('constraints.redline.buffer_m', 2000)"])
    for key, _value in pairs:
        if not isinstance(key, str) or not key.strip():
            raise InputError([f"overrides | each key must be a dotted setting such as "
                              f"'constraints.redline.buffer_m' (got {_shown(key)})"])
    return tuple(pairs)


class _Copied:
    """A dataclass field of a mapping that reads as a copy at every access (`solution.timings`),
    so that a change to what it gives stays in it and never reaches the files the object writes
    later; the constructor stores a copy of the mapping it is given under `_<name>`, where the
    class's own code keeps adding to it (`export`, `write`, ...). A field without a default."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.store = f"_{name}"

    def __get__(self, instance: object | None, owner: type | None = None) -> dict[str, float]:
        if instance is None:  # asked by @dataclass for a default: there is none
            raise AttributeError(self.store[1:])
        return dict(instance.__dict__[self.store])

    def __set__(self, instance: object, value: Mapping[str, float]) -> None:
        instance.__dict__[self.store] = dict(value)


@dataclass(frozen=True, eq=False)
class Problem:
    """A scenario read, checked against its layers and preprocessed, ready to solve any number
    of times (with other time limits, or for rule costs) without reading anything again.

    Attributes:
        prepared: the loaded scenario and catalog (`prepared.loaded`), the input layers
            (`prepared.layers`, GeoDataFrames as read), the spatial preprocessing in the working
            CRS (`prepared.spatial`: sites with their cluster, land left after the red line in ha,
            road distances in km, red-line zones) and the model's plain inputs (`prepared.inputs`,
            which carry the model's sparse index sets, derived once).
        redline: the red-line rule's settings (buffer and setbacks in m), as the layers use them.
        timings: seconds spent reading and checking (`load`), making the candidate cells when the
            scenario has a `candidates:` block (`candidates`), and preprocessing (`preprocess`);
            a copy at every access, to change at will (the solves start from the figures loaded).
        variant, overrides: the variant and the settings it was loaded with (`load`'s), which the
            files written record (manifest.json's `variant` and `overrides`, and the report).
    """

    prepared: Prepared
    redline: RedlineSettings
    timings: Mapping[str, float] = _Copied()  # type: ignore[assignment]
    variant: str | None = None
    overrides: tuple[Override, ...] = ()

    def __repr__(self) -> str:
        """Name, sites, clusters, products and years, on one line."""
        inputs = self.prepared.inputs
        return (f"Problem({self.name!r}: {len(inputs.SITES)} sites in {len(inputs.CLUSTERS)} clusters, "
                f"{len(inputs.PRODUCTS)} products, years {list(inputs.YEARS)})")

    @property
    def loaded(self) -> LoadedScenario:
        """The scenario and catalog as validated, with their file paths."""
        return self.prepared.loaded

    @property
    def scenario(self) -> Scenario:
        """The fully resolved scenario (extends, variant and overrides applied)."""
        return self.prepared.loaded.scenario

    @property
    def name(self) -> str:
        """The scenario's name (`<base>-<variant>` for a variant)."""
        return self.prepared.loaded.scenario.name

    @property
    def notices(self) -> list[str]:
        """What loading changed or noticed (repaired geometries, sites dropped outside clusters)."""
        return list(self.prepared.notices)

    def solver_settings(self, time_limit_s: float | None = None) -> SolverSettings:
        """The scenario's solver settings, with the time limit (s) replaced when one is given."""
        settings = scenario_solver_settings(self.prepared.loaded)
        if time_limit_s is not None:
            settings = dataclasses.replace(settings, time_limit_s=checked_time_limit(time_limit_s))
        return settings


def load(path: Path | str, variant: str | None = None,
         overrides: Mapping[str, Any] | Iterable[Override | str] | None = ()) -> Problem:
    """Read a scenario file, check it against its layers and preprocess it, once.

    Args:
        path: the scenario YAML file; the relative paths written in it resolve from its folder.
        variant: the name of one of the file's `variants:`, or None for the base scenario.
        overrides: settings applied last (the command line's `--set`), in any of three forms:
            a mapping of dotted key -> value, `{"constraints.redline.buffer_m": 2000}`; a list of
            (dotted key, value) pairs, `[("constraints.redline.buffer_m", 2000)]`; or a list of
            the command line's `KEY=VALUE` texts, `["constraints.redline.buffer_m=2000"]`, each
            holding one value, read as YAML reads it (`KEY=` sets the empty text; several values
            are refused: `sweep` runs each). None or an empty list for none. A text alone, not in
            a list, is refused rather than read one character at a time. A relative path among
            them (`{"layers.sites.path": "geodata/other_sites.geojson"}`) starts at the current
            folder.

    Returns:
        A `Problem` to pass to `solve`, `rule_costs` or `alternatives` (any number of times).
        A scenario's `calibration:` block compares the plan with the real plants in one of two
        modes: fixed (the real plants are the plan, held at their sites) or choose (the model
        chooses freely and is scored against them). In mode fixed, its model holds the real
        plants of `calibration.plants` at their sites as the command line's does: in place of
        the committed projects, with a notice saying so (in `Problem.notices`, before those of
        mapping the plants onto the sites and years; docs/SCENARIOS.md, `calibration`).

    Raises:
        InputError: an argument of the wrong kind, or every problem found in the scenario,
            catalog and layers, each naming the file, the key or field and the fix (an override's
            as `overrides <key> | ...`).
    """
    checks = _ArgumentChecks()
    scenario = checks("path", checked_path, path)
    chosen = checks("variant", checked_variant, variant)
    pairs = checks("overrides", override_pairs, overrides)
    checks.raise_refused()
    timings: dict[str, float] = {}
    with overrides_named(_ARGUMENT_NAMES.get().overrides), paths_typed([path]):
        prepared = prepare(scenario, timings, chosen, pairs)
    return Problem(prepared, redline_settings(prepared.loaded), dict(timings), chosen, pairs)


def as_problem(problem_or_path: Problem | Path | str, name: str = "problem_or_path") -> Problem:
    """A `Problem` as given, or loaded from a scenario path; InputError naming the argument `name`,
    with what was given (`_shown`), for anything else."""
    if isinstance(problem_or_path, Problem):
        return problem_or_path
    if _is_path(problem_or_path):
        return load(problem_or_path)
    if name == "problem_or_path" and isinstance(problem_or_path, Solution):
        fix = "give its problem, solution.problem, to solve it again"
    else:
        fix = "give the path of a scenario file, or a problem from siting.load(path)"
    kinds = "a solution from siting.solve, " if name == "problem_or_solution" else ""
    raise InputError([f"{name} | must be {kinds}a problem from siting.load or the path of a scenario file (got "
                      f"{_shown(problem_or_path)}); {fix}"])


@dataclass(frozen=True, eq=False)
class Solution:
    """A solved plan, in memory, as `siting.solve` returns it (`solution = siting.solve(problem)`,
    where `problem = siting.load("scenario.yaml")`). Nothing is written until `write` is called.

    Money is in yuan: the objective, bound and costs discounted to the first year; `plan`'s
    capex_yuan is the catalog's capex of the modules built, not discounted (as plan.csv gives
    it). Capacity is in the product's unit per year.
    The solver's figures (status, objective, bound, gap) are HiGHS's; the tables are read back
    from the solved model, every figure computed from the same whole-number decisions: module
    counts are whole numbers, and the cost components are evaluated with those whole values in
    place (a decision farther than the integrality tolerance from a whole number is a
    NoSolution, naming it).

    Attributes:
        problem: the `Problem` solved.
        settings: the solver settings used (time limit in s, relative gap, absolute gap in yuan,
            threads, seed, options).
        report: what the solver said: `status` (as `Solution.status`), `termination` (HiGHS's
            name for why it stopped), `has_solution`, `proven_optimal`, `infeasible`,
            `objective_yuan` and `best_bound_yuan` (discounted yuan, or None), `gap` (a share, or
            None), `solve_time_s`, `solver_version`, `highs_options` (the options HiGHS held) and
            `start_dropped` (True when a MIP start was dropped and the solve repeated without it).
        result: the plan as read back, as tables and figures (`builds`, `capacity`, `flows`,
            `costs`, `targets`, `output_value`, `opened_sites` and more; money in yuan, capacity
            and flows in product units per year): the plan as solved, which the files are made
            from; `write` and `files` refuse it changed. The properties below give copies, to
            change at will.
        model_size: `variables`, `integer_variables` and `constraints` of the model (counts),
            and the figures of its searches under "searches"; with candidate cells, those of the
            screened model, with `candidate_cells`, `screening_groups`, `aggregate_sites` and
            `screened_sites` (counts) and the screening's figures under "screening".
        timings: seconds per phase, under the keys manifest.json's `run.timings_s` uses, in its
            order: `load` (reading and checking), `candidates` (making the candidate cells, only
            for a scenario with a `candidates:` block), `preprocess`, `build` (building the
            model; with candidate cells, every model the screening builds), `bound` (the count
            relaxation's search for a bound), `solve` (the search for the plan; with candidate
            cells, the rest of the screening: merging the cells, the merged and screened models'
            searches); then, once they have run on this
            solution, `rule_costs` (`siting.rule_costs`) and `alternatives`
            (`siting.alternatives`); `export` once the files are made (`Solution.files`,
            `Solution.write`) and `write` once they are written (`Solution.write`), each timed
            anew at every call. A copy at every access, as the properties below give, to change
            at will: the manifest's `run.timings_s` are the figures measured.
    """

    problem: Problem
    settings: SolverSettings
    report: SolveReport
    result: Plan
    model_size: ModelSize
    timings: dict[str, float] = _Copied()  # type: ignore[assignment]
    #: The seconds per phase that `timings` gives copies of, which the solution's own calls add to.
    _timings: dict[str, float] = field(init=False, repr=False)
    #: The solved model, its solver and the screened inputs, for `rule_costs` and `alternatives`
    #: to reuse; not a constructor argument (`_of` sets it), so help() shows none private.
    _solved: Solved = field(init=False, repr=False)
    #: The rows of every table `siting.rule_costs` gave for this solution (`rule_cost_rows`), the
    #: only rows `write` and `files` take as its rule costs.
    _rule_cost_rows: set[tuple[tuple[str, Any], ...]] = field(init=False, repr=False, default_factory=set)
    #: `_result_digest` of `result` as solved, which `files` checks it against.
    _digest: str = field(init=False, repr=False, default="")

    @classmethod
    def _of(cls, problem: Problem, settings: SolverSettings, solved: Solved, timings: dict[str, float]) -> Solution:
        """The solution of `problem` that `solved` holds, solved with `settings`."""
        solution = cls(problem, settings, solved.report, solved.plan, solved.size, timings)
        object.__setattr__(solution, "_solved", solved)  # frozen: set as the dataclass's own __init__ would
        object.__setattr__(solution, "_digest", _result_digest(solved.plan))
        return solution

    def _checked_result(self) -> None:
        """InputError where `result` was changed since the solve (`_result_digest`)."""
        if self._digest and _result_digest(self.result) != self._digest:
            raise InputError(["result | was changed after the solve (its tables and figures are the plan as solved, "
                              "which the files are made from); solve again, or change the copies the properties "
                              "give (plan, costs, ...)"])

    def __getstate__(self) -> dict[str, Any]:
        """What pickling keeps (for a Dask worker's result, joblib, a cache): everything but HiGHS's
        solver object, which cannot be pickled and which nothing after the solve needs (the
        rule costs and alternatives re-solve from the solved model's values), and the map layers
        cached by `output_layers` and `layers` (made again when asked)."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("output_layers", "layers")}
        if "_solved" in state:
            state["_solved"] = state["_solved"].apart()
        return state

    def __repr__(self) -> str:
        """Name, status, objective, gap and how many sites the plan builds on, on one line; the
        objective at the decimals of the terminal's objective line (`trio_texts`: "0.095 bn yuan"
        where two decimals would not add up with its bound and gap)."""
        from siting.config.units import trio_texts
        from siting.deliver.tables import absolute_gap_yuan

        report = self.report
        objective = trio_texts(report.objective_yuan, report.best_bound_yuan,
                               absolute_gap_yuan(report.objective_yuan, report.gap))[0]
        return (f"Solution({self.problem.name!r}: {self.status}, "
                f"objective {objective}, sites built on: {len(self.opened_sites)})")

    @property
    def status(self) -> str:
        """The outcome as the terminal's `status` line of `siting solve` gives it (before "; solved
        in"), in words, with the proven gap beside it and, for a plan proven within the gap asked
        for, that gap: "optimal within the gap, gap 1.48% (tolerance 2.00%)" (proven within the
        asked 2 %, not proven the least: another plan may cost up to the gap less), "optimal within
        the gap, gap 3.10% (tolerance 2.00% or 0.50 bn yuan)" (an absolute gap asked too), "stopped
        at the time limit with a plan, gap 4.10%"; the words are those of report.md and the
        manifest's `solver.status_text`. For a script, `proven_optimal` (True when proven within
        the gap asked for), `termination` (HiGHS's name for why it stopped) and `report.status`
        (the manifest's `solver.status`: 'optimal', 'feasible (not proven optimal)') are the
        machine-readable forms."""
        from siting.deliver.mapinfo import solve_outcome

        absolute = self.settings.abs_gap_yuan / 1e9 if self.settings.abs_gap_yuan else None
        return solve_outcome(self.report, self.settings.rel_gap, absolute)

    @property
    def proven_optimal(self) -> bool:
        """True when HiGHS proved the plan within the gap asked for (the relative gap, or the
        absolute gap when `solver.abs_gap_bn_yuan` is set): within `gap` of the least cost, not
        necessarily the least."""
        return self.report.proven_optimal

    @property
    def termination(self) -> str:
        """HiGHS's name for why the search stopped, as manifest.json's `solver.termination` gives
        it: 'convergenceCriteriaSatisfied' (proven within the gap asked for), 'maxTimeLimit',
        'iterationLimit', ... (`status` says it in words)."""
        return self.report.termination

    @property
    def objective_yuan(self) -> float:
        """The discounted objective (yuan) as HiGHS gives it, not rounded. `costs` are each
        rounded to 9 significant digits (as in costs.csv and the manifest), so their sum differs
        from it by up to half a unit of the 9th digit of each component, summed (50 yuan for a
        component in the tens of billions, 500 in the hundreds of billions): up to 1,660.5 yuan on
        the shipped scenario, where it is 1.6 yuan. Unrounded, the components are the objective's
        terms at the plan's values and sum to it, but for whole-number decisions the solver
        returned within its tolerance of a whole number, made whole in the components."""
        return self.report.objective_yuan or 0.0

    @property
    def best_bound_yuan(self) -> float | None:
        """The best lower bound HiGHS proved (yuan), or None."""
        return self.report.best_bound_yuan

    @property
    def gap(self) -> float | None:
        """|objective - bound| / |objective| (a share: 0.01 is 1 %), or None without a bound."""
        return self.report.gap

    @property
    def costs(self) -> dict[str, float]:
        """The objective's breakdown: component name -> discounted yuan, each to 9 significant
        digits (their sum is `objective_yuan` to within that rounding); `sales` is negative."""
        return dict(self.result.costs)

    @property
    def calibration(self) -> pd.DataFrame | None:
        """With a `calibration:` block, the table of calibration.csv, as `write` writes it: in mode
        choose one row per product (capacity the plan adds in its unit per year, the real plants'
        capacity in the same unit, the part within `calibration.distance_km` of a real plant, the
        share), in mode fixed one row per real plant (its observed capacity and the model's);
        a copy, to change at will. None without a calibration."""
        from siting.runs.calibrate import calibration_output

        calibration = calibration_output(self.problem.prepared, self.result)
        if calibration is None:
            return None
        table = calibration.fixed.plants if calibration.fixed is not None else calibration.table
        return table.copy()

    @property
    def plan(self) -> pd.DataFrame:
        """Modules built, one row per site, product, year and module size (plan.csv): columns
        site, cluster, product, unit, year, module, modules (count), capacity_added, capex_yuan.
        `unit` is the product's unit per year that capacity_added is in ("t/yr", "GWh/yr"), as
        plan.csv gives it, right after `product`."""
        plan = self.result.builds.sort_values(["site", "product", "year", "module"], kind="stable"
                                              ).reset_index(drop=True)
        return self._with_units(plan)

    def _with_units(self, table: pd.DataFrame) -> pd.DataFrame:
        """`table` (a column `product`) with a column `unit` right after `product`: each row's
        product's unit per year ("t/yr", "GWh/yr"), as the CSV files give it."""
        catalog = self.problem.prepared.loaded.catalog
        units = [per_year(catalog.products[p].unit) for p in table["product"]]
        table.insert(list(table.columns).index("product") + 1, "unit", pd.Series(units, index=table.index,
                                                                                 dtype=object))
        return table

    @property
    def capacity(self) -> pd.DataFrame:
        """Capacity per site, product and year (capacity.csv), in the product's unit per year:
        columns site, cluster, product, unit (the product's unit per year, as capacity.csv gives
        it), year, existing (before the plan), committed (committed projects online by the year),
        added_cumulative (plan modules decided up to the year, producing yet or not), capacity
        (the sum of those three), online (nameplate producing in the year: what the targets
        count), available (online less the ramp-up of capacity in its first year) and production."""
        return self._with_units(self.result.capacity.copy())

    @property
    def targets(self) -> pd.DataFrame:
        """Each target against the plan (targets.csv): columns kind (capacity or
        output_value_yuan), target, unit, year, target_value, achieved, shortfall. `unit`, right
        after `target` as in targets.csv, is the unit per year the three figures are in: a
        capacity target's product unit ("t/yr", "GWh/yr"; for a target group, its products'
        units joined by "/", as targets.csv gives it), "yuan/yr" for an output-value target
        (targets.csv gives those in bn yuan/yr)."""
        targets = self.result.targets.copy()
        catalog = self.problem.prepared.loaded.catalog
        groups = self.problem.prepared.inputs.TARGET_GROUPS
        units = []
        for kind, target in zip(targets["kind"], targets["target"], strict=True):
            if kind != "capacity":
                units.append(per_year("yuan"))
                continue
            products = groups.get(target, (target,))
            units.append(per_year("/".join(sorted({catalog.products[p].unit for p in products
                                                    if p in catalog.products}))))
        targets.insert(list(targets.columns).index("target") + 1, "unit",
                       pd.Series(units, index=targets.index, dtype=object))
        return targets

    @property
    def flows(self) -> pd.DataFrame:
        """Raw material shipped: columns source, site, resource, year, tonnes (t/yr), km (road)."""
        return self.result.flows.copy()

    @property
    def output_value(self) -> pd.DataFrame:
        """Industry output value per year: columns year, output_value_yuan (yuan/yr)."""
        return self.result.output_value.copy()

    @property
    def opened_sites(self) -> tuple[str, ...]:
        """Ids of the sites where the plan builds, in the sites layer's order."""
        return self.result.opened_sites

    @property
    def steady_state(self) -> SteadyState | None:
        """How the plan runs in the steady state after its last year T, with
        `objective.years_after_horizon` N > 0 (None with N = 0): one year, T + 1, that stands for
        the N years T + 1 to T + N, with every module the plan builds at full rate and the
        committed projects online by T + N, at T's prices, caps and supplies (steady_state.csv
        gives its capacity by site and product; report.md its section "Steady state after T").
        Its fields: `year` (T + 1), `years_after_horizon` (N), and tables of year T + 1 only,
        with the columns of the plan's own (copies; `plan`, `capacity` and the others hold the
        plan's years only), capacity and flows in the product's unit per year, money in yuan of
        one such year, not discounted:

        - `capacity`: site, cluster, product, year, existing, committed, added_cumulative,
          capacity, online, available, production (as `capacity`, without its `unit` column);
        - `stranded`: usable capacity (utilisation x available) left idle: site, cluster, product,
          year, usable, production, idle, idle_share (a share: 0.5 is 50 %) and reason
          (`market`, `feedstock` or `cost`);
        - `trade`: imports and sales out of the province: hub, product, year, imports,
          import_cost_yuan, sales, revenue_yuan;
        - `raw_imports`: raw material bought outside the province: site, cluster, resource, year,
          tonnes (t/yr), import_cost_yuan;
        - `flows`: raw material shipped, as `flows`: source, site, resource, year, tonnes (t/yr),
          km (road);
        - `product_flows`: products moved: kind, from, to, product, year, units, km."""
        steady = self.result.steady_state
        if steady is None:
            return None
        return dataclasses.replace(steady, **{name: getattr(steady, name).copy() for name in (
            "capacity", "trade", "stranded", "raw_imports", "flows", "product_flows")})

    @cached_property
    def output_layers(self) -> list[OutputLayer]:
        """The typed output layers every output file is written from, in drawing order (top first),
        each with `name` (the files' base name and GeoPackage table: `sites` -> sites.geojson),
        `title` (as a legend or the report shows it), `frame` (a GeoDataFrame in WGS84, EPSG:4326,
        of exactly the `fields` columns plus `geometry`), `fields` ((name, kind) pairs in column
        order, `id` first), `geometry_type` (the one geometry type of every feature) and `notices`
        (what was left out or repaired because coordinate rounding made a geometry invalid).
        `layers` gives copies of their frames by name."""
        from siting.deliver.drivers import units_of
        from siting.deliver.layers import plan_layers

        prepared = self.problem.prepared
        return plan_layers(prepared.layers, prepared.spatial, prepared.inputs, self.result, self.problem.redline,
                           prepared.loaded.scenario.network.gateway.name,
                           units_of(prepared.loaded.catalog, prepared.inputs), prepared.positions)

    @property
    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The plan's map layers, name -> GeoDataFrame in WGS84 (EPSG:4326), with the fields of
        the GeoJSON files of the same name, in drawing order (top first): `sites`, `site_areas`
        (when polygon and point sites are mixed), `hubs` and `product_flows` (when the
        preprocessing placed the hubs and the gateway), `flows`, `sources`, `candidate_cells`
        (with candidate cells), `clusters`, `redline_zones`, `redline`, and `context` (the
        scenario's context outlines, when it has them). Fresh copies at every access, as `plan`
        gives: a change to one stays in it."""
        return {layer.name: layer.frame.copy() for layer in self.output_layers}

    def files(self, rule_costs: pd.DataFrame | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every output file as name -> text, or a function writing the file at a given path.
        The manifest's timings are those of the solve (load to solve), of the rule costs when
        given (and timed by `siting.rule_costs`), and of making the files (`export`, also recorded
        in `timings`); its file list includes the rule costs' files and `extra` (name -> content,
        e.g. alternatives' files). With a `calibration:` block, calibration.csv and calibration.md
        are among them and the report states the calibration, as `siting solve` writes them: in
        mode fixed (the real plants held as the plan), one row per real plant and the rules'
        verdict; in mode choose (the model chooses freely), the plan's score against the real
        plants (docs/OUTPUTS.md, calibration.csv).

        Raises:
            InputError: `rule_costs` is neither None nor a table with the columns of the table
                `siting.rule_costs` returns (in any order; a mapping, a text, `plan` or
                rule_costs.csv read back in bn yuan are refused), or holds a row
                `siting.rule_costs(solution)` did not give for this solution (another
                solution's, or a changed one).
        """
        return self._files(rule_costs, extra)

    def _files(self, rule_costs: pd.DataFrame | None = None, extra: dict[str, Any] | None = None,
               alternatives: bool = False, near_optimal: dict[str, Any] | None = None,
               overlays: Sequence[Overlay] = (), pie_top_yuan: float | None = None,
               plans: ShownPlans | None = None) -> dict[str, Any]:
        """`files`; with `alternatives` (`Alternatives.write`, whose files `extra` holds), the
        manifest's timings also hold `alternatives` (timed by `siting.alternatives`), after the
        rule costs and before the export, as `siting solve --alternatives N` records them, and
        the manifest and the report the set's costs (`near_optimal`: siting/optimize/alternatives.py
        `near_optimal_record`), plan.gpkg and plan.qgs its robustness layer (`overlays`:
        siting/runs/job.py `plans_files`), and the maps their one pie scale (`pie_top_yuan`, yuan:
        siting/deliver/files.py `plans_pie_scale`, `export_files`), and plan.qgs the other plans to
        show one at a time (`plans`: `plans_files`' `PlanSet`)."""
        from siting.deliver.files import export_files
        from siting.deliver.report import rule_cost_note
        from siting.deliver.tables import table_files
        from siting.runs.calibrate import SolveStanding, calibration_output

        self._checked_result()
        rule_costs = self._checked_rule_costs(rule_costs)
        timings = {k: v for k, v in self.timings.items() if k not in AFTER_SOLVE}
        extra = dict(extra or {})
        if rule_costs is not None:
            prepared = self.problem.prepared
            extra.update(table_files(rule_costs, "rule_costs",
                                     rule_cost_note(prepared.inputs, (self.report, self.result, prepared.names))))
        if rule_costs is not None and "rule_costs" in self.timings:
            timings["rule_costs"] = self.timings["rule_costs"]
        if alternatives and "alternatives" in self.timings:
            timings["alternatives"] = self.timings["alternatives"]
        standing = SolveStanding(self.status, absolute_gap_yuan(self.report.objective_yuan, self.report.gap))
        calibration = calibration_output(self.problem.prepared, self.result, standing=standing)
        if calibration is not None:
            extra.update(calibration.files)
        files = export_files(self.problem.prepared, self.report, self.result, self.model_size, timings, extra,
                             variant=self.problem.variant, overrides=self.problem.overrides,
                             calibration=calibration.stated if calibration is not None else None,
                             near_optimal=near_optimal, overlays=overlays, pie_top_yuan=pie_top_yuan, plans=plans)
        self._timings["export"] = timings["export"]
        return files

    def write(self, folder: Path | str | None = None, rule_costs: pd.DataFrame | None = None) -> Path:
        """Write the files `siting solve` writes (see docs/OUTPUTS.md) into `folder`, all at
        once; with `rule_costs` (a table from `siting.rule_costs`), also rule_costs.csv and .md.

        Args:
            folder: the output folder (one from a home folder, `~/runs/one`, expanded as a shell
                would); None for the scenario's `output.folder`. It must be new,
                empty, or a folder siting wrote (it holds the `.siting-run` marker), and lie
                outside the folders of the run's input files. A marked folder is replaced only while
                it holds nothing beyond the files its marker lists; otherwise InputError names them.
                The scenario's `output.folder` (None) is not to hold the outputs of another
                scenario or variant (a variant takes the base's folder unless it sets one): give
                `folder` to write, or replace, them there.

            rule_costs: None, or the table `siting.rule_costs` returns (of this solution; its
                rows may be a subset), written as rule_costs.csv and .md.

        Returns:
            The folder written, absolute.

        Raises:
            InputError: `rule_costs` is not such a table (one with the columns of the table
                `siting.rule_costs` returns, in any order, each row one it gave for this
                solution), or the folder may not be written (an
                OutputFolderError); the message says why and what to do.
        """
        costs = self._checked_rule_costs(rule_costs)
        destination = output_folder(self.problem.loaded, folder, variant=self.problem.variant)
        write_outputs(destination, self.files(costs), self._timings, scenario=self.problem.loaded.scenario_path)
        return destination

    def _checked_rule_costs(self, value: Any) -> pd.DataFrame | None:
        """`value`, the argument `rule_costs` of `write` and `files`: None, or a table with the
        columns of the table `siting.rule_costs` returns (rule, status, objective_relaxed_yuan,
        ..., note, as `rule_costs` lists them, in any order). InputError naming
        `rule_costs`, with what was given, for anything else: a mapping or a text, or another
        table (`solution.plan`, rule_costs.csv read back in bn yuan), which would be written as
        rule_costs.csv and .md; and a table with a row `siting.rule_costs` did not give for this
        solution (`_rule_cost_rows`): another solution's table, or one changed since, would be
        published as this plan's rule costs."""
        from siting.optimize.relax import rule_cost_table

        if value is None:
            return None
        expected = "must be the table siting.rule_costs returns, or None"
        fix = "give e.g. rule_costs=siting.rule_costs(solution), or None for none"
        if not isinstance(value, pd.DataFrame):
            raise InputError([f"rule_costs | {expected} (got {_shown(value)}); {fix}"])
        columns = [str(c) for c in rule_cost_table(self.report, self.result, []).columns]  # its columns, no rows
        given = [str(c) for c in value.columns]
        extra = [c for c in given if c not in columns]
        missing = [c for c in columns if c not in given]
        if missing:
            instead = f", with the columns {listed(extra)} instead" if extra else ""
            raise InputError([f"rule_costs | {expected} (got a table lacking the columns {listed(missing)}"
                              f"{instead}); {fix}"])
        if extra:
            raise InputError([f"rule_costs | {expected} (got a table with the columns {listed(extra)} besides "
                              f"those of the rule costs); {fix}"])
        foreign = [str(rule) for rule, row in zip(value["rule"], rule_cost_rows(value), strict=True)
                   if row not in self._rule_cost_rows]
        if foreign:
            rows = "row" if len(foreign) == 1 else "rows"
            raise InputError([f"rule_costs | must be the table siting.rule_costs(solution) gave for this solution, or "
                              f"some of its rows, as it gave them (got {rows} {listed(foreign)} that it did not "
                              f"give: another solution's, or changed); {fix}"])
        return value


def rule_cost_rows(table: pd.DataFrame) -> list[tuple[tuple[str, Any], ...]]:
    """Each row of a rule-cost table as (column, value) pairs in column-name order, a missing
    value (None, NaN) as None and numpy's scalars as Python's: what `Solution` keeps of the tables
    `rule_costs` gave, to know them again in any column order; an empty text as missing too (a
    CSV read back gives NaN for it)."""
    def plain(value: Any) -> Any:
        value = plain_value(value)
        return None if value is None or value == "" or (isinstance(value, float) and math.isnan(value)) else value

    columns = sorted(str(c) for c in table.columns)
    return [tuple((c, plain(v)) for c, v in zip(columns, values, strict=True))
            for values in table[columns].itertuples(index=False, name=None)]


def output_folder(loaded: LoadedScenario, folder: Path | str | None, where: str = "folder",
                  variant: str | None = None) -> Path:
    """The absolute output folder of a run (`folder`, from a home folder, `~/runs/one`, expanded as
    a shell would and named as typed; or the scenario's `output.folder` when None), checked by
    the output folders' rule (a new folder, an empty one, or one siting wrote, holding its
    `.siting-run` marker and nothing beyond the files the marker lists, unchanged; never one that
    is, contains or lies inside an input of the run; see `Solution.write` and docs/USAGE.md,
    "Output folders"); InputError naming `where` (or the scenario's `output.folder` key) when the
    run may not write there (an OutputFolderError for a folder the rule refuses, or for the hidden
    folder a batch assembles its outputs in, `staging_refused`). The scenario's `output.folder` (of the
    scenario `loaded` as run with `variant`) may not hold the outputs of another scenario or
    variant, which only a folder named for the run (`where`) replaces (siting/deliver/folders.py
    `scenario_folder`)."""
    if folder is not None:
        if not _is_path(folder) or str(folder).strip() == "":
            raise InputError([f"{where} | must name a folder, or be None for the scenario's output.folder (got "
                              f"{_shown(folder)}); give e.g. {where}='outputs/run1'"])
        if is_url(folder):
            raise InputError([f"{where} | {url_words(folder, folder=True)}"])
        target = home_path(folder)
        with paths_typed([folder]):
            staging_refused(target, where)
            return check_destination(target, input_files(loaded), where)
    run = scenario_folder(loaded, variant, where)
    target, where = loaded.output_folder()  # refused when it starts at a home folder that cannot be
    staging_refused(target, where)
    return check_destination(target, input_files(loaded), where, run)


def staging_refused(folder: Path, where: str) -> None:
    """Raise OutputFolderError naming `where` when `folder` is the hidden folder a run, comparison
    or sweep assembles its outputs in, or lies inside one (siting/deliver/folders.py
    `staging_problems`): those outputs are moved away, or the folder removed, when the batch ends."""
    problems = staging_problems(folder, where)
    if problems:
        raise OutputFolderError(problems)


def _loaded_with_own() -> None:
    """InputError for `solve`'s `variant` or `overrides` given with a `Problem`, loaded with its own."""
    raise InputError(["variant, overrides | apply when solve is given a scenario path; a problem was loaded "
                      "with its own: give them to siting.load, or give solve the path"])


def solve(problem_or_path: Problem | Path | str, time_limit_s: float | None = None, *, variant: str | None = None,
          overrides: Mapping[str, Any] | Iterable[Override | str] | None = ()) -> Solution:
    """Build the MIP of a problem and solve it with HiGHS; writes nothing.

    Args:
        problem_or_path: a `Problem` from `load`, or a scenario file path (loaded first).
        time_limit_s: seconds for the solver, replacing the scenario's `solver.time_limit_s`.
        variant, overrides: with a path, as for `load` (`solve(path, overrides={...})` is
            `solve(load(path, overrides={...}))`); a `Problem` was loaded with its own, and is
            refused with either.

    Returns:
        A `Solution`: status, objective and gap, cost breakdown, plan tables, layers, timings.

    Raises:
        InputError: bad input (when given a path), `problem_or_path` neither a `Problem` nor a
            path, a time limit that is not a positive number, or `variant` or `overrides` with a
            `Problem`. Every argument refused is listed, in the order of the signature, then
            (given a path it can load: `variant` and `overrides` not refused) every problem of
            the scenario, as `siting solve` lists a refused option before them.
        PlanInfeasible: the rules cannot be met together; the message names the rule families
            whose relaxation gives a plan. Its `notices` are the problem's (`Problem.notices`,
            with any the solve added), as a plan's report would give them.
        NoSolution: the solver stopped without a plan (time limit, or a solver failure); its
            advice names the argument `time_limit_s=` beside the scenario's solver.time_limit_s.
            Its `notices`: as PlanInfeasible's.
    """
    given = variant is not None or overrides not in ((), None, {}, [])
    from_path = given and _is_path(problem_or_path)
    checks = _ArgumentChecks()  # every refused argument is named, in the order of the signature
    problem = problem_or_path
    if given and isinstance(problem_or_path, Problem):
        checks("variant", _loaded_with_own)
    elif from_path:
        checks("variant", checked_variant, variant)
        checks("overrides", override_pairs, overrides)
    checks("time_limit_s", _time_limit, time_limit_s)
    if not isinstance(problem_or_path, Problem) and not _is_path(problem_or_path):
        checks("problem_or_path", as_problem, problem_or_path)
    elif (not isinstance(problem_or_path, Problem) and checks("problem_or_path", checked_path, problem_or_path)
          and not checks.refused.keys() & {"variant", "overrides"}):  # it cannot be loaded without them
        problem = checks("scenario", load, problem_or_path, variant, overrides)
    # the arguments' problems, then the scenario's, as `siting solve` lists a refused option's first
    checks.raise_refused(("problem_or_path", "time_limit_s", "variant", "overrides", "scenario"))
    settings = problem.solver_settings(time_limit_s)
    timings = dict(problem.timings)
    with _time_limit_named(), notices_carried(problem.prepared.notices):
        solved = solve_prepared(problem.prepared, settings, timings)
    return Solution._of(problem, settings, solved, timings)


def run(path: Path | str, out: Path | str | None = None, *, variant: str | None = None,
        overrides: Mapping[str, Any] | Iterable[Override | str] | None = (), time_limit_s: float | None = None,
        rule_costs: bool = False, alternatives: int = 0, slack: float | None = None) -> RunResult:
    """The `solve` command as one call: check the output folder, load, solve and write it.

    Args:
        path: the scenario YAML file.
        out: the output folder; None takes the scenario's `output.folder` (relative to the file),
            refused where it holds the outputs of another scenario or variant (a variant takes the
            base's folder unless it sets one): give `out` to replace them.
        variant: a named variant of the file; overrides: as for `load` (the command line's `--set`).
        time_limit_s: seconds for HiGHS, finite and > 0; None keeps `solver.time_limit_s`.
        rule_costs: also re-solve with each rule family relaxed (rule_costs.csv and .md).
        alternatives: N (a whole number, 0 for none) near-optimal plans within `slack`, each in
            its own subfolder, with alternatives.md and robustness.geojson.
        slack: how much more than the optimum the alternatives may cost, a share of |optimum|
            from 0 to 1 (0.05 = 5 %); None for 0.05, the default of the command line's `--slack`
            and of `alternatives`: the alternatives may cost up to 5 % more than the optimum. It
            shapes the alternatives only, so it is refused without them, rather than ignored.

    Returns:
        A record of the run (a RunResult, read by its attributes; siting does not export the
        type, as a caller never makes one): `prepared` (the loaded and preprocessed inputs, as
        `Problem.prepared`), `report` (the solver's status, objective, bound and gap, as
        `Solution.report`), `plan` (the plan's tables, as `Solution.result`), `out_dir` (the
        folder written, absolute), `timings` (s per phase, as the manifest's `run.timings_s`),
        `model_size` (counts, as `Solution.model_size`), `rule_costs` (the table of
        `siting.rule_costs`, money in yuan, when asked for, or None), `plan_values` (always None
        here: the solved plan's variable values, kept only where one run starts another, as in
        `compare` and `sweep`), `near_optimal` (with alternatives, the set's costs against the
        optimum's, as the manifest's `near_optimal` gives them, or None), `calibration` (with a
        `calibration:` block, what the command line prints of it, as text: nothing is printed
        here; else None) and `objective_yuan` (discounted yuan, as `Solution.objective_yuan`).

    Raises:
        InputError: an argument of the wrong kind or out of range, bad input, or an output
            folder that may not be written (exit 2 on the command line), found before anything
            is solved; an OutputFolderError for a refused folder lists the problems of the
            scenario and its layers with it. Every argument refused is listed, in the order of the
            signature (`slack` without `alternatives` last among them), then, where the scenario
            loads with the arguments given (`path`, `variant` and `overrides` not refused), every
            problem of the scenario, its layers and the output folder (of the scenario and its
            layers alone with `out` refused; none with `out` in a hidden staging folder), as
            `siting solve` lists them beside a refused option. `slack` without
            `alternatives`, alone refused, is listed first with
            every problem of the scenario, its layers and the output folder, as `siting solve
            --slack` without `--alternatives` lists them; nothing is written.
        PlanInfeasible: the rules cannot be met together; the folder then holds the diagnosis
            (conflicts.md, conflicts.geojson, ...). Its `notices` are the run's, as conflicts.md
            lists them (a target no module can reach in time, ...).
        NoSolution: the solver stopped without a plan (its advice names `time_limit_s=`); its
            `notices` are the run's.
    """
    checks = _ArgumentChecks()  # every refused argument is named, in the order of the signature
    scenario = checks("path", checked_path, path)
    folder = checks("out", checked_out, out)
    chosen = checks("variant", checked_variant, variant)
    pairs = checks("overrides", override_pairs, overrides)
    limit = checks("time_limit_s", _time_limit, time_limit_s)
    with_rule_costs = checks("rule_costs", checked_flag, rule_costs, "rule_costs", "rule_costs=True to also "
                             "re-solve with each rule family relaxed")
    checks("alternatives", _checked_alternatives, alternatives)
    share = checks("slack", _slack, slack)
    if checks.refused and not checks.refused.keys() & {"alternatives", "slack"}:  # listed with the others
        checks("slack", slack_with_alternatives, slack, alternatives)
    if checks.refused and not checks.refused.keys() & {"path", "variant", "overrides"}:  # it can be loaded
        refused_out = any(isinstance(exc, OutputFolderError) for exc in checks.refused.get("out", []))
        if not refused_out:  # a hidden staging folder is refused alone, as `siting solve --out` refuses it
            checks("scenario", _run_problems, scenario, folder, "out" in checks.refused, chosen, pairs, [path, out])
    checks.raise_refused()
    names = _ARGUMENT_NAMES.get()
    with overrides_named(names.overrides), _time_limit_named(), paths_typed([path, out]):
        try:
            slack_with_alternatives(slack, alternatives)
        except InputError as refused:  # with every other problem found before solving, as `siting solve` lists it
            raise _with_run_problems(refused, scenario, folder, chosen, pairs, names.out) from None
        return run_solve(scenario, folder, limit, variant=chosen, overrides=pairs, with_rule_costs=with_rule_costs,
                         alternatives=int(alternatives), slack=share, out_name=names.out,
                         show=_front_door() == "command line")


def _checked_alternatives(value: Any) -> int:
    """`run`'s `alternatives`: a whole number from 0 to MOST_ALTERNATIVES."""
    if not _is_count(value, 0) or value > MOST_ALTERNATIVES:
        raise InputError([f"alternatives | must be a whole number from 0 to {MOST_ALTERNATIVES} (got "
                          f"{_shown(value)}); give e.g. alternatives=5, or 0 for none"])
    return int(value)


def _run_problems(scenario: Path, folder: Path | None, folder_refused: bool, variant: str | None,
                  overrides: tuple[Override, ...], typed: list[Any]) -> None:
    """Raise every problem `run` finds before it solves, beside a refused argument, as `siting
    solve` lists them beside a refused option (siting/cli.py `option_problems`): the scenario's,
    its layers' and the output folder's (siting/runs/job.py `checked_before_solving`, an
    OutputFolderError when the folder is refused); with the `out` argument refused
    (`folder_refused`), the scenario's and its layers' alone (siting/prepare/problem.py
    `load_checked`). Writes nothing."""
    names = _ARGUMENT_NAMES.get()
    with overrides_named(names.overrides), paths_typed(typed):
        if folder_refused:
            load_checked(scenario, variant, overrides)
        else:
            checked_before_solving(scenario, folder, variant, overrides, names.out, {})


def _with_run_problems(refused: InputError, scenario: Path, folder: Path | None, variant: str | None,
                       overrides: tuple[Override, ...], out_name: str) -> InputError:
    """`refused` (the problem of an argument that needs another, `slack` without `alternatives`)
    with every problem `run` finds before it solves (siting/runs/job.py `checked_before_solving`:
    the scenario's, its layers' and the output folder's, under the heading of both when the folder
    is refused), so that the argument hides none of them, as `siting solve --slack` without
    `--alternatives` lists them. Writes nothing."""
    try:
        checked_before_solving(scenario, folder, variant, overrides, out_name, {})
    except OutputFolderError as more:
        return refused_together([*refused.problems, *more.problems], [])
    except InputError as more:
        return InputError([*refused.problems, *more.problems])
    return refused


def rule_costs(problem_or_solution: Problem | Solution | Path | str, time_limit_s: float | None = None
               ) -> pd.DataFrame:
    """What each enabled rule family costs: the plan re-solved with one family relaxed at a time.

    Families: redline, proximity, differentiation, agglomeration, budget, chain_balance, market,
    build_rate (those enabled). A Solution's model and solver are reused for families that are
    constraint rows; a Problem or a path is solved first.

    Args:
        problem_or_solution: a `Solution` (its plan is the base), a `Problem` or a scenario file
            path (solved first).
        time_limit_s: seconds per solve, replacing the scenario's `solver.time_limit_s` (or the
            solution's time limit).

    Returns:
        One row per family: rule, status, objective_relaxed_yuan, rule_cost_yuan (objective
        minus the relaxed objective; exact only up to the solvers' gaps), rule_cost_low_yuan and
        rule_cost_high_yuan (the range the two solves prove the cost in: from the base's best
        bound less the relaxed objective, but at least 0, to the objective less the relaxed
        solve's best bound, rounded outward; None where unbounded or without a relaxed plan), gap
        (the relaxed solve's relative gap |objective - bound| / |objective|, a share: 0.01 is 1 %;
        None without a bound), absolute_gap_yuan (the same gap in yuan, objective less bound: the
        figure to read when the relaxed objective is near zero, which the row's note then says),
        within_solver_tolerance ("yes" where the range reaches 0, so that
        the cost is not proven; "no" where it lies above 0), sites_added and sites_dropped
        (comma-separated site ids: where only the relaxed plan adds capacity, and where only the
        base plan does; existing and committed plants stand in both plans; those of the one plan
        each relaxed solve ended on, others within its gap may build elsewhere) and note. Money is
        in yuan, to 9 significant digits as the manifest's objective (the cost is the difference of
        the two objectives so rounded, as every solver figure of the outputs is rounded);
        rule_costs.csv, written by `Solution.write`, gives it in bn yuan
        (objective_relaxed_bn_yuan, rule_cost_bn_yuan, rule_cost_low_bn_yuan,
        rule_cost_high_bn_yuan).

    Raises:
        InputError, PlanInfeasible, NoSolution: as `solve` (the errors without a plan carrying
            the run's `notices`), when the base plan is solved here; a refused argument is listed
            with the problems of a scenario path, after them, as `solve` lists them.
    """
    from siting.optimize.relax import rule_cost_table
    from siting.optimize.relax import rule_costs as relaxed_solves

    _checked_solution_arguments(problem_or_solution, time_limit_s)
    if isinstance(problem_or_solution, Solution):
        solution = problem_or_solution
        if time_limit_s is not None:
            settings = dataclasses.replace(solution.settings, time_limit_s=checked_time_limit(time_limit_s))
        else:
            settings = solution.settings
    else:
        solution = solve(as_problem(problem_or_solution, "problem_or_solution"), time_limit_s)
        settings = solution.settings
    solved = solution._solved
    started = time.perf_counter()
    inputs = solved.inputs if solved.inputs is not None else solution.problem.prepared.inputs  # screened model's
    costs = relaxed_solves(inputs, settings, solved.model, solved.solver, base=solved.base_values())
    solution._timings["rule_costs"] = time.perf_counter() - started
    table = rule_cost_table(solution.report, solution.result, costs, solution.problem.prepared.names)
    solution._rule_cost_rows.update(rule_cost_rows(table))
    return table


def _checked_solution_arguments(problem_or_solution: Any, time_limit_s: Any,
                                *more: tuple[str, Callable[..., Any], Any]) -> None:
    """The arguments of `rule_costs` or `alternatives` (`more`: each further argument's name, check
    and value, in the order of the signature) checked before anything is solved; one InputError
    lists the problems of every argument refused (`_ArgumentChecks`) then, given a scenario path,
    the scenario's (`load`), as `siting solve` lists a refused option before them."""
    checks = _ArgumentChecks()
    if not isinstance(problem_or_solution, (Solution, Problem)) and not _is_path(problem_or_solution):
        checks("problem_or_solution", as_problem, problem_or_solution, "problem_or_solution")
    for name, check, value in more:
        checks(name, check, value)
    checks("time_limit_s", _time_limit, time_limit_s)
    if checks.refused and _is_path(problem_or_solution):  # the scenario's problems after them, as `siting solve`'s
        checks("scenario", load, problem_or_solution)
    checks.raise_refused()


@dataclass(frozen=True, eq=False)
class Alternatives:
    """Near-optimal plans of a solution, in memory; nothing is written until `write` is called.

    Attributes:
        solution: the cost-optimal `Solution` they start from.
        slack: how much more than the optimum each may cost, as a share of |optimum| (0.05 = 5 %).
        plans: the optimum (label `optimum`) then the alternatives (`alt01`, ...), each with
            its `label`, `report` (its own solve's, as `Solution.report`; for an alternative the
            objective is its search's measure of overlap with the plans before it, not the
            cost), `plan` tables (as `Solution.result`), `cost_yuan` (discounted yuan, the sum of
            its plan's cost components), `stopped_by` (gap reached, node limit, time limit, or
            HiGHS's termination name) and `scope` (`sites` or `clusters`; "" for the optimum).
        asked: the number of alternatives asked for.
        ended: why fewer than `asked` were found, in words (empty when all were): no other
            pattern of sites and products within the slack, or a search stopped at its limit.
        searched_sites: the sites the alternatives were searched among: with candidate cells,
            only the sites the optimum's screening kept (the parks and a few cells), so that no
            plan builds on another cell; else every site.
    """

    solution: Solution
    slack: float
    plans: tuple[Alternative, ...]
    asked: int
    ended: str
    searched_sites: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """Name, how many alternatives were found of those asked, and the slack, on one line; then
        how many are of each scope (`sites`, `clusters`) and how many cost more than the optimum
        by less than its proven gap (`table`'s `within_gap`: not proven dearer), where any is."""
        from siting.optimize.alternatives import slack_percent

        kinds = [a.scope for a in self.plans[1:]]
        said = [f"{kinds.count(kind)} of scope {kind}" for kind in dict.fromkeys(kinds) if kind]
        within = int(self.table["within_gap"].sum()) if len(self.plans) > 1 else 0
        if within:
            said.append(f"{within} within the optimum's proven gap")
        return (f"Alternatives({self.solution.problem.name!r}: {len(self.plans) - 1} of {self.asked} within "
                f"{slack_percent(self.slack)} of the optimum" + "".join(f"; {s}" for s in said) + ")")

    @property
    def table(self) -> pd.DataFrame:
        """One row per plan (alternatives.csv): plan, cost_yuan, over_optimum (share of
        |optimum|), within_gap (True where that excess lies within the optimum's proven gap: a
        difference within solver tolerance, not proven, as alternatives.md marks it; False for
        the optimum and without a known gap), sites_built_on, site_products, new_site_products
        (counts), stopped_by, scope (`sites` or `clusters`; empty for the optimum), same_as, and
        `added <cluster> <product>` (capacity added, units/yr)."""
        from siting.optimize.alternatives import comparison, within_gap

        table = comparison(self.plans, self.solution.problem.prepared.inputs)
        table.insert(list(table.columns).index("over_optimum") + 1, "within_gap",
                     within_gap(list(table["over_optimum"]), self.solution.report.gap))
        return table

    @property
    def robustness(self) -> pd.DataFrame:
        """Per site and product any plan builds (robustness.csv): site, cluster, product, unit
        (the product's unit per year, "t/yr", "GWh/yr", that mean_capacity_added is in, as the
        file gives it), plans_building (count), share (of the distinct plans, 0-1),
        mean_capacity_added (units/yr, over the plans that build it)."""
        from siting.optimize.alternatives import robustness as plan_robustness

        return self.solution._with_units(plan_robustness(self.plans, self.solution.problem.prepared.inputs))

    def write(self, folder: Path | str | None = None) -> Path:
        """Write what `siting solve --alternatives N` writes: the optimum's files, `altNN/` per
        alternative, alternatives.csv/.md and robustness.geojson/.qml/.csv/.png, all at once; the
        manifest's timings hold the seconds the alternatives took (`alternatives`), as the command
        line's do. `folder` and the errors are those of `Solution.write`. Returns the folder
        written."""
        from siting.deliver.files import plans_pie_scale
        from siting.optimize.alternatives import PlanSet, near_optimal_record

        solution = self.solution
        destination = output_folder(solution.problem.loaded, folder, variant=solution.problem.variant)
        timings = {k: v for k, v in solution.timings.items() if k not in AFTER_SOLVE}
        problem = solution.problem
        plans = PlanSet(self.plans, self.asked, self.ended, self.searched_sites)
        extra, overlays, shown = plans_files(problem.prepared, plans, solution.model_size, timings, self.slack,
                                      solution.report.gap, problem.variant, problem.overrides)
        files = solution._files(extra=extra, alternatives=True,
                                near_optimal=near_optimal_record(self.plans, self.slack, "optimum"), overlays=overlays,
                                pie_top_yuan=plans_pie_scale([p.plan for p in self.plans]), plans=shown)
        write_outputs(destination, files, solution._timings, scenario=problem.loaded.scenario_path)
        return destination


def _result_digest(plan: Plan) -> str:
    """A SHA-256 of what `plan` holds (its tables' columns, types, index and values, and its
    other figures), by content: the same for the same plan however its tables are laid out in
    memory, another where a value changed. `Solution.files` checks `Solution.result` by it."""
    digest = hashlib.sha256()

    def feed(value: Any) -> None:
        if isinstance(value, pd.DataFrame):
            digest.update(repr((list(value.columns), [str(t) for t in value.dtypes], value.shape)).encode())
            digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for item in dataclasses.fields(value):
                digest.update(item.name.encode())
                feed(getattr(value, item.name))
        elif isinstance(value, Mapping):
            digest.update(repr(sorted(value.items(), key=lambda kv: repr(kv[0]))).encode())
        else:
            digest.update(repr(value).encode())

    feed(plan)
    return digest.hexdigest()


def alternatives(problem_or_solution: Problem | Solution | Path | str, n: int = 5, slack: float | None = None,
                 time_limit_s: float | None = None) -> Alternatives:
    """Up to `n` near-optimal plans, each costing at most `slack` x |optimum| more than the
    optimum and as different as possible from the plans before it (modelling to generate
    alternatives; docs/EXPLAINING.md, "Nearly the same cost"); no two
    share a pattern of (site, product) decisions. Each search is limited by branch-and-bound
    nodes on one thread with the scenario's seed, so the same inputs give the same plans; the time
    limit is a safety net, and a plan it stopped is marked `time limit` in `table`.

    Args:
        problem_or_solution: a `Solution` (its plan is the optimum), a `Problem` or a scenario
            file path (solved first).
        n: the number of alternatives, a whole number of at least 1.
        slack: a share of |optimum| from 0 to 1 (0.05 = 5 %), as the command line's `--slack`;
            None for 0.05, as in `run` (the command line's default).
        time_limit_s: seconds per solve, replacing the scenario's `solver.time_limit_s`.

    Returns:
        `Alternatives`: the plans, their comparison `table` and `robustness`, and `write`.

    Raises:
        InputError: `n` or `slack` out of range, a bad time limit, or bad input (given a path):
            every argument refused, in the order of the signature, then the path's scenario's
            problems, as `solve` lists them.
        PlanInfeasible, NoSolution: as `solve` (carrying the run's `notices`), when the optimum
            is solved here.
    """
    from siting.optimize.alternatives import Alternative, near_optimal_plans

    _checked_solution_arguments(problem_or_solution, time_limit_s, ("n", _checked_n, n),
                                ("slack", _slack, slack))
    slack = _slack(slack)
    if isinstance(problem_or_solution, Solution):
        solution = problem_or_solution
        settings = solution.settings
        if time_limit_s is not None:
            settings = dataclasses.replace(settings, time_limit_s=checked_time_limit(time_limit_s))
    else:
        solution = solve(as_problem(problem_or_solution, "problem_or_solution"), time_limit_s)
        settings = solution.settings
    optimum = Alternative("optimum", solution.report, solution.result)
    started = time.perf_counter()
    inputs = solution._solved.inputs if solution._solved.inputs is not None else solution.problem.prepared.inputs
    plans = near_optimal_plans(inputs, settings, int(n), slack, optimum=optimum,
                               solved=solution._solved.solved_model(inputs))
    solution._timings["alternatives"] = time.perf_counter() - started
    return Alternatives(solution, slack, tuple(plans), plans.asked, plans.ended, plans.searched_sites)


def _checked_n(value: Any) -> int:
    """`alternatives`'s `n`: a whole number from 1 to MOST_ALTERNATIVES."""
    if not _is_count(value, 1) or value > MOST_ALTERNATIVES:
        raise InputError([f"n | must be a whole number from 1 to {MOST_ALTERNATIVES} (got {_shown(value)}); give "
                          "e.g. n=5"])
    return int(value)


# --------------------------------------------------------------------------------------------
# many runs


@dataclass(frozen=True, repr=False, eq=False)
class Batch:
    """The outcome of `compare` or `sweep`.

    Attributes:
        table: the comparison (metrics as rows, one column per run and one of differences against
            the first run) or the sweep table (one row per run), as in comparison.csv / sweep.csv.
            An empty cell of the comparison's runs and differences is NaN in a row of numbers and
            None in a row of text (`pd.isna` finds both; `unit` is "" for a row without a unit).
        runs: one summary per run in order (plain data, money in yuan, capacity in units/yr;
            its type, CaseSummary, is not exported, as a caller never makes one): `label`, `ok`,
            `error`, `notices`, `scenario_name`, `status` (the solver's word, as the CSVs give
            it), `status_words` (the same in the words of the run's report and the Markdown
            tables: "stopped at the time limit with a plan"), `objective_yuan`, `gap` (a share),
            `best_bound_yuan`, `solve_time_s`, `costs` (component -> yuan), `out_dir` (the run's
            folder, "" when nothing was kept); the figures the table is made of: `final_year`,
            `capacity` (cluster -> product -> capacity), `group_capacity` and `group_targets`
            (target group -> final-year capacity, and its target), `targets_short` ("group year"
            -> shortfall), `output_value` (year -> yuan/yr), `sites_opened` (the sites built on),
            `site_added` (site -> product -> capacity added), `excluded_pairs` and `kept_out`
            (the (site, product) pairs the red line and proximity rules keep out, counted and
            listed by family), `land_free_ha` (site -> ha left for new modules),
            `no_module_fits` (the (site, product) pairs where not even one module fits on the land
            left), `units`
            (product or group -> unit), `site_names` and `cluster_names` (id -> name); how the
            runs met: `warm_from` (the run whose plan its solve started from), `started_from`,
            `own_objective_yuan`, `own_time_limit_s` and `not_taken` (the run whose plan it moved
            to, what its own solve had found, the time limit that solve stopped at, why a new
            solve from it failed), `bound_from` and `own_gap` (the
            run whose bound its gap is measured against, and its own gap), `admits` (label ->
            what this run relaxes of that run's rules, whose every plan it admits),
            `cross_failures`; and `searches` (those of the solve behind `best_bound_yuan`),
            `own_search` (that solve's timings and HiGHS options, which a run that takes another
            run's plan as it is keeps as its own record),
            `plan_values` and `rules` (variable values and model inputs, empty and None here:
            kept only while the runs are compared), `weighting` (how the objective weighs the
            years: the manifest's `objective_weighting` with the plan's `years`; runs whose
            discount rate, years after the horizon or years differ are not compared by
            objective), `disk_refused` (the error number and file of
            a write the disk refused, or None). A failed
            run has ok False, its error message (in full; one for bad input, no plan or rules
            that cannot be met together begins with the kind of failure, e.g. "PlanInfeasible:
            ...") and its run's `notices` (often why it has no plan; empty for a run that failed
            otherwise, an unexpected error), and does not stop the others; a run whose
            cross-start failed (the other runs' plans not costed in it, or its new solve from a
            cheaper one failed) keeps its own plan and says why in its `cross_failures`.
        folder: the folder written, or None when the runs were kept in memory.
        forced: each compared run's label -> the ids of the sites (in the baseline's order)
            where its own rules rule out the first run's plan: the baseline adds a product there
            that the run keeps out, or the run leaves no land free for new modules there, or too
            little for one module of a product the baseline adds there. Its change at such a site
            is an effect of what the run changes, even where the run is within solver tolerance
            of the baseline (comparison.md marks the site "forced", diff.geojson's `forced` is
            true); the table, as comparison.csv, names the sites by id without that mark.
    """

    table: pd.DataFrame
    runs: tuple[CaseSummary, ...]
    folder: Path | None

    def __repr__(self) -> str:
        """How many runs gave a plan, and where they were written, on one line."""
        failed = sum(not run.ok for run in self.runs)
        plans = f"{len(self.runs) - failed} with a plan" + (f", {failed} without" if failed else "")
        where = f"folder {str(self.folder)!r}" if self.folder is not None else "in memory"
        return f"Batch({len(self.runs)} run{'s' if len(self.runs) != 1 else ''}: {plans}; {where})"

    @property
    def ok(self) -> bool:
        """True when every run gave a plan."""
        return all(run.ok for run in self.runs)

    @property
    def forced(self) -> dict[str, tuple[str, ...]]:
        """Each compared run's label -> the ids of the sites, in the baseline's order, where the
        run's own rules rule out the baseline's plan (the first run's), as diff.geojson's `forced`
        gives them; an empty tuple for a run with none, or where either run has no plan."""
        from siting.runs.tables import forced_change

        if not self.runs:
            return {}
        base = self.runs[0]
        return {run.label: tuple(site for site in base.site_added if forced_change(base, run, site))
                for run in self.runs[1:]}


def _is_blank(value: Any) -> bool:
    """True for an empty cell of a comparison table: None, NaN (or pd.NA) or ""."""
    if value is None or isinstance(value, str):
        return value is None or value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: not a blank
        return False


def _is_numeric_cell(value: Any) -> bool:
    """True for a number of a comparison table's cell, NaN and infinities included (any real
    number, numpy's too, but not a yes/no: a bool or numpy bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def uniform_blanks(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of the comparison table `table` whose empty cells in the runs' columns and their
    differences (None, NaN or "", as the table's makers leave them) are one blank per kind of
    row: NaN in a row of numbers (every cell that is not empty is a number, and some cell is one
    or the row has a unit: the objective, costs, gaps, capacities, the proven range), so that
    `pd.to_numeric` reads the row as it is, and None
    in a row of text (status, scenario file, "objective difference", "started from", ...), as
    `pd.isna` finds both. The `metric` and `unit` columns are left as they are (`unit` "" for a
    row without a unit)."""
    table = table.copy()
    columns = [c for c in table.columns if c not in ("metric", "unit")]
    for column in columns:
        table[column] = table[column].astype(object)
    for i in range(len(table)):
        cells = [table.iat[i, table.columns.get_loc(c)] for c in columns]
        filled = [v for v in cells if not _is_blank(v)]
        unit = table["unit"].iat[i] if "unit" in table.columns else ""
        numeric = all(_is_numeric_cell(v) for v in filled) and (bool(filled) or (isinstance(unit, str) and unit != ""))
        blank = math.nan if numeric else None
        for column, value in zip(columns, cells, strict=True):
            if _is_blank(value):
                table.iat[i, table.columns.get_loc(column)] = blank
    return table


def _batch_arguments(checks: _ArgumentChecks, out: Any, workers: Any, scheduler: Any, time_limit_s: Any,
                     progress: Any) -> tuple[Any, ...]:
    """The arguments compare and sweep share, each checked by `checks` (refused ones come back
    None): the batch folder, the worker count, the scheduler, the time limit and the progress flag."""
    return (checks("out", checked_out, out), checks("workers", checked_workers, workers),
            checks("scheduler", checked_scheduler, scheduler), checks("time_limit_s", _time_limit, time_limit_s),
            checks("progress", checked_flag, progress, "progress",
                   "progress=True for a progress line on standard error"))


def _noticed(batch: Batch) -> Batch:
    """`batch`, after a UserWarning with the notices of its runs with a plan (siting/runs/tables.py
    `plan_notice_lines`: those every run has once, then each run's own), which its table does not
    show, as `siting compare` and `siting sweep` print them under theirs; none when no such run has
    a notice, nor for the command line, which prints them itself. A run proven within its gap only
    after its own solve stopped at its time limit (siting/runs/tables.py `time_limited_runs_note`,
    which the command line prints under the table, and which the notices above leave out for that
    reason) is named in a UserWarning of its own, the note as the table's gives it: the Batch shows
    no notes. The warnings point at the caller's line."""
    from siting.runs.tables import plan_notice_lines, time_limited_runs_note

    if _ARGUMENT_NAMES.get() is not COMMAND_LINE_NAMES:
        lines = plan_notice_lines(batch.runs)
        if lines:
            warnings.warn("\n".join(lines), UserWarning, stacklevel=3)
        limited = time_limited_runs_note(batch.runs)
        if limited:
            warnings.warn(limited, UserWarning, stacklevel=3)
    return batch


def compare(paths: Sequence[Path | str], out: Path | str | None = None, *, workers: int | None = None,
            scheduler: str | None = None, time_limit_s: float | None = None, progress: bool = False,
            variants: Sequence[str] | None = None,
            overrides: Mapping[str, Any] | Iterable[Override | str] | None = ()) -> Batch:
    """Solve several scenarios (and every variant of a file that defines `variants:`) and compare
    them against the first.

    Args:
        paths: a list of scenario files, the first the baseline; a file with variants gives its
            base and each variant (`[path]` compares the variants of one file). A path alone is
            refused.
        out: None to keep nothing on disk; or a comparison folder to write comparison.csv/.md,
            diff.geojson (where the baseline and another run have a plan), compare.qgs and each
            run's outputs in a subfolder (as `siting compare --out`). Either way the runs are
            those of `siting compare`: once every run is solved, a run moves to another run's plan
            that costs less in it, and a run whose rules admit every plan of another's lends it its
            bound
            (docs/COMPARING.md), so the table is the command line's; without
            `out` the runs write no files (no folder, map, report or diagnosis), each run's
            `out_dir` is "", and the error of a run whose rules cannot be met together says that
            its diagnosis was not written.
        workers, scheduler: parallel processes (a whole number of at least 1, 1 solving one run
            after another in this process; None: one per core, as for `sweep`), or a Dask
            scheduler ('local', or an address such as 'tcp://host:8786'); with `out` or without
            it (the workers then write nothing and send each run's summary back: a cluster's
            workers need reach only the scenario's files). The table is the same whichever runs
            it.
        time_limit_s: solver time limit per run (s), replacing each scenario's.
        progress: print a progress line on standard error.
        variants: a list of names: only these variants of each file (its base always runs);
            every name must be defined by one of the files. None: every variant.
        overrides: applied to every run, in the forms `load` takes (the command line's `--set`).

    Returns:
        A `Batch` whose `table` has one row per metric ("scenario file", each run's scenario file
        relative to the deepest folder the files share; status, objective and cost breakdown in
        yuan, gap (a share), "absolute gap" (the same gap in yuan: objective less bound), sites
        built on, targets short, output value per year, capacity per target group and per cluster x
        product in units/yr; after the absolute gap, when some run has one, "started from", the
        run whose plan it moved to, and "bound from", the run whose bound its gap is measured
        against; after those, when some run's cross-start failed, "cross-start failed", what
        failed, as its `cross_failures` give it) and one column per run; an empty cell is NaN in a
        row of numbers (so `pd.to_numeric` reads such a row as it is) and None in a row of text. A
        run without a plan does not stop the others: its summary in `runs` has its error and its
        run's notices (its `notices`), which comparison.md lists under the table.

    Raises:
        InputError: an argument of the wrong kind or out of range, a scenario is invalid (every
            problem, before any solve), or fewer than two runs (named `paths | ...`); an
            OutputFolderError when `out` may not be written, listing the problems of the
            scenarios and their layers with it (no run started, nothing written). Every argument
            refused is listed, in the order of the signature, then, where the runs are known
            (`paths`, `variants` and `overrides` not refused), the problems of their scenarios
            and of `out`, as `siting compare` lists them beside a refused option.

    Warns:
        UserWarning: a scenario file given more than once (its runs are solved again, as `siting
            compare` does after the same notice), before any run starts; and once the runs are
            over, when some run with a plan has notices (a price likely typed in 万 yuan, ...),
            which the table does not show: those every run has once ("all runs: ..."), then each
            run's own, the first few of a long list with where all are (its report.md, or its
            summary's `notices`), as `siting compare` prints them under its table.
    """
    from siting.runs.batch import repeated_file_notices
    from siting.runs.pool import scheduler_named
    from siting.runs.tables import status_text

    checks = _ArgumentChecks()  # every refused argument is named, in the order of the signature
    typed = checks("paths", _listed, paths, "paths", "scenario files, the first the baseline",
                   "['a.yaml', 'b.yaml'], or ['a.yaml'] for the variants of that one file")
    chosen = checks("variants", _checked_variants, variants)
    pairs = checks("overrides", override_pairs, overrides)
    if typed is not None:
        files = checks("paths", checked_paths, typed, chosen, pairs or ())
    folder, count, address, limit, shown = _batch_arguments(checks, out, workers, scheduler, time_limit_s, progress)
    known = not checks.refused.keys() & {"paths", "variants", "overrides"}  # the runs can be known
    try:
        checks.raise_refused(("paths", "out", "workers", "scheduler", "time_limit_s", "progress", "variants",
                              "overrides"))
    except InputError as refused:
        if not known:
            raise
        raise _with_batch_problems(refused, files, folder, [*typed, out], chosen, pairs, None) from None
    if _ARGUMENT_NAMES.get() is not COMMAND_LINE_NAMES:  # the command line prints its own notice
        for notice in repeated_file_notices(files, "paths"):  # once the arguments hold
            warnings.warn(notice, UserWarning, stacklevel=2)
    names = _ARGUMENT_NAMES.get()
    with overrides_named(names.overrides), _time_limit_named(), paths_typed([*typed, out]), \
            scheduler_named(names.scheduler):
        if folder is not None:
            result = compare_to_folder(files, folder, count, address, limit, shown, chosen, pairs, names.out,
                                       names.variants, names.paths)
            return _noticed(Batch(uniform_blanks(result.table), tuple(result.summaries), result.out_dir))
        result = compare_to_folder(files, None, count, address, limit, shown, chosen, pairs, names.out,
                                   names.variants, names.paths)
    runs = tuple(dataclasses.replace(run, out_dir="") for run in result.summaries)  # none was written
    table = result.table.copy()
    for run in runs:  # no diagnosis folder to point to
        if run.label in table.columns:
            table[run.label] = table[run.label].astype(object)
            table.loc[table["metric"] == "status", run.label] = status_text(run)
    return _noticed(Batch(uniform_blanks(table), runs, None))


def _with_batch_problems(refused: InputError, files: list[Path], folder: Path | None, typed: list[Any],
                         variants: list[str] | None, pairs: tuple[Override, ...], texts: list[str] | None
                         ) -> InputError:
    """`refused` (the problems of `compare`'s refused arguments, or with `texts`, its settings as
    texts, `sweep`'s) with every problem the batch finds before it runs any, as `siting compare`
    and `siting sweep` list them beside a refused option (siting/cli.py `batch_problems`): those of
    its runs' scenarios, their settings, layers and folder names (siting/runs/batch.py
    `compared_cases`, `swept_cases`) and, with `folder`, the output folder's, under the heading of
    both when it is refused (`checked_folder`); `refused` itself for an output folder in a hidden
    staging folder (an OutputFolderError), refused with the arguments alone. Writes nothing."""
    from siting.runs.batch import checked_folder, compared_cases, swept_cases

    if isinstance(refused, OutputFolderError):
        return refused
    names = _ARGUMENT_NAMES.get()
    with overrides_named(names.overrides if texts is None else names.settings), paths_typed(typed):
        try:
            if texts is None:
                cases, inputs, problems = compared_cases(files, None, variants, pairs, names.variants, names.paths,
                                                         folder)
            else:
                with no_variant_chosen():
                    cases, _values, _keys, inputs, problems = swept_cases(files[0], texts, None)
        except OutputFolderError as error:  # an unreadable setting, with the folder's problems
            return refused_together([*refused.problems, *error.problems], [])
        except InputError as error:
            return InputError([*refused.problems, *error.problems])
        if folder is None:
            return InputError([*refused.problems, *problems]) if problems else refused
        try:  # given problems, it raises: InputError, or with the folder's an OutputFolderError
            checked_folder(folder, inputs, names.out, [*refused.problems, *problems],
                           [case.out_dir.as_posix() for case in cases], "sweep" if texts else "comparison",
                           named=texts is None)
        except InputError as error:
            return error
    return refused


def _checked_variants(value: Any) -> list[str] | None:
    """`compare`'s `variants`: a list of variant names, or None for every variant."""
    if value is None:
        return None
    chosen = _listed(value, "variants", "variant names, or None for every variant", "['strict']")
    for i, name in enumerate(chosen):
        if not isinstance(name, str):
            raise InputError([f"variants[{i}] | must be the name of a variant (got {_shown(name)})"])
    return chosen


#: The forms a sweep's settings take, and an example of each, for the problems.
SETTINGS_FORMS = ("must map each dotted key to its values, or list (key, values) pairs or 'KEY=V1,V2' texts",
                  "{'constraints.redline.buffer_m': [0, 500]} or ['constraints.redline.buffer_m=0,500']")


def sweep_settings(settings: Mapping[str, Any] | Iterable[tuple[str, Any] | str],
                   path: Path | None = None) -> list[str]:
    """`{"constraints.redline.buffer_m": [0, 500]}`, `[("constraints.redline.buffer_m", [0, 500])]`
    or `["constraints.redline.buffer_m=0,500"]` as the command line's `KEY=V1,V2` texts (each value
    written as YAML reads it back; a single value stands for a list of one, as `KEY=V` does on the
    command line: a sweep of that one value). InputError naming
    `settings` for another form, no setting at all, or a value a text cannot carry: the problems
    of every malformed setting together, each once, in their order, with those of the values YAML
    cannot read (which, without a malformed setting, the sweep itself lists, beside the problems
    of its combinations and of the output folder, before any run); also for a key given twice, or
    a value given twice for one key (`repeated_setting_problems`): runs that repeat or replace
    each other. With the scenario `path`, a malformed setting hides none of the problems of the
    others: those of their combinations follow (siting/runs/batch.py `unread_sweep_problems`),
    unless some are repeated."""
    from siting.runs.batch import unread_sweep_problems

    example = SETTINGS_FORMS[1]
    items = _entries(settings, "settings", SETTINGS_FORMS)
    if not items:
        raise InputError([f"settings | give at least one dotted key and its values (got {_shown(settings)}); give "
                          f"e.g. {example}"])
    texts: list[str] = []
    parsed: list[tuple[str, str, list[Any]]] = []
    problems: list[str] = []
    shapeless = False
    for i, item in enumerate(items):  # every malformed setting is named, not the first alone
        try:
            texts.append(_setting_text(i, item))
        except InputError as exc:
            problems.extend(exc.problems)
            shapeless = True
            continue
        try:  # a value YAML cannot read is named beside the malformed settings
            with overrides_named(_ARGUMENT_NAMES.get().settings):
                parsed.append((texts[-1], *parse_override(texts[-1])))
        except InputError as exc:
            problems.extend(exc.problems)
    repeats = repeated_setting_problems(parsed)
    if shapeless and path is not None and not repeats:
        with overrides_named(_ARGUMENT_NAMES.get().settings), no_variant_chosen():
            problems += unread_sweep_problems(path, [item for item in items if isinstance(item, str)],
                                              [(key, values) for _text, key, values in parsed])
    if shapeless or repeats:  # otherwise the batch lists the unreadable values with the output folder's problems
        raise InputError(list(dict.fromkeys(problems + repeats)))
    return texts


def _same_value(a: Any, b: Any) -> bool:
    """Whether two swept values make the same run: equal, and both or neither true/false (YAML's
    true is not the number 1)."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


def _as_read(value: Any, at: Any) -> Any:
    """A swept `value` as the scenario reads it where the setting is a number (`at`, its type, is
    float): a text that spells a number (1e3, which the command line keeps as typed, or '1000')
    as that number (`number_text`), so that `1000,1e3` is known as one value given twice; any
    other value, and every value of another setting (a name `1e3` is text), as it is."""
    if at is not float or not isinstance(value, str):
        return value
    try:
        return number_text(value)
    except PydanticCustomError:  # no number: the run's own check names it
        return value


def repeated_setting_problems(parsed: Sequence[tuple[str, str, list[Any]]]) -> list[str]:
    """The problems of a sweep's settings, each (its `KEY=V1,V2` text, its key, its values as
    YAML read them), that would run the same run twice or let one setting silently replace
    another: a key given twice, or one holding another given (`repeated_keys`), naming both texts;
    a value given twice in one setting (`0,0`), naming it. Named as the front door in use names
    the settings (`--set` or `settings`)."""
    name = _ARGUMENT_NAMES.get().settings
    problems = []
    for i, j in repeated_keys([key for _text, key, _values in parsed]):
        (first, key, _was), (second, later, _now) = parsed[i], parsed[j]
        given = f"got {name} {first}, then {name} {second}"
        if setting_parts(key) == setting_parts(later):
            problems.append(f"{name} {later} | given twice ({given}); give it once, with every value to sweep")
        else:
            problems.append(f"{name} {later} | overlaps {name} {key}, one holding the other ({given}); give each "
                            "setting once")
    for text, key, values in parsed:
        at = schema_at(Scenario, override_parts(key))
        read = [_as_read(v, at) for v in values]
        repeated = [v for k, v in enumerate(values) if any(_same_value(read[k], w) for w in read[:k])]
        if repeated:
            problems.append(f"{name} {text} | repeats the value {written_value(repeated[0])} of {key}, which would "
                            "run the same run twice; give each value once")
    return problems


def _setting_text(i: int, item: tuple[str, Any] | str) -> str:
    """The sweep setting `item`, the `i`-th given, as a `KEY=V1,V2` text (`sweep_settings`);
    InputError naming what is wrong with it."""
    if isinstance(item, str):
        return checked_setting_text(item, _ARGUMENT_NAMES.get().settings, SETTING_EXPECTED)
    if not (isinstance(item, (tuple, list)) and len(item) == 2):
        raise InputError([f"settings[{i}] | must be a (key, values) pair or a 'KEY=V1,V2' text (got "
                          f"{_shown(item)}); give e.g. ('constraints.redline.buffer_m', [0, 500])"])
    key, values = item
    if not isinstance(key, str) or not key.strip() or "=" in key:
        raise InputError([f"settings | each key must be a dotted setting such as 'constraints.redline.buffer_m' "
                          f"(got {_shown(key)})"])
    _unordered(values, f"settings {key}", "in the order to run (the first run's plan starts the others)")
    if isinstance(values, pd.DataFrame):  # read as a list, it would be its column names
        raise InputError([_table_problem(values, f"settings {key}", "the values to run", "a list")])
    if isinstance(values, np.ndarray) and values.ndim == 0:
        values = values.item()  # a 0-d array is one value, as the number it holds is
    one = isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable)
    listed = [values] if one else list(values)
    if not listed:
        raise InputError([f"settings {key} | give at least one value (got {_shown(values)}); give e.g. [0, 500]"])
    return f"{key}=" + ",".join(json.dumps(_setting_value(key, v)) for v in listed)


def _setting_value(key: str, value: Any) -> Any:
    """A swept value as JSON writes it for YAML to read back the same: None, true/false, a finite
    number (NumPy's too) or a text without commas; InputError naming the setting otherwise."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value):
        return float(value)
    if isinstance(value, str) and "," not in value:
        return value
    raise InputError([f"settings {key} | each value must be a finite number, true/false, None or a text without "
                      f"commas (got {_shown(value)})"])


def sweep(path: Path | str, settings: Mapping[str, Any] | Iterable[tuple[str, Any] | str],
          out: Path | str | None = None, *, workers: int | None = None, scheduler: str | None = None,
          time_limit_s: float | None = None, progress: bool = False) -> Batch:
    """Solve a scenario over every combination of setting values (the cartesian product).

    Args:
        path: the scenario file.
        settings: dotted key -> values, e.g. `{"constraints.redline.buffer_m": [0, 500, 1000]}`
            (scalar values: numbers, true/false, None, texts without commas), or (key, values)
            pairs, or the command line's texts `["constraints.redline.buffer_m=0,500"]`. As on
            the command line (`--set KEY=V`), a single value is a sweep of that one value: `{key:
            5}` is `{key: [5]}`, the setting every run has, e.g. beside another key's values (the
            runs are labelled by the keys whose values vary).
        out: None to keep nothing on disk; or a sweep folder to write sweep.csv/.md, sweep.png,
            diff.geojson/.qml, compare.qgs and each run in runNN/ (as `siting sweep --out`).
            Either way the runs are those of `siting sweep`: the first run's plan starts the
            others, and a run moves to another's plan that costs less in it (taken with the
            run's own bound when that proves it within the run's gap, else solved again from it;
            docs/COMPARING.md), so the table is the command line's; without
            `out` the runs write no files (no folder, map, report or diagnosis), each run's
            `out_dir` is "", and the error of a run whose rules cannot be met together says that
            its diagnosis was not written.
        workers, scheduler, time_limit_s, progress: as for `compare`, with `out` or without it.

    Returns:
        A `Batch` whose `table` has one row per run: run (its label), the swept values (one
        column per key, as given), status, objective_yuan (discounted yuan), gap (a share of
        |objective|, against the bound of the run bound_from names, if any), gap_yuan (the same
        gap in yuan, objective less bound: the figure to read when the net objective is near
        zero), vs_first ("proven", "within solver tolerance" or "same plan": whether the objective
        differs from the first run's by more than their proven gaps; "not comparable: ..." and why
        where the two objectives weigh the years differently), vs_first_low_yuan and
        vs_first_high_yuan (the proven range of the run's optimum less the first run's, yuan; None
        for the first run, a run without a plan or bound, and one weighted otherwise),
        started_from (the run whose plan
        it was solved again from, "" for none),
        when some run's gap is measured against another run's bound bound_from (the run whose
        rules admit every plan of its own and whose proven bound it carries, "" for none),
        when some run's cross-start failed cross_start_failed (what failed, as its
        `cross_failures` give it, "" for none), sites_built_on (count: the sites where the plan
        adds capacity, some possibly open already), pairs_kept_out_redline and
        pairs_kept_out_proximity (count: the (site, product) pairs each rule keeps out of the
        run's candidates, as `compare`'s rows "site-product pairs kept out: ..."), land_free_ha
        (the land free for new modules summed over the run's candidate sites, ha, as `compare`'s
        row "land free for new modules"; None for a run without a plan) and one column per
        target group of final-year capacity in its unit per year (online then, as the capacity
        targets count it), named `capacity_<group>_<unit>_per_yr` (e.g.
        `capacity_cells_GWh_per_yr`, `capacity_cathode_t_per_yr`). A run without a plan, as
        for `compare`, keeps its error and notices in its summary (sweep.md lists the notices).

    Raises:
        InputError: an argument of the wrong kind or out of range, a malformed setting (named
            `settings <key> | ...`; a setting of `variants` among them: a sweep runs the file's
            base scenario, and the message says how to sweep a variant) or a combination that
            makes the scenario invalid; an OutputFolderError when `out` may not be written,
            listing the problems of the combinations with it (no run started, nothing written).
            Every argument refused is listed, in the order of the signature, then, where the runs
            are known (`path` and `settings` not refused), the problems of the combinations and
            of `out`, as `siting sweep` lists them beside a refused option.

    Warns:
        UserWarning: once the runs are over, when some run with a plan has notices, as for
            `compare` (`siting sweep` prints them under its table).
    """
    from siting.runs.batch import sweep as sweep_to_folder
    from siting.runs.pool import scheduler_named
    from siting.runs.tables import status_text

    checks = _ArgumentChecks()  # every refused argument is named, in the order of the signature
    scenario = checks("path", checked_path, path)
    if scenario is None:  # the file cannot be read: the settings' own problems still are named
        checks("settings", sweep_settings, settings)
    else:
        with paths_typed([path]):
            texts = checks("settings", sweep_settings, settings, scenario)
    folder, count, address, limit, shown = _batch_arguments(checks, out, workers, scheduler, time_limit_s, progress)
    known = not checks.refused.keys() & {"path", "settings"}  # the runs can be known
    try:  # a scenario given as a URL is named after the settings, as `siting sweep` names it
        checks.raise_refused(("settings", "path") if is_url(path) else ("path", "settings"))
    except InputError as refused:
        if not known:
            raise
        raise _with_batch_problems(refused, [scenario], folder, [path, out], None, (), texts) from None
    names = _ARGUMENT_NAMES.get()
    with overrides_named(names.settings), _time_limit_named(), paths_typed([path, out]), no_variant_chosen(), \
            scheduler_named(names.scheduler):
        if folder is not None:
            result = sweep_to_folder(scenario, texts, folder, count, address, limit, shown, names.out)
            return _noticed(Batch(result.table, tuple(result.summaries), result.out_dir))
        result = sweep_to_folder(scenario, texts, None, count, address, limit, shown, names.out)
    runs = tuple(dataclasses.replace(run, out_dir="") for run in result.summaries)  # none was written
    table = result.table.copy()
    table["status"] = [status_text(run) for run in runs]  # no diagnosis folder to point to
    return _noticed(Batch(table, runs, None))



# --------------------------------------------------------------------------------------------
# the scenario's JSON schema


def scenario_json_schema(partial: bool = False, *, of: str = "scenario") -> dict[str, Any]:
    """The JSON schema of a scenario file (pydantic's, of the scenario model `Problem.scenario` is
    an instance of), for editors to complete and check scenario YAML (docs/SCENARIOS.md,
    "Completion and checking in an editor"); with `of`, that of the technology catalog or of the
    committed projects' file, as `siting schema --of` gives them.

    Args:
        partial: True or False: drop every `required` list, for a file that `extends:` a base and
            so need not repeat the base's required keys (a scenario's only).
        of: "scenario" (the default), "catalog" (the technology catalog) or "committed" (the
            committed projects' file), given by name: `scenario_json_schema(of="catalog")`.

    Raises:
        InputError: `partial` not True or False, `of` not one of those names, or `partial` with a
            catalog or committed projects.
    """
    flag = checked_flag(partial, "partial", "partial=True (for the catalog's schema, of='catalog')")
    if not isinstance(of, str) or of not in SCHEMA_FILES:
        raise InputError([f"of | must be one of {', '.join(map(repr, SCHEMA_FILES))} (got {_shown(of)}); give e.g. "
                          "of='catalog'"])
    if flag and of != "scenario":
        raise InputError([f"partial | leaves out the keys a file that extends a base need not repeat, and only a "
                          f"scenario extends one (got of={of!r}); leave out partial"])
    return file_json_schema(of, flag)


#: The end of the `$comment` of the schema text `siting schema` writes: the SHA-256 (hex) of that
#: text with these 64 digits as zeros (`scenario_schema_text`), by which a file it wrote is known
#: unedited (`schema_file_state`).
SCHEMA_DIGEST_WORDS = "; SHA-256 of this file with these 64 digits as zeros: "
_SCHEMA_DIGEST = re.compile(re.escape(SCHEMA_DIGEST_WORDS) + "([0-9a-f]{64})")


def scenario_schema_text(partial: bool = False, of: str = "scenario") -> str:
    """`scenario_json_schema` as indented JSON text, ending with a newline (what `siting schema` writes);
    `of` "catalog" or "committed": the schema of that file instead (the catalog, or the committed
    projects' file). Its `$comment` ends with the text's SHA-256 (SCHEMA_DIGEST_WORDS), so that
    `siting schema --out` replaces the file only while nobody has edited it."""
    schema = file_json_schema(of, partial)
    zeros = SCHEMA_DIGEST_WORDS + "0" * 64
    schema["$comment"] = str(schema["$comment"]) + zeros
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text.replace(zeros, SCHEMA_DIGEST_WORDS + digest, 1)


def schema_file_state(path: Path) -> str | None:
    """What the file at `path` is to `siting schema --out`: "unedited" when `siting schema` wrote it
    and its bytes are still those written (the SHA-256 its `$comment` ends with, SCHEMA_DIGEST_WORDS),
    which it may replace; "edited" when its `$comment` says `siting schema` wrote it but the bytes
    differ, or it records no SHA-256; None for any other file (or one that cannot be read)."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not is_schema_comment(str(data.get("$comment", ""))):
        return None
    found = _SCHEMA_DIGEST.search(str(data["$comment"]))
    if found is None:
        return "edited"
    recorded = found.group(1)
    zeroed = raw.replace((SCHEMA_DIGEST_WORDS + recorded).encode("utf-8"),
                         (SCHEMA_DIGEST_WORDS + "0" * 64).encode("utf-8"), 1)
    return "unedited" if hashlib.sha256(zeroed).hexdigest() == recorded else "edited"


def is_schema_file(path: Path) -> bool:
    """True for a file that `siting schema` wrote and nobody has edited since (`schema_file_state`),
    which it may replace."""
    return schema_file_state(path) == "unedited"


def _nearest_existing(folder: Path) -> Path:
    """`folder`, or the nearest of the folders above it that exists (a file there included, and a
    symbolic link to nothing, which no folder can be made in place of)."""
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        folder = folder.parent
    return folder


def _folder_ending(typed: str) -> str | None:
    """How the path `typed`, as the user gave it, ends when its ending names a folder whatever is
    on the disk: "a slash" (`so/zz.json/`, also a backslash on Windows), "." or ".." (`so/.`,
    `..`); None when it ends in a name."""
    separators = "/" + (os.sep if os.sep != "/" else "") + (os.altsep or "")
    if typed and typed[-1] in separators:
        return "a slash"
    last = typed
    for separator in separators:
        last = last.rsplit(separator, 1)[-1]
    return f'"{last}"' if last in (".", "..") else None


def _write_whole(target: Path, text: str, existing: Path) -> None:
    """Write `text` to `target` whole or not at all: a temporary file beside it, then renamed,
    the folders between `existing` and it made first; on any failure (an OSError, Ctrl-C) the
    temporary file and the folders made are removed again, and the exception raised on."""
    made = [folder for folder in [target.parent, *target.parent.parents]
            if folder != existing and folder not in existing.parents]  # deepest first
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as a file the user's shell would create, not mkstemp's 0600
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except BaseException:
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _missing_steps_taken(target: Path) -> Path:
    """`target`, a file's path, with the `..` that follow folders not yet there taken against
    them (`new/../x.json` is `x.json`, `a/new/../../x.json` is `x.json` when neither `a` nor
    `new` exists): the system can step out of a folder only once it is made, so writing the
    path as given would make folders (`new`) that the file does not need and leave them behind.
    Such folders would be made by this write, as plain folders, so `..` after them is their
    parent whatever the links on the disk: the part of `target` that exists
    (`_nearest_existing`) is kept as given, and its `..` left to the system."""
    existing = _nearest_existing(target.parent)
    if existing == target.parent:
        return target
    rest = os.path.normpath(target.relative_to(existing))
    return existing / rest


def write_scenario_schema(path: Path | str, partial: bool = False, where: str = "--out",
                          of: str = "scenario") -> Path:
    """Write the scenario's JSON schema to `path`, whole or not at all (a temporary file beside it,
    then renamed); `of` "catalog" or "committed": the schema of that file instead. An existing file
    is replaced only when `siting schema` wrote it and nobody has edited it since.

    A path from a home folder (`~/schema.json`) is expanded as a shell would, and named as typed in
    the messages.

    Raises:
        InputError: `path` is a folder, a file siting did not write or one it wrote that has been
            edited since (`schema_file_state`), or cannot be written.
    """
    typed = os.fspath(path)
    if is_url(typed):
        raise InputError([f"{where} | {url_words(typed, written=True)}"])
    target = home_path(typed)
    home = home_problem(typed)
    if home is not None:  # a folder named "~user", or someone's home folder, would be made
        what, fix = home
        raise InputError([f"{where} | the file's path {what} (got {typed}); {fix}"])
    ending = _folder_ending(typed)
    if ending is not None:  # `Path` would drop a closing slash and write a file of the folder's name
        raise InputError([f"{where} | must be the path of a file, and a path that ends in {ending} names a folder "
                          f"(got {typed}); give the file's own name, e.g. --out scenario.schema.json"])
    too_long = too_long_words(target) if typed else None  # before any other look at the path, which it would fail
    if too_long is not None:
        shorter = "name" if name_too_long(target) is not None else "path"
        raise InputError([f"{where} | the file {too_long} (got {typed}); choose a shorter {shorter}"])
    unsearchable = unsearchable_words(target) if typed else None
    if unsearchable is not None:
        raise InputError([f"{where} | the file {unsearchable} (got {typed}); check that folder's permissions, or "
                          "choose a folder you can write to"])
    if typed:
        target = _missing_steps_taken(target)  # `new/../x.json`: no folder `new` made to step out of
    if typed == "" or target.is_dir():
        raise InputError([f"{where} | must be the path of a file (got {typed or repr('')}); give e.g. "
                          "--out scenario.schema.json"])
    if target.is_symlink():
        # the link is the user's: the schema is written to the file it leads to, the link kept
        if not target.exists():
            raise InputError([f"{where} | is a symbolic link to a file that is not there (got {typed}); choose "
                              "another file name, or mend the link"])
        target = target.resolve()
    state = schema_file_state(target) if target.exists() else "unedited"
    if state == "edited":
        raise InputError([f"{where} | the file was written by `siting schema` but has been edited since, or was "
                          f"written by a siting that did not record its SHA-256 (got {typed}); it is left as it is: "
                          "choose another file name, or move that file away first"])
    if state is None:
        raise InputError([f"{where} | the file exists and was not written by `siting schema` (got {typed}); "
                          "choose another file name, or move that file away first"])
    existing = _nearest_existing(target.parent)
    if existing.is_symlink() and not existing.exists():  # the system would say "File exists"
        raise InputError([f"{where} | the file's folder cannot be created: {shown_path(existing)} is a broken "
                          f"symbolic link: it points to {os.readlink(existing)!r}, which does not exist (got {typed}); "
                          "point the link to a folder, or choose another folder"])
    if not existing.is_dir():  # a file where a folder of the path would be made
        raise InputError([f"{where} | the file's folder cannot be created: {shown_path(existing)} is a file "
                          f"(got {typed}); choose another folder"])
    text = scenario_schema_text(partial, of)
    try:
        _write_whole(target, text, existing)
    except OSError as exc:
        raise InputError([f"{where} | cannot write the file: {exc.strerror} (got {typed}); choose a folder you "
                          "can write to"]) from None
    return target.resolve()
