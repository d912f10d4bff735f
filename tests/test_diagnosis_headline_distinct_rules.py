"""A rule that two conflicts hold counts once in the headline also where the diagnosis is not
irreducible (stopped at its time limit) or not proven: the rules are numbered 1 to the count of
distinct rules (`Diagnosis.numbered`), and the headline gives that count."""

from __future__ import annotations

import dataclasses

from siting.deliver.explore import conflicts_markdown
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance


def overlapping(**changes: object) -> Diagnosis:
    """Two conflicts sharing the P target: {land of c1, target} and {land of c2, target}."""
    target = RuleInstance("capacity_target", ("P", 2030))
    rules = [(1, RuleInstance("land", ("c1",)), "c1's land"), (1, target, "the P target"),
             (2, RuleInstance("land", ("c2",)), "c2's land"), (2, target, "the P target")]
    made = Diagnosis(conflicts=tuple(Conflict(instance=i, sentence=s, setting="x", group=g) for g, i, s in rules),
                     irreducible=True)
    return dataclasses.replace(made, **changes)


def test_a_stopped_diagnosis_counts_a_shared_rule_once() -> None:
    diagnosis = overlapping(irreducible=False, stopped="the diagnosis stopped at its time limit of 30 s")
    assert max(n for n, _c in diagnosis.numbered()) == 3
    assert diagnosis.headline().startswith("3 rules cannot be met together")
    assert conflicts_markdown(diagnosis, "small", (), "").startswith("# Why small has no plan\n\n3 rules cannot")


def test_an_undecided_diagnosis_counts_a_shared_rule_once() -> None:
    assert "the 3 rules below" in overlapping(conflict_proven=False).headline()
