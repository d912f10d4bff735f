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

from test_webmap import browser  # noqa: F401  (fixture)

from tests.conftest import MadeRun

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


# --- every table fits the printed page ---------------------------------------------------------------
#
# Printed before on A4 (Chromium, its default margins), the report's widest tables (the steady state's,
# 951 px wide on screen, "Why here", the input provenance with its SHA-256 column, the idle capacity)
# stood wider than the page, and the printer cut their right edges at the margin: text lost on paper.

#: A4's width less Chromium's default print margins (about 10 mm each side), in CSS pixels (96 per inch).
A4_PRINTABLE_PX = round((210 - 2 * 10) / 25.4 * 96)

#: Each table's width against its box's, the page laid out as printed.
TABLE_WIDTHS = ("() => [...document.querySelectorAll('table')].map(t => {"
                " let h = t.parentElement; while (h && h.tagName !== 'H2') h = h.previousElementSibling;"
                " return [h ? h.textContent : '', t.scrollWidth, t.parentElement.clientWidth]; })")


def printed_overflow(browser: Any, report: Path) -> list[tuple[str, int, int]]:  # noqa: F811
    """The tables of `report` wider than their box with the page laid out for print on A4 (print
    media, the printable width), as (the heading above, its width, its box's), after printing it
    to PDF as a planner would."""
    tab = browser.new_page(viewport={"width": A4_PRINTABLE_PX, "height": 1000})
    try:
        tab.goto(report.as_uri())
        tab.emulate_media(media="print")
        widths = tab.evaluate(TABLE_WIDTHS)
        margins = {side: "10mm" for side in ("top", "right", "bottom", "left")}
        assert tab.pdf(format="A4", margin=margins)[:5] == b"%PDF-"
    finally:
        tab.close()
    assert widths  # the page has its tables
    return [(heading, width, room) for heading, width, room in widths if width > room]


def wide_page() -> str:
    """A page with the kinds of table that ran off the printed page: many figure columns with long
    headings, and a SHA-256 column beside paths."""
    from siting.deliver.report import Block, Table, html_page

    header = ["site", "cluster", "product", "unit", "capacity added", "available (steady state)",
              "usable (x utilisation)", "production (steady state)", "idle (steady state)", "idle share",
              "why idle"]
    rows = [["Anning industrial park, Caopu area", "Kunming", "FePO4", "t/yr", "1,200,000", "1,840,000",
             "1,748,000", "930,000", "818,000", "46.8%", "no market left: the sales cap of FePO4 is reached"]] * 3
    files = [[role, f"`../geodata/yunnan/{role}_proxy_layer.geojson`", f"`{'0123456789abcdef' * 4}`"]
             for role in ("clusters", "redline", "sites", "sources")]
    return html_page([Block("h1", "Plan"), Block("h2", "Idle"),
                      Block("table", Table(header, rows, frozenset(range(4, 10)))), Block("h2", "Input provenance"),
                      Block("table", Table(["input", "file", "SHA-256"], files))],
                     "Plan", {})


def test_printed_on_a4_wide_tables_and_hashes_fit_the_page(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    report = tmp_path / "report.html"
    report.write_text(wide_page(), encoding="utf-8")
    assert printed_overflow(browser, report) == []


def test_printed_on_a4_every_table_of_the_shipped_report_fits_the_page(
        browser: Any, shipped_first_node_run: MadeRun) -> None:  # noqa: F811
    assert printed_overflow(browser, shipped_first_node_run.out / "report.html") == []
