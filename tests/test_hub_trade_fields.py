"""The hubs layer carries the plan's trade: per hub, `sold_<product>_<year>` and
`imported_<product>_<year>` (units per year in the product's unit, trade.csv's `sales` and
`imports`), null at the gateway (its trade is the hubs', and a field summed over the layer is
the product's total), so a hub whose trade has no line in
product_flows.geojson (the gateway at the hub: 0 km) still shows it; fields only where the
plan trades, in the catalog's order of products, then years."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point
from test_trade_outputs import chain_inputs, chain_places

from models import build_model
from siting.deliver.layer import AMOUNT, feature_collection_text
from siting.deliver.layers import hubs_layer, network_points, product_flows_layer
from siting.optimize.results import extract_plan
from siting.optimize.solve import SolverSettings, solve_model

BASE = ["id", "kind", "node", "cluster", "name"]


@pytest.fixture(scope="module")
def chain_plan():
    """The chain of tests/test_trade_outputs.py solved: at hub c2, 12 of d and 4 of f sold and 2 of
    u imported in 2030; nothing traded at c1; x neither sold nor imported."""
    inputs = chain_inputs()
    model = build_model(inputs)
    solve_model(model, SolverSettings(rel_gap=0.0, time_limit_s=30))
    return inputs, extract_plan(model, inputs)


def properties(layer) -> dict[str, dict]:
    """Feature id -> properties, as hubs.geojson writes them."""
    return {f["id"]: f["properties"] for f in json.loads(feature_collection_text(layer))["features"]}


def test_hubs_carry_their_sales_and_imports_and_the_gateway_none(chain_plan):
    inputs, plan = chain_plan
    _places, points = chain_places()
    layer = hubs_layer(points, plan.trade, inputs.PRODUCTS, inputs.YEARS)
    assert list(layer.frame.columns.drop("geometry")) == [*BASE, "sold_d_2030", "sold_f_2030", "imported_u_2030"]
    trade = {f: 0.0 for f in ("sold_d_2030", "sold_f_2030", "imported_u_2030")}
    assert {k: {f: v[f] for f in trade} for k, v in properties(layer).items()} == {
        "hub_c1": trade,
        "hub_c2": {"sold_d_2030": 12.0, "sold_f_2030": 4.0, "imported_u_2030": 2.0},
        "gateway": {"sold_d_2030": None, "sold_f_2030": None, "imported_u_2030": None}}


def test_the_hub_fields_are_trade_csv_figures(chain_plan):
    """Each hub's field is trade.csv's figure for that hub, product and year (at the amounts'
    precision); summed over the layer (the gateway null), the product's total."""
    inputs, plan = chain_plan
    _places, points = chain_places()
    props = properties(hubs_layer(points, plan.trade, inputs.PRODUCTS, inputs.YEARS))
    for column, prefix in (("sales", "sold"), ("imports", "imported")):
        totals = plan.trade.groupby(["product", "year"])[column].sum()
        for (product, year), total in totals[totals > 0].items():
            name = f"{prefix}_{product}_{year}"
            by_hub = plan.trade.set_index(["hub", "product", "year"])[column]
            for hub in ("c1", "c2"):
                assert props[f"hub_{hub}"][name] == AMOUNT.round(float(by_hub.get((hub, product, year), 0.0)))
            assert props["gateway"][name] is None
            assert sum(v[name] for v in props.values() if v[name] is not None) == pytest.approx(total)


def test_a_hub_at_the_gateway_keeps_its_sales_in_the_layer(chain_plan):
    """With the gateway standing at hub c2, c2's sales and imports have no line in the
    product_flows layer, and the hubs layer still gives them."""
    inputs, plan = chain_plan
    places, _points = chain_places()
    at_c2 = SimpleNamespace(sites=places.sites, hubs=places.hubs, gateway=Point(590000, 2740000))
    clusters = gpd.GeoDataFrame({"id": ["c1", "c2"], "name": ["C one", None]}, geometry=[None, None])
    points = network_points(SimpleNamespace(clusters=clusters), at_c2, "Kunming station")
    assert points is not None
    lines = product_flows_layer(at_c2, plan, points).frame
    assert not lines["kind"].isin(["hub_to_gateway", "gateway_to_hub"]).any()
    c2 = properties(hubs_layer(points, plan.trade, inputs.PRODUCTS, inputs.YEARS))["hub_c2"]
    assert (c2["sold_d_2030"], c2["sold_f_2030"], c2["imported_u_2030"]) == (12.0, 4.0, 2.0)


def test_fields_only_for_what_is_traded_in_catalog_then_year_order(chain_plan):
    """Products in the catalog's order, then years, sales before imports; nothing for a product and
    year without a sale (or an import); no trade, no field."""
    _inputs, plan = chain_plan
    _places, points = chain_places()
    trade = pd.DataFrame({"hub": ["c1", "c2", "c1", "c2"], "product": ["b", "a", "a", "b"],
                          "year": [2031, 2031, 2030, 2030], "imports": [0.0, 0.0, 1.25, 0.0],
                          "import_cost_yuan": 0.0, "sales": [3.0, 2583.2636, 0.0, 0.0], "revenue_yuan": 0.0})
    layer = hubs_layer(points, trade, ("a", "b", "z"), (2030, 2031))
    assert list(layer.frame.columns.drop("geometry")) == [*BASE, "sold_a_2031", "sold_b_2031", "imported_a_2030"]
    assert properties(layer)["hub_c2"]["sold_a_2031"] == 2583.0
    assert properties(layer)["gateway"]["sold_a_2031"] is None
    assert list(hubs_layer(points, plan.trade.iloc[0:0], ("a",), (2030,)).frame.columns.drop("geometry")) == BASE


def test_the_small_plan_writes_the_trade_as_real_fields(small_run):
    """hubs.geojson and plan.gpkg's `hubs` give every hub's sales (and imports, where there are
    any) of trade.csv as REAL fields, null at the gateway; nothing for what is not traded."""
    out: Path = small_run.out
    trade = pd.read_csv(out / "trade.csv", dtype={"hub": str})
    assert (trade["sales"] > 0).any()
    features = json.loads((out / "hubs.geojson").read_text(encoding="utf-8"))["features"]
    hubs = {f["properties"]["node"]: f["properties"] for f in features}
    with sqlite3.connect(out / "plan.gpkg") as connection:
        types = {row[1]: row[2] for row in connection.execute('PRAGMA table_info("hubs")')}
    for column, prefix in (("sales", "sold"), ("imports", "imported")):
        totals = trade.groupby(["product", "year"])[column].sum()
        for (product, year), total in totals[totals > 0].items():
            name = f"{prefix}_{product}_{year}"
            assert types[name] == "REAL"
            rows = trade.loc[(trade["product"] == product) & (trade["year"] == year)]
            for hub, value in zip(rows["hub"], rows[column], strict=True):
                assert hubs[hub][name] == AMOUNT.round(float(value))
            assert hubs["gateway"][name] is None
            assert sum(p[name] for p in hubs.values() if p[name] is not None) == pytest.approx(total, abs=1)
        untraded = [f"{prefix}_{p}_{t}" for (p, t), total in totals.items() if total == 0]
        assert not set(untraded) & set(types)
