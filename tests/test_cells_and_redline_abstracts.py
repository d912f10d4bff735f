"""plan.qgs's layer abstracts (siting/deliver/qgisproject.py `layer_abstract`):
- the candidate cells' says how a cell is drawn (clipped to its cluster and the allowed zone,
  less the parks and the red line's zone common to all products) while `gross_ha` counts the
  whole cell, as docs/OUTPUTS.md's row of candidate_cells.geojson does;
- the red-line layer's joins what it says of its own basis, sentences of their own, as a new
  sentence: no capital after a semicolon ("...; The red-line layer is a proxy")."""

from __future__ import annotations

import geopandas as gpd
import shapely

from siting.deliver.layer import make_layer
from siting.deliver.layers import LAYER_TITLES
from siting.deliver.qgisproject import layer_abstract


def _layer(name: str, extra: dict) -> object:
    frame = gpd.GeoDataFrame({"id": ["a"], **extra}, geometry=[shapely.box(100.0, 25.0, 100.1, 25.1)],
                             crs="EPSG:4326")
    return make_layer(name, LAYER_TITLES[name], frame, ["id", *extra], None, "Polygon")


def test_the_candidate_cells_abstract_says_how_a_cell_is_drawn_and_what_gross_ha_counts() -> None:
    text = layer_abstract(_layer("candidate_cells", {"gross_ha": [100.0]}))
    assert text.startswith("Candidate cells over the clusters (built ones filled); ")
    assert "clipped to its cluster and the allowed zone, less the parks and the red line's zone common to all " \
           "products" in text
    assert "gross_ha counts the whole cell" in text


def test_the_red_line_abstract_starts_its_basis_as_a_sentence() -> None:
    proxy = layer_abstract(_layer("redline", {"category": ["lake"], "is_proxy": [True]}))
    assert "; The " not in proxy
    assert "(grey, dashed: a category the rule leaves out). The red-line layer is a proxy" in proxy
    official = layer_abstract(_layer("redline", {"category": ["lake"]}))
    assert "; The " not in official and "leaves out). " in official
