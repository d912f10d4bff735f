"""The map's legend is laid out once per margin style tried (siting/deliver/mapplot.py
`lay_out_margin`, `_shortfall`): where the page keeps its size, the notes hang from the legend's
box as measured then, and `clear_title` takes the legend's top from it, so that neither they nor
drawing the notes lay the legend out again (each time about 30 ms of CPU for the Yunnan map);
the notes stand where the legend drawn puts them, to the last bit."""

from __future__ import annotations

import io

import pytest
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox

import siting.deliver.mapplot as mapplot
from siting.deliver.mapplot import DPI, drawn_in_default_style, map_figure


@pytest.mark.parametrize(("resources", "settings", "grows", "again"),
                         [(3, 0, False, 0), (25, 0, False, 0), (40, 0, True, 2), (3, 4, True, 1)])
def test_the_legend_is_laid_out_once_per_style_tried(monkeypatch, resources: int, settings: int, grows: bool,
                                                     again: int):
    """3 resources: the first style fits; 25: the third (tests/test_map.py); 40: none, and the
    page grows at the bottom; 3 with four lines of settings in the title: the page grows at the
    top (`clear_title`). Where it keeps its size, the legend is laid out only by `_shortfall`,
    once per style tried, and the notes hang from that box; where it grows at the bottom, the
    title's check and the notes lay it out again once each, as before (the legend has moved);
    where it grows at the top, the notes only, as drawn after the move."""
    from dataclasses import replace

    from test_map import CROWDED_TITLE, LONG_CONTEXT, crowded_sites, many_sources

    title = replace(CROWDED_TITLE, settings=tuple(f"constraints.setting_{i}=1" for i in range(settings)))

    laid_out: list[str] = []
    real_extent, real_shortfall = Legend.get_window_extent, mapplot._shortfall

    def extent(self, *args, **kwargs):
        laid_out.append("legend")
        return real_extent(self, *args, **kwargs)

    def shortfall(*args, **kwargs):
        laid_out.append("try")
        return real_shortfall(*args, **kwargs)

    monkeypatch.setattr(Legend, "get_window_extent", extent)
    monkeypatch.setattr(mapplot, "_shortfall", shortfall)
    with drawn_in_default_style():
        figure = map_figure([crowded_sites(), many_sources(resources)], title, ["lfp"], "EPSG:32648",
                            LONG_CONTEXT)
        (legend,) = figure.legends
        (notes,) = [a for a in figure.artists if getattr(a, "xycoords", None) is not None]
        tries = laid_out.count("try")
        assert bool(figure.get_figheight() * DPI > mapplot.PIXELS[1]) is grows
        figure.savefig(io.BytesIO(), dpi=DPI, format="png")
    assert laid_out.count("legend") == tries + again
    if grows:
        assert notes.xycoords is legend
    else:
        assert isinstance(notes.xycoords, Bbox)
        renderer = figure.canvas.get_renderer()
        assert tuple(notes.xycoords.extents) == tuple(real_extent(legend, renderer).extents)
