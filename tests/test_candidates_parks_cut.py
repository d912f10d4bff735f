"""Candidate cells leave out the parks' land: a cell is its cluster's land less the sites layer's
polygons, so that no hectare is offered twice (once as a park's, once as a cell's).

Literal geometry in UTM 48N on whole metres, as in tests/test_candidates.py (its CELLS: the 1 km
grid clipped to CLUSTER); areas by hand."""

from __future__ import annotations

import geopandas as gpd
import pyproj
import pytest
import shapely
from shapely.geometry import Point, box
from test_candidates import CELLS, CLUSTER, LAKE, UTM, X0, Y0, clusters, redline, rule, table

from siting.config.errors import InputError
from siting.prepare.candidates import CandidatesSpec, generate_candidates, no_cell_left, site_polygons
from tests.conftest import on_ellipsoid

#: 500 m x 500 m inside cell 801-2770 (25 ha); 300 m x 100 m of it (3 ha) lies in the lake.
PARK_A = box(X0 + 1_200, Y0 + 100, X0 + 1_700, Y0 + 600)
#: 700 m x 200 m from x = 1,500 to 2,200: 200 x 200 m of it overlaps PARK_A (x 1,500-1,700,
#: y 400-600), 300 m x 200 m more lies in cell 801-2770 (x 1,700-2,000), and 200 m x 200 m (4 ha)
#: in cell 802-2770 (x 2,000-2,200).
PARK_B = box(X0 + 1_500, Y0 + 400, X0 + 2_200, Y0 + 600)
#: The whole of cell 800-2771 (750 m x 500 m), and a little beyond the cluster's west edge.
PARK_C = box(X0, Y0 + 1_000, X0 + 1_000, Y0 + 1_500)


def sites(*geoms: shapely.Geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"park{k}" for k in range(len(geoms))]}, geometry=list(geoms), crs=UTM)


def test_parks_are_cut_out_of_the_cells_with_the_known_areas() -> None:
    """Cell 801-2770 (100 ha) loses PARK_A (25 ha) and PARK_B's 6 ha beyond it, counted once where
    they overlap: 69 ha; cell 802-2770 (50 ha) loses 4 ha: 46 ha; cell 800-2771 lies wholly in
    PARK_C and is no cell any more; the others keep their land. The lake then takes 25 ha from
    800-2770 (50 ha usable) and from 801-2770 the 22 ha of its 25 outside PARK_A (47 ha usable)."""
    parks = site_polygons(sites(PARK_A, PARK_B, PARK_C, Point(X0 + 2_300, Y0 + 1_200)), pyproj.CRS(UTM))
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(("lake", LAKE)), CandidatesSpec(cell_size_m=1_000),
                                UTM, rule=rule(), parks=parks)
    gross = table(cells, "gross_ha")
    assert set(gross) == set(CELLS) - {"cell-a-800-2771"}
    geometry = dict(zip(cells["id"], cells.geometry, strict=True))
    hand = {"cell-a-800-2770": 75.0, "cell-a-801-2770": 69.0, "cell-a-802-2770": 46.0, "cell-a-801-2771": 50.0,
            "cell-a-802-2771": 25.0}
    assert gross == pytest.approx({c: on_ellipsoid(ha, CELLS[c]) for c, ha in hand.items()}, rel=1e-6)
    usable = table(cells, "usable_ha")
    assert usable["cell-a-801-2770"] == pytest.approx(on_ellipsoid(47.0, CELLS["cell-a-801-2770"]), rel=1e-6)
    assert usable["cell-a-800-2770"] == pytest.approx(on_ellipsoid(50.0, CELLS["cell-a-800-2770"]), rel=1e-6)
    # No cell overlaps a park; the cut cells with the parks give back the cluster's land.
    union = shapely.union_all([PARK_A, PARK_B, PARK_C])
    assert shapely.area(shapely.intersection(cells.geometry.to_numpy(), union)).max() == pytest.approx(0.0, abs=1e-6)
    assert shapely.union_all([*geometry.values(), union]).intersection(CLUSTER).area == pytest.approx(CLUSTER.area)
    assert geometry["cell-a-801-2771"].equals(CELLS["cell-a-801-2771"])  # untouched cells are kept as drawn


def test_points_cut_nothing() -> None:
    assert site_polygons(sites(Point(X0 + 1_500, Y0 + 500)), pyproj.CRS(UTM)) is None
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(), CandidatesSpec(cell_size_m=1_000), UTM,
                                parks=None)
    assert len(cells) == len(CELLS)


def test_parks_covering_every_cell_are_named_as_what_removed_them() -> None:
    parks = site_polygons(sites(CLUSTER.buffer(10)), pyproj.CRS(UTM))
    spec = CandidatesSpec(cell_size_m=1_000)
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(), spec, UTM, parks=parks)
    assert cells.empty
    message = no_cell_left(clusters(("a", CLUSTER)), redline(), spec, UTM, parks=parks, where="s.yaml")
    assert message == ("s.yaml: candidates | no cell is left: the sites layer's polygons (the parks, whose land is "
                       "theirs) cover the land the red line leaves in the clusters (got no cell with usable land "
                       "outside them); the parks' land is planned as theirs; nothing is left for cells to add")
    zone = box(X0 + 250, Y0, X0 + 1_000, Y0 + 1_500)
    within = no_cell_left(clusters(("a", CLUSTER)), redline(), spec, UTM, parks=parks, allowed=zone, where="s.yaml")
    assert "leaves within the allowed zone" in within and within.endswith("widen the allowed zone beyond the parks")
    with pytest.raises(InputError):
        raise InputError([message])


def test_a_sliver_between_a_park_and_the_cluster_edge_is_no_cell() -> None:
    """A park drawn to the cluster's west edge but 5 mm short of it leaves a 0.005 m x 1,000 m
    strip (5 m2) of cell 800-2770 and a 2.5 m2 one of 800-2771: slivers, no cells (the other
    cells keep their land)."""
    park = box(X0 + 250.005, Y0, X0 + 1_000, Y0 + 1_500)
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(), CandidatesSpec(cell_size_m=1_000), UTM,
                                parks=site_polygons(sites(park), pyproj.CRS(UTM)))
    assert set(cells["id"]) == set(CELLS) - {"cell-a-800-2770", "cell-a-800-2771"}


def test_a_park_the_plan_drops_as_outside_every_cluster_cuts_nothing() -> None:
    """A park whose representative point lies outside the cluster (its polygon reaching 500 m into
    cell 802-2771 from the east) is dropped by the plan (spatial.sites_outside_clusters: drop):
    with the clusters given, its land is not cut out of the cells, which keep it."""
    park = box(X0 + 2_000, Y0 + 1_000, X0 + 6_000, Y0 + 1_500)
    layer = sites(park)
    assert site_polygons(layer, pyproj.CRS(UTM), clusters(("a", CLUSTER))) is None
    assert site_polygons(layer, pyproj.CRS(UTM)) is not None  # without the clusters, every park cuts
