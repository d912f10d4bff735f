"""Scenario files: `extends` merge rules, path rebasing, and the shipped variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario

SMALL = Path(__file__).parent / "data" / "small"
SCENARIOS = Path(__file__).parent.parent / "scenarios"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_mappings_merge_lists_and_scalars_replace(tmp_path: Path):
    """The variant sets one key deep inside `constraints.redline` and replaces `years` (a list):
    every other key keeps the base's value."""
    variant = write(tmp_path / "variant.yaml", f"""
extends: {SMALL / 'scenario.yaml'}
name: variant
years: [2024]
targets:
  capacity:
    cathode: {{2024: 50000}}
constraints:
  redline: {{buffer_m: 2500}}
""")
    loaded = load_scenario(variant)
    s = loaded.scenario
    assert s.name == "variant"
    assert s.years == [2024]
    assert s.constraints.redline.buffer_m == 2500
    assert s.constraints.proximity.max_distance_km == {"phosphate_rock": 50}  # from the base
    assert s.targets.capacity == {"cathode": {2024: 50000}, "cells": {2024: 10}}  # mapping merged
    assert s.targets.strict is True


def test_relative_paths_of_the_base_keep_their_meaning(tmp_path: Path):
    """A variant in another folder: the base's relative layer paths are rebased onto it."""
    variant = write(tmp_path / "elsewhere" / "v.yaml", f"extends: {SMALL / 'scenario.yaml'}\nname: v\n")
    loaded = load_scenario(variant)
    assert loaded.resolve(loaded.scenario.layers.sites.path) == (SMALL / "sites.geojson").resolve()
    assert loaded.catalog_path == (SMALL / "catalog.yaml").resolve()


def test_override_of_a_key_the_base_lacks_is_an_error_naming_it(tmp_path: Path):
    variant = write(tmp_path / "v.yaml", f"""
extends: {SMALL / 'scenario.yaml'}
name: v
constraints:
  redline: {{bufer_m: 2500}}
""")
    with pytest.raises(InputError) as err:
        load_scenario(variant)
    assert err.value.problems == [
        f"{variant}:5: constraints.redline.bufer_m | overrides a key the base scenario does not have; did you mean "
        "'buffer_m'?"
    ]


def test_extends_cycle_is_reported(tmp_path: Path):
    a = write(tmp_path / "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(InputError) as err:
        load_scenario(a)
    assert err.value.problems == [f"{tmp_path / 'b.yaml'}:1: extends | scenarios extend each other in a cycle "
                                  "through a.yaml"]


@pytest.mark.parametrize("name", ["yunnan_2024", "yunnan_2024_strict_redline", "yunnan_2024_no_differentiation",
                                  "yunnan_2024_calibration_sep2024"])
def test_shipped_scenarios_validate(name: str):
    loaded = load_scenario(SCENARIOS / f"{name}.yaml")
    assert loaded.scenario.name == name
    assert loaded.scenario.years == [2022, 2023, 2024]


def test_calibration_variants_target_the_same_three_cluster_capacity():
    """The September 2024 figures are province-wide; every calibration variant targets them made
    consistent for the three clusters (docs/DATA.md, section 15: anode 553,000 t less Shuifu's
    100,000 t in Zhaotong)."""
    targets = {name: load_scenario(SCENARIOS / f"yunnan_2024_calibration_{name}.yaml").scenario.targets.capacity
               for name in ("sep2024", "choose", "fixed")}
    for product, tonnes in (("cathode", 610_000), ("anode", 453_000), ("cells", 9)):
        assert {name: by_group[product][2024] for name, by_group in targets.items()} == dict.fromkeys(targets, tonnes)


def test_strict_redline_variant_only_tightens_the_red_line():
    base = load_scenario(SCENARIOS / "yunnan_2024.yaml").scenario
    strict = load_scenario(SCENARIOS / "yunnan_2024_strict_redline.yaml").scenario
    assert strict.constraints.redline.buffer_m == 2000 > base.constraints.redline.buffer_m
    for product, setbacks in base.constraints.redline.setbacks_m.items():
        for category, metres in setbacks.items():
            assert strict.constraints.redline.setbacks_m[product][category] >= metres
    assert strict.targets == base.targets
    assert strict.constraints.differentiation == base.constraints.differentiation
