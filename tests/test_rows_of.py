"""siting/deliver/report.py `rows_of`: a table's rows as `itertuples` gives them, with only the
columns asked for that the table has, so that a wide layer's table is not read whole."""

from __future__ import annotations

import pandas as pd
import pytest

from siting.deliver.report import rows_of


def test_the_named_columns_as_itertuples_gives_them() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "wide_1": [1.0, 2.0], "status": ["built", "kept"], "land_ha": [3.5, 0.0]})
    rows = list(rows_of(frame, ("land_ha", "id", "status")))
    assert [(r.id, r.status, r.land_ha) for r in rows] == [("a", "built", 3.5), ("b", "kept", 0.0)]
    assert [tuple(r) for r in rows] == [tuple(r) for r in frame[["id", "status", "land_ha"]].itertuples(index=False)]


def test_a_column_the_table_lacks_is_no_attribute_of_the_rows() -> None:
    (row,) = rows_of(pd.DataFrame({"id": ["a"]}), ("id", "setback_products"))
    assert getattr(row, "setback_products", "") == ""
    with pytest.raises(AttributeError):
        _ = row.setback_products
