"""A target group that no site may make (here FePO4, whose only rock lies beyond a 1 m proximity
limit of every site) has no capacity-ceiling row: the run solves, the target is short by all of
it, instead of Pyomo refusing a row that reads `0 <= U`."""

from __future__ import annotations

from pathlib import Path

import siting


def test_a_group_no_site_may_make_is_short_not_a_crash(folder: Path):
    problem = siting.load(folder / "scenario.yaml", overrides={
        "targets.strict": False, "targets.capacity_ceiling_factor": 1.5,
        "targets.capacity.fepo4": {2024: 100000},
        "constraints.proximity.max_distance_km.phosphate_rock": 0.001})
    solution = siting.solve(problem)
    fepo4 = solution.targets.set_index("target").loc["fepo4"]
    assert (fepo4["achieved"], fepo4["shortfall"]) == (0.0, 100000.0)
    assert "fepo4" not in {p for p in solution.plan["product"]}
