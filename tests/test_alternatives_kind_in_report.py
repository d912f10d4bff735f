"""The optimum's report names each alternative's kind, as the terminal does.

An alternative of scope `sites` keeps the optimum's capacity by cluster and only moves it among the
sites of its clusters; one of scope `clusters` may move capacity between clusters. The terminal
says which is which; report.md and report.html listed the alternatives with their costs and the
sites that differ but not their kind, so a reader of the report could not tell an alternative that
keeps the optimum's split among clusters from one that changes it."""

from __future__ import annotations

from typing import Any


def record() -> dict[str, Any]:
    plan = {"plan": "optimum", "cost_yuan": -194.76e9, "over_optimum": 0.0, "over_bound": 0.0173,
            "sites_differing": [], "stopped_by": "gap reached", "scope": ""}
    return {"plan": "optimum", "slack": 0.05, "optimum_cost_yuan": -194.76e9, "optimum_gross_cost_yuan": 806.32e9,
            "optimum_bound_yuan": -198.20e9, "optimum_gap": 0.0176,
            "plans": [plan,
                      {**plan, "plan": "alt01", "cost_yuan": -193.51e9, "over_optimum": 0.0064, "over_bound": 0.0236,
                       "sites_differing": ["s1", "s2"], "scope": "sites"},
                      {**plan, "plan": "alt02", "cost_yuan": -185.08e9, "over_optimum": 0.0497, "over_bound": 0.0662,
                       "sites_differing": ["s3"], "stopped_by": "node limit", "scope": "clusters"}]}


def test_each_alternatives_row_gives_its_kind() -> None:
    from siting.deliver.report import alternatives_blocks, markdown

    text = markdown(alternatives_blocks({"near_optimal": record()}, {"s1": "Site one", "s2": "Site two"}))
    header = next(line for line in text.splitlines() if line.startswith("| alternative |"))
    assert header.endswith("| sites that differ | kind |")
    alt01 = next(line for line in text.splitlines() if line.startswith("| `alt01/` |"))
    alt02 = next(line for line in text.splitlines() if line.startswith("| `alt02/` |"))
    assert alt01.endswith("| sites: keeps this plan's capacity by cluster, moves it among the sites of its cluster |")
    assert alt02.endswith("| clusters: may move capacity between clusters |")
    assert "The kind says what an alternative may change" in text


def test_a_record_without_scopes_has_no_kind_column() -> None:
    """A manifest written before alternatives had scopes: the table as before, no empty column."""
    from siting.deliver.report import alternatives_blocks, markdown

    old = record()
    for plan in old["plans"]:
        plan.pop("scope")
    text = markdown(alternatives_blocks({"near_optimal": old}, {}))
    assert "kind" not in text
    assert next(line for line in text.splitlines() if line.startswith("| `alt01/` |")).endswith("| 2: s1, s2 |")
