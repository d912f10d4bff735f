"""Why here names the near-optimal alternatives within the proven gap that do not build on a site.

On the shipped scenario with `--alternatives 4 --slack 0.001`, alt01 (0.04 % over the optimum, within
its proven gap of 0.10 %) builds nothing at Huaning county, yet report.md's Why here row for Huaning
said only that no other site of Yuxi has the land for all it adds there, which reads as a site the
plan needs. The row now names the alternatives within the gap that leave the site out; one beyond
the gap, or a run without alternatives, adds nothing.
"""

from __future__ import annotations

from test_alternatives_kind_in_report import record
from test_why_here import inputs, plan

from siting.deliver.report import dropped_within_gap, markdown, why_here_blocks
from siting.deliver.whyhere import why_here_rows

NOTE = ("not built on by alt01, near-optimal within the plan's proven gap (section \"Near-optimal alternatives\"): "
        "the solve does not prove this site needed")


def test_only_alternatives_within_the_gap_count_and_only_at_built_sites() -> None:
    manifest = {"near_optimal": record()}  # alt01 0.64 % within 1.76 % (s1, s2); alt02 4.97 % beyond it (s3)
    assert dropped_within_gap(manifest, {"s1", "s2", "t1"}) == {"s1": ["alt01"], "s2": ["alt01"]}
    assert dropped_within_gap(manifest, {"t1"}) == {}
    assert dropped_within_gap({}, {"s1"}) == {}
    alternative = {"near_optimal": {**record(), "plan": "alt01"}}  # an alternative's own report: none
    assert dropped_within_gap(alternative, {"s1"}) == {}


def test_the_row_of_a_site_an_alternative_within_the_gap_leaves_out_says_so() -> None:
    rows = why_here_rows(inputs(), plan())
    dropped = dropped_within_gap({"near_optimal": record()}, {"s1", "s2", "t1"})
    lines = markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=1.0, dropped=dropped)).splitlines()
    s1_other = next(line for line in lines if line.startswith("|  |  |  | cheapest other: s2 |"))
    t1_other = next(line for line in lines if "no other site of the cluster can build" in line)
    assert NOTE in s1_other
    assert "not built on by" not in t1_other
    plain = markdown(why_here_blocks(rows, gap_yuan=10_000.0, weight=1.0))
    assert "not built on by" not in plain
