"""The web map fills each red-line category the rule uses in the colour redline.qml gives it (the
same in the QGIS projects and map.png), not in two colours of its own."""

from __future__ import annotations

import geopandas as gpd
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.styles import GREY, hex_colour, redline_colours
from siting.deliver.webmap import redline_features, redline_used_colours

CATEGORIES = ["lake", "lakeside_zone", "nature_reserve", "scenic_area", "wetland_park"]


def layer():
    frame = gpd.GeoDataFrame({
        "id": [f"z{i}" for i in range(len(CATEGORIES))], "category": CATEGORIES,
        "used": [True, True, True, False, True], "area_km2": [1.0] * 5, "buffer_m": [1000.0] * 5,
        "max_distance_m": [5000.0] * 5, "min_distance_m": [1200.0] * 5},
        geometry=[shapely.box(102 + i * 0.1, 25, 102.05 + i * 0.1, 25.05) for i in range(5)], crs="EPSG:4326")
    fields = (("id", "string"), ("category", "string"), ("used", "boolean"), ("area_km2", "real"),
              ("buffer_m", "real"), ("max_distance_m", "real"), ("min_distance_m", "real"))
    return make_layer("redline", "Red line", frame, [f for f, _k in fields], dict(fields), "Polygon")


def test_each_used_category_is_filled_as_the_qgis_style_fills_it():
    redline = layer()
    colours = redline_colours(CATEGORIES)
    fills = [f["properties"]["style"]["fillColor"] for f in redline_features(redline)]
    expected = [hex_colour(colours[c]) if used else hex_colour(GREY)
                for c, used in zip(CATEGORIES, [True, True, True, False, True], strict=True)]
    assert fills == expected
    assert len(set(fills[:3])) == 3  # lake, lakeside zone and reserve apart, as in QGIS
    assert redline_used_colours(redline) == [colours[c] for c in sorted(["lake", "lakeside_zone", "nature_reserve",
                                                                           "wetland_park"])]
