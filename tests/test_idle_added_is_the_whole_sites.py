"""The steady-state table of idle capacity at the sites the plan builds on gives the site's whole
idle part, existing and committed capacity included; where that is more than the plan adds there,
the text must not leave a reader taking it for the plan's modules standing idle.

Made-up site: Caopu adds 100,000 t/yr FePO4 beside 900,000 t/yr committed; in the steady state
it has 1,000,000 t/yr available, 700,000 usable, makes 300,000: 400,000 t/yr idle (market), more
than all the plan adds there.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def test_the_idle_part_is_said_to_be_the_whole_sites() -> None:
    from siting.deliver.report import idle_added_blocks

    builds = pd.DataFrame([{"site": "caopu", "cluster": "kunming", "product": "fepo4", "year": 2022,
                            "capacity_added": 100000}])
    capacity = pd.DataFrame([{"site": "caopu", "product": "fepo4", "year": 2024, "production": 60000}])
    steady = pd.DataFrame([{"site": "caopu", "cluster": "kunming", "product": "fepo4", "available": 1000000,
                            "production": 300000}])
    stranded = pd.DataFrame([{"site": "caopu", "cluster": "kunming", "product": "fepo4", "usable": 700000,
                              "production": 300000, "idle": 400000, "reason": "market"}])
    plan = SimpleNamespace(builds=builds, capacity=capacity, steady_state=SimpleNamespace(
        year=2025, years_after_horizon=14, capacity=steady, stranded=stranded))
    blocks = idle_added_blocks({"fepo4": "t"}, plan, {"caopu": "Caopu"}, {"kunming": "Kunming"})
    table = next(b.content for b in blocks if b.kind == "table")
    assert [list(r) for r in table.rows] == [
        ["Caopu", "Kunming", "FePO4", "t/yr", "100,000", "1,000,000", "700,000", "60,000", "300,000", "400,000",
         "market"]]
    text = next(b.content for b in blocks if b.kind == "p")
    assert "Idle is the whole site's" in text
    assert "need not be the plan's modules" in text
