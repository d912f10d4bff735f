"""sweep.csv gives each run's proven range of its optimum less the first run's as numbers, as
comparison.csv does in its rows `objective difference: proven low` / `... high`: the columns
`vs_first_low_bn_yuan` and `vs_first_high_bn_yuan` right after `vs_first`, empty for the first run,
a run without a plan and a run whose objective weighs the years otherwise; sweep.md gives the range
in one column, `vs_first: proven range (bn yuan)`, rounded outward, as comparison.md does.
Hand-made runs with the figures of docs/COMPARING.md's comparison (objective UB, best bound LB, yuan):
    a  UB 10,059,141,700  LB 9,856,967,210
    b  UB 10,011,454,600  LB 9,869,019,550   range [-190,122,150, 154,487,390]: within tolerance
    c  UB  9,581,725,540  LB 9,390,369,490   range [-668,772,210, -275,241,670]: proven
"""
from __future__ import annotations

import io

import pandas as pd

from siting.deliver.tables import csv_text, table_files
from siting.runs.pool import CaseSummary
from siting.runs.tables import sweep_display, sweep_table, sweep_text


def run(label: str, objective_yuan: float, bound_yuan: float, **fields) -> CaseSummary:
    gap = (objective_yuan - bound_yuan) / abs(objective_yuan)
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_yuan,
                       best_bound_yuan=bound_yuan, gap=gap, final_year=2024, **fields)


def runs() -> list[CaseSummary]:
    return [run("run01 k=0", 10_059_141_700.0, 9_856_967_210.0),
            run("run02 k=1", 10_011_454_600.0, 9_869_019_550.0),
            run("run03 k=2", 9_581_725_540.0, 9_390_369_490.0),
            CaseSummary("run04 k=3", False, status="infeasible", error="infeasible")]


def test_sweep_csv_gives_the_proven_range_of_each_run_against_the_first() -> None:
    table = sweep_table(runs(), [{"k": n} for n in range(4)])
    written = pd.read_csv(io.StringIO(csv_text(table)), keep_default_na=False)
    columns = list(written.columns)
    at = columns.index("vs_first")
    assert columns[at + 1:at + 3] == ["vs_first_low_bn_yuan", "vs_first_high_bn_yuan"]
    assert written["vs_first_low_bn_yuan"].tolist() == ["", "-0.19012215", "-0.66877221", ""]
    assert written["vs_first_high_bn_yuan"].tolist() == ["", "0.15448739", "-0.27524167", ""]
    assert written["vs_first"].tolist() == ["", "within solver tolerance", "proven", ""]


def test_sweep_md_gives_the_range_in_one_column_rounded_outward() -> None:
    table = sweep_table(runs(), [{"k": n} for n in range(4)])
    markdown = table_files(sweep_display(table), "sweep")["sweep.md"]
    header = markdown.splitlines()[0]
    assert "| vs_first: proven range (bn yuan) |" in header and "vs_first_low" not in header
    assert "| -0.20 to 0.16 |" in markdown and "| -0.67 to -0.27 |" in markdown


def test_the_terminal_gives_the_range_in_the_note_not_in_columns() -> None:
    summaries = runs()
    table = sweep_table(summaries, [{"k": n} for n in range(4)])
    text = sweep_text(table, "sweep.csv", summaries, 200)
    assert "vs_first_low" not in text and "vs_first_range" not in text
    assert "run02 k=1 -0.20 to 0.16; run03 k=2 -0.67 to -0.27." in " ".join(text.split())
