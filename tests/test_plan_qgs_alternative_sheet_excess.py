"""Each alternative's print layout in the optimum's plan.qgs says on the sheet, not only in the
layout's name, how much its cost lies over the optimum's and whether that is within the optimum's
proven gap (siting/deliver/explore.py `plan_excess_lines`): a printed sheet carries its title, not
the layout's name, so without it an alternative 5 % dearer reads as good as the optimum."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from siting.deliver.explore import plan_excess_lines
from siting.deliver.qgisproject import TITLE_PROPERTY
from tests.conftest import MadeRun


def record(gap: float | None) -> dict:
    return {"plan": "optimum", "slack": 0.05, "optimum_gap": gap,
            "plans": [{"plan": "optimum", "cost_yuan": 10.0e9, "over_optimum": 0.0, "scope": ""},
                      {"plan": "alt01", "cost_yuan": 10.1e9, "over_optimum": 0.01, "scope": "sites"},
                      {"plan": "alt02", "cost_yuan": 10.3e9, "over_optimum": 0.03, "scope": "clusters"}]}


def test_excess_lines_say_the_share_over_the_optimum_and_whether_within_its_gap():
    lines = plan_excess_lines(record(0.02))
    assert lines == {"alt01": "+1.00% over the optimum's cost (within the optimum's proven gap of 2.00%, "
                              "not proven dearer)",
                     "alt02": "+3.00% over the optimum's cost"}
    assert plan_excess_lines(None) == {}


def title_text(layout: ET.Element) -> str:
    item = next(i for i in layout.iter("LayoutItem") if i.get("id") == "title")
    kept = [p.get("value") for p in item.iter("Option") if p.get("name") == TITLE_PROPERTY]
    return kept[0] if kept else item.get("labelText")


def test_each_alternative_s_sheet_title_gives_its_excess(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    root = ET.fromstring((out / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    lines = plan_excess_lines(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["near_optimal"])
    assert list(lines) == ["alt01", "alt02"]
    layouts = {layout.get("name"): layout for layout in root.findall("Layouts/Layout")}
    for label, line in lines.items():
        name = next(n for n in layouts if n.startswith(f"{label},") or n.startswith(f"{label}:"))
        title = title_text(layouts[name])
        assert title.split("\n")[-1] == line, title
        assert f"alternative {label} of 2" in title
    # the optimum's sheets keep their title
    assert "over the optimum" not in title_text(layouts["Plan"])
