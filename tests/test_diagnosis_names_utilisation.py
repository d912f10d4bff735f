"""A least utilisation that the feedstock cannot feed is named by the diagnosis.

With `constraints.utilisation` on, each product must make at least `min_share` of its usable
capacity at every site and year (models/families/utilisation.py). Where that, with a strict
target, asks for more than the raw material can give, the rules in conflict are the target, the
least utilisation and the supply; the diagnosis used to keep the least utilisation hard and
blame the target alone ("1 rule cannot be met even alone"), though the land had room for it.

The instance is tests/data/small: cells (10 GWh/yr modules, utilisation 1.0) are only sold,
up to a sales cap of 50 GWh in 2024.
"""

from __future__ import annotations

from pathlib import Path

from siting.optimize.explain import Describer, RuleInstance, explain_infeasibility
from siting.optimize.run import solver_settings
from siting.prepare.problem import prepare

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def test_the_least_utilisation_is_a_rule_with_its_setting() -> None:
    prepared = prepare(SMALL, {}, None, (("constraints.utilisation", {"enabled": True, "min_share": {"cells": 0.9}}),))
    describe = Describer(prepared.inputs, {}, names=prepared.names, scenario=prepared.loaded.scenario)
    conflict = describe.conflict(RuleInstance("utilisation", ("cells",)), 0.0)
    assert conflict.sentence.startswith("Cells must make at least 90% of its usable capacity")
    assert conflict.setting == "constraints.utilisation.min_share.cells=0.9"


def _diagnose(*overrides: tuple[str, object]) -> list[tuple[str, str]]:
    prepared = prepare(SMALL, {}, None, (("targets.capacity.cells.2024", 70),
                                         ("targets.capacity.cathode.2024", 30000), *overrides))
    units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
    diagnosis = explain_infeasibility(prepared.inputs, solver_settings(prepared.loaded), units,
                                      names=prepared.names, scenario=prepared.loaded.scenario)
    return [(c.instance.kind, c.setting) for c in diagnosis.conflicts]


def test_a_least_utilisation_the_market_cannot_take_is_named() -> None:
    """Cells can only be sold (nothing in the instance uses them), up to the sales cap of
    50 GWh in 2024: a strict cells target of 70 GWh/yr (with the cathode target met by the LFP
    standing) has a plan, the capacity beyond the cap standing idle, but not with a least
    utilisation of 100 %; the diagnosis names the target and the least utilisation of cells,
    with its setting, not the target alone."""
    assert _diagnose() == []
    found = _diagnose(("constraints.utilisation", {"enabled": True, "min_share": {"cells": 1.0}}))
    assert ("utilisation", "constraints.utilisation.min_share.cells=1") in found, found
    assert ("capacity_target", "targets.capacity.cells.2024=70") in found, found
