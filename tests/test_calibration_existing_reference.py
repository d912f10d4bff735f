"""In mode choose, the score left out the capacity the sites layer gives as existing at the plan's
start (the shipped case: 53,000 t/yr of LFP at Qujing ETDZ, 30 million m2/yr of separator at
Anning Qilin), which docs/DATA.md (section 15) counts among the real plants and the model holds
as standing capacity. It is now a real plant of the score, `existing:<site>`: its capacity counts
in `observed`, its site is where a real plant is, and the quantity note sets what the plan adds
plus it against `observed`.

On tests/data/small: e_city holds 20,000 t/yr of existing lfp; the reference plant l1 makes
1,000 t/yr of lfp at w_mine, some 110 km west of e_city (1.1 degrees of longitude at 24.7 N)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from siting.prepare.problem import prepare
from siting.runs.calibrate import quantity_note, reference_plants, score_choice, site_points_km
from tests.conftest import MadeRun, calibration_choose_case


def test_existing_capacity_is_a_real_plant_of_the_score(tmp_path: Path) -> None:
    """A plan adding 50,000 t/yr of lfp at e_city, where 20,000 t/yr stand: by hand, observed =
    1,000 (l1) + 20,000 (existing at e_city) = 21,000 t/yr; e_city lies 0 km from the existing
    plant, so within_km = 50,000 and share = 50,000 / 50,000 = 1 (without it: 0, l1 being 110 km
    off). The plan then holds 50,000 + 20,000 = 70,000 t/yr against 21,000 in real plants:
    (70,000 - 21,000) / 70,000 = 70 % apart, above 10 %, so the note names lfp."""
    prepared = prepare(calibration_choose_case(tmp_path), {})
    plants = reference_plants(prepared)
    assert [(p.id, p.site, p.product, p.capacity, p.existing) for p in plants] == [
        ("l1", "w_mine", "lfp", 1000.0, False), ("existing:e_city", "e_city", "lfp", 20000.0, True)]
    builds = pd.DataFrame({"site": ["e_city"], "product": ["lfp"], "capacity_added": [50000.0]})
    score = score_choice(builds, plants, site_points_km(prepared), 1.0, ["lfp"], {"lfp": "t/yr"})
    assert score.values.tolist() == [["lfp", "t/yr", 50000.0, 21000.0, 50000.0, 1.0, "l1 existing:e_city"]]
    note = quantity_note(score, plants, 2024)
    assert "lfp 50,000 t/yr added to 20,000 t/yr existing against 21,000 t/yr in real plants" in note


def test_added_plus_existing_within_10_percent_is_not_named(tmp_path: Path) -> None:
    """Adding 1,000 t/yr at w_mine: by hand, 1,000 + 20,000 = 21,000 t/yr held against 21,000 in
    real plants, 0 % apart: not named (before, 1,000 added against 1,000 passed for the same, and
    20,000 existing against nothing went unsaid)."""
    prepared = prepare(calibration_choose_case(tmp_path), {})
    plants = reference_plants(prepared)
    builds = pd.DataFrame({"site": ["w_mine"], "product": ["lfp"], "capacity_added": [1000.0]})
    score = score_choice(builds, plants, site_points_km(prepared), 1.0, ["lfp"], {"lfp": "t/yr"})
    assert score[["planned_added", "observed", "within_km", "share"]].values.tolist() == [
        [1000.0, 21000.0, 1000.0, 1.0]]
    assert quantity_note(score, plants, 2024) == ""


def test_the_written_score_counts_it(calibration_choose_run: MadeRun) -> None:
    """Through the command line (conftest's `calibration_choose_run`, `calibration_choose_case`
    solved as `siting solve calibration.yaml --out out --quiet`): calibration.csv's lfp row has
    observed 1,000 + 20,000 = 21,000 t/yr and lists the existing capacity among its reference
    plants; calibration.md says what `existing:<site>` is."""
    out = calibration_choose_run.out
    score = pd.read_csv(out / "calibration.csv", keep_default_na=False).set_index("product")
    assert float(score.loc["lfp", "observed"]) == 21000.0
    assert score.loc["lfp", "reference_plants"] == "l1 existing:e_city"
    assert "the existing capacity of the sites layer (in reference_plants, `existing:` and the site id)" in (
        out / "calibration.md").read_text()
