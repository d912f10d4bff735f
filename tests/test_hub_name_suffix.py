"""A hub is named "<cluster name> hub" (siting/deliver/layer.py `network_end_name`), unless the
cluster's name ends in "hub" already, in any letter case: a cluster "East Hub" read "East Hub hub"
in product_flows' `from_name` and `to_name`, in the web map's popups and in its note on the gateway
standing at a hub; it reads "East Hub"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import shapely
from test_webmap_flows import HUB, PRODUCTS, UNITS, YEARS, flows_layer, places

from siting.cli import main
from siting.deliver.layer import make_layer, network_end_name
from siting.deliver.webmap import map_html

SMALL = Path(__file__).parent / "data" / "small"


@pytest.mark.parametrize(("name", "said"), [
    ("Kunming", "Kunming hub"), ("East Hub", "East Hub"), ("Central HUB", "Central HUB"),
    ("Dianzhong logistics hub", "Dianzhong logistics hub"), ("Hubei", "Hubei hub")])
def test_a_hub_is_named_with_hub_once(name: str, said: str) -> None:
    assert network_end_name("hub", name) == said
    assert network_end_name("gateway", name) == f"{name} (gateway)"


def test_the_web_map_s_note_names_the_gateway_s_hub_once() -> None:
    """tests/test_map_titles_gap.py's gateway at hub n, its cluster named "North Hub"."""
    sites, hubs = places()
    frame = hubs.frame.copy()
    frame.geometry = [shapely.Point(HUB), shapely.Point(HUB)]
    frame["name"] = ["North Hub", "Port"]
    at_hub = make_layer("hubs", "Hubs", frame, list(frame.columns.drop("geometry")))
    page = map_html([sites, at_hub, flows_layer()], PRODUCTS, YEARS, UNITS)
    assert "The gateway stands at North Hub: the imports and sales between them have no line" in page
    assert "Hub hub" not in page


def test_product_flows_name_a_hub_cluster_once(tmp_path: Path) -> None:
    """tests/data/small with its cluster east named "East Hub": every product flow to or from
    its hub names it "East Hub"; the west cluster's is still "West hub"."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    clusters = folder / "clusters.geojson"
    clusters.write_text(clusters.read_text(encoding="utf-8").replace('"name": "East"', '"name": "East Hub"'),
                        encoding="utf-8")
    out = tmp_path / "out"
    assert main(["solve", str(folder / "scenario.yaml"), "--out", str(out), "--quiet"]) == 0
    features = json.loads((out / "product_flows.geojson").read_text(encoding="utf-8"))["features"]
    named = {(p[f"{end}"], p[f"{end}_name"]) for p in (f["properties"] for f in features) for end in ("from", "to")}
    assert ("east", "East Hub") in named and ("west", "West hub") in named
    assert not [n for _, n in named if n and "Hub hub" in n]
