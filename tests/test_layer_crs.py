"""A layer's CRS that PROJ can only "ballpark" into the working CRS: GCJ-02 and BD-09, the offset
coordinates of Chinese web maps, are refused (PROJ would use them unshifted, about 360 m off near
Kunming); another datum PROJ relates to WGS 84 with no shift is named in a notice; CGCS2000,
which agrees with WGS 84 to about a metre, is not. Messages are matched whole."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest

from siting.prepare.layers import ballpark_notice, web_map_offset
from siting.prepare.problem import load_checked
from tests.conftest import edit, run_bad

# `folder` (a copy of the small scenario), `edit` and `run_bad` are in tests/conftest.py.

#: A CRS as a GIS writes one for AMap coordinates: GCJ-02 on the Krasovsky ellipsoid, which the
#: GCJ-02 formula uses. PROJ knows no transformation from it but "Ballpark geographic offset".
GCJ_WKT = ('GEOGCS["GCJ-02 (Mars coordinates)",DATUM["GCJ_02",SPHEROID["Krasovsky_1940",6378245,298.3]],'
           'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AXIS["Longitude",EAST],AXIS["Latitude",NORTH]]')
BD_WKT = ('GEOGCS["BD-09",DATUM["Baidu_09",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],'
          'UNIT["degree",0.0174532925199433],AXIS["Longitude",EAST],AXIS["Latitude",NORTH]]')


def sites_in(folder: Path, crs: str) -> None:
    """The small scenario's sites, their coordinates kept, labelled with `crs`, as sites.gpkg
    (written again when the scenario reads it already)."""
    sites = gpd.read_file(folder / "sites.geojson")
    sites.set_crs(pyproj.CRS.from_user_input(crs), allow_override=True).to_file(folder / "sites.gpkg")
    if "sites: {path: sites.geojson}" in (folder / "scenario.yaml").read_text():
        edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: sites.gpkg}")


def test_a_sites_layer_in_gcj02_is_refused_with_how_to_convert_it(folder: Path, capsys):
    """Before, PROJ's ballpark transform took GCJ-02 as WGS 84, unshifted, and the run went on."""
    assert pyproj.Transformer.from_crs(pyproj.CRS(GCJ_WKT), "EPSG:32648").description.startswith(
        "Ballpark geographic offset from GCJ-02")
    sites_in(folder, GCJ_WKT)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - sites.gpkg: sites layer | its CRS is GCJ-02 (got 'GCJ-02 (Mars coordinates)'), the offset coordinates of "
        "AMap and Tencent maps, about 360 m from WGS84 near Kunming and up to about 700 m in China, which PROJ cannot "
        "convert (it would take them as WGS84, unshifted); convert the coordinates to WGS84 first, with the inverse "
        "of the public GCJ-02 formula, iterated as geodata/README.md describes in section 1 (CRS handling: GCJ-02 -> "
        "WGS84), and give the layer EPSG:4326\n")


def test_a_red_line_layer_in_bd09_is_refused_through_gcj02(folder: Path, capsys):
    gpd.read_file(folder / "redline.geojson").set_crs(pyproj.CRS(BD_WKT), allow_override=True).to_file(
        folder / "redline.gpkg")
    edit(folder / "scenario.yaml", "redline: {path: redline.geojson}", "redline: {path: redline.gpkg}")
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.gpkg: redline layer | its CRS is BD-09 (got 'BD-09'), the offset coordinates of Baidu maps, about "
        "360 m from WGS84 near Kunming and up to about 700 m in China, which PROJ cannot convert (it would take them "
        "as WGS84, unshifted); convert the coordinates to WGS84 first, to GCJ-02 with the usual BD-09 to GCJ-02 "
        "formula, then from GCJ-02 with the inverse of the public GCJ-02 formula, iterated as geodata/README.md "
        "describes in section 1 (CRS handling: GCJ-02 -> WGS84), and give the layer EPSG:4326\n")


@pytest.mark.parametrize(("crs", "offset"), [
    (GCJ_WKT, "GCJ-02"), (GCJ_WKT.replace("GCJ-02 (Mars coordinates)", "gcj02"), "GCJ-02"),
    (GCJ_WKT.replace("GCJ-02 (Mars coordinates)", "高德 火星坐标"), "GCJ-02"), (BD_WKT, "BD-09"),
    ("EPSG:4326", None), ("EPSG:4490", None), ("EPSG:4610", None), ("EPSG:32648", None),
])
def test_the_web_map_offsets_are_found_by_their_names(crs: str, offset: str | None):
    assert web_map_offset(pyproj.CRS.from_user_input(crs)) == offset


def test_a_layer_in_xian_1980_is_named_in_a_notice_cgcs2000_is_not(folder: Path):
    """Xian 1980 (EPSG:4610): PROJ has no transformation to WGS 84 but a ballpark one, with no shift.
    CGCS2000 (EPSG:4490) has only a ballpark one too, but it is right to about a metre."""
    sites_in(folder, "EPSG:4610")
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert [n for n in layers.notices if "ballpark" in n] == [
        "sites.gpkg: the sites layer's CRS, 'Xian 1980', reaches the working CRS (EPSG:32648) only by a ballpark "
        "transform ('axis order change (2D) + Ballpark geographic offset from Xian 1980 to WGS 84 + UTM zone 48N'), "
        "which takes its datum, 'Xian 1980', as WGS 84 with no shift: the layer lies off by as much as the two "
        "differ, tens to hundreds of metres for a local datum; give the layer in WGS84 (EPSG:4326), or in a CRS PROJ "
        "has a transformation for"]
    sites_in(folder, "EPSG:4490")
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    assert not [n for n in layers.notices if "ballpark" in n]


def test_a_working_crs_on_cgcs2000_takes_wgs84_layers_without_a_notice():
    """CGCS2000 / 3-degree Gauss-Kruger CM 102E, as the official red line comes: WGS 84 layers reach
    it only by a ballpark transform, which is right to about a metre; a Xian 1980 layer is named."""
    working = pyproj.CRS("EPSG:4543")
    assert working.name == "CGCS2000 / 3-degree Gauss-Kruger CM 102E"
    assert ballpark_notice(pyproj.CRS("EPSG:4326"), working, Path("a.geojson"), "sites") is None
    assert ballpark_notice(pyproj.CRS("EPSG:4490"), working, Path("a.geojson"), "sites") is None
    assert ballpark_notice(pyproj.CRS("EPSG:4610"), working, Path("a.geojson"), "sites") is not None
    assert ballpark_notice(pyproj.CRS("EPSG:4326"), pyproj.CRS("EPSG:32648"), Path("a.geojson"), "sites") is None


def test_a_working_crs_whose_best_transformation_needs_a_missing_grid_warns_in_no_raw_python_warning():
    """WGS 84 to EPSG:32148 (NAD83 / Washington North): PROJ's best transformation needs the grid
    us_noaa_WO.tif, which is not installed, and TransformerGroup says so in a UserWarning naming
    pyproj's own file. Before, that warning reached the terminal five times (once per layer) ahead
    of the clean message refusing the working CRS; the notice names missing grids in words."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ballpark_notice(pyproj.CRS("EPSG:4326"), pyproj.CRS("EPSG:32148"), Path("a.geojson"), "sites") is None
