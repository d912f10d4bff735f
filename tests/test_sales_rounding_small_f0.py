"""The rounding row is valid however small f0 and f_j are: a coefficient a hair above a whole
multiple of delta keeps its share min(f_j, f0) / f0 (rounding it down to the whole number made
the row cut plans when f0 was as small as f_j), and no row is made for an f0 below SMALLEST_F0."""

from __future__ import annotations

import itertools
import math

from models.sales_rounding import SMALLEST_F0, rounding_row


def holds(coefficients: list[float], beta: float, n: tuple[int, ...], w: float) -> bool:
    return sum(a * k for a, k in zip(coefficients, n, strict=True)) + w >= beta - 1e-12


def test_a_coefficient_a_hair_above_a_whole_multiple_keeps_its_share():
    delta = 1.0
    beta = 2.0 + 2e-6  # b = 2.000002, f0 = 2e-6
    coefficients = [1.0 + 5e-10, 1.0]  # f_1 = 5e-10: its share min(f_1, f0) / f0 = 2.5e-4
    row = rounding_row(coefficients, beta, delta)
    assert row is not None
    g, scale, rhs = row
    assert rhs == 3
    assert math.isclose(scale, 2e-6, rel_tol=1e-6)
    assert math.isclose(g[0] - 1.0, 5e-10 / 2e-6, rel_tol=1e-3)
    assert g[1] == 1.0


def test_the_row_never_cuts_a_plan_of_the_row_it_rounds():
    """Every whole n in 0..3 and every least w with sum a_j n_j + w >= beta satisfies the rounded
    row (exhaustive, on coefficients a hair off whole multiples of delta and f0 just above
    SMALLEST_F0)."""
    delta = 1.0
    for beta, coefficients in [(2.0 + 2e-6, [1.0 + 5e-10, 1.0]), (1.0 + 3e-6, [2.0 + 5e-10, 0.5]),
                               (4.5, [1.0 + 9e-10, 3.0 - 5e-10])]:
        row = rounding_row(coefficients, beta, delta)
        assert row is not None
        g, scale, rhs = row
        for n in itertools.product(range(4), repeat=len(coefficients)):
            w = max(beta - sum(a * k for a, k in zip(coefficients, n, strict=True)), 0.0)
            assert holds(coefficients, beta, n, w)
            assert sum(gj * k for gj, k in zip(g, n, strict=True)) + w / scale >= rhs - 1e-9, (beta, coefficients, n)


def test_no_row_for_an_f0_below_the_smallest():
    assert rounding_row([1.0], 2.0 + SMALLEST_F0 / 2, 1.0) is None
    assert rounding_row([1.0], 2.0 + SMALLEST_F0 * 2, 1.0) is not None
