"""The steady-state section of report.md lists, by site, the capacity the plan adds that stands idle
in the steady state, not only by product.

Made-up plan, last plan year 2024, steady state 2025 standing for 2025-2038: Huaning adds 400,000
t/yr LFP, makes 250,000 t in 2024 and nothing in the steady state (280,000 t/yr usable idle,
market); Qujing adds 100,000 t/yr LFP and runs it in full (not listed); Anning has committed LFP
only, idle (not the plan's addition: not listed).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def _plan() -> SimpleNamespace:
    builds = pd.DataFrame([
        {"site": "huaning", "cluster": "yuxi", "product": "lfp", "year": 2022, "capacity_added": 400000},
        {"site": "qujing", "cluster": "qujing", "product": "lfp", "year": 2022, "capacity_added": 60000},
        {"site": "qujing", "cluster": "qujing", "product": "lfp", "year": 2023, "capacity_added": 40000}])
    capacity = pd.DataFrame([
        {"site": "huaning", "product": "lfp", "year": 2024, "production": 250000},
        {"site": "qujing", "product": "lfp", "year": 2024, "production": 70000},
        {"site": "anning", "product": "lfp", "year": 2024, "production": 0}])
    stranded = pd.DataFrame([
        {"site": "huaning", "cluster": "yuxi", "product": "lfp", "available": 400000, "usable": 280000,
         "production": 0, "idle": 280000, "reason": "market"},
        {"site": "qujing", "cluster": "qujing", "product": "lfp", "available": 100000, "usable": 70000,
         "production": 70000, "idle": 0, "reason": ""},
        {"site": "anning", "cluster": "kunming", "product": "lfp", "available": 500000, "usable": 350000,
         "production": 0, "idle": 350000, "reason": "market"}])
    steady = stranded[["site", "cluster", "product", "available", "production"]]
    stranded = stranded.loc[stranded["idle"] > 0]
    return SimpleNamespace(builds=builds, capacity=capacity,
                           steady_state=SimpleNamespace(year=2025, years_after_horizon=14, capacity=steady,
                                                        stranded=stranded))


def test_idle_added_capacity_is_listed_by_site() -> None:
    from siting.deliver.report import idle_added_blocks

    blocks = idle_added_blocks({"lfp": "t"}, _plan(), {"huaning": "Huaning county"}, {"yuxi": "Yuxi"})
    table = next(b.content for b in blocks if b.kind == "table")
    assert list(table.header) == ["site", "cluster", "product", "unit", "capacity added", "available (steady state)",
                                  "usable (steady state)", "produced 2024", "produced (steady state)",
                                  "idle (steady state)", "reason"]
    assert [list(r) for r in table.rows] == [
        ["Huaning county", "Yuxi", "LFP", "t/yr", "400,000", "400,000", "280,000", "250,000", "0", "280,000",
         "market"]]
    text = next(b.content for b in blocks if b.kind == "p")
    assert ("400,000 t/yr of LFP the plan adds at Huaning county makes nothing in the steady state (2025-2038)."
            in text)


def test_nothing_without_a_steady_state_or_idle_additions() -> None:
    from siting.deliver.report import idle_added_blocks

    plan = _plan()
    plan.steady_state.stranded = plan.steady_state.stranded.loc[lambda f: f["site"] != "huaning"]
    assert idle_added_blocks({"lfp": "t"}, plan) == []
    plan.steady_state = None
    assert idle_added_blocks({"lfp": "t"}, plan) == []
