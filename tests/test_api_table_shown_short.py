"""A value whose repr runs over several lines (a pandas DataFrame, a numpy array), given where the
Python front door takes a scenario or a problem, is shown in the refusal by its kind and shape,
on one line, not as the table's printed lines (siting/api.py `_shown`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import siting
from siting.api import _shown
from siting.config.errors import InputError


def test_a_table_given_as_the_problem_is_named_by_its_kind_and_shape() -> None:
    with pytest.raises(InputError) as refused:
        siting.solve(pd.DataFrame({"c0": [1, 2], "c1": [3, 4]}))
    (problem,) = refused.value.problems
    assert "\n" not in problem
    assert "(got a pandas DataFrame of shape (2, 2));" in problem


@pytest.mark.parametrize(("value", "shown"), [
    (np.zeros((3, 4)), "a numpy ndarray of shape (3, 4)"),
    (pd.Series([1.0, 2.0], name="x"), "a pandas Series of shape (2,)"),
    ([1, 2], "[1, 2]"),  # one line: its repr, as before
    ("scenario.yaml", "'scenario.yaml'"),
])
def test_shown_gives_one_line(value: object, shown: str) -> None:
    assert _shown(value) == shown
