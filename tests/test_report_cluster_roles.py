"""report.md's "What each cluster does": per cluster, the capacity it adds valued as the
differentiation rule values it (nameplate x the last plan year's price), its share of all added,
its output value in the last plan year, its lead products and their share, the products it hosts
and its capex, against the scenario's differentiation minimums.

By hand, on a made-up plan (prices of the last year, 2024: lfp 40,000 yuan/t, cells 400 million
yuan/GWh, fepo4 10,000 yuan/t):
- north adds 100,000 t LFP (4.0 bn yuan/yr) and 50,000 t FePO4 (0.5 bn): 4.5 bn, lead LFP 4.0/4.5
  = 89 %; capex 3.0 + 1.0 = 4.0 bn; makes 70,000 t LFP in 2024: 2.8 bn;
- south adds 5 GWh cells (2.0 bn), lead cells 100 %, capex 2.5 bn; has committed FePO4; makes 3.5
  GWh: 1.4 bn;
- all added 6.5 bn: north 69 %, south 31 %; output value 4.2 bn: north 67 %, south 33 %.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from tests.conftest import MadeRun

PRICES_2024 = {"fepo4": 10000.0, "lfp": 40000.0, "cells": 400000000.0}


def _made_up() -> tuple[SimpleNamespace, SimpleNamespace]:
    builds = pd.DataFrame([
        {"site": "n1", "cluster": "north", "product": "lfp", "year": 2023, "module": "lfp_100kt", "modules": 1,
         "capacity_added": 100000, "capex_yuan": 3.0e9},
        {"site": "n1", "cluster": "north", "product": "fepo4", "year": 2023, "module": "fepo4_50kt", "modules": 1,
         "capacity_added": 50000, "capex_yuan": 1.0e9},
        {"site": "s1", "cluster": "south", "product": "cells", "year": 2023, "module": "cells_5", "modules": 1,
         "capacity_added": 5, "capex_yuan": 2.5e9}])
    capacity = pd.DataFrame([
        {"site": "n1", "cluster": "north", "product": "lfp", "year": 2024, "committed": 0, "production": 70000},
        {"site": "n1", "cluster": "north", "product": "fepo4", "year": 2024, "committed": 0, "production": 0},
        {"site": "s1", "cluster": "south", "product": "cells", "year": 2024, "committed": 0, "production": 3.5},
        {"site": "s1", "cluster": "south", "product": "fepo4", "year": 2024, "committed": 1000, "production": 0}])
    plan = SimpleNamespace(builds=builds, capacity=capacity)
    inputs = SimpleNamespace(
        CLUSTERS=("north", "south"), YEARS=[2023, 2024], PRODUCTS=("fepo4", "lfp", "cells"),
        lead_products={"north": ("lfp",), "south": ("cells",)}, output_value_yuan_per_unit=PRICES_2024,
        price_yuan_per_unit={(p, 2024): v for p, v in PRICES_2024.items()}, enabled_families={"differentiation"},
        min_cluster_value_share=0.2, lead_share_min=0.6, max_clusters_per_product={"fepo4": 1},
        min_portfolio_difference=2)
    return plan, inputs


def test_the_cluster_table_by_hand() -> None:
    from siting.deliver.report import cluster_role_blocks

    plan, inputs = _made_up()
    blocks = cluster_role_blocks(inputs, plan, {"north": "North", "south": "South"})
    table = next(b.content for b in blocks if b.kind == "table")
    assert table.header[1] == "output value added at nameplate, bn yuan/yr"  # as the imports section names it
    assert table.header[2] == "share of added (min 20%)"
    assert table.header[5] == "lead products (scenario)"  # the scenario's lists, built or not
    assert table.header[6] == "lead share (min 60%)"
    assert [list(r) for r in table.rows] == [
        ["North", "4.50", "69%", "2.80", "67%", "LFP", "89%", "FePO4, LFP", "4.00"],
        ["South", "2.00", "31%", "1.40", "33%", "Cells", "100%", "FePO4, Cells", "2.50"],
        ["all clusters", "6.50", "100%", "4.20", "100%", "", "", "", "6.50"]]
    rules = next(b.content for b in blocks if b.kind == "list")
    assert "Each cluster takes at least 20% of the added value (min_cluster_value_share): each does" in rules
    assert "A cluster's lead products make at least 60% of its added value (lead_share_min): each does" in rules
    assert "FePO4 in at most 1 cluster (max_clusters_per_product): North and South" in rules
    assert ("Any two clusters differ in at least 2 products hosted (min_portfolio_difference): North and South 2"
            in rules)


def test_with_the_rule_off_the_minimums_are_said_not_to_apply() -> None:
    from siting.deliver.report import cluster_role_blocks

    plan, inputs = _made_up()
    inputs.enabled_families = set()
    blocks = cluster_role_blocks(inputs, plan)
    table = next(b.content for b in blocks if b.kind == "table")
    assert table.header[2] == "share of added"
    said = " ".join(b.content for b in blocks if b.kind == "p")
    assert "Differentiation (constraints.differentiation) is switched off" in said


@pytest.fixture(scope="module")
def small_run(small_run: MadeRun) -> tuple[Path, str]:
    """The small scenario solved (conftest's session `small_run`, `siting solve scenario.yaml --out
    out`, which writes what `siting.run` writes but for the manifest's timings): its output folder
    and its report.md."""
    return small_run.out, (small_run.out / "report.md").read_text(encoding="utf-8")


def test_the_small_plan_s_cluster_table_matches_plan_csv(small_run) -> None:
    """Each cluster's added value and capex, recomputed from plan.csv with the 2024 prices."""
    out, report = small_run
    plan = pd.read_csv(out / "plan.csv")
    lines = report.splitlines()
    start = lines.index("## What each cluster does")
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines[start:]
            if line.startswith("| ") and not line.startswith("| cluster")]
    rows = rows[:rows.index(next(r for r in rows if r[0] == "all clusters")) + 1]
    plan["value"] = plan["product"].map(PRICES_2024) * plan["capacity_added"]
    total = plan["value"].sum()
    clusters = pd.read_csv(out / "capacity.csv")["cluster"].unique()
    assert len(rows) == len(clusters) + 1
    names = {"west": "West", "east": "East"}
    for row in rows[:-1]:
        cid = next(c for c in clusters if names.get(c, c) == row[0])
        mine = plan.loc[plan["cluster"] == cid]
        assert row[1] == f"{mine['value'].sum() / 1e9:,.2f}"
        assert row[2] == f"{mine['value'].sum() / total:.0%}"
        assert row[8] == f"{mine['capex_bn_yuan'].sum():,.2f}"
    assert rows[-1][1] == f"{total / 1e9:,.2f}"


def test_a_cluster_below_the_lead_share_is_named() -> None:
    from siting.deliver.report import cluster_role_blocks

    plan, inputs = _made_up()
    inputs.lead_share_min = 0.95  # North: LFP 4.0 of 4.5 bn yuan/yr added = 89 %; South: 100 %
    rules = next(b.content for b in cluster_role_blocks(inputs, plan, {"north": "North", "south": "South"})
                 if b.kind == "list")
    assert "A cluster's lead products make at least 95% of its added value (lead_share_min): North below it" in rules
