"""The economics of the scenario and the catalog, from file to model inputs: price paths, import
terms, sales caps, tariffs, land prices, the hub network's km, committed projects, the plan's
years and the shortfall penalties.

Each case is a copy of tests/data/small (prices on two paths, a gateway, tariffs by cluster with
one site override, land prices, one committed project); error messages are matched whole."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely

from siting.config.errors import InputError
from siting.config.load import load_scenario, plan_years
from siting.prepare.checks import check_against_layers
from siting.prepare.layers import load_layers
from siting.prepare.problem import prepare
from siting.prepare.spatial import hub_distances, hub_points
from tests.conftest import edit

SMALL = Path(__file__).parent / "data" / "small"
UTM = "EPSG:32648"


def problems(folder: Path) -> list[str]:
    """The problems load_scenario reports, with the folder left out of the paths."""
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml")
    return [p.replace(f"{folder}/", "") for p in err.value.problems]


# ---------------------------------------------------------------------------------------------
# schema errors


def test_price_level_is_refused_as_replaced_by_price_path(folder: Path):
    edit(folder / "scenario.yaml", "price_path: base", "price_level: base")
    assert problems(folder) == [
        "scenario.yaml:5: price_level | replaced by price_path; name one of the catalog's price_paths, e.g. "
        "price_path: observed"]


def test_old_catalog_keys_are_refused_as_replaced(folder: Path):
    edit(folder / "catalog.yaml", "price_paths:", "price_levels:")
    assert problems(folder) == [
        "catalog.yaml:3: price_levels | replaced by price_paths; give each price path with what it means, e.g. "
        "price_paths: {observed: yearly average prices of 2022-2024, flat_2024: 2024 prices in every year}"]


def test_a_price_missing_for_a_plan_year_names_product_path_and_year(folder: Path):
    """Years [2023, 2024] need prices for both on the path the run uses; the flat path of lfp
    lacks 2024. The scenario runs the base path: the flat one is no problem of this run. Run on
    the flat path, it is, and since 2024 comes after the last year lfp's flat prices give, ending
    the plan in 2023 is the other fix."""
    edit(folder / "catalog.yaml", "flat: {2023: 40000, 2024: 40000}", "flat: {2023: 40000}")
    load_scenario(folder / "scenario.yaml")
    edit(folder / "scenario.yaml", "price_path: base", "price_path: flat")
    assert problems(folder) == [
        "catalog.yaml:18: products.lfp.price_yuan_per_unit.flat | no price for product 'lfp' on price path 'flat' "
        "in 2024; give one for every year of the plan (2023-2024), or end the plan in 2023"]


SKIPS = ("years [2022, 2024] (scenario.yaml:3) skips 2023, but the plan runs every calendar year from its first to "
         "its last")


def test_a_gap_year_needs_its_price_too(folder: Path):
    """Years [2022, 2024]: the plan runs 2022, 2023, 2024, and every product needs a 2022 price on
    the path the run uses (the import prices of phosphate rock too); the three products lacking
    it are one problem, naming each with its line."""
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: [2022, 2024]")
    assert problems(folder) == [
        "catalog.yaml:10: products.<product>.price_yuan_per_unit.base | no price on price path 'base' in 2022 for 3 "
        "products: fepo4 (line 10), lfp (line 18), cells (line 31); give each one for every year of the plan "
        f"(2022-2024), or start the plan in 2023; {SKIPS}",
        "catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base | no price for resource "
        f"'phosphate_rock' on price path 'base' in 2022; give one for every year of the plan (2022-2024), or start "
        f"the plan in 2023; {SKIPS}"]


def test_a_price_path_missing_or_unknown(folder: Path):
    edit(folder / "catalog.yaml", "flat: {2023: 400000000, 2024: 400000000}",
         "flot: {2023: 400000000, 2024: 400000000}")
    assert problems(folder) == [
        "catalog.yaml:31: products.cells.price_yuan_per_unit | no values for price path 'flat'; give them for every "
        "path in price_paths",
        "catalog.yaml:31: products.cells.price_yuan_per_unit | unknown price path (got 'flot'); choose one of: base, "
        "flat"]


def test_module_lifetime_is_required_and_lead_time_is_no_boolean(folder: Path):
    edit(folder / "catalog.yaml", "lifetime_yr: 10, ", "")
    edit(folder / "catalog.yaml", "    lead_time_yr: 1\n", "    lead_time_yr: true\n")
    assert problems(folder) == [
        "catalog.yaml:33: products.cells.modules[0] (cells_10gwh).lifetime_yr "
        "| required key is missing; add the years over which "
        "the module's capex is recovered: typically 15 yr for a chemical or materials plant, 10 yr for a cell line, "
        "e.g. lifetime_yr: 15, with its source under the module's sources, e.g. lifetime_yr: 'assumption: 15 years "
        "for chemical and materials plants (typical depreciation 10-20 years)'",
        "catalog.yaml:35: products.cells.lead_time_yr | must be a number, not true/false (got true); give a number, in "
        "yr, e.g. 1"]


def test_a_resource_without_its_terms_and_a_product_with_two_caps(folder: Path):
    edit(folder / "catalog.yaml", "lithium_clay: {unit", "lithium_clai: {unit")
    edit(folder / "catalog.yaml", "    resources_t_per_unit: {phosphate_rock: 2.0}\n",
         "    resources_t_per_unit: {phosphate_rock: 2.0, lithium_clay: 0.1}\n")
    edit(folder / "catalog.yaml", "    sales_cap_units: {2024: 50}\n",
         "    sales_cap_units: {2024: 50}\n    market: {national_demand_units: {2024: 100}, max_share: 0.1}\n")
    assert problems(folder) == [
        "catalog.yaml:13: products.fepo4.resources_t_per_unit.lithium_clay | no entry for resource 'lithium_clay' in "
        "resources; did you mean 'lithium_clai'? (a resource of its own needs an entry there, with its price and "
        "import terms)",
        "catalog.yaml:41: products.cells.market | given with sales_cap_units; give one of them"]


def test_network_gateway_is_required_and_checked(folder: Path):
    edit(folder / "scenario.yaml", "lon: 102.75", "lon: 302.75")
    assert problems(folder) == [
        "scenario.yaml:38: network.gateway.lon | must be less than or equal to 180 (got 302.75)"
        "; give a value in that range, in degrees"]
    edit(folder / "scenario.yaml",
         'network: {gateway: {name: Gate, lon: 302.75, lat: 24.75, source: "assumption: invented for tests"}}\n', "")
    assert problems(folder) == [
        "scenario.yaml: network | required key is missing; add it: network: {gateway: {name: ..., lon: ..., "
        "lat: ..., source: ...}}, the point where imports arrive and sales leave the region"]


def test_recycling_demo_max_size_below_min_size(folder: Path):
    edit(folder / "scenario.yaml", "  agglomeration:\n",
         "  recycling_demo: {enabled: true, product: cells, min_size: 10, max_size: 5}\n  agglomeration:\n")
    assert problems(folder) == [
        "scenario.yaml:29: constraints.recycling_demo.max_size | below min_size (10) (got 5); give a max_size of at "
        "least min_size, or null"]


def test_utilisation_min_share_names_catalog_products(folder: Path):
    edit(folder / "scenario.yaml", "  agglomeration:\n",
         "  utilisation: {enabled: true, min_share: {lpf: 0.5}}\n  agglomeration:\n")
    assert problems(folder) == [
        "scenario.yaml:29: constraints.utilisation.min_share.lpf | unknown product (got 'lpf'); did you mean 'lfp'?"]


# ---------------------------------------------------------------------------------------------
# committed projects: the file's errors name file:line and key


def test_committed_project_errors_name_file_line_and_key(folder: Path):
    (folder / "committed_projects.yaml").write_text(
        "- id: a\n  name: A\n  site: e_city\n  product: lpf\n  capacity: 100\n  online_year: 2024\n"
        "  status: construction\n  source: s\n"
        "- id: a\n  name: B\n  site: e_city\n  product: lfp\n  capacity: -5\n  online_year: 2024\n"
        "  status: planned\n  source: s\n  colour: red\n"
        "- id: b\n  name: C\n  site: e_city\n  product: lfp\n  capacity: 5\n  online_year: 2024\n"
        "  status: signed\n  source: s\n"
        "- id: b\n  name: D\n  site: e_city\n  product: lfp\n  capacity: 5\n  online_year: 2024\n"
        "  status: signed\n  source: ''\n")
    assert problems(folder) == [
        "committed_projects.yaml:4: [0] (a).product | unknown product (got 'lpf'); did you mean 'lfp'?",
        "committed_projects.yaml:13: [1] (a).capacity | must be greater than 0 (got -5); give a value in that "
        "range, in t/yr",
        "committed_projects.yaml:15: [1] (a).status | must be 'signed', 'construction' or 'producing' (got "
        "'planned'); give one of those",
        "committed_projects.yaml:17: [1] (a).colour | unknown key; allowed keys: id, name, site, product, "
        "capacity, online_year, status, source",
        "committed_projects.yaml:9: [1] (a).id | id 'a' is already used by entry [0]; ids must be unique",
        "committed_projects.yaml:33: [3] (b).source | must not be empty (got ''); say where it comes from",
        "committed_projects.yaml:26: [3] (b).id | id 'b' is already used by entry [2]; ids must be unique"]


def test_committed_projects_file_must_be_a_list(folder: Path):
    (folder / "committed_projects.yaml").write_text("east_lfp: {site: e_city}\n")
    assert problems(folder) == [
        "committed_projects.yaml: (top level) | expected a list of projects, got a mapping; write one '- id: ...' "
        "entry per project"]


def test_committed_project_at_an_unknown_site(folder: Path):
    edit(folder / "committed_projects.yaml", "site: e_city", "site: e_cty")
    loaded = load_scenario(folder / "scenario.yaml")
    found, _notices = check_against_layers(loaded, load_layers(loaded))
    assert [p.replace(f"{folder}/", "") for p in found] == [
        "committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'e_cty'); did you mean 'e_city'?"]


# ---------------------------------------------------------------------------------------------
# preparation


def test_prices_imports_caps_tariffs_and_land_prices_of_the_small_scenario(folder: Path):
    inputs = prepare(folder / "scenario.yaml", {}).inputs
    assert inputs.YEARS == (2023, 2024)
    assert inputs.price_yuan_per_unit[("lfp", 2023)] == 50000.0
    assert inputs.price_yuan_per_unit[("cells", 2024)] == 4.0e8
    assert inputs.import_price_yuan_per_unit == pytest.approx({("lfp", 2023): 60000.0, ("lfp", 2024): 48000.0})
    assert inputs.sales_cap_units == {("lfp", 2023): 500000.0, ("lfp", 2024): 500000.0, ("cells", 2024): 50.0}
    assert inputs.output_value_yuan_per_unit == {"fepo4": 10000.0, "lfp": 40000.0, "cells": 4.0e8}
    assert inputs.power_tariff_yuan_per_kwh == {"w_mine": 0.4, "w_lake": 0.4, "e_city": 0.45, "e_far": 0.5}
    assert inputs.land_price_yuan_per_ha == {"w_mine": 1e6, "w_lake": 2e6, "e_city": 3e6, "e_far": 1.5e6}
    assert inputs.resource_price_yuan_per_t == {"phosphate_rock": 100.0}
    assert inputs.resource_import_price_yuan_per_t == {("phosphate_rock", 2023): 400.0,
                                                       ("phosphate_rock", 2024): 300.0}
    assert inputs.resource_import_cap_t_per_yr == {("phosphate_rock", 2024): 50000.0}
    assert inputs.lead_time_yr == {"fepo4": 0, "lfp": 0, "cells": 1}
    assert inputs.ramp_up_share == {"fepo4": 1.0, "lfp": 1.0, "cells": 0.8}
    assert inputs.discount_rate == 0.1
    assert [(m.module_id, m.lifetime_yr) for m in inputs.MODULES] == [
        ("fepo4_100kt", 20.0), ("lfp_50kt", 20.0), ("cells_10gwh", 10.0)]


def test_the_other_price_path(folder: Path):
    edit(folder / "scenario.yaml", "price_path: base", "price_path: flat")
    inputs = prepare(folder / "scenario.yaml", {}).inputs
    assert inputs.price_yuan_per_unit[("lfp", 2023)] == 40000.0
    assert inputs.resource_import_price_yuan_per_t[("phosphate_rock", 2023)] == 300.0


def test_plan_years_are_every_calendar_year_and_targets_stay_on_their_years(folder: Path):
    assert plan_years([2022, 2024, 2027]) == [2022, 2023, 2024, 2025, 2026, 2027]
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: [2022, 2024]")
    catalog = folder / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace("{2023:", "{2022: 1, 2023:"))
    inputs = prepare(folder / "scenario.yaml", {}).inputs
    assert inputs.YEARS == (2022, 2023, 2024)
    assert sorted(inputs.discount_factor) == [2022, 2023, 2024]
    assert inputs.discount_factor[2024] == pytest.approx(1 / 1.1 ** 2, rel=1e-12)
    assert dict(inputs.capacity_target_units) == {("cathode", 2024): 120000.0, ("cells", 2024): 10.0}
    assert inputs.price_yuan_per_unit[("lfp", 2022)] == 1.0


def test_committed_projects_after_the_plan_are_left_out_in_one_notice(folder: Path):
    """Two projects online after 2024 make one notice listing both, in file order, each by its id
    (its row in the file) with its capacity in its unit per year, its product in words, its site
    by name and its year (a dozen such lines hid the other notices)."""
    (folder / "committed_projects.yaml").write_text(
        (folder / "committed_projects.yaml").read_text()
        + "- {id: late, name: Late, site: e_city, product: cells, capacity: 2, online_year: 2030, status: signed,"
          " source: s}\n"
        + "- {id: later, name: Later, site: e_far, product: lfp, capacity: 12500, online_year: 2031, status: signed,"
          " source: s}\n")
    prepared = prepare(folder / "scenario.yaml", {})
    assert [n for n in prepared.notices if "plan's last year" in n] == [
        "2 committed projects come online after the plan's last year 2024: their capacity is left out; the land "
        "they take, 6.5 ha, is kept from new modules: late (2 GWh/yr Cells at East city, 2030); later (12,500 "
        "t/yr LFP at East far, 2031)"]
    assert ("e_far", "lfp", 2031) not in prepared.inputs.committed_units_per_yr


def test_committed_projects_map_to_years_existing_capacity_and_land(folder: Path):
    """e_city (30 ha) takes 10,000 t lfp online 2024 (2 ha: 10 ha per 50,000 t module), 5,000 t lfp
    online 2020 (before the plan: existing, 1 ha) and 2 GWh cells online 2030 (after it: its
    capacity left out, its 4 ha kept: signed, it holds its land); e_far (30 ha) takes 20 GWh
    cells online 2023 (40 ha: more than the site has)."""
    (folder / "committed_projects.yaml").write_text(
        (folder / "committed_projects.yaml").read_text()
        + "- {id: old, name: Old, site: e_city, product: lfp, capacity: 5000, online_year: 2020, status: producing,"
          " source: s}\n"
        + "- {id: late, name: Late, site: e_city, product: cells, capacity: 2, online_year: 2030, status: signed,"
          " source: s}\n"
        + "- {id: big, name: Big, site: e_far, product: cells, capacity: 20, online_year: 2023, status: producing,"
          " source: s}\n")
    prepared = prepare(folder / "scenario.yaml", {})
    inputs = prepared.inputs
    assert inputs.committed_units_per_yr == {("e_city", "lfp", 2024): 10000.0, ("e_far", "cells", 2023): 20.0}
    assert inputs.existing_capacity_units_per_yr == {("e_city", "lfp"): 20000.0 + 5000.0}
    assert inputs.site_land_ha == {"w_mine": 100.0, "w_lake": 100.0, "e_city": 23.0, "e_far": 0.0}
    land = prepared.spatial.land
    before = {(s, p): v for s, p, v in zip(land["site"], land["product"], land["land_after_redline_ha"], strict=True)}
    for (site, product), value in inputs.land_after_redline_ha.items():
        used = {"e_city": 7.0, "e_far": 40.0}.get(site, 0.0)
        assert value == pytest.approx(max(0.0, before[(site, product)] - used), abs=1e-9)
    assert [n for n in prepared.notices if "committed" in n] == [
        "committed project late (2 GWh/yr Cells at East city) comes online in 2030, after the plan's last year 2024: "
        "its capacity is left out; the land it takes, 4.0 ha, is kept from new modules",
        "committed_projects.yaml: committed project old (5,000 t/yr LFP at East city) has online_year 2020, before "
        "the plan's first year 2023: counted as standing from 2023",
        "site East far (e_far): its committed projects take 40.0 ha, more than its usable land 30.0 ha; no land is "
        "left there for new modules"]


def test_penalties_follow_the_rule_of_models_costs(folder: Path):
    """cathode = lfp: one module of 1e9 yuan, 20 years, no opex, 50,000 t; r = 0.1, factor 3:
    3 x CRF(0.1, 20) x 1e9 / 50,000 = 3 x 0.117459624... x 20,000 = 7,047.58 yuan per t and year.
    cells: 2.5e9 yuan, 10 years, 10 GWh: 3 x CRF(0.1, 10) x 2.5e8 = 3 x 0.162745394... x 2.5e8.
    A yuan of output value short costs the factor, 3 yuan."""
    inputs = prepare(folder / "scenario.yaml", {}).inputs
    crf20 = 0.1 / (1 - 1.1 ** -20)
    crf10 = 0.1 / (1 - 1.1 ** -10)
    assert crf20 == pytest.approx(0.117459624, rel=1e-8)
    assert dict(inputs.capacity_shortfall_penalty_yuan_per_unit) == pytest.approx(
        {"cathode": 3 * crf20 * 1e9 / 50000, "cells": 3 * crf10 * 2.5e9 / 10}, rel=1e-12)
    assert inputs.capacity_shortfall_penalty_yuan_per_unit["cathode"] == pytest.approx(7047.58, abs=0.01)
    assert inputs.value_shortfall_penalty_yuan_per_yuan == 3.0


# ---------------------------------------------------------------------------------------------
# the hub network on literal geometry


def test_hub_distances_on_a_literal_geometry():
    """Working CRS in metres. Cluster A is the square (0,0)-(10 km, 10 km) with no hub field: its hub
    is the square's representative point (5 km, 5 km); cluster B's hub is placed at (8 km, 11 km).
    Site s1 at (5 km, 1 km) in A: 4 km to its hub; site s2 at (11 km, 15 km) in B: hypot(3, 4) = 5 km.
    Hub A to hub B: hypot(3, 6) = 6.708 km; A to the gateway at (5 km, 9 km): 4 km; B to it:
    hypot(3, 2) = 3.606 km. With the detour factor 1.5: 6, 7.5, 10.062, 6 and 5.408 km in UTM, each
    measured on the ellipsoid (UTM's scale is about 1.0026 there, near the equator 500 km west of
    its central meridian)."""
    crs = UTM
    clusters = gpd.GeoDataFrame({"id": ["A"]}, geometry=[shapely.box(0, 0, 10_000, 10_000)], crs=crs)
    hub_a = hub_points(clusters, crs)
    assert list(hub_a["id"]) == ["A"]
    assert (hub_a.geometry.iloc[0].x, hub_a.geometry.iloc[0].y) == (5_000.0, 5_000.0)
    hubs = gpd.GeoDataFrame({"id": ["A", "B"]}, geometry=[shapely.Point(5_000, 5_000), shapely.Point(8_000, 11_000)],
                            crs=crs)
    sites = gpd.GeoDataFrame({"id": ["s1", "s2"], "cluster": ["A", "B"]},
                             geometry=[shapely.Point(5_000, 1_000), shapely.Point(11_000, 15_000)], crs=crs)
    site_km, pair_km, gate_km = hub_distances(sites, hubs, shapely.Point(5_000, 9_000), 1.5)
    to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def km(a: tuple[float, float], b: tuple[float, float]) -> float:
        return 1.5 * pyproj.Geod(ellps="WGS84").inv(*to_lonlat.transform(*a), *to_lonlat.transform(*b))[2] / 1000

    a, b, gate = (5_000, 5_000), (8_000, 11_000), (5_000, 9_000)
    assert site_km == pytest.approx({"s1": km((5_000, 1_000), a), "s2": km((11_000, 15_000), b)}, abs=1e-9)
    assert site_km == pytest.approx({"s1": 6.0, "s2": 7.5}, rel=3e-3)
    assert pair_km == pytest.approx({("A", "B"): km(a, b), ("B", "A"): km(b, a)}, abs=1e-9)
    assert pair_km == pytest.approx({("A", "B"): 1.5 * 45 ** 0.5, ("B", "A"): 1.5 * 45 ** 0.5}, rel=3e-3)
    assert gate_km == pytest.approx({"A": km(a, gate), "B": km(b, gate)}, abs=1e-9)
    assert gate_km == pytest.approx({"A": 6.0, "B": 1.5 * 13 ** 0.5}, rel=3e-3)
    assert hub_distances(sites, hubs, None, 1.5)[2] == {}


def test_hub_from_layer_fields_and_fallback_to_the_polygon(folder: Path):
    """The small clusters give hub_lon/hub_lat: the west hub is at (102.25, 24.75), which is also its
    square's centre; a cluster with empty hub fields falls back to its polygon's representative point."""
    prepared = prepare(folder / "scenario.yaml", {})
    hubs = prepared.spatial.hubs.to_crs("EPSG:4326")
    west = hubs.geometry.iloc[0]
    assert (round(west.x, 9), round(west.y, 9)) == (102.25, 24.75)
    clusters = prepared.spatial.clusters.copy()
    clusters.loc[clusters["id"] == "east", ["hub_lon", "hub_lat"]] = float("nan")
    fallback = hub_points(clusters, clusters.crs)
    east_polygon = clusters.geometry.iloc[1]
    assert fallback.geometry.iloc[1].equals(shapely.point_on_surface(east_polygon))
    assert fallback.geometry.iloc[0].equals(prepared.spatial.hubs.geometry.iloc[0])
