"""The steady-state year after the horizon (`ModelInputs.STEADY_YEAR`, objective.years_after_horizon
N > 0), on instances solved by hand.

Instances are those of tests/test_years_after_horizon.py: the default instance of
tests/test_families.py (module p10 = 10 units/yr of p for 100 yuan, lifetime 1 year, discount
rate 0, so its annuity is 100 yuan/yr) without the capacity target, where p sells out of the
province at a price a unit, at most 10 units a year. With rate 0 and N = 2 the steady-state year
2031 after the plan year 2030 weighs 2. Optima are asserted with rel=1e-9.
"""

from __future__ import annotations

import dataclasses

import pytest
from test_families import Y1, Y2, built, make_inputs, production, solve_optimal
from test_years_after_horizon import selling


def test_the_steady_state_year_follows_the_last_plan_year_and_takes_its_prices() -> None:
    """N = 2 over the single year 2030: the steady-state year is 2031, the operating years 2030
    and 2031; prices, sales caps, supplies and import figures of 2030 hold in 2031 where 2031 has
    none of its own (a given one is kept); targets do not. N = 0: no steady-state year, the
    mappings as given."""
    inputs = selling(1, price_yuan_per_unit={("p", Y1): 50.0, ("q", Y1): 7.0, ("q", Y2): 9.0},
                     supply_t_per_yr={("k", Y1): 5.0}, import_price_yuan_per_unit={("q", Y1): 3.0},
                     resource_import_price_yuan_per_t={("r", Y1): 4.0},
                     resource_import_cap_t_per_yr={("r", Y1): 6.0},
                     capacity_target_units={("P", Y1): 30.0}, years_after_horizon=2)
    assert inputs.STEADY_YEAR == Y2
    assert inputs.OPERATING_YEARS == (Y1, Y2)
    assert inputs.YEARS == (Y1,)
    assert inputs.price_yuan_per_unit == {("p", Y1): 50.0, ("q", Y1): 7.0, ("q", Y2): 9.0, ("p", Y2): 50.0}
    assert inputs.sales_cap_units == {("p", Y1): 10.0, ("p", Y2): 10.0}
    assert inputs.supply_t_per_yr == {("k", Y1): 5.0, ("k", Y2): 5.0}
    assert inputs.import_price_yuan_per_unit == {("q", Y1): 3.0, ("q", Y2): 3.0}
    assert inputs.resource_import_price_yuan_per_t == {("r", Y1): 4.0, ("r", Y2): 4.0}
    assert inputs.resource_import_cap_t_per_yr == {("r", Y1): 6.0, ("r", Y2): 6.0}
    assert inputs.capacity_target_units == {("P", Y1): 30.0}
    assert inputs.year_weight == {Y1: 1.0, Y2: 2.0}
    assert inputs.shortfall_weight == {Y1: 3.0}
    assert inputs.ramp_share("p", Y1) == 1.0 and inputs.ramp_share("p", Y2) == 1.0
    ramped = dataclasses.replace(inputs, ramp_up_share={"p": 0.5})
    assert ramped.ramp_share("p", Y1) == 0.5 and ramped.ramp_share("p", Y2) == 1.0

    plain = dataclasses.replace(selling(1), years_after_horizon=0)
    assert plain.STEADY_YEAR is None and plain.OPERATING_YEARS == (Y1,)
    assert plain.price_yuan_per_unit == {("p", Y1): 50.0}
    assert plain.year_weight == {Y1: 1.0} and plain.shortfall_weight == {Y1: 1.0}


def test_a_module_first_producing_in_the_last_year_runs_in_full_after_it() -> None:
    """One year (2030), ramp-up share 0.5, p sells at 15 a unit (10 a year at most).
    N = 0: one module makes 5 units for 75 and costs 100: nothing is built, 0.
    N = 2: one module makes 5 in 2030 (75) and 10 in the steady state (2 x 150 = 300) for
    3 x 100 = 300: -75; two make 10 + 2 x 10 (450) for 600: +150. Optimum -75, one module
    producing 10 units in 2031. (Were the steady state 2030 as it stands, at half rate, one module
    would earn 3 x 75 = 225 for 300 and nothing would be built.)"""
    inputs = selling(1, ramp_up_share={"p": 0.5}, price_yuan_per_unit={("p", Y1): 15.0})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(0.0, abs=1e-9)
    assert built(model) == {}

    model, objective = solve_optimal(dataclasses.replace(inputs, years_after_horizon=2))
    assert objective == pytest.approx(-75.0, rel=1e-9)
    assert sum(built(model).values()) == 1
    assert production(model, "p", Y1) == pytest.approx(5.0, rel=1e-9)
    assert production(model, "p", Y2) == pytest.approx(10.0, rel=1e-9)


def test_committed_capacity_online_after_the_horizon_shares_the_steady_state_market() -> None:
    """One year (2030), N = 2, p sells at 25 a unit (10 a year at most); 10 units/yr of p are
    committed at s1 first producing in 2031 (the steady-state year): they make nothing in 2030.
    Without them one module earns 250 + 2 x 250 = 750 for 300: -450. With them the steady state's
    10 units of market are theirs (2 x 250 = 500 without any module); a module adds 250 in 2030
    only, for 300: nothing is built, -500."""
    inputs = selling(1, price_yuan_per_unit={("p", Y1): 25.0}, years_after_horizon=2)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(-450.0, rel=1e-9)
    assert sum(built(model).values()) == 1

    model, objective = solve_optimal(dataclasses.replace(inputs, committed_units_per_yr={("s1", "p", Y2): 10.0}))
    assert objective == pytest.approx(-500.0, rel=1e-9)
    assert built(model) == {}
    assert production(model, "p", Y1) == pytest.approx(0.0, abs=1e-9)
    assert production(model, "p", Y2) == pytest.approx(10.0, rel=1e-9)
    assert model.capacity["s1", "p", Y1]() == pytest.approx(0.0, abs=1e-9)


def test_committed_capacity_of_the_steady_state_year_is_part_of_the_plans_portfolio() -> None:
    """A project first producing in the steady-state year makes its cluster a host of its product
    (differentiation) and its site an open site (agglomeration), as one committed within the
    plan's years does (optima: tests/test_committed_steady_state_year_counts.py)."""
    from models.families.agglomeration import pre_opened_sites

    for year in (Y2, Y1):
        inputs = make_inputs(years_after_horizon=2, committed_units_per_yr={("s1", "p", year): 10.0})
        model, _objective = solve_optimal(inputs)
        assert [key for key in model.HOST if model.hosts[key].fixed] == [("c1", "p")]
        assert pre_opened_sites(inputs) == ("s1",)


def test_a_shortfall_of_the_last_year_counts_for_the_steady_state_but_earlier_ones_do_not() -> None:
    """Two years, P targets 30 units in 2030 and in 2031 (penalty 1000 a unit), land for 2
    modules only (2 ha at s1, none at s2): 2 modules decided in 2030 stand from 2030, 10 units
    short in each year. N = 2 (weights 1, 1 and 2 for the steady state): shortfalls 10 x 1000 x
    1 (2030) + 10 x 1000 x (1 + 2) (2031) = 40000, modules 2 x 100 x 4 = 800: 40800."""
    land = {"site_land_ha": {"s1": 2.0, "s2": 0.0},
            "land_after_redline_ha": {("s1", "p"): 2.0, ("s1", "q"): 2.0, ("s2", "p"): 0.0, ("s2", "q"): 0.0}}
    inputs = make_inputs(YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0},
                         capacity_target_units={("P", Y1): 30.0, ("P", Y2): 30.0}, years_after_horizon=2, **land)
    assert inputs.shortfall_weight == {Y1: 1.0, Y2: 3.0}
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(40800.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2}
