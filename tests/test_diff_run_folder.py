"""diff.geojson names each compared run's folder (`folder`) beside its label (`scenario`): a
sweep's run is labelled "run02 buffer_m=1000" but written in run02/, so that joining the changes
to a run's own layers meant cutting the label. A run whose folder was not kept has none (null)."""

from __future__ import annotations

import json
from pathlib import Path

from siting.runs.pool import CaseSummary
from siting.runs.tables import diff_aliases, diff_geojson


def run(label: str, folder: Path | None) -> CaseSummary:
    out_dir = ""
    if folder is not None:
        folder.mkdir(parents=True)
        feature = {"type": "Feature", "id": "a", "properties": {"id": "a"},
                   "geometry": {"type": "Point", "coordinates": [102.0, 25.0]}}
        (folder / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
        out_dir = str(folder)
    return CaseSummary(label, True, status="optimal", objective_yuan=-20e9, gap=0.0, final_year=2024,
                       sites_opened=("a",), site_added={"a": {"lfp": 1000.0}}, units={"lfp": "t"},
                       output_value={2024: 1e9}, out_dir=out_dir)


def test_each_feature_names_its_runs_folder(tmp_path: Path) -> None:
    base = run("run01 buffer_m=0", tmp_path / "run01")
    wider = run("run02 buffer_m=1000", tmp_path / "run02")
    features = [f["properties"] for f in json.loads(diff_geojson([base, wider]))["features"]]
    assert [(p["scenario"], p["folder"]) for p in features] == [("run02 buffer_m=1000", "run02")]
    assert diff_aliases([base, wider])["folder"] == "folder of this run (in the comparison or sweep folder)"


def test_a_run_whose_folder_was_not_kept_has_none(tmp_path: Path) -> None:
    base = run("base", tmp_path / "base")
    other = run("other", None)
    features = [f["properties"] for f in json.loads(diff_geojson([base, other]))["features"]]
    assert features and all(p["folder"] is None for p in features)
