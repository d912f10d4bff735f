"""The terminal's line on the alternatives marks an alternative whose excess over the optimum lies
within the optimum's proven gap, as report.md and alternatives.md do, also where the slack is
above that gap (where it is below, one note covers every alternative)."""

from siting.deliver.explore import near_optimal_line


def _record(gap: float) -> dict:
    return {"plan": "optimum", "slack": 0.05, "optimum_cost_yuan": -194.75e9, "optimum_bound_yuan": -198.15e9,
            "optimum_gap": gap,
            "plans": [{"plan": "optimum", "cost_yuan": -194.75e9, "over_optimum": 0.0, "stopped_by": "gap reached"},
                      {"plan": "alt01", "cost_yuan": -193.51e9, "over_optimum": 0.0064, "stopped_by": "gap reached"},
                      {"plan": "alt02", "cost_yuan": -190.00e9, "over_optimum": 0.0244, "stopped_by": "gap reached"}]}


def test_an_alternative_within_the_gap_is_marked_on_the_terminal() -> None:
    line = near_optimal_line(_record(0.0174))
    assert ("alt01 -193.51 bn yuan, +0.64% (within the optimum's proven gap of 1.74%, not proven dearer); "
            "alt02 -190.00 bn yuan, +2.44%") in line
    assert "alt02 -190.00 bn yuan, +2.44% (" not in line


def test_no_mark_where_the_gap_is_below_every_excess() -> None:
    assert "within the optimum's proven gap" not in near_optimal_line(_record(0.0007))
