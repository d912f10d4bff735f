"""The maps drawn by two threads at once (a notebook's thread pool writing two folders) are
drawn each in matplotlib's default style, as one thread alone draws them, and the caller's
matplotlib settings are its own again afterwards: the style is process-wide, so one drawing
at a time."""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
import time
from pathlib import Path
from typing import Any

import matplotlib
import pytest

from siting.deliver import mapplot


class _Drawn:
    """A figure drawn: `render_map` hands it to `save_opaque_png`, stubbed below."""


def test_two_threads_draw_in_the_default_style_and_leave_the_callers(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []
    arrived: list[int] = []
    both_in = threading.Barrier(2, timeout=3)

    def figure(*_args: Any, **_kwargs: Any) -> _Drawn:
        arrived.append(threading.get_ident())
        with contextlib.suppress(threading.BrokenBarrierError):  # one at a time: the other waits outside
            both_in.wait()  # two drawings at once, where nothing keeps them apart
        seen.append(matplotlib.rcParams["lines.linewidth"])
        if arrived[-1] == threading.get_ident():
            time.sleep(0.3)  # the later drawing ends last (it would put back the style it found)
        return _Drawn()

    monkeypatch.setattr(mapplot, "map_figure", figure)
    monkeypatch.setattr(mapplot, "save_opaque_png", lambda *_args: None)
    with matplotlib.rc_context({"lines.linewidth": 7.0}):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            drawings = [pool.submit(mapplot.render_map, Path("unused.png"), [], None, [], "EPSG:4326")
                        for _ in range(2)]
            for drawing in drawings:
                drawing.result()
        assert matplotlib.rcParams["lines.linewidth"] == 7.0
    assert seen == [1.5, 1.5]
