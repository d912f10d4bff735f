"""The references of a scenario to its layers are checked by one body (siting/prepare/checks.py
`catalog_free_references`), for a scenario whose catalog failed and, with the references to the
catalog's resources (`unknown_resource_problems`) in their place, for one whose catalog passed
(`check_against_layers`): the clusters', the red-line categories', the proximity limits' and the
committed projects' sites' problems, in that order. The small scenario of tests/data/small
(`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from siting.config.load import load_scenario
from siting.prepare.checks import catalog_free_references, check_against_layers, unknown_resource_problems
from siting.prepare.layers import load_layers
from tests.conftest import edit


def test_one_body_checks_the_references_in_the_order_reported(folder: Path):
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 1000, categories: [laek]}")
    edit(folder / "scenario.yaml", "max_distance_km: {phosphate_rock: 50}", "max_distance_km: {phosphate_rok: 50}")
    edit(folder / "committed_projects.yaml", "site: e_city", "site: e_cty")
    loaded = load_scenario(folder / "scenario.yaml")
    layers = load_layers(loaded)
    problems, _notices = check_against_layers(loaded, layers)
    resources = unknown_resource_problems(loaded)
    assert len(resources) == 1 and "constraints.proximity.max_distance_km.phosphate_rok | unknown resource" in (
        resources[0])
    assert problems == catalog_free_references(loaded, layers, frozenset(), resources)
    others = catalog_free_references(loaded, layers)
    assert [p for p in problems if p not in resources] == others
    assert len(others) == 2
    assert "laek" in others[0] and "e_cty" in others[1]
    assert problems.index(resources[0]) == 1  # between the categories' and the sites'
    faulty = catalog_free_references(loaded, layers, frozenset({"redline", "sites"}), resources)
    assert faulty == resources
