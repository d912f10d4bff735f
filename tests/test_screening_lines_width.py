"""With candidate cells, the summary's screening lines ("screened  5,053 candidate cells in 14
groups: ...") are wrapped to the terminal's width like every other line, their text kept 10
columns in; at 120 columns they read as before."""

from __future__ import annotations

from siting.cli import screening_lines
from siting.deliver.report import screened_lines

SCREENING = {"candidate_cells": 5053, "groups": 14, "merged_model_sites": 32, "screened_sites": 25,
             "lower_bound_yuan": 9.73e9, "upper_bound_yuan": 9.99e9,
             "stopped_by_time_limit": ["the merged model's search", "the screened model's search"]}


def money(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e9:.2f} bn yuan"


def test_every_line_fits_and_keeps_its_text():
    plain = screened_lines(SCREENING, money)
    for width in (60, 80, 100):
        lines = screening_lines(SCREENING, money, width)
        assert max(len(line) for line in lines) <= width, width
        assert lines[0].startswith("screened  5,053 candidate cells")
        assert all(line.startswith(" " * 10) for line in lines[1:])
        assert " ".join(" ".join(lines).split()) == " ".join(" ".join(plain).split())


def test_at_120_columns_the_lines_that_fit_are_as_before_and_a_longer_one_wraps():
    one = {**SCREENING, "stopped_by_time_limit": ["the merged model's search"]}
    plain = screened_lines(one, money)
    assert max(len(line) for line in plain) <= 120
    assert screening_lines(one, money, 120) == plain
    plain = screened_lines(SCREENING, money)
    assert len(plain[-1]) == 123
    wrapped = screening_lines(SCREENING, money, 120)
    assert wrapped[:-2] == plain[:-1]
    assert wrapped[-2:] == [" " * 10 + "the time limit stopped the merged model's search, the screened model's "
                            "search: raise it for a reproducible", " " * 12 + "result"]
