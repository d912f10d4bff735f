"""What the red line's legends and the web map's popups say of distances and tonnages:
1. a red-line category's legend label is true for every product: the buffer every product keeps
   and, where a setback reaches farther for some products, the farthest ("lake (excluded within
   1,000 m, up to 3,000 m for some products)"), in redline.qml, plan.qgs and the web map's popup
   (siting/deliver/styles.py `exclusion_reach`);
2. compare.qgs shows each run's own red line in its group, so that a run's sheet keys that run's
   distances and no other's, and draws every layer in plan.qgs's order, the clusters over the red
   line (siting/deliver/qgisproject.py `compare_project_text`; each run's own clusters:
   tests/test_compare_own_clusters.py);
3. the web map's popups give yearly tonnages in t/yr, as map.png and report.md do.

Two runs of the small scenario (tests/data/small: one red-line polygon, the lake "Test lake", a
1 km buffer): `a` as shipped, and `b` adding a 3 km lake setback for cells. In a, every product
keeps 1,000 m from the lake; in b, cells 3,000 m and every other product 1,000 m.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.cli import main
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.qgisproject import compare_project_text
from siting.deliver.styles import diff_style, exclusion_reach, redline_style
from siting.deliver.webmap import flow_features, on_site_features, redline_features, source_features
from tests.conftest import MadeRun, copied

DATA = Path(__file__).parent / "data" / "small"
#: The lake's legend label in each run.
A_LAKE = "lake (excluded within 1,000 m)"
B_LAKE = "lake (excluded within 1,000 m, up to 3,000 m for some products)"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def categories(qml: ET.Element) -> list[tuple[str | None, str | None]]:
    """(value, label) of each category of a style's (or a project layer's) renderer."""
    return [(c.get("value"), c.get("label")) for c in qml.findall("renderer-v2/categories/category")]


def redline(rows: list[tuple[str, bool, float, float]]) -> OutputLayer:
    """A red-line layer of one square per (category, used, buffer_m, max_distance_m)."""
    frame = gpd.GeoDataFrame(
        {"id": [f"z{n}" for n in range(len(rows))], "name": [f"zone {n}" for n in range(len(rows))],
         "category": [r[0] for r in rows], "used": [r[1] for r in rows], "buffer_m": [r[2] for r in rows],
         "max_distance_m": [r[3] for r in rows], "area_km2": [1.0] * len(rows)},
        geometry=[shapely.box(102.0 + n, 25.0, 102.5 + n, 25.5) for n in range(len(rows))], crs="EPSG:4326")
    return make_layer("redline", "Red line", frame, list(frame.columns.drop("geometry")), None, "Polygon")


# --- 1. the label of a red-line category ----------------------------------------------------------

def test_exclusion_reach_is_true_for_every_product():
    assert exclusion_reach(1000.0, 5000.0) == "within 1,000 m, up to 5,000 m for some products"
    assert exclusion_reach(1000.0, 1000.0) == "within 1,000 m"
    assert exclusion_reach(0.0, 0.0) == "inside"
    assert exclusion_reach(0.0, 5000.0) == "inside, within 5,000 m for some products"


def test_redline_style_labels_the_buffer_every_product_keeps_and_the_farthest_setback():
    """The lake: 1 km for every product, 5 km for some (two polygons, one 5 km); the reserve: 1
    km for every product; the scenic area: not counted; the pond: no buffer, a 2 km setback."""
    layer = redline([("lake", True, 1000.0, 1000.0), ("lake", True, 1000.0, 5000.0),
                     ("nature_reserve", True, 1000.0, 1000.0), ("scenic_area", False, 0.0, 0.0),
                     ("pond", True, 0.0, 2000.0)])
    assert categories(ET.fromstring(redline_style(layer).split("\n", 1)[1])) == [
        ("lake", "lake (excluded within 1,000 m, up to 5,000 m for some products)"),
        ("nature_reserve", "nature reserve (excluded within 1,000 m)"),
        ("pond", "pond (excluded inside, within 2,000 m for some products)"),
        ("scenic_area", "scenic area (not used by the red-line rule)")]


def test_the_web_map_s_red_line_popup_says_the_same():
    lake, reserve, scenic = redline_features(redline([("lake", True, 1000.0, 5000.0),
                                                      ("nature_reserve", True, 1000.0, 1000.0),
                                                      ("scenic_area", False, 0.0, 0.0)]))
    assert lake["properties"]["popup"] == (
        '<div class="popup"><b>zone 0</b><table><tr><th>category</th><td>lake</td></tr>'
        "<tr><th>used by the red-line rule</th><td>yes</td></tr><tr><th>area</th><td>1 km2</td></tr>"
        "<tr><th>sites excluded</th><td>within 1,000 m, up to 5,000 m for some products</td></tr></table></div>")
    assert "<tr><th>sites excluded</th><td>within 1,000 m</td></tr></table>" in reserve["properties"]["popup"]
    assert "sites excluded" not in scenic["properties"]["popup"]


# --- 2. compare.qgs: each run's own red line ------------------------------------------------------

@pytest.fixture(scope="module")
def setback_runs(small_run: MadeRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A comparison folder: a/ (a copy of conftest's `small_run`), b/ (b solved), and a
    diff.geojson of b against a with e_city unchanged."""
    base = tmp_path_factory.mktemp("setback_runs")
    shutil.copytree(DATA, base / "data")
    (base / "data" / "b.yaml").write_text(
        "extends: scenario.yaml\nname: b\nconstraints:\n  redline:\n    setbacks_m: {cells: {lake: 3000}}\n",
        encoding="utf-8")
    copied(small_run.out, base / "runs" / "a")
    assert main(["solve", str(base / "data" / "b.yaml"), "--out", str(base / "runs" / "b")]) == 0
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


#: Each run's layers on its sheet (its own, as its plan.qgs shows them, its clusters among them),
#: in the drawing order.
KINDS = ["sources", "sites", "hubs", "product_flows", "flows", "clusters", "redline_zones", "redline"]
SHEETS = {"a (baseline)": [f"{kind}_a_layer" for kind in KINDS],
          "b": ["diff_b_layer", *(f"{kind}_b_layer" for kind in KINDS)]}
DRAWN = SHEETS


def test_a_single_run_s_red_line_legend_holds_for_every_product(setback_runs: Path):
    """b's redline.qml and plan.qgs: cells keep 3 km from the lake, the other products 1 km."""
    assert categories(parse((setback_runs / "b" / "redline.qml").read_text(encoding="utf-8"))) == [("lake", B_LAKE)]
    plan = parse((setback_runs / "b" / "plan.qgs").read_text(encoding="utf-8"))
    (layer,) = [n for n in plan.findall("projectlayers/maplayer") if n.findtext("id") == "redline_layer"]
    assert categories(layer) == [("lake", B_LAKE)]


def test_each_run_s_group_holds_its_own_red_line_with_its_own_distances(setback_runs: Path):
    root = parse((setback_runs / "compare.qgs").read_text(encoding="utf-8"))
    between = [("hubs and the gateway", "hubs"), ("product flows (per year)", "product_flows"),
               ("raw-material flows (t/yr)", "flows")]
    assert [(n.get("name"), n.get("source")) for n in root.find("layer-tree-group").iter("layer-tree-layer")] == [
        ("a: raw-material sources (t/yr)", "./a/plan.gpkg|layername=sources"),
        ("a: sites", "./a/plan.gpkg|layername=sites"),
        *((f"a: {name}", f"./a/plan.gpkg|layername={kind}") for name, kind in between),
        ("a: clusters", "./a/plan.gpkg|layername=clusters"),
        ("a: red-line zones (buffer 1 km)", "./a/plan.gpkg|layername=redline_zones"),
        ("a: red line", "./a/plan.gpkg|layername=redline"),
        ("b: changes against a", "./diff.geojson|subset=\"scenario\" = 'b'"),
        ("b: raw-material sources (t/yr)", "./b/plan.gpkg|layername=sources"),
        ("b: sites", "./b/plan.gpkg|layername=sites"),
        *((f"b: {name}", f"./b/plan.gpkg|layername={kind}") for name, kind in between),
        ("b: clusters", "./b/plan.gpkg|layername=clusters"),
        ("b: red-line zones (buffer 1 km, setbacks up to 3 km)", "./b/plan.gpkg|layername=redline_zones"),
        ("b: red line", "./b/plan.gpkg|layername=redline")]
    layers = {n.findtext("id"): n for n in root.findall("projectlayers/maplayer")}
    assert (categories(layers["redline_a_layer"]), categories(layers["redline_b_layer"])) == (
        [("lake", A_LAKE)], [("lake", B_LAKE)])
    assert layers["redline_b_layer"].findtext("abstract") == (
        "b's red-line polygons by category (its plan.gpkg), each with how far b's red-line rule excludes sites "
        "around it.")
    themes = {p.get("name"): [n.get("id") for n in p.findall("layer") if n.get("visible") == "1"]
              for p in root.findall("visibility-presets/visibility-preset")}
    layouts = {layout.get("name"): layout for layout in root.findall("Layouts/Layout")}
    for name, own in SHEETS.items():
        (legend,) = [i for i in layouts[name].findall("LayoutItem") if i.get("id") == "legend"]
        assert [n.get("id") for n in legend.iter("layer-tree-layer")] == own
        assert sorted(themes[name]) == sorted(own)
    # Drawn as the panel lists them, which is plan.qgs's order: the changes and sites over the
    # clusters, over the zones and red line; no custom rendering order.
    assert root.find("layer-tree-group/custom-order") is None


PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsLayoutItemLegend, QgsLayoutItemMap, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
result = {"read": project.read(sys.argv[1]), "layouts": {}}
for layout in project.layoutManager().printLayouts():
    legend = next(i for i in layout.items() if isinstance(i, QgsLayoutItemLegend))
    frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
    model = legend.model()
    lines = []
    def walk(index, depth):
        for row in range(model.rowCount(index)):
            child = model.index(row, 0, index)
            lines.append([depth, model.data(child, 0)])
            walk(child, depth + 1)
    walk(model.index(-1, -1), 0)
    result["layouts"][layout.name()] = {"legend": lines, "drawn": [layer.id() for layer in frame.layersToRender()]}
print(json.dumps(result))
app.exitQgis()
'''


def test_qgis_prints_each_run_s_red_line_on_its_own_sheet_under_the_clusters(
        qgis: None, setback_runs: Path, tmp_path: Path):  # noqa: F811
    """In QGIS 3.22: b's sheet keys b's red line with b's distances and no other run's; each
    sheet's map draws the clusters over its red-line zones and red line."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(setback_runs / "compare.qgs")], capture_output=True,
                          text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["read"] is True
    for name, drawn in DRAWN.items():
        assert result["layouts"][name]["drawn"] == drawn
    lines = result["layouts"]["b"]["legend"]
    # each sheet keys its run's layers by their plain titles (the sheet's title names the run)
    red = lines.index([0, "Red line"])
    assert lines[red + 1:] == [[1, B_LAKE]]
    assert [0, "Clusters"] in lines[:red] and lines.count([0, "Clusters"]) == 1
    assert [text for _depth, text in lines if "red line" in text.lower()] == ["Red line"]
    assert A_LAKE not in [text for _depth, text in lines]
    baseline = result["layouts"]["a (baseline)"]["legend"]
    assert baseline[baseline.index([0, "Red line"]) + 1] == [1, A_LAKE]


# --- 3. tonnages per year in the web map's popups -------------------------------------------------

def test_the_web_map_s_popups_give_yearly_tonnes_in_t_per_yr():
    """Site s1 stands on the source "rock" and draws 50,000 t/yr from it in 2024; the source ships
    20,000 t/yr in 2024 to a site 10 km away (flow f1)."""
    sites = gpd.GeoDataFrame({"id": ["s1"], "name": ["North park"], "on_site_sources": ["rock"],
                              "on_site_t_2023": [0.0], "on_site_t_2024": [50000.0]},
                             geometry=[shapely.Point(102.0, 25.0)], crs="EPSG:4326")
    sources = gpd.GeoDataFrame({"id": ["rock"], "name": ["Rock pit"], "resource": ["phosphate_rock"],
                                "status": ["producing"], "supply_t_per_yr": [90000.0], "in_model": [True],
                                "shipped_t_2023": [0.0], "shipped_t_2024": [20000.0]},
                               geometry=[shapely.Point(102.0, 25.0)], crs="EPSG:4326")
    flows = gpd.GeoDataFrame({"id": ["f1"], "source": ["rock"], "site": ["s2"], "resource": ["phosphate_rock"],
                              "km": [10.0], "tonnes_2023": [0.0], "tonnes_2024": [20000.0]},
                             geometry=[shapely.LineString([(102.0, 25.0), (102.1, 25.0)])], crs="EPSG:4326")
    site_layer, source_layer, flow_layer = (
        make_layer(name, name, frame, list(frame.columns.drop("geometry")), None, kind)
        for name, frame, kind in (("sites", sites, "Point"), ("sources", sources, "Point"),
                                  ("flows", flows, "LineString")))
    (ring,) = on_site_features(site_layer, source_layer, [2023, 2024])
    assert ring["properties"]["popup"].endswith(
        "<tr><th>drawn from sources on site 2023</th><td>0 t/yr</td></tr>"
        "<tr><th>drawn from sources on site 2024</th><td>50,000 t/yr</td></tr></table></div>")
    (source,) = source_features(source_layer, [2023, 2024], {})
    assert source["properties"]["popup"].endswith(
        "<tr><th>shipped 2023</th><td>0 t/yr</td></tr><tr><th>shipped 2024</th><td>20,000 t/yr</td></tr>"
        "</table></div>")
    (flow,) = flow_features(flow_layer, [2023, 2024], {})
    assert "<tr><th>2023</th><td>0 t/yr</td></tr><tr><th>2024</th><td>20,000 t/yr</td></tr>" in (
        flow["properties"]["popup"])
