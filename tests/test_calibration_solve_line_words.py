"""calibration.md's solve line and the report's Calibration section named calibration.csv's columns
(`planned_added, within_km and share are those of this plan`; `production, used_share and ...`)
where the report's tables head them in words (planned added, within 1 km, share; production, used).
The line now says them in words in both; the column names stay in calibration.md's note on its
table, the file's own notes."""

from __future__ import annotations

from siting.runs.calibrate import PLANT_COLUMNS, SCORE_COLUMNS, SolveStanding, solve_line
from tests.conftest import MadeRun

#: The column names of calibration.csv with an underscore, which no sentence of prose should use.
COLUMN_NAMES = tuple(c for c in (*SCORE_COLUMNS, *PLANT_COLUMNS) if "_" in c)


def test_the_solve_line_names_no_column_in_either_mode() -> None:
    for standing in (SolveStanding("optimal within the gap, gap 1.60% (tolerance 2.00%)", 2.31e9),
                     SolveStanding("stopped at the time limit with a plan", None),
                     SolveStanding("optimal within the gap, gap 0.00% (tolerance 2.00%)", 0.0)):
        for mode in ("choose", "fixed"):
            line = solve_line(standing, mode)
            assert not [c for c in COLUMN_NAMES if c in line], line
    said = solve_line(SolveStanding("optimal", 1e9), "choose")
    assert "the capacity the plan adds, and the part and share of it near a real plant, are those of this plan" in said
    said = solve_line(SolveStanding("optimal", 1e9), "fixed")
    assert ("what the model makes of each real plant, the share of what it can make that it uses and the real plants "
            "held mostly idle are those of this plan") in said


def test_calibration_md_and_the_report_say_it_in_words(calibration_choose_run: MadeRun) -> None:
    """The choose case solved as `siting solve calibration.yaml --out out --quiet` (conftest's
    `calibration_choose_run`)."""
    out = calibration_choose_run.out
    md = (out / "calibration.md").read_text()
    solve = next(line for line in md.splitlines() if line.startswith("Solve: "))
    assert "planned_added" not in solve and "within_km" not in solve
    assert "planned_added: capacity the plan adds" in md  # the file's own note keeps its column names
    report = (out / "report.md").read_text()
    section = report.split("## Calibration", 1)[1].split("\n## ", 1)[0]
    line = next(line for line in section.splitlines() if line.startswith("Solve: "))
    assert line == solve
    assert not [c for c in COLUMN_NAMES if c in line]
