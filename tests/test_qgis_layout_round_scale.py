"""A printed sheet states a round scale: plan.qgs's print layout drew the shipped scenario's
clusters at 1:1,985,924 (its map frame fitted to the clusters' extent exactly), a scale no reader
can measure with or quote. The layout's map is now widened about its centre to the next round
scale (siting/deliver/qgisproject.py `round_scale`): 1:2,000,000 for that extent.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_qgis import PROBE_HEAD, probe_folder, qgis  # noqa: F401 (the fixture skipping without QGIS)

from siting.deliver.qgisproject import plan_layout_extent, project_text, round_scale

#: The shipped scenario's view extent (plan.qgs's DefaultViewExtent, UTM 48N, m): its clusters.
#: Its layout's map frame is 220 mm wide, which drew it at 1:1,985,924.
SHIPPED_EXTENT = (101_271.371, 2_561_036.466, 503_005.195, 3_013_827.168)

PROBE = PROBE_HEAD + r'''
from qgis.core import QgsLayoutItemMap
assert read
layout = project.layoutManager().printLayouts()[0]
frame = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap))
print(json.dumps({"scale": frame.scale()}))
'''


@pytest.mark.parametrize(("scale", "expected"), [
    (1_985_924.13, 2_000_000), (2_000_000, 2_000_000), (2_000_001, 2_500_000), (8_000_000, 10_000_000),
    (999.9, 1_000), (1_000, 1_000), (12_500, 15_000), (31_000, 40_000)])
def test_a_scale_rounds_up_to_the_next_round_one(scale: float, expected: float):
    """1, 1.5, 2, 2.5, 3, 4, 5 and 7.5 in every power of ten; a round scale stays as it is."""
    assert round_scale(scale) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("scale", [0.0, -5.0, float("nan"), float("inf")])
def test_a_scale_that_is_not_a_positive_number_is_refused(scale: float):
    with pytest.raises(ValueError, match=r"^a map scale must be a positive number, got "):
        round_scale(scale)


def test_the_shipped_extent_is_laid_out_at_one_to_two_million():
    """The layout's map frame (mm) and what it shows (m): 2,000,000 m of ground per m of paper,
    the frame's shape kept, the clusters' extent inside what is shown."""
    frame_mm, shown = plan_layout_extent(SHIPPED_EXTENT)
    _mx, _my, mw, mh = frame_mm
    assert mw == 220.0
    assert (shown[2] - shown[0]) / (mw / 1000) == pytest.approx(2_000_000, abs=0.01)
    assert (shown[3] - shown[1]) / (mh / 1000) == pytest.approx(2_000_000, abs=0.01)
    x0, y0, x1, y1 = SHIPPED_EXTENT
    assert shown[0] <= x0 and shown[1] <= y0 and shown[2] >= x1 and shown[3] >= y1


def test_plan_qgs_prints_the_shipped_extent_at_one_to_two_million(qgis: None, tmp_path: Path):  # noqa: F811
    """The .qgs's layout map <Extent> is 440 km wide on a 220 mm frame, and QGIS 3.22 reads that
    layout's map scale as 2,000,000."""
    text = project_text([], {}, "yunnan_2024", "EPSG:32648", SHIPPED_EXTENT)
    root = ET.fromstring(text.split("\n", 1)[1])
    extent = root.find(".//Layout/LayoutItem[@id='map']/Extent")
    assert extent is not None
    assert float(extent.get("xmax", "")) - float(extent.get("xmin", "")) == pytest.approx(440_000.0, abs=0.002)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "plan.qgs").write_text(text, encoding="utf-8")
    assert probe_folder(PROBE, tmp_path / "out", tmp_path)["scale"] == pytest.approx(2_000_000, abs=0.01)
