"""The open-site limit counts every member a merged site opens (models/families/agglomeration.py).

Where members are counted (`members_counted`: a build rate per site given), a merged site of the
aggregated model opens its members one by one, `opened[s]` a whole number in 0..n[s]. Its limit
row may be left out only when the cluster cannot open more than n_open[c] sites, members
included; counting each merged site once left the row out where two merged sites of two members
each share a limit of two, and the aggregated model opened four.
"""

from __future__ import annotations

import pytest
from test_families import Y1, built, make_inputs, solve_optimal, val

from models import build_model
from models.inputs import ModelInputs


def merged_pair(limit: int) -> ModelInputs:
    """Merged sites m1 and m2, both in cluster c1, of two members each (n = 2); a member holds one
    p10 module (1 ha; the merged site 2 ha); P targets 40 units (penalty 1000 yuan a unit); at most
    `limit` open sites in c1; at most 5 modules a site and year (so members are counted)."""
    return make_inputs(
        SITES=("m1", "m2"),
        CANDIDATES=(("m1", "p"), ("m2", "p")),
        cluster_of_site={"m1": "c1", "m2": "c1"},
        site_land_ha={"m1": 2.0, "m2": 2.0},
        land_after_redline_ha={("m1", "p"): 2.0, ("m2", "p"): 2.0},
        capacity_target_units={("P", Y1): 40.0},
        site_multiplicity={"m1": 2, "m2": 2},
        member_land_ha={("m1", "p"): 1.0, ("m2", "p"): 1.0},
        max_open_sites_per_cluster={"c1": limit},
        max_modules_per_site_per_yr=5,
    )


def test_merged_members_count_toward_the_open_site_limit() -> None:
    """Limit 2: two members open (one module each, 200 yuan) and 20 units stay short (20000), as
    in the full instance of four one-module sites: 20200, two modules, two members opened.
    Limit 4: the row cannot bind and is left out: four modules, 400."""
    model = build_model(merged_pair(2))
    assert list(model.open_sites_limit) == ["c1"]
    model, objective = solve_optimal(merged_pair(2))
    assert objective == pytest.approx(20200.0, rel=1e-9)
    assert sum(built(model).values()) == 2
    assert sum(round(val(model.opened[s])) for s in model.OPEN) == 2

    assert len(build_model(merged_pair(4)).open_sites_limit) == 0
    model, objective = solve_optimal(merged_pair(4))
    assert objective == pytest.approx(400.0, rel=1e-9)
    assert sum(built(model).values()) == 4
