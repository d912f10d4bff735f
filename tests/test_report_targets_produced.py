"""report.md's targets table says what a target counts (nameplate capacity in service, not output),
gives what the plan produces of each capacity target's products in the target year, and says
plainly when a recycling demonstration makes less than half its capacity.

The demonstration case is built by hand: one demonstration site, q_demo, 50,000 t/yr of recycling
in service in 2024 making nothing then and nothing in the steady state (2025-2038), idle for
feedstock, beside an ordinary plant, k_big, 150,000 t/yr making 70,000 t/yr in the steady state.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from tests.conftest import MadeRun


def _capacity(year: int, rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"site": s, "cluster": "c", "product": p, "year": year, "online": cap, "available": cap,
                          "production": made} for s, p, cap, made in rows])


def _stranded(year: int, rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"site": s, "product": p, "year": year, "reason": r} for s, p, r in rows],
                        columns=["site", "product", "year", "reason"])


def _demo_case() -> tuple[SimpleNamespace, SimpleNamespace]:
    plan = SimpleNamespace(
        demo_sites={"q_demo": 1},
        capacity=_capacity(2024, [("q_demo", "recycling", 50000, 0), ("k_big", "recycling", 150000, 100000)]),
        stranded=_stranded(2024, [("q_demo", "recycling", "feedstock")]),
        steady_state=SimpleNamespace(
            year=2025, years_after_horizon=14,
            capacity=_capacity(2025, [("q_demo", "recycling", 50000, 0), ("k_big", "recycling", 170000, 70000)]),
            stranded=_stranded(2025, [("q_demo", "recycling", "feedstock"), ("k_big", "recycling", "feedstock")])),
        targets=pd.DataFrame([{"kind": "capacity", "target": "recycling", "year": 2024, "target_value": 200000,
                               "achieved": 200000, "shortfall": 0}]),
        output_value=pd.DataFrame(columns=["year", "output_value_yuan"]),
        trade=pd.DataFrame(columns=["hub", "product", "year", "sales"]),
    )
    inputs = SimpleNamespace(recycling_demo=SimpleNamespace(product="recycling"), enabled_families={"recycling_demo"},
                             utilisation={"recycling": 0.7},
                             YEARS=[2022, 2023, 2024], TARGET_GROUPS={}, PRODUCTS=("recycling",),
                             output_value_target_yuan={}, price_yuan_per_unit={}, output_value_yuan_per_unit={})
    return plan, inputs


def test_an_idle_demonstration_is_said_plainly() -> None:
    from siting.deliver.report import demonstration_use_text

    plan, inputs = _demo_case()
    text = demonstration_use_text(plan, inputs, {"q_demo": "Qujing Cuifeng"}, "t")
    assert ("The demonstration plant at Qujing Cuifeng (50,000 t/yr of Recycling in service in 2024) makes nothing "
            "in 2024 and nothing in the steady state (2025-2038): what it does not make stands idle for want "
            "of feedstock.") in text
    assert "make 70,000 t/yr in all in the steady state, against 220,000 t/yr of capacity" in text
    assert "does not demonstrate running recycling" in text


def test_a_demonstration_running_at_half_or_more_says_nothing() -> None:
    from siting.deliver.report import demonstration_use_text

    plan, inputs = _demo_case()
    plan.capacity.loc[plan.capacity["site"] == "q_demo", "production"] = 35000
    plan.steady_state.capacity.loc[plan.steady_state.capacity["site"] == "q_demo", "production"] = 25000
    assert demonstration_use_text(plan, inputs, {}, "t") == ""


def test_the_targets_row_of_an_idle_demonstration_is_not_a_bare_met() -> None:
    from siting.deliver.report import target_blocks

    plan, inputs = _demo_case()
    loaded = SimpleNamespace(catalog=SimpleNamespace(products={"recycling": SimpleNamespace(unit="t")}))
    blocks = target_blocks(loaded, inputs, plan, {"q_demo": "Qujing Cuifeng"})
    table = next(b.content for b in blocks if b.kind == "table")
    assert "produced" in table.header
    row = table.rows[0]
    assert row[table.header.index("produced")] == "100,000"
    assert row[-1] == "met, but the demonstration plant runs below half its usable capacity"
    texts = " ".join(b.content for b in blocks if b.kind == "p")
    assert "nameplate capacity in service" in texts
    assert "Qujing Cuifeng" in texts and "makes nothing in 2024" in texts


@pytest.fixture(scope="module")
def small_run(small_run: MadeRun) -> tuple[Path, str]:
    """The small scenario solved (conftest's session `small_run`, `siting solve scenario.yaml --out
    out`, which writes what `siting.run` writes but for the manifest's timings): its output folder
    and its report.md."""
    return small_run.out, (small_run.out / "report.md").read_text(encoding="utf-8")


def test_the_targets_table_gives_what_is_produced_in_the_target_year(small_run) -> None:
    """Each capacity target's "produced" cell is the sum of capacity.csv's production of its
    products (cathode = LFP here, cells) in the target year."""
    out, report = small_run
    capacity = pd.read_csv(out / "capacity.csv")
    lines = report.splitlines()
    start = lines.index("## Targets against the plan")
    header = [c.strip() for c in lines[start + 2].strip().strip("|").split("|")]
    assert header[:7] == ["target", "unit", "year", "goal", "planned (capacity in service)", "produced", "shortfall"]
    rows = {}
    for line in lines[start + 4:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells
    from siting.config.units import amount_text

    for label, product in (("Cathode", "lfp"), ("Cells", "cells")):
        made = capacity.loc[(capacity["product"] == product) & (capacity["year"] == 2024), "production"].sum()
        assert rows[label][5] == amount_text(made)
    assert "counts capacity, not output" in report
