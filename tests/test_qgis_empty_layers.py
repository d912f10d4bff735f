"""Layers without features in plan.qgs: a plan whose raw material is all drawn at its own site
(no raw-material line), in a scenario without a red-line layer and with the red-line rule off
(no red-line polygon, no zone).

Such a layer's GeoJSON is a FeatureCollection without features, which RFC 7946 gives no geometry
type: QGIS opens it as a table without geometry (and refuses its .qml, a style of lines or
polygons). plan.qgs reads every layer from plan.gpkg, which declares each layer's geometry type
(siting/deliver/geopackage.py `write_layers`): QGIS opens the empty layers there valid, of their
type, in their style, with no message. What the project says of them must hold too: the layer's
abstract (its tooltip) says there is none, and the print legend claims no widths for flows that
have no line ("widest 1 t/yr" was the floor of the width scale, not a flow).
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
from test_map_label_room import CRS, legend_properties, no_flows
from test_map_leftovers import rock_source, sites_on_a_source
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.cli import main
from siting.deliver.files import layer_styles
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.qgisproject import project_text
from siting.deliver.styles import size_note
from tests.conftest import SMALL, edit

#: What QGIS reads of plan.qgs: each layer's validity, geometry type, features, renderer, fields
#: and abstract by layer id; the print legend's lines (depth, text); each GeoJSON as QGIS opens it
#: alone; and what QGIS logged while it read the project (tag, level, message).
PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsLayoutItemLegend, QgsProject, QgsVectorLayer, QgsWkbTypes
app = QgsApplication([], False)
app.initQgis()
logged = []
def log(text, tag, level):
    logged.append([tag, int(level), text])
QgsApplication.messageLog().messageReceived.connect(log)
folder = sys.argv[1]
project = QgsProject.instance()
result = {"read": project.read(f"{folder}/plan.qgs"), "layers": {}}
for node in project.layerTreeRoot().findLayers():
    layer = node.layer()
    renderer = layer.renderer() if layer.isSpatial() else None
    result["layers"][layer.id()] = {
        "valid": layer.isValid(), "geometry": QgsWkbTypes.displayString(layer.wkbType()),
        "features": layer.featureCount(), "renderer": renderer.type() if renderer else None,
        "fields": [f.name() for f in layer.fields() if f.name() != "fid"], "abstract": layer.abstract()}
legend = next(i for i in project.layoutManager().layoutByName("Plan").items() if isinstance(i, QgsLayoutItemLegend))
model = legend.model()
lines = []
def walk(index, depth):
    for row in range(model.rowCount(index)):
        child = model.index(row, 0, index)
        lines.append([depth, model.data(child, 0)])
        walk(child, depth + 1)
walk(model.index(-1, -1), 0)
result["legend"] = lines
result["geojson"] = {}
for name in sys.argv[2].split(","):
    layer = QgsVectorLayer(f"{folder}/{name}.geojson", name, "ogr")
    result["geojson"][name] = [layer.isValid(), QgsWkbTypes.displayString(layer.wkbType()), layer.featureCount()]
QgsApplication.messageLog().messageReceived.disconnect(log)
result["logged"] = logged
print(json.dumps(result))
del layer  # a layer still held when QGIS exits crashes it
app.exitQgis()
'''

EMPTY = ["flows", "redline", "redline_zones"]


@pytest.fixture(scope="module")
def empty_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario with its phosphate source moved onto the West mine park (the plan
    draws its rock there: no line), without its red-line layer and with the red-line rule off;
    solved as `siting solve` does. Returns the output folder."""
    folder = tmp_path_factory.mktemp("empty_layers") / "small"
    shutil.copytree(SMALL, folder)
    edit(folder / "scenario.yaml", "  redline: {path: redline.geojson}\n", "")
    edit(folder / "scenario.yaml", "  redline: {buffer_m: 1000}", "  redline: {enabled: false}")
    edit(folder / "sources.geojson", "     102.12,\n     24.62", "     102.1,\n     24.6")
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(folder / "out")]) == 0
    return folder / "out"


def test_qgis_opens_the_empty_layers_of_plan_qgs_typed_and_styled(
        qgis: None, empty_run: Path, tmp_path: Path):  # noqa: F811
    """flows, redline and redline_zones have no feature. Alone, each GeoJSON opens as a table
    without geometry (RFC 7946 gives an empty collection no type). In plan.qgs (from plan.gpkg)
    each is valid, of its declared type (LineString, Polygon, MultiPolygon), with its fields and
    its categorised style; its abstract says it has none; QGIS logs nothing while reading the
    project. The print legend leaves the red line out (nothing drawn) and keys the rock drawn at
    the West mine park under the raw-material flows, whose title claims no width."""
    for name in EMPTY:
        assert json.loads((empty_run / f"{name}.geojson").read_text(encoding="utf-8"))["features"] == []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(empty_run), ",".join(EMPTY)], capture_output=True,
                          text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["read"] is True
    assert result["logged"] == []
    assert result["geojson"] == {name: [True, "NoGeometry", 0] for name in EMPTY}
    layers = result["layers"]
    assert all(layer["valid"] for layer in layers.values())
    expected = {"flows_layer": ("LineString", "Raw-material flows (t/yr); no lines in this plan"),
                "redline_zones_layer": ("MultiPolygon", "Red-line exclusion zones as buffered; none in this plan"),
                "redline_layer": ("Polygon", "Red-line polygons as used; none in this plan")}
    for layer_id, (geometry, abstract) in expected.items():
        name = layer_id.removesuffix("_layer")
        assert (layers[layer_id]["geometry"], layers[layer_id]["features"], layers[layer_id]["renderer"],
                layers[layer_id]["abstract"]) == (geometry, 0, "categorizedSymbol", abstract), name
    assert layers["flows_layer"]["fields"] == ["id", "source", "site", "source_name", "site_name", "resource", "km",
                                               "tonnes_2023", "tonnes_2024"]
    assert layers["redline_zones_layer"]["fields"] == ["id", "kind", "products", "distances_m", "max_distance_m",
                                                       "area_km2"]
    assert layers["redline_layer"]["fields"][:8] == ["id", "name", "category", "used", "buffer_m", "min_distance_m",
                                                     "max_distance_m", "area_km2"]
    legend = result["legend"]
    tops = [text for depth, text in legend if depth == 0]
    assert not any(top.startswith("Red-line") for top in tops)
    at = legend.index([0, "Raw-material flows (t/yr)\nno lines in this plan"])
    assert [text.replace("\n", " ") for _depth, text in legend[at + 1:at + 2]] == [
        "Phosphate rock (no line: up to 1,000,000 t/yr drawn from a source on site: West mine park)"]
    assert legend[at + 2][0] == 0
    assert not any("widest 1 t/yr" in text for _depth, text in legend)


def no_sources() -> OutputLayer:
    """A sources layer without a source."""
    columns = ["id", "name", "resource", "status", "supply_t_per_yr", "in_model"]
    return make_layer("sources", "Raw-material sources (t/yr)", gpd.GeoDataFrame(
        {c: [] for c in columns}, geometry=[], crs="EPSG:4326"), columns,
        {"id": "string", "name": "string", "resource": "string", "status": "string", "supply_t_per_yr": "real",
         "in_model": "boolean"})


def test_flows_without_a_line_claim_no_width_in_plan_qgs():
    """s1 draws 50,000 t/yr of rock from a source on its own point: the raw-material flows have no
    line. The print legend's title of the flows says so rather than "widest 1 t/yr" (the width
    scale's floor), above the ring keyed for s1's draw; the layer's abstract says the same. A
    layer of sources without a source states no largest supply: its abstract says there is none."""
    sites, sources, flows = sites_on_a_source(), rock_source(), no_flows()
    assert size_note(flows) == "no lines in this plan"
    assert size_note(no_sources()) is None
    layers = [sites, sources, flows]
    qgs = project_text(layers, layer_styles(layers, ["phosphate_rock"]), "t", CRS, (0.0, 0.0, 1.0, 1.0))
    assert legend_properties(qgs)["flows_layer"]["legend/title-label"] == "Raw-material flows (t/yr)\nno lines in " \
                                                                          "this plan"
    root = ET.fromstring(qgs.split("\n", 1)[1])
    abstracts = {n.findtext("id"): n.findtext("abstract") for n in root.iter("maplayer")}
    assert abstracts["flows_layer"] == "Raw-material flows (t/yr); no lines in this plan"
    assert "widest 1 t/yr" not in qgs
    empty = [sites, no_sources(), flows]
    qgs = project_text(empty, layer_styles(empty, ["phosphate_rock"]), "t", CRS, (0.0, 0.0, 1.0, 1.0))
    root = ET.fromstring(qgs.split("\n", 1)[1])
    abstracts = {n.findtext("id"): n.findtext("abstract") for n in root.iter("maplayer")}
    assert abstracts["sources_layer"] == "Raw-material sources (t/yr); none in this plan"
    assert "largest 1 t/yr" not in qgs
