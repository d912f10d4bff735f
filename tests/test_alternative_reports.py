"""What the outputs say of a near-optimal alternative against the optimum.

An alternative's search minimises its overlap with the plans before it, not its cost, so it has no
bound of its own; but its cost is known, and so are the optimum's cost and the optimum's proven
bound, below which no plan costs. Its report says so (not that "no bound was proven"), its Solve
table gives the optimum's bound, labelled as the optimum's; the optimum's report and the terminal
give the alternatives' costs; alternatives.md says when the slack is below the optimum's proven
gap and marks the plans whose excess lies within it. The plans are those of
tests/test_alternatives.py's tiny instance with costs set by hand (the figures of the shipped
scenario's run: optimum 10.06 bn yuan proven within 2.01 %, alternatives 2.96 % and 3.18 % above).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from test_alternatives import one_product
from test_cheaper_alternative import costing
from test_families import SETTINGS

from siting.config.units import Names
from siting.deliver.explore import alternatives_markdown, near_optimal_line, within_gap_marks
from siting.deliver.report import alternatives_blocks, markdown, solve_blocks
from siting.optimize.alternatives import (
    ALTERNATIVE_TERMINATION,
    PlanSet,
    comparison,
    near_optimal_plans,
    near_optimal_record,
)

OPTIMUM = 10.0591418e9
GAP = 0.0200937241
UNPROVEN = "not proven within the asked gap"


@pytest.fixture(scope="module")
def tiny() -> PlanSet:
    return near_optimal_plans(one_product(), SETTINGS, 1, 0.05)


def with_costs(tiny: PlanSet, costs: list[float], gap: float | None = GAP, stopped: str = "iterationLimit"
               ) -> PlanSet:
    """`tiny`'s optimum and its alternative, repeated as alt02, ... to give one plan per cost: the
    optimum's solve proven within `gap` at the first cost; each alternative's search ended by
    `stopped` (HiGHS's termination name)."""
    plans = costing(PlanSet([tiny[0], *[dataclasses.replace(tiny[1], label=f"alt{n:02d}")
                                        for n in range(1, len(costs))]], asked=len(costs) - 1), costs)
    optimum = dataclasses.replace(plans[0], report=dataclasses.replace(plans[0].report, objective_yuan=costs[0],
                                                                       gap=gap))
    others = [dataclasses.replace(a, report=dataclasses.replace(a.report, termination=stopped)) for a in plans[1:]]
    return PlanSet([optimum, *others], asked=plans.asked)


def alternative_manifest(record: dict[str, Any] | None, cost: float) -> dict[str, Any]:
    """The manifest members the Solve section reads, as an alternative's folder has them."""
    manifest: dict[str, Any] = {
        "solver": {"termination": ALTERNATIVE_TERMINATION, "objective_yuan": cost, "best_bound_yuan": None,
                   "gap": None, "proven_within_gap": False, "settings": {"rel_gap": 0.025, "time_limit_s": 600}},
        "model_size": {"variables": 10, "integer_variables": 4, "constraints": 7}}
    if record is not None:
        manifest["near_optimal"] = record
    return manifest


def test_an_alternatives_report_gives_its_cost_against_the_optimum_and_its_proven_bound(tiny: PlanSet) -> None:
    plans = with_costs(tiny, [OPTIMUM, 10.3564446e9, 10.3790621e9])
    record = near_optimal_record(plans, 0.05, "alt01")
    assert record["optimum_bound_yuan"] == pytest.approx(9.857016e9, rel=1e-6)
    assert [r["over_optimum"] for r in record["plans"]] == pytest.approx([0.0, 0.0295555, 0.0318039], rel=1e-4)
    assert record["plans"][1]["over_bound"] == pytest.approx(0.0506673, rel=1e-4)
    assert record["plans"][1]["stopped_by"] == "node limit"
    text = markdown(solve_blocks(alternative_manifest(record, 10.3564446e9)))
    assert UNPROVEN not in text and "no bound was proven" not in text and "| best bound | n/a |" not in text
    assert "| best bound (the optimum's, proven) | 9.85 bn yuan |" in text
    assert "| over the optimum's cost | 2.96% |" in text
    assert "| over the optimum's proven bound | at most 5.07% |" in text
    assert ("This plan is a near-optimal alternative (alt01 of 2), not the cost-optimal plan: a plan within the 5% "
            "slack of the optimum's cost (up to 0.50 bn yuan more), as different as possible from the plans before "
            "it. It costs 10.36 bn yuan, "
            "2.96% above the optimum's cost (10.06 bn yuan), and at most 5.07% above the optimum's proven bound "
            "(9.85 bn yuan; no plan costs less), so its cost is proven within 5.07% of the best plan's.") in text
    assert "That search ended at its node limit, a limit of work, not of time" in text


def test_without_a_record_an_alternative_is_still_not_called_unproven() -> None:
    text = markdown(solve_blocks(alternative_manifest(None, 10.36e9)))
    assert UNPROVEN not in text and "Raise solver.time_limit_s" not in text
    assert "This plan is a near-optimal alternative, not the cost-optimal plan" in text


def test_an_alternative_stopped_by_the_time_limit_says_so(tiny: PlanSet) -> None:
    plans = with_costs(tiny, [OPTIMUM, 10.3564446e9], stopped="maxTimeLimit")
    text = markdown(solve_blocks(alternative_manifest(near_optimal_record(plans, 0.05, "alt01"), 10.3564446e9)))
    assert "That search ended at the time limit (the safety net)" in text
    assert "| its search ended by | time limit |" in text


def test_without_a_proven_bound_the_alternative_says_none_was_proven(tiny: PlanSet) -> None:
    plans = with_costs(tiny, [OPTIMUM, 10.3564446e9], gap=None)
    plans[0] = dataclasses.replace(plans[0], report=dataclasses.replace(plans[0].report, best_bound_yuan=None))
    record = near_optimal_record(plans, 0.05, "alt01")
    assert record["optimum_bound_yuan"] is None and record["plans"][1]["over_bound"] is None
    text = markdown(solve_blocks(alternative_manifest(record, 10.3564446e9)))
    assert "| best bound (the optimum's, proven) | n/a |" in text
    assert "no bound was proven for the optimum, so how far either lies from the best plan's cost is not known" in text


def test_a_slack_below_the_optimums_gap_is_said_and_rows_within_it_marked(tiny: PlanSet) -> None:
    """--slack 0.01 against an optimum proven within 2.01 %: alternatives 0.03 % and 0.11 % over."""
    inputs = one_product()
    plans = with_costs(tiny, [OPTIMUM, OPTIMUM * 1.0003, OPTIMUM * 1.0011])
    table = comparison(plans, inputs)
    assert within_gap_marks(table, GAP) == ["", "yes", "yes"]
    text = alternatives_markdown(plans, inputs, 0.01, table, GAP, Names())
    assert ("The slack (1%) is below the gap the optimum is proven within (2.01%): differences in cost below the gap "
            "are not proven") in text
    header = next(line for line in text.splitlines() if line.startswith("| plan |"))
    assert "| over_optimum_percent | within_gap |" in header
    rows = [line for line in text.splitlines() if line.startswith(("| alt01 |", "| alt02 |"))]
    assert len(rows) == 2 and all("| yes |" in row for row in rows)
    assert "`within_gap` is yes where that difference is within the optimum's proven gap" in text
    record = near_optimal_record(plans, 0.01, "alt02")
    assert "| over the optimum's cost | 0.11% (within the optimum's proven gap) |" in markdown(
        solve_blocks(alternative_manifest(record, OPTIMUM * 1.0011)))


def test_alternatives_above_the_gap_with_a_wider_slack_get_no_mark(tiny: PlanSet) -> None:
    inputs = one_product()
    plans = with_costs(tiny, [OPTIMUM, 10.3564446e9])
    table = comparison(plans, inputs)
    text = alternatives_markdown(plans, inputs, 0.05, table, GAP, Names())
    assert "within_gap" not in text and "The slack (5%) is below" not in text


def test_the_optimums_report_and_the_terminal_give_the_alternatives_costs(tiny: PlanSet) -> None:
    plans = with_costs(tiny, [OPTIMUM, 10.3564446e9, 10.3790621e9])
    record = near_optimal_record(plans, 0.05, "optimum")
    text = markdown(alternatives_blocks({"near_optimal": record}, {"s1": "Site one", "s2": "Site two"}))
    assert text.startswith("## Near-optimal alternatives\n")
    assert ("2 near-optimal alternatives within 5% of this plan's cost (10.06 bn yuan; up to 0.50 bn yuan more), "
            "each as different as possible from the plans before it") in text
    assert "no plan costs less than the bound (9.85 bn yuan)" in text
    assert ("| alternative | cost (bn yuan) | over the optimum | over the optimum's bound (at most) "
            "| sites that differ |") in text
    differing = record["plans"][1]["sites_differing"]
    assert len(differing) == 2  # the optimum builds on one site, its alternative on the other
    assert "| `alt01/` | 10.36 | 2.96% | 5.07% | 2: Site one, Site two |" in text.replace("Site two, Site one",
                                                                                       "Site one, Site two")
    assert "| `alt02/` | 10.38 | 3.18% | 5.30% |" in text
    assert alternatives_blocks({"near_optimal": near_optimal_record(plans, 0.05, "alt01")}, {}) == []
    assert alternatives_blocks({}, {}) == []
    assert near_optimal_line(record) == ("2 near-optimal alternatives within 5% of the optimum (10.06 bn yuan; up to "
                                         "0.50 bn yuan more): "
                                         "alt01 10.36 bn yuan, +2.96%; alt02 10.38 bn yuan, +3.18%. alt01, alt02 may "
                                         "move capacity between clusters (scope clusters): other splits that fit "
                                         "within the slack, not the cheapest")
    small = near_optimal_record(with_costs(tiny, [OPTIMUM, OPTIMUM * 1.0003]), 0.01, "optimum")
    assert near_optimal_line(small) == ("1 near-optimal alternative within 1% of the optimum (10.06 bn yuan; up to "
                                        "0.10 bn yuan more): alt01 "
                                        "10.06 bn yuan, +0.03%. alt01 may move capacity between clusters (scope "
                                        "clusters): another split that fits within the slack, not the cheapest; "
                                        "the optimum is proven within 2.01%, so differences "
                                        "below that are not proven")


def test_an_alternative_of_an_optimum_a_time_limit_stopped_is_not_said_to_be_reproducible() -> None:
    """The alternatives start from the optimum: when its own search stopped at the time limit,
    the same inputs may give another optimum, and other alternatives, whatever ended the
    alternative's own search (here its gap)."""
    from siting.deliver.mapinfo import near_optimal_text

    record = {"plan": "alt01", "slack": 0.05, "optimum_cost_yuan": 43.8e9, "optimum_bound_yuan": 9.3e9,
              "optimum_gap": 0.79,
              "plans": [{"plan": "optimum", "cost_yuan": 43.8e9, "over_optimum": 0.0, "over_bound": 3.7,
                         "stopped_by": "time limit"},
                        {"plan": "alt01", "cost_yuan": 44.0e9, "over_optimum": 0.0046, "over_bound": 3.73,
                         "stopped_by": "gap reached"}]}
    text = near_optimal_text(record)
    assert "the same inputs give the same plan" not in text
    assert ("That search ended with its overlap with the plans before it proven least, within the gap. But the "
            "optimum's own search stopped at the time limit, so the optimum may differ between runs and machines, "
            "and so may the alternatives that start from it") in text
    record["plans"][0]["stopped_by"] = "gap reached"
    assert "the same inputs give the same plan" in near_optimal_text(record)


def test_an_alternative_a_hair_cheaper_than_the_optimum_is_not_said_to_be_0_percent_below() -> None:
    """With `--slack 0` an alternative may cost 1.3e-05 of the optimum less than it (within the
    optimum's gap): the terminal printed "-0.00%" and the report "0.00% below the optimum's cost"."""
    from siting.deliver.explore import near_optimal_line
    from siting.deliver.mapinfo import near_optimal_text

    record = {"plan": "alt01", "slack": 0.0, "optimum_cost_yuan": 10.06e9, "optimum_bound_yuan": 9.857e9,
              "optimum_gap": 0.0201,
              "plans": [{"plan": "optimum", "cost_yuan": 10.06e9, "over_optimum": 0.0, "over_bound": 0.0206,
                         "stopped_by": "gap reached"},
                        {"plan": "alt01", "cost_yuan": 10.0599e9, "over_optimum": -1.3e-05, "over_bound": 0.0206,
                         "stopped_by": "gap reached"}]}
    assert "alt01 10.06 bn yuan, +0.00%" in near_optimal_line(record)
    text = near_optimal_text(record)
    assert "0.00% below" not in text
    assert "It costs 10.06 bn yuan, the same as the optimum's cost (10.06 bn yuan) to 0.01 %, a difference" in text
