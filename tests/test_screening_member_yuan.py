"""The screening ranks a merged site's members by what the plan's use of it would cost at each, in
yuan (`member_yuan`): the raw material a product needs weighs in by its tonnes per unit, so a
member nearer the source wins over one nearer the hub where the material is the heavier load.
The instance is tests/test_screening.py's (`cells`)."""

from __future__ import annotations

import pytest
from test_screening import K, cells

from siting.optimize.screening import member_costs, member_yuan

GROUP = ("a1", "a2", "a5")


def test_member_yuan_by_hand() -> None:
    """10 units/yr of p, whose modules take at most 0.1 ha a unit (p10: 1 ha for 10), land annuity
    CRF(0, 50) = 0.02, 2 kWh a unit, 1 t shipped to the hub a unit at 1 K yuan/t/km:
    a1 (10 K yuan/ha, 0.50 K yuan/kWh, 4 km): 10 x (0.1 x 0.02 x 10 K + 2 x 0.5 K + 4 K) = 50.2 K;
    a2 (12, 0.45, 6): 10 x (0.024 K + 0.9 K + 6 K) = 69.24 K; a5 (15, 0.40, 8): 88.3 K."""
    yuan = member_yuan(cells(), GROUP, {"p": 10.0}, {})
    assert yuan == pytest.approx({"a1": 50.2 * K, "a2": 69.24 * K, "a5": 88.3 * K}, rel=1e-12)


def test_the_heavier_raw_material_orders_the_members() -> None:
    """p needs 2 t of rock a unit. a1 lies 4 km from the hub and 10 km from the rock, a2 6 km and
    5 km: per unit a1 hauls 1 x 4 + 2 x 10 = 24 t km, a2 1 x 6 + 2 x 5 = 16 t km, so a2 ranks
    first although its land, tariff and hub distance rank it behind a1."""
    inputs = cells(resource_t_per_unit={("p", "rock"): 2.0})
    nearest = {("a1", "rock"): ("k", 10.0), ("a2", "rock"): ("k", 5.0)}
    yuan = member_yuan(inputs, ("a1", "a2"), {"p": 10.0}, nearest)
    assert yuan["a1"] - yuan["a2"] == pytest.approx(10 * (0.1 * 0.02 * (10 - 12) + 2 * (0.5 - 0.45)
                                                          + (24 - 16)) * K, rel=1e-12)
    rank = member_costs(inputs, ("a1", "a2"), nearest, {"p": 10.0})
    assert sorted(rank, key=rank.__getitem__) == ["a2", "a1"]
    # the unit-free rank alone (land price, tariff, hub km; rock is no resource of the instance's
    # own list, so its km are not among the figures) puts a1 first: 0 + 1 + 0 against 1 + 0 + 1
    assert (rank["a1"][1], rank["a2"][1]) == (1.0, 2.0)
