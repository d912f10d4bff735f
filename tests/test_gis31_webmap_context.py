"""The web map's layer control names the context outlines as plan.qgs does: capitalised."""

from __future__ import annotations

import geopandas as gpd
import shapely


def test_the_web_map_names_the_context_layer_capitalised_as_its_other_entries():
    """Given map.png's legend name "counties (context)" (siting/deliver/layers.py `context_title`),
    the layer control lists "Counties (context)", as its other entries ("Clusters") and as
    plan.qgs's layer panel name the layer."""
    from siting.deliver.webmap import map_data

    context = gpd.GeoDataFrame({"id": ["k"], "name": ["Kunming"]},
                               geometry=[shapely.box(102.5, 24.8, 103.0, 25.2)], crs="EPSG:4326")
    data = map_data([], [], [2024], {}, context, "counties (context)")
    (label,) = [o["label"] for o in data["overlays"] if o["key"] == "context"]
    assert label.endswith("</span>Counties (context)")
