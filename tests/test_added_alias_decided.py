"""The sites layer's `added_<product>_<year>` fields count modules in the year they are decided in
(plan.csv's `year`), which their lead time separates from the year they first produce: QGIS
names them so ("FePO4 added, decided 2022 (t/yr)"), not as if the capacity were online then."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point

from siting.deliver.layer import OutputLayer
from siting.deliver.styles import field_aliases


def _sites(columns: dict[str, list[object]]) -> OutputLayer:
    frame = gpd.GeoDataFrame(columns, geometry=[Point(102.7, 25.0)], crs="EPSG:4326")
    fields = tuple((name, "string" if name == "id" else "real") for name in columns)
    return OutputLayer(name="sites", title="Sites", frame=frame, fields=fields, geometry_type="Point")


def test_added_fields_say_the_decision_year() -> None:
    layer = _sites({"id": ["a"], "added_fepo4_2022": [1.0], "capacity_fepo4_2024": [1.0]})
    aliases = field_aliases(layer, {"fepo4": "t"})
    assert aliases["added_fepo4_2022"] == "FePO4 added, decided 2022 (t/yr)"
    assert aliases["capacity_fepo4_2024"] == "FePO4 capacity 2024 (t/yr)"


def test_a_clusters_total_is_over_all_years() -> None:
    frame = gpd.GeoDataFrame({"id": ["k"], "added_lfp": [1.0]}, geometry=[Point(102.7, 25.0)], crs="EPSG:4326")
    fields = (("id", "string"), ("added_lfp", "real"))
    layer = OutputLayer(name="clusters", title="Clusters", frame=frame, fields=fields, geometry_type="Point")
    assert field_aliases(layer, {"lfp": "t"})["added_lfp"] == "LFP added, all years (t/yr)"
