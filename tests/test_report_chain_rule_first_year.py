"""A product imported in a year before its chain-balance rule holds (the upstream product's lead
time, models/families/chain_balance.py `chain_applies`): "Imports the province could make for
less" says from which year the rule holds, that it does not apply to the import year, and, in
the years it holds, whether it binds (`binding_chains`): a reader checking the local share in
the import year would otherwise conclude the rule was broken.

Instance: tests/test_chain_balance_lead_time.py `standing_q_case` (2030 and 2031, discount
factors 1; q made from p, 2 units of p a unit of q; at least 50 % of the p that q uses made in
the province; p modules, 10 units/yr for 100 yuan, take a year to produce; an existing q plant of
10 units/yr at s1 which the output-value target keeps running), p imported at 20 yuan a unit in
2030 and at `price_2031` in 2031. 2030: no p module produces yet, the rule has no row, the 20
units of p the q plant uses are imported (400 yuan), though a p module at full use would make p
for 10 yuan a unit. 2031: the rule asks 10 units of local p.
"""

from __future__ import annotations

from test_binding_rules_families import plan_of
from test_chain_balance_lead_time import standing_q_case
from test_families import Y1, Y2, without
from test_report_imports import loaded_stub, section

from models.inputs import ModelInputs
from siting.deliver.drivers import replaceable_imports
from siting.deliver.report import explanation_blocks

UNITS = {"p": "t", "q": "t", "r": "t"}
RULE = ("the chain-balance rule of P (at least 50% of the P that Q production uses made in the province) holds "
        "from 2031, the first year a module of P decided within the plan can produce, so it does not apply to 2030")


def case(price_2031: float, **overrides: object) -> ModelInputs:
    return standing_q_case(import_price_yuan_per_unit={("p", Y1): 20.0, ("p", Y2): price_2031}, **overrides)


def reasons(inputs: ModelInputs, objective: float) -> tuple[str, ...]:
    [item] = replaceable_imports(inputs, plan_of(inputs, objective), UNITS)
    assert [y.year for y in item.years] == [Y1]
    return item.reasons


def test_the_rule_binding_in_the_year_it_holds() -> None:
    """p at 5 yuan in 2031: one p module (100 yuan) makes the 10 units the rule asks, the other 10
    are imported (50 yuan): 400 + 150 = 550. Local p is exactly 50 % of q's use: the rule binds."""
    assert reasons(case(5.0), 550.0) == (
        "the lead time: modules of P decided from 2030 on first produce in 2031, 1 year later; 2030 comes before",
        f"{RULE}; it binds in 2031")


def test_the_rule_met_with_room_in_the_year_it_holds() -> None:
    """p at 30 yuan in 2031: two p modules (200 yuan) make all 20 units: 400 + 200 = 600. Local p
    is all q uses, above the 50 %: the rule does not bind. The report says it under the heading."""
    inputs = case(30.0)
    assert reasons(inputs, 600.0)[1] == f"{RULE}; it does not bind in 2031"
    assert f"- {RULE}; it does not bind in 2031\n" in section(explanation_blocks(loaded_stub(), inputs,
                                                                                 plan_of(inputs, 600.0)))


def test_no_word_of_the_rule_when_it_holds_in_every_import_year() -> None:
    """Without the chain-balance family the rule holds in no year: nothing is said of it (2030's
    p is imported as before; 2031's as well at 5 yuan, below a module's 10: 400 + 100 = 500)."""
    inputs = without(case(5.0), "chain_balance")
    assert not any("chain-balance" in r for r in reasons(inputs, 500.0))
