"""Figures the catalog gives for the steady-state year T + 1 are the steady state's: prices (and
import prices, sales caps) of T + 1 on the price path are used, not T's (siting/prepare/inputs.py
`steady_year`); where the catalog gives none, the model holds T's (`ModelInputs.STEADY_STATE_DATA`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from siting.prepare.problem import prepare

SMALL = Path(__file__).parent / "data" / "small"
LFP_PRICES = "price_yuan_per_unit: {base: {2023: 50000, 2024: 40000}, flat: {2023: 40000, 2024: 40000}}"


def test_a_price_the_catalog_gives_for_the_steady_state_year_is_its_price(tmp_path: Path) -> None:
    """tests/data/small (2023-2024, path base), 3 years after the horizon: LFP sells at 40,000 yuan/t
    in 2024; with no 2025 price the steady state (2025) holds 40,000; with 2025: 10,000 in the path
    it is 10,000. Without years after the horizon no 2025 price enters the model."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    scenario = folder / "scenario.yaml"
    after = (("objective.years_after_horizon", 3),)
    held = prepare(scenario, {}, overrides=after).inputs
    assert held.STEADY_YEAR == 2025
    assert held.price_yuan_per_unit[("lfp", 2024)] == 40000.0
    assert held.price_yuan_per_unit[("lfp", 2025)] == 40000.0

    catalog = folder / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    assert LFP_PRICES in text
    catalog.write_text(text.replace(LFP_PRICES, LFP_PRICES.replace("2024: 40000}, flat", "2024: 40000, 2025: 10000}, "
                                                                   "flat")), encoding="utf-8")
    given = prepare(scenario, {}, overrides=after).inputs
    assert given.price_yuan_per_unit[("lfp", 2025)] == 10000.0
    assert given.price_yuan_per_unit[("lfp", 2024)] == 40000.0
    plain = prepare(scenario, {}).inputs
    assert plain.STEADY_YEAR is None
    assert ("lfp", 2025) not in plain.price_yuan_per_unit
