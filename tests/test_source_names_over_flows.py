"""A raw-material source the plan draws from is named in QGIS at the scales a prefecture or a park
is read at, though its flows leave it in every direction (siting/deliver/styles.py
`sources_style`). The flow lines push other layers' labels off them at QGIS's strongest obstacle
weight (`blocking_labels`, FLOW_OBSTACLE_FACTOR); a source's name at priority 2 (of 0-10) yielded
to them outright, also where every position round the source lay on one of its own lines, so that
on the shipped plan's canvas at 1:750,000 (about the Kunming prefecture on a screen) not one of the
ten sources was named, the Kunyang phosphate mine and the Anning refinery included, and at 1:250,000
one. At priority 10 QGIS names the source beside its lines.

The hand-made layers: one phosphate rock source at (102.5, 25.0), eight flows of 20 km leaving it
every 45 degrees, drawn at 1:250,000 by QGIS with their styles as the output folder writes them."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import geopandas as gpd
import shapely
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.layer import make_layer
from siting.deliver.styles import flows_style, sources_style

PROBE = r"""
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsPointXY, QgsProject, QgsRectangle, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
app = QgsApplication([], False)
app.initQgis()
folder = sys.argv[1]
layers = [QgsVectorLayer(os.path.join(folder, name + ".geojson"), name, "ogr") for name in ("sources", "flows")]
for layer in layers:
    QgsProject.instance().addMapLayer(layer)
    layer.loadNamedStyle(os.path.join(folder, layer.name() + ".qml"))
settings = QgsMapSettings()
settings.setLayers(layers)
settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
settings.setOutputSize(QSize(800, 600))
settings.setOutputDpi(96)
# 800 px at 96 dpi, 0.212 m: QGIS measures a degree of this extent at its centre, so that 0.66
# degrees across make about 1:250,000.
settings.setExtent(QgsRectangle(102.5 - 0.33, 25.0 - 0.2475, 102.5 + 0.33, 25.0 + 0.2475))
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
labels = job.takeLabelingResults().allLabels()
print(json.dumps({"scale": round(settings.scale(), -4),
                  "named": sorted(l.labelText for l in labels if l.layerID == layers[0].id())}))
app.exitQgis()
"""


def write_layers(folder: Path) -> None:
    """sources.geojson and flows.geojson of one source and its eight flows, each with its .qml."""
    source = gpd.GeoDataFrame({"id": ["rock"], "name": ["Kunyang phosphate mine"], "resource": ["phosphate_rock"],
                               "status": ["producing"], "in_model": [True], "supply_t_per_yr": [5e6]},
                              geometry=[shapely.Point(102.5, 25.0)], crs="EPSG:4326")
    ends = [(102.5 + 0.2 * math.cos(math.radians(a)) / math.cos(math.radians(25)), 25.0 + 0.18 * math.sin(
        math.radians(a))) for a in range(0, 360, 45)]
    flows = gpd.GeoDataFrame({"id": [f"f{n}" for n in range(8)], "source_id": ["rock"] * 8,
                              "site_id": [f"s{n}" for n in range(8)], "resource": ["phosphate_rock"] * 8,
                              "tonnes_2024": [4e5] * 8},
                             geometry=[shapely.LineString([(102.5, 25.0), end]) for end in ends], crs="EPSG:4326")
    sources = make_layer("sources", "Sources", source, list(source.columns.drop("geometry")))
    lines = make_layer("flows", "Flows", flows, list(flows.columns.drop("geometry")), None, "LineString")
    for layer, qml in ((sources, sources_style(sources, ["phosphate_rock"])),
                       (lines, flows_style(lines, ["phosphate_rock"]))):
        (folder / f"{layer.name}.geojson").write_text(layer.frame.to_json(), encoding="utf-8")
        (folder / f"{layer.name}.qml").write_text(qml, encoding="utf-8")


def test_qgis_names_a_source_whose_flows_leave_it_in_every_direction(qgis: None, tmp_path: Path):  # noqa: F811
    write_layers(tmp_path)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, timeout=300,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"scale": 250000.0, "named": ["Kunyang phosphate mine"]}
