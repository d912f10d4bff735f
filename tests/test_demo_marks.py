"""Recycling demonstrations on the maps (the sites layer's yes/no field `demonstration`,
siting/optimize/results.py `Plan.demo_sites`): report.html's web map says so in the site's
popup, and the sites style (sites.qml, plan.qgs) rings a demonstration's pie where the field is
true and keys the ring in the legend, a category no feature has (KEY_ONLY_CATEGORY).

Layers built by hand, as tests/test_legend_categories.py `sites_layer`: sites s0 (built,
a demonstration), s1 (built, not one) and s2 (eligible, unused), each 1e9 yuan of capex where
built.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import shapely

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.qgisproject import legend_nodes
from siting.deliver.styles import DEMO_FILTER, DEMO_KEY, DEMO_LABEL, sites_style
from siting.deliver.webmap import site_popup


def sites_layer(demonstrations: list[bool], geometry: str = "Point") -> OutputLayer:
    """Built sites s0, s1 and an eligible unused s2, with `demonstrations` (one per site)."""
    statuses = ["built", "built", "eligible_unused"]
    built = [s == "built" for s in statuses]
    spots = [shapely.Point(102.5 + 0.01 * i, 25.0) for i in range(3)]
    frame = gpd.GeoDataFrame({
        "id": ["s0", "s1", "s2"], "name": ["Site 0", "Site 1", "Site 2"], "kind": ["park"] * 3,
        "status": statuses, "capex_yuan": [1e9 if b else 0.0 for b in built],
        "added_lfp_2030": [5.0 if b else 0.0 for b in built], "demonstration": demonstrations},
        geometry=spots if geometry == "Point" else [p.buffer(0.001) for p in spots], crs="EPSG:4326")
    return make_layer("sites", "sites", frame, list(frame.columns.drop("geometry")), None, geometry)


def root_of(qml: str) -> ET.Element:
    return ET.fromstring(qml.split("\n", 1)[1])


def test_popup_of_a_demonstration_site_says_so():
    """s0 is a demonstration: its popup has the row "demonstration: recycling demonstration
    project" after its status, before its capex; s1's has none."""
    layer = sites_layer([True, False, False])
    rows = layer.frame.drop(columns="geometry").to_dict("records")
    demo = site_popup(rows[0], ["lfp"], [2030], {"lfp": "t"})
    assert ("<tr><th>status</th><td>Built: new capacity</td></tr><tr><th>demonstration</th>"
            "<td>Recycling demonstration project</td></tr><tr><th>capex, undiscounted</th>") in demo
    assert "demonstration" not in site_popup(rows[1], ["lfp"], [2030], {"lfp": "t"})


def test_sites_style_rings_the_demonstrations_and_keys_the_ring():
    """With s0 a demonstration: the built symbol's second layer is an open ring enabled where
    `coalesce("demonstration", false)`, and after the statuses a key-only category labels it
    "Recycling demonstration (green ring around its pie)", keyed in the legend though no
    feature has its value; the pie slice follows."""
    layer = sites_layer([True, False, False])
    text = sites_style(layer)
    root = root_of(text)
    renderer = root.find("renderer-v2")
    assert renderer is not None
    values = [(c.get("value"), c.get("label")) for c in renderer.findall("categories/category")]
    assert [v for v, _ in values] == ["built", "eligible_unused", "(key only) demonstration"]
    assert DEMO_KEY == "(key only) demonstration"
    assert values[-1][1] == DEMO_LABEL == "Recycling demonstration (green ring around its pie)"
    assert DEMO_FILTER == 'coalesce("demonstration", false)'
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    built = symbols[renderer.findall("categories/category")[0].get("symbol")]
    assert len(built.findall("layer")) == 2
    ring = built.findall("layer")[1]
    options = {o.get("name"): o.get("value") for o in ring.find("Option")}
    # Transparent but where the filter gives its colour: the built key of the legend shows no ring
    # (tests/test_qgis_demo_ring_legend.py).
    assert options["color"] == "0,120,60,0" and options["outline_color"] == "0,120,60,0"
    assert ("if(coalesce(&quot;demonstration&quot;, false), '0,120,60,255', '0,120,60,0')"
            in ET.tostring(ring, encoding="unicode"))
    assert options["outline_width"] == "0.7"
    assert 'name="enabled"' in ET.tostring(ring, encoding="unicode")
    assert f'value="{DEMO_FILTER.replace(chr(34), "&quot;")}"' in ET.tostring(ring, encoding="unicode")
    frame = layer.frame.drop(columns="geometry")
    nodes = legend_nodes(text, frame)
    assert [(n.label, n.keyed) for n in nodes][1:] == [
        ("Eligible, not used by this plan", True), ("Recycling demonstration (green ring around its pie)", True),
        ("LFP", True)]


def test_sites_style_without_demonstrations_has_no_ring():
    """No site a demonstration (or no such field): no ring, no key."""
    text = sites_style(sites_layer([False, False, False]))
    assert "demonstration" not in text


def test_polygon_sites_ring_their_centroid_marker():
    """Polygon sites: the built fill's centroid marker carries the ring too."""
    text = sites_style(sites_layer([True, False, False], "Polygon"))
    assert text.count(DEMO_FILTER.replace('"', "&quot;")) == 2  # the one ring's "enabled" and its colour
    assert DEMO_KEY in text
