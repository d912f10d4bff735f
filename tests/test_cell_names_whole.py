"""A candidate cell's name is kept whole wherever a site's name is shortened at its first comma:
"Cell 6-6 in Yuanjiang Hani, Yi and Dai Autonomous County (...)" must not become "Cell 6-6 in
Yuanjiang Hani" (nor lose the comma the counties layer spells)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from siting.config.units import frame_site_names, layer_names, site_names
from siting.deliver.report import site_display_names

CELL = "Cell 6-6 in Yuanjiang Hani, Yi and Dai Autonomous County (5.0 km E of Anning industrial park, Caopu area)"
PARKS = ["Anning industrial park, Caopu area", "Yuxi high-tech zone, Longquan area"]


def test_flagged_names_are_kept_whole_and_the_others_shortened():
    names = site_names([*PARKS, CELL], ["caopu", "yuxi", "cell-yuxi-6-6"], [False, False, True])
    assert names == ["Anning industrial park", "Yuxi high-tech zone", CELL]
    assert site_names([*PARKS, CELL], ["caopu", "yuxi", "cell-yuxi-6-6"]) == [
        "Anning industrial park", "Yuxi high-tech zone", "Cell 6-6 in Yuanjiang Hani"]


def test_a_whole_name_still_makes_a_shared_short_name_whole():
    # a park whose short form is a cell's whole name gets its whole name, as two parks would
    names = site_names(["Cell 1-1, east", "Cell 1-1"], ["p", "cell-k-1-1"], [False, True])
    assert names == ["Cell 1-1, east", "Cell 1-1"]


def test_flags_must_match_the_sites():
    with pytest.raises(ValueError, match="2 flags in `whole` for 1 sites"):
        site_names(["a"], ["a"], [True, False])


def test_a_sites_table_keeps_its_cells_names_whole_by_kind():
    frame = pd.DataFrame({"id": ["caopu", "cell-yuxi-6-6"], "name": [PARKS[0], CELL], "kind": ["park", "cell"]})
    assert frame_site_names(frame) == ["Anning industrial park", CELL]
    assert site_display_names(frame) == {"caopu": "Anning industrial park", "cell-yuxi-6-6": CELL}
    assert frame_site_names(frame.drop(columns="kind")) == ["Anning industrial park", "Cell 6-6 in Yuanjiang Hani"]


def test_a_runs_names_keep_the_cells_whole():
    sites = gpd.GeoDataFrame({"id": ["caopu", "yuxi"], "name": PARKS},
                             geometry=[shapely.Point(0, 0), shapely.Point(1, 1)], crs="EPSG:4326")
    clusters = pd.DataFrame({"id": ["yuxi"], "name": ["Yuxi"]})
    names = layer_names(sites, clusters, {}, cells={"cell-yuxi-6-6": CELL})
    assert names.sites == {"caopu": "Anning industrial park", "yuxi": "Yuxi high-tech zone", "cell-yuxi-6-6": CELL}
    assert "cell-yuxi-6-6" not in names.site_names_in_layer
