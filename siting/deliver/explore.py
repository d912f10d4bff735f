"""The files of a diagnosis (why no plan) and of near-optimal alternatives (which sites matter).

Diagnosis folder of an infeasible run:
- `conflicts.geojson` (+ `.qml`): the clusters and the red-line zones (clipped to the cluster)
  of the conflicting rules, one polygon feature per rule and area, numbered by rule;
- `conflict_sites.geojson` (+ `.qml`): the candidate sites and raw-material sources of the
  conflicting rules, as points, one feature per rule and place;
  a layer the rules name no place of is not written (a GeoJSON without features has no geometry
  type, so QGIS would open it as a table), and conflicts.md says so;
- `conflicts.png`: a map of both, labelled and keyed (`conflicts_figure`); `conflicts.md`: the
  explanation with the map, and how the diagnosis was made (`diagnosis_record`: the scenario file,
  its variant, the settings given, the input files with their SHA-256 and the versions, as a plan's
  manifest.json records them).
Each feature gives its place by id (`place`) and in words (`name`), which the styles and the map
label it with.

Alternatives, beside the optimum's outputs:
- `robustness.geojson` (+ `.qml`): every site the alternatives were searched among as a point
  with, per product, the share of the near-optimal plans that build it there (`share_<product>`),
  the largest such share, and its role: needed by every plan, built in some, or in none; the
  shares as text with the products' ids (`products`) and in words (`products_in_words`, which the
  style labels with). With candidate cells, the alternatives are searched only among the sites
  the optimum's screening kept (the parks and a few cells): the layer holds every park of the
  sites layer and those screened cells, and leaves out the other cells, which no plan of the set
  could build on (thousands on a cells run: 5,071 features would be nearly all grey);
  alternatives.md says how many cells were left out and why;
- `robustness.csv` (the sites and products some plan builds, so never a cell left out),
  `alternatives.csv` / `.md` (the comparison of the plans, with the robustness table and the map
  `robustness.png`). The CSV files give every figure's unit as the plan's tables do:
  robustness.csv a `unit` column right after `product`, alternatives.csv, one row per plan, its
  capacity columns by cluster, product and unit, as sweep.csv names its own
  (`added_<cluster>_<product>_<unit>_per_yr`), the excess over the optimum as a share
  (`over_optimum_share`) and, right after it, `within_gap` (`yes` where that excess lies within
  the optimum's proven gap: a difference within solver tolerance, not proven, as alternatives.md's
  `within_gap` column marks it; `no` for the other alternatives, as rule_costs.csv writes its
  yes/no column; empty on the optimum's row and, without a known gap, on every row).
"""

from __future__ import annotations

import contextlib
import io
import math
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from models import ModelInputs
from siting.config.load import LoadedScenario, Override
from siting.config.schema import crs_label
from siting.config.units import (
    Names,
    bn_yuan,
    bound_bn,
    gap_text,
    layer_names,
    per_year,
    product_label,
    slack_below_gap,
    unit_slug,
)
from siting.deliver.folders import write_contents
from siting.deliver.layer import FieldKind, OutputLayer, feature_collection_text, make_layer
from siting.deliver.manifest import (  # what the plan's manifest records, computed alike
    input_record,
    override_records,
    software_versions,
    working_crs_record,
)
from siting.deliver.mapinfo import slack_amount_text
from siting.deliver.report import Block, Table, given_blocks, markdown, measure_text
from siting.deliver.styles import (
    GREY,
    INK,
    RED,
    SITE_NAME_ALIAS,
    Category,
    categorized,
    labeling,
    open_ring,
    pie_ring_labels,
    qml_document,
    resource_colours,
    resource_label,
    rgba,
    simple_fill,
    simple_marker,
    symbol,
    values_in,
    with_aliases,
)
from siting.deliver.tables import DECIMALS, csv_text, markdown_table, solve_decimals
from siting.optimize.alternatives import (
    SCOPE_CLUSTERS,
    SCOPE_SITES,
    Alternative,
    build_pairs_of,
    comparison,
    distinct,
    robustness,
    slack_percent,
    within_gap,
)
from siting.optimize.explain import Diagnosis, relax_text
from siting.optimize.results import clean
from siting.optimize.solve import solver_version
from siting.prepare.spatial import CELL, RedlineSettings, SpatialResult, buffered_zone

FileContent = str | Callable[[Path], None]

#: Roles of the features of the conflict layers, with their legend labels.
CONFLICT_ROLES = {
    "cluster": "Cluster named by a conflicting rule",
    "redline_zone": "Red-line zone of a conflicting rule, within the cluster",
    "site": "Candidate site of a conflicting rule",
    "source": "Raw-material source of a conflicting rule",
}

#: conflicts.png's legend label of a source, by its resource in words (`resource_label`): short
#: enough that the longest known ("copper concentrate") keeps inside the page beside the map.
SOURCE_BY_RESOURCE = "Source of a conflicting rule: {resource}"

#: Roles of the robustness layer.
ROBUSTNESS_ROLES = {
    "needed": "Built in every near-optimal plan",
    "some": "Built in some near-optimal plans (interchangeable)",
    "none": "Built in no near-optimal plan",
}
#: The robustness legends' words for a site some plans build where the plans are of two kinds
#: (some alternatives of scope `clusters`, counted alike with those that keep the optimum's
#: capacity by cluster): such a site may be built by every plan of one kind and none of the
#: other, not interchangeable (`robustness_roles`).
ROBUSTNESS_SOME_OF_KINDS = "Built in some near-optimal plans (perhaps every plan of one kind)"


def robustness_roles(mixed: bool = False) -> dict[str, str]:
    """ROBUSTNESS_ROLES, with ROBUSTNESS_SOME_OF_KINDS for "some" where the plans are of two
    kinds (`mixed`)."""
    return {**ROBUSTNESS_ROLES, "some": ROBUSTNESS_SOME_OF_KINDS} if mixed else dict(ROBUSTNESS_ROLES)
#: The legend's label of the clusters no conflicting rule names (drawn pale, as every cluster
#: is under the red of those named).
UNNAMED_CLUSTER = "Cluster named by no conflicting rule"
CLUSTER_FILL = (250, 250, 245)
#: The width (points) of the clusters' outlines on conflicts.png and robustness.png.
CLUSTER_OUTLINE = 1.0

#: conflicts.png's outline (points) of a cluster a conflicting rule names (the others': 1.0).
NAMED_CLUSTER_OUTLINE = 2.0
#: The marks of the conflicts' sites and sources: area (points^2) and radius (points), which labels
#: keep off.
MARK_AREA = 60.0
MARK_RADIUS = math.sqrt(MARK_AREA) / 2
#: Clear space (points) between the legend beside conflicts.png's map and the rules under it.
RULES_GAP = 10.0
NEEDED_COLOUR = (165, 0, 38)
SOME_COLOUR = (244, 165, 130)
SOURCE_COLOUR = (140, 81, 10)
PNG_SIZE_IN = (12.0, 9.0)
PNG_DPI = 100


# -- conflicts ---------------------------------------------------------------------------------


def _zone_for(spatial: SpatialResult, rule: RedlineSettings, product: str) -> shapely.Geometry | None:
    """The buffered red-line zone that excludes `product` (working CRS), None without one."""
    categories = sorted(set(spatial.redline["category"])) if len(spatial.redline) else []
    if rule.categories is not None:
        categories = [c for c in categories if c in rule.categories]
    if not categories:
        return None
    key = tuple((c, rule.distance_m(product, c)) for c in categories)
    for distances, geometry in zip(spatial.zones["distances"], spatial.zones.geometry, strict=True):
        if tuple(distances) == key:
            return geometry
    return buffered_zone(spatial.redline, dict(key))


def conflict_layers(diagnosis: Diagnosis, spatial: SpatialResult, rule: RedlineSettings, names: Names | None = None
                    ) -> tuple[OutputLayer, OutputLayer]:
    """(conflicts, conflict_sites): the areas and the points of the conflicting rules (see the
    module docstring); features in rule order, then cluster, site and source order.

    `place` names each feature's place by id: the cluster ("kunming"), the cluster and the
    product of a red-line zone ("kunming (lfp)"), the site or the source; `name` the same in
    words, clusters and sources by `names` (the run's; from the preprocessed layers without
    them), products in words, and a site by its whole name, as sites.geojson's `name` gives it
    (its id the key to join the layers on; `names` where the sites layer has no name for it):
    "Kunming", "Kunming (LFP)", "Yuxi high-tech zone, Longquan area", "Anning refinery petroleum
    coke". conflicts.png's labels name the site shorter, as the report does (`conflicts_figure`)."""
    names = names or spatial_names(spatial)
    clusters = spatial.clusters.set_index("id")
    sites = spatial.sites.set_index("id")
    whole = {str(i): n.strip() for i, n in zip(sites.index, sites["name"], strict=True)
             if isinstance(n, str) and n.strip()} if "name" in sites.columns else {}
    sources = spatial.sources.set_index("id") if len(spatial.sources) else None
    areas: list[dict[str, Any]] = []
    area_geometry: list[shapely.Geometry] = []
    points: list[dict[str, Any]] = []
    point_geometry: list[shapely.Geometry] = []
    done: set[int] = set()
    for number, conflict in diagnosis.numbered():
        if number in done:  # a rule that several conflicts hold: its places once, by its one number
            continue
        done.add(number)
        base = {"rule": number, "kind": conflict.instance.kind, "text": conflict.sentence,
                "setting": conflict.setting}
        for cluster in conflict.clusters:
            if cluster not in clusters.index:
                continue
            polygon = clusters.at[cluster, "geometry"]
            areas.append({"id": f"{number}:{cluster}", **base, "role": "cluster", "place": str(cluster),
                          "name": names.cluster(cluster)})
            area_geometry.append(polygon)
            for product in conflict.redline_products:
                zone = _zone_for(spatial, rule, product)
                part = zone.intersection(polygon) if zone is not None else None
                if part is not None and not part.is_empty:
                    areas.append({"id": f"{number}:{cluster}:{product}", **base, "role": "redline_zone",
                                  "place": f"{cluster} ({product})",
                                  "name": f"{names.cluster(cluster)} ({names.product(product)})"})
                    area_geometry.append(part)
        for site in conflict.sites:
            if site in sites.index:
                points.append({"id": f"{number}:{site}", **base, "role": "site", "place": str(site),
                               "name": whole.get(str(site)) or names.site(site)})
                point_geometry.append(shapely.point_on_surface(sites.at[site, "geometry"]))
        for source in conflict.sources:
            if sources is not None and source in sources.index:
                points.append({"id": f"{number}:{source}", **base, "role": "source", "place": str(source),
                               "name": names.source(source)})
                point_geometry.append(sources.at[source, "geometry"])
    columns = ["id", "rule", "kind", "role", "place", "name", "text", "setting"]
    kinds: dict[str, FieldKind] = {"id": "string", "rule": "integer", "kind": "string", "role": "string",
                                   "place": "string", "name": "string", "text": "string", "setting": "string"}
    crs = spatial.clusters.crs
    area_frame = gpd.GeoDataFrame(areas or {c: [] for c in columns}, geometry=area_geometry, crs=crs)
    point_frame = gpd.GeoDataFrame(points or {c: [] for c in columns}, geometry=point_geometry, crs=crs)
    return (make_layer("conflicts", "Rules in conflict: clusters and red-line zones", area_frame, columns, kinds,
                       "MultiPolygon"),
            make_layer("conflict_sites", "Rules in conflict: sites and sources", point_frame, columns, kinds,
                       "Point"))


def conflicts_style(layer: OutputLayer) -> str:
    """QML of conflicts.geojson: clusters outlined in red, red-line zones hatched, labelled by rule
    and the place's name ("rule 2: Kunming (LFP)")."""
    categories = [
        Category("cluster", CONFLICT_ROLES["cluster"],
                 symbol("fill", "cluster", simple_fill(rgba(RED, 40), rgba(RED), width=1.2))),
        Category("redline_zone", CONFLICT_ROLES["redline_zone"],
                 symbol("fill", "redline_zone", simple_fill(rgba(RED, 200), rgba(RED), style="b_diagonal",
                                                            width=0.4))),
    ]
    return qml_document(layer, categorized("role", categories, values_in(layer, "role")),
                        labeling("'rule ' || \"rule\" || ': ' || \"name\"", 9, 1))


def conflict_sites_style(layer: OutputLayer) -> str:
    """QML of conflict_sites.geojson: sites as red triangles, sources as brown squares, labelled
    by the place's name and the rule, as conflicts.png labels them ("Yuxi high-tech zone (2)")."""
    categories = [
        Category("site", CONFLICT_ROLES["site"],
                 symbol("marker", "site", simple_marker("triangle", rgba(RED, 230), rgba(INK), 4.0))),
        Category("source", CONFLICT_ROLES["source"],
                 symbol("marker", "source", simple_marker("square", rgba(SOURCE_COLOUR, 230), rgba(INK), 3.5))),
    ]
    return with_aliases(qml_document(layer, categorized("role", categories, values_in(layer, "role")),
                                     labeling("\"name\" || ' (' || \"rule\" || ')'", 8, 1)),
                        CONFLICT_SITE_ALIASES)


#: The names QGIS shows for conflict_sites.geojson's fields naming its places.
CONFLICT_SITE_ALIASES = {
    "place": "site or source (its id: the key to join the layers on)",
    "name": "name (a site's whole name, as sites.geojson's)",
}


def _figure(axes: tuple[float, float, float, float] = (0.03, 0.05, 0.94, 0.85)) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    from siting.deliver.mapplot import quiet_canvas

    figure = Figure(figsize=PNG_SIZE_IN, dpi=PNG_DPI)
    quiet_canvas(figure)  # its own Agg canvas: pyplot's backend, a notebook's, is left as it is
    ax = figure.add_axes(axes)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return figure, ax


def _map_furniture(figure: Any, ax: Any, crs: Any, marks: Sequence[tuple[float, float, float]] = (),
                   artists: Sequence[Any] = (), drawn: Sequence[Any] = (), **placing: Any) -> Any:
    """What a map needs besides its layers, as map.png has it: no axis titles (GeoPandas names the
    CRS's axes, with no ticks to read them by), a scale bar in the lower left corner, a north
    arrow and the projection. The north arrow stands where it covers nothing
    (siting/deliver/mapplot.py `place_north_arrow`): none of the `marks` (x, y in data
    coordinates, radius in points), the `artists` already drawn on the map (labels), the scale
    bar (its corner, and its boxes and labels as drawn), nor the geometries of `drawn` (arrays of
    shapely geometries in data coordinates, most important first). Returns the label placer
    (siting/deliver/mapplot.py `LabelPlacer`) that keeps labels off all of them, the arrow
    included; `placing`: its options (`LabelPlacer`'s keywords)."""
    from siting.deliver.mapplot import LabelPlacer, draw_scale_bar, place_north_arrow, scale_bar_box

    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.autoscale_view()
    ax.apply_aspect()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bar = draw_scale_bar(ax, (x0, y0, x1, y1))
    renderer = figure.canvas.get_renderer()
    placer = LabelPlacer(ax, renderer, **placing)
    placer.block(scale_bar_box(placer.frame))
    for artist in bar:  # on a flat map the bar's numbers reach above its corner
        placer.block(artist.get_window_extent(renderer).padded(1.5))
    for x, y, radius in marks:
        placer.block_circle(x, y, radius)
    for artist in artists:
        placer.block(artist.get_window_extent(renderer).padded(1.5))
    place_north_arrow(ax, placer, drawn)
    epsg = crs.to_epsg() if crs is not None else None
    name = f"EPSG:{epsg}" if epsg else (crs_label(crs) if crs is not None else "unknown")
    figure.text(0.03, 0.015, f"Projection {name}.", fontsize=9, color=_rgb(INK), va="bottom")
    return placer


def _rgb(colour: Sequence[int], alpha: float = 1.0) -> tuple[float, float, float, float]:
    return colour[0] / 255, colour[1] / 255, colour[2] / 255, alpha


def _png(figure: Any) -> bytes:
    """conflicts.png's or robustness.png's bytes: `figure` (drawn at PNG_DPI) written as map.png is
    (siting/deliver/mapplot.py `save_opaque_png`: red, green and blue where the page is opaque)."""
    from siting.deliver.mapplot import save_opaque_png

    buffer = io.BytesIO()
    save_opaque_png(figure, buffer)
    return buffer.getvalue()


def _cluster_ground(ax: Any, spatial: SpatialResult) -> None:
    """Every cluster, filled pale and outlined (CLUSTER_FILL)."""
    spatial.clusters.plot(ax=ax, facecolor=_rgb(CLUSTER_FILL), edgecolor=_rgb(INK), linewidth=CLUSTER_OUTLINE, zorder=0)


def _draw_clusters(ax: Any, spatial: SpatialResult, lettering: Any) -> list[Any]:
    """The clusters, filled pale and outlined, named at their middle (by id where no installed
    font draws the name: `lettering`, siting/deliver/mapplot.py `Lettering`); returns the names'
    texts."""
    clusters = spatial.clusters
    _cluster_ground(ax, spatial)
    return [lettering.fit(ax.text(point.x, point.y, str(name), fontsize=13, fontweight="bold", color=_rgb(INK, 0.6),
                                  ha="center", va="center", zorder=1), str(ident))
            for name, ident, point in zip(clusters["name"].fillna(clusters["id"]), clusters["id"],
                                          clusters.geometry.representative_point(), strict=True)]


@contextlib.contextmanager
def drawing_style() -> Iterator[None]:
    """What conflicts.png is made, measured and drawn in: matplotlib's default style, whatever the
    user's matplotlibrc says, with its text measured without hinting. Its labels have a white
    halo, which makes matplotlib draw them as the unhinted outlines of their letters; measured
    with hinting (the Agg renderer's default), a label is narrower than drawn, and could run past
    the box its place was chosen by into its neighbour."""
    import matplotlib

    from siting.deliver.mapplot import DRAWING_LOCK

    with DRAWING_LOCK, matplotlib.style.context("default"), matplotlib.rc_context({"text.hinting": "no_hinting"}):
        yield


def lettered_png(name: str, figure: Callable[[Any], Any], notices: list[str] | None = None) -> bytes:
    """The figure `figure(lettering)` makes as PNG bytes, made and drawn in `drawing_style`, with a
    `Lettering` (siting/deliver/mapplot.py) for the file `name`; its notice (labels no installed
    font draws) added to `notices`."""
    from siting.deliver.mapplot import Lettering

    lettering = Lettering(name)
    with drawing_style():
        png = _png(figure(lettering))
    notice = lettering.notice()
    if notice is not None and notices is not None:
        notices.append(notice)
    return png


def conflicts_png(diagnosis: Diagnosis, spatial: SpatialResult, areas: OutputLayer, points: OutputLayer,
                  title: str, notices: list[str] | None = None, names: Names | None = None) -> bytes:
    """conflicts.png: `conflicts_figure` as PNG bytes, made and drawn in `drawing_style`; its
    notice (labels no installed font draws) added to `notices` (`lettered_png`); sites labelled
    by `names` (`conflicts_figure`)."""
    return lettered_png("conflicts.png", lambda lettering: conflicts_figure(
        diagnosis, spatial, areas, points, title, lettering, names), notices)


def rule_numbers(numbers: Sequence[int]) -> str:
    """The numbers of a place's rules as its label gives them: in order, each once, a run of three
    or more in a row as its first and last ("2-12"): [2, 3, 4, 12] -> "2-4, 12", [1, 2] -> "1, 2"."""
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            run = ordered[start:i]
            parts += [f"{run[0]}-{run[-1]}"] if len(run) >= 3 else [str(n) for n in run]
            start = i
    return ", ".join(parts)


def _point_labels(frame: Any) -> list[tuple[float, float, str, str, int]]:
    """One label per place of `frame` (conflict_sites' features of one role, in the map's CRS):
    (x, y, "name (rules)", "place (rules)" for a name no font draws, count of rules), the places
    in the layer's order."""
    rules: dict[tuple[float, float], list[int]] = {}
    named: dict[tuple[float, float], tuple[str, str]] = {}
    for x, y, rule, name, place in zip(frame.geometry.x, frame.geometry.y, frame["rule"], frame["name"],
                                       frame["place"], strict=True):
        rules.setdefault((float(x), float(y)), []).append(int(rule))
        named[(float(x), float(y))] = (str(name), str(place))
    return [(x, y, f"{named[(x, y)][0]} ({rule_numbers(numbers)})", f"{named[(x, y)][1]} ({rule_numbers(numbers)})",
             len(set(numbers))) for (x, y), numbers in rules.items()]


def conflicts_figure(diagnosis: Diagnosis, spatial: SpatialResult, areas: OutputLayer, points: OutputLayer,
                     title: str, lettering: Any = None, names: Names | None = None) -> Any:
    """A map of the conflicting rules (a matplotlib Figure, made in `drawing_style`): every
    cluster, those named by a rule in red, red-line zones hatched, and the sites and sources of
    each rule (a source in its resource's colour, as on map.png), each labelled with its name
    (the layers' `name`; a site by the shorter name the report gives it, `names`, the run's, from
    the preprocessed layers without them: "Yuxi high-tech zone" where the layer has the whole
    "Yuxi high-tech zone, Longquan area") and the numbers of its rules as in the report ("Yuxi high-tech zone
    (1, 2)", a run of three or more as "2-12": `rule_numbers`);
    texts fitted to the installed fonts by `lettering` (siting/deliver/mapplot.py `Lettering`: a
    place no font draws by its id).

    Labels are placed as map.png's (siting/deliver/mapplot.py `LabelPlacer`): the places' labels
    first, those of more rules first, then the clusters' names, each where it overlaps no mark,
    label, north arrow or scale bar (a leader line to its place where it stands apart), and off
    the clusters' outlines where a spot a step further out allows (`LabelPlacer.block_lines`). Beside the
    map, to the right of its frame, the legend keys every kind of symbol drawn (CONFLICT_ROLES,
    and the pale clusters no rule names), and the rules, numbered, follow under it; the page grows
    at the bottom (in whole steps of siting/deliver/mapplot.py PAGE_STEP_IN) where they would not
    fit on it."""
    from matplotlib.text import Annotation

    from siting.deliver.mapplot import HALO, Lettering

    lettering = lettering or Lettering("conflicts.png")
    names = names or spatial_names(spatial)
    with drawing_style():
        figure, ax = _figure((0.02, 0.04, 0.56, 0.86))
        crs = spatial.clusters.crs
        keys = _draw_conflicts(ax, spatial, areas, points)
        placed = points.frame.to_crs(crs) if len(points.frame) else None
        marks: list[tuple[float, float, float]] = []  # x, y, marker radius (points)
        labels: list[tuple[float, float, str, str, int]] = []
        for role in ("site", "source"):
            part = placed.loc[placed["role"] == role] if placed is not None else []
            if len(part) and role == "site":  # a label to read: the short name, as map.png's
                part = part.assign(name=[names.site(place) for place in part["place"]])
            if len(part):
                marks += [(float(x), float(y), MARK_RADIUS) for x, y in zip(part.geometry.x, part.geometry.y,
                                                                              strict=True)]
                labels += _point_labels(part)
        frame = areas.frame.to_crs(crs) if len(areas.frame) else None
        shapes = [f.geometry.to_numpy() for f in (spatial.clusters, frame) if f is not None and len(f)]
        placer = _map_furniture(figure, ax, crs, marks, (), [np.concatenate(shapes)] if shapes else [])
        placer.block_lines(spatial.clusters.geometry.to_numpy(), NAMED_CLUSTER_OUTLINE)
        for x, y, text, by_id, _count in sorted(labels, key=lambda item: (-item[4], item[2])):
            label = ax.annotate(text, (x, y), xytext=(0, 0), textcoords="offset points", fontsize=9,
                                color=_rgb(INK), zorder=6, path_effects=HALO, annotation_clip=False)
            placer.place(lettering.fit(label, by_id), (x, y), MARK_RADIUS)
        clusters = spatial.clusters
        for name, ident, point in zip(clusters["name"].fillna(clusters["id"]), clusters["id"],
                                      clusters.geometry.representative_point(), strict=True):
            label = ax.annotate(str(name), (point.x, point.y), xytext=(0, 0), textcoords="offset points",
                                fontsize=13, fontweight="bold", color=_rgb(INK, 0.6), zorder=6, path_effects=HALO,
                                annotation_clip=False)
            placer.place(lettering.fit(label, str(ident)), (point.x, point.y), centred_first=True)
        heading = _title(figure, title, lettering)
        legend = ax.legend([key for key, _label in keys], [label for _key, label in keys], loc="upper left",
                           bbox_to_anchor=(1.0, 1.0), borderaxespad=1.0, fontsize=10, frameon=False)
        lettering.fit_all(legend.get_texts())
        rules = list(dict.fromkeys(f"{n}. {c.sentence}" for n, c in diagnosis.numbered()))
        text = "\n".join(textwrap.fill(r, 62, subsequent_indent="   ") for r in rules)
        listed = Annotation(text, (0.0, 0.0), xycoords=legend, xytext=(3.0, -RULES_GAP), textcoords="offset points",
                            ha="left", va="top", fontsize=9, color=_rgb(INK), linespacing=1.3)
        lettering.fit(figure.add_artist(listed))
        _fit_page(figure, listed, [heading])
    return figure


def _draw_conflicts(ax: Any, spatial: SpatialResult, areas: OutputLayer, points: OutputLayer
                    ) -> list[tuple[Any, str]]:
    """Draw the clusters (pale), those of the rules (red), their red-line zones (hatched) and the
    rules' sites (red triangles) and sources (squares in their resource's colour, as map.png
    colours them: `source_groups`); returns a legend key (a matplotlib artist) and its label for
    every kind of symbol drawn, in the order drawn, a source's by resource ("Source of a conflicting
    rule: lithium clay", SOURCE_BY_RESOURCE)."""
    from matplotlib.patches import Patch

    crs = spatial.clusters.crs
    frame = areas.frame.to_crs(crs) if len(areas.frame) else None
    named = frame.loc[frame["role"] == "cluster"] if frame is not None else None
    zones = frame.loc[frame["role"] == "redline_zone"] if frame is not None else None
    keys: list[tuple[Any, str]] = []
    _cluster_ground(ax, spatial)
    if not set(map(str, spatial.clusters["id"])) <= set(map(str, named["place"] if named is not None else [])):
        keys.append((Patch(facecolor=_rgb(CLUSTER_FILL), edgecolor=_rgb(INK), linewidth=1.0), UNNAMED_CLUSTER))
    if named is not None and len(named):
        style = {"facecolor": _rgb(RED, 0.12), "edgecolor": _rgb(RED), "linewidth": NAMED_CLUSTER_OUTLINE}
        # each cluster once, however many rules name it: drawn once per rule, its translucent fill
        # stacked to a deep red where many rules name it and stayed pale where one does, unlike the key
        named.drop_duplicates("place").plot(ax=ax, zorder=2, **style)
        keys.append((Patch(**style), CONFLICT_ROLES["cluster"]))
    if zones is not None and len(zones):
        style = {"facecolor": "none", "edgecolor": _rgb(RED, 0.8), "hatch": "////", "linewidth": 0.5}
        zones.plot(ax=ax, zorder=3, **style)
        keys.append((Patch(**style), CONFLICT_ROLES["redline_zone"]))
    placed = points.frame.to_crs(crs) if len(points.frame) else None
    sites = placed.loc[placed["role"] == "site"] if placed is not None else []
    if len(sites):
        keys.append((ax.scatter(sites.geometry.x, sites.geometry.y, marker="^", s=MARK_AREA, color=_rgb(RED),
                                edgecolors=_rgb(INK), linewidths=0.6, zorder=5), CONFLICT_ROLES["site"]))
    sources = placed.loc[placed["role"] == "source"] if placed is not None else []
    if len(sources):
        for resource, colour, part in source_groups(sources, spatial):
            keys.append((ax.scatter(part.geometry.x, part.geometry.y, marker="s", s=MARK_AREA, color=_rgb(colour),
                                    edgecolors=_rgb(INK), linewidths=0.6, zorder=5),
                         SOURCE_BY_RESOURCE.format(resource=resource_label(resource))))
    return keys


def source_groups(sources: Any, spatial: SpatialResult) -> list[tuple[str, tuple[int, int, int], Any]]:
    """The conflicts' sources (`sources`: conflict_sites' features of the role "source") by
    resource, in sorted resource order: (resource, its colour, its features). The resource is
    the preprocessed sources layer's for the feature's `place` (its source id), the colour the one
    map.png and the QGIS styles give it (`resource_colours` of the whole sources layer, so that
    a resource has one colour in every output of the run)."""
    resource_of = {str(i): str(r) for i, r in zip(spatial.sources["id"], spatial.sources["resource"], strict=True)}
    colours = resource_colours(list(resource_of.values()))
    resources = [resource_of[str(place)] for place in sources["place"]]
    return [(r, colours[r], sources.loc[[x == r for x in resources]]) for r in sorted(set(resources))]


def _title(figure: Any, title: str, lettering: Any) -> Any:
    """The page's title, `title` at 15 points from its top left corner, broken between words
    where it would run past the page's right edge, and the page made taller at the top where the
    lines then reach down to the map (siting/deliver/mapplot.py `wrap_title`, `clear_title`, as
    map.png's title). Returns the title's Text."""
    from siting.deliver.mapplot import clear_title, wrap_title

    heading = wrap_title(figure, lettering.fit(figure.suptitle(title, x=0.03, y=0.97, ha="left", va="top",
                                                               fontsize=15)))
    clear_title(figure, heading)
    return heading


def _fit_page(figure: Any, listed: Any, anchored: Sequence[Any]) -> None:
    """Make the page taller at the bottom, in whole steps of siting/deliver/mapplot.py
    PAGE_STEP_IN, until `listed` (the rules under the legend) ends PAGE_EDGE points above its
    bottom edge (`grow_page`, which keeps the map, the legend it hangs from and the `anchored`
    texts in place from the top); nothing where it fits."""
    from siting.deliver.mapplot import PAGE_EDGE, PAGE_STEP_IN, grow_page

    below = PAGE_EDGE * figure.dpi / 72 - listed.get_window_extent(figure.canvas.get_renderer()).y0
    if below > 0:
        grow_page(figure, PAGE_STEP_IN * math.ceil(below / (PAGE_STEP_IN * figure.dpi)), anchored)


#: The diagnosis's layers: conflicts.geojson (areas) and conflict_sites.geojson (points).
DIAGNOSIS_LAYERS = ("conflicts", "conflict_sites")
_TABLE_ONLY = "(a layer without features would open in QGIS as a table without geometry)"


def map_layers_text(layers: Sequence[str]) -> str:
    """What the diagnosis's layers written (`layers`, names of DIAGNOSIS_LAYERS) hold, and which
    are not written because the rules name no place of theirs: a GeoJSON without features has no
    geometry type (RFC 7946 has no member for it), so QGIS would open it as a table without
    geometry and without its style."""
    areas, points = (name in layers for name in DIAGNOSIS_LAYERS)
    if areas and points:
        return ("`conflicts.geojson` holds the clusters and red-line zones of these rules, `conflict_sites.geojson` "
                "their sites and sources, numbered as above; drag either onto QGIS to see them styled.")
    if areas:
        return ("`conflicts.geojson` holds the clusters and red-line zones of these rules, numbered as above; drag it "
                "onto QGIS to see it styled. These rules name no site or source, so `conflict_sites.geojson` is not "
                f"written {_TABLE_ONLY}.")
    if points:
        return ("`conflict_sites.geojson` holds the sites and sources of these rules, numbered as above; drag it onto "
                "QGIS to see it styled. These rules name no cluster or red-line zone, so `conflicts.geojson` is not "
                f"written {_TABLE_ONLY}.")
    return ("These rules name no place, so neither `conflicts.geojson` nor `conflict_sites.geojson` is written "
            f"{_TABLE_ONLY}.")


def conflicts_markdown(diagnosis: Diagnosis, scenario: str, presolve: Sequence[str], folder_note: str,
                       made: Mapping[str, Any] | None = None, layers: Sequence[str] = DIAGNOSIS_LAYERS,
                       calibration: str = "") -> str:
    """The explanation as a report: the rules with their settings (and, with several conflicts,
    the number of each rule's conflict), the least change, what `calibration` says of a run in
    calibration mode fixed (its section "Calibration": siting/runs/calibrate.py
    `diagnosis_note`; none when ""), the pre-solve findings and the map with the layers written
    (`layers`, of DIAGNOSIS_LAYERS: `map_layers_text`); with `made` (`diagnosis_record`), the
    run's notices before the map (as a plan's report.md gives them) and how the diagnosis was
    made (`made_markdown`)."""
    lines = [f"# Why {scenario} has no plan", ""]
    lines.append(diagnosis.headline() + ".")  # never "0 rules cannot be met together"
    if diagnosis.stopped:
        lines += ["", diagnosis.stopped[:1].upper() + diagnosis.stopped[1:] + "."]
    if diagnosis.conflict_groups > 1:  # each rule with the number of its conflict
        lines += ["", "| rule | conflict | what it asks | scenario setting |", "|---|---|---|---|"]
        for number, conflict in diagnosis.numbered():  # a shared rule under each conflict, by its one number
            lines.append(f"| {number} | {conflict.group}{diagnosis.shared_text(conflict)} | "
                         f"{conflict.sentence.replace('|', '/')} | "
                         f"`{conflict.setting}` |")
    else:
        lines += ["", "| rule | what it asks | scenario setting |", "|---|---|---|"]
        for number, conflict in enumerate(diagnosis.conflicts, start=1):
            lines.append(f"| {number} | {conflict.sentence.replace('|', '/')} | `{conflict.setting}` |")
    changes = diagnosis.changes()
    if changes:
        heading = diagnosis.change_heading()
        lines += ["", ("The least change that makes a plan possible (each rule's slack weighed against its size)"
                       if diagnosis.least_proven and diagnosis.conflict_proven else heading[:1].upper() + heading[1:])
                  + ": " + "; ".join(relax_text(c) for c in changes) + "."]
        if diagnosis.change_excess:
            lines += ["", diagnosis.change_excess[:1].upper() + diagnosis.change_excess[1:] + "."]
        if diagnosis.change_outcome:
            lines += ["", diagnosis.change_outcome[:1].upper() + diagnosis.change_outcome[1:] + "."]
    prospective = diagnosis.prospective_change()
    if prospective:
        lines += ["", prospective[:1].upper() + prospective[1:] + "."]
    if calibration:
        lines += ["", "## Calibration", "", calibration]
    if presolve:
        lines += ["", "## Found before solving", ""] + [f"- {finding}" for finding in presolve]
    notices = made.get("notices", []) if made is not None else []
    if notices:
        lines += ["", "## Notices", ""] + [f"- {notice}" for notice in notices]
    lines += ["", "## Map", "", "![Rules in conflict](conflicts.png)", "", map_layers_text(layers),
              "", folder_note, ""]
    text = "\n".join(lines)
    return text if made is None else text + "\n" + made_markdown(made)


def diagnosis_record(loaded: LoadedScenario, layer_paths: Mapping[str, Path], variant: str | None = None,
                     overrides: Sequence[Override] = (), notices: Sequence[str] = (),
                     read: Mapping[Path, str] | None = None, bases: Sequence[Path] | None = None) -> dict[str, Any]:
    """What a run was made of, as the manifest.json of a plan records it (siting/deliver/
    manifest.py `manifest`), for a diagnosis, which has no manifest: `scenario` (its name),
    `inputs` (each input file by role, relative to the scenario file's folder: the scenario, the
    catalog, the bases it extends, the committed projects, each layer of `layer_paths`) and
    `input_sha256` (their SHA-256), `variant` (None for the base scenario) and `overrides` (the
    settings given on top of the file, in their order: `override_records`), `versions` (Python,
    the packages of PACKAGES, HiGHS and the GDAL, PROJ and GEOS libraries), `working_crs`
    (`working_crs_record`) and `notices` (the run's, files named relative to the scenario file's
    folder, as siting/config/errors.py `Notice` gives them); keys, order and values as the
    manifest gives them (`read` and `bases`: the SHA-256 and the bases as the run read them, as
    siting/deliver/manifest.py `input_record` takes them). A function of the inputs, the settings
    given and the installed software alone."""
    inputs, hashes = input_record(loaded, layer_paths, read, bases)
    return {"scenario": loaded.scenario.name, "inputs": inputs, "input_sha256": hashes, "variant": variant,
            "overrides": override_records(overrides), "versions": software_versions(solver_version()),
            "working_crs": working_crs_record(loaded.scenario.spatial.working_crs),
            "notices": [str(notice) for notice in notices]}


def made_markdown(made: Mapping[str, Any]) -> str:
    """conflicts.md's section "How this diagnosis was made", from `diagnosis_record`: the scenario
    file and its variant, the settings given on top of it as given (siting/deliver/report.py
    `given_blocks`, as report.md gives them), the input files with their SHA-256, the working CRS
    and the software versions, as a plan's report.md and manifest.json give them. No timings:
    the same inputs give the same text."""
    variant = made.get("variant")
    which = f"its variant `{variant}`" if variant else "its base scenario (no variant)"
    blocks = [Block("h2", "How this diagnosis was made"),
              Block("p", f"Scenario file `{made['inputs']['scenario']}`, {which}.")]
    if made["overrides"]:
        blocks += given_blocks(made)
    else:
        base = f"the scenario file's variant `{variant}`" if variant else "the scenario file"
        blocks.append(Block("p", f"No setting was given on top of {base}: the diagnosis is that of the input files "
                                 "below, as they are."))
    files = [[role, f"`{made['inputs'][role]}`", f"`{digest}`"] for role, digest in made["input_sha256"].items()]
    blocks += [Block("p", "Input files (relative to the scenario file) and their SHA-256, as a plan's manifest.json "
                          "gives them (`inputs`, `input_sha256`):"),
               Block("table", Table(["input", "file", "SHA-256"], files))]
    crs = made.get("working_crs")
    if crs:
        blocks.append(Block("p", measure_text(crs, share=False)))
    versions = [[name, str(version)] for name, version in made["versions"].items()]
    blocks += [Block("p", "Software versions:"), Block("table", Table(["software", "version"], versions))]
    return markdown(blocks)


def _bytes_writer(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def diagnosis_files(diagnosis: Diagnosis, spatial: SpatialResult, rule: RedlineSettings, scenario: str,
                    presolve: Sequence[str], names: Names | None = None, made: Mapping[str, Any] | None = None,
                    calibration: str = "") -> dict[str, FileContent]:
    """Every file of the diagnosis folder (see the module docstring); places named in words by
    `names` (the run's; from the preprocessed layers without them); with `made`
    (`diagnosis_record`), conflicts.md says how the diagnosis was made; with `calibration`, what
    it says of a run in calibration mode fixed (`conflicts_markdown`)."""
    areas, points = conflict_layers(diagnosis, spatial, rule, names)
    drawn: list[str] = []
    title = "rules that cannot be met together" if diagnosis.conflict_proven else "rules not proven to conflict"
    png = conflicts_png(diagnosis, spatial, areas, points, f"{scenario}: {title}", drawn, names)
    note = "\n\n".join(["No plan was written: this folder holds only the diagnosis.", *drawn])
    layers = [layer for layer in (areas, points) if len(layer.frame)]  # an empty GeoJSON has no geometry type
    files: dict[str, FileContent] = {
        "conflicts.md": conflicts_markdown(diagnosis, scenario, presolve, note, made, [la.name for la in layers],
                                           calibration)}
    styles = {"conflicts": conflicts_style, "conflict_sites": conflict_sites_style}
    for layer in layers:
        files[f"{layer.name}.geojson"] = feature_collection_text(layer)
        files[f"{layer.name}.qml"] = styles[layer.name](layer)
    files["conflicts.png"] = _bytes_writer(png)
    return files


# -- robustness ----------------------------------------------------------------------------------


def searched_scope(plans: Sequence[Alternative], inputs: ModelInputs, spatial: SpatialResult
                   ) -> tuple[list[str], int, int]:
    """(sites, cells searched, cells left out): the sites of `inputs` the robustness layer shows,
    in their order, every site of the sites layer and the candidate cells among the sites the
    alternatives were searched among (`plans.searched_sites`, siting/optimize/alternatives.py
    `PlanSet`: with candidate cells, the sites the optimum's screening kept); every site when the
    plans do not say which were searched. The counts are of candidate cells (`kind` cell in the
    preprocessed sites)."""
    searched = set(getattr(plans, "searched_sites", ()) or ())
    kinds = dict(zip(spatial.sites["id"], spatial.sites["kind"], strict=True)) if "kind" in spatial.sites else {}
    cells = {s for s in inputs.SITES if kinds.get(s) == CELL}
    if not searched:
        return list(inputs.SITES), len(cells), 0
    kept = [s for s in inputs.SITES if s not in cells or s in searched]
    kept_cells = sum(1 for s in kept if s in cells)
    return kept, kept_cells, len(cells) - kept_cells


def robustness_layer(plans: Sequence[Alternative], inputs: ModelInputs, spatial: SpatialResult) -> OutputLayer:
    """Every site the alternatives were searched among as a point (`searched_scope`: every park,
    and with candidate cells only the cells the optimum's screening kept): per product built
    anywhere, the share of the distinct plans that build it there; the largest share; the role
    (needed, some, none) and the shares as text, by product id (`products`: "lfp 100%, fepo4
    50%") and in words (`products_in_words`: "LFP 100%, FePO4 50%"), "" where no plan builds;
    the optimum's capex at the site (`capex_yuan`, as the sites layer gives it: 0 where it builds
    nothing), which sizes the ring the style draws around the optimum's pie there."""
    shown, _searched, _left_out = searched_scope(plans, inputs, spatial)
    plans = distinct(plans)
    table = robustness(plans, inputs)
    products = [p for p in inputs.PRODUCTS if p in set(table["product"])]
    share = {(r.site, r.product): float(r.share) for r in table.itertuples(index=False)}
    total = len(plans)
    built_on = [set(a.plan.builds["site"]) for a in plans]
    building = {s: sum(1 for b in built_on if s in b) for s in shown}
    capex = plans[0].plan.builds.groupby("site")["capex_yuan"].sum().to_dict() if plans else {}
    sites = spatial.sites.set_index("id")
    rows, geometry = [], []
    for site in shown:
        shares = {p: share.get((site, p), 0.0) for p in products}
        top = max(shares.values(), default=0.0)
        site_share = building[site] / total if total else 0.0
        role = "needed" if site_share >= 1.0 else "some" if site_share > 0 else "none"
        text = ", ".join(f"{p} {v:.0%}" for p, v in shares.items() if v > 0)
        words = ", ".join(f"{product_label(p)} {v:.0%}" for p, v in shares.items() if v > 0)
        row: dict[str, Any] = {"id": site, "name": str(sites.at[site, "name"] or site), "cluster":
                               inputs.cluster_of_site[site], "role": role, "plans": total,
                               "plans_building": building[site], "site_share": round(site_share, 6),
                               "max_product_share": round(top, 6), "products": text, "products_in_words": words,
                               "capex_yuan": clean(float(capex.get(site, 0.0)))}
        for p in products:
            row[f"share_{p}"] = round(shares[p], 6)
        rows.append(row)
        geometry.append(shapely.point_on_surface(sites.at[site, "geometry"]))
    columns = ["id", "name", "cluster", "role", "plans", "plans_building", "site_share", "max_product_share",
               "products", "products_in_words", "capex_yuan"] + [f"share_{p}" for p in products]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=spatial.sites.crs)
    kinds: dict[str, FieldKind] = {c: "real" for c in columns
                                   if c.startswith("share_") or c.endswith("_share") or c == "capex_yuan"}
    kinds.update({"plans": "integer", "plans_building": "integer"})
    return make_layer("robustness", "Robustness: share of near-optimal plans that build at each site", frame,
                      columns, kinds, "Point")


#: plan.qgs's robustness rings where no pie stands (the optimum builds nothing there): the
#: diameter (mm) by the share of the plans building at the site (from none to every plan),
#: around the sites layer's marker; the legend's ring (mm across, where QGIS has no feature to
#: size it by).
ROBUSTNESS_RING_MM = (4.5, 7.0)
ROBUSTNESS_KEY_MM = 5.0
#: A site no near-optimal plan builds: a thin dashed grey ring (mm across, stroke mm) around the
#: sites layer's marker, unlike that layer's filled "eligible, not used" marker, so that the two
#: do not read as one class; and the legend's words of it in plan.qgs.
NO_PLAN_RING_MM = 3.6
NO_PLAN_STROKE_MM = 0.35
NO_PLAN_COLOUR = (90, 90, 90)
NO_PLAN_LABEL = "Built in no near-optimal plan (dashed ring: searched, never used)"
#: Where the renderer's ring is drawn: where no pie stands (where one does, `pie_ring_labels`
#: rings the pie instead). True without a feature, so the legend's sample is drawn.
NO_PIE = "coalesce(\"capex_yuan\", 0) = 0"


def pie_scale(plans: Sequence[Alternative]) -> float | None:
    """The capex (yuan) of a full-size pie on the maps of `plans` (the optimum and its
    alternatives, drawn on one scale): the largest capex of a site any of them builds on, each
    site's capex summed over its products; None where none builds."""
    found = [float(capex) for a in plans for capex in a.plan.builds.groupby("site")["capex_yuan"].sum().tolist()]
    return clean(max(found)) if found else None


def robustness_style(layer: OutputLayer, top: float | None = None, mixed: bool = False) -> str:
    """QML of robustness.geojson: every site keyed by an open ring (`open_ring`), so that the
    legend keys what the map draws: dark red for a site every plan builds, orange for one some
    plans build, sized by their share; where the optimum builds (`capex_yuan`), its pie in
    plan.qgs would hide a mark at the site, so the ring is drawn around that pie instead, in the
    labelling pass under every pie (siting/deliver/styles.py `pie_ring_labels`, PIE_RING_Z: the
    ring of a site beside a larger one never lies over its pie), and the renderer's ring is off
    there (NO_PIE). A site no plan builds: a thin dashed grey ring (NO_PLAN_LABEL), apart from
    the sites layer's filled "eligible, not used" marker under it. Labelled with the site's name
    and the shares in words (`products_in_words`) where some plan builds. `top`: the capex (yuan)
    of a full-size pie on the plans' maps (`pie_scale`), which sizes the rings about the pies;
    the layer's largest `capex_yuan` without it. `mixed`: the plans are of two kinds, which the
    label of a site some plans build says (`robustness_roles`)."""
    roles = robustness_roles(mixed)
    low, high = ROBUSTNESS_RING_MM
    size = f"scale_linear(\"site_share\", 0, 1, {low:g}, {high:g})"
    categories = [
        Category("needed", roles["needed"],
                 symbol("marker", "needed", *open_ring(NEEDED_COLOUR, ROBUSTNESS_KEY_MM, size, NO_PIE))),
        Category("some", roles["some"],
                 symbol("marker", "some", *open_ring(SOME_COLOUR, ROBUSTNESS_KEY_MM, size, NO_PIE))),
        Category("none", NO_PLAN_LABEL,
                 symbol("marker", "none", simple_marker("circle", rgba(NO_PLAN_COLOUR, 0), rgba(NO_PLAN_COLOUR),
                                                        NO_PLAN_RING_MM, outline_width=NO_PLAN_STROKE_MM,
                                                        outline_style="dash"))),
    ]
    labels = labeling("if(\"role\" = 'none', '', \"name\" || '\\n' || \"products_in_words\")", 8, 1)
    qml = qml_document(layer, categorized("role", categories, values_in(layer, "role")),
                       pie_ring_labels(layer, labels, "role", {"needed": NEEDED_COLOUR, "some": SOME_COLOUR},
                                       top))
    return with_aliases(qml, robustness_aliases(layer))


#: The names QGIS shows for the robustness layer's fields whose name does not say their unit.
ROBUSTNESS_ALIASES = {
    "name": SITE_NAME_ALIAS.format(key="id"),
    "plans": "plans compared: the optimum and its alternatives (count)",
    "plans_building": "plans that build here (count)",
    "site_share": "share of the plans that build here (0-1)",
    "max_product_share": "largest share of the plans that build one product here (0-1)",
    "products": "share of the plans that build each product here (product ids)",
    "products_in_words": "share of the plans that build each product here",
    "capex_yuan": "the optimum's capex here (yuan)",
}


def robustness_aliases(layer: OutputLayer) -> dict[str, str]:
    """The names QGIS shows for the robustness layer's fields (ROBUSTNESS_ALIASES), with each
    `share_<product>` as e.g. "LFP: share of the plans that build it here (0-1)": the shares
    are fractions from 0 to 1, where the text fields give percentages."""
    aliases = {name: alias for name, alias in ROBUSTNESS_ALIASES.items() if name in layer.field_names}
    for name in layer.field_names:
        if name.startswith("share_"):
            aliases[name] = f"{product_label(name[len('share_'):])}: share of the plans that build it here (0-1)"
    return aliases


#: robustness.png's markers: area (points^2) by role at a share of 0, growing by
#: ROBUSTNESS_AREA_PER_SHARE up to a share of 1 (every plan), and the width of their outline
#: (points).
ROBUSTNESS_AREAS = {"none": 15.0, "some": 40.0, "needed": 40.0}
ROBUSTNESS_AREA_PER_SHARE = 180.0
ROBUSTNESS_EDGE = 0.6
#: robustness.png's label sizes (points): a site every plan builds, and one some plans build.
NEEDED_FONT = 8.0
SOME_FONT = 7.0
#: The widest line (characters) of a robustness.png label: a longer name or list of products
#: goes on more lines, so that the label fits in its site's cluster (most of the shipped sites
#: stand near an outline, and a label as wide as "Zhanyi industrial park (green hydro-aluminium
#: park) (33%)" crossed it wherever it stood).
LABEL_WRAP = 24
#: How much farther (points) labels keep off a marker that lies on a larger one (an interchangeable
#: site's on a needed site's, as Qujing Cuifeng's on Qujing ETDZ's) than off the others, its own
#: label excepted: beside the larger marker and level with the smaller, a label read as the smaller
#: one's.
OVERLAID_GAP = 3.0
#: The distances (points beyond the marker) robustness.png's labels try, closer than map.png's
#: (siting/deliver/mapplot.py `_STEPS`) so that a label can slide just off an outline.
ROBUSTNESS_STEPS = (3.0, 10.0, 18.0, 27.0, 36.0, 48.0, 60.0, 75.0, 90.0, 107.0, 125.0)
#: How robustness.png's labels are placed (siting/deliver/mapplot.py `LabelPlacer`): its few labels
#: have room, so each looks farther out (up to 7 of ROBUSTNESS_STEPS beyond the first free one,
#: taking the one crossing the least outline there) and in more directions for a place across no
#: cluster's outline, on its site's side of the outlines (its leader with it), and a leader, once
#: drawn, keeps later labels off.
ROBUSTNESS_PLACING = {"line_steps": 7, "along": True, "leader_lines": True, "farther_for_less": True}
#: robustness.png's notes, under its legend: what the markers and the labels give.
ROBUSTNESS_NOTES = ("Marker area grows with the share of the near-optimal plans that build at the site. "
                    "Label: the site's name and the share of the plans that build there; under a site every "
                    "plan builds, \"always:\" and the products every plan builds there. Each product's share at "
                    "each site is in robustness.csv.")


def robustness_png(layer: OutputLayer, spatial: SpatialResult, title: str, names: Names | None = None,
                   notices: list[str] | None = None, mixed: bool = False) -> bytes:
    """robustness.png: `robustness_figure` as PNG bytes, made and drawn in `drawing_style`; its
    notice (labels no installed font draws) added to `notices`; `mixed`: the plans are of two
    kinds (`robustness_roles`); `lettered_png`."""
    return lettered_png("robustness.png", lambda lettering: robustness_figure(
        layer, spatial, title, names, lettering, mixed), notices)


def robustness_labels(frame: Any, names: Names) -> list[tuple[str, float, float, float, str, str]]:
    """One label per site some plan builds (`frame`: the robustness layer's features, in the
    map's CRS), in the order they are placed: the largest first (the most characters on a line
    times the lines: the hardest to place clear of the outlines), then by text: (site id, x, y,
    share of the plans building there, text, the text by the site's id for a name no font
    draws). The text is the site's name (`names`) and that share, "Zhanyi industrial park
    (17%)"; a site every plan builds adds the products every plan builds there, in words, on a
    line of its own ("Qujing ETDZ (100%)\nalways: Electrolyte, Cells"); each part wrapped at
    LABEL_WRAP characters ("Qujing Cuifeng\nsubdistrict (67%)")."""
    labels = []
    for x, y, site, role, share, products in zip(frame.geometry.x, frame.geometry.y, frame["id"], frame["role"],
                                                 frame["site_share"], frame["products"], strict=True):
        if role == "none":
            continue
        always = [names.product(text.rsplit(" ", 1)[0]) for text in str(products).split(", ")
                  if text.endswith(" 100%")]
        tail = f"\n{textwrap.fill('always: ' + ', '.join(always), LABEL_WRAP)}" if always else ""
        labels.append((str(site), float(x), float(y), float(share),
                       textwrap.fill(f"{names.site(site)} ({float(share):.0%})", LABEL_WRAP) + tail,
                       textwrap.fill(f"{site} ({float(share):.0%})", LABEL_WRAP) + tail))
    return sorted(labels, key=lambda label: (-_block_size(label[4]), label[4]))


def _block_size(text: str) -> int:
    """The most characters on a line of `text` times its lines."""
    lines = text.split("\n")
    return max(map(len, lines)) * len(lines)


def _draw_robustness_marks(ax: Any, frame: Any, mixed: bool = False
                           ) -> tuple[dict[tuple[float, float], float], list[tuple[Any, str]]]:
    """The sites' markers by role (ROBUSTNESS_ROLES: built in every plan, in some, in none), area
    by the share of the plans building there (ROBUSTNESS_AREAS), the larger under the smaller, so
    that a site beside another stays in view; returns each marker's radius to the outer edge of
    its outline (points) by its place (x, y, the map's CRS), which labels keep off, and a legend
    key (a matplotlib artist) and its label for each role drawn, in ROBUSTNESS_ROLES' order
    (`robustness_roles` of `mixed`: the plans are of two kinds)."""
    radii: dict[tuple[float, float], float] = {}
    keys: dict[str, Any] = {}
    for role, colour in (("needed", NEEDED_COLOUR), ("some", SOME_COLOUR), ("none", GREY)):
        part = frame.loc[frame["role"] == role].sort_values("site_share", ascending=False, kind="stable")
        if not len(part):
            continue
        sizes = [ROBUSTNESS_AREAS[role] + ROBUSTNESS_AREA_PER_SHARE * float(v) for v in part["site_share"]]
        keys[role] = ax.scatter(part.geometry.x, part.geometry.y, s=sizes, color=_rgb(colour, 0.9),
                                edgecolors=_rgb(INK), linewidths=ROBUSTNESS_EDGE, zorder=4)
        for x, y, size in zip(part.geometry.x, part.geometry.y, sizes, strict=True):
            radii[float(x), float(y)] = max(radii.get((float(x), float(y)), 0.0),
                                            math.sqrt(size) / 2 + ROBUSTNESS_EDGE / 2)
    # the longer words of two kinds (ROBUSTNESS_SOME_OF_KINDS) on two lines, to keep inside the page
    return radii, [(keys[role], label.replace(" (", "\n(", 1) if mixed and role == "some" else label)
                   for role, label in robustness_roles(mixed).items() if role in keys]


def _overlaid(ax: Any, radii: Mapping[tuple[float, float], float], pixels_per_point: float
              ) -> list[tuple[float, float, float]]:
    """The markers that overlap a larger marker as drawn on `ax` (its limits fixed): (x, y in the
    map's CRS, radius in points), in the order of `radii` (each marker's radius to the outer edge
    of its outline, points, by its place)."""
    places = list(radii)
    shown = ax.transData.transform(np.array(places, dtype=float).reshape(-1, 2))
    overlaid = []
    for (x, y), (cx, cy) in zip(places, shown, strict=True):
        radius = radii[x, y]
        if any(radii[other] > radius and math.hypot(cx - ox, cy - oy) < (radius + radii[other]) * pixels_per_point
               for other, (ox, oy) in zip(places, shown, strict=True)):
            overlaid.append((x, y, radius))
    return overlaid


def robustness_figure(layer: OutputLayer, spatial: SpatialResult, title: str, names: Names | None = None,
                      lettering: Any = None, mixed: bool = False) -> Any:
    """A map of the robustness layer (a matplotlib Figure, made in `drawing_style`): marker size
    and colour by the share of the plans building at each site (`_draw_robustness_marks`); every
    site some plan builds labelled (`robustness_labels`: its name, by `names` as map.png names it,
    the preprocessed sites' names without them, and that share; a site every plan builds in
    NEEDED_FONT, with the products every plan builds there, the others smaller, in SOME_FONT);
    texts fitted to the installed fonts by `lettering` (siting/deliver/mapplot.py `Lettering`: a
    site no font draws by its id). Each label is an annotation whose gid is its site's id.

    Labels are placed as map.png's (siting/deliver/mapplot.py `LabelPlacer`), in the order of
    `robustness_labels`, each where it overlaps no marker, label, cluster name, north arrow or
    scale bar (a leader line to its site where it stands apart, running through no label), and
    OVERLAID_GAP farther off a marker lying on a larger one (`_overlaid`) unless it is that
    marker's; and, where a position near enough allows (ROBUSTNESS_PLACING, ROBUSTNESS_STEPS),
    across no cluster's outline (`LabelPlacer.block_lines`) and on its site's side of them, so
    that it reads as in its site's cluster. Beside the map, to the right of its frame, the legend keys the three
    roles (`robustness_roles` of `mixed`: the plans are of two kinds), and the notes
    (ROBUSTNESS_NOTES: what the markers and labels give) hang under it."""
    from matplotlib.text import Annotation

    from siting.deliver.mapplot import HALO, Lettering

    names = names or spatial_names(spatial)
    lettering = lettering or Lettering("robustness.png")
    with drawing_style():
        figure, ax = _figure((0.02, 0.04, 0.62, 0.86))
        names_drawn = _draw_clusters(ax, spatial, lettering)
        frame = layer.frame.to_crs(spatial.clusters.crs)
        radii, keys = _draw_robustness_marks(ax, frame, mixed)
        marks = [(x, y, radius) for (x, y), radius in radii.items()]
        # The furniture fixes the limits the labels are placed in.
        placer = _map_furniture(figure, ax, spatial.clusters.crs, marks, names_drawn,
                                [spatial.clusters.geometry.to_numpy()], **ROBUSTNESS_PLACING)
        for x, y, radius in _overlaid(ax, radii, placer.points):
            placer.block_circle(x, y, radius, gap_points=OVERLAID_GAP)
        placer.block_lines(spatial.clusters.geometry.to_numpy(), CLUSTER_OUTLINE)
        for site, x, y, share, text, by_id in robustness_labels(frame, names):
            label = ax.annotate(text, (x, y), xytext=(0, 0), textcoords="offset points",
                                fontsize=NEEDED_FONT if share >= 1.0 else SOME_FONT, color=_rgb(INK), zorder=6,
                                path_effects=HALO, annotation_clip=False, gid=site)
            placer.place(lettering.fit(label, by_id), (x, y), radii[x, y], steps=ROBUSTNESS_STEPS)
        _title(figure, title, lettering)
        legend = ax.legend([key for key, _label in keys], [label for _key, label in keys], loc="upper left",
                           bbox_to_anchor=(1.0, 1.0), borderaxespad=1.0, fontsize=10, frameon=False, markerscale=0.6)
        lettering.fit_all(legend.get_texts())
        notes = Annotation(textwrap.fill(ROBUSTNESS_NOTES, 58), (0.0, 0.0), xycoords=legend,
                           xytext=(3.0, -RULES_GAP), textcoords="offset points", ha="left", va="top", fontsize=9,
                           color=_rgb(INK), linespacing=1.3)
        lettering.fit(figure.add_artist(notes))
    return figure


def spatial_names(spatial: SpatialResult) -> Names:
    """`Names` from the preprocessed layers (the sites kept in the clusters, the clusters and the
    raw-material sources), for a caller that gives none: a run's own (siting/prepare/problem.py
    `Prepared.names`) are made from the whole sites and sources layers and carry the products'
    units."""
    return layer_names(spatial.sites, spatial.clusters, {}, sources=spatial.sources)


def shown_comparison(table: pd.DataFrame, inputs: ModelInputs, names: Names) -> pd.DataFrame:
    """The comparison of the plans (siting/optimize/alternatives.py `comparison`) as alternatives.md
    shows it: `over_optimum`, a share of the optimum's cost, in percent (`over_optimum_percent`,
    0.02956 -> 2.96), and each `added <cluster> <product>` column headed with the cluster's and the
    product's names and the product's unit ("added in Kunming: FePO4, t/yr"); alternatives.csv
    keeps the ids and the share."""
    shown = table.copy()
    if "over_optimum" in shown.columns:
        shown["over_optimum"] = [float(f"{100.0 * float(v):.9g}") for v in shown["over_optimum"]]
    headers = {"over_optimum": "over_optimum_percent"}
    for c in inputs.CLUSTERS:
        for p in inputs.PRODUCTS:
            unit = names.units.get(p)
            headers[f"added {c} {p}"] = (f"added in {names.cluster(c)}: {names.product(p)}"
                                         + (f", {per_year(unit)}" if unit else ""))
    return shown.rename(columns=headers)


def shown_robustness(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The robustness table (siting/optimize/alternatives.py `robustness`) as alternatives.md shows
    it: sites, clusters and products by their names, the product's unit per year where `names`
    knows it, and `share` in percent (`share_percent`); robustness.csv keeps the ids and the
    share."""
    shown = pd.DataFrame({"site": [names.site(s) for s in frame["site"]],
                          "cluster": [names.cluster(c) for c in frame["cluster"]],
                          "product": [names.product(p) for p in frame["product"]]})
    if names.units:
        shown["unit"] = [per_year(names.units[p]) if p in names.units else "" for p in frame["product"]]
    shown["plans_building"] = list(frame["plans_building"])
    shown["share_percent"] = [float(f"{100.0 * float(v):.9g}") for v in frame["share"]]
    shown["mean_capacity_added"] = list(frame["mean_capacity_added"])
    return shown


def comparison_csv(table: pd.DataFrame, inputs: ModelInputs, names: Names, gap: float | None = None
                   ) -> pd.DataFrame:
    """The comparison of the plans (siting/optimize/alternatives.py `comparison`) as
    alternatives.csv gives it, by ids: each `added <cluster> <product>` column named with its
    unit, the product's catalog unit per year, as sweep.csv names its capacity columns
    (`added_yuxi_separator_million_m2_per_yr`; "units" for a product `names` gives no unit),
    `over_optimum`, a share of the optimum's cost, as `over_optimum_share` (0.03 = 3 %), and right
    after it `within_gap`: `yes` where that excess lies within the optimum's proven `gap` (a share;
    siting/optimize/alternatives.py `within_gap`), a difference within solver tolerance, not
    proven, as alternatives.md's `within_gap` column marks it; `no` for the other alternatives
    (yes/no, as rule_costs.csv writes `within_solver_tolerance`); empty on the optimum's own row
    (the first: it has no excess to weigh) and, without a known gap, on every row. Money
    as the files give it (`csv_text`: `cost_bn_yuan`)."""
    headers = {"over_optimum": "over_optimum_share"}
    for c in inputs.CLUSTERS:
        for p in inputs.PRODUCTS:
            headers[f"added {c} {p}"] = f"added_{c}_{p}_{unit_slug(names.units.get(p) or 'units')}_per_yr"
    shown = table.copy()
    if "over_optimum" in shown.columns and "within_gap" not in shown.columns:
        shown.insert(list(shown.columns).index("over_optimum") + 1, "within_gap",
                     within_gap(list(shown["over_optimum"]), gap))
    if "within_gap" in shown.columns:
        known = gap is not None and math.isfinite(gap) and gap >= 0  # 0: proven exactly, a gap known
        shown["within_gap"] = ["" if n == 0 or not known else "yes" if flag else "no"
                               for n, flag in enumerate(shown["within_gap"])]
    return shown.rename(columns=headers)


def robustness_csv(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """The robustness table (siting/optimize/alternatives.py `robustness`) as robustness.csv gives
    it, by ids: with the `unit` of each row, the product's catalog unit per year ("units/yr" for a
    product `names` gives no unit), right after `product`, the column that decides it, as the
    plan's tables have it; `mean_capacity_added` is in that unit."""
    table = frame.copy()
    units = [per_year(names.units.get(p) or "units") for p in table["product"]]
    table.insert(list(table.columns).index("product") + 1, "unit", pd.Series(units, index=table.index, dtype=object))
    return table


def screened_scope_text(plans: Sequence[Alternative], inputs: ModelInputs, spatial: SpatialResult | None) -> str:
    """With candidate cells screened (`plans.searched_sites` fewer than the sites of `inputs`),
    that the alternatives were searched only among the sites the optimum's screening kept, how
    many (parks and cells), and how many cells robustness.geojson leaves out and why; "" without
    screening."""
    searched = tuple(getattr(plans, "searched_sites", ()) or ())
    if not searched or len(set(searched)) >= len(inputs.SITES):
        return ""
    if spatial is not None:
        _shown, cells, left_out = searched_scope(plans, inputs, spatial)
    else:
        cells, left_out = 0, len(inputs.SITES) - len(set(searched))
    parks = len(set(searched)) - cells
    which = (f" ({parks:,} park{'s' if parks != 1 else ''} and {cells:,} candidate cell{'s' if cells != 1 else ''})"
             if spatial is not None else "")
    return (f"The alternatives were searched only among the {len(set(searched)):,} sites the optimum's screening "
            f"kept{which}, as the optimum's plan was: a plan building on another of the candidate cells is not "
            f"looked for, so none of these plans builds there. robustness.geojson shows every park and the screened "
            f"cells, and leaves out the other {left_out:,} cell{'s' if left_out != 1 else ''}, which no plan here "
            "could build on.")


def alternatives_markdown(plans: Sequence[Alternative], inputs: ModelInputs, slack: float, table: pd.DataFrame,
                          gap: float | None, names: Names | None = None, spatial: SpatialResult | None = None
                          ) -> str:
    """The comparison of the near-optimal plans, the robustness table and the map; sites,
    clusters and products by their `names` (their ids without them), shares in percent. With
    candidate cells screened, it says that the alternatives were searched only among the sites
    the optimum's screening kept, how many, and how many cells robustness.geojson leaves out
    (`screened_scope_text`; the counts of parks and cells from the preprocessed sites of
    `spatial`)."""
    names = names or Names()
    frame = robustness(plans, inputs)
    needed = frame.loc[frame["share"] >= 1.0]
    # every alternative kept the optimum's modules by cluster: no plan here moved capacity between clusters
    within_counts = len(plans) > 1 and all(a.scope == SCOPE_SITES for a in plans[1:])
    allowed = slack_amount_text({"slack": slack, "optimum_cost_yuan": plans[0].cost_yuan,
                                 "optimum_gross_cost_yuan": sum(v for k, v in plans[0].plan.costs.items()
                                                                if k != "sales")}) if plans else ""
    one = len(plans) == 2
    stages = ("It keeps the optimum's modules by cluster, size and year and moves them among the sites of their "
              "clusters (scope `sites`), as the first of several alternatives does; with more asked for, half of "
              "them (rounded down) may move capacity between clusters too (scope `clusters`). " if one and
              plans[1].scope == SCOPE_SITES else
              "The first alternatives, at most half of those asked for (rounded up), keep the optimum's modules "
              "by cluster, size and year and move them among the sites of their clusters (scope `sites`); the "
              "others, and all of them once no other such pattern fits, may move capacity between clusters too "
              "(scope `clusters`). ")
    lines = [f"# Near-optimal plans within {slack_percent(slack)} of the optimum", "",
             f"{len(plans) - 1} alternative{'' if one else 's'} to the optimum, "
             f"{'within' if one else 'each within'} {slack_percent(slack)} of its cost"
             f"{f' ({allowed})' if allowed else ''} and as different as possible "
             f"from the plan{'' if one else 's'} before it (sites built on, "
             "site-product decisions, clusters hosting each product, capacity by cluster and product), "
             f"and never with the same pattern of sites and products as {'it' if one else 'any of them'}. "
             + stages +
             "Each is in its own folder (`alt01/`, ...). Each search is limited by branch-and-bound nodes on one "
             "thread, not by wall time, so the same inputs give the same plans."]
    scope = screened_scope_text(plans, inputs, spatial)
    if scope:
        lines.append(scope)
    ended = getattr(plans, "ended", "")
    if ended:
        lines.append(f"Fewer alternatives than asked ({getattr(plans, 'asked', len(plans) - 1)}): {ended}.")
    timed_out = [a.label for a in plans if a.stopped_by == "time limit"]
    if timed_out:
        lines.append(f"The search for {', '.join(timed_out)} stopped at the time limit (the safety net), not at its "
                     "node limit or gap: that plan may differ between runs and machines"
                     + (", and so may the alternatives that start from it" if timed_out[0] == plans[0].label else "")
                     + "; raise solver.time_limit_s.")
    if gap:
        gap_yuan = bound_bn(gap * abs(plans[0].cost_yuan), up=True)  # a share of |optimum|; up, as proven
        lines.append(f"The optimum was proven within a gap of {gap_text(gap)} ({gap_yuan}"
                     "): plans whose costs differ by less are within solver tolerance of each other.")
    if finite(gap) and slack_below_gap(slack, gap):
        lines.append(f"The slack ({slack_percent(slack)}) is below the gap the optimum is proven within "
                     f"({gap_text(gap)}): differences in cost below the gap are not proven, so an alternative marked "
                     "`within_gap` below is not proven to cost more than the optimum, nor the optimum to be the "
                     "cheaper.")
    cheaper = cheaper_text(table, gap, plans[0].cost_yuan if plans else 0.0)
    if cheaper:
        lines.append(cheaper)
    shown = shown_comparison(table, inputs, names)
    digits = optimum_decimals(plans)  # each plan's cost as the optimum's report gives its objective
    if digits != 2:
        shown.attrs[DECIMALS] = {"cost_bn_yuan": digits}
    marks = within_gap_marks(table, gap)
    if any(marks):
        shown.insert(list(shown.columns).index("over_optimum_percent") + 1, "within_gap", marks)
    unit = ("in the unit its header gives (`mean_capacity_added` below likewise, in its row's unit, averaged over "
            "the plans that build there)" if names.units else
            "in the product's catalog unit per year (`mean_capacity_added` below likewise, averaged over the plans "
            "that build there)")
    lines += ["", markdown_table(shown), "",
              "Columns: `over_optimum_percent` is how much more than the optimum the plan costs, in percent of the "
              "optimum's cost (3 = 3 %; negative: it costs less than the plan reported as the optimum, which is "
              "proven only within its gap); "
              + ("`within_gap` is yes where that difference is within the optimum's proven gap (within solver "
                 "tolerance, not proven); " if any(marks) else "")
              + "`new_site_products` "
              "counts the site-product pairs no plan above it builds; `stopped_by` is what ended its search; "
              "`scope` what it could change; `same_as` names an earlier plan it repeats (empty: alternatives never "
              f"repeat); `added in <cluster>: <product>` is the capacity added by the last year, {unit}; "
              "alternatives.csv and robustness.csv give the same with ids, units in the column names "
              "(`added_<cluster>_<product>_<unit>_per_yr`) or in a `unit` column, and shares "
              "(`over_optimum_share`, `share`: 0.03 = 3 %).",
              "## Robustness", "",
              f"Shares count the {len(distinct(plans))} distinct plans. "
              f"{len(needed)} site-product decision{'s appear' if len(needed) != 1 else ' appears'} in every plan: "
              + ("; ".join(f"{names.product(r.product)} at {names.site(r.site)}"
                           for r in needed.itertuples(index=False)) or "none") + "."
              + (" Every alternative kept the optimum's modules by cluster, size and year (scope `sites`): these "
                 "shares compare sites within each cluster only, and say nothing of whether the optimum's split of "
                 "capacity between clusters is settled." if within_counts else "")
              + mixed_scopes_text(plans, inputs, names),
              "", markdown_table(shown_robustness(frame, names)),
              "![Share of near-optimal plans that build at each site](robustness.png)", ""]
    return "\n".join(lines)


def _over_range(plans: Sequence[Alternative], base: float) -> str:
    """The plans' excess over the optimum's cost `base`, in percent of |base|: "0.86%" or
    "0.55% to 0.64%"."""
    shares = sorted(clean((a.cost_yuan - base) / abs(base)) if base else 0.0 for a in plans)
    low, high = f"{shares[0]:.2%}", f"{shares[-1]:.2%}"
    return low if low == high else f"{low} to {high}"


def mixed_scopes_text(plans: Sequence[Alternative], inputs: ModelInputs, names: Names) -> str:
    """When some alternatives may move capacity between clusters (scope `clusters`), a note for
    the robustness section: its shares count both kinds of plan alike, the plans that keep the
    optimum's capacity by cluster (the optimum and its alternatives of scope `sites`) and those
    of scope `clusters`, which use more of the slack (other splits that fit within it, not the
    cheapest); each kind's excess over the optimum; and, for each kind of two plans or more, the
    site-product decisions every plan of that kind takes but not every plan of the set (a share
    below 100 % may be a decision one kind always takes and the other never). "" without plans
    of scope `clusters`."""
    plans = distinct(plans)
    moved = [a for a in plans[1:] if a.scope == SCOPE_CLUSTERS]
    if not plans or not moved:
        return ""
    kept = [a for a in plans[1:] if a.scope != SCOPE_CLUSTERS]
    base = plans[0].cost_yuan

    def alternatives(n: int) -> str:
        return f"{n} alternative{'s' if n != 1 else ''}"

    text = (" These shares count two kinds of plan alike: the optimum"
            + (f" and its {alternatives(len(kept))} of scope `sites` ({_over_range(kept, base)} over the optimum's "
               "cost)" if kept else "")
            + f", which keep{'s' if not kept else ''} its capacity by cluster, and {alternatives(len(moved))} of scope "
            f"`clusters` ({_over_range(moved, base)} over), which may move capacity between clusters and use more of "
            "the slack: other splits between clusters that fit within it, not the cheapest of them.")
    everywhere = set.intersection(*(build_pairs_of(a.plan) for a in plans))
    order = {s: i for i, s in enumerate(inputs.SITES)} | {p: i for i, p in enumerate(inputs.PRODUCTS)}
    kinds = []
    for label, group in ((f"the {len(kept) + 1} plans that keep the optimum's capacity by cluster",
                          [plans[0], *kept]),
                         (f"the {len(moved)} of scope `clusters`", moved)):
        if len(group) < 2:
            continue
        common = sorted(set.intersection(*(build_pairs_of(a.plan) for a in group)) - everywhere,
                        key=lambda pair: (order.get(pair[0], 0), order.get(pair[1], 0), pair))
        kinds.append(f"of {label}, "
                     + (", ".join(f"{names.product(p)} at {names.site(s)}" for s, p in common) or "none"))
    if kinds:
        text += (" Decisions every plan of one kind takes, beyond those every plan takes (a share below 100 % may "
                 "be one kind's every time): " + "; ".join(kinds) + ".")
    return text


def robustness_kinds(plans: Sequence[Alternative]) -> tuple[str, str]:
    """What plan.qgs's robustness layer says of the kinds of plan its shares count, where some
    alternatives may move capacity between clusters (scope `clusters`): (its title's line in the
    print legend, "2 keep the optimum's capacity by cluster, 1 may move capacity between clusters:
    counted alike (alternatives.md)"; its abstract's words, as alternatives.md's robustness
    section says them, `mixed_scopes_text`); ("", "") without plans of scope `clusters`."""
    shown = distinct(plans)
    moved = sum(a.scope == SCOPE_CLUSTERS for a in shown[1:])
    if not moved:
        return "", ""
    kept = len(shown) - 1 - moved

    def alternatives(n: int) -> str:
        return f"{n} alternative{'s' if n != 1 else ''}"

    legend = (f"{kept + 1} keep the optimum's capacity by cluster, {moved} may move capacity between clusters: "
              "counted alike (alternatives.md)")
    abstract = ("its shares count two kinds of plan alike: the optimum"
                + (f" and its {alternatives(kept)} of scope sites" if kept else "")
                + f", which keep{'s' if not kept else ''} its capacity by cluster, and {alternatives(moved)} of scope "
                "clusters, which may move capacity between clusters (other splits that fit within the slack, not the "
                "cheapest): a share below 100 % may be a decision one kind always takes and the other never, not "
                "sites interchangeable at nearly the optimum's cost; alternatives.md gives each kind's cost over the "
                "optimum and the decisions every plan of one kind takes")
    return legend, abstract


def robustness_sheet_line(plans: Sequence[Alternative], slack: float) -> str:
    """The line the optimum's "Plan" sheet in plan.qgs adds to its title, whose map draws the
    robustness layer always (siting/deliver/qgisproject.py `sheet_project`): what the rings show,
    with how many distinct plans their shares count and the slack they were found within, as
    robustness.png's title counts them ("with robustness rings: which sites the 3 near-optimal plans
    keep (the optimum and 2 alternatives within 5% of its cost), by the share of them building at
    each site")."""
    others = len(distinct(plans)) - 1
    if others < 1:  # every alternative builds what the optimum builds
        return (f"with robustness rings: no alternative within {slack_percent(slack)} of its cost builds otherwise "
                "than the optimum, whose sites they mark")
    return (f"with robustness rings: which sites the {others + 1} near-optimal plans keep (the optimum and {others} "
            f"alternative{'s' if others != 1 else ''} within {slack_percent(slack)} of its cost), by the share of "
            "them building at each site")


def within_gap_marks(table: pd.DataFrame, gap: float | None) -> list[str]:
    """Per plan of the comparison, "yes" for an alternative whose cost differs from the optimum's
    (`over_optimum`, a share of |optimum|) by no more than the optimum's proven `gap` (a share):
    a difference within solver tolerance, not proven; "" for the others and the optimum (the
    first row), and for every plan without a known gap."""
    if "over_optimum" not in table.columns:
        return [""] * len(table)
    return ["yes" if flag else "" for flag in within_gap(list(table["over_optimum"]), gap)]


def optimum_decimals(plans: Sequence[Alternative]) -> int:
    """The decimals of bn yuan at which the optimum's own outputs (the terminal's objective line,
    its report's Solve table) give its objective (siting/deliver/tables.py `solve_decimals` of
    its solve report): 3 for a small plan proven optimal (0.0953 bn yuan, "0.095"), 2 for the
    shipped plan and without plans. alternatives.md gives every plan's cost with as many."""
    if not plans:
        return 2
    report = plans[0].report
    return solve_decimals(report.objective_yuan, report.best_bound_yuan, report.gap)


def near_optimal_line(record: Mapping[str, Any] | None, digits: int = 2) -> str:
    """The terminal's line on the alternatives found (before the line on what was written: "2
    alternatives in alt01/ and alt02/, compared in alternatives.md, ..."), from the optimum's
    `near_optimal` record (siting/optimize/alternatives.py
    `near_optimal_record`): how many, within which slack, each one's cost and its excess over the
    optimum's ("2 near-optimal alternatives within 5% of the optimum (10.06 bn yuan; up to 0.50 bn
    yuan more): alt01 10.36 bn yuan, +2.96%; alt02 10.31 bn yuan, +2.48%"; the slack in yuan by
    `slack_amount_text`), with the optimum's gap where the slack is below it. The costs have
    `digits` decimals of bn yuan (2 unless told: the optimum's objective line's, `optimum_decimals`:
    "0.095 bn yuan" for a small plan proven optimal, as the line above gives it)."""
    if not record:
        return ""
    rows = list(record.get("plans") or [])
    found = rows[1:]
    slack = float(record.get("slack") or 0.0)
    gap = record.get("optimum_gap")
    below = (f"; the optimum is proven within {gap_text(float(gap))}, so differences below that are not proven"
             if gap is not None and slack_below_gap(slack, float(gap)) else "")
    # where the slack is above the gap, the note above is not given: mark each alternative whose
    # excess lies within the gap, as report.md and alternatives.md do (`within_gap`)
    inside = within_gap([0.0, *(float(r.get("over_optimum") or 0.0) for r in found)],
                        None if below or gap is None else float(gap))[1:]
    each = "; ".join(f"{r['plan']} {cost_over_text(r, float(gap) if flag and gap is not None else None, '', digits)}"
                     for r, flag in zip(found, inside, strict=True))
    optimum = bn_yuan(rows[0].get("cost_yuan"), digits) if rows else "n/a"
    allowed = slack_amount_text(record)
    return (f"{len(found)} near-optimal alternative{'s' if len(found) != 1 else ''} within {slack_percent(slack)} "
            "of the optimum "
            f"({optimum}{'; ' + allowed if allowed else ''})" + (f": {each}" if each else "") + scopes_text(found)
            + below)


def cost_over_text(row: Mapping[str, Any], within: float | None = None, over: str = "", digits: int = 2) -> str:
    """An alternative's cost and its excess over the optimum's, as the terminal words them
    (`near_optimal_line`): "10.36 bn yuan, +2.96%", `over` after the share (" over the
    optimum"); with `within` (the optimum's proven gap, a share, where the excess lies within
    it: siting/optimize/alternatives.py `within_gap`), "(within the optimum's proven gap of
    1.70%, not proven dearer)" after. `row`: the alternative's row of the `near_optimal` record.
    The cost has `digits` decimals of bn yuan (2 unless told: `optimum_decimals`)."""
    return f"{bn_yuan(row.get('cost_yuan'), digits)}, {excess_text(row, within, over)}"


def excess_text(row: Mapping[str, Any], within: float | None = None, over: str = "") -> str:
    """`cost_over_text` without the cost: "+2.96%", `over` after it, and with `within` "(within
    the optimum's proven gap of 1.70%, not proven dearer)"."""
    text = f"{float(row.get('over_optimum') or 0.0):+z.2%}{over}"
    return text + (f" (within the optimum's proven gap of {gap_text(within)}, not proven dearer)" if within is not None
                   else "")


def plan_theme_names(record: Mapping[str, Any] | None, digits: int = 2) -> dict[str, str]:
    """Per plan of a near-optimal set (the optimum's `near_optimal` record, siting/optimize/alternatives.py
    `near_optimal_record`), its name in the optimum's plan.qgs (its group, map theme and print
    layout: siting/deliver/qgisproject.py `ShownPlans`): the optimum's "optimum: 10.06 bn yuan, the
    cost-optimal plan, proven within 1.70%"; an alternative's its label, its kind (`scope`, as
    alternatives.md and the terminal say) and its cost over the optimum's, with whether that lies
    within the optimum's proven gap (`cost_over_text`, `within_gap`): "alt01, scope sites: 10.36
    bn yuan, +2.96% over the optimum". No name holds "/" (a map theme names a group by its path).
    The costs have `digits` decimals of bn yuan (2 unless told: the optimum's objective line's,
    `optimum_decimals`, which its plan.qgs title gives)."""
    rows = list((record or {}).get("plans") or [])
    if not rows:
        return {}
    gap = (record or {}).get("optimum_gap")
    gap = float(gap) if gap is not None else None
    proven = f", proven within {gap_text(gap)}" if gap is not None and math.isfinite(gap) else ", no gap proven"
    names = {str(rows[0]["plan"]): f"{rows[0]['plan']}: {bn_yuan(rows[0].get('cost_yuan'), digits)}, "
                                   "the cost-optimal plan"
                                   f"{proven}"}
    inside = within_gap([0.0, *(float(r.get("over_optimum") or 0.0) for r in rows[1:])], gap)
    for row, flag in zip(rows[1:], inside[1:], strict=True):
        scope = f", scope {row['scope']}" if row.get("scope") else ""
        names[str(row["plan"])] = (f"{row['plan']}{scope}: "
                                   f"{cost_over_text(row, gap if flag else None, ' over the optimum', digits)}")
    return {label: name.replace("/", "-") for label, name in names.items()}


def plan_excess_lines(record: Mapping[str, Any] | None) -> dict[str, str]:
    """Per alternative of a near-optimal set (the optimum's `near_optimal` record), the line its
    sheet's title in the optimum's plan.qgs ends with: its cost's excess over the optimum's, with
    whether that lies within the optimum's proven gap, as `plan_theme_names` words it in the
    layout's name ("+2.96% over the optimum's cost (within the optimum's proven gap of 3.00%, not
    proven dearer)"), since a printed sheet shows its title and not the layout's name."""
    rows = list((record or {}).get("plans") or [])
    if not rows:
        return {}
    gap = (record or {}).get("optimum_gap")
    gap = float(gap) if gap is not None else None
    inside = within_gap([0.0, *(float(r.get("over_optimum") or 0.0) for r in rows[1:])], gap)
    lines = {}
    for row, flag in zip(rows[1:], inside[1:], strict=True):
        lines[str(row["plan"])] = excess_text(row, gap if flag else None, " over the optimum's cost")
    return lines


def scopes_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """The terminal's words on what each alternative of `rows` (the `near_optimal` record's
    `plans` less the optimum) could change, by its `scope`: ". alt01 keeps the optimum's capacity
    by cluster (scope sites); alt02 may move capacity between clusters (scope clusters): another
    split that fits within the slack, not the cheapest"; "" when no row has a scope."""
    kept = [str(r["plan"]) for r in rows if r.get("scope") == SCOPE_SITES]
    moved = [str(r["plan"]) for r in rows if r.get("scope") not in (None, "", SCOPE_SITES)]  # scope "clusters"
    parts = []
    if kept:
        parts.append(f"{', '.join(kept)} keep{'s' if len(kept) == 1 else ''} the optimum's capacity by cluster "
                     "(scope sites)")
    if moved:
        one = len(moved) == 1
        parts.append(f"{', '.join(moved)} may move capacity between clusters (scope clusters): "
                     f"{'another split that fits' if one else 'other splits that fit'} within the slack, not the "
                     "cheapest")
    return ". " + "; ".join(parts) if parts else ""


def cheaper_text(table: pd.DataFrame, gap: float | None, optimum_yuan: float) -> str:
    """A note on the plans of the comparison (`over_optimum`, a share of |optimum|) that cost less
    than the plan reported as the optimum: that plan is proven only within the solve's `gap` (a
    share; in percent and in bn yuan of |optimum|), so such a plan is as good, not a sign of a
    fault. Empty when none does."""
    if "over_optimum" not in table.columns:
        return ""
    rows = [(str(label), float(share)) for label, share in zip(table["plan"], table["over_optimum"], strict=True)
            if float(share) < 0.0]
    if not rows:
        return ""
    labels = ", ".join(label for label, _share in rows)
    by = "; ".join((f"{label} " if len(rows) > 1 else "") + f"by {-100.0 * share:.2g}%" for label, share in rows)
    within = (f"within its gap of {gap_text(gap)} ({bound_bn(gap * abs(optimum_yuan), up=True)})" if finite(gap) and gap
              else "within the solver's tolerances")
    one = len(rows) == 1
    return (f"{labels} cost{'s' if one else ''} less than the plan reported as the optimum ({by} of its cost): that "
            f"plan is proven optimal only {within}, so the difference{' is' if one else 's are'} within solver "
            f"tolerance and {labels} {'is as good a plan' if one else 'are as good plans'}.")


def alternatives_files(plans: Sequence[Alternative], inputs: ModelInputs, spatial: SpatialResult, slack: float,
                       scenario: str, gap: float | None, names: Names | None = None,
                       layer: OutputLayer | None = None) -> dict[str, FileContent]:
    """The robustness layer with its style, map and table, and the comparison of the plans; the map
    and alternatives.md name sites, clusters and products by `names` (the run's; from the
    preprocessed layers without them), the CSV and GeoJSON files by id. `layer`: the plans'
    `robustness_layer` when the caller has made it already. robustness.qml rings the pies on the
    plans' one scale (`pie_scale`), as their maps draw them."""
    names = names or spatial_names(spatial)
    layer = layer if layer is not None else robustness_layer(plans, inputs, spatial)
    table = comparison(plans, inputs)
    drawn: list[str] = []
    shown = distinct(plans)
    moved = sum(a.scope == SCOPE_CLUSTERS for a in shown[1:])
    kinds = (f"\n{len(shown) - moved} keep the optimum's capacity by cluster, {moved} may move capacity between "
             "clusters (alternatives.md)" if moved else "")
    png = robustness_png(layer, spatial, f"{scenario}: share of {len(shown)} near-optimal plans (within "
                                         f"{slack_percent(slack)}) that build at each site{kinds}", names, drawn,
                         bool(moved))
    return {
        "robustness.geojson": feature_collection_text(layer),
        "robustness.qml": robustness_style(layer, pie_scale(plans), mixed=bool(moved)),
        "robustness.csv": csv_text(robustness_csv(robustness(plans, inputs), names)),
        "robustness.png": _bytes_writer(png),
        "alternatives.csv": csv_text(comparison_csv(table, inputs, names, gap)),
        "alternatives.md": "\n".join([alternatives_markdown(plans, inputs, slack, table, gap, names, spatial),
                                       *(f"{notice}\n" for notice in drawn)]),
    }


def subfolder_writer(files: Mapping[str, FileContent]) -> Callable[[Path], None]:
    """A writer that makes a folder at its path and writes `files` into it."""

    def write(folder: Path) -> None:
        folder.mkdir()
        write_contents(folder, files)

    return write


def finite(value: float | None) -> bool:
    """True for a finite number."""
    return value is not None and math.isfinite(value)
