"""The optimum's report does not let a set of alternatives that all keep its split among the
clusters read as proof that the split is settled.

Alternatives of kind sites keep the optimum's modules by cluster by construction. When every one
found is of that kind (the search over clusters found nothing new within its node limit, or was
not reached), report.md's only words on the split were "so this plan's split among the clusters
stands", and a run with alternatives drops the near-ties caveat that plans within the gap may put
products in other clusters (the section on the alternatives is to say it): on the shipped
scenario with `--alternatives 4 --slack 0.001` both alternatives found were of kind sites and the
report said nothing of the split, where another seed's plan within the gap moves electrolyte,
recycling and anode between clusters (docs/SCENARIOS.md, "Shipped scenarios"). The section now says that
these alternatives do not test the split; a set with an alternative of kind clusters does not.
"""

from __future__ import annotations

from test_alternatives_kind_in_report import record

from siting.deliver.report import alternatives_blocks, markdown

UNTESTED = ("Every alternative found is of kind sites: none tests this plan's split of capacity among the "
            "clusters, so this set does not show that split settled; other plans of nearly the same cost may put "
            "products in other clusters.")


def test_only_alternatives_of_kind_sites_say_the_split_among_clusters_is_untested() -> None:
    sites_only = record()
    sites_only["plans"] = sites_only["plans"][:2]
    text = markdown(alternatives_blocks({"near_optimal": sites_only}, {}))
    assert " ".join(text.split()).count(UNTESTED) == 1


def test_a_set_with_an_alternative_of_kind_clusters_says_nothing_of_the_sort() -> None:
    text = markdown(alternatives_blocks({"near_optimal": record()}, {}))
    assert "none tests this plan's split" not in text
