"""Sources that stand at the very same point all show on map.png.

The shipped sources layer places two sources at Wenshan's town seat (104.23, 23.37):
`aluminium_wenshan` (3,430,000 t/yr, the layer's largest) and `manganese_wenshan`. map.png drew
every source as a triangle of one size, so the manganese triangle, drawn after it, hid the
aluminium one entirely: the legend keyed "Aluminium source" while the map showed no aluminium
triangle there. Sources at one point are now drawn nested (mapplot.py `source_sizes`): the
first drawn the largest, each later one smaller on top of it, so a band of every colour shows,
and the marks a moved pie keeps off (`pie_marks`) reach as far as the largest triangle.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import Point

from siting.deliver import mapplot
from siting.deliver.styles import resource_colours

#: A point in UTM 48N (the working CRS of the shipped scenario), metres.
AT = (500_000.0, 2_600_000.0)


def sources_at(points: list[tuple[float, float]], resources: list[str]) -> gpd.GeoDataFrame:
    """Producing sources the plan may use, one per point and resource, in the working CRS."""
    return gpd.GeoDataFrame({"id": [f"s{i}" for i in range(len(points))], "resource": resources,
                             "status": ["producing"] * len(points), "in_model": [True] * len(points)},
                            geometry=[Point(p) for p in points], crs="EPSG:32648")


def pixels_of(sources: gpd.GeoDataFrame, colours: dict[str, tuple[int, int, int]]) -> dict[str, int]:
    """How many pixels of each resource's colour (within 12 per channel) a 2 km square around AT
    shows with `sources` drawn as map.png draws them (100 dpi, 2 x 2 inches)."""
    figure = Figure(figsize=(2, 2), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(AT[0] - 1000, AT[0] + 1000)
    ax.set_ylim(AT[1] - 1000, AT[1] + 1000)
    ax.set_axis_off()
    mapplot.draw_sources(ax, sources, colours)
    figure.canvas.draw()
    rgb = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    return {r: int((np.abs(rgb - np.array(c)).max(axis=2) <= 12).sum()) for r, c in colours.items()}


def test_two_sources_at_one_point_both_show():
    """Aluminium first, manganese second at the same point, as in the shipped layer: before the
    fix the aluminium triangle had no pixel left; now both show, each with a visible band."""
    colours = resource_colours(["aluminium", "manganese"])
    shown = pixels_of(sources_at([AT, AT], ["aluminium", "manganese"]), colours)
    alone = pixels_of(sources_at([AT], ["manganese"]), colours)["manganese"]
    assert shown["aluminium"] >= alone // 2, shown
    assert shown["manganese"] >= alone // 2, shown


def test_sources_apart_keep_their_one_size():
    """Sources at different points are drawn at SOURCE_SIZE, as before."""
    sizes = mapplot.source_sizes(mapplot._anchor_points(sources_at([AT, (AT[0] + 500, AT[1])], ["copper"] * 2)),
                                 np.array([False, False]))
    assert sizes.tolist() == [mapplot.SOURCE_SIZE] * 2


def test_nested_sources_are_kept_off_by_a_moved_pie_as_far_as_drawn():
    """The first source drawn at a shared point is the largest, and `pie_marks` gives its reach."""
    sources = sources_at([AT, AT, AT], ["aluminium", "manganese", "copper"])
    sizes = mapplot.source_sizes(mapplot._anchor_points(sources), np.array([False] * 3))
    assert sizes[0] > sizes[1] > sizes[2] == mapplot.SOURCE_SIZE
    reaches = [r for _x, _y, r in mapplot.pie_marks(None, sources, [])]
    assert reaches[0] == mapplot.mark_reach("^", float(sizes[0]), mapplot.SOURCE_EDGE + 2 * mapplot.SOURCE_RIM)
    assert reaches[0] > reaches[1] > reaches[2]
