"""A print layout's title fits its frame (siting/deliver/qgisproject.py `fit_title`): the
longest titles the tool writes (an alternative's, whose status line alone is some 190
characters; a plan stopped at a limit; a compared run's in compare.qgs; a scenario of a long
name) break between words, and type shrinks as far as TITLE_FLOOR_PT, so that every line is no
wider than the title's frame and all of them no taller, above the map. An alternative's title
ran 514 mm wide in its 400 mm frame (QGIS 3.22 wrapped it at drawing time into a third line the
frame has no room for).

Checked on the written layouts by our DejaVu Sans measure (`text_mm`) and in QGIS, by its own
font metrics (QgsLayoutUtils), where QGIS is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_qgis import QGIS_PYTHON, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.config.units import plain_status
from siting.deliver.mapinfo import MapTitle
from siting.deliver.qgisproject import (
    ASCENT_EM,
    DESCENT_EM,
    MAP_FRAME_MM,
    MARGIN,
    PT_MM,
    TITLE_FLOOR_PT,
    TITLE_FRAME_MM,
    TITLE_PT,
    CarriedBound,
    _plan_title,
    project_document,
    run_heading,
    text_mm,
)
from siting.deliver.styles import WITHIN, RunDifference
from tests.conftest import MadeRun

YEARS = [2022, 2023, 2024]
#: An alternative's title at its longest: a name of the shipped kind, the tenth of ten
#: alternatives, a four-digit objective (an alternative has no gap: siting/runs/job.py).
ALTERNATIVE = MapTitle("yunnan_2024_strict_redline", plain_status("nearOptimalAlternative"), None, -1234.56e9,
                       YEARS, plan="alternative alt10 of 10").text()
#: A plan stopped at a limit with a plan, at a large gap.
STOPPED = MapTitle("yunnan_2024_strict_redline", plain_status("iterationLimit", True), 6.125, -1234.56e9,
                   YEARS).text()
#: The longest titles: those two, a compared run's in compare.qgs (four lines), the same with the
#: gap measured against the bound of the baseline (its gap line naming that run and its own solve's), and a scenario
#: whose name (letters, digits and _ . -, of any length) is wider than the page at any size.
LONGEST = {
    "alternative": ALTERNATIVE,
    "stopped": STOPPED,
    "compared": run_heading("yunnan_2024_strict_redline", "yunnan_2024", "compared", STOPPED,
                            RunDifference(WITHIN, -1234.56, 1234.56)),
    "carried bound": run_heading("yunnan_2024_strict_redline", "yunnan_2024", "compared", STOPPED,
                                 RunDifference(WITHIN, -1234.56, 1234.56),
                                 CarriedBound("yunnan_2024", 5.125, 1234.56e9 * 5.125, 6.125, 1234.56e9 * 6.125)),
    "long name": MapTitle("_".join(["yunnan_2024_strict_redline_variant"] * 8), plain_status("maxTimeLimit", True),
                          6.125, -1234.56e9, YEARS, plan="alternative alt10 of 10").text(),
}
CREDITS = "Source: test."


def written(title: str) -> str:
    """A project of no layer whose layout has `title`."""
    return project_document([], "t", "EPSG:32648", (0.0, 0.0, 1000.0, 1000.0), title, CREDITS)


def title_item(qgs: str) -> ET.Element:
    """The title item of a project's (one) layout, from the project's text."""
    return title_item_of(ET.fromstring(qgs.split("\n", 1)[1]))


def title_item_of(root: ET.Element) -> ET.Element:
    (item,) = [i for i in root.iter("LayoutItem") if i.get("id") == "title"]
    return item


def frame_of(item: ET.Element) -> tuple[float, float, float, float]:
    x, y = (float(v) for v in item.get("position", "").split(",")[:2])
    width, height = (float(v) for v in item.get("size", "").split(",")[:2])
    return x, y, width, height


def test_the_longest_titles_fit_their_frame_above_the_map():
    """Each title as written: every line no wider than its frame and all no taller (DejaVu Sans
    Bold at the item's size, line height ascent + descent, with MARGIN), the frame ending above
    the map, the type at least TITLE_FLOOR_PT and at most the standard size of the written
    number of lines. The alternative's and the long name's break (the others fit as they are);
    broken only between words (the name's underscores aside), the words are the title's, and the
    project keeps the title unbroken for compare.qgs's headings (`_plan_title`)."""
    for name, title in LONGEST.items():
        item = title_item(written(title))
        text = item.get("labelText", "")
        font = item.find("LabelFont")
        assert font is not None
        size = float(font.get("description", "").split(",")[1])
        lines = text.split("\n")
        _x, y, width, height = frame_of(item)
        assert max(text_mm(line, size, bold=True) for line in lines) <= width, name
        assert len(lines) * (ASCENT_EM + DESCENT_EM) * size * PT_MM * MARGIN <= height, name
        assert y + height < MAP_FRAME_MM[1], name
        assert TITLE_FLOOR_PT <= size <= TITLE_PT[min(len(lines), len(TITLE_PT)) - 1], name
        assert (len(lines) > title.count("\n") + 1) == (name in ("alternative", "long name")), name
        if name != "long name":
            assert text.replace("\n", " ") == title.replace("\n", " "), name
        assert _plan_title(title_item(written(title))) == title, name


def test_an_alternative_s_title_breaks_into_three_lines_of_the_plan_s_size():
    """The longest alternative title: its status line breaks in two, and three lines take the
    size and frame of a plan's three-line title (14 pt)."""
    item = title_item(written(ALTERNATIVE))
    lines = item.get("labelText", "").split("\n")
    assert lines[0] == "yunnan_2024_strict_redline: capacity plan 2022-2024, alternative alt10 of 10"
    assert len(lines) == 3
    assert frame_of(item) == TITLE_FRAME_MM[2]
    assert item.find("LabelFont").get("description", "").split(",")[1] == f"{TITLE_PT[2]:g}"


def test_a_title_that_fits_is_written_as_before():
    """A plan's title of three short lines: unbroken, in its standard frame and size, with no
    unbroken copy beside it."""
    title = MapTitle("small", "optimal within the gap", 0.0, -22.72e9, [2023, 2024], tolerance=0.0).text()
    item = title_item(written(title))
    assert item.get("labelText") == title
    assert frame_of(item) == TITLE_FRAME_MM[2]
    assert item.find("LayoutObject") is None


def test_a_name_too_long_for_any_size_grows_the_frame_at_the_floor():
    """A scenario name of 1,000 characters at TITLE_FLOOR_PT still takes more lines than the room
    above the map: the title keeps that size and its frame grows to hold every line, each line
    within the frame's width."""
    title = MapTitle("a" * 1000, "optimal", 0.0, 1e9, YEARS).text()
    item = title_item(written(title))
    lines = item.get("labelText", "").split("\n")
    _x, y, width, height = frame_of(item)
    size = float(item.find("LabelFont").get("description", "").split(",")[1])
    assert size == TITLE_FLOOR_PT
    assert max(text_mm(line, size, bold=True) for line in lines) <= width
    assert height == pytest.approx(len(lines) * (ASCENT_EM + DESCENT_EM) * size * PT_MM * MARGIN, abs=0.1)
    assert y + height > MAP_FRAME_MM[1]
    assert "a" * 1000 + ":" in "".join(lines)


PROBE = r'''
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsLayoutUtils, QgsProject
app = QgsApplication([], False)
app.initQgis()
out = {}
project = QgsProject.instance()
for path in sys.argv[1:]:
    project.read(path)
    for layout in project.layoutManager().printLayouts():
        items = {i.id(): i for i in layout.items() if hasattr(i, "id")}
        title, frame = items["title"], items["map"]
        font, text = title.font(), title.currentText()
        out[f"{os.path.basename(path)}:{layout.name()}"] = {
            "lines": text.count("\n") + 1, "width_mm": QgsLayoutUtils.textWidthMM(font, text),
            "line_mm": QgsLayoutUtils.fontHeightMM(font),
            "frame": [title.positionWithUnits().y(), title.sizeWithUnits().width(), title.sizeWithUnits().height()],
            "map_top": frame.positionWithUnits().y(), "unbroken": title.customProperty("siting/title")}
        del items, title, frame
    if path.endswith("_title.qgs"):  # ours, in the test's folder: saved again by QGIS
        project.write(path.replace("_title.qgs", "_saved.qgs"))
    project.clear()
print(json.dumps(out))
app.exitQgis()
'''


def test_qgis_measures_each_title_inside_its_frame(
        qgis: None, small_alternatives_run: MadeRun, tmp_path: Path):  # noqa: F811
    """In QGIS 3.22, by its own font metrics: the title of alt01's plan.qgs (`--alternatives 2`
    on the small scenario) and each of the longest titles is no wider than its item (the widest
    line, QgsLayoutUtils.textWidthMM) and its lines, a line height (fontHeightMM) each, no
    taller; the item ends above the map."""
    paths = [small_alternatives_run.out / "alt01" / "plan.qgs"]
    for n, title in enumerate(LONGEST.values()):
        paths.append(tmp_path / f"{n}_title.qgs")
        paths[-1].write_text(written(title), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path / "xdg")}
    (tmp_path / "xdg").mkdir(mode=0o700)
    done = subprocess.run([QGIS_PYTHON, "-c", PROBE, *map(str, paths)], capture_output=True, text=True, timeout=300,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(seen) == len(paths)
    for name, facts in seen.items():
        y, width, height = facts["frame"]
        assert facts["width_mm"] <= width, (name, facts)
        assert facts["lines"] * facts["line_mm"] <= height, (name, facts)
        assert y + height <= facts["map_top"], (name, facts)
    # alt01's five lines (its kind on a line of its own, the objective under it, its cost over the
    # optimum's last) fit as they are: not broken
    assert seen["plan.qgs:Plan"]["lines"] == 5
    alt01 = ET.parse(small_alternatives_run.out / "alt01" / "plan.qgs").getroot()
    assert seen["plan.qgs:Plan"]["unbroken"] is None
    assert _plan_title(alt01) == title_item_of(alt01).get("labelText", "")
    # The title unbroken, as QGIS reads it and as it saves it again (compare.qgs reads it so).
    for n, (name, title) in enumerate(LONGEST.items()):
        broken = name in ("alternative", "long name")
        assert seen[f"{n}_title.qgs:Plan"]["unbroken"] == (title if broken else None), name
        assert _plan_title(ET.parse(tmp_path / f"{n}_saved.qgs").getroot()) == title, name
