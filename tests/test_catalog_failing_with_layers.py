"""A catalog that is missing or fails its schema hides no layer file that is missing: the layers'
values are not checked without the catalog (their products and resources are the catalog's), but
whether each layer's file is there and can be opened is, and said beside the catalog's problems.
Solves nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MISSING_CATALOG, NO_CATALOG, SPOILED_CATALOG, refused_lines, spoil_catalog_schema

SITES = ("nope.geojson: sites layer not found; check --set layers.sites.path (a relative path in --set starts at the "
         "current folder)")


@pytest.mark.parametrize("command", ["check", "solve"])
def test_a_missing_catalog_hides_no_missing_layer(folder: Path, capsys, monkeypatch, command):
    monkeypatch.chdir(folder)
    out = ["--out", "run"] if command == "solve" else []
    assert refused_lines(folder, capsys, [command, "scenario.yaml", *out, *NO_CATALOG,
                                          "--set", "layers.sites.path=nope.geojson"]) == [
        "error: 2 problems in the input:",
        MISSING_CATALOG,
        f"  - {SITES}"]
    assert not (folder / "run").exists()


def test_a_catalog_failing_its_schema_hides_no_missing_layer(folder: Path, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    (folder / "redline.geojson").unlink()
    spoil_catalog_schema(folder)
    lines = refused_lines(folder, capsys, ["check", "scenario.yaml", "--set", "layers.sites.path=nope.geojson"])
    assert lines[0] == "error: 3 problems in the input:"  # the misspelt required key is one problem
    assert SPOILED_CATALOG in lines
    assert [line for line in lines if "layer not found" in line] == [
        f"  - {SITES}",
        "  - redline.geojson: redline layer not found; check layers.redline.path at scenario.yaml:9 (relative paths "
        "start at the folder of the file that names it)"]
