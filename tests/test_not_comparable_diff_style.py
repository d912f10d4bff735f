"""diff.qml draws the changes of a run whose objective weighs the years otherwise than the
baseline's (diff.geojson's `objective_difference` beginning "not comparable") apart from ordinary
changes: grey, with its change's colour only at the edge, and a legend saying "not comparable
(objectives weigh the years differently)". The rule reads the field diff.geojson carries.

The small scenario against `later`, the same with `objective.years_after_horizon` 3 instead of 0.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_qgis_projects_short_names import diff_text as ranged_diff_text

from siting.deliver.styles import (
    CHANGE_COLOURS,
    NOT_COMPARABLE_CLASS,
    NOT_COMPARABLE_COLOUR,
    diff_changes,
    diff_style,
    rgba,
)
from tests.conftest import MadeRun

LEGEND = "not comparable (objectives weigh the years differently)"
VERDICT = "not comparable: the objectives weigh the years differently (objective.years_after_horizon 3 vs 0)"


def _root(text: str) -> ET.Element:
    return ET.fromstring(text.split("\n", 1)[1])


def diff_text(verdict: str) -> str:
    """diff.geojson of b against a, b's objective difference as given, with no proven range."""
    return ranged_diff_text(verdict, None, None)


def test_the_changes_of_a_run_not_comparable_are_a_class_of_their_own() -> None:
    assert diff_changes(diff_text(VERDICT)) == {"b": ("resized" + NOT_COMPARABLE_CLASS,
                                                      "unchanged" + NOT_COMPARABLE_CLASS)}
    assert diff_changes(diff_text("proven")) == {"b": ("resized", "unchanged")}


def test_diff_qml_draws_them_grey_with_their_legend() -> None:
    root = _root(diff_style("Point", set(diff_changes(diff_text(VERDICT))["b"])))
    renderer = root.find("renderer-v2")
    assert renderer is not None
    assert "\"objective_difference\" LIKE 'not comparable%'" in renderer.get("attr", "")
    categories = renderer.findall("categories/category")
    assert [(c.get("value"), c.get("label")) for c in categories] == [
        ("resized:not comparable", f"Resized: other new capacity than in the baseline; {LEGEND}"),
        ("unchanged:not comparable", f"Unchanged; {LEGEND}")]
    marker = {o.get("name"): o.get("value") for o in renderer.find("symbols/symbol/layer/Option")}
    assert (marker["color"], marker["outline_color"]) == (rgba(NOT_COMPARABLE_COLOUR, 230),
                                                          rgba(CHANGE_COLOURS["resized"]))
    fill = _root(diff_style("MultiPolygon", {"added:not comparable"})).find("renderer-v2/symbols/symbol/layer/Option")
    options = {o.get("name"): o.get("value") for o in fill}
    assert options["color"] == rgba(NOT_COMPARABLE_COLOUR, 170) and options["style"] not in ("solid", "b_diagonal")


@pytest.fixture(scope="module")
def compared(not_comparable_compare_run: MadeRun) -> Path:
    """The output folder of a comparison of two runs whose objectives weigh the years differently
    (`not_comparable_compare_run`): read-only."""
    return not_comparable_compare_run.out


def test_the_written_diff_qml_classifies_by_the_field_diff_geojson_carries(compared: Path) -> None:
    features = json.loads((compared / "diff.geojson").read_text(encoding="utf-8"))["features"]
    fields = set(features[0]["properties"])
    verdicts = {f["properties"]["objective_difference"] for f in features}
    assert verdicts == {VERDICT}
    renderer = _root((compared / "diff.qml").read_text(encoding="utf-8")).find("renderer-v2")
    assert renderer is not None
    expression = renderer.get("attr", "")
    assert set(re.findall(r'"(\w+)"', expression)) <= fields
    assert "\"objective_difference\" LIKE 'not comparable%'" in expression
    values = [c.get("value") for c in renderer.findall("categories/category")]
    assert values == sorted({f["properties"]["change"] + NOT_COMPARABLE_CLASS for f in features},
                            key=lambda v: list(CHANGE_COLOURS).index(v.split(":")[0]))
    assert all(c.get("label").endswith(f"; {LEGEND}") for c in renderer.findall("categories/category"))
    # compare.qgs's layer of later's changes keeps those classes and their legend
    project = _root((compared / "compare.qgs").read_text(encoding="utf-8"))
    (layer,) = [m for m in project.iter("maplayer") if (m.findtext("layername") or "").startswith("later: changes")]
    labels = [c.get("label") for c in layer.iter("category")]
    assert labels and all(label.endswith(f"; {LEGEND}") for label in labels)
