"""Typos and quiet readings in the input layers and the catalog, each said with its fix.

Empty existing capacity (null or NaN) is none, said in a notice; a misspelt red-line category
one edit from a named one (`laek` for `lake`) is refused with "did you mean", and one unlike
every named category is left out naming its polygons; a repaired polygon's note gives its area
as drawn and repaired; an empty layer names how to do without it; and a resource misspelt in
the catalog is never suggested to the scenario. Messages are matched whole.
"""

from __future__ import annotations

import difflib
import json
import math
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.words import close_match, one_edit_apart
from siting.prepare.layers import CATEGORY_LIKENESS, RESOURCE_LIKENESS
from siting.prepare.problem import load_checked
from tests.conftest import edit, run_bad


def set_property(path: Path, index: int, key: str, value: object) -> None:
    """Set property `key` of the `index`-th feature of a GeoJSON file (a float NaN is written
    as the bare token `NaN`, which GDAL reads)."""
    data = json.loads(path.read_text())
    data["features"][index]["properties"][key] = value
    path.write_text(json.dumps(data))


def add_polygon(folder: Path, zone_id: str, name: str, category: str, ring: list[list[float]]) -> None:
    """Add a red-line polygon to the small scenario's layer."""
    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["features"].append({"type": "Feature", "properties": {"zone_id": zone_id, "name": name,
                                                               "category": category},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps(data))


def problems_of(folder: Path) -> list[str]:
    """The problems of loading the small scenario, its folder taken out of them."""
    with pytest.raises(InputError) as raised:
        load_checked(folder / "scenario.yaml")
    return [p.replace(f"{folder}/", "") for p in raised.value.problems]


# --- 1. existing capacity left empty -----------------------------------------------------------


@pytest.mark.parametrize("value", [None, math.nan], ids=["null", "NaN"])
def test_an_empty_existing_capacity_is_none_said_in_a_notice(folder: Path, value: object):
    """e_city, the 3rd site, has 20,000 t/yr of LFP; left empty (null, or the NaN token, which
    GDAL reads as null), it has none, and a notice names the site and the fix."""
    set_property(folder / "sites.geojson", 2, "existing_lfp", value)
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert list(layers.sites["existing_lfp"]) == [0.0, 0.0, 0.0, 0.0]
    assert layers.notices == [
        "sites.geojson: field 'existing_lfp' is empty (null or NaN) for the 3rd feature (site_id 'e_city'): read "
        "as no existing lfp capacity (0); write 0 there to say so, or the capacity in production"]


def test_an_existing_capacity_column_empty_at_every_site_is_said_once(folder: Path):
    for index in range(4):
        set_property(folder / "sites.geojson", index, "existing_lfp", None)
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert layers.notices == [
        "sites.geojson: field 'existing_lfp' is empty (null or NaN) for every site: read as no existing lfp "
        "capacity (0); write 0 there to say so, or the capacity in production"]


def test_an_explicit_zero_existing_capacity_gives_no_notice(folder: Path):
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert list(layers.sites["existing_lfp"]) == [0.0, 0.0, 20_000.0, 0.0]
    assert layers.notices == []


# --- 2. typos: one edit apart ------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b", "apart"), [
    ("laek", "lake", True),       # two neighbours swapped
    ("lak", "lake", True),        # a letter dropped
    ("lakes", "lake", True),      # a letter added
    ("lame", "lake", True),       # a letter changed
    ("lake", "lake", False),      # the same
    ("lkea", "lake", False),      # two swaps
    ("kale", "lake", False),      # letters swapped that are not neighbours
    ("la", "lake", False),        # two letters dropped
])
def test_one_edit_apart(a: str, b: str, apart: bool):
    assert one_edit_apart(a, b) is apart
    assert one_edit_apart(b, a) is apart


@pytest.mark.parametrize(("value", "known", "likeness", "found"), [
    ("laek", ["lake", "nature_reserve"], CATEGORY_LIKENESS, "lake"),     # 0.75 alike, one swap
    ("LAEK", ["lake"], CATEGORY_LIKENESS, "lake"),                       # letter case aside
    ("lakeside_zone", ["lake_buffer_zone"], CATEGORY_LIKENESS, None),    # 0.69 alike, many edits
    ("b", ["a"], CATEGORY_LIKENESS, None),                               # one letter is a whole name
    ("ab", ["ba"], CATEGORY_LIKENESS, None),                             # so are two
    ("zone_a", ["zone_b", "zone_c"], CATEGORY_LIKENESS, None),           # 0.83 alike, but zones of their own
    ("phosphate_rok", ["lithium_clay", "phosphate_rock"], RESOURCE_LIKENESS, "phosphate_rock"),
])
def test_close_match_takes_a_short_word_s_slip_for_a_typo(value: str, known: list[str], likeness: float,
                                                         found: str | None):
    assert close_match(value, known, likeness) == found


@pytest.mark.parametrize(("value", "known", "likeness"), [
    ("lak", ["lake", "lakeside_zone"], CATEGORY_LIKENESS),
    ("lake_bufer_zone", ["lakeside_zone", "lake_buffer_zone"], CATEGORY_LIKENESS),
    ("phosphate", ["phosphate_rock", "lithium_clay"], RESOURCE_LIKENESS),
    ("copper_conc", ["copper", "copper_concentrate"], RESOURCE_LIKENESS),
    ("exist_", ["existing_", "capacity_"], 0.0),
])
def test_close_match_finds_what_difflib_finds(value: str, known: list[str], likeness: float):
    """Where difflib's ratio finds a name, close_match finds the same one: the one-edit rule
    only adds matches."""
    expected = difflib.get_close_matches(value, known, n=1, cutoff=likeness)
    assert expected
    assert close_match(value, known, likeness) == expected[0]


def test_a_red_line_category_one_swap_from_a_named_one_is_refused(folder: Path, capsys):
    """The scenario names `lake` (categories: [lake]); a second lake written `laek` (0.75 alike,
    below CATEGORY_LIKENESS, but one swap apart) would quietly be left out of the rule."""
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}", "  redline: {buffer_m: 1000, categories: [lake]}")
    add_polygon(folder, "pond", "Pond of the east", "laek",
                [[103.5, 25.5], [103.52, 25.5], [103.52, 25.52], [103.5, 25.52], [103.5, 25.5]])
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: field 'category' | a category constraints.redline does not name, in the 2nd feature "
        "(zone_id 'pond', name 'Pond of the east') (got 'laek'); did you mean 'lake'? (a category of its own is "
        "named in constraints.redline.categories)\n")


def test_a_category_unlike_every_named_one_is_left_out_naming_its_polygons(folder: Path):
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}", "  redline: {buffer_m: 1000, categories: [lake]}")
    ring = [[103.5, 25.5], [103.52, 25.5], [103.52, 25.52], [103.5, 25.52], [103.5, 25.5]]
    add_polygon(folder, "moor", "Upland moor", "wetland", ring)
    add_polygon(folder, "fen", "fen", "wetland", ring)
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert layers.notices == [
        "redline.geojson: red-line category 'wetland' is not in constraints.redline.categories: the rule leaves out "
        "its polygons, the 2nd feature (zone_id 'moor', name 'Upland moor') and the 3rd (zone_id 'fen'); name it "
        "there for the rule to count them"]


def test_a_named_category_like_the_layer_s_says_either_may_be_misspelt(folder: Path, capsys):
    """The layer's one lake is written `laek`: the scenario's `lake` is unknown to it, and the
    misspelling may be on either side."""
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}", "  redline: {buffer_m: 1000, categories: [lake]}")
    set_property(folder / "redline.geojson", 0, "category", "laek")
    line = (folder / "scenario.yaml").read_text().splitlines().index(
        "  redline: {buffer_m: 1000, categories: [lake]}") + 1
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        f"  - scenario.yaml:{line}: constraints.redline.categories | unknown red-line category (got 'lake'); did you "
        "mean 'laek'? (if 'laek' is the misspelling, correct it in redline.geojson)\n")


# --- 3. repaired polygons: their areas ---------------------------------------------------------


def test_a_repair_note_gives_each_polygon_s_area_as_drawn_and_repaired(folder: Path):
    """Two 0.04 degree squares at 24.9 N (4.43 x 4.04 km = 17.9 km2), each with its last edge
    overshooting its first corner by 0.0005 degree: a loop of 1.2e-7 deg2 (0.0015 km2) against
    the winding, which the repair keeps as a 2nd part, changing the area by less than 1 %; the
    corner the last edge cuts off (0.6 %) leaves 17.8 km2."""
    bow_tie = [[102.38, 24.88], [102.42, 24.88], [102.42, 24.92], [102.38, 24.92], [102.3805, 24.8795],
               [102.38, 24.88]]
    data = json.loads((folder / "redline.geojson").read_text())
    data["features"][0]["geometry"]["coordinates"] = [bow_tie]
    (folder / "redline.geojson").write_text(json.dumps(data))
    add_polygon(folder, "pond", "Pond", "lake", [[x + 1.0, y] for x, y in bow_tie])
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert layers.notices == [
        "redline.geojson: repaired the invalid geometries of the 1st feature (zone_id 'lake') and the 2nd (zone_id "
        "'pond'): Self-intersection[102.38049382716 24.88] in the first; the 1st 17.8 km2 as drawn, 17.8 km2 "
        "repaired (in 2 parts); the 2nd 17.8 km2 as drawn, 17.8 km2 repaired (in 2 parts)"]


def test_a_repair_that_shrinks_a_site_polygon_is_refused(folder: Path, capsys):
    """The sites layer holds points and polygons; a polygon site traced twice round its square
    (0.01 degree a side at 24.6 N: 1.11 x 1.01 km = 112 ha, 224 ha as drawn) would lose half
    its area to the repair, as a red-line polygon would; a site's areas are given in ha."""
    square = [[102.1, 24.6], [102.11, 24.6], [102.11, 24.61], [102.1, 24.61]]
    data = json.loads((folder / "sites.geojson").read_text())
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [square + square + [square[0]]]}
    (folder / "sites.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: geometry | repairing the 1st feature (site_id 'w_mine') would remove 50.0% of its area, "
        "from 224 ha as drawn to 112 ha (Self-intersection[102.11 24.61]); redraw the polygon\n")


# --- 4. empty layers ---------------------------------------------------------------------------


def test_an_empty_sources_layer_names_how_to_plan_without_sources(folder: Path, capsys):
    """The small scenario limits phosphate rock to 50 km: without a source every site lies beyond."""
    (folder / "sources.geojson").write_text('{"type": "FeatureCollection", "features": []}\n')
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: sources layer | has no features (a layer must not be empty); add the sources, or, for "
        "a plan without in-province sources (raw resources only imported), leave layers.sources out of the "
        "scenario, and set constraints.proximity.enabled: false, since without a source every site lies beyond "
        "its limits\n")


def test_an_empty_red_line_layer_names_the_settings_that_name_its_categories(folder: Path, capsys):
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}",
         "  redline: {buffer_m: 1000, categories: [lake], setbacks_m: {fepo4: {lake: 5000}}}")
    (folder / "redline.geojson").write_text('{"type": "FeatureCollection", "features": []}\n')
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: redline layer | has no features (a layer must not be empty); add the red-line "
        "polygons, or, for a plan without a red line, leave layers.redline out of the scenario, and "
        "constraints.redline.categories and constraints.redline.setbacks_m, which name its categories\n")


def test_the_fix_for_an_empty_red_line_layer_loads(folder: Path):
    """What the message says to do: leave layers.redline out (the scenario names no category)."""
    edit(folder / "scenario.yaml", "  redline: {path: redline.geojson}\n", "")
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert len(layers.redline) == 0


# --- 5. messages: duplicate clusters, MultiPoint sources, figures too large --------------------


def test_a_repeated_cluster_id_is_offered_once(folder: Path):
    """Both clusters are `west`: the scenario's `north`, like neither, is offered `west` once; the
    duplicate id comes first (a reference may be unknown because of it)."""
    edit(folder / "scenario.yaml", "  differentiation:\n    enabled: false",
         "  differentiation:\n    enabled: false\n    lead_products: {north: [lfp]}")
    set_property(folder / "clusters.geojson", 1, "cluster_id", "west")
    line = (folder / "scenario.yaml").read_text().splitlines().index("    lead_products: {north: [lfp]}") + 1
    assert problems_of(folder) == [
        "clusters.geojson: field 'cluster_id' | duplicate id 'west' (the 1st and 2nd features); ids must be unique",
        f"scenario.yaml:{line}: constraints.differentiation.lead_products.north | unknown cluster (got 'north'); "
        "choose one of: west"]


def test_a_multipoint_source_is_refused_with_how_to_split_it(folder: Path, capsys):
    data = json.loads((folder / "sources.geojson").read_text())
    data["features"][0]["geometry"] = {"type": "MultiPoint", "coordinates": [[102.12, 24.62], [102.14, 24.62]]}
    (folder / "sources.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: geometry | sources must be Point (got MultiPoint for the 1st feature (source_id "
        "'rock_w')); give one feature per point: split each MultiPoint into single points (in QGIS, Vector > "
        "Geometry Tools > Multipart to Singleparts), each with an id of its own and its share of the supply\n")


def test_a_line_red_line_polygon_is_refused_with_how_to_draw_it(folder: Path, capsys):
    data = json.loads((folder / "redline.geojson").read_text())
    data["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[102.38, 24.88], [102.42, 24.92]]}
    (folder / "redline.geojson").write_text(json.dumps(data))
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.geojson: geometry | redline must be Polygon or MultiPolygon (got LineString for the 1st "
        "feature (zone_id 'lake')); draw each area as a polygon (in QGIS, Vector > Geometry Tools > Lines to "
        "Polygons)\n")


def test_a_supply_beyond_1e12_reads_as_one_sentence(folder: Path, capsys):
    set_property(folder / "sources.geojson", 0, "supply_t_per_yr", 1e300)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'supply_t_per_yr' | too large for the 1st feature (source_id 'rock_w') (got "
        "1e+300): it must be at most 1e12 (1e12 is the largest quantity the model takes): beyond it the solver's "
        "tolerances cannot tell the plan's figures apart; give a smaller value\n")


# --- 6. resources: the catalog's, never a misspelt one -----------------------------------------


def test_a_proximity_limit_may_name_any_resource_of_the_catalog(folder: Path):
    """lithium_clay has an entry in the catalog's resources, and no product draws on it: its limit
    is accepted, and said to limit nothing."""
    edit(folder / "scenario.yaml", "max_distance_km: {phosphate_rock: 50}",
         "max_distance_km: {phosphate_rock: 50, lithium_clay: 20}")
    _loaded, _layers, notices = load_checked(folder / "scenario.yaml")
    line = (folder / "scenario.yaml").read_text().splitlines().index(
        "    max_distance_km: {phosphate_rock: 50, lithium_clay: 20}") + 1
    assert notices == [f"scenario.yaml:{line}: constraints.proximity.max_distance_km.lithium_clay | no product draws "
                       "on 'lithium_clay': the limit keeps nothing near its sources"]


def test_a_proximity_limit_on_an_unknown_resource_suggests_a_catalog_resource(folder: Path):
    edit(folder / "scenario.yaml", "max_distance_km: {phosphate_rock: 50}", "max_distance_km: {phosphate_rok: 50}")
    line = (folder / "scenario.yaml").read_text().splitlines().index(
        "    max_distance_km: {phosphate_rok: 50}") + 1
    assert problems_of(folder) == [
        f"scenario.yaml:{line}: constraints.proximity.max_distance_km.phosphate_rok | unknown resource (got "
        "'phosphate_rok'); did you mean 'phosphate_rock'?"]


def test_a_resource_misspelt_in_the_catalog_is_never_suggested_to_the_scenario(folder: Path):
    """FePO4 draws `phosphate_rok`, which the catalog's resources lack: the catalog's problem says
    which resource it means, and the scenario's limit on phosphate_rock, a resource the catalog
    defines, stands."""
    edit(folder / "catalog.yaml", "resources_t_per_unit: {phosphate_rock: 2.0}",
         "resources_t_per_unit: {phosphate_rok: 2.0}")
    assert problems_of(folder) == [
        "catalog.yaml:13: products.fepo4.resources_t_per_unit.phosphate_rok | no entry for resource 'phosphate_rok' "
        "in resources; did you mean 'phosphate_rock'? (a resource of its own needs an entry there, with its price "
        "and import terms)"]
