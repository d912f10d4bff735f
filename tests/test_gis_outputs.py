"""The GIS deliverables, read back the way GIS clients read them (GDAL through pyogrio, sqlite3,
an XML parser, an image reader).

The small scenario (tests/data/small, see tests/test_cli.py for its hand-checked plan) has point
sites, one of them (w_lake) inside the lake's 1 km buffer; w_mine is built (capex 5 bn yuan) at
the phosphate source; its FePO4 goes through the hubs west and east to e_city, and LFP and cells
leave through the gateway. The shipped Yunnan scenario, stopped after its first node
(deterministic), adds polygon sites, MultiPolygon clusters and red line, real flows and setback
zones.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import matplotlib.image
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from test_candidate_scenario import CELLS_A, ZONE_A, with_cells

from models import ModelInputs, ModuleSpec
from siting.config.units import amount_text, cluster_names, id_items, product_label
from siting.deliver.geopackage import FIXED_TIMESTAMP, GEOMETRY_COLUMN
from siting.deliver.layer import AMOUNT, MEASURE, Precision, feature_collection_text, field_precision, make_layer
from siting.deliver.layers import (
    LAND_FIELDS,
    OVERLAP_FIELDS,
    SITE_FIELD_PREFIXES,
    ZoneOverlap,
    carried_names,
    land_figures,
    redline_zones,
    split_mixed_sites,
    zone_overlaps,
)
from siting.deliver.mapplot import PIXELS, site_names
from siting.deliver.report import land_blocks, markdown
from siting.deliver.styles import RENDERERS, diff_style, source_classes
from siting.optimize.results import BUILD_COLUMNS, Plan
from siting.prepare.spatial import RedlineSettings, SpatialResult, land_after_redline
from tests.conftest import MadeRun

SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"

#: layer -> (geometry type, features) in the small scenario.
SMALL_LAYERS = {"sites": ("Point", 4), "flows": ("LineString", 1), "sources": ("Point", 2),
                "clusters": ("Polygon", 2), "redline_zones": ("Polygon", 1), "redline": ("Polygon", 1),
                "hubs": ("Point", 3), "product_flows": ("LineString", None)}  # None: one per product_flows.csv row
OTHER_FILES = ["capacity.csv", "costs.csv", "manifest.json", "map.png", "plan.csv", "plan.gpkg", "plan.qgs",
               "product_flows.csv", "raw_imports.csv", "report.html", "report.md", "stranded.csv", "targets.csv",
               "trade.csv"]
QGIS_STYLE_COLUMNS = ["id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                      "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"]
JSON_KIND = {"string": str, "real": float, "integer": int, "boolean": bool}
OGR_KIND = {"string": {"object", "str"}, "real": {"float64"}, "integer": {"int64", "int32"}, "boolean": {"bool"}}


@pytest.fixture(scope="module")
def small_runs(small_run: MadeRun, small_rerun: MadeRun) -> tuple[Path, Path]:
    """Two solves of the small scenario, each of its own copy of the inputs (conftest's
    `small_run` and `small_rerun`, solved once for the session; read-only)."""
    return small_run.out, small_rerun.out


@pytest.fixture(scope="module")
def small(small_runs: tuple[Path, Path]) -> Path:
    return small_runs[0]


@pytest.fixture(scope="module")
def shipped(shipped_first_node_run: MadeRun) -> Path:
    """The shipped scenario stopped after one branch-and-bound node: a real plan in seconds
    (conftest's `first_node_inputs`, solved once for the session; read-only)."""
    return shipped_first_node_run.out


def layer_names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.geojson"))


def parse_qml(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n")
    return ET.fromstring(text)


def signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def polygons_of(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def all_numbers(coords: object) -> list[float]:
    if isinstance(coords, (int, float)):
        return [float(coords)]
    return [n for c in coords for n in all_numbers(c)]  # type: ignore[union-attr]


# --- the folder ------------------------------------------------------------------------------

def test_every_layer_has_geojson_and_style_and_the_deliverables_exist(small: Path):
    names = sorted(SMALL_LAYERS)
    expected = sorted([f"{n}.geojson" for n in names] + [f"{n}.qml" for n in names] + OTHER_FILES + [".siting-run"])
    assert sorted(p.name for p in small.iterdir()) == expected
    assert json.loads((small / "manifest.json").read_text())["files"] == [n for n in expected if n != ".siting-run"]


# --- GeoJSON, RFC 7946 -----------------------------------------------------------------------

def check_geojson(path: Path) -> dict:
    """RFC 7946 in full, plus our promises: one geometry type, stable ids, one type per property."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["type"] == "FeatureCollection" and "crs" not in data, path.name
    features = data["features"]
    ids = [f["id"] for f in features]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids), path.name
    assert len({f["geometry"]["type"] for f in features}) <= 1, path.name
    for feature in features:
        numbers = all_numbers(feature["geometry"]["coordinates"])
        assert all(round(n, 6) == n for n in numbers), path.name
        assert all(-180 <= x <= 180 for x in numbers[0::2]) and all(-90 <= y <= 90 for y in numbers[1::2])
        for polygon in polygons_of(feature["geometry"]):
            assert signed_area(polygon[0]) > 0, f"{path.name} {feature['id']}: exterior ring not counter-clockwise"
            assert all(signed_area(hole) < 0 for hole in polygon[1:]), f"{path.name} {feature['id']}: hole"
    for key in (features[0]["properties"] if features else {}):
        kinds = {type(f["properties"][key]) for f in features if f["properties"][key] is not None}
        assert len(kinds) <= 1, f"{path.name}: property {key} has types {kinds}"
    return data


@pytest.mark.parametrize("folder_fixture", ["small", "shipped"])
def test_geojson_layers_follow_rfc7946_and_read_back_in_gdal(folder_fixture: str, request: pytest.FixtureRequest):
    folder: Path = request.getfixturevalue(folder_fixture)
    for name in layer_names(folder):
        path = folder / f"{name}.geojson"
        data = check_geojson(path)
        info = pyogrio.read_info(path)
        assert info["crs"] == "EPSG:4326"
        assert info["features"] == len(data["features"])
        if data["features"]:
            assert info["geometry_type"] == data["features"][0]["geometry"]["type"]


def test_small_layers_have_the_expected_types_and_counts(small: Path):
    for name, (geometry_type, count) in SMALL_LAYERS.items():
        features = json.loads((small / f"{name}.geojson").read_text())["features"]
        if count is None:
            count = len(pd.read_csv(small / f"{name}.csv"))
        assert len(features) == count, name
        assert {f["geometry"]["type"] for f in features} <= {geometry_type}, name


def test_product_flow_lines_end_exactly_at_the_site_hub_and_gateway_points(small: Path):
    """Each product flow is drawn from its start to its end point exactly as sites.geojson and
    hubs.geojson write them: the hubs at the clusters' hub_lon/hub_lat (102.25 and 103.25 E,
    24.75 N), the gateway at the scenario's 102.75 E, 24.75 N; one line per row of
    product_flows.csv, with its units (to whole units, 4 significant digits where finer) and road
    km (to 0.1 km) rounded from the CSV's 9 significant digits."""
    def features(name: str) -> list[dict]:
        return json.loads((small / f"{name}.geojson").read_text())["features"]

    hubs = {f["properties"]["node"]: f["geometry"]["coordinates"] for f in features("hubs")}
    assert hubs == {"west": [102.25, 24.75], "east": [103.25, 24.75], "gateway": [102.75, 24.75]}
    sites = {f["id"]: f["geometry"]["coordinates"] for f in features("sites")}
    end = {"site": sites, "hub": hubs, "gateway": hubs}
    lines = features("product_flows")
    rows = list(csv.DictReader(io.StringIO((small / "product_flows.csv").read_text())))
    assert len(lines) == len(rows) > 0  # no site of the small scenario lies at its hub
    for line, row in zip(lines, rows, strict=True):
        props = line["properties"]
        assert (props["kind"], props["from"], props["to"], props["product"], str(props["year"])) == (
            row["kind"], row["from"], row["to"], row["product"], row["year"])
        assert (props["units"], props["km"]) == (AMOUNT.round(float(row["units"])), MEASURE.round(float(row["km"])))
        assert props["km"] == round(props["km"], 1)
        start, stop = props["kind"].split("_to_")
        assert line["geometry"] == {"type": "LineString",
                                    "coordinates": [end[start][props["from"]], end[stop][props["to"]]]}
    assert {line["properties"]["kind"] for line in lines} == {"site_to_hub", "hub_to_site", "hub_to_hub",
                                                               "hub_to_gateway"}


def test_shipped_layers_promote_mixed_polygons_to_multipolygon(shipped: Path):
    types = {name: {f["geometry"]["type"] for f in json.loads((shipped / f"{name}.geojson").read_text())["features"]}
             for name in layer_names(shipped)}
    assert types == {"sites": {"Polygon"}, "flows": {"LineString"}, "sources": {"Point"},
                     "clusters": {"MultiPolygon"}, "redline_zones": {"MultiPolygon"}, "redline": {"MultiPolygon"},
                     "hubs": {"Point"}, "product_flows": {"LineString"}, "context": {"MultiPolygon"}}
    zones = json.loads((shipped / "redline_zones.geojson").read_text())["features"]
    assert [(z["id"], z["properties"]["kind"], z["properties"]["max_distance_m"]) for z in zones] == [
        ("buffer", "buffer", 1000.0), ("setback_1", "setback", 5000.0)]
    assert "fepo4" in id_items(zones[1]["properties"]["products"])


def test_polygon_holes_run_clockwise_and_exteriors_counter_clockwise():
    """A clockwise exterior with a counter-clockwise hole comes out the other way round."""
    shell = [(102.0, 25.0), (102.0, 25.1), (102.1, 25.1), (102.1, 25.0), (102.0, 25.0)]  # clockwise
    hole = [(102.02, 25.02), (102.08, 25.02), (102.08, 25.08), (102.02, 25.08), (102.02, 25.02)]  # ccw
    frame = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[shapely.Polygon(shell, [hole]), shapely.MultiPolygon(
        [shapely.Polygon(shell)])], crs="EPSG:4326")
    layer = make_layer("test", "test", frame, ["id"])
    assert layer.geometry_type == "MultiPolygon"
    rings = shapely.geometry.mapping(layer.frame.geometry.iloc[0])["coordinates"][0]
    assert signed_area(list(rings[0])) > 0 and signed_area(list(rings[1])) < 0


def test_sites_mixing_points_and_polygons_become_points_with_an_areas_layer():
    """The polygon site is written at its point on surface; its outline goes to site_areas."""
    square = shapely.Polygon([(102.0, 25.0), (102.1, 25.0), (102.1, 25.1), (102.0, 25.1)])
    frame = gpd.GeoDataFrame({"id": ["p", "q"], "name": ["P", "Q"], "cluster": ["c", "c"],
                              "status": ["built", "eligible_unused"]},
                             geometry=[shapely.Point(102.5, 25.5), square], crs="EPSG:4326")
    points, areas = split_mixed_sites(frame, "EPSG:32648")
    assert list(points.geom_type) == ["Point", "Point"]
    assert square.contains(points.geometry.iloc[1])
    assert areas is not None and list(areas["id"]) == ["q"]
    assert split_mixed_sites(frame.iloc[:1], "EPSG:32648")[1] is None


def test_a_property_keeps_one_type_even_when_the_input_mixes_them():
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "mixed": [1, "two"], "count": [1, 2]},
                             geometry=[shapely.Point(102, 25), shapely.Point(103, 25)], crs="EPSG:4326")
    layer = make_layer("test", "test", frame, ["id", "mixed", "count"])
    assert dict(layer.fields) == {"id": "string", "mixed": "string", "count": "integer"}
    assert list(layer.frame["mixed"]) == ["1", "two"]


# --- land and the red-line zones of the sites ------------------------------------------------

def test_sites_give_the_red_line_land_unchanged_and_the_committed_land_apart(small: Path):
    """Small scenario, by hand. e_city (30 ha, a point 0.8 degrees from the lake) keeps its 30 ha
    after the red line; its committed project (10,000 t/yr of LFP, at the 10 ha per 50,000 t of
    lfp_50kt) takes 2 ha, leaving 28 ha for new modules, of which the plan's two lfp_50kt take 20.
    w_mine: 4 fepo4_100kt (20 ha each) and 2 lfp_50kt fill its 100 ha. w_lake lies inside the
    lake's 1 km buffer: none of its 100 ha is left. e_far: one lfp_50kt and one cells_10gwh take
    10 + 20 of its 30 ha. Point sites lie partly in no zone: no overlap (0 ha, and 0 ha outside). The
    GeoPackage says the same."""
    sites = {f["id"]: f["properties"] for f in json.loads((small / "sites.geojson").read_text())["features"]}
    land = {s: tuple(p[f] for f in LAND_FIELDS) for s, p in sites.items()}
    assert land == {"w_mine": (100.0, 100.0, 0.0, 100.0, 100.0), "w_lake": (100.0, 0.0, 0.0, 0.0, 0.0),
                    "e_city": (30.0, 30.0, 2.0, 28.0, 20.0), "e_far": (30.0, 30.0, 0.0, 30.0, 30.0)}
    assert {tuple(p[f] for f in OVERLAP_FIELDS) for p in sites.values()} == {("", "", 0.0, 0.0)}
    with sqlite3.connect(small / "plan.gpkg") as db:
        rows = db.execute(f"SELECT id, {', '.join(LAND_FIELDS)} FROM sites ORDER BY fid").fetchall()
    assert {r[0]: r[1:] for r in rows} == land
    text = (small / "report.md").read_text(encoding="utf-8")
    assert ("| site | usable | after the red line | committed projects | left for new modules | new modules take |\n"
            "|---|---:|---:|---:|---:|---:|\n"
            "| West mine park | 100 | 100 | 0 | 100 | 100 |\n"
            "| East city | 30 | 30 | 2 | 28 | 20 |\n"
            "| East far | 30 | 30 | 0 | 30 | 30 |\n") in text
    assert "partly inside the red-line zone" not in text


UTM = "EPSG:32648"


def lakeside() -> tuple[SpatialResult, ModelInputs, RedlineSettings]:
    """A 1 x 1 km lake (x 500,000-501,000 m, y 2,750,000-2,751,000 m, UTM 48N) with a 100 m
    buffer and a 300 m setback for product s (p has none). Sites a and b are 1,000 x 600 m
    (60 ha drawn and usable) from x = 501,200 m, east of the lake: the setback's straight edge
    (x = 501,300 m) cuts a 100 x 600 m strip, 6 ha, off each; the buffer (x = 501,100 m) misses
    them. s keeps 60 x 54 / 60 = 54 ha, p all 60. a has a committed project taking 10 ha, so the
    model has 50 ha there (p 50, s 44). Site c is a point on the lake's shore."""
    rule = RedlineSettings(enabled=True, buffer_m=100.0, categories=None, setbacks_m={"s": {"lake": 300.0}})
    redline = gpd.GeoDataFrame({"id": ["lake"], "name": ["Lake"], "category": ["lake"]},
                               geometry=[shapely.box(500_000, 2_750_000, 501_000, 2_751_000)], crs=UTM)
    sites = gpd.GeoDataFrame({"id": ["a", "b", "c"], "cluster": ["k", "k", "k"], "kind": ["park"] * 3,
                              "gross_land_ha": [60.0, 60.0, 5.0]},
                             geometry=[shapely.box(501_200, 2_750_200, 502_200, 2_750_800),
                                       shapely.box(501_200, 2_750_100, 502_200, 2_750_700),
                                       shapely.Point(501_000, 2_750_500)], crs=UTM)
    land, zones = land_after_redline(sites, redline, ("p", "s"), rule)
    empty = gpd.GeoDataFrame({"id": []}, geometry=[], crs=UTM)
    spatial = SpatialResult(sites=sites, clusters=empty, sources=empty, redline=redline, land=land,
                            distance_km=pd.DataFrame(), zones=zones, dropped_sites=(), working_crs=UTM,
                            existing_columns={})
    after = {(str(s), str(p)): float(v) for s, p, v in zip(land["site"], land["product"],
                                                           land["land_after_redline_ha"], strict=True)}
    inputs = ModelInputs(
        YEARS=(2030,), SITES=("a", "b", "c"), CLUSTERS=("k",), PRODUCTS=("p", "s"),
        MODULES=(ModuleSpec("p1", "p", 10.0, 1.0, 0.0, 4.0), ModuleSpec("s1", "s", 10.0, 1.0, 0.0, 5.0)),
        CANDIDATES=tuple((s, p) for s in ("a", "b", "c") for p in ("p", "s")),
        cluster_of_site=dict.fromkeys(("a", "b", "c"), "k"), site_land_ha={"a": 50.0, "b": 60.0, "c": 5.0},
        land_after_redline_ha={k: max(0.0, v - 10.0) if k[0] == "a" else v for k, v in after.items()},
        REDLINE_EXCLUDED=frozenset({("c", "p"), ("c", "s")}), enabled_families=frozenset({"redline", "land"}))
    return spatial, inputs, rule


def lakeside_plan(builds: list[tuple[str, str, str, int]]) -> Plan:
    """A plan of `builds`: (site, product, module, modules) in 2030, 10 units/yr per module."""
    rows = [(s, "k", p, 2030, m, n, 10.0 * n, 1.0 * n) for s, p, m, n in builds]
    return Plan(pd.DataFrame(rows, columns=BUILD_COLUMNS), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(),
                pd.DataFrame(), tuple(dict.fromkeys(s for s, *_rest in builds)))


def test_a_site_partly_in_the_setback_of_a_product_it_builds_reports_the_overlap():
    """`lakeside`: a builds p and s, b only p. a's polygon has 6 ha inside s's setback (zone
    setback_1, lake 300 m); the plant of s must stand on the 54 ha outside. b lies as much in
    s's setback, but builds only p, whose buffer misses it: nothing to report. Land: a keeps its
    60 ha after the red line (the most over p and s), its committed project takes 10 ha, 50 ha
    are left for new modules, and 2 p1 (4 ha) and 3 s1 (5 ha) take 23 ha."""
    spatial, inputs, rule = lakeside()
    zones = redline_zones(spatial, inputs.PRODUCTS, rule)
    assert [(z.id, z.products, z.distances) for z in zones] == [("buffer", ("p",), (("lake", 100.0),)),
                                                                  ("setback_1", ("s",), (("lake", 300.0),))]
    plan = lakeside_plan([("a", "p", "p1", 2), ("a", "s", "s1", 3), ("b", "p", "p1", 1)])
    overlaps = zone_overlaps(spatial, inputs, plan, zones)
    assert list(overlaps) == ["a"]
    assert overlaps["a"] == ZoneOverlap("s", "lake 300 m", pytest.approx(6.0, abs=1e-6), pytest.approx(54.0, abs=1e-6))
    assert land_figures(spatial, inputs, plan)["a"] == {
        "usable_land_ha": 60.0, "land_after_redline_ha": 60.0, "land_committed_ha": 10.0, "land_free_ha": 50.0,
        "land_used_ha": 23.0}
    # Building s at b too: b reports its own 6 ha strip.
    more = zone_overlaps(spatial, inputs, lakeside_plan([("a", "p", "p1", 1), ("b", "s", "s1", 1)]), zones)
    assert list(more) == ["b"] and more["b"].products == "s" and round(more["b"].overlap_ha, 6) == 6.0
    frame = pd.DataFrame([{"id": "a", "status": "built", **land_figures(spatial, inputs, plan)["a"],
                           **overlaps["a"].fields()}])
    text = markdown(land_blocks(frame, {"a": "Lakeside park"}))
    assert text.endswith(
        "| Lakeside park | 60 | 60 | 10 | 50 | 23 |\n\n"
        "Built sites partly inside the red-line zone of a product they build (the model counts only the usable "
        "land outside the zone, in proportion to the area; the site's outline is not clipped):\n\n"
        "- Lakeside park: 6 ha of its area lie within the 300 m lake setback, the zone of S, which it builds; the "
        "plant must stand on the 54 ha outside the 300 m lake setback\n")


def test_delivered_fields_are_rounded_by_what_they_measure():
    """Figures as a GIS analyst reads them: road km 19.4967946 -> 19.5, units 2583.2636 -> 2583, land
    53.7833057 and 141.304618 ha -> 53.8 and 141.3, 888221.073 t -> 888221; a 1,450.7 m2
    overlap keeps 3 figures (0.145 ha), 2.51634 GWh 4 (2.516); money and text as they are."""
    assert [MEASURE.round(v) for v in (19.4967946, 53.7833057, 141.304618, 0.1450708, 0.0, -0.04)] == [
        19.5, 53.8, 141.3, 0.145, 0.0, -0.04]
    assert [AMOUNT.round(v) for v in (888221.073, 2583.2636, 2.51634, 1e-12)] == [888221.0, 2583.0, 2.516, 1e-12]
    assert Precision(0, 4).round(0.00004) == 0.00004 and Precision(1, 1).round(0.04) == 0.04
    assert {n: field_precision(n) for n in ("km", "gross_ha", "usable_land_ha", "units", "tonnes_2024",
                                            "shipped_t_2024", "on_site_t_2023", "supply_t_per_yr", "added_lfp_2024",
                                            "capacity_cells_2024", "capex_yuan", "max_distance_m", "area_km2")} == {
        "km": MEASURE, "gross_ha": MEASURE, "usable_land_ha": MEASURE, "units": AMOUNT, "tonnes_2024": AMOUNT,
        "shipped_t_2024": AMOUNT, "on_site_t_2023": AMOUNT, "supply_t_per_yr": AMOUNT, "added_lfp_2024": AMOUNT,
        "capacity_cells_2024": AMOUNT, "capex_yuan": None, "max_distance_m": None, "area_km2": None}
    frame = gpd.GeoDataFrame({"id": ["f"], "km": [19.4967946], "units": [2583.2636], "gross_ha": [141.304618],
                              "shipped_t_2024": [888221.073], "capex_yuan": [1234567891.23], "note_ha": ["1.23456"]},
                             geometry=[shapely.Point(102, 25)], crs="EPSG:4326")
    layer = make_layer("test", "test", frame, list(frame.columns.drop("geometry")))
    (feature,) = json.loads(feature_collection_text(layer))["features"]
    assert feature["properties"] == {"id": "f", "km": 19.5, "units": 2583.0, "gross_ha": 141.3,
                                     "shipped_t_2024": 888221.0, "capex_yuan": 1234567891.23, "note_ha": "1.23456"}


def test_shipped_layers_keep_sensible_precision(shipped: Path):
    """No land, km or amount in a shipped layer carries more figures than its precision."""
    for name in layer_names(shipped):
        for feature in json.loads((shipped / f"{name}.geojson").read_text())["features"]:
            for key, value in feature["properties"].items():
                precision = field_precision(key)
                if isinstance(value, float) and precision is not None:
                    assert value == precision.round(value), (name, feature["id"], key, value)


# --- GeoPackage ------------------------------------------------------------------------------

@pytest.mark.parametrize("folder_fixture", ["small", "shipped"])
def test_geopackage_holds_every_layer_as_the_geojson_does(folder_fixture: str, request: pytest.FixtureRequest):
    folder: Path = request.getfixturevalue(folder_fixture)
    gpkg = folder / "plan.gpkg"
    listed = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    names = layer_names(folder)
    assert set(listed) == {*names, "layer_styles"}
    assert listed["layer_styles"] is None
    with sqlite3.connect(gpkg) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert {r[0] for r in db.execute("SELECT DISTINCT last_change FROM gpkg_contents")} == {FIXED_TIMESTAMP}
    for name in names:
        info = pyogrio.read_info(gpkg, layer=name)
        geojson = json.loads((folder / f"{name}.geojson").read_text())
        features = geojson["features"]
        assert info["crs"] == "EPSG:4326"
        assert info["features"] == len(features)
        assert info["geometry_name"] == GEOMETRY_COLUMN
        kinds = kinds_of(folder, name)
        assert list(info["fields"]) == list(kinds)
        for field, dtype in zip(info["fields"], info["dtypes"], strict=True):
            assert dtype in OGR_KIND[kinds[field]], (name, field, dtype)
        if features:
            assert info["geometry_type"] == features[0]["geometry"]["type"]
            frame = pyogrio.read_dataframe(gpkg, layer=name)
            assert list(frame["id"]) == [f["id"] for f in features]
            first = shapely.geometry.mapping(frame.geometry.iloc[0])
            assert json.loads(json.dumps(first["coordinates"]).replace("(", "[").replace(")", "]")) == \
                features[0]["geometry"]["coordinates"]


def kinds_of(folder: Path, name: str) -> dict[str, str]:
    """Field kinds from the GeoJSON values (every layer here has at least one feature, or is flows
    or product_flows)."""
    features = json.loads((folder / f"{name}.geojson").read_text())["features"]
    if not features and name == "product_flows":
        return {"id": "string", "kind": "string", "from": "string", "to": "string", "product": "string",
                "year": "integer", "units": "real", "km": "real"}
    if not features:
        years = [2023, 2024]
        return {"id": "string", "source": "string", "site": "string", "resource": "string", "km": "real",
                **{f"tonnes_{y}": "real" for y in years}}
    kinds = {}
    for key in features[0]["properties"]:
        # The first non-null value; a field null everywhere (the small sites give no
        # position_uncertainty_km) has its declared kind.
        value = next((f["properties"][key] for f in features if f["properties"][key] is not None), None)
        kinds[key] = (next(k for k, t in JSON_KIND.items() if type(value) is t) if value is not None
                      else {"position_uncertainty_km": "real", "position_sensitive": "string",
                            "footprint_ha": "real"}[key])
    return kinds


@pytest.mark.parametrize("folder_fixture", ["small", "shipped"])
def test_layer_styles_table_gives_each_layer_its_default_style(folder_fixture: str,
                                                                 request: pytest.FixtureRequest):
    folder: Path = request.getfixturevalue(folder_fixture)
    with sqlite3.connect(folder / "plan.gpkg") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(layer_styles)")]
        rows = db.execute("SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
                          "styleQML, useAsDefault, update_time FROM layer_styles ORDER BY id").fetchall()
        registered = db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
        counted = db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'layer_styles'").fetchone()
    assert columns == QGIS_STYLE_COLUMNS
    assert registered == ("attributes",) and counted == (len(rows),)
    names = layer_names(folder)
    assert sorted(r[2] for r in rows) == names
    for catalog, schema, table, geometry_column, style_name, qml, default, updated in rows:
        assert (catalog, schema, geometry_column, style_name, default, updated) == (
            "", "", GEOMETRY_COLUMN, table, 1, FIXED_TIMESTAMP)
        assert qml == (folder / f"{table}.qml").read_text(encoding="utf-8")


# --- styles ----------------------------------------------------------------------------------

@pytest.mark.parametrize("folder_fixture", ["small", "shipped"])
def test_every_feature_falls_in_a_category_of_its_layer_style(folder_fixture: str, request: pytest.FixtureRequest):
    """Renderer type and classification field as designed; no feature left unstyled; legend
    labels that speak of sizes give their unit."""
    folder: Path = request.getfixturevalue(folder_fixture)
    for name in layer_names(folder):
        root = parse_qml((folder / f"{name}.qml").read_text(encoding="utf-8"))
        assert root.tag == "qgis" and root.get("version", "").startswith("3.")
        renderer = root.find("renderer-v2")
        assert renderer is not None
        expected_type, attribute = RENDERERS[name]
        assert renderer.get("type") == expected_type, name
        features = json.loads((folder / f"{name}.geojson").read_text())["features"]
        code = root.findtext("layerGeometryType")
        if features:
            kind = features[0]["geometry"]["type"].replace("Multi", "")
            assert code == {"Point": "0", "LineString": "1", "Polygon": "2"}[kind], name
        if attribute is None:
            continue
        assert renderer.get("attr") == attribute
        categories = renderer.findall("categories/category")
        values = {c.get("value") for c in categories}
        classes = (source_classes(pd.DataFrame([f["properties"] for f in features])) if name == "sources"
                   else [str(f["properties"][attribute]) for f in features])
        assert set(classes) <= values, name
        symbols = {s.get("name") for s in renderer.findall("symbols/symbol")}
        assert {c.get("symbol") for c in categories} == symbols
        for label in (c.get("label") or "" for c in categories):
            if "∝" in label:
                assert re.search(r"(bn yuan|t/yr)\)$", label), label


def test_sites_style_sizes_built_sites_by_capex_and_greys_exclusions(small: Path):
    """The built sites' circles scale to the largest capex of a site (plan.csv summed by site)."""
    top = float(pd.read_csv(small / "plan.csv").groupby("site")["capex_bn_yuan"].sum().max()) * 1e9
    root = parse_qml((small / "sites.qml").read_text(encoding="utf-8"))
    categories = {c.get("value"): c for c in root.findall("renderer-v2/categories/category")}
    assert list(categories) == ["built", "excluded_redline"]  # the statuses the small plan's sites have
    assert categories["built"].get("label").endswith("(pie slices: output value of the capacity added by product; "
                                                     f"pie area ∝ capex; largest {top / 1e9:.2f} bn yuan)")
    assert categories["excluded_redline"].get("label").startswith("Excluded: inside a buffered red-line zone")
    symbols = {s.get("name"): s for s in root.findall("renderer-v2/symbols/symbol")}
    built = symbols[categories["built"].get("symbol")]
    size = built.find(".//Option[@name='size']/Option[@name='expression']")
    assert size is not None and size.get("value") == f'scale_exp("capex_yuan", 0, {top:.6g}, 2, 14, 0.5)'
    grey = symbols[categories["excluded_redline"].get("symbol")]
    assert grey.find(".//Option[@name='color']").get("value") == "150,150,150,255"
    assert root.find("labeling/settings/text-style").get("fieldName") == "if(\"status\" = 'built', \"name\", '')"


def test_zones_are_hatched_and_flows_scale_by_tonnage(shipped: Path):
    zones = parse_qml((shipped / "redline_zones.qml").read_text(encoding="utf-8"))
    styles = [o.get("value") for o in zones.findall("renderer-v2/symbols/symbol/layer/Option/Option[@name='style']")]
    assert styles == ["no", "f_diagonal"]
    flows = parse_qml((shipped / "flows.qml").read_text(encoding="utf-8"))
    width = flows.find(".//Option[@name='outlineWidth']/Option[@name='expression']").get("value")
    assert width.startswith('scale_linear(max("tonnes_2022", "tonnes_2023", "tonnes_2024"), 0, ')
    clusters = parse_qml((shipped / "clusters.qml").read_text(encoding="utf-8"))
    assert clusters.get("labelsEnabled") == "1"
    assert clusters.find("labeling/settings/text-style").get("fieldName") == '"name"'


@pytest.mark.parametrize(("geometry_type", "symbol_type"), [("Point", "marker"), ("MultiPolygon", "fill")])
def test_comparison_diff_style_categorises_sites_by_change(geometry_type: str, symbol_type: str):
    root = parse_qml(diff_style(geometry_type))
    renderer = root.find("renderer-v2")
    assert (renderer.get("type"), renderer.get("attr")) == ("categorizedSymbol", "change")
    assert [c.get("value") for c in renderer.findall("categories/category")] == [
        "added", "removed", "resized", "options changed", "unchanged"]
    assert {s.get("type") for s in renderer.findall("symbols/symbol")} == {symbol_type}


# --- QGIS project ----------------------------------------------------------------------------

def test_qgis_project_opens_the_geopackage_layers_in_order(small: Path):
    root = ET.fromstring((small / "plan.qgs").read_text(encoding="utf-8"))
    order = [node.get("source") for node in root.findall("layer-tree-group/layer-tree-layer")]
    assert order == [f"./plan.gpkg|layername={n}" for n in
                     ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]]
    assert root.findtext("projectCrs/spatialrefsys/authid") == "EPSG:32648"
    assert root.findtext("properties/Paths/Absolute") == "false"
    for layer in root.findall("projectlayers/maplayer"):
        assert layer.findtext("datasource").startswith("./plan.gpkg|layername=")
        assert layer.find("renderer-v2") is not None
    extent = [float(root.findtext(f"mapcanvas/extent/{k}")) for k in ("xmin", "ymin", "xmax", "ymax")]
    assert extent[0] < extent[2] and extent[1] < extent[3]


# --- map and report --------------------------------------------------------------------------

@pytest.mark.parametrize("folder_fixture", ["small", "shipped"])
def test_map_is_the_expected_size_and_not_blank(folder_fixture: str, request: pytest.FixtureRequest):
    folder: Path = request.getfixturevalue(folder_fixture)
    image = matplotlib.image.imread(folder / "map.png")
    assert (image.shape[1], image.shape[0]) == PIXELS
    rgb = (image[:, :, :3] * 255).round().astype(np.uint8)
    assert (rgb != 255).any(axis=2).mean() > 0.10  # cluster fills, zones, markers, legend
    assert (rgb < 128).all(axis=2).mean() > 0.005  # dark ink: outlines and text
    quantised = (rgb // 16).astype(np.int32)
    colours = np.unique(quantised[:, :, 0] * 256 + quantised[:, :, 1] * 16 + quantised[:, :, 2])
    assert len(colours) > 20  # map, hatching, several marker colours, text


def test_report_gives_targets_capacity_costs_exclusions_and_provenance(small: Path):
    text = (small / "report.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#{1,2} (.+)$", text, flags=re.MULTILINE)
    assert headings == ["Plan report: small", "The plan at a glance", "Solve", "Targets against the plan",
                        "Capacity added by cluster and product (cumulative to 2024)", "What each cluster does",
                        "Cost breakdown (discounted)",
                        "Trade: imports and sales", "Why targets are overshot", "Capacity added without a target",
                        "Why targets fall short",
                        "Stranded capacity",
                        "What drives this plan", "Why here", "Sites", "Decisions within positional uncertainty",
                        "Red-line zones as buffered", "Data quality: what is assumed",
                        "How much of the red line the layer holds",
                        "Input provenance", "Files in this folder"]
    manifest = json.loads((small / "manifest.json").read_text())
    assert f"| objective (discounted) | {manifest['solver']['objective_yuan'] / 1e9:,.2f} bn yuan |" in text
    assert "| gap | 0.00% (tolerance 0.00%) |" in text
    targets = pd.read_csv(small / "targets.csv")
    cathode = targets.loc[targets["target"] == "cathode"].iloc[0]
    capacity = pd.read_csv(small / "capacity.csv")
    made = capacity.loc[(capacity["product"] == "lfp") & (capacity["year"] == 2024), "production"].sum()
    assert (f"| Cathode | t/yr | 2024 | 120,000 | {cathode['achieved']:,.0f} | {amount_text(made)} | 0 | met |"
            in text)
    # The cost table is costs.csv in words, each cost with its share of the gross cost (the components above
    # zero), then the gross cost, the sales revenue and the total, net of it (the objective), without a share.
    costs = pd.read_csv(small / "costs.csv")
    gross = float(costs.loc[(costs["component"] != "total") & (costs["cost_bn_yuan"] > 0), "cost_bn_yuan"].sum())
    for row in costs.itertuples(index=False):
        if row.component == "total":
            assert f"| total, net of sales revenue (the objective) | {row.cost_bn_yuan:,.2f} |  |" in text
        elif row.component == "sales":
            assert f"| {row.description} | {row.cost_bn_yuan:,.2f} |  |" in text
        else:
            assert f"| {row.description} | {row.cost_bn_yuan:,.2f} | {row.cost_bn_yuan / gross:.1%} |" in text, row
    assert f"| gross cost (the components above) | {gross:,.2f} | 100.0% |" in text
    assert costs["cost_bn_yuan"].iloc[-1] == pytest.approx(manifest["solver"]["objective_yuan"] / 1e9, rel=1e-8)
    # Trade and stranded capacity: every row of trade.csv and stranded.csv, or the sentence saying there is none;
    # hubs and clusters by their names in clusters.geojson (West, East), amounts as the layers give them.
    clusters = cluster_names(gpd.read_file(small / "clusters.geojson"))
    assert clusters == {"west": "West", "east": "East"}
    trade = pd.read_csv(small / "trade.csv")
    assert len(trade) > 0
    for row in trade.itertuples(index=False):
        assert (f"| {clusters[row.hub]} | {product_label(row.product)} | {row.unit} | {row.year} | "
                f"{amount_text(row.imports)} | {row.import_cost_bn_yuan:,.2f} | {amount_text(row.sales)} | "
                f"{row.revenue_bn_yuan:,.2f} |") in text
    stranded = pd.read_csv(small / "stranded.csv")
    sites = gpd.read_file(small / "sites.geojson")
    name = dict(zip(sites["id"], site_names(list(sites["name"]), list(sites["id"])), strict=True))
    for row in stranded.itertuples(index=False):
        assert (f"| {name[row.site]} | {clusters[row.cluster]} | {product_label(row.product)} | {row.unit} | "
                f"{row.year} | {amount_text(row.usable)} | {amount_text(row.production)} | {amount_text(row.idle)} | "
                f"{row.idle_share:.0%} | {row.reason} |") in text
    if stranded.empty:
        assert "No capacity stands idle: every site makes all its capacity allows" in text
    assert ("| West lakeside | w_lake | West | Excluded: inside a buffered red-line zone for every product | red line "
            "excludes FePO4, LFP, Cells |") in text
    assert f"| scenario | `scenario.yaml` | `{manifest['input_sha256']['scenario']}` |" in text
    assert "\nWhere each figure is measured. Working CRS: EPSG:32648 (WGS 84 / UTM zone 48N). Distances " in text
    for software in ("highs", "gdal", "proj", "geos"):
        assert f"| {software} | {manifest['versions'][software]} |" in text
    assert "![Map of the plan](map.png)" in text
    page = (small / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<img alt="Map of the plan" src="data:image/png;base64,' in page
    assert "<td>Cathode</td>" in page and str(small) not in text + page


# --- determinism -----------------------------------------------------------------------------

def test_every_output_but_the_run_timings_is_byte_identical_across_runs(small_runs: tuple[Path, Path]):
    first, second = small_runs
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        if name == "manifest.json":
            a, b = (json.loads((f / name).read_text()) for f in small_runs)
            a.pop("run")
            b.pop("run")
            assert a == b
        else:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- what the input layers say of themselves -------------------------------------------------

#: Text columns added to the small scenario's sites: `coord_confidence`, `status` (a name the
#: output's sites already have: it comes out as `input_status`) and `note` (null for e_far);
#: `rank` is a number, not carried.
PROVENANCE = {"w_mine": ("G ±1 km", "operating", "footprint drawn from the plan [1]", 1),
              "w_lake": ("G ±3 km", "planned", "ASSUMPTION: area of the lakeside park", 2),
              "e_city": ("P ±0.5 km", "operating", "surveyed [2]", 3),
              "e_far": ("G ±10 km", "proposed", None, 4)}
#: Two counties over the small scenario's clusters, split at 102.75 E, with the source of their outlines.
COUNTIES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": 1, "name": "Westshire", "source": "survey A"},
     "geometry": {"type": "Polygon", "coordinates": [[[101.9, 24.4], [102.75, 24.4], [102.75, 25.6], [101.9, 25.6],
                                                      [101.9, 24.4]]]}},
    {"type": "Feature", "properties": {"code": 2, "name": "Eastshire", "source": "survey B"},
     "geometry": {"type": "Polygon", "coordinates": [[[102.75, 24.4], [104.1, 24.4], [104.1, 25.6], [102.75, 25.6],
                                                      [102.75, 24.4]]]}}]}


def small_with_provenance(folder: Path) -> Path:
    """The small scenario in `folder` (a copy) with the sites' `PROVENANCE` columns, the
    `COUNTIES` as its context layer, and the two 10 km candidate cells of zone a
    (tests/test_candidate_scenario.py), which the plan builds on; returns the scenario file."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        confidence, status, note, rank = PROVENANCE[feature["properties"]["site_id"]]
        feature["properties"].update({"coord_confidence": confidence, "status": status, "note": note, "rank": rank})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "counties.geojson").write_text(json.dumps(COUNTIES), encoding="utf-8")
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text().replace(
        "  sources: {path: sources.geojson}\n",
        "  sources: {path: sources.geojson}\n  context: {path: counties.geojson, id_field: code}\n"))
    return with_cells(folder, "{cell_size_m: 10000, land_price_yuan_per_ha: 500000, allowed_zone: "
                              "{path: allowed.gpkg}}", {"a": ZONE_A})


@pytest.fixture(scope="module")
def described(provenance_run: MadeRun) -> Path:
    """`small_with_provenance`, solved: its output folder (conftest's `provenance_run`, solved
    once for the session; read-only)."""
    return provenance_run.out


def test_sites_carry_the_input_layers_text_columns_and_cells_leave_them_null(described: Path):
    """Every park has its coordinate confidence, note and input status (renamed, as `status` is
    the plan's); the built cells have null there; the number column `rank` is not carried. The
    GeoPackage has the same, as text fields."""
    sites = {f["id"]: f["properties"] for f in json.loads((described / "sites.geojson").read_text())["features"]}
    built = [c for c in CELLS_A if c in sites]
    assert list(sites) == [*PROVENANCE, *built] and built
    assert list(sites["w_mine"])[-3:] == ["coord_confidence", "input_status", "note"]
    assert "rank" not in sites["w_mine"]
    carried = {s: (p["coord_confidence"], p["input_status"], p["note"]) for s, p in sites.items()}
    assert carried == {**{s: v[:3] for s, v in PROVENANCE.items()}, **dict.fromkeys(built, (None, None, None))}
    assert sites["w_mine"]["status"] == "built" and sites["w_lake"]["status"] == "excluded_redline"
    info = pyogrio.read_info(described / "plan.gpkg", layer="sites")
    fields = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert [fields[f] for f in ("coord_confidence", "input_status", "note")] == ["object"] * 3
    with sqlite3.connect(described / "plan.gpkg") as db:
        rows = db.execute("SELECT id, coord_confidence, input_status, note FROM sites ORDER BY fid").fetchall()
    assert rows == [(s, *v) for s, v in carried.items()]  # NULL for the cells


def test_carried_fields_never_take_a_name_of_the_layer_or_the_geopackage():
    """`status` and `Status` are the layer's own (names compare without case), `fid` and `geom`
    the GeoPackage's, `added_by_2020` looks like a capacity field: each gets `input_`; so does
    `input_status`, whose name the renamed `Status` took first."""
    names = carried_names(["note", "Status", "fid", "geom", "added_by_2020", "input_status"],
                          ["id", "name", "status", "added_lfp_2024"], SITE_FIELD_PREFIXES)
    assert names == {"note": "note", "Status": "input_Status", "fid": "input_fid", "geom": "input_geom",
                     "added_by_2020": "input_added_by_2020", "input_status": "input_input_status"}


def test_the_context_layer_is_delivered_under_every_other_layer_in_grey(described: Path):
    """context.geojson and plan.gpkg's `context`: the two counties, ids as text, names and their
    source; its style (also in layer_styles) thin grey outlines labelled with the names in grey,
    of the lowest priority and no obstacle; the manifest lists both files."""
    features = json.loads((described / "context.geojson").read_text())["features"]
    assert [(f["id"], f["properties"]) for f in features] == [
        ("1", {"id": "1", "name": "Westshire", "source": "survey A"}),
        ("2", {"id": "2", "name": "Eastshire", "source": "survey B"})]
    assert {f["geometry"]["type"] for f in features} == {"Polygon"}
    assert [name for name, _kind in pyogrio.list_layers(described / "plan.gpkg")][-2:] == ["context", "layer_styles"]
    info = pyogrio.read_info(described / "plan.gpkg", layer="context")
    assert (info["features"], info["geometry_type"], list(info["fields"])) == (
        len(COUNTIES["features"]), "Polygon", ["id", "name", "source"])
    root = parse_qml((described / "context.qml").read_text(encoding="utf-8"))
    assert root.find("renderer-v2").get("type") == "singleSymbol"
    options = {o.get("name"): o.get("value") for o in root.findall("renderer-v2/symbols/symbol/layer/Option/Option")}
    assert (options["style"], options["outline_color"], options["outline_width"]) == ("no", "120,120,120,204", "0.18")
    text = root.find("labeling/settings/text-style")
    assert (text.get("fieldName"), text.get("textColor"), text.get("fontSize")) == ('"name"', "120,120,120,255", "7")
    assert root.find("labeling/settings/placement").get("priority") == "0"
    assert root.find("labeling/settings/rendering").get("obstacle") == "0"
    assert {"context.geojson", "context.qml"} <= set(json.loads((described / "manifest.json").read_text())["files"])


def test_shipped_sites_say_how_sure_their_place_is_and_the_counties_come_along(shipped: Path):
    """anning_caopu's coordinates are general knowledge to about 8 km (geodata/yunnan/sites.geojson),
    its usable area an assumption; plan.gpkg holds the 32 counties of the context layer."""
    sites = {f["id"]: f["properties"] for f in json.loads((shipped / "sites.geojson").read_text())["features"]}
    caopu = sites["anning_caopu"]
    assert (caopu["coord_confidence"], caopu["name_zh"], caopu["source"]) == (
        "G ±8 km", "安宁产业园区草铺片区", "[7][10][11][12][13][14][15][16][17][18]")
    assert caopu["note"].startswith("Footprint = the 21.3 km2 of new park area") and "ASSUMPTION" in caopu["note"]
    assert caopu["land_price_note"].startswith("ASSUMPTION: 20万 yuan/亩")
    counties = json.loads((SHIPPED.parent.parent / "geodata" / "yunnan" / "counties.geojson").read_text())
    assert pyogrio.read_info(shipped / "plan.gpkg", layer="context")["features"] == len(counties["features"]) == 32
