"""The line layers name their ends beside their ids: product_flows.geojson's `from_name` and
`to_name` (after `to`), flows.geojson's `source_name` and `site_name` (after `site`), each the
name the end's own layer gives it (sites.geojson for a site, hubs.geojson for a hub or the
gateway, sources.geojson for a source), null where that layer gives none; plan.gpkg has the
same fields. A hub and the gateway are named in the report's words (siting/deliver/layer.py
`network_end_name`): the shipped Kunming hub and the gateway, both `name` "Kunming" in
hubs.geojson, were both "Kunming", so that "Qujing" -> "Kunming" stood for hub_to_hub and
hub_to_gateway flows alike; they are "Kunming hub" and "Kunming (gateway)"."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any


def features(folder: Path, name: str) -> list[dict[str, Any]]:
    """The features of `<name>.geojson` in `folder`."""
    return json.loads((folder / f"{name}.geojson").read_text(encoding="utf-8"))["features"]


def names_by(folder: Path, layer: str, key: str) -> dict[str, Any]:
    """`key` -> `name` of every feature of a layer."""
    return {str(f["properties"][key]): f["properties"]["name"] for f in features(folder, layer)}


def gpkg_columns(path: Path, table: str) -> list[str]:
    """The columns of a table of a GeoPackage, in order."""
    with sqlite3.connect(path) as connection:
        return [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]


def named_nodes(folder: Path) -> dict[tuple[str, str], Any]:
    """(kind of end, id) -> name: the sites as sites.geojson (and site_areas.geojson, where a
    polygon site is) names them, the hubs and the gateway as hubs.geojson does, with " hub" or
    " (gateway)" after it."""
    nodes: dict[tuple[str, str], Any] = {}
    for layer in ("sites", "site_areas"):
        if (folder / f"{layer}.geojson").exists():
            nodes.update({("site", k): n for k, n in names_by(folder, layer, "id").items()})
    for feature in features(folder, "hubs"):
        props = feature["properties"]
        kind = str(props["kind"])
        nodes[(kind, str(props["node"]))] = f"{props['name']} hub" if kind == "hub" else f"{props['name']} (gateway)"
    return nodes


#: The kinds of ends of each kind of product flow.
ENDS = {"site_to_hub": ("site", "hub"), "hub_to_site": ("hub", "site"), "hub_to_hub": ("hub", "hub"),
        "gateway_to_hub": ("gateway", "hub"), "hub_to_gateway": ("hub", "gateway")}


def test_product_flows_name_their_ends_as_the_sites_and_hubs_layers_do(small_run):
    """Every line of product_flows.geojson: `from_name` and `to_name` right after `to`, each the
    name of that end as sites.geojson or hubs.geojson gives it; the kinds of ends the small plan
    moves products between all come up, and none is named by its id alone where it has a name."""
    out = small_run.out
    nodes = named_nodes(out)
    lines = features(out, "product_flows")
    assert lines
    seen = set()
    for line in lines:
        props = line["properties"]
        fields = list(props)
        assert fields[fields.index("to") + 1:fields.index("to") + 3] == ["from_name", "to_name"], fields
        start, stop = ENDS[props["kind"]]
        assert props["from_name"] == nodes[(start, props["from"])], line["id"]
        assert props["to_name"] == nodes[(stop, props["to"])], line["id"]
        assert props["from_name"] != "" and props["to_name"] != ""
        seen.update({start, stop})
    assert seen == {"site", "hub", "gateway"}
    columns = gpkg_columns(out / "plan.gpkg", "product_flows")
    assert columns[columns.index("to") + 1:columns.index("to") + 3] == ["from_name", "to_name"]
    style = (out / "product_flows.qml").read_text(encoding="utf-8")
    assert ('<alias field="from_name" name="from (name; a site\'s whole name, as sites.geojson\'s: join on from)"'
            in style)
    assert '<alias field="to_name" name="to (name; a site\'s whole name, as sites.geojson\'s: join on to)"' in style


def test_flows_name_their_source_and_site(small_run):
    """Every line of flows.geojson: `source_name` and `site_name` right after `site`, the source's
    name as sources.geojson gives it and the site's as sites.geojson does."""
    out = small_run.out
    sites = {k: n for (kind, k), n in named_nodes(out).items() if kind == "site"}
    sources = names_by(out, "sources", "id")
    lines = features(out, "flows")
    assert lines
    for line in lines:
        props = line["properties"]
        fields = list(props)
        assert fields[fields.index("site") + 1:fields.index("site") + 3] == ["source_name", "site_name"], fields
        assert props["source_name"] == sources[props["source"]], line["id"]
        assert props["site_name"] == sites[props["site"]], line["id"]
        assert props["source_name"] != "" and props["site_name"] != ""
    columns = gpkg_columns(out / "plan.gpkg", "flows")
    assert columns[columns.index("site") + 1:columns.index("site") + 3] == ["source_name", "site_name"]
    style = (out / "flows.qml").read_text(encoding="utf-8")
    assert '<alias field="source_name" name="source (name)"' in style
    assert '<alias field="site_name" name="site name (whole, as sites.geojson\'s; join the layers on site)"' in style


def test_an_end_without_a_name_is_null() -> None:
    """With hub c2 at s2 (tests/test_trade_outputs.py `chain_places`: cluster c1 named "C one", c2
    without a name, the gateway "Kunming station"), the sites named s1 but not s2: a site without a
    name is null, a hub is named as hubs.geojson names it (c2 by its id) with " hub", the gateway
    by its name with " (gateway)"."""
    from test_table_details import hand_plan
    from test_trade_outputs import chain_places

    from siting.deliver.layers import product_flows_layer

    places, points = chain_places(s2_at_its_hub=True)
    layer = product_flows_layer(places, hand_plan(), points, site_names={"s1": "Site one", "s2": None})
    assert [(row["id"], row["from_name"], row["to_name"]) for _i, row in layer.frame.iterrows()] == [
        ("gateway_to_hub:gateway->c2:u:2030", "Kunming station (gateway)", "c2 hub"),
        ("hub_to_gateway:c2->gateway:d:2030", "c2 hub", "Kunming station (gateway)"),
        ("hub_to_hub:c1->c2:u:2030", "C one hub", "c2 hub"),
        ("site_to_hub:s1->c1:u:2030", "Site one", "C one hub")]
    bare = product_flows_layer(places, hand_plan(), points)
    assert list(bare.frame["from_name"])[-1] is None


def test_a_hub_and_the_gateway_of_one_name_are_told_apart() -> None:
    """The gateway named "C one" as cluster c1 is: before, the hub_to_hub flow c1 -> c2 and the
    gateway's flows both had an end "C one"; now "C one hub" and "C one (gateway)"."""
    from test_table_details import hand_plan
    from test_trade_outputs import chain_places

    from siting.deliver.layers import product_flows_layer

    places, (hubs, gateway) = chain_places(s2_at_its_hub=True)
    layer = product_flows_layer(places, hand_plan(), (hubs, gateway.assign(name=["C one"])))
    names = {row["kind"]: (row["from_name"], row["to_name"]) for _i, row in layer.frame.iterrows()}
    assert names["hub_to_hub"] == ("C one hub", "c2 hub")
    assert names["gateway_to_hub"] == ("C one (gateway)", "c2 hub")
