"""The sites layer gives, beside the summary of a built site's overlap with the red-line zones of
what it builds (`setback_products`, `setback_reach`, `setback_overlap_ha`,
`land_outside_setback_ha`: the union of the zones, the farthest reach, the least land), each
product's own zone: `setback_by_product`, so that a GIS user does not read the widest setback
and the least land as every product's.

The case is tests/test_layers_overlaps.py's (UTM 48N, from (X0, Y0)): a lake from x = 0 to
1,000 m and a nature reserve from x = 3,000 to 4,000 m; product p keeps the 100 m buffer from
both, product s has setbacks of 300 m from the lake and 500 m from the reserve; sites are strips
1,000 m tall, so every zone edge they meet is straight:

    site  x (m)         builds  inside p's zone  inside s's zone               land outside, p and s
    a     1,050-1,450   p, s    5 ha (lake)      25 ha (lake)                  35 and 15 of 40 ha
    b     2,450-2,650   s       -                15 ha (reserve)               -  and 5 of 20 ha
    c     1,200-2,600   p, s    -                20 ha (lake and reserve)      -  and 120 of 140 ha
    d     1,200-1,400   p       -                (d builds no s)               -
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pandas as pd
from test_layers_overlaps import RULE, case, plan_of

from models import ModuleSpec
from siting.deliver.layers import (
    NO_OVERLAP,
    OVERLAP_FIELDS,
    land_text,
    product_zone_text,
    redline_zones,
    sites_layer,
    zone_overlaps,
)
from siting.optimize.results import CAPACITY_COLUMNS, FLOW_COLUMNS
from tests.conftest import MadeRun

FIELD = "setback_by_product"
PLAN = [("c", "s"), ("a", "s"), ("b", "s"), ("a", "p"), ("c", "p"), ("d", "p")]


def test_each_product_gets_its_own_reach_and_land():
    """a lies in p's 100 m lake buffer (35 ha outside) and s's 300 m lake setback (15 ha outside):
    the summary gives the farthest reach and the least land, the new field each product's, in
    the catalog's order; c is reached from both sides by s's zone only (p's misses it)."""
    spatial, inputs = case()
    zones = redline_zones(spatial, inputs.PRODUCTS, RULE)
    overlaps = zone_overlaps(spatial, inputs, plan_of(PLAN), zones)
    assert {site: o.fields()[FIELD] for site, o in overlaps.items()} == {
        "a": "p: lake 100 m, 35 ha outside; s: lake 300 m, 15 ha outside",
        "b": "s: nature_reserve 500 m, 5 ha outside",
        "c": "s: lake 300 m, nature_reserve 500 m, 120 ha outside",
    }
    # The summary fields are unchanged.
    assert [overlaps["a"].fields()[f] for f in OVERLAP_FIELDS] == ["p, s", "lake 100 m, lake 300 m", 25.0, 15.0]
    assert NO_OVERLAP.fields()[FIELD] == ""


def test_land_reads_as_the_land_fields_are_delivered():
    """To 0.1 ha, 3 significant digits below 10 ha, no trailing zeros; categories as
    `setback_reach` gives them."""
    assert [land_text(v) for v in (35.0, 432.14, 1368.94, 0.1450708, 0.0, 123456.78)] == [
        "35", "432.1", "1368.9", "0.145", "0", "123456.8"]
    assert product_zone_text("fepo4", ["lake 5000 m", "nature_reserve 1000 m"], 432.14) == (
        "fepo4: lake 5000 m, nature_reserve 1000 m, 432.1 ha outside")


def test_the_sites_layer_carries_the_field_beside_the_summary():
    """Right after the four summary fields; empty at every site with no overlap, as they are."""
    spatial, inputs = case()
    inputs = replace(inputs, MODULES=(ModuleSpec("p1", "p", 10.0, 1.0, 0.0, 4.0),
                                      ModuleSpec("s1", "s", 10.0, 1.0, 0.0, 5.0)))
    zones = redline_zones(spatial, inputs.PRODUCTS, RULE)
    plan = plan_of(PLAN)
    plan = replace(plan, flows=pd.DataFrame(columns=FLOW_COLUMNS), capacity=pd.DataFrame(columns=CAPACITY_COLUMNS))
    frame, columns = sites_layer(spatial.sites, spatial, inputs, plan, overlaps=zone_overlaps(spatial, inputs, plan,
                                                                                              zones))
    at = columns.index("land_outside_setback_ha")
    assert columns[at - 3:at + 2] == [*OVERLAP_FIELDS, FIELD]
    assert dict(zip(frame["id"], frame[FIELD], strict=True)) == {
        "a": "p: lake 100 m, 35 ha outside; s: lake 300 m, 15 ha outside",
        "b": "s: nature_reserve 500 m, 5 ha outside",
        "c": "s: lake 300 m, nature_reserve 500 m, 120 ha outside",
        "d": "", "e": ""}


def test_the_written_layers_declare_it_as_text(small_run: MadeRun):
    """The small scenario's point sites lie partly in no zone: "" in sites.geojson and a TEXT
    column of plan.gpkg, as `setback_reach`; the QGIS style and project show it under an alias."""
    features = json.loads((small_run.out / "sites.geojson").read_text())["features"]
    assert {f["properties"][FIELD] for f in features} == {""}
    with sqlite3.connect(small_run.out / "plan.gpkg") as db:
        types = {row[1]: row[2] for row in db.execute("PRAGMA table_info(sites)")}
    assert types[FIELD] == types["setback_reach"] == "TEXT"
    alias = ('<alias field="setback_by_product" name="each product built whose red-line zone reaches the site: '
             'its setbacks reaching in, usable land outside its zone (ha)" />')
    for name in ("sites.qml", "plan.qgs"):
        assert alias in (small_run.out / name).read_text(encoding="utf-8"), name
