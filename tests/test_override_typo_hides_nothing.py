"""A key misspelt in a file that `extends:` another, or in a variant, is listed with the
scenario's other problems: it does not hide them (a misspelt key in a whole file, or given with
`--set`, hides nothing either), so that one check lists every problem to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario

SMALL = Path(__file__).parent / "data" / "small"
TYPO = ("constraints.redline.bufer_m | overrides a key the base scenario does not have; did you mean "
        "'buffer_m'?")
GAP = "solver.rel_gap | must be less than 1: a share, not a percent (got 1.5); give 0.015 for 1.5 %"


def problems(path: Path, variant: str | None = None) -> list[str]:
    with pytest.raises(InputError) as err:
        load_scenario(path, variant)
    return err.value.problems


def test_a_typo_in_an_extending_file_is_listed_with_its_other_problems(tmp_path: Path):
    scenario = tmp_path / "v.yaml"
    scenario.write_text(f"extends: {SMALL / 'scenario.yaml'}\nname: v\nconstraints:\n  redline: {{bufer_m: 2500}}\n"
                        "solver:\n  rel_gap: 1.5\n")
    assert problems(scenario) == [f"{scenario}:4: {TYPO}", f"{scenario}:6: {GAP}"]


def test_a_typo_in_a_variant_is_listed_with_its_other_problems(tmp_path: Path):
    scenario = tmp_path / "v.yaml"
    scenario.write_text(f"extends: {SMALL / 'scenario.yaml'}\nname: v\nvariants:\n  wide:\n"
                        "    constraints: {redline: {bufer_m: 2500}}\n    solver: {rel_gap: 1.5}\n")
    assert problems(scenario, "wide") == [f"{scenario}:5: variants.wide.{TYPO}",
                                          f"{scenario}:6: variants.wide.{GAP}"]
