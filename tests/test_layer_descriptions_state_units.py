"""The hand-authored sites and sources layers say, in the file itself (its "description", which
GDAL reads as the layer's DESCRIPTION), their CRS, licence, the date of their capacity figures
and the unit of every numeric column: a reader who opens the file in QGIS without the README sees
that existing_separator counts million m2 a year and existing_cells GWh a year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.prepare.layers import layer_description

LAYER_DIR = Path(__file__).resolve().parents[1] / "geodata" / "yunnan"


def _numeric_columns(name: str) -> set[str]:
    data = json.loads((LAYER_DIR / f"{name}.geojson").read_text("utf-8"))
    return {key for feature in data["features"] for key, value in feature["properties"].items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)}


@pytest.mark.parametrize("name", ["sites", "sources"])
def test_description_names_crs_licence_and_every_numeric_column(name):
    text = layer_description(LAYER_DIR / f"{name}.geojson")
    assert "EPSG:4326" in text and "Licence" in text
    for column in sorted(_numeric_columns(name)):
        assert column in text, column


def test_sites_description_gives_each_existing_columns_unit_and_date():
    text = layer_description(LAYER_DIR / "sites.geojson")
    assert "2022-01-01" in text
    for column, unit in (("existing_lfp", "t/yr"), ("existing_separator", "million m2/yr"),
                         ("existing_cells", "GWh/yr")):
        assert column in text and unit in text.split(column, 1)[1], column


def test_sources_description_gives_the_unit_of_each_resource():
    text = layer_description(LAYER_DIR / "sources.geojson")
    data = json.loads((LAYER_DIR / "sources.geojson").read_text("utf-8"))
    for resource in {f["properties"]["resource"] for f in data["features"]}:
        assert f"{resource} t of" in text, resource
