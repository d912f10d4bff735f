"""A layer feature whose geometry GDAL cannot read (a point with no coordinates) gets the clean
message naming the feature, with no GDAL warning (and its library path) printed before it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_point_without_coordinates_is_named_without_gdal_noise(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "geodata", tmp_path / "geodata")
    path = tmp_path / "geodata" / "yunnan" / "sources.geojson"
    layer = json.loads(path.read_text(encoding="utf-8"))
    layer["features"][0]["geometry"] = {"type": "Point", "coordinates": []}
    path.write_text(json.dumps(layer), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", "scenarios/yunnan_2024.yaml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert "geodata/yunnan/sources.geojson: geometry | no geometry in the 1st feature" in done.stderr
    assert "Warning" not in done.stderr and "pyogrio" not in done.stderr
