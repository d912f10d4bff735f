"""What the gaps prove of a comparison's differences: the proven range of each objective
difference, the column of a run within solver tolerance headed as differences between plans of
indistinguishable cost, the gaps' differences in percentage points, "same plan", the notes of a
sweep on runs that moved to another run's plan, sweep.png's gap bars, and a failure named by its
kind whatever subclass was raised.

The hand-made runs carry the figures of docs/COMPARING.md's example as its shipped run wrote them in
each run's manifest.json (objective UB and best bound LB, yuan):

    yunnan_2024                     UB 10,059,141,700   LB 9,856,967,210
    yunnan_2024_strict_redline      UB 10,011,454,600   LB 9,869,019,550
    yunnan_2024_no_differentiation  UB  9,581,725,540   LB 9,390,369,490

each run's gap being (UB - LB) / UB: 2.00985826 %, 1.42272083 % and 1.99709383 %. The difference of
two optima, run b's less baseline a's, lies in [LB_b - UB_a, UB_b - LB_a]:
- strict red line: [9,869,019,550 - 10,059,141,700, 10,011,454,600 - 9,856,967,210]
  = [-190,122,150, 154,487,390] yuan, which holds 0: within solver tolerance; written rounded
  outward to the hundredth of a bn yuan, "-0.20 to 0.16";
- no differentiation: [9,390,369,490 - 10,059,141,700, 9,581,725,540 - 9,856,967,210]
  = [-668,772,210, -275,241,670] yuan, all below 0: proven; "-0.67 to -0.27".
The gaps' differences: 1.42272083 - 2.00985826 = -0.58713743 pp ("-0.59 pp") and 1.99709383 -
2.00985826 = -0.01276443 pp ("-0.01 pp").
"""

from __future__ import annotations

import dataclasses
import math
import textwrap

import pandas as pd
import pytest

from siting.config.errors import InputError, NoSolution, PlanInfeasible
from siting.config.progress import FAILED, INFEASIBLE, run_outcome
from siting.deliver.tables import csv_text, table_files
from siting.optimize.explain import InfeasiblePlan
from siting.optimize.tolerance import WITHIN, within_tolerance
from siting.runs.pool import CaseSummary, error_text, failure_message
from siting.runs.tables import (
    INDISTINGUISHABLE,
    PROVEN,
    RANGE_HIGH_ROW,
    RANGE_LOW_ROW,
    RANGE_ROW,
    SAME_PLAN,
    TOLERANCE_ROW,
    comparison_display,
    comparison_table,
    comparison_text,
    difference_note,
    difference_verdict,
    moved_note,
    objective_range,
    range_text,
    sweep_figure,
    sweep_table,
    sweep_text,
)

BASE, STRICT, FLAT = "yunnan_2024", "yunnan_2024_strict_redline", "yunnan_2024_no_differentiation"


def run(label: str, objective_yuan: float, bound_yuan: float | None, gap: float | None = None,
        **fields) -> CaseSummary:
    """A solved run: its plan's cost and best bound (yuan), its gap (UB - LB) / UB unless given,
    LFP in Kunming, Qujing's electrolyte as docs/COMPARING.md's example's baseline has it."""
    if gap is None and bound_yuan is not None:
        gap = (objective_yuan - bound_yuan) / abs(objective_yuan)
    summary = {"ok": True, "status": "optimal", "objective_yuan": objective_yuan, "best_bound_yuan": bound_yuan,
               "gap": gap, "final_year": 2024, "units": {"lfp": "t", "electrolyte": "t"},
               "capacity": {"kunming": {"lfp": 300_000.0}, "qujing": {"electrolyte": 300_000.0}},
               "cluster_names": {"kunming": "Kunming", "qujing": "Qujing"}, **fields}
    return CaseSummary(label=label, **summary)


def readme_runs() -> list[CaseSummary]:
    moved = {"kunming": {"lfp": 300_000.0, "electrolyte": 300_000.0}, "qujing": {"electrolyte": 0.0}}
    return [run(BASE, 10_059_141_700.0, 9_856_967_210.0),
            run(STRICT, 10_011_454_600.0, 9_869_019_550.0, capacity=moved),
            run(FLAT, 9_581_725_540.0, 9_390_369_490.0)]


def test_the_proven_range_of_each_objective_difference_by_hand() -> None:
    """The table holds the two ends in yuan, exactly as the module docstring derives them, in
    the columns of differences only; the verdicts agree with them."""
    runs = readme_runs()
    table = comparison_table(runs).set_index("metric")
    assert list(table.index[:5]) == ["status", "objective", TOLERANCE_ROW, RANGE_LOW_ROW, RANGE_HIGH_ROW]
    strict, flat = f"{STRICT} vs {BASE}", f"{FLAT} vs {BASE}"
    assert (table.loc[RANGE_LOW_ROW, strict], table.loc[RANGE_HIGH_ROW, strict]) == (-190_122_150.0, 154_487_390.0)
    assert (table.loc[RANGE_LOW_ROW, flat], table.loc[RANGE_HIGH_ROW, flat]) == (-668_772_210.0, -275_241_670.0)
    assert table.loc[TOLERANCE_ROW, [strict, flat]].tolist() == [WITHIN, PROVEN]
    assert table.loc[RANGE_LOW_ROW, [BASE, STRICT, FLAT]].tolist() == [None, None, None]
    assert (table.loc[RANGE_LOW_ROW, "unit"], table.loc[RANGE_HIGH_ROW, "unit"]) == ("yuan", "yuan")


@pytest.mark.parametrize(("other", "within"), [
    ((10_011_454_600.0, 9_869_019_550.0), True),   # the strict red line: [-0.19, 0.15] bn yuan
    ((9_581_725_540.0, 9_390_369_490.0), False),   # no differentiation: [-0.67, -0.28]
    ((9_856_967_210.0, 9_800_000_000.0), True),    # a plan at the baseline's bound: the range ends at 0
    ((9_856_966_210.0, 9_800_000_000.0), False),   # 1,000 yuan below it: proven
    ((10_300_000_000.0, 10_059_142_700.0), False),  # a bound 1,000 yuan above the baseline's plan: proven
])
def test_the_range_holds_zero_exactly_when_the_gaps_cannot_tell_the_runs_apart(
        other: tuple[float, float], within: bool) -> None:
    """The range [LB_b - UB_a, UB_b - LB_a] holds 0 exactly when the optimum intervals overlap,
    as siting/optimize/tolerance.py `within_tolerance` finds them from the objectives and gaps
    (which allows 1e-9 of the objective for round-off, about 10 yuan here: the cases a step from
    the edge are 1,000 yuan from it)."""
    base = run(BASE, 10_059_141_700.0, 9_856_967_210.0)
    compared = run("b", *other)
    low, high = objective_range(base, compared)
    assert (low <= 0.0 <= high) is within
    assert within_tolerance(base.objective_yuan, base.gap, compared.objective_yuan, compared.gap) is within
    assert difference_verdict(base, compared) == (WITHIN if within else PROVEN)


def test_a_run_without_a_bound_has_an_open_range() -> None:
    """Base 10 bn yuan with a bound of 9.8; b 9.9 bn yuan. Without b's bound and gap, its optimum
    may lie anywhere below 9.9: the difference is at most 9.9 - 9.8 = 0.1 bn yuan, with no low
    end (empty in the table), and within tolerance. With its gap of 1 % and no bound, its low is
    9.9 x 0.99 = 9.801: the range is [9.801 - 10, 0.1] = [-0.199, 0.1]. A bound above the plan's
    cost (solver round-off) counts as the plan's cost."""
    base = run("a", 10.0e9, 9.8e9)
    open_below = run("b", 9.9e9, None)
    table = comparison_table([base, open_below]).set_index("metric")
    assert (table.loc[RANGE_LOW_ROW, "b vs a"], table.loc[RANGE_HIGH_ROW, "b vs a"]) == (None, pytest.approx(1.0e8))
    assert table.loc[TOLERANCE_ROW, "b vs a"] == WITHIN
    shown = comparison_display(comparison_table([base, open_below]), [base, open_below]).set_index("metric")
    assert shown.loc[RANGE_ROW, f"b vs a: {INDISTINGUISHABLE}"] == "at most 0.10"
    low, high = objective_range(base, run("b", 9.9e9, None, gap=0.01))
    assert (low, high) == (pytest.approx(-0.199e9, abs=1.0), pytest.approx(1.0e8, abs=1.0))
    assert objective_range(base, run("b", 9.9e9, 9.95e9)) == (-0.1e9, 0.1e9)
    assert objective_range(base, CaseSummary(label="b", ok=False, error="NoSolution: none")) is None


def test_a_range_is_written_rounded_outward_to_the_hundredth_of_a_bn_yuan() -> None:
    assert range_text(-190_122_150.0, 154_487_390.0) == "-0.20 to 0.16"
    assert range_text(-668_772_210.0, -275_241_670.0) == "-0.67 to -0.27"
    assert range_text(-150_000_000.0, 100_000_000.0) == "-0.15 to 0.10"  # exact hundredths stay as they are
    assert range_text(-1.0e6, 1.0e6) == "-0.01 to 0.01"
    assert range_text(0.0, 0.0) == "0.00 to 0.00"
    assert range_text(None, 154_487_390.0) == "at most 0.16"
    assert range_text(-668_772_210.0, math.nan) == "at least -0.67"
    assert range_text(None, None) == ""


def test_comparison_files_mark_indistinguishable_differences_and_keep_the_csv_plain() -> None:
    """comparison.md: the strict red line's column is headed as differences between plans of
    indistinguishable cost, the range in one row, the gaps' differences in pp; comparison.csv:
    plain headers, the verdict row as a flag and the range's two ends in bn yuan (9 significant
    digits)."""
    runs = readme_runs()
    table = comparison_table(runs)
    csv = csv_text(table).splitlines()
    assert csv[0] == (f"metric,unit,{BASE},{STRICT},{STRICT} vs {BASE},{FLAT},{FLAT} vs {BASE}")
    assert csv[3:6] == ["objective difference,,,,within solver tolerance,,proven",
                        "objective difference: proven low,bn yuan,,,-0.19012215,,-0.66877221",
                        "objective difference: proven high,bn yuan,,,0.15448739,,-0.27524167"]
    assert csv[6] == "gap,%,2.00985826,1.42272084,-0.587137426,1.99709384,-0.0127644221"  # each gap rounded up
    markdown = table_files(comparison_display(table, runs), "comparison")["comparison.md"].splitlines()
    assert markdown[0] == (f"| metric | unit | {BASE} | {STRICT} | {STRICT} vs {BASE}: plans of indistinguishable "
                           f"cost, not shown to be effects of the change | {FLAT} | {FLAT} vs {BASE} |")
    assert markdown[4:7] == [
        "| objective difference |  |  |  | within solver tolerance |  | proven |",
        "| objective difference: proven range | bn yuan |  |  | -0.20 to 0.16 |  | -0.67 to -0.27 |",
        "| gap | % | 2.01 | 1.43 | -0.59 pp | 2.00 | -0.01 pp |"]
    assert "| capacity Qujing: Electrolyte | t/yr | 300,000 | 0 | -300,000 | 300,000 | 0 |" in markdown


def test_the_notes_say_what_the_differences_are() -> None:
    """Under the table: the range's meaning; the strict red line named as within solver
    tolerance, its cost rows as differences between plans of indistinguishable cost; what a
    proven difference proves. The terminal gives the note too, before the note on capacity rows."""
    runs = readme_runs()
    table = comparison_table(runs)
    note = difference_note(table, runs)
    assert note == (
        "The row `objective difference: proven range` gives where the difference of the two runs' optima lies, in "
        "bn yuan rounded outward: from the run's best bound less the baseline's objective to the run's objective "
        "less the baseline's best bound (each run's optimum lies between its best bound and its objective). "
        f"{STRICT} is within solver tolerance of the baseline: the solver has not shown which of the two costs "
        "less, so every difference in its column (headed \"plans of indistinguishable cost, not shown to be effects "
        "of the change\"), the cost rows (capex, site opening, sales and the others) as well as the capacity rows, "
        "is a difference between two plans of indistinguishable cost, not shown to be an effect of what the run "
        "changes. Where the objective difference is proven, what the run changes moves the optimum by an amount "
        "within that range; the cost and capacity rows still compare two plans each found only to its gap, one of "
        "possibly several of nearly its cost.")
    text = comparison_text(table, runs, "comparison.csv")
    assert "\n\nThe row `objective difference: proven range` gives" in text.split("\n\nCapacity rows give")[0]
    both = [runs[0], run(STRICT, 10_011_454_600.0, 9_869_019_550.0), run("c", 10.0e9, 9.9e9)]
    assert f"{STRICT} and c are within solver tolerance of the baseline:" in difference_note(
        comparison_table(both), both)
    assert "their columns (headed" in difference_note(comparison_table(both), both)
    failed = [runs[0], CaseSummary(label="b", ok=False, error="NoSolution: none")]
    assert difference_note(comparison_table(failed), failed) == ""


def test_the_gaps_differences_are_in_percentage_points_in_the_terminals_table_of_differences() -> None:
    """When the differences follow the runs' values, the gap row's unit there is pp."""
    runs = readme_runs()
    text = comparison_text(comparison_table(runs), runs, "comparison.csv")
    values, differences = text.split("\nDifferences against the baseline, yunnan_2024 ")
    assert [line.split() for line in values.splitlines() if line.startswith("gap ")] == [
        ["gap", "%", "2.01", "1.43", "2.00"]]
    assert [line.split() for line in differences.splitlines() if line.startswith("gap ")] == [
        ["gap", "pp", "-0.59", "-0.01"]]


def test_runs_with_the_same_plan_say_so() -> None:
    """b took a's plan (the same capacity, sites and cost, to the LP's noise of 1e-9 of it): "same
    plan", in the comparison and in a sweep's vs_first, and no column is marked; c has a's plan at
    another cost (another discount rate), which the gaps tell apart: "proven"."""
    a = run("a", 10.0e9, 9.8e9, sites_opened=("s1",), site_added={"s1": {"lfp": 100_000.0}})
    b = run("b", 10.0e9 + 10.0, 9.9e9, sites_opened=("s1",), site_added={"s1": {"lfp": 100_000.0}})
    c = run("c", 12.0e9, 11.9e9, sites_opened=("s1",), site_added={"s1": {"lfp": 100_000.0}})
    d = run("d", 10.0e9, 9.8e9, sites_opened=("s2",), site_added={"s2": {"lfp": 100_000.0}})
    assert [difference_verdict(a, other) for other in (b, c, d)] == [SAME_PLAN, PROVEN, WITHIN]
    runs = [a, b, c, d]
    table = comparison_table(runs)
    assert table.set_index("metric").loc[TOLERANCE_ROW, ["b vs a", "c vs a", "d vs a"]].tolist() == [
        SAME_PLAN, PROVEN, WITHIN]
    assert list(comparison_display(table, runs).columns)[4::2] == ["b vs a", "c vs a", f"d vs a: {INDISTINGUISHABLE}"]
    assert '"same plan": the two runs report the same plan' in difference_note(table, runs)
    swept = sweep_table(runs, [{"k": n} for n in range(4)])
    assert swept["vs_first"].tolist() == ["", SAME_PLAN, PROVEN, WITHIN]


def test_a_failure_is_named_by_its_kind_whatever_subclass_was_raised() -> None:
    """siting/optimize/explain.py raises InfeasiblePlan, a PlanInfeasible with its diagnosis: the
    summary's error names the kind, so the run counts as infeasible, not failed."""
    infeasible = error_text(InfeasiblePlan("the plan is infeasible: the rules cannot be met together.", None))
    assert infeasible == "PlanInfeasible: the plan is infeasible: the rules cannot be met together."
    assert run_outcome(False, "", infeasible) == INFEASIBLE
    assert failure_message(CaseSummary(label="a", ok=False, error=infeasible)) == (
        "the plan is infeasible: the rules cannot be met together.")
    assert error_text(PlanInfeasible("x")) == "PlanInfeasible: x"
    assert error_text(NoSolution("no plan within the time limit")) == "NoSolution: no plan within the time limit"
    assert error_text(InputError(["s.yaml: years | must rise"])) == (
        "InputError: 1 problem in the input:\n  - s.yaml: years | must rise")
    assert error_text(ValueError("bad value")) == "unexpected error: ValueError: bad value"
    assert [run_outcome(False, "", error_text(exc)) for exc in (NoSolution("x"), ValueError("x"))] == [FAILED] * 2


def moved_runs() -> list[CaseSummary]:
    """The shipped sweep over buffers of 0, 500 and 1,000 m: run01 took run03's plan with its own
    bound (gap (10.01 - 9.917907) / 10.01 = 0.92 %), run02 was solved again from it and ended at
    10.0115 bn yuan against its own 10.06."""
    taken = {"plan_from": {"run": "run03 buffer_m=1000", "objective_yuan": 10.01e9}}
    return [run("run01 buffer_m=0", 10.01e9, 9.917907e9, started_from="run03 buffer_m=1000",
                own_objective_yuan=10.12e9, searches=taken),
            run("run02 buffer_m=500", 10.0115e9, 9.86e9, started_from="run03 buffer_m=1000",
                own_objective_yuan=10.06e9),
            run("run03 buffer_m=1000", 10.01e9, 9.87e9)]


def test_a_sweep_names_the_runs_that_moved_to_another_runs_plan() -> None:
    """The note (sweep.md, and the terminal under the table) names each run that moved, whose plan
    it took or was solved again from, and both costs; "" when none moved."""
    runs = moved_runs()
    expected = ("Runs that moved to another run's plan, and so may report another plan than `siting solve` gives for "
                "the same settings: run01 buffer_m=0 took the plan of run03 buffer_m=1000 as it is (10.0100 bn yuan "
                "under its rules, against 10.1200 bn yuan for the plan its own solve had found; the bound its own "
                "solve proved shows it within 0.93%, and no new search ran); run02 buffer_m=500 was solved again "
                "starting from the plan of run03 buffer_m=1000 and ended at 10.0115 bn yuan, against 10.0600 bn "
                "yuan for the plan its own solve had found.")
    assert moved_note(runs) == expected
    table = sweep_table(runs, [{"constraints.redline.buffer_m": b} for b in (0, 500, 1000)])
    text = sweep_text(table, "sweep.csv", runs)
    assert text.endswith("\n\n" + "\n".join(textwrap.wrap(expected, 120, break_on_hyphens=False)))
    stayed = [dataclasses.replace(summary, started_from="", own_objective_yuan=None) for summary in runs]
    assert moved_note(stayed) == ""
    assert "Runs that moved" not in sweep_text(sweep_table(stayed, [{"k": n} for n in range(3)]), "sweep.csv", stayed)


def test_sweep_png_draws_each_gap_over_its_marker_and_labels_those_too_short_to_see() -> None:
    """Objectives of -25.1, -12.3, 10.06 and 6.2 bn yuan with gaps of 2 %, 1.5 %, 2.01 % and none:
    bars of 0.502, 0.1845 and 0.202206 bn yuan (the last run has none), each below 5 % of a panel
    about 37 bn yuan high, so each is labelled; the bars and their caps are drawn over the lines
    and markers (zorder 3 against 2). Objectives of 10.12, 10.06 and 10.01 at 2 %: bars of about
    0.2 bn yuan on a panel about 0.3 high, plainly visible, so none is labelled."""
    wide = pd.DataFrame({"run": ["run01", "run02", "run03", "run04"],
                         "price_path": ["observed", "observed", "flat_2024", "flat_2024"],
                         "objective.discount_rate": [0.05, 0.08, 0.05, 0.08], "status": ["optimal"] * 4,
                         "objective_yuan": [-25.1e9, -12.3e9, 10.06e9, 6.2e9], "gap": [0.02, 0.015, 0.0201, 0.0]})
    axes = sweep_figure(wide, ["price_path", "objective.discount_rate"], "sweep").axes[0]
    assert [text.get_text() for text in axes.texts] == ["gap 0.51", "gap 0.19", "gap 0.21"]  # rounded up
    bars = [collection for collection in axes.collections if collection.get_zorder() == 3]
    assert len(bars) == 1
    assert [tuple(round(v, 6) for v in segment[:, 1]) for segment in bars[0].get_segments()] == [
        (-25.602, -25.1), (-12.4845, -12.3), (9.857794, 10.06)]
    assert all(line.get_zorder() == 2 for line in axes.get_lines() if line.get_marker() == "o")
    assert {line.get_zorder() for line in axes.get_lines() if line.get_marker() == "_"} == {3}  # the caps
    narrow = pd.DataFrame({"run": ["run01", "run02", "run03"], "b": [0, 500, 1000], "status": ["optimal"] * 3,
                           "objective_yuan": [10.12e9, 10.06e9, 10.01e9], "gap": [0.02] * 3})
    assert len(sweep_figure(narrow, ["b"], "sweep").axes[0].texts) == 0
