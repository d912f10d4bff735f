"""The map's texts are measured once (siting/deliver/mapplot.py `UnhintedRenderer.measured`):
the renderer `MapCanvas` makes anew when the page grows takes the measures of the one before,
and they are the measures a renderer that never measured gives, to the last bit."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from siting.deliver.mapplot import DPI, UnhintedRenderer, drawn_in_default_style, quiet_canvas


def test_a_grown_page_s_renderer_keeps_the_measures_and_they_are_exact() -> None:
    with drawn_in_default_style():
        figure = Figure(figsize=(4, 3), dpi=DPI)
        canvas = quiet_canvas(figure)
        font = FontProperties(size=7.5)
        first = canvas.get_renderer()
        measure = first.get_text_width_height_descent("Anode 80,000 t/yr", font, False)
        assert canvas.get_renderer() is first
        figure.set_size_inches(4, 5)
        grown = canvas.get_renderer()
        assert grown is not first and isinstance(grown, UnhintedRenderer)
        assert grown.measured is first.measured and len(grown.measured) == 1
        assert grown.get_text_width_height_descent("Anode 80,000 t/yr", font, False) == measure
        fresh = UnhintedRenderer(400, 500, DPI)
        assert fresh.get_text_width_height_descent("Anode 80,000 t/yr", font, False) == measure
        font.set_size(9.0)  # a font changed after it was measured is measured again
        assert grown.get_text_width_height_descent("Anode 80,000 t/yr", font, False)[0] > measure[0]
