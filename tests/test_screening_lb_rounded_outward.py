"""The terminal's screening line gives the merged model's proven lower bound LB rounded outward
(down), as the status line's best bound and the report's Solve table do: the shipped cells run's
LB of -198,402,485,000 yuan reads "LB -198.41 bn yuan", not "-198.40" (more than was proven)."""

from __future__ import annotations

from siting.cli import money
from siting.deliver.report import screened_lines

SCREENING = {"candidate_cells": 5052, "groups": 14, "merged_model_sites": 32, "screened_sites": 24,
             "lower_bound_yuan": -198_402_485_000.0, "upper_bound_yuan": -196_750_897_000.0}


def test_the_screening_line_rounds_the_lower_bound_down() -> None:
    text = " ".join(screened_lines(SCREENING, money))
    assert "proves the bound LB -198.41 bn yuan," in text
    assert "costs UB -196.75 bn yuan;" in text


def test_a_positive_lower_bound_rounds_down_too() -> None:
    text = " ".join(screened_lines({**SCREENING, "lower_bound_yuan": 9_737_000_000.0}, money))
    assert "LB 9.73 bn yuan," in text
