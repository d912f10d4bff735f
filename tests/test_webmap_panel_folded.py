"""The interactive map's layer panel starts folded on a narrow map.

At an 800-px window the open panel covered about 70 % of the map's width over its top half. The
page's script now decides Leaflet's `collapsed` from the map's width: folded to its button below
PANEL_OPEN_MIN_PX (900 px), open otherwise. Exact facts in Chromium on the small scenario's
report (tests/test_webmap.py's fixtures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_webmap import browser, small_report  # noqa: F401  (fixtures)

from siting.deliver.webmap import PANEL_OPEN_MIN_PX, SCRIPT


def test_the_script_decides_from_the_map_width() -> None:
    assert PANEL_OPEN_MIN_PX == 900
    assert "collapsed: map.getSize().x < 900," in SCRIPT
    assert "collapsed: false" not in SCRIPT


def panel(chromium: Any, report: Path, width: int) -> tuple[float, float, bool]:
    """The map's width, the panel's width and whether it stands open, in a window `width` wide."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        map_box = page.locator("#plan-map").bounding_box()
        control = page.locator(".leaflet-control-layers")
        return (map_box["width"], control.bounding_box()["width"],
                "leaflet-control-layers-expanded" in (control.get_attribute("class") or ""))
    finally:
        page.close()


def test_folded_in_an_800_px_window(browser: Any, small_report: Path) -> None:  # noqa: F811
    map_width, panel_width, open_ = panel(browser, small_report / "report.html", 800)
    assert map_width < PANEL_OPEN_MIN_PX
    assert not open_
    assert panel_width <= 0.1 * map_width


def test_open_in_a_wide_window(browser: Any, small_report: Path) -> None:  # noqa: F811
    map_width, panel_width, open_ = panel(browser, small_report / "report.html", 1366)
    assert map_width >= PANEL_OPEN_MIN_PX
    assert open_
    assert panel_width > 0.1 * map_width
