"""The red-line buffer is told from the anode's flows by its shape: an outline with ticks.

As readers with deuteranopia see them (Machado et al. 2009, full severity), the buffer's bright
red is 2.0 by CIEDE2000 from the anode's vermillion (tests/test_map_symbol_shapes.py), and no red
for the buffer is far enough from it and from the setbacks and the red line's fills alike. Before,
the buffer was a dashed red outline in map.png and plan.qgs, as an import or sale of anode is a
dashed vermillion line, and a solid red outline over a flat red tint on the web map, as an anode
flow there is a solid vermillion line. Now it is an outline with short ticks across it, at even
spacing, which no flow line has, in map.png and its legend and in the QGIS style (a hashed line),
and on the web map, which cannot draw ticks, a dotted outline without a fill (flows there are
solid, or dashed 6 4). plan.qgs's legend keys it with the ticks inside its patch."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import matplotlib.patheffects as path_effects
from matplotlib.figure import Figure
from shapely.geometry import box

from siting.deliver import mapplot, styles, webmap
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.qgisproject import ProjectLayer, project_document


def zones() -> OutputLayer:
    frame = gpd.GeoDataFrame(
        {"id": ["z0", "z1"], "kind": ["buffer", "setback"], "products": ["", "lfp"], "max_distance_m": [1000.0, 5000.0],
         "distances_m": ["1000", "5000"], "area_km2": [1.0, 2.0]},
        geometry=[box(102, 25, 102.1, 25.1), box(102, 25, 102.2, 25.2)], crs="EPSG:4326")
    return make_layer("redline_zones", "redline_zones", frame, list(frame.columns.drop("geometry")))


def test_qgis_draws_the_buffer_as_a_ticked_outline_without_a_fill():
    root = ET.fromstring(styles.redline_zones_style(zones()).split("\n", 1)[1])
    names = {c.get("value"): c.get("symbol") for c in root.iter("category")}
    (buffer,) = [s for s in root.iter("symbol") if s.get("name") == names["z0"]]
    layers = {lay.get("class"): {o.get("name"): o.get("value") for o in lay.iter("Option") if o.get("name")}
              for lay in buffer.findall("layer")}
    assert layers["SimpleFill"]["style"] == "no"
    ticks = layers["HashLine"]
    # QGIS's hash angle is measured from the square to the line: 0 is a tick across it.
    assert ticks["hash_angle"] == "0" and ticks["rotate"] == "1" and ticks["placement"] == "interval"
    assert float(ticks["hash_length"]) >= 1.0 and float(ticks["interval"]) <= 3.0
    assert ticks["line_color"] == styles.rgba(styles.BUFFER)


def test_map_png_draws_the_buffer_and_its_key_ticked():
    figure = Figure()
    ax = figure.add_subplot()
    mapplot.draw_zones(ax, zones().frame, "EPSG:4326")
    (outline,) = [c for c in ax.collections if list(c.get_edgecolor()[0]) == list(mapplot._rgb(styles.BUFFER))]
    assert [type(e) for e in outline.get_path_effects()] == [path_effects.withTickedStroke]
    assert list(outline.get_facecolor().ravel()) == []
    handles, labels = mapplot.legend_handles([], {}, 0.0, set(), zones().frame, [], {}, set(), None)
    (key,) = [h for h, label in zip(handles, labels, strict=True) if label.startswith("red-line buffer")]
    assert [type(e) for e in key.get_path_effects()] == [path_effects.withTickedStroke]


def test_the_web_map_draws_the_buffer_dotted_without_a_fill():
    buffer, setback = webmap.zone_features(zones())
    style = buffer["properties"]["style"]
    assert style["fill"] is True and style["fillOpacity"] == 0.0  # unfilled to the eye, clickable inside
    assert style["dashArray"] == webmap.BUFFER_DASH
    assert style["dashArray"] not in ("", "6 4")
    assert setback["properties"]["style"]["dashArray"] != webmap.BUFFER_DASH


def test_plan_qgs_keys_the_buffer_with_its_ticks_inside_the_patch():
    """The legend's patch runs the other way round from the zones' rings, so its key has the ticks
    on the other side: inside the patch, not over the legend's text."""
    layer = ProjectLayer("redline_zones_layer", "Red-line exclusion zones", "./plan.gpkg|layername=redline_zones",
                         "Polygon", styles.redline_zones_style(zones()), zones().frame)
    root = ET.fromstring(project_document([layer], "t", "EPSG:32648", (0, 0, 1e5, 1e5), "t", "c").split("\n", 1)[1])
    nodes = [n for n in root.iter("layer-tree-layer") if n.get("id") == "redline_zones_layer"]
    assert len(nodes) == 2
    for node in nodes:
        props = {o.get("name"): o.get("value") for o in node.iter("Option") if o.get("name")}
        (key,) = [v for k, v in props.items() if k.startswith("legend/custom-symbol-")]
        assert [k for k in props if k.startswith("legend/custom-symbol-")] == ["legend/custom-symbol-0"]
        (ticks,) = ET.fromstring(key).findall("layer[@class='HashLine']")
        offset = {o.get("name"): o.get("value") for o in ticks.findall("Option/Option")}["offset"]
        assert float(offset) == styles.BUFFER_TICK_MM[0] / 2
