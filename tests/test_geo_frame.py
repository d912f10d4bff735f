"""`geo_frame` builds the GeoDataFrame geopandas builds from the same data, geometry and CRS,
and `make_layer`, which reads its input's geometry once and reprojects it alone, keeps the
features, kinds and coordinates it had. Geometries are literal, with an explicit CRS; error
messages are matched whole."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point, Polygon, box

from siting.deliver.layer import geo_frame, make_layer

WGS84 = "EPSG:4326"
UTM = "EPSG:32648"
TRIANGLE = Polygon([(0, 0), (1, 0), (1, 1)])

#: (data, geometry): rows as dicts with nulls, empty columns, a DataFrame with its own index
#: and a nullable integer column.
CASES: list[tuple[Any, list[Any]]] = [
    ([{"id": "a", "n": 1}, {"id": "b", "n": 2.5}, {"id": "c", "n": None}], [Point(1, 2), None, TRIANGLE]),
    ({"id": [], "n": []}, []),
    (pd.DataFrame({"id": ["a", "b"], "n": pd.Series([1, None], dtype="Int64")}, index=[5, 9]),
     [Point(0, 0), Point(1, 1)]),
]


@pytest.mark.parametrize("crs", [None, WGS84, UTM, pyproj.CRS.from_user_input(UTM)])
@pytest.mark.parametrize(("data", "geometry"), CASES)
def test_geo_frame_is_the_frame_geopandas_makes(data: Any, geometry: list[Any], crs: Any):
    """Same columns in the same order, dtypes, index, geometry column and CRS; a DataFrame
    given is left as it was."""
    before = data.copy() if isinstance(data, pd.DataFrame) else None
    made = geo_frame(data, geometry, crs)
    expected = gpd.GeoDataFrame(data, geometry=geometry, crs=crs)
    assert_geodataframe_equal(made, expected, check_dtype=True, check_index_type=True, check_column_type=True)
    assert list(made.columns) == list(expected.columns)
    assert made.dtypes.equals(expected.dtypes)
    assert made.active_geometry_name == "geometry" and made.crs == expected.crs
    if before is not None:
        pd.testing.assert_frame_equal(data, before)


def test_geo_frame_refuses_a_geometry_column_and_a_count_that_does_not_match():
    with pytest.raises(ValueError) as raised:
        geo_frame({"id": ["a"], "geometry": [None]}, [Point(0, 0)], WGS84)
    assert str(raised.value) == "geo_frame: the data already has a 'geometry' column"
    with pytest.raises(ValueError) as raised:
        geo_frame({"id": ["a", "b"]}, [Point(0, 0)], WGS84)
    assert str(raised.value) == "geo_frame: 1 geometries for 2 rows"


def test_make_layer_reprojects_drops_empty_and_infers_kinds_before_rounding():
    """A UTM frame: an empty polygon and a missing geometry are dropped before the kinds are
    inferred (their `flag`, the only values of the column, would make it a yes/no field); a
    sliver 1e-3 m high collapses when rounded to 6 decimals and is left out after (its `size`,
    the only value of the column, keeps it an integer field). The square is written where
    `to_crs` puts it."""
    square = box(500000.0, 2700000.0, 501000.0, 2701000.0)
    sliver = Polygon([(500000.0, 2702000.0), (500010.0, 2702000.0), (500005.0, 2702000.001)])
    frame = gpd.GeoDataFrame({"id": ["empty", "missing", "sliver", "square"],
                              "flag": pd.Series([True, True, None, None], dtype=object),
                              "size": pd.Series([None, None, 5, None], dtype=object),
                              "area": [1.0, 2.0, 3.0, 4.0]},
                             geometry=[Polygon(), None, sliver, square], crs=UTM)
    layer = make_layer("zones", "Zones", frame, ["id", "flag", "size", "area"], None, "Polygon")
    assert layer.fields == (("id", "string"), ("flag", "string"), ("size", "integer"), ("area", "real"))
    assert list(layer.frame["id"]) == ["square"]
    assert layer.frame["size"].tolist() == [None] and layer.frame["area"].tolist() == [4.0]
    assert layer.notices == ("zones: left out sliver, whose geometry collapses when coordinates are rounded to 6 "
                             "decimals (about 0.1 m)",)
    expected = shapely.set_precision(gpd.GeoSeries([square], crs=UTM).to_crs(WGS84).iloc[0], 1e-6)
    assert layer.frame.crs == pyproj.CRS.from_user_input(WGS84)
    assert shapely.equals(layer.frame.geometry.iloc[0], expected)
