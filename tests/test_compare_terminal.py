"""What a planner reads of `compare` and `sweep` on a terminal of TERMINAL_WIDTH (120) characters,
and in comparison.md, sweep.md and sweep.png: every run and every difference, whatever the length
of the runs' names; products, target groups and clusters by name; the CSV files by id.

The hand-made runs are those of docs/COMPARING.md's example (`siting compare scenarios/yunnan_2024.yaml
scenarios/yunnan_2024_strict_redline.yaml scenarios/yunnan_2024_no_differentiation.yaml`), cut
down to a few rows, with the figures of its shipped run: objectives 10.06, 10.01 and 9.58 bn yuan
with gaps of 2.01 %, 1.42 % and 2.00 %. The strict red line's range [9.868, 10.01] overlaps the
baseline's [9.858, 10.06]: "within solver tolerance"; without differentiation [9.388, 9.58] lies
below it: "proven". The end-to-end test solves the small scenario of tests/data/small (clusters
West and East; tests/test_comparison.py's docstring has its plan: LFP 100 kt in the west and
150 kt in the east, cells 10 GWh in the east)."""

from __future__ import annotations

import re

import pandas as pd

from siting.config.units import cluster_names
from siting.deliver.tables import TERMINAL_WIDTH
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    comparison_display,
    comparison_table,
    comparison_text,
    header_lines,
    metric_labels,
    range_text,
    sweep_capacity_note,
    sweep_display,
    sweep_figure,
    sweep_table,
    sweep_text,
    targets_in_words,
)
from tests.conftest import MadeRun

BASE, STRICT, FLAT = "yunnan_2024", "yunnan_2024_strict_redline", "yunnan_2024_no_differentiation"

UNITS = {"lfp": "t", "copper_foil": "t", "cathode": "t"}

NAMES = {"kunming": "Kunming", "qujing": "Qujing"}


def run(label: str, objective_bn: float, gap: float, lfp: float, foil: tuple[float, float],
        short: dict[str, float] | None = None, **fields) -> CaseSummary:
    """A run of docs/COMPARING.md's example as the comparison sees it: LFP in Kunming, copper foil in
    Kunming and Qujing, the cathode group's final-year capacity equal to the LFP's, the 2022
    output-value target missed."""
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_bn * 1e9, gap=gap,
                       final_year=2024, capacity={"kunming": {"lfp": lfp, "copper_foil": foil[0]},
                                                  "qujing": {"copper_foil": foil[1]}},
                       group_capacity={"cathode": lfp}, units=UNITS,
                       targets_short={"output_value 2022": 1.0e9} if short is None else short,
                       **{"cluster_names": NAMES, **fields})


def readme_runs() -> list[CaseSummary]:
    return [run(BASE, 10.06, 0.0201, 300_000.0, (100_000.0, 0.0)),
            run(STRICT, 10.01, 0.0142, 100_000.0, (0.0, 100_000.0)),
            run(FLAT, 9.58, 0.0200, 800_000.0, (80_000.0, 0.0))]


#: The line under the terminal's tables on the rows where every run equals the baseline
#: (siting/runs/tables.py `left_out_note`).
LEFT_OUT = re.compile(r"\n\n[\d,]+ rows? in which every run equals the baseline (?:are|is) left out; "
                      r"comparison\.csv has every row\.")


def tables_of(text: str) -> str:
    """The terminal comparison without the notes that end it: on the rows left out, on the
    differences, then on capacity rows."""
    return LEFT_OUT.split(text.split("\n\nThe row `objective difference")[0].split("\n\nCapacity rows give")[0])[0]


def cells(line: str) -> list[str]:
    """A line of a terminal table as its filled cells: the texts between two or more spaces."""
    return re.split(r" {2,}", line.strip())


def test_the_readme_comparison_shows_every_run_and_difference_in_120_characters() -> None:
    """The three runs and their two columns of differences are too wide side by side, headers
    wrapped, so the runs come first (114 characters: 29 for the longest row label, 7 for the unit,
    22 for each run's status, "optimal within the gap", 2 between columns; the strict red line's
    name whole in 26, the room the table leaves, and the no-differentiation run's, longer than the
    room, wrapped after a "_"), then the differences
    against the baseline under a line saying so (110: 34 for "objective difference: proven range",
    7, 33 for the strict red line's header, wrapped over three lines since its objective is within
    solver tolerance of the baseline's, 30 for the no-differentiation run's name, whole in the room
    the table leaves); each table's lines end where its
    last, right-aligned, column ends. The gap's differences are in percentage points (pp); the
    proven ranges are those of tests/test_compare_ranges.py's docs/COMPARING.md example, here from
    the objectives and gaps alone. No run and no difference is left out, and no line is wider than
    the terminal's 120 characters; the rows where every run equals the baseline ("sites built on",
    0, "capacity Qujing: LFP", 0) are left out, a line under the tables saying how many, and that
    comparison.csv has every row; "targets short" stays, the same in every run, since each run
    misses the output value of 2022."""
    runs = readme_runs()
    text = comparison_text(comparison_table(runs), runs, "comparison.csv")
    assert TERMINAL_WIDTH == 120
    assert max(len(line) for line in text.splitlines()) <= TERMINAL_WIDTH
    values, title, differences = tables_of(text).split("\n\n")[0], *tables_of(text).split("\n\n")[1].split("\n", 1)
    assert values.splitlines()[:2] == [
        "metric                         unit                yunnan_2024  yunnan_2024_strict_redline         "
        "yunnan_2024_no_",
        "                                                                                                   "
        "differentiation"]
    assert {len(line) for line in values.splitlines()} == {114}
    assert [cells(line) for line in values.splitlines()[2:]] == [
        ["status", "optimal within the gap", "optimal within the gap", "optimal within the gap"],
        ["objective", "bn yuan", "10.06", "10.01", "9.58"],
        ["gap", "%", "2.01", "1.42", "2.00"],
        ["absolute gap", "bn yuan", "0.21", "0.15", "0.20"],
        ["targets short", "Output value 2022", "Output value 2022", "Output value 2022"],
        ["capacity 2024: Cathode", "t/yr", "300,000", "100,000", "800,000"],
        ["capacity Kunming: LFP", "t/yr", "300,000", "100,000", "800,000"],
        ["capacity Kunming: Copper foil", "t/yr", "100,000", "0", "80,000"],
        ["capacity Qujing: Copper foil", "t/yr", "0", "100,000", "0"]]
    assert title == ('Differences against the baseline, yunnan_2024 (each run\'s value less the baseline\'s; "same" or '
                     '"changed" for text):')
    assert differences.splitlines()[:3] == [
        "metric                              unit     yunnan_2024_strict_redline: plans  "
        "yunnan_2024_no_differentiation",
        "                                                of indistinguishable cost, not",
        "                                             shown to be effects of the change"]
    assert {len(line) for line in differences.splitlines()[3:]} | {len(differences.splitlines()[0])} == {110}
    assert [cells(line) for line in differences.splitlines()[3:]] == [
        ["status", "same", "same"],
        ["objective", "bn yuan", "-0.05", "-0.48"],
        ["objective difference", "within solver tolerance", "proven"],
        ["objective difference: proven range", "bn yuan", "-0.20 to 0.16", "-0.68 to -0.27"],
        ["gap", "pp", "-0.59", "-0.01"],
        ["absolute gap", "bn yuan", "-0.06", "-0.01"],
        ["targets short", "same", "same"],
        ["capacity 2024: Cathode", "t/yr", "-200,000", "500,000"],
        ["capacity Kunming: LFP", "t/yr", "-200,000", "500,000"],
        ["capacity Kunming: Copper foil", "t/yr", "-100,000", "-20,000"],
        ["capacity Qujing: Copper foil", "t/yr", "100,000", "0"]]
    assert ("\n\n2 rows in which every run equals the baseline are left out; comparison.csv has every row.\n\n"
            in text)


def test_runs_and_differences_that_fit_side_by_side_stay_in_one_table() -> None:
    """Runs named a and b (two runs of 22 characters each, "optimal within the gap", and their
    differences fit in 120; a third does not): b's differences, proven, follow its column; the gaps'
    differences in pp in the cells (the unit column gives the runs' gaps in %). Were b within
    solver tolerance of a, its column's header would be too wide for the three to fit."""
    runs = [run(name, objective, gap, 300_000.0, (0.0, 0.0), short={})
            for name, objective, gap in (("a", 10.06, 0.0201), ("b", 9.50, 0.0142))]
    lines = tables_of(comparison_text(comparison_table(runs), runs, "comparison.csv")).splitlines()
    assert lines[0].split() == ["metric", "unit", "a", "b", "b", "vs", "a"]
    assert cells(lines[1]) == ["status", "optimal within the gap", "optimal within the gap", "same"]
    assert cells(lines[3]) == ["objective difference", "proven"]
    assert cells(lines[4]) == ["objective difference: proven range", "bn yuan", "-0.70 to -0.35"]
    assert cells(lines[5]) == ["gap", "%", "2.01", "1.42", "-0.59 pp"]
    assert "Differences against the baseline" not in "\n".join(lines)


def test_runs_too_many_for_one_table_go_on_in_a_second_each_beginning_with_the_row_labels() -> None:
    """Seven runs of 30-character names: their values take three tables, of three, three and one
    runs (each run's column as wide as its status, "optimal within the gap"), each beginning with
    the metric and the unit, the names wrapped over two lines after "_" but for the first of each
    table, whole in the room the table leaves, and the last run's, alone in its table; the six
    runs' differences take two, of five and one, the names wrapped over three lines, the last
    run's whole again; every line fits. The rows where every run equals the first (no site built
    on, no target short, nothing in Qujing: 4) are left out."""
    labels = [f"yunnan_2024_variant_number_{n:03d}" for n in range(7)]
    runs = [run(label, 10.0 + n / 10, 0.0, 100_000.0 * n, (1_000.0 * n, 0.0), short={})
            for n, label in enumerate(labels)]
    text = tables_of(comparison_text(comparison_table(runs), runs, "comparison.csv"))
    assert max(len(line) for line in text.splitlines()) <= TERMINAL_WIDTH
    values, differences = text.split("\n\nDifferences against the baseline, yunnan_2024_variant_number_000 ")
    tables = [*values.split("\n\n"), *differences.split(":\n", 1)[1].split("\n\n")]
    assert [cells(table.splitlines()[0])[:2] for table in tables] == [["metric", "unit"]] * 5
    assert [cells(table.splitlines()[0])[2:] for table in tables[:3]] == [
        [labels[first], *["yunnan_2024_variant_"] * (n - 1)] for first, n in ((0, 3), (3, 3), (6, 1))]
    assert [cells(table.splitlines()[1]) for table in tables[:2]] == [
        [f"number_{n:03d}" for n in numbers] for numbers in ((1, 2), (4, 5))]
    assert cells(tables[2].splitlines()[1])[0] == "status"
    assert cells(tables[3].splitlines()[1]) == ["variant_"] * 5
    assert cells(tables[3].splitlines()[2]) == [f"number_{n:03d}" for n in (1, 2, 3, 4, 5)]
    assert cells(tables[4].splitlines()[0])[2:] == [labels[6]]
    assert cells(tables[1].splitlines()[7]) == ["capacity Kunming: LFP", "t/yr", "300,000", "400,000", "500,000"]
    assert cells(tables[4].splitlines()[2]) == ["objective", "bn yuan", "0.60"]


def test_a_cell_cut_short_is_named_with_the_file_that_has_it_whole() -> None:
    """Five capacity targets missed: the row's text is 79 characters, cut at 40 on the terminal
    after a whole word; a line under the tables names the row and comparison.md. (With the
    differences beside the runs the table would be 121 characters wide: they follow it.)"""
    short = {f"{g} 2024": 1.0 for g in ("cathode", "anode", "separator", "electrolyte", "copper_foil")}
    runs = [run("a", 10.0, 0.0, 1.0, (0.0, 0.0), short=short), run("b", 10.0, 0.0, 1.0, (0.0, 0.0), short={})]
    text = comparison_text(comparison_table(runs), runs, "comparison.csv")
    assert cells(text.splitlines()[5]) == ["targets short", "Anode 2024, Cathode 2024, Copper foil...", "none"]
    assert ('\n\nCells ending in "..." are cut at 40 characters (row: targets short); comparison.md has them '
            "whole.\n\nThe row `objective difference: proven range`") in text


def test_capacity_rows_and_missed_targets_are_named_in_words_and_the_table_keeps_ids() -> None:
    runs = readme_runs()
    table = comparison_table(runs)
    assert "capacity kunming copper_foil" in list(table["metric"])  # comparison.csv and the API: ids
    assert table.set_index("metric").loc["targets short", BASE] == "output_value 2022"
    shown = comparison_display(table, runs).set_index("metric")
    assert list(shown.index[-5:]) == ["capacity 2024: Cathode", "capacity Kunming: LFP",
                                      "capacity Kunming: Copper foil", "capacity Qujing: LFP",
                                      "capacity Qujing: Copper foil"]
    assert shown.loc["capacity Kunming: Copper foil", f"{FLAT} vs {BASE}"] == -20_000.0
    assert shown.loc["targets short", BASE] == "Output value 2022"
    assert targets_in_words("cathode 2024, output_value 2022") == "Cathode 2024, Output value 2022"
    assert targets_in_words("none") == "none"


def test_clusters_of_one_name_keep_their_ids_and_the_first_runs_names_win() -> None:
    """Two clusters both named "Central" would give two rows one label: they keep their ids. A
    cluster the runs name differently takes the baseline's name."""
    one = run("a", 10.0, 0.0, 1.0, (0.0, 0.0), cluster_names={"kunming": "Central", "qujing": "Central"})
    assert metric_labels([one, run("b", 10.0, 0.0, 1.0, (0.0, 0.0))])["capacity kunming lfp"] == (
        "capacity kunming lfp")
    renamed = run("b", 10.0, 0.0, 1.0, (0.0, 0.0), cluster_names={"kunming": "Kunming city", "qujing": "Qujing"})
    labels = metric_labels([run("a", 10.0, 0.0, 1.0, (0.0, 0.0)), renamed])
    assert (labels["capacity kunming lfp"], labels["capacity cathode 2024"]) == (
        "capacity Kunming: LFP", "capacity 2024: Cathode")


def test_cluster_names_come_from_the_layer_or_the_ids() -> None:
    layer = pd.DataFrame({"id": ["kunming", "yuxi", "qujing"], "name": [" Kunming ", None, ""]})
    assert cluster_names(layer) == {"kunming": "Kunming", "yuxi": "yuxi", "qujing": "qujing"}
    assert cluster_names(pd.DataFrame({"id": ["a"]})) == {"a": "a"}


def test_headers_break_after_dots_and_spaces_and_inside_a_long_part_after_underscores() -> None:
    assert header_lines("yunnan_2024_no_differentiation", 15) == ["yunnan_2024_no_", "differentiation"]
    assert header_lines("buf_base-buf8 vs buf_base", 12) == ["buf_base-", "buf8 vs", "buf_base"]
    assert header_lines("constraints.agglomeration.site_fixed_cost_yuan", 20) == [
        "constraints.", "agglomeration.", "site_fixed_cost_yuan"]
    assert header_lines("constraints.agglomeration.site_fixed_cost_yuan", 19) == [
        "constraints.", "agglomeration.", "site_fixed_cost_", "yuan"]
    assert header_lines("Cathode capacity (t/yr)", 9) == ["Cathode", "capacity", "(t/yr)"]
    assert header_lines("differentiation", 5) == ["differentiation"]  # a piece wider than the line, whole
    assert header_lines("", 5) == [""]


def sweep_runs() -> tuple[pd.DataFrame, list[CaseSummary]]:
    """Three red-line buffers; five target groups whose final-year capacity does not change."""
    groups = {"cathode": 1_493_000.0, "anode": 740_000.0, "separator": 2_030.0, "copper_foil": 100_000.0,
              "cells": 73.0}
    units = {"cathode": "t", "anode": "t", "separator": "million m2", "copper_foil": "t", "cells": "GWh"}
    summaries = [CaseSummary(f"run0{n} buffer_m={b}", True, status="optimal", objective_yuan=obj * 1e9, gap=0.02,
                             group_capacity=groups, units=units, sites_opened=("a",) * n)
                 for n, b, obj in ((1, 0, 10.12), (2, 500, 10.06), (3, 1000, 10.01))]
    table = sweep_table(summaries, [{"constraints.redline.buffer_m": b} for b in (0, 500, 1000)])
    return table, summaries


def test_the_sweep_shows_every_capacity_column_by_name() -> None:
    """The sweep's twelve columns (the gap in percent and in bn yuan) do not fit on one line of
    120: headers wrap, and the columns that do not fit go on in a second table beginning with the
    runs' labels. Each group's column is named in words, as on sweep.png; sweep.csv keeps its name.
    The note on capacity columns is among the notes under it."""
    table, summaries = sweep_runs()
    text = sweep_text(table, "sweep.csv", summaries)
    assert max(len(line) for line in text.splitlines()) <= TERMINAL_WIDTH
    assert sweep_capacity_note(table) in " ".join(text.split())
    assert text.splitlines()[:13] == [
        "run                  constraints.  status                  objective  vs_first                 "
        "gap (%)  absolute gap",
        "                     redline.                              (bn yuan)                                "
        "       (bn yuan)",
        "                     buffer_m",
        "run01 buffer_m=0                0  optimal within the gap      10.12                              "
        "2.00          0.21",
        "run02 buffer_m=500            500  optimal within the gap      10.06  within solver tolerance     "
        "2.00          0.21",
        "run03 buffer_m=1000          1000  optimal within the gap      10.01  within solver tolerance     "
        "2.00          0.21",
        "",
        "run                  started_from  sites built    Cathode     Anode        Separator  Copper foil   "
        "  Cells",
        "                                            on   capacity  capacity         capacity     capacity  "
        "capacity",
        "                                                   (t/yr)    (t/yr)  (million m2/yr)       (t/yr)  "
        "(GWh/yr)",
        "run01 buffer_m=0                             1  1,493,000   740,000            2,030      100,000   "
        "     73",
        "run02 buffer_m=500                           2  1,493,000   740,000            2,030      100,000   "
        "     73",
        "run03 buffer_m=1000                          3  1,493,000   740,000            2,030      100,000   "
        "     73"]
    assert list(sweep_display(table).columns)[-5:] == [
        "Cathode capacity (t/yr)", "Anode capacity (t/yr)", "Separator capacity (million m2/yr)",
        "Copper foil capacity (t/yr)", "Cells capacity (GWh/yr)"]
    assert list(table.columns)[-2:] == ["capacity_copper_foil_t_per_yr", "capacity_cells_GWh_per_yr"]
    figure = sweep_figure(table, ["constraints.redline.buffer_m"], "yunnan_2024: sweep")
    assert [ax.get_title() for ax in figure.axes if ax.get_title()] == [
        "objective (bn yuan, discounted)", *list(sweep_display(table).columns)[-5:]]


def test_compare_names_clusters_and_products_on_the_terminal_and_in_markdown(small_compare_run: MadeRun) -> None:
    """The small scenario against a copy asking 20 GWh of cells (conftest's `small_compare_run`):
    the terminal and comparison.md give the base's LFP in the west as "capacity West: LFP"
    (100,000 t/yr), comparison.csv as "capacity west lfp"; the CSV's columns are the metric, the
    unit, each run and the difference. The cathode group's capacity, the same in both runs, is left
    out of the terminal and comparison.md, and kept in comparison.csv."""
    out = small_compare_run.out
    printed = small_compare_run.stdout
    rows = {line[:30].rstrip(): line[30:].split() for line in printed.splitlines()}
    assert rows["capacity West: LFP"][:2] == ["t/yr", "100,000"]
    assert rows["capacity 2024: Cells"][:3] == ["GWh/yr", "10", "20"]
    assert "capacity 2024: Cathode" not in printed
    assert "capacity west lfp" not in printed
    markdown = (out / "comparison.md").read_text()
    assert "\n| capacity West: LFP | t/yr | 100,000 | " in markdown
    assert "\n| capacity East: Cells | GWh/yr | 10 | " in markdown
    csv = pd.read_csv(out / "comparison.csv")
    assert list(csv.columns) == ["metric", "unit", "small", "b", "b vs small"]
    assert float(csv.set_index("metric").loc["capacity west lfp", "small"]) == 100_000.0
    assert not any(label.startswith("capacity West") for label in csv["metric"])
    assert "capacity cathode 2024" in list(csv["metric"]) and "| capacity 2024: Cathode |" not in markdown
    # Both solved to a gap of 0: b's dearer objective is proven, within a range that holds the
    # difference of the objectives; comparison.md gives it in one row (bn yuan, rounded outward).
    rows = csv.set_index("metric")["b vs small"]
    low, high, difference = (float(rows[m]) for m in ("objective difference: proven low",
                                                      "objective difference: proven high", "objective"))
    assert rows["objective difference"] == "proven" and low <= difference <= high and low > 0
    assert (f"\n| objective difference: proven range | bn yuan |  |  | {range_text(low * 1e9, high * 1e9)} |\n"
            in markdown)


def test_comparison_md_explains_the_tolerance_mark_only_where_a_run_has_it(small_compare_run: MadeRun) -> None:
    """The small scenario against 20 GWh of cells: a difference proven by both runs' gaps (the
    objective difference row says "proven"), so comparison.md has no note on runs "within
    solver tolerance" (before, the note came under every comparison)."""
    from siting.optimize.tolerance import TOLERANCE_NOTE

    table = pd.read_csv(small_compare_run.out / "comparison.csv", keep_default_na=False).set_index("metric")
    assert list(table.loc["objective difference"]) == ["", "", "", "proven"]  # unit, small, b, b vs small
    assert TOLERANCE_NOTE not in (small_compare_run.out / "comparison.md").read_text(encoding="utf-8")
