"""Every text for people that presents a proven figure gives it so that it claims no more than
was proven, as the terminal and report.md do (siting/config/units.py `bound_bn`, `gap_text`): a
best bound (of a minimised cost) rounded down, a gap (in percent or in bn yuan) rounded up, at
the digits shown. A gap of 1.00001 % reads 1.01 %, not 1.00 %; an absolute gap of 1.9600196 bn
yuan reads 1.97, not 1.96; a bound of -196.264448 bn yuan to four decimals reads -196.2645."""

from __future__ import annotations

import pandas as pd

from siting.deliver.drivers import _unproven_extra
from siting.deliver.explore import cheaper_text, excess_text, near_optimal_line, plan_theme_names
from siting.deliver.mapinfo import MapTitle
from siting.deliver.report import near_ties_blocks
from siting.deliver.tables import markdown_table
from siting.optimize.tolerance import gap_not_reached_text, near_zero_note
from siting.runs.calibrate import SolveStanding, solve_line
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    bound_note,
    comparison_display,
    comparison_table,
    moved_note,
    near_zero_runs_note,
    unproven_runs_note,
)

GAP = 0.0100001  # 1.00001 %: "1.00%" to the nearest, less than was proven
OBJECTIVE = -196e9  # so the absolute gap is 1.9600196 bn yuan: "1.96" to the nearest
BOUND = -196_264_448_000.0


def test_the_solve_texts_give_the_gap_up() -> None:
    text = gap_not_reached_text("feasible", GAP, OBJECTIVE)
    assert "at 1.01%" in text and "up to 1.97 bn yuan lower" in text
    costs = {"capex": 400e9, "sales": -399e9}
    note = near_zero_note(0.5e9, 0.0300001, costs)  # absolute gap 0.01500005 bn yuan, 0.00375 % of gross
    assert "The relative gap, 3.01%," in note and "Read the absolute gap instead: 0.02 bn yuan, 0.01%" in note


def test_the_alternatives_texts_give_the_gap_up() -> None:
    table = pd.DataFrame({"plan": ["optimum", "alt01"], "over_optimum": [0.0, -0.001]})
    assert "within its gap of 1.01% (1.97 bn yuan)" in cheaper_text(table, GAP, OBJECTIVE)
    assert "proven gap of 1.01%" in excess_text({"over_optimum": 0.005}, GAP)
    record = {"plans": [{"plan": "optimum", "cost_yuan": OBJECTIVE},
                        {"plan": "alt01", "cost_yuan": OBJECTIVE * 0.995, "over_optimum": 0.005}],
              "slack": 0.005, "optimum_gap": GAP}
    assert plan_theme_names(record)["optimum"].endswith("proven within 1.01%")
    assert "the optimum is proven within 1.01%" in near_optimal_line(record)


def test_a_runs_repr_and_the_sweep_notes_give_the_gap_up_and_the_bound_down() -> None:
    unproven = CaseSummary("a", True, status="feasible", objective_yuan=OBJECTIVE, gap=GAP)
    assert "gap 1.01%" in repr(unproven)
    assert "a (gap 1.01%)" in unproven_runs_note([unproven])
    loose = CaseSummary("loose", True, status="optimal", objective_yuan=OBJECTIVE, gap=0.001,
                        best_bound_yuan=BOUND, admits={"strict": "the red line"})
    strict = CaseSummary("strict", True, status="optimal", objective_yuan=OBJECTIVE, gap=GAP,
                         best_bound_yuan=BOUND, bound_from="loose", own_gap=0.0200001)
    note = bound_note([loose, strict])
    assert "-196.2645 bn yuan" in note and "a gap of 1.01%" in note and "proved 2.01%" in note
    moved = CaseSummary("b", True, status="optimal", objective_yuan=OBJECTIVE, gap=GAP, started_from="a",
                        own_objective_yuan=OBJECTIVE, searches={"plan_from": "a"})
    assert "shows it within 1.01%" in moved_note([moved])
    zero = CaseSummary("z", True, status="optimal", objective_yuan=0.5e9, gap=0.0300001,
                       costs={"capex": 400e9, "sales": -399e9})
    assert "gap 3.01%, absolute gap 0.02 bn yuan" in near_zero_runs_note([zero])


def test_the_absolute_gap_reads_up_in_the_other_texts() -> None:
    assert "costing up to 1.97 bn yuan less" in solve_line(SolveStanding("optimal", 1.9600196e9), "choose")
    manifest = {"solver": {"termination": "optimal", "objective_yuan": OBJECTIVE, "gap": GAP}}
    assert "up to 1.97 bn yuan less" in near_ties_blocks(manifest)[0].content
    assert "proven gap of 1.97 bn yuan" in _unproven_extra(1e9, 1.9600196e9)
    title = MapTitle("s", "optimal within the gap", GAP, OBJECTIVE, [2022, 2024])
    assert title.gap_text() == "absolute gap 1.97 bn yuan (objective less best bound)"


def test_the_tables_give_a_proven_gap_up() -> None:
    sweep = pd.DataFrame({"run": ["a"], "objective_yuan": [OBJECTIVE], "gap": [GAP],
                          "gap_yuan": [1.9600196e9]})
    text = markdown_table(sweep)
    assert "| 1.01 | 1.97 |" in text, text
    assert "-196.00" in text  # a point figure stays rounded to the nearest
    base = CaseSummary("a", True, status="optimal", objective_yuan=OBJECTIVE, gap=GAP)
    other = CaseSummary("b", True, status="optimal", objective_yuan=-190e9, gap=0.02)
    rows = markdown_table(comparison_display(comparison_table([base, other]), [base, other])).splitlines()
    gap = next(row for row in rows if row.startswith("| gap |"))
    absolute = next(row for row in rows if row.startswith("| absolute gap |"))
    assert gap == "| gap | % | 1.01 | 2.00 | 1.00 pp |", gap  # the difference of two gaps: to the nearest
    assert absolute == "| absolute gap | bn yuan | 1.97 | 3.80 | 1.84 |", absolute
