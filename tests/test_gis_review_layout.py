"""The print layouts of plan.qgs and compare.qgs as QGIS reads them:
1. the scale bar is in kilometres by QGIS's own unit code ("km": QGIS 3.22 decodes "kilometers"
   as no unit at all), and still prints 0, 10 and 20 km over (to 0.01 mm) the same length;
2. the north arrow points to true north (QgsLayoutItemPicture.TrueNorth), not to the grid north
   of the working CRS (UTM), which differs from it away from the zone's central meridian;
3. the raw-material sources are drawn over the flows (and the sites' and hubs' symbols), as on
   map.png, where a source's triangle stands above the lines and pies.

The small scenario (tests/data/small), solved once for the session (`small_run`), and its
comparison with b (`small_compare_run`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from test_qgis import probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from tests.conftest import MadeRun


def parse(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8").split("\n", 1)[1])


def layout_items(root: ET.Element, item_id: str) -> list[ET.Element]:
    """The layout items of id `item_id`, one per print layout of the project."""
    return [item for layout in root.findall("Layouts/Layout") for item in layout.findall("LayoutItem")
            if item.get("id") == item_id]


def test_the_scale_bar_is_written_in_qgis_s_own_unit_code_and_the_arrow_points_to_true_north(
        small_run: MadeRun, small_compare_run: MadeRun):
    """QgsUnitTypes.encodeUnit(DistanceKilometers) is "km"; QgsLayoutItemPicture.TrueNorth is 1."""
    projects = [small_run.out / "plan.qgs", small_compare_run.out / "compare.qgs"]
    for path in projects:
        root = parse(path)
        bars = layout_items(root, "scale bar")
        arrows = layout_items(root, "north arrow")
        assert bars and len(bars) == len(arrows) == len(root.findall("Layouts/Layout")), path.name
        assert {(b.get("unitType"), b.get("unitLabel"), b.get("numMapUnitsPerScaleBarUnit")) for b in bars} == {
            ("km", "km", "1")}, path.name
        assert {(a.get("northMode"), a.get("northOffset")) for a in arrows} == {("1", "0")}, path.name


LAYOUT_PROBE = r"""
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsLayoutItemPicture, QgsLayoutItemScaleBar, QgsProject, QgsUnitTypes)
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
out = {"read": project.read(os.path.join(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "plan.qgs")),
       "layouts": {}}
for layout in project.layoutManager().printLayouts():
    bar = next(i for i in layout.items() if isinstance(i, QgsLayoutItemScaleBar))
    arrow = next(i for i in layout.items() if isinstance(i, QgsLayoutItemPicture))
    out["layouts"][layout.name()] = {
        "units": QgsUnitTypes.encodeUnit(bar.units()), "map_units_per_unit": bar.mapUnitsPerScaleBarUnit(),
        "segments": [bar.numberOfSegmentsLeft(), bar.numberOfSegments()], "units_per_segment": bar.unitsPerSegment(),
        "label": bar.unitLabel(), "width_mm": round(bar.rect().width(), 2),
        "north": int(arrow.northMode()), "true_north": int(QgsLayoutItemPicture.TrueNorth),
        "arrow_map": arrow.linkedMap().id() if arrow.linkedMap() else None}
print(json.dumps(out))
app.exitQgis()
"""


def test_qgis_reads_the_scale_bar_in_kilometres_printing_the_same_bar_and_a_true_north_arrow(
        qgis: None, small_run: MadeRun, tmp_path: Path):  # noqa: F811
    """In QGIS 3.22: the bar's units are kilometres (they were QGIS's unknown unit, 9, with 1,000
    map units, metres, to the km). QGIS measures a bar in km itself, so its label multiplier is 1
    (1,000 printed 0, 0.01 and 0.02 km). It keeps two segments, measured on the ellipsoid: at the
    small plan's round sheet scale (1:750,000) QGIS fits them at 20 km each, printing 0, 20 and
    40 km over 66.1 mm (two 10 km segments over 44.91 mm before the sheet's scale was rounded up
    from about 1:552,000). The arrow, linked to the map, follows true north."""
    result = probe_folder(LAYOUT_PROBE, small_run.out, tmp_path)
    assert result["read"] is True
    assert result["layouts"] == {"Plan": {
        "units": "km", "map_units_per_unit": 1.0, "segments": [0, 2], "units_per_segment": 20.0, "label": "km",
        "width_mm": 66.1, "north": 1, "true_north": 1, "arrow_map": "map"}}


# --- 3. the sources over the flows ----------------------------------------------------------------

#: plan.qgs's layers top to bottom (the layer panel's order is the drawing order): the sources first.
PLAN_ORDER = ["sources_layer", "sites_layer", "hubs_plan_layer", "product_flows_layer", "flows_layer",
              "clusters_layer", "redline_zones_layer", "redline_layer"]


def test_plan_qgs_draws_the_sources_over_the_flows_and_the_sites(small_run: MadeRun):
    root = parse(small_run.out / "plan.qgs")
    assert [n.get("id") for n in root.findall("layer-tree-group/layer-tree-layer")] == PLAN_ORDER
    assert [n.findtext("id") for n in root.findall("projectlayers/maplayer")] == PLAN_ORDER
    assert root.find("layer-tree-group/custom-order") is None
    (layout,) = root.findall("Layouts/Layout")
    (legend,) = [i for i in layout.findall("LayoutItem") if i.get("id") == "legend"]
    assert [n.get("id") for n in legend.iter("layer-tree-layer")] == PLAN_ORDER


def test_compare_qgs_draws_each_run_s_sources_over_its_flows(small_compare_run: MadeRun):
    root = parse(small_compare_run.out / "compare.qgs")
    groups = root.findall("layer-tree-group/layer-tree-group/layer-tree-group")
    assert [g.get("name") for g in groups] == ["small (baseline)", "b"]
    for group, run in zip(groups, ("small", "b"), strict=True):
        ids = [n.get("id", "").removesuffix(f"_{run}_layer") for n in group.findall("layer-tree-layer")]
        assert ids == [*(["diff"] if run == "b" else []), "sources", "sites", "hubs", "product_flows", "flows",
                       "clusters", "redline_zones", "redline"]
