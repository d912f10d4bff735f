"""Product flows that share a leg stand side by side, on one width scale per unit.

The shipped plan (yunnan_2024, seed 0) moves eight product flows in 2024 on the leg between the
Kunming hub (102.71, 25.04) and the Yuxi hub (102.54, 24.35): FePO4 130,494, Li2CO3 32,760,
electrolyte 29,400 and copper foil 14,700 t/yr from Kunming to Yuxi; LFP 85,050, NCM precursor
105,000 and anode 171,500 t/yr (the leg's largest) from Yuxi to Kunming; and 24.5 GWh/yr of
cells sold from the Yuxi hub through the gateway, which stands at the Kunming hub. Its widest
flow in t/yr is FePO4's 843,080 t/yr from Anning (Caopu, 102.37, 24.98) to the Kunming hub.
Before, every line lay on the leg's centre line, each product on its own scale (NCM precursor's
105,000 t/yr at 90 % of its own widest, 2.7 mm, drawn over the anode's 171,500 t/yr).

Now (siting/deliver/styles.py `flow_lanes`) a line is 0.3 + 2.7 x amount / the widest of its unit
mm wide: anode 0.3 + 2.7 x 171,500 / 843,080 = 0.849 mm; FePO4 0.718; NCM precursor 0.636;
LFP 0.572; Li2CO3 0.405; electrolyte 0.394; copper foil 0.347; cells 3.0 (24.5 is cells' widest).
The eight lines take 0.347 + 0.394 + 0.718 + 0.405 + 0.849 + 0.572 + 0.636 + 3.0 = 6.921 mm
and 7 gaps of 0.2 mm: 8.321 mm, from -4.1605 to 4.1605 mm across the leg. The leg runs from
its smaller end, Yuxi (102.54 < 102.71), to Kunming; from its left: the flows the other way
(Kunming to Yuxi) in catalog order, FePO4, Li2CO3, electrolyte, copper foil, then those this
way, LFP, NCM precursor, anode, cells. Centres (mm, right of Yuxi to Kunming): FePO4 -4.1605 +
0.359 = -3.8015; Li2CO3 -3.8015 + 0.359 + 0.2 + 0.2025 = -3.040; electrolyte -2.4405; copper
foil -1.870; LFP -1.2105; NCM precursor -0.4065; anode 0.5365; cells 2.6605. A line's offset
is to the right of its own direction: Kunming-to-Yuxi lines change sign.
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from test_webmap import browser  # noqa: F401 (fixture)

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.styles import product_colours, product_flows_style, size_note
from siting.deliver.webmap import _hex, head_html, map_html, product_flow_features
from tests.conftest import MadeRun

PRODUCTS = ["fepo4", "li2co3", "lfp", "ncm_precursor", "ncm", "anode", "separator", "electrolyte", "copper_foil",
            "cells", "recycling"]
UNITS = {p: "GWh" if p == "cells" else "million m2" if p == "separator" else "t" for p in PRODUCTS}
KUNMING, YUXI, CAOPU = (102.71, 25.04), (102.54, 24.35), (102.37, 24.98)
#: kind, from, to, product, amount per year, start, end (2024).
LEGS = [("hub_to_hub", "kunming", "yuxi", "copper_foil", 14700.0, KUNMING, YUXI),
        ("hub_to_hub", "kunming", "yuxi", "electrolyte", 29400.0, KUNMING, YUXI),
        ("hub_to_hub", "kunming", "yuxi", "fepo4", 130494.0, KUNMING, YUXI),
        ("hub_to_hub", "kunming", "yuxi", "li2co3", 32760.0, KUNMING, YUXI),
        ("hub_to_hub", "yuxi", "kunming", "anode", 171500.0, YUXI, KUNMING),
        ("hub_to_hub", "yuxi", "kunming", "lfp", 85050.0, YUXI, KUNMING),
        ("hub_to_hub", "yuxi", "kunming", "ncm_precursor", 105000.0, YUXI, KUNMING),
        ("hub_to_gateway", "yuxi", "gateway", "cells", 24.5, YUXI, KUNMING),
        ("site_to_hub", "anning_caopu", "kunming", "fepo4", 843080.0, CAOPU, KUNMING)]
#: mm, right of each line's own direction (module docstring).
OFFSETS = {"fepo4": 3.801, "li2co3": 3.04, "electrolyte": 2.44, "copper_foil": 1.87, "lfp": -1.21,
           "ncm_precursor": -0.406, "anode": 0.536, "cells": 2.66}
WIDTHS = {"fepo4": 0.718, "li2co3": 0.405, "electrolyte": 0.394, "copper_foil": 0.347, "lfp": 0.572,
          "ncm_precursor": 0.636, "anode": 0.849, "cells": 3.0}


def flows_layer() -> OutputLayer:
    columns = ["id", "kind", "from", "to", "product", "unit", "year", "units", "km"]
    rows = [dict(zip(columns, (f"{k}:{a}->{b}:{p}:2024", k, a, b, p, f"{UNITS[p]}/yr", 2024, q, 80.0), strict=True))
            for k, a, b, p, q, _start, _end in LEGS]
    frame = gpd.GeoDataFrame(rows, geometry=[shapely.LineString([leg[5], leg[6]]) for leg in LEGS], crs="EPSG:4326")
    return make_layer("product_flows", "Product flows", frame, columns, None, "LineString")


def on_leg(features: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The styles of the features on the Kunming-Yuxi leg, by product."""
    return {f["properties"]["tooltip"].split(" 2024")[0]: f["properties"]["style"] for f in features
            if "Caopu" not in f["properties"]["tooltip"] and "anning_caopu" not in f["properties"]["tooltip"]}


def test_the_lines_of_one_leg_stand_side_by_side_none_over_another():
    from siting.deliver.styles import flow_lanes

    frame = flows_layer().frame
    widths, offsets = flow_lanes(frame, PRODUCTS)
    leg = {p: (w, o, a == "kunming") for p, a, w, o in zip(frame["product"], frame["from"], widths, offsets,
                                                          strict=True) if a != "anning_caopu"}
    assert {p: w for p, (w, _o, _back) in leg.items()} == WIDTHS
    assert {p: o for p, (_w, o, _back) in leg.items()} == OFFSETS
    assert len(set(OFFSETS.values())) == 8
    # Across the leg (right of Yuxi to Kunming): the other way first, then this way, each in catalog order.
    across = {p: -o if back else o for p, (_w, o, back) in leg.items()}
    assert sorted(across, key=across.__getitem__) == ["fepo4", "li2co3", "electrolyte", "copper_foil", "lfp",
                                                      "ncm_precursor", "anode", "cells"]
    # No line covers another: 0.2 mm at least between any two.
    for (p, a), (q, b) in itertools.combinations(leg.items(), 2):
        apart = abs(across[p] - across[q]) - (a[0] + b[0]) / 2
        assert apart >= 0.2 - 0.002, (p, q, apart)
    # One scale for every product in t/yr: the anode's line, the leg's largest, is its widest in t/yr.
    tonnes = {p: w for p, (w, _o, _b) in leg.items() if p != "cells"}
    assert max(tonnes, key=tonnes.__getitem__) == "anode"
    # A line alone on its leg stays on it.
    assert offsets[-1] == 0.0 and widths[-1] == 3.0


def test_plan_qgs_offsets_each_line_by_its_field_on_one_scale_per_unit():
    layer = flows_layer()
    qml = product_flows_style(layer, PRODUCTS, UNITS)
    root = ET.fromstring(qml.split("\n", 1)[1])
    for sym in root.iter("symbol"):
        props = {o.get("name"): o.find("Option[@name='expression']").get("value")
                 for o in sym.find("layer/data_defined_properties/Option/Option[@name='properties']")}
        assert props["outlineWidth"] == '"width_mm"'
        assert props["offset"] == '"offset_mm"'
    clause = root.find("renderer-v2/orderby/orderByClause")
    assert (clause.text, clause.get("asc")) == ('"width_mm"', "0")
    assert size_note(layer, qml) == ("final year 2024 shown; width ∝ amount per year (3 mm = 843,080 t/yr "
                                     "or 24.5 GWh/yr); the lines of one leg side by side")


def test_report_map_offsets_each_line_as_plan_qgs_does():
    features = product_flow_features(flows_layer(), PRODUCTS, UNITS)[2024]
    styles = on_leg(features)
    assert len(styles) == 8
    labels = {"FePO4": "fepo4", "Li2CO3": "li2co3", "Electrolyte": "electrolyte", "Copper foil": "copper_foil",
              "LFP": "lfp", "NCM precursor": "ncm_precursor", "Anode": "anode", "Cells": "cells"}
    assert {labels[k]: s["offset"] for k, s in styles.items()} == {p: round(2.5 * o, 2) for p, o in OFFSETS.items()}
    assert {labels[k]: s["weight"] for k, s in styles.items()} == {p: round(2.5 * w, 2) for p, w in WIDTHS.items()}
    # Drawn widest first.
    weights = [f["properties"]["style"]["weight"] for f in features]
    assert weights == sorted(weights, reverse=True)


def test_the_small_plan_s_layer_carries_the_lanes_every_map_draws(small_run: MadeRun):
    from siting.deliver.styles import flow_lanes

    frame = gpd.read_file(small_run.out / "product_flows.geojson")
    assert {"width_mm", "offset_mm"} <= set(frame.columns)
    widths, offsets = flow_lanes(frame.drop(columns=["width_mm", "offset_mm"]), PRODUCTS)
    assert frame["width_mm"].tolist() == widths
    assert frame["offset_mm"].tolist() == offsets
    assert 'value="&quot;offset_mm&quot;"' in (small_run.out / "product_flows.qml").read_text(encoding="utf-8")


def test_the_browser_draws_the_lines_of_one_leg_apart(browser: Any, tmp_path: Path):  # noqa: F811
    page_file = tmp_path / "map.html"
    page_file.write_text(f"<!DOCTYPE html><html><head>{head_html()}</head><body>"
                         f"{map_html([flows_layer()], PRODUCTS, [2024], UNITS)}</body></html>", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.goto(page_file.as_uri())
        page.get_by_label("Product flows 2024 (final year)").check()
        paths = page.eval_on_selector_all(
            "#plan-map path.product-flow", "els => els.map(e => [e.getAttribute('stroke'), e.getAttribute('d')])")
    finally:
        page.close()
    colours = {_hex(c): p for p, c in product_colours(PRODUCTS).items()}
    ends: dict[str, list[tuple[float, float]]] = {}
    for stroke, d in paths:
        points = [tuple(map(float, pair.split()))
                  for pair in d.replace("M", " ").replace("L", ",").strip().split(",")]
        (x0, y0), (x1, y1) = points[0], points[-1]
        if abs(y1 - y0) > abs(x1 - x0):  # Kunming-Yuxi runs north-south; Caopu-Kunming, east-west
            ends[colours[stroke]] = points
    assert sorted(ends) == sorted(OFFSETS)

    def across(product: str) -> float:
        """Where the line stands across the leg (px, right of Yuxi to Kunming): its distance
        from Kunming-Yuxi's fepo4 line, signed."""
        (x0, y0), (x1, y1) = ends["anode"][0], ends["anode"][-1]
        length = math.hypot(x1 - x0, y1 - y0)
        px, py = ends[product][0]
        return ((px - x0) * -(y1 - y0) + (py - y0) * (x1 - x0)) / length

    canonical = {p: -o if p in ("fepo4", "li2co3", "electrolyte", "copper_foil") else o for p, o in OFFSETS.items()}
    for product in OFFSETS:
        assert across(product) == pytest.approx(2.5 * (canonical[product] - canonical["anode"]), abs=0.05), product
