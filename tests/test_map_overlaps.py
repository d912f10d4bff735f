"""What map.png draws over what, so that everything on it can be seen:
1. a label's halo never comes onto a pie: its box keeps half the halo's width (2
   points) and half the pie's outline off the pie's radius (siting/deliver/mapplot.py
   `LabelPlacer`, `SYMBOL_CLEARANCE`). The shipped plan's "Kunming hub: 9 product flows" stood
   about 2 pixels above the Caopu area's pie, its halo on the pie's edge: the placer kept a
   label's box only 1.5 pixels off a symbol's radius, less than the halo's 2.1 and the outline's
   0.6;
2. a source at a site is drawn above the site's pie with a white rim round its triangle, so that
   it shows whatever the pie's colour under it (mapplot.py `draw_sources`, `source_rim`);
3. no resource's colour reads as a product's (siting/deliver/styles.py `RESOURCE_PALETTE`):
   copper's blue was 8 apart in CIELAB from FePO4's, and under 5 for readers with a colour
   vision deficiency, so that a copper source on an FePO4 pie all but vanished.

The hand-made plan of 2 is tests/test_map_leftovers.py's: s1 "North park, east area" (built,
LFP) at (102.0, 25.0), drawing on the phosphate rock source "rock" at its own point.
"""

from __future__ import annotations

import io
import itertools
import json
import math

import numpy as np
import pytest
import yaml
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Wedge
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image
from test_map_leftovers import projected, rock_source, sites_on_a_source
from test_report_shortfall import ROOT, SIMULATION, lab

from siting.deliver.files import SolveOutcome, folder_map_layers, folder_unlined_flows, map_context, map_title
from siting.deliver.mapinfo import MapContext, MapTitle
from siting.deliver.mapplot import HALO, LabelPlacer, _label, map_figure, quiet_canvas
from siting.deliver.styles import product_colours, resource_colours
from siting.prepare.problem import prepare
from tests.conftest import MadeRun

CRS = "EPSG:32648"
TITLE = MapTitle("t", "optimal", 0.0, 0.0, [2023, 2024])
#: How far (points) a label's halo reaches past its letters: half its stroke's width.
HALO_REACH_PT = HALO[0]._gc["linewidth"] / 2


def gap(box: Bbox, x: float, y: float) -> float:
    """The distance (display units) from the point (x, y) to the nearest point of `box`: 0 inside."""
    return math.hypot(float(np.clip(x, box.x0, box.x1)) - x, float(np.clip(y, box.y0, box.y1)) - y)


def pies(figure: Figure) -> list[tuple[float, float, float]]:
    """Each pie on the map as drawn (its ink outline, zorder 9 to 9.5): centre x, y and the radius
    to the outline's outer edge, in display units (pixels)."""
    ax = figure.axes[0]
    points = figure.canvas.get_renderer().points_to_pixels(1.0)
    found = []
    for patch in ax.patches:
        if isinstance(patch, Circle) and 9 <= patch.get_zorder() < 9.5:
            x, y = ax.transData.transform(patch.center)
            edge = ax.transData.transform((patch.center[0] + patch.get_radius(), patch.center[1]))[0]
            found.append((float(x), float(y), float(edge - x) + patch.get_linewidth() / 2 * points))
    return found


def labels(figure: Figure) -> list[Text]:
    """The map's labels: its texts drawn with the labels' halo, but the scale bar's (zorder 20)."""
    return [t for t in figure.axes[0].texts if t.get_text() and t.get_path_effects() == HALO and t.get_zorder() < 20]


def assert_no_halo_on_a_pie(figure: Figure) -> None:
    """No label's box comes nearer a pie's outline than its halo reaches."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    reach = HALO_REACH_PT * renderer.points_to_pixels(1.0)
    drawn = pies(figure)
    assert drawn
    for text in labels(figure):
        box = text.get_window_extent(renderer)
        for x, y, radius in drawn:
            assert gap(box, x, y) >= radius + reach, (text.get_text(), round(gap(box, x, y) - radius, 2))


# --- 1. labels keep their halo off the pies -----------------------------------------------------

def test_a_label_keeps_its_halo_off_a_symbol_it_would_have_touched():
    """A pie of 30 pixels' radius (its outline's outer edge) at (300, 300) on a page whose data
    units are pixels, and a label whose first position (up and right of its anchor, 3 points out)
    puts its box 1.6 pixels above the pie's top, over its middle: that is clear of the pie's
    square padded by 1.5 pixels, but the halo (2.08 pixels) would lie on the pie's edge. The
    label goes elsewhere, its box at least the halo's reach off the pie."""
    figure = Figure(figsize=(8, 6), dpi=100)
    quiet_canvas(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 800)
    ax.set_ylim(0, 600)
    renderer = figure.canvas.get_renderer()
    points = renderer.points_to_pixels(1.0)
    placer = LabelPlacer(ax, renderer)
    placer.block_circle(300.0, 300.0, 30.0 / points)
    first = 3.0 / math.sqrt(2) * points  # the first position's offset, x and y (pixels)
    anchor = (300.0 - 10.0 - first, 330.0 + 1.6 - first)
    label = _label(ax, "Kunming hub: 9 product flows\nin 2024 with the gateway at it", anchor, fontsize=7.5,
                   linespacing=1.15, multialignment="left")
    assert placer.place(label, anchor)
    box = label.get_window_extent(renderer)
    assert gap(box, 300.0, 300.0) >= 30.0 + HALO_REACH_PT * points, box.extents


def test_the_shipped_plan_s_labels_keep_their_halos_off_the_pies(shipped_first_node_run: MadeRun):
    """The shipped scenario's plan (its first node's), drawn again from its folder as a batch does:
    no label's halo reaches a pie's outline (the Kunming hub's stood on the Caopu area's pie)."""
    folder = shipped_first_node_run.out
    solver = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["solver"]
    outcome = SolveOutcome(solver["termination"], solver["objective_yuan"] is not None, solver["proven_within_gap"],
                           solver["objective_yuan"], solver["gap"])
    prepared = prepare(shipped_first_node_run.scenario, {}, None, ())
    layers = folder_map_layers(folder)
    figure = map_figure(layers, map_title(prepared.loaded, prepared.inputs, outcome), list(prepared.inputs.PRODUCTS),
                        prepared.spatial.working_crs, map_context(prepared, layers),
                        unlined=folder_unlined_flows(folder))
    assert any(t.get_text().startswith("Kunming hub: ") for t in labels(figure))
    assert_no_halo_on_a_pie(figure)


# --- 2. a source at a site shows on the site's pie ---------------------------------------------

def site_on_its_source() -> Figure:
    """s1 (built, LFP: a blue pie of the largest size) standing on the source "rock"."""
    return map_figure([sites_on_a_source(), rock_source()], TITLE, ["lfp"], CRS,
                      MapContext(units={"lfp": "t"}, values={"lfp": 1.0}))


def source_mark(figure: Figure) -> PathCollection:
    """The marks drawn at the source "rock" (s1's point): its triangle's collection."""
    at = projected(102.0, 25.0)
    (found,) = [c for c in figure.axes[0].collections if np.allclose(c.get_offsets(), [at])]
    return found


def test_a_source_at_a_site_is_drawn_above_its_pie_with_a_white_rim():
    """The source's triangle is drawn after every part of the pie (wedges, outline) and of the
    leaders (zorder under 10), and has a white stroke wider than its edge by at least 2 points:
    a white rim of at least a point round it, which shows on a pie of any colour."""
    figure = site_on_its_source()
    pie_parts = [p.get_zorder() for p in figure.axes[0].patches
                 if isinstance(p, (Wedge, Circle)) and 9 <= p.get_zorder() < 10]
    assert len(pie_parts) == 2  # s1's one slice and its outline
    source = source_mark(figure)
    assert source.get_zorder() > max(pie_parts)
    effects = source.get_path_effects() or []
    assert len(effects) == 1
    (rim,) = effects
    assert rim._gc["foreground"] == "white"
    assert rim._gc["linewidth"] >= float(source.get_linewidths()[0]) + 2.0


def test_a_source_at_a_site_shows_a_white_rim_on_the_pie_under_it():
    """Drawn (at 300 dpi: 1 point is 4.17 pixels), the pixel 0.5 points below the middle of the
    source triangle's edge (its base 3.35 points under its centre, the ink edge 0.3 points
    wider) is white, not the pie's blue: the rim parts the triangle from the pie."""
    figure = site_on_its_source()
    ax = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    x, y = ax.transData.transform(source_mark(figure).get_offsets()[0])
    height = figure.bbox.height
    buffer = io.BytesIO()
    figure.savefig(buffer, dpi=300, format="png")
    pixels = np.asarray(Image.open(buffer).convert("RGB"))
    scale = 300 / figure.dpi
    below = (math.sqrt(45) / 2 + 0.3 + 0.5) * renderer.points_to_pixels(1.0)  # points of the 100-dpi page
    row, column = round((height - (y - below)) * scale), round(x * scale)
    inside = round((height - y) * scale), round((x + 12 * renderer.points_to_pixels(1.0)) * scale)
    assert tuple(pixels[inside]) == product_colours(["lfp"])["lfp"]  # the pie, beside the triangle
    assert tuple(pixels[row, column]) == (255, 255, 255)


# --- 3. no resource reads as a product ---------------------------------------------------------

def test_no_resource_is_coloured_like_a_product():
    """Every resource of the shipped catalog and sources layer, coloured together (10) and as the
    map colours the sources layer's (7), against every product of the catalog (11): at least 15
    apart in CIELAB (Euclidean) for normal vision and 10 for protanopia, deuteranopia and
    tritanopia (tests/test_report_shortfall.py's simulation). Copper (33, 102, 172) against FePO4
    (0, 114, 178) was 8.2 apart for normal vision and 3.7 with deuteranopia."""
    catalog = yaml.safe_load((ROOT / "scenarios" / "catalog.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((ROOT / "geodata" / "yunnan" / "sources.geojson").read_text(encoding="utf-8"))
    on_map = sorted({f["properties"]["resource"] for f in sources["features"]})
    products = product_colours(list(catalog["products"]))
    assert len(products) == 11
    for resources in (sorted(set(catalog["resources"]) | set(on_map)), on_map):
        colours = resource_colours(resources)
        for vision in SIMULATION:
            least = 15 if vision == "normal" else 10
            for resource, product in itertools.product(resources, products):
                apart = float(np.linalg.norm(lab(colours[resource], vision) - lab(products[product], vision)))
                assert apart >= least, (vision, resource, product, round(apart, 1))


@pytest.mark.parametrize("vision", list(SIMULATION))
def test_copper_and_fepo4_are_far_apart_for_every_reader(vision: str):
    """On the shipped map copper (a source and its flow) stands on FePO4's pies: the two are at
    least 20 apart in CIELAB for every reader."""
    sources = yaml.safe_load((ROOT / "geodata" / "yunnan" / "sources.geojson").read_text(encoding="utf-8"))
    copper = resource_colours(sorted({f["properties"]["resource"] for f in sources["features"]}))["copper"]
    fepo4 = product_colours(["fepo4"])["fepo4"]
    assert float(np.linalg.norm(lab(copper, vision) - lab(fepo4, vision))) >= 20
