"""With a running share (`RecyclingDemo.min_run_share`), a site that adds recycling of
demonstration size but does not run it at that share is ordinary capacity because it does not
run, and the plan's words say so: not that it is "below the least demonstration size".

Instance (tests/test_families.py `with_recycling`, years 2030-2031 and a steady state 2032,
discount factors 1): r takes a year from decision to production, its first year at half its
nameplate; utilisation of r 0.5; s1 has an existing r plant of 20 units, s2 a committed one of
10 units online in 2032; making r costs 2 yuan a unit and r sells for nothing; an R target of 40
units in 2031; exactly one demonstration of exactly 10 units. Each module stands in 2031 and
2032 at 300 yuan a year: one module at each site, 1,200 yuan.

By hand, with a share of 0.5 (0.25 of the available capacity): the demonstration at s1 makes at
least 0.25 x (20, 25, 30) = 5 + 6.25 + 7.5 = 18.75 units over 2030-2032 (its existing plant
counts as its capacity), at s2 0.25 x (0, 5, 20) = 6.25 units: s2 is the demonstration, at
1,212.5 yuan; s1 adds 10 units, the demonstration size, and makes nothing.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from test_families import Y1, Y2, solve_optimal, with_recycling

from models.inputs import ModelInputs, RecyclingDemo
from siting.optimize.results import demonstrations_text, extract_plan


def case(share: float, min_sites: int = 1) -> ModelInputs:
    return with_recycling(
        YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0}, years_after_horizon=1,
        capacity_target_units={("R", Y2): 40.0},
        utilisation={"p": 1.0, "q": 1.0, "r": 0.5},
        lead_time_yr={"r": 1}, ramp_up_share={"r": 0.5},
        existing_capacity_units_per_yr={("s1", "r"): 20.0},
        committed_units_per_yr={("s2", "r", Y2 + 1): 10.0},
        other_variable_cost_yuan_per_unit={"r": 2.0},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=min_sites, max_sites=1,
                                     max_size_units_per_yr=10.0, min_run_share=share))


def test_the_share_moves_the_demonstration_to_the_site_that_runs_it_cheaper() -> None:
    _model, objective = solve_optimal(case(0.0))
    assert objective == pytest.approx(1200.0, rel=1e-9)
    inputs = case(0.5)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(1212.5, rel=1e-9)
    assert {s: round(pyo.value(model.demo[s])) for s in model.DEMO_SITE} == {"s1": 0, "s2": 1}
    made = {(s, t): pyo.value(model.production[s, p, t]) for s, p, t in model.PRODUCE if p == "r"}
    assert made[("s2", Y2)] == pytest.approx(1.25, rel=1e-9)
    assert made[("s2", Y2 + 1)] == pytest.approx(5.0, rel=1e-9)
    assert dict(extract_plan(model, inputs).demo_sites) == {"s2": 1}


def test_a_site_of_demonstration_size_that_does_not_run_is_not_called_below_it() -> None:
    inputs = case(0.5)
    model, _objective = solve_optimal(inputs)
    text = demonstrations_text(extract_plan(model, inputs), inputs, lambda s: s, {"r": "t"})
    assert "below the least demonstration size" not in text, text
    assert ("Ordinary R capacity, of demonstration size but not run at 50% of its usable capacity every year "
            "(the rule's least running share): s1 (10 t/yr).") in text, text


def test_no_demonstration_when_none_of_demonstration_size_runs() -> None:
    """With no demonstration required (0-1 allowed), nothing runs: both sites add 10 units, the
    demonstration size, and neither is a demonstration, as neither runs."""
    inputs = case(0.5, min_sites=0)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(1200.0, rel=1e-9)
    text = demonstrations_text(extract_plan(model, inputs), inputs, lambda s: s, {"r": "t"})
    assert text.startswith("No site adds R of demonstration size (10 t/yr) and runs it at 50% of its usable "
                           "capacity every year: no demonstration (0-1 allowed)."), text
    assert "s1 (10 t/yr) and s2 (10 t/yr)" in text, text
