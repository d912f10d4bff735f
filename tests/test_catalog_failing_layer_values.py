"""A catalog that is missing or fails its schema hides none of the layers' problems that need no
catalog (a repeated id, a negative number, a broken geometry): they are listed beside the
catalog's. What does need the catalog (the existing-capacity columns, which name its products;
the sources' resources) is left unchecked, so that no problem is told that the catalog would not
confirm. Solves nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MISSING_CATALOG, NO_CATALOG, SPOILED_CATALOG, refused_lines, spoil_catalog_schema

REPEATED = "  - sites.geojson: field 'site_id' | duplicate id 'w_mine' (the 1st and 2nd features); ids must be unique"
NEGATIVE = ("  - sites.geojson: field 'usable_area_ha' | negative for the 3rd feature (site_id 'e_city') (got -5); "
            "use a value >= 0")


def spoil_sites(folder: Path) -> None:
    """Give the sites layer a repeated id and a negative usable area, and a column
    `existing_<name>` and a source resource that no catalog names (problems only against one)."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    data["features"][1]["properties"]["site_id"] = "w_mine"
    data["features"][2]["properties"]["usable_area_ha"] = -5
    for feature in data["features"]:
        feature["properties"]["existing_unobtainium"] = 1.0
    path.write_text(json.dumps(data))
    path = folder / "sources.geojson"
    data = json.loads(path.read_text())
    resource = next(k for k in data["features"][0]["properties"] if k.startswith("resource"))
    data["features"][0]["properties"][resource] = "unobtainium"
    path.write_text(json.dumps(data))


@pytest.mark.parametrize("command", ["check", "solve"])
def test_a_missing_catalog_hides_no_layer_value_problem(folder: Path, capsys, monkeypatch, command):
    monkeypatch.chdir(folder)
    spoil_sites(folder)
    out = ["--out", "run"] if command == "solve" else []
    assert refused_lines(folder, capsys, [command, "scenario.yaml", *out, *NO_CATALOG]) == [
        "error: 3 problems in the input:", REPEATED, MISSING_CATALOG, NEGATIVE]
    assert not (folder / "run").exists()


def test_a_catalog_failing_its_schema_hides_no_layer_value_problem(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    spoil_sites(folder)
    spoil_catalog_schema(folder)
    lines = refused_lines(folder, capsys, ["check", "scenario.yaml"])
    assert lines[0] == "error: 3 problems in the input:"  # the misspelt required key is one problem
    assert SPOILED_CATALOG in lines
    assert REPEATED in lines and NEGATIVE in lines
    assert not [line for line in lines if "unobtainium" in line]
