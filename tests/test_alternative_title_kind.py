"""An alternative's map title says its kind, as its report.md does: whether its search kept the
optimum's capacity in each cluster (scope `sites`) or may move capacity between clusters (scope
`clusters`). map.png's and plan.qgs's layout titles (siting/deliver/mapinfo.py `MapTitle`) gave
only "alternative alt03 of 4" and that it lies within the slack; the words are report.md's
(`near_optimal_text`), from one source (`scope_title`), on a line of their own after the status,
the objective under them; and the layout title still fits above the map."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from test_alternative_scope_words import _record

from siting.config.units import plain_status
from siting.deliver.mapinfo import MapTitle, near_optimal_text, scope_title
from siting.deliver.qgisproject import MAP_FRAME_MM, TITLE_FLOOR_PT, fit_title, title_height
from tests.conftest import MadeRun


def test_scope_title_gives_report_md_s_words() -> None:
    sites, clusters = scope_title(_record("alt01")), scope_title(_record("alt02"))
    assert sites == "scope sites: the same capacity in each cluster as the optimum"
    assert clusters == ("scope clusters: another split between clusters that fits within the slack, not the "
                        "cheapest such split")
    assert "the same capacity in each cluster as the optimum." in near_optimal_text(_record("alt01"))
    assert ("It may move capacity between clusters (scope `clusters`): another split between clusters that fits "
            "within the slack, not the cheapest such split.") in near_optimal_text(_record("alt02"))
    assert scope_title(_record("optimum")) == scope_title(None) == scope_title({}) == ""


def test_the_title_says_the_kind_before_the_objective() -> None:
    kind = scope_title(_record("alt02"))
    title = MapTitle("yunnan_2024", plain_status("nearOptimalAlternative"), None, -185.30e9, [2022, 2023, 2024],
                     plan="alternative alt03 of 4", kind=kind).text()
    lines = title.split("\n")
    assert lines[0] == "yunnan_2024: capacity plan 2022-2024, alternative alt03 of 4"
    assert lines[1].startswith("a near-optimal alternative: its cost is within the slack")
    assert lines[2:] == [kind, "objective -185.30 bn yuan (discounted)"]
    assert MapTitle("t", "optimal", 0.0, 1e9, [2024], kind="").text() == MapTitle("t", "optimal", 0.0, 1e9,
                                                                                    [2024]).text()


def test_the_layout_title_with_the_kind_fits_above_the_map() -> None:
    for label in ("alt01", "alt02"):
        title = MapTitle("yunnan_2024_strict_redline", plain_status("nearOptimalAlternative"), None, -1234.56e9,
                         [2022, 2023, 2024], plan="alternative alt10 of 10", kind=scope_title(_record(label))).text()
        fit = fit_title(title)
        _x, y, _w, height = fit.frame_mm
        assert fit.size_pt > TITLE_FLOOR_PT
        assert title_height(fit.text.count("\n") + 1, fit.size_pt) <= height
        assert y + height < MAP_FRAME_MM[1]


def test_each_alternative_s_layout_title_says_its_kind(small_alternatives_run: MadeRun) -> None:
    for label, scope in (("alt01", "sites"), ("alt02", "clusters")):
        layout = ET.parse(small_alternatives_run.out / label / "plan.qgs").getroot().find("Layouts/Layout")
        assert layout is not None
        (item,) = [i for i in layout.iter("LayoutItem") if i.get("id") == "title"]
        assert f"scope {scope}: " in item.get("labelText", "").replace("\n", " ")
