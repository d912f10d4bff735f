"""With two or more alternatives asked for, at most half of them (rounded up) keep the optimum's
module counts by cluster; the others are searched with the counts freed (scope "clusters"), so
the split of capacity between clusters is searched even where the first stage could go on."""

from __future__ import annotations

from test_families import SETTINGS, make_inputs

from models.inputs import ModelInputs
from siting.optimize.alternatives import CLUSTER_NODE_LIMIT, build_pairs_of, near_optimal_plans, sites_first


def three_sites_in_c1() -> ModelInputs:
    """Only p, 30 t/yr, four sites: s1, s3 and s4 in cluster c1, s2 in c2, 100 ha each; land at 0,
    50, 75 and 100 yuan/ha at s1, s3, s4 and s2, whose annuity on the 3 ha of three modules is 3,
    4.5 and 6 yuan at s3, s4 and s2. All at s1 costs 350 (the optimum), all at s3 353, at s4
    354.5, at s2 356; any split at least 400. Within 5 % (367.5): exactly those four plans."""
    sites = ("s1", "s3", "s4", "s2")
    return make_inputs(site_fixed_cost_yuan=50.0, SITES=sites,
                       cluster_of_site={"s1": "c1", "s3": "c1", "s4": "c1", "s2": "c2"},
                       CANDIDATES=tuple((s, p) for s in sites for p in ("p", "q")),
                       site_land_ha={s: 100.0 for s in sites},
                       land_after_redline_ha={(s, p): 100.0 for s in sites for p in ("p", "q")},
                       land_price_yuan_per_ha={"s1": 0.0, "s3": 50.0, "s4": 75.0, "s2": 100.0})


def test_the_first_stage_yields_at_most_half_of_the_alternatives() -> None:
    assert [sites_first(n) for n in (1, 2, 3, 4, 5, 10)] == [1, 1, 2, 2, 3, 5]


def test_the_second_of_two_alternatives_frees_the_counts() -> None:
    """Within c1's three modules the first stage could go on (all at s4, 354.5, after all at s3);
    with two asked for, the second is searched over clusters and puts p in c2 (356)."""
    plans = near_optimal_plans(three_sites_in_c1(), SETTINGS, 2, 0.05)
    assert [(p.label, sorted(build_pairs_of(p.plan)), p.cost_yuan, p.scope) for p in plans] == [
        ("optimum", [("s1", "p")], 350.0, ""), ("alt01", [("s3", "p")], 353.0, "sites"),
        ("alt02", [("s2", "p")], 356.0, "clusters")]
    assert dict(plans[2].report.highs_options)["mip_max_nodes"] == CLUSTER_NODE_LIMIT


def test_one_alternative_keeps_the_counts() -> None:
    """One alternative asked for: the first stage, as before (all at s3)."""
    plans = near_optimal_plans(three_sites_in_c1(), SETTINGS, 1, 0.05)
    assert [(p.label, sorted(build_pairs_of(p.plan)), p.scope) for p in plans] == [
        ("optimum", [("s1", "p")], ""), ("alt01", [("s3", "p")], "sites")]
