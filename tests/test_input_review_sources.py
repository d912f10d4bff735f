"""A sources layer whose resource field names no resource of the catalog in any feature: the
field is likely the wrong one, which is an error naming the file, the field, the values found,
the catalog's resources and the field that does name them (not a notice per feature that leaves
products buildable nowhere)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.cli import main

SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"


def checked(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().err


def test_a_wrong_resource_field_is_an_error_naming_the_field_that_fits(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    code, err = checked(capsys, "scenario.yaml", "--set", "layers.sources.resource_field=name")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'name' | names no resource of the catalog in any feature of the sources layer "
        "(got 'West phosphate' and 'Clay lithium'; the resources of catalog.yaml are phosphate_rock and "
        "lithium_clay): layers.sources.resource_field is likely the wrong field; field 'resource' names them "
        "(e.g. 'phosphate_rock'): set layers.sources.resource_field to 'resource'\n")


def test_no_field_of_the_layer_names_a_resource(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    data = json.loads((folder / "sources.geojson").read_text())
    for feature, value in zip(data["features"], ["zinc", "tin"], strict=True):
        feature["properties"]["resource"] = value
    (folder / "sources.geojson").write_text(json.dumps(data))
    code, err = checked(capsys, "scenario.yaml")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'resource' | names no resource of the catalog in any feature of the sources "
        "layer (got 'zinc' and 'tin'; the resources of catalog.yaml are phosphate_rock and lithium_clay): "
        "layers.sources.resource_field is likely the wrong field; set it to the field that names each source's "
        "resource, or give each source a resource of the catalog\n")


def test_the_shipped_scenario_with_its_names_as_resources(capsys, monkeypatch):
    monkeypatch.chdir(SHIPPED.parent.parent)
    code, err = checked(capsys, "scenarios/yunnan_2024.yaml", "--set", "layers.sources.resource_field=name")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - geodata/yunnan/sources.geojson: field 'name' | names no resource of the catalog in any feature of the "
        "sources layer (got 'Kunyang phosphate mine (Yunnan Phosphate Group)', 'Haikou phosphate mining area "
        "(Dianchi basin)', 'Anning phosphate deposits' and 9 more; the resources of scenarios/catalog.yaml are "
        "phosphate_rock, lithium_clay, manganese, petroleum_coke, copper, nickel, cobalt, retired_batteries, "
        "copper_concentrate and aluminium): layers.sources.resource_field is likely the wrong field; field "
        "'resource' names them (e.g. 'phosphate_rock'): set layers.sources.resource_field to 'resource'\n")


def test_one_typo_among_known_resources_keeps_its_did_you_mean(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    text = (folder / "sources.geojson").read_text()
    (folder / "sources.geojson").write_text(text.replace('"lithium_clay"', '"lithium_clai"'))
    code, err = checked(capsys, "scenario.yaml")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'resource' | unknown resource in the 2nd feature (source_id 'li_clay') (got "
        "'lithium_clai'); did you mean 'lithium_clay'? (a resource of its own needs an entry in the resources of "
        "catalog.yaml)\n")


def test_every_resource_a_typo_keeps_each_did_you_mean(folder: Path, capsys, monkeypatch):
    """Every value close to a catalog resource, and no other field naming one: typos, not the
    wrong field."""
    monkeypatch.chdir(folder)
    data = json.loads((folder / "sources.geojson").read_text())
    data["features"] = data["features"][:1]
    data["features"][0]["properties"]["resource"] = "phosphate_rok"
    (folder / "sources.geojson").write_text(json.dumps(data))
    code, err = checked(capsys, "scenario.yaml")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'resource' | unknown resource in the 1st feature (source_id 'rock_w') (got "
        "'phosphate_rok'); did you mean 'phosphate_rock'? (a resource of its own needs an entry in the resources "
        "of catalog.yaml)\n")


def test_a_typo_beside_a_resource_of_no_product_keeps_its_did_you_mean(folder: Path, capsys, monkeypatch):
    """One value close to a catalog resource, the other like none, and no other field naming
    one: the typo is refused with "did you mean", the other said in a notice."""
    monkeypatch.chdir(folder)
    text = (folder / "sources.geojson").read_text()
    text = text.replace('"phosphate_rock"', '"phosphate_rok"').replace('"lithium_clay"', '"zinc"')
    (folder / "sources.geojson").write_text(text)
    code, err = checked(capsys, "scenario.yaml")
    assert code == 2
    assert err == (
        "error: 1 problem in the input:\n"
        "  - sources.geojson: field 'resource' | unknown resource in the 1st feature (source_id 'rock_w') (got "
        "'phosphate_rok'); did you mean 'phosphate_rock'? (a resource of its own needs an entry in the resources "
        "of catalog.yaml)\n")
