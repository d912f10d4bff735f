"""The input layers' own columns reach the output layers, and the tables put `unit` in one place.

- The clusters and sources layers carry their input's other columns after their own fields, as
  the sites, red-line and context layers do (siting/deliver/layers.py `with_carried`): under the
  input's name, as `input_<name>` where it clashes with a field of the layer or looks like one of
  its per-product or per-year fields, of the kind its values have.
- Every table of a solve that has a `unit` column has it right after the column that decides it
  (`product`, or targets.csv's `target`) and before `year`, as plan.csv does; product_flows.geojson
  follows product_flows.csv.

The small scenario (tests/data/small): clusters west and east; sources rock_w (producing) and
li_clay (prospective); products fepo4, lfp and cells; years 2023 and 2024."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from siting.deliver.layers import SITE_FIELD_PREFIXES, carried_fields, plan_layers

#: The clusters layer's own fields in the small scenario: per product (in the catalog's order)
#: the capacity added over the plan and the capacity in the final year, 2024.
CLUSTER_FIELDS = ["id", "name", "sites_opened", "capex_yuan", "products_added",
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
    "raw_imports.csv": "site,cluster,resource,year,tonnes,import_cost_bn_yuan",
    "costs.csv": "component,description,cost_bn_yuan",
}


def test_every_table_puts_unit_right_after_product_and_before_year(small_run):
    """The eight CSV tables have exactly the headers of HEADERS; in each that has a `unit` column,
    it stands right after `product` or `target` and right before `year`."""
    out = small_run.out
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(HEADERS)
    for name, header in HEADERS.items():
        assert (out / name).read_text().splitlines()[0] == header, name
        columns = header.split(",")
        if "unit" in columns:
            at = columns.index("unit")
            assert columns[at - 1] in ("product", "target") and columns[at + 1] == "year", name


def test_product_flows_layer_orders_its_fields_as_product_flows_csv(small_run):
    """product_flows.geojson and plan.gpkg's product_flows give `id`, then product_flows.csv's
    columns in its order; the first feature's values are the first row's (km and units at the
    layer's precision: 22.5 km, as the CSV's 22.5206406)."""
    out = small_run.out
    columns = HEADERS["product_flows.csv"].split(",")
    features = json.loads((out / "product_flows.geojson").read_text())["features"]
    assert features and {tuple(f["properties"]) for f in features} == {("id", *columns)}
    first = (out / "product_flows.csv").read_text().splitlines()[1].split(",")
    assert first == ["site_to_hub", "w_mine", "west", "fepo4", "t/yr", "2023", "300000", "22.5206406"]
    assert features[0]["properties"] == {"id": "site_to_hub:w_mine->west:fepo4:2023", "kind": "site_to_hub",
                                         "from": "w_mine", "to": "west", "product": "fepo4", "unit": "t/yr",
                                         "year": 2023, "units": 300000.0, "km": 22.5}
    assert list(pyogrio.read_info(out / "plan.gpkg", layer="product_flows")["fields"]) == ["id", *columns]


@pytest.mark.parametrize("table", ["targets", "trade"])
def test_the_report_s_tables_put_unit_where_the_csv_files_do(small_run, table: str):
    """report.md's targets and trade tables: `unit` right after the target or the product, before
    `year`, as targets.csv and trade.csv."""
    report = (small_run.out / "report.md").read_text()
    expected = {"targets": "| target | unit | year | goal | planned | shortfall |  |",
                "trade": "| hub | product | unit | year | imports | import cost, bn yuan | sales | revenue, bn yuan |"}
    assert expected[table] in report.splitlines()
    assert not re.search(r"\| year \| unit \|", report)
