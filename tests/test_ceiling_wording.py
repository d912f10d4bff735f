"""The capacity ceiling in words, and notices for capacity targets given in the wrong unit.

The ceiling of a target group is U[g] = max(phi * Tmax[g], Tmax[g] + the group's largest
module) (docs/FORMULATION.md, models/index.py `group_ceilings`); its sentence names the term
that sets it. Hand-made instances are the default two-site instance of tests/test_families.py
(sites s1 in c1 and s2 in c2, 100 ha each, module p10 = 10 t/yr of p on 1 ha, target P = 30
t/yr in 2030) with the changes each test names.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from test_families import SETTINGS, make_inputs, two_years

import siting
from siting.optimize.explain import Describer, RuleInstance, explain_infeasibility
from siting.prepare.checks import holdable_units

UNITS = {"p": "t", "q": "t"}
SCENARIOS = Path(__file__).parent.parent / "scenarios"
SHIPPED = SCENARIOS / "yunnan_2024.yaml"
SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"
#: The words every notice on a target's scale ends its advice with.
SCALE_WORDS = "Targets are in the catalog's unit"


def ceiling_sentence(**overrides: object) -> str:
    inputs = make_inputs(**overrides) if "YEARS" not in overrides else two_years(**overrides)
    return Describer(inputs, UNITS).conflict(RuleInstance("capacity_ceiling", ("P",)), 0.0).sentence


def test_the_factor_term_sets_the_ceiling() -> None:
    """Target 30, phi 2: U = max(2 * 30, 30 + 10) = 60, the factor's term."""
    assert ceiling_sentence(capacity_ceiling_factor=2.0) == (
        "P capacity may not exceed 60 t/yr in 2030 (capacity_ceiling_factor 2 times the target, 30 t/yr)")


def test_the_largest_module_sets_the_ceiling_of_a_small_target() -> None:
    """Target 1, phi 1.5: U = max(1.5, 1 + 10) = 11, the module's term; the factor's 1.5 t/yr
    is not what the sentence may show."""
    assert ceiling_sentence(capacity_ceiling_factor=1.5, capacity_target_units={("P", 2030): 1.0}) == (
        "P capacity may not exceed 11 t/yr in 2030 (the target, 1 t/yr, plus the largest module, 10 t/yr, "
        "which is more than capacity_ceiling_factor 1.5 times the target)")


def test_equal_terms_are_said_as_the_factor() -> None:
    """Target 20, phi 1.5: U = max(30, 20 + 10) = 30, both terms; the factor is named."""
    assert ceiling_sentence(capacity_ceiling_factor=1.5, capacity_target_units={("P", 2030): 20.0}) == (
        "P capacity may not exceed 30 t/yr in 2030 (capacity_ceiling_factor 1.5 times the target, 20 t/yr)")


def test_of_several_target_years_the_largest_is_named() -> None:
    """Targets 5 (2030) and 12 (2031), phi 1.5: Tmax = 12, U = max(18, 12 + 10) = 22."""
    assert ceiling_sentence(YEARS=(2030, 2031), capacity_ceiling_factor=1.5,
                            capacity_target_units={("P", 2030): 5.0, ("P", 2031): 12.0}) == (
        "P capacity may not exceed 22 t/yr in 2031 (the 2031 target, 12 t/yr, plus the largest module, 10 t/yr, "
        "which is more than capacity_ceiling_factor 1.5 times the 2031 target)")


def test_a_group_without_modules_is_held_to_its_target() -> None:
    """Group Q = {q} without a module of q, target 10, phi 0.5: U = max(5, 10 + 0) = 10."""
    inputs = make_inputs(MODULES=make_inputs().MODULES[:1], capacity_ceiling_factor=0.5,
                         capacity_target_units={("Q", 2030): 10.0})
    sentence = Describer(inputs, UNITS).conflict(RuleInstance("capacity_ceiling", ("Q",)), 0.0).sentence
    assert sentence == ("Q capacity may not exceed 10 t/yr in 2030 (the target, 10 t/yr, which is more than "
                        "capacity_ceiling_factor 0.5 times the target)")


def test_the_diagnosis_of_a_target_far_below_the_standing_capacity_names_the_module_term() -> None:
    """40 t/yr of p stand at s1; target 1 in 2030 (a target given in the wrong unit), phi 1.5:
    U = max(1.5, 1 + 10) = 11 < 40, so the ceiling alone cannot hold; the least change raises it
    by 40 - 11 = 29, to 40. It cites the target with the factor, either of which moves it."""
    inputs = make_inputs(existing_capacity_units_per_yr={("s1", "p"): 40.0}, capacity_ceiling_factor=1.5,
                         capacity_target_units={("P", 2030): 1.0})
    diagnosis = explain_infeasibility(inputs, SETTINGS, UNITS)
    assert [(c.sentence, c.setting, c.change) for c in diagnosis.conflicts] == [
        ("P capacity may not exceed 11 t/yr in 2030 (the target, 1 t/yr, plus the largest module, 10 t/yr, which is "
         "more than capacity_ceiling_factor 1.5 times the target)",
         "targets.capacity.P.2030; targets.capacity_ceiling_factor",
         "raise the P capacity ceiling by 29 t/yr, to 40 t/yr")]


# --- capacity targets given in the wrong unit -------------------------------------------------


def scale_notices(path: Path, *overrides: str) -> list[str]:
    return [n for n in siting.load(path, overrides=list(overrides)).prepared.notices if SCALE_WORDS in n]


def test_what_the_sites_could_hold_counts_standing_capacity_and_land_filled_with_modules() -> None:
    """P = {p}: 40 t/yr stand at s1, 5 t/yr committed at s2 in 2030, and each site's 100 ha
    takes 100 modules p10 of 10 t/yr on 1 ha: 40 + 5 + 2 * 100 * 10 = 2045 t/yr. A module on no
    land makes it unbounded."""
    inputs = make_inputs(existing_capacity_units_per_yr={("s1", "p"): 40.0},
                         committed_units_per_yr={("s2", "p", 2030): 5.0})
    assert holdable_units(inputs, ("p",)) == 2045.0
    free = dataclasses.replace(inputs.MODULES[0], land_ha=0.0)
    assert holdable_units(make_inputs(MODULES=(free, inputs.MODULES[1])), ("p",)) == math.inf


def test_a_target_given_in_millions_of_tonnes_is_noticed() -> None:
    """The small scenario's cathode = {lfp}, whose one module is 50,000 t/yr: a target of 0.12
    (120,000 t written in millions) is below 50,000 / 1,000 = 50; times a million it is one
    module or more (times a thousand, 120, it is not)."""
    assert scale_notices(SMALL, "targets.capacity.cathode={2024: 0.12}") == [
        "scenario.yaml: overrides targets.capacity.cathode.2024 | the target, 0.12 t/yr, is less than 1/1,000 of the "
        "smallest module of LFP, 50,000 t/yr: given in millions of t? Targets are in the catalog's unit, t/yr (1 "
        "million t/yr is written 1000000)"]


def test_a_separator_target_given_in_m2_is_noticed() -> None:
    """The shipped scenario's separator unit is million m2: 1.5e9 (1.5 bn m2 written in m2) is
    some 10,000 times what its sites could hold, 118,301 million m2/yr."""
    assert scale_notices(SHIPPED, "targets.capacity.separator={2024: 1.5e9}") == [
        "yunnan_2024.yaml: overrides targets.capacity.separator.2024 | the target, 1,500,000,000 million m2/yr, is "
        "more than 1,000 times all that the sites could hold of Separator, 118,301 million m2/yr (existing, committed, "
        "and their usable land filled with modules): given in m2 rather than million m2? Targets are in the catalog's "
        "unit, million m2/yr"]


def test_a_target_too_large_in_a_unit_without_a_scale_names_the_factor() -> None:
    """The small scenario's sites could hold 129 GWh/yr of cells: 1e9 GWh is more than 1,000
    times that, and only divided by a billion (1 GWh/yr) within it."""
    assert scale_notices(SMALL, "targets.capacity.cells={2024: 1.0e9}") == [
        "scenario.yaml: overrides targets.capacity.cells.2024 | the target, 1,000,000,000 GWh/yr, is more than 1,000 "
        "times all that the sites could hold of Cells, 129 GWh/yr (existing, committed, and their usable land filled "
        "with modules): given in a unit a billion times smaller than GWh? Targets are in the catalog's unit, GWh/yr"]


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("yunnan_*.yaml")))
def test_the_shipped_scenarios_give_no_notice_on_the_scale_of_their_targets(name: str) -> None:
    assert scale_notices(SCENARIOS / name) == []
