"""Every constraint family of the siting MIP on tiny instances solved by hand.

Each test states its instance in words, derives the optimum by hand in its docstring and asserts
the exact optimal objective (`rel=1e-9`) and the key decisions. Each family has a test where it
binds (the optimum moves) and one where it is slack. `FAMILY_TESTS` at the end maps every name in
`RULE_FAMILIES` to its binding, slack and other tests; `test_every_rule_family_has_tests` and
tests/test_registry.py fail when a family lacks either.

Default instance (`make_inputs()`), used unless a test says otherwise:
    one year 2030, discount factor 1.0; sites s1 (cluster c1) and s2 (cluster c2);
    products p and q; one module each: p10 = 10 units/yr of p for 100 yuan on 1 ha,
    q10 = 10 units/yr of q for 200 yuan on 1 ha, fixed opex 0; every (site, product) a candidate;
    100 ha at each site, with and without the red line; utilisation 1; output value 5 yuan per
    unit of p, 0 per unit of q; capacity target of group P = {p}: 30 units in 2030, shortfall
    penalty 1000 yuan/unit (elastic); no output-value target (penalty 100 yuan per yuan short);
    no resources, no chain, no differentiation, agglomeration or budget data, no demonstration;
    every family enabled.
Its optimum: 3 modules of p (30 units) for 3 x 100 = 300 yuan.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pyomo.environ as pyo
import pytest

from models import MONEY_UNIT_YUAN, RULE_FAMILIES, build_model
from models.families.proximity import arcs_within_limit, nearest_sources, too_far_pairs
from models.inputs import ModelInputs, ModuleSpec, RecyclingDemo
from siting.optimize.solve import SolveReport, SolverSettings, solve_model

SETTINGS = SolverSettings(rel_gap=0.0, time_limit_s=30)
Y1 = 2030
Y2 = 2031
SITES = ("s1", "s2")
PRODUCTS = ("p", "q")

P10 = ModuleSpec("p10", "p", capacity_units_per_yr=10.0, capex_yuan=100.0, fixed_opex_yuan_per_yr=0.0, land_ha=1.0)
Q10 = ModuleSpec("q10", "q", capacity_units_per_yr=10.0, capex_yuan=200.0, fixed_opex_yuan_per_yr=0.0, land_ha=1.0)
R10 = ModuleSpec("r10", "r", capacity_units_per_yr=10.0, capex_yuan=300.0, fixed_opex_yuan_per_yr=0.0, land_ha=1.0)

Pair = tuple[str, str]

#: Yuan per unit of the output-value shortfall variable w[t] (money rows are in million yuan).
W_UNIT_YUAN: float = MONEY_UNIT_YUAN


# --------------------------------------------------------------------------------------------
# instance builders and solution readers


def land(per_site: dict[str, float], products: Iterable[str] = PRODUCTS) -> dict[str, Any]:
    """Overrides giving each site `per_site[s]` ha, the same with and without the red line."""
    return {
        "site_land_ha": dict(per_site),
        "land_after_redline_ha": {(s, p): ha for s, ha in per_site.items() for p in products},
    }


@functools.cache
def default_inputs() -> ModelInputs:
    return ModelInputs(
        YEARS=(Y1,),
        SITES=SITES,
        CLUSTERS=("c1", "c2"),
        PRODUCTS=PRODUCTS,
        MODULES=(P10, Q10),
        CANDIDATES=tuple((s, p) for s in SITES for p in PRODUCTS),
        cluster_of_site={"s1": "c1", "s2": "c2"},
        site_land_ha={"s1": 100.0, "s2": 100.0},
        land_after_redline_ha={(s, p): 100.0 for s in SITES for p in PRODUCTS},
        utilisation={"p": 1.0, "q": 1.0},
        output_value_yuan_per_unit={"p": 5.0, "q": 0.0},
        TARGET_GROUPS={"P": ("p",), "Q": ("q",), "R": ("r",)},
        capacity_target_units={("P", Y1): 30.0},
        capacity_shortfall_penalty_yuan_per_unit={"P": 1000.0, "Q": 1000.0, "R": 1000.0},
        value_shortfall_penalty_yuan_per_yuan=100.0,
        discount_factor={Y1: 1.0},
        enabled_families=frozenset(RULE_FAMILIES),
    )


def make_inputs(**overrides: Any) -> ModelInputs:
    """The default instance (see the module docstring) with fields replaced."""
    return dataclasses.replace(default_inputs(), **overrides)


def without(inputs: ModelInputs, *families: str) -> ModelInputs:
    return dataclasses.replace(inputs, enabled_families=inputs.enabled_families - set(families))


def two_years(**overrides: Any) -> ModelInputs:
    """Default instance over 2030 and 2031 with discount factors 1.0 and the P target in 2031."""
    base: dict[str, Any] = {
        "YEARS": (Y1, Y2),
        "discount_factor": {Y1: 1.0, Y2: 1.0},
        "capacity_target_units": {("P", Y2): 30.0},
    }
    base.update(overrides)
    return make_inputs(**base)


def with_recycling(**overrides: Any) -> ModelInputs:
    """Default instance plus recycling product r (module r10: 10 units/yr, 300 yuan, 1 ha) as a
    candidate at both sites (100 ha each), with no P target."""
    base: dict[str, Any] = {
        "PRODUCTS": ("p", "q", "r"),
        "MODULES": (P10, Q10, R10),
        "CANDIDATES": tuple((s, p) for s in SITES for p in ("p", "q", "r")),
        "capacity_target_units": {},
        **land({"s1": 100.0, "s2": 100.0}, ("p", "q", "r")),
    }
    base.update(overrides)
    return make_inputs(**base)


def solve(inputs: ModelInputs) -> tuple[pyo.ConcreteModel, SolveReport]:
    model = build_model(inputs)
    return model, solve_model(model, SETTINGS)


def solve_optimal(inputs: ModelInputs) -> tuple[pyo.ConcreteModel, float]:
    """Build, solve to a zero gap, and return the model and its proven optimal objective."""
    model, report = solve(inputs)
    assert report.proven_optimal, report.termination
    assert report.objective_yuan is not None
    return model, report.objective_yuan


def val(expr: Any) -> float:
    return float(pyo.value(expr))


def built(model: pyo.ConcreteModel) -> dict[Pair, int]:
    """Modules built per (site, product), summed over module sizes and years; zeros left out."""
    counts: Counter[Pair] = Counter()
    for s, p, mod, t in model.BUILD:
        counts[(s, p)] += round(val(model.build[s, p, mod, t]))
    return {pair: n for pair, n in counts.items() if n}


def built_per_year(model: pyo.ConcreteModel) -> dict[int, int]:
    counts: Counter[int] = Counter()
    for key in model.BUILD:
        counts[key[3]] += round(val(model.build[key]))
    return {t: n for t, n in counts.items() if n}


def modules_of(model: pyo.ConcreteModel, product: str) -> int:
    return sum(n for (_s, p), n in built(model).items() if p == product)


def production(model: pyo.ConcreteModel, product: str, year: int = Y1) -> float:
    return sum(val(model.production[s, p, t]) for s, p, t in model.PRODUCE if p == product and t == year)


def value_shortfall_yuan(model: pyo.ConcreteModel, year: int = Y1) -> float:
    return val(model.value_shortfall[year]) * W_UNIT_YUAN


def hosts(model: pyo.ConcreteModel, product: str) -> dict[str, int]:
    return {c: round(val(model.hosts[c, p])) for c, p in model.HOST if p == product}


# --------------------------------------------------------------------------------------------
# family 1: capacity accumulation and production limit (always on)


def test_capacity_accumulates_and_opex_runs_while_standing() -> None:
    """Two years (discount 1.0); p10 has a fixed opex of 10 yuan/yr; P targets 10 units in 2030
    and 30 units in 2031 (penalty 1000/unit, so every unit short costs more than a module).

    Let x1, x2 be the p modules built in 2030 and 2031. Capacity accumulates:
    K(2030) = 10 x1 >= 10 and K(2031) = 10 (x1 + x2) >= 30, so x1 >= 1 and x1 + x2 >= 3.
    A module is paid as an annuity (CRF(0, 1 yr) * 100 = 100 yuan/yr) and its opex (10 yuan/yr)
    in every year it stands: cost = (100 + 10) * 2 years * x1 + (100 + 10) * 1 year * x2
    = 220 x1 + 110 x2, least at x1 = 1, x2 = 2: 220 + 220 = 440 (capex 400, fixed opex 40).
    (Without accumulation 2031 would need 3 new modules: 550.)
    Optimum: 440, one module in 2030 and two in 2031.
    """
    p10 = dataclasses.replace(P10, fixed_opex_yuan_per_yr=10.0)
    model, objective = solve_optimal(
        two_years(MODULES=(p10, Q10), capacity_target_units={("P", Y1): 10.0, ("P", Y2): 30.0})
    )
    assert objective == pytest.approx(440.0, rel=1e-9)
    assert built_per_year(model) == {Y1: 1, Y2: 2}
    assert val(model.cost_capex) == pytest.approx(400.0, rel=1e-9)
    assert val(model.cost_fixed_opex) == pytest.approx(40.0, rel=1e-9)


def test_production_limited_by_utilisation() -> None:
    """No capacity target; output-value target 100 yuan in 2030 (penalty 100 per yuan short);
    p is worth 5 yuan/unit and runs at utilisation 0.5.

    y <= 0.5 * K, so each p module (100 yuan) yields at most 5 units = 25 yuan of output value.
    Reaching 100 yuan needs y = 20, K = 40: 4 modules = 400 yuan. With 3 modules the value is
    75, 25 short: 300 + 2500. (At utilisation 1, 2 modules would do.)
    Optimum: 400, four p modules, production exactly 20 (= 0.5 x 40, the limit binds).
    """
    model, objective = solve_optimal(
        make_inputs(capacity_target_units={}, output_value_target_yuan={Y1: 100.0}, utilisation={"p": 0.5, "q": 1.0})
    )
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert modules_of(model, "p") == 4
    assert production(model, "p") == pytest.approx(20.0, rel=1e-9)
    assert value_shortfall_yuan(model) == pytest.approx(0.0, abs=1e-6)


def test_existing_capacity_counts_and_utilisation_is_slack_for_capacity_targets() -> None:
    """Existing plant of 25 units of p at s2, whose p pair is inside the red line (no building
    there); utilisation of p is 0.5; P targets 30 units.

    Capacity targets count nameplate capacity K = E + added, not production, so utilisation
    does not bind: K = 25 + 10 x >= 30 needs x = 1 module, at s1 (s2 cannot build p): 100.
    Optimum: 100, one p module at s1; K(s1, p) = 10 and K(s2, p) = 25.
    """
    model, objective = solve_optimal(
        make_inputs(
            existing_capacity_units_per_yr={("s2", "p"): 25.0},
            REDLINE_EXCLUDED=frozenset({("s2", "p")}),
            utilisation={"p": 0.5, "q": 1.0},
        )
    )
    assert objective == pytest.approx(100.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 1}
    assert val(model.capacity["s1", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert val(model.capacity["s2", "p", Y1]) == pytest.approx(25.0, rel=1e-9)


# --------------------------------------------------------------------------------------------
# family 2: targets


def test_targets_elastic_penalty_trades_off() -> None:
    """P targets 25 units, elastic with a penalty of only 12 yuan per unit short.

    x modules cost 100 x plus 12 * max(0, 25 - 10 x):
    x = 0: 300;  x = 1: 100 + 180 = 280;  x = 2: 200 + 60 = 260;  x = 3: 300.
    The third module saves 5 units * 12 = 60 yuan for 100 yuan, so it is not built.
    Optimum: 260, two p modules, shortfall u = 5 (cost_shortfall 60).
    """
    model, objective = solve_optimal(
        make_inputs(capacity_target_units={("P", Y1): 25.0}, capacity_shortfall_penalty_yuan_per_unit={"P": 12.0})
    )
    assert objective == pytest.approx(260.0, rel=1e-9)
    assert modules_of(model, "p") == 2
    assert val(model.capacity_shortfall["P", Y1]) == pytest.approx(5.0, rel=1e-9)
    assert val(model.cost_shortfall) == pytest.approx(60.0, rel=1e-9)


def test_targets_strict_forces_full_target() -> None:
    """As `test_targets_elastic_penalty_trades_off` but strict: u is fixed to 0.

    10 x >= 25 needs x = 3 modules: 300 yuan (more than the elastic 260).
    Optimum: 300, three p modules, shortfall 0.
    """
    model, objective = solve_optimal(
        make_inputs(
            capacity_target_units={("P", Y1): 25.0},
            capacity_shortfall_penalty_yuan_per_unit={"P": 12.0},
            targets_strict=True,
        )
    )
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert val(model.capacity_shortfall["P", Y1]) == 0.0


def test_targets_elastic_when_land_cannot_reach_target() -> None:
    """P targets 50 units, but each site has only 2 ha (2 modules of 1 ha): at most 40 units.

    Elastic: build all 4 modules (each saves 10 * 1000 for 100) and fall 10 short:
    400 + 10 * 1000 = 10400. Optimum: 10400, two p modules at each site, shortfall 10.
    """
    model, objective = solve_optimal(make_inputs(capacity_target_units={("P", Y1): 50.0}, **land({"s1": 2, "s2": 2})))
    assert objective == pytest.approx(10400.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2, ("s2", "p"): 2}
    assert val(model.capacity_shortfall["P", Y1]) == pytest.approx(10.0, rel=1e-9)


def test_targets_strict_impossible_is_infeasible() -> None:
    """As `test_targets_elastic_when_land_cannot_reach_target` but strict: 40 < 50 units and
    u is fixed to 0, so no solution exists. Optimum: none (proven infeasible)."""
    _model, report = solve(
        make_inputs(capacity_target_units={("P", Y1): 50.0}, targets_strict=True, **land({"s1": 2, "s2": 2}))
    )
    assert report.infeasible
    assert not report.has_solution
    assert report.objective_yuan is None


def test_targets_off_is_slack() -> None:
    """Default instance with "targets" switched off: nothing asks for capacity and nothing is
    free, so nothing is built. Optimum: 0, no modules, no target rows."""
    model, objective = solve_optimal(without(make_inputs(), "targets"))
    assert objective == pytest.approx(0.0, abs=1e-9)
    assert built(model) == {}
    assert len(model.CAP_TARGET) == 0


def ceiling_case(factor: float) -> ModelInputs:
    """P targets 10 units (penalty 1000); group capacity may reach at most `factor` x 10 units;
    no Q target; output-value target 150 yuan (penalty 100 per yuan), p worth 5/unit, q 8/unit."""
    return make_inputs(
        capacity_target_units={("P", Y1): 10.0},
        output_value_target_yuan={Y1: 150.0},
        output_value_yuan_per_unit={"p": 5.0, "q": 8.0},
        capacity_ceiling_factor=factor,
    )


def test_targets_capacity_ceiling_binds() -> None:
    """`ceiling_case(2)`: p gives 50 yuan of value per 100-yuan module (2 yuan of capex per
    yuan), q 80 per 200 (2.5), so without a ceiling the value target is met with p alone. The
    ceiling caps p at 2 x 10 = 20 units (2 modules, value 100); the other 50 yuan come from one
    q module (80): 200 + 200 = 400 (versus 2 p modules + 50 short: 200 + 5000).
    Optimum: 400; two p modules and one q module."""
    model, objective = solve_optimal(ceiling_case(2.0))
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert modules_of(model, "p") == 2
    assert modules_of(model, "q") == 1


def test_targets_capacity_ceiling_slack() -> None:
    """`ceiling_case(3)`: the ceiling of 30 units admits the 3 p modules (value 150) that meet
    the value target most cheaply. Optimum: 300; three p modules, no q."""
    model, objective = solve_optimal(ceiling_case(3.0))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert built(model).keys() <= {("s1", "p"), ("s2", "p")}
    assert modules_of(model, "p") == 3


def test_targets_capacity_ceiling_allows_one_whole_module_beyond_the_target() -> None:
    """`ceiling_case(1.05)`: 1.05 x 10 = 10.5 units would admit one p module only (value 50), but
    the ceiling is max(10.5, 10 + one 10-unit module) = 20, so the plan is that of
    `ceiling_case(2)`: two p modules and one q module, 200 + 200. (A ceiling of 10.5 would force
    1 p + 2 q modules: 100 + 400 = 500.) Optimum: 400."""
    model, objective = solve_optimal(ceiling_case(1.05))
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert modules_of(model, "p") == 2
    assert modules_of(model, "q") == 1


# --------------------------------------------------------------------------------------------
# family 3: output value


def test_output_value_binds_with_penalty_trade_off() -> None:
    """No capacity target; output-value target 120 yuan in 2030, penalty 3 yuan per yuan short;
    p is worth 5 yuan/unit at utilisation 1 (q is worth 0).

    x p modules give at most 50 x yuan of value for 100 x yuan:
    x = 0: 3 * 120 = 360;  x = 1: 100 + 3 * 70 = 310;  x = 2: 200 + 3 * 20 = 260;  x = 3: 300.
    Optimum: 260, two p modules producing 20 units (value 100), value shortfall 20.
    """
    model, objective = solve_optimal(
        make_inputs(
            capacity_target_units={},
            output_value_target_yuan={Y1: 120.0},
            value_shortfall_penalty_yuan_per_yuan=3.0,
        )
    )
    assert objective == pytest.approx(260.0, rel=1e-9)
    assert modules_of(model, "p") == 2
    assert production(model, "p") == pytest.approx(20.0, rel=1e-9)
    assert value_shortfall_yuan(model) == pytest.approx(20.0, rel=1e-9)


def test_output_value_strict_meets_target() -> None:
    """As `test_output_value_binds_with_penalty_trade_off` but strict: w is fixed to 0, so
    5 y >= 120 needs y >= 24 and 3 modules. Optimum: 300, three p modules, value >= 120."""
    model, objective = solve_optimal(
        make_inputs(
            capacity_target_units={},
            output_value_target_yuan={Y1: 120.0},
            value_shortfall_penalty_yuan_per_yuan=3.0,
            targets_strict=True,
        )
    )
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert val(model.output_value[Y1]) >= 120.0 - 1e-6


def test_output_value_slack_when_existing_production_covers_it() -> None:
    """No capacity target; output-value target 120 yuan; an existing plant of 30 units of p at
    s2, whose p pair is inside the red line (it produces but cannot expand), can produce
    30 units = 150 yuan >= 120 at no cost. Optimum: 0, nothing built."""
    model, objective = solve_optimal(
        make_inputs(
            capacity_target_units={},
            output_value_target_yuan={Y1: 120.0},
            existing_capacity_units_per_yr={("s2", "p"): 30.0},
            REDLINE_EXCLUDED=frozenset({("s2", "p")}),
        )
    )
    assert objective == pytest.approx(0.0, abs=1e-9)
    assert built(model) == {}
    assert val(model.output_value[Y1]) >= 120.0 - 1e-6


# --------------------------------------------------------------------------------------------
# family 4: land


def test_land_binds_module_count() -> None:
    """2 ha at each site, P targets 30 units (penalty 1000). Each site fits 2 modules of 1 ha,
    so 3 modules need both sites; where they go is open, but no site holds more than 2.

    Also: land 2 ha at s1 only (s2: 0 ha) gives 2 modules + 10 short: 200 + 10000 = 10200.
    Optimum: 300 with at most 2 modules per site; 10200 with s1 alone, 2 modules at s1.
    """
    model, objective = solve_optimal(make_inputs(**land({"s1": 2, "s2": 2})))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert all(n <= 2 for n in built(model).values())

    model, objective = solve_optimal(make_inputs(**land({"s1": 2, "s2": 0})))
    assert objective == pytest.approx(10200.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2}


def test_land_nested_per_product_levels() -> None:
    """One usable site s1 (s2 has 0 ha); per-product land after setbacks L[s1,p] = 10 ha and
    L[s1,q] = 30 ha; p and q modules take 4 ha each; two years (discount 1.0); P and Q each
    target 60 units in 2031 (penalty 1000/unit).

    Per-year module bounds are floor(10/4) = 2 for p and floor(30/4) = 7 for q, so over two
    years they alone would allow 4 p and 14 q modules. The nested land rows:
        level 10 ha:  4 x_p        <= 10   ->  x_p <= 2      (p must fit in its 10 ha)
        level 30 ha:  4 x_p + 4 x_q <= 30   ->  x_p + x_q <= 7 (p and q share the 30 ha)
    Every module saves 10 * 1000 of penalty for at most 200, so 7 modules are built; the
    shortfall is then 120 - 70 = 50 units whatever the mix: 50000. Capex 100 x_p + 200 x_q is
    least with x_p = 2, x_q = 5: 200 + 1000 = 1200. (With only one 30 ha row: x_p = 4, x_q = 3,
    1000 + 50000; with separate rows per product: x_p = 2, x_q = 7, 1600 + 30000.)
    Optimum: 51200; 2 p and 5 q modules at s1 (8 ha of p within 10; 28 ha in all within 30).
    """
    p4 = dataclasses.replace(P10, land_ha=4.0)
    q4 = dataclasses.replace(Q10, land_ha=4.0)
    model, objective = solve_optimal(
        two_years(
            MODULES=(p4, q4),
            capacity_target_units={("P", Y2): 60.0, ("Q", Y2): 60.0},
            site_land_ha={"s1": 40.0, "s2": 0.0},
            land_after_redline_ha={("s1", "p"): 10.0, ("s1", "q"): 30.0, ("s2", "p"): 0.0, ("s2", "q"): 0.0},
        )
    )
    assert objective == pytest.approx(51200.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2, ("s1", "q"): 5}
    assert val(model.cost_shortfall) == pytest.approx(50000.0, rel=1e-9)


def test_land_slack_on_ample_land() -> None:
    """Default instance (100 ha per site): 3 modules use 3 ha, far below every land row.
    Optimum: 300, three p modules; every land row has at least 97 ha spare."""
    model, objective = solve_optimal(make_inputs())
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert len(model.LAND_LEVEL) == 2
    for i in model.LAND_LEVEL:
        row = model.land_limit[i]
        assert val(row.upper) - val(row.body) >= 97.0 - 1e-9


def test_land_on_module_bound_is_floor_of_land() -> None:
    """One usable site s1 with 30 ha (s2: 0 ha); P targets 250 units (penalty 1000/unit).

    With "land" on, derive_index documents x[s1,p,p10,2030] <= floor(30 / 1) = 30, and the land
    row allows 30 modules of 1 ha. 25 modules meet the target: 2500 yuan.
    Optimum: 2500, 25 p modules at s1. (The code also caps at 20: 2000 + 50 * 1000 = 52000.)
    """
    model, objective = solve_optimal(
        make_inputs(capacity_target_units={("P", Y1): 250.0}, **land({"s1": 30, "s2": 0}))
    )
    assert objective == pytest.approx(2500.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 25}


# --------------------------------------------------------------------------------------------
# family 5: red line


def redline_case() -> ModelInputs:
    """Gross land s1 = 3 ha, s2 = 2 ha; after the red line: (s1,p) 3 ha but inside the red line
    (REDLINE_EXCLUDED), (s2,p) 1 ha; P targets 50 units (penalty 1000)."""
    return make_inputs(
        capacity_target_units={("P", Y1): 50.0},
        site_land_ha={"s1": 3.0, "s2": 2.0},
        land_after_redline_ha={("s1", "p"): 3.0, ("s2", "p"): 1.0, ("s1", "q"): 3.0, ("s2", "q"): 2.0},
        REDLINE_EXCLUDED=frozenset({("s1", "p")}),
    )


def test_redline_on_excludes_pair_and_uses_land_after_redline() -> None:
    """`redline_case` with "redline" on: (s1,p) has no build variable; s2 has 1 ha for p after
    the red line (not its 2 gross ha), so 1 module; 40 units short.
    Optimum: 100 + 40 * 1000 = 40100, one p module at s2."""
    model, objective = solve_optimal(redline_case())
    assert objective == pytest.approx(40100.0, rel=1e-9)
    assert built(model) == {("s2", "p"): 1}
    assert not any(s == "s1" and p == "p" for s, p, _m, _t in model.BUILD)


def test_redline_off_restores_pair_and_uses_site_land() -> None:
    """`redline_case` with "redline" off: (s1,p) is buildable again and gross land is used:
    s1 fits 3 modules, s2 fits 2 (not 1): 5 modules = 50 units.
    Optimum: 500, three p modules at s1 and two at s2."""
    model, objective = solve_optimal(without(redline_case(), "redline"))
    assert objective == pytest.approx(500.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3, ("s2", "p"): 2}


def test_redline_slack_when_exclusion_is_irrelevant() -> None:
    """Default instance with (s1,q) inside the red line; nothing asks for q, so the exclusion
    costs nothing: on and off both give 300 (three p modules). With "redline" on the (s1,q)
    pair has no build variable, with it off it does. Optimum: 300 both ways."""
    inputs = make_inputs(REDLINE_EXCLUDED=frozenset({("s1", "q")}))
    model_on, objective_on = solve_optimal(inputs)
    model_off, objective_off = solve_optimal(without(inputs, "redline"))
    assert objective_on == pytest.approx(300.0, rel=1e-9)
    assert objective_off == pytest.approx(300.0, rel=1e-9)
    assert not any((s, p) == ("s1", "q") for s, p, _m, _t in model_on.BUILD)
    assert any((s, p) == ("s1", "q") for s, p, _m, _t in model_off.BUILD)


# --------------------------------------------------------------------------------------------
# family 6: proximity


def far_ore_case() -> ModelInputs:
    """p needs 1 t of ore per unit; the one ore source k1 (1000 t/yr) is 200 km from s1 and
    10 km from s2; ore may come from at most 50 km. s1 has 100 ha, s2 1 ha; P targets 30 units
    (penalty 1000); nothing needs production, so no ore is shipped."""
    return make_inputs(
        RESOURCES=("ore",),
        resource_t_per_unit={("p", "ore"): 1.0},
        SOURCES=("k1",),
        resource_of_source={"k1": "ore"},
        supply_t_per_yr={("k1", Y1): 1000.0},
        ARCS=(("k1", "s1"), ("k1", "s2")),
        arc_km={("k1", "s1"): 200.0, ("k1", "s2"): 10.0},
        max_distance_km={"ore": 50.0},
        **land({"s1": 100, "s2": 1}),
    )


def test_proximity_excluded_pair_cannot_build() -> None:
    """`far_ore_case`: s1's nearest ore is 200 km away, beyond the 50 km limit, so (s1,p) is
    too far (q needs no ore and stays); s2 is within it.

    On: only s2 builds p, 1 module, 20 units short: 100 + 20000 = 20100.
    Off: (s1,p) returns; 3 modules with at least 2 at s1 (s2 holds 1): 300.
    Optimum: 20100 on (one module at s2); 300 off.
    """
    inputs = far_ore_case()
    too_far = inputs.PROXIMITY_EXCLUDED
    assert too_far == frozenset({("s1", "p")})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(20100.0, rel=1e-9)
    assert built(model) == {("s2", "p"): 1}

    model, objective = solve_optimal(without(inputs, "proximity"))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert built(model).get(("s1", "p"), 0) >= 2


def ore_inputs(**overrides: Any) -> ModelInputs:
    """No capacity target; output-value target 100 yuan (p: 5 yuan/unit, penalty 100 per yuan);
    p needs 2 t of ore per unit; transport 1 yuan/t-km; only s1 has land (s2: 0 ha)."""
    base: dict[str, Any] = {
        "capacity_target_units": {},
        "output_value_target_yuan": {Y1: 100.0},
        "RESOURCES": ("ore",),
        "resource_t_per_unit": {("p", "ore"): 2.0},
        "transport_yuan_per_t_km": 1.0,
        **land({"s1": 100, "s2": 0}),
    }
    base.update(overrides)
    return make_inputs(**base)


def proximity_arc_case(limit_km: float) -> ModelInputs:
    """`ore_inputs` with source k1 (30 t/yr, 10 km from s1) and k2 (1000 t/yr, 80 km), ore
    allowed from at most `limit_km`."""
    return ore_inputs(
        SOURCES=("k1", "k2"),
        resource_of_source={"k1": "ore", "k2": "ore"},
        supply_t_per_yr={("k1", Y1): 30.0, ("k2", Y1): 1000.0},
        ARCS=(("k1", "s1"), ("k2", "s1")),
        arc_km={("k1", "s1"): 10.0, ("k2", "s1"): 80.0},
        max_distance_km={"ore": limit_km},
    )


def test_proximity_arcs_within_limit_bind() -> None:
    """`proximity_arc_case(50)`: only k1 -> s1 (10 km) is within the 50 km limit.

    Ore comes only from k1: 30 t -> y <= 15 units. Each unit costs 2 t * 10 km = 20 yuan of
    transport and saves 5 * 100 = 500 of penalty, so y = 15 with 2 modules (200):
    200 + 30 t * 10 km * 1 = 300 transport + (100 - 75) * 100 = 2500 shortfall = 3000.
    (1 module: 100 + 200 + 5000 = 5300.)
    Optimum: 3000, two p modules, 30 t from k1, no arc from k2.
    """
    model, objective = solve_optimal(proximity_arc_case(50.0))
    assert objective == pytest.approx(3000.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2}
    assert ("k2", "s1", Y1) not in model.ARC
    assert val(model.flow["k1", "s1", Y1]) == pytest.approx(30.0, rel=1e-9)
    assert value_shortfall_yuan(model) == pytest.approx(25.0, rel=1e-9)


def test_proximity_arcs_slack_when_all_within_limit() -> None:
    """`proximity_arc_case(100)`: both arcs within the limit (and, equally, 50 km with
    "proximity" off): y = 20 meets the target with 2 modules (200); ore 40 t: 30 t from k1 at 10 km (300)
    and 10 t from k2 at 80 km (800). 200 + 300 + 800 = 1300 < 3000.
    Optimum: 1300 both ways, two p modules, flows 30 t (k1) and 10 t (k2)."""
    for inputs in (
        proximity_arc_case(100.0),
        without(proximity_arc_case(50.0), "proximity"),
    ):
        model, objective = solve_optimal(inputs)
        assert objective == pytest.approx(1300.0, rel=1e-9)
        assert built(model) == {("s1", "p"): 2}
        assert val(model.flow["k1", "s1", Y1]) == pytest.approx(30.0, rel=1e-9)
        assert val(model.flow["k2", "s1", Y1]) == pytest.approx(10.0, rel=1e-9)


def test_proximity_arithmetic_nearest_source_and_limits() -> None:
    """The eligibility arithmetic of `models.families.proximity` on exact distances, with no
    solve (hence no optimum). Ore sources k1, k2 and salt source k3; p needs ore, q needs salt;
    limits: ore 50 km, salt none. Distances: s1 <- k1 60, k2 60 (a tie), k3 500; s2 <- k1 40,
    k2 30, k3 700. s3 is one more site with no arc at all.

    nearest(s1, ore) = k1 (tie: the first in SOURCES), 60 km > 50: (s1,p) too far, yet k1 -> s1
    is kept as s1's nearest ore source; k2 -> s1 is not. nearest(s2, ore) = k2 (30 km): both
    ore arcs of s2 are within 50 km. s3 has no ore source: (s3,p) too far. Salt has no limit:
    every salt arc is kept and no q pair is too far.
    """
    inputs = make_inputs(
        SITES=("s1", "s2", "s3"),
        RESOURCES=("ore", "salt"),
        SOURCES=("k1", "k2", "k3"),
        resource_of_source={"k1": "ore", "k2": "ore", "k3": "salt"},
        resource_t_per_unit={("p", "ore"): 1.0, ("q", "salt"): 2.0},
        ARCS=(("k1", "s1"), ("k2", "s1"), ("k3", "s1"), ("k1", "s2"), ("k2", "s2"), ("k3", "s2")),
        arc_km={("k1", "s1"): 60.0, ("k2", "s1"): 60.0, ("k3", "s1"): 500.0,
                ("k1", "s2"): 40.0, ("k2", "s2"): 30.0, ("k3", "s2"): 700.0},
        max_distance_km={"ore": 50.0},
    )
    assert nearest_sources(inputs) == {
        ("s1", "ore"): ("k1", 60.0), ("s1", "salt"): ("k3", 500.0),
        ("s2", "ore"): ("k2", 30.0), ("s2", "salt"): ("k3", 700.0),
    }
    assert too_far_pairs(inputs) == frozenset({("s1", "p"), ("s3", "p")})
    assert arcs_within_limit(inputs) == frozenset(
        {("k1", "s1"), ("k3", "s1"), ("k1", "s2"), ("k2", "s2"), ("k3", "s2")})
    carried = (inputs.PROXIMITY_EXCLUDED, inputs.ARCS_WITHIN_LIMIT)
    assert carried == (too_far_pairs(inputs), arcs_within_limit(inputs))


# --------------------------------------------------------------------------------------------
# family 6: supply


def test_supply_transport_cost_is_rate_times_km_times_tonnes() -> None:
    """One site s1, one source k1 (1000 t/yr) at 25 km; p needs 3 t of ore per unit;
    transport 2 yuan/t-km; output-value target 50 yuan (p: 5/unit, penalty 100 per yuan).

    y = 10 units (1 module, 100) needs 30 t; transport = 2 yuan/t-km * 25 km * 30 t = 1500.
    Each unit costs 150 of transport but saves 500 of penalty, so it is produced.
    Optimum: 1600 = 100 capex + 1500 transport; flow 30 t; cost_transport exactly 1500.
    """
    model, objective = solve_optimal(
        ore_inputs(
            output_value_target_yuan={Y1: 50.0},
            resource_t_per_unit={("p", "ore"): 3.0},
            transport_yuan_per_t_km=2.0,
            SOURCES=("k1",),
            resource_of_source={"k1": "ore"},
            supply_t_per_yr={("k1", Y1): 1000.0},
            ARCS=(("k1", "s1"),),
            arc_km={("k1", "s1"): 25.0},
        )
    )
    assert objective == pytest.approx(1600.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 1}
    assert val(model.flow["k1", "s1", Y1]) == pytest.approx(30.0, rel=1e-9)
    assert val(model.cost_transport) == pytest.approx(1500.0, rel=1e-9)


def supply_case(k1_t: float, k2_t: float) -> ModelInputs:
    """Both sites 100 ha; source k1 -> s1 at 10 km (k1_t t/yr), k2 -> s2 at 20 km (k2_t t/yr),
    no cross arcs; p needs 2 t/unit; 1 yuan/t-km; output-value target 150 yuan (30 units of p,
    penalty 100 per yuan)."""
    return ore_inputs(
        output_value_target_yuan={Y1: 150.0},
        SOURCES=("k1", "k2"),
        resource_of_source={"k1": "ore", "k2": "ore"},
        supply_t_per_yr={("k1", Y1): k1_t, ("k2", Y1): k2_t},
        ARCS=(("k1", "s1"), ("k2", "s2")),
        arc_km={("k1", "s1"): 10.0, ("k2", "s2"): 20.0},
        **land({"s1": 100, "s2": 100}),
    )


def test_supply_ceiling_forces_production_elsewhere() -> None:
    """`supply_case(20, 1000)`. A unit costs 20 yuan of transport at s1 and 40 at s2, so s1 is
    preferred, but k1's 20 t cap s1 at 10 units (1 module). The other 20 units (value 100,
    worth 10000 of penalty) come from s2: 2 modules and 40 t from k2.
    Cost: capex 300 + transport 20 t * 10 km + 40 t * 20 km = 200 + 800 = 1000 -> 1300.
    Optimum: 1300; one p module at s1, two at s2; flows 20 t and 40 t."""
    model, objective = solve_optimal(supply_case(20.0, 1000.0))
    assert objective == pytest.approx(1300.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 1, ("s2", "p"): 2}
    assert val(model.flow["k1", "s1", Y1]) == pytest.approx(20.0, rel=1e-9)
    assert val(model.flow["k2", "s2", Y1]) == pytest.approx(40.0, rel=1e-9)
    assert val(model.cost_transport) == pytest.approx(1000.0, rel=1e-9)


def test_supply_ceilings_force_shortfall() -> None:
    """`supply_case(20, 20)`: each site gets 20 t, i.e. 10 units; 20 units in all = 100 yuan of
    value, 50 short. Cost: capex 200 + transport 20 * 10 + 20 * 20 = 600 + 50 * 100 = 5800.
    Optimum: 5800; one p module at each site; value shortfall 50."""
    model, objective = solve_optimal(supply_case(20.0, 20.0))
    assert objective == pytest.approx(5800.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 1, ("s2", "p"): 1}
    assert value_shortfall_yuan(model) == pytest.approx(50.0, rel=1e-9)


def test_supply_slack_with_ample_sources_and_off() -> None:
    """`supply_case(1000, 1000)`: no ceiling binds; all 30 units at s1 (cheaper haul):
    capex 300 + 60 t * 10 km = 600 -> 900, three modules at s1.
    With "supply" off there are no flows and no transport cost: 300.
    Optimum: 900 on (3 modules at s1, 60 t from k1); 300 off."""
    model, objective = solve_optimal(supply_case(1000.0, 1000.0))
    assert objective == pytest.approx(900.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3}
    assert val(model.flow["k1", "s1", Y1]) == pytest.approx(60.0, rel=1e-9)

    model, objective = solve_optimal(without(supply_case(20.0, 20.0), "supply"))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert len(model.ARC) == 0


# --------------------------------------------------------------------------------------------
# family 7: chain balance


def chain_case(**overrides: Any) -> ModelInputs:
    """q is made from p (2 units of p per unit of q), and p can be bought outside the province
    at no cost; local p must cover at least 50 % of the use; no capacity target; output-value
    target 100 yuan with q worth 10/unit and p worth 0 (penalty 100 per yuan)."""
    base: dict[str, Any] = {
        "import_price_yuan_per_unit": {("p", Y1): 0.0},
        "capacity_target_units": {},
        "output_value_target_yuan": {Y1: 100.0},
        "output_value_yuan_per_unit": {"p": 0.0, "q": 10.0},
        "input_units_per_unit": {("q", "p"): 2.0},
        "chain_share_min": {"p": 0.5},
    }
    base.update(overrides)
    return make_inputs(**base)


def test_chain_balance_binds() -> None:
    """`chain_case`: 10 units of q (1 module, 200) meet the value target. The chain rule asks
    sum y_p >= 0.5 * 2 * 10 = 10 units of p: 1 p module (100). Not producing q costs
    100 * 100 = 10000. With "chain_balance" off only the q module is built: 200.
    Optimum: 300 on (one p and one q module, p production >= 10); 200 off (no p)."""
    model, objective = solve_optimal(chain_case())
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 1
    assert modules_of(model, "q") == 1
    assert production(model, "p") >= 10.0 - 1e-6

    model, objective = solve_optimal(without(chain_case(), "chain_balance"))
    assert objective == pytest.approx(200.0, rel=1e-9)
    assert modules_of(model, "p") == 0


def test_chain_balance_slack_with_existing_upstream() -> None:
    """`chain_case` plus an existing p plant of 10 units at s1: it covers the 10 units of p the
    rule asks for at no cost. Optimum: 200, one q module and no p module."""
    model, objective = solve_optimal(chain_case(existing_capacity_units_per_yr={("s1", "p"): 10.0}))
    assert objective == pytest.approx(200.0, rel=1e-9)
    assert modules_of(model, "q") == 1
    assert modules_of(model, "p") == 0


def test_chain_balance_strict_without_upstream_site_is_infeasible() -> None:
    """`chain_case`, strict, with p a candidate nowhere: the value target forces y_q = 10 and
    the chain rule then needs 10 units of local p that cannot exist (0 >= 10).
    Optimum: none (proven infeasible)."""
    _model, report = solve(chain_case(targets_strict=True, CANDIDATES=(("s1", "q"), ("s2", "q"))))
    assert report.infeasible
    assert not report.has_solution


# --------------------------------------------------------------------------------------------
# family 8: differentiation


def test_max_clusters_per_product_binds() -> None:
    """s1 (c1) has 3 ha, s2 (c2) 2 ha; P targets 50 units (penalty 1000); p may be added in at
    most one cluster. The best single cluster is c1: 3 modules, 20 units short:
    300 + 20000 = 20300 (c2 alone: 200 + 30000).
    Optimum: 20300, three p modules at s1; hosts c1 = 1, c2 = 0."""
    model, objective = solve_optimal(
        make_inputs(
            capacity_target_units={("P", Y1): 50.0}, max_clusters_per_product={"p": 1}, **land({"s1": 3, "s2": 2})
        )
    )
    assert objective == pytest.approx(20300.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3}
    assert hosts(model, "p") == {"c1": 1, "c2": 0}


def test_max_clusters_per_product_slack() -> None:
    """As `test_max_clusters_per_product_binds` with a limit of 2 clusters: both sites fill
    up, 3 + 2 = 5 modules = 50 units. Optimum: 500, three p modules at s1 and two at s2."""
    model, objective = solve_optimal(
        make_inputs(
            capacity_target_units={("P", Y1): 50.0}, max_clusters_per_product={"p": 2}, **land({"s1": 3, "s2": 2})
        )
    )
    assert objective == pytest.approx(500.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3, ("s2", "p"): 2}


def lead_case(lead: tuple[str, ...]) -> ModelInputs:
    """Only s1 (c1) has land; Q targets 10 units (penalty 1000), no P target; p worth 5/unit,
    q worth 8/unit; c1's lead products `lead`, lead share at least 0.5."""
    return make_inputs(
        capacity_target_units={("Q", Y1): 10.0},
        output_value_yuan_per_unit={"p": 5.0, "q": 8.0},
        lead_products={"c1": lead},
        lead_share_min=0.5,
        **land({"s1": 100, "s2": 0}),
    )


def test_lead_share_binds() -> None:
    """`lead_case(("p",))`: one q module (A_q = 10, 200 yuan) meets the target, but then
    5 A_p >= 0.5 * (5 A_p + 8 * 10)  <=>  A_p >= 16, so 2 p modules (100 >= 0.5 * 180 = 90;
    1 module fails: 50 < 65). Not building q costs 10000.
    Optimum: 400; two p modules and one q module at s1."""
    model, objective = solve_optimal(lead_case(("p",)))
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2, ("s1", "q"): 1}


def test_lead_share_slack() -> None:
    """`lead_case(("q",))`: q is itself a lead product of c1, so 80 >= 0.5 * 80 holds.
    Optimum: 200; one q module at s1 and nothing else."""
    model, objective = solve_optimal(lead_case(("q",)))
    assert objective == pytest.approx(200.0, rel=1e-9)
    assert built(model) == {("s1", "q"): 1}


def test_min_portfolio_difference_binds() -> None:
    """s1 (c1) and s2 (c2) have 2 ha each; P targets 30 units (penalty 1000); clusters must
    differ in at least 1 product.

    30 units of p need 3 modules, at most 2 per site, so both clusters host p. They then differ
    only if exactly one hosts q: one q module (200) on the free hectare of the site with a single
    p module. 300 + 200 = 500 (versus 2 p modules + 10 short: 200 + 10000).
    Optimum: 500; 3 p modules (both clusters host p) and 1 q module (one cluster hosts q).
    """
    model, objective = solve_optimal(make_inputs(min_portfolio_difference=1, **land({"s1": 2, "s2": 2})))
    assert objective == pytest.approx(500.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert modules_of(model, "q") == 1
    assert hosts(model, "p") == {"c1": 1, "c2": 1}
    assert sum(hosts(model, "q").values()) == 1


def test_min_portfolio_difference_slack() -> None:
    """Default instance (100 ha per site) with a minimum portfolio difference of 1: 3 p modules
    at one site leave the other cluster empty, and the portfolios {p} and {} differ in p.
    Optimum: 300; 3 p modules, hosted by exactly one cluster."""
    model, objective = solve_optimal(make_inputs(min_portfolio_difference=1))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert sum(hosts(model, "p").values()) == 1


def test_min_portfolio_difference_forces_investment_without_targets() -> None:
    """No capacity target, minimum portfolio difference 1. As documented (z <= h + h'), two
    empty portfolios differ in 0 products, so some cluster must host something: the cheapest
    module, p10 (100), at either site. This pins the documented algebra (see the report:
    the rule alone forces investment).
    Optimum: 100; one p module; with "differentiation" off: 0."""
    inputs = make_inputs(capacity_target_units={}, min_portfolio_difference=1)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(100.0, rel=1e-9)
    assert modules_of(model, "p") == 1
    _model, objective_off = solve_optimal(without(inputs, "differentiation"))
    assert objective_off == pytest.approx(0.0, abs=1e-9)


def test_min_cluster_value_share_binds() -> None:
    """Default instance (P targets 30 units, 100 ha per site, s1 in c1, s2 in c2); every cluster
    must add at least 40 % of the value added (nameplate). With a + b p modules in c1 and c2,
    each needs a, b >= 0.4 (a + b). 3 modules: the split 2 + 1 gives 1 < 1.2, 3 + 0 gives 0;
    4 modules split 2 + 2 pass (2 >= 1.6): 400 (versus 1 + 1 modules + 10 short: 10200).
    Optimum: 400; two p modules at each site."""
    model, objective = solve_optimal(make_inputs(min_cluster_value_share=0.4))
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2, ("s2", "p"): 2}


def test_min_cluster_value_share_slack() -> None:
    """As `test_min_cluster_value_share_binds` with a share of 30 %: the split 2 + 1 passes
    (1 >= 0.9). Optimum: 300; 2 p modules at one site and 1 at the other."""
    model, objective = solve_optimal(make_inputs(min_cluster_value_share=0.3))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert sorted(built(model).values()) == [1, 2]


# --------------------------------------------------------------------------------------------
# family 9: agglomeration


def test_site_fixed_cost_binds() -> None:
    """s1 has 2 ha, s2 100 ha; P targets 30 units; opening a site costs 1000 yuan.
    One site suffices only at s2 (3 modules): 300 + 1000 = 1300 (both sites: 300 + 2000).
    Optimum: 1300; three p modules at s2; opened s1 = 0, s2 = 1."""
    model, objective = solve_optimal(make_inputs(site_fixed_cost_yuan=1000.0, **land({"s1": 2, "s2": 100})))
    assert objective == pytest.approx(1300.0, rel=1e-9)
    assert built(model) == {("s2", "p"): 3}
    assert round(val(model.opened["s1"])) == 0
    assert round(val(model.opened["s2"])) == 1
    assert val(model.cost_site_fixed) == pytest.approx(1000.0, rel=1e-9)


def test_site_fixed_cost_slack() -> None:
    """As `test_site_fixed_cost_binds` with no site fixed cost: 3 modules anywhere (at most 2
    at s1). Optimum: 300, cost_site_fixed 0."""
    model, objective = solve_optimal(make_inputs(**land({"s1": 2, "s2": 100})))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3
    assert val(model.cost_site_fixed) == pytest.approx(0.0, abs=1e-9)


def test_min_investment_per_open_site_binds() -> None:
    """2 ha per site; P targets 30 units; every opened site must invest at least 200 yuan.
    3 modules need both sites (2 + 1), but the site with one module (100 < 200) breaks the
    rule, so both sites take 2 modules: 400 (versus 2 modules + 10 short: 10200).
    Optimum: 400; two p modules at each site."""
    model, objective = solve_optimal(
        make_inputs(min_investment_per_open_site_yuan=200.0, **land({"s1": 2, "s2": 2}))
    )
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2, ("s2", "p"): 2}


def test_min_investment_per_open_site_slack() -> None:
    """As `test_min_investment_per_open_site_binds` with a minimum of 100 yuan: the 2 + 1 split
    satisfies it. Optimum: 300; three p modules, 2 at one site and 1 at the other."""
    model, objective = solve_optimal(
        make_inputs(min_investment_per_open_site_yuan=100.0, **land({"s1": 2, "s2": 2}))
    )
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert sorted(built(model).values()) == [1, 2]


def open_sites_case(limit: int) -> ModelInputs:
    """s1 and s2 both in cluster c1, 2 ha each; P targets 40 units (penalty 1000); at most
    `limit` open sites in c1."""
    return make_inputs(
        cluster_of_site={"s1": "c1", "s2": "c1"},
        capacity_target_units={("P", Y1): 40.0},
        max_open_sites_per_cluster={"c1": limit},
        **land({"s1": 2, "s2": 2}),
    )


def test_max_open_sites_per_cluster_binds() -> None:
    """`open_sites_case(1)`: one site, 2 modules, 20 units short: 200 + 20000 = 20200.
    Optimum: 20200; two p modules at one site; one site opened."""
    model, objective = solve_optimal(open_sites_case(1))
    assert objective == pytest.approx(20200.0, rel=1e-9)
    assert list(built(model).values()) == [2]
    assert sum(round(val(model.opened[s])) for s in model.OPEN) == 1


def test_max_open_sites_per_cluster_slack() -> None:
    """`open_sites_case(2)`: both sites, 2 + 2 modules = 40 units.
    Optimum: 400; two p modules at each site."""
    model, objective = solve_optimal(open_sites_case(2))
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2, ("s2", "p"): 2}


# --------------------------------------------------------------------------------------------
# family 10: budget


def budget_case(b2031: float) -> ModelInputs:
    """Two years with discount factors 1.0 (2030) and 0.5 (2031); P targets 30 units in 2031
    (penalty 1000); capex budget 1000 yuan in 2030 and `b2031` in 2031."""
    return two_years(discount_factor={Y1: 1.0, Y2: 0.5}, budget_yuan_per_yr={Y1: 1000.0, Y2: b2031})


def test_budget_binds_on_undiscounted_capex() -> None:
    """`budget_case(100)`: a module is paid as an annuity of 100 yuan in each year it stands:
    built in 2031 it costs 0.5 * 100 = 50, built in 2030 100 * (1 + 0.5) = 150.
    The 2031 budget (undiscounted capex) allows one module (100 <= 100); the other two go in
    2030: 2 * 150 + 1 * 50 = 350. (A budget on discounted capex would allow two in 2031: 250.)
    Optimum: 350; two p modules in 2030, one in 2031."""
    model, objective = solve_optimal(budget_case(100.0))
    assert objective == pytest.approx(350.0, rel=1e-9)
    assert built_per_year(model) == {Y1: 2, Y2: 1}


def test_budget_slack() -> None:
    """`budget_case(1000)`: all three modules in the cheaper year 2031: 3 * 50 = 150.
    Optimum: 150; three p modules in 2031."""
    model, objective = solve_optimal(budget_case(1000.0))
    assert objective == pytest.approx(150.0, rel=1e-9)
    assert built_per_year(model) == {Y2: 3}


def test_budget_without_buildable_pairs_builds() -> None:
    """No candidate pairs at all, a budget of 100 yuan in 2030, P targets 30 units (penalty
    1000): nothing can be built, the budget is trivially met, all 30 units are short.
    Optimum: 30000."""
    _model, objective = solve_optimal(make_inputs(CANDIDATES=(), budget_yuan_per_yr={Y1: 100.0}))
    assert objective == pytest.approx(30000.0, rel=1e-9)


# --------------------------------------------------------------------------------------------
# family 11: recycling demonstrations


def test_recycling_demo_max_size_spreads_recycling() -> None:
    """`with_recycling` with 3 ha per site; R targets 30 units (penalty 1000); opening a site
    costs 1000; exactly one demonstration, of 10 units at most (and at least 10).
    Off: all three r modules at one site: 900 + 1000 = 1900. On: the demonstration is a site of
    its own with one module, so recycling is not all in one place: 2 + 1 modules at two sites,
    900 + 2 * 1000 = 2900.
    Optimum: 2900 on (modules 2 and 1, one demonstration); 1900 off (3 modules at one site)."""
    inputs = with_recycling(
        capacity_target_units={("R", Y1): 30.0},
        site_fixed_cost_yuan=1000.0,
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=1,
                                     max_size_units_per_yr=10.0),
        **land({"s1": 3, "s2": 3}, ("p", "q", "r")),
    )
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(2900.0, rel=1e-9)
    assert sorted(built(model).values()) == [1, 2]
    demo_sites = [s for s in model.DEMO_SITE if round(val(model.demo[s])) == 1]
    assert len(demo_sites) == 1 and built(model)[(demo_sites[0], "r")] == 1

    model, objective = solve_optimal(without(inputs, "recycling_demo"))
    assert objective == pytest.approx(1900.0, rel=1e-9)
    assert sorted(built(model).values()) == [3]


def test_recycling_demo_min_size_forces_a_larger_project() -> None:
    """`with_recycling` with 2 ha per site; R targets 10 units; exactly one demonstration of at
    least 20 units: the one module the target needs is not enough, two are built: 600
    (off: one module, 300).
    Optimum: 600 on; 300 off."""
    inputs = with_recycling(
        capacity_target_units={("R", Y1): 10.0},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=20.0, min_sites=1, max_sites=1),
        **land({"s1": 2, "s2": 2}, ("p", "q", "r")),
    )
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(600.0, rel=1e-9)
    assert sorted(built(model).values()) == [2]
    _model, objective_off = solve_optimal(without(inputs, "recycling_demo"))
    assert objective_off == pytest.approx(300.0, rel=1e-9)


def test_recycling_demo_min_sites_forces_a_demonstration() -> None:
    """`with_recycling`, no target; at least 1 demonstration site of at least 20 units: one
    site builds 2 r modules: 600 (off: 0).
    Optimum: 600; two r modules at one site."""
    inputs = with_recycling(recycling_demo=RecyclingDemo("r", min_size_units_per_yr=20.0, min_sites=1, max_sites=2))
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(600.0, rel=1e-9)
    assert sorted(built(model).values()) == [2]
    assert modules_of(model, "r") == 2
    _model, objective_off = solve_optimal(without(inputs, "recycling_demo"))
    assert objective_off == pytest.approx(0.0, abs=1e-9)


def test_recycling_demo_slack() -> None:
    """`with_recycling` with 2 ha per site; R targets 30 units; demonstrations: 0 to 2 sites of
    at least 10 units: the 2 + 1 split is allowed. Optimum: 900; three r modules."""
    model, objective = solve_optimal(
        with_recycling(
            capacity_target_units={("R", Y1): 30.0},
            recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=0, max_sites=2),
            **land({"s1": 2, "s2": 2}, ("p", "q", "r")),
        )
    )
    assert objective == pytest.approx(900.0, rel=1e-9)
    assert sorted(built(model).values()) == [1, 2]


def test_recycling_demo_without_eligible_site_builds() -> None:
    """`with_recycling` with r a candidate nowhere; demonstrations 0 to 1 sites; the default
    P target of 30 units. The demonstration rule is trivially met by zero sites.
    Optimum: 300, three p modules."""
    inputs = with_recycling(
        CANDIDATES=tuple((s, p) for s in SITES for p in PRODUCTS),
        capacity_target_units={("P", Y1): 30.0},
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=20.0, min_sites=0, max_sites=1),
    )
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert modules_of(model, "p") == 3


# --------------------------------------------------------------------------------------------
# invariants


def test_objective_equals_sum_of_cost_components() -> None:
    """Two years, discount factors 1.0 and 0.5; only s1 has land; p10 has a fixed opex of
    10 yuan/yr; site fixed cost 1000; p needs 1 t of ore per unit from k1 (10 km, 1 yuan/t-km);
    output-value target 50 yuan in 2030 only (penalty 100 per yuan); P targets 30 units in 2031
    with a penalty of 10 yuan/unit.

    2030: 10 units of p are worth 5000 of penalty: one module (annuity 100 in each year it
    stands: 100 * (1 + 0.5) = 150; opex 10 * (1 + 0.5) = 15), site opening 1000 in 2030,
    transport 10 t * 10 km = 100. 2031: each extra module costs 0.5 * (100 + 10) = 55 but saves
    only 0.5 * 10 * 10 = 50, so the 20 missing units stay short: 0.5 * 10 * 20 = 100.
    Components: capex 150, fixed opex 15, site fixed 1000, transport 100, shortfall 100.
    Optimum: 1365 = their sum = the solver's objective.
    """
    p10 = dataclasses.replace(P10, fixed_opex_yuan_per_yr=10.0)
    inputs = ore_inputs(
        YEARS=(Y1, Y2),
        discount_factor={Y1: 1.0, Y2: 0.5},
        MODULES=(p10, Q10),
        site_fixed_cost_yuan=1000.0,
        output_value_target_yuan={Y1: 50.0},
        resource_t_per_unit={("p", "ore"): 1.0},
        capacity_target_units={("P", Y2): 30.0},
        capacity_shortfall_penalty_yuan_per_unit={"P": 10.0},
        SOURCES=("k1",),
        resource_of_source={"k1": "ore"},
        supply_t_per_yr={("k1", Y1): 1000.0, ("k1", Y2): 1000.0},
        ARCS=(("k1", "s1"),),
        arc_km={("k1", "s1"): 10.0},
    )
    model, objective = solve_optimal(inputs)
    components = {
        "capex": val(model.cost_capex),
        "fixed_opex": val(model.cost_fixed_opex),
        "site_fixed": val(model.cost_site_fixed),
        "transport": val(model.cost_transport),
        "shortfall": val(model.cost_shortfall),
    }
    expected = {"capex": 150.0, "fixed_opex": 15.0, "site_fixed": 1000.0, "transport": 100.0, "shortfall": 100.0}
    assert components == pytest.approx(expected, rel=1e-9)
    assert objective == pytest.approx(sum(components.values()), rel=1e-9)
    assert objective == pytest.approx(1365.0, rel=1e-9)
    assert built_per_year(model) == {Y1: 1}


def rich_inputs() -> ModelInputs:
    """Three sites (s1, s2 in c1; s3 in c2), products p, q, r, two years (discount 1.0), every
    family with data that binds at the optimum: nested land, a red-line and two proximity
    exclusions ((s3,p): its nearest ore is 55 km away; (s2,r): its scrap 60 km; the limits are
    50 km; scrap costs nothing to haul to s1 and s3), a capped ore source, a p -> q chain,
    differentiation (hosting limit, lead share, portfolio difference), agglomeration, a budget,
    a one-site recycling demonstration, p bought outside at no cost (so the chain rule, not the
    site balance, asks for local p), a sales cap of 5 units of r (which has no use in the
    province), a least utilisation of q (which costs 1 yuan/unit to make) and a build rate of at
    most 3 modules and 450 yuan of capex decided at one site in one year.
    Switching any single family off lowers this instance's optimum (by at least 1 yuan:
    `test_switching_one_family_off_never_raises_the_optimum`)."""
    sites = ("s1", "s2", "s3")
    products = ("p", "q", "r")
    gross = {"s1": 4.0, "s2": 5.0, "s3": 6.0}
    after = {(s, p): gross[s] for s in sites for p in products}
    after[("s1", "p")] = 2.0
    after[("s3", "r")] = 3.0
    years = (Y1, Y2)
    return ModelInputs(
        YEARS=years,
        SITES=sites,
        CLUSTERS=("c1", "c2"),
        PRODUCTS=products,
        MODULES=(P10, Q10, R10),
        CANDIDATES=tuple((s, p) for s in sites for p in products),
        cluster_of_site={"s1": "c1", "s2": "c1", "s3": "c2"},
        site_land_ha=gross,
        land_after_redline_ha=after,
        REDLINE_EXCLUDED=frozenset({("s3", "q")}),
        utilisation={"p": 0.8, "q": 1.0, "r": 1.0},
        output_value_yuan_per_unit={"p": 5.0, "q": 8.0, "r": 3.0},
        RESOURCES=("ore", "scrap"),
        SOURCES=("k1", "k2", "k3"),
        resource_of_source={"k1": "ore", "k2": "ore", "k3": "scrap"},
        supply_t_per_yr={("k1", t): 40.0 for t in years} | {("k2", t): 1000.0 for t in years}
        | {("k3", t): 1000.0 for t in years},
        resource_t_per_unit={("p", "ore"): 2.0, ("r", "scrap"): 0.001},
        ARCS=tuple((k, s) for k in ("k1", "k2", "k3") for s in sites),
        arc_km={("k1", "s1"): 10.0, ("k1", "s2"): 30.0, ("k1", "s3"): 60.0,
                ("k2", "s1"): 90.0, ("k2", "s2"): 70.0, ("k2", "s3"): 55.0,
                ("k3", "s1"): 0.0, ("k3", "s2"): 60.0, ("k3", "s3"): 0.0},
        max_distance_km={"ore": 50.0, "scrap": 50.0},
        transport_yuan_per_t_km=1.0,
        input_units_per_unit={("q", "p"): 1.0},
        chain_share_min={"p": 0.5},
        TARGET_GROUPS={"P": ("p",), "Q": ("q",), "R": ("r",)},
        capacity_target_units={("P", Y2): 40.0, ("Q", Y2): 20.0},
        output_value_target_yuan={Y1: 100.0, Y2: 300.0},
        capacity_shortfall_penalty_yuan_per_unit={"P": 1000.0, "Q": 1000.0, "R": 1000.0},
        value_shortfall_penalty_yuan_per_yuan=10.0,
        max_clusters_per_product={"q": 1},
        lead_products={"c1": ("p",)},
        lead_share_min=0.5,
        min_portfolio_difference=1,
        site_fixed_cost_yuan=200.0,
        min_investment_per_open_site_yuan=150.0,
        max_open_sites_per_cluster={"c1": 1},
        budget_yuan_per_yr={Y1: 800.0, Y2: 400.0},
        import_price_yuan_per_unit={("p", t): 0.0 for t in years},
        sales_cap_units={("r", t): 5.0 for t in years},
        min_utilisation={"q": 1.0},
        other_variable_cost_yuan_per_unit={"q": 1.0},
        max_modules_per_site_per_yr=3,
        max_capex_yuan_per_site_per_yr=450.0,
        recycling_demo=RecyclingDemo("r", min_size_units_per_yr=10.0, min_sites=1, max_sites=1),
        discount_factor={Y1: 1.0, Y2: 1.0},
        enabled_families=frozenset(RULE_FAMILIES),
    )


@functools.cache
def rich_optimum() -> float:
    return solve_optimal(rich_inputs())[1]


@pytest.mark.parametrize("family", RULE_FAMILIES)
def test_switching_one_family_off_never_raises_the_optimum(family: str) -> None:
    """Relaxation: with all families on (`rich_inputs`), switching any single family off removes
    rows or widens sets and bounds, so the optimum cannot rise. In this instance every family
    binds, so the optimum must in fact drop (by at least 1 yuan): a family that silently does
    nothing is caught too. No hand optimum here; the property is the assertion."""
    all_on = rich_optimum()
    _model, relaxed = solve_optimal(without(rich_inputs(), family))
    assert relaxed <= all_on * (1 + 1e-9) + 1e-6
    assert relaxed < all_on - 1.0, f"{family} does not bind in rich_inputs"


# --------------------------------------------------------------------------------------------
# family 12: market


def sales_case(**overrides: Any) -> ModelInputs:
    """No target; p sells at 25 yuan/unit in 2030; the gateway is 0 km from every hub; s1 and s2
    have 2 ha each (2 modules of p each): each module (100 yuan/yr) earns 10 * 25 = 250."""
    base: dict[str, Any] = {
        "capacity_target_units": {},
        "price_yuan_per_unit": {("p", Y1): 25.0},
        **land({"s1": 2, "s2": 2}),
    }
    base.update(overrides)
    return make_inputs(**base)


def test_sales_earn_their_price() -> None:
    """`sales_case`: all four p modules pay (250 > 100): 400 - 40 * 25 = -600.
    Optimum: -600 (net gain), 40 units sold."""
    model, objective = solve_optimal(sales_case())
    assert objective == pytest.approx(-600.0, rel=1e-9)
    assert sum(val(model.sales[c, p, t]) for c, p, t in model.SALE if p == "p") == pytest.approx(40.0, rel=1e-9)
    assert val(model.cost_sales) == pytest.approx(-1000.0, rel=1e-9)


def test_market_cap_binds() -> None:
    """`sales_case` with at most 15 units of p sold in 2030: two modules (20 units, 5 idle) earn
    15 * 25 = 375 for 200, a net -175; one module earns 250 for 100: -150. Two modules.
    Off: -600.
    Optimum: -175 on (2 modules, 15 sold); -600 off."""
    inputs = sales_case(sales_cap_units={("p", Y1): 15.0})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(-175.0, rel=1e-9)
    assert sum(built(model).values()) == 2
    assert production(model, "p") == pytest.approx(15.0, rel=1e-9)
    _model, objective = solve_optimal(without(inputs, "market"))
    assert objective == pytest.approx(-600.0, rel=1e-9)


def test_market_cap_slack() -> None:
    """`sales_case` with a cap of 100 units: the 40 units the land allows sell. Optimum: -600."""
    _model, objective = solve_optimal(sales_case(sales_cap_units={("p", Y1): 100.0}))
    assert objective == pytest.approx(-600.0, rel=1e-9)


# --------------------------------------------------------------------------------------------
# family 13: utilisation


def test_min_utilisation_binds() -> None:
    """One year; P targets 30 units; p costs 1 yuan/unit to produce; nothing needs production.
    Least utilisation 0.5: the three modules must produce 15 units: 300 + 15 = 315.
    Off: 300 (nothing produced).
    Optimum: 315 on; 300 off."""
    inputs = make_inputs(other_variable_cost_yuan_per_unit={"p": 1.0}, min_utilisation={"p": 0.5})
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(315.0, rel=1e-9)
    assert production(model, "p") == pytest.approx(15.0, rel=1e-9)
    _model, objective = solve_optimal(without(inputs, "utilisation"))
    assert objective == pytest.approx(300.0, rel=1e-9)


def test_min_utilisation_slack() -> None:
    """As the binding case with an output-value target of 150 yuan (30 units of p at 5 yuan):
    the plan produces all 30 units anyway, above the least 15: 300 + 30 = 330 on and off.
    Optimum: 330."""
    inputs = make_inputs(other_variable_cost_yuan_per_unit={"p": 1.0}, min_utilisation={"p": 0.5},
                         output_value_target_yuan={Y1: 150.0})
    _model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(330.0, rel=1e-9)
    _model, objective = solve_optimal(without(inputs, "utilisation"))
    assert objective == pytest.approx(330.0, rel=1e-9)


# --------------------------------------------------------------------------------------------
# family 14: build rate


def build_rate_case(**overrides: Any) -> ModelInputs:
    """One year; P targets 30 units (3 modules of p); s2's land costs 500 yuan/ha, recovered
    over 50 years at a discount rate of 0: 500 / 50 = 10 yuan a year per module of 1 ha, so s1
    is the cheaper site (a module there costs 100, at s2 110)."""
    return make_inputs(land_price_yuan_per_ha={"s2": 500.0}, **overrides)


def test_build_rate_binds() -> None:
    """`build_rate_case` with at most 2 modules decided at one site in one year: s1 takes 2,
    the third goes to s2: 3 * 100 + 10 = 310. Off: all three at s1: 300.
    Optimum: 310 on (s1 2 modules, s2 1); 300 off (s1 3)."""
    inputs = build_rate_case(max_modules_per_site_per_yr=2)
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(310.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2, ("s2", "p"): 1}
    model, objective = solve_optimal(without(inputs, "build_rate"))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3}


def test_build_rate_slack() -> None:
    """`build_rate_case` with at most 3 modules and 300 yuan of capex at one site in one year:
    all three modules at s1 (3 modules, 300 yuan) meet both limits exactly.
    Optimum: 300 (s1 3 modules)."""
    model, objective = solve_optimal(build_rate_case(max_modules_per_site_per_yr=3,
                                                     max_capex_yuan_per_site_per_yr=300.0))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 3}


# --------------------------------------------------------------------------------------------
# coverage guard

CAPACITY_TESTS: tuple[Callable[[], None], ...] = (
    test_capacity_accumulates_and_opex_runs_while_standing,
    test_production_limited_by_utilisation,
    test_existing_capacity_counts_and_utilisation_is_slack_for_capacity_targets,
)

Tests = tuple[Callable[[], None], ...]

#: Per rule family: tests where the family binds (the optimum moves because of it), tests where
#: it is slack (present but not moving the optimum, or switched off to no effect), and others.
#: tests/test_registry.py checks this mapping against the registry of families.
FAMILY_TESTS: dict[str, dict[str, Tests]] = {
    "targets": {
        "binds": (
            test_targets_elastic_penalty_trades_off,
            test_targets_strict_forces_full_target,
            test_targets_capacity_ceiling_binds,
        ),
        "slack": (test_targets_capacity_ceiling_slack, test_targets_off_is_slack),
        "other": (
            test_targets_elastic_when_land_cannot_reach_target,
            test_targets_strict_impossible_is_infeasible,
            test_targets_capacity_ceiling_allows_one_whole_module_beyond_the_target,
        ),
    },
    "output_value": {
        "binds": (test_output_value_binds_with_penalty_trade_off, test_output_value_strict_meets_target),
        "slack": (test_output_value_slack_when_existing_production_covers_it,),
    },
    "land": {
        "binds": (test_land_binds_module_count, test_land_nested_per_product_levels),
        "slack": (test_land_slack_on_ample_land,),
        "other": (test_land_on_module_bound_is_floor_of_land,),
    },
    "redline": {
        "binds": (test_redline_on_excludes_pair_and_uses_land_after_redline,
                  test_redline_off_restores_pair_and_uses_site_land),
        "slack": (test_redline_slack_when_exclusion_is_irrelevant,),
    },
    "proximity": {
        "binds": (test_proximity_excluded_pair_cannot_build, test_proximity_arcs_within_limit_bind),
        "slack": (test_proximity_arcs_slack_when_all_within_limit,),
        "other": (test_proximity_arithmetic_nearest_source_and_limits,),
    },
    "supply": {
        "binds": (test_supply_ceiling_forces_production_elsewhere, test_supply_ceilings_force_shortfall),
        "slack": (test_supply_slack_with_ample_sources_and_off,),
        "other": (test_supply_transport_cost_is_rate_times_km_times_tonnes,),
    },
    "chain_balance": {
        "binds": (test_chain_balance_binds,),
        "slack": (test_chain_balance_slack_with_existing_upstream,),
        "other": (test_chain_balance_strict_without_upstream_site_is_infeasible,),
    },
    "differentiation": {
        "binds": (
            test_max_clusters_per_product_binds,
            test_lead_share_binds,
            test_min_portfolio_difference_binds,
            test_min_cluster_value_share_binds,
        ),
        "slack": (
            test_max_clusters_per_product_slack,
            test_lead_share_slack,
            test_min_portfolio_difference_slack,
            test_min_cluster_value_share_slack,
        ),
        "other": (test_min_portfolio_difference_forces_investment_without_targets,),
    },
    "agglomeration": {
        "binds": (
            test_site_fixed_cost_binds,
            test_min_investment_per_open_site_binds,
            test_max_open_sites_per_cluster_binds,
        ),
        "slack": (
            test_site_fixed_cost_slack,
            test_min_investment_per_open_site_slack,
            test_max_open_sites_per_cluster_slack,
        ),
    },
    "budget": {
        "binds": (test_budget_binds_on_undiscounted_capex,),
        "slack": (test_budget_slack,),
        "other": (test_budget_without_buildable_pairs_builds,),
    },
    "market": {"binds": (test_market_cap_binds,), "slack": (test_market_cap_slack,), "other": (
        test_sales_earn_their_price,)},
    "utilisation": {"binds": (test_min_utilisation_binds,), "slack": (test_min_utilisation_slack,)},
    "build_rate": {"binds": (test_build_rate_binds,), "slack": (test_build_rate_slack,)},
    "recycling_demo": {
        "binds": (
            test_recycling_demo_max_size_spreads_recycling,
            test_recycling_demo_min_size_forces_a_larger_project,
            test_recycling_demo_min_sites_forces_a_demonstration,
        ),
        "slack": (test_recycling_demo_slack,),
        "other": (test_recycling_demo_without_eligible_site_builds,),
    },
}


def test_every_rule_family_has_tests() -> None:
    """Every name in RULE_FAMILIES maps to a binding and a slack test of this module, and every
    family test documents its optimum in its docstring (tests/test_registry.py checks the
    mapping against the registry itself)."""
    assert set(FAMILY_TESTS) == set(RULE_FAMILIES)
    here = globals()
    roles = {family: {**by_role} for family, by_role in FAMILY_TESTS.items()}
    roles["capacity (always on)"] = {"binds": CAPACITY_TESTS, "slack": CAPACITY_TESTS}
    for family, by_role in roles.items():
        assert set(by_role) <= {"binds", "slack", "other"}, family
        assert by_role.get("binds") and by_role.get("slack"), family
        for test in (t for tests in by_role.values() for t in tests):
            assert test.__name__.startswith("test_"), test.__name__
            assert here.get(test.__name__) is test, test.__name__
            if test.__name__ != "test_proximity_arithmetic_nearest_source_and_limits":
                assert "Optimum" in (test.__doc__ or ""), test.__name__


# --------------------------------------------------------------------------------------------
# invariants on the all-families instance (solved to a zero gap)


def test_adding_a_candidate_site_never_raises_the_optimum() -> None:
    """`rich_inputs` plus a site s4 in cluster c2 with 5 ha, 20 km from every source: every plan
    of the base instance is still a plan (s4 builds nothing; it is not open), so the optimum
    cannot rise. The same for each single candidate pair added back to an instance without it."""
    base = rich_inputs()
    full = rich_optimum()
    sites = (*base.SITES, "s4")
    products = base.PRODUCTS
    more = dataclasses.replace(
        base,
        SITES=sites,
        CANDIDATES=(*base.CANDIDATES, *(("s4", p) for p in products)),
        cluster_of_site={**base.cluster_of_site, "s4": "c2"},
        site_land_ha={**base.site_land_ha, "s4": 5.0},
        land_after_redline_ha={**base.land_after_redline_ha, **{("s4", p): 5.0 for p in products}},
        ARCS=(*base.ARCS, *((k, "s4") for k in base.SOURCES)),
        arc_km={**base.arc_km, **{(k, "s4"): 20.0 for k in base.SOURCES}},
    )
    _model, with_s4 = solve_optimal(more)
    assert with_s4 <= full * (1 + 1e-9) + 1e-6
    for pair in base.CANDIDATES:
        fewer = dataclasses.replace(base, CANDIDATES=tuple(c for c in base.CANDIDATES if c != pair))
        _model, without_pair = solve_optimal(fewer)
        assert full <= without_pair * (1 + 1e-9) + 1e-6, pair


def test_a_tighter_red_line_never_lowers_the_optimum() -> None:
    """`rich_inputs` with one more (site, product) pair inside the buffered red line, or with a
    site's land outside the red line halved: the plans left are a subset, so the optimum cannot
    fall."""
    base = rich_inputs()
    full = rich_optimum()
    for pair in base.CANDIDATES:
        if pair in base.REDLINE_EXCLUDED:
            continue
        tighter = dataclasses.replace(base, REDLINE_EXCLUDED=base.REDLINE_EXCLUDED | {pair})
        _model, objective = solve_optimal(tighter)
        assert objective >= full * (1 - 1e-9) - 1e-6, pair
    for site in base.SITES:
        halved = {k: (v / 2 if k[0] == site else v) for k, v in base.land_after_redline_ha.items()}
        _model, objective = solve_optimal(dataclasses.replace(base, land_after_redline_ha=halved))
        assert objective >= full * (1 - 1e-9) - 1e-6, site
