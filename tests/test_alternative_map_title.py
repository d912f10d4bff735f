"""map.png's title of a near-optimal alternative (`siting solve --alternatives N`):
- it names the alternative, as alternatives.md does ("alternative alt01 of 2", after the years on
  its first line), and so does its plan.qgs's layout title, the same text (siting/deliver/files.py
  `map_title`);
- it stays on the page: its second line (the alternative's status in words, then its objective)
  is wider than the page, so it breaks between words within the page's width
  (siting/deliver/mapplot.py `wrap_title`); it ran off the page's right edge at "..., o", the
  objective lost;
- a title of more lines than the standard page leaves room for makes the page taller at the top,
  in whole PAGE_STEP_IN steps, the map and the margin kept where they were from the bottom
  (`clear_title`).

Every check is on display coordinates (pixels) as the figure is drawn: each title text's box lies
inside the page and ends above the map's frame and the legend.
"""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from test_map_label_room import CRS, cluster, county_context, rock_source, sites_on_a_source

from siting.deliver.explore import plan_excess_lines
from siting.deliver.files import SolveOutcome, folder_map_layers, folder_unlined_flows, map_context, map_title
from siting.deliver.mapinfo import MapTitle, scope_title
from siting.deliver.mapplot import DPI, FIGURE_SIZE_IN, PAGE_STEP_IN, TITLE_GAP, map_figure
from siting.prepare.problem import prepare
from tests.conftest import MadeRun


def layout_title(folder: Path) -> str:
    """The plan.qgs print layout's title of the run folder `folder`."""
    layout = ET.parse(folder / "plan.qgs").getroot().find("Layouts/Layout")
    assert layout is not None
    (title,) = [i for i in layout.iter("LayoutItem") if i.get("id") == "title"]
    return title.get("labelText", "")


def titles(figure: Figure) -> list[Text]:
    """The figure's title texts (its suptitle: the only texts placed on the page itself)."""
    return list(figure.texts)


def assert_titles_on_the_page(figure: Figure) -> None:
    """Each title text's drawn box lies inside the page and ends TITLE_GAP points above the top
    of the map's frame and of the legend (pixels, as drawn)."""
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    frame_top = max([ax.get_window_extent(renderer).y1 for ax in figure.axes]
                    + [legend.get_window_extent(renderer).y1 for legend in figure.legends])
    assert titles(figure)
    for text in titles(figure):
        box = text.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, (
            text.get_text(), box, page)
        assert box.y0 >= frame_top + TITLE_GAP * figure.dpi / 72, (text.get_text(), box.y0, frame_top)


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height in pixels (its IHDR chunk)."""
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_each_alternative_s_titles_name_it(small_alternatives_run: MadeRun):
    """`--alternatives 2`: alt01's and alt02's layout titles (map.png's text) say after the
    years which alternative of the two each is; the optimum's says none."""
    out = small_alternatives_run.out
    first = layout_title(out).split("\n")[0]
    assert first.startswith("small: capacity plan ") and "alternative" not in first
    for label in ("alt01", "alt02"):
        lines = layout_title(out / label).split("\n")
        assert lines[0] == f"{first}, alternative {label} of 2"
        assert lines[1].startswith("a near-optimal alternative: its cost is within the slack of the optimum's")


def test_an_alternative_s_map_title_wraps_within_the_page(small_alternatives_run: MadeRun):
    """alt01's map drawn again from its folder, as the run drew it (its title from its
    manifest's outcome and its kind from its `near_optimal` record): the title says what the layout's does,
    its lines as they are (the kind on a line of its own, the objective under it, its cost over the
optimum's last: each fits the page),
    every line inside the page and above the map and the legend; alt01/map.png has the figure's size."""
    folder = small_alternatives_run.out / "alt01"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    solver = manifest["solver"]
    outcome = SolveOutcome(solver["termination"], solver["objective_yuan"] is not None, solver["proven_within_gap"],
                           solver["objective_yuan"], solver["gap"])
    prepared = prepare(small_alternatives_run.scenario, {}, None, ())
    layers = folder_map_layers(folder)
    excess = plan_excess_lines(manifest["near_optimal"])["alt01"]
    title = map_title(prepared.loaded, prepared.inputs, outcome, "alternative alt01 of 2",
                      scope_title(manifest["near_optimal"]), excess)
    figure = map_figure(layers, title, list(prepared.inputs.PRODUCTS), prepared.spatial.working_crs,
                        map_context(prepared, layers), unlined=folder_unlined_flows(folder))
    (heading,) = titles(figure)
    expected = title.text()
    assert expected.replace("\n", " ") == layout_title(folder).replace("\n", " ")
    assert heading.get_text().replace("\n", " ") == expected.replace("\n", " ")
    assert heading.get_text() == expected
    assert heading.get_text().split("\n")[0] == expected.split("\n")[0] == "small: capacity plan 2023-2024, " \
        "alternative alt01 of 2"
    # the objective, then its cost over the optimum's, last, are on the page
    assert heading.get_text().split("\n")[-2:] == [expected.split("\n")[-2], excess]
    assert expected.split("\n")[-2].endswith(" (discounted)")
    assert_titles_on_the_page(figure)
    width, height = figure.get_size_inches()
    assert png_size(folder / "map.png") == (round(width * DPI), round(height * DPI))


def test_a_title_too_long_for_the_page_s_top_grows_it_there():
    """A scenario name of 30 words, all of the title on its first line: the title breaks into
    more lines than the standard page leaves room for above the map, so the page grows at the
    top by whole PAGE_STEP_IN steps; the map's frame and the legend stay where they are, in
    pixels from the page's bottom, as on the page of a short title (which keeps the standard
    size), and every line is on the page, above them."""
    layers = [sites_on_a_source(), rock_source(), cluster()]
    long_name = " ".join(["a-long-scenario-name"] * 30)
    short = map_figure(layers, MapTitle("t", "optimal", 0.0, 0.0, [2023, 2024]), ["lfp"], CRS, county_context())
    tall = map_figure(layers, MapTitle(long_name, "optimal", 0.0, 0.0, [2023, 2024]), ["lfp"], CRS,
                      county_context())
    assert tuple(short.get_size_inches()) == FIGURE_SIZE_IN
    grown = tall.get_figheight() - FIGURE_SIZE_IN[1]
    assert grown > 0 and (grown / PAGE_STEP_IN).is_integer()
    assert tall.get_figwidth() == FIGURE_SIZE_IN[0]
    (heading,) = titles(tall)
    assert heading.get_text().count("\n") >= 4
    assert_titles_on_the_page(short)
    assert_titles_on_the_page(tall)
    for kept in ("axes", "legends"):  # the same pixels, to rounding (1e-13 pixels) of the moved fractions
        boxes = [[list(a.get_window_extent(f.canvas.get_renderer()).extents) for a in getattr(f, kept)]
                 for f in (short, tall)]
        assert len(boxes[0]) == 1 and boxes[1] == [pytest.approx(box, abs=1e-9) for box in boxes[0]]
