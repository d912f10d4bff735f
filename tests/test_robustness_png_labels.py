"""robustness.png names every site some near-optimal plan builds and keeps its labels clear
(siting/deliver/explore.py `robustness_figure`): each label is the site's name and the share of
the plans building there, a site every plan builds with the products every plan builds there;
no label's box, as drawn, overlaps another label, a cluster's name, the north arrow or the scale
bar, and each keeps SYMBOL_CLEARANCE off every marker, OVERLAID_GAP more off another site's marker
lying on a larger one; the notes hang under the legend and say what a label gives.

Two cases: conftest's `small_alternatives_run` (the small scenario with `--alternatives 2`:
West mine park, East city and East far in every plan, West lakeside in none), and the shipped
scenario's layout with the shares its 6 plans of `--alternatives 5 --slack 0.05` had with an
earlier catalog (the picture's layout then), given here by hand: four sites in every plan, six
in one or two, some crowding Qujing ETDZ and the Anning parks. Before, only the sites built in at least
half of the plans were named, and Qujing ETDZ's label stood level with Qujing Cuifeng's marker,
which lies on ETDZ's, 3.8 points from its square: it read as Cuifeng's."""

from __future__ import annotations

import itertools
import math
import textwrap
from typing import Any

import geopandas as gpd
import pytest
import shapely
from matplotlib.transforms import Bbox

from siting.config.units import Names
from siting.deliver.explore import LABEL_WRAP, OVERLAID_GAP, _figure, drawing_style, robustness_figure
from siting.deliver.layer import OutputLayer, make_layer
from siting.deliver.mapplot import SYMBOL_CLEARANCE, LabelPlacer
from siting.prepare.problem import Prepared, prepare
from tests.conftest import SHIPPED, MadeRun

#: The shipped scenario's robustness (6 distinct plans): site -> (plans building there, the
#: products' shares by id, as robustness.geojson's `products` gives them).
SHIPPED_PLANS = 6
SHIPPED_SHARES = {
    "anning_caopu": (6, "fepo4 100%, lfp 67%, ncm 50%, anode 83%, copper_foil 50%, recycling 67%"),
    "anning_qilin": (6, "fepo4 17%, lfp 17%, ncm 33%, anode 17%, copper_foil 33%, recycling 67%"),
    "chenggong": (1, "ncm 17%, copper_foil 17%, recycling 17%"),
    "songming_yanglin": (1, "lfp 17%, ncm 17%, anode 17%, recycling 17%"),
    "yuxi_longquan": (6, "lfp 100%, ncm_precursor 83%, separator 83%"),
    "huaning": (1, "ncm_precursor 17%, separator 17%"),
    "qujing_etdz_xicheng_nanhaizi": (6, "lfp 67%, anode 67%, electrolyte 100%, cells 100%, recycling 67%"),
    "qujing_cuifeng_gaojiatun": (2, "recycling 33%"),
    "zhanyi": (1, "lfp 17%, anode 17%, electrolyte 17%, cells 17%, recycling 17%"),
    "malong": (1, "lfp 17%, anode 17%, cells 17%, recycling 17%"),
}


@pytest.fixture(scope="module")
def shipped() -> Prepared:
    """The shipped scenario, preprocessed (no solve)."""
    return prepare(SHIPPED, {})


def shipped_layer(prepared: Prepared) -> OutputLayer:
    """The robustness layer of the shipped scenario's 6 plans (SHIPPED_SHARES), every candidate
    site at its place as `robustness_layer` puts it (`point_on_surface`), with the fields the map
    reads."""
    sites = prepared.spatial.sites
    rows = []
    for site in prepared.inputs.SITES:
        building, products = SHIPPED_SHARES.get(site, (0, ""))
        share = building / SHIPPED_PLANS
        rows.append({"id": site, "role": "needed" if building == SHIPPED_PLANS else "some" if building else "none",
                     "plans": SHIPPED_PLANS, "plans_building": building, "site_share": round(share, 6),
                     "products": products})
    geometry = [shapely.point_on_surface(sites.set_index("id").at[site, "geometry"]) for site in prepared.inputs.SITES]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=sites.crs)
    return make_layer("robustness", "Robustness", frame, list(frame.columns.drop("geometry")),
                      {"plans": "integer", "plans_building": "integer", "site_share": "real"})


def run_layer(run: MadeRun) -> OutputLayer:
    """The run's robustness.geojson as a layer."""
    frame = gpd.read_file(run.out / "robustness.geojson")
    return make_layer("robustness", "Robustness", frame, list(frame.columns.drop("geometry")),
                      {"plans": "integer", "plans_building": "integer"})


def drawn(layer: OutputLayer, prepared: Prepared) -> tuple[Any, Any, Any]:
    """robustness.png's figure of `layer`, drawn as saved: (figure, map axes, renderer). Extents
    are measured inside `drawing_style`, as the figure was laid out."""
    figure = robustness_figure(layer, prepared.spatial, "robustness", prepared.names)
    figure.canvas.draw()
    return figure, figure.axes[0], figure.canvas.get_renderer()


def site_labels(ax: Any) -> dict[str, Any]:
    """The sites' labels on the map, by site id (each label's gid)."""
    labels = [t for t in ax.texts if t.get_gid() and t.get_text()]
    assert len({t.get_gid() for t in labels}) == len(labels)
    return {t.get_gid(): t for t in labels}


def markers(ax: Any, renderer: Any) -> list[tuple[float, float, float]]:
    """Every site's marker as drawn: (x, y, radius to the outer edge of its outline), pixels."""
    points = renderer.points_to_pixels(1.0)
    found = []
    for collection in ax.collections:
        if collection.get_zorder() != 4:
            continue
        edge = float(collection.get_linewidths()[0]) / 2
        for (x, y), size in zip(ax.transData.transform(collection.get_offsets()), collection.get_sizes(),
                                strict=True):
            found.append((float(x), float(y), (math.sqrt(size) / 2 + edge) * points))
    return found


def expected_texts(layer: OutputLayer, names: Names) -> dict[str, str]:
    """What each built site's label says: its name and the share of the plans building there,
    and for a site every plan builds, the products every plan builds there in words; each part
    wrapped at LABEL_WRAP characters."""
    texts = {}
    for _i, row in layer.frame.iterrows():
        if row["plans_building"] == 0:
            continue
        always = [names.product(p.rsplit(" ", 1)[0]) for p in str(row["products"]).split(", ") if p.endswith(" 100%")]
        texts[row["id"]] = (textwrap.fill(f"{names.site(row['id'])} ({row['site_share']:.0%})", LABEL_WRAP)
                            + (f"\n{textwrap.fill('always: ' + ', '.join(always), LABEL_WRAP)}" if always else ""))
    return texts


def overlaid(marks: list[tuple[float, float, float]]) -> set[tuple[float, float]]:
    """The markers (display coordinates) that overlap a larger one."""
    return {(x, y) for x, y, r in marks
            if any(r2 > r and math.hypot(x - x2, y - y2) < r + r2 for x2, y2, r2 in marks)}


def square_gap(box: Bbox, x: float, y: float, r: float) -> float:
    """How far `box` stands clear of the square of half-side `r` about (x, y) (display
    coordinates): the widest of its gaps across x and across y, negative where they overlap."""
    return max(box.x0 - (x + r), (x - r) - box.x1, box.y0 - (y + r), (y - r) - box.y1)


def check_clear(ax: Any, renderer: Any) -> list[tuple[str, float]]:
    """No two texts on the map (labels, clusters' names, the north arrow's "N", the scale bar's
    numbers) share a pixel and each lies inside the map's frame; each site's label, as drawn,
    keeps SYMBOL_CLEARANCE off its own marker's round outline (it may come into a corner of its
    square) and off the square (its radius about its centre) of every other marker, and
    OVERLAID_GAP more off that of a marker lying on a larger one. Returns, per label, how far
    (points) it stands from the nearest other marker's square."""
    texts = [t for t in ax.texts if t.get_text()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    frame = ax.get_window_extent(renderer)
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), (a, b)
    for text, box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, text
    points = renderer.points_to_pixels(1.0)
    marks = markers(ax, renderer)
    on_larger = overlaid(marks)
    nearest = []
    for label in site_labels(ax).values():
        own = tuple(ax.transData.transform(label.xy))
        box = label.get_window_extent(renderer)
        apart = []
        for x, y, r in marks:
            gx, gy = min(max(x, box.x0), box.x1) - x, min(max(y, box.y0), box.y1) - y
            if (x, y) == own:
                assert math.hypot(gx, gy) - r >= SYMBOL_CLEARANCE * points - 1e-9, label.get_text()
                continue
            gap = square_gap(box, x, y, r) / points
            clearance = SYMBOL_CLEARANCE + (OVERLAID_GAP if (x, y) in on_larger else 0.0)
            assert gap >= clearance - 1e-9, (label.get_text(), (x, y), gap)
            apart.append(gap)
        nearest.append((label.get_text(), min(apart)))
    return nearest


def test_every_site_some_plan_builds_is_named_with_its_share(shipped: Prepared):
    """All ten sites the shipped plans build are named, the six built in one or two of the six
    plans ("Zhanyi ... (17%)", "Qujing Cuifeng ... (33%)") as well as the four built in all;
    no site built in none is."""
    layer = shipped_layer(shipped)
    with drawing_style():
        _figure, ax, _renderer = drawn(layer, shipped)
        labels = site_labels(ax)
    expected = expected_texts(layer, shipped.names)
    assert len(expected) == 10
    assert {site: t.get_text() for site, t in labels.items()} == expected
    assert expected["zhanyi"] == "Zhanyi industrial park\n(green hydro-aluminium\npark) (17%)"
    assert " ".join(expected["zhanyi"].split()) == f"{shipped.names.site('zhanyi')} (17%)"
    assert expected["qujing_etdz_xicheng_nanhaizi"] == "Qujing ETDZ (100%)\nalways: Electrolyte,\nCells"


def test_shipped_labels_keep_off_each_other_and_every_marker(shipped: Prepared):
    """Qujing Cuifeng's marker lies on Qujing ETDZ's: ETDZ's label keeps OVERLAID_GAP more off it."""
    with drawing_style():
        _figure, ax, renderer = drawn(shipped_layer(shipped), shipped)
        check_clear(ax, renderer)
        marks = markers(ax, renderer)
        cuifeng = ax.transData.transform(shipped_layer(shipped).frame.set_index("id").to_crs(
            shipped.spatial.clusters.crs).geometry["qujing_cuifeng_gaojiatun"].coords[0])
    assert overlaid(marks) == {tuple(cuifeng)}


def test_small_run_names_its_built_sites_clear_of_the_markers(small_alternatives_run: MadeRun):
    """The small run's three sites built in every plan are named, West lakeside (in none) is not;
    the labels keep clear as on the shipped map."""
    prepared = prepare(small_alternatives_run.scenario, {})
    layer = run_layer(small_alternatives_run)
    with drawing_style():
        _figure, ax, renderer = drawn(layer, prepared)
        labels = site_labels(ax)
        check_clear(ax, renderer)
    assert {site: t.get_text() for site, t in labels.items()} == expected_texts(layer, prepared.names)
    assert sorted(labels) == ["e_city", "e_far", "w_mine"]


def test_the_notes_say_what_a_label_gives_and_hang_under_the_legend(shipped: Prepared):
    """The notes stand under the legend, a little apart, their left edge at the legend's, both
    right of the map's frame; they say what the marker and the label give."""
    with drawing_style():
        figure, ax, renderer = drawn(shipped_layer(shipped), shipped)
        legend = ax.get_legend().get_window_extent(renderer)
        (notes,) = [t for t in figure.artists if t.get_text().startswith("Marker area")]
        box = notes.get_window_extent(renderer)
        frame = ax.get_window_extent(renderer)
    words = " ".join(notes.get_text().split())
    assert ("Label: the site's name and the share of the plans that build there; under a site every plan builds, "
            '"always:" and the products every plan builds there.') in words
    assert frame.x1 < legend.x0 and frame.x1 < box.x0
    assert 0 < legend.y0 - box.y1 <= 20 and abs(box.x0 - legend.x0) <= 5
    assert box.x1 <= figure.bbox.x1 and box.y0 >= 0
    assert not Bbox.intersection(box, legend)


def test_a_gap_keeps_other_labels_farther_off_a_symbol_but_not_its_own():
    """siting/deliver/mapplot.py `LabelPlacer.block_circle(gap_points=...)`: two round symbols,
    A (radius 6 points) in the middle of a 100 m square map and B (radius 2 points) 10 points left
    of it and 15 points below, A kept off with a gap of 8 points too. B's label, placed first,
    stands right of B, under A's square, less than 8 points farther than SYMBOL_CLEARANCE off it
    without the gap, and at least that far with it; A's own label takes the same place either
    way."""

    def placed(gap: float) -> tuple[Bbox, Bbox, tuple[float, float], float]:
        figure, ax = _figure()
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.apply_aspect()
        renderer = figure.canvas.get_renderer()
        points = renderer.points_to_pixels(1.0)
        per_point = 100 / ax.get_window_extent(renderer).width * points  # metres a point
        a, b = (50.0, 50.0), (50.0 - 10 * per_point, 50.0 - 15 * per_point)
        placer = LabelPlacer(ax, renderer)
        placer.block_circle(*a, 6.0, gap_points=gap)
        placer.block_circle(*b, 2.0)
        boxes = []
        for xy, radius, text in ((b, 2.0, "B's label"), (a, 6.0, "A's label")):
            label = ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", fontsize=8,
                                annotation_clip=False)
            assert placer.place(label, xy, radius)
            boxes.append(label.get_window_extent(renderer))
        x, y = ax.transData.transform(a)
        return boxes[1], boxes[0], (float(x), float(y)), points

    with drawing_style():
        a_plain, b_plain, (x, y), points = placed(0.0)
        a_gap, b_gap, _a, _points = placed(8.0)
    assert tuple(a_gap.extents) == tuple(a_plain.extents)
    plain = square_gap(b_plain, x, y, 6.0 * points) / points
    assert SYMBOL_CLEARANCE - 1e-9 <= plain < SYMBOL_CLEARANCE + 8.0
    assert square_gap(b_gap, x, y, 6.0 * points) / points >= SYMBOL_CLEARANCE + 8.0 - 1e-9
