"""Which red-line and proximity decisions a site's positional uncertainty leaves open
(`siting.prepare.positions`), how the sites layer gives that uncertainty, and how the outputs say it.

The geometry cases are drawn in UTM 48N (metres) around the origin (X0, Y0), so every margin is a
difference of coordinates. The red line is one lake, a tall box 4 km wide (x from 10 to 14 km, y
from -20 to 20 km); products `a` and `b` keep the 1 km buffer, so their zone's west edge runs at
x = 9 km and its east edge at x = 15 km; product `c` has a 6 km lake setback, its zone's west edge
at x = 4 km and its east edge at x = 20 km. Sites are 1 km squares spanning y from -0.5 to 0.5 km,
far from the zones' rounded ends, so the nearest zone edge is a straight one:

    site   x (km)       zone a, b                          zone c
    near   7 to 8       outside, 9 - 8 = 1.0 km            inside, 7 - 4 = 3.0 km
    far    5 to 6       outside, 9 - 6 = 3.0 km            inside, 5 - 4 = 1.0 km
    deep   11.5 to 12.5 inside, min(2.5, 2.5) = 2.5 km     inside, min(7.5, 7.5) = 7.5 km
    edge   10 to 11     inside, min(1.0, 4.0) = 1.0 km     inside, min(6.0, 9.0) = 6.0 km
    half   8.5 to 9.5   partly inside (half its area), 0   inside, 8.5 - 4 = 4.5 km
    pt     the point (8, 5): outside, 1.0 km               inside, 8 - 4 = 4.0 km

A decision is sensitive when its margin is below the site's uncertainty (`UNCERTAINTY`).
Error messages are matched whole.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from models import ModelInputs
from siting.config.load import load_scenario
from siting.deliver.layers import plan_layers
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.layers import LayerSet, load_layers
from siting.prepare.positions import (
    BEYOND,
    INSIDE,
    OUTSIDE,
    PARTLY,
    PROXIMITY,
    RED_LINE,
    WITHIN,
    PositionCheck,
    PositionDecision,
    position_check,
    position_section,
    product_zones,
    proximity_decisions,
)
from siting.prepare.problem import prepare, redline_settings
from siting.prepare.spatial import RedlineSettings, SpatialResult, preprocess
from tests.conftest import edit, run_bad

ROOT = Path(__file__).resolve().parents[1]
UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_700_000.0
PRODUCTS = ("a", "b", "c")
RULE = RedlineSettings(enabled=True, buffer_m=1000.0, categories=None, setbacks_m={"c": {"lake": 6000.0}})


def square(x_km: float) -> shapely.Geometry:
    """A 1 km square from `x_km` to `x_km` + 1 east of X0, from 0.5 km south to 0.5 km north of Y0."""
    return box(X0 + x_km * 1000, Y0 - 500, X0 + (x_km + 1) * 1000, Y0 + 500)


SITES = {"near": square(7), "far": square(5), "deep": square(11.5), "edge": square(10), "half": square(8.5),
         "pt": Point(X0 + 8000, Y0 + 5000)}
#: km; `edge` gives none (null), so it is taken as exactly placed.
UNCERTAINTY = {"near": 2.0, "far": 2.0, "deep": 2.0, "edge": None, "half": 0.1, "pt": 1.5}


def spatial_case() -> SpatialResult:
    """The lake and the sites of the module docstring, preprocessed as a scenario's layers are."""
    layers = LayerSet(
        clusters=gpd.GeoDataFrame({"id": ["c1"]}, geometry=[box(X0 - 50_000, Y0 - 50_000, X0 + 50_000, Y0 + 50_000)],
                                  crs=UTM),
        sites=gpd.GeoDataFrame({"id": list(SITES), "usable_area_ha": [100.0] * len(SITES),
                                "position_uncertainty_km": [np.nan if v is None else v for v in UNCERTAINTY.values()]},
                               geometry=list(SITES.values()), crs=UTM),
        redline=gpd.GeoDataFrame({"id": ["lake"], "category": ["lake"]},
                                 geometry=[box(X0 + 10_000, Y0 - 20_000, X0 + 14_000, Y0 + 20_000)], crs=UTM),
        sources=gpd.GeoDataFrame({"id": [], "resource": [], "supply_t_per_yr": [], "status": []}, geometry=[],
                                 crs=UTM),
        existing_columns={},
    )
    return preprocess(layers, list(PRODUCTS), RULE, UTM, "error", 1.0)


def inputs_of(sites: tuple[str, ...], families: frozenset[str], **fields) -> ModelInputs:
    """A model input with only what the position check reads: sites, products, families, and the
    proximity data in `fields`."""
    return ModelInputs(YEARS=(2030,), SITES=sites, CLUSTERS=("c1",), PRODUCTS=PRODUCTS, MODULES=(), CANDIDATES=(),
                       cluster_of_site=dict.fromkeys(sites, "c1"), site_land_ha=dict.fromkeys(sites, 100.0),
                       land_after_redline_ha={}, enabled_families=families, **fields)


@pytest.fixture(scope="module")
def case() -> PositionCheck:
    spatial = spatial_case()
    return position_check(spatial, inputs_of(tuple(SITES), frozenset({"redline"})), RULE, 1.0)


def facts(decisions: tuple[PositionDecision, ...]) -> list[tuple[str, tuple[str, ...], str, float, bool]]:
    """(site, products, state, margin in km to 1e-6, sensitive) of each decision, in order."""
    return [(d.site, d.products, d.state, round(d.margin_km, 6), d.sensitive) for d in decisions]


# --- red line: margins on literal geometry ------------------------------------------------------


def test_red_line_margins_are_the_distances_to_the_zone_or_its_edge(case: PositionCheck):
    """The table of the module docstring, zone by zone for each site (a and b share the buffer
    zone); sensitive where the margin is below the uncertainty: near for a, b (1.0 < 2), far for
    c (1.0 < 2), half for a, b (partly inside, 0 < 0.1), pt for a, b (1.0 < 1.5); edge never (no
    uncertainty given), deep never (2.5 and 7.5 >= 2)."""
    assert facts(case.decisions) == [
        ("near", ("a", "b"), OUTSIDE, 1.0, True), ("near", ("c",), INSIDE, 3.0, False),
        ("far", ("a", "b"), OUTSIDE, 3.0, False), ("far", ("c",), INSIDE, 1.0, True),
        ("deep", ("a", "b"), INSIDE, 2.5, False), ("deep", ("c",), INSIDE, 7.5, False),
        ("edge", ("a", "b"), INSIDE, 1.0, False), ("edge", ("c",), INSIDE, 6.0, False),
        ("half", ("a", "b"), PARTLY, 0.0, True), ("half", ("c",), INSIDE, 4.5, False),
        ("pt", ("a", "b"), OUTSIDE, 1.0, True), ("pt", ("c",), INSIDE, 4.0, False),
    ]
    assert {d.subject for d in case.decisions} == {"lake 1000 m", "lake 6000 m"}
    assert case.uncertainty_km == {"near": 2.0, "far": 2.0, "deep": 2.0, "edge": 0.0, "half": 0.1, "pt": 1.5}
    assert case.not_given == ("edge",)


def test_inside_agrees_with_the_model_s_exclusion():
    """The sites found wholly inside a zone are those the spatial preprocessing excludes for its
    products (`inside_redline`): every site for c, deep and edge for a and b."""
    spatial = spatial_case()
    check = position_check(spatial, inputs_of(tuple(SITES), frozenset({"redline"})), RULE, 1.0)
    excluded = {(s, p) for s, p, v in zip(spatial.land["site"], spatial.land["product"], spatial.land["inside_redline"],
                                          strict=True) if v}
    found = {(d.site, p) for d in check.decisions if d.state == INSIDE for p in d.products}
    assert found == excluded == {*((s, "c") for s in SITES), *((s, p) for s in ("deep", "edge") for p in "ab")}


def test_the_zones_are_those_the_preprocessing_built():
    """The zone of each product is the very geometry of `spatial.zones` (not a rebuilt one)."""
    spatial = spatial_case()
    zones = product_zones(spatial, PRODUCTS, RULE)
    assert [(words, members) for words, _zone, members in zones] == [("lake 1000 m", ("a", "b")),
                                                                    ("lake 6000 m", ("c",))]
    built = list(spatial.zones.geometry)
    assert all(any(zone is g for g in built) for _words, zone, _members in zones)


def test_one_km_from_the_zone_is_sensitive_at_2_km_and_3_km_is_not(case: PositionCheck):
    """The brief's case in words, as each site's sites-layer text says it."""
    assert case.site_text("near") == "red line a, b (1.0 km outside the zone, ±2 km)"
    assert case.site_text("far") == "red line c (1.0 km inside the zone, ±2 km)"
    assert case.site_text("half") == "red line a, b (partly inside the zone, ±0.1 km)"
    assert case.site_text("pt") == "red line a, b (1.0 km outside the zone, ±1.5 km)"
    assert case.site_text("deep") == case.site_text("edge") == ""


def test_no_red_line_decision_when_the_rule_is_off():
    spatial = spatial_case()
    check = position_check(spatial, inputs_of(tuple(SITES), frozenset({"proximity"})), RULE, 1.0)
    assert check.decisions == ()


# --- proximity ---------------------------------------------------------------------------------

#: Road km of each arc: s1's nearest rock source is k1 at 78 km, s2's is k2 at 93 km; s3 has none.
ARC_KM = {("k1", "s1"): 78.0, ("k2", "s1"): 95.0, ("k1", "s2"): 120.0, ("k2", "s2"): 93.0}


def proximity_case() -> ModelInputs:
    """Products a (1 t of rock per unit) and b (none); rock limited to 80 road km."""
    return inputs_of(("s1", "s2", "s3"), frozenset({"proximity"}), RESOURCES=("rock",), SOURCES=("k1", "k2"),
                     resource_of_source={"k1": "rock", "k2": "rock"}, resource_t_per_unit={("a", "rock"): 1.0},
                     ARCS=tuple(ARC_KM), arc_km=ARC_KM, max_distance_km={"rock": 80.0})


def test_proximity_margin_is_the_road_km_to_the_limit_over_the_detour_factor():
    """Detour 1.3: s1 lies 80 - 78 = 2 road km within the limit, a shift of 2 / 1.3 = 1.538 km
    (sensitive at ±2 km); s2 lies 93 - 80 = 13 road km beyond it, 13 / 1.3 = 10 km (not at ±8 km,
    so at ±12 km); s3 has no rock source at all: beyond the limit wherever it lies, no decision."""
    found = proximity_decisions(proximity_case(), 1.3, {"s1": 2.0, "s2": 8.0, "s3": 50.0})
    assert [(d.site, d.rule, d.subject, d.products, d.state, round(d.margin_km, 6), d.sensitive) for d in found] == [
        ("s1", PROXIMITY, "rock", ("a",), WITHIN, round(2 / 1.3, 6), True),
        ("s2", PROXIMITY, "rock", ("a",), BEYOND, 10.0, False)]
    assert found[0].text() == ("proximity a (rock 78.0 road km, 2.0 road km within the 80 km limit (1.5 km straight), "
                               "±2 km)")
    assert [d.sensitive for d in proximity_decisions(proximity_case(), 1.3, {"s1": 1.5, "s2": 12.0, "s3": 0.0})] == [
        False, True]


# --- the report's section ----------------------------------------------------------------------


def test_the_section_lists_each_sensitive_decision_with_what_the_plan_does_there(case: PositionCheck):
    """near builds a (one of its decision's products), pt builds c only (other products), far and
    half nothing; edge gives no uncertainty and is named as taken as exact. Sites and products are
    named as the report's other tables name them (`names`, `products`), by id where not given."""
    section = position_section(case, [("near", "a"), ("pt", "c")], {"near": "Near park"}, {"a": "A1", "b": "B1"})
    assert section.rows == (
        ("Near park", RED_LINE, "A1, B1", "outside the zone", "1.0", "2", "builds A1"),
        ("far", RED_LINE, "c", "wholly inside the zone: excluded", "1.0", "2", "not built"),
        ("half", RED_LINE, "A1, B1", "partly inside the zone: land pro-rated", "0", "0.1", "not built"),
        ("pt", RED_LINE, "A1, B1", "outside the zone", "1.0", "1.5", "built, other products"))
    assert position_section(case, [("near", "a")]).rows[0] == (
        "near", RED_LINE, "a, b", "outside the zone", "1.0", "2", "builds a")
    section = position_section(case, [("near", "a"), ("pt", "c")], {"near": "Near park"})
    assert section.paragraphs[0].startswith("4 red-line or proximity decisions at 4 sites have a margin below the "
                                            "site's stated positional uncertainty")
    assert "could go the other way if the site were placed correctly: check the site on the ground" in (
        section.paragraphs[0])
    assert section.paragraphs[1] == "Sites without a `position_uncertainty_km` are taken as exactly placed: edge."
    lines = section.markdown_lines()
    assert lines[:2] == ["## Decisions within positional uncertainty", ""]
    assert lines[-5:] == [
        "|---|---|---|---|---:|---:|---|",
        "| Near park | red line | a, b | outside the zone | 1.0 | 2 | builds a |",
        "| far | red line | c | wholly inside the zone: excluded | 1.0 | 2 | not built |",
        "| half | red line | a, b | partly inside the zone: land pro-rated | 0 | 0.1 | not built |",
        "| pt | red line | a, b | outside the zone | 1.0 | 1.5 | built, other products |"]


def test_the_section_without_the_column_is_one_sentence():
    section = position_section(PositionCheck({"s1": 0.0}, ("s1",), ()), [])
    assert section.markdown_lines() == [
        "## Decisions within positional uncertainty", "",
        "The sites layer gives no `position_uncertainty_km`: every site's position is taken as exact, and no "
        "red-line or proximity decision is checked against it."]


# --- reading the column ---------------------------------------------------------------------------


def set_uncertainty(folder: Path, values: dict[str, object]) -> None:
    """Give the small scenario's sites `position_uncertainty_km` (site id -> value)."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        feature["properties"]["position_uncertainty_km"] = values[feature["properties"]["site_id"]]
    path.write_text(json.dumps(data))


def test_bad_uncertainties_are_errors_naming_the_feature(folder: Path, capsys):
    set_uncertainty(folder, {"w_mine": -1.5, "w_lake": "about 5 km", "e_city": "Infinity", "e_far": None})
    assert run_bad(folder, capsys) == (
        "error: 3 problems in the input:\n"
        "  - sites.geojson: field 'position_uncertainty_km' | not a number for the 2nd feature (site_id 'w_lake') "
        "(got 'about 5 km'); use a number\n"
        "  - sites.geojson: field 'position_uncertainty_km' | must be a finite number for the 3rd feature (site_id "
        "'e_city') (got 'Infinity'); use a number\n"
        "  - sites.geojson: field 'position_uncertainty_km' | negative for the 1st feature (site_id 'w_mine') (got "
        "-1.5); use a value >= 0\n")


def test_a_null_uncertainty_is_an_exact_position_and_a_shapefile_s_cut_name_is_read(folder: Path):
    """Null reads as NaN (exact); in a shapefile the field is cut to `position_u` and read by its
    whole name, with a notice."""
    set_uncertainty(folder, {"w_mine": 2, "w_lake": 3.5, "e_city": None, "e_far": 0})
    as_read = load_layers(load_scenario(folder / "scenario.yaml"))
    assert as_read.sites["position_uncertainty_km"].tolist()[:2] == [2.0, 3.5]
    assert np.isnan(as_read.sites["position_uncertainty_km"].iloc[2])
    frame = gpd.read_file(folder / "sites.geojson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes on the names it cuts
        frame.to_file(folder / "sites.shp", engine="pyogrio")
    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: sites.shp}")
    layers = load_layers(load_scenario(folder / "scenario.yaml"))
    assert "position_u" in gpd.read_file(folder / "sites.shp").columns
    assert layers.sites["position_uncertainty_km"].tolist()[:2] == [2.0, 3.5]
    assert any("'position_u' as 'position_uncertainty_km'" in n for n in layers.notices)


# --- the small scenario, solved: the sites layer's fields ----------------------------------------


def test_the_sites_layer_names_the_decisions_within_each_site_s_uncertainty(folder: Path):
    """w_lake (a point 3.0 km inside the 1 km lake buffer, whose nearest phosphate lies 8.0 road km
    within the 50 km limit, detour 1.0) at ±9 km has both decisions open; w_mine at ±2 km lies
    41 km from the zone and 47 km within the limit; e_city gives none (null in both fields: taken
    as exact, nothing checked)."""
    set_uncertainty(folder, {"w_mine": 2.0, "w_lake": 9.0, "e_city": None, "e_far": 10.0})
    prepared = prepare(folder / "scenario.yaml", {})
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    layers = plan_layers(prepared.layers, prepared.spatial, prepared.inputs, solved.plan,
                         redline_settings(prepared.loaded), positions=prepared.positions)
    sites = next(layer for layer in layers if layer.name == "sites")
    assert ("position_uncertainty_km", "real") in sites.fields and ("position_sensitive", "string") in sites.fields
    frame = sites.frame.set_index("id")
    assert frame["position_uncertainty_km"].to_dict() == {"w_mine": 2.0, "w_lake": 9.0, "e_city": None, "e_far": 10.0}
    assert frame["position_sensitive"].to_dict() == {
        "w_mine": "", "e_city": None, "e_far": "",
        "w_lake": "red line fepo4, lfp, cells (3.0 km inside the zone, ±9 km); proximity fepo4 (phosphate_rock 42.0 "
                  "road km, 8.0 road km within the 50 km limit (8.0 km straight), ±9 km)"}
    without = plan_layers(prepared.layers, prepared.spatial, prepared.inputs, solved.plan,
                          redline_settings(prepared.loaded))
    assert next(x for x in without if x.name == "sites").frame["position_sensitive"].tolist() == [None] * 4


def test_the_report_names_sites_and_products_as_its_other_tables_do(folder: Path, capsys):
    """The section of report.md gives West lakeside (not w_lake) and FePO4, LFP, Cells (not
    fepo4, lfp, cells), as the table of builds does (West mine park, FePO4); the plan builds
    nothing at West lakeside (3.0 km inside the 1 km lake buffer, 8.0 road km within the 50 km
    phosphate limit, both within its ±9 km)."""
    from siting.cli import main

    set_uncertainty(folder, {"w_mine": 2.0, "w_lake": 9.0, "e_city": None, "e_far": 10.0})
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out")])
    assert code == 0, capsys.readouterr().err
    report = (folder / "out" / "report.md").read_text()
    section = report.split("## Decisions within positional uncertainty\n", 1)[1].split("\n## ", 1)[0]
    assert [line for line in section.splitlines() if line.startswith("| West")] == [
        "| West lakeside | red line | FePO4, LFP, Cells | wholly inside the zone: excluded | 3.0 | 9 | not built |",
        "| West lakeside | proximity | FePO4 | within the limit | 8.0 | 9 | not built |"]
    assert "| West mine park | FePO4 | " in report.split("## Decisions within positional uncertainty", 1)[0]


# --- the shipped scenario ------------------------------------------------------------------------

FEPO4_GROUP = ("fepo4", "li2co3", "ncm_precursor", "electrolyte")  # 5 km lake setbacks
LFP_GROUP = ("lfp", "ncm", "anode", "separator", "copper_foil", "cells", "recycling")  # the 1 km buffer only


@pytest.fixture(scope="module")
def shipped() -> tuple[PositionCheck, SpatialResult, RedlineSettings, tuple[str, ...]]:
    prepared = prepare(ROOT / "scenarios" / "yunnan_2024.yaml", {})
    return prepared.positions, prepared.spatial, redline_settings(prepared.loaded), prepared.inputs.PRODUCTS


def test_the_shipped_scenario_flags_five_sites_by_lakes(shipped):
    """Every shipped site gives its uncertainty (±5 to ±8 km; Jiangchuan ±6.5, its footprint shifted
    1.5 km). Five sites near the plateau lakes have red-line decisions within it: Chenggong and the
    Kunming ETDZ by Dianchi, Jiangchuan and Tonghai, whose footprints lie partly inside the 1 km
    buffer of their lakes' protection zones and wholly inside the 5 km setbacks, and Huaning, 4.6 km
    from a setback at ±5 km. No proximity decision is within its site's uncertainty: the nearest
    misses are Huaning and Tonghai, 6.5 and 6.6 road km beyond the 80 km phosphate limit, 5.02 and
    5.09 km straight at ±5 km."""
    check = shipped[0]
    assert check.not_given == () and set(check.uncertainty_km.values()) == {5.0, 6.0, 6.5, 8.0}
    assert [(d.site, d.rule, d.products, d.state, round(d.margin_km, 2), d.uncertainty_km)
            for d in check.sensitive] == [
        ("chenggong", RED_LINE, FEPO4_GROUP, PARTLY, 0.0, 8.0),
        ("chenggong", RED_LINE, LFP_GROUP, OUTSIDE, 1.54, 8.0),
        ("kunming_etdz", RED_LINE, FEPO4_GROUP, OUTSIDE, 1.44, 6.0),
        ("kunming_etdz", RED_LINE, LFP_GROUP, OUTSIDE, 4.85, 6.0),
        ("huaning", RED_LINE, FEPO4_GROUP, OUTSIDE, 4.61, 5.0),
        ("jiangchuan", RED_LINE, FEPO4_GROUP, INSIDE, 2.56, 6.5),
        ("jiangchuan", RED_LINE, LFP_GROUP, PARTLY, 0.0, 6.5),
        ("tonghai", RED_LINE, FEPO4_GROUP, INSIDE, 2.34, 5.0),
        ("tonghai", RED_LINE, LFP_GROUP, PARTLY, 0.0, 5.0)]
    near_misses = {d.site: round(d.margin_km, 2) for d in check.decisions
                   if d.rule == PROXIMITY and not d.sensitive and d.margin_km < 5.2}
    assert near_misses == {"huaning": 5.02, "tonghai": 5.09}


def test_the_shipped_margins_hold_against_the_zones(shipped):
    """Each flagged margin checked another way, by buffering the site: a site outside its zone
    buffered by 50 m less than its margin stays clear of the zone and by 50 m more reaches it; a
    site wholly inside buffered by 50 m less stays inside and by 50 m more reaches out; a site
    partly inside has area both in and out of the zone."""
    check, spatial, rule, products = shipped
    zone_of = {words: zone for words, zone, _members in product_zones(spatial, products, rule)}
    geometry = dict(zip(spatial.sites["id"], spatial.sites.geometry, strict=True))
    for d in check.sensitive:
        site, zone = geometry[d.site], zone_of[d.subject]
        less, more = shapely.buffer(site, d.margin_km * 1000 - 50), shapely.buffer(site, d.margin_km * 1000 + 50)
        if d.state == OUTSIDE:
            assert not less.intersects(zone) and more.intersects(zone), d
        elif d.state == INSIDE:
            assert less.within(zone) and not more.within(zone), d
        else:
            assert site.intersection(zone).area > 1e4 and site.difference(zone).area > 1e4, d
