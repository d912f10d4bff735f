"""compare's diff.qml names the sites whose change no layer of the run names.

A run's sites layer names only the sites it builds on, and diff.qml named only the changes the
run's rules force. So on compare.qgs's sheet of `yunnan_2024_no_differentiation` against the
shipped scenario (1 % gap), the two sites the run drops, Yimen county and Huaning county (the
`sites built on: dropped` row of comparison.md), were red dots with no name, and on that of
`yunnan_2024_strict_redline` the four sites whose options changed (Chenggong, the Kunming
development zone, Tonghai, Jiangchuan) blue marks with no name: the reader saw that something
changed, not where. diff.qml now has a third labelling rule, "unbuilt", naming a removed site
and one whose options changed where neither plan adds anything (its `new_<product>` fields all
0), unless its change is forced (named by the "forced" rule already); a site the run builds on
keeps the one name its sites layer gives it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from test_qgis import probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.styles import diff_style

#: diff.qml's field names as `diff_aliases` gives them for a run adding LFP and cells somewhere.
ALIASES = {"new_lfp": "LFP added 2022-2024, this run (t/yr)", "new_cells": "Cells added 2022-2024, this run (GWh/yr)",
           "base_lfp": "LFP added 2022-2024, baseline a (t/yr)"}

#: id -> (change, forced, new_lfp, new_cells): the sites each rule should name.
FEATURES = {"dropped": ("removed", False, 0.0, 0.0), "shut_out": ("options changed", False, 0.0, None),
            "built_other_options": ("options changed", False, 5.0, 0.0), "forced_out": ("removed", True, 0.0, 0.0),
            "grown": ("resized", False, 10.0, 1.0), "same": ("unchanged", False, 0.0, 0.0)}


def rules(qml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(qml.split("\n", 1)[1])
    return {r.get("description"): r for r in root.findall("labeling/rules/rule")}


def test_diff_qml_has_a_rule_naming_the_unbuilt_changes():
    found = rules(diff_style("Point", {"removed", "options changed", "resized", "unchanged"}, ALIASES))
    assert set(found) == {"marks", "forced", "unbuilt"}
    unbuilt = found["unbuilt"]
    assert unbuilt.find("settings/text-style").get("fieldName") == 'coalesce("name", "site")'
    assert unbuilt.get("filter") == ('("change" = \'removed\' OR "change" = \'options changed\' AND '
                                     'coalesce("new_lfp", 0) + coalesce("new_cells", 0) = 0) '
                                     'AND NOT coalesce("forced", false)')
    # without the fields' names, only the removed sites, which no plan of the run builds on
    assert rules(diff_style("Point"))["unbuilt"].get("filter") == \
        '"change" = \'removed\' AND NOT coalesce("forced", false)'


PROBE = r"""
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsExpression, QgsExpressionContext, QgsExpressionContextUtils,
                       QgsVectorLayer)
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer(os.path.join(sys.argv[1], "diff.geojson"), "diff", "ogr")
message, loaded = layer.loadNamedStyle(os.path.join(sys.argv[1], "diff.qml"))
named = {}
for rule in layer.labeling().rootRule().children():
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    test = QgsExpression(rule.filterExpression() or "true")
    hits = []
    for feature in layer.getFeatures():
        context.setFeature(feature)
        if test.evaluate(context):
            hits.append(feature["site"])
    named[rule.description()] = sorted(hits)
print(json.dumps({"valid": layer.isValid(), "loaded": loaded, "named": named}))
"""


def test_qgis_names_the_removed_and_shut_out_sites_once(qgis, tmp_path):  # noqa: F811 (the fixture)
    features = [{"type": "Feature", "id": f"{site}@b",
                 "geometry": {"type": "Point", "coordinates": [102.0 + i / 10, 25.0]},
                 "properties": {"id": f"{site}@b", "site": site, "name": site.replace("_", " ").title(),
                                "change": change, "forced": forced, "new_lfp": lfp, "new_cells": cells}}
                for i, (site, (change, forced, lfp, cells)) in enumerate(FEATURES.items())]
    folder = tmp_path / "cmp"
    folder.mkdir()
    (folder / "diff.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    (folder / "diff.qml").write_text(diff_style("Point", {c for c, *_ in FEATURES.values()}, ALIASES))
    seen = probe_folder(PROBE, folder, tmp_path)
    assert seen["valid"] and seen["loaded"], seen
    assert seen["named"]["unbuilt"] == ["dropped", "shut_out"]
    assert seen["named"]["forced"] == ["forced_out"]
