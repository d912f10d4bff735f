"""The legend of the sites style keys the built sites without the recycling demonstration's ring:
the ring is a second layer of the built symbol, drawn only at a demonstration (DEMO_FILTER), and
keyed by a category of its own ("Recycling demonstration (green ring around its pie)"). QGIS draws
a legend sample with no feature; the filter `coalesce("demonstration", false)` then failed on the
missing field, and a data-defined "enabled" that fails counts as enabled: every print layout of a
plan with a demonstration showed the green ring round the "Built: new capacity" key, as if every
built site were one. The map rings the demonstration only, as before.

Sites built by hand (tests/test_demo_marks.py `sites_layer`): s0 built and a demonstration at
102.50 E, s1 built at 102.51 E, s2 eligible at 102.52 E; drawn 600 x 400 px over 102.48-102.54 E,
so s0 stands at x = 200 px and s1 at x = 300 px. A pixel is the ring's green (DEMO_RING,
(0, 120, 60)) when its channels differ from it by under 40 in all."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from test_demo_marks import sites_layer
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.styles import DEMO_LABEL, STATUS_LABELS, sites_style

PROBE = r"""
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsRectangle, QgsVectorLayer
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False)
app.initQgis()
folder = sys.argv[1]
layer = QgsVectorLayer(os.path.join(folder, "sites.geojson"), "sites", "ogr")
message, styled = layer.loadNamedStyle(os.path.join(folder, "sites.qml"))

def green(image):
    count = 0
    for x in range(image.width()):
        for y in range(image.height()):
            c = QColor(image.pixel(x, y))
            count += abs(c.red()) + abs(c.green() - 120) + abs(c.blue() - 60) < 40
    return count

legend = {item.label(): green(item.symbol().asImage(QSize(64, 64))) for item in layer.renderer().legendSymbolItems()}
settings = QgsMapSettings()
settings.setLayers([layer])
settings.setDestinationCrs(layer.crs())
settings.setExtent(QgsRectangle(102.48, 24.98, 102.54, 25.02))
settings.setOutputSize(QSize(600, 400))
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
drawn = {"s0": green(image.copy(100, 0, 150, 400)), "s1": green(image.copy(250, 0, 100, 400))}
print(json.dumps({"styled": styled, "legend": legend, "map": drawn}), flush=True)
del job, layer
app.exitQgis()
"""


def test_the_built_key_has_no_ring_and_the_demonstration_is_ringed(qgis: None, tmp_path: Path):  # noqa: F811
    layer = sites_layer([True, False, False])
    layer.frame.to_file(tmp_path / "sites.geojson", driver="GeoJSON")
    (tmp_path / "sites.qml").write_text(sites_style(layer), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, timeout=300,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["styled"]
    built = [label for label in seen["legend"] if label.startswith(STATUS_LABELS["built"])]
    assert len(built) == 1
    assert seen["legend"][built[0]] == 0, "the built key shows the demonstration's ring"
    assert seen["legend"][DEMO_LABEL] > 50
    assert seen["map"]["s0"] > 50 and seen["map"]["s1"] == 0
