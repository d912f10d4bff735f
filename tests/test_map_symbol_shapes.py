"""Where no colour keeps two map elements apart for every reader, their shape does.

A grid search over hues found none for an eligible site that stands at least 10 (CIEDE2000) from
the separator's yellow and from every other colour it meets (as drawn, at its opacities over
white: tests/test_map_colours_cvd.py), nor one for the red-line buffer
against the anode's vermillion: as readers with deuteranopia see them (Machado et al. 2009, full
severity: tests/test_report_shortfall.py) the eligible amber is 3.1 from the separator yellow
(amber dots sat on yellow flow lines near Malong) and the buffer's red 2.0 from the vermillion.
So an eligible site is a dot ringed in a thick ink outline, which no flow line has, in map.png,
the QGIS style and report.html's map alike (before: a 0.2 mm outline in QGIS, 0.6 pt in map.png,
1 px on the web map)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
from matplotlib.lines import Line2D
from shapely.geometry import Point
from test_map_colours_cvd import drawn
from test_product_colours_cvd import ciede2000
from test_report_shortfall import lab

from siting.deliver import mapplot, styles, webmap
from siting.deliver.layer import OutputLayer, make_layer

#: The least width of an eligible site's ink ring: in QGIS (mm), map.png (points) and the web map (px).
RING_MM, RING_PT, RING_PX = 0.5, 1.4, 2.5


def layer(name: str, frame: gpd.GeoDataFrame) -> OutputLayer:
    return make_layer(name, name, frame, list(frame.columns.drop("geometry")))


def sites() -> OutputLayer:
    return layer("sites", gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["A", "B"], "status": ["built", "eligible_unused"], "capex_yuan": [1e9, 0.0],
         "cluster": ["k", "k"]},
        geometry=[Point(102, 25), Point(102.1, 25)], crs="EPSG:4326"))


def category_layers(qml: str, value: str) -> list[dict[str, str]]:
    """The symbol layers' options of the category `value` of a categorised QML style."""
    root = ET.fromstring(qml.split("\n", 1)[1] if qml.startswith("<!DOCTYPE") else qml)
    renderer = root.find("renderer-v2")
    assert renderer is not None
    names = {c.get("value"): c.get("symbol") for c in renderer.iter("category")}
    found = [s for s in renderer.iter("symbol") if s.get("name") == names[value]]
    return [{o.get("name"): o.get("value") for o in lay.iter("Option") if o.get("name")}
            for lay in found[0].iter("layer")]


def test_the_close_colours_are_still_close():
    """The colours are as the docstring says, so the shapes below are needed."""
    separator, anode = styles.PALETTE[6], styles.PALETTE[5]
    elements = drawn()

    def closest(element: str, product: tuple[int, int, int]) -> float:
        return round(min(ciede2000(lab(c, "deuteranopia"), lab(product, "deuteranopia")) for c in elements[element]), 1)

    assert closest("eligible", separator) == 3.1
    assert closest("buffer", anode) == 2.0


def test_an_eligible_site_is_ringed_in_thick_ink_in_the_qgis_style():
    for options in (category_layers(styles.sites_style(sites()), "eligible_unused")[0],
                    {o.get("name"): o.get("value") for o in styles.eligible_marker().iter("Option")}):
        assert options["outline_color"] == styles.rgba(styles.INK)
        assert float(options["outline_width"]) >= RING_MM
        assert options["outline_width_unit"] == "MM"


def test_an_eligible_site_is_ringed_in_thick_ink_on_map_png_and_its_legend():
    marker, _colour, _size, _label = mapplot.STATUS_MARKS["eligible_unused"]
    assert marker == "o"
    assert mapplot.status_stroke("eligible_unused") >= RING_PT
    handles, labels = mapplot.legend_handles([], {}, 0.0, {"eligible_unused"}, None, [], {}, set(), None)
    (key,) = [h for h, label in zip(handles, labels, strict=True) if label == "eligible site, not used"]
    assert isinstance(key, Line2D)
    assert key.get_markeredgewidth() == mapplot.status_stroke("eligible_unused")
    assert key.get_markeredgecolor() == mapplot._rgb(styles.INK)


def test_an_eligible_site_is_ringed_in_thick_ink_on_the_web_map():
    (feature,) = webmap.site_features(sites(), [], [], {})["eligible_unused"]
    style = feature["properties"]["style"]
    assert style["color"] == styles.hex_colour(styles.INK)
    assert style["weight"] >= RING_PX
    # The layer panel's swatch is ringed as the marker is.
    ring = f'border:{style["weight"]:g}px solid {styles.hex_colour(styles.INK)}'
    assert ring in webmap.sites_label("eligible_unused", 1)
