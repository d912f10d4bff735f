"""A diagnosis claims that a change makes a plan possible only when a solve proved it.

Instances are the default two-site instance of tests/test_families.py (sites s1 in c1 and s2
in c2, modules p10 and q10 = 10 t/yr on 1 ha each, target P = 30 t/yr in 2030) with strict
targets. Two conflicts that share no rule: the P target against 1 ha at each site (20 t/yr at
most), and a hosting limit of one cluster for q against committed q plants in both clusters.
The deletion filter finds one of them; dropping its rules still leaves the other, so the
diagnosis must go on, report both and give one change under which a plan exists.
"""

from __future__ import annotations

from test_families import SETTINGS, land, make_inputs

from models import build_model
from models.inputs import ModelInputs
from siting.deliver.explore import conflicts_markdown
from siting.optimize.explain import RuleInstance, explain_infeasibility
from siting.optimize.solve import solve_model

UNITS = {"p": "t", "q": "t"}
COMMITTED_Q = {("s1", "q", 2030): 10.0, ("s2", "q", 2030): 10.0}
HOSTING = ("q may be hosted in at most 1 cluster, adding capacity or with committed plants; the most each cluster "
           "can take: c1 10 t/yr, c2 10 t/yr; committed projects of q already stand in c1, c2 "
           "[constraints.differentiation.max_clusters_per_product.q]")


def two_conflicts(**overrides: object) -> ModelInputs:
    base = {"targets_strict": True, "max_clusters_per_product": {"q": 1}, "committed_units_per_yr": COMMITTED_Q,
            **land({"s1": 1.0, "s2": 1.0})}
    return make_inputs(**{**base, **overrides})


def has_plan(inputs: ModelInputs) -> bool:
    return solve_model(build_model(inputs), SETTINGS).has_solution


def test_two_conflicts_are_both_reported_with_one_change_that_makes_a_plan() -> None:
    """Registry order tries the P target first: dropped, the hosting limit still fails, so it
    goes, and so do both lands; the hosting limit is conflict 1. The other rules, all hard
    (target and both lands), are still infeasible: conflict 2 is those three. The least change,
    both conflicts elastic: one more cluster for q (weight 1/1) and the target 10 t/yr lower
    (10/30, against 1 ha more land at weight 1/1). No "makes a plan possible" for dropping a
    single rule: dropping the hosting limit alone leaves the P target short."""
    diagnosis = explain_infeasibility(two_conflicts(), SETTINGS, UNITS)
    assert diagnosis.irreducible and diagnosis.plan_proven and not diagnosis.more_conflicts
    assert [(c.group, c.instance) for c in diagnosis.conflicts] == [
        (1, RuleInstance("product_hosting_limit", ("q",))),
        (2, RuleInstance("capacity_target", ("P", 2030))),
        (2, RuleInstance("land", ("c1",))),
        (2, RuleInstance("land", ("c2",)))]
    assert diagnosis.lines() == [
        "2 separate conflicts, 4 rules in all; dropping any one rule of a conflict resolves that conflict; a plan "
        "needs every conflict resolved:",
        "  conflict 1: 1 rule cannot be met even alone, given the capacity standing or committed and the rows linking "
        "production, capacity and raw material:",
        f"    - {HOSTING}",
        "  conflict 2: 3 rules cannot be met together:",
        "    - the P target needs 30 t/yr by 2030; existing capacity gives 0 t/yr, so 30 t/yr must be added (the "
        "eligible land of all clusters could take 20 t/yr) [targets.capacity.P.2030]",
        "    - c1's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p, 10 t/yr of q "
        "[layers.sites.usable_area_field]",
        "    - c2's 1 candidate site has 1 ha of usable land, room for at most 10 t/yr of p, 10 t/yr of q "
        "[layers.sites.usable_area_field]",
        "the least change that makes a plan possible: let q into 1 more cluster; lower the P target for 2030 by "
        "10 t/yr, to 20 t/yr"]
    report = conflicts_markdown(diagnosis, "small", (), "")
    assert "| rule | conflict | what it asks | scenario setting |" in report
    assert f"| 1 | 1 | {HOSTING.split(' [')[0]} |" in report
    # the change stated, applied together, has a plan; either alone has none
    changed = {"max_clusters_per_product": {"q": 2}, "capacity_target_units": {("P", 2030): 20.0}}
    assert has_plan(two_conflicts(**changed))
    for name, value in changed.items():
        assert not has_plan(two_conflicts(**{name: value}))


def test_dropping_a_rule_is_said_to_make_a_plan_only_once_proven() -> None:
    """Only the hosting conflict (100 ha a site): dropping the limit gives a plan, proven by
    the filter's first trial (every other rule in it), so that is claimed."""
    diagnosis = explain_infeasibility(two_conflicts(**land({"s1": 100.0, "s2": 100.0})), SETTINGS, UNITS)
    assert diagnosis.lines() == [
        "1 rule cannot be met even alone, given the capacity standing or committed and the rows linking production, "
        "capacity and raw material; dropping it makes a plan possible:",
        "  - q may be hosted in at most 1 cluster, adding capacity or with committed plants; the most each cluster can "
        "take: c1 1,000 t/yr, c2 1,000 t/yr; committed projects of q already stand in c1, c2 "
        "[constraints.differentiation.max_clusters_per_product.q]",
        "the least change that makes a plan possible: let q into 1 more cluster"]


def test_a_conflict_with_another_left_past_the_cap_says_so(monkeypatch: object) -> None:
    """With MAX_CONFLICTS 1 the diagnosis stops after the hosting conflict: the P target still
    fails, so it says that another conflict remains and gives no change (none is proven to
    make a plan possible)."""
    from siting.optimize import explain

    monkeypatch.setattr(explain, "MAX_CONFLICTS", 1)  # type: ignore[attr-defined]
    diagnosis = explain_infeasibility(two_conflicts(), SETTINGS, UNITS)
    assert diagnosis.more_conflicts and not diagnosis.plan_proven
    assert diagnosis.lines() == [
        "1 rule cannot be met even alone, given the capacity standing or committed and the rows linking production, "
        "capacity and raw material; dropping it resolves this conflict; another conflict remains:",
        f"  - {HOSTING}"]


def test_a_target_is_never_lowered_by_more_than_itself() -> None:
    """A strict output value of 1 bn yuan in 2030 (no capacity target); 1 ha a site holds one
    module of p (5 yuan/t: 100 yuan at most) and the q limit is lifted. The target row and its
    cover (models/families/output_value.py) each fall 999,999,900 yuan short: the change is
    that shortfall, not the sum of both rows (2 bn yuan), shown rounded up to 1.00 bn yuan."""
    inputs = two_conflicts(capacity_target_units={}, output_value_target_yuan={2030: 1e9}, max_clusters_per_product={})
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    assert [c.instance for c in diagnosis.conflicts] == [RuleInstance("output_value_target", (2030,))]
    assert diagnosis.conflicts[0].relax_by == 999_999_900.0
    assert diagnosis.lines()[-1] == ("the least change that makes a plan possible: lower the output value target for "
                                     "2030 by 1.00 bn yuan, to 0 yuan")
