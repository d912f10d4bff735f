"""A plan's report says, under its Solve table, that its map is one plan among those within the
proven gap, which may build elsewhere, and how to see what every near-optimal plan keeps; not for
a run with alternatives (its own section says it), an alternative, a plan proven at a gap of 0 or
a run with no plan."""

from __future__ import annotations

from siting.deliver.report import markdown, near_ties_blocks
from siting.optimize.alternatives import ALTERNATIVE_TERMINATION


def manifest(gap: float | None, objective: float | None = -196.11e9, termination: str = "optimal",
             near_optimal: object = None) -> dict:
    return {"solver": {"termination": termination, "objective_yuan": objective, "gap": gap},
            "near_optimal": near_optimal}


def test_a_plan_proven_within_a_gap_is_read_as_one_of_several() -> None:
    text = markdown(near_ties_blocks(manifest(0.00075)))
    assert "0.15 bn yuan" in text
    assert "other sites" in text and "other clusters" in text
    assert "`solve --alternatives N`" in text


def test_no_such_note_where_it_does_not_apply() -> None:
    assert near_ties_blocks(manifest(0.0)) == []
    assert near_ties_blocks(manifest(None, None)) == []
    assert near_ties_blocks(manifest(0.00075, termination=ALTERNATIVE_TERMINATION)) == []
    assert near_ties_blocks(manifest(0.00075, near_optimal={"plan": "optimum", "plans": [{}, {}]})) == []
