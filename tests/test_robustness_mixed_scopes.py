"""When the near-optimal set mixes alternatives that keep the optimum's capacity by cluster
(scope `sites`) with alternatives that may move it between clusters (scope `clusters`, using
more of the slack), the robustness section of alternatives.md says that its shares count both
kinds alike, how much each kind costs over the optimum, that the `clusters` ones show other
splits within the slack, not the cheapest, and which decisions every plan of one kind takes.

Instance as tests/test_alternatives.py `two_sites_in_c1`: s1 and s3 in c1, s2 in c2; all at s1
350 (the optimum), all at s3 353 (keeps c1's modules, scope `sites`), all at s2 356 (moves them
to c2, scope `clusters`)."""

from __future__ import annotations

from test_alternatives import two_sites_in_c1
from test_families import SETTINGS as SETTINGS_OF_TESTS

from siting.deliver.explore import alternatives_markdown
from siting.optimize.alternatives import comparison, near_optimal_plans


def test_shares_of_mixed_scopes_say_they_count_two_kinds_of_plan() -> None:
    inputs = two_sites_in_c1()
    plans = near_optimal_plans(inputs, SETTINGS_OF_TESTS, 2, 0.05)
    assert [p.scope for p in plans] == ["", "sites", "clusters"]
    text = alternatives_markdown(plans, inputs, 0.05, comparison(plans, inputs), None)
    robust = text.split("## Robustness", 1)[1]
    assert ("These shares count two kinds of plan alike: the optimum and its 1 alternative of scope `sites` "
            "(0.86% over the optimum's cost), which keep its capacity by cluster, and 1 alternative of scope "
            "`clusters` (1.71% over), which may move capacity between clusters and use more of the slack: other "
            "splits between clusters that fit within it, not the cheapest of them.") in robust
    # the plans of scope `sites` share no decision; a kind of one plan is not listed
    assert ("Decisions every plan of one kind takes, beyond those every plan takes (a share below 100 % may be "
            "one kind's every time): of the 2 plans that keep the optimum's capacity by cluster, none.") in robust


def test_no_such_words_when_every_alternative_kept_the_cluster_counts() -> None:
    inputs = two_sites_in_c1()
    plans = near_optimal_plans(inputs, SETTINGS_OF_TESTS, 1, 0.05)
    assert [p.scope for p in plans] == ["", "sites"]
    text = alternatives_markdown(plans, inputs, 0.05, comparison(plans, inputs), None)
    assert "two kinds of plan" not in text
