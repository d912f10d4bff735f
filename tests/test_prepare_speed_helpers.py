"""`to_working_crs`, which transforms the geometries as an array without copying the frame
first, gives what `GeoDataFrame.to_crs` of the densified layer gave."""

from __future__ import annotations

import geopandas as gpd
import pyproj
import pytest
import shapely

from siting.prepare.layers import to_working_crs

UTM48N = pyproj.CRS("EPSG:32648")


def test_to_working_crs_gives_what_to_crs_gives_without_sharing_geometries():
    """A lon/lat layer is densified then projected; one already in the working CRS is given back
    with its own copy of the geometries (changing one frame's leaves the other's)."""
    square = shapely.box(102.0, 24.0, 102.5, 24.5)
    lonlat = gpd.GeoDataFrame({"id": ["a"], "name": ["A"]}, geometry=[square], crs="EPSG:4326")
    expected = gpd.GeoDataFrame(lonlat.drop(columns="geometry"),
                                geometry=shapely.segmentize([square], 0.01), crs="EPSG:4326").to_crs(UTM48N)
    got = to_working_crs(lonlat, UTM48N)
    assert list(got.columns) == ["id", "name", "geometry"] and got.crs == UTM48N
    assert got.geometry.iloc[0].wkb == expected.geometry.iloc[0].wkb
    assert lonlat.geometry.iloc[0].equals_exact(square, 0)  # the input is left as it was
    same = to_working_crs(got, UTM48N)
    assert same.geometry.iloc[0].wkb == got.geometry.iloc[0].wkb
    same.loc[0, "geometry"] = shapely.Point(0, 0)
    assert got.geometry.iloc[0].wkb == expected.geometry.iloc[0].wkb


def test_to_working_crs_refuses_a_frame_without_crs():
    with pytest.raises(ValueError, match="Cannot transform naive geometries"):
        to_working_crs(gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(1, 1)]), UTM48N)
