"""A name on a print layout's map is placed only where its leader crosses no leader drawn before
it (`_SheetPlacer`): two crossing leaders leave a reader to guess which name is whose mark. On
an earlier shipped plan's layout the Yimen copper deposit's name, crowded out of every other
position, found one below left of the Yimen county pie only with a leader across the
Xiaoshiqiao lithium's, and was listed in the layout's note instead; on a later plan it stood
above left of that pie, its leader crossing none. On the current plan (stopped after its first
node), whose Yimen county pie is larger, it is listed in the note again (that spot too near the
pie, the farther ones' leaders across a site's name), while the Anning refinery's petroleum coke,
among the Anning sites' names and leaders, is named above left of its triangle with a leader
crossing none."""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

import siting.deliver.qgisproject as qgisproject
from siting.deliver.layer import make_layer
from siting.deliver.qgisproject import LabelSpot, _Named, _SheetPlacer
from siting.deliver.styles import CHANGE_MARK_MM
from tests.conftest import MadeRun, plan_layout_spots


def crossing(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two segments cross, each one's ends strictly either side of the other's line."""
    def side(s, x, y):
        return (s[2] - s[0]) * (y - s[1]) - (s[3] - s[1]) * (x - s[0])

    return side(a, b[0], b[1]) * side(a, b[2], b[3]) < 0 and side(b, a[0], a[1]) * side(b, a[2], a[3]) < 0


def test_a_name_keeps_its_leader_off_a_leader_drawn_before():
    """A site at (100, 100) mm with a 1 mm pie, its name 10 x 4 mm, tried 5 mm beyond its pie: right
    of it the name's box is free, but its leader, from (106, 100) back to the pie's edge at
    (101, 100), would cross a leader already drawn up the sheet at x = 102 mm; so the name stands
    left of the site, its box and leader clear, free (not the least crowded of taken places)."""
    placer = _SheetPlacer((0.0, 0.0, 300.0, 300.0), [], [])
    placer.leaders.append((102.0, 20.0, 102.0, 180.0))
    site = _Named("a", 100.0, 100.0, 1.0, 10.0, 4.0, True)
    assert placer.place(site, (5.0,), free_only=True) == LabelSpot((-6.0, 0.0), 3)
    assert not crossing(placer.leaders[-1], placer.leaders[0])


def test_the_shipped_layout_draws_no_two_leaders_across_each_other(
        shipped_first_node_run: MadeRun, monkeypatch: pytest.MonkeyPatch):
    """Every leader the shipped plan's layout draws (the names' and the moved pies') crosses no
    other (the lakes' leaders too: tests/test_lake_leader_shore.py); the Anning refinery's
    petroleum coke is named, its leader to its triangle among the Anning sites' (a site name's
    fourth ring out, above left); the Yimen copper deposit, which finds no free position, is
    listed in the note, not drawn with a leader across another."""
    made: list[_SheetPlacer] = []

    class Kept(_SheetPlacer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(qgisproject, "_SheetPlacer", Kept)
    _layers, spots = plan_layout_spots(Path(shipped_first_node_run.out))
    sheet = made[0]  # the sheet's placer (a second, the canvas's, places the moved pies' names again)
    crossed = [(a, b) for a, b in itertools.combinations(sheet.leaders, 2) if crossing(a, b)]
    assert crossed == []
    assert len(sheet.leaders) > 1
    spot = spots.sources["petcoke_anning_refinery"]
    assert (spot.leader, spot.quadrant) == (True, 0)
    assert "copper_yimen" not in spots.sources
    assert "Yimen Tongchang copper deposit (source)" in spots.unnamed


def test_names_keep_off_the_change_badge_of_a_polygon_site():
    """compare.qgs's diff layer of polygon sites draws a badge (CHANGE_MARK_MM across, over the
    names: `change_marks`) on the point of each site whose change it marks (MARKED_CHANGES: an
    eligible site whose options a stricter red line changed too), none on an unchanged one; the
    layout's names keep off those badges, as they keep off a point site's change marker. (On the
    shipped scenario's comparison with its stricter red line, Anning Qilin's name stood over the
    badge of Chenggong's changed options: tests/test_compare_layout_labels.py.)"""
    square = [shapely.box(500_000 + i * 5_000, 2_800_000, 501_000 + i * 5_000, 2_801_000) for i in range(2)]
    frame = gpd.GeoDataFrame({"id": ["a@b", "c@b"], "site": ["a", "c"], "change": ["options changed", "unchanged"]},
                             geometry=square, crs="EPSG:32648").to_crs(4326)
    changes = make_layer("diff", "Changes", frame, ["id", "site", "change"])
    view = qgisproject._SheetView((10.0, 26.0, 200.0, 200.0), (490_000, 2_790_000, 530_000, 2_830_000),
                                  "EPSG:32648")
    marks = qgisproject._other_marks(changes, view)
    assert [(m.site_id, m.radius) for m in marks] == [("a", CHANGE_MARK_MM / 2)]
    (x, y), _other = view.points(changes.frame)
    assert (marks[0].x, marks[0].y) == (x, y)
