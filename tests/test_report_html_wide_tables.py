"""report.html keeps a table wider than the window inside its own scrolling box: at 800 px the
steady state's tables (9 and 10 columns) reach past the window's right edge, and without a box of
their own the whole page, its paragraphs with it, scrolls sideways (or, printed or captured, the
right-hand columns are cut off). Each table stands in a box that scrolls sideways by itself."""

from __future__ import annotations

import re


def test_each_table_scrolls_in_a_box_of_its_own() -> None:
    from siting.deliver.report import Block, Table, html_page

    wide = Table([f"column {i}" for i in range(10)], [[f"{i:,}" for i in range(10)]], frozenset(range(1, 10)))
    page = html_page([Block("h1", "Plan"), Block("table", wide), Block("p", "text")], "Plan", {})
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    boxes = re.findall(r'<div class="([\w-]+)">\s*<table>', page)
    assert page.count("<table>") == len(boxes) == 1
    rule = re.search(r"(?:^|})\s*div\." + re.escape(boxes[0]) + r"\{([^}]*)\}", style)
    assert rule is not None and "overflow-x:auto" in rule.group(1)
    assert re.search(r"</table>\s*</div>", page)


def test_the_box_leaves_the_map_popups_alone() -> None:
    """The map's popups hold tables of their own; only the report's tables are boxed."""
    from siting.deliver.report import Block, html_page

    popup = '<div id="plan-map"><div class="popup"><table><tr><th>a</th><td>b</td></tr></table></div></div>'
    page = html_page([Block("webmap", popup)], "Plan", {})
    assert popup in page
