"""Proven figures in the machine-readable outputs are rounded outward at the 9 significant digits
written: the low end of a proven range down, its high end up, a proven lower bound down and a
proven gap up, so that no file claims more than the solves proved.

Hand values whose nearest rounding crosses: 1.0000000004999 bn yuan is 1.00000000 to the nearest
9 digits, below it, so a high end of it is written 1.00000001; 0.5000000005001 bn yuan is
0.500000001 to the nearest, above it, so a low end of it is written 0.500000000."""

from __future__ import annotations

import io

import pandas as pd

from siting.deliver.manifest import _clean_record, _maybe
from siting.deliver.tables import csv_text
from siting.optimize.relax import rule_cost_range
from siting.optimize.results import clean, outward
from siting.optimize.solve import SolveReport
from siting.runs.pool import CaseSummary
from siting.runs.tables import RANGE_HIGH_ROW, RANGE_LOW_ROW, comparison_csv, comparison_table, sweep_table


def test_outward_where_the_nearest_rounding_crosses() -> None:
    assert clean(1.0000000004999e9) == 1e9  # to the nearest: below the value
    assert outward(1.0000000004999e9, up=True) == 1.00000001e9
    assert clean(0.5000000005001e9) == 0.500000001e9  # to the nearest: above the value
    assert outward(0.5000000005001e9, up=False) == 0.5e9


def run(label: str, objective_yuan: float, bound_yuan: float) -> CaseSummary:
    gap = (objective_yuan - bound_yuan) / abs(objective_yuan)
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_yuan,
                       best_bound_yuan=bound_yuan, gap=gap, final_year=2024, units={}, capacity={})


def runs() -> list[CaseSummary]:
    """The other run's optimum less the base's lies in [LB_o - UB_b, UB_o - LB_b] =
    [10.5000000005001 - 10, 11.0000000004999 - 9] = [0.5000000005001, 2.0000000004999] bn yuan."""
    return [run("base", 10e9, 9e9), run("other", 11_000_000_000.4999, 10_500_000_000.5001)]


def test_comparison_csv_writes_the_proven_range_outward() -> None:
    frame = pd.read_csv(io.StringIO(comparison_csv(comparison_table(runs()))), dtype=str).set_index("metric")
    column = "other vs base"
    assert frame.loc[RANGE_LOW_ROW, column] == "0.5"  # 0.500000000, not 0.500000001
    assert frame.loc[RANGE_HIGH_ROW, column] == "2.00000001"  # not 2.00000000


def test_sweep_csv_writes_the_proven_range_outward() -> None:
    frame = pd.read_csv(io.StringIO(csv_text(sweep_table(runs(), [{"k": 0}, {"k": 1}]))), dtype=str)
    other = frame.set_index("run").loc["other"]
    assert other["vs_first_low_bn_yuan"] == "0.5"
    assert other["vs_first_high_bn_yuan"] == "2.00000001"


def test_comparison_gaps_are_written_up() -> None:
    """A run of UB 10 and LB 9.0000000005001 bn yuan has proven its gap to 0.9999999994999 bn yuan,
    9.999999994999 %: 0.999999999 and 9.99999999 to the nearest 9 digits, below what was proven;
    written up, 1 and 10."""
    both = [run("base", 10e9, 9_000_000_000.5001), runs()[1]]
    frame = pd.read_csv(io.StringIO(comparison_csv(comparison_table(both))), dtype=str).set_index("metric")
    assert (frame.loc["gap", "base"], frame.loc["absolute gap", "base"]) == ("10", "1")


def report(objective: float, bound: float) -> SolveReport:
    return SolveReport(termination="convergenceCriteriaSatisfied", has_solution=True, proven_optimal=True,
                       infeasible=False, objective_yuan=objective, best_bound_yuan=bound,
                       gap=(objective - bound) / abs(objective), solve_time_s=0.0, solver_version="")


def test_a_rule_costs_range_holds_the_proven_one() -> None:
    """Base UB 10, LB 9.5; relaxed UB 9.0000000004999, LB 8.0000000005 (bn yuan): the cost lies in
    [9.5 - 9.0000000004999, 10 - 8.0000000005] = [0.4999999995001, 1.9999999995], which the range
    written must hold, although the figures to the nearest 9 digits (9.00000000, 8.00000001) give
    [0.5, 1.99999999]."""
    low, high = rule_cost_range(report(10e9, 9.5e9), report(9_000_000_000.4999, 8_000_000_000.5))
    assert low <= 9.5e9 - 9_000_000_000.4999
    assert high >= 10e9 - 8_000_000_000.5
    assert (low, high) == (0.499999999e9, 2e9)


def test_the_manifest_rounds_a_bound_down_and_a_gap_up() -> None:
    assert _maybe(-196_264_448_049.9, up=False) == -196_264_449_000.0  # nearest: -196,264,448,000
    assert _maybe(1.0000000004999e-3, up=True) == 1.00000001e-3
    assert _maybe(None, up=True) is None
    record = _clean_record({"lower_bound_yuan": 1_000_000_005.1, "upper_bound_yuan": 1_000_000_005.1,
                            "merged_model": {"proof_search": {"bound_yuan": 1_000_000_005.1}}})
    assert record == {"lower_bound_yuan": 1e9, "upper_bound_yuan": 1.00000001e9,
                      "merged_model": {"proof_search": {"bound_yuan": 1e9}}}
