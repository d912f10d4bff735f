"""Money per unit of a product reads as a planner writes it: per Wh for cells (GWh) and per m2
for separator (million m2), never a nine-digit "yuan/GWh" figure; per t in whole yuan."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("value", "unit", "text"), [
    (350_000_000.0, "GWh", "0.35 yuan/Wh"),
    (277_594_311.0, "GWh", "0.2776 yuan/Wh"),
    (2_100_000.0, "million m2", "2.1 yuan/m2"),
    (677_990.0, "million m2", "0.678 yuan/m2"),
    (61_067.4, "t", "61,067 yuan/t"),
    (None, "t", "n/a yuan/t"),
])
def test_yuan_per_unit(value, unit, text) -> None:
    from siting.config.units import yuan_per_unit

    assert yuan_per_unit(value, unit) == text


def test_the_sales_reason_gives_cells_money_per_wh(monkeypatch) -> None:
    """39.55 GWh of cells sold for 13.84 bn yuan (350 million yuan/GWh) that cost 277,556,313
    yuan/GWh to make: "0.35 yuan/Wh" and "0.2776 yuan/Wh", as the shipped plan's overshoot reason."""
    from types import SimpleNamespace

    import pandas as pd

    from siting.deliver import drivers

    monkeypatch.setattr(drivers, "unit_costs", lambda inputs, plan, year: {"cells": 277_556_313.0})
    plan = SimpleNamespace(trade=pd.DataFrame([{"hub": "yuxi", "product": "cells", "year": 2024, "sales": 39.55,
                                                "revenue_yuan": 39.55 * 3.5e8}]))
    [reason] = drivers._sales_pay_reason(SimpleNamespace(), plan, ("cells",), 2024, "GWh")
    assert "for 13.84 bn yuan (0.35 yuan/Wh), more than the 10.98 bn yuan" in reason
    assert "(0.2776 yuan/Wh: capacity, production and inputs)" in reason
    assert "yuan/GWh" not in reason
