"""The product network, trade and raw-material costs on tiny instances solved by hand: site and
hub balances, imports, sales and the market cap, raw-material prices and imports, output value
at yearly prices.

Instances are the default instance of tests/test_families.py (`make_inputs`: one year 2030,
sites s1 (cluster c1) and s2 (cluster c2), products p and q, modules p10 (10 units/yr, 100 yuan,
1 ha) and q10 (10 units/yr, 200 yuan, 1 ha), annuity = capex with the default one-year
lifetime) with the fields each test names. Optima are asserted with rel=1e-9.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_families import (
    Y1,
    Y2,
    built,
    land,
    make_inputs,
    production,
    solve_optimal,
    val,
    without,
)

from models import COST_COMPONENTS, build_model
from models.inputs import ModelInputs


def chain(**overrides: Any) -> ModelInputs:
    """q is made from p (1 unit of p per unit of q); q is worth 10 yuan/unit; output-value target
    100 yuan (10 units of q; penalty 100 per yuan); no capacity target; transport 1 yuan per t-km
    with 1 t per unit of p; s1 -> hub c1 is 5 km, s2 -> hub c2 is 7 km, the hubs are 20 km apart.
    s1 may make only p, s2 only q (candidates)."""
    base: dict[str, Any] = {
        "CANDIDATES": (("s1", "p"), ("s2", "q")),
        "capacity_target_units": {},
        "output_value_target_yuan": {Y1: 100.0},
        "output_value_yuan_per_unit": {"p": 0.0, "q": 10.0},
        "input_units_per_unit": {("q", "p"): 1.0},
        "transport_yuan_per_t_km": 1.0,
        "transport_t_per_unit": {"p": 1.0},
        "site_hub_km": {"s1": 5.0, "s2": 7.0},
        "hub_hub_km": {("c1", "c2"): 20.0, ("c2", "c1"): 20.0},
        "hub_gateway_km": {"c1": 30.0, "c2": 40.0},
    }
    base.update(overrides)
    return make_inputs(**base)


def costs(model: Any) -> dict[str, float]:
    return {name: val(getattr(model, f"cost_{name}")) for name in COST_COMPONENTS}


def test_upstream_is_shipped_through_the_hubs() -> None:
    """`chain`: 10 units of q at s2 need 10 units of p, made at s1 and shipped s1 -> c1 -> c2 ->
    s2: 5 + 20 + 7 = 32 km, 32 * 10 = 320 yuan. Modules: p 100 + q 200.
    Optimum: 620 (capex 300, transport 320)."""
    model, objective = solve_optimal(chain())
    assert objective == pytest.approx(620.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 1, ("s2", "q"): 1}
    assert val(model.up["s1", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert val(model.link["c1", "c2", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert val(model.down["s2", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert costs(model)["transport"] == pytest.approx(320.0, rel=1e-9)
    assert objective == pytest.approx(sum(costs(model).values()), rel=1e-9)


def test_on_site_use_needs_no_transport() -> None:
    """`chain` with both products allowed at s2 only: p made at s2 feeds q at s2 with no
    transport. Optimum: 300 (p 100 + q 200)."""
    model, objective = solve_optimal(chain(CANDIDATES=(("s2", "p"), ("s2", "q"))))
    assert objective == pytest.approx(300.0, rel=1e-9)
    assert val(model.cost_transport) == pytest.approx(0.0, abs=1e-9)


def test_import_when_cheaper_than_making() -> None:
    """`chain` with p importable at 3 yuan/unit at the gateway, 40 km from hub c2 and 7 km on to
    s2: 10 * (3 + 47) = 500 against 100 + 320 = 420 for making it at s1: made, 620 in all. At 1
    yuan/unit with the gateway 0 km from c2: 10 * (1 + 7) = 80 < 420: imported, 200 + 80 = 280.
    Optima: 620 (made at s1) and 280 (imported, no p module)."""
    model, objective = solve_optimal(chain(import_price_yuan_per_unit={("p", Y1): 3.0}))
    assert objective == pytest.approx(620.0, rel=1e-9)
    model, objective = solve_optimal(chain(import_price_yuan_per_unit={("p", Y1): 1.0},
                                           hub_gateway_km={"c1": 30.0, "c2": 0.0}))
    assert objective == pytest.approx(280.0, rel=1e-9)
    assert built(model) == {("s2", "q"): 1}
    assert val(model.imports["c2", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert val(model.cost_imports) == pytest.approx(10.0, rel=1e-9)


def test_no_import_price_means_no_import() -> None:
    """`chain` with p a candidate nowhere and no import price: q cannot be made (no p), so the
    100 yuan of output value are short: 100 * 100 = 10000. With an import price of 2 (gateway
    0 km from c2): 200 + 10 * (2 + 7) = 290.
    Optimum: 10000 without import; 290 with."""
    _model, objective = solve_optimal(chain(CANDIDATES=(("s2", "q"),)))
    assert objective == pytest.approx(10000.0, rel=1e-9)
    _model, objective = solve_optimal(chain(CANDIDATES=(("s2", "q"),), import_price_yuan_per_unit={("p", Y1): 2.0},
                                            hub_gateway_km={"c1": 30.0, "c2": 0.0}))
    assert objective == pytest.approx(290.0, rel=1e-9)


def sales_case(**overrides: Any) -> ModelInputs:
    """No targets; p sells at 15 yuan/unit out of the province (gateway 0 km, no transport);
    only s1 has land, 3 ha: at most 3 p modules (100 yuan each, 10 units/yr)."""
    base: dict[str, Any] = {
        "capacity_target_units": {},
        "output_value_target_yuan": {},
        "price_yuan_per_unit": {("p", Y1): 15.0},
        **land({"s1": 3.0, "s2": 0.0}),
    }
    base.update(overrides)
    return make_inputs(**base)


def test_sales_earn_the_price() -> None:
    """`sales_case` without a cap: each module earns 150 - 100 = 50; all 3 are built, 30 units
    sold. Optimum: 300 - 450 = -150 (sales -450)."""
    model, objective = solve_optimal(sales_case())
    assert objective == pytest.approx(-150.0, rel=1e-9)
    assert val(model.sales["c1", "p", Y1]) == pytest.approx(30.0, rel=1e-9)
    assert costs(model)["sales"] == pytest.approx(-450.0, rel=1e-9)
    assert objective == pytest.approx(sum(costs(model).values()), rel=1e-9)


def test_market_cap_binds_and_is_slack() -> None:
    """`sales_case` with a cap of 18 units: 1 module: 100 - 150 = -50; 2 modules: 200 - 18 * 15
    = -70; 3 modules: 300 - 270 = 30. Optimum -70: 2 modules, 18 units made and sold, 2 units
    of capacity idle. A cap of 100 is slack: -150 as without it; with "market" off the cap of
    18 is ignored: -150. Optima: -70 (binds), -150 (slack), -150 (off)."""
    model, objective = solve_optimal(sales_case(sales_cap_units={("p", Y1): 18.0}))
    assert objective == pytest.approx(-70.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 2}
    assert val(model.sales["c1", "p", Y1]) == pytest.approx(18.0, rel=1e-9)
    assert production(model, "p", Y1) == pytest.approx(18.0, rel=1e-9)
    _model, objective = solve_optimal(sales_case(sales_cap_units={("p", Y1): 100.0}))
    assert objective == pytest.approx(-150.0, rel=1e-9)
    _model, objective = solve_optimal(without(sales_case(sales_cap_units={("p", Y1): 18.0}), "market"))
    assert objective == pytest.approx(-150.0, rel=1e-9)


def test_no_price_no_revenue() -> None:
    """`sales_case` without a price: nothing earns anything, nothing is built. Optimum: 0."""
    model, objective = solve_optimal(sales_case(price_yuan_per_unit={}))
    assert objective == pytest.approx(0.0, abs=1e-9)
    assert built(model) == {}


def test_output_value_uses_the_yearly_price() -> None:
    """Two years (discount 1.0); no capacity target; output-value target 100 yuan in each year;
    p's price is 10 yuan/unit in 2030 and 5 in 2031; p is sold at the gateway, 4 km from each
    hub (1 t/unit, 1 yuan/t-km), so a unit sold nets 6 in 2030 and 1 in 2031.
    One module reaches 100 in 2030 but only 50 in 2031, so 20 units are needed in 2031.
    A: one module in 2030 and one in 2031: 200 + 100 - 10 * 6 - 20 * 1 = 220.
    B: two modules in 2030: 400 - 20 * 6 - 20 * 1 = 260. Nothing else meets both targets.
    Optimum: 220 (A); production 10 in 2030 and 20 in 2031; output value 100 in each year."""
    model, objective = solve_optimal(make_inputs(
        YEARS=(Y1, Y2), discount_factor={Y1: 1.0, Y2: 1.0}, capacity_target_units={},
        output_value_target_yuan={Y1: 100.0, Y2: 100.0}, price_yuan_per_unit={("p", Y1): 10.0, ("p", Y2): 5.0},
        transport_yuan_per_t_km=1.0, transport_t_per_unit={"p": 1.0}, hub_gateway_km={"c1": 4.0, "c2": 4.0}))
    assert objective == pytest.approx(220.0, rel=1e-9)
    assert production(model, "p", Y1) == pytest.approx(10.0, rel=1e-9)
    assert production(model, "p", Y2) == pytest.approx(20.0, rel=1e-9)
    assert val(model.output_value[Y1]) == pytest.approx(100.0, rel=1e-9)
    assert val(model.output_value[Y2]) == pytest.approx(100.0, rel=1e-9)


def ore_case(**overrides: Any) -> ModelInputs:
    """No capacity target; output-value target 100 yuan (20 units of p at 5 yuan); p needs 2 t
    of ore per unit; ore costs 3 yuan/t at source k1, 10 km from s1 (transport 1 yuan/t-km);
    only s1 has land."""
    base: dict[str, Any] = {
        "capacity_target_units": {},
        "output_value_target_yuan": {Y1: 100.0},
        "RESOURCES": ("ore",),
        "SOURCES": ("k1",),
        "resource_of_source": {"k1": "ore"},
        "supply_t_per_yr": {("k1", Y1): 1000.0},
        "ARCS": (("k1", "s1"),),
        "arc_km": {("k1", "s1"): 10.0},
        "resource_t_per_unit": {("p", "ore"): 2.0},
        "resource_price_yuan_per_t": {"ore": 3.0},
        "transport_yuan_per_t_km": 1.0,
        **land({"s1": 100, "s2": 0}),
    }
    base.update(overrides)
    return make_inputs(**base)


def test_raw_material_is_paid_at_the_source() -> None:
    """`ore_case`: 2 modules (200), 40 t of ore bought at 3 (120) and hauled 10 km (400).
    Optimum: 720 (capex 200, resources 120, transport 400)."""
    model, objective = solve_optimal(ore_case())
    assert objective == pytest.approx(720.0, rel=1e-9)
    assert val(model.cost_resources) == pytest.approx(120.0, rel=1e-9)
    assert val(model.cost_transport) == pytest.approx(400.0, rel=1e-9)


def test_raw_import_when_cheaper_and_its_cap_binds() -> None:
    """`ore_case` with ore importable at 5 yuan/t, s1 2 km from its hub and the hub 0 km from
    the gateway: imported ore costs 5 + 2 = 7 per t against 3 + 10 = 13 from k1: all 40 t
    imported, 280: optimum 480. With an import cap of 30 t: 30 * 7 + 10 * 13 = 340: optimum 540.
    Optima: 480 without the cap, 540 with it."""
    cheap = {"resource_import_price_yuan_per_t": {("ore", Y1): 5.0}, "site_hub_km": {"s1": 2.0},
             "hub_gateway_km": {"c1": 0.0}}
    model, objective = solve_optimal(ore_case(**cheap))
    assert objective == pytest.approx(480.0, rel=1e-9)
    assert val(model.raw_imports["s1", "ore", Y1]) == pytest.approx(40.0, rel=1e-9)
    _model, objective = solve_optimal(ore_case(**cheap, resource_import_cap_t_per_yr={("ore", Y1): 30.0}))
    assert objective == pytest.approx(540.0, rel=1e-9)


def test_network_grows_linearly_with_sites() -> None:
    """Every product everywhere, q made from p, p importable, one year, n sites in 2 clusters:
    up 2n (each site makes p and q), down n (each site uses p), link 2 (p between the two hubs),
    import 2 (p at each hub), sale 4 (2 hubs x 2 products): 3n + 8 network variables, linear in n."""
    for n in (2, 4, 8):
        sites = tuple(f"s{i}" for i in range(1, n + 1))
        inputs = make_inputs(
            SITES=sites, CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q")),
            cluster_of_site={s: ("c1" if i % 2 else "c2") for i, s in enumerate(sites)},
            site_land_ha=dict.fromkeys(sites, 10.0),
            land_after_redline_ha={(s, p): 10.0 for s in sites for p in ("p", "q")},
            input_units_per_unit={("q", "p"): 1.0}, import_price_yuan_per_unit={("p", Y1): 1.0})
        model = build_model(inputs)
        sizes = [len(model.UP), len(model.DOWN), len(model.LINK), len(model.IMPORT), len(model.SALE)]
        assert sizes == [2 * n, n, 2, 2, 4]
