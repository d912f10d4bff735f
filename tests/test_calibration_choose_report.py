"""A calibration in mode choose is stated in report.md and report.html, as one in mode fixed is:
what was calibrated against (the reference file, the distance), per product the capacity the plan
adds, the real plants' capacity, the part within the distance and the share, and the quantity note
(the share weighs where the plan builds, not how much). The terminal summary carries the note too,
not the shares alone."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import MadeRun


@pytest.fixture
def choose_run(calibration_choose_run: MadeRun) -> tuple[Path, str]:
    """The choose case solved through the command line (`siting solve calibration.yaml --out out
    --quiet`, conftest's `calibration_choose_run`): its output folder and what it printed."""
    return calibration_choose_run.out, calibration_choose_run.stdout


def planned_lfp(out: Path) -> float:
    score = pd.read_csv(out / "calibration.csv")
    return float(score.loc[score["product"] == "lfp", "planned_added"].iloc[0])


def test_report_md_states_the_choose_calibration(choose_run: tuple[Path, str]) -> None:
    out, _ = choose_run
    text = (out / "report.md").read_text()
    assert "## Calibration" in text
    section = text.split("## Calibration", 1)[1].split("\n## ", 1)[0]
    assert "`plants.yaml`" in section and "1 km" in section
    lfp = planned_lfp(out)
    assert lfp > 1100
    row = next(line for line in section.splitlines() if line.startswith("| LFP"))
    assert f"{lfp:,.0f}" in row and "21,000" in row  # l1's 1,000 and e_city's 20,000 existing
    assert "where, not how much" in section
    assert section.count("not how much") == 1  # said once: the note's first sentence is left out
    assert f"lfp {lfp:,.0f} t/yr added to 20,000 t/yr existing against 21,000 t/yr in real plants" in section
    # the section sits where the fixed one does: after the targets, before the capacity
    assert text.index("## Calibration") < text.index("## Capacity")


def test_report_html_states_it_too(choose_run: tuple[Path, str]) -> None:
    out, _ = choose_run
    html = (out / "report.html").read_text()
    assert re.search(r"<h2[^>]*>Calibration", html)
    assert "where, not how much" in html and "existing against 21,000 t/yr in real plants" in html
    assert f"{planned_lfp(out):,.0f}" in html


def test_the_terminal_carries_the_quantity_note(choose_run: tuple[Path, str]) -> None:
    out, printed = choose_run
    assert "calibration: the plan's choice against the real plants" in printed
    assert "not how much it adds" in printed
    assert re.search(r"the report name \d+ products?", printed) or f"lfp {planned_lfp(out):,.0f} t/yr added" in printed
