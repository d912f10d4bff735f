"""A sites layer with an `id` property of its own beside the field the scenario reads the site ids
from (`layers.sites.id_field`): the outputs name each site by its site id in their `id` field and
carry the layer's own `id` beside it as `input_id` (the prefix every carried column clashing
with an output's own field takes), as numbers where the layer gives numbers, as text where it
gives text, in sites.geojson and plan.gpkg alike; none of it is lost."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pyogrio
import pytest

from tests.conftest import SMALL

#: The small scenario's site ids (its sites layer's `site_id`), in the layer's order.
SITE_IDS = ["w_mine", "w_lake", "e_city", "e_far"]


def solved_with_own_ids(folder: Path, own: list[object]) -> Path:
    """The small scenario, its sites reading their ids from `site_id` and given an `id` property
    of `own` values (one per site, in order), solved; its output folder."""
    shutil.copytree(SMALL, folder / "small")
    path = folder / "small" / "sites.geojson"
    sites = json.loads(path.read_text(encoding="utf-8"))
    assert [f["properties"]["site_id"] for f in sites["features"]] == SITE_IDS
    for feature, value in zip(sites["features"], own, strict=True):
        feature["properties"]["id"] = value
    path.write_text(json.dumps(sites), encoding="utf-8")
    scenario = folder / "small" / "scenario.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert "sites: {path: sites.geojson}" in text
    scenario.write_text(text.replace("sites: {path: sites.geojson}",
                                     "sites: {path: sites.geojson, id_field: site_id}"), encoding="utf-8")
    from siting.cli import main

    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setattr("siting.cli.PROGRESS_BY_DEFAULT", False)
        code = main(["solve", str(scenario), "--out", str(folder / "out")])
    assert code == 0, printed.getvalue()
    return folder / "out"


def carried(out: Path) -> tuple[dict[str, object], dict[str, object]]:
    """Site id -> `input_id` in sites.geojson and in plan.gpkg's sites layer (the input's sites only)."""
    features = json.loads((out / "sites.geojson").read_text(encoding="utf-8"))["features"]
    in_geojson = {f["properties"]["id"]: f["properties"].get("input_id") for f in features
                  if f["properties"]["id"] in SITE_IDS}
    table = pyogrio.read_dataframe(out / "plan.gpkg", layer="sites")
    assert "input_id" in table.columns
    in_gpkg = {i: v for i, v in zip(table["id"], table["input_id"], strict=True) if i in SITE_IDS}
    return in_geojson, in_gpkg


def test_a_numeric_own_id_is_carried_as_input_id(tmp_path: Path):
    out = solved_with_own_ids(tmp_path, [101, 102, 103, 104])
    in_geojson, in_gpkg = carried(out)
    assert in_geojson == {"w_mine": 101, "w_lake": 102, "e_city": 103, "e_far": 104}
    assert {k: int(v) for k, v in in_gpkg.items()} == in_geojson


def test_a_text_own_id_is_carried_as_input_id(tmp_path: Path):
    out = solved_with_own_ids(tmp_path, ["parcel-1", "parcel-2", "parcel-3", "parcel-4"])
    in_geojson, in_gpkg = carried(out)
    assert in_geojson == {"w_mine": "parcel-1", "w_lake": "parcel-2", "e_city": "parcel-3", "e_far": "parcel-4"}
    assert in_gpkg == in_geojson
