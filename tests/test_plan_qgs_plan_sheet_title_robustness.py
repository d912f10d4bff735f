"""The optimum's plan.qgs of a run with near-optimal alternatives: the "Plan" sheet's map draws
the robustness rings always (its map theme "Plan sheet: optimum with robustness"), so its title
says so, with how many plans the shares count and the slack they were found within
(siting/deliver/explore.py `robustness_sheet_line`, the overlay's `sheet_line`). Before, only its
legend keyed the rings, without either number: a printed sheet read as the plain optimum. The
optimum's own sheet (the clean one, without the rings) keeps the plan's title."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pandas as pd

from siting.deliver.explore import plan_theme_names, robustness_sheet_line
from siting.deliver.qgisproject import TITLE_PROPERTY
from tests.conftest import MadeRun


def title_of(layout: ET.Element) -> str:
    """The layout's title unbroken (as `title_label` keeps it where it broke its lines)."""
    (item,) = [i for i in layout.findall("LayoutItem") if i.get("id") == "title"]
    kept = [o.get("value") for o in item.iter("Option") if o.get("name") == TITLE_PROPERTY]
    return kept[0] if kept else item.get("labelText", "")


def test_the_plan_sheet_s_title_says_it_draws_the_robustness_rings(small_alternatives_run: MadeRun):
    out = small_alternatives_run.out
    root = ET.fromstring((out / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    layouts = {layout.get("name"): layout for layout in root.findall("Layouts/Layout")}
    record = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["near_optimal"]
    counted = {f["properties"]["plans"] for f in
               json.loads((out / "robustness.geojson").read_text(encoding="utf-8"))["features"]}
    (plans,) = counted
    optimum = title_of(layouts[plan_theme_names(record)["optimum"]])
    sheet = title_of(layouts["Plan"])
    assert sheet.startswith(optimum + "\n")  # the optimum's title, then the line on the rings
    line = sheet.removeprefix(optimum + "\n")
    assert "\n" not in line and "robustness" not in optimum
    slack = f"{float(record['slack']) * 100:g}%"
    assert line == (f"with robustness rings: which sites the {plans} near-optimal plans keep (the optimum and "
                    f"{plans - 1} alternative{'s' if plans != 2 else ''} within {slack} of its cost), by the share "
                    "of them building at each site")


def test_the_line_counts_distinct_plans_and_says_one_alternative_so():
    """A plan building what an earlier one builds is not counted, as the shares do not count it."""
    def plan(site: str) -> SimpleNamespace:
        builds = pd.DataFrame({"site": [site], "product": ["cells"], "year": [2024], "module": ["m"], "modules": [1]})
        return SimpleNamespace(plan=SimpleNamespace(builds=builds))

    line = robustness_sheet_line([plan("s1"), plan("s2"), plan("s1")], 0.025)  # type: ignore[list-item]
    assert "the 2 near-optimal plans keep (the optimum and 1 alternative within 2.5% of its cost)" in line
    alone = robustness_sheet_line([plan("s1"), plan("s1")], 0.05)  # type: ignore[list-item]
    assert alone == ("with robustness rings: no alternative within 5% of its cost builds otherwise than the optimum, "
                     "whose sites they mark")
