"""A chain-balance rule whose rows start after the plan's first year (the upstream product's lead
time, models/families/chain_balance.py `chain_applies`) says from which year it holds, where
the conflict diagnosis and the rule costs describe it."""

from __future__ import annotations

from test_chain_balance_lead_time import standing_q_case

from siting.optimize.explain import Describer, RuleInstance

UNITS = {"p": "t", "q": "t"}


def sentence(inputs) -> str:
    return Describer(inputs, UNITS).conflict(RuleInstance("chain_balance", ("p",)), 0.0).sentence


def test_the_rule_says_its_first_year_when_the_lead_time_delays_it() -> None:
    assert sentence(standing_q_case()).startswith(
        "local p production must cover at least 50% of what q uses, from 2031, the first year a module of p "
        "decided within the plan can produce")


def test_a_rule_that_holds_from_the_plan_s_first_year_says_no_year() -> None:
    assert sentence(standing_q_case(lead_time_yr={})).startswith(
        "local p production must cover at least 50% of what q uses")
    assert "from 20" not in sentence(standing_q_case(lead_time_yr={}))
