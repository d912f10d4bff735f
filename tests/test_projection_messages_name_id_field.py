"""The two messages of a layer the working CRS cannot project truly name a feature by the id
field of its file, as every other layer message does: a red-line polygon the CRS folds by its
`zone_id` (the red-line layer's `id_field`), and a site that stretches the study area by its
`site_id`; they said `(id 'globe')`, a field the files do not have. Solves nothing. The small
scenario of tests/data/small (`folder`, tests/conftest.py): its layers' id fields are the
defaults, zone_id and site_id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.cli import main


def added(path: Path, properties: dict[str, object], geometry: dict[str, object]) -> None:
    """Append a feature with `properties` and `geometry` to the GeoJSON file at `path`."""
    collection = json.loads(path.read_text())
    collection["features"].append({"type": "Feature", "properties": properties, "geometry": geometry})
    path.write_text(json.dumps(collection))


def problems(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["check", str(folder / "scenario.yaml")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line.replace(str(folder) + "/", "") for line in err.splitlines() if line.startswith("  - ")]


def test_a_folded_redline_polygon_is_named_by_its_zone_id(folder: Path, capsys):
    """A box from 100 W to 180 E, 60 S to 80 N, which UTM 48N stretches up to 3.28 times."""
    ring = [[-100.0, -60.0], [180.0, -60.0], [180.0, 80.0], [-100.0, 80.0], [-100.0, -60.0]]
    added(folder / "redline.geojson", {"zone_id": "globe", "name": "Globe", "category": "lake"},
          {"type": "Polygon", "coordinates": [ring]})
    assert problems(folder, capsys) == [
        "  - redline.geojson: geometry | the 2nd feature (zone_id 'globe') cannot be projected truly into the "
        "working CRS EPSG:32648: over its extent (-100.00 to 180.00 E, -60.00 to 80.00 N) EPSG:32648 stretches "
        "lengths up to 3.28 times, so the sites it holds may not be found in it; clip the red-line layer to the "
        "study area and its surroundings (in QGIS, Vector > Geoprocessing Tools > Clip), or split the polygon"]


def test_a_site_that_stretches_the_study_area_is_named_by_its_site_id(folder: Path, capsys):
    """A site typed at 70 W, 30 S: the study area's message names it by its site_id."""
    added(folder / "sites.geojson", {"site_id": "far", "name": "Far park", "usable_area_ha": 100.0,
                                               "land_price_yuan_per_ha": 1000000},
          {"type": "Point", "coordinates": [-70.0, -30.0]})
    found = problems(folder, capsys)
    assert any("the study area reaches that far for sites.geojson: the 5th feature (site_id 'far') at -70.00 E, "
               "-30.00 N, without which EPSG:32648 would measure truly" in p for p in found), found
