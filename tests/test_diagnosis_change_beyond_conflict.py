"""When another conflict remains, not named, the least change may go beyond the conflict named:
it resolves the other one too. The diagnosis says so, with what is enough for the conflict named
alone.

The two-site instance of tests/test_families.py, strict P target of 30 t/yr in 2030, 1 ha a
site (p10: 10 t/yr on 1 ha, 100 yuan a module) and a budget of 100 yuan in 2030 (one module).
Two conflicts share the target: {target, budget} and {target, land of c1, land of c2}. The
diagnosis is kept to the first (MAX_CONFLICTS 1, no search for an overlapping one). The least
change over its rules, the land hard, lowers the target by 10 t/yr and raises the budget by 100
yuan; the conflict alone, the land set aside, needs only 200 yuan more budget (weight 1 a million
yuan, against 1/30 a t/yr of the target).
"""

from __future__ import annotations

import pytest
from test_families import SETTINGS, land, make_inputs

from siting.deliver.explore import conflicts_markdown
from siting.optimize import explain
from siting.optimize.explain import explain_infeasibility

UNITS = {"p": "t", "q": "t"}


def test_a_change_beyond_the_conflict_named_says_what_it_alone_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explain, "MAX_CONFLICTS", 1)
    inputs = make_inputs(targets_strict=True, budget_yuan_per_yr={2030: 100.0}, **land({"s1": 1.0, "s2": 1.0}))
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    assert diagnosis.more_conflicts
    assert [c.change for c in diagnosis.changes()] == ["lower the P target for 2030 by 10 t/yr, to 20 t/yr",
                                                       "raise the 2030 budget by 100 yuan"]
    said = "\n".join(diagnosis.lines())
    assert ("this change also resolves another conflict, not yet named, among the rules kept as they are (a larger "
            "--time-limit may name it): for the conflict named alone, the other rules set aside, a smaller change "
            "(each rule's slack weighed against its size) is enough: raise the 2030 budget by 200 yuan") in said
    report = conflicts_markdown(diagnosis, "small", (), "")
    assert "This change also resolves another conflict, not yet named" in report
