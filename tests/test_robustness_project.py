"""The robustness layer of a run with near-optimal alternatives in its plan.qgs and plan.gpkg.

`siting solve --alternatives N` writes robustness.geojson (+ .qml) beside the optimum's outputs;
the optimum's plan.gpkg holds the same layer as a table, its style (robustness.qml) the table's
default in `layer_styles`, and its plan.qgs opens it from plan.gpkg, in that style, at the top of
the layer panel and unticked: the project opens on the plan, and ticking the layer shows over it
which sites the near-optimal plans need. The print layout's legend keys the plan's layers only;
the robustness layer has a legend of its own under it, filtered by the layers the map draws
(tests/test_qgis_robustness_legend.py).
An alternative's own folder (altNN) and a run without alternatives have no robustness layer.
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import pyogrio
from test_qgis import PROBE_HEAD, probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_qgis_robustness_legend import alternatives_on

from siting.deliver.files import PLANS_SCALE_WORDS, folder_project_layers, largest_built_capex
from siting.deliver.qgisproject import plan_layer_id, with_sites_capex_scale
from siting.deliver.styles import capex_scale
from tests.conftest import MadeRun, copied

SOURCE = "./plan.gpkg|layername=robustness"


def project(folder: Path) -> ET.Element:
    return ET.fromstring((folder / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])


def robustness_maplayers(root: ET.Element) -> list[ET.Element]:
    return [m for m in root.iter("maplayer") if m.findtext("datasource") == SOURCE]


def shape(node: ET.Element) -> list[tuple[str, list[tuple[str, str]], str]]:
    """An element's tree without the layout's whitespace: tag, attributes and text of each node."""
    return [(n.tag, sorted(n.attrib.items()), (n.text or "").strip()) for n in node.iter()]


def legend_sources(root: ET.Element) -> dict[str | None, list[str | None]]:
    """The print layout's legends by id, each with the sources of the layers it keys: the layout
    "Plan" (the first; each plan's own layout follows it)."""
    layout = root.find("Layouts/Layout")
    assert layout is not None and layout.get("name") == "Plan"
    return {i.get("id"): [n.get("source") for n in i.iter("layer-tree-layer")]
            for i in layout.iter("LayoutItem") if i.get("type") == "65642"}


def qml_root(folder: Path) -> ET.Element:
    return ET.fromstring((folder / "robustness.qml").read_text(encoding="utf-8").split("\n", 1)[1])


def test_plan_qgs_opens_the_robustness_layer_in_its_style(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    root = project(out)
    (layer,) = robustness_maplayers(root)
    style = qml_root(out)
    for tag in ("renderer-v2", "labeling"):
        found, own = layer.find(tag), style.find(tag)
        assert own is not None and found is not None, tag
        assert shape(found) == shape(own), tag
    assert layer.get("labelsEnabled") == "1" and layer.get("wkbType") == "Point"
    # At the top of the layer panel, unticked; the plan's layers ticked, in their order under it
    # (in the optimum's group, ticked, of the plans shown one at a time).
    panel = root.find("layer-tree-group")
    assert panel is not None
    nodes = list(panel.iter("layer-tree-layer"))
    assert panel.findall("layer-tree-group/layer-tree-group")[0].get("checked") == "Qt::Checked"
    assert nodes[0].get("source") == SOURCE and nodes[0].get("checked") == "Qt::Unchecked"
    assert [n.get("id") for n in nodes[1:]][:3] == [plan_layer_id(n) for n in ("sources", "sites", "hubs")]
    assert all(n.get("checked") == "Qt::Checked" for n in nodes[1:])
    # The plan's print legend keys the plan, not the unticked layer; the layer's own legend keys it alone.
    legends = legend_sources(root)
    assert sorted(legends) == ["legend", "overlay legend"]
    assert legends["overlay legend"] == [SOURCE] and SOURCE not in legends["legend"]
    assert "robustness" in (layer.findtext("abstract") or "").lower()


def test_plan_gpkg_holds_the_robustness_layer_with_its_style(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    listed = [name for name, _kind in pyogrio.list_layers(out / "plan.gpkg") if name != "layer_styles"]
    assert listed[-1] == "robustness" and listed.count("robustness") == 1
    table = pyogrio.read_dataframe(out / "plan.gpkg", layer="robustness")
    features = json.loads((out / "robustness.geojson").read_text(encoding="utf-8"))["features"]
    assert list(table["id"]) == [f["properties"]["id"] for f in features]
    assert list(table["site_share"]) == [f["properties"]["site_share"] for f in features]
    assert table.crs is not None and table.crs.to_epsg() == 4326
    with closing(sqlite3.connect(out / "plan.gpkg")) as db:
        rows = db.execute("SELECT styleQML, useAsDefault, f_geometry_column FROM layer_styles "
                          "WHERE f_table_name = 'robustness'").fetchall()
        (count,) = db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'layer_styles'"
                              ).fetchone()
    assert rows == [((out / "robustness.qml").read_text(encoding="utf-8"), 1, "geom")]
    assert count == len(listed)


def test_no_robustness_layer_without_the_set(small_run: MadeRun, small_alternatives_run: MadeRun):
    for folder in (small_run.out, small_alternatives_run.out / "alt01"):
        assert not robustness_maplayers(project(folder))
        assert "robustness" not in [name for name, _kind in pyogrio.list_layers(folder / "plan.gpkg")]


def test_a_batch_s_pie_scale_keeps_the_robustness_layer_as_written(small_alternatives_run: MadeRun):
    """`with_sites_capex_scale` (a plan of a comparison or sweep on the batch's pie scale) reads the
    plan's layers only: on the scale it was written on (its alternatives', its legend saying so)
    the project is the one written, byte for byte; on twice it, the robustness layer stays as
    written, unticked, out of the plan's print legend and in its own."""
    out = small_alternatives_run.out
    layers, styles = folder_project_layers(out)
    qgs = (out / "plan.qgs").read_text(encoding="utf-8")
    top = capex_scale(styles["sites"])
    assert top is not None
    words = PLANS_SCALE_WORDS if top > largest_built_capex(out) else ""  # on its alternatives' scale
    others = alternatives_on(out, top)  # the alternatives plan.qgs shows too, each in its folder
    assert with_sites_capex_scale(qgs, layers, styles, top, words, others) == qgs
    root = ET.fromstring(with_sites_capex_scale(qgs, layers, styles, 2 * top, others=others).split("\n", 1)[1])
    (layer,) = robustness_maplayers(root)
    (written,) = robustness_maplayers(project(out))
    assert shape(layer) == shape(written)
    assert legend_sources(root)["overlay legend"] == [SOURCE] and SOURCE not in legend_sources(root)["legend"]


PROBE = PROBE_HEAD + r'''
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
(layer,) = [l for l in project.mapLayers().values() if l.source().endswith("layername=robustness")]
node = project.layerTreeRoot().findLayer(layer.id())
renderer = layer.renderer()
out = {"read": read, "valid": layer.isValid(), "features": layer.featureCount(), "name": layer.name(),
       "renderer": renderer.type(), "attribute": renderer.classAttribute(),
       "categories": [c.value() for c in renderer.categories()], "visible": node.isVisible(),
       "top": project.layerTreeRoot().findLayers()[0].layerId() == layer.id(), "labels": layer.labelsEnabled()}
dragged = QgsVectorLayer(os.path.join(folder, "plan.gpkg") + "|layername=robustness", "robustness", "ogr")
message, loaded = dragged.loadDefaultStyle()
out["gpkg"] = {"valid": dragged.isValid(), "features": dragged.featureCount(), "style": loaded,
               "renderer": dragged.renderer().type(), "attribute": dragged.renderer().classAttribute()}
print(json.dumps(out), flush=True)
del dragged, renderer, node, layer
project.clear()
app.exitQgis()
'''


def test_qgis_opens_the_robustness_layer(qgis: None, small_alternatives_run: MadeRun, tmp_path: Path):  # noqa: F811
    """In QGIS: plan.qgs reads, its robustness layer is valid with every feature of
    robustness.geojson, categorised by role as robustness.qml, labelled, at the top of the panel
    and hidden; plan.gpkg's table loads its default style from `layer_styles`."""
    out = copied(small_alternatives_run.out, tmp_path / "out")
    seen = probe_folder(PROBE, out, tmp_path)
    features = len(json.loads((out / "robustness.geojson").read_text(encoding="utf-8"))["features"])
    roles = [c.get("value") for c in qml_root(out).iter("category")]
    assert seen["read"] and seen["valid"] and seen["features"] == features
    assert seen["renderer"] == "categorizedSymbol" and seen["attribute"] == "role" and seen["categories"] == roles
    assert seen["labels"] and seen["top"] and not seen["visible"]
    assert seen["gpkg"] == {"valid": True, "features": features, "style": True, "renderer": "categorizedSymbol",
                            "attribute": "role"}
