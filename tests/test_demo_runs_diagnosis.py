"""An infeasibility the recycling demonstrations' running share causes is diagnosed in words that
name that share and its setting (`constraints.recycling_demo.min_run_share`), not only the
demonstrations' count and size, which alone would be met.

Instance (tests/test_families.py `with_recycling`, one year 2030): an R target of 20 units,
exactly one demonstration of exactly 10 units, utilisation of r 0.8, and at most 3 units of r
sold out of the province (the market rule), none used in it. With a running share of 0.5 the
demonstration makes at least 0.5 x 0.8 x 10 = 4 units > 3: no plan. Without it, or with the
share at 0.3 (2.4 units), there is one.
"""

from __future__ import annotations

from test_families import SETTINGS, Y1, solve, with_recycling

from models.inputs import ModelInputs, RecyclingDemo
from siting.optimize.explain import Describer, RuleInstance, explain_infeasibility


def case(share: float) -> ModelInputs:
    return with_recycling(
        capacity_target_units={("R", Y1): 20.0},
        utilisation={"p": 1.0, "q": 1.0, "r": 0.8},
        sales_cap_units={("r", Y1): 3.0},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=1,
                                     max_size_units_per_yr=10.0, min_run_share=share))


def test_the_instance_is_infeasible_only_with_the_running_share() -> None:
    assert solve(case(0.0))[1].has_solution
    assert solve(case(0.3))[1].has_solution
    assert not solve(case(0.5))[1].has_solution


def test_the_diagnosis_names_the_running_share() -> None:
    diagnosis = explain_infeasibility(case(0.5), SETTINGS, {"r": "t"})
    rules = [c for c in diagnosis.conflicts if c.instance.kind == "recycling_demo"]
    assert rules, [c.sentence for c in diagnosis.conflicts]
    assert "constraints.recycling_demo.min_run_share" in rules[0].setting
    assert "at least 50% of its usable capacity" in rules[0].sentence


def test_without_a_running_share_the_sentence_says_nothing_of_running() -> None:
    rule = Describer(case(0.0), {"r": "t"}).conflict(RuleInstance("recycling_demo", ()), 0.0)
    assert "usable capacity" not in rule.sentence
    assert "min_run_share" not in rule.setting
