"""The interactive map of report.html, opened in real headless Chromium.

The small scenario (tests/data/small; its plan is derived in tests/test_api.py): four candidate
sites, of which three are built: w_mine ("West mine park", cluster west) with 4 FePO4 modules of
100,000 t and 2 LFP modules of 50,000 t, 4.0 bn yuan of capex (4 x 0.5 + 2 x 1.0); e_city ("East
city") with 2 LFP modules, 2.0 bn yuan; e_far ("East far") with one LFP module and one 10 GWh cells
module, 3.5 bn yuan (1.0 + 2.5). w_lake lies in the lake's buffer; no site is eligible but unused.
Phosphate rock flows from rock_w to w_mine (2 t per t of FePO4). The page must load from disk with
no network, draw one marker per site, switch layers, and open a site's popup with its capacities on
a click.

The browser tests need Chromium (`apt-get install chromium`) and the `playwright` package (test
extras); they are skipped, saying which is missing, where either is absent.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely

from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.styles import STATUS_LABELS
from siting.deliver.webmap import LEAFLET_VERSION, head_html, leaflet_assets, map_html, reach_text, site_features
from tests.conftest import MadeRun

STATIC = Path(__file__).parents[1] / "siting" / "deliver" / "static"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: The built sites' layer: three, their markers on the scale of the largest, w_mine's 4 bn yuan.
BUILT_LABEL = f"Sites: {STATUS_LABELS['built']} (3; size by capex, full size 4.00 bn yuan)"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def small_report(small_run: MadeRun) -> Path:
    """The output folder of one solve of the small scenario (conftest's `small_run`, solved once
    for the session; read-only)."""
    return small_run.out


# --- without a browser -------------------------------------------------------------------------

def test_bundled_leaflet_is_the_recorded_version_and_checksum():
    script = (STATIC / "leaflet" / "leaflet.js").read_bytes()
    css = (STATIC / "leaflet" / "leaflet.css").read_bytes()
    readme = (STATIC / "README.md").read_text(encoding="utf-8")
    assert script.startswith(b"/* @preserve\n * Leaflet " + LEAFLET_VERSION.encode() + b", ")
    assert f"| version | {LEAFLET_VERSION} |" in readme
    assert f"`{hashlib.sha256(script).hexdigest()}`" in readme
    assert f"`{hashlib.sha256(css).hexdigest()}`" in readme
    assert (STATIC / "leaflet" / "LICENSE").read_text(encoding="utf-8").startswith("BSD 2-Clause License")


def test_page_assets_are_inlined_with_images_as_data_uris():
    css, script = leaflet_assets()
    assert "url(images/" not in css
    assert len(re.findall(r"url\(data:image/png;base64,", css)) == 3  # layers, layers-2x, marker-icon
    assert "sourceMappingURL" not in script
    assert "</script" not in script
    head = head_html()
    assert "<link" not in head and " src=" not in head


def test_report_html_loads_no_file_and_no_url(small_report: Path):
    page = (small_report / "report.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*\ssrc=|<link\b|<iframe\b", page) == []
    assert page.count('<div id="plan-map"') == 1
    assert "report.md" in {p.name for p in small_report.iterdir()}
    assert "plan-map" not in (small_report / "report.md").read_text(encoding="utf-8")


def _map_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="plan-map-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_map_data_has_one_site_marker_per_site_with_its_capacities(small_report: Path):
    data = _map_data((small_report / "report.html").read_text(encoding="utf-8"))
    overlays = {o["key"]: o for o in data["overlays"]}
    assert list(overlays) == ["sites-built", "sites-excluded_redline", "product-flows-2023", "product-flows-2024",
                              "hubs", "flows", "sources", "zones", "redline", "clusters"]
    sites = json.loads((small_report / "sites.geojson").read_text(encoding="utf-8"))["features"]
    drawn = [f for key, o in overlays.items() if key.startswith("sites-") for f in o["data"]["features"]]
    assert len(drawn) == len(sites) == 4
    built = overlays["sites-built"]["data"]["features"]
    assert [f["properties"]["tooltip"] for f in built] == ["West mine park", "East city", "East far"]
    popup = built[0]["properties"]["popup"]
    assert "<tr><th>capex, undiscounted</th><td>4.00 bn yuan</td></tr>" in popup
    assert '<tr><td>FePO4</td><td>t/yr</td><td class="n">400,000</td></tr>' in popup
    assert '<tr><td>LFP</td><td>t/yr</td><td class="n">100,000</td></tr>' in popup
    assert "Cells" not in popup
    # East city: 30 ha, 2 of them taken by its committed LFP project (10,000 t/yr at 10 ha per 50,000 t).
    city = built[1]["properties"]["popup"]
    assert ("<tr><th>usable land</th><td>30 ha</td></tr><tr><th>committed projects take</th><td>2 ha</td></tr>"
            "<tr><th>left for new modules</th><td>28 ha</td></tr><tr><th>new modules take</th><td>20 ha</td></tr>"
            ) in city
    assert "after the red line" not in city
    far = built[2]["properties"]["popup"]
    assert "<tr><th>capex, undiscounted</th><td>3.50 bn yuan</td></tr>" in far
    assert '<tr><td>LFP</td><td>t/yr</td><td class="n">50,000</td></tr>' in far
    assert '<tr><td>Cells</td><td>GWh/yr</td><td class="n">10</td></tr>' in far
    # One raw-material flow: rock_w -> w_mine.
    assert len(overlays["flows"]["data"]["features"]) == 1
    # The map opens on the clusters: west 102.0-102.5 E, east 103.0-103.5 E, both 24.5-25.0 N.
    assert data["bounds"] == [[24.5, 102.0], [25.0, 103.5]]


def test_context_polygons_are_drawn_as_outlines_below_the_plan(small_report: Path):
    """Byte-identical pages across runs are checked with every output in tests/test_gis_outputs.py."""
    frame = gpd.read_file(small_report / "clusters.geojson")
    clusters = make_layer("clusters", "Clusters", frame, [c for c in frame.columns if c != "geometry"], None,
                          "MultiPolygon")
    county = shapely.Polygon([(102.123456, 24.5), (102.2, 24.5), (102.2, 24.654321)])
    context = gpd.GeoDataFrame({"id": ["c1"], "name": ["County"]}, geometry=[county], crs="EPSG:4326")
    page = map_html([clusters], ["lfp"], [2024], {"lfp": "t"}, context)
    data = _map_data(page)
    assert [o["key"] for o in data["overlays"]] == ["clusters", "context"]
    outline = data["overlays"][1]["data"]["features"]
    assert outline == [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
        [[102.12346, 24.5], [102.2, 24.5], [102.2, 24.65432], [102.12346, 24.5]]]},
        "properties": {"popup": "", "style": {"color": "#8c8c8c", "fill": False, "interactive": False,
                                              "pane": "outlines", "weight": 0.8}}}]
    panes = [name for name, _z in data["panes"]]
    assert panes.index("outlines") < panes.index("clusters") < panes.index("sites")
    assert page == map_html([clusters], ["lfp"], [2024], {"lfp": "t"}, context)


def test_site_popup_and_tooltip_escape_names_and_state_units():
    """A hand-made built site: 2.5 GWh of cells over two years and 1.2 bn yuan of capex."""
    frame = gpd.GeoDataFrame({
        "id": ["s<1>"], "name": ["Lake & <Park>"], "cluster": ["west"], "status": ["built"], "capex_yuan": [1.2e9],
        "excluded_redline": ["ncm_precursor"], "excluded_proximity": [""], "on_site_sources": [""],
        "added_cells_2023": [1.0], "added_cells_2024": [1.5], "added_lfp_2023": [0.0], "added_lfp_2024": [0.0],
    }, geometry=[shapely.Point(102.1, 24.6)], crs="EPSG:4326")
    sites = OutputLayer("sites", "Sites", frame, (), "Point")
    features = site_features(sites, ["lfp", "cells"], [2023, 2024], {"lfp": "t", "cells": "GWh"})
    assert list(features) == ["built"]
    (feature,) = features["built"]
    assert feature["properties"]["tooltip"] == "Lake &amp; &lt;Park&gt;"
    assert feature["properties"]["popup"] == (
        '<div class="popup"><b>Lake &amp; &lt;Park&gt;</b><table><tr><th>site</th><td>s&lt;1&gt;</td></tr>'
        "<tr><th>cluster</th><td>west</td></tr>"
        f"<tr><th>status</th><td>{STATUS_LABELS['built']}</td></tr>"
        "<tr><th>capex, undiscounted</th><td>1.20 bn yuan</td></tr>"
        "<tr><th>red line excludes</th><td>NCM precursor</td></tr></table>"
        '<table class="capacity"><tr><th>product</th><th>unit</th><th>capacity added 2023-2024</th></tr>'
        '<tr><td>Cells</td><td>GWh/yr</td><td class="n">2.5</td></tr></table></div>')
    # The only built site has the largest capex: the largest marker, 16 px.
    assert feature["properties"]["style"]["radius"] == 16.0
    assert feature["geometry"] == {"type": "Point", "coordinates": [102.1, 24.6]}


def test_site_popup_gives_the_land_and_where_the_plant_must_stand():
    """A hand-made built cell of 1,369 ha, 1,368.9 of them outside the lake setback of FePO4 and
    Electrolyte, which it builds: 0.145 ha of its area lie inside; the land rows come after capex."""
    frame = gpd.GeoDataFrame({
        "id": ["cell-1"], "name": ["cell-1"], "cluster": ["kunming"], "status": ["built"], "capex_yuan": [3.4e10],
        "usable_land_ha": [1369.0], "land_after_redline_ha": [1369.0], "land_committed_ha": [0.0],
        "land_free_ha": [1369.0], "land_used_ha": [412.5], "setback_products": ["fepo4,electrolyte"],
        "setback_reach": ["lake 5000 m"], "setback_overlap_ha": [0.145], "land_outside_setback_ha": [1368.9],
        "excluded_redline": [""], "excluded_proximity": [""], "on_site_sources": [""], "added_fepo4_2024": [1.0],
    }, geometry=[shapely.Point(102.7, 25.0)], crs="EPSG:4326")
    sites = OutputLayer("sites", "Sites", frame, (), "Point")
    assert reach_text("lake 5000 m, nature_reserve 1500 m, river 500 m") == (
        "the 5 km lake setback and the 1.5 km nature reserve setback and the 500 m river setback")
    (feature,) = site_features(sites, ["fepo4"], [2024], {"fepo4": "t"})["built"]
    assert ("<tr><th>capex, undiscounted</th><td>34.00 bn yuan</td></tr>"
            "<tr><th>usable land</th><td>1,369 ha</td></tr><tr><th>new modules take</th><td>412.5 ha</td></tr>"
            "<tr><th>inside the zones of FePO4, Electrolyte</th><td>0.145 ha, within the 5 km lake setback (the "
            "farthest of them)</td></tr>"
            "<tr><th>the plant with the least land stands on</th><td>1,368.9 ha outside its zone</td></tr></table>"
            ) in feature["properties"][
        "popup"]


# --- in Chromium ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing (pip install -e '.[test]')")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A page of report.html with what it logged and requested."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.messages: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.on("console", lambda m: self.messages.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")


@pytest.fixture
def page(browser: Any, small_report: Path) -> Iterator[Page]:
    opened = Page(browser, small_report / "report.html")
    yield opened
    opened.page.close()


def test_page_loads_without_console_errors_or_network(page: Page, small_report: Path):
    assert page.errors == []
    assert [m for m in page.messages if m[0] in ("error", "warning")] == []
    # Only the file itself: no CDN, no tiles, no image files (Leaflet's images are data URIs).
    assert page.requests == [(small_report / "report.html").as_uri()]


def test_map_draws_every_site_and_the_other_layers(page: Page):
    assert page.page.locator("#plan-map path.site-marker").count() == 4
    assert page.page.locator("#plan-map path.site-built").count() == 3
    assert page.page.locator("#plan-map path.site-eligible-unused").count() == 0
    assert page.page.locator("#plan-map path.site-excluded-redline").count() == 1
    # Two sources: West phosphate (producing) and Clay lithium (prospective, not open to the plan).
    assert page.page.locator("#plan-map path.source-marker").count() == 2
    labels = page.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [label.strip() for label in labels] == [
        BUILT_LABEL, f"Sites: {STATUS_LABELS['excluded_redline']} (1)", "Product flows 2023",
        "Product flows 2024 (final year)", "Hubs and the gateway",
        "Raw-material flows (width by tonnage)", "Raw-material sources", "Red-line buffer and setbacks",
        "Red line (protected land and water)", "Clusters"]
    assert page.page.locator(".leaflet-control-scale-line").inner_text() != ""


def test_switching_a_layer_off_removes_its_markers(page: Page):
    page.page.get_by_label(BUILT_LABEL).uncheck()
    assert page.page.locator("#plan-map path.site-built").count() == 0
    assert page.page.locator("#plan-map path.site-marker").count() == 1
    page.page.get_by_label(BUILT_LABEL).check()
    assert page.page.locator("#plan-map path.site-marker").count() == 4


def test_a_click_on_a_built_site_opens_its_popup_with_capacities(page: Page):
    assert page.page.locator(".leaflet-popup").count() == 0
    page.page.locator("#plan-map path.site-built").first.click()  # the first built site drawn: w_mine
    popup = page.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("b").first.inner_text() == "West mine park"
    rows = popup.locator("tr").evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert rows == [["site", "w_mine"], ["cluster", "west"], ["status", STATUS_LABELS["built"]],
                    ["capex, undiscounted", "4.00 bn yuan"], ["usable land", "100 ha"], ["new modules take", "100 ha"],
                    ["product", "unit", "capacity added 2023-2024"], ["FePO4", "t/yr", "400,000"],
                    ["LFP", "t/yr", "100,000"]]
    assert page.errors == []
