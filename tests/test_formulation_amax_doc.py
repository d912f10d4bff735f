"""docs/FORMULATION.md and the module docstrings state the big-M `Amax[s,p]` and the host
indicator as the code builds them (`models.index.compute_index`, `models.variables.committed_hosts`)."""

from __future__ import annotations

from pathlib import Path

from test_families import Y1, Y2, make_inputs, two_years, without

import models.variables
from models.index import MAX_MODULES_WITHOUT_LAND

DOC = (Path(__file__).parent.parent / "docs" / "FORMULATION.md").read_text(encoding="utf-8")


def test_the_amax_row_says_what_it_is_without_land() -> None:
    """Without the land rule every module may be decided at its bound in every year:
    Amax = size * MAX_MODULES_WITHOUT_LAND * |YEARS| (10 * 20 * 2 = 400 units/yr), far above the
    land's knapsack, and the row says so."""
    rows = [line for line in DOC.splitlines() if line.startswith("| `Amax[s,p]` |")]
    assert len(rows) == 1
    assert "with `land` off" in rows[0] and "every year" in rows[0]
    inputs = without(two_years(capacity_target_units={}), "land")
    assert inputs.index.max_added_units[("s1", "p")] == 10.0 * MAX_MODULES_WITHOUT_LAND * 2
    assert make_inputs(capacity_target_units={}).index.max_added_units[("s1", "p")] == 10.0 * 100


def test_a_committed_project_of_the_steady_state_year_makes_its_cluster_a_host() -> None:
    """A project first producing in T + 1 fixes h[c,p] = 1, and the variables' docstring says so."""
    inputs = make_inputs(years_after_horizon=2, committed_units_per_yr={("s1", "p", Y1 + 1): 20.0})
    assert Y1 + 1 == Y2 and inputs.STEADY_YEAR == Y2
    assert models.variables.committed_hosts(inputs) == {("c1", "p")}
    doc = " ".join((models.variables.__doc__ or "").split())
    assert "online within the plan's years" not in doc
    assert "the steady-state year T + 1 included" in doc
