"""The rule costs say how each re-solve ended as a solve says it (siting/config/units.py
`plain_status`: the words of report.md, of manifest.json's `solver.status_text` and of compare's
and sweep's tables for people): a re-solve stopped at its time limit with a plan is "stopped at the
time limit with a plan" in the progress line, rule_costs.md and the printed table, where the
solver's "feasible (not proven optimal)" stays in rule_costs.csv, for scripts (as `solver.status`
and comparison.csv keep it). The printed table keeps what a reader needs first, the rule, the
verdict, the proven range and the cost, within 80 columns (the verdict still at 60), and names how
the re-solves that stopped ended under it, each wrapped line under the words, not the rule.

The re-solves are made by hand, as siting/optimize/counts.py reports one: HiGHS's termination
`maxTimeLimit` (a stop at the time limit) with a plan of 9 bn yuan and bound 8.91 bn yuan (gap
1 %), or without a plan; the base solve: objective 10 bn yuan, bound 9.9 bn yuan (gap 1 %), proven
within its gap. The market's cost: 10 - 9 = 1 bn yuan, proven in [9.9 - 9, 10 - 8.91] =
[0.9, 1.09], above 0; the red line's, relaxed to 9.5 bn yuan (bound 9.405, gap 1 %): 0.5, in
[9.9 - 9.5, 10 - 9.405] = [0.4, 0.595]."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from test_rule_cost_ranges import no_plan

from siting.cli import rule_costs_text
from siting.config import progress
from siting.config.units import Names
from siting.deliver.tables import table_files
from siting.optimize import relax
from siting.optimize.relax import RuleCost, rule_cost_table
from siting.optimize.results import Plan
from siting.optimize.solve import SolveReport

STOPPED = "stopped at the time limit with a plan"
STOPPED_BARE = "stopped at the time limit without a plan"
SOLVER = "feasible (not proven optimal)"


def report(termination: str, objective: float | None, bound: float | None) -> SolveReport:
    """A solve ended by HiGHS with `termination`, with a plan of cost `objective` (yuan; None: no
    plan) and best bound `bound` (yuan); proven within its gap only where it converged."""
    gap = None if objective is None or bound is None else abs(objective - bound) / abs(objective)
    return SolveReport(termination=termination, has_solution=objective is not None,
                       proven_optimal=objective is not None and termination == "convergenceCriteriaSatisfied",
                       infeasible=False, objective_yuan=objective, best_bound_yuan=bound, gap=gap, solve_time_s=0.0,
                       solver_version="")


BASE = report("convergenceCriteriaSatisfied", 10e9, 9.9e9)
COSTS = [RuleCost("redline", report("convergenceCriteriaSatisfied", 9.5e9, 9.405e9), no_plan()),
         RuleCost("market", report("maxTimeLimit", 9e9, 8.91e9), no_plan()),
         RuleCost("budget", report("maxTimeLimit", None, None), None)]


def table() -> pd.DataFrame:
    """The rule-cost table of COSTS against BASE."""
    return rule_cost_table(BASE, no_plan(), COSTS, Names())


def test_rule_costs_md_says_a_stop_at_the_time_limit_as_a_solve_does_and_the_csv_keeps_the_solver_s_word() -> None:
    files = table_files(table(), "rule_costs")
    md = [line.split(" | ")[:2] for line in files["rule_costs.md"].splitlines()[2:5]]
    assert md == [["| redline", "optimal within the gap"], ["| market", STOPPED], ["| budget", STOPPED_BARE]]
    csv = [line.split(",")[:2] for line in files["rule_costs.csv"].splitlines()[1:]]
    assert csv == [["redline", "optimal"], ["market", SOLVER], ["budget", "no solution"]]


def test_some_rows_of_the_table_keep_their_words() -> None:
    """`Solution.write` takes some of the rows `siting.rule_costs` gave: the market's alone still
    reads as its re-solve ended."""
    market = table().loc[lambda t: t["rule"] == "market"]
    md = table_files(market, "rule_costs")["rule_costs.md"].splitlines()
    assert md[2].split(" | ")[:2] == ["| market", STOPPED]


def test_two_re_solves_with_a_plan_stopped_otherwise_each_say_how() -> None:
    """One re-solve stopped at its time limit, another at an iteration limit: both are "feasible
    (not proven optimal)" in rule_costs.csv, and each reads as it ended in rule_costs.md and under
    the printed table."""
    costs = [RuleCost("market", report("maxTimeLimit", 9e9, 8.91e9), no_plan()),
             RuleCost("budget", report("iterationLimit", 9e9, 8.91e9), no_plan())]
    ended = rule_cost_table(BASE, no_plan(), costs, Names())
    files = table_files(ended, "rule_costs")
    assert [line.split(",")[1] for line in files["rule_costs.csv"].splitlines()[1:]] == [SOLVER, SOLVER]
    assert [line.split(" | ")[1] for line in files["rule_costs.md"].splitlines()[2:4]] == [
        STOPPED, "stopped at an iteration or node limit with a plan"]
    assert rule_costs_text(ended, Names()).splitlines()[-3:] == [
        "re-solves that did not end optimal within the gap:",
        f"  market  {STOPPED}",
        "  budget  stopped at an iteration or node limit with a plan"]


#: The printed table's first lines: the rule, the verdict, the proven range and the cost.
TABLE = ["cost of each rule (objective minus the objective with that rule relaxed)",
         "rule     within solver tolerance  range (bn yuan)  cost (bn yuan)",
         "redline       no: proven above 0     0.40 to 0.60            0.50",
         "market        no: proven above 0     0.90 to 1.09            1.00",
         "budget"]

#: Under it, how the re-solves that stopped at their time limit ended.
ENDED = ["re-solves that did not end optimal within the gap:", f"  market  {STOPPED}", f"  budget  {STOPPED_BARE}"]

RANGE = ("(the range: where the gaps of the two solves prove the cost lies; the relaxed objectives and gaps: "
         "rule_costs.md)")


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_the_printed_table_gives_the_verdict_within_the_width_and_says_how_the_stopped_re_solves_ended(
        monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    """At 80 columns and more the table shows the rule, the verdict, the proven range and the cost
    (67 columns here; 75 with "differentiation", the longest rule), and names under it the two
    re-solves stopped at their time limit in a solve's words; the note, cut, fits beside them at
    120 columns only. At 60 the cost is left out, named as rule_costs.csv names it, and the
    verdict kept. No line is wider than the terminal."""
    monkeypatch.setenv("COLUMNS", str(width))
    lines = rule_costs_text(table(), Names()).splitlines()
    if width == 60:
        assert lines == [
            "cost of each rule (objective minus the objective with that", "  rule relaxed)",
            "rule     within solver tolerance  range (bn yuan)",
            "redline       no: proven above 0     0.40 to 0.60",
            "market        no: proven above 0     0.90 to 1.09",
            "budget",
            "(2 more columns: rule_cost_bn_yuan, note; see", "  rule_costs.csv)",
            "(the range: where the gaps of the two solves prove the cost", "  lies; the relaxed objectives and gaps: "
            "rule_costs.md)", *ENDED]
    elif width == 80:
        assert lines == [*TABLE, "(1 more column: note; see rule_costs.csv)",
                         "(the range: where the gaps of the two solves prove the cost lies; the relaxed",
                         "  objectives and gaps: rule_costs.md)", *ENDED]
    elif width == 100:
        assert lines == [*TABLE, "(1 more column: note; see rule_costs.csv)", RANGE[:98], f"  {RANGE[99:]}", *ENDED]
    else:
        note = "  the relaxed solve stopped before its..."
        assert lines == [f"{TABLE[0]}", f"{TABLE[1]}{' ' * 37}note", TABLE[2], f"{TABLE[3]}{note}", TABLE[4], RANGE,
                         *ENDED]
    assert max(len(line) for line in lines) <= width
    assert SOLVER not in "\n".join(lines)


def test_when_every_re_solve_stopped_at_the_time_limit_the_title_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The market's re-solve and the red line's, relaxed to 9.5 bn yuan (bound 9.405), both stopped
    at their time limit with a plan: the title says it once, as it says "every re-solve optimal
    within the gap", and no line per rule follows the table (100 columns)."""
    monkeypatch.setenv("COLUMNS", "100")
    costs = [RuleCost("redline", report("maxTimeLimit", 9.5e9, 9.405e9), no_plan()), COSTS[1]]
    lines = rule_costs_text(rule_cost_table(BASE, no_plan(), costs, Names()), Names()).splitlines()
    assert lines == ["cost of each rule (objective minus the objective with that rule relaxed); every re-solve "
                     "stopped at", "  the time limit with a plan", *TABLE[1:4], "(1 more column: note; see "
                     "rule_costs.csv)", RANGE[:98], f"  {RANGE[99:]}"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_progress_line_says_it_as_a_solve_does(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """The re-solves here (`workers` 1) and in worker processes (2; the pool replaced by one that
    hands each result straight back, as `run_handed_over` does when a re-solve ends)."""
    ended = {cost.family: cost for cost in COSTS}
    monkeypatch.setattr(relax, "relaxed_solve", lambda inputs, settings, name, base: ended[name])

    def handed_over(keys: list[str], _workers: int, _submit: Any, begin: Any, done: Any, _beat: Any,
                    _beat_s: float) -> list[str]:
        for key in keys:
            begin(key)
            done(key, ended[key])
        return []

    monkeypatch.setattr(relax, "run_handed_over", handed_over)
    stream = io.StringIO()
    inputs = SimpleNamespace(enabled_families={"redline", "market", "budget"})
    with progress.reporting(progress.Reporter(stream)):
        costs = relax.rule_costs(inputs, SimpleNamespace(threads=1), None, None, workers=workers, base={})
    assert [cost.family for cost in costs] == ["redline", "budget", "market"]
    said = [line.split(" done (")[1].split("), ")[0] for line in stream.getvalue().splitlines() if " done (" in line]
    assert said == ["redline: optimal within the gap", f"budget: {STOPPED_BARE}", f"market: {STOPPED}"]


def plan(sites: tuple[str, ...]) -> Plan:
    """A plan building on `sites` (ids), with nothing else in it."""
    return Plan(pd.DataFrame(columns=["site", "cluster", "product", "year", "module", "modules", "capacity_added",
                                      "capex_yuan"]), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(),
                pd.DataFrame(), sites)


#: The shipped case's names of the sites `sited` builds on.
SITE_NAMES = Names(sites={"tonghai": "Tonghai county", "yimen": "Yimen county", "etdz": "Qujing ETDZ",
                          "jiangchuan": "Jiangchuan district", "huaning": "Huaning county",
                          "zhanyi": "Zhanyi industrial park (green hydro-aluminium park)",
                          "malong": "Malong district"})


def sited() -> pd.DataFrame:
    """The base plan builds on Tonghai, Yimen and Qujing ETDZ. The red line relaxed (as in COSTS)
    swaps Tonghai for Jiangchuan; differentiation relaxed, stopped at an iteration limit with a
    plan of 9 bn yuan (as the market's in COSTS), adds Huaning, Zhanyi and Malong and drops
    Tonghai and Qujing ETDZ; the budget's re-solve has no plan."""
    costs = [RuleCost("redline", COSTS[0].report, plan(("jiangchuan", "yimen", "etdz"))),
             RuleCost("differentiation", report("iterationLimit", 9e9, 8.91e9),
                      plan(("yimen", "huaning", "zhanyi", "malong"))),
             COSTS[2]]
    return rule_cost_table(BASE, plan(("tonghai", "yimen", "etdz")), costs, SITE_NAMES)


@pytest.mark.parametrize("width", [60, 80, 100])
def test_wrapped_lines_under_the_table_hang_under_their_words_not_under_the_rules(
        monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    """How a re-solve ended and the sites a relaxed plan ended on go on, where they wrap, under
    the text after the rule's name (19 columns in, after "  differentiation  "), so that no
    wrapped site name ("Tonghai county") stands where a rule's would; "dropped:" stays with the
    first site it names. The table keeps the verdict at each width (at 60 the cost is left out)."""
    monkeypatch.setenv("COLUMNS", str(width))
    lines = rule_costs_text(sited(), SITE_NAMES).splitlines()
    first_row = lines[lines.index("rule             within solver tolerance  range (bn yuan)"
                              + ("  cost (bn yuan)" if width > 60 else "")) + 1]
    assert first_row.startswith("redline               no: proven above 0     0.40 to 0.60")
    under = lines[lines.index("re-solves that did not end optimal within the gap:"):]
    under = under[:next(i for i, line in enumerate(under) if line.startswith("note: "))]
    hang = " " * 19
    if width == 60:
        assert under == [
            "re-solves that did not end optimal within the gap:",
            "  differentiation  stopped at an iteration or node limit",
            f"{hang}with a plan",
            "  budget           stopped at the time limit without a plan",
            "sites of the plan each relaxed solve ended on:",
            "  redline          added: Jiangchuan district",
            f"{hang}dropped: Tonghai county",
            "  differentiation  added: Huaning county; Zhanyi industrial",
            f"{hang}park (green hydro-aluminium park); Malong",
            f"{hang}district  dropped: Tonghai county; Qujing",
            f"{hang}ETDZ"]
    elif width == 80:
        assert under == [
            "re-solves that did not end optimal within the gap:",
            "  differentiation  stopped at an iteration or node limit with a plan",
            "  budget           stopped at the time limit without a plan",
            "sites of the plan each relaxed solve ended on:",
            "  redline          added: Jiangchuan district  dropped: Tonghai county",
            "  differentiation  added: Huaning county; Zhanyi industrial park (green",
            f"{hang}hydro-aluminium park); Malong district  dropped: Tonghai",
            f"{hang}county; Qujing ETDZ"]
    else:
        assert under == [
            "re-solves that did not end optimal within the gap:",
            "  differentiation  stopped at an iteration or node limit with a plan",
            "  budget           stopped at the time limit without a plan",
            "sites of the plan each relaxed solve ended on:",
            "  redline          added: Jiangchuan district  dropped: Tonghai county",
            "  differentiation  added: Huaning county; Zhanyi industrial park (green hydro-aluminium park);",
            f"{hang}Malong district  dropped: Tonghai county; Qujing ETDZ"]
    assert max(len(line) for line in lines) <= width
