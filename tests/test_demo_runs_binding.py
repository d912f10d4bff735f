"""A recycling demonstration that makes no more than its least running share
(`constraints.recycling_demo.min_run_share`, row `demo_runs`) is named among the rules the plan
meets with no slack (siting/deliver/drivers.py `binding_rules`), as a site at its least
utilisation is: the row costs the plan what making the demonstration's share costs.

Instance: tests/test_demo_runs.py `case` (one year 2030; exactly one demonstration of exactly
10 units of r; utilisation of r 0.8; making r costs 2 yuan/unit and nothing uses it). With
u = 0.5 the demonstration site makes exactly 0.5 x 0.8 x 10 = 4 units, no more (908 yuan); without
the share it makes nothing, and no such rule is named (900 yuan).
"""

from __future__ import annotations

import pytest
from test_demo_runs import case
from test_families import solve_optimal

from siting.deliver.drivers import binding_rules
from siting.optimize.results import extract_plan

UNITS = {"p": "t", "q": "t", "r": "t"}


def rules(share: float, objective: float) -> list[str]:
    inputs = case(share)
    model, found = solve_optimal(inputs)
    assert found == pytest.approx(objective, rel=1e-9)
    return binding_rules(inputs, extract_plan(model, inputs), UNITS)


def test_a_demonstration_at_its_least_running_share_is_named() -> None:
    found = rules(0.5, 908.0)
    running = [r for r in found if "running share" in r]
    assert len(running) == 1
    site = running[0].split()[1]
    assert site in {"s1", "s2"}
    assert running[0] == (f"site {site} makes R at a demonstration's least running share in 2030 "
                          "(4 t/yr: 50% of its usable 8 t/yr)")


def test_without_a_running_share_none_is_named() -> None:
    assert not [r for r in rules(0.0, 900.0) if "running share" in r]
