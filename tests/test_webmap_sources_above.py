"""Raw-material sources drawn above the sites on report.html's interactive map, the sites' popups
still reached where they overlap (siting/deliver/webmap.py `raised_sources`).

A hand-made plan, one product (LFP), one year (2024):
- s1 "North park" at (102.0, 25.0), built, 1 bn yuan of capex (the largest: a marker of
  6 + 10 = 16 px radius), drawing 50,000 t/yr of phosphate rock from "Rock pit", which stands at
  its point (a flow of no length: a dashed ring of 11 px there);
- s2 "South park" at (102.2, 25.0), eligible and unused (5.5 px, ringed 2.5 px), with "Clay pit" (lithium clay,
  open to the plan) at its point;
- "Sand pit" (phosphate rock) alone at (102.1, 25.1), no site under it.
A source's marker is 4 px (ink edge of 1 px, filled in its resource's colour at 0.9), so a site's
marker (16 px, edge 1 px, or 5.5 px, edge 2.5 px) covers it wholly: drawn under the sites, as the map drew
them, it could not be seen. Its marker is now drawn in a pane above the sites that takes no
click; the click falls through to the site's marker, or, where no site lies under the source, to
the source's invisible hit target in the sources' pane below the sites, which opens its popup.

The browser tests need Chromium and playwright, as tests/test_webmap.py's (skipped without them).
"""

from __future__ import annotations

import io
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
from siting.deliver.styles import BUILT, ELIGIBLE, INK, resource_colours
from siting.deliver.webmap import _hex, head_html, map_html
from tests.conftest import MadeRun

YEARS = [2024]
UNITS = {"lfp": "t"}
S1, S2, LONE = (102.0, 25.0), (102.2, 25.0), (102.1, 25.1)
RESOURCES = ["phosphate_rock", "lithium_clay", "phosphate_rock"]
COLOURS = resource_colours(RESOURCES)


def plan_layers() -> list[OutputLayer]:
    """The sites s1 (built, at Rock pit) and s2 (eligible, at Clay pit), the three sources, and
    the cluster n round them (101.6-102.6 E, 24.6-25.4 N), on which the map opens: the markers
    lie well inside it, so that no popup moves the map."""
    sites = gpd.GeoDataFrame(
        {"id": ["s1", "s2"], "name": ["North park", "South park"], "cluster": ["n", "n"],
         "status": ["built", "eligible_unused"], "capex_yuan": [1.0e9, 0.0], "added_lfp_2024": [20000.0, 0.0],
         "on_site_sources": ["rock", ""], "on_site_t_2024": [50000.0, 0.0]},
        geometry=[shapely.Point(S1), shapely.Point(S2)], crs="EPSG:4326")
    sources = gpd.GeoDataFrame(
        {"id": ["rock", "clay", "sand"], "name": ["Rock pit", "Clay pit", "Sand pit"], "resource": RESOURCES,
         "status": ["producing"] * 3, "supply_t_per_yr": [90000.0, 50000.0, 10000.0], "in_model": [True] * 3,
         "shipped_t_2024": [50000.0, 0.0, 0.0]},
        geometry=[shapely.Point(S1), shapely.Point(S2), shapely.Point(LONE)], crs="EPSG:4326")
    clusters = gpd.GeoDataFrame({"id": ["n"], "name": ["North"], "sites_built_on": [1], "capex_yuan": [1.0e9],
                                 "products_added": ["lfp"]}, geometry=[shapely.box(101.6, 24.6, 102.6, 25.4)],
                                crs="EPSG:4326")
    return [make_layer(name, name.title(), frame, list(frame.columns.drop("geometry")))
            for name, frame in (("sites", sites), ("sources", sources), ("clusters", clusters))]


def page_text() -> str:
    """A page holding the plan's map, as report.html holds one."""
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>map</title>\n'
            f"{head_html()}</head>\n<body>\n{map_html(plan_layers(), ['lfp'], YEARS, UNITS)}\n</body>\n</html>\n")


def map_data(text: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="plan-map-data">(.*?)</script>', text, re.S)
    assert found is not None
    return json.loads(found.group(1))


# --- without a browser -------------------------------------------------------------------------

def test_each_source_is_a_hit_target_under_the_sites_and_a_mark_above_them_that_takes_no_click():
    data = map_data(page_text())
    panes = dict(data["panes"])
    assert panes["sources"] < panes["sites"] < panes["sourcetops"]
    assert max(panes.values()) == panes["sourcetops"]  # nothing drawn over the sources' marks
    (sources,) = [o for o in data["overlays"] if o["key"] == "sources"]
    features = sources["data"]["features"]
    assert [(f["geometry"]["coordinates"], f["properties"]["style"]["pane"]) for f in features] == [
        ([*S1], "sources"), ([*S2], "sources"), ([*LONE], "sources"),
        ([*S1], "sourcetops"), ([*S2], "sourcetops"), ([*LONE], "sourcetops")]
    targets, marks = features[:3], features[3:]
    for target, mark in zip(targets, marks, strict=True):
        # The hit target: the popup, the marker's shape and size, nothing painted.
        assert target["properties"]["popup"].startswith('<div class="popup"><b>')
        assert target["properties"]["style"] == {**mark["properties"]["style"], "pane": "sources", "opacity": 0.0,
                                              "fillOpacity": 0.0, "className": "source-marker", "interactive": True}
        # The mark: no popup, no tooltip, no click.
        assert mark["properties"] == {"popup": "", "style": mark["properties"]["style"]}
        assert mark["properties"]["style"]["interactive"] is False
    assert marks[0]["properties"]["style"] == {
        "radius": 4, "color": _hex(INK), "weight": 1,
        "fillColor": _hex(COLOURS["phosphate_rock"]), "fillOpacity": 0.9, "className": "source-top",
        "pane": "sourcetops", "interactive": False}


def test_the_map_of_the_same_plan_is_the_same_bytes():
    assert page_text() == page_text()


def test_the_small_plan_s_report_draws_its_sources_above_its_sites(small_run: MadeRun):
    """tests/data/small: two sources (West phosphate, Clay lithium), each a hit target in the
    sources' pane and a mark in the pane above the sites."""
    data = map_data((small_run.out / "report.html").read_text(encoding="utf-8"))
    (sources,) = [o for o in data["overlays"] if o["key"] == "sources"]
    assert [(f["properties"]["style"]["pane"], f["properties"]["style"]["interactive"])
            for f in sources["data"]["features"]] == [("sources", True)] * 2 + [("sourcetops", False)] * 2
    panes = [name for name, _z in sorted(data["panes"], key=lambda p: p[1])]
    assert panes.index("sources") < panes.index("sites") < panes.index("sourcetops")


# --- in Chromium ---------------------------------------------------------------------------------

@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Page]:  # noqa: F811
    path = tmp_path / "map.html"
    path.write_text(page_text(), encoding="utf-8")
    opened = Page(browser, path)
    yield opened
    opened.page.close()


def centre(page: Page, selector: str) -> tuple[float, float]:
    """The page coordinates (px) of the centre of the marker `selector` picks (one)."""
    box = page.page.locator(selector).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def hit(page: Page, x: float, y: float) -> str:
    """The class of the element a click at (x, y) reaches."""
    return str(page.page.evaluate("([x, y]) => document.elementFromPoint(x, y).getAttribute('class')", [x, y]))


def pixel(page: Page, x: float, y: float) -> tuple[int, int, int]:
    """The colour painted at (x, y), from a screenshot."""
    from PIL import Image

    shot = page.page.screenshot(clip={"x": x - 0.5, "y": y - 0.5, "width": 1, "height": 1})
    red, green, blue, *_ = Image.open(io.BytesIO(shot)).convert("RGB").getpixel((0, 0))
    return red, green, blue


def nearer(colour: tuple[int, int, int], one: tuple[int, ...], other: tuple[int, ...]) -> bool:
    """Whether `colour` is nearer to `one` than to `other` (RGB)."""
    def far(target: tuple[int, ...]) -> int:
        return sum((a - int(b)) ** 2 for a, b in zip(colour, target[:3], strict=True))
    return far(one) < far(other)


def test_the_source_at_a_site_is_painted_over_its_marker(page: Page):
    """At the centre of each site's marker the source's colour shows, not the site's; the marks'
    pane lies above the sites'."""
    assert page.errors == [] and [m for m in page.messages if m[0] in ("error", "warning")] == []
    assert page.requests == [page.page.url]  # the page itself only: nothing from the network
    built = "#plan-map path.site-built"
    for selector, fill in ((built, BUILT), ("#plan-map path.site-eligible-unused", ELIGIBLE)):
        x, y = centre(page, selector)
        source = COLOURS["phosphate_rock"] if selector == built else COLOURS["lithium_clay"]
        assert nearer(pixel(page, x, y), source, fill), selector
    z = page.page.evaluate("""() => ['path.site-marker', 'path.source-top'].map((s) => Number(getComputedStyle(
        document.querySelector('#plan-map ' + s).closest('.leaflet-pane')).zIndex))""")
    assert z[0] < z[1]


def test_a_click_on_a_site_under_a_source_opens_the_site_s_popup(page: Page):
    for selector, name in (("#plan-map path.site-built", "North park"),
                           ("#plan-map path.site-eligible-unused", "South park")):
        x, y = centre(page, selector)
        assert hit(page, x, y).startswith("site-marker ")
        page.page.mouse.move(x, y)
        tooltip = page.page.locator(".leaflet-tooltip")
        tooltip.wait_for()
        assert tooltip.inner_text() == name
        page.page.mouse.click(x, y)
        popup = page.page.locator(".leaflet-popup-content b").first
        popup.wait_for()
        assert popup.inner_text() == name
        page.page.locator(".leaflet-popup-close-button").click()
        page.page.locator(".leaflet-popup").wait_for(state="detached")
        page.page.mouse.move(1, 1)  # off the map
        page.page.locator(".leaflet-tooltip").wait_for(state="detached")


def test_a_click_on_a_lone_source_opens_the_source_s_popup(page: Page):
    x, y = centre(page, "#plan-map path.source-marker >> nth=2")  # Sand pit, the third source
    assert hit(page, x, y) == "source-marker leaflet-interactive"
    assert nearer(pixel(page, x, y), COLOURS["phosphate_rock"], (0xf4, 0xf2, 0xec))  # painted, not background
    page.page.mouse.click(x, y)
    popup = page.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("b").first.inner_text() == "Sand pit"
    assert "<tr><th>supply</th><td>10,000 t/yr</td></tr>" in popup.inner_html()
    assert page.errors == []


def test_unticking_the_sources_removes_their_marks_with_their_hit_targets(page: Page):
    sources = page.page.get_by_label("Raw-material sources")
    assert page.page.locator("#plan-map path.source-top").count() == 3
    sources.uncheck()
    assert page.page.locator("#plan-map path.source-top").count() == 0
    assert page.page.locator("#plan-map path.source-marker").count() == 0
    sources.check()
    assert page.page.locator("#plan-map path.source-top").count() == 3
    assert page.page.locator("#plan-map path.source-marker").count() == 3
