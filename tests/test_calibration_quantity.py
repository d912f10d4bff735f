"""The choose score weighs where the plan puts what it adds, not how much: a plan adding far more
of a product than its real plants hold, beside one of them, scores 1. calibration.md says so and
names the products whose added capacity is far from the real plants', and those added with no real
plant at all (whose share of 0 is no placement missed)."""

from __future__ import annotations

import pandas as pd

from siting.runs.calibrate import RealPlant, quantity_note, score_choice
from tests.conftest import MadeRun


def test_a_share_of_1_on_16_times_the_real_capacity_is_said() -> None:
    builds = pd.DataFrame({"site": ["a", "a", "a"], "product": ["fepo4", "lfp", "ncm"],
                           "capacity_added": [1600000.0, 105000.0, 150000.0]})
    plants = [RealPlant("f1", "F1", "a", "fepo4", 100000.0, "t/yr", 0.0),
              RealPlant("l1", "L1", "a", "lfp", 100000.0, "t/yr", 0.0)]
    score = score_choice(builds, plants, {"a": (0.0, 0.0)}, 25.0, ["fepo4", "lfp", "ncm"],
                         {"fepo4": "t/yr", "lfp": "t/yr", "ncm": "t/yr"})
    assert score["share"].tolist()[:2] == [1.0, 1.0]
    note = quantity_note(score, plants, 2024)
    assert "not how much it adds" in note
    assert "fepo4 1,600,000 t/yr added against 100,000 t/yr in real plants" in note
    assert "lfp" not in note.split("no real plant made")[0].split("more than 10 %:")[1]  # within 10 %: not named
    assert "no real plant made by 2024: ncm (150,000 t/yr)" in note
    assert quantity_note(score.iloc[1:2], plants, 2024) == ""


def test_the_choose_run_writes_the_quantity_note(calibration_choose_run: MadeRun) -> None:
    """The choose case solved as `siting solve calibration.yaml --out out --quiet` (conftest's
    `calibration_choose_run`): the lfp its plan adds, from plan.csv."""
    builds = pd.read_csv(calibration_choose_run.out / "plan.csv")
    lfp = builds.loc[builds["product"] == "lfp", "capacity_added"].sum()
    assert lfp > 1100
    text = (calibration_choose_run.out / "calibration.md").read_text()
    assert "not how much it adds" in text
    # e_city's 20,000 t/yr of existing lfp is a real plant too, which the plan holds as well
    assert f"lfp {lfp:,.0f} t/yr added to 20,000 t/yr existing against 21,000 t/yr in real plants" in text
