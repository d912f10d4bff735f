"""report.html's map hatches the setbacks, as map.png and plan.qgs do, rather than dashing them.

As readers with tritanopia see them (Machado et al. 2009, full severity: tests/test_report_shortfall.py),
the setbacks' dark red is 5.3 by CIEDE2000 from the cells' crimson, and the web map drew a setback
as a dashed outline (6 4) over a flat tint, as it draws an import or sale of cells: a dashed crimson
line. Now a setback is a solid dark red outline filled with one diagonal hatch (an SVG pattern the
page defines once, `SETBACK_PATTERN_ID`), which no flow line has, as map.png and the QGIS style draw it."""

from __future__ import annotations

import re

import geopandas as gpd
from shapely.geometry import box
from test_product_colours_cvd import ciede2000
from test_report_shortfall import lab

from siting.deliver import styles, webmap
from siting.deliver.layer import OutputLayer, make_layer


def zones() -> OutputLayer:
    frame = gpd.GeoDataFrame(
        {"id": ["z0", "z1"], "kind": ["buffer", "setback"], "products": ["", "lfp"], "max_distance_m": [1000.0, 5000.0],
         "distances_m": ["1000", "5000"], "area_km2": [1.0, 2.0]},
        geometry=[box(102, 25, 102.1, 25.1), box(102, 25, 102.2, 25.2)], crs="EPSG:4326")
    return make_layer("redline_zones", "redline_zones", frame, list(frame.columns.drop("geometry")))


def test_the_colours_are_close():
    cells = styles.PALETTE[9]
    assert round(ciede2000(lab(styles.SETBACK, "tritanopia"), lab(cells, "tritanopia")), 1) == 5.3


def test_a_setback_is_hatched_and_not_dashed_on_the_web_map():
    _buffer, setback = webmap.zone_features(zones())
    style = setback["properties"]["style"]
    assert style["color"] == styles.hex_colour(styles.SETBACK)
    assert style["dashArray"] == ""
    assert style["fillColor"] == f"url(#{webmap.SETBACK_PATTERN_ID})"


def test_the_page_defines_the_hatch_once_in_the_setbacks_red():
    page = webmap.map_html([zones()], ["lfp"], [2024], {"lfp": "t"})
    patterns = re.findall(r'<pattern id="([^"]+)"[^>]*>(.*?)</pattern>', page, re.S)
    assert [p[0] for p in patterns] == [webmap.SETBACK_PATTERN_ID]
    assert f'stroke="{styles.hex_colour(styles.SETBACK)}"' in patterns[0][1]
