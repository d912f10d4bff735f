"""Ceiling rounding rows (models/ceiling_rounding.py) against plans the solver accepts: HiGHS
takes a plan whose ceiling row is over by up to its feasibility tolerance (1e-6 by default), so
a ceiling just below a whole number of modules must not be rounded down past such a plan, or the
count relaxation proves a bound above the MIP's optimum.

Instance `ceiling_case(3)` of tests/test_families.py (ceiling U = 30 units of p, modules of 10,
optimum 300 with three p modules) with `eps` units/yr of p standing at s1: the ceiling leaves
30 - eps for added capacity. For eps = 5e-7 HiGHS accepts three p modules (over by 5e-7), so the
MIP's optimum stays about 300; a row n_p <= 2 would lift the relaxation's bound to 400 (two p
modules and one q module, `test_targets_capacity_ceiling_binds`).

And the rounding itself against every plan of random small rows, with random divisors among the
coefficients: a wrong H_j or floor(b) cuts one of them.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random

import pyomo.environ as pyo
import pytest
from test_families import ceiling_case

from models import build_model
from models.ceiling_rounding import add_ceiling_rounding, rounding_le, row_tolerance
from models.counts import add_module_counts, relax_site_counts
from models.inputs import ModelInputs
from siting.optimize.solve import SolverSettings, solve_model

#: The searches of the project: HiGHS's own feasibility tolerances, no gap.
DEFAULT = SolverSettings(rel_gap=0.0, time_limit_s=30)


def with_standing(eps: float) -> ModelInputs:
    inputs = ceiling_case(3.0)
    return dataclasses.replace(inputs, existing_capacity_units_per_yr={("s1", "p"): eps})


def relaxation_bound(inputs: ModelInputs) -> float:
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    relax_site_counts(model)
    add_ceiling_rounding(model)
    report = solve_model(model, DEFAULT)
    assert report.proven_optimal and report.best_bound_yuan is not None
    return report.best_bound_yuan


@pytest.mark.parametrize("eps", [5e-7, 1e-7, 3e-9])
def test_the_bound_stays_below_the_optimum_the_solver_accepts(eps: float) -> None:
    inputs = with_standing(eps)
    mip = build_model(inputs)
    report = solve_model(mip, DEFAULT)
    assert report.proven_optimal and report.objective_yuan is not None
    assert relaxation_bound(inputs) <= report.objective_yuan + 1e-6 * abs(report.objective_yuan)


def test_a_ceiling_well_below_whole_modules_is_still_rounded() -> None:
    """eps = 0.5: the ceiling leaves 29.5, which no solver tolerance reaches: n_p <= 2, and the
    bound is the MIP's optimum with two p modules and one q module, about 400."""
    inputs = with_standing(0.5)
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    add_ceiling_rounding(model)
    assert [pyo.value(model.ceiling_rounding[key].upper) for key in model.CEILING_ROUNDING] == [2.0]


def test_random_rows_cut_no_plan() -> None:
    """Seeded random rows sum_j a_j n_j <= beta over 2-3 counts (coefficients that do and do not
    divide each other, ceilings at, just off and between whole multiples): every whole n >= 0
    meeting the row meets each rounding, with every distinct a_j as divisor."""
    rng = random.Random(20261205)
    rows = 0
    for _ in range(300):
        coefficients = [float(rng.choice([1, 2, 3, 4, 5, 6, 7, 10, 12, 25])) * rng.choice([1.0, 0.5, 1.25, 1 / 3])
                        for _ in range(rng.choice([2, 3]))]
        base = rng.choice(coefficients) * rng.randint(1, 6)
        beta = base + rng.choice([0.0, 1e-7, -1e-7, 1e-3, -1e-3, rng.uniform(-base / 2, base / 2)])
        if beta < 0:
            continue
        top = [math.floor(beta / a + 1e-9) for a in coefficients]
        plans = [n for n in itertools.product(*(range(t + 1) for t in top))
                 if sum(a * k for a, k in zip(coefficients, n, strict=True)) <= beta]
        for delta in sorted(set(coefficients)):
            rounded = rounding_le(coefficients, beta, delta)
            if rounded is None:
                continue
            rows += 1
            weights, whole = rounded
            for n in plans:
                lhs = sum(h * k for h, k in zip(weights, n, strict=True))
                assert lhs <= whole + 1e-9, (coefficients, beta, delta, n)
    assert rows > 200


def test_the_tolerance_follows_the_solve() -> None:
    """Ten times the larger feasibility tolerance HiGHS is given (its defaults 1e-6 and 1e-7)."""
    assert row_tolerance({}) == pytest.approx(1e-5)
    assert row_tolerance({"mip_feasibility_tolerance": 1e-4}) == pytest.approx(1e-3)
    looser_lp = {"primal_feasibility_tolerance": 1e-5, "mip_feasibility_tolerance": 1e-7}
    assert row_tolerance(looser_lp) == pytest.approx(1e-4)
