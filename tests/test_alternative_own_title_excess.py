"""An alternative's own outputs (altNN/map.png and altNN/plan.qgs) give in their title how much its
cost lies over the optimum's and whether that is within the optimum's proven gap, in the terminal's
words (siting/deliver/explore.py `plan_excess_lines`), as report.md and the optimum's plan.qgs
sheets do: its last line (`MapTitle.excess`). Before, a printed altNN sheet or map.png gave its
objective alone, so an alternative 5 % dearer read as good as the optimum."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from siting.deliver.explore import plan_excess_lines
from siting.deliver.mapinfo import MapTitle
from siting.deliver.qgisproject import TITLE_PROPERTY
from tests.conftest import MadeRun


def title_text(layout: ET.Element) -> str:
    item = next(i for i in layout.iter("LayoutItem") if i.get("id") == "title")
    kept = [p.get("value") for p in item.iter("Option") if p.get("name") == TITLE_PROPERTY]
    return kept[0] if kept else item.get("labelText")


def test_the_title_ends_with_the_excess():
    title = MapTitle("s", "a near-optimal alternative", None, 10.1e9, [2022, 2024], plan="alternative alt01 of 2",
                     kind="scope sites: the same capacity in each cluster as the optimum",
                     excess="+1.00% over the optimum's cost")
    assert title.text().split("\n")[-2:] == ["objective 10.10 bn yuan (discounted)", "+1.00% over the optimum's cost"]
    assert "over the optimum" not in MapTitle("s", "optimal", 0.01, 10e9, [2022, 2024]).text()


def test_each_alternative_s_own_plan_qgs_gives_its_excess_once(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    lines = plan_excess_lines(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["near_optimal"])
    assert list(lines) == ["alt01", "alt02"]
    for label, line in lines.items():
        # its own record gives the same line
        own = json.loads((out / label / "manifest.json").read_text(encoding="utf-8"))["near_optimal"]
        assert plan_excess_lines(own)[label] == line
        root = ET.fromstring((out / label / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
        (layout,) = root.findall("Layouts/Layout")
        title = title_text(layout)
        assert title.split("\n")[-1] == line and title.count("over the optimum's cost") == 1, title
    # the optimum's plan.qgs: each alternative's sheet says it once; the optimum's sheets not at all
    root = ET.fromstring((out / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    for layout in root.findall("Layouts/Layout"):
        title = title_text(layout)
        label = next((label for label in lines if f"alternative {label} of" in title), None)
        assert title.count("over the optimum's cost") == (label is not None), title
        if label is not None:
            assert title.split("\n")[-1] == lines[label]
