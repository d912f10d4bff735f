"""The terminal's line on the alternatives and each alternative's report.md say which kind of
alternative each is: one that keeps the optimum's capacity by cluster (scope `sites`) or one
that may move capacity between clusters (scope `clusters`), which uses more of the slack and
shows another split that fits within it, not the cheapest."""

from siting.deliver.explore import near_optimal_line
from siting.deliver.mapinfo import near_optimal_text


def _record(plan: str = "optimum") -> dict:
    return {"plan": plan, "slack": 0.05, "optimum_cost_yuan": -194.75e9, "optimum_bound_yuan": -198.15e9,
            "optimum_gap": 0.0174,
            "plans": [{"plan": "optimum", "cost_yuan": -194.75e9, "over_optimum": 0.0, "over_bound": 0.0174,
                       "stopped_by": "gap reached", "scope": ""},
                      {"plan": "alt01", "cost_yuan": -193.51e9, "over_optimum": 0.0064, "over_bound": 0.0234,
                       "stopped_by": "gap reached", "scope": "sites"},
                      {"plan": "alt02", "cost_yuan": -185.30e9, "over_optimum": 0.0485, "over_bound": 0.0648,
                       "stopped_by": "node limit", "scope": "clusters"}]}


def test_the_terminal_says_which_alternatives_may_move_capacity_between_clusters() -> None:
    line = near_optimal_line(_record())
    assert line.endswith("alt02 -185.30 bn yuan, +4.85%. alt01 keeps the optimum's capacity by cluster (scope "
                         "sites); alt02 may move capacity between clusters (scope clusters): another split that "
                         "fits within the slack, not the cheapest")


def test_each_alternatives_report_says_its_kind() -> None:
    assert ("It keeps the optimum's modules by cluster, size and year and moves them among the sites of their "
            "clusters (scope `sites`): the same capacity in each cluster as the optimum.") in near_optimal_text(
        _record("alt01"))
    assert ("It may move capacity between clusters (scope `clusters`): another split between clusters that fits "
            "within the slack, not the cheapest such split.") in near_optimal_text(_record("alt02"))


def test_no_kind_without_a_scope() -> None:
    record = _record()
    for row in record["plans"]:
        row["scope"] = ""
    assert "scope" not in near_optimal_line(record)
