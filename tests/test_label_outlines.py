"""Labels keep off the clusters' outlines where they can (siting/deliver/mapplot.py
`LabelPlacer.block_lines`): on the shipped plan's map.png every site and hub label stood across
a cluster's outline, and a reader could not tell which cluster the site was in. Softly: a label
that finds no place off the lines near its symbol is still placed, beside it.

The maps here are 288 x 288 points at 72 DPI with the axes over the whole figure and limits
0-288: a data unit is a pixel is a point."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from siting.deliver.explore import drawing_style
from siting.deliver.mapplot import SYMBOL_CLEARANCE, LabelPlacer

#: The outline's width (points) as map.png draws the clusters'.
WIDTH = 1.4
#: How far (points) a label's letters keep off a line of WIDTH: half the line and SYMBOL_CLEARANCE.
REACH = WIDTH / 2 + SYMBOL_CLEARANCE


def unit_map() -> tuple[Figure, LabelPlacer]:
    """A 288-point square map whose data units are points and pixels, and its label placer."""
    figure = Figure(figsize=(4, 4), dpi=72)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 288)
    ax.set_ylim(0, 288)
    return figure, LabelPlacer(ax, canvas.get_renderer())


def label_at(placer: LabelPlacer, xy: tuple[float, float], text: str = "Site") -> Annotation:
    """A label of `text` at `xy`, as the maps make them (offset points, unclipped)."""
    return placer.ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", fontsize=8, annotation_clip=False)


def letters(placer: LabelPlacer, label: Annotation) -> shapely.Polygon:
    """The label's box as drawn (display coordinates, here data coordinates too)."""
    box = label.get_window_extent(placer.renderer)
    return shapely.box(box.x0, box.y0, box.x1, box.y1)


def test_a_label_takes_a_place_off_the_outline_beside_its_site():
    """A square cluster (100, 100)-(200, 200) and a site at (192, 150), 8 points inside its right
    edge. The first place tried, up and to the right (the label's lower left corner
    3 / sqrt(2) = 2.1 points up and right of the site), runs across the edge at x = 200: "Site" at
    8 points is some 16 points wide. Kept off the outline, the label stands where its letters
    are at least REACH (2.7 points) off the edge, still beside the site (3 points off it, no
    leader): up and to the left, inside the square."""
    square = shapely.box(100.0, 100.0, 200.0, 200.0)
    site = (192.0, 150.0)
    with drawing_style():
        _figure, plain = unit_map()
        first = label_at(plain, site)
        assert plain.place(first, site)
        assert letters(plain, first).intersects(square.exterior)

        _figure, placer = unit_map()
        placer.block_lines(np.array([square]), WIDTH)
        label = label_at(placer, site)
        assert placer.place(label, site)
        box = letters(placer, label)
    assert not box.intersects(square.exterior)
    assert box.distance(square.exterior) >= REACH - 1e-9
    assert box.within(square)
    assert math.hypot(*label.get_position()) == pytest.approx(3.0)
    assert (label.get_horizontalalignment(), label.get_verticalalignment()) == ("right", "bottom")


def test_a_label_crossing_every_line_near_it_is_still_placed_beside_its_site():
    """Lines every 5 points across the whole map, left to right: every place a label of 8-point
    text (some 9 points tall) can take crosses one. The label is still placed, required or not
    (the lines are kept off softly, never as a symbol or a label is), at the nearest distance
    tried (3 points off the site: no leader), where it crosses the least length of line."""
    rows = np.arange(2.5, 288.0, 5.0)
    lines = shapely.linestrings([[(0.0, y), (288.0, y)] for y in rows])
    site = (144.0, 144.0)
    with drawing_style():
        _figure, placer = unit_map()
        placer.block_lines(lines, WIDTH)
        required = label_at(placer, site)
        assert placer.place(required, site)
        assert letters(placer, required).intersects(shapely.multilinestrings(lines))
        assert math.hypot(*required.get_position()) == pytest.approx(3.0)

        _figure, placer = unit_map()
        placer.block_lines(lines, WIDTH)
        optional = label_at(placer, site)
        assert placer.place(optional, site, required=False)
        assert optional.figure is not None
        assert math.hypot(*optional.get_position()) == pytest.approx(3.0)


def test_keeping_off_a_line_never_puts_a_label_on_a_mark():
    """The square and site of the first test, with a box kept off (a mark) over the whole inside
    left of the site (x 100-190): the places inside the square are taken. The label does not go
    onto the mark to keep off the outline: it stands where it overlaps nothing, off the outline
    too where a place one distance farther out allows (outside the square, to the right)."""
    from matplotlib.transforms import Bbox

    square = shapely.box(100.0, 100.0, 200.0, 200.0)
    site = (192.0, 150.0)
    mark = Bbox.from_extents(100.0, 100.0, 190.0, 200.0)
    with drawing_style():
        _figure, placer = unit_map()
        placer.block(mark)
        placer.block_lines(np.array([square]), WIDTH)
        label = label_at(placer, site)
        assert placer.place(label, site)
        box = letters(placer, label)
    assert not box.intersects(shapely.box(*mark.extents))
    assert not box.intersects(square.exterior)
    assert box.bounds[0] > 200.0
