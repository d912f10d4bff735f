"""map.png: legend entries in words, colours shared with the QGIS styles, labels that do not
collide, context names, and the same bytes on every render (the small test scenario)."""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

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
