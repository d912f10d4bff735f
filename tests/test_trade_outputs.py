"""Trade, product flows, raw imports and stranded capacity read back from solved tiny instances
whose optimum is derived by hand, row by row; the cost columns add up to the objective."""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pyomo.environ as pyo
import pytest
from pyproj import Transformer
from shapely import Point

from models import ModelInputs, ModuleSpec, build_model
from siting.deliver.drivers import YEAR_COST_PARTS, overshoot_reasons, year_costs
from siting.deliver.layer import AMOUNT, MEASURE, feature_collection_text
from siting.deliver.layers import hubs_layer, network_points, product_flows_layer
from siting.deliver.styles import style_for
from siting.deliver.tables import plan_tables, product_flow_rows
from siting.optimize.results import extract_plan, without_cycles
from siting.optimize.run import solve_prepared, solver_settings
from siting.optimize.solve import SolverSettings, solve_model
from siting.prepare.problem import prepare

ZERO_GAP = SolverSettings(rel_gap=0.0, time_limit_s=30)
SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def chain_inputs() -> ModelInputs:
    """Two clusters, one year (2030, discount factor 1), existing capacity only.

    s1 (cluster c1) makes u (10 units/yr) and x (5 units/yr); s2 (cluster c2) makes d (15 units/yr,
    1 unit of u per unit of d) and f (6 units/yr, 1 t of rock per unit, from source k1: 4 t/yr at
    0 km, 1 yuan/t; rock cannot be imported). Variable cost u 5, d 10, x 5, f 0 yuan per unit.
    Prices: d 100, f 50, u 20, x 1 yuan per unit; u can be imported at 30 yuan per unit; sales of d
    are capped at 12 units (family `market`). Transport 1 yuan per t-km; u weighs 1 t per unit, the
    others nothing. km: s1 - hub c1 2, s2 - hub c2 3, hub c1 - hub c2 10, hub c1 - gateway 50,
    hub c2 - gateway 4.

    By hand: d earns 100 - 10 = 90 per unit before its u; u made at s1 costs 5 + 2 + 10 + 3 = 20
    delivered to s2, imported 30 + 4 + 3 = 37; sold out of the province u earns 20 - 5 - 2 - 50 < 0.
    So s2 makes and sells d up to the cap, 12 (3 units/yr of d stand idle: the market binds and d
    is not imported); s1 makes all its 10 of u, which go s1 -> c1 -> c2 -> s2, and 2 of u are
    imported at c2. f is sold as far as its rock goes, 4 (2 idle: feedstock); x loses 4 per unit and
    is not made (5 idle: cost).
    Costs: variable 5 x 10 + 10 x 12 = 170; resources 4 x 1 = 4; imports 2 x 30 = 60; transport
    (u) 2 x 10 + 10 x 10 + 4 x 2 + 3 x 12 = 164; sales -(12 x 100 + 4 x 50) = -1,400.
    Objective 170 + 4 + 60 + 164 - 1,400 = -1,002 yuan."""
    return ModelInputs(
        YEARS=(2030,), SITES=("s1", "s2"), CLUSTERS=("c1", "c2"), PRODUCTS=("u", "d", "x", "f"), MODULES=(),
        CANDIDATES=(), cluster_of_site={"s1": "c1", "s2": "c2"}, site_land_ha={"s1": 10.0, "s2": 10.0},
        land_after_redline_ha={},
        existing_capacity_units_per_yr={("s1", "u"): 10.0, ("s1", "x"): 5.0, ("s2", "d"): 15.0, ("s2", "f"): 6.0},
        utilisation={"u": 1.0, "d": 1.0, "x": 1.0, "f": 1.0},
        RESOURCES=("rock",), SOURCES=("k1",), resource_of_source={"k1": "rock"}, supply_t_per_yr={("k1", 2030): 4.0},
        resource_t_per_unit={("f", "rock"): 1.0}, ARCS=(("k1", "s2"),), arc_km={("k1", "s2"): 0.0},
        transport_yuan_per_t_km=1.0, input_units_per_unit={("d", "u"): 1.0},
        discount_factor={2030: 1.0}, enabled_families=frozenset({"supply", "market"}),
        other_variable_cost_yuan_per_unit={"u": 5.0, "d": 10.0, "x": 5.0},
        price_yuan_per_unit={("d", 2030): 100.0, ("f", 2030): 50.0, ("u", 2030): 20.0, ("x", 2030): 1.0},
        import_price_yuan_per_unit={("u", 2030): 30.0}, sales_cap_units={("d", 2030): 12.0},
        transport_t_per_unit={"u": 1.0}, site_hub_km={"s1": 2.0, "s2": 3.0},
        hub_hub_km={("c1", "c2"): 10.0, ("c2", "c1"): 10.0}, hub_gateway_km={"c1": 50.0, "c2": 4.0},
        resource_price_yuan_per_t={"rock": 1.0},
    )


@pytest.fixture(scope="module")
def chain():
    inputs = chain_inputs()
    model = build_model(inputs)
    report = solve_model(model, ZERO_GAP)
    return inputs, model, report, extract_plan(model, inputs)


def test_chain_objective_is_the_sum_of_the_cost_columns(chain):
    _inputs, _model, report, plan = chain
    assert report.objective_yuan == pytest.approx(-1002.0, abs=1e-6)
    assert plan.costs == {"capex": 0.0, "land": 0.0, "fixed_opex": 0.0, "site_fixed": 0.0, "variable": 170.0,
                          "resources": 4.0, "imports": 60.0, "transport": 164.0, "shortfall": 0.0, "sales": -1400.0}
    assert sum(plan.costs.values()) == pytest.approx(report.objective_yuan, abs=1e-6)


def test_chain_trade_rows(chain):
    """c2 imports 2 of u (60 yuan) and sells 12 of d (1,200 yuan) and 4 of f (200 yuan)."""
    plan = chain[3]
    assert plan.trade.values.tolist() == [
        ["c2", "u", 2030, 2.0, 60.0, 0.0, 0.0],
        ["c2", "d", 2030, 0.0, 0.0, 12.0, 1200.0],
        ["c2", "f", 2030, 0.0, 0.0, 4.0, 200.0],
    ]


def test_chain_product_flow_rows(chain):
    """u: s1 -> c1 10 (2 km), c1 -> c2 10 (10 km), gateway -> c2 2 (4 km), c2 -> s2 12 (3 km);
    d and f: s2 -> c2 and c2 -> gateway, 12 and 4."""
    plan = chain[3]
    assert list(plan.product_flows.columns) == ["kind", "from", "to", "product", "year", "units", "km"]
    assert plan.product_flows.values.tolist() == [
        ["site_to_hub", "s1", "c1", "u", 2030, 10.0, 2.0],
        ["hub_to_site", "c2", "s2", "u", 2030, 12.0, 3.0],
        ["hub_to_hub", "c1", "c2", "u", 2030, 10.0, 10.0],
        ["gateway_to_hub", "gateway", "c2", "u", 2030, 2.0, 4.0],
        ["site_to_hub", "s2", "c2", "d", 2030, 12.0, 3.0],
        ["hub_to_gateway", "c2", "gateway", "d", 2030, 12.0, 4.0],
        ["site_to_hub", "s2", "c2", "f", 2030, 4.0, 3.0],
        ["hub_to_gateway", "c2", "gateway", "f", 2030, 4.0, 4.0],
    ]


def test_chain_stranded_rows_and_reasons(chain):
    """d: 3 idle of 15, the sales cap binds (market); f: 2 of 6, its rock source gives all it has
    (feedstock); x: all 5 idle, running it loses money (cost). u runs in full."""
    plan = chain[3]
    assert plan.stranded.values.tolist() == [
        ["s1", "c1", "x", 2030, 5.0, 0.0, 5.0, 1.0, "cost"],
        ["s2", "c2", "d", 2030, 15.0, 12.0, 3.0, 0.2, "market"],
        ["s2", "c2", "f", 2030, 6.0, 4.0, 2.0, 0.333333333, "feedstock"],
    ]
    assert plan.flows.values.tolist() == [["k1", "s2", "rock", 2030, 4.0, 0.0]]
    assert plan.raw_imports.empty


def test_raw_imports_rows_and_the_feedstock_reason_at_the_import_cap():
    """The chain with rock importable at 2 yuan per t (delivered: 2 + (3 + 4) x 1 = 9 yuan per t of
    transport and price), at most 1 t: f makes 4 + 1 = 5 (each unit earns 50 - 9 > 0), and its last
    unit stands idle because the source and the import cap are both reached (feedstock).
    Costs change by imports +2, transport +7, sales -50: objective -1,002 - 41 = -1,043."""
    inputs = dataclasses.replace(chain_inputs(), resource_import_price_yuan_per_t={("rock", 2030): 2.0},
                                 resource_import_cap_t_per_yr={("rock", 2030): 1.0})
    model = build_model(inputs)
    report = solve_model(model, ZERO_GAP)
    plan = extract_plan(model, inputs)
    assert report.objective_yuan == pytest.approx(-1043.0, abs=1e-6)
    assert sum(plan.costs.values()) == pytest.approx(report.objective_yuan, abs=1e-6)
    assert plan.raw_imports.values.tolist() == [["s2", "c2", "rock", 2030, 1.0, 2.0]]
    assert plan.stranded.loc[plan.stranded["product"] == "f"].values.tolist() == [
        ["s2", "c2", "f", 2030, 6.0, 5.0, 1.0, 0.166666667, "feedstock"]]


def test_the_csv_tables_carry_units_and_bn_yuan(chain):
    """trade.csv, product_flows.csv and stranded.csv with each product's unit; money in bn yuan;
    costs.csv has every component and the total (the objective). trade.csv's rows are sorted by
    its keys in their column order, hub, product, year, as plan.csv's are: d, f, u at c2;
    product_flows.csv's by kind, from, to, product, year: the gateway's import first."""
    plan = chain[3]
    catalog = SimpleNamespace(products={p: SimpleNamespace(unit="GWh" if p == "d" else "t") for p in "udxf"})
    files = plan_tables(plan, catalog)
    assert files["trade.csv"].splitlines() == [
        "hub,product,unit,year,imports,import_cost_bn_yuan,sales,revenue_bn_yuan", "c2,d,GWh/yr,2030,0,0,12,1.2e-06",
        "c2,f,t/yr,2030,0,0,4,2e-07", "c2,u,t/yr,2030,2,6e-08,0,0"]
    assert files["product_flows.csv"].splitlines()[:2] == ["kind,from,to,product,unit,year,units,km",
                                                           "gateway_to_hub,gateway,c2,u,t/yr,2030,2,4"]
    assert files["stranded.csv"].splitlines() == [
        "site,cluster,product,unit,year,usable,production,idle,idle_share,reason",
        "s1,c1,x,t/yr,2030,5,0,5,1,cost", "s2,c2,d,GWh/yr,2030,15,12,3,0.2,market",
        "s2,c2,f,t/yr,2030,6,4,2,0.333333333,feedstock"]
    costs = pd.read_csv(io.StringIO(files["costs.csv"]))
    assert costs["component"].tolist() == ["capex", "land", "fixed_opex", "site_fixed", "variable", "resources",
                                           "imports", "transport", "shortfall", "sales", "total"]
    assert costs["cost_bn_yuan"].iloc[-1] == pytest.approx(-1002e-9)
    assert costs["description"].iloc[-2] == "sales (revenue, negative)"
    assert files["raw_imports.csv"] == "site,cluster,resource,unit,year,imports,import_cost_bn_yuan\n"


P10 = ModuleSpec("p10", "p", capacity_units_per_yr=10.0, capex_yuan=100.0, fixed_opex_yuan_per_yr=1.0, land_ha=1.0,
                 lifetime_yr=10.0)


def lead_inputs() -> ModelInputs:
    """One site s1 (cluster c1), product p, years 2030-2032 (discount factors 1, rate 0). A module of
    10 units/yr costs 100 yuan, recovered over 10 years: 10 yuan/yr, plus 1 yuan/yr fixed opex,
    for every year it stands. Lead time 1 year, ramp-up 0.5. A committed project of 10 units/yr
    comes online in 2031. Strict target: 30 units/yr of p online in 2032.

    By hand: 2 modules are needed, decided in 2030 or 2031 (2032 + lead is past the horizon);
    decided in 2031 they stand in 2032 only: 2 x 11 = 22 yuan (in 2030: 44). Nothing is produced.
    Capacity 2031: committed 10 (online, first year: available 10 - 0.5 x 10 = 5), 20 decided
    (not yet online). 2032: online 30, available 30 - 0.5 x 20 = 20. Both years idle (cost)."""
    return ModelInputs(
        YEARS=(2030, 2031, 2032), SITES=("s1",), CLUSTERS=("c1",), PRODUCTS=("p",), MODULES=(P10,),
        CANDIDATES=(("s1", "p"),), cluster_of_site={"s1": "c1"}, site_land_ha={"s1": 100.0},
        land_after_redline_ha={("s1", "p"): 100.0}, TARGET_GROUPS={"P": ("p",)},
        capacity_target_units={("P", 2032): 30.0}, targets_strict=True,
        discount_factor={2030: 1.0, 2031: 1.0, 2032: 1.0}, enabled_families=frozenset({"targets"}),
        lead_time_yr={"p": 1}, ramp_up_share={"p": 0.5}, committed_units_per_yr={("s1", "p", 2031): 10.0},
    )


def test_capacity_columns_with_lead_time_ramp_and_committed_capacity():
    inputs = lead_inputs()
    model = build_model(inputs)
    report = solve_model(model, ZERO_GAP)
    plan = extract_plan(model, inputs)
    assert report.objective_yuan == pytest.approx(22.0, abs=1e-9)
    assert plan.costs["capex"] == 20.0 and plan.costs["fixed_opex"] == 2.0
    assert sum(plan.costs.values()) == pytest.approx(report.objective_yuan, abs=1e-9)
    assert list(plan.capacity.columns) == ["site", "cluster", "product", "year", "existing", "committed",
                                           "added_cumulative", "capacity", "online", "available", "production"]
    assert plan.capacity.values.tolist() == [
        ["s1", "c1", "p", 2031, 0.0, 10.0, 20.0, 30.0, 10.0, 5.0, 0.0],
        ["s1", "c1", "p", 2032, 0.0, 10.0, 20.0, 30.0, 30.0, 20.0, 0.0],
    ]
    assert plan.targets.values.tolist() == [["capacity", "P", 2032, 30.0, 30.0, 0.0]]
    assert plan.stranded.values.tolist() == [["s1", "c1", "p", 2031, 5.0, 0.0, 5.0, 1.0, "cost"],
                                             ["s1", "c1", "p", 2032, 20.0, 0.0, 20.0, 1.0, "cost"]]
    assert plan.trade.empty and plan.product_flows.empty


def test_costs_follow_the_whole_counts_and_the_model_keeps_its_values():
    """Counts returned as 2 - 1e-7 are costed as 2 (capex 2 x 10 = 20), and the solver's values
    are left in the model as they were."""
    inputs = lead_inputs()
    model = build_model(inputs)
    solve_model(model, ZERO_GAP)
    model.build["s1", "p", "p10", 2031].set_value(2 - 1e-7, skip_validation=True)
    plan = extract_plan(model, inputs)
    assert plan.costs["capex"] == 20.0 and plan.costs["fixed_opex"] == 2.0
    assert model.build["s1", "p", "p10", 2031].value == 2 - 1e-7
    assert pyo.value(model.cost_capex) == pytest.approx(20.0 - 1e-6)


def test_cycles_between_hubs_are_taken_out():
    """a -> b 5, b -> c 3, c -> a 2, b -> a 1: the cycle a-b-c-a carries 2 and a-b-a 1; what is
    left moves 2 from a to b and 1 from b to c, and every hub's net flow is unchanged."""
    left = without_cycles({("a", "b"): 5.0, ("b", "c"): 3.0, ("c", "a"): 2.0, ("b", "a"): 1.0}, ["a", "b", "c"])
    assert left == {("a", "b"): 2.0, ("b", "c"): 1.0}


def chain_places(s2_at_its_hub: bool = False) -> tuple[SimpleNamespace, tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]]:
    """The chain's sites, hubs and gateway as the preprocessing gives them, in UTM 48N (metres): s1
    (500 km E, 2,750 km N), s2 (600, 2,750), hub c1 (510, 2,760), hub c2 (590, 2,740) or at s2
    itself, the gateway (550, 2,700) named "Kunming station"; and the hub and gateway points of
    the layers (`network_points`)."""
    crs = "EPSG:32648"
    sites = gpd.GeoDataFrame({"id": ["s1", "s2"]}, geometry=[Point(500000, 2750000), Point(600000, 2750000)], crs=crs)
    c2 = Point(600000, 2750000) if s2_at_its_hub else Point(590000, 2740000)
    hubs = gpd.GeoDataFrame({"id": ["c1", "c2"]}, geometry=[Point(510000, 2760000), c2], crs=crs)
    spatial = SimpleNamespace(sites=sites, hubs=hubs, gateway=Point(550000, 2700000))
    clusters = gpd.GeoDataFrame({"id": ["c1", "c2"], "name": ["C one", None]}, geometry=[None, None])
    points = network_points(SimpleNamespace(clusters=clusters), spatial, "Kunming station")
    assert points is not None
    return spatial, points


def lonlat(x: float, y: float) -> list[float]:
    """UTM 48N metres as written: lon/lat rounded to 6 decimals."""
    lon, lat = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True).transform(x, y)
    return [round(lon, 6), round(lat, 6)]


def test_product_flow_lines_join_the_site_hub_and_gateway_points_exactly(chain):
    """Every line of product_flows.geojson starts and ends at the points of hubs.geojson (hubs and
    the gateway) or at the site's point, coordinate for coordinate; one feature per flow row, in
    product_flows.csv's order (`product_flow_rows`)."""
    plan = chain[3]
    places, points = chain_places()
    hubs = json.loads(feature_collection_text(hubs_layer(points)))
    assert [(f["id"], f["properties"]["kind"], f["properties"]["node"], f["properties"]["name"])
            for f in hubs["features"]] == [("hub_c1", "hub", "c1", "C one"), ("hub_c2", "hub", "c2", "c2"),
                                           ("gateway", "gateway", "gateway", "Kunming station")]
    at = {f["properties"]["node"]: f["geometry"]["coordinates"] for f in hubs["features"]}
    assert at == {"c1": lonlat(510000, 2760000), "c2": lonlat(590000, 2740000), "gateway": lonlat(550000, 2700000)}
    at.update({"s1": lonlat(500000, 2750000), "s2": lonlat(600000, 2750000)})
    units = {"u": "t", "d": "GWh", "x": "t", "f": "million m2"}
    flows = json.loads(feature_collection_text(product_flows_layer(places, plan, points, units)))
    assert len(flows["features"]) == len(plan.product_flows) == 8
    for feature, row in zip(flows["features"], product_flow_rows(plan.product_flows).itertuples(index=False),
                            strict=True):
        props = feature["properties"]
        # The layer delivers amounts and km at their precision (deliver/layer.py `field_precision`).
        assert (props["kind"], props["from"], props["to"], props["product"], props["year"], props["units"],
                props["km"]) == (*tuple(row)[:5], AMOUNT.round(row.units), MEASURE.round(row.km))
        assert props["unit"] == {"u": "t/yr", "d": "GWh/yr", "x": "t/yr", "f": "million m2/yr"}[row.product]
        assert feature["geometry"] == {"type": "LineString", "coordinates": [at[props["from"]], at[props["to"]]]}
    assert flows["features"][3]["id"] == "hub_to_hub:c1->c2:u:2030"


def test_a_flow_between_points_that_coincide_has_no_line(chain):
    """With hub c2 at s2, the five flows between s2 and c2 have no length: they stay in the table
    and are left out of the layer (three lines are left)."""
    plan = chain[3]
    places, points = chain_places(s2_at_its_hub=True)
    layer = product_flows_layer(places, plan, points)
    assert list(layer.frame["id"]) == ["gateway_to_hub:gateway->c2:u:2030", "hub_to_gateway:c2->gateway:d:2030",
                                       "hub_to_gateway:c2->gateway:f:2030", "hub_to_hub:c1->c2:u:2030",
                                       "site_to_hub:s1->c1:u:2030"]
    assert layer.notices == ()


def test_the_flow_and_hub_styles_colour_products_and_kinds(chain):
    """product_flows.qml: a rule for the one year (2030, the final one, ticked) and under it one
    rule per product that flows, in the catalog's order (x does not flow), each line as wide and
    as far beside its leg as the layer's `width_mm` and `offset_mm` say (one scale per unit:
    siting/deliver/styles.py `flow_lanes`); hubs.qml: hub and gateway."""
    plan = chain[3]
    places, points = chain_places()
    flows = ET.fromstring(style_for(product_flows_layer(places, plan, points), [], None, ["u", "d", "x", "f"])
                          .split("\n", 1)[1])
    renderer = flows.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "RuleRenderer"
    years = renderer.findall("rules/rule")
    assert [(r.get("filter"), r.get("checkstate")) for r in years] == [('"year" = 2030', None)]
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    width = ".//Option[@name='outlineWidth']/Option[@name='expression']"
    widths = {r.get("filter"): symbols[r.get("symbol")].find(width).get("value") for r in years[0].findall("rule")}
    assert widths == {'"product" = \'u\'': '"width_mm"', '"product" = \'d\'': '"width_mm"',
                      '"product" = \'f\'': '"width_mm"'}
    hubs = ET.fromstring(style_for(hubs_layer(points), []).split("\n", 1)[1]).find("renderer-v2")
    assert hubs is not None and [c.get("value") for c in hubs.iter("category")] == ["hub", "gateway"]


# --- the year's costs and why an output-value target is overshot (siting/deliver/drivers.py) -----

def test_year_costs_of_the_chain_are_its_cost_columns(chain):
    """One year, discount factor 1, no modules: the year's costs are the cost columns derived in
    `chain_inputs` (variable 170, resources 4, imports 60, transport 164 yuan)."""
    inputs, _model, _report, plan = chain
    assert year_costs(inputs, plan) == {2030: {"capex": 0.0, "land": 0.0, "fixed_opex": 0.0, "site_fixed": 0.0,
                                               "variable": 170.0, "resources": 4.0, "imports": 60.0,
                                               "transport": 164.0}}


def test_year_costs_charge_a_module_from_its_first_production_year():
    """`lead_inputs`: the two modules decided in 2031 stand from 2032 (lead time 1 year): 2 x 10
    yuan of annuity and 2 x 1 yuan of fixed opex in 2032, nothing before."""
    inputs = lead_inputs()
    model = build_model(inputs)
    solve_model(model, ZERO_GAP)
    costs = year_costs(inputs, extract_plan(model, inputs))
    assert [costs[t]["capex"] for t in inputs.YEARS] == [0.0, 0.0, 20.0]
    assert [costs[t]["fixed_opex"] for t in inputs.YEARS] == [0.0, 0.0, 2.0]
    assert sum(v for t in (2030, 2031) for v in costs[t].values()) == 0.0


def test_year_costs_discounted_and_summed_are_the_cost_table_of_the_small_plan():
    """The small plan (tests/test_api.py derives it): by hand in 2023, capex CRF(0.1, 20) x 7 bn
    (the 20-year modules; the cells module stands from 2024), land CRF(0.1, 50) x (100 ha x 1 M +
    20 ha x 3 M + 10 ha x 1.5 M), the openings of w_mine and e_far 2 x 0.1 bn, variable 1.588 bn,
    raw material 80 M; in 2024 the cells module's CRF(0.1, 10) x 2.5 bn and its 20 ha at 1.5 M
    join, no site opens, variable 2.207 bn. Every part, discounted (1, 1/1.1) and summed, is its
    component in plan.costs (transport included, not derived by hand)."""
    prepared = prepare(SMALL, {})
    plan = solve_prepared(prepared, solver_settings(prepared.loaded), {}).plan
    costs = year_costs(prepared.inputs, plan)
    crf = {n: 0.1 / (1 - 1.1 ** -n) for n in (10, 20, 50)}
    hand = {2023: {"capex": crf[20] * 7e9, "land": crf[50] * 1.75e8, "site_fixed": 2e8, "variable": 1.588e9,
                   "resources": 8e7, "imports": 0.0, "fixed_opex": 0.0},
            2024: {"capex": crf[20] * 7e9 + crf[10] * 2.5e9, "land": crf[50] * 2.05e8, "site_fixed": 0.0,
                   "variable": 2.207e9, "resources": 8e7, "imports": 0.0, "fixed_opex": 0.0}}
    for year, parts in hand.items():
        assert {k: costs[year][k] for k in parts} == pytest.approx(parts, rel=1e-9), year
    assert 0 < costs[2023]["transport"] < 5e7
    for name in YEAR_COST_PARTS:
        discounted = sum(prepared.inputs.discount_factor[t] * costs[t][name] for t in prepared.inputs.YEARS)
        assert discounted == pytest.approx(plan.costs[name], rel=1e-8, abs=1e-3), name  # plan.costs: 9 digits


BN = 1e9
#: 10 units/yr of p for 10 bn yuan over 10 years (rate 0: 1 bn yuan/yr of annuity) and 0.1 bn yuan/yr fixed opex.
P10_BN = ModuleSpec("p10", "p", capacity_units_per_yr=10.0, capex_yuan=10 * BN, fixed_opex_yuan_per_yr=0.1 * BN,
                    land_ha=1.0, lifetime_yr=10.0)


def value_inputs(capex_yuan: float = 10 * BN) -> ModelInputs:
    """One site s1 (cluster c1) with 5 t/yr of p already there; years 2030-2031 (discount factors 1,
    rate 0); strict capacity target P: 15 t/yr in 2031; output-value targets 10 bn yuan in 2030
    and 2031. p sells at 2 bn yuan/t both years (its output value too), costs 0.5 bn yuan/t to make;
    at most 15 t sold in 2030 and 12 t in 2031. No lead time, no transport.

    By hand with the 10 bn yuan module (1.1 bn yuan/yr while it stands): one module is needed for
    2031; decided in 2030 it also makes 10 t in 2030, worth 10 x 1.5 = 15 bn yuan more than they
    cost, for 1.1 bn yuan more: it is decided in 2030. 2030: 15 t made and sold, output value 30 bn
    yuan/yr: 20 from the module, 10 from the plants there; sales 30 bn yuan against variable 7.5,
    annuity 1 and fixed opex 0.1 (8.6). 2031: 12 t (the sales cap), 24 bn yuan/yr, shared 10:5 by
    available capacity: 16 and 8; sales 24 against 6 + 1 + 0.1 = 7.1."""
    return ModelInputs(
        YEARS=(2030, 2031), SITES=("s1",), CLUSTERS=("c1",), PRODUCTS=("p",),
        MODULES=(dataclasses.replace(P10_BN, capex_yuan=capex_yuan),), CANDIDATES=(("s1", "p"),),
        cluster_of_site={"s1": "c1"}, site_land_ha={"s1": 100.0}, land_after_redline_ha={("s1", "p"): 100.0},
        TARGET_GROUPS={"P": ("p",)}, existing_capacity_units_per_yr={("s1", "p"): 5.0}, utilisation={"p": 1.0},
        capacity_target_units={("P", 2031): 15.0}, targets_strict=True,
        output_value_target_yuan={2030: 10 * BN, 2031: 10 * BN}, discount_factor={2030: 1.0, 2031: 1.0},
        enabled_families=frozenset({"targets", "output_value", "market"}),
        other_variable_cost_yuan_per_unit={"p": 0.5 * BN},
        price_yuan_per_unit={("p", 2030): 2 * BN, ("p", 2031): 2 * BN},
        sales_cap_units={("p", 2030): 15.0, ("p", 2031): 12.0}, site_hub_km={"s1": 0.0}, hub_gateway_km={"c1": 0.0},
    )


def value_overshoots(inputs: ModelInputs) -> dict[int, tuple[str, ...]]:
    model = build_model(inputs)
    solve_model(model, ZERO_GAP)
    plan = extract_plan(model, inputs)
    return {o.year: o.reasons for o in overshoot_reasons(inputs, plan, {"p": "t"}) if o.target == "output_value"}


def test_output_value_overshoot_names_the_capacity_built_ahead_the_plants_there_and_the_sales():
    assert value_overshoots(value_inputs()) == {
        2030: ("capacity built ahead of the 2031 capacity target: the modules decided in 2030 are online in 2030 and "
               "make 20.00 bn yuan/yr of the 30.00 bn yuan/yr, more than the goal by themselves",
               "existing capacity: the plants already there make 10.00 bn yuan/yr of the 30.00 bn yuan/yr",
               "sales pay for it: the products sold outside the province in 2030 earn 30.00 bn yuan (P 15 t/yr for "
               "30.00 bn yuan), more than the year's costs, 8.60 bn yuan not discounted: variable (energy, other) "
               "7.50, capex (annuities) 1.00, fixed opex 0.10 bn yuan"),
        2031: ("capacity the plan adds: the modules decided in 2030 are online in 2031 and make 16.00 bn yuan/yr of "
               "the 24.00 bn yuan/yr, more than the goal by themselves (a site running below full use shares its "
               "production in proportion to the available capacity)",
               "existing capacity: the plants already there make 8.00 bn yuan/yr of the 24.00 bn yuan/yr",
               "sales pay for it: the products sold outside the province in 2031 earn 24.00 bn yuan (P 12 t/yr for "
               "24.00 bn yuan), more than the year's costs, 7.10 bn yuan not discounted: variable (energy, other) "
               "6.00, capex (annuities) 1.00, fixed opex 0.10 bn yuan"),
    }


def test_output_value_overshoot_with_sales_that_pay_for_the_running_costs_only():
    """`value_inputs` with a 230 bn yuan module (23 bn yuan/yr of annuity): standing in 2030 would
    cost 23.1 bn yuan for 15 bn yuan of margin, so it is decided in 2031. 2030: the 5 t/yr there,
    10 bn yuan/yr, meet the goal exactly (no overshoot). 2031: 24 bn yuan/yr, 16 from the module
    (shared 10:5); sales 24 bn yuan cover the variable 6 but not the 23.1 of the module as well."""
    assert value_overshoots(value_inputs(capex_yuan=230 * BN)) == {
        2031: ("capacity the plan adds: the modules decided in 2031 are online in 2031 and make 16.00 bn yuan/yr of "
               "the 24.00 bn yuan/yr, more than the goal by themselves (a site running below full use shares its "
               "production in proportion to the available capacity)",
               "existing capacity: the plants already there make 8.00 bn yuan/yr of the 24.00 bn yuan/yr",
               "sales pay for the running costs: the products sold outside the province in 2031 earn 24.00 bn yuan "
               "(P 12 t/yr for 24.00 bn yuan), more than the year's running costs, 6.00 bn yuan not discounted: "
               "variable (energy, other) 6.00 bn yuan"),
    }
