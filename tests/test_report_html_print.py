"""report.html printed (to paper or PDF, for a meeting): the interactive map gives way to the
static map, a table's header row repeats on each page it runs onto, and a heading stays with what
follows it.

Printed before, the interactive map came out as a live map with its zoom buttons and its layer panel
over a third of it, cut across two pages, just above map.png, which says the same on paper; a table
running onto a new page went on without its header row (the header row was a plain first row,
not a table head), so its columns were nameless there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.test_webmap import browser  # noqa: F401  (fixture)

MAP = '<p class="map-note">Interactive map.</p>\n<div id="plan-map" style="height:640px"></div>\n'


def page() -> str:
    from siting.deliver.report import Block, Table, html_page

    rows = [[f"row {i}", f"{i:,}"] for i in range(120)]
    return html_page([Block("h1", "Plan"), Block("webmap", MAP), Block("image", ("Map of the plan", "map.png")),
                      Block("h2", "Long table"), Block("table", Table(["site", "capacity, t/yr"], rows,
                                                                            frozenset({1})))],
                     "Plan", {})


def test_the_header_row_is_the_tables_head() -> None:
    text = page()
    assert re.search(r'<div class="wide"><table>\s*<thead><tr><th>site</th><th>capacity, t/yr</th></tr></thead>\s*'
                     r'<tbody>\s*<tr><td>row 0</td>', text)
    assert "</tbody></table></div>" in text


def test_print_rules_hide_the_live_map_and_keep_headings_with_their_text() -> None:
    style = re.search(r"<style>(.*?)</style>", page(), re.S).group(1)
    rules = re.search(r"@media print\{(.*)\}$", style).group(1)
    assert re.search(r"#plan-map\{[^}]*display:none", rules)
    assert re.search(r"(?:^|[},])(?:h1,)?h2\{[^}]*break-after:avoid", rules)
    assert re.search(r"(?:^|[},])tr[,{][^}]*break-inside:avoid", rules)


def test_printed_in_chromium_the_map_is_hidden_and_the_header_repeats(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    report = tmp_path / "report.html"
    report.write_text(page(), encoding="utf-8")
    tab = browser.new_page()
    try:
        tab.goto(report.as_uri())
        tab.emulate_media(media="print")
        shown = tab.evaluate("() => getComputedStyle(document.getElementById('plan-map')).display")
        head = tab.evaluate("() => { const t = document.querySelector('div.wide table');"
                            " return t.tHead ? t.tHead.rows[0].cells[1].textContent : null; }")
        image = tab.evaluate("() => getComputedStyle(document.querySelector('img')).display")
    finally:
        tab.close()
    assert shown == "none"
    assert head == "capacity, t/yr"  # the row Chromium repeats atop each printed page the table runs onto
    assert image != "none"  # map.png stands for it on paper
