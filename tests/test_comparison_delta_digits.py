"""The comparison table's differences are written to the 9 significant digits of every other
figure of it (`comparison_table`, `_delta`): the absolute gap's difference, taken from the gaps as
solved, is not carried at full float precision (-366243666.841339 in a shipped comparison)."""

from __future__ import annotations

from siting.runs.pool import CaseSummary
from siting.runs.tables import ABSOLUTE_GAP_ROW, comparison_table


def run(label: str, objective_yuan: float, bound_yuan: float) -> CaseSummary:
    gap = (objective_yuan - bound_yuan) / abs(objective_yuan)
    return CaseSummary(label=label, ok=True, status="optimal", objective_yuan=objective_yuan,
                       best_bound_yuan=bound_yuan, gap=gap, final_year=2024, units={}, capacity={})


def test_the_differences_are_written_to_9_significant_digits() -> None:
    """Absolute gaps 1.3662436668413 and 1.0000000001 bn yuan, written as the runs' manifests
    write them (siting/deliver/manifest.py `written_gap_yuan`: 1,366,244,000 and 1,000,000,000
    yuan, at the digit of their objectives and bounds): their difference is -366,244,000 yuan, not
    -366243666.7413 as solved; the objectives differ by -123456789.123456 yuan."""
    base = run("base", -196_000_000_000.0, -197_366_243_666.8413)
    other = run("other", -196_123_456_789.123456, -197_123_456_789.223456)
    table = comparison_table([base, other]).set_index("metric")
    column = "other vs base"
    assert table.loc[ABSOLUTE_GAP_ROW, column] == -366_244_000.0
    assert table.loc["objective", column] == -123_456_789.0
    assert table.loc["gap", column] == float(f"{other.gap - base.gap:.9g}")
