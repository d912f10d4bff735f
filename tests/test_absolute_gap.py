"""The proven gap in bn yuan beside its percentage, and the words when the net objective is near zero.

The relative gap is (UB - LB) / |UB|, UB the net objective (the gross cost less sales revenue). A
run whose sales nearly pay back its costs has a net objective near zero, and its relative gap reads
in the hundreds of percent for a plan a few tenths of a bn yuan from the optimum (as the shipped
scenario gave with `objective.shortfall_penalty_factor=2.18` under an earlier model: net objective
-0.08 bn yuan, best bound -0.33 bn yuan, a gap of 0.25 bn yuan shown as 312.50 %). The hand-made
run of these tests has those figures, on a gross cost of 100 bn yuan: capex 100 bn yuan, sales
revenue 100.08 bn yuan.

- UB - LB = -0.08 - (-0.33) = 0.25 bn yuan; the relative gap 0.25 / 0.08 = 3.125 (312.50 %);
- |UB| / gross = 0.08 / 100 = 0.08 %, under NEAR_ZERO_SHARE (1 %): near zero;
- the absolute gap is 0.25 / 100 = 0.25 % of the gross cost.

The shipped run itself (10.06 bn yuan net of some 185.6 bn yuan of gross cost, 5.4 %, gap 2.01 %)
is not near zero: its outputs give the absolute gap (10.06 x 0.0201 = 0.20 bn yuan) and no note.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from pathlib import Path

import pytest

from siting.cli import format_summary, wrap_text
from siting.config.units import bound_bn
from siting.deliver.manifest import manifest
from siting.deliver.report import Block, solve_blocks
from siting.deliver.tables import (
    NEAR_ZERO_SHARE,
    absolute_gap_yuan,
    csv_text,
    gross_cost_yuan,
    near_zero_note,
    near_zero_objective,
)
from siting.runs.job import RunResult, run_solve
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    ABSOLUTE_GAP_ROW,
    comparison_csv,
    comparison_table,
    comparison_text,
    near_zero_runs_note,
    sweep_table,
    sweep_text,
)

BN = 1e9

#: The hand-made near-zero run: net objective -0.08 bn yuan, best bound -0.33 bn yuan.
NEAR_OBJECTIVE, NEAR_BOUND = -0.08 * BN, -0.33 * BN
NEAR_GAP = (NEAR_OBJECTIVE - NEAR_BOUND) / abs(NEAR_OBJECTIVE)  # 3.125
NEAR_COSTS = {"capex": 100.0 * BN, "sales": -100.08 * BN}

#: The note those figures give (the report's paragraph; the terminal's, lower-cased after "note: ").
NEAR_NOTE = ("The relative gap, 312.50%, is measured against the net objective, -0.08 bn yuan, which is near zero: "
             "0.08% of the gross cost of 100.00 bn yuan (under 1%), sales revenue nearly paying it back. Read the "
             "absolute gap instead: 0.25 bn yuan, 0.25% of the gross cost.")

#: The shipped run's figures: not near zero.
SHIPPED_COSTS = {"capex": 185.6 * BN, "sales": -175.54 * BN}


def test_the_absolute_gap_is_the_share_times_the_objective_it_is_measured_against() -> None:
    assert abs(NEAR_GAP - 3.125) < 1e-12
    assert absolute_gap_yuan(NEAR_OBJECTIVE, NEAR_GAP) == pytest.approx(0.25 * BN, rel=1e-12)
    assert absolute_gap_yuan(10.06 * BN, 0.0201) == pytest.approx(0.202206 * BN, rel=1e-12)
    # An objective of 0: the relative gap is |LB| / 1e-9 (siting/optimize/solve.py `relative_gap`).
    assert absolute_gap_yuan(0.0, 0.3 * BN / 1e-9) == pytest.approx(0.3 * BN, rel=1e-12)
    assert absolute_gap_yuan(None, 0.02) is None
    assert absolute_gap_yuan(10.0 * BN, None) is None


def test_near_zero_is_under_one_percent_of_the_gross_cost() -> None:
    """The gross cost is the sum of the components above zero: 100 bn yuan. A net objective of
    0.99 bn yuan (0.99 %) is near zero, one of 1.00 bn yuan is not; without sales revenue the net
    objective is the gross cost, never near zero."""
    assert NEAR_ZERO_SHARE == 0.01
    assert gross_cost_yuan(NEAR_COSTS) == 100.0 * BN
    assert gross_cost_yuan({}) == 0.0
    assert near_zero_objective(NEAR_OBJECTIVE, NEAR_COSTS)
    assert near_zero_objective(0.99 * BN, NEAR_COSTS) and near_zero_objective(-0.99 * BN, NEAR_COSTS)
    assert not near_zero_objective(1.0 * BN, NEAR_COSTS)
    assert not near_zero_objective(10.06 * BN, SHIPPED_COSTS)  # 5.4 % of 185.6 bn yuan
    assert not near_zero_objective(5.0 * BN, {"capex": 5.0 * BN})
    assert not near_zero_objective(None, NEAR_COSTS)
    assert not near_zero_objective(0.0, {})


def test_the_note_names_the_relative_gap_the_net_objective_and_the_absolute_gap() -> None:
    """The note only for a near-zero net objective with a gap that shows (0.01 % or more)."""
    assert near_zero_note(NEAR_OBJECTIVE, NEAR_GAP, NEAR_COSTS) == NEAR_NOTE
    assert near_zero_note(10.06 * BN, 0.0201, SHIPPED_COSTS) == ""
    assert near_zero_note(NEAR_OBJECTIVE, 0.0, NEAR_COSTS) == ""
    assert near_zero_note(NEAR_OBJECTIVE, 0.00004, NEAR_COSTS) == ""  # shows as 0.00 %
    assert near_zero_note(NEAR_OBJECTIVE, 0.0001, NEAR_COSTS) != ""
    assert near_zero_note(NEAR_OBJECTIVE, None, NEAR_COSTS) == ""
    # A positive net objective near zero reads the same way.
    assert near_zero_note(0.5 * BN, 0.5, NEAR_COSTS) == (
        "The relative gap, 50.00%, is measured against the net objective, 0.50 bn yuan, which is near zero: 0.50% "
        "of the gross cost of 100.00 bn yuan (under 1%), sales revenue nearly paying it back. Read the absolute gap "
        "instead: 0.25 bn yuan, 0.25% of the gross cost.")


# --- a solved run: terminal, manifest.json and report ------------------------------------------

@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The small scenario (tests/data/small) asked for a 20 % gap, which its solve stops within,
    above 0 (tests/test_batch_pie_scale.py: above 0.1 %)."""
    folder = tmp_path_factory.mktemp("absolute_gap")
    scenario = Path(__file__).parent / "data" / "small" / "scenario.yaml"
    return run_solve(scenario, folder / "out", overrides=(("solver.rel_gap", 0.2),))


def near_zero(result: RunResult) -> RunResult:
    """`result` with the hand-made near-zero figures: a stop at the time limit with a plan of -0.08
    bn yuan and a bound of -0.33 bn yuan, on the costs NEAR_COSTS (every other component 0)."""
    report = dataclasses.replace(result.report, termination="maxTimeLimit", proven_optimal=False,
                                 objective_yuan=NEAR_OBJECTIVE, best_bound_yuan=NEAR_BOUND, gap=NEAR_GAP)
    costs = {name: NEAR_COSTS.get(name, 0.0) for name in result.plan.costs}
    made = copy.copy(result)
    made.report, made.plan = report, dataclasses.replace(result.plan, costs=costs)
    return made


def solver_record(result: RunResult) -> dict:
    return manifest(result.prepared.loaded, {}, result.report, result.plan, {}, {}, [], ())


def test_a_solve_gives_its_gap_in_bn_yuan_in_every_output(solved: RunResult) -> None:
    """The small scenario's solve within 20 %: manifest.json's `gap_yuan` is its objective less its
    best bound (to the manifest's 9 significant digits), right after `gap`; the terminal's objective
    line, report.md's Solve table and nothing else say so in bn yuan; its net objective, -22.72 bn
    yuan of 5.94 bn yuan of gross cost, is far from zero: no note."""
    record = json.loads((solved.out_dir / "manifest.json").read_text(encoding="utf-8"))["solver"]
    assert record["gap"] > 1e-3
    # each figure is rounded to 9 significant digits (`clean`): objective and bound by up to half a
    # unit of their 9th digit each
    digit = 10.0 ** (math.floor(math.log10(max(abs(record["objective_yuan"]), abs(record["best_bound_yuan"])))) - 8)
    assert record["gap_yuan"] == pytest.approx(record["objective_yuan"] - record["best_bound_yuan"], abs=digit)
    keys = list(record)
    assert keys[keys.index("gap") + 1] == "gap_yuan"
    shown = bound_bn(record["gap_yuan"], up=True)  # a proven figure, rounded up: 1.851 reads 1.86
    summary = format_summary(solved)
    objective = next(line for line in summary.splitlines() if line.startswith("objective "))
    assert objective.endswith(f", absolute gap {shown}")
    assert "near zero" not in summary
    report = (solved.out_dir / "report.md").read_text(encoding="utf-8")
    assert f"| absolute gap (objective less best bound) | {shown} |" in report
    assert "near zero" not in report


def test_the_terminal_says_a_near_zero_objective_makes_the_percentage_misleading(solved: RunResult) -> None:
    """The status line keeps the percentage (as map.png's title); the objective line gives the gap
    in bn yuan; under the costs, the note, lower-cased after "note: ", wrapped at 120 characters."""
    lines = format_summary(near_zero(solved)).splitlines()
    assert lines[1].startswith("status    stopped at the time limit with a plan, gap 312.50%; solved in ")
    assert lines[2] == "objective -0.08 bn yuan (discounted), best bound -0.33 bn yuan, absolute gap 0.25 bn yuan"
    start = next(i for i, line in enumerate(lines) if line.startswith("note: the relative gap"))
    assert lines[start - 1].startswith("  sales (revenue, negative)")
    end = lines.index("", start)
    assert max(len(line) for line in lines[start:end]) <= 120
    assert all(line.startswith("  ") for line in lines[start + 1:end])
    assert " ".join(line.strip() for line in lines[start:end]) == "note: t" + NEAR_NOTE[1:]


def test_a_wrapped_note_never_breaks_inside_the_money_unit() -> None:
    """"gap 0.49 bn yuan" in lines of 11: "gap 0.49 bn" would fit, but the figure and its unit go
    on a line of their own, whole; the note of the shipped run with factor 2.18 broke "bn / yuan"."""
    assert wrap_text("gap 0.49 bn yuan", 11) == ["gap", "  0.49 bn yuan"]
    assert wrap_text("gap 0.49 bn yuan, as shown", 20) == ["gap 0.49 bn yuan, as", "  shown"]


def test_the_manifest_and_the_report_of_a_near_zero_objective(solved: RunResult) -> None:
    """manifest.json: `gap` 3.125 and `gap_yuan` 0.25 bn yuan; the report's Solve table gives both,
    and the note as a paragraph under it."""
    record = solver_record(near_zero(solved))
    assert (record["solver"]["gap"], record["solver"]["gap_yuan"]) == (3.125, 250000000.0)
    blocks = solve_blocks(record)
    rows = {row[0]: row[1] for row in blocks[1].content.rows}
    assert rows["gap"] == "312.50% (tolerance 20.00%)"
    assert rows["absolute gap (objective less best bound)"] == "0.25 bn yuan"
    # A stop at the time limit: first what the unproven plan is worth (tests/test_unproven_plan.py).
    assert blocks[2].content.startswith("This plan is not proven within the asked gap: the best plan may cost up to "
                                        "0.25 bn yuan less (gap 312.50%)")
    assert blocks[3:] == [Block("p", NEAR_NOTE)]
    plain = solve_blocks(solver_record(solved))
    assert [block.kind for block in plain] == ["h2", "table"]


# --- compare and sweep -------------------------------------------------------------------------

def case(label: str, objective_yuan: float, gap: float, costs: dict[str, float]) -> CaseSummary:
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_yuan, gap=gap, costs=costs,
                       final_year=2024)


def runs() -> list[CaseSummary]:
    """The shipped run as the baseline (10.06 bn yuan, gap 2.01 %: 0.202206 bn yuan) and the
    near-zero run (gap 312.50 %: 0.25 bn yuan)."""
    return [case("base", 10.06 * BN, 0.0201, SHIPPED_COSTS), case("near", NEAR_OBJECTIVE, NEAR_GAP, NEAR_COSTS)]


#: The note under a comparison or sweep that holds the near-zero run.
RUNS_NOTE = ("A run whose net objective (the gross cost less sales revenue) is near zero, under 1% of its gross cost: "
             "its relative gap is measured against that near-zero figure and reads far larger than the plan's "
             "distance from the optimum; read the absolute gap instead: near (net objective -0.08 bn yuan, gap "
             "312.50%, absolute gap 0.25 bn yuan).")


def test_a_comparison_gives_each_run_s_gap_in_bn_yuan_under_its_percentage() -> None:
    """The row ABSOLUTE_GAP_ROW right after `gap`, in yuan (bn yuan in comparison.csv), with its
    difference against the baseline: 0.25 - 0.202206 = 0.047794 bn yuan."""
    table = comparison_table(runs())
    metrics = list(table["metric"])
    assert metrics[metrics.index("gap") + 1] == ABSOLUTE_GAP_ROW == "absolute gap"
    row = table.loc[table["metric"] == ABSOLUTE_GAP_ROW].iloc[0]
    assert row["unit"] == "yuan"
    assert (row["base"], row["near"]) == (pytest.approx(0.202206 * BN), pytest.approx(0.25 * BN))
    assert row["near vs base"] == pytest.approx(0.047794 * BN)
    assert "absolute gap,bn yuan,0.202206,0.25,0.047794\n" in comparison_csv(table)
    text = comparison_text(table, runs(), "comparison.csv")
    assert " ".join(text.split()).count(RUNS_NOTE) == 1


def test_a_sweep_gives_each_run_s_gap_in_bn_yuan_beside_its_percentage() -> None:
    """`gap_yuan` right after `gap` (sweep.csv: `gap_bn_yuan` after `gap_percent`); the note under
    the printed table names the near-zero run."""
    table = sweep_table(runs(), [{"objective.shortfall_penalty_factor": v} for v in (3, 2.18)])
    columns = list(table.columns)
    assert columns[columns.index("gap") + 1] == "gap_yuan"
    assert list(table["gap_yuan"]) == [pytest.approx(0.202206 * BN), pytest.approx(0.25 * BN)]
    header, first, second = csv_text(table).splitlines()
    assert "objective_bn_yuan,gap_percent,gap_bn_yuan," in header
    assert ",10.06,2.01,0.202206," in first and ",-0.08,312.5,0.25," in second
    text = sweep_text(table, "sweep.csv", runs())
    assert " ".join(text.split()).count(RUNS_NOTE) == 1


def test_the_runs_note_names_only_near_zero_runs_with_a_gap() -> None:
    assert near_zero_runs_note(runs()) == RUNS_NOTE
    assert near_zero_runs_note(runs()[:1]) == ""
    proven = case("near", NEAR_OBJECTIVE, 0.0, NEAR_COSTS)  # proven optimal: nothing to misread
    failed = CaseSummary(label="failed", ok=False, error="PlanInfeasible: ...")
    assert near_zero_runs_note([runs()[0], proven, failed]) == ""
    two = [*runs(), case("nearer", 0.05 * BN, 2.0, NEAR_COSTS)]
    assert near_zero_runs_note(two) == (
        "Runs whose net objective (the gross cost less sales revenue) is near zero, under 1% of their gross cost: "
        "their relative gap is measured against that near-zero figure and reads far larger than the plan's "
        "distance from the optimum; read the absolute gap instead: near (net objective -0.08 bn yuan, gap "
        "312.50%, absolute gap 0.25 bn yuan); nearer (net objective 0.05 bn yuan, gap 200.00%, absolute gap "
        "0.10 bn yuan).")
