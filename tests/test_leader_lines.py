"""A label's leader ends on its own box and runs through no label's letters
(siting/deliver/mapplot.py `LabelPlacer.place`), measured in display coordinates on the boxes and
leaders as drawn.

A leader runs from its symbol's edge to the label's anchor: the corner or side of the box that
faces the symbol, never through the box's letters. Before, the placer of map.png let a leader run
through a label placed earlier (the Qujing cluster name's through Qujing Cuifeng's label on the
alt01 map of the shipped scenario with `--alternatives 2`, 14 pixels of it) and a label placed
later lie across a leader drawn earlier (Zhanyi District's across Qujing Cuifeng's leader on the
alt02 map, 10 pixels)."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from siting.deliver.mapplot import _ALONG, _DIRECTIONS, LabelBoxes, LabelPlacer

#: A label as robustness.png words one (three lines, the longest first).
TEXT = "Anning industrial park,\nCaopu area (100%)\nalways: FePO4"
#: The distances (points beyond the symbol) the labels here try: the second draws a leader.
STEPS = (3.0, 40.0)


def canvas() -> tuple[Figure, Any, Any]:
    """A figure whose axes span 0-100 in data units both ways, and its renderer."""
    figure = Figure(figsize=(8, 8), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    figure.canvas.draw()
    return figure, ax, figure.canvas.get_renderer()


def label(ax: Any, text: str, xy: tuple[float, float]) -> Annotation:
    return ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", fontsize=8, annotation_clip=False)


def drawn_leaders(ax: Any) -> list[tuple[tuple[float, float], shapely.LineString]]:
    """The leaders drawn (annotations with an arrow and no text): their symbol's point and the
    line as drawn (display coordinates)."""
    ax.figure.canvas.draw()
    return [(tuple(a.xy), shapely.LineString(a.arrow_patch.get_path().vertices)) for a in ax.texts
            if isinstance(a, Annotation) and a.arrow_patch is not None and not a.get_text()]


def box(bbox: Bbox) -> shapely.Polygon:
    return shapely.box(bbox.x0, bbox.y0, bbox.x1, bbox.y1)


def keep_near_places_off(placer: LabelPlacer, text: Annotation, centre: tuple[float, float]) -> None:
    """Make every place at the first step not free, with a 2-pixel box in each, at the corner
    of the place's box farthest from the symbol's centre (so that no leader to a place at the
    next step runs through one)."""
    boxes = LabelBoxes(text, placer.renderer)
    reach = STEPS[0]
    for dx, dy, ha, va in _DIRECTIONS:
        scale = 2 ** -0.5 if dx and dy else 1.0
        at = boxes.at((dx * reach * scale, dy * reach * scale), ha, va)
        x, y = max(((x, y) for x in (at.x0, at.x1) for y in (at.y0, at.y1)),
                   key=lambda p: (p[0] - centre[0]) ** 2 + (p[1] - centre[1]) ** 2)
        x = min(max(x, at.x0 + 1.0), at.x1 - 1.0)
        y = min(max(y, at.y0 + 1.0), at.y1 - 1.0)
        placer.block(Bbox.from_extents(x - 1.0, y - 1.0, x + 1.0, y + 1.0))


@pytest.mark.parametrize("direction", _DIRECTIONS + _ALONG)
def test_a_leader_ends_on_its_own_box_and_never_crosses_it(direction: tuple[int, int, str, str]):
    """At every place a label may take with a leader, the leader as `place` measures it touches
    the label's box and runs through none of it (its interior); here for a three-line label
    above, beside and below its symbol, the places where the leader runs along the box's side."""
    _figure, ax, renderer = canvas()
    placer = LabelPlacer(ax, renderer, along=True)
    text = label(ax, TEXT, (50.0, 50.0))
    cx, cy = ax.transData.transform((50.0, 50.0))
    dx, dy, ha, va = direction
    reach = 6.0 + STEPS[1]
    scale = 2 ** -0.5 if dx and dy else 1.0
    offset = (dx * reach * scale, dy * reach * scale)
    at = LabelBoxes(text, renderer).at(offset, ha, va)
    leader = shapely.LineString(list(zip(*[iter(placer._leader(cx, cy, *offset, 6.0))] * 2, strict=True)))
    assert shapely.intersection(leader, box(at)).length == pytest.approx(0.0, abs=1e-9)
    assert leader.distance(box(at)) == pytest.approx(0.0, abs=1e-9)


def test_a_placed_leader_stops_at_its_own_box_as_drawn():
    """A label pushed off its symbol to the second step (its near places taken) gets a leader
    that, as drawn, ends on the label's box as drawn and runs through none of its letters."""
    _figure, ax, renderer = canvas()
    placer = LabelPlacer(ax, renderer)
    text = label(ax, TEXT, (50.0, 50.0))
    centre = tuple(ax.transData.transform((50.0, 50.0)))
    keep_near_places_off(placer, text, centre)
    assert placer.place(text, (50.0, 50.0), 4.0, steps=STEPS)
    (xy, leader), = drawn_leaders(ax)
    assert xy == (50.0, 50.0)
    drawn = box(text.get_window_extent(renderer))
    assert shapely.intersection(leader, drawn).length < 0.01
    assert leader.distance(drawn) < 0.01


def test_a_leader_runs_through_no_label_placed_before():
    """A label whose first place with a leader would run that leader through an earlier label's
    box (the Qujing cluster name's through Qujing Cuifeng's label) takes another."""
    _figure, ax, renderer = canvas()
    placer = LabelPlacer(ax, renderer)
    text = label(ax, TEXT, (50.0, 50.0))
    cx, cy = ax.transData.transform((50.0, 50.0))
    keep_near_places_off(placer, text, (cx, cy))
    assert placer.place(text, (50.0, 50.0), 4.0, steps=STEPS)
    (_xy, first), = drawn_leaders(ax)
    # Again, with an earlier label's box across the middle of the leader drawn first.
    _figure, ax, renderer = canvas()
    placer = LabelPlacer(ax, renderer)
    text = label(ax, TEXT, (50.0, 50.0))
    keep_near_places_off(placer, text, (cx, cy))
    mx, my = first.interpolate(0.5, normalized=True).coords[0]
    earlier = Bbox.from_extents(mx - 6.0, my - 6.0, mx + 6.0, my + 6.0)
    placer.block(earlier)
    assert placer.place(text, (50.0, 50.0), 4.0, steps=STEPS)
    (_xy, leader), = drawn_leaders(ax)
    assert not leader.intersects(box(earlier))
    assert not box(text.get_window_extent(renderer)).intersects(box(earlier))


def test_a_label_keeps_off_a_leader_drawn_before():
    """A label whose first free place lies across a leader drawn before (Zhanyi District's
    across Qujing Cuifeng's) takes another, off that leader."""
    _figure, ax, renderer = canvas()
    placer = LabelPlacer(ax, renderer)
    text = label(ax, TEXT, (50.0, 50.0))
    cx, cy = ax.transData.transform((50.0, 50.0))
    keep_near_places_off(placer, text, (cx, cy))
    assert placer.place(text, (50.0, 50.0), 4.0, steps=STEPS)
    (_xy, leader), = drawn_leaders(ax)
    (x0, y0), (x1, y1) = leader.coords[0], leader.coords[-1]
    # A short label just left of the leader's middle: its first place (up and right) lies across it.
    mx, my = ax.transData.inverted().transform(((x0 + x1) / 2 - 12.0, (y0 + y1) / 2 - 6.0))
    later = label(ax, "Zhanyi District", (float(mx), float(my)))
    first = LabelBoxes(later, renderer).at((3.0 * 2 ** -0.5, 3.0 * 2 ** -0.5), "left", "bottom")
    assert leader.intersects(box(first))  # the case: the first place is across the leader
    assert placer.place(later, (float(mx), float(my)), 0.0)
    assert not leader.intersects(box(later.get_window_extent(renderer)))
