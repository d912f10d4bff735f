"""report.md's section on the steady state after the horizon (objective.years_after_horizon N > 0,
`Plan.steady_state`), on tests/data/small solved with N = 3.

The small scenario (2023-2024, discount rate 10 %) is given two more committed LFP projects at
e_city: 400,000 t/yr online in 2026, within 2025-2027, which the steady state after 2024 holds,
and 50,000 t/yr online in 2030, after it, which it does not. With the project of the scenario
(10,000 t/yr, online 2024), 2 committed projects are online by 2027, 1 of them after 2024, and
e_city's committed LFP capacity in the steady state is 10,000 + 400,000 = 410,000 t/yr. The
steady-state year 2025 weighs W[2025] = 1.1**-1 x (1.1**-1 + 1.1**-2 + 1.1**-3) = 0.9091 x
2.4869 = 2.26 (a yuan of 2023 weighs 1).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

SMALL = Path(__file__).parent / "data" / "small"

LATE_PROJECTS = """
- id: east_lfp_late
  name: East LFP third line
  site: e_city
  product: lfp
  capacity: 400000
  online_year: 2026
  status: signed
  source: "assumption: invented for tests"
- id: east_lfp_later
  name: East LFP fourth line
  site: e_city
  product: lfp
  capacity: 50000
  online_year: 2030
  status: signed
  source: "assumption: invented for tests"
"""

#: The small catalog's 2024 prices (base path), yuan a unit: the steady state's.
PRICES_2024 = {"fepo4": 10000.0, "lfp": 40000.0, "cells": 400000000.0}


@pytest.fixture(scope="module")
def steady_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    """The small scenario with the two late projects, solved with 3 years after the horizon:
    the run's record and its report.md."""
    from siting.api import run

    folder = tmp_path_factory.mktemp("steady")
    shutil.copytree(SMALL, folder / "small")
    projects = folder / "small" / "committed_projects.yaml"
    projects.write_text(projects.read_text(encoding="utf-8") + LATE_PROJECTS, encoding="utf-8")
    result = run(folder / "small" / "scenario.yaml", folder / "out",
                 overrides={"objective.years_after_horizon": 3})
    return result, (folder / "out" / "report.md").read_text(encoding="utf-8")


def section(report: str, heading: str) -> list[str]:
    """The lines of the report's section under `heading` (## level), to the next heading."""
    lines = report.splitlines()
    start = lines.index(f"## {heading}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start + 1:end] if line.strip()]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_the_steady_state_section_says_what_it_is_and_how_it_counts(steady_run) -> None:
    """After the plan's trade and before the explanations: the heading names 2025-2027 and the
    intro sentence gives the committed projects online by 2027 (2, 1 of them after 2024, the
    one of 2030 left out), 2024's prices, caps and supplies and W[2025] = 2.26."""
    result, report = steady_run
    assert result.plan.steady_state is not None and result.plan.steady_state.year == 2025
    headings = [line for line in report.splitlines() if line.startswith("## ")]
    at = headings.index("## Steady state after 2024 (2025-2027)")
    assert headings[at - 1] == "## Trade: imports and sales"
    assert headings[at + 1] == "## Why targets are overshot"
    lines = section(report, "Steady state after 2024 (2025-2027)")
    assert lines[0] == (
        "The steady state is how the plan runs after 2024: every module it builds at full rate (no ramp-up), beside "
        "the existing capacity and the 2 committed projects online by 2027 (1 of them coming online after 2024), at "
        "2024's prices, caps and supplies; the objective counts it for each of the 3 years after 2024, discounted "
        "(objective.years_after_horizon, a yuan of it weighing 2.26 times a yuan of 2023). A year of it, by product:")
    capacity = result.plan.steady_state.capacity
    committed = capacity.loc[(capacity["site"] == "e_city") & (capacity["product"] == "lfp"), "committed"]
    assert float(committed.sum()) == 410000.0  # 10,000 + 400,000; the project of 2030 left out


def test_the_steady_state_table_gives_the_plans_own_steady_state_figures(steady_run) -> None:
    """One row per product in catalog order (FePO4, LFP, Cells), each figure the plan's steady-state
    rows summed over sites and hubs: capacity available and production (capacity rows), the idle
    units and the reason of most of them (stranded rows), sales out of the province and imports
    (trade rows), as the report writes amounts; then the output value at 2024's prices (the
    catalog's: 10,000, 40,000 and 400 million yuan a unit) beside 2024's own."""
    from siting.deliver.report import amount, bn_yuan

    result, report = steady_run
    steady = result.plan.steady_state
    lines = section(report, "Steady state after 2024 (2025-2027)")
    assert cells(lines[1]) == ["product", "unit", "capacity available", "usable (x utilisation)", "production",
                               "idle (usable, not made)", "idle: main reason", "sales out of the province", "imports"]
    rows = [cells(line) for line in lines[3:6]]
    assert [row[:2] for row in rows] == [["FePO4", "t/yr"], ["LFP", "t/yr"], ["Cells", "GWh/yr"]]
    for row, product in zip(rows, ("fepo4", "lfp", "cells"), strict=True):
        cap = steady.capacity.loc[steady.capacity["product"] == product]
        idle = steady.stranded.loc[steady.stranded["product"] == product]
        trade = steady.trade.loc[steady.trade["product"] == product]
        by_reason = idle.groupby("reason")["idle"].sum()
        reason = str(by_reason.idxmax()) if not by_reason.empty else ""
        usable = result.prepared.inputs.utilisation.get(product, 1.0) * float(cap["available"].sum())
        assert row[2:] == [amount(cap["available"].sum()), amount(usable), amount(cap["production"].sum()),
                           amount(idle["idle"].sum()), reason, amount(trade["sales"].sum()),
                           amount(trade["imports"].sum())]
        assert usable - float(cap["production"].sum()) == pytest.approx(float(idle["idle"].sum()), abs=1e-6)
    lfp = steady.capacity.loc[steady.capacity["product"] == "lfp"]
    assert float(lfp["available"].sum()) > float(lfp["production"].sum())  # the late capacity stands partly idle
    assert rows[1][5] != "0" and rows[1][6] in {"feedstock", "market", "cost"}
    value = sum(PRICES_2024[str(r.product)] * float(r.production) for r in steady.capacity.itertuples(index=False))
    before = float(result.plan.output_value.loc[result.plan.output_value["year"] == 2024, "output_value_yuan"].iloc[0])
    assert lines[6] == (f"Its output is worth {bn_yuan(value)} bn yuan a year at 2024's prices (not discounted), "
                        f"against {bn_yuan(before)} bn yuan in 2024.")
    # then the capacity the plan adds that stands idle, by site: a sentence and a table with one row
    assert len(lines) == 11 and lines[7].startswith("Capacity the plan adds that stands idle in the steady state")


def test_the_main_idle_reason_is_that_of_most_idle_units() -> None:
    """A steady state 2031 after 2030 (N = 2, W[2031] = 2) with LFP idle at three sites: 200 t/yr
    for the market at one, 150 + 150 = 300 for feedstock at the two others: 500 idle, mainly
    for feedstock (though the largest single row is the market's); 1,000 t/yr available, all of
    it usable (utilisation 1), 500 made, 400 sold, 50 imported; no project held. Output 500 t x
    40,000 yuan = 0.02 bn yuan a year, against 0.01 in 2030."""
    from types import SimpleNamespace

    import pandas as pd

    from siting.deliver.report import markdown, steady_state_blocks
    from siting.optimize.results import CAPACITY_COLUMNS, STRANDED_COLUMNS, TRADE_COLUMNS, SteadyState

    capacity = pd.DataFrame([("a", "c", "lfp", 2031, 0, 0, 400, 400, 400, 400, 200),
                             ("b", "c", "lfp", 2031, 0, 0, 300, 300, 300, 300, 150),
                             ("d", "c", "lfp", 2031, 0, 0, 300, 300, 300, 300, 150)], columns=CAPACITY_COLUMNS)
    stranded = pd.DataFrame([("a", "c", "lfp", 2031, 400, 200, 200, 0.5, "market"),
                             ("b", "c", "lfp", 2031, 300, 150, 150, 0.5, "feedstock"),
                             ("d", "c", "lfp", 2031, 300, 150, 150, 0.5, "feedstock")], columns=STRANDED_COLUMNS)
    trade = pd.DataFrame([("c", "lfp", 2031, 50, 1, 400, 2)], columns=TRADE_COLUMNS)
    empty = pd.DataFrame()
    steady = SteadyState(2031, 2, capacity, trade, stranded, empty, empty, empty)
    plan = SimpleNamespace(steady_state=steady,
                           output_value=pd.DataFrame({"year": [2030], "output_value_yuan": [1.0e7]}))
    inputs = SimpleNamespace(PRODUCTS=("lfp",), SITES=("a", "b", "d"), YEARS=(2030,),
                             year_weight={2030: 1.0, 2031: 2.0}, price_yuan_per_unit={("lfp", 2031): 40000.0},
                             output_value_yuan_per_unit={}, utilisation={})
    loaded = SimpleNamespace(catalog=SimpleNamespace(products={"lfp": SimpleNamespace(unit="t")}), plants=None,
                             model_projects=lambda: SimpleNamespace(projects=()))
    text = markdown(steady_state_blocks(loaded, inputs, plan))
    assert "## Steady state after 2030 (2031-2032)" in text
    assert ("beside the existing capacity and no committed project, at 2030's prices, caps and supplies; the "
            "objective counts it for each of the 2 years after 2030, discounted (objective.years_after_horizon, a "
            "yuan of it weighing 2.00 times a yuan of 2030)") in text
    assert "| LFP | t/yr | 1,000 | 1,000 | 500 | 500 | feedstock | 400 | 50 |" in text
    assert "Its output is worth 0.02 bn yuan a year at 2030's prices (not discounted), against 0.01 bn yuan in 2030." \
        in text


def test_without_years_after_the_horizon_there_is_no_steady_state_section(small_run) -> None:
    """tests/data/small as shipped (N = 0): the plan has no steady state, and the report no section
    on it (`steady_state_blocks` gives nothing)."""
    from types import SimpleNamespace

    from siting.deliver.report import steady_state_blocks

    assert steady_state_blocks(SimpleNamespace(), SimpleNamespace(), SimpleNamespace(steady_state=None)) == []
    report = (small_run.out / "report.md").read_text(encoding="utf-8")
    assert "## Trade: imports and sales" in report
    assert "Steady state" not in report and "steady state" not in report
