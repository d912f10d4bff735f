"""An output layer's fields are read from its frame once (`OutputLayer.column`, `OutputLayer.rows`),
however many writers ask for them: the GeoJSON (`feature_collection_text`) and the web map's
features (siting/deliver/webmap.py) each read every field of a layer, several of them the same
layer, and a GeoDataFrame's column costs some 50 us to read (about 0.03 s of CPU per export).

The layer: two hand-made sites, s1 built (1.2 bn yuan of capex) and s2 excluded by the red line."""

from __future__ import annotations

import collections
from collections.abc import Iterator

import geopandas as gpd
import pytest
import shapely

from siting.deliver.layer import OutputLayer, feature_collection_text, make_layer, records
from siting.deliver.webmap import on_site_features, place_names, site_features

COLUMNS = ["id", "name", "cluster", "status", "capex_yuan", "on_site_sources", "added_lfp_2024"]


def sites_layer() -> OutputLayer:
    frame = gpd.GeoDataFrame({
        "id": ["s1", "s2"], "name": ["Lake park", "Hill park"], "cluster": ["west", "west"],
        "status": ["built", "excluded_redline"], "capex_yuan": [1.2e9, 0.0], "on_site_sources": ["", ""],
        "added_lfp_2024": [50_000.0, 0.0],
    }, geometry=[shapely.Point(102.1, 24.6), shapely.Point(102.3, 24.8)], crs="EPSG:4326")
    return make_layer("sites", "Sites", frame, COLUMNS)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[collections.Counter[str]]:
    """The columns read from any GeoDataFrame by name (`frame[name]`), counted; the geometry
    column left out."""
    counted: collections.Counter[str] = collections.Counter()
    read = gpd.GeoDataFrame.__getitem__

    def counting(frame: gpd.GeoDataFrame, key: object) -> object:
        if isinstance(key, str) and key != "geometry":
            counted[key] += 1
        return read(frame, key)

    monkeypatch.setattr(gpd.GeoDataFrame, "__getitem__", counting)
    yield counted


def test_rows_are_the_frames_records_each_column_read_once(reads: collections.Counter[str]):
    sites = sites_layer()
    expected = records(sites.frame, COLUMNS)
    reads.clear()
    first = sites.rows()
    assert first == expected
    assert sites.rows(["status", "id"]) == [{"status": "built", "id": "s1"},
                                            {"status": "excluded_redline", "id": "s2"}]
    assert dict(reads) == {c: 1 for c in COLUMNS}
    # each call's rows are its own: changing one leaves the layer's as they were
    first[0]["status"] = "changed"
    assert sites.rows() == expected
    assert sites.column("status") == ["built", "excluded_redline"]
    assert dict(reads) == {c: 1 for c in COLUMNS}


def test_geojson_and_web_map_read_each_field_of_a_layer_once(reads: collections.Counter[str]):
    """The sites' GeoJSON, their markers and their names for the flows' popups read the sites'
    frame; `place_names` and `on_site_features` still read `id` and `name` beside the rows
    (siting/config/units.py `frame_site_names`), so only the fields they do not name are
    counted here."""
    sites = sites_layer()
    reads.clear()
    feature_collection_text(sites)
    features = site_features(sites, ["lfp"], [2024], {"lfp": "t"})
    on_site_features(sites, sites, [2024])
    place_names(sites, None)
    assert [f["properties"]["tooltip"] for fs in features.values() for f in fs] == ["Lake park", "Hill park"]
    assert {c: n for c, n in reads.items() if c not in ("id", "name")} == {c: 1 for c in COLUMNS[2:]}
