"""report.html links no Markdown file, which a browser shows as raw text or downloads: a link of
report.md to rule_costs.md (the optimum's, ../rule_costs.md, from an alternative's folder) is, in
report.html, the file's name with a link to the page's section that renders its figures, "What
each rule costs" (the optimum's report.html's, from an alternative's); within that section, the
name alone. report.md keeps its links."""

from __future__ import annotations

import re

from siting.deliver.report import OPTIMUM_RULE_COSTS, Block, html_page, markdown, rule_costs_pointer


def _blocks(pointer: str) -> list[Block]:
    return [Block("h1", "Plan"), Block("h2", "Binding rules"), Block("p", pointer),
            Block("h2", "What each rule costs"),
            Block("p", "The point costs are in [rule_costs.md](rule_costs.md) (rule_costs.csv).")]


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


def test_the_optimums_page_links_the_section_not_the_markdown_file() -> None:
    blocks = _blocks(rule_costs_pointer(True))
    page = html_page(blocks, "Plan", {})
    assert not [h for h in _hrefs(page) if h.split("#")[0].endswith(".md")]
    binding = page[page.index('id="binding-rules"'):page.index('id="what-each-rule-costs"')]
    assert '<a href="#what-each-rule-costs">What each rule costs</a>' in binding
    assert "rule_costs.md" in binding
    section = page[page.index('id="what-each-rule-costs"'):]
    assert "<code>rule_costs.md</code>" in section and "<a " not in section
    assert "[rule_costs.md](rule_costs.md)" in markdown(blocks)


def test_an_alternatives_page_links_the_optimums_section() -> None:
    blocks = [Block("h1", "alt01"), Block("h2", "Binding rules"), Block("p", rule_costs_pointer(OPTIMUM_RULE_COSTS))]
    page = html_page(blocks, "alt01", {})
    assert not [h for h in _hrefs(page) if h.split("#")[0].endswith(".md")]
    assert '<a href="../report.html#what-each-rule-costs">What each rule costs</a>' in page
    assert f"[rule_costs.md]({OPTIMUM_RULE_COSTS})" in markdown(blocks)
