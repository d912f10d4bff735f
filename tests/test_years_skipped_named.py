"""Scenario `years` that skip a year (`[2022, 2024]`) run every calendar year from the first to
the last; a catalog without prices for a year of the plan is refused, and the message then
names `years` where they are written (the file and line, or `--set years`), with the years
they skip, rather than only the catalog and a span "2022-2024" the user never wrote. A plan
whose catalog lacks its first years gives the other fix, starting the plan later, as one
lacking its last years says to end it sooner. Loads only (tests/data/small, `folder`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import load_scenario
from tests.conftest import edit

SKIPS = ("years [2022, 2024] (scenario.yaml:3) skips 2023, but the plan runs every calendar year from its first to "
         "its last")


def problems(folder: Path, overrides: tuple[tuple[str, object], ...] = ()) -> list[str]:
    with pytest.raises(InputError) as err:
        load_scenario(folder / "scenario.yaml", overrides=overrides)
    return [p.replace(f"{folder}/", "") for p in err.value.problems]


def test_a_skipped_year_without_prices_names_the_years_that_skip_it(folder: Path):
    """The catalog gives 2022 and 2024 only: the plan's 2023, which `years` skips, has no price."""
    catalog = folder / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace("base: {2023:", "base: {2022:"))
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: [2022, 2024]")
    assert problems(folder) == [
        "catalog.yaml:10: products.<product>.price_yuan_per_unit.base | no price on price path 'base' in 2023 for 3 "
        "products: fepo4 (line 10), lfp (line 18), cells (line 31); give each one for every year of the plan "
        f"(2022-2024); {SKIPS}",
        "catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base | no price for resource "
        f"'phosphate_rock' on price path 'base' in 2023; give one for every year of the plan (2022-2024); {SKIPS}"]


def test_years_given_with_set_are_named_as_the_option(folder: Path):
    catalog = folder / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace("base: {2023:", "base: {2022:"))
    found = problems(folder, (("years", [2022, 2024]),))
    assert found[1].endswith("; --set years [2022, 2024] (scenario.yaml) skips 2023, but the plan runs every "
                             "calendar year from its first to its last")


def test_a_plan_starting_before_the_prices_may_start_later(folder: Path):
    """No year skipped: no word of `years` skipping, but the fix of starting the plan in 2023."""
    edit(folder / "scenario.yaml", "years: [2023, 2024]", "years: [2022, 2023, 2024]")
    assert problems(folder)[1] == (
        "catalog.yaml:4: resources.phosphate_rock.import_price_yuan_per_t.base | no price for resource "
        "'phosphate_rock' on price path 'base' in 2022; give one for every year of the plan (2022-2024), or start "
        "the plan in 2023")
