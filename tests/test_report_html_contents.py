"""report.html's contents and heading anchors.

The shipped plan's report.html runs to 24 sections and some 19,000 px at 1366 px, with no
contents list and no ids on its headings, and "Read this first" named the sections it refers to
("Solve", ...) as plain text. Now each h2 has a stable id (ASCII, unique), a page with a title
lists its sections, linked, after the title, and a section the text names links to its heading.
report.md is left without a contents list: Markdown viewers differ in the anchors they make of
a heading, and the common ones show an outline of their own."""

from __future__ import annotations

import re
from pathlib import Path

from siting.deliver.report import Block, heading_ids, html_page, markdown
from siting.deliver.webmap import MAP_ID

BLOCKS = [Block("h1", "Plan report: small"),
          Block("h2", "Read this first"),
          Block("list", ['proven within the gap (section "Solve"); see section "No such section".']),
          Block("h2", "Solve"),
          Block("p", 'as section "Read this first" says'),
          Block("h2", "Solve"),
          Block("h2", "Plan map"),
          Block("h2", "云南"),
          Block("h2", "Steady state after 2024 (2025-2038)"),
          Block("h2", "Files in this folder")]


def test_heading_ids_are_ascii_unique_and_stable() -> None:
    ids = heading_ids(BLOCKS)
    assert ids == ["read-this-first", "solve", "solve-2", f"{MAP_ID}-2", "section",
                   "steady-state-after-2024-2025-2038", "files-in-this-folder"]
    assert heading_ids(BLOCKS) == ids
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)


def test_the_page_has_its_contents_after_the_title_and_ids_on_its_headings() -> None:
    page = html_page(BLOCKS, "Plan report: small", {})
    assert page == html_page(BLOCKS, "Plan report: small", {})
    body = page.split("<body>\n", 1)[1]
    assert body.startswith('<h1>Plan report: small</h1>\n<nav><p>Contents:</p><ul class="toc">'
                           '<li><a href="#read-this-first">Read this first</a></li>'
                           '<li><a href="#solve">Solve</a></li><li><a href="#solve-2">Solve</a></li>')
    assert '<h2 id="read-this-first">Read this first</h2>' in page
    assert '<h2 id="files-in-this-folder">Files in this folder</h2>' in page
    assert len(re.findall("<h2 ", page)) == len(re.findall("<h2 id=", page)) == 7


def test_a_section_the_text_names_links_to_its_heading() -> None:
    page = html_page(BLOCKS, "t", {})
    assert '(section "<a href="#solve">Solve</a>")' in page
    assert 'as section "<a href="#read-this-first">Read this first</a>" says' in page
    assert 'section "No such section"' in page  # not a heading of the page: left as it is


def test_a_page_without_a_title_heading_has_no_contents() -> None:
    """A run's notices spliced into its report (siting/runs/batch.py `_html_body`) render blocks
    without a title: no contents list there, the heading's id as the whole page gives it."""
    page = html_page([Block("p", "Notices:"), Block("h2", "Files in this folder")], "", {})
    assert "<nav>" not in page
    assert '\n<h2 id="files-in-this-folder">Files in this folder</h2>\n' in page


def test_report_md_has_no_contents_list() -> None:
    text = markdown(BLOCKS)
    assert "Contents" not in text
    assert "## Read this first\n" in text and 'section "Solve"' in text


def test_the_small_report_has_its_contents(small_run) -> None:
    page = (Path(small_run.out) / "report.html").read_text(encoding="utf-8")
    ids = re.findall(r'<h2 id="([^"]+)">', page)
    assert ids and len(ids) == len(set(ids)) == page.count("<h2")
    contents = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="#([^"]+)">', contents) == ids
    assert page.index("</h1>") < page.index("<nav>") < page.index("<h2")
    for target in re.findall(r'<a href="#([^"]+)">', page):
        assert f'id="{target}"' in page
