"""The front door's docstrings (what `help(siting.solve)` shows) speak for themselves.

A notebook user reads `help(siting.solve)`, `help(siting.Solution)` and the like, and should not
have to read the package's internal modules to learn a shape, a unit, an error or a behaviour:
the docstrings of the front door's names (functions, classes, their public methods and
properties, and the module `siting.api` itself) point only to other public names, or to the
README and docs/, never into `siting.config`, `siting.prepare`, `siting.optimize`, `siting.deliver` or
`siting.runs`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from functools import cached_property

import siting
import siting.api

#: A path into the package (`siting/optimize/results.py`) or a dotted internal name
#: (`siting.optimize.results.extract_plan`).
INTERNAL = re.compile(r"siting/\w+/|siting\.(config|prepare|optimize|deliver|runs)\.")


def _member_doc(value: object) -> str | None:
    if isinstance(value, property):
        return value.fget.__doc__ if value.fget is not None else None
    if isinstance(value, cached_property):
        return value.func.__doc__
    if isinstance(value, (staticmethod, classmethod)):
        return value.__func__.__doc__
    if inspect.isfunction(value):
        return value.__doc__
    return None


def public_docstrings() -> Iterator[tuple[str, str]]:
    """(name, docstring) of `siting.api`, of `siting`, of every top-level name of the package (the
    errors included) and of each public method and property of its classes."""
    yield "siting.api", siting.api.__doc__ or ""
    yield "siting", siting.__doc__ or ""
    for name in siting.__all__:
        if name.startswith("_"):
            continue
        value = getattr(siting, name)
        if not str(getattr(value, "__module__", "")).startswith("siting"):
            continue
        yield f"siting.{name}", value.__doc__ or ""
        if inspect.isclass(value):
            for member, attribute in vars(value).items():
                if member.startswith("_"):
                    continue
                doc = _member_doc(attribute)
                if doc is not None:
                    yield f"siting.{name}.{member}", doc


def test_the_front_door_is_documented_in_its_own_words() -> None:
    names = [name for name, _doc in public_docstrings()]
    assert {"siting.solve", "siting.Solution", "siting.Solution.plan", "siting.Solution.layers",
            "siting.Solution.write", "siting.Batch.ok"} <= set(names)
    internal = [(name, match.group(0)) for name, doc in public_docstrings() for match in INTERNAL.finditer(doc)]
    assert internal == []


def _package_hooks() -> Iterator[tuple[str, str]]:
    """The docstrings of the package's module hooks, which `help(siting)` shows among its functions."""
    for name in ("__getattr__", "__dir__"):
        yield f"siting.{name}", getattr(siting, name).__doc__ or ""


#: A name in backquotes, dotted or not (`Solution.write`, `timings`), as a whole.
QUOTED = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)`")


def unexported(name: str) -> str | None:
    """Why the name `name`, quoted in a public docstring, points where `help()` does not go, or None:
    a private name (`_ERRORS`, `__getattr__`), a module of the package other than its top level
    (`siting.api`), or a name of the front door's module that `siting` does not export
    (`DEFAULT_SLACK`, `CaseSummary.notices`, `command_line_names`)."""
    first, *rest = name.split(".")
    if any(part.startswith("_") for part in name.split(".")):
        return "private"
    if first == "siting":
        return "not exported by siting" if rest and rest[0] not in siting.__all__ else None
    if first not in siting.__all__ and first in _module_names():
        return "a name of the module, not exported by siting"
    return None


def _module_names() -> set[str]:
    """The names of `siting.api` and of the package's top level, but its submodules (`runs`, a word
    the docstrings use as `Batch.runs`)."""
    return {name for name, value in [*vars(siting.api).items(), *vars(siting).items()]
            if not inspect.ismodule(value)}


#: A constant's name (`DEFAULT_SLACK`), quoted or not.
CONSTANT = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def test_no_public_docstring_names_what_siting_does_not_export() -> None:
    documented = [*public_docstrings(), *_package_hooks()]
    found = [(where, name, why) for where, doc in documented
             for name in QUOTED.findall(doc) if (why := unexported(name)) is not None]
    found += [(where, name, "a constant of the module") for where, doc in documented
              for name in CONSTANT.findall(doc) if name in _module_names() and name not in siting.__all__]
    assert found == []


def test_no_public_docstring_sends_its_reader_to_another_docstring() -> None:
    """help() shows one docstring at a time: "the forms of the module's docstring" cannot be read there."""
    sent = [where for where, doc in [*public_docstrings(), *_package_hooks()] if "docstring" in doc]
    assert sent == []


def test_the_helpers_of_the_classes_are_private() -> None:
    """`Solution.checked_rule_costs` checked the argument of `write` and `files` and nothing else."""
    assert not hasattr(siting.Solution, "checked_rule_costs")


def _timings_keys() -> list[str]:
    doc = siting.Solution.__doc__ or ""
    part = doc[doc.index("timings:"):]
    return list(dict.fromkeys(re.findall(r"`(\w+)`", part)))


def test_the_timings_keys_of_solution_are_those_the_manifests_record(small_rule_costs_run, small_alternatives_run,
                                                                     tmp_path) -> None:
    """Every key `help(siting.Solution)` lists under `timings` is one a manifest records, in the
    manifests' order, and every key the manifests record is listed: a plain run's (with rule
    costs, with alternatives) and one with candidate cells (`candidates` before `preprocess`;
    the screened solve's phases are `build`, `bound` and `solve` as a plain run's)."""
    import json
    import shutil

    from test_candidate_scenario import ZONE_A, with_cells

    from tests.conftest import SMALL

    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    with_cells(folder, "{cell_size_m: 10000, land_price_yuan_per_ha: 500000, allowed_zone: {path: allowed.gpkg}}",
               {"a": ZONE_A})
    solution = siting.solve(folder / "scenario.yaml")
    cells_out = solution.write(tmp_path / "cells")
    recorded = [list(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run"]["timings_s"])
                for out in (small_rule_costs_run.out, small_alternatives_run.out, cells_out)]
    assert "candidates" in recorded[2]
    keys = _timings_keys()
    assert set(keys) == {key for keys_of_run in recorded for key in keys_of_run}
    for keys_of_run in recorded:
        assert [key for key in keys if key in keys_of_run] == keys_of_run
