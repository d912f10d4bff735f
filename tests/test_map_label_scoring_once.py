"""What each label position tried is scored against is made once, not for each position
(siting/deliver/mapplot.py `LabelPlacer`): the boxes kept off as shapely boxes for the leaders
tried (`_leader_through`), made again only after a `block`, and the share of each hidden polygon's
area a label may cover (`_on_hidden`), measured when the polygons are kept off. The scores are
the same numbers, to the last bit."""

from __future__ import annotations

import numpy as np
import shapely
from matplotlib.transforms import Bbox
from test_export_speed import placer_with_lines

import siting.deliver.mapplot as mapplot


def counting(monkeypatch, name: str) -> list[int]:
    """Count the calls of shapely's function `name` made through `mapplot`'s shapely."""
    calls: list[int] = []
    real = getattr(shapely, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(mapplot.shapely, name, counted)
    return calls


def test_the_boxes_kept_off_are_made_once_for_the_leaders_tried(monkeypatch):
    """Three boxes kept off, three leaders tried: the boxes are made once; a fourth box kept off
    makes them again, and a leader through it counts it. Each length is the one the boxes made
    afresh give: 100 x 20 pixel boxes, a leader along y = 110 through the first two (200 pixels)."""
    _ax, placer = placer_with_lines()
    for x in (100.0, 300.0, 500.0):
        placer.block(Bbox.from_extents(x, 100.0, x + 100.0, 120.0))
    made = counting(monkeypatch, "box")
    leaders = [(50.0, 110.0, 450.0, 110.0), (50.0, 110.0, 250.0, 110.0), (150.0, 0.0, 150.0, 300.0)]
    lengths = [placer._leader_through(leader) for leader in leaders]
    assert len(made) == 1
    assert lengths == [200.0, 100.0, 20.0]
    placer.block(Bbox.from_extents(700.0, 100.0, 800.0, 120.0))
    assert placer._leader_through((50.0, 110.0, 850.0, 110.0)) == 400.0
    assert len(made) == 2


def test_the_hidden_polygons_areas_are_measured_once(monkeypatch):
    """A small park kept off with `block_lines(hiding=True)`: its area is measured there, not for
    each box tried; a box covering all of it shares its whole area, one covering a tenth of it
    none (HIDDEN_SHARE is a quarter); released, it counts no more."""
    ax, placer = placer_with_lines()
    park = shapely.box(100.0, 100.0, 200.0, 200.0)
    key = placer.block_lines(np.array([park], dtype=object), hiding=True)
    (x0, y0), (x1, y1) = ax.transData.transform([(100.0, 100.0), (200.0, 200.0)])
    area = float(shapely.area(shapely.box(x0, y0, x1, y1)))
    measured = counting(monkeypatch, "area")
    whole = placer._on_hidden(Bbox.from_extents(x0 - 5, y0 - 5, x1 + 5, y1 + 5))
    tenth = placer._on_hidden(Bbox.from_extents(x0, y0, x0 + (x1 - x0) / 10, y1))
    assert len(measured) == 2  # the area each box shares; the park's own, not again
    assert whole == area and tenth == 0.0
    placer.release_lines(key)
    assert placer._on_hidden(Bbox.from_extents(x0 - 5, y0 - 5, x1 + 5, y1 + 5)) == 0.0
