"""The report's Calibration section carries calibration.md's line on the solve.

calibration.md says how the solve ended and what its proven gap means for the comparison
(siting/runs/calibrate.py `solve_line`); the report's Calibration section did not. It now gives
that line, from the manifest's solver record, after the section's first paragraph."""

from __future__ import annotations

import pandas as pd

from siting.deliver.report import ChoiceCalibration, FixedCalibration, calibration_blocks, markdown, solve_standing
from siting.runs.calibrate import SolveStanding, solve_line

MANIFEST = {"solver": {"termination": "optimal", "status_text": "optimal within the gap", "proven_within_gap": True,
                       "objective_yuan": -20e9, "gap": 0.0148, "gap_yuan": 0.296e9,
                       "settings": {"rel_gap": 0.02, "abs_gap_bn_yuan": None}}}


def test_the_calibration_section_gives_the_solve_line() -> None:
    standing = solve_standing(MANIFEST)
    assert standing == SolveStanding("optimal within the gap, gap 1.48% (tolerance 2.00%)", 0.296e9)
    plants = pd.DataFrame({"plant": ["p1"], "site": ["s1"], "product": ["LFP"], "unit": ["t"], "observed": [1.0],
                           "model": [1.0], "production": [1.0], "used_share": [1.0], "verdict": ["admitted"]})
    fixed = FixedCalibration("the rules admit every real plant", "plants.csv", 2024, plants)
    text = markdown(calibration_blocks(fixed, {}, standing))
    assert f"\n{solve_line(standing, 'fixed')}\n" in text
    assert text.index("Verdict:") < text.index("Solve: ") < text.index("| plant |")
    score = pd.DataFrame({"product": ["LFP"], "unit": ["t"], "planned_added": [1.0], "observed": [1.0],
                          "within_km": [1.0], "share": [1.0], "reference_plants": [1]})
    choice = ChoiceCalibration("plants.csv", 30.0, 2024, score, {"LFP": 1.0})
    text = markdown(calibration_blocks(choice, {}, standing))
    assert f"\n{solve_line(standing, 'choose')}\n" in text
    assert "Solve: " not in markdown(calibration_blocks(choice, {}))
