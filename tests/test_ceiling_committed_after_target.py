"""The capacity ceiling leaves every target reachable when committed plants come online after a
target's year: the ceiling counts them in the last year, the target of an earlier year does not.

Instance: the default instance of tests/test_families.py over 2030 and 2031 (discount factors 1,
no lead time, no ramp-up; module p10 = 10 units/yr of p for 100 yuan a year, 100 ha at each
site), a strict target of 100 units of P in 2030, a committed plant of 90 units of p at s1 first
producing in 2031, capacity_ceiling_factor 1.5.
By hand: the 2030 target needs 10 modules decided in 2030 (2 x 100 yuan each over the two
years: 2,000 yuan); with the plant, 190 units stand in 2031. The ceiling is then
max(1.5 x 100, 100 + 90 + 10) = 200, not max(150, 110) = 150, which no plan meeting the
target could keep.
"""

from __future__ import annotations

import pytest
from test_families import Y1, Y2, solve, solve_optimal, two_years

from models.index import group_ceilings
from siting.optimize.explain import Describer, RuleInstance


def late_plant(**overrides: object):
    base: dict[str, object] = {
        "capacity_target_units": {("P", Y1): 100.0},
        "capacity_ceiling_factor": 1.5,
        "committed_units_per_yr": {("s1", "p", Y2): 90.0},
        "targets_strict": True,
    }
    base.update(overrides)
    return two_years(**base)


def test_the_ceiling_counts_the_committed_capacity_online_after_the_target_year() -> None:
    assert group_ceilings(late_plant()) == {"P": pytest.approx(200.0, rel=1e-12)}


def test_a_strict_target_before_a_committed_plant_comes_online_is_reachable() -> None:
    model, objective = solve_optimal(late_plant())
    assert objective == pytest.approx(2000.0, rel=1e-9)
    assert sum(var.value for var in model.build.values()) == pytest.approx(10.0, abs=1e-6)


def test_an_elastic_target_is_not_left_short_by_the_ceiling() -> None:
    model, report = solve(late_plant(targets_strict=False))
    assert report.proven_optimal
    assert report.objective_yuan == pytest.approx(2000.0, rel=1e-9)
    assert model.capacity_shortfall["P", Y1].value == pytest.approx(0.0, abs=1e-6)


def test_a_plant_online_by_the_target_year_changes_nothing() -> None:
    """The same plant online in 2030 counts toward the 2030 target too: max(150, 110) = 150."""
    inputs = late_plant(committed_units_per_yr={("s1", "p", Y1): 90.0})
    assert group_ceilings(inputs) == {"P": pytest.approx(150.0, rel=1e-12)}


def test_the_ceiling_sentence_names_the_committed_term() -> None:
    sentence = Describer(late_plant(), {"p": "t", "q": "t"}).conflict(
        RuleInstance("capacity_ceiling", ("P",)), 0.0).sentence
    assert sentence == (
        "P capacity may not exceed 200 t/yr in 2031 (the target, 100 t/yr, plus the committed capacity online "
        "after 2030 by 2031, 90 t/yr, plus the largest module, 10 t/yr, which is more than "
        "capacity_ceiling_factor 1.5 times the target)")
