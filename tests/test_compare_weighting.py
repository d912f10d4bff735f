"""Runs whose objectives weigh the years otherwise are not compared by objective.

A run's objective sums its yearly costs and revenue, each year weighted by the discount rate, by
the years the last plan year stands for after it (`objective.years_after_horizon`) and over the
plan's years: two runs that weigh them otherwise have objectives in different money, so the gaps
prove nothing of their difference. The verdict says so and why; runs weighted alike are compared
as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
from conftest import MadeRun

from siting.cli import main
from siting.optimize.tolerance import WITHIN
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    PROVEN,
    comparison_table,
    difference_verdict,
    objective_range,
    sweep_range_note,
    sweep_table,
)

DATA = Path(__file__).parent / "data" / "small"


def weighting(rate: float = 0.06, after: int = 0, years: tuple[int, ...] = (2022, 2023, 2024)) -> dict[str, Any]:
    return {"discount_rate": rate, "years_after_horizon": after, "years": list(years)}


def summary(label: str, objective_bn: float, gap: float, **weights: Any) -> CaseSummary:
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_bn * 1e9, gap=gap,
                       best_bound_yuan=objective_bn * 1e9 * (1 - gap), weighting=weighting(**weights))


def test_runs_weighted_alike_keep_their_verdicts() -> None:
    """-136.69 against -135.50 bn yuan at 0 gap: proven; with a 5 % gap: within the gaps."""
    base = summary("a", -136.69, 0.0)
    assert difference_verdict(base, summary("b", -135.50, 0.0)) == PROVEN
    assert difference_verdict(base, summary("b", -135.50, 0.05)) == WITHIN
    assert objective_range(base, summary("b", -135.50, 0.0)) is not None


def test_runs_with_other_years_after_the_horizon_are_not_comparable() -> None:
    base, other = summary("a", -136.69, 0.0), summary("b", -135.50, 0.0, after=14)
    verdict = difference_verdict(base, other)
    assert verdict == ("not comparable: the objectives weigh the years differently "
                       "(objective.years_after_horizon 14 vs 0)")
    assert objective_range(base, other) is None  # no proven range of a difference in different money
    table = comparison_table([base, other]).set_index("metric")
    assert table.loc["objective difference", "b vs a"] == verdict
    assert pd.isna(table.loc["objective difference: proven low", "b vs a"])
    swept = sweep_table([base, other], [{"k": 0}, {"k": 14}])
    assert swept["vs_first"].tolist() == ["", verdict]
    note = sweep_range_note([base, other])  # the sweep's ranges leave b out, and say why
    assert "1.19" not in note
    assert "not comparable with the first run, a: b (objective.years_after_horizon 14 vs 0)" in note


def test_runs_with_another_discount_rate_or_years_are_not_comparable() -> None:
    base = summary("a", -136.69, 0.0)
    assert difference_verdict(base, summary("b", -135.50, 0.0, rate=0.08)) == (
        "not comparable: the objectives weigh the years differently (objective.discount_rate 8 % vs 6 %)")
    assert difference_verdict(base, summary("b", -135.50, 0.0, years=(2022, 2023, 2024, 2025))) == (
        "not comparable: the objectives weigh the years differently (years 2022-2025 vs 2022-2024)")
    # even a difference the gaps could not tell apart is not "within solver tolerance"
    assert difference_verdict(summary("a", -136.69, 0.05), summary("b", -135.50, 0.05, rate=0.08)).startswith(
        "not comparable")


def test_compare_says_runs_weighted_otherwise_are_not_comparable(not_comparable_compare_run: MadeRun) -> None:
    """The small scenario against itself with 3 years after the horizon (conftest's
    `not_comparable_compare_run`, later.yaml): the second objective counts the last year four
    times over, so no verdict of the gaps is given."""
    out = not_comparable_compare_run.out
    printed = not_comparable_compare_run.stdout
    verdict = ("not comparable: the objectives weigh the years differently "
               "(objective.years_after_horizon 3 vs 0)")
    csv = pd.read_csv(out / "comparison.csv").set_index("metric")
    assert csv.loc["objective difference", "later vs small"] == verdict
    assert pd.isna(csv.loc["objective difference: proven low", "later vs small"])
    markdown = (out / "comparison.md").read_text()
    assert verdict in markdown
    assert "not comparable" in printed  # cut short in its cell, said whole in the note under the table
    assert "later (objective.years_after_horizon 3 vs 0)" in " ".join(printed.split())
    for text in (printed, markdown, (out / "comparison.csv").read_text()):
        assert "proven |" not in text and ",proven" not in text
        assert " proven\n" not in text and f"{WITHIN} |" not in text


def test_a_sweep_over_the_years_after_the_horizon_compares_no_objectives(tmp_path: Path, capsys) -> None:
    """A sweep of objective.years_after_horizon over 0 and 3: `vs_first` says not comparable, and
    the note gives no proven range of the second run's optimum less the first's."""
    folder = shutil.copytree(DATA, tmp_path / "small")
    out = tmp_path / "sweep"
    assert main(["sweep", str(folder / "scenario.yaml"), "--set", "objective.years_after_horizon=0,3",
                 "--out", str(out), "--workers", "1", "--quiet"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    table = pd.read_csv(out / "sweep.csv", keep_default_na=False)
    assert table["vs_first"].tolist() == ["", "not comparable: the objectives weigh the years differently "
                                              "(objective.years_after_horizon 3 vs 0)"]
    markdown = " ".join((out / "sweep.md").read_text().split())
    for text in (printed, markdown):
        assert "not comparable with the first run, run01 years_after_horizon=0: run02 years_after_horizon=3 " \
               "(objective.years_after_horizon 3 vs 0)" in text
        assert "The proven range" not in text
