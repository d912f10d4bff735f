"""The report's calibration table: its note says what the verdict column holds.

The column gives what the rules say of each real plant (`admitted`, or the rules it breaks), also
for a plant the model holds idle: on the shipped calibration, defang_lmfp makes 0% of what it can
and its row reads `admitted`. The note under the table said "the verdict names the plants the model
holds mostly idle", so a reader took `admitted` on that row for "not idle"; it is the Verdict
paragraph above the table that names them."""

from __future__ import annotations

import pandas as pd


def test_the_note_sends_the_reader_to_the_verdict_above_for_idle_plants() -> None:
    from siting.deliver.report import FixedCalibration, calibration_blocks, markdown
    from siting.runs.calibrate import PLANT_COLUMNS

    frame = pd.DataFrame([["lmfp", "LMFP", "s", "lfp", "t/yr", 110000.0, 110000.0, 0.0, 0.0, "admitted", ""]],
                         columns=list(PLANT_COLUMNS))
    fields = FixedCalibration.__dataclass_fields__
    given = {"verdict": "the rules admit every real plant, but the model holds 1 of them below 50% of what they "
                        "can make in 2024, for want of feedstock: lmfp 0%",
             "plants_file": "plants.yaml", "year": 2024, "plants": frame}
    calibration = FixedCalibration(**{k: given.get(k, ()) for k in fields})
    text = markdown(calibration_blocks(calibration, {}))
    assert "| lmfp | s | LFP | t/yr | 110,000 | 110,000 | 0 | 0% | admitted |" in text
    assert "the verdict names the plants the model holds mostly idle" not in text
    assert ("verdict: what the rules say of the plant where it stands (admitted, or the rules it breaks), also for "
            "a plant the model holds idle; the verdict above the table names the plants the model holds mostly "
            "idle.") in text
