"""The diagnosis and robustness layers keep their ids for programs and give their places and
products in words for people: a `name` field and a `products_in_words` field, which their styles
and maps label with (the small scenario: West, West lakeside, West phosphate, LFP)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from siting.deliver.explore import (
    conflict_layers,
    conflict_sites_style,
    conflicts_figure,
    conflicts_style,
    robustness_layer,
    robustness_style,
)
from siting.optimize.alternatives import Alternative
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import Prepared, prepare, redline_settings


@pytest.fixture
def prepared(folder: Path) -> Prepared:
    return prepare(folder / "scenario.yaml", {})


def two_rules() -> Diagnosis:
    """Rule 1: the red line keeps LFP out of West at w_lake (the lake's 1 km buffer reaches into
    West); rule 2: rock_w's supply, drawn on by w_mine."""
    return Diagnosis((
        Conflict(RuleInstance("redline", ("west", "lfp")), "the red line keeps LFP out of West lakeside",
                 "constraints.redline", sites=("w_lake",), clusters=("west",), redline_products=("lfp",)),
        Conflict(RuleInstance("source_limit", ("phosphate_rock",)), "West phosphate supplies at most 1,000,000 t/yr",
                 "layers.sources (supply)", sites=("w_mine",), sources=("rock_w",)),
    ), irreducible=True)


def label_expression(qml: str) -> str:
    style = ET.fromstring(qml.split("\n", 1)[1]).find(".//text-style")
    assert style is not None
    return str(style.get("fieldName"))


def test_conflict_features_keep_the_place_s_id_and_give_its_name(prepared: Prepared):
    areas, points = conflict_layers(two_rules(), prepared.spatial, redline_settings(prepared.loaded), prepared.names)
    assert [(r["id"], r["role"], r["place"], r["name"]) for _i, r in areas.frame.iterrows()] == [
        ("1:west", "cluster", "west", "West"), ("1:west:lfp", "redline_zone", "west (lfp)", "West (LFP)")]
    assert [(r["id"], r["role"], r["place"], r["name"]) for _i, r in points.frame.iterrows()] == [
        ("1:w_lake", "site", "w_lake", "West lakeside"), ("2:w_mine", "site", "w_mine", "West mine park"),
        ("2:rock_w", "source", "rock_w", "West phosphate")]
    assert ("name", "string") in areas.fields and ("place", "string") in points.fields
    assert label_expression(conflicts_style(areas)) == "'rule ' || \"rule\" || ': ' || \"name\""
    assert label_expression(conflict_sites_style(points)) == "\"name\" || ' (' || \"rule\" || ')'"


def test_conflicts_png_labels_each_place_by_its_name(prepared: Prepared):
    diagnosis = two_rules()
    areas, points = conflict_layers(diagnosis, prepared.spatial, redline_settings(prepared.loaded), prepared.names)
    figure = conflicts_figure(diagnosis, prepared.spatial, areas, points, "small: rules that cannot be met together")
    labels = sorted(t.get_text() for t in figure.axes[0].texts if t.get_text().endswith(")"))
    assert labels == ["West lakeside (1)", "West mine park (2)", "West phosphate (2)"]


def test_robustness_sites_give_their_products_by_id_and_in_words(prepared: Prepared):
    """One plan (the optimum): w_mine builds FePO4 and LFP, e_city LFP, e_far LFP and Cells, each
    in every plan (100 %); w_lake builds nothing."""
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), {})
    layer = robustness_layer([Alternative("optimum", solved.report, solved.plan)], prepared.inputs, prepared.spatial)
    frame = layer.frame.set_index("id")
    assert frame["products"].to_dict() == {"w_mine": "fepo4 100%, lfp 100%", "w_lake": "", "e_city": "lfp 100%",
                                           "e_far": "lfp 100%, cells 100%"}
    assert frame["products_in_words"].to_dict() == {"w_mine": "FePO4 100%, LFP 100%", "w_lake": "",
                                                    "e_city": "LFP 100%", "e_far": "LFP 100%, Cells 100%"}
    assert label_expression(robustness_style(layer)) == (
        "if(\"role\" = 'none', '', \"name\" || '\\n' || \"products_in_words\")")
