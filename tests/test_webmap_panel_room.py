"""report.html's map frames the clusters beside its layer panel, not under it.

The layer panel stands expanded at the map's top right; the map was fitted to the clusters over
its whole width, so on a laptop-sized window the panel covered part of them (on the shipped
plan, Qujing's north-east). Where the map is wide enough for both (the panel leaves at least
0.4 of its width), the clusters are now framed in the room left of the panel; in a narrow window
the panel starts folded to its button and the clusters are framed beside it. Exact facts on the
drawn page in Chromium (the small scenario's report, tests/test_webmap.py's fixtures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_webmap import browser, small_report  # noqa: F401  (fixtures)


def boxes(chromium: Any, report: Path, width: int) -> tuple[dict[str, float], dict[str, float], list[dict[str, float]]]:
    """The map's, the layer panel's and every cluster outline's box (CSS pixels) on the page
    `report` in a window `width` pixels wide."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        map_box = page.locator("#plan-map").bounding_box()
        panel = page.locator(".leaflet-control-layers").bounding_box()
        clusters = page.locator("#plan-map .leaflet-clusters-pane path").evaluate_all(
            "paths => paths.map(p => { const r = p.getBoundingClientRect();"
            " return {x: r.x, y: r.y, width: r.width, height: r.height}; })")
    finally:
        page.close()
    return map_box, panel, clusters


def test_the_panel_covers_no_cluster_in_a_wide_window(browser: Any, small_report: Path) -> None:  # noqa: F811
    map_box, panel, clusters = boxes(browser, small_report / "report.html", 1200)
    assert clusters
    assert panel["width"] <= 0.6 * map_box["width"]  # the room left of it is at least 0.4 of the map
    for cluster in clusters:
        assert cluster["x"] + cluster["width"] <= panel["x"]  # wholly left of the panel
        assert cluster["x"] >= map_box["x"]


def test_a_narrow_window_folds_the_panel_and_frames_the_clusters_beside_it(browser: Any,  # noqa: F811
                                                                          small_report: Path) -> None:  # noqa: F811
    """On a narrow map the panel starts folded to its button (tests/test_webmap_panel_folded.py),
    which leaves the clusters the room left of it."""
    map_box, panel, clusters = boxes(browser, small_report / "report.html", 700)
    assert panel["width"] <= 0.1 * map_box["width"]
    for cluster in clusters:
        assert cluster["x"] + cluster["width"] <= panel["x"]
