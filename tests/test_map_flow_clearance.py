"""map.png's labels keep off the flow lines, as off the leaders drawn before them, and off the
red line's small polygons and outlines where another place near their symbol is free
(siting/deliver/mapplot.py `LabelPlacer.block_flows`, `LabelPlacer.block_lines`). On the
shipped plan's map the Anning -> Qujing flow ran between the two lines of the Kunming hub's
label; on an alternative's, a flow ran through the "t/yr" of the Qujing Cuifeng label, and the
Zhanyi label covered a small forest park.

The unit maps are 288 x 288 points at 72 DPI with the axes over the whole figure and limits
0-288: a data unit is a pixel is a point. The hand-made plan is tests/test_map_leftovers.py's:
s1 "North park, east area" (built, LFP) at (102.0, 25.0) on the phosphate rock source "rock"."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from test_map_leftovers import CONTEXT, CRS, TITLE, rock_source, sites_on_a_source

from siting.deliver.explore import drawing_style
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapplot import SYMBOL_CLEARANCE, LabelPlacer, flow_widths, map_figure

#: A flow line's width (points).
WIDTH = 3.0


def unit_map() -> tuple[Figure, LabelPlacer]:
    """A 288-point square map whose data units are points and pixels, and its label placer."""
    figure = Figure(figsize=(4, 4), dpi=72)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 288)
    ax.set_ylim(0, 288)
    return figure, LabelPlacer(ax, canvas.get_renderer())


def label_at(placer: LabelPlacer, xy: tuple[float, float], text: str = "Site\nLFP 20,000 t/yr") -> Annotation:
    return placer.ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", fontsize=8, annotation_clip=False)


def box_of(text: Text, renderer: object) -> shapely.Polygon:
    box = text.get_window_extent(renderer)
    return shapely.box(box.x0, box.y0, box.x1, box.y1)


def test_a_label_keeps_off_a_flow_through_its_first_place():
    """A flow from (150, 150) up and to the right runs through the first place a label of a site
    at (140, 140) takes (up and to the right of it). Kept off the flow, the label's letters stand
    at least half the line's width and SYMBOL_CLEARANCE off it, still beside the site (3 points
    off: no leader)."""
    site = (140.0, 140.0)
    flow = shapely.LineString([(150.0, 150.0), (280.0, 280.0)])
    with drawing_style():
        _figure, plain = unit_map()
        first = label_at(plain, site)
        assert plain.place(first, site)
        assert box_of(first, plain.renderer).intersects(flow)

        _figure, placer = unit_map()
        placer.block_flows(np.array([flow], dtype=object), [WIDTH])
        label = label_at(placer, site)
        assert placer.place(label, site)
        box = box_of(label, placer.renderer)
    assert not box.intersects(flow)
    assert box.distance(flow) >= WIDTH / 2 + SYMBOL_CLEARANCE - 1e-9
    assert abs(np.hypot(*label.get_position()) - 3.0) < 1e-9


def test_a_flow_is_kept_off_as_a_leader_is_not_softly():
    """Flows on both sides of a site, up and down: a label crossing none of them goes a step
    out (with a leader) rather than across one, as it would rather than across a leader."""
    site = (140.0, 140.0)
    flows = np.array([shapely.LineString([(140.0, 0.0), (140.0, 288.0)]),
                      shapely.LineString([(0.0, 140.0), (288.0, 140.0)])], dtype=object)
    with drawing_style():
        _figure, placer = unit_map()
        placer.block_flows(flows, [WIDTH, WIDTH])
        label = label_at(placer, site)
        assert placer.place(label, site, 4.0)
        box = box_of(label, placer.renderer)
    assert not any(box.intersects(f) for f in flows)


def test_an_optional_label_crossing_flows_everywhere_is_kept_where_it_crosses_least():
    """Flows every 12 points across the whole map, left to right: every place a label of 8-point
    text can take near its anchor comes within reach of one. A label that must be placed would
    stand at its least crowded place; an optional one (a county's name) is not dropped but kept
    off the flows softly: at the nearest distance, where it crosses the least of them."""
    flows = np.array([shapely.LineString([(0.0, y), (288.0, y)]) for y in np.arange(6.0, 288.0, 12.0)],
                     dtype=object)
    with drawing_style():
        _figure, placer = unit_map()
        placer.block_flows(flows, [WIDTH] * len(flows))
        label = label_at(placer, (140.0, 140.0), "County")
        assert placer.place(label, (140.0, 140.0), required=False, steps=(2.0,), centred_first=True)
        box = box_of(label, placer.renderer)
    reach = WIDTH / 2 + SYMBOL_CLEARANCE
    crossed = [f for f in flows if box.distance(f) < reach]
    assert len(crossed) == 1


def test_flow_widths_are_the_drawn_ones():
    """The widths `block_flows` is given are those `draw_flows` draws: 0.6 points plus 3.4 in
    proportion to the peak yearly tonnage."""
    frame = gpd.GeoDataFrame({"resource": ["copper", "copper"], "tonnes_2023": [10.0, 0.0],
                              "tonnes_2024": [20.0, 5.0]},
                             geometry=[shapely.LineString([(0, 0), (1, 1)])] * 2)
    assert flow_widths(frame) == [4.0, 0.6 + 3.4 * 5.0 / 20.0]


# --- on map.png ----------------------------------------------------------------------------------

def flow_from_s1(through: tuple[float, float]) -> OutputLayer:
    """A phosphate rock flow into s1 from beyond `through` (lon, lat), in a straight line."""
    x, y = through
    end = (102.0 + 2 * (x - 102.0), 25.0 + 2 * (y - 25.0))
    frame = gpd.GeoDataFrame({"id": ["far->s1"], "source": ["far"], "site": ["s1"], "resource": ["phosphate_rock"],
                              "km": [40.0], "tonnes_2023": [0.0], "tonnes_2024": [50000.0]},
                             geometry=[shapely.LineString([(102.0, 25.0), end])], crs="EPSG:4326")
    return make_layer("flows", "Flows", frame, list(frame.columns.drop("geometry")), None, "LineString")


def first_place(figure: Figure) -> tuple[shapely.Polygon, tuple[float, float]]:
    """s1's label's box on `figure` and its centre (lon, lat)."""
    _text, first = s1_label(figure)
    centre = figure.axes[0].transData.inverted().transform([(first.centroid.x, first.centroid.y)])[0]
    lon_lat = gpd.GeoSeries([shapely.Point(centre)], crs=CRS).to_crs("EPSG:4326").iloc[0]
    return first, (lon_lat.x, lon_lat.y)


def park_at(xy: tuple[float, float], size: float) -> OutputLayer:
    """A small forest park, a square of `size` degrees centred on `xy` (lon, lat)."""
    x, y = xy
    frame = gpd.GeoDataFrame({"id": ["park"], "name": ["Small park"], "category": ["forest_park"], "used": [True]},
                             geometry=[shapely.box(x - size / 2, y - size / 2, x + size / 2, y + size / 2)],
                             crs="EPSG:4326")
    return make_layer("redline", "Red line", frame, list(frame.columns.drop("geometry")), None, "Polygon")


def s1_label(figure: Figure) -> tuple[Text, shapely.Polygon]:
    ax = figure.axes[0]
    (text,) = [t for t in ax.texts if t.get_text().startswith("North park")]
    return text, box_of(text, figure.canvas.get_renderer())


def display(figure: Figure, geometry: shapely.Geometry) -> shapely.Geometry:
    """`geometry` (lon, lat) in the map's display coordinates."""
    projected_ = gpd.GeoSeries([geometry], crs="EPSG:4326").to_crs(CRS).iloc[0]
    return shapely.transform(projected_, figure.axes[0].transData.transform)


def test_map_png_keeps_a_site_label_off_a_flow_line():
    """A flow into s1 in a straight line through the middle of the place its label takes without
    it: the label stands off it (the flow as wide as drawn and the label's halo besides)."""
    with drawing_style():
        plain = map_figure([sites_on_a_source(), rock_source()], TITLE, ["lfp"], CRS, CONTEXT)
        _first, through = first_place(plain)
        flow = flow_from_s1(through)
        figure = map_figure([sites_on_a_source(), rock_source(), flow], TITLE, ["lfp"], CRS, CONTEXT)
        _text, box = s1_label(figure)
        line = display(figure, flow.frame.geometry.iloc[0])
        points = figure.canvas.get_renderer().points_to_pixels(1.0)
        width = max(drawn.get_linewidth() for drawn in figure.axes[0].lines)
    assert box.distance(line) >= (width / 2 + SYMBOL_CLEARANCE) * points - 1e-6


def test_map_png_keeps_a_site_label_off_a_small_red_line_polygon():
    """A small forest park (400 m square) in the middle of the place s1's label takes without
    it: the label stands where it covers none of it."""
    with drawing_style():
        plain = map_figure([sites_on_a_source(), rock_source()], TITLE, ["lfp"], CRS, CONTEXT)
        first, (x, y) = first_place(plain)
        square = shapely.box(x - 0.002, y - 0.002, x + 0.002, y + 0.002)
        figure = map_figure([sites_on_a_source(), rock_source(), park_at((x, y), 0.004)], TITLE, ["lfp"], CRS,
                            CONTEXT)
        _text, box = s1_label(figure)
        assert first.intersects(display(plain, square))
        assert not box.intersects(display(figure, square))
