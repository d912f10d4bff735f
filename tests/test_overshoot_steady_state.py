""""Why targets are overshot" names the steady state after the horizon as a driver: with
objective.years_after_horizon N > 0 the steady-state year after the last plan year T counts for
the N years after it, so capacity built by T earns there too. The small scenario with N = 100
builds 40 GWh/yr of cells against a target of 10 (10 with N = 0): the explanation says that this
capacity also earns in the steady state (2025-2124), with what it makes and sells there, figures
of the plan's steady state; with N = 0 no reason names a steady state.
"""

from __future__ import annotations

from pathlib import Path

from siting.config.units import steady_span
from siting.deliver.drivers import overshoot_reasons, units_of
from siting.deliver.report import explanation_blocks, markdown
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import prepare

SCENARIO = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def solved(after: int):
    prepared = prepare(SCENARIO, {}, overrides=(("objective.years_after_horizon", after),))
    return prepared, solve_prepared(prepared, solver_settings(prepared.loaded), {}).plan


def test_cells_overshot_for_the_steady_state_say_so() -> None:
    prepared, plan = solved(100)
    units = units_of(prepared.loaded.catalog, prepared.inputs)
    reasons = {(o.target, o.year): o.reasons for o in overshoot_reasons(prepared.inputs, plan, units)}
    assert steady_span(2024, 100) == "2025-2124"
    assert (
        "the steady state after the horizon: capacity built by 2024 also earns in the steady state after 2024 "
        "(2025-2124, counting for 100 years, discounted: objective.years_after_horizon), where 40 GWh/yr are made, "
        "40 GWh/yr of them sold outside the province for 16.00 bn yuan a year") in reasons[("cells", 2024)]
    text = markdown(explanation_blocks(prepared.loaded, prepared.inputs, plan))
    overshot = text.split("## Why targets are overshot")[1].split("\n## ")[0]
    assert "Cells 2024: goal 10, planned 40, 30 more (GWh/yr). Why:" in overshot
    assert "- the steady state after the horizon: capacity built by 2024 also earns in the steady state after 2024" \
        in overshot


def test_without_years_after_the_horizon_no_steady_state_is_named() -> None:
    prepared, plan = solved(0)
    assert plan.steady_state is None
    text = markdown(explanation_blocks(prepared.loaded, prepared.inputs, plan))
    overshot = text.split("## Why targets are overshot")[1].split("\n## ")[0]
    assert "Cathode 2024" in overshot and "Cells 2024" not in overshot
    assert "steady state" not in overshot
