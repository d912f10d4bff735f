"""`map.png`: a static map of the plan for readers who never open QGIS.

Drawn with matplotlib's Agg canvas (no screen, no pyplot state) in the working CRS, so that the
scale bar is true in kilometres and north is up (UTM grid north; the convergence from true
north is about a degree in Yunnan, below what the arrow can show).

What it shows, bottom to top: context polygons (`layers.context`, e.g. counties) with their names
in grey; the clusters; red-line polygons by category (water blue, reserves green, with the lake
names); the red-line buffer as a bright red outline with ticks across it and setbacks with one dark
red hatch;
candidate cells (with a `candidates:` block) as a faint grid, the cells the plan builds on filled;
flows and sources by resource (a prospective source the plan may not use as a hollow triangle;
each triangle white-rimmed and drawn above the pies, so that a source at a site shows on its pie);
candidate sites by status (a site where only existing or committed plants stand, status
`standing`, as a dark blue diamond labelled with its name and that capacity in the final year;
an eligible site the plan does not use as an amber dot ringed in thick ink: ELIGIBLE_EDGE);
and every built site as a pie whose area is proportional to its capex (the plan's largest at
LARGEST_MARKER points^2, or, for the runs of a comparison or sweep, the largest of all its runs:
`pie_scale`) and whose slices are the products it builds (by the output value of the capacity
added), labelled with the site's name and each product's capacity added in words and units. Pies
that would cover each other on the page are moved apart about their shared centre, and a pie
moved off its site is tied to it by a thin line ending on a dot (`spread_pies`); a moved pie
stays inside the map's frame, and one moved off its site stands clear of the sources' triangles,
the dashed rings and the other sites' marks (`clear_of_marks`); no pie, moved or not, covers a
standing site's diamond, which its label points at. Flows of no length, which have
no line (a site drawing on a source standing on it; products moved between a hub and the gateway
or a site standing at it), are marked by a dashed ring, as report.html's map marks them, with a
legend row; the site's label says what it draws on site, and a ringed hub is labelled with its
name and how many product flows stand there (`unlined_marks`). Labels are placed greedily,
beside their own pie, so that none overlaps another label, and none comes with its halo
onto a pie's or a ring's outline or a site's or source's mark, nor has its leader run across one
but its own, nor stands across a flow's line (`LabelPlacer`; a lake's or a county's name keeps
off the flows where it can); of such places, one across no cluster's outline where there is one
near enough, so that a label reads as in its own cluster, and a site's or a hub's label across
no outline of the red line or its zones either, going farther where it would otherwise hide a
small red-line polygon (a park) whole or in part (`keep_labels_off`). A label of several lines aligns them
on the side that faces its symbol (right in a label left of it), so that its lines reach the
corner next to the symbol, or the end of its leader. Every label's letters have a halo in the
land's colour (`HALO`): the lines under a label stop short of its letters and of the spaces
between its words. A cluster's name, which names an area, has no leader, and stands farther off
the labels beside it on its lines (CLUSTER_NAME_GAP), so that it does not read on from one. A
county's name keeps off the red line's small polygons (parks) as a site's label does, softly, and
is not drawn where the label of a site in the county names it already ("Huaning county" in
Huaning County: `counties_named`).
The scale bar stands in the lower left corner; the north arrow in the upper right one, or where
a pie, a mark or a layer's drawing would be under it, at the nearest place along the map's edges
(then further in) where nothing is (`place_north_arrow`).
The colours come from `siting.deliver.styles`, the same as
in the QGIS styles. Margin: the legend, and under its measured box the notes: the red line's
extent, the projection and the data sources (file names and SHA-256 prefixes: the data's
version, never the time of drawing). When the two do not fit, the legend's rows close up and the
type shrinks to a floor, and past that the page grows taller (`lay_out_margin`). Title: scenario
name, the solver's outcome and gap as the terminal gives them (`siting.deliver.mapinfo.outcome_text`),
objective in bn yuan, and the gap in bn yuan (`MapTitle.gap_text`); an alternative's names it
("alternative alt01 of 2"). A title line wider than the page breaks between words, and a word
wider than the page in pieces, as plan.qgs's title does (`wrap_title`); where the lines would
reach the map's frame or the legend, the page grows taller at the top (`clear_title`). Amounts
in labels are given as every table gives them (`amount_text`).

The same plan gives the same bytes: fixed size (taller only where the margin needs it) and DPI,
matplotlib's default style whatever the user's matplotlibrc says, and no `Software` or date in
the PNG metadata. Text is measured as it is drawn: the labels' halo makes matplotlib draw
them as the unhinted outlines of their letters, so the map measures and draws every text
unhinted (`UnhintedRenderer`), and a label's box is where its letters are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import importlib.util
import math
import re
import textwrap
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import matplotlib
import matplotlib.patheffects as path_effects
import matplotlib.style
import numpy as np
import shapely
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Circle, Patch, Rectangle, Wedge
from matplotlib.path import Path as DrawnPath
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox, Transform
from PIL import Image

from siting.config.units import amount_text, bn_yuan, joined, per_year, product_label
from siting.deliver.layer import OutputLayer, id_items
from siting.deliver.mapinfo import (
    LayerBasis,
    MapContext,
    MapTitle,
    frame_site_names,
    layer_basis,
    redline_extent_text,
    site_names,  # noqa: F401 (read from here too)
    title_lines,
)
from siting.deliver.styles import (
    BUFFER,
    BUILT,
    CELL_FILL_OPACITY,
    CELL_KEY_MM,
    CELL_OUTLINE_ALPHA,
    CONTEXT,
    DEMO_LABEL,
    DEMO_RING,
    ELIGIBLE,
    GREY,
    INK,
    REDLINE_FILL_ALPHA,
    SETBACK,
    SETBACK_HATCH_ALPHA,
    STANDING,
    UNUSED_PROSPECTIVE_WORDS,
    WATER,
    category_label,
    product_colours,
    redline_colour,
    redline_colours,
    redline_word,
    resource_colours,
    unused_prospective,
)
from siting.deliver.webmap import FLOW_HUB, place_names


def _rgb(colour: Sequence[int], alpha: float = 1.0) -> tuple[float, float, float, float]:
    """Matplotlib RGBA from 0-255 RGB."""
    return colour[0] / 255, colour[1] / 255, colour[2] / 255, alpha


#: The map's file name, as its notices name it.
MAP_FILE = "map.png"
#: Held while a figure is made and drawn in matplotlib's default style (`drawn_in_default_style`):
#: matplotlib's settings are one for the process, and a style put back by one thread while
#: another draws would change the other's drawing, or leave the caller's settings replaced.
DRAWING_LOCK = threading.RLock()
#: The plan layers the map draws, by name (siting/deliver/layers.py `plan_layers`); the others are
#: not read. Of the hubs, only those where products move on legs of no length are marked
#: (`unlined_marks`).
MAP_LAYERS = ("sites", "clusters", "redline_zones", "redline", "sources", "flows", "candidate_cells", "hubs")
#: 1600 x 1200 pixels: readable on a screen and in a printed A4 report (taller only where the
#: legend and the notes need it: `lay_out_margin`).
FIGURE_SIZE_IN = (16.0, 12.0)
DPI = 100
#: zlib's level for map.png (Pillow's default, 6, and matplotlib's, is slower): for the shipped
#: scenario's map, level 3 compresses in about two thirds of the time and to about 11 % fewer bytes
#: (the levels up to 3 match strings greedily, which suits a map's flat colours); the same pixels
#: give the same bytes.
PNG_COMPRESS_LEVEL = 3
PIXELS = (round(FIGURE_SIZE_IN[0] * DPI), round(FIGURE_SIZE_IN[1] * DPI))
#: Marker area (points^2) of the largest built site's pie; others scale by capex.
LARGEST_MARKER = 1400.0
#: Smallest pie area (points^2), so that a small site stays visible.
SMALLEST_MARKER = 60.0
#: The width (points) of a pie's ink outline, drawn on its radius: half of it lies outside.
PIE_EDGE = 0.8
#: The map's land: the clusters' fill, and the colour of the labels' halo (`HALO`).
LAND = (250, 250, 245)
#: The width (points) of the halo round a label's letters (`HALO`): it reaches half of it past
#: them, so that a line under a label stops that far short of its letters, and the halos of two
#: words of a 7.5-point label meet across the space between them (some 3.6 points between the
#: letters' outlines): a line through it shows no piece of itself there, as a hyphen would
#: (at 3 points, "product flows" read "product-flows" with a county's border through it).
HALO_WIDTH = 4.0
#: The width (points) of the halo's stroke inside the box round the ink of a line of text
#: (`Halo`; HALO_INNER_EDGE past it): the space between two words, or round letters' corners
#: across it ("40 GWh", "LFP 110,000"), is wider at some heights than two strokes of HALO_WIDTH
#: reach, and a line under the label showed a piece of itself there.
HALO_INNER_WIDTH = 9.0
#: How far (points) past the box round the ink of a line of text `Halo` draws its wider stroke:
#: the box's edge rows and columns whole, well within the stroke's own reach (HALO_WIDTH / 2).
HALO_INNER_EDGE = 0.75


def ink_extents(path: DrawnPath, affine: Transform) -> Bbox:
    """The box round what `path` draws (with `affine`, to display coordinates), exactly as
    `path.get_extents(affine)` gives it, in a fraction of its time where the path's curves stay
    within the box of its points on the path (the ends of its segments), as glyph outlines do
    (fonts put a point at each extremum): a Bezier curve lies within the hull of its control
    points, and the points on the path lie within its box, so the two boxes are then the same.
    Otherwise `get_extents` itself, which finds each curve's extrema (some 9 ms a line of text:
    most of map.png's drawing time, before)."""
    codes = path.codes
    points = affine.transform(path.vertices)
    if codes is None:
        return Bbox.from_extents(*points.min(axis=0), *points.max(axis=0)) if len(points) else path.get_extents(affine)
    codes = np.asarray(codes)
    drawn = (codes != DrawnPath.CLOSEPOLY) & (codes != DrawnPath.STOP)
    on = (codes == DrawnPath.MOVETO) | (codes == DrawnPath.LINETO)
    for code, size in ((DrawnPath.CURVE3, 2), (DrawnPath.CURVE4, 3)):
        at = np.flatnonzero(codes == code)
        if len(at):
            starts = np.r_[True, np.diff(at) != 1]
            place = at - at[starts][np.cumsum(starts) - 1]  # its place in its run of segments of this kind
            on[at[place % size == size - 1]] = True  # each segment's last point is its end, on the path
    if not on.any():
        return path.get_extents(affine)
    every, ends = points[drawn], points[on]
    low, high = every.min(axis=0), every.max(axis=0)
    if not (np.array_equal(low, ends.min(axis=0)) and np.array_equal(high, ends.max(axis=0))):
        return path.get_extents(affine)
    return Bbox.from_extents(*low, *high)


class Halo(path_effects.withStroke):
    """The halo round a label's letters: a stroke of `linewidth` points (`withStroke`), and
    under it a stroke `inner` points wide clipped to the box round the ink of the line of text
    drawn (each line of a text is drawn alone) grown by HALO_INNER_EDGE, so that the spaces
    between its words are filled while the halo reaches no farther past the letters' box than
    the stroke alone (half its width, more than HALO_INNER_EDGE: `SYMBOL_CLEARANCE`); then the
    letters. The paths drawn are the letters' own, where they stand."""

    def __init__(self, inner: float = HALO_INNER_WIDTH, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.inner = inner

    def draw_path(self, renderer: RendererBase, gc: Any, tpath: DrawnPath, affine: Transform,
                  rgbFace: Any = None) -> None:
        """Draw the halo of the line of text `tpath` (with `affine`, to display coordinates): the
        wide stroke inside the ink's box first, then the stroke and the letters (`withStroke`)."""
        ink = ink_extents(tpath, affine)
        clip = ink.padded(renderer.points_to_pixels(HALO_INNER_EDGE))
        if gc.get_clip_rectangle() is not None:
            clip = Bbox.intersection(clip, gc.get_clip_rectangle())
        if clip is not None and ink.width > 0 and ink.height > 0:
            wide = renderer.new_gc()
            wide.copy_properties(gc)
            wide = self._update_gc(wide, self._gc)
            wide.set_linewidth(self.inner)
            wide.set_clip_rectangle(clip)
            renderer.draw_path(wide, tpath, affine, rgbFace)
            wide.restore()
        super().draw_path(renderer, gc, tpath, affine, rgbFace)


HALO = [Halo(linewidth=HALO_WIDTH, foreground=_rgb(LAND))]
#: Sites not built: status -> (marker, colour, area in points^2, legend label); the QGIS style's
#: symbols and colours.
STATUS_MARKS = {
    "standing": ("D", _rgb(STANDING), 40.0, "existing or committed plants only, nothing new"),
    "eligible_unused": ("o", _rgb(ELIGIBLE), 40.0, "eligible site, not used"),
    "excluded_redline": ("x", _rgb(GREY), 45.0, "excluded: red line"),
    "excluded_proximity": ("^", _rgb(GREY, 180 / 255), 25.0, "excluded: no source within reach"),
    "excluded_land": ("s", _rgb(GREY, 180 / 255), 20.0, "excluded: too little land"),
    "outside_clusters": ("o", (1.0, 1.0, 1.0, 0.0), 25.0, "outside every cluster"),
}


def _projected(layer: OutputLayer | None, crs: str) -> gpd.GeoDataFrame | None:
    if layer is None or layer.frame.empty:
        return None
    return layer.frame.to_crs(crs)


def _nice(value: float) -> float:
    """1, 2 or 5 times a power of ten, at most `value`."""
    if value <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(value))
    return max(m * power for m in (1, 2, 5) if m * power <= value)


def _significant(value: float, digits: int) -> float:
    """`value` rounded to `digits` significant digits (legend reference sizes)."""
    if value <= 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(value)))


def _extent(frames: Sequence[gpd.GeoDataFrame | gpd.GeoSeries | None]) -> tuple[float, float, float, float]:
    bounds = np.array([f.total_bounds for f in frames if f is not None and not f.empty])
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    pad = 0.05 * max(x1 - x0, y1 - y0, 1000.0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


#: The gap (points) between the scale bar's last number and its unit, "km": a word's space, which
#: the halos of the two (HALO) cover, as in a label.
SCALE_UNIT_GAP_PT = 3.0


def draw_scale_bar(ax: Axes, extent: tuple[float, float, float, float]) -> list[Artist]:
    """Alternating black and white bar of a round length (about a fifth of the width), in km, in
    the lower left corner of `extent` (data coordinates); returns its boxes and labels. The
    numbers stand centred above the bar's start, middle and end; the unit, "km", level with the
    bar, SCALE_UNIT_GAP_PT right of the last number's box as drawn, whatever its width."""
    x0, y0, x1, y1 = extent
    length = _nice((x1 - x0) / 5)
    height = (y1 - y0) / 120
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    drawn: list[Artist] = []
    for i in range(4):
        drawn.append(ax.add_patch(Rectangle((left + i * length / 4, bottom), length / 4, height,
                                            facecolor="black" if i % 2 == 0 else "white", edgecolor="black",
                                            linewidth=0.8, zorder=20)))
    for fraction in (0.0, 0.5, 1.0):
        drawn.append(ax.text(left + fraction * length, bottom + height * 1.6, f"{fraction * length / 1000:g}",
                             ha="center", va="bottom", fontsize=8, zorder=20, path_effects=HALO))
    # x: the last number's right edge (a share of its box), y: the bar's foot (data).
    drawn.append(ax.annotate("km", (1.0, bottom), xycoords=(drawn[-1], "data"), xytext=(SCALE_UNIT_GAP_PT, 0.0),
                             textcoords="offset points", ha="left", va="bottom", fontsize=8, zorder=20,
                             path_effects=HALO, annotation_clip=False))
    return drawn


def scale_bar_box(frame: Bbox) -> Bbox:
    """The corner of the map frame (`frame`, display coordinates) that `draw_scale_bar` draws in,
    with its labels: what labels and the north arrow keep off."""
    return Bbox.from_extents(frame.x0, frame.y0, frame.x0 + 0.3 * frame.width, frame.y0 + 0.09 * frame.height)


#: The radius (points) labels keep off round a site's or a source's mark.
SITE_MARK_RADIUS = 3.5
#: The width (points) of the clusters' outlines.
CLUSTER_OUTLINE_WIDTH = 1.4
#: The width (points) of the red line's and its zones' outlines as a label keeps off them (the
#: widest drawn: the buffer's and the setbacks' 0.9).
REDLINE_OUTLINE_WIDTH = 0.9
#: The size (points) within which a red-line polygon's box fits for a label to hide it whole: its
#: outline is then kept off as what a label would hide (`LabelPlacer.block_lines(hiding=True)`).
SMALL_POLYGON = 60.0
#: The north arrow: the "N" at its foot, its head this far above (a share of the map's height).
NORTH_ARROW_LENGTH = 0.08
#: Where the north arrow's "N" stands by default, in axes fractions: the upper right corner.
NORTH_ARROW_AT = (0.95, 0.87)
#: Spacing (axes fraction) of the places `place_north_arrow` tries.
NORTH_ARROW_STEP = 0.05


def draw_north_arrow(ax: Axes, at: tuple[float, float] = NORTH_ARROW_AT) -> Annotation:
    """A north arrow (grid north of the working CRS): the "N" at `at` (axes fractions), the
    arrow's head NORTH_ARROW_LENGTH above it. Returns it."""
    x, y = at
    return ax.annotate("N", xy=(x, y + NORTH_ARROW_LENGTH), xytext=(x, y), xycoords="axes fraction", ha="center",
                       va="center", fontsize=13, fontweight="bold", zorder=20,
                       arrowprops={"facecolor": "black", "edgecolor": "black", "width": 4, "headwidth": 12,
                                   "headlength": 12})


def north_arrow_spots() -> list[tuple[float, float]]:
    """Where the north arrow's "N" may stand (axes fractions), in the order `place_north_arrow`
    tries them: a grid NORTH_ARROW_STEP apart from the upper right corner NORTH_ARROW_AT to
    (0.05, 0.07), along the map's edges first and then ring by ring inwards; within a ring, the
    spots nearest a free corner first, the upper right, the upper left, then the lower right (the
    scale bar holds the lower left)."""
    columns = [round(NORTH_ARROW_AT[0] - NORTH_ARROW_STEP * i, 6) for i in range(19)]
    rows = [round(NORTH_ARROW_AT[1] - NORTH_ARROW_STEP * j, 6) for j in range(17)]
    last_i, last_j = len(columns) - 1, len(rows) - 1
    corners = ((0, 0), (last_i, 0), (0, last_j))

    def order(ij: tuple[int, int]) -> tuple[int, tuple[int, int], int, int]:
        i, j = ij
        ring = min(i, last_i - i, j, last_j - j)
        nearest = min((abs(i - ci) + abs(j - cj), rank) for rank, (ci, cj) in enumerate(corners))
        return ring, nearest, j, i

    grid = sorted(((i, j) for i in range(len(columns)) for j in range(len(rows))), key=order)
    return [(columns[i], rows[j]) for i, j in grid]


def place_north_arrow(ax: Axes, placer: LabelPlacer, drawn: Sequence[np.ndarray] = ()) -> Annotation:
    """Draw the north arrow at the first of `north_arrow_spots` where its box (the "N" and the
    arrow) overlaps nothing: none of what `placer` keeps labels off (the pies, the marks of the
    sites and sources, the scale bar) and no geometry of `drawn` (arrays of shapely geometries
    in data coordinates, most important first: e.g. the clusters, red line and flows, then the
    context outlines). Where every spot overlaps something, the spot with the least: the smallest
    area shared with the placer's boxes, then the fewest geometries of each array in turn, the
    earlier spot on ties. The placer then keeps labels off the arrow. Deterministic.

    The arrow is measured once, at NORTH_ARROW_AT (the first spot): its "N" and its head both
    stand in axes fractions, so at another spot its box is that box moved by the spot's offset on
    the display. Measuring it again at each spot (its arrow clipped at the "N" anew, a few ms
    each, up to 323 spots) took most of the time of drawing a crowded map."""
    renderer = placer.renderer
    trees = [shapely.STRtree(g) for g in drawn if len(g)]
    to_data = ax.transData.inverted()
    arrow = draw_north_arrow(ax)
    measured = arrow.get_window_extent(renderer)
    origin = ax.transAxes.transform(NORTH_ARROW_AT)
    best: tuple[tuple[float, ...], tuple[float, float]] | None = None
    for x, y in north_arrow_spots():
        dx, dy = ax.transAxes.transform((x, y)) - origin
        box = measured.translated(dx, dy)
        (x0, y0), (x1, y1) = to_data.transform([(box.x0, box.y0), (box.x1, box.y1)])
        area = shapely.box(x0, y0, x1, y1)
        score = (placer.overlap(box), *(float(len(t.query(area, predicate="intersects"))) for t in trees))
        if best is None or score < best[0]:
            best = (score, (x, y))
        if not any(score):
            break
    x, y = best[1] if best is not None else NORTH_ARROW_AT
    arrow.xy = (x, y + NORTH_ARROW_LENGTH)
    arrow.set_position((x, y))
    placer.block(arrow.get_window_extent(renderer).padded(1.5))
    return arrow


def drawn_geometry(frames: Sequence[gpd.GeoDataFrame | None], context: gpd.GeoDataFrame | None
                   ) -> list[np.ndarray]:
    """What `place_north_arrow` keeps the arrow off besides the pies and marks, in the map's
    CRS: the geometries of `frames` (clusters, red line, zones, flows, cells) in one array, then
    the `context` outlines in another (only where nothing else leaves a spot)."""
    main = [f.geometry.to_numpy() for f in frames if f is not None and not f.empty]
    outlines = context.geometry.to_numpy() if context is not None and not context.empty else None
    return [np.concatenate(main) if main else np.empty(0, dtype=object),
            outlines if outlines is not None else np.empty(0, dtype=object)]


def split_small(geometries: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """The polygons of `geometries` (each part of a multipolygon on its own; other geometries
    are left out) in two arrays: those whose bounding box is wider or taller than `size`, and
    the small ones, which a label can hide whole."""
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    parts = parts[shapely.get_type_id(parts) == 3]
    bounds = shapely.bounds(parts).reshape(-1, 4)
    small = (bounds[:, 2] - bounds[:, 0] <= size) & (bounds[:, 3] - bounds[:, 1] <= size)
    return parts[~small], parts[small]


def polygon_paths(geometries: np.ndarray) -> list[DrawnPath]:
    """One matplotlib path per (multi)polygon, as GeoPandas's `plot` draws it: the geometry
    normalised (`shapely.normalize`), then each part's exterior ring and its holes, x and y, each
    ring a closed sub-path (move to its first point, lines on, close). All rings at once, rather
    than GeoPandas's patch per polygon, which thousands of candidate cells make slow."""
    normal = shapely.normalize(geometries)
    sizes = shapely.get_num_coordinates(shapely.get_rings(shapely.get_parts(normal)))
    ends = np.cumsum(sizes)
    xy = shapely.get_coordinates(normal)
    codes = np.full(len(xy), DrawnPath.LINETO, dtype=DrawnPath.code_type)
    codes[ends - sizes] = DrawnPath.MOVETO
    codes[ends - 1] = DrawnPath.CLOSEPOLY
    splits = np.cumsum(shapely.get_num_coordinates(normal))[:-1]
    return [DrawnPath(v, c) for v, c in zip(np.split(xy, splits), np.split(codes, splits), strict=True)]


def _polygons(ax: Axes, frame: gpd.GeoDataFrame | gpd.GeoSeries | None, **style: object) -> None:
    """Draw polygons as GeoPandas's `frame.plot(ax=ax, **style)` draws them (one collection of
    `polygon_paths`, the data limits updated the same way; the map sets its own aspect), without
    its patch per polygon; anything but non-empty (multi)polygons is left to GeoPandas."""
    if frame is None or frame.empty:
        return
    geometries = frame.geometry.to_numpy() if isinstance(frame, gpd.GeoDataFrame) else frame.to_numpy()
    if not (np.isin(shapely.get_type_id(geometries), [3, 6]).all() and not shapely.is_empty(geometries).any()):
        frame.plot(ax=ax, **style)
        return
    ax.add_collection(PathCollection(polygon_paths(geometries), **style), autolim=True)
    ax.autoscale_view()


def _anchor_points(frame: gpd.GeoDataFrame) -> np.ndarray:
    points = shapely.point_on_surface(frame.geometry.to_numpy())
    return np.column_stack([shapely.get_x(points), shapely.get_y(points)])


# --- labels placed without collisions ----------------------------------------------------------

#: Clear space (pixels) kept round every label's box: two labels' boxes stand twice this apart.
LABEL_PAD = 1.5
#: Clear space (points) between a label's box and the outer edge of a round symbol it keeps off
#: (a pie's or a dashed ring's outline, a site's or a source's mark): the reach of the label's
#: halo past its letters (HALO_WIDTH / 2; the box holds the letters with their side bearings and
#: the line's full height, so the halo stops short of the symbol's edge).
SYMBOL_CLEARANCE = HALO_WIDTH / 2
#: Directions tried around an anchor, in order: (dx, dy, horizontal, vertical alignment).
_DIRECTIONS = ((1, 1, "left", "bottom"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"),
               (-1, -1, "right", "top"), (1, 0, "left", "center"), (-1, 0, "right", "center"),
               (0, 1, "center", "bottom"), (0, -1, "center", "top"))
#: More directions a placer may try (`LabelPlacer(along=True)`), after those, at each distance:
#: the label above or below its symbol with its left or right edge level with it, or beside it
#: with its bottom or top edge level with it, so that it can slide off a line near its symbol.
_ALONG = ((0, 1, "left", "bottom"), (0, 1, "right", "bottom"), (0, -1, "left", "top"), (0, -1, "right", "top"),
          (1, 0, "left", "bottom"), (1, 0, "left", "top"), (-1, 0, "right", "bottom"), (-1, 0, "right", "top"))
#: Distances (points beyond the symbol's radius) tried for a label; a label not at the first
#: distance gets a leader line to its symbol.
_STEPS = (3.0, 18.0, 36.0, 60.0, 90.0, 125.0)
#: How many distances (`_STEPS`) farther out than the nearest position free of symbols and labels
#: a label goes to keep off the lines kept off (`LabelPlacer.block_lines`): 1, one step out.
#: Farther, it stays across the line, as little as it can.
LINE_STEPS = 1
#: What a line crossed between a label's symbol and its box's centre counts for (display units
#: of line crossed by the box, `LabelPlacer(leader_lines=True)`): more than any box crosses, so
#: that a label stays on its symbol's side of the lines wherever it can.
TIE_CROSSING = 10000.0
#: What a line that outlines what a label would hide counts for (`LabelPlacer.block_lines(hiding=True)`:
#: the red line's polygons and zones), per display unit of it crossed, against a cluster's outline.
HIDING_WEIGHT = 3.0
#: How many distances (`_STEPS`) farther out than the nearest position free of symbols and labels
#: a label may go to cross less of such lines, where it would stand across one.
HIDING_STEPS = 2
#: How much of a polygon that a label would hide (`LabelPlacer.block_lines(hiding=True)`: the red
#: line's small lakes and parks) a label that must be placed may cover (a share of its area):
#: more, and the label keeps off it as off another label (`LabelPlacer`).
HIDDEN_SHARE = 0.25
#: How much farther (points) than LABEL_PAD a cluster's name keeps off the labels placed before
#: it, left and right of it, and the later ones (lakes', counties') off it (`LabelPlacer.place`):
#: its letters are large and bold, and at LABEL_PAD alone it read on from a site's label beside
#: it on the same line ("Anode 80,000 t/yr Kunming"); a halo's reach on each side.
CLUSTER_NAME_GAP = HALO_WIDTH
#: The width (points) of a label's leader line.
LABEL_LEADER_WIDTH = 0.6


class LabelBoxes:
    """Where a label's box lies (display coordinates) at each offset and alignment
    `LabelPlacer.place` tries, from one measure of its text.

    matplotlib lays out the lines of an unrotated text the same way whatever its alignment and
    offset (`Text._get_layout`): the box is the text's width w and height h, set against the
    anchor by the alignment (x from 0, -w/2 or -w for left, center, right; y from 0, -h/2 or -h
    for bottom, center, top), then moved to the anchor: the annotated point plus the offset in
    points. Each box here is made with the same arithmetic, exact in floating point, so it
    equals what `text.get_window_extent` gives at that offset and alignment to the last bit,
    without laying the text out again for each. A text this does not hold for (rotated, with an
    arrow, not offset in points, clipped to the axes, hidden or empty) is measured at each
    position instead. The text's alignment (and position) is left as measured last: the caller
    sets the one it chooses."""

    def __init__(self, text: Text, renderer: RendererBase) -> None:
        self.text = text
        self.renderer = renderer
        text.set_horizontalalignment("left")
        text.set_verticalalignment("bottom")
        self.exact = (isinstance(text, Annotation) and text.anncoords == "offset points" and text.arrow_patch is None
                      and text.get_rotation() == 0 and text.get_annotation_clip() is False and text.get_visible()
                      and text.get_text() != "")
        if self.exact:
            text.update_positions(renderer)  # the offset's transform: points to pixels from the annotated point
            self._offset = text.get_transform()
            try:  # a private method of matplotlib (3.8-3.11): another form of it falls back to measuring
                box = text._get_layout(renderer)[0]  # left and bottom: (0, 0, w, h) about the anchor
                self._width, self._height = float(box.x1), float(box.y1)
            except (AttributeError, TypeError, IndexError, ValueError):
                self.exact = False

    def at(self, offset: tuple[float, float], ha: str, va: str) -> Bbox:
        """The text's box (display coordinates) at `offset` (points) aligned `ha` (left, center,
        right) and `va` (bottom, center, top)."""
        if not self.exact:
            self.text.set_position(offset)
            self.text.set_horizontalalignment(ha)
            self.text.set_verticalalignment(va)
            return self.text.get_window_extent(self.renderer)
        w, h = self._width, self._height
        x0 = 0.0 if ha == "left" else -w if ha == "right" else -w / 2
        y0 = 0.0 if va == "bottom" else -h if va == "top" else -h / 2
        x, y = self._offset.transform(offset)
        return Bbox.from_extents(x0, y0, x0 + w, y0 + h).translated(x, y)


class LabelPlacer:
    """Greedy label placement in display space: each label takes the first position around its
    anchor (directions, then growing distances) that stays inside the map and overlaps no symbol
    or label placed before it: its box LABEL_PAD pixels clear of every box kept off, and
    SYMBOL_CLEARANCE points clear of every round symbol's outer edge, so that its halo never
    reaches the symbol, and the labels of other symbols as much farther as its `gap`
    (`block_circle`); a label with a leader, its leader across no round symbol but its own and
    through no box kept off (another label's letters, the north arrow, the scale bar), and no
    label on a leader drawn before it. A leader runs from its symbol's edge to the corner or side
    of its label's box that faces the symbol (the label's anchor), and so never through its own
    letters.
    Lines (`block_lines`: the clusters' outlines) are kept off softly, after
    the symbols and labels: of the positions free of those, the first that crosses no line, up to
    `line_steps` (LINE_STEPS unless given) distances farther out than the nearest free one; failing
    that, of the free ones at that nearest distance, the one that crosses the least length of line.
    A label never comes onto a symbol or another label to keep off a line. Lines that outline
    what a label would hide (`block_lines(hiding=True)`: the red line's small polygons) count
    HIDING_WEIGHT times, and a label that would stand across one goes up to HIDING_STEPS distances
    beyond the nearest free one where it crosses less there, and at most half as much of them (a
    label that hides a polygon wherever it stands near its symbol stays near). The flows
    (`block_flows`) are kept off as the leaders are, and the polygons those lines outline as the
    labels are (the area shared, where a box covers more than HIDDEN_SHARE of one), by a label
    that must be placed (a site's: a small lake or park under it is lost as a flow under it is);
    an optional one (a lake's or a county's name) keeps off them softly, as off the lines.
    Deterministic: the order of calls decides.

    A sparse map may ask for more: `along`, the `_ALONG` directions too, after the usual ones at
    each distance; `leader_lines`, the straight line from a label's symbol to its box's centre
    kept off the lines too, each segment of line it crosses counted as TIE_CROSSING of line
    crossed (a label across an outline from its symbol, or with its leader across one, reads as
    on the other side), and a leader, once drawn, also a line later labels keep off
    (`block_lines`, as wide as it is drawn);
    `farther_for_less`, where every free position within `line_steps` crosses a line, the one
    crossing the least at any of those distances (the nearest on ties), not only at the nearest
    free distance."""

    def __init__(self, ax: Axes, renderer: RendererBase, line_steps: int = LINE_STEPS, along: bool = False,
                 leader_lines: bool = False, farther_for_less: bool = False) -> None:
        self.ax = ax
        self.line_steps = line_steps
        self.farther_for_less = farther_for_less
        self.directions = _DIRECTIONS + (_ALONG if along else ())
        self.leader_lines = leader_lines
        self.renderer = renderer
        self.frame = ax.get_window_extent(renderer)
        #: Boxes labels keep off, as rows (x0, y0, x1, y1) in display coordinates; `_count` rows used.
        self._taken = np.empty((64, 4))
        self._count = 0
        #: The `_count` boxes kept off as shapely boxes, made once after each `block` for the
        #: leaders tried (`_leader_through`) rather than for each; None: not made since.
        self._taken_shapes: np.ndarray | None = None
        #: Round symbols labels keep off, as rows (x, y, radius, gap) in display coordinates; `_round`
        #: rows used.
        self._circles = np.empty((64, 4))
        self._round = 0
        self.points = renderer.points_to_pixels(1.0)
        #: How far (pixels) a round symbol's square grows for a label's box padded by LABEL_PAD.
        self._clear = SYMBOL_CLEARANCE * self.points - LABEL_PAD
        #: Lines labels keep off softly (`block_lines`): each call's segments (display coordinates),
        #: their index, how far (pixels) a label's letters keep off them, their ends (rows x0, y0,
        #: x1, y1) and their lengths.
        self._lines: list[tuple[np.ndarray, shapely.STRtree, float, np.ndarray, np.ndarray]] = []
        #: What `block_lines` returned for each of `_lines` (`release_lines`).
        self._line_keys: list[int] = []
        #: Whether each of `_lines` outlines what a label would hide (`block_lines(hiding=True)`).
        self._line_hiding: list[bool] = []
        #: The polygons of the lines kept off with `block_lines(hiding=True)` (display coordinates),
        #: by what it returned: the areas a label that must be placed keeps its box off.
        self._hidden_areas: dict[int, np.ndarray] = {}
        #: HIDDEN_SHARE of each of `_hidden_areas`' polygons' areas, by the same key, measured once.
        self._hidden_shares: dict[int, np.ndarray] = {}
        self._next_key = 0
        #: The leaders drawn (`place`), as straight lines in display coordinates: a later label
        #: keeps its box off them, as off a label.
        self._leaders: list[shapely.LineString] = []
        #: Lines drawn that labels keep off as off a leader (`block_flows`): each line (display
        #: coordinates) and how far (pixels) a label's box, padded by LABEL_PAD, keeps off it.
        self._flows: list[shapely.LineString] = []
        self._flow_reach: list[float] = []
        self._flow_tree: shapely.STRtree | None = None

    def block(self, box: Bbox) -> None:
        """Keep labels off a box (display coordinates)."""
        if self._count == len(self._taken):
            self._taken = np.concatenate([self._taken, np.empty_like(self._taken)])
        self._taken[self._count] = (box.x0, box.y0, box.x1, box.y1)
        self._count += 1
        self._taken_shapes = None

    def block_circle(self, x: float, y: float, radius_points: float, gap_points: float = 0.0) -> None:
        """Keep labels off a round symbol of `radius_points` (to the outer edge of its outline)
        centred on the data point (x, y): SYMBOL_CLEARANCE off the square around it, but for the
        symbol's own label, which may come into the square's corners (see `place`); the labels of
        other symbols `gap_points` farther still, so that a label beside its own symbol does not
        read as a neighbour's (its own label: the one `place`d at the same point and radius)."""
        cx, cy = self.ax.transData.transform((x, y))
        if self._round == len(self._circles):
            self._circles = np.concatenate([self._circles, np.empty_like(self._circles)])
        self._circles[self._round] = (cx, cy, radius_points * self.points, gap_points * self.points)
        self._round += 1

    def block_lines(self, geometries: np.ndarray, width_points: float = 0.0, hiding: bool = False) -> int | None:
        """Keep labels off the lines of `geometries` (shapely geometries in data coordinates: a
        polygon's outline, its holes' too, or a line itself; points are ignored) drawn
        `width_points` wide, softly: a label's letters, with SYMBOL_CLEARANCE more for their halo,
        cross none of them where `place` finds such a position near enough, and cross as little of
        them as it can where not (see `LabelPlacer`). The lines are kept as their straight
        segments in display coordinates, in a spatial index. `hiding`: the lines outline what a
        label on them hides (a small park under a label is lost to the reader): a label that must
        be placed (`place`'s `required`) keeps its box off their polygons' areas as off another
        label's, where it would cover more than HIDDEN_SHARE of one; for an optional one each
        counts HIDING_WEIGHT times, and a label that would stand across one may go up to
        HIDING_STEPS distances beyond the nearest free position to hide less (see `LabelPlacer`).
        Returns what `release_lines` takes to stop keeping labels off them (None: no line)."""
        parts = shapely.get_parts(np.asarray(geometries, dtype=object))
        kind = shapely.get_type_id(parts)
        lines = np.concatenate([shapely.get_rings(parts[np.isin(kind, [3])]), parts[np.isin(kind, [1, 2])]])
        if not len(lines):
            return None
        xy, which = shapely.get_coordinates(lines, return_index=True)
        xy = self.ax.transData.transform(xy)
        joined_ = which[1:] == which[:-1]
        ends = np.concatenate([xy[:-1][joined_], xy[1:][joined_]], axis=1)
        segments = shapely.linestrings(ends.reshape(-1, 2, 2))
        reach = (width_points / 2 + SYMBOL_CLEARANCE) * self.points
        self._lines.append((segments, shapely.STRtree(segments), reach, ends, shapely.length(segments)))
        self._line_keys.append(self._next_key)
        self._line_hiding.append(hiding)
        polygons = parts[np.isin(kind, [3])]
        if hiding and len(polygons):
            self._hidden_areas[self._next_key] = shapely.transform(polygons, self.ax.transData.transform)
            self._hidden_shares[self._next_key] = HIDDEN_SHARE * shapely.area(self._hidden_areas[self._next_key])
        self._next_key += 1
        return self._line_keys[-1]

    def release_lines(self, *keys: int | None) -> None:
        """Place later labels without keeping off the lines `block_lines` returned `keys` for
        (e.g. the red line's outlines, which a lake's name stands inside by its nature)."""
        kept = [i for i, k in enumerate(self._line_keys) if k not in keys]
        self._lines = [self._lines[i] for i in kept]
        self._line_keys = [self._line_keys[i] for i in kept]
        self._line_hiding = [self._line_hiding[i] for i in kept]
        self._hidden_areas = {k: v for k, v in self._hidden_areas.items() if k not in keys}
        self._hidden_shares = {k: v for k, v in self._hidden_shares.items() if k not in keys}

    def _crossing(self, boxes: Sequence[Bbox], hiding_only: bool = False) -> np.ndarray:
        """The length (display units) of the lines kept off (`block_lines`) that each of the
        letters' `boxes` crosses, each grown by the lines' reach: 0 where it crosses none. A
        segment with both ends inside a box lies in it whole: its own length, which is what its
        intersection with the box measures, to the last bit; the intersection is measured only
        for the others (most segments a box meets lie in it whole). Lines that outline what a
        label hides count HIDING_WEIGHT times; with `hiding_only`, only those count."""
        total = np.zeros(len(boxes))
        extents = np.array([(b.x0, b.y0, b.x1, b.y1) for b in boxes], dtype=float).reshape(-1, 4)
        for (segments, tree, reach, ends, lengths), hiding in zip(self._lines, self._line_hiding, strict=True):
            if hiding_only and not hiding:
                continue
            x0, y0 = extents[:, 0] - reach, extents[:, 1] - reach
            x1, y1 = extents[:, 2] + reach, extents[:, 3] + reach
            grown = shapely.box(x0, y0, x1, y1)
            box_at, segment_at = tree.query(grown, predicate="intersects")
            at = ends[segment_at]
            xs, ys = at[:, 0::2], at[:, 1::2]
            whole = ((xs > x0[box_at, None]) & (xs < x1[box_at, None])
                     & (ys > y0[box_at, None]) & (ys < y1[box_at, None])).all(axis=1)
            inside = lengths[segment_at]
            cut = ~whole
            inside[cut] = shapely.length(shapely.intersection(segments[segment_at[cut]], grown[box_at[cut]]))
            total += np.bincount(box_at, weights=inside, minlength=len(boxes)) * (HIDING_WEIGHT if hiding else 1.0)
        return total

    def _overlap(self, box: Bbox, own: tuple[float, float, float] | None = None, grow: float = 0.0,
                 corner: bool = True, apart: float = 0.0) -> float:
        """The area (display units squared) `box` shares with the boxes kept off, `box` grown by
        `apart` (display units) for them, and with the squares around the round symbols kept off,
        each symbol's radius grown by `grow` (display units) and, but for the round symbol `own` (x,
        y, radius in display units: the label's own pie), by its gap, summed. With `corner` (the
        default), `own` counts only when `box` reaches into its round outline (grown the same), not
        when it only comes into a corner of its square."""
        taken = self._taken[: self._count]
        w = np.minimum(box.x1 + apart, taken[:, 2]) - np.maximum(box.x0 - apart, taken[:, 0])
        h = np.minimum(box.y1, taken[:, 3]) - np.maximum(box.y0, taken[:, 1])
        both = (w > 0) & (h > 0)
        circles = self._circles[: self._round]
        cx, cy, r, gap = circles[:, 0], circles[:, 1], circles[:, 2], circles[:, 3]
        mine = (cx == own[0]) & (cy == own[1]) & (r == own[2]) if own is not None else np.zeros(len(cx), dtype=bool)
        reach = r + grow + np.where(mine, 0.0, gap)
        cw = np.minimum(box.x1, cx + reach) - np.maximum(box.x0, cx - reach)
        ch = np.minimum(box.y1, cy + reach) - np.maximum(box.y0, cy - reach)
        hit = (cw > 0) & (ch > 0)
        if own is not None and corner:
            gx = np.clip(cx, box.x0, box.x1) - cx
            gy = np.clip(cy, box.y0, box.y1) - cy
            hit &= ~mine | (gx * gx + gy * gy < reach * reach)
        return float(np.sum(w[both] * h[both]) + np.sum(cw[hit] * ch[hit]))

    def _leader_crossing(self, leader: tuple[float, float, float, float] | None,
                         own: tuple[float, float, float] | None) -> float:
        """How far (display units) the straight leader `leader` (x0, y0, x1, y1, display
        coordinates) runs across the round symbols kept off but `own` (x, y, radius: the label's
        own symbol, which it ends on): for each symbol it comes into, the chord at the leader's
        nearest distance from the symbol's centre, summed; 0 without a leader or where it comes
        into none."""
        if leader is None or not self._round:
            return 0.0
        circles = self._circles[: self._round]
        cx, cy, r = circles[:, 0], circles[:, 1], circles[:, 2]
        x0, y0, x1, y1 = leader
        dx, dy = x1 - x0, y1 - y0
        along = np.clip(((cx - x0) * dx + (cy - y0) * dy) / max(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
        near = np.hypot(x0 + along * dx - cx, y0 + along * dy - cy)
        mine = (cx == own[0]) & (cy == own[1]) & (r == own[2]) if own is not None else np.zeros(len(cx), dtype=bool)
        crossed = (near < r) & ~mine
        return float(np.sum(2 * np.sqrt(r[crossed] ** 2 - near[crossed] ** 2)))

    def _leader_through(self, leader: tuple[float, float, float, float] | None) -> float:
        """How far (display units) the straight leader `leader` (x0, y0, x1, y1, display
        coordinates) runs through the boxes kept off (labels, the north arrow, the scale bar)."""
        if leader is None or not self._count:
            return 0.0
        if self._taken_shapes is None:
            taken = self._taken[: self._count]
            self._taken_shapes = shapely.box(taken[:, 0], taken[:, 1], taken[:, 2], taken[:, 3])
        line = shapely.LineString([leader[:2], leader[2:]])
        return float(shapely.length(shapely.intersection(self._taken_shapes, line)).sum())

    def block_flows(self, geometries: Sequence[shapely.Geometry] | np.ndarray, widths_points: Sequence[float]) -> None:
        """Keep labels off the lines of `geometries` (shapely lines in data coordinates, e.g. the
        flows), each drawn `widths_points[i]` wide, as off a leader drawn before (`place`): a
        position whose letters come within half the line's width and SYMBOL_CLEARANCE of one is
        not free (a label across a line reads as cut by it)."""
        for geometry, width in zip(geometries, widths_points, strict=True):
            for part in shapely.get_parts(np.asarray([geometry], dtype=object)):
                if shapely.get_type_id(part) not in (1, 2) or shapely.is_empty(part):
                    continue
                xy = self.ax.transData.transform(shapely.get_coordinates(part))
                self._flows.append(shapely.LineString(xy))
                self._flow_reach.append(max((float(width) / 2 + SYMBOL_CLEARANCE) * self.points - LABEL_PAD, 0.0))
        self._flow_tree = shapely.STRtree(self._flows) if self._flows else None

    def _on_flows(self, box: Bbox) -> float:
        """How far (display units) the lines kept off with `block_flows` run inside `box` grown
        by each line's reach: 0 where none comes into it."""
        if self._flow_tree is None:
            return 0.0
        reach = max(self._flow_reach)
        near = self._flow_tree.query(shapely.box(box.x0 - reach, box.y0 - reach, box.x1 + reach, box.y1 + reach),
                                     predicate="intersects")
        if not len(near):
            return 0.0
        near = np.sort(near)
        grow = np.asarray(self._flow_reach)[near]
        grown = shapely.box(box.x0 - grow, box.y0 - grow, box.x1 + grow, box.y1 + grow)
        return float(shapely.length(shapely.intersection(np.asarray(self._flows, dtype=object)[near], grown)).sum())

    def _on_hidden(self, box: Bbox) -> float:
        """The area (display units squared) `box` shares with the polygons kept off with
        `block_lines(hiding=True)` (the red line's small lakes and parks) of which it covers more
        than HIDDEN_SHARE: 0 where it covers no such share of any (a box's empty corner on a
        park's rim leaves the park in view)."""
        if not self._hidden_areas:
            return 0.0
        shape = shapely.box(box.x0, box.y0, box.x1, box.y1)
        total = 0.0
        for key, polygons in self._hidden_areas.items():
            shared = shapely.area(shapely.intersection(polygons, shape))
            total += float(shared[shared > self._hidden_shares[key]].sum())
        return total

    def _on_leaders(self, box: Bbox) -> float:
        """How far (display units) the leaders drawn before (`place`) run inside `box`: 0 where
        none comes into it."""
        if not self._leaders:
            return 0.0
        return float(shapely.length(shapely.intersection(self._leaders, shapely.box(box.x0, box.y0, box.x1,
                                                                                    box.y1))).sum())

    def _ties_across(self, tie: tuple[float, float, float, float]) -> int:
        """How many of the lines' segments kept off (`block_lines`) the straight line `tie` (x0,
        y0, x1, y1, display coordinates) crosses."""
        line = shapely.LineString([tie[:2], tie[2:]])
        return sum(len(tree.query(line, predicate="intersects")) for _segments, tree, *_rest in self._lines)

    def overlap(self, box: Bbox) -> float:
        """The area (display units squared) `box` shares with the boxes kept off and with the
        squares around the round symbols kept off, summed: 0 where it meets none of them."""
        return self._overlap(box)

    def _inside(self, box: Bbox) -> bool:
        f = self.frame
        return box.x0 >= f.x0 + 2 and box.x1 <= f.x1 - 2 and box.y0 >= f.y0 + 2 and box.y1 <= f.y1 - 2

    def _hides_less(self, letters: Sequence[Bbox], near: tuple[float, int], farther: tuple[float, int]) -> bool:
        """Whether a label takes the place `farther` (line crossed, index in `letters`) rather than
        `near`: `near` crosses lines that outline what it would hide (`block_lines(hiding=True)`),
        and `farther` crosses less line, and at most half as much of those."""
        if farther[0] >= near[0]:
            return False
        hidden = self._crossing([letters[near[1]], letters[farther[1]]], hiding_only=True)
        return bool(hidden[0] > 0 and 2 * hidden[1] <= hidden[0])

    def _choose(self, letters: Sequence[Bbox], candidates: Sequence[tuple[float, float, str, str, bool, bool, int]],
                own: tuple[float, float, float] | None, required: bool,
                leaders: Sequence[tuple[float, float, float, float] | None] | None = None,
                anchor: tuple[float, float] | None = None, apart: float = 0.0) -> int | None:
        """Which of `candidates` (as `place` makes them, with the letters' boxes `letters` and
        the leaders drawn to them, `leaders`: a candidate whose leader runs across a round
        symbol but its own is not free) the label takes (see `LabelPlacer`): the first free of
        symbols and labels and crossing no line,
        up to `line_steps` distances beyond the first free one; else the free one at that distance
        (at any of them, with `farther_for_less`) crossing the least line, unless it crosses a line
        that outlines what it would hide (`block_lines(hiding=True)`) and the free one up to
        HIDING_STEPS distances beyond the first free one crossing the least crosses less and at
        most half as much of those lines; else, where `required`,
        the one overlapping the least, then crossing the least line; the earliest on ties. None:
        none (inside the map, or free where not `required`). `anchor`: the symbol's centre
        (display coordinates), where the line to each box's centre starts (`leader_lines`).
        `apart`: how much farther (display units) each box keeps off the boxes kept off, left
        and right (`place`'s `gap`)."""
        measured: dict[int, float] = {}

        def crossing(i: int) -> float:
            """`_crossing` of the letters' box `i`, measured only when the choice needs it (the
            first few positions mostly decide, and measuring is most of the cost): a box's
            measure does not depend on the others measured with it."""
            if i not in measured:
                measured[i] = float(self._crossing(letters[i : i + 1])[0]) if self._lines else 0.0
                if not required:
                    measured[i] += self._on_flows(letters[i].padded(LABEL_PAD))
                if self.leader_lines and anchor is not None and self._lines:
                    box = letters[i]
                    measured[i] += TIE_CROSSING * self._ties_across((*anchor, (box.x0 + box.x1) / 2,
                                                                     (box.y0 + box.y1) / 2))
            return measured[i]

        free: int | None = None  # the distance of the first position free of symbols and labels
        near: tuple[float, int] | None = None  # the free one at that distance crossing the least line
        crowded: tuple[float, int] | None = None  # none free: the least overlap, then line
        # Free ones up to HIDING_STEPS beyond `free`, for a label that would hide what a line outlines.
        farther: tuple[float, int] | None = None
        reach = max(self.line_steps, HIDING_STEPS) if any(self._line_hiding) else self.line_steps
        for i, (box, (*_at, snug, n)) in enumerate(zip(letters, candidates, strict=True)):
            if free is not None and n > free + reach:
                break
            padded = box.padded(LABEL_PAD)
            if not self._inside(padded):
                continue
            overlap = self._overlap(padded, own, self._clear, corner=snug, apart=apart)
            if free is not None and overlap > 0:
                continue  # once a position is free, only a free one can be taken: this one is not
            overlap = overlap \
                + (self._leader_crossing(leaders[i], own) if leaders is not None else 0.0) \
                + (self._leader_through(leaders[i]) if leaders is not None else 0.0) \
                + self._on_leaders(padded) + (self._on_flows(padded) + self._on_hidden(padded) if required else 0.0)
            if overlap == 0:
                line = crossing(i)
                if line == 0 and (free is None or n <= free + self.line_steps):
                    return i
                free = n if free is None else free
                if (n == free or (self.farther_for_less and n <= free + self.line_steps)) \
                        and (near is None or line < near[0]):
                    near = (line, i)
                if farther is None or line < farther[0]:
                    farther = (line, i)
            elif free is None and (crowded is None or overlap < crowded[0]
                                   or (overlap == crowded[0] and crossing(i) < crossing(crowded[1]))):
                crowded = (overlap, i)
        if near is not None:
            return farther[1] if farther is not None and self._hides_less(letters, near, farther) else near[1]
        return crowded[1] if crowded is not None and required else None

    def _leader(self, cx: float, cy: float, ox: float, oy: float, radius_points: float
                ) -> tuple[float, float, float, float]:
        """The leader `place` draws to a label at (ox, oy) points from its anchor (cx, cy, display
        coordinates), as x0, y0, x1, y1 (display coordinates): from the label's point to its
        symbol's edge, `radius_points` short of the anchor."""
        x0, y0 = cx + ox * self.points, cy + oy * self.points
        length = math.hypot(x0 - cx, y0 - cy)
        short = min(radius_points * self.points / length, 1.0) if length > 0 else 1.0
        return x0, y0, x0 + (cx - x0) * (1 - short), y0 + (cy - y0) * (1 - short)

    def place(self, text: Text, xy: tuple[float, float], radius_points: float = 0.0, required: bool = True,
              steps: Sequence[float] = _STEPS, centred_first: bool = False, leader: bool = True,
              gap: float = 0.0) -> bool:
        """Move `text` (an annotation at `xy` in offset points) to the first free position; a
        label that finds none is kept at its least crowded position when `required`, else
        removed. Returns whether the label stays on the map. `gap` (points): how much farther
        than LABEL_PAD the label's box keeps off the boxes kept off (other labels, the scale bar,
        the north arrow) left and right of it, and later labels' boxes off it (a cluster's name:
        CLUSTER_NAME_GAP).

        A label of a round symbol (`radius_points` > 0, kept off with `block_circle`) that finds
        no free position at the first step tries the four diagonals of that step again, this time
        allowed into the empty corners of its own symbol's square: it stays right beside its
        symbol, with no leader, where it would otherwise go a step farther out. A label farther
        out gets a leader (where `leader`) to its symbol's edge; a place whose leader would run
        across another round symbol kept off (a pie, a ring, a mark: `block_circle`) or through a
        box kept off (a label) is not free, nor one whose box a leader drawn before runs into."""
        cx, cy = self.ax.transData.transform(xy)
        own = (float(cx), float(cy), radius_points * self.points) if radius_points > 0 else None
        # (x, y offset in points, alignments, a leader?, into its own symbol's corners?, distance)
        candidates: list[tuple[float, float, str, str, bool, bool, int]] = []
        if centred_first:
            candidates.append((0.0, 0.0, "center", "center", False, False, 0))
        for n, step in enumerate(steps):
            reach = radius_points + step
            for dx, dy, ha, va in self.directions:
                scale = 1 / math.sqrt(2) if dx and dy else 1.0
                candidates.append((dx * reach * scale, dy * reach * scale, ha, va, n > 0, False, n))
            if n == 0 and own is not None:
                candidates.extend((dx * reach / math.sqrt(2), dy * reach / math.sqrt(2), ha, va, False, True, 0)
                                  for dx, dy, ha, va in _DIRECTIONS[:4])
        boxes = LabelBoxes(text, self.renderer)
        grow = gap * self.points
        chosen = self._choose([boxes.at((ox, oy), ha, va) for ox, oy, ha, va, *_rest in candidates],
                              candidates, own, required,
                              [self._leader(cx, cy, ox, oy, radius_points) if leader and far else None
                               for ox, oy, _ha, _va, far, *_rest in candidates], (float(cx), float(cy)), grow)
        if chosen is None:
            text.remove()
            return False
        ox, oy, ha, va, _far, _snug, _n = candidates[chosen]
        text.set_position((ox, oy))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        if "\n" in text.get_text():
            # The lines are aligned on the side of the box that faces the symbol, as the box is:
            # lines aligned left in a box left of its symbol leave the corner nearest it empty,
            # and the label, its box beside the symbol, reads as standing away from it (or its
            # leader as ending short of it). The box, and so the choice, is the same either way.
            text.set_multialignment(ha)
        # The box chosen, as `LabelBoxes` measured it: the same as laying the text out again.
        room = boxes.at((ox, oy), ha, va).padded(LABEL_PAD)
        self.block(Bbox.from_extents(room.x0 - grow, room.y0, room.x1 + grow, room.y1))
        if leader and candidates[chosen][4]:
            self.ax.annotate("", xy=xy, xytext=(ox, oy), textcoords="offset points", zorder=11,
                             arrowprops={"arrowstyle": "-", "color": _rgb(INK, 0.7), "linewidth": LABEL_LEADER_WIDTH,
                                         "shrinkA": 0.0, "shrinkB": radius_points})
            x0, y0, x1, y1 = self._leader(cx, cy, ox, oy, radius_points)
            self._leaders.append(shapely.LineString([(x0, y0), (x1, y1)]))
            if self.leader_lines:
                drawn = self.ax.transData.inverted().transform([(x0, y0), (x1, y1)])
                self.block_lines(np.array([shapely.LineString(drawn)], dtype=object), LABEL_LEADER_WIDTH)
        return True


# --- lettering: labels in any script ------------------------------------------------------------

#: Installed families that draw Chinese, tried in this order: the first matplotlib knows
#: (`font_manager.fontManager.ttflist`, which holds only the first face of a `.ttc` collection).
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei",
                "PingFang SC")
#: Other installed families that draw Chinese, tried only after the optional `mplfonts` package's
#: font (their characters take Japanese or traditional forms in places).
OTHER_CJK_FAMILIES = ("Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans", "WenQuanYi Micro Hei")
#: The optional package `mplfonts` (the `cjk` extra) and its Noto Sans CJK SC font file, in its folder.
MPLFONTS = "mplfonts"
MPLFONTS_FONT = ("fonts", "NotoSansCJKsc-Regular.otf")
#: What installs a font that draws Chinese, for a notice.
CJK_INSTALL = 'pip install -e ".[cjk]"'


def mplfonts_font() -> Path | None:
    """The Noto Sans CJK SC font file of the optional `mplfonts` package, where it is installed;
    found without importing the package (nor calling its functions, which copy fonts into
    matplotlib's own folders)."""
    try:
        spec = importlib.util.find_spec(MPLFONTS)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder).joinpath(*MPLFONTS_FONT)
        if path.is_file():
            return path
    return None


def find_cjk_family() -> str | None:
    """The family that draws Chinese labels: the first of CJK_FAMILIES that matplotlib knows;
    else the `mplfonts` package's font (`mplfonts_font`), registered with matplotlib's font
    manager for this process (`addfont`: no cache written); else the first of
    OTHER_CJK_FAMILIES matplotlib knows; None where there is none. A family with no bold face
    gets one (`_bold_as_regular`)."""
    known = {font.name for font in font_manager.fontManager.ttflist}
    chosen = next((family for family in CJK_FAMILIES if family in known), None)
    path = mplfonts_font() if chosen is None else None
    if path is not None:
        font_manager.fontManager.addfont(path)
        chosen = font_manager.ttfFontProperty(font_manager.get_font(path)).name
    chosen = chosen or next((family for family in OTHER_CJK_FAMILIES if family in known), None)
    if chosen is not None:
        _bold_as_regular(chosen)
    return chosen


def _weight(weight: str | int) -> int:
    return weight if isinstance(weight, int) else int(font_manager.weight_dict.get(weight, 400))


def _bold_as_regular(family: str) -> None:
    """Where `family` has no bold face, let bold text take its regular one, as matplotlib's
    per-character fallback does anyway, but without its log line "findfont: Failed to find font
    weight bold" on the terminal: an entry of weight 700 for the regular face's file, in this
    process's font manager only."""
    faces = [font for font in font_manager.fontManager.ttflist if font.name == family]
    if faces and not any(_weight(font.weight) >= 600 for font in faces):
        regular = min(faces, key=lambda font: (abs(_weight(font.weight) - 400), font.style != "normal", font.fname))
        font_manager.fontManager.ttflist.append(dataclasses.replace(regular, weight=700))


@functools.cache
def cjk_family() -> str | None:
    """`find_cjk_family`, looked up once per process (on the first label that needs it)."""
    return find_cjk_family()


@functools.cache
def _characters(path: str) -> frozenset[int]:
    """The code points the font file at `path` has glyphs for."""
    return frozenset(font_manager.get_font(path).get_charmap())


def _font_file(properties: font_manager.FontProperties, family: str | None = None) -> str:
    """The file matplotlib draws `properties` with (in `family` instead of its own, where given)."""
    if family is not None:
        properties = properties.copy()
        properties.set_family(family)
    return str(font_manager.findfont(properties))


def _undrawable(text: str, fonts: Sequence[str]) -> list[str]:
    """The characters of `text` (in order, each once) that none of the font files `fonts` draws;
    spaces and control characters (line breaks) need no glyph."""
    drawn = [_characters(path) for path in fonts]
    return [c for c in dict.fromkeys(text) if not c.isspace() and unicodedata.category(c)[0] != "C"
            and not any(ord(c) in d for d in drawn)]


class Lettering:
    """The fonts of one figure's texts. A text its own font draws whole is left as it is (the same
    bytes as ever); one with characters that font cannot draw gets a family list: its own family
    first, then the family that draws Chinese (`cjk_family`), matplotlib taking each character
    from the first font that has it. A text that no font draws whole is replaced: a feature's
    label by the same label with the feature's id for its name (ids are unique and read the same
    as in the tables and layers, where a name with some of its characters as "?" could be
    anyone's), other text (titles, legend rows, notes) with "?" for each character no font draws.
    Either way matplotlib warns of no missing glyph. `notice` says how many were replaced."""

    def __init__(self, figure: str) -> None:
        self.figure = figure
        #: The characters no font drew, in the order met.
        self.missing: dict[str, None] = {}
        #: The texts replaced, as (text, fallback) -> whether by the fallback (the feature's id): a
        #: text made again (a legend laid out once more) counts once.
        self.replaced: dict[tuple[str, str | None], bool] = {}

    def fit(self, text: Text, fallback: str | None = None) -> Text:
        """Let `text` be drawn whole: left as it is, given a family list, or replaced by
        `fallback` (where the fonts draw that whole; else by `text` with "?" for each character
        they cannot draw). Call before the text is measured. Returns `text`."""
        content = text.get_text()
        properties = text.get_fontproperties()
        own = _font_file(properties)
        if not _undrawable(content, [own]):
            return text
        family = cjk_family()
        fonts = [own] if family is None else [own, _font_file(properties, family)]
        missing = _undrawable(content, fonts)
        if missing:
            self.missing.update(dict.fromkeys(missing))
            by_id = fallback is not None and not _undrawable(fallback, fonts)
            self.replaced[content, fallback] = by_id
            drawn = fallback if by_id and fallback is not None else "".join("?" if c in missing else c for c in content)
            text.set_text(drawn)
            if not _undrawable(drawn, [own]):
                return text
        if family is not None:
            text.set_fontfamily([*properties.get_family(), family])
        return text

    def fit_all(self, texts: Sequence[Text]) -> None:
        """`fit` each of `texts` (no feature of their own: titles, legend rows, notes)."""
        for text in texts:
            self.fit(text)

    def notice(self) -> str | None:
        """What the figure drew otherwise than asked, and the fix; None where it drew every text:
        "map.png: no installed font draws some characters of 3 labels (such as '安', U+5B89): 2
        show their feature's id instead, 1 shows ? in their place; to draw Chinese, install a font
        that does: pip install -e ".[cjk]"" (the fix only where no such font is installed)."""
        if not self.replaced:
            return None
        by_id = sum(self.replaced.values())
        marked = len(self.replaced) - by_id
        shown = ([f"{by_id} show{'s' if by_id == 1 else ''} their feature's id instead"] if by_id else []) + (
            [f"{marked} show{'s' if marked == 1 else ''} ? in their place"] if marked else [])
        first = next(iter(self.missing))
        fix = f"; to draw Chinese, install a font that does: {CJK_INSTALL}" if cjk_family() is None else ""
        return (f"{self.figure}: no installed font draws some characters of {len(self.replaced)} "
                f"label{'s' if len(self.replaced) != 1 else ''} (such as '{first}', U+{ord(first):04X}): "
                f"{', '.join(shown)}{fix}")


def _label(ax: Axes, text: str, xy: tuple[float, float], lettering: Lettering | None = None,
           fallback: str | None = None, **style: object) -> Text:
    """A label at `xy` (data coordinates, offset 0 points: `LabelPlacer.place` moves it), fitted
    to the fonts by `lettering` (`fallback`: the same label by the feature's id) where given."""
    label = ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", zorder=12, path_effects=HALO,
                        annotation_clip=False, **style)
    return lettering.fit(label, fallback) if lettering is not None else label


# --- layers ------------------------------------------------------------------------------------

#: Words that say what kind of place a context polygon is, not which one ("Huaning County",
#: "Qilin District"): the words before the first of them are the place's own name (`place_stem`).
PLACE_KIND_WORDS = frozenset({"county", "district", "city", "autonomous", "prefecture", "municipality",
                              "subdistrict", "town", "township", "banner", "league", "region"})
#: The same at the end of a name written without spaces ("华宁县"), longest first.
PLACE_KIND_ENDINGS = ("自治县", "自治州", "自治旗", "街道", "县", "区", "市", "州", "镇", "乡", "旗")


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold())


def place_stem(name: str) -> tuple[str, ...]:
    """The words (NFKC, case folded) of a context polygon's name that name the place itself:
    those before its first word of PLACE_KIND_WORDS ("Huaning County" -> ("huaning",)), of an
    autonomous county only the first, the peoples' names following it ("Luquan Yi and Miao
    Autonomous County" -> ("luquan",)); a name written without spaces less its ending of
    PLACE_KIND_ENDINGS ("华宁县" -> ("华宁",)). The whole name's words where that leaves none."""
    words = _words(name)
    if "autonomous" in words[1:]:
        return tuple(words[:1])
    kind = next((i for i, w in enumerate(words) if w in PLACE_KIND_WORDS), len(words))
    stem = words[:kind]
    if len(stem) == 1:
        ending = next((e for e in PLACE_KIND_ENDINGS if stem[0].endswith(e) and len(stem[0]) > len(e)), "")
        stem = [stem[0][: len(stem[0]) - len(ending)]]
    return tuple(stem or words)


def names_place(label: str, stem: Sequence[str]) -> bool:
    """Whether the site's label `label` (its name) says the place whose own name is `stem`
    (`place_stem`): its words hold the stem's words one after another ("Huaning county" and
    ("huaning",)); a stem written without spaces, in the label's letters anywhere ("华宁工业园区")."""
    if not stem:
        return False
    words = _words(label)
    if len(stem) == 1 and any(unicodedata.east_asian_width(c) in "WF" for c in stem[0]):
        return any(stem[0] in w for w in words)
    n = len(stem)
    return any(tuple(words[i : i + n]) == tuple(stem) for i in range(len(words) - n + 1))


def counties_named(counties: gpd.GeoDataFrame, names: Sequence[str], points: np.ndarray) -> np.ndarray:
    """Whether each of `counties` (context polygons with a `name` column, in the CRS of `points`)
    is named already by the label of a site standing in it: a site of `names` (the sites'
    labelled names) at `points` (shape (len(names), 2), the sites' own places, not their pies')
    inside or on the polygon, whose name says the county's (`names_place`: "Huaning county" in
    "Huaning County"). Such a county's name is not drawn: the same word would stand twice a few
    millimetres apart. A site named after a place elsewhere ("Qilin area" outside Qilin District)
    leaves the county named. Shape (len(counties),), bool."""
    named = np.zeros(len(counties), dtype=bool)
    if not len(names) or "name" not in counties.columns:
        return named
    sites = shapely.points(np.asarray(points, dtype=float).reshape(-1, 2))
    for i, (shape, name) in enumerate(zip(counties.geometry.to_numpy(), counties["name"], strict=True)):
        if name is None or shape is None or not isinstance(name, str) or not name.strip():
            continue
        stem = place_stem(name)
        inside = shapely.covers(shape, sites)
        named[i] = any(bool(there) and names_place(label, stem) for label, there in zip(names, inside, strict=True))
    return named


def draw_context(ax: Axes, context: gpd.GeoDataFrame | None) -> None:
    """Context polygons (counties): thin grey outlines under everything else."""
    if context is not None and not context.empty:
        _polygons(ax, context, facecolor="none", edgecolor=_rgb(CONTEXT, 0.8), linewidth=0.5, zorder=0.5)


def draw_redline(ax: Axes, redline: gpd.GeoDataFrame | None) -> list[tuple[str, tuple[float, float, float, float],
                                                                          tuple[float, float, float, float]]]:
    """Red-line polygons filled by category, each in a colour of its own (the QGIS style's,
    `redline_colours`), paler zones below open water; categories the rule leaves out as grey
    dashed outlines. Returns legend rows (label, fill, edge), one per colour: one per counted
    category, and one for those the rule leaves out."""
    if redline is None:
        return []
    rows: dict[tuple[tuple[float, ...], tuple[float, ...]], list[str]] = {}
    categories = sorted(set(redline["category"]))
    colours = redline_colours([str(c) for c in categories])
    used = {c: bool(redline.loc[redline["category"] == c, "used"].any()) for c in categories}
    # Large pale zones first, open water last, so that lakes stay visible inside their zones.
    for category in sorted(categories, key=lambda c: (redline_colour(c) == WATER, c)):
        part = redline.loc[redline["category"] == category]
        if used[category]:
            colour = colours[str(category)]
            fill, edge = _rgb(colour, REDLINE_FILL_ALPHA / 255), _rgb(colour)
            _polygons(ax, part, facecolor=fill, edgecolor=edge, linewidth=0.5, zorder=1.5 if colour == WATER else 1)
            rows.setdefault((fill, edge), []).append(category_label(category))
        else:
            fill, edge = _rgb(GREY, 60 / 255), _rgb(GREY)
            _polygons(ax, part, facecolor=fill, edgecolor=edge, linewidth=0.5, linestyle="--", zorder=1)
            rows.setdefault((fill, edge), []).append(f"{category_label(category)} (not used by the rule)")
    return [(", ".join(names), fill, edge) for (fill, edge), names in rows.items()]


#: The ticks across the red-line buffer's outline: their spacing (points along the line), their
#: length (a share of it) and their angle to the line (degrees: -90, square to it, on the inside,
#: towards the red line, of the rings as drawn), as the QGIS style draws them
#: (siting/deliver/styles.py BUFFER_TICK_MM: no red tells the buffer from the anode's vermillion
#: for every reader, a tick does).
BUFFER_TICKS = {"spacing": 5.7, "length": 0.6, "angle": -90.0}


def buffer_ticks(legend: bool = False) -> list[path_effects.AbstractPathEffect]:
    """The red-line buffer's outline with ticks across it (BUFFER_TICKS), on the inside of the
    zones' rings, which `polygon_paths` draws clockwise (`shapely.normalize`). With `legend`, for
    the legend's patch, a rectangle drawn counter-clockwise: the ticks on the other side of the
    line, inside the patch, not out over the legend's text (as plan.qgs's key: siting/deliver/
    styles.py `legend_keys`)."""
    ticks = {**BUFFER_TICKS, "angle": -BUFFER_TICKS["angle"]} if legend else BUFFER_TICKS
    return [path_effects.withTickedStroke(**ticks)]


def draw_zones(ax: Axes, zones: gpd.GeoDataFrame | None, crs: str) -> None:
    """The red-line buffer as a bright red outline with ticks across it (`buffer_ticks`); each
    setback as a dark red outline with one light diagonal hatch (never two hatches that cross)."""
    if zones is None:
        return
    for kind, zone in zip(zones["kind"], zones.geometry, strict=True):
        series = gpd.GeoSeries([zone], crs=crs)
        if kind == "buffer":
            _polygons(ax, series, facecolor="none", edgecolor=_rgb(BUFFER), linewidth=0.9, zorder=2,
                      path_effects=buffer_ticks())
        else:
            _polygons(ax, series, facecolor="none", edgecolor=_rgb(SETBACK, SETBACK_HATCH_ALPHA / 255), hatch="/",
                      linewidth=0.0, zorder=2)
            _polygons(ax, series, facecolor="none", edgecolor=_rgb(SETBACK), linewidth=0.9, zorder=2)


def flow_widths(flows: gpd.GeoDataFrame) -> list[float]:
    """Each flow's line width (points) as `draw_flows` draws it: 0.6, and 3.4 more in proportion
    to its peak yearly tonnage against the largest flow's."""
    tonnes = flows[[c for c in flows.columns if c.startswith("tonnes_")]].to_numpy(dtype=float).max(axis=1)
    top = max(tonnes.max(), 1.0)
    return [0.6 + 3.4 * peak / top for peak in tonnes]


def draw_flows(ax: Axes, flows: gpd.GeoDataFrame | None, colours: dict[str, tuple[int, int, int]]) -> None:
    """Flows coloured by resource, width proportional to the peak yearly tonnage (`flow_widths`)."""
    if flows is None:
        return
    for geometry, resource, width in zip(flows.geometry, flows["resource"], flow_widths(flows), strict=True):
        x, y = geometry.xy
        ax.plot(x, y, color=_rgb(colours.get(resource, GREY), 0.8), linewidth=width, zorder=5,
                solid_capstyle="round")


def _quantity(value: float, unit: str | None) -> str:
    """A capacity for a label as every table gives it (`amount_text`: whole units, 4 significant
    digits below 1,000, no trailing zeros: 40 GWh reads "40", 3.5 reads "3.5"), with its unit per
    year."""
    number = amount_text(value)
    return f"{number} {per_year(unit)}" if unit else number


@dataclass(frozen=True)
class BuiltSite:
    """A built site as the map draws it: where, its capex, and the capacity added per product."""

    name: str
    x: float
    y: float
    capex_yuan: float
    added: dict[str, float]
    #: The site's id (the label's name where no font draws the name: `Lettering`).
    id: str | None = None
    #: Whether the site hosts a recycling demonstration (the sites layer's `demonstration`): its
    #: pie is ringed (`draw_pies`).
    demonstration: bool = False

    def slices(self, values: Mapping[str, float]) -> list[tuple[str, float]]:
        """(product, share) of the pie: the output value of the capacity added (equal shares
        without output values), largest first, products in catalog order on ties."""
        weights = {p: a * values.get(p, 0.0) for p, a in self.added.items()} if values else {}
        if not weights or sum(weights.values()) <= 0:
            weights = dict.fromkeys(self.added, 1.0)
        total = sum(weights.values())
        order = sorted(weights, key=lambda p: -weights[p])
        return [(p, weights[p] / total) for p in order if weights[p] > 0]


def cell_label(name: str) -> str:
    """A candidate cell's name as its label gives it: the part that says where it lies, in
    brackets (`siting.prepare.candidates.cell_names`: "Cell 67-733 in Hongta District (13.4 km N
    of Yuxi high-tech zone)"), on a line of its own, so that the label stays about as wide as a
    park's."""
    return name.replace(" (", "\n(", 1)


def built_sites(sites: gpd.GeoDataFrame | None, products: Sequence[str], years: Sequence[int]) -> list[BuiltSite]:
    """The built sites with the capacity added over the years, per product (catalog order),
    each named by `site_names` (a candidate cell on two lines: `cell_label`)."""
    if sites is None:
        return []
    xy = _anchor_points(sites)
    labels = frame_site_names(sites)
    if "kind" in sites.columns:
        labels = [cell_label(label) if kind == "cell" else label
                  for label, kind in zip(labels, sites["kind"], strict=True)]
    found = []
    for i, (status, label) in enumerate(zip(sites["status"], labels, strict=True)):
        if status != "built":
            continue
        row = sites.iloc[i]
        added = {}
        for p in products:
            amount = sum(float(row.get(f"added_{p}_{t}", 0.0) or 0.0) for t in years)
            if amount > 0:
                added[p] = amount
        demo = row.get("demonstration")
        found.append(BuiltSite(label, float(xy[i, 0]), float(xy[i, 1]), float(row["capex_yuan"] or 0.0), added,
                               str(row["id"]), demo is not None and demo == demo and bool(demo)))
    return found


@dataclass(frozen=True)
class StandingSite:
    """A site where only existing or committed plants stand (status `standing`), as the map
    labels it: where, and the capacity standing there in the final year per product."""

    name: str
    x: float
    y: float
    standing: dict[str, float]
    #: The site's id (the label's name where no font draws the name: `Lettering`).
    id: str | None = None


def standing_sites(sites: gpd.GeoDataFrame | None, products: Sequence[str], years: Sequence[int]
                   ) -> list[StandingSite]:
    """The sites of status `standing`, each named by `site_names`, with the existing capacity and
    the committed projects online by the final year, per product (catalog order; the sites
    layer's `existing_<product>` and `committed_<product>_<year>`, units/yr)."""
    if sites is None or not len(sites) or not years:
        return []
    xy = _anchor_points(sites)
    labels = frame_site_names(sites)
    found = []
    for i, (status, label) in enumerate(zip(sites["status"], labels, strict=True)):
        if status != "standing":
            continue
        row = sites.iloc[i]
        standing = {}
        for p in products:
            amount = (float(row.get(f"existing_{p}", 0.0) or 0.0)
                      + float(row.get(f"committed_{p}_{years[-1]}", 0.0) or 0.0))
            if amount > 0:
                standing[p] = amount
        found.append(StandingSite(label, float(xy[i, 0]), float(xy[i, 1]), standing, str(row["id"])))
    return found


#: The second line of a standing site's label, before its capacity per product.
STANDING_LINE = "existing and committed:"


def standing_label(site: StandingSite, units: Mapping[str, str]) -> str:
    """The site's name, then each product standing there in words with its capacity."""
    return "\n".join([site.name, STANDING_LINE] + [f"{product_label(p)} {_quantity(v, units.get(p))}"
                                                   for p, v in site.standing.items()])


def pie_area(capex: float, top: float) -> float:
    """Pie area in points^2 of a site of `capex` yuan on the scale where `top` yuan of capex has
    a pie of LARGEST_MARKER points^2: proportional to capex, at least SMALLEST_MARKER."""
    return max(LARGEST_MARKER * capex / top, SMALLEST_MARKER) if top > 0 else SMALLEST_MARKER


def largest_capex(built: Sequence[BuiltSite]) -> float:
    """The largest capex (yuan) of the built sites, 0 without any: the top of a map's own pie scale."""
    return max((b.capex_yuan for b in built), default=0.0)


def pie_scale(built: Sequence[BuiltSite], top: float | None = None) -> float:
    """The capex (yuan) whose pie is LARGEST_MARKER points^2 on the map of `built`: `top` where
    given (e.g. the largest built site over every run of a comparison or sweep, so that their
    maps share one scale), else the map's own largest (`largest_capex`). Raises ValueError when
    `top` is not a finite number at least the map's own largest: a pie would outgrow the legend's
    largest reference size."""
    own = largest_capex(built)
    if top is None:
        return own
    if not (math.isfinite(top) and top >= own):
        raise ValueError(f"the pie scale must be at least the largest built site's capex ({own:g} yuan), got {top!r}")
    return float(top)


def pie_radii(built: Sequence[BuiltSite], top: float | None = None) -> list[float]:
    """Each built site's pie radius in points (area ∝ capex, see `pie_area`), on the scale
    `pie_scale(built, top)` gives: `top` yuan of capex at LARGEST_MARKER points^2."""
    scale = pie_scale(built, top)
    return [math.sqrt(pie_area(b.capex_yuan, scale)) / 2 for b in built]


def draw_pies(ax: Axes, built: Sequence[BuiltSite], colours: Mapping[str, tuple[int, int, int]],
              values: Mapping[str, float], data_per_point: float,
              centres: Sequence[tuple[float, float]] | None = None, top: float | None = None) -> list[float]:
    """A pie per built site (largest first, so that small ones stay on top), centred on the site
    or on its entry in `centres` (data coordinates, one per site: where `displaced_centres` put
    it), sized on the scale of `top` (yuan of capex at LARGEST_MARKER points^2; the sites' own
    largest where None, see `pie_scale`); a recycling demonstration's pie ringed DEMO_RING_GAP
    points outside it (`demo_ring`); returns each site's radius in points. The patches go
    in as artists, not with `add_patch`, which also widens the data limits by each wedge's
    outline: the map's limits are set before the pies, so that measure changed nothing drawn."""
    radii = pie_radii(built, top)
    at = [(b.x, b.y) for b in built] if centres is None else list(centres)
    # matplotlib draws by zorder, so the order of drawing is the zorder's: the rank by size.
    for rank, n in enumerate(sorted(range(len(built)), key=lambda k: (-built[k].capex_yuan, k))):
        site, centre, radius = built[n], at[n], radii[n] * data_per_point
        angle = 90.0
        for product, share in site.slices(values):
            ax.add_artist(Wedge(centre, radius, angle - 360 * share, angle,
                                facecolor=_rgb(colours.get(product, GREY)), edgecolor="white", linewidth=0.4,
                                zorder=9 + 0.001 * rank))
            angle -= 360 * share
        ax.add_artist(Circle(centre, radius, facecolor="none", edgecolor=_rgb(INK), linewidth=PIE_EDGE,
                             zorder=9 + 0.001 * rank))
        if site.demonstration:
            ax.add_artist(demo_ring(centre, radius + DEMO_RING_GAP * data_per_point, 9 + 0.001 * rank))
    return radii


#: The ring round a recycling demonstration's pie (points): its clearance outside the pie's
#: outline and its width, in the colour of the QGIS style's ring (styles.py DEMO_RING, DEMO_LABEL).
DEMO_RING_GAP = 3.0
DEMO_RING_WIDTH = 1.8


def demo_ring(centre: tuple[float, float], radius: float, zorder: float, **style: object) -> Circle:
    """The open green ring of a recycling demonstration, of `radius` (data units, or those of
    `style`'s transform) round `centre`."""
    return Circle(centre, radius, facecolor="none", edgecolor=_rgb(DEMO_RING), linewidth=DEMO_RING_WIDTH,
                  zorder=zorder, **style)


# --- pies moved apart where they would cover each other ----------------------------------------

#: Clear space (points) kept between two pies' outlines; pies closer than that are moved apart.
PIE_GAP = 1.5
#: Most sweeps over the pairs of pies in `spread_pies`; a sweep that moves nothing ends it earlier.
SPREAD_SWEEPS = 200
#: Radius (points) of the ring that pies at the very same point start from in `spread_pies`.
_STACK_RING = 0.01
#: Radius (points) of the dot that marks a moved pie's true site, and the leader's width.
SITE_DOT_RADIUS = 2.0
LEADER_WIDTH = 0.8
#: Where `clear_of_marks` looks for a spot for a moved pie round its site: rings CLEAR_STEP
#: points apart out to CLEAR_REACH points, each in CLEAR_DIRECTIONS directions.
CLEAR_STEP = 0.5
CLEAR_REACH = 200.0
CLEAR_DIRECTIONS = 360


def spread_pies(centres: np.ndarray, radii: np.ndarray, gap: float = PIE_GAP,
                sweeps: int = SPREAD_SWEEPS, bounds: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Centres for pies that keep `gap` between their outlines, moved as little as possible.

    `centres`: (n, 2) pie centres in points (any origin, y up), `radii`: (n,) radii in points;
    returns a new (n, 2) array in points. Each sweep finds every pair (i, j) whose centres are
    closer than r_i + r_j + gap and asks for them to be pushed apart along the line joining them
    to exactly that distance, each pie by a share of the push inversely proportional to its area
    (pie i by push * r_j^2 / (r_i^2 + r_j^2)): a large pie barely moves, a small one slides round
    it, and the area-weighted centre of the two stays where it was, so that a group of pies is
    spread about its shared centre. A pie in several such pairs moves by the mean of what they
    ask, all pies at once; two pies alone are apart after one sweep. Pies at the very same point
    (m of them) first stand on a tiny ring about it, the k-th (in index order) at
    90 + 360 k / m degrees, so that the stack opens into a ring rather than a row. The sweeps end
    when no pair is too close, or after `sweeps`. A pie that never comes too close to another
    keeps its centre bit for bit; the same input gives the same output (no randomness).

    `bounds` (x0, y0, x1, y1 in points, the map's frame) keeps every pie that moves whole inside
    the frame, `gap` clear of it: after each sweep a moved pie's centre is clamped into
    [x0 + r + gap, x1 - r - gap] and the same for y (to the frame's middle where the pie is wider
    than that). A pie the clamp held back stands against the frame: in the next sweep its
    neighbour (one not held back) takes the whole of their push.

    Raises ValueError when the shapes do not match or a radius is negative.
    """
    moved = np.array(centres, dtype=float)
    r = np.asarray(radii, dtype=float)
    if moved.ndim != 2 or moved.shape[1] != 2 or r.shape != (len(moved),):
        raise ValueError(f"centres must be (n, 2) and radii (n,), got {moved.shape} and {r.shape}")
    if (r < 0).any():
        raise ValueError(f"radii must be at least 0, got {r.min()}")
    stacks: dict[tuple[float, float], list[int]] = {}
    for i, (x, y) in enumerate(moved.tolist()):
        stacks.setdefault((x, y), []).append(i)
    ever = np.zeros(len(r), dtype=bool)  # pies moved at least once: only they are clamped
    for (x, y), members in stacks.items():
        for k, i in enumerate(members if len(members) > 1 else ()):
            angle = math.pi / 2 + 2 * math.pi * k / len(members)
            moved[i] = (x + _STACK_RING * math.cos(angle), y + _STACK_RING * math.sin(angle))
            ever[i] = True
    inside = _within(bounds, r, gap)
    area = np.maximum(r, 1e-9) ** 2
    first, second = np.triu_indices(len(r), 1)
    need = r[first] + r[second] + gap
    share = area[second] / (area[first] + area[second])  # of the push, moved by the first pie
    held = np.zeros(len(r), dtype=bool)  # pies the clamp held back in the last sweep
    for _sweep in range(sweeps):
        apart = moved[second] - moved[first]
        distance = np.hypot(apart[:, 0], apart[:, 1])
        close = distance < need - 1e-9
        if not close.any():
            break
        i, j, d = first[close], second[close], distance[close]
        # Two pies that the sweeps bring onto one point part along x.
        unit = np.where((d > 0)[:, None], apart[close] / np.where(d > 0, d, 1.0)[:, None], (1.0, 0.0))
        push = need[close] - d
        mine = np.where(held[i] & ~held[j], 0.0, np.where(held[j] & ~held[i], 1.0, share[close]))
        delta = np.zeros_like(moved)
        np.add.at(delta, i, -unit * (push * mine)[:, None])
        np.add.at(delta, j, unit * (push * (1 - mine))[:, None])
        count = np.bincount(i, minlength=len(r)) + np.bincount(j, minlength=len(r))
        touched = count > 0
        moved[touched] += delta[touched] / count[touched, None]
        ever |= touched
        if inside is not None:
            free = moved[ever]
            moved[ever] = np.clip(free, inside[0][ever], inside[1][ever])
            held[:] = False
            held[ever] = (moved[ever] != free).any(axis=1)
    return moved


def _within(bounds: tuple[float, float, float, float] | None, radii: np.ndarray, gap: float
            ) -> tuple[np.ndarray, np.ndarray] | None:
    """The lowest and highest centre (n, 2 each) of pies of `radii` kept whole inside `bounds`
    (x0, y0, x1, y1), `gap` clear of it: the frame's middle where a pie is wider than that."""
    if bounds is None:
        return None
    x0, y0, x1, y1 = bounds
    low = np.column_stack([x0 + radii + gap, y0 + radii + gap])
    high = np.column_stack([x1 - radii - gap, y1 - radii - gap])
    middle = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    return np.where(low <= high, low, middle), np.where(low <= high, high, middle)


def clear_of_marks(centres: np.ndarray, radii: np.ndarray, sites: np.ndarray, marks: np.ndarray,
                   gap: float = PIE_GAP, bounds: tuple[float, float, float, float] | None = None,
                   uncovered: np.ndarray | None = None) -> np.ndarray:
    """Centres for pies moved aside (`spread_pies`) that keep off the marks drawn near them.

    `centres`: (n, 2) pie centres in points as `spread_pies` left them, `radii`: (n,) radii in
    points, `sites`: (n, 2) the sites they stand for; `marks`: (m, 3) the marks pies keep off, as
    x, y and the radius (points) of the circle round each as drawn, rim and all. A pie moved off
    its site (the site no longer under it, so that a leader runs to it) that comes nearer than
    `gap` to a mark or to another pie is moved again, the largest such pie first: to the spot
    nearest its site that is `gap` clear of every mark and every other pie where they then
    stand, and inside `bounds` as `spread_pies` keeps a moved pie. The spots tried lie on rings
    round the site CLEAR_STEP apart, out to CLEAR_REACH, each in CLEAR_DIRECTIONS directions,
    from the direction the pie was pushed in, then alternately either side of it: of equally
    near spots, the one nearest that direction. Where none is clear, the pie stays where it was
    pushed. A pie on its site or moved only a little (its site still under it: a source standing
    on the site stays in view above the pie) keeps its centre bit for bit, and so does a moved
    pie already clear; the same input gives the same output.

    `uncovered`: (k, 3) marks, as `marks`, that no pie may cover even on its own site (a
    standing site's diamond: a label points at it, and a pie would hide it and take its
    label's leader inside itself). A pie nearer than `gap` to one is moved as a pie moved off
    its site is (clear of them, of `marks` and of the other pies), pushed first straight away
    from the nearest such mark it covers.

    Raises ValueError when the shapes do not match."""
    placed = np.array(centres, dtype=float)
    r = np.asarray(radii, dtype=float)
    at = np.asarray(sites, dtype=float)
    keep = np.asarray(marks, dtype=float)
    shown = np.empty((0, 3)) if uncovered is None else np.asarray(uncovered, dtype=float)
    if placed.ndim != 2 or placed.shape[1] != 2 or r.shape != (len(placed),) or at.shape != placed.shape \
            or keep.ndim != 2 or keep.shape[1] != 3 or shown.ndim != 2 or shown.shape[1] != 3:
        raise ValueError(f"centres and sites must be (n, 2), radii (n,) and marks and uncovered (m, 3), got "
                         f"{placed.shape}, {at.shape}, {r.shape}, {keep.shape} and {shown.shape}")
    inside = _within(bounds, r, gap)
    off = np.hypot(placed[:, 0] - at[:, 0], placed[:, 1] - at[:, 1]) > r
    # A pie covering a mark that must stay in view, `gap` clear of it or not, is moved too.
    apart = np.hypot(placed[:, None, 0] - shown[None, :, 0], placed[:, None, 1] - shown[None, :, 1])
    covering = apart < r[:, None] + shown[None, :, 2] + gap - 1e-9
    off |= covering.any(axis=1)
    keep = np.vstack([keep, shown])
    turns = np.concatenate([[0], np.repeat(np.arange(1, CLEAR_DIRECTIONS // 2), 2)
                            * np.tile([1, -1], CLEAR_DIRECTIONS // 2 - 1), [CLEAR_DIRECTIONS // 2]])
    rings = CLEAR_STEP * np.arange(1, round(CLEAR_REACH / CLEAR_STEP) + 1)
    for i in sorted(np.flatnonzero(off).tolist(), key=lambda k: (-r[k], k)):
        others = np.arange(len(r)) != i
        circles = np.vstack([np.column_stack([placed[others], r[others]]), keep])
        need = r[i] + circles[:, 2] + gap - 1e-9

        def clear(xy: np.ndarray, i: int = i, circles: np.ndarray = circles, need: np.ndarray = need) -> np.ndarray:
            apart = np.hypot(xy[:, None, 0] - circles[None, :, 0], xy[:, None, 1] - circles[None, :, 1])
            ok = (apart >= need[None, :]).all(axis=1)
            if inside is not None:
                ok &= ((xy >= inside[0][i] - 1e-9) & (xy <= inside[1][i] + 1e-9)).all(axis=1)
            return ok

        if clear(placed[i:i + 1])[0]:
            continue
        if covering[i].any() and np.array_equal(placed[i], at[i]):
            # Still on its site: away from the nearest mark it covers.
            mark = shown[int(np.argmin(np.where(covering[i], apart[i], np.inf)))]
            pushed = math.atan2(at[i, 1] - mark[1], at[i, 0] - mark[0])
        else:
            pushed = math.atan2(placed[i, 1] - at[i, 1], placed[i, 0] - at[i, 0])
        angles = pushed + 2 * math.pi * turns / CLEAR_DIRECTIONS
        ways = np.column_stack([np.cos(angles), np.sin(angles)])
        for reach in rings:
            spots = at[i] + reach * ways
            ok = clear(spots)
            if ok.any():
                placed[i] = spots[int(np.argmax(ok))]
                break
    return placed


def displaced_centres(built: Sequence[BuiltSite], radii: Sequence[float], data_per_point: float,
                      frame: tuple[float, float, float, float] | None = None,
                      marks: Sequence[tuple[float, float, float]] = (),
                      uncovered: Sequence[tuple[float, float, float]] = ()) -> list[tuple[float, float]]:
    """Where each site's pie is drawn (data coordinates): on the site, or moved aside by
    `spread_pies` where pies of `radii` (points) would cover each other at `data_per_point`
    (data units per point) on the page; a moved pie stays inside `frame` (x0, y0, x1, y1, the
    map's extent in data coordinates), and one moved off its site keeps off `marks` (x, y in data
    coordinates, the radius in points of the circle round the mark as drawn: `pie_marks`) and
    the other pies (`clear_of_marks`); no pie, on its site or not, covers one of `uncovered` (as
    `marks`: the standing sites' diamonds, `standing_marks`). A pie not moved keeps the site's
    coordinates exactly."""
    if not built:
        return []
    sites = np.array([(b.x, b.y) for b in built], dtype=float)
    points = sites / data_per_point
    bounds = None if frame is None else (frame[0] / data_per_point, frame[1] / data_per_point,
                                         frame[2] / data_per_point, frame[3] / data_per_point)
    radius = np.asarray(radii, dtype=float)
    keep = np.array([(x / data_per_point, y / data_per_point, reach) for x, y, reach in marks],
                    dtype=float).reshape(-1, 3)
    shown = np.array([(x / data_per_point, y / data_per_point, reach) for x, y, reach in uncovered],
                     dtype=float).reshape(-1, 3)
    spread = spread_pies(points, radius, bounds=bounds)
    shift = (clear_of_marks(spread, radius, points, keep, bounds=bounds, uncovered=shown) - points) * data_per_point
    return [(b.x + float(sx), b.y + float(sy)) if (sx, sy) != (0.0, 0.0) else (b.x, b.y)
            for b, (sx, sy) in zip(built, shift, strict=True)]


def draw_leaders(ax: Axes, built: Sequence[BuiltSite], centres: Sequence[tuple[float, float]],
                 radii: Sequence[float], data_per_point: float) -> int:
    """For each pie moved off its site (the site no longer under the pie, `centres` and the
    sites in data coordinates, `radii` in points): a dark dot on the true site and a thin line
    from it to the pie's edge, above the pies and white-edged so that both read on a
    neighbouring pie. Returns how many pies have a leader."""
    halo = [path_effects.withStroke(linewidth=LEADER_WIDTH + 1.6, foreground="white")]
    count = 0
    for site, (cx, cy), radius in zip(built, centres, radii, strict=True):
        dx, dy = site.x - cx, site.y - cy
        distance = math.hypot(dx, dy)
        reach = radius * data_per_point
        if distance <= reach:
            continue
        edge = (cx + dx / distance * reach, cy + dy / distance * reach)
        ax.add_line(Line2D([site.x, edge[0]], [site.y, edge[1]], color=_rgb(INK), linewidth=LEADER_WIDTH,
                           solid_capstyle="butt", path_effects=halo, zorder=9.95))
        ax.add_patch(Circle((site.x, site.y), SITE_DOT_RADIUS * data_per_point, facecolor=_rgb(INK),
                            edgecolor="white", linewidth=0.6, zorder=9.96))
        count += 1
    return count


# --- flows of no length: a dashed ring where they stand ---------------------------------------

#: The dashed ink ring that marks flows of no length, which have no line (a site drawing on a
#: source on site, products moved between a hub and the gateway or a site standing at it): its
#: radius and width (points) and its dashes, as report.html's map rings such legs
#: (siting/deliver/webmap.py `UNLINED_RING`) and plan.qgs's legend keys them
#: (siting/deliver/styles.py `unlined_symbol`).
UNLINED_RADIUS = 8.0
UNLINED_WIDTH = 1.2
UNLINED_DASHES = (0.0, (2.5, 2.0))
#: How much wider (points) than the ring its white edge is drawn.
UNLINED_HALO = 1.6
#: The legend's row for the ring.
UNLINED_LABEL = "flows of no length, without a line (labelled)"


@dataclass(frozen=True)
class UnlinedMarks:
    """Where map.png rings flows of no length (`points`, data coordinates, each place once), the
    label of each ringed hub (`hubs`: text, x, y; the map draws no other hub) and the line each
    site drawing on a source on site adds to its label (`sites`: site id -> line)."""

    points: list[tuple[float, float]]
    hubs: list[tuple[str, float, float]] = dataclasses.field(default_factory=list)
    sites: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def frame(self, crs: str) -> gpd.GeoSeries | None:
        """The rings' centres as points in `crs` (the map's), for its extent; None without any."""
        return gpd.GeoSeries(gpd.points_from_xy(*zip(*self.points, strict=True)), crs=crs) if self.points else None

    def labelled(self, text: str, site: str | None) -> str:
        """A site's label `text` with the line of its draw on a source on site, where it has one."""
        line = self.sites.get(site or "")
        return f"{text}\n{line}" if line else text


def on_site_draws(sites: gpd.GeoDataFrame | None, sources: gpd.GeoDataFrame | None, years: Sequence[int]
                  ) -> list[tuple[str, list[str], float, int]]:
    """The sites that draw raw material from a source standing on them (the sites layer's
    `on_site_sources` and `on_site_t_<year>`, t/yr: flows.geojson has no line of no length), in
    the layer's order: (site id, the ids of those sources, the tonnes it draws from them in the
    last of `years` in which it draws any, that year). A site that never draws on them is left
    out."""
    if sites is None or sources is None or "on_site_sources" not in sites.columns:
        return []
    found = []
    columns = [t for t in years if f"on_site_t_{t}" in sites.columns]
    for _i, row in sites.iterrows():
        ids = id_items(row["on_site_sources"])
        drawn = [(t, float(row[f"on_site_t_{t}"] or 0.0)) for t in columns]
        drawn = [(t, v) for t, v in drawn if v > 0]
        if ids and drawn:
            found.append((str(row["id"]), ids, drawn[-1][1], drawn[-1][0]))
    return found


def unlined_marks(layers: Mapping[str, OutputLayer], sites: gpd.GeoDataFrame | None,
                  sources: gpd.GeoDataFrame | None, hubs: gpd.GeoDataFrame | None,
                  unlined: Sequence[Mapping[str, Any]], years: Sequence[int]) -> UnlinedMarks:
    """Where map.png rings flows of no length, and what its labels say of them. A site drawing on
    a source standing on it (`on_site_draws`) is ringed at that source, and its label gets a line
    with the resource and what it draws in the last year it draws any, a yearly rate as
    report.md's table of such draws gives it ("Petroleum coke on site: 300,000 t/yr in 2024"). A
    hub where the plan's product flows have legs of no length (`unlined`, siting/deliver/webmap.py
    `unlined_flows`: the gateway, or a site, standing at the hub) is ringed and labelled with its
    name and how many such flows the last year has there, and with what ("Kunming hub: 9 product
    flows", "in 2024 with the gateway at it"): the map draws no product flows (report.html's map
    and plan.qgs do, and product_flows.csv lists them).
    `layers`: the plan's layers by name (the hubs' names); `sites`, `sources`, `hubs`: those
    layers in the map's CRS; `years`: the plan's years."""
    points: dict[tuple[float, float], None] = {}
    lines: dict[str, str] = {}
    draws = on_site_draws(sites, sources, years)
    if draws and sources is not None:
        at = dict(zip(_ids(sources), map(tuple, _anchor_points(sources).tolist()), strict=True))
        kinds = dict(zip(_ids(sources), (str(r) for r in sources["resource"]), strict=True))
        for site, ids, tonnes, year in draws:
            points.update(dict.fromkeys(at[k] for k in ids if k in at))
            resources = joined(list(dict.fromkeys(product_label(kinds[k]) for k in ids if k in kinds)))
            lines[site] = f"{resources} on site: {amount_text(tonnes)} t/yr in {year}"
    labels: list[tuple[str, float, float]] = []
    if unlined and hubs is not None and "node" in hubs.columns:
        places = place_names(layers.get("sites"), layers.get("hubs"))
        at = {str(n): tuple(xy) for n, k, xy in zip(hubs["node"], hubs["kind"], _anchor_points(hubs).tolist(),
                                                    strict=True) if k == "hub"}
        last = max(int(row["year"]) for row in unlined)
        ends: dict[str, dict[str, int]] = {}
        for row in unlined:
            kind = str(row["kind"])
            hub = str(row[("from", "to")[FLOW_HUB.get(kind, 0)]])
            if hub in at:
                points[at[hub]] = None
                counts = ends.setdefault(hub, {})
                other = "the gateway" if "gateway" in kind else "another hub" if kind == "hub_to_hub" else "a site"
                counts[other] = counts.get(other, 0) + (int(row["year"]) == last)
        for hub, counts in ends.items():
            count = sum(counts.values())
            what = (f": {count} product flow{'s' if count != 1 else ''}\nin {last} with "
                    f"{joined([c for c, n in counts.items() if n])} at it") if count else ""
            labels.append((places.get(("hub", hub), hub) + what, *at[hub]))
    return UnlinedMarks([(float(x), float(y)) for x, y in points], [(t, float(x), float(y)) for t, x, y in labels],
                        lines)


def draw_unlined(ax: Axes, points: Sequence[tuple[float, float]], data_per_point: float,
                 placer: LabelPlacer | None = None) -> None:
    """A dashed ink ring of UNLINED_RADIUS points round each of `points` (data coordinates), over
    the pies and the sources' marks (zorder 10.5), white-edged so that it reads on a pie; the
    `placer`, where given, keeps labels off each ring."""
    halo = [path_effects.withStroke(linewidth=UNLINED_WIDTH + UNLINED_HALO, foreground="white")]
    for x, y in points:
        if placer is not None:
            placer.block_circle(x, y, UNLINED_RADIUS + UNLINED_WIDTH / 2)
        ax.add_artist(Circle((x, y), UNLINED_RADIUS * data_per_point, facecolor="none", edgecolor=_rgb(INK),
                             linewidth=UNLINED_WIDTH, linestyle=UNLINED_DASHES, path_effects=halo, zorder=10.5))


def place_ring_names(ax: Axes, placer: LabelPlacer, marks: UnlinedMarks, lettering: Lettering | None = None) -> None:
    """Label each ringed hub of `marks` beside its ring (`UnlinedMarks.hubs`): the map draws no
    other hub, so the ring alone would not say where it stands, nor what moves there."""
    for text, x, y in marks.hubs:
        placer.place(_label(ax, text, (x, y), lettering, fontsize=7.5, linespacing=1.15, multialignment="left"),
                     (x, y), UNLINED_RADIUS + UNLINED_WIDTH / 2)


def _by_id(site: BuiltSite | StandingSite, label: Callable[[BuiltSite | StandingSite], str]) -> str | None:
    """`label` of the site with its id for its name (None without an id): what a label shows
    where no font draws the name."""
    return label(dataclasses.replace(site, name=site.id)) if site.id is not None else None


def site_label(site: BuiltSite, units: Mapping[str, str], values: Mapping[str, float]) -> str:
    """The site's name, then each product it builds in words with the capacity added."""
    order = [p for p, _share in site.slices(values)] + [p for p in site.added if p not in dict(site.slices(values))]
    return "\n".join([site.name] + [f"{product_label(p)} {_quantity(site.added[p], units.get(p))}" for p in order])


def draw_cells(ax: Axes, cells: gpd.GeoDataFrame | None) -> tuple[int, int] | None:
    """Candidate cells: those not built as faint outlines under the cluster outlines, so that
    thousands of them read as a light grid; the built ones filled in the built colour above the
    red line, with a strong outline also drawn over the pies. Returns (cells, built cells), or
    None without cells."""
    if cells is None:
        return None
    built = cells["built"].to_numpy(dtype=bool)
    if (~built).any():
        _polygons(ax, cells.loc[~built], facecolor="none", edgecolor=_rgb(GREY, CELL_OUTLINE_ALPHA / 255),
                  linewidth=0.2, zorder=3)
    if built.any():
        _polygons(ax, cells.loc[built], facecolor=_rgb(BUILT, CELL_FILL_OPACITY), edgecolor=_rgb(BUILT), linewidth=1.2,
                  zorder=5.5)
        # The outline again above the pies (zorder 9), so that a cell smaller than its pie still shows.
        _polygons(ax, cells.loc[built], facecolor="none", edgecolor=_rgb(BUILT), linewidth=1.2, zorder=9.9)
    return len(cells), int(built.sum())


#: The width (points) of the edge of a site's mark (STATUS_MARKS), and of the lines of its cross ("x").
SITE_MARK_EDGE = 0.6
SITE_CROSS_WIDTH = 1.6
#: The ink ring (points) round an eligible site's amber dot, which no flow line has: no hue is far
#: enough from the separator's yellow for every reader (siting/deliver/styles.py ELIGIBLE_RING_MM).
ELIGIBLE_EDGE = 1.7


#: Where a standing site's diamond is drawn: above the pies (zorder 9 and a little more) and the
#: moved pies' leaders, below the sources' triangles (SOURCE_ZORDER), so that it shows where no
#: spot clear of it was found for a pie (`clear_of_marks`' `uncovered`); other sites' marks, zorder 7.
STANDING_ZORDER = 9.97


def status_stroke(status: str) -> float:
    """The width (points) of the edge of the mark of a site of `status` (STATUS_MARKS), or of the
    lines of its cross."""
    marker = STATUS_MARKS[status][0]
    return ELIGIBLE_EDGE if status == "eligible_unused" else SITE_CROSS_WIDTH if marker == "x" else SITE_MARK_EDGE


def draw_other_sites(ax: Axes, sites: gpd.GeoDataFrame | None) -> None:
    """Sites not built: small marks by status, as in the QGIS style; a standing site's diamond
    above the pies (STANDING_ZORDER), the others under them."""
    if sites is None:
        return
    if sites.geom_type.isin(["Polygon", "MultiPolygon"]).any():
        _polygons(ax, sites, facecolor="none", edgecolor=_rgb(GREY), linewidth=0.6, zorder=6)
    xy = _anchor_points(sites)
    status = sites["status"].to_numpy()
    for name, (marker, colour, size, _label) in STATUS_MARKS.items():
        chosen = status == name
        if chosen.any():
            ax.scatter(xy[chosen, 0], xy[chosen, 1], marker=marker, s=size, c=[colour],
                       zorder=STANDING_ZORDER if name == "standing" else 7,
                       edgecolors=[_rgb(INK)] if marker != "x" else None, linewidths=status_stroke(name))


# --- legend and margin -------------------------------------------------------------------------

#: The legend's font (points) and the space between its rows (a share of the font) where it fits.
LEGEND_FONT = 9.5
LEGEND_SPACING = 0.55
LEGEND_TITLE = "Built sites: pie area ∝ capex, slices = output\nvalue of the capacity added by product"
#: The legend's row for the marks of a pie moved off its site (`draw_leaders`).
LEADER_LABEL = "true site of a pie moved aside, line to it"
#: Left edge and top of the right margin, in fractions of the standard page: the legend hangs
#: from there and the notes follow under it.
MARGIN_X, MARGIN_TOP = 0.715, 0.89
#: Clear space (points) between the legend's last row and the notes, and kept free along the
#: page's bottom and right edges.
NOTES_GAP = 14.0
PAGE_EDGE = 14.0
NOTES_FONT = 8.5
#: How the margin is set, tried in turn until the legend and the notes under it fit on the page:
#: (legend font, legend row spacing as a share of the font, notes font), in points. The rows close
#: up first, then the type shrinks, down to a floor (8 and 7.5 points) that still reads on the
#: printed page.
MARGIN_STYLES = ((LEGEND_FONT, LEGEND_SPACING, NOTES_FONT), (LEGEND_FONT, 0.4, NOTES_FONT),
                 (LEGEND_FONT, 0.3, NOTES_FONT), (9.0, 0.3, 8.0), (8.5, 0.3, 8.0), (8.0, 0.3, 7.5))
#: Past the floor the page grows at the bottom, in whole steps of this many inches (50 pixels).
PAGE_STEP_IN = 0.5


class LeaderMark:
    """Legend handle standing for a moved pie's marks: drawn by `LeaderHandler`."""


class LeaderHandler(HandlerBase):
    """Draws the legend key of `LeaderMark` as the map draws a moved pie: a dark dot (the true
    site), a thin line from it and a small pie outline at its end."""

    def create_artists(self, legend: Legend, orig_handle: object, xdescent: float, ydescent: float,
                       width: float, height: float, fontsize: float, trans: Transform) -> list[Artist]:
        """The dot, the line and the pie in the handle box (points, `trans` to display)."""
        y = height / 2 - ydescent
        left, right = -xdescent, width - xdescent
        pie = min(height * 0.75, width / 4)
        halo = [path_effects.withStroke(linewidth=LEADER_WIDTH + 1.6, foreground="white")]
        line = Line2D([left + SITE_DOT_RADIUS, right - 2 * pie], [y, y], color=_rgb(INK), linewidth=LEADER_WIDTH,
                      solid_capstyle="butt", path_effects=halo, transform=trans)
        dot = Circle((left + SITE_DOT_RADIUS, y), SITE_DOT_RADIUS, facecolor=_rgb(INK), edgecolor="white",
                     linewidth=0.6, transform=trans)
        outline = Circle((right - pie, y), pie, facecolor="none", edgecolor=_rgb(INK), linewidth=0.8,
                         transform=trans)
        return [line, dot, outline]


class DemoMark:
    """Legend handle standing for a demonstration's ring: drawn by `DemoHandler`."""


class DemoHandler(HandlerBase):
    """Draws the legend key of `DemoMark` as the map rings a demonstration's pie (`demo_ring`)
    round a small pie outline, as large as the key's height allows."""

    def create_artists(self, legend: Legend, orig_handle: object, xdescent: float, ydescent: float,
                       width: float, height: float, fontsize: float, trans: Transform) -> list[Artist]:
        """A pie outline and its ring in the middle of the handle box (points, `trans` to display)."""
        centre = (width / 2 - xdescent, height / 2 - ydescent)
        ring = min(height * 0.75, width / 2)
        pie = max(ring - DEMO_RING_GAP, 1.0)
        return [Circle(centre, pie, facecolor="none", edgecolor=_rgb(INK), linewidth=PIE_EDGE, transform=trans),
                demo_ring(centre, ring, 0, transform=trans)]


class UnlinedMark:
    """Legend handle standing for the ring round flows of no length: drawn by `UnlinedHandler`."""


class UnlinedHandler(HandlerBase):
    """Draws the legend key of `UnlinedMark` as the map draws the ring (`draw_unlined`), as large
    as the key's height allows."""

    def create_artists(self, legend: Legend, orig_handle: object, xdescent: float, ydescent: float,
                       width: float, height: float, fontsize: float, trans: Transform) -> list[Artist]:
        """The dashed ring in the middle of the handle box (points, `trans` to display)."""
        radius = min(UNLINED_RADIUS, height * 0.75, width / 2)
        return [Circle((width / 2 - xdescent, height / 2 - ydescent), radius, facecolor="none", edgecolor=_rgb(INK),
                       linewidth=UNLINED_WIDTH, linestyle=UNLINED_DASHES, transform=trans)]


def _pie_sizes(top_capex: float, font: float, spacing: float) -> list[tuple[object, str]]:
    """Legend rows for two reference pie sizes (the largest capex and a quarter of it, rounded),
    each between as many blank rows as keep its circle (diameter d points, centred on its row)
    1 point clear of the text of the nearest row with a label: rows stand p = font * (1 +
    spacing) points apart, so n blank rows suffice where (n + 1) * p - font / 2 >= d / 2 + 1."""
    rows: list[tuple[object, str]] = []
    if top_capex <= 0:
        return rows
    for value in sorted({_significant(top_capex, 2), _significant(top_capex / 4, 1)}, reverse=True):
        if value > 0:
            size = math.sqrt(pie_area(value, top_capex))
            pitch = font * (1 + spacing)
            blank = [(Patch(visible=False), "")] * max(0, math.ceil((size / 2 + 1 + font / 2) / pitch - 1))
            circle = Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor=_rgb(INK),
                            markersize=size)
            rows.extend([*blank, (circle, f"capex {bn_yuan(value)}"), *blank])
    return rows


def redline_legend_word(layer: OutputLayer | None, basis: LayerBasis | None = None) -> str:
    """What the legend calls the red-line layer's categories: "red-line proxy" where the layer
    says it is one (`basis`, or `layer_basis` of its table: siting/deliver/mapinfo.py), so that a
    proxy is never keyed as the red line itself; "red line" otherwise."""
    if basis is None and layer is not None:
        basis = layer_basis(layer.frame)
    return redline_word(basis is not None and basis.is_proxy)


def legend_handles(products: Sequence[str], colours: Mapping[str, tuple[int, int, int]], top_capex: float,
                   statuses: set[str], zones: gpd.GeoDataFrame | None,
                   redline_rows: Sequence[tuple[str, tuple[float, ...], tuple[float, ...]]],
                   resources: dict[str, tuple[int, int, int]], flowing: Collection[str], context_label: str | None,
                   cell_counts: tuple[int, int] | None = None, leaders: bool = False,
                   font: float = LEGEND_FONT, spacing: float = LEGEND_SPACING, *,
                   hollow: Collection[str] = (), filled: Collection[str] | None = None, unlined: bool = False,
                   demonstrations: bool = False, redline_word: str = "red line") -> tuple[list[object], list[str]]:
    """Legend entries: the products built (in words), pie sizes in bn yuan of capex, the marks
    of pies moved off their sites (with `leaders`: the map draws some), the ring of a recycling
    demonstration (with `demonstrations`: some pie is one, DEMO_LABEL), the other site statuses
    present, the candidate cells (`cell_counts`: cells, built cells), clusters and context,
    red-line categories and zones, sources by resource, "and flow" for those with flows in the plan
    (`flowing`), and for the resources in `hollow` a hollow triangle "<resource> source
    (prospective, not used)": the map draws a prospective source the plan may not use so. A
    resource has a filled entry where it is in `filled` (None: every resource has one); with
    `unlined` (the map rings flows of no length: `draw_unlined`), the dashed ring last
    (UNLINED_LABEL). `font` (points) and `spacing` (a share of the font between rows) are the
    legend's: blank rows keep a large pie size clear of its neighbours. `redline_word` names the
    red-line categories' entries ("red line: lake"; a layer that says it is a proxy: "red-line
    proxy: lake", `redline_legend_word`)."""
    handles: list[object] = []
    labels: list[str] = []
    for product in products:
        handles.append(Patch(facecolor=_rgb(colours[product]), edgecolor=_rgb(INK), linewidth=0.5))
        labels.append(product_label(product))
    for handle, label in _pie_sizes(top_capex, font, spacing):
        handles.append(handle)
        labels.append(label)
    marks = [(mark(), label) for on, mark, label in ((leaders, LeaderMark, LEADER_LABEL),
                                                     (demonstrations, DemoMark, DEMO_LABEL)) if on]
    handles.extend(handle for handle, _label in marks)
    labels.extend(label for _handle, label in marks)
    for status, (marker, colour, size, label) in STATUS_MARKS.items():
        if status in statuses:
            handles.append(Line2D([], [], marker=marker, linestyle="", markersize=math.sqrt(size),
                                  markerfacecolor=colour, markeredgecolor=colour if marker == "x" else _rgb(INK),
                                  markeredgewidth=status_stroke(status)))
            labels.append(label)
    if cell_counts is not None:
        total, built = cell_counts
        if built:
            handles.append(Patch(facecolor=_rgb(BUILT, CELL_FILL_OPACITY), edgecolor=_rgb(BUILT), linewidth=1.2))
            labels.append(f"candidate cell built ({built:,})")
        # The key's outline as plan.qgs's legend draws it (CELL_KEY_MM), wider than the map's faint grid.
        handles.append(Patch(facecolor="none", edgecolor=_rgb(GREY), linewidth=CELL_KEY_MM * 72 / 25.4))
        labels.append(f"candidate cell ({total:,} in all)")
    handles.append(Patch(facecolor="none", edgecolor=_rgb(INK), linewidth=1.2))
    labels.append("cluster")
    if context_label:
        handles.append(Patch(facecolor="none", edgecolor=_rgb(CONTEXT, 0.8), linewidth=0.5))
        labels.append(context_label)
    for label, fill, edge in redline_rows:
        handles.append(Patch(facecolor=fill, edgecolor=edge, linewidth=0.5))
        labels.append(textwrap.fill(f"{redline_word}: {label}", 46))
    if zones is not None:
        for kind, products_text, distance in zip(zones["kind"], zones["products"], zones["max_distance_m"],
                                                 strict=True):
            if kind == "buffer":
                handles.append(Patch(facecolor="none", edgecolor=_rgb(BUFFER), linewidth=0.9,
                                     path_effects=buffer_ticks(legend=True)))
                labels.append(f"red-line buffer {distance / 1000:g} km")
            else:
                handles.append(Patch(facecolor="none", edgecolor=_rgb(SETBACK), hatch="/", linewidth=0.9))
                names = ", ".join(product_label(p) for p in id_items(products_text))
                labels.append(textwrap.fill(f"setback up to {distance / 1000:g} km for {names}", 46))
    for handle, label in source_rows(resources, flowing, hollow, filled):
        handles.append(handle)
        labels.append(label)
    if unlined:
        handles.append(UnlinedMark())
        labels.append(UNLINED_LABEL)
    return handles, labels


def source_rows(resources: Mapping[str, tuple[int, int, int]], flowing: Collection[str],
                hollow: Collection[str] = (), filled: Collection[str] | None = None) -> list[tuple[Line2D, str]]:
    """The legend's rows for the sources, by resource name: a filled triangle "<resource> source"
    ("and flow", with a line, where the plan carries it: `flowing`) for each resource in `filled`
    (None: every one), then a hollow one "<resource> source (prospective, not used)" where it is in
    `hollow`."""
    rows = []
    for resource, colour in sorted(resources.items()):
        flows = resource in flowing
        if filled is None or resource in filled:
            rows.append((Line2D([], [], marker="^", linestyle="-" if flows else "", markersize=7,
                                color=_rgb(colour), markeredgecolor=_rgb(INK)),
                         f"{product_label(resource)} source{' and flow' if flows else ''}"))
        if resource in hollow:
            rows.append((Line2D([], [], marker="^", linestyle="", markersize=7, markerfacecolor="none",
                                markeredgecolor=_rgb(colour), markeredgewidth=HOLLOW_EDGE),
                         f"{product_label(resource)} source ({UNUSED_PROSPECTIVE_WORDS})"))
    return rows


#: The edge width (points) of a hollow source triangle: a prospective source the plan may not use.
HOLLOW_EDGE = 1.3
#: The edge width (points) of a filled source triangle, in ink.
SOURCE_EDGE = 0.6
#: The white rim (points) round every source triangle, past its edge: a source standing on a pie
#: (a site at its own source) or on a flow reads whatever colour is under it.
SOURCE_RIM = 1.0
#: Where the sources' triangles are drawn: above the pies (zorder 9 and a little more), the
#: built cells' outlines drawn again over the pies (9.9) and the leaders of moved pies (9.95,
#: 9.96); under the dashed rings (10.5), which leave the triangle inside them clear.
SOURCE_ZORDER = 10.0
#: The area (points^2) of a source's triangle.
SOURCE_SIZE = 45.0
#: How much wider each triangle under another at the very same point is drawn (`source_sizes`):
#: a source one place further down a shared point's stack is (1 + SOURCE_NEST_STEP) times as
#: wide again, so that a band of its colour shows round the one drawn over it.
SOURCE_NEST_STEP = 1.2


def source_sizes(xy: np.ndarray, hollow: np.ndarray) -> np.ndarray:
    """The area (points^2) of each source's triangle as `draw_sources` draws it: SOURCE_SIZE,
    except where sources stand at the very same point (`xy`, data coordinates, one row per
    source; the shipped layer puts Wenshan's aluminium and manganese at one town seat), whose
    triangles would hide all but the last drawn: those are nested, the first drawn (the filled
    before the hollow, each in the layer's order: `hollow`, one boolean per source) the widest,
    each drawn over it SOURCE_NEST_STEP of SOURCE_SIZE's width narrower, the last at
    SOURCE_SIZE, so that every one shows."""
    sizes = np.full(len(xy), SOURCE_SIZE)
    order = [i for i in range(len(xy)) if not hollow[i]] + [i for i in range(len(xy)) if hollow[i]]
    above: dict[tuple[float, float], int] = {}
    for i in reversed(order):
        key = (float(xy[i, 0]), float(xy[i, 1]))
        over = above.get(key, 0)
        sizes[i] = SOURCE_SIZE * (1 + SOURCE_NEST_STEP * over) ** 2
        above[key] = over + 1
    return sizes


def source_rim(edge: float) -> list[path_effects.AbstractPathEffect]:
    """The path effects of a source triangle with an edge `edge` points wide: a white stroke
    SOURCE_RIM points past the edge on either side, then the triangle itself."""
    return [path_effects.withStroke(linewidth=edge + 2 * SOURCE_RIM, foreground="white")]


def draw_sources(ax: Axes, sources: gpd.GeoDataFrame | None, colours: Mapping[str, tuple[int, int, int]]
                 ) -> tuple[set[str], set[str]]:
    """Sources as triangles in their resource's colour (working CRS), above the pies
    (SOURCE_ZORDER), each with a white rim (`source_rim`) so that it shows on a pie of any
    colour: filled with an ink edge, or hollow with an edge of that colour for a prospective
    source the plan may not use (`unused_prospective`); sources at the very same point nested,
    each showing round the one drawn over it (`source_sizes`). Returns the resources drawn filled and
    those drawn hollow."""
    if sources is None:
        return set(), set()
    hollow = _hollow(sources)
    xy = _anchor_points(sources)
    sizes = source_sizes(xy, hollow)
    resources = [str(r) for r in sources["resource"]]
    if (~hollow).any():
        ax.scatter(xy[~hollow, 0], xy[~hollow, 1], marker="^", s=sizes[~hollow],
                   c=[_rgb(colours[r]) for r, h in zip(resources, hollow, strict=True) if not h],
                   edgecolors=[_rgb(INK)], linewidths=SOURCE_EDGE, zorder=SOURCE_ZORDER,
                   path_effects=source_rim(SOURCE_EDGE))
    if hollow.any():
        ax.scatter(xy[hollow, 0], xy[hollow, 1], marker="^", s=sizes[hollow], facecolors="none",
                   edgecolors=[_rgb(colours[r]) for r, h in zip(resources, hollow, strict=True) if h],
                   linewidths=HOLLOW_EDGE, zorder=SOURCE_ZORDER, path_effects=source_rim(HOLLOW_EDGE))
    return ({r for r, h in zip(resources, hollow, strict=True) if not h},
            {r for r, h in zip(resources, hollow, strict=True) if h})


def _hollow(sources: gpd.GeoDataFrame) -> np.ndarray:
    """Which sources `draw_sources` draws hollow (`unused_prospective`), as a boolean array."""
    statuses = sources["status"] if "status" in sources.columns else ["producing"] * len(sources)
    used = sources["in_model"] if "in_model" in sources.columns else [True] * len(sources)
    return np.array([unused_prospective(s, u) for s, u in zip(statuses, used, strict=True)], dtype=bool)


def mark_reach(marker: str, size: float, stroke: float) -> float:
    """The radius (points) of the circle round a scatter mark `marker` of `size` (points^2)
    drawn with a stroke `stroke` points wide (its edge, or the white rim round it): its
    outline's farthest point from the mark's centre, and half the stroke."""
    style = MarkerStyle(marker)
    outline = style.get_path().transformed(style.get_transform()).vertices
    return float(np.hypot(outline[:, 0], outline[:, 1]).max()) * math.sqrt(size) + stroke / 2


def pie_marks(sites: gpd.GeoDataFrame | None, sources: gpd.GeoDataFrame | None,
              rings: Sequence[tuple[float, float]]) -> list[tuple[float, float, float]]:
    """The marks a pie moved off its site keeps off (`displaced_centres`): x, y (data
    coordinates) and the radius (points) of the circle round each as drawn. The sources'
    triangles (`draw_sources`, at their `source_sizes`) with their white rim, the marks of the sites not built
    (`draw_other_sites`) and the dashed rings (`draw_unlined`, at `rings`) with their white edge:
    the triangles and rings are drawn above the pies, and a pie would hide a site's mark."""
    found: list[tuple[float, float, float]] = []
    if sources is not None and len(sources):
        xy, hollow = _anchor_points(sources), _hollow(sources)
        found += [(float(x), float(y),
                   mark_reach("^", float(size), (HOLLOW_EDGE if h else SOURCE_EDGE) + 2 * SOURCE_RIM))
                  for (x, y), h, size in zip(xy, hollow, source_sizes(xy, hollow), strict=True)]
    if sites is not None and len(sites):
        status = sites["status"].to_numpy()
        for (x, y), kind in zip(_anchor_points(sites), status, strict=True):
            if kind in STATUS_MARKS:
                marker, _colour, size, _label = STATUS_MARKS[kind]
                found.append((float(x), float(y), mark_reach(marker, size, status_stroke(kind))))
    found += [(x, y, UNLINED_RADIUS + (UNLINED_WIDTH + UNLINED_HALO) / 2) for x, y in rings]
    return found


def standing_marks(sites: gpd.GeoDataFrame | None) -> list[tuple[float, float, float]]:
    """The standing sites' diamonds (`draw_other_sites`), which no pie may cover
    (`displaced_centres`' `uncovered`): x, y (data coordinates) and the radius (points) of the
    circle round each as drawn, its edge and all."""
    if sites is None or not len(sites):
        return []
    marker, _colour, size, _label = STATUS_MARKS["standing"]
    reach = mark_reach(marker, size, status_stroke("standing"))
    status = sites["status"].to_numpy()
    return [(float(x), float(y), reach)
            for (x, y), kind in zip(_anchor_points(sites), status, strict=True) if kind == "standing"]


def _ids(frame: gpd.GeoDataFrame) -> list[str]:
    return [str(i) for i in frame["id"]]


def _names(frame: gpd.GeoDataFrame) -> list[str]:
    if "name" in frame.columns:
        return [str(n) if n is not None else str(i) for n, i in zip(frame["name"], frame["id"], strict=True)]
    return [str(i) for i in frame["id"]]


@contextlib.contextmanager
def drawn_in_default_style(**settings: Any) -> Iterator[None]:
    """matplotlib's default style, with thin hatches and `settings` (rcParams by name), for the
    time of the block, one thread's block at a time in the process (`DRAWING_LOCK`)."""
    with DRAWING_LOCK, matplotlib.style.context("default"), matplotlib.rc_context(
            {"hatch.linewidth": 0.6, **settings}):
        yield


@contextlib.contextmanager
def _unhinted() -> Iterator[None]:
    """matplotlib's `text.hinting` off for the time of the block (that setting only)."""
    with DRAWING_LOCK:
        before = matplotlib.rcParams["text.hinting"]
        matplotlib.rcParams["text.hinting"] = "no_hinting"
        try:
            yield
        finally:
            matplotlib.rcParams["text.hinting"] = before


class UnhintedRenderer(RendererAgg):
    """An Agg renderer that measures and draws text without hinting, whatever matplotlib's
    `text.hinting` says. A text with a path effect (the labels' HALO) is drawn as the outlines of
    its letters, which matplotlib lays out without hinting, while Agg measures text with hinting:
    at the labels' 7.5 points a line measured some 7 % narrower than it was drawn, and a label
    ran past the box its place was chosen by (`LabelPlacer`), into its neighbour's. Measured and
    drawn without hinting, a text's box is where its letters are, to a fraction of a pixel.

    `measured` holds each text's measure by what decides it (the text, a copy of its font
    properties, `ismath` and the DPI), so that a renderer `MapCanvas` makes anew when the page
    grows (`grow_page_top`) takes the measures of the one before, which it would give again to
    the last bit: matplotlib keeps its measures per renderer, and the Yunnan map's 128 texts were
    laid out twice (about 0.1 s of the map's CPU)."""

    def __init__(self, width: int, height: int, dpi: float,
                 measured: dict[tuple[Any, ...], tuple[float, float, float]] | None = None) -> None:
        super().__init__(width, height, dpi)
        self.measured: dict[tuple[Any, ...], tuple[float, float, float]] = {} if measured is None else measured

    def get_text_width_height_descent(self, s: str, prop: font_manager.FontProperties, ismath: Any
                                      ) -> tuple[float, float, float]:
        """The text's width, height and descent (pixels), measured without hinting (once for
        each text, font and DPI: `measured`)."""
        key = (s, prop.copy(), ismath, self.dpi)
        known = self.measured.get(key)
        if known is None:
            with _unhinted():
                known = self.measured[key] = super().get_text_width_height_descent(s, prop, ismath)
        return known

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: font_manager.FontProperties, angle: float,
                  ismath: Any = False, mtext: Text | None = None) -> None:
        """Draw the text (one without a path effect) without hinting."""
        with _unhinted():
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)


class MapCanvas(FigureCanvasAgg):
    """An Agg canvas that renders with `UnhintedRenderer` and whose `draw_idle` does nothing
    (`quiet_canvas`)."""

    def get_renderer(self) -> UnhintedRenderer:
        """The canvas's renderer (a new one where the figure's size or DPI changed), unhinted,
        with the text measures of the one before (`UnhintedRenderer.measured`)."""
        before = getattr(self, "renderer", None)
        renderer = super().get_renderer()
        if not isinstance(renderer, UnhintedRenderer):
            measured = before.measured if isinstance(before, UnhintedRenderer) else None
            self.renderer = UnhintedRenderer(renderer.width, renderer.height, renderer.dpi, measured)
        return self.renderer

    def draw_idle(self, *args: Any, **kwargs: Any) -> None:
        """Nothing: the figure is drawn when it is saved (`quiet_canvas`)."""


def quiet_canvas(figure: Figure) -> FigureCanvasAgg:
    """Give `figure` an Agg canvas (`MapCanvas`) whose `draw_idle` does nothing and whose renderer
    measures text as it draws it (`UnhintedRenderer`). GeoPandas's `plot` ends with `draw_idle`,
    which on a non-interactive canvas renders the whole figure: a dozen layers meant a dozen full
    renders before `savefig` drew it once more (about 1 s of the map's 2). The figure is drawn
    only when it is saved."""
    return MapCanvas(figure)


def keep_labels_off(placer: LabelPlacer, clusters: gpd.GeoDataFrame | None, redline: gpd.GeoDataFrame | None,
                    zones: gpd.GeoDataFrame | None, flows: gpd.GeoDataFrame | None, data_per_point: float
                    ) -> list[int | None]:
    """Give `placer` the lines drawn that labels keep off: the clusters' outlines, the red line's
    and its zones' outlines softly (`LabelPlacer.block_lines`; a red-line polygon within
    SMALL_POLYGON points, which a label would hide whole, as what a label hides), and the flows
    as the leaders are (`LabelPlacer.block_flows`). Returns what `LabelPlacer.release_lines`
    takes to stop keeping labels off the red line's outlines."""
    # A label across a cluster's outline leaves its cluster unsaid.
    placer.block_lines(drawn_geometry([clusters], None)[0], CLUSTER_OUTLINE_WIDTH)
    large, small = split_small(drawn_geometry([redline], None)[0], SMALL_POLYGON * data_per_point)
    keys = [placer.block_lines(np.concatenate([large, drawn_geometry([zones], None)[0]]), REDLINE_OUTLINE_WIDTH),
            placer.block_lines(small, REDLINE_OUTLINE_WIDTH, hiding=True)]
    # A label across a flow reads as cut by it.
    if flows is not None and not flows.empty:
        placer.block_flows(flows.geometry.to_numpy(), flow_widths(flows))
    return keys


def map_figure(layers: Sequence[OutputLayer], title: MapTitle, products: Sequence[str], working_crs: str,
               context: MapContext | None = None, lettering: Lettering | None = None,
               pie_top_yuan: float | None = None, unlined: Sequence[Mapping[str, Any]] = ()) -> Figure:
    """The map as a matplotlib figure on an Agg canvas (render_map saves it as PNG); its texts
    fitted to the installed fonts by `lettering` (a new one where not given). `pie_top_yuan`: the
    capex (yuan) whose pie is LARGEST_MARKER points^2, which the legend's reference sizes are
    taken from too (`pie_scale`): a comparison or sweep gives every run's map the largest built
    site of all its runs, so that the same capex has the same pie on each; None: this plan's own
    largest. `unlined`: the plan's product flows without a line (siting/deliver/webmap.py
    `unlined_flows`), ringed at their hubs as a site drawing on a source on site is at the
    source (`unlined_marks`), with a legend row and labels. Raises ValueError when
    `pie_top_yuan` is below this plan's largest."""
    extra = context or MapContext()
    letters = lettering or Lettering(MAP_FILE)
    by_name = {layer.name: layer for layer in layers if layer.name in MAP_LAYERS}
    crs = working_crs
    sites = _projected(by_name.get("sites"), crs)
    clusters = _projected(by_name.get("clusters"), crs)
    zones = _projected(by_name.get("redline_zones"), crs)
    redline = _projected(by_name.get("redline"), crs)
    sources = _projected(by_name.get("sources"), crs)
    flows = _projected(by_name.get("flows"), crs)
    cells = _projected(by_name.get("candidate_cells"), crs)
    hubs = _projected(by_name.get("hubs"), crs)
    counties = extra.context.to_crs(crs) if extra.context is not None and not extra.context.empty else None
    resources = resource_colours(list(sources["resource"]) if sources is not None else [])
    colours = product_colours(products)
    with drawn_in_default_style():
        figure = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI)
        quiet_canvas(figure)
        ax = figure.add_axes((0.02, 0.03, 0.68, 0.86))
        marks = unlined_marks(by_name, sites, sources, hubs, unlined, title.years)
        extent = _extent([clusters, sites, sources if flows is not None else None, marks.frame(crs)])
        _polygons(ax, clusters, facecolor=_rgb(LAND), edgecolor="none", zorder=0)
        draw_context(ax, counties)
        redline_rows = draw_redline(ax, redline)
        draw_zones(ax, zones, crs)
        cell_counts = draw_cells(ax, cells)
        _polygons(ax, clusters, facecolor="none", edgecolor=_rgb(INK), linewidth=CLUSTER_OUTLINE_WIDTH, zorder=4)
        draw_flows(ax, flows, resources)
        # Above the pies (zorder 9): a site standing on its source keeps it in view.
        filled, hollow = draw_sources(ax, sources, resources)
        draw_other_sites(ax, sites)
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.apply_aspect()
        draw_scale_bar(ax, extent)
        renderer = figure.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        data_per_point = (extent[2] - extent[0]) / box.width * renderer.points_to_pixels(1.0)
        built = built_sites(sites, products, title.years)
        top_capex = pie_scale(built, pie_top_yuan)
        radii = pie_radii(built, top_capex)
        # A demonstration's ring is part of its pie for the pies' spacing and the labels.
        outer = [r + (DEMO_RING_GAP + DEMO_RING_WIDTH / 2 if b.demonstration else 0.0)
                 for b, r in zip(built, radii, strict=True)]
        centres = displaced_centres(built, outer, data_per_point, extent, pie_marks(sites, sources, marks.points),
                                    standing_marks(sites))
        draw_pies(ax, built, colours, extra.values, data_per_point, centres, top_capex)
        leaders = draw_leaders(ax, built, centres, radii, data_per_point)
        placer = LabelPlacer(ax, renderer)
        redline_lines = keep_labels_off(placer, clusters, redline, zones, flows, data_per_point)
        draw_unlined(ax, marks.points, data_per_point, placer)
        # Labels keep off each pie's outline (half of it outside the radius).
        for (x, y), radius in zip(centres, outer, strict=True):
            placer.block_circle(x, y, radius + PIE_EDGE / 2)
        # Labels leave every other site and source mark visible.
        for frame in (sites, sources):
            if frame is not None:
                for x, y in _anchor_points(frame):
                    placer.block_circle(float(x), float(y), SITE_MARK_RADIUS)
        # The scale bar keeps its corner; the north arrow stands where it covers nothing drawn.
        placer.block(scale_bar_box(box))
        place_north_arrow(ax, placer, drawn_geometry([clusters, redline, zones, flows, cells], counties))
        # Each label beside its own pie, where the pie is drawn (moved aside or not).
        for site, centre, radius in sorted(zip(built, centres, outer, strict=True),
                                           key=lambda scr: (-scr[0].capex_yuan, scr[0].name)):
            text = _label(ax, marks.labelled(site_label(site, extra.units, extra.values), site.id), centre, letters,
                          _by_id(site, lambda s: marks.labelled(site_label(s, extra.units, extra.values), s.id)),
                          fontsize=7.5, linespacing=1.15, multialignment="left")
            placer.place(text, centre, radius + PIE_EDGE / 2)
        # Then each site where only existing or committed plants stand, beside its diamond.
        standings = standing_sites(sites, products, title.years)
        for standing in standings:
            text = _label(ax, marks.labelled(standing_label(standing, extra.units), standing.id),
                          (standing.x, standing.y), letters,
                          _by_id(standing, lambda s: marks.labelled(standing_label(s, extra.units), s.id)),
                          fontsize=7.5, linespacing=1.15, multialignment="left")
            placer.place(text, (standing.x, standing.y), SITE_MARK_RADIUS)
        place_ring_names(ax, placer, marks, letters)
        # The clusters', lakes' and counties' names keep off the clusters' outlines only: a lake's
        # name stands inside its own outlines.
        placer.release_lines(*redline_lines)
        if clusters is not None:
            for (x, y), name, ident in zip(_anchor_points(clusters), _names(clusters), _ids(clusters), strict=True):
                placer.place(_label(ax, name, (x, y), letters, ident, fontsize=14, fontweight="bold",
                                    color=_rgb(INK, 0.75)), (x, y), centred_first=True, leader=False,
                             gap=CLUSTER_NAME_GAP)
        if redline is not None:
            water = [redline_colour(c) == WATER for c in redline["category"]]
            lakes = redline.loc[water]
            for (x, y), name, ident in (zip(_anchor_points(lakes), _names(lakes), _ids(lakes), strict=True)
                                        if len(lakes) else ()):
                placer.place(_label(ax, name, (x, y), letters, ident, fontsize=8.5, fontstyle="italic",
                                    color=(0.1, 0.33, 0.55, 1.0)),
                             (x, y), required=False, steps=(2.0, 12.0), centred_first=True, leader=False)
        if counties is not None:
            # A county's name keeps off the red line's small polygons (parks) as a site's label does:
            # its halo would cut a band out of one.
            placer.block_lines(split_small(drawn_geometry([redline], None)[0], SMALL_POLYGON * data_per_point)[1],
                               REDLINE_OUTLINE_WIDTH, hiding=True)
            # A county a site's label in it already names ("Huaning county") is not named again.
            labelled = [*built, *standings]
            said = counties_named(counties, [s.name for s in labelled],
                                  np.array([(s.x, s.y) for s in labelled], dtype=float).reshape(-1, 2))
            rows = zip(_anchor_points(counties), _names(counties), _ids(counties), said, strict=True)
            for (x, y), name, ident in [(xy, n, i) for xy, n, i, skip in rows if not skip]:
                placer.place(_label(ax, name, (x, y), letters, ident, fontsize=7, color=_rgb(CONTEXT)), (x, y),
                             required=False, steps=(2.0,), centred_first=True)
        statuses = set(sites["status"]) if sites is not None else set()
        shown = [p for p in products if any(p in b.added for b in built)]
        context_label = extra.context_label if counties is not None else None
        flowing = set(map(str, flows["resource"])) if flows is not None else set()

        def entries(font: float, spacing: float) -> tuple[list[object], list[str]]:
            return legend_handles(shown, colours, top_capex, statuses, zones, redline_rows, resources,
                                  flowing, context_label, cell_counts, leaders > 0, font, spacing,
                                  hollow=hollow, filled=filled, unlined=bool(marks.points),
                                  demonstrations=any(b.demonstration for b in built),
                                  redline_word=redline_legend_word(by_name.get("redline"), extra.redline_basis))

        heading = wrap_title(figure, letters.fit(figure.suptitle(title.text(), x=0.02, y=0.975, ha="left", va="top",
                                                                 fontsize=18)))
        extent_text = extra.redline_extent if extra.redline_extent is not None else redline_extent_text(
            layers, title.official_redline_pct, title.official_redline_source, title.redline_given)
        standing_note = (f"; at a diamond, the existing and committed capacity in {title.years[-1]}"
                         if "standing" in statuses and title.years else "")
        furniture = f"Projection {crs}. Site labels: capacity added {_span(title.years)}{standing_note}."
        notes = [textwrap.fill(extent_text, 58), textwrap.fill(furniture, 58) if standing_note else furniture]
        if extra.sources:
            notes.append("Sources:\n" + "\n".join(textwrap.fill(s, 58, subsequent_indent="  ")
                                                  for s in extra.sources))
        margin = lay_out_margin(figure, entries, "\n\n".join(notes), [heading], letters)
        clear_title(figure, heading, margin)
    return figure


def _margin(figure: Figure, entries: Callable[[float, float], tuple[list[object], list[str]]], notes: str,
            style: tuple[float, float, float], lettering: Lettering | None = None) -> tuple[Legend, Annotation]:
    """The legend hanging from the margin's top, set in `style` (see MARGIN_STYLES), and the notes
    anchored NOTES_GAP points under the legend's rendered box, aligned with its rows' left edge.
    The keys are as wide as the largest pie size's circle, so that it stays clear of its label."""
    font, spacing, notes_font = style
    handles, labels = entries(font, spacing)
    widest = max((h.get_markersize() for h in handles if isinstance(h, Line2D)), default=0.0)
    legend = figure.legend(handles, labels, loc="upper left", bbox_to_anchor=(MARGIN_X, MARGIN_TOP),
                           fontsize=font, frameon=False, labelspacing=spacing, borderpad=0.3, handletextpad=1.0,
                           handlelength=max(2.2, widest / font), title=LEGEND_TITLE, title_fontsize=font,
                           alignment="left",
                           handler_map={LeaderMark: LeaderHandler(), UnlinedMark: UnlinedHandler(),
                                        DemoMark: DemoHandler()})
    text = Annotation(notes, (0.0, 0.0), xycoords=legend, xytext=(0.3 * font, -NOTES_GAP), textcoords="offset points",
                      ha="left", va="top", fontsize=notes_font, color=_rgb(INK, 0.9), linespacing=1.3)
    figure.add_artist(text)
    if lettering is not None:
        lettering.fit_all([legend.get_title(), *legend.get_texts(), text])
    return legend, text


def _shortfall(figure: Figure, legend: Legend, notes: Annotation) -> tuple[float, float, Bbox]:
    """How far (pixels) the notes run below the page's bottom edge and the legend or the notes
    past its right edge, PAGE_EDGE points kept free; 0 or less where they fit. Then the legend's
    box as measured (display coordinates), which stays its box until the page or the legend
    changes."""
    renderer = figure.canvas.get_renderer()
    edge = PAGE_EDGE * figure.dpi / 72
    page = figure.bbox
    legend_box = legend.get_window_extent(renderer)
    # The notes hang from the legend's box: measured once, not laid out again through the notes.
    anchor, notes.xycoords = notes.xycoords, legend_box
    try:
        notes_box = notes.get_window_extent(renderer)
    finally:
        notes.xycoords = anchor
    return edge - notes_box.y0, max(legend_box.x1, notes_box.x1) - (page.x1 - edge), legend_box


def grow_page(figure: Figure, inches: float, anchored: Sequence[Text] = ()) -> None:
    """Make the page `inches` taller at the bottom, all that is drawn keeping its place from the
    top: the axes, the legends' anchors at the margin's top and the `anchored` texts (placed in
    figure fractions)."""
    old = figure.get_figheight()
    new = old + inches

    def down(y: float) -> float:
        return 1 - (1 - y) * old / new

    figure.set_figheight(new, forward=False)
    for ax in figure.axes:  # the box as laid out; an equal-aspect map fits into it again, as before
        box = ax.get_position(original=True)
        ax.set_position(Bbox.from_extents(box.x0, down(box.y0), box.x1, down(box.y1)), which="both")
        ax.apply_aspect()
    for legend in figure.legends:
        legend.set_bbox_to_anchor((MARGIN_X, down(MARGIN_TOP)), transform=figure.transFigure)
    for text in anchored:
        x, y = text.get_position()
        text.set_position((x, down(y)))


def _may_fit(figure: Figure, font: float, spacing: float, measured_spacing: float, below: float, past: float,
             rows: int) -> bool:
    """Whether the margin set in `font` with row `spacing` may fit, from the shortfall (`below`,
    `past`: `_shortfall`, pixels) of the same fonts measured with `measured_spacing` and `rows`
    rows (a try `lay_out_margin` may skip where not). A legend's rows and title stand `spacing`
    fonts apart, and the rows at a closer spacing are the same, but for more blank rows round a
    pie size (`_pie_sizes`), which only make it taller: it is at most one such space per row
    shorter, and no narrower. One pixel is kept in hand, far beyond the rounding of the
    measures, so that a try that fits is never skipped."""
    closer = (rows + 1) * max(measured_spacing - spacing, 0.0) * font * figure.dpi / 72
    return past <= 1.0 and below - closer <= 1.0


def lay_out_margin(figure: Figure, entries: Callable[[float, float], tuple[list[object], list[str]]], notes: str,
                   anchored: Sequence[Text] = (), lettering: Lettering | None = None) -> tuple[Legend, Annotation]:
    """The right margin, from measured extents: the legend from its top, the notes under the
    legend's rendered box. Each of MARGIN_STYLES is tried in turn until both fit on the page
    (PAGE_EDGE points clear of its bottom and right edges); when even the last does not, the
    page grows at the bottom by whole PAGE_STEP_IN steps until the notes fit (`grow_page`, which
    keeps the `anchored` texts in place too). `entries(font, spacing)` gives the legend's handles
    and labels for that font (points) and row spacing; `lettering` fits their texts to the fonts.
    Returns the legend and the notes. Where the page keeps its size, the notes are left hanging
    from the legend's box as measured for the fit (their `xycoords`, display coordinates): the
    legend's box wherever nothing moves it, so that neither `clear_title` nor drawing the notes
    lays the legend out again to find it (about 30 ms of CPU each); where the page grows, they
    hang from the legend itself."""
    measured: dict[tuple[float, float], tuple[float, float, float, int]] = {}  # fonts -> spacing, shortfall, rows
    for n, style in enumerate(MARGIN_STYLES):
        font, spacing, notes_font = style
        last = n == len(MARGIN_STYLES) - 1
        if not last and (font, notes_font) in measured and not _may_fit(figure, font, spacing,
                                                                         *measured[font, notes_font]):
            continue
        legend, text = _margin(figure, entries, notes, style, lettering)
        below, past, legend_box = _shortfall(figure, legend, text)
        if (below <= 0 and past <= 0) or last:
            break
        measured[font, notes_font] = (spacing, below, past, len(legend.get_texts()))
        legend.remove()
        text.remove()
    if below > 0:
        step = PAGE_STEP_IN * figure.dpi
        grow_page(figure, PAGE_STEP_IN * math.ceil(below / step), anchored)
    else:
        text.xycoords = legend_box
    return legend, text


#: Clear space (points) kept between the title's last line and the map's frame and legend under it.
TITLE_GAP = 6.0


def wrap_title(figure: Figure, heading: Text) -> Text:
    """Break each line of the title `heading` (left-aligned, in `figure`'s coordinates) where, as
    drawn (measured by the figure's renderer, `UnhintedRenderer`), it would run past the page's
    right edge, PAGE_EDGE points kept free: between words, and a single word wider than that (a
    scenario's name such as `yunnan_2024_strict_redline`) in pieces, as plan.qgs's layout title
    breaks (siting/deliver/mapinfo.py `title_lines`, `title_pieces`). Lines that fit are left
    as they are. Returns `heading`."""
    renderer = figure.canvas.get_renderer()
    right = figure.bbox.x1 - PAGE_EDGE * figure.dpi / 72

    def fits(line: str) -> bool:
        heading.set_text(line)
        return heading.get_window_extent(renderer).x1 <= right

    heading.set_text("\n".join(title_lines(heading.get_text(), fits)))
    return heading


def grow_page_top(figure: Figure, inches: float, anchored: Sequence[Text] = ()) -> None:
    """Make the page `inches` taller at the top: the `anchored` texts (placed in figure
    fractions: the title) keep their place from the top; the axes, the legends and what hangs
    from them keep theirs from the bottom."""
    old = figure.get_figheight()
    new = old + inches
    width = figure.bbox.width
    anchors = [(legend, legend.get_bbox_to_anchor().frozen()) for legend in figure.legends]  # in pixels, as now
    figure.set_figheight(new, forward=False)
    height = figure.bbox.height
    for ax in figure.axes:  # as `grow_page`: the box as laid out, the map fitted into it again
        box = ax.get_position(original=True)
        ax.set_position(Bbox.from_extents(box.x0, box.y0 * old / new, box.x1, box.y1 * old / new), which="both")
        ax.apply_aspect()
    for legend, anchor in anchors:
        legend.set_bbox_to_anchor((anchor.x0 / width, anchor.y0 / height), transform=figure.transFigure)
    for text in anchored:
        x, y = text.get_position()
        text.set_position((x, 1 - (1 - y) * old / new))


def clear_title(figure: Figure, heading: Text, margin: tuple[Legend, Annotation] | None = None) -> None:
    """Make the page taller at the top, in whole PAGE_STEP_IN steps, until the title `heading`
    ends TITLE_GAP points above the map's frame and the legends (`grow_page_top`, which keeps
    the title in place from the top and all else from the bottom); nothing where it does.
    `margin`: the legend and the notes `lay_out_margin` made; where the notes hang from the
    legend's box as measured (a `Bbox`), that is the legend's box here, not laid out again, and
    where the page grows they hang from the legend itself again, as drawn after the move."""
    renderer = figure.canvas.get_renderer()
    known = margin is not None and isinstance(margin[1].xycoords, Bbox)
    tops = [ax.get_window_extent(renderer).y1 for ax in figure.axes]
    tops += [margin[1].xycoords.y1 if known and legend is margin[0] else legend.get_window_extent(renderer).y1
             for legend in figure.legends]
    if not tops:
        return
    short = max(tops) + TITLE_GAP * figure.dpi / 72 - heading.get_window_extent(renderer).y0
    if short > 0:
        step = PAGE_STEP_IN * figure.dpi
        grow_page_top(figure, PAGE_STEP_IN * math.ceil(short / step), [heading])
        if known:
            margin[1].xycoords = margin[0]


def _span(years: Sequence[int]) -> str:
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else f"in {years[0]}" if years else ""


def save_opaque_png(figure: Figure, target: Path | BinaryIO) -> None:
    """Write `figure`, drawn at its own dpi (DPI for map.png), as a PNG at a path or into a binary
    file: the pixels `savefig` gives, as red, green and blue only where the page is opaque (the
    figure's white face under every layer: alpha 255 everywhere), else with their alpha channel
    as `savefig` writes them. A quarter fewer bytes go through zlib: measured on the shipped and
    the small test scenario's maps, at PNG_COMPRESS_LEVEL, 10-20 % less encoding time than RGBA
    and 9-11 % fewer bytes. The file carries the page's dpi (pHYs) and no other chunk, as
    `savefig` with no Software tag wrote it; the same pixels give the same bytes. An opaque page's
    pixels go to Pillow as they lie in the canvas (rows of red, green, blue and alpha, 8 bits
    each), the alpha bytes dropped as Pillow reads them ("RGBX"): the same image as a copy of the
    red, green and blue made first, without that copy (about 15 ms of a 1600 x 1200 map)."""
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())  # (height, width, 4) uint8
    opaque = bool((pixels[..., 3] == 255).all())
    height, width = pixels.shape[:2]
    image = (Image.frombytes("RGB", (width, height), pixels, "raw", "RGBX") if opaque
             else Image.fromarray(np.ascontiguousarray(pixels)))
    image.save(target, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(figure.dpi, figure.dpi))


def render_map(target: Path | BinaryIO, layers: Sequence[OutputLayer], title: MapTitle, products: Sequence[str],
               working_crs: str, context: MapContext | None = None, pie_top_yuan: float | None = None,
               unlined: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """Draw the plan's layers into a PNG (PIXELS in size, taller where the margin needs it: see
    `lay_out_margin`) at a path or into a binary file, the pies on the scale of `pie_top_yuan`
    (yuan of capex at LARGEST_MARKER points^2; None: the plan's own largest, see `map_figure`),
    the product flows without a line (`unlined`) ringed at their hubs (`unlined_marks`).
    Returns the notices of the drawing: the `Lettering` notice where a label had characters no
    installed font draws.
    Python's cyclic garbage collector is kept off while the map is drawn (as the export keeps it
    off: siting/deliver/files.py `collector_paused`), then restored as it was: the drawing makes
    some 100,000 short-lived objects, and a collection that scans all a process holds started
    among them (about 0.2 s of the shipped scenario's map of 1.2-2 s where a comparison draws
    its runs' maps again, siting/deliver/files.py `redraw_map`). What only the collector frees
    (the figure) waits for its first collection after."""
    lettering = Lettering(MAP_FILE)
    with drawn_in_default_style():
        collecting = gc.isenabled()
        gc.disable()
        try:
            figure = map_figure(layers, title, products, working_crs, context, lettering, pie_top_yuan, unlined)
            save_opaque_png(figure, target)
        finally:
            if collecting:
                gc.enable()
    notice = lettering.notice()
    return [notice] if notice is not None else []
