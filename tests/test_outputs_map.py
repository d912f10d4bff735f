"""map.png: its title gives the solver's outcome in the terminal's words, and its north arrow
stands where it covers no pie."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
from conftest import edit
from matplotlib.patches import Circle, Wedge
from matplotlib.text import Annotation

from siting.cli import format_summary
from siting.deliver.files import map_title
from siting.deliver.layer import make_layer
from siting.deliver.mapinfo import MapContext, MapTitle, outcome_text
from siting.deliver.mapplot import NORTH_ARROW_AT, map_figure, north_arrow_spots
from siting.runs.job import run_solve


def test_the_title_line_reads_as_the_terminal_s_status():
    """Proven within the asked gap: the outcome in words, the proven gap and the asked one (and,
    on the third line, the gap in bn yuan); a stop at the time limit: no tolerance (nothing was
    proven within it); no gap: the words alone."""
    title = MapTitle("demo", "optimal within the gap", 0.0201, 10.06e9, [2022, 2023, 2024], tolerance=0.025)
    assert title.text() == (
        "demo: capacity plan 2022-2024\n"
        "optimal within the gap, gap 2.01% (tolerance 2.50%), objective 10.06 bn yuan (discounted)\n"
        "absolute gap 0.21 bn yuan (objective less best bound)")  # 0.2022, rounded up
    assert outcome_text("stopped at the time limit with a plan", 0.041) == (
        "stopped at the time limit with a plan, gap 4.10%")
    assert outcome_text("stopped at the time limit without a plan", None) == "stopped at the time limit without a plan"


def test_map_and_layout_titles_say_what_the_terminal_says(folder: Path):
    """The small scenario asked for a 1 % gap and proven within it: the terminal's status line,
    up to "; solved in", and its objective line, up to the best bound, make the second line of
    map.png's title and of plan.qgs's layout title."""
    edit(folder / "scenario.yaml", "  rel_gap: 0\n", "  rel_gap: 0.01\n")
    result = run_solve(folder / "scenario.yaml", folder / "out")
    status_line = next(line for line in format_summary(result).splitlines() if line.startswith("status "))
    outcome = status_line.removeprefix("status").strip().split("; solved in")[0]
    assert outcome.startswith("optimal within the gap, gap ") and outcome.endswith("% (tolerance 1.00%)")
    title = map_title(result.prepared.loaded, result.prepared.inputs, result.report).text()
    objective = next(line for line in format_summary(result).splitlines() if line.startswith("objective "))
    assert title.splitlines()[1] == f"{outcome}, {objective.split(',')[0]}"
    layout = ET.parse(folder / "out" / "plan.qgs").getroot().find("Layouts/Layout")
    assert layout is not None
    labels = [item.get("labelText") for item in layout.iter("LayoutItem") if item.get("id") == "title"]
    assert labels == [title]


# --- the north arrow ---------------------------------------------------------------------------

def corner_sites(built_at: tuple[float, float]) -> gpd.GeoDataFrame:
    """Sites: two not built at (101.5, 26) and (104, 24), in the upper left and lower right
    corners, which set the map's extent, and one built site ("Corner park", capex 40 bn yuan: the
    largest pie) at `built_at`."""
    return gpd.GeoDataFrame(
        {"id": ["nw", "se", "corner"], "name": ["NW", "SE", "Corner park"],
         "status": ["eligible_unused", "eligible_unused", "built"], "capex_yuan": [0.0, 0.0, 40.0e9],
         "added_lfp_2024": [0.0, 0.0, 1.0]},
        geometry=gpd.points_from_xy([101.5, 104.0, built_at[0]], [26.0, 24.0, built_at[1]]), crs="EPSG:4326")


def arrow_and_pies(built_at: tuple[float, float]) -> tuple[Annotation, list, list]:
    """The map of `corner_sites`: the north arrow, its box and the pies' boxes (display units)."""
    layer = make_layer("sites", "Sites", corner_sites(built_at), ["id", "name", "status", "capex_yuan",
                                                                  "added_lfp_2024"])
    figure = map_figure([layer], MapTitle("t", "optimal within the gap", 0.0, 0.0, [2024]), ["lfp"], "EPSG:32648",
                        MapContext(units={"lfp": "t"}, values={"lfp": 1.0}))
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    (arrow,) = [t for t in ax.texts if isinstance(t, Annotation) and t.get_text() == "N"]
    pies = [p.get_window_extent(renderer) for p in ax.patches
            if isinstance(p, (Wedge, Circle)) and 9 <= p.get_zorder() < 9.5]
    return arrow, [arrow.get_window_extent(renderer)], pies


def test_the_north_arrow_leaves_the_corner_a_pie_stands_in():
    """The built site at (103.95, 25.95), in the upper right corner under the arrow's usual place:
    its pie (radius 18.7 points) would cover the arrow there, and the mark of NW holds the upper
    left corner. The arrow takes the next place in `north_arrow_spots`' order, the lower right
    corner, and its box meets no pie's box."""
    arrow, (box,), pies = arrow_and_pies((103.95, 25.95))
    assert len(pies) == 2  # the pie's one slice and its outline
    assert arrow.get_position() == north_arrow_spots()[2] == (0.95, 0.07)
    assert arrow.xy == (0.95, 0.07 + 0.08)
    assert not any(box.overlaps(pie) for pie in pies)


def test_the_north_arrow_keeps_the_upper_right_corner_where_it_is_free():
    """The built site in the middle of the map: the arrow stands in the upper right corner."""
    arrow, (box,), pies = arrow_and_pies((102.75, 25.0))
    assert arrow.get_position() == NORTH_ARROW_AT == north_arrow_spots()[0] == (0.95, 0.87)
    assert arrow.xy == (0.95, 0.87 + 0.08)
    assert not any(box.overlaps(pie) for pie in pies)
