"""The overshoot reason "whole modules" is given only when no module of the plan could be left
out without falling short of the goal: the excess over the goal is below the smallest module
size of the group. An excess of one small module or more is not explained by the modules being
whole (the plan chose to build that module), so the reason must not claim it.

Instance (tests/test_families.py's default, solved by HiGHS): p sells at 0.25 bn yuan a unit and
costs 0.01 bn a unit to make; p10 (10 units/yr, 1 bn yuan, 1 ha) and p5 (5 units/yr, 0.9 bn yuan,
1 ha); s1 has 2 ha and s2 1 ha, so 3 modules fit; P targets 25 units.
"""

from __future__ import annotations

import dataclasses

from test_drivers_followups import BN, priced_modules, reasons_of
from test_families import P10, land, make_inputs

from models.inputs import ModelInputs


def two_sizes_case() -> ModelInputs:
    p10, q10 = priced_modules(1 * BN, 2 * BN)
    p5 = dataclasses.replace(P10, module_id="p5", capacity_units_per_yr=5.0, capex_yuan=0.9 * BN)
    return make_inputs(MODULES=(p10, p5, q10),
                       capacity_target_units={("P", 2030): 25.0},
                       capacity_shortfall_penalty_yuan_per_unit={"P": 10 * BN, "Q": 10 * BN, "R": 10 * BN},
                       other_variable_cost_yuan_per_unit={"p": 0.01 * BN}, price_yuan_per_unit={("p", 2030): 0.25 * BN},
                       **land({"s1": 2, "s2": 1}))


def test_an_excess_of_a_whole_small_module_is_not_put_down_to_whole_modules() -> None:
    """Each p10 earns 10 x 0.24 = 2.4 bn for 1 bn, each p5 1.2 for 0.9: the 3 ha take 3 p10, 30
    units, all sold: 3 + 0.3 - 7.5 = -4.2 bn. The 5 units over the goal are one p5's worth: a mix
    of whole modules (2 x p10 + p5) lands on 25 exactly, so whole modules do not explain them;
    sales do."""
    reasons = reasons_of(two_sizes_case(), -4.2 * BN, "P")
    assert not any(r.startswith("whole modules") for r in reasons), reasons
    assert any(r.startswith("sales pay for it") for r in reasons), reasons
