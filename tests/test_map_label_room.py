"""Where the maps' labels and legends say what they draw:
1. map.png's labels stand where their letters are drawn: a label with a halo is drawn as
   the outlines of its letters, unhinted, and the map measures its texts unhinted too
   (siting/deliver/mapplot.py `UnhintedRenderer`), so that no label's letters run past the box it was
   placed by, into another label (the shipped plan's "Anning City" over the end of "Petroleum
   coke on site: ..."); a site's draw on its source on site is a rate, "t/yr in 2024";
2. plan.qgs's product flows legend heading names the year whose group is ticked, also where the
   final year's flows are all on legs without a line (siting/deliver/styles.py `size_note`);
3. plan.qgs's raw-material flows legend keys a site drawing on a source standing on it, which has
   no line (styles.py `on_site_widest`, `flows_style`), as map.png and report.html ring it.

The hand-made plan is tests/test_map_leftovers.py's: s1 "North park, east area" (built, LFP
20,000 t/yr) at (102.0, 25.0) draws 50,000 t of phosphate rock in 2024 from the source "rock" at
its own point; with a cluster round it and a county, "Anning City", whose name would stand,
measured with hinting, just right of s1's label's last line, and on its last letters as drawn.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from test_map_leftovers import rock_source, sites_on_a_source
from test_webmap_flows import LEGS, PRODUCTS, UNITS, flows_layer, places

from siting.deliver.files import (
    SolveOutcome,
    folder_map_layers,
    folder_unlined_flows,
    layer_styles,
    map_context,
    map_title,
)
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapinfo import MapContext, MapTitle
from siting.deliver.mapplot import map_figure
from siting.deliver.qgisproject import legend_nodes, project_text
from siting.deliver.styles import KEY_ONLY_CATEGORY, on_site_widest, size_note, style_for, year_groups
from siting.prepare.problem import prepare
from tests.conftest import MadeRun

CRS = "EPSG:32648"
TITLE = MapTitle("t", "optimal", 0.0, 0.0, [2023, 2024])
#: s1's label, its draw on site a rate in its year.
SITE_LABEL = "North park\nLFP 20,000 t/yr\nPhosphate rock on site: 50,000 t/yr in 2024"
#: How far (pixels) a label's letters may reach past its box: the overhang of a letter such as
#: an italic one or a "J" (the placer keeps 1.5 pixels clear round every box).
OVERHANG = 1.0


def cluster() -> OutputLayer:
    frame = gpd.GeoDataFrame({"id": ["n"], "name": ["North"]}, geometry=[shapely.box(101.8, 24.8, 102.4, 25.3)],
                             crs="EPSG:4326")
    return make_layer("clusters", "Clusters", frame, ["id", "name"])


def county_context() -> MapContext:
    """One county, "Anning City", a disc about (102.1625, 24.997): its name, centred there, would
    take the room right of s1's label's last line as matplotlib measures it with hinting (its
    box ending 14 pixels short of the letters)."""
    counties = gpd.GeoDataFrame({"id": ["c1"], "name": ["Anning City"]},
                                geometry=[shapely.Point(102.1625, 24.997).buffer(0.005)], crs="EPSG:4326")
    return MapContext(units={"lfp": "t"}, values={"lfp": 1.0}, context=counties, context_label="counties")


def drawn_texts(figure: Figure) -> list[tuple[str, Bbox, Bbox]]:
    """Each text on the map (not empty) as drawn, after the final layout: (text, its window
    extent, where its letters are). The letters are the outlines the renderer is given (a text
    with a halo is drawn as paths); a text drawn as such (no halo) is where its extent is."""
    found = []
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for text in figure.axes[0].texts:
        if not text.get_text():
            continue
        letters: list[Bbox] = []

        def path(gc: Any, drawn: Any, transform: Any, rgb: Any = None, into: list[Bbox] = letters) -> None:
            into.append(drawn.get_extents(transform))

        def glyphs(*args: Any, into: list[Bbox] = letters, text: Any = text, **kwargs: Any) -> None:
            into.append(text.get_window_extent(renderer))

        renderer.draw_path, renderer.draw_text = path, glyphs  # type: ignore[method-assign]
        try:
            text.draw(renderer)
        finally:
            del renderer.draw_path, renderer.draw_text
        extent = text.get_window_extent(renderer)
        found.append((text.get_text(), extent, Bbox.union(letters) if letters else extent))
    return found


def assert_labels_have_room(figure: Figure) -> None:
    """Every text's letters lie in its box (OVERHANG pixels aside), and no two boxes, nor the
    letters of two texts, overlap."""
    drawn = drawn_texts(figure)
    for text, box, letters in drawn:
        assert box.padded(OVERHANG).contains(letters.x0, letters.y0) and \
            box.padded(OVERHANG).contains(letters.x1, letters.y1), (text, box.extents, letters.extents)
    for i, (text, box, letters) in enumerate(drawn):
        for other, other_box, other_letters in drawn[i + 1:]:
            assert not box.overlaps(other_box), (text, other)
            assert not letters.overlaps(other_letters), (text, other)


# --- 1. map.png's labels -----------------------------------------------------------------------

def test_a_label_s_letters_stay_in_its_box_and_a_county_name_keeps_off_them():
    """s1's label, its last line the longest: drawn 14 pixels wider than matplotlib measured it
    with hinting, "Anning City" stood on its last letters. Measured as drawn, the label's box
    holds its letters and the county name, optional, keeps off it."""
    figure = map_figure([sites_on_a_source(), rock_source(), cluster()], TITLE, ["lfp"], CRS, county_context())
    assert SITE_LABEL in [t.get_text() for t in figure.axes[0].texts]
    assert_labels_have_room(figure)


def test_the_shipped_plan_s_labels_have_room(shipped_first_node_run: MadeRun):
    """The shipped scenario's plan (its first node's), drawn again from its folder as a batch
    does (siting/deliver/files.py `redraw_map`): every label's letters in its box, none over
    another; the Caopu area's label ends with its draw of petroleum coke on site, a rate."""
    folder = shipped_first_node_run.out
    solver = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["solver"]
    outcome = SolveOutcome(solver["termination"], solver["objective_yuan"] is not None, solver["proven_within_gap"],
                           solver["objective_yuan"], solver["gap"])
    prepared = prepare(shipped_first_node_run.scenario, {}, None, ())
    layers = folder_map_layers(folder)
    figure = map_figure(layers, map_title(prepared.loaded, prepared.inputs, outcome), list(prepared.inputs.PRODUCTS),
                        prepared.spatial.working_crs, map_context(prepared, layers),
                        unlined=folder_unlined_flows(folder))
    (caopu,) = [t.get_text() for t in figure.axes[0].texts if t.get_text().startswith("Anning industrial park, Caopu")]
    assert caopu.split("\n")[-1].startswith("Petroleum coke on site: ") and caopu.endswith(" t/yr in 2024")
    assert_labels_have_room(figure)


# --- 2. the product flows' legend heading ------------------------------------------------------

#: The legs of tests/test_webmap_flows.py of 2023, with lines, and in 2024 only the gateway's
#: import of 120,000 t/yr of LFP into hub n on a leg of 0 km, which has none.
LINED_2023 = [leg for leg in LEGS if leg[5] == 2023]
FLOWS_2023_LINED = pd.DataFrame([(k, a, b, p, y, q, km) for k, a, b, p, _u, y, q, km, _s, _e in LINED_2023]
                                + [("gateway_to_hub", "gateway", "n", "lfp", 2024, 120000.0, 0.0)],
                                columns=["kind", "from", "to", "product", "year", "units", "km"])


def lines_of_2023() -> OutputLayer:
    columns = ["id", "kind", "from", "to", "product", "unit", "year", "units", "km"]
    rows = [dict(zip(columns, (f"{k}:{a}->{b}:{p}:{y}", k, a, b, p, u, y, q, km), strict=True))
            for k, a, b, p, u, y, q, km, _start, _end in LINED_2023]
    frame = gpd.GeoDataFrame(rows, geometry=[shapely.LineString([leg[8], leg[9]]) for leg in LINED_2023],
                             crs="EPSG:4326")
    return make_layer("product_flows", "Product flows", frame, columns, None, "LineString")


def legend_properties(qgs: str) -> dict[str, dict[str, str]]:
    """The print legend's custom properties by layer id (its titles and labels)."""
    root = ET.fromstring(qgs.split("\n", 1)[1])
    legend = next(i for i in root.iter("LayoutItem") if i.get("id") == "legend")
    return {node.get("id", ""): {o.get("name", ""): o.get("value", "") for o in
                                 node.findall("customproperties/Option/Option")}
            for node in legend.iter("layer-tree-layer")}


def test_the_product_flows_heading_names_the_year_ticked_when_it_has_no_line():
    """Lines in 2023 only; 2024's one flow is on a leg without a line: product_flows.qml has a
    group of 2024 too (keying LFP's ring), the one ticked, and plan.qgs's legend heading says
    2024 is shown and 2023 is to tick, not "final year 2023 shown"."""
    layers = [*places(), lines_of_2023()]
    styles = layer_styles(layers, [], None, PRODUCTS, UNITS, FLOWS_2023_LINED)
    assert year_groups(styles["product_flows"]) == [(2023, False), (2024, True)]
    qgs = project_text(layers, styles, "t", CRS, (0.0, 0.0, 1.0, 1.0))
    heading = legend_properties(qgs)["product_flows_layer"]["legend/title-label"].replace("\n", " ")
    assert heading == ("Product flows (per year) final year 2024 shown (2023: tick in the layer panel) width ∝ amount "
                       "per year (3 mm = 20,000 t/yr) the lines of one leg side by side")
    # A style whose earlier group is the one ticked (as a reader may save it): that year is named.
    swapped = styles["product_flows"].replace('checkstate="0" ', "", 1).replace(
        'filter="&quot;year&quot; = 2024"', 'checkstate="0" filter="&quot;year&quot; = 2024"', 1)
    assert year_groups(swapped) == [(2023, True), (2024, False)]
    assert size_note(lines_of_2023(), swapped) == ("year 2023 shown (2024: tick in the layer panel); width ∝ amount "
                                                   "per year (3 mm = 20,000 t/yr); the lines of one leg side by side")
    # Without the style, the years of the layer's lines, as before.
    assert size_note(lines_of_2023()) == ("final year 2023 shown; width ∝ amount per year (3 mm = 20,000 t/yr); the "
                                          "lines of one leg side by side")


# --- 3. the raw-material flows' legend ---------------------------------------------------------

def no_flows() -> OutputLayer:
    """The raw-material flows layer of s1's plan: its one flow is of no length, so no line."""
    columns = ["id", "source", "site", "resource", "km", "tonnes_2023", "tonnes_2024"]
    frame = gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs="EPSG:4326")
    return make_layer("flows", "Raw-material flows (t/yr)", frame, columns,
                      {"id": "string", "source": "string", "site": "string", "resource": "string", "km": "real",
                       "tonnes_2023": "real", "tonnes_2024": "real"}, "LineString")


def test_the_raw_material_flows_legend_keys_a_site_drawing_on_its_own_source():
    """s1 draws 50,000 t/yr of phosphate rock in 2024 at its own point: flows.qml has a category
    no feature has (KEY_ONLY_CATEGORY) keying a dashed ink ring with what s1 draws there, and
    plan.qgs's print legend keys it although the layer has no line."""
    sites, sources, flows = sites_on_a_source(), rock_source(), no_flows()
    on_site = on_site_widest(sites, sources)
    assert on_site == {("phosphate_rock",): (50000.0, "North park")}
    qml = style_for(flows, ["phosphate_rock"], on_site=on_site)
    root = ET.fromstring(qml.split("\n", 1)[1])
    label = "Phosphate rock (no line: up to 50,000 t/yr drawn from a source on site: North park)"
    assert [(c.get("value"), c.get("label")) for c in root.iter("category")] == [
        (f"{KEY_ONLY_CATEGORY}phosphate_rock", label)]
    (ring,) = [s for s in root.iter("symbol") if s.get("name") == "0"]
    marker = ring.find("layer/symbol/layer")
    assert ring.find("layer").get("class") == "MarkerLine" and marker is not None
    options = {o.get("name"): o.get("value") for o in marker.find("Option") or []}
    assert (options["name"], options["outline_style"]) == ("circle", "dash")
    frame = pd.DataFrame(flows.frame.drop(columns="geometry"))
    assert [(n.label, n.keyed) for n in legend_nodes(qml, frame)] == [(label, True)]
    styles = {**layer_styles([sites, sources, flows], ["phosphate_rock"]), "flows": qml}
    properties = legend_properties(project_text([sites, sources, flows], styles, "t", CRS, (0.0, 0.0, 1.0, 1.0)))
    assert properties["flows_layer"]["legend/node-order"] == "0"
    assert properties["flows_layer"]["legend/label-0"].replace("\n", " ") == label
    # A site whose source on site gives it nothing: no such entry.
    quiet = make_layer("sites", "Sites", sites.frame.assign(on_site_t_2024=[0.0, 0.0]), sites.field_names)
    assert on_site_widest(quiet, sources) == {} and on_site_widest(sites, None) == {}


@pytest.mark.parametrize("lined", [True, False])
def test_a_resource_with_lines_keeps_its_category_before_the_on_site_entry(lined: bool):
    """Phosphate rock also flows on a line (lined) or not: its line's category comes first where
    it has one, the on-site entry after it either way."""
    flows = no_flows()
    if lined:
        frame = gpd.GeoDataFrame({"id": ["far->s1"], "source": ["far"], "site": ["s1"], "resource": ["phosphate_rock"],
                                  "km": [30.0], "tonnes_2023": [0.0], "tonnes_2024": [20000.0]},
                                 geometry=[shapely.LineString([(102.3, 25.2), (102.0, 25.0)])], crs="EPSG:4326")
        flows = make_layer("flows", flows.title, frame, flows.field_names, None, "LineString")
    qml = style_for(flows, ["phosphate_rock"], on_site=on_site_widest(sites_on_a_source(), rock_source()))
    values = [c.get("value") for c in ET.fromstring(qml.split("\n", 1)[1]).iter("category")]
    assert values == [*(["phosphate_rock"] if lined else []), f"{KEY_ONLY_CATEGORY}phosphate_rock"]


def test_the_product_flows_heading_is_unchanged_where_the_last_year_has_lines():
    """Lines in both years (tests/test_webmap_flows.py's legs): the heading as before."""
    layers = [*places(), flows_layer()]
    styles = layer_styles(layers, [], None, PRODUCTS, UNITS)
    assert size_note(flows_layer(), styles["product_flows"]) == size_note(flows_layer()) == (
        "final year 2024 shown (2023: tick in the layer panel); width ∝ amount per year (3 mm = 80,000 t/yr or 5 "
        "GWh/yr); the lines of one leg side by side")
