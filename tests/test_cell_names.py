"""Readable names of candidate cells: the context polygon a cell lies most in, and the distance
and direction from the nearest site (siting.prepare.candidates.cell_names), and how the names
reach the sites the plan is made of."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from siting.prepare.candidates import cell_names

UTM = "EPSG:32648"
#: A point on UTM 48N's central meridian (105 E), where grid north is true north.
X0, Y0 = 500_000.0, 2_700_000.0


def _cells(*boxes: tuple[str, tuple[float, float, float, float]], cluster: str = "yuxi") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [i for i, _b in boxes], "cluster": cluster},
                            geometry=[shapely.box(*b) for _i, b in boxes], crs=UTM)


def _square(cx: float, cy: float, half: float = 500.0) -> tuple[float, float, float, float]:
    return cx - half, cy - half, cx + half, cy + half


def _sites(*rows: tuple[str, str | None, float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [r[0] for r in rows], "name": [r[1] for r in rows]},
                            geometry=[shapely.Point(r[2], r[3]) for r in rows], crs=UTM)


def _counties() -> gpd.GeoDataFrame:
    """Two counties side by side along x = X0 + 10 km."""
    return gpd.GeoDataFrame({"id": ["530402", "530421"], "name": ["Hongta District", "Jiangchuan District"]},
                            geometry=[shapely.box(X0 - 20_000, Y0 - 20_000, X0 + 10_000, Y0 + 20_000),
                                      shapely.box(X0 + 10_000, Y0 - 20_000, X0 + 40_000, Y0 + 20_000)], crs=UTM)


def test_a_cell_is_named_by_grid_place_county_and_distance_and_direction_from_the_nearest_park():
    cells = _cells(("cell-yuxi-67-733", _square(X0, Y0 + 4_200)))
    sites = _sites(("yuxi_longquan", "Yuxi high-tech zone, Longquan area", X0, Y0),
                   ("far", "Far park", X0 + 30_000, Y0))
    names = cell_names(cells, sites, UTM, context=_counties())
    # 4,200 m of grid on the central meridian, where UTM's scale is 0.9996: 4,201.7 m on the ellipsoid.
    assert names == ["Cell 67-733 in Hongta District (4.2 km N of Yuxi high-tech zone)"]


def test_the_county_is_the_one_the_cell_overlaps_most():
    # 300 m of the cell in Hongta, 700 m in Jiangchuan; then a cell wholly in Hongta, one in neither
    cells = _cells(("cell-yuxi-1-1", (X0 + 9_700, Y0, X0 + 10_700, Y0 + 1_000)),
                   ("cell-yuxi-1-2", _square(X0 - 5_000, Y0)),
                   ("cell-yuxi-1-3", _square(X0 + 60_000, Y0)))
    sites = _sites(("p", "Park", X0, Y0))
    names = cell_names(cells, sites, UTM, context=_counties())
    assert names[0].startswith("Cell 1-1 in Jiangchuan District (")
    assert names[1].startswith("Cell 1-2 in Hongta District (")
    assert names[2].startswith("Cell 1-3 (") and " in " not in names[2]


def test_equal_overlaps_take_the_first_county_of_the_layer():
    cells = _cells(("cell-yuxi-2-2", (X0 + 9_500, Y0, X0 + 10_500, Y0 + 1_000)))
    names = cell_names(cells, _sites(("p", "Park", X0, Y0)), UTM, context=_counties())
    assert names[0].startswith("Cell 2-2 in Hongta District (")
    swapped = _counties().iloc[::-1].reset_index(drop=True)
    assert cell_names(cells, _sites(("p", "Park", X0, Y0)), UTM, context=swapped)[0].startswith(
        "Cell 2-2 in Jiangchuan District (")


def test_the_direction_is_the_compass_point_from_the_park_to_the_cell():
    offsets = {"N": (0, 3_000), "NE": (3_000, 3_000), "E": (3_000, 0), "SE": (3_000, -3_000),
               "S": (0, -3_000), "SW": (-3_000, -3_000), "W": (-3_000, 0), "NW": (-3_000, 3_000)}
    cells = _cells(*((f"cell-yuxi-{k}", _square(X0 + dx, Y0 + dy)) for k, (dx, dy) in offsets.items()))
    names = cell_names(cells, _sites(("p", "Park", X0, Y0)), UTM)
    # 3,000 m of grid: 3,001.2 m on the ellipsoid; the diagonals 4,242.6 m of grid: 4,244.3 m.
    assert names == [f"Cell {k} ({'4.2' if len(k) == 2 else '3.0'} km {k} of Park)" for k in offsets]


def test_the_distance_is_geodesic_between_the_points_on_surface():
    """Far from the central meridian the grid's scale is not 1: the name gives the distance on the
    ellipsoid, not the grid's."""
    x = X0 + 300_000
    cells = _cells(("cell-yuxi-5-5", _square(x + 100_000, Y0)))
    names = cell_names(cells, _sites(("p", "Park", x, Y0)), UTM)
    lonlat = pyproj.Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = lonlat.transform([x, x + 100_000], [Y0, Y0])
    metres = pyproj.Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2]
    assert round(metres / 1000, 1) == 99.9  # the grid's 100 km, 300 km east of the central meridian
    assert names == [f"Cell 5-5 ({metres / 1000:.1f} km E of Park)"]


def test_the_nearest_park_wins_and_equal_distances_take_the_first_park():
    cells = _cells(("cell-yuxi-3-3", _square(X0, Y0)))
    near = cell_names(cells, _sites(("a", "Far park", X0 + 9_000, Y0), ("b", "Near park", X0 - 2_000, Y0)), UTM)
    assert near == ["Cell 3-3 (2.0 km E of Near park)"]
    tie = cell_names(cells, _sites(("a", "West park", X0 - 2_000, Y0), ("b", "East park", X0 + 2_000, Y0)), UTM)
    assert tie == ["Cell 3-3 (2.0 km E of West park)"]


def test_a_cell_on_the_park_is_at_it():
    cells = _cells(("cell-yuxi-4-4", _square(X0, Y0)))
    assert cell_names(cells, _sites(("p", "Park", X0 + 20, Y0)), UTM) == ["Cell 4-4 (at Park)"]


def test_names_keep_the_commas_of_the_layers_names():
    cells = _cells(("cell-yuxi-6-6", _square(X0 + 5_000, Y0)))
    sites = _sites(("caopu", "Anning industrial park, Caopu area", X0, Y0),
                   ("qilin", "Anning industrial park, Qilin area", X0 + 50_000, Y0))
    context = gpd.GeoDataFrame({"id": ["1"], "name": ["Yuanjiang Hani, Yi and Dai Autonomous County"]},
                               geometry=[shapely.box(X0, Y0 - 9_000, X0 + 9_000, Y0 + 9_000)], crs=UTM)
    names = cell_names(cells, sites, UTM, context=context)
    assert names == ["Cell 6-6 in Yuanjiang Hani, Yi and Dai Autonomous County (5.0 km E of Anning industrial park, "
                     "Caopu area)"]


def test_without_names_the_ids_stand_in_and_without_sites_or_context_the_grid_place_alone():
    cells = _cells(("cell-kunming-8840c1a2bffffff", _square(X0 + 1_000, Y0)), cluster="kunming")
    sites = gpd.GeoDataFrame({"id": ["p1"]}, geometry=[shapely.Point(X0, Y0)], crs=UTM)
    context = gpd.GeoDataFrame({"id": ["530402"], "name": [None]},
                               geometry=[shapely.box(X0 - 5_000, Y0 - 5_000, X0 + 5_000, Y0 + 5_000)], crs=UTM)
    assert cell_names(cells, sites, UTM, context=context) == ["Cell 8840c1a2bffffff in 530402 (1.0 km E of p1)"]
    assert cell_names(cells, sites.iloc[:0], UTM) == ["Cell 8840c1a2bffffff"]
    assert cell_names(cells, sites, UTM, id_prefix="c") == ["Cell cell-kunming-8840c1a2bffffff (1.0 km E of p1)"]


def test_layers_in_lon_lat_are_measured_in_the_working_crs():
    cells = _cells(("cell-yuxi-67-733", _square(X0, Y0 + 4_200)))
    sites = _sites(("yuxi_longquan", "Yuxi high-tech zone, Longquan area", X0, Y0)).to_crs("EPSG:4326")
    context = _counties().to_crs("EPSG:4326")
    assert cell_names(cells.to_crs("EPSG:4326"), sites, UTM, context=context) == [
        "Cell 67-733 in Hongta District (4.2 km N of Yuxi high-tech zone)"]


def test_names_are_the_same_whatever_the_order_of_the_cells():
    boxes = [(f"cell-yuxi-{i}-0", _square(X0 + 1_000 * i, Y0 + 700 * i)) for i in range(-8, 9)]
    sites = _sites(("a", "A", X0, Y0), ("b", "B", X0 + 6_000, Y0 + 1_000))
    forward = dict(zip([i for i, _b in boxes], cell_names(_cells(*boxes), sites, UTM, context=_counties()),
                       strict=True))
    backward = dict(zip([i for i, _b in boxes[::-1]],
                        cell_names(_cells(*boxes[::-1]), sites, UTM, context=_counties()), strict=True))
    assert forward == backward


def test_cells_join_the_sites_by_their_names():
    from siting.prepare.spatial import append_cells
    sites = _sites(("p", "Park", X0, Y0)).assign(cluster="yuxi")
    cells = _cells(("cell-yuxi-1-1", _square(X0, Y0 + 4_200))).assign(gross_ha=100.0)
    cells["name"] = cell_names(cells, sites, UTM)
    joined = append_cells(sites, cells, [])
    assert list(joined["name"]) == ["Park", "Cell 1-1 (4.2 km N of Park)"]
    assert list(joined["id"]) == ["p", "cell-yuxi-1-1"]


def test_the_terminal_names_cells_as_the_outputs_do():
    from siting.config.units import layer_names
    sites = pd.DataFrame({"id": ["p"], "name": ["Park"]})
    clusters = pd.DataFrame({"id": ["yuxi"], "name": ["Yuxi"]})
    names = layer_names(sites, clusters, {}, {"cell-yuxi-1-1": "Cell 1-1 (4.2 km N of Park)"})
    assert names.sites["cell-yuxi-1-1"] == "Cell 1-1 (4.2 km N of Park)"
    assert layer_names(sites, clusters, {}, ("cell-yuxi-1-1",)).sites["cell-yuxi-1-1"] == "cell-yuxi-1-1"


def _line_ends(text, renderer) -> list[tuple[float, float]]:
    """Each line's left and right end in the text's layout, and the box's, last (display units,
    from the text's position)."""
    box, lines, _corner = text._get_layout(renderer)
    return [(x, x + w) for _line, (w, _h, _d), (x, _y) in lines] + [(box.x0, box.x1)]


def test_a_label_left_of_its_symbol_aligns_its_lines_on_the_symbol_s_side():
    """A label whose box stands left of its pie aligns its lines right, so that they reach the
    box's corner next to the pie; one right of it, left (the box and the place are the same)."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from siting.deliver.mapplot import LabelPlacer, _label, quiet_canvas

    figure = Figure(figsize=(8, 6), dpi=100)
    quiet_canvas(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 800)
    ax.set_ylim(0, 600)
    renderer = figure.canvas.get_renderer()
    placer = LabelPlacer(ax, renderer)
    text = "Qujing Cuifeng subdistrict\nRecycling 50,000 t/yr"
    near_right_edge = (790.0, 300.0)  # no room on the pie's right
    placer.block_circle(*near_right_edge, 8.0)
    left = _label(ax, text, near_right_edge, fontsize=7.5, linespacing=1.15, multialignment="left")
    assert placer.place(left, near_right_edge, 8.0)
    assert left.get_horizontalalignment() == "right"
    ends = _line_ends(left, renderer)
    assert all(abs(right - ends[-1][1]) < 0.5 for _left, right in ends[:-1]), ends
    assert ends[1][0] > ends[-1][0] + 5  # the shorter line starts right of the box's left edge
    middle = (400.0, 300.0)
    placer.block_circle(*middle, 8.0)
    right = _label(ax, text, middle, fontsize=7.5, linespacing=1.15, multialignment="left")
    assert placer.place(right, middle, 8.0)
    assert right.get_horizontalalignment() == "left"
    ends = _line_ends(right, renderer)
    assert all(abs(left_end - ends[-1][0]) < 0.5 for left_end, _right in ends[:-1]), ends


def test_a_built_cell_is_labelled_on_the_map_with_where_it_lies_on_a_line_of_its_own():
    from siting.deliver.mapplot import built_sites, cell_label

    assert cell_label("Cell 67-733 in Hongta District (13.4 km N of Yuxi high-tech zone)") == (
        "Cell 67-733 in Hongta District\n(13.4 km N of Yuxi high-tech zone)")
    assert cell_label("Cell 67-733") == "Cell 67-733"
    sites = gpd.GeoDataFrame({
        "id": ["yuxi_longquan", "cell-yuxi-67-733"],
        "name": ["Yuxi high-tech zone, Longquan area", "Cell 67-733 in Hongta District (13.4 km N of Yuxi high-tech "
                 "zone)"],
        "kind": ["park", "cell"], "status": ["built", "built"], "capex_yuan": [1e9, 2e9],
        "added_lfp_2024": [100_000.0, 200_000.0]},
        geometry=[shapely.Point(X0, Y0), shapely.box(*_square(X0, Y0 + 13_400))], crs=UTM)
    built = built_sites(sites, ["lfp"], [2024])
    assert [b.name for b in built] == ["Yuxi high-tech zone",
                                       "Cell 67-733 in Hongta District\n(13.4 km N of Yuxi high-tech zone)"]


def test_the_report_names_the_built_cells_with_their_ids():
    from siting.deliver.layer import OutputLayer
    from siting.deliver.report import cell_blocks

    frame = gpd.GeoDataFrame({
        "id": ["cell-yuxi-67-733", "cell-yuxi-1-1"], "cluster": ["yuxi", "yuxi"],
        "status": ["built", "eligible_unused"], "built": [True, False], "gross_ha": [1369.0, 1369.0],
        "usable_ha": [825.7, 900.0], "capex_yuan": [25.78e9, 0.0], "main_product": ["ncm_precursor", None]},
        geometry=[shapely.box(0, 0, 0.01, 0.01), shapely.box(0.01, 0, 0.02, 0.01)], crs="EPSG:4326")
    fields = (("id", "string"), ("cluster", "string"), ("status", "string"), ("built", "boolean"),
              ("gross_ha", "real"), ("usable_ha", "real"), ("capex_yuan", "real"), ("main_product", "string"))
    layer = OutputLayer("candidate_cells", "Candidate cells", frame, fields, "MultiPolygon")
    name = "Cell 67-733 in Hongta District (13.4 km N of Yuxi high-tech zone)"
    built = cell_blocks(layer, {"yuxi": "Yuxi"}, {"cell-yuxi-67-733": name})[-1].content
    assert list(built.header[:3]) == ["cell", "id", "cluster"]
    assert [list(row[:3]) for row in built.rows] == [[name, "cell-yuxi-67-733", "Yuxi"]]
