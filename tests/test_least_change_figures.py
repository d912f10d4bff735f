"""The least change states what a lowered target becomes, and the hosting rule's figure of each
cluster is cut at the capacity ceiling, on the hand-made instances of tests/test_explain.py
(module p10 = 10 t/yr of p on 1 ha; siting/optimize/explain.py `relax_text`,
`Describer._hosting_room`)."""

from __future__ import annotations

import dataclasses

import pytest
from test_explain import explained, five_sites, ore_inputs, strict
from test_families import land

from siting.optimize.explain import Describer, RuleInstance, presolve_findings, relax_text

UNITS = {"p": "t", "q": "t"}
HOSTING = "[constraints.differentiation.max_clusters_per_product.p]"


def test_the_least_change_says_what_the_target_becomes() -> None:
    """Each site has 1 ha: 20 t/yr against the target of 30. The target is lowered by 10, to 20:
    the two figures add up to the target."""
    lines = explained(strict(**land({"s1": 1.0, "s2": 1.0})))
    assert lines[-1] == ("the least change that makes a plan possible: lower the P target for 2030 by 10 t/yr, "
                         "to 20 t/yr")


@pytest.mark.parametrize(("slack", "change"), [
    (0.1234, "lower the P target for 2030 by 0.124 t/yr, to 29.876 t/yr"),  # by rounded up, to at its precision
    (10.0, "lower the P target for 2030 by 10 t/yr, to 20 t/yr"),
    (45.0, "lower the P target for 2030 by 30 t/yr, to 0 t/yr"),  # never by more than the whole target
])
def test_the_target_lowered_to_adds_up_with_the_change(slack: float, change: str) -> None:
    """The target of 30 t/yr less the change as shown (rounded up to 3 significant figures) is
    the figure the target becomes, shown at the change's precision, so that by + to = 30."""
    describe = Describer(strict(), UNITS)
    conflict = describe.conflict(RuleInstance("capacity_target", ("P", 2030)), slack)
    assert conflict.change == change
    assert relax_text(conflict) == change


def test_the_output_value_target_says_what_it_becomes() -> None:
    """An output value target of 100 yuan lowered by 50 yuan (the slack row is in million yuan)
    becomes 50 yuan."""
    describe = Describer(strict(capacity_target_units={}, output_value_target_yuan={2030: 100.0}), UNITS)
    conflict = describe.conflict(RuleInstance("output_value_target", (2030,)), 50.0 / 1e6)
    assert conflict.change == "lower the output value target for 2030 by 50 yuan, to 50 yuan"
    assert conflict.relax_to == 50.0


@pytest.mark.parametrize(("slack", "change"), [
    (29.0, "raise the P capacity ceiling by 29 t/yr, to 89 t/yr"),
    (5.3333, "raise the P capacity ceiling by 5.34 t/yr, to 65.34 t/yr"),  # by rounded up, to at its precision
])
def test_the_raised_capacity_ceiling_says_what_it_becomes(slack: float, change: str) -> None:
    """Target 30, capacity_ceiling_factor 2: U = max(2 x 30, 30 + a module's 10) = 60 t/yr. The
    ceiling raised by the change as shown (rounded up to 3 significant figures) becomes 60 plus
    that, so that the two figures add up to the ceiling the diagnosis states."""
    describe = Describer(strict(capacity_ceiling_factor=2.0), UNITS)
    conflict = describe.conflict(RuleInstance("capacity_ceiling", ("P",)), slack)
    assert conflict.sentence.startswith("P capacity may not exceed 60 t/yr in 2030")
    assert conflict.change == change
    assert relax_text(conflict) == change


def test_the_hosting_rule_cuts_each_cluster_at_the_capacity_ceiling() -> None:
    """five_sites with capacity_ceiling_factor 1: U = max(1 x 90, 90 + a module's 10) = 100 t/yr
    of p in 2030, less the 20 committed: 80 may be added. c3's land takes 100 (10 ha), more than
    the ceiling lets the plan add: its figure is 80, said as cut by the ceiling, with the whole
    land's 100 in brackets, as the land rule gives its room outside the red line. c1's 40 and c2's
    10 are below 80 and stand. The least change is as without the ceiling: c1 and c2 together
    take 50 of the 70 to add, so the target is lowered by 20, to 70."""
    lines = explained(five_sites(capacity_ceiling_factor=1.0))
    assert ("  - p may be hosted in at most 2 clusters, adding capacity or with committed plants; "
            "the most each cluster can take: c1 40 t/yr at the 2 sites it may open (50 t/yr at all 3), c2 10 t/yr, "
            "c3 80 t/yr within the capacity ceiling (100 t/yr on all of its land); committed projects of p already "
            f"stand in c1, c2, the 2 clusters it may be hosted in: together they can take 50 t/yr {HOSTING}") in lines
    assert lines[-1] == ("the least change that makes a plan possible: lower the P target for 2030 by 20 t/yr, "
                         "to 70 t/yr")


def test_the_ceiling_cuts_a_cluster_the_open_site_limit_cuts_already() -> None:
    """As above with s6 (10 ha) in c3 too and c3 allowed 1 open site: c3's land takes 200, the 1
    site it may open 100, and the ceiling lets the plan add 80: its figure is 80, with both the
    others in brackets."""
    inputs = five_sites(capacity_ceiling_factor=1.0)
    sites = (*inputs.SITES, "s6")
    inputs = dataclasses.replace(inputs, SITES=sites, CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q")),
                                 cluster_of_site={**inputs.cluster_of_site, "s6": "c3"},
                                 max_open_sites_per_cluster={"c1": 2, "c3": 1},
                                 **land({**inputs.site_land_ha, "s6": 10.0}))
    describe = Describer(inputs, UNITS, [RuleInstance("product_hosting_limit", ("p",))])
    sentence = describe.conflict(RuleInstance("product_hosting_limit", ("p",)), 0.0).sentence
    assert ("c3 80 t/yr within the capacity ceiling (100 t/yr at the one site it may open, 200 t/yr at all 2)"
            in sentence)


@pytest.mark.parametrize(("slack_yuan", "change"), [
    # a change below 0.01 bn yuan is shown in yuan: the target it leaves is too, not "100.00 bn yuan"
    (5e6, "lower the output value target for 2030 by 5,000,000 yuan, to 99,995,000,000 yuan"),
    (2.345e9, "lower the output value target for 2030 by 2.35 bn yuan, to 97.65 bn yuan"),
    (1.2e11, "lower the output value target for 2030 by 100.00 bn yuan, to 0 yuan"),  # all of it
])
def test_an_output_value_target_becomes_what_adds_up_with_its_change(slack_yuan: float, change: str) -> None:
    """An output value target of 100 bn yuan: the figure it becomes is in the terms of its change
    (bn yuan from 0.01 bn yuan, else yuan), so that by + to = 100 bn yuan as read."""
    describe = Describer(strict(capacity_target_units={}, output_value_target_yuan={2030: 1e11}), UNITS)
    conflict = describe.conflict(RuleInstance("output_value_target", (2030,)), slack_yuan / 1e6)
    assert conflict.change == change


def test_a_target_lowered_to_a_decimal_has_no_trailing_zeros() -> None:
    """The target of 30 t/yr lowered by 0.5 t/yr becomes 29.5 t/yr, as the change reads, not 29.500."""
    describe = Describer(strict(), UNITS)
    conflict = describe.conflict(RuleInstance("capacity_target", ("P", 2030)), 0.5)
    assert conflict.change == "lower the P target for 2030 by 0.5 t/yr, to 29.5 t/yr"


@pytest.mark.parametrize(("target", "hectares", "needs", "change"), [
    # 130.5 less 10.5 is 120: the target read as "130" (rounded half to even) would not add up
    (130.5, 6.0, "needs 130.5 t/yr by 2030; existing capacity gives 0 t/yr, so 130.5 t/yr must be added",
     "lower the P target for 2030 by 10.5 t/yr, to 120 t/yr"),
    # 30.25 less 10.3 is 19.95: not "needs 30.2 t/yr" (3 significant figures), nor "to 19.9 t/yr"
    (30.25, 1.0, "needs 30.25 t/yr by 2030; existing capacity gives 0 t/yr, so 30.25 t/yr must be added",
     "lower the P target for 2030 by 10.3 t/yr, to 19.95 t/yr"),
    # a whole target is shown as before
    (130.0, 6.0, "needs 130 t/yr by 2030; existing capacity gives 0 t/yr, so 130 t/yr must be added",
     "lower the P target for 2030 by 10 t/yr, to 120 t/yr"),
])
def test_a_target_with_decimals_is_shown_as_given(target: float, hectares: float, needs: str, change: str) -> None:
    """Each of the two sites has `hectares` of land (10 t/yr of p a hectare): 20 t/yr, or 120
    with 6 ha each. The diagnosis states the P target as the scenario gives it, decimals and all,
    and what must be added with them (nothing stands), so that the least change's two figures,
    the change rounded up to 3 significant figures (10.25 -> 10.3) and what the target becomes,
    add up to the target as read."""
    lines = explained(strict(capacity_target_units={("P", 2030): target}, **land({"s1": hectares, "s2": hectares})))
    assert lines[1].startswith(f"  - the P target {needs} (the eligible land")
    assert lines[-1] == f"the least change that makes a plan possible: {change}"


@pytest.mark.parametrize(("goal", "target", "change"), [
    # 123.456 less 23.46 is 99.996: before, "must reach 123.46 bn yuan" beside "by 23.46 bn yuan, to 99.99 bn yuan"
    (123.456e9, "123.456 bn yuan", "by 23.46 bn yuan, to 99.996 bn yuan"),
    # a target of whole hundredths of a bn yuan is shown as before
    (123.45e9, "123.45 bn yuan", "by 23.45 bn yuan, to 100.00 bn yuan"),
])
def test_an_output_value_target_with_decimals_is_shown_as_given(goal: float, target: str, change: str) -> None:
    """ore_inputs with p worth 1 bn yuan a tonne and 100 t/yr of ore: at most 100 bn yuan of
    output value, against a strict target of `goal` yuan (targets.output_value_yuan is in yuan).
    The diagnosis and the pre-solve check state the target with its decimals in bn yuan, so that
    the least change, rounded up to the hundredth of a bn yuan, and what the target becomes add
    up to it."""
    inputs = dataclasses.replace(ore_inputs(), output_value_target_yuan={2030: goal},
                                 output_value_yuan_per_unit={"p": 1e9, "q": 0.0}, supply_t_per_yr={("k", 2030): 100.0})
    lines = explained(inputs)
    assert lines[1] == f"  - output value must reach {target} in 2030 [targets.output_value_yuan.2030]"
    assert lines[-1] == f"the least change that makes a plan possible: lower the output value target for 2030 {change}"
    assert presolve_findings(inputs, UNITS)[0].startswith(f"output value target 2030: needs {target}, but full use")
