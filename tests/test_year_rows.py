"""siting/deliver/drivers.py `year_rows`: a plan table's rows of a year (or all of them), in the
table's order, as tuples of the named columns' values as Python scalars, the values
`itertuples` gives; nothing for an empty table, which may lack the columns."""

from __future__ import annotations

import pandas as pd
import pytest

from siting.deliver.drivers import year_rows


def table() -> pd.DataFrame:
    return pd.DataFrame({"year": [2023, 2024, 2023, 2025], "site": ["s1", "s2", "s3", "s1"],
                         "tonnes": [1.5, 2.0, 0.25, 4.0], "modules": [1, 2, 3, 4]})


def test_the_rows_of_a_year_in_order_as_itertuples_gives_them() -> None:
    frame = table()
    rows = year_rows(frame, 2023, ("site", "tonnes", "modules"))
    assert rows == [("s1", 1.5, 1), ("s3", 0.25, 3)]
    expected = [tuple(r) for r in frame.loc[frame["year"] == 2023, ["site", "tonnes", "modules"]]
                .itertuples(index=False)]
    assert rows == expected
    assert [type(v) for v in rows[0]] == [str, float, int]


def test_every_row_without_a_year() -> None:
    assert year_rows(table(), None, ("year", "tonnes")) == [(2023, 1.5), (2024, 2.0), (2023, 0.25), (2025, 4.0)]


def test_a_year_without_rows_and_an_empty_table_without_the_columns() -> None:
    assert year_rows(table(), 2030, ("site",)) == []
    assert year_rows(pd.DataFrame(), 2023, ("site", "tonnes")) == []


def test_a_missing_column_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        year_rows(table(), 2023, ("price",))
