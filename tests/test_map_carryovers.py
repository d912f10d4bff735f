"""Carried-over map defects:
- report.html's interactive map draws the hubs and the gateway over the sites' markers, as map.png
  draws its hub marks over the pies (siting/deliver/webmap.py PANES): the hubs' pane lay under
  the sites' (z-index 427 against 430), so a hub within a site's marker was hidden, and a click
  there reached the site; the dashed ring of a hub's flows without a line lay under them too;
- conflicts.png draws a source in its resource's colour, the one map.png gives it (its legend
  keys each resource): every source was one brown (siting/deliver/explore.py `source_groups`);
- plan.qgs's layout title and map.png's break a title alike, each by its own measure
  (siting/deliver/mapinfo.py `title_lines`, `title_pieces`): map.png's left a word without
  underscores whole however wide, and it ran off the page.

The web map's plan is hand-made: one product (LFP), one year (2024); the site s1 "North park",
built, 1 bn yuan of capex (a marker of 16 px radius), at (102.0, 25.0), where the hub of its
cluster n stands; the gateway at (102.3, 25.2), importing LFP to the hub.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from matplotlib.colors import to_rgba
from test_map_label_room import CRS, cluster, county_context, rock_source, sites_on_a_source
from test_webmap import Page, browser  # noqa: F401 (the fixture skipping without Chromium)
from test_webmap_sources_above import centre, hit, map_data, nearer, pixel

from siting.deliver.explore import CONFLICT_ROLES, conflict_layers, conflicts_figure, drawing_style
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapinfo import MapTitle, title_lines, title_pieces
from siting.deliver.mapplot import map_figure
from siting.deliver.qgisproject import wrap_title
from siting.deliver.styles import BUILT, resource_colours
from siting.deliver.webmap import head_html, map_html, unlined_features
from siting.optimize.explain import Conflict, Diagnosis, RuleInstance
from siting.prepare.problem import Prepared, prepare, redline_settings

# --- 1. report.html: the hubs over the sites -----------------------------------------------------

HUB, GATEWAY = (102.0, 25.0), (102.3, 25.2)


def hub_plan_layers() -> list[OutputLayer]:
    """The site s1 at the hub of its cluster n, the hub and the gateway, the gateway's LFP flow
    to the hub in 2024, and the cluster (101.6-102.6 E, 24.6-25.4 N), on which the map opens."""
    sites = gpd.GeoDataFrame(
        {"id": ["s1"], "name": ["North park"], "cluster": ["n"], "status": ["built"], "capex_yuan": [1.0e9],
         "added_lfp_2024": [20000.0]}, geometry=[shapely.Point(HUB)], crs="EPSG:4326")
    hubs = gpd.GeoDataFrame(
        {"id": ["hub_n", "gateway"], "kind": ["hub", "gateway"], "node": ["n", "gateway"], "cluster": ["n", None],
         "name": ["North", "Port"]}, geometry=[shapely.Point(HUB), shapely.Point(GATEWAY)], crs="EPSG:4326")
    flows = gpd.GeoDataFrame(
        {"id": ["gateway_to_hub:gateway->n:lfp:2024"], "kind": ["gateway_to_hub"], "from": ["gateway"], "to": ["n"],
         "product": ["lfp"], "unit": ["t/yr"], "year": [2024], "units": [5000.0], "km": [38.0]},
        geometry=[shapely.LineString([GATEWAY, HUB])], crs="EPSG:4326")
    clusters = gpd.GeoDataFrame({"id": ["n"], "name": ["North"], "sites_built_on": [1], "capex_yuan": [1.0e9],
                                 "products_added": ["lfp"]}, geometry=[shapely.box(101.6, 24.6, 102.6, 25.4)],
                                crs="EPSG:4326")
    return [make_layer(name, name.title(), frame, list(frame.columns.drop("geometry")))
            for name, frame in (("sites", sites), ("hubs", hubs), ("product_flows", flows), ("clusters", clusters))]


def hub_page_text() -> str:
    """A page holding the plan's map, as report.html holds one."""
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>map</title>\n'
            f"{head_html()}</head>\n<body>\n{map_html(hub_plan_layers(), ['lfp'], [2024], {'lfp': 't'})}\n"
            "</body>\n</html>\n")


def test_the_hubs_pane_lies_over_the_sites_and_under_the_sources_marks():
    """The hubs and the gateway are drawn in the pane "hubs", whose z-index is above the sites'
    and below the sources' marks' (which take no click); the panes' z-indexes are distinct."""
    data = map_data(hub_page_text())
    panes = dict(data["panes"])
    assert len(set(panes.values())) == len(panes)
    assert panes["sites"] < panes["hubs"] < panes["sourcetops"]
    (hubs,) = [o for o in data["overlays"] if o["key"] == "hubs"]
    assert [(f["geometry"]["coordinates"], f["properties"]["style"]["pane"]) for f in hubs["data"]["features"]] == [
        ([*GATEWAY], "hubs"), ([*HUB], "hubs")]
    (site,) = [f for o in data["overlays"] if o["key"] == "sites-built" for f in o["data"]["features"]]
    assert site["geometry"]["coordinates"] == [*HUB] and site["properties"]["style"]["pane"] == "sites"


def test_the_ring_of_a_hub_s_flows_without_a_line_lies_over_the_sites():
    """The dashed ring at a hub where a year's flows have no line (an import from the gateway
    standing at the hub) is drawn in the hubs' pane, over the site's marker there, as map.png
    draws it over the pies; it lay in the product flows' pane, under the sites."""
    hubs = hub_plan_layers()[1]
    rings = unlined_features([{"kind": "gateway_to_hub", "from": "gateway", "to": "n", "product": "lfp",
                               "year": 2024, "units": 5000.0, "km": 0.0}], hubs, {"lfp": "t"})
    assert [(year, [(f["geometry"]["coordinates"], f["properties"]["style"]["className"],
                     f["properties"]["style"]["pane"]) for f in found]) for year, found in rings.items()] == [
        (2024, [([*HUB], "product-flow-unlined", "hubs")])]


@pytest.fixture
def hub_page(browser: Any, tmp_path: Path) -> Iterator[Page]:  # noqa: F811
    path = tmp_path / "map.html"
    path.write_text(hub_page_text(), encoding="utf-8")
    opened = Page(browser, path)
    yield opened
    opened.page.close()


def test_a_hub_at_a_site_is_painted_over_the_site_s_marker_and_takes_the_click(hub_page: Page):
    """Hubs ticked: at the hub's centre, inside the site's marker, the hub's white fill shows
    and a click reaches the hub's marker, which opens the hub's popup."""
    page = hub_page
    page.page.get_by_label("Hubs and the gateway").check()
    x, y = centre(page, "#plan-map path.hub-marker >> nth=1")  # the gateway is drawn first
    sx, sy = centre(page, "#plan-map path.site-built")
    assert (round(x), round(y)) == (round(sx), round(sy))
    assert hit(page, x, y).startswith("hub-marker ")
    assert nearer(pixel(page, x, y), (255, 255, 255), BUILT)
    page.page.mouse.click(x, y)
    popup = page.page.locator(".leaflet-popup-content b").first
    popup.wait_for()
    assert popup.inner_text() == "North hub"
    assert page.errors == [] and [m for m in page.messages if m[0] in ("error", "warning")] == []


# --- 2. conflicts.png: sources by resource ------------------------------------------------------

@pytest.fixture
def small(folder: Path) -> Prepared:
    return prepare(folder / "scenario.yaml", {})


def test_conflicts_png_draws_each_source_in_its_resource_s_colour(small: Prepared):
    """tests/data/small: a rule naming the site w_mine and both sources, rock_w (phosphate rock)
    and li_clay (lithium clay): each source's square is filled in its resource's colour as
    map.png gives it (`resource_colours` of the sources layer: phosphate rock (105, 105, 85),
    lithium clay (80, 105, 115)), and the legend keys each resource, after the site."""
    diagnosis = Diagnosis((Conflict(RuleInstance("proximity", ("west", "phosphate_rock")), "a rule", "x",
                                    sites=("w_mine",), clusters=("west",), sources=("rock_w", "li_clay")),),
                          irreducible=True)
    areas, points = conflict_layers(diagnosis, small.spatial, redline_settings(small.loaded), small.names)
    colours = resource_colours(list(small.spatial.sources["resource"]))
    assert colours == {"lithium_clay": (80, 105, 115), "phosphate_rock": (105, 105, 85)}
    where = {(round(p.x, 3), round(p.y, 3)): str(i) for i, p in
             zip(small.spatial.sources["id"], small.spatial.sources.to_crs(small.spatial.clusters.crs).geometry,
                 strict=True)}
    with drawing_style():
        figure = conflicts_figure(diagnosis, small.spatial, areas, points, "rules")
        figure.canvas.draw()
    ax = figure.axes[0]
    filled = {}
    for collection in ax.collections:
        if collection.get_zorder() != 5:
            continue
        for (x, y), face in zip(collection.get_offsets(), collection.get_facecolors(), strict=False):
            key = (round(float(x), 3), round(float(y), 3))
            if key in where:
                filled[where[key]] = tuple(float(c) for c in face)
    assert filled == {"rock_w": to_rgba([c / 255 for c in colours["phosphate_rock"]]),
                      "li_clay": to_rgba([c / 255 for c in colours["lithium_clay"]])}
    assert [t.get_text() for t in ax.get_legend().get_texts()][-3:] == [
        CONFLICT_ROLES["site"], "Source of a conflicting rule: lithium clay",
        "Source of a conflicting rule: phosphate rock"]


# --- 4. one way of breaking a title ---------------------------------------------------------------

def at_most(width: int) -> Any:
    """A measure of a title: whether a text has at most `width` characters."""
    return lambda text: len(text) <= width


def test_a_word_too_wide_breaks_after_underscores_dots_and_hyphens_then_between_letters():
    assert title_pieces("yunnan_2024", at_most(11)) == ["yunnan_2024"]
    assert title_pieces("yunnan_2024_strict_redline", at_most(10)) == ["yunnan_", "2024_", "strict_", "redline"]
    assert title_pieces("v1.2-final__x", at_most(4)) == ["v1.", "2-", "fina", "l__", "x"]
    assert title_pieces("abcdefghijklmnopqrstuvwxy", at_most(10)) == ["abcdefghij", "klmnopqrst", "uvwxy"]
    assert title_lines("plan yunnan_2024_strict_redline, optimal\nshort", at_most(16)) == [
        "plan yunnan_", "2024_strict_", "redline, optimal", "short"]


def test_plan_qgs_title_breaks_by_the_shared_rule_at_its_measure():
    """qgisproject.wrap_title is `title_lines` with the bold DejaVu Sans width in mm for its
    measure: a name of 200 letters in a 100 mm frame at 10 pt breaks into pieces whose letters
    are the name's, in order."""
    name = "z" * 200
    lines = wrap_title(f"{name}: capacity plan", 100.0, 10.0)
    assert len(lines) > 2 and "".join(lines[:-1]) + lines[-1].split(":")[0] == name
    assert lines[-1].endswith(": capacity plan")


def test_map_png_breaks_a_name_without_underscores_within_the_page():
    """A scenario name of 300 letters and no underscore, wider than the page: map.png's title
    breaks it between letters, as plan.qgs's does, each line inside the page (it stayed whole,
    past the page's right edge)."""
    name = "z" * 300
    figure = map_figure([sites_on_a_source(), rock_source(), cluster()],
                        MapTitle(name, "optimal", 0.0, 0.0, [2023, 2024]), ["lfp"], CRS, county_context())
    (heading,) = figure.texts
    renderer = figure.canvas.get_renderer()
    lines = heading.get_text().split("\n")
    assert re.sub(r"\s", "", "".join(lines)).startswith(name + ":")
    assert len([line for line in lines if set(line) == {"z"}]) >= 2
    box = heading.get_window_extent(renderer)
    assert figure.bbox.x0 <= box.x0 and box.x1 <= figure.bbox.x1
