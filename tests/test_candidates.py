"""Candidate cells over literal clusters, with exact areas checked by hand.

Geometry is drawn in UTM zone 48N (EPSG:32648, metres) on whole-metre coordinates, so every
area below is exact in floating point in the working CRS. A cell's land is measured on the
ellipsoid: the hand figure divided by the CRS's areal scale at the cell's centroid (`on_ellipsoid`,
about 1.00145 here, 300 km east of the central meridian)."""

from __future__ import annotations

import importlib.util

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from pydantic import ValidationError
from shapely.geometry import box

from siting.config.errors import InputError
from siting.prepare.candidates import CandidatesSpec, allowed_zone_geometry, generate_candidates
from siting.prepare.layers import ellipsoidal_area_m2
from siting.prepare.spatial import BUFFER_QUAD_SEGS, RedlineSettings, land_after_redline
from tests.conftest import on_ellipsoid

UTM = "EPSG:32648"
X0, Y0 = 800_000.0, 2_770_000.0  # a 1 km grid line crossing: column 800, row 2770
#: 2,250 m x 1,500 m, not aligned with the 1 km grid on its west, east and north edges.
CLUSTER = box(X0 + 250, Y0, X0 + 2_500, Y0 + 1_500)
#: 1,000 m x 500 m, straddling the line between columns 800 and 801 in row 2770.
LAKE = box(X0 + 500, Y0 + 500, X0 + 1_500, Y0 + 1_000)

#: The cells of the 1 km grid clipped to CLUSTER, drawn by hand.
CELLS = {"cell-a-800-2770": box(X0 + 250, Y0, X0 + 1_000, Y0 + 1_000),
         "cell-a-801-2770": box(X0 + 1_000, Y0, X0 + 2_000, Y0 + 1_000),
         "cell-a-802-2770": box(X0 + 2_000, Y0, X0 + 2_500, Y0 + 1_000),
         "cell-a-800-2771": box(X0 + 250, Y0 + 1_000, X0 + 1_000, Y0 + 1_500),
         "cell-a-801-2771": box(X0 + 1_000, Y0 + 1_000, X0 + 2_000, Y0 + 1_500),
         "cell-a-802-2771": box(X0 + 2_000, Y0 + 1_000, X0 + 2_500, Y0 + 1_500)}

needs_h3 = pytest.mark.skipif(importlib.util.find_spec("h3") is None, reason="the h3 package is not installed")


def clusters(*items: tuple[str, shapely.Geometry], crs: str = UTM) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [i for i, _ in items]}, geometry=[g for _, g in items], crs=crs)


def redline(*items: tuple[str, shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"r{k}" for k in range(len(items))], "category": [c for c, _ in items]},
                            geometry=[g for _, g in items], crs=UTM)


def rule(buffer_m: float = 0.0, setbacks: dict | None = None) -> RedlineSettings:
    return RedlineSettings(enabled=True, buffer_m=buffer_m, categories=None, setbacks_m=setbacks or {})


def table(cells: gpd.GeoDataFrame, column: str) -> dict[str, float]:
    return dict(zip(cells["id"], cells[column], strict=True))



def by_hand(figures: dict[str, float]) -> dict[str, float]:
    """The hand figures of the cells of CELLS, on the ellipsoid, to within 1e-9."""
    return pytest.approx({name: on_ellipsoid(ha, CELLS[name]) for name, ha in figures.items()}, rel=1e-9)


def test_square_grid_gives_the_known_cells_and_usable_areas():
    """Six 1 km cells meet the cluster; the west, east and north ones are cut by its edges, and
    the lake takes 500 m x 500 m (25 ha) from each of the two southern cells it straddles. The
    lake's north edge only touches row 2771, which keeps all its land. Each figure is then taken
    onto the ellipsoid, where it is the clipped cell's own area as a GIS measures it."""
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(("lake", LAKE)), CandidatesSpec(cell_size_m=1_000),
                                UTM)
    assert list(cells.columns) == ["id", "cluster", "kind", "gross_ha", "usable_ha", "geometry"]
    assert list(cells["id"]) == ["cell-a-800-2770", "cell-a-801-2770", "cell-a-802-2770",
                                 "cell-a-800-2771", "cell-a-801-2771", "cell-a-802-2771"]
    assert set(cells["cluster"]) == {"a"} and set(cells["kind"]) == {"cell"}
    assert table(cells, "gross_ha") == by_hand({"cell-a-800-2770": 75.0, "cell-a-801-2770": 100.0,
                                                "cell-a-802-2770": 50.0, "cell-a-800-2771": 37.5,
                                                "cell-a-801-2771": 50.0, "cell-a-802-2771": 25.0})
    assert table(cells, "usable_ha") == by_hand({"cell-a-800-2770": 50.0, "cell-a-801-2770": 75.0,
                                                 "cell-a-802-2770": 50.0, "cell-a-800-2771": 37.5,
                                                 "cell-a-801-2771": 50.0, "cell-a-802-2771": 25.0})
    # The geometry is the cell clipped to the cluster, in the working CRS.
    assert cells.crs == UTM
    assert all(cell.equals(CELLS[name]) for name, cell in zip(cells["id"], cells.geometry, strict=True))
    # Land is the footprint: the clipped cell's area on the ellipsoid (to within the areal scale's
    # change across the cell), not its area in the working CRS.
    footprint_ha = ellipsoidal_area_m2(cells.geometry.to_numpy(), UTM) / 10_000
    assert np.allclose(cells["gross_ha"], footprint_ha, rtol=1e-7, atol=0)
    assert (cells["usable_ha"] <= footprint_ha * (1 + 1e-7)).all()
    assert not np.allclose(cells.area / 10_000, cells["gross_ha"], rtol=1e-4, atol=0)


def test_buffer_widens_the_exclusion():
    """A 500 m buffer turns the lake into x 0-2,000, y 0-1,500 with corners rounded to quarter
    discs of 500 m around the lake's corners. Cell 801-2771 (x 1,000-2,000, y 1,000-1,500) loses
    the band x 1,000-1,500 (25 ha) and the quarter disc around (1,500, 1,000); cell 801-2770
    (x 1,000-2,000, y 0-1,000) loses x 1,000-1,500 (50 ha), the band x 1,500-2,000, y 500-1,000
    (25 ha) and the quarter disc around (1,500, 500). On the ellipsoid, each figure is divided by
    the areal scale at its cell's centroid."""
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(("lake", LAKE)), CandidatesSpec(cell_size_m=1_000),
                                UTM, rule=rule(500.0))
    usable = table(cells, "usable_ha")
    quarter_disc_ha = shapely.buffer(shapely.Point(0, 0), 500.0, quad_segs=BUFFER_QUAD_SEGS).area / 4 / 10_000
    assert usable["cell-a-801-2771"] == pytest.approx(
        on_ellipsoid(50.0 - 25.0 - quarter_disc_ha, CELLS["cell-a-801-2771"]), rel=1e-9)
    assert usable["cell-a-801-2770"] == pytest.approx(
        on_ellipsoid(100.0 - 50.0 - 25.0 - quarter_disc_ha, CELLS["cell-a-801-2770"]), rel=1e-9)
    # x 2,000-2,500: the buffer ends at x = 2,000
    assert usable["cell-a-802-2770"] == pytest.approx(on_ellipsoid(50.0, CELLS["cell-a-802-2770"]), rel=1e-9)


def test_cell_covered_by_the_red_line_is_dropped_and_min_usable_area_applies():
    """A red-line polygon covering cell 802-2770 removes it whatever the minimum; with a
    minimum of the 50 ha of cell 801-2771 (on the ellipsoid, the smaller of the two 50 ha cells,
    being further east), the cells with less usable land (37.5 ha and 25 ha) go too, and the cell
    with exactly that minimum stays."""
    covering = box(X0 + 2_000, Y0, X0 + 3_000, Y0 + 1_000)
    layers = clusters(("a", CLUSTER)), redline(("lake", LAKE), ("forest", covering))
    every = generate_candidates(*layers, CandidatesSpec(cell_size_m=1_000), UTM)
    assert "cell-a-802-2770" not in set(every["id"])
    assert len(every) == 5
    minimum = table(every, "usable_ha")["cell-a-801-2771"]
    assert minimum == pytest.approx(on_ellipsoid(50.0, CELLS["cell-a-801-2771"]), rel=1e-9)
    assert minimum < table(every, "usable_ha")["cell-a-800-2770"]
    kept = generate_candidates(*layers, CandidatesSpec(cell_size_m=1_000, min_usable_ha=minimum), UTM)
    assert table(kept, "usable_ha") == by_hand({"cell-a-800-2770": 50.0, "cell-a-801-2770": 75.0,
                                                "cell-a-801-2771": 50.0})
    assert table(kept, "usable_ha")["cell-a-801-2771"] == minimum


def test_per_product_setbacks_give_their_own_column_measured_as_polygon_sites_are():
    """Product `s` keeps 300 m from lakes; `p` has no setback. `usable_ha` is the base zone (the
    lake itself), `usable_ha_s` the wider one; both equal what land_after_redline gives the cells
    as polygon sites."""
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(("lake", LAKE)), CandidatesSpec(cell_size_m=1_000),
                                UTM, rule=rule(0.0, {"s": {"lake": 300.0}}), products=["p", "s"])
    assert list(cells.columns) == ["id", "cluster", "kind", "gross_ha", "usable_ha", "usable_ha_s", "geometry"]
    assert (cells["usable_ha_s"] <= cells["usable_ha"]).all()
    assert cells["usable_ha_s"].sum() < cells["usable_ha"].sum()
    # Cell 802-2770 (x 2,000-2,500) is 500 m from the lake: out of reach of the 300 m setback.
    assert table(cells, "usable_ha_s")["cell-a-802-2770"] == pytest.approx(on_ellipsoid(50.0, CELLS["cell-a-802-2770"]),
                                                                         rel=1e-9)
    assert table(cells, "usable_ha_s")["cell-a-802-2770"] == table(cells, "usable_ha")["cell-a-802-2770"]
    sites = cells.assign(gross_land_ha=cells["gross_ha"])
    land, _ = land_after_redline(sites, redline(("lake", LAKE)), ["p", "s"], rule(0.0, {"s": {"lake": 300.0}}))
    for product, column in (("p", "usable_ha"), ("s", "usable_ha_s")):
        expected = land.loc[land["product"] == product, "land_after_redline_ha"].to_numpy()
        assert np.allclose(cells[column].to_numpy(), expected, rtol=1e-12, atol=1e-9)


def test_allowed_zone_limits_the_cells():
    """Only the southern strip x 1,000-5,000, y 0-1,000 is allowed: two cells, cut as before."""
    allowed = box(X0 + 1_000, Y0, X0 + 5_000, Y0 + 1_000)
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(("lake", LAKE)), CandidatesSpec(cell_size_m=1_000),
                                UTM, allowed=allowed)
    assert table(cells, "gross_ha") == by_hand({"cell-a-801-2770": 100.0, "cell-a-802-2770": 50.0})
    assert table(cells, "usable_ha") == by_hand({"cell-a-801-2770": 75.0, "cell-a-802-2770": 50.0})


def test_allowed_zone_layer_selects_polygons_by_field_values():
    """A county list picks the counties named; the others are not allowed."""
    west, east = box(X0, Y0, X0 + 1_000, Y0 + 2_000), box(X0 + 1_000, Y0, X0 + 3_000, Y0 + 2_000)
    counties = gpd.GeoDataFrame({"adcode": [530102, 530103]}, geometry=[west, east], crs=UTM)
    spec = CandidatesSpec.model_validate({"cell_size_m": 1_000, "allowed_zone": {
        "path": "counties.geojson", "field": "adcode", "values": ["530103"]}})
    zone = allowed_zone_geometry(counties, spec.allowed_zone, UTM)
    assert zone.equals(east)
    cells = generate_candidates(clusters(("a", CLUSTER)), redline(), spec, UTM, allowed=zone)
    assert table(cells, "gross_ha") == by_hand({"cell-a-801-2770": 100.0, "cell-a-802-2770": 50.0,
                                                "cell-a-801-2771": 50.0, "cell-a-802-2771": 25.0})


def test_cell_across_two_clusters_gives_one_row_per_cluster():
    """Two clusters meet at x = 500 inside column 800: the cell splits into 50 ha for each (on
    the ellipsoid, each half's 50 ha divided by the areal scale at its own centroid)."""
    west, east = box(X0, Y0, X0 + 500, Y0 + 1_000), box(X0 + 500, Y0, X0 + 1_000, Y0 + 1_000)
    cells = generate_candidates(clusters(("w", west), ("e", east)), redline(), CandidatesSpec(cell_size_m=1_000), UTM)
    assert list(zip(cells["id"], cells["cluster"], strict=True)) == [("cell-w-800-2770", "w"), ("cell-e-800-2770", "e")]
    assert list(cells["gross_ha"]) == pytest.approx([on_ellipsoid(50.0, west), on_ellipsoid(50.0, east)], rel=1e-9)


def test_same_inputs_give_the_same_cells():
    """Ids, order, areas and geometry repeat exactly; clusters in lon/lat are projected first."""
    lonlat = clusters(("a", CLUSTER)).to_crs("EPSG:4326")
    first = generate_candidates(lonlat, redline(("lake", LAKE)), CandidatesSpec(cell_size_m=700), UTM)
    second = generate_candidates(lonlat, redline(("lake", LAKE)), CandidatesSpec(cell_size_m=700), UTM)
    assert len(first) > 6
    assert first.to_json() == second.to_json()
    assert list(first["id"]) == sorted(first["id"], key=lambda i: (int(i.split("-")[3]), int(i.split("-")[2])))
    assert first["gross_ha"].sum() == pytest.approx(on_ellipsoid(CLUSTER.area / 10_000, CLUSTER), rel=1e-6)


@pytest.mark.parametrize(("given", "message"), [
    ({}, "Value error, square cells need `cell_size_m` (m) and no `h3_resolution` (got no cell_size_m and no "
     "h3_resolution)"),
    ({"cell_size_m": 1_000, "h3_resolution": 7}, "Value error, square cells need `cell_size_m` (m) and no "
     "`h3_resolution` (got cell_size_m 1000 and h3_resolution 7)"),
    ({"shape": "hexagon"}, "Value error, hexagonal cells need `h3_resolution` (0-15) and no `cell_size_m` (got no "
     "h3_resolution and no cell_size_m)"),
    ({"cell_size_m": 0}, "Input should be greater than 0"),
    ({"cell_size_m": 1_000, "allowed_zone": {"path": "z.gpkg", "field": "adcode"}},
     "Value error, give `field` and `values` together, or neither (every polygon allowed) (got field 'adcode' "
     "without values); list the values of 'adcode' that are allowed, or leave field out"),
    ({"cell_size_m": 1_000, "size": 3}, "Extra inputs are not permitted"),
])
def test_spec_refuses_inconsistent_settings(given, message):
    with pytest.raises(ValidationError) as caught:
        CandidatesSpec.model_validate(given)
    assert [e["msg"] for e in caught.value.errors()] == [message]


@needs_h3
def test_hexagons_over_a_seven_cell_disk_are_those_seven_cells():
    """A cluster drawn as an H3 cell and its six neighbours (resolution 7, in lon/lat) gives
    exactly those seven hexagons, named by their index, each of its area on the WGS84 ellipsoid as
    H3 draws it (h3's own cell_area, on a sphere, is 0.21 % larger at 25 N); the ring around them
    only touches the cluster and gives no cell."""
    import h3

    centre = h3.latlng_to_cell(25.0, 102.9, 7)
    disk = sorted(h3.grid_disk(centre, 1))
    hexagons = [shapely.Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in disk]
    cluster = clusters(("k", shapely.union_all(hexagons)), crs="EPSG:4326")
    cells = generate_candidates(cluster, redline(), CandidatesSpec(shape="hexagon", h3_resolution=7), UTM)
    assert list(cells["id"]) == [f"cell-k-{c}" for c in disk]
    geod = pyproj.Geod(ellps="WGS84")
    expected = np.array([abs(geod.geometry_area_perimeter(h)[0]) for h in hexagons]) / 10_000
    assert np.allclose(cells["gross_ha"].to_numpy(), expected, rtol=1e-6, atol=0)
    spherical = np.array([h3.cell_area(c, unit="m^2") for c in disk]) / 10_000
    assert np.allclose(cells["gross_ha"].to_numpy() * 1.0021, spherical, rtol=2e-4, atol=0)


def test_hexagons_without_h3_are_a_clear_error(monkeypatch):
    """Without the h3 package, hexagonal cells are refused with the fix, naming the scenario."""
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "h3" else find_spec(name, *a))
    with pytest.raises(InputError) as caught:
        generate_candidates(clusters(("a", CLUSTER)), redline(), CandidatesSpec(shape="hexagon", h3_resolution=7),
                            UTM, where="s.yaml")
    assert caught.value.problems == [
        "s.yaml: candidates.shape | hexagonal cells need the h3 package, which is not installed (got 'hexagon'); "
        "install it (pip install 'siting[candidates]') or use square cells"]


def test_allowed_zone_county_codes_may_be_written_as_numbers() -> None:
    """`values: [530101]` (unquoted county codes) is read as the digits; a boolean is refused."""
    from pathlib import Path

    from pydantic import ValidationError

    from siting.config.schema import AllowedZone

    zone = AllowedZone(path=Path("zone.geojson"), field="code", values=[530101, "530102"])
    assert zone.values == ["530101", "530102"]
    with pytest.raises(ValidationError):
        AllowedZone(path=Path("zone.geojson"), field="code", values=[True])


def test_cell_whose_every_product_setback_covers_it_is_dropped():
    """Both products keep 100 km from lakes, so no product may use any cell, though the base zone
    (the lake itself, which no product's zone is) leaves them land: every cell is dropped, and the
    block is refused naming the setbacks (the buffer alone would leave cells), not kept as cells no
    product can build on."""
    from siting.prepare.candidates import no_cell_left
    far = {"lake": 100_000.0}
    layers = clusters(("a", CLUSTER)), redline(("lake", LAKE))
    settings = rule(0.0, {"p": far, "s": far})
    cells = generate_candidates(*layers, CandidatesSpec(cell_size_m=1_000), UTM, rule=settings, products=["p", "s"])
    assert cells.empty
    message = no_cell_left(*layers, CandidatesSpec(cell_size_m=1_000), UTM, rule=settings, products=["p", "s"])
    assert "products' setbacks of constraints.redline.setbacks_m cover every cell" in message
    assert "min_usable_ha" not in message


def test_min_usable_area_is_measured_on_the_products_land_not_the_unused_base_zone():
    """Both products keep 300 m from the lake; the base zone, the lake alone, is no product's. A
    minimum of 50 ha keeps only the cells where some product has 50 ha, and the refusal of a
    larger minimum gives the largest land a product has."""
    from siting.prepare.candidates import no_cell_left
    near = {"lake": 300.0}
    layers = clusters(("a", CLUSTER)), redline(("lake", LAKE))
    settings = rule(0.0, {"p": near, "s": near})
    every = generate_candidates(*layers, CandidatesSpec(cell_size_m=1_000), UTM, rule=settings, products=["p", "s"])
    kept = generate_candidates(*layers, CandidatesSpec(cell_size_m=1_000, min_usable_ha=50), UTM, rule=settings,
                               products=["p", "s"])
    product_land = every[["usable_ha_p", "usable_ha_s"]].max(axis=1)
    assert set(kept["id"]) == set(every.loc[product_land >= 50, "id"])
    assert set(kept["id"]) != set(every.loc[every["usable_ha"] >= 50, "id"])
    message = no_cell_left(*layers, CandidatesSpec(cell_size_m=1_000, min_usable_ha=1_000), UTM, rule=settings,
                           products=["p", "s"])
    assert f"the largest cell has {np.floor(product_land.max() * 10) / 10:,g} ha usable" in message
