"""report.html links the alternatives' own report.html, and the report gives the rule costs' proven ranges.

The alternatives table named each alternative's folder as code (`alt01/`), not a link; in a
browser the report's only link for the rule costs opened raw Markdown. Now report.html links each
alternative to its report.html (report.md keeps the cell as it was), and a run that priced the
rules gives, in report.md and report.html, each family's cost as the range the solves prove, as
rule_costs.md gives it."""

from __future__ import annotations

import re
from pathlib import Path

from siting.deliver.report import Block, Table, html_page, markdown, rule_cost_blocks

CSV = ("rule,status,objective_relaxed_bn_yuan,rule_cost_bn_yuan,rule_cost_low_bn_yuan,rule_cost_high_bn_yuan,"
       "gap_percent,absolute_gap_bn_yuan,within_solver_tolerance,sites_added,sites_dropped,note\n"
       "redline,optimal,-194.786662,0.027531,0,3.923264,2,3.89573323,yes,a,b,\n"
       "market,optimal,-342,147.24,143.8,152.675001,1.59,5.44,no,,,\n"
       "budget,error,,,,,,,,,,\n")


def test_rule_cost_blocks_give_the_proven_ranges() -> None:
    blocks = rule_cost_blocks(CSV)
    assert blocks[0] == Block("h2", "What each rule costs")
    table = blocks[-1].content
    assert table.rows == [["redline", "0.00 to 3.93", "yes: not proven, may be 0"],
                          ["market", "143.80 to 152.68", "no: proven above 0"],
                          ["budget", "no relaxed plan", ""]]
    assert "[rule_costs.md](rule_costs.md)" in blocks[1].content
    assert rule_cost_blocks(None) == [] and rule_cost_blocks("") == []


def test_a_table_cell_links_in_html_only() -> None:
    blocks = [Block("table", Table(["alternative"], [["`alt01/`"]], links={(0, 0): "alt01/report.html"}))]
    assert '<td><a href="alt01/report.html"><code>alt01/</code></a></td>' in html_page(blocks, "", {})
    assert "| `alt01/` |" in markdown(blocks)


def _md_ranges(text: str) -> dict[str, str]:
    lines = [line.split(" | ") for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    head = [c.strip("| ") for c in lines[0]]
    at = head.index("rule_cost_range_bn_yuan")
    return {row[0].strip("| "): row[at] for row in lines[1:]}


def test_the_report_gives_the_rule_costs_as_rule_costs_md(small_rule_costs_run) -> None:
    out = Path(small_rule_costs_run.out)
    ranges = _md_ranges((out / "rule_costs.md").read_text(encoding="utf-8"))
    assert ranges
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "\n## What each rule costs\n" in report
    for rule, shown in ranges.items():
        assert re.search(rf"\n\| {re.escape(rule)} \| {re.escape(shown)} \| ", report), rule
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="what-each-rule-costs">What each rule costs</h2>' in page
    for rule, shown in ranges.items():
        assert f'<tr><td>{rule}</td><td class="n">{shown}</td>' in page


def test_no_rule_costs_no_section(small_run) -> None:
    assert "What each rule costs" not in (Path(small_run.out) / "report.md").read_text(encoding="utf-8")


def test_report_html_links_each_alternative_report(small_alternatives_run) -> None:
    out = Path(small_alternatives_run.out)
    page = (out / "report.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="(alt\d+/report\.html)">', page)
    assert links == ["alt01/report.html", "alt02/report.html"]
    for link in links:
        assert (out / link).is_file()
    assert "| `alt01/` |" in (out / "report.md").read_text(encoding="utf-8")
