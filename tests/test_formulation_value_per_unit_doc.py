"""docs/FORMULATION.md says which price `v[p]` is, as the prepare layer sets it
(siting/prepare/inputs.py: `output_value_yuan_per_unit` is each product's price in the last plan
year on the scenario's price path): the lead and cluster value shares of the differentiation
family value the capacity added at it, so a plan's shares depend on that year. On
tests/data/small (price path `base`, years 2023-2024) v is 2024's price: FePO4 10,000 yuan/t
(12,000 in 2023), LFP 40,000 yuan/t (50,000), cells 400 million yuan/GWh (500 million)."""

from __future__ import annotations

from pathlib import Path

DOC = (Path(__file__).parent.parent / "docs" / "FORMULATION.md").read_text(encoding="utf-8")
SMALL = Path(__file__).parent / "data" / "small"


def test_the_value_row_names_the_last_plan_years_price() -> None:
    rows = [line for line in DOC.splitlines() if line.startswith("| `v[p]` |")]
    assert len(rows) == 1, rows
    assert "last plan year" in rows[0] and "price level" not in rows[0]


def test_the_small_scenarios_values_are_its_last_years_prices() -> None:
    import siting

    problem = siting.load(SMALL / "scenario.yaml")
    values = problem.prepared.inputs.output_value_yuan_per_unit
    assert values == {"fepo4": 10000.0, "lfp": 40000.0, "cells": 400000000.0}
