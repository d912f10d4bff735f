"""A pie map.png moves aside lands clear of the marks drawn over it, and the labels keep off the pies:
1. a pie moved off its site by a larger neighbour (siting/deliver/mapplot.py `spread_pies`) is
   then moved, where it would stand on a source's triangle, a dashed ring or another site's mark,
   to the nearest spot round its site clear of those marks and of every other pie
   (`clear_of_marks`, `displaced_centres`). The shipped plan's "Anning industrial park, Qilin
   area" (2.75 bn yuan capex, 8 km from the Caopu area's pie of the largest capex) was pushed
   straight away from Caopu onto the copper and phosphate sources' triangles, which are drawn
   above the pies: three quarters of its pie were covered;
2. a label's leader crosses no pie but its own (`LabelPlacer`): Qilin's label stood left of
   Caopu's pie, its leader running 23 pixels across that pie to the moved pie beyond it.

The hand-made plan: in EPSG:32648 metres, "Big park" (40 bn yuan capex) at (500,000, 2,700,000)
and "Small park" (2.75 bn yuan) 8 km east, in a cluster 400 km square, so that the map draws
592 m a point: pies of radius sqrt(1400) / 2 = 18.71 and sqrt(1400 * 2.75 / 40) / 2 = 4.90
points, which would cover each other (8 km is 13.5 points, less than 18.71 + 4.90 + 1.5). Small
park's pie, pushed east along the line from Big park, stood centred on (514,429, 2,700,000); a
copper source stands just there and a phosphate rock source 1 km south of it.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from siting.deliver.explore import drawing_style
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapinfo import MapContext, MapTitle
from siting.deliver.mapplot import PIE_EDGE, PIE_GAP, SOURCE_ZORDER, LabelPlacer, map_figure

CRS = "EPSG:32648"
TITLE = MapTitle("t", "optimal", 0.0, 0.0, [2024])
CONTEXT = MapContext(units={"lfp": "t"}, values={"lfp": 1.0})
#: Where Small park's pie stood after it was pushed aside (EPSG:32648).
LANDED = (514_429.0, 2_700_000.0)


def layers() -> list[OutputLayer]:
    sites = gpd.GeoDataFrame(
        {"id": ["big", "small"], "name": ["Big park", "Small park"], "cluster": ["k", "k"],
         "status": ["built", "built"], "capex_yuan": [40.0e9, 2.75e9], "added_lfp_2024": [400000.0, 20000.0]},
        geometry=[shapely.Point(500_000.0, 2_700_000.0), shapely.Point(508_000.0, 2_700_000.0)], crs=CRS)
    sources = gpd.GeoDataFrame(
        {"id": ["cu", "rock"], "name": ["Copper mine", "Rock pit"], "resource": ["copper", "phosphate_rock"],
         "status": ["producing", "producing"], "supply_t_per_yr": [1000.0, 1000.0], "in_model": [True, True]},
        geometry=[shapely.Point(*LANDED), shapely.Point(LANDED[0], LANDED[1] - 1000.0)], crs=CRS)
    clusters = gpd.GeoDataFrame({"id": ["k"], "name": ["Kay"]},
                                geometry=[shapely.box(300_000.0, 2_500_000.0, 700_000.0, 2_900_000.0)], crs=CRS)
    return [make_layer("sites", "Sites", sites, list(sites.columns.drop("geometry"))),
            make_layer("sources", "Sources", sources, list(sources.columns.drop("geometry"))),
            make_layer("clusters", "Clusters", clusters, ["id", "name"])]


def drawn_pies(figure: Figure) -> list[shapely.Polygon]:
    """Each pie as drawn (display coordinates): the disc to the outer edge of its ink outline."""
    ax = figure.axes[0]
    points = figure.canvas.get_renderer().points_to_pixels(1.0)
    found = []
    for patch in ax.patches:
        if isinstance(patch, Circle) and 9 <= patch.get_zorder() < 9.5:
            x, y = ax.transData.transform(patch.center)
            edge = ax.transData.transform((patch.center[0] + patch.get_radius(), patch.center[1]))[0]
            found.append(shapely.Point(x, y).buffer(edge - x + patch.get_linewidth() / 2 * points, 256))
    return found


def drawn_sources(figure: Figure) -> list[shapely.Polygon]:
    """Each source's triangle as drawn (display coordinates), grown by its white rim: the
    marker's outline at its size, grown by half the widest stroke drawn round it."""
    ax = figure.axes[0]
    points = figure.canvas.get_renderer().points_to_pixels(1.0)
    found = []
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and collection.get_zorder() == SOURCE_ZORDER:
            outline = collection.get_paths()[0].vertices
            strokes = [effect._gc["linewidth"] for effect in collection.get_path_effects()]
            grow = max([*strokes, *collection.get_linewidths()]) / 2 * points
            for k, (x, y) in enumerate(collection.get_offset_transform().transform(collection.get_offsets())):
                matrix = collection.get_transforms()[k % len(collection.get_transforms())][:2, :2]
                triangle = shapely.Polygon(outline @ matrix.T).buffer(0)
                found.append(shapely.affinity.translate(triangle, x, y).buffer(grow))
    return found


def test_a_pie_moved_aside_keeps_off_the_sources_and_its_label_off_the_pies():
    figure = map_figure(layers(), TITLE, ["lfp"], CRS, CONTEXT)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    big, small = sorted(drawn_pies(figure), key=lambda disc: -disc.area)
    sources = drawn_sources(figure)
    assert len(sources) == 2
    # Small park's pie is still off its site (a leader runs to it), PIE_GAP clear of Big park's
    # pie (their radii; each outline takes half its width of that), and clear of both triangles.
    site = ax.transData.transform((508_000.0, 2_700_000.0))
    assert not small.contains(shapely.Point(site))
    assert big.distance(small) >= (PIE_GAP - PIE_EDGE) * renderer.points_to_pixels(1.0) - 0.01
    for triangle in sources:
        assert not small.intersects(triangle)
    # No label's box comes onto a pie, and no leader crosses a pie but its own.
    boxes = [t for t in ax.texts if isinstance(t, Annotation) and t.get_text() and t.get_zorder() == 12]
    assert {t.get_text().split("\n")[0] for t in boxes} >= {"Big park", "Small park"}
    for text in boxes:
        extent = text.get_window_extent(renderer)
        box = shapely.box(extent.x0, extent.y0, extent.x1, extent.y1)
        assert not any(box.intersects(disc) for disc in (big, small)), text.get_text()
    leaders = [t for t in ax.texts if isinstance(t, Annotation) and not t.get_text() and t.arrow_patch is not None]
    for leader in leaders:
        line = shapely.LineString(leader.arrow_patch.get_path().vertices[[0, -1]])
        anchor = shapely.Point(ax.transData.transform(leader.xy))
        for disc in (big, small):
            if not disc.contains(anchor):
                assert not line.intersects(disc), leader.xy


def test_clear_of_marks_takes_the_nearest_clear_spot_round_the_site():
    """In points: a large pie of radius 10 at the origin, a small one of radius 2 whose site is
    (8, 0), pushed to (13.5, 0) (10 + 2 + 1.5 from the large one), and a mark of radius 3 at
    (14, 0): the small pie must stand 2 + 3 + 1.5 = 6.5 from the mark and 13.5 from the large
    pie's centre. The search goes round the site in rings (`CLEAR_STEP` apart) and, on each,
    from the direction it was pushed in both ways: the first spot clear of both is its place,
    nearer to its site than any other clear spot up to one ring's width. The large pie, on its
    site, keeps its centre bit for bit; a pie that was not moved is not moved for a mark."""
    from siting.deliver.mapplot import CLEAR_STEP, clear_of_marks

    sites = np.array([[0.0, 0.0], [8.0, 0.0]])
    spread = np.array([[0.0, 0.0], [13.5, 0.0]])
    marks = np.array([[14.0, 0.0, 3.0]])
    placed = clear_of_marks(spread, np.array([10.0, 2.0]), sites, marks, gap=1.5)
    assert placed[0].tolist() == [0.0, 0.0]
    x, y = placed[1]
    assert math.hypot(x - 14.0, y) >= 6.5 - 1e-9
    assert math.hypot(x, y) >= 13.5 - 1e-9
    # The nearest clear spot: on a circle 13.5 from the origin and 6.5 from (14, 0), which meet
    # where x = (13.5^2 - 6.5^2 + 14^2) / 28 = 12.0 and |y| = sqrt(13.5^2 - 12^2) = 6.185: 7.366
    # from the site (points of either circle nearer the site lie inside the other).
    nearest = math.hypot(12.0 - 8.0, math.sqrt(13.5**2 - 12.0**2))
    assert nearest <= math.hypot(x - 8.0, y) <= nearest + CLEAR_STEP
    # Alone, or with the mark already clear, nothing moves.
    assert clear_of_marks(spread, np.array([10.0, 2.0]), sites, np.array([[40.0, 0.0, 3.0]])).tolist() == \
        spread.tolist()
    assert clear_of_marks(sites[:1], np.array([10.0]), sites[:1], marks).tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("marks", [np.zeros((0, 3)), np.array([[14.0, 0.0, 3.0]])])
def test_clear_of_marks_is_deterministic(marks: np.ndarray):
    from siting.deliver.mapplot import clear_of_marks

    sites = np.array([[0.0, 0.0], [8.0, 0.0]])
    spread = np.array([[0.0, 0.0], [13.5, 0.0]])
    first = clear_of_marks(spread, np.array([10.0, 2.0]), sites, marks)
    assert np.array_equal(first, clear_of_marks(spread, np.array([10.0, 2.0]), sites, marks))


def test_a_label_s_leader_runs_across_no_pie_but_its_own():
    """On a 400-point square map whose data units are points and pixels: a pie of radius 5 at
    (200, 200), its label's, and one of radius 12 at (175, 200), left of it; all but a band
    20 points tall across the map (y 190 to 210) is taken, and of that band x 203 to 260 at y 201 to
    210 (above the leader's line y = 200, which may run through no taken box). The
    label finds no place 3 or 18 points off its pie (the big pie or the taken boxes are there);
    36 points off, straight left, its box is clear, right of x = 159, but its leader, along
    y = 200 to the pie's edge at x = 195, would run 24 points across the big pie. It takes the
    next place whose box and leader are clear: 60 points off, straight right (its anchor at
    x = 265), its leader over nothing but its own pie's edge."""
    figure = Figure(figsize=(400 / 72, 400 / 72), dpi=72)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 400)
    ax.set_ylim(0, 400)
    with drawing_style():
        placer = LabelPlacer(ax, canvas.get_renderer())
        placer.block_circle(200.0, 200.0, 5.0)
        placer.block_circle(175.0, 200.0, 12.0)
        for box in ((0.0, 210.0, 400.0, 400.0), (0.0, 0.0, 400.0, 190.0), (203.0, 201.0, 260.0, 210.0)):
            placer.block(Bbox.from_extents(*box))
        label = ax.annotate("Small park", (200.0, 200.0), xytext=(0, 0), textcoords="offset points", fontsize=7.5,
                            annotation_clip=False)
        assert placer.place(label, (200.0, 200.0), 5.0)
        figure.canvas.draw()
    assert label.get_position() == (pytest.approx(65.0), 0.0)
    assert (label.get_horizontalalignment(), label.get_verticalalignment()) == ("left", "center")
    (leader,) = [t for t in ax.texts if not t.get_text()]
    line = shapely.LineString(leader.arrow_patch.get_path().vertices[[0, -1]])
    assert not line.intersects(shapely.Point(175.0, 200.0).buffer(12.0, 256))
