"""A clusters layer without hub fields places each cluster's hub at a point inside its polygon:
every haul to the hub and the why-here comparison follow from it, so the run says so in a notice,
as it does for hubs whose fields are empty. A scenario that sets the hub fields to null asks for
those points, and gets no notice."""

from __future__ import annotations

from pathlib import Path

import yaml
from test_layer_fallbacks import change_features

from siting.config.load import load_scenario
from siting.prepare.layers import load_layers

NOTICE = ("clusters.geojson: no fields 'hub_lon' and 'hub_lat': each cluster's hub (where its sites ship and its "
          "trade passes) is placed at the representative point of its polygon (a point inside it, which may lie far "
          "from its city or rail yard); give both coordinates (WGS84 degrees) to place it, or set "
          "layers.clusters.hub_lon_field and hub_lat_field to null to take these points")


def drop_hub_fields(folder: Path) -> None:
    def change(feature: dict) -> None:
        feature["properties"].pop("hub_lon", None)
        feature["properties"].pop("hub_lat", None)

    change_features(folder / "clusters.geojson", change)


def notices(folder: Path) -> list[str]:
    return [str(n) for n in load_layers(load_scenario(folder / "scenario.yaml")).notices]


def test_no_hub_fields_is_said(folder: Path) -> None:
    assert not any("hub" in n for n in notices(folder))  # the small case gives its hubs
    drop_hub_fields(folder)
    assert NOTICE in notices(folder)


def test_hub_fields_set_to_null_take_the_points_without_a_notice(folder: Path) -> None:
    drop_hub_fields(folder)
    path = folder / "scenario.yaml"
    scenario = yaml.safe_load(path.read_text())
    scenario["layers"]["clusters"].update({"hub_lon_field": None, "hub_lat_field": None})
    path.write_text(yaml.safe_dump(scenario, sort_keys=False))
    assert not any("hub" in n for n in notices(folder))
