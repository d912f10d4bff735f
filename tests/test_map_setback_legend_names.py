"""map.png's legend names the products a setback zone keeps out in words ("FePO4, Li2CO3"),
whichever way redline_zones' `products` joins their ids: the layers now join them with ", "
(siting/deliver/layer.py `id_list`), and the legend, splitting on "," alone, showed " li2co3"
raw, with a double space, beside "FePO4" in words."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from siting.deliver.mapplot import legend_handles


def zones(products: str) -> gpd.GeoDataFrame:
    """One setback zone keeping out `products` (redline_zones' field as written) up to 5 km."""
    return gpd.GeoDataFrame({"kind": ["setback"], "products": [products], "max_distance_m": [5000.0]},
                            geometry=[box(0, 0, 1, 1)], crs="EPSG:32648")


def setback_label(products: str) -> str:
    _handles, labels = legend_handles([], {}, 1e9, set(), zones(products), [], {}, set(), None)
    (label,) = [text for text in labels if text.startswith("setback")]
    return " ".join(label.split("\n"))


def test_the_setback_entry_names_each_product_in_words():
    assert setback_label("fepo4, li2co3, electrolyte") == "setback up to 5 km for FePO4, Li2CO3, Electrolyte"


def test_ids_joined_the_earlier_way_read_the_same():
    assert setback_label("fepo4,li2co3,electrolyte") == "setback up to 5 km for FePO4, Li2CO3, Electrolyte"
