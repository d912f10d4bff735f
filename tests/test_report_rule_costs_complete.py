"""The report's section "What each rule costs" carries everything rule_costs.md says.

report.html, read in a browser, gave each rule family's proven range only and sent the reader to
rule_costs.md (raw Markdown there) for the point costs, the relaxed solves' objectives and gaps,
the sites each relaxed plan adds or drops, each row's note and the notes under the table (the
base plan, the families priced, how the money is counted). Now the section gives rule_costs.md's
table (headed in the report's words) and its notes, in report.md and report.html alike, with no link from
report.html to a Markdown file."""

from __future__ import annotations

import html
import re
from pathlib import Path

from siting.deliver.report import html_page, markdown, rule_cost_blocks

CSV = ("rule,status,objective_relaxed_bn_yuan,rule_cost_bn_yuan,rule_cost_low_bn_yuan,rule_cost_high_bn_yuan,"
       "gap_percent,absolute_gap_bn_yuan,within_solver_tolerance,sites_added,sites_dropped,note\n"
       "redline,optimal,-37.43,14.71,14.71,14.72,0,0,no,A &amp; <B>,,\n"
       "market,optimal,-22.72,0,0,0,0,0,yes,,,\n")

#: rule_costs.md as siting/deliver/tables.py `table_files` writes it: the table, then the note;
#: a site's "&" and "<" escaped as every Markdown file of the tool escapes them.
MD = ("| rule | status | rule_cost_bn_yuan | rule_cost_range_bn_yuan | sites_added | note |\n"
      "|---|---|---:|---|---|---|\n"
      "| redline | optimal within the gap | 14.71 | 14.71 to 14.72 | A &amp;amp; &lt;B> |  |\n"
      "| market | optimal within the gap | 0.00 | 0.00 to 0.00 |  | net objective near zero |\n"
      "\nBase plan, from which each rule's cost is measured: -22.72 bn yuan at A &amp; &lt;B>.\n\n"
      "rule_cost_bn_yuan is the base objective less the objective with the rule relaxed.\n")


def _table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def _rows(text: str) -> list[list[str]]:
    """The data rows of the Markdown tables in `text`, each row's cells sorted (the report orders
    and heads the columns in its own words)."""
    return [sorted(c.strip() for c in line.strip()[1:-1].split(" | "))
            for line in _table_lines(text) if not line.startswith("|---") and not line.startswith("| rule")]


def test_the_section_gives_rule_costs_md_table_and_notes() -> None:
    blocks = rule_cost_blocks(CSV, MD)
    report = markdown(blocks)
    for row in _rows(MD):
        assert row in _rows(report), row
    for paragraph in MD.split("\n\n")[1:]:
        assert f"\n{paragraph.strip()}\n" in report, paragraph
    page = html_page(blocks, "Plan", {})
    assert "<td>A &amp;amp; &lt;B&gt;</td>" in page  # the name as given, "A &amp; <B>", escaped once
    assert '<td class="n">14.71</td>' in page
    assert "<td>net objective near zero</td>" in page
    assert "at A &amp; &lt;B&gt;." in page
    assert "rule_cost_bn_yuan is the base objective less the objective with the rule relaxed." in page
    assert not [h for h in re.findall(r'href="([^"]*)"', page) if h.split("#")[0].endswith(".md")]
    # the section no longer sends the reader elsewhere for what it now gives
    assert "are in <code>rule_costs.md</code>" not in page


def test_report_html_is_complete_on_its_own(small_rule_costs_run) -> None:
    out = Path(small_rule_costs_run.out)
    md = (out / "rule_costs.md").read_text(encoding="utf-8")
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report[report.index("\n## What each rule costs\n"):]
    section = section[:section.index("\n## ", 1)]
    for row in _rows(md):
        assert row in _rows(section), row
    notes = [p.strip() for p in md.split("\n\n") if p.strip() and not p.lstrip().startswith("|")]
    assert notes
    for paragraph in notes:
        assert f"\n{paragraph}\n" in section, paragraph[:60]
    page = (out / "report.html").read_text(encoding="utf-8")
    for paragraph in notes:
        assert html.escape(html.unescape(paragraph), quote=False) in page, paragraph[:60]
    assert "<th>objective with the rule relaxed (discounted, bn yuan)</th>" in page
    assert not [h for h in re.findall(r'href="([^"]*)"', page) if h.split("#")[0].endswith(".md")]
