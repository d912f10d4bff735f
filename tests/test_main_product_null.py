"""A site or cell the plan builds nothing on has no main product: NULL in the layers (a GIS filter
`"main_product" IS NULL` finds them), never the empty string, which reads as a value."""

from __future__ import annotations

import json
import sqlite3

from conftest import MadeRun


def test_unbuilt_sites_have_a_null_main_product_in_geojson_and_geopackage(small_run: MadeRun):
    features = json.loads((small_run.out / "sites.geojson").read_text(encoding="utf-8"))["features"]
    built = {f["properties"]["site_id"] if "site_id" in f["properties"] else f["properties"]["id"]: f["properties"]
             for f in features}
    unbuilt = [p for p in built.values() if not p.get("capex_yuan")]
    assert unbuilt, "the small scenario leaves some site unbuilt"
    assert all(p["main_product"] is None for p in unbuilt)
    assert all(isinstance(p["main_product"], str) and p["main_product"] for p in built.values() if p.get("capex_yuan"))
    with sqlite3.connect(small_run.out / "plan.gpkg") as db:
        values = [row[0] for row in db.execute("SELECT main_product FROM sites WHERE capex_yuan = 0")]
    assert values and all(v is None for v in values)
