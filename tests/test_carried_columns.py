"""The input layers' own columns reach the output layers, and the tables put `unit` in one place.

- The clusters and sources layers carry their input's other columns after their own fields, as
  the sites, red-line and context layers do (siting/deliver/layers.py `with_carried`): under the
  input's name, as `input_<name>` where it clashes with a field of the layer or looks like one of
  its per-product or per-year fields, of the kind its values have.
- Every table of a solve that has a `unit` column has it right after the column that decides it
  (`product`, or targets.csv's `target`) and before `year`, as plan.csv does; product_flows.geojson
  follows product_flows.csv.
- A carried column keeps the type its file declares through nulls (an integer or yes/no column with
  a null stays so, in GeoJSON and plan.gpkg); dates come as ISO text; a column null everywhere
  comes, as text.
- trade.csv's rows are sorted by its keys in their order, as plan.csv's; the report's red-line
  section says the rule is on when it is; the note on "within solver tolerance" comes only under a
  table that marks a difference so.

The small scenario (tests/data/small): clusters west and east; sources rock_w (producing) and
li_clay (prospective); products fepo4, lfp and cells; years 2023 and 2024."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from siting.deliver.layers import SITE_FIELD_PREFIXES, carried_fields, plan_layers

#: The clusters layer's own fields in the small scenario: per product (in the catalog's order)
#: the capacity added over the plan and the capacity in the final year, 2024.
CLUSTER_FIELDS = ["id", "name", "sites_built_on", "capex_yuan", "products_added",
                  "added_fepo4", "capacity_fepo4_2024", "added_lfp", "capacity_lfp_2024",
                  "added_cells", "capacity_cells_2024"]
#: The sources layer's own fields in the small scenario (shipped per year, 2023 and 2024).
SOURCE_FIELDS = ["id", "name", "resource", "status", "supply_t_per_yr", "in_model", "shipped_t_2023",
                 "shipped_t_2024"]


def with_properties(path: Path, extra: dict[str, dict[str, object]]) -> None:
    """Add `extra` (feature id -> properties) to the GeoJSON layer at `path`, whose features are
    known by the first property ending in `_id`."""
    data = json.loads(path.read_text())
    for feature in data["features"]:
        props = feature["properties"]
        key = next(k for k in props if k.endswith("_id"))
        props.update(extra.get(props[key], {}))
    path.write_text(json.dumps(data, ensure_ascii=False))


# --- the clusters' and sources' own columns --------------------------------------------------------

def test_clusters_and_sources_carry_the_input_s_text_columns_after_their_own(folder: Path, tmp_path: Path):
    """West gets four text columns, in this order: `name_zh`, `tariff_note`, `capex_yuan` (the
    layer's own capex field: `input_capex_yuan`) and `added_by` (like the layer's `added_<product>`
    fields: `input_added_by`); east gets `name_zh` alone (null in the other three). rock_w gets
    `supply_basis`, `in_model` (the layer's: `input_in_model`) and `shipped_t_note` (like
    `shipped_t_<year>`: `input_shipped_t_note`); li_clay `supply_basis`. clusters.geojson,
    sources.geojson and plan.gpkg give the layer's fields first, unchanged, then these as text."""
    from siting.cli import main

    with_properties(folder / "clusters.geojson", {
        "west": {"name_zh": "西区", "tariff_note": "assumed flat", "capex_yuan": "not known", "added_by": "survey"},
        "east": {"name_zh": "东区"}})
    with_properties(folder / "sources.geojson", {
        "rock_w": {"supply_basis": "sourced", "in_model": "yes", "shipped_t_note": "by rail"},
        "li_clay": {"supply_basis": "assumed"}})
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0

    carried = ["name_zh", "tariff_note", "input_capex_yuan", "input_added_by"]
    clusters = {f["id"]: f["properties"] for f in json.loads((out / "clusters.geojson").read_text())["features"]}
    assert [list(p) for p in clusters.values()] == [[*CLUSTER_FIELDS, *carried]] * 2
    assert {c: [p[k] for k in carried] for c, p in clusters.items()} == {
        "west": ["西区", "assumed flat", "not known", "survey"], "east": ["东区", None, None, None]}
    assert clusters["west"]["capex_yuan"] == 4.0e9  # the plan's, a number: at w_mine, FePO4 2 bn + LFP 2 bn
    info = pyogrio.read_info(out / "plan.gpkg", layer="clusters")
    assert list(info["fields"]) == [*CLUSTER_FIELDS, *carried]
    assert list(info["dtypes"])[-4:] == ["object"] * 4

    carried = ["supply_basis", "input_in_model", "input_shipped_t_note"]
    sources = {f["id"]: f["properties"] for f in json.loads((out / "sources.geojson").read_text())["features"]}
    assert [list(p) for p in sources.values()] == [[*SOURCE_FIELDS, *carried]] * 2
    assert {s: [p[k] for k in ("in_model", *carried)] for s, p in sources.items()} == {
        "rock_w": [True, "sourced", "yes", "by rail"], "li_clay": [False, "assumed", None, None]}
    frame = pyogrio.read_dataframe(out / "plan.gpkg", layer="sources")
    assert list(frame.columns) == [*SOURCE_FIELDS, *carried, "geometry"]
    assert [[None if pd.isna(v) else v for v in row] for row in frame[carried].values.tolist()] == [
        ["sourced", "yes", "by rail"], ["assumed", None, None]]


def test_carried_cluster_and_source_columns_keep_the_kind_of_their_values(folder: Path, tmp_path: Path):
    """Columns given as whole numbers, numbers, yes/no and text (`adcode` 530100 and 530400,
    `is_core` true and false, `share` 0.25, `note`) reach the clusters layer as integer, boolean,
    real and string fields, and plan.gpkg as int64, bool, float64 and text; east, which `share`
    and `note` do not name, gets null there; a column null everywhere (`empty`) is text. The
    sources layer the same: `grade` 28.5 real, null for li_clay."""
    import siting
    from siting.deliver.geopackage import write_geopackage

    solution = siting.solve(folder / "scenario.yaml")
    prepared = solution.problem.prepared
    texts = {
        "clusters": pd.DataFrame({"adcode": [530400, 530100], "is_core": [False, True], "share": [None, 0.25],
                                  "note": [None, "n"], "empty": [None, None]},
                                 index=pd.Index(["east", "west"], name="id"), dtype=object),
        "sources": pd.DataFrame({"grade": [28.5]}, index=pd.Index(["rock_w"], name="id"), dtype=object),
    }
    layers = dataclasses.replace(prepared.layers, text_columns=texts)
    built = {layer.name: layer for layer in plan_layers(layers, prepared.spatial, prepared.inputs, solution.result,
                                                         solution.problem.redline)}
    clusters, sources = built["clusters"], built["sources"]
    assert clusters.fields[len(CLUSTER_FIELDS):] == (("adcode", "integer"), ("is_core", "boolean"), ("share", "real"),
                                                     ("note", "string"), ("empty", "string"))
    assert clusters.frame[["id", "adcode", "is_core", "share", "note", "empty"]].values.tolist() == [
        ["west", 530100, True, 0.25, "n", None], ["east", 530400, False, None, None, None]]
    assert sources.fields[len(SOURCE_FIELDS):] == (("grade", "real"),)
    assert sources.frame["grade"].tolist() == [28.5, None]
    path = tmp_path / "plan.gpkg"
    write_geopackage(path, [clusters, sources], {"clusters": "<qgis/>", "sources": "<qgis/>"})
    info = pyogrio.read_info(path, layer="clusters")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert [types[f] for f in ("adcode", "is_core", "share", "note", "empty")] == [
        "int64", "bool", "float64", "object", "object"]
    info = pyogrio.read_info(path, layer="sources")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["grade"] == "float64"


def test_carried_fields_follow_the_input_s_order_and_null_what_the_input_does_not_hold():
    """One value per feature in the order of `ids`: null for an id the columns do not hold (`c`)
    and for a feature of no input (None, a candidate cell); `status` (the layer's own) and
    `added_note` (like a per-product field) get the prefix; the kinds are those of the values
    (an integer column with a null stays integer)."""
    carried = pd.DataFrame({"status": ["planned", None], "added_note": ["x", "y"], "rank": [1, None]},
                           index=pd.Index(["a", "b"], name="id"), dtype=object)
    fields = carried_fields(carried, ["b", "c", None, "a"], ["id", "status", "added_lfp_2024"], SITE_FIELD_PREFIXES)
    assert fields == {"input_status": ("string", [None, None, None, "planned"]),
                      "input_added_note": ("string", ["y", None, None, "x"]),
                      "rank": ("integer", [None, None, None, 1])}
    assert carried_fields(None, ["a"], ["id"]) == {}
    assert carried_fields(pd.DataFrame(), ["a"], ["id"]) == {}


# --- where the unit column stands --------------------------------------------------------------------

#: Every CSV table of the small scenario's solve, with its header: `unit` right after `product`
#: (targets.csv: `target`), before `year`.
HEADERS = {
    "plan.csv": "site,cluster,product,unit,year,module,modules,capacity_added,capex_bn_yuan",
    "capacity.csv": "site,cluster,product,unit,year,existing,committed,added_cumulative,capacity,online,available,"
                    "production",
    "stranded.csv": "site,cluster,product,unit,year,usable,production,idle,idle_share,reason",
    "trade.csv": "hub,product,unit,year,imports,import_cost_bn_yuan,sales,revenue_bn_yuan",
    "product_flows.csv": "kind,from,to,product,unit,year,units,km",
    "targets.csv": "kind,target,unit,year,target_value,achieved,shortfall",
    "raw_imports.csv": "site,cluster,resource,unit,year,imports,import_cost_bn_yuan",
    "costs.csv": "component,description,cost_bn_yuan",
}


def test_every_table_puts_unit_right_after_product_and_before_year(small_run):
    """The eight CSV tables have exactly the headers of HEADERS; in each that has a `unit` column,
    it stands right after `product`, `target` or `resource` and right before `year`."""
    out = small_run.out
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(HEADERS)
    for name, header in HEADERS.items():
        assert (out / name).read_text().splitlines()[0] == header, name
        columns = header.split(",")
        if "unit" in columns:
            at = columns.index("unit")
            assert columns[at - 1] in ("product", "target", "resource") and columns[at + 1] == "year", name


def test_product_flows_layer_orders_its_fields_as_product_flows_csv(small_run):
    """product_flows.geojson and plan.gpkg's product_flows give `id`, then product_flows.csv's
    columns in its order with the ends' names after `to`, then how its line is drawn (`width_mm`,
    `offset_mm`: siting/deliver/styles.py `flow_lanes`); the first feature's values are the
    first row's (km and units at the layer's precision: 50.6 km, as the CSV's 50.5766709), the
    rows sorted by kind, from, to, product, year. The first line is 3 mm wide (cells' widest, 8
    GWh/yr), 0.988 mm to the left of its leg, beside the other lines of the leg's 2024."""
    out = small_run.out
    columns = HEADERS["product_flows.csv"].split(",")
    at = columns.index("to") + 1
    columns = [*columns[:at], "from_name", "to_name", *columns[at:], "width_mm", "offset_mm"]
    features = json.loads((out / "product_flows.geojson").read_text())["features"]
    assert features and {tuple(f["properties"]) for f in features} == {("id", *columns)}
    first = (out / "product_flows.csv").read_text().splitlines()[1].split(",")
    assert first == ["hub_to_gateway", "east", "gateway", "cells", "GWh/yr", "2024", "8", "50.5766709"]
    assert features[0]["properties"] == {"id": "hub_to_gateway:east->gateway:cells:2024", "kind": "hub_to_gateway",
                                         "from": "east", "to": "gateway", "from_name": "East hub",
                                         "to_name": "Gate (gateway)", "product": "cells", "unit": "GWh/yr",
                                         "year": 2024, "units": 8.0, "km": 50.6, "width_mm": 3.0,
                                         "offset_mm": -0.988}
    assert list(pyogrio.read_info(out / "plan.gpkg", layer="product_flows")["fields"]) == ["id", *columns]


@pytest.mark.parametrize("table", ["targets", "trade"])
def test_the_report_s_tables_put_unit_where_the_csv_files_do(small_run, table: str):
    """report.md's targets and trade tables: `unit` right after the target or the product, before
    `year`, as targets.csv and trade.csv."""
    report = (small_run.out / "report.md").read_text()
    expected = {"targets": ("| target | unit | year | goal | planned (capacity in service) | produced | shortfall "
                            "| status |"),
                "trade": "| hub | product | unit | year | imports | import cost, bn yuan | sales | revenue, bn yuan |"}
    assert expected[table] in report.splitlines()
    assert not re.search(r"\| year \| unit \|", report)


# --- the declared type survives nulls; dates and empty columns come along ------------------------

def test_carried_columns_keep_their_declared_type_through_nulls_and_dates_come_as_text(folder: Path,
                                                                                      tmp_path: Path):
    """West: `is_core` true, `rank` null, `surveyed` 2024-01-05, `checked_at` 2024-01-05T10:30:00,
    `empty` null; east: `is_core` null, `rank` 2, null elsewhere. GDAL declares `is_core`
    Integer(Boolean), `rank` Integer, `surveyed` Date, `checked_at` DateTime and `empty` (null in
    both) String, and reads the first two as float64 for their null. clusters.geojson gives true
    and 2 (not 1.0 and 2.0), the date and time as ISO text, `empty` null in both; plan.gpkg
    declares Integer(Boolean), Integer64 and String, with NULL where null. The sources the same:
    `grade_ok` false at rock_w, null at li_clay, a yes/no field."""
    from siting.cli import main

    with_properties(folder / "clusters.geojson", {
        "west": {"is_core": True, "rank": None, "surveyed": "2024-01-05", "checked_at": "2024-01-05T10:30:00",
                 "empty": None},
        "east": {"is_core": None, "rank": 2, "surveyed": None, "checked_at": None, "empty": None}})
    with_properties(folder / "sources.geojson", {"rock_w": {"grade_ok": False}, "li_clay": {"grade_ok": None}})
    declared = pyogrio.read_info(folder / "clusters.geojson")
    assert dict(zip(declared["fields"], declared["dtypes"], strict=True))["rank"] == "int32"  # as GDAL reads it
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0

    carried = ["is_core", "rank", "surveyed", "checked_at", "empty"]
    text = (out / "clusters.geojson").read_text()
    clusters = {f["id"]: f["properties"] for f in json.loads(text)["features"]}
    assert [list(p) for p in clusters.values()] == [[*CLUSTER_FIELDS, *carried]] * 2
    assert {c: [p[k] for k in carried] for c, p in clusters.items()} == {
        "west": [True, None, "2024-01-05", "2024-01-05T10:30:00", None], "east": [None, 2, None, None, None]}
    assert '"is_core":true,"rank":null,' in text and '"is_core":null,"rank":2,' in text
    info = pyogrio.read_info(out / "plan.gpkg", layer="clusters")
    types = {f: (t, s) for f, t, s in zip(info["fields"], info["ogr_types"], info["ogr_subtypes"], strict=True)}
    assert [types[f] for f in carried] == [("OFTInteger", "OFSTBoolean"), ("OFTInteger64", "OFSTNone"),
                                           ("OFTString", "OFSTNone"), ("OFTString", "OFSTNone"),
                                           ("OFTString", "OFSTNone")]
    with sqlite3.connect(out / "plan.gpkg") as db:
        rows = db.execute("SELECT id, is_core, rank, surveyed, checked_at, empty FROM clusters ORDER BY fid").fetchall()
    assert rows == [("west", 1, None, "2024-01-05", "2024-01-05T10:30:00", None), ("east", None, 2, None, None, None)]

    sources = {f["id"]: f["properties"] for f in json.loads((out / "sources.geojson").read_text())["features"]}
    assert {s: p["grade_ok"] for s, p in sources.items()} == {"rock_w": False, "li_clay": None}
    info = pyogrio.read_info(out / "plan.gpkg", layer="sources")
    types = {f: (t, s) for f, t, s in zip(info["fields"], info["ogr_types"], info["ogr_subtypes"], strict=True)}
    assert types["grade_ok"] == ("OFTInteger", "OFSTBoolean")


def test_sites_take_dates_and_empty_text_columns_but_not_numbers(tmp_path: Path):
    """A layer of sites a and b: `visited` (a date: 2023-05-01, null), `memo` (null in both, so
    declared text), `rank` (1, null: an integer) and `ok` (true, null: yes/no). As the sites
    carry them (not `typed`): `visited` as ISO text and `memo` null; not `rank` nor `ok` (the
    sites' numbers are left out by design, siting/prepare/layers.py TYPED_COLUMNS). As the
    clusters, sources and red line carry them (`typed`): all four, `rank` as the int 1 and `ok`
    as True, each null as None. A column null everywhere that the file declares a number (a
    GeoPackage's) comes for a typed layer, as null, and not for the sites."""
    from siting.prepare.layers import declared_dtypes, other_text_columns, read_layer

    path = tmp_path / "sites.geojson"
    features = [{"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [102.0, 25.0]}}
                for props in ({"site_id": "a", "visited": "2023-05-01", "memo": None, "rank": 1, "ok": True},
                              {"site_id": "b", "visited": None, "memo": None, "rank": None, "ok": None})]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    raw = read_layer(path, "sites")
    checked = raw.assign(id=raw["site_id"])
    declared = declared_dtypes(path, None)
    assert [declared[c] for c in ("visited", "memo", "rank", "ok")] == ["datetime64[D]", "object", "int32", "bool"]
    sites = other_text_columns(raw, checked, [], {"id": "site_id"}, declared=declared)
    assert sites.to_dict("list") == {"visited": ["2023-05-01", None], "memo": [None, None]}
    typed = other_text_columns(raw, checked, [], {"id": "site_id"}, typed=True, declared=declared)
    assert typed.to_dict("list") == {"visited": ["2023-05-01", None], "memo": [None, None], "rank": [1, None],
                                     "ok": [True, None]}
    assert [type(typed.loc["a", c]) for c in ("rank", "ok")] == [int, bool]
    numbers = {**declared, "memo": "int64"}  # as a GeoPackage declares an INTEGER column null everywhere
    assert list(other_text_columns(raw, checked, [], {"id": "site_id"}, declared=numbers)) == ["visited"]
    assert list(other_text_columns(raw, checked, [], {"id": "site_id"}, typed=True, declared=numbers)) == [
        "visited", "memo", "rank", "ok"]


def test_the_geopackage_declares_integer_and_yes_no_fields_with_nulls_as_such(tmp_path: Path):
    """A layer of three points with `count` 1, null, 3 (integer) and `flag` true, false, null
    (boolean) and `whole` 4, 5, 6 (integer, no null): plan.gpkg declares Integer64,
    Integer(Boolean) and Integer64 and holds NULL where null, not a REAL field of 1.0 and 3.0."""
    from siting.deliver.geopackage import write_geopackage
    from siting.deliver.layer import make_layer

    frame = gpd.GeoDataFrame({"id": ["a", "b", "c"], "count": [1, None, 3], "flag": [True, False, None],
                              "whole": [4, 5, 6]},
                             geometry=[shapely.Point(102.0 + i, 25.0) for i in range(3)], crs="EPSG:4326")
    layer = make_layer("things", "Things", frame, ["id", "count", "flag", "whole"],
                       {"count": "integer", "flag": "boolean", "whole": "integer"})
    path = tmp_path / "plan.gpkg"
    write_geopackage(path, [layer], {"things": "<qgis/>"})
    info = pyogrio.read_info(path, layer="things")
    assert list(zip(info["fields"], info["ogr_types"], info["ogr_subtypes"], strict=True)) == [
        ("id", "OFTString", "OFSTNone"), ("count", "OFTInteger64", "OFSTNone"),
        ("flag", "OFTInteger", "OFSTBoolean"), ("whole", "OFTInteger64", "OFSTNone")]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count, flag, whole FROM things ORDER BY fid").fetchall() == [
            (1, 1, 4), (None, 0, 5), (3, None, 6)]


# --- rows sorted by their keys; unit after product in the report ------------------------------------

def test_trade_rows_are_sorted_by_hub_product_and_year_as_the_columns_stand(small_run):
    """trade.csv's keys stand hub, product, year, and its rows are sorted by them, as plan.csv's
    by site, product, year, module: east's cells and lfp, then west's fepo4 and lfp, each year
    in turn. The report's trade table gives the same rows in the same order (hubs by name)."""
    out = small_run.out
    trade = [line.split(",")[:4] for line in (out / "trade.csv").read_text().splitlines()[1:]]
    assert trade == [["east", "cells", "GWh/yr", "2024"], ["east", "lfp", "t/yr", "2023"],
                     ["east", "lfp", "t/yr", "2024"], ["west", "fepo4", "t/yr", "2023"],
                     ["west", "fepo4", "t/yr", "2024"], ["west", "lfp", "t/yr", "2023"],
                     ["west", "lfp", "t/yr", "2024"]]
    plan = pd.read_csv(out / "plan.csv")
    keys = ["site", "product", "year", "module"]
    assert plan[keys].values.tolist() == plan.sort_values(keys)[keys].values.tolist()
    lines = (out / "report.md").read_text().splitlines()
    at = lines.index("| hub | product | unit | year | imports | import cost, bn yuan | sales | revenue, bn yuan |")
    assert [line.split(" | ")[:4] for line in lines[at + 2:at + 9]] == [
        ["| East", "Cells", "GWh/yr", "2024"], ["| East", "LFP", "t/yr", "2023"], ["| East", "LFP", "t/yr", "2024"],
        ["| West", "FePO4", "t/yr", "2023"], ["| West", "FePO4", "t/yr", "2024"], ["| West", "LFP", "t/yr", "2023"],
        ["| West", "LFP", "t/yr", "2024"]]
    assert not lines[at + 9].startswith("|")


def test_every_report_table_puts_unit_right_after_the_column_that_decides_it(small_run):
    """Each table of report.md with a `unit` column has it right after `product` or `target`:
    the modules built read year, cluster, site, product, unit, module size, modules, capacity
    added, capex (East city's two LFP modules of 50,000 t/yr first)."""
    lines = (small_run.out / "report.md").read_text().splitlines()
    headers = [line.strip("|").split(" | ") for line, rule in itertools.pairwise(lines) if rule.startswith("|---")]
    with_unit = [[c.strip() for c in h] for h in headers if "unit" in [c.strip() for c in h]]
    assert len(with_unit) == 4
    assert all(h[h.index("unit") - 1] in ("product", "target") for h in with_unit)
    at = lines.index("| year | cluster | site | product | unit | module size | modules | capacity added | "
                     "capex, bn yuan |")
    assert lines[at + 1:at + 3] == ["|---|---|---|---|---|---:|---:|---:|---:|",
                                    "| 2023 | East | East city | LFP | t/yr | 50,000 t/yr | 2 | 100,000 | 2.00 |"]


# --- the report on the red line says what the terminal says -------------------------------------------

def test_the_red_line_section_says_why_no_zone_excludes_a_site():
    """Without zones: the rule off; on without a red-line layer (the terminal's notice says the
    same: the plan may lie in protected land); on with a layer none of whose polygons it counts."""
    from siting.deliver.layer import OutputLayer
    from siting.deliver.report import zone_blocks

    zones = OutputLayer("redline_zones", "Red-line zones", gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:4326"),
                        (("id", "string"),), "MultiPolygon")
    said = {(on, given): [(b.kind, b.content) for b in zone_blocks(zones, on, given)]
            for on, given in ((False, True), (True, False), (True, True))}
    assert said == {
        (False, True): [("h2", "Red-line zones"), ("p", "The red-line rule is off (constraints.redline.enabled: "
                                                        "false): no zone excludes any site.")],
        (True, False): [("h2", "Red-line zones"), ("p", "The red-line rule is on, but the scenario gives no red-line "
                                                        "layer (layers.redline): no zone excludes any site, and the "
                                                        "plan may lie in protected land.")],
        (True, True): [("h2", "Red-line zones"), ("p", "The red-line rule is on, but it counts no polygon of the "
                                                       "red-line layer (the layer has none of the categories it "
                                                       "counts, constraints.redline.categories): no zone excludes "
                                                       "any site.")]}


def test_a_scenario_without_a_red_line_layer_is_reported_with_the_rule_on(folder: Path, tmp_path: Path, capsys):
    """The small scenario without layers.redline, its rule on (buffer_m 1000): the terminal's
    notice and report.md both say the rule is on and there is no red-line layer; the report
    never says the rule is off."""
    from siting.cli import main

    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace("  redline: {path: redline.geojson}\n", ""))
    out = tmp_path / "out"
    assert main(["solve", str(scenario), "--out", str(out)]) == 0
    assert "constraints.redline is on, but the scenario gives no red-line layer" in capsys.readouterr().out
    report = (out / "report.md").read_text()
    assert ("The red-line rule is on, but the scenario gives no red-line layer (layers.redline): no zone excludes "
            "any site, and the plan may lie in protected land.") in report.splitlines()
    assert "rule is off" not in report


# --- the note on "within solver tolerance" only where a difference is so marked -------------------

def test_the_tolerance_note_comes_only_under_a_table_that_marks_a_difference_so():
    """A sweep of one run (nothing compared), or whose runs are proven apart or the same plan:
    no note; one run within solver tolerance of the first: the note. A comparison the same, by
    its `objective difference` row."""
    from siting.optimize.tolerance import TOLERANCE_NOTE, WITHIN
    from siting.runs.tables import TOLERANCE_ROW, tolerance_note

    def sweep(*marks: str) -> pd.DataFrame:
        return pd.DataFrame({"run": [f"run{i:02d}" for i in range(len(marks))], "vs_first": list(marks)})

    assert [tolerance_note(sweep(*m)) for m in ([""], ["", "proven"], ["", "same plan", "proven"], ["", WITHIN],
                                                ["", "proven", WITHIN])] == ["", "", "", TOLERANCE_NOTE, TOLERANCE_NOTE]

    def comparison(mark: str) -> pd.DataFrame:
        return pd.DataFrame({"metric": ["objective", TOLERANCE_ROW], "unit": ["yuan", ""], "a": [1.0, ""],
                             "b": [2.0, ""], "b vs a": [1.0, mark]})

    assert [tolerance_note(comparison(m)) for m in ("proven", WITHIN)] == ["", TOLERANCE_NOTE]


def test_a_sweep_of_one_run_gives_no_note_on_solver_tolerance(folder: Path, tmp_path: Path):
    """A sweep over one value (buffer_m 1000, as the small scenario has it) compares no run with
    another, so sweep.md marks no difference "within solver tolerance" and gives no note on it."""
    from siting.cli import main
    from siting.optimize.tolerance import TOLERANCE_NOTE

    out = tmp_path / "sweep"
    assert main(["sweep", str(folder / "scenario.yaml"), "--set", "constraints.redline.buffer_m=1000", "--out",
                 str(out), "--workers", "1", "--quiet"]) == 0
    assert pd.read_csv(out / "sweep.csv", keep_default_na=False)["vs_first"].tolist() == [""]
    markdown = (out / "sweep.md").read_text()
    assert TOLERANCE_NOTE not in markdown and "within solver tolerance" not in markdown
