"""compare.qgs's legends are fitted by measuring text with a FreeType face (siting/deliver/
qgisproject.py `_face`). A face reads its font file as glyphs are needed, so one face shared by
worker processes forked from one parent (they share the file's offset) or by threads gave
"RuntimeError: failed to load glyph" when two measured at once (a compare redrawing its runs on
one pie scale in two workers). Each process and thread now opens its own."""

from __future__ import annotations

import os
import threading

from siting.deliver import qgisproject
from siting.deliver.qgisproject import _face, text_mm


def test_each_thread_measures_with_a_face_of_its_own():
    here = _face(False)[0]
    there: list[object] = []
    thread = threading.Thread(target=lambda: there.append(_face(False)[0]))
    thread.start()
    thread.join()
    assert there and there[0] is not here
    assert _face(False)[0] is here  # kept for this thread


def test_another_process_opens_its_own_face(monkeypatch):
    here = _face(True)[0]
    other = os.getpid() + 1
    monkeypatch.setattr(qgisproject.os, "getpid", lambda: other)
    assert _face(True)[0] is not here


def test_faces_of_different_threads_measure_alike():
    """The same text measures the same in every thread (the width cache holds numbers only)."""
    widths: list[float] = []
    threads = [threading.Thread(target=lambda: widths.append(qgisproject._advance_em.__wrapped__("Qujing ETDZ", False)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(widths)) == 1 and widths[0] > 0
    assert text_mm("Qujing ETDZ", 10.0) > 0
