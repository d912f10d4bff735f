"""conflicts.png's and robustness.png's titles stay on the page (siting/deliver/explore.py
`_title`): a scenario's name has no length limit, and a title of a long name ran off the page's
right edge, losing what the picture shows. The title is broken between words (and a word wider
than the page after its underscores) where it would run past the page's edge, PAGE_EDGE points
kept free, and the page grows at the top until the lines end TITLE_GAP points above the map."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_robustness_png_labels import shipped_layer

from siting.deliver.explore import conflict_layers, conflicts_figure, drawing_style, robustness_figure
from siting.deliver.mapplot import PAGE_EDGE, TITLE_GAP
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance
from siting.prepare.problem import Prepared, prepare, redline_settings
from tests.conftest import SHIPPED

LONG = ("yunnan_2024_with_a_two_kilometre_red_line_buffer_and_ten_kilometre_lake_setbacks_for_every_chemical_process"
        ": rules not proven to conflict")


@pytest.fixture(scope="module")
def shipped() -> Prepared:
    """The shipped scenario, preprocessed (no solve)."""
    return prepare(SHIPPED, {})


def check_title(figure: Any, title: str) -> None:
    """The figure's title says `title` (lines broken only between words or after an underscore of
    a word wider than the page), lies within the page,
    PAGE_EDGE points off its right edge, and ends at least TITLE_GAP points above the map."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    heading = figure._suptitle
    assert re.sub(r"(?<!_)\n", " ", heading.get_text()).replace("\n", "") == title
    assert heading.get_text().count("\n") >= 1  # too long for one line at this page's width
    box = heading.get_window_extent(renderer)
    points = figure.dpi / 72
    assert box.x1 <= figure.bbox.x1 - PAGE_EDGE * points + 0.5
    assert box.y1 <= figure.bbox.y1
    assert box.y0 >= figure.axes[0].get_window_extent(renderer).y1 + TITLE_GAP * points - 0.5


def test_a_long_conflicts_title_is_broken_within_the_page(shipped: Prepared):
    five = ("yuxi_longquan", "yimen", "huaning", "jiangchuan", "tonghai")
    land = Conflict(RuleInstance("land", ("yuxi",)), "Yuxi's 5 candidate sites have 512 ha of usable land",
                    "layers.sites.usable_area_field", sites=five, clusters=("yuxi",))
    diagnosis = Diagnosis((land,), irreducible=True)
    areas, points = conflict_layers(diagnosis, shipped.spatial, redline_settings(shipped.loaded), shipped.names)
    figure = conflicts_figure(diagnosis, shipped.spatial, areas, points, LONG)
    with drawing_style():
        check_title(figure, LONG)


def test_a_long_robustness_title_is_broken_within_the_page(shipped: Prepared):
    figure = robustness_figure(shipped_layer(shipped), shipped.spatial, LONG, shipped.names)
    with drawing_style():
        check_title(figure, LONG)
