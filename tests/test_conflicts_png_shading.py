"""conflicts.png shades every cluster a conflicting rule names alike, as its legend keys it,
however many rules name it.

Before, each cluster was drawn once per rule naming it, in a translucent red: with a 30 km red-line
buffer, strict targets and no chain balance (docs/EXPLAINING.md, "No plan"), Yuxi, named by 14
rules, came out a deep opaque red and Kunming, named by one (FePO4's hosting limit, its committed
plant), a pale pink hard to tell from the clusters no rule names, neither matching the key."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import matplotlib
import numpy as np
import shapely

from siting.deliver.explore import _draw_conflicts
from siting.deliver.layer import make_layer

CRS = "EPSG:32648"
COLUMNS = ["id", "rule", "kind", "role", "place", "name", "text", "setting"]
KINDS = {"id": "string", "rule": "integer", "kind": "string", "role": "string", "place": "string",
         "name": "string", "text": "string", "setting": "string"}


def test_a_cluster_named_by_many_rules_is_shaded_as_one_named_by_one() -> None:
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    boxes = {"c1": shapely.box(0, 0, 1000, 1000), "c2": shapely.box(1000, 0, 2000, 1000)}
    clusters = gpd.GeoDataFrame({"id": list(boxes), "name": ["C one", "C two"]}, geometry=list(boxes.values()),
                                crs=CRS)
    named = [(1, "c1"), (2, "c1"), (3, "c1"), (3, "c2")]  # c1 named by three rules, c2 by one
    rows = [{"id": f"{rule}:{place}", "rule": rule, "kind": "land", "role": "cluster", "place": place,
             "name": place, "text": f"rule {rule}", "setting": ""} for rule, place in named]
    areas = make_layer("conflicts", "Rules in conflict", gpd.GeoDataFrame(
        rows, geometry=[boxes[place] for _rule, place in named], crs=CRS), COLUMNS, KINDS, "MultiPolygon")
    points = make_layer("conflict_sites", "Rules in conflict: sites", gpd.GeoDataFrame(
        {c: [] for c in COLUMNS}, geometry=[], crs=CRS), COLUMNS, KINDS, "Point")
    spatial = SimpleNamespace(clusters=clusters)
    figure, ax = plt.subplots(figsize=(4, 2), dpi=100)
    try:
        ax.set_axis_off()
        ax.set_position((0, 0, 1, 1))
        _draw_conflicts(ax, spatial, areas, points)  # type: ignore[arg-type]
        ax.set_xlim(0, 2000)
        ax.set_ylim(0, 1000)
        figure.canvas.draw()
        pixels = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(int)
    finally:
        plt.close(figure)
    height, width = pixels.shape[:2]
    c1, c2 = pixels[height // 2, width // 4], pixels[height // 2, 3 * width // 4]  # the two clusters' middles
    assert np.abs(c1 - c2).max() <= 2, (c1, c2)
