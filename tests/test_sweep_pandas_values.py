"""A sweep's values given as a pandas DataFrame, which Python iterates as its column names, swept
its column names as the values (constraints.redline.buffer_m="buffer"): it is refused naming the
setting, its shape and columns, as an override's DataFrame is (test_override_pandas_values.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import siting
from siting.api import sweep_settings


def test_a_dataframe_of_values_is_refused_not_swept_by_its_column_names() -> None:
    with pytest.raises(siting.InputError) as raised:
        sweep_settings({"constraints.redline.buffer_m": pd.DataFrame({"buffer": [0, 500]})})
    assert raised.value.problems == [
        "settings constraints.redline.buffer_m | must be the values to run, not a table (got a pandas DataFrame of 2 "
        "rows x 1 column: buffer); give one of its columns (df['buffer'], a Series) or a list"]
    table = pd.DataFrame({"buffer": [0, 500]})
    assert sweep_settings({"constraints.redline.buffer_m": table["buffer"]}) == ["constraints.redline.buffer_m=0,500"]
