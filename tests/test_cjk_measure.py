"""Text in Chinese in plan.qgs's layout: DejaVu Sans, which the layout is measured in, has no
glyph for a CJK ideograph. The measure counts such a character as QGIS's fallback font draws it,
an ideograph (and any East Asian wide or fullwidth character) 1 em, instead of the 0 FreeType
gives its missing glyph, and matplotlib warns of no missing glyph: a solve with Chinese names
prints no "Glyph ... missing from font(s) DejaVu Sans" warning."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from siting.deliver import qgisproject
from siting.deliver.qgisproject import MARGIN, PT_MM, text_mm

ROOT = Path(__file__).parent.parent
#: The small scenario's sites, named in Chinese.
NAMES_ZH = {"w_mine": "西部矿区园", "w_lake": "西湖畔", "e_city": "东城", "e_far": "东部远郊"}


@pytest.fixture
def measure():
    """`qgisproject._advance_em` with its cache emptied (a text measured before, with a warning,
    would come from the cache without one), warnings turned into errors while the test runs."""
    qgisproject._advance_em.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield qgisproject._advance_em
    qgisproject._advance_em.cache_clear()


@pytest.mark.parametrize("bold", [False, True])
def test_each_ideograph_is_one_em_wide(measure, bold):
    """N ideographs measure N em, regular or bold (FreeType's missing glyph measured 0), so at
    9 pt N * 9 pt (with MARGIN); no warning."""
    name = "安宁工业园区"
    for count in range(1, len(name) + 1):
        assert measure(name[:count], bold) == count
        assert text_mm(name[:count], 9.0, bold) == count * 9.0 * PT_MM * MARGIN


def test_other_wide_and_fullwidth_characters_are_one_em(measure):
    """Hangul, kana (East Asian width W) and fullwidth Latin letters (F), which DejaVu Sans does
    not draw: 1 em each, like the ideographic space (F), which it does not draw either."""
    assert measure("한글", False) == 2
    assert measure("かなカナ", False) == 4
    assert measure("ＡＢＣ", True) == 3
    assert measure("\u3000", False) == 1


def test_a_mixed_name_adds_dejavu_widths_and_ems(measure):
    """"曲靖经开区西城/南海子": the slash as DejaVu Sans draws it (0.336875 em), ten ideographs
    1 em each."""
    assert measure("/", False) == 0.336875
    assert measure("曲靖经开区西城/南海子", False) == pytest.approx(10.336875, abs=1e-12)
    assert measure("Site 安宁", False) == pytest.approx(measure("Site ", False) + 2, abs=1e-12)


def test_another_missing_glyph_is_as_wide_as_a_digit(measure):
    """A Thai letter (not wide, not drawn by DejaVu Sans): the width of the face's "0", about that
    of its lowercase letters (0.63625 em regular, 0.69578125 bold); a Thai vowel mark above it
    (a non-spacing mark, not drawn either) adds nothing."""
    assert measure("ก", False) == measure("0", False) == 0.63625
    assert measure("กข", True) == 2 * measure("0", True) == 2 * 0.69578125
    assert measure("ก\u0e31", False) == 0.63625


def test_latin_text_measures_as_before(measure):
    """Text DejaVu Sans draws is measured whole, kerning included, as before."""
    assert measure("Anning AV", False) == 5.12
    assert measure("Anning AV", True) == 5.79625


def test_a_solve_with_chinese_names_prints_no_missing_glyph_warning(tmp_path):
    """The small scenario with its sites named in Chinese, solved in a child process (pytest would
    catch a warning in-process): exit 0, and stderr says nothing of missing glyphs or warnings."""
    folder = tmp_path / "small"
    folder.mkdir()
    for path in (ROOT / "tests" / "data" / "small").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    sites = json.loads((folder / "sites.geojson").read_text(encoding="utf-8"))
    for feature in sites["features"]:
        feature["properties"]["name"] = NAMES_ZH[feature["properties"]["site_id"]]
    (folder / "sites.geojson").write_text(json.dumps(sites, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "solve", "scenario.yaml", "--out", "out",
                           "--quiet"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (folder / "out" / "plan.qgs").is_file()
    assert "missing from font" not in done.stderr
    assert "Warning" not in done.stderr
