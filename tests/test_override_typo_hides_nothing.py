"""A key misspelt in a file that `extends:` another, or in a variant, is listed with the
scenario's other problems: it does not hide them (a misspelt key in a whole file, or given with
`--set`, hides nothing either), so that one check lists every problem to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
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


def test_a_typo_in_an_extending_file_hides_no_variant_of_its_base(tmp_path: Path):
    """The variants a base defines are checked whichever is run (`load_scenario`), also where the
    extending file misspells a key: the typo no longer hides that the variants' names are known."""
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {SMALL / 'scenario.yaml'}\nname: b\nvariants:\n  wide:\n"
                    "    solver: {rel_gap: 1.5}\n")
    scenario = tmp_path / "v.yaml"
    scenario.write_text("extends: base.yaml\nname: v\nconstraints:\n  redline: {bufer_m: 2500}\n")
    assert problems(scenario) == [f"{scenario}:4: {TYPO}", f"{base}:5: variants.wide.{GAP}"]


def test_compare_lists_the_other_problems_of_a_file_with_a_typo(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]):
    """`compare` loads a file whose key is misspelt as `check` does: its other problems are listed."""
    scenario = tmp_path / "v.yaml"
    scenario.write_text(f"extends: {SMALL / 'scenario.yaml'}\nname: v\nconstraints:\n  redline: {{bufer_m: 2500}}\n"
                        "solver:\n  rel_gap: 1.5\n")
    assert main(["compare", str(scenario), str(SMALL / "scenario.yaml"), "--quiet",
                 "--out", str(tmp_path / "cmp")]) == 2
    assert capsys.readouterr().err.splitlines() == ["error: 2 problems in the input:", f"  - {scenario}:4: {TYPO}",
                                                    f"  - {scenario}:6: {GAP}"]
    assert not (tmp_path / "cmp").exists()
