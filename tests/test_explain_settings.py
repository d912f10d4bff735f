"""The settings an infeasibility diagnosis cites are settings of the scenario schema, with the value
the scenario gives them.

Each conflict of siting/optimize/explain.py names the scenario settings that state its rule
(`Conflict.setting`: `key=value` texts joined by "; ", the key alone without the scenario). Here
every key is walked through the scenario schema's fields (a mapping's keys are any text), and,
with the scenario, through the validated scenario itself, whose value there must equal the value
cited (read as YAML, as `--set` reads it).

The instance is tests/data/small (see tests/test_cli.py): cells take 20 ha a module of 10 GWh/yr;
West has w_mine (100 ha) and w_lake (100 ha, within the 1 km buffer of the lake, so the red line
keeps every product out of it); East has e_city (30 ha, 2 ha of them taken by a committed LFP
plant) and e_far (30 ha). Without the red line the clusters take 5 + 5 + 1 + 1 = 12 modules (120
GWh/yr); with it, 7 (70 GWh/yr). A strict cells target of 80 GWh/yr conflicts with the land of
both clusters and West's red line for cells: four rules.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from test_families import SETTINGS, make_inputs

from siting.config.schema import Scenario
from siting.optimize.explain import KIND_FAMILY, Describer, RuleInstance, explain_infeasibility
from siting.optimize.run import solver_settings
from siting.prepare.problem import Prepared, prepare

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"
MISSING = object()


def _bare(kind: Any) -> Any:
    """The type inside Annotated[...] and X | None."""
    while True:
        if typing.get_origin(kind) is typing.Annotated:
            kind = typing.get_args(kind)[0]
        elif typing.get_origin(kind) in (typing.Union, types.UnionType):
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        else:
            return kind


def in_schema(key: str) -> bool:
    """Whether the dotted `key` names a setting of the scenario schema: each part a field of the
    model it is in, or any key of a mapping."""
    kind: Any = Scenario
    for part in key.split("."):
        kind = _bare(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if part not in kind.model_fields:
                return False
            kind = kind.model_fields[part].annotation
        elif typing.get_origin(kind) is dict:
            kind = typing.get_args(kind)[1]
        else:
            return False
    return True


def in_scenario(scenario: Scenario, key: str) -> Any:
    """The value of the dotted `key` in the validated scenario (MISSING where it has none)."""
    here: Any = scenario
    for part in key.split("."):
        if isinstance(here, BaseModel) and part in type(here).model_fields:
            here = getattr(here, part)
        elif isinstance(here, dict):
            found = [value for name, value in here.items() if str(name) == part]
            if not found:
                return MISSING
            here = found[0]
        else:
            return MISSING
    return here


def cited(setting: str) -> list[tuple[str, str | None]]:
    """(key, value text or None) of each setting a conflict cites."""
    out = []
    for item in setting.split("; "):
        key, sep, value = item.partition("=")
        out.append((key, value if sep else None))
    return out


def assert_cites_the_scenario(setting: str, scenario: Scenario) -> None:
    """Every key of `setting` is one of the schema and of `scenario`, with the value it has there."""
    for key, text in cited(setting):
        assert in_schema(key), f"{key} (in {setting!r}) is no setting of the scenario schema"
        value = in_scenario(scenario, key)
        assert value is not MISSING, f"{key} (in {setting!r}) is not set in the scenario"
        assert text is not None, f"{key} is cited without its value"
        expected = value.model_dump() if isinstance(value, BaseModel) else value
        assert yaml.safe_load(text) == expected, f"{key}: cited {text}, the scenario has {expected!r}"


def small(*overrides: tuple[str, Any]) -> Prepared:
    return prepare(SMALL, {}, None, (("targets.capacity.cells.2024", 80), *overrides))


def diagnose(prepared: Prepared) -> list[str]:
    units = {pid: product.unit for pid, product in prepared.loaded.catalog.products.items()}
    diagnosis = explain_infeasibility(prepared.inputs, solver_settings(prepared.loaded), units,
                                      names=prepared.names, scenario=prepared.loaded.scenario)
    assert diagnosis.irreducible
    return [c.setting for c in diagnosis.conflicts]


def test_a_red_line_without_setbacks_for_the_product_cites_the_buffer() -> None:
    """The small scenario sets buffer_m 1000 and no setbacks: the red line for cells in West is
    `constraints.redline.buffer_m=1000` (not setbacks_m.cells, which the scenario lacks); the
    target is cited with its year, the land by the sites layer's column that gives it."""
    prepared = small()
    settings = diagnose(prepared)
    assert settings == ["targets.capacity.cells.2024=80",
                        "layers.sites.usable_area_field=usable_area_ha",
                        "layers.sites.usable_area_field=usable_area_ha",
                        "constraints.redline.buffer_m=1000"]
    for setting in settings:
        assert_cites_the_scenario(setting, prepared.loaded.scenario)


def test_a_red_line_with_setbacks_and_categories_cites_them_too() -> None:
    """With a 500 m setback of cells from lakes (raised to the 1000 m buffer) and the categories
    named, the same conflict cites the buffer, the cells' setbacks and the categories."""
    prepared = small(("constraints.redline.setbacks_m.cells", {"lake": 500}),
                     ("constraints.redline.categories", ["lake"]))
    settings = diagnose(prepared)
    assert settings[-1] == ("constraints.redline.buffer_m=1000; constraints.redline.setbacks_m.cells={lake: 500}; "
                            "constraints.redline.categories=[lake]")
    for setting in settings:
        assert_cites_the_scenario(setting, prepared.loaded.scenario)


#: One rule of every kind, with the settings that give the small scenario each of them.
EVERY_KIND: dict[str, tuple[Any, ...]] = {
    "capacity_target": ("cells", 2024),
    "capacity_ceiling": ("cells",),
    "output_value_target": (2024,),
    "land": ("west",),
    "redline": ("west", "cells"),
    "proximity": ("west", "phosphate_rock"),
    "source_limit": ("phosphate_rock",),
    "chain_balance": ("fepo4",),
    "product_hosting_limit": ("cells",),
    "lead_share": ("west",),
    "portfolio_difference": ("west", "east"),
    "cluster_value_share": ("west",),
    "min_investment": ("west",),
    "open_sites_limit": ("west",),
    "budget": (2024,),
    "recycling_demo": (),
    "build_rate_modules": ("west", 2023),
    "build_rate_capex": ("east", 2024),
    "utilisation": ("cells",),
}

EVERY_RULE_SET = (
    ("targets.capacity_ceiling_factor", 2.0), ("targets.output_value_yuan", {2024: 5.0e9}),
    ("constraints.chain_balance", {"enabled": True, "min_local_share": {"fepo4": 0.5}}),
    ("constraints.differentiation", {"enabled": True, "max_clusters_per_product": {"cells": 1},
                                     "lead_products": {"west": ["fepo4"]}, "lead_share_min": 0.2,
                                     "min_portfolio_difference": 1, "min_cluster_value_share": 0.1}),
    ("constraints.agglomeration.min_investment_per_site_yuan", 1.0e9),
    ("constraints.agglomeration.max_open_sites_per_cluster", {"west": 1}),
    ("constraints.budget", {"enabled": True, "capex_yuan_per_yr": {2023: 1.0e10, 2024: 2.5e10}}),
    ("constraints.recycling_demo", {"enabled": True, "product": "cells", "min_size": 10, "max_size": 30}),
    ("constraints.build_rate", {"enabled": True, "max_modules_per_site_per_yr": 3,
                                "max_capex_yuan_per_site_per_yr": 5.0e9}),
    ("constraints.utilisation", {"enabled": True, "min_share": {"cells": 0.5}}),
)


def test_every_kind_of_rule_is_covered_here() -> None:
    assert set(EVERY_KIND) == set(KIND_FAMILY)


@pytest.fixture(scope="module")
def every_rule() -> Prepared:
    return prepare(SMALL, {}, None, EVERY_RULE_SET)


@pytest.mark.parametrize("kind", list(EVERY_KIND))
def test_every_kind_of_rule_cites_settings_of_the_scenario_with_their_values(kind: str, every_rule: Prepared) -> None:
    """Each rule's sentence, made on the small scenario with every rule set, cites settings the
    scenario has, each with the value it has there."""
    describe = Describer(every_rule.inputs, {}, names=every_rule.names, scenario=every_rule.loaded.scenario)
    conflict = describe.conflict(RuleInstance(kind, EVERY_KIND[kind]), 0.0)
    assert_cites_the_scenario(conflict.setting, every_rule.loaded.scenario)


def test_without_the_scenario_the_red_line_cites_keys_of_the_schema() -> None:
    """Plain inputs (tests/test_explain.py's red line: s1 inside p's zone, s2 with 1 ha left
    outside it) and no scenario: the red line cites the buffer and the setbacks as keys of the
    schema, without values."""
    inputs = make_inputs(targets_strict=True, REDLINE_EXCLUDED=frozenset({("s1", "p")}),
                         land_after_redline_ha={("s1", "p"): 0.0, ("s1", "q"): 100.0, ("s2", "p"): 1.0,
                                                ("s2", "q"): 100.0})
    diagnosis = explain_infeasibility(inputs, SETTINGS, {"p": "t", "q": "t"})
    redline = [c.setting for c in diagnosis.conflicts if c.instance.kind == "redline"]
    assert redline == ["constraints.redline.buffer_m; constraints.redline.setbacks_m"] * 2
    for conflict in diagnosis.conflicts:
        for key, value in cited(conflict.setting):
            assert in_schema(key), key
            assert value is None
