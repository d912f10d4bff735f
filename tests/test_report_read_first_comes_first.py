""""Read this first" stands right under the title and the scenario's description: not after the
overview of years, clusters and sites and the paragraph on how the recycling-demonstration rule
reads the builds, which a director would otherwise read before the caveats. The overview follows
under a heading of its own, so it does not read as one of the caveats."""

from __future__ import annotations

import inspect


def test_read_first_comes_before_the_overview() -> None:
    from siting.deliver import report

    source = inspect.getsource(report.report_blocks)
    first = source.index("read_first_blocks(")
    assert first < source.index("sites built on: ")
    assert first < source.index("demonstrations_paragraph(")
    assert first > source.index('manifest.get("description")')


def test_the_overview_has_a_heading_of_its_own() -> None:
    from siting.deliver import report

    source = inspect.getsource(report.report_blocks)
    between = source[source.index("read_first_blocks("):source.index("sites built on: ")]
    assert 'Block("h2", "The plan at a glance")' in between
