"""Messages that say what is wrong: a broken geometry is not a missing one, NaN is not null, a
red-line zone drawn in overlapping parts is their union, a dropped site's existing capacity is
named, and a scenario without a sources layer is not told of "the sources layer"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.prepare.problem import prepare
from tests.conftest import edit, run_bad


def set_feature(path: Path, index: int, *, geometry: dict | None = None, **properties: object) -> None:
    layer = json.loads(path.read_text())
    feature = layer["features"][index]
    if geometry is not None:
        feature["geometry"] = geometry
    feature["properties"].update(properties)
    path.write_text(json.dumps(layer))


def test_a_point_with_one_coordinate_is_a_broken_geometry_not_a_missing_one(folder: Path, capsys):
    set_feature(folder / "sites.geojson", 0, geometry={"type": "Point", "coordinates": [102.1]})
    message = run_bad(folder, capsys)
    assert message == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: geometry | the 1st feature (site_id 'w_mine') has a broken geometry: a Point with one "
        "coordinate (got [102.1]); give each point both its coordinates, x and y (longitude and latitude), or "
        "redraw it\n")


def test_a_point_with_coordinates_in_quotes_is_a_broken_geometry_not_a_missing_one(folder: Path, capsys):
    """Coordinates written as texts ("102.1"), which GDAL reads as no geometry, are named as
    written, not said to be no geometry to remove or draw; a red-line ring with a null among its
    positions likewise."""
    set_feature(folder / "sites.geojson", 0, geometry={"type": "Point", "coordinates": ["102.1", "24.6"]})
    ring = [[102.38, 24.88], [102.42, None], [102.42, 24.92], [102.38, 24.92], [102.38, 24.88]]
    set_feature(folder / "redline.geojson", 0, geometry={"type": "Polygon", "coordinates": [ring]})
    message = run_bad(folder, capsys)
    assert message == (
        "error: 2 problems in the input:\n"
        "  - sites.geojson: geometry | the 1st feature (site_id 'w_mine') has a broken geometry: a Point with a "
        "coordinate that is no number (got [\"102.1\", \"24.6\"]); write each coordinate as a number, without "
        "quotes (x = longitude, y = latitude)\n"
        "  - redline.geojson: geometry | the 1st feature (zone_id 'lake') has a broken geometry: a Polygon with a "
        "position holding a coordinate that is no number (got [102.42, null]); write each coordinate as a number, "
        "without quotes (x = longitude, y = latitude)\n")


def test_nan_in_a_number_field_is_said_as_nan(folder: Path, capsys):
    path = folder / "sites.geojson"
    path.write_text(path.read_text().replace('"usable_area_ha": 100.0', '"usable_area_ha": NaN', 1))
    message = run_bad(folder, capsys)
    assert message == ("error: 1 problem in the input:\n"
                       "  - sites.geojson: field 'usable_area_ha' | not a number for the 1st feature (site_id "
                       "'w_mine') (got NaN); use a number\n")


def test_null_in_a_number_field_is_still_said_as_null(folder: Path, capsys):
    set_feature(folder / "sites.geojson", 0, existing_lfp=None)
    path = folder / "sources.geojson"
    set_feature(path, 0, supply_t_per_yr=None)
    message = run_bad(folder, capsys)
    assert "(got null)" in message and "NaN" not in message


def overlapping_parts(folder: Path, shift: float) -> None:
    """The lake as a MultiPolygon of its square and the square shifted east by `shift` degrees."""
    path = folder / "redline.geojson"
    layer = json.loads(path.read_text())
    ring = layer["features"][0]["geometry"]["coordinates"][0]
    moved = [[x + shift, y] for x, y in ring]
    layer["features"][0]["geometry"] = {"type": "MultiPolygon", "coordinates": [[ring], [moved]]}
    path.write_text(json.dumps(layer))


@pytest.mark.parametrize(("shift", "union_km2", "parts_km2"), [(0.0, 17.9, 35.8), (0.02, 26.9, 35.8)])
def test_a_red_line_zone_of_overlapping_parts_is_read_as_their_union(folder: Path, shift: float, union_km2: float,
                                                                     parts_km2: float):
    """Two identical squares, or two overlapping by half: the zone is the land inside either (make_valid
    kept the land inside one of them only, and the 50 % or 25 % it took off was refused)."""
    overlapping_parts(folder, shift)
    prepared = prepare(folder / "scenario.yaml", {})
    zone = prepared.spatial.redline.geometry.iloc[0]
    assert zone.is_valid and zone.geom_type == "Polygon"
    said = [n for n in prepared.notices if "redline.geojson" in n]
    assert len(said) == 1, prepared.notices
    assert said[0].endswith(f"redline.geojson: the parts of the 1st feature (zone_id 'lake') overlap or share an edge "
                            f"({said[0].split('(')[2].split(')')[0]}): read as their union, the land inside any of "
                            f"them: {union_km2} km2, where the parts add up to {parts_km2} km2")


def test_a_dropped_site_names_its_existing_capacity(folder: Path):
    set_feature(folder / "sites.geojson", 2, geometry={"type": "Point", "coordinates": [104.5, 24.7]})
    edit(folder / "scenario.yaml", "spatial:\n", "spatial:\n  sites_outside_clusters: drop\n")
    prepared = prepare(folder / "scenario.yaml", {})
    dropped = [n for n in prepared.notices if n.startswith("sites outside every cluster")]
    assert dropped == ["sites outside every cluster, dropped: East city (e_city), with existing capacity of "
                       "20,000 t/yr LFP, which the plan leaves out"]


def test_without_a_sources_layer_the_supply_notice_says_so(folder: Path):
    edit(folder / "scenario.yaml", "  sources: {path: sources.geojson}\n", "")
    edit(folder / "catalog.yaml", "import_price_yuan_per_t: {base: {2023: 400, 2024: 300}, flat: {2023: 300, "
                                  "2024: 300}}, import_cap_t_per_yr: {2024: 50000}, ", "")
    prepared = prepare(folder / "scenario.yaml", {})
    said = [n for n in prepared.notices if "the catalog gives no import price" in n]
    assert said == ["the scenario gives no sources layer (layers.sources), so no source offers 'phosphate_rock', "
                    "and the catalog gives no import price for it: products that need it cannot produce while the "
                    "supply rule is on"]
