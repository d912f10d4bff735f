"""When every alternative kept the optimum's modules by cluster, size and year (scope `sites`),
the robustness section of alternatives.md says that its shares compare sites within a cluster
only: no plan of the set moved capacity between clusters, so a product built in one cluster in
every plan is not shown to be settled there.

Instance as tests/test_alternatives.py `two_sites_in_c1`: s1 and s3 in c1, s2 in c2; all at s1
350 (the optimum), all at s3 353 (keeps c1's modules), all at s2 356 (moves them to c2)."""

from __future__ import annotations

from test_alternatives import two_sites_in_c1
from test_families import SETTINGS as SETTINGS_OF_TESTS

from siting.deliver.explore import alternatives_markdown
from siting.optimize.alternatives import comparison, near_optimal_plans

SAID = ("Every alternative kept the optimum's modules by cluster, size and year (scope `sites`): these shares "
        "compare sites within each cluster only, and say nothing of whether the optimum's split of capacity "
        "between clusters is settled.")


def test_alternatives_that_kept_the_cluster_counts_say_what_the_shares_cannot_show() -> None:
    inputs = two_sites_in_c1()
    plans = near_optimal_plans(inputs, SETTINGS_OF_TESTS, 1, 0.05)
    assert [p.scope for p in plans] == ["", "sites"]
    assert SAID in alternatives_markdown(plans, inputs, 0.05, comparison(plans, inputs), None)


def test_no_such_words_once_an_alternative_moved_capacity_between_clusters() -> None:
    inputs = two_sites_in_c1()
    plans = near_optimal_plans(inputs, SETTINGS_OF_TESTS, 2, 0.05)
    assert [p.scope for p in plans] == ["", "sites", "clusters"]
    assert SAID not in alternatives_markdown(plans, inputs, 0.05, comparison(plans, inputs), None)
