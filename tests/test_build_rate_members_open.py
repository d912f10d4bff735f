"""A merged site whose members open one by one decides at most Rn modules a year per member open
(models/families/build_rate.py `members_open`): its build-rate row is kept wherever its module
bounds allow more than one member may decide, not only above n[s] * Rn."""

from __future__ import annotations

import pytest
from test_families import Y1, built, make_inputs, solve_optimal, val

from models import build_model
from models.inputs import ModelInputs


def merged_site() -> ModelInputs:
    """One year; merged site m1 (cluster c1) of two members, of 3 ha and 1 ha (L = 4 ha, the
    largest member 3 ha); module p10 (10 units/yr, 100 yuan, 1 ha); at most 2 modules a site and
    year (Rn), so members are counted; opening a member costs 15000; P targets 30 units (penalty
    1000 yuan a unit)."""
    return make_inputs(
        SITES=("m1",), CANDIDATES=(("m1", "p"),), cluster_of_site={"m1": "c1"},
        site_land_ha={"m1": 4.0}, land_after_redline_ha={("m1", "p"): 4.0},
        site_multiplicity={"m1": 2}, member_land_ha={("m1", "p"): 3.0},
        max_modules_per_site_per_yr=2, site_fixed_cost_yuan=15000.0,
        capacity_target_units={("P", Y1): 30.0},
    )


def test_one_member_open_decides_at_most_rn_modules() -> None:
    """The bounds allow 4 modules, no more than n[s] * Rn = 4, but one member open may decide only
    2: one member, two modules, 10 units short: 200 + 15000 + 10000 = 25200 (both members, three
    modules: 300 + 30000; nothing: 30000), as in the full instance of its two members. Without the
    row, one member would decide three modules on its 3 ha: 300 + 15000 = 15300.
    Optimum: 25200."""
    model = build_model(merged_site())
    assert list(model.build_rate_modules) == [("m1", Y1)]
    model, objective = solve_optimal(merged_site())
    assert objective == pytest.approx(25200.0, rel=1e-9)
    assert built(model) == {("m1", "p"): 2}
    assert round(val(model.opened["m1"])) == 1
