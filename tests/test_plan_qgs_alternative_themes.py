"""The optimum's plan.qgs of a run with near-optimal alternatives shows every plan of the set, one at
a time (siting/deliver/qgisproject.py `sheet_project`, `one_at_a_time`, as compare.qgs shows its
runs): a group per plan in a mutually exclusive group, the optimum's alone ticked, each
alternative's layers from its altNN/plan.gpkg; a map theme and a print layout per plan, named with
its label, its kind and its cost over the optimum, and whether that lies within the optimum's
proven gap (siting/deliver/explore.py `plan_theme_names`, in the terminal's words); the robustness
layer above the groups, unticked. Without alternatives plan.qgs is what it was."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.explore import near_optimal_line, plan_theme_names
from siting.deliver.layer import read_layer
from siting.deliver.qgisproject import (
    PLANS_GROUP,
    ShownPlans,
    layout_names,
    layout_note,
    overlay_layers,
    plan_layer_id,
    plan_layers,
    plan_layout_extent,
    plan_sheet_theme,
    project_document,
    project_text,
)
from tests.conftest import MadeRun, copied


def parse(folder: Path) -> ET.Element:
    return ET.fromstring((folder / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])


def record(gap: float | None) -> dict:
    return {"plan": "optimum", "slack": 0.05, "optimum_gap": gap,
            "plans": [{"plan": "optimum", "cost_yuan": 10.0e9, "over_optimum": 0.0, "scope": ""},
                      {"plan": "alt01", "cost_yuan": 10.1e9, "over_optimum": 0.01, "scope": "sites"},
                      {"plan": "alt02", "cost_yuan": 10.3e9, "over_optimum": 0.03, "scope": "clusters"}]}


def test_theme_names_give_label_kind_cost_over_the_optimum_and_whether_within_its_gap():
    names = plan_theme_names(record(0.02))
    assert names["optimum"] == "optimum: 10.00 bn yuan, the cost-optimal plan, proven within 2.00%"
    assert names["alt01"] == ("alt01, scope sites: 10.10 bn yuan, +1.00% over the optimum (within the optimum's "
                              "proven gap of 2.00%, not proven dearer)")
    assert names["alt02"] == "alt02, scope clusters: 10.30 bn yuan, +3.00% over the optimum"
    # the terminal's words, from the same function
    assert "alt01 10.10 bn yuan, +1.00% (within the optimum's proven gap of 2.00%, not proven dearer)" \
        in near_optimal_line(record(0.02))
    assert "no gap proven" in plan_theme_names(record(None))["optimum"]
    assert all("/" not in name for name in names.values())


def test_without_alternatives_plan_qgs_is_what_it_was(small_run: MadeRun):
    """project_text without other plans, or with none found, gives the text it gave before them."""
    out = small_run.out
    names = ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]
    layers = [read_layer(out / f"{name}.geojson") for name in names]
    styles = {name: (out / f"{name}.qml").read_text(encoding="utf-8") for name in names}
    root = parse(out)
    crs = root.findtext("projectCrs/spatialrefsys/authid")
    view = root.find("ProjectViewSettings/DefaultViewExtent")
    extent = [float(view.get(k)) for k in ("xmin", "ymin", "xmax", "ymax")]
    placed, spots = layout_names(styles, layers, crs, *plan_layout_extent(extent))
    before = project_document([*overlay_layers(()), *plan_layers(layers, placed)], "small", crs, extent,
                              "Plan: small", "Source: siting plan for scenario 'small' (plan.gpkg; inputs and their "
                              "SHA-256 in manifest.json). Projection: x.", note=layout_note(spots), unticked=set())
    credits = "Source: siting plan for scenario 'small' (plan.gpkg; inputs and their SHA-256 in manifest.json). " \
              "Projection: x."
    assert project_text(layers, styles, "small", crs, extent, credits=credits) == before
    assert project_text(layers, styles, "small", crs, extent, credits=credits, plans=ShownPlans("optimum", ())) \
        == before


def test_plan_qgs_groups_the_plans_one_shown_at_a_time(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    root = parse(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    names = plan_theme_names(manifest["near_optimal"])
    assert list(names) == ["optimum", "alt01", "alt02"]
    tree = root.find("layer-tree-group")
    top = [(n.tag, n.get("name"), n.get("checked")) for n in tree if n.tag.startswith("layer-tree")]
    assert top[0][0] == "layer-tree-layer" and top[0][2] == "Qt::Unchecked"  # the robustness layer, above
    assert top[1] == ("layer-tree-group", PLANS_GROUP, "Qt::Checked")
    group = tree.find("layer-tree-group")
    assert group.get("mutually-exclusive") == "1" and group.get("mutually-exclusive-child") == "0"
    plans = group.findall("layer-tree-group")
    assert [g.get("name") for g in plans] == list(names.values())
    assert [g.get("checked") for g in plans] == ["Qt::Checked", "Qt::Unchecked", "Qt::Unchecked"]
    sources = {n.findtext("id"): n.findtext("datasource") for n in root.findall("projectlayers/maplayer")}
    for label, g in zip(names, plans, strict=True):
        ids = [n.get("id") for n in g.findall("layer-tree-layer")]
        assert len(ids) == 8
        folder = "" if label == "optimum" else f"{label}/"
        for layer_id in ids:
            gpkg, _, kind = sources[layer_id].partition("|layername=")
            assert gpkg == f"./{folder}plan.gpkg" and (out / gpkg).is_file()
            # an alternative's layers named "alt01: ..."; the optimum's keep plan.qgs's names and ids
            name = next(n.get("name") for n in g.findall("layer-tree-layer") if n.get("id") == layer_id)
            assert name.startswith(f"{label}: ") == (label != "optimum")
            assert (layer_id == plan_layer_id(kind)) == (label == "optimum")
        theme = root.find(f"visibility-presets/visibility-preset[@name='{names[label]}']")
        assert sorted(n.get("id") for n in theme.findall("layer") if n.get("visible") == "1") == sorted(ids)
        layout = root.find(f"Layouts/Layout[@name='{names[label]}']")
        frame = next(i for i in layout.iter("LayoutItem") if i.get("followPresetName") is not None)
        assert frame.get("followPreset") == "true" and frame.get("followPresetName") == names[label]
    # the plan's own sheet first, as without alternatives, then one per plan
    assert [layout.get("name") for layout in root.findall("Layouts/Layout")] == ["Plan", *names.values()]


PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsLayerTreeModel, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
result = {"read": project.read(sys.argv[1])}
result["invalid"] = [layer.id() for layer in project.mapLayers().values() if not layer.isValid()]
themes = project.mapThemeCollection()
result["themes"] = {name: sorted(themes.mapThemeVisibleLayerIds(name)) for name in themes.mapThemes()}
root = project.layerTreeRoot()
result["shown"] = sorted(layer.id() for layer in root.checkedLayers())
themes.applyTheme(sys.argv[2], root, QgsLayerTreeModel(root))
result["after"] = sorted(layer.id() for layer in root.checkedLayers())
print(json.dumps(result))
app.exitQgis()
'''


def test_qgis_reads_every_plan_s_layers_and_themes(qgis: None, small_alternatives_run: MadeRun,  # noqa: F811
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
    # the plans' themes, and the one the plan's own layout "Plan" follows (`plan_sheet_theme`)
    assert sorted(result["themes"]) == sorted([*names.values(), plan_sheet_theme("optimum", ["Robustness"])])
    root = parse(out)
    group = {g.get("name"): sorted(n.get("id") for n in g.findall("layer-tree-layer"))
             for g in root.find("layer-tree-group/layer-tree-group").findall("layer-tree-group")}
    assert all(result["themes"][name] == group[name] for name in names.values())
    assert result["shown"] == group[names["optimum"]]
    assert result["after"] == group[names["alt02"]]
