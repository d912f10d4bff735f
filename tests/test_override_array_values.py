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
    assert override_pairs({"targets.capacity": {"cells": value}}) == (("targets.capacity", {"cells": [2023, 2024]}),)


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
