"""Capacity targets in t given in 万 t (10,000 t), as Chinese plans give them: the action plan's
"100万吨正极材料" is 1,000,000 t of cathode, and a target written 100 is a hundredth of one
module. A target below the smallest module of its group whose reading in 万 t (times 10,000)
is at least one module and at most what the sites could hold (siting/prepare/checks.py
`holdable_units`) is noticed as given in 万 t; in another unit, or when that reading is not
plausible, the notice is as before (tests/test_ceiling_wording.py).

The small scenario's cathode = {lfp}: smallest module 50,000 t/yr, its sites hold 1,320,000
t/yr. The shipped scenario's cathode = {lfp, ncm}: smallest module 25,000 t/yr (ncm), its sites
hold some 15 million t/yr.
"""

from __future__ import annotations

from pathlib import Path

import siting

SHIPPED = Path(__file__).parent.parent / "scenarios" / "yunnan_2024.yaml"
SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"
#: The words every notice on a target's scale ends its advice with.
SCALE_WORDS = "Targets are in the catalog's unit"


def scale_notices(path: Path, *overrides: str) -> list[str]:
    return [n for n in siting.load(path, overrides=list(overrides)).prepared.notices if SCALE_WORDS in n]


def test_the_action_plans_cathode_target_in_wan_tonnes_is_noticed() -> None:
    """100 (万 t) is below the smallest module, 25,000 t/yr, but not 1,000 times below it; times
    10,000 it is 1,000,000 t/yr, within what the sites hold."""
    assert scale_notices(SHIPPED, "targets.capacity.cathode={2024: 100}") == [
        "yunnan_2024.yaml: overrides targets.capacity.cathode.2024 | the target, 100 t/yr, is less than the "
        "smallest module of LFP and NCM, 25,000 t/yr: given in 万 t? Targets are in the catalog's unit, t/yr "
        "(100 万 t/yr is written 1,000,000)"]


def test_a_target_far_below_a_module_that_reads_well_in_wan_tonnes_is_said_in_wan() -> None:
    """12 is less than 1/1,000 of the module, 50,000 t/yr; 12 万 t, 120,000 t/yr, lies between one
    module and what the sites hold, so 万 is named rather than millions."""
    assert scale_notices(SMALL, "targets.capacity.cathode={2024: 12}") == [
        "scenario.yaml: overrides targets.capacity.cathode.2024 | the target, 12 t/yr, is less than 1/1,000 of "
        "the smallest module of LFP, 50,000 t/yr: given in 万 t? Targets are in the catalog's unit, t/yr (12 万 "
        "t/yr is written 120,000)"]


def test_a_target_below_one_module_in_wan_tonnes_keeps_the_notice_in_millions() -> None:
    """4 万 t is 40,000 t/yr, less than the one module of 50,000 t/yr: the notice is as before."""
    assert scale_notices(SMALL, "targets.capacity.cathode={2024: 4}") == [
        "scenario.yaml: overrides targets.capacity.cathode.2024 | the target, 4 t/yr, is less than 1/1,000 of the "
        "smallest module of LFP, 50,000 t/yr: given in millions of t? Targets are in the catalog's unit, t/yr (1 "
        "million t/yr is written 1000000)"]


def test_a_target_beyond_the_sites_in_wan_tonnes_is_not_noticed() -> None:
    """200 万 t is 2,000,000 t/yr, more than the sites hold, 1,320,000 t/yr; 200 t/yr is not 1,000
    times below the module either."""
    assert scale_notices(SMALL, "targets.capacity.cathode={2024: 200}") == []


def test_a_target_in_another_unit_is_not_said_in_wan() -> None:
    """The separator's unit is million m2 (module 400, the sites hold 147,506): 0.1 times 10,000
    would be plausible, but 万 is said of tonnes only, and 5 (below the module, not 1,000 times
    below it) is not noticed."""
    assert scale_notices(SHIPPED, "targets.capacity.separator={2024: 0.1}") == [
        "yunnan_2024.yaml: overrides targets.capacity.separator.2024 | the target, 0.1 million m2/yr, is less than "
        "1/1,000 of the smallest module of Separator, 400 million m2/yr: given in millions of million m2? Targets "
        "are in the catalog's unit, million m2/yr (1 million million m2/yr is written 1000000)"]
    assert scale_notices(SHIPPED, "targets.capacity.separator={2024: 5}") == []
