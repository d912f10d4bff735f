"""manifest.json's `solver.gap_yuan` is never below the objective less the best bound as the file
writes them: the objective is written to its nearest 9th significant digit and the bound rounded
down, so an objective rounded up (toward zero) leaves a written difference a unit above the proven
gap rounded up; the gap written was then a unit below it (-22,703,928,740 yuan written
-22,703,928,700 beside a bound of -22,720,545,510 written -22,720,545,600: a gap of 16,616,800
written beside figures 16,616,900 apart)."""

from __future__ import annotations

import pytest

from siting.deliver.manifest import _gap_yuan, _maybe


@pytest.mark.parametrize(("objective", "bound"), [
    (-22_703_928_740.0, -22_720_545_510.0),  # the objective written a unit toward zero
    (-196_071_000_400.0, -196_267_068_780.0),
    (-196_071_000_000.0, -196_267_068_380.0),
    (-196_123_456_789.123456, -197_123_456_789.223456),  # a gap of 1,000,000,000.1: not 1,000,000,010
])
def test_the_gap_written_is_the_objective_less_the_bound_written(objective: float, bound: float) -> None:
    gap = (objective - bound) / abs(objective)
    assert _gap_yuan(objective, bound, gap) == _maybe(objective) - _maybe(bound, up=False)


def test_the_gap_written_is_never_below_what_was_proven() -> None:
    objective, bound = -196_071_000_600.0, -196_267_068_980.0  # the objective written a unit below itself
    gap = (objective - bound) / abs(objective)
    written = _gap_yuan(objective, bound, gap)
    assert written is not None and written >= objective - bound
    assert written == _maybe(objective) - _maybe(bound, up=False) + 1000.0
