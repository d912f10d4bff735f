"""map.png does not name a county again where the label of a site in it names it already
(siting/deliver/mapplot.py `counties_named`): a grey "Huaning County" a few millimetres from the
black "Huaning county" of the site's label said the same word twice. The county's own name is its
name less the words that say what kind of place it is (`place_stem`), matched to the site's
name word by word, whatever the case (`names_place`); a site named after a place elsewhere (the
Anning park's "Qilin area", far from Qujing's Qilin District) leaves the county named."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from test_map_label_room import CRS, TITLE, cluster
from test_map_leftovers import rock_source, sites_on_a_source

from siting.deliver.mapinfo import MapContext
from siting.deliver.mapplot import counties_named, map_figure, names_place, place_stem


def test_a_county_s_own_name_leaves_out_the_words_for_its_kind():
    assert place_stem("Huaning County") == ("huaning",)
    assert place_stem("Qilin District") == ("qilin",)
    assert place_stem("Xuanwei City") == ("xuanwei",)
    assert place_stem("Luquan Yi and Miao Autonomous County") == ("luquan",)
    assert place_stem("Yuanjiang Hani, Yi and Dai Autonomous County") == ("yuanjiang",)
    assert place_stem("New Castle County") == ("new", "castle")
    assert place_stem("华宁县") == ("华宁",)
    assert place_stem("County") == ("county",)


def test_a_site_s_name_says_the_place_word_by_word_whatever_the_case():
    assert names_place("Huaning county", ("huaning",))
    assert names_place("TONGHAI", ("tonghai",))
    assert names_place("Cell 67-733 in Hongta District (13.4 km N of Yuxi high-tech zone)", ("hongta",))
    assert names_place("华宁工业园区", ("华宁",))
    assert not names_place("Huaningxi park", ("huaning",))
    assert not names_place("Castle park", ("new", "castle"))
    assert not names_place("Huaning county", ())


#: Two counties side by side (metres): West County (0-10 km) and Qilin District (10-20 km).
COUNTIES = gpd.GeoDataFrame({"id": ["w", "q"], "name": ["West County", "Qilin District"]},
                            geometry=[shapely.box(0, 0, 10000, 10000), shapely.box(10000, 0, 20000, 10000)],
                            crs=CRS)


def test_a_county_is_named_already_only_by_a_site_in_it_that_says_its_name():
    # "West county" stands in West County; the Qilin area of a park stands in West County too,
    # so it does not name Qilin District.
    said = counties_named(COUNTIES, ["West county", "Anning industrial park, Qilin area"],
                          np.array([[5000.0, 5000.0], [2000.0, 2000.0]]))
    assert said.tolist() == [True, False]
    # In Qilin District, the same park's name says Qilin District's.
    said = counties_named(COUNTIES, ["Anning industrial park, Qilin area"], np.array([[15000.0, 5000.0]]))
    assert said.tolist() == [False, True]
    assert counties_named(COUNTIES, [], np.empty((0, 2))).tolist() == [False, False]


def test_map_png_draws_a_county_s_name_once_where_a_site_s_label_says_it():
    """s1 "North park, east area" (label "North park") stands at the north end of North County,
    a strip running south from it, where the county's name has room: it is not drawn; Far County,
    in the cluster's north-west corner with no site, is."""
    counties = gpd.GeoDataFrame({"id": ["c1", "c2"], "name": ["North County", "Far County"]},
                                geometry=[shapely.box(101.97, 24.82, 102.05, 25.05),
                                          shapely.box(101.82, 25.2, 101.92, 25.28)], crs="EPSG:4326")
    context = MapContext(units={"lfp": "t"}, values={"lfp": 1.0}, context=counties, context_label="counties")
    figure = map_figure([sites_on_a_source(), rock_source(), cluster()], TITLE, ["lfp"], CRS, context)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "North park\nLFP 20,000 t/yr\nPhosphate rock on site: 50,000 t/yr in 2024" in texts
    assert "North County" not in texts
    assert "Far County" in texts
