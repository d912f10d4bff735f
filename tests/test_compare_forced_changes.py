"""A change the run's own rules force is not noise. When a run is within solver tolerance of the
baseline, its changes are drawn hatched and called "plans of indistinguishable cost, not shown to
be effects of the change"; but where the baseline built a product at a site that the run's rules
keep out (or the run leaves no land free there), the run cannot keep the baseline's plan at that
site: the change is forced (diff.geojson's `forced`), drawn plainly, and comparison.md says so in
its cell of the sites dropped. A stricter red line that keeps every product out of Jiangchuan
district, where the baseline built cells, had that removal hatched as noise."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from siting.deliver.styles import (
    CHANGE_CLASS,
    CHANGE_CLASS_APART,
    INDISTINGUISHABLE_CLASS,
    _class_suffix,
    change_aliases,
    diff_changes,
    diff_forced,
    diff_style,
)
from siting.optimize.tolerance import WITHIN
from siting.runs.pool import CaseSummary
from siting.runs.tables import (
    SITES_DROPPED_ROW,
    comparison_display,
    comparison_table,
    diff_aliases,
    diff_geojson,
    difference_note,
    forced_change,
    sites_changed_note,
)

SITES = ("a", "b", "c", "d")


def sites_geojson(folder: Path) -> str:
    """A run's folder with a sites.geojson of the four point sites a, b, c, d, named "Park A" ..."""
    folder.mkdir(parents=True)
    features = [{"type": "Feature", "id": site, "properties": {"id": site, "name": f"Park {site.upper()}"},
                 "geometry": {"type": "Point", "coordinates": [102.0 + i, 25.0]}} for i, site in enumerate(SITES)]
    (folder / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(folder)


def run(label: str, folder: Path, kept_out: tuple[tuple[str, str], ...], land: dict[str, float],
        added: dict[str, dict[str, float]], objective_yuan: float) -> CaseSummary:
    return CaseSummary(label, True, status="optimal", objective_yuan=objective_yuan,
                       best_bound_yuan=objective_yuan * 1.02, gap=0.02, final_year=2024,
                       sites_opened=tuple(added), site_added=added,
                       excluded_pairs={"red line": len(kept_out), "proximity": 0},
                       kept_out={"red line": kept_out, "proximity": ()}, land_free_ha=land,
                       units={"lfp": "t", "cells": "GWh"}, output_value={2024: 1e9},
                       site_names={"a": "Park A", "b": "Park B", "c": "Park C", "d": "Park D"},
                       out_dir=sites_geojson(folder))


def runs(tmp_path: Path) -> tuple[CaseSummary, CaseSummary]:
    """The baseline builds cells at a and lfp at b; the strict run, within solver tolerance of it,
    keeps cells out of a (a removed, forced) and builds b's lfp at c instead (not forced: b still
    admits lfp, on land that shrank but is not gone). d: no land left in the strict run, nothing
    built there in either (not forced)."""
    base = run("base", tmp_path / "base", (), {"a": 50.0, "b": 40.0, "c": 40.0, "d": 30.0},
               {"a": {"cells": 10.0}, "b": {"lfp": 1000.0}}, -20e9)
    strict = run("strict", tmp_path / "strict", (("a", "cells"), ("a", "lfp")),
                 {"a": 0.0, "b": 12.0, "c": 40.0, "d": 0.0}, {"c": {"lfp": 1000.0}}, -19.9e9)
    return base, strict


def features(text: str) -> dict[str, dict]:
    return {f["properties"]["site"]: f["properties"] for f in json.loads(text)["features"]}


def test_the_removal_the_runs_rules_force_is_marked_forced(tmp_path: Path) -> None:
    base, strict = runs(tmp_path)
    found = features(diff_geojson([base, strict]))
    assert {site: p["change"] for site, p in found.items()} == {
        "a": "removed", "b": "removed", "c": "added", "d": "options changed"}
    assert {site: p["objective_difference"] for site, p in found.items()} == dict.fromkeys(SITES, WITHIN)
    assert {site: p["forced"] for site, p in found.items()} == {"a": True, "b": False, "c": False, "d": False}
    assert [forced_change(base, strict, site) for site in SITES] == [True, False, False, False]


def test_no_land_left_where_the_baseline_built_forces_the_change(tmp_path: Path) -> None:
    """The run keeps nothing out of a by name, but leaves it no land for new modules."""
    base, strict = runs(tmp_path)
    strict = run("strict2", tmp_path / "strict2", (), {"a": 0.0, "b": 40.0, "c": 40.0, "d": 30.0},
                 {"b": {"lfp": 1000.0}, "c": {"cells": 10.0}}, -19.9e9)
    assert features(diff_geojson([base, strict]))["a"]["forced"] is True
    assert forced_change(base, strict, "b") is False


def test_a_forced_change_is_classed_plainly_the_others_hatched(tmp_path: Path) -> None:
    base, strict = runs(tmp_path)
    text = diff_geojson([base, strict])
    assert _class_suffix(WITHIN, forced=True) == ""
    assert _class_suffix(WITHIN, forced=False) == _class_suffix(WITHIN) == INDISTINGUISHABLE_CLASS
    for expression in (CHANGE_CLASS, CHANGE_CLASS_APART):
        assert 'AND NOT "forced"' in expression
    assert diff_changes(text) == {"strict": ("removed", "options changed", "added:indistinguishable",
                                             "removed:indistinguishable")}
    assert diff_forced(text) == {"removed": True}
    classes = {c for changes in diff_changes(text).values() for c in changes}
    root = ET.fromstring(diff_style("Point", classes, diff_aliases([base, strict]), diff_forced(text))
                         .split("\n", 1)[1])
    assert root.find("renderer-v2").get("attr") == CHANGE_CLASS
    categories = {c.get("value"): c.get("label") for c in root.findall("renderer-v2/categories/category")}
    assert list(categories) == ["removed", "options changed", "added:indistinguishable", "removed:indistinguishable"]
    assert categories["removed"] == ("Removed: no new capacity here, some in the baseline (forced: the run's rules "
                                     "keep out what the baseline built here, or leave no land for new modules)")
    assert "indistinguishable" in categories["removed:indistinguishable"]
    aliases = {a.get("field"): a.get("name") for a in root.findall("aliases/alias")}
    assert aliases["forced"].startswith("forced by this run's rules")
    assert "forced" in change_aliases(["lfp"], {"lfp": "t"}, "a", [2024], [[2024]])


def test_the_dropped_cell_marks_the_forced_site(tmp_path: Path) -> None:
    base, strict = runs(tmp_path)
    table = comparison_table([base, strict])
    shown = comparison_display(table, [base, strict])
    column = next(c for c in shown.columns if c.startswith("strict vs base"))
    dropped = shown.loc[shown["metric"] == SITES_DROPPED_ROW, column].iloc[0]
    assert dropped == "Park A (forced: the run's rules keep out what base built there); Park B"
    assert table.loc[table["metric"] == SITES_DROPPED_ROW, "strict vs base"].iloc[0] == "a, b"  # ids, as written
    note = sites_changed_note([base, strict])
    assert "Park A (forced: the run's rules keep out what base built there); Park B." in note
    assert 'mark "forced" is the exception' in difference_note(table, [base, strict])


def test_options_the_rules_change_are_drawn_plainly_not_as_solver_noise(tmp_path: Path) -> None:
    """d adds nothing in either plan, but the strict run's rules leave it no land: its options
    changed, which the run's settings decide whatever the solver's gaps. Its class is the plain
    "options changed" (drawn plainly, its legend not calling it "not shown to be effects of the
    change"), as is a site unchanged; only the changes of new capacity of a run within solver
    tolerance are hatched."""
    base, strict = runs(tmp_path)
    text = diff_geojson([base, strict])
    assert "options changed" in diff_changes(text)["strict"]
    assert diff_forced(text) == {"removed": True}
    for expression in (CHANGE_CLASS, CHANGE_CLASS_APART):
        assert "\"change\" IN ('added', 'removed', 'resized')" in expression
    classes = {c for changes in diff_changes(text).values() for c in changes}
    root = ET.fromstring(diff_style("Point", classes, diff_aliases([base, strict]), diff_forced(text))
                         .split("\n", 1)[1])
    categories = {c.get("value"): c.get("label") for c in root.findall("renderer-v2/categories/category")}
    assert "options changed:indistinguishable" not in categories
    assert "indistinguishable" not in categories["options changed"]
