"""Labels in Chinese on map.png: the family that draws them is found once (an installed one,
else the optional `mplfonts` package's font); without one, a feature is labelled by its id,
other text shows "?", one notice says so and how to install a font, and matplotlib warns of no
missing glyph; Latin labels keep their font as before."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from siting.deliver import mapplot
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapplot import Lettering, MapContext, MapTitle, find_cjk_family, map_figure, render_map

CONTEXT = MapContext(units={"lfp": "t"}, values={"lfp": 1.0})
DEJAVU = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))


def entry(name: str, weight: int = 400, fname: str = DEJAVU) -> font_manager.FontEntry:
    """A font manager entry of family `name` (its file: any real font file)."""
    return font_manager.FontEntry(fname=fname, name=name, style="normal", variant="normal", weight=weight,
                                  stretch="normal", size="scalable")


@pytest.fixture
def fonts(monkeypatch: pytest.MonkeyPatch):
    """Set the font manager's list of installed fonts (a copy: the process's own is restored)."""
    def installed(*entries: font_manager.FontEntry) -> list[font_manager.FontEntry]:
        listed = list(entries)
        monkeypatch.setattr(font_manager.fontManager, "ttflist", listed)
        return listed

    return installed


def test_an_installed_simplified_chinese_family_comes_first_in_its_own_order(fonts, monkeypatch):
    """Listed after WenQuanYi, Noto Sans CJK SC still wins: CJK_FAMILIES gives the order, not the
    font list; the mplfonts font is not even registered."""
    monkeypatch.setattr(mapplot, "mplfonts_font", lambda: Path(DEJAVU))
    listed = fonts(entry("DejaVu Sans"), entry("WenQuanYi Zen Hei"), entry("Noto Sans CJK SC"),
                   entry("Noto Sans CJK SC", 700))
    assert find_cjk_family() == "Noto Sans CJK SC"
    assert len(listed) == 4


def test_the_mplfonts_font_is_registered_before_other_cjk_families(fonts, monkeypatch):
    """Only a Japanese-form family installed and the mplfonts package present: its font file is
    added to the font manager and its family chosen (here the file is DejaVu Sans's, so the
    family read from it is "DejaVu Sans")."""
    monkeypatch.setattr(mapplot, "mplfonts_font", lambda: Path(DEJAVU))
    listed = fonts(entry("Noto Sans CJK JP"))
    assert find_cjk_family() == "DejaVu Sans"
    assert [(f.name, f.fname) for f in listed[1:]] == [("DejaVu Sans", DEJAVU)] * (len(listed) - 1)


def test_other_cjk_families_last_with_a_bold_entry_for_their_one_face(fonts, monkeypatch):
    """No SC family, no mplfonts: the Japanese-form family is taken, and its regular face also
    stands for bold (weight 700, same file), so that bold labels log no "Failed to find font
    weight"; nothing at all: None."""
    monkeypatch.setattr(mapplot, "mplfonts_font", lambda: None)
    listed = fonts(entry("DejaVu Sans"), entry("Noto Sans CJK JP"))
    assert find_cjk_family() == "Noto Sans CJK JP"
    assert [(f.name, f.weight, f.fname) for f in listed] == [
        ("DejaVu Sans", 400, DEJAVU), ("Noto Sans CJK JP", 400, DEJAVU), ("Noto Sans CJK JP", 700, DEJAVU)]
    fonts(entry("DejaVu Sans"))
    assert find_cjk_family() is None


def chinese_sites() -> OutputLayer:
    """Two built sites named in Chinese ("大园", "小园"; ids big, small), one in Latin letters
    ("Far park"), and two sites not built at the corners, which set the map's extent."""
    frame = gpd.GeoDataFrame(
        {"id": ["big", "small", "far", "sw", "ne"], "name": ["大园", "小园", "Far park", "SW", "NE"],
         "status": ["built"] * 3 + ["eligible_unused"] * 2, "capex_yuan": [40.0e9, 1.0e9, 10.0e9, 0.0, 0.0],
         "added_lfp_2024": [1.0, 2.0, 3.0, 0.0, 0.0]},
        geometry=gpd.points_from_xy([102.5, 102.8, 103.0, 101.5, 104.0], [25.0, 25.2, 25.5, 24.0, 26.0]),
        crs="EPSG:4326")
    return make_layer("sites", "Sites", frame, ["id", "name", "status", "capex_yuan", "added_lfp_2024"])


#: The title: "规划" and then Latin letters.
TITLE = MapTitle("规划 t", "optimal", 0.0, 0.0, [2024])


def site_labels(figure: Figure) -> dict[str, Text]:
    """The map's site labels (annotations whose second line is the capacity), by text."""
    return {t.get_text(): t for t in figure.axes[0].texts if t.get_text().endswith("t/yr")}


def test_without_a_cjk_font_sites_show_their_ids_the_title_question_marks_and_one_notice(monkeypatch, recwarn):
    """No font draws Chinese: each Chinese-named site is labelled by its id with its capacity, the
    Latin-named one as ever (its family untouched), the title's two characters become "??", no
    warning is raised, and render_map returns the one notice, naming the figure, the count (3),
    the first character that no font draws and the fix."""
    monkeypatch.setattr(mapplot, "cjk_family", lambda: None)
    lettering = Lettering("map.png")
    figure = map_figure([chinese_sites()], TITLE, ["lfp"], "EPSG:32648", CONTEXT, lettering)
    labels = site_labels(figure)
    assert sorted(labels) == ["Far park\nLFP 3 t/yr", "big\nLFP 1 t/yr", "small\nLFP 2 t/yr"]
    assert all(t.get_fontfamily() == ["sans-serif"] for t in labels.values())
    assert figure.texts[0].get_text().startswith("?? t: capacity plan")
    assert lettering.notice() == (
        "map.png: no installed font draws some characters of 3 labels (such as '大', U+5927): 2 show their "
        "feature's id instead, 1 shows ? in their place; to draw Chinese, install a font that does: "
        'pip install -e ".[cjk]"')
    assert render_map(io.BytesIO(), [chinese_sites()], TITLE, ["lfp"], "EPSG:32648", CONTEXT) == [lettering.notice()]
    assert [str(w.message) for w in recwarn] == []


def test_latin_labels_keep_their_font_and_give_no_notice(monkeypatch):
    """A map with no character outside its own font: no text gets a family list, nothing is
    replaced and there is no notice (the same bytes as before lettering existed)."""
    def no_lookup() -> None:
        raise AssertionError("looked for a CJK font for a Latin map")

    monkeypatch.setattr(mapplot, "cjk_family", no_lookup)
    layer = chinese_sites()
    layer.frame["name"] = ["Big park", "Small park", "Far park", "SW", "NE"]
    lettering = Lettering("map.png")
    figure = map_figure([layer], MapTitle("t", "optimal", 0.0, 0.0, [2024]), ["lfp"], "EPSG:32648", CONTEXT,
                        lettering)
    texts = [t for t in figure.findobj(Text) if t.get_text()]
    assert len(texts) >= 10  # title, legend rows, notes, site labels, scale bar, north arrow
    assert {tuple(t.get_fontfamily()) for t in texts} == {("sans-serif",)}
    assert lettering.replaced == {} and lettering.notice() is None


def ink(text: str, family: list[str] | None = None) -> np.ndarray:
    """`text` drawn alone, 40 points, bold, on a small white figure: its pixels, grey levels."""
    figure = Figure(figsize=(1.5, 1.0), dpi=72)
    FigureCanvasAgg(figure)
    drawn = figure.text(0.1, 0.2, text, fontsize=40, fontweight="bold")
    if family is not None:
        drawn.set_fontfamily(family)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[:, :, 0].copy()


def test_with_the_mplfonts_font_chinese_is_drawn_with_real_glyphs(caplog, recwarn):
    """With the `cjk` extra installed, a Chinese label keeps its name: its family list is its own
    family and then Noto Sans CJK SC, whose file has a glyph (index > 0) for each character; drawn,
    the two characters differ from each other (each its own glyph, not the one missing-glyph box)
    and from the box DejaVu Sans draws; no warning, no font log line (the label is bold), no
    notice."""
    if mapplot.mplfonts_font() is None:
        pytest.skip('the cjk extra (pip install -e ".[cjk]") is not installed')
    lettering = Lettering("map.png")
    figure = Figure()
    FigureCanvasAgg(figure)
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        label = lettering.fit(figure.text(0.5, 0.5, "大园 park", fontweight="bold"), "big")
        figure.canvas.draw()
    family = mapplot.cjk_family()
    assert family is not None
    assert label.get_text() == "大园 park"
    assert label.get_fontfamily() == ["sans-serif", family]
    properties = label.get_fontproperties().copy()
    properties.set_family(family)
    font = font_manager.get_font(font_manager.findfont(properties))
    assert all(font.get_char_index(ord(c)) > 0 for c in "大园")
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        big, park = ink("大", ["sans-serif", family]), ink("园", ["sans-serif", family])
    assert [r.getMessage() for r in caplog.records] == []
    assert [str(w.message) for w in recwarn] == []
    assert lettering.notice() is None
    with pytest.warns(UserWarning, match="Glyph 22823"):
        box = ink("大")
    assert (big < 128).sum() > 0 and not np.array_equal(big, park) and not np.array_equal(big, box)
