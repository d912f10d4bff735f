"""A lake's name set out from it on a print layout's map has a leader to its shore: to the nearest
point of it that no other mark covers, over no other mark (`_SheetPlacer.shore`), not to the
nearest point where a source's triangle or a pie lies over it, where the leader would read as
that mark's. QGIS draws it there (`LabelSpot.shore_end`, the callout's destination on the
layout's map). On the shipped plan's layout (stopped after its first node) Dianchi's leader ran
into the Kunyang phosphate mine's triangle, a millimetre from the start of that mine's own
leader; Qilu's still ends under Tonghai county's pie, which covers the lake's point."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import shapely

import siting.deliver.qgisproject as qgisproject
from siting.deliver.qgisproject import SHORE_CLEARANCE_MM, LabelSpot, _Mark, _Named, _SheetPlacer
from tests.conftest import MadeRun, plan_layout_spots


def test_a_lake_s_leader_ends_on_its_shore_off_a_mark_over_the_nearest_point():
    """A lake 10 x 30 mm on the sheet, its point at (105, 115), its name 16 x 3 mm set 10 mm out
    (right of it the sheet is taken): left of it, 10 mm out. The shore's nearest point, (100,
    115), lies under a source's triangle (3 mm in radius): the leader ends on the shore beyond
    the triangle's edge by SHORE_CLEARANCE_MM or more and passes over no part of it."""
    lake = shapely.box(100.0, 100.0, 110.0, 130.0)
    triangle = _Mark(100.0, 115.0, 3.0, 1.5, "source:s")
    placer = _SheetPlacer((0.0, 0.0, 300.0, 300.0), [(111.0, 0.0, 300.0, 300.0)], [triangle])
    named = _Named("water:w", 105.0, 115.0, 0.0, 16.0, 3.0, False, lake)
    assert placer.place(named, (10.0,), free_only=True, leader_from=0) == LabelSpot((-10.0, 0.0), 3, True)
    x0, y0, x1, y1 = placer.leaders[-1]
    assert (x0, y0) == (95.0, 115.0)
    assert lake.exterior.distance(shapely.Point(x1, y1)) < 1e-9
    assert math.hypot(x1 - triangle.x, y1 - triangle.y) >= triangle.radius + SHORE_CLEARANCE_MM - 1e-9
    assert shapely.LineString([(x0, y0), (x1, y1)]).distance(shapely.Point(triangle.x, triangle.y)) >= triangle.radius


def test_the_shipped_layout_leads_each_lake_s_name_to_its_own_shore(
        shipped_first_node_run: MadeRun, monkeypatch: pytest.MonkeyPatch):
    """Every lake the shipped plan's layout names with a leader has it end on the lake's shore,
    and, but for a lake whose point another mark covers (Qilu, under Tonghai county's pie), off
    every other mark and over none; plan.qgs has QGIS draw it to that end on the layout's map
    (the red line's callout destination, data-defined by lake)."""
    made: list[_SheetPlacer] = []
    ends: dict[str, tuple[float, float, float, float]] = {}

    class Kept(_SheetPlacer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

        def place(self, site, *args, **kwargs):
            spot = super().place(site, *args, **kwargs)
            if spot is not None and spot.leader and site.outline is not None:
                ends[site.site_id] = self.leaders[-1]
                outlines[site.site_id] = site
            return spot

    outlines: dict[str, _Named] = {}
    monkeypatch.setattr(qgisproject, "_SheetPlacer", Kept)
    _layers, spots = plan_layout_spots(Path(shipped_first_node_run.out))
    sheet = made[0]
    assert sorted(ends) == ["water:qilu", "water:xingyun"]
    for lake_id, (x0, y0, x1, y1) in ends.items():
        lake = outlines[lake_id]
        assert lake.outline.boundary.distance(shapely.Point(x1, y1)) < 1e-6, lake_id
        over_point = [m.site_id for m in sheet.marks if math.hypot(m.x - lake.x, m.y - lake.y) < m.radius]
        if over_point:
            assert (lake_id, over_point) == ("water:qilu", ["tonghai"])
            continue
        leader = shapely.LineString([(x0, y0), (x1, y1)])
        for mark in sheet.marks:
            assert math.hypot(mark.x - x1, mark.y - y1) >= mark.radius + SHORE_CLEARANCE_MM - 1e-6, (lake_id, mark)
            assert leader.distance(shapely.Point(mark.x, mark.y)) >= mark.radius - 1e-6, (lake_id, mark)
    assert all(spots.lakes[i.removeprefix("water:")].shore_end is not None for i in ends)
    root = ET.parse(Path(shipped_first_node_run.out) / "plan.qgs").getroot()
    (redline,) = [layer for layer in root.iter("maplayer") if layer.findtext("id") == "redline_layer"]
    destination = [option.get("value", "") for prop in redline.iter("Option")
                   if prop.get("name") == "DestinationX" for option in prop.iter("Option")
                   if option.get("name") == "expression"]
    x, _y = spots.lakes["xingyun"].shore_end
    assert len(destination) == 1 and "'xingyun' THEN" in destination[0] and f"{x:.8f}" in destination[0]
