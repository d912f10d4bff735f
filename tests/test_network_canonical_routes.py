"""Canonical gateway legs (models/network.py `gateway_ties`, `canonical_flows`) on tiny instances solved by
hand: where the gateway stands at a hub, a direct gateway leg of another hub costs exactly that
hub's leg plus the link; after the solve the flow goes by one of the two routes
(`canonical_flows`), so the flows of the plan are unique, at the same optimum.

Instances are `chain` of tests/test_network.py (q made from p, 1 unit of p per unit of q, q worth
10 yuan/unit, transport 1 yuan per t-km with 1 t per unit of p, s1 -> hub c1 5 km, s2 -> hub c2
7 km, the hubs 20 km apart) with the fields each test names. Optima are asserted with rel=1e-9.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_families import Y1, built, land, solve_optimal, val
from test_network import chain

from models import build_model
from models.network import gateway_ties


def imported_q_at_both(**overrides: Any) -> Any:
    """`chain` with q a candidate at s1 and s2 only, 1 ha at each (one q module each), p
    importable at 1 yuan/unit and never made, and an output-value target of 200 yuan (20 units
    of q: both q modules)."""
    base: dict[str, Any] = {
        "CANDIDATES": (("s1", "q"), ("s2", "q")),
        "output_value_target_yuan": {Y1: 200.0},
        "import_price_yuan_per_unit": {("p", Y1): 1.0},
        **land({"s1": 1.0, "s2": 1.0}),
    }
    base.update(overrides)
    return chain(**base)


def test_import_enters_at_the_gateways_hub() -> None:
    """Gateway at hub c1 (0 km), 20 km from c2, as far as the link c1 -> c2: p for s2 costs
    20 + 7 = 27 km imported at c2 or carried G -> c1 -> c2 -> s2, 0 + 20 + 7 = 27 km, a tie. The
    flows import at c1 only: 20 units in at c1, 10 down to s1, 10 linked to c2.
    Optimum: q modules 400 + p bought 20 + transport 10 * 5 + 10 * 27 = 320: 740."""
    model, objective = solve_optimal(imported_q_at_both(hub_gateway_km={"c1": 0.0, "c2": 20.0}))
    assert objective == pytest.approx(740.0, rel=1e-9)
    assert built(model) == {("s1", "q"): 1, ("s2", "q"): 1}
    assert model.gateway_ties == {("import", "c2", "p"): "c1"}
    assert val(model.imports["c2", "p", Y1]) == pytest.approx(0.0, abs=1e-9)
    assert val(model.imports["c1", "p", Y1]) == pytest.approx(20.0, rel=1e-9)
    assert val(model.link["c1", "c2", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert val(model.link["c2", "c1", "p", Y1]) == pytest.approx(0.0, abs=1e-9)


def test_import_enters_at_each_hub_off_the_line() -> None:
    """Gateway 5 km from c1 and 18 km from c2 (off the line c1 - c2: 5 + 20 > 18 and 18 + 20 >
    5): each hub's own leg is the cheaper route and both are kept; each hub imports its 10 units.
    Optimum: 400 + 20 + 10 * (5 + 5) + 10 * (18 + 7) = 770."""
    model, objective = solve_optimal(imported_q_at_both(hub_gateway_km={"c1": 5.0, "c2": 18.0}))
    assert objective == pytest.approx(770.0, rel=1e-9)
    assert val(model.imports["c1", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert val(model.imports["c2", "p", Y1]) == pytest.approx(10.0, rel=1e-9)
    assert val(model.link["c1", "c2", "p", Y1]) == pytest.approx(0.0, abs=1e-9)


def test_sales_leave_from_the_gateways_hub() -> None:
    """p sells at 15 yuan/unit; transport 0.1 yuan per t-km; p may be made at s1 and s2 (1 ha
    each: one p10 module each), q (worth nothing) may be made at s1, so p is linked; no targets.
    Gateway at c1, 20 km from c2: p of s2 sold at c2 (7 + 20 km) or carried c2 -> c1 and sold
    there (7 + 20 + 0 km), a tie; the flows sell at c1 only.
    Each module earns 150 for 100: s1 pays 10 * 0.1 * 5 = 5, s2 10 * 0.1 * 27 = 27.
    Optimum: 200 + 32 - 300 = -68, 20 units sold at c1, 10 of them linked from c2."""
    inputs = chain(CANDIDATES=(("s1", "p"), ("s2", "p"), ("s1", "q")), output_value_target_yuan={},
                   price_yuan_per_unit={("p", Y1): 15.0}, transport_yuan_per_t_km=0.1,
                   hub_gateway_km={"c1": 0.0, "c2": 20.0}, **land({"s1": 1.0, "s2": 1.0}))
    model, objective = solve_optimal(inputs)
    assert objective == pytest.approx(-68.0, rel=1e-9)
    assert built(model) == {("s1", "p"): 1, ("s2", "p"): 1}
    assert ("sale", "c2", "p") in model.gateway_ties
    assert val(model.sales["c2", "p", Y1]) == pytest.approx(0.0, abs=1e-9)
    assert val(model.sales["c1", "p", Y1]) == pytest.approx(20.0, rel=1e-9)
    assert val(model.link["c2", "c1", "p", Y1]) == pytest.approx(10.0, rel=1e-9)


def test_equal_hubs_tie_to_the_first_in_cluster_order() -> None:
    """Both hubs at the gateway and at one place (every km 0): every route costs the same; the
    legs of c2 tie to c1, the first hub of CLUSTERS (rank ties broken by position); a product
    with no link (q, used nowhere) has no tie. Off the line (gateway 5 and 18 km from hubs 20 km
    apart) nothing ties."""
    hubs = {("c1", "p"), ("c2", "p")}
    inputs = imported_q_at_both(hub_gateway_km={"c1": 0.0, "c2": 0.0},
                                hub_hub_km={("c1", "c2"): 0.0, ("c2", "c1"): 0.0})
    ties = gateway_ties(inputs, hubs, hubs | {("c1", "q"), ("c2", "q")}, {"p"})
    assert ties == {("import", "c2", "p"): "c1", ("sale", "c2", "p"): "c1"}
    off_line = imported_q_at_both(hub_gateway_km={"c1": 5.0, "c2": 18.0})
    assert gateway_ties(off_line, hubs, hubs, {"p"}) == {}
    assert build_model(off_line).gateway_ties == {}
