"""The front door's docstrings (what `help(siting.solve)` shows) speak for themselves.

A notebook user reads `help(siting.solve)`, `help(siting.Solution)` and the like, and should not
have to read the package's internal modules to learn a shape, a unit, an error or a behaviour:
the docstrings of the front door's names (functions, classes, their public methods and
properties, and the module `siting.api` itself) point only to other public names, or to the
README, never into `siting.config`, `siting.prepare`, `siting.optimize`, `siting.deliver` or
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
