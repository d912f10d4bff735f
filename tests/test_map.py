"""map.png: legend entries in words, colours shared with the QGIS styles, labels that do not
collide, context names, and the same bytes on every render (the small test scenario)."""

from __future__ import annotations

import io
import json
import math
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Wedge
from matplotlib.text import Text

from siting.config.errors import InputError
from siting.deliver.files import map_context
from siting.deliver.layer import OutputLayer
from siting.deliver.layers import plan_layers
from siting.deliver.mapplot import MapContext, MapTitle, map_figure, render_map
from siting.deliver.styles import (
    NATURE,
    RESERVE,
    WATER,
    WATER_ZONE,
    hex_colour,
    product_colours,
    redline_colour,
    style_for,
)
from siting.deliver.units import bn_yuan
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import prepare, redline_settings

DATA = Path(__file__).parent / "data" / "small"
COUNTIES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": 1, "name": "Westshire"},
     "geometry": {"type": "Polygon", "coordinates": [[[101.9, 24.4], [102.75, 24.4], [102.75, 25.6], [101.9, 25.6],
                                                      [101.9, 24.4]]]}},
    {"type": "Feature", "properties": {"code": 2, "name": "Eastshire"},
     "geometry": {"type": "Polygon", "coordinates": [[[102.75, 24.4], [104.1, 24.4], [104.1, 25.6], [102.75, 25.6],
                                                      [102.75, 24.4]]]}}]}


def small_with_context(base: Path, id_field: str) -> Path:
    """The small scenario copied to `base`, with the counties above as its context layer."""
    shutil.copytree(DATA, base)
    (base / "counties.geojson").write_text(json.dumps(COUNTIES), encoding="utf-8")
    scenario = base / "scenario.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace(
        "  sources: {path: sources.geojson}\n",
        f"  sources: {{path: sources.geojson}}\n  context: {{path: counties.geojson, id_field: {id_field}}}\n"),
        encoding="utf-8")
    return scenario


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[OutputLayer], MapTitle, list[str], str, MapContext]:
    """The small scenario with a counties context layer, solved: what map.png is drawn from."""
    scenario = small_with_context(tmp_path_factory.mktemp("map") / "small", "code")
    prepared = prepare(scenario, {})
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    layers = plan_layers(prepared.layers, prepared.spatial, prepared.inputs, solved.plan,
                         redline_settings(prepared.loaded))
    title = MapTitle("small", solved.report.status, solved.report.gap, solved.report.objective_yuan,
                     list(prepared.inputs.YEARS))
    return layers, title, list(prepared.inputs.PRODUCTS), prepared.spatial.working_crs, map_context(prepared)


def figure_of(drawn: tuple) -> Figure:
    layers, title, products, crs, context = drawn
    return map_figure(layers, title, products, crs, context)


def test_legend_names_products_in_words_and_every_layer_drawn(drawn: tuple):
    layers, _title, _products, _crs, _context = drawn
    sites = next(layer for layer in layers if layer.name == "sites").frame
    top = float(sites["capex_yuan"].max())
    legend = figure_of(drawn).legends[0]
    labels = [t.get_text() for t in legend.get_texts() if t.get_text()]
    assert labels[:3] == ["FePO4", "LFP", "Cells"]
    assert labels[3].startswith("capex ") and labels[3].endswith(" bn yuan")
    assert labels[3] == f"capex {bn_yuan(round(top, 2 - len(str(int(top)))))}"
    assert labels[4:] == ["capex 1.00 bn yuan", "excluded: red line", "cluster", "counties (context)",
                          "red line: lake", "red-line buffer 1 km", "Lithium clay source and flow",
                          "Phosphate rock source and flow"]
    assert legend.get_title().get_text() == ("Built sites: pie area ∝ capex, slices = output\n"
                                             "value of the capacity added by product")


def test_built_sites_are_pies_labelled_with_products_and_capacities_in_units(drawn: tuple):
    figure = figure_of(drawn)
    ax = figure.axes[0]
    texts = [t.get_text() for t in ax.texts]
    built = [t for t in texts if "\n" in t]
    assert built, texts
    for text in built:
        for line in text.split("\n")[1:]:
            assert line.startswith(("LFP ", "Cells ", "FePO4 ")), line
            assert line.endswith((" t/yr", " GWh/yr")), line
    wedges = [p for p in ax.patches if isinstance(p, Wedge)]
    colours = {hex_colour([round(c * 255) for c in w.get_facecolor()[:3]]) for w in wedges}
    assert colours <= {hex_colour(c) for c in product_colours(drawn[2]).values()}
    assert "Test lake" in texts and {"Westshire", "Eastshire", "West", "East"} <= set(texts)


def test_labels_overlap_neither_each_other_nor_leave_the_map(drawn: tuple):
    figure = figure_of(drawn)
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in ax.texts if isinstance(t, Text) and t.get_text()
             and t.get_text() not in {"N", "km", "0", "5", "10", "2.5", "20", "50"}]
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


def qml_colours(text: str) -> set[str]:
    """Every colour of a QML style as #rrggbb."""
    found = set()
    for option in ET.fromstring(text.split("\n", 1)[1]).iter("Option"):
        if option.get("name") in {"color", "outline_color", "line_color"}:
            found.add(hex_colour([int(v) for v in option.get("value", "").split(",")[:3]]))
    return found


def test_map_colours_are_the_qgis_styles_colours(drawn: tuple):
    layers, _title, _products, _crs, _context = drawn
    resources = list(next(layer for layer in layers if layer.name == "sources").frame["resource"])
    by_name = {layer.name: style_for(layer, resources) for layer in layers}
    legend = figure_of(drawn).legends[0]
    handles = dict(zip([t.get_text() for t in legend.get_texts()], legend.legend_handles, strict=True))

    def edge(label: str) -> str:
        return hex_colour([round(c * 255) for c in handles[label].get_edgecolor()[:3]])

    def face(label: str) -> str:
        return hex_colour([round(c * 255) for c in handles[label].get_facecolor()[:3]])

    assert face("red line: lake") == hex_colour(WATER) == "#4393c3"
    assert face("red line: lake") in qml_colours(by_name["redline"])
    assert edge("red-line buffer 1 km") in qml_colours(by_name["redline_zones"])
    source = hex_colour([round(c * 255) for c in handles["Phosphate rock source and flow"].get_color()[:3]])
    assert source in qml_colours(by_name["sources"])
    assert hex_colour([round(c * 255) for c in handles["excluded: red line"].get_markerfacecolor()[:3]]) in \
        qml_colours(by_name["sites"])


def test_built_site_pies_have_the_qgis_pie_colours_and_product_words(drawn: tuple):
    layers, _title, products, _crs, context = drawn
    sites = next(layer for layer in layers if layer.name == "sites")
    root = ET.fromstring(style_for(sites, [], context.values).split("\n", 1)[1])
    renderer = root.find("LinearlyInterpolatedDiagramRenderer")
    assert renderer is not None and renderer.get("diagramType") == "Pie"
    assert renderer.get("classificationAttributeExpression") == '"capex_yuan"'
    assert renderer.get("upperValue") == f"{float(sites.frame['capex_yuan'].max()):.6g}"
    attributes = {a.get("label"): (a.get("color"), a.get("field")) for a in renderer.iter("attribute")}
    colours = product_colours(products)
    assert attributes == {
        "LFP": (hex_colour(colours["lfp"]),
                '(coalesce("added_lfp_2023", 0) + coalesce("added_lfp_2024", 0)) * 40000'),
        "Cells": (hex_colour(colours["cells"]),
                  '(coalesce("added_cells_2023", 0) + coalesce("added_cells_2024", 0)) * 400000000'),
        "FePO4": (hex_colour(colours["fepo4"]),
                  '(coalesce("added_fepo4_2023", 0) + coalesce("added_fepo4_2024", 0)) * 10000'),
    }
    ax = figure_of(drawn).axes[0]
    drawn_colours = {hex_colour([round(c * 255) for c in w.get_facecolor()[:3]]) for w in ax.patches
                     if isinstance(w, Wedge)}
    assert drawn_colours == {attributes["LFP"][0], attributes["Cells"][0], attributes["FePO4"][0]}


def test_red_line_categories_water_blue_reserves_green():
    assert redline_colour("lake") == WATER
    assert redline_colour("lakeside_zone") == redline_colour("lake_buffer_zone") == WATER_ZONE
    assert redline_colour("nature_reserve") == RESERVE
    assert redline_colour("scenic_area") == redline_colour("forest_park") == NATURE


def test_two_renders_give_the_same_bytes(drawn: tuple):
    layers, title, products, crs, context = drawn
    first, second = io.BytesIO(), io.BytesIO()
    render_map(first, layers, title, products, crs, context)
    render_map(second, layers, title, products, crs, context)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in first.getvalue() and b"tIME" not in first.getvalue()


def test_a_context_layer_without_its_id_field_is_refused_naming_file_and_field(tmp_path: Path):
    base = tmp_path / "small"
    scenario = small_with_context(base, "adcode")
    with pytest.raises(InputError) as refused:
        prepare(scenario, {})
    assert refused.value.problems == [
        f"{base / 'counties.geojson'}: field 'adcode' | missing from the context layer (has: code, name); add it or "
        "set layers.context to the right field name"]


def test_label_placer_sums_the_area_a_box_shares_with_every_box_kept_off() -> None:
    """Boxes (0,0)-(10,10) and (20,0)-(30,10) kept off; a box (5,5)-(25,8) shares 5 x 3 with each
    (30 in all), one touching an edge only (10,0)-(20,10) shares nothing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    from siting.deliver.mapplot import LabelPlacer

    figure = Figure()
    canvas = FigureCanvasAgg(figure)
    placer = LabelPlacer(figure.add_subplot(), canvas.get_renderer())
    for _ in range(40):  # more boxes than the first allocation holds
        placer.block(Bbox.from_extents(100, 100, 101, 101))
    placer.block(Bbox.from_extents(0, 0, 10, 10))
    placer.block(Bbox.from_extents(20, 0, 30, 10))
    for _ in range(40):
        placer.block(Bbox.from_extents(200, 200, 201, 201))
    assert placer._overlap(Bbox.from_extents(5, 5, 25, 8)) == 30.0
    assert placer._overlap(Bbox.from_extents(10, 0, 20, 10)) == 0.0


def test_the_map_is_rendered_once_when_saved(drawn: tuple, monkeypatch: pytest.MonkeyPatch):
    """GeoPandas's plot asks the canvas to draw after every layer; the map's canvas ignores that,
    so building the figure renders nothing and saving it renders it once."""
    renders: list[Figure] = []
    original = Figure.draw

    def counting(self: Figure, renderer) -> None:
        renders.append(self)
        original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    figure = figure_of(drawn)
    assert renders == []
    figure.savefig(io.BytesIO(), format="png")
    assert renders == [figure]


def test_the_map_lists_every_input_file_with_its_hash(drawn: tuple):
    """The map's sources name each layer, the catalog and the committed projects, each with the
    first 12 hex digits of its SHA-256."""
    import hashlib

    context = drawn[4]
    names = [line.split(" (SHA-256 ")[0] for line in context.sources]
    assert names == ["clusters: clusters.geojson", "context: counties.geojson", "redline: redline.geojson",
                     "sites: sites.geojson", "sources: sources.geojson", "catalog: catalog.yaml",
                     "committed projects: committed_projects.yaml"]
    digest = hashlib.sha256((DATA / "committed_projects.yaml").read_bytes()).hexdigest()[:12]
    assert context.sources[-1] == f"committed projects: committed_projects.yaml (SHA-256 {digest})"


def test_a_small_pie_is_drawn_above_a_larger_one_whatever_their_order():
    """Two built sites 1 km apart, the small one listed first: its wedges and outline lie above
    every patch of the large pie (matplotlib draws by zorder, not by the order patches are added),
    so that it is not hidden under its neighbour."""
    from siting.deliver.mapplot import BuiltSite, draw_pies

    figure = Figure()
    ax = figure.add_axes((0, 0, 1, 1))
    small = BuiltSite("small", 0.0, 0.0, 1.0e9, {"a": 1.0, "b": 1.0})
    large = BuiltSite("large", 1000.0, 0.0, 4.0e10, {"a": 1.0})
    draw_pies(ax, [small, large], {"a": (0, 0, 255), "b": (255, 0, 0)}, {"a": 1.0, "b": 1.0}, 100.0)
    by_site = {name: [p.get_zorder() for p in ax.patches if p.center[0] == x]
               for name, x in (("small", 0.0), ("large", 1000.0))}
    assert len(by_site["small"]) == 3 and len(by_site["large"]) == 2
    assert min(by_site["small"]) > max(by_site["large"])


def test_fields_named_without_their_unit_get_an_alias_with_it():
    """added_<product>_<year> and capacity_<product>_<year> name a product with underscores
    (ncm_precursor) and a year; added_<product> (clusters) sums the years; capex_yuan is money;
    other fields keep their names."""
    import geopandas as gpd

    from siting.deliver.styles import field_aliases

    frame = gpd.GeoDataFrame({"id": ["a"], "capex_yuan": [1.0], "added_ncm_precursor_2024": [1.0],
                              "added_cells": [2.0], "capacity_cells_2024": [3.0], "added_x_2024": [0.0]},
                             geometry=[None])
    layer = OutputLayer("sites", "sites", frame, (("id", "string"),), "Point")
    assert field_aliases(layer, {"ncm_precursor": "t", "cells": "GWh"}) == {
        "capex_yuan": "capex (yuan)", "added_ncm_precursor_2024": "NCM precursor added 2024 (t/yr)",
        "added_cells": "Cells added, all years (GWh/yr)", "capacity_cells_2024": "Cells capacity 2024 (GWh/yr)"}


# --- pies that would cover each other are moved apart, with a leader to their site --------------

def test_two_overlapping_pies_are_pushed_apart_along_their_line_the_small_one_farther():
    """Radii 6 and 2 points, centres 2 points apart on x, gap 1.5: they must stand
    6 + 2 + 1.5 = 9.5 apart, a push of 7.5. Each pie takes a share inversely proportional to its
    area: the large one 2^2 / (6^2 + 2^2) = 1/10 of it (0.75 to the left), the small one 9/10
    (6.75 to the right): (-0.75, 0) and (8.75, 0). The area-weighted centre stays at
    (36 * 0 + 4 * 2) / 40 = 0.2: 36 * -0.75 + 4 * 8.75 = 8."""
    from siting.deliver.mapplot import spread_pies

    moved = spread_pies(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([6.0, 2.0]), gap=1.5)
    assert moved.tolist() == [[pytest.approx(-0.75, abs=1e-12), 0.0], [pytest.approx(8.75, abs=1e-12), 0.0]]
    assert 36 * moved[0, 0] + 4 * moved[1, 0] == pytest.approx(8.0, abs=1e-12)


def test_two_sites_1_km_apart_get_pies_that_do_not_overlap_on_the_page():
    """Capex 40 and 1 bn yuan: pies of radius sqrt(1400) / 2 = 18.71 and sqrt(60) / 2 = 3.87
    points (the smallest pie). At 500 m per point, 1 km is 2 points on the page: the pies would
    overlap by 20.6 points. After the layout their centres stand r1 + r2 + PIE_GAP apart in
    points, along the line from the large site to the small one (y unchanged)."""
    from siting.deliver.mapplot import PIE_GAP, BuiltSite, displaced_centres, pie_radii

    built = [BuiltSite("large", 500_000.0, 2_700_000.0, 40.0e9, {"a": 1.0}),
             BuiltSite("small", 501_000.0, 2_700_000.0, 1.0e9, {"a": 1.0})]
    radii = pie_radii(built)
    assert radii == [pytest.approx(18.7083, abs=1e-4), pytest.approx(3.8730, abs=1e-4)]
    (x0, y0), (x1, y1) = displaced_centres(built, radii, 500.0)
    apart_points = math.hypot(x1 - x0, y1 - y0) / 500.0
    assert apart_points >= radii[0] + radii[1]
    assert apart_points == pytest.approx(radii[0] + radii[1] + PIE_GAP, abs=1e-6)
    assert y0 == y1 == 2_700_000.0
    assert x0 < 500_000.0 and x1 > 501_000.0
    assert 500_000.0 - x0 < x1 - 501_000.0  # the large pie moves less


def test_a_pie_clear_of_every_other_keeps_its_place_bit_for_bit():
    """Of three pies (radii 5, 5, 4; gap 1.5), two 3 points apart overlap and are moved; the third,
    100 points away, and a lone pie are returned exactly as given. Two pies exactly
    r1 + r2 + gap apart (5 + 4 + 1.5 = 10.5) are not moved either."""
    from siting.deliver.mapplot import BuiltSite, displaced_centres, spread_pies

    centres = np.array([[0.1, 0.2], [3.1, 0.2], [100.3, -7.7]])
    moved = spread_pies(centres, np.array([5.0, 5.0, 4.0]), gap=1.5)
    assert moved[2].tolist() == [100.3, -7.7]
    assert not np.array_equal(moved[:2], centres[:2])
    assert spread_pies(np.array([[12.345, 6.789]]), np.array([20.0])).tolist() == [[12.345, 6.789]]
    touching = np.array([[0.0, 0.0], [10.5, 0.0]])
    assert spread_pies(touching, np.array([5.0, 4.0]), gap=1.5).tolist() == touching.tolist()
    lone = BuiltSite("lone", 512_345.678, 2_701_234.567, 1.0e9, {"a": 1.0})
    assert displaced_centres([lone], [3.9], 500.0) == [(512_345.678, 2_701_234.567)]


def test_the_layout_is_deterministic_and_opens_a_stack_into_a_ring():
    """Four pies of radius 3 on one point (gap 1.5) end on a square about it, neighbours
    3 + 3 + 1.5 = 7.5 apart: each 7.5 / sqrt(2) = 5.30 points from the point, the first one
    straight above it. The same input gives the same array; the input is left as it was."""
    from siting.deliver.mapplot import spread_pies

    centres = np.zeros((4, 2))
    radii = np.full(4, 3.0)
    first = spread_pies(centres, radii, gap=1.5)
    assert np.array_equal(first, spread_pies(centres, radii, gap=1.5))
    assert np.array_equal(centres, np.zeros((4, 2)))
    assert np.hypot(first[:, 0], first[:, 1]).tolist() == [pytest.approx(7.5 / math.sqrt(2), abs=1e-6)] * 4
    assert first[0].tolist() == [pytest.approx(0.0, abs=1e-9), pytest.approx(7.5 / math.sqrt(2), abs=1e-6)]
    for i in range(4):
        for j in range(i + 1, 4):
            assert math.dist(first[i], first[j]) >= 6.0 + 1.5 - 1e-6


def test_spread_pies_refuses_arrays_of_the_wrong_shape():
    from siting.deliver.mapplot import spread_pies

    with pytest.raises(ValueError) as refused:
        spread_pies(np.zeros((3, 2)), np.ones(2))
    assert str(refused.value) == "centres must be (n, 2) and radii (n,), got (3, 2) and (2,)"


def test_a_leader_runs_from_the_true_site_to_the_edge_of_its_moved_pie():
    """The two sites 1 km apart above, at 500 m per point: the small pie moves about 20 points
    (10 km) east, off its site, so a dot marks its site and a line runs from there to the pie's
    edge (its radius, 3.87 points or 1,936 m, short of the pie's centre, on the line to it). The
    large pie moves under a point, its site still under it: no leader."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    from siting.deliver.mapplot import SITE_DOT_RADIUS, BuiltSite, displaced_centres, draw_leaders, pie_radii

    built = [BuiltSite("large", 500_000.0, 2_700_000.0, 40.0e9, {"a": 1.0}),
             BuiltSite("small", 501_000.0, 2_700_000.0, 1.0e9, {"a": 1.0})]
    radii = pie_radii(built)
    centres = displaced_centres(built, radii, 500.0)
    figure = Figure()
    ax = figure.add_axes((0, 0, 1, 1))
    assert draw_leaders(ax, built, centres, radii, 500.0) == 1
    (line,) = [a for a in ax.lines if isinstance(a, Line2D)]
    (sx, ex), (sy, ey) = line.get_xdata(), line.get_ydata()
    assert (sx, sy) == (501_000.0, 2_700_000.0)
    cx, cy = centres[1]
    assert math.hypot(ex - cx, ey - cy) == pytest.approx(radii[1] * 500.0, abs=1e-6)
    assert sx < ex < cx and ey == cy == 2_700_000.0
    (dot,) = [p for p in ax.patches if isinstance(p, Circle)]
    assert dot.center == (501_000.0, 2_700_000.0) and dot.get_radius() == SITE_DOT_RADIUS * 500.0


CROWDED_TITLE = MapTitle("t", "optimal", 0.0, 0.0, [2024])
CROWDED_CONTEXT = MapContext(units={"lfp": "t"}, values={"lfp": 1.0})


def crowded_sites() -> OutputLayer:
    """Sites layer: built "Big park" (capex 40 bn yuan) and "Small park" (1 bn yuan) 0.0099 degrees
    (1.0 km) apart at 25 N, "Far park" (10 bn yuan) half a degree off both ways, and two sites not
    built at the corners (101.5, 24) and (104, 26), which set the map's extent."""
    from siting.deliver.layer import make_layer

    frame = gpd.GeoDataFrame(
        {"id": ["big", "small", "far", "sw", "ne"], "name": ["Big park", "Small park", "Far park", "SW", "NE"],
         "status": ["built"] * 3 + ["eligible_unused"] * 2, "capex_yuan": [40.0e9, 1.0e9, 10.0e9, 0.0, 0.0],
         "added_lfp_2024": [1.0, 1.0, 1.0, 0.0, 0.0]},
        geometry=gpd.points_from_xy([102.5, 102.5099, 103.0, 101.5, 104.0], [25.0, 25.0, 25.5, 24.0, 26.0]),
        crs="EPSG:4326")
    return make_layer("sites", "Sites", frame, ["id", "name", "status", "capex_yuan", "added_lfp_2024"])


def test_the_map_moves_covering_pies_apart_and_labels_each_beside_its_own_pie():
    """Two built sites about 1 km apart in the middle of the map, a third about 75 km away, and
    two sites not built at the corners (they set the extent, so a few points to the km): drawn on
    their sites, the two pies (radii 18.7 and 3.9 points) would cover each other. On the map
    their outlines stand apart in display units, the third pie stays on its site, the small pie
    has a leader from its site, and each site's label is anchored on its own pie (told by size:
    capex 40 > 10 > 1 bn yuan) at the first distance (radius + 3 points), with no label leader."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    layer = crowded_sites()
    figure = map_figure([layer], CROWDED_TITLE, ["lfp"], "EPSG:32648", CROWDED_CONTEXT)
    ax = figure.axes[0]
    pixels_per_point = figure.canvas.get_renderer().points_to_pixels(1.0)
    pixels_per_metre = ax.transData.transform((1.0, 0.0))[0] - ax.transData.transform((0.0, 0.0))[0]
    projected = layer.frame.to_crs("EPSG:32648").geometry
    site = {name: (g.x, g.y) for name, g in zip(layer.frame["name"], projected, strict=True)}
    outlines = sorted((p for p in ax.patches if isinstance(p, Circle) and 9 <= p.get_zorder() < 9.5),
                      key=lambda p: -p.get_radius())
    pie = dict(zip(["Big park", "Far park", "Small park"], outlines, strict=True))
    big, small = pie["Big park"], pie["Small park"]
    apart = math.dist(ax.transData.transform(big.center), ax.transData.transform(small.center))
    assert apart >= (big.get_radius() + small.get_radius()) * pixels_per_metre
    assert math.dist(site["Big park"], site["Small park"]) < (big.get_radius() + small.get_radius()) / 3
    assert pie["Far park"].center == site["Far park"]
    assert big.center != site["Big park"] and small.center != site["Small park"]
    leaders = [line for line in ax.lines if isinstance(line, Line2D) and line.get_zorder() == 9.95]
    assert len(leaders) == 1
    assert (leaders[0].get_xdata()[0], leaders[0].get_ydata()[0]) == site["Small park"]
    for name, outline in pie.items():
        label = next(t for t in ax.texts if t.get_text().startswith(name + "\n"))
        assert tuple(label.xy) == outline.center
        radius_points = outline.get_radius() * pixels_per_metre / pixels_per_point
        assert math.hypot(*label.get_position()) <= radius_points + 3.0 + 1e-6
    assert not [t for t in ax.texts if t.get_text() == "" and t.get_zorder() == 11]


def test_a_map_with_moved_pies_renders_to_the_same_bytes_twice():
    first, second = io.BytesIO(), io.BytesIO()
    render_map(first, [crowded_sites()], CROWDED_TITLE, ["lfp"], "EPSG:32648", CROWDED_CONTEXT)
    render_map(second, [crowded_sites()], CROWDED_TITLE, ["lfp"], "EPSG:32648", CROWDED_CONTEXT)
    assert first.getvalue() == second.getvalue()


def test_a_label_may_sit_in_the_corner_of_its_own_pies_square_but_not_of_another():
    """At 72 dpi a point is a pixel; axes over the whole 1-inch figure with limits 0-72 make data
    and display coordinates the same. A pie of radius 10 at (36, 36) is kept off as the square
    26-46. A box (44, 44)-(50, 50) shares 2 x 2 = 4 with that square but misses the pie (its
    nearest corner is sqrt(8^2 + 8^2) = 11.3 from the centre): 4 for any label, 0 for the pie's
    own. A box (42, 42)-(50, 50) reaches into the pie (8.5 from the centre): 4 x 4 = 16 either
    way. Another pie's square still counts for the label of this one: one of radius 10 at
    (56, 56), the square 46-66, shares 4 x 4 = 16 with the first box."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    from siting.deliver.mapplot import LabelPlacer

    figure = Figure(figsize=(1, 1), dpi=72)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 72)
    ax.set_ylim(0, 72)
    placer = LabelPlacer(ax, canvas.get_renderer())
    placer.block_circle(36.0, 36.0, 10.0)
    own = (36.0, 36.0, 10.0)
    corner, into = Bbox.from_extents(44, 44, 50, 50), Bbox.from_extents(42, 42, 50, 50)
    assert placer._overlap(corner) == 4.0
    assert placer._overlap(corner, own) == 0.0
    assert placer._overlap(into) == placer._overlap(into, own) == 16.0
    placer.block_circle(56.0, 56.0, 10.0)
    assert placer._overlap(corner, own) == 16.0
