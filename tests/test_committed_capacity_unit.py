"""A committed project's capacity given out of range, as no finite number or as no number is
said wrong in the unit of the product its entry names, as a target's or a module's capacity is
(siting/config/load.py `number_unit`): before, "[0] (east_lfp).capacity | must be greater than 0
(got -5); give a value in that range" named no unit, although its product, LFP, is in t/yr. The
example is the product's largest module in the catalog (tests/data/small/catalog.yaml: LFP
50,000 t/yr, cells 10 GWh/yr)."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config import errors
from siting.config.load import load_scenario

PROJECT = ("- id: {id}\n  name: A\n  site: e_city\n  product: {product}\n  capacity: {capacity}\n"
           "  online_year: 2024\n  status: construction\n  source: s\n")


def committed_problems(folder: Path, *projects: dict) -> list[str]:
    """The problems of loading the small scenario with `projects` as its committed projects."""
    (folder / "committed_projects.yaml").write_text("".join(PROJECT.format(**p) for p in projects))
    with pytest.raises(errors.InputError) as caught:
        load_scenario(folder / "scenario.yaml")
    return [p.replace(f"{folder}/", "") for p in caught.value.problems]


def test_a_committed_capacity_is_said_wrong_in_its_products_unit(folder: Path) -> None:
    """Each entry is 8 lines, its capacity on the fifth: lines 5, 13, 21 and 29."""
    assert committed_problems(folder, {"id": "a", "product": "lfp", "capacity": -5},
                              {"id": "b", "product": "cells", "capacity": ".nan"},
                              {"id": "c", "product": "lfp", "capacity": "10 kt"},
                              {"id": "d", "product": "cells", "capacity": 0}) == [
        "committed_projects.yaml:5: [0] (a).capacity | must be greater than 0 (got -5); give a value in that range, "
        "in t/yr",
        "committed_projects.yaml:13: [1] (b).capacity | must be a finite number (got nan); give a finite number, in "
        "GWh/yr, e.g. 10",
        "committed_projects.yaml:21: [2] (c).capacity | must be a number (got '10 kt'); write the number alone, in "
        "t/yr, e.g. 50000",
        "committed_projects.yaml:29: [3] (d).capacity | must be greater than 0 (got 0); give a value in that range, "
        "in GWh/yr"]


def test_a_capacity_of_a_product_the_catalog_lacks_names_no_unit(folder: Path) -> None:
    """Product "lpf" (a typo of lfp) has no unit to give: the range's fix as before, and the
    product's own problem beside it."""
    assert committed_problems(folder, {"id": "a", "product": "lpf", "capacity": -5}) == [
        "committed_projects.yaml:5: [0] (a).capacity | must be greater than 0 (got -5); give a value in that range",
        "committed_projects.yaml:4: [0] (a).product | unknown product (got 'lpf'); did you mean 'lfp'?"]
