"""robustness.png's site labels (siting/deliver/explore.py `robustness_figure`) keep off the
clusters' outlines and the other labels' leaders, measured on the placed labels' boxes (as
drawn), not on pixels: in the layout of the shipped scenario's `--alternatives 2` (3 plans, 7
sites named), 5 of the 7 labels stood across an outline (the Anning parks', Yuxi high-tech
zone's, Qujing Cuifeng's and Zhanyi's, whose one-line label was wider than its cluster there)
and Zhanyi's across the Caopu label's leader, and a reader could not tell which cluster the
site was in."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pytest
import shapely
from matplotlib.text import Annotation
from test_robustness_png_labels import check_clear, drawn, site_labels

from siting.deliver.explore import CLUSTER_OUTLINE, drawing_style
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapplot import SYMBOL_CLEARANCE
from siting.prepare.problem import Prepared, prepare
from tests.conftest import SHIPPED

# --- robustness.png: site labels off the clusters' outlines ------------------------------------

#: The shipped scenario's robustness with `--alternatives 2` (3 distinct plans): site -> (plans
#: building there, the products' shares by id, as robustness.geojson's `products` gives them).
PLANS = 3
SHARES = {
    "anning_caopu": (3, "fepo4 100%, lfp 67%, ncm 67%, anode 67%, copper_foil 67%, recycling 33%"),
    "anning_qilin": (3, "fepo4 33%, ncm 33%, anode 33%, copper_foil 33%, recycling 67%"),
    "songming_yanglin": (1, "lfp 33%, ncm 33%, anode 33%, recycling 33%"),
    "yuxi_longquan": (3, "lfp 100%, ncm_precursor 100%, separator 100%"),
    "qujing_etdz_xicheng_nanhaizi": (3, "lfp 67%, anode 67%, electrolyte 100%, cells 100%, recycling 67%"),
    "qujing_cuifeng_gaojiatun": (2, "recycling 67%"),
    "zhanyi": (1, "lfp 33%, anode 33%, electrolyte 33%, cells 33%, recycling 33%"),
}


@pytest.fixture(scope="module")
def shipped() -> Prepared:
    """The shipped scenario, preprocessed (no solve)."""
    return prepare(SHIPPED, {})


def robustness(prepared: Prepared) -> OutputLayer:
    """The robustness layer of SHARES, every candidate site where `robustness_layer` puts it."""
    sites = prepared.spatial.sites
    rows = []
    for site in prepared.inputs.SITES:
        building, products = SHARES.get(site, (0, ""))
        rows.append({"id": site, "role": "needed" if building == PLANS else "some" if building else "none",
                     "plans": PLANS, "plans_building": building, "site_share": round(building / PLANS, 6),
                     "products": products})
    geometry = [shapely.point_on_surface(sites.set_index("id").at[site, "geometry"]) for site in prepared.inputs.SITES]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=sites.crs)
    return make_layer("robustness", "Robustness", frame, list(frame.columns.drop("geometry")),
                      {"plans": "integer", "plans_building": "integer", "site_share": "real"})


def outlines(ax: Any, prepared: Prepared) -> shapely.MultiLineString:
    """The clusters' outlines in display coordinates."""
    rings = shapely.get_rings(shapely.get_parts(prepared.spatial.clusters.geometry.to_numpy()))
    return shapely.MultiLineString([ax.transData.transform(shapely.get_coordinates(r)) for r in rings])


def leaders(ax: Any) -> list[tuple[tuple[float, float], shapely.LineString]]:
    """The leader lines drawn (annotations with an arrow and no text): the site each points at
    (data coordinates) and the line as drawn (display coordinates)."""
    return [(tuple(a.xy), shapely.LineString(a.arrow_patch.get_path().vertices))
            for a in ax.texts if isinstance(a, Annotation) and a.arrow_patch is not None and not a.get_text()]


def test_robustness_labels_stand_on_their_site_s_side_and_cross_few_outlines(shipped: Prepared):
    """Of the seven labels, at most two have a box (grown by how far labels keep off a line: half
    its width and SYMBOL_CLEARANCE) that meets a cluster's outline (five before); none stands
    across an outline from its site (the straight line from the site to the box's centre crosses
    none); none meets another label's leader; and the labels still keep off each other and every
    marker (tests/test_robustness_png_labels.py `check_clear`)."""
    with drawing_style():
        _figure, ax, renderer = drawn(robustness(shipped), shipped)
        labels = site_labels(ax)
        check_clear(ax, renderer)
        reach = (CLUSTER_OUTLINE / 2 + SYMBOL_CLEARANCE) * renderer.points_to_pixels(1.0)
        lines = outlines(ax, shipped)
        drawn_leaders = leaders(ax)
        crossing, across, through = [], [], []
        for site, label in labels.items():
            box = label.get_window_extent(renderer)
            grown = shapely.box(box.x0 - reach, box.y0 - reach, box.x1 + reach, box.y1 + reach)
            if grown.intersects(lines):
                crossing.append(site)
            tie = shapely.LineString([ax.transData.transform(label.xy), ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)])
            if tie.intersects(lines):
                across.append(site)
            through += [site for xy, line in drawn_leaders if xy != tuple(label.xy) and grown.intersects(line)]
    assert len(labels) == 7
    assert len(crossing) <= 2, crossing
    assert across == []
    assert through == []
