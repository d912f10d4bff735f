"""Pies moved aside on plan.qgs's print layout, as on map.png (siting/deliver/qgisproject.py
`layout_label_spots`, siting/deliver/styles.py `with_pies_aside`).

QGIS drew each built site's pie on its site: on the shipped plan's sheet Anning Qilin's small pie
stood inside Anning Caopu's, 8 km away, and read as a slice of it; Qujing Cuifeng's sat on
Qujing ETDZ's. map.png moves such pies aside (siting/deliver/mapplot.py `spread_pies`,
`displaced_centres`) and ties each pie moved off its site to the site by a thin line ending on a
dot. The layout's map now does the same, at its own scale: QGIS 3.22 reads the shipped plan and
draws no two built sites' pies over each other on the sheet, a pie moved off its site with an
ink dot on the site and a leader from it to the pie's edge, over the pies; in the canvas (a map
of another id than the layout's, whose scale changes with the zoom) every pie stays on its site.
"""

from __future__ import annotations

import math
from pathlib import Path

from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_qgis_label_distance import LAYOUT_HEAD, layout_probe

from siting.deliver.styles import BUILT_MARKER_MM, SITE_DOT_MM
from tests.conftest import MadeRun, copied

#: How near (mm on the sheet) QGIS draws a pie, a dot or a leader's middle to where it should.
CLOSE_MM = 0.1

PROBE = LAYOUT_HEAD + r'''
from qgis.core import (QgsExpressionContext, QgsExpressionContextUtils, QgsMapRendererSequentialJob,
                       QgsMapSettings)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor, QImage
built = {}
for feature in sites.getFeatures():
    if feature["status"] == "built":
        point = transform.transform(feature.geometry().centroid().asPoint())
        built[feature.id()] = {"name": feature["name"], "site": [point.x(), point.y()],
                               "share": math.sqrt(feature["capex_yuan"] / sites.diagramRenderer().upperValue())}

def sheet(x, y):  # mm on the sheet, y down
    return [(x - extent.xMinimum()) * mm, (extent.yMaximum() - y) * mm]

def drawn(results):
    pies, marks = {}, []
    for labels in results.values():
        for label in labels.allLabels():
            if label.layerID != sys.argv[2] or label.isUnplaced or label.featureId not in built:
                continue
            box = label.labelRect
            centre = sheet(box.center().x(), box.center().y())
            if label.isDiagram:  # the pie, and the built marker under it, of its size or larger
                low, high = float(sys.argv[4]), float(sys.argv[5])
                marker = (low + (high - low) * built[label.featureId]["share"]) / 2
                pies[built[label.featureId]["name"]] = centre + [max(box.width() * mm / 2, marker)]
            elif label.labelText.strip() == "":
                marks.append([built[label.featureId]["name"]] + centre)
    return pies, marks

exporter = QgsLayoutExporter(layout)
settings = QgsLayoutExporter.ImageExportSettings()
settings.dpi = 200
exported = exporter.exportToImage(sys.argv[3], settings) == QgsLayoutExporter.Success
pies, marks = drawn(exporter.labelingResults())
leaders = {}
for labels in exporter.labelingResults().values():
    for callout in labels.calloutsWithinRectangle(extent):
        if callout.layerID == sys.argv[2] and callout.featureId in built:
            leaders[built[callout.featureId]["name"]] = sheet(callout.destination().x(), callout.destination().y())
image = QImage(sys.argv[3])
page = image.width() / layout.pageCollection().page(0).pageSize().width()  # pixels a mm
frame_at = [frame.pagePos().x(), frame.pagePos().y()]

def ink(x, y):  # the darkest grey within a pixel of a point of the map (mm on the sheet)
    values = [QColor(image.pixel(round((frame_at[0] + x) * page) + dx, round((frame_at[1] + y) * page) + dy)).value()
              for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    return min(values)

result = {"exported": exported, "layout": pies, "marks": marks, "leaders": leaders,
          "sites": {s["name"]: sheet(*s["site"]) for s in built.values()}}
result["ink"] = {name: ink(*at) for name, at in result["sites"].items()}

canvas = QgsMapSettings()
canvas.setLayers([sites])
canvas.setDestinationCrs(project.crs())
canvas.setExtent(extent)
canvas.setOutputSize(QSize(round(frame.rect().width() * 4), round(frame.rect().height() * 4)))
canvas.setOutputDpi(4 * 25.4)
context = QgsExpressionContext()
context.appendScopes([QgsExpressionContextUtils.globalScope(), QgsExpressionContextUtils.projectScope(project),
                      QgsExpressionContextUtils.mapSettingsScope(canvas)])
canvas.setExpressionContext(context)
job = QgsMapRendererSequentialJob(canvas)
job.start()
job.waitForFinished()
mm = canvas.outputSize().width() / 4 / extent.width()  # the canvas at the layout's scale
result["canvas"], result["canvas_marks"] = drawn({"canvas": job.takeLabelingResults()})
result["map_id"] = context.variable("map_id")
del sites
print(json.dumps(result))
app.exitQgis()
'''


def probe(qgs: Path, tmp_path: Path) -> dict:
    return layout_probe(PROBE, qgs, tmp_path, *(str(mm) for mm in BUILT_MARKER_MM))


def test_qgis_moves_the_layout_s_pies_aside_and_leaves_the_canvas_s_on_their_sites(
        qgis: None, shipped_first_node_run: MadeRun, tmp_path: Path):  # noqa: F811
    """The shipped plan (stopped after the first node) on plan.qgs's layout in QGIS 3.22: no two
    built sites' pies (the diagrams' discs on the sheet, or the built marker's under them where
    larger, BUILT_MARKER_MM) overlap; at least one pie (Anning
    Qilin's, inside Anning Caopu's on its site) is moved off its site, and each such pie has an
    ink dot on its site (drawn: the sheet's pixel there is ink) and a leader whose middle lies
    half way from the site to the pie's edge (a pie still over its site has neither), and its
    name's leader ends on the pie's edge where it is drawn. In the
    canvas (@map_id 'canvas'), every pie is on its site and there is no dot nor leader."""
    out = copied(shipped_first_node_run.out, tmp_path / "plan")
    result = probe(out / "plan.qgs", tmp_path)
    assert result["exported"] is True
    pies, sites = result["layout"], result["sites"]
    assert sorted(pies) == sorted(sites) and len(pies) >= 4
    names = sorted(pies)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            (ax, ay, ar), (bx, by, br) = pies[a], pies[b]
            assert math.dist((ax, ay), (bx, by)) >= ar + br - CLOSE_MM, (a, b)
    moved = {name for name, (x, y, r) in pies.items() if math.dist((x, y), sites[name]) > r}
    assert "Anning industrial park, Qilin area" in moved
    marks = sorted((name, round(x, 1), round(y, 1)) for name, x, y in result["marks"])
    expected = []
    for name in moved:
        (x, y, r), (sx, sy) = pies[name], sites[name]
        d = math.dist((x, y), (sx, sy))
        edge = (x + (sx - x) / d * r, y + (sy - y) / d * r)
        expected += [(name, sx, sy), (name, (sx + edge[0]) / 2, (sy + edge[1]) / 2)]
        assert result["ink"][name] < 80, name  # the dot, SITE_DOT_MM across, over the pies
        assert abs(math.dist(result["leaders"][name], (x, y)) - r) < CLOSE_MM, name  # its name's, to its edge
    assert SITE_DOT_MM > 1.0
    assert len(marks) == len(expected)
    for name, x, y in expected:
        assert any(n == name and math.dist((mx, my), (x, y)) < CLOSE_MM + 0.05 for n, mx, my in marks), (name, x, y)
    assert result["map_id"] == "canvas"
    assert sorted(result["canvas"]) == names
    for name, (x, y, _r) in result["canvas"].items():
        assert math.dist((x, y), sites[name]) < CLOSE_MM, name
    assert result["canvas_marks"] == []
