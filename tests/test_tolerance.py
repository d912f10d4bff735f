"""Differences inside the proven gaps are marked "within solver tolerance"; outside, not.

Two runs with objectives 100 and 103 yuan: with gaps of 1 % their optimum intervals are
[99, 100] and [101.97, 103], which do not overlap (3 yuan apart, proven). With a gap of 5 % on
the second its interval is [97.85, 103], which overlaps [99, 100]: the 3 yuan are within tolerance.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from siting.deliver.tables import table_files
from siting.optimize.relax import RuleCost, rule_cost_table
from siting.optimize.results import Plan
from siting.optimize.solve import SolveReport
from siting.optimize.tolerance import (
    TOLERANCE_NOTE,
    WITHIN,
    gap_not_reached_text,
    optimum_interval,
    tolerance_text,
    within_tolerance,
)
from siting.runs.pool import CaseSummary
from siting.runs.tables import comparison_table, sweep_table


def test_interval_from_objective_and_gap() -> None:
    assert optimum_interval(100.0, 0.01) == (99.0, 100.0)
    assert optimum_interval(100.0, None) == (-math.inf, 100.0)
    assert optimum_interval(None, 0.01) is None


def test_a_difference_outside_the_gaps_is_not_marked() -> None:
    assert within_tolerance(100.0, 0.01, 103.0, 0.01) is False
    assert tolerance_text(100.0, 0.01, 103.0, 0.01) == ""


def test_a_difference_inside_the_gaps_is_marked() -> None:
    assert within_tolerance(100.0, 0.01, 103.0, 0.05) is True
    assert tolerance_text(100.0, 0.01, 103.0, 0.05) == WITHIN == "within solver tolerance"


@pytest.mark.parametrize(("base", "other"), [((100.0, 0.0), (100.0, 0.0)), ((100.0, 0.0), (99.5, 0.01))])
def test_proven_optima_compare_exactly(base: tuple[float, float], other: tuple[float, float]) -> None:
    """Two proven optima of 100 are equal (within); a proven 100 against [98.505, 99.5] is
    proven different, though by less than 1 %."""
    expected = base == other
    assert within_tolerance(*base, *other) is expected


def test_a_run_without_objective_gives_no_verdict() -> None:
    assert within_tolerance(None, None, 100.0, 0.0) is None
    assert tolerance_text(None, None, 100.0, 0.0) == ""


def test_a_run_that_did_not_reach_its_gap_says_so() -> None:
    assert gap_not_reached_text("optimal", 0.01, 7e10) == ""
    assert gap_not_reached_text("feasible (not proven optimal)", 0.1, 7e10) == (
        "the solve stopped before its gap at 10.00%: its optimum may be up to 7.00 bn yuan lower")
    assert gap_not_reached_text("feasible (not proven optimal)", None, 7e10) == (
        "the solve stopped before its gap with no proven bound: its optimum may lie anywhere below its objective")


# -- the tables: compare, sweeps and rule costs ---------------------------------------------------


def summary(label: str, objective: float, gap: float) -> CaseSummary:
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective, gap=gap)


def test_comparison_marks_a_difference_inside_the_gaps() -> None:
    """base 100 (1 %), near 103 (5 %): within tolerance; far 103 (1 %): proven."""
    table = comparison_table([summary("base", 100.0, 0.01), summary("near", 103.0, 0.05),
                              summary("far", 103.0, 0.01)]).set_index("metric")
    assert table.loc["objective difference"].tolist() == ["", "", "", WITHIN, "", "proven"]
    assert table.loc["objective", "near vs base"] == 3.0
    assert list(table.index[:3]) == ["status", "objective", "objective difference"]


def test_sweep_marks_each_run_against_the_first() -> None:
    runs = [summary("run01", 100.0, 0.01), summary("run02", 103.0, 0.05), summary("run03", 103.0, 0.01)]
    table = sweep_table(runs, [{"k": 0}, {"k": 1}, {"k": 2}])
    assert table["vs_first"].tolist() == ["", WITHIN, "proven"]


def report(objective: float, gap: float, proven: bool = True) -> SolveReport:
    return SolveReport(termination="x", has_solution=True, proven_optimal=proven, infeasible=False,
                       objective_yuan=objective, best_bound_yuan=objective * (1 - gap), gap=gap, solve_time_s=0.0,
                       solver_version="")


def test_rule_costs_inside_the_gap_are_marked_and_an_unfinished_solve_says_so() -> None:
    """Base 7e10 at 1 % (optimum in [6.93e10, 7e10]). Relaxed 6.97e10 at 1 % ([6.9003e10,
    6.97e10]): overlaps, so the 0.3 bn cost is within tolerance. Relaxed 6.5e10 at 1 %: proven.
    Relaxed 6.97e10 stopped at a 10 % gap: also within, and the note says so."""
    plan = Plan(pd.DataFrame(columns=["site", "cluster", "product", "year", "module", "modules", "capacity_added",
                                      "capex_yuan"]), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(),
                pd.DataFrame(), ())
    costs = [RuleCost("redline", report(6.97e10, 0.01), plan), RuleCost("budget", report(6.5e10, 0.01), plan),
             RuleCost("proximity", report(6.97e10, 0.10, proven=False), plan)]
    table = rule_cost_table(report(7e10, 0.01), plan, costs)
    assert table["within_solver_tolerance"].tolist() == ["yes", "no", "yes"]
    assert table["rule_cost_yuan"].tolist() == pytest.approx([3e8, 5e9, 3e8])
    assert table["note"].tolist() == [
        "", "", "the relaxed solve stopped before its gap at 10.00%: its optimum may be up to 6.97 bn yuan lower"]


def test_the_markdown_tables_carry_the_note() -> None:
    files = table_files(pd.DataFrame({"a": [1]}), "rule_costs", TOLERANCE_NOTE)
    assert files["rule_costs.md"].endswith("\n" + TOLERANCE_NOTE + "\n")
    assert TOLERANCE_NOTE.startswith('Differences marked "within solver tolerance" are smaller than the proven gaps')
