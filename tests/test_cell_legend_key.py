"""The candidate cells the plan does not build on are drawn alike in plan.qgs and map.png, and
their legend key shows.

Before, plan.qgs drew the eligible cells' outlines amber where map.png draws them grey (an amber
grid, which readers with deuteranopia see 3.1 by CIEDE2000 from the separator's yellow flows:
tests/test_map_symbol_shapes.py), and keyed them in its legend by the map's own 0.1 mm outline at
an opacity of 70/255, which hardly showed. Now both draw them grey, and plan.qgs's legend (the
print layout's and the layer panel's) keys them by the same grey outline, opaque and 0.4 mm wide
(a legend node's custom symbol, `legend/custom-symbol-N`), as map.png's legend does."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
from matplotlib.patches import Patch
from shapely.geometry import box

from siting.deliver import mapplot, styles
from siting.deliver.layer import OutputLayer
from siting.deliver.qgisproject import ProjectLayer, project_document

#: The least width (mm) of a legend key's outline that shows at a legend's size.
KEY_MM = 0.4


def cells() -> OutputLayer:
    frame = gpd.GeoDataFrame({"id": ["c1", "c2", "c3"], "status": ["built", "eligible_unused", "excluded_land"]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)], crs="EPSG:4326")
    return OutputLayer("candidate_cells", "Candidate cells", frame, {"id": "string", "status": "string"}, "Polygon")


def options(node: ET.Element) -> dict[str, str]:
    return {o.get("name", ""): o.get("value", "") for o in node.iter("Option") if o.get("name")}


def test_plan_qgs_draws_the_cells_not_built_grey_as_map_png_does():
    root = ET.fromstring(styles.candidate_cells_style(cells()).split("\n", 1)[1])
    symbols = {s.get("name"): options(s) for s in root.iter("symbol")}
    names = {c.get("value"): c.get("symbol") for c in root.iter("category")}
    map_png = tuple(round(c * 255) for c in mapplot._rgb(styles.GREY, styles.CELL_OUTLINE_ALPHA / 255))
    for status in ("eligible_unused", "excluded_land"):
        assert tuple(int(c) for c in symbols[names[status]]["outline_color"].split(",")) == map_png


def test_plan_qgs_keys_the_cells_not_built_by_a_visible_outline():
    layer = ProjectLayer("candidate_cells_layer", "Candidate cells", "./plan.gpkg|layername=candidate_cells",
                         "Polygon", styles.candidate_cells_style(cells()), cells().frame)
    root = ET.fromstring(project_document([layer], "t", "EPSG:32648", (0, 0, 1e5, 1e5), "t", "c").split("\n", 1)[1])
    # The layer panel's node and the print legend's each key both categories not built.
    nodes = [n for n in root.iter("layer-tree-layer") if n.get("id") == "candidate_cells_layer"]
    assert len(nodes) == 2
    for node in nodes:
        props = {o.get("name"): o.get("value") for o in node.iter("Option") if o.get("name")}
        keys = {k: v for k, v in props.items() if k.startswith("legend/custom-symbol-")}
        assert sorted(keys) == ["legend/custom-symbol-1", "legend/custom-symbol-2"]
        for text in keys.values():
            key = options(ET.fromstring(text))
            assert key["outline_color"] == styles.rgba(styles.GREY)
            assert float(key["outline_width"]) >= KEY_MM and key["outline_width_unit"] == "MM"
            assert key["style"] == "no"


def test_map_png_keys_them_as_wide():
    handles, labels = mapplot.legend_handles([], {}, 0.0, set(), None, [], {}, set(), None, cell_counts=(3, 1))
    (key,) = [h for h, label in zip(handles, labels, strict=True) if label == "candidate cell (3 in all)"]
    assert isinstance(key, Patch)
    assert key.get_linewidth() >= KEY_MM * 72 / 25.4 - 1e-9
    assert key.get_edgecolor() == mapplot._rgb(styles.GREY)
