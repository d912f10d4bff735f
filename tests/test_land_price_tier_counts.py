"""docs/DATA.md, section 13, counts the sites of the county-park land-price tier as the sites layer
holds them."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_MD = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")
SITES = json.loads((ROOT / "geodata" / "yunnan" / "sites.geojson").read_text(encoding="utf-8"))
WORDS = {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def test_the_county_tier_names_as_many_sites_as_the_layer_prices_so():
    found = re.search(r"1,500,000 yuan/ha in county parks \(the other (\w+) sites\)", DATA_MD)
    assert found, "docs/DATA.md no longer states the county tier's sites"
    in_layer = sorted(f["properties"]["site_id"] for f in SITES["features"]
                      if f["properties"]["land_price_yuan_per_ha"] == 1_500_000.0)
    assert WORDS.get(found[1]) == len(in_layer), (found[1], in_layer)
