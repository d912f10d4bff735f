"""Sources that stand at the very same point all show, and all open their popups, on
report.html's interactive map (siting/deliver/webmap.py `source_radii`).

The shipped sources layer places `aluminium_wenshan` and `manganese_wenshan` both at Wenshan's
town seat (104.23, 23.37). The web map drew every source as a circle of radius 4 px, so the
manganese marker, drawn after the aluminium one, hid it and its popup could not be reached.
They are now nested as map.png nests its triangles (mapplot.py `source_sizes`): the first drawn
the widest (4 + 4 = 8 px), the last at 4 px, so a click on the outer ring (6 px from the
centre) opens the aluminium source's popup and a click on the centre the manganese source's.

A hand-made layer, one year (2024): "Wenshan aluminium" and "Wenshan manganese" at (104.23,
23.37) and "Jianshui manganese" alone at (102.83, 23.62), inside a cluster outline round both
(102.5-104.5 E, 23.0-24.0 N) on which the map opens. The browser test needs Chromium and
playwright, as tests/test_webmap.py's (skipped without them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from test_webmap import Page, browser  # noqa: F401 (the fixture skipping without Chromium)

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.styles import resource_colours
from siting.deliver.webmap import SOURCE_NEST_PX, SOURCE_RADIUS, head_html, map_html, source_features

WENSHAN, JIANSHUI = (104.23, 23.37), (102.83, 23.62)
RESOURCES = ["aluminium", "manganese", "manganese"]


def plan_layers() -> list[OutputLayer]:
    """The three sources and the cluster round them (no site)."""
    sources = gpd.GeoDataFrame(
        {"id": ["aluminium_wenshan", "manganese_wenshan", "manganese_jianshui"],
         "name": ["Wenshan aluminium", "Wenshan manganese", "Jianshui manganese"], "resource": RESOURCES,
         "status": ["producing"] * 3, "supply_t_per_yr": [3430000.0, 77500.0, 77500.0], "in_model": [True] * 3,
         "shipped_t_2024": [0.0, 0.0, 0.0]},
        geometry=[shapely.Point(WENSHAN), shapely.Point(WENSHAN), shapely.Point(JIANSHUI)], crs="EPSG:4326")
    clusters = gpd.GeoDataFrame({"id": ["s"], "name": ["South"], "sites_built_on": [0], "capex_yuan": [0.0],
                                 "products_added": [""]}, geometry=[shapely.box(102.5, 23.0, 104.5, 24.0)],
                                crs="EPSG:4326")
    return [make_layer(name, name.title(), frame, list(frame.columns.drop("geometry")))
            for name, frame in (("sources", sources), ("clusters", clusters))]


def test_sources_at_one_point_are_nested_the_first_drawn_widest():
    """Before the fix every radius was 4."""
    sources = plan_layers()[0]
    radii = [f["properties"]["style"]["radius"] for f in source_features(sources, [2024], resource_colours(RESOURCES))]
    assert radii == [SOURCE_RADIUS + SOURCE_NEST_PX, SOURCE_RADIUS, SOURCE_RADIUS] == [8, 4, 4]


def test_three_sources_at_one_point_each_one_place_wider():
    frame = plan_layers()[0].frame
    three = gpd.GeoDataFrame({**{c: [frame[c].iloc[0]] * 3 for c in frame.columns if c != "geometry"}},
                             geometry=[shapely.Point(WENSHAN)] * 3, crs="EPSG:4326")
    layer = make_layer("sources", "Sources", three, list(three.columns.drop("geometry")))
    assert [f["properties"]["style"]["radius"] for f in source_features(layer, [2024], {})] == [12, 8, 4]


# --- in Chromium ---------------------------------------------------------------------------------

@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Page]:  # noqa: F811
    text = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>map</title>\n'
            f"{head_html()}</head>\n<body>\n{map_html(plan_layers(), [], [2024], {})}\n</body>\n</html>\n")
    found = re.search(r'<script type="application/json" id="plan-map-data">(.*?)</script>', text, re.S)
    assert found is not None and json.loads(found.group(1))
    path = tmp_path / "map.html"
    path.write_text(text, encoding="utf-8")
    opened = Page(browser, path)
    yield opened
    opened.page.close()


def popup_name(page: Page, x: float, y: float) -> str:
    """The bold name in the popup a click at (x, y) opens; the popup closed again."""
    page.page.mouse.click(x, y)
    popup = page.page.locator(".leaflet-popup-content b").first
    popup.wait_for()
    name = popup.inner_text()
    page.page.locator(".leaflet-popup-close-button").click()
    page.page.locator(".leaflet-popup").wait_for(state="detached")
    return name


def test_both_popups_at_one_point_open(page: Page):
    """The aluminium source's (first, widest) marker: a click 6 px right of the shared centre,
    on its ring, opens its popup; a click at the centre opens the manganese source's."""
    assert page.errors == []
    box = page.page.locator("#plan-map path.source-marker >> nth=0").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert popup_name(page, x + 6, y) == "Wenshan aluminium"
    assert popup_name(page, x, y) == "Wenshan manganese"
