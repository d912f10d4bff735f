"""What the rule costs say beside their figures (siting/optimize/relax.py `rule_cost_table`): that
the sites a relaxed plan adds and drops are those of one plan among several of nearly the same
cost; each relaxed solve's absolute gap, with the near-zero note where its net objective is near
zero; and, in report.md, where the rules are priced once the run priced them.

The reports and plans are made by hand: the base solve 10 bn yuan (bound 9.8, gap 2 %) builds on
s1 (Mine park). With differentiation relaxed the plan builds on s2 (Lake park) instead, at a net
objective of 0.2 bn yuan, bound -0.3 (gap 0.5 / 0.2 = 250 %), of a gross cost of 100 bn yuan: the
objective is 0.2 % of it, under the 1 % at which the outputs call it near zero. With the budget
relaxed the plan builds on s1 alone at 9 bn yuan (bound 8.82, gap 2 %: 0.18 bn yuan), of a gross
cost of 20 bn yuan: not near zero."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from test_report_shortfall import SHORT

from siting.cli import rule_costs_text
from siting.config.units import Names
from siting.deliver.report import markdown, shortfall_blocks
from siting.deliver.tables import table_files
from siting.optimize.relax import RULE_COST_NOTE, RuleCost, rule_cost_table
from siting.optimize.results import Plan
from siting.optimize.run import solve_prepared, solver_settings
from siting.optimize.solve import SolveReport
from siting.prepare.problem import prepare
from tests.conftest import MadeRun, edit

NAMES = Names(sites={"s1": "Mine park", "s2": "Lake park"})


def report(objective: float, bound: float, gap: float) -> SolveReport:
    """A solve proven within its gap, with a plan of cost `objective`, best bound `bound` (yuan)."""
    return SolveReport(termination="convergenceCriteriaSatisfied", has_solution=True, proven_optimal=True,
                       infeasible=False, objective_yuan=objective, best_bound_yuan=bound, gap=gap, solve_time_s=0.0,
                       solver_version="")


def plan(sites: tuple[str, ...], costs: dict[str, float] | None = None) -> Plan:
    """A plan building on `sites`, with the cost components `costs` (yuan)."""
    return Plan(pd.DataFrame(columns=["site", "cluster", "product", "year", "module", "modules", "capacity_added",
                                      "capex_yuan"]), pd.DataFrame(), pd.DataFrame(), costs or {}, pd.DataFrame(),
                pd.DataFrame(), sites)


def hand_table() -> pd.DataFrame:
    near_zero = plan(("s2",), {"capex": 100e9, "revenue": -99.8e9})
    costs = [RuleCost("differentiation", report(0.2e9, -0.3e9, 2.5), near_zero),
             RuleCost("budget", report(9e9, 8.82e9, 0.02), plan(("s1",), {"capex": 20e9, "revenue": -11e9}))]
    return rule_cost_table(report(10e9, 9.8e9, 0.02), plan(("s1",)), costs, NAMES)


# --- 1. the sites are those of one plan among several -----------------------------------------

def test_rule_costs_md_says_the_sites_are_one_plan_among_several_of_nearly_the_same_cost() -> None:
    md = table_files(hand_table(), "rule_costs", RULE_COST_NOTE)["rule_costs.md"]
    assert ("sites_added and sites_dropped are those of the one plan the relaxed solve ended on: other plans "
            "within that solve's gap (absolute_gap_bn_yuan) may cost nearly the same and build elsewhere") in md
    assert "Read them as an example of what the rule holds back, not as its proven effect." in md


def test_the_table_s_docstring_says_the_sites_are_one_plan_among_several() -> None:
    doc = " ".join((rule_cost_table.__doc__ or "").split())
    assert "those of the one plan the relaxed solve ended on, one of several of nearly the same cost" in doc


def test_the_terminal_names_the_sites_of_each_relaxed_plan_and_says_they_are_one_plan_among_several() -> None:
    """The sites follow the table, one line per rule that changes any (the budget's changes
    none), by their names; the note under them says what they are."""
    lines = rule_costs_text(hand_table(), NAMES).splitlines()
    assert lines[4:9] == [
        "(the range: where the gaps of the two solves prove the cost lies; the relaxed objectives and gaps: "
        "rule_costs.md)",
        "sites of the plan each relaxed solve ended on:",
        "  differentiation  added: Lake park  dropped: Mine park",
        "note: each is one plan among several of nearly the same cost: plans within the relaxed solve's gap may "
        "build elsewhere,",
        "  so another solve of the same relaxation (a compare run) may add or drop other sites; read them as an "
        "example, not as"]


# --- 2. the absolute gap, and the near-zero note -------------------------------------------------

def test_rule_costs_csv_and_md_give_each_relaxed_solve_s_absolute_gap_and_the_near_zero_note() -> None:
    """Differentiation: 250 % of 0.2 bn yuan, 0.5 bn yuan, 0.5 % of the gross cost of 100; the
    budget: 2 % of 9, 0.18 bn yuan, and no note (9 is 45 % of its gross cost of 20)."""
    files = table_files(hand_table(), "rule_costs", RULE_COST_NOTE)
    near_zero = ("the relaxed solve's relative gap, 250.00%, is measured against the net objective, 0.20 bn yuan, "
                 "which is near zero: 0.20% of the gross cost of 100.00 bn yuan (under 1%), sales revenue nearly "
                 "paying it back. Read the absolute gap instead: 0.50 bn yuan, 0.50% of the gross cost.")
    csv = files["rule_costs.csv"].splitlines()
    assert csv[0] == ("rule,status,objective_relaxed_bn_yuan,rule_cost_bn_yuan,rule_cost_low_bn_yuan,"
                      "rule_cost_high_bn_yuan,gap_percent,absolute_gap_bn_yuan,within_solver_tolerance,sites_added,"
                      "sites_dropped,note")
    assert csv[1] == f'differentiation,optimal,0.2,9.8,9.6,10.3,250,0.5,no,s2,s1,"{near_zero}"'
    assert csv[2] == "budget,optimal,9,1,0.8,1.18,2,0.18,no,,,"
    md = files["rule_costs.md"].splitlines()
    assert md[0].startswith("| rule | status | objective_relaxed_bn_yuan | rule_cost_bn_yuan | "
                            "rule_cost_range_bn_yuan | gap_percent | absolute_gap_bn_yuan |")
    assert md[2] == ("| differentiation | optimal within the gap | 0.20 | 9.80 | 9.60 to 10.30 | 250.00 | 0.50 | "
                     f"no: proven above 0 | Lake park | Mine park | {near_zero} |")
    assert md[3] == ("| budget | optimal within the gap | 9.00 | 1.00 | 0.80 to 1.18 | 2.00 | 0.18 | no: proven above "
                     "0 |  |  |  |")
    assert "absolute_gap_bn_yuan is the relaxed solve's proven gap in bn yuan" in md[5]


def test_the_terminal_points_a_near_zero_relaxed_solve_to_its_absolute_gap() -> None:
    lines = rule_costs_text(hand_table(), NAMES).splitlines()
    assert lines[-2:] == [
        "note: the relative gap of the re-solve relaxing differentiation is measured against a net objective near "
        "zero and reads",
        "  far larger than the plan's distance from the optimum: read absolute_gap_bn_yuan in rule_costs.md instead"]
    assert all(len(line) <= 120 for line in lines)


def test_the_terminal_names_every_near_zero_relaxed_solve_in_one_note() -> None:
    """The budget's row given the differentiation's note too: one note names both."""
    table = hand_table()
    table.loc[1, "note"] = table.loc[0, "note"]
    assert rule_costs_text(table, NAMES).splitlines()[-2:] == [
        "note: the relative gaps of the re-solves relaxing differentiation and budget are measured against net "
        "objectives near",
        "  zero and read far larger than the plans' distance from the optimum: read absolute_gap_bn_yuan in "
        "rule_costs.md instead"]


# --- 3. report.md once the rules are priced ------------------------------------------------------

def test_a_run_with_rule_costs_points_report_md_to_rule_costs_md(small_rule_costs_run: MadeRun) -> None:
    """The small scenario (tests/data/small) solved with `--rule-costs` (conftest's
    `small_rule_costs_run`): report.md no longer advises `solve --rule-costs`, it points to
    rule_costs.md, which holds the caveat and the absolute gaps; the terminal carries its note."""
    run = small_rule_costs_run
    text = (run.out / "report.md").read_text(encoding="utf-8")
    assert "`solve --rule-costs`" not in text
    assert "What each rule costs, the plan re-solved with that rule relaxed, is in [rule_costs.md](rule_costs.md) " \
           "(rule_costs.csv)." in text
    assert "; What" not in text
    md = (run.out / "rule_costs.md").read_text(encoding="utf-8")
    assert "| absolute_gap_bn_yuan |" in md.splitlines()[0]
    assert "those of the one plan the relaxed solve ended on" in md


def test_why_targets_fall_short_points_to_rule_costs_md_once_the_rules_are_priced(folder: Path) -> None:
    """tests/test_report_shortfall.py's scenario short of its targets: its paragraph on the
    penalties ends on where the rules are priced, rule_costs.md once the run priced them."""
    catalog = folder / "catalog.yaml"
    for product in ("Iron phosphate", "LFP cathode"):
        edit(catalog, f"    name: {product}\n", f"    name: {product}\n    lead_time_yr: 1\n")
    (folder / "short.yaml").write_text(SHORT, encoding="utf-8")
    prepared = prepare(folder / "short.yaml", {})
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    priced, not_priced = (markdown(shortfall_blocks(prepared.loaded, prepared.inputs, solved.plan, {}, rule_costs=done))
                          for done in (True, False))
    assert "\"What drives this plan\"; what each rule costs, the plan re-solved with that rule relaxed, is in " \
           "[rule_costs.md](rule_costs.md) (rule_costs.csv)." in priced
    assert "`solve --rule-costs`" not in priced
    assert "\"What drives this plan\"; `solve --rule-costs` prices each rule by solving again without it " \
           "(rule_costs.csv)." in not_priced
