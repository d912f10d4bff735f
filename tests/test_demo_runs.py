"""A recycling demonstration that must run (`RecyclingDemo.min_run_share`, row `demo_runs` of
models/families/recycling_demo.py): y[s,r,t] >= u util[r] (Kav[s,r,t] - Kmax[s,t] (1 - demo[s])).

Instance (tests/test_families.py `with_recycling`: one year 2030, sites s1 (c1) and s2 (c2),
module r10 = 10 units/yr of r for 300 yuan on 1 ha, p10 = 10 units/yr of p for 100 yuan; P
target 30 units): an R target of 20 units (shortfall 1000 yuan/unit), exactly one
demonstration of exactly 10 units, utilisation of r 0.8, making r costs 2 yuan/unit and r sells
for nothing (no price), nothing uses it.

By hand: 3 modules of p (300 yuan) and 2 of r (600 yuan): the demonstration adds exactly 10, so
one r10 at each site. Without the run share nothing makes r (it only costs): 900 yuan. With u =
0.5 the demonstration site makes at least 0.5 x 0.8 x 10 = 4 units, at 2 yuan each: 908 yuan,
and the other site, ordinary capacity, still makes nothing.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from test_families import Y1, solve_optimal, with_recycling

from models.inputs import ModelInputs, RecyclingDemo
from siting.optimize.results import extract_plan


def case(share: float) -> ModelInputs:
    return with_recycling(
        capacity_target_units={("P", Y1): 30.0, ("R", Y1): 20.0},
        utilisation={"p": 1.0, "q": 1.0, "r": 0.8},
        other_variable_cost_yuan_per_unit={"r": 2.0},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=1,
                                     max_size_units_per_yr=10.0, min_run_share=share))


def made(model: pyo.ConcreteModel) -> dict[str, float]:
    return {s: float(pyo.value(model.production[s, p, t])) for s, p, t in model.PRODUCE if p == "r"}


def test_without_a_run_share_the_demonstration_stands_idle() -> None:
    model, objective = solve_optimal(case(0.0))
    assert objective == pytest.approx(900.0, rel=1e-9)
    assert made(model) == {"s1": pytest.approx(0.0, abs=1e-6), "s2": pytest.approx(0.0, abs=1e-6)}
    assert len(model.demo_runs) == 0


def test_with_a_run_share_the_demonstration_runs_and_the_ordinary_plant_does_not() -> None:
    inputs = case(0.5)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(908.0, rel=1e-9)
    demo = [s for s in model.DEMO_SITE if round(pyo.value(model.demo[s])) == 1]
    assert len(demo) == 1
    other = "s2" if demo[0] == "s1" else "s1"
    assert made(model)[demo[0]] == pytest.approx(4.0, rel=1e-9)
    assert made(model)[other] == pytest.approx(0.0, abs=1e-6)
    plan = extract_plan(model, inputs)
    assert dict(plan.demo_sites) == {demo[0]: 1}  # the site that runs, not the one that stands idle
    assert plan.demo_qualifying == {demo[0]: 1}


def test_switching_the_family_off_switches_the_run_rows_off() -> None:
    """Relaxed in place (rule costs): with the family off, its run rows are off too."""
    from models.registry import set_family_active

    model, _objective = solve_optimal(case(0.5))
    set_family_active(model, "recycling_demo", False)
    assert not any(row.active for row in model.demo_runs.values())
