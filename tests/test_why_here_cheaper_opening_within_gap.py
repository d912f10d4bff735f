"""Why here: a cheaper site not open in the plan is weighed against the proven gap with what
opening it would add, as the paragraph above the rows says ("cheaper or dearer by less than G / W a
year (a site not open in the plan with what opening it would add)") and as a dearer site's row is.

The instance is test_why_here.py's: s3 is 8,400 yuan/yr cheaper than s2 for s2's q. With W = 1, a
proven gap of 5,000 yuan and 5,000 yuan of opening that moving there would add, the move saves at
most 3,400 yuan, within the gap: the row said "by more than the plan's proven gap", beside the
paragraph's rule that counts the opening, since it compared the 8,400 alone with the gap."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_why_here import inputs, plan

from siting.deliver.report import markdown, why_here_blocks
from siting.deliver.whyhere import why_here_rows

WITHIN = "cheaper by these costs, by less than the plan's proven gap"
BEYOND = "cheaper by these costs, by more than the plan's proven gap"


def _last_row(row, gap_yuan: float, weight: float) -> str:
    return markdown(why_here_blocks([row], gap_yuan=gap_yuan, weight=weight)).splitlines()[-1]


def _cheaper_row(opening: float):
    s2 = why_here_rows(inputs(), plan())[1]
    assert s2.difference == pytest.approx(-8_400, rel=1e-12)
    return replace(s2, opening_yuan=opening)


def test_a_cheaper_site_whose_saving_net_of_its_opening_is_within_the_gap() -> None:
    line = _last_row(_cheaper_row(5_000.0), 5_000.0, 1.0)  # 8,400 - 5,000 = 3,400 <= 5,000
    assert WITHIN in line and BEYOND not in line


def test_a_cheaper_site_beyond_the_gap_with_its_opening_counted() -> None:
    line = _last_row(_cheaper_row(2_000.0), 5_000.0, 1.0)  # 8,400 - 2,000 = 6,400 > 5,000
    assert BEYOND in line and WITHIN not in line
    line = _last_row(_cheaper_row(0.0), 5_000.0, 1.0)  # 8,400 > 5,000
    assert BEYOND in line and WITHIN not in line
