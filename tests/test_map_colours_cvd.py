"""Every reader tells apart the map elements that touch on the map, in map.png, the QGIS styles and
report.html's web map: a site's status (built, standing, eligible), the red-line buffer and the
setbacks against every red-line category's fill and against each other, as drawn (each at the
opacities it is drawn with, over white) and as readers with protanopia, deuteranopia or
tritanopia see them (Machado et al. 2009, full severity: tests/test_report_shortfall.py), at least
10 apart by CIEDE2000 (tests/test_product_colours_cvd.py). Before, the built red was 3.6 from the
nature reserve's green with deuteranopia, a built park's fill 3.6 from the lakeside zone's with
protanopia, and the eligible light blue 2.8 from the lakes' blue for normal vision."""

from __future__ import annotations

import itertools

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from test_product_colours_cvd import ciede2000
from test_report_shortfall import SIMULATION, lab

from siting.deliver import styles, webmap
from siting.deliver.layer import OutputLayer, make_layer

WHITE = (255, 255, 255)


def over(rgb: tuple[int, int, int], alpha: float) -> tuple[int, int, int]:
    """`rgb` at opacity `alpha` (0-1) over white, rounded as a screen shows it."""
    r, g, b = (round(alpha * c + (1 - alpha) * w) for c, w in zip(rgb, WHITE, strict=True))
    return r, g, b


def drawn() -> dict[str, list[tuple[int, int, int]]]:
    """Each element's colours as drawn: its opaque outline or line and each of its fills."""
    fill = styles.REDLINE_FILL_ALPHA / 255
    elements = {
        # outline; QGIS marker; QGIS polygon fill; web marker; QGIS cell; map.png and web cell
        "built": [styles.BUILT, over(styles.BUILT, styles.MARK_ALPHA / 255),
                  over(styles.BUILT, styles.STATUS_FILL_ALPHA / 255), over(styles.BUILT, webmap.SITE_FILL_OPACITY),
                  over(styles.BUILT, styles.CELL_FILL_ALPHA / 255), over(styles.BUILT, styles.CELL_FILL_OPACITY)],
        "standing": [styles.STANDING, over(styles.STANDING, styles.STANDING_ALPHA / 255),
                     over(styles.STANDING, styles.STATUS_FILL_ALPHA / 255),
                     over(styles.STANDING, webmap.SITE_FILL_OPACITY)],
        # map.png's dot; QGIS marker; QGIS polygon fill; web marker
        "eligible": [styles.ELIGIBLE, over(styles.ELIGIBLE, styles.MARK_ALPHA / 255),
                     over(styles.ELIGIBLE, styles.STATUS_FILL_ALPHA / 255),
                     over(styles.ELIGIBLE, webmap.SITE_FILL_OPACITY)],
        "buffer": [styles.BUFFER],
        "setback": [styles.SETBACK, over(styles.SETBACK, styles.SETBACK_HATCH_ALPHA / 255)],
    }
    # map.png and QGIS at REDLINE_FILL_ALPHA, the web map at 0.6
    for category, colour in styles.REDLINE_COLOURS.items():
        elements[category] = [over(colour, fill), over(colour, 0.6)]
    return elements


MARKS = ("built", "standing", "eligible", "buffer", "setback")


@pytest.mark.parametrize("vision", list(SIMULATION))
def test_every_reader_tells_the_map_s_elements_apart(vision: str):
    elements = drawn()
    pairs = [(a, b) for a, b in itertools.combinations(MARKS, 2)]
    pairs += [(mark, category) for mark in MARKS for category in styles.REDLINE_COLOURS]
    closest = min((ciede2000(lab(one, vision), lab(two, vision)), a, b)
                  for a, b in pairs for one in elements[a] for two in elements[b])
    assert closest[0] >= 10, (vision, closest[1], closest[2], round(closest[0], 1))


def layer(name: str, frame: gpd.GeoDataFrame) -> OutputLayer:
    return make_layer(name, name, frame, list(frame.columns.drop("geometry")))


def test_the_web_map_draws_them_as_the_qgis_styles_do():
    """The web map's site markers and zones and the QGIS buffer use the colours and opacities the test
    above measures."""
    sites = layer("sites", gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "name": ["A", "B", "C"], "status": ["built", "standing", "eligible_unused"],
         "capex_yuan": [1e9, 0.0, 0.0], "cluster": ["k"] * 3},
        geometry=[Point(102, 25), Point(102.1, 25), Point(102.2, 25)], crs="EPSG:4326"))
    features = webmap.site_features(sites, [], [], {})
    fills = {s: (f[0]["properties"]["style"]["fillColor"], f[0]["properties"]["style"]["fillOpacity"])
             for s, f in features.items()}
    assert fills == {"built": (styles.hex_colour(styles.BUILT), webmap.SITE_FILL_OPACITY),
                     "standing": (styles.hex_colour(styles.STANDING), webmap.SITE_FILL_OPACITY),
                     "eligible_unused": (styles.hex_colour(styles.ELIGIBLE), webmap.SITE_FILL_OPACITY)}
    zones = layer("redline_zones", gpd.GeoDataFrame(
        {"id": ["z0", "z1"], "kind": ["buffer", "setback"], "products": ["", "lfp"], "max_distance_m": [1000.0, 5000.0],
         "distances_m": ["1000", "5000"], "area_km2": [1.0, 2.0]},
        geometry=[box(102, 25, 102.1, 25.1), box(102, 25, 102.2, 25.2)], crs="EPSG:4326"))
    colours = [f["properties"]["style"]["color"] for f in webmap.zone_features(zones)]
    assert colours == [styles.hex_colour(styles.BUFFER), styles.hex_colour(styles.SETBACK)]
    qml = styles.redline_zones_style(zones)
    assert f'value="{styles.rgba(styles.BUFFER)}"' in qml
