"""The optimum's plan.qgs of a run with near-optimal alternatives: its first print layout, "Plan"
(the sheet people print), draws the optimum whatever the layer panel shows. Its map follows a map
theme of its own (siting/deliver/qgisproject.py `plan_sheet_theme`): the optimum's layers, those
under the plans' groups and the robustness overlay, which its own legend keys. (QGIS 3.22 has no
expression for a layer's tick in the panel, `is_layer_visible` being the map's own layers, so the
sheet cannot follow the optimum with the overlay only while it is ticked: it draws it always.)
Before, the map drew the layer panel: after choosing alt02's theme it printed alt02's sites under
the optimum's title, objective and legend."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.explore import plan_theme_names
from siting.deliver.qgisproject import PLANS_GROUP, plan_sheet_theme
from tests.conftest import MadeRun, copied


def parse(folder: Path) -> ET.Element:
    return ET.fromstring((folder / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])


def optimum_ids(root: ET.Element) -> tuple[list[str], list[str], list[str]]:
    """The ids of the optimum's group's layers and of the layers above and under the plans' group."""
    tree = root.find("layer-tree-group")
    children = [n for n in tree if n.tag in ("layer-tree-layer", "layer-tree-group")]
    plans = next(n for n in children if n.get("name") == PLANS_GROUP)
    at = children.index(plans)
    first = plans.findall("layer-tree-group")[0]
    return ([n.get("id") for n in first.findall("layer-tree-layer")], [n.get("id") for n in children[:at]],
            [n.get("id") for n in children[at + 1:]])


def test_the_plan_sheet_follows_a_theme_of_the_optimum_and_its_overlay(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    root = parse(out)
    layout = root.find("Layouts/Layout[@name='Plan']")
    frame = next(i for i in layout.iter("LayoutItem") if i.get("id") == "map")
    names = plan_theme_names(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["near_optimal"])
    theme = plan_sheet_theme("optimum", ["Robustness: share of near-optimal plans that build at each site"])
    assert theme == "Plan sheet: optimum with robustness" and theme not in names.values()
    assert frame.get("followPreset") == "true" and frame.get("followPresetName") == theme
    own, above, below = optimum_ids(root)
    preset = root.find(f"visibility-presets/visibility-preset[@name='{theme}']")
    shown = sorted(n.get("id") for n in preset.findall("layer") if n.get("visible") == "1")
    assert above and shown == sorted({*own, *above, *below})
    # its legends: the optimum's layers, then the overlay's
    legends = [i for i in layout.iter("LayoutItem") if i.get("type") == "65642"]
    keyed = [[n.get("id") for n in legend.iter("layer-tree-layer")] for legend in legends]
    assert set(keyed[0]) <= set(own) | set(below) and keyed[1] == above


PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsLayerTreeModel, QgsLayoutItemMap, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
result = {"read": project.read(sys.argv[1])}
result["invalid"] = [layer.id() for layer in project.mapLayers().values() if not layer.isValid()]
root = project.layerTreeRoot()
project.mapThemeCollection().applyTheme(sys.argv[2], root, QgsLayerTreeModel(root))
result["panel"] = sorted(layer.id() for layer in root.checkedLayers())
drawn = {}
for layout in project.layoutManager().layouts():
    item = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
    drawn[layout.name()] = sorted(layer.id() for layer in item.layersToRender())
result["drawn"] = drawn
print(json.dumps(result))
app.exitQgis()
'''


def test_qgis_prints_the_optimum_on_the_plan_sheet_after_another_theme(qgis: None,  # noqa: F811
                                                                        small_alternatives_run: MadeRun,
                                                                        tmp_path: Path):
    out = copied(small_alternatives_run.out, tmp_path / "run")
    names = plan_theme_names(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["near_optimal"])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(out / "plan.qgs"), names["alt02"]],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["read"] is True and result["invalid"] == []
    root = parse(out)
    own, above, below = optimum_ids(root)
    assert set(result["panel"]) & set(own) == set()  # the panel shows alt02
    assert set(result["panel"]).isdisjoint(above)  # alt02's theme unticks the overlay
    # the sheet still prints the optimum, with the overlay
    assert result["drawn"]["Plan"] == sorted({*own, *above, *below})
    assert result["drawn"][names["alt02"]] != result["drawn"]["Plan"]
