"""The optimum's report says, of the sites an alternative differs in, which it added (built on by
the alternative only) and which it dropped (built on by the optimum only), not one list of both."""

from __future__ import annotations

from test_alternatives_kind_in_report import record

from siting.deliver.report import alternatives_blocks, markdown

NAMES = {"s1": "Site one", "s2": "Site two", "s3": "Site three"}


def test_the_sites_that_differ_are_split_into_added_and_dropped() -> None:
    text = markdown(alternatives_blocks({"near_optimal": record()}, NAMES, built=("s1", "s4")))
    alt01 = next(line for line in text.splitlines() if line.startswith("| `alt01/` |"))
    alt02 = next(line for line in text.splitlines() if line.startswith("| `alt02/` |"))
    assert "| 2 - added: Site two - dropped: Site one |" in alt01
    assert "| 1 - added: Site three |" in alt02
    assert "added (built on by it only) and dropped (built on by this plan only)" in text
