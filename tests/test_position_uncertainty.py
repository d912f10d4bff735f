"""The sites layer's `position_uncertainty_km` and `position_sensitive` tell a site whose
uncertainty the input does not give (null in both) from one given 0 km (0, and "" where no
decision is within it), in sites.geojson and plan.gpkg; no CSV table carries them.

The small scenario's sites as tests/test_positions.py places them: w_lake is a point 3.0 km inside
the 1 km lake buffer, its nearest phosphate 8.0 road km within the 50 km limit (detour 1.0), so at
±9 km both decisions are open and at 0 km neither; w_mine's margins are 41 and 47 km, above its
2 km; e_far at ±10 km has none below 10 km."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from test_positions import set_uncertainty  # site id -> value; None: null

import siting
from siting.cli import main
from siting.deliver.layers import CELL_POSITION, NOT_GIVEN_POSITION, position_fields
from siting.prepare.positions import RED_LINE, PositionCheck, PositionDecision
from tests.conftest import MadeRun


def solved(folder: Path) -> Path:
    out = folder / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out)]) == 0
    return out


def geojson_fields(out: Path) -> dict[str, tuple[object, object]]:
    features = json.loads((out / "sites.geojson").read_text())["features"]
    return {f["id"]: (f["properties"]["position_uncertainty_km"], f["properties"]["position_sensitive"])
            for f in features}


def layer_fields(folder: Path) -> dict[str, tuple[object, object]]:
    """`geojson_fields` of `folder`/scenario.yaml's plan as its sites layer holds them before any
    file is written (`siting.solve(...).layers`, the frame sites.geojson is written from; null as
    None), without the seconds of drawing and writing every output: for the tests of what is read
    and decided (test_a_site_given_0_km_and_one_given_none_differ_in_every_file and
    test_the_decisions_within_a_given_uncertainty_are_named_and_none_where_not_given read the files)."""
    sites = siting.solve(folder / "scenario.yaml").layers["sites"]

    def value(item: object) -> object:
        return None if item is None or (isinstance(item, float) and np.isnan(item)) else item

    return {site: (value(uncertainty), value(sensitive)) for site, uncertainty, sensitive in
            zip(sites["id"], sites["position_uncertainty_km"], sites["position_sensitive"], strict=True)}


def gpkg_fields(out: Path) -> dict[str, tuple[object, str, object, str]]:
    """Site id -> (uncertainty, its SQLite type, sensitive, its SQLite type) as plan.gpkg stores them."""
    with sqlite3.connect(out / "plan.gpkg") as db:
        rows = db.execute("SELECT id, position_uncertainty_km, typeof(position_uncertainty_km), position_sensitive, "
                          "typeof(position_sensitive) FROM sites ORDER BY fid").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_a_site_given_0_km_and_one_given_none_differ_in_every_file(folder: Path):
    """w_lake given 0 km: 0.0 and "" (checked: no margin is below 0); e_city given none (null):
    null in both fields, as plan.gpkg stores them too (SQL NULL in a REAL column)."""
    set_uncertainty(folder, {"w_mine": 2.0, "w_lake": 0, "e_city": None, "e_far": 10.0})
    out = solved(folder)
    assert geojson_fields(out) == {"w_mine": (2.0, ""), "w_lake": (0.0, ""), "e_city": (None, None),
                                   "e_far": (10.0, "")}
    assert gpkg_fields(out) == {"w_mine": (2.0, "real", "", "text"), "w_lake": (0.0, "real", "", "text"),
                                "e_city": (None, "null", None, "null"), "e_far": (10.0, "real", "", "text")}
    info = pyogrio.read_info(out / "plan.gpkg", layer="sites")
    fields = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert (fields["position_uncertainty_km"], fields["position_sensitive"]) == ("float64", "object")
    for table in sorted(out.glob("*.csv")):
        header = table.read_text().splitlines()[0].split(",")
        assert not {"position_uncertainty_km", "position_sensitive"} & set(header), table.name


def test_the_decisions_within_a_given_uncertainty_are_named_and_none_where_not_given(folder: Path):
    """w_lake at ±9 km has its red-line and proximity decisions open; e_city gives none: null."""
    set_uncertainty(folder, {"w_mine": 2.0, "w_lake": 9.0, "e_city": None, "e_far": 10.0})
    assert geojson_fields(solved(folder)) == {
        "w_mine": (2.0, ""), "e_city": (None, None), "e_far": (10.0, ""),
        "w_lake": (9.0, "red line fepo4, lfp, cells (3.0 km inside the zone, ±9 km); proximity fepo4 (phosphate_rock "
                        "42.0 road km, 8.0 road km within the 50 km limit (8.0 km straight), ±9 km)")}


def test_a_layer_without_the_column_writes_null_and_keeps_the_field_a_real_in_plan_gpkg(small_run: MadeRun):
    """The small scenario's own sites give no uncertainty: null at all 4 sites, in the GeoJSON
    and in plan.gpkg, whose field stays REAL. The run is conftest's `small_run`."""
    out = small_run.out
    assert geojson_fields(out) == dict.fromkeys(("w_mine", "w_lake", "e_city", "e_far"), (None, None))
    with sqlite3.connect(out / "plan.gpkg") as db:
        types = {row[1]: row[2] for row in db.execute("PRAGMA table_info(sites)")}
    assert (types["position_uncertainty_km"], types["position_sensitive"]) == ("REAL", "TEXT")
    assert set(gpkg_fields(out).values()) == {(None, "null", None, "null")}


def test_position_fields_tell_given_zero_from_not_given():
    """Given 5 km with a decision 0.8 km inside its zone: named; given 0 km: 0 and ""; null or no
    column: null in both; without a check: null, nothing was checked. A cell is placed exactly by
    the tool: 0 and ""."""
    sites = gpd.GeoDataFrame({"id": ["a", "b", "c"], "position_uncertainty_km": [5.0, 0.0, np.nan]},
                             geometry=[shapely.Point(0, 0)] * 3, crs="EPSG:32648")
    decision = PositionDecision("a", RED_LINE, "lake 1000 m", ("fepo4",), "inside", 0.8, 5.0,
                                "0.8 km inside the zone")
    check = PositionCheck({"a": 5.0, "b": 0.0, "c": 0.0}, ("c",), (decision,))
    assert position_fields(sites, check) == {
        "a": {"position_uncertainty_km": 5.0, "position_sensitive": "red line fepo4 (0.8 km inside the zone, ±5 km)"},
        "b": {"position_uncertainty_km": 0.0, "position_sensitive": ""},
        "c": {"position_uncertainty_km": None, "position_sensitive": None}}
    assert position_fields(sites, None)["a"] == {"position_uncertainty_km": 5.0, "position_sensitive": None}
    assert position_fields(sites, None)["c"] == NOT_GIVEN_POSITION == {"position_uncertainty_km": None,
                                                                       "position_sensitive": None}
    without = sites.drop(columns="position_uncertainty_km")
    assert position_fields(without, check) == dict.fromkeys(("a", "b", "c"), NOT_GIVEN_POSITION)
    assert CELL_POSITION == {"position_uncertainty_km": 0.0, "position_sensitive": ""}


@pytest.mark.parametrize("value", [0, 0.0])
def test_an_explicit_zero_is_read_as_zero_not_as_missing(folder: Path, value: float):
    set_uncertainty(folder, {"w_mine": value, "w_lake": value, "e_city": value, "e_far": value})
    assert set(layer_fields(folder).values()) == {(0.0, "")}
