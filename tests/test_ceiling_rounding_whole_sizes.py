"""Ceiling rounding with whole module sizes: the left side of a ceiling row stated on the counts,
sum_j a_j n_j, is then a whole number for whole counts, so a plan the solver accepts (over the
ceiling by at most its tolerance) meets sum_j a_j n_j <= floor(beta + tol), and the rows round that
whole number: their coefficients are the exact fractions of whole numbers (7/3, not 7/3 - 2e-10),
as a ceiling without tolerance gives them. HiGHS proves the shipped scenario's gap twice as fast
with the exact fractions (models/ceiling_rounding.py)."""

from __future__ import annotations

import math

import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn
from test_families import ceiling_case

from models import build_model
from models.ceiling_rounding import ROW_TOLERANCE, add_ceiling_rounding, rounding_le, tolerant_rounding
from models.counts import add_module_counts, relax_site_counts


def rows(factor: float, tolerance: float) -> dict[tuple[str, int], tuple[list[float], float]]:
    """The ceiling rounding rows of `ceiling_case(factor)`: key -> (coefficients, right-hand side)."""
    inputs = ceiling_case(factor)
    m = build_model(inputs)
    add_module_counts(m, inputs, m.index_data)
    relax_site_counts(m)
    add_ceiling_rounding(m, tolerance)
    return {key: ([float(c) for c in generate_standard_repn(m.ceiling_rounding[key].body).linear_coefs],
                  float(pyo.value(m.ceiling_rounding[key].upper))) for key in m.CEILING_ROUNDING}


def test_whole_sizes_give_the_exact_rows_of_the_ceiling() -> None:
    exact = rows(2.5, 0.0)
    assert exact  # the case's ceiling lies between whole numbers of modules
    assert rows(2.5, ROW_TOLERANCE) == exact


def test_a_ceiling_just_below_a_whole_number_of_modules_is_not_rounded_down() -> None:
    # 30 - 5e-8 units with modules of 10: a plan the solver accepts may build 3 modules
    coefficients = [10.0, 10.0]
    beta = 30.0 - 5e-8
    assert rounding_le(coefficients, beta, 10.0) is not None  # without tolerance: rounded to 2
    assert rounding_le(coefficients, float(math.floor(beta + ROW_TOLERANCE)), 10.0) is None


def test_module_sizes_that_do_not_divide_give_exact_fractions() -> None:
    # the shipped anode ceiling's shape: modules of 40,000 and 100,000 t/yr, 310,000 t/yr left
    sizes = [40_000.0, 40_000.0, 100_000.0]
    for delta in (40_000.0, 100_000.0):
        assert tolerant_rounding(sizes, 310_000.0, delta, ROW_TOLERANCE) == rounding_le(sizes, 310_000.0, delta)
    weights, right = tolerant_rounding(sizes, 310_000.0, 100_000.0, ROW_TOLERANCE)
    # b = 3.1, f0 = 0.1; a 40,000 t module: q = 0.4, H = (0.4 - 0.1) / (1 - 0.1) = 1/3 exactly, not
    # 1/3 less a trace of the tolerance
    assert right == 3 and weights == pytest.approx([1 / 3, 1 / 3, 1.0], abs=1e-15)
