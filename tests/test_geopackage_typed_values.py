"""plan.gpkg's columns (siting/deliver/geopackage.py `typed_values`, `typed_frame`): made as
arrays, they hold the same values and dtypes as the Series `astype` the export used before."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from siting.deliver.geopackage import typed_frame, typed_values
from siting.deliver.layer import OutputLayer

#: Each kind's column as make_layer leaves it (objects), with and without a null, and the dtype
#: `astype` made of it.
COLUMNS = [
    ("string", ["a", None, "c"], object),
    ("string", ["a", "b", "c"], object),
    ("real", [1.5, None, 3.0], "float64"),
    ("real", [1.5, 2, 3.25], "float64"),
    ("integer", [1, 2, 3], "int64"),
    ("integer", [1, None, 3], "Int64"),
    ("boolean", [True, False, True], "bool"),
    ("boolean", [True, None, False], "boolean"),
]


@pytest.mark.parametrize(("kind", "values", "dtype"), COLUMNS)
def test_typed_values_equal_what_astype_gives(kind: str, values: list, dtype: object) -> None:
    column = pd.Series(values, index=[5, 7, 9], dtype=object)
    made = pd.Series(typed_values(column, kind), index=column.index)
    expected = column.astype(dtype) if dtype != "Int64" and dtype != "boolean" else pd.Series(
        pd.array(values, dtype=dtype), index=column.index)
    assert made.dtype == expected.dtype
    pd.testing.assert_series_equal(made, expected, check_exact=True)


def test_typed_frame_keeps_string_columns_as_objects_and_the_layer_s_index() -> None:
    """A string column made of an array would be pandas' `str` dtype; the frame keeps objects,
    so that GDAL writes a null as NULL, as before."""
    frame = gpd.GeoDataFrame(pd.DataFrame({name: pd.Series(v, dtype=object) for name, (_k, v, _d) in
                                           zip([f"c{i}" for i in range(len(COLUMNS))], COLUMNS, strict=True)},
                                          dtype=object).set_axis([5, 7, 9]),
                             geometry=shapely.points(np.arange(6.0).reshape(3, 2)), crs="EPSG:4326")
    fields = tuple((f"c{i}", kind) for i, (kind, _v, _d) in enumerate(COLUMNS))
    typed = typed_frame(OutputLayer("x", "X", frame, fields, "Point"))
    assert list(typed.index) == [5, 7, 9]
    assert [str(t) for t in typed.dtypes] == ["object", "object", "float64", "float64", "int64", "Int64", "bool",
                                              "boolean", "geometry"]
    assert typed.crs == "EPSG:4326"
    assert typed["c0"].tolist() == ["a", None, "c"]
