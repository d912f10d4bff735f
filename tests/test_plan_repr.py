"""The plan's records print short in a notebook: `repr(solution.result)` and
`repr(solution.result.steady_state)` give each table's row count and the other figures' sizes on
a line or two, as `Solution` and `Problem` print one line; before, they printed every DataFrame
(22,000 and 9,100 characters on the shipped scenario)."""

from __future__ import annotations

from pathlib import Path

import siting

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def test_plan_and_steady_state_reprs_count_rows_instead_of_printing_them() -> None:
    plan = siting.solve(siting.load(SMALL, overrides={"objective.years_after_horizon": 5})).result
    text = repr(plan)
    assert text.startswith(f"Plan(builds: {len(plan.builds)} rows, capacity: {len(plan.capacity)} rows, ")
    assert f"costs: {len(plan.costs)} components" in text
    assert f"opened_sites: {len(plan.opened_sites)}" in text
    assert len(text) < 400 and "\n" not in text
    steady = plan.steady_state
    assert steady is not None
    assert repr(steady).startswith(f"SteadyState(year {steady.year}, standing for 5 years, capacity: "
                                   f"{len(steady.capacity)} rows")
    assert len(repr(steady)) < 300 and "\n" not in repr(steady)
