"""The text 'NaN' in a column of numbers of a GeoJSON layer, which GDAL reads as null, is named as
the file writes it, (got 'NaN'), not as the null it was read as (got null), as another text
('n/a') is; a null is still "null"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.cli import main


def refused_for(folder: Path, capsys: pytest.CaptureFixture[str], value: object) -> str:
    """`siting check` of the small scenario whose 1st site has `value` as its land price: exit 2,
    no traceback; the one problem."""
    path = folder / "sites.geojson"
    layer = json.loads(path.read_text())
    layer["features"][0]["properties"]["land_price_yuan_per_ha"] = value
    path.write_text(json.dumps(layer))
    code = main(["check", str(folder / "scenario.yaml"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    return err.replace(str(folder) + "/", "")


@pytest.mark.parametrize(("value", "shown"), [("NaN", "'NaN'"), ("n/a", "'n/a'"), (None, "null")])
def test_the_value_is_named_as_written(folder: Path, capsys: pytest.CaptureFixture[str], value: object,
                                       shown: str) -> None:
    assert refused_for(folder, capsys, value) == (
        "error: 1 problem in the input:\n"
        "  - sites.geojson: field 'land_price_yuan_per_ha' | not a number for the 1st feature (site_id 'w_mine') "
        f"(got {shown}); use a number\n")
