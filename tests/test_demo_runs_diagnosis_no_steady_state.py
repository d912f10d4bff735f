"""The diagnosis's words for the recycling demonstrations' running share name the steady state
only where the run has one (`ModelInputs.STEADY_YEAR`, years_after_horizon > 0): the row
`demo_runs` covers the operating years, which hold no steady-state year otherwise.

Instance: tests/test_demo_runs_diagnosis.py `case` (one year 2030, no years after it)."""

from __future__ import annotations

import dataclasses

from test_demo_runs_diagnosis import case

from siting.optimize.explain import Describer, RuleInstance


def sentence(years_after_horizon: int) -> str:
    inputs = dataclasses.replace(case(0.5), years_after_horizon=years_after_horizon)
    return Describer(inputs, {"r": "t"}).conflict(RuleInstance("recycling_demo", ()), 0.0).sentence


def test_without_a_steady_state_none_is_named() -> None:
    text = sentence(0)
    assert text.endswith("in every year of the plan"), text
    assert "steady state" not in text


def test_with_a_steady_state_it_is_named() -> None:
    assert sentence(10).endswith("in every year of the plan and the steady state")
