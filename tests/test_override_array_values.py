"""An override given a numpy array, a pandas Series or Index or a range (np.arange(2023, 2025), a
table's column) is applied and recorded as the list of its items (Problem.overrides, manifest.json),
as the same list typed out is; a set, whose order of iteration changes from one run of Python to
the next, is refused, naming the setting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import siting
from siting.api import override_pairs

DATA = Path(__file__).parent / "data" / "small"


@pytest.mark.parametrize("value", [np.array([2023, 2024]), np.arange(2023, 2025), pd.Series([2023, 2024]),
                                   pd.Index([2023, 2024]), range(2023, 2025)],
                         ids=["array", "arange", "series", "index", "range"])
def test_an_array_like_value_becomes_a_list(value: object) -> None:
    (key, plain), = override_pairs({"years": value})
    assert key == "years" and plain == [2023, 2024] and type(plain) is list
    assert all(type(year) is int for year in plain)
    # where a mapping goes, a Series is the mapping of its index (test_a_series_for_a_figure_by_year_...)
    by_year = {0: 2023, 1: 2024} if isinstance(value, pd.Series) else [2023, 2024]
    assert override_pairs({"targets.capacity": {"cells": value}}) == (("targets.capacity", {"cells": by_year}),)


@pytest.mark.parametrize("value", [{"lake"}, frozenset({"lake"}), [{"lake"}], {"lake": {1}}])
def test_a_set_is_refused_naming_the_setting(value: object) -> None:
    with pytest.raises(siting.InputError) as raised:
        override_pairs({"constraints.redline.categories": value})
    problem, = raised.value.problems
    assert problem.startswith("overrides constraints.redline.categories | must hold a list, not a set")
    assert "give a list, e.g. [" in problem


def test_the_manifest_records_an_array_as_the_list_typed_out(tmp_path: Path) -> None:
    written = []
    for name, value in (("array", np.arange(2023, 2025)), ("series", pd.Series([2023, 2024])), ("plain", [2023, 2024])):
        siting.run(DATA / "scenario.yaml", tmp_path / name, overrides={"years": value})
        manifest = json.loads((tmp_path / name / "manifest.json").read_text(encoding="utf-8"))
        written.append(manifest["overrides"])
    assert written[0] == written[1] == written[2] == [{"setting": "years", "value": [2023, 2024]}]


def test_a_series_for_a_figure_by_year_is_the_mapping_of_its_index(tmp_path: Path) -> None:
    """A pandas Series given where the scenario takes a mapping (a target by year) was made the
    list of its values, its index lost, and refused as "a list": it is the mapping of its index to
    its values, applied and recorded in manifest.json as the same dict typed out is; where a list
    goes (`years`) it is still the list of its values."""
    series = pd.Series([7, 9], index=np.array([2023, 2024]))
    assert override_pairs({"targets.capacity.cells": series}) == (("targets.capacity.cells", {2023: 7, 2024: 9}),)
    assert override_pairs({"targets.capacity": {"cells": series}}) == (
        ("targets.capacity", {"cells": {2023: 7, 2024: 9}}),)
    assert all(type(k) is int and type(v) is int for k, v in override_pairs({"targets.capacity.cells": series})[0][1]
               .items())
    problem = siting.load(DATA / "scenario.yaml", overrides={"targets.capacity.cells": series})
    assert dict(problem.prepared.loaded.scenario.targets.capacity["cells"]) == {2023: 7, 2024: 9}
    written = []  # 2024 alone: no cells module decided within the plan can produce in 2023
    for name, value in (("series", pd.Series([9], index=np.array([2024]))), ("plain", {2024: 9})):
        siting.run(DATA / "scenario.yaml", tmp_path / name, overrides={"targets.capacity.cells": value})
        written.append(json.loads((tmp_path / name / "manifest.json").read_text(encoding="utf-8"))["overrides"])
    assert written[0] == written[1] == [{"setting": "targets.capacity.cells", "value": {"2024": 9}}]


def test_a_series_naming_a_year_twice_is_refused() -> None:
    with pytest.raises(siting.InputError) as raised:
        override_pairs({"targets.capacity.cells": pd.Series([1, 2], index=[2024, 2024])})
    assert raised.value.problems == [
        "overrides targets.capacity.cells | a Series given for a mapping must name each key once in its index (got "
        "2024 twice), since only the last would be kept; give each key once, or pass a dict"]


def test_a_series_of_series_for_a_mapping_of_mappings_is_the_nested_mapping() -> None:
    """Setbacks by product, each by category: a Series of Series is the mapping of mappings, as
    a dict of Series is; the inner Series were made lists of their values, their index lost, and
    refused as "a list" where the dict of the same Series was taken."""
    inner = pd.Series({"lake": 8000})
    expected = (("constraints.redline.setbacks_m", {"lfp": {"lake": 8000}}),)
    assert override_pairs({"constraints.redline.setbacks_m": {"lfp": inner}}) == expected
    assert override_pairs({"constraints.redline.setbacks_m": pd.Series({"lfp": inner})}) == expected
    assert override_pairs([("constraints.redline.setbacks_m", pd.Series({"lfp": inner}))]) == expected
