"""A demonstration is said to run below half its usable capacity against what it could make
(available after ramp-up, x utilisation), not against its nameplate: a 50,000 t/yr plant at a
utilisation of 0.7 that makes 17,500 t/yr runs at half of its usable 35,000 t/yr, as a
`min_run_share` of 0.5 asks, and is not flagged; 17,000 t/yr is."""

from __future__ import annotations

from siting.deliver.report import DemoUse


def test_half_of_the_usable_capacity_is_not_low() -> None:
    assert not DemoUse("d", 2024, 50000.0, 17500.0, "", usable=35000.0).low
    assert DemoUse("d", 2024, 50000.0, 17000.0, "feedstock", usable=35000.0).low


def test_the_steady_state_is_judged_on_its_own_usable_capacity() -> None:
    use = DemoUse("d", 2024, 50000.0, 17500.0, "", usable=35000.0, steady_capacity=50000.0,
                  steady_produced=0.0, steady_reason="feedstock", steady_usable=35000.0)
    assert use.low
