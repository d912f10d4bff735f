"""rule_costs.md says what relaxing each family it prices takes away, and that the market caps'
cost is revenue forgone for want of market, not a cost a rule of the plan could save: without it
"market 147.66" reads as the price of a policy."""

from __future__ import annotations

from models import RULE_COST_FAMILIES
from siting.optimize.relax import RELAXED_WORDS
from tests.conftest import MadeRun


def test_every_priced_family_has_its_words() -> None:
    assert set(RULE_COST_FAMILIES) <= set(RELAXED_WORDS)


def test_rule_costs_md_says_what_each_relaxation_means(small_rule_costs_run: MadeRun) -> None:
    text = (small_rule_costs_run.out / "rule_costs.md").read_text(encoding="utf-8")
    rules = [line.split("|")[1].strip() for line in text.splitlines()[2:] if line.startswith("| ")]
    assert rules
    meaning = text.split("Relaxing a family means: ", 1)[1].split("\n", 1)[0]
    for rule in rules:
        assert f"{rule}: {RELAXED_WORDS[rule]}" in meaning
    if "market" in rules:
        assert "not a cost that relaxing a rule of the plan could save" in meaning
