"""A shapefile given as a zip of its files (sites.zip, or sites.shp.zip, holding sites.shp, .dbf,
.shx, .prj), which GDAL reads as the shapefile it holds: it is checked as that shapefile is. Its
field names cut to 10 characters are read by the names they are cut from, a .prj in it that holds
no CRS is named as such, and a .cpg in it that names the wrong encoding is named too. Each layer
is one of tests/data/small's, written as a shapefile by geopandas (pyogrio) and zipped."""

from __future__ import annotations

import json
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml

from tests.conftest import edit, run_bad

SET = (".shp", ".dbf", ".shx", ".prj", ".cpg")


def zipped(folder: Path, role: str, name: str, change: Callable[[gpd.GeoDataFrame], object] | None = None,
           encoding: str | None = None, replace: dict[str, bytes] | None = None) -> Path:
    """The `role` layer of `folder` written as a shapefile (after `change(frame)`, its table in
    `encoding`), its files (with those of `replace`, by suffix, in their place) zipped into
    `name`, which the scenario then names; the shapefile's own files are removed."""
    frame = gpd.read_file(folder / f"{role}.geojson")
    if change is not None:
        change(frame)
    work = folder / "set"
    work.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes on the names it cuts
        frame.to_file(work / f"{role}.shp", engine="pyogrio", **({"encoding": encoding} if encoding else {}))
    for suffix, raw in (replace or {}).items():
        (work / f"{role}{suffix}").write_bytes(raw)
    with zipfile.ZipFile(folder / name, "w") as archive:
        for suffix in SET:
            member = work / f"{role}{suffix}"
            if member.exists():
                archive.write(member, member.name)
                member.unlink()
    work.rmdir()
    edit(folder / "scenario.yaml", f"{role}: {{path: {role}.geojson}}", f"{role}: {{path: {name}}}")
    return folder / name


@pytest.mark.parametrize("name", ["sites.zip", "sites.shp.zip"])
def test_a_zipped_shapefile_s_cut_field_names_are_read_as_the_names_they_are_cut_from(folder: Path, name: str):
    """As in sites.shp: usable_area_ha, existing_lfp, land_price_yuan_per_ha and
    power_tariff_yuan_per_kwh become usable_are, existing_l, land_price and power_tari."""
    from siting.config.load import load_scenario
    from siting.prepare.layers import load_layers
    from siting.prepare.problem import load_checked

    as_read = load_layers(load_scenario(folder / "scenario.yaml"))
    zipped(folder, "sites", name)
    _loaded, layers, _notices = load_checked(folder / "scenario.yaml")
    columns = ["id", "usable_area_ha", "existing_lfp", "land_price_yuan_per_ha", "site_tariff_yuan_per_kwh"]
    pd.testing.assert_frame_equal(pd.DataFrame(layers.sites[columns]), pd.DataFrame(as_read.sites[columns]))
    assert layers.existing_columns == {"lfp": "existing_lfp"}
    assert layers.notices == [
        f"{name}: a shapefile keeps 10 characters of a field name; read 'usable_are' as 'usable_area_ha', "
        "'existing_l' as 'existing_lfp', 'land_price' as 'land_price_yuan_per_ha' and 'power_tari' as "
        "'power_tariff_yuan_per_kwh'"]


def test_a_zipped_shapefile_field_that_two_products_cut_to_is_refused(folder: Path, capsys):
    """With a second product li2co3, existing_lfp and existing_li2co3 both cut to existing_l (and
    GDAL names the second existing_1): the problems of sites.shp, not a product 'l' unknown."""
    catalog = yaml.safe_load((folder / "catalog.yaml").read_text())
    li2co3 = json.loads(json.dumps(catalog["products"]["fepo4"]))
    li2co3["modules"][0]["id"] = "li2co3_100kt"
    catalog["products"]["li2co3"] = li2co3
    (folder / "catalog.yaml").write_text(yaml.safe_dump(catalog, sort_keys=False))
    zipped(folder, "sites", "sites.zip", lambda frame: frame.insert(4, "existing_li2co3", 0.0))
    assert run_bad(folder, capsys) == (
        "error: 2 problems in the input:\n"
        "  - sites.zip: field 'existing_l' | a shapefile keeps 10 characters of a field name, and 'existing_l' may be "
        "the cut of 'existing_lfp' or 'existing_li2co3'; save the layer as a GeoPackage, which keeps whole names\n"
        "  - sites.zip: field 'existing_1' | names no catalog product ('1'); a shapefile keeps 10 characters of a "
        "field name, too few to tell the products apart: save the layer as a GeoPackage, which keeps whole names\n")


def test_a_zipped_shapefile_s_unreadable_prj_is_named(folder: Path, capsys):
    zipped(folder, "redline", "redline.zip", replace={".prj": b"garbage"})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.zip: redline layer | its .prj file (redline.prj) holds no CRS that can be read (it starts "
        "'garbage'); replace it with a valid WKT .prj, such as the one QGIS writes when it saves the layer (Export "
        "> Save Features As, with the layer's CRS)\n")


def test_a_zipped_shapefile_without_prj_still_asks_for_one(folder: Path, capsys):
    path = zipped(folder, "redline", "redline.zip")
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if not n.endswith(".prj")}
    with zipfile.ZipFile(path, "w") as archive:
        for n, raw in members.items():
            archive.writestr(n, raw)
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.zip: redline layer | has no CRS; assign one (for GeoJSON, coordinates are WGS84 lon/lat by RFC "
        "7946; for a shapefile add the .prj)\n")


def test_a_zipped_shapefile_whose_cpg_names_the_wrong_encoding_is_refused(folder: Path, capsys):
    """A table written in GBK, the .cpg in the zip saying UTF-8."""
    zipped(folder, "redline", "redline.zip", lambda frame: frame.__setitem__("name", "滇池"), encoding="GBK",
           replace={".cpg": b"UTF-8"})
    assert run_bad(folder, capsys) == (
        "error: 1 problem in the input:\n"
        "  - redline.zip: the redline layer's table (redline.dbf) holds text that is not UTF-8, the encoding "
        "redline.cpg names (byte 0xb5: invalid start byte); write the table's encoding into redline.cpg (such as "
        "GBK), or save the layer with the UTF-8 encoding\n")


def test_a_zipped_shapefile_in_gbk_without_cpg_is_refused_naming_the_field(folder: Path, capsys):
    """No .cpg in the zip and a table in GBK whose language driver names no code page: refused as
    the plain shapefile is, not read as Latin-1."""
    path = zipped(folder, "redline", "redline.zip", lambda frame: frame.__setitem__("name", "滇池"), encoding="GBK")
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if not n.endswith(".cpg")}
    dbf = bytearray(members["redline.dbf"])
    dbf[29] = 0x57  # "ANSI"
    members["redline.dbf"] = bytes(dbf)
    with zipfile.ZipFile(path, "w") as archive:
        for n, raw in members.items():
            archive.writestr(n, raw)
    message = run_bad(folder, capsys)
    assert message.startswith(
        "error: 1 problem in the input:\n"
        "  - redline.zip: field 'name' | the redline layer's table (redline.dbf) holds text that is not UTF-8 (byte "
        "0xb5 in the 1st feature"), message
    assert "there is no redline.cpg" in message
