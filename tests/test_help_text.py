"""What `help()` shows of the front door reads cleanly in a notebook.

A notebook user reads `help(siting)`, `help(siting.Solution)`, `help(siting.InputError)` and the
like. The signatures shown name no private constructor argument (a Solution's solved model, an
InputError's salvaged scenario: users make neither), the records a call returns or a class holds
without being exported (`siting.run`'s RunResult, `Batch.runs`' summaries) have every field
described where they are returned, the calibration's two modes are explained where first named,
and no line of the docstrings is wider than 100 columns as help() shows them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import pickle
import pydoc
import re
from pathlib import Path

import pytest

import siting
from siting.config.errors import InputError
from siting.runs.job import RunResult
from siting.runs.pool import CaseSummary

#: Every name siting exports but its version.
EXPORTED = [name for name in siting.__all__ if not name.startswith("_")]
CLASSES = [name for name in EXPORTED if inspect.isclass(getattr(siting, name))]


def shown(value: object) -> str:
    """What help(value) prints, without its terminal's bold."""
    return pydoc.render_doc(value, renderer=pydoc.plaintext)


def signatures(cls: type) -> list[str]:
    """The signatures help(cls) shows: `Name(...)` and `__init__(self, ...)` (none for a class
    whose constructor is Exception's)."""
    return [line for line in shown(cls).splitlines() if re.match(rf"\s*\|?\s*({cls.__name__}|__init__)\(", line)]


@pytest.mark.parametrize("name", CLASSES)
def test_no_class_shows_a_private_constructor_argument(name: str):
    cls = getattr(siting, name)
    with contextlib.suppress(ValueError):  # Exception's own constructor has no signature to show
        assert [p for p in inspect.signature(cls).parameters if p.startswith("_")] == []
    assert [line for line in signatures(cls) if re.search(r"[(,] \*?_\w+|\(_\w+", line)] == []


def test_solution_and_input_error_show_their_public_arguments_alone():
    assert list(inspect.signature(siting.Solution).parameters) == [
        "problem",
        "settings",
        "report",
        "result",
        "model_size",
        "timings",
    ]
    assert list(inspect.signature(siting.InputError).parameters) == ["problems"]
    assert len(signatures(siting.Solution)) == len(signatures(siting.InputError)) == 2
    assert [line for line in signatures(siting.Solution) if "Solved" in line] == []
    assert "Salvage" not in shown(siting.InputError)


def test_a_solution_still_carries_its_solved_model():
    """`siting.solve` sets the private field (`rule_costs` and `alternatives` reuse the model);
    it stays out of the repr, and a solution equals itself alone, as before."""
    solution = siting.solve(Path(__file__).parent / "data" / "small" / "scenario.yaml")
    assert "_solved" in [f.name for f in dataclasses.fields(solution)]
    assert solution._solved.report is solution.report
    assert solution._solved.plan is solution.result
    assert "_solved" not in repr(solution)
    assert solution == solution
    assert solution != siting.Solution(
        solution.problem, solution.settings, solution.report, solution.result, solution.model_size, solution.timings
    )
    assert list(siting.rule_costs(solution)["rule"])  # the solved model reused


def test_an_input_error_is_made_of_its_problems_and_salvage_is_set_apart():
    from siting.config.errors import salvaged_error

    error = InputError(["a.yaml: years | bad"])
    assert (error.problems, error.salvage) == (["a.yaml: years | bad"], None)
    with pytest.raises(TypeError):
        InputError(["a"], object())  # type: ignore[call-arg]
    marker = object()
    carried = salvaged_error(["a.yaml: years | bad", "b"], marker)  # type: ignore[arg-type]
    assert type(carried) is InputError
    assert (carried.problems, carried.salvage) == (["a.yaml: years | bad", "b"], marker)
    again = pickle.loads(pickle.dumps(salvaged_error(["x"], None)))
    assert (again.problems, again.salvage, str(again)) == (["x"], None, "1 problem in the input:\n  - x")


def test_every_field_of_what_run_returns_is_described_by_help_of_run():
    doc = inspect.getdoc(siting.run) or ""
    assert [f.name for f in dataclasses.fields(RunResult) if f"`{f.name}`" not in doc] == []


def test_every_field_of_a_batchs_runs_is_described_by_help_of_batch():
    doc = inspect.getdoc(siting.Batch) or ""
    assert [f.name for f in dataclasses.fields(CaseSummary) if f"`{f.name}`" not in doc] == []


def _words(text: str) -> str:
    """help() text as one line: pydoc's " |  " margins dropped, runs of white space made one."""
    return " ".join(re.sub(r"^[\s|]*", "", line) for line in text.splitlines())


@pytest.mark.parametrize("value", [siting, siting.load, siting.Solution], ids=["siting", "load", "Solution"])
def test_the_calibration_modes_are_explained_where_first_named(value: object):
    """The first "mode" of a help text is followed closely by what each mode, fixed and choose, means."""
    text = _words(shown(value))
    first = re.search(r"\bmodes?\b", text)
    assert first is not None
    near = text[first.start() : first.start() + 300]
    assert re.search(r"\bfixed \(\w", near), near
    assert re.search(r"\bchoose \(\w", near), near


def _docstring_lines(value: object) -> list[str]:
    """The lines of help(value) but its signatures (`name(...)`, which pydoc writes on one line)."""
    signature = re.compile(r"^[\s|]*\w+\(.*\)( -> .*)?$")
    return [line for line in shown(value).splitlines() if not signature.match(line)]


@pytest.mark.parametrize("name", EXPORTED)
def test_no_line_of_help_is_wider_than_100_columns(name: str):
    wide = [line for line in _docstring_lines(getattr(siting, name)) if len(line) > 100]
    assert wide == []


def test_the_package_description_fits_100_columns():
    """help(siting) indents its own docstring and those of its module hooks by four columns more."""
    text = shown(siting)
    description = text[text.index("DESCRIPTION") : text.index("PACKAGE CONTENTS")]
    hooks = [line for name in ("__getattr__", "__dir__") for line in (getattr(siting, name).__doc__ or "").splitlines()]
    assert [line for line in description.splitlines() if len(line) > 100] == []
    assert [line for line in hooks if len(line.strip()) + 8 > 100] == []
