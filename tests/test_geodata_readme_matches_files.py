"""geodata/README.md states each shipped layer's size, row count and SHA-256, and the six files'
total size: every one of these figures must be the one of the file as it ships."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "geodata" / "README.md"
LAYER_DIR = ROOT / "geodata" / "yunnan"
LAYERS = ("clusters", "counties", "lakes_gshhg", "sites", "sources", "redline_proxy")

# | `yunnan/<name>.geojson` | content | rows | geometry | size B | origin | licence |
TABLE_ROW = re.compile(r"^\| `yunnan/(\w+)\.geojson` \|[^|]*\| (\d+) \|[^|]*\| ([\d,]+) B \|", re.M)
HASH_ROW = re.compile(r"^\s*- `(\w+)\.geojson` `([0-9a-f]{64})`$", re.M)
TOTAL = re.compile(r"The six files total ([\d,]+) bytes\.")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _table() -> dict[str, tuple[int, int]]:
    return {name: (_number(rows), _number(size)) for name, rows, size in TABLE_ROW.findall(README.read_text("utf-8"))}


def test_the_readme_lists_every_layer_once():
    assert sorted(_table()) == sorted(LAYERS)
    assert sorted(name for name, _h in HASH_ROW.findall(README.read_text("utf-8"))) == sorted(LAYERS)


@pytest.mark.parametrize("name", LAYERS)
def test_stated_size_and_rows_are_the_files(name):
    rows, size = _table()[name]
    path = LAYER_DIR / f"{name}.geojson"
    assert size == path.stat().st_size, f"geodata/README.md states {size:,} B for {path.name}"
    assert rows == len(json.loads(path.read_text("utf-8"))["features"])


def test_stated_total_is_the_sum_of_the_files():
    match = TOTAL.search(README.read_text("utf-8"))
    assert match is not None
    assert _number(match.group(1)) == sum((LAYER_DIR / f"{name}.geojson").stat().st_size for name in LAYERS)


@pytest.mark.parametrize("name", LAYERS)
def test_stated_sha256_is_the_files(name):
    stated = dict(HASH_ROW.findall(README.read_text("utf-8")))[name]
    assert stated == hashlib.sha256((LAYER_DIR / f"{name}.geojson").read_bytes()).hexdigest()
