"""What `compare` and `sweep` report: a swept setting as it was typed, failed runs in one line
naming where their diagnosis is, the objective differences and the note on capacity rows in the
terminal, and a sweep plot whose swept axis reads at any magnitude.

The end-to-end tests run the small scenario of tests/data/small (tests/test_comparison.py's
docstring has its plan); the others use hand-made run summaries, whose figures are stated where
they are built."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from siting.cli import main
from siting.optimize.tolerance import WITHIN
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    axis_scale,
    comparison_table,
    comparison_text,
    first_line,
    short_status,
    status_text,
    sweep_figure,
    sweep_table,
)

DATA = Path(__file__).parent / "data" / "small"

#: The note under a comparison of runs whose last year is 2024 (the terminal wraps it at 120 characters).
PLACEMENT_NOTE_2024 = (
    "Capacity rows give the capacity in the final year, 2024, existing and committed capacity included, with the "
    "plan's modules counted from the year they are decided (the `capacity` column of each run's capacity.csv), in "
    "each product's unit per year. A difference in where capacity stands need not come from what the runs change: a "
    "run's placement may be one of several plans of nearly the same cost, between which a whole product can move "
    "from one cluster to another, above all where the objective difference is within solver tolerance (or zero). "
    "`siting solve SCENARIO --alternatives N` shows the placements a run could take instead at nearly its cost.")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "small"
    shutil.copytree(DATA, target)
    return target


def test_a_swept_yuan_setting_reads_as_typed_in_every_output(folder: Path, tmp_path: Path, capsys):
    """A site opening cost of 1e8 and 5e9 yuan: the tables name the key as typed and give the
    values as typed (not a `_bn_yuan` column holding yuan); the objective alone is in bn yuan.
    Opening a site at 5e9 instead of 1e8 yuan closes one of the three sites."""
    out = tmp_path / "sweep"
    key = "constraints.agglomeration.site_fixed_cost_yuan"
    assert main(["sweep", str(folder / "scenario.yaml"), "--set", f"{key}=1e8,5e9", "--out", str(out),
                 "--workers", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
    csv = (out / "sweep.csv").read_text().splitlines()
    assert csv[0] == (f"run,{key},status,objective_bn_yuan,gap_percent,gap_bn_yuan,vs_first,"
                      "vs_first_low_bn_yuan,vs_first_high_bn_yuan,started_from,"
                      "sites_built_on,pairs_kept_out_redline,pairs_kept_out_proximity,land_free_ha,"
                      "capacity_cathode_t_per_yr,capacity_cells_GWh_per_yr")
    assert [line.split(",")[1:3] for line in csv[1:]] == [["1e8", "optimal"], ["5e9", "optimal"]]
    assert [line.split(",")[10] for line in csv[1:]] == ["3", "2"]
    markdown = (out / "sweep.md").read_text().splitlines()
    assert markdown[0].startswith(f"| run | {key} | status | objective (bn yuan) | gap (%) | absolute gap (bn yuan) |")
    assert markdown[2].startswith("| run01 site_fixed_cost_yuan=1e8 | 1e8 | optimal within the gap | -22.72 |")
    # The terminal: the key as typed (its header wrapped after each ".", never inside a word), the
    # other headers in words with their units, and whether each objective differs from the first
    # beyond the gaps; the columns that do not fit follow in further tables.
    lines = printed.splitlines()
    assert [line.split() for line in lines[:5]] == [
        ["run", "constraints.", "status", "objective", "vs_first", "gap", "(%)", "absolute", "gap"],
        ["agglomeration.", "(bn", "yuan)", "(bn", "yuan)"],
        ["site_fixed_cost_yuan"],
        ["run01", "site_fixed_cost_yuan=1e8", "1e8", "optimal", "within", "the", "gap", "-22.72", "0.00", "0.00"],
        ["run02", "site_fixed_cost_yuan=5e9", "5e9", "optimal", "within", "the", "gap", "-13.54", "proven", "0.00",
         "0.00"]]
    # the pairs each rule keeps out and the land free for new modules, the same in both runs
    assert [line.split() for line in lines[6:18]] == [
        ["run", "started_from", "sites", "built", "site-product", "site-product", "land", "free", "Cathode"],
        ["on", "pairs", "kept", "pairs", "kept", "for", "new", "capacity"],
        ["out:", "red", "line", "out:", "proximity", "modules", "(ha)", "(t/yr)"],
        ["run01", "site_fixed_cost_yuan=1e8", "3", "3", "2", "158", "280,000"],
        ["run02", "site_fixed_cost_yuan=5e9", "2", "3", "2", "158", "230,000"], [],
        ["run", "Cells"], ["capacity"], ["(GWh/yr)"],
        ["run01", "site_fixed_cost_yuan=1e8", "10"],
        ["run02", "site_fixed_cost_yuan=5e9", "10"], []]
    assert "keeps out" not in printed  # no run keeps out other pairs than the first


def test_the_sweep_plot_names_the_key_and_scales_large_values():
    """Values of 1e8 and 5e9 yuan are drawn in billions (0.1 and 5), the axis label saying so;
    every tick label is short."""
    key = "constraints.agglomeration.site_fixed_cost_yuan"
    table = pd.DataFrame({"run": ["run01", "run02"], key: ["1e8", "5e9"], "status": ["optimal"] * 2,
                          "objective_yuan": [-22.7e9, -13.5e9], "gap": [0.0, 0.0]})
    figure = sweep_figure(table, [key], "small: sweep")
    axes = figure.axes[0]
    figure.canvas.draw()
    assert axes.get_xlabel() == f"{key}, in billions"
    assert axes.get_lines()[0].get_xdata().tolist() == [0.1, 5.0]
    labels = [t.get_text() for t in axes.get_xticklabels() if axes.get_xlim()[0] <= t.get_position()[0]
              <= axes.get_xlim()[1]]
    assert labels == ["0", "2", "4"]


def test_axis_scale_divides_by_the_power_of_a_thousand_below_the_largest_value():
    assert axis_scale([0.0, 500.0, 2000.0]) == (1.0, "")
    assert axis_scale([999_999.0]) == (1.0, "")
    assert axis_scale([1e6, 2e6]) == (1e6, "in millions")
    assert axis_scale([1e8, 5e9]) == (1e9, "in billions")
    assert axis_scale([-3e12]) == (1e12, "in trillions")
    assert axis_scale([7e16]) == (1e12, "in trillions")  # no word beyond: 70,000 trillions


def test_a_sweep_over_names_plots_them_as_ticks():
    """price_path base and flat are names, not numbers: one tick each, in the order swept (a
    plot that read them as numbers would fail, losing the whole sweep); a capacity target's unit
    joins its key in the label."""
    table = pd.DataFrame({"run": ["run01", "run02"], "price_path": ["base", "flat"], "status": ["optimal"] * 2,
                          "objective_yuan": [-22.7e9, -19.8e9], "gap": [0.0, 0.0]})
    figure = sweep_figure(table, ["price_path"], "small: sweep")
    figure.canvas.draw()
    axes = figure.axes[0]
    assert (axes.get_xlabel(), [t.get_text() for t in axes.get_xticklabels()]) == ("price_path", ["base", "flat"])
    summaries = [summary("run01"), summary("run02")]
    swept = sweep_table(summaries, [{"targets.capacity.lfp.2024": 10}, {"targets.capacity.lfp.2024": 20}])
    figure = sweep_figure(swept, ["targets.capacity.lfp.2024"], "small: sweep")
    assert figure.axes[0].get_xlabel() == "targets.capacity.lfp.2024 (t/yr)"


def summary(label: str, objective_yuan: float = 10.0e9, gap: float = 0.0,
            capacity: dict[str, dict[str, float]] | None = None, **fields) -> CaseSummary:
    """A solved run as a comparison sees it: optimal, no costs, final year 2024, LFP in t."""
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_yuan, gap=gap,
                       final_year=2024, capacity=capacity or {"kunming": {"lfp": 300_000.0}},
                       units={"lfp": "t"}, **fields)


def test_a_failed_run_has_a_one_line_status():
    """Infeasible with its diagnosis written: where it is, relative to the batch folder; infeasible
    with no diagnosis kept: "infeasible: " and the message's first line (with the next when it
    ends on ":"); other failures: "failed: " and that first line, never the exception's name. The
    terminal's tables give the first word alone (`short_status`)."""
    assert status_text(summary("a")) == short_status(summary("a")) == "optimal"
    infeasible = CaseSummary(label="b", ok=False, error="PlanInfeasible: the plan is infeasible before solving:\n"
                             "  - capacity target cells 2024: needs 200 GWh/yr\nthe diagnosis ... is in /x/cmp/b",
                             out_dir="/x/cmp/b")
    assert status_text(infeasible) == "infeasible: see b/conflicts.md"
    in_memory = CaseSummary(label="b", ok=False, error=infeasible.error)
    assert status_text(in_memory) == ("infeasible: the plan is infeasible before solving: capacity target cells "
                                      "2024: needs 200 GWh/yr")
    bad = CaseSummary(label="c", ok=False, error="InputError: 1 problem in the input:\n  - s.yaml: years | must rise")
    assert status_text(bad) == "failed: 1 problem in the input: s.yaml: years | must rise"
    bug = CaseSummary(label="d", ok=False, error="unexpected error: ValueError: bad value\nmore")
    assert status_text(bug) == "failed: unexpected error: ValueError: bad value"
    no_plan = CaseSummary(label="e", ok=False, error="NoSolution: no plan within the time limit of 1 s")
    assert status_text(no_plan) == "failed: no plan within the time limit of 1 s"
    assert [short_status(s) for s in (infeasible, in_memory, bad, bug, no_plan)] == [
        "infeasible", "infeasible", "failed", "failed", "failed"]
    assert first_line("") == ""


def test_the_terminal_comparison_keeps_every_verdict_and_the_placement_note():
    """Three runs with long names, whose columns and differences do not fit side by side in 120
    characters: the runs' values come first, their names wrapped after a "_" where the table has
    no room to keep them whole, then under a line
    saying so their differences against the baseline, with the verdicts in the `objective
    difference` row; the note names the year of the capacity rows. Objectives 10.0, 10.5 and
    10.01 bn yuan with gaps of 0.5 %: 10.5 lies beyond 10.0's range [9.95, 10.0] and its own
    [10.4475, 10.5], so "proven"; 10.01 (range [9.95995, 10.01]) overlaps, so "within solver
    tolerance"."""
    runs = [summary("yunnan_2024", 10.0e9, 0.005),
            summary("yunnan_2024_strict_redline_and_no_differentiation", 10.5e9, 0.005),
            summary("yunnan_2024_no_budget_with_a_long_name", 10.01e9, 0.005,
                    capacity={"kunming": {"lfp": 0.0}, "qujing": {"lfp": 300_000.0}})]
    table = comparison_table(runs)
    lines = comparison_text(table, runs, "comparison.csv").splitlines()
    assert all(len(line) <= 120 for line in lines)
    assert [line.split() for line in lines[:3]] == [
        ["metric", "unit", "yunnan_2024", "yunnan_2024_strict_", "yunnan_2024_no_budget_with_a_long_name"],
        ["redline_and_no_"], ["differentiation"]]
    assert lines[3].split() == ["status", *["optimal", "within", "the", "gap"] * 3]
    at = lines.index("Differences against the baseline, yunnan_2024 (each run's value less the baseline's; "
                     '"same" or "changed" for text):')
    assert [line.split() for line in lines[at + 1:at + 4]] == [
        ["metric", "unit", "yunnan_2024_strict_", "yunnan_2024_no_budget_with_a_long_name:"],
        ["redline_and_no_", "plans", "of", "indistinguishable", "cost,", "not"],
        ["differentiation", "shown", "to", "be", "effects", "of", "the", "change"]]
    assert lines[at + 6].split() == ["objective", "difference", "proven", *WITHIN.split()]
    note = textwrap.wrap(PLACEMENT_NOTE_2024, 120)
    assert lines[-len(note) - 1:] == ["", *note]
    capacity = max(i for i, line in enumerate(lines) if line.startswith("capacity qujing: LFP"))  # a difference
    assert lines[capacity].split() == ["capacity", "qujing:", "LFP", "t/yr", "0", "300,000"]
    assert lines[capacity + 1] == ""
    # the rows where every run is the baseline's (sites built on, targets short) left out, then the notes
    assert lines[capacity + 2] == ("2 rows in which every run equals the baseline are left out; comparison.csv has "
                                   "every row.")
    assert lines[capacity + 4].startswith("The row `objective difference: proven range` gives where the difference")
    # With short names two runs fit, the run's differences beside it where they are proven (three do
    # not, each run's status being "optimal within the gap"; nor do two where the run's header says
    # that it is within solver tolerance).
    runs = [summary("a", 10.0e9, 0.005), summary("c", 10.5e9, 0.005)]
    lines = comparison_text(comparison_table(runs), runs, "comparison.csv").splitlines()
    assert lines[0].split() == ["metric", "unit", "a", "c", "c", "vs", "a"]
    assert lines[3].split() == ["objective", "difference", "proven"]


def test_compare_names_the_final_place_of_an_infeasible_runs_diagnosis(folder: Path, tmp_path: Path, capsys):
    """The second scenario asks for 1,000 GWh of cells (at most 70 GWh fit): it fails; its diagnosis
    is in its subfolder of the comparison, which the tables name relative to the comparison folder
    and the terminal by its path, never the staging folder the runs were solved in."""
    (folder / "infeasible.yaml").write_text("extends: scenario.yaml\nname: small_infeasible\n"
                                            "targets:\n  capacity:\n    cells: {2024: 1000}\n")
    out = tmp_path / "cmp"
    assert main(["compare", str(folder / "scenario.yaml"), str(folder / "infeasible.yaml"), "--out", str(out),
                 "--workers", "1", "--quiet"]) == 1
    printed = capsys.readouterr().out
    # The terminal's table says "infeasible", never a status cut short; the whole message follows it.
    assert printed.splitlines()[1].split() == ["status", "optimal", "within", "the", "gap", "infeasible", "changed"]
    assert "..." not in printed.split("\n\n")[0]
    assert (out / "small_infeasible" / "conflicts.md").is_file()
    csv = pd.read_csv(out / "comparison.csv").set_index("metric")
    assert csv.loc["status", "small_infeasible"] == "infeasible: see small_infeasible/conflicts.md"
    markdown = (out / "comparison.md").read_text()
    assert ("| status |  | optimal within the gap | infeasible: see small_infeasible/conflicts.md | changed |\n"
            in markdown)
    assert markdown.endswith(f"\n\n{PLACEMENT_NOTE_2024}\n")
    # its words, whatever the width its lines are wrapped to (siting/cli.py `message_lines`)
    assert (f"conflicts.png) is in {(out / 'small_infeasible').resolve()} comparison written to "
            f"{out.resolve()}") in " ".join(printed.split())
    assert "run infeasible: small_infeasible: the plan is infeasible before solving:\n" in printed
    assert "run failed" not in printed
    for text in (printed, (out / "comparison.csv").read_text(), markdown):
        assert "siting-staging" not in text and "PlanInfeasible" not in text
