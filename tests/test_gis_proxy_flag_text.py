"""A red line whose `is_proxy` column is text ("yes"/"no"), as a layer edited in a spreadsheet
gives it, is drawn as the project reads it (siting/deliver/mapinfo.py `says_yes`): QGIS read the
old outline expression, coalesce("is_proxy", false), as false for the text "yes", so the proxy
was named one in the legend but outlined solid like a traced polygon."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_gis_review_redline import OUTLINE_PROBE, RESERVE_FEATURE
from test_qgis import probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)
from test_rep31_data_honesty import _proxy_inputs

from siting.cli import main
from tests.conftest import SMALL


def test_qgis_outlines_a_proxy_marked_yes_in_text_dotted(qgis: None, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    _proxy_inputs(folder)
    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["properties"]["is_proxy"] = "yes"
    data["features"].append({**RESERVE_FEATURE, "properties": {**RESERVE_FEATURE["properties"], "is_proxy": "no"}})
    path.write_text(json.dumps(data, ensure_ascii=False))
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    result = probe_folder(OUTLINE_PROBE, out, tmp_path)
    expected = {"Test lake": ["lake", "dot"], "Test reserve": ["nature_reserve", "solid"]}
    assert result["plan"] == result["geojson"] == expected
