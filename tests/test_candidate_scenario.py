"""Candidate cells in a scenario: a `candidates:` block adds cells to the sites of the plan, and
every output shows them.

The allowed zones are drawn in UTM zone 48N (EPSG:32648, the small scenario's working CRS) on
the 10 km grid, well inside the west cluster (x 196-248 km, y 2,713-2,767 km), so each cell
they hold is a whole 10 km x 10 km square of exactly 10,000 ha in UTM, whose land is measured on
the ellipsoid: 10,000 ha divided by the areal scale at its centre (`on_ellipsoid`, about 1.0012
at x 215 km, some 12 ha less):
- zone `a`, x 210-230 km, y 2,730-2,740 km: cells (21, 273) and (22, 273), 16 km and more from
  the lake (x 235.3-239.4 km, y 2,754.2-2,758.6 km), so nothing of them is excluded;
- zone `b`, x 230-240 km, y 2,750-2,760 km: cell (23, 275), which holds the lake and loses its
  1 km buffer to the red line.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import pytest
import shapely
from shapely.geometry import box

from siting.cli import main
from siting.config.errors import InputError
from siting.config.schema import CandidatesSpec
from siting.deliver.mapplot import map_figure
from siting.deliver.styles import BUILT
from siting.prepare.candidates import MAX_CELLS, check_cell_count
from siting.prepare.problem import candidate_cells, load_checked, prepare
from siting.prepare.spatial import BUFFER_QUAD_SEGS
from tests.conftest import edit, on_ellipsoid, run_bad

UTM = "EPSG:32648"
ZONE_A = box(210_000, 2_730_000, 230_000, 2_740_000)
ZONE_B = box(230_000, 2_750_000, 240_000, 2_760_000)
CELLS_A = ["cell-west-21-273", "cell-west-22-273"]
CELL_B = "cell-west-23-275"
PARKS = ["w_mine", "w_lake", "e_city", "e_far"]
#: The whole 10 km cells of zones a and b, as drawn.
SQUARES = {"cell-west-21-273": box(210_000, 2_730_000, 220_000, 2_740_000),
           "cell-west-22-273": box(220_000, 2_730_000, 230_000, 2_740_000),
           CELL_B: box(230_000, 2_750_000, 240_000, 2_760_000)}



def write_zones(folder: Path, zones: dict[str, shapely.Geometry]) -> None:
    """The allowed-zone layer `allowed.gpkg` in `folder`: one polygon per zone (field `zone`), UTM 48N."""
    frame = gpd.GeoDataFrame({"zone": list(zones)}, geometry=list(zones.values()), crs=UTM)
    frame.to_file(folder / "allowed.gpkg", driver="GPKG", engine="pyogrio")


def with_cells(folder: Path, block: str, zones: dict[str, shapely.Geometry] | None = None) -> Path:
    """The small scenario in `folder` with a `candidates:` block (YAML flow mapping) and, when
    given, the allowed-zone layer `allowed.gpkg` (`write_zones`)."""
    if zones is not None:
        write_zones(folder, zones)
    scenario = folder / "scenario.yaml"
    scenario.write_text(scenario.read_text() + f"candidates: {block}\n")
    return scenario


def test_cells_become_sites_with_their_exact_land_price_and_tariff(folder: Path):
    """Zone a holds two whole 10 km cells: 10,000 ha each (on the ellipsoid), for every product, in the west
    cluster, at the block's land price and the west cluster's tariff (0.4 yuan/kWh), with no
    existing capacity; they follow the four parks in SITES."""
    scenario = with_cells(folder, "{cell_size_m: 10000, land_price_yuan_per_ha: 500000, allowed_zone: "
                                  "{path: allowed.gpkg, field: zone, values: [a]}}", {"a": ZONE_A, "b": ZONE_B})
    prepared = prepare(scenario, {})
    inputs = prepared.inputs
    assert prepared.candidate_cells == tuple(CELLS_A)
    assert (*PARKS, *CELLS_A) == inputs.SITES
    for cell in CELLS_A:
        assert inputs.cluster_of_site[cell] == "west"
        assert inputs.site_land_ha[cell] == pytest.approx(on_ellipsoid(10_000.0, SQUARES[cell]), rel=1e-9)
        assert {inputs.land_after_redline_ha[(cell, p)] for p in inputs.PRODUCTS} == {inputs.site_land_ha[cell]}
        assert not any((cell, p) in inputs.REDLINE_EXCLUDED for p in inputs.PRODUCTS)
        assert inputs.land_price_yuan_per_ha[cell] == 500_000.0
        assert inputs.power_tariff_yuan_per_kwh[cell] == 0.4
        assert not any(site == cell for site, _p in inputs.existing_capacity_units_per_yr)
        assert not any(site == cell for site, _p, _t in inputs.committed_units_per_yr)
        assert {(cell, p) for p in inputs.PRODUCTS} <= set(inputs.CANDIDATES)
    # The parks keep what they had without cells.
    assert inputs.land_price_yuan_per_ha["w_mine"] == 1_000_000.0
    assert inputs.power_tariff_yuan_per_kwh["e_city"] == 0.45
    assert list(prepared.spatial.sites["kind"]) == ["park"] * 4 + ["cell"] * 2
    assert prepared.notices[-1] == ("candidate cells: 2 (square) over the clusters, planned beside the 4 sites of "
                                    "the sites layer")


def test_distances_of_a_cell_run_from_its_representative_point(folder: Path):
    """A whole square cell's representative point is its centre (shapely's point on surface of
    a rectangle): cell (21, 273) at x 215 km, y 2,735 km. The scenario's detour factor is 1; km on the
    ellipsoid."""
    scenario = with_cells(folder, "{cell_size_m: 10000, allowed_zone: {path: allowed.gpkg}}", {"a": ZONE_A})
    prepared = prepare(scenario, {})
    spatial = prepared.spatial
    sources = spatial.sources.set_index("id")
    hub = spatial.hubs.set_index("id").geometry["west"]
    to_lonlat = pyproj.Transformer.from_crs(spatial.working_crs, "EPSG:4326", always_xy=True)

    def km_from_centre(point: shapely.Point) -> float:
        return pyproj.Geod(ellps="WGS84").inv(*to_lonlat.transform(215_000, 2_735_000),
                                              *to_lonlat.transform(point.x, point.y))[2] / 1000

    assert spatial.distance_km.at["cell-west-21-273", "rock_w"] == pytest.approx(
        km_from_centre(sources.geometry["rock_w"]), abs=1e-9)
    assert prepared.inputs.arc_km[("rock_w", "cell-west-21-273")] == pytest.approx(
        km_from_centre(sources.geometry["rock_w"]), abs=1e-9)
    assert spatial.site_hub_km["cell-west-21-273"] == pytest.approx(km_from_centre(hub), abs=1e-9)


def test_a_cell_keeps_the_land_outside_the_buffered_red_line(folder: Path):
    """Cell (23, 275) holds the lake; the red-line rule's 1 km buffer around it (in UTM,
    BUFFER_QUAD_SEGS segments a quarter circle) is taken from its 10,000 ha, as from a polygon site; both on the
    ellipsoid."""
    scenario = with_cells(folder, "{cell_size_m: 10000, allowed_zone: {path: allowed.gpkg, field: zone, "
                                  "values: [b]}}", {"a": ZONE_A, "b": ZONE_B})
    prepared = prepare(scenario, {})
    assert prepared.candidate_cells == (CELL_B,)
    lake = prepared.spatial.redline.geometry.iloc[0]
    cell = box(230_000, 2_750_000, 240_000, 2_760_000)
    excluded = shapely.intersection(shapely.buffer(lake, 1000.0, quad_segs=BUFFER_QUAD_SEGS), cell).area
    assert 3_000 < excluded / 1e4 < 4_000  # the lake is some 1,800 ha
    expected = on_ellipsoid(10_000.0 - excluded / 1e4, cell)
    inputs = prepared.inputs
    assert inputs.site_land_ha[CELL_B] == pytest.approx(on_ellipsoid(10_000.0, cell), rel=1e-9)
    for p in inputs.PRODUCTS:
        assert inputs.land_after_redline_ha[(CELL_B, p)] == pytest.approx(expected, rel=1e-9)


def test_the_allowed_zone_limits_the_cells(folder: Path):
    """Without an allowed zone the 10 km grid covers both clusters; with zones a and b it
    keeps their three cells; a minimum usable land above what the lake's cell keeps drops it."""
    every = prepare(with_cells(folder, "{cell_size_m: 10000}"), {})
    assert len(every.candidate_cells) > 50
    assert {every.inputs.cluster_of_site[c] for c in every.candidate_cells} == {"west", "east"}
    scenario = folder / "scenario.yaml"
    write_zones(folder, {"a": ZONE_A, "b": ZONE_B})
    edit(scenario, "candidates: {cell_size_m: 10000}",
         "candidates: {cell_size_m: 10000, allowed_zone: {path: allowed.gpkg}}")
    assert prepare(scenario, {}).candidate_cells == (*CELLS_A, CELL_B)
    edit(scenario, "cell_size_m: 10000,", "cell_size_m: 10000, min_usable_ha: 9000,")
    assert prepare(scenario, {}).candidate_cells == tuple(CELLS_A)


def test_a_cell_id_taken_by_a_park_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]):
    edit(folder / "sites.geojson", '"site_id": "e_far"', '"site_id": "cell-west-21-273"')
    with_cells(folder, "{cell_size_m: 10000, allowed_zone: {path: allowed.gpkg}}", {"a": ZONE_A})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml: candidates.id_prefix | cell ids 'cell-west-21-273' are also site ids of sites.geojson "
        "(got 'cell'); choose an id_prefix no site id starts with\n")


@pytest.mark.parametrize(("block", "message"), [
    ("{cell_size_m: -5}", "scenario.yaml:39: candidates.cell_size_m | must be greater than 0 (got -5); give "
     "a value in that range, in m"),
    ("{cell_size_m: 1000, min_usable_ha: yes}", "scenario.yaml:39: candidates.min_usable_ha | must be a number "
     "(got 'yes'); write the number alone, in ha, e.g. 20"),
    ("{cell_size: 1000}", "scenario.yaml:39: candidates.cell_size | unknown key; did you mean 'cell_size_m'? "
     "(in metres)"),
    ("{shape: hexagon, cell_size_m: 1000}", "scenario.yaml:39: candidates | hexagonal cells need "
     "`h3_resolution` (0-15) and no `cell_size_m` (got no h3_resolution and cell_size_m 1000)"),
    ("{cell_size_m: 1000, id_prefix: 'new cell'}", "scenario.yaml:39: candidates.id_prefix | may hold only "
     "the letters A-Z and a-z, digits and _ . - (got 'new cell'); write it as e.g. 'new_cell'"),
    ("{cell_size_m: 1000, allowed_zone: {path: industrial.gpkg}}", "scenario.yaml:39: candidates.allowed_zone.path "
     "| no such file (got 'industrial.gpkg', which is industrial.gpkg); give the path of the allowed-zone layer "
     "(relative paths start at the folder of the file that names it)"),
    ("{cell_size_m: 1000, allowed_zone: {path: allowed.gpkg, field: county, values: ['1']}}",
     "allowed.gpkg: field 'county' | missing from the allowed-zone layer (has: zone); add it or set "
     "candidates.allowed_zone.field to the right field name"),
    ("{cell_size_m: 1000, allowed_zone: {path: allowed.gpkg, field: zone, values: [c]}}",
     "allowed.gpkg: field 'zone' | no polygon of the allowed-zone layer has one of the values "
     "candidates.allowed_zone.values (got ['c']); give values the field holds: it holds 'a'"),
])
def test_bad_candidates_blocks_are_input_errors(folder: Path, capsys: pytest.CaptureFixture[str], block: str,
                                                message: str):
    with_cells(folder, block, {"a": ZONE_A})
    assert run_bad(folder, capsys) == f"error: 1 problem in the input:\n  - {message}\n"


def test_an_allowed_zone_of_points_is_refused_as_any_layer(folder: Path, capsys: pytest.CaptureFixture[str]):
    with_cells(folder, "{cell_size_m: 10000, allowed_zone: {path: allowed.gpkg}}",
               {"a": shapely.Point(215_000, 2_735_000)})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - allowed.gpkg: geometry | allowed-zone must be Polygon or MultiPolygon (got Point for the 1st "
        "feature); draw each area as a polygon\n")


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario with the two cells of zone a, solved; its output folder. The cells'
    10,000 ha each, at half the cheapest park's land price, take what the parks' 30-100 ha
    cannot hold."""
    import shutil

    from tests.conftest import SMALL

    folder = tmp_path_factory.mktemp("cells") / "small"
    shutil.copytree(SMALL, folder)
    with_cells(folder, "{cell_size_m: 10000, land_price_yuan_per_ha: 500000, allowed_zone: {path: allowed.gpkg}}",
               {"a": ZONE_A})
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    return out


def features(path: Path) -> list[dict]:
    return json.loads(path.read_text())["features"]


def test_outputs_carry_the_kind_and_every_cell(solved: Path):
    """sites.geojson: the four parks and each built cell, with `kind`; candidate_cells.geojson:
    both cells, their land and whether built; a built cell has capex in both."""
    sites = {f["id"]: f["properties"] for f in features(solved / "sites.geojson")}
    cells = {f["id"]: f["properties"] for f in features(solved / "candidate_cells.geojson")}
    assert list(cells) == CELLS_A
    built = [c for c in CELLS_A if cells[c]["built"]]
    assert built, "the plan builds on a cell"
    assert list(sites) == [*PARKS, *built]
    assert {s: p["kind"] for s, p in sites.items()} == {**dict.fromkeys(PARKS, "park"), **dict.fromkeys(built, "cell")}
    for cell in CELLS_A:
        row = cells[cell]
        assert row["cluster"] == "west"
        # named for people as sites.geojson names a built cell: its place on the grid and the nearest park
        assert row["name"].startswith(f"Cell {cell.split('-', 2)[2]} (") and " km " in row["name"]
        # 10,000 ha on the ellipsoid, to the layer's 0.1 ha
        assert (row["gross_ha"], row["usable_ha"]) == pytest.approx((on_ellipsoid(10_000.0, SQUARES[cell]),) * 2,
                                                                    abs=0.05)
        assert row["status"] == ("built" if row["built"] else "eligible_unused")
        assert (row["capex_yuan"] > 0) == row["built"]
    for cell in built:
        assert sites[cell]["status"] == "built"
        assert sites[cell]["capex_yuan"] == cells[cell]["capex_yuan"]
        assert sites[cell]["name"] == cells[cell]["name"]
        assert cells[cell]["main_product"] in {"fepo4", "lfp", "cells"}
    # The cell's polygon, in WGS84 to 6 decimals, is its square: 10,000 ha in UTM.
    frame = gpd.read_file(solved / "candidate_cells.geojson").to_crs(UTM)
    assert np.allclose(frame.area / 1e4, 10_000.0, rtol=1e-4)
    plan = (solved / "plan.csv").read_text()
    assert all(cell in plan for cell in built)


def test_cells_have_their_own_style_in_qgis(solved: Path):
    """candidate_cells.qml: categorised by status, the built cells filled, the others outlines
    only; the GeoPackage and the QGIS project hold the layer, under the sites."""
    root = ET.fromstring((solved / "candidate_cells.qml").read_text().split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    assert (renderer.get("type"), renderer.get("attr")) == ("categorizedSymbol", "status")
    fills = {}
    for category in renderer.iter("category"):
        sym = renderer.find(f"symbols/symbol[@name='{category.get('symbol')}']")
        options = {o.get("name"): o.get("value") for o in sym.iter("Option") if o.get("name")}
        fills[category.get("value")] = options["style"]
    assert fills == {"built": "solid"}  # both cells are built: the style lists only that status
    assert "candidate_cells" in {name for name, _kind in pyogrio.list_layers(solved / "plan.gpkg")}
    project = (solved / "plan.qgs").read_text()
    assert project.index("layername=sites") < project.index("layername=candidate_cells") < project.index(
        "layername=clusters")
    report = (solved / "report.md").read_text()
    assert "## Candidate cells" in report
    assert "2 cells generated over the clusters" in report


def test_a_built_cell_is_drawn_on_the_map(solved: Path):
    """map.png draws the built cells filled in the built colour and names them in the legend;
    the unbuilt ones as faint outlines."""
    from siting.deliver.layer import make_layer
    from siting.deliver.mapplot import MapTitle

    cells = gpd.read_file(solved / "candidate_cells.geojson")
    clusters = gpd.read_file(solved / "clusters.geojson")
    built = int(cells["built"].sum())
    layers = [make_layer("candidate_cells", "cells", cells, list(cells.columns.drop("geometry"))),
              make_layer("clusters", "clusters", clusters, ["id", "name"])]
    figure = map_figure(layers, MapTitle("t", "optimal", 0.0, 0.0, [2024]), [], UTM)
    ax = figure.axes[0]
    filled = [c for c in ax.collections if len(c.get_facecolor()) and np.allclose(
        c.get_facecolor()[0], (BUILT[0] / 255, BUILT[1] / 255, BUILT[2] / 255, 0.55))]
    assert len(filled) == 1 and len(filled[0].get_paths()) == built
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert f"candidate cell built ({built})" in labels
    assert "candidate cell (2 in all)" in labels


def test_hexagons_without_h3_stay_an_input_error_in_a_scenario(folder: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "h3" else find_spec(name, *a))
    with_cells(folder, "{shape: hexagon, h3_resolution: 5}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml: candidates.shape | hexagonal cells need the h3 package, which is not installed (got "
        "'hexagon'); install it (pip install 'siting[candidates]') or use square cells\n")


def test_no_candidates_block_gives_no_cells(folder: Path):
    prepared = prepare(folder / "scenario.yaml", {})
    assert prepared.candidate_cells == ()
    assert tuple(PARKS) == prepared.inputs.SITES
    with pytest.raises(InputError):
        prepare(with_cells(folder, "{cell_size_m: 0}"), {})


def test_the_shipped_cells_scenario_prepares_about_5000_cells_over_the_real_clusters():
    """scenarios/yunnan_2024_cells.yaml: 5,052 cells of 3.7 km over the three clusters beside the
    eighteen parks and outside them, each in its cluster with at least 50 ha usable, none larger
    than a whole cell (1,369 ha in UTM 48N, the largest on the ellipsoid the one of least areal scale) nor than its
    footprint, at the assumed 1,500,000 yuan/ha. Prepared, not solved."""
    scenario = Path(__file__).parent.parent / "scenarios" / "yunnan_2024_cells.yaml"
    timings: dict[str, float] = {}
    prepared = prepare(scenario, timings)
    cells = prepared.candidate_cells
    inputs = prepared.inputs
    assert len(cells) == 5_052
    assert len(inputs.SITES) == 18 + 5_052
    assert inputs.SITES[18:] == cells
    assert {c: sum(1 for s in cells if inputs.cluster_of_site[s] == c) for c in inputs.CLUSTERS} == {
        "kunming": 1_635, "yuxi": 1_165, "qujing": 2_252}
    assert all(s.startswith(f"cell-{inputs.cluster_of_site[s]}-") for s in cells)
    largest = [max(inputs.land_after_redline_ha[(s, p)] for p in inputs.PRODUCTS) for s in cells]
    assert min(largest) >= 50.0
    geometry = prepared.spatial.sites.set_index("id").loc[list(cells)]
    whole = geometry.index[np.isclose(geometry.area, 3_700.0 ** 2, rtol=0, atol=1e-3)]
    assert len(whole) > 1_000
    assert max(inputs.site_land_ha[s] for s in cells) == pytest.approx(
        max(on_ellipsoid(1_369.0, geometry.geometry[s]) for s in whole), rel=1e-9)
    # The footprint's geodesic edges stray from the cell's straight ones by up to some 3e-5 of a cut
    # cell's area; the working CRS's own area would exceed it by up to 1.5e-3.
    assert all(inputs.site_land_ha[s] <= geometry.at[s, "footprint_ha"] * (1 + 1e-4) for s in cells)
    assert {inputs.land_price_yuan_per_ha[s] for s in cells} == {1_500_000.0}
    # Cells in the clusters' polygons (their representative points, as sites are placed).
    sites = prepared.spatial.sites.set_index("id")
    clusters = prepared.spatial.clusters.set_index("id").geometry
    points = shapely.point_on_surface(sites.loc[list(cells)].geometry.to_numpy())
    owners = [clusters[inputs.cluster_of_site[s]] for s in cells]
    assert all(shapely.dwithin(owner, point, 1.0) for owner, point in zip(owners, points, strict=True))
    # None on a park's land (cut out, to within coordinate rounding: 1 m2 of a 1,369 ha cell).
    parks = shapely.union_all(sites.loc[list(inputs.SITES[:18])].geometry.to_numpy())
    assert shapely.area(shapely.intersection(sites.loc[list(cells)].geometry.to_numpy(), parks)).max() < 1.0


def test_a_narrow_cell_that_rounding_breaks_is_snapped_onto_the_grid_not_left_out():
    """A cell clipped to a cluster's edge (cell-kunming-80-789 of the shipped cells scenario, in
    WGS84) has a sliver that coordinate rounding folds onto itself, and the repair leaves a
    component of too few points; snapped onto the 6-decimal grid it is written whole (its area
    kept to 0.1 %), with no notice."""
    from siting.deliver.layer import make_layer

    cell = shapely.Polygon([
        (102.9917271616, 26.4131421369), (102.9920983305, 26.3917037765), (102.992098, 26.3917055),
        (102.990492, 26.400082), (102.989849, 26.402453), (102.98768, 26.406159), (102.986986, 26.408408),
        (102.98669, 26.412587), (102.9867502149, 26.4130721453), (102.9917271616, 26.4131421369)
    ])
    assert cell.is_valid
    layer = make_layer("candidate_cells", "Cells", gpd.GeoDataFrame({"id": ["c"]}, geometry=[cell], crs="EPSG:4326"),
                       ["id"], {"id": "string"}, "MultiPolygon")
    assert layer.notices == ()
    written = layer.frame.geometry.iloc[0]
    assert written.is_valid
    assert written.area == pytest.approx(cell.area, rel=1e-3)
    assert np.array_equal(shapely.get_coordinates(written), np.round(shapely.get_coordinates(written), 6))


def test_an_extending_scenario_in_another_folder_keeps_the_allowed_zone_of_its_base(folder: Path):
    """The base's `candidates.allowed_zone.path` is relative to the base; a scenario extending it
    from a subfolder reads the same layer."""
    with_cells(folder, "{cell_size_m: 10000, allowed_zone: {path: allowed.gpkg}}", {"a": ZONE_A})
    (folder / "variants").mkdir()
    child = folder / "variants" / "child.yaml"
    child.write_text("extends: ../scenario.yaml\nname: child\n")
    prepared = prepare(child, {})
    assert prepared.candidate_cells == tuple(CELLS_A)
    assert prepared.layers.paths["allowed_zone"] == (folder / "allowed.gpkg").resolve()


def test_a_committed_project_cannot_stand_on_a_cell(folder: Path, capsys: pytest.CaptureFixture[str]):
    """Cells have no committed capacity: a committed project names a site of the sites layer."""
    edit(folder / "committed_projects.yaml", "site: e_city", "site: cell-west-21-273")
    with_cells(folder, "{cell_size_m: 10000, allowed_zone: {path: allowed.gpkg}}", {"a": ZONE_A})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - committed_projects.yaml:4: [0] (east_lfp).site | unknown site (got 'cell-west-21-273'); choose one of: "
        "w_mine, w_lake, e_city, e_far\n")


def test_the_manifest_and_report_of_a_cell_run_say_how_it_was_screened(solved: Path):
    """The manifest's solver settings are what the run was given (the default time limit of 60 s,
    the small scenario's gap 0), not one search's; its `screening` member holds the counts, LB,
    UB and each search's limits (the merged model's count relaxation: 8,000 nodes, no scout,
    0.85 of the time limit as its safety net, 0.6 of the gap; the rounds: 1,000 nodes; both with
    the screening's heuristic effort, 0.3, which the run's settings do not hold); the model size is
    the screened model's. report.md labels the bound, the gap and the model size as such, and
    names the merged model's heuristic effort."""
    manifest = json.loads((solved / "manifest.json").read_text())
    settings = manifest["solver"]["settings"]
    assert (settings["time_limit_s"], settings["rel_gap"], settings["options"]) == (60.0, 0.0, {})
    screening = manifest["screening"]
    assert screening["candidate_cells"] == 2
    assert screening["merged_model"] | {"termination": None} == {"termination": None, "mip_max_nodes": 8000,
                                                                 "time_limit_s": 51.0, "rel_gap": 0.0,
                                                                 "abs_gap_yuan": None, "mip_heuristic_effort": 0.3,
                                                                 "scout_nodes": 0, "proof_search": None}
    assert screening["screened_rounds"] == {"mip_max_nodes": 1000, "time_limit_s": 60.0, "rel_gap": 0.0,
                                            "abs_gap_yuan": None, "mip_heuristic_effort": 0.3}
    assert screening["upper_bound_yuan"] == manifest["solver"]["objective_yuan"]
    assert screening["stopped_by_time_limit"] == []
    assert "screening" not in manifest["model_size"]
    assert manifest["model_size"]["screened_sites"] == screening["screened_sites"]
    report = (solved / "report.md").read_text()
    for label in ("| best bound (merged model's) |", "| gap of the full instance |", "| model (screened) |",
                  "| lower bound LB (merged model) |", "| upper bound UB (screened plan) |",
                  "its search (HiGHS heuristic effort 0.3) ",
                  "| gap | (UB - LB) / UB: the proven gap of the full instance, with every candidate cell |"):
        assert label in report


def test_two_cell_runs_give_the_same_files_and_the_summary_says_it_was_screened(
        solved: Path, capsys: pytest.CaptureFixture[str]):
    """A second run of the same scenario gives byte-identical files (the manifest's `run`
    member, its timings, aside); the terminal summary names the screening, LB and UB."""
    scenario = solved.parent / "scenario.yaml"
    again = solved.parent / "again"
    capsys.readouterr()
    assert main(["solve", str(scenario), "--out", str(again), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "screened  2 candidate cells in " in out
    assert "the gap (UB - LB) / UB is that of the full instance, with every cell" in out
    names = sorted(p.name for p in solved.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        first, second = (solved / name).read_bytes(), (again / name).read_bytes()
        if name == "manifest.json":
            first_m, second_m = json.loads(first), json.loads(second)
            first_m.pop("run")
            second_m.pop("run")
            assert first_m == second_m
        elif name != ".siting-run":
            assert first == second, name


# The small scenario's clusters cover 5,605.4 km2 in its working CRS (UTM 48N); a 3 km cell wholly
# inside a cluster and away from the lake has 900 ha usable.


def test_a_grid_of_more_cells_than_a_scenario_may_have_is_refused_before_it_is_drawn(
        folder: Path, capsys: pytest.CaptureFixture[str]):
    """160 m squares would be about 219,000 cells (5,605.4 km2 / 0.0256 km2), over MAX_CELLS
    (200,000): refused with the smallest side within the limit, 170 m (about 194,000 cells),
    rounded up to 10 m. The side named passes: the scenario's cells, drawn as a run prepares
    them (`candidate_cells`, where the count is checked), are more than 190,000."""
    assert MAX_CELLS == 200_000
    with_cells(folder, "{cell_size_m: 160}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:39: candidates.cell_size_m | would give about 218,961 cells over the 5,605 km2 of the "
        "clusters, more than the 200,000 a scenario may have (got 160); use a cell_size_m of at least 170 m (or an "
        "allowed_zone that keeps less land)\n")
    edit(folder / "scenario.yaml", "cell_size_m: 160", "cell_size_m: 170")
    assert len(candidate_cells(*load_checked(folder / "scenario.yaml")[:2])) > 190_000


def test_the_cell_count_is_checked_on_the_area_alone():
    """A 10 m grid over the small clusters (56 million cells) is refused by the estimate alone; the
    limit's edges: 170 m and H3 resolution 9 (about 53,000 hexagons) pass, 160 m and resolution 10
    (about 373,000) do not."""
    area_m2 = 5_605.37e6
    with pytest.raises(InputError) as raised:
        check_cell_count(area_m2, CandidatesSpec(cell_size_m=10), "s.yaml")
    assert raised.value.problems == [
        "s.yaml: candidates.cell_size_m | would give about 56,053,700 cells over the 5,605 km2 of the clusters, more "
        "than the 200,000 a scenario may have (got 10); use a cell_size_m of at least 170 m (or an allowed_zone "
        "that keeps less land)"]
    check_cell_count(area_m2, CandidatesSpec(cell_size_m=170))
    with pytest.raises(InputError):
        check_cell_count(area_m2, CandidatesSpec(cell_size_m=160))
    pytest.importorskip("h3")
    check_cell_count(area_m2, CandidatesSpec(shape="hexagon", h3_resolution=9))
    with pytest.raises(InputError) as raised:
        check_cell_count(area_m2, CandidatesSpec(shape="hexagon", h3_resolution=10), "s.yaml", within_zone=True)
    assert raised.value.problems == [
        "s.yaml: candidates.h3_resolution | would give about 372,512 cells over the 5,605 km2 of the clusters within "
        "the allowed zone, more than the 200,000 a scenario may have (got 10); use an h3_resolution of at most 9 (or "
        "an allowed_zone that keeps less land)"]


def test_an_allowed_zone_outside_every_cluster_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A zone at 110 E, 30 N (drawn in longitude/latitude), some 700 km from the clusters: no cell."""
    far = gpd.GeoDataFrame({"zone": ["far"]}, geometry=[box(110.0, 30.0, 110.1, 30.1)], crs="EPSG:4326")
    far.to_file(folder / "far.geojson", driver="GeoJSON", engine="pyogrio")
    with_cells(folder, "{cell_size_m: 3000, allowed_zone: {path: far.geojson}}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:39: candidates.allowed_zone | does not overlap any cluster, so no cell is left (got "
        "'far.geojson'); draw the zone over the clusters, and check that the layer's coordinate system is the one "
        "its coordinates are in\n")


def test_a_minimum_usable_land_above_every_cell_is_refused_with_the_largest(
        folder: Path, capsys: pytest.CaptureFixture[str]):
    """3 km cells hold at most 900 ha in UTM, 900.1 ha on the ellipsoid (floored to 0.1 ha; the
    whole cell of least areal scale): a minimum of 1,000,000 ha leaves none, the 900.1 the message
    offers keeps the whole cells of areal scale below 900 / 900.1."""
    with_cells(folder, "{cell_size_m: 3000, min_usable_ha: 1000000}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml:39: candidates.min_usable_ha | is above the usable land of every cell, so no cell is left: "
        "the largest cell has 900.1 ha usable (got 1,000,000); use a min_usable_ha of at most 900.1, or larger "
        "cells\n")
    edit(folder / "scenario.yaml", "min_usable_ha: 1000000", "min_usable_ha: 900.1")
    prepared = prepare(folder / "scenario.yaml", {})
    assert prepared.candidate_cells
    geometry = prepared.spatial.sites.set_index("id").geometry
    for cell in prepared.candidate_cells:
        assert geometry[cell].area == 9_000_000.0
        assert prepared.inputs.site_land_ha[cell] == pytest.approx(on_ellipsoid(900.0, geometry[cell]), rel=1e-9)
        assert prepared.inputs.site_land_ha[cell] >= 900.1


def test_a_red_line_buffer_over_every_cell_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]):
    """A 200 km buffer around the lake covers both clusters (each some 55 km across): no cell keeps land."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 200000}")
    with_cells(folder, "{cell_size_m: 3000}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml: candidates | no cell is left: the red line's zones, with the buffer and setbacks of "
        "constraints.redline, cover every cell over the clusters (got no cell with usable land); draw the cells "
        "where the red line leaves land (allowed_zone) or lower constraints.redline.buffer_m\n")


#: Setbacks of 200 km around the lake for every product of the small catalog.
EVERY_SETBACK = "{fepo4: {lake: 200000}, lfp: {lake: 200000}, cells: {lake: 200000}}"


def test_setbacks_over_every_cell_the_buffer_leaves_are_named_not_the_buffer(
        folder: Path, capsys: pytest.CaptureFixture[str]):
    """The 1 km buffer leaves cells; 200 km setbacks for every product cover them all: the
    message names the setbacks, with the cells the buffer alone would leave, not the buffer."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}",
         f"redline: {{buffer_m: 1000, setbacks_m: {EVERY_SETBACK}}}")
    with_cells(folder, "{cell_size_m: 3000}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - scenario.yaml: candidates | no cell is left: the products' setbacks of constraints.redline.setbacks_m "
        "cover every cell over the clusters for every product, where the buffer alone (buffer_m) would leave 698 "
        "cells (got no cell with usable land for any product); draw the cells where the setbacks leave land "
        "(allowed_zone) or lower constraints.redline.setbacks_m\n")


def test_a_buffer_over_every_cell_is_named_though_setbacks_are_set(folder: Path, capsys: pytest.CaptureFixture[str]):
    """The buffer alone covers every cell: lowering the setbacks would not help, so the buffer is named."""
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}",
         f"redline: {{buffer_m: 200000, setbacks_m: {EVERY_SETBACK}}}")
    with_cells(folder, "{cell_size_m: 3000}")
    assert run_bad(folder, capsys).endswith("or lower constraints.redline.buffer_m\n")


def test_a_built_cell_is_a_square_and_a_built_park_a_circle_in_the_sites_style(solved: Path):
    """sites.qml stays categorised by status; the built marker's shape is data-defined on `kind`
    (a square for a cell, a circle for a park), and the built category's legend says so."""
    from siting.deliver.styles import BUILT_SHAPE

    sites = features(solved / "sites.geojson")
    built_kinds = {f["properties"]["kind"] for f in sites if f["properties"]["status"] == "built"}
    assert built_kinds == {"park", "cell"}
    root = ET.fromstring((solved / "sites.qml").read_text().split("\n", 1)[1])
    renderer = root.find("renderer-v2")
    assert (renderer.get("type"), renderer.get("attr")) == ("categorizedSymbol", "status")
    built = next(c for c in renderer.iter("category") if c.get("value") == "built")
    assert built.get("label").startswith("Built: new capacity (a square behind the pie: a candidate cell, a circle: "
                                         "a park; pie slices: output value of the capacity added by product;")
    marker = renderer.find(f"symbols/symbol[@name='{built.get('symbol')}']/layer[@class='SimpleMarker']")
    shape = marker.find(".//Option[@name='name'][@type='Map']/Option[@name='expression']")
    assert shape is not None and shape.get("value") == BUILT_SHAPE == "if(\"kind\" = 'cell', 'square', 'circle')"
    others = [c for c in renderer.iter("category") if c.get("value") != "built"]
    for category in others:
        layer = renderer.find(f"symbols/symbol[@name='{category.get('symbol')}']/layer")
        assert layer.find(".//Option[@name='name'][@type='Map']") is None
