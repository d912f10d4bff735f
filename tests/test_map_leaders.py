"""map.png keeps what a label points at in view, and its labels' halos whole
(siting/deliver/mapplot.py `clear_of_marks`' `uncovered`, `standing_marks`, `STANDING_ZORDER`,
`HALO`):
1. no pie covers a standing site's diamond, on its own site or moved: the shipped plan's
   alternative alt02 had Qujing Cuifeng's diamond under Qujing ETDZ's pie, and Cuifeng's label's
   leader ending inside that pie, so that the label read as the pie's; the diamond is also drawn
   above the pies;
2. every label's leader ends outside every pie but its own;
3. a site's label keeps off the red line's small lakes and parks (the polygons it would hide) as
   off another label, where it would cover more than HIDDEN_SHARE of one;
4. a line under a label shows no piece of itself in the spaces between its words, in any row of
   its letters: the halos of neighbouring letters meet.

All geometry in display units (pixels) of the figure.
"""

from __future__ import annotations

import itertools
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapinfo import MapContext, MapTitle
from siting.deliver.mapplot import (
    HIDDEN_SHARE,
    PIE_GAP,
    STATUS_MARKS,
    LabelPlacer,
    _label,
    clear_of_marks,
    map_figure,
    mark_reach,
    quiet_canvas,
    standing_marks,
)
from siting.deliver.styles import INK

CRS = "EPSG:32648"
TITLE = MapTitle("t", "optimal", 0.0, 0.0, [2023, 2024])
CONTEXT = MapContext(units={"lfp": "t", "cells": "GWh"}, values={"lfp": 1.0, "cells": 1.0})


def sites_layer(standing_at: tuple[float, float]) -> OutputLayer:
    """ "Big park" built (cells and LFP, the largest pie) at (102.0, 25.0); "Old works" standing
    (existing LFP 110,000 t/yr) at `standing_at`; two eligible sites far off that set the map's
    extent (some 100 km across: a pie's radius is some 2 km)."""
    frame = gpd.GeoDataFrame(
        {
            "id": ["big", "old", "far1", "far2"],
            "name": ["Big park", "Old works", "Far one", "Far two"],
            "cluster": ["n"] * 4,
            "status": ["built", "standing", "eligible_unused", "eligible_unused"],
            "capex_yuan": [5.0e9, 0.0, 0.0, 0.0],
            "added_lfp_2024": [100000.0, 0.0, 0.0, 0.0],
            "added_cells_2024": [40.0, 0.0, 0.0, 0.0],
            "existing_lfp": [0.0, 110000.0, 0.0, 0.0],
            "committed_lfp_2024": [0.0, 0.0, 0.0, 0.0],
        },
        geometry=[
            shapely.Point(102.0, 25.0),
            shapely.Point(*standing_at),
            shapely.Point(101.55, 24.55),
            shapely.Point(102.45, 25.45),
        ],
        crs="EPSG:4326",
    )
    return make_layer("sites", "Sites", frame, list(frame.columns.drop("geometry")))


def pies(figure: Figure) -> list[tuple[float, float, float]]:
    """Each pie's outline as drawn (zorder 9 to 9.5): centre x, y and radius, in pixels."""
    ax = figure.axes[0]
    found = []
    for patch in ax.patches:
        if isinstance(patch, Circle) and 9 <= patch.get_zorder() < 9.5:
            x, y = ax.transData.transform(patch.center)
            edge = ax.transData.transform((patch.center[0] + patch.get_radius(), patch.center[1]))[0]
            found.append((float(x), float(y), float(edge - x)))
    return found


def diamonds(figure: Figure) -> tuple[np.ndarray, float]:
    """The standing sites' diamonds as drawn: their centres (pixels) and the zorder they are drawn at."""
    ax = figure.axes[0]
    _marker, colour, _size, _label = STATUS_MARKS["standing"]
    (drawn,) = [
        c
        for c in ax.collections
        if isinstance(c, PathCollection) and tuple(c.get_facecolor()[0]) == pytest.approx(tuple(colour))
    ]
    return ax.transData.transform(drawn.get_offsets()), float(drawn.get_zorder())


def leaders(figure: Figure) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each label's leader (an annotation drawn as a line): its end at the symbol and the point
    it is tied to (the symbol's centre), in pixels."""
    ax = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    found = []
    for text in ax.texts:
        if isinstance(text, Annotation) and text.arrow_patch is not None and text.get_text() == "":
            text.update_positions(renderer)
            path = text.arrow_patch.get_path().vertices
            found.append((path[-1], ax.transData.transform(text.xy)))
    return found


@pytest.mark.parametrize("standing_at", [(102.0, 25.0135), (102.01, 24.995), (101.992, 25.0)])
def test_no_pie_covers_a_standing_site_s_diamond(standing_at: tuple[float, float]):
    """ "Old works" stands under where Big park's pie would be drawn on its site: the pie is moved
    so that the diamond, edge and all, is PIE_GAP clear of its outline, and the diamond is drawn
    above every pie."""
    figure = map_figure([sites_layer(standing_at)], TITLE, ["lfp", "cells"], CRS, CONTEXT)
    points = figure.canvas.get_renderer().points_to_pixels(1.0)
    ((x, y),), zorder = diamonds(figure)
    marker, _colour, size, _label = STATUS_MARKS["standing"]
    reach = mark_reach(marker, size, 0.6) * points
    (pie,) = pies(figure)
    assert math.hypot(x - pie[0], y - pie[1]) >= pie[2] + reach + PIE_GAP * points - 0.5
    assert zorder > max(p.get_zorder() for p in figure.axes[0].patches if 9 <= p.get_zorder() < 9.5)


@pytest.mark.parametrize("standing_at", [(102.0, 25.0135), (102.01, 24.995), (101.992, 25.0)])
def test_every_leader_ends_outside_every_other_pie(standing_at: tuple[float, float]):
    figure = map_figure([sites_layer(standing_at)], TITLE, ["lfp", "cells"], CRS, CONTEXT)
    drawn = pies(figure)
    for end, tied in leaders(figure):
        for cx, cy, r in drawn:
            if math.hypot(tied[0] - cx, tied[1] - cy) < 1e-6:
                continue  # its own pie
            assert math.hypot(end[0] - cx, end[1] - cy) > r, (end, (cx, cy, r))


def test_clear_of_marks_uncovers_a_mark_under_a_pie_on_its_site():
    """A pie of radius 10 on its site at the origin with a mark of reach 3 at (4, 0) under it: it
    moves straight away from the mark, to the nearest spot clear of it (CLEAR_STEP rings), and
    a pie clear of it, or without such marks, stays bit for bit."""
    sites = np.array([[0.0, 0.0], [100.0, 0.0]])
    radii = np.array([10.0, 5.0])
    shown = np.array([[4.0, 0.0, 3.0]])
    placed = clear_of_marks(sites, radii, sites, np.empty((0, 3)), gap=1.5, uncovered=shown)
    assert placed[1].tolist() == [100.0, 0.0]
    assert placed[0, 1] == pytest.approx(0.0, abs=1e-9)
    assert -10.5 <= placed[0, 0] <= -10.0  # 4 + 10 + 3 + 1.5 = 18.5 from the mark, on a 0.5 ring
    assert math.hypot(placed[0, 0] - 4.0, placed[0, 1]) >= 10.0 + 3.0 + 1.5 - 1e-9
    assert clear_of_marks(sites, radii, sites, np.empty((0, 3)), gap=1.5).tolist() == sites.tolist()


def test_standing_marks_are_the_standing_sites_diamonds():
    frame = sites_layer((102.0, 25.0135)).frame.to_crs(CRS)
    (mark,) = standing_marks(frame)
    point = frame.geometry.iloc[1]
    marker, _colour, size, _label = STATUS_MARKS["standing"]
    assert mark == (pytest.approx(point.x), pytest.approx(point.y), mark_reach(marker, size, 0.6))


# --- 4. halos without gaps ------------------------------------------------------------------------

#: The land's colour, as the page of `drawn` is filled.
LAND_RGBA = (250 / 255, 250 / 255, 245 / 255, 1.0)


def drawn(text: str, line: tuple[str, float] | None = None, at: tuple[float, float] = (20.0, 50.0)) -> np.ndarray:
    """`text` as a 7.5-point site label (`_label`, with its halo) on the land's colour, on a page 300
    by 100 pixels (a data unit a pixel), its left end at x `at`[0], its middle at y `at`[1]; under it
    a line 0.5 points wide in INK (a county's border), vertical ("x", at that x) or horizontal
    ("y", at that y), or none: the red channel, row 0 at the bottom."""
    figure = Figure(figsize=(3.0, 1.0), dpi=100)
    quiet_canvas(figure)
    figure.patch.set_facecolor(LAND_RGBA)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 300)
    ax.set_ylim(0, 100)
    ax.set_axis_off()
    if line is not None:
        kind, where = line
        xs, ys = ([where, where], [0, 100]) if kind == "x" else ([0, 300], [where, where])
        ax.plot(xs, ys, color=tuple(c / 255 for c in INK), linewidth=0.5, zorder=4)
    _label(ax, text, at, fontsize=7.5, va="center", linespacing=1.15)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[::-1, :, 0].astype(int)  # row 0 at the bottom


#: The words of the shipped plan's labels where a border showed between them (its alternative
#: alt02: "Qujing'Cuifeng", "40'GWh", "LFP,110,000"), placed at sub-pixel offsets as on the map.
SPACED = ["Qujing Cuifeng subdistrict", "Cells 40 GWh/yr", "LFP 110,000 t/yr", "Recycling 100,000 t/yr"]


@pytest.mark.parametrize("text", SPACED)
@pytest.mark.parametrize("shift", [0.0, 0.25, 0.5, 0.75])
def test_a_border_shows_nowhere_between_two_words(text: str, shift: float):
    """A vertical border through any column of a space between two words (the columns with no
    ink, between inked ones), in any row from the letters' lowest ink to their highest: no pixel
    of the space darker than a faint trace (red channel above 200 of the land's 250)."""
    ink = drawn(text, at=(20.0 + shift, 50.0 + shift)) < 200
    columns = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    spaces = [(a, b) for a, b in itertools.pairwise(columns) if b - a > 3]
    assert spaces  # spaces between words
    for left, right in spaces:
        for x in range(left + 1, right):
            picture = drawn(text, ("x", x + 0.5), at=(20.0 + shift, 50.0 + shift))
            space = picture[rows[0] : rows[-1] + 1, left + 1 : right]
            assert space.min() > 200, (text, x, int(space.min()))


# --- 3. labels off the red line's small lakes and parks ---------------------------------------


def test_a_site_label_keeps_off_a_small_lake_as_off_a_flow():
    """A symbol at (200, 150) on a page 400 by 300 pixels (a data unit a pixel), everything but a
    band right of it taken (other labels' boxes), and a small lake (a polygon kept off with
    `block_lines(hiding=True)`) over the first 130 pixels of that band: the label goes out along
    the band, with a leader, until its box covers at most HIDDEN_SHARE of the lake, rather than
    stand on it (it did: every place within HIDING_STEPS distances of the first free one hid
    most of the lake)."""
    figure = Figure(figsize=(4.0, 3.0), dpi=100)
    quiet_canvas(figure)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 400)
    ax.set_ylim(0, 300)
    renderer = figure.canvas.get_renderer()
    placer = LabelPlacer(ax, renderer)
    for box in ((0.0, 0.0, 400.0, 120.0), (0.0, 180.0, 400.0, 300.0), (0.0, 0.0, 195.0, 300.0)):
        placer.block(Bbox.from_extents(*box))
    placer.block_circle(200.0, 150.0, 5.0)
    lake = shapely.box(205.0, 135.0, 335.0, 165.0)
    placer.block_lines(np.array([lake], dtype=object), 0.9, hiding=True)
    text = _label(ax, "Site\nLFP 20,000 t/yr", (200.0, 150.0), fontsize=7.5, linespacing=1.15)
    assert placer.place(text, (200.0, 150.0), 5.0)
    box = text.get_window_extent(renderer)
    assert lake.intersection(shapely.box(box.x0, box.y0, box.x1, box.y1)).area <= HIDDEN_SHARE * lake.area, box
