"""A red-line layer none of whose polygons comes near the study area (the box of the clusters,
sites and sources, widened by the red-line rule's largest buffer or setback) excludes nothing: a
layer of another region, or coordinates in another CRS than the file declares, would let the plan
ignore the red line in silence. It is named in a notice, with the layer's extent and the study
area's; a layer with polygons both near and far (a whole province's) passes in silence, as does
one whose nearest polygon lies outside the box but within the rule's reach.

The small scenario (tests/data/small): clusters 102.0 to 103.5 E, 24.5 to 25.0 N, the sites and
sources inside that box, one lake at 102.38 to 102.42 E, 24.88 to 24.92 N, buffer 1,000 m."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import edit

from siting.cli import main
from siting.prepare.problem import prepare

# `folder` (a copy of the small scenario) is in tests/conftest.py.

CHILE = [[-70.4, -33.4], [-70.3, -33.4], [-70.3, -33.3], [-70.4, -33.3], [-70.4, -33.4]]

NOTICE = (
    "redline.geojson: geometry | no red-line polygon comes within 1,000 m (the largest buffer or setback of "
    "constraints.redline) of the study area (the box of the clusters, sites and sources: 102.00 to 103.50 E, "
    "24.50 to 25.00 N), so the red line excludes no site: the layer's 1 feature lies at -70.40 to -70.30 E, "
    "-33.40 to -33.30 N (in EPSG:4326, as the file declares); a red-line layer of another region, or coordinates "
    "in another CRS than the file declares? Give the study area's red-line polygons, in the CRS the file declares, "
    "or set constraints.redline.enabled: false for a plan without a red line")


def set_rings(path: Path, rings: list[list[list[list[float]]]]) -> None:
    """Make the red-line layer at `path` hold one lake polygon per ring of `rings` (lon/lat)."""
    data = json.loads(path.read_text())
    first = data["features"][0]
    data["features"] = [{**first, "properties": {**first["properties"], "zone_id": f"z{i}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}} for i, ring in enumerate(rings)]
    path.write_text(json.dumps(data))


def far_notices(folder: Path) -> list[str]:
    return [str(n) for n in prepare(folder / "scenario.yaml", {}).notices if "study area" in str(n)]


def test_a_red_line_in_chile_for_a_yunnan_study_area_is_named(folder: Path):
    set_rings(folder / "redline.geojson", [CHILE])
    assert far_notices(folder) == [NOTICE]


def test_check_prints_it(folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(folder)
    set_rings(folder / "redline.geojson", [CHILE])
    assert main(["check", "scenario.yaml"]) == 0
    assert NOTICE in capsys.readouterr().out.replace("\n  ", " ")


def test_the_shipped_small_scenario_is_silent(folder: Path):
    assert far_notices(folder) == []


def test_a_province_wide_layer_with_one_polygon_near_is_silent(folder: Path):
    lake = json.loads((folder / "redline.geojson").read_text())["features"][0]["geometry"]["coordinates"][0]
    set_rings(folder / "redline.geojson", [CHILE, lake])
    assert far_notices(folder) == []


#: A square about 0.02 degrees (some 2 km) east of the study area's box, which ends at 103.5 E.
EAST = [[103.52, 24.7], [103.53, 24.7], [103.53, 24.71], [103.52, 24.71], [103.52, 24.7]]


def test_a_polygon_beyond_the_box_but_within_the_largest_setback_is_silent(folder: Path):
    set_rings(folder / "redline.geojson", [EAST])
    assert far_notices(folder) == [NOTICE.replace("-70.40 to -70.30 E, -33.40 to -33.30 N",
                                                  "103.52 to 103.53 E, 24.70 to 24.71 N")]
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}",
         "redline: {buffer_m: 1000, setbacks_m: {lfp: {lake: 3000}}}")
    assert far_notices(folder) == []


def test_coordinates_of_the_neighbouring_utm_zone_are_named(folder: Path):
    """The lake's corners in UTM 48N metres, in a file that declares UTM 47N: the polygon lands
    some 6 degrees west, at about 96.4 E."""
    import pyproj

    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    lake = json.loads((folder / "redline.geojson").read_text())["features"][0]["geometry"]["coordinates"][0]
    set_rings(folder / "redline.geojson", [[list(to_utm.transform(x, y)) for x, y in lake]])
    data = json.loads((folder / "redline.geojson").read_text())
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32647"}}
    (folder / "redline.geojson").write_text(json.dumps(data))
    (notice,) = far_notices(folder)
    assert "the layer's 1 feature lies at 96.3" in notice
    assert "(in EPSG:32647, as the file declares)" in notice


def test_no_notice_with_the_rule_off(folder: Path):
    set_rings(folder / "redline.geojson", [CHILE])
    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}", "redline: {buffer_m: 1000, enabled: false}")
    assert far_notices(folder) == []
