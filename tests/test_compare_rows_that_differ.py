"""The comparison a planner reads (the terminal, comparison.md) gives the rows that differ: a row
where every run's figure, as the table writes it, is the baseline's is left out, a line under the
table saying how many and that comparison.csv, which keeps every row, has them all.

`siting compare scenarios/yunnan_2024.yaml scenarios/yunnan_2024_strict_redline.yaml
--time-limit 3` printed some 40 capacity rows of 0 and 10 cost rows of 0.00 among its 70
differences; the runs here are that comparison cut down: the strict red line moves 200,000 t/yr
of LFP from Qujing to Yuxi and leaves the rest as it was. Never left out, whatever the figures: the
status, objective and gaps, whether the gaps tell the objectives apart and the proven range of
their difference, the sites a run adds or drops (with "sites built on" above them), and a figure in
the objective's money of a run weighted otherwise ("not comparable", whose equal figures are no
equal amounts)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from siting.deliver.styles import INDISTINGUISHABLE
from siting.deliver.tables import table_files
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    NOT_COMPARABLE,
    RANGE_ROW,
    SITES_ROWS,
    TOLERANCE_ROW,
    comparison_csv,
    comparison_display,
    comparison_table,
    comparison_text,
    left_out_note,
    rows_that_differ,
)
from tests.conftest import MadeRun

UNITS = {"lfp": "t", "anode": "t"}


def run(label: str, yuxi_lfp: float, qujing_lfp: float, sites: tuple[str, ...] = ("s1", "s2"),
        **fields: Any) -> CaseSummary:
    """A run of the cut-down comparison: objective -195.9 bn yuan at a gap of 3.26 %, capex
    64.25 bn yuan, 300,000 t/yr of anode in Kunming and none in Yuxi or Qujing; LFP in Yuxi and
    Qujing as given."""
    return CaseSummary(**{"label": label, "ok": True, "status": "optimal", "objective_yuan": -195.9e9,
                          "gap": 0.0326, "final_year": 2024, "costs": {"capex": 64.25e9, "transport": 1.85e9},
                          "capacity": {"kunming": {"anode": 300_000.0, "lfp": 100_000.0},
                                       "yuxi": {"anode": 0.0, "lfp": yuxi_lfp},
                                       "qujing": {"anode": 0.0, "lfp": qujing_lfp}},
                          "units": UNITS, "sites_opened": sites,
                          "cluster_names": {"kunming": "Kunming", "yuxi": "Yuxi", "qujing": "Qujing"}, **fields})


BASE = run("yunnan_2024", 120_000.0, 673_000.0)
STRICT = run("yunnan_2024_strict_redline", 320_000.0, 473_000.0,
             costs={"capex": 64.25e9, "transport": 1.85e9 + 2e6})  # 1.852: "1.85" as shown

#: The cut-down comparison's rows a reader is given, in order: the differing capacities, and the
#: rows that stand whatever the figures.
SHOWN = ["status", "objective", TOLERANCE_ROW, RANGE_ROW, "gap", "absolute gap", "capacity Yuxi: LFP",
         "capacity Qujing: LFP"]


def test_the_rows_where_every_run_equals_the_baseline_are_left_out() -> None:
    """Left out: both cost rows (the transport's 2 million yuan is 0.00 bn yuan as shown),
    "sites built on" (2 and 2, on the same sites), "targets short" ("none" and "none") and the
    capacity rows of anode in the three clusters and of LFP in Kunming, the same in both: 8 rows. The objectives are the
    same, so the column keeps its mark, plans of indistinguishable cost, and the rows of the
    objective and its difference stay."""
    runs = [BASE, STRICT]
    table = comparison_table(runs)
    shown, left_out = rows_that_differ(comparison_display(table, runs), runs)
    assert (list(shown["metric"]), left_out) == (SHOWN, 8)
    assert list(shown.columns)[-1] == f"yunnan_2024_strict_redline vs yunnan_2024: {INDISTINGUISHABLE}"
    # comparison.csv: its header, every row, the range in two
    assert len(comparison_csv(table).splitlines()) == 1 + len(SHOWN) + 1 + 8


def test_the_terminal_says_how_many_rows_it_leaves_out_and_where_they_are() -> None:
    runs = [BASE, STRICT]
    text = comparison_text(comparison_table(runs), runs, "comparison.csv")
    values, differences = (part.splitlines() for part in text.split("\n\n")[:2])
    assert [line.split("  ")[0] for line in values[1:]] == [m for m in SHOWN if m not in (TOLERANCE_ROW, RANGE_ROW)]
    assert [line.split("  ")[0] for line in differences[4:]] == SHOWN
    assert ("\n\n8 rows in which every run equals the baseline are left out; comparison.csv has every row.\n\n"
            in text)
    assert "capacity Kunming" not in text and "cost: " not in text


def test_comparison_md_leaves_out_the_same_rows() -> None:
    """As siting/runs/batch.py writes it: the rows that differ, the note first under the table."""
    runs = [BASE, STRICT]
    shown, left_out = rows_that_differ(comparison_display(comparison_table(runs), runs), runs)
    markdown = table_files(shown, "comparison", left_out_note(left_out, "comparison.csv"))["comparison.md"]
    assert [line.split(" | ")[0].removeprefix("| ") for line in markdown.splitlines()[2:2 + len(SHOWN)]] == SHOWN
    assert markdown.endswith("\n\n8 rows in which every run equals the baseline are left out; comparison.csv has "
                             "every row.\n")


def test_the_note_counts_one_row() -> None:
    assert left_out_note(1, "comparison.csv") == (
        "1 row in which every run equals the baseline is left out; comparison.csv has every row.")
    assert left_out_note(0, "comparison.csv") == ""


def test_sites_built_on_stays_where_the_sites_change() -> None:
    """The same count of sites, 2, on other sites: "sites built on" stays above the sites added and
    dropped."""
    runs = [BASE, run("b", 320_000.0, 473_000.0, sites=("s1", "s3"))]
    shown, _left_out = rows_that_differ(comparison_display(comparison_table(runs), runs), runs)
    assert [m for m in shown["metric"] if m.startswith("sites built on")] == ["sites built on", *SITES_ROWS]


def test_a_figure_in_other_money_stays() -> None:
    """Runs whose objectives weigh the years otherwise: the capex, 64.25 bn yuan in both as shown,
    is in other money ("not comparable") and stays; the transport likewise."""
    def weighted(label: str, after: int) -> CaseSummary:
        return run(label, 120_000.0, 673_000.0, weighting={"discount_rate": 0.06, "years_after_horizon": after,
                                                           "years": [2023, 2024]})

    runs = [weighted("a", 0), weighted("b", 14)]
    shown, _left_out = rows_that_differ(comparison_display(comparison_table(runs), runs), runs)
    rows = shown.set_index("metric")
    assert rows.loc["cost: capex (annuities)", "b vs a"] == NOT_COMPARABLE
    assert "cost: transport" in rows.index and "capacity Yuxi: LFP" not in rows.index


def test_the_same_shortfall_in_every_run_stays() -> None:
    """Both runs miss the cathode target of 2024: not a difference, but a shortfall a planner must
    read, so "targets short" stays (where every run meets its targets, "none" and "none", it goes)."""
    runs = [run("a", 120_000.0, 673_000.0, targets_short=("cathode 2024",)),
            run("b", 320_000.0, 473_000.0, targets_short=("cathode 2024",))]
    shown, _left_out = rows_that_differ(comparison_display(comparison_table(runs), runs), runs)
    rows = shown.set_index("metric")
    assert rows.loc["targets short", "a"] == rows.loc["targets short", "b"] == "Cathode 2024"


def test_one_run_leaves_out_nothing() -> None:
    shown = comparison_display(comparison_table([BASE]), [BASE])
    kept, left_out = rows_that_differ(shown, [BASE])
    assert left_out == 0 and kept is shown


def test_a_compare_writes_the_rows_that_differ_to_comparison_md(small_compare_run: MadeRun) -> None:
    """The small scenario against a copy asking 20 GWh of cells: the cathode group's capacity, the
    same in both, is in comparison.csv and not in comparison.md, which says how many rows it
    leaves out right under its table, as the terminal does."""
    markdown = (small_compare_run.out / "comparison.md").read_text(encoding="utf-8")
    csv = pd.read_csv(small_compare_run.out / "comparison.csv", keep_default_na=False).set_index("metric")
    assert csv.loc["capacity cathode 2024", "b vs small"] == "0"
    assert "| capacity 2024: Cathode |" not in markdown
    table_end = markdown.index("\n\n", markdown.index("| metric |"))
    note = markdown[table_end + 2:].splitlines()[0]
    assert note.endswith(" rows in which every run equals the baseline are left out; comparison.csv has every row.")
    assert note in small_compare_run.stdout


def test_a_row_whose_figures_round_alike_but_whose_difference_shows_is_kept() -> None:
    """Transport of 1.854 and 1.846 bn yuan: both "1.85" as shown, but the difference the table
    prints is -0.008 bn yuan, "-0.01": the row stays (the shipped scenario against its
    no-differentiation file gave land of 1.35 and 1.35 bn yuan, a difference of -0.01, and the row
    was left out as one where every run equals the baseline). Capex, 64.25 in both, is left out."""
    base = run("yunnan_2024", 120_000.0, 673_000.0, costs={"capex": 64.25e9, "transport": 1.854e9})
    other = run("yunnan_2024_strict_redline", 320_000.0, 473_000.0,
                costs={"capex": 64.25e9, "transport": 1.846e9})
    runs = [base, other]
    shown, _left_out = rows_that_differ(comparison_display(comparison_table(runs), runs), runs)
    metrics = list(shown["metric"])
    assert "cost: transport" in metrics
    assert "cost: capex (annuities)" not in metrics
    row = shown.loc[shown["metric"] == "cost: transport"]
    assert [cells[2:] for cells in table_files_cells(row)] == [["1.85", "1.85", "-0.01"]]


def table_files_cells(frame: pd.DataFrame) -> list[list[str]]:
    """The rows of `frame` as comparison.md writes their cells."""
    from siting.deliver.tables import in_file_units, table_cells

    return table_cells(in_file_units(frame))
