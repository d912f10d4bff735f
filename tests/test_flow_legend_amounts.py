"""The product flows' QGIS legend says what moves on a leg without a line (a leg of zero
length, such as the gateway's at the hub it stands at), as report.html's map does; and the map's
popups give amounts as the tables do (`amount_text`: "2.5", "261,933", not "2.50", "261,933.20").

The flows are those of tests/test_webmap_flows.py: LFP's widest line is the sale of 80,000 t/yr;
PLAN_FLOWS (tests/test_map_titles_gap.py) adds the gateway's import of 120,000 t/yr of LFP into
hub n ("North hub") in 2024 on a leg of 0 km, which the layer draws no line for.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import shapely
from test_map_titles_gap import PLAN_FLOWS
from test_webmap_flows import PRODUCTS, UNITS, flows_layer, places

from siting.deliver.files import layer_styles
from siting.deliver.layer import make_layer
from siting.deliver.styles import size_note
from siting.deliver.webmap import product_flow_features, quantity


def _labels(qml: str) -> list[str]:
    return [str(r.get("label")) for r in ET.fromstring(qml.split("\n", 1)[1]).iter("rule")]


def test_the_qgis_legend_gives_the_most_a_leg_without_a_line_carries():
    """LFP: widest drawn 80,000 t/yr, up to 120,000 t/yr at the gateway standing at North hub
    (both years' rules carry the label). Cells and FePO4, every flow drawn, keep "widest"."""
    layers = [*places(), flows_layer()]
    labels = _labels(layer_styles(layers, [], None, PRODUCTS, UNITS, PLAN_FLOWS)["product_flows"])
    lfp = [label for label in labels if label.startswith("LFP")]
    assert lfp and set(lfp) == {
        "LFP (widest drawn 80,000 t/yr, up to 120,000 t/yr on a leg without a line: the gateway at North hub)"}
    assert {label for label in labels if label.startswith("Cells")} == {"Cells (widest 5 GWh/yr)"}
    # Without the plan's flows, or where the leg without a line carries less than the widest line: as before.
    assert set(_labels(layer_styles(layers, [], None, PRODUCTS, UNITS)["product_flows"])) >= {
        "LFP (widest 80,000 t/yr)"}
    smaller = PLAN_FLOWS.assign(units=PLAN_FLOWS["units"].where(PLAN_FLOWS["km"] > 0, 50_000.0))
    assert "LFP (widest 80,000 t/yr)" in _labels(
        layer_styles(layers, [], None, PRODUCTS, UNITS, smaller)["product_flows"])


def test_the_size_note_says_the_widest_line():
    frame = gpd.GeoDataFrame({"id": ["a"], "kind": ["site_to_hub"], "from": ["s"], "to": ["n"], "product": ["cells"],
                              "unit": ["GWh/yr"], "year": [2024], "units": [3.5], "km": [10.0]},
                             geometry=[shapely.LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    layer = make_layer("product_flows", "Product flows", frame, list(frame.columns.drop("geometry")), None,
                       "LineString")
    assert size_note(layer) == ("final year 2024 shown; width ∝ amount per year (3 mm = 3.5 GWh/yr); the lines of one "
                                "leg side by side")


def test_popup_amounts_read_as_the_tables_do():
    """2.5 -> "2.5"; 261,933.2 -> "261,933"; 36.05 -> "36.05"; 0.1450708 -> "0.1451"."""
    assert [quantity(v) for v in (2.5, 261_933.2, 36.05, 0.1450708, 80_000.0)] == [
        "2.5", "261,933", "36.05", "0.1451", "80,000"]
    legs = pd.DataFrame({"id": ["a"], "kind": ["site_to_hub"], "from": ["s"], "to": ["n"], "product": ["cells"],
                         "unit": ["GWh/yr"], "year": [2024], "units": [2.5], "km": [12.25]})
    frame = gpd.GeoDataFrame(legs, geometry=[shapely.LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    layer = make_layer("product_flows", "Product flows", frame, list(legs.columns), None, "LineString")
    (feature,) = product_flow_features(layer, ["cells"], {"cells": "GWh"})[2024]
    assert "<tr><th>moved</th><td>2.5 GWh/yr</td></tr>" in feature["properties"]["popup"]
    assert feature["properties"]["tooltip"].startswith("Cells 2024: 2.5 GWh/yr")
