"""diff.geojson gives its `base_<product>`/`new_<product>` field pairs in the catalog's order, as
the sites and hubs layers give their product fields (siting/runs/tables.py `_diff_products`).

Before, they came in order of first appearance over the runs' sites: a baseline building
li2co3 at site "a" and lfp at site "b" gave li2co3's pair before lfp's although the catalog
(the runs' `units`, in the model's order) lists lfp first."""

from __future__ import annotations

import json
from pathlib import Path

from siting.runs.pool import CaseSummary
from siting.runs.tables import diff_aliases, diff_geojson

#: The catalog's products in its order, then a target group, as a run's `units` gives them.
UNITS = {"lfp": "t", "li2co3": "t", "cells": "GWh", "Cathode": "t"}


def run(label: str, folder: Path, added: dict[str, dict[str, float]]) -> CaseSummary:
    """A run with a plan, sites a (102.0, 25.0) and b (102.1, 25.0) in its sites.geojson."""
    folder.mkdir(parents=True)
    features = [{"type": "Feature", "id": i, "properties": {"id": i},
                 "geometry": {"type": "Point", "coordinates": [x, 25.0]}} for i, x in (("a", 102.0), ("b", 102.1))]
    (folder / "sites.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return CaseSummary(label, True, status="optimal", objective_yuan=-20e9, gap=0.0, final_year=2024,
                       sites_opened=tuple(added), site_added=added, units=UNITS, output_value={2024: 1e9},
                       out_dir=str(folder))


def test_product_pairs_come_in_catalog_order(tmp_path: Path) -> None:
    base = run("base", tmp_path / "base", {"a": {"li2co3": 1000.0}, "b": {"lfp": 2000.0}})
    other = run("other", tmp_path / "other", {"a": {"cells": 5.0}, "b": {"lfp": 2000.0}})
    (feature, *_rest) = json.loads(diff_geojson([base, other]))["features"]
    pairs = [k for k in feature["properties"] if k.startswith(("base_", "new_"))]
    assert pairs == ["base_lfp", "new_lfp", "base_li2co3", "new_li2co3", "base_cells", "new_cells"]
    aliases = [k for k in diff_aliases([base, other]) if k.startswith(("base_", "new_"))]
    assert aliases == pairs
