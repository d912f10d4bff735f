"""What the maps say in words and figures:
- map.png's and plan.qgs's titles give the gap in bn yuan (objective less best bound) on a third
  line, the figure the terminal's objective line gives (siting/deliver/mapinfo.py `MapTitle`);
- map.png's site labels and the QGIS legends give amounts as every table does (`amount_text`):
  40 GWh/yr reads "40", not "40.0"; 3.5 reads "3.5", not "4";
- report.html's interactive map says what the product flows it draws no line for carry: legs of
  zero length, such as the gateway's at a hub standing at it (siting/deliver/webmap.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import shapely
from test_webmap_flows import GATE, HUB, LEGS, PRODUCTS, UNITS, YEARS, flows_layer, map_data, places

from siting.deliver.layer import make_layer
from siting.deliver.mapinfo import MapTitle
from siting.deliver.mapplot import BuiltSite, StandingSite, site_label, standing_label
from siting.deliver.qgisproject import TITLE_FRAME_MM, TITLE_PT
from siting.deliver.styles import amount, product_flows_style
from siting.deliver.webmap import map_html, unlined_flows
from tests.conftest import MadeRun

# --- the gap in bn yuan in the titles ----------------------------------------------------------


def test_the_title_gives_the_gap_in_bn_yuan_on_a_third_line():
    """A gap of 2.01 % of an objective of 10.06 bn yuan is 0.2022 bn yuan: "0.20 bn yuan". No
    gap (a solve without a plan, or without a bound): two lines, as before."""
    title = MapTitle("demo", "optimal within the gap", 0.0201, 10.06e9, [2022, 2023, 2024], tolerance=0.025)
    assert title.text() == (
        "demo: capacity plan 2022-2024\n"
        "optimal within the gap, gap 2.01% (tolerance 2.50%), objective 10.06 bn yuan (discounted)\n"
        "absolute gap 0.21 bn yuan (objective less best bound)")
    assert MapTitle("demo", "stopped at the time limit without a plan", None, None, [2024]).text() == (
        "demo: capacity plan 2024-2024\nstopped at the time limit without a plan, no objective")
    # A negative net objective: the gap is measured against its magnitude.
    assert MapTitle("demo", "optimal within the gap", 0.01, -5e9, [2024]).gap_text() == (
        "absolute gap 0.05 bn yuan (objective less best bound)")


def test_plan_qgs_title_gives_the_terminal_s_absolute_gap_in_three_lines(small_run: MadeRun):
    """The small run: its terminal objective line ends "absolute gap <x> bn yuan"; plan.qgs's
    layout title's third line gives the same figure, set in the three-line frame and type."""
    objective = next(line for line in small_run.stdout.splitlines() if line.startswith("objective "))
    figure = objective.split("absolute gap ")[1]
    layout = ET.parse(small_run.out / "plan.qgs").getroot().find("Layouts/Layout")
    assert layout is not None
    (title,) = [i for i in layout.iter("LayoutItem") if i.get("id") == "title"]
    lines = title.get("labelText", "").split("\n")
    assert len(lines) == 3
    assert lines[2] == f"absolute gap {figure} (objective less best bound)"
    x, y, width, height = TITLE_FRAME_MM[2]
    assert (title.get("position"), title.get("size")) == (f"{x:g},{y:g},mm", f"{width:g},{height:g},mm")
    assert title.find("LabelFont").get("description").split(",")[1] == f"{TITLE_PT[2]:g}"


# --- amounts as the tables give them -----------------------------------------------------------


def test_map_labels_give_amounts_as_the_tables_do():
    units = {"cells": "GWh", "lfp": "t", "separator": "million m2"}
    built = BuiltSite("Park", 0.0, 0.0, 1e9, {"cells": 40.0, "lfp": 1_234_567.0, "separator": 0.1450708})
    assert site_label(built, units, {}) == (
        "Park\nCells 40 GWh/yr\nLFP 1,234,567 t/yr\nSeparator 0.1451 million m2/yr")
    standing = StandingSite("Old park", 0.0, 0.0, {"cells": 3.5})
    assert standing_label(standing, units) == "Old park\nexisting and committed:\nCells 3.5 GWh/yr"


def test_qgis_legends_give_amounts_as_the_tables_do():
    """Cells' widest flow of 3.5 GWh/yr is "3.5 GWh/yr" in the product flows' legend, not "4"."""
    assert amount(3.5, "GWh/yr") == "3.5 GWh/yr"
    assert amount(40.0, "GWh/yr") == "40 GWh/yr"
    assert amount(800_000.4, "t/yr") == "800,000 t/yr"
    assert amount(2.5e9, "yuan") == "2.50 bn yuan"
    frame = gpd.GeoDataFrame({"id": ["a"], "kind": ["site_to_hub"], "from": ["s"], "to": ["n"], "product": ["cells"],
                              "unit": ["GWh/yr"], "year": [2024], "units": [3.5], "km": [10.0]},
                             geometry=[shapely.LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    layer = make_layer("product_flows", "Product flows", frame, list(frame.columns.drop("geometry")), None,
                       "LineString")
    labels = [r.get("label") for r in ET.fromstring(product_flows_style(layer, ["cells"], {"cells": "GWh"}).split(
        "\n", 1)[1]).iter("rule")]
    assert labels == ["2024 (final year)", "Cells (widest 3.5 GWh/yr)"]


# --- product flows without a line on the interactive map ---------------------------------------

#: The plan's product flows: every leg tests/test_webmap_flows.py draws, and the gateway's import
#: of 120,000 t/yr of LFP into hub n in 2024 on a leg of 0 km (the layer draws no line for it):
#: more than LFP's widest line, the sale of 80,000 t/yr.
PLAN_FLOWS = pd.DataFrame(
    [(k, a, b, p, y, q, km) for k, a, b, p, _u, y, q, km, _s, _e in LEGS]
    + [("gateway_to_hub", "gateway", "n", "lfp", 2024, 120000.0, 0.0)],
    columns=["kind", "from", "to", "product", "year", "units", "km"])


def test_the_flows_without_a_line_are_those_the_layer_does_not_draw():
    assert unlined_flows(flows_layer(), PLAN_FLOWS) == [
        {"kind": "gateway_to_hub", "from": "gateway", "to": "n", "product": "lfp", "year": 2024, "units": 120000.0,
         "km": 0.0}]
    assert unlined_flows(flows_layer(), None) == []


def test_the_map_marks_a_flow_without_a_line_at_its_hub_and_says_what_it_carries():
    """2024's overlay gets, over its lines, a dashed ring at hub n listing the import; LFP's
    popups call 80,000 t/yr the widest drawn and give the 120,000 t/yr without a line; the
    note over the map names the leg and the amount. Cells' popup, of a product whose every
    flow is drawn, keeps "widest Cells flow"."""
    page_text = map_html([*places(), flows_layer()], PRODUCTS, YEARS, UNITS, product_flows=PLAN_FLOWS)
    overlays = {o["key"]: o for o in map_data(page_text)["overlays"]}
    features = overlays["product-flows-2024"]["data"]["features"]
    assert len(features) == 4 and not [f for f in overlays["product-flows-2023"]["data"]["features"]
                                       if f["geometry"]["type"] == "Point"]
    ring = features[-1]
    assert ring["geometry"] == {"type": "Point", "coordinates": list(HUB)}
    assert ring["properties"]["style"]["className"] == "product-flow-unlined"
    assert ring["properties"]["tooltip"] == "North hub 2024: 1 flow without a line (legs of zero length)"
    assert ring["properties"]["popup"] == (
        '<div class="popup"><b>North hub: flows of 2024 without a line</b><table>'
        "<tr><th>why</th><td>legs of zero length (the two ends stand at one place): drawn as this ring</td></tr>"
        "<tr><th>LFP: Port (gateway) to North hub</th><td>120,000 t/yr (import: gateway to hub)</td></tr>"
        "</table></div>")
    sale = features[0]["properties"]["popup"]
    assert ("<tr><th>widest LFP flow drawn, any year</th><td>80,000 t/yr</td></tr>"
            "<tr><th>LFP on a leg without a line, any year</th><td>up to 120,000 t/yr (a leg of zero length: a "
            "dashed ring at its hub)</td></tr>"
            "<tr><th>full line width</th><td>80,000 t/yr (the widest flow in it, any product)</td></tr>") in sale
    assert ("<tr><th>widest Cells flow, any year</th><td>5 GWh/yr</td></tr>"
            "<tr><th>full line width</th><td>5 GWh/yr (the widest flow in it, any product)</td></tr>") in (
        features[1]["properties"]["popup"])
    assert ("Flows on legs of zero length (a site or the gateway at its hub) have no line: a dashed ring at the hub "
            "marks them in their year&#x27;s layer, and its popup lists them. In 2024: Port (gateway) to North hub, "
            "LFP 120,000 t/yr.</p>") in page_text


def test_without_the_plan_s_flows_the_note_says_the_gateway_s_legs_at_its_hub_have_no_line():
    """The hubs layer places the gateway at hub n: the note says the flows between them have no
    line; with the gateway elsewhere (tests/test_webmap_flows.py's places), it says nothing."""
    sites, hubs = places()
    frame = hubs.frame.copy()
    frame.geometry = [shapely.Point(HUB), shapely.Point(HUB)]
    at_hub = make_layer("hubs", "Hubs", frame, list(frame.columns.drop("geometry")))
    sentence = "The gateway stands at North hub: the imports and sales between them have no line"
    assert sentence in map_html([sites, at_hub, flows_layer()], PRODUCTS, YEARS, UNITS)
    assert hubs.frame.geometry.iloc[1].equals(shapely.Point(GATE))
    assert "The gateway stands at" not in map_html([sites, hubs, flows_layer()], PRODUCTS, YEARS, UNITS)
