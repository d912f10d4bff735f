"""robustness.qml names the robustness layer's fields with their units, as every other layer's
style does: its `share_<product>`, `site_share` and `max_product_share` are fractions from 0 to
1 (where `products_in_words` gives percentages), its counts counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
from shapely.geometry import Point

from siting.deliver.explore import robustness_style
from siting.deliver.layer import make_layer


def _layer():
    frame = gpd.GeoDataFrame(
        {"id": ["a"], "name": ["A park"], "cluster": ["kunming"], "role": ["some"], "plans": [3],
         "plans_building": [2], "site_share": [2 / 3], "max_product_share": [2 / 3], "products": ["lfp 67%"],
         "products_in_words": ["LFP 67%"], "capex_yuan": [1.0e9], "share_lfp": [2 / 3]},
        geometry=[Point(102.7, 25.0)], crs="EPSG:4326")
    columns = [c for c in frame.columns if c != "geometry"]
    kinds = {"plans": "integer", "plans_building": "integer", "site_share": "real", "max_product_share": "real",
             "capex_yuan": "real", "share_lfp": "real"}
    return make_layer("robustness", "Robustness", frame, columns, kinds, "Point")


def test_every_share_and_count_is_named_with_its_unit() -> None:
    root = ET.fromstring(robustness_style(_layer()))
    aliases = {a.get("field"): a.get("name") for a in root.iter("alias")}
    assert aliases["share_lfp"] == "LFP: share of the plans that build it here (0-1)"
    assert aliases["site_share"] == "share of the plans that build here (0-1)"
    assert aliases["max_product_share"] == "largest share of the plans that build one product here (0-1)"
    assert aliases["plans"] == "plans compared: the optimum and its alternatives (count)"
    assert aliases["plans_building"] == "plans that build here (count)"
    assert aliases["capex_yuan"] == "the optimum's capex here (yuan)"
    assert aliases["name"] == "site name (whole, as sites.geojson's; join the layers on id)"
    assert "id" not in aliases
