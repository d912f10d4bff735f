"""Ids the outputs could not tell apart are refused: a cluster id `gateway` (hubs.geojson and
product_flows.csv name the gateway `gateway` beside the clusters' hubs) and a site id that is also
a cluster id (product_flows.csv names a hub by its cluster's id beside the sites)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from siting.config.errors import InputError
from siting.prepare.problem import prepare


def renamed(path: Path, field: str, old: str, new: str) -> None:
    data = json.loads(path.read_text())
    for feature in data["features"]:
        if feature["properties"][field] == old:
            feature["properties"][field] = new
    path.write_text(json.dumps(data))


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        prepare(folder / "scenario.yaml", {})
    return [p.replace(f"{folder}/", "") for p in err.value.problems]


def test_a_cluster_named_gateway_is_refused(folder: Path):
    renamed(folder / "clusters.geojson", "cluster_id", "east", "gateway")
    problems = [p for p in problems_of(folder) if "'gateway'" in p]
    assert problems and problems[0].startswith("clusters.geojson: field 'cluster_id' | cluster id 'gateway' "), problems
    assert "gateway" in problems[0] and "rename" in problems[0]


def test_a_site_id_that_is_a_cluster_id_is_refused(folder: Path):
    renamed(folder / "sites.geojson", "site_id", "e_far", "west")
    problems = [p for p in problems_of(folder) if "'west'" in p and "also" in p]
    assert problems and problems[0].startswith("sites.geojson: field 'site_id' | site id 'west' "), problems
    assert "clusters.geojson" in problems[0]
