"""map.png draws the red-line buffer's ticks inside the line it ticks: inside each zone's ring on
the map, and inside the legend's patch, as plan.qgs keys it (tests/test_buffer_ticked_outline.py).

The zones' rings are drawn clockwise (`polygon_paths` normalises them) and the legend's patch, a
matplotlib rectangle, counter-clockwise: with one tick angle for both, the legend's ticks stood
outside its patch, a third of the key's red out towards its text."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import box

from siting.deliver import mapplot, styles

#: Pixels of antialiasing allowed round the box the ticks must stay in.
SLACK_PX = 2


def red_outside(figure: Figure, extent: tuple[float, float, float, float]) -> tuple[int, int]:
    """(red pixels in all, those farther than SLACK_PX outside `extent`, x0 x1 y0 y1 in display
    pixels with y up) of the drawn `figure`."""
    figure.canvas.draw()
    image = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    red = (abs(image[:, :, 0] - styles.BUFFER[0]) < 40) & (image[:, :, 1] < 120) & (image[:, :, 2] < 120)
    ys, xs = np.nonzero(red)
    ys = image.shape[0] - 1 - ys  # display pixels count up
    x0, x1, y0, y1 = extent
    inside = (xs >= x0 - SLACK_PX) & (xs <= x1 + SLACK_PX) & (ys >= y0 - SLACK_PX) & (ys <= y1 + SLACK_PX)
    return len(xs), int((~inside).sum())


def test_the_legend_s_buffer_key_has_its_ticks_inside_its_patch():
    figure = Figure(figsize=(2, 1), dpi=200)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    zones = gpd.GeoDataFrame({"kind": ["buffer"], "products": [""], "max_distance_m": [1000.0]},
                             geometry=[box(0, 0, 1, 1)], crs="EPSG:32648")
    handles, labels = mapplot.legend_handles([], {}, 0.0, set(), zones, [], {}, set(), None)
    (key,) = [h for h, label in zip(handles, labels, strict=True) if label.startswith("red-line buffer")]
    legend = ax.legend([key], ["red-line buffer 1 km"], loc="center", frameon=False)
    figure.canvas.draw()
    patch = legend.get_patches()[0].get_window_extent(figure.canvas.get_renderer())
    drawn, outside = red_outside(figure, (patch.x0, patch.x1, patch.y0, patch.y1))
    assert drawn > 0
    assert outside == 0, f"{outside} of the key's {drawn} red pixels stand outside its patch"


def test_the_map_s_buffer_has_its_ticks_inside_its_zone():
    figure = Figure(figsize=(2, 2), dpi=200)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    zone = box(0, 0, 1, 1)
    mapplot.draw_zones(ax, gpd.GeoDataFrame({"kind": ["buffer"]}, geometry=[zone], crs="EPSG:32648"), "EPSG:32648")
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    (x0, y0), (x1, y1) = ax.transData.transform([(0, 0), (1, 1)])
    drawn, outside = red_outside(figure, (x0, x1, y0, y1))
    assert drawn > 0
    assert outside == 0, f"{outside} of the buffer's {drawn} red pixels stand outside its zone"
