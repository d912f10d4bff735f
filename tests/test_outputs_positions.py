"""`position_sensitive` is null wherever a site's decisions were not checked against its
positional uncertainty, and "" only where they were and none lies within it: a site outside every
cluster (left out of the plan, so no rule decides anything there) is not checked, whatever
uncertainty it gives."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from conftest import edit
from test_positions import set_uncertainty  # site id -> value; None: null

from siting.cli import main
from siting.deliver.layers import position_fields
from siting.prepare.positions import PositionCheck


def move_site(folder: Path, site: str, lon: float, lat: float) -> None:
    """Put `site` of the small scenario's sites layer at (lon, lat)."""
    path = folder / "sites.geojson"
    data = json.loads(path.read_text())
    for feature in data["features"]:
        if feature["properties"]["site_id"] == site:
            feature["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    path.write_text(json.dumps(data))


def test_a_site_outside_every_cluster_says_it_was_not_checked(folder: Path):
    """e_far moved to (103.7, 24.95), east of East (103-103.5), and dropped
    (`spatial.sites_outside_clusters: drop`): its 10 km stays as given, its decisions are null.
    w_mine (2 km, margins 41 and 47 km) was checked: ""; e_city gives none: null in both."""
    set_uncertainty(folder, {"w_mine": 2.0, "w_lake": 0.0, "e_city": None, "e_far": 10.0})
    move_site(folder, "e_far", 103.7, 24.95)
    edit(folder / "scenario.yaml", "  detour_factor: 1.0\n", "  detour_factor: 1.0\n  sites_outside_clusters: drop\n")
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    features = json.loads((out / "sites.geojson").read_text())["features"]
    fields = {f["id"]: (f["properties"]["status"], f["properties"]["position_uncertainty_km"],
                        f["properties"]["position_sensitive"]) for f in features}
    assert fields == {"w_mine": ("built", 2.0, ""), "w_lake": ("excluded_redline", 0.0, ""),
                      "e_city": ("built", None, None), "e_far": ("outside_clusters", 10.0, None)}


def test_position_fields_are_null_where_nothing_was_checked():
    """a (5 km) is in the check: ""; b (3 km) is not (outside every cluster): null; without a
    check at all, null for both; c gives no uncertainty: null in both fields."""
    sites = gpd.GeoDataFrame({"id": ["a", "b", "c"], "position_uncertainty_km": [5.0, 3.0, np.nan]},
                             geometry=[shapely.Point(0, 0)] * 3, crs="EPSG:32648")
    check = PositionCheck({"a": 5.0, "c": 0.0}, ("c",), ())
    assert position_fields(sites, check) == {
        "a": {"position_uncertainty_km": 5.0, "position_sensitive": ""},
        "b": {"position_uncertainty_km": 3.0, "position_sensitive": None},
        "c": {"position_uncertainty_km": None, "position_sensitive": None}}
    assert position_fields(sites, None) == {
        "a": {"position_uncertainty_km": 5.0, "position_sensitive": None},
        "b": {"position_uncertainty_km": 3.0, "position_sensitive": None},
        "c": {"position_uncertainty_km": None, "position_sensitive": None}}
