"""The web map's layer control keys the red-line zones as the map draws them: the buffer dotted
and unfilled, the setbacks hatched (tests/test_buffer_ticked_outline.py,
tests/test_webmap_setback_hatch.py). Its swatch was still a solid box of the buffer's bright red,
the one symbol of the buffer the change to shapes had left, which readers with deuteranopia see
nearly as the anode's vermillion flows."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from siting.deliver import styles, webmap
from siting.deliver.layer import make_layer


def test_the_layer_control_keys_the_zones_dotted_and_hatched_not_as_a_solid_red_box():
    frame = gpd.GeoDataFrame(
        {"id": ["z0", "z1"], "kind": ["buffer", "setback"], "products": ["", "lfp"],
         "max_distance_m": [1000.0, 5000.0], "distances_m": ["1000", "5000"], "area_km2": [1.0, 2.0]},
        geometry=[box(102, 25, 102.1, 25.1), box(102, 25, 102.2, 25.2)], crs="EPSG:4326")
    zones = make_layer("redline_zones", "redline_zones", frame, list(frame.columns.drop("geometry")))
    data = webmap.map_data([zones], [], [2024], {})
    (label,) = [overlay["label"] for overlay in data["overlays"] if overlay["key"] == "zones"]
    buffer = webmap._hex(styles.BUFFER)
    assert f"background:{buffer}" not in label  # no solid box of the buffer's red
    assert f"dotted {buffer}" in label
    assert "repeating-linear-gradient" in label  # the setbacks' hatch
    assert label.endswith("Red-line buffer and setbacks")
