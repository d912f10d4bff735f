"""docs/DATA.md, section 10, says how many of the clusters' counties the red-line proxy leaves
untouched as the layers give it, and as its own county table lists them."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "geodata" / "yunnan"
DATA_MD = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")
WORDS = {"twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
         "eighteen": 18, "nineteen": 19, "twenty": 20}


def _section_10() -> str:
    start = DATA_MD.index("## 10. The ecological red line")
    return DATA_MD[start:DATA_MD.index("\n## 11.", start)]


def test_the_untouched_counties_are_counted_as_the_layers_give_them():
    counties = gpd.read_file(LAYERS / "counties.geojson")
    redline = gpd.read_file(LAYERS / "redline_proxy.geojson").to_crs(counties.crs)
    untouched = int((~counties.geometry.intersects(redline.union_all())).sum())
    section = _section_10()
    stated = re.search(r"(\w+) of the (\d+) counties have no proxy polygon at all", section)
    assert stated, "docs/DATA.md, section 10, no longer counts the counties without a proxy polygon"
    assert int(stated[2]) == len(counties)
    table_zero_rows = len(re.findall(r"^\| 53\d{4} \|[^\n]*\| 0\.0 \| 0\.0 % \|", section, flags=re.MULTILINE))
    assert (WORDS.get(stated[1].lower()), table_zero_rows) == (untouched, untouched)
