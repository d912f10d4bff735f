"""report.html and report.md: every table's header cell says what its column holds (the Solve
table's first column, the targets table's met-or-short column were headed by nothing), the
alternatives' percentages are right-aligned as figures, and the Why-here table's figures carry
their unit in their headers, not only the total's."""

from __future__ import annotations

import itertools
import re

from siting.deliver.whyhere import PART_HEADERS


def _headers(html: str) -> list[list[str]]:
    return [re.findall(r"<th>(.*?)</th>", row) for row in re.findall(r"<thead><tr>(.*?)</tr></thead>", html)]


def _md_headers(text: str) -> list[str]:
    lines = text.splitlines()
    return [line for line, below in itertools.pairwise(lines) if line.startswith("|")
            and below.startswith("|---")]


def test_no_header_cell_is_empty(small_run, small_alternatives_run) -> None:
    for run in (small_run, small_alternatives_run):
        headers = _headers((run.out / "report.html").read_text(encoding="utf-8"))
        assert headers and all(cell.strip() for row in headers for cell in row), headers
        for line in _md_headers((run.out / "report.md").read_text(encoding="utf-8")):
            assert "|  |" not in line, line


def test_the_alternatives_percentages_are_right_aligned(small_alternatives_run) -> None:
    html = (small_alternatives_run.out / "report.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td><a href="alt0\d/report.html">.*?</tr>', html)
    assert rows
    for row in rows:
        cells = re.findall(r"<td( class=\"n\")?>(.*?)</td>", row)
        percents = [(aligned, text) for aligned, text in cells if re.match(r"-?[\d.]+%", text)]
        assert len(percents) == 2 and all(aligned for aligned, _ in percents), cells
    text = (small_alternatives_run.out / "report.md").read_text(encoding="utf-8")
    header = next(line for line in _md_headers(text) if line.startswith("| alternative |"))
    rule = text.splitlines()[text.splitlines().index(header) + 1]
    assert rule.startswith("|---|---:|---:|---:|")


def test_the_why_here_figures_carry_their_unit() -> None:
    assert all(header.endswith(", million yuan/yr") for header in PART_HEADERS)


def test_the_why_here_table_headers_in_the_report(small_run) -> None:
    headers = _headers((small_run.out / "report.html").read_text(encoding="utf-8"))
    why = next(row for row in headers if "compared site" in row)
    figures = why[why.index("compared site") + 1:-1]
    assert len(figures) == 6 and all(h.endswith("million yuan/yr") for h in figures), figures
