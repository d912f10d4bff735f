"""conflicts.png and robustness.png are made by one function (siting/deliver/explore.py
`lettered_png`): a figure drawn with a `Lettering` for its file, as PNG bytes in `drawing_style`,
its notice (labels no installed font draws) added to the notices."""

from __future__ import annotations

from typing import Any

import siting.deliver.explore as explore
import siting.deliver.mapplot as mapplot


class _Figure:
    """A figure drawn: its PNG is written by `save_opaque_png`, stubbed below to write b"png"."""


def test_both_figures_go_through_lettered_png(monkeypatch) -> None:
    made: list[tuple[str, Any]] = []
    monkeypatch.setattr(explore, "conflicts_figure", lambda *args: _Figure())
    monkeypatch.setattr(explore, "robustness_figure", lambda *args: _Figure())
    monkeypatch.setattr(mapplot, "save_opaque_png", lambda _figure, buffer: buffer.write(b"png"))
    original = explore.lettered_png

    def recorded(name: str, figure: Any, notices: Any = None) -> bytes:
        made.append((name, notices))
        return original(name, figure, notices)

    monkeypatch.setattr(explore, "lettered_png", recorded)
    notices: list[str] = []
    assert explore.conflicts_png(None, None, None, None, "t", notices) == b"png"
    assert explore.robustness_png(None, None, "t", None, notices) == b"png"
    assert made == [("conflicts.png", notices), ("robustness.png", notices)]
