"""compare.qgs gives each run its own clusters, and draws in the order of its layer panel:
1. a run's group holds its clusters layer from its own plan.gpkg, in its own style (a run's
   clusters carry its own sites built on, capex and capacity, and may be other polygons or names),
   as it holds its own red line (siting/deliver/qgisproject.py `compare_project_text`);
2. with every run's clusters in its group, the panel's own order is plan.qgs's drawing order
   for the run shown (changes, sites, hubs, flows, sources, clusters, red-line zones, red line;
   `COMPARE_ORDER`), so the project sets no custom rendering order ("Control rendering order"
   unticked): dragging a layer in the panel moves it on the map, as in plan.qgs.

Two runs of the small scenario (tests/data/small: clusters West and East): `a` as shipped, and
`b` the same with the cluster West named "West bank" (its own clusters file). The plans are
alike; the clusters layers differ in the name of West.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.cli import main
from siting.deliver.qgisproject import RUNS_GROUP, compare_project_text
from siting.deliver.styles import diff_style
from tests.conftest import MadeRun, copied

DATA = Path(__file__).parent / "data" / "small"

#: Each run's layers, top to bottom: its group's in the layer panel, its sheet's legend and map,
#: and its drawing order on the canvas when it is the run ticked.
KINDS = ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]
OWN = {"a (baseline)": [f"{kind}_a_layer" for kind in KINDS],
       "b": ["diff_b_layer", *(f"{kind}_b_layer" for kind in KINDS)]}


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def canonical(node: ET.Element | None) -> str:
    assert node is not None
    return ET.canonicalize(ET.tostring(node, encoding="unicode"), strip_text=True)


@pytest.fixture(scope="module")
def renamed_runs(small_run: MadeRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A comparison folder: a/ (a copy of conftest's `small_run`), b/ (b solved: West named
    "West bank"), a diff.geojson of b against a with e_city unchanged, and compare.qgs."""
    base = tmp_path_factory.mktemp("renamed_runs")
    shutil.copytree(DATA, base / "data")
    clusters = json.loads((DATA / "clusters.geojson").read_text(encoding="utf-8"))
    (west,) = [f for f in clusters["features"] if f["properties"]["cluster_id"] == "west"]
    west["properties"]["name"] = "West bank"
    (base / "data" / "clusters_b.geojson").write_text(json.dumps(clusters), encoding="utf-8")
    (base / "data" / "b.yaml").write_text(
        "extends: scenario.yaml\nname: b\nlayers:\n  clusters: {path: clusters_b.geojson}\n", encoding="utf-8")
    copied(small_run.out, base / "runs" / "a")
    assert main(["solve", str(base / "data" / "b.yaml"), "--out", str(base / "runs" / "b"), "--quiet"]) == 0
    sites = json.loads((base / "runs" / "b" / "sites.geojson").read_text(encoding="utf-8"))
    (e_city,) = [f for f in sites["features"] if f["properties"]["id"] == "e_city"]
    (base / "runs" / "diff.geojson").write_text(json.dumps({"type": "FeatureCollection", "name": "diff", "features": [
        {"type": "Feature", "id": "e_city@b", "geometry": e_city["geometry"],
         "properties": {"id": "e_city@b", "site": "e_city", "scenario": "b", "baseline": "a", "change": "unchanged",
                        "objective_difference": "proven", "objective_difference_low_bn_yuan": 0.0,
                        "objective_difference_high_bn_yuan": 0.0}}]}), encoding="utf-8")
    text = compare_project_text(base / "runs", [("a", "a"), ("b", "b")], "Point", diff_style("Point"))
    assert text is not None
    (base / "runs" / "compare.qgs").write_text(text, encoding="utf-8")
    return base / "runs"


def test_the_runs_clusters_layers_differ(renamed_runs: Path):
    names = {sub: sorted(f["properties"]["name"] for f in json.loads(
        (renamed_runs / sub / "clusters.geojson").read_text(encoding="utf-8"))["features"]) for sub in ("a", "b")}
    assert names == {"a": ["East", "West"], "b": ["East", "West bank"]}


def test_each_run_s_group_holds_its_own_clusters(renamed_runs: Path):
    """The groups list, top to bottom, each run's layers in plan.qgs's order, its clusters from
    its own plan.gpkg in its own clusters.qml's style; nothing is left under the groups (the
    small scenario has no context outlines)."""
    root = parse((renamed_runs / "compare.qgs").read_text(encoding="utf-8"))
    (runs,) = root.findall("layer-tree-group/layer-tree-group")
    assert runs.get("name") == RUNS_GROUP
    assert [n.get("name") for n in root.find("layer-tree-group") if n.tag.startswith("layer-tree")] == [RUNS_GROUP]
    groups = {g.get("name"): [(n.get("id"), n.get("name"), n.get("source")) for n in g.findall("layer-tree-layer")]
              for g in runs.findall("layer-tree-group")}
    assert {name: [i for i, _n, _s in own] for name, own in groups.items()} == OWN
    assert groups["a (baseline)"][5] == ("clusters_a_layer", "a: clusters", "./a/plan.gpkg|layername=clusters")
    assert groups["b"][6] == ("clusters_b_layer", "b: clusters", "./b/plan.gpkg|layername=clusters")
    layers = {n.findtext("id"): n for n in root.findall("projectlayers/maplayer")}
    own_style = parse((renamed_runs / "b" / "clusters.qml").read_text(encoding="utf-8"))
    assert canonical(layers["clusters_b_layer"].find("renderer-v2")) == canonical(own_style.find("renderer-v2"))
    assert layers["clusters_b_layer"].findtext("abstract") == (
        "b's clusters (its plan.gpkg), each with the sites b's plan opens there, their capex and the capacity it "
        "adds and holds.")


def test_each_run_s_theme_and_sheet_show_its_own_clusters(renamed_runs: Path):
    root = parse((renamed_runs / "compare.qgs").read_text(encoding="utf-8"))
    themes = {p.get("name"): [n.get("id") for n in p.findall("layer") if n.get("visible") == "1"]
              for p in root.findall("visibility-presets/visibility-preset")}
    legends = {layout.get("name"): [n.get("id") for i in layout.findall("LayoutItem") if i.get("id") == "legend"
                                    for n in i.iter("layer-tree-layer")]
               for layout in root.findall("Layouts/Layout")}
    for name, own in OWN.items():
        assert sorted(themes[name]) == sorted(own)
        assert legends[name] == own


def test_the_panel_s_order_is_the_drawing_order(renamed_runs: Path):
    """No custom rendering order: QGIS draws the panel top down, which for the run shown is
    plan.qgs's order."""
    root = parse((renamed_runs / "compare.qgs").read_text(encoding="utf-8"))
    assert root.find("layer-tree-group/custom-order") is None
    assert [n.get("id") for n in root.find("layer-tree-group").iter("layer-tree-layer")] == [
        *OWN["a (baseline)"], *OWN["b"]]


PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsLayoutItemMap, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
result = {"read": project.read(sys.argv[1]), "layouts": {}, "canvas": {}}
root = project.layerTreeRoot()
result["custom"] = root.hasCustomLayerOrder()
result["order"] = [layer.id() for layer in root.layerOrder()]
for layout in project.layoutManager().printLayouts():
    frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
    result["layouts"][layout.name()] = [layer.id() for layer in frame.layersToRender()]
runs = root.findGroup(sys.argv[2])
for group in runs.children():
    group.setItemVisibilityChecked(True)  # ticking a run unticks the others (a mutually exclusive group)
    shown = [layer.id() for layer in root.layerOrder() if root.findLayer(layer.id()).isVisible()]
    result["canvas"][group.name()] = shown
clusters = {}
for layer_id in ("clusters_a_layer", "clusters_b_layer"):
    layer = project.mapLayer(layer_id)
    clusters[layer_id] = sorted(feature["name"] for feature in layer.getFeatures()) if layer else None
result["clusters"] = clusters
print(json.dumps(result))
app.exitQgis()
'''


def test_qgis_draws_each_run_s_own_clusters_in_the_panel_s_order(
        qgis: None, renamed_runs: Path, tmp_path: Path):  # noqa: F811
    """In QGIS 3.22: no custom layer order; the canvas, with either run ticked, and each run's
    sheet draw that run's layers in plan.qgs's order, its own clusters among them."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(renamed_runs / "compare.qgs"), RUNS_GROUP],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["read"] is True
    assert result["custom"] is False
    assert result["order"] == [*OWN["a (baseline)"], *OWN["b"]]
    assert result["layouts"] == OWN
    assert result["canvas"] == OWN
    assert result["clusters"] == {"clusters_a_layer": ["East", "West"], "clusters_b_layer": ["East", "West bank"]}
