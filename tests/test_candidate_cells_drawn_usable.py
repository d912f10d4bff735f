"""The candidate_cells layer draws each cell as its land outside the red line's zone common to
every product (the intersection of the products' buffered zones), with `gross_ha` the whole cell.

The case, in UTM 48N metres from (X0, Y0): a lake from x = 0 to 1,000 m and a nature reserve
from x = 3,000 to 4,000 m, both from y = 0 to 1,000 m, and a 100 m buffer. Product p keeps 300 m
from the lake, s 500 m from the reserve. Cells span y = 0 to 1,000 m too, so every zone edge they
meet is straight:

    zone        lake side   reserve side
    p's         x < 1,300   x > 2,900
    s's         x < 1,100   x > 2,500
    common      x < 1,100   x > 2,900   (the buffer's: neither product's zone, nor their union)

    cell  x (m)           gross   drawn                        usable (most over p and s)
    a     1,000-3,000     200 ha  1,100-2,900: 180 ha          p 160, s 140: 160 ha
    b     2,000-2,800      80 ha  all of it (meets s's zone    p 80, s 50: 80 ha
                                  only, not the common one)
    c     1,000-1,100.05   10 ha  all of it: 50 m2 are left,   0.005 ha
                                  a sliver
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from models import ModelInputs
from siting.deliver.layers import candidate_cells_layer, cell_drawn_geometries
from siting.optimize.results import BUILD_COLUMNS, Plan
from siting.prepare.spatial import CELL, RedlineSettings, SpatialResult, land_after_redline

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_750_000.0
RULE = RedlineSettings(enabled=True, buffer_m=100.0, categories=None,
                       setbacks_m={"p": {"lake": 300.0}, "s": {"nature_reserve": 500.0}})
#: What rounding the layer's coordinates to 6 decimals (about 0.1 m) may change of a cell's area
#: here (m2): 0.1 m along its 6 km of outline at most.
ROUNDED_M2 = 600.0
OFF = RedlineSettings(enabled=False, buffer_m=100.0, categories=None, setbacks_m={})


def strip(x0: float, x1: float) -> shapely.Geometry:
    return shapely.box(X0 + x0, Y0, X0 + x1, Y0 + 1000)


CELLS = {"a": strip(1000, 3000), "b": strip(2000, 2800), "c": strip(1000, 1100.05)}


def case(rule: RedlineSettings = RULE) -> tuple[SpatialResult, ModelInputs]:
    redline = gpd.GeoDataFrame({"id": ["lake", "reserve"], "category": ["lake", "nature_reserve"]},
                               geometry=[strip(0, 1000), strip(3000, 4000)], crs=UTM)
    gross = [shapely.area(g) / 1e4 for g in CELLS.values()]
    sites = gpd.GeoDataFrame({"id": list(CELLS), "name": [f"Cell {c}" for c in CELLS], "cluster": "k",
                              "kind": CELL, "gross_land_ha": gross}, geometry=list(CELLS.values()), crs=UTM)
    land, zones = land_after_redline(sites, redline, ("p", "s"), rule)
    empty = gpd.GeoDataFrame({"id": []}, geometry=[], crs=UTM)
    spatial = SpatialResult(sites=sites, clusters=empty, sources=empty, redline=redline, land=land,
                            distance_km=pd.DataFrame(), zones=zones, dropped_sites=(), working_crs=UTM,
                            existing_columns={})
    inputs = ModelInputs(YEARS=(2030,), SITES=tuple(CELLS), CLUSTERS=("k",), PRODUCTS=("p", "s"), MODULES=(),
                         CANDIDATES=(), cluster_of_site=dict.fromkeys(CELLS, "k"), site_land_ha={},
                         land_after_redline_ha={}, enabled_families=frozenset({"redline"}))
    return spatial, inputs


def no_plan() -> Plan:
    return Plan(pd.DataFrame([], columns=BUILD_COLUMNS), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(),
                pd.DataFrame(), ())


def layer_in_utm(spatial: SpatialResult, inputs: ModelInputs) -> gpd.GeoDataFrame:
    layer = candidate_cells_layer(spatial, inputs, no_plan(), dict.fromkeys(CELLS, "eligible_unused"))
    return layer.frame.to_crs(UTM).set_index("id")


def test_a_cell_is_drawn_less_the_zone_every_product_shares():
    """a is drawn from x = 1,100 to 2,900 m: 180 ha of its 200; b, which meets only s's zone,
    and c, of which the common zone leaves a sliver, are drawn whole."""
    spatial, _inputs = case()
    drawn = dict(zip(spatial.sites["id"], cell_drawn_geometries(spatial), strict=True))
    assert shapely.area(drawn["a"]) == pytest.approx(1_800_000.0, abs=1e-6)
    assert shapely.bounds(drawn["a"]).tolist() == pytest.approx([X0 + 1100, Y0, X0 + 2900, Y0 + 1000], abs=1e-6)
    assert shapely.equals(drawn["b"], CELLS["b"])
    assert shapely.equals(drawn["c"], CELLS["c"])


def test_the_layer_draws_the_land_outside_the_common_zone_and_keeps_its_figures():
    """In the layer (WGS84, 6 decimals, back in UTM here): a's polygon is 1,100-2,900 m, b's is the
    whole cell; gross_ha stays the whole cell's land, usable_ha the most over the products."""
    spatial, inputs = case()
    frame = layer_in_utm(spatial, inputs)
    a, b = frame.geometry["a"], frame.geometry["b"]
    assert a.area == pytest.approx(1_800_000.0, abs=ROUNDED_M2)
    assert list(a.bounds) == pytest.approx([X0 + 1100, Y0, X0 + 2900, Y0 + 1000], abs=0.2)
    assert b.area == pytest.approx(800_000.0, abs=ROUNDED_M2)
    assert list(b.bounds) == pytest.approx([X0 + 2000, Y0, X0 + 2800, Y0 + 1000], abs=0.2)
    assert frame.geometry["c"].area == pytest.approx(100_050.0, abs=ROUNDED_M2)
    assert frame.loc[["a", "b"], "gross_ha"].tolist() == [200.0, 80.0]
    assert frame.loc[["a", "b"], "usable_ha"].tolist() == [160.0, 80.0]


def test_without_the_rule_every_cell_is_drawn_whole():
    spatial, inputs = case(OFF)
    drawn = cell_drawn_geometries(spatial)
    assert all(shapely.equals(g, CELLS[c]) for c, g in zip(spatial.sites["id"], drawn, strict=True))
    assert layer_in_utm(spatial, inputs).geometry["a"].area == pytest.approx(2_000_000.0, abs=ROUNDED_M2)
    no_zones = SpatialResult(**{**spatial.__dict__, "zones": spatial.zones.iloc[0:0]})
    assert all(shapely.equals(g, CELLS[c]) for c, g in zip(spatial.sites["id"], cell_drawn_geometries(no_zones),
                                                          strict=True))
