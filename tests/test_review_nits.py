"""Wording that must say no more than is known and name things as the rest of the output does:
a one-rule conflict that is not proven irreducible does not claim that dropping the rule makes a
plan possible; the count of runs says "optimal within the gap" as the tables do; a catalog
module's problems name the module by its id as well as its position, at the same file and line.
Messages are matched whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from siting.config import progress
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance
from siting.runs.pool import CaseSummary, Progress
from tests.conftest import edit, run_bad

# --- a one-rule conflict -------------------------------------------------------------------------

ONE = ("1 rule cannot be met even alone, given the capacity standing or committed and the rows linking "
       "production, capacity and raw material")
TARGET = Conflict(RuleInstance("capacity_target", ("P", 2030)), "P needs 10 t/yr in 2030", "targets.capacity.P.2030")


def test_a_proven_one_rule_conflict_says_dropping_it_makes_a_plan_possible() -> None:
    assert Diagnosis((TARGET,), True).headline() == ONE + "; dropping it makes a plan possible"


@pytest.mark.parametrize(("stopped", "why"), [
    ("", "a solve ran out of time"),
    ("the diagnosis stopped at ...", "the diagnosis stopped at its time limit")])
def test_an_unproven_one_rule_conflict_does_not_say_dropping_it_makes_a_plan_possible(stopped: str, why: str) -> None:
    """Not irreducible (a trial undecided, or the time limit reached): whether a plan is possible
    without the rule is not known, and the headline says so instead of claiming it."""
    diagnosis = Diagnosis((TARGET,), False, stopped=stopped)
    assert diagnosis.headline() == ONE + f" ({why}: a plan is not proven possible without it)"
    assert diagnosis.lines()[0] == ONE + f" ({why}: a plan is not proven possible without it):"


# --- the count of runs ---------------------------------------------------------------------------


def test_the_count_of_a_batch_says_optimal_within_the_gap_as_the_tables_do() -> None:
    """A plain line per run done: the solver's "optimal" in the words of the tables and the
    solve's status line; other outcomes as they are."""
    stream = io.StringIO()
    counter = Progress(2, stream)
    counter.update(CaseSummary("run01 buffer_m=0", True, status="optimal"))
    counter.update(CaseSummary("run02 buffer_m=500", False, error="InputError: 1 problem in the input:"))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("runs: 1/2 done (run01 buffer_m=0: optimal within the gap), ")
    assert lines[1].startswith("runs: 2/2 done (run02 buffer_m=500: failed), ")


def test_the_bar_of_a_batch_says_optimal_within_the_gap_before_the_runs_under_way() -> None:
    """On a terminal the outcome stands before the runs under way, which an 80-column terminal
    cuts first."""
    stream = io.StringIO()
    counter = progress.steps(4, "runs", progress.Reporter(stream, live=True), estimate=False)
    counter.begin("run02 buffer_m=500")
    counter.advance("run01 buffer_m=0", "optimal")
    counter.close()
    assert stream.getvalue().split("\r")[-1].rstrip().endswith(
        "| 1/4 [00:00, run01 buffer_m=0: optimal within the gap; running: run02 buffer_m=500 0 s]")


# --- catalog modules named by their ids ----------------------------------------------------------


def test_a_catalog_module_problem_names_the_module_by_its_id(folder: Path, capsys) -> None:
    edit(folder / "catalog.yaml", "capacity: 50000,", "capacity: -5,")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - catalog.yaml:20: products.lfp.modules[0] (lfp_50kt).capacity | must be greater than 0 (got -5); give "
        "a value in that range, in t/yr\n")


def test_a_repeated_module_id_names_the_module_by_its_id(folder: Path, capsys) -> None:
    edit(folder / "catalog.yaml", "{id: cells_10gwh,", "{id: lfp_50kt,")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - catalog.yaml:33: products.cells.modules[0] (lfp_50kt).id | module id 'lfp_50kt' is already used by "
        "product 'lfp'; module ids must be unique\n")


def test_a_module_id_that_reads_as_a_path_is_quoted_and_one_without_id_is_named_by_position(folder: Path,
                                                                                            capsys) -> None:
    edit(folder / "catalog.yaml", "{id: lfp_50kt, capacity: 50000,", "{id: lfp.50kt, capacity: -5,")
    edit(folder / "catalog.yaml", "{id: cells_10gwh, capacity: 10,", "{capacity: 10,")
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - catalog.yaml:20: products.lfp.modules[0] ('lfp.50kt').capacity | must be greater than 0 (got -5); "
        "give a value in that range, in t/yr\n"
        "  - catalog.yaml:33: products.cells.modules[0].id | required key is missing; add it: id of the module "
        "size, unique in the catalog, e.g. lfp_50kt\n")
