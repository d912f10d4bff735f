"""The near-optimal slack stated in yuan: a share of |optimum|, which with sales revenue above the
costs is a much smaller share of the costs before revenue (siting/deliver/mapinfo.py
`slack_amount_text`)."""

from __future__ import annotations

from siting.deliver.explore import near_optimal_line
from siting.deliver.mapinfo import slack_amount_text


def test_the_slack_is_stated_in_yuan_and_as_a_share_of_the_costs_before_revenue() -> None:
    """5 % of a net optimum of -196.11 bn yuan is 9.8055 bn yuan: 1.25 % of 783.82 bn yuan of
    costs before sales revenue (9.8055 / 783.82 = 0.012510)."""
    record = {"slack": 0.05, "optimum_cost_yuan": -196.11e9, "optimum_gross_cost_yuan": 783.82e9,
              "plans": [{"plan": "optimum", "cost_yuan": -196.11e9, "over_optimum": 0.0}]}
    assert slack_amount_text(record) == ("up to 9.81 bn yuan more, 1.25% of its 783.82 bn yuan of costs before sales "
                                         "revenue")
    assert near_optimal_line(record) == (
        "0 near-optimal alternatives within 5% of the optimum (-196.11 bn yuan; up to 9.81 bn yuan more, 1.25% of "
        "its 783.82 bn yuan of costs before sales revenue)")


def test_without_revenue_the_slack_is_its_amount_alone() -> None:
    """No sales: the net optimum is the cost; 2 % of 10.06 bn yuan is 0.2012 bn yuan. Without the
    optimum's cost nothing is said."""
    record = {"slack": 0.02, "optimum_cost_yuan": 10.06e9, "optimum_gross_cost_yuan": 10.06e9}
    assert slack_amount_text(record) == "up to 0.20 bn yuan more"
    assert slack_amount_text({"slack": 0.05}) == ""


def test_a_slack_that_rounds_to_zero_at_two_decimals_reads_at_the_decimals_that_show_it() -> None:
    """The small scenario's optimum, 0.0953199957 bn yuan (tests/test_figures_add_up.py), proven
    optimal: 5 % of it is 0.004766 bn yuan, "0.00" at two decimals, "0.005" at three; 0.01 % of it
    is 0.0000095 bn yuan, "0.0000" at four, "0.00001" at five. The share of the gross cost
    (0.004766 / 23.3825927 = 0.000204) keeps two decimals; a slack of 0 reads "0.00"."""
    record = {"slack": 0.05, "optimum_cost_yuan": 95_319_995.7, "optimum_gross_cost_yuan": 23_382_592_700.0}
    assert slack_amount_text(record) == ("up to 0.005 bn yuan more, 0.02% of its 23.38 bn yuan of costs before sales "
                                         "revenue")
    assert slack_amount_text({**record, "slack": 0.0001}).startswith("up to 0.00001 bn yuan more, ")
    assert slack_amount_text({"slack": 0.0, "optimum_cost_yuan": 95_319_995.7}) == "up to 0.00 bn yuan more"
