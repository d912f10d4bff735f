"""map.png (and conflicts.png and robustness.png, drawn by siting/deliver/explore.py) is written as
red, green and blue only (siting/deliver/mapplot.py `save_opaque_png`):
its page is opaque, so the alpha channel matplotlib's `savefig` writes held 255 everywhere and
cost a quarter of the bytes zlib compresses (9-11 % of the file measured on the shipped and the
small test scenario's maps). The pixels are those `savefig` gives; a page that is not opaque keeps
its alpha channel; the file carries the page's dpi and no other chunk."""

from __future__ import annotations

import io
import struct

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from siting.deliver.mapplot import DPI, PNG_COMPRESS_LEVEL, save_opaque_png


def page(face: str = "white") -> Figure:
    """A small page drawn as map.png's are: a filled polygon, a line and a text on `face`."""
    figure = Figure(figsize=(2.0, 1.5), dpi=DPI, facecolor=face)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.05, 0.05, 0.9, 0.9), facecolor=face)
    ax.fill([0, 1, 1], [0, 0, 1], color="#d95f02", alpha=0.6)
    ax.plot([0, 1], [1, 0], color="#1b9e77", linewidth=2)
    ax.text(0.5, 0.5, "Kunming", ha="center")
    ax.set_axis_off()
    return figure


def chunks(data: bytes) -> list[str]:
    """The PNG's chunk types in order, IDAT once however many there are."""
    found: list[str] = []
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8].decode()
        if not (found and found[-1] == kind == "IDAT"):
            found.append(kind)
        at += 12 + length
    return found


def test_an_opaque_page_is_written_as_rgb_with_the_pixels_savefig_gives():
    written, saved = io.BytesIO(), io.BytesIO()
    save_opaque_png(page(), written)
    page().savefig(saved, dpi=DPI, format="png", metadata={"Software": None},
                   pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    ours, theirs = Image.open(written), Image.open(saved)
    assert (ours.mode, theirs.mode) == ("RGB", "RGBA")
    assert ours.size == theirs.size == (200, 150)
    rgba = np.asarray(theirs)
    assert (rgba[..., 3] == 255).all()
    assert np.array_equal(np.asarray(ours), rgba[..., :3])
    assert chunks(written.getvalue()) == ["IHDR", "pHYs", "IDAT", "IEND"]
    assert round(ours.info["dpi"][0]) == round(ours.info["dpi"][1]) == DPI
    assert len(written.getvalue()) < len(saved.getvalue())


def test_the_same_page_gives_the_same_bytes():
    first, second = io.BytesIO(), io.BytesIO()
    save_opaque_png(page(), first)
    save_opaque_png(page(), second)
    assert first.getvalue() == second.getvalue()


def test_a_page_that_is_not_opaque_keeps_its_alpha_channel():
    written = io.BytesIO()
    save_opaque_png(page(face="none"), written)
    image = Image.open(written)
    assert image.mode == "RGBA"
    assert (np.asarray(image)[..., 3] < 255).any()


def test_conflicts_and_robustness_pngs_are_written_the_same_way():
    """explore.py's pictures at PNG_DPI: RGB, the pixels savefig gives."""
    from siting.deliver.explore import PNG_DPI, _png

    figure = page()
    figure.set_dpi(PNG_DPI)
    image = Image.open(io.BytesIO(_png(figure)))
    saved = io.BytesIO()
    page().savefig(saved, dpi=PNG_DPI, format="png", metadata={"Software": None})
    assert image.mode == "RGB"
    assert np.array_equal(np.asarray(image), np.asarray(Image.open(saved))[..., :3])
