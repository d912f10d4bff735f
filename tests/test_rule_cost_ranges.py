"""The proven range of each rule's cost (siting/optimize/relax.py `rule_cost_range`), in the table,
rule_costs.csv, rule_costs.md and the terminal.

Every case is a hand-made pair of solve reports, so the ranges are worked out here by hand: the
base optimum lies in [LB_base, UB_base] (best bound, objective), the relaxed one in [LB_relaxed,
UB_relaxed], so the rule's cost, base optimum less relaxed optimum, lies in [LB_base - UB_relaxed,
UB_base - LB_relaxed], and never below 0, as relaxing a rule never raises the optimum."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from siting.cli import rule_costs_text
from siting.config.units import Names
from siting.deliver.tables import table_files
from siting.optimize.relax import RULE_COST_NOTE, RuleCost, outward, rule_cost_range, rule_cost_table
from siting.optimize.results import Plan
from siting.optimize.solve import SolveReport
from siting.runs.pool import CaseSummary
from siting.runs.tables import objective_range


def report(objective: float | None, bound: float | None, gap: float | None, proven: bool = True) -> SolveReport:
    """A solve that found a plan of cost `objective` (yuan, None: no plan) with best bound `bound`
    and relative gap `gap` (a share); `proven`: it reached the gap it was asked for, or else it
    stopped at its time limit (HiGHS's termination `maxTimeLimit`)."""
    return SolveReport(termination="convergenceCriteriaSatisfied" if proven else "maxTimeLimit",
                       has_solution=objective is not None, proven_optimal=proven and objective is not None,
                       infeasible=False, objective_yuan=objective, best_bound_yuan=bound, gap=gap, solve_time_s=0.0,
                       solver_version="")


def no_plan() -> Plan:
    """A plan that opens no site (the rows of this test compare no sites)."""
    return Plan(pd.DataFrame(columns=["site", "cluster", "product", "year", "module", "modules", "capacity_added",
                                      "capex_yuan"]), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(),
                pd.DataFrame(), ())


#: Base: objective 10 bn yuan, bound 9.8168 bn yuan (gap 1.832 %).
BASE = report(10_000_000_000.0, 9_816_800_000.0, 0.01832)


def hand_table() -> pd.DataFrame:
    """Four re-solves against BASE, in bn yuan:
    - differentiation: 9.6 (bound 9.288, gap 3.25 %). Cost 10 - 9.6 = 0.4; range [9.8168 - 9.6,
      10 - 9.288] = [0.2168, 0.712], above 0: proven. Two decimals outward: 0.21 to 0.72 (to the
      nearest, 0.22 to 0.71, would leave out part of what is proven).
    - agglomeration: 9.9 (bound 9.702, gap 2 %). Cost 0.1; range [9.8168 - 9.9, 10 - 9.702] =
      [-0.0832, 0.298], from 0: [0, 0.298], so the cost is not proven: 0.00 to 0.30.
    - market: 9 with no bound (stopped at the time limit). Cost 1; range [9.8168 - 9, unbounded]
      = at least 0.8168, proven above 0: at least 0.81.
    - budget: no plan: no cost, no range, no verdict."""
    costs = [RuleCost("differentiation", report(9_600_000_000.0, 9_288_000_000.0, 0.0325), no_plan()),
             RuleCost("agglomeration", report(9_900_000_000.0, 9_702_000_000.0, 0.02), no_plan()),
             RuleCost("market", report(9_000_000_000.0, None, None, proven=False), no_plan()),
             RuleCost("budget", report(None, None, None, proven=False), None)]
    return rule_cost_table(BASE, no_plan(), costs, Names())


def test_the_table_gives_each_rule_cost_its_proven_range_in_yuan() -> None:
    table = hand_table().set_index("rule")
    assert table.loc[["differentiation", "agglomeration", "market"], "rule_cost_yuan"].tolist() == [
        400_000_000.0, 100_000_000.0, 1_000_000_000.0]
    assert table.loc[["differentiation", "agglomeration", "market"], "rule_cost_low_yuan"].tolist() == [
        216_800_000.0, 0.0, 816_800_000.0]
    assert table.loc[["differentiation", "agglomeration"], "rule_cost_high_yuan"].tolist() == [712_000_000.0,
                                                                                              298_000_000.0]
    assert math.isnan(table.loc["market", "rule_cost_high_yuan"])
    assert table.loc["budget", ["rule_cost_yuan", "rule_cost_low_yuan", "rule_cost_high_yuan"]].isna().all()
    assert table["within_solver_tolerance"].tolist() == ["no", "yes", "no", ""]


def test_rule_costs_csv_gives_the_range_in_bn_yuan() -> None:
    assert table_files(hand_table(), "rule_costs")["rule_costs.csv"] == (
        "rule,status,objective_relaxed_bn_yuan,rule_cost_bn_yuan,rule_cost_low_bn_yuan,rule_cost_high_bn_yuan,"
        "gap_percent,absolute_gap_bn_yuan,within_solver_tolerance,sites_added,sites_dropped,note\n"
        "differentiation,optimal,9.6,0.4,0.2168,0.712,3.25,0.312,no,,,\n"
        "agglomeration,optimal,9.9,0.1,0,0.298,2,0.198,yes,,,\n"
        "market,feasible (not proven optimal),9,1,0.8168,,,,no,,,the relaxed solve stopped before its gap with no "
        "proven bound: its optimum may lie anywhere below its objective\n"
        "budget,no solution,,,,,,,,,,\n")


def test_rule_costs_md_gives_the_range_in_one_column_rounded_outward_and_says_what_is_proven() -> None:
    md = table_files(hand_table(), "rule_costs", RULE_COST_NOTE)["rule_costs.md"].splitlines()
    assert md[:6] == [
        "| rule | status | objective_relaxed_bn_yuan | rule_cost_bn_yuan | rule_cost_range_bn_yuan | gap_percent | "
        "absolute_gap_bn_yuan | within_solver_tolerance | sites_added | sites_dropped | note |",
        "|---|---|---:|---:|---|---:|---:|---|---|---|---|",
        "| differentiation | optimal within the gap | 9.60 | 0.40 | 0.21 to 0.72 | 3.25 | 0.32 | no: proven above 0 "
        "|  |  |  |",
        "| agglomeration | optimal within the gap | 9.90 | 0.10 | 0.00 to 0.30 | 2.00 | 0.20 | yes: not proven, may "
        "be 0 |  |  |  |",
        "| market | stopped at the time limit with a plan | 9.00 | 1.00 | at least 0.81 |  |  | no: proven above 0 "
        "|  |  | the relaxed solve stopped before its gap with no proven bound: its optimum may lie anywhere below its "
        "objective |",
        "| budget | stopped at the time limit without a plan |  |  |  |  |  |  |  |  |  |"]
    assert md[7] == RULE_COST_NOTE
    assert RULE_COST_NOTE.startswith("rule_cost_bn_yuan is the base objective less the objective with the rule "
                                     "relaxed; each solve proves its optimum only to its gap, so the rule's cost is "
                                     "proven only to lie in rule_cost_range_bn_yuan")


#: The printed table of `hand_table`, its widest case ("differentiation", "yes: not proven, may
#: be 0", 15 + 25 + 15 + 14 columns and two spaces between: 75): the verdict, the range and the cost.
PRINTED = ["rule               within solver tolerance  range (bn yuan)  cost (bn yuan)",
           "differentiation         no: proven above 0     0.21 to 0.72            0.40",
           "agglomeration    yes: not proven, may be 0     0.00 to 0.30            0.10",
           "market                  no: proven above 0    at least 0.81            1.00",
           "budget"]

#: How the two re-solves stopped at their time limit ended, under the table.
STOPPED = ["re-solves that did not end optimal within the gap:", "  market  stopped at the time limit with a plan",
           "  budget  stopped at the time limit without a plan"]


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_the_terminal_gives_the_cost_its_range_and_whether_it_is_proven(monkeypatch: pytest.MonkeyPatch,
                                                                         width: int) -> None:
    """The relaxed objectives and gaps are left to rule_costs.md, so that the verdict, the range
    and the cost come first, headed in words: 75 columns, within 80, where the verdict was left
    out at 86 under the files' names; at 60 the cost is left out (named as rule_costs.csv names
    it), the verdict kept; at 120 the note, cut, fits beside them. How the two re-solves stopped
    at their time limit ended follows the table, as a solve says it; the sites, all empty here,
    would follow that."""
    monkeypatch.setenv("COLUMNS", str(width))
    lines = rule_costs_text(hand_table(), Names()).splitlines()
    title = "cost of each rule (objective minus the objective with that rule relaxed)"
    if width == 60:
        assert lines == [
            "cost of each rule (objective minus the objective with that", "  rule relaxed)",
            *(line[:59].rstrip() for line in PRINTED),
            "(2 more columns: rule_cost_bn_yuan, note; see", "  rule_costs.csv)",
            "(the range: where the gaps of the two solves prove the cost",
            "  lies; the relaxed objectives and gaps: rule_costs.md)", *STOPPED]
    elif width == 80:
        assert lines == [title, *PRINTED, "(1 more column: note; see rule_costs.csv)",
                         "(the range: where the gaps of the two solves prove the cost lies; the relaxed",
                         "  objectives and gaps: rule_costs.md)", *STOPPED]
    elif width == 100:
        assert lines == [title, *PRINTED, "(1 more column: note; see rule_costs.csv)",
                         "(the range: where the gaps of the two solves prove the cost lies; the relaxed objectives and "
                         "gaps:", "  rule_costs.md)", *STOPPED]
    else:
        assert lines == [title, f"{PRINTED[0]}{' ' * 37}note", *PRINTED[1:3],
                         f"{PRINTED[3]}  the relaxed solve stopped before its...", PRINTED[4],
                         "(the range: where the gaps of the two solves prove the cost lies; the relaxed objectives and "
                         "gaps: rule_costs.md)", *STOPPED]
    assert max(len(line) for line in lines) <= width


def test_a_range_end_of_more_than_9_digits_is_rounded_outward() -> None:
    """Base 9,999,999,920 yuan at gap 0; the chain balance relaxed: -27 bn yuan, bound
    -27,997,123,500 (gap 3.69305 %). Cost 9,999,999,920 + 27,000,000,000 = 36,999,999,920, to 9
    digits 36,999,999,900; range [36,999,999,920, 37,997,123,420], outward to 9 digits
    [36,999,999,900, 37,997,123,500] (to the nearest the high end would be 37,997,123,400, inside
    the proven range)."""
    base = report(9_999_999_920.0, 9_999_999_920.0, 0.0)
    costs = [RuleCost("chain_balance", report(-27_000_000_000.0, -27_997_123_500.0, 0.0369305), no_plan())]
    csv = table_files(rule_cost_table(base, no_plan(), costs), "rule_costs")["rule_costs.csv"]
    assert csv.splitlines()[1] == "chain_balance,optimal,-27,36.9999999,36.9999999,37.9971235,3.69305,0.9971235,no,,,"
    assert outward(37_997_123_420.0, up=True) == 37_997_123_500.0
    assert outward(37_997_123_420.0, up=False) == 37_997_123_400.0
    assert outward(-37_997_123_420.0, up=True) == -37_997_123_400.0
    assert outward(216_800_000.00000003, up=False) == 216_800_000.0  # float noise does not move 9 digits
    assert outward(216_799_999.99999997, up=True) == 216_800_000.0


@pytest.mark.parametrize(("base", "relaxed", "expected"), [
    # the relaxed solve kept a plan dearer than the base plan (10.1 > 10): the cost is proven only in [0, 10 - 9.9]
    (BASE, report(10_100_000_000.0, 9_900_000_000.0, 0.0198), (0.0, 100_000_000.0)),
    # the same plan, both solved to gap 0: [0, 0]
    (report(1e10, 1e10, 0.0), report(1e10, 1e10, 0.0), (0.0, 0.0)),
    # a base without a bound still proves the low end 0 (the cost is never below 0): [0, 10 - 8.9]
    (report(1e10, None, None, proven=False), report(9e9, 8.9e9, 0.0111), (0.0, 1_100_000_000.0)),
    # a relaxed bound above the base objective, which only solver tolerances give: [0, 0]
    (BASE, report(1e10, 10_000_001_000.0, 0.0), (0.0, 0.0)),
    # a relaxed bound without a bound field is its objective less its gap: 9.6 - 0.0325 x 9.6 = 9.288
    (BASE, report(9_600_000_000.0, None, 0.0325), (216_800_000.0, 712_000_000.0)),
    # no relaxed plan: no range
    (BASE, report(None, 9e9, None, proven=False), None),
])
def test_rule_cost_range_by_hand(base: SolveReport, relaxed: SolveReport, expected: tuple[float, float] | None
                                 ) -> None:
    assert rule_cost_range(base, relaxed) == expected


def test_the_range_is_compare_s_range_of_the_same_two_optima_with_the_sign_of_a_cost() -> None:
    """siting compare gives relaxed less base in [LB_relaxed - UB_base, UB_relaxed - LB_base]: for
    differentiation of `hand_table`, [9.288 - 10, 9.6 - 9.8168] = [-0.712, -0.2168], the rule
    cost's range [0.2168, 0.712] with its sign turned."""
    base = CaseSummary("base", ok=True, objective_yuan=10_000_000_000.0, gap=0.01832, best_bound_yuan=9_816_800_000.0)
    relaxed = CaseSummary("relaxed", ok=True, objective_yuan=9_600_000_000.0, gap=0.0325,
                          best_bound_yuan=9_288_000_000.0)
    low, high = objective_range(base, relaxed)
    assert (-high, -low) == pytest.approx((216_800_000.0, 712_000_000.0), abs=1e-3)
    assert rule_cost_range(BASE, report(9_600_000_000.0, 9_288_000_000.0, 0.0325)) == (216_800_000.0, 712_000_000.0)
