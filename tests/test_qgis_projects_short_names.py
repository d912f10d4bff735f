"""The QGIS projects and the comparison's style, as a GIS analyst checks them:
- diff.qml names diff.geojson's capacity fields with unit and years, and draws the changes of a
  run within solver tolerance of the baseline apart (hollow or hatched), saying that they are
  between plans of indistinguishable cost, not shown to be effects of the change;
- compare.qgs names such a run's layer so and notes it on that run's print layout, loads the red-line
  zones of the baseline and of every run whose zones differ, draws every run's pies on one capex
  scale, and names each site once;
- plan.qgs names its layers shortly (the full title in the layer's abstract), gives the gateway
  no cluster (null), and measures on the WGS 84 ellipsoid;
- conflicts.png's and robustness.png's north arrow leaves a mark in the upper right corner.

Two runs of the small scenario: `a` as shipped (rel_gap 0, buffer 1 km, cells 10 GWh), `b` with a
3 km red-line buffer and 20 GWh of cells (a larger plan: its largest capex is above a's).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from siting.cli import main
from siting.deliver.qgisproject import ELLIPSOID, compare_project_text
from siting.deliver.styles import (
    CHANGE_CLASS,
    CHANGE_COLOURS,
    INDISTINGUISHABLE,
    RunDifference,
    change_aliases,
    diff_changes,
    diff_runs,
    diff_style,
    rgba,
)
from tests.conftest import MadeRun, copied

DATA = Path(__file__).parent / "data" / "small"
QGIS_PYTHON = os.environ.get("SITING_QGIS_PYTHON", "/usr/bin/python3")


def parse_text(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


@pytest.fixture(scope="module")
def two_runs(small_run: MadeRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the outputs of runs `a` and `b` (see the module docstring) in a/ and b/; a/ is
    a copy of conftest's `small_run`."""
    base = tmp_path_factory.mktemp("two_runs")
    shutil.copytree(DATA, base / "data")
    (base / "data" / "b.yaml").write_text(
        "extends: scenario.yaml\nname: b\nconstraints:\n  redline: {buffer_m: 3000}\n"
        "targets:\n  capacity:\n    cells: {2024: 20}\n", encoding="utf-8")
    copied(small_run.out, base / "runs" / "a")
    assert main(["solve", str(base / "data" / "b.yaml"), "--out", str(base / "runs" / "b")]) == 0
    return base / "runs"


def diff_text(verdict: str, low: float | None, high: float | None) -> str:
    """diff.geojson of b against a, b's objective difference as given."""
    return json.dumps({"type": "FeatureCollection", "name": "diff", "features": [
        {"type": "Feature", "id": f"{site}@b", "geometry": {"type": "Point", "coordinates": [102.5, 25.0]},
         "properties": {"id": f"{site}@b", "site": site, "scenario": "b", "baseline": "a", "change": change,
                        "objective_difference": verdict, "objective_difference_low_bn_yuan": low,
                        "objective_difference_high_bn_yuan": high, "forced": False}}
        for site, change in (("w_mine", "resized"), ("e_city", "unchanged"))]})


# --- diff.qml ------------------------------------------------------------------------------------

def test_diff_fields_are_named_with_unit_and_years():
    """base_/new_<product> hold the capacity added over the plan's years, in the product's unit per year."""
    aliases = change_aliases(["lfp", "cells"], {"lfp": "t", "cells": "GWh"}, "a", [2022, 2023, 2024],
                             [[2022, 2023, 2024]])
    assert aliases == {
        "id": "site and run compared (site@run)",
        "site": "site (its id in the runs' sites.geojson: the key to join the layers on)",
        "name": "site name (whole, as the runs' sites.geojson gives it)",
        "scenario": "run compared with the baseline a (its column in comparison.csv or row in sweep.csv)",
        "baseline": "baseline run (a), whose plan this run is compared with",
        "change": ("change against the baseline a (added, removed, resized, options changed or unchanged): the new "
                   "capacity this run adds here against the baseline's; options changed: the same, but other "
                   "products admitted or other land free"),
        "folder": "folder of this run (in the comparison or sweep folder)",
        "base_lfp": "LFP added 2022-2024, baseline a (t/yr)", "new_lfp": "LFP added 2022-2024, this run (t/yr)",
        "base_cells": "Cells added 2022-2024, baseline a (GWh/yr)",
        "new_cells": "Cells added 2022-2024, this run (GWh/yr)",
        "kept_out_base": "products kept out, baseline a", "kept_out_new": "products kept out, this run",
        "land_free_ha_base": "land free for new modules, baseline a (ha)",
        "land_free_ha_new": "land free for new modules, this run (ha)",
        "forced": "forced by this run's rules (they keep out what a built here, or leave no land for new modules)",
        "objective_difference": (
            "objective difference against a (proven, within solver tolerance, same plan or not comparable)"),
        "objective_difference_low_bn_yuan": "objective difference, proven low (bn yuan)",
        "objective_difference_high_bn_yuan": "objective difference, proven high (bn yuan)"}
    assert change_aliases(["lfp"], {"lfp": "t"}, "a", [2023, 2024], [[2023, 2024], [2024]])["new_lfp"] == (
        "LFP added over each run's years, this run (t/yr)")
    root = parse_text(diff_style("Point", None, aliases))
    assert {a.get("field"): a.get("name") for a in root.findall("aliases/alias")} == aliases


def test_changes_within_solver_tolerance_are_drawn_apart_and_said_to_be_no_effect():
    text = diff_text("within solver tolerance", -0.201991892, 0.159)
    assert diff_changes(text) == {"b": ("unchanged", "resized:indistinguishable")}
    assert diff_runs(text) == {"b": RunDifference("within solver tolerance", -0.201991892, 0.159)}
    assert diff_runs(text)["b"].range_text() == "-0.21 to 0.16 bn yuan"
    root = parse_text(diff_style("Point", set(diff_changes(text)["b"])))
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("attr") == CHANGE_CLASS == (
        "\"change\" || if(\"objective_difference\" = 'within solver tolerance' AND \"change\" IN ('added', "
        "'removed', 'resized') AND NOT \"forced\", ':indistinguishable', '')")
    categories = renderer.findall("categories/category")
    assert [(c.get("value"), c.get("label")) for c in categories] == [
        ("unchanged", "Unchanged"),
        ("resized:indistinguishable", "Resized: other new capacity than in the baseline (within solver tolerance: "
                                      "plans of indistinguishable cost, not shown to be effects of the change)")]
    (resized,) = [c.get("symbol") for c in categories if c.get("value") == "resized:indistinguishable"]
    (symbol,) = [s for s in renderer.findall("symbols/symbol") if s.get("name") == resized]
    hollow = {o.get("name"): o.get("value") for o in symbol.find("layer/Option")}
    assert (hollow["color"], hollow["outline_color"]) == (rgba(CHANGE_COLOURS["resized"], 0),
                                                          rgba(CHANGE_COLOURS["resized"]))
    fill = parse_text(diff_style("MultiPolygon", {"added:indistinguishable"})).find(
        "renderer-v2/symbols/symbol/layer/Option")
    assert {o.get("name"): o.get("value") for o in fill}["style"] == "b_diagonal"
    # A proven difference keeps the plain classes, classified by `change` alone.
    proven = diff_text("proven", -0.67, -0.27)
    assert diff_changes(proven) == {"b": ("resized", "unchanged")}
    assert parse_text(diff_style("Point", {"resized", "unchanged"})).find("renderer-v2").get("attr") == "change"


# --- compare.qgs -----------------------------------------------------------------------------------

def compare_root(runs: Path, verdict: str, low: float | None, high: float | None) -> ET.Element:
    diff = diff_text(verdict, low, high)
    changes = diff_changes(diff)
    text = compare_project_text(runs, [("a", "a"), ("b", "b")], "Point",
                                diff_style("Point", {c for run in changes.values() for c in run}), changes,
                                diff_runs(diff))
    assert text is not None
    return parse_text(text)


def test_compare_project_says_a_run_within_tolerance_shows_no_effect(two_runs: Path):
    root = compare_root(two_runs, "within solver tolerance", -0.201991892, 0.159)
    layers = {n.findtext("id"): n for n in root.findall("projectlayers/maplayer")}
    diff = layers["diff_b_layer"]
    assert diff.findtext("layername") == f"b vs a: {INDISTINGUISHABLE}"
    assert diff.findtext("abstract") == (
        "Sites where b's plan adds other new capacity than the baseline a's (diff.geojson, its features of b). The "
        "objective difference is within solver tolerance (proven range -0.21 to 0.16 bn yuan): the solver has not "
        "shown which of the two plans costs less, so these changes are between plans of indistinguishable cost, "
        "not shown to be effects of the change.")
    assert diff.findtext("resourceMetadata/abstract") == diff.findtext("abstract")
    notes = [i for i in root.iter("LayoutItem") if i.get("id") == "note"]
    assert [n.get("labelText") for n in notes] == [
        "b against a: objective difference within solver tolerance (proven range -0.21 to 0.16 bn yuan). Its "
        "changes on this map (hollow) are between plans of indistinguishable cost, not shown to be effects of the "
        "change."]
    (layout,) = [layout for layout in root.findall("Layouts/Layout") if layout.get("name") == "b"]
    legend = next(i for i in layout.iter("LayoutItem") if i.get("id") == "legend")
    (note,) = notes
    assert float(legend.get("size", "0,0").split(",")[1]) < float(note.get("position", "0,0").split(",")[1]) - float(
        legend.get("position", "0,0").split(",")[1])
    # A proven difference: the layer's usual name, no note.
    proven = compare_root(two_runs, "proven", -0.67, -0.27)
    first = proven.find("projectlayers/maplayer")
    assert first is not None and first.findtext("layername") == "b: changes against a"
    assert not [i for i in proven.iter("LayoutItem") if i.get("id") == "note"]


def test_compare_project_loads_each_run_s_red_line_zones_where_they_differ(two_runs: Path, tmp_path: Path):
    """Each run's group holds its own clusters, zones and red line; each run's print layout keys its own."""
    root = compare_root(two_runs, "proven", -0.67, -0.27)
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
        ("b: red-line zones (buffer 3 km)", "./b/plan.gpkg|layername=redline_zones"),
        ("b: red line", "./b/plan.gpkg|layername=redline")]
    zones = next(n for n in root.findall("projectlayers/maplayer") if n.findtext("id") == "redline_zones_b_layer")
    assert zones.findtext("abstract") == ("b's red-line exclusion zones as buffered (its redline_zones.geojson): "
                                          "buffer: lake 3000 m around every red-line polygon.")
    # A run with the same zones as the baseline shows its own with its sites, and keys them on its own sheet.
    for sub in ("a", "c"):
        shutil.copytree(two_runs / "a", tmp_path / sub)
    text = compare_project_text(tmp_path, [("a", "a"), ("c", "c")], "Point", diff_style("Point"))
    assert text is not None
    same = parse_text(text)
    assert [n.get("name") for n in same.find("layer-tree-group").iter("layer-tree-layer")
            if "zones" in (n.get("name") or "")] == ["a: red-line zones (buffer 1 km)",
                                                     "c: red-line zones (buffer 1 km)"]
    keyed = {layout.get("name"): [n.get("name") for n in layout.iter("layer-tree-layer")
                                  if "zones" in (n.get("name") or "")] for layout in same.findall("Layouts/Layout")}
    assert keyed == {"a (baseline)": ["a: red-line zones (buffer 1 km)"], "c": ["c: red-line zones (buffer 1 km)"]}


def test_compare_project_sizes_every_run_s_pies_on_one_scale_and_labels_its_own_sites(two_runs: Path):
    capex = {run: {f["id"]: f["properties"]["capex_yuan"] for f in json.loads(
        (two_runs / run / "sites.geojson").read_text())["features"]} for run in ("a", "b")}
    top = max(max(run.values()) for run in capex.values())
    assert max(capex["b"].values()) == top > max(capex["a"].values())
    root = compare_root(two_runs, "proven", -0.67, -0.27)
    layers = {n.findtext("id"): n for n in root.findall("projectlayers/maplayer")}
    for run in ("a", "b"):
        sites = layers[f"sites_{run}_layer"]
        assert sites.find("LinearlyInterpolatedDiagramRenderer").get("upperValue") == f"{top:.6g}"
        sizes = [o.get("value") for o in sites.iter("Option") if o.get("name") == "expression"
                 and "capex_yuan" in (o.get("value") or "")]
        assert f'scale_exp("capex_yuan", 0, {top:.6g}, 2, 14, 0.5)' in sizes
        built = next(c for c in sites.findall("renderer-v2/categories/category") if c.get("value") == "built")
        assert built.get("label").endswith(f"; largest {top / 1e9:.2f} bn yuan, the largest of every run)")
    built_in_a = sorted(site for site, value in capex["a"].items() if value > 0)
    assert built_in_a == ["e_city", "e_far", "w_mine"]
    # One run is shown at a time: each labels its own sites.
    for run in ("a", "b"):
        names = layers[f"sites_{run}_layer"].find("labeling/rules/rule[@description='names']/settings")
        assert names.find("text-style").get("fieldName") == (
            "if(\"status\" = 'built', \"name\", '')")


# --- plan.qgs and the layers ---------------------------------------------------------------------

def test_plan_project_names_its_layers_shortly_and_measures_on_the_ellipsoid(two_runs: Path):
    root = parse_text((two_runs / "a" / "plan.qgs").read_text())
    names = [n.findtext("layername") for n in root.findall("projectlayers/maplayer")]
    assert names == ["Raw-material sources (t/yr)", "Candidate sites by status", "Hubs and the gateway",
                     "Product flows (per year)", "Raw-material flows (t/yr)", "Clusters", "Red-line exclusion zones",
                     "Red-line polygons as used"]
    assert max(map(len, names)) <= 30
    flows = root.findall("projectlayers/maplayer")[3]
    assert flows.findtext("abstract") == (
        "Product flows between sites, hubs and the gateway (per year, in each product's unit); final year 2024 shown "
        "(2023: tick in the layer panel); width ∝ amount per year (3 mm = 300,000 t/yr or 8 GWh/yr); the lines of "
        "one leg side by side")
    assert flows.findtext("resourceMetadata/title") == "Product flows (per year)"
    assert root.findall("projectlayers/maplayer")[1].findtext("abstract").startswith(  # the pies' meaning and scale
        "Candidate sites by status; built sites as pies of the output value of the capacity added by product; "
        "pie area ∝ capex; largest ")
    legend = {n.get("id"): {o.get("name"): o.get("value") for o in n.findall("customproperties/Option/Option")}
              for n in root.iter("layer-tree-layer") if n.find("customproperties/Option") is not None}
    assert legend["product_flows_layer"]["legend/title-label"].replace("\n", " ") == (
        "Product flows (per year) final year 2024 shown (2023: tick in the layer panel) width ∝ amount per year "
        "(3 mm = 300,000 t/yr or 8 GWh/yr) the lines of one leg side by side")
    assert root.find("properties/Measure/Ellipsoid").text == ELLIPSOID == "EPSG:7030"


def test_the_gateway_is_in_no_cluster(two_runs: Path):
    hubs = json.loads((two_runs / "a" / "hubs.geojson").read_text())
    assert [(f["properties"]["kind"], f["properties"]["cluster"]) for f in hubs["features"]] == [
        ("hub", "west"), ("hub", "east"), ("gateway", None)]
    with sqlite3.connect(two_runs / "a" / "plan.gpkg") as db:
        assert db.execute("SELECT kind, cluster FROM hubs ORDER BY fid").fetchall() == [
            ("hub", "west"), ("hub", "east"), ("gateway", None)]


PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False); app.initQgis()
project = QgsProject.instance()
assert project.read(sys.argv[1])
layers = [[l.name(), l.isValid(), l.abstract(), l.metadata().abstract()] for l in
          (node.layer() for node in project.layerTreeRoot().findLayers())]
print(json.dumps({"ellipsoid": project.ellipsoid(), "layers": layers}))
app.exitQgis()
'''


def test_qgis_reads_the_ellipsoid_and_the_abstracts(two_runs: Path, tmp_path: Path):
    if not Path(QGIS_PYTHON).exists() or subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"],
                                                        capture_output=True).returncode != 0:
        pytest.skip(f"no QGIS Python bindings for {QGIS_PYTHON}")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    done = subprocess.run([QGIS_PYTHON, str(probe), str(two_runs / "a" / "plan.qgs")], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["ellipsoid"] == "EPSG:7030"
    flows = facts["layers"][3]  # under the sources, the sites and the hubs
    assert flows[:2] == ["Product flows (per year)", True]
    assert flows[2] == flows[3] and flows[2].startswith("Product flows between sites, hubs and the gateway")


# --- the explore maps' north arrow ---------------------------------------------------------------

def test_the_explore_maps_north_arrow_leaves_a_mark_in_its_corner():
    """A mark of 20 points' radius in the upper right corner, under the arrow's usual place: the
    arrow stands elsewhere, clear of it, and labels placed later keep off the arrow."""
    import geopandas as gpd
    import pyproj
    import shapely
    from matplotlib.text import Annotation

    from siting.deliver.explore import _figure, _map_furniture
    from siting.deliver.mapplot import NORTH_ARROW_AT

    figure, ax = _figure()
    frame = gpd.GeoDataFrame(geometry=[shapely.box(500_000, 2_700_000, 600_000, 2_750_000)], crs="EPSG:32648")
    frame.plot(ax=ax, facecolor="none")
    ax.autoscale_view()
    ax.apply_aspect()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    corner = (x0 + 0.95 * (x1 - x0), y0 + 0.91 * (y1 - y0))
    placer = _map_furniture(figure, ax, pyproj.CRS("EPSG:32648"), [(corner[0], corner[1], 20.0)])
    (arrow,) = [t for t in ax.texts if isinstance(t, Annotation) and t.get_text() == "N"]
    assert arrow.get_position() != NORTH_ARROW_AT
    box = arrow.get_window_extent(figure.canvas.get_renderer())
    cx, cy = ax.transData.transform(corner)
    radius = 20.0 * figure.canvas.get_renderer().points_to_pixels(1.0)
    assert box.x1 < cx - radius or box.x0 > cx + radius or box.y1 < cy - radius or box.y0 > cy + radius
    assert placer.overlap(box) > 0  # the arrow is kept off by labels placed after it
    assert math.isclose(arrow.xy[1] - arrow.get_position()[1], 0.08)
