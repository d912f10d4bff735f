"""report.md says what output value counts: every product at its price, intermediate products the
province's own plants use included, with how much of the last year's figure they are, and that
an output-value goal is a floor.

The small plan with an output-value goal of 10 bn yuan in 2024 (as tests/test_results.py): by
hand, 2024 production less sales out of the province, at the catalog's 2024 prices (FePO4 10,000,
LFP 40,000 yuan/t, cells 400 million yuan/GWh), from capacity.csv and trade.csv.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

SMALL = Path(__file__).parent / "data" / "small"
PRICES_2024 = {"fepo4": 10000.0, "lfp": 40000.0, "cells": 400000000.0}


@pytest.fixture(scope="module")
def value_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from siting.api import run

    folder = tmp_path_factory.mktemp("value")
    shutil.copytree(SMALL, folder / "small")
    value = folder / "small" / "value.yaml"
    value.write_text("extends: scenario.yaml\nname: value\ntargets:\n  output_value_yuan: {2024: 1.0e10}\n")
    run(value, folder / "out")
    return folder / "out", (folder / "out" / "report.md").read_text(encoding="utf-8")


def test_output_value_is_defined_with_its_intermediate_part(value_run) -> None:
    out, report = value_run
    capacity, trade = pd.read_csv(out / "capacity.csv"), pd.read_csv(out / "trade.csv")
    made = capacity.loc[capacity["year"] == 2024].groupby("product")["production"].sum()
    sold = trade.loc[trade["year"] == 2024].groupby("product")["sales"].sum()
    kept = {p: made.get(p, 0.0) - sold.get(p, 0.0) for p in PRICES_2024}
    part = sum(PRICES_2024[p] * v for p, v in kept.items() if v > 0)
    whole = sum(PRICES_2024[p] * v for p, v in made.items())
    assert part > 0
    assert "| year | output value, bn yuan/yr | of it, made and used in the province, bn yuan/yr |" in report
    assert f"| 2024 | {whole / 1e9:,.2f} | {part / 1e9:,.2f} |" in report
    assert "including intermediate products its own plants then use to make others" in report
    assert (f"Of the 2024 figure, {part / 1e9:,.2f} bn yuan ({part / whole:.0%}) is products made in the province "
            "and used there, not sold out of it") in report
    assert "An output-value goal is a floor: the plan's production must be worth at least the goal" in report
