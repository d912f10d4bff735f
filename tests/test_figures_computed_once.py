"""The explanation's figures of a plan (siting/deliver/drivers.py `_product_costs` by year,
`year_costs`), which many of its reasons use, are computed once for each inputs, plan and year
within `figures_computed_once` (siting/deliver/report.py `explanation_blocks`), and each time
outside it; what was computed goes when the block ends, and another plan is computed anew."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from test_binding_rules_families import plan_of
from test_drivers_followups import BN, chained_case
from test_families import Y1

from siting.deliver import drivers
from siting.deliver.drivers import figures_computed_once, output_costs, unit_costs, year_costs


def test_the_figures_are_computed_once_within_the_block_only(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = chained_case()
    plan = plan_of(inputs, 0.5 * BN)
    counts = {"product_costs": 0, "year_costs": 0}

    def counted(name: str, compute: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any) -> Any:
            counts[name] += 1
            return compute(*args)
        return wrapped

    monkeypatch.setattr(drivers, "_computed_product_costs", counted("product_costs", drivers._computed_product_costs))
    monkeypatch.setattr(drivers, "_computed_year_costs", counted("year_costs", drivers._computed_year_costs))
    alone = (output_costs(inputs, plan, Y1), unit_costs(inputs, plan, Y1), year_costs(inputs, plan))
    assert counts == {"product_costs": 2, "year_costs": 1}
    with figures_computed_once():
        for _ in range(3):
            assert (output_costs(inputs, plan, Y1), unit_costs(inputs, plan, Y1), year_costs(inputs, plan)) == alone
        assert counts == {"product_costs": 3, "year_costs": 2}
        other = dataclasses.replace(plan)  # another plan, the same figures: computed for itself
        assert unit_costs(inputs, other, Y1) == alone[1]
        assert counts == {"product_costs": 4, "year_costs": 2}
    assert unit_costs(inputs, plan, Y1) == alone[1]
    assert counts == {"product_costs": 5, "year_costs": 2}
