"""A polygon site's usable land is part of its footprint: more usable land than its polygon's
area is refused as bad input, naming the file, the site, the field and both areas.

The case is tests/data/small (laid out by `test_broken_inputs.make_case`) with site `w_mine`
drawn as a 0.001 x 0.001 degree square at (102.1, 24.6). On the WGS84 ellipsoid that square
is 0.001 deg x 110.77 km/deg along the meridian at 24.6 N (110.77 m) by 0.001 deg x 101.28 km/deg
along the parallel (101.28 m), about 11,220 m2: a footprint of 1.12 ha as the message rounds it
(three significant figures, `layers.area_text`). A usable area of 5000 ha is refused; one equal
to the footprint, as a GIS measures it, passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_broken_inputs import edit_features, feature, make_case, snapshot

from siting.cli import main
from siting.prepare.layers import area_m2

SQUARE = [[102.1, 24.6], [102.101, 24.6], [102.101, 24.601], [102.1, 24.601], [102.1, 24.6]]


def small_square_site(case: Path, usable_ha: float) -> None:
    """Make `w_mine` of the case the 0.001 degree square `SQUARE`, with `usable_ha` of usable land."""
    def change(features: list[dict]) -> None:
        site = feature(features, "site_id", "w_mine")
        site["geometry"] = {"type": "Polygon", "coordinates": [SQUARE]}
        site["properties"]["usable_area_ha"] = usable_ha
    edit_features(case / "layers" / "sites.geojson", change)


def square_ha() -> float:
    """The area of `SQUARE` on the WGS84 ellipsoid, in ha."""
    import pyproj
    import shapely

    return float(area_m2([shapely.Polygon(SQUARE)], pyproj.CRS("EPSG:4326"))[0]) / 1e4


def test_the_square_is_about_1_12_ha():
    """110.77 m x 101.28 m = 11,219 m2 (see the module docstring)."""
    assert square_ha() == pytest.approx(1.122, abs=0.001)


def test_usable_land_above_the_footprint_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    root = tmp_path / "root"
    case = make_case(root)
    small_square_site(case, 5000)
    before = snapshot(root)
    monkeypatch.chdir(case)
    code = main(["solve", "scenario.yaml"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert ("layers/sites.geojson: field 'usable_area_ha' | more usable land than the polygon's own area for the "
            "1st feature (site_id 'w_mine'): 5,000 ha usable in a footprint of 1.12 ha; usable land is part of the "
            "footprint, so give at most the polygon's area (a tolerance of 0.5 % is allowed), leave the field empty "
            "to use the drawn area, or draw the site's whole outline") in err
    assert snapshot(root) == before  # nothing written, nothing changed


def test_usable_land_equal_to_the_footprint_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """Usable land equal to the polygon's area (as a GIS measures it on the ellipsoid) is allowed,
    and so is land up to the tolerance above it; the plan is made (exit 0)."""
    case = make_case(tmp_path / "root")
    small_square_site(case, round(square_ha(), 4))
    monkeypatch.chdir(case)
    code = main(["solve", "scenario.yaml", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "more usable land" not in err
