"""A slack is written as given, not rounded to a whole percent: `--slack 0.025` is "2.5%", not
"2%", and `--slack 0.0001` is "0.01%", not "0%" (a search proven to find nothing "within 0%"
when it was allowed 0.01 % would misstate what was proven).

Instance as tests/test_alternatives.py `with_q_only_at_s1`: the optimum costs 550, every other
plan 600 (9.09 % more)."""

from __future__ import annotations

import pytest
from test_families import SETTINGS, make_inputs

from siting.deliver.explore import alternatives_markdown, near_optimal_line
from siting.deliver.mapinfo import near_optimal_text
from siting.deliver.report import alternatives_blocks
from siting.optimize.alternatives import comparison, near_optimal_plans, near_optimal_record, slack_percent


def with_q_only_at_s1():
    return make_inputs(site_fixed_cost_yuan=50.0, capacity_target_units={("P", 2030): 30.0, ("Q", 2030): 10.0},
                       REDLINE_EXCLUDED=frozenset({("s2", "q")}))


@pytest.mark.parametrize(("share", "text"), [(0.05, "5%"), (0.025, "2.5%"), (0.0001, "0.01%"), (0.0, "0%"),
                                             (1.0, "100%"), (0.1, "10%"), (0.0125, "1.25%")])
def test_slack_percent(share: float, text: str) -> None:
    assert slack_percent(share) == text


def test_the_search_that_ends_names_the_slack_it_was_given() -> None:
    inputs = with_q_only_at_s1()
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.025)
    assert plans.ended == ("no other pattern of sites and products costs within 2.5% of the optimum "
                           "(proven by the solver)")
    text = alternatives_markdown(plans, inputs, 0.025, comparison(plans, inputs), None)
    assert text.startswith("# Near-optimal plans within 2.5% of the optimum\n")
    assert "each within 2.5% of its cost" in text


def test_the_terminal_report_and_alternative_name_the_slack_given() -> None:
    inputs = make_inputs(site_fixed_cost_yuan=50.0)
    plans = near_optimal_plans(inputs, SETTINGS, 1, 0.0001)  # s1 and s2 cost the same: one alternative
    assert len(plans) == 2
    record = near_optimal_record(plans, 0.0001, "optimum")
    assert " within 0.01% of the optimum (" in near_optimal_line(record)
    blocks = alternatives_blocks({"near_optimal": record}, {})
    assert any("within 0.01% of this plan's cost" in str(block) for block in blocks)
    assert "within the 0.01% slack of the optimum's cost" in near_optimal_text(
        near_optimal_record(plans, 0.0001, "alt01"))


def test_a_tiny_slack_is_never_in_exponent_form() -> None:
    from siting.config.units import slack_percent
    assert slack_percent(1e-7) == "0.00001%"
    assert slack_percent(0.0) == "0%"
