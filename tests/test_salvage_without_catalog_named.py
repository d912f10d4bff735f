"""What loading could still make of a scenario whose catalog failed is held by the InputError as
`salvage_without_catalog` (a Salvage: the scenario, its catalog None), named for what it holds,
not for the layer files it is used to check; it crosses to another process with the error, as a
sweep's run raises it. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.config.load import Salvage, load_scenario
from tests.conftest import edit


def test_a_scenario_without_its_catalog_is_held_by_a_name_that_says_so(folder: Path):
    edit(folder / "scenario.yaml", "catalog: catalog.yaml", "catalog: nope.yaml")
    with pytest.raises(InputError) as raised:
        load_scenario(folder / "scenario.yaml")
    error = raised.value
    assert error.salvage is None
    held = error.salvage_without_catalog
    assert isinstance(held, Salvage) and held.loaded.catalog is None
    assert held.loaded.scenario.name == "small"
    assert not hasattr(error, "layer_files")
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems
    assert again.salvage_without_catalog is not None and again.salvage_without_catalog.loaded.catalog is None


def test_a_scenario_with_its_catalog_holds_none_without(folder: Path):
    edit(folder / "scenario.yaml", "name: small", "name: small\nbogus_key: 1")
    with pytest.raises(InputError) as raised:
        load_scenario(folder / "scenario.yaml")
    assert raised.value.salvage is not None and raised.value.salvage_without_catalog is None
