"""A candidate cell the plan builds on is drawn in the sites layer (sites.geojson, plan.gpkg's
sites, the maps) as candidate_cells.geojson draws it: its land outside the red line's zone
common to every product, not its whole square, which would reach into the red line's buffer.
Its land figures stay as they were: `footprint_ha` and `usable_land_ha` the whole cell's land,
`land_after_redline_ha` what the red line leaves of it.

The case, in UTM 48N metres from (X0, Y0): a lake from x = 0 to 1,000 m and a 100 m buffer
(product p keeps 300 m from it); a built cell a from x = 1,000 to 3,000 m (200 ha) and an unbuilt
cell b from x = 3,000 to 4,000 m, both from y = 0 to 1,000 m. a is drawn from x = 1,100 m (the
buffer, the zone common to p and s; p's setback reaches on to 1,300 m): 190 ha.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from models import ModelInputs
from models.inputs import ModuleSpec
from siting.deliver.layers import candidate_cells_layer, cell_sites, sites_layer, split_mixed_sites
from siting.optimize.results import BUILD_COLUMNS, Plan
from siting.prepare.spatial import CELL, RedlineSettings, SpatialResult, land_after_redline

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_750_000.0
RULE = RedlineSettings(enabled=True, buffer_m=100.0, categories=None, setbacks_m={"p": {"lake": 300.0}})
#: What rounding the layer's coordinates to 6 decimals (about 0.1 m) may change of the cell's area (m2).
ROUNDED_M2 = 600.0


def strip(x0: float, x1: float) -> shapely.Geometry:
    return shapely.box(X0 + x0, Y0, X0 + x1, Y0 + 1000)


CELLS = {"a": strip(1000, 3000), "b": strip(3000, 4000)}


def case(rule: RedlineSettings = RULE) -> tuple[SpatialResult, ModelInputs, Plan, gpd.GeoDataFrame]:
    redline = gpd.GeoDataFrame({"id": ["lake"], "category": ["lake"]}, geometry=[strip(0, 1000)], crs=UTM)
    gross = [shapely.area(g) / 1e4 for g in CELLS.values()]
    sites = gpd.GeoDataFrame({"id": list(CELLS), "name": [f"Cell {c}" for c in CELLS], "cluster": "k",
                              "kind": CELL, "gross_land_ha": gross}, geometry=list(CELLS.values()), crs=UTM)
    land, zones = land_after_redline(sites, redline, ("p", "s"), rule)
    empty = gpd.GeoDataFrame({"id": []}, geometry=[], crs=UTM)
    spatial = SpatialResult(sites=sites, clusters=empty, sources=empty, redline=redline, land=land,
                            distance_km=pd.DataFrame(), zones=zones, dropped_sites=(), working_crs=UTM,
                            existing_columns={})
    inputs = ModelInputs(YEARS=(2030,), SITES=tuple(CELLS), CLUSTERS=("k",), PRODUCTS=("p", "s"),
                         MODULES=(ModuleSpec("m", "s", 10.0, 1e9, 0.0, 20.0),), CANDIDATES=(),
                         cluster_of_site=dict.fromkeys(CELLS, "k"),
                         site_land_ha={c: g for c, g in zip(CELLS, gross, strict=True)},
                         land_after_redline_ha={}, enabled_families=frozenset({"redline"}))
    builds = pd.DataFrame([["a", "k", "s", 2030, "m", 1, 10.0, 1e9]], columns=BUILD_COLUMNS)
    plan = Plan(builds, pd.DataFrame(), pd.DataFrame(columns=["source", "site", "resource", "year", "tonnes", "km"]),
                {}, pd.DataFrame(), pd.DataFrame(), ("a",))
    parks = gpd.GeoDataFrame({"id": [], "name": []}, geometry=[], crs="EPSG:4326")
    return spatial, inputs, plan, parks


def built_cell(rule: RedlineSettings = RULE) -> tuple[pd.Series, shapely.Geometry]:
    spatial, inputs, plan, parks = case(rule)
    frame, _columns = sites_layer(parks, spatial, inputs, plan, {"a": "built", "b": "eligible_unused"})
    row = frame.set_index("id").loc["a"]
    return row, gpd.GeoSeries([row.geometry], crs=frame.crs).to_crs(UTM).iloc[0]


def test_a_built_cell_is_drawn_as_the_land_the_red_line_leaves():
    _row, drawn = built_cell()
    assert drawn.area == pytest.approx(1_900_000.0, abs=ROUNDED_M2)
    assert list(drawn.bounds) == pytest.approx([X0 + 1100, Y0, X0 + 3000, Y0 + 1000], abs=0.2)


def test_it_is_drawn_as_the_candidate_cells_layer_draws_it():
    spatial, inputs, plan, parks = case()
    status = {"a": "built", "b": "eligible_unused"}
    frame, _columns = sites_layer(parks, spatial, inputs, plan, status)
    cells = candidate_cells_layer(spatial, inputs, plan, status).frame.set_index("id")
    site = frame.set_index("id").geometry["a"]
    cell = shapely.get_geometry(cells.geometry["a"], 0)
    assert shapely.equals_exact(shapely.normalize(site), shapely.normalize(cell), tolerance=1e-6)


def test_its_land_figures_keep_the_whole_cell():
    row, _drawn = built_cell()
    assert row["usable_land_ha"] == 200.0
    assert row["land_after_redline_ha"] == 190.0


def test_without_the_rule_the_built_cell_is_drawn_whole():
    off = RedlineSettings(enabled=False, buffer_m=100.0, categories=None, setbacks_m={})
    _row, drawn = built_cell(off)
    assert drawn.area == pytest.approx(2_000_000.0, abs=ROUNDED_M2)


def test_beside_point_sites_the_built_cell_stands_where_the_plan_measures_from():
    """Beside a point site, sites.geojson draws every site as a point: the built cell at the point
    the plan measures its distances from, its whole polygon's point on surface (x = 2,000 m), not
    that of the land drawn (x = 2,050 m), and site_areas draws the land the red line leaves it."""
    spatial, inputs, plan, _parks = case()
    frame, _columns = sites_layer(_parks, spatial, inputs, plan, {"a": "built", "b": "eligible_unused"})
    point = gpd.GeoDataFrame({"id": ["park"], "name": ["Park"], "cluster": ["k"], "status": ["eligible_unused"]},
                             geometry=[shapely.Point(X0, Y0 - 5000)], crs=UTM).to_crs(frame.crs)
    mixed = gpd.GeoDataFrame(pd.concat([point, frame], ignore_index=True), crs=frame.crs)
    points, areas = split_mixed_sites(mixed, UTM, cell_sites(spatial))
    at = points.set_index("id").to_crs(UTM).geometry["a"]
    assert (at.x, at.y) == pytest.approx((X0 + 2000, Y0 + 500), abs=0.01)
    assert areas is not None
    assert areas.set_index("id").to_crs(UTM).geometry["a"].area == pytest.approx(1_900_000.0, abs=ROUNDED_M2)
