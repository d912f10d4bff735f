"""pandas values given as overrides beyond a Series or an Index (test_override_array_values.py): a
DataFrame, a table no setting takes, is refused naming the setting, the table's shape and columns
rather than shown as its many-line repr; a Period of one year (pd.period_range(..., freq='Y'), a
Series' index) is that year, a Period of another frequency refused naming it; and a key within a
mapping is one key however many dots it holds, so that a Series under it is the mapping its index
gives where one goes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import siting
from siting.api import override_pairs, plain_value

DATA = Path(__file__).parent / "data" / "small"


def refused(overrides: dict[str, object]) -> list[str]:
    """The problems `override_pairs` raises for `overrides`."""
    with pytest.raises(siting.InputError) as raised:
        override_pairs(overrides)
    return raised.value.problems


def test_a_dataframe_is_refused_naming_the_setting_its_shape_and_columns() -> None:
    """The DataFrame reached the scenario's checks and was shown by its repr, lines and all:
    "must be a number (got       a  b\\n2023  1  3\\n2024  2  4)"."""
    table = pd.DataFrame({"a": [1, 2], "b": [3, 4]}, index=[2023, 2024])
    assert refused({"constraints.redline.buffer_m": table}) == [
        "overrides constraints.redline.buffer_m | must be a setting's value, not a table (got a pandas DataFrame of "
        "2 rows x 2 columns: a, b); give one of its columns (df['a'], a Series) or a dict"]
    # within a mapping, the key it stands under is named; siting.load refuses it before reading the scenario
    with pytest.raises(siting.InputError) as raised:
        siting.load(DATA / "scenario.yaml", overrides={"targets.capacity": {"cells": table[["b"]]}})
    assert raised.value.problems == [
        "overrides targets.capacity.cells | must be a setting's value, not a table (got a pandas DataFrame of 2 rows "
        "x 1 column: b); give one of its columns (df['b'], a Series) or a dict"]
    # one of its columns, as the problem says, is taken
    assert override_pairs({"targets.capacity.cells": table["a"]}) == (("targets.capacity.cells", {2023: 1, 2024: 2}),)


def test_an_annual_period_is_its_year() -> None:
    """A Series on pd.period_range(..., freq='Y') was refused key by key, "targets.capacity.cells.2023
    (as a key) | must be a whole number (got Period('2023', 'Y-DEC'))", and a PeriodIndex for the
    years item by item: an annual Period, of any year end, is its year."""
    years = pd.period_range("2023", periods=2, freq="Y")
    series = pd.Series([7, 9], index=years)
    assert override_pairs({"targets.capacity.cells": series}) == (("targets.capacity.cells", {2023: 7, 2024: 9}),)
    assert override_pairs({"years": years}) == (("years", [2023, 2024]),)
    assert all(type(year) is int for year in override_pairs({"years": years})[0][1])
    assert plain_value(pd.Period("2024", freq="Y-JUN")) == 2024  # the fiscal year ending in June 2024
    problem = siting.load(DATA / "scenario.yaml", overrides={"targets.capacity.cells": series, "years": years})
    assert problem.overrides == (("targets.capacity.cells", {2023: 7, 2024: 9}), ("years", [2023, 2024]))
    assert dict(problem.prepared.loaded.scenario.targets.capacity["cells"]) == {2023: 7, 2024: 9}


def test_a_period_of_another_frequency_is_refused_naming_it() -> None:
    assert refused({"years": pd.period_range("2023-01", periods=2, freq="M")}) == [
        "overrides years[0] | a pandas Period stands for a year only with frequency 'Y' (got Period('2023-01', 'M'), "
        "of frequency 'M'); give years, e.g. 2023, or periods of freq='Y'"]
    quarters = pd.Series([7], index=pd.period_range("2024Q1", periods=1, freq="Q"))
    assert refused({"targets.capacity.cells": quarters}) == [
        "overrides targets.capacity.cells.2024Q1 (as a key) | a pandas Period stands for a year only with frequency "
        "'Y' (got Period('2024Q1', 'Q-DEC'), of frequency 'Q-DEC'); give years, e.g. 2024, or periods of freq='Y'"]


def test_a_key_holding_a_dot_is_one_key() -> None:
    """Setbacks for a product whose id holds a dot (lfp.v2): its path was split at every dot, the
    schema looked up at setbacks_m.lfp.v2 found no mapping, and the Series of its setbacks by
    category became the list of its values, its index lost."""
    inner = pd.Series({"lake": 8000})
    expected = (("constraints.redline.setbacks_m", {"lfp.v2": {"lake": 8000}}),)
    assert override_pairs({"constraints.redline.setbacks_m": {"lfp.v2": inner}}) == expected
    assert override_pairs({"constraints.redline.setbacks_m": pd.Series({"lfp.v2": inner})}) == expected
    # a problem below it names the key whole
    assert refused({"constraints.redline.setbacks_m": {"lfp.v2": pd.DataFrame({"lake": [8000]})}}) == [
        "overrides constraints.redline.setbacks_m.lfp.v2 | must be a setting's value, not a table (got a pandas "
        "DataFrame of 1 row x 1 column: lake); give one of its columns (df['lake'], a Series) or a dict"]
