"""The print layout of a run with near-optimal alternatives keys its robustness layer while the
map draws it: plan.qgs holds, under the plan's legend, a legend of the robustness layer alone that
QGIS filters by the layers its map draws (legendFilterByMap). The layout "Plan" of the optimum's
plan.qgs, which shows every plan of the set, follows a map theme of the optimum with the layer
(siting/deliver/qgisproject.py `plan_sheet_theme`), so that it prints the optimum whatever plan the
layer panel shows: its map draws the layer, and that legend lists it with its roles, whether the
layer is ticked in the panel or not. The plan's own legend is not filtered so, and never keys the
layer. A run without alternatives has the plan's legend alone."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from test_qgis import PROBE_HEAD, probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.files import PLANS_SCALE_WORDS, folder_project_layers, largest_built_capex
from siting.deliver.qgisproject import OVERLAY_LEGEND, project_subfolders, with_sites_capex_scale
from siting.deliver.styles import capex_scale
from tests.conftest import MadeRun, copied

SOURCE = "./plan.gpkg|layername=robustness"


def alternatives_on(out: Path, top: float) -> dict[str, tuple[dict, dict, str]]:
    """`with_sites_capex_scale`'s `others` for the alternatives the optimum's plan.qgs in `out` shows."""
    qgs = (out / "plan.qgs").read_text(encoding="utf-8")
    return {sub: (*folder_project_layers(out / sub), PLANS_SCALE_WORDS if top > largest_built_capex(out / sub) else "")
            for sub in project_subfolders(qgs)}
LEGEND = "65642"


def root_of(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def plan_layout(root: ET.Element) -> ET.Element:
    """The print layout "Plan" (the first; with alternatives, each plan's own layout follows it)."""
    layout = root.find("Layouts/Layout")
    assert layout is not None and layout.get("name") == "Plan"
    return layout


def legends(root: ET.Element) -> dict[str, ET.Element]:
    return {i.get("id", ""): i for i in plan_layout(root).iter("LayoutItem") if i.get("type") == LEGEND}


def sources(item: ET.Element) -> list[str | None]:
    return [n.get("source") for n in item.iter("layer-tree-layer")]


def frame(item: ET.Element) -> tuple[float, float, float, float]:
    x, y = (float(v) for v in item.get("position", "").split(",")[:2])
    w, h = (float(v) for v in item.get("size", "").split(",")[:2])
    return x, y, w, h


def test_the_robustness_layer_has_a_legend_filtered_by_the_map(small_alternatives_run: MadeRun):
    root = root_of((small_alternatives_run.out / "plan.qgs").read_text(encoding="utf-8"))
    found = legends(root)
    assert sorted(found) == sorted(["legend", OVERLAY_LEGEND])
    plan, overlay = found["legend"], found[OVERLAY_LEGEND]
    assert SOURCE not in sources(plan) and plan.get("legendFilterByMap") == "0"
    assert sources(overlay) == [SOURCE]
    assert overlay.get("legendFilterByMap") == "1" and overlay.get("map_uuid") == plan.get("map_uuid")
    assert overlay.get("title") == "" and overlay.get("resizeToContents") == "1"
    # Under the plan's legend, in its column, above the map's foot, in the plan's legend's type.
    px, py, _pw, ph = frame(plan)
    ox, oy, _ow, oh = frame(overlay)
    (map_item,) = [i for i in plan_layout(root).iter("LayoutItem") if i.get("id") == "map"]
    _mx, my, _mw, mh = frame(map_item)
    assert ox == px and oy >= py + ph and oy + oh <= my + mh
    fonts = [{s.get("name"): s.find("styleFont").get("description") for s in item.iter("style")}
             for item in (plan, overlay)]
    assert fonts[0]["symbolLabel"] == fonts[1]["symbolLabel"]


def test_a_run_without_alternatives_has_the_plan_s_legend_alone(small_run: MadeRun):
    root = root_of((small_run.out / "plan.qgs").read_text(encoding="utf-8"))
    assert list(legends(root)) == ["legend"]
    assert 'legendFilterByMap="1"' not in (small_run.out / "plan.qgs").read_text(encoding="utf-8")


def test_a_batch_s_pie_scale_keeps_the_robustness_legend_under_the_plan_s(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    layers, styles = folder_project_layers(out)
    qgs = (out / "plan.qgs").read_text(encoding="utf-8")
    top = capex_scale(styles["sites"])
    assert top is not None
    words = PLANS_SCALE_WORDS if top > largest_built_capex(out) else ""  # on its alternatives' scale
    others = alternatives_on(out, top)  # the alternatives plan.qgs shows too, each in its folder
    assert with_sites_capex_scale(qgs, layers, styles, top, words, others) == qgs
    written = legends(root_of(qgs))[OVERLAY_LEGEND]
    found = legends(root_of(with_sites_capex_scale(qgs, layers, styles, 2 * top, others=others)))
    assert sorted(found) == sorted(["legend", OVERLAY_LEGEND])
    assert sources(found[OVERLAY_LEGEND]) == [SOURCE] and SOURCE not in sources(found["legend"])
    assert frame(found[OVERLAY_LEGEND])[2:] == frame(written)[2:]
    px, py, _pw, ph = frame(found["legend"])
    assert frame(found[OVERLAY_LEGEND])[:2] >= (px, py + ph)


PROBE = PROBE_HEAD + r'''
from qgis.core import QgsApplication, QgsLayoutExporter, QgsLayoutItemLegend, QgsLayoutItemMap, QgsProject
layout = project.layoutManager().layoutByName("Plan")
(layer,) = [l for l in project.mapLayers().values() if l.source().endswith("layername=robustness")]
node = project.layerTreeRoot().findLayer(layer.id())
(frame,) = [i for i in layout.items() if isinstance(i, QgsLayoutItemMap)]

def listed(legend):
    """The legend's layers (their ids) with the lines QGIS lists for each."""
    model = legend.model()
    top = model.index(-1, -1)
    found = {}
    for row in range(model.rowCount(top)):
        index = model.index(row, 0, top)
        layer_node = model.index2node(index)
        found[layer_node.layerId()] = [model.data(model.index(r, 0, index), 0) for r in range(model.rowCount(index))]
    return found

def state(name):
    layout.refresh()  # as the layout designer's Refresh does after the layer panel changed
    done = QgsLayoutExporter(layout).exportToPdf(os.path.join(folder, name + ".pdf"),
                                                 QgsLayoutExporter.PdfExportSettings())
    legends = {i.id(): listed(i) for i in layout.items() if isinstance(i, QgsLayoutItemLegend)}
    drawn = [l.id() for l in frame.layersToRender()]
    return {"exported": done == QgsLayoutExporter.Success, "legends": legends, "drawn": layer.id() in drawn}

out = {"read": read, "layer": layer.id(), "opened": state("opened")}
node.setItemVisibilityChecked(True)
out["ticked"] = state("ticked")
node.setItemVisibilityChecked(False)
out["unticked"] = state("unticked")
print(json.dumps(out), flush=True)
del node, layer, frame
project.clear()
app.exitQgis()
'''


def test_qgis_lists_the_robustness_layer_while_the_map_draws_it(qgis: None,  # noqa: F811
                                                                  small_alternatives_run: MadeRun, tmp_path: Path):
    out = copied(small_alternatives_run.out, tmp_path / "out")
    seen = probe_folder(PROBE, out, tmp_path)
    layer = seen["layer"]
    features = json.loads((out / "robustness.geojson").read_text(encoding="utf-8"))["features"]
    roles = {f["properties"]["role"] for f in features}
    qml = ET.fromstring((out / "robustness.qml").read_text(encoding="utf-8").split("\n", 1)[1])
    labels = [c.get("label") for c in qml.iter("category") if c.get("value") in roles]
    assert seen["read"] and labels
    for name in ("opened", "ticked", "unticked"):
        legends_seen = seen[name]["legends"]
        assert seen[name]["exported"] and sorted(legends_seen) == sorted(["legend", OVERLAY_LEGEND])
        assert layer not in legends_seen["legend"]  # the plan's legend keys the plan alone
        assert list(legends_seen[OVERLAY_LEGEND]) == [layer]
    # Drawn by the sheet's theme, ticked or not, and listed with the roles its features have.
    assert [seen[name]["drawn"] for name in ("opened", "ticked", "unticked")] == [True, True, True]
    for name in ("opened", "ticked", "unticked"):
        assert seen[name]["legends"][OVERLAY_LEGEND][layer] == labels
    # The plan's legend lists the same lines either way.
    assert seen["opened"]["legends"]["legend"] == seen["ticked"]["legends"]["legend"]
