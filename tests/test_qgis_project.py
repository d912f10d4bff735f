"""The QGIS projects at XML level, without QGIS: plan.qgs's print layout (title, map, legend,
scale bar, north arrow, source on an A3 landscape page), the legend sized to fit beside the map
with only what the features draw, the label settings that keep labels apart, legend text that
says each thing once, the product flows' rules per year and widths per product, the hubs and the
gateway, and compare.qgs with both runs and the changes. tests/test_qgis.py opens the same files
in real QGIS and exports the layout to PDF."""

from __future__ import annotations

import json
import math
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.layers import LAYER_TITLES
from siting.deliver.mapplot import MapTitle
from siting.deliver.qgisproject import (
    ITEM_TYPES,
    LEGEND_BREAK,
    LEGEND_COLUMNS,
    LEGEND_FILL,
    LEGEND_GAP_MM,
    LEGEND_PT,
    MAP_FRAME_MM,
    MAP_MIN_WIDTH_MM,
    NORTH_ARROW,
    PAGE_MM,
    LegendEntry,
    compare_project_text,
    fit_extent,
    fit_legend,
    item_uuid,
    legend_nodes,
    map_frame,
    project_text,
    text_mm,
    wrap_text,
)
from siting.deliver.styles import (
    GATEWAY_MM,
    HUB_MM,
    STATUS_LABELS,
    capex_scale,
    diff_style,
    hub_label_expression,
    hubs_style,
    product_flows_style,
    redline_zones_style,
    sites_style,
    with_capex_scale,
)
from tests.conftest import MadeRun, copied

PRINTED = "Printed [% format_date(now(), 'yyyy-MM-dd') %]."


def parse(path: Path) -> ET.Element:
    return parse_text(path.read_text(encoding="utf-8"))


def parse_text(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE qgis")
    return ET.fromstring(text.split("\n", 1)[1])


@pytest.fixture(scope="module")
def runs(small_run: MadeRun, small_rerun: MadeRun, small_compare_run: MadeRun,
         tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario solved twice (same inputs: one/ and two/, conftest's `small_run` and
    `small_rerun`) and compared with a variant asking 20 GWh of cells instead of 10 (cmp/,
    conftest's `small_compare_run`): copies of the session's folders."""
    base = tmp_path_factory.mktemp("projects")
    copied(small_run.out, base / "one")
    copied(small_rerun.out, base / "two")
    copied(small_compare_run.out, base / "cmp")
    return base


def canonical(node: ET.Element | None) -> str:
    """An element's XML without indentation, to compare styles whatever their nesting depth."""
    assert node is not None
    return ET.canonicalize(ET.tostring(node, encoding="unicode"), strip_text=True)


def items(layout: ET.Element) -> dict[str, ET.Element]:
    """Layout items (pages aside) by their id."""
    return {item.get("id", ""): item for item in layout.findall("LayoutItem")}


def mm(text: str) -> tuple[float, ...]:
    assert text.endswith(",mm"), text
    return tuple(float(v) for v in text.removesuffix(",mm").split(","))


def test_plan_project_has_an_a3_landscape_layout_with_every_element(runs: Path):
    root = parse(runs / "one" / "plan.qgs")
    layouts = root.findall("Layouts/Layout")
    assert [layout.get("name") for layout in layouts] == ["Plan"]
    layout = layouts[0]
    pages = layout.findall("PageCollection/LayoutItem")
    assert [(p.get("type"), p.get("size")) for p in pages] == [("65638", "420,297,mm")]
    assert PAGE_MM == (420.0, 297.0)
    found = items(layout)
    assert {k: int(v.get("type", "0")) for k, v in found.items()} == {
        "map": ITEM_TYPES["map"], "legend": ITEM_TYPES["legend"], "scale bar": ITEM_TYPES["scalebar"],
        "north arrow": ITEM_TYPES["picture"], "title": ITEM_TYPES["label"], "source": ITEM_TYPES["label"]}
    map_id = found["map"].get("uuid")
    assert map_id == item_uuid("Plan", "map")
    # Legend, scale bar and north arrow follow the map.
    assert found["legend"].get("map_uuid") == map_id
    assert found["scale bar"].get("mapUuid") == map_id
    assert (found["scale bar"].get("unitType"), found["scale bar"].get("unitLabel"),
            found["scale bar"].get("numMapUnitsPerScaleBarUnit")) == ("km", "km", "1")
    assert found["north arrow"].get("mapUuid") == map_id
    assert found["north arrow"].get("file") == NORTH_ARROW
    # The title is map.png's (MapTitle.text): scenario and years; solver outcome and gap as the
    # terminal says them, and objective; the gap in bn yuan.
    assert found["title"].get("labelText") == (
        "small: capacity plan 2023-2024\n"
        "optimal within the gap, gap 0.00% (tolerance 0.00%), objective -22.72 bn yuan (discounted)\n"
        "absolute gap 0.00 bn yuan (objective less best bound)")
    assert (found["title"].get("position"), found["title"].get("size")) == ("10,3,mm", "400,21.5,mm")
    font = found["title"].find("LabelFont")
    assert font is not None and font.get("description", "").split(",")[:2] == ["Sans Serif", "14"]
    # The source line, and under it map.png's statement of the red line's share of the clusters
    # (siting/deliver/mapinfo.py `redline_extent_text`; tests/test_qgis_label_distance.py).
    assert found["source"].get("labelText") == (
        "Source: siting plan for scenario 'small' (plan.gpkg; inputs and their SHA-256 in manifest.json). "
        f"Projection: WGS 84 / UTM zone 48N. {PRINTED}\n"
        "The red-line layer covers 0.3 % of the clusters' area (18 of 5,602 km2). No official share is given "
        "(constraints.redline.official_share_pct), so the layer cannot be checked against the official red line.")
    # Every item lies on the page; only the north arrow and the scale bar are drawn on the map.
    x0, y0 = mm(found["map"].get("position", ""))
    w0, h0 = mm(found["map"].get("size", ""))
    for name, item in found.items():
        x, y = mm(item.get("position", ""))
        w, h = mm(item.get("size", ""))
        assert x >= 0 and x + w <= PAGE_MM[0] and y >= 0 and y + h <= PAGE_MM[1], name
        overlaps = x < x0 + w0 and x0 < x + w and y < y0 + h0 and y0 < y + h
        inside = x0 <= x and x + w <= x0 + w0 and y0 <= y and y + h <= y0 + h0
        assert overlaps == (name in ("map", "north arrow", "scale bar")), name
        assert inside == (name in ("map", "north arrow", "scale bar")), name


def test_the_layout_title_is_the_map_title_or_one_line_without_one():
    """project_text with a MapTitle puts its three lines (as map.png's title) in a 21.5 mm frame at
    14 pt above the map (which starts at 26 mm); without one, "Plan: <scenario>" on one line, 20 pt."""
    layer = make_layer("sites", "Sites", gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.Point(102.7, 25.0)],
                                                         crs="EPSG:4326"), ["id"])
    styles = {"sites": "<!DOCTYPE qgis>\n<qgis/>"}
    title = MapTitle("demo", "optimal", 0.0201, 10.06e9, [2022, 2023, 2024])
    extent = (0.0, 0.0, 1000.0, 1000.0)

    def title_item(text: str) -> ET.Element:
        layout = parse_text(text).find("Layouts/Layout")
        assert layout is not None
        return items(layout)["title"]

    with_title = title_item(project_text([layer], styles, "demo", "EPSG:32648", extent, map_title=title))
    assert with_title.get("labelText") == title.text() == (
        "demo: capacity plan 2022-2024\noptimal, gap 2.01%, objective 10.06 bn yuan (discounted)\n"
        "absolute gap 0.21 bn yuan (objective less best bound)")  # 0.2022, rounded up
    assert (with_title.get("position"), with_title.get("size")) == ("10,3,mm", "400,21.5,mm")
    assert MAP_FRAME_MM[1] > 3 + 21.5  # the title ends above the map
    plain = title_item(project_text([layer], styles, "demo", "EPSG:32648", extent))
    assert (plain.get("labelText"), plain.get("position"), plain.get("size")) == ("Plan: demo", "10,9,mm",
                                                                                 "400,13,mm")
    font = plain.find("LabelFont")
    assert font is not None and font.get("description", "").split(",")[:2] == ["Sans Serif", "20"]


def test_the_layout_map_shows_the_project_view_undistorted(runs: Path):
    root = parse(runs / "one" / "plan.qgs")
    view = root.find("ProjectViewSettings/DefaultViewExtent")
    assert view is not None
    x0, y0, x1, y1 = (float(view.get(k, "nan")) for k in ("xmin", "ymin", "xmax", "ymax"))
    map_item = items(root.find("Layouts/Layout"))["map"]
    shown = map_item.find("Extent")
    assert shown is not None
    sx0, sy0, sx1, sy1 = (float(shown.get(k, "nan")) for k in ("xmin", "ymin", "xmax", "ymax"))
    width_mm, height_mm = mm(map_item.get("size", ""))
    # The small scenario's clusters are wider than the full frame: the map keeps its full width.
    assert (width_mm, height_mm) == MAP_FRAME_MM[2:]
    assert (sx1 - sx0) / (sy1 - sy0) == pytest.approx(width_mm / height_mm, rel=1e-6)
    assert sx0 <= x0 + 1e-3 and sy0 <= y0 + 1e-3 and sx1 >= x1 - 1e-3 and sy1 >= y1 - 1e-3
    # Centred: the same margin on both sides of the widened axis.
    assert sx0 - x0 == pytest.approx(x1 - sx1, abs=2e-3) and sy0 - y0 == pytest.approx(y1 - sy1, abs=2e-3)


def test_fit_extent_widens_one_axis_to_the_frame():
    """A 100 x 100 extent in a 200 mm x 100 mm frame becomes 200 x 100, centred: x from -50 to 150;
    a 400 x 100 extent in the same frame keeps x and grows y to 200: from -50 to 150."""
    assert fit_extent((0, 0, 100, 100), 200, 100) == (-50, 0, 150, 100)
    assert fit_extent((0, 0, 400, 100), 200, 100) == (0, -50, 400, 150)


def test_same_plan_gives_the_same_project_bytes(runs: Path):
    assert (runs / "one" / "plan.qgs").read_bytes() == (runs / "two" / "plan.qgs").read_bytes()


def test_labels_are_placed_without_collisions_and_ranked_by_capex(runs: Path):
    sites = parse(runs / "one" / "sites.qml")
    settings = sites.find("labeling/settings")
    assert settings is not None
    rendering = settings.find("rendering")
    assert rendering is not None
    assert (rendering.get("displayAll"), rendering.get("obstacle"), rendering.get("obstacleType")) == ("0", "1", "2")
    placement = settings.find("placement")
    assert placement is not None and placement.get("placement") == "6"  # ordered positions around the point
    assert settings.find("text-style/text-buffer").get("bufferDraw") == "1"
    priority = settings.find("dd_properties/Option/Option[@name='properties']/Option[@name='Priority']")
    assert priority is not None
    expression = priority.find("Option[@name='expression']")
    # The top capex is w_mine's: 4 FePO4 modules at 5亿 and 2 LFP modules at 10亿 = 40亿 (4e+09).
    assert expression is not None and expression.get("value") == 'scale_linear("capex_yuan", 0, 4e+09, 5, 10)'
    assert priority.find("Option[@name='active']").get("value") == "true"
    # Clear of the pie, which QGIS's label engine treats as an obstacle: 7 mm radius at the top capex,
    # and 3 mm (LABEL_GAP_MM) for the leader to it (tests/test_qgis_layout_callouts.py).
    distance = settings.find("dd_properties/Option/Option[@name='properties']/Option[@name='LabelDistance']")
    assert distance is not None
    assert distance.find("Option[@name='expression']").get("value") == (
        "if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / 4e+09) + 3, 1)")
    # Source names outrank cluster names and site names of no capex (a built site's name is always
    # drawn), so that a source's name may stand on its own flow lines where no other place is free
    # (tests/test_source_names_over_flows.py); none is drawn when it collides.
    ranks = {}
    for name in ("sites", "clusters", "sources"):
        node = parse(runs / "one" / f"{name}.qml").find("labeling/settings")
        assert node is not None
        ranks[name] = int(node.find("placement").get("priority", "-1"))
        assert node.find("rendering").get("displayAll") == "0", name
    assert ranks == {"sites": 5, "clusters": 4, "sources": 10}


def test_legend_text_does_not_repeat(runs: Path):
    """Within each style, every legend label is different and names its category only; what a
    size means is said once, in the layer's name in the project."""
    root = parse(runs / "one" / "plan.qgs")
    names = [layer.findtext("layername") for layer in root.findall("projectlayers/maplayer")]
    assert len(names) == len(set(names))
    assert [names[0], names[4]] == ["Raw-material sources (t/yr)", "Raw-material flows (t/yr)"]  # short names
    # Widest flow: 2 t of phosphate rock per t of FePO4 for w_mine's 400,000 t/yr = 800,000 t/yr: in
    # the layer's abstract and its print legend title.
    abstracts = [layer.findtext("abstract") for layer in root.findall("projectlayers/maplayer")]
    assert abstracts[4] == f"Raw-material flows (t/yr){LEGEND_BREAK}width ∝ peak tonnage; widest 800,000 t/yr"
    assert abstracts[0] == f"Raw-material sources (t/yr){LEGEND_BREAK}triangle area ∝ supply; largest 1,000,000 t/yr"
    for folder in (runs / "one", runs / "cmp"):
        for qml in sorted(folder.glob("*.qml")):
            labels = [c.get("label") for c in parse(qml).findall("renderer-v2/categories/category")]
            assert len(labels) == len(set(labels)), qml.name
    flows = [c.get("label") for c in parse(runs / "one" / "flows.qml").findall("renderer-v2/categories/category")]
    assert flows == ["Phosphate rock"]  # the plan ships no lithium clay: its source is in sources.qml only
    legend = items(root.find("Layouts/Layout"))["legend"]
    assert legend.get("wrapChar") == LEGEND_BREAK


def test_compare_project_shows_both_runs_and_the_changes(runs: Path):
    root = parse(runs / "cmp" / "compare.qgs")
    layers = [(n.get("name"), n.get("source")) for n in root.find("layer-tree-group").iter("layer-tree-layer")]
    # Each run's layers as its plan.qgs shows them (its hubs, flows and sources among them).
    shown = [("raw-material sources (t/yr)", "sources"), ("sites", "sites"), ("hubs and the gateway", "hubs"),
             ("product flows (per year)", "product_flows"), ("raw-material flows (t/yr)", "flows"),
             ("clusters", "clusters"), ("red-line zones (buffer 1 km)", "redline_zones"), ("red line", "redline")]
    assert layers == [
        *((f"small: {name}", f"./small/plan.gpkg|layername={kind}") for name, kind in shown),
        ("b: changes against small", "./diff.geojson|subset=\"scenario\" = 'b'"),
        *((f"b: {name}", f"./b/plan.gpkg|layername={kind}") for name, kind in shown),
    ]
    maplayers = {n.findtext("layername"): n for n in root.findall("projectlayers/maplayer")}
    diff_renderer = canonical(parse(runs / "cmp" / "diff.qml").find("renderer-v2"))
    assert canonical(maplayers["b: changes against small"].find("renderer-v2")) == diff_renderer
    # Each run's own style, its pies and circles on the scale of the largest capex of both runs.
    styles = {run: (runs / "cmp" / run / "sites.qml").read_text(encoding="utf-8") for run in ("small", "b")}
    top = max(capex_scale(text) or 0.0 for text in styles.values())
    for run in ("small", "b"):
        own = canonical(parse_text(with_capex_scale(styles[run], top, ", the largest of every run")).find(
            "renderer-v2"))
        assert canonical(maplayers[f"{run}: sites"].find("renderer-v2")) == own
    assert root.findtext("projectCrs/spatialrefsys/authid") == "EPSG:32648"
    base = parse(runs / "cmp" / "small" / "plan.qgs")
    assert canonical(root.find("ProjectViewSettings")) == canonical(base.find("ProjectViewSettings"))
    # A print layout per run, following the run's map theme (tests/test_compare_layouts.py).
    layouts = root.findall("Layouts/Layout")
    assert [layout.get("name") for layout in layouts] == ["small (baseline)", "b"]
    found = items(layouts[1])
    assert set(found) == {"map", "legend", "scale bar", "north arrow", "title", "source"}
    assert found["title"].get("labelText", "").split("\n")[0] == "b against the baseline small: capacity plan 2023-2024"


def test_polygon_site_labels_stand_clear_of_their_pie():
    """Polygon sites are labelled around their centroid, where the pie is drawn (an obstacle to
    labels): the label distance is the pie's radius plus 3 mm (LABEL_GAP_MM, the room of the
    label's leader to its pie). Pie area ∝ capex, PIE_MM = 14 mm across at the largest capex
    (8e9 yuan): a site of 2e9 has a pie 14 * √(2/8) = 7 mm across, its label 3.5 + 3 = 6.5 mm
    from the centroid."""
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"], "status": ["built", "built"],
                              "capex_yuan": [8e9, 2e9]},
                             geometry=[shapely.box(100.0, 25.0, 100.1, 25.1), shapely.box(101.0, 25.0, 101.1, 25.1)],
                             crs="EPSG:4326")
    layer = make_layer("sites", "Candidate sites by status", frame, ["id", "name", "status", "capex_yuan"])
    settings = parse_text(sites_style(layer)).find("labeling/settings")
    assert settings is not None
    assert settings.find("placement").get("placement") == "0"  # around the centroid
    distance = settings.find("dd_properties/Option/Option[@name='properties']/Option[@name='LabelDistance']")
    assert distance is not None
    expression = distance.find("Option[@name='expression']").get("value")
    assert expression == "if(\"status\" = 'built', 7 * sqrt(\"capex_yuan\" / 8e+09) + 3, 1)"
    assert 7 * math.sqrt(2e9 / 8e9) + 3 == 6.5


def test_compare_project_leaves_out_runs_without_a_plan(runs: Path, tmp_path: Path):
    """A failed baseline (no plan.qgs in its folder): no changes to show, the other run's sites
    and context only, in its CRS; no run with a plan: no project."""
    (tmp_path / "a").mkdir()
    shutil.copytree(runs / "cmp" / "b", tmp_path / "b")
    text = compare_project_text(tmp_path, [("a", "a"), ("b", "b")], "Point", diff_style("Point"))
    assert text is not None
    root = parse_text(text)
    assert [n.get("name") for n in root.find("layer-tree-group").iter("layer-tree-layer")] == [
        "b: raw-material sources (t/yr)", "b: sites", "b: hubs and the gateway", "b: product flows (per year)",
        "b: raw-material flows (t/yr)", "b: clusters", "b: red-line zones (buffer 1 km)", "b: red line"]
    assert root.findtext("projectCrs/spatialrefsys/authid") == "EPSG:32648"
    assert compare_project_text(tmp_path, [("a", "a")], "Point", diff_style("Point")) is None


@pytest.fixture(scope="module")
def with_context(provenance_run: MadeRun) -> Path:
    """The small scenario with two counties as its context layer (and text columns on its sites,
    and candidate cells: `tests.test_gis_outputs.small_with_provenance`), solved: its output folder
    (conftest's `provenance_run`, solved once for the session; read-only)."""
    return provenance_run.out


def test_plan_project_opens_the_context_layer_last_in_its_style(with_context: Path):
    """plan.qgs lists the counties from plan.gpkg at the bottom, named as on map.png, labelled,
    with context.qml's renderer and labels; the small run without a context layer has none."""
    root = parse(with_context / "plan.qgs")
    tree = [(n.get("name"), n.get("source")) for n in root.findall("layer-tree-group/layer-tree-layer")]
    assert tree[-2:] == [("Red-line polygons as used", "./plan.gpkg|layername=redline"),
                         ("Counties (context)", "./plan.gpkg|layername=context")]
    layer = root.findall("projectlayers/maplayer")[-1]
    assert (layer.findtext("id"), layer.get("geometry"), layer.get("wkbType"), layer.get("labelsEnabled")) == (
        "context_layer", "Polygon", "Polygon", "1")
    style = parse(with_context / "context.qml")
    assert canonical(layer.find("renderer-v2")) == canonical(style.find("renderer-v2"))
    assert canonical(layer.find("labeling")) == canonical(style.find("labeling"))


def test_a_plan_without_a_context_layer_has_none_in_its_project(runs: Path):
    root = parse(runs / "one" / "plan.qgs")
    assert not [n for n in root.findall("projectlayers/maplayer") if "layername=context" in n.findtext("datasource")]
    assert not (runs / "one" / "context.geojson").exists()


def test_compare_project_shows_the_baselines_context_outlines_last(with_context: Path, tmp_path: Path):
    """A baseline with a context layer: compare.qgs draws its counties under everything, from its
    plan.gpkg, in context.qml's style (last in the panel and in the drawing order)."""
    shutil.copytree(with_context, tmp_path / "a")
    text = compare_project_text(tmp_path, [("a", "a")], "Point", diff_style("Point"))
    assert text is not None
    root = parse_text(text)
    assert [(n.get("name"), n.get("source")) for n in root.find("layer-tree-group").iter("layer-tree-layer")] == [
        ("a: raw-material sources (t/yr)", "./a/plan.gpkg|layername=sources"),
        ("a: sites", "./a/plan.gpkg|layername=sites"),
        ("a: candidate site areas", "./a/plan.gpkg|layername=site_areas"),
        ("a: hubs and the gateway", "./a/plan.gpkg|layername=hubs"),
        ("a: product flows (per year)", "./a/plan.gpkg|layername=product_flows"),
        ("a: raw-material flows (t/yr)", "./a/plan.gpkg|layername=flows"),
        ("a: candidate cells", "./a/plan.gpkg|layername=candidate_cells"),
        ("a: clusters", "./a/plan.gpkg|layername=clusters"),
        ("a: red-line zones (buffer 1 km)", "./a/plan.gpkg|layername=redline_zones"),
        ("a: red line", "./a/plan.gpkg|layername=redline"),
        ("a: counties (context)", "./a/plan.gpkg|layername=context")]
    assert root.find("layer-tree-group/custom-order") is None  # the panel's order is the drawing order
    layer = root.findall("projectlayers/maplayer")[-1]
    assert canonical(layer.find("renderer-v2")) == canonical(parse(with_context / "context.qml").find("renderer-v2"))


# --- the print legend ------------------------------------------------------------------------

def test_map_frame_narrows_to_a_tall_area_down_to_its_floor():
    """The map frame is 248 mm high and as wide as the area's shape asks, from MAP_MIN_WIDTH_MM
    (190) to the full 270: an area 0.85 times as wide as high gets 0.85 * 248 = 210.8 mm, one
    twice as wide the full 270, one half as wide the floor of 190."""
    assert MAP_FRAME_MM == (10.0, 26.0, 270.0, 248.0) and MAP_MIN_WIDTH_MM == 190.0
    assert map_frame((0, 0, 85, 100)) == (10.0, 26.0, 210.8, 248.0)
    assert map_frame((0, 0, 200, 100)) == (10.0, 26.0, 270.0, 248.0)
    assert map_frame((0, 0, 50, 100)) == (10.0, 26.0, 190.0, 248.0)


def test_legend_text_wraps_at_the_break_then_between_words():
    """A text breaks at every LEGEND_BREAK, then between words where a line would be wider than
    asked; a word wider than that stays whole on its line."""
    assert wrap_text(f"Red-line polygons{LEGEND_BREAK}as used", 100, 8) == ["Red-line polygons", "as used"]
    one = text_mm("Setback up to", 8)
    assert text_mm("Setback up to 5,000", 8) > one + 1
    assert wrap_text("Setback up to 5,000 m", one + 1, 8) == ["Setback up to", "5,000 m"]
    assert wrap_text("Electrolyte", 1, 8) == ["Electrolyte"]


def test_fit_legend_takes_smaller_type_and_more_columns_only_where_needed():
    """One layer of 40 one-line entries: beside a 248 mm high map it fits in one column at the
    largest type; in 100 mm it takes more columns, each within the width; in 20 mm nothing fits
    and the floor in the most columns is taken."""
    entries = [LegendEntry("a_layer", "Things", tuple((i, f"thing {i}") for i in range(40)), False, False)]
    tall = fit_legend(entries, (150, 248))
    assert (tall.columns, tall.size_pt) == (1, LEGEND_PT[0])
    assert tall.height_mm <= LEGEND_FILL * 248 and tall.width_mm <= 150
    short = fit_legend(entries, (150, 100))
    assert short.columns > 1 and short.height_mm <= LEGEND_FILL * 100 and short.width_mm <= 150
    assert sum(len(lines) for lines in short.labels["a_layer"].values()) == 40  # nothing wrapped
    tiny = fit_legend(entries, (150, 20))
    assert (tiny.columns, tiny.size_pt) == (LEGEND_COLUMNS[-1], LEGEND_PT[-1]) and tiny.height_mm > 20


def test_legend_keys_only_what_the_features_draw_and_fits_beside_the_map(runs: Path):
    """The print legend has its own layer tree (so that it keeps its wrapped texts): per layer,
    the nodes its features draw. The small plan's sites are built (w_mine, e_city, e_far) or
    excluded by the red line (w_lake): the style lists only those two statuses (nodes 0 and 1),
    then the pie slices of the products built (FePO4, LFP, cells: nodes 2 to 4); its raw-material
    flows only phosphate rock (node 0). Its product flows' rules are 2023 (node 0,
    unticked) with FePO4 and LFP (1, 2), and 2024 with FePO4, LFP and cells (4 to 6): the legend
    keys the final year's products only. The legend starts LEGEND_GAP_MM right of the map, QGIS
    resizes it to its content, and it fits in the space left."""
    root = parse(runs / "one" / "plan.qgs")
    found = items(root.find("Layouts/Layout"))
    legend = found["legend"]
    assert (legend.get("resizeToContents"), legend.get("legendFilterByMap"), legend.get("splitLayer")) == ("1", "0",
                                                                                                          "1")
    tree = legend.find("layer-tree-group")
    assert tree is not None
    properties = {node.get("id"): {o.get("name"): o.get("value")
                                   for o in node.findall("customproperties/Option/Option")}
                  for node in tree.findall("layer-tree-layer")}
    assert list(properties) == ["sources_layer", "sites_layer", "hubs_plan_layer", "product_flows_layer",
                                "flows_layer", "clusters_layer", "redline_zones_layer", "redline_layer"]
    orders = {layer: values["legend/node-order"] for layer, values in properties.items()}
    assert orders == {"sites_layer": "0,1,2,3,4", "hubs_plan_layer": "0,1", "product_flows_layer": "4,5,6",
                      "flows_layer": "0", "sources_layer": "0,1", "clusters_layer": "0",
                      "redline_zones_layer": "0", "redline_layer": "0"}
    flows = properties["product_flows_layer"]
    assert [flows[f"legend/label-{i}"] for i in (4, 5, 6)] == [
        "FePO4 (widest 300,000 t/yr)", "LFP (widest 170,000 t/yr)", "Cells (widest 8 GWh/yr)"]
    # The layer's short name and size note, wrapped to the legend's column.
    assert LAYER_TITLES["product_flows"].startswith("Product flows between sites")
    assert flows["legend/title-label"].replace("\n", " ") == (
        "Product flows (per year) final year 2024 shown (2023: tick in the layer panel) "
        "width ∝ amount per year (3 mm = 300,000 t/yr or 8 GWh/yr) the lines of one leg side by side")
    assert properties["redline_layer"]["legend/label-0"] == "lake (excluded within 1,000 m)"
    map_x, map_y = mm(found["map"].get("position", ""))
    map_w, map_h = mm(found["map"].get("size", ""))
    x, y = mm(legend.get("position", ""))
    w, h = mm(legend.get("size", ""))
    assert (x, y) == (map_x + map_w + LEGEND_GAP_MM, map_y)
    assert x + w <= PAGE_MM[0] - map_x and h <= LEGEND_FILL * map_h
    assert int(legend.get("columnCount", "0")) in LEGEND_COLUMNS


def test_legend_nodes_follow_the_renderer_then_the_diagrams(runs: Path):
    """QGIS's legend nodes of the sites style: the statuses its sites have (built, excluded by
    the red line), then a pie slice per product built; without data every node with a symbol is
    keyed, unticked rules never."""
    sites = legend_nodes((runs / "one" / "sites.qml").read_text(encoding="utf-8"), None)
    labels = [n.label for n in sites]
    assert labels[0].startswith(f"{STATUS_LABELS['built']} (")
    assert labels[1:] == [STATUS_LABELS["excluded_redline"], "FePO4", "LFP", "Cells"]
    assert all(n.keyed for n in sites)
    flows = legend_nodes((runs / "one" / "product_flows.qml").read_text(encoding="utf-8"), None)
    assert [(n.label, n.keyed) for n in flows] == [
        ("2023", False), ("FePO4 (widest 300,000 t/yr)", False), ("LFP (widest 170,000 t/yr)", False),
        ("2024 (final year)", False), ("FePO4 (widest 300,000 t/yr)", True), ("LFP (widest 170,000 t/yr)", True),
        ("Cells (widest 8 GWh/yr)", True)]


# --- the styles a GIS analyst asks about --------------------------------------------------------

def test_product_flows_show_the_final_year_and_scale_each_unit_to_its_own_widest(runs: Path):
    """One rule per year, only the last ticked; under it one rule per product, each line as wide
    and as far beside its leg as its `width_mm` and `offset_mm` say: 0.3 to 3 mm up to the widest
    flow of its unit over all years (product_flows.csv): 300,000 t/yr (FePO4, w_mine to its hub)
    for every product in t (LFP's widest, 170,000 t/yr, draws 0.3 + 2.7 x 170,000 / 300,000 =
    1.83 mm), 8 GWh/yr for cells, so that cells do not draw at the minimum width against tonnes.
    The widest lines are drawn first."""
    root = parse(runs / "one" / "product_flows.qml")
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "RuleRenderer"
    years = renderer.findall("rules/rule")
    assert [(r.get("label"), r.get("filter"), r.get("checkstate")) for r in years] == [
        ("2023", '"year" = 2023', "0"), ("2024 (final year)", '"year" = 2024', None)]
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}

    def width(rule: ET.Element) -> str:
        node = symbols[rule.get("symbol", "")].find(".//Option[@name='outlineWidth']/Option[@name='expression']")
        assert node is not None
        return node.get("value", "")

    final = {r.get("filter"): width(r) for r in years[1].findall("rule")}
    assert final == {'"product" = \'fepo4\'': '"width_mm"', '"product" = \'lfp\'': '"width_mm"',
                     '"product" = \'cells\'': '"width_mm"'}
    flows = json.loads((runs / "one" / "product_flows.geojson").read_text(encoding="utf-8"))["features"]
    widest = {p: max(f["properties"]["width_mm"] for f in flows if f["properties"]["product"] == p)
              for p in ("fepo4", "lfp", "cells")}
    assert widest == {"fepo4": 3.0, "lfp": 1.83, "cells": 3.0}
    assert renderer.get("enableorderby") == "1"
    assert renderer.findtext("orderby/orderByClause") == '"width_mm"'
    # plan.qgs draws the layer with the same rules.
    layer = next(n for n in parse(runs / "one" / "plan.qgs").findall("projectlayers/maplayer")
                 if n.findtext("id") == "product_flows_layer")
    assert canonical(layer.find("renderer-v2")) == canonical(renderer)


def hubs_layer(gateway_at: tuple[float, float], gateway_name: str = "Kunming"):
    frame = gpd.GeoDataFrame({"id": ["hub_kunming", "hub_yuxi", "gateway"], "kind": ["hub", "hub", "gateway"],
                              "name": ["Kunming", "Yuxi", gateway_name]},
                             geometry=[shapely.Point(102.71, 25.04), shapely.Point(102.54, 24.35),
                                       shapely.Point(*gateway_at)], crs="EPSG:4326")
    return make_layer("hubs", "Hubs and the gateway", frame, ["id", "kind", "name"])


def test_a_gateway_at_a_hub_shares_its_label_and_its_star_shows_under_the_square():
    """The gateway at the Kunming hub: one label of two lines on the hub, none on the gateway;
    elsewhere the gateway's own name with "(gateway)". The hubs are drawn after the gateway
    (order by "kind" = 'hub', false first), the 3 mm square over the 6.5 mm star."""
    assert hub_label_expression(hubs_layer((102.71, 25.04))) == (
        "CASE WHEN \"id\" = 'hub_kunming' THEN 'Kunming' || '\\n' || '(hub and gateway)' "
        "WHEN \"kind\" = 'gateway' THEN '' ELSE \"name\" END")
    assert hub_label_expression(hubs_layer((102.71, 25.04), "Airport")) == (
        "CASE WHEN \"id\" = 'hub_kunming' THEN 'Kunming (hub)' || '\\n' || 'Airport (gateway)' "
        "WHEN \"kind\" = 'gateway' THEN '' ELSE \"name\" END")
    apart = hubs_layer((102.9, 25.1))
    assert hub_label_expression(apart) == (
        "CASE WHEN \"kind\" = 'gateway' THEN \"name\" || ' (gateway)' ELSE \"name\" END")
    root = parse_text(hubs_style(apart))
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("enableorderby") == "1"
    clause = renderer.find("orderby/orderByClause")
    assert clause is not None and (clause.text, clause.get("asc")) == ("\"kind\" = 'hub'", "1")
    sizes = {s.get("name"): s.find(".//Option[@name='size']").get("value") for s in renderer.findall("symbols/symbol")}
    categories = {c.get("value"): c.get("symbol") for c in renderer.findall("categories/category")}
    assert (sizes[categories["hub"]], sizes[categories["gateway"]]) == (f"{HUB_MM:g}", f"{GATEWAY_MM:g}")
    assert (HUB_MM, GATEWAY_MM) == (3.0, 6.5)


def test_small_plan_labels_its_gateway_and_the_lake(runs: Path):
    """The small plan's gateway ("Gate", between the hubs) is labelled "Gate (gateway)" by its
    style; the red line names its water ("Test lake", a lake) in italic blue, pushing no label away."""
    hubs = parse(runs / "one" / "hubs.qml").find("labeling/settings/text-style")
    assert hubs is not None and hubs.get("fieldName") == (
        "CASE WHEN \"kind\" = 'gateway' THEN \"name\" || ' (gateway)' ELSE \"name\" END")
    settings = parse(runs / "one" / "redline.qml").find("labeling/settings")
    assert settings is not None
    style = settings.find("text-style")
    assert (style.get("fieldName"), style.get("fontItalic"), style.get("textColor")) == (
        "if(\"category\" IN ('lake'), \"name\", '')", "1", "26,84,140,255")
    assert (settings.find("rendering").get("obstacle"), settings.find("placement").get("priority")) == ("0", "1")


def test_setback_legend_names_products_in_words():
    frame = gpd.GeoDataFrame({"id": ["buffer", "setback_1"], "kind": ["buffer", "setback"],
                              "products": ["lfp,cells", "fepo4,li2co3,ncm_precursor,electrolyte"],
                              "max_distance_m": [1000.0, 5000.0]},
                             geometry=[shapely.box(0, 0, 1, 1), shapely.box(0, 0, 2, 2)], crs="EPSG:4326")
    layer = make_layer("redline_zones", "Red-line exclusion zones as buffered", frame,
                       ["id", "kind", "products", "max_distance_m"])
    labels = [c.get("label") for c in parse_text(redline_zones_style(layer)).findall("renderer-v2/categories/category")]
    assert labels == ["Red-line buffer: 1,000 m around every red-line polygon",
                      "Setback up to 5,000 m for FePO4, Li2CO3, NCM precursor, Electrolyte"]


def test_fields_without_their_unit_are_named_with_it(runs: Path):
    """The aliases QGIS shows: the ends' names, road km and tonnes per year for flows, supply and
    shipments for sources, the ends' names, the amount and road km for product flows, what a
    hub's node is, and its sales out of the region (the small plan imports nothing)."""
    aliases = {name: {a.get("field"): a.get("name") for a in parse(runs / "one" / f"{name}.qml").iter("alias")}
               for name in ("flows", "sources", "product_flows", "hubs")}
    assert aliases == {
        "flows": {"source_name": "source (name)",
                  "site_name": "site name (whole, as sites.geojson's; join the layers on site)",
                  "km": "road distance (km)",
                  "tonnes_2023": "shipped 2023 (t/yr)", "tonnes_2024": "shipped 2024 (t/yr)"},
        "sources": {"supply_t_per_yr": "supply (t/yr)", "shipped_t_2023": "shipped 2023 (t/yr)",
                    "shipped_t_2024": "shipped 2024 (t/yr)"},
        "product_flows": {"from_name": "from (name; a site's whole name, as sites.geojson's: join on from)",
                          "to_name": "to (name; a site's whole name, as sites.geojson's: join on to)",
                          "units": "amount per year (see unit)",
                          "km": "road distance (km)", "width_mm": "line width drawn (mm)",
                          "offset_mm": "line drawn beside its leg (mm, + to the right)"},
        "hubs": {"node": "node (the from or to of product_flows)", "cluster": "cluster (id)",
                 "sold_fepo4_2023": "FePO4 sold out of the region 2023 (t/yr)",
                 "sold_fepo4_2024": "FePO4 sold out of the region 2024 (t/yr)",
                 "sold_lfp_2023": "LFP sold out of the region 2023 (t/yr)",
                 "sold_lfp_2024": "LFP sold out of the region 2024 (t/yr)",
                 "sold_cells_2024": "Cells sold out of the region 2024 (GWh/yr)"}}


def test_product_flows_style_keeps_the_products_apart_without_units():
    """Without catalog units, a product's legend label takes the layer's `unit` field."""
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "kind": ["hub_to_hub"] * 2, "product": ["cells", "separator"],
                              "year": [2024, 2024], "unit": ["GWh/yr", "million m2/yr"], "units": [36.05, 780.5]},
                             geometry=[shapely.LineString([(0, 0), (1, 1)])] * 2, crs="EPSG:4326")
    layer = make_layer("product_flows", "Product flows", frame, ["id", "kind", "product", "year", "unit", "units"])
    labels = [r.get("label") for r in parse_text(product_flows_style(layer, ["cells", "separator"])).iter("rule")]
    assert labels == ["2024 (final year)", "Cells (widest 36.05 GWh/yr)", "Separator (widest 780.5 million m2/yr)"]
