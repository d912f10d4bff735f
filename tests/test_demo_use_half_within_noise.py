"""A demonstration that makes half its usable capacity, as a `min_run_share` of 0.5 asks, is not
said to run below half of it when the solver's figure falls short of the half by noise alone
(within BINDING_SHARE, as siting/optimize/results.py `runs_as_demonstration` judges the same row);
a real shortfall still is."""

from __future__ import annotations

from siting.deliver.report import DemoUse


def test_half_less_solver_noise_is_half() -> None:
    assert not DemoUse("d", 2024, 50000.0, 17499.999, "", usable=35000.0).low
    assert not DemoUse("d", 2024, 50000.0, 17500.0, "", usable=35000.0, steady_capacity=50000.0,
                       steady_produced=17499.999, steady_usable=35000.0).low


def test_a_real_shortfall_is_low() -> None:
    assert DemoUse("d", 2024, 50000.0, 17499.0, "feedstock", usable=35000.0).low
    assert DemoUse("d", 2024, 50000.0, 17500.0, "", usable=35000.0, steady_capacity=50000.0,
                   steady_produced=17490.0, steady_usable=35000.0).low
