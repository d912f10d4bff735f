"""plan.qgs's canvas as the project opens (about the print layout's scale) names as the layout
does: its spots keep the built sites' names apart and name the hub and the sources the sheet has
room for. Zoomed in past 1 / ZOOM_TO_OWN_NAMES of the sheet's scale, each layer names as its .qml
(tests/test_qgis_review_layout_only.py). Left to the .qml at the sheet's scale, QGIS drew Qujing
ETDZ's name over Qujing Cuifeng's and named neither the hub nor most sources."""

from __future__ import annotations

import itertools
from pathlib import Path

from test_qgis import qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_qgis_label_distance import LAYOUT_HEAD, layout_probe

from tests.conftest import MadeRun, copied

CANVAS = LAYOUT_HEAD + r'''
from qgis.core import (QgsExpressionContext, QgsExpressionContextUtils, QgsMapRendererSequentialJob, QgsMapSettings)
from qgis.PyQt.QtCore import QSize
layers = [n.layer() for n in project.layerTreeRoot().findLayers() if n.isVisible()]
settings = QgsMapSettings()
settings.setLayers(layers)
settings.setDestinationCrs(project.crs())
settings.setOutputSize(QSize(1400, 1000))
settings.setExtent(extent)
scope = QgsExpressionContextUtils.mapSettingsScope(settings)
scope.setVariable("map_id", "canvas")
context = QgsExpressionContext()
context.appendScopes([QgsExpressionContextUtils.globalScope(), QgsExpressionContextUtils.projectScope(project), scope])
settings.setExpressionContext(context)
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
labels = []
for label in job.takeLabelingResults().allLabels():
    if label.isDiagram or label.isUnplaced or not label.labelText.strip():
        continue
    box = label.labelRect
    labels.append([project.mapLayer(label.layerID).name(), label.labelText.replace("\n", " "),
                   [box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()]])
print(json.dumps({"scale": settings.scale(), "labels": labels}))
app.exitQgis()
'''


def test_the_canvas_at_the_sheet_s_scale_names_as_the_sheet(
        qgis: None, shipped_first_node_run: MadeRun, tmp_path: Path):  # noqa: F811 (the fixture)
    out = copied(shipped_first_node_run.out, tmp_path / "plan")
    found = layout_probe(CANVAS, out / "plan.qgs", tmp_path)
    texts = [text for _layer, text, _box in found["labels"]]
    assert any(text.startswith("Kunming (hub") for text in texts), texts
    sites = {(text, tuple(box)) for layer, text, box in found["labels"] if layer.startswith("Candidate sites")}
    assert len(sites) >= 5
    for (name_a, a), (name_b, b) in itertools.combinations(sorted(sites), 2):
        if name_a == name_b:
            continue  # QGIS 3.22 now and then lists one label twice
        overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
        assert not (overlap[0] > 0 and overlap[1] > 0), (name_a, name_b)
    sources = [text for layer, text, _box in found["labels"] if layer.startswith("Raw-material sources")]
    assert len(sources) >= 5, sources
