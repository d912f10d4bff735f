"""A cluster's open-site limit names the sites that count toward it before anything is built.

A site with existing capacity or a project committed within the plan's years is open already
and counts toward its cluster's `max_open_sites_per_cluster` (models/families/agglomeration.py,
`pre_opened_sites`). When the limit is below their number the rule "cannot be met even alone";
the diagnosis then has to say which sites use up the limit, or a planner reads "East may open
at most 0 of its 2 candidate sites" with no plan built and cannot see why that fails.

The instance is tests/data/small: East's e_city holds existing LFP and a committed LFP
project online in 2024; e_far holds nothing.
"""

from __future__ import annotations

from pathlib import Path

from siting.optimize.explain import Describer, RuleInstance
from siting.prepare.problem import prepare

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def _sentence(limit: int) -> str:
    prepared = prepare(SMALL, {}, None, (("constraints.agglomeration.max_open_sites_per_cluster", {"east": limit}),))
    describe = Describer(prepared.inputs, {}, names=prepared.names, scenario=prepared.loaded.scenario)
    return describe.conflict(RuleInstance("open_sites_limit", ("east",)), 0.0).sentence


def test_the_limit_names_the_sites_open_already() -> None:
    sentence = _sentence(0)
    assert sentence.startswith("East may open at most 0 of its 2 candidate sites")
    assert "East city" in sentence
    assert "existing or committed plants" in sentence
    assert "East far" not in sentence


def test_the_limit_says_when_the_sites_open_already_exceed_it() -> None:
    assert "1 site open before anything is built, more than the limit of 0" in _sentence(0)
    assert "more than the limit" not in _sentence(1)
