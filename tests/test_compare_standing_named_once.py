"""compare.qgs names a site once: a site a compared run drops where its existing or committed
plants still stand is named by the run's sites layer, not again by its changes layer.

diff.qml's "unbuilt" rule names a removed site, since a run's sites layer names only the sites it
builds on; but the sites layer also names a site where only existing or committed plants stand
(`labelled_statuses`: status `standing`, a dark blue diamond with its name). On compare.qgs's
sheet of `run03 buffer_m=3000` in `siting sweep scenarios/yunnan_2024.yaml --set
constraints.redline.buffer_m=0,1000,3000 --set solver.rel_gap=0.01`, Qujing Cuifeng subdistrict,
which the first run builds on and run03 leaves to its standing plant, was named twice: wrapped
beside its diamond by the sites layer, and once more in one line over the flows by the changes
layer. A run's changes layer in compare.qgs now leaves out of its naming rules the sites its own
sites layer names.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_qgis import probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.qgisproject import compare_project_text
from siting.deliver.styles import diff_style, without_names_of
from tests.conftest import MadeRun, copied

#: site -> its change in run b against a: w_mine dropped for nothing, e_far dropped but standing in b.
CHANGES = {"w_mine": "removed", "e_far": "removed", "e_city": "unchanged"}


@pytest.fixture(scope="module")
def standing_dropped(small_run: MadeRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A comparison folder of two copies of conftest's `small_run`, a and b, where b's sites layer
    has e_far standing (only its existing or committed plants), with a diff.geojson of b against
    a removing w_mine and e_far, and compare.qgs."""
    base = tmp_path_factory.mktemp("standing_dropped")
    copied(small_run.out, base / "a")
    copied(small_run.out, base / "b")
    path = base / "b" / "sites.geojson"
    sites = json.loads(path.read_text(encoding="utf-8"))
    geometry = {}
    for feature in sites["features"]:
        props = feature["properties"]
        geometry[props["id"]] = feature["geometry"]
        if props["id"] == "e_far":
            props["status"] = "standing"
    path.write_text(json.dumps(sites), encoding="utf-8")
    (base / "diff.geojson").write_text(json.dumps({"type": "FeatureCollection", "name": "diff", "features": [
        {"type": "Feature", "id": f"{site}@b", "geometry": geometry[site],
         "properties": {"id": f"{site}@b", "site": site, "name": site.replace("_", " ").title(), "scenario": "b",
                        "baseline": "a", "change": change, "forced": False, "objective_difference": "proven",
                        "objective_difference_low_bn_yuan": 1.0, "objective_difference_high_bn_yuan": 2.0}}
        for site, change in CHANGES.items()]}), encoding="utf-8")
    text = compare_project_text(base, [("a", "a"), ("b", "b")], "Point", diff_style("Point", set(CHANGES.values())))
    assert text is not None
    (base / "compare.qgs").write_text(text, encoding="utf-8")
    return base


def test_without_names_of_leaves_the_sites_out_of_the_naming_rules():
    qml = without_names_of(diff_style("Point"), ["e_far", "o'hara"])
    rules = {r.get("description"): r.get("filter") for r in
             ET.fromstring(qml.split("\n", 1)[1]).findall("labeling/rules/rule")}
    assert rules["unbuilt"] == ('("change" = \'removed\' AND NOT coalesce("forced", false)) '
                                'AND "site" NOT IN (\'e_far\', \'o\'\'hara\')')
    assert rules["forced"].endswith('AND "site" NOT IN (\'e_far\', \'o\'\'hara\')')
    assert rules["marks"] is None
    assert without_names_of(diff_style("Point"), []) == diff_style("Point")


PROBE = r"""
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsExpression, QgsExpressionContext, QgsExpressionContextUtils,
                       QgsProject)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
assert project.read(os.path.join(sys.argv[1], "compare.qgs"))
(layer,) = [l for l in project.mapLayers().values() if l.id() == "diff_b_layer"]
named = {}
for rule in layer.labeling().rootRule().children():
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    test = QgsExpression(rule.filterExpression() or "true")
    named[rule.description()] = sorted(f["site"] for f in layer.getFeatures()
                                       if context.setFeature(f) is None and test.evaluate(context))
print(json.dumps({"valid": layer.isValid(), "named": named}))
"""


def test_the_changes_layer_does_not_name_a_site_the_sites_layer_names(qgis, standing_dropped, tmp_path):  # noqa: F811
    seen = probe_folder(PROBE, standing_dropped, tmp_path)
    assert seen["valid"], seen
    assert seen["named"]["unbuilt"] == ["w_mine"], seen
    assert seen["named"]["forced"] == [], seen
