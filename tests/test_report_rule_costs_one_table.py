"""The report's "What each rule costs" reads as one table, headed in the report's words.

The section gave each family's proven range twice: its own short range table, then rule_costs.md's
whole table headed by the file's column ids (objective_relaxed_bn_yuan, gap_percent, ...), where the
rest of the report names its columns in words with their units. It now gives the table once, headed
in the report's words with units (the ids the notes use tied to those words), then the notes, alike
in report.md and report.html."""

from __future__ import annotations

import re

from siting.deliver.report import html_page, markdown, rule_cost_blocks

CSV = ("rule,status,objective_relaxed_bn_yuan,rule_cost_bn_yuan,rule_cost_low_bn_yuan,rule_cost_high_bn_yuan,"
       "gap_percent,absolute_gap_bn_yuan,within_solver_tolerance,sites_added,sites_dropped,note\n"
       "redline,optimal,-37.43,14.71,14.71,14.72,0,0,no,A,,\n"
       "market,optimal,-22.72,0,0,0,0,0,yes,,,\n")

HEAD = ("rule", "status", "objective_relaxed_bn_yuan", "rule_cost_bn_yuan", "rule_cost_range_bn_yuan", "gap_percent",
        "absolute_gap_bn_yuan", "within_solver_tolerance", "sites_added", "sites_dropped", "note")
MD = ("| " + " | ".join(HEAD) + " |\n"
      "|---|---|---:|---:|---|---:|---:|---|---|---|---|\n"
      "| redline | optimal within the gap | -37.43 | 14.71 | 14.71 to 14.72 | 0.00 | 0.00 | no: proven above 0 "
      "| A |  |  |\n"
      "| market | optimal within the gap | -22.72 | 0.00 | 0.00 to 0.00 | 0.00 | 0.00 | yes: not proven, may be 0 "
      "|  |  |  |\n"
      "\nBase plan, from which each rule's cost is measured: -22.72 bn yuan.\n\n"
      "rule_cost_bn_yuan is the base objective less the objective with the rule relaxed; absolute_gap_bn_yuan is "
      "the relaxed solve's proven gap.\n")


def test_one_table_headed_in_words_with_units_then_the_notes() -> None:
    blocks = rule_cost_blocks(CSV, MD)
    tables = [b.content for b in blocks if b.kind == "table"]
    assert len(tables) == 1  # each range once
    (table,) = tables
    assert not set(table.header) & set(HEAD[1:-1]), table.header  # no column id ("note" is a word)
    money = [h for h in table.header if "bn yuan" in h]
    assert len(money) == 4 and any("%" in h for h in table.header)
    assert table.header[:3] == ["rule family", "cost, proven range (bn yuan)", "within solver tolerance"]
    assert table.rows[0][:3] == ["redline", "14.71 to 14.72", "no: proven above 0"]
    assert sorted(map(sorted, table.rows)) == sorted(
        sorted(c.strip() for c in line.strip().strip("|").split(" | ")) for line in MD.splitlines()[2:4])
    kinds = [b.kind for b in blocks]
    assert kinds.index("table") < len(kinds) - 2  # the notes after it
    report = markdown(blocks)
    assert report.index("| rule family |") < report.index("Base plan, from which") < report.index(
        "rule_cost_bn_yuan is the base objective")
    # the ids the notes use are tied to the headers
    assert re.search(r"rule_cost_bn_yuan[^.]*point cost", report)
    assert "](rule_costs.md)" not in report
    page = html_page(blocks, "Plan", {})
    assert page.count("<table") == 1 and "<th>objective_relaxed_bn_yuan</th>" not in page
    assert not [h for h in re.findall(r'href="([^"]*)"', page) if h.split("#")[0].endswith(".md")]
    assert markdown(rule_cost_blocks(CSV, MD)) == report  # deterministic


def test_without_the_markdown_the_short_table_stays() -> None:
    blocks = rule_cost_blocks(CSV)
    assert [b.kind for b in blocks].count("table") == 1
