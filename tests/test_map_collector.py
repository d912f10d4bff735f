"""map.png is drawn with Python's cyclic garbage collector off (siting/deliver/mapplot.py
`render_map`), as the export keeps it off (siting/deliver/files.py `collector_paused`), so that a
map drawn outside an export (a comparison's runs' maps drawn again on one scale, `redraw_map`)
starts no collection that scans all the process holds (about 0.2 s of the shipped scenario's
map); the collector is left as it was found."""

from __future__ import annotations

import gc
import io

import pytest
from test_map import CROWDED_CONTEXT, CROWDED_TITLE, crowded_sites

import siting.deliver.mapplot as mapplot
from siting.deliver.mapplot import render_map


@pytest.mark.parametrize("collecting", [True, False])
def test_the_map_is_drawn_with_the_collector_off_and_left_as_found(monkeypatch, collecting: bool):
    seen: list[bool] = []
    real_figure, real_save = mapplot.map_figure, mapplot.save_opaque_png

    def figure(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_figure(*args, **kwargs)

    def save(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_save(*args, **kwargs)

    monkeypatch.setattr(mapplot, "map_figure", figure)
    monkeypatch.setattr(mapplot, "save_opaque_png", save)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        png = io.BytesIO()
        render_map(png, [crowded_sites()], CROWDED_TITLE, ["lfp"], "EPSG:32648", CROWDED_CONTEXT)
        assert seen == [False, False]
        assert gc.isenabled() is collecting
        assert png.getvalue().startswith(b"\x89PNG")
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_is_restored_when_the_drawing_fails(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(mapplot, "map_figure", fail)
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="drawing failed"):
        render_map(io.BytesIO(), [crowded_sites()], CROWDED_TITLE, ["lfp"], "EPSG:32648", CROWDED_CONTEXT)
    assert gc.isenabled()
