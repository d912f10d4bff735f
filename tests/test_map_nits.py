"""Two small things the maps say and how they say it:
1. the scale bar's unit, "km", stands clear of the bar's last number, whatever the number's width
   and the map's shape (siting/deliver/mapplot.py `draw_scale_bar`): set a share of the map's
   width right of the bar's end, it reached about 1 pixel into a centred "50" on conflicts.png's
   page and stood 0.3 pixels off a "100" on map.png's;
2. a red-line category's label states how far it excludes sites truly for every product: where
   the nearest distance that holds for every product lies beyond the buffer (every product's
   setback past it), that distance, not the buffer (siting/deliver/styles.py `exclusion_reach`,
   `redline_style`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import matplotlib
import pytest
import shapely
from matplotlib.figure import Figure
from matplotlib.text import Text

from siting.deliver.explore import PNG_SIZE_IN
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapplot import DPI, FIGURE_SIZE_IN, draw_scale_bar, quiet_canvas, scale_bar_box
from siting.deliver.styles import exclusion_reach, redline_style

# --- 1. the scale bar's unit clear of its last number -------------------------------------------

#: The pages the scale bar is drawn on: map.png's (16 x 12 in, its map's axes) and the diagnosis
#: folder's conflicts.png's (12 x 9 in; siting/deliver/explore.py PNG_SIZE_IN and `_figure`).
PAGES = {"map.png": (FIGURE_SIZE_IN, (0.02, 0.03, 0.68, 0.86)),
         "conflicts.png": (PNG_SIZE_IN, (0.03, 0.05, 0.94, 0.85))}


def scale_bar_texts(page: str, extent: tuple[float, float, float, float]) -> tuple[dict[str, Text], Figure]:
    """The scale bar's texts drawn on `page` over `extent` (working CRS, m), by their text, after
    the figure is drawn with the map's own canvas (`quiet_canvas`: text measured unhinted, as
    drawn)."""
    size, axes = PAGES[page]
    with matplotlib.style.context("default"):
        figure = Figure(figsize=size, dpi=DPI)
        quiet_canvas(figure)
        ax = figure.add_axes(axes)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("equal")
        ax.apply_aspect()
        drawn = draw_scale_bar(ax, extent)
        figure.canvas.draw()
    return {artist.get_text(): artist for artist in drawn if isinstance(artist, Text)}, figure


@pytest.mark.parametrize(("page", "extent", "last"), [
    ("conflicts.png", (0.0, 0.0, 250e3, 277.8e3), "50"),  # "km" 0.18 px into "50" (and 0.91 px over it)
    ("conflicts.png", (0.0, 0.0, 600e3, 600e3), "100"),  # 2.9 px into it
    ("conflicts.png", (0.0, 0.0, 2e3, 2e3), "0.2"),
    ("map.png", (0.0, 0.0, 600e3, 300e3), "100"),  # 0.29 px clear of it
    ("map.png", (0.0, 0.0, 260e3, 240e3), "50"),
    ("map.png", (0.0, 0.0, 100e3, 200e3), "20"),
])
def test_the_scale_bar_s_unit_stands_clear_of_its_last_number(page: str, extent: tuple[float, float, float, float],
                                                              last: str):
    """Measured as drawn: "km" starts SCALE_UNIT_GAP_PT (3 points, 4.17 pixels at 100 dpi) right
    of the last number's box, so that neither's halo (1.5 points) reaches the other's letters,
    and lies in the scale bar's corner of the map (`scale_bar_box`), which labels keep off."""
    texts, figure = scale_bar_texts(page, extent)
    assert list(texts) == ["0", f"{float(last) / 2:g}", last, "km"]
    renderer = figure.canvas.get_renderer()
    number, unit = texts[last].get_window_extent(renderer), texts["km"].get_window_extent(renderer)
    assert unit.x0 - number.x1 == pytest.approx(3 * DPI / 72, abs=1e-9)
    corner = scale_bar_box(figure.axes[0].get_window_extent(renderer))
    assert corner.x0 <= unit.x0 and unit.x1 <= corner.x1 and corner.y0 <= unit.y0 and unit.y1 <= corner.y1


# --- 2. a red-line category's reach, true for every product ---------------------------------------

def test_exclusion_reach_states_the_distance_every_product_keeps():
    """A 1,000 m buffer with every product's setback from 2,000 m to 5,000 m: nothing may stand
    within 2,000 m, so the label says so rather than the buffer. Where some product keeps only
    the buffer, or no nearest distance is given (a layer without `min_distance_m`), the buffer."""
    assert exclusion_reach(1000.0, 5000.0, 2000.0) == "within 2,000 m, up to 5,000 m for some products"
    assert exclusion_reach(1000.0, 3000.0, 3000.0) == "within 3,000 m"
    assert exclusion_reach(0.0, 5000.0, 2000.0) == "within 2,000 m, up to 5,000 m for some products"
    assert exclusion_reach(1000.0, 5000.0, 1000.0) == "within 1,000 m, up to 5,000 m for some products"
    assert exclusion_reach(1000.0, 5000.0) == "within 1,000 m, up to 5,000 m for some products"
    assert exclusion_reach(0.0, 5000.0, 0.0) == "inside, within 5,000 m for some products"


def redline(rows: list[tuple[str, bool, float, float, float]]) -> OutputLayer:
    """A red-line layer of one square per (category, used, buffer_m, min_distance_m,
    max_distance_m), in the layer's field order (siting/deliver/layers.py REDLINE_FIELDS)."""
    frame = gpd.GeoDataFrame(
        {"id": [f"z{n}" for n in range(len(rows))], "name": [f"zone {n}" for n in range(len(rows))],
         "category": [r[0] for r in rows], "used": [r[1] for r in rows], "buffer_m": [r[2] for r in rows],
         "min_distance_m": [r[3] for r in rows], "max_distance_m": [r[4] for r in rows],
         "area_km2": [1.0] * len(rows)},
        geometry=[shapely.box(102.0 + n, 25.0, 102.5 + n, 25.5) for n in range(len(rows))], crs="EPSG:4326")
    return make_layer("redline", "Red line", frame, list(frame.columns.drop("geometry")), None, "Polygon")


def test_redline_style_labels_the_distance_every_product_keeps():
    """Buffer 1,000 m. The lake: every product's setback 2,000 m, cells' 5,000 m (two polygons);
    the reserve: 3,000 m for every product; the river: one product keeps only the buffer, another
    4,000 m; the scenic area: not counted."""
    layer = redline([("lake", True, 1000.0, 2000.0, 5000.0), ("lake", True, 1000.0, 2000.0, 5000.0),
                     ("nature_reserve", True, 1000.0, 3000.0, 3000.0), ("river", True, 1000.0, 1000.0, 4000.0),
                     ("scenic_area", False, 0.0, 0.0, 0.0)])
    root = ET.fromstring(redline_style(layer).split("\n", 1)[1])
    assert [(c.get("value"), c.get("label")) for c in root.findall("renderer-v2/categories/category")] == [
        ("lake", "lake (excluded within 2,000 m, up to 5,000 m for some products)"),
        ("nature_reserve", "nature reserve (excluded within 3,000 m)"),
        ("river", "river (excluded within 1,000 m, up to 4,000 m for some products)"),
        ("scenic_area", "scenic area (not used by the red-line rule)")]
