"""A numpy array of no dimension (np.array(2000), what some numpy calls return for one number)
given as an override's value, or as a sweep's values, is the number it holds: an override is
applied and recorded as that number, a sweep runs that one value, as np.int64(2000) would be."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import siting
from siting.api import override_pairs, plain_value, sweep_settings

DATA = Path(__file__).parent / "data" / "small"


def test_a_zero_d_array_is_the_number_it_holds() -> None:
    assert plain_value(np.array(2000)) == 2000 and type(plain_value(np.array(2000))) is int
    assert override_pairs({"years": [2023, np.array(2024)]}) == (("years", [2023, 2024]),)
    value = override_pairs([("solver.rel_gap", np.array(0.02))])[0][1]
    assert type(value) is float and value == 0.02


def test_a_zero_d_array_override_loads() -> None:
    problem = siting.load(DATA / "scenario.yaml", overrides={"constraints.redline.buffer_m": np.array(2000)})
    assert problem.overrides == (("constraints.redline.buffer_m", 2000),)
    assert problem.prepared.loaded.scenario.constraints.redline.buffer_m == 2000


def test_a_zero_d_array_is_one_swept_value() -> None:
    assert sweep_settings({"constraints.redline.buffer_m": np.array(500)}) == ["constraints.redline.buffer_m=500"]
