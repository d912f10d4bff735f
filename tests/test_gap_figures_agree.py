"""sweep.csv's `gap_percent` and `gap_bn_yuan` (and comparison.csv's `gap` and `absolute gap` rows)
agree: a gap that is float noise, as after a bound carried from another run that proved the same
plan one float step below the objective (siting/runs/pool.py `carry_bounds`), is 0 in both, not 0 %
beside 100 yuan; and a small gap above the noise is above 0 in both, not a share under 1e-6
written 0 % beside 11,000 yuan."""

from __future__ import annotations

import math

from siting.deliver.tables import in_file_units
from siting.optimize.counts import certified_gap
from siting.runs.pool import CaseSummary
from siting.runs.tables import comparison_table, sweep_table

OBJECTIVE = -22_715_696_712.34  # written -22,715,696,700 yuan: the bound a float step below, -22,715,696,800


def run(label: str, bound: float) -> CaseSummary:
    return CaseSummary(label, True, status="optimal", objective_yuan=OBJECTIVE, best_bound_yuan=bound,
                       gap=certified_gap(OBJECTIVE, bound), bound_from="other")


def test_a_gap_of_float_noise_is_zero_in_both() -> None:
    noisy = run("a", math.nextafter(OBJECTIVE, -math.inf))
    row = in_file_units(sweep_table([noisy], [{"x": 1}])).iloc[0]
    assert row["gap_percent"] == 0 and row["gap_bn_yuan"] == 0


def test_a_small_gap_is_above_zero_in_both() -> None:
    small = run("b", OBJECTIVE * (1 + 5e-7))  # 11,358 yuan, a share of 5e-7
    row = in_file_units(sweep_table([small], [{"x": 1}])).iloc[0]
    assert row["gap_percent"] >= 100 * small.gap > 0 and row["gap_bn_yuan"] >= 11_358e-9


def test_the_comparison_rows_agree() -> None:
    noisy, small = run("a", math.nextafter(OBJECTIVE, -math.inf)), run("b", OBJECTIVE * (1 + 5e-7))
    table = comparison_table([noisy, small]).set_index("metric")
    assert table.loc["gap", "a"] == 0 and table.loc["absolute gap", "a"] == 0
    assert table.loc["gap", "b"] > 0 and table.loc["absolute gap", "b"] > 0
