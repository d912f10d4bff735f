"""A categorised style lists only the categories its layer's features have, in a fixed order, in
the .qml files, in plan.gpkg's `layer_styles`, in plan.qgs and in compare.qgs; the sites' pies
only the products some site adds. The colour of a resource or product does not depend on which
others are present. Tested on the XML, without QGIS (tests/test_qgis.py opens the same files in
QGIS where it is installed).

Hand-made layers, in WGS84 around (102.5, 25.0):
- flows of phosphate rock (twice) and copper, among the resources aluminium, copper, lithium clay
  and phosphate rock: copper has the 2nd colour (RESOURCE_PALETTE[1]) and phosphate rock the 7th
  (RESOURCE_PALETTE[6]), their own (RESOURCE_COLOUR_ORDER), whichever of them flow;
- sites excluded_land, built, eligible_unused, built (in that row order), adding LFP (5 t) and
  cells (3 GWh) but no FePO4: the statuses in STATUS_LABELS' order, the pie slices of LFP and
  cells, in the colours of the 1st and 3rd product (PALETTE[0], PALETTE[2]).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapplot import STATUS_MARKS, legend_handles
from siting.deliver.qgisproject import compare_project_text, legend_nodes
from siting.deliver.styles import (
    BUILT,
    CHANGE_COLOURS,
    GREY,
    PALETTE,
    RESOURCE_PALETTE,
    SOURCE_CLASS,
    STATUS_LABELS,
    candidate_cells_style,
    diff_changes,
    diff_style,
    flows_style,
    hex_colour,
    hubs_style,
    only_categories,
    rgba,
    site_areas_style,
    sites_style,
    source_classes,
    sources_style,
)
from tests.conftest import MadeRun

RESOURCES = ["phosphate_rock", "lithium_clay", "copper", "aluminium"]


def parse_text(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE qgis")
    return ET.fromstring(text.split("\n", 1)[1])


def categories(root: ET.Element) -> list[str]:
    """The values of the categories of a style's (or a map layer's) categorised renderer."""
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol"
    return [c.get("value", "") for c in renderer.findall("categories/category")]


def symbol_options(root: ET.Element) -> dict[str, dict[str, str]]:
    """Category value -> the options of its symbol's first layer (colour, style, ...)."""
    renderer = root.find("renderer-v2")
    assert renderer is not None
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    assert len(symbols) == len(renderer.findall("categories/category"))
    found = {}
    for category in renderer.findall("categories/category"):
        options = symbols[category.get("symbol")].find("layer/Option")
        assert options is not None
        found[category.get("value", "")] = {o.get("name", ""): o.get("value", "") for o in options}
    return found


def category_colours(root: ET.Element) -> dict[str, str]:
    """Category value -> the colour of its symbol's first layer (`color` or `line_color`)."""
    return {value: options.get("line_color") or options["color"] for value, options in symbol_options(root).items()}


def points(count: int) -> list[shapely.Geometry]:
    return [shapely.Point(102.5 + 0.01 * i, 25.0) for i in range(count)]


def flows_layer(resources: list[str]) -> OutputLayer:
    lines = [shapely.LineString([(102.5, 25.0 + 0.01 * i), (102.6, 25.0)]) for i in range(len(resources))]
    frame = gpd.GeoDataFrame({"id": [f"f{i}" for i in range(len(resources))], "resource": resources,
                              "km": [10.0] * len(resources), "tonnes_2030": [100.0] * len(resources)},
                             geometry=lines, crs="EPSG:4326")
    kinds = {"id": "string", "resource": "string", "km": "real", "tonnes_2030": "real"}
    return make_layer("flows", "flows", frame, ["id", "resource", "km", "tonnes_2030"], kinds, "LineString")


def sites_layer(statuses: list[str], geometry: str = "Point") -> OutputLayer:
    built = [s == "built" for s in statuses]
    frame = gpd.GeoDataFrame({
        "id": [f"s{i}" for i in range(len(statuses))], "name": [f"Site {i}" for i in range(len(statuses))],
        "kind": ["park"] * len(statuses), "status": statuses,
        "capex_yuan": [1e9 if b else 0.0 for b in built],
        "added_lfp_2030": [5.0 if b else 0.0 for b in built], "added_fepo4_2030": [0.0] * len(statuses),
        "added_cells_2030": [3.0 if b else 0.0 for b in built]},
        geometry=points(len(statuses)) if geometry == "Point" else [p.buffer(0.001) for p in points(len(statuses))],
        crs="EPSG:4326")
    return make_layer("sites", "sites", frame, list(frame.columns.drop("geometry")), None, geometry)


def test_flows_list_only_the_resources_that_flow_in_the_colours_of_every_resource():
    """Copper and phosphate rock flow: two categories, by name, in the colours the sources give
    them among all four resources (aluminium and lithium clay have none here)."""
    root = parse_text(flows_style(flows_layer(["phosphate_rock", "copper", "phosphate_rock"]), RESOURCES))
    assert categories(root) == ["copper", "phosphate_rock"]
    assert category_colours(root) == {"copper": rgba(RESOURCE_PALETTE[1], 220),
                                      "phosphate_rock": rgba(RESOURCE_PALETTE[6], 220)}
    assert [c.get("label") for c in root.iter("category")] == ["Copper", "Phosphate rock"]
    # Only phosphate rock flows: its colour stays the 7th.
    alone = parse_text(flows_style(flows_layer(["phosphate_rock"]), RESOURCES))
    assert category_colours(alone) == {"phosphate_rock": rgba(RESOURCE_PALETTE[6], 220)}
    sources = flows_layer(["aluminium", "phosphate_rock"])  # any layer with a `resource` field
    sources.frame["supply_t_per_yr"] = [1.0, 2.0]
    sources.frame["name"] = ["a", "b"]
    source_root = parse_text(sources_style(OutputLayer("sources", "sources", sources.frame, sources.fields,
                                                       "LineString"), RESOURCES))
    assert categories(source_root) == ["aluminium", "phosphate_rock"]
    assert category_colours(source_root)["phosphate_rock"] == rgba(RESOURCE_PALETTE[6])


def test_no_flows_no_categories():
    """A plan that ships no raw material: the style has no category and no symbol, and the print
    legend no line for it."""
    text = flows_style(flows_layer([]), RESOURCES)
    root = parse_text(text)
    assert categories(root) == []
    assert root.findall("renderer-v2/symbols/symbol") == []
    assert legend_nodes(text, None) == []


def test_sites_list_their_statuses_in_status_order_and_slices_of_the_products_added():
    """Rows excluded_land, built, eligible_unused, built: the categories in STATUS_LABELS' order,
    each with its own symbol (the square of excluded land); the pies slice LFP and cells, not
    FePO4, which no site adds, in the colours of the 1st and 3rd product."""
    text = sites_style(sites_layer(["excluded_land", "built", "eligible_unused", "built"]))
    root = parse_text(text)
    assert categories(root) == ["built", "eligible_unused", "excluded_land"]
    renderer = root.find("renderer-v2")
    assert renderer is not None
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    land = next(c for c in renderer.iter("category") if c.get("value") == "excluded_land")
    assert land.get("label") == STATUS_LABELS["excluded_land"]
    shape = symbols[land.get("symbol")].find("layer/Option/Option[@name='name']")
    assert shape is not None and shape.get("value") == "square"
    assert sorted(symbols) == ["0", "1", "2"]
    slices = [(a.get("label"), a.get("color")) for a in root.iter("attribute")]
    assert slices == [("LFP", hex_colour(PALETTE[0])), ("Cells", hex_colour(PALETTE[2]))]
    assert [n.label for n in legend_nodes(text, None)][1:] == [
        STATUS_LABELS["eligible_unused"], STATUS_LABELS["excluded_land"], "LFP", "Cells"]


def test_site_areas_and_candidate_cells_list_their_statuses_only():
    polygons = sites_layer(["eligible_unused", "built"], "Polygon")
    areas = OutputLayer("site_areas", "areas", polygons.frame, polygons.fields, "Polygon")
    assert categories(parse_text(site_areas_style(areas))) == ["built", "eligible_unused"]
    cells = OutputLayer("candidate_cells", "cells", polygons.frame, polygons.fields, "Polygon")
    root = parse_text(candidate_cells_style(cells))
    assert categories(root) == ["built", "eligible_unused"]
    assert [c.get("label") for c in root.iter("category")] == [
        "Cell built: new capacity", "Cell eligible, not used by this plan"]
    # The built cells filled, the others outlines only, grey as map.png draws them.
    assert {v: (o["style"], o["color"]) for v, o in symbol_options(root).items()} == {
        "built": ("solid", rgba(BUILT, 150)), "eligible_unused": ("no", rgba(GREY, 0))}


def test_hubs_list_the_kinds_present():
    frame = gpd.GeoDataFrame({"id": ["hub_a"], "kind": ["hub"], "node": ["a"], "cluster": ["a"], "name": ["A"]},
                             geometry=points(1), crs="EPSG:4326")
    layer = make_layer("hubs", "hubs", frame, ["id", "kind", "node", "cluster", "name"], None, "Point")
    assert categories(parse_text(hubs_style(layer))) == ["hub"]


def test_map_png_names_the_same_site_statuses():
    """map.png's legend keys the statuses other than built that its sites have, as sites.qml does."""
    statuses = ["excluded_land", "built", "eligible_unused", "built"]
    _handles, labels = legend_handles([], {}, 0.0, set(statuses), None, [], {}, set(), None)
    on_map = [s for s, mark in STATUS_MARKS.items() if mark[3] in labels]
    in_style = categories(parse_text(sites_style(sites_layer(statuses))))
    assert on_map == [s for s in in_style if s != "built"] == ["eligible_unused", "excluded_land"]


# --- the files of a solved plan ---------------------------------------------------------------


@pytest.fixture(scope="module")
def small(small_run: MadeRun) -> Path:
    """The small scenario solved: w_mine, e_city and e_far built, w_lake excluded by the red line;
    only phosphate rock flows (the lithium clay source, prospective and left out, ships nothing).
    Conftest's `small_run`, solved once for the session; read-only."""
    return small_run.out


#: The small plan's categorised layers -> (field, the categories of its style).
SMALL_CATEGORIES = {"sites": ("status", ["built", "excluded_redline"]), "hubs": ("kind", ["hub", "gateway"]),
                    "flows": ("resource", ["phosphate_rock"]),
                    "sources": (SOURCE_CLASS, ["lithium_clay:prospective", "phosphate_rock"]),
                    "redline_zones": ("id", ["buffer"]), "redline": ("category", ["lake"])}


def test_plan_files_list_exactly_the_categories_of_their_features(small: Path):
    """In plan.qgs, in each .qml and in plan.gpkg's layer_styles, the same categories: exactly
    those of the layer's features, in the style's order."""
    qgs = parse_text((small / "plan.qgs").read_text(encoding="utf-8"))
    layers = {node.findtext("datasource", "").split("layername=")[-1]: node for node in qgs.iter("maplayer")}
    with sqlite3.connect(small / "plan.gpkg") as db:
        stored = dict(db.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall())
    for name, (field, expected) in SMALL_CATEGORIES.items():
        qml = (small / f"{name}.qml").read_text(encoding="utf-8")
        features = json.loads((small / f"{name}.geojson").read_text())["features"]
        table = pd.DataFrame([f["properties"] for f in features])
        values = source_classes(table) if field == SOURCE_CLASS else [str(v) for v in table[field]]
        assert sorted(set(values)) == sorted(expected), name
        assert categories(layers[name]) == expected, name
        assert categories(parse_text(qml)) == expected, name
        assert stored[name] == qml, name
    slices = [a.get("label") for a in layers["sites"].iter("attribute")]
    assert slices == ["FePO4", "LFP", "Cells"]


def test_the_print_legend_keys_every_line_of_the_categorised_layers(small: Path):
    """With only present categories, the print legend's node order is every node of those layers."""
    qgs = parse_text((small / "plan.qgs").read_text(encoding="utf-8"))
    tree = qgs.find("Layouts/Layout/LayoutItem[@id='legend']/layer-tree-group")
    assert tree is not None
    orders = {node.get("id"): {o.get("name"): o.get("value") for o in node.iter("Option")}.get("legend/node-order")
              for node in tree.findall("layer-tree-layer")}
    assert (orders["sites_layer"], orders["flows_layer"], orders["sources_layer"]) == ("0,1,2,3,4", "0", "0,1")


# --- the comparison -----------------------------------------------------------------------------

#: A diff.geojson of two compared runs: b has sites added and unchanged, c only a resized one.
DIFF = json.dumps({"type": "FeatureCollection", "name": "diff", "features": [
    {"type": "Feature", "id": f"{site}@{run}", "geometry": {"type": "Point", "coordinates": [102.5, 25.0]},
     "properties": {"id": f"{site}@{run}", "site": site, "scenario": run, "baseline": "small", "change": change}}
    for site, run, change in (("w_mine", "b", "unchanged"), ("e_city", "b", "added"), ("e_far", "b", "unchanged"),
                              ("w_mine", "c", "resized"))]})


def test_diff_style_lists_the_changes_the_runs_have():
    assert diff_changes(DIFF) == {"b": ("added", "unchanged"), "c": ("resized",)}
    root = parse_text(diff_style("Point", {"added", "unchanged", "resized"}))
    assert categories(root) == ["added", "resized", "unchanged"]
    assert category_colours(root) == {c: rgba(CHANGE_COLOURS[c], 230) for c in ("added", "resized", "unchanged")}
    assert categories(parse_text(diff_style("Point"))) == list(CHANGE_COLOURS)
    # Narrowing a written style gives the bytes of the style made narrow.
    for geometry in ("Point", "MultiPolygon"):
        full = diff_style(geometry)
        assert only_categories(full, list(CHANGE_COLOURS)) == full
        assert only_categories(full, ("unchanged", "added")) == diff_style(geometry, ["added", "unchanged"])


def test_compare_project_gives_each_run_s_changes_only_its_categories(small: Path, tmp_path: Path):
    """compare.qgs of the small plan against two runs b and c (copies of it): b's layer of changes
    lists added and unchanged, c's only resized; without `diff_changes`, all four."""
    for sub in ("small", "b", "c"):
        shutil.copytree(small, tmp_path / sub)
    runs = [("small", "small"), ("b", "b"), ("c", "c")]
    text = compare_project_text(tmp_path, runs, "Point", diff_style("Point", ["added", "unchanged", "resized"]),
                                diff_changes(DIFF))
    assert text is not None
    layers = {node.findtext("id"): node for node in parse_text(text).iter("maplayer")}
    assert categories(layers["diff_b_layer"]) == ["added", "unchanged"]
    assert categories(layers["diff_c_layer"]) == ["resized"]
    assert categories(layers["sites_b_layer"]) == ["built", "excluded_redline"]
    plain = compare_project_text(tmp_path, runs, "Point", diff_style("Point"))
    assert plain is not None
    assert categories(next(n for n in parse_text(plain).iter("maplayer") if n.findtext("id") == "diff_c_layer")) == \
        list(CHANGE_COLOURS)
