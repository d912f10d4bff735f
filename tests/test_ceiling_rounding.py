"""Ceiling rounding rows (models/ceiling_rounding.py) on a tiny instance solved by hand, and the
rounding itself against every plan of small rows.

Instance `ceiling_case(2.5)` of tests/test_families.py: P targets 10 units (penalty 1000 yuan per
unit), ceiling U = max(2.5 x 10, 10 + 10) = 25 units of p; output-value target 150 yuan (penalty
100 per yuan short); p10 (10 units, 100 yuan) is worth 5 yuan/unit, q10 (10 units, 200 yuan)
8 yuan/unit. Per yuan of value p costs 2 yuan of capex, q 2.5, a yuan short 100.

LP relaxation of the count relaxation (every integrality relaxed): p up to the ceiling, 2.5
modules (250 yuan, value 125), the other 25 yuan of value from q: 25 / 80 = 0.3125 modules
(62.5 yuan). Bound 312.5.
Ceiling rounding: the ceiling row on the counts, 10 (n_p1 + n_p2) <= 25 (one count per
cluster), divided by delta = 10: b = 2.5, f0 = 0.5, every q_j = 1: n_p1 + n_p2 <= 2. With it the
LP builds 2 p modules (200 yuan, value 100) and 50 / 80 = 0.625 q modules (125 yuan): 325.
The optimum of the MIP (and of the count relaxation) stays 400: 2 p and 1 q module
(tests/test_families.py, `test_targets_capacity_ceiling_binds`, with the same ceiling of 2).
"""

from __future__ import annotations

import itertools
import math

import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn
from test_families import SETTINGS, Y1, ceiling_case, make_inputs

from models import build_model
from models.ceiling_rounding import add_ceiling_rounding, rounding_le
from models.counts import add_module_counts, relax_site_counts
from siting.optimize.solve import solve_model


def relaxation(factor: float, rounding: bool) -> pyo.ConcreteModel:
    inputs = ceiling_case(factor)
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    relax_site_counts(model)
    if rounding:
        add_ceiling_rounding(model)
    return model


def lp_bound(model: pyo.ConcreteModel) -> float:
    for var in model.component_data_objects(pyo.Var):
        if var.is_integer():  # binaries too: every integrality relaxed, the bounds kept
            lower, upper = var.bounds
            var.domain = pyo.Reals
            var.setlb(lower)
            var.setub(upper)
    report = solve_model(model, SETTINGS)
    assert report.proven_optimal, report.termination
    assert report.objective_yuan is not None
    return report.objective_yuan


def test_the_row_rounds_the_ceiling_in_whole_modules() -> None:
    model = relaxation(2.5, rounding=True)
    assert list(model.CEILING_ROUNDING) == [("P", 0)]
    row = model.ceiling_rounding["P", 0]
    assert pyo.value(row.upper) == pytest.approx(2.0, rel=1e-12)
    weights = {str(v): c for v, c in zip(*_linear(row.body), strict=True)}
    assert weights == pytest.approx({f"module_count[c1,p10,{Y1}]": 1.0, f"module_count[c2,p10,{Y1}]": 1.0})


def _linear(body: object) -> tuple[list[object], list[float]]:
    repn = generate_standard_repn(body, compute_values=True)
    return list(repn.linear_vars), list(repn.linear_coefs)


def test_the_lp_bound_rises_from_the_fractional_ceiling_to_whole_modules() -> None:
    assert lp_bound(relaxation(2.5, rounding=False)) == pytest.approx(312.5, rel=1e-9)
    assert lp_bound(relaxation(2.5, rounding=True)) == pytest.approx(325.0, rel=1e-9)


def test_the_optimum_is_unchanged() -> None:
    for rounding in (False, True):
        report = solve_model(relaxation(2.5, rounding=rounding), SETTINGS)
        assert report.proven_optimal
        assert report.objective_yuan == pytest.approx(400.0, rel=1e-9)


def test_a_ceiling_of_whole_modules_gives_no_row() -> None:
    """`ceiling_case(3)`: U = 30, b = 3 is whole: nothing to round."""
    assert len(relaxation(3.0, rounding=True).CEILING_ROUNDING) == 0


def test_no_ceiling_no_rows_and_counts_required() -> None:
    inputs = make_inputs()
    model = build_model(inputs)
    with pytest.raises(ValueError, match="module counts"):
        add_ceiling_rounding(model)
    add_module_counts(model, inputs, model.index_data)
    add_ceiling_rounding(model)
    assert len(model.CEILING_ROUNDING) == 0
    with pytest.raises(ValueError, match="already"):
        add_ceiling_rounding(model)


@pytest.mark.parametrize(("coefficients", "beta"), [
    ([25.0, 50.0, 100.0], 1007.0 / 4), ([40.0, 100.0], 330.0), ([3.0, 7.0, 10.0], 23.5),
    ([1.0 / 3.0, 1.0], 2.0 - 1e-12), ([0.7, 1.3], 4.1),
])
def test_the_row_never_cuts_a_plan_of_the_row_it_rounds(coefficients: list[float], beta: float) -> None:
    """Every whole n >= 0 with sum_j a_j n_j <= beta meets every rounding of that row."""
    for delta in sorted(set(coefficients)):
        rounded = rounding_le(coefficients, beta, delta)
        if rounded is None:
            continue
        weights, whole = rounded
        top = [math.floor(beta / a) for a in coefficients]
        for n in itertools.product(*(range(t + 1) for t in top)):
            if sum(a * k for a, k in zip(coefficients, n, strict=True)) <= beta:
                assert sum(h * k for h, k in zip(weights, n, strict=True)) <= whole + 1e-9, (delta, n)
