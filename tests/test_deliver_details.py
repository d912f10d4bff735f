"""Details of the delivered files: an empty layer keeps its geometry type where the format can
hold one, the red-line layer carries the red-line input's own fields, and the label placer
measures a label's boxes exactly as matplotlib does (conflicts.png's legend, now beside its map:
tests/test_diagnosis_folder.py).
The small scenario (tests/data/small): clusters West and East, lake w_lake_zone, LFP and FePO4."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.prepare.problem import Prepared, prepare, redline_settings


@pytest.fixture
def prepared(folder: Path) -> Prepared:
    return prepare(folder / "scenario.yaml", {})


# --- empty layers keep their geometry type --------------------------------------------------------

def test_an_empty_layer_keeps_its_geometry_type_in_plan_gpkg(prepared: Prepared, tmp_path: Path):
    """With the red-line rule off there is no exclusion zone: redline_zones has no feature. GeoJSON
    (RFC 7946) has no member for a collection's geometry type, and OGR takes a layer's type from
    its features alone, so redline_zones.geojson reads as of unknown type; plan.gpkg declares each
    layer's type (gpkg_geometry_columns), so that QGIS and OGR read it there, empty or not. The same
    for each geometry type the output layers declare when they are empty."""
    import dataclasses
    import json
    import sqlite3

    import geopandas as gpd
    import pyogrio

    from siting.deliver.geopackage import write_geopackage
    from siting.deliver.layer import feature_collection_text, make_layer
    from siting.deliver.layers import redline_zones_layer

    off = dataclasses.replace(redline_settings(prepared.loaded), enabled=False)
    zones = redline_zones_layer(prepared.spatial, prepared.inputs.PRODUCTS, off)
    assert (len(zones.frame), zones.geometry_type) == (0, "MultiPolygon")
    empty = [zones] + [make_layer(name, name, gpd.GeoDataFrame({"id": [], "km": []}, geometry=[], crs="EPSG:32648"),
                                  ["id", "km"], {"id": "string", "km": "real"}, kind)
                       for name, kind in (("flows", "LineString"), ("sources", "Point"), ("redline", "Polygon"))]
    for layer in empty:
        assert json.loads(feature_collection_text(layer)) == {"type": "FeatureCollection", "name": layer.name,
                                                              "features": []}
    path = tmp_path / "plan.gpkg"
    write_geopackage(path, empty, {layer.name: "<qgis/>" for layer in empty})
    with sqlite3.connect(path) as db:
        declared = dict(db.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    assert declared == {"redline_zones": "MULTIPOLYGON", "flows": "LINESTRING", "sources": "POINT",
                        "redline": "POLYGON"}
    for layer in empty:
        info = pyogrio.read_info(path, layer=layer.name)
        assert (info["features"], info["geometry_type"]) == (0, layer.geometry_type)
        assert dict(zip(info["fields"], info["dtypes"], strict=True))["km" if layer.name != "redline_zones"
                                                                     else "area_km2"] == "float64"


# --- the red-line input's own columns -------------------------------------------------------------

def test_the_red_line_layer_carries_the_input_s_columns_after_its_own(folder: Path, tmp_path: Path):
    """The small scenario's lake gets three more text columns: `name_zh`, `source` and one named
    `area_km2` like the tool's own field (the area it measures, 3.1 km2 here, not the input's
    "about 3"). redline.geojson and plan.gpkg's red-line layer keep the tool's seven fields first,
    then the input's columns in the input's order, the clashing one as `input_area_km2`."""
    import json

    import pyogrio

    from siting.cli import main

    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["properties"].update({"name_zh": "测试湖", "source": "survey 2023", "area_km2": "about 3"})
    path.write_text(json.dumps(data, ensure_ascii=False))
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    written = json.loads((out / "redline.geojson").read_text())
    (feature,) = written["features"]
    own = ["id", "name", "category", "used", "buffer_m", "min_distance_m", "max_distance_m", "area_km2"]
    assert list(feature["properties"]) == [*own, "name_zh", "source", "input_area_km2"]
    assert {k: feature["properties"][k] for k in ("id", "name_zh", "source", "input_area_km2")} == {
        "id": "lake", "name_zh": "测试湖", "source": "survey 2023", "input_area_km2": "about 3"}
    assert isinstance(feature["properties"]["area_km2"], float)
    info = pyogrio.read_info(out / "plan.gpkg", layer="redline")
    assert list(info["fields"]) == [*own, "name_zh", "source", "input_area_km2"]
    assert pyogrio.read_dataframe(out / "plan.gpkg", layer="redline")["input_area_km2"].tolist() == ["about 3"]


def test_carried_red_line_columns_keep_the_kind_of_their_values(prepared: Prepared, tmp_path: Path):
    """Columns the input gives as numbers or yes/no (`area_km2_sourced`, `is_proxy`) keep that kind
    (real, boolean) in the GeoPackage; a zone the columns do not name gets null there; a column
    null everywhere is text; names GeoPackage keeps for itself (`fid`) get the prefix too."""
    import pandas as pd
    import pyogrio

    from siting.deliver.geopackage import write_geopackage
    from siting.deliver.layers import redline_layer

    carried = pd.DataFrame({"area_km2_sourced": [2.9], "is_proxy": [False], "empty": [None], "fid": ["x"]},
                           index=pd.Index(["lake"], name="id"), dtype=object)
    layer = redline_layer(prepared.spatial, prepared.inputs.PRODUCTS, redline_settings(prepared.loaded), carried)
    assert layer.fields[8:] == (("area_km2_sourced", "real"), ("is_proxy", "boolean"), ("empty", "string"),
                                ("input_fid", "string"))
    assert layer.frame[["area_km2_sourced", "is_proxy", "empty", "input_fid"]].to_dict("records") == [
        {"area_km2_sourced": 2.9, "is_proxy": False, "empty": None, "input_fid": "x"}]
    path = tmp_path / "plan.gpkg"
    write_geopackage(path, [layer], {"redline": "<qgis/>"})
    info = pyogrio.read_info(path, layer="redline")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert (types["area_km2_sourced"], types["is_proxy"], types["input_fid"]) == ("float64", "bool", "object")

    other = redline_layer(prepared.spatial, prepared.inputs.PRODUCTS, redline_settings(prepared.loaded),
                          carried.set_axis(pd.Index(["elsewhere"], name="id")))
    assert other.frame["area_km2_sourced"].tolist() == [None]


# --- label boxes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Kunming", "Anning industrial park\nLFP 200,000 t/yr\nNCM 175,000 t/yr", "g"])
def test_label_boxes_equal_matplotlib_s_own_measure_to_the_last_bit(text: str):
    """`LabelBoxes.at` gives a label's box at every offset and alignment the placer tries from one
    layout of the text; each equals `get_window_extent` there, bit for bit, for one line or three,
    a descender, a bold or a haloed label (siting/deliver/mapplot.py `_label`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from siting.deliver.mapplot import _DIRECTIONS, _STEPS, LabelBoxes, _label

    figure = Figure(figsize=(8, 6), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(0, 1000)
    ax.set_ylim(0, 700)
    renderer = figure.canvas.get_renderer()
    for style in ({"fontsize": 7.5, "linespacing": 1.15, "multialignment": "left"},
                  {"fontsize": 14, "fontweight": "bold"}):
        label = _label(ax, text, (312.25, 401.5), **style)
        boxes = LabelBoxes(label, renderer)
        assert boxes.exact
        tried = [(0.0, 0.0, "center", "center")] + [(dx * step / 3, dy * step / 7, ha, va) for step in _STEPS
                                                    for dx, dy, ha, va in _DIRECTIONS]
        for ox, oy, ha, va in tried:
            label.set_position((ox, oy))
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            expected = label.get_window_extent(renderer).get_points()
            assert (boxes.at((ox, oy), ha, va).get_points() == expected).all(), (ox, oy, ha, va)


def test_the_red_line_layer_carries_the_input_s_numbers_and_yes_no_columns(folder: Path, tmp_path: Path):
    """Given as numbers and yes/no in the input, `area_km2_sourced` (2.9) and `is_proxy` (true)
    reach redline.geojson as a number and a boolean, and plan.gpkg's red-line layer as a real and
    a boolean field; the input's own numeric `area_km2` (3.0) comes as `input_area_km2`, beside
    the tool's measured one."""
    import json

    import pyogrio

    from siting.cli import main

    path = folder / "redline.geojson"
    data = json.loads(path.read_text())
    data["features"][0]["properties"].update({"area_km2_sourced": 2.9, "is_proxy": True, "area_km2": 3.0})
    path.write_text(json.dumps(data))
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    (feature,) = json.loads((out / "redline.geojson").read_text())["features"]
    props = feature["properties"]
    assert list(props)[8:] == ["area_km2_sourced", "is_proxy", "input_area_km2"]
    assert (props["area_km2_sourced"], props["is_proxy"], props["input_area_km2"]) == (2.9, True, 3.0)
    assert props["area_km2"] != 3.0  # the tool's own, measured on the ellipsoid
    frame = pyogrio.read_dataframe(out / "plan.gpkg", layer="redline")
    assert (str(frame["area_km2_sourced"].dtype), str(frame["is_proxy"].dtype)) == ("float64", "bool")
    assert frame[["area_km2_sourced", "is_proxy", "input_area_km2"]].values.tolist() == [[2.9, True, 3.0]]


def test_the_red_line_layer_gives_the_distance_every_product_keeps(folder: Path):
    """A 1,000 m buffer, and lake setbacks of 2,000 m for FePO4 and LFP and 3,000 m for cells:
    every product keeps 2,000 m from the lake, cells 3,000 m. The red-line layer says so
    (`min_distance_m` 2,000, `max_distance_m` 3,000), and so do its legend and the web map's
    popup, rather than the buffer every setback reaches past (siting/deliver/styles.py
    `exclusion_reach`)."""
    import xml.etree.ElementTree as ET

    from siting.deliver.layers import redline_layer
    from siting.deliver.styles import redline_style
    from siting.deliver.webmap import redline_features
    from tests.conftest import edit

    edit(folder / "scenario.yaml", "redline: {buffer_m: 1000}",
         "redline: {buffer_m: 1000, setbacks_m: {fepo4: {lake: 2000}, lfp: {lake: 2000}, cells: {lake: 3000}}}")
    prepared = prepare(folder / "scenario.yaml", {})
    assert prepared.inputs.PRODUCTS == ("fepo4", "lfp", "cells")
    layer = redline_layer(prepared.spatial, prepared.inputs.PRODUCTS, redline_settings(prepared.loaded))
    assert layer.frame[["category", "buffer_m", "min_distance_m", "max_distance_m"]].values.tolist() == [
        ["lake", 1000.0, 2000.0, 3000.0]]
    root = ET.fromstring(redline_style(layer).split("\n", 1)[1])
    assert [c.get("label") for c in root.findall("renderer-v2/categories/category")] == [
        "lake (excluded within 2,000 m, up to 3,000 m for some products)"]
    (feature,) = redline_features(layer)
    assert "<tr><th>sites excluded</th><td>within 2,000 m, up to 3,000 m for some products</td></tr>" in (
        feature["properties"]["popup"])
