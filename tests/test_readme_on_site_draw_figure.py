"""docs/OUTPUTS.md gives the shipped plan's petroleum coke drawn on site at Anning industrial park, Caopu
area, twice: in the QGIS legend entry of a flow with no line ("up to ... t/yr drawn from a source
on site") and in map.png's label ("Petroleum coke on site: ... t/yr in 2024"). The shipped plan
draws the most in 2024 (118,000 t/yr, flows.qml and plan.qgs of `siting solve
scenarios/yunnan_2024.yaml`), so both quote the same figure."""

from __future__ import annotations

import re
from pathlib import Path

OUTPUTS = (Path(__file__).parent.parent / "docs" / "OUTPUTS.md").read_text(encoding="utf-8")


def _figure(pattern: str) -> str:
    found = re.findall(pattern, " ".join(OUTPUTS.split()))
    assert len(found) == 1, (pattern, found)
    return found[0]


def test_the_qgis_legend_quotes_the_on_site_draw_of_the_map_label() -> None:
    legend = _figure(r"petroleum coke \(no line: up to ([\d,]+) t/yr drawn from a source on site: "
                     r"Anning industrial park, Caopu area\)")
    label = _figure(r'"Petroleum coke on site: ([\d,]+) t/yr in 2024"')
    assert label == "118,000"
    assert legend == label
