"""The lead time's basis says what its dates give: the months from the start of construction to
(planned) production of the projects it cites (Shanshan, SEMCORP, EVE Qujing), not "from signing",
and the range it states is the shortest and the longest of those spans."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOG = yaml.safe_load((ROOT / "scenarios" / "catalog.yaml").read_text(encoding="utf-8"))
COMMITTED = yaml.safe_load((ROOT / "scenarios" / "committed_projects.yaml").read_text(encoding="utf-8"))
DATA_MD = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")

# The dated milestones the notes cite (docs/DATA.md [12][14], [22][25], [33][34]): start of
# construction and (planned) production. A month without a day is taken at mid-month, "mid-2024"
# as 2024-07-01.
SPANS = {
    "Shanshan": (date(2022, 10, 26), date(2024, 1, 11)),
    "SEMCORP": (date(2022, 3, 29), date(2024, 7, 1)),
    "EVE Qujing": (date(2022, 10, 15), date(2023, 11, 15)),
}
RANGE = re.compile(r"(\d+)[-–](\d+) months from (\w+(?: \w+)?) to")


def _months(start: date, end: date) -> float:
    return (end - start).days / 30.44


def _stated(text: str) -> tuple[int, int, str]:
    found = RANGE.search(text)
    assert found, f"no 'N-M months from ... to' range in: {text[:120]}"
    return int(found[1]), int(found[2]), found[3]


def test_the_spans_of_the_cited_projects():
    months = {name: _months(*span) for name, span in SPANS.items()}
    assert round(min(months.values())) == 13 and round(max(months.values())) == 27


def _texts() -> dict[str, str]:
    texts = {f"catalog {p}": e["sources"]["lead_time_yr"] for p, e in CATALOG["products"].items()}
    texts["docs/DATA.md section 12"] = DATA_MD[DATA_MD.index("**Lead time and ramp-up.**"):][:600]
    texts["committed kuntian_anode_phase2"] = next(
        p["source"] for p in COMMITTED if p["id"] == "kuntian_anode_phase2")
    return texts


def test_every_lead_time_note_states_the_range_its_dates_give():
    months = [_months(*span) for span in SPANS.values()]
    want = (round(min(months)), round(max(months)))
    wrong = {where: _stated(text) for where, text in _texts().items()
             if _stated(text)[:2] != want or _stated(text)[2] != "construction start"}
    assert wrong == {}, f"want {want[0]}-{want[1]} months from construction start: {wrong}"


def test_the_ramp_up_note_names_the_same_months():
    note = CATALOG["products"]["fepo4"]["sources"]["ramp_up_share"]
    months = [_months(*span) for span in SPANS.values()]
    assert f"{round(min(months))}-{round(max(months))}" in note
