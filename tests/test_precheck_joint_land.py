"""The check before the MIP of strict targets of one year that each are within reach alone but
not together (`presolve_findings`, `_JointProgram`): capacity targets that share the sites'
land, and an output-value target that the land and the capacity ceilings hold together.

The instances are the default two-site instance of tests/test_families.py (sites s1 in c1 and
s2 in c2; modules p10 and q10 give 10 t/yr each on 1 ha; one year 2030; output value 5 yuan per
t of p) with strict targets and 2 ha at each site, 4 ha in all: room for 40 t/yr.
"""

from __future__ import annotations

from typing import Any

from test_explain import UNITS, strict
from test_families import SETTINGS, land

from models import ModelInputs
from siting.optimize.explain import (
    RuleInstance,
    explain_findings,
    explain_infeasibility,
    presolve_checks,
    presolve_findings,
)


def small(**overrides: Any) -> ModelInputs:
    return strict(**{**land({"s1": 2.0, "s2": 2.0}), **overrides})


def targets(p: float, q: float) -> dict[str, Any]:
    return {"capacity_target_units": {("P", 2030): p, ("Q", 2030): q}}


def proven(inputs: ModelInputs) -> list[str]:
    """The diagnosis started from the checks' targets: the kinds of the rules of its conflict."""
    found = [target for target, _text in presolve_checks(inputs, UNITS)]
    diagnosis = explain_findings(inputs, SETTINGS, found, UNITS)
    assert diagnosis is not None and diagnosis.irreducible
    return sorted(c.instance.kind for c in diagnosis.conflicts)


def test_two_capacity_targets_that_fit_alone_but_not_together() -> None:
    """P 30 t/yr takes 3 ha and Q 20 t/yr 2 ha, 5 ha in all, on 4 ha: each fits alone (room
    40 t/yr), not both. The most of each together: lambda (30 + 20) / 10 <= 4, lambda = 80 %.
    Without the land rows they fit (each site's room caps p and q at 20 t/yr apart)."""
    inputs = small(**targets(30.0, 20.0))
    assert presolve_findings(inputs, UNITS) == [
        "strict targets 2030 together, which the checks of each alone let pass: they need P 30 t/yr added, "
        "Q 20 t/yr added; at the most capacity per hectare their modules give they take at least 5.0 ha, and the "
        "eligible sites offer 4.0 ha (c1 2.0 ha; c2 2.0 ha); without the sites' usable land they could be met "
        "together: at most 80.0% of each can be met together. Lower targets.capacity.P.2030 or "
        "targets.capacity.Q.2030; change constraints.redline or constraints.proximity; add sites or usable land; "
        "or set targets.strict: false"]
    assert [t for t, _text in presolve_checks(inputs, UNITS)] == [RuleInstance("capacity_target", ("P", 2030)),
                                                                  RuleInstance("capacity_target", ("Q", 2030))]
    assert proven(inputs) == ["capacity_target", "capacity_target", "land", "land"]


def test_capacity_targets_that_just_fit_together_are_no_finding() -> None:
    """P 20 and Q 20 t/yr take 2 + 2 = 4 ha, all the land there is: no finding, and a plan
    exists (the elastic model needs no slack)."""
    inputs = small(**targets(20.0, 20.0))
    assert presolve_findings(inputs, UNITS) == []
    assert explain_infeasibility(inputs, SETTINGS, UNITS).feasible


def test_an_output_value_target_and_a_capacity_target_on_the_same_land() -> None:
    """Q 20 t/yr (worth nothing) takes 2 ha; an output value of 150 yuan needs 30 t/yr of p
    (5 yuan/t), 3 ha: alone each fits (p could give 40 x 5 = 200 yuan), together 5 ha > 4 ha:
    lambda = 4/5 = 80 %."""
    inputs = small(capacity_target_units={("Q", 2030): 20.0}, output_value_target_yuan={2030: 150.0})
    assert presolve_findings(inputs, UNITS) == [
        "strict targets 2030 together, which the checks of each alone let pass: they need Q 20 t/yr added, "
        "output value 150 yuan; the eligible sites offer 4.0 ha (c1 2.0 ha; c2 2.0 ha); without the sites' usable "
        "land they could be met together: at most 80.0% of each can be met together. Lower "
        "targets.capacity.Q.2030 or targets.output_value_yuan.2030; change constraints.redline or "
        "constraints.proximity; add sites or usable land; or set targets.strict: false"]
    assert proven(inputs) == ["capacity_target", "land", "land", "output_value_target"]


def test_the_output_value_under_the_ceilings_and_the_land_together() -> None:
    """P 10 t/yr with capacity_ceiling_factor 1: U[P] = max(1 x 10, 10 + one 10 t/yr module) =
    20 t/yr of p (100 yuan); q is worth 2 yuan/t. The output-value check alone lets q use all
    the land: 100 + 2 x 40 = 180 >= 150, no finding. With the land shared, p 20 t/yr on 2 ha and
    q 20 t/yr on the other 2 give at most 100 + 40 = 140 yuan: lambda = 140/150 = 93.3 % (floored
    to a tenth). Without the ceiling, or without the land rows, 150 yuan is within reach."""
    inputs = small(capacity_target_units={("P", 2030): 10.0}, output_value_target_yuan={2030: 150.0},
                   capacity_ceiling_factor=1.0, output_value_yuan_per_unit={"p": 5.0, "q": 2.0})
    assert presolve_findings(inputs, UNITS) == [
        "strict targets 2030 together, which the checks of each alone let pass: they need P 10 t/yr added, "
        "output value 150 yuan; the eligible sites offer 4.0 ha (c1 2.0 ha; c2 2.0 ha); without the sites' usable "
        "land, or without the capacity ceilings they could be met together: at most 93.3% of each can be met "
        "together. Lower targets.capacity.P.2030 or targets.output_value_yuan.2030; change constraints.redline, "
        "constraints.proximity or targets.capacity_ceiling_factor; add sites or usable land; "
        "or set targets.strict: false"]
    assert "capacity_ceiling" in proven(inputs)


def test_an_output_value_just_within_reach_under_the_ceilings_is_no_finding() -> None:
    """The same with an output value of 140 yuan, exactly what p 20 and q 20 t/yr give: no
    finding, and a plan exists."""
    inputs = small(capacity_target_units={("P", 2030): 10.0}, output_value_target_yuan={2030: 140.0},
                   capacity_ceiling_factor=1.0, output_value_yuan_per_unit={"p": 5.0, "q": 2.0})
    assert presolve_findings(inputs, UNITS) == []
    assert explain_infeasibility(inputs, SETTINGS, UNITS).feasible


def test_the_advice_lists_the_settings_of_the_ceilings_and_the_shares_by_their_full_keys() -> None:
    """The shipped scenario's finding for an output value of 300 bn yuan in 2024 names the
    capacity ceilings and the value shares: the advice is one list of changes, any one of which
    helps, each setting by its full key (before: "change targets.capacity_ceiling_factor;
    constraints.differentiation.min_cluster_value_share or lead_share_min, or set ...")."""
    from siting.optimize.explain import _joint_advice

    assert _joint_advice(["targets.capacity.cells.2024", "targets.output_value_yuan.2024"], ["ceiling", "shares"]) == (
        "Lower targets.capacity.cells.2024 or targets.output_value_yuan.2024; change targets.capacity_ceiling_factor, "
        "constraints.differentiation.min_cluster_value_share or constraints.differentiation.lead_share_min; "
        "or set targets.strict: false")
    assert _joint_advice(["targets.output_value_yuan.2024"], ["supply"]) == (
        "Lower targets.output_value_yuan.2024; raise the sources' supply or the import caps; "
        "or set targets.strict: false")
