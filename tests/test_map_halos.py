"""map.png's labels have a halo in the map's land colour, and a cluster's name keeps clear of the
labels beside it (siting/deliver/mapplot.py `HALO`, `CLUSTER_NAME_GAP`):
1. every label (a site's, a hub's, a cluster's, a lake's, a county's name) is drawn with one
   stroke round its letters, in the colour the clusters' land is filled with, wide enough that
   the halos of two words of a 7.5-point label meet across the space between them;
2. a line under a label (a county's border) shows no piece of itself between two words: on the
   shipped plan's map a border between "product" and "flows" read "product-flows" (the halo, 3
   points wide, left a gap of a pixel or two between the words);
3. a cluster's name stands CLUSTER_NAME_GAP farther off a label beside it on its lines (the
   shipped plan's alternative alt02 had "Kunming" right after Songming's "Anode 80,000 t/yr"), and
   has no leader: it names an area, and a line from it to the area's centre tied it to the label
   standing there (the shipped plan's "Qujing" to Qujing Cuifeng's).
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from test_map_label_room import CRS, TITLE, cluster
from test_map_leftovers import UNLINED, rock_source, sites_on_a_source
from test_webmap_flows import places

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapinfo import MapContext
from siting.deliver.mapplot import (
    CLUSTER_NAME_GAP,
    CLUSTER_OUTLINE_WIDTH,
    LABEL_PAD,
    LabelPlacer,
    _label,
    map_figure,
    quiet_canvas,
)
from siting.deliver.styles import INK

#: The labels the plan below draws, by kind.
LABELS = {"site": "North park\nLFP 20,000 t/yr\nPhosphate rock on site: 50,000 t/yr in 2024",
          "hub": "North hub: 1 product flow\nin 2024 with the gateway at it", "cluster": "North",
          "lake": "Big lake", "county": "Far County"}


def lake() -> OutputLayer:
    """A lake, "Big lake", in the cluster's south-east corner."""
    frame = gpd.GeoDataFrame({"id": ["big"], "name": ["Big lake"], "category": ["lake"], "used": [True]},
                             geometry=[shapely.box(102.25, 24.82, 102.38, 24.9)], crs="EPSG:4326")
    return make_layer("redline", "Red line", frame, list(frame.columns.drop("geometry")), None, "Polygon")


def context() -> MapContext:
    """One county, "Far County", in the cluster's north-west corner, away from the other labels."""
    counties = gpd.GeoDataFrame({"id": ["c1"], "name": ["Far County"]},
                                geometry=[shapely.box(101.82, 25.2, 101.92, 25.28)], crs="EPSG:4326")
    return MapContext(units={"lfp": "t"}, values={"lfp": 1.0}, context=counties, context_label="counties")


def land(figure: Figure) -> tuple[float, float, float, float]:
    """The colour the clusters' land is filled with, as drawn (the lowest layer, zorder 0)."""
    (fill,) = [c for c in figure.axes[0].collections if c.get_zorder() == 0]
    return tuple(float(v) for v in fill.get_facecolor()[0])


def test_every_label_has_a_halo_in_the_land_s_colour():
    figure = map_figure([sites_on_a_source(), rock_source(), places()[1], cluster(), lake()], TITLE, ["lfp"], CRS,
                        context(), unlined=UNLINED)
    labels = {t.get_text(): t for t in figure.axes[0].texts if t.get_text() and t.get_zorder() < 20}
    assert set(LABELS.values()) <= set(labels)
    paper = land(figure)
    assert paper != to_rgba("white")
    for text in labels.values():
        (halo,) = text.get_path_effects()
        assert isinstance(halo, withStroke), text.get_text()
        assert to_rgba(halo._gc["foreground"]) == pytest.approx(paper), text.get_text()
        assert halo._gc["linewidth"] >= 4.0, text.get_text()


def pixels(text: str, line_x: float | None = None, width: float = 0.5) -> np.ndarray:
    """`text` as a 7.5-point label (`_label`, with its halo) on the land's colour, drawn on a page
    300 by 100 pixels (1 data unit a pixel), the text's left end at x 20, with a vertical line
    `width` points wide in INK at `line_x` under it (none where None): the red channel."""
    figure = Figure(figsize=(3.0, 1.0), dpi=100)
    quiet_canvas(figure)
    figure.patch.set_facecolor(LAND_RGBA)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 300)
    ax.set_ylim(0, 100)
    ax.set_axis_off()
    if line_x is not None:
        ax.plot([line_x, line_x], [0, 100], color=tuple(c / 255 for c in INK), linewidth=width, zorder=4)
    _label(ax, text, (20.0, 50.0), fontsize=7.5, va="center")
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[:, :, 0].astype(int)


#: The map's land colour, as map_figure fills the clusters (`land`), for the page of `pixels`.
LAND_RGBA = (250 / 255, 250 / 255, 245 / 255, 1.0)


#: Words of the shipped plan's labels, and the width (points) of a line through the space
#: between them: a county's border (0.5) or a cluster's outline (CLUSTER_OUTLINE_WIDTH). Not
#: "gateway at it" under a cluster's outline: at the foot of the "y", whose tail runs down to
#: the left, the space is wider than the two halos reach, and the outline shows a pixel there.
WORDS = [*((text, 0.5) for text in ("product flows", "gateway at it", "hub: 9 product", "Recycling 50,000",
                                    "Qujing Cuifeng subdistrict")),
         *((text, CLUSTER_OUTLINE_WIDTH) for text in ("product flows", "hub: 9 product", "Recycling 50,000",
                                                      "Qujing Cuifeng subdistrict"))]


@pytest.mark.parametrize(("text", "width"), WORDS)
def test_a_line_between_two_words_stops_at_their_halos(text: str, width: float):
    """A line `width` points wide through the middle of the widest space between two words of a
    label (the columns with no ink): in the rows where the letters on both sides of the space
    have ink, no pixel of the space is darker than a faint trace (red channel above 200 of the
    land's 250; the line's own, 40)."""
    ink = pixels(text) < 200
    columns = np.flatnonzero(ink.any(axis=0))
    left, right = max(itertools.pairwise(columns), key=lambda pair: pair[1] - pair[0])
    assert right - left > 3  # a space between words
    rows = np.flatnonzero(ink[:, left - 2 : left + 1].any(axis=1) & ink[:, right : right + 3].any(axis=1))
    drawn = pixels(text, (left + right + 1) / 2, width)
    space = drawn[rows[0] : rows[-1] + 1, left + 1 : right]
    assert space.min() > 200, (text, int(space.min()))


def test_a_cluster_s_name_keeps_clear_of_a_label_beside_it_on_its_line():
    """A label's box ends just left of a cluster's centre, on its line: the cluster's name, placed
    as map_figure places it, stands CLUSTER_NAME_GAP more than the two boxes' pads off it, with no
    leader."""
    figure = Figure(figsize=(4.0, 3.0), dpi=100)
    quiet_canvas(figure)
    ax = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, 400)
    ax.set_ylim(0, 300)
    renderer = figure.canvas.get_renderer()
    points = renderer.points_to_pixels(1.0)
    placer = LabelPlacer(ax, renderer)
    beside = Bbox.from_extents(60.0, 140.0, 198.0, 160.0)
    placer.block(beside.padded(LABEL_PAD))
    name = _label(ax, "Kunming", (200.0, 150.0), fontsize=14, fontweight="bold")
    assert placer.place(name, (200.0, 150.0), centred_first=True, leader=False, gap=CLUSTER_NAME_GAP)
    box = name.get_window_extent(renderer)
    apart = max(box.x0 - beside.x1, beside.x0 - box.x1)
    rows_shared = min(box.y1, beside.y1) > max(box.y0, beside.y0)
    assert not rows_shared or apart >= 2 * LABEL_PAD + CLUSTER_NAME_GAP * points - 1e-9
    assert [t for t in ax.texts if t is not name] == []  # no leader


def test_map_figure_places_a_cluster_s_name_with_the_gap_and_no_leader(monkeypatch: pytest.MonkeyPatch):
    calls: list[tuple[str, dict[str, object]]] = []
    place = LabelPlacer.place

    def spy(self: LabelPlacer, text: Text, *args: object, **kwargs: object) -> bool:
        calls.append((text.get_text(), dict(kwargs)))
        return place(self, text, *args, **kwargs)

    monkeypatch.setattr(LabelPlacer, "place", spy)
    map_figure([sites_on_a_source(), rock_source(), cluster()], TITLE, ["lfp"], CRS, context())
    (kwargs,) = [k for text, k in calls if text == LABELS["cluster"]]
    assert kwargs.get("leader") is False
    assert kwargs.get("gap") == CLUSTER_NAME_GAP > 0
