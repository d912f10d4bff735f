"""diff.geojson names each site as the runs' sites.geojson does (`name`, the id for a site without one), and
diff.qml labels a forced change by that name: before, the label title-cased the id
("Qujing Etdz" for qujing_etdz)."""

from __future__ import annotations

import json
from pathlib import Path

from test_compare_forced_changes import runs

from siting.deliver.styles import diff_changes, diff_forced, diff_style
from siting.runs.tables import diff_aliases, diff_geojson


def test_the_diff_layer_names_each_site_and_labels_forced_changes_by_it(tmp_path: Path) -> None:
    base, strict = runs(tmp_path)
    text = diff_geojson([base, strict])
    names = {f["properties"]["site"]: f["properties"]["name"] for f in json.loads(text)["features"]}
    assert names == {"a": "Park A", "b": "Park B", "c": "Park C", "d": "Park D"}
    classes = {c for run in diff_changes(text).values() for c in run}
    style = diff_style("Point", classes, diff_aliases([base, strict]), diff_forced(text))
    assert 'coalesce(&quot;name&quot;, &quot;site&quot;)' in style or 'coalesce("name", "site")' in style
    assert "title(replace(" not in style
