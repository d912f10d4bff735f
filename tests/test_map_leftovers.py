"""What the maps say of flows without a line, of a batch's capex scale and of a comparison's changes:
1. map.png rings flows of no length, which have no line, as report.html's map rings them: a site
   drawing on a source standing on it, and a hub where products move on legs of no length (the
   gateway, or a site, standing at it), with a legend row, and labels saying what moves there
   (siting/deliver/mapplot.py `unlined_marks`); report.html's map rings a site's source on site
   too (siting/deliver/webmap.py `on_site_features`);
2. a product whose every flow is on a leg without a line still has an entry in the product
   flows' legends: plan.qgs's keys it with a dashed ring and what it moves, and report.html's note
   names it (siting/deliver/styles.py `unlined_only_label`, webmap.py `unlined_only_text`);
3. in a comparison or sweep, sites.qml and plan.gpkg's style of the sites draw their pies on the
   batch's one capex scale, as plan.qgs does (siting/deliver/files.py `redraw_map`);
4. compare.qgs draws the change of an added or resized site over its pie: QGIS draws diagrams
   (the pies) after every layer's symbols, so the change is also a label, which QGIS draws with
   the diagrams by z-index (siting/deliver/styles.py `change_marks`).

The hand-made plan of 1 and 2 is tests/test_webmap_flows.py's: hub n ("North hub", cluster
North) at (102.1, 25.1), the gateway "Port" at (102.5, 25.5), site s1 "North park, east area"
(built) at (102.0, 25.0), s2 "South park" at (102.2, 25.0).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from matplotlib.patches import Circle
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_webmap_flows import LEGS, PRODUCTS, UNITS, YEARS, flows_layer, map_data, places

from siting.deliver.files import folder_unlined_flows, layer_styles, set_geopackage_style, sites_styles_on_scale
from siting.deliver.folders import changed_files
from siting.deliver.layer import OutputLayer, feature_collection_text, make_layer
from siting.deliver.mapinfo import MapContext, MapTitle
from siting.deliver.mapplot import UNLINED_LABEL, UNLINED_RADIUS, map_figure, unlined_marks
from siting.deliver.qgisproject import BATCH_SCALE_WORDS, legend_nodes
from siting.deliver.styles import CHANGE_COLOURS, KEY_ONLY, capex_scale, rgba, with_capex_scale
from siting.deliver.webmap import map_html
from tests.conftest import MadeRun, copied

CRS = "EPSG:32648"
TITLE = MapTitle("t", "optimal", 0.0, 0.0, [2023, 2024])
CONTEXT = MapContext(units={"lfp": "t", "cells": "GWh", "fepo4": "t"}, values={"lfp": 1.0})


def sites_on_a_source() -> OutputLayer:
    """s1 "North park, east area", built (LFP), drawing 50,000 t of phosphate rock in 2024 (none
    in 2023) from the source "rock" standing on it; s2 "South park", eligible."""
    frame = gpd.GeoDataFrame(
        {"id": ["s1", "s2"], "name": ["North park, east area", "South park"], "cluster": ["n", "n"],
         "status": ["built", "eligible_unused"], "capex_yuan": [1.0e9, 0.0], "added_lfp_2024": [20000.0, 0.0],
         "on_site_sources": ["rock", ""], "on_site_t_2023": [0.0, 0.0], "on_site_t_2024": [50000.0, 0.0]},
        geometry=[shapely.Point(102.0, 25.0), shapely.Point(102.2, 25.0)], crs="EPSG:4326")
    return make_layer("sites", "Sites", frame, list(frame.columns.drop("geometry")))


def rock_source() -> OutputLayer:
    """The phosphate rock source "rock" ("Rock pit") at s1's point."""
    frame = gpd.GeoDataFrame({"id": ["rock"], "name": ["Rock pit"], "resource": ["phosphate_rock"],
                              "status": ["producing"], "supply_t_per_yr": [90000.0], "in_model": [True]},
                             geometry=[shapely.Point(102.0, 25.0)], crs="EPSG:4326")
    return make_layer("sources", "Sources", frame, list(frame.columns.drop("geometry")))


#: The gateway's import of 120,000 t/yr of LFP into hub n in 2024 on a leg of 0 km, beside the
#: legs the layer draws.
UNLINED = [{"kind": "gateway_to_hub", "from": "gateway", "to": "n", "product": "lfp", "year": 2024,
            "units": 120000.0, "km": 0.0}]

#: s1's label: its name, the capacity it adds and what it draws on site.
SITE_LABEL = "North park\nLFP 20,000 t/yr\nPhosphate rock on site: 50,000 t/yr in 2024"
#: Hub n's label: its name, and the flows of 2024 of no length there.
HUB_LABEL = "North hub: 1 product flow\nin 2024 with the gateway at it"


def rings(figure) -> list[tuple[tuple[float, float], float]]:
    """The dashed rings map.png draws (over the pies and sources, zorder 10.5): centre and radius
    (data units)."""
    return [(tuple(p.center), p.get_radius()) for p in figure.axes[0].patches
            if isinstance(p, Circle) and p.get_zorder() == 10.5]


def texts(figure) -> list[str]:
    """The labels on the map."""
    return [t.get_text() for t in figure.axes[0].texts]


def data_per_point(figure) -> float:
    ax = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    return (ax.get_xlim()[1] - ax.get_xlim()[0]) / ax.get_window_extent(renderer).width \
        * renderer.points_to_pixels(1.0)


def projected(x: float, y: float) -> tuple[float, float]:
    point = gpd.GeoSeries([shapely.Point(x, y)], crs="EPSG:4326").to_crs(CRS).iloc[0]
    return point.x, point.y


# --- 1. flows of no length on map.png --------------------------------------------------------

def test_map_png_rings_a_site_drawing_on_a_source_on_site_and_says_so():
    """s1 draws 50,000 t of phosphate rock in 2024 from the source at its own point, a flow of no
    length: map.png rings the source (UNLINED_RADIUS points, over the pie), its legend has the
    ring's row, and s1's label says what it draws there. No product flows: no other ring."""
    figure = map_figure([sites_on_a_source(), rock_source()], TITLE, ["lfp"], CRS, CONTEXT)
    ((centre, radius),) = rings(figure)
    assert centre == pytest.approx(projected(102.0, 25.0), abs=1e-6)
    assert radius == pytest.approx(UNLINED_RADIUS * data_per_point(figure))
    assert UNLINED_LABEL in [t.get_text() for t in figure.legends[0].get_texts()]
    assert SITE_LABEL in texts(figure)


def test_map_png_rings_a_hub_whose_products_move_on_legs_of_no_length_and_names_it():
    """The gateway's import into hub n, 0 km: a second ring at the hub's point, labelled with its
    name (the map draws no other hub) and the flows of no length its last year has there."""
    layers = [sites_on_a_source(), rock_source(), places()[1]]
    figure = map_figure(layers, TITLE, ["lfp"], CRS, CONTEXT, unlined=UNLINED)
    centres = sorted(centre for centre, _radius in rings(figure))
    for centre, expected in zip(centres, sorted([projected(102.0, 25.0), projected(102.1, 25.1)]), strict=True):
        assert centre == pytest.approx(expected, abs=1e-6)
    assert HUB_LABEL in texts(figure) and SITE_LABEL in texts(figure)
    # A plan with neither: no ring, no legend row, no such label.
    plain = map_figure([places()[0]], TITLE, ["lfp"], CRS, CONTEXT)
    assert rings(plain) == []
    assert UNLINED_LABEL not in [t.get_text() for t in plain.legends[0].get_texts()]
    assert not [t for t in texts(plain) if "on site" in t or "product flow" in t]


def test_the_marks_are_those_of_the_run_folder_when_the_map_is_drawn_again(tmp_path: Path):
    """A batch draws a run's map again from its folder (siting/deliver/files.py `redraw_map`): the
    flows without a line are read back from product_flows.csv against product_flows.geojson, the
    ids as text even where they look like numbers (a hub "007")."""
    layer = flows_layer()
    (tmp_path / "product_flows.geojson").write_text(feature_collection_text(layer), encoding="utf-8")
    table = pd.DataFrame([(k, a, b, p, u, y, q, km) for k, a, b, p, u, y, q, km, _s, _e in LEGS]
                         + [("gateway_to_hub", "gateway", "007", "lfp", "t/yr", 2024, 120000.0, 0.0)],
                         columns=["kind", "from", "to", "product", "unit", "year", "units", "km"])
    table.to_csv(tmp_path / "product_flows.csv", index=False)
    assert folder_unlined_flows(tmp_path) == [
        {"kind": "gateway_to_hub", "from": "gateway", "to": "007", "product": "lfp", "unit": "t/yr", "year": 2024,
         "units": 120000.0, "km": 0.0}]
    assert folder_unlined_flows(tmp_path / "none") == []


def test_the_web_map_rings_a_site_s_source_on_site_in_the_raw_material_flows():
    """report.html's raw-material flows overlay: a dashed ring at the source s1 draws on, its
    popup giving the tonnes of each year; the overlay's label says what the ring is."""
    overlays = {o["key"]: o for o in map_data(map_html([sites_on_a_source(), rock_source()], ["lfp"], YEARS,
                                                       UNITS))["overlays"]}
    (ring,) = overlays["flows"]["data"]["features"]
    assert ring["geometry"] == {"type": "Point", "coordinates": [102.0, 25.0]}
    assert ring["properties"]["style"]["className"] == "flow-on-site"
    assert (ring["properties"]["style"]["dashArray"], ring["properties"]["style"]["pane"]) == ("3 3", "sites")
    assert ring["properties"]["tooltip"] == "North park: Phosphate rock from a source on site (no line)"
    assert ring["properties"]["popup"] == (
        '<div class="popup"><b>North park: Phosphate rock from a source on site</b><table>'
        "<tr><th>why</th><td>a flow of no length (the site stands at the source): drawn as this ring</td></tr>"
        "<tr><th>source</th><td>Rock pit</td></tr><tr><th>resource</th><td>Phosphate rock</td></tr>"
        "<tr><th>drawn from sources on site 2023</th><td>0 t/yr</td></tr>"
        "<tr><th>drawn from sources on site 2024</th><td>50,000 t/yr</td></tr></table></div>")
    assert overlays["flows"]["label"].endswith(
        "Raw-material flows (width by tonnage; a dashed ring: a site drawing on a source on site)")


def test_unlined_marks_leave_out_a_site_that_never_draws_on_its_source():
    """A site whose source on site gives it nothing in any year: no ring, no line in its label."""
    layer = sites_on_a_source()
    quiet = layer.frame.assign(on_site_t_2024=[0.0, 0.0])
    marks = unlined_marks({}, quiet.to_crs(CRS), rock_source().frame.to_crs(CRS), None, [], [2023, 2024])
    assert (marks.points, marks.hubs, marks.sites) == ([], [], {})


# --- 2. a product with no line in the legends -------------------------------------------------

#: The legs of tests/test_webmap_flows.py but LFP's, which moves only on the gateway's legs of 0 km
#: into hub n: 30,000 t/yr in 2023, 120,000 t/yr in 2024.
LINED = [leg for leg in LEGS if leg[3] != "lfp"]
ONLY_UNLINED = pd.DataFrame([(k, a, b, p, y, q, km) for k, a, b, p, _u, y, q, km, _s, _e in LINED]
                            + [("gateway_to_hub", "gateway", "n", "lfp", 2023, 30000.0, 0.0),
                               ("gateway_to_hub", "gateway", "n", "lfp", 2024, 120000.0, 0.0)],
                            columns=["kind", "from", "to", "product", "year", "units", "km"])


def lined_layer() -> OutputLayer:
    columns = ["id", "kind", "from", "to", "product", "unit", "year", "units", "km"]
    rows = [dict(zip(columns, (f"{k}:{a}->{b}:{p}:{y}", k, a, b, p, u, y, q, km), strict=True))
            for k, a, b, p, u, y, q, km, _start, _end in LINED]
    frame = gpd.GeoDataFrame(rows, geometry=[shapely.LineString([leg[8], leg[9]]) for leg in LINED], crs="EPSG:4326")
    return make_layer("product_flows", "Product flows", frame, columns, None, "LineString")


def test_the_qgis_legend_keys_a_product_that_moves_only_on_legs_without_a_line():
    """product_flows.qml: each year's group ends with LFP's rule, which draws nothing (KEY_ONLY)
    and keys a dashed ink ring with the most LFP moves that year and where; the print legend
    keys the final year's (2024) with Cells', the others unticked."""
    layer = lined_layer()
    qml = layer_styles([*places(), layer], [], None, PRODUCTS, UNITS, ONLY_UNLINED)["product_flows"]
    root = ET.fromstring(qml.split("\n", 1)[1])
    rules = [(r.get("label"), r.get("filter")) for r in root.iter("rule")]
    assert rules == [
        ("2023", '"year" = 2023'), ("FePO4 (widest 10,000 t/yr)", "\"product\" = 'fepo4'"),
        ("LFP (no line: up to 30,000 t/yr on a leg without a line: the gateway at North hub)", KEY_ONLY),
        ("2024 (final year)", '"year" = 2024'), ("Cells (widest 5 GWh/yr)", "\"product\" = 'cells'"),
        ("LFP (no line: up to 120,000 t/yr on a leg without a line: the gateway at North hub)", KEY_ONLY)]
    (lfp,) = [r for r in root.iter("rule") if r.get("key") == "{product_flows:2024:lfp:no-line}"]
    (drawn,) = [s for s in root.iter("symbol") if s.get("name") == lfp.get("symbol")]
    ring = drawn.find("layer/symbol/layer")
    assert drawn.find("layer").get("class") == "MarkerLine" and ring is not None
    options = {o.get("name"): o.get("value") for o in ring.find("Option") or []}
    assert (options["name"], options["outline_style"], options["outline_color"]) == ("circle", "dash", "40,40,40,255")
    keyed = [n.label for n in legend_nodes(qml, pd.DataFrame(layer.frame.drop(columns="geometry"))) if n.keyed]
    assert keyed == ["Cells (widest 5 GWh/yr)",
                     "LFP (no line: up to 120,000 t/yr on a leg without a line: the gateway at North hub)"]


def test_the_web_map_note_names_a_product_that_moves_only_on_legs_without_a_line():
    page = map_html([*places(), lined_layer()], PRODUCTS, YEARS, UNITS, product_flows=ONLY_UNLINED)
    assert (" No line for LFP (up to 120,000 t/yr: the gateway at North hub): every flow of it is on a leg without "
            "a line.</p>") in page
    # A product with a line in some year is not named so.
    assert "No line for" not in map_html([*places(), flows_layer()], PRODUCTS, YEARS, UNITS, product_flows=ONLY_UNLINED)


def test_qgis_reads_the_key_only_rule_and_draws_nothing_with_it(qgis: None, tmp_path: Path):  # noqa: F811
    """In QGIS 3.22 the product flows layer with its style: LFP's rule of 2024 has a symbol (the
    legend's ring) and its filter selects no feature."""
    layer = lined_layer()
    (tmp_path / "product_flows.geojson").write_text(feature_collection_text(layer), encoding="utf-8")
    (tmp_path / "product_flows.qml").write_text(
        layer_styles([*places(), layer], [], None, PRODUCTS, UNITS, ONLY_UNLINED)["product_flows"], encoding="utf-8")
    probe = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer(sys.argv[1], "flows", "ogr")
layer.loadNamedStyle(sys.argv[2])
found = []
for year in layer.renderer().rootRule().children():
    for rule in year.children():
        selected = sum(1 for _ in layer.getFeatures(QgsFeatureRequest().setFilterExpression(rule.filterExpression())))
        found.append([rule.label(), rule.symbol() is not None, selected])
print(json.dumps(found))
del layer
app.exitQgis()
'''
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", probe, str(tmp_path / "product_flows.geojson"),
                           str(tmp_path / "product_flows.qml")], capture_output=True, text=True, timeout=300, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found[-1] == ["LFP (no line: up to 120,000 t/yr on a leg without a line: the gateway at North hub)", True, 0]
    assert found[-2] == ["Cells (widest 5 GWh/yr)", True, 1]


# --- 3. the batch's scale in sites.qml and plan.gpkg -----------------------------------------

def gpkg_style(path: Path) -> str:
    with closing(sqlite3.connect(path)) as db:
        return str(db.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'sites'").fetchone()[0])


def canonical(node: ET.Element | None) -> str:
    assert node is not None
    return ET.canonicalize(ET.tostring(node, encoding="unicode"), strip_text=True)


def test_a_batch_run_s_sites_styles_are_on_the_batch_scale_as_its_plan_qgs(small_compare_run: MadeRun):
    """The small scenario against b (conftest's `small_compare_run`): the baseline builds 4 bn yuan
    at most, b 5.5 bn. The baseline's sites.qml and plan.gpkg's style of its sites draw the
    pies on 5.5 bn yuan, their legend saying it is the largest of every run, as its plan.qgs's
    sites do; b's, on its own scale, are as a run writes them. The manifest and the marker
    record the files as they are."""
    out = small_compare_run.out
    small = (out / "small" / "sites.qml").read_text(encoding="utf-8")
    assert capex_scale(small) == 5.5e9
    assert f"largest 5.50 bn yuan{BATCH_SCALE_WORDS})" in small
    assert gpkg_style(out / "small" / "plan.gpkg") == small
    project = ET.parse(out / "small" / "plan.qgs").getroot()
    (sites,) = [n for n in project.iter("maplayer") if n.findtext("id") == "sites_layer"]
    style = ET.fromstring(small.split("\n", 1)[1])
    # The labeling differs by design: plan.qgs places each name at a fixed offset on its sheet.
    for tag in ("renderer-v2", "LinearlyInterpolatedDiagramRenderer"):
        assert canonical(sites.find(tag)) == canonical(style.find(tag))
    b = (out / "b" / "sites.qml").read_text(encoding="utf-8")
    assert capex_scale(b) == 5.5e9 and BATCH_SCALE_WORDS not in b
    assert gpkg_style(out / "b" / "plan.gpkg") == b
    for run in ("small", "b"):
        assert changed_files(out / run) == []


def test_on_its_own_scale_a_run_s_sites_styles_are_the_ones_written(small_run: MadeRun):
    """Byte for byte: sites.qml and plan.gpkg's style of the sites on the run's own scale."""
    folder = small_run.out
    own = capex_scale((folder / "sites.qml").read_text(encoding="utf-8"))
    assert own is not None
    qml, packaged = sites_styles_on_scale(folder, own)
    assert qml == (folder / "sites.qml").read_bytes()
    assert packaged == gpkg_style(folder / "plan.gpkg")


def test_a_geopackage_restyled_twice_the_same_way_gives_the_same_bytes(small_run: MadeRun, tmp_path: Path):
    """`set_geopackage_style` on two copies of a run's plan.gpkg: the same bytes; again with the
    style it has, nothing written."""
    first, second = (copied(small_run.out, tmp_path / name) / "plan.gpkg" for name in ("a", "b"))
    qml = with_capex_scale(gpkg_style(first), 2.0e10, BATCH_SCALE_WORDS)
    assert set_geopackage_style(first, "sites", qml) and set_geopackage_style(second, "sites", qml)
    assert first.read_bytes() == second.read_bytes()
    assert gpkg_style(first) == qml
    assert set_geopackage_style(first, "sites", qml) is False


# --- 4. compare.qgs: the changes over the pies ------------------------------------------------

def test_compare_qgs_marks_added_and_resized_sites_with_labels_above_the_pies(small_compare_run: MadeRun):
    """b's layer of changes is labelled: a blank text on a circle (its background shape) of the
    change's colour, drawn whatever it overlaps, pushing nothing away, on a z-index above the
    pies' (the sites' diagrams) and the site names'; only added and resized sites get one."""
    root = ET.parse(small_compare_run.out / "compare.qgs").getroot()
    layers = {n.findtext("id"): n for n in root.iter("maplayer")}
    diff, sites = layers["diff_b_layer"], layers["sites_b_layer"]
    assert diff.get("labelsEnabled") == "1"
    settings = diff.find("labeling/rules/rule[@description='marks']/settings")
    assert settings is not None
    rendering = settings.find("rendering")
    pies = sites.find("DiagramLayerSettings")
    names = sites.find("labeling/rules/rule[@description='names']/settings/rendering")  # on the layout's map
    assert rendering is not None and pies is not None and names is not None
    assert float(rendering.get("zIndex", "0")) > max(float(pies.get("zIndex", "0")), float(names.get("zIndex", "0")))
    assert (rendering.get("displayAll"), rendering.get("obstacle")) == ("1", "0")
    text = settings.find("text-style")
    background = settings.find("text-style/background")
    assert text is not None and background is not None
    assert text.get("fieldName") == "if(\"change\" IN ('added', 'resized', 'options changed'), ' ', '')"
    assert {k: background.get(k) for k in ("shapeDraw", "shapeType", "shapeSizeType", "shapeSizeX", "shapeSizeUnit")} \
        == {"shapeDraw": "1", "shapeType": "3", "shapeSizeType": "1", "shapeSizeX": "2.6", "shapeSizeUnit": "MM"}
    fill = next(o for o in settings.iter("Option") if o.get("name") == "ShapeFillColor")
    expression = next(o.get("value") for o in fill if o.get("name") == "expression")
    assert f"WHEN \"change\" = 'resized' THEN '{rgba(CHANGE_COLOURS['resized'])}'" in expression


RENDER = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsPointXY, QgsProject)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
project.read(sys.argv[1])
theme = sys.argv[2]
ids = project.mapThemeCollection().mapThemeVisibleLayerIds(theme)
settings = QgsMapSettings()
settings.setLayers([project.mapLayer(i) for i in ids])
settings.setDestinationCrs(project.crs())
settings.setExtent(project.viewSettings().defaultViewExtent())
settings.setOutputSize(QSize(1200, 900))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
to_map = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), project.crs(), project)
found = {}
for name, x, y in json.loads(sys.argv[3]):
    pixel = settings.mapToPixel().transform(to_map.transform(QgsPointXY(x, y)))
    colour = QColor(image.pixel(round(pixel.x()), round(pixel.y())))
    found[name] = [colour.red(), colour.green(), colour.blue()]
print(json.dumps(found))
app.exitQgis()
'''


def test_qgis_draws_a_resized_site_s_change_over_its_pie(qgis: None, small_compare_run: MadeRun,  # noqa: F811
                                                         tmp_path: Path):
    """QGIS 3.22 draws b's theme of compare.qgs: at w_mine and e_city, resized in b and built (a
    pie each), the pixel is the resized colour; at e_far, unchanged and built, its pie's (no
    mark)."""
    out = copied(small_compare_run.out, tmp_path / "cmp")
    diff = json.loads((out / "diff.geojson").read_text(encoding="utf-8"))["features"]
    points = {f["properties"]["site"]: f["geometry"]["coordinates"] for f in diff if f["properties"]["scenario"] == "b"}
    changes = {f["properties"]["site"]: f["properties"]["change"] for f in diff if f["properties"]["scenario"] == "b"}
    assert (changes["w_mine"], changes["e_city"], changes["e_far"]) == ("resized", "resized", "unchanged")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    sites = [[name, *points[name]] for name in ("w_mine", "e_city", "e_far")]
    done = subprocess.run([QGIS_PYTHON, "-c", RENDER, str(out / "compare.qgs"), "b", json.dumps(sites)],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    resized = list(CHANGE_COLOURS["resized"])
    assert found["w_mine"] == resized and found["e_city"] == resized
    assert found["e_far"] not in (resized, list(CHANGE_COLOURS["unchanged"]), [255, 255, 255])
