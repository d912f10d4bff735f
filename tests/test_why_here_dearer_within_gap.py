"""Why here: a difference inside the plan's proven gap is never shown as a reason for the site.

The instance is test_why_here.py's. s3 is 8,400 yuan/yr cheaper than s2 for s2's q; swapping the two
sites' costs makes the built site the cheaper by 8,400. With W = 1 and a proven gap of 10,000 yuan
the difference lies within the gap either way: the solve no more proves the built site the better
choice when the other site is dearer by less than the gap than when it is cheaper by less, and
the row says so. Beyond the gap (W = 2), or where opening the other site alone adds more than the
gap, the row stays silent, as it does on a plan without a proven gap.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_why_here import inputs, plan

from siting.deliver.report import markdown, why_here_blocks
from siting.deliver.whyhere import why_here_rows

NOTE = ("dearer by these costs, but by less than the plan's proven gap: the difference does not prove the built "
        "site the better choice (another plan within the gap may build there)")


def _dearer_row():
    s2 = why_here_rows(inputs(), plan())[1]
    dearer = replace(s2, parts=s2.other_parts, other_parts=s2.parts)  # the built site now the cheaper
    assert dearer.difference == pytest.approx(8_400, rel=1e-12)
    return dearer


def _last_row(row, gap_yuan, weight):
    return markdown(why_here_blocks([row], gap_yuan=gap_yuan, weight=weight)).splitlines()[-1]


def test_a_dearer_site_within_the_gap_is_not_shown_as_a_proven_reason() -> None:
    row = _dearer_row()
    assert _last_row(row, 10_000.0, 1.0).endswith(f"| {NOTE} |")
    text = markdown(why_here_blocks([row], gap_yuan=10_000.0, weight=1.0))
    assert "cheaper or dearer by less than G / W" in text


def test_a_dearer_site_beyond_the_gap_or_behind_an_opening_cost_gets_no_note() -> None:
    row = _dearer_row()
    assert NOTE not in _last_row(row, 10_000.0, 2.0)  # 16,800 > 10,000
    assert NOTE not in _last_row(replace(row, opening_yuan=5_000.0), 10_000.0, 1.0)  # 13,400 > 10,000
    assert NOTE not in _last_row(row, 0.0, 1.0)  # proven with no gap
    assert NOTE not in _last_row(row, None, 1.0)  # no proven gap (a near-optimal alternative)
