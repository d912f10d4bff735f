"""calibration.md states the solve whose plan it compares with the real plants, in the terminal's
words (the status line, `siting.Solution.status`), and what the proven gap means for the
comparison: in mode choose the score is of this plan, one of those within the gap, which another
plan within it may place otherwise; in mode fixed the real plants are held, so the verdict does
not rest on the gap, but what the model makes of them is this plan's. A reader of calibration.md
alone is not to take a plan at 1.60 % gap as the model's one answer."""

from __future__ import annotations

from pathlib import Path

from test_calibration import EAST_LFP, e_city_choose_run, variant  # noqa: F401 (the fixture, shared)

import siting
from siting.runs.calibrate import SolveStanding, solve_line
from siting.runs.job import run_solve
from tests.conftest import MadeRun


def _solve_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Solve: ")]


def test_choose_md_states_the_status_and_that_the_score_is_of_one_plan_within_the_gap(
        e_city_choose_run: MadeRun) -> None:  # noqa: F811
    """Mode choose, l1 at e_city (tests/test_calibration.py `e_city_choose_run`, solved as `siting
    solve` does): the status line is the API's for the same scenario."""
    out = e_city_choose_run.out
    text = (out / "calibration.md").read_text()
    status = siting.solve(siting.load(e_city_choose_run.scenario)).status
    lines = text.splitlines()
    assert lines[0].startswith(f"Solve: {status}. Of the gap: the capacity the plan adds, and the part and share "
                               "of it near a real plant, are those of this plan")
    assert "score otherwise" in lines[0]
    assert lines[2].startswith("| product | unit | planned_added |")  # the table follows, as before
    csv = (out / "calibration.csv").read_text().splitlines()[0]
    assert csv == "product,unit,planned_added,observed,within_km,share,reference_plants"


def test_fixed_md_states_the_status_after_the_verdict(tmp_path: Path) -> None:
    path = variant(tmp_path, EAST_LFP, "calibration: {mode: fixed, plants: plants.yaml}\n")
    result = run_solve(path, tmp_path / "cli", show=False)
    lines = (result.out_dir / "calibration.md").read_text().splitlines()
    assert lines[0].startswith("Verdict: ")  # the verdict stays first
    said = _solve_lines("\n".join(lines))
    assert len(said) == 1 and lines[2] == said[0]
    assert said[0].startswith("Solve: optimal within the gap, gap ")
    assert "the rules' verdict does not rest on the gap" in said[0]
    assert ("what the model makes of each real plant, the share of what it can make that it uses and the real plants "
            "held mostly idle are those of this plan") in said[0]
    api = siting.solve(siting.load(path)).write(tmp_path / "api")
    assert (api / "calibration.md").read_text() == (result.out_dir / "calibration.md").read_text()


def test_solve_line_in_each_case() -> None:
    proven = SolveStanding("optimal within the gap, gap 1.60% (tolerance 2.00%)", 2.31e9)
    assert solve_line(proven, "choose") == (
        "Solve: optimal within the gap, gap 1.60% (tolerance 2.00%). Of the gap: the capacity the plan adds, and the "
        "part and share of it near a real plant, are those of this plan, one of the plans within the gap of the "
        "least cost: another, costing up to 2.31 bn "
        "yuan less, may place capacity elsewhere and score otherwise.")
    unbounded = SolveStanding("stopped at the time limit with a plan", None)
    assert "no bound was proven, so how far it lies from the least cost is unknown" in solve_line(unbounded, "fixed")
    exact = SolveStanding("optimal within the gap, gap 0.00% (tolerance 2.00%)", 0.0)
    assert "proven the least cost: another plan of the same cost may place capacity" in solve_line(exact, "choose")
    tiny = SolveStanding("optimal within the gap, gap 0.00% (tolerance 2.00%)", 1e6)
    assert "another, costing under 0.01 bn yuan less, may run the real plants otherwise" in solve_line(tiny, "fixed")
