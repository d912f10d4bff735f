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
from siting.config.units import bn_yuan
from siting.deliver.files import map_context
from siting.deliver.layer import OutputLayer
from siting.deliver.layers import plan_layers
from siting.deliver.mapplot import MapContext, MapTitle, map_figure, render_map
from siting.deliver.styles import (
    LAKE_BUFFER,
    LAKESIDE,
    NATURE,
    PARK,
    RESERVE,
    SCENIC,
    WATER,
    WATER_ZONE,
    hex_colour,
    product_colours,
    redline_colour,
    style_for,
)
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
                          "red line: lake", "red-line buffer 1 km", "Lithium clay source (prospective, not used)",
                          "Phosphate rock source and flow"]
    # "and flow" only for a resource the plan carries: here phosphate rock, not lithium clay, whose
    # one source is prospective and left out (hollow)
    flows = next(layer for layer in layers if layer.name == "flows").frame
    assert set(flows["resource"]) == {"phosphate_rock"}
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
    """The known categories each have their own colour (tests/test_gis_review_redline.py); a
    category the project does not know takes its family's."""
    assert redline_colour("lake") == WATER
    assert (redline_colour("lakeside_zone"), redline_colour("lake_buffer_zone")) == (LAKESIDE, LAKE_BUFFER)
    assert redline_colour("nature_reserve") == RESERVE
    assert (redline_colour("scenic_area"), redline_colour("forest_park")) == (SCENIC, PARK)
    assert (redline_colour("river"), redline_colour("wetland_zone"), redline_colour("geopark")) == (
        WATER, WATER_ZONE, NATURE)


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
        "set layers.context.id_field to the right field name"]


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
        "capex_yuan": "capex (yuan)", "added_ncm_precursor_2024": "NCM precursor added, decided 2024 (t/yr)",
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
    capex 40 > 10 > 1 bn yuan) at the first distance (3 points past the pie's outline, which
    reaches PIE_EDGE / 2 past its radius), with no label leader."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    from siting.deliver.mapplot import PIE_EDGE

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
        assert math.hypot(*label.get_position()) <= radius_points + PIE_EDGE / 2 + 3.0 + 1e-6
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


# --- the margin: legend, then the notes under its measured box; moved pies stay on the map -------

def many_sources(n: int) -> OutputLayer:
    """Sources layer: `n` points along 24.2 N between 101.6 and 103.9 E, each its own resource
    ("ore_00", ...): one legend row each."""
    from siting.deliver.layer import make_layer

    frame = gpd.GeoDataFrame({"id": [f"s{i}" for i in range(n)], "resource": [f"ore_{i:02d}" for i in range(n)]},
                             geometry=gpd.points_from_xy([101.6 + 2.3 * i / n for i in range(n)], [24.2] * n),
                             crs="EPSG:4326")
    return make_layer("sources", "Sources", frame, ["id", "resource"])


LONG_CONTEXT = MapContext(units={"lfp": "t"}, values={"lfp": 1.0},
                          sources=[f"layer {i}: a_rather_long_file_name_{i}.geojson (SHA-256 0123456789ab)"
                                   for i in range(8)])


def margin_of(figure: Figure) -> tuple:
    """The legend's and the notes' rendered boxes (display pixels), the notes and the page's box."""
    renderer = figure.canvas.get_renderer()
    legend = figure.legends[0]
    (notes,) = [a for a in [*figure.artists, *figure.texts] if isinstance(a, Text) and a.get_text().startswith("No ")]
    assert notes.get_text().startswith("No clusters: the red line's share")
    return legend.get_window_extent(renderer), notes.get_window_extent(renderer), notes, figure.bbox


def test_legend_and_notes_stand_apart_on_the_page_with_many_legend_rows():
    """25 resources, 8 long source lines: at the first setting (9.5-point rows 0.55 apart) the
    legend (about 480 pixels tall) and the notes (about 310) do not fit in the margin's 1,044
    pixels. The page keeps its 1600 x 1200 pixels; the legend closes up and shrinks (a later
    MARGIN_STYLES row); the notes' top stands NOTES_GAP points (14 = 19.4 pixels at 100 dpi)
    under the legend's rendered box, and both lie on the page with PAGE_EDGE points to spare."""
    from siting.deliver.mapplot import MARGIN_STYLES, NOTES_GAP, PAGE_EDGE, PIXELS

    figure = map_figure([crowded_sites(), many_sources(25)], CROWDED_TITLE, ["lfp"], "EPSG:32648", LONG_CONTEXT)
    legend_box, notes_box, notes, page = margin_of(figure)
    assert (page.width, page.height) == PIXELS
    assert not legend_box.overlaps(notes_box)
    assert notes_box.y1 == pytest.approx(legend_box.y0 - NOTES_GAP * 100 / 72, abs=1e-6)
    edge = PAGE_EDGE * 100 / 72
    for box in (legend_box, notes_box):
        assert page.x0 + edge <= box.x0 and box.x1 <= page.x1 - edge
        assert page.y0 + edge <= box.y0 and box.y1 <= page.y1 - edge
    legend = figure.legends[0]
    style = (legend.get_texts()[0].get_fontsize(), legend.labelspacing, notes.get_fontsize())
    assert style in MARGIN_STYLES[1:]
    assert sum(t.get_text().endswith(" source") for t in legend.get_texts()) == 25


def test_a_legend_too_long_for_the_page_makes_it_taller_at_the_bottom():
    """45 resources do not fit even at the floor (8-point rows 0.3 apart, 7.5-point notes): the
    page grows at the bottom in whole 50-pixel steps, no more than needed (the notes end less than
    a step above the bottom edge), and the PNG has that size. The map keeps its size in pixels;
    the map, the title and the legend's anchor keep their distances from the top of the page."""
    from siting.deliver.mapplot import MARGIN_STYLES, NOTES_GAP, PAGE_EDGE, PIXELS

    standard = map_figure([crowded_sites(), many_sources(3)], CROWDED_TITLE, ["lfp"], "EPSG:32648", LONG_CONTEXT)
    figure = map_figure([crowded_sites(), many_sources(45)], CROWDED_TITLE, ["lfp"], "EPSG:32648", LONG_CONTEXT)
    legend_box, notes_box, notes, page = margin_of(figure)
    assert page.width == PIXELS[0]
    grown = page.height - PIXELS[1]
    assert grown > 0 and grown % 50 == 0
    edge = PAGE_EDGE * 100 / 72
    assert edge <= notes_box.y0 < edge + 50
    assert not legend_box.overlaps(notes_box)
    assert notes_box.y1 == pytest.approx(legend_box.y0 - NOTES_GAP * 100 / 72, abs=1e-6)
    assert page.y1 - edge >= legend_box.y1 and legend_box.x1 <= page.x1 - edge and notes_box.x1 <= page.x1 - edge
    legend = figure.legends[0]
    assert (legend.get_texts()[0].get_fontsize(), legend.labelspacing, notes.get_fontsize()) == MARGIN_STYLES[-1]
    renderer, renderer0 = figure.canvas.get_renderer(), standard.canvas.get_renderer()
    box, box0 = figure.axes[0].get_window_extent(renderer), standard.axes[0].get_window_extent(renderer0)
    assert box.width == pytest.approx(box0.width, abs=1e-6) and box.height == pytest.approx(box0.height, abs=1e-6)
    assert page.y1 - box.y1 == pytest.approx(standard.bbox.y1 - box0.y1, abs=1e-6)
    anchor, anchor0 = legend.get_bbox_to_anchor(), standard.legends[0].get_bbox_to_anchor()
    assert (anchor.x0, page.y1 - anchor.y0) == (pytest.approx(anchor0.x0), pytest.approx(1200 - anchor0.y0))
    title, title0 = figure._suptitle.get_window_extent(renderer), standard._suptitle.get_window_extent(renderer0)
    assert page.y1 - title.y1 == pytest.approx(standard.bbox.y1 - title0.y1, abs=1e-6)
    png = io.BytesIO()
    render_map(png, [crowded_sites(), many_sources(45)], CROWDED_TITLE, ["lfp"], "EPSG:32648", LONG_CONTEXT)
    header = png.getvalue()[16:24]
    assert (int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")) == (PIXELS[0], PIXELS[1] + grown)


def test_a_map_with_a_crowded_margin_renders_to_the_same_bytes_twice():
    first, second = io.BytesIO(), io.BytesIO()
    for out in (first, second):
        render_map(out, [crowded_sites(), many_sources(25)], CROWDED_TITLE, ["lfp"], "EPSG:32648", LONG_CONTEXT)
    assert first.getvalue() == second.getvalue()


def test_the_leader_row_is_in_the_legend_only_when_the_map_draws_leaders(drawn: tuple):
    """The crowded map draws one leader (the small pie moved off its site): its legend has the
    leader row once, right after the pie sizes (and their blank rows). The small scenario's pies
    all stand on their sites: no leader on the map, no row."""
    from siting.deliver.mapplot import LEADER_LABEL

    crowded = map_figure([crowded_sites()], CROWDED_TITLE, ["lfp"], "EPSG:32648", CROWDED_CONTEXT)
    assert len([line for line in crowded.axes[0].lines if line.get_zorder() == 9.95]) == 1
    labels = [t.get_text() for t in crowded.legends[0].get_texts() if t.get_text()]
    assert LEADER_LABEL == "true site of a pie moved aside, line to it"
    assert labels[1:5] == ["capex 40.00 bn yuan", "capex 10.00 bn yuan", LEADER_LABEL, "eligible site, not used"]

    small = figure_of(drawn)
    assert not [line for line in small.axes[0].lines if line.get_zorder() == 9.95]
    assert LEADER_LABEL not in [t.get_text() for t in small.legends[0].get_texts()]


def test_the_leader_key_draws_the_maps_marks():
    """In a handle box 20.9 x 6.65 points (the legend's 9.5-point font): a line along the middle
    (y 3.325) from the dot's centre to the pie's left edge, a dot of SITE_DOT_RADIUS (2 points)
    at x 2, filled dark and edged white as on the map, and a pie outline of radius
    min(6.65 * 0.75, 20.9 / 4) = 4.9875 points at the right end (centre 20.9 - 4.9875)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle
    from matplotlib.transforms import IdentityTransform

    from siting.deliver.mapplot import LEADER_WIDTH, SITE_DOT_RADIUS, LeaderHandler, LeaderMark
    from siting.deliver.styles import INK

    line, dot, pie = LeaderHandler().create_artists(None, LeaderMark(), 0.0, 0.0, 20.9, 6.65, 9.5,
                                                    IdentityTransform())
    ink = (INK[0] / 255, INK[1] / 255, INK[2] / 255, 1.0)
    assert isinstance(line, Line2D) and isinstance(dot, Circle) and isinstance(pie, Circle)
    assert line.get_xdata() == [2.0, pytest.approx(20.9 - 2 * 4.9875)] and line.get_ydata() == [3.325, 3.325]
    assert line.get_linewidth() == LEADER_WIDTH and line.get_color() == ink
    assert dot.center == (2.0, 3.325) and dot.get_radius() == SITE_DOT_RADIUS
    assert dot.get_facecolor() == ink and dot.get_edgecolor() == (1.0, 1.0, 1.0, 1.0)
    assert pie.center == (pytest.approx(20.9 - 4.9875), 3.325) and pie.get_radius() == pytest.approx(4.9875)
    assert pie.get_facecolor()[3] == 0.0 and pie.get_edgecolor() == ink


def test_spread_pies_keeps_a_moved_pie_inside_the_bounds():
    """Frame x 0-100, gap 1.5. Pies of radius 5 at x 95 and 2 at x 96 (y 0) must stand
    5 + 2 + 1.5 = 8.5 apart; unbounded, the small one takes 25/29 of the 7.5 push and ends at
    96 + 6.47 = 102.47, off the frame. Bounded, its centre stays at most 100 - 2 - 1.5 = 96.5,
    where it stands against the frame, and the large one takes the rest of the push: 88.0. A
    pie that moves nothing (radius 4 at x 99, past its limit of 94.5) keeps its place bit for bit."""
    from siting.deliver.mapplot import spread_pies

    centres = np.array([[95.0, 0.0], [96.0, 0.0], [99.0, 40.0]])
    radii = np.array([5.0, 2.0, 4.0])
    free = spread_pies(centres, radii, gap=1.5)
    assert free[1].tolist() == [pytest.approx(96 + 7.5 * 25 / 29), 0.0]
    held = spread_pies(centres, radii, gap=1.5, bounds=(0.0, -50.0, 100.0, 50.0))
    assert held[:2].tolist() == [[pytest.approx(88.0, abs=1e-9), 0.0], [96.5, 0.0]]
    assert held[2].tolist() == [99.0, 40.0]


def test_pies_pushed_toward_the_map_frame_stay_inside_it():
    """Two built sites of 40 bn yuan each (pies of radius 18.7 points) 0.005 degrees apart on
    26 N, the east one on the map's east edge site (with a third built site and one not built
    at 101.5 E, 24 N, they set the extent): pushed apart along x, each by half of about 37
    points, the east pie would cross the frame. It stays inside, PIE_GAP points clear."""
    from matplotlib.patches import Circle

    from siting.deliver.layer import make_layer
    from siting.deliver.mapplot import PIE_GAP

    frame = gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "sw"], "name": ["A park", "B park", "C park", "SW"],
         "status": ["built"] * 3 + ["eligible_unused"], "capex_yuan": [40.0e9, 40.0e9, 1.0e9, 0.0],
         "added_lfp_2024": [1.0, 1.0, 1.0, 0.0]},
        geometry=gpd.points_from_xy([104.0, 103.995, 102.5, 101.5], [26.0, 26.0, 25.0, 24.0]), crs="EPSG:4326")
    layer = make_layer("sites", "Sites", frame, ["id", "name", "status", "capex_yuan", "added_lfp_2024"])
    figure = map_figure([layer], CROWDED_TITLE, ["lfp"], "EPSG:32648", CROWDED_CONTEXT)
    ax = figure.axes[0]
    box = ax.get_window_extent(figure.canvas.get_renderer())
    pixels_per_metre = ax.transData.transform((1.0, 0.0))[0] - ax.transData.transform((0.0, 0.0))[0]
    pies = [p for p in ax.patches if isinstance(p, Circle) and 9 <= p.get_zorder() < 9.5]
    assert len(pies) == 3
    clear = PIE_GAP * 100 / 72
    for pie in pies:
        (x, y), radius = ax.transData.transform(pie.center), pie.get_radius() * pixels_per_metre
        assert box.x0 + clear - 1e-6 <= x - radius and x + radius <= box.x1 - clear + 1e-6
        assert box.y0 + clear - 1e-6 <= y - radius and y + radius <= box.y1 - clear + 1e-6
    east = max(pies, key=lambda p: p.center[0])
    x, _y = ax.transData.transform(east.center)
    assert x + east.get_radius() * pixels_per_metre == pytest.approx(box.x1 - clear, abs=1e-6)


def test_blank_rows_keep_a_pie_size_just_clear_of_its_neighbours():
    """Pie sizes 40 and 10 bn yuan (circles sqrt(1400) = 37.4 and sqrt(350) = 18.7 points
    across). At 9.5-point rows 0.3 apart (12.35 points from row to row) one blank row on each
    side keeps either circle 1 point clear of the next label: 2 * 12.35 - 4.75 = 19.95 >=
    18.7 + 1. At 8 points (10.4 apart) the large one needs two: 2 * 10.4 - 4 = 16.8 < 19.7, while
    3 * 10.4 - 4 = 27.2 is enough; the small one still one (16.8 >= 9.35 + 1)."""
    from siting.deliver.mapplot import legend_handles

    def rows(font: float) -> list[str]:
        _handles, labels = legend_handles([], {}, 40.0e9, set(), None, [], {}, set(), None, None, True, font, 0.3)
        return labels[:labels.index("cluster")]

    assert rows(9.5) == ["", "capex 40.00 bn yuan", "", "", "capex 10.00 bn yuan", "",
                         "true site of a pie moved aside, line to it"]
    assert rows(8.0) == ["", "", "capex 40.00 bn yuan", "", "", "", "capex 10.00 bn yuan", "",
                         "true site of a pie moved aside, line to it"]
