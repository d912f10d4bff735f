"""The runs of a comparison or sweep share one capex scale beyond map.png (tests/test_batch_pie_scale.py):
report.html's interactive map sizes the built sites' markers on it (siting/deliver/webmap.py
`with_marker_scale`) and plan.qgs its pies and circles, its print legend saying so
(siting/deliver/qgisproject.py `with_sites_capex_scale`); compare.qgs shows one run at a time.

A built site's marker radius is 6 px plus 10 px x sqrt(capex / scale) (`_radius`). The small
scenario compared with b (conftest's `small_compare_run`; capex as tests/test_batch_pie_scale.py
derives it): the baseline builds w_mine 4 bn yuan, e_city 2 bn and e_far 3.5 bn; b w_mine 5.5 bn
(the largest of both runs: the scale), e_city 2.5 bn, e_far 3.5 bn. On 5.5 bn yuan: e_far
6 + 10 x sqrt(3.5 / 5.5) = 13.98 px in both reports; w_mine 6 + 10 x sqrt(4 / 5.5) = 14.53 px in
the baseline's, 16 px in b's; e_city 6 + 10 x sqrt(2 / 5.5) = 12.03 px and 6 + 10 x sqrt(2.5 / 5.5)
= 12.74 px. (On its own scale, 4 bn, the baseline drew w_mine at 16 px and e_far at
6 + 10 x sqrt(3.5 / 4) = 15.35 px.)
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.files import SolveOutcome, folder_project_layers, largest_built_capex, redraw_map
from siting.deliver.folders import changed_files
from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import BATCH_SCALE_WORDS, RUNS_GROUP, compare_project_text, with_sites_capex_scale
from siting.deliver.styles import diff_style, with_capex_scale
from siting.deliver.webmap import map_html, with_marker_scale
from siting.prepare.problem import prepare
from tests.conftest import MadeRun, copied

SCALE = 5.5e9


def map_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="plan-map-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


def built_markers(page: str) -> tuple[str, dict[str, float]]:
    """The built sites' overlay label (its text) and each marker's radius (px) by its tooltip."""
    (built,) = [o for o in map_data(page)["overlays"] if o["key"] == "sites-built"]
    return (re.sub(r"<[^>]+>", "", built["label"]),
            {f["properties"]["tooltip"]: f["properties"]["style"]["radius"] for f in built["data"]["features"]})


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def canonical(node: ET.Element | None) -> str:
    assert node is not None
    return ET.canonicalize(ET.tostring(node, encoding="unicode"), strip_text=True)


def options(node: ET.Element) -> dict[str, str]:
    return {o.get("name", ""): o.get("value", "") for o in node.iter("Option") if o.get("name")}


# --- the interactive map, by hand --------------------------------------------------------------

def hand_sites() -> list[Any]:
    """Two built sites, a of 4 bn yuan and b of 1 bn, and c eligible: on their own scale (4 bn)
    markers of 6 + 10 x sqrt(4 / 4) = 16 px and 6 + 10 x sqrt(1 / 4) = 11 px; on 16 bn yuan,
    6 + 10 x sqrt(4 / 16) = 11 px and 6 + 10 x sqrt(1 / 16) = 8.5 px."""
    frame = gpd.GeoDataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"], "cluster": ["w", "w", "w"],
                              "status": ["built", "built", "eligible_unused"], "capex_yuan": [4.0e9, 1.0e9, 0.0]},
                             geometry=[shapely.Point(102.0, 25.0), shapely.Point(102.1, 25.0),
                                       shapely.Point(102.2, 25.0)], crs="EPSG:4326")
    return [make_layer("sites", "Sites", frame, ["id", "name", "cluster", "status", "capex_yuan"])]


def page_of(top: float | None) -> str:
    return map_html(hand_sites(), ["lfp"], [2024], {"lfp": "t"}, marker_top_yuan=top)


def test_built_markers_follow_the_scale_given_and_their_label_states_it():
    assert built_markers(page_of(None)) == (
        "Sites: Built: new capacity (2; size by capex, full size 4.00 bn yuan)", {"A": 16.0, "B": 11.0})
    assert built_markers(page_of(16.0e9)) == (
        "Sites: Built: new capacity (2; size by capex, full size 16.00 bn yuan)", {"A": 11.0, "B": 8.5})


def test_a_written_page_put_on_another_scale_is_the_page_written_on_it():
    own, wide = page_of(None), page_of(16.0e9)
    assert with_marker_scale(own, 16.0e9) == wide
    assert with_marker_scale(wide, 4.0e9) == own
    assert with_marker_scale(own, 4.0e9) == own
    document = f"<html><body><p>before</p>{own}<p>after</p></body></html>"
    assert with_marker_scale(document, 16.0e9) == document.replace(own, wide)
    assert with_marker_scale("<p>no map</p>", 16.0e9) == "<p>no map</p>"
    with pytest.raises(ValueError) as below:
        with_marker_scale(own, 3.0e9)
    assert str(below.value) == ("the marker scale must be at least the largest built site's capex (4e+09 yuan), "
                                "got 3000000000.0")
    with pytest.raises(ValueError) as twice:
        with_marker_scale(own + own, 16.0e9)
    assert str(twice.value) == "the page must hold the map's data once, got 2 times"


# --- a comparison -----------------------------------------------------------------------------

def test_every_report_of_a_comparison_sizes_its_markers_on_one_scale(small_compare_run: MadeRun):
    out = small_compare_run.out
    label = "Sites: Built: new capacity (3; size by capex, full size 5.50 bn yuan)"
    markers = {run: built_markers((out / run / "report.html").read_text(encoding="utf-8")) for run in ("small", "b")}
    assert markers == {"small": (label, {"West mine park": 14.53, "East city": 12.03, "East far": 13.98}),
                       "b": (label, {"West mine park": 16.0, "East city": 12.74, "East far": 13.98})}


def test_every_plan_project_of_a_comparison_draws_its_pies_on_one_scale(small_compare_run: MadeRun):
    """The baseline's plan.qgs, drawn again, gives its sites b's style of scale (5.5 bn yuan),
    its print legend saying that is the largest of every run; b's own scale is the batch's."""
    out = small_compare_run.out
    ends = {"small": f"\nlargest 5.50 bn yuan{BATCH_SCALE_WORDS})", "b": "\nlargest 5.50 bn yuan)"}
    for run, words in (("small", BATCH_SCALE_WORDS), ("b", "")):
        root = parse((out / run / "plan.qgs").read_text(encoding="utf-8"))
        (sites,) = [n for n in root.findall("projectlayers/maplayer") if n.findtext("id") == "sites_layer"]
        style = parse(with_capex_scale((out / run / "sites.qml").read_text(encoding="utf-8"), SCALE, words))
        assert canonical(sites.find("renderer-v2")) == canonical(style.find("renderer-v2"))
        assert sites.find("LinearlyInterpolatedDiagramRenderer").get("upperValue") == "5.5e+09"
        legend = next(i for i in root.iter("LayoutItem") if i.get("id") == "legend")
        (keyed,) = [options(n) for n in legend.iter("layer-tree-layer") if n.get("id") == "sites_layer"]
        assert keyed["legend/label-0"].endswith(ends[run])
        hashes = json.loads((out / run / "manifest.json").read_text(encoding="utf-8"))["file_sha256"]
        for name in ("plan.qgs", "report.html"):
            assert hashes[name] == hashlib.sha256((out / run / name).read_bytes()).hexdigest()
    assert changed_files(out) == []


def outcome_of(folder: Path) -> SolveOutcome:
    solver = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["solver"]
    return SolveOutcome(solver["termination"], solver["objective_yuan"] is not None, solver["proven_within_gap"],
                        solver["objective_yuan"], solver["gap"])


PLAN_PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
read = project.read(sys.argv[1])
layers = [node.layer() for node in project.layerTreeRoot().findLayers()]
sites = next(layer for layer in layers if layer.id() == "sites_layer")
print(json.dumps({"read": read, "valid": all(layer.isValid() for layer in layers),
                  "upper": sites.diagramRenderer().upperValue()}))
app.exitQgis()
'''


def test_a_plan_project_drawn_again_changes_only_its_sites_scale_and_legend(
        qgis: None, provenance_run: MadeRun, tmp_path: Path):  # noqa: F811
    """The small scenario with counties, text columns and candidate cells (conftest's
    `provenance_run`): its plan.qgs put on its own scale is the one written, byte for byte (the
    legend keyed again from the layers read back); drawn again on twice its largest site, only
    the sites layer's style and the print legend change, and QGIS reads the pies' new scale."""
    folder = copied(provenance_run.out, tmp_path / "run")
    top = largest_built_capex(folder)
    written = (folder / "plan.qgs").read_text(encoding="utf-8")
    assert with_sites_capex_scale(written, *folder_project_layers(folder), top) == written
    prepared = prepare(provenance_run.scenario, {})
    assert redraw_map(folder, prepared, outcome_of(folder), 2 * top) is True
    before, after = parse(written), parse((folder / "plan.qgs").read_text(encoding="utf-8"))
    layers = {n.findtext("id"): n for n in before.findall("projectlayers/maplayer")}
    redrawn = {n.findtext("id"): n for n in after.findall("projectlayers/maplayer")}
    assert list(redrawn) == list(layers)
    # The hubs', sources' and lakes' names are placed again about the resized pies.
    changed = {i for i in layers if canonical(layers[i]) != canonical(redrawn[i])}
    assert "sites_layer" in changed and changed <= {"sites_layer", "hubs_plan_layer", "sources_layer", "redline_layer"}
    style = parse(with_capex_scale((folder / "sites.qml").read_text(encoding="utf-8"), 2 * top, BATCH_SCALE_WORDS))
    assert canonical(redrawn["sites_layer"].find("renderer-v2")) == canonical(style.find("renderer-v2"))
    items = {i.get("id"): i for i in before.iter("LayoutItem")}
    again = {i.get("id"): i for i in after.iter("LayoutItem")}
    assert [i for i in items if canonical(items[i]) != canonical(again[i])] == ["legend"]
    (keyed,) = [options(n) for n in again["legend"].iter("layer-tree-layer") if n.get("id") == "sites_layer"]
    assert keyed["legend/label-0"].endswith(f"\nlargest {2 * top / 1e9:.2f} bn yuan{BATCH_SCALE_WORDS})")
    assert changed_files(folder) == []
    assert redraw_map(folder, prepared, outcome_of(folder), 2 * top) is False
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin"}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PLAN_PROBE, str(folder / "plan.qgs")], capture_output=True, text=True,
                          timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"read": True, "valid": True, "upper": 2 * top}


# --- compare.qgs: one run at a time -------------------------------------------------------------

#: The kinds of a run's layers in compare.qgs, top to bottom: those of its plan.qgs.
KINDS = ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]
#: Their names after the run's label, as its plan.qgs names them.
NAMES = ["raw-material sources (t/yr)", "sites", "hubs and the gateway", "product flows (per year)",
         "raw-material flows (t/yr)", "clusters", "red-line zones (buffer 1 km)", "red line"]


def test_compare_project_groups_each_run_and_shows_the_baseline_alone(small_compare_run: MadeRun):
    root = parse((small_compare_run.out / "compare.qgs").read_text(encoding="utf-8"))
    (runs,) = root.findall("layer-tree-group/layer-tree-group")
    assert (runs.get("name"), runs.get("checked"), runs.get("mutually-exclusive"),
            runs.get("mutually-exclusive-child")) == (RUNS_GROUP, "Qt::Checked", "1", "0")
    assert [(g.get("name"), g.get("checked"), [n.get("id") for n in g.findall("layer-tree-layer")])
            for g in runs.findall("layer-tree-group")] == [
        ("small (baseline)", "Qt::Checked", [f"{kind}_small_layer" for kind in KINDS]),
        ("b", "Qt::Unchecked", ["diff_b_layer", *(f"{kind}_b_layer" for kind in KINDS)])]
    assert root.findall("layer-tree-group/layer-tree-layer") == []  # no context outlines in the small scenario


COMPARE_PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsExpression, QgsExpressionContext, QgsExpressionContextUtils,
                       QgsLayerTreeGroup, QgsProject)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
read = project.read(sys.argv[1])
root = project.layerTreeRoot()

def tree(node):
    return [[c.name(), c.itemVisibilityChecked(), c.isVisible(), c.isMutuallyExclusive(), tree(c)]
            if isinstance(c, QgsLayerTreeGroup) else [c.name(), c.isVisible(), c.layer().isValid()]
            for c in node.children()]

def labels(layer):
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    labeling = layer.labeling()  # rule-based: its names on the layout's map, and off it as its .qml
    settings = labeling.settings() if labeling.type() == "simple" else next(
        rule for rule in labeling.rootRule().children() if rule.description() == "names").settings()
    expression = QgsExpression(settings.fieldName)
    found = {}
    for feature in layer.getFeatures():
        context.setFeature(feature)
        if feature["status"] == "built":
            found[feature["id"]] = expression.evaluate(context)
    return found

result = {"read": read, "tree": tree(root)}
runs = root.children()[0]
runs.children()[1].setItemVisibilityChecked(True)
result["ticked"] = [[g.name(), g.itemVisibilityChecked()] for g in runs.children()]
result["shown"] = [layer.name() for layer in root.checkedLayers()]
result["labels"] = {layer.name(): labels(layer) for layer in project.mapLayers().values()
                    if layer.name().endswith(": sites")}
print(json.dumps(result))
app.exitQgis()
'''


def test_qgis_shows_the_baseline_and_ticking_a_run_shows_it_in_its_place(
        qgis: None, small_compare_run: MadeRun, tmp_path: Path):  # noqa: F811
    """In QGIS: the baseline's group ticked and drawn, b's present but unticked; ticking b unticks
    the baseline (one run at a time) and draws b's changes and the layers of its plan.qgs;
    each run's layer labels its own built sites."""
    out = copied(small_compare_run.out, tmp_path / "cmp")
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg"), "PATH": "/usr/bin:/bin"}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", COMPARE_PROBE, str(out / "compare.qgs")], capture_output=True,
                          text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["read"] is True
    assert result["tree"] == [
        [RUNS_GROUP, True, True, True, [
            ["small (baseline)", True, True, False, [[f"small: {name}", True, True] for name in NAMES]],
            ["b", False, False, False, [["b: changes against small", False, True],
                                        *([f"b: {name}", False, True] for name in NAMES)]]]]]
    assert result["ticked"] == [["small (baseline)", False], ["b", True]]
    assert result["shown"] == ["b: changes against small", *(f"b: {name}" for name in NAMES)]
    names = {"w_mine": "West mine park", "e_city": "East city", "e_far": "East far"}
    assert result["labels"] == {"small: sites": names, "b: sites": names}


def test_a_failed_baseline_shows_the_first_run_with_a_plan(small_compare_run: MadeRun, tmp_path: Path):
    """Without the baseline's plan there are no changes: b's group alone, ticked, not called
    the baseline."""
    (tmp_path / "small").mkdir()
    shutil.copytree(small_compare_run.out / "b", tmp_path / "b")
    text = compare_project_text(tmp_path, [("small", "small"), ("b", "b")], "Point", diff_style("Point"))
    assert text is not None
    (runs,) = parse(text).findall("layer-tree-group/layer-tree-group")
    assert [(g.get("name"), g.get("checked"), [n.get("id") for n in g.findall("layer-tree-layer")])
            for g in runs.findall("layer-tree-group")] == [
        ("b", "Qt::Checked", [f"{kind}_b_layer" for kind in KINDS])]
