"""The web map titles a raw-material flow by the names of its ends, as flows.geojson carries them
(`source_name`, `site_name`), and by their ids where a layer gives no name."""

from __future__ import annotations

import geopandas as gpd
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.webmap import flow_features


def flows(names: dict[str, list[str | None]]) -> object:
    frame = gpd.GeoDataFrame({"id": ["rock->s2", "coke->s3"], "source": ["rock", "coke"], "site": ["s2", "s3"],
                              **names, "resource": ["phosphate_rock", "petroleum_coke"], "km": [10.0, 20.0],
                              "tonnes_2024": [20000.0, 5000.0]},
                             geometry=[shapely.LineString([(102.0, 25.0), (102.1, 25.0)]),
                                       shapely.LineString([(102.0, 25.1), (102.1, 25.1)])], crs="EPSG:4326")
    return make_layer("flows", "flows", frame, list(frame.columns.drop("geometry")), None, "LineString")


def titles(layer: object) -> list[str]:
    return [f["properties"]["popup"].split("<b>")[1].split("</b>")[0] for f in flow_features(layer, [2024], {})]


def test_a_flow_is_titled_by_its_ends_names_and_by_ids_where_none():
    named = flows({"source_name": ["Anning phosphate deposits", None], "site_name": ["Anning Caopu", None]})
    assert titles(named) == ["Anning phosphate deposits to Anning Caopu", "coke to s3"]
    assert titles(flows({})) == ["rock to s2", "coke to s3"]
