"""Settings that would change the plan without a word: a usable-area field or an existing-capacity
prefix the scenario names but the sites layer lacks, and a proximity limit far beyond every
distance it could bind.

A field or prefix the scenario sets is required (exit 2, the file, the setting and the layer's
columns named); left at its default and absent, it is legal, and said in a notice where it
changes the plan (polygon sites then use their drawn areas). The small scenario's sites are
points; `as_squares` redraws them as polygons. Messages are matched whole."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest

from siting.prepare.problem import prepare
from tests.conftest import edit, run_bad

# `folder` (a copy of the small scenario), `edit` and `run_bad` are in tests/conftest.py.

SITES = "sites: {path: sites.geojson}"
UTM = "EPSG:32648"
#: The small sites layer's columns, as a missing field's problem lists them.
COLUMNS = "site_id, name, usable_area_ha, existing_lfp, land_price_yuan_per_ha, power_tariff_yuan_per_kwh"


def change_sites(folder: Path, change) -> None:
    """Apply `change(feature)` to every feature of the small scenario's sites layer."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        change(feature)
    path.write_text(json.dumps(data))


def as_squares(feature: dict) -> None:
    """Redraw a point site as the 0.01 degree square around it."""
    x, y = feature["geometry"]["coordinates"]
    d = 0.005
    feature["geometry"] = {"type": "Polygon", "coordinates": [[[x - d, y - d], [x + d, y - d], [x + d, y + d],
                                                              [x - d, y + d], [x - d, y - d]]]}


def without(name: str):
    """A change removing the property `name` of a feature."""
    return lambda feature: feature["properties"].pop(name)


# --- 1. usable_area_field ---------------------------------------------------------------------


def test_a_usable_area_field_the_scenario_names_must_be_in_the_layer(folder: Path, capsys):
    """Polygon sites could use their drawn area, but the scenario named the field: a misspelt
    name would quietly replace every site's usable land by its drawn polygon."""
    change_sites(folder, as_squares)
    edit(folder / "scenario.yaml", SITES, "sites: {path: sites.geojson, usable_area_field: usable_area}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - sites.geojson: field 'usable_area' | missing from the sites layer (has: {COLUMNS}); did you mean "
        "'usable_area_ha'? set layers.sites.usable_area_field: usable_area_ha, or add the field 'usable_area'\n")


def test_a_usable_area_field_named_for_point_sites_is_refused_the_same_way(folder: Path, capsys):
    edit(folder / "scenario.yaml", SITES, "sites: {path: sites.geojson, usable_area_field: area_ha}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - sites.geojson: field 'area_ha' | missing from the sites layer (has: {COLUMNS}); did you mean "
        "'usable_area_ha'? set layers.sites.usable_area_field: usable_area_ha, or add the field 'area_ha'\n")


def test_polygon_sites_without_the_default_field_use_their_drawn_areas_with_a_notice(folder: Path):
    """No `usable_area_ha` and no usable_area_field: each square's drawn area (about 112 ha, measured
    on the WGS84 ellipsoid) is its usable land, and a notice says so once for the layer."""
    change_sites(folder, lambda f: (as_squares(f), f["properties"].pop("usable_area_ha")))
    prepared = prepare(folder / "scenario.yaml", {})
    assert ("sites.geojson: field 'usable_area_ha' is missing from the sites layer: the drawn polygons' areas are "
            "used as usable land for every site (set layers.sites.usable_area_field to read usable areas from "
            "another field)") in prepared.notices
    assert not any("is empty for" in n for n in prepared.notices)
    drawn = gpd.read_file(folder / "sites.geojson")
    assert drawn.crs == "EPSG:4326"
    geod = pyproj.Geod(ellps="WGS84")
    expected = {i: abs(geod.geometry_area_perimeter(g)[0]) / 1e4 for i, g in zip(drawn["site_id"], drawn.geometry,
                                                                                 strict=True)}
    land = dict(zip(prepared.spatial.sites["id"], prepared.spatial.sites["gross_land_ha"], strict=True))
    assert land == pytest.approx(expected, rel=1e-6)
    assert min(land.values()) > 110 and max(land.values()) < 114


def test_polygon_sites_whose_usable_area_field_is_empty_everywhere_say_so(folder: Path):
    """The column is there but null at every site: the drawn areas are used, said once for the
    layer (not as a list of every feature)."""
    def emptied(feature: dict) -> None:
        as_squares(feature)
        feature["properties"]["usable_area_ha"] = None

    change_sites(folder, emptied)
    notices = prepare(folder / "scenario.yaml", {}).notices
    assert [n for n in notices if "usable_area_ha" in n] == [
        "sites.geojson: field 'usable_area_ha' is empty for every site: the drawn polygons' areas are used as usable "
        "land for every site"]


def test_point_sites_without_the_default_field_are_still_an_error(folder: Path, capsys):
    """A point has no drawn area: its usable land must be given (the rule as it was)."""
    change_sites(folder, without("usable_area_ha"))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'usable_area_ha' | missing; point sites need their usable area in ha (polygon "
        "sites may use their drawn area); add it, or set layers.sites.usable_area_field to the field that holds it\n")


def test_polygon_sites_with_the_default_field_give_no_notice(folder: Path):
    change_sites(folder, as_squares)
    prepared = prepare(folder / "scenario.yaml", {})
    assert not any("usable_area_ha" in n for n in prepared.notices)
    assert list(prepared.spatial.sites["gross_land_ha"]) == [100.0, 100.0, 30.0, 30.0]


# --- 2. existing_prefix -----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["exist_", "Existing_"])
def test_a_prefix_that_matches_no_column_is_refused_with_the_default_it_is_like(folder: Path, capsys, prefix: str):
    """With `exist_` (or `Existing_`) every site's existing capacity (East city's 20,000 t of LFP)
    would quietly be 0, while `existing_lfp` stands in the layer."""
    edit(folder / "scenario.yaml", SITES, f"sites: {{path: sites.geojson, existing_prefix: {prefix}}}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - sites.geojson: layers.sites.existing_prefix '{prefix}' | matches no column of the sites layer (has: "
        f"{COLUMNS}); did you mean 'existing_'?\n")


def test_a_prefix_like_no_column_is_refused_with_the_fix(folder: Path, capsys):
    change_sites(folder, without("existing_lfp"))
    edit(folder / "scenario.yaml", SITES, "sites: {path: sites.geojson, existing_prefix: cap_}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: layers.sites.existing_prefix 'cap_' | matches no column of the sites layer (has: site_id, "
        "name, usable_area_ha, land_price_yuan_per_ha, power_tariff_yuan_per_kwh); give the prefix of the columns "
        "<prefix><product> that hold existing capacity, or leave existing_prefix out for a layer without existing "
        "capacity\n")


def test_a_prefix_named_after_another_product_column_suggests_its_prefix(folder: Path, capsys):
    """Columns `cap_lfp`: the prefix of a column ending in a catalog product is offered."""
    change_sites(folder, lambda f: f["properties"].update(cap_lfp=f["properties"].pop("existing_lfp")))
    edit(folder / "scenario.yaml", SITES, "sites: {path: sites.geojson, existing_prefix: capa_}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: layers.sites.existing_prefix 'capa_' | matches no column of the sites layer (has: site_id, "
        "name, usable_area_ha, land_price_yuan_per_ha, power_tariff_yuan_per_kwh, cap_lfp); did you mean 'cap_'?\n")


def test_a_prefix_the_scenario_sets_reads_its_columns(folder: Path):
    change_sites(folder, lambda f: f["properties"].update(cap_lfp=f["properties"].pop("existing_lfp")))
    edit(folder / "scenario.yaml", SITES, "sites: {path: sites.geojson, existing_prefix: cap_}")
    prepared = prepare(folder / "scenario.yaml", {})
    assert prepared.layers.existing_columns == {"lfp": "cap_lfp"}
    assert prepared.inputs.existing_capacity_units_per_yr == {("e_city", "lfp"): 20000.0}


def test_the_default_prefix_matching_no_column_is_a_layer_without_existing_capacity(folder: Path):
    change_sites(folder, without("existing_lfp"))
    prepared = prepare(folder / "scenario.yaml", {})
    assert prepared.layers.existing_columns == {}
    assert prepared.inputs.existing_capacity_units_per_yr == {}
    assert not any("existing" in n for n in prepared.notices)


def test_a_shapefile_s_cut_existing_columns_count_for_the_prefix(folder: Path, capsys):
    """A shapefile keeps `existing_l` of `existing_lfp`: the prefix `existing_` set in the
    scenario reads it by its whole name; `exist_` is refused, offering the default."""
    frame = gpd.read_file(folder / "sites.geojson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes on the names it cuts
        frame.to_file(folder / "sites.shp", engine="pyogrio")
    edit(folder / "scenario.yaml", SITES, "sites: {path: sites.shp, existing_prefix: existing_}")
    prepared = prepare(folder / "scenario.yaml", {})
    assert prepared.layers.existing_columns == {"lfp": "existing_lfp"}
    edit(folder / "scenario.yaml", "existing_prefix: existing_", "existing_prefix: exist_")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.shp: layers.sites.existing_prefix 'exist_' | matches no column of the sites layer (has: site_id, "
        "name, usable_are, existing_l, land_price, power_tari); did you mean 'existing_'?\n")


# --- 3. a proximity limit beyond every distance ------------------------------------------------

#: The farthest site from the one producing phosphate source (rock_w at 102.12, 24.62) is e_far,
#: 139.37 road km away (the geodesic on the ellipsoid, detour factor 1.0); 10 times that is 1,393.7 km.
FARTHEST_KM = 139.37442235849574


def limit_notices(folder: Path, limit: str) -> list[str]:
    edit(folder / "scenario.yaml", "phosphate_rock: 50}", f"phosphate_rock: {limit}}}")
    prepared = prepare(folder / "scenario.yaml", {})
    assert max(prepared.inputs.arc_km.values()) == pytest.approx(FARTHEST_KM, abs=1e-9)
    return [n for n in prepared.notices if "constraints.proximity" in n]


def test_a_limit_in_metres_typed_for_km_is_named_in_a_notice(folder: Path):
    """In the `file:line: key | ...` form of the other slips of unit (siting/config/load.py
    `buffer_slip_notices`); before, `key: 80,000 km is beyond ...; was it meant in metres?`."""
    assert limit_notices(folder, "80000") == [
        "scenario.yaml:23: constraints.proximity.max_distance_km.phosphate_rock | beyond every site's distance to a "
        "phosphate_rock source, so the rule excludes nothing (got 80,000, in km; the farthest is 139.4 km): given in "
        "m? 80,000 m is written 80; or leave it if 80,000 km is meant"]


def test_a_limit_just_over_ten_times_the_farthest_distance_is_named(folder: Path):
    assert limit_notices(folder, "1395") == [
        "scenario.yaml:23: constraints.proximity.max_distance_km.phosphate_rock | beyond every site's distance to a "
        "phosphate_rock source, so the rule excludes nothing (got 1,395, in km; the farthest is 139.4 km): given in "
        "m? 1,395 m is written 1.395; or leave it if 1,395 km is meant"]


@pytest.mark.parametrize("limit", ["50", "200", "1393"])
def test_a_binding_or_moderately_loose_limit_gives_no_notice(folder: Path, limit: str):
    assert limit_notices(folder, limit) == []


def test_no_notice_while_the_proximity_rule_is_off(folder: Path):
    edit(folder / "scenario.yaml", "  proximity:\n", "  proximity:\n    enabled: false\n")
    assert limit_notices(folder, "80000") == []


# --- hubs ---------------------------------------------------------------------------------------


def test_a_clusters_layer_with_one_hub_coordinate_is_refused(folder: Path, capsys):
    """hub_lon without hub_lat: every hub would have fallen back on a point inside its cluster,
    moving every site-to-hub distance, without a word."""
    path = folder / "clusters.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        feature["properties"].pop("hub_lat")
    path.write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - clusters.geojson: field 'hub_lat' | missing from the clusters layer, which has 'hub_lon': a hub needs "
        "both coordinates; add it or set layers.clusters.hub_lat_field to the right field name, or remove both to "
        "place each hub at a point inside its cluster\n")
