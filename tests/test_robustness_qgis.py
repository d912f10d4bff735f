"""The robustness layer in plan.qgs draws rings, and its legend keys rings: each site some
near-optimal plan builds is ringed in its role's colour (around the optimum's pie where it stands,
around the site's own marker elsewhere), the rings drawn under every pie, so that a ring never
covers a neighbouring site's pie; the legend's symbols are those rings (open, the ground showing
through), not filled discs. A site no plan builds is a dashed grey ring, which reads apart from the
sites layer's filled "eligible, not used" marker."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import shapely
from test_qgis import PROBE_HEAD, probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.explore import robustness_style
from siting.deliver.layer import make_layer
from siting.deliver.styles import PIE_RING_Z, sites_style
from tests.conftest import MadeRun, copied


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1]) if text.startswith("<!DOCTYPE") else ET.fromstring(text)


def robustness_like() -> object:
    frame = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "name": ["A", "B", "C", "D"],
            "role": ["needed", "some", "some", "none"],
            "site_share": [1.0, 0.5, 0.5, 0.0],
            "products_in_words": ["LFP 100%", "LFP 50%", "LFP 50%", ""],
            "capex_yuan": [4e9, 1e9, 0.0, 0.0],
        },
        geometry=[shapely.Point(102.0 + i, 25.0) for i in range(4)],
        crs="EPSG:4326",
    )
    return make_layer(
        "robustness",
        "Robustness",
        frame,
        list(frame.columns.drop("geometry")),
        {"capex_yuan": "real", "site_share": "real"},
    )


def options(layer: ET.Element) -> dict[str, str]:
    return {o.get("name", ""): o.get("value", "") for o in layer.findall("Option/Option")}


def category_symbols(qml: str) -> dict[str, ET.Element]:
    root = parse(qml)
    symbols = {s.get("name"): s for s in root.findall("renderer-v2/symbols/symbol")}
    return {c.get("value", ""): symbols[c.get("symbol")] for c in root.findall("renderer-v2/categories/category")}


def test_every_robustness_symbol_is_an_open_ring():
    """No category draws a filled disc: every marker layer of every symbol is open (fill alpha 0),
    so that what the legend keys is what the map draws, a ring."""
    found = category_symbols(robustness_style(robustness_like()))
    assert set(found) == {"needed", "some", "none"}
    for role, sym in found.items():
        layers = sym.findall("layer")
        assert layers, role
        for layer in layers:
            values = options(layer)
            assert layer.get("class") == "SimpleMarker" and values["name"] == "circle", role
            assert values["color"].split(",")[3] == "0", (role, values["color"])


def test_no_plan_sites_read_apart_from_the_eligible_unused_sites():
    """A site no plan builds: a dashed grey ring; the sites layer's eligible, unused site: a solid
    filled marker. The legend says that no plan builds there."""
    found = category_symbols(robustness_style(robustness_like()))
    none = [options(layer) for layer in found["none"].findall("layer")]
    assert {v["outline_style"] for v in none} == {"dash"}
    sites = gpd.GeoDataFrame(
        {"id": ["a"], "name": ["A"], "status": ["eligible_unused"], "capex_yuan": [0.0]},
        geometry=[shapely.Point(102.0, 25.0)],
        crs="EPSG:4326",
    )
    eligible = category_symbols(
        sites_style(make_layer("sites", "Sites", sites, ["id", "name", "status", "capex_yuan"]))
    )
    unused = options(eligible["eligible_unused"].find("layer"))
    assert unused["color"].split(",")[3] != "0" and unused["outline_style"] == "solid"
    labels = {
        c.get("value"): c.get("label")
        for c in parse(robustness_style(robustness_like())).findall("renderer-v2/categories/category")
    }
    assert "no near-optimal plan" in labels["none"]


def test_the_rings_around_pies_are_drawn_under_every_pie():
    """The pies' z-index runs from 1 (the largest) to 1.5; the rings the labelling draws around
    them stand under 1, so that a site's ring never lies over a neighbouring site's pie; the
    renderer's rings are off where a ring around the pie is drawn instead (no double ring)."""
    assert PIE_RING_Z < 1
    labels = parse(robustness_style(robustness_like())).find("labeling")
    assert labels is not None
    z = [
        float(r.find("settings/rendering").get("zIndex", "0"))
        for r in labels.findall("rules/rule")
        if r.get("description", "").startswith("ring")
    ]
    assert z and max(z) < 1
    # Per site, the larger site's ring under the smaller's, as their pies: z falls with capex.
    sinks = [
        o.find("Option[@name='expression']").get("value")
        for r in labels.findall("rules/rule")
        for o in r.findall("settings/dd_properties/Option/Option[@name='properties']/Option")
        if o.get("name") == "ZIndex"
    ]
    assert len(sinks) == 2 and all(' - 0.05 * sqrt("capex_yuan" / 4e+09)' in e for e in sinks)
    for role in ("needed", "some"):
        for layer in category_symbols(robustness_style(robustness_like()))[role].findall("layer"):
            enabled = [
                o.find("Option[@name='expression']").get("value")
                for o in layer.findall("data_defined_properties/Option/Option[@name='properties']/Option")
                if o.get("name") == "enabled"
            ]
            assert enabled == ['coalesce("capex_yuan", 0) = 0'], role


PROBE = PROBE_HEAD + r"""
from qgis.core import QgsApplication, QgsLayerTreeModel, QgsProject
from qgis.PyQt.QtCore import Qt
(layer,) = [l for l in project.mapLayers().values() if l.source().endswith("layername=robustness")]
node = project.layerTreeRoot().findLayer(layer.id())
node.setItemVisibilityChecked(True)
model = QgsLayerTreeModel(project.layerTreeRoot())
icons = {}
for legend_node in model.layerLegendNodes(node):
    image = legend_node.data(Qt.DecorationRole).toImage()
    w, h = image.width(), image.height()
    centre = image.pixelColor(w // 2, h // 2)
    row = [image.pixelColor(x, h // 2) for x in range(w)]
    icons[legend_node.data(Qt.DisplayRole)] = {"centre_alpha": centre.alpha(),
                                                "inked": sum(1 for c in row if c.alpha() > 100)}
symbols = {c.value(): [[l.layerType(), l.fillColor().alpha(), int(l.strokeStyle())]
                       for l in c.symbol().symbolLayers()] for c in layer.renderer().categories()}
print(json.dumps({"read": read, "icons": icons, "symbols": symbols}), flush=True)
project.clear()
app.exitQgis()
"""


def test_qgis_keys_the_robustness_layer_with_rings(
    qgis: None,  # noqa: F811
    small_alternatives_run: MadeRun,
    tmp_path: Path,
):
    """As QGIS opens plan.qgs: every legend icon of the robustness layer has an open centre and ink
    on its line (a ring, not a disc); every symbol layer is an open circle."""
    out = copied(small_alternatives_run.out, tmp_path / "out")
    seen = probe_folder(PROBE, out, tmp_path)
    assert seen["read"] and seen["icons"] and seen["symbols"]
    for label, icon in seen["icons"].items():
        assert icon["centre_alpha"] < 100 and icon["inked"] >= 2, (label, icon)
    for role, layers in seen["symbols"].items():
        assert all(kind == "SimpleMarker" and alpha == 0 for kind, alpha, _style in layers), (role, layers)
