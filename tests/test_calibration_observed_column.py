"""In mode choose, calibration.csv gave per product the capacity the plan adds but not that of the
real plants it is scored against (only calibration.md's prose and the report had it): a planner
sorting the file, or an analyst joining it by product in QGIS, could not set the one against the
other. `observed` is the real plants' capacity (those the row's `reference_plants` lists, in the
row's `unit`), beside `planned_added`, as mode fixed's `observed` is beside `model`; calibration.md
says what it and `within_km` are in, and `Solution.calibration` has it as the file has."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

import siting
from siting.runs.calibrate import RealPlant, score_choice
from tests.conftest import calibration_choose_case


def test_score_gives_the_real_plants_capacity_by_hand() -> None:
    """lfp: two real plants of 100 and 300 t/yr -> 400; cells: one of 2 GWh/yr, nothing planned;
    ncm: planned, no real plant -> 0."""
    builds = pd.DataFrame({"site": ["a", "a"], "product": ["lfp", "ncm"], "capacity_added": [500.0, 50.0]})
    plants = [RealPlant("p1", "P1", "a", "lfp", 100.0, "t/yr", 0.0),
              RealPlant("p2", "P2", "b", "lfp", 300.0, "t/yr", 0.0),
              RealPlant("p3", "P3", "b", "cells", 2.0, "GWh/yr", 0.0)]
    score = score_choice(builds, plants, {"a": (0.0, 0.0), "b": (30.0, 0.0)}, 10.0, ["lfp", "ncm", "cells"],
                         {"lfp": "t/yr", "ncm": "t/yr", "cells": "GWh/yr"})
    assert list(score.columns) == ["product", "unit", "planned_added", "observed", "within_km", "share",
                                   "reference_plants"]
    assert score["observed"].tolist() == [400.0, 0.0, 2.0]
    assert score["planned_added"].tolist() == [500.0, 50.0, 0.0]
    assert math.isnan(score["share"].iloc[2])


def test_the_files_and_the_table_carry_it(tmp_path: Path) -> None:
    solution = siting.solve(calibration_choose_case(tmp_path))
    out = solution.write(tmp_path / "out")
    written = pd.read_csv(out / "calibration.csv", keep_default_na=False)
    assert list(written.columns)[:4] == ["product", "unit", "planned_added", "observed"]
    lfp = written.set_index("product").loc["lfp"]
    # l1's 1,000 t/yr and e_city's 20,000 t/yr of existing lfp (the sites layer)
    assert float(lfp["observed"]) == 21000.0 and lfp["unit"] == "t/yr"
    assert float(solution.calibration.set_index("product").loc["lfp", "observed"]) == 21000.0
    md = (out / "calibration.md").read_text()
    assert "| product | unit | planned_added | observed | within_km |" in md
    assert "observed: the capacity of the product's real plants in `plants.yaml` producing by 2024 and the " in md
    assert "within_km: the part of planned_added (in unit) at sites within 1 km" in md
    assert "compare planned_added with observed, the capacity of the real plants producing by 2024." in md
