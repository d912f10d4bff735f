"""Sales rounding rows (models/sales_rounding.py) on tiny instances solved by hand.

Instance: `sales_case` of tests/test_families.py: one year 2030, sites s1 (cluster c1) and s2
(cluster c2) with 2 ha each; module p10 = 10 units/yr of p for 100 yuan (annuity = capex) on
1 ha, so at most 2 modules per site; utilisation 1, no lead time, no ramp-up; p sells at
25 yuan/unit and cannot be imported; no target. Each module earns 10 * 25 = 250 for 100 while its
output sells. With a sales cap `cap` on p in 2030, the counts n1 = n[c1,p10,2030] and
n2 = n[c2,p10,2030] give a_j = 10 each and beta = cap (no standing capacity).

"LP" below is the count relaxation with every integer made continuous as well: the root LP of
the search HiGHS runs on it. Optima are asserted with rel=1e-9; every search runs at rel_gap 0.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from test_families import SETTINGS, Y1, sales_case, val, without

from models import build_model
from models.counts import add_module_counts, relax_site_counts
from models.inputs import ModelInputs
from models.sales_rounding import add_sales_rounding, rounding_row
from siting.optimize.solve import solve_model


def relaxation(inputs: ModelInputs, rounding: bool) -> pyo.ConcreteModel:
    """The count relaxation of `inputs`, with the sales rounding rows when `rounding`."""
    model = build_model(inputs)
    add_module_counts(model, inputs, model.index_data)
    relax_site_counts(model)
    if rounding:
        add_sales_rounding(model, inputs, model.index_data)
    return model


def optimum(model: pyo.ConcreteModel) -> float:
    """The proven optimal objective of `model` (yuan)."""
    report = solve_model(model, SETTINGS)
    assert report.proven_optimal, report.termination
    assert report.objective_yuan is not None
    return report.objective_yuan


def lp_bound(inputs: ModelInputs, rounding: bool) -> float:
    """The optimum of the count relaxation's LP (every integer continuous), yuan."""
    model = relaxation(inputs, rounding)
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    return optimum(model)


def sold(model: pyo.ConcreteModel) -> float:
    return sum(val(model.sales[c, p, t]) for c, p, t in model.SALE if p == "p")


def test_rounding_row_arithmetic() -> None:
    """beta = 15, a = (10, 10), delta = 10: b = 1.5, f0 = 0.5, G = (1, 1), delta f0 = 5, ceil = 2.
    Mixed coefficients as in an ncm module decided one and two years before (17,500 and 8,750 at
    utilisation 0.7 and ramp 0.5) against a 155,000 cap, delta = 17,500: b = 62/7, f0 = 6/7,
    G = (1, 0 + (1/2) / (6/7) = 7/12), delta f0 = 15,000, ceil = 9. A whole b gives no row."""
    assert rounding_row([10.0, 10.0], 15.0, 10.0) == ([1.0, 1.0], 5.0, 2)
    weights, step, whole = rounding_row([17500.0, 8750.0], 155000.0, 17500.0)
    assert weights == pytest.approx([1.0, 7.0 / 12.0], rel=1e-12)
    assert step == pytest.approx(15000.0, rel=1e-12)
    assert whole == 9
    assert rounding_row([10.0, 10.0], 20.0, 10.0) is None


def test_sales_rounding_binds_raises_the_lp_bound_to_the_optimum() -> None:
    """`sales_case` with a cap of 15 units. One row, (p, 2030, 0):
        S <= 15 - 5 (2 - n1 - n2) = 5 + 5 N,    N = n1 + n2.
    LP without it: N = 1.5 modules (150 yuan) make exactly the 15 units the cap sells (375):
    -225. LP with it: S <= min(10 N, 15, 5 + 5 N); between N = 1 and 2 a module adds 5 units
    sold (125) for 100, so N = 2, S = 15: -175 (N = 1: -150). The LP bound rises by 50.
    MIP (test_families.test_market_cap_binds): two modules, 15 sold, 5 idle: -175, with or
    without the row, and the count relaxation's optimum is -175 with or without it too."""
    inputs = sales_case(sales_cap_units={("p", Y1): 15.0})
    assert lp_bound(inputs, rounding=False) == pytest.approx(-225.0, rel=1e-9)
    assert lp_bound(inputs, rounding=True) == pytest.approx(-175.0, rel=1e-9)

    model = relaxation(inputs, rounding=True)
    assert list(model.SALES_ROUNDING) == [("p", Y1, 0)]
    assert optimum(model) == pytest.approx(-175.0, rel=1e-9)
    assert sold(model) == pytest.approx(15.0, rel=1e-9)
    assert optimum(relaxation(inputs, rounding=False)) == pytest.approx(-175.0, rel=1e-9)

    mip = build_model(inputs)
    add_module_counts(mip, inputs, mip.index_data)
    add_sales_rounding(mip, inputs, mip.index_data)
    assert optimum(mip) == pytest.approx(-175.0, rel=1e-9)
    assert sum(round(val(mip.module_count[key])) for key in mip.COUNT) == 2


def test_sales_rounding_slack_where_the_cap_is_out_of_reach() -> None:
    """`sales_case` with a cap of 45 units: b = 4.5, one row S <= 45 - 5 (5 - N) = 20 + 5 N. The
    land holds N <= 4 (40 units), where the row allows 40: it cuts off no LP point the land
    leaves. LP with and without it: 4 modules, 40 sold: 400 - 1000 = -600, the MIP's optimum."""
    inputs = sales_case(sales_cap_units={("p", Y1): 45.0})
    model = relaxation(inputs, rounding=True)
    assert list(model.SALES_ROUNDING) == [("p", Y1, 0)]
    assert lp_bound(inputs, rounding=False) == pytest.approx(-600.0, rel=1e-9)
    assert lp_bound(inputs, rounding=True) == pytest.approx(-600.0, rel=1e-9)
    assert optimum(model) == pytest.approx(-600.0, rel=1e-9)


def test_no_rows_for_whole_caps_and_inactive_caps() -> None:
    """A cap of 20 units is two whole modules (b = 2): no row. With the market family off, or
    its cap row deactivated in the built model (a rule relaxed in place), no row either: the
    rows rest on the cap."""
    assert len(relaxation(sales_case(sales_cap_units={("p", Y1): 20.0}), rounding=True).SALES_ROUNDING) == 0
    capped = sales_case(sales_cap_units={("p", Y1): 15.0})
    assert len(relaxation(without(capped, "market"), rounding=True).SALES_ROUNDING) == 0
    model = build_model(capped)
    model.sales_cap.deactivate()
    add_module_counts(model, capped, model.index_data)
    add_sales_rounding(model, capped, model.index_data)
    assert len(model.SALES_ROUNDING) == 0


def test_sales_rounding_needs_the_counts_and_is_added_once() -> None:
    """Without module counts the rows have nothing to round; a second call is refused."""
    inputs = sales_case(sales_cap_units={("p", Y1): 15.0})
    model = build_model(inputs)
    with pytest.raises(ValueError, match=r"^the sales rounding rows need the module counts \(add_module_counts\) "
                                         r"first$"):
        add_sales_rounding(model, inputs, model.index_data)
    add_module_counts(model, inputs, model.index_data)
    add_sales_rounding(model, inputs, model.index_data)
    with pytest.raises(ValueError, match=r"^the model already has sales rounding rows$"):
        add_sales_rounding(model, inputs, model.index_data)
