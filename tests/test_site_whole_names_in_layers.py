"""Every GIS layer names a site by its whole name, as sites.geojson's `name` gives it, so that a
QGIS join on `name` holds across the layers; only the texts for reading (the report, the
terminal, comparison.md, map labels) shorten it to its part before the first comma. Before, the
diagnosis's conflict_sites.geojson and compare's diff.geojson carried the short form.

The small scenario (tests/data/small) with two sites renamed: w_lake "West lake park, east
area" (shortened to "West lake park") and e_city "East city, north area" ("East city"), which
the small optimum builds on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_outputs_names import two_rules

from siting.cli import main
from siting.deliver.explore import conflict_layers, conflict_sites_style, conflicts_figure
from siting.deliver.geopackage import layer_description_text
from siting.prepare.problem import prepare, redline_settings

WHOLE = {"w_lake": "West lake park, east area", "e_city": "East city, north area"}
SHORT = {"w_lake": "West lake park", "e_city": "East city"}


def renamed(folder: Path) -> Path:
    """`folder` (a copy of tests/data/small) with the sites of WHOLE renamed; its scenario.yaml."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:
        site = feature["properties"]["site_id"]
        feature["properties"]["name"] = WHOLE.get(site, feature["properties"]["name"])
    path.write_text(json.dumps(data), encoding="utf-8")
    return folder / "scenario.yaml"


def test_conflict_sites_carry_the_whole_name_and_conflicts_png_the_short_one(folder: Path) -> None:
    prepared = prepare(renamed(folder), {})
    assert prepared.names.site("w_lake") == SHORT["w_lake"]  # the texts' name
    _areas, points = conflict_layers(two_rules(), prepared.spatial, redline_settings(prepared.loaded),
                                     prepared.names)
    named = {r["place"]: r["name"] for _i, r in points.frame.iterrows() if r["role"] == "site"}
    assert named == {"w_lake": WHOLE["w_lake"], "w_mine": "West mine park"}
    figure = conflicts_figure(two_rules(), prepared.spatial, _areas, points, "small", names=prepared.names)
    labels = sorted(t.get_text() for t in figure.axes[0].texts if t.get_text().endswith(")"))
    assert labels == ["West lake park (1)", "West mine park (2)", "West phosphate (2)"]
    assert 'name="name (a site\'s whole name, as sites.geojson\'s)"' in conflict_sites_style(points)


def test_diff_geojson_names_each_site_as_sites_geojson_and_the_texts_keep_the_short_name(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = renamed(folder)
    (folder / "b.yaml").write_text("extends: scenario.yaml\nname: b\ntargets:\n  capacity:\n    cells: {2024: 20}\n",
                                   encoding="utf-8")
    monkeypatch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
    out = tmp_path / "cmp"
    assert main(["compare", str(scenario), str(folder / "b.yaml"), "--out", str(out), "--workers", "1"]) == 0
    terminal = capsys.readouterr().out
    sites = {f["id"]: f["properties"]["name"]
             for f in json.loads((out / "small" / "sites.geojson").read_text(encoding="utf-8"))["features"]}
    assert sites["e_city"] == WHOLE["e_city"] and sites["w_lake"] == WHOLE["w_lake"]
    diff = json.loads((out / "diff.geojson").read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["site"]: f["properties"]["name"] for f in diff} == sites
    report = (out / "small" / "report.md").read_text(encoding="utf-8")
    assert "sites built on: West mine park; East city; East far" in report  # the text's short name
    assert "| East city | East city, north area | e_city |" in report  # the whole one only where it is looked up
    assert WHOLE["e_city"] not in terminal and WHOLE["e_city"] not in (out / "comparison.md").read_text(
        encoding="utf-8")


def test_the_geopackage_descriptions_of_layers_naming_sites_say_how_to_join_them(folder: Path) -> None:
    from siting.deliver.layer import OutputLayer

    flows = OutputLayer("flows", "Raw-material flows", None, (), "LineString")  # type: ignore[arg-type]
    assert layer_description_text(flows) == (
        "Raw-material flows. A site's id (`site`) is the join key across the layers; `site_name` is the site's "
        "whole name, as sites.geojson's `name`.")
    hubs = OutputLayer("hubs", "Hubs", None, (), "Point")  # type: ignore[arg-type]
    assert layer_description_text(hubs) == "Hubs"
